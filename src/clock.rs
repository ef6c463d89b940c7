//! "Now", in ms since the epoch, from one place so tests control it.

use std::cell::Cell;
use std::rc::Rc;

use crate::rules::guarded_now;

/// A source of the current time.
pub trait Clock {
    /// Milliseconds since the epoch.
    fn now(&self) -> u64;

    /// Forgets any guard against the wall clock running backwards and
    /// returns the wall clock; called when a new session starts (here or in
    /// another tab), since set-times are what `Date.now()` says.
    fn restart(&self) -> u64 {
        self.now()
    }
}

/// The browser's clock: `Date.now()`, guarded so that it never runs
/// backwards between two [`Clock::restart`]s: setting the wall clock back
/// never lengthens a running session.
///
/// Each reading is the larger of the wall clock and the previous reading
/// plus the `performance.now()` time elapsed since, so a wall clock jumping
/// forward (sleep) is followed, and one set back is not.
#[derive(Debug)]
pub struct BrowserClock {
    last: Cell<u64>,
    last_mono: Cell<f64>,
}

impl BrowserClock {
    /// A clock reading the wall clock now.
    pub fn new() -> Self {
        let clock = Self {
            last: Cell::new(0),
            last_mono: Cell::new(0.0),
        };
        clock.restart();
        clock
    }

    fn wall() -> u64 {
        let now = js_sys::Date::now();
        if now.is_finite() && now > 0.0 {
            now as u64
        } else {
            0
        }
    }

    fn mono() -> f64 {
        web_sys::window()
            .and_then(|w| w.performance())
            .map_or(0.0, |p| p.now())
    }
}

impl Default for BrowserClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for BrowserClock {
    fn now(&self) -> u64 {
        let mono = Self::mono();
        // Whole milliseconds only, carrying the fraction to the next
        // reading, so that frequent readings do not drift.
        let elapsed = (mono - self.last_mono.get()).max(0.0).floor();
        let wall = Self::wall();
        let now = guarded_now(wall, self.last.get(), elapsed as u64);
        if now > wall {
            self.last_mono.set(self.last_mono.get() + elapsed);
        } else {
            // The wall clock leads (sleep, or simply on time): restart the
            // monotonic count from here.
            self.last_mono.set(mono);
        }
        self.last.set(now);
        now
    }

    fn restart(&self) -> u64 {
        let wall = Self::wall();
        self.last.set(wall);
        self.last_mono.set(Self::mono());
        wall
    }
}

/// A clock that moves only when told; for tests.
#[derive(Clone, Debug, Default)]
pub struct ManualClock(Rc<Cell<u64>>);

impl ManualClock {
    /// A clock reading `now`.
    pub fn new(now: u64) -> Self {
        Self(Rc::new(Cell::new(now)))
    }

    /// Sets the time.
    pub fn set(&self, now: u64) {
        self.0.set(now);
    }

    /// Moves the time forward by `ms`.
    pub fn advance(&self, ms: u64) {
        self.0.set(self.0.get().saturating_add(ms));
    }
}

impl Clock for ManualClock {
    fn now(&self) -> u64 {
        self.0.get()
    }
}
