//! Which new alerts start which flows, and where the next poll starts.
//!
//! One poller per tenant lists the alerts created since its cursor, minus an overlap window: an
//! alert can become visible to the API a little after its `alertCreationTime`, and the overlap
//! catches it on the next poll. Alerts seen twice because of the overlap are harmless: each
//! alert is recorded as processed for a flow in the same transaction that creates its run, so it
//! starts each flow once. The cursor only moves after a successful poll, to the newest creation
//! time seen, and never backwards.

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Value, json};

/// How far before the cursor each poll starts.
pub const OVERLAP: TimeDelta = TimeDelta::minutes(5);

/// How far back a flow's backlog (alerts from while it was off) reaches at most.
pub const BACKLOG_LOOKBACK: TimeDelta = TimeDelta::days(7);

const SEVERITIES: [&str; 4] = ["Informational", "Low", "Medium", "High"];

/// An alert trigger's filters, read from its inputs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlertFilter {
    pub min_severity: Option<String>,
    pub title_contains: Option<String>,
}

impl AlertFilter {
    pub fn from_inputs(inputs: &std::collections::BTreeMap<String, Value>) -> Self {
        let text = |name: &str| {
            inputs
                .get(name)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
        };
        Self {
            min_severity: text("minSeverity"),
            title_contains: text("titleContains"),
        }
    }

    /// Whether the alert passes (an unknown severity passes only a filter without a minimum).
    pub fn matches(&self, alert: &Value) -> bool {
        if let Some(minimum) = &self.min_severity {
            let rank = |s: &str| {
                SEVERITIES
                    .iter()
                    .position(|known| known.eq_ignore_ascii_case(s))
            };
            match (
                rank(alert["severity"].as_str().unwrap_or_default()),
                rank(minimum),
            ) {
                (Some(actual), Some(wanted)) if actual >= wanted => {}
                _ => return false,
            }
        }
        if let Some(needle) = &self.title_contains {
            let title = alert["title"].as_str().unwrap_or_default().to_lowercase();
            if !title.contains(&needle.to_lowercase()) {
                return false;
            }
        }
        true
    }
}

/// The alert trigger's outputs for one alert (`trigger.*` in templates).
pub fn trigger_outputs(alert: &Value) -> Value {
    json!({
        "alertId": alert["id"],
        "machineId": alert["machineId"],
        "severity": alert["severity"],
        "title": alert["title"],
        "alert": alert,
    })
}

/// When Defender created the alert (`alertCreationTime`), if it says.
pub fn created_at(alert: &Value) -> Option<DateTime<Utc>> {
    alert["alertCreationTime"]
        .as_str()
        .and_then(|text| DateTime::parse_from_rfc3339(text).ok())
        .map(|time| time.with_timezone(&Utc))
}

/// Whether a flow switched on at `enabled_at` starts for this alert: only alerts created at or
/// after that moment do. Older ones are the flow's backlog, never started silently. An alert
/// without a creation time passes (the API lists alerts by creation time, so it is new).
pub fn created_since(alert: &Value, enabled_at: Option<DateTime<Utc>>) -> bool {
    match (enabled_at, created_at(alert)) {
        (Some(on), Some(created)) => created >= on,
        _ => true,
    }
}

/// An RFC 3339 time as stored (`None` when absent or unreadable).
pub fn parse_time(text: Option<&str>) -> Option<DateTime<Utc>> {
    text.and_then(|text| DateTime::parse_from_rfc3339(text).ok())
        .map(|time| time.with_timezone(&Utc))
}

/// Where to start listing: the cursor minus the overlap (or `now` minus the overlap for a
/// tenant never polled, so turning a flow on does not replay the tenant's history).
pub fn poll_start(cursor: Option<DateTime<Utc>>, now: DateTime<Utc>) -> DateTime<Utc> {
    cursor.unwrap_or(now) - OVERLAP
}

/// The cursor after a successful poll: the newest creation time seen, never earlier than before.
pub fn advance_cursor(
    cursor: Option<DateTime<Utc>>,
    alerts: &[Value],
    now: DateTime<Utc>,
) -> DateTime<Utc> {
    let newest = alerts
        .iter()
        .filter_map(|alert| alert["alertCreationTime"].as_str())
        .filter_map(|text| DateTime::parse_from_rfc3339(text).ok())
        .map(|time| time.with_timezone(&Utc))
        .max();
    match (cursor, newest) {
        (Some(old), Some(new)) => old.max(new),
        (Some(old), None) => old,
        (None, Some(new)) => new,
        (None, None) => now,
    }
}

/// Formats a time the way Defender's OData filters take it.
pub fn odata_time(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn filters_follow_severity_order_and_ignore_case_in_titles() {
        let inputs = BTreeMap::from([
            ("minSeverity".to_owned(), json!("Medium")),
            ("titleContains".to_owned(), json!("ransom")),
        ]);
        let filter = AlertFilter::from_inputs(&inputs);
        assert!(filter.matches(&json!({ "severity": "High", "title": "Ransomware behaviour" })));
        assert!(!filter.matches(&json!({ "severity": "Low", "title": "Ransomware behaviour" })));
        assert!(!filter.matches(&json!({ "severity": "High", "title": "Phishing" })));
        assert!(AlertFilter::default().matches(&json!({ "severity": "UnknownFutureValue" })));
    }

    #[test]
    fn the_cursor_moves_to_the_newest_alert_and_never_back() {
        let now = at("2026-11-25T10:00:00Z");
        let alerts = vec![
            json!({ "alertCreationTime": "2026-11-25T09:58:00.1234567Z" }),
            json!({ "alertCreationTime": "2026-11-25T09:59:30Z" }),
        ];
        let cursor = advance_cursor(None, &alerts, now);
        assert_eq!(cursor, at("2026-11-25T09:59:30Z"));
        assert_eq!(
            advance_cursor(Some(cursor), &alerts[..1], now),
            cursor,
            "never backwards"
        );
        assert_eq!(poll_start(Some(cursor), now), at("2026-11-25T09:54:30Z"));
        assert_eq!(poll_start(None, now), at("2026-11-25T09:55:00Z"));
        assert_eq!(odata_time(cursor), "2026-11-25T09:59:30.000Z");
    }

    #[test]
    fn only_alerts_created_since_the_flow_was_switched_on_start_it() {
        let on = at("2026-11-25T10:00:00Z");
        let before = json!({ "alertCreationTime": "2026-11-25T09:59:59.9999999Z" });
        let at_once = json!({ "alertCreationTime": "2026-11-25T10:00:00Z" });
        let after = json!({ "alertCreationTime": "2026-11-25T10:00:00.0000001Z" });
        assert!(!created_since(&before, Some(on)));
        assert!(created_since(&at_once, Some(on)));
        assert!(created_since(&after, Some(on)));
        assert!(created_since(&before, None));
        assert_eq!(created_at(&json!({})), None);
    }

    #[test]
    fn outputs_carry_the_whole_alert_for_get_alert_to_reuse() {
        let alert = json!({ "id": "da1", "machineId": "m1", "severity": "High", "title": "t" });
        let outputs = trigger_outputs(&alert);
        assert_eq!(outputs["alertId"], "da1");
        assert_eq!(outputs["alert"], alert);
    }
}
