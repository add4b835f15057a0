//! 同意 (consent): who may see which medical information, until when.
//!
//! OWNER: helper "consent".
//!
//! # The rule
//!
//! With the patient's consent for a category (薬剤情報, 特定健診等情報, 診療情報,
//! 手術情報), and while that consent is valid, the facility may view, fetch,
//! cache and print information of that category. Without a valid consent
//! nothing of that category may be shown, fetched, cached or printed.
//!
//! # One gate
//!
//! [`decide`] is the one function every path calls before touching medical
//! information: Tauri commands, gateway requests, reads of cached data, the
//! PDF printer. It answers [`Decision::Allowed`] with a [`ConsentGrant`], or
//! [`Decision::Refused`] with a [`Refusal`] that staff can read.
//!
//! A [`ConsentGrant`] is a proof token: its fields are private and only
//! [`decide`] creates one, so code that reads or prints medical data can take
//! `&ConsentGrant` as an argument and cannot be called without having asked.
//! It is neither `Clone` nor `Deserialize`. A grant is tied to one patient, one
//! category and one purpose, and expires with the consent: the receiver checks
//! it with [`ConsentGrant::permits`] (or [`ConsentGrant::check`]).
//!
//! # Time
//!
//! A consent is valid on the half-open interval `[given_at, valid_until)`:
//! valid while `given_at <= now < valid_until`. At `now == valid_until` it has
//! expired. `now` is always an argument (local time of the facility, like the
//! OQS `…ConsTime` / `…AvailableTime` values); the core reads no clock.
//!
//! **Two clocks.** A card-reader consent's `given_at` is the qualification
//! terminal's clock, `now` the desk PC's; they differ in the real world.
//! A [`ConsentState`] carries a clock tolerance
//! ([`ConsentState::with_clock_tolerance`]; the desk passes its setting,
//! [`DEFAULT_CLOCK_TOLERANCE`] = 5 minutes by default; zero unless set):
//! a card-reader consent that starts at most that far after `now` is
//! treated as given now, and its grant says by how much the terminal ran
//! ahead ([`ConsentGrant::clock_skew`], for the log). Beyond it the refusal
//! is [`RefusalReason::NotYetValid`], whose message
//! ([`Refusal::message_at`]) names both clocks, to the second. Consents
//! recorded at the desk (home visit, 災害時モード) are on the desk's own
//! clock and get no tolerance. The end of a consent is not moved.
//!
//! # Validity per source
//!
//! | source | maximum validity | why |
//! |---|---|---|
//! | [`ConsentSource::CardReader`] | 24 h | OQS reports `AvailableTime = ConsTime + 24 h` |
//! | [`ConsentSource::HomeVisit`] | as recorded (no maximum here) | 居宅同意取得型: the consent may be reused on later visits within its validity, which the app reports; the core takes `valid_until` as given |
//! | [`ConsentSource::DisasterOral`] | 24 h | oral consent in 災害時モード is for that visit |
//! | [`ConsentSource::UnconsciousVitalInterest`] | 24 h | no consent from the patient; only for the emergency at hand, with a written reason |
//!
//! Every consent must have a non-blank patient key of the form
//! `保険者番号:記号:番号:枝番`, a non-blank `recorded_by`, and
//! `valid_until > given_at`.
//!
//! # Categories are independent
//!
//! Each category needs its own consent. In particular 診療情報 (clinical) does
//! **not** imply 手術情報 (operations).
//!
//! # Purposes
//!
//! A valid consent allows all four [`Purpose`]s alike. The purpose is still
//! asked and carried in the grant, so that a grant obtained to view cannot be
//! passed to the printer, and so that logs say what the access was for.

use chrono::{NaiveDateTime, TimeDelta, Timelike};
use serde::{Deserialize, Serialize};

use crate::eligibility::{ConsentCategory, EligibilityResult};

/// How far ahead of the desk's clock a card-reader consent may start and
/// still count as given now (the desk's default setting): 5 minutes, **our
/// choice** — more than the drift of an unsynchronised PC over weeks, less
/// than the shortest real wait at the counter.
pub const DEFAULT_CLOCK_TOLERANCE: TimeDelta = TimeDelta::minutes(5);

/// `recorded_by` for consents that come from the card reader.
pub const CARD_READER_RECORDER: &str = "card-reader";

/// The longest a card-reader, disaster or vital-interest consent may last.
pub fn max_validity(source: &ConsentSource) -> Option<TimeDelta> {
    match source {
        ConsentSource::CardReader
        | ConsentSource::DisasterOral
        | ConsentSource::UnconsciousVitalInterest { .. } => Some(TimeDelta::hours(24)),
        ConsentSource::HomeVisit => None,
    }
}

