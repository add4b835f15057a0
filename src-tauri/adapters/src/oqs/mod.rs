//! The XML files of the OQS folder of the 資格確認端末 (see
//! `shared/OQS-INTERFACE.md`): reading responses (and requests, so a stand-in
//! terminal can answer them), writing requests (and responses, for the
//! training terminal and for round-trip tests), and file names.
//!
//! Reading goes bytes → text (encoding from a UTF-8 BOM or the XML
//! declaration; `Shift_JIS` read as Windows-31J) → a small element tree →
//! domain types. Element order does not matter, unknown elements are ignored,
//! optional elements may be missing; unknown codes in optional fields are
//! logged and dropped. Every failure is an [`OqsError`] naming the file; no
//! input makes this module panic.
//!
//! Insurer numbers in responses are taken as they come: the padding is
//! removed but the check digit is not verified (that is for what staff type).

mod eligibility;
mod error;
pub mod folder;
mod medical;
mod reference;
pub mod watch;
mod xml;
pub mod zipped;

use std::io::Read;
use std::path::Path;

use chrono::{NaiveDate, NaiveDateTime};
use madoguchi_core::medical::{CheckupResults, MedicationHistory};
use madoguchi_core::EligibilityResult;
use serde::{Deserialize, Serialize};

/// `OQSmuimm02req` has the form of `OQSmuquc02req`: one writer for both.
pub use eligibility::write_batch_result_request as write_reference_batch_result_request;
pub use eligibility::{
    write_batch_receipt, write_batch_request, write_batch_response, write_batch_result_request,
    write_eligibility_request, write_eligibility_response, write_eligibility_response_with,
    BatchReceipt, BatchRequest, BatchResult, BatchResultRequest, EligibilityRequest,
    ResponseHeader, SearchEntry,
};
pub use eligibility::NO_TIME;
pub use error::{OqsError, OqsProblem};
pub use medical::{
    write_checkup_response, write_medical_request, write_medication_response, FileCategory,
    MedicalRequest, MedicalRequestKind, TreatmentSetting,
};
pub use reference::{
    write_batch_receipt as write_reference_batch_receipt, write_batch_registration_request,
    write_batch_registration_response, write_registration_request, write_registration_response,
    ReferenceBatchReceipt, ReferenceBatchRequest, ReferenceBatchResult, ReferenceBatchResultRequest,
    ReferenceRegistration, ReferenceRegistrationRequest, ReferenceRegistrationResult,
    ReferenceRegistrationUnit,
};
pub use folder::{OqsFolderConfig, OqsFolderGateway, OqsFolderLayout};
pub use watch::{ingest_pending, FaceEvent, FaceIngest, FaceOptions, FaceWatcher};
pub use xml::{Encoding, MAX_DEPTH, MAX_ELEMENTS};

/// Files larger than this are refused unread (the largest real responses,
/// years of medication history, are well below 1 MiB).
pub const MAX_FILE_SIZE: u64 = 8 * 1024 * 1024;

/// The label used in errors for [`parse_bytes`].
pub const BYTES_LABEL: &str = "(bytes)";

/// The kinds of OQS files, by file-name prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OqsKind {
    /// `OQSsiquc01req`
    EligibilityRequest,
    /// `OQSsiquc01res` (also `face/` results)
    EligibilityResponse,
    /// `OQSmuquc01req`
    BatchRequest,
    /// `OQSmuquc01res`: the batch was accepted (`ReceptionNumber`), no results.
    BatchReceipt,
    /// `OQSmuquc02req`: fetch a batch's results by its `ReceptionNumber`.
    BatchResultRequest,
    /// `OQSmuquc02res`
    BatchResponse,
    /// `YZKsiquc01req`
    MedicationRequest,
    /// `YZKsiquc01res`
    MedicationResponse,
    /// `TKKsiquc01req`
    CheckupRequest,
    /// `TKKsiquc01res`
    CheckupResponse,
    /// `OQSsiimm01req`: register a card's 照会番号.
    ReferenceRegistrationRequest,
    /// `OQSsiimm01res`
    ReferenceRegistrationResponse,
    /// `OQSmuimm01req`: 照会番号一括登録.
    ReferenceBatchRequest,
    /// `OQSmuimm01res`: its receipt (`ReceptionNumber`).
    ReferenceBatchReceipt,
    /// `OQSmuimm02req`: ask for its results.
    ReferenceBatchResultRequest,
    /// `OQSmuimm02res`: the results (`BulkRegistrationUnit`*).
    ReferenceBatchResponse,
}

