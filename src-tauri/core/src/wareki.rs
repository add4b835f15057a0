//! 和暦 (Japanese era dates): parsing what staff type and formatting for display.
//!
//! Hand-written on purpose: five eras with their first days are a small table
//! that is easy to check at every boundary (昭和64年1月7日 → 平成元年1月8日),
//! while ICU4X's calendar data would add hundreds of KB to the wasm UI.
//!
//! # The era table
//!
//! | era  | first day (here)        | last day   |
//! |------|-------------------------|------------|
//! | 明治 | 1873-01-01 (明治6年1月1日) | 1912-07-30 |
//! | 大正 | 1912-07-30              | 1926-12-25 |
//! | 昭和 | 1926-12-25              | 1989-01-07 |
//! | 平成 | 1989-01-08              | 2019-04-30 |
//! | 令和 | 2019-05-01              | —          |
//!
//! * 明治 legally starts on 1868-01-25 (明治元年1月1日 of the old lunisolar
//!   calendar), but Japan used that calendar until 明治5年12月2日; its months and
//!   days are not Gregorian, so `明治5年3月3日` cannot be mapped by adding 1867 to
//!   the year. We use the practical start 1873-01-01 (明治6年1月1日, the first
//!   Gregorian day) and answer [`DateProblem::OutsideEra`] for 明治1–5年. Nobody
//!   alive was born then.
//! * 大正 and 昭和 began on the day the emperor before died, so 1912-07-30 is both
//!   明治45年7月30日 and 大正元年7月30日, and 1926-12-25 is both 大正15年12月25日
//!   and 昭和元年12月25日: both spellings are accepted, and [`to_wareki`] gives the
//!   new era. 平成 and 令和 began the day after the old era ended: 昭和64年1月8日
//!   and 平成31年5月1日 do not exist and are refused.
//! * Strictness: a date after its era's end is refused even though some old
//!   cards print expiry dates like 平成33年3月31日. Birth dates never need that.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Era {
    Meiji,
    Taisho,
    Showa,
    Heisei,
    Reiwa,
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("era table date")
}

impl Era {
    /// Oldest first.
    pub const ALL: [Era; 5] = [Era::Meiji, Era::Taisho, Era::Showa, Era::Heisei, Era::Reiwa];

    /// `明治`, `大正`, `昭和`, `平成`, `令和`.
    pub fn name_ja(self) -> &'static str {
        match self {
            Era::Meiji => "明治",
            Era::Taisho => "大正",
            Era::Showa => "昭和",
            Era::Heisei => "平成",
            Era::Reiwa => "令和",
        }
    }

    /// The one-kanji abbreviation: `明`, `大`, `昭`, `平`, `令`.
    pub fn abbrev_ja(self) -> &'static str {
        &self.name_ja()[..3]
    }

    /// `M`, `T`, `S`, `H`, `R`.
    pub fn letter(self) -> char {
        match self {
            Era::Meiji => 'M',
            Era::Taisho => 'T',
            Era::Showa => 'S',
            Era::Heisei => 'H',
            Era::Reiwa => 'R',
        }
    }

    /// `meiji`, `taisho`, `showa`, `heisei`, `reiwa` (as in serde and in the
    /// `$era` argument of the Fluent messages).
    pub fn code(self) -> &'static str {
        match self {
            Era::Meiji => "meiji",
            Era::Taisho => "taisho",
            Era::Showa => "showa",
            Era::Heisei => "heisei",
            Era::Reiwa => "reiwa",
        }
    }

    /// The Gregorian year of 元年.
    pub fn first_year(self) -> i32 {
        match self {
            Era::Meiji => 1868,
            Era::Taisho => 1912,
            Era::Showa => 1926,
            Era::Heisei => 1989,
            Era::Reiwa => 2019,
        }
    }

    /// The first day this module accepts (see the module docs for 明治).
    pub fn first_day(self) -> NaiveDate {
        match self {
            Era::Meiji => ymd(1873, 1, 1),
            Era::Taisho => ymd(1912, 7, 30),
            Era::Showa => ymd(1926, 12, 25),
            Era::Heisei => ymd(1989, 1, 8),
            Era::Reiwa => ymd(2019, 5, 1),
        }
    }

    /// The legal first day (明治: 1868-01-25, before the Gregorian calendar).
    pub fn legal_first_day(self) -> NaiveDate {
        match self {
            Era::Meiji => ymd(1868, 1, 25),
            other => other.first_day(),
        }
    }

    /// The last day, None for the current era.
    pub fn last_day(self) -> Option<NaiveDate> {
        match self {
            Era::Meiji => Some(ymd(1912, 7, 30)),
            Era::Taisho => Some(ymd(1926, 12, 25)),
            Era::Showa => Some(ymd(1989, 1, 7)),
            Era::Heisei => Some(ymd(2019, 4, 30)),
            Era::Reiwa => None,
        }
    }

    /// The last era year (明治45, 大正15, 昭和64, 平成31), None for the current era.
    pub fn max_year(self) -> Option<u32> {
        self.last_day()
            .map(|d| (d.year() - self.first_year() + 1) as u32)
    }

    /// The first era year accepted (明治: 6, see the module docs; others: 1).
    pub fn min_year(self) -> u32 {
        (self.first_day().year() - self.first_year() + 1) as u32
    }

    /// Is `date` a day of this era (as accepted here)?
    pub fn contains(self, date: NaiveDate) -> bool {
        date >= self.first_day() && self.last_day().is_none_or(|last| date <= last)
    }
}

