//! 資格確認 files: the single check (`OQSsiquc01req/res`, also the `face/`
//! results) and the two-step batch: `OQSmuquc01req` (the cards) →
//! `OQSmuquc01res` (a receipt, [`BatchReceipt`]), then `OQSmuquc02req`
//! ([`BatchResultRequest`], the 受付番号) → `OQSmuquc02res` ([`BatchResult`],
//! which may say 処理中: ask again later).

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use madoguchi_core::codes::{
    CardClassification, LimitCategory, LimitCertificateClassification, LossReason, Relationship,
    Sex, SpecificDisease, Validity,
};
use madoguchi_core::digits::{compact, normalise_hyphens};
use madoguchi_core::{
    CardDetails, CertificateConsents, ConsentAnswer, ConsentCategory, ConsentFlag, CopayRatio, ElderlyCertificate,
    EligibilityResult, InsurerNumber, LimitCertificate, MedicalTicket, Notice, Person, ProcessingError,
    Qualification, ReferenceClassification, ResultSource, SpecificDiseaseCertificate, TicketType,
};
use serde::{Deserialize, Serialize};

use super::error::OqsProblem;
use super::xml::{code, lenient, parse_date, parse_datetime, Element, Encoding, XmlOut};

/// One `QualificationConfirmSearchInfo` of a request: the card asked about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchEntry {
    pub card: CardDetails,
    /// `LimitApplicationCertificateRelatedConsFlg`: the patient agreed to share
    /// 限度額適用認定証 information.
    pub limit_certificate_consent: bool,
    /// `ArbitraryIdentifier`: ours, echoed back (e.g. the patient's chart number).
    pub identifier: Option<String>,
}

/// `OQSsiquc01req`: one 資格確認 by card details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EligibilityRequest {
    /// `QualificationConfirmationDate`
    pub confirmation_date: NaiveDate,
    /// `MedicalInstitutionCode` (10 digits)
    pub institution_code: String,
    /// `ArbitraryFileIdentifier`
    pub file_id: Option<String>,
    pub entry: SearchEntry,
}

/// `OQSmuquc01req`: a batch of 資格確認 (一括照会).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchRequest {
    pub confirmation_date: NaiveDate,
    pub institution_code: String,
    pub file_id: Option<String>,
    pub entries: Vec<SearchEntry>,
}

/// `OQSmuquc01res`: the terminal took a batch in (受付). It holds no
/// results: they are asked for with `OQSmuquc02req` and the 受付番号.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchReceipt {
    /// `ReceptionNumber` (受付番号); present unless the batch was refused.
    pub reception_number: Option<String>,
    /// `ReceptionDateTime`
    pub received_at: Option<NaiveDateTime>,
    /// The header's `ProcessExecutionTime`.
    pub processed_at: Option<NaiveDateTime>,
    /// The header's `MedicalInstitutionCode`.
    pub institution_code: Option<String>,
    /// The header's `ArbitraryFileIdentifier` (the request's, echoed).
    pub file_id: Option<String>,
    /// The batch was refused (header `SegmentOfResult` 9, `ErrorCode`, `ErrorMessage`).
    pub error: Option<ProcessingError>,
}

/// `OQSmuquc02req`: the results of an accepted batch, please. The header
/// carries only the `MedicalInstitutionCode`, the body the `ReceptionNumber`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchResultRequest {
    pub institution_code: String,
    pub reception_number: String,
}

/// `OQSmuquc02res`: the results of a batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchResult {
    /// `ReceptionNumber` (受付番号 returned by `OQSmuquc01res`)
    pub reception_number: Option<String>,
    /// `SegmentOfResult` 2 (処理中): the terminal is still working on the
    /// batch; there are no results yet; ask again later.
    #[serde(default)]
    pub in_progress: bool,
    /// The header's `ProcessExecutionTime`.
    pub processed_at: Option<NaiveDateTime>,
    /// The header's `QualificationConfirmationDate`.
    pub confirmation_date: Option<NaiveDate>,
    /// `NumberOfProcessingResult`
    pub count: Option<u32>,
    /// `NumberOfNormalProcessing`
    pub count_normal: Option<u32>,
    /// `NumberOfError`
    pub count_error: Option<u32>,
    /// The whole batch failed (header `SegmentOfResult` 9, `ErrorCode`, `ErrorMessage`).
    pub error: Option<ProcessingError>,
    /// One result per `BulkConfirmUnit`, in file order.
    pub results: Vec<EligibilityResult>,
}

/// Header values of a written response that [`EligibilityResult`] does not hold.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ResponseHeader {
    /// `MedicalInstitutionCode`
    pub institution_code: Option<String>,
    /// `ArbitraryFileIdentifier` (the request's, echoed)
    pub file_id: Option<String>,
}

// ---------------------------------------------------------------------------
// Reading

/// The time of a result whose answer gave none (1970-01-01 00:00), until the
/// desk stamps the time it received the file ([`super::stamp_received`]);
/// `missing` then names `ProcessExecutionTime`.
pub const NO_TIME: NaiveDateTime = chrono::DateTime::UNIX_EPOCH.naive_utc();

static EMPTY: Element = Element {
    name: String::new(),
    text: String::new(),
    children: Vec::new(),
};

fn section<'a>(root: &'a Element, name: &str) -> &'a Element {
    root.child(name)
        .or_else(|| root.find(name))
        .unwrap_or(&EMPTY)
}

fn missing(field: &str) -> OqsProblem {
    OqsProblem::MissingField {
        field: field.to_string(),
    }
}

/// Symbol, number and branch: full-width digits and letters to half-width,
/// surrounding spaces removed.
/// A card's symbol, number or branch: half-width, trimmed, with every dash
/// (‐ U+2010, －, − …) made '-', so that the number the answer gives is the
/// number staff type and the desk matches.
fn card_part(s: Option<&str>) -> Option<String> {
    s.map(|s| normalise_hyphens(s).trim().to_string()).filter(|s| !s.is_empty())
}

/// An insurer number from the national system: padding removed, full-width
/// digits accepted, the check digit NOT verified (a response is taken as it comes).
fn response_insurer(field: &str, s: &str) -> Result<InsurerNumber, OqsProblem> {
    let d = compact(s);
    if d.is_empty() || !d.bytes().all(|b| b.is_ascii_digit()) {
        return Err(OqsProblem::BadValue {
            field: field.into(),
            value: s.into(),
        });
    }
    if d.len() != 6 && d.len() != 8 {
        tracing::warn!(field, value = s, "OQS: an insurer number of unusual length");
    }
    Ok(InsurerNumber::from_trusted(d))
}

