//! Client-side JWT session expiry for Leptos.
#![deny(missing_docs)]

pub mod claims;
pub mod config;
pub mod crypto;
pub mod duration;
pub mod rules;
pub mod token;
pub mod tracker;

pub use config::Config;
pub mod app;
pub mod clock;
pub mod components;
pub mod session;
pub mod storage;
