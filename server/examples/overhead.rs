//! Measures the time the site adds on top of calling the platform directly.
//!
//! Starts `doorstep-pms demo` and `doorstep-site` (the binaries next to this
//! example, so build them in the same profile) as they run in production,
//! each a process of its own, then sends the same listing search four ways
//! under the same load:
//!
//! - **direct**: `GET /v1/clients/listings` to the platform with a valid
//!   signature, as a client that already holds one would;
//! - **raw relay**: the same platform request relayed by a loop with no HTTP
//!   library (this example again, as a process of its own): the operating
//!   system's share of one more hop;
//! - **bare proxy**: the same platform request forwarded by an axum server
//!   (this example again, as a process of its own, on one thread) with the
//!   site's HTTP client and nothing else: the floor for any server in
//!   between built on the same stack;
//! - **site**: `POST /api/listings` to the site, which resolves the tenant,
//!   takes the signature from its cache, calls the platform, and answers.
//!
//! The difference of the latency distributions is the site's overhead; the
//! difference to the bare proxy is what the site's own work costs on top of
//! the extra network hop. The load generator runs on one thread, so it adds
//! the same small, steady cost to every path. Each load also reports the CPU
//! time a request costs each process, which, unlike the latencies, does not
//! depend on how the processes happen to share the CPUs.
//!
//! ```text
//! cargo build --release -p doorstep-pms -p doorstep-site --bins --examples
//! ./target/release/examples/overhead [requests] [concurrency…] [--rate r,r,…] [--pin]
//! ```
//!
//! A concurrency keeps that many requests in flight (a closed loop); a rate
//! starts requests at that mean rate a second with Poisson arrivals, whether
//! or not earlier ones are done (an open loop, as guests arrive). `--pin`
//! puts the site, the relay and the bare proxy on CPU 0 and the platform and
//! the load generator on CPU 1, as if they ran on machines of their own;
//! without it every process shares every CPU.
//!
//! `SITE_WORKERS` passed to this command reaches the site process;
//! `DOORSTEP_SITE_BIN` runs another build of the site (to compare two).

use axum::serve::ListenerExt as _;
use std::{
    path::PathBuf,
    process::{Command, Stdio},
    sync::Arc,
    time::{Duration, Instant},
};

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct DemoTenant {
    slug: String,
    client_id: String,
    api_key: String,
}

/// How many rounds each path's requests are split into.
const ROUNDS: usize = 50;

fn main() -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    match BareProxy::from_env() {
        Some(proxy) if std::env::var_os(RAW_RELAY_VAR).is_some() => {
            runtime.block_on(proxy.serve_raw())
        }
        Some(proxy) => runtime.block_on(proxy.serve()),
        None => runtime.block_on(bench()),
    }
}

