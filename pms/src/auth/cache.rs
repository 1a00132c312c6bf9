//! The in-process credential cache.
//!
//! Verification must not query the database on every request, so
//! credentials (secrets opened) are cached per client ID, including the
//! answer "no such client", for a fixed TTL. The TTL is the staleness bound:
//! a tenant disabled, or a key revoked, by another process (the operator
//! CLI) stops verifying at most one TTL later. Changes made through this
//! process call [`CredentialCache::invalidate`] and take effect at once.
//!
//! Each cached tenant also remembers the last few credential sets that
//! passed full verification (see [`super::verify`]), so the signature a
//! site reuses for an hour is checked by comparison instead of by
//! recomputing its HMAC. That memory belongs to the cached entry and goes
//! with it, so it never outlives the staleness bound either.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};

use super::CurrentTenant;
use super::verify::VerifiedMemo;
use crate::tenants::{StoreError, TenantCredentials, TenantStore};

/// At most this many client IDs are cached, so a flood of made-up client
/// IDs cannot grow memory without bound. When full, the "no such client"
/// answers go first (such a flood then never pushes a real tenant out), and
/// only if real tenants still fill half the room does the oldest half go.
const MAX_ENTRIES: usize = 10_000;

/// Cached look-ups of [`TenantStore::credentials`].
#[derive(Debug)]
pub struct CredentialCache {
    store: TenantStore,
    ttl: Duration,
    ttl_signed: SignedDuration,
    entries: RwLock<HashMap<String, Entry>>,
}

/// One tenant as the cache holds it.
#[derive(Debug)]
pub struct CachedTenant {
    /// The credentials, secrets opened.
    pub credentials: TenantCredentials,
    /// What verified requests of this tenant carry, built once.
    pub current: Arc<CurrentTenant>,
    /// Credential sets that recently passed full verification.
    pub(crate) verified: VerifiedMemo,
}

#[derive(Debug, Clone)]
struct Entry {
    /// Wall-clock time, so verification reads the clock once for both the
    /// cache and the timestamp check. A clock that jumps back makes the
    /// entry stale (see [`CredentialCache::fresh_at`]), never longer-lived.
    fetched_at: Timestamp,
    tenant: Option<Arc<CachedTenant>>,
}

impl CachedTenant {
    fn new(credentials: TenantCredentials) -> Self {
        let profile = &credentials.profile;
        let current = Arc::new(CurrentTenant {
            tenant_id: credentials.tenant_id.clone(),
            client_id: credentials.client_id.clone(),
            name: profile.name.clone(),
            currency: profile.currency.clone(),
            locale: profile.locale.clone(),
            time_zone: profile.time_zone.clone(),
            contact: profile.contact.clone(),
        });
        Self {
            credentials,
            current,
            verified: VerifiedMemo::default(),
        }
    }
}

impl CredentialCache {
    /// A cache over `store` whose entries live for `ttl`.
    pub fn new(store: TenantStore, ttl: Duration) -> Self {
        let ttl_signed = SignedDuration::try_from(ttl).unwrap_or(SignedDuration::MAX);
        Self {
            store,
            ttl,
            ttl_signed,
            entries: RwLock::new(HashMap::new()),
        }
    }

    /// The store behind the cache.
    pub fn store(&self) -> &TenantStore {
        &self.store
    }

    /// The staleness bound.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// `client_id`'s tenant, from the cache when fresh. `Ok(None)` when no
    /// tenant has this client ID.
    pub async fn get(&self, client_id: &str) -> Result<Option<Arc<CachedTenant>>, StoreError> {
        if let Some(hit) = self.fresh_at(client_id, Timestamp::now()) {
            return Ok(hit);
        }
        self.refresh(client_id).await
    }

    /// The cached answer for `client_id` if it was read within the TTL
    /// before `now`; never waits.
    pub fn fresh_at(&self, client_id: &str, now: Timestamp) -> Option<Option<Arc<CachedTenant>>> {
        let entries = self.entries.read().unwrap_or_else(|e| e.into_inner());
        let entry = entries.get(client_id)?;
        let age = now.duration_since(entry.fetched_at);
        (!age.is_negative() && age < self.ttl_signed).then(|| entry.tenant.clone())
    }

    /// Reads `client_id` from the store now and caches the answer.
    pub async fn refresh(&self, client_id: &str) -> Result<Option<Arc<CachedTenant>>, StoreError> {
        let tenant = self
            .store
            .credentials(client_id)
            .await?
            .map(|credentials| Arc::new(CachedTenant::new(credentials)));
        let entry = Entry {
            fetched_at: Timestamp::now(),
            tenant: tenant.clone(),
        };

        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_ENTRIES {
            make_room(&mut entries);
        }
        entries.insert(client_id.to_owned(), entry);
        Ok(tenant)
    }

    /// Forgets `client_id`, so the next request reads it again.
    pub fn invalidate(&self, client_id: &str) {
        self.entries
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .remove(client_id);
    }
}

fn make_room(entries: &mut HashMap<String, Entry>) {
    entries.retain(|_, entry| entry.tenant.is_some());
    if entries.len() >= MAX_ENTRIES / 2 {
        evict_oldest_half(entries);
    }
}

fn evict_oldest_half(entries: &mut HashMap<String, Entry>) {
    let mut ages: Vec<Timestamp> = entries.values().map(|e| e.fetched_at).collect();
    ages.sort_unstable();
    let cutoff = ages[ages.len() / 2];
    entries.retain(|_, e| e.fetched_at > cutoff);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::MasterKey;
    use crate::db::Db;
    use crate::tenants::credentials::{generate_api_key, generate_client_id, generate_secret_key};
    use crate::tenants::{ImportedTenant, TenantProfile};

    #[tokio::test]
    async fn a_flood_of_unknown_client_ids_does_not_push_a_real_tenant_out() {
        let db = Db::connect("sqlite::memory:").await.unwrap();
        let store = TenantStore::new(db, MasterKey::generate());
        let client_id = generate_client_id();
        store
            .import(&ImportedTenant {
                tenant_id: "tenant-1".into(),
                api_key: generate_api_key(&client_id),
                client_id: client_id.clone(),
                secret_key: generate_secret_key(),
                profile: TenantProfile::named("Cache Test"),
            })
            .await
            .unwrap();
        let cache = CredentialCache::new(store, Duration::from_secs(600));
        assert!(cache.get(&client_id).await.unwrap().is_some());

        for n in 0..MAX_ENTRIES + 10 {
            let unknown = format!("unknown{n:09}");
            assert!(cache.get(&unknown).await.unwrap().is_none());
        }

        let cached = cache.fresh_at(&client_id, Timestamp::now());
        assert!(
            matches!(cached, Some(Some(_))),
            "the real tenant is still cached"
        );
        let size = cache.entries.read().unwrap().len();
        assert!(size < MAX_ENTRIES, "the cache stays bounded: {size}");
    }
}
