//! The local SQLite store: the checks of every day (which are also the
//! offline eligibility cache), the queue of checks deferred while offline,
//! and the consented cache of medical information.
//! The only module that knows the schema and speaks SQL.
//!
//! # Encryption at rest
//!
//! [`Store::open_encrypted`] opens the database with SQLCipher (rusqlite's
//! `bundled-sqlcipher`), keyed with a random 256-bit [`Key`] kept in a
//! [`KeyStore`] (the OS keyring in the app, see [`crate::keystore`]):
//!
//! | database file | key in the key store | outcome |
//! |---|---|---|
//! | missing or empty | none | a key is generated, stored (and read back), the database created |
//! | missing or empty | present | that key is used (keys are never overwritten) |
//! | encrypted | present, right | opened; a query proves the key |
//! | encrypted | present, wrong (file from another machine) | [`StoreError::WrongKey`], file untouched |
//! | encrypted | none | [`StoreError::KeyMissing`], file untouched, no plaintext fallback |
//! | plaintext (an earlier Madoguchi) | any | migrated: `sqlcipher_export` into `<db>.encrypting`, the plaintext kept as `<db>.unencrypted.bak` (a hard link, a copy where none can be made), atomic rename over `<db>`, reopened and verified, then the `.bak` removed (restored on failure) |
//!
//! [`Store::open`] still opens a plaintext database (tests; tools).
//!
//! # Migrations
//!
//! A numbered list applied in order, the version kept in
//! `PRAGMA user_version`. Hand-written instead of a migration crate: it is a
//! dozen lines and the upgrade tests open a database at every earlier version
//! (with rows in it).
//!
//! # The eligibility cache is the `checks` table
//!
//! Every check is already recorded with its person key, birth date, time,
//! source and full result, so the latest cacheable check of a card *is* the
//! cache ([`Store::cached_result`]); there is no second copy to keep in step.
//! Results that carry a processing error are recorded but not cacheable.
//! Eligibility records are kept (the law keeps them 10 years after loss of
//! eligibility); their retention is not handled here: [`Store::purge`] only
//! deletes medical information.
//!
//! # Medical information only with consent
//!
//! [`Store::put_medical`] and [`Store::get_medical`] are the only SQL that
//! touches the medical cache's content, and both take a
//! [`ConsentGrant`] (purpose `Cache` to write, `View` to read) that is
//! checked with the grant's own [`ConsentGrant::check`]; the patient and
//! category come from the grant, so no call can reach another patient's
//! rows. ([`Store::stats`] counts rows, [`Store::purge`] deletes old ones,
//! and a backup copies the encrypted database whole.)

use std::path::{Path, PathBuf};

use chrono::{NaiveDate, NaiveDateTime};
use madoguchi_core::consent::{ConsentGrant, Purpose, Refusal};
use madoguchi_core::{CardDetails, CheckSummary, EligibilityResult, ResultSource};
use rusqlite::{params, Connection, ErrorCode, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};

use crate::keystore::{Key, KeyStore, KeyStoreError};

mod patient;
pub use patient::LatestCheck;

mod batch;
pub use batch::{BatchAnswer, BatchInfo, BatchRow, BatchState, ImportError};

mod consents;
pub use consents::RecordedConsent;

mod disaster;
pub use disaster::{EmergencyRow, NewDisasterMatch};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the local database {path} cannot be opened: {detail}")]
    Open { path: String, detail: String },
    #[error("the local database was written by a newer Madoguchi (schema {found}, this version knows up to {known})")]
    TooNew { found: i64, known: i64 },
    #[error("the key of the encrypted database {path} is not in {store}; restore from a backup (the database was left as it is)")]
    KeyMissing { path: String, store: String },
    #[error("the key in {store} does not open the database {path} (a file from another computer, or damaged); the file was left as it is")]
    WrongKey { path: String, store: String },
    #[error("{0}")]
    KeyStore(#[from] KeyStoreError),
    #[error("the disk is full: {0}")]
    DiskFull(String),
    #[error("the database is read-only: {0}")]
    ReadOnly(String),
    #[error("a stored record cannot be read: {0}")]
    Corrupt(String),
    #[error("no consent for this access: {0:?}")]
    ConsentRefused(Refusal),
    #[error("no row {id} in {table}")]
    NoSuchRow { table: &'static str, id: i64 },
    #[error("local database error: {0}")]
    Sql(rusqlite::Error),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(ErrorCode::DiskFull) => StoreError::DiskFull(e.to_string()),
            Some(ErrorCode::ReadOnly) => StoreError::ReadOnly(e.to_string()),
            Some(ErrorCode::DatabaseCorrupt) | Some(ErrorCode::NotADatabase) => {
                StoreError::Corrupt(e.to_string())
            }
            _ => StoreError::Sql(e),
        }
    }
}

impl StoreError {
    /// The message id in `locales/*/store.ftl` (argument `detail`: this error's text).
    pub fn message_id(&self) -> &'static str {
        match self {
            StoreError::Open { .. } => "store-open",
            StoreError::TooNew { .. } => "store-too-new",
            StoreError::KeyMissing { .. } => "store-key-missing",
            StoreError::WrongKey { .. } => "store-wrong-key",
            StoreError::KeyStore(KeyStoreError::Locked { .. }) => "store-keystore-locked",
            StoreError::KeyStore(_) => "store-keystore",
            StoreError::DiskFull(_) => "store-disk-full",
            StoreError::ReadOnly(_) => "store-read-only",
            StoreError::Corrupt(_) => "store-corrupt",
            StoreError::ConsentRefused(_) => "store-consent-refused",
            StoreError::NoSuchRow { .. } => "store-no-such-row",
            StoreError::Sql(_) => "store-sql",
        }
    }
}

