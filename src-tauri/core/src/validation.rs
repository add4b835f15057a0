//! Validating what staff type, with messages that say what to fix.
//!
//! OWNER: helper "core-validation" fills this in.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::eligibility::{CardDetails, InsurerNumber};
use crate::wareki::DateProblem;

/// The card details as typed, unchecked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardInput {
    pub insurer_number: String,
    pub symbol: String,
    pub number: String,
    pub branch: String,
    pub birth_date: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    InsurerNumber,
    Symbol,
    Number,
    Branch,
    BirthDate,
}

/// What is wrong with one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Problem {
    Required,
    /// Characters that cannot be there (e.g. letters in 保険者番号).
    NotDigits,
    /// Wrong number of digits.
    Length { expected: String, got: usize },
    /// The check digit does not match. `position` is 1-based from the left;
    /// `expected` is the check digit the other digits call for.
    CheckDigit { position: usize, found: u8, expected: u8 },
    Date(DateProblem),
    /// Birth date after today.
    FutureDate,
    /// Birth date more than 130 years ago.
    TooOld,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: Field,
    pub problem: Problem,
}

/// The check digit of a 保険者番号 / 公費負担者番号 body (all digits but the last):
/// weights 2,1,2,1… from the rightmost digit, two-digit products summed digit by
/// digit, check = (10 − sum mod 10) mod 10.
pub fn check_digit(body: &str) -> Option<u8> {
    let mut sum = 0u32;
    for (i, c) in body.chars().rev().enumerate() {
        let d = c.to_digit(10)?;
        let p = if i % 2 == 0 { d * 2 } else { d };
        sum += p / 10 + p % 10;
    }
    Some(((10 - sum % 10) % 10) as u8)
}

/// Parses a typed 保険者番号 (6 or 8 digits, full-width allowed, spaces ignored).
pub fn parse_insurer_number(input: &str) -> Result<InsurerNumber, Problem> {
    let s = crate::digits::compact(input);
    if s.is_empty() {
        return Err(Problem::Required);
    }
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Problem::NotDigits);
    }
    if s.len() != 6 && s.len() != 8 {
        return Err(Problem::Length { expected: "6/8".into(), got: s.len() });
    }
    let (body, last) = s.split_at(s.len() - 1);
    let expected = check_digit(body).unwrap();
    let found = last.parse::<u8>().unwrap();
    if expected != found {
        return Err(Problem::CheckDigit { position: s.len(), found, expected });
    }
    Ok(InsurerNumber::from_trusted(s))
}

/// Validates everything typed; all problems at once, so staff fix them in one go.
pub fn validate_card(input: &CardInput, today: NaiveDate) -> Result<CardDetails, Vec<FieldError>> {
    let mut errors = Vec::new();
    let insurer = parse_insurer_number(&input.insurer_number)
        .map_err(|p| errors.push(FieldError { field: Field::InsurerNumber, problem: p }))
        .ok();
    let symbol = crate::digits::to_halfwidth(input.symbol.trim()).trim().to_string();
    let number = crate::digits::compact(&input.number);
    if number.is_empty() {
        errors.push(FieldError { field: Field::Number, problem: Problem::Required });
    }
    let branch = crate::digits::compact(&input.branch);
    let branch = if branch.is_empty() { None } else { Some(branch) };
    let birth = match crate::wareki::parse_date(&input.birth_date) {
        Ok(d) if d > today => {
            errors.push(FieldError { field: Field::BirthDate, problem: Problem::FutureDate });
            None
        }
        Ok(d) => Some(d),
        Err(DateProblem::Empty) => {
            errors.push(FieldError { field: Field::BirthDate, problem: Problem::Required });
            None
        }
        Err(p) => {
            errors.push(FieldError { field: Field::BirthDate, problem: Problem::Date(p) });
            None
        }
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(CardDetails {
        insurer_number: insurer.unwrap(),
        symbol,
        number,
        branch,
        birth_date: birth.unwrap(),
    })
}
