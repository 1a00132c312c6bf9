//! The HTTP application: tenant resolution, the rendered pages and server
//! functions, the browser bundle and assets, and the health endpoints, with
//! the security and tracing middleware around them; and, for a listener of
//! its own, the metrics.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use anyhow::Context as _;
use axum::{
    Router,
    extract::{Request, State},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::get,
    serve::ListenerExt as _,
};
use doorstep_app::{
    App,
    platform::{Platform, SiteError, SiteHost},
    shell,
};
use http::{StatusCode, header};
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use tower_http::{limit::RequestBodyLimitLayer, services::ServeDir};

use crate::{
    ops::{
        health::{self, HealthState},
        metrics::Metrics,
        request::traced,
    },
    platform::{ClientSettings, PlatformClient},
    port::TenantPlatform,
    security::{
        self, client_addr, cross_site,
        headers::{CspNonce, SecurityHeaders},
        rate_limit::{RateLimitState, RateLimiter},
    },
    settings::{Settings, TenancySettings},
    signature_cache::{CacheSettings, RedisStore, SignatureCache},
    tenancy::{self, Resolved, Tenant, Tenants},
};

/// Path prefixes of the server functions behind the per-address rate limit:
/// those that quote (each quote is stored by the platform), book, pay and
/// look bookings up.
pub const RATE_LIMITED_PREFIXES: &[&str] = &["/api/booking/", "/api/quote"];

/// Where server functions are mounted.
const SERVER_FN_PREFIX: &str = "/api/";

/// What the page renderer learns about the request, from its extensions.
#[derive(Clone)]
struct RequestSite {
    host: SiteHost,
    platform: Option<Arc<dyn Platform>>,
}

/// The parts of a running site that tests and the binary need.
pub struct Site {
    /// The public HTTP application.
    pub router: Router,
    /// The platform client (with the signature cache).
    pub client: PlatformClient,
    /// The site's metrics.
    pub metrics: Arc<Metrics>,
}

/// Builds the site described by `settings`: loads the tenants, prepares the
/// platform client and the signature cache, and assembles the router.
pub fn build(settings: &Settings) -> anyhow::Result<Site> {
    Shared::new(settings)?.site()
}

/// Builds `count` sites for the workers of one process: each with a
/// platform client of its own, all sharing one set of tenants, signature
/// cache, rate-limit counters and metrics.
pub fn build_workers(settings: &Settings, count: usize) -> anyhow::Result<Vec<Site>> {
    let shared = Shared::new(settings)?;
    (0..count).map(|_| shared.site()).collect()
}

/// What every worker of one site process shares: the tenants, the signature
/// cache (so a tenant's signature is fetched once per process, whichever
/// worker needs it), the rate-limit counters and the metrics.
struct Shared {
    settings: Settings,
    metrics: Arc<Metrics>,
    cache: Arc<SignatureCache>,
    tenants: Arc<Tenants>,
    limiter: Arc<RateLimiter>,
}

impl Shared {
    fn new(settings: &Settings) -> anyhow::Result<Self> {
        let metrics = Arc::new(Metrics::new());
        let l2 = settings
            .redis_url
            .as_ref()
            .map(|url| RedisStore::new(url.expose(), Arc::clone(&metrics)))
            .transpose()
            .context("REDIS_URL is not a usable Redis URL")?;
        let cache_settings = CacheSettings {
            refresh_margin: settings.refresh_margin,
            // Longer than any refresh may take, so a lock never lapses mid-call.
            lock_ttl: settings.pms_timeout + Duration::from_secs(1),
            ..CacheSettings::default()
        };
        let limiter =
            RateLimiter::per_minute(settings.rate_limit_per_minute).shared_through(l2.clone());
        let cache = Arc::new(SignatureCache::new(
            cache_settings,
            l2,
            Arc::clone(&metrics),
        ));
        Ok(Self {
            tenants: Arc::new(load_tenants(settings)?),
            limiter: Arc::new(limiter),
            settings: settings.clone(),
            metrics,
            cache,
        })
    }

    /// One worker's site: the shared parts behind a platform client of its
    /// own, so the connections a worker sends on are driven by that worker.
    fn site(&self) -> anyhow::Result<Site> {
        let settings = &self.settings;
        let client_settings = ClientSettings {
            connect_timeout: settings.pms_connect_timeout,
            timeout: settings.pms_timeout,
            retries: settings.pms_retries,
            refresh_margin: settings.refresh_margin,
            ..ClientSettings::new(&settings.pms_url)
        };
        let client = PlatformClient::new(
            client_settings,
            Arc::clone(&self.cache),
            Arc::clone(&self.metrics),
        )
        .context("cannot build the HTTP client")?;
        let router = router(self, client.clone());
        Ok(Site {
            router,
            client,
            metrics: Arc::clone(&self.metrics),
        })
    }
}