/// How the consent was obtained.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum ConsentSource {
    /// On the face-recognition card reader at the counter (OQS `…ConsFlg`).
    CardReader,
    /// 居宅同意取得型: at the patient's home, in the home-visit app.
    HomeVisit,
    /// 災害時モード: the patient consented orally to staff.
    DisasterOral,
    /// The patient cannot consent (unconscious) and the information is needed
    /// to protect life. `reason` is mandatory and must not be blank.
    UnconsciousVitalInterest { reason: String },
}

impl ConsentSource {
    /// Recorded by staff in 災害時モード (oral, or unconscious).
    pub fn is_disaster(&self) -> bool {
        matches!(self, ConsentSource::DisasterOral | ConsentSource::UnconsciousVitalInterest { .. })
    }

    /// A stable name for logs and message arguments.
    pub fn as_str(&self) -> &'static str {
        match self {
            ConsentSource::CardReader => "card_reader",
            ConsentSource::HomeVisit => "home_visit",
            ConsentSource::DisasterOral => "disaster_oral",
            ConsentSource::UnconsciousVitalInterest { .. } => "unconscious_vital_interest",
        }
    }
}

/// One consent of one patient for one category.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Consent {
    /// `保険者番号:記号:番号:枝番` ([`crate::CardDetails::person_key`]).
    pub patient_key: String,
    pub category: ConsentCategory,
    /// When the consent was given (valid from this instant, inclusive).
    pub given_at: NaiveDateTime,
    /// Valid until this instant, exclusive.
    pub valid_until: NaiveDateTime,
    pub source: ConsentSource,
    /// Staff id or role who recorded it ([`CARD_READER_RECORDER`] for the card reader).
    pub recorded_by: String,
}

/// What is wrong with a consent record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum ConsentProblem {
    /// The patient key is blank.
    MissingPatientKey,
    /// The patient key is not `保険者番号:記号:番号:枝番` (4 parts, insurer
    /// number and number non-blank).
    MalformedPatientKey,
    /// The consent is for another patient than the consent state it is recorded into.
    OtherPatient,
    /// `recorded_by` is blank.
    MissingRecorder,
    /// An [`ConsentSource::UnconsciousVitalInterest`] consent without a reason.
    MissingReason,
    /// `valid_until` is not after `given_at`.
    EndsBeforeItStarts,
    /// Longer than the source allows.
    TooLong { max_hours: i64 },
    /// A consent recorded by staff names no category ([`disaster_consents`]).
    NoCategory,
}

impl ConsentProblem {
    /// The Fluent message for staff (`locales/*/consent.ftl`).
    pub fn message(&self) -> Message {
        let id = match self {
            ConsentProblem::MissingPatientKey => "consent-problem-missing-patient-key",
            ConsentProblem::MalformedPatientKey => "consent-problem-malformed-patient-key",
            ConsentProblem::OtherPatient => "consent-problem-other-patient",
            ConsentProblem::MissingRecorder => "consent-problem-missing-recorder",
            ConsentProblem::MissingReason => "consent-problem-missing-reason",
            ConsentProblem::EndsBeforeItStarts => "consent-problem-ends-before-it-starts",
            ConsentProblem::TooLong { .. } => "consent-problem-too-long",
            ConsentProblem::NoCategory => "consent-problem-no-category",
        };
        let mut args = Vec::new();
        if let ConsentProblem::TooLong { max_hours } = self {
            args.push(("max-hours", MessageArg::Number(*max_hours)));
        }
        Message { id, args }
    }
}

fn patient_key_problem(key: &str) -> Option<ConsentProblem> {
    if key.trim().is_empty() {
        return Some(ConsentProblem::MissingPatientKey);
    }
    let parts: Vec<&str> = key.split(':').collect();
    if parts.len() != 4 || parts[0].trim().is_empty() || parts[2].trim().is_empty() {
        return Some(ConsentProblem::MalformedPatientKey);
    }
    None
}

impl Consent {
    /// Checks the record on its own (not against a time, not against a state).
    pub fn validate(&self) -> Result<(), ConsentProblem> {
        if let Some(p) = patient_key_problem(&self.patient_key) {
            return Err(p);
        }
        if self.recorded_by.trim().is_empty() {
            return Err(ConsentProblem::MissingRecorder);
        }
        if let ConsentSource::UnconsciousVitalInterest { reason } = &self.source {
            if reason.trim().is_empty() {
                return Err(ConsentProblem::MissingReason);
            }
        }
        if self.valid_until <= self.given_at {
            return Err(ConsentProblem::EndsBeforeItStarts);
        }
        if let Some(max) = max_validity(&self.source) {
            if self.valid_until - self.given_at > max {
                return Err(ConsentProblem::TooLong {
                    max_hours: max.num_hours(),
                });
            }
        }
        Ok(())
    }

