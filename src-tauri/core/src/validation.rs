//! Validating what staff type, with messages that say what to fix.
//!
//! Every [`Problem`], [`DateProblem`] and [`Field`] has a `message_id` in
//! `locales/*/validation.ftl` and `message_args` for it. A [`FieldError`] adds
//! the `field` argument (the field's [`Field::code`]) so that a message can name
//! the field: 「保険者番号の8桁目（検証番号）が合いません…」.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::digits;
use crate::eligibility::{CardDetails, InsurerNumber};
use crate::wareki::DateProblem;

/// A birth date further back than this many years is refused ([`Problem::TooOld`]).
pub const MAX_AGE_YEARS: u32 = 130;

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
    /// 保険者番号
    InsurerNumber,
    /// 記号
    Symbol,
    /// 番号
    Number,
    /// 枝番
    Branch,
    /// 生年月日
    BirthDate,
    /// 公費負担者番号
    PublicPayerNumber,
    /// 受給者番号
    RecipientNumber,
}

impl Field {
    pub const ALL: [Field; 7] = [
        Field::InsurerNumber,
        Field::Symbol,
        Field::Number,
        Field::Branch,
        Field::BirthDate,
        Field::PublicPayerNumber,
        Field::RecipientNumber,
    ];

    /// The snake_case name (as in serde and in the `$field` message argument).
    pub fn code(self) -> &'static str {
        match self {
            Field::InsurerNumber => "insurer_number",
            Field::Symbol => "symbol",
            Field::Number => "number",
            Field::Branch => "branch",
            Field::BirthDate => "birth_date",
            Field::PublicPayerNumber => "public_payer_number",
            Field::RecipientNumber => "recipient_number",
        }
    }

    /// The id of the field's label in `locales/*/validation.ftl` (`field-<code>`).
    pub fn message_id(&self) -> &'static str {
        match self {
            Field::InsurerNumber => "field-insurer_number",
            Field::Symbol => "field-symbol",
            Field::Number => "field-number",
            Field::Branch => "field-branch",
            Field::BirthDate => "field-birth_date",
            Field::PublicPayerNumber => "field-public_payer_number",
            Field::RecipientNumber => "field-recipient_number",
        }
    }

    /// Labels take no arguments.
    pub fn message_args(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }
}

/// What is wrong with one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Problem {
    Required,
    /// Characters that cannot be there (e.g. letters in 保険者番号).
    NotDigits,
    /// Wrong number of digits. `expected` is the allowed length, or two
    /// lengths joined by '/' ("6/8" for a 保険者番号).
    Length {
        expected: String,
        got: usize,
    },
    /// More characters than the field holds (a 受給者番号 over 30).
    TooLong {
        max: usize,
        got: usize,
    },
    /// The check digit does not match. `position` is 1-based from the left;
    /// `expected` is the check digit the other digits call for.
    CheckDigit {
        position: usize,
        found: u8,
        expected: u8,
    },
    /// Not a date we can read. Serialised as `{"kind": "date", "date": {"kind": …}}`
    /// (nested, so that the two `kind`s do not collide).
    Date(#[serde(with = "nested_date_problem")] DateProblem),
    /// Birth date after today.
    FutureDate,
    /// Birth date more than 130 years ago.
    TooOld,
    /// Characters other than ASCII letters, digits and '-' in a 番号; `chars`
    /// holds each offending character once, in order of appearance.
    BadCharacters {
        chars: String,
    },
}

