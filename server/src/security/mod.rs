//! Web security of the site: response headers with a CSP nonce, cross-site
//! protection of server functions, per-address rate limits, and the
//! stripping of credential headers a browser may send.

pub mod client_addr;
pub mod cross_site;
pub mod headers;
pub mod random;
pub mod rate_limit;

use http::HeaderMap;

/// Removes any platform credential header from an incoming request's
/// headers. The site never forwards a browser's headers to the platform,
/// but stripping them first means no later code can be tempted to, and no
/// log line can print one.
pub fn strip_credential_headers(headers: &mut HeaderMap) {
    headers.remove(doorstep::headers::CLIENT_ID);
    for name in doorstep::headers::CREDENTIAL_HEADERS {
        headers.remove(name);
    }
}
