//! `cargo xtask demo`: the platform with its demo tenants and the site in
//! front of it, on the embedded defaults.
//!
//! The platform writes the demo tenants' credentials to a private file
//! (mode 0600, under `target/`); this task hands them to the site through
//! environment variables named in `tenants/<slug>/tenant.toml`, so no key is
//! ever written into a folder a designer edits.

use std::{
    net::{SocketAddr, TcpStream},
    path::Path,
    process::Command,
    thread::sleep,
    time::{Duration, Instant},
};

use anyhow::{Context, Result, bail};

use crate::{
    bundle,
    process::{self, Children},
    tools,
};

const PMS_ADDR: &str = "127.0.0.1:4000";
const SITE_ADDR: &str = "127.0.0.1:3000";
/// Where the demo site serves `/metrics`, away from its public listener.
const SITE_METRICS_ADDR: &str = "127.0.0.1:9464";

/// Builds everything and runs both servers until Ctrl-C.
pub fn run() -> Result<()> {
    tools::ensure_all()?;
    bundle::build_all(bundle::Bundle::Release)?;

    let mut children = Children::default();
    process::stop_on_signal()?;
    start(&mut children)?;

    println!();
    println!("Doorstep demo is running (Ctrl-C stops it):");
    println!("  tenant index     http://localhost:3000/");
    for slug in demo_slugs()? {
        println!("  {slug:<16} http://{slug}.localhost:3000/");
    }
    println!("  platform API     http://{PMS_ADDR}/openapi.json");
    println!("  site metrics     http://{SITE_METRICS_ADDR}/metrics");
    println!();

    while !process::stop_requested() {
        sleep(Duration::from_millis(250));
        children.check_alive()?;
    }
    eprintln!("xtask: stopping the demo");
    Ok(())
}

/// Starts the platform and the site and waits until both answer.
pub fn start(children: &mut Children) -> Result<()> {
    let credentials = crate::target_dir().join("demo/credentials.json");
    let _ = std::fs::remove_file(&credentials);
    std::fs::create_dir_all(credentials.parent().expect("has a parent"))?;

    children.spawn(
        "doorstep-pms",
        Command::new(bundle::binary("doorstep-pms"))
            .args(["demo", "--credentials-out"])
            .arg(&credentials)
            .env("PMS_ADDR", PMS_ADDR)
            .current_dir(crate::root()),
    )?;
    wait_for(children, PMS_ADDR, "doorstep-pms")?;
    wait_for_file(&credentials)?;

    let mut site = Command::new(bundle::binary("doorstep-site"));
    site.env("SITE_ADDR", SITE_ADDR)
        .env("SITE_METRICS_ADDR", SITE_METRICS_ADDR)
        .env("SITE_ROOT", bundle::site_root())
        .env("PMS_URL", format!("http://{PMS_ADDR}"))
        .env("TENANTS_DIR", crate::root().join("tenants"))
        .current_dir(crate::root());
    for (name, value) in credential_env(&credentials)? {
        site.env(name, value);
    }
    children.spawn("doorstep-site", &mut site)?;
    wait_for(children, SITE_ADDR, "doorstep-site")
}

/// The slugs of the demo tenants, one folder each under `tenants/`.
fn demo_slugs() -> Result<Vec<String>> {
    let mut slugs = Vec::new();
    for entry in std::fs::read_dir(crate::root().join("tenants")).context("reading tenants/")? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            slugs.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    slugs.sort();
    Ok(slugs)
}

/// Maps the platform's credentials file to the variables the site reads:
/// `DOORSTEP_<SLUG>_CLIENT_ID` and `DOORSTEP_<SLUG>_API_KEY`.
fn credential_env(path: &Path) -> Result<Vec<(String, String)>> {
    let text = std::fs::read_to_string(path)?;
    let tenants: Vec<serde_json::Value> =
        serde_json::from_str(&text).context("the demo credentials file is not a JSON array")?;

    let mut vars = Vec::new();
    for tenant in tenants {
        let field = |name: &str| {
            tenant[name]
                .as_str()
                .map(str::to_string)
                .with_context(|| format!("a demo tenant has no {name}"))
        };
        let slug = field("slug")?.to_ascii_uppercase().replace('-', "_");
        vars.push((format!("DOORSTEP_{slug}_CLIENT_ID"), field("clientId")?));
        vars.push((format!("DOORSTEP_{slug}_API_KEY"), field("apiKey")?));
    }
    Ok(vars)
}

fn wait_for(children: &mut Children, addr: &str, name: &str) -> Result<()> {
    let addr: SocketAddr = addr.parse()?;
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        children.check_alive()?;
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return Ok(());
        }
        sleep(Duration::from_millis(200));
    }
    bail!("{name} did not start listening on {addr} within a minute")
}

fn wait_for_file(path: &Path) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if path.exists() {
            return Ok(());
        }
        sleep(Duration::from_millis(100));
    }
    bail!(
        "the platform wrote no demo credentials to {}",
        path.display()
    )
}
