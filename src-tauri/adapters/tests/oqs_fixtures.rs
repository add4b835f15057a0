//! Every sample file in `shared/fixtures/oqs/` and `shared/fixtures/external/`
//! parses, field by field.

use std::path::PathBuf;

use chrono::{NaiveDate, NaiveDateTime};
use madoguchi_adapters::oqs::{self, OqsDocument, OqsKind, OqsProblem};
use madoguchi_core::codes::{
    CardClassification, LimitCategory, LimitCertificateClassification, LossReason, Relationship,
    Sex, Validity,
};
use madoguchi_core::medical::{CheckupResults, MedicationHistory, MedicationSource, YearMonth};
use madoguchi_core::{
    ConsentCategory, CopayRatio, EligibilityResult, ReferenceClassification, ResultSource,
};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures")
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y%m%d").unwrap()
}

fn t(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y%m%d%H%M%S").unwrap()
}

fn eligibility(rel: &str) -> EligibilityResult {
    match oqs::parse_file(fixtures().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}")) {
        OqsDocument::Eligibility(r) => r,
        other => panic!("{rel}: not an eligibility result: {other:?}"),
    }
}

#[test]
fn every_fixture_file_parses() {
    let mut n = 0;
    for dir in ["oqs", "external"] {
        for entry in std::fs::read_dir(fixtures().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|x| x == "xml") {
                let doc = oqs::parse_file(&path).unwrap_or_else(|e| panic!("{e}"));
                let name = path.file_name().unwrap().to_str().unwrap();
                match oqs::classify(name) {
                    Some(kind) => assert_eq!(doc.kind(), kind, "{name}"),
                    // a name that says nothing: the content decides
                    None => assert_eq!(doc.kind(), OqsKind::EligibilityResponse, "{name}"),
                }
                // and the same from memory, by content only
                let bytes = std::fs::read(&path).unwrap();
                assert_eq!(
                    oqs::parse_named("unnamed.xml", &bytes).unwrap(),
                    doc,
                    "{name} by content"
                );
                n += 1;
            }
        }
    }
    assert_eq!(n, 11, "all eleven sample files were read (six of ours, five of others)");
}

#[test]
fn face_reader_result() {
    let r = eligibility("oqs/OQSsiquc01res_face_0001_20261120093012.xml");
    assert_eq!(r.confirmed_at, t("20261120093012"));
    assert_eq!(r.confirmation_date, d("20261120"));
    assert_eq!(r.reference, Some(ReferenceClassification::Card));
    assert_eq!(r.source, ResultSource::CardReader);
    assert_eq!(r.validity, Validity::Valid);
    assert_eq!(r.error, None);
    assert_eq!(r.asked, None);
    assert_eq!(r.electronic_prescription, Some(true));

    let p = r.person.as_ref().unwrap();
    assert_eq!(p.name, "髙橋　美咲");
    assert_eq!(p.name_kana.as_deref(), Some("ﾀｶﾊｼ ﾐｻｷ"));
    assert_eq!(p.name_other, None);
    assert_eq!(p.sex, Sex::Female);
    assert_eq!(p.birth_date, d("19860412"));
    assert_eq!(p.address.as_deref(), Some("東京都中野区鷺宮三丁目２番１号"));
    assert_eq!(p.post_number.as_deref(), Some("165-0032"));

    let q = r.qualification.as_ref().unwrap();
    assert_eq!(q.insurer_number.as_str(), "01130012");
    assert_eq!(q.insurer_name.as_deref(), Some("全国健康保険協会東京支部"));
    assert_eq!(q.symbol, "50123", "full-width ５０１２３ normalised");
    assert_eq!(q.number, "17", "full-width １７ normalised");
    assert_eq!(q.branch.as_deref(), Some("00"));
    assert_eq!(q.card_classification, Some(CardClassification::General));
    assert_eq!(q.relationship, Some(Relationship::Insured));
    assert_eq!(q.issued_on, Some(d("20240401")));
    assert_eq!(q.valid_from, Some(d("20240401")));
    assert_eq!(q.valid_until, None);
    assert_eq!(q.copay, Some(CopayRatio(30)));
    assert!(!q.preschool);
    assert_eq!(q.loss_reason, None);
    assert_eq!(q.elderly, None);
    assert_eq!(q.limit, None);
    assert!(q.specific_diseases.is_empty());
    assert_eq!(q.reference_number.as_deref(), Some("000000123456"));

    // consent to medication and checkups only, valid 24 h
    assert_eq!(r.consents.len(), 4);
    for c in [ConsentCategory::Medication, ConsentCategory::Checkups] {
        let f = r.consent(c).unwrap();
        assert!(f.given, "{c:?}");
        assert_eq!(f.given_at, Some(t("20261120093010")));
        assert_eq!(f.available_until, Some(t("20261121093010")));
    }
    for c in [ConsentCategory::Clinical, ConsentCategory::Operations] {
        let f = r.consent(c).unwrap();
        assert!(!f.given, "{c:?}");
        assert_eq!(f.given_at, None);
        assert_eq!(f.available_until, None);
    }
    assert_eq!(r.certificate_consents.limit_certificate, Some(false));
    assert_eq!(r.certificate_consents.limit_certificate_at, None);
    assert_eq!(r.certificate_consents.specific_diseases, Some(false));
}

