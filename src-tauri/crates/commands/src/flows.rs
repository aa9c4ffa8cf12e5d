//! A flow's lifecycle: the draft the editor autosaves, Publish (what background runs use),
//! version history and diffs, switching on (from now, with the backlog shown first) and off, and
//! "dry run only".
//!
//! The rules, once for every host:
//! - saving makes a new draft and changes nothing else; a problem in the draft never disables
//!   anything;
//! - Publish is refused while the draft has errors, each named in plain words;
//! - switching on needs a published version ("publish it first") and starts from now: alerts
//!   from before are the backlog, handled only when asked (`EnableOptions::handle_backlog`),
//!   and a schedule's missed ticks are not run unless asked.

use chrono::{DateTime, Utc};

use flowguard_engine::service::Engine;
use flowguard_ipc::{
    AlertChoice, BacklogRun, CommandError, CommandErrorKind, Diagnostic, EnableOptions,
    EnablePreview, EnableResult, Flow, FlowSummary, FlowVersion, FlowVersionView, PublishResult,
    RunBrief, SaveResult, StoredFlowView, VersionDiff,
};
use flowguard_store::flows::{SaveOutcome, StoredFlow};
use flowguard_store::{Store, StoreError};

use crate::{engine_error, invalid, store_error, unavailable};

/// What the enable preview says when no engine runs (another process holds the database, or
/// the connection is broken): the switch still works, the backlog cannot be read here.
pub const NO_ENGINE: &str =
    "the engine is not running here, so the alerts from while the flow was off cannot be read";

fn not_found(id: &str) -> CommandError {
    CommandError::new(
        CommandErrorKind::NotFound,
        format!("there is no flow {id:?}"),
    )
}

/// The flow's draft, or a `not_found` error.
pub fn load(store: &Store, id: &str) -> Result<StoredFlow, CommandError> {
    store
        .get_flow(id)
        .map_err(store_error)?
        .ok_or_else(|| not_found(id))
}

/// "… cannot be published until its 2 problems are fixed: “Email the SOC”: To is required; …"
pub fn refusal(name: &str, action: &str, errors: &[Diagnostic]) -> String {
    let count = errors.len();
    let sentences: Vec<&str> = errors.iter().map(|d| d.sentence.as_str()).collect();
    format!(
        "“{name}” cannot {action} until {} fixed: {}",
        if count == 1 {
            "its problem is".to_owned()
        } else {
            format!("its {count} problems are")
        },
        sentences.join("; ")
    )
}

fn refused(name: &str, action: &str, error: StoreError) -> CommandError {
    match error {
        StoreError::HasErrors { diagnostics, .. } => invalid(refusal(name, action, &diagnostics)),
        StoreError::NotPublished(_) => invalid(format!(
            "“{name}” has no published version yet: publish it first, then switch it on"
        )),
        other => store_error(other),
    }
}

/// The flow as the editor opens it: its draft and where it stands.
pub fn view(store: &Store, id: &str) -> Result<StoredFlowView, CommandError> {
    let stored = load(store, id)?;
    let diagnostics = flowguard_model::validate(&stored.flow);
    Ok(StoredFlowView {
        version: stored.version,
        draft_version: stored.draft_version,
        published_version: stored.published_version,
        has_unpublished_changes: stored.has_unpublished_changes,
        enabled: stored.flow.enabled,
        dry_run_only: stored.dry_run_only,
        updated_at: stored.updated_at,
        flow: stored.flow,
        diagnostics,
    })
}

/// When a schedule flow fires next (RFC 3339 in UTC), if its trigger is a valid schedule.
pub fn next_scheduled_run(flow: &Flow, now: DateTime<Utc>) -> Option<String> {
    let (schedule, _) = flowguard_engine::service::schedule_of(flow)?.ok()?;
    schedule
        .next_after(now)
        .map(|at| at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

/// Every flow, by name, with its last run and (enabled schedule flows) its next.
pub fn list(store: &Store) -> Result<Vec<FlowSummary>, CommandError> {
    let now = Utc::now();
    let flows = store.list_flows().map_err(store_error)?;
    let next_runs: std::collections::HashMap<String, String> = store
        .enabled_flows()
        .map_err(store_error)?
        .into_iter()
        .filter_map(|stored| next_scheduled_run(&stored.flow, now).map(|at| (stored.flow.id, at)))
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
            draft_version: f.version,
            published_version: f.published_version,
            has_unpublished_changes: f.has_unpublished_changes,
            dry_run_only: f.dry_run_only,
            id: f.id,
            name: f.name,
            enabled: f.enabled,
            version: f.version,
            problems: f.problems,
            updated_at: f.updated_at,
        })
        .collect())
}