/// Schema migrations; index + 1 is the version each one brings the database to.
const MIGRATIONS: &[&str] = &[
    // 1: today's checks
    "CREATE TABLE checks (
        id INTEGER PRIMARY KEY,
        checked_at TEXT NOT NULL,
        check_date TEXT NOT NULL,
        staff TEXT NOT NULL,
        person_key TEXT NOT NULL,
        insurer_number TEXT NOT NULL,
        birth_date TEXT,
        name TEXT,
        validity TEXT NOT NULL,
        copay INTEGER,
        source TEXT NOT NULL,
        asked_json TEXT,
        result_json TEXT NOT NULL
    );
    CREATE INDEX checks_by_date ON checks(check_date, checked_at);
    CREATE INDEX checks_by_person ON checks(person_key, birth_date);",
    // 2: the checks are the eligibility cache: the latest cacheable check per
    // card, found through (person_key, birth_date, checked_at).
    "ALTER TABLE checks ADD COLUMN cacheable INTEGER NOT NULL DEFAULT 1;
    UPDATE checks SET cacheable = 0 WHERE json_extract(result_json, '$.error') IS NOT NULL;
    CREATE INDEX checks_by_card ON checks(person_key, birth_date, checked_at);
    DROP INDEX checks_by_person;",
    // 3: checks deferred while offline, replayed later
    "CREATE TABLE queued_checks (
        id INTEGER PRIMARY KEY,
        person_key TEXT NOT NULL,
        card_json TEXT NOT NULL,
        visit_at TEXT NOT NULL,
        queued_at TEXT NOT NULL,
        shown_result_json TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        next_attempt_at TEXT NOT NULL,
        done_at TEXT,
        replay_result_json TEXT,
        change_json TEXT,
        reviewed_at TEXT
    );
    CREATE INDEX queued_due ON queued_checks(next_attempt_at) WHERE done_at IS NULL;
    CREATE INDEX queued_to_review ON queued_checks(visit_at)
        WHERE change_json IS NOT NULL AND reviewed_at IS NULL;",
    // 4: medical information (medication, checkups …) per patient and category
    "CREATE TABLE medical_cache (
        id INTEGER PRIMARY KEY,
        patient_key TEXT NOT NULL,
        category TEXT NOT NULL,
        fetched_at TEXT NOT NULL,
        json TEXT NOT NULL,
        UNIQUE (patient_key, category)
    );
    CREATE INDEX medical_by_fetched_at ON medical_cache(fetched_at);",
    // 5: batch checks (一括照会) of appointment lists, resumable row by row
    // (see `store::batch`)
    "CREATE TABLE batches (
        id INTEGER PRIMARY KEY,
        created_at TEXT NOT NULL,
        updated_at TEXT,
        staff TEXT NOT NULL,
        source_name TEXT,
        state TEXT NOT NULL,
        bad_rows_json TEXT NOT NULL
    );
    CREATE TABLE batch_rows (
        batch_id INTEGER NOT NULL REFERENCES batches(id),
        line INTEGER NOT NULL,
        appointment_json TEXT NOT NULL,
        state TEXT NOT NULL,
        check_id INTEGER REFERENCES checks(id),
        problem_json TEXT,
        done_at TEXT,
        PRIMARY KEY (batch_id, line)
    );",
    // 6: the offline disaster look-up reads everyone checked with one birth
    // date (`cached_results_born_on`); without this index it scans every check
    "CREATE INDEX checks_by_birth_date ON checks(birth_date, cacheable, person_key);",
    // 7: consents recorded at the desk (災害時モード: oral, or unconscious with
    // a reason), one row per category, with who, role, when and until when
    // (see `store::consents`)
    "CREATE TABLE consents (
        id INTEGER PRIMARY KEY,
        patient_key TEXT NOT NULL,
        category TEXT NOT NULL,
        given_at TEXT NOT NULL,
        valid_until TEXT NOT NULL,
        source TEXT NOT NULL,
        reason TEXT,
        recorded_by TEXT NOT NULL,
        recorded_role TEXT,
        recorded_at TEXT NOT NULL,
        check_id INTEGER REFERENCES checks(id)
    );
    CREATE INDEX consents_by_patient ON consents(patient_key, valid_until);",
    // 8: the staff accounts, inside the encrypted store (before: a plain
    // `staff.sqlite` beside it, taken over by the app; see `accounts`)
    crate::accounts::SCHEMA,
    // 9: 災害時モード state: the local emergency in force and the patients a
    // disaster look-up found, as tables (before: read from the audit log's
    // texts), with what an earlier version's log kept taken over (see
    // `store::disaster`)
    disaster::LOCAL_STATE,
];

pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

const TS: &str = "%Y-%m-%dT%H:%M:%S";
const TS_FRACTION: &str = "%Y-%m-%dT%H:%M:%S%.f";
const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

pub struct Store {
    conn: Connection,
    path: Option<PathBuf>,
    encrypted: bool,
    /// The audit log's anchor outside the database and the seal it implies
    /// (None: plain SHA-256, nothing anchored — tests, the training service).
    audit: Option<(crate::audit::anchor::AuditAnchor, crate::audit::Seal)>,
}

/// What to record for one check.
pub struct NewCheck<'a> {
    pub checked_at: NaiveDateTime,
    pub staff: &'a str,
    pub asked: Option<&'a CardDetails>,
    pub result: &'a EligibilityResult,
}

/// The latest known answer for a card, from the local store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CachedResult {
    pub result: EligibilityResult,
    /// When the answering system produced it (`result.confirmed_at`).
    pub confirmed_at: NaiveDateTime,
    /// Who answered then (`result.source`).
    pub source: ResultSource,
    /// The check that recorded it.
    pub check_id: i64,
    /// When the desk recorded that check.
    pub checked_at: NaiveDateTime,
}

/// A check waiting to be replayed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuedCheck {
    pub id: i64,
    pub card: CardDetails,
    pub visit_at: NaiveDateTime,
    pub queued_at: NaiveDateTime,
    /// What staff were shown at the visit (a cached result), if anything.
    pub shown: Option<EligibilityResult>,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub next_attempt_at: NaiveDateTime,
}

/// A fact of the qualification that can differ between what was shown at the
/// visit and what the replayed check answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangedField {
    Validity,
    InsurerNumber,
    InsurerName,
    /// The copay that applies at the counter (percent).
    Copay,
    ValidFrom,
    ValidUntil,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Difference {
    pub field: ChangedField,
    pub shown: Option<String>,
    pub replayed: Option<String>,
}

/// What the replay of a deferred check found different from what was shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub queued_id: i64,
    pub person_key: String,
    pub visit_at: NaiveDateTime,
    pub completed_at: NaiveDateTime,
    /// Nothing was shown at the visit (every replayed fact is new).
    pub nothing_shown: bool,
    pub differences: Vec<Difference>,
}

/// Medical information as cached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedMedical {
    pub json: String,
    pub fetched_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurgeReport {
    /// Medical rows fetched before this instant were deleted.
    pub cutoff: NaiveDateTime,
    pub medical_rows_deleted: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CacheStats {
    pub checks: i64,
    /// Distinct (person key, birth date).
    pub people: i64,
    /// The earliest recorded check.
    pub oldest: Option<NaiveDateTime>,
    /// Deferred checks not yet done.
    pub queue_length: i64,
    pub medical_rows: i64,
}

fn open_error(path: &Path, detail: impl ToString) -> StoreError {
    StoreError::Open {
        path: path.display().to_string(),
        detail: detail.to_string(),
    }
}

/// `<file name><suffix>` next to `path`.
pub(crate) fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

#[derive(Debug, PartialEq, Eq)]
enum FileKind {
    Plain,
    /// Not plaintext SQLite: SQLCipher (or garbage, which a key will not open).
    Encrypted,
}

/// What `conn` (just opened on `path`, nothing read yet) has on disk.
///
/// The header is read through SQLite's own file handle, never through a
/// descriptor of our own: closing *any* descriptor of a file releases every
/// POSIX lock this process holds on it, including the shared lock of a
/// connection the desk keeps open in WAL mode. Without that lock another
/// process (a command) takes itself for the last connection when it closes,
/// checkpoints and deletes the WAL and its index under the open desk, whose
/// later writes are then lost to every other connection (SQLite's own
/// descriptors are kept open until no connection of the process holds a lock;
/// see "How To Corrupt An SQLite Database File", 2.2).
fn file_kind(conn: &Connection, path: &Path) -> Result<FileKind, StoreError> {
    let head = read_header(conn).map_err(|detail| open_error(path, detail))?;
    Ok(if head == *SQLITE_MAGIC {
        FileKind::Plain
    } else {
        FileKind::Encrypted
    })
}

/// No database yet: no file, or an empty one. Read without opening the file
/// (see [`file_kind`]).
fn is_missing(path: &Path) -> Result<bool, StoreError> {
    match std::fs::metadata(path) {
        Ok(m) => Ok(m.len() == 0),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(true),
        Err(e) => Err(open_error(path, e)),
    }
}

/// The first 16 bytes of the main database file of `conn`, read through the
/// connection's own file handle (`SQLITE_FCNTL_FILE_POINTER`, `xRead`): the
/// raw bytes, as SQLCipher reads its salt. A file shorter than that reads
/// zero-filled.
fn read_header(conn: &Connection) -> Result<[u8; 16], String> {
    use rusqlite::ffi;
    let mut head = [0u8; 16];
    let mut file: *mut ffi::sqlite3_file = std::ptr::null_mut();
    // SAFETY: `conn` is an open connection; the file control writes one
    // pointer to the main database's `sqlite3_file` into `file`, which lives
    // as long as the connection, and is only used while `conn` is borrowed.
    // `xRead` writes at most `head.len()` bytes into `head`.
    unsafe {
        let rc = ffi::sqlite3_file_control(
            conn.handle(),
            c"main".as_ptr(),
            ffi::SQLITE_FCNTL_FILE_POINTER,
            (&mut file as *mut *mut ffi::sqlite3_file).cast(),
        );
        if rc != ffi::SQLITE_OK || file.is_null() || (*file).pMethods.is_null() {
            return Err(format!("the database file is not open (SQLite code {rc})"));
        }
        let Some(read) = (*(*file).pMethods).xRead else {
            return Err("the database file cannot be read".into());
        };
        match read(file, head.as_mut_ptr().cast(), head.len() as i32, 0) {
            ffi::SQLITE_OK | ffi::SQLITE_IOERR_SHORT_READ => Ok(head),
            rc => Err(format!("reading the database header failed (SQLite code {rc})")),
        }
    }
}

/// Sets the key on a fresh connection and proves it with a query.
/// `Err(None)`: the key does not open the file.
pub(crate) fn apply_key(conn: &Connection, key: &Key) -> Result<(), Option<rusqlite::Error>> {
    conn.execute_batch(&format!("PRAGMA key = {};", key.sqlcipher_literal()))
        .map_err(Some)?;
    match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    }) {
        Ok(_) => Ok(()),
        Err(e) if e.sqlite_error_code() == Some(ErrorCode::NotADatabase) => Err(None),
        Err(e) => Err(Some(e)),
    }
}

