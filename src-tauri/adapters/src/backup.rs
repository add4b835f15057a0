//! Backups of the local database, encrypted with a recovery passphrase, and
//! their restoration on another machine.
//!
//! The database key lives in the OS keyring of one machine (and, with kernel
//! keyutils, only until the next reboot), so a backup cannot use it: a backup
//! is keyed by a **recovery passphrase** that staff keep on paper.
//!
//! # File format (version 1)
//!
//! ```text
//! magic      16 bytes  "MADOGUCHIBACKUP\0"
//! version     2 bytes  u16 little-endian = 1
//! header_len  4 bytes  u32 little-endian
//! header      JSON     BackupHeader: created_at, schema_version, argon2id
//!                      parameters and salt (hex), payload length, row counts
//! payload              a SQLCipher 4 database (sqlcipher_export of the store),
//!                      raw 256-bit key = argon2id(passphrase, salt)
//! checksum   32 bytes  SHA-256 of every byte before it
//! ```
//!
//! The checksum finds truncation and damage before any key is derived; the
//! SQLCipher page HMACs then tell a wrong passphrase (the first page does not
//! authenticate) from a right one, and `cipher_integrity_check` checks every
//! page. The passphrase is taken after full-width → half-width folding
//! ([`madoguchi_core::digits::to_halfwidth`]), so `ｐａｓｓ１２３４` typed with
//! the IME in full-width mode is the same passphrase as `pass1234`.
//!
//! A backup holds everything in the store, the consented medical cache
//! included, always encrypted.
//!
//! The audit log's head (count, last hash, seal) is in the header
//! (`audit_head`, also in [`BackupInfo`]) and must agree with the log the
//! payload holds, or the backup is refused as damaged. When the store's log
//! is anchored ([`crate::audit::anchor`]), the anchor's key travels in the
//! payload (table `madoguchi_audit_anchor_key`, under the passphrase like
//! everything else, dropped again on restore), so that a log restored on
//! another machine still verifies there.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::audit::LogHead;
use crate::keystore::{to_hex, Key, KeyStore};
use crate::store::{self, sibling, Store, StoreError, SCHEMA_VERSION};

const MAGIC: &[u8; 16] = b"MADOGUCHIBACKUP\0";
const FORMAT_VERSION: u16 = 1;
const CHECKSUM_LEN: usize = 32;
/// The shortest recovery passphrase accepted (characters).
pub const MIN_PASSPHRASE_CHARS: usize = 8;

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{path}: {detail}")]
    Io { path: String, detail: String },
    #[error("{path} is not a Madoguchi backup")]
    NotABackup { path: String },
    #[error("{path} is a backup of format {found}, this Madoguchi reads format {FORMAT_VERSION}")]
    UnsupportedVersion { path: String, found: u16 },
    #[error("the backup {path} is damaged or incomplete: {detail}")]
    Corrupt { path: String, detail: String },
    #[error("the recovery passphrase does not open the backup {path}")]
    WrongPassphrase { path: String },
    #[error("the recovery passphrase must have at least {min} characters")]
    WeakPassphrase { min: usize },
    #[error("{path} already exists; restoring over it must be asked for explicitly")]
    TargetExists { path: String },
    #[error("the backup was made by a newer Madoguchi (schema {found}, this version knows up to {known})")]
    TooNew { found: i64, known: i64 },
    #[error("{0}")]
    Store(#[from] StoreError),
}

impl BackupError {
    /// The message id in `locales/*/store.ftl` (argument `detail`: this error's text).
    pub fn message_id(&self) -> &'static str {
        match self {
            BackupError::Io { .. } => "backup-io",
            BackupError::NotABackup { .. } => "backup-not-a-backup",
            BackupError::UnsupportedVersion { .. } => "backup-unsupported-version",
            BackupError::Corrupt { .. } => "backup-corrupt",
            BackupError::WrongPassphrase { .. } => "backup-wrong-passphrase",
            BackupError::WeakPassphrase { .. } => "backup-weak-passphrase",
            BackupError::TargetExists { .. } => "backup-target-exists",
            BackupError::TooNew { .. } => "backup-too-new",
            BackupError::Store(e) => e.message_id(),
        }
    }
}

impl From<rusqlite::Error> for BackupError {
    fn from(e: rusqlite::Error) -> Self {
        BackupError::Store(e.into())
    }
}

fn io_error(path: &Path) -> impl Fn(std::io::Error) -> BackupError + '_ {
    move |e| BackupError::Io {
        path: path.display().to_string(),
        detail: e.to_string(),
    }
}