    /// `given_at <= now < valid_until` (says nothing about the record being valid).
    pub fn covers(&self, now: NaiveDateTime) -> bool {
        self.given_at <= now && now < self.valid_until
    }

    /// As [`Consent::covers`], a card-reader consent starting up to
    /// `tolerance` after `now` counting as started.
    fn covers_within(&self, now: NaiveDateTime, tolerance: TimeDelta) -> bool {
        let earliest = match self.source {
            ConsentSource::CardReader => self.given_at.checked_sub_signed(tolerance).unwrap_or(self.given_at),
            _ => self.given_at,
        };
        earliest <= now && now < self.valid_until
    }
}

/// All consents known for one patient.
///
/// Built from the card reader's result ([`ConsentState::from_eligibility`]),
/// added to with [`ConsentState::record`] (validated), or reloaded from the
/// store with [`ConsentState::from_stored`] (not validated: [`decide`] checks
/// every record again, so a corrupt row is refused, never trusted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentState {
    patient_key: String,
    consents: Vec<Consent>,
    /// How far a card-reader consent may start after `now` (the terminal's
    /// clock ahead of the desk's); see the module documentation, "Two clocks".
    #[serde(skip)]
    clock_tolerance: TimeDelta,
}

impl ConsentState {
    /// No consents yet for this patient.
    pub fn new(patient_key: impl Into<String>) -> Self {
        ConsentState {
            patient_key: patient_key.into(),
            consents: Vec::new(),
            clock_tolerance: TimeDelta::zero(),
        }
    }

    /// The consents a card-reader eligibility result reports for `patient_key`.
    ///
    /// - A flag with `given == true` and a `given_at` becomes a consent with
    ///   source [`ConsentSource::CardReader`], valid until `available_until`,
    ///   or `given_at + 24 h` when that is missing. An `available_until`
    ///   later than `given_at + 24 h` is cut to 24 h.
    /// - `given == false`, or no `given_at`: no consent. If the result
    ///   reports the same category twice and one flag says not given, that
    ///   category gets no consent at all.
    /// - The result must be about `patient_key`: it must equal the key of the
    ///   result's qualification (`保険者番号:記号:番号:枝番`, as
    ///   [`crate::CardDetails::person_key`] writes it, empty 枝番 when none) or
    ///   of the asked card details. Otherwise no consent is taken from it.
    /// - An `available_until` not after `given_at` is kept as it is, so that
    ///   [`decide`] reports an invalid record rather than a missing consent.
    pub fn from_eligibility(result: &EligibilityResult, patient_key: &str) -> Self {
        let mut state = ConsentState::new(patient_key);
        if !result_is_about(result, patient_key) {
            return state;
        }
        for flag in &result.consents {
            let refused_elsewhere = result
                .consents
                .iter()
                .any(|f| f.category == flag.category && !f.given);
            if !flag.given || refused_elsewhere {
                continue;
            }
            let Some(given_at) = flag.given_at else {
                continue;
            };
            let day = given_at.checked_add_signed(TimeDelta::hours(24));
            let valid_until = match (flag.available_until, day) {
                (Some(a), Some(d)) => a.min(d),
                (Some(a), None) => a,
                (None, Some(d)) => d,
                (None, None) => continue,
            };
            state.consents.push(Consent {
                patient_key: patient_key.to_string(),
                category: flag.category,
                given_at,
                valid_until,
                source: ConsentSource::CardReader,
                recorded_by: CARD_READER_RECORDER.to_string(),
            });
        }
        state
    }

    /// Consents as the store kept them. Not validated here; [`decide`]
    /// validates each record whenever it is used.
    pub fn from_stored(patient_key: impl Into<String>, consents: Vec<Consent>) -> Self {
        ConsentState {
            patient_key: patient_key.into(),
            consents,
            clock_tolerance: TimeDelta::zero(),
        }
    }

    /// The same consents, with card-reader consents counted as given now
    /// when they start at most `tolerance` after `now` (a negative
    /// tolerance counts as zero). See the module documentation, "Two clocks".
    pub fn with_clock_tolerance(mut self, tolerance: TimeDelta) -> Self {
        self.clock_tolerance = tolerance.max(TimeDelta::zero());
        self
    }

