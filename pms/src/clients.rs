//! `GET /v1/clients/me`: the authenticated tenant's own profile.

use axum::Json;
use doorstep::api::{ClientProfile, Envelope};

use crate::auth::CurrentTenant;

/// Answers the profile of the tenant whose credentials signed the request.
/// Needs no database: the verified tenant already carries it.
pub async fn me(tenant: CurrentTenant) -> Json<Envelope<ClientProfile>> {
    Json(Envelope::new(tenant.profile()))
}
