//! Tenants: their profile and their credentials.
//!
//! A tenant is a property manager on the platform. It is known to the
//! outside by its `clientId`; its `tenantId` stays internal (it is only
//! mixed into signatures). Credentials are made here ([`credentials`]) and
//! kept by [`TenantStore`]: API keys as SHA-256 hashes, the secret key sealed
//! under the master key.

pub mod credentials;
mod profile;
mod store;
#[cfg(test)]
mod store_tests;

pub use credentials::{ApiKey, SecretKey};
pub use profile::{ProfileError, TenantProfile};
pub use store::{
    ActiveApiKey, CreatedTenant, ImportedTenant, StoreError, TenantCredentials, TenantStore,
    TenantSummary,
};