    pub fn clock_tolerance(&self) -> TimeDelta {
        self.clock_tolerance
    }

    /// Records a consent (home visit, disaster, vital interest, or a card
    /// reader consent from elsewhere) after validating it. A consent for
    /// another patient is refused with [`ConsentProblem::OtherPatient`].
    pub fn record(&mut self, consent: Consent) -> Result<(), ConsentProblem> {
        consent.validate()?;
        if consent.patient_key != self.patient_key {
            return Err(ConsentProblem::OtherPatient);
        }
        self.consents.push(consent);
        Ok(())
    }

    pub fn patient_key(&self) -> &str {
        &self.patient_key
    }

    pub fn consents(&self) -> &[Consent] {
        &self.consents
    }
}

fn qualification_key(q: &crate::eligibility::Qualification) -> String {
    q.person_key()
}

fn result_is_about(result: &EligibilityResult, patient_key: &str) -> bool {
    let by_qualification = result
        .qualification
        .as_ref()
        .is_some_and(|q| qualification_key(q) == patient_key);
    let by_asked = result
        .asked
        .as_ref()
        .is_some_and(|a| a.person_key() == patient_key);
    by_qualification || by_asked
}

/// What the medical information is wanted for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// Show on screen.
    View,
    /// Request from the national system.
    Fetch,
    /// Keep in the local store.
    Cache,
    /// Print (PDF).
    Print,
}

impl Purpose {
    pub const ALL: [Purpose; 4] = [
        Purpose::View,
        Purpose::Fetch,
        Purpose::Cache,
        Purpose::Print,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::View => "view",
            Purpose::Fetch => "fetch",
            Purpose::Cache => "cache",
            Purpose::Print => "print",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s.trim())
    }
}

/// Proof that [`decide`] allowed one purpose on one category of one patient.
///
/// Only [`decide`] makes one. Not `Clone`, not `Deserialize`. Functions that
/// read, fetch, cache or print medical information take `&ConsentGrant` and
/// call [`ConsentGrant::check`] with what they are about to do.
#[derive(Debug, PartialEq, Eq)]
pub struct ConsentGrant {
    patient_key: String,
    category: ConsentCategory,
    purpose: Purpose,
    valid_until: NaiveDateTime,
    source: ConsentSource,
    clock_skew: Option<TimeDelta>,
}

impl ConsentGrant {
    /// How far the consent it rests on started after `now` (the terminal's
    /// clock ahead of the desk's, within the tolerance); `None` when it had
    /// started.
    pub fn clock_skew(&self) -> Option<TimeDelta> {
        self.clock_skew
    }
    pub fn patient_key(&self) -> &str {
        &self.patient_key
    }
    pub fn category(&self) -> ConsentCategory {
        self.category
    }
    pub fn purpose(&self) -> Purpose {
        self.purpose
    }
    /// The end of the consent this grant rests on (exclusive).
    pub fn valid_until(&self) -> NaiveDateTime {
        self.valid_until
    }
    /// How that consent was obtained (for the access log).
    pub fn source(&self) -> &ConsentSource {
        &self.source
    }
    /// Is the grant still valid at `now` (`now < valid_until`)?
    pub fn is_valid_at(&self, now: NaiveDateTime) -> bool {
        now < self.valid_until
    }
    /// Does this grant allow exactly this access, now?
    pub fn permits(
        &self,
        patient_key: &str,
        category: ConsentCategory,
        purpose: Purpose,
        now: NaiveDateTime,
    ) -> bool {
        self.check(patient_key, category, purpose, now).is_ok()
    }
    /// As [`ConsentGrant::permits`], with the reason when it does not.
    pub fn check(
        &self,
        patient_key: &str,
        category: ConsentCategory,
        purpose: Purpose,
        now: NaiveDateTime,
    ) -> Result<(), Refusal> {
        let reason = if self.patient_key != patient_key {
            RefusalReason::WrongPatient
        } else if self.category != category {
            RefusalReason::CategoryNotConsented
        } else if self.purpose != purpose {
            RefusalReason::PurposeNotGranted {
                granted: self.purpose,
            }
        } else if !self.is_valid_at(now) {
            RefusalReason::Expired {
                at: self.valid_until,
            }
        } else {
            return Ok(());
        };
        Err(Refusal {
            category,
            purpose,
            reason,
        })
    }
}

