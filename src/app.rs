//! The demo app: reads settings from the URL query and mounts the session
//! components.

use leptos::prelude::*;

use crate::components::{
    ExpiryWarning, LoginButton, LogoutButton, RemainingTime, SessionStatus, SignedOutNotice,
    StorageNotice,
};
use crate::config::{Config, ConfigIssue};
use crate::duration::format_duration;
use crate::session::{SessionOptions, provide_session};

/// The demo page.
#[component]
pub fn App() -> impl IntoView {
    let query = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    let (config, issues) = Config::default().with_query(&query);
    let (errors, warnings): (Vec<ConfigIssue>, Vec<ConfigIssue>) =
        issues.into_iter().partition(ConfigIssue::is_error);

    let body = match SessionOptions::demo(config) {
        Ok(options) => {
            let session = provide_session(options);
            let signed_in = move || session.state().is_signed_in();
            view! {
                <StorageNotice/>
                <SessionStatus>
                    // Both views stay mounted and are hidden in turn: a
                    // `<Show>` that unmounts reactive children subscribed
                    // to the session's long-lived signals leaves a dead
                    // subscriber behind on every switch (reactive_graph
                    // 0.2), so memory would grow with each log-in.
                    <div class="signed-out-view" hidden=signed_in>
                        <SignedOutNotice/>
                        <div class="actions"><LoginButton/></div>
                    </div>
                    <div class="signed-in-view" hidden=move || !signed_in()>
                        <p class="signed-in-as">"Signed in as " <strong>"demo-user"</strong></p>
                        <RemainingTime/>
                        // Stays while expiring, inert behind the modal dialog,
                        // so that focus can return to it when the dialog closes.
                        <div class="actions">
                            <LogoutButton/>
                        </div>
                    </div>
                    <ExpiryWarning/>
                </SessionStatus>
            }
            .into_any()
        }
        Err(error) => view! {
            <p class="notice error" role="alert">{format!("The demo cannot start: {error}.")}</p>
        }
        .into_any(),
    };

    view! {
        <main class="app">
            <header>
                <h1>"JWT session demo"</h1>
                <p class="lede">
                    "A signed token in localStorage that ends on time, in every tab."
                </p>
            </header>
            <IssueList issues=errors testid="config-errors" role="alert" class="error"/>
            <IssueList issues=warnings testid="config-warnings" role="status" class="warning"/>
            {body}
            <Settings config/>
        </main>
    }
}

/// Settings that could not be used as given.
#[component]
fn IssueList(
    /// The issues to list; nothing renders when empty.
    issues: Vec<ConfigIssue>,
    /// The `data-testid` of the list.
    testid: &'static str,
    /// `alert` for errors, `status` for warnings.
    role: &'static str,
    /// The notice style.
    class: &'static str,
) -> impl IntoView {
    (!issues.is_empty()).then(|| {
        view! {
            <div class=format!("notice {class}") data-testid=testid role=role>
                <ul>
                    {issues.iter().map(|issue| view! { <li>{issue.to_string()}</li> }).collect_view()}
                </ul>
            </div>
        }
    })
}

/// The settings in force, with how to change them.
#[component]
fn Settings(
    /// The config in force.
    config: Config,
) -> impl IntoView {
    let off = |d: std::time::Duration| {
        if d.is_zero() {
            "off".to_owned()
        } else {
            format_duration(d)
        }
    };
    let rows = [
        ("timeout", format_duration(config.timeout)),
        ("interval", format_duration(config.interval)),
        ("warn", off(config.warn)),
        ("idle", off(config.idle)),
        ("leeway", format_duration(config.leeway)),
    ];
    view! {
        <section class="settings" aria-labelledby="settings-title">
            <h2 id="settings-title">"Settings"</h2>
            <dl>
                {rows
                    .into_iter()
                    .map(|(name, value)| view! { <dt>{name}</dt><dd>{value}</dd> })
                    .collect_view()}
            </dl>
            <p class="hint">
                "Change them in the URL, for example " <code>"?timeout=20s&warn=10s"</code> "."
            </p>
        </section>
    }
}
