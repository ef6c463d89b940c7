//! Human-readable durations: `250ms`, `3s`, `15m`, `2h`.
//!
//! The demo app's URL overrides use this format, and the view formats the
//! remaining time with [`format_clock`].

use std::fmt;
use std::time::Duration;

/// The longest duration accepted: about 100 years. Longer values are
/// rejected so that every deadline sum stays far from `u64` overflow.
pub const MAX_DURATION: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

/// Why a text is not a duration.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DurationError {
    /// The text is empty.
    Empty,
    /// The number part is missing or is not a whole decimal number.
    NotANumber,
    /// The unit is missing or is not one of `ms`, `s`, `m`, `h`.
    UnknownUnit,
    /// The value is larger than [`MAX_DURATION`].
    TooLarge,
}

impl fmt::Display for DurationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Empty => "is empty",
            Self::NotANumber => "is not a whole number followed by a unit",
            Self::UnknownUnit => "needs a unit of ms, s, m or h",
            Self::TooLarge => "is longer than 100 years",
        })
    }
}

impl std::error::Error for DurationError {}

/// Parses a whole number followed by a unit: `ms`, `s`, `m` or `h`.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use leptos_jwt_session::duration::parse_duration;
///
/// assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
/// assert_eq!(parse_duration("3s"), Ok(Duration::from_secs(3)));
/// assert!(parse_duration("1.5s").is_err());
/// ```
///
/// # Errors
///
/// Returns a [`DurationError`] naming what is wrong with the text.
pub fn parse_duration(text: &str) -> Result<Duration, DurationError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(DurationError::Empty);
    }

    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    if number.is_empty() {
        return Err(DurationError::NotANumber);
    }

    let factor: u64 = match unit {
        "ms" => 1,
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        "" => return Err(DurationError::UnknownUnit),
        _ if unit.starts_with(['.', ',']) => {
            return Err(DurationError::NotANumber);
        }
        _ => return Err(DurationError::UnknownUnit),
    };

    // Digits only, so a parse failure can only mean overflow.
    let millis = number
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(factor))
        .ok_or(DurationError::TooLarge)?;
    let duration = Duration::from_millis(millis);
    if duration > MAX_DURATION {
        return Err(DurationError::TooLarge);
    }
    Ok(duration)
}

/// Formats a duration in the shortest exact form [`parse_duration`] reads.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use leptos_jwt_session::duration::format_duration;
///
/// assert_eq!(format_duration(Duration::from_secs(90)), "90s");
/// assert_eq!(format_duration(Duration::from_secs(120)), "2m");
/// ```
pub fn format_duration(duration: Duration) -> String {
    let millis = duration.as_millis();
    for (factor, unit) in [(3_600_000, "h"), (60_000, "m"), (1_000, "s")] {
        if millis >= factor && millis.is_multiple_of(factor) {
            return format!("{}{unit}", millis / factor);
        }
    }
    format!("{millis}ms")
}

/// Formats remaining milliseconds as a countdown: `m:ss`, or `h:mm:ss`
/// from one hour up.
///
/// Rounds up, so the display reads `0:00` only once the time is over.
///
/// # Examples
///
/// ```
/// use leptos_jwt_session::duration::format_clock;
///
/// assert_eq!(format_clock(29_001), "0:30");
/// assert_eq!(format_clock(3_600_000), "1:00:00");
/// ```
pub fn format_clock(remaining_ms: u64) -> String {
    let total = remaining_ms.div_ceil(1_000);
    let (hours, minutes, seconds) = (total / 3600, total / 60 % 60, total % 60);
    if hours > 0 {
        format!("{hours}:{minutes:02}:{seconds:02}")
    } else {
        format!("{minutes}:{seconds:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_unit_parses_to_milliseconds() {
        let cases = [
            ("0ms", 0),
            ("250ms", 250),
            ("3s", 3_000),
            ("15m", 900_000),
            ("2h", 7_200_000),
            (" 5s ", 5_000),
        ];
        for (text, millis) in cases {
            assert_eq!(
                parse_duration(text),
                Ok(Duration::from_millis(millis)),
                "{text}"
            );
        }
    }

    #[test]
    fn malformed_text_names_the_problem() {
        let cases = [
            ("", DurationError::Empty),
            ("s", DurationError::NotANumber),
            ("-5s", DurationError::NotANumber),
            ("1.5s", DurationError::NotANumber),
            ("banana", DurationError::NotANumber),
            ("5", DurationError::UnknownUnit),
            ("5d", DurationError::UnknownUnit),
            ("5 s", DurationError::UnknownUnit),
            ("99999999999999999999s", DurationError::TooLarge),
            ("18446744073709551615h", DurationError::TooLarge),
            ("877000h", DurationError::TooLarge),
        ];
        for (text, error) in cases {
            assert_eq!(parse_duration(text), Err(error), "{text:?}");
        }
    }

    #[test]
    fn format_duration_round_trips() {
        for text in ["250ms", "1500ms", "3s", "90s", "2m", "2h"] {
            let parsed = parse_duration(text).expect("valid");
            assert_eq!(format_duration(parsed), text);
        }
    }

    #[test]
    fn clock_rounds_up_to_the_next_second() {
        assert_eq!(format_clock(0), "0:00");
        assert_eq!(format_clock(1), "0:01");
        assert_eq!(format_clock(1_000), "0:01");
        assert_eq!(format_clock(59_999), "1:00");
        assert_eq!(format_clock(61_000), "1:01");
        assert_eq!(format_clock(3_599_000), "59:59");
        assert_eq!(format_clock(3_661_000), "1:01:01");
    }
}
