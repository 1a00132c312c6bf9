//! Which tenant a request is for.
//!
//! In single-tenant mode (`APP_CLIENT_ID`, `APP_API_KEY`) every host is the
//! one tenant. In multi-tenant mode (`TENANTS_DIR`) each tenant folder names
//! its hosts; the request's `Host` header picks the tenant, the index hosts
//! (`localhost` by default) list the tenants, and any other host gets a plain
//! 404 that names no tenant.

mod directory;
pub mod theme;

use std::{collections::HashMap, sync::Arc};

use doorstep_app::platform::{ListingsCopy, TenantBrand, TenantLink};

pub use directory::{LoadError, load_directory};

use crate::credentials::Credentials;

/// One tenant this site serves.
#[derive(Debug)]
pub struct Tenant {
    /// The tenant's folder name (`bali`); `default` in single-tenant mode.
    pub slug: String,
    /// Host names (without port) that serve this tenant.
    pub hosts: Vec<String>,
    /// What the site presents to the platform.
    pub credentials: Credentials,
    /// Public branding for the pages.
    pub brand: TenantBrand,
}

/// The outcome of looking a request's host up.
#[derive(Debug, Clone)]
pub enum Resolved {
    /// A tenant's site.
    Tenant(Arc<Tenant>),
    /// The index of all tenants.
    Index,
    /// No site here.
    Unknown,
}

/// Every tenant of this process, by host.
#[derive(Debug)]
pub struct Tenants {
    all: Vec<Arc<Tenant>>,
    by_host: HashMap<String, Arc<Tenant>>,
    index_hosts: Vec<String>,
    single: bool,
}

impl Tenants {
    /// The single-tenant set-up: every host is `tenant`.
    pub fn single(tenant: Tenant) -> Self {
        Self {
            all: vec![Arc::new(tenant)],
            by_host: HashMap::new(),
            index_hosts: Vec::new(),
            single: true,
        }
    }

    /// The multi-tenant set-up; `index_hosts` list the tenants.
    pub fn multi(tenants: Vec<Tenant>, index_hosts: Vec<String>) -> Self {
        let all: Vec<Arc<Tenant>> = tenants.into_iter().map(Arc::new).collect();
        let by_host = all
            .iter()
            .flat_map(|tenant| {
                tenant
                    .hosts
                    .iter()
                    .map(|host| (host.clone(), Arc::clone(tenant)))
            })
            .collect();
        Self {
            all,
            by_host,
            index_hosts,
            single: false,
        }
    }

    /// Every tenant, in slug order.
    pub fn all(&self) -> &[Arc<Tenant>] {
        &self.all
    }

    /// The tenant (or index) the `Host` header names.
    pub fn resolve(&self, host: Option<&str>) -> Resolved {
        if self.single {
            return Resolved::Tenant(Arc::clone(&self.all[0]));
        }
        let Some(name) = host.and_then(host_name) else {
            return Resolved::Unknown;
        };
        if let Some(tenant) = self.by_host.get(&name) {
            return Resolved::Tenant(Arc::clone(tenant));
        }
        if self.index_hosts.contains(&name) {
            return Resolved::Index;
        }
        Resolved::Unknown
    }

    /// The index's list of tenant sites, with links on the same port and
    /// scheme as the index was reached (`//bali.localhost:3000/`).
    pub fn links(&self, request_host: Option<&str>) -> Vec<TenantLink> {
        let port = request_host.and_then(split_host).and_then(|(_, port)| port);
        self.all
            .iter()
            .filter_map(|tenant| {
                let host = tenant.hosts.first()?;
                let url = match port {
                    Some(port) => format!("//{host}:{port}/"),
                    None => format!("//{host}/"),
                };
                Some(TenantLink {
                    name: tenant.brand.name.clone(),
                    tagline: tenant.brand.tagline.clone(),
                    url,
                })
            })
            .collect()
    }
}

/// The host name of a `Host` header value: lower-case, without port or a
/// trailing dot. `None` for values that are not a plausible host.
pub fn host_name(header: &str) -> Option<String> {
    let (name, _) = split_host(header)?;
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    let plausible = !name.is_empty()
        && name.len() <= 253
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':'));
    plausible.then_some(name)
}

