//! Safe in daily use (issue 10), through the UI of the real app in demo mode, checked at the
//! emulator's request log and mailbox (`/_emulator/requests`, `/_emulator/mail`):
//!
//! 1. `switching_on_starts_from_now`: a first start shows the tour and the gallery; the template
//!    opens as a draft in dry run only. Published, dry run only off, three High alerts arrive while
//!    it is off: the Enable dialog counts them and switching on handles none (a Medium alert created
//!    after it runs, on its own, and the activity feed lists it with its title and machine; no
//!    isolation). Off again: Run now on a High alert X for real, three more High alerts; on again:
//!    the dialog lists those three, not X; "also handle these 3" shows the dry runs' steps (would
//!    isolate each machine), then asks again: exactly three isolations, X's machine still once.
//! 2. `drafts_keep_the_published_version_running`: typing a broken expression in an enabled flow
//!    keeps it on, and a new alert still runs the published version (its email has the published
//!    subject); Publish is refused while the draft has the problem, then shows the diff (the
//!    subject's old → new value) and a new alert runs the new version.
//! 3. `a_dry_run_only_flow_sends_nothing_in_the_background`: a dry-run-only flow, published and
//!    on, runs on a new High alert as a dry run: no isolation, no email; the feed says so.
//! 4. `an_unconnected_no_branch_ends_its_path`: the template's review email deleted, the
//!    condition's No output is unconnected and its card says the path ends there; Run now for real
//!    on a Medium alert succeeds, isolate and the SOC email skipped: nothing isolated, no email.
//!
//! `FLOWGUARD_E2E_SCREENSHOTS=DIR` saves the first start (tour, gallery), the Enable dialog (and
//! its backlog preview), the publish diff and the activity feed at 1280×800 and 900×560 there.

use std::time::Duration;

use anyhow::{Context, Result, ensure};
use flowguard_e2e::{
    EmulatorAlert, click, create_alert, displayed, emulator_url, eventually, isolate_paths,
    keep_screenshot, mail_subjects, resize_viewport, skip_tour_to_gallery, text_content, with_app,
};
use thirtyfour::prelude::*;

/// Long enough for an autosave, a poll (1 s in the tests) and a run on a busy 2-core machine.
const WAIT: Duration = Duration::from_secs(30);
const TEMPLATE: &str = "isolate-high-severity";
/// The template's SOC email subject, and the one the drafts test publishes instead.
const PUBLISHED_SUBJECT: &str =
    "[Flowguard] Isolated {{ steps.get_alert.computerDnsName }}: {{ steps.get_alert.title }}";
const NEW_SUBJECT: &str = "[Flowguard E2E] v2 isolated {{ steps.get_alert.computerDnsName }}";

/// The first start: skip the tour, use the isolate template from the gallery; returns the new
/// flow's id once it is open (a draft with dry run only on).
async fn flow_from_gallery(driver: &WebDriver, shots: bool) -> Result<String> {
    if shots {
        displayed(driver, "[data-testid=tour]").await?;
        screenshots(driver, "first-start-tour").await?;
    }
    skip_tour_to_gallery(driver).await?;
    if shots {
        displayed(driver, &format!("[data-testid=gallery-use-{TEMPLATE}]")).await?;
        screenshots(driver, "first-start-gallery").await?;
    }
    click(driver, &format!("[data-testid=gallery-use-{TEMPLATE}]")).await?;
    displayed(driver, "[data-testid=flow-name]")
        .await
        .context("the template opened no flow")?;
    let id = eventually("the template's flow open in the sidebar", WAIT, || async {
        for item in driver
            .find_all(By::Css("[data-testid^=flow-item-]"))
            .await?
        {
            let class = item.attr("class").await?.unwrap_or_default();
            if class.split_whitespace().any(|c| c == "open") {
                let testid = item.attr("data-testid").await?.unwrap_or_default();
                return Ok(testid.strip_prefix("flow-item-").map(str::to_owned));
            }
        }
        Ok(None)
    })
    .await?;
    let state = header_state(driver).await?;
    ensure!(
        state.contains("Draft · not published"),
        "a template's flow should open as a draft, not published: the header says {state:?}"
    );
    displayed(driver, "[data-testid=dry-run-only-chip]")
        .await
        .context("a template's flow should open in dry run only")?;
    Ok(id)
}