/// argon2id cost parameters (kept in each backup's header).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    /// Memory in KiB.
    pub m_cost_kib: u32,
    pub t_cost: u32,
    pub p_cost: u32,
}

impl Default for KdfParams {
    /// OWASP's argon2id minimum: 19 MiB, 2 passes, 1 lane.
    fn default() -> Self {
        KdfParams {
            m_cost_kib: 19 * 1024,
            t_cost: 2,
            p_cost: 1,
        }
    }
}

impl KdfParams {
    /// Refuses headers that would make verification take unbounded memory or time.
    fn is_reasonable(&self) -> bool {
        (8..=1024 * 1024).contains(&self.m_cost_kib)
            && (1..=16).contains(&self.t_cost)
            && (1..=16).contains(&self.p_cost)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct KdfHeader {
    algorithm: String,
    #[serde(flatten)]
    params: KdfParams,
    salt: String,
}

/// Row counts of a backup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub checks: i64,
    pub queued_checks: i64,
    pub medical_rows: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct BackupHeader {
    format: String,
    created_at: NaiveDateTime,
    schema_version: i64,
    kdf: KdfHeader,
    cipher: String,
    payload_len: u64,
    counts: Counts,
    /// The audit log's head in the payload (None: a backup of an earlier version).
    #[serde(default)]
    audit_head: Option<LogHead>,
}

/// What a backup holds (from [`verify_backup`], [`backup`] and [`restore`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupInfo {
    pub created_at: NaiveDateTime,
    pub schema_version: i64,
    /// Counted in the decrypted backup (the header's counts agree, or it is refused).
    pub counts: Counts,
    /// Size of the backup file in bytes.
    pub bytes: u64,
    /// The audit log's head in the backup (None: a backup of an earlier version).
    #[serde(default)]
    pub audit_head: Option<LogHead>,
}

/// The table of the payload that carries the audit anchor's key.
const ANCHOR_KEY_TABLE: &str = "madoguchi_audit_anchor_key";

fn derive_key(passphrase: &str, salt: &[u8], p: &KdfParams) -> Result<Key, BackupError> {
    let folded = madoguchi_core::digits::to_halfwidth(passphrase);
    let params = argon2::Params::new(p.m_cost_kib, p.t_cost, p.p_cost, Some(32)).map_err(|e| {
        BackupError::Corrupt {
            path: String::new(),
            detail: format!("argon2 parameters: {e}"),
        }
    })?;
    let mut out = [0u8; 32];
    argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
        .hash_password_into(folded.as_bytes(), salt, &mut out)
        .map_err(|e| BackupError::Corrupt {
            path: String::new(),
            detail: format!("argon2: {e}"),
        })?;
    let key = Key::from_bytes(out);
    out.iter_mut().for_each(|b| *b = 0);
    Ok(key)
}

fn check_passphrase(passphrase: &str) -> Result<(), BackupError> {
    if madoguchi_core::digits::to_halfwidth(passphrase)
        .trim()
        .chars()
        .count()
        < MIN_PASSPHRASE_CHARS
    {
        return Err(BackupError::WeakPassphrase {
            min: MIN_PASSPHRASE_CHARS,
        });
    }
    Ok(())
}

fn count_rows(conn: &Connection, schema: &str) -> Result<Counts, BackupError> {
    let tables: Vec<String> = conn
        .prepare(&format!(
            "SELECT name FROM {schema}.sqlite_master WHERE type = 'table'"
        ))?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let count = |t: &str| -> Result<i64, BackupError> {
        if tables.iter().any(|n| n == t) {
            Ok(
                conn.query_row(&format!("SELECT count(*) FROM {schema}.{t}"), [], |r| {
                    r.get(0)
                })?,
            )
        } else {
            Ok(0)
        }
    };
    Ok(Counts {
        checks: count("checks")?,
        queued_checks: count("queued_checks")?,
        medical_rows: count("medical_cache")?,
    })
}

/// A file removed (with its SQLite side files) when dropped.
struct TempDb(PathBuf);

impl TempDb {
    fn new(dir: &Path, stem: &str) -> Result<TempDb, BackupError> {
        let n = getrandom::u64().map_err(|e| BackupError::Io {
            path: dir.display().to_string(),
            detail: e.to_string(),
        })?;
        Ok(TempDb(dir.join(format!(
            "{stem}-{}-{n:016x}.db",
            std::process::id()
        ))))
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        for suffix in ["", "-journal", "-wal", "-shm"] {
            let _ = store::remove_if_exists(&sibling(&self.0, suffix));
        }
    }
}

/// Writes an encrypted backup of `store` to `out` (atomically: a temporary
/// file renamed into place), with the default argon2id cost.
pub fn backup(store: &Store, out: &Path, passphrase: &str) -> Result<BackupInfo, BackupError> {
    backup_with(store, out, passphrase, KdfParams::default())
}

/// As [`backup`], with explicit argon2id costs (tests use cheap ones).
pub fn backup_with(
    store: &Store,
    out: &Path,
    passphrase: &str,
    kdf: KdfParams,
) -> Result<BackupInfo, BackupError> {
    check_passphrase(passphrase)?;
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| BackupError::Io {
        path: out.display().to_string(),
        detail: e.to_string(),
    })?;
    let key = derive_key(passphrase, &salt, &kdf)?;
    let dir = out
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp_db = TempDb::new(dir, ".madoguchi-backup")?;

