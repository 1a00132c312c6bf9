//! Logging set-up: `tracing` with the level taken from `RUST_LOG`.

use std::io::IsTerminal as _;

use tracing_subscriber::{EnvFilter, fmt};

/// Installs the global subscriber; `RUST_LOG` picks the level (default `info`).
///
/// Colours only on a terminal: a log file or a collector gets plain text
/// (and the site does not spend time colouring the fields of every
/// request's span).
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_ansi(std::io::stdout().is_terminal())
        .init();
}
