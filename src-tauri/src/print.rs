//! Printing at the desk: 資格確認結果, 薬剤情報, 特定健診等情報, 診療情報 and the
//! patient's 閲覧記録 as A4 PDFs (`madoguchi_adapters::pdf`), from what the
//! local store holds for a patient, through the same role check and the same
//! consent decision (`madoguchi_core::consent::decide`) as the window.
//!
//! Medical information is printed only from the desk's own store, where it
//! was kept when staff viewed it under a consent that allows keeping it
//! (`crate::clinical`, [`Medical::view`](crate::clinical::Medical::view)); printing never asks the national system. A
//! category without a valid consent renders nothing: the refusal is the
//! answer, and it is logged.

use std::sync::Arc;

use chrono::NaiveDateTime;
use madoguchi_adapters::audit::{AuditAction, AuditFilter};
use madoguchi_adapters::pdf;
use madoguchi_core::clinical::permitted;
use madoguchi_core::consent::{decide, ConsentGrant, Decision, Purpose, Refusal};
use madoguchi_core::medical::{CheckupResults, MedicationHistory};
use madoguchi_core::message::{ApiError, Msg};
use madoguchi_core::{ConsentCategory, EligibilityResult};

use crate::audit_outcome::Outcome;
use crate::checks::Checks;
use crate::clinical::{both, Kept};
use crate::consents::Consents;
use crate::context::Context;
use crate::words::{consent_msg, store_msg};
pub use madoguchi_api::desk::PrintedFile;

/// What can be printed for a patient: the core's vocabulary (its code is
/// the file name's and the audit log's `printed:<code>`).
pub use madoguchi_core::audit::PrintKind;

/// The facility as printed in the header of every page.
fn facility_line(code: &str) -> String {
    format!("医療機関コード {code}")
}

/// Printing (`desk.print`).
#[derive(Clone)]
pub struct Print {
    ctx: Arc<Context>,
    checks: Checks,
    consents: Consents,
}

impl Print {
    pub fn new(ctx: Arc<Context>) -> Print {
        Print { checks: Checks::new(Arc::clone(&ctx)), consents: Consents::new(Arc::clone(&ctx)), ctx }
    }

    /// The PDF of `kind` for the patient `patient_key`
    /// (`保険者番号:記号:番号:枝番`), printed at `now`.
    pub fn print(&self, kind: PrintKind, patient_key: &str, now: NaiveDateTime) -> Result<Vec<u8>, ApiError> {
        self.ctx.authorize(kind.action(), Some(AuditAction::Print), now)?;
        let printed = self.print_authorized(kind, patient_key, now);
        if let Err(e) = &printed {
            // Refusals that are not the consent's (those are logged by
            // `consent_grant`): nothing viewed for the access slip, nothing
            // kept, no such patient — logged too.
            if NOT_PRINTED.contains(&e.message.id.as_str()) {
                let key = Some(patient_key.to_string());
                self.ctx.audit_because(AuditAction::Print, key, Outcome::NotPrinted(kind), &e.message.id, now);
            }
        }
        printed
    }

