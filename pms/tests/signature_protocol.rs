//! The signature protocol against the running service, on SQLite and on
//! PostgreSQL: the full issue → call flow and every attack of issue 3.
//!
//! Each scenario is an `async fn(TestEngine)`; `on_both_engines!` turns it
//! into one test per engine.

use std::time::Duration;

use doorstep::api::{ClientProfile, Envelope, ErrorEnvelope, SignatureResponse};
use doorstep::headers;
use doorstep::signature::{format_timestamp, sign};
use doorstep_pms::testing::{TestApp, TestEngine, TestTenant};
use jiff::{SignedDuration, Timestamp};
use reqwest::StatusCode;
use reqwest::header::HeaderValue;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

macro_rules! on_both_engines {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(doorstep_pms::testing::TestEngine::Sqlite).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name(doorstep_pms::testing::TestEngine::Postgres).await;
                }
            )*
        }
    };
}

on_both_engines!(
    an_issued_signature_opens_the_tenants_own_profile,
    a_signature_matches_an_independent_computation,
    requests_missing_or_with_empty_credential_headers_are_refused_alike,
    duplicate_credential_headers_are_refused,
    another_tenants_api_key_is_refused,
    every_cross_pairing_of_two_tenants_credentials_is_refused,
    expired_timestamps_are_refused,
    timestamps_beyond_the_maximum_lifetime_are_refused,
    the_same_instant_written_differently_is_refused,
    one_character_changes_to_salt_or_mac_are_refused,
    padded_or_standard_alphabet_macs_are_refused,
    a_disabled_tenant_is_refused_within_the_cache_ttl,
    a_rotated_api_key_works_during_its_overlap_and_not_after,
    the_previous_secret_verifies_during_its_overlap_and_not_after,
    header_values_with_crlf_nul_or_non_ascii_never_cause_a_server_error,
    oversized_headers_get_431,
    signature_requests_without_or_with_a_wrong_key_are_refused_identically,
    a_body_client_id_must_match_the_header,
    signature_issuing_is_rate_limited_per_client,
    a_forged_x_forwarded_for_does_not_dodge_the_address_limit,
    verified_requests_do_not_query_the_database,
    unknown_paths_under_v1_clients_need_credentials_first,
);

// --- helpers ---------------------------------------------------------------

/// The four credential headers, as raw bytes so tests can corrupt them.
#[derive(Clone)]
struct Creds {
    client_id: Vec<u8>,
    api_key: Vec<u8>,
    signature: Vec<u8>,
    timestamp: Vec<u8>,
}

impl Creds {
    fn of(tenant: &TestTenant, signature: &SignatureResponse) -> Self {
        Self {
            client_id: tenant.client_id.clone().into_bytes(),
            api_key: tenant.api_key.clone().into_bytes(),
            signature: signature.signature.clone().into_bytes(),
            timestamp: signature.expires_at.clone().into_bytes(),
        }
    }

    fn signed_at(tenant: &TestTenant, expires_at: &str) -> Self {
        let signature = sign(
            "c2FsdHNhbHRzYWx0c2FsdDEy",
            &tenant.secret_key,
            expires_at,
            &tenant.tenant_id,
        )
        .unwrap();
        Self::of(
            tenant,
            &SignatureResponse {
                signature,
                expires_at: expires_at.into(),
            },
        )
    }

    fn headers(&self) -> Vec<(&'static str, Vec<u8>)> {
        vec![
            (headers::CLIENT_ID, self.client_id.clone()),
            (headers::API_KEY, self.api_key.clone()),
            (headers::SIGNATURE, self.signature.clone()),
            (headers::TIMESTAMP, self.timestamp.clone()),
        ]
    }
}

async fn get_with(
    app: &TestApp,
    path: &str,
    headers: &[(&'static str, Vec<u8>)],
) -> (StatusCode, String) {
    let mut request = app.client.get(format!("{}{path}", app.base_url));
    for (name, value) in headers {
        request = request.header(
            *name,
            HeaderValue::from_bytes(value).expect("valid header bytes"),
        );
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.text().await.unwrap())
}

async fn me(app: &TestApp, creds: &Creds) -> (StatusCode, String) {
    get_with(app, "/v1/clients/me", &creds.headers()).await
}

const UNAUTHORIZED_BODY: &str =
    r#"{"error":{"code":"unauthorized","message":"missing or invalid credentials"}}"#;

async fn assert_refused(app: &TestApp, creds: &Creds, what: &str) {
    let (status, body) = me(app, creds).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{what}");
    assert_eq!(
        body, UNAUTHORIZED_BODY,
        "{what}: every failure has the same body"
    );
}

async fn assert_accepted(app: &TestApp, creds: &Creds, what: &str) {
    let (status, body) = me(app, creds).await;
    assert_eq!(status, StatusCode::OK, "{what}: {body}");
}

fn in_from_now(offset: SignedDuration) -> String {
    format_timestamp(Timestamp::now() + offset)
}

async fn issue(
    app: &TestApp,
    headers: &[(&'static str, &str)],
    body: Option<&str>,
) -> (StatusCode, Option<String>, String) {
    let mut request = app.client.post(format!("{}/auth/signature", app.base_url));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body.to_owned());
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let retry_after = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned());
    (status, retry_after, response.text().await.unwrap())
}

/// Sends raw bytes and returns the status code of the answer, if any.
async fn raw_status(app: &TestApp, request: &[u8]) -> Option<u16> {
    let mut stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    stream.write_all(request).await.unwrap();

    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    answer.extend_from_slice(&buf[..n]);
                    if answer.windows(4).any(|w| w == b"\r\n\r\n") {
                        break;
                    }
                }
            }
        }
    })
    .await;
    assert!(read.is_ok(), "the server answers or closes within 10 s");

    let text = String::from_utf8_lossy(&answer);
    text.strip_prefix("HTTP/1.1 ")?.get(..3)?.parse().ok()
}

