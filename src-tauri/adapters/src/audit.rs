//! The audit log (アクセスログ): an append-only, hash-chained record of who
//! did what, when, to whom. 災害時モード tells staff that "the access is
//! logged"; this is that log.
//!
//! Works on any `rusqlite::Connection` (the store's database, plain or
//! SQLCipher). [`ensure_schema`] creates its tables with `CREATE TABLE IF NOT
//! EXISTS`; the store's migration list is meant to call it later, until then
//! the caller calls it once after opening the database.
//!
//! # The chain
//!
//! Each entry carries the hash of the entry before it (`prev_hash`; the first
//! entry's is [`GENESIS_HASH`], 64 zeros) and its own `hash`, computed over
//! the canonical form below. A separate one-row table `audit_head` holds the
//! last seq and last hash, updated in the same transaction as every append,
//! so that cutting entries off the end is seen too. [`verify`] walks the
//! chain and tells the first entry that does not fit, and how
//! ([`BreakKind`]).
//!
//! ## Canonical form (version 1)
//!
//! The bytes hashed for one entry are the ASCII tag `MADOGUCHI-AUDIT-1`
//! followed by ten fields, in this order:
//!
//! `seq`, `at`, `staff_id`, `role`, `action`, `patient_key`, `outcome`,
//! `reason`, `detail`, `prev_hash`
//!
//! each written as a netstring: `<length in bytes, decimal>:<UTF-8 bytes>,`,
//! and an absent (NULL) field as `-,` (a netstring always starts with a digit,
//! so absent and empty differ). `seq` is written in decimal; `at` exactly as
//! stored, `%Y-%m-%dT%H:%M:%S%.9f` (e.g. `2025-01-06T09:30:00.000000000`);
//! `role` and `action` as their codes (`qualified`, `medical_view`);
//! `detail` as the stored JSON text (not re-serialised, so key order cannot
//! change it); `prev_hash` as 64 lowercase hex digits. Example for a first
//! entry: `MADOGUCHI-AUDIT-1` `1:1,` `29:2025-01-06T09:30:00.000000000,`
//! `4:sato,` `9:qualified,` `11:medical_view,` `...`. Anyone can recompute
//! it from an export in a few lines of any language.
//!
//! `hash` = lowercase hex of SHA-256(canonical), or of
//! HMAC-SHA256(key, canonical) when the log is sealed with a key
//! ([`Seal::HmacSha256`]).
//!
//! The head's own seal is the same function over `MADOGUCHI-AUDIT-HEAD-1`
//! followed by the netstrings of `last_seq`, `last_hash` and the seal name
//! (`sha256` or `hmac-sha256`).
//!
//! # What this protects against, and what not
//!
//! - **Plain SHA-256** detects changes made by someone who edits rows (or the
//!   database file) without recomputing hashes: an edited field, a deleted
//!   entry, entries moved around, entries cut off the end. Someone with write
//!   access who knows this format **can rewrite the whole chain** from the
//!   edited entry on, and the head with it; SHA-256 alone cannot stop that.
//! - **HMAC-SHA256 with a key** (a secret the caller keeps outside the
//!   database, e.g. in the OS keyring) closes that gap for anyone who does not
//!   have the key: they can neither make a valid hash for an edited entry nor
//!   re-seal the head after cutting the tail. Whoever holds the key (the
//!   running app, an administrator with keyring access) still can.
//! - **Deleting everything**, including the head, back to the state of a new
//!   database, or putting an older copy of the database back, is not
//!   detectable from the database alone. [`anchor`] keeps the head outside
//!   it (a file sealed with a key of its own in the keyring, which also
//!   seals the chain: [`Store::open_encrypted_anchored`](crate::store::Store::open_encrypted_anchored)),
//!   and [`verify_anchored`] checks the log against it: fewer entries than
//!   the anchor saw ([`BreakKind::RolledBack`]), another entry at the
//!   anchored place or an anchor missing or forged ([`BreakKind::Anchor`]),
//!   the tables gone ([`BreakKind::TablesMissing`]). The head also goes into
//!   every backup and onto every access slip ([`LogHead`]), copies that can
//!   be compared later.
//! - Triggers refuse `UPDATE` and `DELETE` on `audit_log`: a guard against
//!   mistakes in our own code, not against an attacker (who drops them).
//! - A wrong key looks exactly like an edit of entry 1.
//!
//! A log is sealed one way for its whole life: the first append records the
//! seal name in the head, and appending or verifying with another seal is an
//! error ([`AuditError::SealMismatch`], [`BreakKind::SealMismatch`]).
//!
//! # Concurrency
//!
//! [`append`] runs in a `BEGIN IMMEDIATE` transaction that reads the head,
//! inserts the entry and moves the head: two connections (two windows, the
//! CLI) appending at once still form one chain; the second waits on the
//! connection's busy timeout (rusqlite sets 5 s). Do not call it while the
//! connection has a transaction open.

use std::fmt;

use chrono::NaiveDateTime;
use hmac::{Hmac, Mac};
use madoguchi_core::message::Msg;
use madoguchi_core::staff::Role;
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub mod anchor;
use anchor::{AnchorError, AnchorState, AuditAnchor};

/// The `prev_hash` of the first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

const ENTRY_TAG: &str = "MADOGUCHI-AUDIT-1";
const HEAD_TAG: &str = "MADOGUCHI-AUDIT-HEAD-1";
const TIME_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.9f";

// The vocabulary (what was done, what it came to) is the core's; an entry
// is written only from it.
pub use madoguchi_core::audit::{AuditAction, Outcome, StoredAction};
use madoguchi_core::audit::{ChainBreak, LoginFailure};

/// What to record: an [`AuditAction`] and its [`Outcome`] (stored as
/// [`Outcome::code`]); `reason` is what staff typed (e.g. why a disaster
/// look-up without consent); `detail` any JSON the caller wants kept.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAuditEntry {
    pub at: NaiveDateTime,
    pub staff_id: String,
    /// None when there is no account (a failed sign-in with an unknown id).
    pub role: Option<Role>,
    pub action: AuditAction,
    /// `CardDetails::person_key` of the patient concerned, if any.
    pub patient_key: Option<String>,
    pub outcome: Outcome,
    pub reason: Option<String>,
    pub detail: Option<serde_json::Value>,
}

