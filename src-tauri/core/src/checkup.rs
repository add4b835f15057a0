//! 特定健診等情報 at a glance: each year's values side by side, and the key
//! items (weight/BMI, blood pressure, HbA1c, lipids, eGFR…) as trends over up
//! to five years with their reference ranges.
//!
//! Pure: the checkups come in as parsed data, "today" as an argument. Which
//! items are key, by which JLAC10 codes or item names they arrive, their units
//! and reference ranges come from `assets/tables/checkup_items.tsv` (embedded;
//! the sources of the ranges are written there).
//!
//! Nothing here decides whether checkups may be shown: that is the consent
//! decision, taken before any of this data reaches the caller.

use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use crate::medical::{Checkup, CheckupItem, CheckupResults};

const ITEMS_TABLE: &str = include_str!("../../../assets/tables/checkup_items.tsv");

/// A key checkup measure (one row of `checkup_items.tsv`).
#[derive(Debug, Clone, PartialEq)]
pub struct Measure {
    /// Its id; the name on screen is the message `checkup-measure-<key>`.
    pub key: String,
    codes: Vec<String>,
    names: Vec<String>,
    pub unit: String,
    pub low: Option<f64>,
    pub high: Option<f64>,
}

impl Measure {
    /// Is `value` inside the reference range (always, when there is none)?
    pub fn in_range(&self, value: f64) -> bool {
        self.low.is_none_or(|l| value >= l) && self.high.is_none_or(|h| value < h)
    }

    /// The item of a checkup that carries this measure: the first preferred
    /// code present, else an item whose name means it.
    fn find<'a>(&self, checkup: &'a Checkup) -> Option<&'a CheckupItem> {
        self.codes
            .iter()
            .find_map(|c| checkup.items.iter().find(|i| i.code.trim() == c))
            .or_else(|| {
                checkup.items.iter().find(|i| {
                    !self.codes.contains(&i.code.trim().to_string())
                        && i.name.as_deref().is_some_and(|n| self.names.contains(&fold_name(n)))
                })
            })
    }
}

/// Item names compared without width, spaces or bracket forms mattering.
fn fold_name(s: &str) -> String {
    s.nfkc().filter(|c| !c.is_whitespace()).collect()
}

fn parse_bound(s: &str) -> Result<Option<f64>, String> {
    match s.trim() {
        "-" => Ok(None),
        v => v.parse().map(Some).map_err(|_| format!("not a number: {v:?}")),
    }
}

/// Parses the table; errors name the line. Used by [`measures`] and by the
/// tests that check the shipped table.
pub fn parse_measures(table: &str) -> Result<Vec<Measure>, String> {
    let mut out = Vec::new();
    for (n, line) in table.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let [key, codes, names, unit, low, high] = cols[..] else {
            return Err(format!("line {}: expected 6 tab-separated columns, found {}", n + 1, cols.len()));
        };
        let list = |s: &str| s.split(',').map(str::trim).filter(|x| !x.is_empty()).map(String::from).collect::<Vec<_>>();
        let m = Measure {
            key: key.trim().into(),
            codes: list(codes),
            names: list(names).iter().map(|x| fold_name(x)).collect(),
            unit: unit.trim().into(),
            low: parse_bound(low).map_err(|e| format!("line {}: {e}", n + 1))?,
            high: parse_bound(high).map_err(|e| format!("line {}: {e}", n + 1))?,
        };
        if m.key.is_empty() || (m.codes.is_empty() && m.names.is_empty()) {
            return Err(format!("line {}: a measure needs a key and a code or a name", n + 1));
        }
        out.push(m);
    }
    Ok(out)
}

/// The key measures, in the order the table lists them (the order of the charts).
pub fn measures() -> &'static [Measure] {
    static M: OnceLock<Vec<Measure>> = OnceLock::new();
    M.get_or_init(|| parse_measures(ITEMS_TABLE).expect("assets/tables/checkup_items.tsv is valid (tested)"))
}

/// A numeric value as written in a checkup file (`DataValue`), full-width
/// digits allowed.
pub fn numeric(value: &str) -> Option<f64> {
    let v: String = value.nfkc().filter(|c| !c.is_whitespace()).collect();
    v.parse::<f64>().ok().filter(|x| x.is_finite())
}

/// One value of a trend.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendPoint {
    pub date: NaiveDate,
    pub value: f64,
    /// Outside the reference range.
    pub out_of_range: bool,
    /// Not in the file but computed (BMI from height and weight).
    pub computed: bool,
}

