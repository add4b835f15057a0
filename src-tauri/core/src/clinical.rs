//! 診療情報 (clinical history) and 手術情報 (operations), grouped for display:
//! which facilities the patient visited and when, and what was done there —
//! each 診療行為 classified (visits, management fees, home care, dialysis,
//! imaging, pathology, radiotherapy, surgery incl. transplant and
//! transfusion …).
//!
//! The national system sends 診療情報 inside the medication answer
//! (`YZKsiquc01res` asked with `FileCategory` 4): `MeTrInfs/MeTrInf` entries
//! {SinInfN, SinInfCd, MeTrIdCl, Qua1, Times, Unit} in each month block of a
//! facility (`shared/OQS-INTERFACE.md`). The entries carry no day: a visit is
//! known by its facility and 診療年月; the days are known only where the same
//! block holds prescriptions (their 処方年月日).
//!
//! # Two categories, two consents
//!
//! Operations (手術, 輸血, 移植, 麻酔: [`ProcedureKind::is_operation`]) are
//! 手術情報 and need the operations consent; everything else is 診療情報 and
//! needs the clinical consent (`consent` module: the categories are
//! independent). [`permitted`] is the one way from entries to something that
//! may be shown, kept or printed: it takes the [`ConsentGrant`]s that only
//! `consent::decide` makes and drops every entry no grant covers. Which words
//! and codes make an entry what is the table `assets/tables/clinical_procedures.tsv`.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::consent::{ConsentGrant, Purpose, Refusal, RefusalReason};
use crate::eligibility::{ConsentCategory, ProcessingError};
use crate::medical::{ClinicalEntry, Facility, MedicalPatientHeader, MedicationHistory, MedicationSource, YearMonth};

const TABLE: &str = include_str!("../../../assets/tables/clinical_procedures.tsv");

/// What kind of 診療行為 an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProcedureKind {
    /// 初診
    FirstVisit,
    /// 再診
    Revisit,
    /// 医学管理 (management fees)
    Management,
    /// 在宅 (home care and its guidance)
    HomeCare,
    /// 投薬
    Medication,
    /// 注射
    Injection,
    /// 処置
    Treatment,
    /// 人工透析 (a 処置)
    Dialysis,
    /// 手術
    Surgery,
    /// 移植 (a 手術)
    Transplant,
    /// 輸血 (a 手術)
    Transfusion,
    /// 麻酔
    Anaesthesia,
    /// 検査
    Examination,
    /// 病理診断
    Pathology,
    /// 画像診断
    Imaging,
    /// 放射線治療
    Radiotherapy,
    /// リハビリテーション
    Rehabilitation,
    /// 入院
    Inpatient,
    /// その他
    Other,
}

impl ProcedureKind {
    pub const ALL: [ProcedureKind; 19] = [
        ProcedureKind::FirstVisit,
        ProcedureKind::Revisit,
        ProcedureKind::Management,
        ProcedureKind::HomeCare,
        ProcedureKind::Medication,
        ProcedureKind::Injection,
        ProcedureKind::Treatment,
        ProcedureKind::Dialysis,
        ProcedureKind::Surgery,
        ProcedureKind::Transplant,
        ProcedureKind::Transfusion,
        ProcedureKind::Anaesthesia,
        ProcedureKind::Examination,
        ProcedureKind::Pathology,
        ProcedureKind::Imaging,
        ProcedureKind::Radiotherapy,
        ProcedureKind::Rehabilitation,
        ProcedureKind::Inpatient,
        ProcedureKind::Other,
    ];