/// Why a typed date was not understood.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum DateProblem {
    Empty,
    /// Not a form we know.
    Unrecognised,
    /// A form we know but no such day (2月30日, 13月1日, 2023-02-29).
    NoSuchDay,
    /// The date is not within its era (昭和65年, 昭和64年1月8日, 平成元年1月7日,
    /// 明治5年…). `first`/`last` are the era's days as accepted here.
    OutsideEra {
        era: Era,
        first: NaiveDate,
        last: Option<NaiveDate>,
    },
}

impl DateProblem {
    fn outside(era: Era) -> Self {
        DateProblem::OutsideEra {
            era,
            first: era.first_day(),
            last: era.last_day(),
        }
    }

    /// Every id [`DateProblem::message_id`] can answer.
    pub const MESSAGE_IDS: &'static [&'static str] = &[
        "date-empty",
        "date-unrecognised",
        "date-no-such-day",
        "date-outside-era",
    ];

    /// The message id in `locales/*/validation.ftl`.
    pub fn message_id(&self) -> &'static str {
        match self {
            DateProblem::Empty => "date-empty",
            DateProblem::Unrecognised => "date-unrecognised",
            DateProblem::NoSuchDay => "date-no-such-day",
            DateProblem::OutsideEra { .. } => "date-outside-era",
        }
    }

    /// The Fluent arguments of the message: for `OutsideEra`, `era` (the era's
    /// [`Era::code`]), `first` and `last` (ISO dates; `last` empty for 令和).
    pub fn message_args(&self) -> Vec<(&'static str, String)> {
        match self {
            DateProblem::OutsideEra { era, first, last } => vec![
                ("era", era.code().to_string()),
                ("first", first.to_string()),
                ("last", last.map(|d| d.to_string()).unwrap_or_default()),
            ],
            _ => Vec::new(),
        }
    }
}

/// A date in 和暦.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wareki {
    pub era: Era,
    pub year: u32,
    pub month: u32,
    pub day: u32,
}

impl Wareki {
    /// The Gregorian date, if this is a day of its era.
    pub fn to_date(self) -> Option<NaiveDate> {
        let date = NaiveDate::from_ymd_opt(
            self.era.first_year() + self.year as i32 - 1,
            self.month,
            self.day,
        )?;
        self.era.contains(date).then_some(date)
    }

    /// `昭和61年4月12日`, `令和元年5月1日`.
    pub fn long(self) -> String {
        let year = if self.year == 1 {
            "元".to_string()
        } else {
            self.year.to_string()
        };
        format!(
            "{}{}年{}月{}日",
            self.era.name_ja(),
            year,
            self.month,
            self.day
        )
    }

    /// `S61.4.12`, `R1.5.1`.
    pub fn short(self) -> String {
        format!(
            "{}{}.{}.{}",
            self.era.letter(),
            self.year,
            self.month,
            self.day
        )
    }
}

impl std::fmt::Display for Wareki {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.long())
    }
}

