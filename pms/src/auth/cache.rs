//! The in-process credential cache.
//!
//! Verification must not query the database on every request, so
//! credentials (secrets opened) are cached per client ID, including the
//! answer "no such client", for a fixed TTL. The TTL is the staleness bound:
//! a tenant disabled, or a key revoked, by another process (the operator
//! CLI) stops verifying at most one TTL later. Changes made through this
//! process call [`CredentialCache::invalidate`] and take effect at once.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use crate::tenants::{StoreError, TenantCredentials, TenantStore};

/// At most this many client IDs are cached; beyond it the oldest half of
/// the entries is dropped, so a flood of made-up client IDs cannot grow
/// memory without bound.
const MAX_ENTRIES: usize = 10_000;

/// Cached look-ups of [`TenantStore::credentials`].
#[derive(Debug)]
pub struct CredentialCache {
    store: TenantStore,
    ttl: Duration,
    entries: RwLock<HashMap<String, Entry>>,
}

#[derive(Debug, Clone)]
struct Entry {
    fetched_at: Instant,
    credentials: Option<Arc<TenantCredentials>>,
}

impl CredentialCache {
    /// A cache over `store` whose entries live for `ttl`.
    pub fn new(store: TenantStore, ttl: Duration) -> Self {
        Self {
            store,
            ttl,
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

    /// Credentials of `client_id`, from the cache when fresh. `Ok(None)`
    /// when no tenant has this client ID.
    pub async fn get(&self, client_id: &str) -> Result<Option<Arc<TenantCredentials>>, StoreError> {
        if let Some(hit) = self.fresh(client_id) {
            return Ok(hit);
        }
        self.refresh(client_id).await
    }

    /// Reads `client_id` from the store now and caches the answer.
    pub async fn refresh(
        &self,
        client_id: &str,
    ) -> Result<Option<Arc<TenantCredentials>>, StoreError> {
        let credentials = self.store.credentials(client_id).await?.map(Arc::new);
        let entry = Entry {
            fetched_at: Instant::now(),
            credentials: credentials.clone(),
        };

        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_ENTRIES {
            evict_oldest_half(&mut entries);
        }
        entries.insert(client_id.to_owned(), entry);
        Ok(credentials)
    }

    /// Forgets `client_id`, so the next request reads it again.
    pub fn invalidate(&self, client_id: &str) {
        self.entries
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .remove(client_id);
    }

    fn fresh(&self, client_id: &str) -> Option<Option<Arc<TenantCredentials>>> {
        let entries = self.entries.read().unwrap_or_else(|e| e.into_inner());
        let entry = entries.get(client_id)?;
        (entry.fetched_at.elapsed() < self.ttl).then(|| entry.credentials.clone())
    }
}

fn evict_oldest_half(entries: &mut HashMap<String, Entry>) {
    let mut ages: Vec<Instant> = entries.values().map(|e| e.fetched_at).collect();
    ages.sort_unstable();
    let cutoff = ages[ages.len() / 2];
    entries.retain(|_, e| e.fetched_at > cutoff);
}
