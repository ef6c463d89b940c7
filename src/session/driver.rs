//! The driver behind a [`SessionHandle`](super::SessionHandle): it owns the
//! Interval, the one-shot timer and every listener, runs the tracker on each
//! event, and publishes what changed once it is released.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use gloo_events::{EventListener, EventListenerOptions};
use gloo_timers::callback::{Interval, Timeout};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::{CHANGE_EVENT, LoginError, SessionOptions, Snapshot};
use crate::clock::Clock;
use crate::rules::{Invalid, Reason, State, StoredPair, check_pair, timer_delay};
use crate::storage::{ACTIVITY_KEY, SET_TIME_KEY, StorageError, Store, TOKEN_KEY};
use crate::token::{DemoIssuer, TokenVerifier, random_jti};
use crate::tracker::{Step, Tracker, Trigger};

/// How often at most the shared last-activity time is written.
const ACTIVITY_WRITE_MS: u64 = 2_000;

#[derive(Clone, Copy)]
pub(super) struct Signals {
    pub(super) snapshot: RwSignal<Snapshot>,
    pub(super) remaining: RwSignal<Option<u64>>,
    pub(super) storage_failure: RwSignal<Option<StorageError>>,
}

/// What to tell the page after the driver has been released.
pub(super) struct Outcome {
    change: Option<(State, Reason)>,
    remaining: Option<u64>,
    invalid: Option<Invalid>,
    storage_failure: Option<StorageError>,
}

impl Outcome {
    fn publish(self, signals: Signals) {
        if let Some(invalid) = self.invalid {
            leptos::logging::warn!("leptos-jwt-session: stored session rejected: {invalid}");
        }
        // `try_` throughout: a handle may outlive its reactive owner.
        if signals.storage_failure.try_get_untracked() != Some(self.storage_failure) {
            _ = signals.storage_failure.try_set(self.storage_failure);
        }
        if signals.remaining.try_get_untracked() != Some(self.remaining) {
            _ = signals.remaining.try_set(self.remaining);
        }
        if let Some((state, reason)) = self.change {
            _ = signals.snapshot.try_set(Snapshot { state, reason });
            dispatch_change(state, reason);
        }
    }
}

fn dispatch_change(state: State, reason: Reason) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let detail = js_sys::Object::new();
    for (key, value) in [
        ("state", state.as_str().into()),
        ("reason", reason.as_str().into()),
        ("at", js_sys::Date::now().into()),
    ] {
        _ = js_sys::Reflect::set(&detail, &key.into(), &value);
    }
    let init = web_sys::CustomEventInit::new();
    init.set_detail(&detail);
    if let Ok(event) = web_sys::CustomEvent::new_with_event_init_dict(CHANGE_EVENT, &init) {
        _ = window.dispatch_event(&event);
    }
}

fn document_visible() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_none_or(|d| d.visibility_state() == web_sys::VisibilityState::Visible)
}

pub(super) struct Driver {
    tracker: Tracker,
    store: Store,
    verifier: TokenVerifier,
    issuer: Option<DemoIssuer>,
    clock: Rc<dyn Clock>,
    /// The Interval behind the countdown and the regular check; runs while
    /// the tab is visible.
    interval: Option<Interval>,
    /// The one-shot timer at the deadline, with the instant it aims at.
    deadline_timer: Option<(u64, Timeout)>,
    listeners: Vec<EventListener>,
    /// The last trusted input in this tab.
    activity_seen: u64,
    /// The last activity time shared with other tabs.
    activity_written: u64,
}

impl Driver {
    /// The last trusted input in any tab: the shared value or this tab's
    /// own, whichever is later, never later than now.
    fn last_activity(&self) -> Option<u64> {
        self.tracker.config().idle_ms()?;
        let shared = self.store.last_activity().unwrap_or(0);
        let seen = shared.max(self.activity_seen);
        Some(seen.min(self.clock.now()))
    }

    fn apply(&mut self, step: Step, now: u64) -> Outcome {
        if let Some(remove) = &step.remove {
            self.store.remove_if(remove);
        }
        let remaining = self
            .tracker
            .deadline(self.last_activity())
            .filter(|_| self.tracker.state().is_signed_in())
            .map(|d| d.at.saturating_sub(now));
        Outcome {
            change: step.change,
            remaining,
            invalid: step.invalid,
            storage_failure: self.store.failure(),
        }
    }

