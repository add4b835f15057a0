//! Recorded checks, which are also the offline eligibility cache.

use super::*;

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

impl Store {
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
    pub(super) const CACHED_RESULT_SQL: &'static str = "SELECT id, checked_at, result_json FROM checks
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

pub(super) fn insert_check(conn: &Connection, check: &NewCheck<'_>) -> Result<i64, StoreError> {
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
