//! What the platform does when a step fails or a hold lapses, on SQLite and
//! on PostgreSQL: a refund the provider cannot make leaves the booking
//! cancelled with its refund pending until a retry makes it; the sweeper
//! expires lapsed holds and frees their nights, and never the nights of a
//! hold that a payment confirmed meanwhile.

#[macro_use]
mod booking_support;

use std::time::Duration;

use booking_support::{Guest, day, test_cards};
use doorstep_pms::booking::payments::REFUND_FAILS_ONCE;
use doorstep_pms::booking::sweeper;
use doorstep_pms::db::now_millis;
use doorstep_pms::testing::{TestApp, TestEngine};
use doorstep_pms::{Db, Engine};
use serde_json::json;
use sqlx::Row as _;

on_both_engines!(
    a_refund_the_provider_fails_leaves_the_booking_cancelled_and_is_retried,
    a_sweep_expires_lapsed_holds_and_frees_their_nights_only,
    a_payment_that_commits_while_a_sweep_waits_keeps_its_nights,
    a_sweep_purges_quotes_a_day_after_they_expired,
);

/// A booking of `slug` for `from..until`, paid with `card` when given.
async fn booking(guest: &Guest, slug: &str, from: i32, until: i32, card: Option<&str>) -> String {
    let quote = guest.quote(slug, day(from), day(until), 2).await;
    let key = format!("{slug}-{from}");
    let held = guest.book(quote["id"].as_str().unwrap(), &key).await;
    assert_eq!(held.status, 201, "{:?}", held.body);
    let booking_id = held.data()["id"].as_str().unwrap().to_owned();
    if let Some(card) = card {
        let paid = guest.pay(&booking_id, card).await;
        assert_eq!(paid.data()["status"], "confirmed", "{:?}", paid.body);
    }
    booking_id
}

