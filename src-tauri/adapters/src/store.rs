//! The local SQLite store: today's checks (the start of the offline cache).
//! The only module that knows the schema and speaks SQL.
//!
//! Migrations are a numbered list applied in order, the version kept in
//! `PRAGMA user_version`. Hand-written instead of a migration crate: it is a
//! dozen lines, has no version coupling to rusqlite, and the upgrade test
//! below opens a database at every earlier version.

use std::path::Path;

use chrono::{NaiveDate, NaiveDateTime};
use madoguchi_core::{CardDetails, CheckSummary, EligibilityResult};
use rusqlite::{params, Connection, OptionalExtension};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the local database {path} cannot be opened: {detail}")]
    Open { path: String, detail: String },
    #[error("the local database was written by a newer Madoguchi (schema {found}, this version knows up to {known})")]
    TooNew { found: i64, known: i64 },
    #[error("local database error: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("a stored result cannot be read: {0}")]
    Corrupt(String),
}

impl StoreError {
    pub fn message_id(&self) -> &'static str {
        match self {
            StoreError::Open { .. } => "store-open",
            StoreError::TooNew { .. } => "store-too-new",
            StoreError::Sql(_) => "store-sql",
            StoreError::Corrupt(_) => "store-corrupt",
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
];

pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

pub struct Store {
    conn: Connection,
}

/// What to record for one check.
pub struct NewCheck<'a> {
    pub checked_at: NaiveDateTime,
    pub staff: &'a str,
    pub asked: Option<&'a CardDetails>,
    pub result: &'a EligibilityResult,
}

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its schema
    /// up to date.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Open {
                path: path.display().to_string(),
                detail: e.to_string(),
            })?;
        }
        let conn = Connection::open(path).map_err(|e| StoreError::Open {
            path: path.display().to_string(),
            detail: e.to_string(),
        })?;
        Self::init(conn)
    }

    pub fn open_in_memory() -> Result<Store, StoreError> {
        Self::init(Connection::open_in_memory()?)
    }

    fn init(conn: Connection) -> Result<Store, StoreError> {
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let mut store = Store { conn };
        store.migrate(SCHEMA_VERSION)?;
        Ok(store)
    }

    /// Brings the schema to `target` (used by the upgrade tests with earlier targets).
    fn migrate(&mut self, target: i64) -> Result<(), StoreError> {
        let current = self.schema_version()?;
        if current > SCHEMA_VERSION {
            return Err(StoreError::TooNew { found: current, known: SCHEMA_VERSION });
        }
        for version in current + 1..=target {
            let tx = self.conn.transaction()?;
            tx.execute_batch(MIGRATIONS[(version - 1) as usize])?;
            tx.pragma_update(None, "user_version", version)?;
            tx.commit()?;
        }
        Ok(())
    }

    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self.conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    /// Records one check; returns its id.
    pub fn record_check(&mut self, check: &NewCheck<'_>) -> Result<i64, StoreError> {
        let r = check.result;
        let (person_key, insurer) = match (&r.qualification, check.asked.or(r.asked.as_ref())) {
            (Some(q), _) => (
                format!("{}:{}:{}:{}", q.insurer_number, q.symbol, q.number, q.branch.as_deref().unwrap_or("")),
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
            .map(|d| d.to_string());
        let asked_json = check.asked.map(serde_json::to_string).transpose().map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let result_json = serde_json::to_string(r).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        self.conn.execute(
            "INSERT INTO checks (checked_at, check_date, staff, person_key, insurer_number, birth_date,
                                 name, validity, copay, source, asked_json, result_json)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            params![
                check.checked_at.format("%Y-%m-%dT%H:%M:%S").to_string(),
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
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
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
                checked_at: NaiveDateTime::parse_from_str(&at, "%Y-%m-%dT%H:%M:%S")
                    .map_err(|e| StoreError::Corrupt(format!("checks.{id}.checked_at: {e}")))?,
                person_key,
                name,
                insurer_number,
                validity: madoguchi_core::codes::Validity::from_code(&validity)
                    .ok_or_else(|| StoreError::Corrupt(format!("checks.{id}.validity = {validity}")))?,
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
            .query_row("SELECT result_json FROM checks WHERE id = ?1", [id], |r| r.get(0))
            .optional()?;
        json.map(|j| serde_json::from_str(&j).map_err(|e| StoreError::Corrupt(format!("checks.{id}: {e}"))))
            .transpose()
    }
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

    #[test]
    fn every_earlier_schema_upgrades() {
        for start in 0..SCHEMA_VERSION {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("m.sqlite");
            {
                let conn = Connection::open(&path).unwrap();
                let mut s = Store { conn };
                s.migrate(start).unwrap();
                assert_eq!(s.schema_version().unwrap(), start);
            }
            let s = Store::open(&path).unwrap();
            assert_eq!(s.schema_version().unwrap(), SCHEMA_VERSION);
        }
    }

    #[test]
    fn a_newer_schema_is_refused_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.sqlite");
        {
            let conn = Connection::open(&path).unwrap();
            conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1).unwrap();
        }
        match Store::open(&path) {
            Err(StoreError::TooNew { found, .. }) => assert_eq!(found, SCHEMA_VERSION + 1),
            Err(e) => panic!("unexpected error {e}"),
            Ok(_) => panic!("a newer schema must be refused"),
        }
    }
}
