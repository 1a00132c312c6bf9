//! The platform client: typed calls to the platform API with a tenant's
//! credentials and a cached signature.
//!
//! One pooled HTTP client per site worker (rustls, keep-alive connections;
//! see [`transport`]) serves every tenant. Each call has a connect timeout
//! and a total deadline that covers the signature, every retry and the
//! answer, so a slow platform costs a guest at most the deadline. Retries
//! (with exponential backoff and jitter) happen only where repeating cannot
//! change the outcome: reads, booking creation under its `Idempotency-Key`
//! (the same key on every attempt), and any call whose connection failed
//! before a byte was sent. A `401` drops the signature, fetches a new one
//! and retries once.
//!
//! ```no_run
//! # async fn demo(client: doorstep_site::platform::PlatformClient,
//! #               credentials: doorstep_site::credentials::Credentials) {
//! use doorstep::booking::ListingSearch;
//!
//! let page = client.search_listings(&credentials, &ListingSearch::default()).await;
//! # }
//! ```

mod error;
mod transport;

use std::{sync::Arc, time::Duration};

use bytes::Bytes;
use doorstep::{
    api::{Envelope, ErrorBody, ErrorEnvelope, SignatureRequest, SignatureResponse},
    booking::{
        Booking, BookingLookup, BookingRequest, Calendar, Date, ListingDetail, ListingSearch,
        ListingSummary, Page, PaymentRequest, Quote, QuoteRequest,
    },
    headers,
};
use http::{
    HeaderValue, Method, StatusCode,
    header::{CONTENT_TYPE, USER_AGENT},
};
use http_body_util::Full;
use jiff::Timestamp;
use serde::{Serialize, de::DeserializeOwned};
use tracing::Instrument;

pub use error::PlatformError;
use transport::{Transport, TransportError};

use crate::{
    credentials::{Credentials, Secret},
    ops::metrics::Metrics,
    signature_cache::{CachedSignature, SignatureCache},
};

/// What the site calls itself in its requests to the platform.
const USER_AGENT_VALUE: &str = concat!("doorstep-site/", env!("CARGO_PKG_VERSION"));

/// The header that makes booking creation safe to repeat.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// How the client talks to the platform.
#[derive(Debug, Clone)]
pub struct ClientSettings {
    /// The platform's base URL (`PMS_URL`), without a trailing slash.
    pub base_url: String,
    /// The longest a connection may take to open.
    pub connect_timeout: Duration,
    /// The longest a whole call may take, retries included.
    pub timeout: Duration,
    /// How many times a retryable call is repeated after the first attempt.
    pub retries: u32,
    /// The first backoff; each further one doubles.
    pub backoff: Duration,
    /// How long before expiry a signature is replaced.
    pub refresh_margin: Duration,
}

impl ClientSettings {
    /// Defaults for a platform at `base_url`.
    pub fn new(base_url: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into().trim_end_matches('/').to_string(),
            connect_timeout: Duration::from_secs(2),
            timeout: Duration::from_secs(5),
            retries: 2,
            backoff: Duration::from_millis(50),
            refresh_margin: Duration::from_secs(300),
        }
    }
}

/// Whether a call may be repeated after it reached the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Repeat {
    /// Repeating cannot change the outcome (a read, or a write under an
    /// idempotency key).
    Safe,
    /// Only if the first attempt never reached the platform.
    OnlyUnsent,
}

/// One platform request, kept whole so every attempt sends the same bytes.
struct Call {
    method: Method,
    path: String,
    query: Option<String>,
    body: Option<Bytes>,
    idempotency_key: Option<String>,
    repeat: Repeat,
    /// Whether the call needs a signature (every call but issuing one).
    signed: bool,
}

impl Call {
    fn get(path: String) -> Self {
        Self {
            method: Method::GET,
            path,
            query: None,
            body: None,
            idempotency_key: None,
            repeat: Repeat::Safe,
            signed: true,
        }
    }

