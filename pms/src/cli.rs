//! The `doorstep-pms` command line: the service and the operator commands.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context as _, bail};
use clap::{Args, Parser, Subcommand};
use doorstep::api::ContactDetails;
use serde::Deserialize;

use crate::app::{AppState, router};
use crate::crypto::MasterKey;
use crate::db::Db;
use crate::settings::Settings;
use crate::tenants::{
    ApiKey, ImportedTenant, SecretKey, TenantProfile, TenantStore, TenantSummary,
};

/// The Doorstep platform API.
#[derive(Debug, Parser)]
#[command(name = "doorstep-pms", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the platform API (needs PMS_MASTER_KEY or PMS_MASTER_KEY_FILE).
    Serve,
    /// Serve a throwaway platform with three demo tenants on loopback.
    Demo {
        /// Also write the demo credentials to this file (JSON, mode 0600).
        #[arg(long, value_name = "PATH")]
        credentials_out: Option<PathBuf>,
        /// The folder of the throwaway database, emptied at start; give each
        /// demo running at the same time its own.
        #[arg(long, value_name = "DIR", default_value = crate::demo::DEMO_DATABASE_DIR)]
        data_dir: PathBuf,
    },
    /// Manage tenants.
    #[command(subcommand)]
    Tenants(TenantCommand),
}

#[derive(Debug, Subcommand)]
enum TenantCommand {
    /// Create a tenant; prints its client ID and API key once.
    Create(CreateArgs),
    /// List tenants (no secrets).
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Show one tenant (no secrets).
    Show {
        /// The tenant's client ID.
        client_id: String,
    },
    /// Disable a tenant: no new signatures, and requests fail once the
    /// running service's credential cache expires.
    Disable {
        /// The tenant's client ID.
        client_id: String,
    },
    /// Enable a disabled tenant.
    Enable {
        /// The tenant's client ID.
        client_id: String,
    },
    /// Import tenants with existing credentials from a JSON or TOML file.
    Import {
        /// JSON array of tenants, or TOML with a [[tenants]] array.
        file: PathBuf,
    },
    /// Issue a new API key; the current one keeps working for the overlap.
    RotateApiKey {
        /// The tenant's client ID.
        client_id: String,
        /// Seconds the current key keeps working (default
        /// PMS_API_KEY_OVERLAP_SECS, 86400).
        #[arg(long, value_name = "SECS")]
        overlap_secs: Option<u64>,
    },
    /// Replace the secret key; signatures already issued keep verifying
    /// until they expire.
    RotateSecret {
        /// The tenant's client ID.
        client_id: String,
    },
}

#[derive(Debug, Args)]
struct CreateArgs {
    /// Display name of the property manager.
    #[arg(long)]
    name: String,
    /// Default currency, ISO 4217.
    #[arg(long, default_value = "EUR")]
    currency: String,
    /// Default locale, BCP 47.
    #[arg(long, default_value = "en-GB")]
    locale: String,
    /// IANA time zone.
    #[arg(long, default_value = "UTC")]
    time_zone: String,
    /// Contact e-mail.
    #[arg(long)]
    email: Option<String>,
    /// Contact phone.
    #[arg(long)]
    phone: Option<String>,
    /// Website.
    #[arg(long)]
    website: Option<String>,
}

/// One tenant of an import file.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ImportRecord {
    tenant_id: String,
    client_id: String,
    api_key: String,
    secret_key: String,
    name: String,
    currency: Option<String>,
    locale: Option<String>,
    time_zone: Option<String>,
    #[serde(default)]
    contact: ContactDetails,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlImport {
    tenants: Vec<ImportRecord>,
}

/// Parses the command line, runs it and turns errors into a message and a
/// non-zero exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    crate::telemetry::init();

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: could not start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let settings = Settings::from_env()?;
    match cli.command {
        Command::Serve => serve(settings).await,
        Command::Demo {
            credentials_out,
            data_dir,
        } => demo(settings, credentials_out.as_deref(), &data_dir).await,
        Command::Tenants(command) => tenants(settings, command).await,
    }
}

fn require_master_key() -> anyhow::Result<MasterKey> {
    MasterKey::from_env()?.context(
        "no master key: set PMS_MASTER_KEY (base64 of 32 bytes, e.g. `openssl rand -base64 32`) \
         or PMS_MASTER_KEY_FILE; `doorstep-pms demo` runs without one",
    )
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    let master_key = require_master_key()?;
    let db = Db::connect(&settings.database_url).await?;
    listen(AppState::new(db, master_key, settings)).await
}

async fn demo(
    mut settings: Settings,
    credentials_out: Option<&Path>,
    data_dir: &Path,
) -> anyhow::Result<()> {
    if !settings.addr.ip().is_loopback() {
        bail!(
            "demo mode listens on loopback only; PMS_ADDR is {}",
            settings.addr
        );
    }
    settings.database_url = crate::demo::fresh_database_url(data_dir)?;
    let master_key = MasterKey::generate();
    tracing::info!("demo mode: generated a throwaway master key for this run (not shown)");

    let db = Db::connect(&settings.database_url).await?;
    let store = TenantStore::new(db.clone(), master_key.clone());
    let tenants = crate::demo::create_tenants(&store).await?;
    crate::booking::seed_demo(&db, &tenants)
        .await
        .context("seeding the demo listings")?;

    println!("Demo tenants (credentials are new on every start):");
    for tenant in &tenants {
        println!(
            "  {:<7} {:<20} clientId {}  apiKey {}",
            tenant.slug,
            tenant.name,
            tenant.client_id,
            tenant.api_key.expose()
        );
    }
    if let Some(path) = credentials_out {
        crate::demo::write_credentials(path, &tenants)?;
        println!("Credentials written to {} (mode 0600)", path.display());
    }

    listen(AppState::new(db, master_key, settings)).await
}

