//! PDF printing: the only module that knows PDF.
//!
//! Five A4 documents, in the desk's language (Japanese, with 和暦 dates and
//! 西暦 in brackets; or English, with ISO dates), their words from
//! `locales/<lang>/pdf.ftl`, a header with the facility and the print time
//! on every page, and page numbers:
//!
//! - [`eligibility_slip`]: 資格確認結果 (no consent needed: eligibility is not
//!   medical information),
//! - [`medication_list`]: 薬剤情報, only with a [`ConsentGrant`] for
//!   [`ConsentCategory::Medication`] and [`Purpose::Print`], valid at the print
//!   time,
//! - [`checkup_report`]: 特定健診等情報, the same with
//!   [`ConsentCategory::Checkups`],
//! - [`clinical_history`]: 診療情報, with a grant for
//!   [`ConsentCategory::Clinical`]; its operations (手術情報) only with a
//!   grant for [`ConsentCategory::Operations`] as well,
//! - [`access_slip`]: 閲覧記録, the slip handed to the patient saying which
//!   medical information was viewed at this visit and until when each
//!   consent runs.
//!
//! The font is IPAexゴシック (`assets/fonts/ipaexg.ttf`, IPA Font License),
//! embedded in the binary; each PDF carries only the subset of glyphs it
//! uses (printpdf's `text_layout` feature), so a slip weighs tens of KB.
//! Characters the font lacks are printed as `〓` (the customary 下駄 mark)
//! instead of an empty box.
//!
//! Time is an argument (`printed_at`): this module reads no clock.
//!
//! The module is three parts: this file (the documents' types, what each
//! needs before it may print — the consent checks — and [`PdfError`]),
//! `layout` (the page writer: A4 geometry, the font, wrapping, tables,
//! header and footer) and `documents` (what each document says, in the
//! desk's language, from `locales/*/pdf.ftl`).

mod documents;
mod layout;

use chrono::{NaiveDate, NaiveDateTime};
use madoguchi_core::clinical::ClinicalHistory;
use madoguchi_core::consent::{ConsentGrant, Purpose, Refusal, RefusalReason};
use madoguchi_core::eligibility::{ConsentCategory, EligibilityResult};
use madoguchi_core::medical::{CheckupResults, MedicationHistory};
use madoguchi_i18n::Lang;
use serde::{Deserialize, Serialize};

// ---------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------

/// Why a PDF was not produced.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PdfError {
    /// The grant does not allow printing this information now (wrong
    /// category, a purpose other than [`Purpose::Print`], or expired). No
    /// bytes are produced.
    #[error("printing refused: {}", .0.reason.kind())]
    Consent(Refusal),
    /// The embedded font could not be read (a broken build).
    #[error("the embedded font could not be loaded: {0}")]
    Font(String),
}

impl PdfError {
    /// Every id [`PdfError::message_id`] can answer (in `locales/*/pdf.ftl`).
    pub const MESSAGE_IDS: &'static [&'static str] = &["pdf-consent-refused", "pdf-font"];

    /// The message id in `locales/*/pdf.ftl`.
    pub fn message_id(&self) -> &'static str {
        match self {
            PdfError::Consent(_) => "pdf-consent-refused",
            PdfError::Font(_) => "pdf-font",
        }
    }

    /// The arguments of the message. For `pdf-consent-refused`: `reason`
    /// (the refusal's kind: `category_not_consented`, `purpose_not_granted`,
    /// `expired`, `wrong_patient` …) followed by the refusal's own arguments
    /// (`category`, `purpose`; `month`, `day`, `time` when expired; `granted`
    /// when the purpose differs). For `pdf-font`: `detail`.
    pub fn message_args(&self) -> Vec<(&'static str, String)> {
        match self {
            PdfError::Consent(refusal) => {
                let mut args = vec![("reason", refusal.reason.kind().to_string())];
                args.extend(refusal.message().string_args());
                args
            }
            PdfError::Font(detail) => vec![("detail", detail.clone())],
        }
    }

    /// The message for a person.
    pub fn message(&self) -> madoguchi_core::message::Msg {
        madoguchi_core::message::Msg::with_args(self.message_id(), self.message_args())
    }
}

/// The slip handed to the patient: which medical information the facility
/// viewed at this visit, by whom, and until when each consent runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessSlip {
    pub patient_name: String,
    /// `保険者番号:記号:番号:枝番`.
    pub patient_key: String,
    pub visit_date: NaiveDate,
    pub entries: Vec<AccessEntry>,
    /// The audit log's head when the slip was made, printed in the footer
    /// of every page: a copy of the anchor on paper, in the patient's hands,
    /// to compare with the log later (`madoguchi audit verify`).
    #[serde(default)]
    pub audit_head: Option<crate::audit::LogHead>,
}

/// One viewing of one category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessEntry {
    pub category: ConsentCategory,
    pub viewed_at: NaiveDateTime,
    /// The role of the staff member who viewed (医師, 薬剤師, 受付 …).
    pub staff_role: String,
    /// The end of the consent the viewing rested on (exclusive).
    pub consent_valid_until: NaiveDateTime,
}

