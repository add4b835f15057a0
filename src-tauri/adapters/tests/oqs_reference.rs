//! 照会番号 registration files (`OQSsiimm01req/res`): what the desk writes,
//! field by field, and what it reads from an answer — registered, refused
//! in the body, refused in the header, or not understandable.

use madoguchi_adapters::oqs::{
    self, write_registration_request, write_registration_response, Encoding, OqsDocument, OqsKind,
    OqsProblem, ReferenceRegistration, ReferenceRegistrationRequest, ReferenceRegistrationResult,
};
use madoguchi_core::{InsurerNumber, ProcessingError};

fn entry() -> ReferenceRegistration {
    ReferenceRegistration {
        reference_number: "24434".into(),
        insurer_number: InsurerNumber::from_trusted("138149"),
        symbol: "ｱｲ".into(),
        number: "1234567".into(),
        branch: Some("00".into()),
    }
}

#[test]
fn the_request_names_the_card_and_the_number_in_shift_jis() {
    let req = ReferenceRegistrationRequest {
        institution_code: "1312345678".into(),
        file_id: Some("20261207235000001".into()),
        entry: entry(),
    };
    let bytes = write_registration_request(&req, Encoding::ShiftJis);
    let text = encoding_rs::SHIFT_JIS.decode(&bytes).0.into_owned();
    assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"Shift_JIS\""), "{text}");
    let header = &text[text.find("<MessageHeader>").unwrap()..text.find("</MessageHeader>").unwrap()];
    assert!(header.contains("<MedicalInstitutionCode>1312345678</MedicalInstitutionCode>"));
    assert!(header.contains("<ArbitraryFileIdentifier>20261207235000001</ArbitraryFileIdentifier>"));
    let info = &text[text.find("<ReferenceNumberRegistrationInfo>").unwrap()..text.find("</ReferenceNumberRegistrationInfo>").unwrap()];
    for tag in [
        "<ReferenceNumber>24434</ReferenceNumber>",
        // a 6-digit 国保 number padded with spaces, as in every request
        "<InsurerNumber>  138149</InsurerNumber>",
        "<InsuredCardSymbol>ｱｲ</InsuredCardSymbol>",
        "<InsuredIdentificationNumber>1234567</InsuredIdentificationNumber>",
        "<InsuredBranchNumber>00</InsuredBranchNumber>",
    ] {
        assert!(info.contains(tag), "{tag} in\n{info}");
    }
    // Read back (the training terminal reads it so), by name and by content.
    let name = oqs::request_file_name(OqsKind::ReferenceRegistrationRequest, chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap(), 1);
    assert_eq!(name, "OQSsiimm01req_202612070001.xml");
    assert_eq!(oqs::response_file_name(&name).as_deref(), Some("OQSsiimm01res_202612070001.xml"));
    assert_eq!(oqs::parse_named(&name, &bytes).unwrap(), OqsDocument::ReferenceRegistrationRequest(req.clone()));
    assert_eq!(oqs::parse_named("unnamed.xml", &bytes).unwrap(), OqsDocument::ReferenceRegistrationRequest(req));
}

fn answer(body: &str, header_extra: &str) -> Vec<u8> {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><XmlMsg><MessageHeader>\
         <ProcessExecutionTime>20261207235001</ProcessExecutionTime>\
         <MedicalInstitutionCode>1312345678</MedicalInstitutionCode>{header_extra}\
         <CharacterCodeIdentifier>0</CharacterCodeIdentifier></MessageHeader>\
         <MessageBody>{body}</MessageBody></XmlMsg>"
    )
    .into_bytes()
}

const ECHO: &str = "<ReferenceNumberRegistrationInfo><ReferenceNumber>24434</ReferenceNumber>\
    <InsurerNumber>  138149</InsurerNumber><InsuredCardSymbol>ｱｲ</InsuredCardSymbol>\
    <InsuredIdentificationNumber>1234567</InsuredIdentificationNumber>\
    <InsuredBranchNumber>00</InsuredBranchNumber></ReferenceNumberRegistrationInfo>";

fn read(bytes: &[u8]) -> Result<ReferenceRegistrationResult, OqsProblem> {
    match oqs::parse_bytes(OqsKind::ReferenceRegistrationResponse, bytes) {
        Ok(OqsDocument::ReferenceRegistration(r)) => Ok(r),
        Ok(other) => panic!("{other:?}"),
        Err(e) => Err(e.problem),
    }
}

#[test]
fn a_registered_answer() {
    let r = read(&answer(&format!("<ProcessingResultStatus>1</ProcessingResultStatus>{ECHO}"), "<SegmentOfResult>1</SegmentOfResult>")).unwrap();
    assert_eq!(r.error, None);
    assert_eq!(r.entry, Some(entry()));
    assert_eq!(r.processed_at, chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap().and_hms_opt(23, 50, 1));
}

#[test]
fn a_refusal_in_the_body_keeps_its_code_and_message() {
    let r = read(&answer(
        &format!("<ProcessingResultStatus>2</ProcessingResultStatus><ProcessingResultCode>E001</ProcessingResultCode>\
                  <ProcessingResultMessage>該当する被保険者の情報が存在しません。</ProcessingResultMessage>{ECHO}"),
        "",
    ))
    .unwrap();
    assert_eq!(
        r.error,
        Some(ProcessingError { code: Some("E001".into()), message: Some("該当する被保険者の情報が存在しません。".into()) })
    );
    assert_eq!(r.entry.unwrap().reference_number, "24434");
}

