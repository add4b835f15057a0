//! 居宅同意取得型: the rules of a home visit (訪問診療, 訪問看護, 訪問薬剤管理),
//! pure. The app (`madoguchi::home_visit`) runs the steps; this module says
//! what each step accepts and what a recorded visit allows later.
//!
//! # The three steps (DOMAIN.md, "Home visits"; seed `000_…`)
//!
//! 1. the patient's consent choices, per category (薬剤情報, 特定健診等情報,
//!    診療情報, 手術情報; none at all is a valid choice);
//! 2. identity: the 4-digit PIN of the card ([`pin_problem`]), or a staff
//!    visual check (目視確認) recorded with who confirmed it
//!    ([`IdentityCheck::validate`]);
//! 3. the card is read: its eligibility key is checked with the national
//!    system (or queued when the home has no connection).
//!
//! # Later visits re-use the first visit's consent — the rule implemented
//!
//! DOMAIN.md ("Home visits", from `000_…` and `001_…`) gives the order of the
//! steps and that connectivity at a home may be absent. It does **not** give
//! how long a home-visit consent lasts, nor the national rule for later
//! visits; `consent.rs` therefore takes `valid_until` as given. This module
//! implements the following, and the constant below is *our* choice, to be
//! replaced by the national figure once it is in the seeds:
//!
//! - A first visit (all three steps) records the consent with
//!   [`crate::consent::ConsentSource::HomeVisit`], valid from the visit for
//!   [`CONSENT_DAYS`] days ([`consent_valid_until`]).
//! - A later visit of the same facility to the same patient may re-use it —
//!   without asking the consent again, without PIN or card — while
//!   ([`may_reuse`]):
//!   - it is the patient's **latest** first visit (a new first visit
//!     replaces the choices of the earlier one, also when it consents to less);
//!   - it is **confirmed**: the first visit's check was answered by the
//!     national system (an offline first visit is re-usable only after its
//!     queued check replayed — until then the national side has never seen
//!     that consent);
//!   - the eligibility key is the same card (`保険者番号:記号:番号:枝番` and
//!     birth date);
//!   - `given_at <= now < valid_until`.
//! - Re-use never widens: the later visit has exactly the categories of the
//!   first visit. A category refused then needs a new first visit.
//! - Every later visit still re-checks eligibility (再照会) with the stored
//!   card key: the consent is re-used, never the eligibility answer.

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use serde::{Deserialize, Serialize};

use crate::consent::{Consent, ConsentSource};
use crate::eligibility::ConsentCategory;

/// How long a home-visit consent lasts, in days (our choice; see the module
/// documentation).
pub const CONSENT_DAYS: i64 = 30;

/// Wrong PINs before the card refuses more (then: visual check).
pub const PIN_ATTEMPTS: u8 = 3;

/// The end (exclusive) of a home-visit consent given at `given_at`.
pub fn consent_valid_until(given_at: NaiveDateTime) -> NaiveDateTime {
    given_at + TimeDelta::days(CONSENT_DAYS)
}

/// What is wrong with a typed PIN (before the card is asked).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PinProblem {
    Empty,
    /// Not exactly 4 digits (full-width digits are accepted and folded).
    NotFourDigits,
}

impl PinProblem {
    pub fn message_id(self) -> &'static str {
        match self {
            PinProblem::Empty => "home-visit-pin-empty",
            PinProblem::NotFourDigits => "home-visit-pin-not-four-digits",
        }
    }
}

/// The PIN as the card takes it: 4 ASCII digits, full-width folded.
pub fn normalize_pin(pin: &str) -> Result<String, PinProblem> {
    let folded = crate::digits::to_halfwidth(pin.trim());
    if folded.is_empty() {
        return Err(PinProblem::Empty);
    }
    if folded.len() == 4 && folded.bytes().all(|b| b.is_ascii_digit()) {
        Ok(folded)
    } else {
        Err(PinProblem::NotFourDigits)
    }
}

/// [`normalize_pin`]'s problem, if any.
pub fn pin_problem(pin: &str) -> Option<PinProblem> {
    normalize_pin(pin).err()
}

/// How the patient's identity was confirmed (step 2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "method")]
pub enum IdentityCheck {
    /// The card accepted the 4-digit PIN.
    Pin,
    /// 目視確認: staff compared the card's photo with the patient.
    Visual {
        /// Who confirmed (the signed-in staff's name, else the typed name).
        confirmed_by: String,
        /// Their role, when the desk knows it.
        role: Option<String>,
    },
    /// The qualification terminal checked it itself (a card read from the
    /// OQS `face/` folder: face or PIN on the face-recognition reader).
    Terminal,
    /// A later visit: no identity step, the first visit's is re-used.
    FirstVisit,
}