    /// The name in the table, in JSON and in message ids (`clinical-kind-<name>`).
    pub fn as_str(self) -> &'static str {
        match self {
            ProcedureKind::FirstVisit => "first_visit",
            ProcedureKind::Revisit => "revisit",
            ProcedureKind::Management => "management",
            ProcedureKind::HomeCare => "home_care",
            ProcedureKind::Medication => "medication",
            ProcedureKind::Injection => "injection",
            ProcedureKind::Treatment => "treatment",
            ProcedureKind::Dialysis => "dialysis",
            ProcedureKind::Surgery => "surgery",
            ProcedureKind::Transplant => "transplant",
            ProcedureKind::Transfusion => "transfusion",
            ProcedureKind::Anaesthesia => "anaesthesia",
            ProcedureKind::Examination => "examination",
            ProcedureKind::Pathology => "pathology",
            ProcedureKind::Imaging => "imaging",
            ProcedureKind::Radiotherapy => "radiotherapy",
            ProcedureKind::Rehabilitation => "rehabilitation",
            ProcedureKind::Inpatient => "inpatient",
            ProcedureKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }

    /// 手術情報: needs the operations consent.
    pub fn is_operation(self) -> bool {
        matches!(
            self,
            ProcedureKind::Surgery
                | ProcedureKind::Transplant
                | ProcedureKind::Transfusion
                | ProcedureKind::Anaesthesia
        )
    }

    /// The consent category an entry of this kind needs.
    pub fn category(self) -> ConsentCategory {
        if self.is_operation() {
            ConsentCategory::Operations
        } else {
            ConsentCategory::Clinical
        }
    }

    /// Worth a mark on the facility's line (what a doctor looks for first):
    /// dialysis, operations, imaging, pathology, radiotherapy, home care,
    /// inpatient stays.
    pub fn is_notable(self) -> bool {
        self.is_operation()
            || matches!(
                self,
                ProcedureKind::Dialysis
                    | ProcedureKind::Imaging
                    | ProcedureKind::Pathology
                    | ProcedureKind::Radiotherapy
                    | ProcedureKind::HomeCare
                    | ProcedureKind::Inpatient
            )
    }
}

/// The classification table, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classifier {
    codes: Vec<(u32, u32, ProcedureKind)>,
    /// (word, within: `None` = no known 診療識別, kind)
    words: Vec<(String, Option<ProcedureKind>, ProcedureKind)>,
}

impl Classifier {
    /// Reads a table in the form of `clinical_procedures.tsv`; every problem
    /// names its line.
    pub fn parse(table: &str) -> Result<Classifier, String> {
        let mut codes = Vec::new();
        let mut words = Vec::new();
        for (i, line) in table.lines().enumerate() {
            let n = i + 1;
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            let cells: Vec<&str> = line.split('\t').collect();
            let kind = |s: &str| ProcedureKind::parse(s).ok_or_else(|| format!("line {n}: unknown kind {s:?}"));
            match cells.as_slice() {
                ["code", from, to, k] => {
                    let num = |s: &str| s.trim().parse::<u32>().map_err(|_| format!("line {n}: not a code {s:?}"));
                    let (from, to) = (num(from)?, num(to)?);
                    if from > to {
                        return Err(format!("line {n}: {from} > {to}"));
                    }
                    codes.push((from, to, kind(k)?));
                }
                ["word", w, within, k] => {
                    if w.trim().is_empty() {
                        return Err(format!("line {n}: empty word"));
                    }
                    let within = if within.trim() == "none" { None } else { Some(kind(within)?) };
                    words.push((w.trim().to_string(), within, kind(k)?));
                }
                _ => return Err(format!("line {n}: expected `code FROM TO KIND` or `word WORD WITHIN KIND`")),
            }
        }
        Ok(Classifier { codes, words })
    }

    /// The kind of an entry from its 診療識別 (`MeTrIdCl`) and name.
    pub fn classify(&self, category: Option<&str>, name: &str) -> ProcedureKind {
        let by_code = category
            .map(crate::digits::to_halfwidth)
            .and_then(|c| c.trim().parse::<u32>().ok())
            .and_then(|c| self.codes.iter().find(|(f, t, _)| (*f..=*t).contains(&c)).map(|r| r.2));
        self.words
            .iter()
            .find(|(w, within, _)| *within == by_code && name.contains(w.as_str()))
            .map(|r| r.2)
            .or(by_code)
            .unwrap_or(ProcedureKind::Other)
    }
}

