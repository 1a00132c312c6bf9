//! [`CurrentTenant`]: the tenant a verified request acts for.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use doorstep::api::{ClientProfile, ContactDetails};

use crate::error::ApiError;

/// The tenant whose credentials and signature the request carried.
///
/// Only [`crate::auth::VerifySignatureLayer`] puts it on a request, after
/// every check passed. Handlers take it as an extractor and scope every
/// query by `tenant_id`; they have no other way to learn the tenant (there
/// is no tenant in the path, query or body). A handler mounted outside the
/// layer answers 401 instead of guessing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentTenant {
    /// Internal tenant ID: the key every tenant-owned row is scoped by.
    pub tenant_id: String,
    /// Public client ID.
    pub client_id: String,
    /// Display name.
    pub name: String,
    /// Default currency, ISO 4217.
    pub currency: String,
    /// Default locale, BCP 47.
    pub locale: String,
    /// IANA time zone.
    pub time_zone: String,
    /// Public contact details.
    pub contact: ContactDetails,
}

impl CurrentTenant {
    /// The profile `GET /v1/clients/me` answers.
    pub fn profile(&self) -> ClientProfile {
        ClientProfile {
            client_id: self.client_id.clone(),
            name: self.name.clone(),
            currency: self.currency.clone(),
            locale: self.locale.clone(),
            time_zone: self.time_zone.clone(),
            contact: self.contact.clone(),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for CurrentTenant {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        // The layer stores an `Arc`, shared with the credential cache, so
        // verification itself allocates nothing per request.
        parts
            .extensions
            .get::<Arc<CurrentTenant>>()
            .map(|tenant| CurrentTenant::clone(tenant))
            .ok_or_else(|| {
                tracing::error!(
                    path = %parts.uri.path(),
                    "CurrentTenant asked for on a route outside VerifySignatureLayer"
                );
                ApiError::unauthorized()
            })
    }
}
