//! The real server on 127.0.0.1:0 answering real HTTP requests.

use std::sync::OnceLock;

use chrono::NaiveDate;
use madoguchi_core::codes::{LossReason, Relationship, Sex, Validity};
use madoguchi_core::{
    CardDetails, CopayRatio, EligibilityQuery, EligibilityResult, InsurerNumber, ResultSource,
    ServiceError, ServiceInfo,
};
use madoguchi_training::{spawn_background, RunningService, NOT_FOUND_MESSAGE};
use reqwest::blocking::Client;
use reqwest::StatusCode;
use rusqlite::Connection;

struct Fixture {
    _dir: tempfile::TempDir,
    service: RunningService,
}

fn service() -> &'static RunningService {
    static S: OnceLock<Fixture> = OnceLock::new();
    &S.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let service = spawn_background(dir.path().join("people.sqlite"), 10_000, 11, 0).unwrap();
        Fixture { _dir: dir, service }
    })
    .service
}

fn client() -> Client {
    Client::builder().no_proxy().build().unwrap()
}

/// A card of the population chosen by an SQL condition on `q` (qualifications)
/// and `p` (persons), with the person's name and the card's copay.
struct Row {
    card: CardDetails,
    name: String,
    kana: String,
    sex: u8,
    copay: u8,
    insurer_name: String,
    limit_category: Option<String>,
    newer_card: Option<CardDetails>,
}

fn find(condition: &str) -> Row {
    let c = Connection::open(service().population().path()).unwrap();
    let sql = format!(
        "SELECT q.insurer_number, q.symbol, q.number, q.branch, p.birth_date, p.name,
                p.name_kana, p.sex, q.copay, q.insurer_name, q.limit_category, q.newer_from,
                q.person_id
         FROM qualifications q JOIN persons p ON p.id = q.person_id
         WHERE {condition} ORDER BY q.id LIMIT 1"
    );
    let (row, newer_from, person_id) = c
        .query_row(&sql, [], |r| {
            let birth: String = r.get(4)?;
            Ok((
                Row {
                    card: CardDetails {
                        insurer_number: InsurerNumber::from_trusted(r.get::<_, String>(0)?),
                        symbol: r.get(1)?,
                        number: r.get(2)?,
                        branch: r.get(3)?,
                        birth_date: NaiveDate::parse_from_str(&birth, "%Y-%m-%d").unwrap(),
                    },
                    name: r.get(5)?,
                    kana: r.get(6)?,
                    sex: r.get(7)?,
                    copay: r.get(8)?,
                    insurer_name: r.get(9)?,
                    limit_category: r.get(10)?,
                    newer_card: None,
                },
                r.get::<_, Option<String>>(11)?,
                r.get::<_, i64>(12)?,
            ))
        })
        .unwrap_or_else(|e| panic!("no card where {condition}: {e}"));
    let mut row = row;
    if let Some(from) = newer_from {
        row.newer_card = Some(
            c.query_row(
                "SELECT insurer_number, symbol, number, branch FROM qualifications
                 WHERE person_id = ?1 AND valid_from = ?2",
                rusqlite::params![person_id, from],
                |r| {
                    Ok(CardDetails {
                        insurer_number: InsurerNumber::from_trusted(r.get::<_, String>(0)?),
                        symbol: r.get(1)?,
                        number: r.get(2)?,
                        branch: r.get(3)?,
                        birth_date: row.card.birth_date,
                    })
                },
            )
            .unwrap(),
        );
    }
    row
}

fn ask(query: &EligibilityQuery) -> EligibilityResult {
    let response = client()
        .post(format!("{}/api/v1/eligibility", service().url()))
        .json(query)
        .send()
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json().unwrap()
}

fn query(card: &CardDetails) -> EligibilityQuery {
    EligibilityQuery {
        card: card.clone(),
        confirmation_date: None,
        limit_certificate_consent: false,
    }
}

/// Cards the service calls valid today.
const VALID: &str = "q.loss_reason IS NULL AND q.valid_from <= date('now', 'localtime')
    AND (q.valid_until IS NULL OR q.valid_until >= date('now', 'localtime'))";

