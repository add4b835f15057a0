//! 薬剤情報 (medication history) and 特定健診 (specific health checkup) data, as
//! the national system returns them (`YZKsiquc01res`, `TKKsiquc01res`; see
//! `shared/OQS-INTERFACE.md`). Pure data: no I/O. The OQS XML mapping lives in
//! `madoguchi-adapters` (`oqs`).
//!
//! Codes whose meaning is not publicly documented (DiOrg, PrIsOrg, InOut,
//! MeTrIdCl…) are kept as the raw code strings; quantities and counts are kept
//! as the text the file carries (decimal quantities such as `0.5` stay exact).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::codes::Sex;
use crate::eligibility::ProcessingError;

/// A calendar month (診療年月 / 調剤年月), `YYYYMM` in OQS files, `"YYYY-MM"` in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct YearMonth {
    year: u16,
    month: u8,
}

impl YearMonth {
    /// `None` unless `month` is 1–12 and `year` is 1–9999.
    pub fn new(year: u16, month: u8) -> Option<Self> {
        ((1..=9999).contains(&year) && (1..=12).contains(&month))
            .then_some(YearMonth { year, month })
    }
    pub fn year(self) -> u16 {
        self.year
    }
    pub fn month(self) -> u8 {
        self.month
    }
    /// The first day of the month.
    pub fn first_day(self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.year as i32, self.month as u32, 1)
    }
    /// The month a date falls in.
    pub fn of(date: NaiveDate) -> Option<Self> {
        use chrono::Datelike;
        Self::new(u16::try_from(date.year()).ok()?, date.month() as u8)
    }
    /// Reads the OQS form `YYYYMM` (also `YYYY-MM`).
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        if !s.is_ascii() {
            return None;
        }
        let (y, m) = match s.len() {
            6 => (&s[..4], &s[4..]),
            7 if s.as_bytes()[4] == b'-' => (&s[..4], &s[5..]),
            _ => return None,
        };
        if !y.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
            return None;
        }
        Self::new(y.parse().ok()?, m.parse().ok()?)
    }
    /// The OQS form `YYYYMM`.
    pub fn to_oqs(self) -> String {
        format!("{:04}{:02}", self.year, self.month)
    }
}

impl std::fmt::Display for YearMonth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl From<YearMonth> for String {
    fn from(v: YearMonth) -> String {
        v.to_string()
    }
}

impl TryFrom<String> for YearMonth {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        YearMonth::parse(&s).ok_or_else(|| format!("not a year and month: {s:?}"))
    }
}

/// The patient block of a medical-information response (`QuaInf` /
/// `QualificationsInfo`): who the national system says the data belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MedicalPatientHeader {
    pub name: Option<String>,
    pub name_kana: Option<String>,
    pub birth_date: Option<NaiveDate>,
    /// `AdmGendCode` / `AdministrativeGenderCode` (same codes as Sex1).
    pub sex: Option<Sex>,
}

/// Where a month of medication information comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MedicationSource {
    /// レセプト (claims): `MeTrMonthInf`.
    Claims,
    /// 電子処方箋の処方情報: `ShPrInf/ShPrMonthInf`.
    Prescription,
    /// 電子処方箋の調剤情報: `CzDiInf/CzDiMonthInf`.
    Dispensing,
}

/// A medical facility as named in medication information.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Facility {
    /// 医療機関コード / 薬局コード (10 digits)
    pub code: Option<String>,
    pub name: Option<String>,
}

impl Facility {
    pub fn is_empty(&self) -> bool {
        self.code.is_none() && self.name.is_none()
    }
}

/// One drug line (`DrugInf`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Drug {
    /// 医薬品コード (`DrugC`)
    pub code: Option<String>,
    /// 医薬品名 (`DrugN`)
    pub name: Option<String>,
    /// 成分名 (`IngreN`)
    pub ingredient: Option<String>,
    /// 用量 (`Qua1`), as written (may be decimal)
    pub quantity: Option<String>,
    /// 単位 (`Unit`)
    pub unit: Option<String>,
    /// 用法 (`UsageN`)
    pub usage: Option<String>,
    /// 特別指示 (`SpInst`)
    pub special_instruction: Option<String>,
    /// 調剤数量 / 日数・回数 (`Times`), as written
    pub times: Option<String>,
    /// 診療識別 / 区分 code (`MeTrIdCl`)
    pub category: Option<String>,
}

