//! The session's UI pieces. Each reads the session provided by
//! [`provide_session`](crate::session::provide_session) and renders nothing
//! but an error line when there is none.

use leptos::html;
use leptos::prelude::*;

use crate::duration::format_clock;
use crate::rules::{Reason, State};
use crate::session::{SessionHandle, use_session};

fn session_for(component: &str) -> Option<SessionHandle> {
    let session = use_session();
    if session.is_none() {
        leptos::logging::error!(
            "leptos-jwt-session: <{component}> needs provide_session() in an ancestor"
        );
    }
    session
}

/// The element carrying the session's state for styles and automation:
/// `data-testid="session"` with `data-state` and `data-reason`.
#[component]
pub fn SessionStatus(
    /// What to show inside.
    children: Children,
) -> impl IntoView {
    let session = session_for("SessionStatus")?;
    Some(view! {
        <section
            class="session"
            data-testid="session"
            data-state=move || session.snapshot().state.as_str()
            data-reason=move || session.snapshot().reason.as_str()
        >
            {children()}
        </section>
    })
}

/// A message shown under a button when its action failed.
fn action_error(error: RwSignal<Option<String>>) -> impl IntoView {
    move || {
        error.get().map(|message| {
            view! { <p class="action-error" role="alert">{message}</p> }
        })
    }
}

/// "Log in": starts a session with a token from the configured issuer.
#[component]
pub fn LoginButton() -> impl IntoView {
    let session = session_for("LoginButton")?;
    let error = RwSignal::new(None);
    let log_in = move |_| {
        error.set(
            session
                .log_in()
                .err()
                .map(|e| format!("Could not log in: {e}.")),
        )
    };
    Some(view! {
        <button type="button" class="primary" on:click=log_in>"Log in"</button>
        {action_error(error)}
    })
}

/// "Log out": ends the session in every tab.
#[component]
pub fn LogoutButton() -> impl IntoView {
    let session = session_for("LogoutButton")?;
    Some(view! {
        <button type="button" on:click=move |_| session.log_out()>"Log out"</button>
    })
}

/// The time left while signed in, as `m:ss`, with a progress bar. Carries
/// `data-testid="remaining"` only while signed in, so that it can stay
/// mounted (hidden) while signed out.
#[component]
pub fn RemainingTime() -> impl IntoView {
    let session = session_for("RemainingTime")?;
    let total = session.config().timeout.as_secs().max(1);
    let remaining = move || session.remaining_ms().unwrap_or(0);
    Some(view! {
        <div class="remaining-block">
            <p class="remaining-label" id="remaining-label">"Time left"</p>
            <p
                class="remaining"
                data-testid=move || session.state().is_signed_in().then_some("remaining")
                aria-labelledby="remaining-label"
            >
                {move || format_clock(remaining())}
            </p>
            <progress
                class="remaining-bar"
                max=total
                value=move || remaining().div_ceil(1000).min(total)
                aria-labelledby="remaining-label"
            ></progress>
        </div>
    })
}

/// The sentence saying why the tab is signed out.
pub fn reason_text(reason: Reason) -> &'static str {
    match reason {
        Reason::None => "You are signed out.",
        Reason::Logout => "You logged out.",
        Reason::Timeout => "Your session timed out.",
        Reason::TokenExpired => "Your session ended because its token expired.",
        Reason::Idle => "You were signed out after a period of inactivity.",
        Reason::OtherTab => "You were signed out in another tab.",
        Reason::Invalid => "Your stored session could not be trusted, so you were signed out.",
    }
}

/// The signed-out message. Takes focus when a session has just ended, so
/// keyboard and screen-reader users learn why.
#[component]
pub fn SignedOutNotice() -> impl IntoView {
    let session = session_for("SignedOutNotice")?;
    let node: NodeRef<html::P> = NodeRef::new();
    Effect::new(move |_| {
        let snapshot = session.snapshot();
        if snapshot.state == State::SignedOut
            && snapshot.reason != Reason::None
            && let Some(p) = node.get()
        {
            _ = p.focus();
        }
    });
    Some(view! {
        <p class="signed-out-notice" data-testid="signed-out-notice" tabindex="-1" node_ref=node>
            {move || reason_text(session.snapshot().reason)}
        </p>
    })
}

