//! Reading requests: JSON bodies and query strings whose every problem
//! becomes a validation error naming the field, and the checks shared by
//! several endpoints (dates, guests, e-mail, phone).
//!
//! Axum's own `Json` and `Query` extractors answer the first problem they
//! meet as plain text; a booking form wants every bad field at once, named
//! as it was sent (`checkIn`, `guest.email`).

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use doorstep::booking::{Date, MAX_BOOKING_HORIZON_DAYS, MAX_STAY_NIGHTS};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

use super::pricing::{add_days, days_between};

/// Field problems collected while checking one request.
#[derive(Debug, Default)]
pub struct FieldErrors(BTreeMap<String, String>);

impl FieldErrors {
    /// Records a problem with `field`; the first problem of a field wins.
    pub fn add(&mut self, field: &str, problem: impl Into<String>) {
        self.0
            .entry(field.to_owned())
            .or_insert_with(|| problem.into());
    }

    /// Whether `field` already has a problem.
    pub fn has(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }

    /// `Ok` when nothing was recorded, else the 422 naming every field.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::validation(self.0))
        }
    }
}

/// A JSON body whose shape errors name the field (`guest.email`).
pub struct JsonBody<T>(pub T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| ApiError::unreadable_body(&rejection))?;
        parse_json(&bytes).map(JsonBody)
    }
}

/// Parses a JSON body, turning the first serde error into a field error.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if bytes.is_empty() {
        return Err(ApiError::bad_request("a JSON request body is required"));
    }
    let deserializer = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            return ApiError::bad_request("the request body is not valid JSON");
        }
        let message = inner.to_string();
        let field = missing_field(&message)
            .map(|name| join_path(&path, name))
            .unwrap_or(path);
        let field = if field == "." || field.is_empty() {
            "body".to_owned()
        } else {
            field
        };
        ApiError::invalid_field(&field, readable(&message))
    })
}

/// serde names a missing field only in its message: "missing field `x`".
fn missing_field(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("missing field `")?;
    rest.split('`').next()
}

fn join_path(path: &str, name: &str) -> String {
    if path == "." || path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

/// Drops serde's " at line 1 column 5" tail, which means nothing to a form.
fn readable(message: &str) -> String {
    let trimmed = match message.rfind(" at line ") {
        Some(at) => &message[..at],
        None => message,
    };
    // serde quotes the offending value ("invalid type: integer
    // `4242424242424242`, expected a string"); the answer must not repeat
    // what was sent, which may be a card number or a guest's details, so
    // only what was expected is kept.
    let expected = trimmed
        .split_once(", expected ")
        .map(|(_, expected)| expected);
    match expected {
        Some(expected) if trimmed.starts_with("invalid type") => {
            format!("has the wrong type: expected {expected}")
        }
        Some(expected) if trimmed.starts_with("unknown variant") => {
            format!("is not one of the allowed values: expected {expected}")
        }
        Some(expected) => format!("is invalid: expected {expected}"),
        None if trimmed.starts_with("invalid ") => "is invalid".to_owned(),
        None => trimmed.replace("missing field", "is required:"),
    }
}

/// The pairs of a query string, last value winning for repeated names.
pub struct QueryPairs(BTreeMap<String, String>);

impl QueryPairs {
    /// Parses a raw query string (`None` when there was none).
    pub fn parse(raw: Option<&str>) -> Result<Self, ApiError> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.unwrap_or(""))
            .map_err(|_| ApiError::bad_request("the query string is not valid"))?;
        Ok(Self(pairs.into_iter().collect()))
    }

    /// The value of `name` as sent, empty or not.
    pub fn raw(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// A free-text value, with an empty value treated as absent.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.raw(name).filter(|v| !v.is_empty())
    }

    /// A date parameter; records a problem when it is not `YYYY-MM-DD`.
    pub fn date(&self, name: &str, errors: &mut FieldErrors) -> Option<Date> {
        let text = self.raw(name)?;
        match parse_date(text) {
            Some(date) => Some(date),
            None => {
                errors.add(name, "must be a date, YYYY-MM-DD");
                None
            }
        }
    }

    /// A whole-number parameter within `min..=max`.
    pub fn number(&self, name: &str, min: i64, max: i64, errors: &mut FieldErrors) -> Option<i64> {
        let text = self.raw(name)?;
        match text.parse::<i64>() {
            Ok(n) if (min..=max).contains(&n) => Some(n),
            Ok(_) => {
                errors.add(name, format!("must be between {min} and {max}"));
                None
            }
            Err(_) => {
                errors.add(name, "must be a whole number");
                None
            }
        }
    }

    /// A `true` / `false` parameter.
    pub fn flag(&self, name: &str, errors: &mut FieldErrors) -> Option<bool> {
        match self.raw(name)? {
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            _ => {
                errors.add(name, "must be true or false");
                None
            }
        }
    }
}