/// The era prefixes we read, longest first within each era.
const ERA_PREFIXES: &[(&str, Era)] = &[
    ("明治", Era::Meiji),
    ("大正", Era::Taisho),
    ("昭和", Era::Showa),
    ("平成", Era::Heisei),
    ("令和", Era::Reiwa),
    ("明", Era::Meiji),
    ("大", Era::Taisho),
    ("昭", Era::Showa),
    ("平", Era::Heisei),
    ("令", Era::Reiwa),
    ("m", Era::Meiji),
    ("t", Era::Taisho),
    ("s", Era::Showa),
    ("h", Era::Heisei),
    ("r", Era::Reiwa),
];

/// NFKC (full-width digits and letters, ㍼ → 昭和, ｰ → ー), hyphens, ASCII lower
/// case; white space between two digits becomes '/', other white space goes.
fn normalise_date_input(input: &str) -> String {
    let s: String = input.nfkc().collect();
    let s = crate::digits::normalise_hyphens(&s).to_ascii_lowercase();
    let chars: Vec<char> = s.trim().chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            let mut j = i;
            while j < chars.len() && chars[j].is_whitespace() {
                j += 1;
            }
            let prev_digit = out.chars().last().is_some_and(|p| p.is_ascii_digit());
            let next_digit = chars.get(j).is_some_and(|n| n.is_ascii_digit());
            if prev_digit && next_digit {
                out.push('/');
            }
            i = j;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

#[derive(Debug, PartialEq)]
enum Token {
    Num(String),
    Sep(char),
}

fn tokenize(s: &str) -> Option<Vec<Token>> {
    let mut tokens = Vec::new();
    let mut num = String::new();
    for c in s.chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        if !num.is_empty() {
            tokens.push(Token::Num(std::mem::take(&mut num)));
        }
        match c {
            '元' => tokens.push(Token::Num("元".into())),
            '.' | '/' | '-' | '年' | '月' | '日' => tokens.push(Token::Sep(c)),
            _ => return None,
        }
    }
    if !num.is_empty() {
        tokens.push(Token::Num(num));
    }
    Some(tokens)
}

/// Year, month, day as typed (year may be "元"), from the part after the era.
fn split_ymd(rest: &str) -> Option<(String, String, String)> {
    use Token::*;
    let tokens = tokenize(rest)?;
    match tokens.as_slice() {
        [Num(y), Sep(a), Num(m), Sep(b), Num(d)] if a == b && matches!(a, '.' | '/' | '-') => {
            Some((y.clone(), m.clone(), d.clone()))
        }
        [Num(y), Sep('年'), Num(m), Sep('月'), Num(d)]
        | [Num(y), Sep('年'), Num(m), Sep('月'), Num(d), Sep('日')] => {
            Some((y.clone(), m.clone(), d.clone()))
        }
        _ => None,
    }
}

