//! Web security of the site: response headers with a CSP nonce, cross-site
//! protection of server functions, per-address rate limits, and the
//! stripping of credential headers a browser may send.

pub mod client_addr;
pub mod cross_site;
pub mod headers;
pub mod random;
pub mod rate_limit;

use axum::{extract::Request, middleware::Next, response::Response};

/// Middleware: removes any platform credential header from an incoming
/// request. The site never forwards a browser's headers to the platform,
/// but stripping them here means no later code can be tempted to, and no
/// log line can print one.
pub async fn strip_credential_headers(mut request: Request, next: Next) -> Response {
    let headers = request.headers_mut();
    headers.remove(doorstep::headers::CLIENT_ID);
    for name in doorstep::headers::CREDENTIAL_HEADERS {
        headers.remove(name);
    }
    next.run(request).await
}
