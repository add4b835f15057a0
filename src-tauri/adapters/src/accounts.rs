//! Local staff accounts (職員アカウント): create, sign in, change or reset a
//! password, disable, list — the only code that writes an account row.
//!
//! # Where the accounts live, and what proves one
//!
//! The accounts are a table of the desk's encrypted store (`staff_accounts`,
//! created by the store's migration 8 from [`SCHEMA`]): SQLCipher, keyed
//! from the OS keyring, backed up and restored with the audit log that
//! proves them. Our choice over a SQLCipher file of their own: one key, one
//! opener (`storage`), and an account and the audit entry that created it
//! commit in **one transaction** and travel together through a backup, so
//! a restore can never bring back accounts without their entries (or the
//! other way round).
//!
//! Every write of an account's credentials appends its audit entry inside
//! the same transaction (the caller gives the entry — who, what — and this
//! module adds `detail.account`): `staff_id`, `role`, `created` (for a
//! creation: SHA-256 of staff id, role and creation time) and `seal`
//! (SHA-256 of those and the password hash, for every entry that sets a
//! password). [`verify_login`] refuses a right password unless the log
//! holds a creation entry of exactly this account
//! ([`AccountError::NotCreated`]: a row planted with SQL, with or without
//! the key) and the account's latest seal is its current row
//! ([`AccountError::Altered`]: a password hash, role or creation time
//! changed behind the desk's back). The seals are plain digests: they bind
//! the log to the rows, so that changing a row means forging the log too —
//! which the audit chain and its anchor are there to show. Someone holding
//! the OS account (the store's key *and* the code) can do both; see
//! ARCHITECTURE.md for what the desk alone cannot prove.
//!
//! Accounts of an earlier version (a plain `staff.sqlite`, which anyone who
//! can write the data folder could edit) are read once by
//! [`read_plain_file`] and taken over with [`import_account`] only when
//! the caller found their creation entry; the caller then removes the file.
//!
//! Passwords are never stored: only an argon2id hash in PHC string form
//! (`$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`), with a random 16-byte
//! salt from the operating system and the argon2 crate's default parameters
//! (the OWASP recommendation at the time of writing). The parameters live in
//! the PHC string, so raising them later still verifies old hashes.
//! Verification is argon2's own (constant-time comparison of the hash).
//!
//! Sign-in failures are counted per account; after [`MAX_FAILED_LOGINS`]
//! consecutive failures the account is locked for [`LOCKOUT_MINUTES`]
//! minutes (the time comes in as an argument). While locked, the password is
//! not even checked, so guessing cannot go on. A wrong password and an unknown
//! staff id give the same error (and an unknown id still costs one hash), so
//! the sign-in screen does not tell which ids exist; a locked or disabled
//! account does tell, which is what staff need to hear.
//!
//! This module does not decide *who* may create or disable accounts: the
//! caller checks `staff::may(role, Action::ManageStaff)` first. Sign-ins,
//! disabling and enabling are logged by the caller (`audit::append`); the
//! entries that carry seals are appended here.
//!
//! Functions that write run in a `BEGIN IMMEDIATE` transaction: do not call
//! them while the connection has a transaction open.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{Duration, NaiveDateTime};
use madoguchi_core::message::Msg;
use madoguchi_core::staff::{Role, Session};
use rusqlite::{params, Connection, OpenFlags, OptionalExtension, Transaction, TransactionBehavior};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::audit::{self, AuditAction, AuditFilter, NewAuditEntry};

/// Shortest password accepted, in characters.
pub const MIN_PASSWORD_CHARS: usize = 8;
/// Longest password accepted, in characters (keeps hashing bounded).
pub const MAX_PASSWORD_CHARS: usize = 256;
/// Longest staff id accepted, in characters.
pub const MAX_STAFF_ID_CHARS: usize = 64;
/// Consecutive failed sign-ins that lock an account.
pub const MAX_FAILED_LOGINS: i64 = 5;
/// How long a locked account stays locked.
pub const LOCKOUT_MINUTES: i64 = 15;

const TIME_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.9f";

/// What is wrong with a new password.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PasswordProblem {
    TooShort {
        min: usize,
    },
    TooLong {
        max: usize,
    },
    /// The password is the staff id.
    SameAsStaffId,
    /// Only spaces.
    Blank,
}

