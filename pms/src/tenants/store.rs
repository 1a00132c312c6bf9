//! Tenant rows and credentials in the database.

use std::time::Duration;

use doorstep::api::ContactDetails;
use doorstep::signature::{is_api_key_for, is_client_id};
use sqlx::Row as _;
use sqlx::any::AnyRow;

use super::credentials::{
    ApiKey, SecretKey, generate_api_key, generate_client_id, generate_secret_key, hash_api_key,
};
use super::profile::{ProfileError, TenantProfile};
use crate::crypto::{MasterKey, UnsealError};
use crate::db::{Db, now_millis};

/// Reads and writes tenants. Holds the master key, because sealing and
/// opening secret keys is part of storing them.
#[derive(Debug, Clone)]
pub struct TenantStore {
    db: Db,
    master_key: MasterKey,
}

/// Why a tenant operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No tenant has that client ID.
    #[error("no tenant has client ID {0}")]
    NotFound(String),
    /// The tenant ID or client ID is taken.
    #[error("a tenant with tenant ID {tenant_id} or client ID {client_id} already exists")]
    Duplicate {
        /// The tenant ID that was to be inserted.
        tenant_id: String,
        /// The client ID that was to be inserted.
        client_id: String,
    },
    /// The profile has invalid fields.
    #[error(transparent)]
    Profile(#[from] ProfileError),
    /// Imported credentials have the wrong shape; says which, never the value.
    #[error("invalid credentials for tenant {tenant_id}: {problem}")]
    Credentials {
        /// The tenant being imported.
        tenant_id: String,
        /// What is wrong.
        problem: &'static str,
    },
    /// A sealed secret did not open: the master key is not the one it was
    /// sealed with, or the row was tampered with.
    #[error("the secret key of client {0} cannot be opened with this master key")]
    Unseal(String),
    /// The database failed.
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
}

/// A tenant made by [`TenantStore::create`]. The API key is shown to the
/// operator once and is not stored in clear anywhere.
#[derive(Debug)]
pub struct CreatedTenant {
    /// Internal tenant ID (UUID v4).
    pub tenant_id: String,
    /// Public client ID.
    pub client_id: String,
    /// The tenant's first API key.
    pub api_key: ApiKey,
}

/// A tenant moved from another platform with its existing credentials.
#[derive(Debug, Clone)]
pub struct ImportedTenant {
    /// The tenant ID it had, which its signatures are bound to.
    pub tenant_id: String,
    /// Its client ID.
    pub client_id: String,
    /// Its API key.
    pub api_key: ApiKey,
    /// Its secret key.
    pub secret_key: SecretKey,
    /// Its profile.
    pub profile: TenantProfile,
}

/// What an operator may see of a tenant: no credential values.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TenantSummary {
    /// Internal tenant ID.
    pub tenant_id: String,
    /// Public client ID.
    pub client_id: String,
    /// Display name.
    pub name: String,
    /// Default currency.
    pub currency: String,
    /// Default locale.
    pub locale: String,
    /// Time zone.
    pub time_zone: String,
    /// Contact details.
    pub contact: ContactDetails,
    /// Whether the tenant is disabled.
    pub disabled: bool,
    /// How many API keys currently work (1, or 2 during a rotation).
    pub active_api_keys: usize,
    /// Until when (Unix ms) the previous secret key still verifies, during
    /// a secret rotation.
    pub previous_secret_until: Option<i64>,
    /// When the tenant was created (Unix ms).
    pub created_at: i64,
}

/// One API key that currently works, as its digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveApiKey {
    /// SHA-256 of the key.
    pub digest: [u8; 32],
    /// Unix ms after which it stops working; `None` for the current key.
    pub expires_at: Option<i64>,
}

/// Everything verification needs to know about a tenant, secrets opened.
#[derive(Debug, Clone)]
pub struct TenantCredentials {
    /// Internal tenant ID.
    pub tenant_id: String,
    /// Public client ID.
    pub client_id: String,
    /// Profile.
    pub profile: TenantProfile,
    /// Disabled tenants verify nothing.
    pub disabled: bool,
    /// The API keys that may still work (check `expires_at`).
    pub api_keys: Vec<ActiveApiKey>,
    /// The current secret key.
    pub secret: SecretKey,
    /// The secret before the last rotation and until when (Unix ms) it
    /// still verifies.
    pub previous_secret: Option<(SecretKey, i64)>,
}

