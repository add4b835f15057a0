//! Printing at the desk: 資格確認結果, 薬剤情報, 特定健診等情報, 診療情報 and the
//! patient's 閲覧記録 as A4 PDFs (`madoguchi_adapters::pdf`), from what the
//! local store holds for a patient, through the same role check and the same
//! consent decision (`madoguchi_core::consent::decide`) as the window.
//!
//! Medical information is printed only from the desk's own store, where it
//! was kept when staff viewed it under a consent that allows keeping it
//! ([`Desk::keep_medical`]); printing never asks the national system. A
//! category without a valid consent renders nothing: the refusal is the
//! answer, and it is logged.

use chrono::NaiveDateTime;
use madoguchi_adapters::audit::{AuditAction, AuditFilter};
use madoguchi_adapters::pdf;
use madoguchi_core::consent::{decide, ConsentGrant, Decision, Purpose};
use madoguchi_core::medical::{CheckupResults, MedicationHistory};
use madoguchi_core::message::{ApiError, Msg};
use madoguchi_core::{ConsentCategory, EligibilityResult};

use crate::audit_outcome::Outcome;
use crate::desk::{store_msg, Desk, MedicalView};
pub use madoguchi_api::desk::PrintedFile;

/// What can be printed for a patient: the core's vocabulary (its code is
/// the file name's and the audit log's `printed:<code>`).
pub use madoguchi_core::audit::PrintKind;

/// The facility as printed in the header of every page.
fn facility_line(code: &str) -> String {
    format!("医療機関コード {code}")
}

impl Desk {
    /// The PDF of `kind` for the patient `patient_key`
    /// (`保険者番号:記号:番号:枝番`), printed at `now`.
    pub fn print(&self, kind: PrintKind, patient_key: &str, now: NaiveDateTime) -> Result<Vec<u8>, ApiError> {
        self.authorize(kind.action(), Some(AuditAction::Print), now)?;
        let printed = self.print_authorized(kind, patient_key, now);
        if let Err(e) = &printed {
            // Refusals that are not the consent's (those are logged by
            // `consent_grant`): nothing viewed for the access slip, nothing
            // kept, no such patient — logged too.
            if NOT_PRINTED.contains(&e.message.id.as_str()) {
                let key = Some(patient_key.to_string());
                self.audit_because(AuditAction::Print, key, Outcome::NotPrinted(kind), &e.message.id, now);
            }
        }
        printed
    }

    fn print_authorized(&self, kind: PrintKind, patient_key: &str, now: NaiveDateTime) -> Result<Vec<u8>, ApiError> {
        let latest = self
            .store_handle()
            .lock()
            .unwrap()
            .latest_check_for(patient_key)
            .map_err(|e| ApiError::new(store_msg(&e)))?
            // In training mode, only the embedded population's patients.
            .filter(|l| self.training_may_show(l.id, &l.result))
            .ok_or_else(|| ApiError::new(Msg::new("print-no-patient").arg("key", patient_key)))?;
        let facility = facility_line(&self.settings().facility_code);
        // The documents print in the desk's language.
        let lang = self.settings().lang;
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
                    .store_handle()
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
        self.audit(AuditAction::Print, Some(patient_key.to_string()), Outcome::Printed(kind), now);
        Ok(bytes)
    }

    /// The grant for one purpose, or the refusal in words (logged).
    pub(crate) fn consent_grant(
        &self,
        result: &EligibilityResult,
        patient_key: &str,
        category: ConsentCategory,
        purpose: Purpose,
        now: NaiveDateTime,
    ) -> Result<ConsentGrant, ApiError> {
        let state = self.consent_state(result, patient_key, now);
        match decide(&state, patient_key, category, purpose, now) {
            Decision::Allowed(g) => Ok(g),
            Decision::Refused(r) => {
                self.audit(
                    AuditAction::Print,
                    Some(patient_key.to_string()),
                    Outcome::refused(category, &r.reason),
                    now,
                );
                Err(ApiError::new(self.refusal_msg(&state, &r, patient_key, now)))
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
        let state = self.consent_state(result, patient_key, now);
        let Decision::Allowed(grant) = decide(&state, patient_key, category, Purpose::Cache, now) else {
            return;
        };
        let Ok(json) = json else { return };
        if let Err(e) = self.store_handle().lock().unwrap().put_medical(&grant, &json, now, now) {
            tracing::error!("keeping medical information: {e}");
        }
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
            let store = self.store_handle().lock().unwrap();
            let failed = |e: madoguchi_adapters::audit::AuditError| ApiError::new(Msg::new("print-failed").arg("reason", e.to_string()));
            (store.audit_query(&filter).map_err(failed)?, store.audit_head().map_err(failed)?)
        };
        let state = self.consent_state(result, patient_key, now);
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

impl Desk {
    /// Prints `kind` for the patient of check `check_id` into the desk's
    /// `prints/` folder (data directory) and opens it in the system's PDF
    /// viewer, from which staff print it. The file name says what and when.
    pub fn print_to_file(&self, check_id: i64, kind: PrintKind, now: NaiveDateTime) -> Result<PrintedFile, ApiError> {
        // Who may print, before anything of the check is read (again in
        // `print`); nobody signed in is refused and logged here.
        self.authorize(kind.action(), Some(AuditAction::Print), now)?;
        let result = self.check_result(check_id)?.ok_or_else(|| ApiError::new(Msg::new("error-no-such-check")))?;
        let key = result
            .qualification
            .as_ref()
            .map(|q| q.person_key())
            .ok_or_else(|| ApiError::new(Msg::new("medical-no-patient")))?;
        let bytes = self.print(kind, &key, now)?;
        // Deleted by `crate::retention` (at the next start, at most a day on).
        let dir = self.settings().prints_dir();
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