async fn listen(state: AppState) -> anyhow::Result<()> {
    let addr = state.settings.addr;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("could not listen on PMS_ADDR {addr}"))?;
    let local = listener.local_addr()?;
    // Printed, not only logged: scripts and tests read the actual port.
    println!("doorstep-pms listening on http://{local}");
    tracing::info!(addr = %local, "listening");

    let timeout = state.settings.header_read_timeout;
    crate::booking::sweeper::start(&state.db);
    crate::server::serve(listener, router(state), timeout, shutdown_signal()).await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();

    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

async fn tenants(settings: Settings, command: TenantCommand) -> anyhow::Result<()> {
    let master_key = require_master_key()?;
    let db = Db::connect(&settings.database_url).await?;
    let store = TenantStore::new(db, master_key);
    let cache_note = format!(
        "A running service picks this up within its credential cache TTL ({} ms).",
        settings.credential_cache_ttl.as_millis()
    );

    match command {
        TenantCommand::Create(args) => {
            let profile = TenantProfile {
                name: args.name,
                currency: args.currency,
                locale: args.locale,
                time_zone: args.time_zone,
                contact: ContactDetails {
                    email: args.email,
                    phone: args.phone,
                    website: args.website,
                },
            };
            let created = store.create(profile).await?;
            println!("tenantId  {}", created.tenant_id);
            println!("clientId  {}", created.client_id);
            println!("apiKey    {}", created.api_key.expose());
            println!("The API key is shown this once; the platform keeps only its hash.");
        }
        TenantCommand::List { json } => {
            let tenants = store.list().await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&tenants)?);
            } else {
                print_table(&tenants);
            }
        }
        TenantCommand::Show { client_id } => {
            let tenant = store.summary(&client_id).await?;
            println!("{}", serde_json::to_string_pretty(&tenant)?);
        }
        TenantCommand::Disable { client_id } => {
            store.set_disabled(&client_id, true).await?;
            println!("Disabled {client_id}. {cache_note}");
        }
        TenantCommand::Enable { client_id } => {
            store.set_disabled(&client_id, false).await?;
            println!("Enabled {client_id}. {cache_note}");
        }
        TenantCommand::Import { file } => {
            let tenants = read_import_file(&file)?;
            for (index, tenant) in tenants.iter().enumerate() {
                store.import(tenant).await.with_context(|| {
                    format!(
                        "importing tenant {} of {} ({} imported before it)",
                        index + 1,
                        tenants.len(),
                        index
                    )
                })?;
                println!("Imported {} ({})", tenant.client_id, tenant.profile.name);
                if tenant.secret_key.expose().len() < 43 {
                    println!(
                        "  warning: its secret key is shorter than 43 characters (256 bits of \
                         base64url); once its sites use this platform, run \
                         `tenants rotate-secret {}`",
                        tenant.client_id
                    );
                }
            }
        }
        TenantCommand::RotateApiKey {
            client_id,
            overlap_secs,
        } => {
            let overlap = overlap_secs.map_or(settings.api_key_overlap, Duration::from_secs);
            let api_key = store.rotate_api_key(&client_id, overlap).await?;
            println!("apiKey    {}", api_key.expose());
            println!(
                "The previous key keeps working for {} s. The new key is shown this once. {cache_note}",
                overlap.as_secs()
            );
        }
        TenantCommand::RotateSecret { client_id } => {
            let overlap = settings.signature_lifetime + settings.clock_skew;
            store.rotate_secret(&client_id, overlap).await?;
            println!(
                "Rotated the secret of {client_id}. Signatures made under the previous secret \
                 keep verifying for {} s, until they have all expired. {cache_note}",
                overlap.as_secs()
            );
        }
    }
    Ok(())
}

fn print_table(tenants: &[TenantSummary]) {
    println!(
        "{:<16}  {:<8}  {:<3}  {:<6}  name",
        "clientId", "status", "cur", "keys"
    );
    for t in tenants {
        let status = if t.disabled { "disabled" } else { "enabled" };
        println!(
            "{:<16}  {:<8}  {:<3}  {:<6}  {}",
            t.client_id, status, t.currency, t.active_api_keys, t.name
        );
    }
}

/// Reads an import file: TOML when it ends in `.toml`, JSON otherwise.
/// Every record is checked before anything is written.
fn read_import_file(path: &Path) -> anyhow::Result<Vec<ImportedTenant>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let records: Vec<ImportRecord> = if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
    {
        toml::from_str::<TomlImport>(&text)
            .map_err(|e| {
                anyhow::anyhow!(
                    "{} is not a valid import file: {}",
                    path.display(),
                    e.message()
                )
            })?
            .tenants
    } else {
        // serde_json's messages name the position, never the value.
        serde_json::from_str(&text)
            .with_context(|| format!("{} is not a valid JSON import file", path.display()))?
    };

    let tenants: Vec<ImportedTenant> = records
        .into_iter()
        .map(|r| {
            let defaults = TenantProfile::named(r.name.clone());
            ImportedTenant {
                tenant_id: r.tenant_id,
                client_id: r.client_id,
                api_key: ApiKey::new(r.api_key),
                secret_key: SecretKey::new(r.secret_key),
                profile: TenantProfile {
                    name: r.name,
                    currency: r.currency.unwrap_or(defaults.currency),
                    locale: r.locale.unwrap_or(defaults.locale),
                    time_zone: r.time_zone.unwrap_or(defaults.time_zone),
                    contact: r.contact,
                },
            }
        })
        .collect();

    for tenant in &tenants {
        tenant
            .profile
            .validate()
            .with_context(|| format!("tenant {}", tenant.tenant_id))?;
    }
    Ok(tenants)
}
