//! The signature path against the real platform binary and real Redis:
//! guest → site → (cache) → counting proxy → `doorstep-pms demo`.
//!
//! Every test ends with a scan of every response its guests received for
//! the tenants' client IDs, API keys and every signature the site used.

mod support;

use std::{sync::atomic::Ordering, time::Duration};

use serde_json::json;
use support::{Guest, Platform, Proxy, Redis, TestSite};

/// Load tests run hundreds of requests on two shared cores in a debug
/// build: a platform call may then take seconds, which must not count as
/// an outage here.
fn patient() -> (&'static str, String) {
    ("PMS_TIMEOUT_MS", "60000".into())
}

/// Secrets no response may contain.
fn secrets(platform: &Platform, proxy: &Proxy) -> Vec<String> {
    let mut all = proxy.secrets();
    for tenant in &platform.tenants {
        all.push(tenant.client_id.clone());
        all.push(tenant.api_key.clone());
    }
    all
}

/// `n` concurrent listing searches through the site's server function;
/// returns how many failed.
async fn load(guest: &Guest, n: usize) -> usize {
    let calls: Vec<_> = (0..n)
        .map(|_| {
            let guest = guest.clone();
            tokio::spawn(async move { guest.call("listings", json!({"search": {}})).await })
        })
        .collect();
    let mut failed = 0;
    for call in calls {
        let answer = call.await.unwrap();
        if answer.status != 200
            || answer.json()["items"]
                .as_array()
                .is_none_or(|items| items.is_empty())
        {
            failed += 1;
        }
    }
    failed
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn five_hundred_concurrent_requests_on_a_cold_cache_cause_one_signature_call() {
    let platform = Platform::start(&[]).await;
    let proxy = Proxy::start(&platform.url).await;
    let redis = Redis::start().await;
    let site = TestSite::single(
        platform.tenant("bali"),
        &proxy.url,
        &[("REDIS_URL", redis.url()), patient()],
    )
    .await;
    let guest = Guest::new(&site.url);

    let failed = load(&guest, 500).await;

    assert_eq!(failed, 0);
    assert_eq!(proxy.signature_calls(), 1);
    guest.assert_saw_none_of(&secrets(&platform, &proxy));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_sites_sharing_redis_make_one_signature_call_between_them() {
    let platform = Platform::start(&[]).await;
    let proxy = Proxy::start(&platform.url).await;
    let redis = Redis::start().await;
    let tenant = platform.tenant("lisbon");
    let first =
        TestSite::single(tenant, &proxy.url, &[("REDIS_URL", redis.url()), patient()]).await;
    let second =
        TestSite::single(tenant, &proxy.url, &[("REDIS_URL", redis.url()), patient()]).await;
    let (a, b) = (Guest::new(&first.url), Guest::new(&second.url));

    let (failed_a, failed_b) = tokio::join!(load(&a, 150), load(&b, 150));

    assert_eq!(failed_a + failed_b, 0);
    assert_eq!(proxy.signature_calls(), 1);
    let key = format!("doorstep:sig:{}", tenant.client_id);
    assert!(
        redis.get(&key).await.unwrap().is_some(),
        "the signature is shared in Redis"
    );
    a.assert_saw_none_of(&secrets(&platform, &proxy));
    b.assert_saw_none_of(&secrets(&platform, &proxy));
}

#[tokio::test]
async fn a_signature_inside_the_refresh_margin_is_replaced_before_it_is_used() {
    let platform = Platform::start(&[]).await;
    let proxy = Proxy::start(&platform.url).await;
    let redis = Redis::start().await;
    let tenant = platform.tenant("alps");
    // Valid for another minute, but the site refreshes five minutes ahead.
    // Were it sent, the platform would refuse it (it is not a real one).
    let soon = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(60);
    let stale =
        format!(r#"{{"signature":"c3RhbGU.AAAAAAAAAAAAAAAAAAAAAAAAAAA","expiresAt":"{soon}"}}"#);
    redis
        .set(&format!("doorstep:sig:{}", tenant.client_id), &stale, 60)
        .await;
    let site = TestSite::single(tenant, &proxy.url, &[("REDIS_URL", redis.url()), patient()]).await;
    let guest = Guest::new(&site.url);

    let answer = guest.call("listings", json!({"search": {}})).await;

    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(proxy.signature_calls(), 1, "a new signature was fetched");
    assert_eq!(proxy.unauthorized(), 0, "the stale one was never sent");
    guest.assert_saw_none_of(&secrets(&platform, &proxy));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn redis_stopped_during_load_fails_no_request_and_is_used_again_once_back() {
    let platform = Platform::start(&[]).await;
    let proxy = Proxy::start(&platform.url).await;
    let mut redis = Redis::start().await;
    let tenant = platform.tenant("bali");
    let site = TestSite::single(tenant, &proxy.url, &[("REDIS_URL", redis.url()), patient()]).await;
    let guest = Guest::new(&site.url);
    let key = format!("doorstep:sig:{}", tenant.client_id);

    let before = load(&guest, 100).await;
    let during = tokio::spawn({
        let guest = guest.clone();
        async move { load(&guest, 200).await }
    });
    redis.stop();
    // A refused signature forces a refresh while Redis is away.
    proxy.state.inject_401.store(1, Ordering::SeqCst);
    let during = during.await.unwrap() + load(&guest, 100).await;
    let down = guest.get("/readyz").await.json();

    redis.resume().await;
    // The site notices on its next Redis operation; readiness pings.
    let mut up = guest.get("/readyz").await.json();
    for _ in 0..50 {
        if up["redis"] == "up" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        up = guest.get("/readyz").await.json();
    }
    proxy.state.inject_401.store(1, Ordering::SeqCst);
    let after = load(&guest, 50).await;

    assert_eq!(
        (before, during, after),
        (0, 0, 0),
        "no guest request failed"
    );
    assert_eq!(down["redis"], "down");
    assert_eq!(up["redis"], "up");
    assert!(
        redis.get(&key).await.unwrap().is_some(),
        "the refreshed signature is in Redis again"
    );
    guest.assert_saw_none_of(&secrets(&platform, &proxy));
}

#[tokio::test]
async fn a_401_from_the_platform_causes_one_refresh_and_one_retry() {
    let platform = Platform::start(&[]).await;
    let proxy = Proxy::start(&platform.url).await;
    let site = TestSite::single(platform.tenant("lisbon"), &proxy.url, &[]).await;
    let guest = Guest::new(&site.url);
    assert_eq!(
        guest.call("listings", json!({"search": {}})).await.status,
        200
    );

    proxy.state.inject_401.store(1, Ordering::SeqCst);
    let answer = guest.call("listings", json!({"search": {}})).await;

    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(proxy.unauthorized(), 1);
    assert_eq!(
        proxy.signature_calls(),
        2,
        "one initial signature, one refresh"
    );
    guest.assert_saw_none_of(&secrets(&platform, &proxy));
}

#[tokio::test]
async fn a_platform_that_keeps_refusing_gives_a_503_after_a_single_retry() {
    let platform = Platform::start(&[]).await;
    let proxy = Proxy::start(&platform.url).await;
    let site = TestSite::single(platform.tenant("lisbon"), &proxy.url, &[]).await;
    let guest = Guest::new(&site.url);
    proxy.state.inject_401.store(100, Ordering::SeqCst);

    let answer = guest.call("listings", json!({"search": {}})).await;

    assert_eq!(answer.status, 503);
    assert_eq!(answer.json()["kind"], "unavailable");
    assert_eq!(proxy.unauthorized(), 2, "the first try and one retry");
    guest.assert_saw_none_of(&secrets(&platform, &proxy));
}

#[tokio::test]
async fn a_slow_platform_gets_a_themed_503_before_it_answers() {
    let platform = Platform::start(&[]).await;
    let proxy = Proxy::start(&platform.url).await;
    let dir = support::tenants_dir(&platform);
    let site = TestSite::start(&[
        ("TENANTS_DIR", dir.path().display().to_string()),
        ("PMS_URL", proxy.url.clone()),
        ("PMS_TIMEOUT_MS", "300".into()),
    ])
    .await;
    let guest = Guest::new(&site.url).on_host("bali.localhost");
    proxy.state.delay_ms.store(5_000, Ordering::SeqCst);

    let started = std::time::Instant::now();
    let page = guest.get("/").await;
    let elapsed = started.elapsed();

    assert_eq!(page.status, 503);
    assert!(
        elapsed < Duration::from_secs(5),
        "answered before the platform would have"
    );
    assert!(
        page.body.contains("--ds-primary:#0f5257"),
        "the page carries the tenant's theme"
    );
    assert!(page.body.contains("not reachable"), "the page explains");
    guest.assert_saw_none_of(&secrets(&platform, &proxy));
}

#[tokio::test]
async fn a_platform_that_is_down_gets_a_themed_503() {
    let platform = Platform::start(&[]).await;
    let dir = support::tenants_dir(&platform);
    let closed = format!("http://127.0.0.1:{}", support::free_port());
    let site = TestSite::start(&[
        ("TENANTS_DIR", dir.path().display().to_string()),
        ("PMS_URL", closed),
    ])
    .await;
    let guest = Guest::new(&site.url).on_host("alps.localhost");

    let page = guest.get("/").await;
    let ready = guest.get("/readyz").await;

    assert_eq!(page.status, 503);
    assert!(page.body.contains("data-testid=\"unavailable\""));
    assert!(
        page.body.contains("alps Test"),
        "themed and named for the tenant"
    );
    assert_eq!(ready.status, 503);
    assert_eq!(ready.json()["platform"], "down");
    let mut all = Vec::new();
    for tenant in &platform.tenants {
        all.extend([tenant.client_id.clone(), tenant.api_key.clone()]);
    }
    guest.assert_saw_none_of(&all);
}

#[tokio::test]
async fn a_booking_retried_after_a_lost_answer_keeps_its_idempotency_key() {
    let platform = Platform::start(&[]).await;
    let proxy = Proxy::start(&platform.url).await;
    let site = TestSite::single(platform.tenant("alps"), &proxy.url, &[]).await;
    let guest = Guest::new(&site.url);
    let listings = guest
        .call("listings", json!({"search": {"pageSize": 50}}))
        .await
        .json();
    let today = jiff::tz::Offset::UTC
        .to_datetime(jiff::Timestamp::now())
        .date();
    let mut quote = None;
    // Find a listing and dates the demo has free, trying a few weeks ahead.
    'search: for listing in listings["items"].as_array().unwrap() {
        for week in 8..20 {
            let check_in = today + jiff::Span::new().days(7 * week);
            let check_out = check_in + jiff::Span::new().days(7);
            let answer = guest
                .call(
                    "quote",
                    json!({"request": {
                    "listingId": listing["id"], "checkIn": check_in.to_string(),
                    "checkOut": check_out.to_string(), "guests": 2}}),
                )
                .await;
            if answer.status == 200 {
                quote = Some(answer.json());
                break 'search;
            }
        }
    }
    let quote = quote.expect("some demo listing is free for a week");
    proxy
        .state
        .lose_next_booking_answer
        .store(true, Ordering::SeqCst);

    let booking = guest
        .call(
            "booking/create",
            json!({
            "idempotency_key": "c0ffee00-1234-4321-8888-0123456789ab",
            "request": {"quoteId": quote["id"], "guest": {
                "name": "Ada Guest", "email": "ada@example.com", "phone": "+41 79 000 00 00"}}}),
        )
        .await;

    assert_eq!(booking.status, 200, "{}", booking.body);
    assert_eq!(booking.json()["status"], "held");
    let keys = proxy.state.seen.lock().unwrap().booking_keys.clone();
    assert_eq!(keys.len(), 2, "the lost answer was retried");
    assert_eq!(keys[0], keys[1], "with the same Idempotency-Key");
    guest.assert_saw_none_of(&secrets(&platform, &proxy));
}
