//! Where and how to connect: the cloud (login host + API host), the app registration, the
//! timeouts, the retry policy and the rate limits.
//!
//! Validation happens once, in [`DefenderConfig::validate`]: https is required except on loopback,
//! so a bearer token or a client secret never crosses the network in clear text.

use std::time::Duration;

use url::{Host, Url};

use crate::limiter::RateLimits;
use crate::retry::RetryPolicy;

/// The scope of the v2 token request.
pub const DEFAULT_SCOPE: &str = "https://api.securitycenter.microsoft.com/.default";

/// The client secret: Flowguard's one secret type (`Debug` prints `Secret(***)`, no `Display`;
/// read it with [`Secret::expose`] right where it goes on the wire).
pub use flowguard_secrets::Secret;

/// A geographic API host recommended by Microsoft for performance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Region {
    Us,
    Eu,
    Uk,
    Au,
    Swa,
}

impl Region {
    fn prefix(self) -> &'static str {
        match self {
            Self::Us => "us",
            Self::Eu => "eu",
            Self::Uk => "uk",
            Self::Au => "au",
            Self::Swa => "swa",
        }
    }
}

/// A Microsoft cloud: which login host and which API host to use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cloud {
    /// `https://api.security.microsoft.com` with `https://login.microsoftonline.com`.
    Global,
    /// `https://{region}.api.security.microsoft.com` with `https://login.microsoftonline.com`.
    Regional(Region),
    /// US Government GCC: `https://api-gcc.securitycenter.microsoft.us`, login at microsoftonline.com.
    Gcc,
    /// US Government GCC High: `https://api-gov.securitycenter.microsoft.us`, login at microsoftonline.us.
    GccHigh,
    /// US Government DoD: same hosts as GCC High.
    Dod,
    /// Any other pair of hosts (the emulator, a proxy).
    Custom {
        login_base: String,
        api_base: String,
    },
}

impl Cloud {
    /// The login host (without the tenant).
    #[must_use]
    pub fn login_base(&self) -> String {
        match self {
            Self::Global | Self::Regional(_) | Self::Gcc => {
                "https://login.microsoftonline.com".to_owned()
            }
            Self::GccHigh | Self::Dod => "https://login.microsoftonline.us".to_owned(),
            Self::Custom { login_base, .. } => login_base.clone(),
        }
    }

    /// The API host (without `/api`).
    #[must_use]
    pub fn api_base(&self) -> String {
        match self {
            Self::Global => "https://api.security.microsoft.com".to_owned(),
            Self::Regional(region) => {
                format!("https://{}.api.security.microsoft.com", region.prefix())
            }
            Self::Gcc => "https://api-gcc.securitycenter.microsoft.us".to_owned(),
            Self::GccHigh | Self::Dod => "https://api-gov.securitycenter.microsoft.us".to_owned(),
            Self::Custom { api_base, .. } => api_base.clone(),
        }
    }
}

/// The clouds by the names a saved connection and the Settings form use, in the form's order.
/// `custom` is any other pair of hosts (the emulator, a proxy).
pub const CLOUD_NAMES: [&str; 8] = [
    "global", "us", "eu", "uk", "gcc", "gcc_high", "dod", "custom",
];

/// A cloud name that is not one of [`CLOUD_NAMES`], or `custom` without both hosts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CloudNameError {
    #[error("the cloud {0:?} is not one of global, us, eu, uk, gcc, gcc_high, dod, custom")]
    Unknown(String),
    #[error("a custom cloud needs the {0} URL")]
    MissingUrl(&'static str),
}

impl Cloud {
    /// The cloud called `name` (one of [`CLOUD_NAMES`]); `custom` takes the two hosts.
    pub fn named(
        name: &str,
        api_url: Option<&str>,
        login_url: Option<&str>,
    ) -> Result<Self, CloudNameError> {
        Ok(match name {
            "global" => Self::Global,
            "us" => Self::Regional(Region::Us),
            "eu" => Self::Regional(Region::Eu),
            "uk" => Self::Regional(Region::Uk),
            "gcc" => Self::Gcc,
            "gcc_high" => Self::GccHigh,
            "dod" => Self::Dod,
            "custom" => {
                let present = |url: Option<&str>| {
                    url.map(|u| u.trim_end_matches('/').to_owned())
                        .filter(|u| !u.is_empty())
                };
                Self::Custom {
                    api_base: present(api_url).ok_or(CloudNameError::MissingUrl("API"))?,
                    login_base: present(login_url).ok_or(CloudNameError::MissingUrl("login"))?,
                }
            }
            other => return Err(CloudNameError::Unknown(other.to_owned())),
        })
    }

