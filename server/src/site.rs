//! The HTTP application: rendered pages, the browser bundle and assets.

use axum::{Router, routing::get};
use doorstep_app::{App, shell};
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use tower_http::services::ServeDir;

use crate::settings::Settings;

/// Builds the router serving the site described by `settings`.
pub fn router(settings: &Settings) -> Router {
    let site_root = settings.site_root.to_string_lossy().into_owned();
    let options = LeptosOptions::builder()
        .output_name("doorstep")
        .site_root(site_root)
        .site_pkg_dir("pkg")
        .site_addr(settings.addr)
        .build();
    let routes = generate_route_list(App);

    // Static files first; anything else is a page, and unknown pages are
    // rendered by the app's own 404.
    let static_files = ServeDir::new(&settings.site_root).fallback(
        get(leptos_axum::render_app_to_stream({
            let options = options.clone();
            move || shell(options.clone())
        }))
        .with_state(()),
    );

    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .leptos_routes(&options, routes, {
            let options = options.clone();
            move || shell(options.clone())
        })
        .fallback_service(static_files)
        .with_state(options)
}

/// Serves the site until the process is asked to stop.
pub async fn serve(settings: Settings) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(settings.addr).await?;
    tracing::info!(addr = %listener.local_addr()?, "doorstep-site listening");

    axum::serve(listener, router(&settings))
        .with_graceful_shutdown(shutdown_signal())
        .await
}

async fn shutdown_signal() {
    let _ = tokio::signal::ctrl_c().await;
}
