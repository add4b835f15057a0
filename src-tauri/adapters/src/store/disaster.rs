//! 災害時モード state (tables `local_emergencies` and `disaster_matches`,
//! migration [`LOCAL_STATE`]): whether the facility's local emergency is in
//! force, and which patients a disaster look-up found — read as state, never
//! derived from the audit log's texts.
//!
//! * A local emergency is a row from its declaration to its end
//!   (`ended_at`); at most one is in force (a trigger refuses a second).
//!   Declaring and ending write the row and the audit entry in one
//!   transaction: both or neither.
//! * No index: both tables stay small (a row per declaration, per disaster
//!   look-up that found someone), and the schema's pages count on a full disk.
//! * A disaster match is a row per patient a look-up found (exactly one
//!   person), written in the same transaction as the look-up's audit entry
//!   (its `audit_seq`). A disaster consent may be recorded only for a patient
//!   with a match in the hours before.
//! * The migration takes over what a database of an earlier version kept in
//!   its log ([`LOCAL_STATE_BACKFILL`]): an emergency in force (the last
//!   `local_emergency` declaration or end was a declaration) and every
//!   look-up that found someone.
//!
//! Times are stored as the audit log stores them (`%Y-%m-%dT%H:%M:%S%.9f`,
//! fixed width), so that they compare as text.

use chrono::NaiveDateTime;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};

use super::{parse_ts, Audited, Store, StoreError};
use crate::audit::{AuditEntry, NewAuditEntry};

/// The migration that makes the two tables.
pub(super) const LOCAL_STATE: &str = "CREATE TABLE local_emergencies (
        id INTEGER PRIMARY KEY,
        declared_at TEXT NOT NULL,
        declared_by TEXT NOT NULL,
        reason TEXT,
        ended_at TEXT,
        ended_by TEXT
    );
    CREATE TRIGGER local_emergency_one_in_force BEFORE INSERT ON local_emergencies
    WHEN NEW.ended_at IS NULL AND EXISTS (SELECT 1 FROM local_emergencies WHERE ended_at IS NULL)
    BEGIN SELECT RAISE(ABORT, 'a local emergency is in force already'); END;
    CREATE TABLE disaster_matches (
        id INTEGER PRIMARY KEY,
        patient_key TEXT NOT NULL,
        matched_at TEXT NOT NULL,
        staff_id TEXT NOT NULL,
        mode TEXT,
        audit_seq INTEGER
    );";

/// Run with [`LOCAL_STATE`] when the database has an audit log (one of an
/// earlier version): the state its log kept. The codes are those earlier
/// versions wrote (`AuditAction::LocalEmergency`, `Outcome::EmergencyDeclared`
/// / `EmergencyEnded`, `AuditAction::DisasterLookup` with
/// `DisasterResult::Found`); a test checks them against the core's.
pub(super) const LOCAL_STATE_BACKFILL: &str = "INSERT INTO local_emergencies (declared_at, declared_by, reason)
        SELECT at, staff_id, reason FROM audit_log
        WHERE seq = (SELECT MAX(seq) FROM audit_log
                     WHERE action = 'local_emergency' AND outcome IN ('declared', 'ended'))
          AND outcome = 'declared';
    INSERT INTO disaster_matches (patient_key, matched_at, staff_id, mode, audit_seq)
        SELECT patient_key, at, staff_id, json_extract(detail, '$.mode'), seq FROM audit_log
        WHERE action = 'disaster_lookup' AND outcome = 'found' AND patient_key IS NOT NULL
        ORDER BY seq;";

const TIME: &str = "%Y-%m-%dT%H:%M:%S%.9f";

fn time(t: NaiveDateTime) -> String {
    t.format(TIME).to_string()
}

/// The facility's local emergency, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmergencyRow {
    pub id: i64,
    pub declared_at: NaiveDateTime,
    pub declared_by: String,
    pub reason: Option<String>,
}

/// A patient a disaster look-up found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDisasterMatch<'a> {
    pub patient_key: &'a str,
    /// `online` or `offline`.
    pub mode: Option<&'a str>,
}