impl PasswordProblem {
    pub fn message_id(&self) -> &'static str {
        match self {
            PasswordProblem::TooShort { .. } => "staff-password-too-short",
            PasswordProblem::TooLong { .. } => "staff-password-too-long",
            PasswordProblem::SameAsStaffId => "staff-password-same-as-id",
            PasswordProblem::Blank => "staff-password-blank",
        }
    }

    pub fn message(&self) -> Msg {
        let m = Msg::new(self.message_id());
        match self {
            PasswordProblem::TooShort { min } => m.arg("min", min),
            PasswordProblem::TooLong { max } => m.arg("max", max),
            _ => m,
        }
    }
}

/// The password rules: at least [`MIN_PASSWORD_CHARS`] characters (counted as
/// characters, so a Japanese passphrase counts what is typed, not bytes), at
/// most [`MAX_PASSWORD_CHARS`], not only spaces, not the staff id itself.
/// No composition rules (digit + symbol …): length is what matters, and
/// composition rules make people write passwords on the monitor.
pub fn check_password(staff_id: &str, password: &str) -> Result<(), PasswordProblem> {
    let n = password.chars().count();
    if password.trim().is_empty() && n > 0 {
        return Err(PasswordProblem::Blank);
    }
    if n < MIN_PASSWORD_CHARS {
        return Err(PasswordProblem::TooShort {
            min: MIN_PASSWORD_CHARS,
        });
    }
    if n > MAX_PASSWORD_CHARS {
        return Err(PasswordProblem::TooLong {
            max: MAX_PASSWORD_CHARS,
        });
    }
    if password.trim() == staff_id.trim() {
        return Err(PasswordProblem::SameAsStaffId);
    }
    Ok(())
}

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("staff account database error: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("the password cannot be hashed: {0}")]
    Hash(String),
    #[error("a stored account cannot be read: {0}")]
    Corrupt(String),
    #[error("wrong staff id or password")]
    WrongCredentials,
    #[error("too many failed sign-ins; the account is locked until {until}")]
    LockedOut { until: NaiveDateTime },
    #[error("the account is disabled")]
    Disabled,
    #[error("the first administrator has already been created")]
    AlreadySetUp,
    #[error("the staff id {0} is already taken")]
    DuplicateId(String),
    #[error("no staff account {0}")]
    UnknownStaff(String),
    #[error("the last active administrator cannot be disabled")]
    LastAdministrator,
    #[error("the staff id must be 1 to {MAX_STAFF_ID_CHARS} characters without spaces")]
    InvalidStaffId,
    #[error("the display name is missing")]
    MissingDisplayName,
    #[error("password not accepted: {0:?}")]
    Password(PasswordProblem),
    /// The account has no creation entry in the audit log: it was not made
    /// through the desk (a row written into the database directly).
    #[error("the account {0} has no creation entry in the audit log")]
    NotCreated(String),
    /// The account's row is not what its latest audit entry sealed (its
    /// password hash, role or creation time changed outside the desk).
    #[error("the account {0} differs from what the audit log recorded")]
    Altered(String),
    /// The audit entry of an account change could not be written or read:
    /// nothing was changed.
    #[error("the audit log: {0}")]
    Audit(String),
}

impl AccountError {
    /// The id in `locales/*/staff.ftl`.
    pub fn message_id(&self) -> &'static str {
        match self {
            AccountError::Sql(_) => "staff-error-database",
            AccountError::Hash(_) => "staff-error-hash",
            AccountError::Corrupt(_) => "staff-error-corrupt",
            AccountError::WrongCredentials => "staff-login-wrong",
            AccountError::LockedOut { .. } => "staff-login-locked-out",
            AccountError::Disabled => "staff-login-disabled",
            AccountError::AlreadySetUp => "staff-first-setup-done",
            AccountError::DuplicateId(_) => "staff-account-exists",
            AccountError::UnknownStaff(_) => "staff-account-unknown",
            AccountError::LastAdministrator => "staff-last-administrator",
            AccountError::InvalidStaffId => "staff-invalid-id",
            AccountError::MissingDisplayName => "staff-missing-display-name",
            AccountError::Password(p) => p.message_id(),
            AccountError::NotCreated(_) => "staff-login-not-created",
            AccountError::Altered(_) => "staff-login-altered",
            AccountError::Audit(_) => "staff-error-audit",
        }
    }

    /// The message with its arguments: `$detail` for database/hash/corrupt
    /// errors, `$until` ("15:42") for a lockout, `$staff` for id errors,
    /// `$min`/`$max` for password length.
    pub fn message(&self) -> Msg {
        let m = Msg::new(self.message_id());
        match self {
            AccountError::Sql(e) => m.arg("detail", e),
            AccountError::Hash(d) | AccountError::Corrupt(d) | AccountError::Audit(d) => m.arg("detail", d),
            AccountError::LockedOut { until } => m.arg("until", until.format("%-H:%M")),
            AccountError::DuplicateId(s)
            | AccountError::UnknownStaff(s)
            | AccountError::NotCreated(s)
            | AccountError::Altered(s) => m.arg("staff", s),
            AccountError::Password(p) => p.message(),
            _ => m,
        }
    }
}

