//! Validation: every problem of a parsed [`Flow`] at once, each naming the node and the field so
//! the canvas can mark them all together.
//!
//! Input checks are driven by the node-kind registry ([`crate::kinds`]): required fields, types,
//! enum values, minimums, cron expressions, time zones, email addresses, and the syntax and
//! references of templates and expressions. Graph checks cover the trigger, dangling edges,
//! ports, cycles and unreachable steps (a condition's unconnected branch simply ends that path). Errors block enabling a flow;
//! warnings do not. What this module leaves out: anything that needs the tenant or the network
//! (whether a machine exists, whether a mail connection is configured).

use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::expr;
use crate::flow::{CURRENT_SCHEMA, Flow, Port, TRIGGER_ID};
use crate::graph;
use crate::kinds::{FieldSchema, FieldType, NodeKindSpec, ValueType, node_kind};

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The flow cannot be enabled (it may still be saved as a draft).
    Error,
    /// Worth a look; does not block enabling.
    Warning,
}

/// What kind of problem a diagnostic reports: a stable code for tests, the CLI's `--json` and the
/// UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DiagnosticCode {
    /// `schema` is missing (0).
    MissingSchema,
    /// `schema` is newer than [`CURRENT_SCHEMA`].
    UnsupportedSchema,
    /// A field the format requires (flow id, name, step id, kind) is empty.
    MissingField,
    /// An id with characters templates cannot reference.
    InvalidId,
    /// Two nodes with one id (or a step called `trigger`).
    DuplicateId,
    /// A field this build does not know.
    UnknownField,
    /// A kind id the registry does not have.
    UnknownKind,
    /// The flow has no trigger.
    NoTrigger,
    /// A trigger kind used as a step: a flow has exactly one trigger.
    TwoTriggers,
    /// A step kind used as the trigger.
    NotATrigger,
    /// An edge from or to a node that does not exist.
    DanglingEdge,
    /// An edge into the trigger.
    EdgeIntoTrigger,
    /// The same edge twice.
    DuplicateEdge,
    /// An edge from a condition without `port`.
    MissingPort,
    /// A `port` on an edge from a node without ports.
    UnexpectedPort,
    /// A set of steps that lead back to themselves.
    Cycle,
    /// A step no path from the trigger reaches.
    Unreachable,
    /// A required input is missing or empty.
    MissingRequired,
    /// An input of the wrong JSON type.
    WrongType,
    /// An enum input with a value not in the list.
    WrongEnumValue,
    /// A number below the field's minimum.
    BelowMinimum,
    /// A template that does not compile.
    TemplateSyntax,
    /// An expression that does not compile.
    ExpressionSyntax,
    /// A reference to a variable or step that does not exist.
    UnknownReference,
    /// A reference to a step that does not come before this node.
    ReferenceNotUpstream,
    /// A reference to an output the node does not have.
    UnknownOutput,
    /// A cron expression that does not parse.
    InvalidCron,
    /// A time zone that is not an IANA name.
    InvalidTimeZone,
    /// An email address that is not one.
    InvalidEmail,
    /// A layout position for a node that does not exist.
    LayoutUnknownNode,
    /// More than [`MAX_STEPS`] steps or [`MAX_EDGES`] edges.
    TooManySteps,
}

/// The most steps a flow may have. Flows are drawn by hand; the limit keeps the checks that
/// grow with the square of the flow (which steps come before each reference) fast.
pub const MAX_STEPS: usize = 500;

/// The most edges a flow may have.
pub const MAX_EDGES: usize = 2_000;

/// One problem in a flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Diagnostic {
    /// The node ([`TRIGGER_ID`] or a step id), or none for the document itself.
    pub node_id: Option<String>,
    /// The field: an input name (`alertId`), a node field (`kind`), or an edge (`edges[2].to`).
    pub field: Option<String>,
    pub code: DiagnosticCode,
    /// A plain sentence for a person.
    pub message: String,
    pub severity: Severity,
    /// The problem in plain words, naming the node by its title (`“Email the SOC”: Subject is
    /// required`): what the Run now, Enable and Publish refusals and the problems list show.
    #[serde(default)]
    pub sentence: String,
}