#[test]
fn kokuho_shift_jis_result() {
    let r = eligibility("oqs/OQSsiquc01res_20261120101500_kokuho_sjis.xml");
    assert_eq!(r.confirmed_at, t("20261120101500"));
    assert_eq!(r.reference, Some(ReferenceClassification::CardDetails));
    assert_eq!(r.source, ResultSource::OqsFolder);
    assert_eq!(r.validity, Validity::Valid);
    assert_eq!(r.electronic_prescription, None);
    assert!(r.consents.is_empty());

    let asked = r.asked.as_ref().unwrap();
    assert_eq!(
        asked.insurer_number.as_str(),
        "138149",
        "space padding stripped"
    );
    assert!(asked.insurer_number.is_kokuho());
    assert_eq!(asked.symbol, "中野");
    assert_eq!(asked.number, "1234567");
    assert_eq!(asked.branch.as_deref(), Some("02"));
    assert_eq!(asked.birth_date, d("19520203"));

    let p = r.person.as_ref().unwrap();
    assert_eq!(p.name, "渡邊　一郎");
    assert_eq!(p.name_kana.as_deref(), Some("ﾜﾀﾅﾍﾞ ｲﾁﾛｳ"));
    assert_eq!(p.sex, Sex::Male);
    assert_eq!(p.birth_date, d("19520203"));
    assert_eq!(
        p.address.as_deref(),
        Some("東京都中野区中央四丁目１１番１９号")
    );
    assert_eq!(p.post_number.as_deref(), Some("164-0011"));

    let q = r.qualification.as_ref().unwrap();
    assert_eq!(q.insurer_number.as_str(), "138149");
    assert_eq!(q.insurer_number.oqs_padded(), "  138149");
    assert_eq!(q.insurer_name.as_deref(), Some("中野区"));
    assert_eq!(q.symbol, "中野");
    assert_eq!(q.number, "1234567");
    assert_eq!(q.branch.as_deref(), Some("02"));
    assert_eq!(q.relationship, Some(Relationship::Insured));
    assert_eq!(q.valid_from, Some(d("20240801")));
    assert_eq!(q.valid_until, Some(d("20270731")));
    assert_eq!(q.copay, Some(CopayRatio(20)));

    let e = q.elderly.as_ref().unwrap();
    assert_eq!(e.issued_on, Some(d("20240801")));
    assert_eq!(e.valid_from, Some(d("20240801")));
    assert_eq!(e.valid_until, Some(d("20270731")));
    assert_eq!(e.copay, Some(CopayRatio(20)));
    assert_eq!(r.effective_copay(), Some(CopayRatio(20)));

    let l = q.limit.as_ref().unwrap();
    assert_eq!(
        l.classification,
        Some(LimitCertificateClassification::Limit)
    );
    assert_eq!(l.category, Some(LimitCategory::B04));
    assert_eq!(l.category.unwrap().label_ja(), "一般");
    assert_eq!(l.issued_on, Some(d("20240801")));
    assert_eq!(l.valid_from, Some(d("20240801")));
    assert_eq!(l.valid_until, Some(d("20270731")));
    assert_eq!(l.long_term_from, None);

    assert_eq!(r.certificate_consents.limit_certificate, Some(true));
    assert_eq!(
        r.certificate_consents.limit_certificate_at,
        Some(t("20261120101455"))
    );
    assert_eq!(r.certificate_consents.specific_diseases, None);
}

