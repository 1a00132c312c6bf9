//! Typed settings of the site server, read from the environment.
//!
//! Every setting has an embedded default good for local use, so the binary
//! starts with no configuration at all; a value that is set but invalid stops
//! start-up with a message naming the variable.

use std::{net::SocketAddr, path::PathBuf};

/// A setting that is present but unusable.
#[derive(Debug, thiserror::Error)]
#[error("setting {name} is invalid: {reason}")]
pub struct SettingsError {
    /// The environment variable at fault.
    pub name: &'static str,
    /// What is wrong with its value (never the value itself).
    pub reason: String,
}

/// Everything the site server needs to start.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where the server listens (`SITE_ADDR`, default `127.0.0.1:3000`).
    pub addr: SocketAddr,
    /// The folder with the built bundle under `pkg/` and the public assets
    /// (`SITE_ROOT`, default `target/site`).
    pub site_root: PathBuf,
}

impl Settings {
    /// Reads the settings from the process environment.
    pub fn from_env() -> Result<Self, SettingsError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the settings through `lookup`, so tests need not touch the
    /// process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, SettingsError> {
        let addr = match lookup("SITE_ADDR") {
            Some(value) => value.parse().map_err(|_| SettingsError {
                name: "SITE_ADDR",
                reason: "expected a socket address such as 127.0.0.1:3000".into(),
            })?,
            None => SocketAddr::from(([127, 0, 0, 1], 3000)),
        };
        let site_root = lookup("SITE_ROOT")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("target/site"));

        Ok(Self { addr, site_root })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_apply_when_nothing_is_set() {
        let settings = Settings::from_lookup(|_| None).unwrap();

        assert_eq!(settings.addr.to_string(), "127.0.0.1:3000");
        assert_eq!(settings.site_root, PathBuf::from("target/site"));
    }

    #[test]
    fn a_bad_address_names_the_setting() {
        let error =
            Settings::from_lookup(|name| (name == "SITE_ADDR").then(|| "nope".into())).unwrap_err();

        assert_eq!(error.name, "SITE_ADDR");
        assert!(error.to_string().contains("SITE_ADDR"));
    }
}
