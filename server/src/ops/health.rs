//! `/healthz`, `/readyz` and `/metrics`.
//!
//! `/healthz` says the process is serving. `/readyz` says whether it can do
//! its job: it answers 503 while the platform is unreachable, and reports the
//! Redis state without failing on it, because the site keeps serving without
//! Redis. Neither names a tenant, so both answer on any host of the public
//! listener, where load balancers probe. `/metrics` is served only on the
//! metrics listener, away from the public.

use std::sync::Arc;

use axum::{
    Json,
    extract::State,
    response::{IntoResponse, Response},
};
use http::{StatusCode, header};
use serde::Serialize;

use super::metrics::Metrics;
use crate::platform::PlatformClient;

/// What readiness needs.
#[derive(Clone)]
pub struct HealthState {
    /// The platform client (and through it, the signature cache).
    pub client: PlatformClient,
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
    let (platform_up, redis) = tokio::join!(
        state.client.is_reachable(),
        state.client.cache().check_redis()
    );
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
