#!/usr/bin/env python3
"""Consistency check of the Doorstep demo data (schema: pms/demo/README.md).

    python3 pms/demo/check.py                     # check everything, exit 1 on any problem
    python3 pms/demo/check.py --quote lisbon rooftop-suite 2027-06-10 2027-06-14 2 [COUPON] [--today YYYY-MM-DD]

The second form prints an itemized quote computed by the rules in README.md, as a
reference the platform's quote engine can be compared with.

Checks: the three tenant files and amenities.json parse; every field has the documented
type; money is integer minor units; codes are unique and every reference resolves;
season periods never overlap; seeded stays never overlap; every photo and logo file
exists, is a well-formed SVG under 15 KB; the tenants/<slug>/*.toml files are complete and
they load with the site's rules (known theme tokens, safe CSS values, hosts unique
without their port) and their colour pairs are readable (WCAG AA contrast).
"""

import datetime as dt
import json
import re
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "pms" / "demo"
PUBLIC = ROOT / "public"
TENANTS_DIR = ROOT / "tenants"
TENANTS = {"bali": ("USD", "ID"), "lisbon": ("EUR", "PT"), "alps": ("CHF", "CH")}
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
PROPERTY_TYPES = {"villa", "bungalow", "room", "suite", "apartment", "chalet", "cabin"}
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
COUPON = re.compile(r"^[A-Z0-9]{4,20}$")
HHMM = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
MAX_SVG_BYTES = 15_000

problems = []


def problem(where, message):
    problems.append(f"{where}: {message}")


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def want(obj, where, fields):
    """Checks that obj has exactly `fields` (name -> predicate or type); returns obj."""
    if not isinstance(obj, dict):
        problem(where, "expected an object")
        return {}
    for name, check in fields.items():
        optional = name.endswith("?")
        key = name.rstrip("?")
        if key not in obj:
            problem(where, f"missing field {key!r}")
            continue
        value = obj[key]
        if value is None and optional:
            continue
        ok = check(value) if callable(check) and not isinstance(check, type) else isinstance(value, check)
        if check is int:
            ok = is_int(value)
        if not ok:
            problem(where, f"field {key!r} has a bad value {value!r}")
    extra = set(obj) - {n.rstrip("?") for n in fields}
    if extra:
        problem(where, f"unexpected fields {sorted(extra)}")
    return obj


def money(v):
    return is_int(v) and 0 <= v < 100_000_000


def date(v):
    try:
        return isinstance(v, str) and dt.date.fromisoformat(v).isoformat() == v
    except ValueError:
        return False


def weekdays(v):
    return isinstance(v, list) and all(d in WEEKDAYS for d in v) and len(set(v)) == len(v)


def str_list(v):
    return isinstance(v, list) and all(isinstance(s, str) and s.strip() for s in v)


def nonempty(v):
    return isinstance(v, str) and v.strip() != ""


def in_range(lo, hi):
    return lambda v: is_int(v) and lo <= v <= hi


def check_svg(path, where):
    if not path.is_file():
        problem(where, f"file {path.relative_to(ROOT)} does not exist")
        return
    size = path.stat().st_size
    if size > MAX_SVG_BYTES:
        problem(where, f"{path.name} is {size} bytes (limit {MAX_SVG_BYTES})")
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        problem(where, f"{path.name} is not well-formed XML: {e}")
        return
    if root.tag != "{http://www.w3.org/2000/svg}svg" or not root.get("viewBox"):
        problem(where, f"{path.name} is not an SVG with a viewBox")
    text = path.read_text(encoding="utf-8")
    if re.search(r"(href|src)\s*=\s*[\"'](https?:|//)", text) or "<script" in text:
        problem(where, f"{path.name} references external content or script")


def url_file(url):
    return PUBLIC / url.removeprefix("/")


