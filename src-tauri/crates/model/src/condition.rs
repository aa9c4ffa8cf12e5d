//! The condition builder: the side panel's "left, operator, right" form, compiled to the
//! minijinja expression that a condition step stores and the engine evaluates.
//!
//! The flow document keeps only the expression (one source of truth); the builder is a way to
//! write one. Operands are written as given when they look like references (`trigger.*`,
//! `steps.*`) or literals (numbers, `true`, `false`, `none`), and quoted as strings otherwise.
//! What this module leaves out: turning an arbitrary expression back into a builder form.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A comparison operator of the builder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ConditionOperator {
    Equals,
    NotEquals,
    /// The right text occurs in the left text (or the right item in the left list).
    Contains,
    NotContains,
    StartsWith,
    GreaterThan,
    GreaterOrEqual,
    LessThan,
    LessOrEqual,
    /// The left value is present and not empty (the right operand is ignored).
    IsNotEmpty,
}

/// One "left operator right" comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConditionRule {
    pub left: String,
    pub operator: ConditionOperator,
    pub right: String,
}

/// Writes an operand: references and literals as they are, anything else as a quoted string.
fn operand(text: &str) -> String {
    let trimmed = text.trim();
    let is_reference = (trimmed.starts_with("trigger.") || trimmed.starts_with("steps."))
        && trimmed
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
    let is_literal = trimmed.parse::<f64>().is_ok_and(f64::is_finite)
        || matches!(trimmed, "true" | "false" | "none");
    if is_reference || is_literal {
        return trimmed.to_string();
    }
    // A JSON string is also a valid minijinja string literal.
    serde_json::Value::String(text.to_string()).to_string()
}

impl ConditionRule {
    /// The expression this rule stands for.
    pub fn to_expression(&self) -> String {
        let left = operand(&self.left);
        let right = operand(&self.right);
        match self.operator {
            ConditionOperator::Equals => format!("{left} == {right}"),
            ConditionOperator::NotEquals => format!("{left} != {right}"),
            ConditionOperator::Contains => format!("{right} in {left}"),
            ConditionOperator::NotContains => format!("{right} not in {left}"),
            ConditionOperator::StartsWith => format!("{left} is startingwith({right})"),
            ConditionOperator::GreaterThan => format!("{left} > {right}"),
            ConditionOperator::GreaterOrEqual => format!("{left} >= {right}"),
            ConditionOperator::LessThan => format!("{left} < {right}"),
            ConditionOperator::LessOrEqual => format!("{left} <= {right}"),
            ConditionOperator::IsNotEmpty => format!("({left} is defined) and {left}"),
        }
    }
}

/// Several rules joined with `and` (every rule) or `or` (any rule).
pub fn combine(rules: &[ConditionRule], all: bool) -> String {
    let joiner = if all { " and " } else { " or " };
    rules
        .iter()
        .map(|rule| format!("({})", rule.to_expression()))
        .collect::<Vec<_>>()
        .join(joiner)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::expr::eval_condition;

    fn rule(left: &str, operator: ConditionOperator, right: &str) -> ConditionRule {
        ConditionRule {
            left: left.to_string(),
            operator,
            right: right.to_string(),
        }
    }

    #[test]
    fn compiles_to_the_expected_expressions() {
        let high = rule(
            "steps.get_alert.severity",
            ConditionOperator::Equals,
            "High",
        );
        assert_eq!(high.to_expression(), "steps.get_alert.severity == \"High\"");
        let quoted = rule("trigger.title", ConditionOperator::Contains, "say \"hi\"");
        assert_eq!(
            quoted.to_expression(),
            "\"say \\\"hi\\\"\" in trigger.title"
        );
        let both = combine(
            &[
                high,
                rule("trigger.score", ConditionOperator::GreaterThan, "3"),
            ],
            true,
        );
        assert_eq!(
            both,
            "(steps.get_alert.severity == \"High\") and (trigger.score > 3)"
        );
    }

    #[test]
    fn every_operator_evaluates() {
        let context = json!({
            "trigger": { "title": "Mimikatz on host", "score": 5 },
            "steps": {}
        });
        let cases = [
            (
                rule(
                    "trigger.title",
                    ConditionOperator::Equals,
                    "Mimikatz on host",
                ),
                true,
            ),
            (
                rule("trigger.title", ConditionOperator::NotEquals, "x"),
                true,
            ),
            (
                rule("trigger.title", ConditionOperator::Contains, "Mimikatz"),
                true,
            ),
            (
                rule("trigger.title", ConditionOperator::NotContains, "Mimikatz"),
                false,
            ),
            (
                rule("trigger.title", ConditionOperator::StartsWith, "Mimi"),
                true,
            ),
            (
                rule("trigger.score", ConditionOperator::GreaterThan, "5"),
                false,
            ),
            (
                rule("trigger.score", ConditionOperator::GreaterOrEqual, "5"),
                true,
            ),
            (
                rule("trigger.score", ConditionOperator::LessThan, "10"),
                true,
            ),
            (
                rule("trigger.score", ConditionOperator::LessOrEqual, "4"),
                false,
            ),
            (
                rule("trigger.title", ConditionOperator::IsNotEmpty, ""),
                true,
            ),
        ];
        for (rule, expected) in cases {
            let expression = rule.to_expression();
            assert_eq!(
                eval_condition(&expression, &context).unwrap(),
                expected,
                "{expression}"
            );
        }
    }
}
