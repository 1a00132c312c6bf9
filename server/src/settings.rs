//! Typed settings of the site server, read from the environment.
//!
//! Every setting has an embedded default good for local use, so the binary
//! starts with no configuration beyond the tenants' credentials; a value that
//! is set but invalid stops start-up with a message naming the variable
//! (never echoing a credential).

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use crate::{
    credentials::{ClientId, Credentials, Secret},
    security::client_addr::TrustedProxies,
};

/// A setting that is missing or unusable.
#[derive(Debug, thiserror::Error)]
#[error("setting {name} is invalid: {reason}")]
pub struct SettingsError {
    /// The environment variable at fault.
    pub name: &'static str,
    /// What is wrong with its value (never the value itself).
    pub reason: String,
}

/// Where the tenants come from.
#[derive(Debug, Clone)]
pub enum TenancySettings {
    /// One tenant from `APP_CLIENT_ID` and `APP_API_KEY`, on every host;
    /// `SITE_NAME` names it on the pages.
    Single {
        credentials: Credentials,
        name: String,
    },
    /// A tenants directory (`TENANTS_DIR`), one folder per tenant; the
    /// `INDEX_HOSTS` list them.
    Directory {
        dir: PathBuf,
        index_hosts: Vec<String>,
    },
}

/// Everything the site server needs to start.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where the server listens (`SITE_ADDR`, default `127.0.0.1:3000`).
    pub addr: SocketAddr,
    /// Where `/metrics` is served (`SITE_METRICS_ADDR`; default none, so no
    /// metrics are served): a listener of its own, so the public one never
    /// answers with the site's metrics, whatever the host.
    pub metrics_addr: Option<SocketAddr>,
    /// The folder with the built bundle under `pkg/` and the public assets
    /// (`SITE_ROOT`, default `target/site`).
    pub site_root: PathBuf,
    /// The platform API's base URL (`PMS_URL`, default `http://127.0.0.1:4000`).
    pub pms_url: String,
    /// Single or multi-tenant.
    pub tenancy: TenancySettings,
    /// Redis for the shared signature cache (`REDIS_URL`; without it, each
    /// process caches alone). Kept as a secret: the URL may hold Redis's
    /// password, so `Debug` never prints it.
    pub redis_url: Option<Secret>,
    /// `PMS_CONNECT_TIMEOUT_MS` (default 2000).
    pub pms_connect_timeout: Duration,
    /// `PMS_TIMEOUT_MS` (default 5000): a whole platform call, retries
    /// included; a page whose data takes longer answers 503.
    pub pms_timeout: Duration,
    /// `PMS_RETRIES` (default 2): further attempts of a retryable call.
    pub pms_retries: u32,
    /// `SIGNATURE_REFRESH_MARGIN_SECS` (default 300, at most a day): how
    /// long before expiry a signature is replaced.
    pub refresh_margin: Duration,
    /// `HSTS_MAX_AGE_SECS` (default 0, off): set it wherever the site is
    /// served over HTTPS.
    pub hsts_max_age: Option<u64>,
    /// `TRUSTED_PROXIES`: comma-separated addresses or CIDR blocks whose
    /// `X-Forwarded-For` is believed (default none).
    pub trusted_proxies: TrustedProxies,
    /// `TRUST_FORWARDED_HOST` (default false): whether a trusted proxy's
    /// `X-Forwarded-Host` picks the tenant instead of `Host`. Only for a
    /// proxy that rewrites `Host` and always sets this header itself: one
    /// that passes a guest's `X-Forwarded-Host` on would let the guest pick
    /// another tenant under this tenant's address.
    pub trust_forwarded_host: bool,
    /// `RATE_LIMIT_PER_MINUTE` (default 20): booking, payment and look-up
    /// calls one address may make per minute.
    pub rate_limit_per_minute: u32,
    /// `MAX_BODY_BYTES` (default 65536): the largest request body.
    pub max_body_bytes: usize,
    /// `SITE_WORKERS` (default: one per CPU core): how many single-threaded
    /// workers share the listening socket.
    pub workers: usize,
}

