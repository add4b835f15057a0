//! The audit log's anchor: its head (count and last hash) kept **outside**
//! the database, sealed with a key the database's own key does not give.
//!
//! - The key: 32 random bytes in the OS keyring under an entry of its own
//!   (the caller chooses it: the desk uses `audit-anchor:<id>`, beside the
//!   database's `local-db:<id>`), made the first time and never shown.
//! - The file: one line of JSON beside the database
//!   (`{"format":"madoguchi-audit-anchor-1","count":…,"head":…,"seal":…,"mac":…}`),
//!   rewritten atomically (temporary file, fsync, rename, fsync of the
//!   folder) after every append. `mac` = HMAC-SHA256(key, the ASCII tag
//!   `MADOGUCHI-AUDIT-ANCHOR-1` and the netstrings of count, head and seal
//!   name) — the log's own netstring form, with a tag of its own so that no
//!   entry hash can stand for an anchor.
//! - The same key seals the chain itself (`Seal::HmacSha256`): recomputing
//!   the chain after an edit needs it, SHA-256 alone no longer fits.
//!
//! What it proves, and what not: see "What the desk alone can prove" in
//! ARCHITECTURE.md. In short, whoever can read the keyring (the OS account
//! that runs the desk) can re-seal everything; someone who only has the
//! database key, or only the files, cannot wipe, cut, rewrite or roll back
//! the log unseen.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{netstring, Seal};
use crate::keystore::{Key, KeyStore, KeyStoreError};

const ANCHOR_TAG: &str = "MADOGUCHI-AUDIT-ANCHOR-1";
const FORMAT: &str = "madoguchi-audit-anchor-1";

/// What the anchor says: the log had `count` entries, the last one hashed
/// `head` ([`super::GENESIS_HASH`] for none), sealed as `seal` (its name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnchorState {
    pub count: i64,
    pub head: String,
    pub seal: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct AnchorFile {
    format: String,
    count: i64,
    head: String,
    seal: String,
    mac: String,
}

/// Why the anchor file cannot be believed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnchorError {
    #[error("the audit anchor {path} cannot be read: {detail}")]
    Unreadable { path: String, detail: String },
    /// Its seal does not match: written by someone without the key.
    #[error("the audit anchor {path} is not sealed with this desk's key")]
    Forged { path: String },
}

/// The anchor of one log: its file and its key.
#[derive(Clone)]
pub struct AuditAnchor {
    path: PathBuf,
    key: Key,
    /// The key was in the keyring before this opening (so a missing file
    /// is a deleted one, not a first start).
    key_existed: bool,
}

impl std::fmt::Debug for AuditAnchor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditAnchor").field("path", &self.path).field("key_existed", &self.key_existed).finish()
    }
}

impl AuditAnchor {
    /// The anchor in `path` with the key in `keys` (made and stored there
    /// when the entry is empty).
    pub fn open(path: &Path, keys: &dyn KeyStore) -> Result<AuditAnchor, KeyStoreError> {
        let (key, key_existed) = match keys.get()? {
            Some(k) => (k, true),
            None => {
                let k = Key::generate()?;
                keys.set(&k)?;
                // Read back: what a later process will find.
                (keys.get()?.unwrap_or(k), false)
            }
        };
        Ok(AuditAnchor { path: path.to_path_buf(), key, key_existed })
    }

    /// With a key handed over (tests; a restore that brings its log's key).
    pub fn with_key(path: &Path, key: Key, key_existed: bool) -> AuditAnchor {
        AuditAnchor { path: path.to_path_buf(), key, key_existed }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The key (for a backup, which carries it under the recovery passphrase).
    pub fn key(&self) -> &Key {
        &self.key
    }

    /// Whether the key was already in the keyring when this anchor was opened.
    pub fn key_existed(&self) -> bool {
        self.key_existed
    }

    /// The seal of a log anchored here (HMAC-SHA256 with the anchor's key).
    pub fn seal(&self) -> Seal {
        Seal::hmac(self.key.as_bytes().to_vec())
    }

    fn mac(&self, count: i64, head: &str, seal: &str) -> String {
        let mut bytes = Vec::with_capacity(128);
        bytes.extend_from_slice(ANCHOR_TAG.as_bytes());
        netstring(&mut bytes, Some(&count.to_string()));
        netstring(&mut bytes, Some(head));
        netstring(&mut bytes, Some(seal));
        self.seal().digest(&bytes)
    }

    /// The state in the file; `None` when there is no file.
    pub fn read(&self) -> Result<Option<AnchorState>, AnchorError> {
        let shown = self.path.display().to_string();
        let text = match std::fs::read_to_string(&self.path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(AnchorError::Unreadable { path: shown, detail: e.to_string() }),
        };
        let file: AnchorFile = serde_json::from_str(text.trim())
            .map_err(|e| AnchorError::Unreadable { path: shown.clone(), detail: e.to_string() })?;
        if file.format != FORMAT {
            return Err(AnchorError::Unreadable { path: shown, detail: format!("format {:?}", file.format) });
        }
        if file.mac != self.mac(file.count, &file.head, &file.seal) {
            return Err(AnchorError::Forged { path: shown });
        }
        Ok(Some(AnchorState { count: file.count, head: file.head, seal: file.seal }))
    }

    /// Writes `state` atomically (a temporary file beside it, synced, renamed).
    pub fn write(&self, state: &AnchorState) -> std::io::Result<()> {
        let file = AnchorFile {
            format: FORMAT.into(),
            count: state.count,
            head: state.head.clone(),
            seal: state.seal.clone(),
            mac: self.mac(state.count, &state.head, &state.seal),
        };
        // A name of this writer's own: the window and a command appending at
        // once each rename a whole file (the last one wins; one that is
        // behind is caught up by the next verify, see `verify_anchored`).
        let mut tmp = self.path.clone().into_os_string();
        tmp.push(format!(".{}-{:016x}.tmp", std::process::id(), getrandom::u64().map_err(|e| std::io::Error::other(e.to_string()))?));
        let tmp = PathBuf::from(tmp);
        let written = (|| {
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(serde_json::to_string(&file).map_err(std::io::Error::other)?.as_bytes())?;
            f.write_all(b"\n")?;
            f.sync_all()?;
            std::fs::rename(&tmp, &self.path)
        })();
        if written.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        written?;
        crate::store::sync_dir(&self.path);
        Ok(())
    }
}
