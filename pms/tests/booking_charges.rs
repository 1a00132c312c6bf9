//! No charge the platform does not know of, on SQLite and on PostgreSQL: a
//! payment whose caller gives up halfway still confirms the booking; a
//! charge the booking cannot be confirmed with is refunded and recorded; and
//! an attempt a crash left halfway is settled by the sweeper, refunding the
//! charge the provider made or voiding the one it never made.

#[macro_use]
mod booking_support;

use std::time::Duration;

use booking_support::{Guest, day};
use doorstep::booking::test_cards;
use doorstep_pms::Db;
use doorstep_pms::booking::charges::{self, SETTLE_AFTER_MS};
use doorstep_pms::booking::payments::{ChargeRequest, SLOW_CHARGE, SLOW_CHARGE_TAKES, provider};
use doorstep_pms::booking::{bookings, sweeper};
use doorstep_pms::db::now_millis;
use doorstep_pms::testing::{TestApp, TestEngine};
use sqlx::Row as _;

on_both_engines!(
    a_payment_whose_caller_gives_up_still_confirms_the_booking,
    a_charge_the_hold_lost_meanwhile_is_refunded_and_recorded,
    attempts_a_crash_left_halfway_are_settled_by_the_sweeper,
    a_charge_that_lands_after_the_sweeper_voided_its_attempt_is_refunded,
);

/// A held booking of `slug` for `from..until`.
async fn held(guest: &Guest, slug: &str, from: i32, until: i32) -> String {
    let quote = guest.quote(slug, day(from), day(until), 2).await;
    let held = guest
        .book(quote["id"].as_str().unwrap(), &format!("{slug}-{from}"))
        .await;
    assert_eq!(held.status, 201, "{:?}", held.body);
    held.data()["id"].as_str().unwrap().to_owned()
}

/// The statuses of a booking's payment attempts, oldest first.
async fn attempts_of(db: &Db, booking_id: &str) -> Vec<String> {
    sqlx::query(
        "SELECT status FROM charge_attempts WHERE booking_id = $1 ORDER BY created_at, attempt_id",
    )
    .bind(booking_id)
    .fetch_all(db.pool())
    .await
    .unwrap()
    .iter()
    .map(|row| row.try_get(0).unwrap())
    .collect()
}

