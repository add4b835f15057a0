//! When the answer is "no" (該当資格なし, 無効, 無効（新しい資格あり）, 複数該当, no
//! validity stated, an error): why, and what to do next at the counter —
//! decided from the answer and from what the desk knows, never a guess
//! presented as a fact. Every step says what it rests on ([`Fact`]), so the
//! window can show "because …" beside it.
//!
//! Pure: the caller passes the result, what the desk knows
//! ([`DeskKnowledge`]) and today's date. The words are in
//! `locales/*/resolution.ftl`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::codes::{LossReason, Validity};
use crate::eligibility::EligibilityResult;
use crate::message::Msg;

/// A qualification that started this many days ago or fewer may not be
/// registered at the insurer yet (registrations lag by days to weeks).
pub const RECENT_START_DAYS: i64 = 31;

/// What the desk knows beside the answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskKnowledge {
    /// The same card was answered valid at this desk before, on this day.
    pub earlier_valid_on: Option<NaiveDate>,
    /// Staff left the 枝番 empty.
    pub branch_left_empty: bool,
    /// The check was asked with card details typed (not a card tap).
    pub typed: bool,
}

/// What a step rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "fact")]
pub enum Fact {
    /// The answer's validity.
    Answer { validity: Validity },
    /// The answer's error code.
    ErrorCode { code: String },
    /// The answer says why the insurance ended.
    LossReason { reason: LossReason },
    /// The answer's 資格喪失日.
    EndedOn { date: NaiveDate },
    /// The answer's 資格取得日, this many days before today.
    StartedDaysAgo { date: NaiveDate, days: i64 },
    /// The 枝番 was left empty.
    BranchLeftEmpty,
    /// The insurer number has 6 digits (a 市町村国保).
    KokuhoNumber,
    /// This desk saw the card valid before.
    EarlierValid { date: NaiveDate },
    /// The national rules for a patient who is insured but not confirmed.
    NationalRule,
}

/// One thing to do, with what it rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub message: Msg,
    pub because: Vec<Fact>,
}

/// Why the answer is "no", and the steps, most likely first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resolution {
    pub why: Msg,
    pub steps: Vec<Step>,
}

fn step(id: &str, because: Vec<Fact>) -> Step {
    Step { message: Msg::new(id), because }
}

/// The resolution of an answer that is not "valid"; `None` for a valid one.
pub fn resolve(r: &EligibilityResult, known: &DeskKnowledge, today: NaiveDate) -> Option<Resolution> {
    let validity = r.validity;
    if r.error.is_none() && validity.is_valid() {
        return None;
    }
    let answer = Fact::Answer { validity };
    let mut steps = Vec::new();
    let q = r.qualification.as_ref();
    let kokuho = r.asked.as_ref().map(|a| a.insurer_number.is_kokuho()).or(q.map(|q| q.insurer_number.is_kokuho())).unwrap_or(false);
    let why = if let Some(e) = &r.error {
        let code = e.code.clone().unwrap_or_default();
        steps.push(Step {
            message: Msg::new("resolution-step-retry"),
            because: vec![Fact::ErrorCode { code: code.clone() }],
        });
        Msg::new("resolution-why-error").arg("code", &code).arg("message", e.message.clone().unwrap_or_default())
    } else {
        match validity {
            Validity::NotFound => {
                if known.typed {
                    let mut because = vec![answer.clone()];
                    if known.branch_left_empty {
                        because.push(Fact::BranchLeftEmpty);
                        steps.push(step("resolution-step-enter-branch", because.clone()));
                    }
                    if kokuho {
                        steps.push(step("resolution-step-check-kokuho-number", vec![answer.clone(), Fact::KokuhoNumber]));
                    }
                    steps.push(step("resolution-step-check-typed", vec![answer.clone()]));
                }
                steps.push(step("resolution-step-tap-card", vec![answer.clone()]));
                Msg::new("resolution-why-not-found")
            }
            Validity::Invalid => {
                if let Some(reason) = q.and_then(|q| q.loss_reason) {
                    let because = vec![answer.clone(), Fact::LossReason { reason }];
                    steps.push(step(
                        match reason {
                            LossReason::WelfareStarted => "resolution-step-medical-aid",
                            LossReason::OtherInsurance => "resolution-step-new-card",
                            LossReason::Death => "resolution-step-check-person",
                            LossReason::Other => "resolution-step-new-card",
                        },
                        because,
                    ));
                } else {
                    steps.push(step("resolution-step-new-card", vec![answer.clone()]));
                }
                match q.and_then(|q| q.disqualified_on) {
                    Some(date) => Msg::new("resolution-why-ended").arg("date", date),
                    None => Msg::new("resolution-why-invalid"),
                }
            }
            Validity::InvalidNewQualification => {
                steps.push(step("resolution-step-new-card", vec![answer.clone()]));
                steps.push(step("resolution-step-tap-card", vec![answer.clone()]));
                Msg::new("resolution-why-new-qualification")
            }
            Validity::MultipleFound => {
                if known.branch_left_empty {
                    steps.push(step("resolution-step-enter-branch", vec![answer.clone(), Fact::BranchLeftEmpty]));
                }
                steps.push(step("resolution-step-tap-card", vec![answer.clone()]));
                Msg::new("resolution-why-multiple")
            }
            Validity::Unstated => {
                steps.push(step("resolution-step-look-at-card", vec![answer.clone()]));
                Msg::new("resolution-why-unstated")
            }
            Validity::Valid | Validity::ValidUnregistered => unreachable!("valid answers return above"),
        }
    };
    // A qualification registered only days ago: the insurer may be late.
    if let Some(date) = q.and_then(|q| q.qualified_on) {
        let days = (today - date).num_days();
        if (0..=RECENT_START_DAYS).contains(&days) {
            let mut s = step("resolution-step-registration-late", vec![answer.clone(), Fact::StartedDaysAgo { date, days }]);
            s.message = s.message.arg("date", date).arg("days", days);
            steps.insert(0, s);
        }
    }
    // What this desk saw before: shown with its date, never as today's answer.
    if let Some(date) = known.earlier_valid_on {
        let mut s = step("resolution-step-earlier-answer", vec![Fact::EarlierValid { date }]);
        s.message = s.message.arg("date", date);
        steps.push(s);
    }
    // The patient says they are insured: the 資格申立書, normal copay.
    if !matches!(validity, Validity::Unstated) || r.error.is_some() {
        steps.push(step("resolution-step-self-declaration", vec![Fact::NationalRule]));
    }
    Some(Resolution { why, steps })
}

/// Every message id [`resolve`] can answer (for the locale test).
pub const MESSAGE_IDS: &[&str] = &[
    "resolution-why-error",
    "resolution-why-not-found",
    "resolution-why-ended",
    "resolution-why-invalid",
    "resolution-why-new-qualification",
    "resolution-why-multiple",
    "resolution-why-unstated",
    "resolution-step-retry",
    "resolution-step-enter-branch",
    "resolution-step-check-kokuho-number",
    "resolution-step-check-typed",
    "resolution-step-tap-card",
    "resolution-step-medical-aid",
    "resolution-step-new-card",
    "resolution-step-check-person",
    "resolution-step-look-at-card",
    "resolution-step-registration-late",
    "resolution-step-earlier-answer",
    "resolution-step-self-declaration",
];
