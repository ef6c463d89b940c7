//! Storage, timers, listeners and events in a real browser
//! (wasm-bindgen-test in headless Chromium).
#![cfg(target_arch = "wasm32")]
// Test helpers outside `#[test]` functions may fail loudly.
#![allow(clippy::expect_used)]

use std::rc::Rc;
use std::time::Duration;

use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use leptos_jwt_session::Config;
use leptos_jwt_session::clock::BrowserClock;
use leptos_jwt_session::rules::{Reason, State, StoredPair};
use leptos_jwt_session::session::{SessionHandle, SessionOptions, provide_session};
use leptos_jwt_session::storage::{SET_TIME_KEY, StorageError, Store, TOKEN_KEY, WebBackend};
use leptos_jwt_session::token::{DEMO_SECRET, DemoIssuer, TokenVerifier};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
const live = { intervals: new Set(), timeouts: new Set(), listeners: 0, events: [] };
const watched = new Set(['storage', 'focus', 'pageshow', 'visibilitychange',
  'pointermove', 'pointerdown', 'keydown', 'wheel', 'touchstart']);
let installed = false;
export function install_probes() {
  if (installed) return;
  installed = true;
  const si = window.setInterval.bind(window), ci = window.clearInterval.bind(window);
  const st = window.setTimeout.bind(window), ct = window.clearTimeout.bind(window);
  window.setInterval = (f, ms) => { const id = si(f, ms); live.intervals.add(id); return id; };
  window.clearInterval = (id) => { live.intervals.delete(id); ci(id); };
  window.setTimeout = (f, ms) => {
    const id = st((...a) => { live.timeouts.delete(id); f(...a); }, ms);
    live.timeouts.add(id);
    return id;
  };
  window.clearTimeout = (id) => { live.timeouts.delete(id); ct(id); };
  const add = EventTarget.prototype.addEventListener;
  const remove = EventTarget.prototype.removeEventListener;
  EventTarget.prototype.addEventListener = function (type, ...rest) {
    if (watched.has(type)) live.listeners += 1;
    return add.call(this, type, ...rest);
  };
  EventTarget.prototype.removeEventListener = function (type, ...rest) {
    if (watched.has(type)) live.listeners -= 1;
    return remove.call(this, type, ...rest);
  };
  window.addEventListener('session-change', (e) => live.events.push(e.detail.state + '/' + e.detail.reason));
}
export function live_intervals() { return live.intervals.size; }
export function live_timeouts() { return live.timeouts.size; }
export function live_listeners() { return live.listeners; }
export function take_events() { const e = live.events.join(','); live.events = []; return e; }
export function break_set_item(after) {
  const original = Storage.prototype.setItem;
  let calls = 0;
  Storage.prototype.setItem = function (...args) {
    calls += 1;
    if (calls > after) throw new DOMException('quota', 'QuotaExceededError');
    return original.apply(this, args);
  };
  return () => { Storage.prototype.setItem = original; };
}
export function break_storage(method, after) {
  const original = Storage.prototype[method];
  let calls = 0;
  Storage.prototype[method] = function (...args) {
    calls += 1;
    if (calls > after) throw new DOMException('refused', 'SecurityError');
    return original.apply(this, args);
  };
  return () => { Storage.prototype[method] = original; };
}
export function break_getter() {
  const own = Object.getOwnPropertyDescriptor(window, 'localStorage');
  Object.defineProperty(window, 'localStorage', {
    configurable: true,
    get() { throw new DOMException('denied', 'SecurityError'); },
  });
  return () => {
    if (own) Object.defineProperty(window, 'localStorage', own);
    else delete window.localStorage;
  };
}
export function restore(f) { f(); }
"#)]
extern "C" {
    fn install_probes();
    fn live_intervals() -> u32;
    fn live_timeouts() -> u32;
    fn live_listeners() -> i32;
    fn take_events() -> String;
    fn break_set_item(after: u32) -> JsValue;
    fn break_storage(method: &str, after: u32) -> JsValue;
    fn break_getter() -> JsValue;
    fn restore(f: &JsValue);
}

fn local() -> web_sys::Storage {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .expect("localStorage in the test browser")
}

/// Clears storage and the recorded events; installs the probes first.
fn clear() {
    install_probes();
    local().clear().expect("clears");
    take_events();
}

