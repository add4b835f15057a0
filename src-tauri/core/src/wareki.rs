//! 和暦 (Japanese era dates): parsing what staff type and formatting for display.
//!
//! Hand-written on purpose: five eras with their first days are a small table
//! that is easy to check at every boundary (昭和64年1月7日 → 平成元年1月8日),
//! while ICU4X's calendar data would add hundreds of KB to the wasm UI.
//!
//! OWNER: helper "core-validation" fills this in.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Era {
    Meiji,
    Taisho,
    Showa,
    Heisei,
    Reiwa,
}

/// Why a typed date was not understood.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum DateProblem {
    Empty,
    /// Not a form we know.
    Unrecognised,
    /// A form we know but no such day (2月30日, 平成32年 is fine = 令和2年? see docs).
    NoSuchDay,
    /// The era year is outside the era (e.g. 昭和65年).
    OutsideEra { era: Era, max_year: u32 },
}

/// A date in 和暦.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wareki {
    pub era: Era,
    pub year: u32,
    pub month: u32,
    pub day: u32,
}

/// Parses a date typed at the desk: 1986-04-12, 1986/4/12, 19860412,
/// S61.4.12, S61/4/12, 昭和61年4月12日, R2/1/1, 令和元年5月1日 … full-width digits allowed.
pub fn parse_date(input: &str) -> Result<NaiveDate, DateProblem> {
    let s = crate::digits::compact(input);
    if s.is_empty() {
        return Err(DateProblem::Empty);
    }
    if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        let y = s[..4].parse().unwrap();
        let m = s[4..6].parse().unwrap();
        let d = s[6..].parse().unwrap();
        return NaiveDate::from_ymd_opt(y, m, d).ok_or(DateProblem::NoSuchDay);
    }
    NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|_| DateProblem::Unrecognised)
}

/// The 和暦 form of a date (None before 明治 6 = 1873-01-01).
pub fn to_wareki(date: NaiveDate) -> Option<Wareki> {
    let _ = date;
    None
}

/// `昭和61年4月12日` (元年 for year 1).
pub fn format_wareki(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// `S61.4.12`
pub fn format_wareki_short(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}