def check_policies(doc, where):
    codes = {}
    for i, p in enumerate(doc.get("cancellationPolicies", [])):
        w = f"{where}.cancellationPolicies[{i}]"
        want(p, w, {"code": SLUG.match, "name": nonempty, "summary": nonempty, "rules": list})
        rules = p.get("rules", [])
        for j, r in enumerate(rules):
            want(r, f"{w}.rules[{j}]", {"daysBeforeArrival": in_range(0, 365),
                                         "refundPercent": in_range(0, 100)})
        days = [r.get("daysBeforeArrival") for r in rules]
        if not days or days != sorted(set(days), reverse=True) or days[-1] != 0:
            problem(w, "rules must be strictly descending by daysBeforeArrival and end with 0")
        codes[p.get("code")] = p
    cancellation = codes

    codes = {}
    for i, p in enumerate(doc.get("paymentPolicies", [])):
        w = f"{where}.paymentPolicies[{i}]"
        if p.get("kind") == "full":
            want(p, w, {"code": SLUG.match, "name": nonempty, "kind": str, "summary": nonempty})
        elif p.get("kind") == "deposit":
            want(p, w, {"code": SLUG.match, "name": nonempty, "kind": str, "summary": nonempty,
                        "depositPercent": in_range(1, 99),
                        "balanceDueDaysBeforeArrival": in_range(1, 365)})
        else:
            problem(w, f"unknown kind {p.get('kind')!r}")
        codes[p.get("code")] = p
    return cancellation, codes


def check_taxes(doc, where):
    for i, t in enumerate(doc.get("taxes", [])):
        w = f"{where}.taxes[{i}]"
        base = {"code": SLUG.match, "name": nonempty, "kind": str, "inclusive": bool}
        if t.get("kind") == "percent":
            base.update({"basisPoints": in_range(1, 5000),
                         "appliesTo": lambda v: v in ("accommodation", "accommodationAndFees")})
        elif t.get("kind") == "perPersonPerNight":
            base.update({"amount": money, "maxNights?": in_range(1, 365)})
        else:
            problem(w, f"unknown kind {t.get('kind')!r}")
        want(t, w, base)


def check_seasons(doc, where):
    spans = []
    codes = set()
    for i, s in enumerate(doc.get("seasons", [])):
        w = f"{where}.seasons[{i}]"
        want(s, w, {"code": SLUG.match, "name": nonempty, "multiplierPercent": in_range(50, 400),
                    "minNights?": in_range(1, 60), "closedToArrival": weekdays,
                    "closedToDeparture": weekdays, "periods": list})
        if s.get("code") in codes:
            problem(w, "duplicate season code")
        codes.add(s.get("code"))
        for j, p in enumerate(s.get("periods", [])):
            pw = f"{w}.periods[{j}]"
            want(p, pw, {"firstNight": date, "lastNight": date})
            if date(p.get("firstNight")) and date(p.get("lastNight")):
                a = dt.date.fromisoformat(p["firstNight"])
                b = dt.date.fromisoformat(p["lastNight"])
                if a > b:
                    problem(pw, "firstNight is after lastNight")
                spans.append((a, b, pw))
    spans.sort()
    for (a1, b1, w1), (a2, b2, w2) in zip(spans, spans[1:]):
        if a2 <= b1:
            problem(w2, f"overlaps {w1}")
    years = {a.year for a, _, _ in spans} | {b.year for _, b, _ in spans}
    if not {2026, 2027, 2028} <= years:
        problem(where, f"seasons should cover 2026-2028, found years {sorted(years)}")
    return codes


def check_coupons(doc, where, slugs):
    seen = set()
    expired = False
    for i, c in enumerate(doc.get("coupons", [])):
        w = f"{where}.coupons[{i}]"
        fields = {"code": COUPON.match, "description": nonempty, "kind": str,
                  "validFrom": date, "validUntil": date, "minNights?": in_range(1, 60),
                  "listings?": lambda v: isinstance(v, list) and all(s in slugs for s in v) and v}
        if c.get("kind") == "percent":
            fields["percent"] = in_range(1, 100)
        elif c.get("kind") == "fixed":
            fields["amountOff"] = lambda v: money(v) and v > 0
        else:
            problem(w, f"unknown kind {c.get('kind')!r}")
        want(c, w, fields)
        if c.get("code") in seen:
            problem(w, "duplicate coupon code")
        seen.add(c.get("code"))
        if date(c.get("validFrom")) and date(c.get("validUntil")):
            if c["validFrom"] > c["validUntil"]:
                problem(w, "validFrom is after validUntil")
            expired |= c["validUntil"] < "2026-01-01"
    if not expired:
        problem(where, "needs one expired coupon for tests")