impl NewAuditEntry {
    /// The entry with `key` set in its `detail` object (a detail that is
    /// not an object is kept under `detail`): what a module that records
    /// something adds about it (the check's id, an account's seal).
    pub fn with_detail(mut self, key: &str, value: serde_json::Value) -> NewAuditEntry {
        let mut detail = match self.detail.take() {
            Some(serde_json::Value::Object(m)) => m,
            Some(other) => serde_json::Map::from_iter([("detail".to_string(), other)]),
            None => serde_json::Map::new(),
        };
        detail.insert(key.to_string(), value);
        self.detail = Some(serde_json::Value::Object(detail));
        self
    }
}

/// An entry as stored: its action and outcome as their stored texts (any
/// code ever written, known to this version or not; [`AuditEntry::read_outcome`]
/// reads the outcome with the types).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: NaiveDateTime,
    pub staff_id: String,
    pub role: Option<Role>,
    pub action: StoredAction,
    pub patient_key: Option<String>,
    /// [`Outcome::code`] as stored (and hashed).
    pub outcome: String,
    pub reason: Option<String>,
    /// The JSON text exactly as stored (and hashed).
    pub detail: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditEntry {
    /// The outcome, when this version knows the action and the code.
    pub fn read_outcome(&self) -> Option<Outcome> {
        Outcome::parse(self.action.code(), &self.outcome)
    }
}

/// How entries are sealed. The key is a secret kept outside the database (32
/// random bytes are plenty); `Debug` does not print it.
#[derive(Clone, PartialEq, Eq)]
pub enum Seal {
    Sha256,
    HmacSha256(Vec<u8>),
}

impl Seal {
    pub fn hmac(key: impl Into<Vec<u8>>) -> Seal {
        Seal::HmacSha256(key.into())
    }

    /// `sha256` or `hmac-sha256`, as recorded in the head.
    pub fn name(&self) -> &'static str {
        match self {
            Seal::Sha256 => "sha256",
            Seal::HmacSha256(_) => "hmac-sha256",
        }
    }

    fn digest(&self, bytes: &[u8]) -> String {
        match self {
            Seal::Sha256 => hex::encode(Sha256::digest(bytes)),
            Seal::HmacSha256(key) => {
                let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key)
                    .expect("HMAC takes a key of any length");
                mac.update(bytes);
                hex::encode(mac.finalize().into_bytes())
            }
        }
    }
}

impl fmt::Debug for Seal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Seal::Sha256 => f.write_str("Seal::Sha256"),
            Seal::HmacSha256(_) => f.write_str("Seal::HmacSha256(<key>)"),
        }
    }
}

/// How the chain is broken, at the first entry that does not fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BreakKind {
    /// The entry's content no longer matches its hash (or it was re-hashed
    /// without the key, or its predecessor was replaced).
    Edited,
    /// The entry is missing: a gap in seq, entries renumbered to close a gap,
    /// or entries cut off the end (seen through the head).
    Deleted,
    /// The entry is intact but stands at another entry's place.
    Reordered,
    /// An entry that was never appended: beyond the head, or pushing later
    /// entries along.
    Inserted,
    /// The head is missing or its seal does not match.
    Head,
    /// The log was sealed another way than asked (key missing, or added).
    SealMismatch,
    /// The log holds fewer entries than its anchor saw: wiped, cut off, or
    /// an older copy of the database put back.
    RolledBack,
    /// The log does not reach the anchor's head (the entry at the anchored
    /// place was rewritten), or the anchor itself is missing or forged.
    Anchor,
    /// The log's tables are gone from a database that was used.
    TablesMissing,
}

impl BreakKind {
    /// Its code (in the log's `broken:<seq>:<kind>` outcome): the core's
    /// [`ChainBreak`] code.
    pub fn code(self) -> &'static str {
        ChainBreak::from(self).code()
    }
}

impl From<BreakKind> for ChainBreak {
    fn from(k: BreakKind) -> Self {
        match k {
            BreakKind::Edited => ChainBreak::Edited,
            BreakKind::Deleted => ChainBreak::Deleted,
            BreakKind::Reordered => ChainBreak::Reordered,
            BreakKind::Inserted => ChainBreak::Inserted,
            BreakKind::Head => ChainBreak::Head,
            BreakKind::SealMismatch => ChainBreak::SealMismatch,
            BreakKind::RolledBack => ChainBreak::RolledBack,
            BreakKind::Anchor => ChainBreak::Anchor,
            BreakKind::TablesMissing => ChainBreak::TablesMissing,
        }
    }
}

/// A failed sign-in is stored as the message id the person was shown.
impl From<&crate::accounts::AccountError> for LoginFailure {
    fn from(e: &crate::accounts::AccountError) -> Self {
        use crate::accounts::{AccountError, PasswordProblem as P};
        match e {
            AccountError::Sql(_) => LoginFailure::Database,
            AccountError::Hash(_) => LoginFailure::Hash,
            AccountError::Corrupt(_) => LoginFailure::Corrupt,
            AccountError::WrongCredentials => LoginFailure::Wrong,
            AccountError::LockedOut { .. } => LoginFailure::LockedOut,
            AccountError::Disabled => LoginFailure::Disabled,
            AccountError::AlreadySetUp => LoginFailure::FirstSetupDone,
            AccountError::DuplicateId(_) => LoginFailure::AccountExists,
            AccountError::UnknownStaff(_) => LoginFailure::UnknownAccount,
            AccountError::LastAdministrator => LoginFailure::LastAdministrator,
            AccountError::InvalidStaffId => LoginFailure::InvalidId,
            AccountError::MissingDisplayName => LoginFailure::MissingName,
            AccountError::Password(P::TooShort { .. }) => LoginFailure::PasswordTooShort,
            AccountError::Password(P::TooLong { .. }) => LoginFailure::PasswordTooLong,
            AccountError::Password(P::SameAsStaffId) => LoginFailure::PasswordSameAsId,
            AccountError::Password(P::Blank) => LoginFailure::PasswordBlank,
            AccountError::NotCreated(_) => LoginFailure::NotCreated,
            AccountError::Altered(_) => LoginFailure::Altered,
            AccountError::Audit(_) => LoginFailure::Audit,
        }
    }
}

