//! One call budget per tenant, shared by every flow and every call, so Flowguard never causes a
//! 429 by itself: calls wait in a queue (`until_ready`) instead of failing.
//!
//! Microsoft counts calls in sliding windows (100 a minute, 1,500 an hour, 45 hunting calls a
//! minute). A GCRA limiter with burst `b` and refill interval `T` admits at most `b + W/T` calls in
//! any window `W`, so the limiter keeps a tenth of each budget as burst and another tenth as
//! headroom for network jitter, and refills the rest evenly: never more than the quota in any
//! window, about 80 % of it sustained.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use governor::clock::DefaultClock;
use governor::state::{InMemoryState, NotKeyed};
use governor::{Quota, RateLimiter};

/// One quota: `calls` per `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub calls: u32,
    pub window: Duration,
}

/// The call budget of one tenant.
#[derive(Debug, Clone, PartialEq)]
pub struct RateLimits {
    /// Every call (default 100 per minute).
    pub per_minute: Option<Limit>,
    /// Every call (default 1,500 per hour).
    pub per_hour: Option<Limit>,
    /// Advanced hunting calls, on top of the above (default 45 per minute).
    pub hunting_per_minute: Option<Limit>,
}

impl RateLimits {
    /// The documented quotas.
    #[must_use]
    pub fn documented() -> Self {
        Self::documented_time_scaled(1.0)
    }

    /// The documented quotas with every window multiplied by `scale` (0.01 makes the minute 0.6 s),
    /// for tests against the emulator's time-scaled quotas.
    #[must_use]
    pub fn documented_time_scaled(scale: f64) -> Self {
        let minute = Duration::from_secs_f64(60.0 * scale);
        let hour = Duration::from_secs_f64(3600.0 * scale);
        Self {
            per_minute: Some(Limit {
                calls: 100,
                window: minute,
            }),
            per_hour: Some(Limit {
                calls: 1500,
                window: hour,
            }),
            hunting_per_minute: Some(Limit {
                calls: 45,
                window: minute,
            }),
        }
    }

    /// No limits at all (benchmarks against an emulator without quotas).
    #[must_use]
    pub fn unlimited() -> Self {
        Self {
            per_minute: None,
            per_hour: None,
            hunting_per_minute: None,
        }
    }
}

impl Default for RateLimits {
    fn default() -> Self {
        Self::documented()
    }
}

type Direct = RateLimiter<NotKeyed, InMemoryState, DefaultClock>;

/// The shared limiter of one tenant.
#[derive(Debug)]
pub struct TenantLimiter {
    limits: RateLimits,
    general: Vec<Direct>,
    hunting: Option<Direct>,
}

impl TenantLimiter {
    /// A limiter of its own (not shared); prefer [`TenantLimiter::shared`].
    #[must_use]
    pub fn new(limits: RateLimits) -> Self {
        let general = [limits.per_minute, limits.per_hour]
            .into_iter()
            .flatten()
            .map(direct)
            .collect();
        let hunting = limits.hunting_per_minute.map(direct);
        Self {
            limits,
            general,
            hunting,
        }
    }

    /// The process-wide limiter of `tenant_key` (API host + tenant id): every client of the same
    /// tenant gets the same one. The limits of the first caller win until [`TenantLimiter::forget`].
    #[must_use]
    pub fn shared(tenant_key: &str, limits: &RateLimits) -> Arc<Self> {
        let mut registry = registry()
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match registry.get(tenant_key) {
            Some(existing) if existing.limits == *limits => Arc::clone(existing),
            _ => {
                let limiter = Arc::new(Self::new(limits.clone()));
                registry.insert(tenant_key.to_owned(), Arc::clone(&limiter));
                limiter
            }
        }
    }

    /// Drops the shared limiter of `tenant_key` (when a connection is deleted or reconfigured).
    pub fn forget(tenant_key: &str) {
        registry()
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(tenant_key);
    }

    /// The limits this limiter enforces.
    #[must_use]
    pub fn limits(&self) -> &RateLimits {
        &self.limits
    }

    /// Waits until one call is allowed.
    pub async fn acquire(&self) {
        for limiter in &self.general {
            limiter.until_ready().await;
        }
    }

    /// Waits until one advanced hunting call is allowed (its own quota and the general one).
    pub async fn acquire_hunting(&self) {
        if let Some(hunting) = &self.hunting {
            hunting.until_ready().await;
        }
        self.acquire().await;
    }
}

fn registry() -> &'static Mutex<HashMap<String, Arc<TenantLimiter>>> {
    static REGISTRY: OnceLock<Mutex<HashMap<String, Arc<TenantLimiter>>>> = OnceLock::new();
    REGISTRY.get_or_init(Mutex::default)
}

/// A GCRA quota that never admits more than `limit.calls` in any `limit.window`, with a tenth kept
/// as burst and a tenth as headroom.
fn direct(limit: Limit) -> Direct {
    let calls = limit.calls.max(1);
    let tenth = calls / 10;
    let burst = tenth.max(1);
    let steady = calls.saturating_sub(burst + tenth).max(1);
    let interval = (limit.window / steady).max(Duration::from_nanos(1));
    let quota = Quota::with_period(interval)
        .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
        .allow_burst(NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN));
    RateLimiter::direct(quota)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[tokio::test]
    async fn never_admits_more_than_the_quota_in_any_window() {
        let window = Duration::from_millis(200);
        let limiter = TenantLimiter::new(RateLimits {
            per_minute: Some(Limit { calls: 20, window }),
            per_hour: None,
            hunting_per_minute: None,
        });
        let start = Instant::now();
        let mut admitted = Vec::new();
        tokio::time::timeout(Duration::from_secs(10), async {
            for _ in 0..60 {
                limiter.acquire().await;
                admitted.push(start.elapsed());
            }
        })
        .await
        .expect("the limiter must not hang");
        for (index, at) in admitted.iter().enumerate() {
            let in_window = admitted[index..]
                .iter()
                .take_while(|later| **later - *at < window)
                .count();
            assert!(
                in_window <= 20,
                "{in_window} calls within one window starting at {at:?}"
            );
        }
        assert!(
            start.elapsed() >= Duration::from_millis(400),
            "the calls must have waited"
        );
    }

    #[test]
    fn shared_limiters_are_one_per_tenant() {
        let limits = RateLimits::documented();
        let first = TenantLimiter::shared("https://a/ tenant-1", &limits);
        let again = TenantLimiter::shared("https://a/ tenant-1", &limits);
        let other = TenantLimiter::shared("https://a/ tenant-2", &limits);
        assert!(Arc::ptr_eq(&first, &again));
        assert!(!Arc::ptr_eq(&first, &other));
        TenantLimiter::forget("https://a/ tenant-1");
        assert!(!Arc::ptr_eq(
            &first,
            &TenantLimiter::shared("https://a/ tenant-1", &limits)
        ));
    }
}
