//! The site's cache of platform signatures (DESIGN.md, "Signature cache").
//!
//! Every platform call needs a signature from `POST /auth/signature`. Asking
//! for one per request would double the platform's load and put its issuing
//! rate limit in every guest's path, so signatures are cached in two tiers:
//!
//! - **L1**, a map in this process: a warm request touches no network but the
//!   platform's.
//! - **L2**, Redis (`doorstep:sig:<clientId>`, TTL until `expiresAt`), shared
//!   by every site process, so a fleet asks once per signature lifetime.
//!
//! A signature is replaced a *refresh margin* before it expires, so none is
//! sent about to lapse. Refreshes are coalesced: one per tenant per process
//! (an async mutex per tenant, the "single flight"), and across processes a
//! short Redis lock makes the others wait for the winner's result in L2.
//! Only a request with no usable signature waits: while a refresh inside
//! the margin is under way, here or in another process, other requests go
//! on with the signature being replaced, which the platform still accepts.
//! A refresh abandoned halfway (its guest went away) releases the Redis lock
//! as it is dropped.
//! When Redis is down, L1 and the platform carry on alone and the state is
//! reported by `/readyz` and logged on each change.
//!
//! Unlike the article's cache (one global key, a fixed hour, refreshed only
//! after expiry), a stale signature is never used while a fresh one can be
//! had, and a fleet of N processes costs the platform one call, not N.
//!
//! ```no_run
//! # async fn demo(
//! #     credentials: doorstep_site::credentials::Credentials,
//! #     platform: doorstep_site::platform::PlatformClient,
//! # ) {
//! use std::sync::Arc;
//! use doorstep_site::signature_cache::{CacheSettings, SignatureCache};
//!
//! let cache = SignatureCache::new(CacheSettings::default(), None, Arc::default());
//! // Only a miss, or a signature inside the refresh margin, calls the platform.
//! let signature = cache
//!     .get(&credentials, || platform.issue_signature(&credentials))
//!     .await;
//! # }
//! ```

mod store;

use std::{
    collections::HashMap,
    fmt,
    sync::{Arc, Mutex, RwLock},
    time::Duration,
};

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

pub use store::{RedisStore, StoreError};

use crate::{
    credentials::{ClientId, Credentials, Secret},
    ops::metrics::{Metrics, Tier},
    platform::PlatformError,
};

/// A signature as the platform issued it, with the instants the cache needs.
#[derive(Clone)]
pub struct CachedSignature {
    /// The `x-signature` value.
    pub signature: Secret,
    /// The `x-timestamp` value: `expiresAt` byte for byte as issued.
    pub timestamp: String,
    /// When the platform stops accepting it.
    pub expires: Timestamp,
    /// From when the cache replaces it.
    pub refresh_at: Timestamp,
}

impl fmt::Debug for CachedSignature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachedSignature")
            .field("signature", &self.signature)
            .field("expires", &self.expires)
            .field("refresh_at", &self.refresh_at)
            .finish()
    }
}

/// Why a signature answer could not be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IssuedSignatureError {
    /// `expiresAt` is not RFC 3339 UTC with a `Z` suffix.
    #[error("expiresAt is malformed")]
    BadTimestamp,
    /// `expiresAt` is not in the future.
    #[error("the signature has already expired")]
    Expired,
}

impl CachedSignature {
    /// Takes the platform's answer issued at `now`; `margin` is how long
    /// before expiry it is replaced. A margin as long as the whole lifetime
    /// (a platform issuing shorter signatures than the site expects) would
    /// mean a refresh per request, so it is then halved to half the lifetime.
    pub fn from_issued(
        signature: Secret,
        expires_at: String,
        now: Timestamp,
        margin: Duration,
    ) -> Result<Self, IssuedSignatureError> {
        let expires = doorstep::signature::parse_timestamp(expires_at.as_bytes())
            .map_err(|_| IssuedSignatureError::BadTimestamp)?;
        let lifetime = expires.duration_since(now);
        if lifetime <= SignedDuration::ZERO {
            return Err(IssuedSignatureError::Expired);
        }
        let margin = SignedDuration::try_from(margin).unwrap_or(SignedDuration::MAX);
        let margin = if margin < lifetime {
            margin
        } else {
            lifetime / 2
        };

        Ok(Self {
            signature,
            timestamp: expires_at,
            expires,
            refresh_at: expires - margin,
        })
    }