/// An account as listed (never the password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffAccount {
    pub staff_id: String,
    pub display_name: String,
    pub role: Role,
    pub disabled: bool,
    /// Consecutive failed sign-ins since the last success or lock.
    pub failed_logins: i64,
    /// Set while (or after) the account was locked for failed sign-ins.
    pub locked_until: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub password_changed_at: NaiveDateTime,
}

impl StaffAccount {
    pub fn is_locked_out(&self, now: NaiveDateTime) -> bool {
        self.locked_until.is_some_and(|u| now < u)
    }
}

/// A new account.
#[derive(Debug, Clone)]
pub struct NewAccount<'a> {
    pub staff_id: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub password: &'a str,
}

/// The `staff_accounts` table: the store's migration 8 creates it (once;
/// a table gone later is an error, never silently made again).
pub const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS staff_accounts (
            staff_id TEXT PRIMARY KEY NOT NULL,
            display_name TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('receptionist', 'qualified', 'administrator')),
            password_hash TEXT NOT NULL,
            disabled INTEGER NOT NULL DEFAULT 0,
            failed_logins INTEGER NOT NULL DEFAULT 0,
            locked_until TEXT,
            created_at TEXT NOT NULL,
            password_changed_at TEXT NOT NULL
         );";

/// Creates the `staff_accounts` table if it is missing (and the audit
/// log's tables, which every credential write appends to), on a database
/// other than the store (tests). Idempotent; safe inside an open
/// transaction (uses a savepoint).
pub fn ensure_schema(conn: &Connection) -> Result<(), AccountError> {
    conn.execute_batch(&format!(
        "SAVEPOINT staff_accounts_schema; {SCHEMA} RELEASE staff_accounts_schema;"
    ))?;
    audit::ensure_schema(conn).map_err(|e| AccountError::Audit(e.to_string()))?;
    Ok(())
}

/// True while no administrator account exists (enabled or disabled) and
/// the audit log has no administrator's creation entry: the app then shows
/// the first-setup screen. Once an administrator exists this stays false for
/// good, since accounts are disabled, never deleted, and the last active
/// administrator cannot be disabled — and rows removed behind the desk's
/// back do not reopen it (their creation entries are still in the log).
pub fn needs_first_setup(conn: &Connection) -> Result<bool, AccountError> {
    if administrator_exists(conn)? {
        return Ok(false);
    }
    let created = account_entries(conn)?
        .iter()
        .any(|a| a.created.is_some() && a.role.as_deref() == Some(Role::Administrator.code()));
    Ok(!created)
}

fn administrator_exists(conn: &Connection) -> Result<bool, AccountError> {
    let n: i64 = conn.query_row(
        "SELECT COUNT(*) FROM staff_accounts WHERE role = 'administrator'",
        [],
        |r| r.get(0),
    )?;
    Ok(n > 0)
}

/// Where the accounts are, and how the audit entries of their changes are
/// sealed: the store's connection with its seal ([`StaffDb`], inside
/// [`Accounts`], HMAC when the log is anchored), or a bare
/// connection (plain SHA-256: a log that is not anchored; an anchored log
/// refuses such an entry rather than take it).
pub trait AccountsDb {
    fn conn(&self) -> &Connection;
    fn seal(&self) -> audit::Seal;
}

impl AccountsDb for &Connection {
    fn conn(&self) -> &Connection {
        self
    }
    fn seal(&self) -> audit::Seal {
        audit::Seal::Sha256
    }
}

/// The store's connection and the seal its audit log takes.
pub struct StaffDb<'a> {
    pub(crate) conn: &'a Connection,
    pub(crate) seal: audit::Seal,
}

