//! Turning untrusted bytes (an imported file, a pasted document, a database row) into a
//! [`Flow`], without ever panicking.
//!
//! Parsing only refuses what cannot be represented at all: too many bytes, bytes that are not
//! UTF-8, JSON that is malformed or nested deeper than serde_json's recursion limit (128), and
//! values of the wrong JSON shape for the document's skeleton (for example `"steps": 3`). Every
//! other mistake, including unknown fields and wrong input values, parses fine and is reported by
//! [`crate::validate()`], which names node and field.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::flow::Flow;
use crate::validate::{Diagnostic, validate};

/// The largest flow document accepted, in bytes (1 MiB). Real flows are a few kilobytes.
pub const MAX_FLOW_BYTES: usize = 1024 * 1024;

/// serde_json's nesting limit, reported in [`ParseError::TooDeep`].
pub const MAX_NESTING_DEPTH: usize = 128;

/// Why bytes could not become a [`Flow`]. Serializes as `{ "kind": "syntax", "message": …,
/// "line": …, "column": … }` for the CLI's `--json` and the UI.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ParseError {
    /// The document is larger than [`MAX_FLOW_BYTES`].
    #[error("the flow document is {size} bytes; the limit is {limit} bytes")]
    TooLarge { size: usize, limit: usize },
    /// The bytes are not UTF-8; `offset` is the first bad byte.
    #[error("the flow document is not UTF-8 text (invalid byte at offset {offset})")]
    NotUtf8 { offset: usize },
    /// The JSON nests arrays or objects deeper than [`MAX_NESTING_DEPTH`].
    #[error("the flow document nests deeper than {limit} levels (at line {line}, column {column})")]
    TooDeep {
        limit: usize,
        line: usize,
        column: usize,
    },
    /// Malformed JSON (or an empty document).
    #[error("the flow document is not valid JSON: {message} (line {line}, column {column})")]
    Syntax {
        message: String,
        line: usize,
        column: usize,
    },
    /// Valid JSON whose shape does not fit a flow document (for example `"steps": 3`).
    #[error("the flow document has the wrong shape: {message} (line {line}, column {column})")]
    Shape {
        message: String,
        line: usize,
        column: usize,
    },
}

impl ParseError {
    /// The 1-based line and column of the problem, when there is one.
    pub fn position(&self) -> Option<(usize, usize)> {
        match self {
            ParseError::TooDeep { line, column, .. }
            | ParseError::Syntax { line, column, .. }
            | ParseError::Shape { line, column, .. } => Some((*line, *column)),
            ParseError::TooLarge { .. } | ParseError::NotUtf8 { .. } => None,
        }
    }
}

/// Parses a flow document. Never panics, whatever the bytes.
pub fn parse_flow(bytes: &[u8]) -> Result<Flow, ParseError> {
    if bytes.len() > MAX_FLOW_BYTES {
        return Err(ParseError::TooLarge {
            size: bytes.len(),
            limit: MAX_FLOW_BYTES,
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|error| ParseError::NotUtf8 {
        offset: error.valid_up_to(),
    })?;
    // A byte-order mark is not JSON; editors on Windows like to add one.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    serde_json::from_str::<Flow>(text).map_err(|error| {
        let (line, column) = (error.line(), error.column());
        let message = error.to_string();
        // serde_json appends " at line L column C"; the position has its own fields.
        let message = match message.rfind(" at line ") {
            Some(index) => message[..index].to_string(),
            None => message,
        };
        if message.contains("recursion limit exceeded") {
            return ParseError::TooDeep {
                limit: MAX_NESTING_DEPTH,
                line,
                column,
            };
        }
        match error.classify() {
            serde_json::error::Category::Data => ParseError::Shape {
                message,
                line,
                column,
            },
            serde_json::error::Category::Io
            | serde_json::error::Category::Syntax
            | serde_json::error::Category::Eof => ParseError::Syntax {
                message,
                line,
                column,
            },
        }
    })
}

/// Parses a flow document and validates it: the flow and every diagnostic, or why it could not
/// be parsed at all.
pub fn parse_and_validate(bytes: &[u8]) -> Result<(Flow, Vec<Diagnostic>), ParseError> {
    let flow = parse_flow(bytes)?;
    let diagnostics = validate(&flow);
    Ok((flow, diagnostics))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_line_and_column_of_malformed_json() {
        let error = parse_flow(b"{\n  \"id\": \"x\",\n  \"name\": }").unwrap_err();
        assert!(
            matches!(error, ParseError::Syntax { line: 3, .. }),
            "{error:?}"
        );
        assert_eq!(error.position(), Some((3, 11)));
    }

    #[test]
    fn refuses_documents_over_the_size_limit() {
        let bytes = vec![b' '; MAX_FLOW_BYTES + 1];
        assert_eq!(
            parse_flow(&bytes).unwrap_err(),
            ParseError::TooLarge {
                size: MAX_FLOW_BYTES + 1,
                limit: MAX_FLOW_BYTES
            }
        );
    }

    #[test]
    fn refuses_deep_nesting_clearly() {
        let mut text = String::from("{\"extra\": ");
        text.push_str(&"[".repeat(500));
        let error = parse_flow(text.as_bytes()).unwrap_err();
        assert!(
            matches!(error, ParseError::TooDeep { limit: 128, .. }),
            "{error:?}"
        );
        assert!(error.to_string().contains("deeper than 128 levels"));
    }

    #[test]
    fn refuses_non_utf8_with_the_offset() {
        assert_eq!(
            parse_flow(b"{\"id\": \"a\xff\"}").unwrap_err(),
            ParseError::NotUtf8 { offset: 9 }
        );
    }

    #[test]
    fn reports_wrong_shapes_with_position() {
        let error = parse_flow(b"{\"steps\": 3}").unwrap_err();
        assert!(
            matches!(error, ParseError::Shape { line: 1, .. }),
            "{error:?}"
        );
        assert!(error.to_string().contains("invalid type"), "{error}");
    }

    #[test]
    fn parse_errors_serialize_with_a_kind() {
        let error = parse_flow(b"{").unwrap_err();
        let json = serde_json::to_value(&error).unwrap();
        assert_eq!(json["kind"], "syntax");
        assert_eq!(
            (json["line"].as_u64(), json["column"].as_u64()),
            (Some(1), Some(1))
        );
        let declaration = ParseError::decl(&ts_rs::Config::new().with_large_int("number"));
        assert!(
            declaration.contains("\"kind\": \"too_deep\""),
            "{declaration}"
        );
    }

    #[test]
    fn accepts_a_byte_order_mark_and_unknown_fields() {
        let flow = parse_flow("\u{feff}{\"id\": \"a\", \"colour\": \"red\"}".as_bytes()).unwrap();
        assert_eq!(flow.id, "a");
        assert_eq!(flow.unknown.get("colour"), Some(&serde_json::json!("red")));
    }
}