#[test]
fn lost_eligibility_keeps_the_black_circle() {
    let r = eligibility("oqs/OQSsiquc01res_20261120102000_lost.xml");
    assert_eq!(r.validity, Validity::InvalidNewQualification);
    assert!(!r.validity.is_valid());
    assert_eq!(r.error, None);
    let p = r.person.as_ref().unwrap();
    assert_eq!(p.name, "佐藤　●子");
    assert_eq!(p.name_kana.as_deref(), Some("ｻﾄｳ ﾖｼｺ"));
    assert_eq!(p.sex, Sex::Female);
    assert_eq!(p.birth_date, d("19700930"));
    let q = r.qualification.as_ref().unwrap();
    assert_eq!(q.insurer_number.as_str(), "06139877");
    assert_eq!(q.insurer_name.as_deref(), Some("〇〇商事健康保険組合"));
    assert_eq!(q.symbol, "1001");
    assert_eq!(q.number, "552");
    assert_eq!(q.branch.as_deref(), Some("01"));
    assert_eq!(q.relationship, Some(Relationship::Family));
    assert_eq!(q.valid_from, Some(d("20150401")));
    assert_eq!(q.valid_until, Some(d("20260930")));
    assert_eq!(q.loss_reason, Some(LossReason::OtherInsurance));
    assert_eq!(q.copay, Some(CopayRatio(30)));
    assert!(r.consents.is_empty());
}

#[test]
fn processing_error_result() {
    let r = eligibility("oqs/OQSsiquc01res_20261120103000_error.xml");
    assert_eq!(r.validity, Validity::NotFound);
    let e = r.error.as_ref().unwrap();
    assert_eq!(e.code.as_deref(), Some("EOQS1234"));
    assert_eq!(
        e.message.as_deref(),
        Some("入力された被保険者情報に該当する資格情報が存在しません。")
    );
    assert_eq!(r.person, None);
    assert_eq!(r.qualification, None);
    assert!(r.consents.is_empty());
}

#[test]
fn external_face_result_with_a_bad_check_digit() {
    let r = eligibility("external/myclinic-ts_face_result.xml");
    assert_eq!(r.confirmed_at, t("20230221174835"));
    assert_eq!(r.confirmation_date, d("20230221"));
    assert_eq!(r.source, ResultSource::CardReader);
    assert_eq!(r.validity, Validity::Valid);
    let p = r.person.as_ref().unwrap();
    assert_eq!(p.name, "診療　太郎");
    assert_eq!(p.name_kana.as_deref(), Some("ｼﾝﾘｮｳ ﾀﾛｳ"));
    assert_eq!(p.sex, Sex::Male);
    assert_eq!(p.birth_date, d("20010327"));
    assert_eq!(p.address.as_deref(), Some("東京都"));
    assert_eq!(p.post_number.as_deref(), Some("123-4567"));
    let q = r.qualification.as_ref().unwrap();
    // `  123456` fails the check digit and is still accepted as it comes
    assert_eq!(q.insurer_number.as_str(), "123456");
    assert!(madoguchi_core::validation::parse_insurer_number("123456").is_err());
    assert_eq!(q.insurer_name.as_deref(), Some("東京都"));
    assert_eq!(q.symbol, "12-34");
    assert_eq!(q.number, "4260");
    assert_eq!(q.branch.as_deref(), Some("01"));
    assert_eq!(q.copay, None);
    assert_eq!(q.issued_on, Some(d("20191001")));
    assert_eq!(q.valid_from, Some(d("20191001")));
    assert_eq!(
        r.consents.iter().map(|c| c.category).collect::<Vec<_>>(),
        vec![
            ConsentCategory::Medication,
            ConsentCategory::Checkups,
            ConsentCategory::Clinical
        ]
    );
    let m = r.consent(ConsentCategory::Medication).unwrap();
    assert!(m.given);
    assert_eq!(m.given_at, Some(t("20230221174835")));
    assert_eq!(m.available_until, Some(t("20230222174835")));
    let c = r.consent(ConsentCategory::Checkups).unwrap();
    assert!(c.given);
    assert_eq!(c.available_until, Some(t("20230222174835")));
    assert!(!r.consent(ConsentCategory::Clinical).unwrap().given);
    assert_eq!(
        r.consent(ConsentCategory::Operations),
        None,
        "no OperationInfoConsFlg element"
    );
    assert_eq!(r.electronic_prescription, None);
}

