//! 照会番号 (reference number) registration: `OQSsiimm01req/res`, one card.
//!
//! The facility registers its own patient number as the card's 照会番号;
//! from then on the national system puts it into results as
//! `ReferenceNumber` (face files included), and the desk finds its patient
//! from a tap. Until a number is registered, face results carry no
//! `ReferenceNumber` (OQS-INTERFACE.md, "What other implementations show":
//! YUKI-ENT/MynaReception `docs/ReceptionAgent_ReferenceNumber_Registration_Spec.md`).
//!
//! The request body is `ReferenceNumberRegistrationInfo` {ReferenceNumber,
//! InsurerNumber, InsuredCardSymbol, InsuredIdentificationNumber,
//! InsuredBranchNumber} under a header of `MedicalInstitutionCode` and
//! `ArbitraryFileIdentifier` (the source's batch form `OQSmuimm01req`; the
//! single form is assumed to be the same with one entry — *unverified*).
//! The answer is read as the source's `OQSmuimm02res` unit:
//! `ProcessingResultStatus` (1 正常終了, 2 エラー), `ProcessingResultCode`,
//! `ProcessingResultMessage`, the entry echoed; a header `SegmentOfResult` 9
//! with `ErrorCode`/`ErrorMessage` is an error too.

use chrono::NaiveDateTime;
use madoguchi_core::{InsurerNumber, ProcessingError};
use serde::{Deserialize, Serialize};

use super::error::OqsProblem;
use super::xml::{lenient, parse_datetime, Element, Encoding, XmlOut};

/// One `ReferenceNumberRegistrationInfo`: this card's 照会番号 is to be
/// `reference_number`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferenceRegistration {
    /// `ReferenceNumber`: the facility's patient number.
    pub reference_number: String,
    /// `InsurerNumber` (written padded to 8 like the eligibility request)
    pub insurer_number: InsurerNumber,
    /// `InsuredCardSymbol`
    pub symbol: String,
    /// `InsuredIdentificationNumber`
    pub number: String,
    /// `InsuredBranchNumber`
    pub branch: Option<String>,
}

impl ReferenceRegistration {
    /// `保険者番号:記号:番号:枝番`, as `CardDetails::person_key`.
    pub fn person_key(&self) -> String {
        format!(
            "{}:{}:{}:{}",
            self.insurer_number,
            self.symbol,
            self.number,
            self.branch.as_deref().unwrap_or("")
        )
    }
}

/// `OQSsiimm01req`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferenceRegistrationRequest {
    /// `MedicalInstitutionCode`
    pub institution_code: String,
    /// `ArbitraryFileIdentifier`
    pub file_id: Option<String>,
    pub entry: ReferenceRegistration,
}

/// `OQSsiimm01res`: the registration's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferenceRegistrationResult {
    /// `ProcessExecutionTime`, when given.
    pub processed_at: Option<NaiveDateTime>,
    /// `None`: registered. Else the code and message of the refusal
    /// (`ProcessingResultStatus` 2, or the header's `SegmentOfResult` 9).
    pub error: Option<ProcessingError>,
    /// The entry echoed, when the answer has one.
    pub entry: Option<ReferenceRegistration>,
}

const INFO: &str = "ReferenceNumberRegistrationInfo";

fn missing(field: &str) -> OqsProblem {
    OqsProblem::MissingField { field: field.to_string() }
}

fn part(e: &Element, name: &str) -> Option<String> {
    e.get(name)
        .map(|s| madoguchi_core::digits::normalise_hyphens(s).trim().to_string())
        .filter(|s| !s.is_empty())
}

fn read_entry(e: &Element) -> Result<ReferenceRegistration, OqsProblem> {
    let reference_number = part(e, "ReferenceNumber").ok_or_else(|| missing("ReferenceNumber"))?;
    let raw = e.get("InsurerNumber").ok_or_else(|| missing("InsurerNumber"))?;
    let digits = madoguchi_core::digits::compact(raw);
    if !(digits.len() == 6 || digits.len() == 8) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(OqsProblem::BadValue { field: "InsurerNumber".into(), value: raw.into() });
    }
    Ok(ReferenceRegistration {
        reference_number,
        insurer_number: InsurerNumber::from_trusted(digits),
        symbol: part(e, "InsuredCardSymbol").unwrap_or_default(),
        number: part(e, "InsuredIdentificationNumber").ok_or_else(|| missing("InsuredIdentificationNumber"))?,
        branch: part(e, "InsuredBranchNumber"),
    })
}

