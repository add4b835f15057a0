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
//!
//! The medical service ([`Medical`], `desk.medical`) is every view of
//! medical information at the desk — 薬剤情報 and 特定健診 too, under the same
//! gate ([`Medical::view`]) — what is kept of a view for printing, and the
//! purge of what is kept past its retention (`crate::retention` says when).

use std::sync::Arc;

use chrono::NaiveDateTime;
use madoguchi_adapters::audit::AuditAction;
use madoguchi_adapters::oqs::folder::MedicalFetchError;
use madoguchi_adapters::oqs::{FileCategory, MedicalRequest, MedicalRequestKind, TreatmentSetting};
use madoguchi_core::clinical::{permitted, ClinicalHistory, ClinicalLine};
use madoguchi_core::consent::{decide, ConsentGrant, ConsentState, Decision, Purpose, Refusal};
use madoguchi_core::medical::MedicalPatientHeader;
use madoguchi_core::message::ApiError;
use madoguchi_core::{ConsentCategory, EligibilityResult, Qualification};
use serde::{Deserialize, Serialize};

use crate::audit_outcome::Outcome;
use crate::checks::Checks;
use crate::consents::Consents;
use crate::context::Context;
use crate::words::{consent_msg, gateway_msg, store_error};
pub use madoguchi_api::desk::MedicalView;

/// What the store keeps of one category (clinical or operations).
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Kept {
    pub(crate) patient: MedicalPatientHeader,
    pub(crate) lines: Vec<ClinicalLine>,
}

/// The grants of both categories for one purpose: `Ok(grant)` or the refusal.
pub(crate) fn both(state: &ConsentState, key: &str, purpose: Purpose, now: NaiveDateTime) -> [Result<ConsentGrant, Refusal>; 2] {
    [ConsentCategory::Clinical, ConsentCategory::Operations].map(|c| decide(state, key, c, purpose, now).into_result())
}

/// Medical information at the desk (`desk.medical`).
#[derive(Clone)]
pub struct Medical {
    ctx: Arc<Context>,
    checks: Checks,
    consents: Consents,
}

impl Medical {
    pub fn new(ctx: Arc<Context>) -> Medical {
        Medical { checks: Checks::new(Arc::clone(&ctx)), consents: Consents::new(Arc::clone(&ctx)), ctx }
    }

