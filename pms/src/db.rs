//! The database handle: one `AnyPool` for SQLite and PostgreSQL alike.
//!
//! Queries are written once, with `$1`-style placeholders (SQLite reads them
//! as numbered parameters) and only `TEXT` and `BIGINT` columns, which both
//! engines and the `Any` driver agree on: ids are UUID strings, instants are
//! Unix milliseconds. Each engine has its own migration folder because DDL
//! differs (`migrations/sqlite`, `migrations/postgres`); files with the same
//! number must create the same tables.

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, ConnectOptions as _};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// Which database engine a [`Db`] talks to, for the rare query that must
/// differ between them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// SQLite, the embedded default.
    Sqlite,
    /// PostgreSQL, chosen by a `postgres://` URL.
    Postgres,
}

/// A cheap-to-clone handle on the platform's database.
#[derive(Debug, Clone)]
pub struct Db {
    pool: AnyPool,
    engine: Engine,
}

/// Why the database could not be opened or migrated.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// `DATABASE_URL` names an engine other than SQLite or PostgreSQL.
    #[error("DATABASE_URL must start with sqlite: or postgres:// (got scheme {0:?})")]
    UnsupportedUrl(String),
    /// The engine refused the connection.
    #[error("could not connect to the database named by DATABASE_URL: {0}")]
    Connect(#[source] sqlx::Error),
    /// A migration failed.
    #[error("could not migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Creating the folder of an SQLite file failed.
    #[error("could not create the folder for the SQLite file {path}: {source}")]
    CreateDir {
        /// The folder.
        path: String,
        /// What the OS said.
        #[source]
        source: std::io::Error,
    },
}

impl Db {
    /// Opens the database named by `url` and brings its schema up to date.
    ///
    /// `sqlite:` URLs create the file (and its folder) when missing;
    /// `sqlite::memory:` keeps one connection open for the pool's lifetime,
    /// since every in-memory connection is a database of its own.
    pub async fn connect(url: &str) -> Result<Db, DbError> {
        install_default_drivers();
        let engine = engine_of(url)?;

        let mut options = AnyPoolOptions::new().acquire_timeout(Duration::from_secs(10));
        let mut url = url.to_owned();
        if engine == Engine::Sqlite {
            if is_sqlite_memory(&url) {
                options = options
                    .max_connections(1)
                    .min_connections(1)
                    .idle_timeout(None)
                    .max_lifetime(None);
            } else {
                url = prepare_sqlite_file(&url)?;
                options = options.max_connections(8);
            }
        } else {
            options = options.max_connections(16);
        }

        let pool = options.connect(&url).await.map_err(DbError::Connect)?;
        if engine == Engine::Sqlite && !is_sqlite_memory(&url) {
            // Write-ahead logging lets readers go on while one connection
            // writes. The mode is stored in the file, so setting it once at
            // start-up, before any other connection is busy, is enough.
            sqlx::query("PRAGMA journal_mode = WAL")
                .execute(&pool)
                .await
                .map_err(DbError::Connect)?;
        }
        let db = Db { pool, engine };
        db.migrate().await?;
        Ok(db)
    }

    /// Applies the pending migrations of this engine.
    pub async fn migrate(&self) -> Result<(), DbError> {
        let migrator = match self.engine {
            Engine::Sqlite => &SQLITE_MIGRATIONS,
            Engine::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&self.pool).await?;
        Ok(())
    }

    /// The connection pool, for queries.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// The engine behind the pool.
    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// Closes every connection; later queries fail.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

fn engine_of(url: &str) -> Result<Engine, DbError> {
    let scheme = url.split(':').next().unwrap_or_default();
    match scheme {
        "sqlite" => Ok(Engine::Sqlite),
        "postgres" | "postgresql" => Ok(Engine::Postgres),
        other => Err(DbError::UnsupportedUrl(other.to_owned())),
    }
}

fn is_sqlite_memory(url: &str) -> bool {
    url.starts_with("sqlite::memory:") || url.contains("mode=memory")
}

/// Makes sure an SQLite file URL creates its file, and that its folder
/// exists, so a first start needs no set-up step.
fn prepare_sqlite_file(url: &str) -> Result<String, DbError> {
    let options = sqlx::sqlite::SqliteConnectOptions::from_str(url)
        .map_err(DbError::Connect)?
        .create_if_missing(true);
    let path = options.get_filename().to_owned();

    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| DbError::CreateDir {
            path: dir.display().to_string(),
            source,
        })?;
    }

    let url = options.to_url_lossy().to_string();
    Ok(url)
}

/// The current time as Unix milliseconds, the unit of every instant column.
pub fn now_millis() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_pick_their_engine() {
        assert_eq!(engine_of("sqlite::memory:").unwrap(), Engine::Sqlite);
        assert_eq!(engine_of("sqlite://data/x.db").unwrap(), Engine::Sqlite);
        assert_eq!(engine_of("postgres://u@h/db").unwrap(), Engine::Postgres);
        assert!(matches!(
            engine_of("mysql://h/db"),
            Err(DbError::UnsupportedUrl(_))
        ));
    }

    #[tokio::test]
    async fn an_in_memory_database_is_migrated_on_connect() {
        let db = Db::connect("sqlite::memory:").await.unwrap();
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM tenants")
            .fetch_one(db.pool())
            .await
            .unwrap();
        assert_eq!(count, 0);
    }
}
