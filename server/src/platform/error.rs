//! Failures of platform calls, and what a guest is told about them.

use doorstep::api::ErrorBody;
use doorstep_app::platform::{REJECTION_STATUSES, SiteError};
use http::StatusCode;

/// Why a platform call failed. The `Display` text is for the server's log:
/// it may name a status or a connection problem, never a credential (none
/// is ever put into one). Guests see [`PlatformError::to_site_error`].
#[derive(Debug, Clone, thiserror::Error)]
pub enum PlatformError {
    /// No answer within the call's deadline.
    #[error("the platform did not answer in time")]
    Timeout,
    /// The connection failed (refused, reset, DNS).
    #[error("the platform is unreachable: {0}")]
    Unreachable(String),
    /// The platform answered 5xx.
    #[error("the platform failed with status {0}")]
    Failed(StatusCode),
    /// The platform refused the credentials or the signature, even after a
    /// fresh signature: a configuration problem (wrong key, disabled tenant).
    #[error("the platform refused this tenant's credentials")]
    Unauthorized,
    /// 404 for this tenant.
    #[error("the platform has no such resource")]
    NotFound,
    /// 429 from the platform.
    #[error("the platform rate-limited this site")]
    RateLimited,
    /// Another 4xx, with the platform's explanation.
    #[error("the platform rejected the request ({status}, {})", .body.code)]
    Rejected {
        /// The status it answered with.
        status: StatusCode,
        /// Its error envelope.
        body: ErrorBody,
    },
    /// The answer was not what the API describes.
    #[error("the platform's answer could not be read: {0}")]
    BadResponse(String),
}

impl PlatformError {
    /// A short name for metrics and logs.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Timeout => "timeout",
            Self::Unreachable(_) => "unreachable",
            Self::Failed(_) => "failed",
            Self::Unauthorized => "unauthorized",
            Self::NotFound => "not_found",
            Self::RateLimited => "rate_limited",
            Self::Rejected { .. } => "rejected",
            Self::BadResponse(_) => "bad_response",
        }
    }

    /// Whether the same request may succeed if sent again soon: the
    /// platform was unreachable or said it was temporarily unable.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Unreachable(_) => true,
            Self::Failed(status) => matches!(
                *status,
                StatusCode::BAD_GATEWAY
                    | StatusCode::SERVICE_UNAVAILABLE
                    | StatusCode::GATEWAY_TIMEOUT
            ),
            _ => false,
        }
    }

    /// Whether this is the guest's doing (or nobody's) rather than a fault
    /// of the site or the platform; decides the log level.
    pub fn is_guest_facing(&self) -> bool {
        matches!(self, Self::NotFound | Self::Rejected { .. })
    }

    /// What a guest is told. Only 402, 409, 410 and 422 pass the platform's
    /// sentence (and status) on: those explain something the guest can
    /// change ("the card was declined", "those dates are no longer
    /// available", "the quote has expired"); everything else becomes a
    /// generic message.
    pub fn to_site_error(&self) -> SiteError {
        match self {
            Self::NotFound => SiteError::NotFound,
            Self::RateLimited => SiteError::TooManyRequests,
            Self::Rejected { status, body } if REJECTION_STATUSES.contains(&status.as_u16()) => {
                SiteError::Rejected {
                    status: status.as_u16(),
                    code: body.code.clone(),
                    message: body.message.clone(),
                    fields: body.fields.clone().unwrap_or_default(),
                }
            }
            Self::Rejected { .. } => {
                SiteError::bad_input("The booking system could not accept that request.")
            }
            Self::Timeout
            | Self::Unreachable(_)
            | Self::Failed(_)
            | Self::Unauthorized
            | Self::BadResponse(_) => SiteError::Unavailable,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_credential_looks_like_an_outage_to_a_guest() {
        assert_eq!(
            PlatformError::Unauthorized.to_site_error(),
            SiteError::Unavailable
        );
    }

    fn rejected(status: StatusCode, code: &str, message: &str) -> PlatformError {
        PlatformError::Rejected {
            status,
            body: ErrorBody {
                code: code.into(),
                message: message.into(),
                fields: None,
            },
        }
    }

    #[test]
    fn refusals_a_guest_can_act_on_pass_the_platforms_sentence_and_status_on() {
        let cases = [
            (402, "card_declined", "The card was declined."),
            (
                409,
                "dates_unavailable",
                "The dates are no longer available.",
            ),
            (409, "hold_expired", "The hold on these dates has expired."),
            (410, "quote_expired", "The quote has expired."),
            (422, "over_capacity", "The listing sleeps at most 4."),
        ];

        for (status, code, message) in cases {
            let error = rejected(StatusCode::from_u16(status).unwrap(), code, message);

            let shown = error.to_site_error();

            assert_eq!(shown.to_string(), message, "{code}");
            assert_eq!(shown.status(), status, "{code}");
        }
    }

    #[test]
    fn other_refusals_are_the_sites_fault_and_stay_generic() {
        let error = rejected(
            StatusCode::BAD_REQUEST,
            "idempotency_key_required",
            "Idempotency-Key is required.",
        );

        let shown = error.to_site_error();

        assert_eq!(shown.status(), 400);
        assert!(!shown.to_string().contains("Idempotency"));
    }

    #[test]
    fn only_gateway_failures_and_unreachable_are_retried() {
        assert!(PlatformError::Unreachable("refused".into()).is_transient());
        assert!(PlatformError::Failed(StatusCode::SERVICE_UNAVAILABLE).is_transient());
        assert!(!PlatformError::Failed(StatusCode::INTERNAL_SERVER_ERROR).is_transient());
        assert!(!PlatformError::Timeout.is_transient());
    }
}
