//! The application: shared state and the router.

use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::HeaderName;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use doorstep::headers;
use doorstep::rate_limit::TokenBuckets;
use tower_http::sensitive_headers::SetSensitiveRequestHeadersLayer;
use tower_http::trace::TraceLayer;

use crate::auth::issue::{IssueLimits, MAX_BODY_BYTES, issue_signature};
use crate::auth::{CredentialCache, Verifier, VerifySignatureLayer};
use crate::body_deadline::with_deadline;
use crate::crypto::MasterKey;
use crate::db::Db;
use crate::error::{ApiError, not_found_fallback};
use crate::settings::Settings;
use crate::tenants::TenantStore;
use crate::{clients, openapi};

/// What every handler can reach. Cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The database.
    pub db: Db,
    /// The settings the service started with.
    pub settings: Arc<Settings>,
    /// Tenant credentials, cached (see [`crate::auth::cache`]).
    pub credentials: Arc<CredentialCache>,
    /// Rate limits of `POST /auth/signature`.
    pub issue_limits: Arc<IssueLimits>,
}

impl AppState {
    /// State over an open (and migrated) database.
    pub fn new(db: Db, master_key: MasterKey, settings: Settings) -> Self {
        let store = TenantStore::new(db.clone(), master_key);
        let credentials = Arc::new(CredentialCache::new(store, settings.credential_cache_ttl));
        let issue_limits = Arc::new(IssueLimits {
            per_client: TokenBuckets::per_minute(settings.rate_limit.per_client_per_minute),
            per_address: TokenBuckets::per_minute(settings.rate_limit.per_address_per_minute),
        });
        Self {
            db,
            settings: Arc::new(settings),
            credentials,
            issue_limits,
        }
    }

    /// The tenant store (through the cache, which owns it).
    pub fn tenants(&self) -> &TenantStore {
        self.credentials.store()
    }

    /// A verifier with this state's cache and lifetimes.
    pub fn verifier(&self) -> Verifier {
        Verifier::new(
            Arc::clone(&self.credentials),
            self.settings.signature_lifetime,
            self.settings.clock_skew,
        )
    }
}

/// The whole platform API.
///
/// - `POST /auth/signature`: issue a signature (credentials in headers).
/// - `GET /openapi.json`: the API description.
/// - `/v1/clients/**`: behind [`VerifySignatureLayer`]; `GET /me` here, the
///   booking domain from [`crate::booking::routes`].
pub fn router(state: AppState) -> Router {
    let protected = Router::new()
        .route("/me", get(clients::me))
        .merge(crate::booking::routes())
        .fallback(not_found_fallback)
        .layer(VerifySignatureLayer::new(state.verifier()));

    let credential_headers: Vec<HeaderName> = headers::CREDENTIAL_HEADERS
        .iter()
        .map(|h| HeaderName::from_static(h))
        .collect();

    Router::new()
        .route(
            "/auth/signature",
            post(issue_signature).layer(DefaultBodyLimit::max(MAX_BODY_BYTES)),
        )
        .route("/openapi.json", get(openapi::document))
        .nest("/v1/clients", protected)
        .fallback(not_found_fallback)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            limit_header_size,
        ))
        // A body must arrive as promptly as the headers, whole: a client
        // dribbling one byte at a time would otherwise hold a connection and
        // a task for as long as it likes.
        .layer(middleware::from_fn_with_state(state.clone(), body_deadline))
        .layer(TraceLayer::new_for_http())
        .layer(SetSensitiveRequestHeadersLayer::new(credential_headers))
        .with_state(state)
}

/// Gives every request body the header-read timeout to arrive whole.
async fn body_deadline(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let within = state.settings.header_read_timeout;
    next.run(with_deadline(request, within)).await
}

/// Refuses requests whose headers together exceed the configured size with
/// 431, before any handler or verification runs.
async fn limit_header_size(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let total: usize = request
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len())
        .sum();
    if total > state.settings.max_header_bytes {
        tracing::warn!(header_bytes = total, "request refused: headers too large");
        return ApiError::headers_too_large().into_response();
    }
    next.run(request).await
}
