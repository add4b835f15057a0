//! 災害時モード on the real service (127.0.0.1:0): disaster windows declared
//! through the population file (as the admin command does) and the four-field
//! look-up over real HTTP. Each test uses a prefecture of its own, so the tests
//! share one service and run in parallel.

use std::process::Command;
use std::sync::OnceLock;

use chrono::{Days, Local, NaiveDate};
use madoguchi_core::disaster::{DisasterAnswer, DisasterRequest, LOOKUP_PATH, NOT_OPEN_CODE};
use madoguchi_core::matching::{DisasterQuery, MatchField, MatchHow, MatchOutcome, QueryField, QueryProblem};
use madoguchi_core::ServiceError;
use madoguchi_training::{spawn_background, RunningService};
use reqwest::blocking::Client;
use reqwest::StatusCode;
use rusqlite::Connection;

const BIN: &str = env!("CARGO_BIN_EXE_madoguchi-training");

struct Fixture {
    _dir: tempfile::TempDir,
    service: RunningService,
}

/// The service, with two extra people who share name, birth date, sex and
/// insurer (twins on paper) for the "several found" answer.
fn service() -> &'static RunningService {
    static S: OnceLock<Fixture> = OnceLock::new();
    &S.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let service = spawn_background(dir.path().join("people.sqlite"), 10_000, 23, 0).unwrap();
        let c = Connection::open(service.population().path()).unwrap();
        c.execute_batch(
            "INSERT INTO persons (id, name, name_kana, sex, birth_date, address)
                VALUES (900001, '災害 太郎', 'サイガイ タロウ', 1, '1961-02-03', '石川県輪島市河井町1-1'),
                       (900002, '災害 太郎', 'サイガイ タロウ', 1, '1961-02-03', '石川県輪島市河井町2-2');
             INSERT INTO qualifications (person_id, insurer_number, insurer_name, symbol, number,
                    branch, valid_from, preschool)
                VALUES (900001, '06170018', '輪島健康保険組合', '1', '90001', '00', '2020-01-01', 0),
                       (900002, '06170018', '輪島健康保険組合', '1', '90002', '00', '2020-01-01', 0);",
        )
        .unwrap();
        Fixture { _dir: dir, service }
    })
    .service
}

fn client() -> Client {
    Client::builder().no_proxy().build().unwrap()
}

fn facility(prefecture: u8) -> String {
    format!("{prefecture:02}12345678")
}

fn open_window(prefecture: u8) {
    let now = Local::now().naive_local();
    service()
        .population()
        .open_disaster(prefecture, now - Days::new(1), Some(now + Days::new(1)))
        .unwrap();
}

fn query(name: &str, birth: &str, sex: &str, hint: &str) -> DisasterQuery {
    DisasterQuery {
        name: name.into(),
        birth_date: birth.into(),
        sex: sex.into(),
        hint: hint.into(),
    }
}

/// Status and raw body of a look-up.
fn post(prefecture: u8, q: &DisasterQuery) -> (StatusCode, String) {
    let resp = client()
        .post(format!("{}{LOOKUP_PATH}", service().url()))
        .json(&DisasterRequest {
            facility_code: facility(prefecture),
            query: q.clone(),
        })
        .send()
        .unwrap();
    (resp.status(), resp.text().unwrap())
}

fn answer(prefecture: u8, q: &DisasterQuery) -> DisasterAnswer {
    let (status, body) = post(prefecture, q);
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_str(&body).unwrap()
}

/// A person of the population who is the only one with their name, birth
/// date and sex, without `●`: (name, kana, sex code, birth date, address,
/// insurer name, card key).
fn unique_person() -> (String, String, i64, String, String, String, String) {
    let c = Connection::open(service().population().path()).unwrap();
    c.query_row(
        "SELECT p.name, p.name_kana, p.sex, p.birth_date, p.address, q.insurer_name,
                q.insurer_number || ':' || q.symbol || ':' || q.number || ':' || coalesce(q.branch, '')
         FROM persons p JOIN qualifications q ON q.person_id = p.id
         WHERE p.name NOT LIKE '%●%' AND p.id < 900000 AND q.newer_from IS NULL
           AND (SELECT count(*) FROM persons o
                WHERE o.birth_date = p.birth_date AND o.sex = p.sex) = 1
           AND (SELECT count(*) FROM qualifications o WHERE o.person_id = p.id) = 1
         ORDER BY p.id LIMIT 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)),
    )
    .unwrap()
}

