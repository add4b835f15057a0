//! 薬剤情報 (`YZKsiquc01req/res`) and 特定健診情報 (`TKKsiquc01req/res`) files.
//!
//! The medication response has three sources with the same shape; the
//! prescription (`Sh`) and dispensing (`Cz`) variants prefix their child
//! names. Names beyond those in `shared/OQS-INTERFACE.md` (the `Sh` month-level
//! names in particular) follow open-source software that reads real files and
//! are *unverified*; every known variant is read, the first one is written.

use madoguchi_core::codes::Sex;
use madoguchi_core::digits::to_halfwidth;
use madoguchi_core::medical::{
    Checkup, CheckupItem, CheckupResults, ClinicalEntry, Drug, Facility, MedicalPatientHeader,
    MedicationDay, MedicationHistory, MedicationMonth, MedicationSource, YearMonth,
};
use madoguchi_core::{InsurerNumber, ProcessingError};
use serde::{Deserialize, Serialize};

use super::error::OqsProblem;
use super::xml::{code, lenient, parse_date, parse_datetime, Element, Encoding, XmlOut};

/// Which medical information a request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MedicalRequestKind {
    /// 薬剤情報 (`YZKsiquc01req`)
    Medication,
    /// 特定健診情報 (`TKKsiquc01req`)
    Checkups,
}

/// `FileCategory`: the form of the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileCategory {
    /// 1
    Pdf,
    /// 2
    Xml,
    /// 3: medication with clinical information, PDF (medication only)
    MedicationClinicalPdf,
    /// 4: medication with clinical information, XML (medication only)
    MedicationClinicalXml,
}

impl FileCategory {
    pub fn code(self) -> &'static str {
        match self {
            FileCategory::Pdf => "1",
            FileCategory::Xml => "2",
            FileCategory::MedicationClinicalPdf => "3",
            FileCategory::MedicationClinicalXml => "4",
        }
    }
    pub fn from_code(c: &str) -> Option<Self> {
        match c.trim() {
            "1" => Some(FileCategory::Pdf),
            "2" => Some(FileCategory::Xml),
            "3" => Some(FileCategory::MedicationClinicalPdf),
            "4" => Some(FileCategory::MedicationClinicalXml),
            _ => None,
        }
    }
}

/// `MedicalTreatmentFlag`: the setting of care.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TreatmentSetting {
    /// 1 外来
    Outpatient,
    /// 2 訪問診療
    HomeVisit,
    /// 3 オンライン診療
    Online,
}

impl TreatmentSetting {
    pub fn code(self) -> &'static str {
        match self {
            TreatmentSetting::Outpatient => "1",
            TreatmentSetting::HomeVisit => "2",
            TreatmentSetting::Online => "3",
        }
    }
    pub fn from_code(c: &str) -> Option<Self> {
        match c.trim() {
            "1" => Some(TreatmentSetting::Outpatient),
            "2" => Some(TreatmentSetting::HomeVisit),
            "3" => Some(TreatmentSetting::Online),
            _ => None,
        }
    }
}

/// `YZKsiquc01req` / `TKKsiquc01req`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MedicalRequest {
    pub kind: MedicalRequestKind,
    /// `MedicalInstitutionCode`
    pub institution_code: String,
    /// `InsurerNumber` (written padded to 8 like the eligibility request)
    pub insurer_number: InsurerNumber,
    /// `InsuranceCardSymbol`
    pub symbol: String,
    /// `InsuredPersonIdentificationNumber`
    pub number: String,
    /// `BranchNumber`
    pub branch: Option<String>,
    /// `ArbitraryFileIdentifier`
    pub file_id: Option<String>,
    /// `StartDate` (YYYYMM; medication only: leave `None` for checkups)
    pub start: Option<YearMonth>,
    /// `EndDate` (YYYYMM; medication only)
    pub end: Option<YearMonth>,
    pub file_category: FileCategory,
    pub treatment: TreatmentSetting,
}

// ---------------------------------------------------------------------------
// Names

