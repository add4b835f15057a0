//! 診療情報 (clinical history) and 手術情報 (operations) at the desk: viewed,
//! kept and printed under two consents.
//!
//! The national system sends both inside the medication answer
//! (`FileCategory` 4), so one view shows both, each only under its own
//! consent: `consent::decide` is asked for 診療情報 and for 手術情報 (view
//! and fetch), and `madoguchi_core::clinical::permitted` — which takes only
//! the grants `decide` made — drops every entry no grant covers, in the
//! gateway right after the answer is read and again before the view leaves
//! the desk. With neither consent nothing is asked for and the answer is the
//! refusal (logged). With one of the two the view says what was left out.
//!
//! Each category is kept apart in the local store (the clinical lines under
//! 診療情報, the operations under 手術情報), each under its own *cache*
//! grant, and printing reads each back only under its own *view* grant and
//! prints it only under its own *print* grant.

use chrono::NaiveDateTime;
use madoguchi_adapters::audit::AuditAction;
use madoguchi_adapters::oqs::MedicalRequestKind;
use madoguchi_adapters::pdf;
use madoguchi_core::clinical::{permitted, ClinicalHistory, ClinicalLine};
use madoguchi_core::consent::{decide, ConsentGrant, ConsentState, Purpose, Refusal};
use madoguchi_core::medical::MedicalPatientHeader;
use madoguchi_core::message::{ApiError, Msg};
use madoguchi_core::{ConsentCategory, EligibilityResult, Qualification};
use serde::{Deserialize, Serialize};

use crate::audit_outcome::Outcome;
use crate::desk::{consent_msg, medical_fetch_error, medical_request, store_msg, Desk};

/// What the store keeps of one category (clinical or operations).
#[derive(Debug, Serialize, Deserialize)]
struct Kept {
    patient: MedicalPatientHeader,
    lines: Vec<ClinicalLine>,
}

/// The grants of both categories for one purpose: `Ok(grant)` or the refusal.
fn both(state: &ConsentState, key: &str, purpose: Purpose, now: NaiveDateTime) -> [Result<ConsentGrant, Refusal>; 2] {
    [ConsentCategory::Clinical, ConsentCategory::Operations].map(|c| decide(state, key, c, purpose, now).into_result())
}

impl Desk {
    /// 診療情報 for the patient of `result` (`q` its qualification), with
    /// 手術情報 only under the operations consent. `asked` is the category
    /// the window asked for; its refusal is the answer when neither
    /// category may be shown.
    pub(crate) fn view_clinical(
        &self,
        result: &EligibilityResult,
        q: &Qualification,
        state: &ConsentState,
        asked: ConsentCategory,
        now: NaiveDateTime,
    ) -> Result<ClinicalHistory, ApiError> {
        let key = q.person_key();
        let [cv, ov] = both(state, &key, Purpose::View, now);
        let [cf, of] = both(state, &key, Purpose::Fetch, now);
        // A category counts only when it may be both viewed and fetched.
        let pair = |v: Result<ConsentGrant, Refusal>, f: Result<ConsentGrant, Refusal>| match (v, f) {
            (Ok(v), Ok(f)) => Ok((v, f)),
            (Err(r), _) | (_, Err(r)) => Err(r),
        };
        let clinical = pair(cv, cf);
        let operations = pair(ov, of);
        for (category, r) in [(ConsentCategory::Clinical, &clinical), (ConsentCategory::Operations, &operations)] {
            if let Err(refusal) = r {
                self.audit(AuditAction::MedicalView, Some(key.clone()), Outcome::refused(category, &refusal.reason), now);
            }
        }
        let (clinical, operations) = match (clinical, operations) {
            (Err(c), Err(o)) => {
                let r = if asked == ConsentCategory::Operations { o } else { c };
                return Err(ApiError::new(self.refusal_msg(state, &r, &key, now)));
            }
            (c, o) => (c.ok(), o.ok()),
        };
        let gateway = self.medical_gateway()?;
        let request = medical_request(q, MedicalRequestKind::Medication);
        let fetched = gateway
            .clinical(&request, clinical.as_ref().map(|g| &g.1), operations.as_ref().map(|g| &g.1))
            .map_err(medical_fetch_error)?;
        for (category, grants) in [(ConsentCategory::Clinical, &clinical), (ConsentCategory::Operations, &operations)] {
            if let Some((_, fetch)) = grants {
                self.audit_allowed(category, &key, fetch, now);
            }
        }
        let view = permitted(
            fetched.0.lines().to_vec(),
            &key,
            clinical.as_ref().map(|g| &g.0),
            operations.as_ref().map(|g| &g.0),
            Purpose::View,
            now,
        )
        .map_err(|r| ApiError::new(consent_msg(&r.message())))?;
        self.keep_clinical(result, &key, &fetched.1, view.lines(), now);
        Ok(view.into_history(fetched.1, fetched.2))
    }