impl Problem {
    /// Every id [`Problem::message_id`] can answer (with [`DateProblem::MESSAGE_IDS`]).
    pub const MESSAGE_IDS: &'static [&'static str] = &[
        "problem-required",
        "problem-not-digits",
        "problem-length",
        "problem-length-either",
        "problem-check-digit",
        "problem-too-long",
        "problem-future-date",
        "problem-too-old",
        "problem-bad-characters",
    ];

    /// The message id in `locales/*/validation.ftl`.
    pub fn message_id(&self) -> &'static str {
        match self {
            Problem::Required => "problem-required",
            Problem::NotDigits => "problem-not-digits",
            Problem::Length { expected, .. } => {
                if expected.contains('/') {
                    "problem-length-either"
                } else {
                    "problem-length"
                }
            }
            Problem::CheckDigit { .. } => "problem-check-digit",
            Problem::TooLong { .. } => "problem-too-long",
            Problem::Date(p) => p.message_id(),
            Problem::FutureDate => "problem-future-date",
            Problem::TooOld => "problem-too-old",
            Problem::BadCharacters { .. } => "problem-bad-characters",
        }
    }

    /// The Fluent arguments of the message:
    /// `problem-length`: expected, got; `problem-length-either`: first, second,
    /// got; `problem-check-digit`: position, found, expected;
    /// `problem-too-long`: max, got; `problem-too-old`: years; `problem-bad-characters`: chars;
    /// date problems: see [`DateProblem::message_args`].
    pub fn message_args(&self) -> Vec<(&'static str, String)> {
        match self {
            Problem::Length { expected, got } => match expected.split_once('/') {
                Some((first, second)) => vec![
                    ("first", first.to_string()),
                    ("second", second.to_string()),
                    ("got", got.to_string()),
                ],
                None => vec![("expected", expected.clone()), ("got", got.to_string())],
            },
            Problem::CheckDigit {
                position,
                found,
                expected,
            } => vec![
                ("position", position.to_string()),
                ("found", found.to_string()),
                ("expected", expected.to_string()),
            ],
            Problem::TooLong { max, got } => vec![("max", max.to_string()), ("got", got.to_string())],
            Problem::Date(p) => p.message_args(),
            Problem::TooOld => vec![("years", MAX_AGE_YEARS.to_string())],
            Problem::BadCharacters { chars } => vec![("chars", chars.clone())],
            Problem::Required | Problem::NotDigits | Problem::FutureDate => Vec::new(),
        }
    }
}

mod nested_date_problem {
    use super::DateProblem;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize)]
    struct Out<'a> {
        date: &'a DateProblem,
    }
    #[derive(Deserialize)]
    struct In {
        date: DateProblem,
    }

    pub fn serialize<S: Serializer>(p: &DateProblem, s: S) -> Result<S::Ok, S::Error> {
        Out { date: p }.serialize(s)
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateProblem, D::Error> {
        In::deserialize(d).map(|i| i.date)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: Field,
    pub problem: Problem,
}

impl FieldError {
    /// The problem's message id.
    pub fn message_id(&self) -> &'static str {
        self.problem.message_id()
    }

    /// The problem's arguments plus `field` ([`Field::code`]).
    pub fn message_args(&self) -> Vec<(&'static str, String)> {
        let mut args = vec![("field", self.field.code().to_string())];
        args.extend(self.problem.message_args());
        args
    }
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

/// Typed digits with a check digit at the end: normalised (full-width, spaces),
/// then digits only, one of `lengths`, last digit = [`check_digit`] of the rest.
fn parse_checked_number(input: &str, lengths: &[usize]) -> Result<String, Problem> {
    let s = digits::compact(input);
    if s.is_empty() {
        return Err(Problem::Required);
    }
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Problem::NotDigits);
    }
    if !lengths.contains(&s.len()) {
        let expected = lengths
            .iter()
            .map(|n| n.to_string())
            .collect::<Vec<_>>()
            .join("/");
        return Err(Problem::Length {
            expected,
            got: s.len(),
        });
    }
    let (body, last) = s.split_at(s.len() - 1);
    let expected = check_digit(body).expect("digits checked");
    let found = last.as_bytes()[0] - b'0';
    if expected != found {
        return Err(Problem::CheckDigit {
            position: s.len(),
            found,
            expected,
        });
    }
    Ok(s)
}

/// Parses a typed 保険者番号 (6 or 8 digits, full-width allowed, spaces ignored).
pub fn parse_insurer_number(input: &str) -> Result<InsurerNumber, Problem> {
    parse_checked_number(input, &[6, 8]).map(InsurerNumber::from_trusted)
}

/// Parses a typed 公費負担者番号 (8 digits, the last a check digit, as in
/// 54016027); full-width allowed, spaces ignored. Answers the 8 digits.
pub fn parse_public_payer_number(input: &str) -> Result<String, Problem> {
    parse_checked_number(input, &[8])
}

/// The longest 受給者番号: local programmes' numbers under PMH (自治体の医療費
///助成) have up to 30 characters (Digital Agency's PMH registration API).
pub const RECIPIENT_NUMBER_MAX: usize = 30;