/// Card details of a `QualificationConfirmSearchInfo`: the insurer number
/// must have 6 or 8 digits and the birth date must be readable.
fn search_card(e: &Element) -> Result<CardDetails, OqsProblem> {
    let raw = e
        .get("InsurerNumber")
        .ok_or_else(|| missing("InsurerNumber"))?;
    let insurer = response_insurer("InsurerNumber", raw)?;
    if insurer.as_str().len() != 6 && insurer.as_str().len() != 8 {
        return Err(OqsProblem::BadValue {
            field: "InsurerNumber".into(),
            value: raw.into(),
        });
    }
    let birth = e.get("Birthdate").ok_or_else(|| missing("Birthdate"))?;
    Ok(CardDetails {
        insurer_number: insurer,
        symbol: card_part(e.get("InsuredCardSymbol")).unwrap_or_default(),
        number: card_part(e.get("InsuredIdentificationNumber")).unwrap_or_default(),
        branch: card_part(e.get("InsuredBranchNumber")),
        birth_date: parse_date("Birthdate", birth)?,
    })
}

fn search_entry(e: &Element) -> Result<SearchEntry, OqsProblem> {
    Ok(SearchEntry {
        card: search_card(e)?,
        limit_certificate_consent: e.get("LimitApplicationCertificateRelatedConsFlg") == Some("1"),
        identifier: e.get_string("ArbitraryIdentifier"),
    })
}

/// A `…ConsFlg` value read as its OQSCD016 answer; an unknown code is no
/// answer (never a grant), logged.
fn consent_answer(field: &str, v: Option<&str>) -> Option<ConsentAnswer> {
    let v = v?;
    let answer = ConsentAnswer::from_code(v);
    if answer.is_none() {
        tracing::warn!(field, value = v, "OQS: ignoring an unknown consent code");
    }
    answer
}

fn flag(v: Option<&str>) -> Option<bool> {
    match v? {
        "1" => Some(true),
        "0" => Some(false),
        other => {
            tracing::warn!(value = other, "OQS: ignoring an unknown flag value");
            None
        }
    }
}

fn opt_date(e: &Element, name: &str) -> Option<NaiveDate> {
    lenient(name, e.get(name), parse_date)
}

fn opt_datetime(e: &Element, name: &str) -> Option<NaiveDateTime> {
    lenient(name, e.get(name), parse_datetime)
}

fn specific_disease(e: &Element) -> Option<SpecificDiseaseCertificate> {
    let disease = code(
        "SpecificDiseasesDiseaseCategory",
        e.get("SpecificDiseasesDiseaseCategory"),
        SpecificDisease::from_code,
    )?;
    Some(SpecificDiseaseCertificate {
        disease,
        issued_on: opt_date(e, "SpecificDiseasesCertificateDate"),
        valid_from: opt_date(e, "SpecificDiseasesValidStartDate"),
        valid_until: opt_date(e, "SpecificDiseasesValidEndDate"),
        self_pay_limit: lenient(
            "SpecificDiseasesSelfPay",
            e.get("SpecificDiseasesSelfPay"),
            |f, v| {
                v.parse::<u32>().map_err(|_| OqsProblem::BadValue {
                    field: f.into(),
                    value: v.into(),
                })
            },
        ),
    })
}

/// `SpecificDiseasesCertificateList` holds `SpecificDiseasesCertificateInfo`
/// items; some writers repeat the list element itself as the item. Both read.
fn specific_diseases(r: &Element) -> Vec<SpecificDiseaseCertificate> {
    let mut out = Vec::new();
    for list in r.children_named("SpecificDiseasesCertificateList") {
        if list.child("SpecificDiseasesDiseaseCategory").is_some() {
            out.extend(specific_disease(list));
        }
        for item in &list.children {
            if item.child("SpecificDiseasesDiseaseCategory").is_some() {
                out.extend(specific_disease(item));
            }
        }
    }
    out
}

/// The elements of a `MedicalTicketInfo`, in the order they are written.
const TICKET_ELEMENTS: &[&str] = &[
    "TicketType",
    "MedicalTicketValidDate",
    "MedicalTicketExpirationDate",
    "IssueNumber",
    "MedicalTreatmentMonth",
    "DesignatedMedicalInstitutionCode",
    "DesignatedMedicalInstitutionFlag",
    "DesignatedMedicalInstitutionName",
    "PrescriptionIssuerMedicalInstitutionCode",
    "PrescriptionIssuerMedicalInstitutionName",
    "InjuryName1",
    "InjuryName2",
    "InjuryName3",
    "MedicalTreatmentType",
    "SelfPayAmount",
    "DistrictContactName",
    "HandlingContactName",
    "SingleOrCombinedUse",
    "StatusOfSocialInsurance",
    "ConsistencyFlag",
    "StatusOfInfecton",
    "StatusOfElderlyMedicalCare",
    "StatusOfPrefecturalExpenses",
    "Remarks1",
    "Remarks2",
    "Remarks3",
];

/// What a ticket must say for the desk to show it at a glance; each one
/// left out (or unreadable) is named in `missing` as `MedicalTicketInfo/<name>`.
const TICKET_ESSENTIALS: &[&str] = &["TicketType", "MedicalTicketValidDate", "MedicalTicketExpirationDate"];

/// `MedicalTreatmentMonth` (yyyyMM, also yyyy-MM or a whole date): its first day.
fn parse_treatment_month(field: &str, v: &str) -> Result<NaiveDate, OqsProblem> {
    let digits: String = v.chars().filter(|c| c.is_ascii_digit()).collect();
    let bad = || OqsProblem::BadValue {
        field: field.into(),
        value: v.into(),
    };
    if digits.len() == 8 {
        return parse_date(field, v).map(|d| d.with_day(1).unwrap_or(d));
    }
    if digits.len() != 6 {
        return Err(bad());
    }
    let year: i32 = digits[..4].parse().map_err(|_| bad())?;
    let month: u32 = digits[4..].parse().map_err(|_| bad())?;
    NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(bad)
}