/// Why access was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum RefusalReason {
    /// The patient has no consent at all.
    NoConsent,
    /// The patient has consents, but none for this category.
    CategoryNotConsented,
    /// The consent for this category ended at `at` (exclusive).
    Expired { at: NaiveDateTime },
    /// The consent for this category starts only at `from` (clock skew, or
    /// a mistyped time).
    NotYetValid { from: NaiveDateTime },
    /// The consent state (or grant) belongs to another patient.
    WrongPatient,
    /// The only consents for this category are broken records.
    InvalidRecord { problem: ConsentProblem },
    /// A grant was presented for another purpose than it was given for
    /// (only from [`ConsentGrant::check`]; [`decide`] never says this).
    PurposeNotGranted { granted: Purpose },
}

impl RefusalReason {
    /// A stable name for logs and test tables.
    pub fn kind(&self) -> &'static str {
        match self {
            RefusalReason::NoConsent => "no_consent",
            RefusalReason::CategoryNotConsented => "category_not_consented",
            RefusalReason::Expired { .. } => "expired",
            RefusalReason::NotYetValid { .. } => "not_yet_valid",
            RefusalReason::WrongPatient => "wrong_patient",
            RefusalReason::InvalidRecord { .. } => "invalid_record",
            RefusalReason::PurposeNotGranted { .. } => "purpose_not_granted",
        }
    }
}

/// A refusal: what was asked, and why not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    pub category: ConsentCategory,
    pub purpose: Purpose,
    pub reason: RefusalReason,
}

/// A Fluent argument value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum MessageArg {
    Text(String),
    Number(i64),
}

impl std::fmt::Display for MessageArg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MessageArg::Text(s) => f.write_str(s),
            MessageArg::Number(n) => write!(f, "{n}"),
        }
    }
}

/// A Fluent message id with its arguments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Message {
    pub id: &'static str,
    pub args: Vec<(&'static str, MessageArg)>,
}

impl Message {
    /// The arguments as strings, the form `madoguchi_i18n::Messages::get`
    /// takes. (The consent messages only select on text arguments, so
    /// numbers as strings render the same.)
    pub fn string_args(&self) -> Vec<(&'static str, String)> {
        self.args.iter().map(|(k, v)| (*k, v.to_string())).collect()
    }
}

/// How staff can obtain a missing consent for the patient at hand — what a
/// refusal tells them to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentRemedy {
    /// The patient consents on the face-recognition card reader (the desk's
    /// usual way).
    #[default]
    CardReader,
    /// The patient was found by a disaster look-up (no card): staff record
    /// the disaster consent — 口頭同意, or 意識不明等 with a reason.
    DisasterRecord,
}

impl ConsentRemedy {
    /// What to tell staff about `refusal` for the patient of `state`: record
    /// the disaster consent when a disaster look-up found the patient recently
    /// enough to record one (`disaster_match`, the backend's knowledge), or
    /// when the consent that ran out ([`RefusalReason::Expired`]: the one
    /// ending at `at`) was itself recorded in disaster mode — a patient
    /// without a card is never sent to the card reader. Otherwise the card
    /// reader.
    pub fn for_refusal(state: &ConsentState, refusal: &Refusal, disaster_match: bool) -> ConsentRemedy {
        if disaster_match {
            return ConsentRemedy::DisasterRecord;
        }
        if let RefusalReason::Expired { at } = refusal.reason {
            let ran_out_in_disaster_mode = state
                .consents()
                .iter()
                .any(|c| c.category == refusal.category && c.valid_until == at && c.source.is_disaster());
            if ran_out_in_disaster_mode {
                return ConsentRemedy::DisasterRecord;
            }
        }
        ConsentRemedy::CardReader
    }
}

impl Refusal {
    /// Whether what staff should do differs by [`ConsentRemedy`] (a missing,
    /// not consented or expired consent).
    pub fn depends_on_remedy(&self) -> bool {
        matches!(
            self.reason,
            RefusalReason::NoConsent | RefusalReason::CategoryNotConsented | RefusalReason::Expired { .. }
        )
    }

    /// The Fluent message for staff (`locales/*/consent.ftl`), for a patient
    /// who consents on the card reader: [`Refusal::message_for`] with
    /// [`ConsentRemedy::CardReader`].
    pub fn message(&self) -> Message {
        self.message_for(ConsentRemedy::CardReader)
    }

