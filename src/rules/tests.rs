use std::time::Duration;

use super::*;
use crate::token::{DEMO_SECRET, DemoIssuer, TokenVerifier};

const T0: u64 = 1_700_000_000_000;

fn config(timeout_s: u64) -> Config {
    Config {
        timeout: Duration::from_secs(timeout_s),
        warn: Duration::ZERO,
        ..Config::default()
    }
}

fn session(set_time: u64, claims: Claims) -> Session {
    Session {
        pair: StoredPair::new("t", set_time.to_string()),
        token: "t".into(),
        set_time,
        claims,
    }
}

fn claims(iat: Option<u64>, exp: Option<u64>) -> Claims {
    Claims {
        iat,
        exp,
        ..Claims::default()
    }
}

#[test]
fn the_session_ends_exactly_at_set_time_plus_timeout() {
    let cfg = config(30);
    let s = session(T0, claims(Some(T0 / 1000), Some(token_exp(T0, 30_000))));
    let end = deadline(&s, &cfg, None);

    let cases = [
        (
            T0 + 30_000 - 1,
            Standing::Running {
                state: State::Active,
                next_change: T0 + 30_000,
            },
        ),
        (T0 + 30_000, Standing::Ended(Reason::Timeout)),
        (T0 + 30_001, Standing::Ended(Reason::Timeout)),
    ];
    for (now, expected) in cases {
        assert_eq!(
            standing(end, &cfg, now),
            expected,
            "now = T0 + {}",
            now - T0
        );
    }
}

#[test]
fn token_exp_is_the_first_whole_second_at_or_after_the_end() {
    let cases = [
        (1_000, 30_000, 31),
        (1_001, 30_000, 32),
        (1_999, 30_000, 32),
        (0, 1, 1),
        (0, 0, 0),
        (u64::MAX, 1, u64::MAX / 1000 + 1),
    ];
    for (set_time, timeout, exp) in cases {
        assert_eq!(token_exp(set_time, timeout), exp, "{set_time} + {timeout}");
        assert!(
            u128::from(exp) * 1000
                >= (u128::from(set_time) + u128::from(timeout)).min(u128::from(u64::MAX)),
            "token must not end first"
        );
    }
}

#[test]
fn the_earliest_of_timeout_and_exp_wins_with_its_reason() {
    let cfg = config(60);
    let cases = [
        // exp earlier than set-time + timeout: the token ends it.
        (Some(T0 / 1000 + 10), T0 + 10_000, Reason::TokenExpired),
        // exp later: the timeout ends it.
        (Some(T0 / 1000 + 600), T0 + 60_000, Reason::Timeout),
        // exactly equal: the timeout, the session's own rule.
        (Some(T0 / 1000 + 60), T0 + 60_000, Reason::Timeout),
        // no exp, but iat: bounded by iat + timeout.
        (None, T0 + 60_000, Reason::Timeout),
    ];
    for (exp, at, reason) in cases {
        let s = session(T0, claims(Some(T0 / 1000), exp));
        assert_eq!(deadline(&s, &cfg, None), Deadline { at, reason }, "{exp:?}");
    }
}

#[test]
fn a_later_set_time_never_extends_past_the_signed_exp() {
    let cfg = config(60);
    let exp = T0 / 1000 + 60;
    let edited = session(T0 + 3_600_000, claims(Some(T0 / 1000), Some(exp)));

    assert_eq!(deadline(&edited, &cfg, None).at, exp * 1000);
}

#[test]
fn a_token_without_exp_or_iat_is_bounded_by_the_set_time() {
    let cfg = config(60);
    let s = session(T0, claims(None, None));

    assert_eq!(
        deadline(&s, &cfg, None),
        Deadline {
            at: T0 + 60_000,
            reason: Reason::Timeout
        }
    );
}

#[test]
fn idle_timeout_counts_from_the_last_activity_or_the_set_time() {
    let cfg = Config {
        idle: Duration::from_secs(10),
        ..config(60)
    };
    let s = session(T0, claims(Some(T0 / 1000), None));

    let cases = [
        (None, T0 + 10_000),
        (Some(T0 - 5_000), T0 + 10_000),
        (Some(T0 + 20_000), T0 + 30_000),
        (Some(T0 + 55_000), T0 + 60_000),
    ];
    for (activity, at) in cases {
        let end = deadline(&s, &cfg, activity);
        assert_eq!(end.at, at, "{activity:?}");
    }
    assert_eq!(deadline(&s, &cfg, None).reason, Reason::Idle);
    assert_eq!(
        deadline(&s, &cfg, Some(T0 + 55_000)).reason,
        Reason::Timeout
    );
}