async fn bench() -> anyhow::Result<()> {
    let options = Options::parse(std::env::args().skip(1))?;
    if options.pinned {
        pin_self()?;
    }

    let dir = std::env::temp_dir().join(format!("doorstep-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let (platform_url, tenant, platform) = start_platform(&dir, &options).await?;
    let (site_url, metrics_url, site) = start_site(&platform_url, &tenant, &options).await?;
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

    let platform_request = Forward {
        url: format!("{platform_url}/v1/clients/listings?page=1&pageSize=6"),
        client_id: tenant.client_id.clone(),
        api_key: tenant.api_key.clone(),
        signature: sig,
        timestamp,
    };
    let direct = {
        let (http, forward) = (http.clone(), Arc::new(platform_request.clone()));
        move || forward.request(&http)
    };
    let via_site = posting_search(&http, format!("{site_url}/api/listings"));
    let (bare_url, bare) = start_bare_proxy(&platform_request, false, &options).await?;
    let via_bare = posting_search(&http, format!("{bare_url}/"));
    let (relay_url, relay) = start_bare_proxy(&platform_request, true, &options).await?;
    let processes = [&site, &bare, &relay, &platform];
    let via_relay = posting_search(&http, format!("{relay_url}/"));

    // Warm every path (connections, caches, the site's signature).
    let widest = Load::Concurrency(options.widest());
    run(&direct, 500, widest, 0).await?;
    run(&via_relay, 500, widest, 0).await?;
    run(&via_bare, 500, widest, 0).await?;
    run(&via_site, 500, widest, 0).await?;

    println!(
        "{}",
        if options.pinned {
            "placement: site, relay and proxy on CPU 0; platform and load generator on CPU 1"
        } else {
            "placement: every process on every CPU"
        }
    );
    for load in options.loads() {
        println!("\n{} requests per path, {load}", options.requests);
        let before = SiteTimes::read(&http, &metrics_url).await?;
        let cpu_before = processes.map(|process| process.cpu_seconds());
        let (mut direct_all, mut relay_all) = (Vec::new(), Vec::new());
        let (mut bare_all, mut site_all) = (Vec::new(), Vec::new());
        // Alternate short rounds so every path sees the same machine
        // conditions (this is a shared virtual machine); at a rate, every
        // path gets the same arrival times in a round.
        let round = (options.requests / ROUNDS).max(options.widest());
        for number in 0..ROUNDS as u64 {
            direct_all.extend(run(&direct, round, load, number).await?);
            relay_all.extend(run(&via_relay, round, load, number).await?);
            bare_all.extend(run(&via_bare, round, load, number).await?);
            site_all.extend(run(&via_site, round, load, number).await?);
        }
        let inside = SiteTimes::read(&http, &metrics_url).await?.since(&before);
        let cpu_after = processes.map(|process| process.cpu_seconds());

        let d = percentiles(&mut direct_all);
        let r = percentiles(&mut relay_all);
        let b = percentiles(&mut bare_all);
        let s = percentiles(&mut site_all);
        let row = |name: &str, p: (f64, f64, f64)| {
            println!("{name:<22} {:>8.3} {:>8.3} {:>8.3}", p.0, p.1, p.2);
        };
        println!("{:<22} {:>8} {:>8} {:>8}", "", "p50 ms", "p90 ms", "p99 ms");
        row("direct to platform", d);
        row("through a raw relay", r);
        row("through a bare proxy", b);
        row("through the site", s);
        row("raw relay - direct", (r.0 - d.0, r.1 - d.1, r.2 - d.2));
        row("bare proxy - direct", (b.0 - d.0, b.1 - d.1, b.2 - d.2));
        row("site - direct", (s.0 - d.0, s.1 - d.1, s.2 - d.2));
        row("site - bare proxy", (s.0 - b.0, s.1 - b.1, s.2 - b.2));
        println!(
            "inside the site, mean per request: handling {:.3} ms, of which waiting for the platform {:.3} ms",
            inside.handling_ms(),
            inside.platform_ms(),
        );
        // Each process in between works for its own path alone; the
        // platform answers all four.
        let cpu_ms = |index: usize, requests: usize| {
            let (before, after) = (cpu_before[index].as_ref(), cpu_after[index].as_ref());
            match (before, after) {
                (Ok(before), Ok(after)) => (after - before) * 1000.0 / requests as f64,
                _ => f64::NAN,
            }
        };
        let per_path = site_all.len();
        println!(
            "CPU per request (user + system): site {:.3} ms, bare proxy {:.3} ms, raw relay {:.3} ms, platform {:.3} ms",
            cpu_ms(0, per_path),
            cpu_ms(1, per_path),
            cpu_ms(2, per_path),
            cpu_ms(3, per_path * 4),
        );
    }
    Ok(())
}

/// The command line: `[requests] [concurrency…] [--rate r,r,…] [--pin]`.
struct Options {
    /// Requests per path for each load.
    requests: usize,
    concurrencies: Vec<usize>,
    /// Mean arrival rates, requests a second.
    rates: Vec<f64>,
    /// Whether the processes in between get a CPU of their own.
    pinned: bool,
}

impl Options {
    fn parse(mut args: impl Iterator<Item = String>) -> anyhow::Result<Self> {
        let mut numbers = Vec::new();
        let (mut rates, mut pinned) = (Vec::new(), false);
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--pin" => pinned = true,
                "--rate" => {
                    let list = args
                        .next()
                        .ok_or_else(|| anyhow::anyhow!("--rate needs rates, e.g. 1000,2000"))?;
                    for rate in list.split(',') {
                        let rate: f64 = rate.parse()?;
                        anyhow::ensure!(rate > 0.0, "a rate must be above zero");
                        rates.push(rate);
                    }
                }
                number => numbers.push(
                    number
                        .parse::<usize>()
                        .map_err(|_| anyhow::anyhow!("unexpected argument {number:?}"))?,
                ),
            }
        }
        let requests = numbers.first().copied().unwrap_or(5_000);
        let mut concurrencies = numbers.get(1..).unwrap_or_default().to_vec();
        if concurrencies.is_empty() && rates.is_empty() {
            concurrencies = vec![1, 4];
        }
        anyhow::ensure!(
            concurrencies.iter().all(|&c| c > 0),
            "a concurrency must be above zero"
        );
        Ok(Self {
            requests,
            concurrencies,
            rates,
            pinned,
        })
    }

    fn loads(&self) -> Vec<Load> {
        let closed = self.concurrencies.iter().map(|&c| Load::Concurrency(c));
        closed
            .chain(self.rates.iter().map(|&r| Load::Rate(r)))
            .collect()
    }

    /// The most requests a warm-up keeps in flight.
    fn widest(&self) -> usize {
        self.concurrencies.iter().copied().max().unwrap_or(4)
    }

    /// `program` as a command, on the CPU its `side` gets when pinned.
    fn command(&self, program: impl AsRef<std::ffi::OsStr>, side: Side) -> Command {
        if !self.pinned {
            return Command::new(program);
        }
        let mut command = Command::new("taskset");
        command.args(["-c", side.cpu()]).arg(program);
        command
    }
}

