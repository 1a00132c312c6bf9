//! Operations: request tracing, health and readiness, Prometheus metrics.

pub mod health;
pub mod metrics;
pub mod request;