#[test]
fn warning_starts_at_deadline_minus_warn() {
    let cfg = Config {
        warn: Duration::from_secs(5),
        ..config(30)
    };
    let end = Deadline {
        at: T0 + 30_000,
        reason: Reason::Timeout,
    };

    let cases = [
        (
            T0,
            Standing::Running {
                state: State::Active,
                next_change: T0 + 25_000,
            },
        ),
        (
            T0 + 24_999,
            Standing::Running {
                state: State::Active,
                next_change: T0 + 25_000,
            },
        ),
        (
            T0 + 25_000,
            Standing::Running {
                state: State::Expiring,
                next_change: T0 + 30_000,
            },
        ),
        (
            T0 + 29_999,
            Standing::Running {
                state: State::Expiring,
                next_change: T0 + 30_000,
            },
        ),
        (T0 + 30_000, Standing::Ended(Reason::Timeout)),
    ];
    for (now, expected) in cases {
        assert_eq!(standing(end, &cfg, now), expected, "T0 + {}", now - T0);
    }
}

#[test]
fn set_time_accepts_only_decimal_digits() {
    assert_eq!(parse_set_time("1700000000000"), Ok(1_700_000_000_000));
    assert_eq!(parse_set_time("0"), Ok(0));
    for text in [
        "",
        "abc",
        "-5",
        "1.5",
        " 12",
        "12 ",
        "+1",
        "1e12",
        "99999999999999999999999",
    ] {
        assert_eq!(
            parse_set_time(text),
            Err(Invalid::SetTimeNotANumber),
            "{text:?}"
        );
    }
}

fn signed_pair(set_time: u64, timeout: Duration) -> StoredPair {
    let token = DemoIssuer::new(DEMO_SECRET, "demo")
        .expect("key")
        .issue(set_time, timeout, "id")
        .expect("signs");
    StoredPair::new(token, set_time.to_string())
}

fn check(pair: &StoredPair, cfg: &Config, now: u64) -> Result<Session, Invalid> {
    let verifier = TokenVerifier::hs256(DEMO_SECRET).expect("key");
    check_pair(pair, |t| verifier.verify(t), cfg, now)
}

#[test]
fn a_valid_pair_reloaded_keeps_its_original_deadline() {
    let cfg = config(30);
    let pair = signed_pair(T0, cfg.timeout);

    let session = check(&pair, &cfg, T0 + 10_000).expect("valid");

    assert_eq!(session.set_time, T0);
    assert_eq!(deadline(&session, &cfg, None).at, T0 + 30_000);
}

#[test]
fn an_expired_pair_reloaded_is_over() {
    let cfg = config(30);
    let pair = signed_pair(T0, cfg.timeout);

    let session = check(&pair, &cfg, T0 + 31_000).expect("still signed");
    let end = deadline(&session, &cfg, None);

    assert_eq!(
        standing(end, &cfg, T0 + 31_000),
        Standing::Ended(Reason::Timeout)
    );
}

#[test]
fn untrusted_pairs_name_the_failed_check() {
    let cfg = config(30);
    let good = signed_pair(T0, cfg.timeout);
    let token = good.token.clone().expect("token");
    // Issued 2 minutes ahead, stored with a set-time 1 minute ahead: the
    // pair belongs together, but the token is from the future.
    let future = signed_pair(T0 + 120_000, cfg.timeout);

    let cases = [
        (
            StoredPair {
                token: Some(token.clone()),
                set_time: None,
            },
            Invalid::MissingSetTime,
        ),
        (
            StoredPair {
                token: None,
                set_time: Some(T0.to_string()),
            },
            Invalid::MissingToken,
        ),
        (
            StoredPair::new(token.clone(), ""),
            Invalid::SetTimeNotANumber,
        ),
        (
            StoredPair::new(token.clone(), "abc"),
            Invalid::SetTimeNotANumber,
        ),
        (
            StoredPair::new(token.clone(), "-5"),
            Invalid::SetTimeNotANumber,
        ),
        (
            StoredPair::new(token.clone(), "99999999999999"),
            Invalid::SetTimeInFuture,
        ),
        (
            StoredPair::new(token.clone(), (T0 + 120_000).to_string()),
            Invalid::SetTimeInFuture,
        ),
        (
            StoredPair::new(token.clone(), (T0 - 120_000).to_string()),
            Invalid::SetTimeMismatch,
        ),
        (
            StoredPair::new(
                future.token.clone().expect("token"),
                (T0 + 60_000).to_string(),
            ),
            Invalid::IssuedInFuture,
        ),
        (
            StoredPair::new("not-a-jwt", T0.to_string()),
            Invalid::Token(TokenError::Shape),
        ),
    ];
    for (pair, invalid) in cases {
        assert_eq!(
            check(&pair, &cfg, T0 + 1_000).map(|_| ()),
            Err(invalid),
            "{pair:?}"
        );
    }
}