/// The staff accounts of the desk's store ([`crate::store::Store::accounts`]):
/// every account operation the desk makes, on the store's encrypted
/// connection, each credential change sealed with the store's audit seal
/// (HMAC when the log is anchored). The desk holds no database type of its
/// own for accounts; the functions of this module on a bare connection are
/// the same operations, for a database other than the store (tests, the
/// plain file of an earlier version).
pub struct Accounts<'a> {
    db: StaffDb<'a>,
}

impl<'a> Accounts<'a> {
    pub(crate) fn new(conn: &'a Connection, seal: audit::Seal) -> Accounts<'a> {
        Accounts { db: StaffDb { conn, seal } }
    }

    fn sealed(&self) -> StaffDb<'a> {
        StaffDb { conn: self.db.conn, seal: self.db.seal.clone() }
    }

    /// [`needs_first_setup`].
    pub fn needs_first_setup(&self) -> Result<bool, AccountError> {
        needs_first_setup(self.db.conn)
    }

    /// [`create_first_administrator`].
    pub fn create_first_administrator(&self, staff_id: &str, display_name: &str, password: &str, now: NaiveDateTime, entry: &NewAuditEntry) -> Result<StaffAccount, AccountError> {
        create_first_administrator(self.sealed(), staff_id, display_name, password, now, entry)
    }

    /// [`create_account`].
    pub fn create_account(&self, new: &NewAccount, now: NaiveDateTime, entry: &NewAuditEntry) -> Result<StaffAccount, AccountError> {
        create_account(self.sealed(), new, now, entry)
    }

    /// [`import_account`].
    pub fn import_account(&self, plain: &PlainAccount, entry: &NewAuditEntry) -> Result<StaffAccount, AccountError> {
        import_account(self.sealed(), plain, entry)
    }

    /// [`get`].
    pub fn get(&self, staff_id: &str) -> Result<StaffAccount, AccountError> {
        get(self.db.conn, staff_id)
    }

    /// [`list`].
    pub fn list(&self) -> Result<Vec<StaffAccount>, AccountError> {
        list(self.db.conn)
    }

    /// [`verify_login`].
    pub fn verify_login(&self, staff_id: &str, password: &str, now: NaiveDateTime) -> Result<Session, AccountError> {
        verify_login(self.db.conn, staff_id, password, now)
    }

    /// [`change_password`].
    pub fn change_password(&self, staff_id: &str, current: &str, new_password: &str, now: NaiveDateTime, entry: &NewAuditEntry) -> Result<(), AccountError> {
        change_password(self.sealed(), staff_id, current, new_password, now, entry)
    }

    /// [`reset_password`].
    pub fn reset_password(&self, staff_id: &str, new_password: &str, now: NaiveDateTime, entry: &NewAuditEntry) -> Result<(), AccountError> {
        reset_password(self.sealed(), staff_id, new_password, now, entry)
    }

    /// [`disable`].
    pub fn disable(&self, staff_id: &str) -> Result<(), AccountError> {
        disable(self.db.conn, staff_id)
    }

    /// [`enable`].
    pub fn enable(&self, staff_id: &str) -> Result<(), AccountError> {
        enable(self.db.conn, staff_id)
    }
}

impl AccountsDb for StaffDb<'_> {
    fn conn(&self) -> &Connection {
        self.conn
    }
    fn seal(&self) -> audit::Seal {
        self.seal.clone()
    }
}

/// Creates the first administrator with its audit entry `entry` (sealed
/// here, see the module docs); refused with [`AccountError::AlreadySetUp`]
/// once any administrator exists (checked and inserted in one `BEGIN
/// IMMEDIATE` transaction, so two windows racing cannot both succeed).
pub fn create_first_administrator(
    db: impl AccountsDb,
    staff_id: &str,
    display_name: &str,
    password: &str,
    now: NaiveDateTime,
    entry: &NewAuditEntry,
) -> Result<StaffAccount, AccountError> {
    let new = NewAccount {
        staff_id,
        display_name,
        role: Role::Administrator,
        password,
    };
    let hash = validate_and_hash(&new)?;
    let tx = Transaction::new_unchecked(db.conn(), TransactionBehavior::Immediate)?;
    if !needs_first_setup(&tx)? {
        return Err(AccountError::AlreadySetUp);
    }
    insert(&tx, &new, &hash, now)?;
    let account = get(&tx, new.staff_id.trim())?;
    append_sealed(&tx, &db.seal(), entry, &account, &hash, true)?;
    tx.commit()?;
    Ok(account)
}