    fn print_authorized(&self, kind: PrintKind, patient_key: &str, now: NaiveDateTime) -> Result<Vec<u8>, ApiError> {
        let latest = self
            .ctx.store
            .lock()
            .unwrap()
            .latest_check_for(patient_key)
            .map_err(|e| ApiError::new(store_msg(&e)))?
            // In training mode, only the embedded population's patients.
            .filter(|l| self.ctx.training_may_show(l.id, &l.result))
            .ok_or_else(|| ApiError::new(Msg::new("print-no-patient").arg("key", patient_key)))?;
        let facility = facility_line(&self.ctx.settings().facility_code);
        // The documents print in the desk's language.
        let lang = self.ctx.settings().lang;
        let pdf_error = |e: pdf::PdfError| ApiError::new(e.message());
        let bytes = match kind {
            PrintKind::Eligibility => pdf::eligibility_slip(&latest.result, &facility, now, lang).map_err(pdf_error)?,
            PrintKind::AccessSlip => {
                let slip = self.access_slip(&latest.result, patient_key, now)?;
                pdf::access_slip(&slip, &facility, now, lang).map_err(pdf_error)?
            }
            // Two categories, each under its own consent (`crate::clinical`).
            PrintKind::Clinical => self.print_clinical(&latest.result, patient_key, &facility, now)?,
            PrintKind::MedicationList | PrintKind::Checkups => {
                let category = kind.category().expect("a medical kind");
                let view = self.consent_grant(&latest.result, patient_key, category, Purpose::View, now)?;
                let print = self.consent_grant(&latest.result, patient_key, category, Purpose::Print, now)?;
                let kept = self
                    .ctx.store
                    .lock()
                    .unwrap()
                    .get_medical(&view, now)
                    .map_err(|e| ApiError::new(store_msg(&e)))?
                    .ok_or_else(|| ApiError::new(Msg::new("print-nothing-kept").arg("category", category.as_str())))?;
                let corrupt = |e: serde_json::Error| ApiError::new(Msg::new("print-failed").arg("reason", e.to_string()));
                match category {
                    ConsentCategory::Medication => {
                        let h: MedicationHistory = serde_json::from_str(&kept.json).map_err(corrupt)?;
                        pdf::medication_list(&h, &print, &facility, now, lang).map_err(pdf_error)?
                    }
                    _ => {
                        let c: CheckupResults = serde_json::from_str(&kept.json).map_err(corrupt)?;
                        pdf::checkup_report(&c, &print, &facility, now, lang).map_err(pdf_error)?
                    }
                }
            }
        };
        self.ctx.audit(AuditAction::Print, Some(patient_key.to_string()), Outcome::Printed(kind), now);
        Ok(bytes)
    }

    /// The grant for one purpose, or the refusal in words (logged).
    fn consent_grant(
        &self,
        result: &EligibilityResult,
        patient_key: &str,
        category: ConsentCategory,
        purpose: Purpose,
        now: NaiveDateTime,
    ) -> Result<ConsentGrant, ApiError> {
        let state = self.consents.consent_state(result, patient_key, now);
        match decide(&state, patient_key, category, purpose, now) {
            Decision::Allowed(g) => Ok(g),
            Decision::Refused(r) => {
                self.ctx.audit(
                    AuditAction::Print,
                    Some(patient_key.to_string()),
                    Outcome::refused(category, &r.reason),
                    now,
                );
                Err(ApiError::new(self.consents.refusal_msg(&state, &r, patient_key, now)))
            }
        }
    }

    /// The 診療情報 PDF from what the store kept: each category read under
    /// its *view* grant and printed under its *print* grant, both decided
    /// now. Neither category allowed → the clinical refusal (logged by
    /// `consent_grant`). Nothing kept → `print-nothing-kept`.
    fn print_clinical(&self, result: &EligibilityResult, key: &str, facility: &str, now: NaiveDateTime) -> Result<Vec<u8>, ApiError> {
        let state = self.consents.consent_state(result, key, now);
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
                self.ctx.audit(AuditAction::Print, Some(key.to_string()), Outcome::OperationsWithheld((&r.reason).into()), now);
            }
        }
        let mut lines = Vec::new();
        let mut patient = None;
        for (view, _) in [clinical.as_ref(), operations.as_ref()].into_iter().flatten() {
            let kept = self.ctx.store.lock().unwrap().get_medical(view, now).map_err(|e| ApiError::new(store_msg(&e)))?;
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
        pdf::clinical_history(&history, cp, op, facility, now, self.ctx.settings().lang).map_err(|e| ApiError::new(e.message()))
    }

    /// Today's medical viewings of the patient, from the audit log.
    fn access_slip(&self, result: &EligibilityResult, patient_key: &str, now: NaiveDateTime) -> Result<pdf::AccessSlip, ApiError> {
        let day = now.date();
        let filter = AuditFilter {
            from: day.and_hms_opt(0, 0, 0),
            to: day.succ_opt().and_then(|d| d.and_hms_opt(0, 0, 0)),
            staff_id: None,
            action: Some(AuditAction::MedicalView),
            patient_key: Some(patient_key.to_string()),
            ..AuditFilter::default()
        };
        let (entries, audit_head) = {
            let store = self.ctx.store.lock().unwrap();
            let failed = |e: madoguchi_adapters::audit::AuditError| ApiError::new(Msg::new("print-failed").arg("reason", e.to_string()));
            (store.audit_query(&filter).map_err(failed)?, store.audit_head().map_err(failed)?)
        };
        let state = self.consents.consent_state(result, patient_key, now);
        let mut out = Vec::new();
        for e in entries {
            let Some(category) = e.outcome.strip_prefix("allowed:").and_then(category_of) else { continue };
            // The consent the viewing rested on: the one valid at that time.
            let Decision::Allowed(g) = decide(&state, patient_key, category, Purpose::View, e.at) else { continue };
            let role = e
                .role
                .map(|r| madoguchi_i18n::tr(madoguchi_i18n::Lang::Ja, &format!("staff-role-{}", r.code()), &[]))
                .unwrap_or_else(|| e.staff_id.clone());
            out.push(pdf::AccessEntry { category, viewed_at: e.at, staff_role: role, consent_valid_until: g.valid_until() });
        }
        if out.is_empty() {
            return Err(ApiError::new(Msg::new("print-nothing-viewed")));
        }
        let name = result.person.as_ref().map(|p| p.name.clone()).unwrap_or_default();
        Ok(pdf::AccessSlip { patient_name: name, patient_key: patient_key.to_string(), visit_date: day, entries: out, audit_head })
    }
}

