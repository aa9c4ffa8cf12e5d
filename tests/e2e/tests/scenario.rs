//! The end-to-end scenario, through the UI only, against the real app in demo mode (no
//! tenant: the app runs its own Defender emulator and SMTP server):
//!
//! 1. From an empty canvas (a new blank flow, its trigger deleted) the analyst builds the seed flow
//!    (new alert → get alert → severity is High? → Yes: isolate → email the SOC; No: email for
//!    review) with palette clicks (each step goes after the selected one, connected), a mouse drag
//!    from the condition's No handle and the inspector (the dynamic-content picker, which inserts
//!    and gives the field its focus back, the condition builder, typed `{{ trigger.machineId }}`
//!    references). Names are the registry's ("New alert", "Get alert", "Send email").
//! 2. A condition with an empty operand shows a problem (node badge and problems list) until the
//!    operand is picked.
//! 3. Deleting a node (Delete) and Ctrl+Z brings it back with its connections and settings.
//! 4. A High alert (created through the emulator's control API): Run now, not a dry run; the run
//!    panel and the canvas show every step succeeded but the review email (skipped); the emulator
//!    received one Full isolate POST for the alert's machine and the SOC email.
//! 5. A Medium alert (the demo banner's Simulate alert): isolate and the SOC email are skipped,
//!    the review email is sent; no other isolation.
//! 6. The run panel's History tab lists both runs; the High one opens again with its steps.
//!
//! Each phase's duration is logged (`--nocapture`); the whole scenario takes about 30 s.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use flowguard_e2e::{displayed, eventually, http, keep_screenshot, with_app};
use serde_json::{Value, json};
use thirtyfour::prelude::*;

/// Long enough for the app's autosave (600 ms) and a check round trip on a busy 2-core machine.
const WAIT: Duration = Duration::from_secs(20);

/// Logs how long each phase took (to stderr, shown with `--nocapture`).
struct Phases {
    start: Instant,
    last: Instant,
}

impl Phases {
    fn new() -> Self {
        let now = Instant::now();
        Self {
            start: now,
            last: now,
        }
    }

    fn done(&mut self, phase: &str) {
        let now = Instant::now();
        eprintln!(
            "[scenario] {phase}: {:.1} s (total {:.1} s)",
            (now - self.last).as_secs_f64(),
            (now - self.start).as_secs_f64()
        );
        self.last = now;
    }
}

/// The displayed node with this id (`data-node-id`).
async fn node(driver: &WebDriver, id: &str) -> Result<WebElement> {
    displayed(driver, &format!(".flow-node[data-node-id=\"{id}\"]"))
        .await
        .with_context(|| format!("the node {id} is not on the canvas"))
}

/// The ids of the nodes of a kind on the canvas.
async fn node_ids(driver: &WebDriver, kind: &str) -> Result<Vec<String>> {
    let mut ids = Vec::new();
    for card in driver
        .find_all(By::Css(format!("[data-testid=node-{kind}]")))
        .await?
    {
        ids.extend(card.attr("data-node-id").await?);
    }
    Ok(ids)
}

/// Clicks a node's title (selecting it) and waits for the inspector to show it.
async fn select_node(driver: &WebDriver, id: &str) -> Result<()> {
    let card = node(driver, id).await?;
    card.find(By::Css("[data-testid=node-title]"))
        .await?
        .click()
        .await?;
    let title = card
        .find(By::Css("[data-testid=node-title]"))
        .await?
        .text()
        .await?;
    eventually(
        &format!("the inspector showing the selected node {id} ({title:?})"),
        WAIT,
        || async {
            let shown = driver
                .find_all(By::Css("[data-testid=inspector] .inspector-title"))
                .await?;
            match shown.first() {
                Some(heading) if heading.text().await? == title => Ok(Some(())),
                _ => Ok(None),
            }
        },
    )
    .await
}

/// Adds a node of `kind` by clicking its palette entry, waits for it on the canvas and returns
/// its id.
async fn add_from_palette(driver: &WebDriver, kind: &str) -> Result<String> {
    let before = node_ids(driver, kind).await?;
    let entry = driver
        .find(By::Css(format!("[data-testid=palette-entry-{kind}]")))
        .await
        .with_context(|| format!("the palette has no {kind} entry"))?;
    // The palette scrolls: the entry may be below its fold.
    entry.scroll_into_view().await?;
    entry.click().await?;
    let id = eventually(
        &format!("a new {kind} node after clicking its palette entry"),
        WAIT,
        || async {
            let now = node_ids(driver, kind).await?;
            Ok(now.into_iter().find(|id| !before.contains(id)))
        },
    )
    .await?;
    node(driver, &id).await?;
    Ok(id)
}