    /// The cloud a saved pair of hosts is: a named one when the hosts are its hosts, otherwise
    /// `Custom`. No API host means the global cloud. (DoD and GCC High share their hosts and
    /// read back as GCC High, the same connection.)
    #[must_use]
    pub fn from_bases(api_url: Option<&str>, login_url: Option<&str>) -> Self {
        let Some(api) = api_url.filter(|api| !api.is_empty()) else {
            return Self::Global;
        };
        CLOUD_NAMES
            .iter()
            .filter(|name| **name != "custom")
            .filter_map(|name| Self::named(name, None, None).ok())
            .find(|cloud| {
                cloud.api_base() == api
                    && login_url
                        .filter(|login| !login.is_empty())
                        .is_none_or(|login| login == cloud.login_base())
            })
            .unwrap_or_else(|| Self::Custom {
                api_base: api.to_owned(),
                login_base: login_url
                    .filter(|login| !login.is_empty())
                    .map_or_else(|| Self::Global.login_base(), str::to_owned),
            })
    }

    /// The cloud's name in [`CLOUD_NAMES`].
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            Self::Global => "global",
            Self::Regional(Region::Us) => "us",
            Self::Regional(Region::Eu) => "eu",
            Self::Regional(Region::Uk) => "uk",
            // Australia and Switzerland have hosts but no name in the form: they are custom.
            Self::Regional(Region::Au | Region::Swa) | Self::Custom { .. } => "custom",
            Self::Gcc => "gcc",
            Self::GccHigh => "gcc_high",
            Self::Dod => "dod",
        }
    }

    /// The hosts a saved connection keeps: none for the global cloud (the default), both for any
    /// other.
    #[must_use]
    pub fn saved_bases(&self) -> (Option<String>, Option<String>) {
        match self {
            Self::Global => (None, None),
            other => (Some(other.api_base()), Some(other.login_base())),
        }
    }
}

/// A configuration problem, reported before any call is made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// A URL does not parse.
    #[error("the {which} URL `{url}` is not a valid URL: {reason}")]
    InvalidUrl {
        which: &'static str,
        url: String,
        reason: String,
    },
    /// A URL uses http (or another scheme) on a non-loopback host.
    #[error(
        "the {which} URL `{url}` must use https (plain http is only allowed on loopback: 127.0.0.0/8, ::1, localhost)"
    )]
    InsecureUrl { which: &'static str, url: String },
    /// A required value is empty.
    #[error("the {field} is empty")]
    Missing { field: &'static str },
}

/// Everything the client needs to talk to one tenant.
#[derive(Debug, Clone)]
pub struct DefenderConfig {
    /// Entra tenant id (GUID or domain).
    pub tenant_id: String,
    /// Application (client) id of the app registration.
    pub client_id: String,
    /// Client secret of the app registration.
    pub client_secret: Secret,
    /// Login host, e.g. `https://login.microsoftonline.com`.
    pub login_base: String,
    /// API host, e.g. `https://api.security.microsoft.com`.
    pub api_base: String,
    /// Token scope (default [`DEFAULT_SCOPE`]).
    pub scope: String,
    /// Timeout of one HTTP call (default 30 s).
    pub timeout: Duration,
    /// Timeout of one advanced hunting call (the service allows 200 s per query; default 210 s).
    pub hunting_timeout: Duration,
    /// Timeout of connecting (default 10 s).
    pub connect_timeout: Duration,
    /// The client's own retries of 429, 5xx, timeouts and connection errors.
    pub retry: RetryPolicy,
    /// The per-tenant call budget.
    pub limits: RateLimits,
}

impl DefenderConfig {
    /// A configuration for `cloud` with the documented defaults.
    #[must_use]
    pub fn new(
        cloud: &Cloud,
        tenant_id: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: Secret,
    ) -> Self {
        Self {
            tenant_id: tenant_id.into(),
            client_id: client_id.into(),
            client_secret,
            login_base: cloud.login_base(),
            api_base: cloud.api_base(),
            scope: DEFAULT_SCOPE.to_owned(),
            timeout: Duration::from_secs(30),
            hunting_timeout: Duration::from_secs(210),
            connect_timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            limits: RateLimits::documented(),
        }
    }

    /// The v2 token endpoint: `{login}/{tenant}/oauth2/v2.0/token`.
    ///
    /// # Errors
    /// When the login URL is invalid or insecure.
    pub fn token_url(&self) -> Result<Url, ConfigError> {
        let base = checked_url("login", &self.login_base)?;
        let text = format!(
            "{}/{}/oauth2/v2.0/token",
            base.as_str().trim_end_matches('/'),
            self.tenant_id
        );
        Url::parse(&text).map_err(|error| ConfigError::InvalidUrl {
            which: "token",
            url: text.clone(),
            reason: error.to_string(),
        })
    }

    /// The API base with a trailing slash, ready for `join("api/...")`.
    ///
    /// # Errors
    /// When the API URL is invalid or insecure.
    pub fn api_url(&self) -> Result<Url, ConfigError> {
        let mut url = checked_url("API", &self.api_base)?;
        if !url.path().ends_with('/') {
            let path = format!("{}/", url.path());
            url.set_path(&path);
        }
        Ok(url)
    }

    /// Checks every field at once.
    ///
    /// # Errors
    /// The first problem found.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.tenant_id.trim().is_empty() {
            return Err(ConfigError::Missing { field: "tenant id" });
        }
        if self.client_id.trim().is_empty() {
            return Err(ConfigError::Missing { field: "client id" });
        }
        if self.client_secret.expose().is_empty() {
            return Err(ConfigError::Missing {
                field: "client secret",
            });
        }
        self.token_url()?;
        self.api_url()?;
        Ok(())
    }
}

