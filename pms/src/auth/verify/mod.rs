//! Verification of signed requests: [`VerifySignatureLayer`].
//!
//! ```no_run
//! use std::sync::Arc;
//! use axum::{Router, routing::get};
//! use doorstep_pms::auth::{CredentialCache, CurrentTenant, Verifier, VerifySignatureLayer};
//! # fn build(cache: Arc<CredentialCache>) -> Router {
//! let verifier = Verifier::new(cache, std::time::Duration::from_secs(3600), std::time::Duration::from_secs(60));
//! Router::new()
//!     .route("/whoami", get(|tenant: CurrentTenant| async move { tenant.client_id }))
//!     .layer(VerifySignatureLayer::new(verifier))
//! # }
//! ```
//!
//! The checks run in the order of DESIGN.md, cheapest and least revealing
//! first, and every failure answers the same `401` body; only the log says
//! which check failed (with the client ID, never a credential).
//!
//! 1. Each of `x-clientid`, `x-api-key`, `x-signature`, `x-timestamp` is
//!    present exactly once, non-empty, visible ASCII only, and at most
//!    [`MAX_CREDENTIAL_HEADER_LEN`] bytes (431 when longer).
//! 2. The client is known and enabled (cached, see [`super::cache`]).
//! 3. The API key's SHA-256 matches one of the tenant's active keys.
//! 4. The MAC is recomputed over the exact `x-timestamp` bytes and compared
//!    in constant time, with the current secret, then with the previous
//!    one while a rotation overlap lasts.
//! 5. Only then is `x-timestamp` parsed strictly, and
//!    `now < T <= now + lifetime + skew` required.
//!
//! A credential set that passed all five is remembered with its cached
//! tenant (module `memo`); the same bytes again skip steps 3 and 4 (they are
//! compared in constant time instead) but never step 5 or the checks of
//! step 2.

mod layer;
mod memo;

use std::sync::Arc;
use std::time::Duration;

use axum::http::{HeaderMap, HeaderName};
use axum::response::{IntoResponse, Response};
use doorstep::headers;
use doorstep::signature::{SignatureError, is_api_key_for, is_client_id, parse_timestamp, verify};
use jiff::{SignedDuration, Timestamp};

pub use layer::{VerifySignature, VerifySignatureLayer};
pub(crate) use memo::VerifiedMemo;

use super::CurrentTenant;
use super::cache::{CachedTenant, CredentialCache};
use crate::error::ApiError;
use crate::tenants::TenantCredentials;
use crate::tenants::credentials::{digest_api_key, digests_equal};

/// The credential headers, parsed once rather than on every look-up.
static CREDENTIAL_HEADERS: [HeaderName; 4] = [
    HeaderName::from_static(headers::CLIENT_ID),
    HeaderName::from_static(headers::API_KEY),
    HeaderName::from_static(headers::SIGNATURE),
    HeaderName::from_static(headers::TIMESTAMP),
];

/// The longest value a credential header may have. Real values are at most
/// 81 bytes (an API key) and about 170 (a signature with a long salt).
pub const MAX_CREDENTIAL_HEADER_LEN: usize = 512;

/// Checks the credentials and signature of requests; shared by every
/// clone of the layer.
#[derive(Debug, Clone)]
pub struct Verifier {
    cache: Arc<CredentialCache>,
    /// `lifetime + skew`: how far ahead a timestamp may lie.
    /// In nanoseconds: plain integer arithmetic on the hot path.
    max_ahead_ns: i128,
}

