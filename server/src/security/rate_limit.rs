//! Per-address rate limits for the server functions that book, pay and look
//! bookings up.
//!
//! Those are the calls worth abusing: holding dates, trying card numbers,
//! guessing booking references. Each client address (see
//! [`client_addr`](super::client_addr)) gets a token bucket of
//! `RATE_LIMIT_PER_MINUTE` tokens that refills continuously; an empty bucket
//! answers 429 with `Retry-After`, in the server functions' error encoding.

use std::{
    collections::HashMap,
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

use super::client_addr::{self, TrustedProxies};
use crate::ops::metrics::Metrics;

/// Above this many tracked addresses, full buckets are forgotten.
const PRUNE_ABOVE: usize = 10_000;

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

/// Token buckets by client address.
pub struct RateLimiter {
    per_minute: u32,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

impl RateLimiter {
    /// Allows bursts of `per_minute` and `per_minute` a minute sustained.
    pub fn per_minute(per_minute: u32) -> Self {
        Self {
            per_minute: per_minute.max(1),
            buckets: Mutex::default(),
        }
    }

    /// Takes a token for `addr` at `now`; on refusal, says how long until
    /// the next one.
    pub fn check(&self, addr: IpAddr, now: Instant) -> Result<(), Duration> {
        let capacity = f64::from(self.per_minute);
        let per_second = capacity / 60.0;
        let mut buckets = self
            .buckets
            .lock()
            .expect("the bucket lock is never poisoned");

        if buckets.len() > PRUNE_ABOVE {
            buckets.retain(|_, bucket| {
                bucket.tokens + now.duration_since(bucket.updated).as_secs_f64() * per_second
                    < capacity
            });
        }
        let bucket = buckets.entry(addr).or_insert(Bucket {
            tokens: capacity,
            updated: now,
        });
        let elapsed = now.saturating_duration_since(bucket.updated).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * per_second).min(capacity);
        bucket.updated = now;

        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / per_second))
        }
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
    /// Takes a token for the client's address; without one, gives the 429
    /// to answer with.
    pub fn refusal(&self, request: &Request) -> Option<Response> {
        let addr = client_addr::of_request(request, &self.proxies)?;
        let wait = self.limiter.check(addr, Instant::now()).err()?;
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
        let seconds = wait.as_secs().max(1).to_string();
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

    #[test]
    fn addresses_have_their_own_buckets() {
        let limiter = RateLimiter::per_minute(1);
        let now = Instant::now();

        limiter.check("198.51.100.1".parse().unwrap(), now).unwrap();

        assert!(limiter.check("198.51.100.2".parse().unwrap(), now).is_ok());
    }
}
