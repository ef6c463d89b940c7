//! Where the session pair is kept: `localStorage`, `sessionStorage` or
//! memory, behind one small [`Backend`] trait.
//!
//! [`Store`] never panics on a browser that refuses storage. When reading
//! or writing fails it moves the session to memory, removes any half-written
//! pair it left behind, and reports a [`StorageError`] so the view can say
//! the session will not survive a reload or reach other tabs.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;
use std::rc::Rc;

use crate::rules::StoredPair;

/// The key holding the bare compact JWT.
pub const TOKEN_KEY: &str = "auth-token";
/// The key holding the set-time, decimal ms since the epoch.
pub const SET_TIME_KEY: &str = "auth-token-set-time";
/// The key holding the last user activity, decimal ms since the epoch,
/// shared by all tabs for the idle timeout.
pub const ACTIVITY_KEY: &str = "auth-token-last-activity";

/// A storage operation the browser refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum StorageError {
    /// The storage object could not be obtained (private mode, blocked
    /// third-party iframe, sandboxed page).
    Unavailable,
    /// Reading a key threw.
    Read,
    /// Writing a key threw (quota exceeded, storage disabled).
    Write,
    /// Removing a key threw.
    Remove,
}

impl fmt::Display for StorageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Unavailable => "browser storage is not available",
            Self::Read => "browser storage could not be read",
            Self::Write => "browser storage refused a write",
            Self::Remove => "browser storage refused a removal",
        })
    }
}

impl std::error::Error for StorageError {}

/// A string key-value store.
pub trait Backend {
    /// The value of `key`, or `None` when absent.
    ///
    /// # Errors
    ///
    /// [`StorageError::Read`] when the browser refuses.
    fn get(&self, key: &str) -> Result<Option<String>, StorageError>;

    /// Stores `value` under `key`.
    ///
    /// # Errors
    ///
    /// [`StorageError::Write`] when the browser refuses.
    fn set(&self, key: &str, value: &str) -> Result<(), StorageError>;

    /// Removes `key`; removing an absent key succeeds.
    ///
    /// # Errors
    ///
    /// [`StorageError::Remove`] when the browser refuses.
    fn remove(&self, key: &str) -> Result<(), StorageError>;

    /// Whether values outlive the page and are shared with other tabs.
    fn is_shared(&self) -> bool;
}

/// Values in memory: lost on reload, seen by this tab only.
#[derive(Clone, Debug, Default)]
pub struct MemoryBackend(Rc<RefCell<BTreeMap<String, String>>>);

impl Backend for MemoryBackend {
    fn get(&self, key: &str) -> Result<Option<String>, StorageError> {
        Ok(self.0.borrow().get(key).cloned())
    }

    fn set(&self, key: &str, value: &str) -> Result<(), StorageError> {
        self.0.borrow_mut().insert(key.to_owned(), value.to_owned());
        Ok(())
    }

    fn remove(&self, key: &str) -> Result<(), StorageError> {
        self.0.borrow_mut().remove(key);
        Ok(())
    }

    fn is_shared(&self) -> bool {
        false
    }
}

/// `window.localStorage` or `window.sessionStorage`.
#[derive(Clone, Debug)]
pub struct WebBackend {
    storage: web_sys::Storage,
    shared: bool,
}

impl WebBackend {
    /// `window.localStorage`: survives reloads, shared by the origin's tabs.
    ///
    /// # Errors
    ///
    /// [`StorageError::Unavailable`] when the getter throws or returns null.
    pub fn local() -> Result<Self, StorageError> {
        Self::open(web_sys::Window::local_storage, true)
    }

    /// `window.sessionStorage`: survives reloads of this tab only.
    ///
    /// # Errors
    ///
    /// [`StorageError::Unavailable`] when the getter throws or returns null.
    pub fn session() -> Result<Self, StorageError> {
        Self::open(web_sys::Window::session_storage, false)
    }

    fn open(
        getter: fn(&web_sys::Window) -> Result<Option<web_sys::Storage>, wasm_bindgen::JsValue>,
        shared: bool,
    ) -> Result<Self, StorageError> {
        let storage = web_sys::window()
            .and_then(|w| getter(&w).ok().flatten())
            .ok_or(StorageError::Unavailable)?;
        Ok(Self { storage, shared })
    }
}

impl Backend for WebBackend {
    fn get(&self, key: &str) -> Result<Option<String>, StorageError> {
        self.storage.get_item(key).map_err(|_| StorageError::Read)
    }

    fn set(&self, key: &str, value: &str) -> Result<(), StorageError> {
        self.storage
            .set_item(key, value)
            .map_err(|_| StorageError::Write)
    }

    fn remove(&self, key: &str) -> Result<(), StorageError> {
        self.storage
            .remove_item(key)
            .map_err(|_| StorageError::Remove)
    }

    fn is_shared(&self) -> bool {
        self.shared
    }
}

/// The session pair on a backend, falling back to memory when the backend
/// fails.
pub struct Store {
    backend: Rc<dyn Backend>,
    failure: Option<StorageError>,
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store")
            .field("shared", &self.backend.is_shared())
            .field("failure", &self.failure)
            .finish()
    }
}