def check_stays(listing, w):
    ranges = []
    for kind in ("bookings", "blocks"):
        for i, s in enumerate(listing.get(kind, [])):
            sw = f"{w}.{kind}[{i}]"
            fields = {"startOffsetDays": in_range(2, 179), "nights": in_range(1, 60)}
            if kind == "bookings":
                fields.update({"guests": in_range(1, listing.get("maxGuests", 1)),
                               "guestName": nonempty,
                               "guestEmail": lambda v: isinstance(v, str)
                               and re.fullmatch(r"[a-z0-9.\-]+@example\.com", v)})
            else:
                fields["reason"] = nonempty
            want(s, sw, fields)
            if is_int(s.get("startOffsetDays")) and is_int(s.get("nights")):
                ranges.append((s["startOffsetDays"], s["startOffsetDays"] + s["nights"], sw))
                if s["startOffsetDays"] + s["nights"] > 180:
                    problem(sw, "ends beyond offset 180")
    ranges.sort()
    for (a1, b1, w1), (a2, b2, w2) in zip(ranges, ranges[1:]):
        if a2 < b1:
            problem(w2, f"overlaps {w1}")


def check_listing(l, w, tenant, refs, amenities):
    cancellation, payment, seasons = refs
    want(l, w, {
        "slug": SLUG.match, "name": nonempty, "propertyType": lambda v: v in PROPERTY_TYPES,
        "roomType?": nonempty, "summary": lambda v: nonempty(v) and len(v) <= 160,
        "description": lambda v: nonempty(v) and "<" not in v and "\n\n" in v,
        "highlights": lambda v: str_list(v) and 2 <= len(v) <= 4,
        "photos": lambda v: isinstance(v, list) and 3 <= len(v) <= 5,
        "amenities": lambda v: str_list(v) and len(set(v)) == len(v),
        "houseRules": dict, "maxGuests": in_range(1, 30), "baseGuests": in_range(1, 30),
        "bedrooms": in_range(0, 20), "beds": in_range(1, 30), "bathrooms": in_range(1, 20),
        "sizeSqm": in_range(5, 5000), "location": dict, "checkIn": dict,
        "checkOutBy": lambda v: isinstance(v, str) and HHMM.match(v),
        "cancellationPolicy": lambda v: v in cancellation,
        "paymentPolicy": lambda v: v in payment, "pricing": dict,
        "bookings": list, "blocks": list,
    })
    for a in l.get("amenities", []):
        if a not in amenities:
            problem(w, f"unknown amenity {a!r}")
    if is_int(l.get("baseGuests")) and is_int(l.get("maxGuests")) and l["baseGuests"] > l["maxGuests"]:
        problem(w, "baseGuests exceeds maxGuests")
    if l.get("bedrooms", 0) and l.get("beds", 0) < l.get("bedrooms", 0):
        problem(w, "fewer beds than bedrooms")

    for n, p in enumerate(l.get("photos", []), start=1):
        pw = f"{w}.photos[{n - 1}]"
        want(p, pw, {"url": str, "alt": lambda v: nonempty(v) and 15 <= len(v) <= 250,
                     "width": int, "height": int})
        expected = f"/demo/{tenant}/{l.get('slug')}-{n}.svg"
        if p.get("url") != expected:
            problem(pw, f"url should be {expected}")
        check_svg(url_file(expected), pw)

    want(l.get("houseRules"), f"{w}.houseRules", {
        "petsAllowed": bool, "smokingAllowed": bool, "eventsAllowed": bool, "childrenAllowed": bool,
        "quietHours?": lambda v: isinstance(v, dict) and set(v) == {"from", "until"}
        and all(HHMM.match(x) for x in v.values()),
        "notes": str_list})
    want(l.get("location"), f"{w}.location", {
        "addressLine": nonempty, "locality": nonempty, "region": nonempty, "postalCode": nonempty,
        "countryCode": lambda v: v == TENANTS[tenant][1],
        "latitude": lambda v: isinstance(v, (int, float)) and -90 <= v <= 90 and round(v, 6) == v,
        "longitude": lambda v: isinstance(v, (int, float)) and -180 <= v <= 180 and round(v, 6) == v})
    want(l.get("checkIn"), f"{w}.checkIn", {"from": HHMM.match, "until": HHMM.match})

    pr = want(l.get("pricing"), f"{w}.pricing", {
        "baseRate": lambda v: money(v) and v > 0,
        "seasonRates": lambda v: isinstance(v, dict) and all(k in seasons and money(x) and x > 0
                                                              for k, x in v.items()),
        "weekendUpliftPercent": in_range(0, 100), "minNights": in_range(1, 60),
        "maxNights": in_range(1, 365), "closedToArrival": weekdays, "closedToDeparture": weekdays,
        "cleaningFee": money, "extraGuestFee": money, "lengthOfStayDiscounts": list})
    if pr.get("minNights", 1) > pr.get("maxNights", 365):
        problem(w, "minNights exceeds maxNights")
    if l.get("baseGuests") == l.get("maxGuests") and pr.get("extraGuestFee"):
        problem(w, "extraGuestFee set although baseGuests equals maxGuests")
    if l.get("baseGuests", 0) < l.get("maxGuests", 0) and not pr.get("extraGuestFee"):
        problem(w, "baseGuests below maxGuests needs an extraGuestFee")
    tiers = pr.get("lengthOfStayDiscounts", [])
    for i, t in enumerate(tiers):
        want(t, f"{w}.pricing.lengthOfStayDiscounts[{i}]",
             {"minNights": in_range(2, 365), "percent": in_range(1, 90)})
    mins = [t.get("minNights") for t in tiers]
    if mins != sorted(set(mins)):
        problem(w, "lengthOfStayDiscounts must be ascending by minNights")
    check_stays(l, w)


