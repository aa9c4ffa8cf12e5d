//! The typed operations. Every call goes through [`DefenderClient::call`]: wait for the tenant's
//! rate limiter, attach the cached token, send, refresh the token once on a 401, retry 429 (after
//! Retry-After) and 5xx/timeouts/connection errors per the [`RetryPolicy`], and decode the answer
//! or the error body.

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

/// The documented maximum of `$top`, also the page size of the "all" helpers.
pub const MAX_PAGE_SIZE: u32 = 10_000;

/// OData options of a list call.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListQuery {
    /// `$filter`, e.g. `lastUpdateTime ge 2019-11-22T00:00:00Z and severity eq 'High'`.
    pub filter: Option<String>,
    /// `$top` (at most 10,000). For the paging helpers it is the page size.
    pub top: Option<u32>,
    /// `$skip`.
    pub skip: Option<u32>,
    /// `$orderby`.
    pub orderby: Option<String>,
    /// `$expand=evidence` (alerts only).
    pub expand_evidence: bool,
    /// `$count=true`: ask for `@odata.count` (the connector passes it; not every endpoint honours it).
    pub count: bool,
}

impl ListQuery {
    /// No options.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `$filter`.
    #[must_use]
    pub fn filter(mut self, filter: impl Into<String>) -> Self {
        self.filter = Some(filter.into());
        self
    }

    /// Sets `$top`.
    #[must_use]
    pub fn top(mut self, top: u32) -> Self {
        self.top = Some(top);
        self
    }

    /// Sets `$skip`.
    #[must_use]
    pub fn skip(mut self, skip: u32) -> Self {
        self.skip = Some(skip);
        self
    }

    /// Sets `$orderby`.
    #[must_use]
    pub fn orderby(mut self, orderby: impl Into<String>) -> Self {
        self.orderby = Some(orderby.into());
        self
    }

    /// Adds `$expand=evidence`.
    #[must_use]
    pub fn expand_evidence(mut self) -> Self {
        self.expand_evidence = true;
        self
    }

    /// Asks for `@odata.count`.
    #[must_use]
    pub fn with_count(mut self) -> Self {
        self.count = true;
        self
    }

    fn apply(&self, url: &mut Url) {
        let mut pairs = url.query_pairs_mut();
        if let Some(filter) = &self.filter {
            pairs.append_pair("$filter", filter);
        }
        if let Some(top) = self.top {
            pairs.append_pair("$top", &top.to_string());
        }
        if let Some(skip) = self.skip {
            pairs.append_pair("$skip", &skip.to_string());
        }
        if let Some(orderby) = &self.orderby {
            pairs.append_pair("$orderby", orderby);
        }
        if self.expand_evidence {
            pairs.append_pair("$expand", "evidence");
        }
        if self.count {
            pairs.append_pair("$count", "true");
        }
        drop(pairs);
        if url.query() == Some("") {
            url.set_query(None);
        }
    }
}

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
struct Inner {
    api: Url,
    retry: RetryPolicy,
    timeout: Duration,
    hunting_timeout: Duration,
    http: reqwest::Client,
    tokens: TokenCache,
    /// Tokens of other resources (Microsoft Graph, ...) for the same app registration.
    other_tokens: std::sync::Mutex<HashMap<String, Arc<TokenCache>>>,
    token_url: Url,
    client_id: String,
    client_secret: Secret,
    limiter: Arc<TenantLimiter>,
}

/// A client of one tenant's Defender for Endpoint API. Cheap to clone; clones share the token and
/// the rate limiter.
#[derive(Debug, Clone)]
pub struct DefenderClient {
    inner: Arc<Inner>,
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

    // ---- Alerts ----

    /// `GET /api/alerts` with OData options; one page.
    ///
    /// # Errors
    /// Any [`DefenderError`].
    pub async fn list_alerts(&self, query: &ListQuery) -> Result<ODataList<Alert>, DefenderError> {
        self.get(Operation::ListAlerts, self.list_url(&["alerts"], query))
            .await
    }