// --- the flow ----------------------------------------------------------------

async fn an_issued_signature_opens_the_tenants_own_profile(engine: TestEngine) {
    let app = TestApp::spawn(engine).await;
    let alice = app.create_tenant("Alice Stays").await;
    let bob = app.create_tenant("Bob Villas").await;

    for (tenant, name) in [(&alice, "Alice Stays"), (&bob, "Bob Villas")] {
        let signature = app.signature(tenant).await;
        let response = app.signed_get("/v1/clients/me", tenant, &signature).await;
        assert_eq!(response.status(), 200);
        let profile = response
            .json::<Envelope<ClientProfile>>()
            .await
            .unwrap()
            .data;
        assert_eq!(profile.client_id, tenant.client_id);
        assert_eq!(profile.name, name);
        assert_eq!(profile.currency, "EUR");
    }
    app.stop().await;
}

async fn a_signature_matches_an_independent_computation(engine: TestEngine) {
    let app = TestApp::spawn(engine).await;
    let tenant = app.create_tenant("Alice Stays").await;

    let before = Timestamp::now();
    let issued = app.signature(&tenant).await;
    let after = Timestamp::now();

    let (salt, _) = issued.signature.split_once('.').unwrap();
    assert!(salt.len() >= 22, "salt carries at least 128 bits");
    let expected = sign(
        salt,
        &tenant.secret_key,
        &issued.expires_at,
        &tenant.tenant_id,
    )
    .unwrap();
    assert_eq!(issued.signature, expected);

    let expires = doorstep::signature::parse_timestamp(issued.expires_at.as_bytes()).unwrap();
    let hour = SignedDuration::from_hours(1);
    assert!(
        expires >= before + hour && expires <= after + hour,
        "lifetime is one hour"
    );
    assert!(issued.expires_at.ends_with('Z'));
    app.stop().await;
}

// --- missing, empty, duplicate ------------------------------------------------

async fn requests_missing_or_with_empty_credential_headers_are_refused_alike(engine: TestEngine) {
    let app = TestApp::spawn(engine).await;
    let tenant = app.create_tenant("Alice Stays").await;
    let good = Creds::of(&tenant, &app.signature(&tenant).await);
    assert_accepted(&app, &good, "all four headers").await;

    for skip in 0..4 {
        let headers: Vec<_> = good
            .headers()
            .into_iter()
            .enumerate()
            .filter(|(i, _)| *i != skip)
            .map(|(_, h)| h)
            .collect();
        let (status, body) = get_with(&app, "/v1/clients/me", &headers).await;
        assert_eq!(
            (status, body.as_str()),
            (StatusCode::UNAUTHORIZED, UNAUTHORIZED_BODY),
            "without header {skip}"
        );

        let mut headers = good.headers();
        headers[skip].1 = Vec::new();
        let (status, body) = get_with(&app, "/v1/clients/me", &headers).await;
        assert_eq!(
            (status, body.as_str()),
            (StatusCode::UNAUTHORIZED, UNAUTHORIZED_BODY),
            "empty header {skip}"
        );
    }

    let (status, body) = get_with(&app, "/v1/clients/me", &[]).await;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::UNAUTHORIZED, UNAUTHORIZED_BODY)
    );
    app.stop().await;
}

async fn duplicate_credential_headers_are_refused(engine: TestEngine) {
    let app = TestApp::spawn(engine).await;
    let tenant = app.create_tenant("Alice Stays").await;
    let good = Creds::of(&tenant, &app.signature(&tenant).await);

    for duplicate in 0..4 {
        // Even a repetition of the very same value is refused: which copy a
        // proxy or framework would pick is not ours to guess.
        let mut headers = good.headers();
        headers.push(headers[duplicate].clone());
        let (status, body) = get_with(&app, "/v1/clients/me", &headers).await;
        assert_eq!(
            (status, body.as_str()),
            (StatusCode::UNAUTHORIZED, UNAUTHORIZED_BODY),
            "header {duplicate} twice"
        );
    }
    app.stop().await;
}

