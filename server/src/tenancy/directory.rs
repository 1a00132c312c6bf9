//! Loading the tenants directory (`TENANTS_DIR`; format in
//! `tenants/README.md`).
//!
//! Each folder is one tenant: `tenant.toml` (name, hosts, and the *names* of
//! the environment variables or secret files holding its credentials),
//! `theme.toml` (theme tokens) and `content.toml` (copy). The credentials
//! themselves never sit in these files: designers edit them, and they end up
//! in version control.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

use doorstep_app::platform::{ListingsCopy, TenantBrand};
use serde::Deserialize;

use super::{Tenant, host_name, theme};
use crate::credentials::{ClientId, Credentials, Secret};

/// Why the tenants directory could not be loaded. Messages name the file
/// and the field or variable, never a credential's value.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// A file or folder could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A file is not valid TOML of the expected shape.
    #[error("{path} is invalid: {message}")]
    Invalid { path: PathBuf, message: String },
    /// A credential is missing or malformed.
    #[error("tenant {slug}: {message}")]
    Credential { slug: String, message: String },
    /// No tenant folder at all.
    #[error("{0} holds no tenant folder")]
    Empty(PathBuf),
    /// Two tenants claim one host.
    #[error("host {host} is claimed by both {first} and {second}")]
    DuplicateHost {
        host: String,
        first: String,
        second: String,
    },
    /// Two tenants would call the platform with the same credentials, so one
    /// host would read and book another tenant's listings. The message names
    /// the two folders, never the client ID.
    #[error("tenants {first} and {second} are given the same platform client ID")]
    SharedCredentials { first: String, second: String },
}

#[derive(Deserialize)]
struct TenantFile {
    name: String,
    #[serde(default)]
    tagline: String,
    hosts: Vec<String>,
    #[serde(default)]
    logo: Option<String>,
    #[serde(default)]
    client_id_env: Option<String>,
    #[serde(default)]
    api_key_env: Option<String>,
    #[serde(default)]
    client_id_file: Option<PathBuf>,
    #[serde(default)]
    api_key_file: Option<PathBuf>,
}

#[derive(Deserialize, Default)]
struct ContentFile {
    #[serde(default)]
    listings: Option<ListingsSection>,
}

#[derive(Deserialize)]
struct ListingsSection {
    #[serde(default)]
    heading: Option<String>,
    #[serde(default)]
    intro: Option<String>,
}

/// Reads every tenant folder under `dir`, taking credential values through
/// `lookup` (the process environment in production).
pub fn load_directory(
    dir: &Path,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Vec<Tenant>, LoadError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| LoadError::Io { path, source }
    };

    let mut folders = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io(dir))? {
        let entry = entry.map_err(io(dir))?;
        if entry.path().join("tenant.toml").is_file() {
            folders.push(entry.path());
        }
    }
    folders.sort();
    if folders.is_empty() {
        return Err(LoadError::Empty(dir.to_path_buf()));
    }

    let tenants = folders
        .iter()
        .map(|folder| load_tenant(folder, lookup))
        .collect::<Result<Vec<_>, _>>()?;
    check_hosts(&tenants)?;
    check_credentials(&tenants)?;
    Ok(tenants)
}