/// One `MedicalTicketInfo`, leniently: every element that is there and
/// readable is kept; the essentials left out and values that cannot be read
/// are named in `said` (`MedicalTicketInfo/…`); unknown elements are logged.
fn medical_ticket(e: &Element, said: &mut Vec<String>) -> MedicalTicket {
    // Values that are there but cannot be read: named, as if left out.
    let mut unreadable: Vec<&str> = Vec::new();
    let mut read = |name: &'static str, f: &dyn Fn(&str, &str) -> Result<NaiveDate, OqsProblem>| {
        let v = e.get(name)?;
        f(name, v).map_err(|_| unreadable.push(name)).ok()
    };
    let valid_from = read("MedicalTicketValidDate", &parse_date);
    let valid_until = read("MedicalTicketExpirationDate", &parse_date);
    let treatment_month = read("MedicalTreatmentMonth", &parse_treatment_month);
    let self_pay = e.get("SelfPayAmount").and_then(|v| {
        compact(v)
            .replace([',', '円'], "")
            .parse::<u32>()
            .map_err(|_| unreadable.push("SelfPayAmount"))
            .ok()
    });
    let numbered = |stem: &str| -> Vec<String> {
        (1..=3).filter_map(|i| e.get_string(&format!("{stem}{i}"))).collect()
    };
    let ticket = MedicalTicket {
        ticket_type: e.get("TicketType").map(TicketType::from_code),
        valid_from,
        valid_until,
        issue_number: e.get_string("IssueNumber"),
        treatment_month,
        designated_institution_code: e.get_string("DesignatedMedicalInstitutionCode"),
        designated_institution_flag: e.get_string("DesignatedMedicalInstitutionFlag"),
        designated_institution_name: e.get_string("DesignatedMedicalInstitutionName"),
        prescribing_institution_code: e.get_string("PrescriptionIssuerMedicalInstitutionCode"),
        prescribing_institution_name: e.get_string("PrescriptionIssuerMedicalInstitutionName"),
        injury_names: numbered("InjuryName"),
        treatment_type: e.get_string("MedicalTreatmentType"),
        self_pay,
        district_contact: e.get_string("DistrictContactName"),
        handling_contact: e.get_string("HandlingContactName"),
        single_or_combined: e.get_string("SingleOrCombinedUse"),
        social_insurance_status: e.get_string("StatusOfSocialInsurance"),
        consistency_flag: e.get_string("ConsistencyFlag"),
        infectious_disease_status: e.get_string("StatusOfInfecton"),
        elderly_care_status: e.get_string("StatusOfElderlyMedicalCare"),
        prefectural_expenses_status: e.get_string("StatusOfPrefecturalExpenses"),
        remarks: numbered("Remarks"),
    };
    for name in TICKET_ESSENTIALS.iter().copied().filter(|n| e.get(n).is_none()).chain(unreadable) {
        said.push(format!("MedicalTicketInfo/{name}"));
    }
    if let Some(TicketType::Other(code)) = &ticket.ticket_type {
        tracing::warn!(code, "OQS: an unknown TicketType, kept as it came");
    }
    for child in &e.children {
        if !TICKET_ELEMENTS.contains(&child.name.as_str()) {
            tracing::warn!(element = %child.name, "OQS: ignoring an unknown element in MedicalTicketInfo");
        }
    }
    ticket
}

/// `PublicExpenseResultList/MedicalTicketInfo`* of a result (医療扶助);
/// what they lack is added to `missing`, each name once, in file order.
fn medical_tickets(r: &Element, missing: &mut Vec<String>) -> Vec<MedicalTicket> {
    let mut said = Vec::new();
    let tickets = r
        .children_named("PublicExpenseResultList")
        .flat_map(|list| list.children_named("MedicalTicketInfo"))
        .map(|e| medical_ticket(e, &mut said))
        .collect();
    for name in said {
        if !missing.contains(&name) {
            missing.push(name);
        }
    }
    tickets
}

fn qualification(r: &Element, body: &Element) -> Result<Option<Qualification>, OqsProblem> {
    let Some(raw) = r.get("InsurerNumber") else {
        return Ok(None);
    };
    let insurer_number = response_insurer("InsurerNumber", raw)?;
    let elderly = r
        .child("ElderlyRecipientCertificateInfo")
        .map(|e| ElderlyCertificate {
            issued_on: opt_date(e, "ElderlyRecipientCertificateDate"),
            valid_from: opt_date(e, "ElderlyRecipientValidStartDate"),
            valid_until: opt_date(e, "ElderlyRecipientValidEndDate"),
            copay: code(
                "ElderlyRecipientContributionRatio",
                e.get("ElderlyRecipientContributionRatio"),
                CopayRatio::from_oqs,
            ),
        });
    let limit = r
        .child("LimitApplicationCertificateRelatedInfo")
        .map(|e| LimitCertificate {
            classification: code(
                "LimitApplicationCertificateClassification",
                e.get("LimitApplicationCertificateClassification"),
                LimitCertificateClassification::from_code,
            ),
            category: code(
                "LimitApplicationCertificateClassificationFlag",
                e.get("LimitApplicationCertificateClassificationFlag"),
                LimitCategory::from_code,
            ),
            issued_on: opt_date(e, "LimitApplicationCertificateDate"),
            valid_from: opt_date(e, "LimitApplicationCertificateValidStartDate"),
            valid_until: opt_date(e, "LimitApplicationCertificateValidEndDate"),
            long_term_from: opt_date(e, "LimitApplicationCertificateLongTermDate"),
        });
    Ok(Some(Qualification {
        insurer_number,
        insurer_name: r.get_string("InsurerName"),
        symbol: card_part(r.get("InsuredCardSymbol")).unwrap_or_default(),
        number: card_part(r.get("InsuredIdentificationNumber")).unwrap_or_default(),
        branch: card_part(r.get("InsuredBranchNumber")),
        card_classification: code(
            "InsuredCardClassification",
            r.get("InsuredCardClassification"),
            CardClassification::from_code,
        ),
        relationship: code(
            "PersonalFamilyClassification",
            r.get("PersonalFamilyClassification"),
            Relationship::from_code,
        ),
        issued_on: opt_date(r, "InsuredCertificateIssuanceDate"),
        valid_from: opt_date(r, "InsuredCardValidDate"),
        valid_until: opt_date(r, "InsuredCardExpirationDate"),
        qualified_on: opt_date(r, "QualificationDate"),
        disqualified_on: opt_date(r, "DisqualificationDate"),
        copay: code(
            "InsuredPartialContributionRatio",
            r.get("InsuredPartialContributionRatio"),
            CopayRatio::from_oqs,
        ),
        preschool: r.get("PreschoolClassification") == Some("1"),
        loss_reason: code("ReasonOfLoss", r.get("ReasonOfLoss"), LossReason::from_code),
        elderly,
        limit,
        specific_diseases: specific_diseases(r),
        public_expenses: Vec::new(),
        // Read by `result_from`, which says on the result what they lack.
        medical_tickets: Vec::new(),
        reference_number: r
            .get_string("ReferenceNumber")
            .or_else(|| body.get_string("ReferenceNumber")),
    }))
}