/// The first place where the chain does not hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainBroken {
    /// The seq of the first entry that does not fit (for [`BreakKind::Head`]
    /// and [`BreakKind::SealMismatch`], the head's last seq).
    pub first_bad_seq: i64,
    pub kind: BreakKind,
}

/// A chain that holds, and its head: keep `last_seq` and `last_hash`
/// somewhere else (backup notes, a printed report) to detect a later
/// wholesale rewrite or wipe.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyReport {
    pub entries: u64,
    pub last_seq: i64,
    pub last_hash: String,
    /// The seal name, or None for a log nothing was appended to yet.
    pub seal: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error("audit log database error: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("the audit log has been tampered with: entry {} {}", .0.first_bad_seq, .0.kind.code())]
    Broken(ChainBroken),
    #[error("the audit log is sealed with {stored}, not {given}")]
    SealMismatch { stored: String, given: &'static str },
    #[error("the audit log head is missing")]
    NoHead,
    #[error("a stored audit entry cannot be read: {0}")]
    Corrupt(String),
}

impl AuditError {
    /// The id in `locales/*/staff.ftl`.
    pub fn message_id(&self) -> &'static str {
        match self {
            AuditError::Sql(_) => "audit-error-database",
            AuditError::Broken(_) => "audit-chain-broken",
            AuditError::SealMismatch { .. } => "audit-seal-mismatch",
            AuditError::NoHead => "audit-no-head",
            AuditError::Corrupt(_) => "audit-error-corrupt",
        }
    }

    /// With arguments: `$detail`, or `$seq` and `$kind` ([`BreakKind::code`]).
    pub fn message(&self) -> Msg {
        let m = Msg::new(self.message_id());
        match self {
            AuditError::Sql(e) => m.arg("detail", e),
            AuditError::Corrupt(d) => m.arg("detail", d),
            AuditError::Broken(b) => m.arg("seq", b.first_bad_seq).arg("kind", b.kind.code()),
            AuditError::SealMismatch { stored, given } => {
                m.arg("stored", stored).arg("given", given)
            }
            AuditError::NoHead => m,
        }
    }
}

/// Whether the log's table is there (a store that was used and has none
/// lost it: [`BreakKind::TablesMissing`], never a new empty log).
pub fn log_exists(conn: &Connection) -> Result<bool, AuditError> {
    Ok(table_exists(conn, "audit_log")?)
}

fn table_exists(conn: &Connection, name: &str) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
        [name],
        |r| r.get::<_, i64>(0),
    )
    .map(|n| n > 0)
}

/// Creates `audit_log`, `audit_head` (with its one row, only when the log
/// table is new: a head deleted later is reported, not quietly recreated),
/// indexes and the append-only triggers. Idempotent; safe inside an open
/// transaction (uses a savepoint). The store's migration list will call this;
/// until then, call it after opening the database.
pub fn ensure_schema(conn: &Connection) -> Result<(), AuditError> {
    conn.execute_batch("SAVEPOINT audit_schema")?;
    let result = (|| -> Result<(), AuditError> {
        let new_log = !table_exists(conn, "audit_log")?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS audit_log (
                seq INTEGER PRIMARY KEY NOT NULL,
                at TEXT NOT NULL,
                staff_id TEXT NOT NULL,
                role TEXT,
                action TEXT NOT NULL,
                patient_key TEXT,
                outcome TEXT NOT NULL,
                reason TEXT,
                detail TEXT,
                prev_hash TEXT NOT NULL,
                hash TEXT NOT NULL
             );
             CREATE INDEX IF NOT EXISTS audit_log_by_at ON audit_log(at);
             CREATE INDEX IF NOT EXISTS audit_log_by_staff ON audit_log(staff_id, at);
             CREATE INDEX IF NOT EXISTS audit_log_by_patient ON audit_log(patient_key, at);
             CREATE TABLE IF NOT EXISTS audit_head (
                id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
                last_seq INTEGER NOT NULL,
                last_hash TEXT NOT NULL,
                seal TEXT,
                head_hash TEXT
             );
             CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
             BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
             CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
             BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
             CREATE TRIGGER IF NOT EXISTS audit_head_no_delete BEFORE DELETE ON audit_head
             BEGIN SELECT RAISE(ABORT, 'the audit log head cannot be deleted'); END;",
        )?;
        if new_log {
            conn.execute(
                "INSERT OR IGNORE INTO audit_head (id, last_seq, last_hash, seal, head_hash) VALUES (1, 0, ?1, NULL, NULL)",
                [GENESIS_HASH],
            )?;
        }
        Ok(())
    })();
    match result {
        Ok(()) => {
            conn.execute_batch("RELEASE audit_schema")?;
            Ok(())
        }
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK TO audit_schema; RELEASE audit_schema");
            Err(e)
        }
    }
}

pub(crate) fn netstring(out: &mut Vec<u8>, field: Option<&str>) {
    match field {
        Some(s) => {
            out.extend_from_slice(s.len().to_string().as_bytes());
            out.push(b':');
            out.extend_from_slice(s.as_bytes());
            out.push(b',');
        }
        None => out.extend_from_slice(b"-,"),
    }
}

/// The stored text of one entry, as hashed.
struct RawEntry {
    seq: i64,
    at: String,
    staff_id: String,
    role: Option<String>,
    action: String,
    patient_key: Option<String>,
    outcome: String,
    reason: Option<String>,
    detail: Option<String>,
    prev_hash: String,
    hash: String,
}

impl RawEntry {
    /// The canonical form (see the module documentation), with `seq` given
    /// separately so that an entry can be tried at another place.
    fn canonical(&self, seq: i64) -> Vec<u8> {
        let mut out = Vec::with_capacity(256);
        out.extend_from_slice(ENTRY_TAG.as_bytes());
        let seq = seq.to_string();
        for field in [
            Some(seq.as_str()),
            Some(self.at.as_str()),
            Some(self.staff_id.as_str()),
            self.role.as_deref(),
            Some(self.action.as_str()),
            self.patient_key.as_deref(),
            Some(self.outcome.as_str()),
            self.reason.as_deref(),
            self.detail.as_deref(),
            Some(self.prev_hash.as_str()),
        ] {
            netstring(&mut out, field);
        }
        out
    }

