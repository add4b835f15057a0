//! The synthetic population: determinism, check digits, age and copay rules.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Instant;

use chrono::NaiveDate;
use madoguchi_core::codes::Validity;
use madoguchi_core::validation::check_digit;
use madoguchi_training::{age_on, generate, reference_date, sample, Population};
use rusqlite::Connection;

/// One 10,000-person population shared by the tests of this file.
fn shared() -> &'static (tempfile::TempDir, Population) {
    static DB: OnceLock<(tempfile::TempDir, Population)> = OnceLock::new();
    DB.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let started = Instant::now();
        let p = generate(&dir.path().join("people.sqlite"), 10_000, 1).unwrap();
        let took = started.elapsed();
        // Unoptimised test builds are slow; the 5 s budget is for a release build.
        assert!(took.as_secs_f64() < 10.0, "10,000 people took {took:?}");
        (dir, p)
    })
}

fn conn() -> Connection {
    shared().1.connect().unwrap()
}

fn first_people(path: &PathBuf, n: i64) -> Vec<(String, String, String, String, String)> {
    let c = Connection::open(path).unwrap();
    let mut s = c
        .prepare(
            "SELECT p.name, p.birth_date, q.insurer_number, q.number, coalesce(p.address, '')
             FROM persons p JOIN qualifications q ON q.person_id = p.id
             WHERE p.id <= ?1 ORDER BY q.id",
        )
        .unwrap();
    s.query_map([n], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
    })
    .unwrap()
    .map(|r| r.unwrap())
    .collect()
}

#[test]
fn same_seed_same_people_other_seed_other_people() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.sqlite");
    let b = dir.path().join("b.sqlite");
    let c = dir.path().join("c.sqlite");
    generate(&a, 500, 42).unwrap();
    generate(&b, 500, 42).unwrap();
    generate(&c, 500, 43).unwrap();
    let pa = first_people(&a, 50);
    assert!(pa.len() >= 50);
    assert_eq!(pa, first_people(&b, 50));
    assert_ne!(pa, first_people(&c, 50));
    // A larger population with the same seed starts with the same people.
    let d = dir.path().join("d.sqlite");
    generate(&d, 1_000, 42).unwrap();
    assert_eq!(pa, first_people(&d, 50));
}

#[test]
fn existing_file_is_reused_or_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/dir/p.sqlite");
    let p = generate(&path, 300, 5).unwrap();
    assert_eq!((p.people(), p.seed()), (300, 5));
    // Mark the file: reuse keeps the mark, regeneration loses it.
    Connection::open(&path)
        .unwrap()
        .execute("INSERT INTO meta (key, value) VALUES ('mark', 'x')", [])
        .unwrap();
    let marked = |path: &PathBuf| -> bool {
        Connection::open(path)
            .unwrap()
            .query_row("SELECT count(*) FROM meta WHERE key = 'mark'", [], |r| {
                r.get::<_, i64>(0)
            })
            .unwrap()
            == 1
    };
    generate(&path, 300, 5).unwrap();
    assert!(marked(&path), "same (people, seed) must reuse the file");
    let q = generate(&path, 300, 6).unwrap();
    assert_eq!(q.seed(), 6);
    assert!(!marked(&path), "another seed must regenerate");
    let n: i64 = Connection::open(&path)
        .unwrap()
        .query_row("SELECT count(*) FROM persons", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 300);
    // Not a population at all: replaced too.
    let junk = dir.path().join("junk.sqlite");
    std::fs::write(&junk, b"not a database").unwrap();
    assert_eq!(generate(&junk, 100, 1).unwrap().people(), 100);
    assert!(Population::open(&junk).is_ok());
}

