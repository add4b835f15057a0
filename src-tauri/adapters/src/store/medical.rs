//! The consented cache of medical information, purging and stats.

use super::*;

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

impl Store {
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