struct MonthNames {
    source: MedicationSource,
    inf: &'static str,
    wrapper: Option<&'static str>,
    prefix: &'static str,
    dispensing_org: &'static [&'static str],
    dispensing_code: &'static [&'static str],
    dispensing_name: &'static [&'static str],
    month: &'static [&'static str],
    prescribing_code: &'static [&'static str],
    prescribing_name: &'static [&'static str],
    prescribing_org: &'static [&'static str],
    in_out: &'static [&'static str],
    day_lists: &'static [&'static str],
    days: &'static [&'static str],
    dispensed: &'static [&'static str],
    prescribed: &'static [&'static str],
}

const CLAIMS: MonthNames = MonthNames {
    source: MedicationSource::Claims,
    inf: "MeTrMonthInf",
    wrapper: None,
    prefix: "",
    dispensing_org: &["DiOrg"],
    dispensing_code: &["MeTrDiHCd"],
    dispensing_name: &["MeTrDiHNm"],
    month: &["MeTrMonth"],
    prescribing_code: &["PrlsHCd"],
    prescribing_name: &["PrlsHNm"],
    prescribing_org: &["PrIsOrg"],
    in_out: &["InOut"],
    day_lists: &["DiDateInfs"],
    days: &["DiDateInf"],
    dispensed: &["DiDate"],
    prescribed: &["PrDate"],
};

const DISPENSING: MonthNames = MonthNames {
    source: MedicationSource::Dispensing,
    inf: "CzDiMonthInf",
    wrapper: Some("CzDiInf"),
    prefix: "Cz",
    dispensing_org: &["CzDiOrg"],
    dispensing_code: &["CzMeTrDiHCd"],
    dispensing_name: &["CzMeTrDiHNm"],
    month: &["CzDiMonth", "CzMeTrMonth"],
    prescribing_code: &["CzPrlsHCd"],
    prescribing_name: &["CzPrlsHNm"],
    prescribing_org: &["CzPrIsOrg"],
    in_out: &["CzInOut", "CzPrCl"],
    day_lists: &["CzDiDateInfs"],
    days: &["CzDiDateInf"],
    dispensed: &["CzDiDate"],
    prescribed: &["CzPrDate"],
};

const PRESCRIPTION: MonthNames = MonthNames {
    source: MedicationSource::Prescription,
    inf: "ShPrMonthInf",
    wrapper: Some("ShPrInf"),
    prefix: "Sh",
    dispensing_org: &["ShPrOrg", "ShDiOrg"],
    dispensing_code: &["ShMeTrDiHCd"],
    dispensing_name: &["ShMeTrDiHNm"],
    month: &["ShPrMonth", "ShMeTrMonth"],
    prescribing_code: &["ShPrHCd", "ShPrlsHCd"],
    prescribing_name: &["ShPrHNm", "ShPrlsHNm"],
    prescribing_org: &["ShPrIsOrg"],
    in_out: &["ShInOut", "ShPrCl"],
    day_lists: &["ShPrDateInfs", "ShDiDateInfs"],
    days: &["ShPrDateInf", "ShDiDateInf"],
    dispensed: &["ShDiDate"],
    prescribed: &["ShPrDate"],
};

fn names_of(source: MedicationSource) -> &'static MonthNames {
    match source {
        MedicationSource::Claims => &CLAIMS,
        MedicationSource::Dispensing => &DISPENSING,
        MedicationSource::Prescription => &PRESCRIPTION,
    }
}

/// `el`'s child `<prefix><base>`, else `<base>`.
fn pget<'a>(el: &'a Element, prefix: &str, base: &str) -> Option<&'a str> {
    if prefix.is_empty() {
        return el.get(base);
    }
    el.get(&format!("{prefix}{base}")).or_else(|| el.get(base))
}

fn pstring(el: &Element, prefix: &str, base: &str) -> Option<String> {
    pget(el, prefix, base).map(str::to_owned)
}