    fn hash_at(&self, seal: &Seal, seq: i64) -> String {
        seal.digest(&self.canonical(seq))
    }

    fn into_entry(self) -> Result<AuditEntry, AuditError> {
        let role = match self.role {
            None => None,
            Some(r) => Some(
                Role::from_code(&r).ok_or_else(|| AuditError::Corrupt(format!("role {r:?}")))?,
            ),
        };
        Ok(AuditEntry {
            seq: self.seq,
            at: NaiveDateTime::parse_from_str(&self.at, TIME_FORMAT)
                .map_err(|e| AuditError::Corrupt(format!("time {:?}: {e}", self.at)))?,
            staff_id: self.staff_id,
            role,
            action: StoredAction::from_stored(self.action),
            patient_key: self.patient_key,
            outcome: self.outcome,
            reason: self.reason,
            detail: self.detail,
            prev_hash: self.prev_hash,
            hash: self.hash,
        })
    }
}

/// The canonical bytes of an entry (see the module documentation), for
/// anyone checking an export by other means.
pub fn canonical_bytes(entry: &AuditEntry) -> Vec<u8> {
    raw_of(entry).canonical(entry.seq)
}

/// Recomputes the hash of an entry under `seal`.
pub fn compute_hash(entry: &AuditEntry, seal: &Seal) -> String {
    seal.digest(&canonical_bytes(entry))
}

fn raw_of(e: &AuditEntry) -> RawEntry {
    RawEntry {
        seq: e.seq,
        at: e.at.format(TIME_FORMAT).to_string(),
        staff_id: e.staff_id.clone(),
        role: e.role.map(|r| r.code().to_string()),
        action: e.action.code().to_string(),
        patient_key: e.patient_key.clone(),
        outcome: e.outcome.clone(),
        reason: e.reason.clone(),
        detail: e.detail.clone(),
        prev_hash: e.prev_hash.clone(),
        hash: e.hash.clone(),
    }
}

/// The head's seal as [`append_sealed`] writes it (`audit_head.head_hash`),
/// for anyone checking a head by other means.
pub fn compute_head_hash(last_seq: i64, last_hash: &str, seal: &Seal) -> String {
    seal.digest(&head_canonical(last_seq, last_hash, seal.name()))
}

fn head_canonical(last_seq: i64, last_hash: &str, seal_name: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(128);
    out.extend_from_slice(HEAD_TAG.as_bytes());
    netstring(&mut out, Some(&last_seq.to_string()));
    netstring(&mut out, Some(last_hash));
    netstring(&mut out, Some(seal_name));
    out
}

struct Head {
    last_seq: i64,
    last_hash: String,
    seal: Option<String>,
    head_hash: Option<String>,
}

fn read_head(conn: &Connection) -> Result<Option<Head>, AuditError> {
    Ok(conn
        .query_row(
            "SELECT last_seq, last_hash, seal, head_hash FROM audit_head WHERE id = 1",
            [],
            |r| {
                Ok(Head {
                    last_seq: r.get(0)?,
                    last_hash: r.get(1)?,
                    seal: r.get(2)?,
                    head_hash: r.get(3)?,
                })
            },
        )
        .optional()?)
}

/// Appends with plain SHA-256 (see [`append_sealed`]).
pub fn append(conn: &Connection, entry: &NewAuditEntry) -> Result<AuditEntry, AuditError> {
    append_sealed(conn, &Seal::Sha256, entry)
}

/// Appends one entry at the end of the chain, in a `BEGIN IMMEDIATE`
/// transaction: reads the head, inserts the entry with `seq = last_seq + 1`
/// and `prev_hash = last_hash`, moves the head. Refused when the log was
/// sealed another way ([`AuditError::SealMismatch`]) or the head is gone
/// ([`AuditError::NoHead`]). Does not verify the chain (that is [`verify`]).
pub fn append_sealed(
    conn: &Connection,
    seal: &Seal,
    entry: &NewAuditEntry,
) -> Result<AuditEntry, AuditError> {
    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    let appended = append_within(&tx, seal, entry)?;
    tx.commit()?;
    Ok(appended)
}

/// [`append_sealed`] inside a transaction the caller holds (begun
/// `IMMEDIATE`, so that nobody moves the head in between): the entry
/// commits, or rolls back, with what it records (a check and its entry in
/// one commit: `Store::record_check_audited`).
pub fn append_within(
    tx: &Connection,
    seal: &Seal,
    entry: &NewAuditEntry,
) -> Result<AuditEntry, AuditError> {
    let detail = entry.detail.as_ref().map(|v| v.to_string());
    let head = read_head(tx)?.ok_or(AuditError::NoHead)?;
    if let Some(stored) = &head.seal {
        if stored != seal.name() {
            return Err(AuditError::SealMismatch {
                stored: stored.clone(),
                given: seal.name(),
            });
        }
    }
    let mut raw = RawEntry {
        seq: head.last_seq + 1,
        at: entry.at.format(TIME_FORMAT).to_string(),
        staff_id: entry.staff_id.clone(),
        role: entry.role.map(|r| r.code().to_string()),
        action: entry.action.code().to_string(),
        patient_key: entry.patient_key.clone(),
        outcome: entry.outcome.code(),
        reason: entry.reason.clone(),
        detail,
        prev_hash: head.last_hash.clone(),
        hash: String::new(),
    };
    raw.hash = raw.hash_at(seal, raw.seq);
    tx.execute(
        "INSERT INTO audit_log (seq, at, staff_id, role, action, patient_key, outcome, reason, detail, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            raw.seq,
            raw.at,
            raw.staff_id,
            raw.role,
            raw.action,
            raw.patient_key,
            raw.outcome,
            raw.reason,
            raw.detail,
            raw.prev_hash,
            raw.hash
        ],
    )?;
    let head_hash = seal.digest(&head_canonical(raw.seq, &raw.hash, seal.name()));
    tx.execute(
        "UPDATE audit_head SET last_seq = ?1, last_hash = ?2, seal = ?3, head_hash = ?4 WHERE id = 1",
        params![raw.seq, raw.hash, seal.name(), head_hash],
    )?;
    raw.into_entry()
}

