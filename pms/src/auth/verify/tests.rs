//! Tests of the verifier and its layer, in process, on in-memory SQLite.

use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderValue, Request, StatusCode};
use axum::routing::get;
use doorstep::signature::{format_timestamp, sign};
use tower::ServiceExt as _;

use super::*;
use crate::crypto::MasterKey;
use crate::db::Db;
use crate::tenants::credentials::{generate_api_key, generate_client_id, generate_secret_key};
use crate::tenants::{ImportedTenant, TenantProfile, TenantStore};

async fn verifier_with_tenant() -> (Verifier, ImportedTenant) {
    let db = Db::connect("sqlite::memory:").await.unwrap();
    let store = TenantStore::new(db, MasterKey::generate());
    let client_id = generate_client_id();
    let tenant = ImportedTenant {
        tenant_id: "tenant-1".into(),
        api_key: generate_api_key(&client_id),
        client_id,
        secret_key: generate_secret_key(),
        profile: TenantProfile::named("Layer Test"),
    };
    store.import(&tenant).await.unwrap();
    let cache = Arc::new(CredentialCache::new(store, Duration::from_secs(60)));
    (
        Verifier::new(cache, Duration::from_secs(3600), Duration::from_secs(60)),
        tenant,
    )
}

fn signed_request(tenant: &ImportedTenant, path: &str) -> Request<Body> {
    let expires_at = format_timestamp(Timestamp::now() + SignedDuration::from_mins(10));
    let signature = sign(
        "c2FsdHNhbHRzYWx0c2FsdA",
        tenant.secret_key.expose(),
        &expires_at,
        &tenant.tenant_id,
    )
    .unwrap();
    Request::get(path)
        .header(headers::CLIENT_ID, &tenant.client_id)
        .header(headers::API_KEY, tenant.api_key.expose())
        .header(headers::SIGNATURE, signature)
        .header(headers::TIMESTAMP, expires_at)
        .body(Body::empty())
        .unwrap()
}

#[test]
fn visible_ascii_is_exactly_bang_to_tilde() {
    for byte in 0..=255u8 {
        assert_eq!(
            all_visible_ascii(&[b'a', byte]),
            byte.is_ascii_graphic(),
            "{byte}"
        );
    }
    assert!(all_visible_ascii(b""));
}

#[tokio::test]
async fn the_layer_wraps_any_router_and_hands_it_the_tenant() {
    let (verifier, tenant) = verifier_with_tenant().await;
    let app: Router = Router::new()
        .route(
            "/whoami",
            get(|t: CurrentTenant| async move { t.tenant_id }),
        )
        .layer(VerifySignatureLayer::new(verifier));

    let response = app
        .clone()
        .oneshot(signed_request(&tenant, "/whoami"))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body = axum::body::to_bytes(response.into_body(), 1024)
        .await
        .unwrap();
    assert_eq!(&body[..], b"tenant-1");

    let unsigned = Request::get("/whoami").body(Body::empty()).unwrap();
    let response = app.oneshot(unsigned).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_handler_outside_the_layer_cannot_learn_a_tenant() {
    let app: Router = Router::new().route(
        "/whoami",
        get(|t: CurrentTenant| async move { t.tenant_id }),
    );
    let (_, tenant) = verifier_with_tenant().await;

    let response = app
        .oneshot(signed_request(&tenant, "/whoami"))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

/// Whatever bytes a client puts in the credential headers (any that
/// HTTP allows), verification answers a refusal and never panics.
#[test]
fn arbitrary_header_bytes_are_refused_without_panicking() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (verifier, tenant) = runtime.block_on(verifier_with_tenant());
    // Any byte HTTP lets through in a header value: not a control
    // character other than tab, not DEL. Lengths straddle the 512-byte
    // limit now and then.
    let value = prop_oneof![
        4 => proptest::collection::vec(any::<u8>(), 0..64),
        1 => proptest::collection::vec(any::<u8>(), 500..530),
    ]
    .prop_map(|bytes| {
        let allowed = |b: u8| match b {
            b'\t' | 0x20..=0x7e | 0x80..=0xff => b,
            0x7f => b'~',
            other => other + 0x20,
        };
        bytes.into_iter().map(allowed).collect::<Vec<u8>>()
    });
    let strategy = (
        proptest::collection::vec(value, 4),
        proptest::option::of(0usize..4),
        any::<bool>(),
    );

    let mut runner = TestRunner::new(Config::with_cases(300));
    let outcome = runner.run(&strategy, |(values, duplicate, real_client_id)| {
        let mut headers = HeaderMap::new();
        for (name, value) in CREDENTIAL_HEADERS.iter().zip(&values) {
            headers.append(name, HeaderValue::from_bytes(value).unwrap());
        }
        // With a real client ID the checks past the first one run too.
        if real_client_id {
            headers.insert(&CREDENTIAL_HEADERS[0], tenant.client_id.parse().unwrap());
        }
        if let Some(index) = duplicate {
            let copy = headers[&CREDENTIAL_HEADERS[index]].clone();
            headers.append(&CREDENTIAL_HEADERS[index], copy);
        }
        prop_assert!(runtime.block_on(verifier.verify(&headers)).is_err());
        Ok(())
    });
    outcome.unwrap();
}

/// Changing any one byte of the client ID, API key, signature or
/// timestamp of a valid request makes it fail, whether or not the
/// valid request was seen (and remembered) before.
#[test]
fn any_single_byte_change_to_a_valid_request_is_refused() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (verifier, tenant) = runtime.block_on(verifier_with_tenant());
    let valid = signed_request(&tenant, "/").headers().clone();
    assert!(runtime.block_on(verifier.verify(&valid)).is_ok());

    let strategy = (0usize..4, any::<prop::sample::Index>(), 0x21u8..0x7f);
    let mut runner = TestRunner::new(Config::with_cases(400));
    let outcome = runner.run(&strategy, |(header, position, replacement)| {
        let name = &CREDENTIAL_HEADERS[header];
        let mut bytes = valid[name].as_bytes().to_vec();
        let i = position.index(bytes.len());
        prop_assume!(bytes[i] != replacement);
        bytes[i] = replacement;

        let mut headers = valid.clone();
        headers.insert(name, HeaderValue::from_bytes(&bytes).unwrap());
        prop_assert!(runtime.block_on(verifier.verify(&headers)).is_err());
        Ok(())
    });
    outcome.unwrap();
    assert!(
        runtime.block_on(verifier.verify(&valid)).is_ok(),
        "the original still passes"
    );
}

#[tokio::test]
async fn a_remembered_signature_is_still_refused_once_expired_by_the_clock() {
    let (verifier, tenant) = verifier_with_tenant().await;
    let expires_at = format_timestamp(Timestamp::now() + SignedDuration::from_millis(2000));
    let signature = sign(
        "c2FsdHNhbHRzYWx0c2FsdA",
        tenant.secret_key.expose(),
        &expires_at,
        &tenant.tenant_id,
    )
    .unwrap();
    let mut headers = HeaderMap::new();
    headers.insert(headers::CLIENT_ID, tenant.client_id.parse().unwrap());
    headers.insert(headers::API_KEY, tenant.api_key.expose().parse().unwrap());
    headers.insert(headers::SIGNATURE, signature.parse().unwrap());
    headers.insert(headers::TIMESTAMP, expires_at.parse().unwrap());

    assert!(verifier.verify(&headers).await.is_ok());
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert!(matches!(
        verifier.verify(&headers).await,
        Err(Rejection::Unauthorized(Reason::Expired))
    ));
}