impl Settings {
    /// Reads the settings from the process environment.
    pub fn from_env() -> Result<Self, SettingsError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the settings through `lookup`, so tests need not touch the
    /// process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, SettingsError> {
        let get = |name: &str| lookup(name).filter(|value| !value.trim().is_empty());

        let addr =
            socket_addr(&get, "SITE_ADDR")?.unwrap_or(SocketAddr::from(([127, 0, 0, 1], 3000)));
        let metrics_addr = socket_addr(&get, "SITE_METRICS_ADDR")?;
        if metrics_addr == Some(addr) {
            return Err(SettingsError {
                name: "SITE_METRICS_ADDR",
                reason: "must differ from SITE_ADDR, so metrics stay off the public listener"
                    .into(),
            });
        }
        let site_root = get("SITE_ROOT")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("target/site"));
        let pms_url = get("PMS_URL").unwrap_or_else(|| "http://127.0.0.1:4000".into());
        if !(pms_url.starts_with("http://") || pms_url.starts_with("https://")) {
            return Err(SettingsError {
                name: "PMS_URL",
                reason: "expected an http:// or https:// URL".into(),
            });
        }

        let hsts = number(&get, "HSTS_MAX_AGE_SECS", 0)?;
        let trusted_proxies = match get("TRUSTED_PROXIES") {
            Some(value) => TrustedProxies::parse(&value).map_err(|error| SettingsError {
                name: "TRUSTED_PROXIES",
                reason: error.to_string(),
            })?,
            None => TrustedProxies::default(),
        };
        let trust_forwarded_host = flag(&get, "TRUST_FORWARDED_HOST")?;
        if trust_forwarded_host && trusted_proxies.is_empty() {
            return Err(SettingsError {
                name: "TRUST_FORWARDED_HOST",
                reason: "is only believed from TRUSTED_PROXIES, and none are set".into(),
            });
        }
        let refresh_margin = number(&get, "SIGNATURE_REFRESH_MARGIN_SECS", 300)?;
        if refresh_margin > MAX_REFRESH_MARGIN_SECS {
            return Err(SettingsError {
                name: "SIGNATURE_REFRESH_MARGIN_SECS",
                reason: format!("at most {MAX_REFRESH_MARGIN_SECS} seconds (a day)"),
            });
        }

        Ok(Self {
            addr,
            metrics_addr,
            site_root,
            pms_url,
            tenancy: tenancy(&get)?,
            redis_url: get("REDIS_URL").map(Secret::new),
            pms_connect_timeout: Duration::from_millis(number(
                &get,
                "PMS_CONNECT_TIMEOUT_MS",
                2000,
            )?),
            pms_timeout: Duration::from_millis(number(&get, "PMS_TIMEOUT_MS", 5000)?.max(1)),
            pms_retries: number(&get, "PMS_RETRIES", 2)?.min(5) as u32,
            refresh_margin: Duration::from_secs(refresh_margin),
            hsts_max_age: (hsts > 0).then_some(hsts),
            trusted_proxies,
            trust_forwarded_host,
            rate_limit_per_minute: number(&get, "RATE_LIMIT_PER_MINUTE", 20)?.max(1) as u32,
            max_body_bytes: number(&get, "MAX_BODY_BYTES", 64 * 1024)? as usize,
            workers: workers(&get)?,
        })
    }
}

fn socket_addr(
    get: &impl Fn(&str) -> Option<String>,
    name: &'static str,
) -> Result<Option<SocketAddr>, SettingsError> {
    get(name)
        .map(|value| {
            value.trim().parse().map_err(|_| SettingsError {
                name,
                reason: "expected a socket address such as 127.0.0.1:3000".into(),
            })
        })
        .transpose()
}

fn number(
    get: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: u64,
) -> Result<u64, SettingsError> {
    match get(name) {
        Some(value) => value.trim().parse().map_err(|_| SettingsError {
            name,
            reason: "expected a whole number".into(),
        }),
        None => Ok(default),
    }
}

