//! The Doorstep booking-site server.
//!
//! It renders the Leptos app, serves the browser bundle and static assets, and
//! is the only process that holds a tenant's platform credentials: it resolves
//! the tenant from the request's host, signs platform calls with a cached
//! signature, and answers guests without ever showing them a credential.

pub mod credentials;
pub mod ops;
pub mod platform;
pub mod port;
pub mod security;
pub mod settings;
pub mod signature_cache;
pub mod site;
pub mod telemetry;
pub mod tenancy;
