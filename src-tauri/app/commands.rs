//! The commands the UI may invoke. Each is declared in `command_list.rs` and granted to the main
//! window by name in `tauri.conf.json`; anything not declared and granted cannot be called.

#![allow(
    clippy::needless_pass_by_value,
    reason = "Tauri hands every command its state and arguments by value"
)]

use flowguard_ipc::{
    AppInfo, AvailableOutput, CommandError, CommandErrorKind, Diagnostic, Flow, FlowSummary,
    NodeKindSpec, RunBrief, SaveResult, StoredFlowView, TemplateInfo,
};
use flowguard_model::{Position, Severity, TRIGGER_ID, Trigger};
use flowguard_store::{Store, StoreError};

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

// ---- Flows: the sidebar and the editor's autosave ----

/// The name a flow gets when the user gives none.
pub const UNTITLED: &str = "Untitled flow";

fn store_error(error: StoreError) -> CommandError {
    let kind = match &error {
        StoreError::FlowNotFound(_) | StoreError::VersionNotFound { .. } => {
            CommandErrorKind::NotFound
        }
        StoreError::InvalidFlow { .. } | StoreError::FlowExists(_) => {
            CommandErrorKind::InvalidInput
        }
        _ => CommandErrorKind::Internal,
    };
    CommandError::new(kind, error.to_string())
}

fn not_found(id: &str) -> CommandError {
    CommandError::new(
        CommandErrorKind::NotFound,
        format!("there is no flow {id:?}"),
    )
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

fn save_result(outcome: flowguard_store::flows::SaveOutcome) -> SaveResult {
    SaveResult {
        version: outcome.version,
        new_version: outcome.new_version,
        enabled: outcome.enabled,
        diagnostics: outcome.diagnostics,
    }
}

fn load(store: &Store, id: &str) -> Result<flowguard_store::flows::StoredFlow, CommandError> {
    store
        .get_flow(id)
        .map_err(store_error)?
        .ok_or_else(|| not_found(id))
}

/// Every saved flow, by name, for the sidebar.
#[tauri::command]
pub fn list_flows(state: tauri::State<'_, AppState>) -> Result<Vec<FlowSummary>, CommandError> {
    let store = &state.store;
    let flows = store.list_flows().map_err(store_error)?;
    let next_runs: std::collections::HashMap<String, String> = store
        .enabled_flows()
        .map_err(store_error)?
        .into_iter()
        .filter_map(|stored| next_scheduled_run(&stored.flow).map(|at| (stored.flow.id, at)))
        .collect();
    let mut last_runs: std::collections::HashMap<String, RunBrief> = store
        .last_run_per_flow()
        .map_err(store_error)?
        .into_iter()
        .map(|run| {
            let brief = RunBrief {
                id: run.id,
                status: run.status,
                created_at: run.created_at,
            };
            (run.flow_id, brief)
        })
        .collect();
    Ok(flows
        .into_iter()
        .map(|f| FlowSummary {
            next_run_at: next_runs.get(&f.id).cloned(),
            last_run: last_runs.remove(&f.id),
            id: f.id,
            name: f.name,
            enabled: f.enabled,
            version: f.version,
            problems: f.problems,
            updated_at: f.updated_at,
        })
        .collect())
}

/// When a schedule flow fires next (RFC 3339 in UTC), if its trigger is a valid schedule.
fn next_scheduled_run(flow: &Flow) -> Option<String> {
    let trigger = flow.trigger.as_ref().filter(|t| t.kind == "schedule")?;
    let text = |name: &str| {
        trigger
            .inputs
            .get(name)
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let schedule =
        flowguard_engine::schedule::Schedule::parse(&text("cron"), &text("timeZone")).ok()?;
    schedule
        .next_after(chrono::Utc::now())
        .map(|at| at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

/// One saved flow, with what validation says about it.
#[tauri::command]
pub fn get_flow(
    state: tauri::State<'_, AppState>,
    id: String,
) -> Result<StoredFlowView, CommandError> {
    validate::id("flow id", &id)?;
    let stored = load(&state.store, &id)?;
    let diagnostics = flowguard_model::validate(&stored.flow);
    Ok(StoredFlowView {
        flow: stored.flow,
        version: stored.version,
        updated_at: stored.updated_at,
        diagnostics,
    })
}

/// Saves the flow being edited (a new version when it changed). A flow with errors is saved as a
/// draft. The enabled switch is not changed here (that is `set_flow_enabled`'s), except that the
/// store turns off a flow whose new version has errors.
pub fn save(store: &Store, mut flow: Flow) -> Result<SaveResult, CommandError> {
    check_flow(&flow)?;
    flow.name = validate::name(&flow.name)?;
    flow.enabled = store
        .get_flow(&flow.id)
        .map_err(store_error)?
        .is_some_and(|stored| stored.flow.enabled);
    store.save_flow(&flow).map(save_result).map_err(store_error)
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
    store.save_flow(&flow).map(save_result).map_err(store_error)
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

fn describe(diagnostic: &Diagnostic) -> String {
    match &diagnostic.node_id {
        Some(node) => format!("{node}: {}", diagnostic.message),
        None => diagnostic.message.clone(),
    }
}

/// Turns a flow on or off. Turning on a flow with errors is refused with every error listed.
pub fn set_enabled(store: &Store, id: &str, enabled: bool) -> Result<(), CommandError> {
    validate::id("flow id", id)?;
    if enabled {
        let flow = load(store, id)?.flow;
        let errors: Vec<String> = flowguard_model::validate(&flow)
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(describe)
            .collect();
        if !errors.is_empty() {
            return Err(CommandError::new(
                CommandErrorKind::InvalidInput,
                format!(
                    "the flow cannot be enabled until its {} problem(s) are fixed: {}",
                    errors.len(),
                    errors.join("; ")
                ),
            ));
        }
    }
    store.set_enabled(id, enabled).map_err(store_error)
}

#[tauri::command]
pub fn set_flow_enabled(
    state: tauri::State<'_, AppState>,
    id: String,
    enabled: bool,
) -> Result<(), CommandError> {
    set_enabled(&state.store, &id, enabled)
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
    fn saving_keeps_the_enabled_switch() {
        let store = store();
        let flow = create(&store, Some("isolate-high-severity".into()), "").unwrap();
        set_enabled(&store, &flow.id, true).unwrap();
        let mut edited = flow;
        edited.enabled = false;
        edited.description = "edited".into();
        let result = save(&store, edited).unwrap();
        assert!(result.enabled);
    }

    #[test]
    fn enabling_a_flow_with_errors_is_refused_with_its_problems() {
        let store = store();
        let mut flow = create(&store, None, "Broken").unwrap();
        flow.steps.push(flowguard_model::Step {
            id: "isolate".into(),
            kind: "isolate_machine".into(),
            title: "Isolate".into(),
            ..Default::default()
        });
        save(&store, flow.clone()).unwrap();
        let error = set_enabled(&store, &flow.id, true).unwrap_err();
        assert_eq!(error.kind, CommandErrorKind::InvalidInput);
        assert!(
            error.message.contains("cannot be enabled"),
            "{}",
            error.message
        );
        assert!(error.message.contains("isolate"), "{}", error.message);
        set_enabled(&store, &flow.id, false).unwrap();
        assert_eq!(
            set_enabled(&store, "nope", true).unwrap_err().kind,
            CommandErrorKind::NotFound
        );
        assert_eq!(
            set_enabled(&store, "", true).unwrap_err().kind,
            CommandErrorKind::InvalidInput
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
