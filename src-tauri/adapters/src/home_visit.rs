//! Home visits (居宅同意取得型) in the store: each visit with the consent it
//! recorded (first visit) or re-used (later visit), how identity was
//! confirmed, which reader read the card, and the check it made — or the
//! deferred check it queued when the home had no connection.
//!
//! The table is made by the store's numbered migration 10 ([`SCHEMA`]), in
//! the same database, so it is encrypted and backed up with everything else.
//! The migration says `IF NOT EXISTS`: a database of an earlier version may
//! already have the table (this module used to create it on first use).
//!
//! **Confirmed** is not a column that someone must remember to update: a
//! visit is confirmed when it made its check online (no `queued_id`), or
//! once its queued check was replayed (`queued_checks.done_at`) — read
//! through a join every time.

use chrono::{NaiveDate, NaiveDateTime};
use madoguchi_core::home_visit::{FirstVisit, IdentityCheck};
use madoguchi_core::{CardDetails, ConsentCategory};
use rusqlite::{params, OptionalExtension, Row};
use serde::Serialize;

use crate::store::{Store, StoreError};

/// The migration that makes the table (idempotent, see the module doc).
pub(crate) const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS home_visits (
        id INTEGER PRIMARY KEY,
        person_key TEXT NOT NULL,
        birth_date TEXT NOT NULL,
        card_json TEXT NOT NULL,
        visited_at TEXT NOT NULL,
        staff TEXT NOT NULL,
        first_visit_id INTEGER REFERENCES home_visits(id),
        categories_json TEXT NOT NULL,
        valid_until TEXT NOT NULL,
        identity_json TEXT NOT NULL,
        reader TEXT NOT NULL,
        check_id INTEGER,
        queued_id INTEGER
    );
    CREATE INDEX IF NOT EXISTS home_visits_by_person ON home_visits(person_key, birth_date, visited_at);";

const TS: &str = "%Y-%m-%dT%H:%M:%S";

/// A visit to record.
#[derive(Debug, Clone)]
pub struct NewHomeVisit<'a> {
    pub card: &'a CardDetails,
    pub visited_at: NaiveDateTime,
    pub staff: &'a str,
    /// `None` for a first visit; the first visit's id for a later one.
    pub first_visit_id: Option<i64>,
    pub categories: &'a [ConsentCategory],
    pub valid_until: NaiveDateTime,
    pub identity: &'a IdentityCheck,
    /// `ReaderKind::as_str` (or `first_visit` for a later visit).
    pub reader: &'a str,
    pub check_id: Option<i64>,
    pub queued_id: Option<i64>,
}

pub use madoguchi_core::home_visit::HomeVisit;



fn json<T: Serialize + ?Sized>(v: &T) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn unjson<T: serde::de::DeserializeOwned>(s: &str, what: &str) -> Result<T, StoreError> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

fn time(s: &str, what: &str) -> Result<NaiveDateTime, StoreError> {
    NaiveDateTime::parse_from_str(s, TS)
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f"))
        .map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

const SELECT: &str = "SELECT v.id, v.person_key, v.card_json, v.visited_at, v.staff, v.first_visit_id,
        v.categories_json, v.valid_until, v.identity_json, v.reader, v.check_id, v.queued_id,
        CASE WHEN v.queued_id IS NULL THEN v.visited_at ELSE q.done_at END
    FROM home_visits v LEFT JOIN queued_checks q ON q.id = v.queued_id";

type Raw = (i64, String, String, String, String, Option<i64>, String, String, String, String, Option<i64>, Option<i64>, Option<String>);

fn raw(r: &Row<'_>) -> rusqlite::Result<Raw> {
    Ok((
        r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?,
        r.get(7)?, r.get(8)?, r.get(9)?, r.get(10)?, r.get(11)?, r.get(12)?,
    ))
}

fn visit(raw: Raw) -> Result<HomeVisit, StoreError> {
    let (id, person_key, card, visited_at, staff, first_visit_id, cats, valid_until, identity, reader, check_id, queued_id, confirmed) = raw;
    let what = |f: &str| format!("home_visits.{id}.{f}");
    Ok(HomeVisit {
        id,
        person_key,
        card: unjson(&card, &what("card_json"))?,
        visited_at: time(&visited_at, &what("visited_at"))?,
        staff,
        first_visit_id,
        categories: unjson(&cats, &what("categories_json"))?,
        valid_until: time(&valid_until, &what("valid_until"))?,
        identity: unjson(&identity, &what("identity_json"))?,
        reader,
        check_id,
        queued_id,
        confirmed_at: confirmed.map(|c| time(&c, &what("confirmed_at"))).transpose()?,
    })
}

impl Store {
    /// Records a home visit; returns its id.
    pub fn record_home_visit(&mut self, v: &NewHomeVisit<'_>) -> Result<i64, StoreError> {
        let conn = self.conn();
        conn.execute(
            "INSERT INTO home_visits (person_key, birth_date, card_json, visited_at, staff, first_visit_id,
                categories_json, valid_until, identity_json, reader, check_id, queued_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            params![
                v.card.person_key(),
                v.card.birth_date.to_string(),
                json(v.card)?,
                v.visited_at.format(TS).to_string(),
                v.staff,
                v.first_visit_id,
                json(v.categories)?,
                v.valid_until.format(TS).to_string(),
                json(v.identity)?,
                v.reader,
                v.check_id,
                v.queued_id,
            ],
        )?;
        Ok(conn.last_insert_rowid())
    }

    /// One visit.
    pub fn home_visit(&self, id: i64) -> Result<Option<HomeVisit>, StoreError> {
        let conn = self.conn();
        let row = conn.query_row(&format!("{SELECT} WHERE v.id = ?1"), [id], raw).optional()?;
        row.map(visit).transpose()
    }

    /// The first visits of one card (for the re-use rule), oldest first.
    pub fn first_home_visits(&self, person_key: &str, birth: NaiveDate) -> Result<Vec<FirstVisit>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "{SELECT} WHERE v.person_key = ?1 AND v.birth_date = ?2 AND v.first_visit_id IS NULL ORDER BY v.visited_at, v.id"
        ))?;
        let rows = stmt.query_map(params![person_key, birth.to_string()], raw)?;
        let mut out = Vec::new();
        for r in rows {
            out.extend(visit(r?)?.as_first_visit());
        }
        Ok(out)
    }

    /// Visits made from `from` on, newest first.
    pub fn home_visits_since(&self, from: NaiveDateTime) -> Result<Vec<HomeVisit>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!("{SELECT} WHERE v.visited_at >= ?1 ORDER BY v.visited_at DESC, v.id DESC"))?;
        let rows = stmt.query_map([from.format(TS).to_string()], raw)?;
        rows.map(|r| visit(r?)).collect()
    }

    /// The newest deferred check not yet replayed for a card key (the one a
    /// check that just went offline queued).
    pub fn latest_open_queued(&self, person_key: &str) -> Result<Option<i64>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                "SELECT id FROM queued_checks WHERE person_key = ?1 AND done_at IS NULL ORDER BY id DESC LIMIT 1",
                [person_key],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Makes every deferred check due at `now` (staff asked to send now and
    /// the service answers: no reason to wait out the backoff).
    pub fn make_queued_due(&mut self, now: NaiveDateTime) -> Result<usize, StoreError> {
        let now = now.format(TS).to_string();
        Ok(self.conn().execute(
            "UPDATE queued_checks SET next_attempt_at = ?1 WHERE done_at IS NULL AND next_attempt_at > ?1",
            [now],
        )?)
    }
}