/// The patient of a result. `Name` may be missing in files written by other
/// software: the person is then read from `NameKana` (and `Name` reported as
/// missing). `InsuredName` is the card holder (世帯主), never the patient.
fn person(
    r: &Element,
    asked: Option<&CardDetails>,
    missing_fields: &mut Vec<String>,
) -> Result<Option<Person>, OqsProblem> {
    let name = match (r.get("Name"), r.get("NameKana")) {
        (Some(name), _) => name,
        (None, Some(kana)) => {
            missing_fields.push("Name".into());
            kana
        }
        (None, None) => return Ok(None),
    };
    let birth_date = match r.get("Birthdate") {
        Some(b) => parse_date("Birthdate", b)?,
        None => asked
            .map(|a| a.birth_date)
            .ok_or_else(|| missing("Birthdate"))?,
    };
    let sex = code("Sex1", r.get("Sex1"), Sex::from_code)
        .or_else(|| code("Sex2", r.get("Sex2"), Sex::from_code))
        .unwrap_or(Sex::Unset);
    Ok(Some(Person {
        name: name.to_string(),
        name_kana: r.get_string("NameKana"),
        name_other: r.get_string("NameOfOther"),
        name_other_kana: r.get_string("NameOfOtherKana"),
        sex,
        birth_date,
        address: r.get_string("Address"),
        post_number: r.get_string("PostNumber"),
    }))
}

fn consents(r: &Element) -> Vec<ConsentFlag> {
    ConsentCategory::ALL
        .into_iter()
        .filter_map(|c| {
            let stem = c.oqs_stem();
            let flag_el = r.child(&format!("{stem}ConsFlg"))?;
            let answer = consent_answer(&format!("{stem}ConsFlg"), flag_el.value());
            Some(ConsentFlag {
                category: c,
                given: answer.is_some_and(ConsentAnswer::grants),
                answer,
                given_at: opt_datetime(r, &format!("{stem}ConsTime")),
                available_until: opt_datetime(r, &format!("{stem}AvailableTime")),
            })
        })
        .collect()
}

/// One result from a header and a body (single file) or a `BulkConfirmUnit`
/// (batch: unit values first, the header's as fallback; header errors belong
/// to the whole batch, not to a unit).
fn result_from(
    header: &Element,
    body: &Element,
    in_batch: bool,
) -> Result<EligibilityResult, OqsProblem> {
    let hv = |name: &str| body.get(name).or_else(|| header.get(name));
    let confirmed_at = hv("ProcessExecutionTime")
        .map(|v| parse_datetime("ProcessExecutionTime", v))
        .transpose()?;
    let confirmation_date = hv("QualificationConfirmationDate")
        .map(|v| parse_date("QualificationConfirmationDate", v))
        .transpose()?;
    // What the answer leaves out is said on the result (`missing`), not
    // refused: other software writes face files without these. Without a
    // time the result carries [`NO_TIME`] until the desk stamps the time it
    // received the file ([`super::stamp_received`]).
    let mut missing_fields = Vec::new();
    let (confirmed_at, confirmation_date) = match (confirmed_at, confirmation_date) {
        (Some(t), Some(d)) => (t, d),
        (Some(t), None) => (t, t.date()),
        (None, Some(d)) => {
            missing_fields.push("ProcessExecutionTime".to_string());
            (d.and_hms_opt(0, 0, 0).unwrap_or_default(), d)
        }
        (None, None) => {
            missing_fields.push("ProcessExecutionTime".to_string());
            missing_fields.push("QualificationConfirmationDate".to_string());
            (NO_TIME, NO_TIME.date())
        }
    };
    let reference = code(
        "ReferenceClassification",
        hv("ReferenceClassification"),
        |c| match c {
            "1" => Some(ReferenceClassification::Card),
            "2" => Some(ReferenceClassification::CardDetails),
            _ => None,
        },
    );

    let status_error = body.get("ProcessingResultStatus") == Some("2");
    // Status 1 with a code or message: a notice sent with the answer.
    let notices: Vec<Notice> = match (
        body.get("ProcessingResultStatus"),
        body.get_string("ProcessingResultCode"),
        body.get_string("ProcessingResultMessage"),
    ) {
        (Some("1"), code, message) if code.is_some() || message.is_some() => {
            vec![Notice { code, message }]
        }
        _ => Vec::new(),
    };
    let segment_error = !in_batch && header.get("SegmentOfResult") == Some("9");
    let error = (status_error || segment_error).then(|| ProcessingError {
        code: body.get_string("ProcessingResultCode").or_else(|| {
            (!in_batch)
                .then(|| header.get_string("ErrorCode"))
                .flatten()
        }),
        message: body.get_string("ProcessingResultMessage").or_else(|| {
            (!in_batch)
                .then(|| header.get_string("ErrorMessage"))
                .flatten()
        }),
    });

    let validity = match body.get("QualificationValidity") {
        Some(v) => Validity::from_code(v).ok_or_else(|| OqsProblem::BadValue {
            field: "QualificationValidity".into(),
            value: v.into(),
        })?,
        // An error answer may leave the validity out: nothing was found.
        None if error.is_some() => Validity::NotFound,
        // Said as "not stated", never taken as valid.
        None => {
            missing_fields.push("QualificationValidity".to_string());
            Validity::Unstated
        }
    };

    let asked = body
        .child("QualificationConfirmSearchInfo")
        .and_then(|e| match search_card(e) {
            Ok(c) => Some(c),
            Err(p) => {
                tracing::warn!("OQS: ignoring the echoed search info: {p}");
                None
            }
        });

    let mut results = Vec::new();
    body.find_all(&["ResultOfQualificationConfirmation"], &mut results);
    if results.len() > 1 {
        tracing::warn!(
            count = results.len(),
            "OQS: several results in one answer; the first is used"
        );
    }
    let specific_answer = results.first().and_then(|r| {
        consent_answer(
            "SpecificDiseasesCertificateRelatedConsFlg",
            r.get("SpecificDiseasesCertificateRelatedConsFlg"),
        )
    });
    let (person, qualification, consents, certificate_consents) = match results.first() {
        Some(r) => (
            person(r, asked.as_ref(), &mut missing_fields)?,
            qualification(r, body)?.map(|mut q| {
                q.medical_tickets = medical_tickets(r, &mut missing_fields);
                // 医療扶助 found valid, yet no ticket: said, as the desk
                // normally shows it (有効（未登録） has none by definition).
                if q.is_medical_aid() && q.medical_tickets.is_empty() && validity_code(body) == Some("1") {
                    missing_fields.push("PublicExpenseResultList/MedicalTicketInfo".into());
                }
                q
            }),
            consents(r),
            CertificateConsents {
                limit_certificate: flag(r.get("LimitApplicationCertificateRelatedConsFlg")),
                limit_certificate_at: opt_datetime(r, "LimitApplicationCertificateRelatedConsTime"),
                specific_diseases: specific_answer.map(ConsentAnswer::grants),
                specific_diseases_at: opt_datetime(r, "SpecificDiseasesCertificateRelatedConsTime"),
                specific_diseases_answer: specific_answer,
            },
        ),
        None => (None, None, Vec::new(), CertificateConsents::default()),
    };
    // A file that names nobody and no error, and lacks its time or its
    // validity, cannot be understood: refused, naming the first missing.
    if person.is_none() && qualification.is_none() && error.is_none() {
        for field in ["ProcessExecutionTime", "QualificationValidity"] {
            if missing_fields.iter().any(|m| m == field) {
                return Err(missing(field));
            }
        }
    }

    let electronic_prescription = code(
        "PrescriptionIssueSelect",
        // In the body (myclinic-ts) or inside the result (smart-test).
        body.get("PrescriptionIssueSelect")
            .or_else(|| results.first().and_then(|r| r.get("PrescriptionIssueSelect"))),
        |c| match c {
            "1" => Some(true),
            "2" => Some(false),
            _ => None,
        },
    );
    let source = if reference == Some(ReferenceClassification::Card) {
        ResultSource::CardReader
    } else {
        ResultSource::OqsFolder
    };
    // A batch unit's own element, beside its ResultOfQualificationConfirmation.
    let limit_certificate_changed = in_batch
        .then(|| {
            code(
                "LimitApplicationCertificateChanged",
                body.get("LimitApplicationCertificateChanged"),
                |c| match c {
                    "0" => Some(false),
                    "1" => Some(true),
                    _ => None,
                },
            )
        })
        .flatten();
    Ok(EligibilityResult {
        limit_certificate_changed,
        confirmed_at,
        confirmation_date,
        reference,
        validity,
        error,
        asked,
        person,
        qualification,
        consents,
        certificate_consents,
        electronic_prescription,
        source,
        missing: missing_fields,
        notices,
    })
}

