//! The batch checks (一括照会) in the store: each batch and each of its rows
//! with its state, so that a batch interrupted by a crash or a cancel goes on
//! where it stopped and no row is checked twice (tables of migration 5).
//!
//! A row is `pending` until it is answered. Its answer is recorded as a check
//! (the `checks` table, like any check at the desk) **in the same
//! transaction** that marks the row `done` with the check's id; a row the
//! service refused (no answer to record) is `failed` with the message why.
//!
//! Through the OQS folder a batch goes in two steps: rows sent and taken in
//! by the terminal are kept with its 受付番号 (table `batch_receptions`,
//! migration 11) until they are answered (in the transaction that answers
//! them), so that a desk restarted between the receipt and
//! the results fetches the results ([`Store::batch_receptions`]) instead of
//! sending those rows again ([`Store::batch_unsent`]).

use chrono::NaiveDateTime;
use madoguchi_core::appointments::{Appointment, BadRow, ParsedAppointments};
use madoguchi_core::message::Msg;
use madoguchi_core::EligibilityResult;
use rusqlite::{params, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};

use super::{from_json, insert_check_audited, parse_ts, to_json, ts, Audited, NewCheck, Store, StoreError};
use crate::audit::NewAuditEntry;

pub use madoguchi_core::appointments::{BatchInfo, BatchState};

/// A batch state's code in the `batches` table.
fn state_code(state: BatchState) -> &'static str {
    match state {
        BatchState::Open => "open",
        BatchState::Paused => "paused",
        BatchState::Done => "done",
    }
}

fn parse_state(s: &str) -> Result<BatchState, StoreError> {
    match s {
        "open" => Ok(BatchState::Open),
        "paused" => Ok(BatchState::Paused),
        "done" => Ok(BatchState::Done),
        other => Err(StoreError::Corrupt(format!("batch state {other:?}"))),
    }
}

/// One row of a batch and what became of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchRow {
    pub appointment: Appointment,
    /// The check recorded for this row (done rows).
    pub check_id: Option<i64>,
    /// The answer, from the recorded check (done rows).
    pub result: Option<EligibilityResult>,
    /// Why the row has no answer (failed rows).
    pub problem: Option<Msg>,
    /// The 受付番号 a pending row was taken in under (its results are awaited).
    #[serde(default)]
    pub reception_number: Option<String>,
}

/// Why [`Store::create_batch_streamed`] kept nothing.
#[derive(Debug)]
pub enum ImportError<E> {
    Store(StoreError),
    /// The rows' source refused the list (the error it gave).
    Input(E),
}

impl<E> From<StoreError> for ImportError<E> {
    fn from(e: StoreError) -> Self {
        ImportError::Store(e)
    }
}

impl<E> From<rusqlite::Error> for ImportError<E> {
    fn from(e: rusqlite::Error) -> Self {
        ImportError::Store(e.into())
    }
}

/// One answered row to record, with the audit entry of its check.
pub struct BatchAnswer<'a> {
    pub line: usize,
    pub check: NewCheck<'a>,
    pub entry: NewAuditEntry,
}

impl Store {
    /// Keeps an imported list: its good rows as pending rows, its bad rows
    /// as they were. Returns the batch id.
    pub fn create_batch(
        &mut self,
        created_at: NaiveDateTime,
        staff: &str,
        source_name: Option<&str>,
        parsed: &ParsedAppointments,
    ) -> Result<i64, StoreError> {
        let rows = parsed.rows.iter().cloned().map(Ok).chain(parsed.bad_rows.iter().cloned().map(Err)).map(Ok::<_, StoreError>);
        self.create_batch_streamed(created_at, staff, source_name, rows).map(|(id, _)| id).map_err(|e| match e {
            ImportError::Store(e) | ImportError::Input(e) => e,
        })
    }

