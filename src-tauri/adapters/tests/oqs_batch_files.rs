//! The two-step 一括照会 files as the real terminal writes them
//! (OQS-INTERFACE.md, "What other implementations show": smart-test
//! `UseCase/XmlDTD/QCBI*`, OQSDrug2 `BulkQualificationService.cs`): the
//! receipt `OQSmuquc01res`, the request `OQSmuquc02req`, the answer
//! `OQSmuquc02res` saying 処理中 or carrying `BulkConfirmUnit`s with
//! `LimitApplicationCertificateChanged`, and that answer zipped — with the
//! zip's guards (size, entry names, which entry).

use std::io::{Cursor, Write};

use chrono::NaiveDate;
use madoguchi_adapters::oqs::folder::read_answer;
use madoguchi_adapters::oqs::zipped::{unzip_answer, zip_answer};
use madoguchi_adapters::oqs::{
    self, BatchResultRequest, Encoding, OqsDocument, OqsKind, OqsProblem, MAX_FILE_SIZE,
};
use madoguchi_core::codes::Validity;

fn sjis(text: &str) -> Vec<u8> {
    let (bytes, _, lossy) = encoding_rs::SHIFT_JIS.encode(text);
    assert!(!lossy);
    bytes.into_owned()
}

fn at(y: i32, m: u32, d: u32, h: u32, mi: u32, s: u32) -> chrono::NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(h, mi, s).unwrap()
}

const RECEIPT: &str = r#"<?xml version="1.0" encoding="Shift_JIS"?>
<XmlMsg>
  <MessageHeader>
    <ProcessExecutionTime>20261207091502</ProcessExecutionTime>
    <MedicalInstitutionCode>1312345678</MedicalInstitutionCode>
    <ArbitraryFileIdentifier>202612070001</ArbitraryFileIdentifier>
    <CharacterCodeIdentifier>1</CharacterCodeIdentifier>
  </MessageHeader>
  <MessageBody>
    <ReceptionNumber>20261207000123</ReceptionNumber>
    <ReceptionDateTime>20261207091501</ReceptionDateTime>
  </MessageBody>
</XmlMsg>
"#;

#[test]
fn a_receipt_gives_its_reception_number_and_time_and_no_results() {
    let doc = oqs::parse_named("OQSmuquc01res_202612070001.xml", &sjis(RECEIPT)).unwrap();
    let OqsDocument::BatchReceipt(r) = doc else { panic!("{doc:?}") };
    assert_eq!(r.reception_number.as_deref(), Some("20261207000123"));
    assert_eq!(r.received_at, Some(at(2026, 12, 7, 9, 15, 1)));
    assert_eq!(r.processed_at, Some(at(2026, 12, 7, 9, 15, 2)));
    assert_eq!(r.institution_code.as_deref(), Some("1312345678"));
    assert_eq!(r.file_id.as_deref(), Some("202612070001"));
    assert_eq!(r.error, None);
    // The same file without a name is known by what it holds.
    assert!(matches!(oqs::parse_named("x.xml", &sjis(RECEIPT)).unwrap(), OqsDocument::BatchReceipt(_)));
    // A receipt that names no 受付番号 and says no error cannot be used.
    let none = RECEIPT.replace("<ReceptionNumber>20261207000123</ReceptionNumber>", "");
    let e = oqs::parse_named("OQSmuquc01res_202612070001.xml", &sjis(&none)).unwrap_err();
    assert_eq!(e.problem, OqsProblem::MissingField { field: "ReceptionNumber".into() });
}

#[test]
fn the_results_request_carries_only_the_institution_and_the_reception_number() {
    let req = BatchResultRequest { institution_code: "1312345678".into(), reception_number: "20261207000123".into() };
    let bytes = oqs::write_batch_result_request(&req, Encoding::ShiftJis);
    let text = encoding_rs::SHIFT_JIS.decode(&bytes).0.into_owned();
    let squeezed: String = text.split_whitespace().collect();
    assert!(
        squeezed.contains(
            "<XmlMsg><MessageHeader><MedicalInstitutionCode>1312345678</MedicalInstitutionCode></MessageHeader>\
             <MessageBody><ReceptionNumber>20261207000123</ReceptionNumber></MessageBody></XmlMsg>"
        ),
        "{text}"
    );
    assert_eq!(
        oqs::parse_named("OQSmuquc02req_202612070002.xml", &bytes).unwrap(),
        OqsDocument::BatchResultRequest(req)
    );
}