impl IdentityCheck {
    pub fn as_str(&self) -> &'static str {
        match self {
            IdentityCheck::Pin => "pin",
            IdentityCheck::Visual { .. } => "visual",
            IdentityCheck::Terminal => "terminal",
            IdentityCheck::FirstVisit => "first_visit",
        }
    }

    /// A visual check must name who confirmed.
    pub fn validate(&self) -> Result<(), &'static str> {
        match self {
            IdentityCheck::Visual { confirmed_by, .. } if confirmed_by.trim().is_empty() => {
                Err("home-visit-visual-needs-name")
            }
            _ => Ok(()),
        }
    }
}

/// A first visit as recorded (what [`may_reuse`] looks at).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirstVisit {
    /// The record's id in the store.
    pub id: i64,
    /// `保険者番号:記号:番号:枝番`.
    pub patient_key: String,
    pub birth_date: NaiveDate,
    pub given_at: NaiveDateTime,
    pub valid_until: NaiveDateTime,
    /// The categories the patient consented to (may be empty).
    pub categories: Vec<ConsentCategory>,
    /// Who recorded it.
    pub recorded_by: String,
    /// The first visit's check was answered by the national system.
    pub confirmed: bool,
}

impl FirstVisit {
    /// The consents this visit gives, one per category, for
    /// [`crate::consent::ConsentState::record`] / `decide`.
    pub fn consents(&self) -> Vec<Consent> {
        self.categories
            .iter()
            .map(|&category| Consent {
                patient_key: self.patient_key.clone(),
                category,
                given_at: self.given_at,
                valid_until: self.valid_until,
                source: ConsentSource::HomeVisit,
                recorded_by: self.recorded_by.clone(),
            })
            .collect()
    }
}

/// Why a later visit cannot re-use a consent (a new first visit is needed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum ReuseRefusal {
    /// No first visit for this card.
    NoFirstVisit,
    /// The latest first visit was made offline and its check has not been
    /// answered yet.
    NotConfirmed,
    /// The latest first visit's consent ended at `at`.
    Expired { at: NaiveDateTime },
    /// The latest first visit is dated after `now` (clock skew).
    NotYetValid { from: NaiveDateTime },
}

impl ReuseRefusal {
    pub fn message_id(&self) -> &'static str {
        match self {
            ReuseRefusal::NoFirstVisit => "home-visit-reuse-no-first-visit",
            ReuseRefusal::NotConfirmed => "home-visit-reuse-not-confirmed",
            ReuseRefusal::Expired { .. } => "home-visit-reuse-expired",
            ReuseRefusal::NotYetValid { .. } => "home-visit-reuse-not-yet-valid",
        }
    }
    pub fn kind(&self) -> &'static str {
        match self {
            ReuseRefusal::NoFirstVisit => "no_first_visit",
            ReuseRefusal::NotConfirmed => "not_confirmed",
            ReuseRefusal::Expired { .. } => "expired",
            ReuseRefusal::NotYetValid { .. } => "not_yet_valid",
        }
    }
}

/// May a visit at `now` to the card `patient_key` / `birth_date` re-use a
/// first visit's consent? `Ok` names the first visit it rests on (see the
/// module documentation for the rule).
pub fn may_reuse<'a>(
    first_visits: &'a [FirstVisit],
    patient_key: &str,
    birth_date: NaiveDate,
    now: NaiveDateTime,
) -> Result<&'a FirstVisit, ReuseRefusal> {
    let latest = first_visits
        .iter()
        .filter(|v| v.patient_key == patient_key && v.birth_date == birth_date)
        .max_by_key(|v| (v.given_at, v.id))
        .ok_or(ReuseRefusal::NoFirstVisit)?;
    if !latest.confirmed {
        return Err(ReuseRefusal::NotConfirmed);
    }
    if now < latest.given_at {
        return Err(ReuseRefusal::NotYetValid { from: latest.given_at });
    }
    if now >= latest.valid_until {
        return Err(ReuseRefusal::Expired { at: latest.valid_until });
    }
    Ok(latest)
}

/// A recorded visit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HomeVisit {
    pub id: i64,
    pub person_key: String,
    pub card: crate::CardDetails,
    pub visited_at: NaiveDateTime,
    pub staff: String,
    pub first_visit_id: Option<i64>,
    pub categories: Vec<ConsentCategory>,
    pub valid_until: NaiveDateTime,
    pub identity: IdentityCheck,
    pub reader: String,
    pub check_id: Option<i64>,
    pub queued_id: Option<i64>,
    /// When the check was answered: at the visit, or when the queued check
    /// replayed. `None`: not confirmed yet.
    pub confirmed_at: Option<NaiveDateTime>,
}

impl HomeVisit {
    /// A first visit, as the core's re-use rule takes it.
    pub fn as_first_visit(&self) -> Option<FirstVisit> {
        if self.first_visit_id.is_some() {
            return None;
        }
        Some(FirstVisit {
            id: self.id,
            patient_key: self.person_key.clone(),
            birth_date: self.card.birth_date,
            given_at: self.visited_at,
            valid_until: self.valid_until,
            categories: self.categories.clone(),
            recorded_by: self.staff.clone(),
            confirmed: self.confirmed_at.is_some(),
        })
    }
}
