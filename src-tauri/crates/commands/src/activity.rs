//! What ran and what it changed: a flow's run history and the activity feed (every flow, newest
//! first, paged), each run with its source, its alert's title and machine, and the changes it
//! made in the tenant; the badge of unseen tenant-changing background runs; the notification
//! setting.
//!
//! "Changed the tenant" is read from the store, never from live events: the steps of a
//! tenant-changing kind (`NodeKindSpec::changes_tenant`, of the flow version the run ran) that
//! succeeded in a run that was not a dry run.

use std::collections::HashMap;

use chrono::DateTime;
use serde_json::{Value, json};

use flowguard_ipc::{
    ActivityPage, CommandError, Flow, RunDetail, RunListItem, StepRunView, TenantChange,
};
use flowguard_store::Store;
use flowguard_store::runs::{RunFilter, RunRow, RunSummary};

use crate::{invalid, store_error};

/// The setting that says whether a tenant-changing background run raises an OS notification
/// (`true` or `false`; on when absent).
pub const NOTIFY_SETTING: &str = "notifyTenantChanges";
/// The setting that holds the activity feed's "seen up to" watermark (a run's `created_at`).
pub const SEEN_SETTING: &str = "activitySeenAt";
/// The most runs one page returns.
pub const MAX_PAGE: u32 = 200;
/// The most unseen runs the badge counts.
pub const MAX_UNSEEN_COUNTED: usize = 1000;

const RUN_STATUSES: [&str; 6] = [
    "queued",
    "running",
    "succeeded",
    "failed",
    "cancelled",
    "interrupted",
];

fn duration_ms(start: Option<&str>, end: Option<&str>) -> Option<i64> {
    let start = DateTime::parse_from_rfc3339(start?).ok()?;
    let end = DateTime::parse_from_rfc3339(end?).ok()?;
    Some((end - start).num_milliseconds())
}

/// The flow versions runs ran, read once per (flow, version).
#[derive(Default)]
pub struct Versions(HashMap<(String, i64), Option<Flow>>);

impl Versions {
    pub fn get(&mut self, store: &Store, flow_id: &str, version: i64) -> Option<&Flow> {
        self.0
            .entry((flow_id.to_owned(), version))
            .or_insert_with(|| store.get_flow_version(flow_id, version).ok())
            .as_ref()
    }
}

/// A machine's short name: `finance-laptop-07` from `finance-laptop-07.contoso.com`.
fn short_name(dns: &str) -> String {
    dns.split('.').next().unwrap_or(dns).to_owned()
}

/// What a tenant-changing step acted on: the trigger alert's machine by name when it is the one,
/// else the machine id it was given.
fn target(payload: &Value, input: Option<&Value>, output: Option<&Value>) -> Option<String> {
    let machine = output
        .and_then(|o| o["machineId"].as_str())
        .or_else(|| input.and_then(|i| i["machineId"].as_str()))?;
    let alert_machine = payload["machineId"]
        .as_str()
        .or(payload["alert"]["machineId"].as_str());
    match payload["alert"]["computerDnsName"].as_str() {
        Some(dns) if alert_machine == Some(machine) => Some(short_name(dns)),
        _ => Some(machine.to_owned()),
    }
}

/// The changes a run made in the tenant (none for a dry run).
pub fn tenant_changes(run: &RunRow, flow: Option<&Flow>) -> Vec<TenantChange> {
    let Some(flow) = flow.filter(|_| !run.dry_run) else {
        return Vec::new();
    };
    run.steps
        .iter()
        .filter(|step| step.status == "succeeded")
        .filter_map(|step| {
            let kind = &flow.steps.iter().find(|s| s.id == step.step_id)?.kind;
            let spec = flowguard_model::node_kind(kind).filter(|spec| spec.changes_tenant)?;
            let target = target(
                &run.trigger_payload,
                step.input.as_ref(),
                step.output.as_ref(),
            );
            let label = match &target {
                Some(target) => format!("{} · {target}", spec.title),
                None => spec.title.clone(),
            };
            Some(TenantChange {
                step_id: step.step_id.clone(),
                kind: kind.clone(),
                kind_title: spec.title.clone(),
                target,
                label,
            })
        })
        .collect()
}

