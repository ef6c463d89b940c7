//! Session settings, their defaults, and the demo app's URL overrides.

use std::fmt;
use std::time::Duration;

use crate::duration::{DurationError, format_duration, parse_duration};

/// The shortest check interval; smaller values are raised to it with a
/// warning, since a 0 ms interval would spin the page.
pub const MIN_INTERVAL: Duration = Duration::from_millis(50);

/// How a session is timed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    /// How long a session lasts after log-in, whatever the user does.
    /// Default: 30 minutes.
    pub timeout: Duration,
    /// How often the check runs and the countdown updates while the tab is
    /// visible. Default: 1 second; never less than [`MIN_INTERVAL`].
    pub interval: Duration,
    /// How long before the end the session turns `expiring` and warns.
    /// Zero turns the warning off. Default: 1 minute.
    pub warn: Duration,
    /// How long without user input ends the session. Zero turns the idle
    /// timeout off. Default: off.
    pub idle: Duration,
    /// How far a stored set-time or a token's `iat` may lie in the future
    /// (clock skew between tabs, machines and the issuer) before the
    /// session counts as invalid. Never extends a session. Default: 60 s.
    pub leeway: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(30 * 60),
            interval: Duration::from_secs(1),
            warn: Duration::from_secs(60),
            idle: Duration::ZERO,
            leeway: Duration::from_secs(60),
        }
    }
}

/// A setting that could not be used as given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigIssue {
    /// The name of the setting, as in the URL: `timeout`, `interval`, ...
    pub param: &'static str,
    /// What was wrong and what is used instead.
    pub kind: IssueKind,
}

/// What was wrong with a setting.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum IssueKind {
    /// The value is not a duration; the default (or another valid value
    /// for the same parameter) is used.
    Invalid {
        /// The value as given, shortened to 40 characters.
        value: String,
        /// Why it is not a duration.
        error: DurationError,
        /// The value used instead: the default, or a valid value given
        /// for the same parameter.
        used: Duration,
    },
    /// The timeout is zero; the default is used.
    ZeroTimeout {
        /// The default used instead.
        default: Duration,
    },
    /// The interval is below [`MIN_INTERVAL`] and was raised to it.
    IntervalRaised {
        /// The interval as given.
        given: Duration,
    },
    /// The warning lead is not shorter than the timeout (or the idle
    /// timeout): every session warns from its start.
    WarnFromStart,
}

impl ConfigIssue {
    /// Whether the issue is an error (a value rejected) rather than a
    /// warning (a value adjusted).
    pub fn is_error(&self) -> bool {
        matches!(
            self.kind,
            IssueKind::Invalid { .. } | IssueKind::ZeroTimeout { .. }
        )
    }
}

impl fmt::Display for ConfigIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let param = self.param;
        match &self.kind {
            IssueKind::Invalid { value, error, used } => {
                let outcome = if used.is_zero() && matches!(param, "warn" | "idle") {
                    "it stays off".to_owned()
                } else {
                    format!("using {}", format_duration(*used))
                };
                write!(f, "{param}: \"{value}\" {error}; {outcome}")
            }
            IssueKind::ZeroTimeout { default } => write!(
                f,
                "{param}: must be longer than zero; using the default {}",
                format_duration(*default)
            ),
            IssueKind::WarnFromStart => write!(
                f,
                "{param}: not shorter than the timeout or idle, so the warning opens at log-in"
            ),
            IssueKind::IntervalRaised { given } => write!(
                f,
                "{param}: {} is too short; using {}",
                format_duration(*given),
                format_duration(MIN_INTERVAL)
            ),
        }
    }
}

/// The URL parameters a demo page may override.
pub const PARAMS: [&str; 5] = ["timeout", "interval", "warn", "idle", "leeway"];

