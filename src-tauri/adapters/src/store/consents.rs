//! Consents recorded at the desk (table `consents`, migration 7): today the
//! consents staff record after a 災害時モード look-up — oral (口頭同意), or
//! "unconscious, needed to protect life" with its reason — one row per
//! category, with who recorded it (staff id and role), when, and until when it
//! is valid.
//!
//! The rows are written as the core made them
//! (`madoguchi_core::consent::disaster_consents`, which validated them) and
//! read back as [`Consent`]s for `ConsentState::from_stored`; they are never
//! trusted on reading: `consent::decide` validates every record each time it
//! is used, so a damaged row refuses, it never allows. Card-reader consents
//! are not copied here (they live in the check's result), nor home-visit
//! consents (the `home_visits` table).

use chrono::NaiveDateTime;
use madoguchi_core::consent::{Consent, ConsentSource};
use madoguchi_core::staff::Role;
use madoguchi_core::ConsentCategory;
use rusqlite::{params, TransactionBehavior};

use super::{parse_ts, ts, Store, StoreError};

pub use madoguchi_core::consent::RecordedConsent;

fn source_parts(source: &ConsentSource) -> (&'static str, Option<&str>) {
    match source {
        ConsentSource::UnconsciousVitalInterest { reason } => (source.as_str(), Some(reason.as_str())),
        other => (other.as_str(), None),
    }
}

fn source_of(code: &str, reason: Option<String>) -> Result<ConsentSource, StoreError> {
    Ok(match code {
        "card_reader" => ConsentSource::CardReader,
        "home_visit" => ConsentSource::HomeVisit,
        "disaster_oral" => ConsentSource::DisasterOral,
        // A missing reason is read as blank: `decide` then refuses the record.
        "unconscious_vital_interest" => ConsentSource::UnconsciousVitalInterest { reason: reason.unwrap_or_default() },
        other => return Err(StoreError::Corrupt(format!("consents.source = {other}"))),
    })
}

impl Store {
    /// Records consents (all or none: one transaction), as recorded by
    /// someone with `role` at `recorded_at`, on check `check_id`. Returns the
    /// new rows' ids in order.
    pub fn record_consents(
        &mut self,
        consents: &[Consent],
        role: Option<Role>,
        recorded_at: NaiveDateTime,
        check_id: Option<i64>,
    ) -> Result<Vec<i64>, StoreError> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut ids = Vec::with_capacity(consents.len());
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO consents (patient_key, category, given_at, valid_until, source, reason,
                                       recorded_by, recorded_role, recorded_at, check_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?;
            for c in consents {
                let (source, reason) = source_parts(&c.source);
                insert.execute(params![
                    c.patient_key,
                    c.category.as_str(),
                    ts(c.given_at),
                    ts(c.valid_until),
                    source,
                    reason,
                    c.recorded_by,
                    role.map(Role::code),
                    ts(recorded_at),
                    check_id,
                ])?;
                ids.push(tx.last_insert_rowid());
            }
        }
        tx.commit()?;
        Ok(ids)
    }

    /// Every consent recorded for `patient_key`, oldest first (expired ones
    /// too: `decide` tells them apart, and they are the record of what was
    /// agreed).
    pub fn consents_for(&self, patient_key: &str) -> Result<Vec<Consent>, StoreError> {
        Ok(self.recorded_consents(patient_key)?.into_iter().map(|r| r.consent).collect())
    }

    /// As [`Store::consents_for`], with who recorded each, in which role, when.
    pub fn recorded_consents(&self, patient_key: &str) -> Result<Vec<RecordedConsent>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, patient_key, category, given_at, valid_until, source, reason, recorded_by,
                    recorded_role, recorded_at, check_id
             FROM consents WHERE patient_key = ?1 ORDER BY given_at, id",
        )?;
        let mut rows = stmt.query([patient_key])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let what = |col: &str| format!("consents.{id}.{col}");
            let category: String = r.get(2)?;
            let role: Option<String> = r.get(8)?;
            out.push(RecordedConsent {
                id,
                consent: Consent {
                    patient_key: r.get(1)?,
                    category: ConsentCategory::parse(&category)
                        .ok_or_else(|| StoreError::Corrupt(format!("{} = {category}", what("category"))))?,
                    given_at: parse_ts(&r.get::<_, String>(3)?, &what("given_at"))?,
                    valid_until: parse_ts(&r.get::<_, String>(4)?, &what("valid_until"))?,
                    source: source_of(&r.get::<_, String>(5)?, r.get(6)?)?,
                    recorded_by: r.get(7)?,
                },
                role: role.as_deref().and_then(Role::from_code),
                recorded_at: parse_ts(&r.get::<_, String>(9)?, &what("recorded_at"))?,
                check_id: r.get(10)?,
            });
        }
        Ok(out)
    }
}