    /// Every alert matching `query`, following `@odata.nextLink` or `$skip` (page size `$top`,
    /// default 10,000).
    ///
    /// # Errors
    /// The first failing page.
    pub async fn list_all_alerts(&self, query: &ListQuery) -> Result<Vec<Alert>, DefenderError> {
        self.alert_pages(query).collect_all().await
    }

    /// `GET /api/alerts`, one page, as the raw JSON the API returned (for step outputs).
    ///
    /// # Errors
    /// Any [`DefenderError`].
    pub async fn list_alerts_json(&self, query: &ListQuery) -> Result<Value, DefenderError> {
        self.get(Operation::ListAlerts, self.list_url(&["alerts"], query))
            .await
    }

    /// `GET /api/alerts/{id}` as raw JSON.
    ///
    /// # Errors
    /// Any [`DefenderError`]; 404 when unknown.
    pub async fn get_alert_json(&self, alert_id: &str) -> Result<Value, DefenderError> {
        self.get(Operation::GetAlert, self.url(&["alerts", alert_id]))
            .await
    }

    /// A pager over the alerts matching `query`, one page at a time.
    #[must_use]
    pub fn alert_pages(&self, query: &ListQuery) -> Pager<Alert> {
        Pager::new(self.clone(), Operation::ListAlerts, &["alerts"], query)
    }

    /// `GET /api/alerts/{id}`.
    ///
    /// # Errors
    /// Any [`DefenderError`]; 404 when unknown.
    pub async fn get_alert(&self, alert_id: &str) -> Result<Alert, DefenderError> {
        self.get(Operation::GetAlert, self.url(&["alerts", alert_id]))
            .await
    }

    /// `PATCH /api/alerts/{id}` with only the set fields.
    ///
    /// # Errors
    /// Any [`DefenderError`]; 404 when unknown.
    pub async fn update_alert(
        &self,
        alert_id: &str,
        update: &AlertUpdate,
    ) -> Result<Alert, DefenderError> {
        self.send(
            Operation::UpdateAlert,
            Method::PATCH,
            self.url(&["alerts", alert_id]),
            Some(update),
        )
        .await
    }

    /// `GET /api/alerts/{id}/machine`.
    ///
    /// # Errors
    /// Any [`DefenderError`]; 404 when the alert or machine is missing.
    pub async fn alert_machine(&self, alert_id: &str) -> Result<Machine, DefenderError> {
        self.get(
            Operation::AlertMachine,
            self.url(&["alerts", alert_id, "machine"]),
        )
        .await
    }

    // ---- Machines ----

    /// `GET /api/machines` with OData options; one page.
    ///
    /// # Errors
    /// Any [`DefenderError`] (documented: 404 when there are no recent machines).
    pub async fn list_machines(
        &self,
        query: &ListQuery,
    ) -> Result<ODataList<Machine>, DefenderError> {
        self.get(Operation::ListMachines, self.list_url(&["machines"], query))
            .await
    }

    /// Every machine matching `query`.
    ///
    /// # Errors
    /// The first failing page.
    pub async fn list_all_machines(
        &self,
        query: &ListQuery,
    ) -> Result<Vec<Machine>, DefenderError> {
        Pager::new(self.clone(), Operation::ListMachines, &["machines"], query)
            .collect_all()
            .await
    }

    /// `GET /api/machines/{id}` (device id or computer name).
    ///
    /// # Errors
    /// Any [`DefenderError`]; 404 when unknown.
    pub async fn get_machine(&self, machine_id: &str) -> Result<Machine, DefenderError> {
        self.get(Operation::GetMachine, self.url(&["machines", machine_id]))
            .await
    }

    /// `POST /api/machines/{id}/isolate` with `{"Comment","IsolationType"}`.
    ///
    /// # Errors
    /// Any [`DefenderError`]; see [`DefenderError::is_action_already_in_progress`].
    pub async fn isolate(
        &self,
        machine_id: &str,
        comment: &str,
        isolation_type: IsolationType,
    ) -> Result<MachineAction, DefenderError> {
        let body = IsolateRequest {
            comment: comment.to_owned(),
            isolation_type,
        };
        self.machine_action(Operation::Isolate, machine_id, "isolate", &body)
            .await
    }

