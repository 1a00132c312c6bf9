//! Installs what the build needs and is missing: the wasm32 target and the
//! npm packages pinned in `package-lock.json`. Nothing is downloaded at run
//! time by the build itself.

use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::process::{on_path, run, run_in_root};

/// The Rust target of the browser bundle.
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// Installs every missing tool.
pub fn ensure_all() -> Result<()> {
    ensure_wasm_target()?;
    ensure_npm_packages()
}

/// Adds the wasm32 target through rustup unless it is installed.
pub fn ensure_wasm_target() -> Result<()> {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .context("rustup is needed to add the wasm32 target")?;
    if String::from_utf8_lossy(&installed.stdout)
        .lines()
        .any(|line| line.trim() == WASM_TARGET)
    {
        return Ok(());
    }

    eprintln!("xtask: adding the {WASM_TARGET} target");
    run(Command::new("rustup").args(["target", "add", WASM_TARGET]))
}

/// Runs `npm ci` when `node_modules` is missing or older than the lock file.
pub fn ensure_npm_packages() -> Result<()> {
    if !on_path("npm") {
        bail!(
            "npm is needed for Tailwind, wasm-opt and the browser tests: install Node.js 20 or newer"
        );
    }

    let root = crate::root();
    let lock = std::fs::metadata(root.join("package-lock.json"))
        .and_then(|meta| meta.modified())
        .context("package-lock.json is missing")?;
    let installed = std::fs::metadata(root.join("node_modules/.package-lock.json"))
        .and_then(|meta| meta.modified())
        .ok();
    if installed.is_some_and(|installed| installed >= lock) {
        return Ok(());
    }

    eprintln!("xtask: installing the pinned npm packages");
    run_in_root("npm", &["ci", "--no-audit", "--no-fund"])
}

/// Path of a tool installed by npm.
pub fn npm_bin(name: &str) -> std::path::PathBuf {
    crate::root().join("node_modules/.bin").join(name)
}
