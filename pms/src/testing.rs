//! Test support (feature `testing`): the real service on port 0.
//!
//! ```no_run
//! # async fn example() {
//! use doorstep_pms::testing::{TestApp, TestEngine};
//!
//! let app = TestApp::spawn(TestEngine::Sqlite).await;
//! let tenant = app.create_tenant("Villa Co").await;
//! let signature = app.signature(&tenant).await;
//! let response = app.signed_get("/v1/clients/me", &tenant, &signature).await;
//! assert_eq!(response.status(), 200);
//! # }
//! ```

use std::net::SocketAddr;
use std::time::Duration;

use doorstep::api::{Envelope, SignatureResponse};
use doorstep::headers;

use crate::app::{AppState, router};
use crate::crypto::MasterKey;
use crate::db::Db;
use crate::settings::Settings;
use crate::tenants::credentials::{generate_api_key, generate_client_id, generate_secret_key};
use crate::tenants::{ImportedTenant, TenantProfile};

/// Which engine a test runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestEngine {
    /// A fresh SQLite file in a temporary folder.
    Sqlite,
    /// A fresh database on the local PostgreSQL (`TEST_POSTGRES_URL`,
    /// default `postgres://postgres@127.0.0.1:5432`), dropped afterwards.
    Postgres,
}

/// A tenant made for a test, with every credential known.
#[derive(Debug, Clone)]
pub struct TestTenant {
    /// Internal tenant ID.
    pub tenant_id: String,
    /// Client ID.
    pub client_id: String,
    /// API key.
    pub api_key: String,
    /// Secret key, so tests can sign timestamps of their choosing.
    pub secret_key: String,
}

/// The service, listening on 127.0.0.1 at a free port.
pub struct TestApp {
    /// Where it listens.
    pub addr: SocketAddr,
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
    /// Its state (database, settings, credential cache).
    pub state: AppState,
    /// An HTTP client.
    pub client: reqwest::Client,
    server: tokio::task::JoinHandle<()>,
    cleanup: Cleanup,
}

enum Cleanup {
    /// Dropping the folder deletes the database.
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres {
        admin_url: String,
        name: String,
    },
    Done,
}

