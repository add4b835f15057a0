//! Where the database key lives: the OS keyring, behind a small trait.
//!
//! The local database is SQLCipher-encrypted with a random 256-bit key made
//! on first start ([`Key::generate`]). The key is kept in a [`KeyStore`]:
//!
//! - [`OsKeyStore`]: the operating system's keyring through the `keyring`
//!   crate (v3), service `"madoguchi"`, user `"local-db"` by default.
//! - [`MemoryKeyStore`]: in memory, for tests (and for a process that was
//!   handed the key some other way).
//!
//! # Backend policy ([`OsKeyStore::detect`])
//!
//! | platform | backend | survives a reboot |
//! |---|---|---|
//! | Windows | Credential Manager | yes |
//! | macOS | Keychain | yes |
//! | Linux with a session bus and a Secret Service (GNOME Keyring, KWallet…) | Secret Service | yes |
//! | Linux without either | kernel keyutils (session/persistent keyring) | **no** |
//!
//! On Linux, Secret Service is used whenever a session bus
//! (`DBUS_SESSION_BUS_ADDRESS`, or `$XDG_RUNTIME_DIR/bus`) is there and a
//! Secret Service answers on it. If the bus is there but the Secret Service
//! refuses access (a locked keyring the user did not unlock),
//! [`OsKeyStore::detect`] fails with [`KeyStoreError::Locked`] rather than
//! silently putting a new key somewhere that will not last.
//!
//! Only when there is no Secret Service at all is the kernel keyutils used,
//! with a loud warning: **keyutils keys vanish at reboot**. On such a
//! machine the database cannot be opened after a restart unless it is
//! restored from a backup, so a backup with a recovery passphrase
//! ([`crate::backup`]) is mandatory there; [`OsKeyStore::survives_reboot`]
//! is `false` and [`OsKeyStore::warning_message_id`] gives the message the
//! desk must show (`store-key-volatile`).
//!
//! The environment variable `MADOGUCHI_KEY_STORE` overrides the probing:
//! `auto` (the default), `secret-service` or `kernel-keyutils`. The tests
//! set `kernel-keyutils` (`.cargo/config.toml`) so that a developer's login
//! keyring is not filled with test keys.
//!
//! keyutils keeps a key in the process's session keyring and links it into
//! the account's persistent keyring (`keyctl_get_persistent`), where a later
//! process finds it. A desktop login gives every process a session keyring
//! (`pam_keyinit`); a process started without one (root in a CI job, a
//! service, `ssh` without PAM) only sees the shared user-session keyring
//! `_uid_ses.N`, in which a key can be stored but never found again by a
//! search. So before using keyutils, a thread that has no session keyring
//! of its own joins a new anonymous one ([`ensure_session_keyring`]), as
//! `keyctl session -` would: the persistent keyring linked into it makes the
//! key reachable from every later process of the account.
//!
//! # One key per account, never overwritten
//!
//! The default entry (`madoguchi` / `local-db`) is one key per OS account.
//! A new database reuses a key that is already in the keyring; a key is only
//! generated when the entry is empty. Nothing in this crate ever overwrites
//! or deletes a key that is in the keyring, so a second database (a test
//! instance, a moved data folder) can never orphan the first one.
//!
//! The same trait holds the audit log's anchor key ([`crate::audit::anchor`])
//! under an entry of its own (the desk: `audit-anchor:<id>` beside
//! `local-db:<id>`), so that the database key alone does not open it. That
//! entry is the one a restore sets: to the key of the log it brings back.

use std::sync::Mutex;

/// A 256-bit SQLCipher key. Its `Debug` does not show it; memory is zeroed on drop.
#[derive(Clone, PartialEq, Eq)]
pub struct Key([u8; 32]);