/// One key measure over time, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trend {
    pub key: String,
    pub unit: String,
    pub low: Option<f64>,
    pub high: Option<f64>,
    pub points: Vec<TrendPoint>,
}

/// The key measures of the checkups done within `years` years before `today`
/// (the national system keeps five), each as a trend, in the table's order;
/// measures without any value are left out. BMI missing from a checkup is
/// computed from its weight and the nearest height measured (marked so).
pub fn trends(results: &CheckupResults, today: NaiveDate, years: u32) -> Vec<Trend> {
    let from = today.with_year(today.year() - years as i32).unwrap_or(today - chrono::Duration::days(365 * years as i64));
    let mut checkups: Vec<&Checkup> =
        results.checkups.iter().filter(|c| c.date.is_some_and(|d| d > from && d <= today)).collect();
    checkups.sort_by_key(|c| c.date);
    let height = measure_value_by_code(&checkups, "9N001000000000001", "身長");
    measures()
        .iter()
        .filter_map(|m| {
            let points: Vec<TrendPoint> = checkups
                .iter()
                .filter_map(|c| {
                    let date = c.date?;
                    let found = m.find(c).and_then(|i| i.value.as_deref()).and_then(numeric);
                    let (value, computed) = match (found, m.key.as_str()) {
                        (Some(v), _) => (v, false),
                        (None, "bmi") => (computed_bmi(c, date, &height)?, true),
                        _ => return None,
                    };
                    Some(TrendPoint { date, value, out_of_range: !m.in_range(value), computed })
                })
                .collect();
            (!points.is_empty()).then(|| Trend { key: m.key.clone(), unit: m.unit.clone(), low: m.low, high: m.high, points })
        })
        .collect()
}

/// (date, value) of an item in every checkup that has it.
fn measure_value_by_code(checkups: &[&Checkup], code: &str, name: &str) -> Vec<(NaiveDate, f64)> {
    let name = fold_name(name);
    checkups
        .iter()
        .filter_map(|c| {
            let item = c
                .items
                .iter()
                .find(|i| i.code.trim() == code || i.name.as_deref().is_some_and(|n| fold_name(n) == name))?;
            Some((c.date?, numeric(item.value.as_deref()?)?))
        })
        .collect()
}

/// BMI = weight / height², the height taken from the checkup nearest in time
/// (adults' height barely changes; checkups often measure it once).
fn computed_bmi(c: &Checkup, date: NaiveDate, heights: &[(NaiveDate, f64)]) -> Option<f64> {
    let weight = measures().iter().find(|m| m.key == "weight")?.find(c)?.value.as_deref().and_then(numeric)?;
    let (_, cm) = heights.iter().min_by_key(|(d, _)| (*d - date).num_days().abs())?;
    if *cm < 50.0 || weight <= 0.0 {
        return None;
    }
    let m = cm / 100.0;
    Some(((weight / (m * m)) * 10.0).round() / 10.0)
}

/// Where a trend chart draws (SVG user units): the plot area inside the
/// frame's margins.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChartFrame {
    pub width: f64,
    pub height: f64,
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
}

/// A trend laid out for drawing: what the window's SVG is made of. Pure
/// geometry, so it is computed (and measured: `benches/render.rs`) outside
/// the window.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartGeometry {
    /// The value range of the y axis (padded around the values and the band).
    pub lo: f64,
    pub hi: f64,
    /// The padding added on each side (the axis labels show `lo + pad` and `hi - pad`).
    pub pad: f64,
    /// The reference band (top y, bottom y) when the measure has a range.
    pub band: Option<(f64, f64)>,
    /// `x,y x,y …` of the line through the points.
    pub polyline: String,
    /// Each point's position, in the trend's order.
    pub points: Vec<(f64, f64)>,
    /// A vertical grid line at each 1 January after `from`: (year, x).
    pub years: Vec<(i32, f64)>,
}

