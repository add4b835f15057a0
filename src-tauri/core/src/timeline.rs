//! The medication timeline: dispensing lines from every source (claims,
//! electronic prescriptions, dispensing) grouped into continuous courses, newest
//! first, with a flag where the same ingredient comes from two facilities in
//! overlapping periods (a possible duplicate prescription, 重複投薬の可能性).
//!
//! Pure: the caller passes the history it was allowed to see (the consent
//! check happens before any history exists at the desk).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::medical::{MedicationHistory, MedicationSource};

/// A dispensing that starts within this many days after the previous one's
/// supply ran out continues the same course (late refills are normal).
pub const CONTINUATION_GRACE_DAYS: u64 = 14;

/// One line: a drug dispensed (or prescribed) on a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DispensingLine {
    pub date: NaiveDate,
    pub drug_code: Option<String>,
    pub drug_name: String,
    pub ingredient: Option<String>,
    pub dose: Option<String>,
    pub usage: Option<String>,
    /// Days of supply (内服) or times (頓服・外用); 1 when unknown.
    pub days: u32,
    pub facility: Option<String>,
    pub prescriber: Option<String>,
    pub source: MedicationSource,
}

/// Consecutive dispensings of one drug from one prescriber.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Course {
    pub drug_name: String,
    pub ingredient: Option<String>,
    pub dose: Option<String>,
    pub usage: Option<String>,
    pub first: NaiveDate,
    pub last: NaiveDate,
    /// The last day covered by the supply (last dispensing + its days − 1).
    pub covered_until: NaiveDate,
    pub total_days: u32,
    pub dispensings: u32,
    pub prescriber: Option<String>,
    pub facilities: Vec<String>,
    /// Indices (in the returned list) of courses of the same ingredient from
    /// another prescriber that overlap this one.
    pub overlaps_with: Vec<usize>,
}

impl Course {
    pub fn possible_duplicate(&self) -> bool {
        !self.overlaps_with.is_empty()
    }
}

/// Which source wins when several report the same drug on the same day at the
/// same facility: claims (レセプト) over dispensing (調剤) over prescription
/// (処方), as other software against the real system does
/// (`OQS-INTERFACE.md`, "Medication and checkups"). Lower wins.
pub fn source_rank(source: MedicationSource) -> u8 {
    match source {
        MedicationSource::Claims => 0,
        MedicationSource::Dispensing => 1,
        MedicationSource::Prescription => 2,
    }
}

/// Every drug line of a history, deduplicated: the same drug on the same day
/// at the same facility reported by several sources counts once, as the line
/// of the source that wins by [`source_rank`]. A line without a dispensing
/// facility (a prescription) is placed by its prescriber.
pub fn lines(history: &MedicationHistory) -> Vec<DispensingLine> {
    type Key = (NaiveDate, String, Option<String>);
    let facility_of = |f: &crate::medical::Facility| f.name.clone().or(f.code.clone());
    let key_of = |month: &crate::medical::MedicationMonth, day: &crate::medical::MedicationDay, drug: &crate::medical::Drug| -> Option<Key> {
        let date = day.dispensed_on.or(day.prescribed_on)?;
        let name = drug.name.clone().or(drug.code.clone()).unwrap_or_default();
        if name.is_empty() {
            return None;
        }
        let place = facility_of(&month.dispensing_facility).or(facility_of(&month.prescribing_facility));
        Some((date, drug.code.clone().unwrap_or(name), place))
    };
    // First pass: the winning source for each key.
    let mut best: BTreeMap<Key, u8> = BTreeMap::new();
    for month in &history.months {
        for day in &month.days {
            for drug in &day.drugs {
                if let Some(key) = key_of(month, day, drug) {
                    let rank = source_rank(month.source);
                    best.entry(key).and_modify(|r| *r = (*r).min(rank)).or_insert(rank);
                }
            }
        }
    }
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for month in &history.months {
        let facility = facility_of(&month.dispensing_facility);
        let prescriber = facility_of(&month.prescribing_facility);
        for day in &month.days {
            for drug in &day.drugs {
                let Some(key) = key_of(month, day, drug) else { continue };
                if best.get(&key) != Some(&source_rank(month.source)) || !seen.insert(key.clone()) {
                    continue;
                }
                let (date, name) = (key.0, drug.name.clone().or(drug.code.clone()).unwrap_or_default());
                let dose = match (&drug.quantity, &drug.unit) {
                    (Some(q), Some(u)) => Some(format!("{q}{u}")),
                    (Some(q), None) => Some(q.clone()),
                    _ => None,
                };
                out.push(DispensingLine {
                    date,
                    drug_code: drug.code.clone(),
                    drug_name: name,
                    ingredient: drug.ingredient.clone(),
                    dose,
                    usage: drug.usage.clone(),
                    days: drug
                        .times
                        .as_deref()
                        .and_then(|t| crate::digits::to_halfwidth(t).trim().parse().ok())
                        .filter(|d| *d > 0)
                        .unwrap_or(1),
                    facility: facility.clone(),
                    prescriber: prescriber.clone(),
                    source: month.source,
                });
            }
        }
    }
    out
}