/// The header's flow state (on/off, published, dry run only).
async fn header_state(driver: &WebDriver) -> Result<String> {
    text_content(&displayed(driver, "[data-testid=flow-state]").await?).await
}

async fn wait_header(driver: &WebDriver, what: &str, wanted: &str) -> Result<()> {
    eventually(what, WAIT, || async {
        Ok(header_state(driver).await?.contains(wanted).then_some(()))
    })
    .await
    .with_context(|| format!("the header should say {wanted:?}"))
}

/// Sets the flow's dry-run-only switch (the flow is off, so it does not ask).
async fn set_dry_run_only(driver: &WebDriver, flow: &str, on: bool) -> Result<()> {
    let toggle = displayed(driver, &format!("[data-testid=flow-dry-run-only-{flow}]")).await?;
    if toggle.is_selected().await? != on {
        toggle.click().await?;
    }
    eventually("the dry-run-only switch to take", WAIT, || async {
        Ok((toggle.is_selected().await? == on).then_some(()))
    })
    .await
}

/// Publish… then Publish in the dialog; waits for the header to say "Published vN" with no
/// unpublished changes. Returns the dialog's text (the diff).
async fn publish(driver: &WebDriver, screenshot: Option<&str>) -> Result<String> {
    click(driver, "[data-testid=publish]").await?;
    let dialog = displayed(driver, "[data-testid=publish-dialog]").await?;
    let confirm = displayed(driver, "[data-testid=publish-confirm]").await?;
    eventually("Publish to be offered", WAIT, || async {
        Ok(confirm.is_enabled().await?.then_some(()))
    })
    .await?;
    let text = text_content(&dialog).await?;
    if let Some(name) = screenshot {
        screenshots(driver, name).await?;
    }
    confirm.click().await?;
    eventually("the header to say the draft is published", WAIT, || async {
        let state = header_state(driver).await?;
        Ok((state.contains("Published v") && !state.contains("unpublished")).then_some(()))
    })
    .await?;
    Ok(text)
}

/// Clicks the flow's on/off switch (its label: the checkbox itself is drawn as a switch).
async fn click_switch(driver: &WebDriver, flow: &str) -> Result<()> {
    click(
        driver,
        &format!("[data-testid=flow-item-{flow}] label.switch"),
    )
    .await
}

async fn switch_is_on(driver: &WebDriver, flow: &str) -> Result<bool> {
    Ok(driver
        .find(By::Css(format!("[data-testid=flow-enabled-{flow}]")))
        .await?
        .is_selected()
        .await?)
}

/// Switches the flow on through the Enable dialog (no backlog handled); returns what the dialog said.
async fn switch_on_from_now(
    driver: &WebDriver,
    flow: &str,
    screenshot: Option<&str>,
) -> Result<String> {
    click_switch(driver, flow).await?;
    let dialog = displayed(driver, "[data-testid=enable-dialog]").await?;
    displayed(driver, "[data-testid=enable-from-now]").await?;
    let text = text_content(&dialog).await?;
    if let Some(name) = screenshot {
        screenshots(driver, name).await?;
    }
    click(driver, "[data-testid=enable-confirm]").await?;
    eventually("the flow to be on", WAIT, || async {
        Ok(switch_is_on(driver, flow).await?.then_some(()))
    })
    .await?;
    Ok(text)
}

async fn switch_off(driver: &WebDriver, flow: &str) -> Result<()> {
    click_switch(driver, flow).await?;
    eventually("the flow to be off", WAIT, || async {
        Ok((!switch_is_on(driver, flow).await?).then_some(()))
    })
    .await
}