impl Key {
    /// 32 bytes from the operating system's random source.
    pub fn generate() -> Result<Key, KeyStoreError> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| KeyStoreError::Random(e.to_string()))?;
        Ok(Key(bytes))
    }

    pub fn from_bytes(bytes: [u8; 32]) -> Key {
        Key(bytes)
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// 64 lower-case hex digits (the form kept in the keyring).
    pub fn to_hex(&self) -> String {
        to_hex(&self.0)
    }

    /// Reads 64 hex digits.
    pub fn from_hex(s: &str) -> Option<Key> {
        let s = s.trim();
        if s.len() != 64 || !s.is_ascii() {
            return None;
        }
        let mut out = [0u8; 32];
        for (i, chunk) in s.as_bytes().chunks(2).enumerate() {
            let hi = (chunk[0] as char).to_digit(16)?;
            let lo = (chunk[1] as char).to_digit(16)?;
            out[i] = (hi * 16 + lo) as u8;
        }
        Some(Key(out))
    }

    /// The SQLCipher raw-key literal `x'…'` (no passphrase derivation: the key
    /// is already random).
    pub(crate) fn sqlcipher_literal(&self) -> String {
        format!("\"x'{}'\"", self.to_hex())
    }
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key(…)")
    }
}

impl Drop for Key {
    fn drop(&mut self) {
        for b in self.0.iter_mut() {
            // SAFETY: a valid, aligned, exclusive pointer to a byte of self.
            unsafe { std::ptr::write_volatile(b, 0) };
        }
    }
}

pub(crate) fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

#[derive(Debug, thiserror::Error)]
pub enum KeyStoreError {
    /// No usable keyring (no Secret Service, no keyutils, platform failure).
    #[error("the key store {store} cannot be used: {detail}")]
    Unavailable { store: String, detail: String },
    /// The keyring is there but locked or access was denied.
    #[error("the key store {store} is locked or refused access: {detail}")]
    Locked { store: String, detail: String },
    /// The entry holds something that is not a key.
    #[error("the key store {store} holds an entry that is not a Madoguchi key")]
    NotAKey { store: String },
    #[error("no random numbers from the operating system: {0}")]
    Random(String),
}

/// Where the database key is kept.
pub trait KeyStore: Send + Sync {
    /// The key, or `None` when the entry does not exist.
    fn get(&self) -> Result<Option<Key>, KeyStoreError>;
    /// Stores the key (creating the entry).
    fn set(&self, key: &Key) -> Result<(), KeyStoreError>;
    /// For messages and logs: `Secret Service (madoguchi/local-db)`.
    fn describe(&self) -> String;
    /// False when the key is gone after a reboot (kernel keyutils).
    fn survives_reboot(&self) -> bool {
        true
    }
}

/// A key held in memory (tests; a key handed over by other means).
#[derive(Default)]
pub struct MemoryKeyStore {
    key: Mutex<Option<Key>>,
}

impl MemoryKeyStore {
    pub fn new() -> MemoryKeyStore {
        MemoryKeyStore::default()
    }
    pub fn with_key(key: Key) -> MemoryKeyStore {
        MemoryKeyStore {
            key: Mutex::new(Some(key)),
        }
    }
    /// Forgets the key (a "reboot" of a volatile keyring, in tests).
    pub fn clear(&self) {
        *self.key.lock().unwrap() = None;
    }
}

impl KeyStore for MemoryKeyStore {
    fn get(&self) -> Result<Option<Key>, KeyStoreError> {
        Ok(self.key.lock().unwrap().clone())
    }
    fn set(&self, key: &Key) -> Result<(), KeyStoreError> {
        *self.key.lock().unwrap() = Some(key.clone());
        Ok(())
    }
    fn describe(&self) -> String {
        "memory".into()
    }
}

/// Which OS keyring an [`OsKeyStore`] uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// The freedesktop Secret Service over D-Bus (GNOME Keyring, KWallet, KeePassXC).
    SecretService,
    /// The Linux kernel key retention service. Keys vanish at reboot.
    KernelKeyutils,
    /// The platform's own store: macOS Keychain, Windows Credential Manager.
    Platform,
}

impl Backend {
    pub fn survives_reboot(self) -> bool {
        !matches!(self, Backend::KernelKeyutils)
    }
    pub fn name(self) -> &'static str {
        match self {
            Backend::SecretService => "Secret Service",
            Backend::KernelKeyutils => "kernel keyutils",
            Backend::Platform => {
                if cfg!(target_os = "macos") {
                    "Keychain"
                } else if cfg!(windows) {
                    "Windows Credential Manager"
                } else {
                    "platform keyring"
                }
            }
        }
    }
}