/// `true`, `1`, `yes` or `false`, `0`, `no` (any case); unset is false.
fn flag(get: &impl Fn(&str) -> Option<String>, name: &'static str) -> Result<bool, SettingsError> {
    let Some(value) = get(name) else {
        return Ok(false);
    };
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" => Ok(true),
        "false" | "0" | "no" => Ok(false),
        _ => Err(SettingsError {
            name,
            reason: "expected true or false".into(),
        }),
    }
}

/// The longest refresh margin: signatures live minutes to hours, and a
/// margin beyond that would only mean "refresh on every call".
const MAX_REFRESH_MARGIN_SECS: u64 = 24 * 60 * 60;

/// The most workers a site process starts, far above any core count it
/// could use.
const MAX_WORKERS: u64 = 1024;

fn workers(get: &impl Fn(&str) -> Option<String>) -> Result<usize, SettingsError> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    match number(get, "SITE_WORKERS", cores as u64)? {
        0 => Err(SettingsError {
            name: "SITE_WORKERS",
            reason: "at least one worker is needed".into(),
        }),
        n if n > MAX_WORKERS => Err(SettingsError {
            name: "SITE_WORKERS",
            reason: format!("at most {MAX_WORKERS} workers"),
        }),
        n => Ok(n as usize),
    }
}