pub fn save_result(outcome: SaveOutcome) -> SaveResult {
    SaveResult {
        version: outcome.version,
        new_version: outcome.new_version,
        enabled: outcome.enabled,
        published_version: outcome.published_version,
        has_unpublished_changes: outcome.has_unpublished_changes,
        diagnostics: outcome.diagnostics,
    }
}

/// Autosave: the document becomes the flow's draft (a new version when it changed). The switch,
/// the published version and dry run only stay as they are, whatever problems it has.
pub fn save(store: &Store, flow: &Flow) -> Result<SaveResult, CommandError> {
    store.save_flow(flow).map(save_result).map_err(store_error)
}

/// Publish: the draft becomes what background runs use. Refused, naming every error in plain
/// words, while the draft has errors.
pub fn publish(store: &Store, id: &str) -> Result<PublishResult, CommandError> {
    let stored = load(store, id)?;
    let published = store
        .publish(id)
        .map_err(|error| refused(&stored.flow.name, "be published", error))?;
    tracing::info!(flow = %id, version = published.version, "published");
    Ok(PublishResult {
        published_version: published.version,
        previous_version: published.previous,
        changed: published.changed,
    })
}

fn version_of(version: flowguard_store::flows::FlowVersion) -> FlowVersion {
    FlowVersion {
        version: version.version,
        saved_at: version.saved_at,
        content_hash: version.content_hash,
        problems: version.problems,
        published: version.published,
        draft: version.draft,
    }
}

/// Every version, oldest first (`flow_history`, `flows history`).
pub fn history(store: &Store, id: &str) -> Result<Vec<FlowVersion>, CommandError> {
    Ok(store
        .flow_history(id)
        .map_err(store_error)?
        .into_iter()
        .map(version_of)
        .collect())
}

/// Every version, newest first, each saying whether it is published and whether it is the draft.
pub fn versions(store: &Store, id: &str) -> Result<Vec<FlowVersion>, CommandError> {
    let mut versions = history(store, id)?;
    versions.reverse();
    Ok(versions)
}

/// One version, read-only, with its problems.
pub fn version(store: &Store, id: &str, version: i64) -> Result<FlowVersionView, CommandError> {
    let info = store
        .flow_history(id)
        .map_err(store_error)?
        .into_iter()
        .find(|v| v.version == version)
        .ok_or_else(|| {
            CommandError::new(
                CommandErrorKind::NotFound,
                format!("flow {id:?} has no version {version}"),
            )
        })?;
    let flow = store.get_flow_version(id, version).map_err(store_error)?;
    Ok(FlowVersionView {
        flow_id: id.to_owned(),
        version,
        saved_at: info.saved_at,
        published: info.published,
        draft: info.draft,
        diagnostics: flowguard_model::validate(&flow),
        flow,
    })
}

/// What changed from version `from` to version `to`. Without `from`: the published version
/// (the first version when nothing is published); without `to`: the draft.
pub fn diff(
    store: &Store,
    id: &str,
    from: Option<i64>,
    to: Option<i64>,
) -> Result<VersionDiff, CommandError> {
    let stored = load(store, id)?;
    let from = from.or(stored.published_version).unwrap_or(1);
    let to = to.unwrap_or(stored.draft_version);
    let before = store.get_flow_version(id, from).map_err(store_error)?;
    let after = store.get_flow_version(id, to).map_err(store_error)?;
    let diff = flowguard_model::diff::diff(&before, &after);
    Ok(VersionDiff {
        flow_id: id.to_owned(),
        from_version: from,
        to_version: to,
        lines: diff.lines(),
        diff,
    })
}

/// Saves an older version's document as the new draft (nothing goes live until Publish).
pub fn restore(store: &Store, id: &str, version: i64) -> Result<SaveResult, CommandError> {
    store
        .restore_version(id, version)
        .map(save_result)
        .map_err(store_error)
}

/// Every background run of the flow is a dry run (or not). Not an edit; never changes by itself.
pub fn set_dry_run_only(store: &Store, id: &str, on: bool) -> Result<(), CommandError> {
    store.set_dry_run_only(id, on).map_err(store_error)
}

fn alert_choice(alert: &serde_json::Value) -> AlertChoice {
    let text = |name: &str| alert[name].as_str().map(str::to_owned);
    AlertChoice {
        id: text("id").unwrap_or_default(),
        title: text("title").unwrap_or_default(),
        severity: text("severity").unwrap_or_default(),
        status: text("status").unwrap_or_default(),
        machine_id: text("machineId"),
        computer_dns_name: text("computerDnsName"),
        created_at: text("alertCreationTime"),
    }
}

fn trigger_kind(flow: &Flow) -> String {
    flow.trigger
        .as_ref()
        .map_or_else(|| "manual".to_owned(), |t| t.kind.clone())
}

