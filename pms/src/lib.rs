//! The platform's public API: tenants, credentials, signature issuing and
//! verification, and (in [`booking`]) the tenant-scoped booking domain.
//!
//! # For code that builds on this crate (the booking domain)
//!
//! - [`db::Db`] wraps an `sqlx::AnyPool`; `db.pool()` for queries,
//!   `db.engine()` ([`db::Engine::Sqlite`] / [`db::Engine::Postgres`]) for
//!   the rare engine-specific statement. Write `$1`-style placeholders (they
//!   work on SQLite too) and use `TEXT`/`BIGINT` columns; instants are Unix
//!   milliseconds. Migrations live in `migrations/sqlite/` and
//!   `migrations/postgres/` (one file per number in each); 0001 is the
//!   platform's, 0002 and up are the booking domain's.
//! - [`app::AppState`] (Clone) is the router state: `state.db`,
//!   `state.settings`, `state.tenants()`.
//! - [`error::ApiError`] is the one error type; it renders
//!   `{"error": {"code", "message", "fields"?}}`. Use
//!   `ApiError::validation(fields)` / `invalid_field`, `not_found`,
//!   `conflict`, `bad_request`; `?` works on `sqlx::Error` and
//!   `QueryRejection`. Bodies are read with `booking::input::JsonBody`,
//!   whose errors name the field but never repeat the value sent.
//! - [`auth::CurrentTenant`] is the only way a handler learns its tenant:
//!   take it as an extractor and scope every query by `tenant.tenant_id`.
//!   (The layer stores it in the request extensions as
//!   `Arc<CurrentTenant>`; a test that bypasses the layer inserts that.)
//! - [`app::router`] nests `crate::booking::routes()` (a
//!   `Router<AppState>` with paths relative to `/v1/clients`, e.g.
//!   `/listings`) behind [`auth::VerifySignatureLayer`], and adds
//!   `crate::booking::openapi_paths()` to `GET /openapi.json`.
//! - Demo mode calls `crate::booking::seed_demo(&db, &tenants)` with the
//!   three demo tenants ([`demo::DemoTenant`], slugs `bali`, `lisbon`,
//!   `alps`) after creating them.
//! - [`server::serve`] is the accept loop (header-read timeout, graceful
//!   shutdown, `ConnectInfo<SocketAddr>` on every request).
//! - Tests: with the `testing` feature (on for this crate's own tests),
//!   `testing::TestApp` spawns the service on port 0 against SQLite or a
//!   fresh PostgreSQL database and makes tenants with known credentials.

pub mod app;
pub mod auth;
pub mod body_deadline;
pub mod booking;
pub mod cli;
pub mod clients;
pub mod crypto;
pub mod db;
pub mod demo;
pub mod error;
pub mod openapi;
pub mod server;
pub mod settings;
pub mod telemetry;
pub mod tenants;
#[cfg(feature = "testing")]
pub mod testing;

pub use app::{AppState, router};
pub use auth::CurrentTenant;
pub use db::{Db, Engine};
pub use error::ApiError;