fn in_force(conn: &Connection) -> Result<Option<EmergencyRow>, StoreError> {
    let row = conn
        .query_row(
            "SELECT id, declared_at, declared_by, reason FROM local_emergencies WHERE ended_at IS NULL ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, Option<String>>(3)?)),
        )
        .optional()?;
    row.map(|(id, at, by, reason)| {
        Ok(EmergencyRow { id, declared_at: parse_ts(&at, "local_emergencies.declared_at")?, declared_by: by, reason })
    })
    .transpose()
}

/// Appends `entry` inside the caller's transaction; an entry that does not
/// append undoes the transaction (the state is never changed unlogged).
fn append(conn: &Connection, seal: &crate::audit::Seal, entry: &NewAuditEntry) -> Result<AuditEntry, StoreError> {
    crate::audit::append_within(conn, seal, entry).map_err(|e| match e {
        crate::audit::AuditError::Sql(e) => StoreError::from(e),
        other => StoreError::Corrupt(other.to_string()),
    })
}

impl Store {
    /// The local emergency in force, if any.
    pub fn local_emergency(&self) -> Result<Option<EmergencyRow>, StoreError> {
        in_force(&self.conn)
    }

    /// Declares the local emergency by `by` at `at` with `reason`, and
    /// appends `entry` (its audit entry), in one transaction. When one is in
    /// force already, nothing is written and that one is answered (`false`).
    pub fn declare_local_emergency(
        &mut self,
        by: &str,
        reason: &str,
        at: NaiveDateTime,
        entry: &NewAuditEntry,
    ) -> Result<(EmergencyRow, bool), StoreError> {
        let seal = self.audit_seal();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        if let Some(e) = in_force(&tx)? {
            return Ok((e, false));
        }
        tx.execute(
            "INSERT INTO local_emergencies (declared_at, declared_by, reason) VALUES (?1, ?2, ?3)",
            params![time(at), by, reason],
        )?;
        let id = tx.last_insert_rowid();
        let appended = append(&tx, &seal, entry)?;
        tx.commit()?;
        self.audit_appended(&appended);
        Ok((EmergencyRow { id, declared_at: at, declared_by: by.to_string(), reason: Some(reason.to_string()) }, true))
    }

    /// Ends the local emergency in force (by `by` at `at`), and appends
    /// `entry`, in one transaction; `false` (nothing written) when none is in
    /// force.
    pub fn end_local_emergency(&mut self, by: &str, at: NaiveDateTime, entry: &NewAuditEntry) -> Result<bool, StoreError> {
        let seal = self.audit_seal();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let ended = tx.execute(
            "UPDATE local_emergencies SET ended_at = ?1, ended_by = ?2 WHERE ended_at IS NULL",
            params![time(at), by],
        )?;
        if ended == 0 {
            return Ok(false);
        }
        let appended = append(&tx, &seal, entry)?;
        tx.commit()?;
        self.audit_appended(&appended);
        Ok(true)
    }

    /// Appends a disaster look-up's audit entry and, when it found someone,
    /// the match, in one transaction (the match names the entry's seq). An
    /// entry that does not append is answered beside (a look-up's answer is
    /// never lost for the log's sake), and then no match is kept: a consent
    /// can only follow a logged look-up.
    pub fn record_disaster_lookup(
        &mut self,
        entry: &NewAuditEntry,
        found: Option<&NewDisasterMatch<'_>>,
    ) -> Result<Audited, StoreError> {
        let seal = self.audit_seal();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let appended = match crate::audit::append_within(&tx, &seal, entry) {
            Ok(a) => a,
            Err(e) => return Ok(Err(e)),
        };
        if let Some(m) = found {
            tx.execute(
                "INSERT INTO disaster_matches (patient_key, matched_at, staff_id, mode, audit_seq) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![m.patient_key, time(entry.at), entry.staff_id, m.mode, appended.seq],
            )?;
        }
        tx.commit()?;
        self.audit_appended(&appended);
        Ok(Ok(appended))
    }