fn load_tenants(settings: &Settings) -> anyhow::Result<Tenants> {
    match &settings.tenancy {
        TenancySettings::Single { credentials, name } => Ok(Tenants::single(Tenant {
            slug: "default".into(),
            hosts: Vec::new(),
            credentials: credentials.clone(),
            brand: tenancy::default_brand(name),
        })),
        TenancySettings::Directory { dir, index_hosts } => {
            let lookup = |name: &str| std::env::var(name).ok();
            let tenants = tenancy::load_directory(dir, &lookup)
                .with_context(|| format!("cannot load the tenants in {}", dir.display()))?;
            for tenant in &tenants {
                tracing::info!(
                    tenant.slug = %tenant.slug,
                    tenant.client_id = %tenant.credentials.client_id,
                    hosts = ?tenant.hosts,
                    "serving tenant"
                );
            }
            Ok(Tenants::multi(tenants, index_hosts.clone()))
        }
    }
}

fn router(shared: &Shared, client: PlatformClient) -> Router {
    let settings = &shared.settings;
    let metrics = Arc::clone(&shared.metrics);
    let site_root = settings.site_root.to_string_lossy().into_owned();
    let options = LeptosOptions::builder()
        .output_name("doorstep")
        .site_root(site_root)
        .site_pkg_dir("pkg")
        .site_addr(settings.addr)
        .build();
    let routes = generate_route_list(App);
    let shell_fn = {
        let options = options.clone();
        move || shell(options.clone())
    };

    // Static files first; anything else is a page, and unknown pages are
    // rendered by the app's own 404 (themed for the tenant).
    let static_files = ServeDir::new(&settings.site_root).fallback(
        get(leptos_axum::render_app_to_stream_with_context(
            provide_request_context,
            shell_fn.clone(),
        ))
        .with_state(()),
    );
    let gate = Arc::new(Gate {
        headers: SecurityHeaders::new(settings.hsts_max_age),
        metrics: Arc::clone(&metrics),
        tenants: Arc::clone(&shared.tenants),
        client: client.clone(),
        limiter: RateLimitState {
            limiter: Arc::clone(&shared.limiter),
            proxies: settings.trusted_proxies.clone(),
            metrics: Arc::clone(&metrics),
        },
        trust_forwarded_host: settings.trust_forwarded_host,
    });

    let pages = Router::new()
        .leptos_routes_with_context(&options, routes, provide_request_context, shell_fn)
        .fallback_service(static_files)
        .with_state(options)
        .layer(RequestBodyLimitLayer::new(settings.max_body_bytes))
        .layer(middleware::from_fn_with_state(Arc::clone(&gate), page_gate));

    let operations = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .with_state(HealthState::new(client))
        .layer(middleware::from_fn_with_state(gate, operations_gate));

    pages.merge(operations)
}

/// `GET /metrics` for `metrics`, for the metrics listener
/// (`SITE_METRICS_ADDR`) only.
pub fn metrics_router(metrics: Arc<Metrics>) -> Router {
    Router::new()
        .route("/metrics", get(health::metrics))
        .with_state(metrics)
}

/// Gives the renderer and server functions what the middleware learned:
/// the host (tenant or index), the tenant's platform port, and the CSP nonce.
fn provide_request_context() {
    let learned = with_context::<http::request::Parts, _>(|parts| {
        (
            parts.extensions.get::<RequestSite>().cloned(),
            parts.extensions.get::<CspNonce>().cloned(),
        )
    });
    let Some((site, nonce)) = learned else {
        return;
    };
    if let Some(site) = site {
        provide_context(site.host);
        if let Some(platform) = site.platform {
            provide_context(platform);
        }
    }
    if let Some(nonce) = nonce {
        provide_context(leptos::nonce::Nonce::from_value(nonce.0));
    }
}

/// Everything the site does around a request, as one middleware.
///
/// Each axum middleware layer clones the services beneath it on every
/// request, so the site's concerns share one layer instead of a layer each:
/// on every response the security headers (with a fresh CSP nonce), the
/// request span, ID and metrics, and the stripping of browser-sent
/// credential headers; on pages and server functions also tenant
/// resolution; on server functions also cross-site refusal and, for
/// booking, payment and look-up, the per-address rate limit.
struct Gate {
    headers: SecurityHeaders,
    metrics: Arc<Metrics>,
    tenants: Arc<Tenants>,
    client: PlatformClient,
    limiter: RateLimitState,
    /// Whether a trusted proxy's `X-Forwarded-Host` names the guest's host.
    trust_forwarded_host: bool,
}

