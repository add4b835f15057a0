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

/// The replay's findings are the core's values, not copies of them.
pub use madoguchi_core::replay::{Change, ChangedField, Difference};

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