    /// Did a disaster look-up find `patient_key` at a time in `from..=to`?
    pub fn disaster_match_between(&self, patient_key: &str, from: NaiveDateTime, to: NaiveDateTime) -> Result<bool, StoreError> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM disaster_matches WHERE patient_key = ?1 AND matched_at >= ?2 AND matched_at <= ?3)",
            params![patient_key, time(from), time(to)],
            |r| r.get::<_, bool>(0),
        )?)
    }
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
    use madoguchi_core::audit::{AuditAction, DisasterResult, Outcome};

    use super::super::{Store, SCHEMA_VERSION};
    use super::NewDisasterMatch;
    use crate::audit::NewAuditEntry;

    fn at(h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 12, 7).unwrap().and_hms_opt(h, m, 0).unwrap()
    }

    fn entry(t: NaiveDateTime, action: AuditAction, outcome: Outcome, key: Option<&str>) -> NewAuditEntry {
        NewAuditEntry {
            at: t,
            staff_id: "kanri".into(),
            role: None,
            action,
            patient_key: key.map(str::to_string),
            outcome,
            reason: Some("停電".into()),
            detail: Some(serde_json::json!({ "mode": "offline" })),
        }
    }

    /// A store whose log holds `entries`, taken back to the schema before
    /// the 災害時モード tables (as an earlier version left it), opened again.
    fn upgraded(entries: &[NewAuditEntry]) -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.sqlite");
        {
            let s = Store::open(&path).unwrap();
            for e in entries {
                s.audit_append(e).unwrap();
            }
            s.conn
                .execute_batch(&format!(
                    "DROP TABLE local_emergencies; DROP TABLE disaster_matches; PRAGMA user_version = {};",
                    // The version just before this migration (later ones are idempotent).
                    super::super::MIGRATIONS.iter().position(|m| *m == super::LOCAL_STATE).unwrap()
                ))
                .unwrap();
        }
        let s = Store::open(&path).unwrap();
        assert_eq!(s.schema_version().unwrap(), SCHEMA_VERSION);
        (dir, s)
    }

    #[test]
    fn an_emergency_declared_before_the_upgrade_is_still_in_force() {
        use AuditAction::LocalEmergency as L;
        let (_dir, s) = upgraded(&[
            entry(at(8, 0), L, Outcome::EmergencyDeclared, None),
            entry(at(9, 0), L, Outcome::EmergencyEnded, None),
            entry(at(10, 0), L, Outcome::EmergencyDeclared, None),
            // A refused attempt changes nothing.
            entry(at(10, 5), L, Outcome::Denied, None),
        ]);
        let e = s.local_emergency().unwrap().expect("in force");
        assert_eq!((e.declared_at, e.declared_by.as_str(), e.reason.as_deref()), (at(10, 0), "kanri", Some("停電")));
        s.audit_verify().unwrap();
    }

    #[test]
    fn an_emergency_ended_before_the_upgrade_stays_ended() {
        use AuditAction::LocalEmergency as L;
        let (_dir, s) = upgraded(&[
            entry(at(8, 0), L, Outcome::EmergencyDeclared, None),
            entry(at(9, 0), L, Outcome::EmergencyEnded, None),
            entry(at(9, 5), L, Outcome::NotSignedIn, None),
        ]);
        assert_eq!(s.local_emergency().unwrap(), None);
        let (_dir, s) = upgraded(&[]);
        assert_eq!(s.local_emergency().unwrap(), None);
    }

    #[test]
    fn look_ups_that_found_someone_before_the_upgrade_are_matches() {
        use AuditAction::DisasterLookup as D;
        let key = "06139998:12:34:00";
        let (_dir, s) = upgraded(&[
            entry(at(8, 0), D, Outcome::Disaster(DisasterResult::Found), Some(key)),
            entry(at(9, 0), D, Outcome::Disaster(DisasterResult::NotFound), Some("other")),
            entry(at(9, 30), D, Outcome::Denied, Some("denied")),
        ]);
        assert!(s.disaster_match_between(key, at(7, 0), at(8, 0)).unwrap());
        assert!(!s.disaster_match_between(key, at(8, 1), at(12, 0)).unwrap());
        assert!(!s.disaster_match_between("other", at(0, 0), at(23, 0)).unwrap());
        assert!(!s.disaster_match_between("denied", at(0, 0), at(23, 0)).unwrap());
    }

    #[test]
    fn declaring_and_ending_write_the_row_and_the_entry_together() {
        use AuditAction::LocalEmergency as L;
        let mut s = Store::open_in_memory().unwrap();
        let (e, new) = s.declare_local_emergency("kanri", "停電", at(8, 0), &entry(at(8, 0), L, Outcome::EmergencyDeclared, None)).unwrap();
        assert!(new);
        assert_eq!(s.local_emergency().unwrap(), Some(e.clone()));
        // A second one in force is refused by the table itself.
        assert!(s.conn.execute("INSERT INTO local_emergencies (declared_at, declared_by) VALUES ('2026-12-07T08:01:00.000000000', 'x')", []).is_err());
        // Declared again: the one in force, nothing written.
        let (again, new) = s.declare_local_emergency("other", "x", at(8, 5), &entry(at(8, 5), L, Outcome::EmergencyDeclared, None)).unwrap();
        assert_eq!((again, new), (e, false));
        assert!(s.end_local_emergency("kanri", at(9, 0), &entry(at(9, 0), L, Outcome::EmergencyEnded, None)).unwrap());
        assert!(!s.end_local_emergency("kanri", at(9, 5), &entry(at(9, 5), L, Outcome::EmergencyEnded, None)).unwrap());
        assert_eq!(s.local_emergency().unwrap(), None);
        let log = s.audit_query(&Default::default()).unwrap();
        assert_eq!(log.iter().map(|e| e.outcome.as_str()).collect::<Vec<_>>(), ["declared", "ended"]);
        // The log's head gone: the declaration does not happen either.
        s.conn.execute_batch("DROP TRIGGER audit_head_no_delete; DELETE FROM audit_head;").unwrap();
        assert!(s.declare_local_emergency("kanri", "停電", at(10, 0), &entry(at(10, 0), L, Outcome::EmergencyDeclared, None)).is_err());
        assert_eq!(s.local_emergency().unwrap(), None);
    }

    #[test]
    fn a_match_is_kept_with_its_look_up_entry() {
        let mut s = Store::open_in_memory().unwrap();
        let key = "06139998:12:34:00";
        let found = entry(at(8, 0), AuditAction::DisasterLookup, Outcome::Disaster(DisasterResult::Found), Some(key));
        let logged = s.record_disaster_lookup(&found, Some(&NewDisasterMatch { patient_key: key, mode: Some("online") })).unwrap().unwrap();
        assert!(s.disaster_match_between(key, at(8, 0) - TimeDelta::hours(24), at(8, 0)).unwrap());
        assert!(!s.disaster_match_between(key, at(8, 1), at(9, 0)).unwrap());
        let seq: i64 = s.conn.query_row("SELECT audit_seq FROM disaster_matches", [], |r| r.get(0)).unwrap();
        assert_eq!(seq, logged.seq);
        // No entry, no match.
        s.conn.execute_batch("DROP TRIGGER audit_head_no_delete; DELETE FROM audit_head;").unwrap();
        assert!(s.record_disaster_lookup(&found, Some(&NewDisasterMatch { patient_key: "k2", mode: None })).unwrap().is_err());
        assert!(!s.disaster_match_between("k2", at(0, 0), at(23, 0)).unwrap());
    }

    /// The codes the backfill reads are the core's.
    #[test]
    fn the_backfill_reads_the_codes_of_the_vocabulary() {
        let sql = super::LOCAL_STATE_BACKFILL;
        for code in [
            AuditAction::LocalEmergency.code().to_string(),
            Outcome::EmergencyDeclared.code(),
            Outcome::EmergencyEnded.code(),
            AuditAction::DisasterLookup.code().to_string(),
            Outcome::Disaster(DisasterResult::Found).code(),
        ] {
            assert!(sql.contains(&format!("'{code}'")), "{code}");
        }
    }
}