    /// Keeps each category's lines under its own *cache* grant; a category
    /// whose consent does not allow keeping is not kept (the card-reader
    /// consent of the stored result decides, as for medication).
    fn keep_clinical(&self, result: &EligibilityResult, key: &str, patient: &MedicalPatientHeader, lines: &[ClinicalLine], now: NaiveDateTime) {
        let state = self.consent_state(result, key, now);
        let [c, o] = both(&state, key, Purpose::Cache, now);
        for grant in [c, o].into_iter().flatten() {
            // The cache grant filters what it may keep: one category each.
            let Ok(mine) = permitted(
                lines.to_vec(),
                key,
                (grant.category() == ConsentCategory::Clinical).then_some(&grant),
                (grant.category() == ConsentCategory::Operations).then_some(&grant),
                Purpose::Cache,
                now,
            ) else {
                continue;
            };
            let kept = Kept { patient: patient.clone(), lines: mine.lines().to_vec() };
            let Ok(json) = serde_json::to_string(&kept) else { continue };
            if let Err(e) = self.store_handle().lock().unwrap().put_medical(&grant, &json, now, now) {
                tracing::error!("keeping clinical information: {e}");
            }
        }
    }

    /// The 診療情報 PDF from what the store kept: each category read under
    /// its *view* grant and printed under its *print* grant, both decided
    /// now. Neither category allowed → the clinical refusal (logged by
    /// `consent_grant`). Nothing kept → `print-nothing-kept`.
    pub(crate) fn print_clinical(&self, result: &EligibilityResult, key: &str, facility: &str, now: NaiveDateTime) -> Result<Vec<u8>, ApiError> {
        let state = self.consent_state(result, key, now);
        let [cv, ov] = both(&state, key, Purpose::View, now);
        let [cp, op] = both(&state, key, Purpose::Print, now);
        let pair = |v: Result<ConsentGrant, Refusal>, p: Result<ConsentGrant, Refusal>| v.ok().zip(p.ok());
        let (clinical, operations) = (pair(cv, cp), pair(ov, op));
        if clinical.is_none() && operations.is_none() {
            // The refusal in words, logged.
            self.consent_grant(result, key, ConsentCategory::Clinical, Purpose::Print, now)?;
            return Err(ApiError::new(Msg::new("print-failed").arg("reason", "consent")));
        }
        if operations.is_none() {
            // Logged: operations left out of the printout.
            if let Err(r) = decide(&state, key, ConsentCategory::Operations, Purpose::Print, now).into_result() {
                self.audit(AuditAction::Print, Some(key.to_string()), Outcome::OperationsWithheld((&r.reason).into()), now);
            }
        }
        let mut lines = Vec::new();
        let mut patient = None;
        for (view, _) in [clinical.as_ref(), operations.as_ref()].into_iter().flatten() {
            let kept = self.store_handle().lock().unwrap().get_medical(view, now).map_err(|e| ApiError::new(store_msg(&e)))?;
            if let Some(kept) = kept {
                let k: Kept = serde_json::from_str(&kept.json).map_err(|e| ApiError::new(Msg::new("print-failed").arg("reason", e.to_string())))?;
                patient.get_or_insert(k.patient);
                lines.extend(k.lines);
            }
        }
        let Some(patient) = patient else {
            return Err(ApiError::new(Msg::new("print-nothing-kept").arg("category", ConsentCategory::Clinical.as_str())));
        };
        let (cp, op) = (clinical.as_ref().map(|g| &g.1), operations.as_ref().map(|g| &g.1));
        let history = permitted(lines, key, cp, op, Purpose::Print, now)
            .map_err(|r| ApiError::new(consent_msg(&r.message())))?
            .into_history(patient, None);
        pdf::clinical_history(&history, cp, op, facility, now, self.settings().lang).map_err(|e| ApiError::new(e.message()))
    }
}