/// Which CPU a process gets when the benchmark pins them.
#[derive(Clone, Copy)]
enum Side {
    /// The platform and the load generator: a deployment's other machines.
    Ends,
    /// What sits in between: the site, the relay, the bare proxy.
    Between,
}

impl Side {
    fn cpu(self) -> &'static str {
        match self {
            Self::Ends => "1",
            Self::Between => "0",
        }
    }
}

/// Moves this process (still one thread) to the load generator's CPU.
fn pin_self() -> anyhow::Result<()> {
    let status = Command::new("taskset")
        .args(["-cp", Side::Ends.cpu(), &std::process::id().to_string()])
        .stdout(Stdio::null())
        .status()?;
    anyhow::ensure!(status.success(), "taskset could not pin the load generator");
    Ok(())
}

/// How a path is loaded while it is measured.
#[derive(Clone, Copy)]
enum Load {
    /// This many requests in flight at all times (a closed loop): at 1 the
    /// latency of a request on its own; higher, until the cores saturate.
    Concurrency(usize),
    /// Requests started at this mean rate a second whenever they are due,
    /// whatever is still in flight, as independent guests arrive (Poisson
    /// arrivals, an open loop): the latency at a given load.
    Rate(f64),
}

impl std::fmt::Display for Load {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Concurrency(n) => write!(f, "concurrency {n}"),
            Self::Rate(rate) => write!(f, "Poisson arrivals at {rate} a second"),
        }
    }
}

/// Kills a child process when dropped, so an early error leaves nothing running.
struct Stop(std::process::Child);

impl Stop {
    /// The CPU time the process has used so far, user and system, in
    /// seconds (`/proc/<pid>/stat`, every thread included).
    fn cpu_seconds(&self) -> anyhow::Result<f64> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.0.id()))?;
        // The second field, the command name in parentheses, may hold
        // spaces; utime and stime are the 12th and 13th fields after it.
        let (_, after_name) = stat
            .rsplit_once(')')
            .ok_or_else(|| anyhow::anyhow!("unreadable /proc stat line"))?;
        let fields: Vec<&str> = after_name.split_whitespace().collect();
        let ticks = fields
            .get(11..13)
            .ok_or_else(|| anyhow::anyhow!("a /proc stat line without CPU times"))?
            .iter()
            .map(|time| time.parse::<u64>())
            .sum::<Result<u64, _>>()?;
        // /proc counts in USER_HZ, which Linux fixes at 100 a second.
        Ok(ticks as f64 / 100.0)
    }
}