#[test]
fn exact_number_of_people() {
    let c = conn();
    let n: i64 = c
        .query_row("SELECT count(*) FROM persons", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 10_000);
    let orphans: i64 = c
        .query_row(
            "SELECT count(*) FROM persons p WHERE NOT EXISTS
                 (SELECT 1 FROM qualifications q WHERE q.person_id = p.id)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(orphans, 0);
}

#[test]
fn every_insurer_number_has_a_valid_check_digit() {
    let c = conn();
    let mut s = c
        .prepare("SELECT insurer_number FROM qualifications")
        .unwrap();
    let mut rows = 0;
    let mut laws = HashSet::new();
    let mut kokuho = 0;
    for n in s.query_map([], |r| r.get::<_, String>(0)).unwrap() {
        let n = n.unwrap();
        rows += 1;
        assert!(n.len() == 8 || n.len() == 6, "{n}");
        let (body, cd) = n.split_at(n.len() - 1);
        assert_eq!(check_digit(body), Some(cd.parse::<u8>().unwrap()), "{n}");
        if n.len() == 8 {
            laws.insert(n[..2].to_string());
        } else {
            kokuho += 1;
        }
    }
    assert!(rows >= 10_000);
    assert!(kokuho > 500, "国保 cards: {kokuho}");
    for law in ["01", "06", "31", "32", "33", "34", "39"] {
        assert!(laws.contains(law), "no insurer with 法別 {law}: {laws:?}");
    }
}

#[test]
fn card_keys_are_unique_and_plausible() {
    let c = conn();
    let (rows, distinct): (i64, i64) = c
        .query_row(
            // The households' cards (the people for particular cases have
            // their own rules: `special_people_for_the_desk`).
            "SELECT count(*), count(DISTINCT insurer_number || ':' || symbol || ':' || number
                 || ':' || branch) FROM qualifications WHERE special IS NULL",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(rows, distinct);
    let mut s = c
        .prepare(
            "SELECT insurer_number, insurer_name, symbol, number, branch, relationship
             FROM qualifications WHERE special IS NULL",
        )
        .unwrap();
    let rows = s
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
            ))
        })
        .unwrap();
    let mut family = 0;
    for row in rows {
        let (ins, name, symbol, number, branch, rel) = row.unwrap();
        assert!(branch.len() == 2 && branch.bytes().all(|b| b.is_ascii_digit()));
        assert!(!number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()));
        if branch == "00" {
            assert_eq!(rel, "1", "枝番 00 is the insured person");
        }
        if rel == "2" {
            family += 1;
        }
        match ins.get(..2) {
            _ if ins.len() == 6 => {
                assert!(!symbol.is_ascii(), "国保 symbol in kanji: {symbol}");
                assert!(name.ends_with(['市', '区', '町', '村']), "{name}");
            }
            Some("01") => {
                assert!(name.starts_with("全国健康保険協会") && name.ends_with("支部"));
                assert_eq!(symbol.len(), 8);
            }
            Some("06") => assert!(name.ends_with("健康保険組合"), "{name}"),
            Some("31" | "32" | "33" | "34") => assert!(name.contains("共済組合"), "{name}"),
            Some("39") => {
                assert!(name.ends_with("後期高齢者医療広域連合"), "{name}");
                assert_eq!(number.len(), 8);
            }
            _ => panic!("unexpected insurer {ins}"),
        }
    }
    assert!(family > 500, "family members: {family}");
}

#[test]
fn copay_follows_age() {
    let reference = reference_date();
    let c = conn();
    let mut s = c
        .prepare(
            "SELECT p.birth_date, q.insurer_number, q.copay, q.preschool, q.elderly_copay,
                    q.limit_category
             FROM qualifications q JOIN persons p ON p.id = q.person_id
             WHERE q.special IS NULL OR q.special <> 'medical_aid'",
        )
        .unwrap();
    let rows = s
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, u8>(2)?,
                r.get::<_, bool>(3)?,
                r.get::<_, Option<u8>>(4)?,
                r.get::<_, Option<String>>(5)?,
            ))
        })
        .unwrap();
    let mut ages = HashSet::new();
    let mut koki_30 = 0;
    let mut elderly_30 = 0;
    for row in rows {
        let (birth, ins, copay, preschool, elderly, limit) = row.unwrap();
        let age = age_on(
            NaiveDate::parse_from_str(&birth, "%Y-%m-%d").unwrap(),
            reference,
        );
        ages.insert(age);
        assert!(age <= 105, "{age}");
        match age {
            0..=5 => assert!(copay == 20 && preschool && elderly.is_none()),
            6..=69 => assert!(copay == 30 && !preschool && elderly.is_none()),
            70..=74 => {
                assert!(matches!(elderly, Some(20 | 30)), "{elderly:?}");
                assert_eq!(elderly, Some(copay));
                elderly_30 += usize::from(copay == 30);
            }
            _ => {
                assert!(
                    ins.starts_with("39"),
                    "aged {age} must be 後期高齢者: {ins}"
                );
                assert!(matches!(copay, 10 | 20 | 30) && elderly.is_none());
                koki_30 += usize::from(copay == 30);
            }
        }
        if age < 75 {
            assert!(!ins.starts_with("39"), "aged {age} on {ins}");
        }
        if let Some(l) = limit {
            assert!(l.starts_with(if age < 70 { 'A' } else { 'B' }), "{age} {l}");
        }
    }
    assert!(
        ages.contains(&0) && ages.iter().any(|&a| a >= 100),
        "ages 0–105"
    );
    assert!(ages.len() > 90, "ages seen: {}", ages.len());
    assert!(koki_30 > 0 && elderly_30 > 0);
}