    fn post(path: String, body: &impl Serialize, repeat: Repeat) -> Self {
        Self {
            method: Method::POST,
            body: Some(
                serde_json::to_vec(body)
                    .expect("wire types serialize")
                    .into(),
            ),
            repeat,
            ..Self::get(path)
        }
    }

    fn with_query(mut self, query: &impl Serialize) -> Self {
        let encoded = serde_urlencoded::to_string(query).expect("wire types serialize");
        self.query = (!encoded.is_empty()).then_some(encoded);
        self
    }
}

/// The platform API client of one site worker, shared by all tenants (the
/// signature cache behind it is shared by every worker of the process).
#[derive(Clone)]
pub struct PlatformClient {
    http: Transport,
    settings: Arc<ClientSettings>,
    cache: Arc<SignatureCache>,
    metrics: Arc<Metrics>,
}

impl PlatformClient {
    /// A client for the platform at `settings.base_url`, caching signatures
    /// in `cache`.
    pub fn new(
        settings: ClientSettings,
        cache: Arc<SignatureCache>,
        metrics: Arc<Metrics>,
    ) -> Result<Self, rustls::Error> {
        // The total deadline is the one `call` puts around all attempts.
        // Redirects are never followed: they would carry the credential
        // headers to wherever the platform points.
        let http = Transport::new(settings.connect_timeout, Duration::from_secs(90), 64)?;
        Ok(Self {
            http,
            settings: Arc::new(settings),
            cache,
            metrics,
        })
    }

    /// The signature cache the client uses.
    pub fn cache(&self) -> &SignatureCache {
        &self.cache
    }

    /// Whether the platform answers at all (for `/readyz`): any HTTP answer
    /// to `HEAD /openapi.json` within a second counts. `HEAD`, so a probe
    /// every few seconds does not download the API document each time.
    pub async fn is_reachable(&self) -> bool {
        let Ok(request) = http::Request::head(format!("{}/openapi.json", self.settings.base_url))
            .header(USER_AGENT, USER_AGENT_VALUE)
            .body(Full::default())
        else {
            return false;
        };
        let answer = tokio::time::timeout(Duration::from_secs(1), self.http.send(request)).await;
        matches!(answer, Ok(Ok((status, _))) if !status.is_server_error())
    }

    /// `GET /v1/clients/listings`.
    pub async fn search_listings(
        &self,
        credentials: &Credentials,
        search: &ListingSearch,
    ) -> Result<Page<ListingSummary>, PlatformError> {
        let call = Call::get("/v1/clients/listings".into()).with_query(search);
        self.call(credentials, call).await
    }

    /// `GET /v1/clients/listings/{idOrSlug}`.
    pub async fn listing(
        &self,
        credentials: &Credentials,
        id_or_slug: &str,
    ) -> Result<ListingDetail, PlatformError> {
        let call = Call::get(format!("/v1/clients/listings/{}", segment(id_or_slug)));
        self.call(credentials, call).await
    }

    /// `GET /v1/clients/listings/{id}/calendar?from&to`.
    pub async fn calendar(
        &self,
        credentials: &Credentials,
        listing_id: &str,
        from: Date,
        to: Date,
    ) -> Result<Calendar, PlatformError> {
        #[derive(Serialize)]
        struct Range {
            from: Date,
            to: Date,
        }
        let path = format!("/v1/clients/listings/{}/calendar", segment(listing_id));
        let call = Call::get(path).with_query(&Range { from, to });
        self.call(credentials, call).await
    }

    /// `POST /v1/clients/quotes`.
    pub async fn quote(
        &self,
        credentials: &Credentials,
        request: &QuoteRequest,
    ) -> Result<Quote, PlatformError> {
        let call = Call::post("/v1/clients/quotes".into(), request, Repeat::OnlyUnsent);
        self.call(credentials, call).await
    }