impl Gate {
    /// What every response gets, around `handle`.
    async fn around<F>(&self, mut request: Request, handle: impl FnOnce(Request) -> F) -> Response
    where
        F: std::future::Future<Output = Response>,
    {
        security::strip_credential_headers(request.headers_mut());
        let nonce = CspNonce::generate();
        request.extensions_mut().insert(nonce.clone());
        let mut response = traced(&self.metrics, request, handle).await;
        self.headers.apply(response.headers_mut(), &nonce);
        response
    }

    /// A page, asset or server function: the tenant first, then the rules
    /// for server functions.
    async fn page(&self, mut request: Request, next: Next) -> Response {
        let Some(site) = self.resolve_tenant(&request) else {
            // The same answer whatever tenants exist.
            return (
                StatusCode::NOT_FOUND,
                [(header::CONTENT_TYPE, "text/plain")],
                "Not found",
            )
                .into_response();
        };
        request.extensions_mut().insert(site);

        let path = request.uri().path();
        if !path.starts_with(SERVER_FN_PREFIX) {
            return next.run(request).await;
        }
        let host = self.guest_host(&request);
        if let Some(refusal) =
            cross_site::cross_site_refusal(request.method(), request.headers(), host)
        {
            return refusal;
        }
        let limited = RATE_LIMITED_PREFIXES
            .iter()
            .any(|prefix| path.starts_with(prefix));
        if limited
            && let Some(addr) = self.limiter.client(&request)
            && let Some(refusal) = self.limiter.refusal(addr).await
        {
            return refusal;
        }
        status_of_server_fn_error(next.run(request).await).await
    }

    /// The host the guest asked for: with `TRUST_FORWARDED_HOST`, what a
    /// trusted proxy says in `X-Forwarded-Host`; else `Host` (or the
    /// authority of an HTTP/2 request).
    fn guest_host<'r>(&self, request: &'r Request) -> Option<&'r str> {
        self.trust_forwarded_host
            .then(|| client_addr::forwarded_host(request, &self.limiter.proxies))
            .flatten()
            .or_else(|| {
                request
                    .headers()
                    .get(header::HOST)
                    .and_then(|value| value.to_str().ok())
            })
            .or_else(|| {
                request
                    .uri()
                    .authority()
                    .map(|authority| authority.as_str())
            })
    }

    /// The tenant (or the index) for the host the guest asked for; `None`
    /// for a host this site does not serve. Names the tenant in the
    /// request's span.
    fn resolve_tenant(&self, request: &Request) -> Option<RequestSite> {
        let host = self.guest_host(request);

        match self.tenants.resolve(host) {
            Resolved::Unknown => None,
            Resolved::Index => Some(RequestSite {
                host: SiteHost::Index(self.tenants.links(host)),
                platform: None,
            }),
            Resolved::Tenant(tenant) => {
                let span = tracing::Span::current();
                span.record("tenant.slug", tenant.slug.as_str());
                span.record("tenant.client_id", tenant.credentials.client_id.as_str());
                Some(RequestSite {
                    host: SiteHost::Tenant(tenant.brand.clone()),
                    platform: Some(Arc::new(TenantPlatform::new(
                        self.client.clone(),
                        tenant,
                        span,
                    ))),
                })
            }
        }
    }
}

/// Middleware for pages, assets and server functions.
async fn page_gate(State(gate): State<Arc<Gate>>, request: Request, next: Next) -> Response {
    gate.around(request, |request| gate.page(request, next))
        .await
}

/// Middleware for the health endpoints, which answer on every host.
async fn operations_gate(State(gate): State<Arc<Gate>>, request: Request, next: Next) -> Response {
    gate.around(request, |request| next.run(request)).await
}