const COLUMNS: &str =
    "seq, at, staff_id, role, action, patient_key, outcome, reason, detail, prev_hash, hash";

fn row_to_raw(r: &rusqlite::Row) -> rusqlite::Result<RawEntry> {
    Ok(RawEntry {
        seq: r.get(0)?,
        at: r.get(1)?,
        staff_id: r.get(2)?,
        role: r.get(3)?,
        action: r.get(4)?,
        patient_key: r.get(5)?,
        outcome: r.get(6)?,
        reason: r.get(7)?,
        detail: r.get(8)?,
        prev_hash: r.get(9)?,
        hash: r.get(10)?,
    })
}

/// Verifies a plain SHA-256 log (see [`verify_sealed`]).
pub fn verify(conn: &Connection) -> Result<VerifyReport, AuditError> {
    verify_sealed(conn, &Seal::Sha256)
}

/// Walks the whole chain in seq order and checks, for every entry, that its
/// seq follows the previous one, that its hash matches its content, and that
/// its `prev_hash` is the previous entry's hash; then that the head names the
/// last entry and carries a valid seal. The first problem is returned as
/// [`AuditError::Broken`]:
///
/// - a seq gap → `Deleted` at the first missing seq;
/// - an entry whose hash does not match at its seq but does at the place its
///   `prev_hash` link implies (following links back to an entry that matches)
///   → `Reordered` if the entry that belongs here is elsewhere in the log,
///   `Deleted` if it is nowhere, `Inserted` if it belongs *earlier* (an entry
///   was pushed in before it);
/// - an entry whose `prev_hash` names no entry in the log but whose content
///   matches a little further on (up to 64 places) → `Deleted`: later
///   entries were renumbered to close a gap;
/// - any other hash mismatch → `Edited`;
/// - a matching entry whose `prev_hash` is not the previous entry's hash →
///   `Reordered` if it points at a later entry, else `Edited` at the previous
///   entry (replaced, with a recomputed hash);
/// - fewer entries than the head says → `Deleted` at the first missing seq;
///   more → `Inserted`; same seq, other hash, or a bad head seal → `Head`.
///
/// Reads the log in one read transaction (a consistent snapshot), so it is
/// not to be called while the connection has a transaction open. Memory:
/// every stored hash is held (about 150 bytes per entry), and the full entry
/// only for entries that do not match. Time: one hash per entry, plus
/// reading every row once.
pub fn verify_sealed(conn: &Connection, seal: &Seal) -> Result<VerifyReport, AuditError> {
    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Deferred)?;
    let report = verify_in(&tx, seal);
    // Read only: nothing to keep.
    tx.rollback()?;
    report
}

fn broken(first_bad_seq: i64, kind: BreakKind) -> AuditError {
    AuditError::Broken(ChainBroken {
        first_bad_seq,
        kind,
    })
}

fn verify_in(conn: &Connection, seal: &Seal) -> Result<VerifyReport, AuditError> {
    let head = read_head(conn)?;
    let head = match head {
        Some(h) => h,
        None => {
            let max: Option<i64> =
                conn.query_row("SELECT MAX(seq) FROM audit_log", [], |r| r.get(0))?;
            return Err(broken(max.unwrap_or(0), BreakKind::Head));
        }
    };
    if let Some(stored) = &head.seal {
        if stored != seal.name() {
            return Err(broken(head.last_seq, BreakKind::SealMismatch));
        }
    }

    // First pass: every entry's seq, its stored hash and prev_hash, and
    // whether its content matches its hash at its own seq.
    struct Link {
        seq: i64,
        hash: String,
        prev_hash: String,
        /// The stored entry, kept only when it does not match at its seq.
        broken: Option<RawEntry>,
        /// Where the content hashes right, when not at its own seq.
        belongs_at: Option<i64>,
    }
    let mut links: Vec<Link> = Vec::new();
    {
        let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM audit_log ORDER BY seq"))?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let raw = row_to_raw(row)?;
            let intact = raw.hash_at(seal, raw.seq) == raw.hash;
            links.push(Link {
                seq: raw.seq,
                hash: raw.hash.clone(),
                prev_hash: raw.prev_hash.clone(),
                broken: if intact { None } else { Some(raw) },
                belongs_at: None,
            });
        }
    }
    // Where each stored hash sits, to follow prev_hash links.
    let mut index_of_hash = std::collections::HashMap::with_capacity(links.len());
    for (i, l) in links.iter().enumerate() {
        index_of_hash.entry(l.hash.clone()).or_insert(i);
    }

    // Second pass, only for entries that do not match at their seq: the seq
    // their prev_hash links imply (following the links back to an entry that
    // matches, or to the start), and whether the content hashes right there.
    let implied = implied_seqs(
        &links
            .iter()
            .map(|l| (l.seq, l.broken.is_none(), l.prev_hash.as_str()))
            .collect::<Vec<_>>(),
        &index_of_hash,
    );
    for (i, l) in links.iter_mut().enumerate() {
        let Some(raw) = &l.broken else { continue };
        l.belongs_at = match implied[i] {
            Some(c) if c != l.seq => (raw.hash_at(seal, c) == raw.hash).then_some(c),
            Some(_) => None,
            // Its predecessor is gone: was it moved up to close a gap?
            None => (1..=64)
                .map(|d| l.seq + d)
                .find(|&c| raw.hash_at(seal, c) == raw.hash),
        };
    }
    let has_content_of = |seq: i64, links: &[Link]| links.iter().any(|l| l.belongs_at == Some(seq));

    let mut expected_seq = 1;
    let mut expected_prev = GENESIS_HASH.to_string();
    for l in &links {
        if l.seq < expected_seq {
            return Err(broken(l.seq, BreakKind::Inserted));
        }
        if l.seq > expected_seq {
            return Err(broken(expected_seq, BreakKind::Deleted));
        }
        if l.broken.is_some() {
            let kind = match l.belongs_at {
                Some(b) if b > l.seq => {
                    if has_content_of(l.seq, &links) {
                        BreakKind::Reordered
                    } else {
                        BreakKind::Deleted
                    }
                }
                Some(b) if b < l.seq => {
                    // The content of an earlier place: something was pushed in
                    // at that place (which verified, being forged with the hash).
                    return Err(broken(b, BreakKind::Inserted));
                }
                _ => BreakKind::Edited,
            };
            return Err(broken(l.seq, kind));
        }
        if l.prev_hash != expected_prev {
            return match index_of_hash.get(&l.prev_hash) {
                Some(&p) if links[p].seq > l.seq => Err(broken(l.seq, BreakKind::Reordered)),
                _ => Err(broken((l.seq - 1).max(1), BreakKind::Edited)),
            };
        }
        expected_seq += 1;
        expected_prev = l.hash.clone();
    }

    let last_seq = expected_seq - 1;
    if head.last_seq > last_seq {
        return Err(broken(last_seq + 1, BreakKind::Deleted));
    }
    if head.last_seq < last_seq {
        return Err(broken(head.last_seq + 1, BreakKind::Inserted));
    }
    if head.last_hash != expected_prev {
        return Err(broken(last_seq, BreakKind::Head));
    }
    match (&head.seal, &head.head_hash) {
        (None, None) if last_seq == 0 => {}
        (Some(name), Some(h))
            if *h == seal.digest(&head_canonical(head.last_seq, &head.last_hash, name)) => {}
        _ => return Err(broken(last_seq, BreakKind::Head)),
    }
    Ok(VerifyReport {
        entries: links.len() as u64,
        last_seq,
        last_hash: expected_prev,
        seal: head.seal,
    })
}