/// Items named `items` under `parent`, inside any of the `lists` wrappers or
/// directly, in document order.
fn items<'a>(parent: &'a Element, lists: &[&str], items: &[&str]) -> Vec<&'a Element> {
    let mut out = Vec::new();
    for c in &parent.children {
        if items.contains(&c.name.as_str()) {
            out.push(c);
        } else if lists.contains(&c.name.as_str()) {
            out.extend(
                c.children
                    .iter()
                    .filter(|cc| items.contains(&cc.name.as_str())),
            );
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Reading

/// A date that may be written with a time (`YYYYMMDD` or `YYYYMMDDHHMMSS`).
fn date_or_datetime(field: &str, v: &str) -> Result<chrono::NaiveDate, OqsProblem> {
    parse_date(field, v).or_else(|e| parse_datetime(field, v).map(|t| t.date()).map_err(|_| e))
}

fn patient(root: &Element) -> MedicalPatientHeader {
    let Some(q) = root
        .find("QuaInf")
        .or_else(|| root.find("QualificationsInfo"))
    else {
        return MedicalPatientHeader::default();
    };
    MedicalPatientHeader {
        name: q.get_string("Name"),
        name_kana: q
            .get_any(&["KanaName", "KanasName", "NameKana"])
            .map(str::to_owned),
        birth_date: lenient(
            "Birth",
            q.get_any(&["Birth", "Birthday", "Birthdate"]),
            date_or_datetime,
        ),
        sex: code(
            "AdmGendCode",
            q.get_any(&["AdmGendCode", "AdministrativeGenderCode"]),
            Sex::from_code,
        ),
    }
}

fn response_error(root: &Element) -> Option<ProcessingError> {
    let rc = root.find("ResultCode").and_then(Element::value);
    let contents = root.find("MessageContents");
    let failed = match rc {
        Some(c) => c != "1",
        None => contents.is_some(),
    };
    failed.then(|| ProcessingError {
        code: rc.map(str::to_owned),
        message: contents.and_then(Element::value).map(str::to_owned),
    })
}

fn drug(e: &Element, p: &str) -> Drug {
    Drug {
        code: pstring(e, p, "DrugC"),
        name: pstring(e, p, "DrugN"),
        ingredient: pstring(e, p, "IngreN"),
        quantity: pstring(e, p, "Qua1"),
        unit: pstring(e, p, "Unit"),
        usage: pstring(e, p, "UsageN"),
        special_instruction: pstring(e, p, "SpInst"),
        times: pstring(e, p, "Times"),
        category: pstring(e, p, "MeTrIdCl").or_else(|| pstring(e, p, "UsageCl")),
    }
}

fn clinical(e: &Element, p: &str) -> ClinicalEntry {
    ClinicalEntry {
        name: pstring(e, p, "SinInfN"),
        code: pstring(e, p, "SinInfCd"),
        category: pstring(e, p, "MeTrIdCl"),
        quantity: pstring(e, p, "Qua1"),
        times: pstring(e, p, "Times"),
        unit: pstring(e, p, "Unit"),
    }
}

fn month(e: &Element, n: &MonthNames) -> MedicationMonth {
    let p = n.prefix;
    let pre = |b: &str| format!("{p}{b}");
    let (dls, dis, cls, cis) = (
        pre("DrugInfs"),
        pre("DrugInf"),
        pre("MeTrInfs"),
        pre("MeTrInf"),
    );
    let dl = [dls.as_str(), "DrugInfs"];
    let di = [dis.as_str(), "DrugInf"];
    let cl = [cls.as_str(), "MeTrInfs"];
    let ci = [cis.as_str(), "MeTrInf"];
    let facility = |code: &[&str], name: &[&str]| Facility {
        code: e.get_any(code).map(str::to_owned),
        name: e.get_any(name).map(str::to_owned),
    };
    MedicationMonth {
        source: n.source,
        month: lenient(n.month[0], e.get_any(n.month), |f, v| {
            YearMonth::parse(v).ok_or_else(|| OqsProblem::BadValue {
                field: f.into(),
                value: v.into(),
            })
        }),
        dispensing_facility: facility(n.dispensing_code, n.dispensing_name),
        prescribing_facility: facility(n.prescribing_code, n.prescribing_name),
        dispensing_org: e.get_any(n.dispensing_org).map(str::to_owned),
        prescribing_org: e.get_any(n.prescribing_org).map(str::to_owned),
        in_out: e.get_any(n.in_out).map(str::to_owned),
        days: items(e, n.day_lists, n.days)
            .into_iter()
            .map(|d| MedicationDay {
                dispensed_on: lenient(n.dispensed[0], d.get_any(n.dispensed), date_or_datetime),
                prescribed_on: lenient(n.prescribed[0], d.get_any(n.prescribed), date_or_datetime),
                drugs: items(d, &dl, &di).into_iter().map(|x| drug(x, p)).collect(),
                clinical: items(d, &cl, &ci).into_iter().map(|x| clinical(x, p)).collect(),
            })
            .collect(),
        clinical: items(e, &cl, &ci)
            .into_iter()
            .map(|x| clinical(x, p))
            .collect(),
    }
}

pub(crate) fn read_medication_response(root: &Element) -> Result<MedicationHistory, OqsProblem> {
    let mut found = Vec::new();
    root.find_all(&[CLAIMS.inf, PRESCRIPTION.inf, DISPENSING.inf], &mut found);
    let months = found
        .into_iter()
        .map(|e| {
            let n = [&CLAIMS, &PRESCRIPTION, &DISPENSING]
                .into_iter()
                .find(|n| n.inf == e.name)
                .unwrap_or(&CLAIMS);
            month(e, n)
        })
        .collect();
    Ok(MedicationHistory {
        patient: patient(root),
        months,
        error: response_error(root),
    })
}

pub(crate) fn read_checkup_response(root: &Element) -> Result<CheckupResults, OqsProblem> {
    let mut found = Vec::new();
    root.find_all(&["SpecificHealthCheckupInfo"], &mut found);
    let checkups = found
        .into_iter()
        .map(|c| Checkup {
            date: lenient("EffectiveTime", c.get("EffectiveTime"), date_or_datetime),
            items: items(
                c,
                &["HealthCheckupResultAndQuestionInfos"],
                &["HealthCheckupResultAndQuestionInfo"],
            )
            .into_iter()
            .map(|i| CheckupItem {
                code: i.get_string("ItemCode").unwrap_or_else(|| {
                    tracing::warn!("OQS: a checkup item without ItemCode");
                    String::new()
                }),
                name: i.get_string("ItemName"),
                data_type: i.get_string("DataType"),
                value: i.get_string("DataValue"),
                unit: i.get_string("Unit"),
                oid: i.get_string("Oid"),
                value_name: i.get_string("DataValueName"),
            })
            .collect(),
        })
        .collect();
    Ok(CheckupResults {
        patient: patient(root),
        checkups,
        error: response_error(root),
    })
}

pub(crate) fn read_medical_request(
    root: &Element,
    kind: MedicalRequestKind,
) -> Result<MedicalRequest, OqsProblem> {
    let header = root.child("MessageHeader").unwrap_or(root);
    let body = root.child("MessageBody").unwrap_or(root);
    let any = |name: &str| header.get(name).or_else(|| body.get(name));
    let missing = |f: &str| OqsProblem::MissingField { field: f.into() };
    let bad = |f: &str, v: &str| OqsProblem::BadValue {
        field: f.into(),
        value: v.into(),
    };
    let insurer_raw = any("InsurerNumber").ok_or_else(|| missing("InsurerNumber"))?;
    let insurer = madoguchi_core::digits::compact(insurer_raw);
    if !(insurer.len() == 6 || insurer.len() == 8) || !insurer.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad("InsurerNumber", insurer_raw));
    }
    let ym = |f: &str| -> Result<Option<YearMonth>, OqsProblem> {
        any(f)
            .map(|v| YearMonth::parse(v).ok_or_else(|| bad(f, v)))
            .transpose()
    };
    let fc = any("FileCategory").ok_or_else(|| missing("FileCategory"))?;
    let tf = any("MedicalTreatmentFlag").ok_or_else(|| missing("MedicalTreatmentFlag"))?;
    let norm = |v: Option<&str>| {
        v.map(|s| to_halfwidth(s).trim().to_string())
            .filter(|s| !s.is_empty())
    };
    Ok(MedicalRequest {
        kind,
        institution_code: any("MedicalInstitutionCode")
            .ok_or_else(|| missing("MedicalInstitutionCode"))?
            .to_string(),
        insurer_number: InsurerNumber::from_trusted(insurer),
        symbol: norm(any("InsuranceCardSymbol")).unwrap_or_default(),
        number: norm(any("InsuredPersonIdentificationNumber")).unwrap_or_default(),
        branch: norm(any("BranchNumber")),
        file_id: any("ArbitraryFileIdentifier").map(str::to_owned),
        start: ym("StartDate")?,
        end: ym("EndDate")?,
        file_category: FileCategory::from_code(fc).ok_or_else(|| bad("FileCategory", fc))?,
        treatment: TreatmentSetting::from_code(tf)
            .ok_or_else(|| bad("MedicalTreatmentFlag", tf))?,
    })
}