// --- tenants mixed up -----------------------------------------------------------

async fn another_tenants_api_key_is_refused(engine: TestEngine) {
    let app = TestApp::spawn(engine).await;
    let alice = app.create_tenant("Alice Stays").await;
    let bob = app.create_tenant("Bob Villas").await;

    let mut creds = Creds::of(&alice, &app.signature(&alice).await);
    creds.api_key = bob.api_key.clone().into_bytes();
    assert_refused(&app, &creds, "Alice's request with Bob's API key").await;

    let (status, _, body) = issue(
        &app,
        &[
            (headers::CLIENT_ID, &alice.client_id),
            (headers::API_KEY, &bob.api_key),
        ],
        None,
    )
    .await;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::UNAUTHORIZED, UNAUTHORIZED_BODY)
    );
    app.stop().await;
}

async fn every_cross_pairing_of_two_tenants_credentials_is_refused(engine: TestEngine) {
    let app = TestApp::spawn(engine).await;
    let alice = app.create_tenant("Alice Stays").await;
    let bob = app.create_tenant("Bob Villas").await;
    let a = Creds::of(&alice, &app.signature(&alice).await);
    let b = Creds::of(&bob, &app.signature(&bob).await);

    for mask in 0u8..16 {
        let pick = |bit: u8, from_a: &Vec<u8>, from_b: &Vec<u8>| {
            if mask & (1 << bit) == 0 {
                from_a.clone()
            } else {
                from_b.clone()
            }
        };
        let creds = Creds {
            client_id: pick(0, &a.client_id, &b.client_id),
            api_key: pick(1, &a.api_key, &b.api_key),
            signature: pick(2, &a.signature, &b.signature),
            timestamp: pick(3, &a.timestamp, &b.timestamp),
        };

        let what = format!("pairing {mask:04b} (bit set = Bob's)");
        match mask {
            0 | 15 => assert_accepted(&app, &creds, &what).await,
            _ => assert_refused(&app, &creds, &what).await,
        }
    }
    app.stop().await;
}

// --- time -------------------------------------------------------------------------

async fn expired_timestamps_are_refused(engine: TestEngine) {
    let app = TestApp::spawn(engine).await;
    let tenant = app.create_tenant("Alice Stays").await;

    for ago in [
        SignedDuration::from_secs(1),
        SignedDuration::from_hours(2),
        SignedDuration::from_hours(24 * 400),
    ] {
        let creds = Creds::signed_at(&tenant, &in_from_now(-ago));
        assert_refused(&app, &creds, &format!("expired {ago:?} ago")).await;
    }
    assert_accepted(
        &app,
        &Creds::signed_at(&tenant, &in_from_now(SignedDuration::from_mins(5))),
        "valid",
    )
    .await;
    app.stop().await;
}

async fn timestamps_beyond_the_maximum_lifetime_are_refused(engine: TestEngine) {
    let app = TestApp::spawn(engine).await;
    let tenant = app.create_tenant("Alice Stays").await;

    // Lifetime 1 h, skew 60 s: up to 1 h 1 min ahead is fine, beyond is not.
    let within = Creds::signed_at(&tenant, &in_from_now(SignedDuration::from_mins(60)));
    assert_accepted(&app, &within, "one hour ahead").await;

    for ahead in [
        SignedDuration::from_mins(62),
        SignedDuration::from_hours(25),
        SignedDuration::from_hours(24 * 3650),
    ] {
        let creds = Creds::signed_at(&tenant, &in_from_now(ahead));
        assert_refused(&app, &creds, &format!("{ahead:?} ahead")).await;
    }
    app.stop().await;
}

async fn the_same_instant_written_differently_is_refused(engine: TestEngine) {
    let app = TestApp::spawn(engine).await;
    let tenant = app.create_tenant("Alice Stays").await;
    let issued = app.signature(&tenant).await;
    let original = issued.expires_at.clone();
    let (body, _) = original.split_once('Z').unwrap();
    let (whole, fraction) = body.split_once('.').unwrap_or((body, ""));

    // Spellings the strict reading refuses: each carries a MAC made over
    // its own bytes, so it is the reading, not the MAC check, that refuses.
    let unreadable = [
        format!("{body}+00:00"),
        format!("{body}z"),
        format!("{body}-00:00"),
        body.replacen('T', "t", 1) + "Z",
        body.replacen('T', " ", 1) + "Z",
    ];
    assert_accepted(
        &app,
        &Creds::signed_at(&tenant, &original),
        "signed as issued",
    )
    .await;
    for respelled in unreadable {
        assert_refused(&app, &Creds::signed_at(&tenant, &respelled), &respelled).await;
    }
    // Trailing zeros are readable (JavaScript writes three fraction digits
    // whatever they are), so the MAC over the bytes as issued refuses them.
    for respelled in [
        format!("{whole}.{fraction}0Z"),
        format!("{whole}.{:0<9}Z", fraction),
    ] {
        if respelled == original {
            continue;
        }
        let mut creds = Creds::of(&tenant, &issued);
        creds.timestamp = respelled.clone().into_bytes();
        assert_refused(&app, &creds, &respelled).await;
    }
    assert_accepted(&app, &Creds::of(&tenant, &issued), "as issued").await;
    app.stop().await;
}

