//! Dynamic content: minijinja templates (`"Alert {{ trigger.alertId }}"`) for text inputs and
//! minijinja expressions (`steps.get_alert.severity == "High"`) for conditions.
//!
//! One shared, sandboxed [`minijinja::Environment`]: no loader (so `include`, `import` and
//! `extends` find nothing), the default filters and tests, a fuel limit of [`FUEL`] instructions
//! per render, and **strict undefined behaviour**: using a value that does not exist (a typo, or
//! the output of a step that was skipped) is a run-time error naming it, rather than an empty
//! string silently sent in an email or an isolation comment. `x is defined` and
//! `x | default("…")` still work for values that are optional on purpose.
//!
//! A condition's value follows Jinja truthiness ([`minijinja::Value::is_true`]): `false`,
//! `none`/`null`, `0`, `0.0`, the empty string and empty lists and maps are false; everything else
//! is true. The context is `{ "trigger": <trigger outputs>, "steps": { <id>: <outputs> } }`.
//!
//! This module leaves out which references are allowed where: [`crate::validate()`] checks each
//! reference returned by [`Template::references`] against the upstream steps.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

/// The fuel (roughly, VM instructions) one render or evaluation may use; a loop over a large
/// list or a runaway `range` stops with an error instead of hanging a run.
pub const FUEL: u64 = 50_000;

/// The longest template or expression accepted, in bytes.
pub const MAX_SOURCE_BYTES: usize = 64 * 1024;

/// Names minijinja provides as globals; a reference to them is not a reference to flow data.
const GLOBALS: [&str; 7] = [
    "range",
    "dict",
    "namespace",
    "debug",
    "lipsum",
    "cycler",
    "joiner",
];

/// The sandboxed environment. Templates borrow their source, so each compile gets a fresh
/// environment (a few microseconds); expressions are compiled owned against one shared instance.
fn environment<'source>(escape: AutoEscape) -> Environment<'source> {
    let mut environment = Environment::new();
    environment.set_undefined_behavior(UndefinedBehavior::Strict);
    environment.set_fuel(Some(FUEL));
    environment.set_recursion_limit(100);
    // Templates are compiled from strings, so no name-based auto-escape applies; HTML bodies ask
    // for escaping explicitly through `Template::render_html`.
    environment.set_auto_escape_callback(move |_| escape.clone());
    environment
}

static ENVIRONMENT: LazyLock<Environment<'static>> =
    LazyLock::new(|| environment(AutoEscape::None));

/// A template or expression that failed to compile or to run. Serializable, so the UI can show
/// it under the field (for example from a "test this expression" command).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[error("{message}")]
pub struct ExprError {
    /// What went wrong, in minijinja's words (without the position).
    pub message: String,
    /// 1-based line in the source, when known.
    pub line: Option<usize>,
    /// 1-based column (in characters) in the source, when known.
    pub column: Option<usize>,
    /// 0-based byte offset in the source, when known.
    pub offset: Option<usize>,
}

impl ExprError {
    fn plain(message: impl Into<String>) -> Self {
        ExprError {
            message: message.into(),
            line: None,
            column: None,
            offset: None,
        }
    }

    fn from_minijinja(error: &minijinja::Error, source: &str) -> Self {
        let message = match error.detail() {
            Some(detail) => format!("{}: {detail}", error.kind()),
            None => error.kind().to_string(),
        };
        let offset = error.range().map(|range| range.start.min(source.len()));
        let (line, column) = match offset {
            Some(offset) => {
                let (line, column) = line_and_column(source, offset);
                (Some(line), Some(column))
            }
            None => (error.line(), None),
        };
        ExprError {
            message,
            line,
            column,
            offset,
        }
    }

    /// `"line 1, column 5"`, or an empty string when the position is unknown.
    pub fn position(&self) -> String {
        match (self.line, self.column) {
            (Some(line), Some(column)) => format!("line {line}, column {column}"),
            (Some(line), None) => format!("line {line}"),
            _ => String::new(),
        }
    }
}

