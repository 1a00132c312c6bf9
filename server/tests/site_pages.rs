//! The site as guests on each host see it, against the real platform:
//! tenant resolution, the listings page and its server function, the index,
//! security headers and guards, and the operations endpoints.

mod support;

use std::{sync::atomic::Ordering, time::Duration};

use serde_json::json;
use support::{Guest, Platform, Proxy, Redis, TestSite};

struct Demo {
    platform: Platform,
    proxy: Proxy,
    site: TestSite,
    _tenants: tempfile::TempDir,
}

async fn demo(extra: &[(&str, String)]) -> Demo {
    let platform = Platform::start(&[]).await;
    let proxy = Proxy::start(&platform.url).await;
    let tenants = support::tenants_dir(&platform);
    let mut settings = vec![
        ("TENANTS_DIR", tenants.path().display().to_string()),
        ("PMS_URL", proxy.url.clone()),
    ];
    settings.extend(extra.iter().map(|(k, v)| (*k, v.clone())));
    let site = TestSite::start(&settings).await;
    Demo {
        platform,
        proxy,
        site,
        _tenants: tenants,
    }
}

impl Demo {
    fn secrets(&self) -> Vec<String> {
        let mut all = self.proxy.secrets();
        for tenant in &self.platform.tenants {
            all.extend([tenant.client_id.clone(), tenant.api_key.clone()]);
        }
        all
    }
}