fn config(timeout: Duration, interval: Duration) -> Config {
    Config {
        timeout,
        interval,
        warn: Duration::ZERO,
        ..Config::default()
    }
}

fn start(owner: &Owner, config: Config) -> SessionHandle {
    let options = SessionOptions {
        config,
        verifier: TokenVerifier::hs256(DEMO_SECRET).expect("key"),
        issuer: Some(DemoIssuer::new(DEMO_SECRET, "test").expect("key")),
        store: Store::local_or_memory(),
        clock: Rc::new(BrowserClock::new()),
    };
    owner.with(|| provide_session(options))
}

#[wasm_bindgen_test]
fn the_store_writes_the_exact_contract_strings() {
    clear();
    let mut store = Store::new(Rc::new(WebBackend::local().expect("local")));
    let pair = StoredPair::new("aaa.bbb.ccc", "1700000000123");

    store.write(&pair).expect("writes");

    assert_eq!(
        local().get_item(TOKEN_KEY).ok().flatten().as_deref(),
        Some("aaa.bbb.ccc")
    );
    assert_eq!(
        local().get_item(SET_TIME_KEY).ok().flatten().as_deref(),
        Some("1700000000123")
    );
    assert_eq!(store.read(), pair);
    clear();
}

#[wasm_bindgen_test]
async fn log_in_writes_a_bare_token_and_millisecond_set_time() {
    clear();
    let owner = Owner::new();
    let session = start(
        &owner,
        config(Duration::from_secs(60), Duration::from_secs(1)),
    );
    let before = js_sys::Date::now() as u64;

    session.log_in().expect("logs in");

    let token = local()
        .get_item(TOKEN_KEY)
        .ok()
        .flatten()
        .expect("token stored");
    let set_time = local()
        .get_item(SET_TIME_KEY)
        .ok()
        .flatten()
        .expect("set-time stored");
    assert_eq!(token.split('.').count(), 3);
    assert!(!token.starts_with('"'), "no JSON quotes");
    assert!(set_time.bytes().all(|b| b.is_ascii_digit()));
    let set_time: u64 = set_time.parse().expect("digits");
    assert!(set_time >= before && set_time <= js_sys::Date::now() as u64);
    assert_eq!(session.token().as_deref(), Some(token.as_str()));
    assert_eq!(take_events(), "active/none");
    owner.cleanup();
    clear();
}

#[wasm_bindgen_test]
async fn the_interval_check_removes_the_keys_after_a_short_timeout() {
    clear();
    let owner = Owner::new();
    let session = start(
        &owner,
        config(Duration::from_millis(300), Duration::from_millis(50)),
    );
    session.log_in().expect("logs in");
    assert_eq!(session.snapshot().state, State::Active);

    // Generous: the end is due at 300 ms; a loaded machine delays timers.
    TimeoutFuture::new(1_500).await;

    assert_eq!(local().get_item(TOKEN_KEY).ok().flatten(), None);
    assert_eq!(local().get_item(SET_TIME_KEY).ok().flatten(), None);
    assert_eq!(session.snapshot().state, State::SignedOut);
    assert_eq!(session.snapshot().reason, Reason::Timeout);
    assert_eq!(
        take_events(),
        "active/none,signed-out/timeout",
        "one event per change"
    );
    owner.cleanup();
    clear();
}

#[wasm_bindgen_test]
async fn a_token_read_after_the_deadline_gets_nothing_even_before_any_timer() {
    clear();
    let owner = Owner::new();
    // A long interval, so only the read can notice the end.
    let session = start(
        &owner,
        config(Duration::from_millis(100), Duration::from_secs(60)),
    );
    session.log_in().expect("logs in");
    owner.cleanup(); // no timers left to fire

    let reader = Owner::new();
    let late = start(
        &reader,
        config(Duration::from_millis(100), Duration::from_secs(60)),
    );
    let busy_until = js_sys::Date::now() + 150.0;
    while js_sys::Date::now() < busy_until {}

    assert_eq!(late.token(), None);
    assert_eq!(local().get_item(TOKEN_KEY).ok().flatten(), None);
    reader.cleanup();
    clear();
}

