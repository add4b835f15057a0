//! A patient's consents at the desk, gathered in one place, and the consents
//! staff record in 災害時モード.
//!
//! * [`Consents::consent_state`] is the one place that says what the desk knows of
//!   a patient's consents: the card reader's (in the check's result), a home
//!   visit's (under `core::home_visit::may_reuse`), and those recorded here
//!   (the store's `consents` table). Every path to medical information —
//!   viewing ([`Medical::view`](crate::clinical::Medical::view)), keeping, printing — builds its
//!   `ConsentState` with it and asks the one gate, `consent::decide`.
//! * [`Consents::record_disaster`]: after a disaster look-up found
//!   exactly one person, qualified staff record that person's consent per
//!   category — oral (口頭同意), or "unconscious, needed to protect life"
//!   (意識不明等・生命保護のため) with a mandatory reason. Refused before
//!   anything is written: a role other than qualified
//!   ([`Action::DisasterLookup`]), a patient no disaster look-up found in the
//!   last [`MATCH_HOURS`] hours, no category, a blank reason
//!   (`consent::disaster_consents`). Recorded with who (staff id and role),
//!   when, source and until when — 24 hours, `consent::DISASTER_CONSENT_HOURS`
//!   — in one transaction, and in the audit log.
//! * `Consents::refusal_msg`: what a refusal tells staff to do. For a patient a
//!   disaster look-up found in the last [`MATCH_HOURS`] hours — exactly the
//!   patients a disaster consent can be recorded for — and for a disaster
//!   consent that ran out, a missing, not consented or expired consent is
//!   "record the disaster consent (口頭同意 / 意識不明等)", not "on the card
//!   reader" (`consent::ConsentRemedy::for_refusal`). The backend knows from
//!   the disaster matches and the recorded consents; the window passes no context
//!   and cannot pass a wrong one.

use std::sync::Arc;

use chrono::{NaiveDateTime, TimeDelta};
use madoguchi_core::home_visit::may_reuse;
use madoguchi_adapters::audit::AuditAction;
use madoguchi_adapters::store::RecordedConsent;
use madoguchi_core::consent::{disaster_consents, ConsentRemedy, ConsentSource, ConsentState, Refusal};
use madoguchi_core::message::{ApiError, Msg};
use madoguchi_core::staff::Action;
use madoguchi_core::EligibilityResult;

use crate::audit_outcome::{self, Outcome, Who};
use crate::checks::Checks;
use crate::context::Context;
use crate::words::store_msg;
pub use madoguchi_api::disaster::DisasterConsentInput;

/// A consent is recorded only for a patient a disaster look-up found within
/// this many hours (the look-up and the consent are one visit).
pub const MATCH_HOURS: i64 = 24;

/// A patient's consents (`desk.consents`).
#[derive(Clone)]
pub struct Consents {
    ctx: Arc<Context>,
    checks: Checks,
}

impl Consents {
    pub fn new(ctx: Arc<Context>) -> Consents {
        Consents { checks: Checks::new(Arc::clone(&ctx)), ctx }
    }