/// The table embedded from `assets/tables/clinical_procedures.tsv`.
pub fn classifier() -> &'static Classifier {
    static C: OnceLock<Classifier> = OnceLock::new();
    C.get_or_init(|| Classifier::parse(TABLE).expect("assets/tables/clinical_procedures.tsv is valid (tested)"))
}

/// One 診療行為 entry with where and when it was done: the flat form that is
/// filtered by consent ([`permitted`]) and kept in the local store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClinicalLine {
    /// 診療年月
    pub month: Option<YearMonth>,
    /// The facility that did it (the prescribing facility of the block, else
    /// the one the block names as dispensing: a hospital's own block names
    /// itself).
    pub facility: Facility,
    /// Visit days known (処方年月日 of prescriptions the facility wrote that
    /// month; empty when it wrote none: claims give the month only).
    pub days: Vec<NaiveDate>,
    pub kind: ProcedureKind,
    /// 診療行為名 (`SinInfN`; the code when the name is missing)
    pub name: String,
    /// 診療行為コード (`SinInfCd`)
    pub code: Option<String>,
    /// 診療識別 (`MeTrIdCl`) as written
    pub category: Option<String>,
    pub quantity: Option<String>,
    /// 回数 (`Times`)
    pub times: Option<String>,
    pub unit: Option<String>,
    pub source: MedicationSource,
}

/// Every clinical entry of a medication answer, classified, in file order.
/// Not for display as it is: [`permitted`] decides what of it may be used.
pub fn lines(history: &MedicationHistory) -> Vec<ClinicalLine> {
    let c = classifier();
    let facility_of = |m: &crate::medical::MedicationMonth| {
        if m.prescribing_facility.is_empty() {
            m.dispensing_facility.clone()
        } else {
            m.prescribing_facility.clone()
        }
    };
    // Visit days: the 処方年月日 of prescriptions written by that facility
    // that month, in any block (a pharmacy's claim names the prescriber).
    let mut visit_days: BTreeMap<(FacilityKey, Option<YearMonth>), Vec<NaiveDate>> = BTreeMap::new();
    for m in &history.months {
        let f = facility_of(m);
        if f.is_empty() {
            continue;
        }
        let days = visit_days.entry((facility_key(&f), m.month)).or_default();
        for d in m.days.iter().filter_map(|d| d.prescribed_on) {
            if !days.contains(&d) && m.month.is_none_or(|ym| YearMonth::of(d) == Some(ym)) {
                days.push(d);
            }
        }
        days.sort();
    }
    let mut out = Vec::new();
    for m in &history.months {
        // Entries under a day (where real answers put them) are of that day;
        // the month's own entries are of the month's visit days.
        let of_days = m.days.iter().flat_map(|d| {
            let day = d.prescribed_on.or(d.dispensed_on);
            d.clinical.iter().map(move |e| (day.map(|x| vec![x]), e))
        });
        let entries: Vec<(Option<Vec<NaiveDate>>, &ClinicalEntry)> =
            m.clinical.iter().map(|e| (None, e)).chain(of_days).collect();
        if entries.is_empty() {
            continue;
        }
        let facility = facility_of(m);
        let month_days = visit_days.get(&(facility_key(&facility), m.month)).cloned().unwrap_or_default();
        for (day, e) in entries {
            let name = e.name.clone().or_else(|| e.code.clone()).unwrap_or_default();
            out.push(ClinicalLine {
                month: m.month,
                facility: facility.clone(),
                days: day.unwrap_or_else(|| month_days.clone()),
                kind: c.classify(e.category.as_deref(), &name),
                name,
                code: e.code.clone(),
                category: e.category.clone(),
                quantity: e.quantity.clone(),
                times: e.times.clone(),
                unit: e.unit.clone(),
                source: m.source,
            });
        }
    }
    out
}

/// Clinical lines that the grants given allow, and which categories they
/// cover. Only [`permitted`] makes one.
#[derive(Debug, PartialEq, Eq)]
pub struct Permitted {
    lines: Vec<ClinicalLine>,
    clinical: bool,
    operations: bool,
}