    /// [`DefenderClient::isolate`] returning the raw MachineAction JSON.
    ///
    /// # Errors
    /// Any [`DefenderError`].
    pub async fn isolate_json(
        &self,
        machine_id: &str,
        comment: &str,
        isolation_type: IsolationType,
    ) -> Result<Value, DefenderError> {
        let body = IsolateRequest {
            comment: comment.to_owned(),
            isolation_type,
        };
        self.machine_action(Operation::Isolate, machine_id, "isolate", &body)
            .await
    }

    /// `POST /api/machines/{id}/unisolate` with `{"Comment"}`.
    ///
    /// # Errors
    /// Any [`DefenderError`].
    pub async fn unisolate(
        &self,
        machine_id: &str,
        comment: &str,
    ) -> Result<MachineAction, DefenderError> {
        let body = CommentRequest {
            comment: comment.to_owned(),
        };
        self.machine_action(Operation::Unisolate, machine_id, "unisolate", &body)
            .await
    }

    /// `POST /api/machines/{id}/runAntiVirusScan` with `{"Comment","ScanType"}`.
    ///
    /// # Errors
    /// Any [`DefenderError`].
    pub async fn run_antivirus_scan(
        &self,
        machine_id: &str,
        comment: &str,
        scan_type: ScanType,
    ) -> Result<MachineAction, DefenderError> {
        let body = ScanRequest {
            comment: comment.to_owned(),
            scan_type,
        };
        self.machine_action(
            Operation::RunAntivirusScan,
            machine_id,
            "runAntiVirusScan",
            &body,
        )
        .await
    }

    /// `POST /api/machines/{id}/collectInvestigationPackage` with `{"Comment"}`.
    ///
    /// # Errors
    /// Any [`DefenderError`]; 400 when a collection is already running.
    pub async fn collect_investigation_package(
        &self,
        machine_id: &str,
        comment: &str,
    ) -> Result<MachineAction, DefenderError> {
        let body = CommentRequest {
            comment: comment.to_owned(),
        };
        self.machine_action(
            Operation::CollectInvestigationPackage,
            machine_id,
            "collectInvestigationPackage",
            &body,
        )
        .await
    }

    /// `POST /api/machines/{id}/restrictCodeExecution` with `{"Comment"}`.
    ///
    /// # Errors
    /// Any [`DefenderError`].
    pub async fn restrict_code_execution(
        &self,
        machine_id: &str,
        comment: &str,
    ) -> Result<MachineAction, DefenderError> {
        let body = CommentRequest {
            comment: comment.to_owned(),
        };
        self.machine_action(
            Operation::RestrictCodeExecution,
            machine_id,
            "restrictCodeExecution",
            &body,
        )
        .await
    }

    /// `POST /api/machines/{id}/unrestrictCodeExecution` with `{"Comment"}`.
    ///
    /// # Errors
    /// Any [`DefenderError`].
    pub async fn unrestrict_code_execution(
        &self,
        machine_id: &str,
        comment: &str,
    ) -> Result<MachineAction, DefenderError> {
        let body = CommentRequest {
            comment: comment.to_owned(),
        };
        self.machine_action(
            Operation::UnrestrictCodeExecution,
            machine_id,
            "unrestrictCodeExecution",
            &body,
        )
        .await
    }

    // ---- Machine actions ----

    /// `GET /api/machineactions` with OData options (e.g. `machineId eq '...'`); one page.
    ///
    /// # Errors
    /// Any [`DefenderError`].
    pub async fn list_machine_actions(
        &self,
        query: &ListQuery,
    ) -> Result<ODataList<MachineAction>, DefenderError> {
        self.get(
            Operation::ListMachineActions,
            self.list_url(&["machineactions"], query),
        )
        .await
    }

    /// `GET /api/machineactions` as raw JSON; one page.
    ///
    /// # Errors
    /// Any [`DefenderError`].
    pub async fn list_machine_actions_json(
        &self,
        query: &ListQuery,
    ) -> Result<Value, DefenderError> {
        self.get(
            Operation::ListMachineActions,
            self.list_url(&["machineactions"], query),
        )
        .await
    }

