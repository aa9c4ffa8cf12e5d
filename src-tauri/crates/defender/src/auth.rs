//! Entra ID client credentials (v2 endpoint) through the `oauth2` crate, over the client's own
//! reqwest client (one reqwest in the workspace), with a cached token.
//!
//! The token is reused until shortly before it expires (5 minutes early, or a tenth of its
//! lifetime for short-lived tokens) and dropped when the API answers 401, so the next call
//! fetches a new one. One fetch at a time: concurrent callers wait for the same token.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use oauth2::basic::{BasicClient, BasicErrorResponse};
use oauth2::{
    AuthType, ClientId, ClientSecret, HttpClientError, RequestTokenError, Scope, TokenResponse,
    TokenUrl,
};
use tokio::sync::Mutex;
use tokio::time::Instant;
use url::Url;

use crate::config::Secret;
use crate::diagnosis::classify;
use crate::error::{DefenderError, TokenError, snippet};

/// A token lifetime when Entra does not say (the documented hour).
const DEFAULT_LIFETIME: Duration = Duration::from_secs(3600);
/// Refresh this long before expiry, at most.
const MAX_MARGIN: Duration = Duration::from_secs(300);

#[derive(Debug)]
struct Cached {
    token: Secret,
    refresh_at: Instant,
}

/// The token of one app registration.
#[derive(Debug)]
pub(crate) struct TokenCache {
    token_url: Url,
    client_id: String,
    client_secret: Secret,
    scope: String,
    http: reqwest::Client,
    cached: Mutex<Option<Cached>>,
    fetches: AtomicU64,
}

impl TokenCache {
    pub(crate) fn new(
        token_url: Url,
        client_id: String,
        client_secret: Secret,
        scope: String,
        http: reqwest::Client,
    ) -> Self {
        Self {
            token_url,
            client_id,
            client_secret,
            scope,
            http,
            cached: Mutex::new(None),
            fetches: AtomicU64::new(0),
        }
    }

    /// The scope this cache fetches tokens for.
    pub(crate) fn scope(&self) -> &str {
        &self.scope
    }

    /// How many tokens were fetched so far.
    pub(crate) fn fetches(&self) -> u64 {
        self.fetches.load(Ordering::Relaxed)
    }

    /// A valid token, from the cache or fetched.
    pub(crate) async fn token(&self) -> Result<Secret, DefenderError> {
        let mut cached = self.cached.lock().await;
        if let Some(current) = cached.as_ref()
            && Instant::now() < current.refresh_at
        {
            return Ok(current.token.clone());
        }
        let (token, lifetime) = self.fetch().await?;
        *cached = Some(Cached {
            token: token.clone(),
            refresh_at: Instant::now() + reuse_for(lifetime),
        });
        Ok(token)
    }

    /// Drops the cached token if it is still `used` (the API refused it).
    pub(crate) async fn invalidate(&self, used: &Secret) {
        let mut cached = self.cached.lock().await;
        if cached
            .as_ref()
            .is_some_and(|current| current.token == *used)
        {
            *cached = None;
        }
    }

    async fn fetch(&self) -> Result<(Secret, Duration), DefenderError> {
        self.fetches.fetch_add(1, Ordering::Relaxed);
        let client = BasicClient::new(ClientId::new(self.client_id.clone()))
            .set_client_secret(ClientSecret::new(self.client_secret.expose().to_owned()))
            .set_token_uri(TokenUrl::from_url(self.token_url.clone()))
            .set_auth_type(AuthType::RequestBody);
        let response = client
            .exchange_client_credentials()
            .add_scope(Scope::new(self.scope.clone()))
            .request_async(&self.http)
            .await
            .map_err(|error| DefenderError::Token(token_error(error)))?;
        let lifetime = response.expires_in().unwrap_or(DEFAULT_LIFETIME);
        tracing::debug!(
            lifetime_secs = lifetime.as_secs(),
            "fetched a Defender API token"
        );
        Ok((
            Secret::new(response.access_token().secret().clone()),
            lifetime,
        ))
    }
}

/// How long a token of `lifetime` is reused: until 5 minutes before expiry, or a tenth of the
/// lifetime before it for tokens shorter than 50 minutes.
pub(crate) fn reuse_for(lifetime: Duration) -> Duration {
    lifetime.saturating_sub(MAX_MARGIN.min(lifetime / 10))
}

fn token_error(
    error: RequestTokenError<HttpClientError<reqwest::Error>, BasicErrorResponse>,
) -> TokenError {
    match error {
        RequestTokenError::ServerResponse(response) => TokenError {
            error: response.error().to_string(),
            description: response.error_description().cloned(),
            transport: false,
            network: None,
        },
        RequestTokenError::Request(request) => {
            let network = match &request {
                HttpClientError::Reqwest(error) => Some(classify(error)),
                _ => None,
            };
            let detail = network
                .as_ref()
                .map_or_else(|| request.to_string(), |failure| failure.detail.clone());
            TokenError {
                error: format!("the token endpoint could not be reached: {detail}"),
                description: None,
                transport: true,
                network,
            }
        }
        RequestTokenError::Parse(parse, body) => TokenError {
            error: format!("the token endpoint's answer is not a token: {parse}"),
            description: Some(snippet(&body)),
            transport: false,
            network: None,
        },
        RequestTokenError::Other(other) => TokenError {
            error: other,
            description: None,
            transport: false,
            network: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_refreshed_five_minutes_or_a_tenth_early() {
        // The documented hour: refreshed 5 minutes before expiry.
        assert_eq!(
            reuse_for(Duration::from_secs(3599)),
            Duration::from_secs(3299)
        );
        // 50 minutes and up: still 5 minutes.
        assert_eq!(
            reuse_for(Duration::from_secs(3000)),
            Duration::from_secs(2700)
        );
        // Short tokens (the emulator's, in tests): a tenth of the lifetime.
        assert_eq!(reuse_for(Duration::from_secs(60)), Duration::from_secs(54));
        assert_eq!(
            reuse_for(Duration::from_secs(2)),
            Duration::from_millis(1800)
        );
        assert_eq!(reuse_for(Duration::ZERO), Duration::ZERO);
    }
}
