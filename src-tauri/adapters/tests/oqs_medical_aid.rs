//! 医療扶助 (public medical aid) answers (issue 14): card classification A1,
//! validity 6 有効（未登録）, and the 医療券・調剤券 in
//! `PublicExpenseResultList/MedicalTicketInfo` (element names from
//! OQS-INTERFACE.md, "What other implementations show"). The answer file is
//! written as the national system lays it out; each case below is that file
//! or that file with one thing changed.

use chrono::NaiveDate;
use madoguchi_adapters::oqs::{self, OqsDocument, OqsKind};
use madoguchi_core::codes::{CardClassification, Validity};
use madoguchi_core::{ConsentAnswer, ConsentCategory, EligibilityResult, MedicalTicket, TicketType};

const ANSWER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/OQSsiquc01res_20261207101500_medical_aid.xml");

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn read(text: &str) -> EligibilityResult {
    match oqs::parse_bytes(OqsKind::EligibilityResponse, text.as_bytes()).expect("parses") {
        OqsDocument::Eligibility(r) => r,
        other => panic!("not an eligibility result: {other:?}"),
    }
}

fn answer() -> String {
    std::fs::read_to_string(ANSWER).unwrap()
}

fn edited(from: &str, to: &str) -> EligibilityResult {
    let text = answer();
    assert_eq!(text.matches(from).count(), 1, "{from} once in the answer");
    read(&text.replacen(from, to, 1))
}

#[test]
fn a_medical_aid_answer_gives_its_tickets_field_by_field() {
    let r = read(&answer());
    assert_eq!(r.validity, Validity::Valid);
    assert!(r.missing.is_empty(), "a complete answer: {:?}", r.missing);
    let q = r.qualification.as_ref().expect("a qualification");
    assert_eq!(q.card_classification, Some(CardClassification::MedicalAid));
    assert!(q.is_medical_aid());
    assert_eq!(q.insurer_number.as_str(), "12130019", "the welfare office's 公費負担者番号");
    assert_eq!(q.number, "1234566", "the 受給者番号");
    assert_eq!(q.insurer_name.as_deref(), Some("新宿区福祉事務所"));
    assert_eq!(r.person.as_ref().unwrap().name, "山田　一郎");
    assert_eq!(q.medical_tickets.len(), 2);

    let medical = &q.medical_tickets[0];
    assert_eq!(
        medical,
        &MedicalTicket {
            ticket_type: Some(TicketType::MedicalTicket),
            valid_from: Some(d(2026, 12, 1)),
            valid_until: Some(d(2026, 12, 31)),
            issue_number: Some("00012345".into()),
            treatment_month: Some(d(2026, 12, 1)),
            designated_institution_code: Some("1312345678".into()),
            designated_institution_flag: Some("1".into()),
            designated_institution_name: Some("中野こころクリニック".into()),
            prescribing_institution_code: None,
            prescribing_institution_name: None,
            injury_names: vec!["高血圧症".into(), "２型糖尿病".into()],
            treatment_type: Some("1".into()),
            self_pay: Some(2_500),
            district_contact: Some("佐藤　美咲".into()),
            handling_contact: Some("鈴木　健一".into()),
            single_or_combined: Some("1".into()),
            social_insurance_status: Some("0".into()),
            consistency_flag: Some("1".into()),
            infectious_disease_status: Some("0".into()),
            elderly_care_status: Some("0".into()),
            prefectural_expenses_status: Some("0".into()),
            remarks: vec!["通院は月2回まで".into()],
        }
    );
    assert!(medical.covers(d(2026, 12, 7)));
    assert!(!medical.covers(d(2027, 1, 1)));

    let dispensing = &q.medical_tickets[1];
    assert_eq!(dispensing.ticket_type, Some(TicketType::DispensingTicket));
    assert_eq!(dispensing.designated_institution_name.as_deref(), Some("さくら薬局"));
    assert_eq!(dispensing.prescribing_institution_code.as_deref(), Some("1312345678"));
    assert_eq!(dispensing.prescribing_institution_name.as_deref(), Some("中野こころクリニック"));
    assert_eq!(dispensing.self_pay, Some(0));
    assert!(dispensing.injury_names.is_empty());

    // The consents of the same answer: 3 同意取得困難, said, never a grant.
    let flag = r.consent(ConsentCategory::Medication).unwrap();
    assert_eq!((flag.answer, flag.given), (Some(ConsentAnswer::Difficult), false));
}