fn validity_code(body: &Element) -> Option<&str> {
    body.get("QualificationValidity").map(str::trim)
}

pub(crate) fn read_eligibility_response(root: &Element) -> Result<EligibilityResult, OqsProblem> {
    result_from(
        section(root, "MessageHeader"),
        section(root, "MessageBody"),
        false,
    )
}

fn count(header: &Element, body: &Element, name: &str) -> Option<u32> {
    lenient(name, header.get(name).or_else(|| body.get(name)), |f, v| {
        v.parse::<u32>().map_err(|_| OqsProblem::BadValue {
            field: f.into(),
            value: v.into(),
        })
    })
}

pub(crate) fn read_batch_response(root: &Element) -> Result<BatchResult, OqsProblem> {
    let header = section(root, "MessageHeader");
    let body = section(root, "MessageBody");
    let mut units = Vec::new();
    root.find_all(&["BulkConfirmUnit"], &mut units);
    let results = units
        .iter()
        .map(|u| result_from(header, u, true))
        .collect::<Result<Vec<_>, _>>()?;
    let error = (header.get("SegmentOfResult") == Some("9")).then(|| ProcessingError {
        code: header.get_string("ErrorCode"),
        message: header.get_string("ErrorMessage"),
    });
    let in_progress = header.get("SegmentOfResult") == Some("2");
    Ok(BatchResult {
        in_progress,
        reception_number: header
            .get_string("ReceptionNumber")
            .or_else(|| body.get_string("ReceptionNumber")),
        processed_at: opt_datetime(header, "ProcessExecutionTime"),
        confirmation_date: opt_date(header, "QualificationConfirmationDate"),
        count: count(header, body, "NumberOfProcessingResult"),
        count_normal: count(header, body, "NumberOfNormalProcessing"),
        count_error: count(header, body, "NumberOfError"),
        error,
        results,
    })
}

/// `OQSmuquc01res`. Without a `ReceptionNumber` it must say why (an error),
/// else it cannot be understood.
pub(crate) fn read_batch_receipt(root: &Element) -> Result<BatchReceipt, OqsProblem> {
    let header = section(root, "MessageHeader");
    let body = section(root, "MessageBody");
    let segment_error = header.get("SegmentOfResult") == Some("9");
    let error = (segment_error || header.get("ErrorCode").is_some()).then(|| ProcessingError {
        code: header.get_string("ErrorCode"),
        message: header.get_string("ErrorMessage"),
    });
    let reception_number = body
        .get_string("ReceptionNumber")
        .or_else(|| header.get_string("ReceptionNumber"));
    if reception_number.is_none() && error.is_none() {
        return Err(missing("ReceptionNumber"));
    }
    Ok(BatchReceipt {
        reception_number,
        received_at: opt_datetime(body, "ReceptionDateTime").or_else(|| opt_datetime(header, "ReceptionDateTime")),
        processed_at: opt_datetime(header, "ProcessExecutionTime"),
        institution_code: header.get_string("MedicalInstitutionCode"),
        file_id: header.get_string("ArbitraryFileIdentifier"),
        error,
    })
}

/// `OQSmuquc02req`.
pub(crate) fn read_batch_result_request(root: &Element) -> Result<BatchResultRequest, OqsProblem> {
    let header = section(root, "MessageHeader");
    let body = section(root, "MessageBody");
    Ok(BatchResultRequest {
        institution_code: header
            .get_string("MedicalInstitutionCode")
            .ok_or_else(|| missing("MedicalInstitutionCode"))?,
        reception_number: body
            .get_string("ReceptionNumber")
            .ok_or_else(|| missing("ReceptionNumber"))?,
    })
}

fn request_header(root: &Element) -> Result<(NaiveDate, String, Option<String>), OqsProblem> {
    let header = section(root, "MessageHeader");
    let date = header
        .get("QualificationConfirmationDate")
        .ok_or_else(|| missing("QualificationConfirmationDate"))?;
    Ok((
        parse_date("QualificationConfirmationDate", date)?,
        header
            .get_string("MedicalInstitutionCode")
            .ok_or_else(|| missing("MedicalInstitutionCode"))?,
        header.get_string("ArbitraryFileIdentifier"),
    ))
}