impl Store {
    /// A store on `backend`.
    pub fn new(backend: Rc<dyn Backend>) -> Self {
        Self {
            backend,
            failure: None,
        }
    }

    /// `localStorage`, or memory with a reported failure when the browser
    /// refuses it.
    pub fn local_or_memory() -> Self {
        match WebBackend::local() {
            Ok(local) => Self::new(Rc::new(local)),
            Err(error) => Self {
                backend: Rc::new(MemoryBackend::default()),
                failure: Some(error),
            },
        }
    }

    /// The failure that moved the session to memory, if any.
    pub fn failure(&self) -> Option<StorageError> {
        self.failure
    }

    /// Whether other tabs see this store's values.
    pub fn is_shared(&self) -> bool {
        self.backend.is_shared()
    }

    /// Moves to memory after `error`, keeping `keep` there.
    fn fall_back(&mut self, error: StorageError, keep: &StoredPair) {
        let memory = MemoryBackend::default();
        if let (Some(token), Some(set_time)) = (&keep.token, &keep.set_time) {
            _ = memory.set(TOKEN_KEY, token);
            _ = memory.set(SET_TIME_KEY, set_time);
        }
        self.backend = Rc::new(memory);
        self.failure = Some(error);
    }

    /// Reads both keys. A read that throws moves the store to memory and
    /// reads as signed out: doubt never counts as signed in.
    pub fn read(&mut self) -> StoredPair {
        let token = self.backend.get(TOKEN_KEY);
        let set_time = self.backend.get(SET_TIME_KEY);
        // A blank value is one that could not be removed: read it as absent.
        let present = |value: Option<String>| value.filter(|v| !v.is_empty());
        match (token, set_time) {
            (Ok(token), Ok(set_time)) => StoredPair {
                token: present(token),
                set_time: present(set_time),
            },
            (Err(error), _) | (_, Err(error)) => {
                self.fall_back(error, &StoredPair::default());
                StoredPair::default()
            }
        }
    }

    /// Writes a complete pair: the set-time first, then the token, so a
    /// token is never stored without its set-time. If either write fails,
    /// the previous values are put back (or removed when that fails too)
    /// and the pair is kept in memory.
    ///
    /// # Errors
    ///
    /// The failure that moved the store to memory; the pair is stored
    /// there all the same.
    pub fn write(&mut self, pair: &StoredPair) -> Result<(), StorageError> {
        let (Some(token), Some(set_time)) = (&pair.token, &pair.set_time) else {
            return Ok(());
        };
        let previous = (self.backend.get(TOKEN_KEY), self.backend.get(SET_TIME_KEY));
        let written = self
            .backend
            .set(SET_TIME_KEY, set_time)
            .and_then(|()| self.backend.set(TOKEN_KEY, token));
        match written {
            Ok(()) => Ok(()),
            Err(error) => {
                // Put back what was there, so other tabs keep the session
                // they had; remove what cannot be put back.
                for (key, value) in [(TOKEN_KEY, previous.0), (SET_TIME_KEY, previous.1)] {
                    match value {
                        Ok(Some(value)) if self.backend.set(key, &value).is_ok() => {}
                        _ => _ = self.backend.remove(key),
                    }
                }
                self.fall_back(error, pair);
                Err(error)
            }
        }
    }

    /// Removes each key only while it still holds the value in `expected`,
    /// the token first. Another tab may have written a new session in
    /// between; that one is left alone.
    pub fn remove_if(&mut self, expected: &StoredPair) {
        let mut failed = None;
        for (key, seen) in [
            (TOKEN_KEY, &expected.token),
            (SET_TIME_KEY, &expected.set_time),
        ] {
            // A blank value (read as absent) goes too. A removal refused is
            // replaced by a blank value, which every tab reads as removed:
            // the end still reaches them all.
            let held = match self.backend.get(key) {
                Ok(held) => held,
                Err(_) => continue,
            };
            let blank = held.as_deref() == Some("");
            let ours = held.is_some() && (held == *seen || blank);
            if ours
                && let Err(error) = self.backend.remove(key)
                && !blank
                && self.backend.set(key, "").is_err()
            {
                failed = Some(error);
            }
        }
        // The shared activity time belongs to the session that ended; a
        // session started since counts from its own set-time anyway.
        _ = self.backend.remove(ACTIVITY_KEY);
        if let Some(error) = failed {
            // Neither removed nor blanked; memory holds nothing, so this
            // tab at least counts as signed out.
            self.fall_back(error, &StoredPair::default());
        }
    }

    /// The shared last-activity time, if stored and readable.
    pub fn last_activity(&self) -> Option<u64> {
        let text = self.backend.get(ACTIVITY_KEY).ok().flatten()?;
        crate::rules::parse_set_time(&text).ok()
    }