impl OqsKind {
    pub const ALL: [OqsKind; 16] = [
        OqsKind::EligibilityRequest,
        OqsKind::EligibilityResponse,
        OqsKind::BatchRequest,
        OqsKind::BatchReceipt,
        OqsKind::BatchResultRequest,
        OqsKind::BatchResponse,
        OqsKind::MedicationRequest,
        OqsKind::MedicationResponse,
        OqsKind::CheckupRequest,
        OqsKind::CheckupResponse,
        OqsKind::ReferenceRegistrationRequest,
        OqsKind::ReferenceRegistrationResponse,
        OqsKind::ReferenceBatchRequest,
        OqsKind::ReferenceBatchReceipt,
        OqsKind::ReferenceBatchResultRequest,
        OqsKind::ReferenceBatchResponse,
    ];

    /// The file-name prefix, e.g. `OQSsiquc01req`.
    pub fn prefix(self) -> &'static str {
        match self {
            OqsKind::EligibilityRequest => "OQSsiquc01req",
            OqsKind::EligibilityResponse => "OQSsiquc01res",
            OqsKind::BatchRequest => "OQSmuquc01req",
            OqsKind::BatchReceipt => "OQSmuquc01res",
            OqsKind::BatchResultRequest => "OQSmuquc02req",
            OqsKind::BatchResponse => "OQSmuquc02res",
            OqsKind::MedicationRequest => "YZKsiquc01req",
            OqsKind::MedicationResponse => "YZKsiquc01res",
            OqsKind::CheckupRequest => "TKKsiquc01req",
            OqsKind::CheckupResponse => "TKKsiquc01res",
            OqsKind::ReferenceRegistrationRequest => "OQSsiimm01req",
            OqsKind::ReferenceRegistrationResponse => "OQSsiimm01res",
            OqsKind::ReferenceBatchRequest => "OQSmuimm01req",
            OqsKind::ReferenceBatchReceipt => "OQSmuimm01res",
            OqsKind::ReferenceBatchResultRequest => "OQSmuimm02req",
            OqsKind::ReferenceBatchResponse => "OQSmuimm02res",
        }
    }

    pub fn is_request(self) -> bool {
        self.prefix().ends_with("req")
    }

    /// The kind of the answer to a request (`…req` → `…res`).
    pub fn response(self) -> Option<OqsKind> {
        let p = self.prefix().strip_suffix("req")?;
        OqsKind::ALL
            .into_iter()
            .find(|k| k.prefix().strip_suffix("res") == Some(p))
    }
}

/// The base name of a path given with `/` or `\` separators.
fn base_name(name: &str) -> &str {
    name.rsplit(['/', '\\']).next().unwrap_or(name)
}

/// Which OQS file a name is: `<prefix>_….xml` (prefix compared ignoring ASCII
/// case, directories ignored). `None` for other names, `.zip` and `.pdf`.
pub fn classify(file_name: &str) -> Option<OqsKind> {
    let name = base_name(file_name);
    let lower = name.to_ascii_lowercase();
    if !lower.ends_with(".xml") {
        return None;
    }
    OqsKind::ALL.into_iter().find(|k| {
        let p = k.prefix().to_ascii_lowercase();
        lower.starts_with(&p) && matches!(lower.as_bytes().get(p.len()), Some(b'_') | Some(b'.'))
    })
}

/// The largest daily serial of a request name (four digits).
pub const MAX_DAILY_SERIAL: u32 = 9999;

/// A request file name as the national system's clients write them:
/// `<prefix>_<yyyyMMdd><4-digit daily serial>.xml`, e.g.
/// `OQSmuquc01req_202611200001.xml` (OQS-INTERFACE.md, "Batch"). `serial`
/// counts the requests of `day` from 1 (taken modulo 10 000).
pub fn request_file_name(kind: OqsKind, day: NaiveDate, serial: u32) -> String {
    format!(
        "{}_{}{:04}.xml",
        kind.prefix(),
        day.format("%Y%m%d"),
        serial % (MAX_DAILY_SERIAL + 1)
    )
}

