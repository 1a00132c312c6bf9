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
//! - **bare proxy**: the same platform request forwarded by an axum server
//!   that does nothing else, the floor for any server in between.
//!
//! The difference of the latency distributions is the site's overhead; the
//! difference to the bare proxy is what the site's own work costs on top of
//! the extra network hop.
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

use doorstep_site::{ops::metrics::Metrics, settings::Settings, site};

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
    let (site_url, metrics) = start_site(&platform_url, &tenant).await?;
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

    let bare_url = start_bare_proxy(direct.clone()).await?;
    let via_bare = {
        let (http, url) = (http.clone(), bare_url);
        move || {
            http.post(format!("{url}/"))
                .body(r#"{"search":{"page":1,"pageSize":6}}"#)
        }
    };

    // Warm every path (connections, caches, the site's signature).
    run(&direct, 500, concurrency).await?;
    run(&via_bare, 500, concurrency).await?;
    run(&via_site, 500, concurrency).await?;

    println!("{requests} requests per path, concurrency {concurrency}");
    let (mut direct_all, mut bare_all, mut site_all) = (Vec::new(), Vec::new(), Vec::new());
    // Alternate rounds so every path sees the same machine conditions.
    for _ in 0..5 {
        direct_all.extend(run(&direct, requests / 5, concurrency).await?);
        bare_all.extend(run(&via_bare, requests / 5, concurrency).await?);
        site_all.extend(run(&via_site, requests / 5, concurrency).await?);
    }
    let d = percentiles(&mut direct_all);
    let b = percentiles(&mut bare_all);
    let s = percentiles(&mut site_all);
    let row = |name: &str, p: (f64, f64, f64)| {
        println!("{name:<22} {:>8.3} {:>8.3} {:>8.3}", p.0, p.1, p.2);
    };
    println!("{:<22} {:>8} {:>8} {:>8}", "", "p50 ms", "p90 ms", "p99 ms");
    row("direct to platform", d);
    row("through a bare proxy", b);
    row("through the site", s);
    row("site - direct", (s.0 - d.0, s.1 - d.1, s.2 - d.2));
    row("site - bare proxy", (s.0 - b.0, s.1 - b.1, s.2 - b.2));

    // Inside the site: its whole handling of a request (middleware, server
    // function, JSON both ways) minus the platform call it waited for.
    let text = metrics.encode();
    let value = |name: &str| -> f64 {
        text.lines()
            .find(|line| line.starts_with(name))
            .and_then(|line| line.rsplit(' ').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0.0)
    };
    let handled = "doorstep_site_http_request_duration_seconds";
    let route = "{route=\"/api/listings\",method=\"POST\"}";
    let called = "doorstep_site_platform_call_duration_seconds";
    let mean = |sum: f64, count: f64| sum / count.max(1.0) * 1000.0;
    println!(
        "inside the site, mean per request: handling {:.3} ms, of which waiting for the platform {:.3} ms",
        mean(
            value(&format!("{handled}_sum{route}")),
            value(&format!("{handled}_count{route}"))
        ),
        mean(
            value(&format!("{called}_sum")),
            value(&format!("{called}_count"))
        ),
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

/// The floor any proxy pays: an axum server whose one route forwards the
/// same platform request (signature already held) and returns its body, with
/// no tenancy, cache, middleware, rendering or JSON handling.
async fn start_bare_proxy(
    forward: impl Fn() -> reqwest::RequestBuilder + Clone + Send + Sync + 'static,
) -> anyhow::Result<String> {
    let app = axum::Router::new().route(
        "/",
        axum::routing::post(move || {
            let forward = forward.clone();
            async move {
                let response = forward()
                    .send()
                    .await
                    .map_err(|_| axum::http::StatusCode::BAD_GATEWAY)?;
                response
                    .bytes()
                    .await
                    .map_err(|_| axum::http::StatusCode::BAD_GATEWAY)
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Ok(url)
}

async fn start_site(
    platform_url: &str,
    tenant: &DemoTenant,
) -> anyhow::Result<(String, Arc<Metrics>)> {
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
    let metrics = Arc::clone(&site.metrics);
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
    Ok((url, metrics))
}