#[test]
fn health_says_training() {
    let s = service();
    assert!(s.url().starts_with("http://127.0.0.1:"));
    assert_ne!(s.port(), 0);
    let info: ServiceInfo = client()
        .get(format!("{}/api/v1/health", s.url()))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(info.service, "madoguchi-training");
    assert!(info.training);
    assert_eq!(info.people, 10_000);
    assert_eq!(info.version, env!("CARGO_PKG_VERSION"));
}

#[test]
fn valid_person_with_name_and_copay() {
    let row = find(&format!(
        "{VALID} AND q.copay = 30 AND q.elderly_copay IS NULL"
    ));
    let r = ask(&query(&row.card));
    // Taken after the answer: the service confirmed it then or a little before
    // (a `now` read before asking could be later than the answer's seconds).
    let after = chrono::Local::now().naive_local();
    assert_eq!(r.validity, Validity::Valid);
    assert_eq!(r.source, ResultSource::TrainingService);
    assert!(r.error.is_none());
    assert!(r.consents.is_empty());
    assert_eq!(r.asked.as_ref(), Some(&row.card));
    assert!(r.confirmed_at <= after && r.confirmed_at > after - chrono::Duration::seconds(30), "{} at {after}", r.confirmed_at);
    // The day it was confirmed on, not the day of a clock read around it
    // (which differ across midnight).
    assert_eq!(r.confirmation_date, r.confirmed_at.date());
    let person = r.person.as_ref().unwrap();
    assert_eq!(person.name, row.name);
    assert_eq!(person.name_kana.as_deref(), Some(row.kana.as_str()));
    assert_eq!(person.birth_date, row.card.birth_date);
    assert_eq!(
        person.sex,
        if row.sex == 1 { Sex::Male } else { Sex::Female }
    );
    assert!(person
        .address
        .as_deref()
        .unwrap()
        .contains(['都', '道', '府', '県']));
    let q = r.qualification.as_ref().unwrap();
    assert_eq!(row.copay, 30);
    assert_eq!(q.copay, Some(CopayRatio(row.copay)));
    assert_eq!(r.effective_copay(), Some(CopayRatio(30)));
    assert_eq!(q.insurer_name.as_deref(), Some(row.insurer_name.as_str()));
    assert_eq!(q.number, row.card.number);
    assert!(q.loss_reason.is_none());
    assert!(!q.preschool);
    assert!(q.reference_number.as_deref().is_some_and(|n| n.len() == 10));
}

#[test]
fn card_typed_with_full_width_digits_and_no_branch_is_found() {
    // The household's first card (枝番 00): the birth date tells members apart.
    let row = find(&format!(
        "{VALID} AND q.branch = '00' AND length(q.symbol) > 0"
    ));
    let mut card = row.card.clone();
    card.branch = None;
    card.number = card
        .number
        .chars()
        .map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap())
        .collect();
    let r = ask(&query(&card));
    assert_eq!(r.validity, Validity::Valid);
    assert_eq!(r.person.unwrap().name, row.name);
}

#[test]
fn preschool_and_elderly() {
    let child = find(&format!("{VALID} AND q.preschool = 1"));
    let r = ask(&query(&child.card));
    let q = r.qualification.unwrap();
    assert!(q.preschool);
    assert_eq!(q.copay, Some(CopayRatio(20)));

    let elder = find(&format!("{VALID} AND q.elderly_copay = 20"));
    let r = ask(&query(&elder.card));
    let e = r.qualification.as_ref().unwrap().elderly.clone().unwrap();
    assert_eq!(e.copay, Some(CopayRatio(20)));
    assert!(e.valid_from.unwrap() < e.valid_until.unwrap());
    assert_eq!(r.effective_copay(), Some(CopayRatio(20)));
}

#[test]
fn limit_certificate_only_with_consent() {
    let row = find(&format!("{VALID} AND q.limit_category IS NOT NULL"));
    let without = ask(&query(&row.card));
    assert_eq!(without.validity, Validity::Valid);
    assert!(without.qualification.unwrap().limit.is_none());
    assert_eq!(without.certificate_consents.limit_certificate, Some(false));
    let mut q = query(&row.card);
    q.limit_certificate_consent = true;
    let with = ask(&q);
    let limit = with.qualification.unwrap().limit.unwrap();
    assert_eq!(
        limit.category.map(|c| c.code().to_string()),
        row.limit_category
    );
    assert_eq!(with.certificate_consents.limit_certificate, Some(true));
}

