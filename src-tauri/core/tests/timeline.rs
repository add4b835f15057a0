//! The medication timeline from a real OQS medication file (the fixture):
//! two sources, one clinical entry that is not a drug.

use madoguchi_core::timeline::{courses, lines};

#[test]
fn the_fixture_history_becomes_courses() {
    // The fixture parsed by the OQS adapter, as JSON the core can read
    // without knowing XML (that it is that parse is checked in
    // adapters/tests/oqs_fixtures.rs, `the_core_medication_data_file_is_the_fixtures_parse`).
    let json = include_str!("data/medication_history.json");
    let history: madoguchi_core::medical::MedicationHistory = serde_json::from_str(json).unwrap();
    let ls = lines(&history);
    // Amlodipine in September (claims) and November (dispensing), metformin once.
    assert_eq!(ls.len(), 3, "{ls:?}");
    let cs = courses(&ls);
    // Sep 14 + 28 days runs to Oct 11; Nov 12 is more than 14 days later: two courses.
    let amlodipine: Vec<_> = cs.iter().filter(|c| c.drug_name.starts_with("アムロジピン")).collect();
    assert_eq!(amlodipine.len(), 2);
    assert_eq!(cs[0].first.to_string(), "2026-11-12", "newest first");
    assert!(cs.iter().all(|c| !c.possible_duplicate()), "one prescriber: no duplicate");
    let metformin = cs.iter().find(|c| c.drug_name.starts_with("メトホルミン")).unwrap();
    assert_eq!(metformin.total_days, 28);
    assert_eq!(metformin.dose.as_deref(), Some("2錠"));
}
