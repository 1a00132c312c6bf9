//! Builds the site: the servers, the browser bundle and the stylesheet.
//!
//! The layout matches what the site server expects under `SITE_ROOT`
//! (default `target/site`):
//!
//! ```text
//! target/site/pkg/doorstep.js     the wasm-bindgen glue
//! target/site/pkg/doorstep.wasm   the islands, optimized by wasm-opt -Oz
//! target/site/pkg/doorstep.css    Tailwind output
//! target/site/...                 everything in public/
//! ```

use std::{path::PathBuf, process::Command};

use anyhow::{Context, Result, bail};

use crate::{
    process::{copy_tree, run},
    tools::{WASM_TARGET, npm_bin},
};

/// The file name leptos looks for; must equal `LEPTOS_OUTPUT_NAME` in
/// `.cargo/config.toml`.
const OUTPUT_NAME: &str = "doorstep";

/// Folder the site server serves.
pub fn site_root() -> PathBuf {
    crate::target_dir().join("site")
}

/// How the browser bundle is compiled.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Bundle {
    /// Size-tuned (`wasm-release` profile, then `wasm-opt -Oz`): what guests
    /// download, and what the tests and the demo run.
    Release,
    /// Quick to rebuild (`wasm-dev` profile, no wasm-opt) for `cargo xtask
    /// watch`; several times larger.
    Dev,
}

impl Bundle {
    fn profile(self) -> &'static str {
        match self {
            Bundle::Release => "wasm-release",
            Bundle::Dev => "wasm-dev",
        }
    }
}

/// Builds the native binaries and the browser bundle.
pub fn build_all(bundle: Bundle) -> Result<()> {
    build_servers()?;
    build_site(bundle)
}

/// Builds `doorstep-site` and `doorstep-pms` in the dev profile.
///
/// The binaries come from `cargo test --no-run`: each server crate has
/// integration tests, for which cargo builds the crate's binary too, with the
/// feature set of the test run. A plain `cargo build` would resolve other
/// features (dev-dependencies change them) and compile much of the tree twice.
pub fn build_servers() -> Result<()> {
    run(cargo()
        .args(["test", "--workspace", "--exclude", "xtask", "--no-run"])
        .current_dir(crate::root()))?;

    for name in ["doorstep-site", "doorstep-pms"] {
        if !binary(name).exists() {
            bail!("cargo built no {name} binary: its crate needs an integration test under tests/");
        }
    }
    Ok(())
}

/// Path of a binary built by [`build_servers`].
pub fn binary(name: &str) -> PathBuf {
    crate::target_dir().join("debug").join(name)
}

/// Builds the browser bundle, the stylesheet and copies the public assets.
pub fn build_site(bundle: Bundle) -> Result<()> {
    let pkg = site_root().join("pkg");
    std::fs::create_dir_all(&pkg)?;

    copy_tree(&crate::root().join("public"), &site_root())?;
    build_wasm(&pkg, bundle)?;
    build_css(&pkg)?;
    report_sizes(&pkg);
    Ok(())
}

/// Compiles the app's islands to WebAssembly, generates the JS glue and, for
/// a release bundle, shrinks the module.
fn build_wasm(pkg: &std::path::Path, bundle: Bundle) -> Result<()> {
    run(cargo()
        .args(["build", "--package", "doorstep-app", "--lib"])
        .args(["--target", WASM_TARGET, "--profile", bundle.profile()])
        .args(["--no-default-features", "--features", "hydrate"])
        .current_dir(crate::root()))?;

    let compiled = crate::target_dir()
        .join(WASM_TARGET)
        .join(bundle.profile())
        .join("doorstep_app.wasm");
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(&compiled)
        .out_name(OUTPUT_NAME)
        .web(true)?
        .typescript(false)
        .generate(pkg)
        .context("wasm-bindgen could not process the bundle")?;

    // leptos asks for `<name>.wasm` when LEPTOS_OUTPUT_NAME is set at compile
    // time; wasm-bindgen writes `<name>_bg.wasm`. wasm-opt does the renaming.
    // Debian's wasm-opt 108 produces modules that fail in the browser, so only
    // the pinned npm binaryen is used.
    let unoptimized = pkg.join(format!("{OUTPUT_NAME}_bg.wasm"));
    let output = pkg.join(format!("{OUTPUT_NAME}.wasm"));
    if bundle == Bundle::Dev {
        std::fs::rename(&unoptimized, &output)?;
        return Ok(());
    }
    run(Command::new(npm_bin("wasm-opt"))
        .arg("-Oz")
        .args(WASM_FEATURES)
        .arg(&unoptimized)
        .arg("-o")
        .arg(&output))?;
    std::fs::remove_file(&unoptimized)?;
    Ok(())
}

/// The WebAssembly features rustc emits for wasm32-unknown-unknown, which
/// wasm-opt must accept.
const WASM_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-mutable-globals",
    "--enable-nontrapping-float-to-int",
    "--enable-reference-types",
    "--enable-sign-ext",
    "--enable-multivalue",
];

fn build_css(pkg: &std::path::Path) -> Result<()> {
    run(Command::new(npm_bin("tailwindcss"))
        .args(["--input", "style/main.css", "--minify", "--output"])
        .arg(pkg.join(format!("{OUTPUT_NAME}.css")))
        .current_dir(crate::root()))
}

fn report_sizes(pkg: &std::path::Path) {
    for file in ["wasm", "js", "css"] {
        let path = pkg.join(format!("{OUTPUT_NAME}.{file}"));
        let raw = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        let gzip = Command::new("sh")
            .arg("-c")
            .arg(format!("gzip -9 -c '{}' | wc -c", path.display()))
            .output()
            .ok()
            .and_then(|out| {
                String::from_utf8_lossy(&out.stdout)
                    .trim()
                    .parse::<u64>()
                    .ok()
            });
        match gzip {
            Some(gzip) => eprintln!("xtask: {OUTPUT_NAME}.{file}: {raw} bytes, {gzip} gzipped"),
            None => eprintln!("xtask: {OUTPUT_NAME}.{file}: {raw} bytes"),
        }
    }
}

/// `cargo`, as the one running this task.
pub fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}
