//! The home-visit rules (`madoguchi_core::home_visit`): PINs, identity, and
//! the re-use of a first visit's consent from `tests/data/home_visit_reuse.tsv`.

use chrono::{NaiveDate, NaiveDateTime};
use madoguchi_core::consent::{decide, ConsentSource, ConsentState, Purpose};
use madoguchi_core::home_visit::*;
use madoguchi_core::ConsentCategory;

const A: &str = "06139999:12:345:01";
const B: &str = "06139999:12:345:02";

fn key(s: &str) -> &'static str {
    match s {
        "A" => A,
        "B" => B,
        o => panic!("unknown key {o}"),
    }
}

fn t(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s.trim(), "%Y-%m-%d %H:%M").unwrap()
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").unwrap()
}

#[test]
fn pins_are_four_digits() {
    let cases = [
        ("1234", Ok("1234")),
        (" 0412 ", Ok("0412")),
        ("０４１２", Ok("0412")),
        ("", Err(PinProblem::Empty)),
        ("   ", Err(PinProblem::Empty)),
        ("123", Err(PinProblem::NotFourDigits)),
        ("12345", Err(PinProblem::NotFourDigits)),
        ("12a4", Err(PinProblem::NotFourDigits)),
        ("12 4", Err(PinProblem::NotFourDigits)),
    ];
    for (pin, want) in cases {
        assert_eq!(normalize_pin(pin).as_deref().map_err(|e| *e), want, "{pin:?}");
    }
}

#[test]
fn a_visual_check_names_who_confirmed() {
    let cases = [
        (IdentityCheck::Pin, true),
        (IdentityCheck::Visual { confirmed_by: "看護師 佐藤".into(), role: None }, true),
        (IdentityCheck::Visual { confirmed_by: "  ".into(), role: Some("qualified".into()) }, false),
        (IdentityCheck::Terminal, true),
    ];
    for (check, ok) in cases {
        assert_eq!(check.validate().is_ok(), ok, "{check:?}");
    }
}

#[test]
fn the_consent_lasts_the_documented_days() {
    assert_eq!(consent_valid_until(t("2025-06-01 10:00")), t("2025-07-01 10:00"));
    assert_eq!(CONSENT_DAYS, 30);
}

#[test]
fn reuse_follows_the_table() {
    let table = include_str!("data/home_visit_reuse.tsv");
    let mut n = 0;
    for line in table.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 6, "{line}");
        let visits: Vec<FirstVisit> = if cols[1] == "-" {
            Vec::new()
        } else {
            cols[1]
                .split(';')
                .map(|v| {
                    let f: Vec<&str> = v.split('|').collect();
                    let given_at = t(f[3]);
                    FirstVisit {
                        id: f[0].parse().unwrap(),
                        patient_key: key(f[1]).into(),
                        birth_date: d(f[2]),
                        given_at,
                        valid_until: consent_valid_until(given_at),
                        categories: vec![ConsentCategory::Medication],
                        recorded_by: "nurse".into(),
                        confirmed: f[4] == "yes",
                    }
                })
                .collect()
        };
        let got = match may_reuse(&visits, key(cols[2]), d(cols[3]), t(cols[4])) {
            Ok(v) => v.id.to_string(),
            Err(r) => r.kind().to_string(),
        };
        assert_eq!(got, cols[5], "case {:?}", cols[0]);
        n += 1;
    }
    assert!(n >= 10);
}

#[test]
fn a_reused_consent_allows_exactly_the_first_visits_categories() {
    let given_at = t("2025-06-01 10:00");
    let first = FirstVisit {
        id: 1,
        patient_key: A.into(),
        birth_date: d("1950-04-12"),
        given_at,
        valid_until: consent_valid_until(given_at),
        categories: vec![ConsentCategory::Medication, ConsentCategory::Clinical],
        recorded_by: "nurse".into(),
        confirmed: true,
    };
    let mut state = ConsentState::new(A);
    for c in first.consents() {
        assert_eq!(c.source, ConsentSource::HomeVisit);
        state.record(c).unwrap();
    }
    let later = t("2025-06-15 14:00");
    let cases = [
        (ConsentCategory::Medication, "allowed"),
        (ConsentCategory::Clinical, "allowed"),
        (ConsentCategory::Checkups, "category_not_consented"),
        (ConsentCategory::Operations, "category_not_consented"),
    ];
    for (cat, want) in cases {
        assert_eq!(decide(&state, A, cat, Purpose::View, later).kind(), want, "{cat:?}");
    }
    assert_eq!(decide(&state, A, ConsentCategory::Medication, Purpose::View, t("2025-07-01 10:00")).kind(), "expired");
}
