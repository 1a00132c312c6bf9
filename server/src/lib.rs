//! The Doorstep booking-site server.
//!
//! It renders the Leptos app, serves the browser bundle and static assets, and
//! is the only process that holds a tenant's platform credentials.

pub mod settings;
pub mod site;
pub mod telemetry;
