//! A small OData `$filter` parser and evaluator: comparisons (`eq ne gt ge lt le`) of a property
//! with a literal, joined by `and` / `or`, with `not` and parentheses.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use crate::seed::parse_time;

/// How a property is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A date-time: every operator, the literal unquoted (`2024-01-01T00:00:00Z`) or quoted.
    Time,
    /// A string or enum: `eq` / `ne` with a quoted literal, compared case-insensitively.
    Str,
    /// A number: every operator.
    Num,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Literal {
    Null,
    Str(String),
    Time(DateTime<Utc>),
    Num(f64),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Cmp {
        field: &'static str,
        kind: Kind,
        op: Op,
        literal: Literal,
    },
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Open,
    Close,
    Quoted(String),
    Word(String),
}

fn tokenize(input: &str) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    let mut chars = input.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' => {
                chars.next();
                tokens.push(Token::Open);
            }
            ')' => {
                chars.next();
                tokens.push(Token::Close);
            }
            '\'' => {
                chars.next();
                let mut text = String::new();
                loop {
                    match chars.next() {
                        Some('\'') if chars.peek() == Some(&'\'') => {
                            chars.next();
                            text.push('\'');
                        }
                        Some('\'') => break,
                        Some(other) => text.push(other),
                        None => return Err("unterminated string literal".into()),
                    }
                }
                tokens.push(Token::Quoted(text));
            }
            _ => {
                let mut word = String::new();
                while let Some(&c) = chars.peek() {
                    if c.is_whitespace() || c == '(' || c == ')' || c == '\'' {
                        break;
                    }
                    word.push(c);
                    chars.next();
                }
                tokens.push(Token::Word(word));
            }
        }
    }
    Ok(tokens)
}

struct Parser<'a> {
    tokens: Vec<Token>,
    position: usize,
    fields: &'a [(&'static str, Kind)],
}