/// The drugs of one dispensing day (`DiDateInf`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MedicationDay {
    /// 調剤年月日 (`DiDate`)
    pub dispensed_on: Option<NaiveDate>,
    /// 処方年月日 (`PrDate`)
    pub prescribed_on: Option<NaiveDate>,
    pub drugs: Vec<Drug>,
    /// 診療行為 of this day (`MeTrInfs` under `DiDateInf`, where real answers
    /// put them); entries without a day are the month's `clinical`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clinical: Vec<ClinicalEntry>,
}

/// One 診療行為 (clinical procedure) entry from claims (`MeTrInf`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ClinicalEntry {
    /// 診療行為名 (`SinInfN`)
    pub name: Option<String>,
    /// 診療行為コード (`SinInfCd`)
    pub code: Option<String>,
    /// 診療識別 (`MeTrIdCl`)
    pub category: Option<String>,
    /// `Qua1`
    pub quantity: Option<String>,
    /// `Times`
    pub times: Option<String>,
    pub unit: Option<String>,
}

/// One month of medication information from one facility pair (`…MonthInf`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MedicationMonth {
    pub source: MedicationSource,
    /// 診療年月 / 調剤年月
    pub month: Option<YearMonth>,
    /// The dispensing facility (`MeTrDiHCd`, `MeTrDiHNm`).
    pub dispensing_facility: Facility,
    /// The prescribing facility (`PrlsHCd`, `PrlsHNm`).
    pub prescribing_facility: Facility,
    /// `DiOrg` (raw code: kind of the dispensing facility)
    pub dispensing_org: Option<String>,
    /// `PrIsOrg` (raw code: kind of the prescribing facility)
    pub prescribing_org: Option<String>,
    /// `InOut` (raw code: 院内 / 院外)
    pub in_out: Option<String>,
    pub days: Vec<MedicationDay>,
    /// 診療行為 entries (only with 診療情報, claims source).
    pub clinical: Vec<ClinicalEntry>,
}

impl MedicationMonth {
    pub fn new(source: MedicationSource) -> Self {
        MedicationMonth {
            source,
            month: None,
            dispensing_facility: Facility::default(),
            prescribing_facility: Facility::default(),
            dispensing_org: None,
            prescribing_org: None,
            in_out: None,
            days: Vec::new(),
            clinical: Vec::new(),
        }
    }
}

/// 薬剤情報: a medication-information response.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MedicationHistory {
    pub patient: MedicalPatientHeader,
    pub months: Vec<MedicationMonth>,
    /// Set when the system did not answer with data (`ResultCode` ≠ 1,
    /// `MessageContents`).
    pub error: Option<ProcessingError>,
}

/// One checkup item (`HealthCheckupResultAndQuestionInfo`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CheckupItem {
    /// 項目コード (JLAC10 etc., `ItemCode`)
    pub code: String,
    pub name: Option<String>,
    /// `PQ` (physical quantity), `CD` (code), `ST` (string)…
    pub data_type: Option<String>,
    /// The value as written.
    pub value: Option<String>,
    pub unit: Option<String>,
    /// Code system OID for coded values.
    pub oid: Option<String>,
    /// The label of a coded value (`DataValueName`).
    pub value_name: Option<String>,
}

/// One checkup (`SpecificHealthCheckupInfo`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Checkup {
    /// 実施日 (`EffectiveTime`)
    pub date: Option<NaiveDate>,
    pub items: Vec<CheckupItem>,
}

/// 特定健診等情報: a checkup-information response.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CheckupResults {
    pub patient: MedicalPatientHeader,
    pub checkups: Vec<Checkup>,
    /// Set when the system did not answer with data.
    pub error: Option<ProcessingError>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn year_month_forms() {
        let m = YearMonth::parse("202609").unwrap();
        assert_eq!((m.year(), m.month()), (2026, 9));
        assert_eq!(m.to_oqs(), "202609");
        assert_eq!(m.to_string(), "2026-09");
        assert_eq!(YearMonth::parse("2026-09"), Some(m));
        assert_eq!(YearMonth::parse("202613"), None);
        assert_eq!(YearMonth::parse("20260"), None);
        assert_eq!(YearMonth::parse("2026+9"), None);
        assert_eq!(YearMonth::parse("２０２６０９"), None);
        assert_eq!(YearMonth::parse("ab日c"), None);
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(json, "\"2026-09\"");
        assert_eq!(serde_json::from_str::<YearMonth>(&json).unwrap(), m);
        assert!(serde_json::from_str::<YearMonth>("\"x\"").is_err());
    }
}
