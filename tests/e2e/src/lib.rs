//! Shared harness for the end-to-end tests: starts `tauri-driver` for the built app, opens a
//! WebDriver session, and always quits the session and stops the driver, even when a test fails.
//!
//! The app must be built with the UI embedded (`tauri build --debug --no-bundle`), because a
//! plain `cargo build` makes a dev build that loads the Vite dev server instead. The tests are
//! `#[ignore]`d in a plain `cargo test`: `scripts/test.sh` builds the app and runs them under Xvfb
//! with `--ignored`.

use std::future::Future;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use thirtyfour::prelude::*;

/// The repository root.
pub fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Cargo's target folder: `CARGO_TARGET_DIR`, or `target/` in the repository.
pub fn target_directory() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| repository_root().join("target"), PathBuf::from)
}

/// The built app: `FLOWGUARD_APP_BINARY`, or `target/debug/flowguard-app`.
pub fn app_binary() -> Result<PathBuf> {
    let path = match std::env::var_os("FLOWGUARD_APP_BINARY") {
        Some(path) => PathBuf::from(path),
        None => target_directory().join("debug/flowguard-app"),
    };
    let path = path.canonicalize().with_context(|| {
        format!(
            "the app binary {} does not exist; build it with `ui/node_modules/.bin/tauri build --debug --no-bundle`",
            path.display()
        )
    })?;
    Ok(path)
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// A running `tauri-driver`, stopped with SIGTERM on drop (only SIGTERM makes it stop
/// WebKitWebDriver; an orphaned WebKitWebDriver would keep the test's output pipe open).
struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    fn start(data_directory: &Path) -> Result<Self> {
        let port = free_port()?;
        let native_port = free_port()?;
        let child = Command::new("tauri-driver")
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .env("FLOWGUARD_DATA_DIR", data_directory)
            // Demo mode (the app starts its own Defender emulator) and quick polling.
            .env_remove("FLOWGUARD_TENANT_ID")
            .env_remove("FLOWGUARD_CLIENT_ID")
            .env_remove("FLOWGUARD_CLIENT_SECRET")
            .env_remove("FLOWGUARD_API_URL")
            .env_remove("FLOWGUARD_LOGIN_URL")
            .env_remove("FLOWGUARD_SMTP_URL")
            .env("FLOWGUARD_POLL_INTERVAL", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .context(
                "cannot start tauri-driver (install it with `cargo install tauri-driver --locked`)",
            )?;
        let driver = Self { child, port };
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                bail!("tauri-driver did not listen on port {port} within 20 s");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(driver)
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A fresh app with its own data folder and database, driven over WebDriver.
pub struct AppSession {
    pub data_directory: tempfile_dir::TempDir,
    pub database_path: PathBuf,
}

/// Starts the app on a fresh database, runs `scenario`, then quits the session and stops the
/// driver whatever happened, and returns the scenario's result. When the scenario fails, a
/// screenshot of the window is saved as `target/e2e-failure-{name}.png` first.
pub async fn with_app<F, Fut>(name: &str, scenario: F) -> Result<()>
where
    F: FnOnce(WebDriver, AppSession) -> Fut,
    Fut: Future<Output = Result<()>> + Send + 'static,
{
    let application = app_binary()?;
    let data_directory = tempfile_dir::TempDir::new("flowguard-e2e")?;
    let database_path = data_directory.path().join("e2e.db");
    let driver = Driver::start(data_directory.path())?;

    let mut capabilities = thirtyfour::Capabilities::new();
    capabilities.insert(
        "tauri:options".to_owned(),
        serde_json::json!({
            "application": application,
            "args": [format!("--db={}", database_path.display())],
        }),
    );
    let web_driver = WebDriver::new(format!("http://127.0.0.1:{}", driver.port), capabilities)
        .await
        .context("cannot open a WebDriver session through tauri-driver")?;

    let session = AppSession {
        data_directory,
        database_path,
    };
    let handle = web_driver.clone();
    // The scenario runs in its own task so that a panic inside it still lets us quit the session.
    let outcome = tokio::spawn(scenario(handle, session)).await;
    if !matches!(outcome, Ok(Ok(()))) {
        let path = target_directory().join(format!("e2e-failure-{name}.png"));
        match web_driver.screenshot(&path).await {
            Ok(()) => eprintln!("screenshot of the failure: {}", path.display()),
            Err(error) => eprintln!("cannot take a screenshot of the failure: {error}"),
        }
    }
    let quit = web_driver.quit().await;
    drop(driver);
    match outcome {
        Ok(result) => result?,
        Err(join_error) => std::panic::resume_unwind(join_error.into_panic()),
    }
    quit.context("cannot quit the WebDriver session")?;
    Ok(())
}

/// Saves a screenshot of the window as `{FLOWGUARD_E2E_SCREENSHOTS}/{name}.png` when that variable
/// names a folder (how the README's screenshots are taken); does nothing otherwise.
pub async fn keep_screenshot(driver: &WebDriver, name: &str) -> Result<()> {
    let Some(folder) = std::env::var_os("FLOWGUARD_E2E_SCREENSHOTS").filter(|v| !v.is_empty())
    else {
        return Ok(());
    };
    let folder = PathBuf::from(folder);
    std::fs::create_dir_all(&folder)?;
    let path = folder.join(format!("{name}.png"));
    driver
        .screenshot(&path)
        .await
        .with_context(|| format!("cannot save the screenshot {}", path.display()))?;
    eprintln!("screenshot: {}", path.display());
    Ok(())
}

/// Waits until an element matching `css` is displayed (React Flow keeps nodes hidden until it has
/// measured them, so presence alone is not enough).
pub async fn displayed(driver: &WebDriver, css: &str) -> Result<WebElement> {
    let element = driver
        .query(By::Css(css))
        .wait(Duration::from_secs(20), Duration::from_millis(100))
        .and_displayed()
        .first()
        .await
        .with_context(|| format!("no displayed element matches `{css}` within 20 s"))?;
    Ok(element)
}

/// Polls `probe` every 100 ms until it returns `Some`, for at most `timeout`; fails naming `what`
/// (and the probe's last error, if it had one).
pub async fn eventually<T, F, Fut>(what: &str, timeout: Duration, mut probe: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Option<T>>>,
{
    let deadline = Instant::now() + timeout;
    let mut last_error = None;
    loop {
        match probe().await {
            Ok(Some(value)) => return Ok(value),
            Ok(None) => {}
            Err(error) => last_error = Some(error),
        }
        if Instant::now() > deadline {
            return Err(match last_error {
                Some(error) => error.context(format!("{what}: not within {timeout:?}")),
                None => anyhow::anyhow!("{what}: not within {timeout:?}"),
            });
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Clicks the first displayed element matching `css`; while something passes over it (the
/// window settling after a resize, a dialog closing) the click is tried again, for up to 10 s.
pub async fn click(driver: &WebDriver, css: &str) -> Result<()> {
    eventually(
        &format!("a click on `{css}`"),
        Duration::from_secs(10),
        || async {
            let element = displayed(driver, css).await?;
            element.scroll_into_view().await?;
            element
                .click()
                .await
                .with_context(|| format!("cannot click `{css}`"))?;
            Ok(Some(()))
        },
    )
    .await
}

/// An element's text content (WebKitWebDriver reads some labels' rendered text as empty).
pub async fn text_content(element: &WebElement) -> Result<String> {
    Ok(element
        .prop("textContent")
        .await?
        .unwrap_or_default()
        .trim()
        .to_owned())
}

/// A first start (no flow in the database) shows the tour and the template gallery: skips the
/// tour and waits for the gallery.
pub async fn skip_tour_to_gallery(driver: &WebDriver) -> Result<()> {
    click(driver, "[data-testid=tour-skip]")
        .await
        .context("a first start shows no tour to skip")?;
    // The tour's card follows what it points at (the demo banner appears once the engine's status
    // is read), so a click aimed at Skip can land where the card was a moment before: on the
    // gallery's "Take the tour", which starts it again. Skip until it stays gone for a second.
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut gone_since: Option<Instant> = None;
    loop {
        let tour_open = !driver
            .find_all(By::Css("[data-testid=tour]"))
            .await?
            .is_empty();
        if tour_open {
            gone_since = None;
            ensure!(
                Instant::now() < deadline,
                "the tour kept coming back after Skip tour for 20 s"
            );
            if let Some(skip) = driver
                .find_all(By::Css("[data-testid=tour-skip]"))
                .await?
                .into_iter()
                .next()
            {
                let _ = skip.click().await;
            }
        } else if gone_since.get_or_insert_with(Instant::now).elapsed() >= Duration::from_secs(1) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    displayed(driver, "[data-testid=gallery]")
        .await
        .context("a first start shows no template gallery")?;
    Ok(())
}

/// A first start: skips the tour and starts a blank flow from the gallery; waits for it to open.
pub async fn first_start_blank(driver: &WebDriver) -> Result<()> {
    skip_tour_to_gallery(driver).await?;
    click(driver, "[data-testid=gallery-blank]").await?;
    displayed(driver, "[data-testid=flow-name]")
        .await
        .context("Start blank in the gallery opened no flow")?;
    Ok(())
}

/// The demo emulator's base URL, from the status bar (`data-emulator-url`).
pub async fn emulator_url(driver: &WebDriver) -> Result<String> {
    eventually(
        "the status bar's engine mode with the demo emulator's URL (data-emulator-url)",
        Duration::from_secs(20),
        || async {
            let Some(mode) = driver
                .find_all(By::Css("[data-testid=engine-mode]"))
                .await?
                .into_iter()
                .next()
            else {
                return Ok(None);
            };
            Ok(mode.attr("data-emulator-url").await?)
        },
    )
    .await
}

/// An alert created in the demo emulator through its control API.
#[derive(Debug, Clone)]
pub struct EmulatorAlert {
    pub id: String,
    pub machine_id: String,
    pub title: String,
    pub computer: String,
}

/// Creates an alert in the emulator (`POST /_emulator/alerts`) on a machine called `computer`.
pub async fn create_alert(
    emulator: &str,
    severity: &str,
    title: &str,
    computer: &str,
) -> Result<EmulatorAlert> {
    let created = http::post_json(
        &format!("{emulator}/_emulator/alerts"),
        &serde_json::json!({ "severity": severity, "title": title, "computerDnsName": computer }),
    )
    .await
    .context("cannot create an alert through the emulator's control API")?;
    let text = |name: &str| {
        created[name]
            .as_str()
            .map(str::to_owned)
            .with_context(|| format!("the created alert has no {name}: {created}"))
    };
    Ok(EmulatorAlert {
        id: text("id")?,
        machine_id: text("machineId")?,
        title: text("title")?,
        computer: text("computerDnsName")?,
    })
}

/// The paths of the isolate POSTs the emulator received (`/api/machines/{id}/isolate`).
pub async fn isolate_paths(emulator: &str) -> Result<Vec<String>> {
    let requests = http::get_json(&format!("{emulator}/_emulator/requests")).await?;
    let requests = requests
        .as_array()
        .context("the emulator's request log is not a list")?;
    Ok(requests
        .iter()
        .filter(|request| request["method"] == "POST")
        .filter_map(|request| request["path"].as_str())
        .filter(|path| path.ends_with("/isolate"))
        .map(str::to_owned)
        .collect())
}

/// The subjects of the emails the emulator's SMTP server received.
pub async fn mail_subjects(emulator: &str) -> Result<Vec<String>> {
    let mail = http::get_json(&format!("{emulator}/_emulator/mail")).await?;
    Ok(mail
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|message| message["subject"].as_str().map(str::to_owned))
        .collect())
}

/// Resizes the window's content to `width`×`height` CSS pixels (for screenshots at a size), and
/// waits until the page has that size and has laid itself out.
pub async fn resize_viewport(driver: &WebDriver, width: u32, height: u32) -> Result<()> {
    let wanted = (i64::from(width), i64::from(height));
    let (mut outer_w, mut outer_h) = wanted;
    let mut adjusted = false;
    let mut last = (0, 0);
    let mut same = 0;
    driver
        .set_window_rect(0, 0, width, height)
        .await
        .with_context(|| format!("cannot resize the window to {width}×{height}"))?;
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let inner = driver
            .execute("return [window.innerWidth, window.innerHeight]", Vec::new())
            .await?;
        let inner = inner.json();
        let now = (
            inner[0].as_i64().unwrap_or(0),
            inner[1].as_i64().unwrap_or(0),
        );
        if now == wanted {
            // One frame more, so the page has laid itself out at the new size.
            driver
                .execute_async(
                    "const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)))",
                    Vec::new(),
                )
                .await?;
            return Ok(());
        }
        same = if now == last { same + 1 } else { 0 };
        last = now;
        // Settled at another size (window decorations take some room): grow it by that, once.
        if same >= 3 && !adjusted && now.0 > 0 && now.1 > 0 {
            outer_w += wanted.0 - now.0;
            outer_h += wanted.1 - now.1;
            adjusted = true;
            driver
                .set_window_rect(
                    0,
                    0,
                    u32::try_from(outer_w.max(1)).unwrap_or(width),
                    u32::try_from(outer_h.max(1)).unwrap_or(height),
                )
                .await?;
        }
    }
    bail!("the window did not take the size {width}×{height} (its page is {last:?})")
}

/// A minimal HTTP/1.1 client for the demo emulator's control API (`/_emulator/...` on loopback),
/// so the tests need no HTTP crate of their own.
pub mod http {
    use anyhow::{Context, Result, bail};
    use serde_json::Value;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// GETs `url` (`http://127.0.0.1:PORT/path`) and parses the JSON answer.
    pub async fn get_json(url: &str) -> Result<Value> {
        request("GET", url, None).await
    }

    /// POSTs `body` as JSON to `url` and parses the JSON answer.
    pub async fn post_json(url: &str, body: &Value) -> Result<Value> {
        request("POST", url, Some(body)).await
    }

    async fn request(method: &str, url: &str, body: Option<&Value>) -> Result<Value> {
        let rest = url
            .strip_prefix("http://")
            .with_context(|| format!("{url} is not an http:// URL"))?;
        let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let path = if path.is_empty() { "/" } else { path };
        let payload = body.map(Value::to_string).unwrap_or_default();
        let mut stream = tokio::net::TcpStream::connect(host)
            .await
            .with_context(|| format!("cannot connect to {host} for {method} {url}"))?;
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nAccept: application/json\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            payload.len()
        );
        stream.write_all(head.as_bytes()).await?;
        stream.write_all(payload.as_bytes()).await?;
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await?;
        let text = String::from_utf8_lossy(&answer);
        let (head, body) = text
            .split_once("\r\n\r\n")
            .with_context(|| format!("{method} {url}: no HTTP answer"))?;
        let status: u16 = head
            .split_whitespace()
            .nth(1)
            .and_then(|code| code.parse().ok())
            .with_context(|| format!("{method} {url}: no status in {head:?}"))?;
        let chunked = head.lines().any(|line| {
            line.to_ascii_lowercase()
                .starts_with("transfer-encoding: chunked")
        });
        let body = if chunked {
            dechunk(body)?
        } else {
            body.to_owned()
        };
        if !(200..300).contains(&status) {
            bail!("{method} {url} answered {status}: {body}");
        }
        serde_json::from_str(&body).with_context(|| format!("{method} {url}: not JSON: {body}"))
    }

    fn dechunk(mut body: &str) -> Result<String> {
        let mut out = String::new();
        loop {
            let (size, rest) = body.split_once("\r\n").context("a bad chunk")?;
            let size = usize::from_str_radix(size.trim(), 16).context("a bad chunk size")?;
            if size == 0 {
                return Ok(out);
            }
            out.push_str(rest.get(..size).context("a short chunk")?);
            body = rest.get(size + 2..).unwrap_or_default();
        }
    }
}

/// A self-deleting temporary folder, without pulling a crate in for it.
pub mod tempfile_dir {
    use std::path::{Path, PathBuf};

    #[derive(Debug)]
    pub struct TempDir(PathBuf);

    impl TempDir {
        pub fn new(prefix: &str) -> std::io::Result<Self> {
            let unique = format!(
                "{prefix}-{}-{}",
                std::process::id(),
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_nanos())
            );
            let path = std::env::temp_dir().join(unique);
            std::fs::create_dir_all(&path)?;
            Ok(Self(path))
        }

        pub fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}
