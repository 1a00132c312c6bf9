//! A span and an ID for every request, and its entry in the metrics.
//!
//! Each request runs inside an `http.request` span carrying a fresh
//! `request.id` (also returned as `x-request-id`); tenant resolution adds
//! `tenant.slug` and `tenant.client_id`, so every log line of a request,
//! platform calls included, names the tenant it was for.

use std::{future::Future, time::Instant};

use axum::{
    extract::{MatchedPath, Request},
    response::Response,
};
use http::HeaderValue;
use tracing::{Instrument, field::Empty};

use super::metrics::Metrics;
use crate::security::random;

/// Runs `handle` for `request` inside the request's span, then records the
/// outcome in the metrics and on the request's closing log line, and names
/// the request in the `x-request-id` response header.
pub async fn traced<F>(
    metrics: &Metrics,
    request: Request,
    handle: impl FnOnce(Request) -> F,
) -> Response
where
    F: Future<Output = Response>,
{
    let started = Instant::now();
    let id = uuid::Builder::from_random_bytes(random::token())
        .into_uuid()
        .simple()
        .to_string();
    // Static files and unknown paths share one label, so a scanner cannot
    // make the label set grow without bound.
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
    );
    let header = HeaderValue::from_str(&id).expect("hex is a valid header");

    let mut response = handle(request).instrument(span.clone()).await;

    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    metrics.request(&route, method.as_str(), status, elapsed);
    // The outcome goes on the closing line rather than into the span: a
    // field recorded into a span is formatted on the spot, on every
    // request, whether or not a line is ever written.
    let duration_ms = elapsed.as_secs_f64() * 1000.0;
    span.in_scope(|| {
        if status >= 500 {
            tracing::warn!(http.status = status, duration_ms, "request failed");
        } else {
            tracing::debug!(http.status = status, duration_ms, "request finished");
        }
    });
    response.headers_mut().insert("x-request-id", header);
    response
}
