//! The HTML document around every page, and the route table.

use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::{
    SsrMode, StaticSegment,
    components::{Route, Router, Routes},
};

use crate::{
    pages::{ListingsPage, NotFoundPage, SiteHome},
    platform::SiteHost,
};

/// Renders the whole HTML document for one request.
///
/// The hydration scripts run in islands mode: the browser loads the bundle
/// only to wake up `<leptos-island>` elements.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" type="image/svg+xml" href="/favicon.svg" />
                <AutoReload options=options.clone() />
                <HydrationScripts options islands=true />
                <MetaTags />
                <TenantTheme />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The application: metadata, stylesheet and routes.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();

    view! {
        <Stylesheet id="doorstep" href="/pkg/doorstep.css" />
        <Title text="Doorstep" />
        <Router>
            <main>
                <Routes fallback=NotFoundPage>
                    // Async: the status (503 when the platform is away) must
                    // be known before the first byte is sent.
                    <Route path=StaticSegment("") view=SiteHome ssr=SsrMode::Async />
                    <Route path=StaticSegment("listings") view=ListingsPage ssr=SsrMode::Async />
                </Routes>
            </main>
        </Router>
    }
}

/// The tenant's theme tokens as CSS custom properties on `:root`, in a
/// `<style>` carrying the request's CSP nonce. The server validated the
/// values, so they cannot end the element.
#[component]
fn TenantTheme() -> impl IntoView {
    let css = match SiteHost::current() {
        Some(SiteHost::Tenant(brand)) if !brand.theme_css.is_empty() => brand.theme_css,
        _ => return None,
    };
    Some(view! { <style nonce=leptos::nonce::use_nonce() inner_html=format!(":root{{{css}}}") /> })
}
