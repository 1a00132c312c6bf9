#!/usr/bin/env python3
"""Tests of check.py: the checker must catch broken data, and its reference quote must
follow the rules of README.md.

    python3 -m unittest pms/demo/test_check.py -v
"""

import copy
import datetime as dt
import json
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import check  # noqa: E402

DEMO = Path(__file__).resolve().parent
AMENITIES = json.loads((DEMO / "amenities.json").read_text(encoding="utf-8"))


def load(tenant):
    return json.loads((DEMO / f"{tenant}.json").read_text(encoding="utf-8"))


def problems_of(tenant, doc):
    check.problems.clear()
    check.check_document(tenant, doc, AMENITIES, f"{tenant}.json")
    found = list(check.problems)
    check.problems.clear()
    return found


class TheCheckerCatchesBrokenData(unittest.TestCase):
    def test_the_shipped_files_have_no_problem(self):
        for tenant in check.TENANTS:
            self.assertEqual(problems_of(tenant, load(tenant)), [], tenant)

    def test_money_as_a_float_is_a_problem(self):
        doc = load("bali")
        doc["listings"][0]["pricing"]["cleaningFee"] = 120.5

        found = problems_of("bali", doc)

        self.assertTrue(any("cleaningFee" in p for p in found), found)

    def test_overlapping_season_periods_are_a_problem(self):
        doc = load("lisbon")
        doc["seasons"][0]["periods"].append({"firstNight": "2027-07-01", "lastNight": "2027-07-03"})

        found = problems_of("lisbon", doc)

        self.assertTrue(any("overlaps" in p for p in found), found)

    def test_overlapping_seeded_stays_are_a_problem(self):
        doc = load("alps")
        listing = doc["listings"][0]
        first = listing["bookings"][0]
        listing["blocks"].append({"startOffsetDays": first["startOffsetDays"], "nights": 2, "reason": "x"})

        found = problems_of("alps", doc)

        self.assertTrue(any("overlaps" in p for p in found), found)

    def test_an_unknown_amenity_and_a_dangling_policy_are_problems(self):
        doc = load("bali")
        doc["listings"][1]["amenities"].append("helipad")
        doc["listings"][1]["cancellationPolicy"] = "lenient"

        found = problems_of("bali", doc)

        self.assertTrue(any("helipad" in p for p in found), found)
        self.assertTrue(any("cancellationPolicy" in p for p in found), found)

    def test_a_coupon_limited_to_an_unknown_listing_is_a_problem(self):
        doc = load("lisbon")
        doc["coupons"][0]["listings"] = ["no-such-room"]

        found = problems_of("lisbon", doc)

        self.assertTrue(any("coupons[0]" in p for p in found), found)

    def test_a_guest_count_above_capacity_in_a_seeded_booking_is_a_problem(self):
        doc = load("alps")
        listing = doc["listings"][6]
        listing["bookings"][0]["guests"] = listing["maxGuests"] + 1

        found = problems_of("alps", doc)

        self.assertTrue(any("guests" in p for p in found), found)

    def test_a_photo_with_the_wrong_file_name_is_a_problem(self):
        doc = load("bali")
        doc["listings"][0]["photos"][0]["url"] = "https://example.com/x.jpg"

        found = problems_of("bali", doc)

        self.assertTrue(any("url should be" in p for p in found), found)


class TheReferenceQuoteFollowsTheRules(unittest.TestCase):
    def quote(self, tenant, slug, arrive, leave, guests, coupon=None, today="2027-01-05"):
        return check.quote(load(tenant), slug, dt.date.fromisoformat(arrive), dt.date.fromisoformat(leave),
                           guests, coupon, dt.date.fromisoformat(today))

    def test_a_festival_stay_with_a_suite_coupon_matches_the_platform(self):
        # The platform's POST /v1/clients/quotes answered total 229810 for this stay.
        q = self.quote("lisbon", "rooftop-suite", "2027-06-10", "2027-06-14", 2, "FADO15")

        self.assertEqual([n[2] for n in q["nights"]], [62000, 71300, 71300, 62000])
        self.assertEqual(q["coupon"], 39990)
        self.assertEqual(q["taxes"][0][1], 3200)
        self.assertEqual(q["total"], 229810)

    def test_the_tourist_tax_is_capped_at_seven_nights(self):
        q = self.quote("lisbon", "family-loft", "2027-02-01", "2027-02-11", 4)

        self.assertEqual(q["taxes"][0][1], 400 * 4 * 7)

    def test_inclusive_vat_is_shown_but_not_added(self):
        q = self.quote("alps", "studio-kirchplatz", "2027-05-10", "2027-05-13", 2)

        accommodation = q["nightsSubtotal"] + q["extraGuests"] - q["lengthOfStay"] - q["coupon"]
        self.assertEqual(q["total"], accommodation + q["cleaning"] + 350 * 2 * 3)

    def test_bali_taxes_apply_to_accommodation_and_cleaning(self):
        # The platform's POST /v1/clients/quotes answered total 333287 for this stay.
        q = self.quote("bali", "villa-kayu-ubud", "2027-07-03", "2027-07-10", 5, "WELCOME10")

        self.assertEqual(q["extraGuests"], 3500 * 7)
        self.assertEqual(q["lengthOfStay"], 30240)
        self.assertEqual(q["total"], 333287)

    def test_christmas_in_zermatt_runs_saturday_to_saturday(self):
        with self.assertRaisesRegex(ValueError, "closed to arrival"):
            self.quote("alps", "chalet-edelweiss", "2027-12-19", "2027-12-26", 4)
        with self.assertRaisesRegex(ValueError, "minimum stay is 7"):
            self.quote("alps", "chalet-edelweiss", "2027-12-18", "2027-12-22", 4)

        q = self.quote("alps", "chalet-edelweiss", "2027-12-18", "2027-12-25", 4)
        self.assertEqual(len(q["nights"]), 7)

    def test_an_expired_coupon_is_refused(self):
        with self.assertRaisesRegex(ValueError, "not valid today"):
            self.quote("bali", "villa-kayu-ubud", "2027-03-01", "2027-03-05", 2, "BALI2025")

    def test_a_coupon_for_another_listing_is_refused(self):
        with self.assertRaisesRegex(ValueError, "not valid for this listing"):
            self.quote("bali", "villa-kayu-ubud", "2027-03-01", "2027-03-05", 2, "SIDEMEN50")

    def test_too_many_guests_are_refused(self):
        with self.assertRaisesRegex(ValueError, "guests must be"):
            self.quote("lisbon", "classic-double", "2027-03-01", "2027-03-03", 3)


if __name__ == "__main__":
    unittest.main()
