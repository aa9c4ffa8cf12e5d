//! The commands the UI may invoke. Each is declared in `command_list.rs` and granted to the main
//! window by name in `tauri.conf.json`; anything not declared and granted cannot be called.

#![allow(
    clippy::needless_pass_by_value,
    reason = "Tauri hands every command its state and arguments by value"
)]

use flowguard_commands::flows;
use flowguard_ipc::{
    ActivityPage, AppInfo, AvailableOutput, BacklogRun, CommandError, CommandErrorKind,
    EnableOptions, EnablePreview, EnableResult, Flow, FlowSummary, FlowVersion, FlowVersionView,
    NodeKindSpec, PublishResult, SaveResult, StoredFlowView, TemplateInfo, VersionDiff,
};
use flowguard_model::{Position, TRIGGER_ID, Trigger};
use flowguard_store::Store;

use crate::state::AppState;
use crate::validate;

/// The app's version and where its files are.
#[tauri::command]
pub fn app_info(state: tauri::State<'_, AppState>) -> AppInfo {
    AppInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        database_path: state.database_path.display().to_string(),
        data_directory: state.data_directory.display().to_string(),
        log_directory: state.log_directory.display().to_string(),
    }
}

/// Every node kind: palette entry, input schema (the side panel's form) and outputs.
#[tauri::command]
pub fn node_kinds() -> Vec<NodeKindSpec> {
    flowguard_model::node_kinds()
}

/// The outputs a node may reference: those of the trigger and of the steps upstream of it.
#[tauri::command]
pub fn available_outputs(flow: Flow, node_id: String) -> Vec<AvailableOutput> {
    flowguard_model::available_outputs(&flow, &node_id)
}

/// The built-in flow templates.
#[tauri::command]
pub fn list_templates() -> Vec<TemplateInfo> {
    flowguard_model::templates::list()
}

/// One built-in template as a flow document (the gallery's preview of its steps).
#[tauri::command]
pub fn get_template(name: String) -> Result<Flow, CommandError> {
    flowguard_model::templates::get(&name)
        .ok_or_else(|| CommandError::not_found(format!("there is no template called {name:?}")))
}

// ---- Flows: the sidebar and the editor's autosave ----

/// The name a flow gets when the user gives none.
pub const UNTITLED: &str = "Untitled flow";

fn store_error(error: flowguard_store::StoreError) -> CommandError {
    flowguard_commands::store_error(error)
}

/// Checks a flow document sent by the UI: its id, its name and its size.
pub(crate) fn check_flow(flow: &Flow) -> Result<(), CommandError> {
    validate::id("flow id", &flow.id)?;
    validate::name(&flow.name)?;
    let size = serde_json::to_vec(flow).map_or(usize::MAX, |bytes| bytes.len());
    if size > flowguard_model::parse::MAX_FLOW_BYTES {
        return Err(CommandError::new(
            CommandErrorKind::InvalidInput,
            "the flow document is larger than 1 MiB",
        ));
    }
    Ok(())
}

/// A flow id made from `name` that no stored flow uses yet.
pub fn fresh_flow_id(store: &Store, name: &str) -> Result<String, CommandError> {
    let base = validate::slug(name);
    if !store.flow_exists(&base).map_err(store_error)? {
        return Ok(base);
    }
    for n in 2..10_000 {
        let candidate = format!("{base}-{n}");
        if !store.flow_exists(&candidate).map_err(store_error)? {
            return Ok(candidate);
        }
    }
    Err(CommandError::new(
        CommandErrorKind::Internal,
        "cannot find a free flow id",
    ))
}

/// A blank flow: a manual trigger and nothing else.
pub fn blank_flow(id: String, name: String) -> Flow {
    let trigger = Trigger {
        kind: "manual".to_owned(),
        title: "Run manually".to_owned(),
        ..Trigger::default()
    };
    let mut flow = Flow::new(id, name, trigger);
    flow.layout
        .insert(TRIGGER_ID.to_owned(), Position { x: 0.0, y: 0.0 });
    flow
}

fn load(store: &Store, id: &str) -> Result<flowguard_store::flows::StoredFlow, CommandError> {
    flows::load(store, id)
}

/// Every saved flow, by name, for the sidebar.
#[tauri::command]
pub fn list_flows(state: tauri::State<'_, AppState>) -> Result<Vec<FlowSummary>, CommandError> {
    flows::list(&state.store)
}

/// One saved flow (its draft), with what validation says about it and where it stands.
#[tauri::command]
pub fn get_flow(
    state: tauri::State<'_, AppState>,
    id: String,
) -> Result<StoredFlowView, CommandError> {
    validate::id("flow id", &id)?;
    flows::view(&state.store, &id)
}

