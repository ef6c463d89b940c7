//! The session rules, free of any browser type.
//!
//! Given the stored pair, the verified claims, the [`Config`] and "now",
//! these functions say whether the session is valid, when it ends, why,
//! and when its state next changes. All arithmetic saturates: absurd stored
//! numbers end sessions, they never overflow.

use std::fmt;

use crate::claims::Claims;
use crate::config::Config;
use crate::token::TokenError;

/// The longest delay a browser timer holds (`2^31 - 1` ms, about 24.8
/// days); longer delays fire at once, so timers are clamped and re-armed.
pub const MAX_TIMER_DELAY_MS: u64 = i32::MAX as u64;

/// Where the session stands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum State {
    /// No session.
    #[default]
    SignedOut,
    /// A valid session, not near its end.
    Active,
    /// A valid session within the warning lead of its end.
    Expiring,
}

impl State {
    /// The contract name: `signed-out`, `active` or `expiring`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SignedOut => "signed-out",
            Self::Active => "active",
            Self::Expiring => "expiring",
        }
    }

    /// Whether a session is running.
    pub fn is_signed_in(self) -> bool {
        self != Self::SignedOut
    }
}

/// Why the last session ended; `None` while none has ended.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Reason {
    /// No session has ended, or one is running.
    #[default]
    None,
    /// The user logged out in this tab.
    Logout,
    /// The session's timeout passed.
    Timeout,
    /// The token's `exp` passed.
    TokenExpired,
    /// No user input for the idle timeout.
    Idle,
    /// Ended outside this tab: another tab, or code removing the keys.
    OtherTab,
    /// A stored value could not be trusted.
    Invalid,
}

impl Reason {
    /// The contract name: `none`, `logout`, `timeout`, `token-expired`,
    /// `idle`, `other-tab` or `invalid`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Logout => "logout",
            Self::Timeout => "timeout",
            Self::TokenExpired => "token-expired",
            Self::Idle => "idle",
            Self::OtherTab => "other-tab",
            Self::Invalid => "invalid",
        }
    }
}

/// The two stored values as read, before any parsing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StoredPair {
    /// The `auth-token` value.
    pub token: Option<String>,
    /// The `auth-token-set-time` value.
    pub set_time: Option<String>,
}

impl StoredPair {
    /// A pair holding both values.
    pub fn new(token: impl Into<String>, set_time: impl Into<String>) -> Self {
        Self {
            token: Some(token.into()),
            set_time: Some(set_time.into()),
        }
    }

    /// Whether neither value is stored.
    pub fn is_empty(&self) -> bool {
        self.token.is_none() && self.set_time.is_none()
    }

    /// Whether exactly one value is stored: a write in progress, or damage.
    pub fn is_torn(&self) -> bool {
        self.token.is_some() != self.set_time.is_some()
    }
}

/// Why a stored session cannot be trusted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Invalid {
    /// A token is stored without a set-time.
    MissingSetTime,
    /// A set-time is stored without a token.
    MissingToken,
    /// The set-time is not decimal milliseconds.
    SetTimeNotANumber,
    /// The set-time lies further in the future than the leeway allows.
    SetTimeInFuture,
    /// The token's `iat` lies further in the future than the leeway allows.
    IssuedInFuture,
    /// The token's `nbf` lies further in the future than the leeway allows.
    NotYetValid,
    /// The set-time and the token's `iat` are further apart than the
    /// leeway: the pair does not belong together.
    SetTimeMismatch,
    /// The token failed verification.
    Token(TokenError),
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingSetTime => f.write_str("a token is stored without a set-time"),
            Self::MissingToken => f.write_str("a set-time is stored without a token"),
            Self::SetTimeNotANumber => f.write_str("the set-time is not decimal milliseconds"),
            Self::SetTimeInFuture => f.write_str("the set-time lies in the future"),
            Self::IssuedInFuture => f.write_str("the token's iat lies in the future"),
            Self::NotYetValid => f.write_str("the token's nbf lies in the future"),
            Self::SetTimeMismatch => f.write_str("the set-time does not match the token's iat"),
            Self::Token(error) => error.fmt(f),
        }
    }
}

/// A stored session that passed every check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    /// The pair exactly as read, for compare-and-remove.
    pub pair: StoredPair,
    /// The compact token.
    pub token: String,
    /// When the session was set, in ms since the epoch; a stored set-time
    /// ahead of the time it was first checked counts from that time.
    pub set_time: u64,
    /// The verified claims.
    pub claims: Claims,
}

/// Parses a set-time: decimal digits only, as `Date.now()` writes them.
///
/// # Errors
///
/// [`Invalid::SetTimeNotANumber`] for anything else, including `""`,
/// `-5`, `1.5`, spaces and numbers beyond `u64`.
pub fn parse_set_time(text: &str) -> Result<u64, Invalid> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Invalid::SetTimeNotANumber);
    }
    text.parse().map_err(|_| Invalid::SetTimeNotANumber)
}

/// The `exp` for a session set at `set_time_ms` lasting `timeout_ms`: the
/// first whole second at or after the session's end.
pub fn token_exp(set_time_ms: u64, timeout_ms: u64) -> u64 {
    set_time_ms.saturating_add(timeout_ms).div_ceil(1000)
}