/// Courses, newest first, with possible duplicates marked.
pub fn courses(lines: &[DispensingLine]) -> Vec<Course> {
    // Group by drug and prescriber, in date order.
    let mut groups: BTreeMap<(String, Option<String>), Vec<&DispensingLine>> = BTreeMap::new();
    for l in lines {
        let drug = l.drug_code.clone().unwrap_or_else(|| l.drug_name.clone());
        groups.entry((drug, l.prescriber.clone())).or_default().push(l);
    }
    let mut out: Vec<Course> = Vec::new();
    for (_, mut ls) in groups {
        ls.sort_by_key(|l| l.date);
        let mut current: Option<Course> = None;
        for l in ls {
            let end = l.date + Days::new(u64::from(l.days.max(1)) - 1);
            match current.as_mut() {
                Some(c) if l.date <= c.covered_until + Days::new(CONTINUATION_GRACE_DAYS + 1) => {
                    c.last = l.date;
                    c.covered_until = c.covered_until.max(end);
                    c.total_days += l.days;
                    c.dispensings += 1;
                    c.dose = l.dose.clone().or(c.dose.take());
                    c.usage = l.usage.clone().or(c.usage.take());
                    if let Some(f) = &l.facility {
                        if !c.facilities.contains(f) {
                            c.facilities.push(f.clone());
                        }
                    }
                }
                _ => {
                    out.extend(current.take());
                    current = Some(Course {
                        drug_name: l.drug_name.clone(),
                        ingredient: l.ingredient.clone(),
                        dose: l.dose.clone(),
                        usage: l.usage.clone(),
                        first: l.date,
                        last: l.date,
                        covered_until: end,
                        total_days: l.days,
                        dispensings: 1,
                        prescriber: l.prescriber.clone(),
                        facilities: l.facility.clone().into_iter().collect(),
                        overlaps_with: Vec::new(),
                    });
                }
            }
        }
        out.extend(current);
    }
    out.sort_by(|a, b| b.last.cmp(&a.last).then(b.first.cmp(&a.first)).then(a.drug_name.cmp(&b.drug_name)));
    // Same ingredient, another prescriber, overlapping supply.
    for i in 0..out.len() {
        for j in 0..out.len() {
            if i == j {
                continue;
            }
            let (a, b) = (&out[i], &out[j]);
            let same_ingredient = match (&a.ingredient, &b.ingredient) {
                (Some(x), Some(y)) => ingredient_key(x) == ingredient_key(y),
                _ => false,
            };
            let other_prescriber = a.prescriber != b.prescriber;
            let overlap = a.first <= b.covered_until && b.first <= a.covered_until;
            if same_ingredient && other_prescriber && overlap {
                out[i].overlaps_with.push(j);
            }
        }
    }
    out
}

/// Courses still running on or after `since` (the period filter: 3 months,
/// 1 year, 5 years before today).
pub fn since(courses: &[Course], since: NaiveDate) -> Vec<Course> {
    courses.iter().filter(|c| c.covered_until >= since).cloned().collect()
}

