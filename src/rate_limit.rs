//! Token buckets kept in one process: the rate limits of the platform's
//! signature issuing, and the site's limits while Redis cannot be reached.
//!
//! Each key gets a bucket of `per_minute` tokens that refills continuously
//! at `per_minute` a minute; a request takes one token or is told how long
//! until the next one. A bucket that is full again is the same as a new one,
//! so once many keys are tracked the full buckets are forgotten, and memory
//! stays bounded under a flood of distinct keys.
//!
//! ```
//! use doorstep::rate_limit::TokenBuckets;
//!
//! let limits = TokenBuckets::per_minute(2);
//! assert!(limits.check(&"198.51.100.7").is_ok());
//! assert!(limits.check(&"198.51.100.7").is_ok());
//! assert!(limits.check(&"198.51.100.7").is_err());
//! assert!(limits.check(&"198.51.100.8").is_ok());
//! ```

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Above this many tracked keys, full buckets are forgotten.
pub const PRUNE_ABOVE: usize = 10_000;

/// A keyed token-bucket limiter, safe to share between threads.
#[derive(Debug)]
pub struct TokenBuckets<K> {
    capacity: f64,
    per_second: f64,
    buckets: Mutex<Buckets<K>>,
}

/// The buckets, and the size at which they are next pruned.
#[derive(Debug)]
struct Buckets<K> {
    by_key: HashMap<K, Bucket>,
    /// A prune keeps every bucket that is not full, so during a flood it
    /// may keep nearly all; the next waits until the map has doubled, so the
    /// flood costs one scan per doubling, not one per call.
    prune_at: usize,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

impl<K: Eq + Hash + Clone> TokenBuckets<K> {
    /// Allows bursts of `per_minute` and `per_minute` a minute sustained,
    /// per key (at least one).
    pub fn per_minute(per_minute: u32) -> Self {
        let capacity = f64::from(per_minute.max(1));
        Self {
            capacity,
            per_second: capacity / 60.0,
            buckets: Mutex::new(Buckets {
                by_key: HashMap::new(),
                prune_at: PRUNE_ABOVE,
            }),
        }
    }

    /// Takes a token for `key` now, or says how long until one is there.
    pub fn check(&self, key: &K) -> Result<(), Duration> {
        self.check_at(key, Instant::now())
    }

    /// Takes a token for `key` at `now`, or says how long until one is
    /// there.
    pub fn check_at(&self, key: &K, now: Instant) -> Result<(), Duration> {
        // A panic elsewhere cannot leave the map half-changed: every update
        // below is a single insert, retain or field write.
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let Buckets { by_key, prune_at } = &mut *buckets;
        if by_key.len() > *prune_at {
            by_key.retain(|_, bucket| self.refilled(bucket, now) < self.capacity);
            *prune_at = PRUNE_ABOVE.max(by_key.len() * 2);
        }

        let bucket = by_key.entry(key.clone()).or_insert(Bucket {
            tokens: self.capacity,
            updated: now,
        });
        bucket.tokens = self.refilled(bucket, now).min(self.capacity);
        bucket.updated = now;

        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64(
                (1.0 - bucket.tokens) / self.per_second,
            ))
        }
    }

    /// The tokens `bucket` would hold at `now`, before the cap.
    fn refilled(&self, bucket: &Bucket, now: Instant) -> f64 {
        let elapsed = now.saturating_duration_since(bucket.updated).as_secs_f64();
        bucket.tokens + elapsed * self.per_second
    }

    #[cfg(test)]
    fn tracked(&self) -> (usize, usize) {
        let buckets = self.buckets.lock().unwrap();
        (buckets.by_key.len(), buckets.prune_at)
    }
}

/// Whole seconds to put in `Retry-After` for `wait`: rounded up, at least
/// one.
pub fn retry_after_secs(wait: Duration) -> u64 {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    secs.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_up_to_the_limit_passes_and_the_next_request_waits() {
        let limits = TokenBuckets::per_minute(3);
        let now = Instant::now();
        for _ in 0..3 {
            assert_eq!(limits.check_at(&"a", now), Ok(()));
        }

        let wait = limits.check_at(&"a", now).unwrap_err();

        assert_eq!(retry_after_secs(wait), 20);
        assert_eq!(
            limits.check_at(&"b", now),
            Ok(()),
            "other keys are separate"
        );
    }

    #[test]
    fn tokens_come_back_with_time() {
        let limits = TokenBuckets::per_minute(60);
        let start = Instant::now();
        for _ in 0..60 {
            limits.check_at(&1, start).unwrap();
        }

        assert!(limits.check_at(&1, start).is_err());
        assert_eq!(limits.check_at(&1, start + Duration::from_secs(1)), Ok(()));
    }

    #[test]
    fn a_flood_of_keys_is_pruned_once_per_doubling() {
        let limits = TokenBuckets::per_minute(2);
        let now = Instant::now();

        // Every bucket was just used, so none is full and a prune keeps all.
        for key in 0..=PRUNE_ABOVE + 1 {
            limits.check_at(&key, now).unwrap();
        }
        let (_, after_first) = limits.tracked();
        limits.check_at(&usize::MAX, now).unwrap();

        assert_eq!(after_first, 2 * (PRUNE_ABOVE + 1));
        assert_eq!(limits.tracked().1, after_first, "no second scan yet");
    }

    #[test]
    fn buckets_full_again_are_forgotten_by_a_prune() {
        let limits = TokenBuckets::per_minute(2);
        let start = Instant::now();
        for key in 0..=PRUNE_ABOVE {
            limits.check_at(&key, start).unwrap();
        }

        limits
            .check_at(&usize::MAX, start + Duration::from_secs(61))
            .unwrap();

        assert_eq!(limits.tracked().0, 1);
    }

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        assert_eq!(retry_after_secs(Duration::from_millis(1)), 1);
        assert_eq!(retry_after_secs(Duration::from_millis(1_001)), 2);
        assert_eq!(retry_after_secs(Duration::ZERO), 1);
    }
}