/// Checks a complete stored pair at `now`.
///
/// `verify` checks the token's signature and claim types. Time is checked
/// here: the set-time and `iat` may not lie beyond `now + leeway`, and the
/// set-time must lie within the leeway of `iat`, so that a set-time edited
/// by hand or half of a pair being rewritten is not trusted.
///
/// # Errors
///
/// The [`Invalid`] check that failed.
pub fn check_pair(
    pair: &StoredPair,
    verify: impl FnOnce(&str) -> Result<Claims, TokenError>,
    config: &Config,
    now: u64,
) -> Result<Session, Invalid> {
    let (token, set_time) = match (&pair.token, &pair.set_time) {
        (Some(token), Some(set_time)) => (token, set_time),
        (Some(_), None) => return Err(Invalid::MissingSetTime),
        (None, _) => return Err(Invalid::MissingToken),
    };

    let set_time = parse_set_time(set_time)?;
    let latest = now.saturating_add(config.leeway_ms());
    if set_time > latest {
        return Err(Invalid::SetTimeInFuture);
    }

    let claims = verify(token).map_err(Invalid::Token)?;
    if let Some(iat) = claims.iat {
        let iat_ms = iat.saturating_mul(1000);
        // Checked first: a set-time that does not belong to its token is
        // most likely half of another tab's write, whatever the clock says.
        // `iat` is whole seconds, so the set-time may be up to 999 ms past.
        if set_time.abs_diff(iat_ms) > config.leeway_ms().saturating_add(999) {
            return Err(Invalid::SetTimeMismatch);
        }
        if iat_ms > latest {
            return Err(Invalid::IssuedInFuture);
        }
    }

    if let Some(nbf) = claims.nbf
        && nbf.saturating_mul(1000) > latest
    {
        return Err(Invalid::NotYetValid);
    }

    // A set-time ahead of now (within the leeway) counts from now, so the
    // leeway never lengthens a session.
    Ok(Session {
        pair: pair.clone(),
        token: token.clone(),
        set_time: set_time.min(now),
        claims,
    })
}

/// When a session ends and what ends it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Deadline {
    /// The instant, in ms since the epoch, at which the session is over.
    pub at: u64,
    /// What ends it then: `Timeout`, `TokenExpired` or `Idle`.
    pub reason: Reason,
}

/// The earliest of: set-time + timeout; the token's `exp`; and, with an
/// idle timeout, the last activity + idle.
///
/// A token without `exp` is accepted but bounded by set-time + timeout,
/// and by `iat` + timeout when it has an `iat`. On a tie the timeout wins,
/// then the token's expiry.
pub fn deadline(session: &Session, config: &Config, last_activity: Option<u64>) -> Deadline {
    let timeout = config.timeout_ms();
    let mut end = Deadline {
        at: session.set_time.saturating_add(timeout),
        reason: Reason::Timeout,
    };

    let mut consider = |at: u64, reason: Reason| {
        if at < end.at {
            end = Deadline { at, reason };
        }
    };
    match (session.claims.exp, session.claims.iat) {
        (Some(exp), _) => consider(exp.saturating_mul(1000), Reason::TokenExpired),
        (None, Some(iat)) => consider(
            iat.saturating_mul(1000)
                .min(session.set_time)
                .saturating_add(timeout),
            Reason::Timeout,
        ),
        (None, None) => {}
    }
    if let Some(idle) = config.idle_ms() {
        let since = last_activity.unwrap_or(0).max(session.set_time);
        consider(since.saturating_add(idle), Reason::Idle);
    }
    end
}

/// Where a valid session stands at an instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    /// Running; `next_change` is when the state next changes (the warning
    /// or the end).
    Running {
        /// `Active` or `Expiring`.
        state: State,
        /// When the state next changes, in ms since the epoch.
        next_change: u64,
    },
    /// Over, for this reason.
    Ended(Reason),
}

/// The standing of a session with `deadline` at `now`: ended at or after
/// the deadline, expiring within the warning lead, active before.
pub fn standing(deadline: Deadline, config: &Config, now: u64) -> Standing {
    if now >= deadline.at {
        return Standing::Ended(deadline.reason);
    }
    let warn = config.warn_ms();
    let warn_at = deadline.at.saturating_sub(warn);
    if warn > 0 && now >= warn_at {
        Standing::Running {
            state: State::Expiring,
            next_change: deadline.at,
        }
    } else if warn > 0 {
        Standing::Running {
            state: State::Active,
            next_change: warn_at,
        }
    } else {
        Standing::Running {
            state: State::Active,
            next_change: deadline.at,
        }
    }
}

/// The delay for a one-shot timer aimed at `at`: `0` when it has passed,
/// otherwise the time left, clamped to [`MAX_TIMER_DELAY_MS`]. A clamped
/// timer re-checks when it fires and is armed again.
pub fn timer_delay(at: u64, now: u64) -> u32 {
    let delay = at.saturating_sub(now).min(MAX_TIMER_DELAY_MS);
    u32::try_from(delay).unwrap_or(u32::MAX)
}

/// "Now" that never runs backwards: the wall clock, or, if it was set
/// back, the previous reading plus the monotonic time elapsed since. A wall
/// clock jumping forward (sleep) is followed.
pub fn guarded_now(wall_now: u64, previous: u64, mono_elapsed: u64) -> u64 {
    wall_now.max(previous.saturating_add(mono_elapsed))
}

#[cfg(test)]
mod tests;
