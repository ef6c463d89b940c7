//! Arbitrary values in both keys: never a panic, never signed in unless the
//! pair is a valid one.
#![cfg(not(target_arch = "wasm32"))]
// Test helpers outside `#[test]` functions may fail loudly.
#![allow(clippy::expect_used)]

use std::time::Duration;

use leptos_jwt_session::Config;
use leptos_jwt_session::rules::{Reason, State, StoredPair};
use leptos_jwt_session::token::{DEMO_SECRET, DemoIssuer, TokenVerifier};
use leptos_jwt_session::tracker::{Tracker, Trigger};
use proptest::prelude::*;

const NOW: u64 = 1_700_000_000_000;

fn config() -> Config {
    Config {
        timeout: Duration::from_secs(60),
        ..Config::default()
    }
}

fn valid_token(set_time: u64) -> String {
    DemoIssuer::new(DEMO_SECRET, "demo")
        .expect("key")
        .issue(set_time, config().timeout, "id")
        .expect("signs")
}

fn observe_twice(pair: &StoredPair) -> Tracker {
    let verifier = TokenVerifier::hs256(DEMO_SECRET).expect("key");
    let mut tracker = Tracker::new(config());
    for trigger in [
        Trigger::Check,
        Trigger::StorageEvent,
        Trigger::Read,
        Trigger::Check,
    ] {
        tracker.observe(trigger, pair, NOW, None, |t| verifier.verify(t));
    }
    tracker
}

/// Strings that look a little like tokens: dots, base64url, JSON bits.
fn token_like() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[A-Za-z0-9_.=+/-]{0,80}",
        "[A-Za-z0-9_-]{0,30}\\.[A-Za-z0-9_-]{0,60}\\.[A-Za-z0-9_-]{0,43}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn arbitrary_pairs_never_sign_in(
        token in proptest::option::of(token_like()),
        set_time in proptest::option::of(any::<String>()),
    ) {
        let pair = StoredPair { token, set_time };

        let tracker = observe_twice(&pair);

        prop_assert_eq!(tracker.state(), State::SignedOut);
        prop_assert!(tracker.token(&pair).is_none());
    }

    #[test]
    fn a_valid_token_signs_in_only_with_a_matching_set_time(
        set_time in proptest::option::of(prop_oneof![
            any::<String>(),
            "[0-9]{0,20}",
            (NOW - 120_000..NOW + 120_000).prop_map(|n| n.to_string()),
        ]),
    ) {
        let token = valid_token(NOW - 1_000);
        let pair = StoredPair { token: Some(token), set_time: set_time.clone() };

        let tracker = observe_twice(&pair);

        let trusted = set_time
            .as_deref()
            .filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|s| s.parse::<u64>().ok())
            .is_some_and(|t| {
                let iat_ms = (NOW - 1_000) / 1000 * 1000;
                t <= NOW + 60_000 && t.abs_diff(iat_ms) <= 60_999 && t + 60_000 > NOW
            });
        prop_assert_eq!(tracker.state().is_signed_in(), trusted, "{:?}", set_time);
        if !trusted {
            prop_assert!(matches!(tracker.reason(), Reason::Invalid | Reason::Timeout | Reason::None));
        }
    }
}
