//! `cargo xtask test`: every test of the workspace, then the browser tests.

use std::process::Command;

use anyhow::{Result, bail};

use crate::{bundle, process, services, tools};

/// Runs the whole suite. `--no-e2e` skips the browser tests and
/// `--e2e-only` runs nothing else (both are for the edit loop).
pub fn run(args: &[String]) -> Result<()> {
    let unit = !args.iter().any(|arg| arg == "--e2e-only");
    let e2e = !args.iter().any(|arg| arg == "--no-e2e");

    tools::ensure_all()?;
    services::ensure_all()?;
    if e2e {
        chromium()?;
    }

    bundle::build_servers()?;
    if unit {
        process::run(
            bundle::cargo()
                .args(["test", "--workspace", "--exclude", "xtask"])
                .current_dir(crate::root()),
        )?;
        demo_content()?;
    }

    if e2e {
        bundle::build_site(bundle::Bundle::Release)?;
        process::run(
            Command::new("node")
                .args(["--test", "--test-concurrency=1", "end2end/"])
                .env("DOORSTEP_BIN_DIR", crate::target_dir().join("debug"))
                .env("DOORSTEP_SITE_ROOT", bundle::site_root())
                .env("CHROMIUM", chromium()?)
                .current_dir(crate::root()),
        )?;
    }
    Ok(())
}

/// Checks the demo tenants' data, theme and image files against each other
/// and the loaders' rules, and tests the checker itself.
fn demo_content() -> Result<()> {
    process::run_in_root("python3", &["pms/demo/check.py"])?;
    process::run_in_root(
        "python3",
        &["-m", "unittest", "--quiet", "pms/demo/test_check.py"],
    )
}

/// The Chromium the browser tests drive: `$CHROMIUM`, or Debian's.
fn chromium() -> Result<String> {
    if let Ok(path) = std::env::var("CHROMIUM") {
        return Ok(path);
    }
    for path in ["/usr/bin/chromium", "/usr/bin/chromium-browser"] {
        if std::path::Path::new(path).exists() {
            return Ok(path.to_string());
        }
    }
    bail!(
        "the browser tests need Chromium: apt-get install -y chromium (or set CHROMIUM to its path)"
    )
}
