//! Request and response bodies of the platform API.
//!
//! Every successful response is `{"data": …}` ([`Envelope`]) and every
//! failure is `{"error": {"code", "message", "fields"?}}` ([`ErrorEnvelope`]).
//! Field names are camelCase on the wire, as in the article the protocol
//! comes from, so the types carry `#[serde(rename_all = "camelCase")]`.
//!
//! ```
//! use doorstep::api::{Envelope, SignatureResponse};
//!
//! let body = r#"{"data":{"signature":"salt.mac","expiresAt":"2030-01-01T00:00:00Z"}}"#;
//! let parsed: Envelope<SignatureResponse> = serde_json::from_str(body).unwrap();
//! assert_eq!(parsed.data.expires_at, "2030-01-01T00:00:00Z");
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The wrapper around every successful response body: `{"data": …}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope<T> {
    /// The response itself.
    pub data: T,
}

impl<T> Envelope<T> {
    /// Wraps `data` for the wire.
    pub fn new(data: T) -> Self {
        Self { data }
    }
}

/// The wrapper around every error response body: `{"error": {…}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorEnvelope {
    /// What went wrong.
    pub error: ErrorBody,
}

/// What went wrong, in a form a program can branch on (`code`) and a person
/// can read (`message`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// A stable, machine-readable code; see [`codes`] for the shared ones.
    pub code: String,
    /// A sentence for a person. Never contains a secret or a guest's details.
    pub message: String,
    /// For validation failures: the offending request field (camelCase, as
    /// sent) mapped to what is wrong with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<BTreeMap<String, String>>,
}

/// Error codes every part of the platform API may answer. A domain may add
/// its own codes; clients treat an unknown code by its HTTP status.
pub mod codes {
    /// 400: the request could not be read (bad JSON, wrong content type).
    pub const BAD_REQUEST: &str = "bad_request";
    /// 401: credentials or signature missing or invalid. Deliberately says
    /// nothing about which check failed.
    pub const UNAUTHORIZED: &str = "unauthorized";
    /// 404: no such resource for this tenant.
    pub const NOT_FOUND: &str = "not_found";
    /// 409: the request conflicts with the current state.
    pub const CONFLICT: &str = "conflict";
    /// 408: the request body did not arrive in time.
    pub const REQUEST_TIMEOUT: &str = "request_timeout";
    /// 413: the request body is too large.
    pub const PAYLOAD_TOO_LARGE: &str = "payload_too_large";
    /// 422: the request was read but some fields are invalid; see `fields`.
    pub const VALIDATION_FAILED: &str = "validation_failed";
    /// 429: too many requests; retry after the `Retry-After` header.
    pub const RATE_LIMITED: &str = "rate_limited";
    /// 431: request headers too large.
    pub const HEADERS_TOO_LARGE: &str = "headers_too_large";
    /// 500: the platform failed; the details are in its log, not here.
    pub const INTERNAL: &str = "internal";
    /// 503: the platform cannot serve the request right now.
    pub const UNAVAILABLE: &str = "unavailable";
}

/// Body of `POST /auth/signature`. The client ID must equal the
/// `x-clientid` header when sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignatureRequest {
    /// The tenant's client ID.
    pub client_id: String,
}

/// Answer of `POST /auth/signature`, inside the `data` envelope.
///
/// Both fields are sent back verbatim: `signature` as `x-signature` and
/// `expires_at` as `x-timestamp`. `expires_at` stays a string because the MAC
/// covers its exact bytes; re-formatting it breaks the signature.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignatureResponse {
    /// `<salt>.<mac>`. Secret while it is valid.
    pub signature: String,
    /// RFC 3339 UTC with a `Z` suffix, up to nanoseconds.
    pub expires_at: String,
}

impl std::fmt::Debug for SignatureResponse {
    /// Leaves the signature out, so a stray `{:?}` cannot leak it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignatureResponse")
            .field("signature", &"<redacted>")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// Answer of `GET /v1/clients/me`: the authenticated tenant's profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientProfile {
    /// The tenant's public client ID.
    pub client_id: String,
    /// The property manager's display name.
    pub name: String,
    /// Default currency, ISO 4217 (`EUR`).
    pub currency: String,
    /// Default locale, BCP 47 (`en-GB`).
    pub locale: String,
    /// IANA time zone (`Europe/Lisbon`).
    pub time_zone: String,
    /// How guests reach the property manager.
    pub contact: ContactDetails,
}

/// A tenant's public contact details. Every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactDetails {
    /// Contact e-mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Contact phone number, as the tenant wrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// The tenant's website.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn signature_types_use_camel_case_on_the_wire() {
        let request = SignatureRequest {
            client_id: "abc".into(),
        };
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            json!({"clientId": "abc"})
        );

        let response = Envelope::new(SignatureResponse {
            signature: "s.m".into(),
            expires_at: "2030-01-01T00:00:00Z".into(),
        });
        assert_eq!(
            serde_json::to_value(&response).unwrap(),
            json!({"data": {"signature": "s.m", "expiresAt": "2030-01-01T00:00:00Z"}})
        );
    }

    #[test]
    fn error_envelope_leaves_out_fields_when_there_are_none() {
        let error = ErrorEnvelope {
            error: ErrorBody {
                code: codes::UNAUTHORIZED.into(),
                message: "no".into(),
                fields: None,
            },
        };
        assert_eq!(
            serde_json::to_value(&error).unwrap(),
            json!({"error": {"code": "unauthorized", "message": "no"}})
        );
    }

    #[test]
    fn signature_response_debug_output_hides_the_signature() {
        let response = SignatureResponse {
            signature: "secret-salt.secret-mac".into(),
            expires_at: "2030-01-01T00:00:00Z".into(),
        };
        assert!(!format!("{response:?}").contains("secret"));
    }

    #[test]
    fn client_profile_round_trips_in_camel_case() {
        let profile = ClientProfile {
            client_id: "c".into(),
            name: "n".into(),
            currency: "EUR".into(),
            locale: "en-GB".into(),
            time_zone: "Europe/Lisbon".into(),
            contact: ContactDetails {
                email: Some("a@b.c".into()),
                ..Default::default()
            },
        };
        let value = serde_json::to_value(&profile).unwrap();
        assert_eq!(value["timeZone"], "Europe/Lisbon");
        assert_eq!(value["contact"], json!({"email": "a@b.c"}));
        assert_eq!(
            serde_json::from_value::<ClientProfile>(value).unwrap(),
            profile
        );
    }
}