#[test]
fn medication_history() {
    let path = fixtures().join("oqs/YZKsiquc01res_20261120093500.xml");
    let OqsDocument::Medication(h) = oqs::parse_file(&path).unwrap() else {
        panic!("not medication")
    };
    let h: MedicationHistory = h;
    assert_eq!(h.error, None);
    assert_eq!(
        h.patient.name.as_deref(),
        Some("髙橋　美咲"),
        "髙 from Windows-31J"
    );
    assert_eq!(h.patient.name_kana.as_deref(), Some("ﾀｶﾊｼ ﾐｻｷ"));
    assert_eq!(h.patient.birth_date, Some(d("19860412")));
    assert_eq!(h.patient.sex, Some(Sex::Female));
    assert_eq!(h.months.len(), 2);

    let m = &h.months[0];
    assert_eq!(m.source, MedicationSource::Claims);
    assert_eq!(m.month, YearMonth::new(2026, 9));
    assert_eq!(m.dispensing_facility.code.as_deref(), Some("1341234567"));
    assert_eq!(
        m.dispensing_facility.name.as_deref(),
        Some("さぎのみや薬局")
    );
    assert_eq!(m.prescribing_facility.code.as_deref(), Some("1311234561"));
    assert_eq!(
        m.prescribing_facility.name.as_deref(),
        Some("鷺宮内科クリニック")
    );
    assert_eq!(m.dispensing_org.as_deref(), Some("2"));
    assert_eq!(m.prescribing_org.as_deref(), Some("1"));
    assert_eq!(m.in_out.as_deref(), Some("2"));
    assert_eq!(m.days.len(), 1);
    let day = &m.days[0];
    assert_eq!(day.dispensed_on, Some(d("20260914")));
    assert_eq!(day.prescribed_on, Some(d("20260914")));
    assert_eq!(day.drugs.len(), 2);
    let a = &day.drugs[0];
    assert_eq!(a.code.as_deref(), Some("2149039F1020"));
    assert_eq!(a.name.as_deref(), Some("アムロジピン錠５ｍｇ「サワイ」"));
    assert_eq!(a.ingredient.as_deref(), Some("アムロジピンベシル酸塩"));
    assert_eq!(a.quantity.as_deref(), Some("1"));
    assert_eq!(a.unit.as_deref(), Some("錠"));
    assert_eq!(a.usage.as_deref(), Some("１日１回朝食後"));
    assert_eq!(a.special_instruction, None);
    assert_eq!(a.times.as_deref(), Some("28"));
    assert_eq!(a.category.as_deref(), Some("1"));
    let b = &day.drugs[1];
    assert_eq!(b.code.as_deref(), Some("3962002F1029"));
    assert_eq!(
        b.name.as_deref(),
        Some("メトホルミン塩酸塩錠２５０ｍｇＭＴ「トーワ」")
    );
    assert_eq!(b.ingredient.as_deref(), Some("メトホルミン塩酸塩"));
    assert_eq!(b.quantity.as_deref(), Some("2"));
    assert_eq!(b.unit.as_deref(), Some("錠"));
    assert_eq!(b.usage.as_deref(), Some("１日２回朝夕食後"));
    assert_eq!(b.special_instruction.as_deref(), Some("腎機能に注意"));
    assert_eq!(b.times.as_deref(), Some("28"));
    assert_eq!(m.clinical.len(), 1);
    let c = &m.clinical[0];
    assert_eq!(c.name.as_deref(), Some("特定疾患療養管理料"));
    assert_eq!(c.code.as_deref(), Some("113001810"));
    assert_eq!(c.category.as_deref(), Some("13"));
    assert_eq!(c.times.as_deref(), Some("1"));
    assert_eq!(c.quantity, None);

    let m = &h.months[1];
    assert_eq!(m.source, MedicationSource::Dispensing);
    assert_eq!(m.month, YearMonth::new(2026, 11));
    assert_eq!(m.dispensing_facility.code.as_deref(), Some("1341234567"));
    assert_eq!(
        m.dispensing_facility.name.as_deref(),
        Some("さぎのみや薬局")
    );
    assert_eq!(m.prescribing_facility.code.as_deref(), Some("1311234561"));
    assert_eq!(
        m.prescribing_facility.name.as_deref(),
        Some("鷺宮内科クリニック")
    );
    assert_eq!(m.dispensing_org.as_deref(), Some("2"));
    assert_eq!(m.prescribing_org, None);
    assert_eq!(m.days.len(), 1);
    assert_eq!(m.days[0].dispensed_on, Some(d("20261112")));
    assert_eq!(m.days[0].prescribed_on, Some(d("20261112")));
    let x = &m.days[0].drugs[..];
    assert_eq!(x.len(), 1);
    assert_eq!(x[0].code.as_deref(), Some("2149039F1020"));
    assert_eq!(x[0].name.as_deref(), Some("アムロジピン錠５ｍｇ「サワイ」"));
    assert_eq!(x[0].ingredient.as_deref(), Some("アムロジピンベシル酸塩"));
    assert_eq!(x[0].quantity.as_deref(), Some("1"));
    assert_eq!(x[0].unit.as_deref(), Some("錠"));
    assert_eq!(x[0].usage.as_deref(), Some("１日１回朝食後"));
    assert_eq!(x[0].times.as_deref(), Some("28"));
    assert_eq!(x[0].category, None);
    assert!(m.clinical.is_empty());
}