/// Whether `value` can be an ID, slug, reference, coupon code or e-mail we
/// stored: not empty, at most 254 characters, no control character. Keys
/// that cannot exist are answered without a query, and PostgreSQL never
/// sees a NUL character (which its text type refuses with an error).
pub fn is_plausible_key(value: &str) -> bool {
    !value.is_empty() && value.chars().count() <= 254 && !value.chars().any(char::is_control)
}

/// Parses a strict `YYYY-MM-DD` calendar date.
pub fn parse_date(text: &str) -> Option<Date> {
    let valid_shape = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !valid_shape {
        return None;
    }
    text.parse().ok()
}

/// Checks a stay's dates against `today` (in the listing's time zone):
/// check-in not in the past nor beyond the booking horizon, check-out after
/// check-in, and no longer than the longest stay any listing allows.
pub fn check_stay_dates(check_in: Date, check_out: Date, today: Date, errors: &mut FieldErrors) {
    if check_in < today {
        errors.add("checkIn", "must not be in the past");
    } else if check_in > add_days(today, MAX_BOOKING_HORIZON_DAYS) {
        errors.add(
            "checkIn",
            format!("must be within {MAX_BOOKING_HORIZON_DAYS} days from today"),
        );
    }
    if check_out <= check_in {
        errors.add("checkOut", "must be after checkIn");
    } else if days_between(check_in, check_out) > i64::from(MAX_STAY_NIGHTS) {
        errors.add(
            "checkOut",
            format!("a stay may last at most {MAX_STAY_NIGHTS} nights"),
        );
    }
}

/// The most guests any request may name; capacity is checked per listing.
pub const MAX_GUESTS: u32 = 50;

/// Checks a guest count is at least one and not absurd.
pub fn check_guests(field: &str, guests: u32, errors: &mut FieldErrors) {
    if guests == 0 {
        errors.add(field, "must be at least 1");
    } else if guests > MAX_GUESTS {
        errors.add(field, format!("must be at most {MAX_GUESTS}"));
    }
}

/// Checks a required free-text field: not blank, at most `max` characters.
pub fn check_text(field: &str, value: &str, max: usize, errors: &mut FieldErrors) {
    if value.trim().is_empty() {
        errors.add(field, "must not be empty");
    } else if value.chars().count() > max {
        errors.add(field, format!("must be at most {max} characters"));
    } else if value.chars().any(|c| c.is_control() && c != '\n') {
        errors.add(field, "must not contain control characters");
    }
}

/// Checks an e-mail address has the plain `local@domain.tld` shape.
pub fn check_email(field: &str, value: &str, errors: &mut FieldErrors) {
    let shape_ok = value.chars().count() <= 254
        && !value.chars().any(|c| c.is_whitespace() || c.is_control())
        && value.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if !shape_ok {
        errors.add(field, "must be an e-mail address");
    }
}

/// The longest phone number accepted, separators included.
pub const MAX_PHONE_CHARS: usize = 40;

/// Checks a phone number: digits with optional `+`, spaces, dashes, dots
/// and parentheses, 6 to 20 digits, at most [`MAX_PHONE_CHARS`] in all.
pub fn check_phone(field: &str, value: &str, errors: &mut FieldErrors) {
    let allowed = value.len() <= MAX_PHONE_CHARS
        && value
            .chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c));
    let digits = value.chars().filter(char::is_ascii_digit).count();
    if !allowed || !(6..=20).contains(&digits) {
        errors.add(
            field,
            "must be a phone number (6 to 20 digits, at most 40 characters)",
        );
    }
}