impl Config {
    /// Applies overrides given as `(name, value)` pairs, such as the demo
    /// app's URL query, to this config.
    ///
    /// Every value that cannot be used is reported and leaves the current
    /// value in place; nothing is dropped silently. Names outside
    /// [`PARAMS`] are ignored without a report, so a host page may use the
    /// query for its own parameters.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use leptos_jwt_session::Config;
    ///
    /// let (config, issues) = Config::default()
    ///     .with_overrides([("timeout", "3s"), ("interval", "banana")]);
    /// assert_eq!(config.timeout, Duration::from_secs(3));
    /// assert_eq!(config.interval, Duration::from_secs(1));
    /// assert_eq!(issues[0].param, "interval");
    /// ```
    pub fn with_overrides<'a>(
        mut self,
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> (Self, Vec<ConfigIssue>) {
        let defaults = self;
        let mut issues = Vec::new();

        for (name, value) in pairs {
            let Some(param) = PARAMS.into_iter().find(|p| *p == name) else {
                continue;
            };
            let slot = match param {
                "timeout" => &mut self.timeout,
                "interval" => &mut self.interval,
                "warn" => &mut self.warn,
                "idle" => &mut self.idle,
                _ => &mut self.leeway,
            };
            match parse_duration(value) {
                Ok(duration) => *slot = duration,
                Err(error) => issues.push(ConfigIssue {
                    param,
                    kind: IssueKind::Invalid {
                        value: value.chars().take(40).collect(),
                        error,
                        used: *slot,
                    },
                }),
            }
        }

        // A parameter may come twice; say what is finally in force.
        for issue in &mut issues {
            if let IssueKind::Invalid { used, .. } = &mut issue.kind {
                *used = self.get(issue.param);
            }
        }
        issues.extend(self.sanitize(&defaults));
        (self, issues)
    }

    /// Replaces values the session cannot run with and reports each.
    fn sanitize(&mut self, defaults: &Config) -> Vec<ConfigIssue> {
        let mut issues = Vec::new();
        if self.timeout.is_zero() {
            self.timeout = defaults.timeout;
            issues.push(ConfigIssue {
                param: "timeout",
                kind: IssueKind::ZeroTimeout {
                    default: defaults.timeout,
                },
            });
        }
        let idle = if self.idle.is_zero() {
            self.timeout
        } else {
            self.idle
        };
        if !self.warn.is_zero() && self.warn >= self.timeout.min(idle) {
            issues.push(ConfigIssue {
                param: "warn",
                kind: IssueKind::WarnFromStart,
            });
        }
        if self.interval < MIN_INTERVAL {
            issues.push(ConfigIssue {
                param: "interval",
                kind: IssueKind::IntervalRaised {
                    given: self.interval,
                },
            });
            self.interval = MIN_INTERVAL;
        }
        issues
    }

    /// The value of the setting named `param` (one of [`PARAMS`]).
    fn get(&self, param: &str) -> Duration {
        match param {
            "timeout" => self.timeout,
            "interval" => self.interval,
            "warn" => self.warn,
            "idle" => self.idle,
            _ => self.leeway,
        }
    }

    /// Reads overrides from a URL query string such as
    /// `?timeout=3s&interval=250ms`. See [`Config::with_overrides`].
    pub fn with_query(self, query: &str) -> (Self, Vec<ConfigIssue>) {
        let query = query.strip_prefix('?').unwrap_or(query);
        let pairs: Vec<(String, String)> = query
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| pair.split_once('=').unwrap_or((pair, "")))
            .map(|(name, value)| (percent_decode(name), percent_decode(value)))
            .collect();
        self.with_overrides(pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())))
    }

    /// The timeout in whole milliseconds.
    pub fn timeout_ms(&self) -> u64 {
        millis(self.timeout)
    }

    /// The warning lead in whole milliseconds; 0 when off.
    pub fn warn_ms(&self) -> u64 {
        millis(self.warn)
    }

    /// The idle timeout in whole milliseconds, or `None` when off.
    pub fn idle_ms(&self) -> Option<u64> {
        (!self.idle.is_zero()).then(|| millis(self.idle))
    }

    /// The leeway in whole milliseconds.
    pub fn leeway_ms(&self) -> u64 {
        millis(self.leeway)
    }
}

