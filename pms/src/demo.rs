//! Demo mode: a throwaway platform with three tenants, on loopback.
//!
//! `doorstep-pms demo` starts from an empty SQLite file, generates a master
//! key (logged as generated, never logged itself), creates the tenants of
//! `pms/demo/{bali,lisbon,alps}.json`, lets the booking domain seed their
//! listings, prints their credentials and serves. With
//! `--credentials-out PATH` it also writes the credentials as JSON (mode
//! 0600) for `cargo xtask demo`, so the site learns them without any file a
//! designer edits.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use doorstep::api::ContactDetails;
use serde::{Deserialize, Serialize};

use crate::tenants::{ApiKey, TenantProfile, TenantStore};

/// The demo tenant files, embedded so the binary runs from anywhere.
const DEMO_FILES: [(&str, &str); 3] = [
    ("bali", include_str!("../demo/bali.json")),
    ("lisbon", include_str!("../demo/lisbon.json")),
    ("alps", include_str!("../demo/alps.json")),
];

/// Where demo mode keeps its database: recreated on every start, because
/// the master key that sealed the last run's secrets is gone.
pub const DEMO_DATABASE_DIR: &str = "data/demo";

/// A demo tenant as created for this run.
#[derive(Debug, Clone)]
pub struct DemoTenant {
    /// `bali`, `lisbon` or `alps`: the file it came from and its site host.
    pub slug: String,
    /// Internal tenant ID.
    pub tenant_id: String,
    /// Public client ID.
    pub client_id: String,
    /// Display name.
    pub name: String,
    /// Its API key (printed at start and written to `--credentials-out`).
    pub api_key: ApiKey,
    /// The demo file's JSON, for seeding.
    pub source: &'static str,
}

/// One entry of the `--credentials-out` file.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DemoCredentials {
    /// Tenant slug.
    pub slug: String,
    /// Client ID.
    pub client_id: String,
    /// API key.
    pub api_key: String,
    /// Display name.
    pub name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DemoFile {
    tenant: DemoFileTenant,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DemoFileTenant {
    name: String,
    currency: String,
    locale: String,
    time_zone: String,
    contact_email: Option<String>,
    contact_phone: Option<String>,
}

/// The SQLite URL of a fresh demo database, removing the last run's files.
pub fn fresh_database_url(dir: &Path) -> anyhow::Result<String> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let file = dir.join("pms.db");
    for suffix in ["", "-wal", "-shm"] {
        let path = PathBuf::from(format!("{}{suffix}", file.display()));
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("removing {}", path.display())),
        }
    }
    Ok(format!("sqlite://{}", file.display()))
}

/// Creates the three demo tenants.
pub async fn create_tenants(store: &TenantStore) -> anyhow::Result<Vec<DemoTenant>> {
    let mut tenants = Vec::with_capacity(DEMO_FILES.len());
    for (slug, source) in DEMO_FILES {
        let file: DemoFile = serde_json::from_str(source)
            .with_context(|| format!("reading the tenant of demo/{slug}.json"))?;
        let profile = TenantProfile {
            name: file.tenant.name.clone(),
            currency: file.tenant.currency,
            locale: file.tenant.locale,
            time_zone: file.tenant.time_zone,
            contact: ContactDetails {
                email: file.tenant.contact_email,
                phone: file.tenant.contact_phone,
                website: None,
            },
        };

        let created = store
            .create(profile)
            .await
            .with_context(|| format!("creating {slug}"))?;
        tenants.push(DemoTenant {
            slug: slug.to_owned(),
            tenant_id: created.tenant_id,
            client_id: created.client_id,
            name: file.tenant.name,
            api_key: created.api_key,
            source,
        });
    }
    Ok(tenants)
}

/// Writes the credentials file for `cargo xtask demo`, readable by the
/// owner only. The file is created with mode 0600 before anything is
/// written to it, so the keys are never readable by others even briefly.
pub fn write_credentials(path: &Path, tenants: &[DemoTenant]) -> anyhow::Result<()> {
    let entries: Vec<DemoCredentials> = tenants
        .iter()
        .map(|t| DemoCredentials {
            slug: t.slug.clone(),
            client_id: t.client_id.clone(),
            api_key: t.api_key.expose().to_owned(),
            name: t.name.clone(),
        })
        .collect();
    let json = serde_json::to_vec_pretty(&entries)?;

    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    write_private(path, &json).with_context(|| format!("writing {}", path.display()))
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};

    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    // An existing file keeps its old mode through `open`; tighten it.
    file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    file.write_all(contents)?;
    file.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, contents)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_demo_file_has_a_valid_tenant_profile() {
        for (slug, source) in DEMO_FILES {
            let file: DemoFile = serde_json::from_str(source).unwrap();
            let profile = TenantProfile {
                name: file.tenant.name,
                currency: file.tenant.currency,
                locale: file.tenant.locale,
                time_zone: file.tenant.time_zone,
                contact: ContactDetails {
                    email: file.tenant.contact_email,
                    phone: file.tenant.contact_phone,
                    website: None,
                },
            };
            assert_eq!(profile.validate(), Ok(()), "{slug}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn the_credentials_file_is_readable_by_its_owner_only() {
        use std::os::unix::fs::PermissionsExt as _;

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("creds.json");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();

        let tenant = DemoTenant {
            slug: "bali".into(),
            tenant_id: "t".into(),
            client_id: "AAAAAAAAAAAAAAAA".into(),
            name: "Segara Villas".into(),
            api_key: ApiKey::new("key"),
            source: "",
        };
        write_credentials(&path, &[tenant]).unwrap();

        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let written: Vec<DemoCredentials> =
            serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(written[0].api_key, "key");
        assert_eq!(written[0].slug, "bali");
    }
}
