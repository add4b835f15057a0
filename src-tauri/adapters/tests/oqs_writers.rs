//! Requests, batch results, file names, and tolerance of order and unknown elements.

use std::path::PathBuf;

use chrono::NaiveDate;
use madoguchi_adapters::oqs::{
    self, BatchRequest, EligibilityRequest, Encoding, FileCategory, MedicalRequest,
    MedicalRequestKind, OqsDocument, OqsKind, SearchEntry, TreatmentSetting,
};
use madoguchi_core::codes::{Sex, SpecificDisease, Validity};
use madoguchi_core::medical::YearMonth;
use madoguchi_core::{CardDetails, CopayRatio, InsurerNumber};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y%m%d").unwrap()
}

fn kokuho_card() -> CardDetails {
    CardDetails {
        insurer_number: InsurerNumber::from_trusted("138149"),
        symbol: "中野".into(),
        number: "1234567".into(),
        branch: Some("02".into()),
        birth_date: d("19520203"),
    }
}

fn request() -> EligibilityRequest {
    EligibilityRequest {
        confirmation_date: d("20261120"),
        institution_code: "1312345678".into(),
        file_id: Some("REQ0002".into()),
        entry: SearchEntry {
            card: kokuho_card(),
            limit_certificate_consent: true,
            identifier: Some("P&1".into()),
        },
    }
}

#[test]
fn eligibility_request_in_shift_jis() {
    let bytes = oqs::write_eligibility_request(&request(), Encoding::ShiftJis);
    let (text, _, errors) = encoding_rs::SHIFT_JIS.decode(&bytes);
    assert!(!errors);
    let expected = "<?xml version=\"1.0\" encoding=\"Shift_JIS\" standalone=\"no\"?>
<XmlMsg>
  <MessageHeader>
    <QualificationConfirmationDate>20261120</QualificationConfirmationDate>
    <MedicalInstitutionCode>1312345678</MedicalInstitutionCode>
    <ArbitraryFileIdentifier>REQ0002</ArbitraryFileIdentifier>
  </MessageHeader>
  <MessageBody>
    <QualificationConfirmSearchInfo>
      <InsurerNumber>  138149</InsurerNumber>
      <InsuredCardSymbol>中野</InsuredCardSymbol>
      <InsuredIdentificationNumber>1234567</InsuredIdentificationNumber>
      <InsuredBranchNumber>02</InsuredBranchNumber>
      <Birthdate>19520203</Birthdate>
      <LimitApplicationCertificateRelatedConsFlg>1</LimitApplicationCertificateRelatedConsFlg>
      <ArbitraryIdentifier>P&amp;1</ArbitraryIdentifier>
    </QualificationConfirmSearchInfo>
  </MessageBody>
</XmlMsg>
";
    assert_eq!(text, expected);
    // 中野 is in Shift_JIS, not UTF-8, in the bytes
    assert!(bytes.windows(4).any(|w| w == [0x92, 0x86, 0x96, 0xEC]));
    // and it reads back
    let doc = oqs::parse_named("OQSsiquc01req_20261120101500001.xml", &bytes).unwrap();
    assert_eq!(doc, OqsDocument::EligibilityRequest(request()));
    let utf8 = oqs::write_eligibility_request(&request(), Encoding::Utf8);
    assert!(std::str::from_utf8(&utf8)
        .unwrap()
        .starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\""));
    assert_eq!(
        oqs::parse_bytes(OqsKind::EligibilityRequest, &utf8).unwrap(),
        OqsDocument::EligibilityRequest(request())
    );
}

#[test]
fn batch_request_repeats_the_search_info() {
    let mut second = request().entry;
    second.card.insurer_number = InsurerNumber::from_trusted("06139877");
    second.card.branch = None;
    second.limit_certificate_consent = false;
    second.identifier = None;
    let req = BatchRequest {
        confirmation_date: d("20261120"),
        institution_code: "1312345678".into(),
        file_id: None,
        entries: vec![request().entry, second],
    };
    let bytes = oqs::write_batch_request(&req, Encoding::ShiftJis);
    let text = encoding_rs::SHIFT_JIS.decode(&bytes).0.into_owned();
    assert_eq!(text.matches("<QualificationConfirmSearchInfo>").count(), 2);
    assert!(text.contains("<InsurerNumber>06139877</InsurerNumber>"));
    assert!(!text.contains("ArbitraryFileIdentifier"));
    assert_eq!(
        oqs::parse_bytes(OqsKind::BatchRequest, &bytes).unwrap(),
        OqsDocument::BatchRequest(req.clone())
    );
    // by content alone: several search infos make a batch request
    assert_eq!(
        oqs::parse_named("x.xml", &bytes).unwrap(),
        OqsDocument::BatchRequest(req)
    );
}

