use super::*;
use doorstep::booking::RefundRule;
use jiff::civil::date;

pub(crate) fn sample_plan() -> RatePlan {
    RatePlan {
        currency: "EUR".into(),
        base_rate: 10_000,
        weekend_nights: vec![Day::Fri, Day::Sat],
        weekend_uplift_percent: 20,
        min_nights: 2,
        max_nights: 30,
        closed_to_arrival: vec![],
        closed_to_departure: vec![],
        seasons: vec![Season {
            code: "high".into(),
            name: "High season".into(),
            nightly_rate: 20_000,
            min_nights: Some(5),
            closed_to_arrival: vec![Day::Sun],
            closed_to_departure: vec![],
            periods: vec![Period {
                first_night: date(2030, 7, 1),
                last_night: date(2030, 8, 31),
            }],
        }],
        cleaning_fee: 5_000,
        extra_guest_fee: 1_500,
        base_guests: 2,
        max_guests: 4,
        length_of_stay_discounts: vec![
            StayDiscount {
                min_nights: 7,
                percent: 10,
            },
            StayDiscount {
                min_nights: 28,
                percent: 20,
            },
        ],
        taxes: vec![
            Tax {
                code: "vat".into(),
                name: "VAT (6 %)".into(),
                kind: TaxKind::Percent {
                    basis_points: 600,
                    applies_to: TaxBase::AccommodationAndFees,
                },
                inclusive: true,
            },
            Tax {
                code: "tourist-tax".into(),
                name: "Tourist tax".into(),
                kind: TaxKind::PerPersonPerNight {
                    amount: 200,
                    max_nights: Some(5),
                },
                inclusive: false,
            },
        ],
        payment_policy: PaymentPolicy {
            code: "full".into(),
            name: "Pay in full".into(),
            kind: PaymentPolicyKind::Full,
            deposit_percent: None,
            balance_due_days_before_arrival: None,
            summary: String::new(),
        },
        cancellation_policy: CancellationPolicy {
            code: "flexible".into(),
            name: "Flexible".into(),
            summary: String::new(),
            rules: vec![
                RefundRule {
                    days_before_arrival: 1,
                    refund_percent: 100,
                },
                RefundRule {
                    days_before_arrival: 0,
                    refund_percent: 0,
                },
            ],
        },
    }
}

fn percent_coupon() -> Coupon {
    Coupon {
        code: "SPRING5".into(),
        description: "5 % off".into(),
        value: CouponValue::Percent { percent: 5 },
        valid_from: date(2030, 1, 1),
        valid_until: date(2030, 12, 31),
        min_nights: Some(3),
        listings: Some(vec!["sea-view".into()]),
    }
}

#[test]
fn weekend_nights_carry_the_uplift_on_top_of_the_season_rate() {
    let plan = sample_plan();

    // 2030-03-01 is a Friday, 2030-03-03 a Sunday, 2030-07-05 a Friday in season.
    assert_eq!(plan.nightly_rate(date(2030, 3, 1)), 12_000);
    assert_eq!(plan.nightly_rate(date(2030, 3, 3)), 10_000);
    assert_eq!(plan.nightly_rate(date(2030, 7, 5)), 24_000);
}

#[test]
fn the_season_of_the_arrival_night_sets_the_stay_rules() {
    let plan = sample_plan();

    assert_eq!(plan.min_nights(date(2030, 7, 5)), 5);
    assert_eq!(plan.min_nights(date(2030, 3, 5)), 2);
    assert!(plan.closed_to_arrival(date(2030, 7, 7)));
    assert!(!plan.closed_to_arrival(date(2030, 3, 3)));
}

#[test]
fn a_stay_is_rejected_for_each_rule_it_breaks() {
    let (plan, none) = (sample_plan(), HashSet::new());
    let check = |a, b, g| check_stay(&plan, a, b, g, &none);

    assert_eq!(
        check(date(2030, 3, 4), date(2030, 3, 6), 5),
        Err(StayRejection::OverCapacity { max_guests: 4 })
    );
    assert_eq!(
        check(date(2030, 7, 7), date(2030, 7, 14), 2),
        Err(StayRejection::ClosedToArrival)
    );
    assert_eq!(
        check(date(2030, 3, 4), date(2030, 3, 5), 2),
        Err(StayRejection::BelowMinimumStay { min_nights: 2 })
    );
    assert_eq!(
        check(date(2030, 3, 4), date(2030, 4, 5), 2),
        Err(StayRejection::AboveMaximumStay { max_nights: 30 })
    );
    assert_eq!(check(date(2030, 3, 4), date(2030, 3, 6), 2), Ok(()));
}