fn item(run: RunSummary, changes: Vec<TenantChange>) -> RunListItem {
    RunListItem {
        duration_ms: duration_ms(run.started_at.as_deref(), run.finished_at.as_deref()),
        flow_name: run.flow_name.unwrap_or_else(|| run.flow_id.clone()),
        machine_name: run.machine_name.as_deref().map(short_name),
        id: run.id,
        flow_id: run.flow_id,
        flow_version: run.flow_version,
        status: run.status,
        trigger_kind: run.trigger_kind,
        source: run.source,
        dry_run: run.dry_run,
        reason: run.reason,
        created_at: run.created_at,
        started_at: run.started_at,
        finished_at: run.finished_at,
        alert_id: run.alert_id,
        alert_title: run.alert_title,
        tenant_changes: changes,
    }
}

/// A run's line, with what it changed in the tenant.
pub fn list_item(
    store: &Store,
    versions: &mut Versions,
    run: RunSummary,
) -> Result<RunListItem, CommandError> {
    let changes = if run.dry_run {
        Vec::new()
    } else {
        let row = store.get_run(&run.id).map_err(store_error)?;
        tenant_changes(&row, versions.get(store, &row.flow_id, row.flow_version))
    };
    Ok(item(run, changes))
}

fn items(store: &Store, runs: Vec<RunSummary>) -> Result<Vec<RunListItem>, CommandError> {
    let mut versions = Versions::default();
    runs.into_iter()
        .map(|run| list_item(store, &mut versions, run))
        .collect()
}

/// A flow's runs, newest first, optionally of one status (History).
pub fn list_runs(
    store: &Store,
    flow_id: &str,
    status: Option<String>,
    limit: usize,
) -> Result<Vec<RunListItem>, CommandError> {
    if let Some(status) = &status
        && !RUN_STATUSES.contains(&status.as_str())
    {
        return Err(invalid(format!(
            "the run status {status:?} is not one of {}",
            RUN_STATUSES.join(", ")
        )));
    }
    let runs = store
        .list_runs(&RunFilter {
            flow_id: Some(flow_id.to_owned()),
            status,
            limit: Some(limit),
            before: None,
        })
        .map_err(store_error)?;
    items(store, runs)
}

/// A run as the run panel shows it, with the flow version it ran.
pub fn run_detail(store: &Store, run: RunRow) -> Result<RunDetail, CommandError> {
    let mut versions = Versions::default();
    let flow = versions.get(store, &run.flow_id, run.flow_version).cloned();
    let changes = tenant_changes(&run, flow.as_ref());
    let summary = store.run_summary(&run.id).map_err(store_error)?;
    let steps = run
        .steps
        .into_iter()
        .map(|step| StepRunView {
            duration_ms: duration_ms(step.started_at.as_deref(), step.finished_at.as_deref()),
            step_id: step.step_id,
            status: step.status,
            attempts: step.attempts,
            input: step.input,
            output: step.output,
            error: step.error,
            started_at: step.started_at,
            finished_at: step.finished_at,
        })
        .collect();
    Ok(RunDetail {
        run: item(summary, changes),
        trigger_payload: run.trigger_payload,
        rerun_of: run.rerun_of,
        steps,
        flow,
    })
}

fn seen_at(store: &Store) -> Result<Option<String>, CommandError> {
    Ok(store
        .get_setting(SEEN_SETTING)
        .map_err(store_error)?
        .and_then(|value| value.as_str().map(str::to_owned)))
}

/// How many background runs (alert, schedule, backlog) that changed the tenant are newer than
/// the "seen" watermark: the activity badge.
pub fn unseen_count(store: &Store) -> Result<u32, CommandError> {
    let seen = seen_at(store)?;
    let runs = store
        .background_runs_since(seen.as_deref(), MAX_UNSEEN_COUNTED)
        .map_err(store_error)?;
    let mut versions = Versions::default();
    let mut count = 0u32;
    for run in runs.into_iter().filter(|run| !run.dry_run) {
        if !list_item(store, &mut versions, run)?
            .tenant_changes
            .is_empty()
        {
            count += 1;
        }
    }
    Ok(count)
}