/// The daily serial of an OQS file of `day` named as [`request_file_name`]
/// makes them (any OQS prefix, request or answer, `.xml`, `.zip`, `.err`
/// or `.xml.err`); `None` for other names and other days.
pub fn daily_serial(file_name: &str, day: NaiveDate) -> Option<u32> {
    let name = base_name(file_name);
    let lower = name.to_ascii_lowercase();
    let kind = OqsKind::ALL
        .into_iter()
        .find(|k| lower.starts_with(&format!("{}_", k.prefix().to_ascii_lowercase())))?;
    let rest = &name[kind.prefix().len() + 1..];
    let rest = rest.strip_prefix(&day.format("%Y%m%d").to_string())?;
    let digits = rest.get(..4)?;
    let tail = rest[4..].to_ascii_lowercase();
    if !digits.bytes().all(|b| b.is_ascii_digit()) || !matches!(tail.as_str(), ".xml" | ".zip" | ".err" | ".xml.err") {
        return None;
    }
    digits.parse().ok()
}

/// The name of the response to a request: `req` replaced by `res` in the
/// prefix. `None` when `request_name` is not a request's name.
pub fn response_file_name(request_name: &str) -> Option<String> {
    let name = base_name(request_name);
    let kind = classify(name)?;
    let response = kind.response()?;
    Some(format!(
        "{}{}",
        response.prefix(),
        &name[kind.prefix().len()..]
    ))
}

/// A file of the OQS folder, read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "data", rename_all = "snake_case")]
#[allow(clippy::large_enum_variant)] // one per file read; boxing would only add noise
pub enum OqsDocument {
    /// `OQSsiquc01res` and `face/` results.
    Eligibility(EligibilityResult),
    /// `OQSmuquc02res`.
    Batch(BatchResult),
    /// `OQSmuquc01res`.
    BatchReceipt(BatchReceipt),
    /// `OQSmuquc02req`.
    BatchResultRequest(BatchResultRequest),
    /// `YZKsiquc01res`.
    Medication(MedicationHistory),
    /// `TKKsiquc01res`.
    Checkups(CheckupResults),
    /// `OQSsiquc01req`.
    EligibilityRequest(EligibilityRequest),
    /// `OQSmuquc01req`.
    BatchRequest(BatchRequest),
    /// `YZKsiquc01req` / `TKKsiquc01req`.
    MedicalRequest(MedicalRequest),
    /// `OQSsiimm01req`.
    ReferenceRegistrationRequest(ReferenceRegistrationRequest),
    /// `OQSsiimm01res`.
    ReferenceRegistration(ReferenceRegistrationResult),
    /// `OQSmuimm01req`.
    ReferenceBatchRequest(ReferenceBatchRequest),
    /// `OQSmuimm01res`.
    ReferenceBatchReceipt(ReferenceBatchReceipt),
    /// `OQSmuimm02req`.
    ReferenceBatchResultRequest(ReferenceBatchResultRequest),
    /// `OQSmuimm02res`.
    ReferenceBatch(ReferenceBatchResult),
}

impl OqsDocument {
    pub fn kind(&self) -> OqsKind {
        match self {
            OqsDocument::Eligibility(_) => OqsKind::EligibilityResponse,
            OqsDocument::Batch(_) => OqsKind::BatchResponse,
            OqsDocument::BatchReceipt(_) => OqsKind::BatchReceipt,
            OqsDocument::BatchResultRequest(_) => OqsKind::BatchResultRequest,
            OqsDocument::Medication(_) => OqsKind::MedicationResponse,
            OqsDocument::Checkups(_) => OqsKind::CheckupResponse,
            OqsDocument::EligibilityRequest(_) => OqsKind::EligibilityRequest,
            OqsDocument::BatchRequest(_) => OqsKind::BatchRequest,
            OqsDocument::ReferenceRegistrationRequest(_) => OqsKind::ReferenceRegistrationRequest,
            OqsDocument::ReferenceRegistration(_) => OqsKind::ReferenceRegistrationResponse,
            OqsDocument::ReferenceBatchRequest(_) => OqsKind::ReferenceBatchRequest,
            OqsDocument::ReferenceBatchReceipt(_) => OqsKind::ReferenceBatchReceipt,
            OqsDocument::ReferenceBatchResultRequest(_) => OqsKind::ReferenceBatchResultRequest,
            OqsDocument::ReferenceBatch(_) => OqsKind::ReferenceBatchResponse,
            OqsDocument::MedicalRequest(r) => match r.kind {
                MedicalRequestKind::Medication => OqsKind::MedicationRequest,
                MedicalRequestKind::Checkups => OqsKind::CheckupRequest,
            },
        }
    }
}