def check_tenant_file(tenant, amenities):
    path = DEMO / f"{tenant}.json"
    where = path.name
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        problem(where, f"cannot read: {e}")
        return None
    check_document(tenant, doc, amenities, where)
    return doc


def check_document(tenant, doc, amenities, where):
    """Checks one parsed tenant file; problems are appended to `problems`."""
    want(doc, where, {"schemaVersion": lambda v: v == 1, "tenant": dict, "weekendNights": weekdays,
                      "cancellationPolicies": list, "paymentPolicies": list, "taxes": list,
                      "seasons": list, "coupons": list, "listings": list})
    t = want(doc.get("tenant"), f"{where}.tenant", {
        "slug": lambda v: v == tenant, "name": nonempty, "tagline": nonempty,
        "contactEmail": lambda v: isinstance(v, str) and v.endswith(".example") and "@" in v,
        "contactPhone": lambda v: isinstance(v, str) and re.fullmatch(r"\+[1-9][0-9]{7,14}", v),
        "currency": lambda v: v == TENANTS[tenant][0], "locale": nonempty, "timeZone": str,
        "logo": lambda v: v == f"/demo/{tenant}/logo.svg"})
    try:
        ZoneInfo(t.get("timeZone", ""))
    except Exception:
        problem(f"{where}.tenant", f"unknown time zone {t.get('timeZone')!r}")
    if t.get("logo"):
        check_svg(url_file(t["logo"]), f"{where}.tenant.logo")

    cancellation, payment = check_policies(doc, where)
    check_taxes(doc, where)
    seasons = check_seasons(doc, where)
    listings = doc.get("listings", [])
    if not 6 <= len(listings) <= 12:
        problem(where, f"{len(listings)} listings, expected 6-12")
    slugs = [l.get("slug") for l in listings]
    if len(set(slugs)) != len(slugs):
        problem(where, "duplicate listing slugs")
    check_coupons(doc, where, set(slugs))
    for i, l in enumerate(listings):
        check_listing(l, f"{where}.listings[{i}]({l.get('slug')})", tenant,
                      (cancellation, payment, seasons), amenities)


def luminance(hex_colour):
    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a, b):
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


THEME_TOKENS = {"primary", "primary_contrast", "accent", "surface", "text", "muted",
                "font_body", "font_heading", "radius"}
# The site's theme layer accepts only this alphabet (server/src/tenancy/theme.rs).
CSS_SAFE = re.compile(r"""^[A-Za-z0-9 #%(),.\-"'/+]{1,200}$""")


def host_without_port(host):
    return host.split(":", 1)[0].lower()


