//! Refusing cross-site calls of server functions.
//!
//! Every server function is a public endpoint, and a browser visiting
//! another site can be made to POST to it with the guest's cookies. Modern
//! browsers say where a request comes from: `Sec-Fetch-Site`, and `Origin` on
//! every POST. A state-changing request is refused when either says it came
//! from another site. A request with neither header is not from a browser
//! (`curl`, a monitoring probe), so it cannot be a forgery riding on a
//! guest's browser and is let through. This is the rule Go's
//! `http.CrossOriginProtection` applies.

use axum::response::{IntoResponse, Response};
use http::{HeaderMap, Method, StatusCode, header};

/// Whether a request with these headers is from this site (or not from a
/// browser at all). `host` is the host the guest asked for: `Host`, or what
/// a trusted proxy says in `X-Forwarded-Host`.
pub fn is_same_site(method: &Method, headers: &HeaderMap, host: Option<&str>) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return true;
    }
    if let Some(site) = headers.get("sec-fetch-site") {
        return matches!(site.as_bytes(), b"same-origin" | b"none");
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let host = host.map(str::as_bytes);
    let origin_host = origin
        .to_str()
        .ok()
        .and_then(|origin| origin.split_once("://"))
        .map(|(_, rest)| rest.as_bytes());
    matches!((origin_host, host), (Some(a), Some(b)) if a.eq_ignore_ascii_case(b))
}

/// The 403 to answer a cross-site state-changing request with; `None` for
/// a request that may go on.
pub fn cross_site_refusal(
    method: &Method,
    headers: &HeaderMap,
    host: Option<&str>,
) -> Option<Response> {
    if is_same_site(method, headers, host) {
        return None;
    }
    tracing::warn!("refused a cross-site server function call");
    Some((StatusCode::FORBIDDEN, "Cross-site request refused.").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOST: &str = "bali.localhost:3000";

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(k, v)| {
                (
                    http::HeaderName::from_static(k),
                    http::HeaderValue::from_static(v),
                )
            })
            .collect()
    }

    #[test]
    fn a_same_origin_fetch_passes() {
        let h = headers(&[("sec-fetch-site", "same-origin")]);

        assert!(is_same_site(&Method::POST, &h, Some(HOST)));
    }

    #[test]
    fn a_cross_site_fetch_is_refused_even_with_a_matching_origin() {
        let h = headers(&[
            ("sec-fetch-site", "cross-site"),
            ("origin", "http://bali.localhost:3000"),
        ]);

        assert!(!is_same_site(&Method::POST, &h, Some(HOST)));
        assert!(!is_same_site(
            &Method::POST,
            &headers(&[("sec-fetch-site", "same-site")]),
            Some(HOST)
        ));
    }

    #[test]
    fn an_origin_from_another_host_is_refused() {
        let h = headers(&[("origin", "http://evil.example")]);

        assert!(!is_same_site(&Method::POST, &h, Some(HOST)));
        assert!(!is_same_site(
            &Method::POST,
            &headers(&[("origin", "null")]),
            Some("a")
        ));
        assert!(!is_same_site(&Method::POST, &h, None), "no host, no match");
    }

    #[test]
    fn a_request_without_browser_headers_is_not_a_forgery() {
        assert!(is_same_site(&Method::POST, &headers(&[]), Some(HOST)));
    }

    #[test]
    fn the_origin_is_compared_with_the_host_the_guest_asked_for() {
        // Behind a proxy that rewrites `Host`, the guest's host comes from
        // the proxy's `X-Forwarded-Host`; the caller passes that one.
        let h = headers(&[
            ("origin", "https://bali.example"),
            ("host", "site.internal:3000"),
        ]);

        assert!(is_same_site(&Method::POST, &h, Some("bali.example")));
        assert!(!is_same_site(&Method::POST, &h, Some("site.internal:3000")));
    }
}
