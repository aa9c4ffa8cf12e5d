//! A dead SMTP server gives a clear, retryable error naming the server.

use flowguard_email::{BodyFormat, OutgoingEmail, SmtpMailer, SmtpSettings};

#[tokio::test]
async fn a_dead_server_is_a_retryable_connection_error() {
    // A port that was free a moment ago: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (settings, _) =
        SmtpSettings::from_url(&format!("smtp://127.0.0.1:{port}"), "flowguard@contoso.com")
            .unwrap();
    let mailer = SmtpMailer::new(settings, None).unwrap();
    let email = OutgoingEmail {
        to: vec!["soc@contoso.com".into()],
        cc: vec![],
        subject: "High severity alert".into(),
        body: "body".into(),
        format: BodyFormat::Text,
    };
    let error = mailer.send(&email).await.unwrap_err();
    assert!(error.is_retryable(), "{error:?}");
    assert_eq!(error.code(), "smtp_connection", "{error:?}");
    assert!(
        error.to_string().contains(&format!("127.0.0.1:{port}")),
        "{error}"
    );
}
