//! What real answers carry beyond yes and no (issue 14): the four consent
//! codes of OQSCD016 and the notices sent with a successful answer. Each case
//! is the face fixture of `shared/fixtures/oqs/` with one element changed, as
//! the national system writes it.

use std::path::PathBuf;

use madoguchi_adapters::oqs::{self, OqsDocument, OqsKind};
use madoguchi_core::{ConsentAnswer, ConsentCategory, EligibilityResult, Notice};

const FACE: &str = "oqs/OQSsiquc01res_face_0001_20261120093012.xml";

fn face_with(edit: impl Fn(String) -> String) -> EligibilityResult {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures").join(FACE);
    let text = std::fs::read_to_string(&path).unwrap();
    let edited = edit(text.clone());
    assert_ne!(edited, text, "the edit changed nothing");
    match oqs::parse_bytes(OqsKind::EligibilityResponse, edited.as_bytes()).expect("parses") {
        OqsDocument::Eligibility(r) => r,
        other => panic!("not an eligibility result: {other:?}"),
    }
}

fn replace_one(text: String, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "{from} once in the fixture");
    text.replace(from, to)
}

#[test]
fn each_consent_code_is_read_as_its_answer_and_only_1_grants() {
    let table = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/consent_answers.tsv")).unwrap();
    let mut rows = 0;
    for line in table.lines().filter(|l| !l.starts_with('#')).skip(1) {
        let [code, answer, grants] = line.split('\t').collect::<Vec<_>>()[..] else { panic!("bad row {line:?}") };
        let expected = (answer != "-").then(|| ConsentAnswer::ALL.into_iter().find(|a| a.as_str() == answer).expect("an answer"));
        let grants: bool = grants.parse().unwrap();

        let r = face_with(|t| {
            let t = replace_one(t, "<PharmacistsInfoConsFlg>1</PharmacistsInfoConsFlg>", &format!("<PharmacistsInfoConsFlg>{code}</PharmacistsInfoConsFlg>"));
            replace_one(
                t,
                "<SpecificDiseasesCertificateRelatedConsFlg>0</SpecificDiseasesCertificateRelatedConsFlg>",
                &format!("<SpecificDiseasesCertificateRelatedConsFlg>{code}</SpecificDiseasesCertificateRelatedConsFlg>"),
            )
        });
        let flag = r.consent(ConsentCategory::Medication).expect("the medication flag");
        assert_eq!(flag.answer, expected, "code {code}");
        assert_eq!(flag.given, grants, "code {code}: grants");
        // The other categories keep what the fixture says.
        assert_eq!(r.consent(ConsentCategory::Checkups).unwrap().answer, Some(ConsentAnswer::Given));
        assert_eq!(r.consent(ConsentCategory::Clinical).unwrap().answer, Some(ConsentAnswer::NotGiven));

        let cc = &r.certificate_consents;
        assert_eq!(cc.specific_diseases_answer, expected, "specific diseases, code {code}");
        assert_eq!(cc.specific_diseases, expected.map(|_| grants), "specific diseases, code {code}: grants");
        rows += 1;
    }
    assert_eq!(rows, 5);
}

#[test]
fn a_notice_with_a_successful_answer_is_kept_and_the_answer_stays_valid() {
    let r = face_with(|t| {
        replace_one(
            t,
            "<ProcessingResultStatus>1</ProcessingResultStatus>",
            "<ProcessingResultStatus>1</ProcessingResultStatus>\n    <ProcessingResultCode>WBE0001</ProcessingResultCode>\n    <ProcessingResultMessage>電子証明書の有効期限が3か月以内です。</ProcessingResultMessage>",
        )
    });
    assert_eq!(r.error, None, "a notice is not an error");
    assert_eq!(
        r.notices,
        vec![Notice { code: Some("WBE0001".into()), message: Some("電子証明書の有効期限が3か月以内です。".into()) }]
    );
    assert!(r.qualification.is_some());
    // The fixture as it is carries none.
    assert!(face_with(|t| t.replace("</XmlMsg>", "</XmlMsg>\n")).notices.is_empty());
}

#[test]
fn the_qualification_dates_are_read_beside_the_card_validity() {
    let r = face_with(|t| {
        replace_one(
            t,
            "</ResultOfQualificationConfirmation>",
            "  <QualificationDate>20190401</QualificationDate>\n        <DisqualificationDate>20261201</DisqualificationDate>\n      </ResultOfQualificationConfirmation>",
        )
    });
    let q = r.qualification.expect("a qualification");
    assert_eq!(q.qualified_on, chrono::NaiveDate::from_ymd_opt(2019, 4, 1));
    assert_eq!(q.disqualified_on, chrono::NaiveDate::from_ymd_opt(2026, 12, 1));
    // The fixture as it is has neither.
    let plain = face_with(|t| t.replace("</XmlMsg>", "</XmlMsg>\n")).qualification.unwrap();
    assert_eq!((plain.qualified_on, plain.disqualified_on), (None, None));
}

