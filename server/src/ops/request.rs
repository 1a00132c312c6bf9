//! A span and an ID for every request, and its entry in the metrics.
//!
//! Each request runs inside an `http.request` span carrying a fresh
//! `request.id` (also returned as `x-request-id`); tenant resolution adds
//! `tenant.slug` and `tenant.client_id`, so every log line of a request,
//! platform calls included, names the tenant it was for.

use std::{sync::Arc, time::Instant};

use axum::{
    extract::{MatchedPath, Request, State},
    middleware::Next,
    response::Response,
};
use http::HeaderValue;
use tracing::{Instrument, field::Empty};

use super::metrics::Metrics;
use crate::security::random;

/// The ID of the current request.
#[derive(Debug, Clone)]
pub struct RequestId(pub Arc<str>);

/// Middleware: the request span, the request ID and the request metrics.
pub async fn trace_request(
    State(metrics): State<Arc<Metrics>>,
    mut request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let id: Arc<str> = uuid::Builder::from_random_bytes(random::token())
        .into_uuid()
        .simple()
        .to_string()
        .into();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("other", |path| path.as_str())
        .to_string();
    let method = request.method().clone();
    let span = tracing::info_span!(
        "http.request",
        http.method = %method,
        http.route = %route,
        request.id = %id,
        tenant.slug = Empty,
        tenant.client_id = Empty,
        http.status = Empty,
        duration_ms = Empty,
    );
    request.extensions_mut().insert(RequestId(Arc::clone(&id)));

    let mut response = next.run(request).instrument(span.clone()).await;

    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    span.record("http.status", status);
    span.record("duration_ms", elapsed.as_secs_f64() * 1000.0);
    metrics.request(&route, method.as_str(), status, elapsed);
    span.in_scope(|| {
        if status >= 500 {
            tracing::warn!("request failed");
        } else {
            tracing::debug!("request finished");
        }
    });

    response.headers_mut().insert(
        "x-request-id",
        HeaderValue::from_str(&id).expect("hex is a valid header"),
    );
    response
}