    let conn = store.conn();
    conn.execute(
        "ATTACH DATABASE ?1 AS bk KEY ?2",
        params![tmp_db.0.to_string_lossy(), format!("x'{}'", key.to_hex())],
    )?;
    let exported = (|| -> Result<(i64, Counts, Option<LogHead>), BackupError> {
        // One read transaction: the copy is one moment of the store.
        conn.execute_batch("BEGIN")?;
        let copied = (|| -> Result<(i64, Counts, Option<LogHead>), BackupError> {
            conn.query_row("SELECT sqlcipher_export('bk')", [], |_| Ok(()))?;
            let version: i64 = conn.query_row("PRAGMA main.user_version", [], |r| r.get(0))?;
            conn.execute_batch(&format!("PRAGMA bk.user_version = {version}"))?;
            let head = crate::audit::stored_head(conn).map_err(audit_error)?;
            if let Some(anchor) = store.audit_anchor() {
                conn.execute_batch(&format!("CREATE TABLE bk.{ANCHOR_KEY_TABLE} (key TEXT NOT NULL)"))?;
                conn.execute(&format!("INSERT INTO bk.{ANCHOR_KEY_TABLE} (key) VALUES (?1)"), [anchor.key().to_hex()])?;
            }
            Ok((version, count_rows(conn, "bk")?, head))
        })();
        conn.execute_batch(if copied.is_ok() { "COMMIT" } else { "ROLLBACK" })?;
        copied
    })();
    conn.execute_batch("DETACH DATABASE bk")?;
    let (schema_version, counts, audit_head) = exported?;

    let payload = std::fs::read(&tmp_db.0).map_err(io_error(&tmp_db.0))?;
    drop(tmp_db);
    let header = BackupHeader {
        format: "madoguchi-backup".into(),
        created_at: chrono::Local::now().naive_local(),
        schema_version,
        kdf: KdfHeader {
            algorithm: "argon2id-v19".into(),
            params: kdf,
            salt: to_hex(&salt),
        },
        cipher: "sqlcipher4-raw-key".into(),
        payload_len: payload.len() as u64,
        counts,
        audit_head: audit_head.clone(),
    };
    let header_json = serde_json::to_vec(&header).map_err(|e| BackupError::Corrupt {
        path: out.display().to_string(),
        detail: e.to_string(),
    })?;
    let mut bytes = Vec::with_capacity(payload.len() + header_json.len() + 64);
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    bytes.extend_from_slice(&(header_json.len() as u32).to_le_bytes());
    bytes.extend_from_slice(&header_json);
    bytes.extend_from_slice(&payload);
    let sum = Sha256::digest(&bytes);
    bytes.extend_from_slice(&sum);

    let tmp_out = sibling(out, ".partial");
    {
        let mut f = std::fs::File::create(&tmp_out).map_err(io_error(&tmp_out))?;
        f.write_all(&bytes).map_err(io_error(&tmp_out))?;
        f.sync_all().map_err(io_error(&tmp_out))?;
    }
    std::fs::rename(&tmp_out, out).map_err(|e| {
        let _ = std::fs::remove_file(&tmp_out);
        io_error(out)(e)
    })?;
    store::sync_dir(out);
    Ok(BackupInfo {
        created_at: header.created_at,
        schema_version,
        counts,
        bytes: bytes.len() as u64,
        audit_head,
    })
}

fn audit_error(e: crate::audit::AuditError) -> BackupError {
    BackupError::Store(StoreError::Corrupt(e.to_string()))
}