#[test]
fn a_refusal_in_the_header() {
    let r = read(&answer("", "<SegmentOfResult>9</SegmentOfResult><ErrorCode>9001</ErrorCode><ErrorMessage>形式エラー</ErrorMessage>")).unwrap();
    assert_eq!(r.error, Some(ProcessingError { code: Some("9001".into()), message: Some("形式エラー".into()) }));
    assert_eq!(r.entry, None);
}

#[test]
fn an_answer_that_says_neither_is_refused_in_words() {
    let e = read(&answer(ECHO, "")).unwrap_err();
    assert_eq!(e, OqsProblem::MissingField { field: "ProcessingResultStatus".into() });
    let e = read(&answer("<ProcessingResultStatus>7</ProcessingResultStatus>", "")).unwrap_err();
    assert!(matches!(e, OqsProblem::BadValue { ref field, .. } if field == "ProcessingResultStatus"), "{e:?}");
}

#[test]
fn the_training_terminals_answer_reads_back() {
    for error in [None, Some(ProcessingError { code: Some("3".into()), message: Some("照会番号の形式が正しくありません。".into()) })] {
        let result = ReferenceRegistrationResult {
            processed_at: chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap().and_hms_opt(23, 50, 1),
            error,
            entry: Some(entry()),
        };
        for encoding in [Encoding::Utf8, Encoding::ShiftJis] {
            let bytes = write_registration_response(&result, Some("1312345678"), Some("x"), encoding);
            assert_eq!(read(&bytes).unwrap(), result);
            assert_eq!(
                oqs::parse_named("OQSsiimm01res_20261207235000001.xml", &bytes).unwrap(),
                OqsDocument::ReferenceRegistration(result.clone())
            );
        }
    }
}

#[test]
fn the_batch_files_two_steps() {
    use madoguchi_adapters::oqs::{
        write_batch_registration_request, write_reference_batch_result_request as write_batch_result_request, ReferenceBatchRequest,
        ReferenceBatchResultRequest,
    };
    let req = ReferenceBatchRequest {
        institution_code: "1312345678".into(),
        file_id: Some("f1".into()),
        entries: vec![entry(), ReferenceRegistration { reference_number: "24435".into(), branch: None, ..entry() }],
    };
    let bytes = write_batch_registration_request(&req, Encoding::ShiftJis);
    let text = encoding_rs::SHIFT_JIS.decode(&bytes).0.into_owned();
    assert_eq!(text.matches("<ReferenceNumberRegistrationInfo>").count(), 2, "{text}");
    assert_eq!(oqs::parse_named("OQSmuimm01req_202612070001.xml", &bytes).unwrap(), OqsDocument::ReferenceBatchRequest(req.clone()));
    assert_eq!(oqs::parse_named("unnamed.xml", &bytes).unwrap(), OqsDocument::ReferenceBatchRequest(req));

    // The receipt: a ReceptionNumber, no results.
    let receipt = answer("<ProcessingResultStatus>1</ProcessingResultStatus><ReceptionNumber>R0001</ReceptionNumber>", "<SegmentOfResult>1</SegmentOfResult>");
    let OqsDocument::ReferenceBatchReceipt(r) = oqs::parse_named("OQSmuimm01res_202612070001.xml", &receipt).unwrap() else { panic!() };
    assert_eq!((r.reception_number.as_deref(), r.error), (Some("R0001"), None));
    let e = oqs::parse_named("OQSmuimm01res_202612070001.xml", &answer("<ProcessingResultStatus>1</ProcessingResultStatus>", "")).unwrap_err();
    assert_eq!(e.problem, OqsProblem::MissingField { field: "ReceptionNumber".into() });

    // The second request: the institution in the header, nothing else there.
    let ask = write_batch_result_request(&ReferenceBatchResultRequest { institution_code: "1312345678".into(), reception_number: "R0001".into() }, Encoding::Utf8);
    let text = String::from_utf8(ask.clone()).unwrap();
    let header = &text[text.find("<MessageHeader>").unwrap()..text.find("</MessageHeader>").unwrap()];
    assert_eq!(header.matches("</").count(), 1, "header: MedicalInstitutionCode only:\n{header}");
    assert!(text.contains("<ReceptionNumber>R0001</ReceptionNumber>"));

    // 処理中, then units (one refused).
    let name = "OQSmuimm02res_202612070002.xml";
    let OqsDocument::ReferenceBatch(b) = oqs::parse_named(name, &answer("", "<ReceptionNumber>R0001</ReceptionNumber><SegmentOfResult>2</SegmentOfResult>")).unwrap() else { panic!() };
    assert!(b.in_progress && b.units.is_empty());
    let body = format!(
        "<BulkRegistrationUnit>{ECHO}<ProcessingResultStatus>1</ProcessingResultStatus></BulkRegistrationUnit>\
         <BulkRegistrationUnit>{ECHO}<ProcessingResultStatus>2</ProcessingResultStatus><ProcessingResultCode>E1</ProcessingResultCode>\
         <ProcessingResultMessage>登録できません</ProcessingResultMessage></BulkRegistrationUnit>"
    );
    let OqsDocument::ReferenceBatch(b) = oqs::parse_named(name, &answer(&body, "<ReceptionNumber>R0001</ReceptionNumber><SegmentOfResult>1</SegmentOfResult>")).unwrap() else { panic!() };
    assert!(!b.in_progress);
    assert_eq!(b.reception_number.as_deref(), Some("R0001"));
    assert_eq!(b.units.len(), 2);
    assert_eq!(b.units[0].entry, Some(entry()));
    assert_eq!(b.units[0].error, None);
    assert_eq!(b.units[1].error, Some(ProcessingError { code: Some("E1".into()), message: Some("登録できません".into()) }));
    // By content too.
    assert!(matches!(oqs::parse_named("unnamed.xml", &answer(&body, "")).unwrap(), OqsDocument::ReferenceBatch(_)));
}