pub(crate) fn read_eligibility_request(root: &Element) -> Result<EligibilityRequest, OqsProblem> {
    let (confirmation_date, institution_code, file_id) = request_header(root)?;
    let info = root
        .find("QualificationConfirmSearchInfo")
        .ok_or_else(|| missing("QualificationConfirmSearchInfo"))?;
    Ok(EligibilityRequest {
        confirmation_date,
        institution_code,
        file_id,
        entry: search_entry(info)?,
    })
}

pub(crate) fn read_batch_request(root: &Element) -> Result<BatchRequest, OqsProblem> {
    let (confirmation_date, institution_code, file_id) = request_header(root)?;
    let mut infos = Vec::new();
    root.find_all(&["QualificationConfirmSearchInfo"], &mut infos);
    let entries = infos
        .into_iter()
        .map(search_entry)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(BatchRequest {
        confirmation_date,
        institution_code,
        file_id,
        entries,
    })
}

// ---------------------------------------------------------------------------
// Writing

fn non_empty(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

fn write_search_info(
    out: &mut XmlOut,
    card: &CardDetails,
    consent: Option<bool>,
    identifier: Option<&str>,
) {
    out.open("QualificationConfirmSearchInfo");
    out.leaf("InsurerNumber", &card.insurer_number.oqs_padded());
    out.opt("InsuredCardSymbol", non_empty(&card.symbol));
    out.opt("InsuredIdentificationNumber", non_empty(&card.number));
    out.opt("InsuredBranchNumber", card.branch.as_deref());
    out.opt_date("Birthdate", Some(card.birth_date));
    if let Some(c) = consent {
        out.leaf(
            "LimitApplicationCertificateRelatedConsFlg",
            if c { "1" } else { "0" },
        );
    }
    out.opt("ArbitraryIdentifier", identifier);
    out.close("QualificationConfirmSearchInfo");
}

fn write_request_header(
    out: &mut XmlOut,
    date: NaiveDate,
    institution: &str,
    file_id: Option<&str>,
) {
    out.open("MessageHeader");
    out.opt_date("QualificationConfirmationDate", Some(date));
    out.leaf("MedicalInstitutionCode", institution);
    out.opt("ArbitraryFileIdentifier", file_id);
    out.close("MessageHeader");
}

/// `OQSsiquc01req`.
pub fn write_eligibility_request(req: &EligibilityRequest, encoding: Encoding) -> Vec<u8> {
    let mut out = XmlOut::new(encoding);
    out.open("XmlMsg");
    write_request_header(
        &mut out,
        req.confirmation_date,
        &req.institution_code,
        req.file_id.as_deref(),
    );
    out.open("MessageBody");
    let e = &req.entry;
    write_search_info(
        &mut out,
        &e.card,
        Some(e.limit_certificate_consent),
        e.identifier.as_deref(),
    );
    out.close("MessageBody");
    out.close("XmlMsg");
    out.finish(encoding)
}

/// `OQSmuquc01req`: `QualificationConfirmSearchInfo` repeated.
pub fn write_batch_request(req: &BatchRequest, encoding: Encoding) -> Vec<u8> {
    let mut out = XmlOut::new(encoding);
    out.open("XmlMsg");
    write_request_header(
        &mut out,
        req.confirmation_date,
        &req.institution_code,
        req.file_id.as_deref(),
    );
    out.open("MessageBody");
    for e in &req.entries {
        write_search_info(
            &mut out,
            &e.card,
            Some(e.limit_certificate_consent),
            e.identifier.as_deref(),
        );
    }
    out.close("MessageBody");
    out.close("XmlMsg");
    out.finish(encoding)
}

/// `OQSmuquc02req`: header `MedicalInstitutionCode` only, body `ReceptionNumber`.
pub fn write_batch_result_request(req: &BatchResultRequest, encoding: Encoding) -> Vec<u8> {
    let mut out = XmlOut::new(encoding);
    out.open("XmlMsg");
    out.open("MessageHeader");
    out.leaf("MedicalInstitutionCode", &req.institution_code);
    out.close("MessageHeader");
    out.open("MessageBody");
    out.leaf("ReceptionNumber", &req.reception_number);
    out.close("MessageBody");
    out.close("XmlMsg");
    out.finish(encoding)
}

/// `OQSmuquc01res`: the receipt (training terminal, tests).
pub fn write_batch_receipt(receipt: &BatchReceipt, encoding: Encoding) -> Vec<u8> {
    let mut out = XmlOut::new(encoding);
    out.open("XmlMsg");
    out.open("MessageHeader");
    out.opt_datetime("ProcessExecutionTime", receipt.processed_at);
    out.opt("MedicalInstitutionCode", receipt.institution_code.as_deref());
    out.opt("ArbitraryFileIdentifier", receipt.file_id.as_deref());
    match &receipt.error {
        Some(e) => {
            out.leaf("SegmentOfResult", "9");
            out.opt("ErrorCode", e.code.as_deref());
            out.opt("ErrorMessage", e.message.as_deref());
        }
        None => out.leaf("SegmentOfResult", "1"),
    }
    out.leaf(
        "CharacterCodeIdentifier",
        encoding.character_code_identifier(),
    );
    out.close("MessageHeader");
    out.open("MessageBody");
    out.opt("ReceptionNumber", receipt.reception_number.as_deref());
    out.opt_datetime("ReceptionDateTime", receipt.received_at);
    out.close("MessageBody");
    out.close("XmlMsg");
    out.finish(encoding)
}

fn bool_code(b: bool) -> &'static str {
    if b {
        "1"
    } else {
        "0"
    }
}

fn reference_code(r: ReferenceClassification) -> &'static str {
    match r {
        ReferenceClassification::Card => "1",
        ReferenceClassification::CardDetails => "2",
    }
}

fn has_result_element(r: &EligibilityResult) -> bool {
    r.person.is_some()
        || r.qualification.is_some()
        || !r.consents.is_empty()
        || r.certificate_consents != CertificateConsents::default()
}

/// The body part of a single answer.
fn write_result_body(out: &mut XmlOut, r: &EligibilityResult) {
    write_result_in(out, r, true)
}