pub(crate) fn read_registration_request(root: &Element) -> Result<ReferenceRegistrationRequest, OqsProblem> {
    let header = root.child("MessageHeader").ok_or_else(|| missing("MessageHeader"))?;
    let info = root.find(INFO).ok_or_else(|| missing(INFO))?;
    Ok(ReferenceRegistrationRequest {
        institution_code: header
            .get_string("MedicalInstitutionCode")
            .ok_or_else(|| missing("MedicalInstitutionCode"))?,
        file_id: header.get_string("ArbitraryFileIdentifier"),
        entry: read_entry(info)?,
    })
}

pub(crate) fn read_registration_response(root: &Element) -> Result<ReferenceRegistrationResult, OqsProblem> {
    let header = root.child("MessageHeader");
    let body = root.child("MessageBody");
    let get = |name: &str| {
        body.and_then(|b| b.get(name))
            .or_else(|| root.find(name).and_then(Element::value))
    };
    let processed_at = lenient(
        "ProcessExecutionTime",
        header.and_then(|h| h.get("ProcessExecutionTime")),
        parse_datetime,
    );
    let segment = header.and_then(|h| h.get("SegmentOfResult"));
    let status = get("ProcessingResultStatus");
    let error = if segment == Some("9") {
        Some(ProcessingError {
            code: header.and_then(|h| h.get_string("ErrorCode")),
            message: header.and_then(|h| h.get_string("ErrorMessage")),
        })
    } else {
        match status {
            Some("1") => None,
            Some("2") => Some(ProcessingError {
                code: get("ProcessingResultCode").map(str::to_owned),
                message: get("ProcessingResultMessage").map(str::to_owned),
            }),
            Some(other) => {
                return Err(OqsProblem::BadValue { field: "ProcessingResultStatus".into(), value: other.into() })
            }
            None => return Err(missing("ProcessingResultStatus")),
        }
    };
    // The echo is a courtesy: an unreadable one is dropped, not fatal.
    let entry = root.find(INFO).and_then(|e| read_entry(e).ok());
    Ok(ReferenceRegistrationResult { processed_at, error, entry })
}

fn write_entry(out: &mut XmlOut, e: &ReferenceRegistration) {
    out.open(INFO);
    out.leaf("ReferenceNumber", &e.reference_number);
    out.leaf("InsurerNumber", &e.insurer_number.oqs_padded());
    out.leaf("InsuredCardSymbol", &e.symbol);
    out.leaf("InsuredIdentificationNumber", &e.number);
    out.opt("InsuredBranchNumber", e.branch.as_deref());
    out.close(INFO);
}

/// `OQSsiimm01req`.
pub fn write_registration_request(req: &ReferenceRegistrationRequest, encoding: Encoding) -> Vec<u8> {
    let mut out = XmlOut::new(encoding);
    out.open("XmlMsg");
    out.open("MessageHeader");
    out.leaf("MedicalInstitutionCode", &req.institution_code);
    out.opt("ArbitraryFileIdentifier", req.file_id.as_deref());
    out.close("MessageHeader");
    out.open("MessageBody");
    write_entry(&mut out, &req.entry);
    out.close("MessageBody");
    out.close("XmlMsg");
    out.finish(encoding)
}

/// `OQSsiimm01res` (for the training terminal and round-trip tests).
pub fn write_registration_response(
    result: &ReferenceRegistrationResult,
    institution_code: Option<&str>,
    file_id: Option<&str>,
    encoding: Encoding,
) -> Vec<u8> {
    let mut out = XmlOut::new(encoding);
    out.open("XmlMsg");
    out.open("MessageHeader");
    out.opt_datetime("ProcessExecutionTime", result.processed_at);
    out.opt("MedicalInstitutionCode", institution_code);
    out.opt("ArbitraryFileIdentifier", file_id);
    out.leaf("SegmentOfResult", "1");
    out.leaf("CharacterCodeIdentifier", encoding.character_code_identifier());
    out.close("MessageHeader");
    out.open("MessageBody");
    match &result.error {
        None => out.leaf("ProcessingResultStatus", "1"),
        Some(e) => {
            out.leaf("ProcessingResultStatus", "2");
            out.opt("ProcessingResultCode", e.code.as_deref());
            out.opt("ProcessingResultMessage", e.message.as_deref());
        }
    }
    if let Some(e) = &result.entry {
        write_entry(&mut out, e);
    }
    out.close("MessageBody");
    out.close("XmlMsg");
    out.finish(encoding)
}