#[test]
fn unknown_card_is_not_found() {
    let row = find(VALID);
    let mut card = row.card.clone();
    card.number = format!("9{}", card.number);
    let r = ask(&query(&card));
    assert_eq!(r.validity, Validity::NotFound);
    assert!(r.person.is_none() && r.qualification.is_none());
    let error = r.error.unwrap();
    assert_eq!(error.message.as_deref(), Some(NOT_FOUND_MESSAGE));
    assert_eq!(
        NOT_FOUND_MESSAGE,
        "入力された被保険者情報に該当する資格情報が存在しません。"
    );
    assert!(error.code.is_some());
}

#[test]
fn birth_date_mismatch_is_not_found() {
    let row = find(VALID);
    let mut card = row.card.clone();
    card.birth_date = card.birth_date.succ_opt().unwrap();
    let r = ask(&query(&card));
    assert_eq!(r.validity, Validity::NotFound);
    assert!(r.person.is_none());
    assert_eq!(r.error.unwrap().message.as_deref(), Some(NOT_FOUND_MESSAGE));
}

#[test]
fn lost_qualification_is_invalid_but_was_valid_before() {
    let row = find("q.loss_reason IS NOT NULL AND q.newer_from IS NULL");
    let r = ask(&query(&row.card));
    assert_eq!(r.validity, Validity::Invalid);
    let q = r.qualification.unwrap();
    assert!(matches!(
        q.loss_reason,
        Some(LossReason::Death | LossReason::WelfareStarted | LossReason::Other)
    ));
    let until = q.valid_until.unwrap();
    assert!(until < NaiveDate::from_ymd_opt(2026, 4, 1).unwrap());
    assert_eq!(r.person.unwrap().name, row.name);
    // On its last day the card was still good.
    let mut on_last_day = query(&row.card);
    on_last_day.confirmation_date = Some(until);
    let r = ask(&on_last_day);
    assert_eq!(r.validity, Validity::Valid);
    assert_eq!(r.confirmation_date, until);
}

#[test]
fn old_card_answers_new_qualification_and_new_card_is_valid() {
    let row = find("q.newer_from IS NOT NULL");
    let r = ask(&query(&row.card));
    assert_eq!(r.validity, Validity::InvalidNewQualification);
    assert_eq!(
        r.qualification.unwrap().loss_reason,
        Some(LossReason::OtherInsurance)
    );
    let new = ask(&query(row.newer_card.as_ref().unwrap()));
    assert_eq!(new.validity, Validity::Valid);
    assert_eq!(new.person.unwrap().name, row.name);
}

#[test]
fn expired_card_is_invalid() {
    let row = find("q.loss_reason IS NULL AND q.valid_until < '2026-04-01'");
    let r = ask(&query(&row.card));
    assert_eq!(r.validity, Validity::Invalid);
    assert!(r.qualification.unwrap().loss_reason.is_none());
}

#[test]
fn family_member_is_family() {
    let row = find(&format!(
        "{VALID} AND q.branch = '01' AND q.relationship = '2'"
    ));
    let r = ask(&query(&row.card));
    assert_eq!(r.validity, Validity::Valid);
    assert_eq!(
        r.qualification.unwrap().relationship,
        Some(Relationship::Family)
    );
}

fn post_raw(body: &str) -> (StatusCode, String) {
    let response = client()
        .post(format!("{}/api/v1/eligibility", service().url()))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .unwrap();
    let status = response.status();
    (status, response.text().unwrap())
}

#[test]
fn malformed_bodies_are_400_json() {
    let (status, body) = post_raw("{not json");
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let e: ServiceError = serde_json::from_str(&body).unwrap();
    assert_eq!(e.code, "invalid_json");
    assert!(!e.message.is_empty());

    let (status, body) = post_raw(r#"{"card": {"insurer_number": "01130012"}}"#);
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let e: ServiceError = serde_json::from_str(&body).unwrap();
    assert_eq!(e.code, "invalid_body");

    let (status, body) = post_raw(
        r#"{"card": {"insurer_number": "12AB", "symbol": "1", "number": "2",
            "branch": "00", "birth_date": "1980-01-01"}}"#,
    );
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let e: ServiceError = serde_json::from_str(&body).unwrap();
    assert_eq!(e.code, "invalid_insurer_number");

    let (status, body) = post_raw("");
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(serde_json::from_str::<ServiceError>(&body).is_ok());
}