impl Diagnostic {
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(formatter, "{severity}[{}]", serde_code(self.code))?;
        match (&self.node_id, &self.field) {
            (Some(node), Some(field)) => write!(formatter, " {node}.{field}")?,
            (Some(node), None) => write!(formatter, " {node}")?,
            (None, Some(field)) => write!(formatter, " {field}")?,
            (None, None) => {}
        }
        write!(formatter, ": {}", self.message)
    }
}

/// The snake_case name of a code, as serialized.
pub fn serde_code(code: DiagnosticCode) -> String {
    serde_json::to_value(code)
        .ok()
        .and_then(|value| value.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// Whether any diagnostic is an error (which blocks enabling the flow).
pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(Diagnostic::is_error)
}

/// Every problem in the flow, in document order: the document, the trigger, the steps, the
/// edges, the graph, then the layout.
pub fn validate(flow: &Flow) -> Vec<Diagnostic> {
    let mut checker = Checker {
        flow,
        adjacency: graph::Adjacency::new(flow),
        upstream: BTreeMap::new(),
        diagnostics: Vec::new(),
    };
    checker.size();
    checker.document();
    checker.trigger();
    checker.steps();
    checker.edges();
    checker.graph();
    checker.layout();
    let mut diagnostics = checker.diagnostics;
    for diagnostic in &mut diagnostics {
        diagnostic.sentence = sentence(flow, diagnostic);
    }
    diagnostics
}

/// The title a person knows a node by: its own title, else its kind's title, else its id.
pub fn node_title(flow: &Flow, node_id: &str) -> String {
    let (title, kind) = if node_id == TRIGGER_ID {
        flow.trigger
            .as_ref()
            .map_or((String::new(), String::new()), |t| {
                (t.title.clone(), t.kind.clone())
            })
    } else {
        flow.steps
            .iter()
            .find(|s| s.id == node_id)
            .map_or((String::new(), String::new()), |s| {
                (s.title.clone(), s.kind.clone())
            })
    };
    if !title.trim().is_empty() {
        return title.trim().to_owned();
    }
    match node_kind(&kind) {
        Some(spec) => spec.title.clone(),
        None if node_id == TRIGGER_ID => "The trigger".to_owned(),
        None => node_id.to_owned(),
    }
}

/// A diagnostic in plain words: the node named by its title, an input by its label.
fn sentence(flow: &Flow, diagnostic: &Diagnostic) -> String {
    let mut message = diagnostic.message.clone();
    let node = diagnostic.node_id.as_deref();
    // Name the input by the label the side panel shows for it.
    if let (Some(node), Some(field)) = (node, diagnostic.field.as_deref()) {
        let kind = if node == TRIGGER_ID {
            flow.trigger.as_ref().map(|t| t.kind.clone())
        } else {
            flow.steps
                .iter()
                .find(|s| s.id == node)
                .map(|s| s.kind.clone())
        };
        if let Some(label) = kind
            .and_then(|kind| node_kind(&kind))
            .and_then(|spec| spec.inputs.iter().find(|f| f.name == field))
            .map(|f| f.label.clone())
        {
            message = message.replace(&format!("`{field}`"), &label);
        }
    }
    if let Some(node) = node.filter(|node| *node != TRIGGER_ID) {
        message = message.replace(&format!("step `{node}`"), "this step");
    }
    let mut chars = message.chars();
    let message = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    };
    match node {
        Some(node) => format!("“{}”: {message}", node_title(flow, node)),
        None => message,
    }
}

struct Checker<'flow> {
    flow: &'flow Flow,
    adjacency: graph::Adjacency<'flow>,
    /// Each node's upstream set, computed once per node that has references.
    upstream: BTreeMap<String, BTreeSet<String>>,
    diagnostics: Vec<Diagnostic>,
}

