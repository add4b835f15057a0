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

mod file;
pub use file::*;
mod migrations;
pub use migrations::SCHEMA_VERSION;
#[cfg(test)]
use migrations::MIGRATIONS;
mod checks;
pub use checks::*;
mod queue;
pub use queue::*;
mod medical;
pub use medical::*;

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

impl Store {
    /// The staff accounts, a table of this (encrypted) database: each
    /// credential change appends its audit entry, with this store's seal,
    /// in the same transaction.
    pub fn accounts(&self) -> crate::accounts::Accounts<'_> {
        crate::accounts::Accounts::new(&self.conn, self.audit_seal())
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

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

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
            // Home visits (10) have their table from any start.
            assert!(s.home_visits_since(NaiveDateTime::MIN).unwrap().is_empty(), "from {start}");
            s.integrity_check().unwrap();
        }
    }

    /// A database of the version before migration 10, whose `home_visit`
    /// module had already made its own table on first use (its SQL then,
    /// verbatim) and recorded a visit: upgrades, the visit kept.
    #[test]
    fn a_database_with_the_home_visits_table_of_before_upgrades() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.sqlite");
        {
            let conn = Connection::open(&path).unwrap();
            let mut s = Store { conn, path: None, encrypted: false, audit: None };
            s.migrate(9).unwrap();
            s.conn
                // The SQL of before, kept as it was (not migration 10's text,
                // which may change).
                .execute_batch(include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/home_visits_before_migration_10.sql")))
                .unwrap();
            s.conn
                .execute(
                    "INSERT INTO home_visits (person_key, birth_date, card_json, visited_at, staff,
                                              categories_json, valid_until, identity_json, reader)
                     VALUES ('k', '1980-01-01', '{}', '2026-11-20T09:00:00', 'desk', '[]',
                             '2026-12-20T09:00:00', '{}', 'sim')",
                    [],
                )
                .unwrap();
            assert_eq!(s.schema_version().unwrap(), 9);
        }
        let s = Store::open(&path).unwrap();
        assert_eq!(s.schema_version().unwrap(), SCHEMA_VERSION);
        assert!(SCHEMA_VERSION >= 10);
        let kept: i64 = s.conn.query_row("SELECT count(*) FROM home_visits", [], |r| r.get(0)).unwrap();
        assert_eq!(kept, 1);
        s.integrity_check().unwrap();
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