/// Lays out `t` over `from..=today` in `frame`.
pub fn chart_geometry(t: &Trend, from: NaiveDate, today: NaiveDate, frame: ChartFrame) -> ChartGeometry {
    let values = t.points.iter().map(|p| p.value).chain(t.low).chain(t.high);
    let (mut lo, mut hi) = values.fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(v), b.max(v)));
    if lo > hi {
        (lo, hi) = (0.0, 1.0);
    }
    let pad = ((hi - lo) * 0.15).max(hi.abs() * 0.02).max(0.5);
    lo -= pad;
    hi += pad;
    let span = (today - from).num_days().max(1) as f64;
    let plot_w = frame.width - frame.left - frame.right;
    let plot_h = frame.height - frame.top - frame.bottom;
    let x = |d: NaiveDate| frame.left + plot_w * ((d - from).num_days() as f64 / span).clamp(0.0, 1.0);
    let y = |v: f64| frame.top + plot_h * (1.0 - (v - lo) / (hi - lo));
    let band = (t.low.is_some() || t.high.is_some()).then(|| (y(t.high.unwrap_or(hi)), y(t.low.unwrap_or(lo))));
    let points: Vec<(f64, f64)> = t.points.iter().map(|p| (x(p.date), y(p.value))).collect();
    let polyline = points.iter().map(|(px, py)| format!("{px:.1},{py:.1}")).collect::<Vec<_>>().join(" ");
    let years = (from.year() + 1..=today.year())
        .filter_map(|yr| NaiveDate::from_ymd_opt(yr, 1, 1).map(|d| (yr, x(d))))
        .collect();
    ChartGeometry { lo, hi, pad, band, polyline, points, years }
}

/// A coded result stated in words (メタボリックシンドローム判定, 医師の判断…).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Judgement {
    pub date: Option<NaiveDate>,
    pub item: String,
    pub text: String,
}

/// The coded items that carry a label, newest first: judgements are read as
/// text, never drawn.
pub fn judgements(results: &CheckupResults) -> Vec<Judgement> {
    let mut out: Vec<Judgement> = results
        .checkups
        .iter()
        .flat_map(|c| {
            c.items.iter().filter(|i| i.data_type.as_deref() == Some("CD")).filter_map(move |i| {
                Some(Judgement {
                    date: c.date,
                    item: i.name.clone().unwrap_or_else(|| i.code.clone()),
                    text: i.value_name.clone().or_else(|| i.value.clone())?,
                })
            })
        })
        .collect();
    out.sort_by(|a, b| b.date.cmp(&a.date));
    out
}

/// Each year's values side by side: one column per checkup (newest first),
/// one row per item (in the order items first appear, newest checkup first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearTable {
    pub dates: Vec<Option<NaiveDate>>,
    pub rows: Vec<YearRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearRow {
    pub code: String,
    pub name: String,
    pub unit: Option<String>,
    /// The value as written (or its label), per column; `None` where that
    /// checkup did not measure it.
    pub values: Vec<Option<String>>,
}

pub fn year_table(results: &CheckupResults) -> YearTable {
    let mut checkups: Vec<&Checkup> = results.checkups.iter().collect();
    checkups.sort_by(|a, b| b.date.cmp(&a.date));
    let mut rows: Vec<YearRow> = Vec::new();
    for (col, c) in checkups.iter().enumerate() {
        for i in &c.items {
            let idx = match rows.iter().position(|r| r.code == i.code) {
                Some(x) => x,
                None => {
                    rows.push(YearRow {
                        code: i.code.clone(),
                        name: i.name.clone().unwrap_or_else(|| i.code.clone()),
                        unit: i.unit.clone(),
                        values: vec![None; checkups.len()],
                    });
                    rows.len() - 1
                }
            };
            let shown = i.value_name.clone().or_else(|| i.value.clone());
            if rows[idx].values[col].is_none() {
                rows[idx].values[col] = shown;
            }
            if rows[idx].unit.is_none() {
                rows[idx].unit = i.unit.clone();
            }
        }
    }
    YearTable { dates: checkups.iter().map(|c| c.date).collect(), rows }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_table_parses_and_keys_are_unique() {
        let m = parse_measures(ITEMS_TABLE).unwrap();
        assert!(m.len() >= 10);
        let mut keys: Vec<&str> = m.iter().map(|x| x.key.as_str()).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), m.len());
        for x in &m {
            if let (Some(l), Some(h)) = (x.low, x.high) {
                assert!(l < h, "{}", x.key);
            }
        }
    }

    #[test]
    fn bad_tables_name_the_line() {
        assert!(parse_measures("a\tb\n").unwrap_err().starts_with("line 1"));
        assert!(parse_measures("# c\nk\t1\tn\tu\tx\t-\n").unwrap_err().contains("line 2"));
    }
}