fn ingredient_key(s: &str) -> String {
    crate::digits::to_halfwidth(s).chars().filter(|c| !c.is_whitespace()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn line(date: &str, drug: &str, ingredient: &str, days: u32, prescriber: &str) -> DispensingLine {
        DispensingLine {
            date: d(date),
            drug_code: Some(drug.into()),
            drug_name: drug.into(),
            ingredient: Some(ingredient.into()),
            dose: Some("1錠".into()),
            usage: Some("1日1回".into()),
            days,
            facility: Some("薬局A".into()),
            prescriber: Some(prescriber.into()),
            source: MedicationSource::Claims,
        }
    }

    /// One month holding one drug on 2026-05-01, from `source`, dispensed at
    /// `pharmacy` and prescribed by 内科.
    fn month(source: MedicationSource, pharmacy: Option<&str>, drug: &str) -> crate::medical::MedicationMonth {
        let mut m = crate::medical::MedicationMonth::new(source);
        m.dispensing_facility.name = pharmacy.map(str::to_owned);
        m.prescribing_facility.name = Some("内科".into());
        m.days.push(crate::medical::MedicationDay {
            dispensed_on: Some(d("2026-05-01")),
            drugs: vec![crate::medical::Drug { code: Some(drug.into()), name: Some(drug.into()), times: Some("14".into()), ..Default::default() }],
            ..Default::default()
        });
        m
    }

    #[test]
    fn the_same_dispensing_from_several_sources_counts_once_claims_over_dispensing_over_prescription() {
        use MedicationSource::{Claims, Dispensing, Prescription};
        // (the months of the history, in answer order) → (drug, source) of each line kept
        let table: &[(&[(MedicationSource, Option<&str>, &str)], &[(&str, MedicationSource)])] = &[
            // The three sources for one dispensing: the claim stays, whatever the order.
            (&[(Prescription, Some("薬局A"), "X"), (Dispensing, Some("薬局A"), "X"), (Claims, Some("薬局A"), "X")], &[("X", Claims)]),
            (&[(Claims, Some("薬局A"), "X"), (Prescription, Some("薬局A"), "X")], &[("X", Claims)]),
            // Without a claim, dispensing wins over the prescription.
            (&[(Prescription, Some("薬局A"), "X"), (Dispensing, Some("薬局A"), "X")], &[("X", Dispensing)]),
            // Another pharmacy the same day is another dispensing: both stay.
            (&[(Claims, Some("薬局A"), "X"), (Dispensing, Some("薬局B"), "X")], &[("X", Claims), ("X", Dispensing)]),
            // Another drug: both stay.
            (&[(Claims, Some("薬局A"), "X"), (Dispensing, Some("薬局A"), "Y")], &[("X", Claims), ("Y", Dispensing)]),
            // A prescription without a pharmacy is placed by its prescriber.
            (&[(Prescription, None, "X"), (Prescription, None, "X")], &[("X", Prescription)]),
        ];
        for (months, want) in table {
            let history = MedicationHistory {
                months: months.iter().map(|(s, p, drug)| month(*s, *p, drug)).collect(),
                ..Default::default()
            };
            let got: Vec<(String, MedicationSource)> = lines(&history).into_iter().map(|l| (l.drug_name, l.source)).collect();
            let want: Vec<(String, MedicationSource)> = want.iter().map(|(n, s)| (n.to_string(), *s)).collect();
            assert_eq!(got, want, "months {months:?}");
        }
    }

    #[test]
    fn repeated_refills_make_one_course() {
        let ls = vec![
            line("2026-01-10", "アムロジピン5", "アムロジピン", 28, "内科"),
            line("2026-02-06", "アムロジピン5", "アムロジピン", 28, "内科"),
            // 10 days late: still the same course.
            line("2026-03-15", "アムロジピン5", "アムロジピン", 28, "内科"),
        ];
        let cs = courses(&ls);
        assert_eq!(cs.len(), 1);
        let c = &cs[0];
        assert_eq!((c.first, c.last, c.total_days, c.dispensings), (d("2026-01-10"), d("2026-03-15"), 84, 3));
        assert_eq!(c.covered_until, d("2026-04-11"));
        assert!(!c.possible_duplicate());
    }

    #[test]
    fn a_long_gap_starts_a_new_course_and_newest_comes_first() {
        let ls = vec![
            line("2025-01-10", "X", "x", 14, "内科"),
            line("2025-06-01", "X", "x", 14, "内科"),
        ];
        let cs = courses(&ls);
        assert_eq!(cs.len(), 2);
        assert_eq!(cs[0].first, d("2025-06-01"));
        assert_eq!(cs[1].first, d("2025-01-10"));
    }

    #[test]
    fn the_same_ingredient_from_two_prescribers_at_once_is_flagged() {
        let ls = vec![
            line("2026-05-01", "ロキソプロフェン錠", "ロキソプロフェンナトリウム", 14, "整形外科"),
            line("2026-05-08", "ロキソニン錠", "ロキソプロフェンナトリウム", 7, "内科"),
            // Same ingredient, another prescriber, but months later: no flag.
            line("2026-09-01", "ロキソニン錠", "ロキソプロフェンナトリウム", 7, "歯科"),
        ];
        let cs = courses(&ls);
        assert_eq!(cs.len(), 3);
        let flagged: Vec<_> = cs.iter().filter(|c| c.possible_duplicate()).map(|c| c.prescriber.clone().unwrap()).collect();
        assert_eq!(flagged.len(), 2, "{cs:?}");
        assert!(flagged.contains(&"整形外科".to_string()) && flagged.contains(&"内科".to_string()));
        let dental = cs.iter().find(|c| c.prescriber.as_deref() == Some("歯科")).unwrap();
        assert!(!dental.possible_duplicate());
    }

    #[test]
    fn the_same_prescriber_twice_is_not_a_duplicate() {
        let ls = vec![
            line("2026-05-01", "A錠", "成分", 30, "内科"),
            line("2026-05-01", "A錠", "成分", 30, "内科"),
        ];
        let cs = courses(&ls);
        assert_eq!(cs.len(), 1);
        assert!(!cs[0].possible_duplicate());
    }

    #[test]
    fn the_period_filter_keeps_what_still_ran() {
        let ls = vec![line("2020-01-01", "A", "a", 30, "内科"), line("2026-10-01", "B", "b", 30, "内科")];
        let cs = courses(&ls);
        assert_eq!(since(&cs, d("2026-08-22")).len(), 1);
        assert_eq!(since(&cs, d("2021-11-22")).len(), 1);
        assert_eq!(since(&cs, d("2019-11-22")).len(), 2);
    }
}