    pub(super) fn observe(&mut self, trigger: Trigger) -> Outcome {
        let failed_before = self.store.failure().is_some();
        let pair = self.store.read();
        if !failed_before && self.store.failure().is_some() && self.tracker.state().is_signed_in() {
            // Storage stopped answering mid-session: doubt means signed out.
            let step = self.tracker.stop(Reason::Invalid);
            return self.apply(
                Step {
                    remove: None,
                    ..step
                },
                self.clock.now(),
            );
        }

        // A pair this tab has not seen is a session started elsewhere, its
        // set-time taken from `Date.now()` there: judge it by the same
        // clock, not by a guard held over from before a clock change.
        // Only a pair new in both values is a new session: one value new
        // is half of a write in progress.
        let known = self.tracker.session().map(|s| &s.pair);
        let new_session = !pair.is_torn()
            && !pair.is_empty()
            && known.is_none_or(|k| k.token != pair.token && k.set_time != pair.set_time);
        let now = if new_session {
            self.clock.restart()
        } else {
            self.clock.now()
        };
        let activity = self.last_activity();
        let verifier = &self.verifier;
        let step = self
            .tracker
            .observe(trigger, &pair, now, activity, |t| verifier.verify(t));
        self.apply(step, now)
    }

    pub(super) fn log_in(&mut self) -> Result<Outcome, LoginError> {
        let issuer = self.issuer.as_ref().ok_or(LoginError::NoIssuer)?;
        let jti = random_jti().map_err(|_| LoginError::Random)?;
        let now = self.clock.restart();
        let config = *self.tracker.config();
        let token = issuer
            .issue(now, config.timeout, &jti)
            .map_err(LoginError::Token)?;
        let pair = StoredPair::new(token, now.to_string());
        let verifier = &self.verifier;
        let session = check_pair(&pair, |t| verifier.verify(t), &config, now)
            .map_err(LoginError::Rejected)?;

        // A refused write leaves the session in memory; the outcome
        // carries the failure for the view.
        _ = self.store.write(&pair);
        if config.idle_ms().is_some() {
            self.store.set_last_activity(now);
            self.activity_seen = now;
            self.activity_written = now;
        }
        let step = self.tracker.started(session, now, self.last_activity());
        Ok(self.apply(step, now))
    }

    pub(super) fn log_out(&mut self) -> Outcome {
        let now = self.clock.now();
        if !self.tracker.state().is_signed_in() {
            return self.apply(Step::default(), now);
        }
        let step = self.tracker.stop(Reason::Logout);
        self.apply(step, now)
    }

    pub(super) fn token(&mut self) -> (Option<String>, Outcome) {
        let outcome = self.observe(Trigger::Read);
        let pair = self.store.read();
        (self.tracker.token(&pair).map(str::to_owned), outcome)
    }

    /// Records trusted user input for the idle timeout, sharing it with
    /// other tabs at most every [`ACTIVITY_WRITE_MS`].
    fn activity(&mut self) -> Option<Outcome> {
        if self.tracker.config().idle_ms().is_none() || !self.tracker.state().is_signed_in() {
            return None;
        }
        let now = self.clock.now();
        self.activity_seen = now;
        if now.saturating_sub(self.activity_written) < ACTIVITY_WRITE_MS {
            return None;
        }
        self.activity_written = now;
        self.store.set_last_activity(now);
        Some(self.observe(Trigger::Check))
    }

    /// Shares activity seen since the last write, once the throttle allows.
    fn flush_activity(&mut self) {
        if self.tracker.state().is_signed_in()
            && self.activity_seen > self.activity_written
            && self.clock.now().saturating_sub(self.activity_written) >= ACTIVITY_WRITE_MS
        {
            self.activity_written = self.activity_seen;
            self.store.set_last_activity(self.activity_seen);
        }
    }

    pub(super) fn stop_timers(&mut self) {
        self.interval = None;
        self.deadline_timer = None;
        self.listeners.clear();
    }
}

/// Runs `f` on the driver, then re-syncs the timers and publishes the
/// outcome once the driver is released, so that code reacting to the
/// signal or the event may call back into the session.
pub(super) fn run(
    driver: &Rc<RefCell<Driver>>,
    signals: Signals,
    f: impl FnOnce(&mut Driver) -> Outcome,
) {
    let outcome = match driver.try_borrow_mut() {
        Ok(mut d) => f(&mut d),
        Err(_) => return,
    };
    sync_timers(driver, signals);
    outcome.publish(signals);
}