/// A checked backup, decrypted into a temporary SQLCipher file keyed with `key`.
struct Opened {
    info: BackupInfo,
    db: TempDb,
    key: Key,
    /// The audit anchor's key the backup carries.
    anchor_key: Option<Key>,
}

fn open_backup(path: &Path, passphrase: &str, work_dir: &Path) -> Result<Opened, BackupError> {
    // A damaged page may first be read by any query (which one depends on
    // where the tables' pages fall): it is damage to the backup all the same.
    open_backup_checked(path, passphrase, work_dir).map_err(|e| match e {
        BackupError::Store(StoreError::Corrupt(detail)) => BackupError::Corrupt { path: path.display().to_string(), detail },
        e => e,
    })
}

fn open_backup_checked(path: &Path, passphrase: &str, work_dir: &Path) -> Result<Opened, BackupError> {
    let shown = path.display().to_string();
    let corrupt = |detail: &str| BackupError::Corrupt {
        path: shown.clone(),
        detail: detail.to_string(),
    };
    // A regular file only (`crate::input_file`): a named pipe would block.
    let bytes = crate::input_file::read(path, None).map_err(io_error(path))?;
    if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
        return Err(BackupError::NotABackup { path: shown });
    }
    let rest = &bytes[MAGIC.len()..];
    if rest.len() < 6 {
        return Err(corrupt("the file ends inside its header"));
    }
    let version = u16::from_le_bytes([rest[0], rest[1]]);
    if version != FORMAT_VERSION {
        return Err(BackupError::UnsupportedVersion {
            path: shown,
            found: version,
        });
    }
    let header_len = u32::from_le_bytes([rest[2], rest[3], rest[4], rest[5]]) as usize;
    let header_start = MAGIC.len() + 6;
    let Some(payload_start) = header_start
        .checked_add(header_len)
        .filter(|&e| e <= bytes.len())
    else {
        return Err(corrupt("the file ends inside its header"));
    };
    let header: BackupHeader = serde_json::from_slice(&bytes[header_start..payload_start])
        .map_err(|e| corrupt(&format!("header: {e}")))?;
    let expected_len = (payload_start as u64)
        .checked_add(header.payload_len)
        .and_then(|n| n.checked_add(CHECKSUM_LEN as u64));
    if expected_len != Some(bytes.len() as u64) {
        return Err(corrupt(&format!(
            "{} bytes instead of {} (truncated or extended)",
            bytes.len(),
            expected_len
                .map(|n| n.to_string())
                .unwrap_or_else(|| "?".into())
        )));
    }
    let (body, sum) = bytes.split_at(bytes.len() - CHECKSUM_LEN);
    if Sha256::digest(body).as_slice() != sum {
        return Err(corrupt("the checksum does not match"));
    }
    if header.format != "madoguchi-backup"
        || header.kdf.algorithm != "argon2id-v19"
        || !header.kdf.params.is_reasonable()
    {
        return Err(corrupt("unknown key derivation or format"));
    }
    let salt = hex_bytes(&header.kdf.salt).ok_or_else(|| corrupt("salt"))?;
    let key = derive_key(passphrase, &salt, &header.kdf.params)?;

    let db = TempDb::new(work_dir, ".madoguchi-restore")?;
    std::fs::write(&db.0, &body[payload_start..]).map_err(io_error(&db.0))?;
    let conn = Connection::open(&db.0).map_err(|e| io_error(&db.0)(std::io::Error::other(e)))?;
    match store::apply_key(&conn, &key) {
        Ok(()) => {}
        Err(None) => return Err(BackupError::WrongPassphrase { path: shown }),
        // The right key, but a damaged page of the schema (the first query
        // reads sqlite_master, which can span several pages).
        Err(Some(e)) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseCorrupt) => {
            return Err(corrupt(&e.to_string()))
        }
        Err(Some(e)) => return Err(e.into()),
    }
    store::integrity_check(&conn, true).map_err(|e| corrupt(&e.to_string()))?;
    let counts = count_rows(&conn, "main")?;
    if counts != header.counts {
        return Err(corrupt("the row counts differ from the header"));
    }
    let schema_version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let audit_head = crate::audit::stored_head(&conn).map_err(audit_error)?;
    if header.audit_head.is_some() && header.audit_head != audit_head {
        return Err(corrupt("the audit log's head differs from the header"));
    }
    let anchor_key = {
        let has: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1)",
            [ANCHOR_KEY_TABLE],
            |r| r.get(0),
        )?;
        if has {
            let hex: String = conn.query_row(&format!("SELECT key FROM {ANCHOR_KEY_TABLE}"), [], |r| r.get(0))?;
            Some(Key::from_hex(&hex).ok_or_else(|| corrupt("the audit anchor's key"))?)
        } else {
            None
        }
    };
    drop(conn);
    Ok(Opened {
        info: BackupInfo {
            created_at: header.created_at,
            schema_version,
            counts,
            bytes: bytes.len() as u64,
            audit_head,
        },
        db,
        key,
        anchor_key,
    })
}

