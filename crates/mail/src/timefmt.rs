//! The one timestamp shape the store sorts by: RFC 3339 UTC with seconds, "2026-11-28T12:00:00Z".

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, UtcOffset};

/// Formats a Unix timestamp as "YYYY-MM-DDTHH:MM:SSZ"; `None` outside years 0000-9999.
pub(crate) fn utc_from_unix(seconds: i64) -> Option<String> {
    let at = OffsetDateTime::from_unix_timestamp(seconds).ok()?;
    format_utc(at)
}

/// Reads any RFC 3339 timestamp (any offset) and returns it in the canonical UTC shape.
pub(crate) fn canonical_utc(text: &str) -> Option<String> {
    format_utc(OffsetDateTime::parse(text.trim(), &Rfc3339).ok()?)
}

pub(crate) fn unix_from_rfc3339(text: &str) -> Option<i64> {
    Some(
        OffsetDateTime::parse(text.trim(), &Rfc3339)
            .ok()?
            .unix_timestamp(),
    )
}

fn format_utc(at: OffsetDateTime) -> Option<String> {
    // Fixed width so that stored timestamps sort correctly as strings.
    let shape = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    at.to_offset(UtcOffset::UTC).format(&shape).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_shape() {
        assert_eq!(
            canonical_utc("2026-11-28T13:00:00+01:00").as_deref(),
            Some("2026-11-28T12:00:00Z")
        );
        assert_eq!(utc_from_unix(0).as_deref(), Some("1970-01-01T00:00:00Z"));
        assert_eq!(canonical_utc("yesterday"), None);
    }
}
