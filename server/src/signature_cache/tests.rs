//! The cache against a counting stand-in for `POST /auth/signature`, with
//! real Redis at `127.0.0.1:6379` where a test needs L2. Each test uses its
//! own random client ID, so tests sharing Redis cannot see each other.

use std::sync::atomic::{AtomicUsize, Ordering};

use super::*;

const MARGIN: Duration = Duration::from_secs(300);
const REDIS: &str = "redis://127.0.0.1:6379";

fn credentials() -> Credentials {
    let client: String = uuid::Uuid::new_v4().simple().to_string()[..16].to_string();
    let key = format!("{client}.{}", "k".repeat(64));
    Credentials::new(ClientId::parse(&client).unwrap(), Secret::new(key)).unwrap()
}

fn cache(l2: bool) -> SignatureCache {
    let metrics = Arc::new(Metrics::new());
    let store = l2.then(|| RedisStore::new(REDIS, Arc::clone(&metrics)).unwrap());
    SignatureCache::new(CacheSettings::default(), store, metrics)
}

/// Issues `sig-<n>` valid for an hour and counts the calls.
struct Issuer(AtomicUsize);

impl Issuer {
    fn new() -> Self {
        Self(AtomicUsize::new(0))
    }

    async fn issue(&self) -> Result<CachedSignature, PlatformError> {
        let n = self.0.fetch_add(1, Ordering::SeqCst) + 1;
        // Long enough for concurrent callers to pile up behind the flight.
        tokio::time::sleep(Duration::from_millis(20)).await;
        let expires = (Timestamp::now() + SignedDuration::from_hours(1)).to_string();
        Ok(CachedSignature::from_issued(
            Secret::new(format!("sig-{n}")),
            expires,
            Timestamp::now(),
            MARGIN,
        )
        .unwrap())
    }

