//! Measures the time the site adds on top of calling the platform directly.
//!
//! Starts `doorstep-pms demo` (the binary next to this example, so build it
//! in the same profile) and a single-tenant site in this process, then sends
//! the same listing search both ways at the same concurrency:
//!
//! - **direct**: `GET /v1/clients/listings` to the platform with a valid
//!   signature, as a client that already holds one would;
//! - **site**: `POST /api/listings` to the site, which takes the signature
//!   from its cache, calls the platform, and answers the browser.
//!
//! The difference of the two latency distributions is the site's overhead.
//!
//! ```text
//! cargo build --release -p doorstep-pms
//! cargo run --release -p doorstep-site --example overhead -- [requests] [concurrency]
//! ```

use std::{
    net::SocketAddr,
    path::PathBuf,
    process::{Command, Stdio},
    sync::Arc,
    time::{Duration, Instant},
};

use doorstep_site::{settings::Settings, site};

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct DemoTenant {
    slug: String,
    client_id: String,
    api_key: String,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let requests = args.first().copied().unwrap_or(5_000);
    let concurrency = args.get(1).copied().unwrap_or(8);

    let (platform_url, tenant, mut platform) = start_platform().await?;
    let site_url = start_site(&platform_url, &tenant).await?;
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(256)
        .build()?;

    let signature: serde_json::Value = http
        .post(format!("{platform_url}/auth/signature"))
        .header("x-clientid", &tenant.client_id)
        .header("x-api-key", &tenant.api_key)
        .json(&serde_json::json!({"clientId": tenant.client_id}))
        .send()
        .await?
        .json()
        .await?;
    let (sig, timestamp) = (
        signature["data"]["signature"].as_str().unwrap().to_string(),
        signature["data"]["expiresAt"].as_str().unwrap().to_string(),
    );

    let direct = {
        let (http, url, tenant) = (http.clone(), platform_url.clone(), Arc::new(tenant));
        let (sig, timestamp) = (Arc::new(sig), Arc::new(timestamp));
        move || {
            http.get(format!("{url}/v1/clients/listings?page=1&pageSize=6"))
                .header("x-clientid", &tenant.client_id)
                .header("x-api-key", &tenant.api_key)
                .header("x-signature", sig.as_str())
                .header("x-timestamp", timestamp.as_str())
        }
    };
    let via_site = {
        let (http, url) = (http.clone(), site_url.clone());
        move || {
            http.post(format!("{url}/api/listings"))
                .header("content-type", "application/json")
                .body(r#"{"search":{"page":1,"pageSize":6}}"#)
        }
    };

    // Warm both paths (connections, caches, the site's signature).
    run(&direct, 500, concurrency).await?;
    run(&via_site, 500, concurrency).await?;

    println!("{requests} requests per path, concurrency {concurrency}");
    let mut direct_all = Vec::new();
    let mut site_all = Vec::new();
    // Alternate rounds so both paths see the same machine conditions.
    for _ in 0..5 {
        direct_all.extend(run(&direct, requests / 5, concurrency).await?);
        site_all.extend(run(&via_site, requests / 5, concurrency).await?);
    }
    let (d, s) = (percentiles(&mut direct_all), percentiles(&mut site_all));
    println!(
        "{:<10} {:>10} {:>10} {:>10}",
        "", "p50 ms", "p90 ms", "p99 ms"
    );
    println!("{:<10} {:>10.3} {:>10.3} {:>10.3}", "direct", d.0, d.1, d.2);
    println!("{:<10} {:>10.3} {:>10.3} {:>10.3}", "site", s.0, s.1, s.2);
    println!(
        "{:<10} {:>10.3} {:>10.3} {:>10.3}",
        "overhead",
        s.0 - d.0,
        s.1 - d.1,
        s.2 - d.2
    );

    let _ = platform.kill();
    Ok(())
}

/// Sends `n` requests made by `make`, `concurrency` at a time; returns each
/// latency in milliseconds.
async fn run(
    make: &(impl Fn() -> reqwest::RequestBuilder + Clone + Send + 'static),
    n: usize,
    concurrency: usize,
) -> anyhow::Result<Vec<f64>> {
    let per_worker = n / concurrency;
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let make = make.clone();
            tokio::spawn(async move {
                let mut latencies = Vec::with_capacity(per_worker);
                for _ in 0..per_worker {
                    let started = Instant::now();
                    let response = make().send().await?;
                    let status = response.status();
                    response.bytes().await?;
                    anyhow::ensure!(status.is_success(), "a request failed with {status}");
                    latencies.push(started.elapsed().as_secs_f64() * 1000.0);
                }
                Ok::<_, anyhow::Error>(latencies)
            })
        })
        .collect();
    let mut all = Vec::with_capacity(n);
    for worker in workers {
        all.extend(worker.await??);
    }
    Ok(all)
}

fn percentiles(latencies: &mut [f64]) -> (f64, f64, f64) {
    latencies.sort_by(f64::total_cmp);
    let at = |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];
    (at(0.50), at(0.90), at(0.99))
}

async fn start_platform() -> anyhow::Result<(String, DemoTenant, std::process::Child)> {
    let exe = std::env::current_exe()?;
    let bin = exe
        .parent()
        .and_then(|p| p.parent())
        .map(PathBuf::from)
        .unwrap();
    let dir = std::env::temp_dir().join(format!("doorstep-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let credentials = dir.join("credentials.json");
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let child = Command::new(bin.join("doorstep-pms"))
        .args(["demo", "--credentials-out"])
        .arg(&credentials)
        .env("PMS_ADDR", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "error")
        .current_dir(&dir)
        .stdout(Stdio::null())
        .spawn()?;
    let url = format!("http://127.0.0.1:{port}");
    for _ in 0..600 {
        if credentials.exists() && reqwest::get(format!("{url}/openapi.json")).await.is_ok() {
            let text = std::fs::read_to_string(&credentials)?;
            let tenants: Vec<DemoTenant> = serde_json::from_str(&text)?;
            let tenant = tenants.into_iter().find(|t| t.slug == "bali").unwrap();
            return Ok((url, tenant, child));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("the platform did not start")
}

async fn start_site(platform_url: &str, tenant: &DemoTenant) -> anyhow::Result<String> {
    let pairs = [
        ("APP_CLIENT_ID", tenant.client_id.clone()),
        ("APP_API_KEY", tenant.api_key.clone()),
        ("PMS_URL", platform_url.to_string()),
    ];
    let settings = Settings::from_lookup(|name| {
        pairs
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
    })?;
    let site = site::build(&settings)?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move {
        axum::serve(
            listener,
            site.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    Ok(url)
}