def check_tenant_dir(tenant, doc):
    folder = TENANTS_DIR / tenant
    docs = {}
    for name in ("tenant", "theme", "content"):
        path = folder / f"{name}.toml"
        try:
            docs[name] = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as e:
            problem(f"tenants/{tenant}/{name}.toml", f"cannot read: {e}")
            return
    profile = (doc or {}).get("tenant", {})
    w = f"tenants/{tenant}/tenant.toml"
    up = tenant.upper()
    want(docs["tenant"], w, {
        "name": lambda v: v == profile.get("name"),
        "tagline": lambda v: v == profile.get("tagline"),
        "hosts": lambda v: isinstance(v, list) and f"{tenant}.localhost" in v
        and len({host_without_port(h) for h in v}) == len(v),
        "logo": lambda v: v == f"/demo/{tenant}/logo.svg",
        "client_id_env": lambda v: v == f"DOORSTEP_{up}_CLIENT_ID",
        "api_key_env": lambda v: v == f"DOORSTEP_{up}_API_KEY"})

    w = f"tenants/{tenant}/theme.toml"
    theme = docs["theme"]
    if set(theme) != THEME_TOKENS:
        problem(w, f"tokens must be exactly {sorted(THEME_TOKENS)}")
    for key, value in theme.items():
        if not isinstance(value, str) or not CSS_SAFE.match(value) or "/*" in value:
            problem(w, f"{key} is not a safe CSS value")
    colours = {k: theme.get(k) for k in ("primary", "primary_contrast", "accent", "surface", "text", "muted")}
    if all(isinstance(v, str) and HEX.match(v) for v in colours.values()):
        for fg, bg, need in (("primary_contrast", "primary", 4.5), ("text", "surface", 7.0),
                             ("muted", "surface", 4.5), ("primary", "surface", 4.5),
                             ("accent", "surface", 4.5)):
            ratio = contrast(colours[fg], colours[bg])
            if ratio < need:
                problem(w, f"contrast of {fg} on {bg} is {ratio:.2f}, needs {need}")
    else:
        problem(w, "colours must be #rrggbb")
    if not re.fullmatch(r"\d+(\.\d+)?(rem|px)", str(theme.get("radius", ""))):
        problem(w, "radius must be a length in rem or px")

    w = f"tenants/{tenant}/content.toml"
    content = want(docs["content"], w, {"listings": dict, "hero": dict, "about": dict, "footer": dict})
    want(content.get("listings", {}), f"{w} [listings]", {"heading": nonempty, "intro": nonempty})
    hero = want(content.get("hero", {}), f"{w} [hero]", {
        "headline": nonempty, "subheadline": nonempty, "cta": nonempty,
        "image": lambda v: v == f"/demo/{tenant}/hero.svg", "image_alt": nonempty})
    if isinstance(hero.get("image"), str):
        check_svg(url_file(hero["image"]), f"{w} hero.image")
    want(content.get("about", {}), f"{w} [about]", {"title": nonempty, "body": nonempty})
    want(content.get("footer", {}), f"{w} [footer]", {"text": nonempty})


# ---------------------------------------------------------------- reference quote

def round_half_up(numerator, denominator):
    return (numerator * 2 + denominator) // (2 * denominator)


def season_of(doc, night):
    for s in doc["seasons"]:
        for p in s["periods"]:
            if p["firstNight"] <= night.isoformat() <= p["lastNight"]:
                return s
    return None