#[test]
fn proportions_of_lost_new_and_odd_names() {
    let c = conn();
    let count = |sql: &str| -> i64 { c.query_row(sql, [], |r| r.get(0)).unwrap() };
    let lost = count(
        "SELECT count(*) FROM qualifications WHERE loss_reason IS NOT NULL AND newer_from IS NULL",
    );
    let newer = count("SELECT count(*) FROM qualifications WHERE newer_from IS NOT NULL");
    let expired = count(
        "SELECT count(*) FROM qualifications WHERE loss_reason IS NULL AND valid_until < '2026-04-01'",
    );
    assert!((200..=400).contains(&lost), "lost: {lost}");
    assert!(
        (120..=300).contains(&newer),
        "with newer qualification: {newer}"
    );
    assert!(expired > 30, "expired: {expired}");
    // Every old card with a newer qualification: the person has a card starting then.
    let unmatched = count(
        "SELECT count(*) FROM qualifications o WHERE o.newer_from IS NOT NULL AND NOT EXISTS
             (SELECT 1 FROM qualifications n WHERE n.person_id = o.person_id
                 AND n.valid_from = o.newer_from AND n.loss_reason IS NULL)",
    );
    assert_eq!(unmatched, 0);
    let lost_in_past = count(
        "SELECT count(*) FROM qualifications WHERE loss_reason IS NOT NULL
             AND (valid_until IS NULL OR valid_until >= '2026-04-01')",
    );
    assert_eq!(lost_in_past, 0);
    let hidden = count("SELECT count(*) FROM persons WHERE name LIKE '%●%'");
    assert!((15..=100).contains(&hidden), "names with ●: {hidden}");
    let variants = count(
        "SELECT count(*) FROM persons WHERE name LIKE '髙%' OR name LIKE '%﨑%'
             OR name LIKE '渡邊%' OR name LIKE '渡邉%' OR name LIKE '齋藤%' OR name LIKE '澤田%'
             OR name LIKE '濵田%' OR name LIKE '濱田%'",
    );
    assert!(variants > 50, "variant kanji: {variants}");
    let kana_ok =
        count("SELECT count(*) FROM persons WHERE name_kana GLOB '*[ァ-ヶー]*　*[ァ-ヶー]*'");
    assert_eq!(
        kana_ok, 10_000,
        "full-width katakana with a full-width space"
    );
    let kanji_chome = count("SELECT count(*) FROM persons WHERE address LIKE '%三丁目%'");
    let arabic_chome = count("SELECT count(*) FROM persons WHERE address LIKE '%3丁目%'");
    assert!(kanji_chome > 0 && arabic_chome > 0);
    let post_ok = count("SELECT count(*) FROM persons WHERE post_number GLOB '[0-9][0-9][0-9]-[0-9][0-9][0-9][0-9]'");
    assert_eq!(post_ok, 10_000);
}