const IN_PROGRESS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<XmlMsg>
  <MessageHeader>
    <ProcessExecutionTime>20261207091600</ProcessExecutionTime>
    <MedicalInstitutionCode>1312345678</MedicalInstitutionCode>
    <ReceptionNumber>20261207000123</ReceptionNumber>
    <SegmentOfResult>2</SegmentOfResult>
    <CharacterCodeIdentifier>0</CharacterCodeIdentifier>
  </MessageHeader>
  <MessageBody/>
</XmlMsg>
"#;

#[test]
fn segment_of_result_2_says_still_processing() {
    let doc = oqs::parse_named("OQSmuquc02res_202612070002.xml", IN_PROGRESS.as_bytes()).unwrap();
    let OqsDocument::Batch(b) = doc else { panic!("{doc:?}") };
    assert!(b.in_progress);
    assert_eq!(b.error, None);
    assert!(b.results.is_empty());
    assert_eq!(b.reception_number.as_deref(), Some("20261207000123"));
    // Nameless, it is still a batch answer, not a receipt.
    assert!(matches!(oqs::parse_named("x.xml", IN_PROGRESS.as_bytes()).unwrap(), OqsDocument::Batch(b) if b.in_progress));
}

fn unit(number: &str, changed: Option<&str>) -> String {
    format!(
        "<BulkConfirmUnit>
      <ProcessingResultStatus>1</ProcessingResultStatus>
      <QualificationValidity>1</QualificationValidity>
      <ResultOfQualificationConfirmation>
        <InsuredCardClassification>01</InsuredCardClassification>
        <InsurerNumber>06139995</InsurerNumber>
        <InsuredCardSymbol>1</InsuredCardSymbol>
        <InsuredIdentificationNumber>{number}</InsuredIdentificationNumber>
        <Name>窓口　太郎</Name>
        <NameKana>マドグチ　タロウ</NameKana>
        <Sex1>1</Sex1>
        <Birthdate>19800101</Birthdate>
        <InsuredPartialContributionRatio>030</InsuredPartialContributionRatio>
      </ResultOfQualificationConfirmation>
      {}
    </BulkConfirmUnit>",
        changed.map(|c| format!("<LimitApplicationCertificateChanged>{c}</LimitApplicationCertificateChanged>")).unwrap_or_default()
    )
}

fn results_file() -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<XmlMsg>
  <MessageHeader>
    <ProcessExecutionTime>20261207092000</ProcessExecutionTime>
    <QualificationConfirmationDate>20261207</QualificationConfirmationDate>
    <MedicalInstitutionCode>1312345678</MedicalInstitutionCode>
    <ReceptionNumber>20261207000123</ReceptionNumber>
    <SegmentOfResult>1</SegmentOfResult>
    <NumberOfProcessingResult>4</NumberOfProcessingResult>
    <NumberOfNormalProcessing>4</NumberOfNormalProcessing>
    <NumberOfError>0</NumberOfError>
    <CharacterCodeIdentifier>0</CharacterCodeIdentifier>
  </MessageHeader>
  <MessageBody>
    {}{}{}{}
  </MessageBody>
</XmlMsg>
"#,
        unit("101", Some("1")),
        unit("102", Some("0")),
        unit("103", None),
        unit("104", Some("7")),
    )
}

#[test]
fn bulk_units_hold_their_result_directly_with_the_limit_certificate_change() {
    let doc = oqs::parse_named("OQSmuquc02res_202612070003.xml", results_file().as_bytes()).unwrap();
    let OqsDocument::Batch(b) = doc else { panic!("{doc:?}") };
    assert!(!b.in_progress);
    assert_eq!((b.count, b.count_normal, b.count_error), (Some(4), Some(4), Some(0)));
    assert_eq!(b.results.len(), 4);
    let numbers: Vec<&str> = b.results.iter().map(|r| r.qualification.as_ref().unwrap().number.as_str()).collect();
    assert_eq!(numbers, ["101", "102", "103", "104"]);
    assert!(b.results.iter().all(|r| r.validity == Validity::Valid));
    assert_eq!(b.results[0].person.as_ref().unwrap().name, "窓口　太郎");
    // 1 変更あり（または判定不能）, 0 変更なし, absent, an unknown code (dropped).
    let changed: Vec<Option<bool>> = b.results.iter().map(|r| r.limit_certificate_changed).collect();
    assert_eq!(changed, [Some(true), Some(false), None, None]);
}

