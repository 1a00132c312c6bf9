//! The HTTP transport under the platform client: hyper's pooled client over
//! rustls (HTTP/1.1, and HTTP/2 where TLS negotiates it).
//!
//! The platform client used `reqwest` first. Measured on one loopback hop
//! (a relay between a client and the platform), reqwest's request building,
//! URL parsing and redirect machinery added about 0.03 ms per call over this
//! client, a sixth of the site's whole budget for its overhead; it offered
//! nothing the site uses that hyper's client lacks (the site follows no
//! redirects, sends no cookies and decodes JSON itself).

use std::{error::Error as _, time::Duration};

use bytes::Bytes;
use http::{Request, StatusCode};
use http_body_util::{BodyExt as _, Full, Limited};
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::{
    client::legacy::{Client, connect::HttpConnector},
    rt::{TokioExecutor, TokioTimer},
};

/// The most of one answer the client reads; the platform's largest pages
/// are a small fraction of it.
const MAX_ANSWER_BYTES: usize = 8 * 1024 * 1024;

/// Why an exchange with the platform failed.
#[derive(Debug)]
pub enum TransportError {
    /// Connecting took longer than the connect timeout.
    ConnectTimeout,
    /// No connection could be made (refused, reset, DNS, TLS): nothing
    /// reached the platform.
    Connect(String),
    /// The request may have reached the platform, but no whole answer came.
    Exchange,
    /// The answer's head came (with this status) but its body broke off.
    Body(StatusCode),
    /// The answer's body was larger than [`MAX_ANSWER_BYTES`].
    TooLarge,
}

/// One pooled client for every call of one site worker.
#[derive(Clone)]
pub struct Transport {
    client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
}

impl Transport {
    /// A transport whose connections open within `connect_timeout` and
    /// stay pooled for `idle_timeout`, at most `max_idle` per host.
    pub fn new(
        connect_timeout: Duration,
        idle_timeout: Duration,
        max_idle: usize,
    ) -> Result<Self, rustls::Error> {
        let mut tcp = HttpConnector::new();
        tcp.set_connect_timeout(Some(connect_timeout));
        tcp.set_nodelay(true);
        // `https_or_http` below decides the scheme; the TCP layer takes both.
        tcp.enforce_http(false);
        let connector = HttpsConnectorBuilder::new()
            .with_provider_and_webpki_roots(rustls::crypto::ring::default_provider())?
            .https_or_http()
            .enable_http1()
            .enable_http2()
            .wrap_connector(tcp);
        let client = Client::builder(TokioExecutor::new())
            .timer(TokioTimer::new())
            .pool_timer(TokioTimer::new())
            .pool_idle_timeout(idle_timeout)
            .pool_max_idle_per_host(max_idle)
            .build(connector);
        Ok(Self { client })
    }

    /// Sends `request` and reads the whole answer.
    pub async fn send(
        &self,
        request: Request<Full<Bytes>>,
    ) -> Result<(StatusCode, Bytes), TransportError> {
        let response = self.client.request(request).await.map_err(|error| {
            if !error.is_connect() {
                TransportError::Exchange
            } else if timed_out(&error) {
                TransportError::ConnectTimeout
            } else {
                TransportError::Connect(describe(&error))
            }
        })?;
        let status = response.status();
        let body = Limited::new(response.into_body(), MAX_ANSWER_BYTES)
            .collect()
            .await
            .map_err(|error| {
                if error.is::<http_body_util::LengthLimitError>() {
                    TransportError::TooLarge
                } else {
                    TransportError::Body(status)
                }
            })?;
        Ok((status, body.to_bytes()))
    }
}

/// Whether an error was caused by a timed-out operation.
fn timed_out(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(error);
    while let Some(error) = cause {
        if let Some(io) = error.downcast_ref::<std::io::Error>()
            && io.kind() == std::io::ErrorKind::TimedOut
        {
            return true;
        }
        cause = error.source();
    }
    false
}

/// The error and its causes in one line, for the log. Connection errors
/// name an address or a TLS problem, never a request's headers.
fn describe(error: &hyper_util::client::legacy::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(error) = cause {
        text.push_str(": ");
        text.push_str(&error.to_string());
        cause = error.source();
    }
    text
}
