//! Checks deferred while offline and their replay.

use super::*;
pub use madoguchi_core::replay::{Change, ChangedField, Difference};
use madoguchi_core::replay::differences;

/// A check waiting to be replayed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuedCheck {
    pub id: i64,
    pub card: CardDetails,
    pub visit_at: NaiveDateTime,
    pub queued_at: NaiveDateTime,
    /// What staff were shown at the visit (a cached result), if anything.
    pub shown: Option<EligibilityResult>,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub next_attempt_at: NaiveDateTime,
}

impl Store {
    // ---- deferred checks ------------------------------------------------

    /// Queues a check that could not be made at the visit; due at once.
    /// `shown`: the (cached) result staff saw then, to compare with the replay.
    pub fn queue_check(
        &mut self,
        card: &CardDetails,
        visit_at: NaiveDateTime,
        shown: Option<&EligibilityResult>,
    ) -> Result<i64, StoreError> {
        let card_json = to_json(card)?;
        let shown_json = shown.map(to_json).transpose()?;
        let now = chrono::Local::now().naive_local();
        self.conn
            .prepare_cached(
                "INSERT INTO queued_checks (person_key, card_json, visit_at, queued_at,
                                            shown_result_json, next_attempt_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?3)",
            )?
            .execute(params![
                card.person_key(),
                card_json,
                ts(visit_at),
                ts(now),
                shown_json
            ])?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Deferred checks not done whose next attempt is due at `now`, oldest first.
    pub fn due_checks(&self, now: NaiveDateTime) -> Result<Vec<QueuedCheck>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, card_json, visit_at, queued_at, shown_result_json, attempts, last_error,
                    next_attempt_at
             FROM queued_checks WHERE done_at IS NULL AND next_attempt_at <= ?1
             ORDER BY next_attempt_at, id",
        )?;
        let rows = stmt.query_map([ts(now)], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, i64>(5)?,
                r.get::<_, Option<String>>(6)?,
                r.get::<_, String>(7)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, card, visit, queued, shown, attempts, last_error, next) = row?;
            let what = |f: &str| format!("queued_checks.{id}.{f}");
            out.push(QueuedCheck {
                id,
                card: from_json(&card, &what("card_json"))?,
                visit_at: parse_ts(&visit, &what("visit_at"))?,
                queued_at: parse_ts(&queued, &what("queued_at"))?,
                shown: shown
                    .map(|s| from_json(&s, &what("shown_result_json")))
                    .transpose()?,
                attempts,
                last_error,
                next_attempt_at: parse_ts(&next, &what("next_attempt_at"))?,
            });
        }
        Ok(out)
    }

    /// Marks a deferred check done with the replayed `result`. Returns what
    /// differs from what was shown at the visit (None when nothing does, and
    /// None, changing nothing, when it was already done: idempotent).
    pub fn complete_queued(
        &mut self,
        id: i64,
        result: &EligibilityResult,
        now: NaiveDateTime,
    ) -> Result<Option<Change>, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let change = complete_queued_in(&tx, id, result, now)?.flatten();
        tx.commit()?;
        Ok(change)
    }

    /// A deferred check replayed: the answer recorded as a check with its
    /// audit entry (see [`Store::record_check_audited`]) and the queued
    /// check marked done — one transaction, so that a crash leaves it
    /// either waiting (replayed again) or done with its one check and
    /// entry. A queued check already done records nothing (`None`).
    pub fn complete_queued_audited(
        &mut self,
        id: i64,
        check: &NewCheck<'_>,
        entry: &crate::audit::NewAuditEntry,
        now: NaiveDateTime,
    ) -> Result<Option<((i64, Audited), Option<Change>)>, StoreError> {
        let seal = self.audit_seal();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let Some(change) = complete_queued_in(&tx, id, check.result, now)? else {
            return Ok(None);
        };
        let recorded = insert_check_audited(&tx, &seal, check, entry)?;
        tx.commit()?;
        if let Ok(e) = &recorded.1 {
            self.audit_appended(e);
        }
        Ok(Some((recorded, change)))
    }

    /// Records a failed replay; the check is due again at `next_attempt_at`.
    /// Does nothing to a check already done.
    pub fn fail_queued(
        &mut self,
        id: i64,
        error: &str,
        next_attempt_at: NaiveDateTime,
    ) -> Result<(), StoreError> {
        let n = self.conn.execute(
            "UPDATE queued_checks SET attempts = attempts + 1, last_error = ?2, next_attempt_at = ?3
             WHERE id = ?1 AND done_at IS NULL",
            params![id, error, ts(next_attempt_at)],
        )?;
        if n == 0 {
            let exists: bool = self
                .conn
                .query_row("SELECT 1 FROM queued_checks WHERE id = ?1", [id], |_| {
                    Ok(true)
                })
                .optional()?
                .unwrap_or(false);
            if !exists {
                return Err(StoreError::NoSuchRow {
                    table: "queued_checks",
                    id,
                });
            }
        }
        Ok(())
    }

    /// Deferred checks not done yet.
    pub fn pending_count(&self) -> Result<i64, StoreError> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM queued_checks WHERE done_at IS NULL",
            [],
            |r| r.get(0),
        )?)
    }

    /// Replays that found something different and nobody has reviewed yet, oldest visit first.
    pub fn changes_to_review(&self) -> Result<Vec<Change>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, change_json FROM queued_checks
             WHERE change_json IS NOT NULL AND reviewed_at IS NULL ORDER BY visit_at, id",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, json) = row?;
            out.push(from_json(
                &json,
                &format!("queued_checks.{id}.change_json"),
            )?);
        }
        Ok(out)
    }

    /// Staff have seen a change: it leaves [`Store::changes_to_review`].
    pub fn mark_reviewed(&mut self, queued_id: i64, now: NaiveDateTime) -> Result<(), StoreError> {
        let n = self.conn.execute(
            "UPDATE queued_checks SET reviewed_at = ?2 WHERE id = ?1 AND reviewed_at IS NULL",
            params![queued_id, ts(now)],
        )?;
        if n == 0
            && self
                .conn
                .query_row(
                    "SELECT 1 FROM queued_checks WHERE id = ?1",
                    [queued_id],
                    |_| Ok(()),
                )
                .optional()?
                .is_none()
        {
            return Err(StoreError::NoSuchRow {
                table: "queued_checks",
                id: queued_id,
            });
        }
        Ok(())
    }

}

