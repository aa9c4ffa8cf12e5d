//! The Defender client, one module per job: `query` builds a list's OData options, `operations`
//! are the documented calls (each defined once, generic over what it decodes into: the typed
//! entity, or `serde_json::Value` for the raw JSON a step records), `transport` is the one call
//! every operation goes through (wait for the tenant's rate limiter, attach the cached token,
//! send, refresh the token once on a 401, retry 429 after Retry-After and 5xx/timeouts/connection
//! errors per the [`RetryPolicy`], decode the answer or the error body), and `pager` follows
//! `@odata.nextLink` or `$skip` through a list.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use reqwest::{Method, StatusCode, header};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use url::Url;

use crate::auth::TokenCache;
use crate::config::{DefenderConfig, Secret};
use crate::entities::{
    Alert, AlertUpdate, CommentRequest, ErrorBody, HuntingRequest, HuntingResponse, Indicator,
    IndicatorRequest, IsolateRequest, IsolationType, Machine, MachineAction, ODataList,
    ScanRequest, ScanType,
};
use crate::error::{ApiError, DefenderError, Operation, snippet};
use crate::limiter::TenantLimiter;
use crate::retry::RetryPolicy;

mod operations;
mod pager;
mod query;
mod transport;

pub use operations::ApiRequest;
pub use pager::Pager;
#[cfg(test)]
use pager::resolve_next_link;
pub use query::{ListQuery, MAX_PAGE_SIZE};

/// The query of [`DefenderClient::list_alerts`] (`$filter`, `$top`, `$skip`, `$expand=evidence`,
/// ...): the same builder as every list.
pub type AlertQuery = ListQuery;

/// One page of a list (`value`, `@odata.context`, `@odata.nextLink`, `@odata.count`).
pub type Page<T> = ODataList<T>;

/// What "Test connection" found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionReport {
    /// Machines returned by `GET /api/machines?$top=1` (0 or 1; a 404 "no recent machines" is 0).
    pub machines_seen: usize,
}

#[derive(Debug)]
pub(super) struct Inner {
    pub(super) api: Url,
    pub(super) retry: RetryPolicy,
    pub(super) timeout: Duration,
    pub(super) hunting_timeout: Duration,
    pub(super) http: reqwest::Client,
    pub(super) tokens: TokenCache,
    /// Tokens of other resources (Microsoft Graph, ...) for the same app registration.
    pub(super) other_tokens: std::sync::Mutex<HashMap<String, Arc<TokenCache>>>,
    pub(super) token_url: Url,
    pub(super) client_id: String,
    pub(super) client_secret: Secret,
    pub(super) limiter: Arc<TenantLimiter>,
}

/// A client of one tenant's Defender for Endpoint API. Cheap to clone; clones share the token and
/// the rate limiter.
#[derive(Debug, Clone)]
pub struct DefenderClient {
    pub(super) inner: Arc<Inner>,
}

impl DefenderClient {
    /// A client using the process-wide limiter of this tenant (see [`TenantLimiter::shared`]).
    ///
    /// # Errors
    /// [`DefenderError::Config`] when the configuration is invalid; a connection error when the
    /// HTTP client cannot be built.
    pub fn new(config: &DefenderConfig) -> Result<Self, DefenderError> {
        config.validate()?;
        let api = config.api_url()?;
        let key = format!("{api} {}", config.tenant_id);
        let limiter = TenantLimiter::shared(&key, &config.limits);
        Self::with_limiter(config, limiter)
    }

    /// A client using the given limiter.
    ///
    /// # Errors
    /// As [`DefenderClient::new`].
    pub fn with_limiter(
        config: &DefenderConfig,
        limiter: Arc<TenantLimiter>,
    ) -> Result<Self, DefenderError> {
        config.validate()?;
        let http = reqwest::Client::builder()
            // Never follow redirects: the bearer token and the secret stay with the configured hosts.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(config.connect_timeout)
            .timeout(config.timeout)
            .user_agent(concat!("Flowguard/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|source| DefenderError::Connection {
                operation: Operation::GetToken,
                source,
            })?;
        let tokens = TokenCache::new(
            config.token_url()?,
            config.client_id.clone(),
            config.client_secret.clone(),
            config.scope.clone(),
            http.clone(),
        );
        Ok(Self {
            inner: Arc::new(Inner {
                api: config.api_url()?,
                retry: config.retry.clone(),
                timeout: config.timeout,
                hunting_timeout: config.hunting_timeout,
                http,
                tokens,
                other_tokens: std::sync::Mutex::new(HashMap::new()),
                token_url: config.token_url()?,
                client_id: config.client_id.clone(),
                client_secret: config.client_secret.clone(),
                limiter,
            }),
        })
    }

