//! The HTML document around every page, and the route table.

use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::{
    StaticSegment,
    components::{Route, Router, Routes},
};

use crate::pages::{HomePage, NotFoundPage};

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
                <AutoReload options=options.clone() />
                <HydrationScripts options islands=true />
                <MetaTags />
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
                    <Route path=StaticSegment("") view=HomePage />
                </Routes>
            </main>
        </Router>
    }
}