// --- the signature itself ---------------------------------------------------------

async fn one_character_changes_to_salt_or_mac_are_refused(engine: TestEngine) {
    let app = TestApp::spawn(engine).await;
    let tenant = app.create_tenant("Alice Stays").await;
    let issued = app.signature(&tenant).await;
    let good = Creds::of(&tenant, &issued);
    let dot = issued.signature.find('.').unwrap();
    let last = issued.signature.len() - 1;

    for position in [0, dot / 2, dot - 1, dot, dot + 1, dot + 13, last] {
        let mut creds = good.clone();
        let byte = &mut creds.signature[position];
        *byte = if *byte == b'A' { b'B' } else { b'A' };
        assert_refused(&app, &creds, &format!("signature byte {position} changed")).await;
    }

    let mut truncated = good.clone();
    truncated.signature.pop();
    assert_refused(&app, &truncated, "mac one character short").await;
    let mut extended = good.clone();
    extended.signature.push(b'A');
    assert_refused(&app, &extended, "mac one character long").await;
    app.stop().await;
}

async fn padded_or_standard_alphabet_macs_are_refused(engine: TestEngine) {
    use base64::Engine as _;
    use base64::engine::general_purpose::{STANDARD, URL_SAFE, URL_SAFE_NO_PAD};

    let app = TestApp::spawn(engine).await;
    let tenant = app.create_tenant("Alice Stays").await;

    // Find an issued MAC whose standard encoding differs from base64url.
    let mut issued = app.signature(&tenant).await;
    for _ in 0..20 {
        let mac = issued.signature.split_once('.').unwrap().1;
        if mac.contains('-') || mac.contains('_') {
            break;
        }
        issued = app.signature(&tenant).await;
    }
    let (salt, mac) = issued.signature.split_once('.').unwrap();
    let raw = URL_SAFE_NO_PAD.decode(mac).unwrap();

    for variant in [
        format!("{salt}.{}", URL_SAFE.encode(&raw)),
        format!("{salt}.{}", STANDARD.encode(&raw)),
        format!("{salt}.{}", STANDARD.encode(&raw).trim_end_matches('=')),
        format!("{salt}.{mac}="),
    ] {
        if variant == issued.signature {
            continue;
        }
        let mut creds = Creds::of(&tenant, &issued);
        creds.signature = variant.clone().into_bytes();
        assert_refused(&app, &creds, &variant).await;
    }
    app.stop().await;
}

// --- lifecycle: disable, rotation ---------------------------------------------------

const SHORT_TTL: Duration = Duration::from_millis(150);

async fn a_disabled_tenant_is_refused_within_the_cache_ttl(engine: TestEngine) {
    let app = TestApp::spawn_with(engine, |s| s.credential_cache_ttl = SHORT_TTL).await;
    let tenant = app.create_tenant("Alice Stays").await;
    let creds = Creds::of(&tenant, &app.signature(&tenant).await);
    assert_accepted(&app, &creds, "before disabling").await;

    // As the operator CLI does it: straight in the database, from outside
    // this process's cache.
    app.state
        .tenants()
        .set_disabled(&tenant.client_id, true)
        .await
        .unwrap();
    let (status, _, body) = issue(
        &app,
        &[
            (headers::CLIENT_ID, &tenant.client_id),
            (headers::API_KEY, &tenant.api_key),
        ],
        None,
    )
    .await;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::UNAUTHORIZED, UNAUTHORIZED_BODY),
        "no new signature at once"
    );

    tokio::time::sleep(SHORT_TTL + Duration::from_millis(50)).await;
    assert_refused(&app, &creds, "disabled, one TTL later").await;

    app.state
        .tenants()
        .set_disabled(&tenant.client_id, false)
        .await
        .unwrap();
    tokio::time::sleep(SHORT_TTL + Duration::from_millis(50)).await;
    assert_accepted(&app, &creds, "enabled again").await;
    app.stop().await;
}