    /// Whether it is too early to replace it.
    pub fn is_fresh(&self, now: Timestamp) -> bool {
        now < self.refresh_at
    }

    /// Whether the platform still accepts it (with a second to spare for
    /// the trip there).
    pub fn is_valid(&self, now: Timestamp) -> bool {
        now + SignedDuration::from_secs(1) < self.expires
    }
}

/// The form of a signature in Redis: the platform's own answer plus the
/// instant the writer will replace it.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredSignature {
    signature: String,
    expires_at: String,
    /// Absent in entries written by others (the article's format); the
    /// reader then applies its own margin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    refresh_at: Option<Timestamp>,
}

impl StoredSignature {
    fn decode(text: &str, margin: Duration) -> Option<CachedSignature> {
        let stored: StoredSignature = serde_json::from_str(text).ok()?;
        let expires = doorstep::signature::parse_timestamp(stored.expires_at.as_bytes()).ok()?;
        let margin = SignedDuration::try_from(margin).ok()?;
        Some(CachedSignature {
            signature: Secret::new(stored.signature),
            timestamp: stored.expires_at,
            expires,
            refresh_at: stored.refresh_at.unwrap_or(expires - margin),
        })
    }

    fn encode(signature: &CachedSignature) -> String {
        serde_json::to_string(&StoredSignature {
            signature: signature.signature.expose().to_string(),
            expires_at: signature.timestamp.clone(),
            refresh_at: Some(signature.refresh_at),
        })
        .expect("a struct of strings serializes")
    }
}

/// How the cache behaves.
#[derive(Debug, Clone)]
pub struct CacheSettings {
    /// How long before expiry a signature is replaced (default 5 minutes).
    pub refresh_margin: Duration,
    /// How long a process may hold the cross-process refresh lock; longer
    /// than a platform call may take, so it never lapses mid-refresh.
    pub lock_ttl: Duration,
    /// How often a process waiting for another's refresh looks in Redis.
    pub lock_poll: Duration,
}

impl Default for CacheSettings {
    fn default() -> Self {
        Self {
            refresh_margin: Duration::from_secs(300),
            lock_ttl: Duration::from_secs(6),
            lock_poll: Duration::from_millis(20),
        }
    }
}

/// Whether the shared tier is in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedisState {
    /// No `REDIS_URL`: L1 only.
    NotConfigured,
    /// The last operation reached Redis.
    Up,
    /// The last operation failed; the cache works from L1 and the platform.
    Down,
}

impl RedisState {
    /// The name used in `/readyz` and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotConfigured => "not_configured",
            Self::Up => "up",
            Self::Down => "down",
        }
    }
}

/// The two-tier signature cache for all tenants of this process.
pub struct SignatureCache {
    settings: CacheSettings,
    l1: RwLock<HashMap<ClientId, CachedSignature>>,
    flights: Mutex<HashMap<ClientId, Arc<tokio::sync::Mutex<()>>>>,
    l2: Option<RedisStore>,
    metrics: Arc<Metrics>,
}

impl SignatureCache {
    /// A cache in front of `l2` (Redis) when given, else L1 alone.
    pub fn new(settings: CacheSettings, l2: Option<RedisStore>, metrics: Arc<Metrics>) -> Self {
        Self {
            settings,
            l1: RwLock::default(),
            flights: Mutex::default(),
            l2,
            metrics,
        }
    }

    /// The state of the shared tier.
    pub fn redis_state(&self) -> RedisState {
        match &self.l2 {
            None => RedisState::NotConfigured,
            Some(store) if store.is_up() => RedisState::Up,
            Some(_) => RedisState::Down,
        }
    }

    /// Asks Redis whether it is there, updating [`SignatureCache::redis_state`].
    pub async fn check_redis(&self) -> RedisState {
        if let Some(store) = &self.l2 {
            let _ = store.ping().await;
        }
        self.redis_state()
    }