/// Marks queued check `id` done inside `tx`: `None` when it was done
/// already (nothing changed), else what differs from what was shown.
pub(super) fn complete_queued_in(
    tx: &Connection,
    id: i64,
    result: &EligibilityResult,
    now: NaiveDateTime,
) -> Result<Option<Option<Change>>, StoreError> {
    let row: Option<(String, String, Option<String>, Option<String>)> = tx
        .query_row(
            "SELECT person_key, visit_at, shown_result_json, done_at FROM queued_checks WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    let Some((person_key, visit_at, shown, done_at)) = row else {
        return Err(StoreError::NoSuchRow {
            table: "queued_checks",
            id,
        });
    };
    if done_at.is_some() {
        return Ok(None);
    }
    let shown: Option<EligibilityResult> = shown
        .map(|s| from_json(&s, &format!("queued_checks.{id}.shown_result_json")))
        .transpose()?;
    let differences = differences(shown.as_ref(), result);
    let visit_at = parse_ts(&visit_at, &format!("queued_checks.{id}.visit_at"))?;
    let change = (!differences.is_empty()).then(|| Change {
        queued_id: id,
        person_key,
        visit_at,
        completed_at: now,
        nothing_shown: shown.is_none(),
        differences,
    });
    tx.execute(
        "UPDATE queued_checks SET done_at = ?2, replay_result_json = ?3, change_json = ?4,
                attempts = attempts + 1, last_error = NULL
         WHERE id = ?1",
        params![
            id,
            ts(now),
            to_json(result)?,
            change.as_ref().map(to_json).transpose()?
        ],
    )?;
    Ok(Some(change))
}