async fn a_rotated_api_key_works_during_its_overlap_and_not_after(engine: TestEngine) {
    let app = TestApp::spawn_with(engine, |s| s.credential_cache_ttl = SHORT_TTL).await;
    let tenant = app.create_tenant("Alice Stays").await;
    let store = app.state.tenants();
    let creds = Creds::of(&tenant, &app.signature(&tenant).await);

    let second = store
        .rotate_api_key(&tenant.client_id, Duration::from_secs(3600))
        .await
        .unwrap();
    tokio::time::sleep(SHORT_TTL + Duration::from_millis(50)).await;
    assert_accepted(&app, &creds, "first key during its overlap").await;
    let with_second = Creds {
        api_key: second.expose().as_bytes().to_vec(),
        ..creds.clone()
    };
    assert_accepted(&app, &with_second, "second key").await;

    // A third key ends the first key's overlap at once: at most two work.
    let third = store
        .rotate_api_key(&tenant.client_id, Duration::ZERO)
        .await
        .unwrap();
    tokio::time::sleep(SHORT_TTL + Duration::from_millis(50)).await;
    assert_refused(&app, &creds, "first key after two rotations").await;
    assert_refused(
        &app,
        &with_second,
        "second key after a rotation without overlap",
    )
    .await;
    let with_third = Creds {
        api_key: third.expose().as_bytes().to_vec(),
        ..creds.clone()
    };
    assert_accepted(&app, &with_third, "third key").await;

    let (status, _, _) = issue(
        &app,
        &[
            (headers::CLIENT_ID, &tenant.client_id),
            (headers::API_KEY, &tenant.api_key),
        ],
        None,
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "a revoked key gets no signature"
    );

    // The overlap also ends by the clock, not only by another rotation.
    let fourth = store
        .rotate_api_key(&tenant.client_id, Duration::from_millis(100))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(100).max(SHORT_TTL) + Duration::from_millis(50)).await;
    assert_refused(&app, &with_third, "third key after its overlap ran out").await;
    let with_fourth = Creds {
        api_key: fourth.expose().as_bytes().to_vec(),
        ..creds
    };
    assert_accepted(&app, &with_fourth, "fourth key").await;
    app.stop().await;
}

async fn the_previous_secret_verifies_during_its_overlap_and_not_after(engine: TestEngine) {
    let app = TestApp::spawn_with(engine, |s| s.credential_cache_ttl = SHORT_TTL).await;
    let tenant = app.create_tenant("Alice Stays").await;
    let store = app.state.tenants();
    let old = Creds::of(&tenant, &app.signature(&tenant).await);

    store
        .rotate_secret(&tenant.client_id, Duration::from_secs(3660))
        .await
        .unwrap();
    tokio::time::sleep(SHORT_TTL + Duration::from_millis(50)).await;
    assert_accepted(
        &app,
        &old,
        "signature under the previous secret, in the overlap",
    )
    .await;
    let new = Creds::of(&tenant, &app.signature(&tenant).await);
    assert_accepted(&app, &new, "signature under the new secret").await;
    let forged_old = Creds::signed_at(&tenant, &in_from_now(SignedDuration::from_mins(30)));
    assert_accepted(
        &app,
        &forged_old,
        "the previous secret, as the test knows it",
    )
    .await;

    // A previous-secret signature may not claim to outlive the overlap.
    store
        .rotate_secret(&tenant.client_id, Duration::from_millis(400))
        .await
        .unwrap();
    tokio::time::sleep(SHORT_TTL + Duration::from_millis(50)).await;
    assert_refused(
        &app,
        &new,
        "a previous-secret signature expiring after the overlap",
    )
    .await;

    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_refused(&app, &old, "two secrets ago").await;
    let newest = Creds::of(&tenant, &app.signature(&tenant).await);
    assert_accepted(&app, &newest, "the current secret").await;
    app.stop().await;
}

// --- hostile bytes ---------------------------------------------------------------------