#[test]
fn set_time_within_the_leeway_of_iat_is_accepted() {
    let cfg = config(30);
    let pair = signed_pair(T0, cfg.timeout);
    let token = pair.token.clone().expect("token");

    for set_time in [T0 - 59_000, T0 + 59_000] {
        let moved = StoredPair::new(token.clone(), set_time.to_string());
        assert!(check(&moved, &cfg, T0 + 60_000).is_ok(), "{set_time}");
    }
}

#[test]
fn absurd_numbers_saturate_instead_of_overflowing() {
    let cfg = Config {
        timeout: crate::duration::MAX_DURATION,
        ..config(1)
    };
    let s = session(u64::MAX - 5, claims(Some(u64::MAX), Some(u64::MAX)));

    let end = deadline(&s, &cfg, Some(u64::MAX));

    assert_eq!(end.at, u64::MAX);
    assert_eq!(
        standing(end, &cfg, u64::MAX),
        Standing::Ended(Reason::Timeout)
    );
}

#[test]
fn timer_delays_clamp_to_what_a_browser_timer_holds() {
    let cases = [
        (T0 + 1_500, T0, 1_500),
        (T0, T0, 0),
        (T0, T0 + 5, 0),
        (T0 + MAX_TIMER_DELAY_MS, T0, i32::MAX as u32),
        (T0 + MAX_TIMER_DELAY_MS + 1, T0, i32::MAX as u32),
        (u64::MAX, 0, i32::MAX as u32),
    ];
    for (at, now, delay) in cases {
        assert_eq!(timer_delay(at, now), delay, "{at} - {now}");
    }
}

#[test]
fn a_clamped_timer_re_arms_until_a_far_deadline() {
    let deadline = T0 + 100 * 24 * 3600 * 1000;
    let mut now = T0;
    let mut arms = 0;
    while now < deadline {
        let delay = timer_delay(deadline, now);
        assert!(delay > 0 && u64::from(delay) <= MAX_TIMER_DELAY_MS);
        now += u64::from(delay);
        arms += 1;
    }

    assert_eq!(now, deadline);
    assert_eq!(arms, 5);
}

#[test]
fn guarded_now_never_runs_backwards() {
    let two_hours = 2 * 3600 * 1000;
    let cases = [
        (T0 + 1_000, T0, 1_000, T0 + 1_000),
        (T0 - two_hours + 5_000, T0, 5_000, T0 + 5_000),
        (T0 + two_hours, T0, 5_000, T0 + two_hours),
        (0, u64::MAX, u64::MAX, u64::MAX),
    ];
    for (wall, anchor, elapsed, now) in cases {
        assert_eq!(guarded_now(wall, anchor, elapsed), now);
    }
}

#[test]
fn a_set_time_ahead_within_the_leeway_counts_from_now() {
    let cfg = config(60);
    let ahead = T0 + 59_000;
    let token = DemoIssuer::new(DEMO_SECRET, "demo")
        .expect("key")
        .issue(ahead, cfg.timeout, "id")
        .expect("signs");
    let pair = StoredPair::new(token, ahead.to_string());

    let session = check(&pair, &cfg, T0).expect("within the leeway");
    let no_exp = Session {
        claims: claims(Some(ahead / 1000), None),
        ..session.clone()
    };

    assert_eq!(session.set_time, T0);
    assert_eq!(
        deadline(&no_exp, &cfg, None).at,
        T0 + 60_000,
        "never lengthened"
    );
}

#[test]
fn a_token_not_yet_valid_beyond_the_leeway_is_invalid() {
    let cfg = config(60);
    let verify = |nbf: u64| {
        move |_: &str| {
            Ok(Claims {
                nbf: Some(nbf),
                ..claims(Some(T0 / 1000), Some(T0 / 1000 + 60))
            })
        }
    };
    let pair = StoredPair::new("t", T0.to_string());

    assert_eq!(
        check_pair(&pair, verify(T0 / 1000 + 3600), &cfg, T0).map(|_| ()),
        Err(Invalid::NotYetValid)
    );
    assert!(check_pair(&pair, verify(T0 / 1000 + 30), &cfg, T0).is_ok());
}