/// Why a request was refused. Only [`Rejection::into_response`] decides what
/// the client sees, and every [`Reason`] looks the same there.
#[derive(Debug)]
pub enum Rejection {
    /// Authentication failed, for the logged reason.
    Unauthorized(Reason),
    /// A credential header is longer than any valid value.
    HeadersTooLarge(&'static str),
    /// Credentials could not be read from the database.
    Unavailable(crate::tenants::StoreError),
}

/// Which check failed. Logged, never sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// A credential header is absent.
    MissingHeader(&'static str),
    /// A credential header appears more than once.
    DuplicateHeader(&'static str),
    /// A credential header is empty or has bytes outside visible ASCII.
    MalformedHeader(&'static str),
    /// `x-clientid` does not have the shape of a client ID.
    MalformedClientId,
    /// No tenant has this client ID.
    UnknownClient,
    /// The tenant is disabled.
    TenantDisabled,
    /// The API key is not (or no longer) one of the tenant's keys.
    WrongApiKey,
    /// The signature is not `<salt>.<mac>`.
    MalformedSignature,
    /// The MAC matches neither secret.
    SignatureMismatch,
    /// The timestamp is not strict RFC 3339 UTC.
    MalformedTimestamp,
    /// The timestamp is not in the future.
    Expired,
    /// The timestamp is further ahead than any issued signature lives.
    TooFarAhead,
}

impl Reason {
    /// A short stable name for logs and metrics.
    pub fn as_str(&self) -> &'static str {
        match self {
            Reason::MissingHeader(_) => "missing_header",
            Reason::DuplicateHeader(_) => "duplicate_header",
            Reason::MalformedHeader(_) => "malformed_header",
            Reason::MalformedClientId => "malformed_client_id",
            Reason::UnknownClient => "unknown_client",
            Reason::TenantDisabled => "tenant_disabled",
            Reason::WrongApiKey => "wrong_api_key",
            Reason::MalformedSignature => "malformed_signature",
            Reason::SignatureMismatch => "signature_mismatch",
            Reason::MalformedTimestamp => "malformed_timestamp",
            Reason::Expired => "expired",
            Reason::TooFarAhead => "too_far_ahead",
        }
    }
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        match self {
            Rejection::Unauthorized(_) => ApiError::unauthorized().into_response(),
            Rejection::HeadersTooLarge(_) => ApiError::headers_too_large().into_response(),
            Rejection::Unavailable(error) => ApiError::unavailable(&error).into_response(),
        }
    }
}

/// The four credential headers of one request, checked for shape only.
pub(crate) struct Presented<'a> {
    pub(crate) client_id: &'a str,
    pub(crate) api_key: &'a [u8],
    pub(crate) signature: &'a [u8],
    pub(crate) timestamp: &'a [u8],
}

impl Verifier {
    /// A verifier reading credentials through `cache`. `lifetime` is the
    /// longest lifetime the platform issues; `skew` the clock allowance.
    pub fn new(cache: Arc<CredentialCache>, lifetime: Duration, skew: Duration) -> Self {
        let signed = |d: Duration| SignedDuration::try_from(d).unwrap_or(SignedDuration::MAX);
        Self {
            cache,
            max_ahead_ns: signed(lifetime).saturating_add(signed(skew)).as_nanos(),
        }
    }

    /// The credential cache.
    pub fn cache(&self) -> &Arc<CredentialCache> {
        &self.cache
    }

    /// Verifies the credential headers and names the tenant they belong to.
    /// Logs the reason of a failure (with the client ID when it has the
    /// shape of one) before returning it.
    ///
    /// With the tenant's credentials cached this never waits, and a
    /// credential set that already passed is recognised by constant-time
    /// comparison (module `memo`) instead of hashing it again.
    pub async fn verify(&self, headers: &HeaderMap) -> Result<Arc<CurrentTenant>, Rejection> {
        let result = self.check(headers).await;
        if let Err(rejection) = &result {
            log_rejection(headers, rejection);
        }
        result
    }