async fn header_values_with_crlf_nul_or_non_ascii_never_cause_a_server_error(engine: TestEngine) {
    let app = TestApp::spawn(engine).await;
    let tenant = app.create_tenant("Alice Stays").await;
    let good = Creds::of(&tenant, &app.signature(&tenant).await);

    // What an HTTP client library lets through: obs-text bytes and tabs.
    for bad in [&b"\xff\xfe"[..], "é".as_bytes(), b"a\tb", b" padded "] {
        for field in 0..4 {
            let mut headers = good.headers();
            headers[field].1 = [headers[field].1.as_slice(), bad].concat();
            let (status, body) = get_with(&app, "/v1/clients/me", &headers).await;
            assert_eq!(
                (status, body.as_str()),
                (StatusCode::UNAUTHORIZED, UNAUTHORIZED_BODY),
                "{bad:?} in header {field}"
            );
        }
    }

    // What only a raw socket can send.
    // A CRLF followed by a space is an obsolete line folding, which would
    // smuggle text into the value; a plain CRLF just ends the header.
    for bad in [&b"\0"[..], b"\r", b"\n", b"\r\n folded", b"\x7f"] {
        let mut request = b"GET /v1/clients/me HTTP/1.1\r\nhost: x\r\n".to_vec();
        for (name, value) in good.headers() {
            request.extend_from_slice(name.as_bytes());
            request.extend_from_slice(b": ");
            request.extend_from_slice(&value);
            if name == headers::SIGNATURE {
                request.extend_from_slice(bad);
            }
            request.extend_from_slice(b"\r\n");
        }
        request.extend_from_slice(b"connection: close\r\n\r\n");

        let status = raw_status(&app, &request).await.expect("an HTTP answer");
        assert!((400..500).contains(&status), "{bad:?} gave {status}");
    }

    for (path, bad) in [
        ("/auth/signature", &b"\0"[..]),
        ("/auth/signature", b"\xff"),
    ] {
        let request = [
            b"POST ".as_slice(),
            path.as_bytes(),
            b" HTTP/1.1\r\nhost: x\r\nx-clientid: ",
            tenant.client_id.as_bytes(),
            bad,
            b"\r\nx-api-key: k\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
        ]
        .concat();
        let status = raw_status(&app, &request).await.expect("an HTTP answer");
        assert!(
            (400..500).contains(&status),
            "{bad:?} on {path} gave {status}"
        );
    }
    app.stop().await;
}

async fn oversized_headers_get_431(engine: TestEngine) {
    let app = TestApp::spawn(engine).await;
    let tenant = app.create_tenant("Alice Stays").await;
    let good = Creds::of(&tenant, &app.signature(&tenant).await);

    for field in 0..4 {
        let mut headers = good.headers();
        headers[field].1 = vec![b'A'; 4096];
        let (status, body) = get_with(&app, "/v1/clients/me", &headers).await;
        assert_eq!(
            status,
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "header {field}"
        );
        assert!(body.contains("headers_too_large"));
    }

    let mut many = good.headers();
    for i in 0..40 {
        many.push((
            ["x-filler-", &i.to_string()].concat().leak(),
            vec![b'a'; 500],
        ));
    }
    let (status, _) = get_with(&app, "/v1/clients/me", &many).await;
    assert_eq!(
        status,
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
        "20 KB of headers in total"
    );

    let (status, _, _) = issue(
        &app,
        &[
            (headers::CLIENT_ID, &tenant.client_id),
            (headers::API_KEY, &"k".repeat(4096)),
        ],
        None,
    )
    .await;
    assert_eq!(
        status,
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
        "oversized key on /auth/signature"
    );
    app.stop().await;
}

// --- issuing ---------------------------------------------------------------------------

async fn signature_requests_without_or_with_a_wrong_key_are_refused_identically(
    engine: TestEngine,
) {
    let app = TestApp::spawn(engine).await;
    let tenant = app.create_tenant("Alice Stays").await;
    let wrong_key = format!("{}.{}", tenant.client_id, "x".repeat(64));
    let unknown = "ZZZZZZZZZZZZZZZZ";
    let unknown_key = format!("{unknown}.{}", "x".repeat(64));

    let attempts: [&[(&str, &str)]; 6] = [
        &[(headers::CLIENT_ID, &tenant.client_id)],
        &[
            (headers::CLIENT_ID, &tenant.client_id),
            (headers::API_KEY, &wrong_key),
        ],
        &[
            (headers::CLIENT_ID, &tenant.client_id),
            (headers::API_KEY, "short"),
        ],
        &[
            (headers::CLIENT_ID, unknown),
            (headers::API_KEY, &unknown_key),
        ],
        &[(headers::API_KEY, &tenant.api_key)],
        &[],
    ];
    for headers in attempts {
        let (status, _, body) = issue(&app, headers, None).await;
        assert_eq!(
            (status, body.as_str()),
            (StatusCode::UNAUTHORIZED, UNAUTHORIZED_BODY),
            "{headers:?}"
        );
    }
    app.stop().await;
}

async fn a_body_client_id_must_match_the_header(engine: TestEngine) {
    let app = TestApp::spawn(engine).await;
    let alice = app.create_tenant("Alice Stays").await;
    let bob = app.create_tenant("Bob Villas").await;
    let creds = [
        (headers::CLIENT_ID, alice.client_id.as_str()),
        (headers::API_KEY, alice.api_key.as_str()),
    ];

    let matching = format!(r#"{{"clientId":"{}"}}"#, alice.client_id);
    assert_eq!(issue(&app, &creds, Some(&matching)).await.0, StatusCode::OK);
    assert_eq!(
        issue(&app, &creds, None).await.0,
        StatusCode::OK,
        "the body is optional"
    );

    let other = format!(r#"{{"clientId":"{}"}}"#, bob.client_id);
    let (status, _, body) = issue(&app, &creds, Some(&other)).await;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::UNAUTHORIZED, UNAUTHORIZED_BODY)
    );

    let (status, _, body) = issue(&app, &creds, Some("{not json")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("bad_request"));
    app.stop().await;
}