/// The refusals of a print that are logged as `not_printed:<kind>` (the
/// consent's own refusals are logged where `decide` answers).
const NOT_PRINTED: [&str; 3] = ["print-no-patient", "print-nothing-viewed", "print-nothing-kept"];

fn category_of(s: &str) -> Option<ConsentCategory> {
    ConsentCategory::ALL.iter().copied().find(|c| c.as_str() == s)
}

impl Print {
    /// Prints `kind` for the patient of check `check_id` into the desk's
    /// `prints/` folder (data directory) and opens it in the system's PDF
    /// viewer, from which staff print it. The file name says what and when.
    pub fn to_file(&self, check_id: i64, kind: PrintKind, now: NaiveDateTime) -> Result<PrintedFile, ApiError> {
        // Who may print, before anything of the check is read (again in
        // `print`); nobody signed in is refused and logged here.
        self.ctx.authorize(kind.action(), Some(AuditAction::Print), now)?;
        let (_, key) = self.checks.patient_of(check_id)?;
        let bytes = self.print(kind, &key, now)?;
        // Deleted by `crate::retention` (at the next start, at most a day on).
        let dir = self.ctx.settings().prints_dir();
        let path = dir.join(format!("{}_{}_{}.pdf", now.format("%Y%m%d-%H%M%S"), kind.code(), check_id));
        let tmp = path.with_extension("pdf.tmp");
        std::fs::create_dir_all(&dir)
            .and_then(|_| std::fs::write(&tmp, &bytes))
            .and_then(|_| std::fs::rename(&tmp, &path))
            .map_err(|e| {
                let _ = std::fs::remove_file(&tmp);
                ApiError::new(Msg::new("print-write-failed").arg("file", path.display()).arg("reason", e))
            })?;
        open_in_viewer(&path);
        Ok(PrintedFile { path: path.display().to_string(), bytes: bytes.len() })
    }
}

/// Opens the PDF with the system's viewer; where there is none (a server, a
/// test under Xvfb) the file is still there and its path on screen.
fn open_in_viewer(path: &std::path::Path) {
    let opener = if cfg!(target_os = "macos") {
        std::process::Command::new("open").arg(path).spawn()
    } else if cfg!(target_os = "windows") {
        std::process::Command::new("cmd").args(["/C", "start", ""]).arg(path).spawn()
    } else {
        std::process::Command::new("xdg-open").arg(path).spawn()
    };
    if let Err(e) = opener {
        tracing::info!("no PDF viewer opened for {}: {e}", path.display());
    }
}
