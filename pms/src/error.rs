//! The one error type of the platform API and its JSON envelope.
//!
//! Every handler returns `Result<_, ApiError>`, and every failure reaches the
//! client as `{"error": {"code", "message", "fields"?}}` with a matching
//! status. Internal causes are logged once, here, and never sent: the body
//! of a 500 says nothing about what broke.

use std::borrow::Cow;
use std::collections::BTreeMap;

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use doorstep::api::{ErrorBody, ErrorEnvelope, codes};

/// A failure as the client will see it.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: Cow<'static, str>,
    fields: Option<BTreeMap<String, String>>,
    retry_after_secs: Option<u64>,
}

impl ApiError {
    /// Any status, code and message. Prefer the named constructors.
    pub fn new(
        status: StatusCode,
        code: &'static str,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            fields: None,
            retry_after_secs: None,
        }
    }

    /// 401 with the one body every authentication failure shares, so a
    /// caller learns nothing about which check failed.
    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            codes::UNAUTHORIZED,
            "missing or invalid credentials",
        )
    }

    /// 400: the request could not be read.
    pub fn bad_request(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, codes::BAD_REQUEST, message)
    }

    /// 404: nothing of that kind for this tenant.
    pub fn not_found(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::NOT_FOUND, codes::NOT_FOUND, message)
    }

    /// 409: the request conflicts with the current state.
    pub fn conflict(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::CONFLICT, codes::CONFLICT, message)
    }

    /// 422 with the offending fields (camelCase names, as sent) and what is
    /// wrong with each.
    pub fn validation(fields: BTreeMap<String, String>) -> Self {
        let mut error = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            codes::VALIDATION_FAILED,
            "some fields are invalid",
        );
        error.fields = Some(fields);
        error
    }

    /// 422 for a single field.
    pub fn invalid_field(field: &str, problem: impl Into<String>) -> Self {
        Self::validation(BTreeMap::from([(field.to_owned(), problem.into())]))
    }

    /// 429 with a `Retry-After` of at least one second.
    pub fn rate_limited(retry_after_secs: u64) -> Self {
        let mut error = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            codes::RATE_LIMITED,
            "too many requests",
        );
        error.retry_after_secs = Some(retry_after_secs.max(1));
        error
    }

    /// 431: a header, or all of them together, are too large.
    pub fn headers_too_large() -> Self {
        Self::new(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            codes::HEADERS_TOO_LARGE,
            "request headers are too large",
        )
    }

    /// Why a request body could not be read: 413 when it is over
    /// `limit`, 408 when it did not arrive within the body timeout (or
    /// broke off).
    pub fn unreadable_body(error: &(dyn std::error::Error + 'static)) -> Self {
        let mut cause = Some(error);
        while let Some(error) = cause {
            if error.is::<http_body_util::LengthLimitError>() {
                return Self::payload_too_large();
            }
            cause = error.source();
        }
        Self::new(
            StatusCode::REQUEST_TIMEOUT,
            codes::REQUEST_TIMEOUT,
            "the request body did not arrive in time",
        )
    }

    /// 413: the body is too large.
    pub fn payload_too_large() -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            codes::PAYLOAD_TOO_LARGE,
            "request body is too large",
        )
    }

    /// 503: a dependency (the database) failed; logged here with its cause.
    pub fn unavailable(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "dependency unavailable");
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            codes::UNAVAILABLE,
            "service temporarily unavailable",
        )
    }

    /// 500; the cause is logged here and not sent.
    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            codes::INTERNAL,
            "internal error",
        )
    }

    /// The HTTP status this error answers with.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The machine-readable code.
    pub fn code(&self) -> &'static str {
        self.code
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.status.as_u16(),
            self.code,
            self.message
        )
    }
}

impl std::error::Error for ApiError {}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorEnvelope {
            error: ErrorBody {
                code: self.code.to_owned(),
                message: self.message.into_owned(),
                fields: self.fields,
            },
        };
        let mut response = (self.status, Json(body)).into_response();

        if let Some(secs) = self.retry_after_secs {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        match error {
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                Self::unavailable(&error)
            }
            // Contention that outlasted the wait (SQLite busy/locked,
            // PostgreSQL serialization failure or deadlock) is transient:
            // 503, so the client may retry, not 500.
            sqlx::Error::Database(ref e)
                if e.code().is_some_and(|c| {
                    matches!(
                        c.as_ref(),
                        "5" | "6" | "261" | "517" | "40001" | "40P01" | "55P03"
                    )
                }) =>
            {
                Self::unavailable(&error)
            }
            other => Self::internal(&other),
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        Self::bad_request(rejection.body_text())
    }
}

/// Answers unknown paths with the error envelope instead of an empty 404.
pub async fn not_found_fallback() -> ApiError {
    ApiError::not_found("no such endpoint")
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn body_json(response: Response) -> serde_json::Value {
        let bytes = axum::body::to_bytes(response.into_body(), 4096)
            .await
            .unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }

    #[tokio::test]
    async fn validation_errors_carry_their_fields() {
        let response = ApiError::invalid_field("checkIn", "must be a date").into_response();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            body_json(response).await,
            serde_json::json!({"error": {
                "code": "validation_failed",
                "message": "some fields are invalid",
                "fields": {"checkIn": "must be a date"}
            }})
        );
    }

    #[tokio::test]
    async fn rate_limited_errors_say_when_to_retry() {
        let response = ApiError::rate_limited(0).into_response();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers()[header::RETRY_AFTER], "1");
    }

    #[tokio::test]
    async fn internal_errors_do_not_reveal_their_cause() {
        let response = ApiError::internal(&"password=hunter2").into_response();
        let body = body_json(response).await.to_string();
        assert!(!body.contains("hunter2"));
    }
}
