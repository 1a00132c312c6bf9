//! The page for an unknown path.

use leptos::prelude::*;

/// Shown for any path the router does not know.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }

    view! {
        <section class="mx-auto max-w-3xl px-6 py-16">
            <h1 class="text-3xl font-bold">"Page not found"</h1>
            <a href="/">"Back to the start"</a>
        </section>
    }
}