#[test]
fn a_zipped_answer_is_read_like_the_xml_it_holds() {
    let xml = results_file().into_bytes();
    let zip = zip_answer("OQSmuquc02res_202612070003.xml", &xml);
    assert_eq!(&zip[..2], b"PK");
    let direct = oqs::parse_named("OQSmuquc02res_202612070003.xml", &xml).unwrap();
    assert_eq!(read_answer("OQSmuquc02res_202612070003.zip", &zip).unwrap(), direct);
    // Case and a folder inside the archive do not matter.
    let foldered = zip_with(&[("out/oqsmuquc02res_202612070003.XML", &xml)]);
    assert_eq!(read_answer("OQSmuquc02res_202612070003.zip", &foldered).unwrap(), direct);
    // One XML under another name: taken (the only candidate).
    let other = zip_with(&[("readme.txt", b"hello"), ("result.xml", &xml)]);
    assert_eq!(read_answer("OQSmuquc02res_202612070003.zip", &other).unwrap(), direct);
}

fn zip_with(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        w.start_file(*name, options).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

#[test]
fn a_zip_is_read_only_as_far_as_is_safe() {
    let want = "OQSmuquc02res_202612070003.xml";
    // A zip bomb: a few KiB that inflate beyond the size limit.
    let zeros = vec![b' '; MAX_FILE_SIZE as usize + 1024];
    let bomb = zip_with(&[(want, &zeros)]);
    assert!(bomb.len() < 1024 * 1024, "{} bytes", bomb.len());
    assert!(matches!(unzip_answer(&bomb, want), Err(OqsProblem::TooLarge { .. })));
    // An entry that climbs out of the archive is never taken.
    let climbing = zip_with(&[(&format!("../../{want}"), b"<XmlMsg/>")]);
    assert!(matches!(unzip_answer(&climbing, want), Err(OqsProblem::BadArchive { .. })));
    // Not a zip at all; no XML inside; two XML files and neither the expected one.
    assert!(matches!(unzip_answer(b"<XmlMsg/>", want), Err(OqsProblem::BadArchive { .. })));
    assert!(matches!(unzip_answer(&zip_with(&[("a.txt", b"x")]), want), Err(OqsProblem::BadArchive { .. })));
    let two = zip_with(&[("a.xml", b"<XmlMsg/>"), ("b.xml", b"<XmlMsg/>")]);
    let Err(OqsProblem::BadArchive { detail }) = unzip_answer(&two, want) else { panic!() };
    assert!(detail.contains(want) && detail.contains('2'), "{detail}");
    // Errors of a zipped answer name the zip and the file inside.
    let e = read_answer("OQSmuquc02res_202612070003.zip", &zip_with(&[(want, b"<XmlMsg><A></B></XmlMsg>")])).unwrap_err();
    assert!(e.file.contains(".zip") && e.file.contains(want), "{e}");
    // The kinds: a zip is never taken for an XML by its name.
    assert_eq!(oqs::classify("OQSmuquc02res_202612070003.zip"), None);
    assert_eq!(oqs::classify(want), Some(OqsKind::BatchResponse));
}

#[test]
fn an_err_files_text_is_shown_in_words() {
    use madoguchi_adapters::oqs::folder::{err_file_names, err_text};
    assert_eq!(
        err_file_names("OQSmuquc01req_202612070001.xml"),
        ["OQSmuquc01req_202612070001.xml.err", "OQSmuquc01req_202612070001.err"]
    );
    assert_eq!(err_text(&sjis("エラー：\r\n  医療機関コードが\t不正です")), "エラー： 医療機関コードが 不正です");
    assert_eq!(err_text("\u{feff}E001 bad request\n".as_bytes()), "E001 bad request");
    let long = "あ".repeat(2000);
    let shown = err_text(long.as_bytes());
    assert_eq!(shown.chars().count(), 501, "cut, and says so");
    assert!(shown.ends_with('…'));
}