/// The columns every tenant query reads, as a macro so queries stay
/// `&'static str` (sqlx only takes dynamic SQL through an explicit opt-in).
macro_rules! tenant_columns {
    () => {
        "tenant_id, client_id, name, currency, locale, time_zone, contact_email, \
         contact_phone, contact_website, disabled_at, secret_sealed, \
         previous_secret_sealed, previous_secret_until, created_at"
    };
}

impl TenantStore {
    /// A store over `db`, sealing secrets with `master_key`.
    pub fn new(db: Db, master_key: MasterKey) -> Self {
        Self { db, master_key }
    }

    /// The database behind the store.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Creates a tenant with fresh credentials.
    pub async fn create(&self, profile: TenantProfile) -> Result<CreatedTenant, StoreError> {
        profile.validate()?;
        let tenant_id = uuid::Uuid::new_v4().to_string();
        let client_id = generate_client_id();
        let api_key = generate_api_key(&client_id);
        let secret = generate_secret_key();

        self.insert(&tenant_id, &client_id, &api_key, &secret, &profile)
            .await?;
        Ok(CreatedTenant {
            tenant_id,
            client_id,
            api_key,
        })
    }

    /// Stores a tenant with the credentials it already has elsewhere.
    pub async fn import(&self, tenant: &ImportedTenant) -> Result<(), StoreError> {
        tenant.profile.validate()?;
        check_imported_credentials(tenant)?;
        self.insert(
            &tenant.tenant_id,
            &tenant.client_id,
            &tenant.api_key,
            &tenant.secret_key,
            &tenant.profile,
        )
        .await
    }

    async fn insert(
        &self,
        tenant_id: &str,
        client_id: &str,
        api_key: &ApiKey,
        secret: &SecretKey,
        profile: &TenantProfile,
    ) -> Result<(), StoreError> {
        let now = now_millis();
        let sealed = self.master_key.seal(tenant_id, secret.expose());
        let duplicate = || StoreError::Duplicate {
            tenant_id: tenant_id.to_owned(),
            client_id: client_id.to_owned(),
        };

        let mut tx = self.db.pool().begin().await?;
        let taken: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM tenants WHERE tenant_id = $1 OR client_id = $2",
        )
        .bind(tenant_id)
        .bind(client_id)
        .fetch_one(&mut *tx)
        .await?;
        if taken > 0 {
            return Err(duplicate());
        }