    /// `POST /v1/clients/bookings` with `Idempotency-Key: idempotency_key`.
    /// Every attempt carries the same key, so a retry after a lost answer
    /// returns the booking the first attempt made instead of a second one.
    pub async fn create_booking(
        &self,
        credentials: &Credentials,
        idempotency_key: &str,
        request: &BookingRequest,
    ) -> Result<Booking, PlatformError> {
        let mut call = Call::post("/v1/clients/bookings".into(), request, Repeat::Safe);
        call.idempotency_key = Some(idempotency_key.to_string());
        self.call(credentials, call).await
    }

    /// `POST /v1/clients/bookings/{id}/payments`. Never repeated once sent:
    /// a card must not be charged twice.
    pub async fn pay(
        &self,
        credentials: &Credentials,
        booking_id: &str,
        request: &PaymentRequest,
    ) -> Result<Booking, PlatformError> {
        let path = format!("/v1/clients/bookings/{}/payments", segment(booking_id));
        let call = Call::post(path, request, Repeat::OnlyUnsent);
        self.call(credentials, call).await
    }

    /// `POST /v1/clients/bookings/lookup`: a read, so it may be repeated.
    pub async fn lookup_booking(
        &self,
        credentials: &Credentials,
        lookup: &BookingLookup,
    ) -> Result<Booking, PlatformError> {
        let call = Call::post("/v1/clients/bookings/lookup".into(), lookup, Repeat::Safe);
        self.call(credentials, call).await
    }

    /// `POST /v1/clients/bookings/cancel`.
    pub async fn cancel_booking(
        &self,
        credentials: &Credentials,
        lookup: &BookingLookup,
    ) -> Result<Booking, PlatformError> {
        let call = Call::post(
            "/v1/clients/bookings/cancel".into(),
            lookup,
            Repeat::OnlyUnsent,
        );
        self.call(credentials, call).await
    }

    /// A signature for `credentials`, from the cache or freshly issued.
    pub async fn signature(
        &self,
        credentials: &Credentials,
    ) -> Result<CachedSignature, PlatformError> {
        self.cache
            .get(credentials, || self.issue_signature(credentials))
            .await
    }

    /// `POST /auth/signature`: always asks the platform (the cache decides
    /// when).
    pub async fn issue_signature(
        &self,
        credentials: &Credentials,
    ) -> Result<CachedSignature, PlatformError> {
        let body = SignatureRequest {
            client_id: credentials.client_id.as_str().to_string(),
        };
        let mut call = Call::post("/auth/signature".into(), &body, Repeat::Safe);
        call.signed = false;

        // Its own deadline too, for callers outside `call`.
        let issued: SignatureResponse = tokio::time::timeout(
            self.settings.timeout,
            self.attempts(credentials, None, &call),
        )
        .await
        .unwrap_or(Err(PlatformError::Timeout))?;
        CachedSignature::from_issued(
            Secret::new(issued.signature),
            issued.expires_at,
            Timestamp::now(),
            self.settings.refresh_margin,
        )
        .map_err(|error| PlatformError::BadResponse(error.to_string()))
    }

    /// Runs `call` under the total deadline, with the 401 rule, and records
    /// the outcome in the metrics.
    async fn call<T: DeserializeOwned>(
        &self,
        credentials: &Credentials,
        call: Call,
    ) -> Result<T, PlatformError> {
        let started = std::time::Instant::now();
        let span = tracing::info_span!(
            "platform.call",
            http.method = %call.method,
            url.path = %call.path,
        );
        let result = tokio::time::timeout(self.settings.timeout, self.signed(credentials, &call))
            .instrument(span)
            .await
            .unwrap_or(Err(PlatformError::Timeout));

        let elapsed = started.elapsed();
        self.metrics
            .platform_duration
            .observe(elapsed.as_secs_f64());
        if let Err(error) = &result {
            self.metrics.platform_error(error.kind());
        }
        result
    }