#[test]
fn sample_puts_valid_people_first() {
    let path = shared().1.path();
    let five = sample(path, 5).unwrap();
    assert_eq!(five.len(), 5);
    assert_eq!(five[0].expected_validity, Validity::Valid);
    let first_invalid = five
        .iter()
        .position(|p| p.expected_validity != Validity::Valid);
    let first_invalid = first_invalid.expect("a spread includes an invalid card");
    assert!(five[..first_invalid]
        .iter()
        .all(|p| p.expected_validity == Validity::Valid));
    assert!(five[first_invalid..]
        .iter()
        .all(|p| p.expected_validity != Validity::Valid));
    assert!(five
        .iter()
        .any(|p| p.expected_validity == Validity::InvalidNewQualification));
    let one = sample(path, 1).unwrap();
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].expected_validity, Validity::Valid);
    let many = sample(path, 40).unwrap();
    assert_eq!(many.len(), 40);
    let insurers: HashSet<_> = many.iter().map(|p| p.insurer_number.clone()).collect();
    assert!(
        insurers.len() > 10,
        "a spread of insurers: {}",
        insurers.len()
    );
    let json = serde_json::to_value(&five[0]).unwrap();
    for field in [
        "insurer_number",
        "symbol",
        "number",
        "branch",
        "birth_date",
        "name",
        "name_kana",
        "sex",
        "address",
        "insurer_name",
        "expected_validity",
        "copay_percent",
    ] {
        assert!(json.get(field).is_some(), "missing {field}: {json}");
    }
    assert_eq!(json["expected_validity"], "valid");
    assert!(matches!(json["sex"].as_str(), Some("male" | "female")));
}

// 1,000,000 people: the `population` benchmark (`cargo bench -p madoguchi-training --bench population`).

#[test]
fn special_people_for_the_desk() {
    let population = &shared().1;
    let c = conn();
    let on = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
    // 医療扶助: three per thousand, A1, the welfare office's 公費負担者番号
    // (法別 12) as 保険者番号 and a 7-digit 受給者番号, both with their check
    // digit; no copay (the ticket says what the patient pays).
    let aid = population.special_on(madoguchi_training::SpecialFilter::MedicalAid, on).unwrap();
    assert_eq!(aid.len(), 30);
    for p in &aid {
        assert!(p.medical_aid);
        assert!(p.insurer_number.starts_with("12") && p.insurer_number.len() == 8, "{}", p.insurer_number);
        let (body, check) = p.insurer_number.split_at(7);
        assert_eq!(check_digit(body).unwrap().to_string(), check);
        assert_eq!(p.number.len(), 7);
        let (body, check) = p.number.split_at(6);
        assert_eq!(check_digit(body).unwrap().to_string(), check);
        assert!(p.symbol.is_empty() && p.branch.is_empty());
        assert_eq!(p.copay_percent, None);
    }
    let unregistered = aid.iter().filter(|p| p.expected_validity == Validity::ValidUnregistered).count();
    let valid = aid.iter().filter(|p| p.expected_validity == Validity::Valid).count();
    assert_eq!((valid, unregistered), (24, 6), "every fifth without a ticket");
    let a1: i64 = c
        .query_row("SELECT count(*) FROM qualifications WHERE card_classification = 'A1'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(a1, 30, "only they are A1");

    // One person for each consent answer (OQSCD016), and the notice people.
    for code in ["0", "1", "2", "3"] {
        let answer = madoguchi_core::ConsentAnswer::from_code(code).unwrap();
        let people = population.special_on(madoguchi_training::SpecialFilter::Consent(answer), on).unwrap();
        assert_eq!(people.len(), 1, "consent {code}");
        assert_eq!(people[0].consent.as_deref(), Some(code));
        assert_eq!(people[0].expected_validity, Validity::Valid);
    }
    let notices = population.special_on(madoguchi_training::SpecialFilter::Notice, on).unwrap();
    assert_eq!(notices.len(), 2);
    assert!(notices.iter().all(|p| p.notice.as_deref().is_some_and(|n| n.contains("3か月"))));
    // The sample stays among the households.
    assert!(sample_of(population, 20, on).iter().all(|p| !p.medical_aid && p.consent.is_none() && p.notice.is_none()));

    // Small populations are households only.
    let dir = tempfile::tempdir().unwrap();
    let small = generate(&dir.path().join("small.sqlite"), 300, 1).unwrap();
    assert!(small.special_on(madoguchi_training::SpecialFilter::MedicalAid, on).unwrap().is_empty());
}

fn sample_of(p: &Population, n: usize, on: NaiveDate) -> Vec<madoguchi_training::SamplePerson> {
    p.sample_on(n, on).unwrap()
}