/// Parses `text` and requires https unless the host is loopback.
///
/// # Errors
/// [`ConfigError::InvalidUrl`] or [`ConfigError::InsecureUrl`].
pub fn checked_url(which: &'static str, text: &str) -> Result<Url, ConfigError> {
    let url = Url::parse(text).map_err(|error| ConfigError::InvalidUrl {
        which,
        url: text.to_owned(),
        reason: error.to_string(),
    })?;
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        _ => Err(ConfigError::InsecureUrl {
            which,
            url: text.to_owned(),
        }),
    }
}

/// True for 127.0.0.0/8, ::1 and `localhost`.
#[must_use]
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(address)) => address.is_loopback(),
        Some(Host::Ipv6(address)) => address.is_loopback(),
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn cloud_names_round_trip_through_their_saved_hosts() {
        for name in CLOUD_NAMES.iter().copied().filter(|name| *name != "custom") {
            let cloud = Cloud::named(name, None, None).unwrap();
            assert_eq!(cloud.name(), name);
            let (api, login) = cloud.saved_bases();
            let found = Cloud::from_bases(api.as_deref(), login.as_deref());
            // DoD and GCC High share their hosts; either name is the same connection.
            let expected = if name == "dod" { "gcc_high" } else { name };
            assert_eq!(found.name(), expected);
        }
        let custom = Cloud::from_bases(Some("http://127.0.0.1:9"), Some("http://127.0.0.1:9"));
        assert_eq!(custom.name(), "custom");
        assert_eq!(custom.api_base(), "http://127.0.0.1:9");
        assert_eq!(Cloud::from_bases(None, None), Cloud::Global);
    }

    #[test]
    fn cloud_names_refuse_unknown_names_and_half_custom_clouds() {
        assert_eq!(
            Cloud::named("mars", None, None),
            Err(CloudNameError::Unknown("mars".into()))
        );
        assert_eq!(
            Cloud::named("custom", Some("http://127.0.0.1:9/"), None),
            Err(CloudNameError::MissingUrl("login"))
        );
        let cloud = Cloud::named(
            "custom",
            Some("http://127.0.0.1:9/"),
            Some("http://127.0.0.1:8"),
        )
        .unwrap();
        assert_eq!(cloud.api_base(), "http://127.0.0.1:9");
    }

    use super::*;

    fn config(cloud: &Cloud) -> DefenderConfig {
        DefenderConfig::new(cloud, "tenant", "client", Secret::new("s3cret"))
    }

    #[test]
    fn clouds_have_the_documented_hosts() {
        let gov = config(&Cloud::GccHigh);
        assert_eq!(
            gov.token_url().unwrap().as_str(),
            "https://login.microsoftonline.us/tenant/oauth2/v2.0/token"
        );
        assert_eq!(
            gov.api_url().unwrap().as_str(),
            "https://api-gov.securitycenter.microsoft.us/"
        );
        let eu = config(&Cloud::Regional(Region::Eu));
        assert_eq!(
            eu.api_url().unwrap().as_str(),
            "https://eu.api.security.microsoft.com/"
        );
        assert_eq!(
            config(&Cloud::Gcc).token_url().unwrap().as_str(),
            "https://login.microsoftonline.com/tenant/oauth2/v2.0/token"
        );
    }

    #[test]
    fn http_is_refused_except_on_loopback() {
        for ok in [
            "http://127.0.0.1:8080",
            "http://127.5.0.1",
            "http://[::1]:1",
            "http://localhost:3000",
            "https://x.example",
        ] {
            assert!(checked_url("API", ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://10.0.0.1",
            "http://api.security.microsoft.com",
            "ftp://127.0.0.1",
            "http://localhost.evil.com",
        ] {
            assert!(
                matches!(
                    checked_url("API", bad),
                    Err(ConfigError::InsecureUrl { .. })
                ),
                "{bad}"
            );
        }
        assert!(matches!(
            checked_url("API", "not a url"),
            Err(ConfigError::InvalidUrl { .. })
        ));
        let insecure = DefenderConfig {
            api_base: "http://example.com".to_owned(),
            ..config(&Cloud::Global)
        };
        assert!(
            insecure
                .validate()
                .unwrap_err()
                .to_string()
                .contains("must use https")
        );
    }

    #[test]
    fn secrets_never_print() {
        let config = config(&Cloud::Global);
        let printed = format!("{config:?} {:?}", config.client_secret);
        assert!(!printed.contains("s3cret"), "{printed}");
        assert!(printed.contains("Secret(***)"), "{printed}");
    }
}