/// A `Host` value split into its name and its port, if it has one. `None`
/// when what follows the name is not `:` and one to five digits, so a
/// value such as `localhost:x@evil.example` names no host (and no port
/// reaches a link).
fn split_host(header: &str) -> Option<(&str, Option<&str>)> {
    let header = header.trim();
    let (name, port) = match header.strip_prefix('[') {
        // An IPv6 literal, `[::1]:3000`.
        Some(literal) => {
            let (name, rest) = literal.split_once(']')?;
            match rest {
                "" => (name, None),
                rest => (name, Some(rest.strip_prefix(':')?)),
            }
        }
        None => match header.split_once(':') {
            Some((name, port)) => (name, Some(port)),
            None => (header, None),
        },
    };
    let valid_port =
        |port: &str| (1..=5).contains(&port.len()) && port.bytes().all(|b| b.is_ascii_digit());
    match port {
        Some(port) if !valid_port(port) => None,
        port => Some((name, port)),
    }
}

/// The branding of a single tenant configured from the environment alone.
pub fn default_brand(name: &str) -> TenantBrand {
    TenantBrand {
        slug: "default".into(),
        name: name.to_string(),
        tagline: String::new(),
        logo: None,
        theme_css: String::new(),
        copy: ListingsCopy {
            heading: "Our places".into(),
            intro: "Book directly with us.".into(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::{ClientId, Secret};

    fn tenant(slug: &str, hosts: &[&str]) -> Tenant {
        let client = format!("{:A<16}", slug.to_ascii_uppercase());
        let credentials = Credentials::new(
            ClientId::parse(&client).unwrap(),
            Secret::new(format!("{client}.{}", "k".repeat(64))),
        )
        .unwrap();
        Tenant {
            slug: slug.into(),
            hosts: hosts.iter().map(|h| h.to_string()).collect(),
            credentials,
            brand: TenantBrand {
                slug: slug.into(),
                ..default_brand(slug)
            },
        }
    }

    fn demo() -> Tenants {
        Tenants::multi(
            vec![
                tenant("bali", &["bali.localhost"]),
                tenant("alps", &["alps.localhost"]),
            ],
            vec!["localhost".into()],
        )
    }

    #[test]
    fn the_host_header_picks_the_tenant_whatever_the_port_and_case() {
        let tenants = demo();

        let Resolved::Tenant(found) = tenants.resolve(Some("Bali.Localhost:3000")) else {
            panic!("not resolved")
        };

        assert_eq!(found.slug, "bali");
    }

    #[test]
    fn an_unknown_or_missing_host_is_unknown() {
        let tenants = demo();

        assert!(matches!(
            tenants.resolve(Some("evil.example")),
            Resolved::Unknown
        ));
        assert!(matches!(tenants.resolve(None), Resolved::Unknown));
        assert!(matches!(
            tenants.resolve(Some("bali.localhost\r\nx")),
            Resolved::Unknown
        ));
    }

    #[test]
    fn the_index_host_lists_tenants_on_the_same_port() {
        let tenants = demo();

        assert!(matches!(
            tenants.resolve(Some("localhost:3000")),
            Resolved::Index
        ));
        let urls: Vec<_> = tenants
            .links(Some("localhost:3000"))
            .into_iter()
            .map(|l| l.url)
            .collect();
        assert_eq!(urls, ["//bali.localhost:3000/", "//alps.localhost:3000/"]);
    }

    #[test]
    fn single_tenant_mode_serves_every_host() {
        let tenants = Tenants::single(tenant("default", &[]));

        assert!(matches!(
            tenants.resolve(Some("anything.example")),
            Resolved::Tenant(_)
        ));
        assert!(matches!(tenants.resolve(None), Resolved::Tenant(_)));
    }

    #[test]
    fn ipv6_hosts_lose_their_brackets_and_port() {
        assert_eq!(host_name("[::1]:3000").as_deref(), Some("::1"));
        assert_eq!(host_name("example.com.").as_deref(), Some("example.com"));
        assert_eq!(host_name(""), None);
    }

    #[test]
    fn a_port_that_is_not_digits_names_no_host_and_reaches_no_link() {
        let tenants = demo();

        for forged in [
            "localhost:x@evil.example",
            "localhost:",
            "localhost:123456",
            "[::1]x",
        ] {
            assert_eq!(host_name(forged), None, "{forged}");
        }
        assert!(matches!(
            tenants.resolve(Some("localhost:x@evil.example")),
            Resolved::Unknown
        ));
        let urls: Vec<_> = tenants
            .links(Some("localhost:x@evil.example"))
            .into_iter()
            .map(|l| l.url)
            .collect();
        assert_eq!(urls, ["//bali.localhost/", "//alps.localhost/"]);
        assert_eq!(host_name("[::1]").as_deref(), Some("::1"));
        assert_eq!(host_name("[::1]:3000").as_deref(), Some("::1"));
    }
}