// ---------------------------------------------------------------------------
// Writing

/// `PrDiInfClassification` of every medication and checkup request.
pub const PR_DI_INF_CLASSIFICATION: &str = "1";

/// `YZKsiquc01req` / `TKKsiquc01req` (by `req.kind`): the header names the
/// card, the body `StartDate`/`EndDate` (medication), `FileCategory`,
/// `PrDiInfClassification` (1) and `MedicalTreatmentFlag`, in that order.
pub fn write_medical_request(req: &MedicalRequest, encoding: Encoding) -> Vec<u8> {
    let mut out = XmlOut::new(encoding);
    out.open("XmlMsg");
    out.open("MessageHeader");
    out.leaf("MedicalInstitutionCode", &req.institution_code);
    out.leaf("InsurerNumber", &req.insurer_number.oqs_padded());
    out.opt(
        "InsuranceCardSymbol",
        (!req.symbol.is_empty()).then_some(req.symbol.as_str()),
    );
    out.opt(
        "InsuredPersonIdentificationNumber",
        (!req.number.is_empty()).then_some(req.number.as_str()),
    );
    out.opt("BranchNumber", req.branch.as_deref());
    out.opt("ArbitraryFileIdentifier", req.file_id.as_deref());
    out.close("MessageHeader");
    out.open("MessageBody");
    out.opt("StartDate", req.start.map(YearMonth::to_oqs).as_deref());
    out.opt("EndDate", req.end.map(YearMonth::to_oqs).as_deref());
    out.leaf("FileCategory", req.file_category.code());
    // Real requests carry it, always 1 (YUKI-ENT/OQSDrug2 `OQSDrug/Form1.cs`,
    // OQS-INTERFACE.md "What other implementations show"); its other codes
    // are not public.
    out.leaf("PrDiInfClassification", PR_DI_INF_CLASSIFICATION);
    out.leaf("MedicalTreatmentFlag", req.treatment.code());
    out.close("MessageBody");
    out.close("XmlMsg");
    out.finish(encoding)
}