    /// Sends `call` with a cached signature; on `401` drops it, fetches a
    /// new one and sends once more.
    async fn signed<T: DeserializeOwned>(
        &self,
        credentials: &Credentials,
        call: &Call,
    ) -> Result<T, PlatformError> {
        let signature = self.signature(credentials).await?;
        match self.attempts(credentials, Some(&signature), call).await {
            Err(PlatformError::Unauthorized) => {
                tracing::warn!("the platform refused a cached signature; refreshing once");
                self.cache
                    .invalidate(&credentials.client_id, &signature)
                    .await;
                let signature = self.signature(credentials).await?;
                self.attempts(credentials, Some(&signature), call).await
            }
            other => other,
        }
    }

    /// Sends `call` and repeats it while that is safe and useful.
    async fn attempts<T: DeserializeOwned>(
        &self,
        credentials: &Credentials,
        signature: Option<&CachedSignature>,
        call: &Call,
    ) -> Result<T, PlatformError> {
        let mut attempt = 0;
        loop {
            let result = self.send(credentials, signature, call).await;
            let Err(error) = &result else { return result };

            let repeatable = match call.repeat {
                Repeat::Safe => error.is_transient(),
                Repeat::OnlyUnsent => matches!(error, PlatformError::Unreachable(_)),
            };
            if !repeatable || attempt >= self.settings.retries {
                return result;
            }
            let backoff = self.settings.backoff * 2u32.pow(attempt);
            let jitter = getrandom::u64().unwrap_or(0) % (backoff.as_micros() as u64 / 2 + 1);
            tracing::debug!(error = %error, attempt, "retrying a platform call");
            tokio::time::sleep(backoff + Duration::from_micros(jitter)).await;
            attempt += 1;
        }
    }

    /// One attempt.
    async fn send<T: DeserializeOwned>(
        &self,
        credentials: &Credentials,
        signature: Option<&CachedSignature>,
        call: &Call,
    ) -> Result<T, PlatformError> {
        let mut url = format!("{}{}", self.settings.base_url, call.path);
        if let Some(query) = &call.query {
            url.push('?');
            url.push_str(query);
        }

        let mut request = http::Request::builder()
            .method(call.method.clone())
            .uri(url)
            .header(USER_AGENT, USER_AGENT_VALUE)
            .header(headers::CLIENT_ID, credentials.client_id.as_str())
            .header(headers::API_KEY, sensitive(credentials.api_key.expose())?);
        if let (Some(signature), true) = (signature, call.signed) {
            request = request
                .header(headers::SIGNATURE, sensitive(signature.signature.expose())?)
                .header(headers::TIMESTAMP, sensitive(&signature.timestamp)?);
        }
        if let Some(key) = &call.idempotency_key {
            request = request.header(IDEMPOTENCY_KEY, key);
        }
        let body = match &call.body {
            Some(body) => {
                request = request.header(CONTENT_TYPE, "application/json");
                Full::new(body.clone())
            }
            None => Full::default(),
        };
        let request = request.body(body).map_err(|_| {
            PlatformError::BadResponse("the platform request could not be built".into())
        })?;

        let (status, body) = self.http.send(request).await.map_err(|error| match error {
            TransportError::ConnectTimeout => PlatformError::Timeout,
            TransportError::Connect(description) => PlatformError::Unreachable(description),
            TransportError::Exchange => PlatformError::Failed(StatusCode::BAD_GATEWAY),
            TransportError::Body(status) => PlatformError::Failed(status),
            TransportError::TooLarge => {
                PlatformError::BadResponse("the answer is larger than any the API gives".into())
            }
        })?;
        decode(status, &body)
    }
}

/// Describes a body that did not match its type by where and how, never by
/// the values serde would quote (a guest's name or e-mail, say), since the
/// description ends up in the log.
fn shape_error(error: &serde_json::Error) -> String {
    format!(
        "{:?} error at line {}, column {}",
        error.classify(),
        error.line(),
        error.column()
    )
}

