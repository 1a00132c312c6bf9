//! Tenant isolation: with tenant B's credentials, every booking endpoint
//! given tenant A's IDs answers exactly what it answers for an ID that does
//! not exist, and A's data stays as it was.

mod booking_support;

use booking_support::{Guest, Reply, booking_body, card_body, day, test_cards};
use doorstep_pms::testing::{TestApp, TestEngine};
use reqwest::Method;
use serde_json::{Value, json};

/// A's IDs and the same shapes that exist nowhere.
struct Ids {
    listing: String,
    quote: String,
    booking: String,
    reference: String,
}

async fn tenant_a_data(a: &Guest) -> Ids {
    let listing = a.listing_id("sea-view").await;
    let quote = a.quote(&listing, day(30), day(33), 2).await;
    let quote_id = quote["id"].as_str().unwrap().to_owned();
    let booking = a.book(&quote_id, "a-key").await;
    assert_eq!(booking.status, 201);
    let data = booking.data();
    // A second quote, unused, so B can try to book one of A's live quotes.
    let fresh = a.quote(&listing, day(40), day(43), 2).await;
    Ids {
        listing,
        quote: fresh["id"].as_str().unwrap().to_owned(),
        booking: data["id"].as_str().unwrap().to_owned(),
        reference: data["reference"].as_str().unwrap().to_owned(),
    }
}

/// Every endpoint that takes an ID, called with `ids`.
async fn walk(b: &Guest, ids: &Ids) -> Vec<(String, Reply)> {
    let quote = json!({"listingId": ids.listing, "checkIn": day(50).to_string(),
                       "checkOut": day(53).to_string(), "guests": 2});
    let guest = json!({"reference": ids.reference, "email": "ana@example.com"});
    let booking = booking_body(&ids.quote);
    vec![
        (
            "listing".into(),
            b.get(&format!("/listings/{}", ids.listing)).await,
        ),
        (
            "calendar".into(),
            b.get(&format!("/listings/{}/calendar", ids.listing)).await,
        ),
        ("quote".into(), b.post("/quotes", quote).await),
        (
            "quote show".into(),
            b.get(&format!("/quotes/{}", ids.quote)).await,
        ),
        (
            "booking".into(),
            b.send(Method::POST, "/bookings", Some(&booking), Some("b-key"))
                .await,
        ),
        (
            "booking show".into(),
            b.get(&format!("/bookings/{}", ids.booking)).await,
        ),
        (
            "payment".into(),
            b.post(
                &format!("/bookings/{}/payments", ids.booking),
                card_body(test_cards::SUCCESS),
            )
            .await,
        ),
        (
            "lookup".into(),
            b.post("/bookings/lookup", guest.clone()).await,
        ),
        ("cancel".into(), b.post("/bookings/cancel", guest).await),
    ]
}

async fn another_tenants_ids_answer_like_ids_that_do_not_exist(engine: TestEngine) {
    let app = TestApp::spawn(engine).await;
    let a = Guest::new(&app, "Tenant A").await;
    let b = Guest::new(&app, "Tenant B").await;
    let theirs = tenant_a_data(&a).await;
    let nobodys = Ids {
        listing: "6b1e0d6c-0000-4000-8000-000000000001".into(),
        quote: "6b1e0d6c-0000-4000-8000-000000000002".into(),
        booking: "6b1e0d6c-0000-4000-8000-000000000003".into(),
        reference: "DS-ZZZZZZZZ".into(),
    };

    let with_theirs = walk(&b, &theirs).await;
    let with_nobodys = walk(&b, &nobodys).await;

    for ((endpoint, theirs), (_, nobodys)) in with_theirs.iter().zip(&with_nobodys) {
        assert_eq!(theirs.status, 404, "{endpoint}: {:?}", theirs.body);
        assert_eq!(theirs.body, nobodys.body, "{endpoint}");
    }

    let b_listings: Vec<String> = b.listings().await.items.into_iter().map(|l| l.id).collect();
    assert!(!b_listings.contains(&theirs.listing));
    let a_booking = a.get(&format!("/bookings/{}", theirs.booking)).await;
    assert_eq!(a_booking.data()["status"], "held");
    assert_eq!(a_booking.data()["amountPaid"], 0);
    let found = a
        .post(
            "/bookings/lookup",
            json!({"reference": theirs.reference, "email": "ana@example.com"}),
        )
        .await;
    assert_eq!(found.status, 200);

    // B's idempotency keys are B's own: the same key string as A's is no replay.
    let b_quote = b.quote("sea-view", day(30), day(33), 2).await;
    let b_booking = b.book(b_quote["id"].as_str().unwrap(), "a-key").await;
    assert_eq!(b_booking.status, 201, "{:?}", b_booking.body);
    assert_ne!(b_booking.data()["id"], Value::from(theirs.booking.clone()));

    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_tenants_ids_answer_like_ids_that_do_not_exist_on_sqlite() {
    another_tenants_ids_answer_like_ids_that_do_not_exist(TestEngine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_tenants_ids_answer_like_ids_that_do_not_exist_on_postgres() {
    another_tenants_ids_answer_like_ids_that_do_not_exist(TestEngine::Postgres).await;
}
