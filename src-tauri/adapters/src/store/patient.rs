//! Look-ups by patient (person key `保険者番号:記号:番号:枝番`), for what is
//! printed from the local store.

use chrono::NaiveDateTime;
use madoguchi_core::EligibilityResult;
use rusqlite::OptionalExtension;

use super::{parse_ts, Store, StoreError};

/// The latest check recorded for a patient.
#[derive(Debug, Clone, PartialEq)]
pub struct LatestCheck {
    pub id: i64,
    pub checked_at: NaiveDateTime,
    pub result: EligibilityResult,
}

impl Store {
    /// The newest check recorded for `person_key` (any source, cached or
    /// not), or `None` when this desk never checked that patient.
    pub fn latest_check_for(&self, person_key: &str) -> Result<Option<LatestCheck>, StoreError> {
        let row: Option<(i64, String, String)> = self
            .conn
            .prepare_cached(
                "SELECT id, checked_at, result_json FROM checks
                 WHERE person_key = ?1 ORDER BY checked_at DESC, id DESC LIMIT 1",
            )?
            .query_row([person_key], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        row.map(|(id, at, json)| {
            Ok(LatestCheck {
                id,
                checked_at: parse_ts(&at, "checks.checked_at")?,
                result: serde_json::from_str(&json).map_err(|e| StoreError::Corrupt(format!("checks.{id}: {e}")))?,
            })
        })
        .transpose()
    }
}
