//! A small SMTP sink on loopback: EHLO/HELO, AUTH PLAIN/LOGIN (any credentials), MAIL, RCPT, DATA,
//! RSET, NOOP, QUIT. Every message is parsed and recorded.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use crate::seed::{self, fmt_time};
use crate::state::{ReceivedMail, Shared};

/// Largest message accepted (advertised with SIZE).
const MAX_MESSAGE: usize = 25 * 1024 * 1024;
/// Idle time after which a connection is dropped.
const IDLE: Duration = Duration::from_secs(300);

pub(crate) async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
) {
    let session_stop = shutdown.clone();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                match accepted {
                    Ok((stream, _)) => {
                        let shared = Arc::clone(&shared);
                        let mut stop = session_stop.clone();
                        tokio::spawn(async move {
                            tokio::select! {
                                result = session(stream, &shared) => {
                                    if let Err(error) = result {
                                        tracing::debug!(%error, "SMTP session ended");
                                    }
                                }
                                () = stopped(&mut stop) => {}
                            }
                        });
                    }
                    Err(error) => {
                        tracing::warn!(%error, "SMTP accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                }
            }
            () = stopped(&mut shutdown) => return,
        }
    }
}

/// Resolves when a stop is signalled (or the sender is gone).
pub(crate) async fn stopped(rx: &mut watch::Receiver<bool>) {
    loop {
        if *rx.borrow_and_update() {
            return;
        }
        if rx.changed().await.is_err() {
            return;
        }
    }
}

fn b64(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(text)
}

fn unb64(text: &str) -> String {
    base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .unwrap_or_default()
}

/// The address inside `FROM:<a@b> PARAMS` / `TO:<a@b>`.
fn address(argument: &str) -> String {
    let rest = argument.split_once(':').map_or(argument, |(_, r)| r).trim();
    match (rest.find('<'), rest.find('>')) {
        (Some(start), Some(end)) if end > start => rest[start + 1..end].to_owned(),
        _ => rest
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_owned(),
    }
}