/// The body part shared by a single answer (`ResultOfQualificationConfirmation`
/// inside a `ResultList`) and a batch unit (`list` false: directly in the
/// `BulkConfirmUnit`, as the real 02res has it).
fn write_result_in(out: &mut XmlOut, r: &EligibilityResult, list: bool) {
    match &r.error {
        Some(e) => {
            out.leaf("ProcessingResultStatus", "2");
            out.opt("ProcessingResultCode", e.code.as_deref());
            out.opt("ProcessingResultMessage", e.message.as_deref());
        }
        None => {
            out.leaf("ProcessingResultStatus", "1");
            if let Some(n) = r.notices.first() {
                out.opt("ProcessingResultCode", n.code.as_deref());
                out.opt("ProcessingResultMessage", n.message.as_deref());
            }
        }
    }
    out.leaf("QualificationValidity", r.validity.code());
    if let Some(e) = r.electronic_prescription {
        out.leaf("PrescriptionIssueSelect", if e { "1" } else { "2" });
    }
    if let Some(card) = &r.asked {
        write_search_info(out, card, None, None);
    }
    if !has_result_element(r) {
        return;
    }
    if list {
        out.open("ResultList");
    }
    out.open("ResultOfQualificationConfirmation");
    if let Some(q) = &r.qualification {
        out.opt(
            "InsuredCardClassification",
            q.card_classification.map(|c| c.code()),
        );
        out.leaf("InsurerNumber", &q.insurer_number.oqs_padded());
        out.opt("InsuredCardSymbol", non_empty(&q.symbol));
        out.opt("InsuredIdentificationNumber", non_empty(&q.number));
        out.opt("InsuredBranchNumber", q.branch.as_deref());
        out.opt(
            "PersonalFamilyClassification",
            q.relationship.map(|c| c.code()),
        );
    }
    if let Some(p) = &r.person {
        out.leaf("Name", &p.name);
        out.opt("NameOfOther", p.name_other.as_deref());
        out.opt("NameKana", p.name_kana.as_deref());
        out.opt("NameOfOtherKana", p.name_other_kana.as_deref());
        out.leaf("Sex1", p.sex.code());
        out.opt_date("Birthdate", Some(p.birth_date));
        out.opt("Address", p.address.as_deref());
        out.opt("PostNumber", p.post_number.as_deref());
    }
    if let Some(q) = &r.qualification {
        out.opt("InsurerName", q.insurer_name.as_deref());
        out.opt_date("InsuredCertificateIssuanceDate", q.issued_on);
        out.opt_date("InsuredCardValidDate", q.valid_from);
        out.opt_date("InsuredCardExpirationDate", q.valid_until);
        out.opt_date("QualificationDate", q.qualified_on);
        out.opt_date("DisqualificationDate", q.disqualified_on);
        out.opt(
            "InsuredPartialContributionRatio",
            q.copay.map(CopayRatio::to_oqs).as_deref(),
        );
        if q.preschool {
            out.leaf("PreschoolClassification", "1");
        }
        out.opt("ReasonOfLoss", q.loss_reason.map(|c| c.code()));
        if let Some(e) = &q.elderly {
            out.open("ElderlyRecipientCertificateInfo");
            out.opt_date("ElderlyRecipientCertificateDate", e.issued_on);
            out.opt_date("ElderlyRecipientValidStartDate", e.valid_from);
            out.opt_date("ElderlyRecipientValidEndDate", e.valid_until);
            out.opt(
                "ElderlyRecipientContributionRatio",
                e.copay.map(CopayRatio::to_oqs).as_deref(),
            );
            out.close("ElderlyRecipientCertificateInfo");
        }
    }
    let cc = &r.certificate_consents;
    out.opt(
        "LimitApplicationCertificateRelatedConsFlg",
        cc.limit_certificate.map(bool_code),
    );
    out.opt_datetime(
        "LimitApplicationCertificateRelatedConsTime",
        cc.limit_certificate_at,
    );
    if let Some(l) = r.qualification.as_ref().and_then(|q| q.limit.as_ref()) {
        out.open("LimitApplicationCertificateRelatedInfo");
        out.opt(
            "LimitApplicationCertificateClassification",
            l.classification.map(|c| c.code()),
        );
        out.opt(
            "LimitApplicationCertificateClassificationFlag",
            l.category.map(|c| c.code()),
        );
        out.opt_date("LimitApplicationCertificateDate", l.issued_on);
        out.opt_date("LimitApplicationCertificateValidStartDate", l.valid_from);
        out.opt_date("LimitApplicationCertificateValidEndDate", l.valid_until);
        out.opt_date("LimitApplicationCertificateLongTermDate", l.long_term_from);
        out.close("LimitApplicationCertificateRelatedInfo");
    }
    out.opt(
        "SpecificDiseasesCertificateRelatedConsFlg",
        cc.specific_diseases_answer
            .map(ConsentAnswer::code)
            .or(cc.specific_diseases.map(bool_code)),
    );
    out.opt_datetime(
        "SpecificDiseasesCertificateRelatedConsTime",
        cc.specific_diseases_at,
    );
    if let Some(q) = &r.qualification {
        if !q.specific_diseases.is_empty() {
            out.open("SpecificDiseasesCertificateList");
            for d in &q.specific_diseases {
                out.open("SpecificDiseasesCertificateInfo");
                out.leaf("SpecificDiseasesDiseaseCategory", d.disease.code());
                out.opt_date("SpecificDiseasesCertificateDate", d.issued_on);
                out.opt_date("SpecificDiseasesValidStartDate", d.valid_from);
                out.opt_date("SpecificDiseasesValidEndDate", d.valid_until);
                out.opt(
                    "SpecificDiseasesSelfPay",
                    d.self_pay_limit.map(|n| n.to_string()).as_deref(),
                );
                out.close("SpecificDiseasesCertificateInfo");
            }
            out.close("SpecificDiseasesCertificateList");
        }
    }
    if let Some(q) = &r.qualification {
        if !q.medical_tickets.is_empty() {
            out.open("PublicExpenseResultList");
            for t in &q.medical_tickets {
                write_medical_ticket(out, t);
            }
            out.close("PublicExpenseResultList");
        }
    }
    for c in &r.consents {
        let stem = c.category.oqs_stem();
        let code = c.answer.map_or(bool_code(c.given), ConsentAnswer::code);
        out.leaf(&format!("{stem}ConsFlg"), code);
        out.opt_datetime(&format!("{stem}ConsTime"), c.given_at);
        out.opt_datetime(&format!("{stem}AvailableTime"), c.available_until);
    }
    if let Some(q) = &r.qualification {
        out.opt("ReferenceNumber", q.reference_number.as_deref());
    }
    out.close("ResultOfQualificationConfirmation");
    if list {
        out.close("ResultList");
    }
}