impl Drop for Stop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The site's own timing of its requests and of its platform calls, read
/// from its `/metrics`: the handling of a request (middleware, server
/// function, JSON both ways) and, within it, the wait for the platform.
#[derive(Default)]
struct SiteTimes {
    handled_sum: f64,
    handled_count: f64,
    platform_sum: f64,
    platform_count: f64,
}

impl SiteTimes {
    async fn read(http: &reqwest::Client, metrics_url: &str) -> anyhow::Result<Self> {
        let text = http
            .get(format!("{metrics_url}/metrics"))
            .send()
            .await?
            .text()
            .await?;
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
        Ok(Self {
            handled_sum: value(&format!("{handled}_sum{route}")),
            handled_count: value(&format!("{handled}_count{route}")),
            platform_sum: value(&format!("{called}_sum")),
            platform_count: value(&format!("{called}_count")),
        })
    }

    fn since(&self, before: &Self) -> Self {
        Self {
            handled_sum: self.handled_sum - before.handled_sum,
            handled_count: self.handled_count - before.handled_count,
            platform_sum: self.platform_sum - before.platform_sum,
            platform_count: self.platform_count - before.platform_count,
        }
    }

    fn handling_ms(&self) -> f64 {
        self.handled_sum / self.handled_count.max(1.0) * 1000.0
    }

    fn platform_ms(&self) -> f64 {
        self.platform_sum / self.platform_count.max(1.0) * 1000.0
    }
}

/// Makes the site's listing search (the server function's JSON body) as a
/// `POST` to `url`; the bare proxy and the raw relay take the same request.
fn posting_search(
    http: &reqwest::Client,
    url: String,
) -> impl Fn() -> reqwest::RequestBuilder + Clone + Send + 'static {
    let http = http.clone();
    move || {
        http.post(&url)
            .header("content-type", "application/json")
            .body(r#"{"search":{"page":1,"pageSize":6}}"#)
    }
}

/// Sends `n` requests made by `make` under `load`; returns each latency in
/// milliseconds, from the moment a request is sent to the end of its answer.
/// `round` seeds the arrival times, so equal rounds get equal ones.
async fn run(
    make: &(impl Fn() -> reqwest::RequestBuilder + Clone + Send + 'static),
    n: usize,
    load: Load,
    round: u64,
) -> anyhow::Result<Vec<f64>> {
    let mut requests = tokio::task::JoinSet::new();
    match load {
        Load::Concurrency(concurrency) => {
            for _ in 0..concurrency {
                let make = make.clone();
                requests.spawn(async move {
                    let mut latencies = Vec::with_capacity(n / concurrency);
                    for _ in 0..n / concurrency {
                        latencies.push(timed(make()).await?);
                    }
                    Ok::<_, anyhow::Error>(latencies)
                });
            }
        }
        Load::Rate(rate) => {
            // A thread of its own keeps time: the runtime's timer ticks in
            // whole milliseconds, far coarser than the gaps between arrivals.
            let (due, mut arrivals) = tokio::sync::mpsc::unbounded_channel();
            let pacer = std::thread::spawn(move || {
                let started = Instant::now();
                let mut at = Duration::ZERO;
                let mut random = Random(round.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
                for _ in 0..n {
                    at += Duration::from_secs_f64(random.exponential(rate));
                    if let Some(wait) = (started + at).checked_duration_since(Instant::now()) {
                        std::thread::sleep(wait);
                    }
                    if due.send(()).is_err() {
                        break;
                    }
                }
            });
            while arrivals.recv().await.is_some() {
                let make = make.clone();
                requests.spawn(async move { Ok(vec![timed(make()).await?]) });
            }
            pacer
                .join()
                .map_err(|_| anyhow::anyhow!("the pacing thread panicked"))?;
        }
    }
    let mut all = Vec::with_capacity(n);
    while let Some(latencies) = requests.join_next().await {
        all.extend(latencies??);
    }
    Ok(all)
}

/// Sends one request and reads its answer; its latency in milliseconds.
async fn timed(request: reqwest::RequestBuilder) -> anyhow::Result<f64> {
    let started = Instant::now();
    let response = request.send().await?;
    let status = response.status();
    response.bytes().await?;
    anyhow::ensure!(status.is_success(), "a request failed with {status}");
    Ok(started.elapsed().as_secs_f64() * 1000.0)
}

/// xorshift64*: arrival times that are the same on every run.
struct Random(u64);

impl Random {
    /// A wait drawn from the exponential distribution of mean `1 / rate`.
    fn exponential(&mut self, rate: f64) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let bits = self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11;
        // Uniform in (0, 1], so the logarithm is finite.
        let uniform = (bits as f64 + 1.0) / (1u64 << 53) as f64;
        -uniform.ln() / rate
    }
}

fn percentiles(latencies: &mut [f64]) -> (f64, f64, f64) {
    latencies.sort_by(f64::total_cmp);
    let at = |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];
    (at(0.50), at(0.90), at(0.99))
}

