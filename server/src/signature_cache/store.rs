//! What site processes share through Redis: the signature cache's second
//! tier, and the buckets of the per-address rate limit.
//!
//! Each tenant's signature lives under `doorstep:sig:<clientId>` with a TTL
//! that ends when the signature expires, and a refresh is claimed with a
//! short lock under `doorstep:sig:<clientId>:lock`. A client address's rate
//! limit bucket lives under `doorstep:rl:<address>` until it would be full
//! again. Every operation has a deadline: Redis is an optimisation here, and
//! a slow or absent Redis must cost a request milliseconds, never its
//! success.

use std::{
    sync::{
        Arc, LazyLock,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use redis::{
    AsyncCommands, Client, Script,
    aio::{ConnectionManager, ConnectionManagerConfig},
};

use crate::{credentials::ClientId, ops::metrics::Metrics};

/// The longest a single Redis operation may take before the cache treats
/// Redis as down for that request.
const OPERATION_DEADLINE: Duration = Duration::from_millis(300);

/// Why a Redis operation did not complete.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Redis answered with an error or the connection failed.
    #[error("redis: {0}")]
    Redis(#[from] redis::RedisError),
    /// Redis did not answer within the deadline.
    #[error("redis did not answer within {OPERATION_DEADLINE:?}")]
    Timeout,
}

/// Redis as the second cache tier, shared by every site process.
#[derive(Clone)]
pub struct RedisStore {
    connection: ConnectionManager,
    up: Arc<AtomicBool>,
    metrics: Arc<Metrics>,
}

/// Deletes a key only while it still holds the given value, so a process
/// never removes a lock or a signature another process has since replaced.
const DELETE_IF_EQUAL: &str = r#"
if redis.call("GET", KEYS[1]) == ARGV[1] then
    return redis.call("DEL", KEYS[1])
end
return 0
"#;

/// Takes one token from a bucket of `ARGV[1]` tokens that refills at
/// `ARGV[2]` tokens a millisecond, on Redis's clock (so every process counts
/// the same time); returns 0 when a token was taken, else how many
/// milliseconds until one will be there. The bucket expires once it would
/// be full again, so an address that stops calling leaves nothing behind.
const TAKE_TOKEN: &str = r#"
local capacity = tonumber(ARGV[1])
local per_ms = tonumber(ARGV[2])
local clock = redis.call("TIME")
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local bucket = redis.call("HMGET", KEYS[1], "tokens", "at")
local tokens = tonumber(bucket[1]) or capacity
local at = tonumber(bucket[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) * per_ms)
local wait = 0
if tokens >= 1 then
    tokens = tokens - 1
else
    wait = math.ceil((1 - tokens) / per_ms)
end
redis.call("HSET", KEYS[1], "tokens", tostring(tokens), "at", tostring(now))
redis.call("PEXPIRE", KEYS[1], math.ceil((capacity - tokens) / per_ms) + 1)
return wait
"#;

// Each script's SHA-1 (what EVALSHA names it by) is computed once.
static DELETE_IF_EQUAL_SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(DELETE_IF_EQUAL));
static TAKE_TOKEN_SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(TAKE_TOKEN));

impl RedisStore {
    /// Prepares a connection to `url` without connecting: the site starts
    /// (and serves) while Redis is still down.
    pub fn new(url: &str, metrics: Arc<Metrics>) -> Result<Self, redis::RedisError> {
        let client = Client::open(url)?;
        // One connection attempt per operation: retrying inside the manager
        // would hold a guest's request while Redis is away.
        let config = ConnectionManagerConfig::new()
            .set_number_of_retries(0)
            .set_connection_timeout(Some(OPERATION_DEADLINE))
            .set_response_timeout(Some(OPERATION_DEADLINE));
        let connection = ConnectionManager::new_lazy_with_config(client, config)?;
        Ok(Self {
            connection,
            up: Arc::new(AtomicBool::new(true)),
            metrics,
        })
    }

    /// The key of a tenant's signature.
    pub fn key(client_id: &ClientId) -> String {
        format!("doorstep:sig:{client_id}")
    }

    fn lock_key(client_id: &ClientId) -> String {
        format!("doorstep:sig:{client_id}:lock")
    }

    /// Whether the last operation reached Redis.
    pub fn is_up(&self) -> bool {
        self.up.load(Ordering::Relaxed)
    }

    /// Reads a tenant's cached signature as stored (JSON), if any.
    pub async fn get(&self, client_id: &ClientId) -> Result<Option<String>, StoreError> {
        let mut connection = self.connection.clone();
        let key = Self::key(client_id);
        self.run(async move { connection.get(key).await }).await
    }

