//! A client for the Microsoft Defender for Endpoint REST API: OAuth2 client credentials, typed
//! entities, rate limits, retries.
//!
//! No Tauri here: the engine and the CLI use this crate directly, and the emulator reuses
//! [`entities`] to serve responses in the documented shape. Start with [`DefenderConfig`] and
//! [`DefenderClient`]; errors are [`DefenderError`], retryable or permanent by
//! [`DefenderError::kind`].

mod auth;
pub mod client;
pub mod config;
pub mod diagnosis;
pub mod entities;
pub mod error;
pub mod limiter;
pub mod retry;

pub use client::{
    AlertQuery, ApiRequest, ConnectionReport, DefenderClient, ListQuery, MAX_PAGE_SIZE, Page, Pager,
};
pub use entities::{
    AdvancedQueryResult, Alert, ErrorBody, Evidence, IndicatorRequest, IsolationType, Machine,
    MachineAction, MachineActionStatus, ODataList, ScanType,
};

/// Short name of [`DefenderClient`].
pub type Client = DefenderClient;
/// Short name of [`DefenderConfig`].
pub type Config = DefenderConfig;
pub use config::{
    CLOUD_NAMES, Cloud, CloudNameError, ConfigError, DEFAULT_SCOPE, DefenderConfig, Region, Secret,
};
pub use diagnosis::{ConnectionFailure, ConnectionStep, NetworkFailure, aadsts_hint};
pub use error::{ApiError, DefenderError, ErrorKind, Operation, TokenError};
pub use limiter::{Limit, RateLimits, TenantLimiter};
pub use retry::RetryPolicy;
