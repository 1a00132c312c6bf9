//! The address a request came from, and the host it asked for, believing
//! `X-Forwarded-For` and `X-Forwarded-Host` only from trusted proxies.
//!
//! Rate limits key on this address. A client can write any
//! `X-Forwarded-For` it likes, so the header is read only when the TCP peer
//! is a configured proxy, and then from the right: the first entry that is
//! not itself a trusted proxy is the client. Everything left of it was
//! written by someone we do not trust. `X-Forwarded-Host` is read the same
//! way, for a proxy that does not pass the guest's `Host` on (and only when
//! the site is told to, since many proxies pass a guest's own
//! `X-Forwarded-Host` through untouched).

use std::net::{IpAddr, SocketAddr};

use axum::extract::ConnectInfo;
use http::Request;

/// Addresses and CIDR blocks of reverse proxies in front of the site.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<(IpAddr, u8)>);

impl TrustedProxies {
    /// Parses `10.0.0.0/8, 127.0.0.1, ::1`.
    pub fn parse(list: &str) -> Result<Self, String> {
        let mut blocks = Vec::new();
        for item in list
            .split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
        {
            let (addr, bits) = match item.split_once('/') {
                Some((addr, bits)) => (
                    addr,
                    Some(
                        bits.parse::<u8>()
                            .map_err(|_| format!("{item:?} has a bad prefix"))?,
                    ),
                ),
                None => (item, None),
            };
            let addr: IpAddr = addr
                .parse()
                .map_err(|_| format!("{item:?} is not an address"))?;
            let max = if addr.is_ipv4() { 32 } else { 128 };
            let bits = bits.unwrap_or(max);
            if bits > max {
                return Err(format!("{item:?} has a prefix longer than the address"));
            }
            blocks.push(canonical_block(addr, bits).ok_or_else(|| {
                format!("{item:?} is an IPv4-mapped block shorter than /96; write it as IPv4")
            })?);
        }
        Ok(Self(blocks))
    }

    /// Whether no proxy is trusted.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `addr` is one of the proxies.
    pub fn contains(&self, addr: IpAddr) -> bool {
        let addr = canonical(addr);
        self.0.iter().any(|(block, bits)| match (*block, addr) {
            (IpAddr::V4(block), IpAddr::V4(addr)) => {
                prefix_eq(&block.octets(), &addr.octets(), *bits)
            }
            (IpAddr::V6(block), IpAddr::V6(addr)) => {
                prefix_eq(&block.octets(), &addr.octets(), *bits)
            }
            _ => false,
        })
    }

    /// The client's address: the peer, or, when the peer is a trusted proxy,
    /// the right-most `X-Forwarded-For` entry that is not a trusted proxy.
    pub fn client_addr(&self, peer: IpAddr, forwarded_for: &[&str]) -> IpAddr {
        if !self.contains(peer) {
            return peer;
        }
        let mut client = peer;
        let entries = forwarded_for
            .iter()
            .rev()
            .flat_map(|header| header.rsplit(','));
        for entry in entries {
            match parse_entry(entry.trim()) {
                Some(addr) if self.contains(addr) => client = addr,
                Some(addr) => return canonical(addr),
                // A garbled entry: stop at the last address we can vouch for.
                None => return client,
            }
        }
        client
    }
}

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
    let peer = peer(request)?;
    // Lossy, not `to_str`: a line with a stray non-ASCII byte keeps its other
    // entries (the garbled one fails to parse), so a forged byte cannot hide
    // the address a trusted proxy appended to the same line.
    let lines: Vec<String> = request
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
        .collect();
    let headers: Vec<&str> = lines.iter().map(String::as_str).collect();
    Some(proxies.client_addr(peer, &headers))
}

/// One `X-Forwarded-For` entry: an address, or an address with a port
/// (`203.0.113.7:41000`, `[2001:db8::7]:41000`), as some load balancers
/// write them.
fn parse_entry(entry: &str) -> Option<IpAddr> {
    entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|addr| addr.ip()))
}

/// A block as [`TrustedProxies::contains`] compares it: an IPv4-mapped IPv6
/// block (`::ffff:10.0.0.0/104`) becomes the IPv4 block it covers
/// (`10.0.0.0/8`), since peers are compared in their IPv4 form. `None` for a
/// mapped block shorter than /96, which would cover more than IPv4.
fn canonical_block(addr: IpAddr, bits: u8) -> Option<(IpAddr, u8)> {
    match addr {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => Some((IpAddr::V4(v4), bits.checked_sub(96)?)),
            None => Some((addr, bits)),
        },
        IpAddr::V4(_) => Some((addr, bits)),
    }
}

fn canonical(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(addr, IpAddr::V4),
        v4 => v4,
    }
}

fn prefix_eq(a: &[u8], b: &[u8], bits: u8) -> bool {
    let (whole, rest) = ((bits / 8) as usize, bits % 8);
    if a[..whole] != b[..whole] {
        return false;
    }
    rest == 0 || {
        let mask = 0xffu8 << (8 - rest);
        a[whole] & mask == b[whole] & mask
    }
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
    fn a_forwarded_header_from_an_untrusted_peer_is_ignored() {
        let proxies = TrustedProxies::parse("10.0.0.0/8").unwrap();

        let client = proxies.client_addr(ip("203.0.113.9"), &["1.2.3.4"]);

        assert_eq!(client, ip("203.0.113.9"));
    }

    #[test]
    fn a_trusted_proxy_passes_on_the_address_it_saw() {
        let proxies = TrustedProxies::parse("10.0.0.0/8").unwrap();

        let client = proxies.client_addr(ip("10.1.2.3"), &["198.51.100.7"]);

        assert_eq!(client, ip("198.51.100.7"));
    }

    #[test]
    fn a_forged_entry_left_of_the_real_one_does_not_dodge_the_limit() {
        let proxies = TrustedProxies::parse("10.0.0.0/8, 127.0.0.1").unwrap();

        // The client sent "X-Forwarded-For: 1.1.1.1"; the proxy appended
        // the address it actually saw.
        let client = proxies.client_addr(ip("127.0.0.1"), &["1.1.1.1, 198.51.100.7, 10.0.0.5"]);

        assert_eq!(client, ip("198.51.100.7"));
    }

    #[test]
    fn ipv4_mapped_proxy_blocks_cover_their_ipv4_addresses() {
        let single = TrustedProxies::parse("::ffff:10.0.0.1").unwrap();
        let block = TrustedProxies::parse("::ffff:10.0.0.0/104").unwrap();

        assert!(single.contains(ip("10.0.0.1")));
        assert!(single.contains(ip("::ffff:10.0.0.1")));
        assert!(!single.contains(ip("10.0.0.2")));
        assert!(block.contains(ip("10.200.0.1")));
        assert!(!block.contains(ip("11.0.0.1")));
        assert!(TrustedProxies::parse("::ffff:0.0.0.0/95").is_err());
    }

    #[test]
    fn forwarded_entries_with_a_port_name_their_address() {
        let proxies = TrustedProxies::parse("10.0.0.0/8").unwrap();

        let v4 = proxies.client_addr(ip("10.0.0.2"), &["198.51.100.7:41000"]);
        let v6 = proxies.client_addr(ip("10.0.0.2"), &["[2001:db8::7]:41000"]);

        assert_eq!(v4, ip("198.51.100.7"));
        assert_eq!(v6, ip("2001:db8::7"));
    }

    #[test]
    fn bad_proxy_lists_are_refused() {
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
        assert!(TrustedProxies::parse("localhost").is_err());
        assert!(TrustedProxies::parse("::1, 192.168.0.0/16").is_ok());
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