/// Autosave: the flow being edited becomes its draft (a new version when it changed). Nothing
/// else changes: not the switch, not the published version, whatever problems the draft has.
pub fn save(store: &Store, mut flow: Flow) -> Result<SaveResult, CommandError> {
    check_flow(&flow)?;
    flow.name = validate::name(&flow.name)?;
    flows::save(store, &flow)
}

#[tauri::command]
pub fn save_flow(
    state: tauri::State<'_, AppState>,
    flow: Flow,
) -> Result<SaveResult, CommandError> {
    save(&state.store, flow)
}

/// Creates and saves a new flow: blank (a manual trigger only) or a copy of a template, with a
/// fresh id derived from its name. Returns the flow as saved.
pub fn create(store: &Store, template: Option<String>, name: &str) -> Result<Flow, CommandError> {
    let name = validate::name(name)?;
    let mut flow = match template {
        Some(template) => {
            validate::id("template name", &template)?;
            let mut flow = flowguard_model::templates::get(&template).ok_or_else(|| {
                CommandError::new(
                    CommandErrorKind::NotFound,
                    format!("there is no template called {template:?}"),
                )
            })?;
            if !name.is_empty() {
                flow.name = name;
            }
            flow
        }
        None => blank_flow(
            String::new(),
            if name.is_empty() {
                UNTITLED.to_owned()
            } else {
                name
            },
        ),
    };
    flow.id = fresh_flow_id(store, &flow.name)?;
    flow.enabled = false;
    store.save_flow(&flow).map_err(store_error)?;
    Ok(flow)
}

#[tauri::command]
pub fn create_flow(
    state: tauri::State<'_, AppState>,
    template: Option<String>,
    name: String,
) -> Result<Flow, CommandError> {
    create(&state.store, template, &name)
}

/// Saves a copy of a flow under a fresh id, named "… (copy)" and disabled.
pub fn duplicate(store: &Store, id: &str) -> Result<Flow, CommandError> {
    validate::id("flow id", id)?;
    let mut flow = load(store, id)?.flow;
    let mut name = format!("{} (copy)", flow.name);
    if name.chars().count() > validate::MAX_NAME_LENGTH {
        name = name.chars().take(validate::MAX_NAME_LENGTH).collect();
    }
    flow.name = name;
    flow.id = fresh_flow_id(store, &flow.name)?;
    flow.enabled = false;
    store.save_flow(&flow).map_err(store_error)?;
    Ok(flow)
}

#[tauri::command]
pub fn duplicate_flow(state: tauri::State<'_, AppState>, id: String) -> Result<Flow, CommandError> {
    duplicate(&state.store, &id)
}

/// Renames a flow (a new version with the new name).
pub fn rename(store: &Store, id: &str, name: &str) -> Result<SaveResult, CommandError> {
    validate::id("flow id", id)?;
    let name = validate::name(name)?;
    if name.is_empty() {
        return Err(CommandError::new(
            CommandErrorKind::InvalidInput,
            "a flow needs a name",
        ));
    }
    let mut flow = load(store, id)?.flow;
    flow.name = name;
    flows::save(store, &flow)
}

#[tauri::command]
pub fn rename_flow(
    state: tauri::State<'_, AppState>,
    id: String,
    name: String,
) -> Result<SaveResult, CommandError> {
    rename(&state.store, &id, &name)
}

/// Deletes a flow and returns it as it was, so the UI can offer Undo (which saves it again).
pub fn delete(store: &Store, id: &str) -> Result<Flow, CommandError> {
    validate::id("flow id", id)?;
    let flow = load(store, id)?.flow;
    store.delete_flow(id).map_err(store_error)?;
    Ok(flow)
}

#[tauri::command]
pub fn delete_flow(state: tauri::State<'_, AppState>, id: String) -> Result<Flow, CommandError> {
    delete(&state.store, &id)
}

/// Switches a flow on (its published version, from now; `options` handles chosen backlog
/// alerts and the missed tick) or off.
#[tauri::command]
pub async fn set_flow_enabled(
    state: tauri::State<'_, AppState>,
    id: String,
    enabled: bool,
    options: Option<EnableOptions>,
) -> Result<EnableResult, CommandError> {
    validate::id("flow id", &id)?;
    let options = options.unwrap_or_default();
    for alert_id in &options.handle_backlog {
        validate::alert_id(alert_id)?;
    }
    let host = state.engine.read().await;
    let engine = host.as_ref().map(|host| host.engine.as_ref());
    flows::set_enabled(&state.store, engine, &id, enabled, &options).await
}

/// Makes the draft live (what background runs use); refused while it has errors.
#[tauri::command]
pub fn publish_flow(
    state: tauri::State<'_, AppState>,
    id: String,
) -> Result<PublishResult, CommandError> {
    validate::id("flow id", &id)?;
    flows::publish(&state.store, &id)
}

