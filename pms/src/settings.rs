//! Typed settings, read from the environment once at start-up.
//!
//! Every setting has a default that suits a developer machine; a value that
//! is set but unreadable stops the process with an error naming the
//! variable, rather than falling back silently.

use std::net::SocketAddr;
use std::str::FromStr;
use std::time::Duration;

pub use doorstep::forwarded::TrustedProxies;

/// The default address: loopback only, so a fresh checkout exposes nothing.
pub const DEFAULT_ADDR: &str = "127.0.0.1:4000";

/// The default database: an SQLite file under `data/`.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/doorstep-pms.db";

/// The longest signature lifetime the platform may be configured with.
pub const MAX_SIGNATURE_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

/// Everything the platform service reads from its environment, except the
/// master key (see [`crate::crypto::MasterKey::from_env`]).
#[derive(Debug, Clone)]
pub struct Settings {
    /// `PMS_ADDR`: where to listen.
    pub addr: SocketAddr,
    /// `DATABASE_URL`: `sqlite:…` or `postgres://…`.
    pub database_url: String,
    /// `PMS_SIGNATURE_LIFETIME_SECS`: how long an issued signature lives
    /// (default 3600, at most 86400). Also the `lifetime` of the verify rule.
    pub signature_lifetime: Duration,
    /// `PMS_CLOCK_SKEW_SECS`: allowance for clocks that disagree (default 60).
    pub clock_skew: Duration,
    /// `PMS_CREDENTIAL_CACHE_TTL_MS`: how long a verified request may use
    /// cached credentials before they are read again (default 30000). This
    /// bounds how long a disabled tenant or a revoked key keeps working.
    pub credential_cache_ttl: Duration,
    /// `PMS_API_KEY_OVERLAP_SECS`: how long the previous API key keeps
    /// working after `rotate-api-key` (default 86400).
    pub api_key_overlap: Duration,
    /// Limits on `POST /auth/signature`.
    pub rate_limit: RateLimitSettings,
    /// `PMS_TRUSTED_PROXIES`: comma-separated addresses or CIDR blocks whose
    /// `X-Forwarded-For` is believed. Empty by default: the peer address is
    /// the client.
    pub trusted_proxies: TrustedProxies,
    /// `PMS_MAX_HEADER_BYTES`: the largest total of request header names
    /// and values (default 16384); larger requests get 431.
    pub max_header_bytes: usize,
    /// `PMS_HEADER_READ_TIMEOUT_MS`: how long a client may take to send a
    /// request's headers before the connection is closed (default 10000).
    pub header_read_timeout: Duration,
}

/// Token-bucket limits on signature issuing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitSettings {
    /// `PMS_SIGNATURE_RATE_PER_CLIENT`: requests per minute per client ID
    /// (default 30; also the burst).
    pub per_client_per_minute: u32,
    /// `PMS_SIGNATURE_RATE_PER_ADDRESS`: requests per minute per source
    /// address (default 60; also the burst).
    pub per_address_per_minute: u32,
}

/// A setting is present but unusable.
#[derive(Debug, thiserror::Error)]
#[error("setting {name} is invalid: {problem}")]
pub struct SettingsError {
    /// The environment variable.
    pub name: &'static str,
    /// What is wrong with its value (the value itself is not repeated, in
    /// case it was a secret pasted into the wrong variable).
    pub problem: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            addr: DEFAULT_ADDR.parse().expect("default address parses"),
            database_url: DEFAULT_DATABASE_URL.to_owned(),
            signature_lifetime: Duration::from_secs(3600),
            clock_skew: Duration::from_secs(60),
            credential_cache_ttl: Duration::from_secs(30),
            api_key_overlap: Duration::from_secs(24 * 60 * 60),
            rate_limit: RateLimitSettings {
                per_client_per_minute: 30,
                per_address_per_minute: 60,
            },
            trusted_proxies: TrustedProxies::default(),
            max_header_bytes: 16 * 1024,
            header_read_timeout: Duration::from_secs(10),
        }
    }
}

