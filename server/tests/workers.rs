//! The site as a process of several single-threaded workers, against the
//! real platform: what the workers share (signature cache, rate limits),
//! that the binary starts the workers it is asked for, and that it stops
//! cleanly on SIGTERM without dropping a request in flight.

mod support;

use std::{
    net::SocketAddr,
    process::{Command, Stdio},
    sync::atomic::Ordering,
    time::{Duration, Instant},
};

use doorstep_site::{settings::Settings, site};
use serde_json::json;
use support::{Guest, Platform, Proxy};

/// Builds `count` worker sites for `tenant` and serves each on a runtime
/// and thread of its own, as the binary's workers run; returns their URLs.
fn serve_workers(count: usize, pms_url: &str, tenant: &support::DemoTenant) -> Vec<String> {
    let pairs = [
        ("APP_CLIENT_ID", tenant.client_id.clone()),
        ("APP_API_KEY", tenant.api_key.clone()),
        ("PMS_URL", pms_url.to_string()),
        ("RATE_LIMIT_PER_MINUTE", "4".to_string()),
    ];
    let settings = Settings::from_lookup(|name| {
        pairs
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
    })
    .unwrap();
    let sites = site::build_workers(&settings, count).unwrap();

    sites
        .into_iter()
        .map(|site| {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.set_nonblocking(true).unwrap();
            let url = format!("http://{}", listener.local_addr().unwrap());
            std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                runtime.block_on(async move {
                    let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                    axum::serve(
                        listener,
                        site.router
                            .into_make_service_with_connect_info::<SocketAddr>(),
                    )
                    .await
                    .unwrap();
                });
            });
            url
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workers_share_one_signature_and_one_set_of_rate_limits() {
    let platform = Platform::start(&[]).await;
    let proxy = Proxy::start(&platform.url).await;
    let tenant = platform.tenant("bali").clone();
    let workers = serve_workers(3, &proxy.url, &tenant);

    // Every worker, cold, at once: one signature serves them all.
    let guests: Vec<Guest> = workers.iter().map(|url| Guest::new(url)).collect();
    let calls = guests.iter().cycle().take(60).map(|guest| {
        let guest = guest.clone();
        async move { guest.call("listings", json!({"search": {}})).await }
    });
    let answers = futures_join_all(calls).await;
    assert!(answers.iter().all(|answer| answer.status == 200));
    assert_eq!(
        proxy.signature_calls(),
        1,
        "three workers, one signature fetch"
    );

    // Look-ups from one address spread over the workers: the limit of 4 a
    // minute holds for the process, not per worker.
    let lookup = json!({"lookup": {"reference": "DS-NOPE00", "email": "a@b.example"}});
    let mut codes = Vec::new();
    for guest in guests.iter().cycle().take(9) {
        codes.push(guest.call("booking/find", lookup.clone()).await.status);
    }
    assert_eq!(codes, [404, 404, 404, 404, 429, 429, 429, 429, 429]);

    let mut secrets = proxy.secrets();
    secrets.extend([tenant.client_id.clone(), tenant.api_key.clone()]);
    for guest in &guests {
        guest.assert_saw_none_of(&secrets);
    }
}

/// Runs the futures concurrently and returns their outputs in order.
async fn futures_join_all<F: Future + Send + 'static>(
    futures: impl Iterator<Item = F>,
) -> Vec<F::Output>
where
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut outputs = Vec::with_capacity(handles.len());
    for handle in handles {
        outputs.push(handle.await.unwrap());
    }
    outputs
}

/// The names of a process's threads (Linux).
fn thread_names(pid: u32) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(format!("/proc/{pid}/task"))
        .unwrap()
        .filter_map(|entry| std::fs::read_to_string(entry.ok()?.path().join("comm")).ok())
        .map(|name| name.trim().to_string())
        .collect();
    names.sort();
    names
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_runs_its_workers_and_metrics_listener_and_stops_cleanly_on_sigterm() {
    let platform = Platform::start(&[]).await;
    let proxy = Proxy::start(&platform.url).await;
    let tenant = platform.tenant("lisbon");
    let (port, metrics_port) = (support::free_port(), support::free_port());
    let mut child = Command::new(env!("CARGO_BIN_EXE_doorstep-site"))
        .env_clear()
        .env("SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("SITE_METRICS_ADDR", format!("127.0.0.1:{metrics_port}"))
        .env("PMS_URL", &proxy.url)
        .env("APP_CLIENT_ID", &tenant.client_id)
        .env("APP_API_KEY", &tenant.api_key)
        .env("SITE_WORKERS", "3")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("doorstep-site starts");
    let url = format!("http://127.0.0.1:{port}");
    let guest = Guest::new(&url);

    let deadline = Instant::now() + Duration::from_secs(60);
    while reqwest::get(format!("{url}/healthz")).await.is_err() {
        assert!(Instant::now() < deadline, "the site did not start");
        assert!(child.try_wait().unwrap().is_none(), "the site exited early");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let workers: Vec<String> = thread_names(child.id())
        .into_iter()
        .filter(|name| name.starts_with("site-worker-"))
        .collect();
    assert_eq!(
        workers,
        ["site-worker-1", "site-worker-2"],
        "and the main thread"
    );
    let metrics_url = format!("http://127.0.0.1:{metrics_port}");
    let scraped = Guest::new(&metrics_url).get("/metrics").await;
    assert_eq!(scraped.status, 200);
    assert!(
        scraped.body.contains("doorstep_site_http_requests_total"),
        "{}",
        scraped.body
    );
    assert_eq!(
        guest.get("/metrics").await.status,
        404,
        "not on the public listener"
    );

    // A request the platform answers slowly is in flight when SIGTERM comes.
    proxy.state.delay_ms.store(1500, Ordering::SeqCst);
    let in_flight = {
        let guest = guest.clone();
        tokio::spawn(async move { guest.call("listings", json!({"search": {}})).await })
    };
    tokio::time::sleep(Duration::from_millis(500)).await;
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());

    let answer = in_flight.await.unwrap();
    assert_eq!(answer.status, 200, "the request in flight is finished");

    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "the site did not stop");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(status.success(), "a clean exit, got {status}");
    for gone in [format!("{url}/healthz"), format!("{metrics_url}/metrics")] {
        assert!(
            reqwest::get(&gone).await.is_err(),
            "nothing listens any more"
        );
    }
}