/// The database key in the operating system's keyring.
pub struct OsKeyStore {
    entry: keyring::Entry,
    backend: Backend,
    user: String,
}

impl OsKeyStore {
    pub const SERVICE: &'static str = "madoguchi";
    /// The default entry: one database key per OS account.
    pub const DEFAULT_USER: &'static str = "local-db";

    /// The keyring for this machine, chosen by the policy in the module docs,
    /// with the default entry (`madoguchi` / `local-db`).
    pub fn detect() -> Result<OsKeyStore, KeyStoreError> {
        Self::detect_for(Self::DEFAULT_USER)
    }

    /// As [`OsKeyStore::detect`], for another entry name. Honours
    /// `MADOGUCHI_KEY_STORE` (see the module docs).
    pub fn detect_for(user: &str) -> Result<OsKeyStore, KeyStoreError> {
        match std::env::var(KEY_STORE_ENV).ok().as_deref().map(str::trim) {
            None | Some("") | Some("auto") => {}
            Some("kernel-keyutils") => return Self::with_backend(Backend::KernelKeyutils, user),
            Some("secret-service") => return Self::with_backend(Backend::SecretService, user),
            Some(other) => {
                return Err(KeyStoreError::Unavailable {
                    store: format!("{KEY_STORE_ENV}={other}"),
                    detail: "unknown key store; use auto, secret-service or kernel-keyutils".into(),
                })
            }
        }
        #[cfg(target_os = "linux")]
        {
            if session_bus_present() {
                let ss = Self::with_backend(Backend::SecretService, user)?;
                match ss.entry.get_secret() {
                    Ok(_) | Err(keyring::Error::NoEntry) => return Ok(ss),
                    Err(keyring::Error::NoStorageAccess(e)) => {
                        return Err(KeyStoreError::Locked {
                            store: ss.describe(),
                            detail: e.to_string(),
                        })
                    }
                    // Ambiguous or bad encoding: the service works; get() reports it.
                    Err(keyring::Error::Ambiguous(_)) | Err(keyring::Error::BadEncoding(_)) => {
                        return Ok(ss)
                    }
                    Err(e) => {
                        tracing::warn!(
                            "no Secret Service on the session bus ({e}); trying kernel keyutils"
                        );
                    }
                }
            }
            let ku = Self::with_backend(Backend::KernelKeyutils, user)?;
            tracing::warn!(
                "the database key is kept in the kernel keyutils keyring, which is emptied at every \
                 reboot: without a backup and its recovery passphrase the local database cannot be \
                 opened after a restart"
            );
            Ok(ku)
        }
        #[cfg(not(target_os = "linux"))]
        {
            Self::with_backend(Backend::Platform, user)
        }
    }

