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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_credential_header_a_browser_sends_is_removed_and_nothing_else() {
        let mut headers = HeaderMap::new();
        for name in ["x-clientid", "X-Api-Key", "x-signature", "x-timestamp"] {
            headers.insert(
                http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                "forged".parse().unwrap(),
            );
        }
        headers.insert(http::header::ACCEPT, "text/html".parse().unwrap());

        strip_credential_headers(&mut headers);

        let left: Vec<_> = headers.keys().map(|name| name.as_str()).collect();
        assert_eq!(left, ["accept"]);
    }
}