    /// [`Store::create_batch`] from rows read one at a time (the desk's
    /// import of a long list: memory does not grow with it). All in one
    /// transaction: an `Err` item (the list refused as a whole) leaves no
    /// batch. Returns the batch id and the bad rows, in the file's order.
    pub fn create_batch_streamed<E>(
        &mut self,
        created_at: NaiveDateTime,
        staff: &str,
        source_name: Option<&str>,
        rows: impl IntoIterator<Item = Result<Result<Appointment, BadRow>, E>>,
    ) -> Result<(i64, Vec<BadRow>), ImportError<E>> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO batches (created_at, staff, source_name, state, bad_rows_json)
             VALUES (?1, ?2, ?3, 'open', '[]')",
            params![ts(created_at), staff, source_name],
        )?;
        let id = tx.last_insert_rowid();
        let mut bad_rows = Vec::new();
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO batch_rows (batch_id, line, appointment_json, state) VALUES (?1, ?2, ?3, 'pending')",
            )?;
            for row in rows {
                match row.map_err(ImportError::Input)? {
                    Ok(a) => {
                        insert.execute(params![id, a.line as i64, to_json(&a)?])?;
                    }
                    Err(bad) => bad_rows.push(bad),
                }
            }
        }
        bad_rows.sort_by_key(|b| b.line);
        tx.execute("UPDATE batches SET bad_rows_json = ?2 WHERE id = ?1", params![id, to_json(&bad_rows)?])?;
        tx.commit()?;
        Ok((id, bad_rows))
    }

    /// The rows still to check, in file order.
    pub fn batch_pending(&self, batch_id: i64) -> Result<Vec<Appointment>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT appointment_json FROM batch_rows WHERE batch_id = ?1 AND state = 'pending' ORDER BY line",
        )?;
        let rows = stmt.query_map([batch_id], |r| r.get::<_, String>(0))?;
        rows.map(|j| from_json(&j?, "batch row")).collect()
    }

    /// The pending rows not yet taken in under a 受付番号, in file order:
    /// what is still to be sent.
    pub fn batch_unsent(&self, batch_id: i64) -> Result<Vec<Appointment>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.appointment_json FROM batch_rows r
             LEFT JOIN batch_receptions x ON x.batch_id = r.batch_id AND x.line = r.line
             WHERE r.batch_id = ?1 AND r.state = 'pending' AND x.line IS NULL ORDER BY r.line",
        )?;
        let rows = stmt.query_map([batch_id], |r| r.get::<_, String>(0))?;
        rows.map(|j| from_json(&j?, "batch row")).collect()
    }

    /// Keeps the 受付番号 the terminal gave for these pending rows (sent in
    /// this order, which is their file order), so their results can be
    /// fetched after a restart.
    pub fn set_batch_reception(&mut self, batch_id: i64, lines: &[usize], reception: &str, at: NaiveDateTime) -> Result<(), StoreError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        {
            let mut update = tx.prepare_cached(
                "INSERT OR REPLACE INTO batch_receptions (batch_id, line, reception_number, received_at)
                 SELECT batch_id, line, ?3, ?4 FROM batch_rows
                 WHERE batch_id = ?1 AND line = ?2 AND state = 'pending'",
            )?;
            for line in lines {
                update.execute(params![batch_id, *line as i64, reception, ts(at)])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The 受付番号 of this batch still waiting for results, oldest first,
    /// each with its pending rows in the order they were sent.
    pub fn batch_receptions(&self, batch_id: i64) -> Result<Vec<(String, Vec<Appointment>)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT x.reception_number, r.appointment_json FROM batch_rows r
             JOIN batch_receptions x ON x.batch_id = r.batch_id AND x.line = r.line
             WHERE r.batch_id = ?1 AND r.state = 'pending'
             ORDER BY x.received_at, r.line",
        )?;
        let rows = stmt.query_map([batch_id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut out: Vec<(String, Vec<Appointment>)> = Vec::new();
        for row in rows {
            let (reception, a) = row?;
            let a = from_json(&a, "batch row")?;
            match out.iter_mut().find(|(r, _)| *r == reception) {
                Some((_, rows)) => rows.push(a),
                None => out.push((reception, vec![a])),
            }
        }
        Ok(out)
    }

    /// Forgets a 受付番号 (its results cannot be had): its pending rows are
    /// to be sent again.
    pub fn clear_batch_reception(&mut self, batch_id: i64, reception: &str) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("DELETE FROM batch_receptions WHERE batch_id = ?1 AND reception_number = ?2")?
            .execute(params![batch_id, reception])?;
        Ok(())
    }

    /// Records answered rows: each answer as a check with its audit entry
    /// (naming the check, as at the desk), and the row as done with that
    /// check — all in one transaction, so that a crash leaves each row
    /// either pending (asked again on resume) or done with its check and
    /// its entry. A row that is not pending (already done) is left alone
    /// and its answer not recorded again. Returns the check ids, each with
    /// whether its entry was appended (None for rows not recorded).
    pub fn complete_batch_rows(&mut self, batch_id: i64, answers: &[BatchAnswer<'_>], at: NaiveDateTime) -> Result<Vec<Option<(i64, Audited)>>, StoreError> {
        let seal = self.audit_seal();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut ids = Vec::with_capacity(answers.len());
        for a in answers {
            let pending: Option<String> = tx
                .prepare_cached("SELECT state FROM batch_rows WHERE batch_id = ?1 AND line = ?2")?
                .query_row(params![batch_id, a.line as i64], |r| r.get(0))
                .optional()?;
            match pending.as_deref() {
                Some("pending") => {}
                Some(_) => {
                    ids.push(None);
                    continue;
                }
                None => return Err(StoreError::NoSuchRow { table: "batch_rows", id: a.line as i64 }),
            }
            let (check_id, audited) = insert_check_audited(&tx, &seal, &a.check, &a.entry)?;
            tx.prepare_cached(
                "UPDATE batch_rows SET state = 'done', check_id = ?3, problem_json = NULL, done_at = ?4
                 WHERE batch_id = ?1 AND line = ?2",
            )?
            .execute(params![batch_id, a.line as i64, check_id, ts(at)])?;
            // Answered: its 受付番号 is done with.
            tx.prepare_cached("DELETE FROM batch_receptions WHERE batch_id = ?1 AND line = ?2")?
                .execute(params![batch_id, a.line as i64])?;
            ids.push(Some((check_id, audited)));
        }
        tx.commit()?;
        // The anchor moves once, to the last entry appended (it only moves forwards).
        if let Some(last) = ids.iter().rev().flatten().find_map(|(_, a)| a.as_ref().ok()) {
            self.audit_appended(last);
        }
        Ok(ids)
    }

    /// A row the service refused: failed, with why (not asked again on resume).
    pub fn fail_batch_row(&mut self, batch_id: i64, line: usize, problem: &Msg, at: NaiveDateTime) -> Result<(), StoreError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.prepare_cached(
            "UPDATE batch_rows SET state = 'failed', problem_json = ?3, done_at = ?4
             WHERE batch_id = ?1 AND line = ?2 AND state = 'pending'",
        )?
        .execute(params![batch_id, line as i64, to_json(problem)?, ts(at)])?;
        tx.prepare_cached("DELETE FROM batch_receptions WHERE batch_id = ?1 AND line = ?2")?
            .execute(params![batch_id, line as i64])?;
        tx.commit()?;
        Ok(())
    }

    /// Sets the batch's state (paused when stopped, done when nothing is pending).
    pub fn set_batch_state(&mut self, batch_id: i64, state: BatchState, at: NaiveDateTime) -> Result<(), StoreError> {
        let n = self
            .conn
            .prepare_cached("UPDATE batches SET state = ?2, updated_at = ?3 WHERE id = ?1")?
            .execute(params![batch_id, state_code(state), ts(at)])?;
        if n == 0 {
            return Err(StoreError::NoSuchRow { table: "batches", id: batch_id });
        }
        Ok(())
    }

    /// One batch with its counts.
    pub fn batch_info(&self, batch_id: i64) -> Result<Option<BatchInfo>, StoreError> {
        self.conn
            .prepare_cached(&format!("{BATCH_INFO} WHERE b.id = ?1 GROUP BY b.id"))?
            .query_row([batch_id], batch_info_row)
            .optional()?
            .map(|r| r.and_then(finish_info))
            .transpose()
    }

    /// Every batch, newest first; `unfinished` keeps only those not done
    /// (to offer a resume after a crash).
    pub fn batches(&self, unfinished: bool) -> Result<Vec<BatchInfo>, StoreError> {
        let filter = if unfinished { "WHERE b.state <> 'done'" } else { "" };
        let mut stmt = self.conn.prepare(&format!("{BATCH_INFO} {filter} GROUP BY b.id ORDER BY b.id DESC"))?;
        let rows = stmt.query_map([], batch_info_row)?;
        rows.map(|r| r?.and_then(finish_info)).collect()
    }

    /// Every row of a batch with its answer or problem, and the bad rows.
    pub fn batch_rows(&self, batch_id: i64) -> Result<(Vec<BatchRow>, Vec<BadRow>), StoreError> {
        let bad: Option<String> = self
            .conn
            .prepare_cached("SELECT bad_rows_json FROM batches WHERE id = ?1")?
            .query_row([batch_id], |r| r.get(0))
            .optional()?;
        let bad: Vec<BadRow> = match bad {
            Some(j) => from_json(&j, "batch bad rows")?,
            None => return Err(StoreError::NoSuchRow { table: "batches", id: batch_id }),
        };
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.appointment_json, r.check_id, c.result_json, r.problem_json, x.reception_number
             FROM batch_rows r LEFT JOIN checks c ON c.id = r.check_id
             LEFT JOIN batch_receptions x ON x.batch_id = r.batch_id AND x.line = r.line
             WHERE r.batch_id = ?1 ORDER BY r.line",
        )?;
        let rows = stmt.query_map([batch_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<i64>>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<String>>(4)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (a, check_id, result, problem, reception_number) = row?;
            out.push(BatchRow {
                appointment: from_json(&a, "batch row")?,
                check_id,
                result: result.map(|j| from_json(&j, "check result")).transpose()?,
                problem: problem.map(|j| from_json(&j, "batch problem")).transpose()?,
                reception_number,
            });
        }
        Ok((out, bad))
    }
}

