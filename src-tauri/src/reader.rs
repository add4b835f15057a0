//! The card reader, as the home-visit flow sees it: what a reader gives is
//! the card's **eligibility key** (`保険者番号:記号:番号:枝番` + 生年月日), the
//! patient's **consent choices** when the reader asked for them, and the
//! **identity check** result.
//!
//! Two sources:
//!
//! - [`SimulatedReader`] — training mode only. Staff choose a synthetic
//!   patient from the training population (the "card on the reader") and
//!   the simulator plays the card: it checks a PIN and gives the card's key.
//!   It says what it is: [`ReaderKind::TrainingSimulator`] in the type, and
//!   [`ReaderInfo::simulated`] is `true` for the window to say on screen.
//! - [`FaceFolderReader`] — the real source: a card read by the
//!   qualification terminal's face-recognition reader arrives as an
//!   `OQSsiquc01res_face_…` file in the OQS `face/` folder (parsed by
//!   `madoguchi_adapters::oqs`); the terminal did the consent and identity
//!   steps itself, so this reader cannot check a PIN.
//!
//! No real-card path is faked: there is no code that turns a simulated card
//! into a [`ReaderKind::OqsFaceFolder`] reading.

use std::path::PathBuf;
use std::sync::Mutex;

use madoguchi_adapters::oqs::{FaceEvent, FaceIngest, FaceOptions, OqsFolderLayout};
use madoguchi_core::home_visit::{normalize_pin, IdentityCheck, PinProblem, PIN_ATTEMPTS};
use madoguchi_core::message::Msg;
use madoguchi_core::{CardDetails, ConsentCategory, EligibilityResult, InsurerNumber};
use serde::{Deserialize, Serialize};
pub use madoguchi_api::home_visit::{ReaderInfo, ReaderKind, SimulatedPatient};

/// One card read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CardReading {
    pub kind: ReaderKind,
    /// The card's eligibility key.
    pub card: CardDetails,
    /// Consent choices the reader itself asked for (the terminal's flags);
    /// `None` when the flow asks them (the simulator).
    pub consents: Option<Vec<ConsentCategory>>,
    /// The identity check the reader itself did, when it did one.
    pub identity: Option<IdentityCheck>,
    /// The answer the terminal already obtained with the read (OQS `face/`).
    pub result: Option<EligibilityResult>,
}

/// Why a reader could not do what was asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReaderError {
    /// The PIN is not 4 digits (nothing was sent to the card).
    BadPin(PinProblem),
    /// The card refused the PIN; `left` attempts remain.
    WrongPin { left: u8 },
    /// Too many wrong PINs: the card takes no more (use a visual check).
    PinLocked,
    /// This reader does not check PINs (the terminal does it itself).
    NoPinCheck,
    /// No card on the reader / no card read waiting.
    NoCard,
    /// The reader failed (with the reason).
    Failed(String),
}

impl ReaderError {
    pub fn message(&self) -> Msg {
        match self {
            ReaderError::BadPin(p) => Msg::new(p.message_id()),
            ReaderError::WrongPin { left } => Msg::new("home-visit-pin-wrong").arg("left", left),
            ReaderError::PinLocked => Msg::new("home-visit-pin-locked"),
            ReaderError::NoPinCheck => Msg::new("home-visit-reader-no-pin"),
            ReaderError::NoCard => Msg::new("home-visit-no-card"),
            ReaderError::Failed(d) => Msg::new("home-visit-reader-failed").arg("detail", d),
        }
    }
}

/// A card reader.
pub trait CardReader: Send + Sync {
    fn info(&self) -> ReaderInfo;
    /// Checks the 4-digit PIN against the card on the reader.
    fn verify_pin(&self, pin: &str) -> Result<(), ReaderError>;
    /// Reads the card.
    fn read_card(&self) -> Result<CardReading, ReaderError>;
}

/// The simulator's patient for a person of the training population.
pub fn simulated_patient(p: &madoguchi_training::SamplePerson) -> SimulatedPatient {
    let card = CardDetails {
        insurer_number: InsurerNumber::from_trusted(p.insurer_number.clone()),
        symbol: p.symbol.clone(),
        number: p.number.clone(),
        branch: (!p.branch.is_empty()).then(|| p.branch.clone()),
        birth_date: p.birth_date,
    };
    SimulatedPatient {
        key: card.person_key(),
        name: p.name.clone(),
        birth_date: p.birth_date,
        pin: SimulatedPatient::pin_of(p.birth_date),
        card,
    }
}

/// The training-mode simulator: one synthetic card on the reader.
pub struct SimulatedReader {
    patient: SimulatedPatient,
    wrong_pins: Mutex<u8>,
}

impl SimulatedReader {
    /// The simulator with `patient`'s card on it.
    pub fn with_card(patient: SimulatedPatient) -> SimulatedReader {
        SimulatedReader { patient, wrong_pins: Mutex::new(0) }
    }

    pub fn patient(&self) -> &SimulatedPatient {
        &self.patient
    }
}

impl CardReader for SimulatedReader {
    fn info(&self) -> ReaderInfo {
        ReaderInfo { kind: ReaderKind::TrainingSimulator, simulated: true, pin_check: true }
    }