async fn charges_of(db: &Db, booking_id: &str) -> i64 {
    sqlx::query("SELECT COUNT(*) FROM payments WHERE booking_id = $1 AND kind = 'charge'")
        .bind(booking_id)
        .fetch_one(db.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap()
}

async fn a_payment_whose_caller_gives_up_still_confirms_the_booking(engine: TestEngine) {
    let app = TestApp::spawn(engine).await;
    let guest = Guest::new(&app, "Impatient Stays").await;
    let booking = held(&guest, "sea-view", 30, 33).await;

    let answered = guest
        .pay_impatiently(&booking, SLOW_CHARGE, Duration::from_millis(100))
        .await;
    tokio::time::sleep(SLOW_CHARGE_TAKES + Duration::from_millis(500)).await;

    assert!(!answered, "the client gave up before the charge was made");
    let shown = guest.get(&format!("/bookings/{booking}")).await;
    assert_eq!(shown.data()["status"], "confirmed", "{:?}", shown.body);
    assert_eq!(attempts_of(app.db(), &booking).await, ["confirmed"]);
    assert_eq!(charges_of(app.db(), &booking).await, 1);
    app.stop().await;
}

async fn a_charge_the_hold_lost_meanwhile_is_refunded_and_recorded(engine: TestEngine) {
    let app = TestApp::spawn(engine).await;
    let guest = Guest::new(&app, "Late Stays").await;
    let db = app.db();
    let booking = held(&guest, "douro-loft", 30, 33).await;

    let paying = {
        let guest = Guest::for_tenant(&app, guest.tenant.clone()).await;
        let booking = booking.clone();
        tokio::spawn(async move { guest.pay(&booking, SLOW_CHARGE).await })
    };
    // While the card is being charged, the hold lapses.
    tokio::time::sleep(SLOW_CHARGE_TAKES / 2).await;
    sqlx::query("UPDATE bookings SET hold_expires_at = 1 WHERE booking_id = $1")
        .bind(&booking)
        .execute(db.pool())
        .await
        .unwrap();
    let paid = paying.await.unwrap();

    assert_eq!((paid.status.as_u16(), paid.code()), (409, "hold_expired"));
    assert_eq!(attempts_of(db, &booking).await, ["refunded"]);
    assert_eq!(
        charges_of(db, &booking).await,
        0,
        "the booking was never paid"
    );
    app.stop().await;
}

async fn attempts_a_crash_left_halfway_are_settled_by_the_sweeper(engine: TestEngine) {
    let app = TestApp::spawn(engine).await;
    let guest = Guest::new(&app, "Crashed Stays").await;
    let db = app.db();
    let tenant = &guest.tenant.tenant_id;
    let charged = held(&guest, "sea-view", 50, 52).await;
    let never_charged = held(&guest, "garden-room", 50, 52).await;

    // A process wrote each attempt down and stopped: one after the
    // provider charged the card, one before it asked.
    let stored = bookings::find_by_id(db, tenant, &charged).await.unwrap();
    let first = charges::begin(db, &stored).await.unwrap();
    let card =
        serde_json::from_value(booking_support::card_body(test_cards::SUCCESS)["card"].clone())
            .unwrap();
    provider()
        .charge(ChargeRequest {
            amount: stored.due_now,
            currency: &stored.currency,
            card: &card,
            description: &stored.reference,
            idempotency_key: &first.charge_key(),
        })
        .await
        .unwrap();
    let stored = bookings::find_by_id(db, tenant, &never_charged)
        .await
        .unwrap();
    charges::begin(db, &stored).await.unwrap();

    let too_soon = sweeper::sweep(db, now_millis()).await.unwrap();
    let later = sweeper::sweep(db, now_millis() + SETTLE_AFTER_MS + 1)
        .await
        .unwrap();
    let again = sweeper::sweep(db, now_millis() + SETTLE_AFTER_MS + 1)
        .await
        .unwrap();

    assert_eq!(
        too_soon.charges_settled,
        charges::Settled::default(),
        "a payment may still run"
    );
    assert_eq!(
        (later.charges_settled.refunded, later.charges_settled.voided),
        (1, 1)
    );
    assert_eq!(again.charges_settled, charges::Settled::default());
    assert_eq!(attempts_of(db, &charged).await, ["refunded"]);
    assert_eq!(attempts_of(db, &never_charged).await, ["void"]);
    let shown = guest.get(&format!("/bookings/{charged}")).await;
    assert_ne!(
        shown.data()["status"],
        "confirmed",
        "a refunded attempt pays nothing"
    );
    app.stop().await;
}

async fn a_charge_that_lands_after_the_sweeper_voided_its_attempt_is_refunded(engine: TestEngine) {
    let app = TestApp::spawn(engine).await;
    let guest = Guest::new(&app, "Overtaken Stays").await;
    let db = app.db();
    let booking = held(&guest, "sea-view", 60, 62).await;

    let paying = {
        let guest = Guest::for_tenant(&app, guest.tenant.clone()).await;
        let booking = booking.clone();
        tokio::spawn(async move { guest.pay(&booking, SLOW_CHARGE).await })
    };
    // While the provider is still charging, a sweep that takes the attempt
    // for abandoned finds no charge and voids it.
    tokio::time::sleep(SLOW_CHARGE_TAKES / 2).await;
    let swept = sweeper::sweep(db, now_millis() + SETTLE_AFTER_MS + 1)
        .await
        .unwrap();
    let paid = paying.await.unwrap();

    assert_eq!(swept.charges_settled.voided, 1);
    assert_ne!(paid.status.as_u16(), 200, "{:?}", paid.body);
    assert_eq!(
        attempts_of(db, &booking).await,
        ["refunded"],
        "the charge that landed late was given back"
    );
    assert_eq!(
        charges_of(db, &booking).await,
        0,
        "the booking was never paid"
    );
    let shown = guest.get(&format!("/bookings/{booking}")).await;
    assert_ne!(shown.data()["status"], "confirmed", "{:?}", shown.body);
    app.stop().await;
}
