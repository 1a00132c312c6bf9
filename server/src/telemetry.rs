//! Logging set-up: `tracing` with the level taken from `RUST_LOG`.

use tracing_subscriber::{EnvFilter, fmt};

/// Installs the global subscriber; `RUST_LOG` picks the level (default `info`).
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    fmt().with_env_filter(filter).with_target(false).init();
}
