//! The replay of a deferred check (a check made while offline, replayed
//! once the line is back): which facts of the qualification differ between
//! what staff were shown at the visit (a cached result, or nothing) and what
//! the replayed check answered. Pure; the store keeps the result.
//!
//! Not [`crate::appointments::Difference`]: that one compares an appointment
//! list's text with the insurer's record, this one two eligibility results.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::EligibilityResult;

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

/// One fact as shown at the visit and as the replay answered it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Difference {
    pub field: ChangedField,
    pub shown: Option<String>,
    pub replayed: Option<String>,
}

/// What the replay of one deferred check found different from what was
/// shown. The store keeps it; the window reads it as it is (the contract
/// re-exports this type rather than copying it).
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

impl ChangedField {
    /// Every field, in the order [`differences`] compares them.
    pub const ALL: [ChangedField; 6] = [
        ChangedField::Validity,
        ChangedField::InsurerNumber,
        ChangedField::InsurerName,
        ChangedField::Copay,
        ChangedField::ValidFrom,
        ChangedField::ValidUntil,
    ];

    /// Its code on the wire and in the store (`copay`, `valid_from` …).
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

/// What differs, fact by fact, between what was shown (`None`: nothing was
/// shown, so every fact the replay has is a difference) and the replay.
pub fn differences(shown: Option<&EligibilityResult>, replayed: &EligibilityResult) -> Vec<Difference> {
    type Fact = fn(&EligibilityResult) -> Option<String>;
    let facts: [(ChangedField, Fact); 6] = [
        (ChangedField::Validity, |r| {
            Some(r.validity.code().to_string())
        }),
        (ChangedField::InsurerNumber, |r| {
            r.qualification
                .as_ref()
                .map(|q| q.insurer_number.to_string())
        }),
        (ChangedField::InsurerName, |r| {
            r.qualification
                .as_ref()
                .and_then(|q| q.insurer_name.clone())
        }),
        (ChangedField::Copay, |r| {
            r.effective_copay().map(|c| c.0.to_string())
        }),
        (ChangedField::ValidFrom, |r| {
            r.qualification
                .as_ref()
                .and_then(|q| q.valid_from)
                .map(|d| d.to_string())
        }),
        (ChangedField::ValidUntil, |r| {
            r.qualification
                .as_ref()
                .and_then(|q| q.valid_until)
                .map(|d| d.to_string())
        }),
    ];
    facts
        .iter()
        .filter_map(|(field, fact)| {
            let s = shown.and_then(fact);
            let r = fact(replayed);
            (s != r).then_some(Difference {
                field: *field,
                shown: s,
                replayed: r,
            })
        })
        .collect()
}
