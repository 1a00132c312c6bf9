//! No double booking: 50 guests race for overlapping dates of one listing;
//! the database lets exactly one of them hold the dates, on both engines.

mod booking_support;

use std::sync::Arc;

use booking_support::{Guest, day, test_cards};
use doorstep_pms::testing::{TestApp, TestEngine};
use sqlx::Row as _;

const RACERS: usize = 50;

async fn fifty_concurrent_bookings_of_overlapping_dates_confirm_exactly_one(engine: TestEngine) {
    // Arrange: 50 quotes for stays of 3 nights starting on +60, +61 or +62,
    // so every stay contains the night of +62.
    let app = TestApp::spawn(engine).await;
    let guest = Arc::new(Guest::new(&app, "Race Stays").await);
    let mut quote_ids = Vec::with_capacity(RACERS);
    for i in 0..RACERS {
        let start = 60 + (i % 3) as i32;
        let quote = guest.quote("sea-view", day(start), day(start + 3), 2).await;
        quote_ids.push(quote["id"].as_str().unwrap().to_owned());
    }

    // Act: all 50 bookings at once, each with its own idempotency key.
    let mut racers = tokio::task::JoinSet::new();
    for (i, quote_id) in quote_ids.into_iter().enumerate() {
        let guest = Arc::clone(&guest);
        racers.spawn(async move { guest.book(&quote_id, &format!("race-{i}")).await });
    }
    let replies = racers.join_all().await;

    // Assert: one hold, 49 clear refusals, and one confirmed booking after payment.
    let winners: Vec<_> = replies.iter().filter(|r| r.status == 201).collect();
    assert_eq!(winners.len(), 1, "exactly one booking holds the dates");
    for loser in replies.iter().filter(|r| r.status != 201) {
        assert_eq!(loser.status, 409, "{:?}", loser.body);
        assert_eq!(loser.code(), "dates_unavailable");
        assert_eq!(
            loser.body["error"]["message"],
            "The dates are no longer available."
        );
    }

    let winner_id = winners[0].data()["id"].as_str().unwrap();
    let paid = guest.pay(winner_id, test_cards::SUCCESS).await;
    assert_eq!(paid.data()["status"], "confirmed");

    let listing_id = guest.listing_id("sea-view").await;
    let row = sqlx::query(
        "SELECT COUNT(*) AS nights, COUNT(DISTINCT booking_id) AS bookings FROM booked_nights \
         WHERE listing_id = $1 AND night >= $2 AND night < $3",
    )
    .bind(&listing_id)
    .bind(day(60).to_string())
    .bind(day(65).to_string())
    .fetch_one(app.db().pool())
    .await
    .unwrap();
    assert_eq!(row.get::<i64, _>("nights"), 3);
    assert_eq!(row.get::<i64, _>("bookings"), 1);
    let confirmed: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM bookings WHERE listing_id = $1 AND status = 'confirmed' \
         AND check_in >= $2",
    )
    .bind(&listing_id)
    .bind(day(60).to_string())
    .fetch_one(app.db().pool())
    .await
    .unwrap();
    assert_eq!(confirmed, 1);

    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_bookings_of_overlapping_dates_confirm_exactly_one_on_sqlite() {
    fifty_concurrent_bookings_of_overlapping_dates_confirm_exactly_one(TestEngine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_bookings_of_overlapping_dates_confirm_exactly_one_on_postgres() {
    fifty_concurrent_bookings_of_overlapping_dates_confirm_exactly_one(TestEngine::Postgres).await;
}

async fn the_database_itself_refuses_a_second_claim_on_a_night(engine: TestEngine) {
    let app = TestApp::spawn(engine).await;
    let guest = Guest::new(&app, "Constraint Stays").await;
    let listing_id = guest.listing_id("sea-view").await;
    let insert = || {
        sqlx::query("INSERT INTO booked_nights (listing_id, night) VALUES ($1, $2)")
            .bind(listing_id.clone())
            .bind(day(70).to_string())
            .execute(app.db().pool())
    };

    insert().await.expect("the first claim is stored");
    let second = insert().await;

    let error = second.expect_err("a second claim on the same night is refused");
    assert!(
        matches!(&error, sqlx::Error::Database(e) if e.is_unique_violation()),
        "{error}"
    );
    app.stop().await;
}

#[tokio::test]
async fn the_database_itself_refuses_a_second_claim_on_a_night_on_sqlite() {
    the_database_itself_refuses_a_second_claim_on_a_night(TestEngine::Sqlite).await;
}

#[tokio::test]
async fn the_database_itself_refuses_a_second_claim_on_a_night_on_postgres() {
    the_database_itself_refuses_a_second_claim_on_a_night(TestEngine::Postgres).await;
}

async fn concurrent_payments_of_one_booking_confirm_it_once(engine: TestEngine) {
    let app = TestApp::spawn(engine).await;
    let guest = Arc::new(Guest::new(&app, "Payment Stays").await);
    let quote = guest.quote("sea-view", day(80), day(83), 2).await;
    let booking = guest.book(quote["id"].as_str().unwrap(), "pay-race").await;
    let booking_id = booking.data()["id"].as_str().unwrap().to_owned();

    let mut payers = tokio::task::JoinSet::new();
    for _ in 0..5 {
        let (guest, booking_id) = (Arc::clone(&guest), booking_id.clone());
        payers.spawn(async move { guest.pay(&booking_id, test_cards::SUCCESS).await });
    }
    let replies = payers.join_all().await;

    assert_eq!(replies.iter().filter(|r| r.status == 200).count(), 1);
    for other in replies.iter().filter(|r| r.status != 200) {
        assert_eq!((other.status.as_u16(), other.code()), (409, "already_paid"));
    }
    let charges: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM payments WHERE booking_id = $1 AND kind = 'charge'",
    )
    .bind(&booking_id)
    .fetch_one(app.db().pool())
    .await
    .unwrap();
    assert_eq!(charges, 1);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_payments_of_one_booking_confirm_it_once_on_sqlite() {
    concurrent_payments_of_one_booking_confirm_it_once(TestEngine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_payments_of_one_booking_confirm_it_once_on_postgres() {
    concurrent_payments_of_one_booking_confirm_it_once(TestEngine::Postgres).await;
}