/// Leptos answers 500 to server-function arguments it cannot decode; the
/// body is our encoded `SiteError`, which knows its status (400 for bad
/// input).
async fn status_of_server_fn_error(response: Response) -> Response {
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, 64 * 1024)
        .await
        .unwrap_or_default();
    if let Ok(error) = serde_json::from_slice::<SiteError>(&bytes) {
        parts.status = StatusCode::from_u16(error.status()).unwrap_or(parts.status);
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// Serves the site until the process is asked to stop.
///
/// The site runs as `settings.workers` single-threaded workers, each an
/// async runtime on a thread of its own accepting from the one listening
/// socket. A request then stays on the thread that accepted it, from the
/// guest's connection through the platform call and back, with no hand-off
/// between threads; a work-stealing pool measured about 0.1 ms slower per
/// request through the site (see the README's benchmark). The tenants,
/// signature cache, rate limits and metrics are shared by all workers.
/// With `SITE_METRICS_ADDR`, the first worker also serves `/metrics` there.
pub fn serve(settings: Settings) -> anyhow::Result<()> {
    let mut sites = build_workers(&settings, settings.workers)?;
    let listener = listen(settings.addr)?;
    let metrics_listener = settings.metrics_addr.map(listen).transpose()?;
    let metrics_addr = settings
        .metrics_addr
        .map_or_else(|| "none".to_string(), |addr| addr.to_string());
    tracing::info!(
        addr = %listener.local_addr()?,
        %metrics_addr,
        workers = settings.workers,
        "doorstep-site listening"
    );

    let (stop, stopping) = tokio::sync::watch::channel(false);
    let first = sites.remove(0);
    let mut others = Vec::with_capacity(sites.len());
    for (index, site) in sites.into_iter().enumerate() {
        let index = index + 1;
        let listener = listener
            .try_clone()
            .context("cannot share the listening socket")?;
        let stopping = stopping.clone();
        let thread = std::thread::Builder::new()
            .name(format!("site-worker-{index}"))
            .spawn(move || run_worker(site, listener, stopping))
            .context("cannot start a worker thread")?;
        others.push(thread);
    }

    let mut result = worker_runtime()?.block_on(async move {
        tokio::spawn(async move {
            shutdown_signal().await;
            tracing::info!("stopping: finishing the requests in flight");
            let _ = stop.send(true);
        });
        let metrics = metrics_listener.map(|listener| {
            tokio::spawn(serve_metrics(
                metrics_router(Arc::clone(&first.metrics)),
                listener,
                stopping.clone(),
            ))
        });
        let served = serve_worker(first, listener, stopping).await;
        match metrics {
            Some(metrics) => served.and(metrics.await.context("the metrics listener failed")?),
            None => served,
        }
    });
    for thread in others {
        let outcome = thread
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("a worker thread panicked")));
        result = result.and(outcome);
    }
    result
}

/// A non-blocking listening socket on `addr`, for a worker's runtime to adopt.
fn listen(addr: SocketAddr) -> anyhow::Result<std::net::TcpListener> {
    let listener =
        std::net::TcpListener::bind(addr).with_context(|| format!("cannot listen on {addr}"))?;
    listener
        .set_nonblocking(true)
        .context("cannot make the listening socket non-blocking")?;
    Ok(listener)
}

/// Serves `/metrics` on its own listener until `stopping` turns true.
async fn serve_metrics(
    router: Router,
    listener: std::net::TcpListener,
    stopping: tokio::sync::watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::from_std(listener)
        .context("cannot register the metrics socket")?;
    axum::serve(listener, router)
        .with_graceful_shutdown(stop_requested(stopping))
        .await
        .context("the metrics listener stopped")
}

/// Completes once `stopping` turns true (or its sender is gone).
async fn stop_requested(mut stopping: tokio::sync::watch::Receiver<bool>) {
    let _ = stopping.wait_for(|stop| *stop).await;
}

fn worker_runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start a worker's runtime")
}

fn run_worker(
    site: Site,
    listener: std::net::TcpListener,
    stopping: tokio::sync::watch::Receiver<bool>,
) -> anyhow::Result<()> {
    worker_runtime()?.block_on(serve_worker(site, listener, stopping))
}

/// One worker: accepts connections from the shared socket and serves them
/// until `stopping` turns true, then lets the requests in flight finish.
async fn serve_worker(
    site: Site,
    listener: std::net::TcpListener,
    stopping: tokio::sync::watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::from_std(listener)
        .context("cannot register the listening socket")?
        .tap_io(|connection| {
            // Answers go out as soon as they are written.
            if let Err(error) = connection.set_nodelay(true) {
                tracing::debug!(%error, "cannot set TCP_NODELAY");
            }
        });
    // Every request arms timers (the platform call's deadline, hyper's
    // header timeout). A timer due sooner than any other makes tokio wake
    // its own driver with a system call; this heartbeat keeps a timer due
    // within a second, so a request's timers never do. It costs one wake-up
    // a second.
    tokio::spawn(async {
        let mut heartbeat = tokio::time::interval(Duration::from_secs(1));
        loop {
            heartbeat.tick().await;
        }
    });
    axum::serve(
        listener,
        site.router
            .into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(stop_requested(stopping))
    .await
    .context("the server stopped")
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                .expect("a SIGTERM handler can be installed");
        tokio::select! {
            _ = ctrl_c => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}
