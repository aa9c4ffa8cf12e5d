//! The client's own, modest retries: 429 (honouring Retry-After), 5xx, timeouts and connection
//! errors, with exponential backoff and jitter. The engine has step-level retries on top, so the
//! defaults stay small and [`RetryPolicy::disabled`] turns them off.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// How many times and how long to retry a retryable failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Total attempts including the first (1 disables retries). Default 3.
    pub max_attempts: u32,
    /// Backoff before the first retry; doubled each time. Default 500 ms.
    pub base_delay: Duration,
    /// Upper bound of one backoff. Default 30 s.
    pub max_delay: Duration,
    /// A Retry-After longer than this is not waited for: the 429 is returned instead. Default 5 min.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(300),
        }
    }
}

impl RetryPolicy {
    /// No retries at all: every failure is returned at once.
    #[must_use]
    pub fn disabled() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// The backoff before retry number `retry` (1 for the first retry): exponential, capped, with
    /// "equal jitter" (between half and all of the exponential value).
    #[must_use]
    pub fn backoff(&self, retry: u32) -> Duration {
        let exponent = retry.saturating_sub(1).min(20);
        let full = self
            .base_delay
            .saturating_mul(1 << exponent)
            .min(self.max_delay);
        let half = full / 2;
        half + half.mul_f64(jitter_fraction())
    }
}

/// A pseudo-random fraction in [0, 1) from a shared xorshift state seeded by the clock; good
/// enough to spread retries, not meant for anything else.
fn jitter_fraction() -> f64 {
    static STATE: AtomicU64 = AtomicU64::new(0);
    let mut x = STATE.load(Ordering::Relaxed);
    if x == 0 {
        x = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0x9E37_79B9_7F4A_7C15, |elapsed| elapsed.as_nanos() as u64)
            | 1;
    }
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    STATE.store(x, Ordering::Relaxed);
    (x >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped_with_jitter() {
        let policy = RetryPolicy {
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(350),
            ..RetryPolicy::default()
        };
        for _ in 0..50 {
            let first = policy.backoff(1);
            assert!(
                first >= Duration::from_millis(50) && first <= Duration::from_millis(100),
                "{first:?}"
            );
            let second = policy.backoff(2);
            assert!(
                second >= Duration::from_millis(100) && second <= Duration::from_millis(200),
                "{second:?}"
            );
            let capped = policy.backoff(10);
            assert!(
                capped >= Duration::from_millis(175) && capped <= Duration::from_millis(350),
                "{capped:?}"
            );
        }
        assert_eq!(RetryPolicy::disabled().max_attempts, 1);
    }
}