/// Reads an answer: the `data` of a success, or the failure it describes.
fn decode<T: DeserializeOwned>(status: StatusCode, body: &[u8]) -> Result<T, PlatformError> {
    if status.is_success() {
        // Checking the UTF-8 once for the whole body is much cheaper than
        // serde_json checking it string by string.
        let text = std::str::from_utf8(body)
            .map_err(|_| PlatformError::BadResponse("the body is not UTF-8".into()))?;
        return serde_json::from_str::<Envelope<T>>(text)
            .map(|envelope| envelope.data)
            .map_err(|error| PlatformError::BadResponse(shape_error(&error)));
    }
    match status {
        StatusCode::UNAUTHORIZED => Err(PlatformError::Unauthorized),
        StatusCode::NOT_FOUND => Err(PlatformError::NotFound),
        StatusCode::TOO_MANY_REQUESTS => Err(PlatformError::RateLimited),
        status if status.is_client_error() => {
            let body = serde_json::from_slice::<ErrorEnvelope>(body)
                .map(|envelope| envelope.error)
                .unwrap_or_else(|_| ErrorBody {
                    code: "unknown".into(),
                    message: "The request was refused.".into(),
                    fields: None,
                });
            Err(PlatformError::Rejected { status, body })
        }
        status => Err(PlatformError::Failed(status)),
    }
}

/// Whether `value` may name a listing or booking in a platform path:
/// 1–128 letters, digits, `-` and `_`.
pub fn is_valid_id(value: &str) -> bool {
    (1..=128).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A header value marked sensitive, so HTTP tracing never prints it.
fn sensitive(value: &str) -> Result<HeaderValue, PlatformError> {
    let mut header = HeaderValue::from_str(value).map_err(|_| {
        PlatformError::BadResponse("a credential is not a valid header value".into())
    })?;
    header.set_sensitive(true);
    Ok(header)
}

/// Percent-encodes one path segment, so an ID from a guest cannot add path
/// segments or a query to a platform URL. Dots are encoded too, though URL
/// parsing still reads `%2E%2E` as `..`: callers accept only IDs of
/// letters, digits, `-` and `_` (see [`is_valid_id`]).
fn segment(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_cannot_escape_their_place() {
        assert_eq!(segment("villa-1"), "villa-1");
        assert_eq!(segment("../me?x=1"), "%2E%2E%2Fme%3Fx%3D1");
        assert!(is_valid_id("villa-1_b"));
        assert!(!is_valid_id(".."));
        assert!(!is_valid_id(""));
    }

    #[test]
    fn an_error_envelope_becomes_a_rejection_with_its_code() {
        let body = br#"{"error":{"code":"validation_failed","message":"Bad dates.","fields":{"checkIn":"in the past"}}}"#;

        let error = decode::<()>(StatusCode::UNPROCESSABLE_ENTITY, body).unwrap_err();

        let PlatformError::Rejected { body, .. } = error else {
            panic!("{error:?}")
        };
        assert_eq!(body.code, "validation_failed");
        assert_eq!(body.fields.unwrap()["checkIn"], "in the past");
    }

    #[test]
    fn an_unreadable_success_is_a_bad_response_not_a_panic() {
        let error = decode::<Page<ListingSummary>>(StatusCode::OK, b"<html>").unwrap_err();

        assert_eq!(error.kind(), "bad_response");
    }

    #[test]
    fn a_mismatched_body_is_described_without_the_values_it_held() {
        let body = br#"{"data": {"items": "guest@example.com"}}"#;

        let error = decode::<Page<ListingSummary>>(StatusCode::OK, body).unwrap_err();

        assert_eq!(error.kind(), "bad_response");
        let PlatformError::BadResponse(description) = error else {
            unreachable!("checked above")
        };
        assert!(!description.contains("guest@example.com"), "{description}");
        assert!(description.contains("line 1"), "{description}");
    }
}