/// What switching the flow on would start: for an alert flow its backlog (the alerts from while
/// it was off, which switching on does not start), for a schedule flow the ticks missed while
/// off (not run unless asked) and the next one. The trigger of the published version decides
/// (the draft's when nothing is published, with the refusal saying so).
pub async fn enable_preview(
    store: &Store,
    engine: Option<&Engine>,
    id: &str,
) -> Result<EnablePreview, CommandError> {
    let draft = load(store, id)?;
    let published = store.published_flow(id).map_err(store_error)?;
    let refusal = published.is_none().then(|| {
        format!(
            "“{}” has no published version yet: publish it first, then switch it on",
            draft.flow.name
        )
    });
    let stored = published.unwrap_or(draft);
    let now = Utc::now();
    let kind = trigger_kind(&stored.flow);
    let mut preview = EnablePreview {
        flow_id: id.to_owned(),
        trigger_kind: kind.clone(),
        published_version: stored.published_version,
        dry_run_only: stored.dry_run_only,
        refusal,
        backlog: Vec::new(),
        backlog_since: None,
        missed_ticks: 0,
        next_tick: None,
        backlog_error: None,
    };
    let time = |at: DateTime<Utc>| at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    match kind.as_str() {
        "alert_created" => match engine {
            None => preview.backlog_error = Some(NO_ENGINE.to_owned()),
            Some(engine) => match engine.alert_backlog(&stored, now).await {
                Ok(backlog) => {
                    preview.backlog_since = Some(time(backlog.since));
                    // Newest first, as the Run now dialog lists alerts.
                    preview.backlog = backlog.alerts.iter().rev().map(alert_choice).collect();
                }
                Err(error) => preview.backlog_error = Some(engine_error(error).message),
            },
        },
        "schedule" => {
            let missed = flowguard_engine::service::missed_schedule(store, &stored, now)
                .map_err(engine_error)?;
            if let Some(missed) = missed {
                preview.missed_ticks = missed.missed;
                preview.next_tick = missed.next.map(time);
            }
        }
        _ => {}
    }
    Ok(preview)
}

/// The backlog alerts among `alert_ids`, refusing an id that is not in the backlog (handled
/// already, filtered out by the trigger, or from before the lookback).
async fn backlog_alerts(
    store: &Store,
    engine: &Engine,
    id: &str,
    alert_ids: &[String],
) -> Result<Vec<serde_json::Value>, CommandError> {
    let stored = store
        .published_flow(id)
        .map_err(store_error)?
        .ok_or_else(|| {
            invalid(format!(
                "flow {id:?} has no published version yet: publish it first"
            ))
        })?;
    let backlog = engine
        .alert_backlog(&stored, Utc::now())
        .await
        .map_err(engine_error)?;
    let mut chosen = Vec::with_capacity(alert_ids.len());
    for alert_id in alert_ids {
        let alert = backlog
            .alerts
            .iter()
            .find(|alert| alert["id"].as_str() == Some(alert_id.as_str()))
            .ok_or_else(|| {
                invalid(format!(
                    "alert {alert_id} is not in the backlog of “{}” (it was handled already, does not match the trigger, or is older than the backlog reaches)",
                    stored.flow.name
                ))
            })?;
        chosen.push(alert.clone());
    }
    Ok(chosen)
}

fn backlog_runs(queued: Vec<(String, String)>) -> Vec<BacklogRun> {
    queued
        .into_iter()
        .map(|(alert_id, run_id)| BacklogRun { alert_id, run_id })
        .collect()
}

/// Queues dry runs of the published version for these backlog alerts (what switching on with
/// "also handle these" would do); nothing is sent and nothing is marked handled.
pub async fn backlog_dry_run(
    store: &Store,
    engine: &Engine,
    id: &str,
    alert_ids: &[String],
) -> Result<Vec<BacklogRun>, CommandError> {
    let alerts = backlog_alerts(store, engine, id, alert_ids).await?;
    let queued = engine
        .queue_backlog(id, &alerts, true)
        .map_err(engine_error)?;
    Ok(backlog_runs(queued))
}

