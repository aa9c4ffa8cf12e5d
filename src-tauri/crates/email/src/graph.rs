//! Microsoft Graph `sendMail` (`POST /v1.0/users/{sender}/sendMail`, answered 202 with no body)
//! with an application token for `https://graph.microsoft.com/.default` from the same Entra app
//! that talks to Defender; the app needs the `Mail.Send` application permission.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use serde_json::{Value, json};

use flowguard_secrets::Secret;

use crate::{BodyFormat, EmailError, OutgoingEmail, SentEmail, check_address};

/// The public Graph endpoint; national clouds use their own.
pub const GRAPH_BASE_URL: &str = "https://graph.microsoft.com";
/// The scope the token must be issued for.
pub const GRAPH_SCOPE: &str = "https://graph.microsoft.com/.default";

pub type TokenFuture<'a> = Pin<Box<dyn Future<Output = Result<Secret, String>> + Send + 'a>>;

/// Something that hands out bearer tokens for Graph (the Defender client's token cache, asked for
/// the Graph scope).
pub trait AccessTokenSource: Send + Sync {
    fn access_token(&self) -> TokenFuture<'_>;
}

/// Sends as one mailbox through Graph.
#[derive(Clone)]
pub struct GraphMailer {
    http: reqwest::Client,
    base_url: String,
    sender: String,
    tokens: Arc<dyn AccessTokenSource>,
}

impl std::fmt::Debug for GraphMailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GraphMailer")
            .field("base_url", &self.base_url)
            .field("sender", &self.sender)
            .finish_non_exhaustive()
    }
}

impl GraphMailer {
    pub fn new(
        http: reqwest::Client,
        base_url: &str,
        sender: &str,
        tokens: Arc<dyn AccessTokenSource>,
    ) -> Result<Self, EmailError> {
        check_address(sender)?;
        Ok(Self {
            http,
            base_url: base_url.trim_end_matches('/').to_owned(),
            sender: sender.trim().to_owned(),
            tokens,
        })
    }

    /// The request body Graph documents for `sendMail`.
    pub fn request_body(email: &OutgoingEmail) -> Result<Value, EmailError> {
        if email.to.is_empty() {
            return Err(EmailError::NoRecipient);
        }
        let recipients = |addresses: &[String]| -> Result<Vec<Value>, EmailError> {
            addresses
                .iter()
                .map(|address| {
                    check_address(address)?;
                    Ok(json!({ "emailAddress": { "address": address.trim() } }))
                })
                .collect()
        };
        let content_type = match email.format {
            BodyFormat::Text => "Text",
            BodyFormat::Html => "HTML",
        };
        let mut message = json!({
            "subject": email.subject,
            "body": { "contentType": content_type, "content": email.body },
            "toRecipients": recipients(&email.to)?,
        });
        if !email.cc.is_empty() {
            message["ccRecipients"] = Value::Array(recipients(&email.cc)?);
        }
        Ok(json!({ "message": message, "saveToSentItems": false }))
    }

    pub async fn send(&self, email: &OutgoingEmail) -> Result<SentEmail, EmailError> {
        let body = Self::request_body(email)?;
        let token = self
            .tokens
            .access_token()
            .await
            .map_err(EmailError::Token)?;
        let url = format!("{}/v1.0/users/{}/sendMail", self.base_url, self.sender);
        let response = self
            .http
            .post(&url)
            .bearer_auth(token.expose())
            .json(&body)
            .send()
            .await
            .map_err(|error| EmailError::GraphTransport(error.to_string()))?;
        let status = response.status().as_u16();
        let request_id = response
            .headers()
            .get("request-id")
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        if status == 202 || status == 200 {
            tracing::info!(sender = %self.sender, "email sent through Microsoft Graph");
            return Ok(SentEmail {
                message_id: request_id,
                recipients: email.to.iter().chain(&email.cc).cloned().collect(),
                transport: "graph".to_owned(),
                server_reply: format!("{status} Accepted"),
            });
        }
        let text = response.text().await.unwrap_or_default();
        let parsed: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        let code = parsed["error"]["code"]
            .as_str()
            .unwrap_or("unknown")
            .to_owned();
        let message = parsed["error"]["message"]
            .as_str()
            .map_or_else(|| text.chars().take(200).collect(), str::to_owned);
        let message = if status == 403 {
            format!("{message} (the Entra app needs the Mail.Send application permission)")
        } else {
            message
        };
        Err(EmailError::Graph {
            status,
            code,
            message,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_has_graphs_documented_shape() {
        let email = OutgoingEmail {
            to: vec!["fannyd@contoso.com".into()],
            cc: vec!["danas@contoso.com".into()],
            subject: "Meet for lunch?".into(),
            body: "The new cafeteria is open.".into(),
            format: BodyFormat::Text,
        };
        let body = GraphMailer::request_body(&email).unwrap();
        assert_eq!(body["message"]["subject"], "Meet for lunch?");
        assert_eq!(body["message"]["body"]["contentType"], "Text");
        assert_eq!(
            body["message"]["toRecipients"][0]["emailAddress"]["address"],
            "fannyd@contoso.com"
        );
        assert_eq!(
            body["message"]["ccRecipients"][0]["emailAddress"]["address"],
            "danas@contoso.com"
        );
        assert_eq!(body["saveToSentItems"], false);
    }

    #[test]
    fn the_body_matches_the_published_example() {
        let published: Value = serde_json::from_str(include_str!(
            "../tests/fixtures/graph-sendmail.request.json"
        ))
        .unwrap();
        let email = OutgoingEmail {
            to: vec![
                published["message"]["toRecipients"][0]["emailAddress"]["address"]
                    .as_str()
                    .unwrap()
                    .into(),
            ],
            cc: vec![
                published["message"]["ccRecipients"][0]["emailAddress"]["address"]
                    .as_str()
                    .unwrap()
                    .into(),
            ],
            subject: published["message"]["subject"].as_str().unwrap().into(),
            body: published["message"]["body"]["content"]
                .as_str()
                .unwrap()
                .into(),
            format: BodyFormat::Text,
        };
        let ours = GraphMailer::request_body(&email).unwrap();
        assert_eq!(ours["message"], published["message"]);
    }
}
