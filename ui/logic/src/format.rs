//! Putting values into words and dates for the desk.

use chrono::{Datelike, NaiveDate};
use madoguchi_core::message::Msg;
use madoguchi_i18n::Lang;

pub fn tr(lang: Lang, id: &str, args: &[(&str, String)]) -> String {
    madoguchi_i18n::tr(lang, id, args)
}

pub fn say(lang: Lang, msg: &Msg) -> String {
    let args: Vec<(&str, String)> = msg.args.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    tr(lang, &msg.id, &args)
}

/// Dates at the desk: 和暦 first (what cards and patients say), 西暦 beside it.
pub fn format_date(lang: Lang, d: NaiveDate) -> String {
    match lang {
        Lang::Ja => format!("{}（{}）", madoguchi_core::wareki::format_wareki(d), d.format("%Y/%m/%d")),
        Lang::En => format!("{} ({})", d.format("%Y-%m-%d"), madoguchi_core::wareki::format_wareki_short(d)),
    }
}

/// Full years on `day`.
pub fn age_on(birth: NaiveDate, day: NaiveDate) -> i32 {
    let mut age = day.year() - birth.year();
    if (day.month(), day.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

/// An empty value as a dash, so that a blank is not mistaken for a missing line.
pub fn dash(s: &str) -> String {
    if s.is_empty() { "—".into() } else { s.to_string() }
}

/// A validity period, either end open.
pub fn period(l: Lang, from: Option<NaiveDate>, until: Option<NaiveDate>) -> String {
    match (from, until) {
        (None, None) => String::new(),
        _ => format!("{} 〜 {}", from.map(|d| format_date(l, d)).unwrap_or_default(), until.map(|d| format_date(l, d)).unwrap_or_default()),
    }
}

/// 診療年月 (a month): `令和8年12月（2026/12）`, `2026-12 (R8.12)`.
pub fn format_month(lang: Lang, d: NaiveDate) -> String {
    let wareki = madoguchi_core::wareki::to_wareki(d);
    match (lang, wareki) {
        (Lang::Ja, Some(w)) => {
            let year = if w.year == 1 { "元".to_string() } else { w.year.to_string() };
            format!("{}{}年{}月（{}）", w.era.name_ja(), year, w.month, d.format("%Y/%m"))
        }
        (Lang::En, Some(w)) => format!("{} ({}{}.{})", d.format("%Y-%m"), w.era.letter(), w.year, w.month),
        (_, None) => d.format("%Y-%m").to_string(),
    }
}

/// An amount in yen with thousands separators: `2,500円`, `¥2,500`.
pub fn format_yen(lang: Lang, yen: u32) -> String {
    let digits = yen.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match lang {
        Lang::Ja => format!("{grouped}円"),
        Lang::En => format!("¥{grouped}"),
    }
}