/// Marks every run so far as seen (the badge goes to zero).
pub fn mark_seen(store: &Store) -> Result<(), CommandError> {
    let newest = store
        .list_runs(&RunFilter {
            limit: Some(1),
            ..RunFilter::default()
        })
        .map_err(store_error)?;
    if let Some(newest) = newest.into_iter().next() {
        store
            .set_setting(SEEN_SETTING, &json!(newest.created_at))
            .map_err(store_error)?;
    }
    Ok(())
}

/// One page of the activity feed: every flow's runs, newest first. `before` is the previous
/// page's `next_before`.
pub fn list_activity(
    store: &Store,
    before: Option<String>,
    limit: u32,
) -> Result<ActivityPage, CommandError> {
    let limit = limit.clamp(1, MAX_PAGE);
    let runs = store
        .list_runs(&RunFilter {
            flow_id: None,
            status: None,
            limit: Some(limit as usize),
            before,
        })
        .map_err(store_error)?;
    let full = runs.len() == limit as usize;
    let items = items(store, runs)?;
    Ok(ActivityPage {
        next_before: items.last().filter(|_| full).map(|item| item.id.clone()),
        items,
        unseen_tenant_changes: unseen_count(store)?,
    })
}

/// Whether a tenant-changing background run raises an OS notification (on unless turned off).
pub fn notify_tenant_changes(store: &Store) -> Result<bool, CommandError> {
    Ok(store
        .get_setting(NOTIFY_SETTING)
        .map_err(store_error)?
        .and_then(|value| value.as_bool())
        .unwrap_or(true))
}

pub fn set_notify_tenant_changes(store: &Store, enabled: bool) -> Result<(), CommandError> {
    store
        .set_setting(NOTIFY_SETTING, &json!(enabled))
        .map_err(store_error)
}

