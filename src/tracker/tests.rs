use std::time::Duration;

use super::*;
use crate::token::{DEMO_SECRET, DemoIssuer, TokenVerifier};

const T0: u64 = 1_700_000_000_000;

fn config() -> Config {
    Config {
        timeout: Duration::from_secs(30),
        warn: Duration::from_secs(5),
        ..Config::default()
    }
}

fn pair_at(set_time: u64) -> StoredPair {
    let token = DemoIssuer::new(DEMO_SECRET, "demo")
        .expect("key")
        .issue(set_time, config().timeout, "id")
        .expect("signs");
    StoredPair::new(token, set_time.to_string())
}

fn observe(tracker: &mut Tracker, trigger: Trigger, pair: &StoredPair, now: u64) -> Step {
    let verifier = TokenVerifier::hs256(DEMO_SECRET).expect("key");
    tracker.observe(trigger, pair, now, None, |t| verifier.verify(t))
}

fn signed_in_at(now: u64) -> (Tracker, StoredPair) {
    let mut tracker = Tracker::new(config());
    let pair = pair_at(T0);
    let step = observe(&mut tracker, Trigger::Check, &pair, now);
    assert_eq!(step.change.map(|c| c.0), Some(tracker.state()));
    (tracker, pair)
}

#[test]
fn start_up_with_a_valid_pair_signs_in() {
    let (tracker, pair) = signed_in_at(T0 + 1_000);

    assert_eq!(tracker.state(), State::Active);
    assert_eq!(tracker.reason(), Reason::None);
    assert_eq!(
        tracker.token(&pair),
        tracker.session().map(|s| s.token.as_str())
    );
}

#[test]
fn start_up_with_an_expired_pair_ends_it_once_and_removes_it() {
    let mut tracker = Tracker::new(config());
    let pair = pair_at(T0);

    let step = observe(&mut tracker, Trigger::Check, &pair, T0 + 30_000);

    assert_eq!(step.change, Some((State::SignedOut, Reason::Timeout)));
    assert_eq!(step.remove, Some(pair.clone()));
    let again = observe(
        &mut tracker,
        Trigger::Check,
        &StoredPair::default(),
        T0 + 31_000,
    );
    assert_eq!(again, Step::default());
}

#[test]
fn expiry_changes_state_once_and_removes_what_was_read() {
    let (mut tracker, pair) = signed_in_at(T0);

    let warn = observe(&mut tracker, Trigger::Check, &pair, T0 + 25_000);
    let end = observe(&mut tracker, Trigger::Check, &pair, T0 + 30_000);
    let after = observe(&mut tracker, Trigger::Check, &pair, T0 + 30_250);

    assert_eq!(warn.change, Some((State::Expiring, Reason::None)));
    assert_eq!(end.change, Some((State::SignedOut, Reason::Timeout)));
    assert_eq!(end.remove, Some(pair.clone()));
    // The keys were not yet removed by the adapter: the pair is checked
    // anew, found over, and removed again without a second change.
    assert_eq!(after.change, None);
}

#[test]
fn a_token_read_past_the_deadline_gets_nothing() {
    let (mut tracker, pair) = signed_in_at(T0);

    let step = observe(&mut tracker, Trigger::Read, &pair, T0 + 30_000);

    assert_eq!(step.change, Some((State::SignedOut, Reason::Timeout)));
    assert_eq!(tracker.token(&pair), None);
}

#[test]
fn keys_removed_elsewhere_end_as_other_tab() {
    let (mut tracker, _) = signed_in_at(T0);

    for trigger in [Trigger::StorageEvent, Trigger::Check] {
        let mut tab = tracker.clone();
        let step = observe(&mut tab, trigger, &StoredPair::default(), T0 + 1_000);
        assert_eq!(step.change, Some((State::SignedOut, Reason::OtherTab)));
        assert_eq!(step.remove, None);
    }
    let late = observe(
        &mut tracker,
        Trigger::StorageEvent,
        &StoredPair::default(),
        T0 + 30_000,
    );
    assert_eq!(late.change, Some((State::SignedOut, Reason::Timeout)));
}

