//! The booking domain's settings: how long a quote is valid, how long a
//! booking holds its dates while payment is awaited, and how often the
//! sweeper releases lapsed holds and retries pending refunds.
//!
//! Read once from the environment, on first use. A value that is set but
//! unreadable is reported in the log and replaced by the default, because
//! the domain is reached only after the service has started.

use std::sync::OnceLock;
use std::time::Duration;

/// `PMS_QUOTE_TTL_SECS`, `PMS_HOLD_TTL_SECS` and `PMS_HOLD_SWEEP_SECS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BookingSettings {
    /// How long a quote can be booked (default 30 minutes).
    pub quote_ttl: Duration,
    /// How long an unpaid booking holds its dates (default 15 minutes).
    pub hold_ttl: Duration,
    /// How often the [sweeper](super::sweeper) runs (default a minute).
    pub hold_sweep: Duration,
}

impl Default for BookingSettings {
    fn default() -> Self {
        Self {
            quote_ttl: Duration::from_secs(30 * 60),
            hold_ttl: Duration::from_secs(15 * 60),
            hold_sweep: Duration::from_secs(60),
        }
    }
}

impl BookingSettings {
    /// The settings of this process.
    pub fn get() -> BookingSettings {
        static SETTINGS: OnceLock<BookingSettings> = OnceLock::new();
        *SETTINGS.get_or_init(Self::from_env)
    }

    fn from_env() -> Self {
        let defaults = Self::default();
        Self {
            quote_ttl: seconds("PMS_QUOTE_TTL_SECS", defaults.quote_ttl),
            hold_ttl: seconds("PMS_HOLD_TTL_SECS", defaults.hold_ttl),
            hold_sweep: seconds("PMS_HOLD_SWEEP_SECS", defaults.hold_sweep),
        }
    }

    /// The quote lifetime in milliseconds.
    pub fn quote_ttl_ms(&self) -> i64 {
        self.quote_ttl.as_millis() as i64
    }

    /// The hold lifetime in milliseconds.
    pub fn hold_ttl_ms(&self) -> i64 {
        self.hold_ttl.as_millis() as i64
    }
}

fn seconds(name: &str, default: Duration) -> Duration {
    let value = std::env::var(name).ok();
    seconds_from(value.as_deref(), default).unwrap_or_else(|| {
        tracing::warn!(setting = name, "ignored: must be 1 to 604800 seconds");
        default
    })
}

/// The duration a setting's text names: the default when unset, `None`
/// when set to anything but 1 to 604800 (a week) whole seconds.
fn seconds_from(value: Option<&str>, default: Duration) -> Option<Duration> {
    let Some(text) = value else {
        return Some(default);
    };
    match text.trim().parse::<u64>() {
        Ok(secs) if (1..=7 * 24 * 3600).contains(&secs) => Some(Duration::from_secs(secs)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lifetime_setting_is_whole_seconds_up_to_a_week() {
        let default = Duration::from_secs(900);

        assert_eq!(seconds_from(None, default), Some(default));
        assert_eq!(
            seconds_from(Some(" 60 "), default),
            Some(Duration::from_secs(60))
        );
        assert_eq!(seconds_from(Some("0"), default), None);
        assert_eq!(seconds_from(Some("1.5"), default), None);
        assert_eq!(seconds_from(Some("604801"), default), None);
    }
}
