//! `flowguard emulator` starts, prints where it listens and the credentials, and answers HTTP.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

#[test]
fn emulator_command_prints_its_addresses_and_serves() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_flowguard"))
        .args([
            "emulator",
            "--addr",
            "127.0.0.1:0",
            "--smtp-addr",
            "127.0.0.1:0",
            "--seed",
            "3",
        ])
        .env("RUST_LOG", "off")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the flowguard binary runs");
    let stdout = child.stdout.take().expect("stdout");
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if sender.send(line).is_err() {
                return;
            }
        }
    });
    let mut printed = Vec::new();
    while !printed.iter().any(|l: &String| l.contains("Press Ctrl-C")) {
        match receiver.recv_timeout(Duration::from_secs(30)) {
            Ok(line) => printed.push(line),
            Err(error) => {
                let _ = child.kill();
                panic!("no banner: {error}; got {printed:?}");
            }
        }
    }
    let text = printed.join("\n");
    for expected in [
        "00000000-0000-0000-0000-000000000001",
        "flowguard-demo",
        "demo-secret",
        "SMTP sink",
        "curl",
    ] {
        assert!(text.contains(expected), "{expected} in {text}");
    }
    let login = printed
        .iter()
        .find_map(|l| l.split("Login URL    : ").nth(1))
        .and_then(|rest| rest.split_whitespace().next())
        .expect("login URL line")
        .to_owned();
    let host = login.trim_start_matches("http://");
    let mut stream = TcpStream::connect(host).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET /_emulator/state HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("\"machines\":12"), "{response}");
    assert!(response.contains("\"seed\":3"), "{response}");
}