#[test]
fn unknown_path_and_wrong_method_are_json() {
    let c = client();
    let r = c
        .get(format!("{}/api/v1/nothing-here", service().url()))
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let e: ServiceError = r.json().unwrap();
    assert_eq!(e.code, "not_found");
    assert!(e.message.contains("/api/v1/nothing-here"));

    let r = c
        .get(format!("{}/api/v1/eligibility", service().url()))
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    let e: ServiceError = r.json().unwrap();
    assert_eq!(e.code, "method_not_allowed");
}

#[test]
fn shutdown_frees_the_port() {
    let dir = tempfile::tempdir().unwrap();
    let s = spawn_background(dir.path().join("p.sqlite"), 200, 3, 0).unwrap();
    let url = s.url();
    let info: ServiceInfo = client()
        .get(format!("{url}/api/v1/health"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(info.people, 200);
    let started = std::time::Instant::now();
    s.shutdown();
    assert!(started.elapsed().as_secs() < 5);
    assert!(client()
        .get(format!("{url}/api/v1/health"))
        .timeout(std::time::Duration::from_secs(2))
        .send()
        .is_err());
}

fn card_of(p: &madoguchi_training::SamplePerson) -> CardDetails {
    CardDetails {
        insurer_number: InsurerNumber::from_trusted(p.insurer_number.clone()),
        symbol: p.symbol.clone(),
        number: p.number.clone(),
        branch: (!p.branch.is_empty()).then(|| p.branch.clone()),
        birth_date: p.birth_date,
    }
}

#[test]
fn a_medical_aid_patient_has_this_months_ticket_or_is_valid_unregistered() {
    use madoguchi_core::codes::CardClassification;
    use madoguchi_core::TicketType;
    let on = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
    let people = service().population().special_on(madoguchi_training::SpecialFilter::MedicalAid, on).unwrap();
    let with = people.iter().find(|p| p.expected_validity == Validity::Valid).unwrap();
    let r = ask(&EligibilityQuery { confirmation_date: Some(on), ..query(&card_of(with)) });
    assert_eq!(r.validity, Validity::Valid);
    let q = r.qualification.unwrap();
    assert_eq!(q.card_classification, Some(CardClassification::MedicalAid));
    let [t] = &q.medical_tickets[..] else { panic!("one ticket: {:?}", q.medical_tickets) };
    assert_eq!(t.ticket_type, Some(TicketType::MedicalTicket));
    assert_eq!(t.treatment_month, NaiveDate::from_ymd_opt(2026, 12, 1));
    assert_eq!(t.valid_from, NaiveDate::from_ymd_opt(2026, 12, 1));
    assert_eq!(t.valid_until, NaiveDate::from_ymd_opt(2026, 12, 31));
    assert!(t.covers(on));
    assert!(t.designated_institution_name.is_some() && !t.injury_names.is_empty() && t.self_pay.is_some());
    // Next month, next month's ticket.
    let r = ask(&EligibilityQuery { confirmation_date: NaiveDate::from_ymd_opt(2027, 1, 15), ..query(&card_of(with)) });
    assert_eq!(r.qualification.unwrap().medical_tickets[0].treatment_month, NaiveDate::from_ymd_opt(2027, 1, 1));

    let without = people.iter().find(|p| p.expected_validity == Validity::ValidUnregistered).unwrap();
    let r = ask(&EligibilityQuery { confirmation_date: Some(on), ..query(&card_of(without)) });
    assert_eq!(r.validity, Validity::ValidUnregistered);
    assert!(r.qualification.unwrap().medical_tickets.is_empty());
}

#[test]
fn the_notice_person_gets_the_certificate_notice_with_a_valid_answer() {
    let on = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
    let p = &service().population().special_on(madoguchi_training::SpecialFilter::Notice, on).unwrap()[0];
    let r = ask(&EligibilityQuery { confirmation_date: Some(on), ..query(&card_of(p)) });
    assert_eq!(r.validity, Validity::Valid);
    assert_eq!(r.error, None);
    assert_eq!(r.notices.len(), 1);
    assert!(r.notices[0].message.as_deref().unwrap().contains("電子証明書の有効期限が3か月以内"));
    assert!(r.notices[0].code.is_some());
    // Others get none.
    let other = ask(&query(&find(VALID).card));
    assert!(other.notices.is_empty());
}