    /// A fresh signature for the tenant of `credentials`; `issue` asks the
    /// platform for a new one and runs at most once per tenant at a time in
    /// this process, and (with Redis) once across all processes.
    pub async fn get<F, Fut>(
        &self,
        credentials: &Credentials,
        issue: F,
    ) -> Result<CachedSignature, PlatformError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<CachedSignature, PlatformError>>,
    {
        let client_id = &credentials.client_id;
        let now = Timestamp::now();
        let held = self.held_in_l1(client_id);
        if let Some(signature) = held.as_ref().filter(|held| held.is_fresh(now)) {
            self.metrics.cache_lookup(Tier::L1);
            return Ok(signature.clone());
        }
        // Inside the margin the held signature is still accepted: it is
        // what a request gets while someone else replaces it.
        let still_valid = held.filter(|held| held.is_valid(now));

        let flight = self.flight(client_id);
        let _turn = match (flight.try_lock(), &still_valid) {
            (Ok(turn), _) => turn,
            (Err(_), Some(signature)) => {
                self.metrics.cache_lookup(Tier::L1);
                return Ok(signature.clone());
            }
            (Err(_), None) => flight.lock().await,
        };
        // Whoever held the turn before us may have refreshed already.
        if let Some(signature) = self.fresh_in_l1(client_id) {
            self.metrics.cache_lookup(Tier::L1);
            return Ok(signature);
        }

        match self.refresh(client_id, issue, still_valid.as_ref()).await {
            Ok(signature) => Ok(signature),
            Err(error) => self.still_valid_in_l1(client_id).ok_or(error),
        }
    }

    /// Forgets `used` after the platform refused it, so the next
    /// [`SignatureCache::get`] fetches a new one. A newer signature that
    /// another request already fetched is kept.
    pub async fn invalidate(&self, client_id: &ClientId, used: &CachedSignature) {
        {
            let mut l1 = self.l1.write().expect("the L1 lock is never poisoned");
            if l1
                .get(client_id)
                .is_some_and(|held| held.signature.same_as(&used.signature))
            {
                l1.remove(client_id);
            }
        }
        let Some(store) = &self.l2 else { return };
        if let Ok(Some(text)) = store.get(client_id).await {
            let matches = StoredSignature::decode(&text, self.settings.refresh_margin)
                .is_some_and(|held| held.signature.same_as(&used.signature));
            if matches {
                let _ = store.remove_if(client_id, &text).await;
            }
        }
    }

    fn held_in_l1(&self, client_id: &ClientId) -> Option<CachedSignature> {
        let l1 = self.l1.read().expect("the L1 lock is never poisoned");
        l1.get(client_id).cloned()
    }

    fn fresh_in_l1(&self, client_id: &ClientId) -> Option<CachedSignature> {
        self.held_in_l1(client_id)
            .filter(|held| held.is_fresh(Timestamp::now()))
    }

    /// The L1 entry while the platform still accepts it: used when a
    /// refresh fails, so a platform hiccup inside the margin costs nothing.
    fn still_valid_in_l1(&self, client_id: &ClientId) -> Option<CachedSignature> {
        let l1 = self.l1.read().expect("the L1 lock is never poisoned");
        let held = l1
            .get(client_id)
            .filter(|held| held.is_valid(Timestamp::now()))?;
        tracing::warn!("refresh failed; using the current signature until it expires");
        self.metrics.cache_lookup(Tier::L1);
        Some(held.clone())
    }

    fn flight(&self, client_id: &ClientId) -> Arc<tokio::sync::Mutex<()>> {
        let mut flights = self
            .flights
            .lock()
            .expect("the flights lock is never poisoned");
        flights.entry(client_id.clone()).or_default().clone()
    }

    fn remember(&self, client_id: &ClientId, signature: &CachedSignature) {
        let mut l1 = self.l1.write().expect("the L1 lock is never poisoned");
        l1.insert(client_id.clone(), signature.clone());
    }