/// Creates an account of any role, with its audit entry `entry` (sealed
/// here) in the same transaction. The caller has checked that the person
/// asking may manage staff.
pub fn create_account(
    db: impl AccountsDb,
    new: &NewAccount,
    now: NaiveDateTime,
    entry: &NewAuditEntry,
) -> Result<StaffAccount, AccountError> {
    let hash = validate_and_hash(new)?;
    let tx = Transaction::new_unchecked(db.conn(), TransactionBehavior::Immediate)?;
    insert(&tx, new, &hash, now)?;
    let account = get(&tx, new.staff_id.trim())?;
    append_sealed(&tx, &db.seal(), entry, &account, &hash, true)?;
    tx.commit()?;
    Ok(account)
}

/// An account read from an earlier version's plain `staff.sqlite`.
#[derive(Debug, Clone)]
pub struct PlainAccount {
    pub account: StaffAccount,
    password_hash: String,
}

/// Reads every account of an earlier version's plain accounts file (read
/// only; a file without the table has none). For the one-time take-over
/// into the store ([`import_account`]); the caller removes the file after.
pub fn read_plain_file(path: &std::path::Path) -> Result<Vec<PlainAccount>, AccountError> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    let exists: i64 = conn.query_row(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'staff_accounts'",
        [],
        |r| r.get(0),
    )?;
    if exists == 0 {
        return Ok(Vec::new());
    }
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS}, password_hash FROM staff_accounts ORDER BY staff_id"
    ))?;
    let raws = stmt
        .query_map([], |r| Ok((row_to_account(r)?, r.get::<_, String>(8)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    raws.into_iter()
        .map(|(raw, password_hash)| Ok(PlainAccount { account: account_from_raw(raw)?, password_hash }))
        .collect()
}

/// Takes over an account of an earlier version, as it was (hash, state,
/// times), with its audit entry `entry` (sealed here as a creation) in one
/// transaction. The caller has found the account's creation entry in the
/// log; an id already taken is [`AccountError::DuplicateId`].
pub fn import_account(db: impl AccountsDb, plain: &PlainAccount, entry: &NewAuditEntry) -> Result<StaffAccount, AccountError> {
    let a = &plain.account;
    let tx = Transaction::new_unchecked(db.conn(), TransactionBehavior::Immediate)?;
    let r = tx.execute(
        "INSERT INTO staff_accounts (staff_id, display_name, role, password_hash, disabled, failed_logins, locked_until, created_at, password_changed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            a.staff_id,
            a.display_name,
            a.role.code(),
            plain.password_hash,
            a.disabled,
            a.failed_logins,
            a.locked_until.map(|t| t.format(TIME_FORMAT).to_string()),
            a.created_at.format(TIME_FORMAT).to_string(),
            a.password_changed_at.format(TIME_FORMAT).to_string(),
        ],
    );
    match r {
        Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == rusqlite::ErrorCode::ConstraintViolation => {
            return Err(AccountError::DuplicateId(a.staff_id.clone()))
        }
        r => r?,
    };
    let account = get(&tx, &a.staff_id)?;
    append_sealed(&tx, &db.seal(), entry, &account, &plain.password_hash, true)?;
    tx.commit()?;
    Ok(account)
}

/// SHA-256 over length-prefixed parts, in hex.
fn digest(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_be_bytes());
        h.update(p.as_bytes());
    }
    hex::encode(h.finalize())
}

/// What a creation entry seals: the account's id, role and creation time.
fn creation_seal(a: &StaffAccount) -> String {
    digest(&["madoguchi-account-created", &a.staff_id, a.role.code(), &a.created_at.format(TIME_FORMAT).to_string()])
}

/// What every entry that sets a password seals: the row as it is then.
fn state_seal(a: &StaffAccount, password_hash: &str) -> String {
    digest(&["madoguchi-account", &a.staff_id, a.role.code(), &a.created_at.format(TIME_FORMAT).to_string(), password_hash])
}

