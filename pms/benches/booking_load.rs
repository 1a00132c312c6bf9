//! Load benchmark of the booking API: listing search and quotes against the
//! real service over HTTP, on SQLite and on PostgreSQL.
//!
//! ```text
//! cargo bench -p doorstep-pms --bench booking_load            # both engines
//! BENCH_ENGINE=postgres BENCH_SECS=20 BENCH_CONCURRENCY=32 cargo bench -p doorstep-pms --bench booking_load
//! BENCH_SERVE=1 BENCH_ENGINE=sqlite cargo bench -p doorstep-pms --bench booking_load
//! ```
//!
//! It spawns the service on a free port (as the integration tests do),
//! seeds the three demo tenants, signs in as the Lisbon one, and runs a
//! closed loop of `BENCH_CONCURRENCY` clients (default 16) for `BENCH_SECS`
//! seconds (default 10) per scenario, printing throughput and latency
//! percentiles. With `BENCH_SERVE=1` it instead prints the URL and signed
//! headers and keeps serving, for an external load generator such as `wrk`
//! (see the README, "Load benchmark").

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use doorstep::headers;
use doorstep_pms::booking::seed_demo;
use doorstep_pms::demo::create_tenants;
use doorstep_pms::testing::{TestApp, TestEngine, TestTenant};
use reqwest::Method;

/// One kind of request the load loop sends.
#[derive(Clone)]
struct Scenario {
    name: &'static str,
    method: Method,
    path: String,
    body: Option<String>,
    /// The status a successful request answers.
    expect: u16,
}

/// Signed request headers for one tenant.
#[derive(Clone)]
struct Signed {
    base_url: String,
    headers: Vec<(&'static str, String)>,
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn day(days: i32) -> String {
    let today = jiff::Timestamp::now()
        .in_tz("Europe/Lisbon")
        .unwrap()
        .date();
    today
        .checked_add(jiff::Span::new().days(days))
        .unwrap()
        .to_string()
}

async fn prepare(engine: TestEngine) -> (TestApp, Signed) {
    let app = TestApp::spawn(engine).await;
    let tenants = create_tenants(app.state.tenants())
        .await
        .expect("demo tenants");
    seed_demo(app.db(), &tenants)
        .await
        .expect("demo data seeds");

    let lisbon = tenants
        .iter()
        .find(|t| t.slug == "lisbon")
        .expect("lisbon tenant");
    let tenant = TestTenant {
        tenant_id: lisbon.tenant_id.clone(),
        client_id: lisbon.client_id.clone(),
        api_key: lisbon.api_key.expose().to_owned(),
        secret_key: String::new(),
    };
    let signature = app.signature(&tenant).await;
    let signed = Signed {
        base_url: app.base_url.clone(),
        headers: vec![
            (headers::CLIENT_ID, tenant.client_id),
            (headers::API_KEY, tenant.api_key),
            (headers::SIGNATURE, signature.signature),
            (headers::TIMESTAMP, signature.expires_at),
        ],
    };
    (app, signed)
}

/// A free stay of the first listing, found from its calendar.
async fn free_stay(client: &reqwest::Client, signed: &Signed, slug: &str) -> (String, String) {
    let path = format!(
        "/v1/clients/listings/{slug}/calendar?from={}&to={}",
        day(60),
        day(120)
    );
    let response = send(client, signed, &Method::GET, &path, None).await;
    let body: serde_json::Value = response.json().await.expect("calendar JSON");
    let days = body["data"]["days"]
        .as_array()
        .expect("calendar days")
        .clone();
    for start in 0..days.len() {
        let nights = days[start]["minNights"].as_u64().unwrap_or(1).max(2) as usize;
        let Some(departure) = days.get(start + nights) else {
            break;
        };
        let free = days[start..start + nights]
            .iter()
            .all(|d| d["available"] == true);
        let open =
            days[start]["closedToArrival"] == false && departure["closedToDeparture"] == false;
        if free && open {
            let date = |d: &serde_json::Value| d["date"].as_str().unwrap().to_owned();
            return (date(&days[start]), date(departure));
        }
    }
    panic!("no free stay for {slug}");
}

async fn send(
    client: &reqwest::Client,
    signed: &Signed,
    method: &Method,
    path: &str,
    body: Option<&String>,
) -> reqwest::Response {
    let mut request = client.request(method.clone(), format!("{}{path}", signed.base_url));
    for (name, value) in &signed.headers {
        request = request.header(*name, value);
    }
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body.clone());
    }
    request.send().await.expect("request is sent")
}