fn names(answer: &serde_json::Value) -> Vec<String> {
    answer["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["name"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn each_tenant_host_serves_its_own_themed_listings_page() {
    let demo = demo(&[]).await;
    let guest = Guest::new(&demo.site.url);
    let mut seen_names: Vec<Vec<String>> = Vec::new();

    for slug in ["bali", "lisbon", "alps"] {
        let host = guest.on_host(&format!("{slug}.localhost:3000"));
        let page = host.get("/").await;
        let data = host
            .call("listings", json!({"search": {"pageSize": 50}}))
            .await;

        assert_eq!(page.status, 200, "{slug}: {}", page.body);
        assert!(
            page.body.contains(&format!("{slug} Test")),
            "{slug}: the tenant's name"
        );
        assert!(
            page.body.contains("--ds-primary:"),
            "{slug}: the tenant's theme"
        );
        let listed = names(&data.json());
        assert!(!listed.is_empty());
        for name in listed.iter().take(6) {
            let escaped = name.replace('&', "&amp;").replace('\'', "&#x27;");
            assert!(
                page.body.contains(&escaped),
                "{slug}: the page shows {name}"
            );
        }
        assert!(
            page.body.contains("data-testid=\"listing-photo\""),
            "{slug}: photos"
        );
        assert!(
            page.body.contains("data-testid=\"listing-price\""),
            "{slug}: prices"
        );
        seen_names.push(listed);
    }

    for (i, a) in seen_names.iter().enumerate() {
        for b in &seen_names[i + 1..] {
            assert!(
                a.iter().all(|name| !b.contains(name)),
                "tenants see only their own listings"
            );
        }
    }
    guest.assert_saw_none_of(&demo.secrets());
}

#[tokio::test]
async fn an_unknown_host_gets_a_plain_404_that_names_no_tenant() {
    let demo = demo(&[]).await;
    let guest = Guest::new(&demo.site.url).on_host("evil.example");

    let page = guest.get("/").await;
    let api = guest.call("listings", json!({"search": {}})).await;

    for answer in [&page, &api] {
        assert_eq!(answer.status, 404);
        assert_eq!(answer.body, "Not found");
        for slug in ["bali", "lisbon", "alps"] {
            assert!(!answer.body.contains(slug));
        }
    }
    assert_eq!(
        demo.proxy.signature_calls(),
        0,
        "no platform call for an unknown host"
    );
}

#[tokio::test]
async fn the_index_host_lists_every_tenant_on_the_same_port() {
    let demo = demo(&[]).await;
    let guest = Guest::new(&demo.site.url).on_host("localhost:3000");

    let page = guest.get("/").await;

    assert_eq!(page.status, 200);
    for slug in ["bali", "lisbon", "alps"] {
        assert!(
            page.body.contains(&format!("//{slug}.localhost:3000/")),
            "links {slug}"
        );
    }
    guest.assert_saw_none_of(&demo.secrets());
}

#[tokio::test]
async fn pages_carry_a_nonce_policy_that_matches_their_scripts() {
    let demo = demo(&[("HSTS_MAX_AGE_SECS", "31536000".into())]).await;
    let guest = Guest::new(&demo.site.url).on_host("bali.localhost");

    let page = guest.get("/").await;
    let again = guest.get("/").await;

    let csp = page.header("content-security-policy").expect("a CSP");
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .unwrap();
    assert!(
        page.body.contains(&format!("nonce=\"{nonce}\"")),
        "the scripts carry the nonce"
    );
    assert_ne!(
        Some(csp),
        again.header("content-security-policy"),
        "a fresh nonce per response"
    );
    assert!(csp.contains("frame-ancestors 'none'"));
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(
        page.header("referrer-policy"),
        Some("strict-origin-when-cross-origin")
    );
    assert_eq!(
        page.header("strict-transport-security"),
        Some("max-age=31536000; includeSubDomains")
    );
    assert!(page.header("x-request-id").is_some());
}

/// The tenant comes from the host, and its credentials from the site's own
/// settings: headers naming another tenant's credentials change nothing.
/// (That the gate strips them before anything else sees the request is a
/// unit test of `security::strip_credential_headers`.)
#[tokio::test]
async fn credential_headers_sent_by_a_browser_are_ignored() {
    let demo = demo(&[]).await;
    let guest = Guest::new(&demo.site.url).on_host("lisbon.localhost");
    let bali = demo.platform.tenant("bali");
    let request = reqwest::Client::new()
        .post(format!("{}/api/listings", demo.site.url))
        .header("content-type", "application/json")
        .header("x-clientid", &bali.client_id)
        .header("x-api-key", &bali.api_key)
        .header("x-signature", "forged.sig")
        .body(json!({"search": {}}).to_string());

    let answer = guest.send(request).await;

    assert_eq!(answer.status, 200);
    let lisbon = demo.platform.tenant("lisbon");
    let seen = demo.proxy.state.seen.lock().unwrap();
    assert!(
        seen.credentials.contains(&lisbon.client_id),
        "the site used lisbon's credentials"
    );
    assert!(
        !seen.credentials.contains(&bali.api_key),
        "never the browser's"
    );
    assert!(!seen.signatures.contains("forged.sig"));
}

#[tokio::test]
async fn a_cross_site_server_function_call_is_refused() {
    let demo = demo(&[]).await;
    let guest = Guest::new(&demo.site.url).on_host("bali.localhost:3000");
    let post = |headers: &[(&str, &str)]| {
        let mut request = reqwest::Client::new()
            .post(format!("{}/api/listings", demo.site.url))
            .header("content-type", "application/json")
            .body(json!({"search": {}}).to_string());
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request
    };

    let cross_site = guest.send(post(&[("sec-fetch-site", "cross-site")])).await;
    let foreign_origin = guest.send(post(&[("origin", "http://evil.example")])).await;
    let same_origin = guest
        .send(post(&[("origin", "http://bali.localhost:3000")]))
        .await;

    assert_eq!(cross_site.status, 403);
    assert_eq!(foreign_origin.status, 403);
    assert_eq!(same_origin.status, 200);
}

#[tokio::test]
async fn a_trusted_proxys_forwarded_host_picks_the_tenant_only_when_the_site_is_told_to() {
    let behind = demo(&[
        ("TRUSTED_PROXIES", "127.0.0.1".into()),
        ("TRUST_FORWARDED_HOST", "true".into()),
    ])
    .await;
    let not_asked = demo(&[("TRUSTED_PROXIES", "127.0.0.1".into())]).await;
    let exposed = demo(&[]).await;
    let page_of = |site: &str| {
        reqwest::Client::new()
            .get(format!("{site}/"))
            .header("x-forwarded-host", "bali.localhost")
    };
    let search = |site: &str, origin: &str| {
        reqwest::Client::new()
            .post(format!("{site}/api/listings"))
            .header("x-forwarded-host", "bali.localhost")
            .header("origin", origin)
            .header("content-type", "application/json")
            .body(json!({"search": {}}).to_string())
    };
    let proxy = Guest::new(&behind.site.url).on_host("site.internal:3000");
    let stranger = Guest::new(&exposed.site.url).on_host("site.internal:3000");
    let passed_through = Guest::new(&not_asked.site.url).on_host("site.internal:3000");

    let page = proxy.send(page_of(&behind.site.url)).await;
    let same_origin = proxy
        .send(search(&behind.site.url, "http://bali.localhost"))
        .await;
    let internal_origin = proxy
        .send(search(&behind.site.url, "http://site.internal:3000"))
        .await;
    let forged = stranger.send(page_of(&exposed.site.url)).await;
    let unasked = passed_through.send(page_of(&not_asked.site.url)).await;

    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("bali Test"), "bali's page");
    assert_eq!(same_origin.status, 200, "the guest's own origin passes");
    assert_eq!(
        internal_origin.status, 403,
        "compared with the guest's host"
    );
    assert_eq!(
        forged.status, 404,
        "not believed from a peer that is no proxy"
    );
    assert_eq!(
        unasked.status, 404,
        "not believed from a proxy without TRUST_FORWARDED_HOST"
    );
    assert_eq!(forged.body, "Not found");
    proxy.assert_saw_none_of(&behind.secrets());
}