/// Switches a flow on or off. On needs a published version (refused in plain words otherwise)
/// and starts from now; `options` also handles chosen backlog alerts for real (runs with source
/// `backlog`, through the processed-alerts table) and/or runs a schedule's latest missed tick.
/// The backlog is read before the switch moves, so a refused choice leaves the flow as it was.
pub async fn set_enabled(
    store: &Store,
    engine: Option<&Engine>,
    id: &str,
    enabled: bool,
    options: &EnableOptions,
) -> Result<EnableResult, CommandError> {
    let stored = load(store, id)?;
    if !enabled {
        store.set_enabled(id, false).map_err(store_error)?;
        tracing::info!(flow = %id, "switched off");
        return Ok(EnableResult {
            enabled: false,
            backlog_runs: Vec::new(),
            missed_tick_run: None,
        });
    }
    let wants_engine = !options.handle_backlog.is_empty() || options.run_missed_tick;
    let engine = match engine {
        Some(engine) => Some(engine),
        None if wants_engine => return Err(unavailable(NO_ENGINE)),
        None => None,
    };
    let chosen = match engine {
        Some(engine) if !options.handle_backlog.is_empty() => {
            backlog_alerts(store, engine, id, &options.handle_backlog).await?
        }
        _ => Vec::new(),
    };
    store
        .set_enabled(id, true)
        .map_err(|error| refused(&stored.flow.name, "be switched on", error))?;
    tracing::info!(flow = %id, backlog = chosen.len(), missed_tick = options.run_missed_tick, "switched on");
    let mut result = EnableResult {
        enabled: true,
        backlog_runs: Vec::new(),
        missed_tick_run: None,
    };
    if let Some(engine) = engine {
        if !chosen.is_empty() {
            let queued = engine
                .queue_backlog(id, &chosen, false)
                .map_err(engine_error)?;
            result.backlog_runs = backlog_runs(queued);
        }
        if options.run_missed_tick {
            result.missed_tick_run = engine
                .run_missed_tick(id, Utc::now())
                .map_err(engine_error)?;
        }
    }
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed() -> Flow {
        flowguard_model::templates::get("isolate-high-severity").unwrap()
    }

    fn broken(flow: &Flow) -> Flow {
        let mut broken = flow.clone();
        broken
            .steps
            .iter_mut()
            .find(|s| s.kind == "send_email")
            .unwrap()
            .inputs
            .remove("to");
        broken
    }

    #[tokio::test]
    async fn autosave_never_disables_and_publish_is_refused_in_plain_words() {
        let store = Store::open_in_memory().unwrap();
        let flow = seed();
        save(&store, &flow).unwrap();
        let error = set_enabled(&store, None, &flow.id, true, &EnableOptions::default())
            .await
            .unwrap_err();
        assert_eq!(error.kind, CommandErrorKind::InvalidInput);
        assert!(
            error.message.contains("publish it first"),
            "{}",
            error.message
        );
        publish(&store, &flow.id).unwrap();
        let on = set_enabled(&store, None, &flow.id, true, &EnableOptions::default())
            .await
            .unwrap();
        assert!(on.enabled && on.backlog_runs.is_empty());

        let result = save(&store, &broken(&flow)).unwrap();
        assert!(result.enabled, "the draft's problem disables nothing");
        assert!(result.has_unpublished_changes);
        let error = publish(&store, &flow.id).unwrap_err();
        let title = &flow
            .steps
            .iter()
            .find(|s| s.kind == "send_email")
            .unwrap()
            .title;
        assert!(
            error.message.starts_with(&format!(
                "“{}” cannot be published until its problem is fixed: “{title}”:",
                flow.name
            )),
            "{}",
            error.message
        );
        let view = view(&store, &flow.id).unwrap();
        assert_eq!((view.draft_version, view.published_version), (2, Some(1)));
        assert!(view.enabled && view.has_unpublished_changes);

        let diff = diff(&store, &flow.id, None, None).unwrap();
        assert_eq!((diff.from_version, diff.to_version), (1, 2));
        assert_eq!(diff.diff.steps_changed.len(), 1);
        assert_eq!(diff.diff.steps_changed[0].inputs[0].name, "to");

        let restored = restore(&store, &flow.id, 1).unwrap();
        assert_eq!(restored.version, 3);
        assert!(!restored.has_unpublished_changes);
        let versions = versions(&store, &flow.id).unwrap();
        assert_eq!(
            versions.iter().map(|v| v.version).collect::<Vec<_>>(),
            [3, 2, 1]
        );
        assert!(versions[0].draft && versions[2].published);
        let old = version(&store, &flow.id, 2).unwrap();
        assert!(!old.diagnostics.is_empty() && !old.draft && !old.published);
        assert_eq!(
            version(&store, &flow.id, 9).unwrap_err().kind,
            CommandErrorKind::NotFound
        );
    }

    #[tokio::test]
    async fn handling_a_backlog_needs_the_engine_and_leaves_the_flow_off_without_it() {
        let store = Store::open_in_memory().unwrap();
        let flow = seed();
        save(&store, &flow).unwrap();
        publish(&store, &flow.id).unwrap();
        let options = EnableOptions {
            handle_backlog: vec!["da1".into()],
            run_missed_tick: false,
        };
        let error = set_enabled(&store, None, &flow.id, true, &options)
            .await
            .unwrap_err();
        assert_eq!(error.kind, CommandErrorKind::Unavailable);
        assert!(!load(&store, &flow.id).unwrap().flow.enabled);
        let preview = enable_preview(&store, None, &flow.id).await.unwrap();
        assert_eq!(preview.backlog_error.as_deref(), Some(NO_ENGINE));
        assert_eq!(preview.refusal, None);
    }
}