    /// Every consent the desk knows for `patient_key`, the patient of
    /// `result`: the card reader's, a re-usable home visit's, and the
    /// consents recorded at the desk. Not filtered by time or validated:
    /// `consent::decide` does both, every time. A store that cannot be read
    /// adds nothing (fewer consents, never more).
    pub fn consent_state(&self, result: &EligibilityResult, patient_key: &str, now: NaiveDateTime) -> ConsentState {
        let mut state = ConsentState::from_eligibility(result, patient_key);
        self.add_home_visit_consents(&mut state, result, now);
        let recorded = match self.ctx.store.lock().unwrap().consents_for(patient_key) {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!("recorded consents unreadable: {e}");
                Vec::new()
            }
        };
        let mut all = state.consents().to_vec();
        all.extend(recorded);
        // The terminal's clock may run ahead of this PC's (settings).
        let tolerance = self.ctx.settings().consent_clock_tolerance();
        ConsentState::from_stored(patient_key, all).with_clock_tolerance(tolerance)
    }

    /// Adds the consent of the patient's home visit, when one may be used at
    /// `now` (the same rule as a later visit: `core::home_visit::may_reuse` —
    /// latest first visit, confirmed, same card, within validity), to the
    /// state `view_medical` asks `consent::decide` about. A consent given
    /// offline counts only once the national system has seen its check.
    fn add_home_visit_consents(&self, state: &mut ConsentState, result: &EligibilityResult, now: NaiveDateTime) {
        let (Some(q), Some(p)) = (result.qualification.as_ref(), result.person.as_ref()) else {
            return;
        };
        let key = q.person_key();
        let firsts = match self.ctx.store.lock().unwrap().first_home_visits(&key, p.birth_date) {
            Ok(f) => f,
            Err(e) => {
                tracing::warn!("home-visit consents unreadable: {e}");
                return;
            }
        };
        if let Ok(first) = may_reuse(&firsts, &key, p.birth_date, now) {
            for c in first.consents() {
                // A record that fails validation is left out (decide would refuse it anyway).
                let _ = state.record(c);
            }
        }
    }

    /// Records the consent of the patient of check `check_id` (the check a
    /// disaster look-up recorded) — see the module documentation.
    pub fn record_disaster(
        &self,
        check_id: i64,
        input: &DisasterConsentInput,
        now: NaiveDateTime,
    ) -> Result<Vec<RecordedConsent>, ApiError> {
        let session = self.ctx.authorize(Action::DisasterLookup, Some(AuditAction::Consent), now)?;
        let (_, key) = self.checks.patient_of(check_id)?;
        let audit = |outcome: Outcome, reason: Option<String>, detail: Option<serde_json::Value>| {
            self.ctx.audit_entry(audit_outcome::entry(
                now,
                Who::Session(&session),
                AuditAction::Consent,
                Some(key.clone()),
                &outcome,
                reason,
                detail,
            ))
        };
        if !self.found_by_disaster_lookup(&key, now)? {
            audit(Outcome::ConsentNoMatch, None, None);
            return Err(ApiError::new(Msg::new("disaster-consent-no-match")));
        }
        let consents = disaster_consents(&key, &input.categories, &input.basis, &session.staff_id, now).map_err(|p| {
            let m = p.message();
            ApiError::new(Msg::with_args(m.id, m.string_args()))
        })?;
        let ids = self
            .ctx.store
            .lock()
            .unwrap()
            .record_consents(&consents, Some(session.role), now, Some(check_id))
            .map_err(|e| ApiError::new(store_msg(&e)))?;
        let categories: Vec<&str> = consents.iter().map(|c| c.category.as_str()).collect();
        let source = &consents[0].source;
        let reason = match source {
            ConsentSource::UnconsciousVitalInterest { reason } => Some(reason.clone()),
            _ => None,
        };
        audit(
            Outcome::ConsentRecorded(consents.iter().map(|c| c.category).collect()),
            reason,
            Some(serde_json::json!({
                "source": source.as_str(),
                "categories": categories,
                "given_at": consents[0].given_at,
                "valid_until": consents[0].valid_until,
                "check_id": check_id,
                "ids": ids,
            })),
        );
        let recorded = self
            .ctx.store
            .lock()
            .unwrap()
            .recorded_consents(&key)
            .map_err(|e| ApiError::new(store_msg(&e)))?;
        Ok(recorded.into_iter().filter(|r| ids.contains(&r.id)).collect())
    }

    /// A refusal of `patient_key`'s medical information (`state`: the
    /// patient's consents, from [`Consents::consent_state`]) in words that say
    /// what to do for this patient: `ConsentRemedy::for_refusal`, with
    /// whether a disaster look-up found the patient within [`MATCH_HOURS`]
    /// (the condition [`Consents::record_disaster`] asks). An unreadable
    /// store counts as no match: this is advice, never a permission.
    pub(crate) fn refusal_msg(&self, state: &ConsentState, refusal: &Refusal, patient_key: &str, now: NaiveDateTime) -> Msg {
        let remedy = if refusal.depends_on_remedy() {
            let matched = self.found_by_disaster_lookup(patient_key, now).unwrap_or_else(|e| {
                tracing::warn!("disaster look-ups unreadable: {:?}", e.message);
                false
            });
            ConsentRemedy::for_refusal(state, refusal, matched)
        } else {
            ConsentRemedy::CardReader
        };
        // A consent "in the future" beyond the tolerance: both clocks, to the second.
        let m = refusal.message_at(remedy, now);
        Msg::with_args(m.id, m.string_args())
    }

    /// Did a disaster look-up find `patient_key` within [`MATCH_HOURS`]
    /// before `now`? (The store's disaster matches, kept with each look-up
    /// that found exactly one person.)
    fn found_by_disaster_lookup(&self, patient_key: &str, now: NaiveDateTime) -> Result<bool, ApiError> {
        self.ctx.store
            .lock()
            .unwrap()
            .disaster_match_between(patient_key, now - TimeDelta::hours(MATCH_HOURS), now)
            .map_err(|e| ApiError::new(store_msg(&e)))
    }
}
