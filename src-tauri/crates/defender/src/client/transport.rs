//! The one call every operation goes through, and reading its answer.

use super::*;

impl DefenderClient {
    pub(super) async fn machine_action<T: DeserializeOwned, B: Serialize>(
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
    pub(super) fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.inner.api.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().push("api").extend(segments);
        }
        url
    }

    pub(super) fn list_url(&self, segments: &[&str], query: &ListQuery) -> Url {
        let mut url = self.url(segments);
        query.apply(&mut url);
        url
    }

    pub(super) async fn get<T: DeserializeOwned>(
        &self,
        operation: Operation,
        url: Url,
    ) -> Result<T, DefenderError> {
        self.call::<T, ()>(operation, Method::GET, url, None).await
    }

    pub(super) async fn send<T: DeserializeOwned, B: Serialize>(
        &self,
        operation: Operation,
        method: Method,
        url: Url,
        body: Option<&B>,
    ) -> Result<T, DefenderError> {
        self.call(operation, method, url, body).await
    }

    /// One logical call with rate limiting, token, one refresh on 401 and the retry policy.
    pub(super) async fn call<T: DeserializeOwned, B: Serialize>(
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
    pub(super) fn retry_wait(&self, error: &DefenderError, attempt: u32) -> Option<Duration> {
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
pub(super) struct RawAnswer {
    bytes: Vec<u8>,
    retry_after: Option<Duration>,
    request_id: Option<String>,
}

pub(super) async fn read(
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

pub(super) fn transport_error(
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

pub(super) fn decode<T: DeserializeOwned>(
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
pub(super) fn api_error(operation: Operation, status: StatusCode, raw: &RawAnswer) -> ApiError {
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