impl Settings {
    /// Reads every setting from the process environment.
    pub fn from_env() -> Result<Self, SettingsError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads every setting through `lookup`, so tests need not touch the
    /// process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, SettingsError> {
        let defaults = Settings::default();
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());

        let settings = Settings {
            addr: parse_or(get("PMS_ADDR"), "PMS_ADDR", defaults.addr)?,
            database_url: get("DATABASE_URL").unwrap_or(defaults.database_url),
            signature_lifetime: secs_or(
                get("PMS_SIGNATURE_LIFETIME_SECS"),
                "PMS_SIGNATURE_LIFETIME_SECS",
                defaults.signature_lifetime,
            )?,
            clock_skew: secs_or(
                get("PMS_CLOCK_SKEW_SECS"),
                "PMS_CLOCK_SKEW_SECS",
                defaults.clock_skew,
            )?,
            credential_cache_ttl: get("PMS_CREDENTIAL_CACHE_TTL_MS")
                .map(|v| parse::<u64>(&v, "PMS_CREDENTIAL_CACHE_TTL_MS").map(Duration::from_millis))
                .transpose()?
                .unwrap_or(defaults.credential_cache_ttl),
            api_key_overlap: secs_or(
                get("PMS_API_KEY_OVERLAP_SECS"),
                "PMS_API_KEY_OVERLAP_SECS",
                defaults.api_key_overlap,
            )?,
            rate_limit: RateLimitSettings {
                per_client_per_minute: parse_or(
                    get("PMS_SIGNATURE_RATE_PER_CLIENT"),
                    "PMS_SIGNATURE_RATE_PER_CLIENT",
                    defaults.rate_limit.per_client_per_minute,
                )?,
                per_address_per_minute: parse_or(
                    get("PMS_SIGNATURE_RATE_PER_ADDRESS"),
                    "PMS_SIGNATURE_RATE_PER_ADDRESS",
                    defaults.rate_limit.per_address_per_minute,
                )?,
            },
            trusted_proxies: match get("PMS_TRUSTED_PROXIES") {
                Some(list) => TrustedProxies::parse(&list).map_err(|error| SettingsError {
                    name: "PMS_TRUSTED_PROXIES",
                    problem: error.to_string(),
                })?,
                None => defaults.trusted_proxies,
            },
            max_header_bytes: parse_or(
                get("PMS_MAX_HEADER_BYTES"),
                "PMS_MAX_HEADER_BYTES",
                defaults.max_header_bytes,
            )?,
            header_read_timeout: get("PMS_HEADER_READ_TIMEOUT_MS")
                .map(|v| parse::<u64>(&v, "PMS_HEADER_READ_TIMEOUT_MS").map(Duration::from_millis))
                .transpose()?
                .unwrap_or(defaults.header_read_timeout),
        };
        settings.validate()?;
        Ok(settings)
    }

    /// Checks the rules that span one setting's type: ranges and limits.
    pub fn validate(&self) -> Result<(), SettingsError> {
        let lifetime = self.signature_lifetime;
        if lifetime.is_zero() || lifetime > MAX_SIGNATURE_LIFETIME {
            return Err(SettingsError {
                name: "PMS_SIGNATURE_LIFETIME_SECS",
                problem: "must be between 1 and 86400 seconds".into(),
            });
        }
        if self.clock_skew > Duration::from_secs(600) {
            return Err(SettingsError {
                name: "PMS_CLOCK_SKEW_SECS",
                problem: "must be at most 600 seconds".into(),
            });
        }
        if self.rate_limit.per_client_per_minute == 0 {
            return Err(SettingsError {
                name: "PMS_SIGNATURE_RATE_PER_CLIENT",
                problem: "must be at least 1".into(),
            });
        }
        if self.rate_limit.per_address_per_minute == 0 {
            return Err(SettingsError {
                name: "PMS_SIGNATURE_RATE_PER_ADDRESS",
                problem: "must be at least 1".into(),
            });
        }
        if self.header_read_timeout.is_zero() {
            return Err(SettingsError {
                name: "PMS_HEADER_READ_TIMEOUT_MS",
                problem: "must be at least 1".into(),
            });
        }
        if self.max_header_bytes < 1024 {
            return Err(SettingsError {
                name: "PMS_MAX_HEADER_BYTES",
                problem: "must be at least 1024".into(),
            });
        }
        Ok(())
    }
}

fn parse<T: FromStr>(value: &str, name: &'static str) -> Result<T, SettingsError> {
    value.trim().parse().map_err(|_| SettingsError {
        name,
        problem: format!(
            "expected {}",
            std::any::type_name::<T>()
                .rsplit("::")
                .next()
                .unwrap_or("a value")
        ),
    })
}

fn parse_or<T: FromStr>(
    value: Option<String>,
    name: &'static str,
    default: T,
) -> Result<T, SettingsError> {
    value
        .map(|v| parse(&v, name))
        .transpose()
        .map(|v| v.unwrap_or(default))
}

fn secs_or(
    value: Option<String>,
    name: &'static str,
    default: Duration,
) -> Result<Duration, SettingsError> {
    parse_or(value.clone(), name, default.as_secs()).map(|secs| {
        if value.is_some() {
            Duration::from_secs(secs)
        } else {
            default
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn from(vars: &[(&str, &str)]) -> Result<Settings, SettingsError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(|name| vars.get(name).cloned())
    }

    #[test]
    fn defaults_listen_on_loopback_with_an_sqlite_file() {
        let settings = from(&[]).unwrap();
        assert_eq!(settings.addr.to_string(), "127.0.0.1:4000");
        assert!(settings.database_url.starts_with("sqlite:"));
        assert_eq!(settings.signature_lifetime, Duration::from_secs(3600));
    }

    #[test]
    fn bad_values_name_their_setting() {
        for (name, value) in [
            ("PMS_ADDR", "nowhere"),
            ("PMS_SIGNATURE_LIFETIME_SECS", "86401"),
            ("PMS_SIGNATURE_LIFETIME_SECS", "0"),
            ("PMS_SIGNATURE_LIFETIME_SECS", "an hour"),
            ("PMS_TRUSTED_PROXIES", "10.0.0.0/33"),
            ("PMS_SIGNATURE_RATE_PER_CLIENT", "0"),
            ("PMS_CREDENTIAL_CACHE_TTL_MS", "-1"),
        ] {
            let error = from(&[(name, value)]).unwrap_err();
            assert_eq!(error.name, name, "{value}");
            assert!(error.to_string().contains(name));
        }
    }

    #[test]
    fn trusted_proxies_accept_addresses_and_blocks() {
        let settings = from(&[("PMS_TRUSTED_PROXIES", "10.0.0.0/8, ::1,192.168.1.1")]).unwrap();
        let [block, v6, single] = settings.trusted_proxies.blocks() else {
            panic!("three entries")
        };
        assert!(block.contains("10.200.3.4".parse().unwrap()));
        assert!(!block.contains("11.0.0.1".parse().unwrap()));
        assert!(block.contains("::ffff:10.1.2.3".parse().unwrap()));
        assert!(v6.contains("::1".parse().unwrap()));
        assert!(single.contains("192.168.1.1".parse().unwrap()));
        assert!(!single.contains("192.168.1.2".parse().unwrap()));
    }
}
