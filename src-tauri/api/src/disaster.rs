//! 災害時モード: the look-up, the consent recorded on it, the local emergency.

use chrono::NaiveDateTime;
use madoguchi_core::consent::DisasterBasis;
use madoguchi_core::matching::MatchOutcome;
use madoguchi_core::message::Msg;
use madoguchi_core::{ConsentCategory, EligibilityResult};
use serde::{Deserialize, Serialize};

/// Where the answer came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LookupMode {
    /// The service (the national system, or the training service).
    Online,
    /// The local cache, during a declared local emergency.
    Offline,
}

/// The answer at the desk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DisasterLookup {
    pub outcome: MatchOutcome,
    /// Only when exactly one person was found.
    pub result: Option<EligibilityResult>,
    pub mode: LookupMode,
    /// The headline (`matching-found`, `matching-ambiguous` …).
    pub message: Msg,
    /// Offline: when the cached answer was confirmed.
    pub as_of: Option<NaiveDateTime>,
    /// The check the found person's result is recorded as (online: a new
    /// line in today's checks; offline: the cached check), on which consent
    /// is recorded and medical information asked for (`view_medical`).
    #[serde(default)]
    pub check_id: Option<i64>,
}

/// The facility's local emergency, when declared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalEmergency {
    pub declared_at: NaiveDateTime,
    pub declared_by: String,
    pub reason: Option<String>,
}

/// What staff enter in the consent panel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisasterConsentInput {
    /// The categories the patient consented to (or that are needed to protect life).
    pub categories: Vec<ConsentCategory>,
    pub basis: DisasterBasis,
}

/// A consent as recorded: the core's value, kept by the store.
pub use madoguchi_core::consent::RecordedConsent;