#[test]
fn a_login_in_another_tab_signs_this_tab_in() {
    let mut tracker = Tracker::new(config());

    let step = observe(&mut tracker, Trigger::StorageEvent, &pair_at(T0), T0 + 10);

    assert_eq!(step.change, Some((State::Active, Reason::None)));
}

#[test]
fn a_renewal_elsewhere_is_adopted_not_removed() {
    let (mut tracker, _) = signed_in_at(T0);
    let renewed = pair_at(T0 + 29_000);

    let step = observe(&mut tracker, Trigger::Check, &renewed, T0 + 30_000);

    assert_eq!(step.remove, None);
    assert_eq!(tracker.state(), State::Active);
    assert_eq!(tracker.session().map(|s| s.set_time), Some(T0 + 29_000));
}

#[test]
fn a_half_written_pair_never_ends_the_session_from_a_storage_event() {
    let (mut tracker, old) = signed_in_at(T0);
    let new = pair_at(T0 + 20_000);
    let halves = [
        StoredPair {
            token: new.token.clone(),
            set_time: None,
        },
        StoredPair {
            token: None,
            set_time: new.set_time.clone(),
        },
        StoredPair {
            token: new.token.clone(),
            set_time: old.set_time.clone(),
        },
        StoredPair {
            token: old.token.clone(),
            set_time: new.set_time.clone(),
        },
    ];

    for (i, half) in halves.iter().enumerate() {
        let step = observe(&mut tracker, Trigger::StorageEvent, half, T0 + 20_001);
        assert_eq!(step, Step::default(), "{half:?}");
        assert_eq!(tracker.state(), State::Active);
        if i < 2 {
            assert_eq!(tracker.token(half), None, "a torn pair hands out no token");
        }
    }
    // Even a mixed pair that passes every check is waited out: the tab
    // keeps the session it knew until the rest of the write arrives.
    assert_eq!(tracker.session().map(|s| &s.pair), Some(&old));
    let whole = observe(&mut tracker, Trigger::StorageEvent, &new, T0 + 20_002);
    assert_eq!(whole.remove, None);
    assert_eq!(tracker.session().map(|s| &s.pair), Some(&new));
}

#[test]
fn a_pair_still_torn_at_the_next_check_is_invalid() {
    let (mut tracker, pair) = signed_in_at(T0);
    let torn = StoredPair {
        token: pair.token.clone(),
        set_time: None,
    };

    let first = observe(&mut tracker, Trigger::Check, &torn, T0 + 1_000);
    let second = observe(&mut tracker, Trigger::Check, &torn, T0 + 2_000);

    assert_eq!(first, Step::default());
    assert_eq!(second.change, Some((State::SignedOut, Reason::Invalid)));
    assert_eq!(second.remove, Some(torn));
    assert_eq!(second.invalid, Some(Invalid::MissingSetTime));
}

#[test]
fn a_torn_pair_that_heals_is_not_invalid() {
    let (mut tracker, pair) = signed_in_at(T0);
    let torn = StoredPair {
        token: None,
        set_time: pair.set_time.clone(),
    };
    let renewed = pair_at(T0 + 1_000);

    observe(&mut tracker, Trigger::Check, &torn, T0 + 1_000);
    let healed = observe(&mut tracker, Trigger::Check, &renewed, T0 + 1_500);
    let torn_again = observe(&mut tracker, Trigger::Check, &torn, T0 + 2_000);

    assert_eq!(healed.change, None);
    assert_eq!(torn_again, Step::default(), "a new sighting starts over");
}

#[test]
fn garbage_written_while_running_is_invalid_at_once() {
    for trigger in [Trigger::StorageEvent, Trigger::Check, Trigger::Read] {
        let (mut tracker, pair) = signed_in_at(T0);
        let garbage = StoredPair {
            token: Some("x.y.z".into()),
            set_time: pair.set_time.clone(),
        };

        let step = observe(&mut tracker, trigger, &garbage, T0 + 1_000);

        assert_eq!(
            step.change,
            Some((State::SignedOut, Reason::Invalid)),
            "{trigger:?}"
        );
        assert_eq!(step.remove, Some(garbage));
        assert!(matches!(step.invalid, Some(Invalid::Token(_))));
    }
}