        sqlx::query(
            "INSERT INTO tenants (tenant_id, client_id, name, currency, locale, time_zone, \
             contact_email, contact_phone, contact_website, secret_sealed, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
        )
        .bind(tenant_id)
        .bind(client_id)
        .bind(profile.name.trim())
        .bind(&profile.currency)
        .bind(&profile.locale)
        .bind(&profile.time_zone)
        .bind(profile.contact.email.as_deref())
        .bind(profile.contact.phone.as_deref())
        .bind(profile.contact.website.as_deref())
        .bind(&sealed)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                duplicate()
            } else {
                e.into()
            }
        })?;

        sqlx::query("INSERT INTO api_keys (key_hash, tenant_id, created_at) VALUES ($1, $2, $3)")
            .bind(hash_api_key(api_key.expose()))
            .bind(tenant_id)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(|e| {
                if is_unique_violation(&e) {
                    duplicate()
                } else {
                    e.into()
                }
            })?;

        tx.commit().await?;
        Ok(())
    }

    /// Every tenant, oldest first.
    pub async fn list(&self) -> Result<Vec<TenantSummary>, StoreError> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            tenant_columns!(),
            " FROM tenants ORDER BY created_at, client_id"
        ))
        .fetch_all(self.db.pool())
        .await?;

        let mut summaries = Vec::with_capacity(rows.len());
        for row in rows {
            summaries.push(self.summary_of(&row).await?);
        }
        Ok(summaries)
    }

    /// One tenant by client ID, without credentials.
    pub async fn summary(&self, client_id: &str) -> Result<TenantSummary, StoreError> {
        let row = self.tenant_row(client_id).await?;
        self.summary_of(&row).await
    }

    async fn summary_of(&self, row: &AnyRow) -> Result<TenantSummary, StoreError> {
        let tenant_id: String = row.try_get("tenant_id")?;
        let keys = self.active_api_keys(&tenant_id).await?;
        let profile = profile_of(row)?;
        let now = now_millis();
        let previous_secret_until: Option<i64> = row.try_get("previous_secret_until")?;

        Ok(TenantSummary {
            tenant_id,
            client_id: row.try_get("client_id")?,
            name: profile.name,
            currency: profile.currency,
            locale: profile.locale,
            time_zone: profile.time_zone,
            contact: profile.contact,
            disabled: row.try_get::<Option<i64>, _>("disabled_at")?.is_some(),
            active_api_keys: keys
                .iter()
                .filter(|k| k.expires_at.is_none_or(|t| t > now))
                .count(),
            previous_secret_until: previous_secret_until.filter(|&t| t > now),
            created_at: row.try_get("created_at")?,
        })
    }

    /// Disables or re-enables a tenant. A disabled tenant gets no signature
    /// and passes no verification (after the credential cache's TTL).
    pub async fn set_disabled(&self, client_id: &str, disabled: bool) -> Result<(), StoreError> {
        let now = now_millis();
        let disabled_at = disabled.then_some(now);
        let result = sqlx::query(
            "UPDATE tenants SET disabled_at = $1, updated_at = $2 WHERE client_id = $3",
        )
        .bind(disabled_at)
        .bind(now)
        .bind(client_id)
        .execute(self.db.pool())
        .await?;

        if result.rows_affected() == 0 {
            return Err(StoreError::NotFound(client_id.to_owned()));
        }
        Ok(())
    }

    /// Issues a new API key. The current key keeps working for `overlap`
    /// (not at all when zero); any older key stops now, so at most two work.
    pub async fn rotate_api_key(
        &self,
        client_id: &str,
        overlap: Duration,
    ) -> Result<ApiKey, StoreError> {
        let row = self.tenant_row(client_id).await?;
        let tenant_id: String = row.try_get("tenant_id")?;
        let now = now_millis();
        let overlap_end = now.saturating_add(millis(overlap));
        let api_key = generate_api_key(client_id);

        let mut tx = self.db.pool().begin().await?;
        sqlx::query("DELETE FROM api_keys WHERE tenant_id = $1 AND expires_at IS NOT NULL")
            .bind(&tenant_id)
            .execute(&mut *tx)
            .await?;
        if overlap.is_zero() {
            sqlx::query("DELETE FROM api_keys WHERE tenant_id = $1")
                .bind(&tenant_id)
                .execute(&mut *tx)
                .await?;
        } else {
            sqlx::query("UPDATE api_keys SET expires_at = $1 WHERE tenant_id = $2")
                .bind(overlap_end)
                .bind(&tenant_id)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query("INSERT INTO api_keys (key_hash, tenant_id, created_at) VALUES ($1, $2, $3)")
            .bind(hash_api_key(api_key.expose()))
            .bind(&tenant_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE tenants SET updated_at = $1 WHERE tenant_id = $2")
            .bind(now)
            .bind(&tenant_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;

        Ok(api_key)
    }

    /// Replaces the secret key. Signatures made under the previous secret
    /// keep verifying for `overlap`, which callers set to the longest
    /// signature lifetime plus the clock skew, so every signature already
    /// issued lives out its life.
    pub async fn rotate_secret(
        &self,
        client_id: &str,
        overlap: Duration,
    ) -> Result<(), StoreError> {
        let row = self.tenant_row(client_id).await?;
        let tenant_id: String = row.try_get("tenant_id")?;
        let current: String = row.try_get("secret_sealed")?;
        let now = now_millis();
        let sealed = self
            .master_key
            .seal(&tenant_id, generate_secret_key().expose());

        let (previous, until) = if overlap.is_zero() {
            (None, None)
        } else {
            (Some(current), Some(now.saturating_add(millis(overlap))))
        };
        sqlx::query(
            "UPDATE tenants SET secret_sealed = $1, previous_secret_sealed = $2, \
             previous_secret_until = $3, updated_at = $4 WHERE tenant_id = $5",
        )
        .bind(&sealed)
        .bind(previous)
        .bind(until)
        .bind(now)
        .bind(&tenant_id)
        .execute(self.db.pool())
        .await?;
        Ok(())
    }

    /// Everything verification needs about a tenant, secrets opened.
    /// `Ok(None)` when no tenant has this client ID.
    pub async fn credentials(
        &self,
        client_id: &str,
    ) -> Result<Option<TenantCredentials>, StoreError> {
        let row = match self.tenant_row(client_id).await {
            Ok(row) => row,
            Err(StoreError::NotFound(_)) => return Ok(None),
            Err(other) => return Err(other),
        };
        let tenant_id: String = row.try_get("tenant_id")?;
        let unseal = |_: UnsealError| StoreError::Unseal(client_id.to_owned());

        let secret = self
            .master_key
            .open(&tenant_id, &row.try_get::<String, _>("secret_sealed")?)
            .map_err(unseal)?;
        let previous_sealed: Option<String> = row.try_get("previous_secret_sealed")?;
        let previous_until: Option<i64> = row.try_get("previous_secret_until")?;
        let previous_secret = match (previous_sealed, previous_until) {
            (Some(sealed), Some(until)) => {
                let secret = self.master_key.open(&tenant_id, &sealed).map_err(unseal)?;
                Some((SecretKey::new(secret.as_str()), until))
            }
            _ => None,
        };

        Ok(Some(TenantCredentials {
            api_keys: self.active_api_keys(&tenant_id).await?,
            client_id: row.try_get("client_id")?,
            profile: profile_of(&row)?,
            disabled: row.try_get::<Option<i64>, _>("disabled_at")?.is_some(),
            secret: SecretKey::new(secret.as_str()),
            previous_secret,
            tenant_id,
        }))
    }

    async fn tenant_row(&self, client_id: &str) -> Result<AnyRow, StoreError> {
        sqlx::query(concat!(
            "SELECT ",
            tenant_columns!(),
            " FROM tenants WHERE client_id = $1"
        ))
        .bind(client_id)
        .fetch_optional(self.db.pool())
        .await?
        .ok_or_else(|| StoreError::NotFound(client_id.to_owned()))
    }

    async fn active_api_keys(&self, tenant_id: &str) -> Result<Vec<ActiveApiKey>, StoreError> {
        let rows = sqlx::query("SELECT key_hash, expires_at FROM api_keys WHERE tenant_id = $1")
            .bind(tenant_id)
            .fetch_all(self.db.pool())
            .await?;

        let mut keys = Vec::with_capacity(rows.len());
        for row in rows {
            let hex: String = row.try_get("key_hash")?;
            if let Some(digest) = decode_hex_digest(&hex) {
                keys.push(ActiveApiKey {
                    digest,
                    expires_at: row.try_get("expires_at")?,
                });
            }
        }
        Ok(keys)
    }
}

fn profile_of(row: &AnyRow) -> Result<TenantProfile, sqlx::Error> {
    Ok(TenantProfile {
        name: row.try_get("name")?,
        currency: row.try_get("currency")?,
        locale: row.try_get("locale")?,
        time_zone: row.try_get("time_zone")?,
        contact: ContactDetails {
            email: row.try_get("contact_email")?,
            phone: row.try_get("contact_phone")?,
            website: row.try_get("contact_website")?,
        },
    })
}

fn check_imported_credentials(tenant: &ImportedTenant) -> Result<(), StoreError> {
    let problem = |problem| StoreError::Credentials {
        tenant_id: tenant.tenant_id.clone(),
        problem,
    };
    let id = &tenant.tenant_id;

    if id.is_empty()
        || id.len() > 64
        || !id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(problem("tenantId must be 1 to 64 characters [A-Za-z0-9_-]"));
    }
    if !is_client_id(&tenant.client_id) {
        return Err(problem("clientId must be 16 characters [A-Za-z0-9]"));
    }
    if !is_api_key_for(&tenant.client_id, tenant.api_key.expose()) {
        return Err(problem(
            "apiKey must be <clientId>.<64 characters [A-Za-z0-9]>",
        ));
    }
    let secret = tenant.secret_key.expose();
    if secret.is_empty() || secret.len() > 512 || !secret.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(problem(
            "secretKey must be 1 to 512 visible ASCII characters",
        ));
    }
    Ok(())
}

fn decode_hex_digest(hex: &str) -> Option<[u8; 32]> {
    let bytes = hex.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    let nibble = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    let mut digest = [0u8; 32];
    for (i, pair) in bytes.chunks_exact(2).enumerate() {
        digest[i] = nibble(pair[0])? << 4 | nibble(pair[1])?;
    }
    Some(digest)
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.is_unique_violation())
}
