//! How the desk opens its local database, and how a backup is restored so
//! that the desk can open it: one place, so the two never disagree.
//!
//! Today the desk opens its store **unencrypted** ([`Store::open`]); the
//! switch to [`Store::open_encrypted`] with the OS keyring is one change
//! here (see ARCHITECTURE.md, "Not yet"). Backups are always encrypted with
//! the recovery passphrase either way.

use std::path::Path;

use madoguchi_adapters::backup::{self, BackupError, BackupInfo};
use madoguchi_adapters::store::{Store, StoreError};

use crate::settings::Settings;

/// Opens (creating if needed) the desk's database.
pub fn open(settings: &Settings) -> Result<Store, StoreError> {
    Store::open(&settings.database_path())
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

/// Restores `file` as the desk's database, in the form [`open`] reads.
/// An existing database is replaced only with `replace` (and kept beside
/// it as `madoguchi.sqlite.before-restore`).
pub fn restore(settings: &Settings, file: &Path, passphrase: &str, replace: bool) -> Result<BackupInfo, BackupError> {
    backup::restore_unencrypted(file, passphrase, &settings.database_path(), replace)
}
