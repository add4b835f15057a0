//! 居宅同意取得型: the home-visit steps, the card reader, the visits recorded.

use chrono::{NaiveDate, NaiveDateTime};
use madoguchi_core::home_visit::IdentityCheck;
use madoguchi_core::message::Msg;
use madoguchi_core::{CardDetails, ConsentCategory, EligibilityResult};
use serde::{Deserialize, Serialize};

/// Which kind of reader: shown on screen, kept with every visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReaderKind {
    /// 研修用シミュレーター: no card, no reader; synthetic patients.
    TrainingSimulator,
    /// The qualification terminal's face-recognition reader (OQS `face/`).
    OqsFaceFolder,
}

impl ReaderKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ReaderKind::TrainingSimulator => "training_simulator",
            ReaderKind::OqsFaceFolder => "oqs_face_folder",
        }
    }
}

/// What the window shows about the reader.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReaderInfo {
    pub kind: ReaderKind,
    /// True for the simulator: the window says so plainly.
    pub simulated: bool,
    /// The reader can check the card's 4-digit PIN.
    pub pin_check: bool,
}

/// A synthetic patient the simulator can put on its reader.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimulatedPatient {
    /// `保険者番号:記号:番号:枝番`.
    pub key: String,
    pub name: String,
    pub birth_date: NaiveDate,
    /// The simulated card's PIN, shown on the simulator panel.
    pub pin: String,
    pub card: CardDetails,
}

impl SimulatedPatient {
    /// The simulated card's PIN: the birth date's month and day (`MMDD`), so
    /// that a trainer can tell it without a list.
    pub fn pin_of(birth: NaiveDate) -> String {
        birth.format("%m%d").to_string()
    }
}

/// The step the window shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Consent,
    Identity,
    Card,
}

/// The visit as the window draws it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VisitState {
    pub step: Step,
    pub reader: ReaderInfo,
    /// The synthetic patient whose card is on the simulator (training).
    pub patient: Option<SimulatedPatient>,
    pub categories: Option<Vec<ConsentCategory>>,
    pub identity: Option<IdentityCheck>,
}

/// A recorded visit: the core's value, kept by the store.
pub use madoguchi_core::home_visit::HomeVisit;

/// What the home-visit screen needs to begin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HomeVisitStart {
    /// The training simulator's synthetic patients (empty when not training).
    pub patients: Vec<SimulatedPatient>,
    /// Patients whose first visit's consent may be re-used now.
    pub continuing: Vec<HomeVisit>,
    /// Today's visits, newest first, with whether each is confirmed.
    pub today: Vec<HomeVisit>,
    /// The service answered just now.
    pub online: bool,
    /// Deferred checks waiting for the service.
    pub pending: i64,
}

/// A finished visit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VisitDone {
    pub visit: HomeVisit,
    /// The answer, when there is one (online, or a cached answer offline).
    pub result: Option<EligibilityResult>,
    /// The check was queued: the home has no connection.
    pub offline: bool,
    /// When the shown answer is a cached one: when it was confirmed.
    pub as_of: Option<NaiveDateTime>,
    pub warning: Option<Msg>,
}

/// Step 2 as typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "method")]
pub enum IdentityInput {
    Pin { pin: String },
    Visual { name: String },
}
