//! Real parts for the site's integration tests: the platform binary
//! (`doorstep-pms demo`), a private `redis-server` the test may stop and
//! restart, a counting proxy between site and platform that can inject
//! faults, the site itself on a free port, and a scanner that checks every
//! response the tests saw for leaked credentials.

#![allow(dead_code)]

use std::{
    collections::HashSet,
    net::SocketAddr,
    path::PathBuf,
    process::{Child, Command, Stdio},
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use axum::{
    body::{Body, Bytes},
    extract::{Request, State},
    response::Response,
};
use doorstep_site::{settings::Settings, site};

/// How long any start-up may take before the test gives up.
const START_DEADLINE: Duration = Duration::from_secs(60);

/// A free loopback port (bound and released; the race is harmless here).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The directory cargo put this test's binaries in (`…/debug`).
fn bin_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent()
        .and_then(|deps| deps.parent())
        .unwrap()
        .to_path_buf()
}

/// One demo tenant's credentials, as `doorstep-pms demo` wrote them.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DemoTenant {
    pub slug: String,
    pub client_id: String,
    pub api_key: String,
}

/// The platform binary in demo mode, on a free port, with its own SQLite
/// file. Killed when dropped.
pub struct Platform {
    pub url: String,
    pub tenants: Vec<DemoTenant>,
    child: Child,
    _dir: tempfile::TempDir,
}