    fn verify_pin(&self, pin: &str) -> Result<(), ReaderError> {
        let pin = normalize_pin(pin).map_err(ReaderError::BadPin)?;
        let mut wrong = self.wrong_pins.lock().unwrap();
        if *wrong >= PIN_ATTEMPTS {
            return Err(ReaderError::PinLocked);
        }
        if pin == self.patient.pin {
            *wrong = 0;
            return Ok(());
        }
        *wrong += 1;
        if *wrong >= PIN_ATTEMPTS {
            Err(ReaderError::PinLocked)
        } else {
            Err(ReaderError::WrongPin { left: PIN_ATTEMPTS - *wrong })
        }
    }

    fn read_card(&self) -> Result<CardReading, ReaderError> {
        Ok(CardReading {
            kind: ReaderKind::TrainingSimulator,
            card: self.patient.card.clone(),
            consents: None,
            identity: None,
            result: None,
        })
    }
}

/// The real source: card reads of the qualification terminal in the OQS
/// `face/` folder. Each [`CardReader::read_card`] takes the next waiting file
/// (read by `madoguchi_adapters::oqs`, left where it is for the other
/// programs that read `face/`, and remembered so it is read once). Do not
/// point it at a folder the desk's own `FaceWatcher` is watching: each would
/// take the same file.
pub struct FaceFolderReader {
    ingest: Mutex<FaceIngest>,
    waiting: Mutex<Vec<EligibilityResult>>,
}

impl FaceFolderReader {
    pub fn new(root: impl Into<PathBuf>) -> FaceFolderReader {
        FaceFolderReader::with_options(root, FaceOptions::default())
    }

    /// With the desk's sharing rules (`Settings::face_options`).
    pub fn with_options(root: impl Into<PathBuf>, options: FaceOptions) -> FaceFolderReader {
        let layout = OqsFolderLayout::new(root.into());
        FaceFolderReader { ingest: Mutex::new(FaceIngest::new(layout, options)), waiting: Mutex::new(Vec::new()) }
    }
}

impl CardReader for FaceFolderReader {
    fn info(&self) -> ReaderInfo {
        ReaderInfo { kind: ReaderKind::OqsFaceFolder, simulated: false, pin_check: false }
    }

    fn verify_pin(&self, _pin: &str) -> Result<(), ReaderError> {
        Err(ReaderError::NoPinCheck)
    }

    fn read_card(&self) -> Result<CardReading, ReaderError> {
        let mut waiting = self.waiting.lock().unwrap();
        if waiting.is_empty() {
            for event in self.ingest.lock().unwrap().take() {
                match event {
                    FaceEvent::Result(r, _) => waiting.push(r),
                    FaceEvent::Error(e) => return Err(ReaderError::Failed(e.to_string())),
                }
            }
        }
        if waiting.is_empty() {
            return Err(ReaderError::NoCard);
        }
        let result = waiting.remove(0);
        let card = card_of(&result).ok_or_else(|| ReaderError::Failed("the card read names no card".into()))?;
        let consents = result.consents.iter().filter(|f| f.given).map(|f| f.category).collect();
        Ok(CardReading {
            kind: ReaderKind::OqsFaceFolder,
            card,
            consents: Some(consents),
            identity: Some(IdentityCheck::Terminal),
            result: Some(result),
        })
    }
}

/// The card a terminal's answer is about: the asked card, else the
/// qualification with the person's birth date.
fn card_of(result: &EligibilityResult) -> Option<CardDetails> {
    if let Some(asked) = &result.asked {
        return Some(asked.clone());
    }
    let q = result.qualification.as_ref()?;
    let person = result.person.as_ref()?;
    Some(CardDetails {
        insurer_number: q.insurer_number.clone(),
        symbol: q.symbol.clone(),
        number: q.number.clone(),
        branch: q.branch.clone(),
        birth_date: person.birth_date,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patient() -> SimulatedPatient {
        let birth = chrono::NaiveDate::from_ymd_opt(1950, 4, 12).unwrap();
        let card = CardDetails {
            insurer_number: InsurerNumber::from_trusted("06139999"),
            symbol: "12".into(),
            number: "345".into(),
            branch: Some("01".into()),
            birth_date: birth,
        };
        SimulatedPatient { key: card.person_key(), name: "研修 花子".into(), birth_date: birth, pin: SimulatedPatient::pin_of(birth), card }
    }

    #[test]
    fn the_simulator_says_it_is_one() {
        let r = SimulatedReader::with_card(patient());
        assert!(r.info().simulated);
        assert_eq!(r.info().kind, ReaderKind::TrainingSimulator);
        assert_eq!(r.read_card().unwrap().kind, ReaderKind::TrainingSimulator);
        assert!(!FaceFolderReader::new("/nonexistent").info().simulated);
    }

    #[test]
    fn the_simulated_card_takes_its_pin_and_locks_after_three_wrong_ones() {
        let r = SimulatedReader::with_card(patient());
        assert_eq!(r.verify_pin("12"), Err(ReaderError::BadPin(PinProblem::NotFourDigits)));
        assert_eq!(r.verify_pin("0412"), Ok(()));
        assert_eq!(r.verify_pin("1111"), Err(ReaderError::WrongPin { left: 2 }));
        assert_eq!(r.verify_pin("2222"), Err(ReaderError::WrongPin { left: 1 }));
        assert_eq!(r.verify_pin("3333"), Err(ReaderError::PinLocked));
        assert_eq!(r.verify_pin("0412"), Err(ReaderError::PinLocked), "locked stays locked");
    }
}