/// The 409 a booking gets when a night was taken first.
pub fn dates_taken() -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "dates_unavailable",
        "The dates are no longer available.",
    )
}

/// A 422 with a specific code, for a request that is well-formed but cannot
/// be honoured (a stay rule, a policy).
pub fn refused(code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use doorstep::booking::BookingRequest;

    #[test]
    fn a_missing_nested_field_is_named_by_its_path() {
        let body = br#"{"quoteId": "q", "guest": {"name": "A", "phone": "+1 555 0100"}}"#;

        let error = parse_json::<BookingRequest>(body).unwrap_err();

        assert_eq!(error.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let text = format!("{error:?}");
        assert!(text.contains("guest.email"), "{text}");
    }

    #[test]
    fn a_wrongly_typed_field_is_named() {
        let body = br#"{"listingId": "l", "checkIn": "2030-02-30", "checkOut": "2030-03-02", "guests": 2}"#;

        let error = parse_json::<doorstep::booking::QuoteRequest>(body).unwrap_err();

        assert!(format!("{error:?}").contains("checkIn"));
    }

    #[test]
    fn a_mistyped_value_is_not_repeated_in_the_answer() {
        let body = br#"{"card": {"number": 4242424242424242, "expMonth": 12, "expYear": 2031,
            "cvc": "123", "holderName": "Ann Guest"}}"#;

        let card = parse_json::<doorstep::booking::PaymentRequest>(body).unwrap_err();
        let text = format!("{card:?}");

        assert!(text.contains("card.number"), "{text}");
        assert!(text.contains("expected a string"), "{text}");
        assert!(!text.contains("4242"), "{text}");
        for message in [
            "invalid value: string \"4242424242424242\", expected a date",
            "invalid length 4242, expected 2 elements",
            "unknown variant `4242424242424242`, expected one of `a`, `b`",
        ] {
            assert!(!readable(message).contains("4242"), "{message}");
        }
    }

    #[test]
    fn a_phone_number_padded_with_separators_is_refused() {
        let check = |value: &str| {
            let mut errors = FieldErrors::default();
            check_phone("guest.phone", value, &mut errors);
            errors.finish().is_ok()
        };

        assert!(check("+1 (555) 010-0100"));
        assert!(!check(&format!("1{}23456", " ".repeat(40))));
        assert!(!check("12345"));
    }

    #[test]
    fn broken_json_is_a_bad_request() {
        let error = parse_json::<BookingRequest>(b"{\"quoteId\": ").unwrap_err();

        assert_eq!(error.status(), StatusCode::BAD_REQUEST);
    }

    #[test]
    fn dates_must_be_strict_calendar_dates() {
        assert!(parse_date("2030-02-28").is_some());
        assert!(parse_date("2030-02-30").is_none());
        assert!(parse_date("2030-2-28").is_none());
        assert!(parse_date("2030-02-28T00:00").is_none());
    }

    #[test]
    fn stay_dates_name_each_problem() {
        let today = jiff::civil::date(2030, 3, 1);
        let mut errors = FieldErrors::default();

        check_stay_dates(
            jiff::civil::date(2030, 2, 1),
            jiff::civil::date(2030, 1, 30),
            today,
            &mut errors,
        );

        assert!(errors.has("checkIn"));
        assert!(errors.has("checkOut"));
    }

    #[test]
    fn contact_details_are_checked_for_shape() {
        let mut errors = FieldErrors::default();
        check_email("a", "guest@example.com", &mut errors);
        check_phone("b", "+351 21 555 0100", &mut errors);
        assert!(errors.finish().is_ok());

        let mut errors = FieldErrors::default();
        check_email("a", "guest@localhost", &mut errors);
        check_phone("b", "call me", &mut errors);
        assert!(errors.has("a") && errors.has("b"));
    }
}