fn sex_word(code: i64) -> &'static str {
    if code == 1 {
        "男"
    } else {
        "女"
    }
}

#[test]
fn without_a_window_the_lookup_is_refused_as_not_open() {
    let (name, _, sex, birth, address, _, _) = unique_person();
    let (status, body) = post(40, &query(&name, &birth, sex_word(sex), &address));
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let e: ServiceError = serde_json::from_str(&body).unwrap();
    assert_eq!(e.code, NOT_OPEN_CODE);
    assert!(!body.contains(&name), "no personal data: {body}");
}

#[test]
fn a_window_of_another_prefecture_does_not_open_this_one() {
    open_window(41);
    let (name, _, sex, birth, address, _, _) = unique_person();
    let (status, _) = post(42, &query(&name, &birth, sex_word(sex), &address));
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[test]
fn one_person_is_found_by_the_four_fields_with_the_result() {
    open_window(13);
    let (name, _, sex, birth, address, _, key) = unique_person();
    // Part of the address: the characters after the prefecture, cut short.
    let part: String = address.chars().skip(3).take(4).collect();
    let a = answer(13, &query(&name, &birth, sex_word(sex), &part));
    let MatchOutcome::Found { key: found, matched } = &a.outcome else {
        panic!("expected found, got {:?}", a.outcome);
    };
    assert_eq!(found, &key);
    assert!(matched
        .iter()
        .any(|m| m.field == MatchField::Address && m.how == MatchHow::PartialAddress));
    let result = a.result.expect("a result with the person");
    assert_eq!(result.person.unwrap().name, name);
    let q = result.qualification.unwrap();
    assert_eq!(
        format!(
            "{}:{}:{}:{}",
            q.insurer_number.as_str(),
            q.symbol,
            q.number,
            q.branch.unwrap_or_default()
        ),
        key
    );
}

#[test]
fn kana_name_and_insurer_name_find_the_same_person() {
    open_window(14);
    let (_, kana, sex, birth, _, insurer, key) = unique_person();
    let birth = NaiveDate::parse_from_str(&birth, "%Y-%m-%d").unwrap();
    let a = answer(
        14,
        &query(&kana, &birth.format("%Y%m%d").to_string(), sex_word(sex), &insurer),
    );
    match a.outcome {
        MatchOutcome::Found { key: found, matched } => {
            assert_eq!(found, key);
            assert!(matched
                .iter()
                .any(|m| m.field == MatchField::Name && m.how == MatchHow::Kana));
            assert!(matched.iter().any(|m| m.field == MatchField::InsurerName));
        }
        other => panic!("expected found, got {other:?}"),
    }
}

#[test]
fn a_one_day_birth_date_error_is_not_found_with_hints_only() {
    open_window(15);
    let (name, _, sex, birth, address, _, _) = unique_person();
    let birth = NaiveDate::parse_from_str(&birth, "%Y-%m-%d").unwrap() + Days::new(1);
    let (status, body) = post(
        15,
        &query(&name, &birth.to_string(), sex_word(sex), &address),
    );
    assert_eq!(status, StatusCode::OK);
    let a: DisasterAnswer = serde_json::from_str(&body).unwrap();
    let MatchOutcome::NotFound { hints } = a.outcome else {
        panic!("expected not found, got {:?}", a.outcome);
    };
    assert!(!hints.is_empty());
    assert!(a.result.is_none());
    assert!(!body.contains(&address), "{body}");
}

#[test]
fn the_other_sex_is_not_found() {
    open_window(16);
    let (name, _, sex, birth, address, _, _) = unique_person();
    let other = if sex == 1 { "F" } else { "M" };
    let a = answer(16, &query(&name, &birth, other, &address));
    assert!(matches!(a.outcome, MatchOutcome::NotFound { .. }), "{:?}", a.outcome);
}

#[test]
fn several_people_are_counted_without_personal_data() {
    open_window(17);
    let (status, body) = post(17, &query("災害太郎", "S36.2.3", "男", "輪島"));
    assert_eq!(status, StatusCode::OK, "{body}");
    let a: DisasterAnswer = serde_json::from_str(&body).unwrap();
    assert_eq!(a.outcome, MatchOutcome::Ambiguous { count: 2 });
    assert!(a.result.is_none());
    for secret in ["河井町", "90001", "90002", "輪島健康保険組合", "サイガイ"] {
        assert!(!body.contains(secret), "{secret} in {body}");
    }
    // A more specific fourth field tells them apart.
    let a = answer(17, &query("さいがい たろう", "1961-02-03", "男", "河井町2"));
    assert!(
        matches!(&a.outcome, MatchOutcome::Found { key, .. } if key == "06170018:1:90002:00"),
        "{:?}",
        a.outcome
    );
}

#[test]
fn a_missing_field_is_refused_before_any_search() {
    open_window(18);
    let a = answer(18, &query("災害太郎", "1961-02-03", "男", ""));
    assert_eq!(
        a.outcome,
        MatchOutcome::Refused {
            problems: vec![QueryProblem::Missing {
                field: QueryField::Hint
            }]
        }
    );
}

#[test]
fn a_closed_window_and_windows_out_of_their_period_answer_not_open() {
    let population = service().population();
    let now = Local::now().naive_local();
    let q = query("災害太郎", "1961-02-03", "男", "輪島");
    // Closed by command.
    population.open_disaster(19, now - Days::new(1), None).unwrap();
    assert_eq!(post(19, &q).0, StatusCode::OK);
    assert_eq!(population.close_disaster(19, now).unwrap(), 1);
    assert_eq!(post(19, &q).0, StatusCode::FORBIDDEN);
    // Ended yesterday; starts tomorrow.
    population
        .open_disaster(20, now - Days::new(3), Some(now - Days::new(1)))
        .unwrap();
    population
        .open_disaster(21, now + Days::new(1), Some(now + Days::new(3)))
        .unwrap();
    assert_eq!(post(20, &q).0, StatusCode::FORBIDDEN);
    assert_eq!(post(21, &q).0, StatusCode::FORBIDDEN);
}

#[test]
fn a_bad_facility_code_is_a_400_with_a_code() {
    let resp = client()
        .post(format!("{}{LOOKUP_PATH}", service().url()))
        .json(&DisasterRequest {
            facility_code: "0000000000".into(),
            query: query("災害太郎", "1961-02-03", "男", "輪島"),
        })
        .send()
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let e: ServiceError = resp.json().unwrap();
    assert_eq!(e.code, "invalid_facility_code");
}

#[test]
fn the_admin_commands_open_list_and_close_windows_the_running_service_sees() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.sqlite");
    let population = madoguchi_training::generate(&db, 500, 5).unwrap();
    let run = |args: &[&str]| {
        let out = Command::new(BIN)
            .args(args)
            .args(["--people", "500", "--seed", "5", "--db"])
            .arg(&db)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let service = madoguchi_training::spawn_population(population, 0).unwrap();
    let lookup = || {
        client()
            .post(format!("{}{LOOKUP_PATH}", service.url()))
            .json(&DisasterRequest {
                facility_code: facility(27),
                query: query("災害太郎", "1961-02-03", "男", "輪島"),
            })
            .send()
            .unwrap()
            .status()
    };
    assert_eq!(lookup(), StatusCode::FORBIDDEN);
    let opened = run(&["disaster", "open", "--prefecture", "27", "--days", "3"]);
    assert!(opened.contains("prefecture 27"), "{opened}");
    assert_eq!(lookup(), StatusCode::OK);
    let listed = run(&["disaster", "list", "--json"]);
    let w: serde_json::Value = serde_json::from_str(listed.lines().next().unwrap()).unwrap();
    assert_eq!(w["prefecture"], 27);
    assert!(w["until"].is_string());
    run(&["disaster", "close", "--prefecture", "27"]);
    assert_eq!(lookup(), StatusCode::FORBIDDEN);

    // Bad input: a clear message, non-zero exit.
    let out = Command::new(BIN)
        .args(["disaster", "open", "--prefecture", "48", "--people", "500", "--seed", "5", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("1–47"));
}

#[test]
fn export_json_prints_every_qualification_a_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.sqlite");
    let out = Command::new(BIN)
        .args(["export", "--json", "--people", "300", "--seed", "4", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let c = Connection::open(&db).unwrap();
    let n: usize = c
        .query_row("SELECT count(*) FROM qualifications", [], |r| r.get(0))
        .unwrap();
    assert_eq!(text.lines().count(), n);
    for l in text.lines() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        assert!(v["name"].is_string() && v["birth_date"].is_string());
    }
}