/// A plain SQLite connection to an existing encrypted database, keyed from
/// `keys`: for tests and diagnostics that read the file as it is on disk
/// (the desk itself goes through [`Store::open_encrypted`]).
pub fn raw_connection(path: &Path, keys: &dyn KeyStore) -> Result<Connection, StoreError> {
    let key = keys.get()?.ok_or_else(|| StoreError::KeyMissing {
        path: path.display().to_string(),
        store: keys.describe(),
    })?;
    if !path.is_file() {
        return Err(open_error(path, std::io::Error::from(std::io::ErrorKind::NotFound)));
    }
    let conn = Connection::open(path).map_err(|e| open_error(path, e))?;
    match apply_key(&conn, &key) {
        Ok(()) => Ok(conn),
        Err(None) => Err(StoreError::WrongKey {
            path: path.display().to_string(),
            store: keys.describe(),
        }),
        Err(Some(e)) => Err(e.into()),
    }
}

/// Gets the key, or makes, stores and re-reads one when the store has none.
pub(crate) fn key_or_new(keys: &dyn KeyStore) -> Result<Key, StoreError> {
    if let Some(k) = keys.get()? {
        return Ok(k);
    }
    let k = Key::generate()?;
    keys.set(&k)?;
    match keys.get()? {
        Some(back) if back == k => Ok(k),
        _ => Err(StoreError::KeyStore(KeyStoreError::Unavailable {
            store: keys.describe(),
            detail: "a key just stored could not be read back".into(),
        })),
    }
}

pub(crate) fn sync_dir(path: &Path) {
    #[cfg(unix)]
    if let Some(dir) = path.parent() {
        if let Ok(d) = std::fs::File::open(if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        }) {
            let _ = d.sync_all();
        }
    }
}

