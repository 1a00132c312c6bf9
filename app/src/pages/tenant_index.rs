//! The index of a multi-tenant site (`localhost:3000` in the demo): the
//! tenants' sites, linked by host.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::platform::TenantLink;

/// Lists every tenant's site.
#[component]
pub fn TenantIndexPage(tenants: Vec<TenantLink>) -> impl IntoView {
    view! {
        <Title text="Doorstep demo" />
        <section class="mx-auto max-w-3xl px-6 py-16">
            <h1 class="font-heading text-4xl text-ink">"Doorstep demo"</h1>
            <p class="mt-4 text-lg text-muted">
                "Each property manager has a booking site of its own, on its own host."
            </p>
            <ul class="mt-8 space-y-4" data-testid="tenant-index">
                {tenants
                    .into_iter()
                    .map(|tenant| view! {
                        <li>
                            <a class="font-heading text-2xl text-primary underline" href=tenant.url.clone()>
                                {tenant.name}
                            </a>
                            <p class="text-muted">{tenant.tagline}</p>
                            <p class="text-sm text-muted">{tenant.url}</p>
                        </li>
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}