fn load_tenant(
    folder: &Path,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Tenant, LoadError> {
    let slug = folder
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let file: TenantFile = read_toml(&folder.join("tenant.toml"))?;
    let tokens: BTreeMap<String, String> = read_optional_toml(&folder.join("theme.toml"))?;
    let content: ContentFile = read_optional_toml(&folder.join("content.toml"))?;

    let theme_css = theme::to_css(&tokens).map_err(|error| LoadError::Invalid {
        path: folder.join("theme.toml"),
        message: error.to_string(),
    })?;
    let hosts = file
        .hosts
        .iter()
        .map(|host| {
            host_name(host).ok_or_else(|| LoadError::Invalid {
                path: folder.join("tenant.toml"),
                message: format!("{host:?} is not a host name"),
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let credentials = credentials(&slug, folder, &file, lookup)?;

    let listings = content.listings.unwrap_or(ListingsSection {
        heading: None,
        intro: None,
    });
    let brand = TenantBrand {
        slug: slug.clone(),
        name: file.name,
        tagline: file.tagline,
        logo: file.logo,
        theme_css,
        copy: ListingsCopy {
            heading: listings.heading.unwrap_or_else(|| "Our places".into()),
            intro: listings.intro.unwrap_or_default(),
        },
    };
    Ok(Tenant {
        slug,
        hosts,
        credentials,
        brand,
    })
}

/// Reads the client ID and API key from the variables or files the tenant
/// file names.
fn credentials(
    slug: &str,
    folder: &Path,
    file: &TenantFile,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Credentials, LoadError> {
    let fail = |message: String| LoadError::Credential {
        slug: slug.to_string(),
        message,
    };
    let read = |env: &Option<String>, path: &Option<PathBuf>, what: &str| {
        if let Some(name) = env {
            if let Some(value) = lookup(name).filter(|v| !v.trim().is_empty()) {
                return Ok(value.trim().to_string());
            }
            if path.is_none() {
                return Err(fail(format!(
                    "environment variable {name} ({what}) is not set"
                )));
            }
        }
        match path {
            Some(path) => {
                let path = folder.join(path);
                std::fs::read_to_string(&path)
                    .map(|text| text.trim().to_string())
                    .map_err(|error| {
                        fail(format!(
                            "cannot read {what} file {}: {error}",
                            path.display()
                        ))
                    })
            }
            None => Err(fail(format!(
                "tenant.toml names no {what} (set {what}_env or {what}_file)"
            ))),
        }
    };

    let client_id = read(&file.client_id_env, &file.client_id_file, "client_id")?;
    let api_key = Secret::new(read(&file.api_key_env, &file.api_key_file, "api_key")?);
    let client_id = ClientId::parse(&client_id).map_err(|e| fail(e.to_string()))?;
    Credentials::new(client_id, api_key).map_err(|e| fail(e.to_string()))
}

fn check_hosts(tenants: &[Tenant]) -> Result<(), LoadError> {
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for tenant in tenants {
        for host in &tenant.hosts {
            if let Some(first) = seen.insert(host, &tenant.slug) {
                return Err(LoadError::DuplicateHost {
                    host: host.clone(),
                    first: first.to_string(),
                    second: tenant.slug.clone(),
                });
            }
        }
    }
    Ok(())
}

/// The files designers edit choose which variables or secret files hold a
/// tenant's credentials; two folders pointing at the same client is refused.
fn check_credentials(tenants: &[Tenant]) -> Result<(), LoadError> {
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for tenant in tenants {
        let client_id = tenant.credentials.client_id.as_str();
        if let Some(first) = seen.insert(client_id, &tenant.slug) {
            return Err(LoadError::SharedCredentials {
                first: first.to_string(),
                second: tenant.slug.clone(),
            });
        }
    }
    Ok(())
}

fn read_toml<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T, LoadError> {
    let text = std::fs::read_to_string(path).map_err(|source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    toml::from_str(&text).map_err(|error| LoadError::Invalid {
        path: path.to_path_buf(),
        message: error.to_string(),
    })
}

fn read_optional_toml<T: for<'de> Deserialize<'de> + Default>(path: &Path) -> Result<T, LoadError> {
    if path.exists() {
        read_toml(path)
    } else {
        Ok(T::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLIENT: &str = "BaliBaliBali1234";

    fn write(dir: &Path, slug: &str, tenant: &str, theme: &str) {
        let folder = dir.join(slug);
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("tenant.toml"), tenant).unwrap();
        std::fs::write(folder.join("theme.toml"), theme).unwrap();
    }

    fn env(name: &str) -> Option<String> {
        match name {
            "BALI_ID" => Some(CLIENT.into()),
            "BALI_KEY" => Some(format!("{CLIENT}.{}", "k".repeat(64))),
            _ => None,
        }
    }

    const BALI: &str = r#"
name = "Segara Villas"
hosts = ["bali.localhost"]
client_id_env = "BALI_ID"
api_key_env = "BALI_KEY"
"#;

    #[test]
    fn a_tenant_folder_loads_with_credentials_from_the_environment() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "bali", BALI, "primary = \"#123456\"\n");

        let tenants = load_directory(dir.path(), &env).unwrap();

        assert_eq!(tenants[0].slug, "bali");
        assert_eq!(tenants[0].credentials.client_id.as_str(), CLIENT);
        assert_eq!(tenants[0].brand.theme_css, "--ds-primary:#123456;");
    }

    #[test]
    fn a_missing_variable_is_named_without_any_value() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "bali", &BALI.replace("BALI_KEY", "NOT_SET"), "");

        let error = load_directory(dir.path(), &env).unwrap_err().to_string();

        assert!(error.contains("NOT_SET"), "{error}");
        assert!(!error.contains(CLIENT), "{error}");
    }

    #[test]
    fn two_tenants_cannot_share_a_host() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "bali", BALI, "");
        write(dir.path(), "copy", BALI, "");

        let error = load_directory(dir.path(), &env).unwrap_err();

        assert!(matches!(error, LoadError::DuplicateHost { .. }), "{error}");
    }

    #[test]
    fn an_unsafe_theme_value_stops_loading() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "bali", BALI, "primary = \"red;}</style>\"\n");

        let error = load_directory(dir.path(), &env).unwrap_err().to_string();

        assert!(error.contains("theme.toml"), "{error}");
    }

    #[test]
    fn two_tenants_cannot_share_one_platform_client() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "bali", BALI, "");
        let other_host = BALI.replace("bali.localhost", "copy.localhost");
        write(dir.path(), "copy", &other_host, "");

        let error = load_directory(dir.path(), &env).unwrap_err();

        assert!(
            matches!(error, LoadError::SharedCredentials { .. }),
            "{error}"
        );
        assert!(!error.to_string().contains(CLIENT), "{error}");
    }
}