async fn scenarios(client: &reqwest::Client, signed: &Signed) -> Vec<Scenario> {
    let slug = "alfama-classic-double";
    let listing_slug = {
        let response = send(client, signed, &Method::GET, "/v1/clients/listings", None).await;
        let body: serde_json::Value = response.json().await.expect("listings JSON");
        body["data"]["items"][0]["slug"]
            .as_str()
            .unwrap_or(slug)
            .to_owned()
    };
    let (check_in, check_out) = free_stay(client, signed, &listing_slug).await;
    let quote = serde_json::json!({
        "listingId": listing_slug, "checkIn": check_in, "checkOut": check_out, "guests": 2
    });
    vec![
        Scenario {
            name: "search (no dates)",
            method: Method::GET,
            path: "/v1/clients/listings".into(),
            body: None,
            expect: 200,
        },
        Scenario {
            name: "search (dates, 2 guests, priced)",
            method: Method::GET,
            path: format!("/v1/clients/listings?checkIn={check_in}&checkOut={check_out}&guests=2"),
            body: None,
            expect: 200,
        },
        Scenario {
            name: "quote",
            method: Method::POST,
            path: "/v1/clients/quotes".into(),
            body: Some(quote.to_string()),
            expect: 201,
        },
    ]
}

struct Outcome {
    latencies: Vec<Duration>,
    failures: usize,
    elapsed: Duration,
}

async fn run(
    client: &reqwest::Client,
    signed: &Signed,
    scenario: &Scenario,
    workers: u64,
    secs: u64,
) -> Outcome {
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..workers {
        let (client, signed, scenario, stop) = (
            client.clone(),
            signed.clone(),
            scenario.clone(),
            Arc::clone(&stop),
        );
        tasks.spawn(async move {
            let mut latencies = Vec::new();
            let mut failures = 0;
            while !stop.load(Ordering::Relaxed) {
                let sent = Instant::now();
                let response = send(
                    &client,
                    &signed,
                    &scenario.method,
                    &scenario.path,
                    scenario.body.as_ref(),
                )
                .await;
                let ok = response.status().as_u16() == scenario.expect;
                let _ = response.bytes().await;
                latencies.push(sent.elapsed());
                if !ok {
                    failures += 1;
                }
            }
            (latencies, failures)
        });
    }

    tokio::time::sleep(Duration::from_secs(secs)).await;
    stop.store(true, Ordering::Relaxed);
    let mut outcome = Outcome {
        latencies: Vec::new(),
        failures: 0,
        elapsed: Duration::ZERO,
    };
    for (latencies, failures) in tasks.join_all().await {
        outcome.latencies.extend(latencies);
        outcome.failures += failures;
    }
    outcome.elapsed = started.elapsed();
    outcome.latencies.sort();
    outcome
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let index = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[index].as_secs_f64() * 1000.0
}

async fn bench(engine: TestEngine, workers: u64, secs: u64) {
    let (app, signed) = prepare(engine).await;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(workers as usize)
        .build()
        .unwrap();

    if std::env::var("BENCH_SERVE").is_ok() {
        println!("serving {engine:?} at {}", signed.base_url);
        for (name, value) in &signed.headers {
            println!("-H '{name}: {value}'");
        }
        tokio::signal::ctrl_c().await.expect("waiting for Ctrl-C");
        app.stop().await;
        return;
    }

    println!("engine: {engine:?}, {workers} concurrent clients, {secs} s per scenario");
    println!("| scenario | requests | req/s | p50 ms | p99 ms | failures |");
    println!("|---|---|---|---|---|---|");
    for scenario in scenarios(&client, &signed).await {
        let outcome = run(&client, &signed, &scenario, workers, secs).await;
        let count = outcome.latencies.len();
        println!(
            "| {} | {count} | {:.0} | {:.2} | {:.2} | {} |",
            scenario.name,
            count as f64 / outcome.elapsed.as_secs_f64(),
            percentile(&outcome.latencies, 0.50),
            percentile(&outcome.latencies, 0.99),
            outcome.failures,
        );
    }
    app.stop().await;
}

fn main() {
    let workers = env_number("BENCH_CONCURRENCY", 16);
    let secs = env_number("BENCH_SECS", 10);
    let engines = match std::env::var("BENCH_ENGINE").as_deref() {
        Ok("sqlite") => vec![TestEngine::Sqlite],
        Ok("postgres") => vec![TestEngine::Postgres],
        _ => vec![TestEngine::Sqlite, TestEngine::Postgres],
    };

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    for engine in engines {
        runtime.block_on(bench(engine, workers, secs));
    }
}