/// 資格確認結果: the answer of one eligibility check, on one A4 page.
pub fn eligibility_slip(
    result: &EligibilityResult,
    facility: &str,
    printed_at: NaiveDateTime,
    lang: Lang,
) -> Result<Vec<u8>, PdfError> {
    documents::eligibility_slip(result, facility, printed_at, lang)
}

/// 薬剤情報: the medication history, per month and dispensing day.
///
/// Requires a grant for [`ConsentCategory::Medication`] and
/// [`Purpose::Print`], valid at `printed_at`; otherwise
/// [`PdfError::Consent`] and no bytes. 診療行為 entries that claims months
/// may carry are 診療情報, another category, and are not printed.
pub fn medication_list(
    history: &MedicationHistory,
    grant: &ConsentGrant,
    facility: &str,
    printed_at: NaiveDateTime,
    lang: Lang,
) -> Result<Vec<u8>, PdfError> {
    check_grant(grant, ConsentCategory::Medication, printed_at)?;
    documents::medication_list(history, grant, facility, printed_at, lang)
}

/// 特定健診等情報: checkup items (rows) per checkup date (columns).
///
/// Requires a grant for [`ConsentCategory::Checkups`] and
/// [`Purpose::Print`], valid at `printed_at`; otherwise
/// [`PdfError::Consent`] and no bytes.
pub fn checkup_report(
    results: &CheckupResults,
    grant: &ConsentGrant,
    facility: &str,
    printed_at: NaiveDateTime,
    lang: Lang,
) -> Result<Vec<u8>, PdfError> {
    check_grant(grant, ConsentCategory::Checkups, printed_at)?;
    documents::checkup_report(results, grant, facility, printed_at, lang)
}

/// 診療情報 (and 手術情報): facilities visited, by month, with what was
/// done there ([`ClinicalHistory`]).
///
/// Requires a grant for [`Purpose::Print`], valid at `printed_at`, for
/// every category the history holds: [`ConsentCategory::Clinical`] when it
/// holds 診療情報 (`clinical_shown`), [`ConsentCategory::Operations`] when it
/// holds operations (`operations_shown`, or any operation entry at all);
/// both grants for the same patient. Otherwise [`PdfError::Consent`] and no
/// bytes. Without operations the document says that they need their own
/// consent.
pub fn clinical_history(
    history: &ClinicalHistory,
    clinical: Option<&ConsentGrant>,
    operations: Option<&ConsentGrant>,
    facility: &str,
    printed_at: NaiveDateTime,
    lang: Lang,
) -> Result<Vec<u8>, PdfError> {
    let refuse = |category| {
        PdfError::Consent(Refusal {
            category,
            purpose: Purpose::Print,
            reason: RefusalReason::CategoryNotConsented,
        })
    };
    if let Some(g) = clinical {
        check_grant(g, ConsentCategory::Clinical, printed_at)?;
    }
    if let Some(g) = operations {
        check_grant(g, ConsentCategory::Operations, printed_at)?;
    }
    if let (Some(c), Some(o)) = (clinical, operations) {
        if c.patient_key() != o.patient_key() {
            return Err(PdfError::Consent(Refusal {
                category: ConsentCategory::Operations,
                purpose: Purpose::Print,
                reason: RefusalReason::WrongPatient,
            }));
        }
    }
    let has_operation = history.procedures().any(|p| p.kind.is_operation());
    let has_clinical = history.procedures().any(|p| !p.kind.is_operation());
    if (history.operations_shown || has_operation) && operations.is_none() {
        return Err(refuse(ConsentCategory::Operations));
    }
    if (history.clinical_shown || has_clinical || operations.is_none()) && clinical.is_none() {
        return Err(refuse(ConsentCategory::Clinical));
    }
    documents::clinical_history(history, clinical, operations, facility, printed_at, lang)
}

/// 閲覧記録: the slip for the patient.
pub fn access_slip(
    slip: &AccessSlip,
    facility: &str,
    printed_at: NaiveDateTime,
    lang: Lang,
) -> Result<Vec<u8>, PdfError> {
    documents::access_slip(slip, facility, printed_at, lang)
}

/// The grant's own check, with the patient key the grant carries (the
/// documents name no patient key of their own): right category, purpose
/// [`Purpose::Print`], still valid at `now`.
fn check_grant(
    grant: &ConsentGrant,
    category: ConsentCategory,
    now: NaiveDateTime,
) -> Result<(), PdfError> {
    grant
        .check(grant.patient_key(), category, Purpose::Print, now)
        .map_err(PdfError::Consent)?;
    // Belt and braces: the same three conditions, spelled out.
    let reason = if grant.category() != category {
        Some(RefusalReason::CategoryNotConsented)
    } else if grant.purpose() != Purpose::Print {
        Some(RefusalReason::PurposeNotGranted {
            granted: grant.purpose(),
        })
    } else if !grant.is_valid_at(now) {
        Some(RefusalReason::Expired {
            at: grant.valid_until(),
        })
    } else {
        None
    };
    if let Some(reason) = reason {
        return Err(PdfError::Consent(Refusal {
            category,
            purpose: Purpose::Print,
            reason,
        }));
    }
    Ok(())
}