    /// The Fluent message for staff, saying what to do as `remedy` says: a
    /// missing, not-consented or expired consent of a patient found by a
    /// disaster look-up is "record the disaster consent"
    /// (`consent-refused-…-disaster`), never "on the card reader"; the other
    /// reasons read the same either way.
    ///
    /// Arguments: `category` (`medication` | `checkups` | `clinical` |
    /// `operations`), `purpose` (`view` | `fetch` | `cache` | `print`); for
    /// `Expired` and `NotYetValid` also `month`, `day` (numbers) and `time`
    /// (`9:30`; for `NotYetValid` `9:30:15` when the seconds are not zero:
    /// [`clock_time`]); for `PurposeNotGranted` also `granted` (a purpose).
    pub fn message_for(&self, remedy: ConsentRemedy) -> Message {
        let disaster = remedy == ConsentRemedy::DisasterRecord;
        let id = match &self.reason {
            RefusalReason::NoConsent if disaster => "consent-refused-no-consent-disaster",
            RefusalReason::NoConsent => "consent-refused-no-consent",
            RefusalReason::CategoryNotConsented if disaster => "consent-refused-category-not-consented-disaster",
            RefusalReason::CategoryNotConsented => "consent-refused-category-not-consented",
            RefusalReason::Expired { .. } if disaster => "consent-refused-expired-disaster",
            RefusalReason::Expired { .. } => "consent-refused-expired",
            RefusalReason::NotYetValid { .. } => "consent-refused-not-yet-valid",
            RefusalReason::WrongPatient => "consent-refused-wrong-patient",
            RefusalReason::InvalidRecord { .. } => "consent-refused-invalid-record",
            RefusalReason::PurposeNotGranted { .. } => "consent-refused-purpose-not-granted",
        };
        let mut args = vec![
            (
                "category",
                MessageArg::Text(self.category.as_str().to_string()),
            ),
            (
                "purpose",
                MessageArg::Text(self.purpose.as_str().to_string()),
            ),
        ];
        match &self.reason {
            RefusalReason::Expired { at: t } | RefusalReason::NotYetValid { from: t } => {
                use chrono::Datelike;
                args.push(("month", MessageArg::Number(t.month() as i64)));
                args.push(("day", MessageArg::Number(t.day() as i64)));
                let time = match self.reason {
                    // A start still to come: to the second when it has seconds.
                    RefusalReason::NotYetValid { .. } => clock_time(*t),
                    _ => format!("{}:{:02}", t.hour(), t.minute()),
                };
                args.push(("time", MessageArg::Text(time)));
            }
            RefusalReason::PurposeNotGranted { granted } => {
                args.push(("granted", MessageArg::Text(granted.as_str().to_string())));
            }
            _ => {}
        }
        Message { id, args }
    }
}

impl Refusal {
    /// [`Refusal::message_for`], knowing the desk's time `now` (what the
    /// desk shows): an expiry within the minute of `now` is said to the
    /// second; a consent that starts after `now` beyond the tolerance
    /// is said with both clocks — `consent-refused-clock-ahead`: the
    /// consent's time (`consent-time`, the terminal's clock for a card
    /// reader), this PC's time (`desk-time`), both `M月D日 H:MM:SS`-ready
    /// (`month`, `day`, [`clock_time`] with seconds), and how far ahead
    /// (`ahead-min`, `ahead-sec`).
    pub fn message_at(&self, remedy: ConsentRemedy, now: NaiveDateTime) -> Message {
        let mut m = self.message_for(remedy);
        if let RefusalReason::Expired { at } = self.reason {
            // Ended within the minute shown: the seconds say it has.
            if (at.date(), at.hour(), at.minute()) == (now.date(), now.hour(), now.minute()) {
                for (k, v) in m.args.iter_mut() {
                    if *k == "time" {
                        *v = MessageArg::Text(format!("{}:{:02}:{:02}", at.hour(), at.minute(), at.second()));
                    }
                }
            }
        }
        if let RefusalReason::NotYetValid { from } = self.reason {
            use chrono::Datelike;
            let ahead = (from - now).num_seconds().max(0);
            m.id = "consent-refused-clock-ahead";
            m.args.retain(|(k, _)| matches!(*k, "category" | "purpose"));
            let hms = |t: NaiveDateTime| format!("{}:{:02}:{:02}", t.hour(), t.minute(), t.second());
            m.args.extend([
                ("consent-month", MessageArg::Number(from.month() as i64)),
                ("consent-day", MessageArg::Number(from.day() as i64)),
                ("consent-time", MessageArg::Text(hms(from))),
                ("desk-month", MessageArg::Number(now.month() as i64)),
                ("desk-day", MessageArg::Number(now.day() as i64)),
                ("desk-time", MessageArg::Text(hms(now))),
                ("ahead-min", MessageArg::Number(ahead / 60)),
                ("ahead-sec", MessageArg::Number(ahead % 60)),
            ]);
        }
        m
    }
}

