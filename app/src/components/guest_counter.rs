//! A guest-count stepper: the smallest island, hydrated in the browser.

use leptos::prelude::*;

/// The fewest guests a stay can have.
const MIN_GUESTS: u32 = 1;
/// The most guests the stepper offers.
const MAX_GUESTS: u32 = 16;

/// Lets a guest pick how many people are coming.
///
/// Rendered on the server with its initial value; the buttons only work once
/// the island has hydrated, which is what the end-to-end test relies on.
#[island]
pub fn GuestCounter(initial: u32) -> impl IntoView {
    let (guests, set_guests) = signal(initial.clamp(MIN_GUESTS, MAX_GUESTS));
    // Effects run only in the browser, so this marks the island as awake.
    let (awake, set_awake) = signal(false);
    Effect::new(move |_| set_awake.set(true));

    view! {
        <div
            class="inline-flex items-center gap-3"
            data-testid="guest-counter"
            data-hydrated=move || awake.get().then_some("true")
        >
            <button
                type="button"
                class="h-9 w-9 rounded-full border border-muted text-lg leading-none text-ink hover:border-primary hover:text-primary disabled:opacity-40"
                aria-label="Fewer guests"
                disabled=move || { guests.get() <= MIN_GUESTS }
                on:click=move |_| set_guests.update(|n| *n = (*n - 1).max(MIN_GUESTS))
            >
                "−"
            </button>
            <output class="min-w-6 text-center" aria-live="polite" data-testid="guest-count">
                {move || guests.get()}
            </output>
            <button
                type="button"
                class="h-9 w-9 rounded-full border border-muted text-lg leading-none text-ink hover:border-primary hover:text-primary disabled:opacity-40"
                aria-label="More guests"
                disabled=move || { guests.get() >= MAX_GUESTS }
                on:click=move |_| set_guests.update(|n| *n = (*n + 1).min(MAX_GUESTS))
            >
                "+"
            </button>
        </div>
    }
}