#[test]
fn checkup_results() {
    let path = fixtures().join("oqs/TKKsiquc01res_20261120093600.xml");
    let OqsDocument::Checkups(c) = oqs::parse_file(&path).unwrap() else {
        panic!("not checkups")
    };
    let c: CheckupResults = c;
    assert_eq!(c.error, None);
    assert_eq!(c.patient.name.as_deref(), Some("髙橋　美咲"));
    assert_eq!(c.patient.name_kana.as_deref(), Some("ﾀｶﾊｼ ﾐｻｷ"));
    assert_eq!(c.patient.birth_date, Some(d("19860412")));
    assert_eq!(c.patient.sex, Some(Sex::Female));
    assert_eq!(c.checkups.len(), 2);

    let k = &c.checkups[0];
    assert_eq!(k.date, Some(d("20250610")));
    let rows: Vec<_> = k
        .items
        .iter()
        .map(|i| {
            (
                i.code.as_str(),
                i.name.as_deref(),
                i.data_type.as_deref(),
                i.value.as_deref(),
                i.unit.as_deref(),
                i.value_name.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            (
                "9N001000000000001",
                Some("身長"),
                Some("PQ"),
                Some("158.2"),
                Some("cm"),
                None
            ),
            (
                "9N006000000000001",
                Some("体重"),
                Some("PQ"),
                Some("61.0"),
                Some("kg"),
                None
            ),
            (
                "9A751000000000001",
                Some("収縮期血圧"),
                Some("PQ"),
                Some("138"),
                Some("mmHg"),
                None
            ),
            (
                "3D046000001920402",
                Some("HbA1c（NGSP値）"),
                Some("PQ"),
                Some("6.4"),
                Some("%"),
                None
            ),
            (
                "9N501000000000011",
                Some("メタボリックシンドローム判定"),
                Some("CD"),
                Some("2"),
                None,
                Some("予備群該当")
            ),
        ]
    );
    assert!(k.items.iter().all(|i| i.oid.is_none()));

    let k = &c.checkups[1];
    assert_eq!(k.date, Some(d("20240605")));
    let rows: Vec<_> = k
        .items
        .iter()
        .map(|i| {
            (
                i.code.as_str(),
                i.name.as_deref(),
                i.data_type.as_deref(),
                i.value.as_deref(),
                i.unit.as_deref(),
                i.value_name.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            (
                "9N006000000000001",
                Some("体重"),
                Some("PQ"),
                Some("59.4"),
                Some("kg"),
                None
            ),
            (
                "9A751000000000001",
                Some("収縮期血圧"),
                Some("PQ"),
                Some("131"),
                Some("mmHg"),
                None
            ),
            (
                "3D046000001920402",
                Some("HbA1c（NGSP値）"),
                Some("PQ"),
                Some("6.1"),
                Some("%"),
                None
            ),
        ]
    );
}

#[test]
fn documents_serialize_with_a_kind_tag() {
    let doc =
        oqs::parse_file(fixtures().join("oqs/OQSsiquc01res_20261120103000_error.xml")).unwrap();
    let json = serde_json::to_value(&doc).unwrap();
    assert_eq!(json["kind"], "eligibility");
    assert_eq!(json["data"]["error"]["code"], "EOQS1234");
    let back: OqsDocument = serde_json::from_value(json).unwrap();
    assert_eq!(back, doc);
}

/// The MynaReception samples: minimal face results as that project's own
/// parser reads them (no ProcessExecutionTime, no QualificationValidity). They
/// parse; what they leave out is said on the result, never guessed.
fn minimal(rel: &str) -> EligibilityResult {
    let r = eligibility(rel);
    for field in ["ProcessExecutionTime", "QualificationConfirmationDate", "QualificationValidity"] {
        assert!(r.missing.iter().any(|m| m == field), "{rel}: {field} said missing: {:?}", r.missing);
    }
    // No time of its own: the placeholder until the desk stamps when it
    // received the file; not valid, not "not found": not stated.
    assert_eq!(r.confirmed_at, oqs::NO_TIME);
    assert_eq!(r.validity, Validity::Unstated);
    assert!(!r.validity.is_valid());
    assert_eq!(r.error, None);
    r
}

#[test]
fn external_minimal_face_results_name_the_kana_and_birth_date_not_the_card_holder() {
    for rel in ["external/mynareception_face_minimal_utf8.xml", "external/mynareception_face_minimal_sjis.xml"] {
        let r = minimal(rel);
        assert_eq!(r.missing, ["ProcessExecutionTime", "QualificationConfirmationDate", "QualificationValidity", "Name"], "{rel}");
        let p = r.person.as_ref().unwrap_or_else(|| panic!("{rel}: a person from NameKana and Birthdate"));
        // InsuredName (別人の保険名義) is the card holder, never the patient.
        assert_eq!(p.name, "ﾃｽﾄ ﾀﾛｳ", "{rel}");
        assert_eq!(p.name_kana.as_deref(), Some("ﾃｽﾄ ﾀﾛｳ"), "{rel}");
        assert_eq!(p.birth_date, d("20241021"), "{rel}");
        assert_eq!(p.sex, Sex::Unset, "{rel}");
        assert_eq!(r.qualification, None, "{rel}");
    }
    // The Shift_JIS bytes and the UTF-8 text are the same document.
    assert_eq!(
        eligibility("external/mynareception_face_minimal_utf8.xml"),
        eligibility("external/mynareception_face_minimal_sjis.xml")
    );
}

#[test]
fn external_capture_face_result_with_the_insurance_quartet() {
    let r = minimal("external/mynareception_face_capture.xml");
    assert_eq!(r.missing, ["ProcessExecutionTime", "QualificationConfirmationDate", "QualificationValidity"]);
    let p = r.person.as_ref().unwrap();
    assert_eq!(p.name, "試験太郎");
    assert_eq!(p.name_kana.as_deref(), Some("ﾃｽﾄ ﾀﾛｳ"));
    assert_eq!(p.birth_date, d("20241021"));
    let q = r.qualification.as_ref().unwrap();
    assert_eq!(q.insurer_number.as_str(), "00123456");
    assert_eq!(q.symbol, "TEST");
    assert_eq!(q.number, "001");
    assert_eq!(q.branch.as_deref(), Some("01"));
    assert_eq!(q.copay, None);
    assert!(r.consents.is_empty());
}

#[test]
fn external_face_result_without_a_declaration_is_utf8() {
    let r = minimal("external/mynareception_face_insurance_nodecl.xml");
    let q = r.qualification.as_ref().unwrap();
    assert_eq!(q.symbol, "記号01");
    assert_eq!(q.number, "000123", "leading zeros kept");
    assert_eq!(q.branch.as_deref(), Some("02"));
}

#[test]
fn a_result_without_a_time_is_dated_when_the_desk_received_it() {
    let mut r = eligibility("external/mynareception_face_capture.xml");
    let received = t("20261207101112");
    oqs::stamp_received(&mut r, received);
    assert_eq!(r.confirmed_at, received);
    assert_eq!(r.confirmation_date, d("20261207"));
    assert!(r.missing.iter().any(|m| m == "ProcessExecutionTime"), "still said: the answer had no time");
    // A complete answer keeps its own time.
    let mut full = eligibility("oqs/OQSsiquc01res_face_0001_20261120093012.xml");
    assert!(full.missing.is_empty());
    oqs::stamp_received(&mut full, received);
    assert_eq!(full.confirmed_at, t("20261120093012"));
}

#[test]
fn a_file_naming_no_person_no_validity_and_no_error_is_refused() {
    let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><XmlMsg><MessageHeader><SegmentOfResult>1</SegmentOfResult></MessageHeader>\
               <MessageBody><ProcessingResultStatus>1</ProcessingResultStatus><ResultList><ResultOfQualificationConfirmation>\
               <Birthdate>20241021</Birthdate></ResultOfQualificationConfirmation></ResultList></MessageBody></XmlMsg>";
    let e = oqs::parse_named("OQSsiquc01res_x.xml", xml.as_bytes()).unwrap_err();
    assert_eq!(e.problem, OqsProblem::MissingField { field: "ProcessExecutionTime".into() }, "{e}");
    // With its time, still nobody and no validity: refused for the validity.
    let timed = xml.replace("<SegmentOfResult>", "<ProcessExecutionTime>20261207101112</ProcessExecutionTime><SegmentOfResult>");
    let e = oqs::parse_named("OQSsiquc01res_x.xml", timed.as_bytes()).unwrap_err();
    assert_eq!(e.problem, OqsProblem::MissingField { field: "QualificationValidity".into() }, "{e}");
}

/// The core's timeline tests read `core/tests/data/medication_history.json`
/// (the core knows no XML): it must be what this parser makes of the
/// medication fixture, so that they run on a real OQS file's content.
#[test]
fn the_core_medication_data_file_is_the_fixtures_parse() {
    let path = fixtures().join("oqs/YZKsiquc01res_20261120093500.xml");
    let OqsDocument::Medication(h) = oqs::parse_file(&path).unwrap() else {
        panic!("not medication")
    };
    let core: MedicationHistory = serde_json::from_str(
        &std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../core/tests/data/medication_history.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(core, h, "regenerate with `madoguchi oqs parse {}`", path.display());
}