#[test]
fn what_a_ticket_lacks_or_garbles_is_said_and_the_rest_kept() {
    let r = edited(
        "<MedicalTicketExpirationDate>20261231</MedicalTicketExpirationDate>\n            <IssueNumber>00012345</IssueNumber>",
        "<IssueNumber>00012345</IssueNumber>",
    );
    let t = &r.qualification.as_ref().unwrap().medical_tickets[0];
    assert_eq!(t.valid_until, None);
    assert_eq!(t.valid_from, Some(d(2026, 12, 1)));
    assert_eq!(t.self_pay, Some(2_500));
    assert_eq!(r.missing, vec!["MedicalTicketInfo/MedicalTicketExpirationDate".to_string()]);

    let r = edited("<SelfPayAmount>2500</SelfPayAmount>", "<SelfPayAmount>二千五百</SelfPayAmount>");
    let t = &r.qualification.as_ref().unwrap().medical_tickets[0];
    assert_eq!(t.self_pay, None, "an unreadable amount is not guessed");
    assert_eq!(t.injury_names.len(), 2);
    assert_eq!(r.missing, vec!["MedicalTicketInfo/SelfPayAmount".to_string()]);

    let r = edited("<MedicalTreatmentMonth>202612</MedicalTreatmentMonth>\n            <DesignatedMedicalInstitutionCode>1312345678", "<MedicalTreatmentMonth>202613</MedicalTreatmentMonth>\n            <DesignatedMedicalInstitutionCode>1312345678");
    assert_eq!(r.qualification.as_ref().unwrap().medical_tickets[0].treatment_month, None);
    assert_eq!(r.missing, vec!["MedicalTicketInfo/MedicalTreatmentMonth".to_string()]);

    // A type the desk does not know is kept as its code.
    let r = edited("<TicketType>1</TicketType>", "<TicketType>7</TicketType>");
    let t = &r.qualification.as_ref().unwrap().medical_tickets[0];
    assert_eq!(t.ticket_type, Some(TicketType::Other("7".into())));
    assert_eq!(t.ticket_type.as_ref().unwrap().message_id(), "ticket-type-other");
    assert!(r.missing.is_empty(), "{:?}", r.missing);
    // An element the desk does not know is no reason to refuse the answer.
    let r = edited("<Remarks1>", "<FutureElement>x</FutureElement><Remarks1>");
    assert_eq!(r.qualification.as_ref().unwrap().medical_tickets[0].remarks.len(), 1);
}

fn without_tickets(validity: &str) -> EligibilityResult {
    let text = answer();
    let start = text.find("<PublicExpenseResultList>").unwrap();
    let end = text.find("</PublicExpenseResultList>").unwrap() + "</PublicExpenseResultList>".len();
    let text = format!("{}{}", &text[..start], &text[end..]).replacen(
        "<QualificationValidity>1</QualificationValidity>",
        &format!("<QualificationValidity>{validity}</QualificationValidity>"),
        1,
    );
    read(&text)
}

#[test]
fn valid_unregistered_has_no_ticket_and_a_valid_answer_without_one_is_said() {
    // 6 有効（未登録）: 医療扶助 without a ticket for the month; nothing missing.
    let r = without_tickets("6");
    assert_eq!(r.validity, Validity::ValidUnregistered);
    assert!(r.validity.is_valid());
    assert!(r.qualification.as_ref().unwrap().medical_tickets.is_empty());
    assert!(r.missing.is_empty(), "{:?}", r.missing);
    // Valid (1), yet no ticket: the desk says what it cannot show.
    let r = without_tickets("1");
    assert_eq!(r.missing, vec!["PublicExpenseResultList/MedicalTicketInfo".to_string()]);
}

#[test]
fn the_writer_puts_the_tickets_where_the_reader_finds_them() {
    let r = read(&answer());
    let bytes = oqs::write_eligibility_response(&r, oqs::Encoding::ShiftJis);
    let text = encoding_rs::SHIFT_JIS.decode(&bytes).0.into_owned();
    assert_eq!(text.matches("<MedicalTicketInfo>").count(), 2);
    assert!(text.contains("<MedicalTreatmentMonth>202612</MedicalTreatmentMonth>"), "{text}");
    assert!(text.contains("<StatusOfInfecton>0</StatusOfInfecton>"), "the national spelling: {text}");
    match oqs::parse_bytes(OqsKind::EligibilityResponse, &bytes).unwrap() {
        OqsDocument::Eligibility(back) => assert_eq!(back, r),
        other => panic!("{other:?}"),
    }
}