async fn signature_issuing_is_rate_limited_per_client(engine: TestEngine) {
    let app = TestApp::spawn_with(engine, |s| s.rate_limit.per_client_per_minute = 3).await;
    let alice = app.create_tenant("Alice Stays").await;
    let bob = app.create_tenant("Bob Villas").await;
    let creds = [
        (headers::CLIENT_ID, alice.client_id.as_str()),
        (headers::API_KEY, alice.api_key.as_str()),
    ];

    for _ in 0..3 {
        assert_eq!(issue(&app, &creds, None).await.0, StatusCode::OK);
    }
    let (status, retry_after, body) = issue(&app, &creds, None).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = retry_after.expect("Retry-After is set").parse().unwrap();
    assert!(
        (1..=20).contains(&retry_after),
        "one token every 20 s, got {retry_after}"
    );
    assert!(body.contains("rate_limited"));

    // Failed attempts are the address limit's business: knowing Bob's
    // public client ID must not be enough to use up his budget.
    let wrong = format!("{}.{}", bob.client_id, "x".repeat(64));
    for _ in 0..5 {
        let (status, _, _) = issue(
            &app,
            &[
                (headers::CLIENT_ID, &bob.client_id),
                (headers::API_KEY, &wrong),
            ],
            None,
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    for _ in 0..3 {
        app.signature(&bob).await;
    }
    app.stop().await;
}

async fn a_forged_x_forwarded_for_does_not_dodge_the_address_limit(engine: TestEngine) {
    // No trusted proxy: the peer address is all that counts.
    let app = TestApp::spawn_with(engine, |s| s.rate_limit.per_address_per_minute = 3).await;
    let tenants = [
        app.create_tenant("A").await,
        app.create_tenant("B").await,
        app.create_tenant("C").await,
        app.create_tenant("D").await,
    ];
    for (i, tenant) in tenants.iter().enumerate() {
        let forged = format!("203.0.113.{i}");
        let (status, retry_after, _) = issue(
            &app,
            &[
                (headers::CLIENT_ID, &tenant.client_id),
                (headers::API_KEY, &tenant.api_key),
                ("x-forwarded-for", &forged),
            ],
            None,
        )
        .await;
        if i < 3 {
            assert_eq!(status, StatusCode::OK, "request {i}");
        } else {
            assert_eq!(
                status,
                StatusCode::TOO_MANY_REQUESTS,
                "a fresh X-Forwarded-For is no fresh address"
            );
            assert!(retry_after.is_some());
        }
    }
    app.stop().await;

    // Behind a trusted proxy (loopback here), the proxy-appended hop counts
    // and anything the client put to its left does not.
    let app = TestApp::spawn_with(engine, |s| {
        s.rate_limit.per_address_per_minute = 2;
        s.trusted_proxies = doorstep::forwarded::TrustedProxies::parse("127.0.0.1").unwrap();
    })
    .await;
    let tenant = app.create_tenant("A").await;
    let send = |xff: &'static str| {
        let tenant = tenant.clone();
        let app = &app;
        async move {
            issue(
                app,
                &[
                    (headers::CLIENT_ID, &tenant.client_id),
                    (headers::API_KEY, &tenant.api_key),
                    ("x-forwarded-for", xff),
                ],
                None,
            )
            .await
            .0
        }
    };
    assert_eq!(send("198.51.100.1").await, StatusCode::OK);
    assert_eq!(send("6.6.6.6, 198.51.100.1").await, StatusCode::OK);
    assert_eq!(
        send("7.7.7.7, 198.51.100.1").await,
        StatusCode::TOO_MANY_REQUESTS,
        "forged left-hand hops are ignored"
    );
    assert_eq!(
        send("198.51.100.2").await,
        StatusCode::OK,
        "another real client has its own budget"
    );
    app.stop().await;
}

// --- caching and routing -------------------------------------------------------------------

async fn verified_requests_do_not_query_the_database(engine: TestEngine) {
    let app = TestApp::spawn_with(engine, |s| {
        s.credential_cache_ttl = Duration::from_secs(3600)
    })
    .await;
    let tenant = app.create_tenant("Alice Stays").await;
    let creds = Creds::of(&tenant, &app.signature(&tenant).await);
    assert_accepted(&app, &creds, "first request fills the cache").await;

    app.db().close().await;
    assert_accepted(&app, &creds, "with the database closed").await;

    let stranger = Creds {
        client_id: b"QQQQQQQQQQQQQQQQ".to_vec(),
        ..creds.clone()
    };
    let (status, body) = me(&app, &stranger).await;
    assert_eq!(
        status,
        StatusCode::SERVICE_UNAVAILABLE,
        "an uncached client needs the database: {body}"
    );
    app.stop().await;
}

async fn unknown_paths_under_v1_clients_need_credentials_first(engine: TestEngine) {
    let app = TestApp::spawn(engine).await;
    let tenant = app.create_tenant("Alice Stays").await;

    let (status, body) = get_with(&app, "/v1/clients/no-such-thing", &[]).await;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::UNAUTHORIZED, UNAUTHORIZED_BODY)
    );

    let creds = Creds::of(&tenant, &app.signature(&tenant).await);
    let (status, body) = get_with(&app, "/v1/clients/no-such-thing", &creds.headers()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let error: ErrorEnvelope = serde_json::from_str(&body).unwrap();
    assert_eq!(error.error.code, "not_found");

    let (status, body) = get_with(&app, "/openapi.json", &[]).await;
    assert_eq!(status, StatusCode::OK);
    let doc: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(doc["paths"]["/auth/signature"]["post"].is_object());
    assert!(doc["paths"]["/v1/clients/me"]["get"].is_object());
    app.stop().await;
}

