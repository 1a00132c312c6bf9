//! Token-bucket rate limiting for signature issuing.
//!
//! Each key (a client ID, or a source address) has a bucket of `capacity`
//! tokens refilled at `capacity` per minute; a request takes one token or is
//! refused with the time until the next one. Buckets live in process
//! memory: with several platform instances the effective limit is the
//! per-instance limit times the instance count.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Buckets are forgotten once full again and this many keys are tracked,
/// so memory stays bounded under a flood of distinct keys.
const PRUNE_ABOVE: usize = 50_000;

/// The buckets, and the size at which they are next pruned.
#[derive(Debug)]
struct Buckets<K> {
    by_key: HashMap<K, Bucket>,
    /// A prune keeps every bucket touched within a refill time, so during a
    /// flood it may keep nearly all; the next waits until the map has
    /// doubled, so the flood costs one scan per doubling, not one per call.
    prune_at: usize,
}

/// A keyed token-bucket limiter.
#[derive(Debug)]
pub struct RateLimiter<K> {
    capacity: f64,
    per_second: f64,
    buckets: Mutex<Buckets<K>>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

impl<K: Eq + Hash + Clone> RateLimiter<K> {
    /// A limiter allowing `per_minute` requests per minute per key, in
    /// bursts of up to `per_minute`.
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

    /// Takes a token for `key`, or says how long until one is available.
    pub fn check(&self, key: &K) -> Result<(), Duration> {
        self.check_at(key, Instant::now())
    }

    fn check_at(&self, key: &K, now: Instant) -> Result<(), Duration> {
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        let Buckets { by_key, prune_at } = &mut *buckets;
        if by_key.len() > *prune_at {
            self.prune(by_key, now);
            *prune_at = PRUNE_ABOVE.max(by_key.len() * 2);
        }

        let bucket = by_key.entry(key.clone()).or_insert(Bucket {
            tokens: self.capacity,
            updated: now,
        });
        let elapsed = now.saturating_duration_since(bucket.updated).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * self.per_second).min(self.capacity);
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

    fn prune(&self, buckets: &mut HashMap<K, Bucket>, now: Instant) {
        let refill = Duration::from_secs_f64(self.capacity / self.per_second);
        buckets.retain(|_, b| now.saturating_duration_since(b.updated) < refill);
    }
}

/// Whole seconds to put in `Retry-After`, rounded up, at least one.
pub fn retry_after_secs(wait: Duration) -> u64 {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    secs.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_up_to_the_limit_passes_and_the_next_request_waits() {
        let limiter = RateLimiter::per_minute(3);
        let now = Instant::now();
        for _ in 0..3 {
            assert_eq!(limiter.check_at(&"a", now), Ok(()));
        }

        let wait = limiter.check_at(&"a", now).unwrap_err();
        assert_eq!(retry_after_secs(wait), 20);
        assert_eq!(
            limiter.check_at(&"b", now),
            Ok(()),
            "other keys are separate"
        );
    }

    #[test]
    fn a_flood_of_keys_is_pruned_once_per_doubling() {
        let limiter = RateLimiter::per_minute(2);
        let now = Instant::now();

        // Every bucket was just touched, so a prune keeps them all.
        for key in 0..=PRUNE_ABOVE + 1 {
            limiter.check_at(&key, now).unwrap();
        }
        let after_first = limiter.buckets.lock().unwrap().prune_at;
        limiter.check_at(&usize::MAX, now).unwrap();

        assert_eq!(after_first, 2 * (PRUNE_ABOVE + 1));
        assert_eq!(limiter.buckets.lock().unwrap().prune_at, after_first);
    }

    #[test]
    fn old_buckets_are_forgotten_by_a_prune() {
        let limiter = RateLimiter::per_minute(2);
        let start = Instant::now();
        for key in 0..=PRUNE_ABOVE {
            limiter.check_at(&key, start).unwrap();
        }

        limiter
            .check_at(&usize::MAX, start + Duration::from_secs(61))
            .unwrap();

        assert_eq!(limiter.buckets.lock().unwrap().by_key.len(), 1);
    }

    #[test]
    fn tokens_come_back_with_time() {
        let limiter = RateLimiter::per_minute(60);
        let start = Instant::now();
        for _ in 0..60 {
            limiter.check_at(&1, start).unwrap();
        }
        assert!(limiter.check_at(&1, start).is_err());
        assert_eq!(limiter.check_at(&1, start + Duration::from_secs(1)), Ok(()));
    }
}