/// Every saved version, newest first, with which is published and which is the draft.
#[tauri::command]
pub fn flow_versions(
    state: tauri::State<'_, AppState>,
    id: String,
) -> Result<Vec<FlowVersion>, CommandError> {
    validate::id("flow id", &id)?;
    flows::versions(&state.store, &id)
}

/// One version, read-only.
#[tauri::command]
pub fn get_flow_version(
    state: tauri::State<'_, AppState>,
    id: String,
    version: i64,
) -> Result<FlowVersionView, CommandError> {
    validate::id("flow id", &id)?;
    flows::version(&state.store, &id, version)
}

/// What changed between two versions (default: published → draft).
#[tauri::command]
pub fn diff_flow_versions(
    state: tauri::State<'_, AppState>,
    id: String,
    from: Option<i64>,
    to: Option<i64>,
) -> Result<VersionDiff, CommandError> {
    validate::id("flow id", &id)?;
    flows::diff(&state.store, &id, from, to)
}

/// Saves an older version as the new draft.
#[tauri::command]
pub fn restore_flow_version(
    state: tauri::State<'_, AppState>,
    id: String,
    version: i64,
) -> Result<SaveResult, CommandError> {
    validate::id("flow id", &id)?;
    flows::restore(&state.store, &id, version)
}

/// What switching the flow on would start (its backlog, or a schedule's missed ticks).
#[tauri::command]
pub async fn enable_preview(
    state: tauri::State<'_, AppState>,
    id: String,
) -> Result<EnablePreview, CommandError> {
    validate::id("flow id", &id)?;
    let host = state.engine.read().await;
    let engine = host.as_ref().map(|host| host.engine.as_ref());
    flows::enable_preview(&state.store, engine, &id).await
}

/// Queues dry runs of the published version for backlog alerts; returns their run ids.
#[tauri::command]
pub async fn backlog_dry_run(
    state: tauri::State<'_, AppState>,
    id: String,
    alert_ids: Vec<String>,
) -> Result<Vec<BacklogRun>, CommandError> {
    validate::id("flow id", &id)?;
    for alert_id in &alert_ids {
        validate::alert_id(alert_id)?;
    }
    crate::runs::with_engine(&state, async |host| {
        flows::backlog_dry_run(&state.store, &host.engine, &id, &alert_ids).await
    })
    .await
}

/// Every background run of the flow is a dry run (or not).
#[tauri::command]
pub fn set_flow_dry_run_only(
    state: tauri::State<'_, AppState>,
    id: String,
    on: bool,
) -> Result<(), CommandError> {
    validate::id("flow id", &id)?;
    flows::set_dry_run_only(&state.store, &id, on)
}

// ---- Activity: every flow's runs, the badge, the notification setting ----

/// A page of the activity feed, newest first (`before`: the previous page's `nextBefore`).
#[tauri::command]
pub fn list_activity(
    state: tauri::State<'_, AppState>,
    before: Option<String>,
    limit: u32,
) -> Result<ActivityPage, CommandError> {
    if let Some(before) = &before {
        validate::run_id(before)?;
    }
    flowguard_commands::activity::list_activity(&state.store, before, limit)
}

/// Marks every run so far as seen (the badge goes to zero).
#[tauri::command]
pub fn mark_activity_seen(state: tauri::State<'_, AppState>) -> Result<(), CommandError> {
    flowguard_commands::activity::mark_seen(&state.store)
}

/// How many background runs that changed the tenant are unseen (the badge).
#[tauri::command]
pub fn unseen_activity_count(state: tauri::State<'_, AppState>) -> Result<u32, CommandError> {
    flowguard_commands::activity::unseen_count(&state.store)
}

#[tauri::command]
pub fn get_notify_tenant_changes(state: tauri::State<'_, AppState>) -> Result<bool, CommandError> {
    flowguard_commands::activity::notify_tenant_changes(&state.store)
}