/// Whether a step id can be written as `steps.<id>` in a template: an ASCII identifier.
fn is_identifier(id: &str) -> bool {
    let mut chars = id.chars();
    chars
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn json_type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// A pragmatic email address check: `local@domain` with a dotted domain of letters, digits and
/// hyphens, and no spaces. Display names (`Name <a@b.c>`) are not accepted.
pub fn is_valid_email(address: &str) -> bool {
    let Some((local, domain)) = address.rsplit_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = domain.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    local_ok && domain_ok
}

/// The entries of an email list input: one string split on `,` and `;`, or a list of strings.
/// `None` when the value has the wrong shape.
pub fn email_entries(value: &Value) -> Option<Vec<String>> {
    match value {
        Value::String(text) => Some(
            text.split([',', ';'])
                .map(str::trim)
                .filter(|entry| !entry.is_empty())
                .map(str::to_string)
                .collect(),
        ),
        Value::Array(items) => items
            .iter()
            .map(|item| item.as_str().map(|entry| entry.trim().to_string()))
            .collect(),
        _ => None,
    }
}

impl Checker<'_> {
    fn push(
        &mut self,
        node_id: Option<&str>,
        field: Option<&str>,
        code: DiagnosticCode,
        message: String,
    ) {
        self.push_with(node_id, field, code, message, Severity::Error);
    }

    fn push_with(
        &mut self,
        node_id: Option<&str>,
        field: Option<&str>,
        code: DiagnosticCode,
        message: String,
        severity: Severity,
    ) {
        self.diagnostics.push(Diagnostic {
            node_id: node_id.map(str::to_string),
            field: field.map(str::to_string),
            code,
            message,
            severity,
            sentence: String::new(),
        });
    }

    fn unknown_fields(
        &mut self,
        node_id: Option<&str>,
        prefix: &str,
        unknown: &BTreeMap<String, Value>,
        what: &str,
    ) {
        for name in unknown.keys() {
            let field = format!("{prefix}{name}");
            self.push(
                node_id,
                Some(&field),
                DiagnosticCode::UnknownField,
                format!("{what} has a field `{name}` this version of Flowguard does not know"),
            );
        }
    }

    fn oversized(&self) -> bool {
        self.flow.steps.len() > MAX_STEPS || self.flow.edges.len() > MAX_EDGES
    }

    fn size(&mut self) {
        let (steps, edges) = (self.flow.steps.len(), self.flow.edges.len());
        if steps > MAX_STEPS {
            self.push(
                None,
                Some("steps"),
                DiagnosticCode::TooManySteps,
                format!("the flow has {steps} steps; the limit is {MAX_STEPS} (references are not checked)"),
            );
        }
        if edges > MAX_EDGES {
            self.push(
                None,
                Some("edges"),
                DiagnosticCode::TooManySteps,
                format!("the flow has {edges} edges; the limit is {MAX_EDGES} (references are not checked)"),
            );
        }
    }

    fn document(&mut self) {
        let flow = self.flow;
        if flow.schema == 0 {
            self.push(
                None,
                Some("schema"),
                DiagnosticCode::MissingSchema,
                format!("the document has no format version; add \"schema\": {CURRENT_SCHEMA}"),
            );
        } else if flow.schema > CURRENT_SCHEMA {
            self.push(
                None,
                Some("schema"),
                DiagnosticCode::UnsupportedSchema,
                format!(
                    "the document uses format version {}, but this version of Flowguard understands up to {CURRENT_SCHEMA}; update Flowguard to open it",
                    flow.schema
                ),
            );
        }
        if flow.id.trim().is_empty() {
            self.push(
                None,
                Some("id"),
                DiagnosticCode::MissingField,
                "the flow has no id".to_string(),
            );
        } else if !flow
            .id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            self.push(
                None,
                Some("id"),
                DiagnosticCode::InvalidId,
                format!(
                    "the flow id `{}` may only use letters, digits, `-` and `_`",
                    flow.id
                ),
            );
        }
        if flow.name.trim().is_empty() {
            self.push(
                None,
                Some("name"),
                DiagnosticCode::MissingField,
                "the flow has no name".to_string(),
            );
        }
        self.unknown_fields(None, "", &flow.unknown, "the flow");
    }

    fn trigger(&mut self) {
        let Some(trigger) = &self.flow.trigger else {
            self.push(
                None,
                Some("trigger"),
                DiagnosticCode::NoTrigger,
                "the flow has no trigger; add one (new alert, schedule or manual)".to_string(),
            );
            return;
        };
        let node = Some(TRIGGER_ID);
        self.unknown_fields(node, "", &trigger.unknown, "the trigger");
        match node_kind(&trigger.kind) {
            None => self.push(
                node,
                Some("kind"),
                DiagnosticCode::UnknownKind,
                format!(
                    "`{}` is not a trigger kind (alert_created, schedule, manual)",
                    trigger.kind
                ),
            ),
            Some(spec) if !spec.is_trigger() => self.push(
                node,
                Some("kind"),
                DiagnosticCode::NotATrigger,
                format!(
                    "`{}` is a step, not a trigger; use alert_created, schedule or manual",
                    trigger.kind
                ),
            ),
            Some(spec) => self.inputs(TRIGGER_ID, spec, &trigger.inputs),
        }
    }

    fn steps(&mut self) {
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        for step in &self.flow.steps {
            let id = step.id.as_str();
            let node = (!id.is_empty()).then_some(id);
            if id.trim().is_empty() {
                self.push(
                    None,
                    Some("id"),
                    DiagnosticCode::MissingField,
                    "a step has no id".to_string(),
                );
            } else if id == TRIGGER_ID {
                self.push(
                    node,
                    Some("id"),
                    DiagnosticCode::DuplicateId,
                    "`trigger` is the trigger's id; give the step another id".to_string(),
                );
            } else if !is_identifier(id) {
                self.push(
                    node,
                    Some("id"),
                    DiagnosticCode::InvalidId,
                    format!("the step id `{id}` must start with a letter or `_` and use only letters, digits and `_`, so templates can write steps.{id}"),
                );
            }
            if !id.is_empty() && !seen.insert(id) {
                self.push(
                    node,
                    Some("id"),
                    DiagnosticCode::DuplicateId,
                    format!("two steps have the id `{id}`; ids must be unique"),
                );
            }
            self.unknown_fields(node, "", &step.unknown, &format!("step `{id}`"));
            if step.kind.is_empty() {
                self.push(
                    node,
                    Some("kind"),
                    DiagnosticCode::MissingField,
                    format!("step `{id}` has no kind"),
                );
                continue;
            }
            match node_kind(&step.kind) {
                None => self.push(
                    node,
                    Some("kind"),
                    DiagnosticCode::UnknownKind,
                    format!(
                        "`{}` is not a step kind this version of Flowguard knows",
                        step.kind
                    ),
                ),
                Some(spec) if spec.is_trigger() => self.push(
                    node,
                    Some("kind"),
                    DiagnosticCode::TwoTriggers,
                    format!(
                        "`{}` is a trigger, and a flow has exactly one trigger (in `trigger`)",
                        step.kind
                    ),
                ),
                Some(spec) => self.inputs(id, spec, &step.inputs),
            }
        }
    }

    fn inputs(&mut self, node_id: &str, spec: &NodeKindSpec, inputs: &BTreeMap<String, Value>) {
        for name in inputs.keys() {
            if spec.input(name).is_none() {
                let known: Vec<&str> = spec
                    .inputs
                    .iter()
                    .map(|field| field.name.as_str())
                    .collect();
                let known = if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                };
                self.push(
                    Some(node_id),
                    Some(name),
                    DiagnosticCode::UnknownField,
                    format!("{} has no input `{name}` (its inputs: {known})", spec.title),
                );
            }
        }
        for field in &spec.inputs {
            self.input(node_id, field, inputs.get(&field.name));
        }
    }

    fn input(&mut self, node_id: &str, field: &FieldSchema, value: Option<&Value>) {
        let node = Some(node_id);
        let name = Some(field.name.as_str());
        let empty = match value {
            None | Some(Value::Null) => true,
            Some(Value::String(text)) => text.trim().is_empty(),
            Some(Value::Array(items)) => items.is_empty(),
            Some(_) => false,
        };
        if empty {
            if field.required {
                self.push(
                    node,
                    name,
                    DiagnosticCode::MissingRequired,
                    format!("{} is required", field.label),
                );
            }
            return;
        }
        let Some(value) = value else { return };
        let expects_text = !matches!(
            field.field_type,
            FieldType::EmailList | FieldType::Number | FieldType::Bool
        );
        if expects_text && !value.is_string() {
            self.push(
                node,
                name,
                DiagnosticCode::WrongType,
                format!(
                    "{} must be text, not {}",
                    field.label,
                    json_type_name(value)
                ),
            );
            return;
        }
        let text = value.as_str().unwrap_or_default();
        match field.field_type {
            FieldType::Text => {}
            FieldType::Template => self.template(node_id, field, text),
            FieldType::Expression => match expr::compile_expression(text) {
                Ok(expression) => self.references(node_id, field, &expression.references()),
                Err(error) => self.push(
                    node,
                    name,
                    DiagnosticCode::ExpressionSyntax,
                    format!(
                        "{} has a syntax error at {}: {}",
                        field.label,
                        error.position(),
                        error.message
                    ),
                ),
            },
            FieldType::Enum => {
                if !field.enum_values.iter().any(|allowed| allowed == text) {
                    self.push(
                        node,
                        name,
                        DiagnosticCode::WrongEnumValue,
                        format!(
                            "{} is `{text}`; it must be one of {}",
                            field.label,
                            field.enum_values.join(", ")
                        ),
                    );
                }
            }
            FieldType::EmailList => self.email_list(node_id, field, value),
            FieldType::Number => match value.as_f64() {
                None => self.push(
                    node,
                    name,
                    DiagnosticCode::WrongType,
                    format!(
                        "{} must be a number, not {}",
                        field.label,
                        json_type_name(value)
                    ),
                ),
                Some(number) => {
                    if let Some(minimum) = field.minimum
                        && number < minimum
                    {
                        self.push(
                            node,
                            name,
                            DiagnosticCode::BelowMinimum,
                            format!("{} is {number}; the minimum is {minimum}", field.label),
                        );
                    }
                }
            },
            FieldType::Bool => {
                if !value.is_boolean() {
                    self.push(
                        node,
                        name,
                        DiagnosticCode::WrongType,
                        format!(
                            "{} must be true or false, not {}",
                            field.label,
                            json_type_name(value)
                        ),
                    );
                }
            }
            FieldType::Cron => {
                if let Err(error) = croner::Cron::from_str(text) {
                    self.push(
                        node,
                        name,
                        DiagnosticCode::InvalidCron,
                        format!("`{text}` is not a valid cron expression: {error}"),
                    );
                }
            }
            FieldType::Timezone => {
                if chrono_tz::Tz::from_str(text).is_err() {
                    self.push(
                        node,
                        name,
                        DiagnosticCode::InvalidTimeZone,
                        format!("`{text}` is not an IANA time zone such as Europe/Paris or UTC"),
                    );
                }
            }
        }
    }

    fn template(&mut self, node_id: &str, field: &FieldSchema, text: &str) {
        match expr::compile_template(text) {
            Ok(template) => self.references(node_id, field, &template.references()),
            Err(error) => self.push(
                Some(node_id),
                Some(&field.name),
                DiagnosticCode::TemplateSyntax,
                format!(
                    "{} has a syntax error at {}: {}",
                    field.label,
                    error.position(),
                    error.message
                ),
            ),
        }
    }

    fn email_list(&mut self, node_id: &str, field: &FieldSchema, value: &Value) {
        let Some(entries) = email_entries(value) else {
            self.push(
                Some(node_id),
                Some(&field.name),
                DiagnosticCode::WrongType,
                format!(
                    "{} must be text or a list of addresses, not {}",
                    field.label,
                    json_type_name(value)
                ),
            );
            return;
        };
        for entry in entries {
            if expr::has_template_syntax(&entry) {
                self.template(node_id, field, &entry);
            } else if !is_valid_email(&entry) {
                self.push(
                    Some(node_id),
                    Some(&field.name),
                    DiagnosticCode::InvalidEmail,
                    format!("`{entry}` in {} is not an email address", field.label),
                );
            }
        }
    }

    /// Checks each reference of a template or expression in `node_id`'s `field`.
    fn references(&mut self, node_id: &str, field: &FieldSchema, references: &BTreeSet<String>) {
        let node = Some(node_id);
        let name = Some(field.name.as_str());
        let check_upstream = !self.oversized();
        if check_upstream && !self.upstream.contains_key(node_id) {
            let upstream = self.adjacency.upstream(node_id);
            self.upstream.insert(node_id.to_string(), upstream);
        }
        let upstream = self.upstream.get(node_id).cloned().unwrap_or_default();
        for reference in references {
            let parts: Vec<&str> = reference.split('.').collect();
            match parts.as_slice() {
                ["trigger", rest @ ..] => {
                    if node_id == TRIGGER_ID {
                        let message = format!("the trigger cannot use its own outputs (`{reference}`)");
                        self.push(node, name, DiagnosticCode::ReferenceNotUpstream, message);
                    } else if let [output, deeper @ ..] = rest {
                        let spec = self
                            .flow
                            .trigger
                            .as_ref()
                            .and_then(|trigger| node_kind(&trigger.kind))
                            .filter(|spec| spec.is_trigger());
                        self.output(node_id, field, spec, reference, output, !deeper.is_empty());
                    }
                }
                ["steps"] => self.push(
                    node,
                    name,
                    DiagnosticCode::UnknownReference,
                    format!("{} uses `steps` directly; write steps.<step id>.<output>", field.label),
                ),
                ["steps", step_id, rest @ ..] => {
                    let Some(step) = self.flow.step(step_id) else {
                        self.push(
                            node,
                            name,
                            DiagnosticCode::UnknownReference,
                            format!("{} refers to `{reference}`, but there is no step `{step_id}`", field.label),
                        );
                        continue;
                    };
                    if check_upstream && (*step_id == node_id || !upstream.contains(*step_id)) {
                        self.push(
                            node,
                            name,
                            DiagnosticCode::ReferenceNotUpstream,
                            format!(
                                "{} refers to `{reference}`, but step `{step_id}` does not run before this node",
                                field.label
                            ),
                        );
                        continue;
                    }
                    if let [output, deeper @ ..] = rest {
                        self.output(node_id, field, node_kind(&step.kind), reference, output, !deeper.is_empty());
                    }
                }
                _ => self.push(
                    node,
                    name,
                    DiagnosticCode::UnknownReference,
                    format!(
                        "{} refers to `{reference}`; dynamic content starts with trigger. or steps.",
                        field.label
                    ),
                ),
            }
        }
    }

    /// Checks that `output` is an output of the kind (unknown kinds are reported elsewhere), and
    /// that only object and array outputs are looked into.
    fn output(
        &mut self,
        node_id: &str,
        field: &FieldSchema,
        spec: Option<&NodeKindSpec>,
        reference: &str,
        output: &str,
        goes_deeper: bool,
    ) {
        let Some(spec) = spec else { return };
        match spec.output(output) {
            None => {
                let known: Vec<&str> = spec
                    .outputs
                    .iter()
                    .map(|output| output.name.as_str())
                    .collect();
                self.push(
                    Some(node_id),
                    Some(&field.name),
                    DiagnosticCode::UnknownOutput,
                    format!(
                        "{} refers to `{reference}`, but {} has no output `{output}` (its outputs: {})",
                        field.label,
                        spec.title,
                        known.join(", ")
                    ),
                );
            }
            Some(found)
                if goes_deeper
                    && !matches!(found.value_type, ValueType::Object | ValueType::Array) =>
            {
                self.push(
                    Some(node_id),
                    Some(&field.name),
                    DiagnosticCode::UnknownOutput,
                    format!("{} refers to `{reference}`, but `{output}` is a plain value with no fields", field.label),
                );
            }
            Some(_) => {}
        }
    }

    fn edges(&mut self) {
        let flow = self.flow;
        let ids: BTreeSet<&str> = graph::node_ids(flow).into_iter().collect();
        let mut seen: BTreeSet<(&str, &str, Option<Port>)> = BTreeSet::new();
        for (index, edge) in flow.edges.iter().enumerate() {
            let from_known = ids.contains(edge.from.as_str());
            let node = from_known.then_some(edge.from.as_str());
            self.unknown_fields(
                node,
                &format!("edges[{index}]."),
                &edge.unknown,
                &format!("edge {index}"),
            );
            if !from_known {
                self.push(
                    None,
                    Some(&format!("edges[{index}].from")),
                    DiagnosticCode::DanglingEdge,
                    format!(
                        "edge {index} starts at `{}`, which is not a node of this flow",
                        edge.from
                    ),
                );
            }
            if !ids.contains(edge.to.as_str()) {
                self.push(
                    node,
                    Some(&format!("edges[{index}].to")),
                    DiagnosticCode::DanglingEdge,
                    format!(
                        "edge {index} leads to `{}`, which is not a node of this flow",
                        edge.to
                    ),
                );
            } else if edge.to == TRIGGER_ID {
                self.push(
                    node,
                    Some(&format!("edges[{index}].to")),
                    DiagnosticCode::EdgeIntoTrigger,
                    format!("edge {index} leads into the trigger; nothing runs before the trigger"),
                );
            }
            if !seen.insert((edge.from.as_str(), edge.to.as_str(), edge.port)) {
                self.push_with(
                    node,
                    Some(&format!("edges[{index}]")),
                    DiagnosticCode::DuplicateEdge,
                    format!(
                        "edge {index} repeats an earlier edge from `{}` to `{}`",
                        edge.from, edge.to
                    ),
                    Severity::Warning,
                );
            }
            if !from_known {
                continue;
            }
            let has_ports = flow
                .node_kind(&edge.from)
                .and_then(node_kind)
                .is_some_and(|spec| !spec.ports.is_empty());
            match (has_ports, edge.port) {
                (true, None) => self.push(
                    node,
                    Some(&format!("edges[{index}].port")),
                    DiagnosticCode::MissingPort,
                    format!("edge {index} leaves condition `{}` without saying which branch: add \"port\": \"true\" or \"false\"", edge.from),
                ),
                (false, Some(port)) => self.push(
                    node,
                    Some(&format!("edges[{index}].port")),
                    DiagnosticCode::UnexpectedPort,
                    format!("edge {index} has port `{}`, but only conditions have ports", port.as_str()),
                ),
                _ => {}
            }
        }
    }

    fn graph(&mut self) {
        let flow = self.flow;
        // A cycle through the trigger needs an edge into it, which is reported on its own.
        for cycle in graph::cycles(flow)
            .into_iter()
            .filter(|cycle| !cycle.iter().any(|id| id == TRIGGER_ID))
        {
            let first = cycle.first().cloned();
            self.push(
                first.as_deref(),
                None,
                DiagnosticCode::Cycle,
                format!(
                    "these steps lead back to themselves: {}; flows must not loop",
                    cycle.join(" → ")
                ),
            );
        }
        if flow.trigger.is_some() {
            let reachable = self.adjacency.downstream(TRIGGER_ID);
            let mut reported: BTreeSet<&str> = BTreeSet::new();
            for step in &flow.steps {
                if !step.id.is_empty() && !reachable.contains(&step.id) && reported.insert(&step.id)
                {
                    self.push(
                        Some(&step.id),
                        None,
                        DiagnosticCode::Unreachable,
                        format!(
                            "step `{}` is not connected to the trigger, so it never runs",
                            step.id
                        ),
                    );
                }
            }
        }
    }

    fn layout(&mut self) {
        let ids: BTreeSet<&str> = graph::node_ids(self.flow).into_iter().collect();
        for key in self.flow.layout.keys() {
            if !ids.contains(key.as_str()) {
                self.push_with(
                    None,
                    Some(&format!("layout.{key}")),
                    DiagnosticCode::LayoutUnknownNode,
                    format!(
                        "the layout has a position for `{key}`, which is not a node of this flow"
                    ),
                    Severity::Warning,
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_addresses() {
        for good in [
            "soc@contoso.com",
            "first.last+tag@mail.example.org",
            "a@b.co",
        ] {
            assert!(is_valid_email(good), "{good}");
        }
        for bad in [
            "",
            "soc",
            "soc@",
            "@contoso.com",
            "soc@contoso",
            "so c@contoso.com",
            "a..b@c.com",
            "a@-b.com",
            "Name <a@b.com>",
        ] {
            assert!(!is_valid_email(bad), "{bad}");
        }
    }

    #[test]
    fn email_entries_split_text_and_lists() {
        assert_eq!(
            email_entries(&serde_json::json!("a@b.co, c@d.co;")).unwrap(),
            ["a@b.co", "c@d.co"]
        );
        assert_eq!(
            email_entries(&serde_json::json!(["a@b.co"])).unwrap(),
            ["a@b.co"]
        );
        assert!(email_entries(&serde_json::json!([1])).is_none());
    }

    #[test]
    fn step_ids_must_be_identifiers() {
        assert!(is_identifier("get_alert"));
        assert!(is_identifier("_x1"));
        assert!(!is_identifier("get-alert"));
        assert!(!is_identifier("1st"));
        assert!(!is_identifier(""));
    }
}