fn write_error(out: &mut XmlOut, error: &Option<ProcessingError>) {
    match error {
        None => out.leaf("ResultCode", "1"),
        Some(e) => {
            out.opt("ResultCode", e.code.as_deref());
            out.leaf("MessageContents", e.message.as_deref().unwrap_or(""));
        }
    }
}

fn write_patient(out: &mut XmlOut, tag: &str, names: [&str; 4], p: &MedicalPatientHeader) {
    out.open(tag);
    out.opt(names[0], p.name.as_deref());
    out.opt(names[1], p.name_kana.as_deref());
    out.opt_date(names[2], p.birth_date);
    out.opt(names[3], p.sex.map(|s| s.code()));
    out.close(tag);
}

fn write_month(out: &mut XmlOut, m: &MedicationMonth) {
    let n = names_of(m.source);
    let p = n.prefix;
    out.open(n.inf);
    out.opt(n.dispensing_org[0], m.dispensing_org.as_deref());
    out.opt(n.dispensing_code[0], m.dispensing_facility.code.as_deref());
    out.opt(n.dispensing_name[0], m.dispensing_facility.name.as_deref());
    out.opt(n.month[0], m.month.map(YearMonth::to_oqs).as_deref());
    out.opt(
        n.prescribing_code[0],
        m.prescribing_facility.code.as_deref(),
    );
    out.opt(
        n.prescribing_name[0],
        m.prescribing_facility.name.as_deref(),
    );
    out.opt(n.prescribing_org[0], m.prescribing_org.as_deref());
    out.opt(n.in_out[0], m.in_out.as_deref());
    if !m.days.is_empty() {
        out.open(n.day_lists[0]);
        for d in &m.days {
            out.open(n.days[0]);
            out.opt_date(n.dispensed[0], d.dispensed_on);
            out.opt_date(n.prescribed[0], d.prescribed_on);
            if !d.drugs.is_empty() {
                out.open(&format!("{p}DrugInfs"));
                for x in &d.drugs {
                    out.open(&format!("{p}DrugInf"));
                    for (base, v) in [
                        ("DrugC", &x.code),
                        ("DrugN", &x.name),
                        ("IngreN", &x.ingredient),
                        ("Qua1", &x.quantity),
                        ("Unit", &x.unit),
                        ("UsageN", &x.usage),
                        ("SpInst", &x.special_instruction),
                        ("Times", &x.times),
                        ("MeTrIdCl", &x.category),
                    ] {
                        out.opt(&format!("{p}{base}"), v.as_deref());
                    }
                    out.close(&format!("{p}DrugInf"));
                }
                out.close(&format!("{p}DrugInfs"));
            }
            write_clinical(out, p, &d.clinical);
            out.close(n.days[0]);
        }
        out.close(n.day_lists[0]);
    }
    write_clinical(out, p, &m.clinical);
    out.close(n.inf);
}

