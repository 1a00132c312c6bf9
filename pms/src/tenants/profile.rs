//! A tenant's profile: what the platform tells the site about its owner.

use std::collections::BTreeMap;

use doorstep::api::ContactDetails;

/// Name, defaults and contact details of a tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantProfile {
    /// Display name of the property manager.
    pub name: String,
    /// Default currency, ISO 4217 (`EUR`).
    pub currency: String,
    /// Default locale, BCP 47 (`en-GB`).
    pub locale: String,
    /// IANA time zone (`Europe/Lisbon`).
    pub time_zone: String,
    /// How guests reach the property manager.
    pub contact: ContactDetails,
}

/// Profile fields that do not pass validation, by camelCase field name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid tenant profile: {}", describe(.0))]
pub struct ProfileError(pub BTreeMap<String, String>);

fn describe(fields: &BTreeMap<String, String>) -> String {
    fields
        .iter()
        .map(|(field, problem)| format!("{field} {problem}"))
        .collect::<Vec<_>>()
        .join("; ")
}

impl TenantProfile {
    /// A profile with the platform's defaults: EUR, `en-GB`, UTC.
    pub fn named(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            currency: "EUR".into(),
            locale: "en-GB".into(),
            time_zone: "UTC".into(),
            contact: ContactDetails::default(),
        }
    }

    /// Checks the shape of every field. Time zones are checked for shape
    /// only, since the platform carries no time-zone database.
    pub fn validate(&self) -> Result<(), ProfileError> {
        let mut problems = BTreeMap::new();
        let mut check = |ok: bool, field: &str, problem: &str| {
            if !ok {
                problems.insert(field.to_owned(), problem.to_owned());
            }
        };

        let name = self.name.trim();
        check(
            !name.is_empty() && name.chars().count() <= 200 && !name.chars().any(char::is_control),
            "name",
            "must be 1 to 200 printable characters",
        );
        check(
            self.currency.len() == 3 && self.currency.bytes().all(|b| b.is_ascii_uppercase()),
            "currency",
            "must be an ISO 4217 code such as EUR",
        );
        check(
            is_locale(&self.locale),
            "locale",
            "must be a BCP 47 tag such as en-GB",
        );
        check(
            is_time_zone(&self.time_zone),
            "timeZone",
            "must be an IANA time zone such as Europe/Lisbon",
        );
        for (field, value) in [
            ("contact.email", &self.contact.email),
            ("contact.phone", &self.contact.phone),
            ("contact.website", &self.contact.website),
        ] {
            if let Some(value) = value {
                check(
                    value.len() <= 200 && !value.chars().any(char::is_control),
                    field,
                    "must be at most 200 printable characters",
                );
            }
        }
        if let Some(email) = &self.contact.email {
            check(
                email.contains('@'),
                "contact.email",
                "must be an e-mail address",
            );
        }

        if problems.is_empty() {
            Ok(())
        } else {
            Err(ProfileError(problems))
        }
    }
}

fn is_locale(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let language = parts.next().unwrap_or_default();
    (2..=3).contains(&language.len())
        && language.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

fn is_time_zone(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/_+-".contains(&b))
        && !name.starts_with('/')
        && !name.contains("..")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_profile_is_valid() {
        assert_eq!(TenantProfile::named("Villa Co").validate(), Ok(()));
    }

    #[test]
    fn every_bad_field_is_reported_by_name() {
        let profile = TenantProfile {
            name: " ".into(),
            currency: "eur".into(),
            locale: "english".into(),
            time_zone: "../etc/passwd".into(),
            contact: ContactDetails {
                email: Some("nobody".into()),
                ..Default::default()
            },
        };
        let ProfileError(fields) = profile.validate().unwrap_err();
        let names: Vec<_> = fields.keys().map(String::as_str).collect();
        assert_eq!(
            names,
            ["contact.email", "currency", "locale", "name", "timeZone"]
        );
    }
}