    async fn check(&self, headers: &HeaderMap) -> Result<Arc<CurrentTenant>, Rejection> {
        let presented = read_headers(headers)?;

        // One clock read serves the cache and the timestamp checks.
        let now = Timestamp::now();
        let tenant = match self.cache.fresh_at(presented.client_id, now) {
            Some(hit) => hit,
            None => self
                .cache
                .refresh(presented.client_id)
                .await
                .map_err(Rejection::Unavailable)?,
        }
        .ok_or(Rejection::Unauthorized(Reason::UnknownClient))?;
        if tenant.credentials.disabled {
            return Err(Rejection::Unauthorized(Reason::TenantDisabled));
        }

        if let Some(remembered) = tenant.verified.find(&presented) {
            // Steps 3 and 4 passed before for these very bytes.
            self.check_time(remembered.expires_at, now)?;
            return match remembered.valid_until_ms {
                Some(until) if now.as_millisecond() >= until => {
                    // The key or secret it passed with has lapsed since.
                    Err(Rejection::Unauthorized(Reason::WrongApiKey))
                }
                _ => Ok(Arc::clone(&tenant.current)),
            };
        }

        self.check_fully(&tenant, &presented, now)?;
        Ok(Arc::clone(&tenant.current))
    }

    /// Every check of DESIGN.md, in its order; remembers a success.
    fn check_fully(
        &self,
        tenant: &CachedTenant,
        presented: &Presented<'_>,
        now: Timestamp,
    ) -> Result<(), Rejection> {
        let credentials = &tenant.credentials;
        let key_until = check_api_key(credentials, presented.client_id, presented.api_key, now)?;
        let secret_until = check_signature(credentials, presented, now)?;

        let expires_at = parse_timestamp(presented.timestamp)
            .map_err(|_| Rejection::Unauthorized(Reason::MalformedTimestamp))?;
        self.check_time(expires_at, now)?;

        let valid_until_ms = match (key_until, secret_until) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        tenant
            .verified
            .remember(presented, expires_at, valid_until_ms);
        Ok(())
    }

    /// `now < T <= now + lifetime + skew`.
    fn check_time(&self, expires_at: Timestamp, now: Timestamp) -> Result<(), Rejection> {
        let (expires_at, now) = (expires_at.as_nanosecond(), now.as_nanosecond());
        if expires_at <= now {
            return Err(Rejection::Unauthorized(Reason::Expired));
        }
        if expires_at > now + self.max_ahead_ns {
            return Err(Rejection::Unauthorized(Reason::TooFarAhead));
        }
        Ok(())
    }
}

fn read_headers(headers: &HeaderMap) -> Result<Presented<'_>, Rejection> {
    // One look-up per header. Sizes are judged over all four first, so an
    // oversized header is 431 whatever else is wrong.
    let mut found: [(Option<&[u8]>, usize); 4] = [(None, 0); 4];
    for (slot, name) in found.iter_mut().zip(&CREDENTIAL_HEADERS) {
        for value in headers.get_all(name) {
            if value.len() > MAX_CREDENTIAL_HEADER_LEN {
                return Err(Rejection::HeadersTooLarge(header_label(name)));
            }
            slot.0.get_or_insert(value.as_bytes());
            slot.1 += 1;
        }
    }

    let mut values: [&[u8]; 4] = [&[]; 4];
    for ((slot, (value, count)), name) in values.iter_mut().zip(found).zip(&CREDENTIAL_HEADERS) {
        let label = header_label(name);
        let value = value.ok_or(Rejection::Unauthorized(Reason::MissingHeader(label)))?;
        if count > 1 {
            return Err(Rejection::Unauthorized(Reason::DuplicateHeader(label)));
        }
        if value.is_empty() || !all_visible_ascii(value) {
            return Err(Rejection::Unauthorized(Reason::MalformedHeader(label)));
        }
        *slot = value;
    }

    let [client_id, api_key, signature, timestamp] = values;
    let client_id = std::str::from_utf8(client_id)
        .ok()
        .filter(|id| is_client_id(id))
        .ok_or(Rejection::Unauthorized(Reason::MalformedClientId))?;
    Ok(Presented {
        client_id,
        api_key,
        signature,
        timestamp,
    })
}

/// Whether every byte is visible ASCII (`!` to `~`). Branch-free, so the
/// compiler vectorises it; it runs over every credential byte of every
/// request.
fn all_visible_ascii(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .fold(true, |ok, &b| ok & (b.wrapping_sub(0x21) < 0x5e))
}