#[tokio::test]
async fn booking_lookups_are_rate_limited_per_address() {
    let demo = demo(&[("RATE_LIMIT_PER_MINUTE", "3".into())]).await;
    let guest = Guest::new(&demo.site.url).on_host("alps.localhost");
    let lookup = json!({"lookup": {"reference": "DS-NOPE00", "email": "a@b.example"}});

    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(guest.call("booking/find", lookup.clone()).await);
    }
    let listings = guest.call("listings", json!({"search": {}})).await;

    let codes: Vec<u16> = statuses.iter().map(|a| a.status).collect();
    assert_eq!(codes, [404, 404, 404, 429, 429]);
    assert!(statuses[3].header("retry-after").is_some());
    assert_eq!(statuses[3].json()["kind"], "too_many_requests");
    assert_eq!(listings.status, 200, "browsing is not limited");
}

#[tokio::test]
async fn site_processes_sharing_redis_share_one_rate_limit() {
    let platform = Platform::start(&[]).await;
    let redis = Redis::start().await;
    let tenants = support::tenants_dir(&platform);
    let settings = [
        ("TENANTS_DIR", tenants.path().display().to_string()),
        ("PMS_URL", platform.url.clone()),
        ("REDIS_URL", redis.url()),
        ("RATE_LIMIT_PER_MINUTE", "3".into()),
    ];
    let sites = [
        TestSite::start(&settings).await,
        TestSite::start(&settings).await,
    ];
    let guests = sites
        .each_ref()
        .map(|site| Guest::new(&site.url).on_host("alps.localhost"));
    let lookup = json!({"lookup": {"reference": "DS-NOPE00", "email": "a@b.example"}});

    let mut codes = Vec::new();
    for turn in 0..6 {
        let answer = guests[turn % 2].call("booking/find", lookup.clone()).await;
        codes.push(answer.status);
    }

    assert_eq!(codes, [404, 404, 404, 429, 429, 429], "one limit for both");
    let bucket = redis.hash_field("doorstep:rl:127.0.0.1", "tokens").await;
    assert!(bucket.is_some(), "the bucket is in Redis");
}

#[tokio::test]
async fn an_oversized_request_body_is_refused() {
    let demo = demo(&[("MAX_BODY_BYTES", "4096".into())]).await;
    let guest = Guest::new(&demo.site.url).on_host("alps.localhost");

    let answer = guest
        .call("listings", json!({"search": {"q": "x".repeat(10_000)}}))
        .await;

    assert_eq!(answer.status, 413);
}