/// The folder of this example's binaries' siblings: `target/<profile>`.
fn binaries() -> anyhow::Result<PathBuf> {
    let exe = std::env::current_exe()?;
    exe.parent()
        .and_then(|examples| examples.parent())
        .map(PathBuf::from)
        .ok_or_else(|| anyhow::anyhow!("cannot tell where the binaries are"))
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

async fn start_platform(
    dir: &std::path::Path,
    options: &Options,
) -> anyhow::Result<(String, DemoTenant, Stop)> {
    let credentials = dir.join("credentials.json");
    let port = free_port()?;
    let child = options
        .command(binaries()?.join("doorstep-pms"), Side::Ends)
        .args(["demo", "--credentials-out"])
        .arg(&credentials)
        .env("PMS_ADDR", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "error")
        .current_dir(dir)
        .stdout(Stdio::null())
        .spawn()?;
    let child = Stop(child);
    let url = format!("http://127.0.0.1:{port}");
    for _ in 0..600 {
        if credentials.exists() && reqwest::get(format!("{url}/openapi.json")).await.is_ok() {
            let text = std::fs::read_to_string(&credentials)?;
            let tenants: Vec<DemoTenant> = serde_json::from_str(&text)?;
            let tenant = tenants
                .into_iter()
                .find(|t| t.slug == "bali")
                .ok_or_else(|| anyhow::anyhow!("the demo has no bali tenant"))?;
            return Ok((url, tenant, child));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("the platform did not start")
}

/// The platform request every path ends in, signature already held.
#[derive(Clone)]
struct Forward {
    url: String,
    client_id: String,
    api_key: String,
    signature: String,
    timestamp: String,
}

impl Forward {
    fn request(&self, http: &reqwest::Client) -> reqwest::RequestBuilder {
        http.get(&self.url)
            .header("x-clientid", &self.client_id)
            .header("x-api-key", &self.api_key)
            .header("x-signature", &self.signature)
            .header("x-timestamp", &self.timestamp)
    }
}

/// The floor any server in between pays: a process of its own (this
/// example, started again with `OVERHEAD_PROXY_*` set) whose one route
/// forwards the platform request and returns the body, with no tenancy,
/// cache, middleware, rendering or JSON handling, on one thread as each of
/// the site's workers is.
struct BareProxy {
    addr: String,
    forward: Forward,
}

const PROXY_VARS: [&str; 6] = [
    "OVERHEAD_PROXY_ADDR",
    "OVERHEAD_PROXY_URL",
    "OVERHEAD_PROXY_CLIENT_ID",
    "OVERHEAD_PROXY_API_KEY",
    "OVERHEAD_PROXY_SIGNATURE",
    "OVERHEAD_PROXY_TIMESTAMP",
];

impl BareProxy {
    fn from_env() -> Option<Self> {
        let [addr, url, client_id, api_key, signature, timestamp] =
            PROXY_VARS.map(|name| std::env::var(name).ok());
        Some(Self {
            addr: addr?,
            forward: Forward {
                url: url?,
                client_id: client_id?,
                api_key: api_key?,
                signature: signature?,
                timestamp: timestamp?,
            },
        })
    }

    async fn serve(self) -> anyhow::Result<()> {
        // The same HTTP client as the site's platform transport (hyper's
        // pooled client, TCP_NODELAY), so the difference is the site's work.
        let mut connector = hyper_util::client::legacy::connect::HttpConnector::new();
        connector.set_nodelay(true);
        let http =
            hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
                .build::<_, http_body_util::Empty<bytes::Bytes>>(connector);
        let forward = Arc::new(self.forward);
        let app = axum::Router::new().route(
            "/",
            axum::routing::post(move || {
                let (http, forward) = (http.clone(), Arc::clone(&forward));
                async move {
                    let request = axum::http::Request::get(&forward.url)
                        .header("x-clientid", &forward.client_id)
                        .header("x-api-key", &forward.api_key)
                        .header("x-signature", &forward.signature)
                        .header("x-timestamp", &forward.timestamp)
                        .body(http_body_util::Empty::new())
                        .map_err(|_| axum::http::StatusCode::INTERNAL_SERVER_ERROR)?;
                    let response = http
                        .request(request)
                        .await
                        .map_err(|_| axum::http::StatusCode::BAD_GATEWAY)?;
                    let body = http_body_util::BodyExt::collect(response.into_body())
                        .await
                        .map_err(|_| axum::http::StatusCode::BAD_GATEWAY)?;
                    Ok::<_, axum::http::StatusCode>(body.to_bytes())
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind(&self.addr)
            .await?
            .tap_io(|connection| {
                let _ = connection.set_nodelay(true);
            });
        axum::serve(listener, app).await?;
        Ok(())
    }
}

/// Set (to anything) to make the proxy process a raw relay.
const RAW_RELAY_VAR: &str = "OVERHEAD_PROXY_RAW";

impl BareProxy {
    /// The operating system's share of one more hop: a relay that reads
    /// each request only far enough to find its end, writes the platform
    /// request as ready-made bytes and hands the platform's answer back
    /// unread, on one connection to the platform per guest connection. No
    /// HTTP library is involved, so what it adds over direct is sockets,
    /// wake-ups and copies.
    async fn serve_raw(self) -> anyhow::Result<()> {
        use tokio::io::AsyncWriteExt as _;

        let url: axum::http::Uri = self.forward.url.parse()?;
        let authority = url
            .authority()
            .ok_or_else(|| anyhow::anyhow!("the platform URL has no host"))?
            .to_string();
        let path = url.path_and_query().map_or("/", |path| path.as_str());
        let forward = &self.forward;
        let request: Arc<[u8]> = format!(
            "GET {path} HTTP/1.1\r\nhost: {authority}\r\nx-clientid: {}\r\n\
             x-api-key: {}\r\nx-signature: {}\r\nx-timestamp: {}\r\n\r\n",
            forward.client_id, forward.api_key, forward.signature, forward.timestamp
        )
        .into_bytes()
        .into();
        let listener = tokio::net::TcpListener::bind(&self.addr).await?;
        loop {
            let (mut guest, _) = listener.accept().await?;
            guest.set_nodelay(true)?;
            let (request, authority) = (Arc::clone(&request), authority.clone());
            tokio::spawn(async move {
                let connect = || async {
                    let platform = tokio::net::TcpStream::connect(&authority).await?;
                    platform.set_nodelay(true)?;
                    Ok::<_, anyhow::Error>(platform)
                };
                let mut platform = connect().await?;
                let mut buffer = Vec::with_capacity(16 * 1024);
                while read_message(&mut guest, &mut buffer).await? {
                    // The platform closes connections left idle (between
                    // rounds, say); a new one is opened as a client's pool
                    // would.
                    let sent = platform.write_all(&request).await.is_ok();
                    let answered =
                        sent && matches!(read_message(&mut platform, &mut buffer).await, Ok(true));
                    if !answered {
                        platform = connect().await?;
                        platform.write_all(&request).await?;
                        anyhow::ensure!(
                            read_message(&mut platform, &mut buffer).await?,
                            "the platform closed a new connection"
                        );
                    }
                    guest.write_all(&buffer).await?;
                }
                Ok::<_, anyhow::Error>(())
            });
        }
    }
}

/// Reads one HTTP/1.1 message (head, and a body of `Content-Length`
/// bytes) into `buffer`; false when the peer closed between messages.
async fn read_message(
    stream: &mut tokio::net::TcpStream,
    buffer: &mut Vec<u8>,
) -> anyhow::Result<bool> {
    use tokio::io::AsyncReadExt as _;

    buffer.clear();
    let mut chunk = [0u8; 16 * 1024];
    let mut wanted = None;
    loop {
        if wanted.is_none()
            && let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n")
        {
            let head = std::str::from_utf8(&buffer[..end])?.to_ascii_lowercase();
            anyhow::ensure!(
                !head.contains("transfer-encoding"),
                "the raw relay handles only Content-Length bodies"
            );
            let length = head
                .lines()
                .find_map(|line| line.strip_prefix("content-length:"))
                .map(|value| value.trim().parse::<usize>())
                .transpose()?
                .unwrap_or(0);
            wanted = Some(end + 4 + length);
        }
        if let Some(wanted) = wanted
            && buffer.len() >= wanted
        {
            return Ok(true);
        }
        let read = stream.read(&mut chunk).await?;
        if read == 0 {
            anyhow::ensure!(buffer.is_empty(), "the peer closed mid-message");
            return Ok(false);
        }
        buffer.extend_from_slice(&chunk[..read]);
    }
}

/// Starts this example again as a bare proxy (or, with `raw`, as a raw
/// relay) in front of the platform; returns its URL.
async fn start_bare_proxy(
    forward: &Forward,
    raw: bool,
    options: &Options,
) -> anyhow::Result<(String, Stop)> {
    let port = free_port()?;
    let values = [
        format!("127.0.0.1:{port}"),
        forward.url.clone(),
        forward.client_id.clone(),
        forward.api_key.clone(),
        forward.signature.clone(),
        forward.timestamp.clone(),
    ];
    let mut command = options.command(std::env::current_exe()?, Side::Between);
    command.env_clear().envs(PROXY_VARS.iter().zip(values));
    if raw {
        command.env(RAW_RELAY_VAR, "1");
    }
    let child = Stop(command.spawn()?);
    wait_until_up(format!("http://127.0.0.1:{port}"), child, "/").await
}

/// Waits for a started server to answer on `path` (any status will do).
async fn wait_until_up(url: String, child: Stop, path: &str) -> anyhow::Result<(String, Stop)> {
    for _ in 0..600 {
        if reqwest::get(format!("{url}{path}")).await.is_ok() {
            return Ok((url, child));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("{url} did not start")
}

/// Starts the site binary in single-tenant mode for `tenant`; returns its
/// URL and that of its metrics listener.
async fn start_site(
    platform_url: &str,
    tenant: &DemoTenant,
    options: &Options,
) -> anyhow::Result<(String, String, Stop)> {
    let (port, metrics_port) = (free_port()?, free_port()?);
    let binary = match std::env::var_os("DOORSTEP_SITE_BIN") {
        Some(path) => PathBuf::from(path),
        None => binaries()?.join("doorstep-site"),
    };
    let mut command = options.command(binary, Side::Between);
    command
        .env_clear()
        .env("SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("SITE_METRICS_ADDR", format!("127.0.0.1:{metrics_port}"))
        .env("PMS_URL", platform_url)
        .env("APP_CLIENT_ID", &tenant.client_id)
        .env("APP_API_KEY", &tenant.api_key)
        // The default level, as deployed: request spans are live.
        .env("RUST_LOG", "info")
        .stdout(Stdio::null());
    if let Ok(workers) = std::env::var("SITE_WORKERS") {
        command.env("SITE_WORKERS", workers);
    }
    let child = Stop(command.spawn()?);
    let (url, child) = wait_until_up(format!("http://127.0.0.1:{port}"), child, "/healthz").await?;
    Ok((url, format!("http://127.0.0.1:{metrics_port}"), child))
}
