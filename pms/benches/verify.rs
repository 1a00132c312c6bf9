//! Verification throughput with cached credentials, next to the raw
//! HMAC-SHA1 it is built on.
//!
//! `cargo bench -p doorstep-pms --bench verify`; compare with
//! `openssl speed -seconds 3 -bytes 64 -hmac sha1` (see docs/platform.md).

use std::hint::black_box;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use axum::http::{HeaderMap, HeaderValue};
use criterion::{Criterion, criterion_group, criterion_main};
use doorstep::headers;
use doorstep::signature::{format_timestamp, sign, verify};
use doorstep_pms::auth::{CredentialCache, CurrentTenant, Verifier};
use doorstep_pms::crypto::MasterKey;
use doorstep_pms::db::Db;
use doorstep_pms::tenants::credentials::{
    generate_api_key, generate_client_id, generate_secret_key,
};
use doorstep_pms::tenants::{ImportedTenant, TenantProfile, TenantStore};
use hmac::{Hmac, Mac};
use sha1::Sha1;

struct Fixture {
    verifier: Verifier,
    headers: HeaderMap,
    /// Distinct signatures of the same tenant, more than the verifier
    /// remembers, so each use is verified in full.
    fresh_headers: Vec<HeaderMap>,
    secret: String,
    tenant_id: String,
}

fn fixture() -> Fixture {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let db = Db::connect("sqlite::memory:").await.unwrap();
        let store = TenantStore::new(db, MasterKey::generate());
        let client_id = generate_client_id();
        let tenant = ImportedTenant {
            tenant_id: "8c952edc-17cc-4dcc-99d1-ee4108d7f1ac".into(),
            api_key: generate_api_key(&client_id),
            client_id,
            secret_key: generate_secret_key(),
            profile: TenantProfile::named("Bench Stays"),
        };
        store.import(&tenant).await.unwrap();

        let cache = Arc::new(CredentialCache::new(store, Duration::from_secs(3600)));
        let verifier = Verifier::new(cache, Duration::from_secs(3600), Duration::from_secs(60));

        let expires_at =
            format_timestamp(jiff::Timestamp::now() + jiff::SignedDuration::from_mins(30));
        let salt = "WnXoRKiMm_W6AWLI29L04vC9g88hhMeP";
        let signature = sign(
            salt,
            tenant.secret_key.expose(),
            &expires_at,
            &tenant.tenant_id,
        )
        .unwrap();

        let headers_for = |signature: &str| {
            let mut headers = HeaderMap::new();
            let mut put = |name: &'static str, value: &str| {
                headers.insert(name, HeaderValue::from_str(value).unwrap());
            };
            put(headers::CLIENT_ID, &tenant.client_id);
            put(headers::API_KEY, tenant.api_key.expose());
            put(headers::SIGNATURE, signature);
            put(headers::TIMESTAMP, &expires_at);
            headers.insert("user-agent", HeaderValue::from_static("doorstep-site/0.1"));
            headers
        };
        let headers = headers_for(&signature);
        let fresh_headers = (0..64)
            .map(|i| {
                let salt = format!("{salt}{i:02}");
                headers_for(
                    &sign(
                        &salt,
                        tenant.secret_key.expose(),
                        &expires_at,
                        &tenant.tenant_id,
                    )
                    .unwrap(),
                )
            })
            .collect();

        // Fill the cache, so the benchmark never reaches the database.
        verifier.verify(&headers).await.unwrap();
        Fixture {
            verifier,
            headers,
            fresh_headers,
            secret: tenant.secret_key.expose().to_owned(),
            tenant_id: tenant.tenant_id,
        }
    })
}

/// Polls a verification once: with credentials cached it never waits, so
/// no executor is needed and none is measured.
fn verify_cached(verifier: &Verifier, headers: &HeaderMap) -> Arc<CurrentTenant> {
    let mut future = pin!(verifier.verify(headers));
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(result) => result.expect("the fixture verifies"),
        Poll::Pending => panic!("a cached verification does not wait"),
    }
}

fn benches(c: &mut Criterion) {
    let fixture = fixture();

    c.bench_function("verify_request_cached_credentials", |b| {
        b.iter(|| verify_cached(&fixture.verifier, black_box(&fixture.headers)))
    });

    let mut next = 0;
    c.bench_function("verify_request_cached_credentials_new_signature", |b| {
        b.iter(|| {
            next = (next + 1) % fixture.fresh_headers.len();
            verify_cached(&fixture.verifier, black_box(&fixture.fresh_headers[next]))
        })
    });

    // Parts of a remembered verification, to see where its time goes.
    c.bench_function("part_clock_read", |b| b.iter(jiff::Timestamp::now));
    let client_id = fixture.headers[headers::CLIENT_ID]
        .to_str()
        .unwrap()
        .to_owned();
    let now = jiff::Timestamp::now();
    c.bench_function("part_cache_lookup", |b| {
        b.iter(|| {
            fixture
                .verifier
                .cache()
                .fresh_at(black_box(&client_id), now)
        })
    });
    c.bench_function("part_four_header_lookups", |b| {
        b.iter(|| {
            [
                headers::CLIENT_ID,
                headers::API_KEY,
                headers::SIGNATURE,
                headers::TIMESTAMP,
            ]
            .map(|name| black_box(&fixture.headers).get_all(name).iter().count())
        })
    });

    let signature = fixture.headers[headers::SIGNATURE].as_bytes().to_vec();
    let timestamp = fixture.headers[headers::TIMESTAMP].as_bytes().to_vec();
    c.bench_function("signature_verify_only", |b| {
        b.iter(|| {
            verify(
                black_box(&signature),
                &fixture.secret,
                black_box(&timestamp),
                &fixture.tenant_id,
            )
            .unwrap()
        })
    });

    // The same measurement openssl's `speed -hmac sha1` makes: a keyed HMAC
    // context reused, one 64-byte message per operation.
    let keyed = <Hmac<Sha1> as Mac>::new_from_slice(b"0123456789abcdef0123").unwrap();
    let message = [0x5au8; 64];
    c.bench_function("raw_hmac_sha1_64_bytes", |b| {
        b.iter(|| {
            let mut mac = keyed.clone();
            mac.update(black_box(&message));
            mac.finalize().into_bytes()
        })
    });
}

criterion_group! {
    name = verification;
    config = Criterion::default().measurement_time(Duration::from_secs(4)).warm_up_time(Duration::from_secs(1));
    targets = benches
}
criterion_main!(verification);