// ---------------------------------------------------------------------------
// 照会番号一括登録 (`OQSmuimm01req/res`, `OQSmuimm02req/res`): two steps like
// 一括照会 — the 01 answer is a receipt with a `ReceptionNumber`, the 02
// request asks with it (header `MedicalInstitutionCode` only), the 02
// answer holds one `BulkRegistrationUnit` per card (MynaReception spec
// §6–§14; the unit's inner layout is read leniently: the entry echoed and
// `ProcessingResultStatus`/`Code`/`Message`).

/// `OQSmuimm01req`: several registrations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferenceBatchRequest {
    pub institution_code: String,
    pub file_id: Option<String>,
    pub entries: Vec<ReferenceRegistration>,
}

/// `OQSmuimm01res`: the batch was accepted (or not).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferenceBatchReceipt {
    /// `ReceptionNumber`: what the 02 request asks with.
    pub reception_number: Option<String>,
    pub processed_at: Option<NaiveDateTime>,
    /// Refused (header `SegmentOfResult` 9, or `ProcessingResultStatus` 2).
    pub error: Option<ProcessingError>,
}

/// `OQSmuimm02req`: the results of an accepted batch — the same two fields
/// as the 一括照会's `OQSmuquc02req`, read and written by the same code.
pub type ReferenceBatchResultRequest = super::eligibility::BatchResultRequest;

/// One `BulkRegistrationUnit`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferenceRegistrationUnit {
    pub entry: Option<ReferenceRegistration>,
    /// `None`: registered.
    pub error: Option<ProcessingError>,
}

/// `OQSmuimm02res`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferenceBatchResult {
    pub reception_number: Option<String>,
    pub processed_at: Option<NaiveDateTime>,
    /// `SegmentOfResult` 2 (処理中): not ready, ask again later.
    pub in_progress: bool,
    /// The whole batch refused (`SegmentOfResult` 9).
    pub error: Option<ProcessingError>,
    pub units: Vec<ReferenceRegistrationUnit>,
}

const UNIT: &str = "BulkRegistrationUnit";

fn header_error(header: Option<&Element>) -> Option<ProcessingError> {
    let h = header?;
    (h.get("SegmentOfResult") == Some("9")).then(|| ProcessingError {
        code: h.get_string("ErrorCode"),
        message: h.get_string("ErrorMessage"),
    })
}

fn status_error(e: &Element) -> Result<Option<ProcessingError>, OqsProblem> {
    match e.get("ProcessingResultStatus") {
        None | Some("1") => Ok(None),
        Some("2") => Ok(Some(ProcessingError {
            code: e.get_string("ProcessingResultCode"),
            message: e.get_string("ProcessingResultMessage"),
        })),
        Some(other) => Err(OqsProblem::BadValue { field: "ProcessingResultStatus".into(), value: other.into() }),
    }
}

fn processed_at(header: Option<&Element>) -> Option<NaiveDateTime> {
    lenient("ProcessExecutionTime", header.and_then(|h| h.get("ProcessExecutionTime")), parse_datetime)
}

fn reception(root: &Element) -> Option<String> {
    root.find("ReceptionNumber").and_then(Element::value).map(str::to_owned)
}

pub(crate) fn read_batch_request(root: &Element) -> Result<ReferenceBatchRequest, OqsProblem> {
    let header = root.child("MessageHeader").ok_or_else(|| missing("MessageHeader"))?;
    let mut infos = Vec::new();
    root.find_all(&[INFO], &mut infos);
    if infos.is_empty() {
        return Err(missing(INFO));
    }
    Ok(ReferenceBatchRequest {
        institution_code: header.get_string("MedicalInstitutionCode").ok_or_else(|| missing("MedicalInstitutionCode"))?,
        file_id: header.get_string("ArbitraryFileIdentifier"),
        entries: infos.into_iter().map(read_entry).collect::<Result<_, _>>()?,
    })
}

pub(crate) fn read_batch_receipt(root: &Element) -> Result<ReferenceBatchReceipt, OqsProblem> {
    let header = root.child("MessageHeader");
    let body = root.child("MessageBody").unwrap_or(root);
    let error = header_error(header).map(Ok).or_else(|| status_error(body).transpose()).transpose()?;
    let reception_number = reception(root);
    if error.is_none() && reception_number.is_none() {
        return Err(missing("ReceptionNumber"));
    }
    Ok(ReferenceBatchReceipt { reception_number, processed_at: processed_at(header), error })
}

