//! The レセコン hand-off rules from data tables: what a confirmed answer
//! becomes in the billing system (ORCA's fields), and which differences the
//! desk shows — compared as the field compares them (leading zeros, full- and
//! half-width, spaces), each marked safe or not.

use chrono::NaiveDate;
use madoguchi_core::billing::{closing_day, differences, from_confirmed, is_new_insurance, BillingField, BillingInsurance};
use madoguchi_core::codes::Relationship;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn insurance(insurer: &str, symbol: &str, number: &str, branch: Option<&str>) -> BillingInsurance {
    BillingInsurance {
        insurer_number: insurer.into(),
        symbol: symbol.into(),
        number: number.into(),
        branch: branch.map(str::to_string),
        relationship: Some(Relationship::Insured),
        valid_from: Some(d("2026-04-01")),
        valid_until: None,
        qualified_on: None,
        elderly_copay: None,
        checked_on: None,
        public_expenses: Vec::new(),
    }
}

#[test]
fn the_card_is_compared_as_the_field_compares_it() {
    let confirmed = insurance("06139999", "1234", "567", Some("01"));
    // (stored insurer, symbol, number, branch) → (fields that differ, each safe?)
    let table: &[((&str, &str, &str, Option<&str>), &[(BillingField, bool)])] = &[
        (("06139999", "1234", "567", Some("01")), &[]),
        // Width, leading zeros and spaces do not count.
        (("０６１３９９９９", "１２３４", "０５６７", Some("１")), &[]),
        (("06139999", " 1234", "00567", Some("01")), &[]),
        // An empty 枝番 filled in from the answer: safe.
        (("06139999", "1234", "567", None), &[(BillingField::Branch, true)]),
        (("06139999", "1234", "567", Some("")), &[(BillingField::Branch, true)]),
        // Another 枝番, number, symbol or insurer: not safe.
        (("06139999", "1234", "567", Some("02")), &[(BillingField::Branch, false)]),
        (("06139999", "1234", "568", Some("01")), &[(BillingField::Number, false)]),
        (("06139999", "1235", "567", Some("01")), &[(BillingField::Symbol, false)]),
        (("06139998", "1234", "567", Some("01")), &[(BillingField::InsurerNumber, false)]),
    ];
    for ((i, s, n, b), want) in table {
        let got: Vec<(BillingField, bool)> = differences(&insurance(i, s, n, *b), &confirmed).into_iter().map(|x| (x.field, x.safe)).collect();
        assert_eq!(&got[..], *want, "stored {i} {s} {n} {b:?}");
    }
    // A 6-digit 国保 number is the same with its padding zeros.
    assert!(differences(&insurance("00131151", "杉並", "6745425", Some("00")), &insurance("131151", "杉並", "6745425", Some("00"))).is_empty());
}

#[test]
fn relationship_validity_and_copay_differences() {
    let confirmed = BillingInsurance { relationship: Some(Relationship::Family), valid_until: Some(d("2027-03-31")), ..insurance("01130012", "10", "20", None) };
    let stored = insurance("01130012", "10", "20", None);
    let got: Vec<(BillingField, bool)> = differences(&stored, &confirmed).into_iter().map(|x| (x.field, x.safe)).collect();
    assert_eq!(got, [(BillingField::Relationship, true), (BillingField::ValidUntil, false)]);
    let elderly = BillingInsurance { elderly_copay: madoguchi_core::eligibility::CopayRatio::from_oqs("020"), ..stored.clone() };
    let d = differences(&stored, &elderly);
    assert_eq!(d.len(), 1);
    assert_eq!((d[0].field, d[0].confirmed.as_deref()), (BillingField::ElderlyCopay, Some("2割")));
}

#[test]
fn a_new_card_is_a_new_insurance_and_the_old_one_ends_the_day_before() {
    let old = insurance("01130012", "10", "20", Some("00"));
    assert!(is_new_insurance(&old, &insurance("06139999", "1", "2", Some("00"))));
    assert!(!is_new_insurance(&old, &insurance("01130012", "10", "20", Some("01"))), "another 枝番 corrects the same insurance");
    assert_eq!(closing_day(d("2026-12-01")), Some(d("2026-11-30")));
    assert_eq!(closing_day(d("2027-01-01")), Some(d("2026-12-31")));
}

#[test]
fn a_confirmed_answer_becomes_orca_fields() {
    // The 国保 fixture (shared/fixtures/oqs/…kokuho_sjis.xml, with its
    // 高齢受給者証) as `madoguchi oqs parse` gives it, a 特定疾病 (人工透析,
    // 1万円) added; embedded as JSON (the core reads no files).
    let json = include_str!("data/billing_confirmed.json");
    let q: madoguchi_core::eligibility::Qualification = serde_json::from_str(json).unwrap();
    let b = from_confirmed(&q, d("2026-12-07"));
    assert_eq!(b.insurer_number, q.insurer_number.as_str());
    assert_eq!((b.symbol.as_str(), b.number.as_str()), (q.symbol.as_str(), q.number.as_str()));
    assert_eq!(b.checked_on, Some(d("2026-12-07")), "Certificate_CheckDate is the confirmation day");
    assert_eq!(b.qualified_on, q.qualified_on);
    assert_eq!(b.elderly_copay, q.elderly.as_ref().and_then(|e| e.copay));
    // 特定疾病 1万円 → 公費 972.
    assert!(b.public_expenses.iter().any(|p| p.class.as_deref() == Some("972")));
    // 後期高齢: no 枝番 in the billing system.
    let mut kouki = q.clone();
    kouki.insurer_number = madoguchi_core::eligibility::InsurerNumber::from_trusted("39172013");
    kouki.branch = Some("01".into());
    assert_eq!(from_confirmed(&kouki, d("2026-12-07")).branch, None);
    // Mapped back against itself: nothing differs.
    assert!(differences(&b, &b).is_empty());
}
