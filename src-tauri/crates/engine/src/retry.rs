//! When to try a step again, and how long to wait first.
//!
//! Only retryable failures are retried (429, 5xx, timeouts, connection errors); a 400, 401, 403
//! or 404 fails the step at once with the API's own code. The wait doubles from `initial_delay`
//! up to `max_delay`, with "full jitter" (a random wait between half and all of it) so that many
//! runs failing together do not retry together; a `Retry-After` from the server wins when longer.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// A step's retry policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 = no retry).
    pub max_attempts: u32,
    pub initial_delay: Duration,
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            initial_delay: Duration::from_secs(2),
            max_delay: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// A policy for tests and benchmarks: same shape, tiny waits.
    pub fn fast(max_attempts: u32) -> Self {
        Self {
            max_attempts,
            initial_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(50),
        }
    }

    /// The wait before attempt `next_attempt` (2 for the first retry), or `None` when the
    /// attempts are used up. `jitter` is a number in `[0, 1)`; `retry_after` is the server's.
    pub fn delay_before(
        &self,
        next_attempt: u32,
        jitter: f64,
        retry_after: Option<Duration>,
    ) -> Option<Duration> {
        if next_attempt > self.max_attempts || next_attempt < 2 {
            return None;
        }
        let exponent = (next_attempt - 2).min(20);
        let base = self
            .initial_delay
            .saturating_mul(1 << exponent)
            .min(self.max_delay);
        let jittered = base.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0));
        Some(match retry_after {
            Some(server) if server > jittered => server,
            _ => jittered,
        })
    }
}

/// A cheap source of jitter: no need for a random-number crate to spread retries.
pub fn jitter() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    // The top 53 bits make a uniform float in [0, 1).
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_up_to_the_cap_then_stop() {
        let policy = RetryPolicy::default();
        let full = |attempt| policy.delay_before(attempt, 1.0, None);
        assert_eq!(full(1), None, "the first attempt does not wait");
        assert_eq!(full(2), Some(Duration::from_secs(2)));
        assert_eq!(full(3), Some(Duration::from_secs(4)));
        assert_eq!(full(4), Some(Duration::from_secs(8)));
        assert_eq!(full(5), None, "four attempts in all");
        let capped = RetryPolicy {
            max_attempts: 30,
            ..policy
        };
        assert_eq!(
            capped.delay_before(20, 1.0, None),
            Some(Duration::from_secs(60))
        );
    }

    #[test]
    fn jitter_spreads_between_half_and_all() {
        let policy = RetryPolicy::default();
        assert_eq!(
            policy.delay_before(3, 0.0, None),
            Some(Duration::from_secs(2))
        );
        let value = jitter();
        assert!((0.0..1.0).contains(&value));
    }

    #[test]
    fn a_longer_retry_after_wins() {
        let policy = RetryPolicy::default();
        assert_eq!(
            policy.delay_before(2, 1.0, Some(Duration::from_secs(30))),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            policy.delay_before(2, 1.0, Some(Duration::from_millis(1))),
            Some(Duration::from_secs(2))
        );
    }
}