    /// `GET /api/machineactions/{id}` as raw JSON.
    ///
    /// # Errors
    /// Any [`DefenderError`]; 404 when unknown.
    pub async fn get_machine_action_json(&self, action_id: &str) -> Result<Value, DefenderError> {
        self.get(
            Operation::GetMachineAction,
            self.url(&["machineactions", action_id]),
        )
        .await
    }

    /// `GET /api/machineactions/{id}`.
    ///
    /// # Errors
    /// Any [`DefenderError`]; 404 when unknown.
    pub async fn get_machine_action(
        &self,
        action_id: &str,
    ) -> Result<MachineAction, DefenderError> {
        self.get(
            Operation::GetMachineAction,
            self.url(&["machineactions", action_id]),
        )
        .await
    }

    /// `POST /api/machineactions/{id}/cancel` with `{"Comment"}`.
    ///
    /// # Errors
    /// Any [`DefenderError`].
    pub async fn cancel_machine_action(
        &self,
        action_id: &str,
        comment: &str,
    ) -> Result<MachineAction, DefenderError> {
        let body = CommentRequest {
            comment: comment.to_owned(),
        };
        self.send(
            Operation::CancelMachineAction,
            Method::POST,
            self.url(&["machineactions", action_id, "cancel"]),
            Some(&body),
        )
        .await
    }

    // ---- Hunting and indicators ----

    /// `POST /api/advancedqueries/run` with `{"Query"}`; waits for the hunting quota too.
    ///
    /// # Errors
    /// Any [`DefenderError`].
    pub async fn advanced_hunting(&self, query: &str) -> Result<HuntingResponse, DefenderError> {
        let body = HuntingRequest {
            query: query.to_owned(),
        };
        self.call(
            Operation::AdvancedHunting,
            Method::POST,
            self.url(&["advancedqueries", "run"]),
            Some(&body),
        )
        .await
    }

    /// Same as [`DefenderClient::advanced_hunting`] (the API calls it "advanced queries").
    ///
    /// # Errors
    /// Any [`DefenderError`].
    pub async fn advanced_query(&self, query: &str) -> Result<HuntingResponse, DefenderError> {
        self.advanced_hunting(query).await
    }

    /// `POST /api/indicators` (submit or update).
    ///
    /// # Errors
    /// Any [`DefenderError`]; 400 for a bad body.
    pub async fn submit_indicator(
        &self,
        indicator: &IndicatorRequest,
    ) -> Result<Indicator, DefenderError> {
        self.send(
            Operation::SubmitIndicator,
            Method::POST,
            self.url(&["indicators"]),
            Some(indicator),
        )
        .await
    }

    // ---- Plumbing ----

    async fn machine_action<T: DeserializeOwned, B: Serialize>(
        &self,
        operation: Operation,
        machine_id: &str,
        verb: &str,
        body: &B,
    ) -> Result<T, DefenderError> {
        self.send(
            operation,
            Method::POST,
            self.url(&["machines", machine_id, verb]),
            Some(body),
        )
        .await
    }