/// The medication fixture (Shift_JIS) with its month's `MeTrInfs` moved under
/// the month's first `DiDateInf`, where real answers put them.
fn medication_with_entries_under_the_day() -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/oqs/YZKsiquc01res_20261120093500.xml");
    let bytes = std::fs::read(path).unwrap();
    let find = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).position(|w| w == needle).expect("in the fixture");
    let (a, b) = (find(&bytes, b"<MeTrInfs>"), find(&bytes, b"</MeTrInfs>") + b"</MeTrInfs>".len());
    let entries = bytes[a..b].to_vec();
    let mut rest = [&bytes[..a], &bytes[b..]].concat();
    let day_end = find(&rest, b"</DiDateInf>");
    rest.splice(day_end..day_end, entries);
    rest
}

#[test]
fn clinical_entries_under_a_day_are_read_and_dated_by_it() {
    let edited = medication_with_entries_under_the_day();
    let h = match oqs::parse_bytes(OqsKind::MedicationResponse, &edited).expect("parses") {
        OqsDocument::Medication(h) => h,
        other => panic!("not medication: {other:?}"),
    };
    let month = &h.months[0];
    assert!(month.clinical.is_empty(), "nothing left at month level");
    assert_eq!(month.days[0].clinical.len(), 1);
    assert_eq!(month.days[0].clinical[0].code.as_deref(), Some("113001810"));
    assert_eq!(month.days[0].clinical[0].name.as_deref(), Some("特定疾患療養管理料"));
    // The history the desk shows has it, on that day.
    let lines = madoguchi_core::clinical::lines(&h);
    let line = lines.iter().find(|l| l.code.as_deref() == Some("113001810")).expect("the entry is a clinical line");
    assert_eq!(line.days, vec![chrono::NaiveDate::from_ymd_opt(2026, 9, 14).unwrap()]);
}

#[test]
fn a_cp932_file_whose_declaration_names_no_encoding_is_read_as_cp932() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/oqs/OQSsiquc01res_20261120101500_kokuho_sjis.xml");
    let declared = std::fs::read(&path).unwrap();
    let bare: Vec<u8> = String::from_utf8_lossy(&declared[..60]).replacen(" encoding=\"Shift_JIS\"", "", 1).into_bytes();
    let cut = declared.iter().position(|b| *b == b'\n').unwrap();
    let undeclared = [&bare[..bare.iter().position(|b| *b == b'\n').unwrap()], &declared[cut..]].concat();
    assert!(std::str::from_utf8(&undeclared).is_err(), "still cp932 bytes");
    assert!(!String::from_utf8_lossy(&undeclared[..cut]).contains("encoding"));
    let read = |bytes: &[u8]| match oqs::parse_bytes(OqsKind::EligibilityResponse, bytes).expect("parses") {
        OqsDocument::Eligibility(r) => r,
        other => panic!("{other:?}"),
    };
    // The same result as with its declaration: names read, not garbled.
    assert_eq!(read(&undeclared), read(&declared));
    assert!(read(&undeclared).person.unwrap().name.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)));
    // Bytes neither UTF-8 nor cp932 are still refused, in words.
    let mut broken = undeclared.clone();
    let at = broken.iter().rposition(|b| *b >= 0x81).unwrap();
    broken[at] = 0xFF;
    assert!(oqs::parse_bytes(OqsKind::EligibilityResponse, &broken).is_err());
}

#[test]
fn a_card_number_with_a_unicode_hyphen_reads_as_staff_type_it() {
    let r = face_with(|t| {
        let number = t.split("<InsuredIdentificationNumber>").nth(1).unwrap().split('<').next().unwrap().to_string();
        replace_one(t, &format!("<InsuredIdentificationNumber>{number}</InsuredIdentificationNumber>"), "<InsuredIdentificationNumber>12‐34</InsuredIdentificationNumber>")
    });
    assert_eq!(r.qualification.unwrap().number, "12-34");
}

#[test]
fn prescription_issue_select_is_read_inside_the_result_too() {
    // The fixture has it in the body (1, electronic); smart-test puts it
    // inside the result: moved there, and set to 2 (paper) to tell them apart.
    let r = face_with(|t| {
        let t = replace_one(t, "<PrescriptionIssueSelect>1</PrescriptionIssueSelect>", "");
        replace_one(
            t,
            "</ResultOfQualificationConfirmation>",
            "  <PrescriptionIssueSelect>2</PrescriptionIssueSelect>\n      </ResultOfQualificationConfirmation>",
        )
    });
    assert_eq!(r.electronic_prescription, Some(false));
    // Nowhere: not said.
    let none = face_with(|t| replace_one(t, "<PrescriptionIssueSelect>1</PrescriptionIssueSelect>", ""));
    assert_eq!(none.electronic_prescription, None);
}