    /// The shared limiter of this client's tenant.
    #[must_use]
    pub fn limiter(&self) -> &Arc<TenantLimiter> {
        &self.inner.limiter
    }

    /// How many tokens this client fetched so far (for tests and diagnostics).
    #[must_use]
    pub fn token_fetches(&self) -> u64 {
        self.inner.tokens.fetches()
    }

    /// An app-only token for another resource with the same app registration (client
    /// credentials, cached like the API token), e.g. `https://graph.microsoft.com/.default` for
    /// Microsoft Graph sendMail. The configured scope gives the Defender API token itself.
    ///
    /// # Errors
    /// [`DefenderError::Token`] with Entra's `error` and AADSTS description.
    pub async fn token_for_scope(&self, scope: &str) -> Result<Secret, DefenderError> {
        let inner = &self.inner;
        if scope == inner.tokens.scope() {
            return inner.tokens.token().await;
        }
        let cache = {
            let mut others = inner
                .other_tokens
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            Arc::clone(others.entry(scope.to_owned()).or_insert_with(|| {
                Arc::new(TokenCache::new(
                    inner.token_url.clone(),
                    inner.client_id.clone(),
                    inner.client_secret.clone(),
                    scope.to_owned(),
                    inner.http.clone(),
                ))
            }))
        };
        cache.token().await
    }

    /// "Test connection": gets a token, then lists one machine. A 403 names the missing
    /// permission; a token failure carries Entra's error and AADSTS description.
    ///
    /// # Errors
    /// The token or API error.
    pub async fn test_connection(&self) -> Result<ConnectionReport, DefenderError> {
        self.inner.tokens.token().await?;
        match self.list_machines(&ListQuery::new().top(1)).await {
            Ok(page) => Ok(ConnectionReport {
                machines_seen: page.value.len(),
            }),
            // Documented: 404 when the tenant has no recent machines. The credentials work.
            Err(error) if error.is_not_found() => Ok(ConnectionReport { machines_seen: 0 }),
            Err(error) => Err(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_links_resolve_absolute_and_relative_and_stay_on_the_api_host() {
        let api = Url::parse("https://api.security.microsoft.com").unwrap();
        let current =
            Url::parse("https://api.security.microsoft.com/api/alerts?$top=2&$filter=x").unwrap();
        let absolute = "https://api.security.microsoft.com/api/alerts?$top=2&$skip=2";
        assert_eq!(
            resolve_next_link(&current, &api, absolute)
                .unwrap()
                .as_str(),
            absolute
        );
        assert_eq!(
            resolve_next_link(&current, &api, "/api/alerts?$skip=4")
                .unwrap()
                .as_str(),
            "https://api.security.microsoft.com/api/alerts?$skip=4"
        );
        assert_eq!(
            resolve_next_link(&current, &api, "?$top=2&$skip=6")
                .unwrap()
                .as_str(),
            "https://api.security.microsoft.com/api/alerts?$top=2&$skip=6"
        );
        assert!(resolve_next_link(&current, &api, "https://evil.example/api/alerts").is_none());
        assert!(
            resolve_next_link(
                &current,
                &api,
                "http://api.security.microsoft.com/api/alerts"
            )
            .is_none(),
            "a downgrade to http is another origin"
        );
        let local = Url::parse("http://127.0.0.1:8080").unwrap();
        let page = Url::parse("http://127.0.0.1:8080/api/machines?$top=1").unwrap();
        assert_eq!(
            resolve_next_link(&page, &local, "http://127.0.0.1:8080/api/machines?$skip=1")
                .unwrap()
                .as_str(),
            "http://127.0.0.1:8080/api/machines?$skip=1"
        );
    }

    #[test]
    fn list_query_builds_the_odata_options() {
        let mut url = Url::parse("https://api.security.microsoft.com/api/alerts").unwrap();
        ListQuery::new()
            .filter("severity eq 'High' and lastUpdateTime ge 2019-11-22T00:00:00Z")
            .top(50)
            .skip(100)
            .expand_evidence()
            .apply(&mut url);
        let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        assert_eq!(
            pairs,
            [
                (
                    "$filter".to_owned(),
                    "severity eq 'High' and lastUpdateTime ge 2019-11-22T00:00:00Z".to_owned()
                ),
                ("$top".to_owned(), "50".to_owned()),
                ("$skip".to_owned(), "100".to_owned()),
                ("$expand".to_owned(), "evidence".to_owned()),
            ]
        );
        let mut bare = Url::parse("https://api.security.microsoft.com/api/alerts").unwrap();
        ListQuery::new().apply(&mut bare);
        assert_eq!(
            bare.as_str(),
            "https://api.security.microsoft.com/api/alerts"
        );
    }
}