pub(crate) fn remove_if_exists(path: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

impl Store {
    /// Opens (creating if needed) an **unencrypted** database at `path` and
    /// brings its schema up to date. The app uses [`Store::open_encrypted`].
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| open_error(path, e))?;
        }
        let conn = Connection::open(path).map_err(|e| open_error(path, e))?;
        Self::init(conn, Some(path.to_path_buf()), false, None)
    }

    pub fn open_in_memory() -> Result<Store, StoreError> {
        Self::init(Connection::open_in_memory()?, None, false, None)
    }

    /// Opens (creating if needed) the SQLCipher-encrypted database at `path`
    /// with the key in `keys`; migrates a plaintext database of an earlier
    /// version. See the table in the module docs.
    pub fn open_encrypted(path: &Path, keys: &dyn KeyStore) -> Result<Store, StoreError> {
        Self::open_encrypted_with(path, keys, None)
    }

    /// [`Store::open_encrypted`] with the audit log anchored outside the
    /// database ([`crate::audit::anchor`]): appends are sealed with the
    /// anchor's key and move the anchor; [`Store::audit_verify`] checks the
    /// log against it; the log's tables are never made anew in a database
    /// the anchor (or a check) says was used.
    pub fn open_encrypted_anchored(
        path: &Path,
        keys: &dyn KeyStore,
        anchor: crate::audit::anchor::AuditAnchor,
    ) -> Result<Store, StoreError> {
        Self::open_encrypted_with(path, keys, Some(anchor))
    }

    fn open_encrypted_with(
        path: &Path,
        keys: &dyn KeyStore,
        anchor: Option<crate::audit::anchor::AuditAnchor>,
    ) -> Result<Store, StoreError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| open_error(path, e))?;
        }
        if is_missing(path)? {
            let key = key_or_new(keys)?;
            // A stale WAL next to a missing/empty file belongs to nothing we can read.
            let conn = Connection::open(path).map_err(|e| open_error(path, e))?;
            return Self::keyed(conn, path, &key, keys, anchor);
        }
        // Opened first, so that the header is read through SQLite's own
        // handle (see `file_kind`): closing a connection never drops the
        // locks of another one.
        let conn = Connection::open(path).map_err(|e| open_error(path, e))?;
        match file_kind(&conn, path)? {
            FileKind::Plain => {
                drop(conn);
                let key = key_or_new(keys)?;
                Self::encrypt_plaintext(path, &key, keys, anchor)
            }
            FileKind::Encrypted => {
                let key = keys.get()?.ok_or_else(|| StoreError::KeyMissing {
                    path: path.display().to_string(),
                    store: keys.describe(),
                })?;
                let store = Self::keyed(conn, path, &key, keys, anchor)?;
                // A migration that stopped after its rename left the old
                // plaintext copy: the encrypted file opened, so it can go.
                let _ = remove_if_exists(&sibling(path, ".unencrypted.bak"));
                let _ = remove_if_exists(&sibling(path, ".encrypting"));
                Ok(store)
            }
        }
    }

    fn keyed(
        conn: Connection,
        path: &Path,
        key: &Key,
        keys: &dyn KeyStore,
        anchor: Option<crate::audit::anchor::AuditAnchor>,
    ) -> Result<Store, StoreError> {
        match apply_key(&conn, key) {
            Ok(()) => {}
            Err(None) => {
                return Err(StoreError::WrongKey {
                    path: path.display().to_string(),
                    store: keys.describe(),
                })
            }
            Err(Some(e)) => return Err(e.into()),
        }
        Self::init(conn, Some(path.to_path_buf()), true, anchor)
    }

    /// Plaintext → encrypted: export into `<db>.encrypting`, keep a copy as
    /// `<db>.unencrypted.bak`, rename over `<db>`, reopen; on failure put the
    /// plaintext back.
    fn encrypt_plaintext(
        path: &Path,
        key: &Key,
        keys: &dyn KeyStore,
        anchor: Option<crate::audit::anchor::AuditAnchor>,
    ) -> Result<Store, StoreError> {
        let tmp = sibling(path, ".encrypting");
        let bak = sibling(path, ".unencrypted.bak");
        remove_if_exists(&tmp).map_err(|e| open_error(&tmp, e))?;
        {
            let conn = Connection::open(path).map_err(|e| open_error(path, e))?;
            conn.busy_timeout(std::time::Duration::from_secs(5))?;
            let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
            conn.execute(
                "ATTACH DATABASE ?1 AS enc KEY ?2",
                params![tmp.to_string_lossy(), format!("x'{}'", key.to_hex())],
            )?;
            conn.query_row("SELECT sqlcipher_export('enc')", [], |_| Ok(()))?;
            conn.execute_batch(&format!(
                "PRAGMA enc.user_version = {version}; DETACH DATABASE enc;"
            ))?;
            // Everything committed is in the main file before it is copied.
            conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        }
        let wal = sibling(path, "-wal");
        if std::fs::metadata(&wal)
            .map(|m| m.len() > 0)
            .unwrap_or(false)
        {
            let _ = std::fs::remove_file(&tmp);
            return Err(open_error(
                path,
                "another program still has the database open; close it and start again",
            ));
        }
        fn io(p: &Path) -> impl Fn(std::io::Error) -> StoreError + '_ {
            move |e| open_error(p, e)
        }
        std::fs::File::open(&tmp)
            .and_then(|f| f.sync_all())
            .map_err(io(&tmp))?;
        // The plaintext file is kept as `.unencrypted.bak` by a second name
        // (a hard link): nothing opens it, so no POSIX lock another
        // connection of this process holds on it is dropped by a closing
        // descriptor (see `read_header`). A copy only where the file system
        // has no hard links.
        remove_if_exists(&bak).map_err(io(&bak))?;
        if std::fs::hard_link(path, &bak).is_err() {
            std::fs::copy(path, &bak).map_err(io(&bak))?;
            std::fs::File::open(&bak)
                .and_then(|f| f.sync_all())
                .map_err(io(&bak))?;
        }
        std::fs::rename(&tmp, path).map_err(io(path))?;
        remove_if_exists(&wal).map_err(io(&wal))?;
        remove_if_exists(&sibling(path, "-shm")).map_err(io(path))?;
        sync_dir(path);
        let reopened = Connection::open(path)
            .map_err(|e| open_error(path, e))
            .and_then(|conn| Self::keyed(conn, path, key, keys, anchor));
        match reopened {
            Ok(store) => {
                remove_if_exists(&bak).map_err(io(&bak))?;
                tracing::info!("the local database {} is now encrypted", path.display());
                Ok(store)
            }
            Err(e) => {
                let _ = std::fs::rename(&bak, path);
                sync_dir(path);
                Err(e)
            }
        }
    }

    fn init(
        conn: Connection,
        path: Option<PathBuf>,
        encrypted: bool,
        anchor: Option<crate::audit::anchor::AuditAnchor>,
    ) -> Result<Store, StoreError> {
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") && !mode.eq_ignore_ascii_case("memory") {
            conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))?;
        }
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let mut store = Store {
            conn,
            path,
            encrypted,
            audit: None,
        };
        store.migrate(SCHEMA_VERSION)?;
        let corrupt = |e: crate::audit::AuditError| StoreError::Corrupt(e.to_string());
        // The audit log keeps its own tables (and triggers) in the same
        // database, so it is encrypted and backed up with everything else.
        // In an anchored store they are made only when the anchor has never
        // seen the log: its key new (a new data folder, or the first start
        // of this version — a database of a version before the audit log has
        // checks and no log, which is why checks alone do not say "used"),
        // or an anchor that saw no entry. Otherwise their absence is
        // reported by `audit_verify` (`tables_missing`), not hidden.
        let anchored = anchor.as_ref().map(|a| a.read());
        let used = anchor.as_ref().is_some_and(|a| a.key_existed())
            || match &anchored {
                Some(Ok(Some(state))) => state.count > 0,
                Some(Err(_)) => true,
                Some(Ok(None)) | None => false,
            };
        if crate::audit::log_exists(&store.conn).map_err(corrupt)? || !used {
            crate::audit::ensure_schema(&store.conn).map_err(corrupt)?;
        } else {
            tracing::error!("the audit log's tables are missing from a database that was used; not made anew");
        }
        if let Some(anchor) = anchor {
            let state = anchored.and_then(Result::ok).flatten();
            let seal = crate::audit::anchored_seal(&store.conn, &anchor, state.as_ref()).map_err(corrupt)?;
            crate::audit::anchor_first(&store.conn, &anchor, &seal).map_err(corrupt)?;
            store.audit = Some((anchor, seal));
        }
        Ok(store)
    }

    /// The connection that [`crate::accounts`]' functions take: the staff
    /// accounts are a table of this (encrypted) database, and their
    /// functions append each change's audit entry in the same transaction.
    pub fn staff_accounts(&self) -> &Connection {
        &self.conn
    }

    /// The staff accounts' connection with the seal their audit entries
    /// take (HMAC with the anchor's key when anchored): for the
    /// [`crate::accounts`] functions that append an entry.
    pub fn staff_accounts_sealed(&self) -> crate::accounts::StaffDb<'_> {
        crate::accounts::StaffDb { conn: &self.conn, seal: self.audit_seal() }
    }

    /// How the audit log is sealed (HMAC with the anchor's key when anchored).
    pub fn audit_seal(&self) -> crate::audit::Seal {
        self.audit.as_ref().map_or(crate::audit::Seal::Sha256, |(_, s)| s.clone())
    }

    /// The audit log's anchor, when the store was opened with one.
    pub fn audit_anchor(&self) -> Option<&crate::audit::anchor::AuditAnchor> {
        self.audit.as_ref().map(|(a, _)| a)
    }

    /// After an append committed: moves the anchor to it (see
    /// [`crate::audit::advance_anchor`]); a failure is logged, the entry stays.
    pub(crate) fn audit_appended(&self, entry: &crate::audit::AuditEntry) {
        if let Some((anchor, seal)) = &self.audit {
            if let Err(e) = crate::audit::advance_anchor(&self.conn, anchor, seal, entry) {
                tracing::error!("audit anchor not moved: {e}");
            }
        }
    }

    /// Appends to the audit log (hash-chained; see [`crate::audit`]).
    pub fn audit_append(&self, entry: &crate::audit::NewAuditEntry) -> Result<crate::audit::AuditEntry, crate::audit::AuditError> {
        let appended = crate::audit::append_sealed(&self.conn, &self.audit_seal(), entry)?;
        self.audit_appended(&appended);
        Ok(appended)
    }

    /// Verifies the whole audit chain, and against its anchor when anchored.
    pub fn audit_verify(&self) -> Result<crate::audit::VerifyReport, crate::audit::AuditError> {
        match &self.audit {
            Some((anchor, seal)) => crate::audit::verify_anchored(&self.conn, seal, anchor),
            None => crate::audit::verify(&self.conn),
        }
    }

    /// The audit log's head as stored (None when its tables are gone).
    pub fn audit_head(&self) -> Result<Option<crate::audit::LogHead>, crate::audit::AuditError> {
        crate::audit::stored_head(&self.conn)
    }

    /// Deliberately moves the anchor to the log as it is now (after a
    /// restore, which the caller records); returns the state written.
    pub fn audit_rebase_anchor(&self) -> Result<Option<crate::audit::anchor::AnchorState>, crate::audit::AuditError> {
        match &self.audit {
            Some((anchor, seal)) => crate::audit::rebase_anchor(&self.conn, anchor, seal).map(Some),
            None => Ok(None),
        }
    }

    /// The newest `limit` audit entries matching `filter`, newest first, and
    /// how many match in all.
    pub fn audit_query_newest(&self, filter: &crate::audit::AuditFilter, limit: usize) -> Result<(Vec<crate::audit::AuditEntry>, u64), crate::audit::AuditError> {
        crate::audit::query_newest(&self.conn, filter, limit)
    }

    /// Reads audit entries.
    pub fn audit_query(&self, filter: &crate::audit::AuditFilter) -> Result<Vec<crate::audit::AuditEntry>, crate::audit::AuditError> {
        crate::audit::query(&self.conn, filter)
    }

    /// Brings the schema to `target` (used by the upgrade tests with earlier targets).
    fn migrate(&mut self, target: i64) -> Result<(), StoreError> {
        let current = self.schema_version()?;
        if current > SCHEMA_VERSION {
            return Err(StoreError::TooNew {
                found: current,
                known: SCHEMA_VERSION,
            });
        }
        for version in current + 1..=target {
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            let migration = MIGRATIONS[(version - 1) as usize];
            tx.execute_batch(migration)?;
            // What an earlier version kept only in its audit log (absent
            // from a new database, whose log is made after the migrations).
            if migration == disaster::LOCAL_STATE && crate::audit::log_exists(&tx).map_err(|e| StoreError::Corrupt(e.to_string()))? {
                tx.execute_batch(disaster::LOCAL_STATE_BACKFILL)?;
            }
            tx.pragma_update(None, "user_version", version)?;
            tx.commit()?;
        }
        Ok(())
    }

    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    /// The database file (None in memory).
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Opened with [`Store::open_encrypted`].
    pub fn is_encrypted(&self) -> bool {
        self.encrypted
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// `PRAGMA integrity_check` (and `cipher_integrity_check` when encrypted).
    /// Reads the whole file: for start-up checks and after a crash, not per request.
    pub fn integrity_check(&self) -> Result<(), StoreError> {
        integrity_check(&self.conn, self.encrypted)
    }

    /// Test hook: caps the database size (`PRAGMA max_page_count`) to simulate a full disk.
    #[doc(hidden)]
    pub fn set_max_page_count_for_tests(&self, pages: i64) -> Result<(), StoreError> {
        self.conn
            .query_row(&format!("PRAGMA max_page_count = {pages}"), [], |_| Ok(()))?;
        Ok(())
    }

    // ---- checks and the eligibility cache -------------------------------

    /// Records one check; returns its id.
    pub fn record_check(&mut self, check: &NewCheck<'_>) -> Result<i64, StoreError> {
        insert_check(&self.conn, check)
    }

    /// Records a check and its audit entry in one commit (one fsync, and no
    /// check without its entry after a crash); the entry names the check
    /// (`detail.check_id`). Should the entry not append (the log's head
    /// gone, sealed another way …), the check is still recorded — a result
    /// is never lost for the log's sake — and the audit error is answered
    /// beside its id.
    pub fn record_check_audited(
        &mut self,
        check: &NewCheck<'_>,
        entry: &crate::audit::NewAuditEntry,
    ) -> Result<(i64, Audited), StoreError> {
        let seal = self.audit_seal();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let recorded = insert_check_audited(&tx, &seal, check, entry)?;
        tx.commit()?;
        if let Ok(e) = &recorded.1 {
            self.audit_appended(e);
        }
        Ok(recorded)
    }

    /// Records many checks in one transaction (batch results); returns their ids.
    pub fn record_checks(&mut self, checks: &[NewCheck<'_>]) -> Result<Vec<i64>, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut ids = Vec::with_capacity(checks.len());
        for c in checks {
            ids.push(insert_check(&tx, c)?);
        }
        tx.commit()?;
        Ok(ids)
    }

    /// The checks of one day, newest first.
    pub fn checks_on(&self, date: NaiveDate) -> Result<Vec<CheckSummary>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, checked_at, person_key, name, insurer_number, validity, copay, source
             FROM checks WHERE check_date = ?1 ORDER BY checked_at DESC, id DESC",
        )?;
        let rows = stmt.query_map([date.to_string()], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, Option<String>>(3)?,
                row.get::<_, String>(4)?,
                row.get::<_, String>(5)?,
                row.get::<_, Option<u8>>(6)?,
                row.get::<_, String>(7)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, at, person_key, name, insurer_number, validity, copay, source) = row?;
            out.push(CheckSummary {
                id,
                checked_at: NaiveDateTime::parse_from_str(&at, TS)
                    .map_err(|e| StoreError::Corrupt(format!("checks.{id}.checked_at: {e}")))?,
                person_key,
                name,
                insurer_number,
                validity: madoguchi_core::codes::Validity::from_code(&validity).ok_or_else(
                    || StoreError::Corrupt(format!("checks.{id}.validity = {validity}")),
                )?,
                copay: copay.map(madoguchi_core::CopayRatio),
                source: serde_json::from_value(serde_json::Value::String(source.clone()))
                    .map_err(|_| StoreError::Corrupt(format!("checks.{id}.source = {source}")))?,
            });
        }
        Ok(out)
    }

    /// The full stored result of one check.
    pub fn check_result(&self, id: i64) -> Result<Option<EligibilityResult>, StoreError> {
        let json: Option<String> = self
            .conn
            .query_row("SELECT result_json FROM checks WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?;
        json.map(|j| {
            serde_json::from_str(&j).map_err(|e| StoreError::Corrupt(format!("checks.{id}: {e}")))
        })
        .transpose()
    }

    /// The query of [`Store::cached_result`] (its plan is tested: it uses
    /// the `checks_by_card` index).
    const CACHED_RESULT_SQL: &'static str = "SELECT id, checked_at, result_json FROM checks
         WHERE person_key = ?1 AND birth_date = ?2 AND cacheable = 1
         ORDER BY checked_at DESC, id DESC LIMIT 1";

    /// The latest cacheable result recorded for this card (person key and
    /// birth date), with when and by whom it was confirmed. One index seek.
    pub fn cached_result(&self, card: &CardDetails) -> Result<Option<CachedResult>, StoreError> {
        let row: Option<(i64, String, String)> = self
            .conn
            .prepare_cached(Self::CACHED_RESULT_SQL)?
            .query_row(
                params![card.person_key(), card.birth_date.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((id, at, json)) = row else {
            return Ok(None);
        };
        let result: EligibilityResult = serde_json::from_str(&json)
            .map_err(|e| StoreError::Corrupt(format!("checks.{id}: {e}")))?;
        Ok(Some(CachedResult {
            confirmed_at: result.confirmed_at,
            source: result.source,
            check_id: id,
            checked_at: NaiveDateTime::parse_from_str(&at, TS)
                .map_err(|e| StoreError::Corrupt(format!("checks.{id}.checked_at: {e}")))?,
            result,
        }))
    }

    /// The latest cacheable result of every card whose holder was born on
    /// `birth` (the offline 災害時モード look-up's candidates; the desk runs the
    /// core matcher on them). A scan of the checks of that birth date.
    pub fn cached_results_born_on(&self, birth: NaiveDate) -> Result<Vec<EligibilityResult>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, person_key, result_json FROM checks
             WHERE birth_date = ?1 AND cacheable = 1
             ORDER BY person_key, checked_at DESC, id DESC",
        )?;
        let mut rows = stmt.query([birth.to_string()])?;
        let mut out = Vec::new();
        let mut last_key: Option<String> = None;
        while let Some(r) = rows.next()? {
            let key: String = r.get(1)?;
            if last_key.as_deref() == Some(key.as_str()) {
                continue;
            }
            let id: i64 = r.get(0)?;
            let json: String = r.get(2)?;
            out.push(
                serde_json::from_str(&json)
                    .map_err(|e| StoreError::Corrupt(format!("checks.{id}: {e}")))?,
            );
            last_key = Some(key);
        }
        Ok(out)
    }

    // ---- deferred checks ------------------------------------------------

    /// Queues a check that could not be made at the visit; due at once.
    /// `shown`: the (cached) result staff saw then, to compare with the replay.
    pub fn queue_check(
        &mut self,
        card: &CardDetails,
        visit_at: NaiveDateTime,
        shown: Option<&EligibilityResult>,
    ) -> Result<i64, StoreError> {
        let card_json = to_json(card)?;
        let shown_json = shown.map(to_json).transpose()?;
        let now = chrono::Local::now().naive_local();
        self.conn
            .prepare_cached(
                "INSERT INTO queued_checks (person_key, card_json, visit_at, queued_at,
                                            shown_result_json, next_attempt_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?3)",
            )?
            .execute(params![
                card.person_key(),
                card_json,
                ts(visit_at),
                ts(now),
                shown_json
            ])?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Deferred checks not done whose next attempt is due at `now`, oldest first.
    pub fn due_checks(&self, now: NaiveDateTime) -> Result<Vec<QueuedCheck>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, card_json, visit_at, queued_at, shown_result_json, attempts, last_error,
                    next_attempt_at
             FROM queued_checks WHERE done_at IS NULL AND next_attempt_at <= ?1
             ORDER BY next_attempt_at, id",
        )?;
        let rows = stmt.query_map([ts(now)], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, i64>(5)?,
                r.get::<_, Option<String>>(6)?,
                r.get::<_, String>(7)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, card, visit, queued, shown, attempts, last_error, next) = row?;
            let what = |f: &str| format!("queued_checks.{id}.{f}");
            out.push(QueuedCheck {
                id,
                card: from_json(&card, &what("card_json"))?,
                visit_at: parse_ts(&visit, &what("visit_at"))?,
                queued_at: parse_ts(&queued, &what("queued_at"))?,
                shown: shown
                    .map(|s| from_json(&s, &what("shown_result_json")))
                    .transpose()?,
                attempts,
                last_error,
                next_attempt_at: parse_ts(&next, &what("next_attempt_at"))?,
            });
        }
        Ok(out)
    }

    /// Marks a deferred check done with the replayed `result`. Returns what
    /// differs from what was shown at the visit (None when nothing does, and
    /// None, changing nothing, when it was already done: idempotent).
    pub fn complete_queued(
        &mut self,
        id: i64,
        result: &EligibilityResult,
        now: NaiveDateTime,
    ) -> Result<Option<Change>, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let change = complete_queued_in(&tx, id, result, now)?.flatten();
        tx.commit()?;
        Ok(change)
    }

    /// A deferred check replayed: the answer recorded as a check with its
    /// audit entry (see [`Store::record_check_audited`]) and the queued
    /// check marked done — one transaction, so that a crash leaves it
    /// either waiting (replayed again) or done with its one check and
    /// entry. A queued check already done records nothing (`None`).
    pub fn complete_queued_audited(
        &mut self,
        id: i64,
        check: &NewCheck<'_>,
        entry: &crate::audit::NewAuditEntry,
        now: NaiveDateTime,
    ) -> Result<Option<((i64, Audited), Option<Change>)>, StoreError> {
        let seal = self.audit_seal();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let Some(change) = complete_queued_in(&tx, id, check.result, now)? else {
            return Ok(None);
        };
        let recorded = insert_check_audited(&tx, &seal, check, entry)?;
        tx.commit()?;
        if let Ok(e) = &recorded.1 {
            self.audit_appended(e);
        }
        Ok(Some((recorded, change)))
    }

    /// Records a failed replay; the check is due again at `next_attempt_at`.
    /// Does nothing to a check already done.
    pub fn fail_queued(
        &mut self,
        id: i64,
        error: &str,
        next_attempt_at: NaiveDateTime,
    ) -> Result<(), StoreError> {
        let n = self.conn.execute(
            "UPDATE queued_checks SET attempts = attempts + 1, last_error = ?2, next_attempt_at = ?3
             WHERE id = ?1 AND done_at IS NULL",
            params![id, error, ts(next_attempt_at)],
        )?;
        if n == 0 {
            let exists: bool = self
                .conn
                .query_row("SELECT 1 FROM queued_checks WHERE id = ?1", [id], |_| {
                    Ok(true)
                })
                .optional()?
                .unwrap_or(false);
            if !exists {
                return Err(StoreError::NoSuchRow {
                    table: "queued_checks",
                    id,
                });
            }
        }
        Ok(())
    }

    /// Deferred checks not done yet.
    pub fn pending_count(&self) -> Result<i64, StoreError> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM queued_checks WHERE done_at IS NULL",
            [],
            |r| r.get(0),
        )?)
    }

    /// Replays that found something different and nobody has reviewed yet, oldest visit first.
    pub fn changes_to_review(&self) -> Result<Vec<Change>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, change_json FROM queued_checks
             WHERE change_json IS NOT NULL AND reviewed_at IS NULL ORDER BY visit_at, id",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, json) = row?;
            out.push(from_json(
                &json,
                &format!("queued_checks.{id}.change_json"),
            )?);
        }
        Ok(out)
    }

    /// Staff have seen a change: it leaves [`Store::changes_to_review`].
    pub fn mark_reviewed(&mut self, queued_id: i64, now: NaiveDateTime) -> Result<(), StoreError> {
        let n = self.conn.execute(
            "UPDATE queued_checks SET reviewed_at = ?2 WHERE id = ?1 AND reviewed_at IS NULL",
            params![queued_id, ts(now)],
        )?;
        if n == 0
            && self
                .conn
                .query_row(
                    "SELECT 1 FROM queued_checks WHERE id = ?1",
                    [queued_id],
                    |_| Ok(()),
                )
                .optional()?
                .is_none()
        {
            return Err(StoreError::NoSuchRow {
                table: "queued_checks",
                id: queued_id,
            });
        }
        Ok(())
    }

    // ---- medical information (consent required) --------------------------

    /// How many rows of one category of medical information are kept (for
    /// every patient): counts only, no content, so no grant is needed.
    pub fn medical_rows_of(&self, category: madoguchi_core::ConsentCategory) -> Result<i64, StoreError> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM medical_cache WHERE category = ?1",
            [category.as_str()],
            |r| r.get(0),
        )?)
    }

    /// Caches medical information (JSON) of the grant's patient and category.
    /// The grant must be for [`Purpose::Cache`] and valid at `now`. Replaces
    /// what was cached for that patient and category.
    pub fn put_medical(
        &mut self,
        grant: &ConsentGrant,
        json: &str,
        fetched_at: NaiveDateTime,
        now: NaiveDateTime,
    ) -> Result<(), StoreError> {
        grant
            .check(grant.patient_key(), grant.category(), Purpose::Cache, now)
            .map_err(StoreError::ConsentRefused)?;
        serde_json::from_str::<serde_json::Value>(json)
            .map_err(|e| StoreError::Corrupt(format!("medical information to cache: {e}")))?;
        self.conn
            .prepare_cached(
                "INSERT INTO medical_cache (patient_key, category, fetched_at, json) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (patient_key, category)
                 DO UPDATE SET fetched_at = excluded.fetched_at, json = excluded.json",
            )?
            .execute(params![
                grant.patient_key(),
                grant.category().as_str(),
                ts(fetched_at),
                json
            ])?;
        Ok(())
    }

    /// The cached medical information of the grant's patient and category.
    /// The grant must be for [`Purpose::View`] and valid at `now`.
    pub fn get_medical(
        &self,
        grant: &ConsentGrant,
        now: NaiveDateTime,
    ) -> Result<Option<CachedMedical>, StoreError> {
        grant
            .check(grant.patient_key(), grant.category(), Purpose::View, now)
            .map_err(StoreError::ConsentRefused)?;
        let row: Option<(String, String)> = self
            .conn
            .prepare_cached(
                "SELECT json, fetched_at FROM medical_cache WHERE patient_key = ?1 AND category = ?2",
            )?
            .query_row(params![grant.patient_key(), grant.category().as_str()], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        row.map(|(json, at)| {
            Ok(CachedMedical {
                json,
                fetched_at: parse_ts(&at, "medical_cache.fetched_at")?,
            })
        })
        .transpose()
    }

    /// Deletes medical information fetched more than `retention` before
    /// `now`. Eligibility records are kept (see the module docs).
    pub fn purge(
        &mut self,
        now: NaiveDateTime,
        retention: chrono::Duration,
    ) -> Result<PurgeReport, StoreError> {
        let cutoff = now - retention;
        let n = self.conn.execute(
            "DELETE FROM medical_cache WHERE fetched_at < ?1",
            [ts(cutoff)],
        )?;
        Ok(PurgeReport {
            cutoff,
            medical_rows_deleted: n,
        })
    }

    pub fn stats(&self) -> Result<CacheStats, StoreError> {
        let c = &self.conn;
        let (checks, oldest): (i64, Option<String>) =
            c.query_row("SELECT count(*), min(checked_at) FROM checks", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        Ok(CacheStats {
            checks,
            people: c.query_row(
                "SELECT count(*) FROM (SELECT DISTINCT person_key, birth_date FROM checks)",
                [],
                |r| r.get(0),
            )?,
            oldest: oldest
                .map(|o| parse_ts(&o, "checks.checked_at"))
                .transpose()?,
            queue_length: self.pending_count()?,
            medical_rows: c.query_row("SELECT count(*) FROM medical_cache", [], |r| r.get(0))?,
        })
    }
}

pub(crate) fn integrity_check(conn: &Connection, encrypted: bool) -> Result<(), StoreError> {
    let mut problems: Vec<String> = conn
        .prepare("PRAGMA integrity_check")?
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<Result<_, _>>()?;
    if problems == ["ok"] {
        problems.clear();
    }
    if encrypted {
        let cipher: Vec<String> = conn
            .prepare("PRAGMA cipher_integrity_check")?
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<Result<_, _>>()?;
        problems.extend(cipher);
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Corrupt(problems.join("; ")))
    }
}