impl Platform {
    /// Starts `doorstep-pms demo`; `env` adds platform settings.
    pub async fn start(env: &[(&str, &str)]) -> Self {
        let binary = std::env::var_os("DOORSTEP_PMS_BIN")
            .map(PathBuf::from)
            .unwrap_or_else(|| bin_dir().join("doorstep-pms"));
        assert!(
            binary.exists(),
            "these tests drive the real platform, but {} does not exist: run \
             `cargo build -p doorstep-pms` (same CARGO_TARGET_DIR) or `cargo xtask test`, \
             or set DOORSTEP_PMS_BIN",
            binary.display()
        );

        let dir = tempfile::tempdir().unwrap();
        let credentials = dir.path().join("credentials.json");
        let port = free_port();
        let child = Command::new(&binary)
            .args(["demo", "--credentials-out"])
            .arg(&credentials)
            .env("PMS_ADDR", format!("127.0.0.1:{port}"))
            .env(
                "DATABASE_URL",
                format!("sqlite://{}?mode=rwc", dir.path().join("pms.db").display()),
            )
            .env("RUST_LOG", "error")
            .envs(env.iter().copied())
            // Demo mode keeps its database under `data/demo` of its working
            // directory, so each platform gets a directory of its own.
            .current_dir(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("doorstep-pms starts");
        let mut platform = Self {
            url: format!("http://127.0.0.1:{port}"),
            tenants: Vec::new(),
            child,
            _dir: dir,
        };

        let http = reqwest::Client::new();
        let deadline = Instant::now() + START_DEADLINE;
        loop {
            assert!(
                Instant::now() < deadline,
                "the platform did not start within a minute"
            );
            assert!(
                platform.child.try_wait().unwrap().is_none(),
                "the platform exited early"
            );
            let answered = http
                .get(format!("{}/openapi.json", platform.url))
                .send()
                .await;
            if credentials.exists() && answered.is_ok_and(|r| r.status().is_success()) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let text = std::fs::read_to_string(&credentials).unwrap();
        platform.tenants = serde_json::from_str(&text).expect("the credentials file is JSON");
        platform
    }

    /// The demo tenant `slug`.
    pub fn tenant(&self, slug: &str) -> &DemoTenant {
        self.tenants
            .iter()
            .find(|t| t.slug == slug)
            .expect("a demo tenant")
    }
}

impl Drop for Platform {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A `redis-server` of the test's own on a free port, which the test may
/// stop and start again (never the shared one on 6379).
pub struct Redis {
    pub port: u16,
    child: Option<Child>,
    dir: tempfile::TempDir,
}

impl Redis {
    pub async fn start() -> Self {
        let mut redis = Self {
            port: free_port(),
            child: None,
            dir: tempfile::tempdir().unwrap(),
        };
        redis.resume().await;
        redis
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Starts the server again on the same port (empty: nothing persisted).
    pub async fn resume(&mut self) {
        let child = Command::new("redis-server")
            .args([
                "--port",
                &self.port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .arg("--dir")
            .arg(self.dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server is installed (apt-get install redis-server)");
        self.child = Some(child);
        let deadline = Instant::now() + START_DEADLINE;
        while self.get("doorstep:probe").await.is_err() {
            assert!(Instant::now() < deadline, "redis-server did not start");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Stops the server (SIGKILL: as abrupt as a crash).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Reads a key.
    pub async fn get(&self, key: &str) -> redis::RedisResult<Option<String>> {
        let client = redis::Client::open(self.url())?;
        let mut connection = client.get_multiplexed_async_connection().await?;
        redis::cmd("GET")
            .arg(key)
            .query_async(&mut connection)
            .await
    }

    /// Reads a field of a hash.
    pub async fn hash_field(&self, key: &str, field: &str) -> Option<String> {
        let client = redis::Client::open(self.url()).unwrap();
        let mut connection = client.get_multiplexed_async_connection().await.unwrap();
        redis::cmd("HGET")
            .arg(key)
            .arg(field)
            .query_async(&mut connection)
            .await
            .unwrap()
    }

    /// Writes a key with a TTL in seconds.
    pub async fn set(&self, key: &str, value: &str, seconds: u64) {
        let client = redis::Client::open(self.url()).unwrap();
        let mut connection = client.get_multiplexed_async_connection().await.unwrap();
        let _: () = redis::cmd("SET")
            .arg(key)
            .arg(value)
            .arg("EX")
            .arg(seconds)
            .query_async(&mut connection)
            .await
            .unwrap();
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        self.stop();
    }
}

/// What passed through the proxy.
#[derive(Default)]
pub struct Seen {
    /// Every `x-signature` value the site sent.
    pub signatures: HashSet<String>,
    /// Every `x-clientid` and `x-api-key` value the site sent.
    pub credentials: HashSet<String>,
    /// The `Idempotency-Key` of each `POST /v1/clients/bookings`, in order.
    pub booking_keys: Vec<String>,
}

/// Shared state of the proxy.
pub struct ProxyState {
    upstream: String,
    http: reqwest::Client,
    /// Calls of `POST /auth/signature`.
    pub signature_calls: AtomicUsize,
    /// `401` answers the site got (injected or real).
    pub unauthorized: AtomicUsize,
    /// Readiness probes (`HEAD /openapi.json`).
    pub readiness_probes: AtomicUsize,
    /// Answer this many of the next `/v1/` calls with `401` unforwarded.
    pub inject_401: AtomicUsize,
    /// Hold every answer this long.
    pub delay_ms: AtomicU64,
    /// Forward the next booking creation, then answer it with 503 as if
    /// the answer were lost.
    pub lose_next_booking_answer: AtomicBool,
    pub seen: Mutex<Seen>,
}

/// A counting, fault-injecting HTTP proxy in front of the platform.
pub struct Proxy {
    pub url: String,
    pub state: Arc<ProxyState>,
    task: tokio::task::JoinHandle<()>,
}

impl Proxy {
    pub async fn start(upstream: &str) -> Self {
        let state = Arc::new(ProxyState {
            upstream: upstream.to_string(),
            http: reqwest::Client::builder()
                .pool_max_idle_per_host(256)
                .build()
                .unwrap(),
            signature_calls: AtomicUsize::new(0),
            unauthorized: AtomicUsize::new(0),
            readiness_probes: AtomicUsize::new(0),
            inject_401: AtomicUsize::new(0),
            delay_ms: AtomicU64::new(0),
            lose_next_booking_answer: AtomicBool::new(false),
            seen: Mutex::default(),
        });
        let app = axum::Router::new()
            .fallback(forward)
            .with_state(Arc::clone(&state));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Self { url, state, task }
    }

    pub fn signature_calls(&self) -> usize {
        self.state.signature_calls.load(Ordering::SeqCst)
    }

    pub fn unauthorized(&self) -> usize {
        self.state.unauthorized.load(Ordering::SeqCst)
    }

    /// Every credential and signature value the site sent the platform.
    pub fn secrets(&self) -> Vec<String> {
        let seen = self.state.seen.lock().unwrap();
        seen.signatures
            .iter()
            .chain(&seen.credentials)
            .cloned()
            .collect()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn forward(State(state): State<Arc<ProxyState>>, request: Request) -> Response {
    let delay = state.delay_ms.load(Ordering::SeqCst);
    if delay > 0 {
        tokio::time::sleep(Duration::from_millis(delay)).await;
    }
    let (parts, body) = request.into_parts();
    let path = parts
        .uri
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_string();
    let header = |name: &str| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    if parts.method == "HEAD" && path == "/openapi.json" {
        state.readiness_probes.fetch_add(1, Ordering::SeqCst);
    }
    {
        let mut seen = state.seen.lock().unwrap();
        seen.signatures.extend(header("x-signature"));
        seen.credentials.extend(header("x-clientid"));
        seen.credentials.extend(header("x-api-key"));
        if parts.method == "POST" && path == "/v1/clients/bookings" {
            seen.booking_keys
                .push(header("idempotency-key").unwrap_or_default());
        }
    }
    if path == "/auth/signature" {
        state.signature_calls.fetch_add(1, Ordering::SeqCst);
    }
    let inject = path.starts_with("/v1/")
        && state
            .inject_401
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
    if inject {
        state.unauthorized.fetch_add(1, Ordering::SeqCst);
        return reply(
            401,
            r#"{"error":{"code":"unauthorized","message":"Unauthorized."}}"#.into(),
        );
    }

    let body = axum::body::to_bytes(body, usize::MAX).await.unwrap();
    let mut upstream = state
        .http
        .request(parts.method.clone(), format!("{}{}", state.upstream, path));
    for (name, value) in &parts.headers {
        if name != "host" && name != "content-length" {
            upstream = upstream.header(name, value);
        }
    }
    let Ok(answer) = upstream.body(body).send().await else {
        return reply(502, Bytes::from_static(b"upstream unreachable"));
    };
    let status = answer.status().as_u16();
    let bytes = answer.bytes().await.unwrap_or_default();
    if status == 401 {
        state.unauthorized.fetch_add(1, Ordering::SeqCst);
    }
    if parts.method == "POST"
        && path == "/v1/clients/bookings"
        && state.lose_next_booking_answer.swap(false, Ordering::SeqCst)
    {
        return reply(
            503,
            Bytes::from_static(b"{\"error\":{\"code\":\"unavailable\",\"message\":\"Lost.\"}}"),
        );
    }
    reply(status, bytes)
}

fn reply(status: u16, body: Bytes) -> Response {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Body::from(body))
        .unwrap()
}

/// The site, built from `settings` and served on a free port, with its
/// metrics on another.
pub struct TestSite {
    pub url: String,
    pub metrics_url: String,
    pub site: site::Site,
    tasks: [tokio::task::JoinHandle<()>; 2],
}

impl TestSite {
    /// Starts a site with these settings (on top of an empty site root).
    pub async fn start(settings: &[(&str, String)]) -> Self {
        let mut pairs: Vec<(String, String)> = settings
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        if !pairs.iter().any(|(k, _)| k == "SITE_ROOT") {
            pairs.push((
                "SITE_ROOT".into(),
                std::env::temp_dir()
                    .join("doorstep-no-site-root")
                    .display()
                    .to_string(),
            ));
        }
        let settings = Settings::from_lookup(|name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        })
        .expect("valid test settings");
        let site = site::build(&settings).expect("the site builds");

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let router = site.router.clone();
        let public = tokio::spawn(async move {
            axum::serve(
                listener,
                router.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await
            .unwrap();
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let metrics_url = format!("http://{}", listener.local_addr().unwrap());
        let router = site::metrics_router(Arc::clone(&site.metrics));
        let metrics = tokio::spawn(async move {
            axum::serve(listener, router).await.unwrap();
        });
        Self {
            url,
            metrics_url,
            site,
            tasks: [public, metrics],
        }
    }

    /// A single-tenant site for `tenant` in front of `pms_url`.
    pub async fn single(tenant: &DemoTenant, pms_url: &str, extra: &[(&str, String)]) -> Self {
        let mut settings = vec![
            ("APP_CLIENT_ID", tenant.client_id.clone()),
            ("APP_API_KEY", tenant.api_key.clone()),
            ("PMS_URL", pms_url.to_string()),
            ("SITE_NAME", "Test Stays".to_string()),
        ];
        settings.extend(extra.iter().map(|(k, v)| (*k, v.clone())));
        Self::start(&settings).await
    }
}

impl Drop for TestSite {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// A tenants directory for the demo tenants, with their credentials in
/// secret files next to `tenant.toml` (the `*_file` form), hosts
/// `<slug>.localhost` and the repository's themes.
pub fn tenants_dir(platform: &Platform) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tenants");
    for tenant in &platform.tenants {
        let folder = dir.path().join(&tenant.slug);
        std::fs::create_dir_all(&folder).unwrap();
        let name = format!("{} Test", tenant.slug);
        std::fs::write(
            folder.join("tenant.toml"),
            format!(
                "name = {name:?}\nhosts = [\"{}.localhost\"]\nclient_id_file = \"client_id\"\napi_key_file = \"api_key\"\n",
                tenant.slug
            ),
        )
        .unwrap();
        std::fs::write(folder.join("client_id"), &tenant.client_id).unwrap();
        std::fs::write(folder.join("api_key"), &tenant.api_key).unwrap();
        for file in ["theme.toml", "content.toml"] {
            let source = repo.join(&tenant.slug).join(file);
            if source.exists() {
                std::fs::copy(source, folder.join(file)).unwrap();
            }
        }
    }
    dir
}

/// One response, whole.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|_| panic!("not JSON: {}", self.body))
    }
}

/// A browser stand-in: every response it receives is kept for the leak scan.
#[derive(Clone)]
pub struct Guest {
    http: reqwest::Client,
    base: String,
    host: Option<String>,
    pub answers: Arc<Mutex<Vec<String>>>,
}

impl Guest {
    pub fn new(base: &str) -> Self {
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(600)
            .build()
            .unwrap();
        Self {
            http,
            base: base.to_string(),
            host: None,
            answers: Arc::default(),
        }
    }

    /// The same guest, asking for `host` (the `Host` header).
    pub fn on_host(&self, host: &str) -> Self {
        Self {
            host: Some(host.to_string()),
            ..self.clone()
        }
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.send(self.http.get(format!("{}{path}", self.base)))
            .await
    }

    /// Calls a server function as a page's script does (same-origin fetch).
    pub async fn call(&self, endpoint: &str, body: serde_json::Value) -> Answer {
        let request = self
            .http
            .post(format!("{}/api/{endpoint}", self.base))
            .header("content-type", "application/json")
            .header("accept", "application/json")
            .header("sec-fetch-site", "same-origin")
            .body(body.to_string());
        self.send(request).await
    }

    pub async fn send(&self, mut request: reqwest::RequestBuilder) -> Answer {
        if let Some(host) = &self.host {
            request = request.header("host", host);
        }
        let response = request.send().await.expect("the site answers");
        let status = response.status().as_u16();
        let headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let body = response.text().await.unwrap_or_default();
        let mut record = body.clone();
        for (name, value) in &headers {
            record.push_str(&format!("\n{name}: {value}"));
        }
        self.answers.lock().unwrap().push(record);
        Answer {
            status,
            headers,
            body,
        }
    }

    /// Fails if any response this guest saw contains any of `secrets`
    /// (client IDs, API keys, signatures).
    pub fn assert_saw_none_of(&self, secrets: &[String]) {
        let answers = self.answers.lock().unwrap();
        assert!(!answers.is_empty(), "the scan needs responses to look at");
        for secret in secrets.iter().filter(|s| !s.is_empty()) {
            for answer in answers.iter() {
                assert!(
                    !answer.contains(secret.as_str()),
                    "a response contains a credential or signature"
                );
            }
            // The random half of a signature or key alone is a leak too.
            if let Some((_, tail)) = secret.split_once('.') {
                for answer in answers.iter() {
                    assert!(
                        !answer.contains(tail),
                        "a response contains part of a credential"
                    );
                }
            }
        }
    }
}