#[test]
fn log_out_removes_the_pair_read_and_says_logout() {
    let (mut tracker, pair) = signed_in_at(T0);

    let step = tracker.stop(Reason::Logout);

    assert_eq!(step.change, Some((State::SignedOut, Reason::Logout)));
    assert_eq!(step.remove, Some(pair));
    assert_eq!(tracker.session(), None);
}

#[test]
fn a_new_session_clears_the_last_reason() {
    let (mut tracker, _) = signed_in_at(T0);
    tracker.stop(Reason::Logout);
    let pair = pair_at(T0 + 5_000);
    let verifier = TokenVerifier::hs256(DEMO_SECRET).expect("key");
    let session = check_pair(&pair, |t| verifier.verify(t), &config(), T0 + 5_000).expect("valid");

    let step = tracker.started(session, T0 + 5_000, None);

    assert_eq!(step.change, Some((State::Active, Reason::None)));
    assert_eq!(tracker.deadline(None).map(|d| d.at), Some(T0 + 35_000));
}

#[test]
fn idle_ends_the_session_with_reason_idle() {
    let mut tracker = Tracker::new(Config {
        idle: Duration::from_secs(10),
        ..config()
    });
    let pair = pair_at(T0);
    let verifier = TokenVerifier::hs256(DEMO_SECRET).expect("key");
    tracker.observe(Trigger::Check, &pair, T0, Some(T0), |t| verifier.verify(t));

    let busy = tracker.observe(Trigger::Check, &pair, T0 + 12_000, Some(T0 + 8_000), |t| {
        verifier.verify(t)
    });
    let idle = tracker.observe(Trigger::Check, &pair, T0 + 18_000, Some(T0 + 8_000), |t| {
        verifier.verify(t)
    });

    assert_eq!(busy.change, None);
    assert_eq!(idle.change, Some((State::SignedOut, Reason::Idle)));
}

#[test]
fn a_half_removed_pair_at_the_deadline_ends_for_the_sessions_own_reason() {
    let (mut tracker, pair) = signed_in_at(T0);
    let half_removed = StoredPair {
        token: None,
        set_time: pair.set_time.clone(),
    };

    let step = observe(&mut tracker, Trigger::Check, &half_removed, T0 + 30_000);

    assert_eq!(step.change, Some((State::SignedOut, Reason::Timeout)));
    assert_eq!(step.invalid, None);
    assert_eq!(step.remove, Some(half_removed));
}

#[test]
fn a_new_half_pair_at_the_deadline_is_left_for_its_writer() {
    let (mut tracker, _) = signed_in_at(T0);
    let new = pair_at(T0 + 29_000);
    let half_written = StoredPair {
        token: None,
        set_time: new.set_time.clone(),
    };

    let step = observe(
        &mut tracker,
        Trigger::StorageEvent,
        &half_written,
        T0 + 30_000,
    );

    assert_eq!(step.change, Some((State::SignedOut, Reason::Timeout)));
    assert_eq!(
        step.remove,
        Some(StoredPair::default()),
        "nothing of the new pair removed"
    );
}

#[test]
fn the_next_change_is_the_warning_then_the_end() {
    let (tracker, _) = signed_in_at(T0);

    assert_eq!(tracker.next_change(T0, None), Some(T0 + 25_000));
    assert_eq!(tracker.next_change(T0 + 25_000, None), Some(T0 + 30_000));
    assert_eq!(tracker.next_change(T0 + 30_000, None), None);
}

#[test]
fn a_half_renewal_that_looks_over_is_waited_out_not_removed() {
    // The clock went back 30 s before another tab renewed: its new set-time
    // next to the old token passes every check, yet looks already over.
    let (mut tracker, old) = signed_in_at(T0);
    let half = StoredPair {
        token: old.token.clone(),
        set_time: Some((T0 - 19_000).to_string()),
    };

    let step = observe(&mut tracker, Trigger::StorageEvent, &half, T0 + 11_000);

    assert_eq!(step, Step::default());
    assert_eq!(tracker.state(), State::Active);
}
