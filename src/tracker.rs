//! One tab's view of the shared session: a state machine with no browser
//! types, fed with what storage holds and what time it is.
//!
//! Storage is the truth across tabs; the tracker decides what a reading of
//! it means for this tab and says what to do: the new state, which stored
//! values to remove (only if they are still the ones read), what to warn
//! about, and when the session ends.

use crate::claims::Claims;
use crate::config::Config;
use crate::rules::{
    Deadline, Invalid, Reason, Session, Standing, State, StoredPair, check_pair, deadline, standing,
};
use crate::token::TokenError;

/// What made the tab look at storage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trigger {
    /// A regular check: start-up, the interval, the deadline timer, the tab
    /// shown again.
    Check,
    /// Another tab changed storage. Half-written pairs are waited out.
    StorageEvent,
    /// Someone asked for the token.
    Read,
}

/// What the tab must do after an observation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Step {
    /// The new state and reason, when they changed.
    pub change: Option<(State, Reason)>,
    /// Stored values to remove, each only if storage still holds it.
    pub remove: Option<StoredPair>,
    /// Why a stored session was not trusted, to report once.
    pub invalid: Option<Invalid>,
}

/// One tab's session state.
#[derive(Clone, Debug)]
pub struct Tracker {
    config: Config,
    state: State,
    reason: Reason,
    session: Option<Session>,
    /// A torn or mismatched pair seen at the last regular check.
    suspect: Option<StoredPair>,
}

impl Tracker {
    /// A signed-out tracker; nothing has ended yet.
    pub fn new(config: Config) -> Self {
        Self {
            config,
            state: State::SignedOut,
            reason: Reason::None,
            session: None,
            suspect: None,
        }
    }

    /// The config in force.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The current state.
    pub fn state(&self) -> State {
        self.state
    }

    /// The reason of the last end, or `None` while signed in.
    pub fn reason(&self) -> Reason {
        self.reason
    }

    /// The running session, if any.
    pub fn session(&self) -> Option<&Session> {
        self.session.as_ref()
    }

    /// When the state next changes: the warning, then the end. `None` when
    /// signed out or over.
    pub fn next_change(&self, now: u64, last_activity: Option<u64>) -> Option<u64> {
        let end = self.deadline(last_activity)?;
        match standing(end, &self.config, now) {
            Standing::Running { next_change, .. } => Some(next_change),
            Standing::Ended(_) => None,
        }
    }

    /// When the running session ends, with `last_activity` for the idle
    /// timeout.
    pub fn deadline(&self, last_activity: Option<u64>) -> Option<Deadline> {
        let session = self.session.as_ref()?;
        Some(deadline(session, &self.config, last_activity))
    }

    fn set(&mut self, state: State, reason: Reason, step: &mut Step) {
        if (state, reason) != (self.state, self.reason) {
            self.state = state;
            self.reason = reason;
            step.change = Some((state, reason));
        }
    }

    fn end(&mut self, reason: Reason, step: &mut Step) {
        self.session = None;
        self.set(State::SignedOut, reason, step);
    }