/// One row of the activity feed.
#[derive(Debug)]
struct ActivityRow {
    source: String,
    status: String,
    dry_run: bool,
    alert: String,
    machine: String,
    result: String,
}

/// Opens the Activity tab (if it is not showing) and reads its rows.
async fn activity(driver: &WebDriver) -> Result<Vec<ActivityRow>> {
    if driver
        .find_all(By::Css("[data-testid=activity-feed]"))
        .await?
        .is_empty()
    {
        click(driver, "[data-testid=activity]").await?;
        displayed(driver, "[data-testid=activity-feed]").await?;
    }
    let mut rows = Vec::new();
    for row in driver
        .find_all(By::Css("[data-testid=activity-row]"))
        .await?
    {
        let cell = |name: &'static str| {
            let row = row.clone();
            async move { text_content(&row.find(By::Css(format!("[data-testid={name}]"))).await?).await }
        };
        rows.push(ActivityRow {
            source: row.attr("data-source").await?.unwrap_or_default(),
            status: row.attr("data-status").await?.unwrap_or_default(),
            dry_run: row.attr("data-dry-run").await?.as_deref() == Some("true"),
            alert: cell("activity-alert").await?,
            machine: cell("activity-machine").await?,
            result: cell("activity-result").await?,
        });
    }
    Ok(rows)
}

/// Waits for the feed to list a finished automatic run on this alert (the feed re-reads itself on
/// run events) and returns it.
async fn finished_run_on(driver: &WebDriver, alert: &EmulatorAlert) -> Result<ActivityRow> {
    let found = eventually(
        &format!(
            "the activity feed to list a finished run on {:?}",
            alert.title
        ),
        WAIT,
        || async {
            Ok(activity(driver).await?.into_iter().find(|row| {
                row.alert == alert.title && ["succeeded", "failed"].contains(&row.status.as_str())
            }))
        },
    )
    .await;
    match found {
        Ok(row) => Ok(row),
        Err(error) => {
            let rows = activity(driver).await.unwrap_or_default();
            Err(error.context(format!("the feed lists {rows:?}")))
        }
    }
}

/// Saves the screenshot `name` at 1280×800 and at 900×560 (then back to 1280×800).
async fn screenshots(driver: &WebDriver, name: &str) -> Result<()> {
    if std::env::var_os("FLOWGUARD_E2E_SCREENSHOTS").is_none() {
        return Ok(());
    }
    resize_viewport(driver, 1280, 800).await?;
    keep_screenshot(driver, &format!("{name}-1280x800")).await?;
    resize_viewport(driver, 900, 560).await?;
    keep_screenshot(driver, &format!("{name}-900x560")).await?;
    resize_viewport(driver, 1280, 800).await
}

/// Waits until the emulator has received `count` isolate POSTs, and returns them.
async fn wait_isolations(emulator: &str, count: usize) -> Result<Vec<String>> {
    let found = eventually(
        &format!("{count} isolate POSTs at the emulator"),
        WAIT,
        || async {
            let paths = isolate_paths(emulator).await?;
            Ok((paths.len() >= count).then_some(paths))
        },
    )
    .await;
    match found {
        Ok(paths) => Ok(paths),
        Err(error) => Err(error.context(format!(
            "the emulator received {:?}",
            isolate_paths(emulator).await?
        ))),
    }
}

/// How the feed names an alert's machine: its host name (the DNS name's first label).
fn host(alert: &EmulatorAlert) -> &str {
    alert.computer.split('.').next().unwrap_or(&alert.computer)
}

fn isolate_path(alert: &EmulatorAlert) -> String {
    format!("/api/machines/{}/isolate", alert.machine_id)
}