impl Parser<'_> {
    fn peek_word(&self, word: &str) -> bool {
        matches!(self.tokens.get(self.position), Some(Token::Word(w)) if w.eq_ignore_ascii_case(word))
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.position).cloned();
        self.position += 1;
        token
    }

    fn or(&mut self) -> Result<Expr, String> {
        let mut left = self.and()?;
        while self.peek_word("or") {
            self.position += 1;
            let right = self.and()?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, String> {
        let mut left = self.unary()?;
        while self.peek_word("and") {
            self.position += 1;
            let right = self.unary()?;
            left = Expr::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, String> {
        if self.peek_word("not") {
            self.position += 1;
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        match self.next() {
            Some(Token::Open) => {
                let inner = self.or()?;
                match self.next() {
                    Some(Token::Close) => Ok(inner),
                    _ => Err("expected ')'".into()),
                }
            }
            Some(Token::Word(name)) => self.comparison(&name),
            Some(other) => Err(format!(
                "unexpected token {other:?}, expected a property name"
            )),
            None => Err("unexpected end of the filter, expected a property name".into()),
        }
    }

    fn comparison(&mut self, name: &str) -> Result<Expr, String> {
        let Some(&(field, kind)) = self
            .fields
            .iter()
            .find(|(f, _)| f.eq_ignore_ascii_case(name))
        else {
            return Err(format!(
                "Could not find a property named '{name}' that can be filtered on"
            ));
        };
        let op = match self.next() {
            Some(Token::Word(w)) => match w.to_ascii_lowercase().as_str() {
                "eq" => Op::Eq,
                "ne" => Op::Ne,
                "gt" => Op::Gt,
                "ge" => Op::Ge,
                "lt" => Op::Lt,
                "le" => Op::Le,
                other => return Err(format!("Unsupported operator '{other}' after '{field}'")),
            },
            _ => return Err(format!("expected an operator after '{field}'")),
        };
        let token = self
            .next()
            .ok_or_else(|| format!("expected a value after '{field}'"))?;
        if matches!(&token, Token::Word(w) if w.eq_ignore_ascii_case("null")) {
            if !matches!(op, Op::Eq | Op::Ne) {
                return Err("null can only be compared with eq or ne".into());
            }
            return Ok(Expr::Cmp {
                field,
                kind,
                op,
                literal: Literal::Null,
            });
        }
        let literal =
            match (kind, token) {
                (Kind::Time, Token::Word(text) | Token::Quoted(text)) => {
                    let text = text
                        .strip_prefix("datetime")
                        .map_or(text.as_str(), |rest| rest.trim_matches('\''));
                    Literal::Time(parse_time(text).ok_or_else(|| {
                        format!("The value '{text}' is not a valid DateTimeOffset")
                    })?)
                }
                (Kind::Str, Token::Quoted(text)) => {
                    if !matches!(op, Op::Eq | Op::Ne) {
                        return Err(format!(
                            "The operator is not supported for property '{field}'; use eq or ne"
                        ));
                    }
                    Literal::Str(text)
                }
                (Kind::Str, Token::Word(text)) => {
                    return Err(format!(
                        "The value {text} for '{field}' must be a quoted string, e.g. '{text}'"
                    ));
                }
                (Kind::Num, Token::Word(text) | Token::Quoted(text)) => Literal::Num(
                    text.parse()
                        .map_err(|_| format!("The value '{text}' is not a valid number"))?,
                ),
                (_, other) => return Err(format!("unexpected token {other:?}")),
            };
        Ok(Expr::Cmp {
            field,
            kind,
            op,
            literal,
        })
    }
}

/// Parses a `$filter` against the filterable `fields` of an entity.
pub(crate) fn parse(input: &str, fields: &[(&'static str, Kind)]) -> Result<Expr, String> {
    let tokens = tokenize(input)?;
    if tokens.is_empty() {
        return Err("The $filter is empty".into());
    }
    let mut parser = Parser {
        tokens,
        position: 0,
        fields,
    };
    let expr = parser.or()?;
    if parser.position < parser.tokens.len() {
        return Err(format!(
            "unexpected {:?} after a complete expression",
            parser.tokens[parser.position]
        ));
    }
    Ok(expr)
}

fn ordering_matches(op: Op, ordering: std::cmp::Ordering) -> bool {
    use std::cmp::Ordering::{Equal, Greater, Less};
    match op {
        Op::Eq => ordering == Equal,
        Op::Ne => ordering != Equal,
        Op::Gt => ordering == Greater,
        Op::Ge => ordering != Less,
        Op::Lt => ordering == Less,
        Op::Le => ordering != Greater,
    }
}

/// Orders two property values of the given kind; null and missing values first.
pub(crate) fn compare_values(
    kind: Kind,
    a: Option<&Value>,
    b: Option<&Value>,
) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let a = a.filter(|v| !v.is_null());
    let b = b.filter(|v| !v.is_null());
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(a), Some(b)) => match kind {
            Kind::Time => {
                let a = a.as_str().and_then(parse_time);
                let b = b.as_str().and_then(parse_time);
                a.cmp(&b)
            }
            Kind::Num => a
                .as_f64()
                .partial_cmp(&b.as_f64())
                .unwrap_or(Ordering::Equal),
            Kind::Str => {
                let text = |v: &Value| match v {
                    Value::String(s) => s.to_ascii_lowercase(),
                    other => other.to_string(),
                };
                text(a).cmp(&text(b))
            }
        },
    }
}

/// Whether `object` satisfies the filter.
pub(crate) fn eval(expr: &Expr, object: &Map<String, Value>) -> bool {
    match expr {
        Expr::And(a, b) => eval(a, object) && eval(b, object),
        Expr::Or(a, b) => eval(a, object) || eval(b, object),
        Expr::Not(a) => !eval(a, object),
        Expr::Cmp {
            field,
            kind,
            op,
            literal,
        } => {
            let value = object.get(*field).unwrap_or(&Value::Null);
            if *literal == Literal::Null {
                return value.is_null() == (*op == Op::Eq);
            }
            if value.is_null() {
                return *op == Op::Ne;
            }
            match (kind, literal) {
                (Kind::Time, Literal::Time(wanted)) => value
                    .as_str()
                    .and_then(parse_time)
                    .is_some_and(|actual| ordering_matches(*op, actual.cmp(wanted))),
                (Kind::Str, Literal::Str(wanted)) => {
                    let actual = match value {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    ordering_matches(
                        *op,
                        actual
                            .to_ascii_lowercase()
                            .cmp(&wanted.to_ascii_lowercase()),
                    )
                }
                (Kind::Num, Literal::Num(wanted)) => value
                    .as_f64()
                    .or_else(|| value.as_str().and_then(|s| s.parse().ok()))
                    .and_then(|actual| actual.partial_cmp(wanted))
                    .is_some_and(|ordering| ordering_matches(*op, ordering)),
                _ => false,
            }
        }
    }
}

pub(crate) const ALERT_FIELDS: [(&str, Kind); 17] = [
    ("alertCreationTime", Kind::Time),
    ("lastUpdateTime", Kind::Time),
    ("firstEventTime", Kind::Time),
    ("lastEventTime", Kind::Time),
    ("resolvedTime", Kind::Time),
    ("severity", Kind::Str),
    ("status", Kind::Str),
    ("machineId", Kind::Str),
    ("computerDnsName", Kind::Str),
    ("id", Kind::Str),
    ("assignedTo", Kind::Str),
    ("detectionSource", Kind::Str),
    ("category", Kind::Str),
    ("classification", Kind::Str),
    ("determination", Kind::Str),
    ("incidentId", Kind::Num),
    ("investigationId", Kind::Num),
];

pub(crate) const MACHINE_FIELDS: [(&str, Kind); 14] = [
    ("computerDnsName", Kind::Str),
    ("id", Kind::Str),
    ("osPlatform", Kind::Str),
    ("healthStatus", Kind::Str),
    ("riskScore", Kind::Str),
    ("exposureLevel", Kind::Str),
    ("onboardingStatus", Kind::Str),
    ("lastIpAddress", Kind::Str),
    ("deviceValue", Kind::Str),
    ("aadDeviceId", Kind::Str),
    ("version", Kind::Str),
    ("isolationState", Kind::Str),
    ("rbacGroupId", Kind::Num),
    ("lastSeen", Kind::Time),
];

pub(crate) const ACTION_FIELDS: [(&str, Kind); 7] = [
    ("id", Kind::Str),
    ("status", Kind::Str),
    ("machineId", Kind::Str),
    ("type", Kind::Str),
    ("requestor", Kind::Str),
    ("computerDnsName", Kind::Str),
    ("creationDateTimeUtc", Kind::Time),
];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(value: &Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn parses_and_evaluates() {
        let alert = obj(
            &json!({"severity": "High", "status": "New", "alertCreationTime": "2024-01-02T00:00:00.1234567Z", "incidentId": 5}),
        );
        let cases = [
            ("severity eq 'High'", true),
            ("severity eq 'high' and status eq 'New'", true),
            ("severity eq 'Low' or status eq 'New'", true),
            ("alertCreationTime ge 2024-01-01T00:00:00Z", true),
            ("alertCreationTime gt 2024-01-02T00:00:00.1234567Z", false),
            ("alertCreationTime le 2024-01-02T00:00:00.1234567Z", true),
            (
                "(severity eq 'Low' or severity eq 'High') and alertCreationTime lt 2024-01-03",
                true,
            ),
            ("not (severity eq 'High')", false),
            ("incidentId gt 4", true),
            ("assignedTo eq null", true),
        ];
        for (filter, expected) in cases {
            let expr = parse(filter, &ALERT_FIELDS).unwrap_or_else(|e| panic!("{filter}: {e}"));
            assert_eq!(eval(&expr, &alert), expected, "{filter}");
        }
    }

    #[test]
    fn rejects_bad_filters() {
        for filter in [
            "",
            "severity",
            "severity eq",
            "severity eq High",
            "nosuch eq 'x'",
            "severity gt 'High'",
            "alertCreationTime ge yesterday",
            "severity eq 'High' and",
            "(severity eq 'High'",
            "severity like 'High'",
        ] {
            assert!(
                parse(filter, &ALERT_FIELDS).is_err(),
                "{filter} should be rejected"
            );
        }
    }
}
