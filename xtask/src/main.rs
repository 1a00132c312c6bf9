//! Doorstep's task runner: `cargo xtask <command>`.
//!
//! It replaces cargo-leptos (which downloads tools at run time and takes
//! twenty minutes to install) with plain cargo, the wasm-bindgen library
//! linked in at the exact version of the `wasm-bindgen` crate, and npm tools
//! pinned in `package-lock.json`. Every command first installs what is missing
//! and skips what is already there.

mod bundle;
mod demo;
mod process;
mod services;
mod test;
mod tools;
mod watch;

use std::{env, path::PathBuf, process::ExitCode};

use bundle::Bundle;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  demo     build everything, then run the platform with demo tenants and the site
  test     run every test: unit, integration (Redis, SQLite, PostgreSQL) and browser
  build    build the servers and the browser bundle (target/site)
  site     build only the browser bundle, stylesheet and assets (target/site);
           --dev skips the size optimizations for a quicker rebuild
  watch    rebuild the site and restart it whenever app, server or style changes
  setup    only install the missing tools (wasm32 target, npm packages)
";

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("demo") => demo::run(),
        Some("test") => test::run(&args[1..]),
        Some("build") => tools::ensure_all().and_then(|()| bundle::build_all(Bundle::Release)),
        Some("site") => {
            let bundle = if args.iter().any(|arg| arg == "--dev") {
                Bundle::Dev
            } else {
                Bundle::Release
            };
            tools::ensure_all().and_then(|()| bundle::build_site(bundle))
        }
        Some("watch") => watch::run(),
        Some("setup") => tools::ensure_all(),
        _ => {
            eprint!("{USAGE}");
            return ExitCode::from(2);
        }
    };

    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("xtask: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root, whatever folder cargo was started from.
///
/// `cargo run` sets `CARGO_MANIFEST_DIR` for the process it starts; the path
/// compiled in is only the fallback, since a binary can outlive its checkout.
pub fn root() -> PathBuf {
    let manifest_dir = env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest_dir
        .parent()
        .expect("xtask lives one folder below the workspace root")
        .to_path_buf()
}

/// Where cargo puts its output for this workspace.
pub fn target_dir() -> PathBuf {
    env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
}