/// Waits until the canvas has stopped moving: the viewport (fit and tidy animate it) and every
/// node's place and size (a problem badge appearing after a save widens a node) unchanged for
/// 400 ms.
async fn canvas_settled(driver: &WebDriver) -> Result<()> {
    const SNAPSHOT: &str = "return [document.querySelector('.react-flow__viewport')?.style.transform, \
        ...[...document.querySelectorAll('.react-flow__node')].map((n) => `${n.style.transform} ${n.offsetWidth}x${n.offsetHeight}`)].join('|')";
    let deadline = Instant::now() + WAIT;
    let mut previous = String::new();
    let mut stable_since = Instant::now();
    loop {
        let now = driver.execute(SNAPSHOT, Vec::new()).await?;
        let now = now.json().as_str().unwrap_or_default().to_owned();
        if now != previous {
            previous = now;
            stable_since = Instant::now();
        } else if stable_since.elapsed() >= Duration::from_millis(400) {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("the canvas kept moving for {WAIT:?}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Connects two nodes the way a mouse user does: press on the source handle, move across to the
/// target handle, release. Waits for the edge (`rf__edge-{from}[:port]->{to}`) to be drawn.
async fn drag_connect(driver: &WebDriver, (from, handle): (&str, &str), to: &str) -> Result<()> {
    let source = node(driver, from)
        .await?
        .find(By::Css(format!("[data-testid={handle}]")))
        .await
        .with_context(|| format!("the node {from} has no {handle} handle"))?;
    let target = node(driver, to)
        .await?
        .find(By::Css("[data-testid=handle-in]"))
        .await
        .with_context(|| format!("the node {to} has no input handle"))?;
    // The last edit's autosave brings new problem badges, which resize nodes and move handles.
    saved(driver).await?;
    canvas_settled(driver).await?;
    driver
        .action_chain()
        .move_to_element_center(&source)
        .click_and_hold()
        .move_by_offset(15, 0)
        .move_to_element_center(&target)
        .move_by_offset(1, 0)
        .release()
        .perform()
        .await
        .with_context(|| format!("dragging from {from}'s {handle} to {to}"))?;

    let port = match handle {
        "handle-true" => ":true",
        "handle-false" => ":false",
        _ => "",
    };
    let edge = format!("{from}{port}->{to}");
    driver
        .query(By::Css(format!("[data-testid=\"rf__edge-{edge}\"]")))
        .wait(WAIT, Duration::from_millis(100))
        .first()
        .await
        .with_context(|| {
            format!("dragging {from}'s {handle} onto {to}'s input drew no edge {edge}")
        })?;
    Ok(())
}

/// Tidy, then zoom to fit, and wait for the nodes to stop moving.
async fn tidy_and_fit(driver: &WebDriver) -> Result<()> {
    for button in ["toolbar-tidy", "toolbar-fit"] {
        displayed(driver, &format!("[data-testid={button}]"))
            .await?
            .click()
            .await?;
    }
    canvas_settled(driver).await
}

/// Replaces a text field's content by typing, as a user does (select all, type).
async fn type_into(driver: &WebDriver, css: &str, text: &str) -> Result<WebElement> {
    let field = displayed(driver, css).await?;
    field.scroll_into_view().await?;
    field
        .click()
        .await
        .with_context(|| format!("cannot click the field {css}"))?;
    field.send_keys(Key::Control + "a").await?;
    field.send_keys(Key::Backspace).await?;
    if !text.is_empty() {
        field
            .send_keys(text)
            .await
            .with_context(|| format!("cannot type into the field {css}"))?;
    }
    let expected = text.to_owned();
    eventually(&format!("{css} to read {text:?}"), WAIT, || async {
        let value = field.prop("value").await?.unwrap_or_default();
        Ok((value == expected).then_some(()))
    })
    .await?;
    Ok(field)
}

/// Chooses `value` in a drop-down (already chosen: nothing to do), and checks it took.
async fn choose(select: &WebElement, value: &str, what: &str) -> Result<()> {
    if select.prop("value").await?.as_deref() == Some(value) {
        return Ok(());
    }
    select.scroll_into_view().await?;
    let option = select
        .find(By::Css(format!("option[value=\"{value}\"]")))
        .await
        .with_context(|| format!("{what} offers no {value:?}"))?;
    option.click().await?;
    eventually(&format!("{what} to be {value:?}"), WAIT, || async {
        Ok((select.prop("value").await?.as_deref() == Some(value)).then_some(()))
    })
    .await
}

/// The inspector's field of a node (`field-{nodeId}-{name}`).
fn field(node_id: &str, name: &str) -> String {
    format!("#field-{node_id}-{name}")
}

/// Opens a field's dynamic-content picker and chooses an output by its reference.
async fn pick(driver: &WebDriver, picker_label: &str, reference: &str) -> Result<()> {
    driver
        .find(By::Css(format!(
            "button.picker-toggle[aria-label=\"Dynamic content for {picker_label}\"]"
        )))
        .await
        .with_context(|| format!("no dynamic-content button for {picker_label}"))?
        .click()
        .await?;
    displayed(driver, &format!("[data-testid=\"output-{reference}\"]"))
        .await
        .with_context(|| format!("the picker for {picker_label} does not offer {reference}"))?
        .click()
        .await?;
    Ok(())
}

/// Waits for the autosave to finish ("Saved ✓").
async fn saved(driver: &WebDriver) -> Result<()> {
    eventually("the flow to be saved (Saved ✓)", WAIT, || async {
        let status = driver.find(By::Css("[data-testid=save-status]")).await?;
        Ok(status.text().await?.starts_with("Saved").then_some(()))
    })
    .await
}

/// Presses keys on whatever has the focus (the canvas shortcuts listen on the window).
async fn press(driver: &WebDriver, keys: impl Into<TypingData>) -> Result<()> {
    driver.action_chain().send_keys(keys).perform().await?;
    Ok(())
}

async fn press_ctrl(driver: &WebDriver, key: &str) -> Result<()> {
    driver
        .action_chain()
        .key_down(Key::Control)
        .send_keys(key)
        .key_up(Key::Control)
        .perform()
        .await?;
    Ok(())
}

/// The sidebar's flows, by their `flow-item-{id}` test ids.
async fn flow_items(driver: &WebDriver) -> Result<Vec<String>> {
    let mut ids = Vec::new();
    for item in driver
        .find_all(By::Css("[data-testid^=flow-item-]"))
        .await?
    {
        ids.extend(item.attr("data-testid").await?);
    }
    Ok(ids)
}

async fn count(driver: &WebDriver, css: &str) -> Result<usize> {
    Ok(driver.find_all(By::Css(css)).await?.len())
}

/// The seed flow's node ids, as the palette named them.
#[derive(Debug, Clone)]
struct SeedFlow {
    trigger: String,
    get_alert: String,
    condition: String,
    isolate: String,
    email_soc: String,
    email_review: String,
}

/// Step 1 (and 4): a new blank flow, emptied, then the seed flow built through the palette, the
/// handles and the inspector. Leaves the flow saved.
async fn build_seed_flow(driver: &WebDriver, phases: &mut Phases) -> Result<SeedFlow> {
    displayed(driver, "[data-testid=canvas] .react-flow").await?;
    // A first start shows the tour and the template gallery: skip the tour, start blank.
    flowguard_e2e::first_start_blank(driver).await?;
    let flows_before = flow_items(driver).await?;

    // A new blank flow from the sidebar's New menu; it opens.
    displayed(driver, "[data-testid=flow-new]")
        .await?
        .click()
        .await?;
    displayed(driver, "[data-testid=new-flow-blank]")
        .await
        .context("the New menu has no Blank flow entry")?
        .click()
        .await?;
    let new_flow = eventually("a new blank flow in the sidebar", WAIT, || async {
        let now = flow_items(driver).await?;
        Ok(now.into_iter().find(|id| !flows_before.contains(id)))
    })
    .await?;
    eventually("the new blank flow to be the open one", WAIT, || async {
        let item = driver
            .find(By::Css(format!("[data-testid={new_flow}]")))
            .await?;
        let class = item.attr("class").await?.unwrap_or_default();
        Ok(class.split_whitespace().any(|c| c == "open").then_some(()))
    })
    .await?;

    // A blank flow starts with a manual trigger: delete it (click, Delete) for an empty canvas.
    select_node(driver, "trigger").await?;
    press(driver, Key::Delete).await?;
    displayed(driver, ".canvas-empty")
        .await
        .context("after deleting the blank flow's trigger the canvas does not say it is empty")?;
    ensure!(
        count(driver, ".react-flow__node").await? == 0,
        "the canvas still has nodes after deleting the only one"
    );
    phases.done("new blank flow, emptied");

    // The seed flow's nodes from the palette: the trigger (a new alert), then each click puts the
    // step after the selected one (the one just added), connected, the condition's through Yes.
    let trigger = add_from_palette(driver, "alert_created").await?;
    let get_alert = add_from_palette(driver, "get_alert").await?;
    let condition = add_from_palette(driver, "condition").await?;
    let isolate = add_from_palette(driver, "isolate_machine").await?;
    let email_soc = add_from_palette(driver, "send_email").await?;
    for edge in [
        format!("{trigger}->{get_alert}"),
        format!("{get_alert}->{condition}"),
        format!("{condition}:true->{isolate}"),
        format!("{isolate}->{email_soc}"),
    ] {
        driver
            .query(By::Css(format!("[data-testid=\"rf__edge-{edge}\"]")))
            .wait(WAIT, Duration::from_millis(100))
            .first()
            .await
            .with_context(|| format!("click-to-add did not connect {edge}"))?;
    }
    // With nothing selected (Escape) a click adds the review email on its own, near the middle.
    press(driver, Key::Escape).await?;
    let email_review = add_from_palette(driver, "send_email").await?;
    let flow = SeedFlow {
        trigger,
        get_alert,
        condition,
        isolate,
        email_soc,
        email_review,
    };
    ensure!(
        count(driver, ".react-flow__node").await? == 6,
        "the canvas should have exactly the six nodes added from the palette"
    );
    ensure!(
        count(driver, ".react-flow__edge").await? == 4,
        "click-to-add should have drawn four connections, the review email none"
    );
    // Tidy lays the flow out top to bottom, so no node hides another's handles.
    tidy_and_fit(driver).await?;
    phases.done("six nodes from the palette, four connected by click-to-add");

    // The condition's No output to the review email, by dragging from handle to handle.
    drag_connect(
        driver,
        (&flow.condition, "handle-false"),
        &flow.email_review,
    )
    .await?;
    ensure!(
        count(driver, ".react-flow__edge").await? == 5,
        "the flow should have exactly five connections"
    );
    tidy_and_fit(driver).await?;
    phases.done("the No branch connected by dragging its handle");

    // The trigger: a new Defender alert (the palette's "New alert").
    select_node(driver, &flow.trigger).await?;
    let kind = displayed(driver, "[data-testid=trigger-kind]").await?;
    let kind_value = kind.prop("value").await?.unwrap_or_default();
    ensure!(
        kind_value == "alert_created",
        "the palette's New alert starts on {kind_value:?}, expected a new alert (alert_created)"
    );
    let trigger_title = node(driver, &flow.trigger)
        .await?
        .find(By::Css("[data-testid=node-title]"))
        .await?
        .text()
        .await?;
    ensure!(
        trigger_title == "New alert",
        "the trigger's card says {trigger_title:?}, expected the registry's title \"New alert\""
    );

    // Get alert: the alert id from the trigger, through the dynamic-content picker, which gives
    // the field its focus back.
    select_node(driver, &flow.get_alert).await?;
    let alert_id_field = field(&flow.get_alert, "alertId");
    type_into(driver, &alert_id_field, "").await?;
    pick(driver, "Alert id", "trigger.alertId").await?;
    let alert_id = displayed(driver, &alert_id_field)
        .await?
        .prop("value")
        .await?
        .unwrap_or_default();
    ensure!(
        alert_id == "{{ trigger.alertId }}",
        "picking the trigger's alert id wrote {alert_id:?} into Get alert's alert id"
    );
    let wanted = alert_id_field.trim_start_matches('#').to_owned();
    eventually(
        "the alert id field to have the focus again after Insert",
        WAIT,
        || async {
            let focused = driver
                .execute(
                    "return document.activeElement && document.activeElement.id",
                    Vec::new(),
                )
                .await?;
            Ok((focused.json().as_str() == Some(wanted.as_str())).then_some(()))
        },
    )
    .await?;

    // Condition: emptying the left operand is a problem (step 4), then severity == "High".
    select_node(driver, &flow.condition).await?;
    displayed(driver, "[data-testid=condition-builder]").await?;
    type_into(driver, &field(&flow.condition, "expression"), "").await?;
    let badge = format!(
        ".flow-node[data-node-id=\"{}\"] [data-testid=node-problems]",
        flow.condition
    );
    eventually(
        "a problem badge on the condition with an empty operand",
        WAIT,
        || async { Ok((count(driver, &badge).await? > 0).then_some(())) },
    )
    .await?;
    let problems = displayed(driver, "[data-testid=problems-list]")
        .await?
        .text()
        .await?;
    ensure!(
        problems.contains("Condition"),
        "the problems list does not name the condition with an empty operand: {problems:?}"
    );
    pick(driver, "the left operand", "steps.get_alert.severity").await?;
    type_into(
        driver,
        "[data-testid=condition-builder] input[aria-label='Right operand']",
        "High",
    )
    .await?;
    let operator = displayed(
        driver,
        "[data-testid=condition-builder] select[aria-label=Operator]",
    )
    .await?;
    choose(&operator, "==", "the condition's operator").await?;
    let expression = displayed(
        driver,
        "[data-testid=condition-builder] code[aria-label=Expression]",
    )
    .await?
    .text()
    .await?;
    ensure!(
        expression == "steps.get_alert.severity == \"High\"",
        "the condition builder wrote {expression:?}"
    );
    eventually(
        "the condition's problem badge to go once the operand is filled in",
        WAIT,
        || async { Ok((count(driver, &badge).await? == 0).then_some(())) },
    )
    .await?;
    phases.done("trigger, get alert and condition configured (problem shown, then fixed)");

    // Isolate: the machine from the trigger, Full isolation, a comment.
    select_node(driver, &flow.isolate).await?;
    type_into(
        driver,
        &field(&flow.isolate, "machineId"),
        "{{ trigger.machineId }}",
    )
    .await?;
    let isolation = displayed(driver, &field(&flow.isolate, "isolationType")).await?;
    choose(&isolation, "Full", "the isolation type").await?;
    type_into(driver, &field(&flow.isolate, "comment"), ISOLATE_COMMENT).await?;

    // The emails: to, subject, body.
    for (id, subject) in [
        (&flow.email_soc, SUBJECT_SOC),
        (&flow.email_review, SUBJECT_REVIEW),
    ] {
        select_node(driver, id).await?;
        type_into(driver, &field(id, "to"), SOC).await?;
        type_into(driver, &field(id, "subject"), subject).await?;
        type_into(driver, &field(id, "body"), BODY).await?;
    }
    phases.done("isolate and the emails configured");

    saved(driver).await?;
    let problems = displayed(driver, "[data-testid=problems-list] .problems-count")
        .await?
        .text()
        .await?;
    ensure!(
        problems == "0",
        "the finished seed flow still has {problems} problems: {}",
        driver
            .find(By::Css("[data-testid=problems-list]"))
            .await?
            .text()
            .await?
    );
    Ok(flow)
}

const SOC: &str = "soc@contoso.com";
const SUBJECT_SOC: &str =
    "[Flowguard E2E] Isolated {{ steps.get_alert.computerDnsName }}: {{ steps.get_alert.title }}";
const SUBJECT_REVIEW: &str =
    "[Flowguard E2E] Review: {{ steps.get_alert.title }} ({{ steps.get_alert.severity }})";
const ISOLATE_COMMENT: &str =
    "Isolated by Flowguard (E2E): alert {{ trigger.alertId }} {{ steps.get_alert.title }}";
const BODY: &str = "Alert {{ trigger.alertId }} ({{ steps.get_alert.severity }}) on machine {{ trigger.machineId }}.";

/// Step 5: select a node, Delete, Ctrl+Z: the node and its connections are back.
async fn undo_restores_a_deleted_node(driver: &WebDriver, flow: &SeedFlow) -> Result<()> {
    let id = &flow.isolate;
    let selector = format!(".flow-node[data-node-id=\"{id}\"]");
    let edges_before = count(driver, ".react-flow__edge").await?;
    select_node(driver, id).await?;
    press(driver, Key::Delete).await?;
    eventually("the isolate node to be deleted", WAIT, || async {
        Ok((count(driver, &selector).await? == 0).then_some(()))
    })
    .await?;
    let edges_after_delete = count(driver, ".react-flow__edge").await?;
    ensure!(
        edges_after_delete == edges_before - 2,
        "deleting the isolate node left {edges_after_delete} connections, expected {}",
        edges_before - 2
    );
    press_ctrl(driver, "z").await?;
    node(driver, id)
        .await
        .context("Ctrl+Z did not bring the deleted isolate node back")?;
    eventually(
        "Ctrl+Z to restore the isolate node's connections",
        WAIT,
        || async { Ok((count(driver, ".react-flow__edge").await? == edges_before).then_some(())) },
    )
    .await?;
    select_node(driver, id).await?;
    let machine = displayed(driver, &field(id, "machineId"))
        .await?
        .prop("value")
        .await?
        .unwrap_or_default();
    ensure!(
        machine == "{{ trigger.machineId }}",
        "the restored isolate node lost its machine id: {machine:?}"
    );
    saved(driver).await?;
    Ok(())
}

/// The in-process emulator's base URL, from the status bar (demo mode).
async fn emulator_url(driver: &WebDriver) -> Result<String> {
    eventually(
        "the status bar's engine mode with the demo emulator's URL (data-emulator-url)",
        WAIT,
        || async {
            let Some(mode) = driver
                .find_all(By::Css("[data-testid=engine-mode]"))
                .await?
                .into_iter()
                .next()
            else {
                return Ok(None);
            };
            let kind = mode.attr("data-mode").await?.unwrap_or_default();
            ensure!(
                kind == "demo" || kind.is_empty(),
                "the app is not in demo mode: the status bar says {:?} ({kind})",
                mode.text().await?
            );
            Ok(mode.attr("data-emulator-url").await?)
        },
    )
    .await
}

/// An alert created in the emulator through its control API.
#[derive(Debug)]
struct Alert {
    id: String,
    machine_id: String,
    title: String,
    computer: String,
}

async fn create_alert(emulator: &str, severity: &str, computer: &str) -> Result<Alert> {
    let title = format!("E2E {severity} alert on {computer}");
    let created = http::post_json(
        &format!("{emulator}/_emulator/alerts"),
        &json!({ "severity": severity, "title": title, "computerDnsName": computer }),
    )
    .await
    .context("cannot create an alert through the emulator's control API")?;
    let text = |name: &str| {
        created[name]
            .as_str()
            .map(str::to_owned)
            .with_context(|| format!("the created alert has no {name}: {created}"))
    };
    Ok(Alert {
        id: text("id")?,
        machine_id: text("machineId")?,
        title: text("title")?,
        computer: text("computerDnsName")?,
    })
}

/// Which alert to choose in Run now's dialog.
enum Choose<'a> {
    /// The alert with this id.
    Id(&'a str),
    /// The newest alert with this title and severity (the dialog lists the newest first).
    Newest { title: &'a str, severity: &'a str },
}

/// Finds the alert's radio button in Run now's dialog.
async fn alert_option(driver: &WebDriver, choose: &Choose<'_>) -> Result<WebElement> {
    match choose {
        Choose::Id(id) => {
            displayed(
                driver,
                &format!("[data-testid=run-dialog] input[type=radio][value=\"{id}\"]"),
            )
            .await
        }
        Choose::Newest { title, severity } => {
            let wanted = format!("{severity} {title}");
            let found = eventually(&format!("a {wanted:?} alert"), WAIT, || async {
                for (shown, option) in alert_options(driver).await? {
                    if shown == wanted {
                        return Ok(Some(option));
                    }
                }
                Ok(None)
            })
            .await;
            match found {
                Ok(option) => Ok(option),
                Err(error) => {
                    let shown: Vec<String> = alert_options(driver)
                        .await
                        .unwrap_or_default()
                        .into_iter()
                        .map(|(shown, _)| shown)
                        .collect();
                    Err(error.context(format!("the dialog lists {shown:?}")))
                }
            }
        }
    }
}

/// Run now's listed alerts as "severity title" with their radio buttons, newest first.
async fn alert_options(driver: &WebDriver) -> Result<Vec<(String, WebElement)>> {
    let mut options = Vec::new();
    for option in driver
        .find_all(By::Css("[data-testid=run-dialog] [data-testid=run-alert]"))
        .await?
    {
        // (textContent: WebKitWebDriver reads the rendered text of these labels as empty.)
        let mut shown = Vec::new();
        for part in [".severity-badge", ".run-choice-title"] {
            let text = option
                .find(By::Css(part))
                .await?
                .prop("textContent")
                .await?
                .unwrap_or_default();
            shown.push(text.trim().to_owned());
        }
        options.push((
            shown.join(" "),
            option.find(By::Css("input[type=radio]")).await?,
        ));
    }
    Ok(options)
}

/// Run now, not a dry run, on the chosen alert; waits for the run to succeed and returns the
/// alert's id.
async fn run_now(driver: &WebDriver, choose: Choose<'_>) -> Result<String> {
    let previous_run = match driver
        .find_all(By::Css("[data-testid=run-view]"))
        .await?
        .first()
    {
        Some(view) => view.attr("data-run-id").await?,
        None => None,
    };

    displayed(driver, "[data-testid=run-now]")
        .await?
        .click()
        .await?;
    displayed(driver, "[data-testid=run-dialog]")
        .await
        .context("Run now opened no dialog")?;
    // Not a dry run: the flow isolates, so the dialog's Dry run starts ticked.
    let dry_run = displayed(driver, "[data-testid=run-dialog] [data-testid=dry-run]")
        .await
        .context("Run now's dialog has no Dry run choice")?;
    if dry_run.is_selected().await? {
        dry_run.click().await?;
        eventually("Run now's Dry run to be unticked", WAIT, || async {
            Ok((!dry_run.is_selected().await?).then_some(()))
        })
        .await?;
    }
    let option = alert_option(driver, &choose)
        .await
        .context("Run now's dialog does not list the alert")?;
    let alert_id = option
        .attr("value")
        .await?
        .context("the alert's radio button has no value")?;
    option.click().await?;
    eventually(
        "the alert to be chosen in Run now's dialog",
        WAIT,
        || async { Ok(option.is_selected().await?.then_some(())) },
    )
    .await?;
    let confirm = displayed(driver, "[data-testid=run-confirm]").await?;
    let label = confirm.text().await?;
    ensure!(
        label.contains("for real"),
        "Run now's button says {label:?}: it should say the run isolates for real (not a dry run)"
    );
    confirm.click().await?;

    // The run panel shows the new run until it ends.
    let view = eventually("the run panel to show the new run", WAIT, || async {
        let Some(view) = driver
            .find_all(By::Css("[data-testid=run-panel] [data-testid=run-view]"))
            .await?
            .into_iter()
            .next()
        else {
            return Ok(None);
        };
        let id = view.attr("data-run-id").await?;
        Ok((id.is_some() && id != previous_run).then_some(view))
    })
    .await?;
    let status = eventually("the run to finish", Duration::from_secs(60), || async {
        let status = view.attr("data-status").await?.unwrap_or_default();
        Ok(["succeeded", "failed", "cancelled"]
            .contains(&status.as_str())
            .then_some(status))
    })
    .await?;
    ensure!(
        status == "succeeded",
        "the run on alert {alert_id} ended {status}: {}",
        view.text().await?
    );
    Ok(alert_id)
}

/// The run panel's steps: step id → status.
async fn panel_steps(driver: &WebDriver) -> Result<BTreeMap<String, String>> {
    let mut steps = BTreeMap::new();
    for row in driver.find_all(By::Css("[data-testid=run-step]")).await? {
        let id = row.attr("data-step-id").await?.unwrap_or_default();
        let status = row.attr("data-status").await?.unwrap_or_default();
        steps.insert(id, status);
    }
    Ok(steps)
}

/// Waits until the run panel lists exactly `expected` (step id → status), then checks that the
/// canvas marks each node the same way (`data-run-status`).
async fn expect_steps(driver: &WebDriver, run: &str, expected: &[(&str, &str)]) -> Result<()> {
    let expected: BTreeMap<String, String> = expected
        .iter()
        .map(|(id, status)| ((*id).to_owned(), (*status).to_owned()))
        .collect();
    let listed = eventually(&format!("the {run} run's steps"), WAIT, || async {
        Ok(Some(panel_steps(driver).await?).filter(|steps| *steps == expected))
    })
    .await;
    if listed.is_err() {
        bail!(
            "the {run} run's panel lists the steps {:?}, expected {expected:?}",
            panel_steps(driver).await?
        );
    }
    for (id, status) in &expected {
        let shown = node(driver, id)
            .await?
            .attr("data-run-status")
            .await?
            .unwrap_or_default();
        ensure!(
            shown == *status,
            "after the {run} run the canvas marks node {id} {shown:?}, expected {status:?}"
        );
    }
    Ok(())
}

/// The emulator's isolate POSTs.
async fn isolations(emulator: &str) -> Result<Vec<Value>> {
    let requests = http::get_json(&format!("{emulator}/_emulator/requests")).await?;
    let requests = requests
        .as_array()
        .context("the emulator's request log is not a list")?;
    Ok(requests
        .iter()
        .filter(|request| {
            request["method"] == "POST"
                && request["path"]
                    .as_str()
                    .is_some_and(|path| path.ends_with("/isolate"))
        })
        .cloned()
        .collect())
}

/// Steps 2 and 3: a High alert isolates its machine and emails the SOC; a Medium one does not
/// isolate and goes to review.
async fn run_on_high_and_medium(
    driver: &WebDriver,
    flow: &SeedFlow,
    phases: &mut Phases,
) -> Result<(String, String)> {
    let emulator = emulator_url(driver).await?;

    // A High alert, created through the emulator's control API.
    let high = create_alert(&emulator, "High", "e2e-high-01.contoso.com").await?;
    run_now(driver, Choose::Id(&high.id)).await?;
    expect_steps(driver, "High", &high_alert_steps(flow)).await?;
    let isolate_path = format!("/api/machines/{}/isolate", high.machine_id);
    let posts = isolations(&emulator).await?;
    ensure!(
        posts.len() == 1 && posts[0]["path"] == isolate_path.as_str(),
        "the emulator should have received one isolate POST, {isolate_path}; it received {posts:?}"
    );
    let isolation = &posts[0];
    ensure!(
        isolation["status"] == 201
            && isolation["body"]["IsolationType"] == "Full"
            && isolation["body"]["Comment"]
                .as_str()
                .is_some_and(|comment| comment.contains(&high.id)),
        "the isolate POST was not an accepted Full isolation with the alert in its comment: {isolation}"
    );
    let subject = format!("[Flowguard E2E] Isolated {}: {}", high.computer, high.title);
    let mail = wait_for_mail(&emulator, &subject).await?;
    ensure!(
        mail["body"]
            .as_str()
            .is_some_and(|body| body.contains(&high.id) && body.contains(&high.machine_id)),
        "the SOC email's body does not name the alert and the machine: {mail}"
    );
    phases.done("Run now on a High alert: isolated and emailed");
    keep_screenshot(driver, "run-finished").await?;

    // A Medium alert, from the demo banner's Simulate alert.
    let severity = displayed(driver, "[data-testid=demo-severity]").await?;
    choose(&severity, "Medium", "the demo banner's alert severity").await?;
    displayed(driver, "[data-testid=demo-simulate]")
        .await?
        .click()
        .await?;
    let outcome = displayed(driver, "[data-testid=demo-outcome]")
        .await
        .context("Simulate alert said nothing")?
        .text()
        .await?;
    let title = outcome
        .split_once('“')
        .and_then(|(_, rest)| rest.split_once('”'))
        .map(|(title, _)| title.to_owned())
        .with_context(|| {
            format!("Simulate alert did not say which alert it created: {outcome:?}")
        })?;
    let medium = run_now(
        driver,
        Choose::Newest {
            title: &title,
            severity: "Medium",
        },
    )
    .await?;
    expect_steps(
        driver,
        "Medium",
        &[
            (&flow.trigger, "succeeded"),
            (&flow.get_alert, "succeeded"),
            (&flow.condition, "succeeded"),
            (&flow.isolate, "skipped"),
            (&flow.email_soc, "skipped"),
            (&flow.email_review, "succeeded"),
        ],
    )
    .await?;
    let posts = isolations(&emulator).await?;
    ensure!(
        posts.len() == 1,
        "the Medium alert's run isolated a machine: the isolate POSTs are {posts:?}"
    );
    let mail = wait_for_mail(
        &emulator,
        &format!("[Flowguard E2E] Review: {title} (Medium)"),
    )
    .await?;
    ensure!(
        mail["body"]
            .as_str()
            .is_some_and(|body| body.contains(&medium)),
        "the review email's body does not name the Medium alert {medium}: {mail}"
    );
    phases.done("Run now on a simulated Medium alert: isolate skipped, sent for review");
    Ok((high.id, medium))
}

/// The run panel's History tab lists both runs (succeeded, not dry runs); opening the High one
/// shows its steps again.
async fn history_lists_both_runs(
    driver: &WebDriver,
    flow: &SeedFlow,
    (high, medium): (&str, &str),
) -> Result<()> {
    let tab = driver
        .find(By::XPath(
            "//*[@data-testid='run-panel']//*[@role='tab'][normalize-space()='History']",
        ))
        .await
        .context("the run panel has no History tab")?;
    tab.click().await?;
    let rows = eventually("two runs in the History tab", WAIT, || async {
        let rows = driver
            .find_all(By::Css("[data-testid=run-history-row]"))
            .await?;
        Ok((rows.len() == 2).then_some(rows))
    })
    .await?;
    keep_screenshot(driver, "run-history").await?;
    let mut high_row = None;
    for row in rows {
        let text = row.prop("textContent").await?.unwrap_or_default();
        let status = row.attr("data-status").await?.unwrap_or_default();
        let dry_run = row
            .find(By::Css("td:nth-child(6)"))
            .await?
            .prop("textContent")
            .await?
            .unwrap_or_default();
        ensure!(
            status == "succeeded" && dry_run == "No",
            "the History tab lists a run that is not a succeeded real run: {status}, {text:?}"
        );
        if row.attr("data-alert-id").await?.as_deref() == Some(high) {
            high_row = Some(row);
        } else {
            ensure!(
                row.attr("data-alert-id").await?.as_deref() == Some(medium),
                "the History tab lists a run of neither alert: {text:?}"
            );
        }
    }
    high_row
        .context("the History tab does not list the High alert's run")?
        .find(By::Css("button.run-open"))
        .await?
        .click()
        .await?;
    expect_steps(driver, "High (from History)", &high_alert_steps(flow)).await
}

/// How a High alert's run ends: every step on the Yes branch succeeded, the review email skipped.
fn high_alert_steps(flow: &SeedFlow) -> [(&str, &str); 6] {
    [
        (&flow.trigger, "succeeded"),
        (&flow.get_alert, "succeeded"),
        (&flow.condition, "succeeded"),
        (&flow.isolate, "succeeded"),
        (&flow.email_soc, "succeeded"),
        (&flow.email_review, "skipped"),
    ]
}

/// Waits for the emulator's SMTP server to have received a message to the SOC with `subject`.
async fn wait_for_mail(emulator: &str, subject: &str) -> Result<Value> {
    let url = format!("{emulator}/_emulator/mail");
    let found = eventually(
        &format!("an email to {SOC} with the subject {subject:?} at the emulator's SMTP server"),
        WAIT,
        || async {
            let mail = http::get_json(&url).await?;
            Ok(mail
                .as_array()
                .into_iter()
                .flatten()
                .find(|message| {
                    message["subject"] == subject
                        && message["to"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .any(|to| to == SOC)
                })
                .cloned())
        },
    )
    .await;
    match found {
        Ok(message) => Ok(message),
        Err(error) => {
            let mail = http::get_json(&url).await.unwrap_or_default();
            let subjects: Vec<&Value> = mail
                .as_array()
                .into_iter()
                .flatten()
                .map(|m| &m["subject"])
                .collect();
            Err(error.context(format!(
                "the emulator received these subjects: {subjects:?}"
            )))
        }
    }
}

/// The README's layout pictures: the finished flow at 1280×800 and 900×560, light and dark
/// (`canvas-{width}x{height}-{theme}.png`), the theme chosen in Settings like a user does.
async fn layout_screenshots(driver: &WebDriver, flow: &SeedFlow) -> Result<()> {
    for theme in ["light", "dark"] {
        driver.set_window_rect(0, 0, 1280, 800).await?;
        displayed(driver, "[data-testid=settings-open]")
            .await?
            .click()
            .await?;
        let choice = displayed(driver, &format!("[data-testid=theme-{theme}]")).await?;
        // Appearance is the dialog's last section: below its fold. (A WebDriver click on the
        // radio did not reach it under Xvfb; the element's own click does what a user's does.)
        choice.scroll_into_view().await?;
        driver
            .execute("arguments[0].click()", vec![choice.to_json()?])
            .await?;
        eventually(&format!("the {theme} theme to apply"), WAIT, || async {
            let applied = driver
                .execute("return document.documentElement.dataset.theme", Vec::new())
                .await?;
            Ok((applied.json().as_str() == Some(theme)).then_some(()))
        })
        .await?;
        displayed(driver, "[data-testid=settings-close]")
            .await?
            .click()
            .await?;
        for (width, height) in [(1280_u32, 800_u32), (900, 560)] {
            driver
                .set_window_rect(0, 0, width, height)
                .await
                .with_context(|| format!("cannot resize the window to {width}×{height}"))?;
            press(driver, Key::Escape).await?;
            tidy_and_fit(driver).await?;
            if width >= 1100 {
                // The side panel with the isolate step, when the click selects it in time.
                if let Err(error) = select_node(driver, &flow.isolate).await {
                    eprintln!("layout screenshot without a selection: {error:#}");
                }
            }
            canvas_settled(driver).await?;
            keep_screenshot(driver, &format!("canvas-{width}x{height}-{theme}")).await?;
        }
    }
    driver.set_window_rect(0, 0, 1280, 800).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the built app, Xvfb and tauri-driver: run scripts/test.sh"]
async fn the_analyst_builds_the_seed_flow_and_runs_it_on_a_high_and_a_medium_alert() -> Result<()> {
    with_app("scenario", |driver, _session| async move {
        let mut phases = Phases::new();
        let flow = build_seed_flow(&driver, &mut phases).await?;
        undo_restores_a_deleted_node(&driver, &flow).await?;
        phases.done("undo restores a deleted node");
        let (high, medium) = run_on_high_and_medium(&driver, &flow, &mut phases).await?;
        history_lists_both_runs(&driver, &flow, (&high, &medium)).await?;
        phases.done("History lists both runs; the High one opens again");
        if std::env::var_os("FLOWGUARD_E2E_SCREENSHOTS").is_some() {
            // The README's pictures of the side panel and of Settings.
            select_node(&driver, &flow.email_soc).await?;
            keep_screenshot(&driver, "side-panel").await?;
            displayed(&driver, "[data-testid=settings-open]")
                .await?
                .click()
                .await?;
            displayed(&driver, "[data-testid=settings-dialog]").await?;
            keep_screenshot(&driver, "settings").await?;
            displayed(&driver, "[data-testid=settings-close]")
                .await?
                .click()
                .await?;
            layout_screenshots(&driver, &flow).await?;
        }
        Ok(())
    })
    .await
}