#[test]
fn medical_requests() {
    let req = MedicalRequest {
        kind: MedicalRequestKind::Medication,
        institution_code: "1312345678".into(),
        insurer_number: InsurerNumber::from_trusted("01130012"),
        symbol: "50123".into(),
        number: "17".into(),
        branch: Some("00".into()),
        file_id: Some("YZK0001".into()),
        start: YearMonth::new(2026, 5),
        end: YearMonth::new(2026, 11),
        file_category: FileCategory::MedicationClinicalXml,
        treatment: TreatmentSetting::Outpatient,
    };
    let bytes = oqs::write_medical_request(&req, Encoding::ShiftJis);
    let text = encoding_rs::SHIFT_JIS.decode(&bytes).0.into_owned();
    for tag in [
        "<MedicalInstitutionCode>1312345678</MedicalInstitutionCode>",
        "<InsurerNumber>01130012</InsurerNumber>",
        "<InsuranceCardSymbol>50123</InsuranceCardSymbol>",
        "<InsuredPersonIdentificationNumber>17</InsuredPersonIdentificationNumber>",
        "<BranchNumber>00</BranchNumber>",
        "<ArbitraryFileIdentifier>YZK0001</ArbitraryFileIdentifier>",
        "<StartDate>202605</StartDate>",
        "<EndDate>202611</EndDate>",
        "<FileCategory>4</FileCategory>",
        "<PrDiInfClassification>1</PrDiInfClassification>",
        "<MedicalTreatmentFlag>1</MedicalTreatmentFlag>",
    ] {
        assert!(text.contains(tag), "{tag} in\n{text}");
    }
    // In the body, between FileCategory and MedicalTreatmentFlag, as real
    // requests have it (OQSDrug2).
    let body = &text[text.find("<MessageBody>").unwrap()..text.find("</MessageBody>").unwrap()];
    let at = |tag: &str| body.find(tag).unwrap_or_else(|| panic!("{tag} in the body:\n{body}"));
    assert!(at("<FileCategory>") < at("<PrDiInfClassification>1<"));
    assert!(at("<PrDiInfClassification>") < at("<MedicalTreatmentFlag>"));
    assert_eq!(
        oqs::parse_bytes(OqsKind::MedicationRequest, &bytes).unwrap(),
        OqsDocument::MedicalRequest(req.clone())
    );

    let checkups = MedicalRequest {
        kind: MedicalRequestKind::Checkups,
        insurer_number: InsurerNumber::from_trusted("138149"),
        start: None,
        end: None,
        file_category: FileCategory::Xml,
        treatment: TreatmentSetting::HomeVisit,
        ..req
    };
    let bytes = oqs::write_medical_request(&checkups, Encoding::Utf8);
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(text.contains("<InsurerNumber>  138149</InsurerNumber>"));
    assert!(!text.contains("StartDate"));
    assert!(text.contains("<PrDiInfClassification>1</PrDiInfClassification>"), "{text}");
    let name = oqs::request_file_name(OqsKind::CheckupRequest, d("20261120"), 7);
    assert_eq!(name, "TKKsiquc01req_202611200007.xml");
    assert_eq!(
        oqs::parse_named(&name, &bytes).unwrap(),
        OqsDocument::MedicalRequest(checkups)
    );
}

#[test]
fn file_names() {
    let at = d("20261120");
    let name = oqs::request_file_name(OqsKind::EligibilityRequest, at, 1);
    assert_eq!(name, "OQSsiquc01req_202611200001.xml");
    assert_eq!(
        oqs::response_file_name(&name).as_deref(),
        Some("OQSsiquc01res_202611200001.xml")
    );
    assert_eq!(
        oqs::response_file_name(r"\\terminal\OQS\req\YZKsiquc01req_1.xml").as_deref(),
        Some("YZKsiquc01res_1.xml")
    );
    assert_eq!(
        oqs::response_file_name("OQSmuquc02req_1.xml").as_deref(),
        Some("OQSmuquc02res_1.xml")
    );
    assert_eq!(
        oqs::response_file_name("OQSsiquc01res_1.xml"),
        None,
        "a response has no response"
    );
    assert_eq!(
        oqs::classify("OQSsiquc01res_face_0001_20261120093012.xml"),
        Some(OqsKind::EligibilityResponse)
    );
    assert_eq!(
        oqs::classify("/x/res/oqssiquc01res_1.XML"),
        Some(OqsKind::EligibilityResponse)
    );
    assert_eq!(
        oqs::classify("OQSmuquc02res_1.xml"),
        Some(OqsKind::BatchResponse)
    );
    assert_eq!(oqs::classify("OQSmuquc02res_1.zip"), None);
    assert_eq!(oqs::classify("YZKsiquc01res_1.pdf"), None);
    assert_eq!(oqs::classify("OQSsiquc01resX.xml"), None);
    assert_eq!(oqs::classify("readme.xml"), None);
    for k in OqsKind::ALL {
        let n = oqs::request_file_name(k, at, 999);
        assert_eq!(oqs::classify(&n), Some(k));
        assert_eq!(k.is_request(), k.response().is_some());
    }
}