/// For each entry `(seq, matches at its seq, prev_hash)`, the seq its
/// `prev_hash` link implies: one more than the implied seq of the entry it
/// names, an entry that matches at its own seq being where it belongs and
/// [`GENESIS_HASH`] standing before seq 1. None when a link leads to a hash
/// that is not in the log, or round in a circle.
fn implied_seqs(
    entries: &[(i64, bool, &str)],
    index_of_hash: &std::collections::HashMap<String, usize>,
) -> Vec<Option<i64>> {
    const UNSEEN: u8 = 0;
    const ON_PATH: u8 = 1;
    const DONE: u8 = 2;
    let n = entries.len();
    let mut implied: Vec<Option<i64>> = entries
        .iter()
        .map(|&(seq, ok, _)| ok.then_some(seq))
        .collect();
    let mut state: Vec<u8> = entries
        .iter()
        .map(|&(_, ok, _)| if ok { DONE } else { UNSEEN })
        .collect();
    for start in 0..n {
        if state[start] == DONE {
            continue;
        }
        let mut path = Vec::new();
        let mut cur = start;
        let base: Option<i64> = loop {
            match state[cur] {
                DONE => break implied[cur],
                ON_PATH => break None,
                _ => {}
            }
            state[cur] = ON_PATH;
            path.push(cur);
            let prev = entries[cur].2;
            if prev == GENESIS_HASH {
                break Some(0);
            }
            match index_of_hash.get(prev) {
                Some(&j) => cur = j,
                None => break None,
            }
        };
        for (d, &node) in path.iter().rev().enumerate() {
            implied[node] = base.map(|b| b + d as i64 + 1);
            state[node] = DONE;
        }
    }
    implied
}

/// The head of a log as stored: how many entries, the last hash
/// ([`GENESIS_HASH`] for none) and the seal name (None before the first
/// append). What a backup carries and what an access slip prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogHead {
    pub count: i64,
    pub head: String,
    pub seal: Option<String>,
}

/// The stored head (None when the log's tables or its head row are gone).
pub fn stored_head(conn: &Connection) -> Result<Option<LogHead>, AuditError> {
    if !table_exists(conn, "audit_head")? {
        return Ok(None);
    }
    Ok(read_head(conn)?.map(|h| LogHead { count: h.last_seq, head: h.last_hash, seal: h.seal }))
}

/// How a log anchored at `anchor` is sealed: as its anchor says; a log not
/// anchored yet as its head says (a log of an earlier version, plain
/// SHA-256, stays so); a new log with the anchor's key.
pub fn anchored_seal(conn: &Connection, anchor: &AuditAnchor, state: Option<&AnchorState>) -> Result<Seal, AuditError> {
    let name = match state {
        Some(s) => Some(s.seal.clone()),
        None => stored_head(conn)?.and_then(|h| h.seal),
    };
    Ok(match name.as_deref() {
        Some(n) if n == Seal::Sha256.name() => Seal::Sha256,
        _ => anchor.seal(),
    })
}

/// The first anchoring: when the anchor's key was made by this opening and
/// there is no anchor file yet, the log's head as it stands is written
/// (trust on first use: a log of an earlier version is anchored as found).
/// A missing file under a key that was already there is left missing, for
/// [`verify_anchored`] to report.
pub fn anchor_first(conn: &Connection, anchor: &AuditAnchor, seal: &Seal) -> Result<(), AuditError> {
    if anchor.key_existed() || !matches!(anchor.read(), Ok(None)) {
        return Ok(());
    }
    let head = stored_head(conn)?.unwrap_or(LogHead { count: 0, head: GENESIS_HASH.into(), seal: None });
    anchor
        .write(&AnchorState { count: head.count, head: head.head, seal: head.seal.unwrap_or_else(|| seal.name().into()) })
        .map_err(|e| AuditError::Corrupt(format!("audit anchor {}: {e}", anchor.path().display())))
}

/// The stored hash of entry `seq` (GENESIS for 0; None when it is not there).
fn hash_of(conn: &Connection, seq: i64) -> Result<Option<String>, AuditError> {
    if seq == 0 {
        return Ok(Some(GENESIS_HASH.into()));
    }
    Ok(conn.query_row("SELECT hash FROM audit_log WHERE seq = ?1", [seq], |r| r.get(0)).optional()?)
}