/// Appends `entry` with `detail.account` (see the module docs) inside the
/// caller's transaction: the change and its entry commit together.
fn append_sealed(tx: &Connection, seal: &audit::Seal, entry: &NewAuditEntry, a: &StaffAccount, password_hash: &str, created: bool) -> Result<(), AccountError> {
    let mut sealed = serde_json::json!({
        "staff_id": a.staff_id,
        "role": a.role.code(),
        "seal": state_seal(a, password_hash),
    });
    if created {
        sealed["created"] = creation_seal(a).into();
    }
    let entry = entry.clone().with_detail("account", sealed);
    audit::append_within(tx, seal, &entry).map_err(|e| AccountError::Audit(e.to_string()))?;
    Ok(())
}

/// `detail.account` of an audit entry.
#[derive(Debug, Deserialize)]
struct SealedAccount {
    staff_id: String,
    role: Option<String>,
    created: Option<String>,
    seal: Option<String>,
}

/// Every `detail.account` in the log's staff changes, oldest first.
fn account_entries(conn: &Connection) -> Result<Vec<SealedAccount>, AccountError> {
    let filter = AuditFilter { action: Some(AuditAction::StaffChange), ..Default::default() };
    let entries = audit::query(conn, &filter).map_err(|e| AccountError::Audit(e.to_string()))?;
    #[derive(Deserialize)]
    struct Detail {
        account: Option<SealedAccount>,
    }
    Ok(entries
        .iter()
        .filter_map(|e| e.detail.as_deref())
        .filter_map(|d| serde_json::from_str::<Detail>(d).ok())
        .filter_map(|d| d.account)
        .collect())
}

/// The rule of [`verify_login`]: the log holds this account's creation
/// entry, and its latest seal is the row as it is.
fn check_against_log(conn: &Connection, a: &StaffAccount, password_hash: &str) -> Result<(), AccountError> {
    let mine: Vec<SealedAccount> = account_entries(conn)?.into_iter().filter(|s| s.staff_id == a.staff_id).collect();
    let created = creation_seal(a);
    if !mine.iter().any(|s| s.created.as_deref() == Some(created.as_str())) {
        return Err(AccountError::NotCreated(a.staff_id.clone()));
    }
    let latest = mine.iter().rev().find_map(|s| s.seal.as_deref());
    if latest != Some(state_seal(a, password_hash).as_str()) {
        return Err(AccountError::Altered(a.staff_id.clone()));
    }
    Ok(())
}

/// The staff id rule: not empty, at most [`MAX_STAFF_ID_CHARS`] characters,
/// no spaces inside (surrounding spaces are trimmed).
pub fn check_staff_id(staff_id: &str) -> Result<(), AccountError> {
    let id = staff_id.trim();
    if id.is_empty()
        || id.chars().count() > MAX_STAFF_ID_CHARS
        || id.chars().any(char::is_whitespace)
    {
        return Err(AccountError::InvalidStaffId);
    }
    Ok(())
}

fn validate_and_hash(new: &NewAccount) -> Result<String, AccountError> {
    let id = new.staff_id.trim();
    check_staff_id(id)?;
    if new.display_name.trim().is_empty() {
        return Err(AccountError::MissingDisplayName);
    }
    check_password(id, new.password).map_err(AccountError::Password)?;
    hash_password(new.password)
}

fn insert(
    conn: &Connection,
    new: &NewAccount,
    hash: &str,
    now: NaiveDateTime,
) -> Result<(), AccountError> {
    let id = new.staff_id.trim();
    let at = now.format(TIME_FORMAT).to_string();
    let r = conn.execute(
        "INSERT INTO staff_accounts (staff_id, display_name, role, password_hash, created_at, password_changed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
        params![id, new.display_name.trim(), new.role.code(), hash, at],
    );
    match r {
        Ok(_) => Ok(()),
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            Err(AccountError::DuplicateId(id.to_string()))
        }
        Err(e) => Err(e.into()),
    }
}

/// argon2id with a fresh random salt; the PHC string.
fn hash_password(password: &str) -> Result<String, AccountError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AccountError::Hash(e.to_string()))
}

/// argon2's verification (constant-time comparison). A malformed stored
/// hash is an error, not a wrong password.
fn password_matches(password: &str, stored: &str) -> Result<bool, AccountError> {
    let parsed = PasswordHash::new(stored)
        .map_err(|e| AccountError::Corrupt(format!("password hash: {e}")))?;
    match Argon2::default().verify_password(password.as_bytes(), &parsed) {
        Ok(()) => Ok(true),
        Err(argon2::password_hash::Error::Password) => Ok(false),
        Err(e) => Err(AccountError::Hash(e.to_string())),
    }
}