/// Parses a typed 受給者番号 of a 公費; full-width allowed, spaces ignored,
/// dashes as '-'. Seven digits are the national form (6 + check digit) and
/// their check digit is verified; any other number of ASCII letters, digits
/// and '-', up to [`RECIPIENT_NUMBER_MAX`], is a local programme's (PMH) and
/// is taken as it is (no check digit is known for them).
pub fn parse_recipient_number(input: &str) -> Result<String, Problem> {
    let s = digits::compact_code(input);
    if s.is_empty() {
        return Err(Problem::Required);
    }
    if s.len() == 7 && s.bytes().all(|b| b.is_ascii_digit()) {
        return parse_checked_number(&s, &[7]);
    }
    let mut bad = String::new();
    for c in s.chars() {
        if !(c.is_ascii_alphanumeric() || c == '-') && !bad.contains(c) {
            bad.push(c);
        }
    }
    if !bad.is_empty() {
        return Err(Problem::BadCharacters { chars: bad });
    }
    let got = s.chars().count();
    if got > RECIPIENT_NUMBER_MAX {
        return Err(Problem::TooLong {
            max: RECIPIENT_NUMBER_MAX,
            got,
        });
    }
    Ok(s)
}

/// The 記号 as it will be sent: half-width, dashes as '-', trimmed, inner runs of
/// white space as one space. May be empty (some cards have no 記号).
pub fn normalise_symbol(input: &str) -> String {
    digits::tidy(input)
}

/// The 番号: half-width, white space removed, dashes as '-'; ASCII letters,
/// digits and '-' only.
pub fn parse_card_number(input: &str) -> Result<String, Problem> {
    let s = digits::compact_code(input);
    if s.is_empty() {
        return Err(Problem::Required);
    }
    let mut bad = String::new();
    for c in s.chars() {
        let allowed = c.is_ascii_alphanumeric() || c == '-';
        if !allowed && !bad.contains(c) {
            bad.push(c);
        }
    }
    if !bad.is_empty() {
        return Err(Problem::BadCharacters { chars: bad });
    }
    Ok(s)
}

/// The 枝番: empty → None; otherwise 2 digits ("1" is read as "01").
pub fn parse_branch(input: &str) -> Result<Option<String>, Problem> {
    let s = digits::compact(input);
    if s.is_empty() {
        return Ok(None);
    }
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Problem::NotDigits);
    }
    match s.len() {
        1 => Ok(Some(format!("0{s}"))),
        2 => Ok(Some(s)),
        got => Err(Problem::Length {
            expected: "2".into(),
            got,
        }),
    }
}

/// A birth date: required, a date [`crate::wareki::parse_date`] reads, not after
/// `today`, not more than [`MAX_AGE_YEARS`] years before it.
pub fn parse_birth_date(input: &str, today: NaiveDate) -> Result<NaiveDate, Problem> {
    let date = match crate::wareki::parse_date(input) {
        Ok(d) => d,
        Err(DateProblem::Empty) => return Err(Problem::Required),
        Err(p) => return Err(Problem::Date(p)),
    };
    if date > today {
        return Err(Problem::FutureDate);
    }
    let oldest = today
        .checked_sub_months(Months::new(MAX_AGE_YEARS * 12))
        .unwrap_or(NaiveDate::MIN);
    if date < oldest {
        return Err(Problem::TooOld);
    }
    Ok(date)
}

/// Validates everything typed; all problems at once, so staff fix them in one go.
/// Errors come in the order of the fields on the card.
pub fn validate_card(input: &CardInput, today: NaiveDate) -> Result<CardDetails, Vec<FieldError>> {
    let mut errors = Vec::new();
    fn keep<T>(r: Result<T, Problem>, field: Field, errors: &mut Vec<FieldError>) -> Option<T> {
        r.map_err(|problem| errors.push(FieldError { field, problem }))
            .ok()
    }
    let insurer = keep(
        parse_insurer_number(&input.insurer_number),
        Field::InsurerNumber,
        &mut errors,
    );
    let symbol = normalise_symbol(&input.symbol);
    let number = keep(parse_card_number(&input.number), Field::Number, &mut errors);
    let branch = keep(parse_branch(&input.branch), Field::Branch, &mut errors);
    let birth = keep(
        parse_birth_date(&input.birth_date, today),
        Field::BirthDate,
        &mut errors,
    );
    match (insurer, number, branch, birth) {
        (Some(insurer_number), Some(number), Some(branch), Some(birth_date))
            if errors.is_empty() =>
        {
            Ok(CardDetails {
                insurer_number,
                symbol,
                number,
                branch,
                birth_date,
            })
        }
        _ => Err(errors),
    }
}