    /// `{api}/api/{segments...}` with each segment percent-encoded.
    fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.inner.api.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().push("api").extend(segments);
        }
        url
    }

    fn list_url(&self, segments: &[&str], query: &ListQuery) -> Url {
        let mut url = self.url(segments);
        query.apply(&mut url);
        url
    }

    async fn get<T: DeserializeOwned>(
        &self,
        operation: Operation,
        url: Url,
    ) -> Result<T, DefenderError> {
        self.call::<T, ()>(operation, Method::GET, url, None).await
    }

    async fn send<T: DeserializeOwned, B: Serialize>(
        &self,
        operation: Operation,
        method: Method,
        url: Url,
        body: Option<&B>,
    ) -> Result<T, DefenderError> {
        self.call(operation, method, url, body).await
    }

    /// One logical call with rate limiting, token, one refresh on 401 and the retry policy.
    async fn call<T: DeserializeOwned, B: Serialize>(
        &self,
        operation: Operation,
        method: Method,
        url: Url,
        body: Option<&B>,
    ) -> Result<T, DefenderError> {
        let inner = &self.inner;
        let hunting = operation == Operation::AdvancedHunting;
        let timeout = if hunting {
            inner.hunting_timeout
        } else {
            inner.timeout
        };
        let mut attempt: u32 = 0;
        let mut refreshed = false;
        loop {
            attempt += 1;
            if hunting {
                inner.limiter.acquire_hunting().await;
            } else {
                inner.limiter.acquire().await;
            }
            let token = match inner.tokens.token().await {
                Ok(token) => token,
                Err(error) => {
                    // An unreachable token endpoint is retried like the API; a refusal is not.
                    let Some(wait) = self.retry_wait(&error, attempt) else {
                        return Err(error);
                    };
                    tokio::time::sleep(wait).await;
                    continue;
                }
            };
            let mut request = inner
                .http
                .request(method.clone(), url.clone())
                .bearer_auth(token.expose())
                .header(header::ACCEPT, "application/json")
                .timeout(timeout);
            if let Some(body) = body {
                request = request.json(body);
            }
            let outcome = match request.send().await {
                Ok(response) => read(operation, timeout, response).await,
                Err(error) => Err(transport_error(operation, timeout, error)),
            };
            let error = match outcome {
                Ok((status, raw)) if status.is_success() => {
                    return decode(operation, status, &raw.bytes);
                }
                Ok((status, raw)) => {
                    if status == StatusCode::UNAUTHORIZED && !refreshed {
                        // The token expired or was revoked early: fetch a new one, once.
                        refreshed = true;
                        attempt -= 1;
                        inner.tokens.invalidate(&token).await;
                        tracing::debug!(%operation, "401 from the API; refreshing the token once");
                        continue;
                    }
                    DefenderError::Api(api_error(operation, status, &raw))
                }
                Err(error) => error,
            };
            let Some(wait) = self.retry_wait(&error, attempt) else {
                return Err(error);
            };
            if matches!(error, DefenderError::Timeout { .. }) && !operation.is_idempotent() {
                // The action may have been created; repeating it would give "already in progress".
                return Err(error);
            }
            tracing::warn!(%operation, attempt, wait_ms = wait.as_millis() as u64, %error, "retrying a Defender call");
            tokio::time::sleep(wait).await;
        }
    }

    /// How long to wait before retrying `error`, or `None` to give up.
    fn retry_wait(&self, error: &DefenderError, attempt: u32) -> Option<Duration> {
        let policy = &self.inner.retry;
        if attempt >= policy.max_attempts || !error.is_retryable() {
            return None;
        }
        match error.api().and_then(|api| api.retry_after) {
            Some(retry_after) if retry_after > policy.max_retry_after => None,
            Some(retry_after) => Some(retry_after),
            None => Some(policy.backoff(attempt)),
        }
    }
}

/// The body and the headers that matter of one answer.
struct RawAnswer {
    bytes: Vec<u8>,
    retry_after: Option<Duration>,
    request_id: Option<String>,
}