/// Moves the anchor to `appended`, an entry that has just committed — only
/// forwards, and only when the log still holds the anchor's head at its
/// place: once the log disagrees with its anchor, appending more does not
/// make the alarm go away (only [`rebase_anchor`], after a restore, does).
pub fn advance_anchor(conn: &Connection, anchor: &AuditAnchor, seal: &Seal, appended: &AuditEntry) -> Result<(), AuditError> {
    let reaches = match anchor.read() {
        Ok(Some(state)) => state.count < appended.seq && hash_of(conn, state.count)?.as_deref() == Some(state.head.as_str()),
        // The first anchoring could not be written at opening: now.
        Ok(None) => !anchor.key_existed(),
        Err(_) => false,
    };
    if reaches {
        anchor
            .write(&AnchorState { count: appended.seq, head: appended.hash.clone(), seal: seal.name().into() })
            .map_err(|e| AuditError::Corrupt(format!("audit anchor {}: {e}", anchor.path().display())))?;
    }
    Ok(())
}

/// Deliberately moves the anchor to the log's head as it stands (a restore
/// that the caller records, with what it was before, in the log itself).
pub fn rebase_anchor(conn: &Connection, anchor: &AuditAnchor, seal: &Seal) -> Result<AnchorState, AuditError> {
    let head = stored_head(conn)?.unwrap_or(LogHead { count: 0, head: GENESIS_HASH.into(), seal: None });
    let state = AnchorState { count: head.count, head: head.head, seal: head.seal.unwrap_or_else(|| seal.name().into()) };
    anchor
        .write(&state)
        .map_err(|e| AuditError::Corrupt(format!("audit anchor {}: {e}", anchor.path().display())))?;
    Ok(state)
}

/// [`verify_sealed`], then the log against its anchor outside the database:
///
/// - the log's tables gone → [`BreakKind::TablesMissing`];
/// - the anchor file unreadable or not sealed with the key, or missing
///   while its key was already in the keyring → [`BreakKind::Anchor`];
/// - fewer entries than the anchor saw (wiped, cut off, an older copy put
///   back) → [`BreakKind::RolledBack`] at the first one missing;
/// - the entry at the anchor's count is not the anchor's head (rewritten
///   and re-chained) → [`BreakKind::Anchor`] at that entry;
/// - entries after the anchor: a crash between an append's commit and the
///   anchor's rewrite leaves them, and under HMAC they verified with the
///   key, so the anchor catches up; a plain SHA-256 log (of an earlier
///   version) cannot tell them from forged ones → [`BreakKind::Inserted`].
///
/// One more indexed read than [`verify_sealed`]: still linear in the log.
pub fn verify_anchored(conn: &Connection, seal: &Seal, anchor: &AuditAnchor) -> Result<VerifyReport, AuditError> {
    let state = anchor.read();
    if !log_exists(conn)? {
        let count = match &state {
            Ok(Some(s)) => s.count,
            _ => 0,
        };
        return Err(broken(count, BreakKind::TablesMissing));
    }
    let report = verify_sealed(conn, seal)?;
    let state = match state {
        Ok(Some(s)) => s,
        Ok(None) if !anchor.key_existed() => return Ok(report),
        Ok(None) | Err(AnchorError::Forged { .. } | AnchorError::Unreadable { .. }) => {
            return Err(broken(report.last_seq, BreakKind::Anchor))
        }
    };
    if state.seal != seal.name() {
        return Err(broken(report.last_seq, BreakKind::SealMismatch));
    }
    if report.last_seq < state.count {
        return Err(broken(report.last_seq + 1, BreakKind::RolledBack));
    }
    if hash_of(conn, state.count)?.as_deref() != Some(state.head.as_str()) {
        return Err(broken(state.count.max(1), BreakKind::Anchor));
    }
    if report.last_seq > state.count {
        if *seal == Seal::Sha256 {
            return Err(broken(state.count + 1, BreakKind::Inserted));
        }
        let caught_up = AnchorState { count: report.last_seq, head: report.last_hash.clone(), seal: state.seal };
        if let Err(e) = anchor.write(&caught_up) {
            tracing::warn!("audit anchor {} not caught up: {e}", anchor.path().display());
        }
    }
    Ok(report)
}

/// Which entries [`query`] returns; every field that is set must match.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AuditFilter {
    /// From this time on (inclusive).
    pub from: Option<NaiveDateTime>,
    /// Before this time (exclusive).
    pub to: Option<NaiveDateTime>,
    pub staff_id: Option<String>,
    pub action: Option<AuditAction>,
    pub patient_key: Option<String>,
    /// The outcome, or its beginning: `refused` matches
    /// `refused:medication:no_consent` (outcomes are `kind:detail…`).
    #[serde(default)]
    pub outcome: Option<String>,
    /// Kinds of outcome, any of which an entry must match (empty: any
    /// outcome). How a viewer's named choice of result ("refused for lack of
    /// consent", "one person found" …) reaches the log: each names the
    /// action it belongs to, so that the same code under another action (a
    /// staff change's `refused:ID`, a look-up's `refused`) is not caught.
    #[serde(default)]
    pub outcomes: Vec<OutcomeMatch>,
}

/// One kind of outcome for [`AuditFilter::outcomes`]: under `action` (any
/// action when `None`), the outcome `outcome` exactly or, when `kind` is
/// set, every outcome `outcome:…` of that kind (not `outcome` alone).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutcomeMatch {
    pub action: Option<AuditAction>,
    pub outcome: String,
    pub kind: bool,
}

impl OutcomeMatch {
    /// `code` exactly, under `action` (any when `None`).
    pub fn exact(action: Option<AuditAction>, code: &str) -> OutcomeMatch {
        OutcomeMatch { action, outcome: code.to_string(), kind: false }
    }

    /// Every `kind:…` outcome, under `action` (any when `None`).
    pub fn kind(action: Option<AuditAction>, kind: &str) -> OutcomeMatch {
        OutcomeMatch { action, outcome: kind.to_string(), kind: true }
    }
}