/// The 1-based line and column of a byte offset (columns count characters).
fn line_and_column(source: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |index| index + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

fn check_length(source: &str) -> Result<(), ExprError> {
    if source.len() > MAX_SOURCE_BYTES {
        return Err(ExprError::plain(format!(
            "the text is {} bytes; the limit is {MAX_SOURCE_BYTES} bytes",
            source.len()
        )));
    }
    Ok(())
}

/// The references a template or expression makes, minus minijinja's globals: dotted paths such
/// as `trigger.alertId` or `steps.get_alert.severity` (or a bare name such as `steps` when the
/// source indexes it with brackets).
fn references_of(mut names: Vec<String>) -> BTreeSet<String> {
    names.retain(|name| {
        let root = name.split('.').next().unwrap_or_default();
        !GLOBALS.contains(&root)
    });
    names.into_iter().collect()
}

fn to_minijinja(context: &Value) -> minijinja::Value {
    minijinja::Value::from(minijinja::value::Serde(context))
}

/// A template whose syntax is known to be valid.
pub struct Template<'source> {
    source: &'source str,
}

impl std::fmt::Debug for Template<'_> {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Template")
            .field("source", &self.source)
            .finish()
    }
}

/// Compiles a template, or says where its syntax is wrong.
pub fn compile_template(source: &str) -> Result<Template<'_>, ExprError> {
    check_length(source)?;
    environment(AutoEscape::None)
        .template_from_str(source)
        .map_err(|error| ExprError::from_minijinja(&error, source))?;
    Ok(Template { source })
}

impl Template<'_> {
    /// The variables the template reads (see the module documentation).
    pub fn references(&self) -> BTreeSet<String> {
        let environment = environment(AutoEscape::None);
        match environment.template_from_str(self.source) {
            Ok(template) => {
                references_of(template.undeclared_variables(true).into_iter().collect())
            }
            Err(_) => BTreeSet::new(),
        }
    }

    /// Renders as plain text.
    pub fn render(&self, context: &Value) -> Result<String, ExprError> {
        self.render_with(AutoEscape::None, context)
    }

    /// Renders as HTML: every inserted value is HTML-escaped (`|safe` opts out).
    pub fn render_html(&self, context: &Value) -> Result<String, ExprError> {
        self.render_with(AutoEscape::Html, context)
    }

    fn render_with(&self, escape: AutoEscape, context: &Value) -> Result<String, ExprError> {
        let environment = environment(escape);
        environment
            .template_from_str(self.source)
            .and_then(|template| template.render(to_minijinja(context)))
            .map_err(|error| ExprError::from_minijinja(&error, self.source))
    }
}

/// A compiled expression.
pub struct Expression<'source> {
    expression: minijinja::Expression<'static, 'static>,
    source: &'source str,
}

impl std::fmt::Debug for Expression<'_> {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Expression")
            .field("source", &self.source)
            .finish()
    }
}

/// Compiles an expression, or says where its syntax is wrong.
pub fn compile_expression(source: &str) -> Result<Expression<'_>, ExprError> {
    check_length(source)?;
    if source.trim().is_empty() {
        return Err(ExprError::plain("the expression is empty"));
    }
    ENVIRONMENT
        .compile_expression_owned(source.to_string())
        .map(|expression| Expression { expression, source })
        .map_err(|error| ExprError::from_minijinja(&error, source))
}

impl Expression<'_> {
    /// The variables the expression reads (see the module documentation).
    pub fn references(&self) -> BTreeSet<String> {
        references_of(
            self.expression
                .undeclared_variables(true)
                .into_iter()
                .collect(),
        )
    }

    /// Evaluates to a JSON value (undefined becomes `null`).
    pub fn eval(&self, context: &Value) -> Result<Value, ExprError> {
        let value = self
            .expression
            .eval(to_minijinja(context))
            .map_err(|error| ExprError::from_minijinja(&error, self.source))?;
        if value.is_undefined() {
            return Ok(Value::Null);
        }
        serde_json::to_value(&value).map_err(|error| ExprError::plain(error.to_string()))
    }

    /// Evaluates to a boolean by Jinja truthiness (see the module documentation).
    pub fn eval_bool(&self, context: &Value) -> Result<bool, ExprError> {
        self.expression
            .eval(to_minijinja(context))
            .map(|value| value.is_true())
            .map_err(|error| ExprError::from_minijinja(&error, self.source))
    }
}

/// Compiles and renders a template in one call (plain text).
pub fn render_template(source: &str, context: &Value) -> Result<String, ExprError> {
    compile_template(source)?.render(context)
}