#[tauri::command]
pub fn set_notify_tenant_changes(
    state: tauri::State<'_, AppState>,
    enabled: bool,
) -> Result<(), CommandError> {
    flowguard_commands::activity::set_notify_tenant_changes(&state.store, enabled)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> Store {
        Store::open_in_memory().unwrap()
    }

    #[test]
    fn a_blank_flow_has_a_manual_trigger_and_a_fresh_id() {
        let store = store();
        let first = create(&store, None, "").unwrap();
        assert_eq!(first.name, UNTITLED);
        assert_eq!(first.id, "untitled-flow");
        assert_eq!(first.trigger.as_ref().unwrap().kind, "manual");
        assert!(first.steps.is_empty());
        let second = create(&store, None, "  ").unwrap();
        assert_eq!(second.id, "untitled-flow-2");
        assert_eq!(store.list_flows().unwrap().len(), 2);
    }

    #[test]
    fn a_flow_from_a_template_is_a_disabled_copy() {
        let store = store();
        let flow = create(
            &store,
            Some("isolate-high-severity".into()),
            "Isolate on High",
        )
        .unwrap();
        assert_eq!(flow.id, "isolate-on-high");
        assert!(!flow.enabled);
        assert!(!flow.steps.is_empty());
        let error = create(&store, Some("no-such".into()), "x").unwrap_err();
        assert_eq!(error.kind, CommandErrorKind::NotFound);
        let error = create(&store, Some("../etc".into()), "x").unwrap_err();
        assert_eq!(error.kind, CommandErrorKind::InvalidInput);
        let error = create(&store, None, &"n".repeat(201)).unwrap_err();
        assert_eq!(error.kind, CommandErrorKind::InvalidInput);
    }

    #[test]
    fn saving_checks_the_id_and_name_and_saves_drafts() {
        let store = store();
        let mut flow = create(&store, None, "Draft").unwrap();
        flow.steps.push(flowguard_model::Step {
            id: "get_alert".into(),
            kind: "get_alert".into(),
            title: "Get alert".into(),
            ..Default::default()
        });
        let result = save(&store, flow.clone()).unwrap();
        assert!(result.new_version);
        assert_eq!(result.version, 2);
        assert!(
            !result.diagnostics.is_empty(),
            "a draft with problems is saved"
        );

        let mut bad = flow.clone();
        bad.id = "has space".into();
        assert_eq!(
            save(&store, bad).unwrap_err().kind,
            CommandErrorKind::InvalidInput
        );
        let mut bad = flow.clone();
        bad.id = String::new();
        assert_eq!(
            save(&store, bad).unwrap_err().kind,
            CommandErrorKind::InvalidInput
        );
        let mut bad = flow;
        bad.name = "x".repeat(201);
        assert_eq!(
            save(&store, bad).unwrap_err().kind,
            CommandErrorKind::InvalidInput
        );
    }

    #[test]
    fn saving_keeps_the_enabled_switch_and_the_published_version() {
        let store = store();
        let flow = create(&store, Some("isolate-high-severity".into()), "").unwrap();
        flows::publish(&store, &flow.id).unwrap();
        store.set_enabled(&flow.id, true).unwrap();
        let mut edited = flow;
        edited.enabled = false;
        edited.description = "edited".into();
        edited.steps.clear();
        let result = save(&store, edited).unwrap();
        assert!(result.enabled, "a broken draft disables nothing");
        assert_eq!(result.published_version, Some(1));
        assert!(result.has_unpublished_changes);
    }

    #[test]
    fn publishing_a_flow_with_errors_is_refused_naming_the_step_by_title() {
        let store = store();
        let mut flow = create(&store, None, "Broken").unwrap();
        flow.steps.push(flowguard_model::Step {
            id: "isolate".into(),
            kind: "isolate_machine".into(),
            title: "Isolate the laptop".into(),
            ..Default::default()
        });
        save(&store, flow.clone()).unwrap();
        let error = flows::publish(&store, &flow.id).unwrap_err();
        assert_eq!(error.kind, CommandErrorKind::InvalidInput);
        assert!(
            error.message.contains("“Broken” cannot be published"),
            "{}",
            error.message
        );
        assert!(
            error.message.contains("“Isolate the laptop”"),
            "{}",
            error.message
        );
        assert_eq!(
            flows::publish(&store, "nope").unwrap_err().kind,
            CommandErrorKind::NotFound
        );
    }

    #[test]
    fn rename_duplicate_and_delete() {
        let store = store();
        let flow = create(&store, None, "First").unwrap();
        rename(&store, &flow.id, "Renamed").unwrap();
        assert_eq!(
            store.get_flow(&flow.id).unwrap().unwrap().flow.name,
            "Renamed"
        );
        assert!(rename(&store, &flow.id, "   ").is_err());
        assert!(rename(&store, "bad id", "x").is_err());

        let copy = duplicate(&store, &flow.id).unwrap();
        assert_eq!(copy.name, "Renamed (copy)");
        assert_ne!(copy.id, flow.id);
        assert!(store.flow_exists(&copy.id).unwrap());

        let deleted = delete(&store, &flow.id).unwrap();
        assert_eq!(deleted.name, "Renamed");
        assert!(!store.flow_exists(&flow.id).unwrap());
        assert_eq!(
            delete(&store, &flow.id).unwrap_err().kind,
            CommandErrorKind::NotFound
        );
        // Undo: saving the returned flow brings it back.
        save(&store, deleted).unwrap();
        assert!(store.flow_exists(&flow.id).unwrap());
    }
}