    /// 薬剤情報 or 特定健診 for the patient of a check at the desk, only with the
    /// patient's valid consent for that category — decided here, in the
    /// backend, by `consent::decide`, for viewing and for fetching. Without
    /// it nothing is requested and nothing is returned.
    pub fn view(&self, check_id: i64, category: ConsentCategory, now: NaiveDateTime) -> Result<MedicalView, ApiError> {
        // The qualified role first (`crate::session`); refusals are logged.
        self.ctx.authorize(madoguchi_core::staff::Action::ViewMedical, Some(AuditAction::MedicalView), now)?;
        let (result, key) = self.checks.patient_of(check_id)?;
        let q = result.qualification.as_ref().expect("patient_of: a result with its insured person");
        // Card reader, home visit (re-use rule), consents recorded at the desk
        // (災害時モード): `crate::consents`.
        let state = self.consents.consent_state(&result, &key, now);
        if matches!(category, ConsentCategory::Clinical | ConsentCategory::Operations) {
            // 診療情報 and 手術情報: two consents, one view (`crate::clinical`).
            return self.view_clinical(&result, q, &state, category, now).map(MedicalView::Clinical);
        }
        let grant = |purpose| match decide(&state, &key, category, purpose, now) {
            Decision::Allowed(g) => Ok(g),
            Decision::Refused(r) => {
                // Refusals are logged too: someone tried.
                self.ctx.audit(AuditAction::MedicalView, Some(key.clone()), Outcome::refused(category, &r.reason), now);
                // In the words of how this patient consents (card reader, or
                // recorded in disaster mode): `crate::consents`.
                Err(ApiError::new(self.consents.refusal_msg(&state, &r, &key, now)))
            }
        };
        let _view = grant(Purpose::View)?;
        let fetch = grant(Purpose::Fetch)?;
        let gateway = self.ctx.medical_gateway()?;
        let request = medical_request(q, match category {
            ConsentCategory::Checkups => MedicalRequestKind::Checkups,
            _ => MedicalRequestKind::Medication,
        });
        let map = medical_fetch_error;
        self.ctx.audit_allowed(category, &key, &fetch, now);
        let view = match category {
            ConsentCategory::Medication => gateway.medication(&request, &fetch).map(MedicalView::Medication).map_err(map),
            _ => gateway.checkups(&request, &fetch).map(MedicalView::Checkups).map_err(map),
        }?;
        // Kept for printing when the consent allows keeping it (`crate::print`).
        self.keep_medical(&result, &key, &view, now);
        Ok(view)
    }

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
                self.ctx.audit(AuditAction::MedicalView, Some(key.clone()), Outcome::refused(category, &refusal.reason), now);
            }
        }
        let (clinical, operations) = match (clinical, operations) {
            (Err(c), Err(o)) => {
                let r = if asked == ConsentCategory::Operations { o } else { c };
                return Err(ApiError::new(self.consents.refusal_msg(state, &r, &key, now)));
            }
            (c, o) => (c.ok(), o.ok()),
        };
        let gateway = self.ctx.medical_gateway()?;
        let request = medical_request(q, MedicalRequestKind::Medication);
        let fetched = gateway
            .clinical(&request, clinical.as_ref().map(|g| &g.1), operations.as_ref().map(|g| &g.1))
            .map_err(medical_fetch_error)?;
        for (category, grants) in [(ConsentCategory::Clinical, &clinical), (ConsentCategory::Operations, &operations)] {
            if let Some((_, fetch)) = grants {
                self.ctx.audit_allowed(category, &key, fetch, now);
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
        let state = self.consents.consent_state(result, key, now);
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
            if let Err(e) = self.ctx.store.lock().unwrap().put_medical(&grant, &json, now, now) {
                tracing::error!("keeping clinical information: {e}");
            }
        }
    }

    /// Keeps medical information just viewed, when the consent allows keeping
    /// it (`Purpose::Cache`); otherwise keeps nothing. Printing reads only
    /// what was kept.
    pub(crate) fn keep_medical(&self, result: &EligibilityResult, patient_key: &str, view: &MedicalView, now: NaiveDateTime) {
        let (category, json) = match view {
            MedicalView::Medication(h) => (ConsentCategory::Medication, serde_json::to_string(h)),
            MedicalView::Checkups(c) => (ConsentCategory::Checkups, serde_json::to_string(c)),
            // Kept per category by `crate::clinical`.
            MedicalView::Clinical(_) => return,
        };
        let state = self.consents.consent_state(result, patient_key, now);
        let Decision::Allowed(grant) = decide(&state, patient_key, category, Purpose::Cache, now) else {
            return;
        };
        let Ok(json) = json else { return };
        if let Err(e) = self.ctx.store.lock().unwrap().put_medical(&grant, &json, now, now) {
            tracing::error!("keeping medical information: {e}");
        }
    }

    /// Deletes cached medical information older than the settings'
    /// retention period (see [`crate::retention`] for when).
    pub fn purge(&self, now: NaiveDateTime) -> Result<madoguchi_adapters::store::PurgeReport, ApiError> {
        let days = self.ctx.settings.read().unwrap().medical_retention_days;
        self.ctx.store.lock().unwrap().purge(now, chrono::Duration::days(days.into())).map_err(store_error)
    }
}

/// The medical request for the patient of a qualification (the gateway sets
/// the facility code, the file category and the file id).
pub(crate) fn medical_request(q: &madoguchi_core::Qualification, kind: MedicalRequestKind) -> MedicalRequest {
    MedicalRequest {
        kind,
        institution_code: String::new(),
        insurer_number: q.insurer_number.clone(),
        symbol: q.symbol.clone(),
        number: q.number.clone(),
        branch: q.branch.clone(),
        file_id: None,
        start: None,
        end: None,
        file_category: FileCategory::Xml,
        treatment: TreatmentSetting::Outpatient,
    }
}

pub(crate) fn medical_fetch_error(e: MedicalFetchError) -> ApiError {
    match e {
        MedicalFetchError::Refused(r) => ApiError::new(consent_msg(&r.message())),
        MedicalFetchError::Gateway(g) => ApiError::new(gateway_msg(g)),
    }
}
