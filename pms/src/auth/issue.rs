//! `POST /auth/signature`: issuing signatures.
//!
//! The caller proves it is the tenant with `x-clientid` and `x-api-key`
//! (the article asks for the client ID alone; requiring the key is a
//! deliberate hardening) and gets `{"data": {"signature", "expiresAt"}}`.
//! Unknown client, disabled tenant, wrong key and a body `clientId` that
//! differs from the header all answer the same 401.
//!
//! Every request is charged to its source address first (see
//! [`super::client_addr`] for which address that is); requests that prove
//! the key are then charged to the client ID as well.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::Json;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use doorstep::api::{Envelope, SignatureRequest, SignatureResponse};
use doorstep::headers;
use doorstep::rate_limit::{TokenBuckets, retry_after_secs};
use doorstep::signature::{format_timestamp, is_api_key_for, is_client_id, sign};
use jiff::{SignedDuration, Timestamp};

use super::client_addr::client_addr;
use super::verify::MAX_CREDENTIAL_HEADER_LEN;
use crate::app::AppState;
use crate::crypto::random_base64url;
use crate::error::ApiError;
use crate::tenants::credentials::{digest_api_key, digests_equal};

/// Random bytes in a salt: 192 bits, 32 base64url characters.
const SALT_BYTES: usize = 24;

/// The largest body accepted (a `{"clientId": …}` object is about 30 bytes).
pub const MAX_BODY_BYTES: usize = 1024;

/// The two rate limiters of signature issuing.
#[derive(Debug)]
pub struct IssueLimits {
    /// Keyed by client ID (only for values shaped like one).
    pub per_client: TokenBuckets<String>,
    /// Keyed by source address (an IPv6 one by its /64), after trusted-proxy
    /// resolution.
    pub per_address: TokenBuckets<IpAddr>,
}

/// Handles `POST /auth/signature`.
pub async fn issue_signature(State(state): State<AppState>, request: Request) -> Response {
    match issue(&state, request).await {
        Ok(response) => response,
        Err(error) => error.into_response(),
    }
}

async fn issue(state: &AppState, request: Request) -> Result<Response, ApiError> {
    let (parts, body) = request.into_parts();
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| info.0.ip());
    // An IPv6 client counts by its /64, which one host usually has whole.
    let address = client_addr(peer, &parts.headers, &state.settings.trusted_proxies);
    limit(
        &state.issue_limits.per_address,
        &doorstep::forwarded::client_key(address),
    )?;

    let client_id = credential_header(&parts.headers, headers::CLIENT_ID)?;
    let api_key = credential_header(&parts.headers, headers::API_KEY)?;
    if !is_client_id(client_id) {
        return Err(refuse("-", "malformed_client_id"));
    }

    let body = axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|error| ApiError::unreadable_body(&error))?;
    if !body.is_empty() {
        let request: SignatureRequest = serde_json::from_slice(&body)
            .map_err(|_| ApiError::bad_request("body must be {\"clientId\": string}"))?;
        if request.client_id != client_id {
            return Err(refuse(client_id, "body_client_id_mismatch"));
        }
    }

    let tenant = state
        .credentials
        .refresh(client_id)
        .await
        .map_err(|e| ApiError::unavailable(&e))?
        .ok_or_else(|| refuse(client_id, "unknown_client"))?;
    let credentials = &tenant.credentials;
    if credentials.disabled {
        return Err(refuse(client_id, "tenant_disabled"));
    }

    let now = Timestamp::now();
    let digest = digest_api_key(api_key.as_bytes());
    let key_matches = is_api_key_for(client_id, api_key)
        && credentials.api_keys.iter().fold(false, |found, key| {
            let live = key
                .expires_at
                .is_none_or(|until| now.as_millisecond() < until);
            found | (digests_equal(&key.digest, &digest) && live)
        });
    if !key_matches {
        return Err(refuse(client_id, "wrong_api_key"));
    }
    // Charged only once the key is proven: failed attempts are bounded by
    // the address limit, and cannot use up a tenant's own budget (a way
    // to lock a site out knowing only its public client ID).
    limit(&state.issue_limits.per_client, &client_id.to_owned())?;

    let lifetime = SignedDuration::try_from(state.settings.signature_lifetime)
        .map_err(|e| ApiError::internal(&e))?;
    let expires_at = format_timestamp(now + lifetime);
    let signature = sign(
        &random_base64url(SALT_BYTES),
        credentials.secret.expose(),
        &expires_at,
        &credentials.tenant_id,
    )
    .map_err(|e| ApiError::internal(&e))?;

    tracing::info!(tenant.client_id = client_id, expires_at = %expires_at, "signature issued");
    let mut response = Json(Envelope::new(SignatureResponse {
        signature,
        expires_at,
    }))
    .into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

fn limit<K: Eq + std::hash::Hash + Clone>(
    limiter: &TokenBuckets<K>,
    key: &K,
) -> Result<(), ApiError> {
    limiter.check(key).map_err(|wait| {
        tracing::warn!("signature request rate-limited");
        ApiError::rate_limited(retry_after_secs(wait))
    })
}

/// One credential header as text: present once, visible ASCII, not huge.
fn credential_header<'a>(headers: &'a HeaderMap, name: &'static str) -> Result<&'a str, ApiError> {
    let mut values = headers.get_all(name).iter();
    let value = values.next().ok_or_else(|| refuse("-", "missing_header"))?;
    if values.next().is_some() {
        return Err(refuse("-", "duplicate_header"));
    }
    if value.len() > MAX_CREDENTIAL_HEADER_LEN {
        return Err(ApiError::headers_too_large());
    }

    let bytes = value.as_bytes();
    if bytes.is_empty() || !bytes.iter().all(u8::is_ascii_graphic) {
        return Err(refuse("-", "malformed_header"));
    }
    std::str::from_utf8(bytes).map_err(|_| refuse("-", "malformed_header"))
}

/// The one answer to every failed credential check, with its reason logged.
fn refuse(client_id: &str, reason: &'static str) -> ApiError {
    tracing::warn!(tenant.client_id = client_id, reason, "signature refused");
    ApiError::unauthorized()
}