async fn read(
    operation: Operation,
    timeout: Duration,
    response: reqwest::Response,
) -> Result<(StatusCode, RawAnswer), DefenderError> {
    let status = response.status();
    let retry_after = response
        .headers()
        .get(header::RETRY_AFTER)
        .and_then(|value| value.to_str().ok())
        .and_then(|text| text.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    let request_id = response
        .headers()
        .get("request-id")
        .or_else(|| response.headers().get("x-ms-request-id"))
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let bytes = response
        .bytes()
        .await
        .map_err(|error| transport_error(operation, timeout, error))?;
    Ok((
        status,
        RawAnswer {
            bytes: bytes.to_vec(),
            retry_after,
            request_id,
        },
    ))
}

fn transport_error(
    operation: Operation,
    timeout: Duration,
    error: reqwest::Error,
) -> DefenderError {
    if error.is_timeout() {
        DefenderError::Timeout { operation, timeout }
    } else {
        DefenderError::Connection {
            operation,
            source: error,
        }
    }
}

fn decode<T: DeserializeOwned>(
    operation: Operation,
    status: StatusCode,
    bytes: &[u8],
) -> Result<T, DefenderError> {
    serde_json::from_slice(bytes).map_err(|error| DefenderError::Decode {
        operation,
        status: status.as_u16(),
        reason: error.to_string(),
        snippet: snippet(bytes),
    })
}

/// The error body when there is one; the status alone otherwise (a 500 has no message).
fn api_error(operation: Operation, status: StatusCode, raw: &RawAnswer) -> ApiError {
    let detail = serde_json::from_slice::<ErrorBody>(&raw.bytes)
        .map(|body| body.error)
        .unwrap_or_default();
    let message = if detail.message.is_empty() && detail.code.is_empty() && !raw.bytes.is_empty() {
        snippet(&raw.bytes)
    } else {
        detail.message
    };
    ApiError {
        operation,
        status: status.as_u16(),
        code: detail.code,
        message,
        request_id: detail.target.or_else(|| raw.request_id.clone()),
        retry_after: raw.retry_after,
    }
}

/// Pages through a list: follows `@odata.nextLink` (absolute, or relative to the request) when
/// the service gives one, otherwise advances `$skip` while pages come back full.
#[derive(Debug)]
pub struct Pager<T> {
    client: DefenderClient,
    operation: Operation,
    next: Option<Url>,
    base: Url,
    query: ListQuery,
    page_size: u32,
    skip: u32,
    _entity: std::marker::PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned> Pager<T> {
    fn new(
        client: DefenderClient,
        operation: Operation,
        segments: &[&str],
        query: &ListQuery,
    ) -> Self {
        let page_size = query.top.unwrap_or(MAX_PAGE_SIZE).clamp(1, MAX_PAGE_SIZE);
        let query = ListQuery {
            top: Some(page_size),
            ..query.clone()
        };
        let base = client.url(segments);
        let first = client.list_url(segments, &query);
        let skip = query.skip.unwrap_or(0);
        Self {
            client,
            operation,
            next: Some(first),
            base,
            query,
            page_size,
            skip,
            _entity: std::marker::PhantomData,
        }
    }

    /// The next page, or `None` after the last one.
    ///
    /// # Errors
    /// Any [`DefenderError`] of the page call; a nextLink to another host.
    pub async fn next_page(&mut self) -> Result<Option<Vec<T>>, DefenderError> {
        let Some(url) = self.next.take() else {
            return Ok(None);
        };
        let page: ODataList<T> = self.client.get(self.operation, url.clone()).await?;
        let received = u32::try_from(page.value.len()).unwrap_or(u32::MAX);
        if let Some(link) = page.next_link.filter(|link| !link.is_empty()) {
            let Some(next) = resolve_next_link(&url, &self.client.inner.api, &link) else {
                return Err(DefenderError::ForeignNextLink {
                    operation: self.operation,
                    link,
                });
            };
            self.next = Some(next);
        } else if received >= self.page_size && received > 0 {
            self.skip = self.skip.saturating_add(received);
            let mut next = self.base.clone();
            ListQuery {
                skip: Some(self.skip),
                ..self.query.clone()
            }
            .apply(&mut next);
            self.next = Some(next);
        }
        if page.value.is_empty() {
            self.next = None;
            return Ok(None);
        }
        Ok(Some(page.value))
    }

    /// Every remaining item.
    ///
    /// # Errors
    /// The first failing page.
    pub async fn collect_all(mut self) -> Result<Vec<T>, DefenderError> {
        let mut all = Vec::new();
        while let Some(page) = self.next_page().await? {
            all.extend(page);
        }
        Ok(all)
    }
}

/// `@odata.nextLink` resolved against the page it came with: absolute, absolute-path (`/api/...`)
/// or query-only (`?$skip=...`). `None` when it is invalid or leaves the API's origin (the token is
/// never sent elsewhere).
fn resolve_next_link(current: &Url, api: &Url, link: &str) -> Option<Url> {
    let next = current.join(link).ok()?;
    (next.origin() == api.origin()).then_some(next)
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
