//! The session in a running page: one driver per mounted session that owns
//! every timer and listener, and the [`SessionHandle`] components use.
//!
//! Data flows one way: an event (click, tick, deadline, storage event,
//! tab shown) -> [`Tracker`] decides -> storage is written or cleaned ->
//! one state signal -> the view. Every timer and listener is owned by the
//! driver and cancelled when it drops, which happens when the reactive
//! owner that called [`provide_session`] is cleaned up.

mod driver;

use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

use leptos::prelude::*;

use crate::clock::{BrowserClock, Clock};
use crate::config::Config;
use crate::rules::{Invalid, Reason, State};
use crate::storage::{StorageError, Store};
use crate::token::{DEMO_SECRET, DemoIssuer, TokenError, TokenVerifier};
use crate::tracker::Trigger;
use driver::{Driver, Outcome, Signals, run};

/// The name of the `CustomEvent` dispatched on `window` at every change.
pub const CHANGE_EVENT: &str = "session-change";

/// The state and the reason of the last end, as the view shows them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// Signed out, active or expiring.
    pub state: State,
    /// Why the last session ended; `None` while signed in.
    pub reason: Reason,
}

/// Why logging in failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LoginError {
    /// The session was set up without an issuer.
    NoIssuer,
    /// The browser gave no randomness for the token id.
    Random,
    /// Signing the token failed.
    Token(TokenError),
    /// The new token did not pass this tab's own checks.
    Rejected(Invalid),
    /// The session's owner was cleaned up; the handle no longer works.
    Unmounted,
}

impl fmt::Display for LoginError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoIssuer => f.write_str("no token issuer is configured"),
            Self::Random => f.write_str("the browser gave no random token id"),
            Self::Token(error) => write!(f, "signing failed: {error}"),
            Self::Rejected(invalid) => write!(f, "the new session was rejected: {invalid}"),
            Self::Unmounted => f.write_str("the session component was removed"),
        }
    }
}

impl std::error::Error for LoginError {}

/// What a session is built from.
pub struct SessionOptions {
    /// Timing.
    pub config: Config,
    /// Checks stored tokens.
    pub verifier: TokenVerifier,
    /// Mints tokens for "Log in" and "Stay signed in"; `None` when tokens
    /// come from elsewhere and are written to storage by the host.
    pub issuer: Option<DemoIssuer>,
    /// Where the pair is kept.
    pub store: Store,
    /// The time source.
    pub clock: Rc<dyn Clock>,
}

impl SessionOptions {
    /// The demo setup: `localStorage` (memory if refused), the browser
    /// clock, and the demo issuer signing with [`DEMO_SECRET`].
    ///
    /// # Errors
    ///
    /// [`TokenError::Key`] if the demo key is refused.
    pub fn demo(config: Config) -> Result<Self, TokenError> {
        Ok(Self {
            config,
            verifier: TokenVerifier::hs256(DEMO_SECRET)?,
            issuer: Some(DemoIssuer::new(DEMO_SECRET, "demo-user")?),
            store: Store::local_or_memory(),
            clock: Rc::new(BrowserClock::new()),
        })
    }
}

/// A running session, for components. Cheap to copy.
#[derive(Clone, Copy)]
pub struct SessionHandle {
    signals: Signals,
    config: Config,
    driver: StoredValue<Rc<RefCell<Driver>>, LocalStorage>,
}

impl fmt::Debug for SessionHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionHandle")
            .field("snapshot", &self.signals.snapshot.try_get_untracked())
            .finish_non_exhaustive()
    }
}

impl SessionHandle {
    /// Runs `f` on the driver; `false` when the owner was cleaned up.
    fn run(&self, f: impl FnOnce(&mut Driver) -> Outcome) -> bool {
        let Some(driver) = self.driver.try_get_value() else {
            return false;
        };
        run(&driver, self.signals, f);
        true
    }

    /// The state and the reason of the last end. Reactive.
    pub fn snapshot(&self) -> Snapshot {
        self.signals.snapshot.try_get().unwrap_or_default()
    }

    /// The current state. Reactive.
    pub fn state(&self) -> State {
        self.snapshot().state
    }

    /// Milliseconds left while signed in. Reactive; updates every
    /// `interval` while the tab is visible.
    pub fn remaining_ms(&self) -> Option<u64> {
        self.signals.remaining.try_get().flatten()
    }

    /// The storage failure that keeps the session in memory, if any.
    /// Reactive.
    pub fn storage_failure(&self) -> Option<StorageError> {
        self.signals.storage_failure.try_get().flatten()
    }

    /// The config in force.
    pub fn config(&self) -> Config {
        self.config
    }

    /// Starts a new session with a fresh token from the issuer, replacing
    /// any running one.
    ///
    /// # Errors
    ///
    /// A [`LoginError`] saying what failed; the tab stays as it was.
    pub fn log_in(&self) -> Result<(), LoginError> {
        let mut result = Err(LoginError::Unmounted);
        self.run(|d| match d.log_in() {
            Ok(outcome) => {
                result = Ok(());
                outcome
            }
            Err(error) => {
                result = Err(error);
                d.observe(Trigger::Check)
            }
        });
        result
    }

    /// Re-issues the token with a new set-time ("Stay signed in").
    ///
    /// # Errors
    ///
    /// As [`SessionHandle::log_in`].
    pub fn extend(&self) -> Result<(), LoginError> {
        self.log_in()
    }

    /// Ends the session in every tab.
    pub fn log_out(&self) {
        _ = self.run(Driver::log_out);
    }

    /// Checks the session now, as the interval would.
    pub fn check(&self) {
        _ = self.run(|d| d.observe(Trigger::Check));
    }

    /// The token, after re-checking the deadline: `None` when signed out
    /// or past the end, even if no timer has fired yet.
    pub fn token(&self) -> Option<String> {
        let mut token = None;
        _ = self.run(|d| {
            let (found, outcome) = d.token();
            token = found;
            outcome
        });
        token
    }
}

/// Starts a session, provides it as context to child components, and ties
/// every timer and listener it creates to the current reactive owner: they
/// are removed when that owner is cleaned up.
///
/// The stored session is checked before this returns, so a stale or
/// invalid one is cleared before any view renders.
pub fn provide_session(options: SessionOptions) -> SessionHandle {
    let signals = Signals {
        snapshot: RwSignal::new(Snapshot::default()),
        remaining: RwSignal::new(None),
        storage_failure: RwSignal::new(options.store.failure()),
    };
    let config = options.config;
    let driver = driver::start(options, signals);
    run(&driver, signals, |d| d.observe(Trigger::Check));

    let handle = SessionHandle {
        signals,
        config,
        driver: StoredValue::new_local(driver),
    };
    let stored = handle.driver;
    on_cleanup(move || {
        if let Some(driver) = stored.try_get_value()
            && let Ok(mut d) = driver.try_borrow_mut()
        {
            d.stop_timers();
        }
    });
    provide_context(handle);
    handle
}

/// The session provided by an ancestor's [`provide_session`], if any.
pub fn use_session() -> Option<SessionHandle> {
    use_context::<SessionHandle>()
}