/// Decodes `%XX` escapes and `+` as in a URL query; invalid escapes stay
/// as they are and invalid UTF-8 becomes U+FFFD.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let hex = |at: usize| {
        let digit = |b: u8| char::from(b).to_digit(16);
        let (high, low) = (digit(*bytes.get(at)?)?, digit(*bytes.get(at + 1)?)?);
        u8::try_from(high * 16 + low).ok()
    };
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        match (byte, hex(i + 1)) {
            (b'%', Some(decoded)) => {
                out.push(decoded);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            _ => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_overrides_every_setting() {
        let query = "?timeout=3s&interval=250ms&warn=1s&idle=2m&leeway=0s";

        let (config, issues) = Config::default().with_query(query);

        assert!(issues.is_empty(), "{issues:?}");
        assert_eq!(config.timeout, Duration::from_secs(3));
        assert_eq!(config.interval, Duration::from_millis(250));
        assert_eq!(config.warn, Duration::from_secs(1));
        assert_eq!(config.idle_ms(), Some(120_000));
        assert_eq!(config.leeway, Duration::ZERO);
    }

    #[test]
    fn a_bad_value_is_named_and_the_default_kept() {
        let (config, issues) = Config::default().with_query("timeout=banana&warn=5s");

        assert_eq!(config.timeout, Config::default().timeout);
        assert_eq!(config.warn, Duration::from_secs(5));
        assert_eq!(issues.len(), 1);
        assert!(issues[0].is_error());
        let message = issues[0].to_string();
        assert!(message.starts_with("timeout: \"banana\""), "{message}");
        assert!(message.ends_with("using 30m"), "{message}");
    }

    #[test]
    fn zero_warn_and_zero_idle_turn_them_off() {
        let (config, issues) = Config::default().with_query("warn=0s&idle=0s");

        assert!(issues.is_empty());
        assert_eq!(config.warn_ms(), 0);
        assert_eq!(config.idle_ms(), None);
    }

    #[test]
    fn zero_timeout_falls_back_to_the_default() {
        let (config, issues) = Config::default().with_query("timeout=0ms");

        assert_eq!(config.timeout, Config::default().timeout);
        assert_eq!(issues[0].param, "timeout");
        assert!(issues[0].is_error());
    }

    #[test]
    fn tiny_interval_is_raised_with_a_warning() {
        for query in ["interval=0ms", "interval=0s", "interval=10ms"] {
            let (config, issues) = Config::default().with_query(query);

            assert_eq!(config.interval, MIN_INTERVAL, "{query}");
            assert_eq!(issues.len(), 1, "{query}");
            assert!(!issues[0].is_error());
            assert!(issues[0].to_string().contains("using 50ms"));
        }
    }

    #[test]
    fn nonsense_interval_is_rejected_and_the_default_kept() {
        let (config, issues) = Config::default().with_query("interval=fast");

        assert_eq!(config.interval, Duration::from_secs(1));
        assert_eq!(issues[0].param, "interval");
    }

    #[test]
    fn other_parameters_and_empty_pairs_are_ignored() {
        let (config, issues) = Config::default().with_query("?&utm=x&timeout=5m&&flag");

        assert!(issues.is_empty());
        assert_eq!(config.timeout, Duration::from_secs(300));
    }

    #[test]
    fn a_repeated_parameter_reports_the_value_finally_in_force() {
        for query in ["timeout=banana&timeout=5s", "timeout=5s&timeout=banana"] {
            let (config, issues) = Config::default().with_query(query);

            assert_eq!(config.timeout, Duration::from_secs(5), "{query}");
            assert!(issues[0].to_string().ends_with("using 5s"), "{query}");
        }
    }

    #[test]
    fn query_values_are_percent_decoded() {
        let (config, issues) = Config::default().with_query("timeout=20%73&warn=%35s");

        assert!(issues.is_empty(), "{issues:?}");
        assert_eq!(config.timeout, Duration::from_secs(20));
        assert_eq!(config.warn, Duration::from_secs(5));
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_decode("a+b%C3%A9"), "a bé");
        assert_eq!(percent_decode("%FF"), "\u{FFFD}");
    }

    #[test]
    fn a_bad_value_for_a_setting_that_is_off_says_off() {
        let (_, issues) = Config::default().with_query("idle=xx");

        assert!(
            issues[0].to_string().ends_with("it stays off"),
            "{}",
            issues[0]
        );
    }

    #[test]
    fn a_warning_as_long_as_the_timeout_is_reported() {
        let (_, issues) = Config::default().with_query("timeout=1m&warn=5h");

        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].param, "warn");
        assert!(!issues[0].is_error());
    }

    #[test]
    fn a_warning_as_long_as_the_idle_timeout_is_reported() {
        let (_, issues) = Config::default().with_query("idle=3s");

        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].param, "warn");
    }

    #[test]
    fn a_long_bad_value_is_shortened_in_the_message() {
        let value = "x".repeat(500);
        let (_, issues) = Config::default().with_overrides([("leeway", value.as_str())]);

        assert!(issues[0].to_string().len() < 120);
    }
}
