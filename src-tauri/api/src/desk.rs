//! The check at the counter: the desk's status, a check's answer, the
//! replay of deferred checks, medical information, the settings form.

use chrono::NaiveDateTime;
use madoguchi_core::message::Msg;
use madoguchi_core::EligibilityResult;
use serde::{Deserialize, Serialize};

/// What the status line and the 研修モード badge show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskStatus {
    /// A gateway is set up and can be asked.
    pub ready: bool,
    /// 研修モード: the embedded training service this desk started itself
    /// (no service URL and no OQS folder configured) runs. Never what a
    /// folder or a service says about itself (see `training_claim`).
    pub training: bool,
    /// The configured OQS folder or service says it is a training one (a
    /// `TRAINING` file, `"training": true`): the window says so in a banner
    /// (`status-training-claimed`), and the desk stays a real one — nobody
    /// is signed in automatically.
    #[serde(default)]
    pub training_claim: Option<Msg>,
    /// URL or folder of the gateway.
    pub target: Option<String>,
    /// Why the gateway is not ready, when it is not.
    pub problem: Option<Msg>,
    /// The database key will not survive a reboot (kernel keyutils): the
    /// window says so until a backup is the way back (`store-key-volatile`).
    #[serde(default)]
    pub key_warning: Option<Msg>,
}

/// The answer to one check at the desk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckOutcome {
    pub result: EligibilityResult,
    /// The check's line in today's list (None when it could not be stored).
    pub check_id: Option<i64>,
    /// Set when the result is shown but could not be saved, or when it is a
    /// cached answer shown during an outage.
    pub warning: Option<Msg>,
    /// Set when the service could not be reached and this is the last
    /// answer the desk had: when that answer was confirmed. Not confirmed today.
    #[serde(default)]
    pub as_of: Option<NaiveDateTime>,
    /// The deferred re-check queued for this visit, when there is one.
    #[serde(default)]
    pub queued: Option<i64>,
}

/// What one replay pass over the deferred checks did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReplayReport {
    pub replayed: usize,
    pub still_failing: usize,
    /// Replayed results that differ from what staff were shown at the visit.
    pub changes: Vec<Change>,
}

/// A fact of the qualification that can differ between what was shown at the
/// visit and what the replayed check answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangedField {
    Validity,
    InsurerNumber,
    InsurerName,
    /// The copay that applies at the counter (percent).
    Copay,
    ValidFrom,
    ValidUntil,
}

impl ChangedField {
    /// Its code on the wire (`copay`, `valid_from` …).
    pub fn code(self) -> &'static str {
        match self {
            ChangedField::Validity => "validity",
            ChangedField::InsurerNumber => "insurer_number",
            ChangedField::InsurerName => "insurer_name",
            ChangedField::Copay => "copay",
            ChangedField::ValidFrom => "valid_from",
            ChangedField::ValidUntil => "valid_until",
        }
    }
}

/// One fact as shown at the visit and as the replay answered it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Difference {
    pub field: ChangedField,
    pub shown: Option<String>,
    pub replayed: Option<String>,
}

/// What the replay of a deferred check found different from what was shown
/// (the wire's copy of the store's row; the app converts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub queued_id: i64,
    pub person_key: String,
    pub visit_at: NaiveDateTime,
    pub completed_at: NaiveDateTime,
    /// Nothing was shown at the visit (every replayed fact is new).
    pub nothing_shown: bool,
    pub differences: Vec<Difference>,
}

/// A replayed check that differs from what was shown at the visit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlaggedChange {
    /// The patient's name as the replay answered it, when known.
    pub name: Option<String>,
    #[serde(flatten)]
    pub change: Change,
}

/// Medical information shown at the desk, after the consent check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "data", rename_all = "snake_case")]
pub enum MedicalView {
    Medication(madoguchi_core::medical::MedicationHistory),
    Checkups(madoguchi_core::medical::CheckupResults),
    /// 診療情報, with 手術情報 only under the operations consent.
    Clinical(madoguchi_core::clinical::ClinicalHistory),
}

/// What the settings panel edits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsForm {
    /// Empty = the embedded training service.
    pub service_url: String,
    pub timeout_secs: u64,
    /// Empty = no OQS folder (HTTP or training).
    pub oqs_dir: String,
    pub facility_code: String,
    pub staff: String,
    pub lang: String,
}

/// A PDF written for the window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrintedFile {
    pub path: String,
    pub bytes: usize,
}
