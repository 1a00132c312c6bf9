//! Per-address rate limits for the server functions that book, pay and look
//! bookings up.
//!
//! Those are the calls worth abusing: holding dates, trying card numbers,
//! guessing booking references. Each client address (see
//! [`client_addr`](super::client_addr)) gets a token bucket of
//! `RATE_LIMIT_PER_MINUTE` tokens that refills continuously; an empty bucket
//! answers 429 with `Retry-After`, in the server functions' error encoding.
//! An IPv6 client counts by its /64 network: one host is usually given a
//! whole /64, and counting each of its 2^64 addresses apart would let it
//! take a fresh bucket for every request.
//!
//! With Redis (`REDIS_URL`) the buckets live there, so every site process
//! sharing it counts against one limit per address, not one each. While
//! Redis cannot be reached, each process falls back to buckets of its own:
//! the limit still holds per process, and no guest request fails for it.

use std::{
    net::IpAddr,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use axum::{
    extract::Request,
    response::{IntoResponse, Response},
};
use doorstep_app::platform::SiteError;
use http::{HeaderValue, StatusCode, header};

use doorstep::{
    forwarded::client_key,
    rate_limit::{TokenBuckets, retry_after_secs},
};

use super::client_addr::{self, TrustedProxies};
use crate::{ops::metrics::Metrics, signature_cache::RedisStore};

/// After a Redis call fails, how long the limiter counts in this process
/// before asking Redis again: an unreachable Redis then delays one limited
/// request in this time, not every one by the store's deadline.
const REDIS_RETRY_AFTER: Duration = Duration::from_secs(1);

/// Token buckets by client: in Redis when there is one, else (and while it
/// is away) in this process.
pub struct RateLimiter {
    per_minute: u32,
    /// This process's buckets, by client (an IPv6 client by its /64).
    local: TokenBuckets<IpAddr>,
    shared: Option<RedisStore>,
    /// Until when Redis is left alone after a failure.
    redis_resting_until: Mutex<Option<Instant>>,
}

impl RateLimiter {
    /// Allows bursts of `per_minute` and `per_minute` a minute sustained.
    pub fn per_minute(per_minute: u32) -> Self {
        Self {
            per_minute: per_minute.max(1),
            local: TokenBuckets::per_minute(per_minute),
            shared: None,
            redis_resting_until: Mutex::default(),
        }
    }

    /// Keeps the buckets in `redis`, shared with every process using it.
    pub fn shared_through(mut self, redis: Option<RedisStore>) -> Self {
        self.shared = redis;
        self
    }

    /// Takes a token for `addr`, from Redis when it answers and from this
    /// process's buckets when it does not; on refusal, says how long until
    /// the next one.
    pub async fn take(&self, addr: IpAddr) -> Result<(), Duration> {
        if let Some(redis) = self.shared.as_ref().filter(|_| self.redis_is_due()) {
            let name = client_key(addr).to_string();
            match redis
                .take_token(&name, self.per_minute, self.per_minute)
                .await
            {
                Ok(None) => return Ok(()),
                Ok(Some(wait)) => return Err(wait),
                // The store has counted and logged the failure.
                Err(_) => self.rest_redis(),
            }
        }
        self.check(addr, Instant::now())
    }

    fn redis_is_due(&self) -> bool {
        let resting = self.redis_resting_until.lock().expect("never poisoned");
        resting.is_none_or(|until| Instant::now() >= until)
    }

    fn rest_redis(&self) {
        *self.redis_resting_until.lock().expect("never poisoned") =
            Some(Instant::now() + REDIS_RETRY_AFTER);
    }

    /// Takes a token for `addr` at `now`; on refusal, says how long until
    /// the next one.
    pub fn check(&self, addr: IpAddr, now: Instant) -> Result<(), Duration> {
        self.local.check_at(&client_key(addr), now)
    }
}

/// The per-address limit as the site applies it to requests.
#[derive(Clone)]
pub struct RateLimitState {
    /// The buckets.
    pub limiter: Arc<RateLimiter>,
    /// Whose `X-Forwarded-For` to believe.
    pub proxies: TrustedProxies,
    /// Where refusals are counted.
    pub metrics: Arc<Metrics>,
}

impl RateLimitState {
    /// The address the limit counts `request` against, if it has one.
    pub fn client(&self, request: &Request) -> Option<IpAddr> {
        client_addr::of_request(request, &self.proxies)
    }

    /// Takes a token for the client at `addr`; without one, gives the 429
    /// to answer with.
    pub async fn refusal(&self, addr: IpAddr) -> Option<Response> {
        let wait = self.limiter.take(addr).await.err()?;
        self.metrics.rate_limited.inc();
        tracing::warn!(client.address = %addr, "rate limit reached");
        let body =
            serde_json::to_string(&SiteError::TooManyRequests).expect("the error serializes");
        let mut response = (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response();
        let seconds = retry_after_secs(wait).to_string();
        response.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from_str(&seconds).expect("digits make a valid header"),
        );
        Some(response)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_beyond_the_limit_is_refused_then_refilled() {
        let limiter = RateLimiter::per_minute(3);
        let addr: IpAddr = "198.51.100.1".parse().unwrap();
        let start = Instant::now();

        for _ in 0..3 {
            limiter.check(addr, start).unwrap();
        }
        let wait = limiter.check(addr, start).unwrap_err();

        assert!(wait <= Duration::from_secs(20));
        assert!(limiter.check(addr, start + Duration::from_secs(21)).is_ok());
    }

    #[tokio::test]
    async fn without_redis_the_process_buckets_still_limit() {
        // Nothing listens on port 9 of loopback: every Redis call fails.
        let metrics = Arc::new(Metrics::new());
        let redis = RedisStore::new("redis://127.0.0.1:9", Arc::clone(&metrics)).unwrap();
        let limiter = RateLimiter::per_minute(2).shared_through(Some(redis));
        let addr: IpAddr = "198.51.100.7".parse().unwrap();

        assert!(limiter.take(addr).await.is_ok());
        assert!(limiter.take(addr).await.is_ok());
        assert!(limiter.take(addr).await.is_err());
        assert_eq!(
            metrics.redis_errors.get(),
            1,
            "after a failure, Redis is left alone for a while"
        );
    }

    #[test]
    fn an_ipv6_network_shares_one_bucket() {
        let limiter = RateLimiter::per_minute(2);
        let now = Instant::now();

        limiter
            .check("2001:db8:1:2::1".parse().unwrap(), now)
            .unwrap();
        limiter
            .check("2001:db8:1:2:ffff::9".parse().unwrap(), now)
            .unwrap();

        assert!(
            limiter
                .check("2001:db8:1:2::77".parse().unwrap(), now)
                .is_err()
        );
        assert!(
            limiter
                .check("2001:db8:1:3::1".parse().unwrap(), now)
                .is_ok()
        );
    }

    #[test]
    fn addresses_have_their_own_buckets() {
        let limiter = RateLimiter::per_minute(1);
        let now = Instant::now();

        limiter.check("198.51.100.1".parse().unwrap(), now).unwrap();

        assert!(limiter.check("198.51.100.2".parse().unwrap(), now).is_ok());
    }
}