/// The `&'static str` name of one of [`CREDENTIAL_HEADERS`], for logs.
fn header_label(name: &HeaderName) -> &'static str {
    [
        headers::CLIENT_ID,
        headers::API_KEY,
        headers::SIGNATURE,
        headers::TIMESTAMP,
    ]
    .into_iter()
    .find(|label| name == label)
    .unwrap_or("-")
}

/// Checks the API key; answers until when (Unix ms) the matching key works,
/// `None` for the current key.
fn check_api_key(
    credentials: &TenantCredentials,
    client_id: &str,
    api_key: &[u8],
    now: Timestamp,
) -> Result<Option<i64>, Rejection> {
    let wrong = Rejection::Unauthorized(Reason::WrongApiKey);
    // Headers were checked to be ASCII, so this only fails on a bug.
    let api_key =
        std::str::from_utf8(api_key).map_err(|_| Rejection::Unauthorized(Reason::WrongApiKey))?;
    if !is_api_key_for(client_id, api_key) {
        return Err(wrong);
    }

    let digest = digest_api_key(api_key.as_bytes());
    let now_ms = now.as_millisecond();
    let mut matched = None;
    for key in &credentials.api_keys {
        // Every key is compared, so the time taken does not depend on
        // which one matched.
        let live = key.expires_at.is_none_or(|until| now_ms < until);
        if digests_equal(&key.digest, &digest) && live {
            matched = Some(key.expires_at);
        }
    }
    matched.ok_or(wrong)
}

/// Checks the MAC; answers until when (Unix ms) the secret that matched
/// verifies, `None` for the current secret.
fn check_signature(
    credentials: &TenantCredentials,
    presented: &Presented<'_>,
    now: Timestamp,
) -> Result<Option<i64>, Rejection> {
    let tenant_id = &credentials.tenant_id;
    let current = verify(
        presented.signature,
        credentials.secret.expose(),
        presented.timestamp,
        tenant_id,
    );

    match current {
        Ok(()) => return Ok(None),
        Err(SignatureError::Malformed) => {
            return Err(Rejection::Unauthorized(Reason::MalformedSignature));
        }
        // Well-formed: the previous secret may still match.
        Err(SignatureError::Mismatch | SignatureError::BadSalt) => {}
    }

    if let Some((previous, until)) = &credentials.previous_secret {
        let in_overlap = now.as_millisecond() < *until;
        let verified = || {
            verify(
                presented.signature,
                previous.expose(),
                presented.timestamp,
                tenant_id,
            )
            .is_ok()
        };
        // A signature under the previous secret was issued before the
        // rotation, so it cannot expire after the overlap ends.
        let issued_before_rotation =
            || parse_timestamp(presented.timestamp).is_ok_and(|t| t.as_millisecond() <= *until);
        if in_overlap && verified() && issued_before_rotation() {
            return Ok(Some(*until));
        }
    }

    Err(Rejection::Unauthorized(Reason::SignatureMismatch))
}

fn log_rejection(headers: &HeaderMap, rejection: &Rejection) {
    // Only a value with the shape of a client ID is logged, so a hostile
    // header cannot inject text into the log.
    let client_id = headers
        .get(headers::CLIENT_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|id| is_client_id(id))
        .unwrap_or("-");

    match rejection {
        Rejection::Unauthorized(reason) => {
            let header = match reason {
                Reason::MissingHeader(h)
                | Reason::DuplicateHeader(h)
                | Reason::MalformedHeader(h) => *h,
                _ => "-",
            };
            tracing::warn!(
                tenant.client_id = client_id,
                reason = reason.as_str(),
                header,
                "request refused: authentication failed"
            );
        }
        Rejection::HeadersTooLarge(header) => {
            tracing::warn!(
                tenant.client_id = client_id,
                header,
                "request refused: header too large"
            );
        }
        Rejection::Unavailable(_) => {
            // Logged where it becomes a response.
        }
    }
}

#[cfg(test)]
mod tests;