pub(crate) fn read_batch_response(root: &Element) -> Result<ReferenceBatchResult, OqsProblem> {
    let header = root.child("MessageHeader");
    let in_progress = header.and_then(|h| h.get("SegmentOfResult")) == Some("2");
    let mut units = Vec::new();
    root.find_all(&[UNIT], &mut units);
    let units = units
        .into_iter()
        .map(|u| {
            Ok(ReferenceRegistrationUnit {
                // The entry echoed, in its own element or flat in the unit.
                entry: u.find(INFO).and_then(|e| read_entry(e).ok()).or_else(|| read_entry(u).ok()),
                error: status_error(u)?,
            })
        })
        .collect::<Result<Vec<_>, OqsProblem>>()?;
    Ok(ReferenceBatchResult {
        reception_number: reception(root),
        processed_at: processed_at(header),
        in_progress,
        error: header_error(header),
        units,
    })
}

/// `OQSmuimm01req`.
pub fn write_batch_registration_request(req: &ReferenceBatchRequest, encoding: Encoding) -> Vec<u8> {
    let mut out = XmlOut::new(encoding);
    out.open("XmlMsg");
    out.open("MessageHeader");
    out.leaf("MedicalInstitutionCode", &req.institution_code);
    out.opt("ArbitraryFileIdentifier", req.file_id.as_deref());
    out.close("MessageHeader");
    out.open("MessageBody");
    for e in &req.entries {
        write_entry(&mut out, e);
    }
    out.close("MessageBody");
    out.close("XmlMsg");
    out.finish(encoding)
}

fn write_status(out: &mut XmlOut, error: &Option<ProcessingError>) {
    match error {
        None => out.leaf("ProcessingResultStatus", "1"),
        Some(e) => {
            out.leaf("ProcessingResultStatus", "2");
            out.opt("ProcessingResultCode", e.code.as_deref());
            out.opt("ProcessingResultMessage", e.message.as_deref());
        }
    }
}

/// `OQSmuimm01res` (training terminal, tests).
pub fn write_batch_receipt(r: &ReferenceBatchReceipt, institution_code: Option<&str>, encoding: Encoding) -> Vec<u8> {
    let mut out = XmlOut::new(encoding);
    out.open("XmlMsg");
    out.open("MessageHeader");
    out.opt_datetime("ProcessExecutionTime", r.processed_at);
    out.opt("MedicalInstitutionCode", institution_code);
    out.leaf("SegmentOfResult", "1");
    out.leaf("CharacterCodeIdentifier", encoding.character_code_identifier());
    out.close("MessageHeader");
    out.open("MessageBody");
    write_status(&mut out, &r.error);
    out.opt("ReceptionNumber", r.reception_number.as_deref());
    out.close("MessageBody");
    out.close("XmlMsg");
    out.finish(encoding)
}

/// `OQSmuimm02res` (training terminal, tests).
pub fn write_batch_registration_response(r: &ReferenceBatchResult, institution_code: Option<&str>, encoding: Encoding) -> Vec<u8> {
    let mut out = XmlOut::new(encoding);
    out.open("XmlMsg");
    out.open("MessageHeader");
    out.opt_datetime("ProcessExecutionTime", r.processed_at);
    out.opt("MedicalInstitutionCode", institution_code);
    out.opt("ReceptionNumber", r.reception_number.as_deref());
    match (&r.error, r.in_progress) {
        (Some(e), _) => {
            out.leaf("SegmentOfResult", "9");
            out.opt("ErrorCode", e.code.as_deref());
            out.opt("ErrorMessage", e.message.as_deref());
        }
        (None, true) => out.leaf("SegmentOfResult", "2"),
        (None, false) => out.leaf("SegmentOfResult", "1"),
    }
    out.leaf("CharacterCodeIdentifier", encoding.character_code_identifier());
    out.close("MessageHeader");
    out.open("MessageBody");
    for u in &r.units {
        out.open(UNIT);
        if let Some(e) = &u.entry {
            write_entry(&mut out, e);
        }
        write_status(&mut out, &u.error);
        out.close(UNIT);
    }
    out.close("MessageBody");
    out.close("XmlMsg");
    out.finish(encoding)
}