/// Marks queued check `id` done inside `tx`: `None` when it was done
/// already (nothing changed), else what differs from what was shown.
fn complete_queued_in(
    tx: &Connection,
    id: i64,
    result: &EligibilityResult,
    now: NaiveDateTime,
) -> Result<Option<Option<Change>>, StoreError> {
    let row: Option<(String, String, Option<String>, Option<String>)> = tx
        .query_row(
            "SELECT person_key, visit_at, shown_result_json, done_at FROM queued_checks WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    let Some((person_key, visit_at, shown, done_at)) = row else {
        return Err(StoreError::NoSuchRow {
            table: "queued_checks",
            id,
        });
    };
    if done_at.is_some() {
        return Ok(None);
    }
    let shown: Option<EligibilityResult> = shown
        .map(|s| from_json(&s, &format!("queued_checks.{id}.shown_result_json")))
        .transpose()?;
    let differences = differences(shown.as_ref(), result);
    let visit_at = parse_ts(&visit_at, &format!("queued_checks.{id}.visit_at"))?;
    let change = (!differences.is_empty()).then(|| Change {
        queued_id: id,
        person_key,
        visit_at,
        completed_at: now,
        nothing_shown: shown.is_none(),
        differences,
    });
    tx.execute(
        "UPDATE queued_checks SET done_at = ?2, replay_result_json = ?3, change_json = ?4,
                attempts = attempts + 1, last_error = NULL
         WHERE id = ?1",
        params![
            id,
            ts(now),
            to_json(result)?,
            change.as_ref().map(to_json).transpose()?
        ],
    )?;
    Ok(Some(change))
}