fn tenancy(get: &impl Fn(&str) -> Option<String>) -> Result<TenancySettings, SettingsError> {
    let client_id = get("APP_CLIENT_ID");
    let api_key = get("APP_API_KEY");
    let dir = get("TENANTS_DIR");

    match (client_id, api_key, dir) {
        (Some(_), Some(_), Some(_)) => Err(SettingsError {
            name: "TENANTS_DIR",
            reason: "set either TENANTS_DIR or APP_CLIENT_ID and APP_API_KEY, not both".into(),
        }),
        (Some(client_id), Some(api_key), None) => {
            let client_id = ClientId::parse(client_id.trim()).map_err(|reason| SettingsError {
                name: "APP_CLIENT_ID",
                reason: reason.into(),
            })?;
            let credentials = Credentials::new(client_id, Secret::new(api_key.trim().to_string()))
                .map_err(|reason| SettingsError {
                    name: "APP_API_KEY",
                    reason: reason.into(),
                })?;
            let name = get("SITE_NAME").unwrap_or_else(|| "Doorstep".into());
            Ok(TenancySettings::Single { credentials, name })
        }
        (Some(_), None, None) => Err(SettingsError {
            name: "APP_API_KEY",
            reason: "APP_CLIENT_ID is set, so APP_API_KEY is needed too".into(),
        }),
        (None, Some(_), None) => Err(SettingsError {
            name: "APP_CLIENT_ID",
            reason: "APP_API_KEY is set, so APP_CLIENT_ID is needed too".into(),
        }),
        (_, _, dir) => {
            let index_hosts = get("INDEX_HOSTS")
                .unwrap_or_else(|| "localhost".into())
                .split(',')
                .filter_map(crate::tenancy::host_name)
                .collect();
            Ok(TenancySettings::Directory {
                dir: PathBuf::from(dir.unwrap_or_else(|| "tenants".into())),
                index_hosts,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLIENT: &str = "AbCdEfGh12345678";

    fn with(pairs: &[(&str, &str)]) -> Result<Settings, SettingsError> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(move |name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        })
    }

    #[test]
    fn defaults_apply_when_nothing_is_set() {
        let settings = with(&[]).unwrap();

        assert_eq!(settings.addr.to_string(), "127.0.0.1:3000");
        assert_eq!(settings.metrics_addr, None);
        assert_eq!(settings.site_root, PathBuf::from("target/site"));
        assert_eq!(settings.pms_url, "http://127.0.0.1:4000");
        assert!(settings.hsts_max_age.is_none());
        assert!(matches!(
            settings.tenancy,
            TenancySettings::Directory { ref index_hosts, .. } if index_hosts == &["localhost"]
        ));
    }

    #[test]
    fn workers_default_to_the_cores_and_refuse_zero() {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        assert_eq!(with(&[]).unwrap().workers, cores);
        assert_eq!(with(&[("SITE_WORKERS", "3")]).unwrap().workers, 3);

        for bad in ["0", "-1", "two", "5000"] {
            let error = with(&[("SITE_WORKERS", bad)]).unwrap_err();
            assert_eq!(error.name, "SITE_WORKERS", "{bad}");
        }
    }

    #[test]
    fn the_forwarded_host_is_believed_only_when_asked_and_from_proxies() {
        assert!(!with(&[]).unwrap().trust_forwarded_host);
        let behind = [
            ("TRUSTED_PROXIES", "10.0.0.1"),
            ("TRUST_FORWARDED_HOST", "true"),
        ];
        assert!(with(&behind).unwrap().trust_forwarded_host);

        let without_proxies = with(&[("TRUST_FORWARDED_HOST", "true")]).unwrap_err();
        let garbled = with(&[
            ("TRUSTED_PROXIES", "10.0.0.1"),
            ("TRUST_FORWARDED_HOST", "maybe"),
        ]);

        assert_eq!(without_proxies.name, "TRUST_FORWARDED_HOST");
        assert_eq!(garbled.unwrap_err().name, "TRUST_FORWARDED_HOST");
    }

    #[test]
    fn the_redis_url_and_its_password_stay_out_of_debug_output() {
        let settings = with(&[("REDIS_URL", "redis://:hunter2@10.0.0.9:6379")]).unwrap();

        assert_eq!(
            settings.redis_url.as_ref().map(Secret::expose),
            Some("redis://:hunter2@10.0.0.9:6379")
        );
        assert!(!format!("{settings:?}").contains("hunter2"));
    }

    #[test]
    fn a_refresh_margin_beyond_a_day_is_refused() {
        let day = with(&[("SIGNATURE_REFRESH_MARGIN_SECS", "86400")]).unwrap();
        let error = with(&[("SIGNATURE_REFRESH_MARGIN_SECS", "86401")]).unwrap_err();

        assert_eq!(day.refresh_margin, Duration::from_secs(86_400));
        assert_eq!(error.name, "SIGNATURE_REFRESH_MARGIN_SECS");
    }

    #[test]
    fn a_bad_address_names_the_setting() {
        let error = with(&[("SITE_ADDR", "nope")]).unwrap_err();

        assert_eq!(error.name, "SITE_ADDR");
        assert!(error.to_string().contains("SITE_ADDR"));
    }

    #[test]
    fn metrics_get_a_listener_of_their_own_or_none() {
        let settings = with(&[("SITE_METRICS_ADDR", "127.0.0.1:9464")]).unwrap();
        assert_eq!(settings.metrics_addr.unwrap().to_string(), "127.0.0.1:9464");

        let bad = with(&[("SITE_METRICS_ADDR", "9464")]).unwrap_err();
        assert_eq!(bad.name, "SITE_METRICS_ADDR");

        let shared = [
            ("SITE_ADDR", "127.0.0.1:3000"),
            ("SITE_METRICS_ADDR", "127.0.0.1:3000"),
        ];
        assert_eq!(with(&shared).unwrap_err().name, "SITE_METRICS_ADDR");
    }

    #[test]
    fn single_tenant_mode_takes_the_articles_variable_names() {
        let key = format!("{CLIENT}.{}", "k".repeat(64));

        let settings = with(&[("APP_CLIENT_ID", CLIENT), ("APP_API_KEY", &key)]).unwrap();

        let TenancySettings::Single { credentials, .. } = settings.tenancy else {
            panic!("not single-tenant")
        };
        assert_eq!(credentials.client_id.as_str(), CLIENT);
    }

    #[test]
    fn a_bad_api_key_is_named_but_not_echoed() {
        let error = with(&[
            ("APP_CLIENT_ID", CLIENT),
            ("APP_API_KEY", "secret-but-wrong"),
        ])
        .unwrap_err();

        assert_eq!(error.name, "APP_API_KEY");
        assert!(!error.to_string().contains("secret-but-wrong"));
    }

    #[test]
    fn a_client_id_without_a_key_is_refused() {
        let error = with(&[("APP_CLIENT_ID", CLIENT)]).unwrap_err();

        assert_eq!(error.name, "APP_API_KEY");
    }
}