fn write_medical_ticket(out: &mut XmlOut, t: &MedicalTicket) {
    out.open("MedicalTicketInfo");
    out.opt("TicketType", t.ticket_type.as_ref().map(TicketType::code));
    out.opt_date("MedicalTicketValidDate", t.valid_from);
    out.opt_date("MedicalTicketExpirationDate", t.valid_until);
    out.opt("IssueNumber", t.issue_number.as_deref());
    out.opt(
        "MedicalTreatmentMonth",
        t.treatment_month.map(|m| m.format("%Y%m").to_string()).as_deref(),
    );
    out.opt("DesignatedMedicalInstitutionCode", t.designated_institution_code.as_deref());
    out.opt("DesignatedMedicalInstitutionFlag", t.designated_institution_flag.as_deref());
    out.opt("DesignatedMedicalInstitutionName", t.designated_institution_name.as_deref());
    out.opt("PrescriptionIssuerMedicalInstitutionCode", t.prescribing_institution_code.as_deref());
    out.opt("PrescriptionIssuerMedicalInstitutionName", t.prescribing_institution_name.as_deref());
    for (i, name) in t.injury_names.iter().take(3).enumerate() {
        out.leaf(&format!("InjuryName{}", i + 1), name);
    }
    out.opt("MedicalTreatmentType", t.treatment_type.as_deref());
    out.opt("SelfPayAmount", t.self_pay.map(|n| n.to_string()).as_deref());
    out.opt("DistrictContactName", t.district_contact.as_deref());
    out.opt("HandlingContactName", t.handling_contact.as_deref());
    out.opt("SingleOrCombinedUse", t.single_or_combined.as_deref());
    out.opt("StatusOfSocialInsurance", t.social_insurance_status.as_deref());
    out.opt("ConsistencyFlag", t.consistency_flag.as_deref());
    out.opt("StatusOfInfecton", t.infectious_disease_status.as_deref());
    out.opt("StatusOfElderlyMedicalCare", t.elderly_care_status.as_deref());
    out.opt("StatusOfPrefecturalExpenses", t.prefectural_expenses_status.as_deref());
    for (i, r) in t.remarks.iter().take(3).enumerate() {
        out.leaf(&format!("Remarks{}", i + 1), r);
    }
    out.close("MedicalTicketInfo");
}

/// `OQSsiquc01res` (also the `face/` form) from a result. Public expenses
/// (`Qualification::public_expenses`) have no known OQS form and are not
/// written; 医療扶助 tickets are (`PublicExpenseResultList/MedicalTicketInfo`).
pub fn write_eligibility_response(result: &EligibilityResult, encoding: Encoding) -> Vec<u8> {
    write_eligibility_response_with(result, &ResponseHeader::default(), encoding)
}

/// [`write_eligibility_response`] with the header values a result does not hold.
pub fn write_eligibility_response_with(
    r: &EligibilityResult,
    header: &ResponseHeader,
    encoding: Encoding,
) -> Vec<u8> {
    let mut out = XmlOut::new(encoding);
    out.open("XmlMsg");
    out.open("MessageHeader");
    out.opt_datetime("ProcessExecutionTime", Some(r.confirmed_at));
    out.opt_date("QualificationConfirmationDate", Some(r.confirmation_date));
    out.opt("MedicalInstitutionCode", header.institution_code.as_deref());
    out.opt("ArbitraryFileIdentifier", header.file_id.as_deref());
    out.opt("ReferenceClassification", r.reference.map(reference_code));
    match &r.error {
        Some(e) => {
            out.leaf("SegmentOfResult", "9");
            out.opt("ErrorCode", e.code.as_deref());
            out.opt("ErrorMessage", e.message.as_deref());
        }
        None => out.leaf("SegmentOfResult", "1"),
    }
    out.leaf(
        "CharacterCodeIdentifier",
        encoding.character_code_identifier(),
    );
    out.close("MessageHeader");
    out.open("MessageBody");
    write_result_body(&mut out, r);
    out.close("MessageBody");
    out.close("XmlMsg");
    out.finish(encoding)
}

/// `OQSmuquc02res` (`SegmentOfResult` 2 when [`BatchResult::in_progress`]).
/// Each `BulkConfirmUnit` holds its `ResultOfQualificationConfirmation`
/// directly, then `LimitApplicationCertificateChanged` when the result says. A unit whose time, date or reference classification
/// differs from the header's carries its own (the reader prefers unit values).
pub fn write_batch_response(
    batch: &BatchResult,
    header: &ResponseHeader,
    encoding: Encoding,
) -> Vec<u8> {
    let mut out = XmlOut::new(encoding);
    out.open("XmlMsg");
    out.open("MessageHeader");
    out.opt_datetime("ProcessExecutionTime", batch.processed_at);
    out.opt_date("QualificationConfirmationDate", batch.confirmation_date);
    out.opt("MedicalInstitutionCode", header.institution_code.as_deref());
    out.opt("ArbitraryFileIdentifier", header.file_id.as_deref());
    out.opt("ReceptionNumber", batch.reception_number.as_deref());
    match &batch.error {
        Some(e) => {
            out.leaf("SegmentOfResult", "9");
            out.opt("ErrorCode", e.code.as_deref());
            out.opt("ErrorMessage", e.message.as_deref());
        }
        None if batch.in_progress => out.leaf("SegmentOfResult", "2"),
        None => out.leaf("SegmentOfResult", "1"),
    }
    out.opt(
        "NumberOfProcessingResult",
        batch.count.map(|n| n.to_string()).as_deref(),
    );
    out.opt(
        "NumberOfNormalProcessing",
        batch.count_normal.map(|n| n.to_string()).as_deref(),
    );
    out.opt(
        "NumberOfError",
        batch.count_error.map(|n| n.to_string()).as_deref(),
    );
    out.leaf(
        "CharacterCodeIdentifier",
        encoding.character_code_identifier(),
    );
    out.close("MessageHeader");
    out.open("MessageBody");
    for r in &batch.results {
        out.open("BulkConfirmUnit");
        if batch.processed_at != Some(r.confirmed_at) {
            out.opt_datetime("ProcessExecutionTime", Some(r.confirmed_at));
        }
        if batch.confirmation_date != Some(r.confirmation_date) {
            out.opt_date("QualificationConfirmationDate", Some(r.confirmation_date));
        }
        out.opt("ReferenceClassification", r.reference.map(reference_code));
        write_result_in(&mut out, r, false);
        out.opt(
            "LimitApplicationCertificateChanged",
            r.limit_certificate_changed.map(bool_code),
        );
        out.close("BulkConfirmUnit");
    }
    out.close("MessageBody");
    out.close("XmlMsg");
    out.finish(encoding)
}
