//! Send email: sends one message over SMTP or Microsoft Graph. The side panel previews it.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{
    Category, FieldSchema, FieldType, NodeKindSpec, Preview, ValueType, enum_field, field, kind,
    output,
};

pub const KIND: &str = "send_email";
pub const PALETTE_RANK: u16 = 90;

/// The body's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BodyFormat {
    #[default]
    Text,
    /// HTML; values inserted into the body are escaped.
    Html,
}

impl BodyFormat {
    pub const VALUES: [&str; 2] = ["text", "html"];
}

/// The mail connection (configured in Settings) a step sends with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MailConnection {
    #[default]
    Smtp,
    Graph,
}

impl MailConnection {
    pub const VALUES: [&str; 2] = ["smtp", "graph"];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Smtp => "smtp",
            Self::Graph => "graph",
        }
    }
}

/// The step's resolved inputs: every template rendered, the lists split into addresses.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Input {
    pub to: Vec<String>,
    #[serde(default)]
    pub cc: Vec<String>,
    pub subject: String,
    pub body: String,
    pub body_format: BodyFormat,
    pub connection: MailConnection,
}

pub fn spec() -> NodeKindSpec {
    let mut body_format = enum_field(
        "bodyFormat",
        "Body format",
        &BodyFormat::VALUES,
        "text",
        "Plain text or HTML.",
    );
    body_format.required = false;
    kind(
        KIND,
        "Send email",
        "Sends an email over SMTP or Microsoft Graph.",
        Category::Action,
        false,
        vec![
            field(
                "to",
                "To",
                FieldType::EmailList,
                true,
                "Recipients, separated by commas.",
            ),
            field(
                "cc",
                "Cc",
                FieldType::EmailList,
                false,
                "Copy recipients, separated by commas.",
            ),
            field(
                "subject",
                "Subject",
                FieldType::Template,
                true,
                "The subject line.",
            ),
            FieldSchema {
                html_when: Some(("bodyFormat".to_string(), "html".to_string())),
                ..field(
                    "body",
                    "Body",
                    FieldType::Template,
                    true,
                    "The message; HTML bodies escape inserted values.",
                )
            },
            body_format,
            enum_field(
                "connection",
                "Send with",
                &MailConnection::VALUES,
                "smtp",
                "The mail connection configured in Settings.",
            ),
        ],
        vec![
            output(
                "messageId",
                "Message id",
                ValueType::String,
                "The sent message's id.",
                json!("<20261125061300.1@flowguard.local>"),
            ),
            output(
                "recipients",
                "Recipients",
                ValueType::Array,
                "Every address the message went to.",
                json!(["soc@contoso.com"]),
            ),
        ],
        &[],
    )
    .with_preview(Preview::Email)
    .look("mail", "To: {to}")
}