/// Compiles and evaluates a condition in one call.
pub fn eval_condition(source: &str, context: &Value) -> Result<bool, ExprError> {
    compile_expression(source)?.eval_bool(context)
}

/// Whether a text contains template syntax at all (`{{`, `{%` or `{#`).
pub fn has_template_syntax(text: &str) -> bool {
    text.contains("{{") || text.contains("{%") || text.contains("{#")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn context() -> Value {
        json!({
            "trigger": { "alertId": "a1", "machineId": "m1" },
            "steps": { "get_alert": { "severity": "High", "title": "<b>bad</b>", "score": 0 } }
        })
    }

    #[test]
    fn lists_nested_references() {
        let template = compile_template(
            "{{ trigger.alertId }} on {{ steps.get_alert.computerDnsName }} {% for x in range(2) %}{{ x }}{% endfor %}",
        )
        .unwrap();
        let references: Vec<String> = template.references().into_iter().collect();
        assert_eq!(
            references,
            ["steps.get_alert.computerDnsName", "trigger.alertId"]
        );
        let expression =
            compile_expression("steps.get_alert.severity == \"High\" and trigger.machineId")
                .unwrap();
        let references: Vec<String> = expression.references().into_iter().collect();
        assert_eq!(
            references,
            ["steps.get_alert.severity", "trigger.machineId"]
        );
    }

    #[test]
    fn renders_and_evaluates() {
        assert_eq!(
            render_template("Alert {{ trigger.alertId }}", &context()).unwrap(),
            "Alert a1"
        );
        assert!(eval_condition("steps.get_alert.severity == \"High\"", &context()).unwrap());
        assert!(!eval_condition("steps.get_alert.score", &context()).unwrap());
        assert!(!eval_condition("\"\"", &context()).unwrap());
        let value = compile_expression("[trigger.alertId, 1 + 2]")
            .unwrap()
            .eval(&context())
            .unwrap();
        assert_eq!(value, json!(["a1", 3]));
    }

    #[test]
    fn html_rendering_escapes_inserted_values() {
        let template = compile_template("<p>{{ steps.get_alert.title }}</p>").unwrap();
        assert_eq!(
            template.render_html(&context()).unwrap(),
            "<p>&lt;b&gt;bad&lt;&#x2f;b&gt;</p>"
        );
        assert_eq!(template.render(&context()).unwrap(), "<p><b>bad</b></p>");
    }

    #[test]
    fn undefined_values_are_errors_but_can_be_tested() {
        let error = render_template("{{ steps.get_alert.nope.deeper }}", &context()).unwrap_err();
        assert!(error.message.contains("undefined"), "{error:?}");
        assert!(eval_condition("steps.missing is defined", &context()).is_ok_and(|value| !value));
        assert_eq!(
            render_template("{{ steps.get_alert.nope | default('n/a') }}", &context()).unwrap(),
            "n/a"
        );
    }

    #[test]
    fn syntax_errors_carry_a_position() {
        let error = compile_template("Hello\n  {{ trigger.alertId ").unwrap_err();
        assert_eq!(error.line, Some(2), "{error:?}");
        assert!(error.column.is_some(), "{error:?}");
        let error = compile_expression("steps.a ==").unwrap_err();
        assert_eq!(error.line, Some(1), "{error:?}");
        assert!(compile_expression("   ").is_err());
    }

    #[test]
    fn runaway_templates_run_out_of_fuel() {
        let error = render_template(
            "{% for x in range(100000) %}{{ x }}{% endfor %}",
            &json!({}),
        )
        .unwrap_err();
        assert!(error.message.contains("fuel"), "{error:?}");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let deep = format!("{}1{}", "(".repeat(5_000), ")".repeat(5_000));
        assert!(compile_expression(&deep).is_err());
        let deep = format!("{}1{}", "[".repeat(5_000), "]".repeat(5_000));
        assert!(compile_expression(&deep).is_err());
        let deep = format!(
            "{}x{}",
            "{% if true %}".repeat(2_000),
            "{% endif %}".repeat(2_000)
        );
        assert!(compile_template(&deep).is_err());
    }

    #[test]
    fn includes_find_nothing() {
        let error = render_template("{% include 'secrets.txt' %}", &json!({})).unwrap_err();
        assert!(error.message.contains("not found"), "{error:?}");
    }
}
