//! The live [`Mailer`]: SMTP through lettre, and Microsoft Graph when a step asks for it and a
//! Graph sender is configured.

use serde_json::{Value, json};

use flowguard_email::{EmailError, GraphMailer, SmtpMailer};

use crate::connectors::{ActionError, BoxFuture, Mailer, OutgoingEmail};

/// The mail connections flows may use.
#[derive(Debug, Clone, Default)]
pub struct MailConnections {
    pub smtp: Option<SmtpMailer>,
    pub graph: Option<GraphMailer>,
}

fn action_error(error: &EmailError) -> ActionError {
    ActionError {
        code: error.code().to_owned(),
        message: error.to_string(),
        retryable: error.is_retryable(),
        retry_after: None,
    }
}

impl Mailer for MailConnections {
    fn send<'a>(
        &'a self,
        connection: &'a str,
        email: &'a OutgoingEmail,
    ) -> BoxFuture<'a, Result<Value, ActionError>> {
        Box::pin(async move {
            let sent = match connection {
                "graph" => {
                    let mailer = self.graph.as_ref().ok_or_else(|| {
                        ActionError::permanent(
                            "mail_not_configured",
                            "this step sends through Microsoft Graph, but no Graph sender is configured (Settings → Email)",
                        )
                    })?;
                    mailer.send(email).await
                }
                _ => {
                    let mailer = self.smtp.as_ref().ok_or_else(|| {
                        ActionError::permanent(
                            "mail_not_configured",
                            "this step sends over SMTP, but no SMTP server is configured (Settings → Email, or FLOWGUARD_SMTP_URL)",
                        )
                    })?;
                    mailer.send(email).await
                }
            };
            let sent = sent.map_err(|error| action_error(&error))?;
            Ok(json!({
                "messageId": sent.message_id,
                "recipients": sent.recipients,
                "transport": sent.transport,
                "serverReply": sent.server_reply,
            }))
        })
    }
}
