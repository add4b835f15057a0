//! How the desk opens its local database, and how a backup is restored so
//! that the desk can open it: one place, so the two never disagree.
//!
//! The database is SQLCipher-encrypted ([`Store::open_encrypted`]) with a
//! random key kept in the OS keyring ([`OsKeyStore`]), one keyring entry per
//! data folder: the folder holds a random id (`key-id`) naming its entry
//! (`local-db:<id>`), so a moved folder still finds its key, two desks on one
//! account (a test instance, a second data folder) never share or overwrite
//! a key, and a folder copied to another machine finds none there (a clear
//! message, the file untouched, no plaintext fallback). A database written
//! unencrypted by an earlier version is encrypted in place at its first
//! opening. Backups are encrypted with the recovery passphrase.
//!
//! The audit log is anchored outside the database ([`anchor`]): a second
//! keyring entry, `audit-anchor:<id>`, holds the key that seals the chain and
//! the file `audit-anchor` beside the database, which holds the log's count
//! and head.

use std::path::{Path, PathBuf};

use madoguchi_adapters::audit::anchor::AuditAnchor;
use madoguchi_adapters::backup::{self, BackupError, BackupInfo};
use madoguchi_adapters::keystore::{Key, KeyStoreError, OsKeyStore};
use madoguchi_adapters::store::{Store, StoreError};

use crate::settings::Settings;

/// The file in the data folder that names the folder's keyring entry.
const KEY_ID_FILE: &str = "key-id";

/// The audit log's anchor file, beside the database.
pub const ANCHOR_FILE: &str = "audit-anchor";

/// Opens (creating if needed) the desk's database.
pub fn open(settings: &Settings) -> Result<Store, StoreError> {
    open_with_keys(settings).map(|(store, _)| store)
}

/// As [`open`], with the key store it used (whether the key survives a
/// reboot is the window's business), so that nobody probes the keyring twice.
pub fn open_with_keys(settings: &Settings) -> Result<(Store, OsKeyStore), StoreError> {
    let keys = key_store(settings)?;
    let store = Store::open_encrypted_anchored(&settings.database_path(), &keys, anchor(settings)?)?;
    Ok((store, keys))
}

/// Opens the desk's database only if it exists (nothing is created).
pub fn open_existing(settings: &Settings) -> Result<Option<Store>, StoreError> {
    if exists(settings) {
        open(settings).map(Some)
    } else {
        Ok(None)
    }
}

/// The desk's database is there (and not an empty file).
pub fn exists(settings: &Settings) -> bool {
    std::fs::metadata(settings.database_path()).map(|m| m.len() > 0).unwrap_or(false)
}

/// Restores `file` as the desk's database, encrypted with this machine's
/// key. An existing database is replaced only with `replace` (and kept
/// beside it as `madoguchi.sqlite.before-restore`).
///
/// The audit anchor's key the backup carries becomes this folder's (so that
/// the restored log verifies); the anchor file is left as it was, for the
/// caller to compare with the restored log and re-base, recorded
/// (`cli::backup::restore_audited`).
pub fn restore(settings: &Settings, file: &Path, passphrase: &str, replace: bool) -> Result<BackupInfo, BackupError> {
    let keys = key_store(settings).map_err(|e| BackupError::from(StoreError::from(e)))?;
    let (info, anchor_key) = backup::restore_with_anchor_key(file, passphrase, &settings.database_path(), &keys, replace)?;
    if let Some(k) = anchor_key {
        let anchor_keys = anchor_key_store(settings).map_err(|e| BackupError::from(StoreError::from(e)))?;
        madoguchi_adapters::keystore::KeyStore::set(&anchor_keys, &k).map_err(|e| BackupError::from(StoreError::from(e)))?;
    }
    Ok(info)
}

/// The keyring entry of this data folder's audit anchor key (`audit-anchor:<id>`).
pub fn anchor_key_store(settings: &Settings) -> Result<OsKeyStore, KeyStoreError> {
    folder_entry(settings, anchor_entry)
}

/// The audit log's anchor of this data folder (its key made on first use).
pub fn anchor(settings: &Settings) -> Result<AuditAnchor, KeyStoreError> {
    AuditAnchor::open(&settings.data_dir.join(ANCHOR_FILE), &anchor_key_store(settings)?)
}

fn anchor_entry(id: &str) -> String {
    format!("audit-anchor:{id}")
}

/// The keyring entry of this data folder (made on first use).
pub fn key_store(settings: &Settings) -> Result<OsKeyStore, KeyStoreError> {
    folder_entry(settings, entry)
}

/// The keyring entry `name(id)` of this data folder's id.
fn folder_entry(settings: &Settings, name: fn(&str) -> String) -> Result<OsKeyStore, KeyStoreError> {
    let id = key_id(&settings.data_dir).map_err(|e| KeyStoreError::Unavailable {
        store: settings.data_dir.join(KEY_ID_FILE).display().to_string(),
        detail: e.to_string(),
    })?;
    OsKeyStore::detect_for(&name(&id))
}

/// The keyring entry named by a folder's id.
fn entry(id: &str) -> String {
    format!("local-db:{id}")
}

/// Removes this data folder's key from the keyring: only for a folder that
/// is deleted with it (the tests' temporary folders).
pub fn forget_key(data_dir: &Path) {
    if let Ok(id) = std::fs::read_to_string(data_dir.join(KEY_ID_FILE)) {
        for name in [entry(id.trim()), anchor_entry(id.trim())] {
            if let Ok(keys) = OsKeyStore::detect_for(&name) {
                let _ = keys.forget();
            }
        }
    }
}

/// The folder's id: read from `key-id`, or made (32 random hex digits) and
/// written atomically when the folder has none.
fn key_id(data_dir: &Path) -> std::io::Result<String> {
    let file = data_dir.join(KEY_ID_FILE);
    match std::fs::read_to_string(&file) {
        Ok(s) if is_id(s.trim()) => return Ok(s.trim().to_string()),
        Ok(_) => {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("{} is not a key id", file.display()),
            ))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    std::fs::create_dir_all(data_dir)?;
    // 128 random bits, from the same source as the keys.
    let id = Key::generate().map_err(|e| std::io::Error::other(e.to_string()))?.to_hex()[..32].to_string();
    let tmp: PathBuf = data_dir.join(format!("{KEY_ID_FILE}.tmp"));
    {
        use std::io::Write;
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(id.as_bytes())?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, &file)?;
    Ok(id)
}

fn is_id(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit())
}