/// Whether a check's audit entry was appended (beside the check's id).
pub type Audited = Result<crate::audit::AuditEntry, crate::audit::AuditError>;

/// Inserts a check and appends its audit entry, naming the check
/// (`detail.check_id`), inside the caller's transaction: every path that
/// records a check comes here, so that a check and its entry commit
/// together or not at all. The entry is appended under a savepoint: should
/// it fail, the check is still recorded and the error answered.
pub(crate) fn insert_check_audited(
    tx: &Connection,
    seal: &crate::audit::Seal,
    check: &NewCheck<'_>,
    entry: &crate::audit::NewAuditEntry,
) -> Result<(i64, Audited), StoreError> {
    let id = insert_check(tx, check)?;
    let entry = entry.clone().with_detail("check_id", id.into());
    tx.execute_batch("SAVEPOINT check_audit_entry")?;
    let audited = crate::audit::append_within(tx, seal, &entry);
    if audited.is_ok() {
        tx.execute_batch("RELEASE check_audit_entry")?;
    } else {
        tx.execute_batch("ROLLBACK TO check_audit_entry; RELEASE check_audit_entry")?;
    }
    Ok((id, audited))
}

fn insert_check(conn: &Connection, check: &NewCheck<'_>) -> Result<i64, StoreError> {
    let r = check.result;
    let (person_key, insurer) = match (&r.qualification, check.asked.or(r.asked.as_ref())) {
        (Some(q), _) => (
            format!(
                "{}:{}:{}:{}",
                q.insurer_number,
                q.symbol,
                q.number,
                q.branch.as_deref().unwrap_or("")
            ),
            q.insurer_number.to_string(),
        ),
        (None, Some(a)) => (a.person_key(), a.insurer_number.to_string()),
        (None, None) => (String::new(), String::new()),
    };
    let birth = r
        .person
        .as_ref()
        .map(|p| p.birth_date)
        .or(check.asked.map(|a| a.birth_date))
        .or(r.asked.as_ref().map(|a| a.birth_date))
        .map(|d| d.to_string());
    let asked_json = check.asked.map(to_json).transpose()?;
    let result_json = to_json(r)?;
    conn.prepare_cached(
        "INSERT INTO checks (checked_at, check_date, staff, person_key, insurer_number, birth_date,
                             name, validity, copay, source, asked_json, result_json, cacheable)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?
    .execute(params![
        check.checked_at.format(TS).to_string(),
        check.checked_at.date().to_string(),
        check.staff,
        person_key,
        insurer,
        birth,
        r.person.as_ref().map(|p| p.name.clone()),
        r.validity.code(),
        r.effective_copay().map(|c| c.0),
        enum_text(&r.source),
        asked_json,
        result_json,
        r.error.is_none(),
    ])?;
    Ok(conn.last_insert_rowid())
}