/// A valid hash of a password nobody knows, so that signing in with an
/// unknown id costs the same as with a wrong password.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("madoguchi-no-such-account").unwrap_or_default())
}

const COLUMNS: &str = "staff_id, display_name, role, disabled, failed_logins, locked_until, created_at, password_changed_at";

fn parse_time(s: &str) -> Result<NaiveDateTime, AccountError> {
    NaiveDateTime::parse_from_str(s, TIME_FORMAT)
        .map_err(|e| AccountError::Corrupt(format!("time {s:?}: {e}")))
}

fn row_to_account(r: &rusqlite::Row) -> rusqlite::Result<RawAccount> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
    ))
}

type RawAccount = (
    String,
    String,
    String,
    bool,
    i64,
    Option<String>,
    String,
    String,
);

fn account_from_raw(raw: RawAccount) -> Result<StaffAccount, AccountError> {
    let (
        staff_id,
        display_name,
        role,
        disabled,
        failed_logins,
        locked_until,
        created_at,
        changed_at,
    ) = raw;
    let role =
        Role::from_code(&role).ok_or_else(|| AccountError::Corrupt(format!("role {role:?}")))?;
    Ok(StaffAccount {
        staff_id,
        display_name,
        role,
        disabled,
        failed_logins,
        locked_until: locked_until.as_deref().map(parse_time).transpose()?,
        created_at: parse_time(&created_at)?,
        password_changed_at: parse_time(&changed_at)?,
    })
}

/// One account by id.
pub fn get(conn: &Connection, staff_id: &str) -> Result<StaffAccount, AccountError> {
    let raw = conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM staff_accounts WHERE staff_id = ?1"),
            [staff_id],
            row_to_account,
        )
        .optional()?
        .ok_or_else(|| AccountError::UnknownStaff(staff_id.to_string()))?;
    account_from_raw(raw)
}

/// Every account, by staff id.
pub fn list(conn: &Connection) -> Result<Vec<StaffAccount>, AccountError> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM staff_accounts ORDER BY staff_id"
    ))?;
    let raws = stmt
        .query_map([], row_to_account)?
        .collect::<Result<Vec<_>, _>>()?;
    raws.into_iter().map(account_from_raw).collect()
}

/// Signs in: checks the password and returns a [`Session`] active from `now`.
///
/// - unknown id or wrong password → [`AccountError::WrongCredentials`] (the
///   failure is counted on a known account; the fifth in a row locks it for
///   [`LOCKOUT_MINUTES`] and answers [`AccountError::LockedOut`]);
/// - locked → [`AccountError::LockedOut`] without checking the password;
/// - right password on a disabled account → [`AccountError::Disabled`];
/// - right password on an account the audit log does not prove (see the
///   module docs) → [`AccountError::NotCreated`] or [`AccountError::Altered`];
/// - success resets the failure count.
pub fn verify_login(
    conn: &Connection,
    staff_id: &str,
    password: &str,
    now: NaiveDateTime,
) -> Result<Session, AccountError> {
    let staff_id = staff_id.trim();
    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    let (account, hash) = match get_with_hash(&tx, staff_id)? {
        Some(found) => found,
        None => {
            // Spend the same time as a real check; the answer is the same as for a wrong password.
            let _ = password_matches(password, dummy_hash());
            return Err(AccountError::WrongCredentials);
        }
    };
    if let Some(until) = account.locked_until {
        if now < until {
            return Err(AccountError::LockedOut { until });
        }
    }
    if !password_matches(password, &hash)? {
        let failures = account.failed_logins + 1;
        let result = if failures >= MAX_FAILED_LOGINS {
            let until = now + Duration::minutes(LOCKOUT_MINUTES);
            tx.execute(
                "UPDATE staff_accounts SET failed_logins = 0, locked_until = ?2 WHERE staff_id = ?1",
                params![account.staff_id, until.format(TIME_FORMAT).to_string()],
            )?;
            AccountError::LockedOut { until }
        } else {
            tx.execute(
                "UPDATE staff_accounts SET failed_logins = ?2 WHERE staff_id = ?1",
                params![account.staff_id, failures],
            )?;
            AccountError::WrongCredentials
        };
        tx.commit()?;
        return Err(result);
    }
    if account.disabled {
        return Err(AccountError::Disabled);
    }
    check_against_log(&tx, &account, &hash)?;
    tx.execute(
        "UPDATE staff_accounts SET failed_logins = 0, locked_until = NULL WHERE staff_id = ?1",
        [&account.staff_id],
    )?;
    tx.commit()?;
    Ok(Session::new(
        account.staff_id,
        account.display_name,
        account.role,
        now,
    ))
}

