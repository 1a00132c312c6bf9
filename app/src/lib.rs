//! The Doorstep booking site as a Leptos application.
//!
//! Pages render on the server. Only the parts a guest interacts with are
//! islands (`#[island]`), and only those hydrate in the browser, so most pages
//! ship almost no WebAssembly. The crate compiles twice: with `ssr` into the
//! site server, and with `hydrate` into the browser bundle. The browser build
//! must never contain a secret, so anything that touches credentials lives
//! behind `#[cfg(feature = "ssr")]` or in the `server` crate.

pub mod booking_api;
pub mod components;
pub mod pages;
pub mod platform;
mod shell;

pub use shell::{App, shell};

/// Entry point of the browser bundle: wakes up the islands on the page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