def quote(doc, slug, arrival, departure, guests, coupon_code=None, today=None):
    """Itemized quote per README.md; raises ValueError with the reason a stay is refused."""
    listing = next((l for l in doc["listings"] if l["slug"] == slug), None)
    if listing is None:
        raise ValueError("unknown listing")
    pr = listing["pricing"]
    n = (departure - arrival).days
    if n < 1:
        raise ValueError("check-out must be after check-in")
    if not 1 <= guests <= listing["maxGuests"]:
        raise ValueError(f"guests must be 1..{listing['maxGuests']}")
    first = season_of(doc, arrival) or {}
    last = season_of(doc, departure) or {}
    min_n = max(pr["minNights"], first.get("minNights") or 0)
    if n < min_n:
        raise ValueError(f"minimum stay is {min_n} nights")
    if n > pr["maxNights"]:
        raise ValueError(f"maximum stay is {pr['maxNights']} nights")
    wd = WEEKDAYS[arrival.weekday()]
    if wd in pr["closedToArrival"] or wd in first.get("closedToArrival", []):
        raise ValueError("closed to arrival on " + wd)
    wd = WEEKDAYS[departure.weekday()]
    if wd in pr["closedToDeparture"] or wd in last.get("closedToDeparture", []):
        raise ValueError("closed to departure on " + wd)

    lines, nights = [], 0
    for i in range(n):
        night = arrival + dt.timedelta(i)
        s = season_of(doc, night)
        rate = pr["baseRate"]
        if s:
            rate = pr["seasonRates"].get(s["code"]) or round_half_up(pr["baseRate"] * s["multiplierPercent"], 100)
        if WEEKDAYS[night.weekday()] in doc["weekendNights"] and pr["weekendUpliftPercent"]:
            rate = round_half_up(rate * (100 + pr["weekendUpliftPercent"]), 100)
        lines.append((night.isoformat(), s["code"] if s else "base", rate))
        nights += rate
    extra = pr["extraGuestFee"] * max(0, guests - listing["baseGuests"]) * n
    tier = [t for t in pr["lengthOfStayDiscounts"] if t["minNights"] <= n]
    los = round_half_up(nights * tier[-1]["percent"], 100) if tier else 0
    off = 0
    if coupon_code:
        today = today or dt.datetime.now(ZoneInfo(doc["tenant"]["timeZone"])).date()
        c = next((c for c in doc["coupons"] if c["code"] == coupon_code.upper()), None)
        if c is None:
            raise ValueError("unknown coupon")
        if not c["validFrom"] <= today.isoformat() <= c["validUntil"]:
            raise ValueError("coupon not valid today")
        if c["minNights"] and n < c["minNights"]:
            raise ValueError(f"coupon needs {c['minNights']} nights")
        if c["listings"] and slug not in c["listings"]:
            raise ValueError("coupon not valid for this listing")
        if c["kind"] == "percent":
            off = round_half_up((nights - los) * c["percent"], 100)
        else:
            off = min(c["amountOff"], nights - los)
    accommodation = nights + extra - los - off
    cleaning = pr["cleaningFee"]
    taxes, added = [], 0
    for t in doc["taxes"]:
        if t["kind"] == "percent":
            base = accommodation + (cleaning if t["appliesTo"] == "accommodationAndFees" else 0)
            bp = t["basisPoints"]
            amount = round_half_up(base * bp, 10000 + bp) if t["inclusive"] else round_half_up(base * bp, 10000)
        else:
            amount = t["amount"] * guests * min(n, t["maxNights"] or n)
        taxes.append((t["name"], amount, t["inclusive"]))
        added += 0 if t["inclusive"] else amount
    return {"nights": lines, "nightsSubtotal": nights, "extraGuests": extra, "lengthOfStay": los,
            "coupon": off, "cleaning": cleaning, "taxes": taxes,
            "total": accommodation + cleaning + added, "currency": doc["tenant"]["currency"]}


def print_quote(args):
    today = None
    if "--today" in args:
        i = args.index("--today")
        today = dt.date.fromisoformat(args[i + 1])
        args = args[:i] + args[i + 2:]
    tenant, slug, a, b, g = args[:5]
    doc = json.loads((DEMO / f"{tenant}.json").read_text(encoding="utf-8"))
    try:
        q = quote(doc, slug, dt.date.fromisoformat(a), dt.date.fromisoformat(b), int(g),
                  args[5] if len(args) > 5 else None, today)
    except ValueError as e:
        print(f"refused: {e}")
        return 2
    cur = q["currency"]
    for night, season, rate in q["nights"]:
        print(f"  {night}  {season:<14} {rate / 100:>10.2f} {cur}")
    for label in ("nightsSubtotal", "extraGuests", "lengthOfStay", "coupon", "cleaning"):
        print(f"{label:<16} {q[label] / 100:>12.2f}")
    for name, amount, inclusive in q["taxes"]:
        print(f"{name[:40]:<40} {amount / 100:>10.2f}{' (included)' if inclusive else ''}")
    print(f"{'total':<16} {q['total'] / 100:>12.2f} {cur}")
    return 0


def main(args):
    if args[:1] == ["--quote"]:
        return print_quote(args[1:])
    try:
        amenities = json.loads((DEMO / "amenities.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        problem("amenities.json", f"cannot read: {e}")
        amenities = {}
    for code, a in amenities.items():
        if not SLUG.match(code):
            problem("amenities.json", f"bad code {code!r}")
        want(a, f"amenities.json.{code}", {"label": nonempty, "group": nonempty})

    counts = {}
    for tenant in TENANTS:
        doc = check_tenant_file(tenant, amenities)
        check_tenant_dir(tenant, doc)
        if doc:
            ls = doc.get("listings", [])
            counts[tenant] = (len(ls), sum(len(l.get("photos", [])) for l in ls),
                              sum(len(l.get("bookings", [])) for l in ls))

    for p in problems:
        print("problem:", p)
    for tenant, (n, photos, bookings) in counts.items():
        print(f"{tenant}: {n} listings, {photos} photos, {bookings} seeded bookings")
    print("OK" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
