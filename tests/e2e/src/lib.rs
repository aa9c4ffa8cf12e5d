//! Shared harness for the end-to-end tests: starts tauri-driver for the built app and opens a
//! WebDriver session, always quitting it and stopping the driver, even when a test fails.