    /// Stores the last-activity time; failures are ignored, since idle
    /// tracking then simply stays per tab.
    pub fn set_last_activity(&self, at: u64) {
        _ = self.backend.set(ACTIVITY_KEY, &at.to_string());
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    /// A backend whose get and set calls fail from the `fail_from`-th call
    /// to the `fail_to`-th.
    struct Flaky {
        inner: MemoryBackend,
        calls: Cell<u32>,
        fail_from: u32,
        fail_to: u32,
    }

    impl Flaky {
        fn new(fail_from: u32) -> Self {
            Self {
                inner: MemoryBackend::default(),
                calls: Cell::new(0),
                fail_from,
                fail_to: u32::MAX,
            }
        }

        fn once(call: u32) -> Self {
            Self {
                fail_to: call,
                ..Self::new(call)
            }
        }

        fn tick(&self) -> bool {
            self.calls.set(self.calls.get() + 1);
            (self.fail_from..=self.fail_to).contains(&self.calls.get())
        }
    }

    impl Backend for Flaky {
        fn get(&self, key: &str) -> Result<Option<String>, StorageError> {
            if self.tick() {
                return Err(StorageError::Read);
            }
            self.inner.get(key)
        }

        fn set(&self, key: &str, value: &str) -> Result<(), StorageError> {
            if self.tick() {
                return Err(StorageError::Write);
            }
            self.inner.set(key, value)
        }

        fn remove(&self, key: &str) -> Result<(), StorageError> {
            self.inner.remove(key)
        }

        fn is_shared(&self) -> bool {
            true
        }
    }

    #[test]
    fn a_pair_round_trips_exactly() {
        let memory = MemoryBackend::default();
        let mut store = Store::new(Rc::new(memory.clone()));
        let pair = StoredPair::new("a.b.c", "1700000000000");

        store.write(&pair).expect("writes");

        assert_eq!(store.read(), pair);
        assert_eq!(memory.get(TOKEN_KEY), Ok(Some("a.b.c".into())));
        assert_eq!(memory.get(SET_TIME_KEY), Ok(Some("1700000000000".into())));
    }

    #[test]
    fn a_failed_second_write_rolls_back_and_keeps_the_pair_in_memory() {
        let flaky = Rc::new(Flaky::new(2));
        let mut store = Store::new(flaky.clone());
        let pair = StoredPair::new("a.b.c", "1");

        assert_eq!(store.write(&pair), Err(StorageError::Write));

        assert_eq!(flaky.inner.get(TOKEN_KEY), Ok(None));
        assert_eq!(flaky.inner.get(SET_TIME_KEY), Ok(None));
        assert_eq!(store.failure(), Some(StorageError::Write));
        assert!(!store.is_shared());
        assert_eq!(store.read(), pair);
    }

    #[test]
    fn a_failed_renewal_puts_the_previous_pair_back() {
        let flaky = Rc::new(Flaky::once(7));
        let mut store = Store::new(flaky.clone());
        let old = StoredPair::new("old.token.sig", "1");
        store.write(&old).expect("first write");

        // The first write reads twice and writes twice; the second reads
        // the old values (5, 6), writes the set-time (7: refused).
        assert_eq!(
            store.write(&StoredPair::new("new.token.sig", "2")),
            Err(StorageError::Write)
        );

        assert_eq!(flaky.inner.get(TOKEN_KEY), Ok(Some("old.token.sig".into())));
        assert_eq!(flaky.inner.get(SET_TIME_KEY), Ok(Some("1".into())));
    }

    #[test]
    fn a_failed_read_counts_as_signed_out() {
        let mut store = Store::new(Rc::new(Flaky::new(1)));

        assert_eq!(store.read(), StoredPair::default());
        assert_eq!(store.failure(), Some(StorageError::Read));
    }

    /// Memory whose removals are refused.
    struct NoRemove(MemoryBackend);

    impl Backend for NoRemove {
        fn get(&self, key: &str) -> Result<Option<String>, StorageError> {
            self.0.get(key)
        }

        fn set(&self, key: &str, value: &str) -> Result<(), StorageError> {
            self.0.set(key, value)
        }

        fn remove(&self, _: &str) -> Result<(), StorageError> {
            Err(StorageError::Remove)
        }

        fn is_shared(&self) -> bool {
            true
        }
    }

    #[test]
    fn a_refused_removal_blanks_the_values_instead() {
        let memory = MemoryBackend::default();
        let mut store = Store::new(Rc::new(NoRemove(memory.clone())));
        let pair = StoredPair::new("a.b.c", "1");
        store.write(&pair).expect("writes");

        store.remove_if(&pair);

        assert_eq!(memory.get(TOKEN_KEY), Ok(Some(String::new())));
        assert_eq!(memory.get(SET_TIME_KEY), Ok(Some(String::new())));
        assert_eq!(
            store.read(),
            StoredPair::default(),
            "blank values read as removed"
        );
        assert_eq!(store.failure(), None, "still shared with other tabs");
    }

    #[test]
    fn remove_if_leaves_a_newer_session_alone() {
        let memory = MemoryBackend::default();
        let mut store = Store::new(Rc::new(memory.clone()));
        let old = StoredPair::new("old", "1");
        let new = StoredPair::new("new", "2");
        store.write(&new).expect("writes");

        store.remove_if(&old);
        assert_eq!(store.read(), new);

        store.remove_if(&new);
        assert_eq!(store.read(), StoredPair::default());
    }
}