/// Reads a file of the OQS folder, by its name's prefix (or, for other
/// names, by its content). Files over [`MAX_FILE_SIZE`] are refused unread.
pub fn parse_file(path: impl AsRef<Path>) -> Result<OqsDocument, OqsError> {
    let path = path.as_ref();
    let label = path.display().to_string();
    let io = |e: std::io::Error| OqsError::new(&label, OqsProblem::from_io(&e));
    // A regular file only: a named pipe would block here forever.
    let file = crate::input_file::open_regular(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if meta.len() > MAX_FILE_SIZE {
        return Err(OqsError::new(
            &label,
            OqsProblem::TooLarge {
                size: meta.len(),
                limit: MAX_FILE_SIZE,
            },
        ));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_FILE_SIZE + 1).read_to_end(&mut bytes).map_err(io)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    parse_inner(classify(&name), &bytes).map_err(|p| OqsError::new(label, p))
}

/// A result whose answer gave no `ProcessExecutionTime` is dated when the
/// desk received the file (and its day, when the answer gave no
/// `QualificationConfirmationDate` either); `missing` keeps saying that the
/// answer had no time of its own. Complete results are left as they are.
pub fn stamp_received(result: &mut EligibilityResult, received_at: NaiveDateTime) {
    if result.missing.iter().any(|m| m == "ProcessExecutionTime") {
        result.confirmed_at = received_at;
        if result.missing.iter().any(|m| m == "QualificationConfirmationDate") {
            result.confirmation_date = received_at.date();
        }
    }
}

/// Reads bytes named `file_name` (kind from the name, else from the content).
/// Errors carry `file_name`.
pub fn parse_named(file_name: &str, bytes: &[u8]) -> Result<OqsDocument, OqsError> {
    parse_inner(classify(file_name), bytes).map_err(|p| OqsError::new(file_name, p))
}

/// Reads bytes as a file of `kind`. Errors are labelled [`BYTES_LABEL`].
pub fn parse_bytes(kind: OqsKind, bytes: &[u8]) -> Result<OqsDocument, OqsError> {
    parse_inner(Some(kind), bytes).map_err(|p| OqsError::new(BYTES_LABEL, p))
}

fn parse_inner(kind: Option<OqsKind>, bytes: &[u8]) -> Result<OqsDocument, OqsProblem> {
    if bytes.len() as u64 > MAX_FILE_SIZE {
        return Err(OqsProblem::TooLarge {
            size: bytes.len() as u64,
            limit: MAX_FILE_SIZE,
        });
    }
    if bytes.is_empty() {
        return Err(OqsProblem::Empty);
    }
    let (text, _encoding) = xml::decode(bytes)?;
    let root = xml::parse_tree(&text)?;
    if root.name != "XmlMsg" {
        return Err(OqsProblem::UnexpectedRoot {
            found: root.name.chars().take(64).collect(),
        });
    }
    let kind = kind
        .or_else(|| sniff(&root))
        .ok_or(OqsProblem::UnknownKind)?;
    Ok(match kind {
        OqsKind::EligibilityResponse => {
            OqsDocument::Eligibility(eligibility::read_eligibility_response(&root)?)
        }
        OqsKind::BatchResponse => OqsDocument::Batch(eligibility::read_batch_response(&root)?),
        OqsKind::MedicationResponse => {
            OqsDocument::Medication(medical::read_medication_response(&root)?)
        }
        OqsKind::CheckupResponse => OqsDocument::Checkups(medical::read_checkup_response(&root)?),
        OqsKind::EligibilityRequest => {
            OqsDocument::EligibilityRequest(eligibility::read_eligibility_request(&root)?)
        }
        OqsKind::BatchRequest => OqsDocument::BatchRequest(eligibility::read_batch_request(&root)?),
        OqsKind::MedicationRequest => OqsDocument::MedicalRequest(medical::read_medical_request(
            &root,
            MedicalRequestKind::Medication,
        )?),
        OqsKind::CheckupRequest => OqsDocument::MedicalRequest(medical::read_medical_request(
            &root,
            MedicalRequestKind::Checkups,
        )?),
        OqsKind::ReferenceRegistrationRequest => OqsDocument::ReferenceRegistrationRequest(
            reference::read_registration_request(&root)?,
        ),
        OqsKind::ReferenceRegistrationResponse => {
            OqsDocument::ReferenceRegistration(reference::read_registration_response(&root)?)
        }
        OqsKind::ReferenceBatchRequest => OqsDocument::ReferenceBatchRequest(reference::read_batch_request(&root)?),
        OqsKind::ReferenceBatchReceipt => OqsDocument::ReferenceBatchReceipt(reference::read_batch_receipt(&root)?),
        OqsKind::ReferenceBatchResultRequest => {
            OqsDocument::ReferenceBatchResultRequest(eligibility::read_batch_result_request(&root)?)
        }
        OqsKind::ReferenceBatchResponse => OqsDocument::ReferenceBatch(reference::read_batch_response(&root)?),
        OqsKind::BatchReceipt => OqsDocument::BatchReceipt(eligibility::read_batch_receipt(&root)?),
        OqsKind::BatchResultRequest => {
            OqsDocument::BatchResultRequest(eligibility::read_batch_result_request(&root)?)
        }
    })
}

/// The kind of a document whose name says nothing, from its elements.
fn sniff(root: &xml::Element) -> Option<OqsKind> {
    let has = |n: &str| root.find(n).is_some();
    if has("BulkRegistrationUnit") {
        return Some(OqsKind::ReferenceBatchResponse);
    }
    let mut registrations = Vec::new();
    root.find_all(&["ReferenceNumberRegistrationInfo"], &mut registrations);
    if registrations.len() > 1 {
        return Some(OqsKind::ReferenceBatchRequest);
    }
    if registrations.len() == 1 {
        return Some(if has("ProcessingResultStatus") || has("SegmentOfResult") {
            OqsKind::ReferenceRegistrationResponse
        } else {
            OqsKind::ReferenceRegistrationRequest
        });
    }
    if has("BulkConfirmUnit") {
        return Some(OqsKind::BatchResponse);
    }
    // The two steps of a batch, by what only they carry.
    if has("ReceptionNumber") && !has("QualificationConfirmSearchInfo") {
        let counts = ["NumberOfProcessingResult", "NumberOfNormalProcessing", "NumberOfError"];
        if counts.iter().any(|n| has(n)) || root.find("SegmentOfResult").and_then(|e| e.value()) == Some("2") {
            return Some(OqsKind::BatchResponse);
        }
        if has("ReceptionDateTime") || has("SegmentOfResult") || has("ProcessExecutionTime") {
            return Some(OqsKind::BatchReceipt);
        }
        return Some(OqsKind::BatchResultRequest);
    }
    if has("ResultOfQualificationConfirmation")
        || has("ProcessingResultStatus")
        || has("QualificationValidity")
    {
        return Some(OqsKind::EligibilityResponse);
    }
    if [
        "QuaInf",
        "MeTrMonthInf",
        "ShPrInf",
        "ShPrMonthInf",
        "CzDiInf",
        "CzDiMonthInf",
    ]
    .iter()
    .any(|n| has(n))
    {
        return Some(OqsKind::MedicationResponse);
    }
    if has("QualificationsInfo") || has("SpecificHealthCheckupInfo") {
        return Some(OqsKind::CheckupResponse);
    }
    let mut infos = Vec::new();
    root.find_all(&["QualificationConfirmSearchInfo"], &mut infos);
    match infos.len() {
        0 => {}
        1 => return Some(OqsKind::EligibilityRequest),
        _ => return Some(OqsKind::BatchRequest),
    }
    if has("InsuredPersonIdentificationNumber") && has("FileCategory") {
        let medication = has("StartDate")
            || matches!(
                root.find("FileCategory").and_then(|e| e.value()),
                Some("3" | "4")
            );
        if medication {
            return Some(OqsKind::MedicationRequest);
        }
    }
    None
}