/// Selects a step on the canvas: Zoom to fit first, then a click on its card's title. The click is
/// dispatched to the element itself, because a template opened from the gallery is not always
/// fitted yet and a card can sit under the side panel's edge, where a pointer click lands on the
/// panel instead.
async fn select_step(driver: &WebDriver, id: &str) -> Result<()> {
    click(driver, "[data-testid=toolbar-fit]").await?;
    let title = displayed(
        driver,
        &format!(".flow-node[data-node-id=\"{id}\"] [data-testid=node-title]"),
    )
    .await?;
    driver
        .execute("arguments[0].click();", vec![title.to_json()?])
        .await?;
    displayed(driver, &format!("[id^=\"field-{id}-\"]"))
        .await
        .with_context(|| {
            format!("selecting the step {id} shows no field of it in the side panel")
        })?;
    Ok(())
}

/// Run now, for real (Dry run unticked in the dialog), on this alert; waits for it to succeed.
async fn run_now_for_real(driver: &WebDriver, alert: &EmulatorAlert) -> Result<()> {
    click(driver, "[data-testid=run-now]").await?;
    displayed(driver, "[data-testid=run-dialog]").await?;
    let dry_run = displayed(driver, "[data-testid=run-dialog] [data-testid=dry-run]").await?;
    ensure!(
        dry_run.is_selected().await?,
        "Run now's Dry run should start ticked for a flow that isolates"
    );
    dry_run.click().await?;
    let option = displayed(
        driver,
        &format!(
            "[data-testid=run-dialog] input[type=radio][value=\"{}\"]",
            alert.id
        ),
    )
    .await
    .context("Run now's dialog does not list the alert")?;
    option.click().await?;
    let confirm = displayed(driver, "[data-testid=run-confirm]").await?;
    let label = confirm.text().await?;
    ensure!(
        label.contains("for real"),
        "Run now's button says {label:?}, not that it isolates for real"
    );
    confirm.click().await?;
    let status = eventually(
        "the Run now run to finish",
        Duration::from_secs(60),
        || async {
            let Some(view) = driver
                .find_all(By::Css("[data-testid=run-panel] [data-testid=run-view]"))
                .await?
                .into_iter()
                .next()
            else {
                return Ok(None);
            };
            let status = view.attr("data-status").await?.unwrap_or_default();
            Ok(["succeeded", "failed", "cancelled"]
                .contains(&status.as_str())
                .then_some(status))
        },
    )
    .await?;
    ensure!(
        status == "succeeded",
        "Run now on {} ended {status}",
        alert.id
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the built app, Xvfb and tauri-driver: run scripts/test.sh"]
async fn switching_on_starts_from_now() -> Result<()> {
    with_app("safety-enable", |driver, _session| async move {
        let flow = flow_from_gallery(&driver, true).await?;
        set_dry_run_only(&driver, &flow, false).await?;
        let first = publish(&driver, None).await?;
        ensure!(
            first.contains("Nothing of this flow is published yet") && first.contains("Isolate machine"),
            "the first Publish should list the whole flow: {first:?}"
        );
        let emulator = emulator_url(&driver).await?;
        let before = isolate_paths(&emulator).await?;
        ensure!(before.is_empty(), "isolations before anything ran: {before:?}");

        // Three High alerts while the flow is off.
        let mut backlog = Vec::new();
        for n in 1..=3 {
            backlog.push(create_alert(&emulator, "High", &format!("E2E backlog {n}"), &format!("dc-0{n}.contoso.com")).await?);
        }
        let said = switch_on_from_now(&driver, &flow, Some("enable-dialog")).await?;
        ensure!(
            said.contains("It starts from now") && said.contains("3 alerts arrived while it was off"),
            "the Enable dialog should say it starts from now and count the 3 alerts: {said:?}"
        );
        for alert in &backlog {
            ensure!(said.contains(&alert.title), "the Enable dialog does not list {:?}: {said:?}", alert.title);
        }

        // An alert after switching on runs by itself; the poll that picks it up has seen the
        // three older ones too, and none of them ran.
        let after = create_alert(&emulator, "Medium", "E2E after switching on", "pc-after.contoso.com").await?;
        let row = finished_run_on(&driver, &after).await?;
        ensure!(
            row.source == "alert" && row.status == "succeeded" && row.machine == host(&after) && !row.dry_run,
            "the automatic run should be a real alert run on {} that succeeded: {row:?}",
            after.computer
        );
        screenshots(&driver, "activity-feed").await?;
        let rows = activity(&driver).await?;
        ensure!(
            rows.iter().all(|row| !backlog.iter().any(|alert| alert.title == row.alert)),
            "switching on ran an alert from before: {rows:?}"
        );
        let paths = isolate_paths(&emulator).await?;
        ensure!(paths.is_empty(), "switching on isolated machines: {paths:?}");

        // Off again. Run now on X for real, then three more High alerts while it is off.
        switch_off(&driver, &flow).await?;
        let x = create_alert(&emulator, "High", "E2E run now first", "pc-x.contoso.com").await?;
        run_now_for_real(&driver, &x).await?;
        ensure!(
            wait_isolations(&emulator, 1).await? == [isolate_path(&x)],
            "Run now on X should have isolated X's machine once"
        );
        let mut more = Vec::new();
        for n in 4..=6 {
            more.push(create_alert(&emulator, "High", &format!("E2E backlog {n}"), &format!("dc-0{n}.contoso.com")).await?);
        }

        // On again: the three are listed, X (already handled by Run now) is not.
        click_switch(&driver, &flow).await?;
        let dialog = displayed(&driver, "[data-testid=enable-dialog]").await?;
        let count = text_content(&displayed(&driver, "[data-testid=enable-backlog-count]").await?).await?;
        ensure!(count == "3 alerts arrived while it was off", "the Enable dialog counts {count:?}");
        let listed = text_content(&dialog).await?;
        ensure!(!listed.contains(&x.title), "the alert Run now handled is offered again: {listed:?}");

        // "Also handle these 3": the dry runs' steps first, then a second confirmation.
        click(&driver, "[data-testid=enable-handle-backlog]").await?;
        let lines = eventually("the dry-run preview of the 3 alerts", Duration::from_secs(60), || async {
            let mut lines = Vec::new();
            for line in driver.find_all(By::Css("[data-testid=enable-would]")).await? {
                lines.push(text_content(&line).await?);
            }
            Ok((lines.len() == 6).then_some(lines))
        })
        .await?;
        for alert in &more {
            let wanted = format!("Would isolate machine {}", alert.computer);
            ensure!(lines.contains(&wanted), "the preview does not say {wanted:?}: {lines:?}");
        }
        ensure!(
            isolate_paths(&emulator).await?.len() == 1,
            "the preview's dry runs isolated something"
        );
        screenshots(&driver, "enable-backlog-preview").await?;
        click(&driver, "[data-testid=enable-handle-next]").await?;
        displayed(&driver, "[data-testid=enable-handle-warning]").await?;
        click(&driver, "[data-testid=enable-handle-confirm]").await?;
        let mut paths = wait_isolations(&emulator, 4).await?;
        paths.sort();
        let mut expected: Vec<String> = more.iter().chain([&x]).map(isolate_path).collect();
        expected.sort();
        ensure!(paths == expected, "the isolations should be X once and the three handled alerts: {paths:?}, expected {expected:?}");
        for alert in &more {
            let row = finished_run_on(&driver, alert).await?;
            ensure!(
                row.source == "backlog" && row.result.contains(host(alert)),
                "the handled alert's run should be a backlog run that isolated {}: {row:?}",
                alert.computer
            );
        }
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the built app, Xvfb and tauri-driver: run scripts/test.sh"]
async fn drafts_keep_the_published_version_running() -> Result<()> {
    with_app("safety-drafts", |driver, _session| async move {
        let flow = flow_from_gallery(&driver, false).await?;
        set_dry_run_only(&driver, &flow, false).await?;
        publish(&driver, None).await?;
        switch_on_from_now(&driver, &flow, None).await?;
        let emulator = emulator_url(&driver).await?;

        // A broken expression typed into the enabled flow's email subject: saved as a draft.
        select_step(&driver, "email_soc").await?;
        let subject = displayed(&driver, "#field-email_soc-subject").await?;
        subject.click().await?;
        subject.send_keys(Key::Control + "a").await?;
        subject.send_keys("Broken {{ steps.get_").await?;
        eventually("the broken draft to be saved", WAIT, || async {
            let status =
                text_content(&displayed(&driver, "[data-testid=save-status]").await?).await?;
            Ok(status.starts_with("Saved").then_some(()))
        })
        .await?;
        wait_header(
            &driver,
            "the header to show unpublished changes",
            "unpublished changes",
        )
        .await?;
        ensure!(
            switch_is_on(&driver, &flow).await?,
            "a problem in the draft switched the flow off"
        );
        ensure!(
            header_state(&driver).await?.contains("● On"),
            "the header no longer says the flow is on"
        );

        // A new alert runs the published version: the email has the published subject.
        let alert = create_alert(
            &emulator,
            "High",
            "E2E draft broken",
            "pc-draft.contoso.com",
        )
        .await?;
        let row = finished_run_on(&driver, &alert).await?;
        ensure!(
            row.status == "succeeded",
            "the published version's run did not succeed: {row:?}"
        );
        let published_subject = format!("[Flowguard] Isolated {}: {}", alert.computer, alert.title);
        eventually("the published version's email", WAIT, || async {
            Ok(mail_subjects(&emulator)
                .await?
                .contains(&published_subject)
                .then_some(()))
        })
        .await
        .with_context(|| format!("no email {published_subject:?} (from {PUBLISHED_SUBJECT:?})"))?;

        // Publish is refused while the draft has the problem, naming the step.
        click(&driver, "[data-testid=publish]").await?;
        let problems =
            text_content(&displayed(&driver, "[data-testid=publish-problems]").await?).await?;
        ensure!(
            problems.contains("Email the SOC"),
            "the refusal does not name the step: {problems:?}"
        );
        ensure!(
            !displayed(&driver, "[data-testid=publish-confirm]")
                .await?
                .is_enabled()
                .await?,
            "Publish is offered for a draft with a problem"
        );
        click(
            &driver,
            "[data-testid=publish-dialog] button[aria-label=Close]",
        )
        .await?;

        // Fixed, then published with the diff showing the subject's change.
        let subject = displayed(&driver, "#field-email_soc-subject").await?;
        subject.click().await?;
        subject.send_keys(Key::Control + "a").await?;
        subject.send_keys(NEW_SUBJECT).await?;
        eventually(
            "the fixed draft to be saved with no problem",
            WAIT,
            || async {
                let status =
                    text_content(&displayed(&driver, "[data-testid=save-status]").await?).await?;
                let badges = driver
                    .find_all(By::Css(
                        ".flow-node[data-node-id=\"email_soc\"] [data-testid=node-problems]",
                    ))
                    .await?;
                Ok((status.starts_with("Saved") && badges.is_empty()).then_some(()))
            },
        )
        .await?;
        let diff = publish(&driver, Some("publish-diff")).await?;
        ensure!(
            diff.contains("Changed step “Email the SOC”")
                && diff.contains(PUBLISHED_SUBJECT)
                && diff.contains(NEW_SUBJECT),
            "the publish diff does not show the subject's old and new value: {diff:?}"
        );
        ensure!(
            switch_is_on(&driver, &flow).await?,
            "publishing switched the flow off"
        );

        // The next alert runs the new version.
        let next =
            create_alert(&emulator, "High", "E2E after publish", "pc-v2.contoso.com").await?;
        finished_run_on(&driver, &next).await?;
        let new_subject = format!("[Flowguard E2E] v2 isolated {}", next.computer);
        eventually("the new version's email", WAIT, || async {
            Ok(mail_subjects(&emulator)
                .await?
                .contains(&new_subject)
                .then_some(()))
        })
        .await?;
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the built app, Xvfb and tauri-driver: run scripts/test.sh"]
async fn a_dry_run_only_flow_sends_nothing_in_the_background() -> Result<()> {
    with_app("safety-dry-run-only", |driver, _session| async move {
        // The template's flow is dry run only from the start.
        let flow = flow_from_gallery(&driver, false).await?;
        publish(&driver, None).await?;
        let said = switch_on_from_now(&driver, &flow, None).await?;
        ensure!(
            said.contains("Dry run only is on"),
            "the Enable dialog does not say dry run only is on: {said:?}"
        );
        let emulator = emulator_url(&driver).await?;
        let mail_before = mail_subjects(&emulator).await?.len();

        let alert =
            create_alert(&emulator, "High", "E2E dry run only", "pc-dry.contoso.com").await?;
        let row = finished_run_on(&driver, &alert).await?;
        ensure!(
            row.source == "alert"
                && row.dry_run
                && row.status == "succeeded"
                && row.result == "Dry run: nothing sent"
                && row.machine == host(&alert),
            "the background run should be a dry run that sent nothing: {row:?}"
        );
        let paths = isolate_paths(&emulator).await?;
        ensure!(paths.is_empty(), "a dry-run-only flow isolated: {paths:?}");
        let mail = mail_subjects(&emulator).await?;
        ensure!(
            mail.len() == mail_before,
            "a dry-run-only flow sent email: {mail:?}"
        );
        // The switch never changed by itself.
        ensure!(
            displayed(&driver, &format!("[data-testid=flow-dry-run-only-{flow}]"))
                .await?
                .is_selected()
                .await?,
            "dry run only switched itself off"
        );
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the built app, Xvfb and tauri-driver: run scripts/test.sh"]
async fn an_unconnected_no_branch_ends_its_path() -> Result<()> {
    with_app("safety-unconnected-branch", |driver, _session| async move {
        flow_from_gallery(&driver, false).await?;
        let review = ".flow-node[data-node-id=\"email_review\"]";
        select_step(&driver, "email_review").await?;
        driver
            .action_chain()
            .send_keys(Key::Delete)
            .perform()
            .await?;
        eventually("the review email gone from the canvas", WAIT, || async {
            Ok(driver
                .find_all(By::Css(review))
                .await?
                .is_empty()
                .then_some(()))
        })
        .await?;
        let condition = displayed(&driver, ".flow-node[data-node-id=\"is_high\"]")
            .await?
            .text()
            .await?;
        ensure!(
            condition.contains("ends"),
            "the condition's unconnected No output does not say its path ends: {condition:?}"
        );

        let emulator = emulator_url(&driver).await?;
        let mail_before = mail_subjects(&emulator).await?.len();
        let alert = create_alert(
            &emulator,
            "Medium",
            "E2E unconnected No branch",
            "pc-medium.contoso.com",
        )
        .await?;
        run_now_for_real(&driver, &alert).await?;
        let mut steps = Vec::new();
        for row in driver.find_all(By::Css("[data-testid=run-step]")).await? {
            steps.push((
                row.attr("data-step-id").await?.unwrap_or_default(),
                row.attr("data-status").await?.unwrap_or_default(),
            ));
        }
        for (step, wanted) in [
            ("get_alert", "succeeded"),
            ("is_high", "succeeded"),
            ("isolate", "skipped"),
            ("email_soc", "skipped"),
        ] {
            ensure!(
                steps
                    .iter()
                    .any(|(id, status)| id == step && status == wanted),
                "after a Medium alert's run the step {step} should be {wanted}: {steps:?}"
            );
        }
        let paths = isolate_paths(&emulator).await?;
        ensure!(paths.is_empty(), "a Medium alert isolated: {paths:?}");
        let mail = mail_subjects(&emulator).await?;
        ensure!(
            mail.len() == mail_before,
            "the unconnected No branch sent email: {mail:?}"
        );
        Ok(())
    })
    .await
}