fn hex_bytes(s: &str) -> Option<Vec<u8>> {
    if s.len() % 2 != 0 || !s.is_ascii() {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok())
        .collect()
}

/// Opens a backup with its passphrase and checks it whole: checksum,
/// every page's HMAC (`cipher_integrity_check`), `integrity_check`, row counts.
/// Nothing is written but a temporary file, removed before returning.
pub fn verify_backup(path: &Path, passphrase: &str) -> Result<BackupInfo, BackupError> {
    Ok(open_backup(path, passphrase, &std::env::temp_dir())?.info)
}

/// Restores a backup as the database at `target`, encrypted with this
/// machine's key from `keys` (generated and stored when there is none).
///
/// Refuses when `target` exists unless `force`; then the database it
/// replaces is kept beside it as `<target>.before-restore`. The restored
/// file is written next to `target` and renamed into place (atomic), then
/// opened with [`Store::open_encrypted`] (which also brings an older schema
/// up to date).
pub fn restore(
    backup: &Path,
    passphrase: &str,
    target: &Path,
    keys: &dyn KeyStore,
    force: bool,
) -> Result<BackupInfo, BackupError> {
    restore_with_anchor_key(backup, passphrase, target, keys, force).map(|(info, _)| info)
}

/// [`restore`], with the audit anchor's key the backup carries (None for a
/// backup of a log that was not anchored): the caller puts it where the
/// restored log's anchor is, so that the log verifies there.
pub fn restore_with_anchor_key(
    backup: &Path,
    passphrase: &str,
    target: &Path,
    keys: &dyn KeyStore,
    force: bool,
) -> Result<(BackupInfo, Option<Key>), BackupError> {
    let dir = target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io_error(dir))?;
    let exists = std::fs::metadata(target)
        .map(|m| m.len() > 0)
        .unwrap_or(false);
    if exists && !force {
        return Err(BackupError::TargetExists {
            path: target.display().to_string(),
        });
    }
    let opened = open_backup(backup, passphrase, dir)?;
    if opened.info.schema_version > SCHEMA_VERSION {
        return Err(BackupError::TooNew {
            found: opened.info.schema_version,
            known: SCHEMA_VERSION,
        });
    }
    let local_key = format!("x'{}'", store::key_or_new(keys)?.to_hex());
    let staged = sibling(target, ".restoring");
    store::remove_if_exists(&staged).map_err(io_error(&staged))?;
    {
        let conn = Connection::open(&opened.db.0)
            .map_err(|e| io_error(&opened.db.0)(std::io::Error::other(e)))?;
        store::apply_key(&conn, &opened.key).map_err(|_| BackupError::WrongPassphrase {
            path: backup.display().to_string(),
        })?;
        conn.execute(
            "ATTACH DATABASE ?1 AS target KEY ?2",
            params![staged.to_string_lossy(), local_key],
        )?;
        conn.query_row("SELECT sqlcipher_export('target')", [], |_| Ok(()))?;
        conn.execute_batch(&format!(
            "DROP TABLE IF EXISTS target.{ANCHOR_KEY_TABLE}; PRAGMA target.user_version = {}; DETACH DATABASE target;",
            opened.info.schema_version
        ))?;
    }
    std::fs::File::open(&staged)
        .and_then(|f| f.sync_all())
        .map_err(io_error(&staged))?;
    if std::fs::metadata(target).is_ok() {
        let kept = sibling(target, ".before-restore");
        std::fs::rename(target, &kept).map_err(io_error(target))?;
        let wal = sibling(target, "-wal");
        if wal.exists() {
            std::fs::rename(&wal, sibling(&kept, "-wal")).map_err(io_error(&wal))?;
        }
        store::remove_if_exists(&sibling(target, "-shm")).map_err(io_error(target))?;
    }
    std::fs::rename(&staged, target).map_err(io_error(target))?;
    store::sync_dir(target);
    let restored = Store::open_encrypted(target, keys)?;
    restored.integrity_check()?;
    Ok((opened.info, opened.anchor_key))
}