impl Permitted {
    /// The lines allowed (no operation among them unless
    /// [`Permitted::operations`]; nothing else unless [`Permitted::clinical`]).
    pub fn lines(&self) -> &[ClinicalLine] {
        &self.lines
    }
    /// Lines of one category (to keep each under its own consent).
    pub fn lines_of(&self, category: ConsentCategory) -> Vec<ClinicalLine> {
        self.lines.iter().filter(|l| l.kind.category() == category).cloned().collect()
    }
    pub fn clinical(&self) -> bool {
        self.clinical
    }
    pub fn operations(&self) -> bool {
        self.operations
    }
    /// Grouped for display ([`group`]).
    pub fn into_history(self, patient: MedicalPatientHeader, error: Option<ProcessingError>) -> ClinicalHistory {
        group(self, patient, error)
    }
}

/// The one gate from clinical entries to anything shown, kept or printed.
///
/// `clinical` and `operations` are grants from `consent::decide` for
/// `patient_key`, for categories 診療情報 and 手術情報, for `purpose`, valid
/// at `now` — each checked here ([`ConsentGrant::check`]); a grant that
/// does not pass refuses the whole request (it is a mistake of the caller,
/// not a consent to fall back from). Operations are kept only with the
/// operations grant, all other entries only with the clinical grant. With
/// neither grant: refused ([`RefusalReason::CategoryNotConsented`]).
pub fn permitted(
    lines: Vec<ClinicalLine>,
    patient_key: &str,
    clinical: Option<&ConsentGrant>,
    operations: Option<&ConsentGrant>,
    purpose: Purpose,
    now: NaiveDateTime,
) -> Result<Permitted, Refusal> {
    if clinical.is_none() && operations.is_none() {
        return Err(Refusal {
            category: ConsentCategory::Clinical,
            purpose,
            reason: RefusalReason::CategoryNotConsented,
        });
    }
    if let Some(g) = clinical {
        g.check(patient_key, ConsentCategory::Clinical, purpose, now)?;
    }
    if let Some(g) = operations {
        g.check(patient_key, ConsentCategory::Operations, purpose, now)?;
    }
    let (c, o) = (clinical.is_some(), operations.is_some());
    let lines = lines
        .into_iter()
        .filter(|l| if l.kind.is_operation() { o } else { c })
        .collect();
    Ok(Permitted { lines, clinical: c, operations: o })
}

/// One procedure as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Procedure {
    pub kind: ProcedureKind,
    pub name: String,
    pub code: Option<String>,
    /// 回数, with the unit when there is no quantity (`13回`, `1`)
    pub times: Option<String>,
    pub quantity: Option<String>,
}

/// One month at one facility.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitMonth {
    pub month: Option<YearMonth>,
    /// Visit days known (may be empty: claims give the month).
    pub days: Vec<NaiveDate>,
    pub procedures: Vec<Procedure>,
}

/// Everything at one facility, newest month first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacilityVisits {
    pub facility: Facility,
    pub first: Option<YearMonth>,
    pub last: Option<YearMonth>,
    /// The notable kinds seen there ([`ProcedureKind::is_notable`]), in enum order.
    pub notable: Vec<ProcedureKind>,
    pub months: Vec<VisitMonth>,
}

/// 診療情報 (and 手術情報 when allowed) grouped for display: by facility
/// (most recently visited first), then by month (newest first).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ClinicalHistory {
    pub patient: MedicalPatientHeader,
    pub facilities: Vec<FacilityVisits>,
    /// The entries of 診療情報 (everything but operations) are included.
    pub clinical_shown: bool,
    /// Operations are included (else left out: they need their own consent).
    pub operations_shown: bool,
    /// The national system answered without data.
    pub error: Option<ProcessingError>,
}

impl ClinicalHistory {
    /// Every procedure, for counting and tests.
    pub fn procedures(&self) -> impl Iterator<Item = &Procedure> {
        self.facilities.iter().flat_map(|f| &f.months).flat_map(|m| &m.procedures)
    }
    /// Months with any entry, over all facilities.
    pub fn visit_months(&self) -> usize {
        self.facilities.iter().map(|f| f.months.len()).sum()
    }
}