    /// This backend, no probing (tests of a backend; explicit settings).
    pub fn with_backend(backend: Backend, user: &str) -> Result<OsKeyStore, KeyStoreError> {
        let unavailable = |e: keyring::Error| KeyStoreError::Unavailable {
            store: format!("{} ({}/{})", backend.name(), Self::SERVICE, user),
            detail: e.to_string(),
        };
        let entry = match backend {
            #[cfg(target_os = "linux")]
            Backend::SecretService => keyring::Entry::new_with_credential(Box::new(
                keyring::secret_service::SsCredential::new_with_target(None, Self::SERVICE, user)
                    .map_err(unavailable)?,
            )),
            #[cfg(target_os = "linux")]
            Backend::KernelKeyutils => {
                ensure_session_keyring().map_err(|detail| KeyStoreError::Unavailable {
                    store: format!("{} ({}/{})", backend.name(), Self::SERVICE, user),
                    detail,
                })?;
                keyring::Entry::new_with_credential(Box::new(
                    keyring::keyutils::KeyutilsCredential::new_with_target(None, Self::SERVICE, user)
                        .map_err(unavailable)?,
                ))
            }
            #[cfg(not(target_os = "linux"))]
            Backend::SecretService | Backend::KernelKeyutils => {
                return Err(KeyStoreError::Unavailable {
                    store: backend.name().into(),
                    detail: "only on Linux".into(),
                })
            }
            Backend::Platform => keyring::Entry::new(Self::SERVICE, user).map_err(unavailable)?,
        };
        Ok(OsKeyStore {
            entry,
            backend,
            user: user.to_string(),
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Removes the entry. Only for a data folder that is being deleted with
    /// it (the tests' temporary folders); the desk itself never calls this.
    pub fn forget(&self) -> Result<(), KeyStoreError> {
        match self.entry.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(self.error(e)),
        }
    }

    /// The message the desk shows at start when the key will not survive a
    /// reboot (`store-key-volatile`), or `None`.
    pub fn warning_message_id(&self) -> Option<&'static str> {
        (!self.backend.survives_reboot()).then_some("store-key-volatile")
    }

    fn error(&self, e: keyring::Error) -> KeyStoreError {
        match e {
            keyring::Error::NoStorageAccess(d) => KeyStoreError::Locked {
                store: self.describe(),
                detail: d.to_string(),
            },
            // gnome-keyring started by D-Bus activation without a login
            // password: "Cannot create an item in a locked collection".
            keyring::Error::PlatformFailure(d) if d.to_string().contains("locked") => {
                KeyStoreError::Locked {
                    store: self.describe(),
                    detail: d.to_string(),
                }
            }
            keyring::Error::BadEncoding(_) => KeyStoreError::NotAKey {
                store: self.describe(),
            },
            other => KeyStoreError::Unavailable {
                store: self.describe(),
                detail: other.to_string(),
            },
        }
    }
}

/// The environment variable that chooses the key store (module docs).
pub const KEY_STORE_ENV: &str = "MADOGUCHI_KEY_STORE";

/// Gives the calling thread a session keyring of its own when it has none
/// (its session keyring is the shared user-session keyring): joins a new
/// anonymous one, as `keyctl session -` does. Threads and processes started
/// afterwards inherit it. Call it early (the app does so in `main`, before
/// any thread starts); [`OsKeyStore::with_backend`] calls it too.
#[cfg(target_os = "linux")]
pub fn ensure_session_keyring() -> Result<(), String> {
    // <linux/keyctl.h>
    const KEYCTL_GET_KEYRING_ID: libc::c_long = 0;
    const KEYCTL_JOIN_SESSION_KEYRING: libc::c_long = 1;
    const KEY_SPEC_SESSION_KEYRING: libc::c_long = -3;
    const KEY_SPEC_USER_SESSION_KEYRING: libc::c_long = -5;
    // SAFETY: keyctl(2) with integer arguments only; no memory is passed.
    let id = |spec: libc::c_long| unsafe { libc::syscall(libc::SYS_keyctl, KEYCTL_GET_KEYRING_ID, spec, 0 as libc::c_long) };
    let session = id(KEY_SPEC_SESSION_KEYRING);
    let user_session = id(KEY_SPEC_USER_SESSION_KEYRING);
    if session >= 0 && session != user_session {
        return Ok(());
    }
    // SAFETY: a null name asks for a new anonymous session keyring.
    let joined = unsafe { libc::syscall(libc::SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, std::ptr::null::<libc::c_char>()) };
    if joined < 0 {
        return Err(format!(
            "no session keyring, and joining one failed: {} (is keyctl(2) blocked here, e.g. by a container's seccomp profile?)",
            std::io::Error::last_os_error()
        ));
    }
    Ok(())
}

/// Nothing to do off Linux.
#[cfg(not(target_os = "linux"))]
pub fn ensure_session_keyring() -> Result<(), String> {
    Ok(())
}

#[cfg(target_os = "linux")]
fn session_bus_present() -> bool {
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some_and(|v| !v.is_empty()) {
        return true;
    }
    std::env::var_os("XDG_RUNTIME_DIR")
        .map(|d| std::path::Path::new(&d).join("bus").exists())
        .unwrap_or(false)
}

impl KeyStore for OsKeyStore {
    fn get(&self) -> Result<Option<Key>, KeyStoreError> {
        match self.entry.get_password() {
            Ok(s) => Key::from_hex(&s)
                .map(Some)
                .ok_or_else(|| KeyStoreError::NotAKey {
                    store: self.describe(),
                }),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(self.error(e)),
        }
    }