#[tokio::test]
async fn bad_search_input_gets_a_clear_400_not_a_500() {
    let demo = demo(&[]).await;
    let guest = Guest::new(&demo.site.url).on_host("alps.localhost");

    let too_long = guest
        .call("listings", json!({"search": {"q": "x".repeat(200)}}))
        .await;
    let garbage = guest
        .call("listings", json!({"search": "not an object"}))
        .await;
    let bad_id = guest.call("booking/pay", json!({"booking_id": "../me", "request": {"card": {
        "number": "4242424242424242", "expMonth": 12, "expYear": 2031, "cvc": "123", "holderName": "A"}}})).await;

    assert_eq!(too_long.status, 400);
    assert_eq!(too_long.json()["kind"], "bad_input");
    assert_eq!(garbage.status, 400, "{}", garbage.body);
    assert_eq!(bad_id.status, 404);
}

#[tokio::test]
async fn health_and_readiness_answer_on_any_host_and_metrics_only_on_their_listener() {
    let demo = demo(&[]).await;
    let guest = Guest::new(&demo.site.url).on_host("bali.localhost");
    guest.call("listings", json!({"search": {}})).await;
    guest.call("listings", json!({"search": {}})).await;
    let anywhere = Guest::new(&demo.site.url).on_host("127.0.0.1");
    let scraper = Guest::new(&demo.site.metrics_url);

    let health = anywhere.get("/healthz").await;
    let ready = anywhere.get("/readyz").await;
    let public_metrics = [guest.get("/metrics").await, anywhere.get("/metrics").await];
    let metrics = scraper.get("/metrics").await;

    assert_eq!(health.body, "ok");
    assert_eq!(
        ready.json(),
        json!({"status": "ready", "platform": "up", "redis": "not_configured"})
    );
    for answer in &public_metrics {
        assert_eq!(answer.status, 404, "the public listener serves no metrics");
        assert!(!answer.body.contains("doorstep_site_"), "{}", answer.body);
    }
    assert_eq!(metrics.status, 200);
    let text = metrics.body;
    assert!(
        text.contains("doorstep_site_signature_fetches_total{outcome=\"ok\"} 1"),
        "{text}"
    );
    assert!(text.contains("doorstep_site_signature_cache_lookups_total{tier=\"L1\"}"));
    assert!(text.contains("doorstep_site_http_requests_total{route=\"/api/listings\",method=\"POST\",status=\"2xx\"} 2"));
    for slug in ["bali", "lisbon", "alps"] {
        assert!(!text.contains(slug), "metrics name no tenant");
    }
    let all = demo.secrets();
    anywhere.assert_saw_none_of(&all);
    scraper.assert_saw_none_of(&all);
}

#[tokio::test]
async fn a_flood_of_readiness_checks_probes_the_platform_once_a_second() {
    let demo = demo(&[]).await;
    let prober = Guest::new(&demo.site.url).on_host("127.0.0.1");
    let probes = || demo.proxy.state.readiness_probes.load(Ordering::SeqCst);

    let checks: Vec<_> = (0..20)
        .map(|_| {
            let prober = prober.clone();
            tokio::spawn(async move { prober.get("/readyz").await })
        })
        .collect();
    let mut flood = Vec::new();
    for check in checks {
        flood.push(check.await.unwrap());
    }
    let during_the_flood = probes();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let later = prober.get("/readyz").await;

    assert!(flood.iter().all(|ready| ready.status == 200));
    assert_eq!(during_the_flood, 1, "twenty checks, one probe");
    assert_eq!(later.status, 200);
    assert_eq!(probes(), 2, "a second later, probed again");
}

#[tokio::test]
async fn single_tenant_mode_serves_its_listings_on_any_host() {
    let platform = Platform::start(&[]).await;
    let site = TestSite::single(platform.tenant("lisbon"), &platform.url, &[]).await;
    let guest = Guest::new(&site.url).on_host("www.casa-miradouro.example");

    let page = guest.get("/").await;

    assert_eq!(page.status, 200);
    assert!(page.body.contains("Test Stays"), "named by SITE_NAME");
    assert!(page.body.contains("data-testid=\"listing-card\""));
    let mut all = Vec::new();
    for tenant in &platform.tenants {
        all.extend([tenant.client_id.clone(), tenant.api_key.clone()]);
    }
    guest.assert_saw_none_of(&all);
}