fn is_digits(s: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

/// Parses a date typed at the desk. Accepted forms:
///
/// * 西暦: `1986-04-12`, `1986/4/12`, `1986.4.12`, `19860412`, `1986年4月12日`,
///   `西暦1986年4月12日`, `1986 4 12`.
/// * 和暦, the era as a letter (`M T S H R`, either case), one kanji (`明 大 昭 平 令`),
///   two kanji (`昭和`…) or a square sign (`㍼`): `S61.4.12`, `S61/4/12`,
///   `s61-4-12`, `S610412` (six digits), `昭和61年4月12日`, `昭61.4.12`,
///   `令和元年5月1日`.
///
/// Full-width digits, letters and spaces, and `ー` between digits are fine;
/// `日` and a trailing `生`/`生まれ` may be left off or added. Two-digit western
/// years (`86/4/12`) are refused as [`DateProblem::Unrecognised`].
pub fn parse_date(input: &str) -> Result<NaiveDate, DateProblem> {
    let s = normalise_date_input(input);
    if s.is_empty() {
        return Err(DateProblem::Empty);
    }
    let s = s
        .strip_suffix("生まれ")
        .or_else(|| s.strip_suffix('生'))
        .unwrap_or(&s);
    if let Some(rest) = s.strip_prefix("西暦") {
        return parse_western(rest);
    }
    match ERA_PREFIXES
        .iter()
        .find_map(|(p, era)| s.strip_prefix(p).map(|rest| (*era, rest)))
    {
        Some((era, rest)) => parse_era(era, rest),
        None => parse_western(s),
    }
}

fn parse_western(s: &str) -> Result<NaiveDate, DateProblem> {
    let (y, m, d) = if is_digits(s, 8, 8) {
        (s[..4].to_string(), s[4..6].to_string(), s[6..].to_string())
    } else {
        let (y, m, d) = split_ymd(s).ok_or(DateProblem::Unrecognised)?;
        if !is_digits(&y, 4, 4) || !is_digits(&m, 1, 2) || !is_digits(&d, 1, 2) {
            return Err(DateProblem::Unrecognised);
        }
        (y, m, d)
    };
    let (y, m, d) = (y.parse().unwrap(), m.parse().unwrap(), d.parse().unwrap());
    NaiveDate::from_ymd_opt(y, m, d).ok_or(DateProblem::NoSuchDay)
}

fn parse_era(era: Era, s: &str) -> Result<NaiveDate, DateProblem> {
    let (y, m, d) = if is_digits(s, 6, 6) {
        (s[..2].to_string(), s[2..4].to_string(), s[4..].to_string())
    } else {
        let (y, m, d) = split_ymd(s).ok_or(DateProblem::Unrecognised)?;
        // 元 only in the 年 form: 令和元年5月1日.
        let y = if y == "元" && s.contains('年') {
            "1".to_string()
        } else {
            y
        };
        if !is_digits(&y, 1, 2) || !is_digits(&m, 1, 2) || !is_digits(&d, 1, 2) {
            return Err(DateProblem::Unrecognised);
        }
        (y, m, d)
    };
    let (year, month, day): (u32, u32, u32) =
        (y.parse().unwrap(), m.parse().unwrap(), d.parse().unwrap());
    if year < era.min_year() || era.max_year().is_some_and(|max| year > max) {
        return Err(DateProblem::outside(era));
    }
    let date = NaiveDate::from_ymd_opt(era.first_year() + year as i32 - 1, month, day)
        .ok_or(DateProblem::NoSuchDay)?;
    if !era.contains(date) {
        return Err(DateProblem::outside(era));
    }
    Ok(date)
}

/// The 和暦 form of a date (None before 明治 6 = 1873-01-01). On the two days
/// that belong to two eras (1912-07-30, 1926-12-25) the new era is given.
pub fn to_wareki(date: NaiveDate) -> Option<Wareki> {
    let era = Era::ALL
        .iter()
        .rev()
        .copied()
        .find(|era| era.contains(date))?;
    Some(Wareki {
        era,
        year: (date.year() - era.first_year() + 1) as u32,
        month: date.month(),
        day: date.day(),
    })
}

/// `昭和61年4月12日` (元年 for year 1). Before 1873: `1872年12月31日`.
pub fn format_wareki(date: NaiveDate) -> String {
    match to_wareki(date) {
        Some(w) => w.long(),
        None => format!("{}年{}月{}日", date.year(), date.month(), date.day()),
    }
}

/// `S61.4.12`. Before 1873: the ISO date.
pub fn format_wareki_short(date: NaiveDate) -> String {
    match to_wareki(date) {
        Some(w) => w.short(),
        None => date.format("%Y-%m-%d").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn era_table_is_consistent() {
        assert_eq!(Era::Meiji.max_year(), Some(45));
        assert_eq!(Era::Taisho.max_year(), Some(15));
        assert_eq!(Era::Showa.max_year(), Some(64));
        assert_eq!(Era::Heisei.max_year(), Some(31));
        assert_eq!(Era::Reiwa.max_year(), None);
        assert_eq!(Era::Meiji.min_year(), 6);
        assert_eq!(Era::Showa.min_year(), 1);
        assert_eq!(Era::Showa.abbrev_ja(), "昭");
        // Each era starts on the day after the previous ends, or the same day.
        for pair in Era::ALL.windows(2) {
            let last = pair[0].last_day().unwrap();
            let next = pair[1].first_day();
            assert!(next == last || next == last.succ_opt().unwrap(), "{pair:?}");
        }
    }

    #[test]
    fn normalises_spaces_between_digits_to_separators() {
        assert_eq!(normalise_date_input(" ＳＨ　 ６１ "), "sh61");
        assert_eq!(normalise_date_input("1986 4  12"), "1986/4/12");
        assert_eq!(normalise_date_input("昭和 61年 4月"), "昭和61年4月");
        assert_eq!(normalise_date_input("㍼61.4.12"), "昭和61.4.12");
    }
}
