//! The numbered schema migrations and the upgrade that applies them.

use super::*;

/// Schema migrations; index + 1 is the version each one brings the database to.
pub(super) const MIGRATIONS: &[&str] = &[
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
    // 10: home visits (居宅同意取得型), before made by `home_visit` itself on
    // first use: `IF NOT EXISTS`, so a database that has the table upgrades
    crate::home_visit::SCHEMA,
    // 11: 一括照会 through the OQS folder in two steps: the 受付番号 the
    // terminal gave for the rows sent, kept until their results are in
    // (see `store::batch`)
    BATCH_RECEPTIONS,
];

pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

impl Store {
    /// Brings the schema to `target` (used by the upgrade tests with earlier targets).
    pub(super) fn migrate(&mut self, target: i64) -> Result<(), StoreError> {
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

}

/// The 受付番号 (`ReceptionNumber` of `OQSmuquc01res`) each batch row was
/// sent under: written when the receipt comes, deleted when the row is
/// answered (done or failed); a desk restarted in between asks for the
/// results with it instead of sending the rows again. `IF NOT EXISTS`, as
/// the migrations after 9 are (the upgrade tests apply them again).
pub(super) const BATCH_RECEPTIONS: &str = "CREATE TABLE IF NOT EXISTS batch_receptions (
        batch_id INTEGER NOT NULL REFERENCES batches(id),
        line INTEGER NOT NULL,
        reception_number TEXT NOT NULL,
        received_at TEXT NOT NULL,
        PRIMARY KEY (batch_id, line)
    );";