    /// Finds or makes a fresh signature; the caller holds this tenant's turn.
    /// While another process holds the refresh lock, `still_valid` (the
    /// signature inside its margin, if any) is returned at once; without
    /// one, the caller waits for that process's result in L2.
    async fn refresh<F, Fut>(
        &self,
        client_id: &ClientId,
        issue: F,
        still_valid: Option<&CachedSignature>,
    ) -> Result<CachedSignature, PlatformError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<CachedSignature, PlatformError>>,
    {
        let Some(store) = &self.l2 else {
            return self.fetch(client_id, issue, None).await;
        };

        let deadline = tokio::time::Instant::now() + self.settings.lock_ttl;
        loop {
            if let Some(signature) = self.fresh_in_l2(store, client_id).await {
                return Ok(signature);
            }
            match store.try_lock(client_id, self.settings.lock_ttl).await {
                // Another process may have stored a signature between our
                // look and our lock; one more look is cheaper than a call.
                Ok(Some(token)) => {
                    let lock = RefreshLock::held(store, client_id, token);
                    return match self.fresh_in_l2(store, client_id).await {
                        Some(signature) => {
                            lock.release().await;
                            Ok(signature)
                        }
                        None => self.fetch(client_id, issue, Some(lock)).await,
                    };
                }
                Ok(None) if let Some(signature) = still_valid => {
                    self.metrics.cache_lookup(Tier::L1);
                    return Ok(signature.clone());
                }
                Ok(None) if tokio::time::Instant::now() < deadline => {
                    tokio::time::sleep(self.settings.lock_poll).await;
                }
                // The lock holder is taking too long, or Redis is down: do
                // without it rather than keep a guest waiting.
                Ok(None) | Err(_) => return self.fetch(client_id, issue, None).await,
            }
        }
    }

    async fn fresh_in_l2(
        &self,
        store: &RedisStore,
        client_id: &ClientId,
    ) -> Option<CachedSignature> {
        let text = store.get(client_id).await.ok()??;
        let signature = StoredSignature::decode(&text, self.settings.refresh_margin)?;
        if !signature.is_fresh(Timestamp::now()) {
            return None;
        }
        self.metrics.cache_lookup(Tier::L2);
        self.remember(client_id, &signature);
        Some(signature)
    }

    async fn fetch<F, Fut>(
        &self,
        client_id: &ClientId,
        issue: F,
        lock: Option<RefreshLock>,
    ) -> Result<CachedSignature, PlatformError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<CachedSignature, PlatformError>>,
    {
        let result = issue().await;
        self.metrics.signature_fetch(result.is_ok());

        if let Ok(signature) = &result {
            self.metrics.cache_lookup(Tier::Miss);
            self.remember(client_id, signature);
            if let Some(store) = &self.l2 {
                let ttl = signature.expires.duration_since(Timestamp::now());
                if let Ok(ttl) = Duration::try_from(ttl) {
                    let _ = store
                        .put(client_id, &StoredSignature::encode(signature), ttl)
                        .await;
                }
            }
        }
        if let Some(lock) = lock {
            lock.release().await;
        }
        result
    }
}

/// The cross-process refresh lock while this process holds it. Released
/// after the refresh; if the refresh is abandoned instead (the guest went
/// away, a deadline fired), dropping it releases the lock in the
/// background, so other processes do not wait out its TTL.
struct RefreshLock {
    store: RedisStore,
    client_id: ClientId,
    token: Option<String>,
}

impl RefreshLock {
    fn held(store: &RedisStore, client_id: &ClientId, token: String) -> Self {
        Self {
            store: store.clone(),
            client_id: client_id.clone(),
            token: Some(token),
        }
    }

    async fn release(mut self) {
        if let Some(token) = self.token.take() {
            let _ = self.store.unlock(&self.client_id, &token).await;
        }
    }
}

impl Drop for RefreshLock {
    fn drop(&mut self) {
        let (Some(token), Ok(runtime)) = (self.token.take(), tokio::runtime::Handle::try_current())
        else {
            return;
        };
        let (store, client_id) = (self.store.clone(), self.client_id.clone());
        runtime.spawn(async move {
            let _ = store.unlock(&client_id, &token).await;
        });
    }
}

#[cfg(test)]
mod tests;