/// The PostgreSQL server tests create their databases on.
pub fn postgres_admin_url() -> String {
    std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

/// Settings for tests: small rate limits are set by the tests that need
/// them; the cache TTL is long so tests that want staleness set it.
pub fn test_settings() -> Settings {
    Settings {
        addr: "127.0.0.1:0".parse().expect("address parses"),
        ..Settings::default()
    }
}

impl TestApp {
    /// Spawns the service with [`test_settings`].
    pub async fn spawn(engine: TestEngine) -> TestApp {
        Self::spawn_with(engine, |_| {}).await
    }

    /// Spawns the service after `adjust` has changed the test settings.
    pub async fn spawn_with(engine: TestEngine, adjust: impl FnOnce(&mut Settings)) -> TestApp {
        crate::telemetry::init_for_tests();
        let mut settings = test_settings();
        adjust(&mut settings);

        let (url, cleanup) = match engine {
            TestEngine::Sqlite => {
                let dir = tempfile::tempdir().expect("temporary folder");
                let url = format!("sqlite://{}", dir.path().join("pms.db").display());
                (url, Cleanup::Sqlite(dir))
            }
            TestEngine::Postgres => {
                let admin_url = postgres_admin_url();
                let name = format!("doorstep_test_{}", uuid::Uuid::new_v4().simple());
                create_postgres_database(&admin_url, &name).await;
                (
                    format!("{admin_url}/{name}"),
                    Cleanup::Postgres { admin_url, name },
                )
            }
        };
        settings.database_url = url;

        let db = Db::connect(&settings.database_url)
            .await
            .expect("test database opens");
        let state = AppState::new(db, MasterKey::generate(), settings);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind port 0");
        let addr = listener.local_addr().expect("local address");
        let app = router(state.clone());
        let timeout = state.settings.header_read_timeout;
        let server = tokio::spawn(crate::server::serve(
            listener,
            app,
            timeout,
            std::future::pending(),
        ));

        TestApp {
            addr,
            base_url: format!("http://{addr}"),
            state,
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .expect("HTTP client"),
            server,
            cleanup,
        }
    }

    /// The database.
    pub fn db(&self) -> &Db {
        &self.state.db
    }

    /// Creates a tenant with fresh, known credentials (through import, the
    /// only way credentials can be chosen).
    pub async fn create_tenant(&self, name: &str) -> TestTenant {
        let client_id = generate_client_id();
        let tenant = ImportedTenant {
            tenant_id: uuid::Uuid::new_v4().to_string(),
            api_key: generate_api_key(&client_id),
            client_id,
            secret_key: generate_secret_key(),
            profile: TenantProfile::named(name),
        };
        self.state
            .tenants()
            .import(&tenant)
            .await
            .expect("test tenant is stored");
        TestTenant {
            tenant_id: tenant.tenant_id,
            client_id: tenant.client_id,
            api_key: tenant.api_key.expose().to_owned(),
            secret_key: tenant.secret_key.expose().to_owned(),
        }
    }

    /// `POST /auth/signature` for `tenant`; panics unless it succeeds.
    pub async fn signature(&self, tenant: &TestTenant) -> SignatureResponse {
        let response = self
            .client
            .post(format!("{}/auth/signature", self.base_url))
            .header(headers::CLIENT_ID, &tenant.client_id)
            .header(headers::API_KEY, &tenant.api_key)
            .json(&serde_json::json!({"clientId": tenant.client_id}))
            .send()
            .await
            .expect("request is sent");
        assert_eq!(response.status(), 200, "signature is issued");
        response
            .json::<Envelope<SignatureResponse>>()
            .await
            .expect("signature body")
            .data
    }

    /// A GET carrying `tenant`'s credentials and `signature`.
    pub async fn signed_get(
        &self,
        path: &str,
        tenant: &TestTenant,
        signature: &SignatureResponse,
    ) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base_url))
            .header(headers::CLIENT_ID, &tenant.client_id)
            .header(headers::API_KEY, &tenant.api_key)
            .header(headers::SIGNATURE, &signature.signature)
            .header(headers::TIMESTAMP, &signature.expires_at)
            .send()
            .await
            .expect("request is sent")
    }

    /// Stops the server and drops the PostgreSQL database, if any.
    pub async fn stop(mut self) {
        self.server.abort();
        self.state.db.close().await;
        if let Cleanup::Postgres { admin_url, name } = &self.cleanup {
            drop_postgres_database(admin_url, name).await;
        }
        self.cleanup = Cleanup::Done;
    }
}

impl Drop for TestApp {
    /// A test that panicked before [`TestApp::stop`] still drops its
    /// PostgreSQL database, from a thread of its own since `drop` cannot
    /// await. `WITH (FORCE)` ends the pool's open connections.
    fn drop(&mut self) {
        self.server.abort();
        if let Cleanup::Postgres { admin_url, name } =
            std::mem::replace(&mut self.cleanup, Cleanup::Done)
        {
            let dropper = std::thread::spawn(move || {
                if let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    runtime.block_on(drop_postgres_database(&admin_url, &name));
                }
            });
            let _ = dropper.join();
        }
    }
}

async fn create_postgres_database(admin_url: &str, name: &str) {
    use sqlx::Connection as _;
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(&format!("{admin_url}/postgres"))
        .await
        .expect("PostgreSQL is reachable for tests");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await
        .expect("test database is created");
    let _ = conn.close().await;
}

async fn drop_postgres_database(admin_url: &str, name: &str) {
    use sqlx::Connection as _;
    if let Ok(mut conn) = sqlx::AnyConnection::connect(&format!("{admin_url}/postgres")).await {
        let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
        )))
        .execute(&mut conn)
        .await;
        let _ = conn.close().await;
    }
}