/// The entries matching `filter`, in seq order. Does not verify the chain:
/// call [`verify`] to know whether what is shown can be trusted.
pub fn query(conn: &Connection, filter: &AuditFilter) -> Result<Vec<AuditEntry>, AuditError> {
    let (sql, args) = filtered_sql(filter, "*");
    let mut stmt = conn.prepare(&format!("{sql} ORDER BY seq"))?;
    let raws = stmt
        .query_map(rusqlite::params_from_iter(args.iter()), row_to_raw)?
        .collect::<Result<Vec<_>, _>>()?;
    raws.into_iter().map(RawEntry::into_entry).collect()
}

/// One page for a viewer: the newest `limit` entries matching `filter`,
/// **newest first**, and how many match in all.
pub fn query_newest(
    conn: &Connection,
    filter: &AuditFilter,
    limit: usize,
) -> Result<(Vec<AuditEntry>, u64), AuditError> {
    let (count_sql, args) = filtered_sql(filter, "COUNT(*)");
    let total: i64 = conn.query_row(&count_sql, rusqlite::params_from_iter(args.iter()), |r| r.get(0))?;
    let (sql, args) = filtered_sql(filter, "*");
    let mut stmt = conn.prepare(&format!("{sql} ORDER BY seq DESC LIMIT {limit}"))?;
    let raws = stmt
        .query_map(rusqlite::params_from_iter(args.iter()), row_to_raw)?
        .collect::<Result<Vec<_>, _>>()?;
    let entries = raws.into_iter().map(RawEntry::into_entry).collect::<Result<_, _>>()?;
    Ok((entries, total.max(0) as u64))
}

/// `SELECT <what> FROM audit_log WHERE …` for `filter` (`*` = the columns),
/// and its arguments.
fn filtered_sql(filter: &AuditFilter, what: &str) -> (String, Vec<String>) {
    let what = if what == "*" { COLUMNS } else { what };
    let mut sql = format!("SELECT {what} FROM audit_log WHERE 1 = 1");
    let mut args: Vec<String> = Vec::new();
    let mut add = |cond: &str, value: String, sql: &mut String| {
        args.push(value);
        sql.push_str(&format!(" AND {cond} ?{}", args.len()));
    };
    if let Some(from) = filter.from {
        add("at >=", from.format(TIME_FORMAT).to_string(), &mut sql);
    }
    if let Some(to) = filter.to {
        add("at <", to.format(TIME_FORMAT).to_string(), &mut sql);
    }
    if let Some(s) = &filter.staff_id {
        add("staff_id =", s.clone(), &mut sql);
    }
    if let Some(a) = &filter.action {
        add("action =", a.code().to_string(), &mut sql);
    }
    if let Some(p) = &filter.patient_key {
        add("patient_key =", p.clone(), &mut sql);
    }
    if let Some(o) = &filter.outcome {
        // The outcome itself, or a `kind:` outcome of that kind.
        args.push(o.clone());
        let n = args.len();
        sql.push_str(&format!(" AND (outcome = ?{n} OR substr(outcome, 1, length(?{n}) + 1) = ?{n} || ':')"));
    }
    if !filter.outcomes.is_empty() {
        let mut any = Vec::new();
        for m in &filter.outcomes {
            args.push(m.outcome.clone());
            let o = args.len();
            let mut cond = if m.kind {
                format!("substr(outcome, 1, length(?{o}) + 1) = ?{o} || ':'")
            } else {
                format!("outcome = ?{o}")
            };
            if let Some(a) = &m.action {
                args.push(a.code().to_string());
                cond = format!("action = ?{} AND {cond}", args.len());
            }
            any.push(format!("({cond})"));
        }
        sql.push_str(&format!(" AND ({})", any.join(" OR ")));
    }
    (sql, args)
}

/// The CSV header row of [`export_csv`].
pub const CSV_HEADER: &[&str] = &[
    "seq",
    "at",
    "staff_id",
    "role",
    "action",
    "patient_key",
    "outcome",
    "reason",
    "detail",
    "prev_hash",
    "hash",
];

/// Writes entries as CSV for auditors and Excel, with the desk's one CSV
/// writer ([`crate::csv`]: UTF-8 with a BOM, RFC 4180, CRLF, and the
/// formula guard — a field that begins with `=`, `+`, `-`, `@`, tab or CR
/// gets a leading `'`, so it differs from the log by that first character;
/// none of the fields the app itself fills begin so, only free text from
/// staff):
///
/// - a header row ([`CSV_HEADER`]);
/// - `at` exactly as stored and hashed (`2025-01-06T09:30:00.000000000`),
///   absent fields empty, `detail` as its JSON text: the export carries what
///   is needed to recompute each hash.
pub fn export_csv(entries: &[AuditEntry]) -> String {
    write_csv(entries, None::<fn(&AuditEntry) -> String>)
}

/// [`export_csv`] with one more column, `outcome_words` right after
/// `outcome`: the outcome in words as `words` gives it (the app knows the
/// words; this module knows only the stored code, which stays as it is).
pub fn export_csv_with_words(entries: &[AuditEntry], words: impl Fn(&AuditEntry) -> String) -> String {
    write_csv(entries, Some(words))
}

fn write_csv(entries: &[AuditEntry], words: Option<impl Fn(&AuditEntry) -> String>) -> String {
    let mut out = crate::csv::CsvFile::new();
    let mut header: Vec<String> = CSV_HEADER.iter().map(|s| s.to_string()).collect();
    if words.is_some() {
        let at = header.iter().position(|h| h == "outcome").map_or(header.len(), |i| i + 1);
        header.insert(at, "outcome_words".into());
    }
    out.row(header);
    for e in entries {
        let at = e.at.format(TIME_FORMAT).to_string();
        let mut row = vec![
            e.seq.to_string(),
            at,
            e.staff_id.clone(),
            e.role.map(|r| r.code().to_string()).unwrap_or_default(),
            e.action.code().to_string(),
            e.patient_key.clone().unwrap_or_default(),
            e.outcome.clone(),
            e.reason.clone().unwrap_or_default(),
            e.detail.clone().unwrap_or_default(),
            e.prev_hash.clone(),
            e.hash.clone(),
        ];
        if let Some(w) = &words {
            row.insert(7, w(e));
        }
        out.row(row);
    }
    out.finish()
}