/// A time of day for a message: `9:30`, or `9:30:15` when the seconds are
/// not zero (a consent from 1:09:40 at 1:09:10 is not "from 1:09").
pub fn clock_time(t: NaiveDateTime) -> String {
    if t.second() == 0 {
        format!("{}:{:02}", t.hour(), t.minute())
    } else {
        format!("{}:{:02}:{:02}", t.hour(), t.minute(), t.second())
    }
}

/// The answer of [`decide`].
#[must_use]
#[derive(Debug, PartialEq, Eq)]
pub enum Decision {
    Allowed(ConsentGrant),
    Refused(Refusal),
}

impl Decision {
    pub fn is_allowed(&self) -> bool {
        matches!(self, Decision::Allowed(_))
    }
    pub fn into_result(self) -> Result<ConsentGrant, Refusal> {
        match self {
            Decision::Allowed(g) => Ok(g),
            Decision::Refused(r) => Err(r),
        }
    }
    /// `allowed` or the refusal's kind (as in the test table).
    pub fn kind(&self) -> &'static str {
        match self {
            Decision::Allowed(_) => "allowed",
            Decision::Refused(r) => r.reason.kind(),
        }
    }
}

/// May `purpose` be done with `category` information of `patient_key` at `now`?
///
/// Allowed only when `state` belongs to `patient_key` and holds a consent
/// that is for exactly that patient and category, passes
/// [`Consent::validate`], and covers `now` (`given_at <= now < valid_until`;
/// for a card-reader consent `given_at - tolerance <= now`, the state's
/// clock tolerance).
/// Among several, the grant rests on the one that lasts longest.
///
/// Refusals, checked in this order:
/// 1. [`RefusalReason::WrongPatient`]: `patient_key` is blank or not the
///    state's patient.
/// 2. [`RefusalReason::NoConsent`]: no consent of any category for the patient.
/// 3. [`RefusalReason::CategoryNotConsented`]: consents, but none for this category.
/// 4. [`RefusalReason::InvalidRecord`]: consents for this category, all broken.
/// 5. [`RefusalReason::NotYetValid`]: every valid one starts after `now`
///    (beyond the tolerance; `from` = the earliest start).
/// 6. [`RefusalReason::Expired`]: otherwise (`at` = the latest end).
///
/// Consents in the state that name another patient than the state's are
/// ignored.
pub fn decide(
    state: &ConsentState,
    patient_key: &str,
    category: ConsentCategory,
    purpose: Purpose,
    now: NaiveDateTime,
) -> Decision {
    let refuse = |reason| {
        Decision::Refused(Refusal {
            category,
            purpose,
            reason,
        })
    };
    if patient_key.trim().is_empty() || state.patient_key != patient_key {
        return refuse(RefusalReason::WrongPatient);
    }
    let mine: Vec<&Consent> = state
        .consents
        .iter()
        .filter(|c| c.patient_key == patient_key)
        .collect();
    if mine.is_empty() {
        return refuse(RefusalReason::NoConsent);
    }
    let this_category: Vec<&Consent> = mine
        .into_iter()
        .filter(|c| c.category == category)
        .collect();
    if this_category.is_empty() {
        return refuse(RefusalReason::CategoryNotConsented);
    }
    let mut first_problem = None;
    let mut valid = Vec::new();
    for c in this_category {
        match c.validate() {
            Ok(()) => valid.push(c),
            Err(p) => {
                first_problem.get_or_insert(p);
            }
        }
    }
    if valid.is_empty() {
        return refuse(RefusalReason::InvalidRecord {
            problem: first_problem.unwrap_or(ConsentProblem::MalformedPatientKey),
        });
    }
    if let Some(best) = valid
        .iter()
        .filter(|c| c.covers_within(now, state.clock_tolerance))
        .max_by_key(|c| (c.valid_until, std::cmp::Reverse(c.given_at)))
    {
        return Decision::Allowed(ConsentGrant {
            patient_key: patient_key.to_string(),
            category,
            purpose,
            valid_until: best.valid_until,
            source: best.source.clone(),
            clock_skew: (best.given_at > now).then(|| best.given_at - now),
        });
    }
    let last_end = valid
        .iter()
        .filter(|c| c.valid_until <= now)
        .map(|c| c.valid_until)
        .max();
    match last_end {
        Some(at) => refuse(RefusalReason::Expired { at }),
        None => {
            // Every valid consent starts after now.
            let from = valid.iter().map(|c| c.given_at).min().unwrap_or(now);
            refuse(RefusalReason::NotYetValid { from })
        }
    }
}