type FacilityKey = (Option<String>, Option<String>);

fn facility_key(f: &Facility) -> FacilityKey {
    match &f.code {
        Some(c) => (Some(c.clone()), None),
        None => (None, f.name.clone()),
    }
}

fn group(p: Permitted, patient: MedicalPatientHeader, error: Option<ProcessingError>) -> ClinicalHistory {
    type MonthKey = Option<YearMonth>;
    let mut by_facility: BTreeMap<FacilityKey, (Facility, BTreeMap<MonthKey, VisitMonth>)> = BTreeMap::new();
    for l in p.lines {
        let (facility, months) = by_facility
            .entry(facility_key(&l.facility))
            .or_insert_with(|| (l.facility.clone(), BTreeMap::new()));
        if facility.name.is_none() {
            facility.name = l.facility.name.clone();
        }
        let month = months.entry(l.month).or_insert_with(|| VisitMonth { month: l.month, days: Vec::new(), procedures: Vec::new() });
        for d in &l.days {
            if !month.days.contains(d) {
                month.days.push(*d);
            }
        }
        // The unit belongs to the quantity when there is one (400 mL, 180 分),
        // else to the count (13 回).
        let (times, quantity) = match (l.times, l.quantity, &l.unit) {
            (t, Some(q), Some(u)) => (t, Some(format!("{q}{u}"))),
            (Some(t), None, Some(u)) => (Some(format!("{t}{u}")), None),
            (t, q, _) => (t, q),
        };
        let procedure = Procedure { kind: l.kind, name: l.name, code: l.code, times, quantity };
        // Two sources reporting the same entry: once.
        if !month.procedures.contains(&procedure) {
            month.procedures.push(procedure);
        }
    }
    let mut facilities: Vec<FacilityVisits> = by_facility
        .into_values()
        .map(|(facility, months)| {
            let mut months: Vec<VisitMonth> = months.into_values().rev().collect();
            for m in &mut months {
                m.days.sort();
                m.procedures.sort_by_key(|p| p.kind);
            }
            let notable = notable_of(months.iter());
            FacilityVisits {
                facility,
                first: months.iter().filter_map(|m| m.month).min(),
                last: months.iter().filter_map(|m| m.month).max(),
                notable,
                months,
            }
        })
        .collect();
    facilities.sort_by(|a, b| b.last.cmp(&a.last).then_with(|| a.facility.name.cmp(&b.facility.name)));
    ClinicalHistory {
        patient,
        facilities,
        clinical_shown: p.clinical,
        operations_shown: p.operations,
        error,
    }
}

/// Only the entries (and months) of `since` or later; facilities left
/// without a month disappear, and each facility's first and last month and
/// notable kinds are those of the months kept (the header says what the
/// rows show). Months without a 診療年月 are outside every period.
pub fn since(history: &ClinicalHistory, since: YearMonth) -> ClinicalHistory {
    let mut h = history.clone();
    for f in &mut h.facilities {
        f.months.retain(|m| m.month.is_some_and(|m| m >= since));
        f.first = f.months.iter().filter_map(|m| m.month).min();
        f.last = f.months.iter().filter_map(|m| m.month).max();
        f.notable = notable_of(f.months.iter());
    }
    h.facilities.retain(|f| !f.months.is_empty());
    h
}

fn notable_of<'a>(months: impl Iterator<Item = &'a VisitMonth>) -> Vec<ProcedureKind> {
    let mut notable: Vec<ProcedureKind> = months.flat_map(|m| &m.procedures).map(|p| p.kind).filter(|k| k.is_notable()).collect();
    notable.sort();
    notable.dedup();
    notable
}

/// The period choice of the clinical view: 直近1年, 3年, 5年, すべて. A
/// chronic patient's history is one row a month for years; the doctor looks
/// at the recent year first ([`Period::first_for`]) and widens it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    OneYear,
    ThreeYears,
    FiveYears,
    All,
}