#[test]
fn a_night_already_taken_makes_the_stay_unavailable_but_the_check_out_day_may_be_taken() {
    let plan = sample_plan();
    let taken = HashSet::from([date(2030, 3, 6)]);

    let overlapping = check_stay(&plan, date(2030, 3, 4), date(2030, 3, 7), 2, &taken);
    let ending_there = check_stay(&plan, date(2030, 3, 4), date(2030, 3, 6), 2, &taken);

    assert_eq!(overlapping, Err(StayRejection::DatesUnavailable));
    assert_eq!(ending_there, Ok(()));
}

#[test]
fn a_price_follows_the_quote_steps_of_the_demo_schema() {
    // Mon 2030-03-04 .. Mon 2030-03-11: 7 nights, Fri and Sat with the uplift.
    let plan = sample_plan();
    let coupon = percent_coupon();

    let price = price_stay(
        &plan,
        date(2030, 3, 4),
        date(2030, 3, 11),
        3,
        Some(&coupon),
        date(2030, 2, 1),
    );

    assert_eq!(price.nights.len(), 7);
    assert_eq!(price.nights_subtotal, 5 * 10_000 + 2 * 12_000);
    assert_eq!(price.extra_guest_fee, 7 * 1_500);
    assert_eq!(
        price.length_of_stay_discount.as_ref().unwrap().amount,
        7_400
    );
    assert_eq!(price.coupon_discount.as_ref().unwrap().amount, 3_330);
    let accommodation = 74_000 + 10_500 - 7_400 - 3_330;
    let vat = (accommodation + 5_000) * 600 * 2 / 10_600;
    let vat = (vat + 1) / 2;
    assert_eq!(price.taxes[0].amount, vat);
    assert_eq!(price.taxes[1].amount, 200 * 3 * 5);
    assert_eq!(price.total, accommodation + 5_000 + 3_000);
    assert_eq!(price.due_now, price.total);
}

#[test]
fn a_deposit_is_due_now_only_when_the_stay_is_far_enough_ahead() {
    let mut plan = sample_plan();
    plan.payment_policy.kind = PaymentPolicyKind::Deposit;
    plan.payment_policy.deposit_percent = Some(30);
    plan.payment_policy.balance_due_days_before_arrival = Some(30);

    let far = price_stay(
        &plan,
        date(2030, 3, 4),
        date(2030, 3, 6),
        2,
        None,
        date(2030, 1, 1),
    );
    let near = price_stay(
        &plan,
        date(2030, 3, 4),
        date(2030, 3, 6),
        2,
        None,
        date(2030, 3, 1),
    );

    assert_eq!(far.due_now, (far.total * 30 + 99) / 100);
    assert_eq!(far.balance_due_later, far.total - far.due_now);
    assert_eq!(near.due_now, near.total);
    assert_eq!(near.balance_due_later, 0);
}

#[test]
fn a_fixed_coupon_never_makes_the_nights_negative() {
    let mut coupon = percent_coupon();
    coupon.value = CouponValue::Fixed {
        amount_off: 1_000_000,
    };

    let price = price_stay(
        &sample_plan(),
        date(2030, 3, 4),
        date(2030, 3, 6),
        2,
        Some(&coupon),
        date(2030, 2, 1),
    );

    assert_eq!(price.coupon_discount.unwrap().amount, price.nights_subtotal);
}

#[test]
fn a_coupon_applies_only_in_its_window_to_its_listings_and_long_enough_stays() {
    let coupon = percent_coupon();

    assert_eq!(
        check_coupon(&coupon, "sea-view", date(2031, 1, 1), 4),
        Err(CouponProblem::NotValidToday)
    );
    assert_eq!(
        check_coupon(&coupon, "garden", date(2030, 6, 1), 4),
        Err(CouponProblem::NotForThisListing)
    );
    assert_eq!(
        check_coupon(&coupon, "sea-view", date(2030, 6, 1), 2),
        Err(CouponProblem::BelowMinimumNights(3))
    );
    assert_eq!(
        check_coupon(&coupon, "sea-view", date(2030, 12, 31), 3),
        Ok(())
    );
}

#[test]
fn a_rate_plan_reads_the_demo_files_spelling_of_taxes_and_coupons() {
    let tax: Tax = serde_json::from_value(serde_json::json!({
        "code": "tourist-tax", "name": "Lisbon tourist tax", "kind": "perPersonPerNight",
        "amount": 400, "maxNights": 7, "inclusive": false
    }))
    .unwrap();
    let coupon: Coupon = serde_json::from_value(serde_json::json!({
        "code": "RIDE50", "description": "CHF 50 off", "kind": "fixed", "amountOff": 5000,
        "validFrom": "2026-01-01", "validUntil": "2028-12-31", "minNights": null,
        "listings": null
    }))
    .unwrap();

    assert_eq!(
        tax.kind,
        TaxKind::PerPersonPerNight {
            amount: 400,
            max_nights: Some(7)
        }
    );
    assert_eq!(coupon.value, CouponValue::Fixed { amount_off: 5000 });
}