// --- transport ---------------------------------------------------------------------------

#[tokio::test]
async fn a_client_that_sends_its_headers_too_slowly_is_disconnected() {
    let app = TestApp::spawn_with(TestEngine::Sqlite, |s| {
        s.header_read_timeout = Duration::from_millis(300);
    })
    .await;
    let mut stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    stream
        .write_all(b"GET /v1/clients/me HTTP/1.1\r\nhost: x\r\n")
        .await
        .unwrap();

    // Never finish the headers; the server must end the connection.
    let mut buf = [0u8; 1024];
    let ended = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => continue,
            }
        }
    })
    .await;
    assert!(
        ended.is_ok(),
        "the connection is closed after the header-read timeout"
    );

    // Complete requests are unaffected.
    let tenant = app.create_tenant("Alice Stays").await;
    app.signature(&tenant).await;
    app.stop().await;
}

#[tokio::test]
async fn a_body_that_does_not_arrive_in_time_gets_a_408() {
    let app = TestApp::spawn_with(TestEngine::Sqlite, |s| {
        s.header_read_timeout = Duration::from_millis(300);
    })
    .await;
    let tenant = app.create_tenant("Slow Stays").await;
    let mut stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    // Whole headers, then two bytes of the forty promised, then nothing.
    let head = format!(
        "POST /auth/signature HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n\
         {}: {}\r\n{}: {}\r\ncontent-length: 40\r\n\r\n{{\"",
        headers::CLIENT_ID,
        tenant.client_id,
        headers::API_KEY,
        tenant.api_key,
    );
    stream.write_all(head.as_bytes()).await.unwrap();

    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), async {
        let mut buf = [0u8; 1024];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => answer.extend_from_slice(&buf[..n]),
            }
            if answer.windows(4).any(|w| w == b"\r\n\r\n") {
                return;
            }
        }
    })
    .await;

    assert!(read.is_ok(), "answered or closed within the timeout");
    let head = String::from_utf8_lossy(&answer);
    assert!(head.starts_with("HTTP/1.1 408"), "{head}");
    app.stop().await;
}

#[tokio::test]
async fn a_body_that_keeps_trickling_in_gets_a_408_at_its_deadline() {
    let app = TestApp::spawn_with(TestEngine::Sqlite, |s| {
        s.header_read_timeout = Duration::from_millis(300);
    })
    .await;
    let tenant = app.create_tenant("Trickling Stays").await;
    let stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    let head = format!(
        "POST /auth/signature HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n\
         {}: {}\r\n{}: {}\r\ncontent-length: 40\r\n\r\n",
        headers::CLIENT_ID,
        tenant.client_id,
        headers::API_KEY,
        tenant.api_key,
    );
    writer.write_all(head.as_bytes()).await.unwrap();
    // One byte every 50 ms: each arrives well within the timeout, the whole
    // body (two seconds) never does.
    let trickle = tokio::spawn(async move {
        for _ in 0..40 {
            if writer.write_all(b" ").await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });

    let started = std::time::Instant::now();
    let mut answer = Vec::new();
    let mut buf = [0u8; 1024];
    while !answer.windows(4).any(|w| w == b"\r\n\r\n") {
        match tokio::time::timeout(Duration::from_secs(5), reader.read(&mut buf)).await {
            Ok(Ok(n)) if n > 0 => answer.extend_from_slice(&buf[..n]),
            _ => break,
        }
    }
    let took = started.elapsed();
    trickle.abort();

    let head = String::from_utf8_lossy(&answer);
    assert!(head.starts_with("HTTP/1.1 408"), "{head}");
    assert!(
        took < Duration::from_millis(1500),
        "answered at the deadline, before the body was complete ({took:?})"
    );
    app.stop().await;
}