const BATCH_INFO: &str = "SELECT b.id, b.created_at, b.staff, b.source_name, b.state, b.bad_rows_json,
        COUNT(r.line),
        COALESCE(SUM(r.state = 'pending'), 0),
        COALESCE(SUM(r.state = 'done'), 0),
        COALESCE(SUM(r.state = 'failed'), 0)
    FROM batches b LEFT JOIN batch_rows r ON r.batch_id = b.id";

type InfoRow = (i64, String, String, Option<String>, String, String, i64, i64, i64, i64);

fn batch_info_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Result<InfoRow, StoreError>> {
    Ok(Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?, r.get(9)?)))
}

fn finish_info(r: InfoRow) -> Result<BatchInfo, StoreError> {
    let bad: Vec<BadRow> = from_json(&r.5, "batch bad rows")?;
    Ok(BatchInfo {
        id: r.0,
        created_at: parse_ts(&r.1, "batch created_at")?,
        staff: r.2,
        source_name: r.3,
        state: parse_state(&r.4)?,
        total: r.6 as usize,
        pending: r.7 as usize,
        done: r.8 as usize,
        failed: r.9 as usize,
        bad_rows: bad.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csv::parse_appointments;
    use madoguchi_core::codes::Validity;
    use madoguchi_core::{CertificateConsents, ResultSource};

    fn at(h: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap().and_hms_opt(h, 0, 0).unwrap()
    }

    fn list() -> ParsedAppointments {
        let text = "氏名,生年月日,保険者番号,記号,番号\n山田,1986-04-12,01130012,1,1\n鈴木,1986-04-12,01130013,1,2\n佐藤,1980-01-01,06130017,,3\n田中,1970-01-01,01130012,1,4\n";
        parse_appointments(text, at(0).date()).unwrap()
    }

    fn answer(a: &Appointment) -> EligibilityResult {
        EligibilityResult { notices: Vec::new(), limit_certificate_changed: None, 
            confirmed_at: at(9),
            confirmation_date: at(9).date(),
            reference: None,
            validity: Validity::Valid,
            error: None,
            asked: Some(a.card.clone()),
            person: None,
            qualification: None,
            consents: vec![],
            certificate_consents: CertificateConsents::default(),
            electronic_prescription: None,
            source: ResultSource::TrainingService,
            missing: Vec::new(),
        }
    }

    fn run_rows(store: &mut Store, id: i64, rows: &[Appointment]) -> Vec<Option<i64>> {
        let results: Vec<EligibilityResult> = rows.iter().map(answer).collect();
        let answers: Vec<BatchAnswer<'_>> = rows
            .iter()
            .zip(&results)
            .map(|(a, r)| BatchAnswer {
                line: a.line,
                check: NewCheck { checked_at: at(9), staff: "受付1", asked: Some(&a.card), result: r },
                entry: NewAuditEntry {
                    at: at(9),
                    staff_id: "受付1".into(),
                    role: None,
                    action: crate::audit::AuditAction::EligibilityCheck,
                    patient_key: Some(a.card.person_key()),
                    outcome: crate::audit::Outcome::Validity(madoguchi_core::codes::Validity::Valid),
                    reason: None,
                    detail: None,
                },
            })
            .collect();
        let recorded = store.complete_batch_rows(id, &answers, at(9)).unwrap();
        recorded.into_iter().map(|r| r.map(|(id, audited)| {
            audited.unwrap();
            id
        })).collect()
    }

    /// The check ids named by the log's `eligibility_check` entries.
    fn audited_checks(store: &Store) -> Vec<i64> {
        let entries = store.audit_query(&crate::audit::AuditFilter::default()).unwrap();
        entries
            .iter()
            .filter(|e| e.action == crate::audit::AuditAction::EligibilityCheck)
            .map(|e| serde_json::from_str::<serde_json::Value>(e.detail.as_deref().unwrap()).unwrap()["check_id"].as_i64().unwrap())
            .collect()
    }

    #[test]
    fn rows_are_done_once_and_kept_with_their_checks() {
        let mut store = Store::open_in_memory().unwrap();
        let id = store.create_batch(at(8), "受付1", Some("予約.csv"), &list()).unwrap();
        let info = store.batch_info(id).unwrap().unwrap();
        assert_eq!((info.total, info.pending, info.done, info.bad_rows, info.state), (3, 3, 0, 1, BatchState::Open));
        let pending = store.batch_pending(id).unwrap();
        assert_eq!(pending.iter().map(|a| a.line).collect::<Vec<_>>(), vec![2, 4, 5]);
        // The first row answered, the second refused.
        let ids = run_rows(&mut store, id, &pending[..1]);
        assert!(ids[0].is_some());
        store.fail_batch_row(id, 4, &Msg::new("gateway-service-error"), at(9)).unwrap();
        // Answering a done row again records nothing.
        assert_eq!(run_rows(&mut store, id, &pending[..1]), vec![None]);
        assert_eq!(store.checks_on(at(9).date()).unwrap().len(), 1);
        let left = store.batch_pending(id).unwrap();
        assert_eq!(left.iter().map(|a| a.line).collect::<Vec<_>>(), vec![5]);
        store.set_batch_state(id, BatchState::Paused, at(9)).unwrap();
        assert_eq!(store.batches(true).unwrap()[0].state, BatchState::Paused);
        run_rows(&mut store, id, &left);
        store.set_batch_state(id, BatchState::Done, at(10)).unwrap();
        assert!(store.batches(true).unwrap().is_empty());
        let info = store.batch_info(id).unwrap().unwrap();
        assert_eq!((info.pending, info.done, info.failed), (0, 2, 1));
        // Each check recorded has exactly one entry in the log, naming it.
        let (rows, _) = store.batch_rows(id).unwrap();
        let mut checks: Vec<i64> = rows.iter().filter_map(|r| r.check_id).collect();
        checks.sort();
        assert_eq!(audited_checks(&store), checks);
        let (rows, bad) = store.batch_rows(id).unwrap();
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].line, 3);
        assert_eq!(rows.len(), 3);
        assert!(rows[0].result.is_some() && rows[0].check_id.is_some());
        assert_eq!(rows[1].problem.as_ref().unwrap().id, "gateway-service-error");
        assert!(store.batch_info(id + 1).unwrap().is_none());
        assert!(matches!(store.batch_rows(id + 1), Err(StoreError::NoSuchRow { .. })));
    }

    fn lines(rows: &[Appointment]) -> Vec<usize> {
        rows.iter().map(|a| a.line).collect()
    }

    #[test]
    fn a_reception_number_is_kept_until_its_rows_are_answered() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.sqlite");
        let id = {
            let mut store = Store::open(&path).unwrap();
            let id = store.create_batch(at(8), "受付1", None, &list()).unwrap();
            assert_eq!(lines(&store.batch_unsent(id).unwrap()), [2, 4, 5]);
            // Rows 2 and 4 taken in under R1, row 5 under R2.
            store.set_batch_reception(id, &[2, 4], "R1", at(8)).unwrap();
            store.set_batch_reception(id, &[5], "R2", at(9)).unwrap();
            id
        };
        // A restarted desk knows what was sent and under which number.
        let mut store = Store::open(&path).unwrap();
        assert!(store.batch_unsent(id).unwrap().is_empty(), "nothing to send again");
        assert_eq!(lines(&store.batch_pending(id).unwrap()), [2, 4, 5], "all still pending");
        let kept = store.batch_receptions(id).unwrap();
        let kept: Vec<(&str, Vec<usize>)> = kept.iter().map(|(r, rows)| (r.as_str(), lines(rows))).collect();
        assert_eq!(kept, [("R1", vec![2, 4]), ("R2", vec![5])]);
        // R1's results recorded: its number goes with them.
        let r1 = store.batch_receptions(id).unwrap().remove(0).1;
        run_rows(&mut store, id, &r1);
        let kept = store.batch_receptions(id).unwrap();
        assert_eq!(kept.iter().map(|(r, _)| r.as_str()).collect::<Vec<_>>(), ["R2"]);
        // A number whose results cannot be had is forgotten: its rows go out again.
        store.clear_batch_reception(id, "R2").unwrap();
        assert!(store.batch_receptions(id).unwrap().is_empty());
        assert_eq!(lines(&store.batch_unsent(id).unwrap()), [5]);
        // A failed row leaves no number behind either.
        store.set_batch_reception(id, &[5], "R3", at(10)).unwrap();
        store.fail_batch_row(id, 5, &Msg::new("gateway-service-error"), at(10)).unwrap();
        assert!(store.batch_receptions(id).unwrap().is_empty());
        assert!(store.batch_unsent(id).unwrap().is_empty());
        let count: i64 = store.conn.query_row("SELECT COUNT(*) FROM batch_receptions", [], |r| r.get(0)).unwrap();
        assert_eq!(count, 0);
    }

    #[test]
    fn a_database_of_the_previous_schema_upgrades_and_takes_batches() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v4.sqlite");
        {
            let conn = rusqlite::Connection::open(&path).unwrap();
            let mut s = Store { conn, path: None, encrypted: false, audit: None };
            s.migrate(4).unwrap();
            s.conn
                .execute(
                    "INSERT INTO checks (checked_at, check_date, staff, person_key, insurer_number, validity, source, result_json)
                     VALUES ('2026-11-20T09:00:00', '2026-11-20', 'desk', 'k', '01130012', '1', 'training_service', '{}')",
                    [],
                )
                .unwrap();
        }
        let mut s = Store::open(&path).unwrap();
        assert_eq!(s.schema_version().unwrap(), super::super::SCHEMA_VERSION);
        assert_eq!(s.stats().unwrap().checks, 1);
        let id = s.create_batch(at(8), "受付1", None, &list()).unwrap();
        let pending = s.batch_pending(id).unwrap();
        run_rows(&mut s, id, &pending);
        assert_eq!(s.batch_info(id).unwrap().unwrap().done, 3);
        s.integrity_check().unwrap();
    }
}