#[test]
fn batch_result_file() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/OQSmuquc02res_20261120110000001.xml");
    let OqsDocument::Batch(b) = oqs::parse_file(&path).unwrap() else {
        panic!("not a batch")
    };
    assert_eq!(b.reception_number.as_deref(), Some("R0000012345"));
    assert_eq!(
        b.processed_at,
        Some(d("20261120").and_hms_opt(11, 0, 5).unwrap())
    );
    assert_eq!(
        (b.count, b.count_normal, b.count_error),
        (Some(2), Some(1), Some(1))
    );
    assert_eq!(b.error, None);
    assert_eq!(b.results.len(), 2);

    let ok = &b.results[0];
    assert_eq!(ok.validity, Validity::Valid);
    assert_eq!(ok.error, None);
    assert_eq!(
        ok.confirmed_at,
        d("20261120").and_hms_opt(11, 0, 5).unwrap(),
        "from the header"
    );
    assert_eq!(
        ok.asked.as_ref().unwrap().symbol,
        "1001",
        "full-width echo normalised"
    );
    let p = ok.person.as_ref().unwrap();
    assert_eq!(p.name, "佐藤　花子");
    assert_eq!(p.sex, Sex::Female, "Sex2 when Sex1 is missing");
    let q = ok.qualification.as_ref().unwrap();
    assert_eq!(q.copay, Some(CopayRatio(30)));
    assert!(!q.preschool);
    assert_eq!(
        q.reference_number.as_deref(),
        Some("000000777777"),
        "unit-level ReferenceNumber"
    );
    assert_eq!(q.specific_diseases.len(), 1);
    let s = &q.specific_diseases[0];
    assert_eq!(s.disease, SpecificDisease::Dialysis);
    assert_eq!(s.issued_on, Some(d("20250401")));
    assert_eq!(s.valid_from, Some(d("20250401")));
    assert_eq!(s.valid_until, Some(d("20270331")));
    assert_eq!(s.self_pay_limit, Some(10000));

    let bad = &b.results[1];
    assert_eq!(
        bad.validity,
        Validity::NotFound,
        "missing validity on an error"
    );
    let e = bad.error.as_ref().unwrap();
    assert_eq!(e.code.as_deref(), Some("EOQS1234"));
    assert_eq!(
        e.message.as_deref(),
        Some("該当する資格情報が存在しません。")
    );
    assert_eq!(
        bad.asked.as_ref().unwrap().insurer_number.as_str(),
        "138149"
    );
    assert_eq!(bad.person, None);
}

#[test]
fn order_and_unknown_elements_do_not_matter() {
    let xml = r#"<?xml version="1.0"?>
<XmlMsg xmlns:v="urn:vendor">
  <v:Extra><Deep><Deeper>x</Deeper></Deep></v:Extra>
  <MessageBody>
    <ResultList>
      <ResultOfQualificationConfirmation>
        <Unknown attr="1"/>
        <PostNumber>  </PostNumber>
        <Birthdate>19991231</Birthdate>
        <Sex1>9</Sex1>
        <Sex2>1</Sex2>
        <Name><![CDATA[山田 & 太郎]]></Name>
        <InsuredCardClassification>Z9</InsuredCardClassification>
        <InsurerNumber>３９１３１０１８</InsurerNumber>
        <InsuredCardExpirationDate>2027-01-01</InsuredCardExpirationDate>
        <DiagnosisInfoConsFlg>1</DiagnosisInfoConsFlg>
        <DiagnosisInfoConsTime>202611201010</DiagnosisInfoConsTime>
      </ResultOfQualificationConfirmation>
    </ResultList>
    <QualificationValidity>1</QualificationValidity>
  </MessageBody>
  <MessageHeader>
    <QualificationConfirmationDate>20261120</QualificationConfirmationDate>
  </MessageHeader>
</XmlMsg>"#;
    let OqsDocument::Eligibility(r) = oqs::parse_named("anything.xml", xml.as_bytes()).unwrap()
    else {
        panic!()
    };
    assert_eq!(
        r.confirmed_at,
        d("20261120").and_hms_opt(0, 0, 0).unwrap(),
        "date only: midnight"
    );
    let p = r.person.unwrap();
    assert_eq!(p.name, "山田 & 太郎");
    assert_eq!(p.sex, Sex::Male, "unknown Sex1 falls back to Sex2");
    assert_eq!(p.post_number, None, "blank is absent");
    let q = r.qualification.unwrap();
    assert_eq!(q.insurer_number.as_str(), "39131018", "full-width digits");
    assert_eq!(q.card_classification, None, "unknown code dropped");
    assert_eq!(q.valid_until, None, "unreadable optional date dropped");
    let c = r.consents;
    assert_eq!(c.len(), 1);
    assert!(c[0].given);
    assert_eq!(
        c[0].given_at,
        Some(d("20261120").and_hms_opt(10, 10, 0).unwrap())
    );
}