    /// Looks at what storage holds at `now` and updates the state.
    ///
    /// A pair that is torn (one key only) or mismatched (set-time far from
    /// the token's `iat`) may be another tab's write in progress: a storage
    /// event or a read never ends a session over it, and a regular check
    /// ends it as `invalid` only when the same pair is still there at the
    /// next regular check. Once this tab's own session is past its end,
    /// such a pair ends it for the session's own reason, and only what is
    /// left of this tab's pair is removed. Anything else that fails a check
    /// ends the session as `invalid` at once.
    pub fn observe(
        &mut self,
        trigger: Trigger,
        pair: &StoredPair,
        now: u64,
        last_activity: Option<u64>,
        verify: impl FnOnce(&str) -> Result<Claims, TokenError>,
    ) -> Step {
        let mut step = Step::default();

        if pair.is_empty() {
            self.suspect = None;
            if let Some(session) = self.session.take() {
                let end = deadline(&session, &self.config, last_activity);
                let reason = if now >= end.at {
                    end.reason
                } else {
                    Reason::OtherTab
                };
                self.end(reason, &mut step);
            }
            return step;
        }

        // A valid pair that shares exactly one value with this tab's session
        // is most likely another tab's renewal half written: wait for the
        // rest, and judge it at the next regular check if it is still there.
        let half_new = self.session.as_ref().is_some_and(|known| {
            !pair.is_torn()
                && (known.pair.token == pair.token) != (known.pair.set_time == pair.set_time)
        });
        let seen_before = trigger == Trigger::Check && self.suspect.as_ref() == Some(pair);
        let checked = match &self.session {
            Some(known) if known.pair == *pair => Ok(known.clone()),
            _ => match check_pair(pair, verify, &self.config, now) {
                Ok(_) if half_new && !seen_before => Err(Invalid::SetTimeMismatch),
                checked => checked,
            },
        };
        let session = match checked {
            Ok(session) => session,
            Err(
                cause
                @ (Invalid::MissingSetTime | Invalid::MissingToken | Invalid::SetTimeMismatch),
            ) => {
                // This tab's own session is over whatever is being written:
                // end it for its own reason, and remove only what is left of
                // it, never half of another tab's new pair.
                if let Some(known) = &self.session {
                    let end = deadline(known, &self.config, last_activity);
                    if now >= end.at {
                        let own = |held: &Option<String>, ours: &Option<String>| {
                            held.clone().filter(|_| held == ours)
                        };
                        step.remove = Some(StoredPair {
                            token: own(&pair.token, &known.pair.token),
                            set_time: own(&pair.set_time, &known.pair.set_time),
                        });
                        self.suspect = None;
                        self.end(end.reason, &mut step);
                        return step;
                    }
                }
                if trigger == Trigger::Check {
                    if self.suspect.as_ref() == Some(pair) {
                        self.suspect = None;
                        self.end(Reason::Invalid, &mut step);
                        step.remove = Some(pair.clone());
                        step.invalid = Some(cause);
                    } else {
                        self.suspect = Some(pair.clone());
                    }
                }
                return step;
            }
            Err(cause) => {
                self.suspect = None;
                self.end(Reason::Invalid, &mut step);
                step.remove = Some(pair.clone());
                step.invalid = Some(cause);
                return step;
            }
        };

        self.suspect = None;
        let end = deadline(&session, &self.config, last_activity);
        match standing(end, &self.config, now) {
            Standing::Ended(reason) => {
                self.end(reason, &mut step);
                step.remove = Some(pair.clone());
            }
            Standing::Running { state, .. } => {
                self.session = Some(session);
                self.set(state, Reason::None, &mut step);
            }
        }
        step
    }

    /// Records a session this tab just wrote (log in, stay signed in).
    pub fn started(&mut self, session: Session, now: u64, last_activity: Option<u64>) -> Step {
        let mut step = Step::default();
        self.suspect = None;
        let end = deadline(&session, &self.config, last_activity);
        match standing(end, &self.config, now) {
            Standing::Ended(reason) => {
                self.end(reason, &mut step);
                step.remove = Some(session.pair);
            }
            Standing::Running { state, .. } => {
                self.session = Some(session);
                self.set(state, Reason::None, &mut step);
            }
        }
        step
    }

    /// Ends the session for `reason`, as this tab's own decision (log out).
    pub fn stop(&mut self, reason: Reason) -> Step {
        let mut step = Step {
            remove: self.session.as_ref().map(|s| s.pair.clone()),
            ..Step::default()
        };
        self.end(reason, &mut step);
        step
    }

    /// The token, if the running session is valid at `now` and `pair` is
    /// what storage holds. Never returns a token past its deadline.
    pub fn token(&self, pair: &StoredPair) -> Option<&str> {
        let session = self.session.as_ref()?;
        (self.state.is_signed_in() && session.pair == *pair).then_some(session.token.as_str())
    }
}

#[cfg(test)]
mod tests;