/// The storage warning, shown when the browser refused storage and the
/// session lives in this tab's memory only.
#[component]
pub fn StorageNotice() -> impl IntoView {
    let session = session_for("StorageNotice")?;
    Some(move || {
        session.storage_failure().map(|failure| {
            view! {
                <p class="notice warning" data-testid="storage-notice" role="status">
                    {format!(
                        "Your session is kept in this tab only ({failure}): \
                         it will not survive a reload or reach other tabs."
                    )}
                </p>
            }
        })
    })
}

/// What a screen reader hears about the time left: whole minutes above
/// two minutes, then 120, 90, 60, 30, 15 and 10 seconds or less. Changes only at those
/// steps, so the polite live region is not chatty.
fn coarse_announcement(remaining_ms: u64) -> String {
    let seconds = remaining_ms.div_ceil(1000);
    if seconds > 120 {
        return format!("About {} minutes left.", seconds.div_ceil(60));
    }
    let step = [120, 90, 60, 30, 15, 10]
        .into_iter()
        .rev()
        .find(|s| seconds <= *s)
        .unwrap_or(120);
    format!("{step} seconds or less left.")
}

/// The warning before the end: a modal alert dialog with "Stay signed in"
/// (also Esc) and "Log out". The page behind is inert while it is open,
/// and focus returns where it was when it closes.
#[component]
pub fn ExpiryWarning() -> impl IntoView {
    let session = session_for("ExpiryWarning")?;
    let dialog: NodeRef<html::Dialog> = NodeRef::new();
    let error = RwSignal::new(None);
    let expiring = Memo::new(move |_| session.state() == State::Expiring);

    // Set while this component closes the dialog itself, so that its
    // `close` event is not taken for the browser's.
    let closing = StoredValue::new(false);
    Effect::new(move |_| {
        let open = expiring.get();
        let Some(dialog) = dialog.get() else {
            return;
        };
        if open && !dialog.open() {
            _ = dialog.show_modal();
        } else if !open && dialog.open() {
            closing.set_value(true);
            dialog.close();
        }
    });

    let stay = move || {
        error.set(
            session
                .extend()
                .err()
                .map(|e| format!("Could not extend: {e}.")),
        )
    };
    let announcement = Memo::new(move |_| {
        expiring
            .get()
            .then(|| coarse_announcement(session.remaining_ms().unwrap_or(0)))
    });

    Some(view! {
        <dialog
            class="expiry-dialog"
            role="alertdialog"
            aria-labelledby="expiry-title"
            aria-describedby="expiry-description"
            data-testid="expiry-dialog"
            node_ref=dialog
            on:keydown=move |ev: web_sys::KeyboardEvent| {
                // Handled here rather than through `cancel`: browsers may
                // skip `cancel` for a repeated Esc without user activation.
                if ev.key() == "Escape" {
                    ev.prevent_default();
                    stay();
                }
            }
            on:cancel=move |ev: web_sys::Event| {
                ev.prevent_default();
                stay();
            }
            on:close=move |_| {
                // Closed by the browser while still expiring: a close
                // request, which means "stay", as Esc does.
                let ours = closing.try_update_value(std::mem::take).unwrap_or(false);
                if !ours && session.state() == State::Expiring {
                    stay();
                    // With a warning as long as the timeout the new session
                    // is expiring too: the dialog must stay available.
                    if session.state() == State::Expiring
                        && let Some(dialog) = dialog.get_untracked()
                    {
                        _ = dialog.show_modal();
                    }
                }
            }
        >
            <h2 id="expiry-title">"Your session is about to end"</h2>
            <p id="expiry-description">
                "You will be signed out in "
                <strong data-testid="dialog-remaining">
                    {move || format_clock(session.remaining_ms().unwrap_or(0))}
                </strong>
                ". Stay signed in to keep working."
            </p>
            <p class="visually-hidden" aria-live="polite">{move || announcement.get()}</p>
            <div class="dialog-actions">
                <button type="button" class="primary" autofocus on:click=move |_| stay()>
                    "Stay signed in"
                </button>
                <button type="button" on:click=move |_| session.log_out()>"Log out"</button>
            </div>
            {action_error(error)}
        </dialog>
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn announcements_change_only_at_coarse_steps() {
        let cases = [
            (600_000, "About 10 minutes left."),
            (121_000, "About 3 minutes left."),
            (120_000, "120 seconds or less left."),
            (61_000, "90 seconds or less left."),
            (59_001, "60 seconds or less left."),
            (20_000, "30 seconds or less left."),
            (9_000, "10 seconds or less left."),
            (0, "10 seconds or less left."),
        ];
        for (ms, text) in cases {
            assert_eq!(coarse_announcement(ms), text, "{ms}");
        }
    }
}
