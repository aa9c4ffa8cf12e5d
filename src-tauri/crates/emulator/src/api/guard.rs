//! The guard in front of every `/api` route: the request log, injected faults, the bearer
//! token and the documented quotas (per minute, per hour, and advanced hunting's own).

use super::*;

pub(super) const MALFORMED_BODY: &str =
    "{\"@odata.context\":\"$metadata#Alerts\",\"value\":[{\"id\":\"da6374";

pub(super) fn malformed(status: StatusCode) -> Response {
    let mut response = (status, MALFORMED_BODY).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

pub(super) fn take_fault(shared: &Shared, method: &Method, path: &str) -> Option<FaultSpec> {
    let mut inner = shared.lock();
    let fault = inner.faults.iter_mut().find(|f| {
        f.count > 0
            && path.contains(&f.path_contains)
            && f.method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method.as_str()))
    })?;
    fault.count -= 1;
    let taken = fault.clone();
    inner.faults.retain(|f| f.count > 0);
    Some(taken)
}

pub(super) fn check_token(shared: &Shared, headers: &HeaderMap) -> Result<(), ApiError> {
    let unauthorized =
        |message: &str| ApiError::new(StatusCode::UNAUTHORIZED, "Unauthorized", message);
    let Some(value) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return Err(unauthorized(
            "Authorization header is missing: send 'Authorization: Bearer <token>'",
        ));
    };
    let Some(token) = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
    else {
        return Err(unauthorized(
            "The Authorization header must use the Bearer scheme",
        ));
    };
    let inner = shared.lock();
    match inner.tokens.get(token.trim()) {
        None => Err(unauthorized("The access token is invalid")),
        Some(expiry) if *expiry <= Instant::now() => {
            Err(unauthorized("The access token has expired"))
        }
        Some(_) => Ok(()),
    }
}

pub(super) fn check_quota(shared: &Shared, hunting: bool) -> Result<(), ApiError> {
    let Some(quota) = &shared.config.quota else {
        return Ok(());
    };
    let now = Instant::now();
    let minute = quota.minute_window();
    let hour = quota.hour_window();
    let mut inner = shared.lock();
    let counters = &mut inner.quota;
    for (queue, window) in [
        (&mut counters.minute, minute),
        (&mut counters.hour, hour),
        (&mut counters.hunting, minute),
    ] {
        while queue
            .front()
            .is_some_and(|t| now.duration_since(*t) >= window)
        {
            queue.pop_front();
        }
    }
    let mut limits = vec![
        (&counters.minute, quota.per_minute, minute, "minute"),
        (&counters.hour, quota.per_hour, hour, "hour"),
    ];
    if hunting {
        limits.push((
            &counters.hunting,
            quota.hunting_per_minute,
            minute,
            "minute (advanced hunting)",
        ));
    }
    for (queue, limit, window, name) in limits {
        if queue.len() >= usize::try_from(limit).unwrap_or(usize::MAX) {
            let wait = queue
                .front()
                .map_or(window, |t| window.saturating_sub(now.duration_since(*t)));
            let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            let mut error = ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "TooManyRequests",
                format!(
                    "Rate limit is exceeded: {limit} calls per {name}. Try again in {} seconds.",
                    seconds.max(1)
                ),
            );
            error.retry_after = Some(seconds.max(1));
            return Err(error);
        }
    }
    counters.minute.push_back(now);
    counters.hour.push_back(now);
    if hunting {
        counters.hunting.push_back(now);
    }
    Ok(())
}

/// In front of every API route: logs the call, applies faults, checks the bearer token and quotas.
pub(super) async fn guard(
    State(shared): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let query = request.uri().query().map(str::to_owned);
    let time = fmt_time(seed::now());
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, 16 * 1024 * 1024)
        .await
        .unwrap_or_default();
    let logged_body =
        if matches!(method, Method::POST | Method::PATCH | Method::PUT) && !bytes.is_empty() {
            Some(RequestBody::from_bytes(&bytes))
        } else {
            None
        };
    let request = Request::from_parts(parts, Body::from(bytes));
    let response = guarded(&shared, &method, &path, request, next).await;
    shared.record(RequestRecord {
        method: method.to_string(),
        path,
        query,
        status: response.status().as_u16(),
        time,
        body: logged_body,
    });
    response
}

pub(super) async fn guarded(
    shared: &Shared,
    method: &Method,
    path: &str,
    request: Request,
    next: Next,
) -> Response {
    let fault = take_fault(shared, method, path);
    if let Some(fault) = &fault {
        if fault.delay_ms > 0 {
            tokio::time::sleep(Duration::from_millis(fault.delay_ms)).await;
        }
        if let Some(status) = fault.status {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let mut response = if fault.malformed_body {
                malformed(status)
            } else {
                let message = if status == StatusCode::TOO_MANY_REQUESTS {
                    "Rate limit is exceeded (injected fault)"
                } else {
                    "Injected fault"
                };
                ApiError::new(status, status_code_name(status), message).into_response()
            };
            let retry_after = fault
                .retry_after
                .or((status == StatusCode::TOO_MANY_REQUESTS).then_some(1));
            if let Some(seconds) = retry_after
                && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
            {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            return response;
        }
    }
    if let Err(error) = check_token(shared, request.headers()) {
        let mut response = error.into_response();
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        return response;
    }
    if let Err(error) = check_quota(
        shared,
        path.to_ascii_lowercase().contains("/advancedqueries"),
    ) {
        return error.into_response();
    }
    let response = next.run(request).await;
    if fault.is_some_and(|f| f.malformed_body) {
        return malformed(response.status());
    }
    response
}