fn get_with_hash(
    conn: &Connection,
    staff_id: &str,
) -> Result<Option<(StaffAccount, String)>, AccountError> {
    let found = conn
        .query_row(
            &format!("SELECT {COLUMNS}, password_hash FROM staff_accounts WHERE staff_id = ?1"),
            [staff_id],
            |r| Ok((row_to_account(r)?, r.get::<_, String>(8)?)),
        )
        .optional()?;
    match found {
        Some((raw, hash)) => Ok(Some((account_from_raw(raw)?, hash))),
        None => Ok(None),
    }
}

/// A person changes their own password: the current one is checked first
/// (a wrong one counts as a failed sign-in, as in [`verify_login`]); the
/// new one is set with its audit entry `entry` (sealed here).
pub fn change_password(
    db: impl AccountsDb,
    staff_id: &str,
    current: &str,
    new_password: &str,
    now: NaiveDateTime,
    entry: &NewAuditEntry,
) -> Result<(), AccountError> {
    let staff_id = staff_id.trim();
    check_password(staff_id, new_password).map_err(AccountError::Password)?;
    verify_login(db.conn(), staff_id, current, now)?;
    set_password(db, staff_id, new_password, now, entry)
}

/// An administrator sets a new password (forgotten password), with its
/// audit entry `entry` (sealed here); also lifts a lockout. The caller has
/// checked that the person asking may manage staff.
pub fn reset_password(
    db: impl AccountsDb,
    staff_id: &str,
    new_password: &str,
    now: NaiveDateTime,
    entry: &NewAuditEntry,
) -> Result<(), AccountError> {
    let staff_id = staff_id.trim();
    check_password(staff_id, new_password).map_err(AccountError::Password)?;
    set_password(db, staff_id, new_password, now, entry)
}

fn set_password(
    db: impl AccountsDb,
    staff_id: &str,
    new_password: &str,
    now: NaiveDateTime,
    entry: &NewAuditEntry,
) -> Result<(), AccountError> {
    let hash = hash_password(new_password)?;
    let tx = Transaction::new_unchecked(db.conn(), TransactionBehavior::Immediate)?;
    let n = tx.execute(
        "UPDATE staff_accounts SET password_hash = ?2, password_changed_at = ?3, failed_logins = 0, locked_until = NULL
         WHERE staff_id = ?1",
        params![staff_id, hash, now.format(TIME_FORMAT).to_string()],
    )?;
    if n == 0 {
        return Err(AccountError::UnknownStaff(staff_id.to_string()));
    }
    let account = get(&tx, staff_id)?;
    append_sealed(&tx, &db.seal(), entry, &account, &hash, false)?;
    tx.commit()?;
    Ok(())
}

/// Disables an account (it can no longer sign in; its history stays).
/// Refused for the last enabled administrator, so that someone can always
/// manage staff and first setup never reopens.
pub fn disable(conn: &Connection, staff_id: &str) -> Result<(), AccountError> {
    let staff_id = staff_id.trim();
    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    let account = get(&tx, staff_id)?;
    if account.role == Role::Administrator && !account.disabled {
        let others: i64 = tx.query_row(
            "SELECT COUNT(*) FROM staff_accounts WHERE role = 'administrator' AND disabled = 0 AND staff_id <> ?1",
            [staff_id],
            |r| r.get(0),
        )?;
        if others == 0 {
            return Err(AccountError::LastAdministrator);
        }
    }
    tx.execute(
        "UPDATE staff_accounts SET disabled = 1 WHERE staff_id = ?1",
        [staff_id],
    )?;
    tx.commit()?;
    Ok(())
}

/// Enables a disabled account again.
pub fn enable(conn: &Connection, staff_id: &str) -> Result<(), AccountError> {
    let staff_id = staff_id.trim();
    let n = conn.execute(
        "UPDATE staff_accounts SET disabled = 0 WHERE staff_id = ?1",
        [staff_id],
    )?;
    if n == 0 {
        return Err(AccountError::UnknownStaff(staff_id.to_string()));
    }
    Ok(())
}
