//! Verification throughput with cached credentials, next to the raw
//! HMAC-SHA1 it is built on.
//!
//! `cargo bench -p doorstep-pms --bench verify`; compare with
//! `openssl speed -seconds 3 -bytes 64 -hmac sha1` (see the README, "Benchmark: verification vs raw HMAC-SHA1").
//!
//! Times are the benchmark thread's CPU time, not wall-clock time: that is
//! what `openssl speed` divides by (unless given `-elapsed`), and it keeps
//! the figures meaningful on a machine busy with other work.

use std::hint::black_box;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use axum::http::{HeaderMap, HeaderValue};
use criterion::measurement::{Measurement, ValueFormatter};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
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

fn benches(c: &mut Criterion<ThreadCpuTime>) {
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

/// CPU time of the calling thread (`CLOCK_THREAD_CPUTIME_ID`), in ns.
struct ThreadCpuTime;

fn thread_cpu_ns() -> u64 {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `now` is a valid, writable timespec for the call.
    let status = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
    assert_eq!(status, 0, "the thread CPU clock is readable");
    now.tv_sec as u64 * 1_000_000_000 + now.tv_nsec as u64
}

impl Measurement for ThreadCpuTime {
    type Intermediate = u64;
    type Value = u64;

    fn start(&self) -> u64 {
        thread_cpu_ns()
    }
    fn end(&self, started: u64) -> u64 {
        thread_cpu_ns() - started
    }
    fn add(&self, a: &u64, b: &u64) -> u64 {
        a + b
    }
    fn zero(&self) -> u64 {
        0
    }
    fn to_f64(&self, value: &u64) -> f64 {
        *value as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        &Nanoseconds
    }
}

struct Nanoseconds;

impl ValueFormatter for Nanoseconds {
    fn scale_values(&self, typical: f64, values: &mut [f64]) -> &'static str {
        if typical < 1e3 {
            "ns (cpu)"
        } else {
            values.iter_mut().for_each(|v| *v /= 1e3);
            "µs (cpu)"
        }
    }
    fn scale_throughputs(
        &self,
        typical: f64,
        throughput: &Throughput,
        values: &mut [f64],
    ) -> &'static str {
        let per_iteration = match throughput {
            Throughput::Elements(n)
            | Throughput::Bytes(n)
            | Throughput::BytesDecimal(n)
            | Throughput::Bits(n) => *n as f64,
        };
        values
            .iter_mut()
            .for_each(|v| *v = per_iteration * 1e9 / *v);
        let _ = typical;
        "/s (cpu)"
    }
    fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
        "ns"
    }
}

criterion_group! {
    name = verification;
    config = Criterion::default()
        .with_measurement(ThreadCpuTime)
        .measurement_time(Duration::from_secs(4))
        .warm_up_time(Duration::from_secs(1));
    targets = benches
}
criterion_main!(verification);