#[wasm_bindgen_test]
async fn timers_and_listeners_stay_bounded_and_all_go_on_cleanup() {
    clear();
    let (intervals, timeouts, listeners) = (live_intervals(), live_timeouts(), live_listeners());
    let owner = Owner::new();
    let session = start(
        &owner,
        config(Duration::from_secs(60), Duration::from_millis(100)),
    );

    for _ in 0..20 {
        session.log_in().expect("logs in");
        session.log_in().expect("double click");
        session.log_out();
    }
    session.log_in().expect("logs in");
    TimeoutFuture::new(0).await;

    assert_eq!(live_intervals() - intervals, 1, "exactly one Interval");
    assert!(
        live_timeouts() - timeouts <= 1,
        "at most one deadline timer"
    );
    assert!(live_listeners() > listeners);

    owner.cleanup();

    assert_eq!(live_intervals(), intervals, "no Interval after cleanup");
    assert_eq!(live_timeouts(), timeouts, "no deadline timer after cleanup");
    assert_eq!(live_listeners(), listeners, "every listener removed");
    assert!(
        session.log_in().is_err(),
        "a handle outliving its owner refuses"
    );
    assert_eq!(session.token(), None);
    assert_eq!(live_intervals(), intervals);
    clear();
}

#[wasm_bindgen_test]
fn a_refused_second_write_rolls_back_and_runs_from_memory() {
    clear();
    let undo = break_set_item(1);
    let owner = Owner::new();
    let session = start(
        &owner,
        config(Duration::from_secs(60), Duration::from_secs(1)),
    );

    session.log_in().expect("logs in from memory");

    restore(&undo);
    assert_eq!(
        local().get_item(TOKEN_KEY).ok().flatten(),
        None,
        "no token without set-time"
    );
    assert_eq!(
        local().get_item(SET_TIME_KEY).ok().flatten(),
        None,
        "rolled back"
    );
    assert_eq!(session.snapshot().state, State::Active);
    assert_eq!(session.storage_failure(), Some(StorageError::Write));
    assert!(session.token().is_some(), "the session runs from memory");
    owner.cleanup();
    clear();
}

#[wasm_bindgen_test]
fn a_throwing_storage_getter_leaves_the_session_in_memory() {
    clear();
    let undo = break_getter();
    let owner = Owner::new();
    let session = start(
        &owner,
        config(Duration::from_secs(60), Duration::from_secs(1)),
    );

    let failure = session.storage_failure();
    session.log_in().expect("logs in from memory");
    let state = session.snapshot().state;
    let token = session.token();

    restore(&undo);
    assert_eq!(failure, Some(StorageError::Unavailable));
    assert_eq!(state, State::Active);
    assert!(token.is_some());
    assert_eq!(local().get_item(TOKEN_KEY).ok().flatten(), None);
    owner.cleanup();
    clear();
}

/// Breaks one Storage method from its `after + 1`-th call on, runs a log-in,
/// a check, a token read and a log-out, and checks that nothing panics, no
/// token stands without its set-time, and the tab never counts as signed in
/// without a token it can hand out.
#[wasm_bindgen_test]
fn storage_that_throws_at_any_call_never_panics_or_leaves_half_a_pair() {
    for method in ["getItem", "setItem", "removeItem"] {
        for after in 0..4 {
            clear();
            let undo = break_storage(method, after);
            let owner = Owner::new();
            let session = start(
                &owner,
                config(Duration::from_secs(60), Duration::from_secs(1)),
            );

            let logged_in = session.log_in();
            session.check();
            let token = session.token();
            let state = session.snapshot().state;
            session.log_out();
            let after_logout = session.snapshot().state;

            restore(&undo);
            let stored = (
                local().get_item(TOKEN_KEY).ok().flatten(),
                local().get_item(SET_TIME_KEY).ok().flatten(),
            );
            let case = format!("{method} failing after {after} calls");
            assert!(logged_in.is_ok(), "{case}: log-in falls back to memory");
            assert_eq!(state.is_signed_in(), token.is_some(), "{case}");
            assert_eq!(after_logout, State::SignedOut, "{case}");
            assert!(
                !(stored.0.is_some() && stored.1.is_none()),
                "{case}: a token was left without its set-time"
            );
            owner.cleanup();
        }
    }
    clear();
}