/// A whole number from a query with one `$1` parameter.
async fn count(db: &Db, sql: &'static str, id: &str) -> i64 {
    sqlx::query(sql)
        .bind(id)
        .fetch_one(db.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap()
}

async fn nights_of(db: &Db, booking_id: &str) -> i64 {
    count(
        db,
        "SELECT COUNT(*) FROM booked_nights WHERE booking_id = $1",
        booking_id,
    )
    .await
}

async fn refunds_of(db: &Db, booking_id: &str) -> i64 {
    count(
        db,
        "SELECT COUNT(*) FROM payments WHERE booking_id = $1 AND kind = 'refund'",
        booking_id,
    )
    .await
}

async fn column(db: &Db, column: &'static str, booking_id: &str) -> Option<String> {
    let sql = format!("SELECT {column} FROM bookings WHERE booking_id = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(booking_id)
        .fetch_one(db.pool())
        .await
        .unwrap()
        .try_get(0)
        .unwrap()
}

async fn lapse(db: &Db, booking_id: &str) {
    sqlx::query("UPDATE bookings SET hold_expires_at = 1 WHERE booking_id = $1")
        .bind(booking_id)
        .execute(db.pool())
        .await
        .unwrap();
}

async fn cancel(guest: &Guest, booking_id: &str) -> booking_support::Reply {
    let shown = guest.get(&format!("/bookings/{booking_id}")).await;
    let reference = shown.data()["reference"].as_str().unwrap().to_owned();
    guest
        .post(
            "/bookings/cancel",
            json!({"reference": reference, "email": "ana@example.com"}),
        )
        .await
}

async fn a_refund_the_provider_fails_leaves_the_booking_cancelled_and_is_retried(
    engine: TestEngine,
) {
    let app = TestApp::spawn(engine).await;
    let guest = Guest::new(&app, "Refund Stays").await;
    let db = app.db();
    let first = booking(&guest, "sea-view", 40, 43, Some(REFUND_FAILS_ONCE)).await;
    let total = guest.get(&format!("/bookings/{first}")).await.data()["amountPaid"].clone();

    // The provider fails: the cancellation stands, the refund is pending.
    let failed = cancel(&guest, &first).await;
    assert_eq!(
        (failed.status.as_u16(), failed.code()),
        (503, "payment_provider_unavailable")
    );
    let shown = guest.get(&format!("/bookings/{first}")).await;
    assert_eq!(shown.data()["status"], "cancelled");
    assert_eq!(shown.data()["refund"]["amount"], total);
    assert_eq!(
        column(db, "refund_status", &first).await.unwrap(),
        "pending"
    );
    assert_eq!(nights_of(db, &first).await, 0, "the dates are free");
    assert_eq!(refunds_of(db, &first).await, 0, "no refund was made");
    guest.quote("sea-view", day(40), day(43), 2).await;

    // The guest asks again: the refund is retried and made, once.
    let retried = cancel(&guest, &first).await;
    assert_eq!(retried.status, 200, "{:?}", retried.body);
    assert_eq!(retried.data()["status"], "cancelled");
    assert_eq!(retried.data()["refund"]["amount"], total);
    assert_eq!(column(db, "refund_status", &first).await.unwrap(), "done");
    assert_eq!(refunds_of(db, &first).await, 1);
    let again = cancel(&guest, &first).await;
    assert_eq!(
        (again.status.as_u16(), again.code()),
        (409, "not_cancellable")
    );

    // Or the sweeper retries it, and a second sweep changes nothing.
    let second = booking(&guest, "douro-loft", 40, 43, Some(REFUND_FAILS_ONCE)).await;
    assert_eq!(cancel(&guest, &second).await.status, 503);
    let swept = sweeper::sweep(db, now_millis()).await.unwrap();
    let swept_again = sweeper::sweep(db, now_millis()).await.unwrap();
    assert_eq!((swept.refunds_done, swept.refunds_failed), (1, 0));
    assert_eq!(swept_again, sweeper::SweepReport::default());
    assert_eq!(column(db, "refund_status", &second).await.unwrap(), "done");
    assert_eq!(refunds_of(db, &second).await, 1);

    // A cancellation that owes nothing has no refund to wait for.
    let unpaid = booking(&guest, "garden-room", 70, 72, None).await;
    assert_eq!(cancel(&guest, &unpaid).await.status, 200);
    assert_eq!(column(db, "refund_status", &unpaid).await, None);

    app.stop().await;
}

async fn a_sweep_expires_lapsed_holds_and_frees_their_nights_only(engine: TestEngine) {
    let app = TestApp::spawn(engine).await;
    let guest = Guest::new(&app, "Sweep Stays").await;
    let db = app.db();
    let lapsed = booking(&guest, "sea-view", 50, 52, None).await;
    let live = booking(&guest, "douro-loft", 50, 52, None).await;
    let paid = booking(&guest, "garden-room", 50, 52, Some(test_cards::SUCCESS)).await;
    lapse(db, &lapsed).await;

    let expired = sweeper::sweep_lapsed_holds(db, now_millis()).await.unwrap();
    let expired_again = sweeper::sweep_lapsed_holds(db, now_millis()).await.unwrap();

    assert_eq!((expired, expired_again), (1, 0));
    assert_eq!(column(db, "status", &lapsed).await.unwrap(), "expired");
    assert_eq!(
        nights_of(db, &lapsed).await,
        0,
        "the lapsed hold's nights are free"
    );
    let shown = guest.get(&format!("/bookings/{lapsed}")).await;
    assert_eq!(shown.data()["status"], "expired");
    assert_eq!(column(db, "status", &live).await.unwrap(), "held");
    assert_eq!(nights_of(db, &live).await, 2);
    assert_eq!(nights_of(db, &paid).await, 2);
    let listing = guest.listing_id("sea-view").await;
    let seeded = count(
        db,
        "SELECT COUNT(*) FROM booked_nights WHERE listing_id = $1",
        &listing,
    )
    .await;
    assert_eq!(seeded, 3 + 2, "the seeded booking and the owner block stay");

    // Paying the swept hold is refused as before, and nothing is charged.
    let late = guest.pay(&lapsed, test_cards::SUCCESS).await;
    assert_eq!((late.status.as_u16(), late.code()), (409, "hold_expired"));
    let charges = count(
        db,
        "SELECT COUNT(*) FROM payments WHERE booking_id = $1",
        &lapsed,
    )
    .await;
    assert_eq!(charges, 0);

    // The task started with the service does the same on its own.
    let later = booking(&guest, "sea-view", 60, 62, None).await;
    lapse(db, &later).await;
    let task = sweeper::spawn(db.clone(), Duration::from_millis(20));
    for _ in 0..500 {
        if column(db, "status", &later).await.unwrap() == "expired" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    task.abort();
    assert_eq!(column(db, "status", &later).await.unwrap(), "expired");
    assert_eq!(nights_of(db, &later).await, 0);

    app.stop().await;
}

async fn a_payment_that_commits_while_a_sweep_waits_keeps_its_nights(engine: TestEngine) {
    let app = TestApp::spawn(engine).await;
    let guest = Guest::new(&app, "Race Stays").await;
    let db = app.db();
    let booking_id = booking(&guest, "sea-view", 50, 53, None).await;

    // A payment confirms the hold just before it lapses and has not
    // committed yet; the sweep comes from a clock past the lapse.
    let mut payment = match db.engine() {
        Engine::Sqlite => db.pool().begin_with("BEGIN IMMEDIATE").await.unwrap(),
        Engine::Postgres => db.pool().begin().await.unwrap(),
    };
    let confirmed = sqlx::query(
        "UPDATE bookings SET status = 'confirmed', hold_expires_at = NULL \
         WHERE booking_id = $1 AND status = 'held' AND hold_expires_at > $2",
    )
    .bind(&booking_id)
    .bind(now_millis())
    .execute(&mut *payment)
    .await
    .unwrap();
    assert_eq!(confirmed.rows_affected(), 1);
    let after_the_lapse = now_millis() + 24 * 3600 * 1000;
    let sweep = tokio::spawn({
        let db = db.clone();
        async move { sweeper::sweep_lapsed_holds(&db, after_the_lapse).await }
    });
    // Give the sweep time to reach the locked row; the outcome asserted
    // below is the same whichever comes first, only the race differs.
    tokio::time::sleep(Duration::from_millis(300)).await;
    payment.commit().await.unwrap();

    let expired = sweep.await.unwrap().unwrap();

    assert_eq!(expired, 0);
    assert_eq!(
        column(db, "status", &booking_id).await.unwrap(),
        "confirmed"
    );
    assert_eq!(nights_of(db, &booking_id).await, 3, "the paid nights stay");

    app.stop().await;
}

async fn a_sweep_purges_quotes_a_day_after_they_expired(engine: TestEngine) {
    let app = TestApp::spawn(engine).await;
    let guest = Guest::new(&app, "Purge Stays").await;
    let db = app.db();
    let quote_id = |quote: &serde_json::Value| quote["id"].as_str().unwrap().to_owned();
    let long_expired = quote_id(&guest.quote("sea-view", day(30), day(32), 2).await);
    let just_expired = quote_id(&guest.quote("sea-view", day(33), day(35), 2).await);
    let valid = quote_id(&guest.quote("sea-view", day(36), day(38), 2).await);
    let now = now_millis();
    for (id, expires_at) in [
        (&long_expired, now - sweeper::QUOTE_RETENTION_MS - 60_000),
        (&just_expired, now - 60_000),
    ] {
        sqlx::query("UPDATE quotes SET expires_at = $1 WHERE quote_id = $2")
            .bind(expires_at)
            .bind(id)
            .execute(db.pool())
            .await
            .unwrap();
    }

    let purged = sweeper::purge_expired_quotes(db, now).await.unwrap();
    let purged_again = sweeper::purge_expired_quotes(db, now).await.unwrap();

    assert_eq!((purged, purged_again), (1, 0));
    const REMAINING: &str = "SELECT COUNT(*) FROM quotes WHERE quote_id = $1";
    assert_eq!(count(db, REMAINING, &long_expired).await, 0);
    assert_eq!(
        count(db, REMAINING, &just_expired).await,
        1,
        "kept for a day after expiry"
    );
    assert_eq!(count(db, REMAINING, &valid).await, 1);
    assert_eq!(
        guest.get(&format!("/quotes/{long_expired}")).await.status,
        404
    );
    app.stop().await;
}