/// The notification for a finished run, when it is a background run that changed the tenant and
/// the setting is on: (title, body).
pub fn tenant_change_notice(
    store: &Store,
    run_id: &str,
) -> Result<Option<(String, String)>, CommandError> {
    if !notify_tenant_changes(store)? {
        return Ok(None);
    }
    let run = store.get_run(run_id).map_err(store_error)?;
    if !run.source.is_background() || run.dry_run {
        return Ok(None);
    }
    let mut versions = Versions::default();
    let changes = tenant_changes(&run, versions.get(store, &run.flow_id, run.flow_version));
    if changes.is_empty() {
        return Ok(None);
    }
    let flow = store
        .get_flow(&run.flow_id)
        .ok()
        .flatten()
        .map_or_else(|| run.flow_id.clone(), |stored| stored.flow.name);
    let what: Vec<&str> = changes.iter().map(|c| c.label.as_str()).collect();
    let alert = run.trigger_payload["title"]
        .as_str()
        .map(|title| format!(" for “{title}”"))
        .unwrap_or_default();
    Ok(Some((
        format!("{flow} changed your tenant"),
        format!("{}{alert} ({} run)", what.join(", "), run.source),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use flowguard_model::RunSource;
    use flowguard_store::runs::NewRun;

    fn seed() -> Flow {
        flowguard_model::templates::get("isolate-high-severity").unwrap()
    }

    fn payload() -> Value {
        json!({
            "alertId": "da1", "machineId": "m1", "title": "Ransomware",
            "alert": { "machineId": "m1", "computerDnsName": "finance-laptop-07.contoso.com" },
        })
    }

    fn finished_run(store: &Store, source: RunSource, dry_run: bool, isolate: &str) -> String {
        let flow = seed();
        let id = store
            .create_run(&NewRun {
                flow_id: flow.id.clone(),
                flow_version: 1,
                trigger_kind: "alert_created".into(),
                source,
                trigger_payload: payload(),
                dry_run,
                rerun_of: None,
            })
            .unwrap();
        let step = flow
            .steps
            .iter()
            .find(|s| s.kind == "isolate_machine")
            .unwrap();
        store
            .record_step_started(&id, &step.id, 1, &json!({ "machineId": "m1" }))
            .unwrap();
        store
            .record_step_finished(
                &id,
                &step.id,
                isolate,
                Some(&json!({ "machineId": "m1" })),
                None,
            )
            .unwrap();
        store.mark_run_finished(&id, "succeeded", None).unwrap();
        id
    }

    #[test]
    fn a_real_isolation_is_a_tenant_change_named_by_kind_and_machine() {
        let store = Store::open_in_memory().unwrap();
        store.save_flow(&seed()).unwrap();
        let real = finished_run(&store, RunSource::Alert, false, "succeeded");
        let dry = finished_run(&store, RunSource::Alert, true, "succeeded");
        let failed = finished_run(&store, RunSource::Backlog, false, "failed");
        let manual = finished_run(&store, RunSource::Manual, false, "succeeded");

        let page = list_activity(&store, None, 50).unwrap();
        let by_id: HashMap<&str, &RunListItem> =
            page.items.iter().map(|i| (i.id.as_str(), i)).collect();
        let change = &by_id[real.as_str()].tenant_changes;
        assert_eq!(change.len(), 1);
        assert_eq!(change[0].label, "Isolate machine · finance-laptop-07");
        assert!(
            by_id[dry.as_str()].tenant_changes.is_empty(),
            "a dry run changes nothing"
        );
        assert!(by_id[failed.as_str()].tenant_changes.is_empty());
        assert_eq!(
            by_id[real.as_str()].alert_title.as_deref(),
            Some("Ransomware")
        );
        assert_eq!(
            by_id[real.as_str()].machine_name.as_deref(),
            Some("finance-laptop-07")
        );
        assert_eq!(by_id[real.as_str()].flow_name, seed().name);
        assert_eq!(
            page.unseen_tenant_changes, 1,
            "background runs only: {page:?}"
        );
        assert!(!by_id[manual.as_str()].tenant_changes.is_empty());

        let notice = tenant_change_notice(&store, &real).unwrap().unwrap();
        assert!(
            notice.1.contains("Isolate machine · finance-laptop-07"),
            "{notice:?}"
        );
        assert_eq!(tenant_change_notice(&store, &manual).unwrap(), None);
        set_notify_tenant_changes(&store, false).unwrap();
        assert!(!notify_tenant_changes(&store).unwrap());
        assert_eq!(tenant_change_notice(&store, &real).unwrap(), None);

        mark_seen(&store).unwrap();
        assert_eq!(unseen_count(&store).unwrap(), 0);
        let again = finished_run(&store, RunSource::Schedule, false, "succeeded");
        assert_eq!(unseen_count(&store).unwrap(), 1);
        let detail = run_detail(&store, store.get_run(&again).unwrap()).unwrap();
        assert_eq!(detail.run.tenant_changes.len(), 1);
        assert_eq!(detail.run.source, RunSource::Schedule);
    }

    #[test]
    fn durations_come_from_start_and_end() {
        assert_eq!(
            duration_ms(
                Some("2026-11-25T06:00:00.000Z"),
                Some("2026-11-25T06:00:01.250Z")
            ),
            Some(1250)
        );
        assert_eq!(duration_ms(Some("2026-11-25T06:00:00.000Z"), None), None);
    }

    #[test]
    fn the_feed_pages_newest_first() {
        let store = Store::open_in_memory().unwrap();
        store.save_flow(&seed()).unwrap();
        let ids: Vec<String> = (0..5)
            .map(|_| finished_run(&store, RunSource::Alert, true, "succeeded"))
            .collect();
        let first = list_activity(&store, None, 3).unwrap();
        assert_eq!(first.items.len(), 3);
        assert_eq!(first.items[0].id, ids[4]);
        let second = list_activity(&store, first.next_before, 3).unwrap();
        assert_eq!(
            second
                .items
                .iter()
                .map(|i| i.id.as_str())
                .collect::<Vec<_>>(),
            [ids[1].as_str(), ids[0].as_str()]
        );
        assert_eq!(second.next_before, None, "the last page");
        assert!(list_runs(&store, &seed().id, Some("nope".into()), 10).is_err());
    }
}