    fn set(&self, key: &Key) -> Result<(), KeyStoreError> {
        self.entry
            .set_password(&key.to_hex())
            .map_err(|e| self.error(e))
    }

    fn describe(&self) -> String {
        format!("{} ({}/{})", self.backend.name(), Self::SERVICE, self.user)
    }

    fn survives_reboot(&self) -> bool {
        self.backend.survives_reboot()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_random_and_round_trip_through_hex() {
        let a = Key::generate().unwrap();
        let b = Key::generate().unwrap();
        assert_ne!(a, b);
        assert_eq!(Key::from_hex(&a.to_hex()), Some(a.clone()));
        assert_eq!(Key::from_hex("zz"), None);
        assert_eq!(Key::from_hex(&"g".repeat(64)), None);
        assert_eq!(format!("{a:?}"), "Key(…)");
    }

    #[test]
    fn the_memory_store_keeps_and_forgets() {
        let s = MemoryKeyStore::new();
        assert_eq!(s.get().unwrap(), None);
        let k = Key::generate().unwrap();
        s.set(&k).unwrap();
        assert_eq!(s.get().unwrap(), Some(k));
        s.clear();
        assert_eq!(s.get().unwrap(), None);
    }

    /// The real OS keyring (kernel keyutils in the tests, see
    /// `.cargo/config.toml`; with `MADOGUCHI_KEY_STORE=auto` under
    /// `dbus-run-session` and an unlocked gnome-keyring, Secret Service).
    #[test]
    fn the_os_keyring_keeps_a_key() {
        let user = format!("test-{}", std::process::id());
        let store = OsKeyStore::detect_for(&user).expect("a keyring");
        eprintln!("backend: {}", store.describe());
        assert_eq!(store.get().unwrap(), None);
        let k = Key::generate().unwrap();
        store.set(&k).unwrap();
        assert_eq!(store.get().unwrap(), Some(k.clone()));
        // A second handle (as after a restart of the app) finds it.
        let again = OsKeyStore::detect_for(&user).unwrap();
        assert_eq!(again.get().unwrap(), Some(k));
        assert_eq!(again.backend(), store.backend());
        store.forget().unwrap();
        assert_eq!(again.get().unwrap(), None);
    }

    /// A key stored by one process is found by the next one, which starts
    /// without the first one's session keyring (as the desk after a restart).
    #[cfg(target_os = "linux")]
    #[test]
    fn a_key_outlives_the_process_that_stored_it() {
        let user = format!("test-outlives-{}", std::process::id());
        let k = Key::generate().unwrap();
        // SAFETY: keyctl(2) KEYCTL_GET_KEYRING_ID (0) of KEY_SPEC_SESSION_KEYRING (-3), integers only.
        let session = || unsafe { libc::syscall(libc::SYS_keyctl, 0 as libc::c_long, -3 as libc::c_long, 0 as libc::c_long) };
        let stored_in = std::thread::scope(|s| {
            s.spawn(|| {
                let store = OsKeyStore::with_backend(Backend::KernelKeyutils, &user).unwrap();
                store.set(&k).unwrap();
                session()
            })
            .join()
            .unwrap()
        });
        // Another thread joins another anonymous session keyring of its own.
        let found = std::thread::scope(|s| {
            s.spawn(|| {
                let _ = ensure_session_keyring();
                // SAFETY: as in ensure_session_keyring: a fresh anonymous session.
                let joined = unsafe { libc::syscall(libc::SYS_keyctl, 1 as libc::c_long, std::ptr::null::<libc::c_char>()) };
                // Else both threads share one session keyring and this tests nothing.
                assert!(joined > 0, "joining a new session keyring: {}", std::io::Error::last_os_error());
                assert_ne!(session(), stored_in, "not the session keyring the key was stored from");
                let store = OsKeyStore::with_backend(Backend::KernelKeyutils, &user).unwrap();
                let got = store.get().unwrap();
                store.forget().unwrap();
                got
            })
            .join()
            .unwrap()
        });
        assert_eq!(found, Some(k));
    }
}