/// Starts or stops the Interval with the tab's visibility, and aims the
/// deadline timer at the session's end when that end has moved.
fn sync_timers(driver: &Rc<RefCell<Driver>>, signals: Signals) {
    let Ok(mut d) = driver.try_borrow_mut() else {
        return;
    };
    let weak = Rc::downgrade(driver);

    if !document_visible() {
        d.interval = None;
    } else if d.interval.is_none() {
        let ms = u32::try_from(d.tracker.config().interval.as_millis()).unwrap_or(u32::MAX);
        let weak = weak.clone();
        d.interval = Some(Interval::new(ms.min(i32::MAX as u32), move || {
            with_driver(&weak, signals, |d| {
                d.flush_activity();
                d.observe(Trigger::Check)
            });
        }));
    }

    // Visible: aim at the next change, so the warning opens on time too.
    // Hidden: aim at the end only, armed from this event rather than from
    // a timer callback, which browsers throttle harder in background tabs.
    // An instant already past is left to the check that follows it.
    let now = d.clock.now();
    let activity = d.last_activity();
    let target = if d.interval.is_some() {
        d.tracker.next_change(now, activity)
    } else {
        d.tracker.deadline(activity).map(|end| end.at)
    }
    .filter(|at| *at > now && d.tracker.state().is_signed_in());
    let armed = d.deadline_timer.as_ref().map(|(at, _)| *at);
    if target != armed {
        d.deadline_timer = target.map(|at| {
            let delay = timer_delay(at, now);
            let weak = weak.clone();
            let timer = Timeout::new(delay, move || {
                if let Some(driver) = weak.upgrade() {
                    // Forget the fired timer so that a clamped delay is
                    // armed again for what is left.
                    if let Ok(mut d) = driver.try_borrow_mut() {
                        d.deadline_timer = None;
                    }
                    run(&driver, signals, |d| {
                        d.flush_activity();
                        d.observe(Trigger::Check)
                    });
                }
            });
            (at, timer)
        });
    }
}

fn with_driver(
    weak: &Weak<RefCell<Driver>>,
    signals: Signals,
    f: impl FnOnce(&mut Driver) -> Outcome,
) {
    if let Some(driver) = weak.upgrade() {
        run(&driver, signals, f);
    }
}

fn listen(
    target: &web_sys::EventTarget,
    name: &'static str,
    weak: &Weak<RefCell<Driver>>,
    signals: Signals,
    options: EventListenerOptions,
    handle: fn(&web_sys::Event, &mut Driver) -> Option<Outcome>,
) -> EventListener {
    let weak = weak.clone();
    EventListener::new_with_options(target, name, options, move |event| {
        let Some(driver) = weak.upgrade() else {
            return;
        };
        let outcome = match driver.try_borrow_mut() {
            Ok(mut d) => handle(event, &mut d),
            Err(_) => return,
        };
        if let Some(outcome) = outcome {
            sync_timers(&driver, signals);
            outcome.publish(signals);
        }
    })
}

fn on_storage(event: &web_sys::Event, d: &mut Driver) -> Option<Outcome> {
    let key = event.dyn_ref::<web_sys::StorageEvent>()?.key();
    // `key` is null when another tab cleared the whole storage.
    let ours = key
        .as_deref()
        .is_none_or(|k| [TOKEN_KEY, SET_TIME_KEY, ACTIVITY_KEY].contains(&k));
    ours.then(|| d.observe(Trigger::StorageEvent))
}

fn on_shown(_: &web_sys::Event, d: &mut Driver) -> Option<Outcome> {
    Some(d.observe(Trigger::Check))
}

fn on_input(event: &web_sys::Event, d: &mut Driver) -> Option<Outcome> {
    if !event.is_trusted() {
        return None;
    }
    // A pointer that reports no movement is not activity.
    if event.type_() == "pointermove" {
        let mouse = event.dyn_ref::<web_sys::MouseEvent>()?;
        if mouse.movement_x() == 0 && mouse.movement_y() == 0 {
            return None;
        }
    }
    d.activity()
}

/// Builds the driver for `options` and registers its listeners; the caller
/// runs the first check.
pub(super) fn start(options: SessionOptions, signals: Signals) -> Rc<RefCell<Driver>> {
    let config = options.config;
    let shared = options.store.is_shared();
    let driver = Rc::new(RefCell::new(Driver {
        tracker: Tracker::new(config),
        store: options.store,
        verifier: options.verifier,
        issuer: options.issuer,
        clock: options.clock,
        interval: None,
        deadline_timer: None,
        listeners: Vec::new(),
        activity_seen: 0,
        activity_written: 0,
    }));

    let weak = Rc::downgrade(&driver);
    if let Some(window) = web_sys::window() {
        // User input is watched in the capture phase, so that a page
        // stopping its propagation does not hide activity; `focus` is not,
        // since in the capture phase every element's focus reaches `window`.
        let own = EventListenerOptions::default();
        let input = EventListenerOptions::run_in_capture_phase();
        let mut listeners = Vec::new();
        if shared {
            listeners.push(listen(&window, "storage", &weak, signals, own, on_storage));
        }
        for name in ["focus", "pageshow"] {
            listeners.push(listen(&window, name, &weak, signals, own, on_shown));
        }
        if let Some(document) = window.document() {
            listeners.push(listen(
                &document,
                "visibilitychange",
                &weak,
                signals,
                own,
                on_shown,
            ));
        }
        if config.idle_ms().is_some() {
            for name in [
                "pointermove",
                "pointerdown",
                "keydown",
                "wheel",
                "touchstart",
            ] {
                listeners.push(listen(&window, name, &weak, signals, input, on_input));
            }
        }
        if let Ok(mut d) = driver.try_borrow_mut() {
            d.listeners = listeners;
        }
    }

    driver
}
