//! Built-in flow templates, embedded in the binary: a new user starts from one of these.
//!
//! Each template is a canonical flow document under `crates/model/templates/`, listed once in
//! [`TEMPLATES`]. A test checks that every template parses, validates without any diagnostic and
//! is stored in canonical form. What this module leaves out: creating a flow from a template
//! (the store gives the copy a fresh id and saves it disabled).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::flow::Flow;
use crate::parse::parse_flow;

/// A template's entry in the "New flow" list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TemplateInfo {
    /// The stable name used by `flowguard template show NAME`.
    pub name: String,
    pub title: String,
    pub description: String,
}

/// Every built-in template: its name and its document.
pub const TEMPLATES: [(&str, &str); 3] = [
    (
        "isolate-high-severity",
        include_str!("../templates/isolate-high-severity.flow.json"),
    ),
    (
        "daily-digest",
        include_str!("../templates/daily-digest.flow.json"),
    ),
    (
        "manual-isolate",
        include_str!("../templates/manual-isolate.flow.json"),
    ),
];

/// The templates, in display order.
pub fn list() -> Vec<TemplateInfo> {
    TEMPLATES
        .iter()
        .filter_map(|(name, _)| {
            let flow = get(name)?;
            Some(TemplateInfo {
                name: (*name).to_string(),
                title: flow.name,
                description: flow.description,
            })
        })
        .collect()
}

/// The template called `name`, as a flow.
pub fn get(name: &str) -> Option<Flow> {
    let (_, source) = TEMPLATES.iter().find(|(candidate, _)| *candidate == name)?;
    parse_flow(source.as_bytes()).ok()
}

/// The template's document exactly as embedded (canonical JSON).
pub fn source(name: &str) -> Option<&'static str> {
    TEMPLATES
        .iter()
        .find(|(candidate, _)| *candidate == name)
        .map(|(_, source)| *source)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::validate;

    #[test]
    fn every_template_parses_validates_clean_and_is_canonical() {
        for (name, source) in TEMPLATES {
            let flow =
                parse_flow(source.as_bytes()).unwrap_or_else(|error| panic!("{name}: {error}"));
            assert_eq!(validate(&flow), [], "{name}");
            assert_eq!(
                flow.to_canonical_json(),
                source,
                "{name} is not in canonical form"
            );
            assert_eq!(flow.id, name, "a template's id is its name");
            assert!(!flow.enabled, "{name} must start disabled");
        }
        assert_eq!(list().len(), TEMPLATES.len());
    }

    #[test]
    fn the_seed_template_has_the_seed_shape() {
        let flow = get("isolate-high-severity").unwrap();
        assert_eq!(flow.trigger.as_ref().unwrap().kind, "alert_created");
        let kinds: Vec<&str> = flow.steps.iter().map(|step| step.kind.as_str()).collect();
        assert_eq!(
            kinds[..4],
            ["get_alert", "condition", "isolate_machine", "send_email"]
        );
        let email = flow.step("email_soc").unwrap();
        let body = email.inputs["body"].as_str().unwrap();
        assert!(body.contains("https://security.microsoft.com/alerts/{{ trigger.alertId }}"));
        assert!(get("no-such-template").is_none());
    }
}
