//! `/healthz`, `/readyz` and `/metrics`.
//!
//! `/healthz` says the process is serving. `/readyz` says whether it can do
//! its job: it answers 503 while the platform is unreachable, and reports the
//! Redis state without failing on it, because the site keeps serving without
//! Redis. Neither names a tenant, so both answer on any host of the public
//! listener, where load balancers probe. Since anyone can ask, an answer is
//! reused for a second: a flood of `/readyz` costs the platform and Redis
//! one probe a second per worker, not one each. `/metrics` is served only
//! on the metrics listener, away from the public.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use axum::{
    Json,
    extract::State,
    response::{IntoResponse, Response},
};
use http::{StatusCode, header};
use serde::Serialize;

use super::metrics::Metrics;
use crate::{platform::PlatformClient, signature_cache::RedisState};

/// How long a readiness answer is reused.
const PROBE_REUSED_FOR: Duration = Duration::from_secs(1);

/// What readiness needs.
#[derive(Clone)]
pub struct HealthState {
    /// The platform client (and through it, the signature cache).
    client: PlatformClient,
    /// The last probe and when it was made; held while probing, so
    /// concurrent requests share one probe.
    last: Arc<tokio::sync::Mutex<Option<(Instant, Probe)>>>,
}

impl HealthState {
    /// Readiness of the platform behind `client` and of its cache's Redis.
    pub fn new(client: PlatformClient) -> Self {
        Self {
            client,
            last: Arc::default(),
        }
    }

    /// The platform's and Redis's state, probed at most once a second.
    async fn probe(&self) -> Probe {
        let mut last = self.last.lock().await;
        if let Some((at, probe)) = *last
            && at.elapsed() < PROBE_REUSED_FOR
        {
            return probe;
        }
        let (platform_up, redis) = tokio::join!(
            self.client.is_reachable(),
            self.client.cache().check_redis()
        );
        let probe = Probe { platform_up, redis };
        *last = Some((Instant::now(), probe));
        probe
    }
}

/// One look at what the site depends on.
#[derive(Debug, Clone, Copy)]
struct Probe {
    platform_up: bool,
    redis: RedisState,
}

/// The body of `/readyz`.
#[derive(Debug, Serialize)]
pub struct Readiness {
    /// `ready` or `unavailable`.
    pub status: &'static str,
    /// `up` or `down`.
    pub platform: &'static str,
    /// `up`, `down` or `not_configured`.
    pub redis: &'static str,
}

/// `GET /healthz`.
pub async fn healthz() -> &'static str {
    "ok"
}

/// `GET /readyz`.
pub async fn readyz(State(state): State<HealthState>) -> Response {
    let Probe { platform_up, redis } = state.probe().await;
    let readiness = Readiness {
        status: if platform_up { "ready" } else { "unavailable" },
        platform: if platform_up { "up" } else { "down" },
        redis: redis.as_str(),
    };
    let status = if platform_up {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(readiness)).into_response()
}

/// `GET /metrics`, in the OpenMetrics text format Prometheus scrapes.
pub async fn metrics(State(metrics): State<Arc<Metrics>>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        metrics.encode(),
    )
        .into_response()
}
