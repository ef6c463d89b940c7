//! Client-side JWT session expiry for Leptos (csr).
//!
//! A login writes a signed token and the time it was set into
//! `localStorage`; the session ends at the earliest of set-time + timeout,
//! the token's `exp`, and (optionally) the last activity + idle timeout.
//! This crate makes that end happen on time in every tab: a one-shot timer
//! at the exact deadline, re-checks when a tab is shown again, `storage`
//! events between tabs, and a token read that re-checks the deadline first.
//! Stored values are never trusted blindly: anything that fails a check
//! ends the session as `invalid`, and nothing a browser or a stored value
//! can do makes it panic.
//!
//! # How it is built
//!
//! Three layers, data flowing one way (event -> decision -> storage -> one
//! state signal -> view):
//!
//! 1. Pure rules with no browser types, tested natively: [`duration`],
//!    [`config`], [`claims`], [`token`], [`crypto`], [`rules`] and the
//!    per-tab state machine [`tracker`].
//! 2. Thin browser adapters: [`storage`] (local, session or memory),
//!    [`clock`] and [`session`], whose driver owns every timer and listener.
//! 3. UI: [`components`] and the demo [`app`].
//!
//! # Examples
//!
//! ```no_run
//! use leptos::prelude::*;
//! use leptos_jwt_session::Config;
//! use leptos_jwt_session::components::{
//!     ExpiryWarning, LoginButton, LogoutButton, RemainingTime, SessionStatus, SignedOutNotice,
//! };
//! use leptos_jwt_session::session::{SessionOptions, provide_session};
//!
//! #[component]
//! fn Shell() -> impl IntoView {
//!     let Ok(options) = SessionOptions::demo(Config::default()) else {
//!         return view! { <p role="alert">"The session could not start."</p> }.into_any();
//!     };
//!     let session = provide_session(options);
//!     let signed_in = move || session.state().is_signed_in();
//!     view! {
//!         <SessionStatus>
//!             <div hidden=signed_in>
//!                 <SignedOutNotice/>
//!                 <LoginButton/>
//!             </div>
//!             <div hidden=move || !signed_in()>
//!                 <RemainingTime/>
//!                 <LogoutButton/>
//!             </div>
//!             <ExpiryWarning/>
//!         </SessionStatus>
//!     }
//!     .into_any()
//! }
//! ```
#![deny(missing_docs)]

pub mod app;
pub mod claims;
pub mod clock;
pub mod components;
pub mod config;
pub mod crypto;
pub mod duration;
pub mod rules;
pub mod session;
pub mod storage;
pub mod token;
pub mod tracker;

pub use config::Config;
