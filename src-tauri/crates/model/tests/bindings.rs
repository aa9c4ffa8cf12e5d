//! The TypeScript declarations the UI gets (through `flowguard-ipc`, which collects them with
//! `T::decl`): serde's renames must show, and nothing is written to disk here.

use flowguard_model::{
    AvailableOutput, Diagnostic, Edge, FieldSchema, Flow, NodeKindSpec, OutputSpec, Step,
    TemplateInfo, Trigger,
};
use ts_rs::{Config, TS};

fn decl<T: TS>() -> String {
    T::decl(&Config::new().with_large_int("number"))
}

#[test]
fn declarations_follow_the_serde_names() {
    let flow = decl::<Flow>();
    assert!(flow.contains("schema: number"), "{flow}");
    assert!(flow.contains("trigger: Trigger | null"), "{flow}");
    assert!(
        flow.contains("layout: { [key in string]: Position }"),
        "{flow}"
    );
    assert!(
        !flow.contains("unknown:"),
        "unknown fields stay out of the UI types: {flow}"
    );

    let edge = decl::<Edge>();
    assert!(edge.contains("port?: Port"), "{edge}");
    let field = decl::<FieldSchema>();
    assert!(
        field.contains("type: FieldType") && field.contains("enumValues: Array<string>"),
        "{field}"
    );
    assert!(decl::<OutputSpec>().contains("type: ValueType"));
    let spec = decl::<NodeKindSpec>();
    assert!(spec.contains("changesTenant: boolean"), "{spec}");
    let diagnostic = decl::<Diagnostic>();
    assert!(diagnostic.contains("nodeId: string | null"), "{diagnostic}");
    assert!(decl::<AvailableOutput>().contains("sourceNodeId: string"));
    assert!(decl::<TemplateInfo>().contains("description: string"));
    assert!(
        decl::<Step>().contains("inputs: { [key in string]: JsonValue }"),
        "{}",
        decl::<Step>()
    );
    assert!(decl::<Trigger>().contains("kind: string"));
    let severity = decl::<flowguard_model::Severity>();
    assert!(severity.contains("\"error\" | \"warning\""), "{severity}");
    let field_type = decl::<flowguard_model::FieldType>();
    assert!(field_type.contains("\"email_list\""), "{field_type}");
}

#[test]
fn node_kinds_serialize_for_the_palette() {
    let kinds = serde_json::to_value(flowguard_model::node_kinds()).expect("serializes");
    let isolate = kinds
        .as_array()
        .and_then(|kinds| kinds.iter().find(|kind| kind["kind"] == "isolate_machine"))
        .expect("isolate_machine");
    assert_eq!(isolate["category"], "action");
    assert_eq!(isolate["changesTenant"], true);
    assert_eq!(isolate["inputs"][1]["type"], "enum");
    assert_eq!(
        isolate["inputs"][1]["enumValues"],
        serde_json::json!(["Full", "Selective"])
    );
}

/// The whole registry as the UI receives it: a change to any kind's palette entry, input schema
/// or outputs shows up in review as a snapshot diff.
#[test]
fn node_kinds_snapshot() {
    // Keys sorted explicitly: another crate in the workspace may turn on serde_json's
    // `preserve_order`, and the snapshot must not depend on which crates are built together.
    let value = serde_json::to_value(flowguard_model::node_kinds()).expect("kinds serialize");
    insta::assert_snapshot!("node_kinds", flowguard_model::canonical_json(&value));
}

/// The seed template's email on the true branch may use the trigger, Get alert, the condition
/// and the isolation, and nothing from the false branch.
#[test]
fn available_outputs_of_the_seed_email() {
    let flow = flowguard_model::templates::get("isolate-high-severity").expect("the seed");
    let available = flowguard_model::available_outputs(&flow, "email_soc");
    let sources: std::collections::BTreeSet<&str> = available
        .iter()
        .map(|output| output.source_node_id.as_str())
        .collect();
    assert_eq!(
        sources.into_iter().collect::<Vec<_>>(),
        ["get_alert", "is_high", "isolate", "trigger"]
    );
    let references: Vec<&str> = available
        .iter()
        .map(|output| output.reference.as_str())
        .collect();
    for expected in [
        "trigger.alertId",
        "steps.get_alert.computerDnsName",
        "steps.is_high.result",
        "steps.isolate.actionId",
    ] {
        assert!(
            references.contains(&expected),
            "{expected} missing from {references:?}"
        );
    }
    let first = &available[0];
    assert_eq!(
        (first.source_title.as_str(), first.reference.as_str()),
        ("New alert", "trigger.alertId")
    );
}
