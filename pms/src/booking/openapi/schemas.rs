//! JSON Schemas of the booking wire types (`doorstep::booking`), as the
//! handlers send and accept them: required exactly where a field is always
//! sent, request bodies closed to unknown fields, patterns that match the
//! checks in [`super::super::input`].

use serde_json::{Value, json};

pub(super) fn integer(minimum: i64) -> Value {
    json!({"type": "integer", "minimum": minimum})
}

pub(super) fn money(description: &str) -> Value {
    json!({"type": "integer", "description": format!("{description}, in minor units of the currency")})
}

pub(super) fn string() -> Value {
    json!({"type": "string"})
}

pub(super) fn date() -> Value {
    json!({"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"})
}

pub(super) fn instant() -> Value {
    json!({"type": "string", "format": "date-time"})
}

pub(super) fn currency() -> Value {
    json!({"type": "string", "pattern": "^[A-Z]{3}$", "description": "ISO 4217"})
}

pub(super) fn strings() -> Value {
    json!({"type": "array", "items": string()})
}

pub(super) fn array(items: Value) -> Value {
    json!({"type": "array", "items": items})
}

/// An object with these properties, all of them listed in `required`
/// except those in `optional`.
pub(super) fn object(properties: Value, optional: &[&str]) -> Value {
    let required: Vec<&String> = properties
        .as_object()
        .expect("properties is an object")
        .keys()
        .filter(|k| !optional.contains(&k.as_str()))
        .collect();
    json!({"type": "object", "required": required, "properties": properties})
}

/// A request body object: unknown fields are refused.
pub(super) fn closed(properties: Value, optional: &[&str]) -> Value {
    let mut schema = object(properties, optional);
    schema["additionalProperties"] = json!(false);
    schema
}

pub(super) fn photo() -> Value {
    object(json!({"url": string(), "alt": string()}), &[])
}

pub(super) fn time_window() -> Value {
    object(json!({"from": string(), "until": string()}), &[])
}

pub(super) fn cancellation_policy() -> Value {
    let rule = object(
        json!({"daysBeforeArrival": integer(0), "refundPercent": integer(0)}),
        &[],
    );
    object(
        json!({"code": string(), "name": string(), "summary": string(), "rules": array(rule)}),
        &[],
    )
}

pub(super) fn payment_policy() -> Value {
    object(
        json!({
            "code": string(), "name": string(),
            "kind": {"type": "string", "enum": ["full", "deposit"]},
            "depositPercent": integer(1),
            "balanceDueDaysBeforeArrival": integer(0),
            "summary": string()
        }),
        &["depositPercent", "balanceDueDaysBeforeArrival"],
    )
}

pub(super) fn stay_offer() -> Value {
    object(
        json!({
            "available": {"type": "boolean"},
            "reason": {"type": "string", "description": "why not, when not available"},
            "nights": integer(0),
            "total": money("the stay's total without a coupon"),
            "currency": currency()
        }),
        &["reason"],
    )
}

pub(super) fn listing_summary() -> Value {
    object(
        json!({
            "id": string(), "slug": string(), "name": string(), "summary": string(),
            "propertyType": string(), "city": string(), "region": string(), "country": string(),
            "photo": photo(), "maxGuests": integer(0), "bedrooms": integer(0),
            "bathrooms": integer(0), "amenities": strings(),
            "nightlyRate": money("base-season nightly rate"), "currency": currency(),
            "stay": stay_offer()
        }),
        &["photo", "stay"],
    )
}

pub(super) fn listing_detail() -> Value {
    let location = object(
        json!({
            "address": string(), "city": string(), "region": string(), "postalCode": string(),
            "country": string(), "latitude": {"type": "number"}, "longitude": {"type": "number"}
        }),
        &[],
    );
    let house_rules = object(
        json!({
            "petsAllowed": {"type": "boolean"}, "smokingAllowed": {"type": "boolean"},
            "eventsAllowed": {"type": "boolean"}, "childrenAllowed": {"type": "boolean"},
            "quietHours": time_window(), "notes": strings()
        }),
        &["quietHours"],
    );
    object(
        json!({
            "id": string(), "slug": string(), "name": string(), "summary": string(),
            "description": string(), "highlights": strings(), "propertyType": string(),
            "roomType": string(), "photos": array(photo()), "amenities": strings(),
            "houseRules": house_rules, "maxGuests": integer(0), "baseGuests": integer(0),
            "bedrooms": integer(0), "beds": integer(0), "bathrooms": integer(0),
            "sizeSqm": integer(0), "location": location, "checkIn": time_window(),
            "checkOutBy": string(), "timeZone": string(), "currency": currency(),
            "nightlyRate": money("base-season nightly rate"),
            "cleaningFee": money("once per stay"),
            "extraGuestFee": money("per guest above baseGuests, per night"),
            "minNights": integer(1), "maxNights": integer(1),
            "cancellationPolicy": cancellation_policy(), "paymentPolicy": payment_policy()
        }),
        &["roomType", "sizeSqm"],
    )
}