async fn session(stream: TcpStream, shared: &Shared) -> std::io::Result<()> {
    let (reader, mut writer) = stream.into_split();
    let mut reader = BufReader::new(reader);
    writer
        .write_all(b"220 flowguard-emulator ESMTP ready\r\n")
        .await?;
    let mut from: Option<String> = None;
    let mut to: Vec<String> = Vec::new();
    let mut auth_user: Option<String> = None;
    let mut line = Vec::new();

    macro_rules! read_line {
        () => {{
            line.clear();
            let n = tokio::time::timeout(IDLE, reader.read_until(b'\n', &mut line))
                .await
                .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "idle"))??;
            if n == 0 {
                return Ok(());
            }
            String::from_utf8_lossy(&line)
                .trim_end_matches(['\r', '\n'])
                .to_owned()
        }};
    }

    loop {
        let command = read_line!();
        let (verb, argument) = command.split_once(' ').unwrap_or((command.as_str(), ""));
        match verb.to_ascii_uppercase().as_str() {
            "EHLO" => {
                writer
                    .write_all(
                        format!("250-flowguard-emulator greets {argument}\r\n250-AUTH PLAIN LOGIN\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250-SIZE {MAX_MESSAGE}\r\n250 HELP\r\n").as_bytes(),
                    )
                    .await?;
            }
            "HELO" => writer.write_all(b"250 flowguard-emulator\r\n").await?,
            "AUTH" => {
                let mut parts = argument.split_whitespace();
                let mechanism = parts.next().unwrap_or_default().to_ascii_uppercase();
                let initial = parts.next().map(str::to_owned);
                match mechanism.as_str() {
                    "PLAIN" => {
                        let response = match initial {
                            Some(r) => r,
                            None => {
                                writer.write_all(b"334 \r\n").await?;
                                read_line!()
                            }
                        };
                        let decoded = unb64(&response);
                        auth_user = decoded.split('\0').nth(1).map(str::to_owned);
                        writer
                            .write_all(b"235 2.7.0 Authentication successful\r\n")
                            .await?;
                    }
                    "LOGIN" => {
                        let user = match initial {
                            Some(r) => r,
                            None => {
                                writer
                                    .write_all(format!("334 {}\r\n", b64("Username:")).as_bytes())
                                    .await?;
                                read_line!()
                            }
                        };
                        auth_user = Some(unb64(&user));
                        writer
                            .write_all(format!("334 {}\r\n", b64("Password:")).as_bytes())
                            .await?;
                        let _password = read_line!();
                        writer
                            .write_all(b"235 2.7.0 Authentication successful\r\n")
                            .await?;
                    }
                    _ => {
                        writer
                            .write_all(b"504 5.5.4 Unrecognized authentication type\r\n")
                            .await?;
                    }
                }
            }
            "MAIL" => {
                from = Some(address(argument));
                to.clear();
                writer.write_all(b"250 2.1.0 Ok\r\n").await?;
            }
            "RCPT" => {
                if from.is_none() {
                    writer
                        .write_all(b"503 5.5.1 Error: need MAIL command\r\n")
                        .await?;
                } else {
                    to.push(address(argument));
                    writer.write_all(b"250 2.1.5 Ok\r\n").await?;
                }
            }
            "DATA" => {
                if to.is_empty() {
                    writer
                        .write_all(b"503 5.5.1 Error: need RCPT command\r\n")
                        .await?;
                    continue;
                }
                writer
                    .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                    .await?;
                let mut raw: Vec<u8> = Vec::new();
                let mut too_big = false;
                loop {
                    line.clear();
                    let n = tokio::time::timeout(IDLE, reader.read_until(b'\n', &mut line))
                        .await
                        .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "idle"))??;
                    if n == 0 {
                        return Ok(());
                    }
                    if line == b".\r\n" || line == b".\n" {
                        break;
                    }
                    let content = if line.first() == Some(&b'.') {
                        &line[1..]
                    } else {
                        &line[..]
                    };
                    if raw.len() + content.len() > MAX_MESSAGE {
                        too_big = true;
                    } else {
                        raw.extend_from_slice(content);
                    }
                }
                if too_big {
                    writer.write_all(b"552 5.3.4 Message too big\r\n").await?;
                } else {
                    let mail = parse(
                        from.take().unwrap_or_default(),
                        std::mem::take(&mut to),
                        &raw,
                        auth_user.clone(),
                    );
                    tracing::debug!(subject = %mail.subject, "SMTP sink received a message");
                    shared.lock().mail.push(mail);
                    writer
                        .write_all(
                            format!(
                                "250 2.0.0 Ok: queued as {}\r\n",
                                uuid::Uuid::new_v4().simple()
                            )
                            .as_bytes(),
                        )
                        .await?;
                }
                from = None;
                to.clear();
            }
            "RSET" => {
                from = None;
                to.clear();
                writer.write_all(b"250 2.0.0 Ok\r\n").await?;
            }
            "NOOP" => writer.write_all(b"250 2.0.0 Ok\r\n").await?,
            "VRFY" => writer.write_all(b"252 2.0.0 Cannot VRFY user\r\n").await?,
            "STARTTLS" => writer.write_all(b"454 4.7.0 TLS not available\r\n").await?,
            "QUIT" => {
                writer.write_all(b"221 2.0.0 Bye\r\n").await?;
                return Ok(());
            }
            _ => {
                writer
                    .write_all(b"502 5.5.2 Error: command not recognized\r\n")
                    .await?;
            }
        }
    }
}

fn parse(from: String, to: Vec<String>, raw: &[u8], auth_user: Option<String>) -> ReceivedMail {
    let message = mail_parser::MessageParser::default().parse(raw);
    let subject = message
        .as_ref()
        .and_then(|m| m.subject())
        .unwrap_or_default()
        .to_owned();
    let body = message
        .as_ref()
        .and_then(|m| m.body_text(0))
        .map(|b| b.replace("\r\n", "\n"))
        .unwrap_or_default();
    // Only a real text/html part (mail-parser otherwise converts the text part to HTML).
    let html = message
        .as_ref()
        .and_then(|m| m.html_part(0))
        .and_then(|part| match &part.body {
            mail_parser::PartType::Html(html) => Some(html.to_string()),
            _ => None,
        });
    ReceivedMail {
        from,
        to,
        subject,
        body,
        html,
        raw: String::from_utf8_lossy(raw).into_owned(),
        auth_user,
        received_at: fmt_time(seed::now()),
    }
}
