//! The landing page.

use leptos::prelude::*;

use crate::components::GuestCounter;

/// The landing page of the site.
#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <section class="mx-auto max-w-3xl px-6 py-16">
            <h1 class="text-4xl font-bold">"Book direct"</h1>
            <p class="mt-4 text-lg">"Browse our places and book without an account."</p>
            <div class="mt-8"><GuestCounter initial=2 /></div>
        </section>
    }
}