pub(super) fn calendar() -> Value {
    let day = object(
        json!({
            "date": date(), "available": {"type": "boolean"},
            "nightlyRate": money("this night's rate"), "minNights": integer(1),
            "closedToArrival": {"type": "boolean"}, "closedToDeparture": {"type": "boolean"},
            "season": string()
        }),
        &["season"],
    );
    object(
        json!({"listingId": string(), "currency": currency(), "timeZone": string(), "days": array(day)}),
        &[],
    )
}

pub(super) fn price() -> Value {
    let discount = object(
        json!({"label": string(), "amount": money("taken off")}),
        &[],
    );
    let tax = object(
        json!({"code": string(), "name": string(), "amount": integer(0), "inclusive": {"type": "boolean"}}),
        &[],
    );
    object(
        json!({
            "currency": currency(),
            "nights": array(object(json!({"date": date(), "amount": integer(0)}), &[])),
            "nightsSubtotal": money("sum of the nightly rates"),
            "extraGuestFee": money("extra guests"),
            "lengthOfStayDiscount": discount.clone(),
            "couponDiscount": discount,
            "cleaningFee": money("cleaning"),
            "taxes": array(tax),
            "total": money("what the guest pays"),
            "dueNow": money("charged by the payment"),
            "balanceDueLater": money("due before arrival after a deposit")
        }),
        &["lengthOfStayDiscount", "couponDiscount"],
    )
}

pub(super) fn quote() -> Value {
    object(
        json!({
            "id": string(), "listingId": string(), "checkIn": date(), "checkOut": date(),
            "guests": integer(1), "couponCode": string(), "price": price(), "expiresAt": instant()
        }),
        &["couponCode"],
    )
}

/// Text with at least one visible character and no control character
/// but the line feed, as `check_text` requires.
pub(super) const TEXT: &str = "^[^\\u0000-\\u0009\\u000B-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u0009\\u000B-\\u001F\\u007F-\\u009F]*$";

/// `local@domain.tld`, as `check_email` requires.
const EMAIL: &str = "^[^@\\s\\u0000-\\u001F\\u007F-\\u009F]+@[^@\\s.\\u0000-\\u001F\\u007F-\\u009F][^@\\s\\u0000-\\u001F\\u007F-\\u009F]*\\.[^@\\s\\u0000-\\u001F\\u007F-\\u009F]*[^@\\s.\\u0000-\\u001F\\u007F-\\u009F]$";

/// Free text where line breaks and tabs are the only control characters.
const NOTES: &str = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$";

/// 6 to 20 digits with `+`, spaces, dashes, dots and parentheses between.
const PHONE: &str = "^[ +().-]*([0-9][ +().-]*){6,20}$";

pub(super) fn guest_details() -> Value {
    closed(
        json!({
            "name": {"type": "string", "maxLength": 200, "pattern": TEXT},
            "email": {"type": "string", "maxLength": 254, "pattern": EMAIL},
            "phone": {"type": "string", "pattern": PHONE},
            "arrivalNotes": {"type": ["string", "null"], "maxLength": 1000, "pattern": NOTES}
        }),
        &["arrivalNotes"],
    )
}

pub(super) fn booking() -> Value {
    let payment = object(
        json!({
            "id": string(), "brand": string(), "last4": {"type": "string", "pattern": "^[0-9]{4}$"},
            "amount": integer(0), "currency": currency(), "paidAt": instant()
        }),
        &[],
    );
    let refund = object(
        json!({"amount": integer(0), "currency": currency(), "percent": integer(0)}),
        &[],
    );
    let mut guest = object(
        json!({"name": string(), "email": string(), "phone": string(), "arrivalNotes": string()}),
        &["arrivalNotes"],
    );
    guest["additionalProperties"] = json!(false);
    object(
        json!({
            "id": string(),
            "reference": {"type": "string", "pattern": "^DS-[A-Z0-9]{8}$"},
            "status": {"type": "string", "enum": ["held", "confirmed", "cancelled", "expired"]},
            "listingId": string(), "listingName": string(),
            "checkIn": date(), "checkOut": date(), "guests": integer(1),
            "guest": guest, "price": price(), "amountPaid": integer(0),
            "holdExpiresAt": instant(), "payment": payment, "refund": refund,
            "cancellationPolicy": cancellation_policy(), "paymentPolicy": payment_policy(),
            "createdAt": instant()
        }),
        &["holdExpiresAt", "payment", "refund"],
    )
}

pub(super) fn lookup_body() -> Value {
    closed(
        json!({
            "reference": {"type": "string", "maxLength": 40, "pattern": "\\S"},
            "email": {"type": "string", "maxLength": 254, "pattern": "\\S"}
        }),
        &[],
    )
}