    /// Stores a tenant's signature (JSON) for `ttl`.
    pub async fn put(
        &self,
        client_id: &ClientId,
        value: &str,
        ttl: Duration,
    ) -> Result<(), StoreError> {
        let mut connection = self.connection.clone();
        let key = Self::key(client_id);
        let value = value.to_string();
        let millis = ttl.as_millis().max(1) as u64;
        self.run(async move { connection.pset_ex(key, value, millis).await })
            .await
    }

    /// Removes a tenant's signature if it is still `value`.
    pub async fn remove_if(&self, client_id: &ClientId, value: &str) -> Result<(), StoreError> {
        self.delete_if_equal(Self::key(client_id), value.to_string())
            .await
    }

    /// Tries to claim the right to refresh a tenant's signature for `ttl`.
    /// Returns the token to release it with, or `None` when another
    /// process holds it.
    pub async fn try_lock(
        &self,
        client_id: &ClientId,
        ttl: Duration,
    ) -> Result<Option<String>, StoreError> {
        let mut connection = self.connection.clone();
        let key = Self::lock_key(client_id);
        let token = uuid::Uuid::new_v4().to_string();
        let options = redis::SetOptions::default()
            .conditional_set(redis::ExistenceCheck::NX)
            .with_expiration(redis::SetExpiry::PX(ttl.as_millis().max(1) as u64));
        let value = token.clone();
        let claimed: Option<String> = self
            .run(async move { connection.set_options(key, value, options).await })
            .await?;
        Ok(claimed.map(|_| token))
    }

    /// Releases a lock taken with [`RedisStore::try_lock`].
    pub async fn unlock(&self, client_id: &ClientId, token: &str) -> Result<(), StoreError> {
        self.delete_if_equal(Self::lock_key(client_id), token.to_string())
            .await
    }

    /// Takes a token from the shared bucket `name` (up to `capacity`
    /// tokens, `per_minute` refilled a minute): `Ok(None)` when taken,
    /// `Ok(Some(wait))` when the bucket is empty.
    pub async fn take_token(
        &self,
        name: &str,
        capacity: u32,
        per_minute: u32,
    ) -> Result<Option<Duration>, StoreError> {
        let mut connection = self.connection.clone();
        let key = format!("doorstep:rl:{name}");
        let per_ms = f64::from(per_minute) / 60_000.0;
        let wait: u64 = self
            .run(async move {
                TAKE_TOKEN_SCRIPT
                    .key(key)
                    .arg(capacity)
                    .arg(per_ms)
                    .invoke_async(&mut connection)
                    .await
            })
            .await?;
        Ok((wait > 0).then(|| Duration::from_millis(wait)))
    }

    /// Asks Redis whether it is there (for `/readyz`).
    pub async fn ping(&self) -> Result<(), StoreError> {
        let mut connection = self.connection.clone();
        self.run(async move {
            redis::cmd("PING")
                .query_async::<String>(&mut connection)
                .await
        })
        .await
        .map(|_| ())
    }

    async fn delete_if_equal(&self, key: String, value: String) -> Result<(), StoreError> {
        let mut connection = self.connection.clone();
        self.run(async move {
            DELETE_IF_EQUAL_SCRIPT
                .key(key)
                .arg(value)
                .invoke_async::<i64>(&mut connection)
                .await
        })
        .await
        .map(|_| ())
    }

    /// Runs one operation under the deadline and records whether Redis
    /// answered; the change between up and down is logged once, not per
    /// request.
    async fn run<T>(
        &self,
        operation: impl Future<Output = redis::RedisResult<T>>,
    ) -> Result<T, StoreError> {
        let result = match tokio::time::timeout(OPERATION_DEADLINE, operation).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(error)) => Err(StoreError::Redis(error)),
            Err(_) => Err(StoreError::Timeout),
        };

        let up = match &result {
            Ok(_) => true,
            // A refused command (wrong type, script error) still means
            // Redis is there.
            Err(StoreError::Redis(error)) => {
                !(error.is_io_error()
                    || error.is_connection_dropped()
                    || error.is_connection_refusal()
                    || error.is_timeout())
            }
            Err(StoreError::Timeout) => false,
        };
        if result.is_err() {
            self.metrics.redis_errors.inc();
        }
        self.metrics.redis_up.set(i64::from(up));
        let was_up = self.up.swap(up, Ordering::Relaxed);
        match (was_up, up, &result) {
            (true, false, Err(error)) => {
                tracing::error!(
                    error = %error,
                    "redis is unavailable; signatures come from memory and the platform, rate limits from this process's counters"
                )
            }
            (false, true, _) => tracing::info!("redis is available again"),
            _ => {}
        }
        result
    }
}