impl Period {
    /// In the order of the buttons.
    pub const ALL: [Period; 4] = [Period::OneYear, Period::ThreeYears, Period::FiveYears, Period::All];

    /// The name in element ids and message ids (`clinical-period-<name>`).
    pub fn as_str(self) -> &'static str {
        match self {
            Period::OneYear => "1y",
            Period::ThreeYears => "3y",
            Period::FiveYears => "5y",
            Period::All => "all",
        }
    }

    /// The first month shown on `today`: the same month that many years
    /// back (so "1 year" in July 2026 starts in July 2025: claims come a
    /// month or two late, and a period never shows less than it says).
    /// `None` for [`Period::All`].
    pub fn first_month(self, today: NaiveDate) -> Option<YearMonth> {
        let years = match self {
            Period::OneYear => 1,
            Period::ThreeYears => 3,
            Period::FiveYears => 5,
            Period::All => return None,
        };
        // Before year 1 (never in practice): everything.
        today.checked_sub_months(chrono::Months::new(12 * years)).and_then(YearMonth::of)
    }

    /// The period the view opens with: the recent year, which is what a
    /// doctor reads first; when that year is empty (someone seen a few
    /// times years ago) the shortest period that shows something, so that
    /// the view never opens on an empty page while there is history.
    pub fn first_for(history: &ClinicalHistory, today: NaiveDate) -> Period {
        Period::ALL
            .into_iter()
            .find(|p| within(history, *p, today).history.visit_months() > 0)
            .unwrap_or(Period::OneYear)
    }
}

/// The clinical view over one [`Period`]: what is shown, and what the period
/// leaves out — said under the view, so that a dialysis or an operation
/// before the period is not missed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodView {
    pub period: Period,
    /// The first month shown (`None`: everything).
    pub from: Option<YearMonth>,
    pub history: ClinicalHistory,
    /// Facility-months left out (months without a 診療年月 included).
    pub hidden_months: usize,
    /// The notable kinds among them ([`ProcedureKind::is_notable`]), in enum order.
    pub hidden_notable: Vec<ProcedureKind>,
}

/// `history` over `period`, counted back from `today`.
pub fn within(history: &ClinicalHistory, period: Period, today: NaiveDate) -> PeriodView {
    let from = period.first_month(today);
    let shown = match from {
        Some(m) => since(history, m),
        None => history.clone(),
    };
    let outside = history
        .facilities
        .iter()
        .flat_map(|f| &f.months)
        .filter(|m| from.is_some_and(|from| m.month.is_none_or(|ym| ym < from)));
    let hidden: Vec<&VisitMonth> = outside.collect();
    PeriodView {
        period,
        from,
        hidden_months: hidden.len(),
        hidden_notable: notable_of(hidden.into_iter()),
        history: shown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_table_reads_and_names_every_kind_it_uses() {
        let c = classifier();
        assert!(c.codes.len() >= 10);
        assert_eq!(c.classify(Some("13"), "特定疾患療養管理料"), ProcedureKind::Management);
        assert_eq!(c.classify(Some("40"), "人工腎臓（慢性維持透析）（４時間以上５時間未満）"), ProcedureKind::Dialysis);
        assert_eq!(c.classify(Some("50"), "保存血液輸血（１回目）"), ProcedureKind::Transfusion);
        assert_eq!(c.classify(Some("５０"), "腹腔鏡下胆嚢摘出術"), ProcedureKind::Surgery, "full-width code");
        assert_eq!(c.classify(None, "水晶体再建術"), ProcedureKind::Surgery, "no code: the name decides, strictly");
        assert_eq!(c.classify(Some("99x"), "何か"), ProcedureKind::Other);
    }

    #[test]
    fn table_problems_name_the_line() {
        assert!(Classifier::parse("code\t10\t5\tother").unwrap_err().contains("line 1"));
        assert!(Classifier::parse("# c\nword\t術\tnone\tsurgeon").unwrap_err().contains("line 2"));
        assert!(Classifier::parse("code\t1\t2").unwrap_err().contains("line 1"));
    }
}