/// What differs, fact by fact, between what was shown and the replay.
fn differences(shown: Option<&EligibilityResult>, replayed: &EligibilityResult) -> Vec<Difference> {
    type Fact = fn(&EligibilityResult) -> Option<String>;
    let facts: [(ChangedField, Fact); 6] = [
        (ChangedField::Validity, |r| {
            Some(r.validity.code().to_string())
        }),
        (ChangedField::InsurerNumber, |r| {
            r.qualification
                .as_ref()
                .map(|q| q.insurer_number.to_string())
        }),
        (ChangedField::InsurerName, |r| {
            r.qualification
                .as_ref()
                .and_then(|q| q.insurer_name.clone())
        }),
        (ChangedField::Copay, |r| {
            r.effective_copay().map(|c| c.0.to_string())
        }),
        (ChangedField::ValidFrom, |r| {
            r.qualification
                .as_ref()
                .and_then(|q| q.valid_from)
                .map(|d| d.to_string())
        }),
        (ChangedField::ValidUntil, |r| {
            r.qualification
                .as_ref()
                .and_then(|q| q.valid_until)
                .map(|d| d.to_string())
        }),
    ];
    facts
        .iter()
        .filter_map(|(field, fact)| {
            let s = shown.and_then(fact);
            let r = fact(replayed);
            (s != r).then_some(Difference {
                field: *field,
                shown: s,
                replayed: r,
            })
        })
        .collect()
}