    fn calls(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

#[tokio::test]
async fn concurrent_requests_on_a_cold_cache_share_one_fetch() {
    let cache = Arc::new(cache(false));
    let issuer = Arc::new(Issuer::new());
    let credentials = credentials();

    let tasks: Vec<_> = (0..500)
        .map(|_| {
            let (cache, issuer, credentials) = (cache.clone(), issuer.clone(), credentials.clone());
            tokio::spawn(async move { cache.get(&credentials, || issuer.issue()).await })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap().unwrap().signature.expose(), "sig-1");
    }

    assert_eq!(issuer.calls(), 1);
}

#[tokio::test]
async fn two_processes_sharing_redis_fetch_once() {
    let (first, second) = (Arc::new(cache(true)), Arc::new(cache(true)));
    let issuer = Arc::new(Issuer::new());
    let credentials = credentials();

    let tasks: Vec<_> = (0..100)
        .map(|i| {
            let cache = if i % 2 == 0 {
                first.clone()
            } else {
                second.clone()
            };
            let (issuer, credentials) = (issuer.clone(), credentials.clone());
            tokio::spawn(async move { cache.get(&credentials, || issuer.issue()).await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }

    assert_eq!(issuer.calls(), 1);
    assert_eq!(first.redis_state(), RedisState::Up);
}

#[tokio::test]
async fn an_entry_inside_the_refresh_margin_is_replaced_before_use() {
    let cache = cache(true);
    let issuer = Issuer::new();
    let credentials = credentials();
    let store = RedisStore::new(REDIS, Arc::new(Metrics::new())).unwrap();
    let soon = (Timestamp::now() + SignedDuration::from_secs(60)).to_string();
    let stale = format!(r#"{{"signature":"old.sig","expiresAt":"{soon}"}}"#);
    store
        .put(&credentials.client_id, &stale, Duration::from_secs(60))
        .await
        .unwrap();

    let signature = cache.get(&credentials, || issuer.issue()).await.unwrap();

    assert_eq!(signature.signature.expose(), "sig-1");
    assert_eq!(issuer.calls(), 1);
    let stored = store.get(&credentials.client_id).await.unwrap().unwrap();
    assert!(stored.contains("sig-1"), "L2 holds the new signature");
}

#[tokio::test]
async fn an_invalidated_signature_is_fetched_anew_but_a_newer_one_is_kept() {
    let cache = cache(true);
    let issuer = Issuer::new();
    let credentials = credentials();
    let first = cache.get(&credentials, || issuer.issue()).await.unwrap();

    cache.invalidate(&credentials.client_id, &first).await;
    let second = cache.get(&credentials, || issuer.issue()).await.unwrap();
    // A late 401 for the first signature must not throw the second away.
    cache.invalidate(&credentials.client_id, &first).await;
    let third = cache.get(&credentials, || issuer.issue()).await.unwrap();

    assert_eq!(second.signature.expose(), "sig-2");
    assert_eq!(third.signature.expose(), "sig-2");
    assert_eq!(issuer.calls(), 2);
}

#[tokio::test]
async fn without_redis_the_cache_serves_from_memory_and_says_redis_is_down() {
    // Nothing listens on port 1.
    let metrics = Arc::new(Metrics::new());
    let store = RedisStore::new("redis://127.0.0.1:1", Arc::clone(&metrics)).unwrap();
    let cache = SignatureCache::new(CacheSettings::default(), Some(store), metrics);
    let issuer = Issuer::new();
    let credentials = credentials();

    let first = cache.get(&credentials, || issuer.issue()).await.unwrap();
    let again = cache.get(&credentials, || issuer.issue()).await.unwrap();

    assert!(first.signature.same_as(&again.signature));
    assert_eq!(issuer.calls(), 1);
    assert_eq!(cache.redis_state(), RedisState::Down);
}

/// A signature the platform still accepts for two minutes, but which is
/// already inside its refresh margin.
fn in_margin(name: &str) -> CachedSignature {
    let now = Timestamp::now();
    let expires = now + SignedDuration::from_secs(120);
    CachedSignature {
        signature: Secret::new(name.into()),
        timestamp: expires.to_string(),
        expires,
        refresh_at: now - SignedDuration::from_secs(1),
    }
}

#[tokio::test]
async fn a_failed_refresh_keeps_using_a_still_valid_signature() {
    let cache = cache(false);
    let credentials = credentials();
    cache
        .get(&credentials, || async { Ok(in_margin("held")) })
        .await
        .unwrap();
    let asked = AtomicUsize::new(0);

    let signature = cache
        .get(&credentials, || async {
            asked.fetch_add(1, Ordering::SeqCst);
            Err(PlatformError::Unreachable("down".into()))
        })
        .await
        .unwrap();

    assert_eq!(asked.load(Ordering::SeqCst), 1, "a refresh was tried");
    assert_eq!(signature.signature.expose(), "held");
}

#[tokio::test]
async fn while_another_process_refreshes_the_signature_in_its_margin_is_used_at_once() {
    let cache = cache(true);
    let issuer = Issuer::new();
    let credentials = credentials();
    cache
        .get(&credentials, || async { Ok(in_margin("held")) })
        .await
        .unwrap();
    let other_process = RedisStore::new(REDIS, Arc::new(Metrics::new())).unwrap();
    let token = other_process
        .try_lock(&credentials.client_id, Duration::from_secs(10))
        .await
        .unwrap()
        .expect("the lock is free");

    let started = tokio::time::Instant::now();
    let signature = cache.get(&credentials, || issuer.issue()).await.unwrap();

    assert_eq!(signature.signature.expose(), "held");
    assert!(
        started.elapsed() < Duration::from_millis(200),
        "no waiting for the lock"
    );
    assert_eq!(issuer.calls(), 0, "the lock holder refreshes, not us");
    other_process
        .unlock(&credentials.client_id, &token)
        .await
        .unwrap();
}

#[tokio::test]
async fn while_a_request_refreshes_the_others_use_the_signature_in_its_margin() {
    let cache = Arc::new(cache(false));
    let credentials = credentials();
    cache
        .get(&credentials, || async { Ok(in_margin("held")) })
        .await
        .unwrap();
    let (release, released) = tokio::sync::oneshot::channel::<()>();
    let refreshing = {
        let (cache, credentials) = (cache.clone(), credentials.clone());
        tokio::spawn(async move {
            cache
                .get(&credentials, || async move {
                    let _ = released.await;
                    Issuer::new().issue().await
                })
                .await
        })
    };
    tokio::task::yield_now().await;

    let meanwhile = tokio::time::timeout(
        Duration::from_millis(200),
        cache.get(&credentials, || async {
            panic!("only one refresh at a time")
        }),
    )
    .await
    .expect("served without waiting for the refresh")
    .unwrap();
    let _ = release.send(());

    assert_eq!(meanwhile.signature.expose(), "held");
    assert_eq!(
        refreshing.await.unwrap().unwrap().signature.expose(),
        "sig-1"
    );
}

#[tokio::test]
async fn an_abandoned_refresh_releases_the_cross_process_lock() {
    let cache = Arc::new(cache(true));
    let credentials = credentials();
    let store = RedisStore::new(REDIS, Arc::new(Metrics::new())).unwrap();
    let (started, refresh_started) = tokio::sync::oneshot::channel::<()>();
    let refresh = {
        let (cache, credentials) = (cache.clone(), credentials.clone());
        tokio::spawn(async move {
            cache
                .get(&credentials, || async move {
                    let _ = started.send(());
                    std::future::pending().await
                })
                .await
        })
    };
    refresh_started.await.unwrap();
    let probe = Duration::from_secs(10);
    let while_refreshing = store.try_lock(&credentials.client_id, probe).await.unwrap();

    // The guest goes away: hyper drops the request's future.
    refresh.abort();
    let _ = refresh.await;
    let mut after = None;
    for _ in 0..50 {
        after = store.try_lock(&credentials.client_id, probe).await.unwrap();
        if after.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    assert!(while_refreshing.is_none(), "the refresh held the lock");
    let token = after.expect("released within half a second, not after its TTL");
    store.unlock(&credentials.client_id, &token).await.unwrap();
}

#[test]
fn a_margin_longer_than_the_lifetime_is_halved() {
    let now = Timestamp::now();
    let expires = (now + SignedDuration::from_secs(60)).to_string();

    let signature =
        CachedSignature::from_issued(Secret::new("s".into()), expires, now, MARGIN).unwrap();

    assert!(signature.is_fresh(now + SignedDuration::from_secs(29)));
    assert!(!signature.is_fresh(now + SignedDuration::from_secs(31)));
}

#[test]
fn an_expired_or_malformed_expiry_is_refused() {
    let now = Timestamp::now();
    let past = (now - SignedDuration::from_secs(1)).to_string();

    let expired = CachedSignature::from_issued(Secret::new("s".into()), past, now, MARGIN);
    let malformed =
        CachedSignature::from_issued(Secret::new("s".into()), "tomorrow".into(), now, MARGIN);

    assert_eq!(expired.unwrap_err(), IssuedSignatureError::Expired);
    assert_eq!(malformed.unwrap_err(), IssuedSignatureError::BadTimestamp);
}
