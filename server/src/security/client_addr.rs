//! The address a request came from, and the host it asked for, believing
//! `X-Forwarded-For` and `X-Forwarded-Host` only from trusted proxies.
//!
//! Rate limits key on this address. A client can write any
//! `X-Forwarded-For` it likes, so the header is read only when the TCP peer
//! is a configured proxy, and then from the right, as the platform reads it
//! too ([`doorstep::forwarded`]): the first entry that is not itself a
//! trusted proxy is the client. `X-Forwarded-Host` is believed on the same
//! terms, for a proxy that does not pass the guest's `Host` on (and only when
//! the site is told to, since many proxies pass a guest's own
//! `X-Forwarded-Host` through untouched).

use std::net::{IpAddr, SocketAddr};

use axum::extract::ConnectInfo;
pub use doorstep::forwarded::TrustedProxies;
use http::Request;

/// The TCP peer of `request`; `None` without one (only in tests that drive
/// the router in-process).
fn peer<B>(request: &Request<B>) -> Option<IpAddr> {
    Some(
        request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()?
            .0
            .ip(),
    )
}

/// The host the guest asked for, as the trusted proxy in front says in
/// `X-Forwarded-Host`: the right-most entry, which that proxy wrote. `None`
/// when the peer is not a trusted proxy or says nothing usable, and the
/// request's own `Host` stands.
pub fn forwarded_host<'r, B>(request: &'r Request<B>, proxies: &TrustedProxies) -> Option<&'r str> {
    if !proxies.contains(peer(request)?) {
        return None;
    }
    let last_line = request
        .headers()
        .get_all("x-forwarded-host")
        .iter()
        .next_back()?;
    let entry = last_line.to_str().ok()?.rsplit(',').next()?.trim();
    (!entry.is_empty()).then_some(entry)
}

/// The client address of `request` under `proxies`; `None` without a peer
/// address (only in tests that drive the router in-process).
pub fn of_request<B>(request: &Request<B>, proxies: &TrustedProxies) -> Option<IpAddr> {
    let lines = request.headers().get_all("x-forwarded-for");
    Some(proxies.client_addr(peer(request)?, lines.iter().map(|line| line.as_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn from(peer: &str, forwarded_hosts: &[&str]) -> Request<()> {
        let mut request = Request::new(());
        let addr = SocketAddr::new(ip(peer), 40_000);
        request.extensions_mut().insert(ConnectInfo(addr));
        for host in forwarded_hosts {
            request
                .headers_mut()
                .append("x-forwarded-host", host.parse().unwrap());
        }
        request
    }

    #[test]
    fn a_forwarded_host_counts_only_from_a_trusted_proxy() {
        let proxies = TrustedProxies::parse("10.0.0.0/8").unwrap();

        let from_proxy = from("10.0.0.2", &["bali.example"]);
        let from_guest = from("203.0.113.9", &["bali.example"]);

        assert_eq!(forwarded_host(&from_proxy, &proxies), Some("bali.example"));
        assert_eq!(forwarded_host(&from_guest, &proxies), None);
        assert_eq!(forwarded_host(&from("10.0.0.2", &[]), &proxies), None);
    }

    #[test]
    fn the_forwarded_host_is_what_the_nearest_proxy_wrote() {
        let proxies = TrustedProxies::parse("10.0.0.0/8").unwrap();

        // The guest sent "X-Forwarded-Host: lisbon.example"; the proxy
        // appended the host it was asked for, on the line or on a line of
        // its own.
        let appended = from("10.0.0.2", &["lisbon.example, bali.example"]);
        let own_line = from("10.0.0.2", &["lisbon.example", "bali.example"]);
        let blank = from("10.0.0.2", &["lisbon.example, "]);

        assert_eq!(forwarded_host(&appended, &proxies), Some("bali.example"));
        assert_eq!(forwarded_host(&own_line, &proxies), Some("bali.example"));
        assert_eq!(forwarded_host(&blank, &proxies), None);
    }

    #[test]
    fn a_forged_non_ascii_byte_does_not_hide_the_address_a_proxy_appended() {
        let proxies = TrustedProxies::parse("10.0.0.0/8").unwrap();
        let mut request = Request::new(());
        request
            .extensions_mut()
            .insert(ConnectInfo(SocketAddr::from(([10, 0, 0, 2], 443))));
        request.headers_mut().append(
            "x-forwarded-for",
            http::HeaderValue::from_bytes(b"\xff, 203.0.113.7").unwrap(),
        );

        let client = of_request(&request, &proxies);

        assert_eq!(client, Some(ip("203.0.113.7")));
    }
}