fn ts(t: NaiveDateTime) -> String {
    t.format(TS_FRACTION).to_string()
}

fn parse_ts(s: &str, what: &str) -> Result<NaiveDateTime, StoreError> {
    NaiveDateTime::parse_from_str(s, TS_FRACTION)
        .map_err(|e| StoreError::Corrupt(format!("{what} = {s}: {e}")))
}

fn to_json<T: Serialize + ?Sized>(v: &T) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn from_json<T: serde::de::DeserializeOwned>(s: &str, what: &str) -> Result<T, StoreError> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

/// The serde name of a unit enum variant (`training_service`).
fn enum_text<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_database_gets_the_latest_schema() {
        let store = Store::open_in_memory().unwrap();
        assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    }

    /// Rows written at version `v` by the SQL of that version.
    fn seed_at(conn: &Connection, v: i64) {
        if v >= 1 {
            conn.execute(
                "INSERT INTO checks (checked_at, check_date, staff, person_key, insurer_number, birth_date,
                                     name, validity, copay, source, asked_json, result_json)
                 VALUES ('2026-11-20T09:00:00', '2026-11-20', 'desk', '06139999:1:2:', '06139999',
                         '1980-01-01', NULL, '1', NULL, 'training_service', NULL,
                         '{\"error\":{\"code\":\"E1\",\"message\":null}}')",
                [],
            )
            .unwrap();
        }
        if v >= 3 {
            conn.execute(
                "INSERT INTO queued_checks (person_key, card_json, visit_at, queued_at, next_attempt_at)
                 VALUES ('k', '{}', '2026-11-20T09:00:00', '2026-11-20T09:00:00', '2026-11-20T09:00:00')",
                [],
            )
            .unwrap();
        }
        if v >= 5 {
            conn.execute(
                "INSERT INTO batches (created_at, staff, state, bad_rows_json)
                 VALUES ('2026-11-20T09:00:00', 'desk', 'open', '[]')",
                [],
            )
            .unwrap();
        }
        if v >= 4 {
            conn.execute(
                "INSERT INTO medical_cache (patient_key, category, fetched_at, json)
                 VALUES ('k', 'medication', '2026-11-20T09:00:00', '[]')",
                [],
            )
            .unwrap();
        }
        if v >= 7 {
            conn.execute(
                "INSERT INTO consents (patient_key, category, given_at, valid_until, source, reason,
                                       recorded_by, recorded_role, recorded_at, check_id)
                 VALUES ('06139999:1:2:', 'medication', '2026-11-20T09:00:00', '2026-11-21T09:00:00',
                         'disaster_oral', NULL, 'dr1', 'qualified', '2026-11-20T09:00:00', NULL)",
                [],
            )
            .unwrap();
        }
    }

    #[test]
    fn every_earlier_schema_upgrades_with_its_rows() {
        for start in 0..SCHEMA_VERSION {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("m.sqlite");
            {
                let conn = Connection::open(&path).unwrap();
                let mut s = Store {
                    conn,
                    path: None,
                    encrypted: false,
                    audit: None,
                };
                s.migrate(start).unwrap();
                assert_eq!(s.schema_version().unwrap(), start);
                seed_at(&s.conn, start);
            }
            let s = Store::open(&path).unwrap();
            assert_eq!(s.schema_version().unwrap(), SCHEMA_VERSION, "from {start}");
            let st = s.stats().unwrap();
            assert_eq!(st.checks, i64::from(start >= 1), "from {start}");
            assert_eq!(st.queue_length, i64::from(start >= 3), "from {start}");
            assert_eq!(st.medical_rows, i64::from(start >= 4), "from {start}");
            assert_eq!(s.batches(false).unwrap().len(), usize::from(start >= 5), "from {start}");
            // Consents recorded at the desk (7) are kept; the table exists from any start.
            assert_eq!(s.consents_for("06139999:1:2:").unwrap().len(), usize::from(start >= 7), "from {start}");
            if start >= 1 {
                // Migration 2 marks a check that carries a processing error as not cacheable.
                let cacheable: i64 = s
                    .conn
                    .query_row("SELECT cacheable FROM checks", [], |r| r.get(0))
                    .unwrap();
                assert_eq!(cacheable, i64::from(start >= 2), "from {start}");
            }
            let indexes: Vec<String> = s
                .conn
                .prepare(
                    "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'checks'",
                )
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            assert!(indexes.contains(&"checks_by_card".to_string()));
            assert!(!indexes.contains(&"checks_by_person".to_string()));
            s.integrity_check().unwrap();
        }
    }

    #[test]
    fn the_cache_lookup_uses_the_index() {
        let s = Store::open_in_memory().unwrap();
        // The very query `cached_result` runs, not a copy of it.
        let plan: Vec<String> = s
            .conn
            .prepare(&format!("EXPLAIN QUERY PLAN {}", Store::CACHED_RESULT_SQL))
            .unwrap()
            .query_map(["a", "b"], |r| r.get::<_, String>(3))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let plan = plan.join(" | ");
        assert!(plan.contains("USING INDEX checks_by_card"), "{plan}");
        assert!(!plan.contains("TEMP B-TREE"), "{plan}");
    }

    #[test]
    fn a_newer_schema_is_refused_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.sqlite");
        {
            let conn = Connection::open(&path).unwrap();
            conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
                .unwrap();
        }
        match Store::open(&path) {
            Err(StoreError::TooNew { found, .. }) => assert_eq!(found, SCHEMA_VERSION + 1),
            Err(e) => panic!("unexpected error {e}"),
            Ok(_) => panic!("a newer schema must be refused"),
        }
    }
}