/// `MeTrInfs` (under a day, or the month's entries without one).
fn write_clinical(out: &mut XmlOut, p: &str, entries: &[ClinicalEntry]) {
    if !entries.is_empty() {
        out.open(&format!("{p}MeTrInfs"));
        for c in entries {
            out.open(&format!("{p}MeTrInf"));
            for (base, v) in [
                ("SinInfN", &c.name),
                ("SinInfCd", &c.code),
                ("MeTrIdCl", &c.category),
                ("Qua1", &c.quantity),
                ("Times", &c.times),
                ("Unit", &c.unit),
            ] {
                out.opt(&format!("{p}{base}"), v.as_deref());
            }
            out.close(&format!("{p}MeTrInf"));
        }
        out.close(&format!("{p}MeTrInfs"));
    }
}

/// `YZKsiquc01res`. Months keep their order; consecutive `Sh`/`Cz` months
/// share one `ShPrInf`/`CzDiInf` wrapper.
pub fn write_medication_response(h: &MedicationHistory, encoding: Encoding) -> Vec<u8> {
    let mut out = XmlOut::new(encoding);
    out.open("XmlMsg");
    out.open("MessageHeader");
    write_error(&mut out, &h.error);
    write_patient(
        &mut out,
        "QuaInf",
        ["Name", "KanaName", "Birth", "AdmGendCode"],
        &h.patient,
    );
    out.close("MessageHeader");
    out.open("MessageBody");
    let mut open_wrapper: Option<&'static str> = None;
    for m in &h.months {
        let w = names_of(m.source).wrapper;
        if open_wrapper != w {
            if let Some(prev) = open_wrapper {
                out.close(prev);
            }
            if let Some(next) = w {
                out.open(next);
            }
            open_wrapper = w;
        }
        write_month(&mut out, m);
    }
    if let Some(prev) = open_wrapper {
        out.close(prev);
    }
    out.close("MessageBody");
    out.close("XmlMsg");
    out.finish(encoding)
}

/// `TKKsiquc01res`.
pub fn write_checkup_response(c: &CheckupResults, encoding: Encoding) -> Vec<u8> {
    let mut out = XmlOut::new(encoding);
    out.open("XmlMsg");
    out.open("MessageHeader");
    write_error(&mut out, &c.error);
    write_patient(
        &mut out,
        "QualificationsInfo",
        ["Name", "KanasName", "Birthday", "AdministrativeGenderCode"],
        &c.patient,
    );
    out.close("MessageHeader");
    out.open("MessageBody");
    for k in &c.checkups {
        out.open("SpecificHealthCheckupInfo");
        out.opt_date("EffectiveTime", k.date);
        out.open("HealthCheckupResultAndQuestionInfos");
        for i in &k.items {
            out.open("HealthCheckupResultAndQuestionInfo");
            out.leaf("ItemCode", &i.code);
            out.opt("ItemName", i.name.as_deref());
            out.opt("DataType", i.data_type.as_deref());
            out.opt("DataValue", i.value.as_deref());
            out.opt("Unit", i.unit.as_deref());
            out.opt("Oid", i.oid.as_deref());
            out.opt("DataValueName", i.value_name.as_deref());
            out.close("HealthCheckupResultAndQuestionInfo");
        }
        out.close("HealthCheckupResultAndQuestionInfos");
        out.close("SpecificHealthCheckupInfo");
    }
    out.close("MessageBody");
    out.close("XmlMsg");
    out.finish(encoding)
}
