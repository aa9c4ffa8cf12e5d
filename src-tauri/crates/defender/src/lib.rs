//! A client for the Microsoft Defender for Endpoint REST API: OAuth2 client credentials, typed
//! entities, rate limits, retries.
//!
//! No Tauri here: the engine and the CLI use this crate directly, and the emulator reuses
//! [`entities`] to serve responses in the documented shape.

pub mod entities;