/// May cached information still be kept at `now`?
///
/// Only while the consent it was fetched under is valid (`now <
/// consent_valid_until`), and never longer than `retention` after it was
/// cached (`now < cached_at + retention`). A `cached_at` after `now` (a
/// clock gone backwards) is not trusted: the answer is `false`.
pub fn cache_may_keep(
    consent_valid_until: NaiveDateTime,
    cached_at: NaiveDateTime,
    retention: TimeDelta,
    now: NaiveDateTime,
) -> bool {
    let retained_until = cached_at
        .checked_add_signed(retention)
        .unwrap_or(NaiveDateTime::MAX);
    cached_at <= now && now < consent_valid_until && now < retained_until
}

/// The categories the desk shows and staff can record a consent for on
/// screen (the disaster consent panel's boxes), in the order of the
/// buttons: every category, 手術情報 with a consent of its own. The
/// disaster consent panel and the property test follow this list.
pub const DESK_CATEGORIES: &[ConsentCategory] = &[
    ConsentCategory::Medication,
    ConsentCategory::Checkups,
    ConsentCategory::Clinical,
    ConsentCategory::Operations,
];

/// The medical views, one button each: 手術情報 has no view of its own — the
/// 診療情報 view shows operations under their own consent (`clinical`).
pub const DESK_VIEWS: &[ConsentCategory] = &[ConsentCategory::Medication, ConsentCategory::Checkups, ConsentCategory::Clinical];

/// How staff obtained a consent in 災害時モード.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "basis")]
pub enum DisasterBasis {
    /// 口頭同意: the patient consented orally to staff.
    Oral,
    /// 意識不明等・生命保護のため: the patient cannot consent and the
    /// information is needed to protect life; `reason` is mandatory.
    Unconscious { reason: String },
}

/// How long a consent recorded in 災害時モード lasts: 24 hours, **our
/// choice**, the same as the card reader's (OQS `AvailableTime` = `ConsTime`
/// + 24 h). DOMAIN.md ("Disaster mode") says consent is obtained separately
/// but gives no period; a disaster-mode consent is for the visit at hand,
/// and 24 h is the longest [`max_validity`] allows for either source.
pub const DISASTER_CONSENT_HOURS: i64 = 24;

/// The consents staff record after a disaster look-up found `patient_key`:
/// one per category (duplicates folded, in the order given), each given at
/// `now`, valid for [`DISASTER_CONSENT_HOURS`], with source
/// [`ConsentSource::DisasterOral`] or [`ConsentSource::UnconsciousVitalInterest`]
/// (reason trimmed). Refused, with nothing to record, when no category is
/// given ([`ConsentProblem::NoCategory`]), the reason is blank
/// ([`ConsentProblem::MissingReason`]), or a record would not pass
/// [`Consent::validate`].
pub fn disaster_consents(
    patient_key: &str,
    categories: &[ConsentCategory],
    basis: &DisasterBasis,
    recorded_by: &str,
    now: NaiveDateTime,
) -> Result<Vec<Consent>, ConsentProblem> {
    let mut chosen: Vec<ConsentCategory> = Vec::new();
    for c in categories {
        if !chosen.contains(c) {
            chosen.push(*c);
        }
    }
    if chosen.is_empty() {
        return Err(ConsentProblem::NoCategory);
    }
    let source = match basis {
        DisasterBasis::Oral => ConsentSource::DisasterOral,
        DisasterBasis::Unconscious { reason } => ConsentSource::UnconsciousVitalInterest {
            reason: reason.trim().to_string(),
        },
    };
    let valid_until = now
        .checked_add_signed(TimeDelta::hours(DISASTER_CONSENT_HOURS))
        .ok_or(ConsentProblem::EndsBeforeItStarts)?;
    let mut state = ConsentState::new(patient_key);
    for category in chosen {
        state.record(Consent {
            patient_key: patient_key.to_string(),
            category,
            given_at: now,
            valid_until,
            source: source.clone(),
            recorded_by: recorded_by.trim().to_string(),
        })?;
    }
    Ok(state.consents)
}

/// A consent as the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedConsent {
    pub id: i64,
    pub consent: Consent,
    /// The role of whoever recorded it, at the time.
    pub role: Option<crate::staff::Role>,
    pub recorded_at: NaiveDateTime,
    /// The check (the disaster look-up's result) it was recorded on.
    pub check_id: Option<i64>,
}
