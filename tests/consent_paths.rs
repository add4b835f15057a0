//! Medical information at the desk goes through the patient's consent, in the
//! backend: without a valid consent for the category nothing is requested
//! from the national system's folder and nothing is returned.

mod common;

use madoguchi_app::desk::{Desk, MedicalView};
use madoguchi_app::settings::Settings;
use madoguchi_core::ConsentCategory;

fn training_desk(dir: &std::path::Path) -> (std::sync::Arc<Desk>, common::Taps) {
    let settings = Settings { data_dir: dir.to_path_buf(), training_people: 1_000, ..Settings::default() };
    let desk = Desk::open(settings).unwrap();
    let taps = common::Taps::of(&desk);
    desk.connect();
    assert!(desk.context().status().ready, "{:?}", desk.context().status());
    (desk, taps)
}

fn now() -> chrono::NaiveDateTime {
    chrono::Local::now().naive_local()
}

/// Taps a card with `consents` and waits for the desk to record it.
fn tap(desk: &Desk, taps: &common::Taps, consents: &[ConsentCategory]) -> i64 {
    desk.checks.simulate_card_tap(consents, now()).unwrap();
    taps.next().check_id.unwrap()
}

fn medical_requests_written(dir: &std::path::Path) -> usize {
    let archive = dir.join("training-oqs/archive");
    let Ok(entries) = std::fs::read_dir(&archive) else { return 0 };
    entries
        .flatten()
        .filter(|e| {
            let n = e.file_name().to_string_lossy().to_string();
            n.starts_with("YZK") || n.starts_with("TKK")
        })
        .count()
}

#[test]
fn without_consent_medication_is_refused_and_never_requested() {
    let data = common::data_dir();
    let (desk, taps) = training_desk(data.path());
    let id = tap(&desk, &taps, &[ConsentCategory::Checkups]);
    // Taken after the tap: the consent the tap carries has begun by then.
    let now = now();

    let refused = desk.medical.view(id, ConsentCategory::Medication, now).unwrap_err();
    assert!(refused.message.id.starts_with("consent-refused"), "{refused:?}");
    // Operations need their own consent too.
    assert!(desk.medical.view(id, ConsentCategory::Operations, now).is_err());
    assert_eq!(medical_requests_written(data.path()), 0, "nothing was asked of the national system");
    // The attempt is in the audit log.
    let log = desk.context().audit_entries().unwrap();
    assert!(log.iter().any(|e| e.outcome.starts_with("refused:medication")), "{log:?}");

    // The consented category is shown.
    match desk.medical.view(id, ConsentCategory::Checkups, now).unwrap() {
        // Shown: the training terminal's checkups for this person, not an error.
        MedicalView::Checkups(c) => assert!(c.error.is_none() && !c.checkups.is_empty(), "{c:?}"),
        other => panic!("checkups expected, got {other:?}"),
    }
    assert!(medical_requests_written(data.path()) >= 1);
    desk.shutdown();
}

#[test]
fn consent_runs_out_after_its_time() {
    let data = common::data_dir();
    let (desk, taps) = training_desk(data.path());
    let id = tap(&desk, &taps, &[ConsentCategory::Medication]);
    let now = now();
    match desk.medical.view(id, ConsentCategory::Medication, now).unwrap() {
        MedicalView::Medication(h) => assert!(h.error.is_none() && !h.months.is_empty(), "{h:?}"),
        other => panic!("medication expected, got {other:?}"),
    }
    // The card reader's consent lasts 24 hours; a day and a minute later it is refused.
    let later = now + chrono::Duration::hours(24) + chrono::Duration::minutes(1);
    let refused = desk.medical.view(id, ConsentCategory::Medication, later).unwrap_err();
    assert_eq!(refused.message.id, "consent-refused-expired", "{refused:?}");
    desk.shutdown();
}

#[test]
fn a_typed_check_carries_no_consent() {
    let data = common::data_dir();
    let (desk, _taps) = training_desk(data.path());
    let db = data.path().join("training-population.sqlite");
    let p = madoguchi_training::sample(&db, 1).unwrap().remove(0);
    let input = madoguchi_core::validation::CardInput {
        insurer_number: p.insurer_number,
        symbol: p.symbol,
        number: p.number,
        branch: p.branch,
        birth_date: p.birth_date.to_string(),
    };
    let now = now();
    let outcome = desk.checks.check(&input, now).unwrap();
    for category in ConsentCategory::ALL {
        let e = desk.medical.view(outcome.check_id.unwrap(), category, now).unwrap_err();
        assert!(e.message.id.starts_with("consent-refused"), "{category:?}: {e:?}");
    }
    assert_eq!(medical_requests_written(data.path()), 0);
    desk.shutdown();
}

/// A person of the training population whose synthetic clinical history
/// holds an operation (decided by the same generator the terminal answers
/// from), tapped with `consents`. Returns the check and the person key.
fn tap_someone_with_an_operation(taps: &common::Taps, dir: &std::path::Path, consents: &[ConsentCategory]) -> (i64, String) {
    let db = dir.join("training-population.sqlite");
    let today = now().date();
    let people = madoguchi_training::sample(&db, 200).unwrap();
    let p = people
        .into_iter()
        .filter(|p| p.expected_validity == madoguchi_core::codes::Validity::Valid)
        .find(|p| {
            let key = format!("{}:{}:{}:{}", p.insurer_number, p.symbol, p.number, p.branch);
            madoguchi_training::clinical::clinical_months(&key, p.birth_date, 0, today)
                .iter()
                .flat_map(|m| &m.clinical)
                .any(|e| e.category.as_deref() == Some("50"))
        })
        .expect("someone among 200 had an operation");
    let key = format!("{}:{}:{}:{}", p.insurer_number, p.symbol, p.number, p.branch);
    let population = madoguchi_training::Population::open(&db).unwrap();
    madoguchi_training::terminal::tap(&dir.join("training-oqs"), &population, Some(&key), consents, now()).unwrap();
    (taps.next().check_id.unwrap(), key)
}

#[test]
fn clinical_history_without_consent_is_refused_and_never_requested() {
    let data = common::data_dir();
    let (desk, taps) = training_desk(data.path());
    let (id, _) = tap_someone_with_an_operation(&taps, data.path(), &[ConsentCategory::Medication]);
    let now = now();
    for asked in [ConsentCategory::Clinical, ConsentCategory::Operations] {
        let e = desk.medical.view(id, asked, now).unwrap_err();
        assert_eq!(e.message.id, "consent-refused-category-not-consented", "{e:?}");
        assert_eq!(e.message.args.iter().find(|(k, _)| k == "category").map(|(_, v)| v.as_str()), Some(asked.as_str()));
    }
    assert_eq!(medical_requests_written(data.path()), 0, "nothing was asked of the national system");
    let log = desk.context().audit_entries().unwrap();
    assert!(log.iter().any(|e| e.outcome == "refused:clinical:category_not_consented"), "{log:?}");
    assert!(log.iter().any(|e| e.outcome == "refused:operations:category_not_consented"), "{log:?}");
    desk.shutdown();
}

#[test]
fn clinical_consent_without_operations_shows_no_operation_anywhere() {
    let data = common::data_dir();
    let (desk, taps) = training_desk(data.path());
    let (id, _) = tap_someone_with_an_operation(&taps, data.path(), &[ConsentCategory::Clinical]);
    let now = now();
    let view = desk.medical.view(id, ConsentCategory::Clinical, now).unwrap();
    let MedicalView::Clinical(h) = &view else { panic!("clinical expected, got {view:?}") };
    assert!(h.clinical_shown && !h.operations_shown);
    assert!(h.visit_months() >= 1, "{h:?}");
    assert!(h.procedures().all(|p| !p.kind.is_operation()));
    // Not in the answer at all, in any form: what the window is given.
    let json = serde_json::to_string(&view).unwrap();
    for word in ["術", "麻酔", "輸血", "\"50\"", "\"54\"", "surgery", "anaesthesia", "transfusion"] {
        assert!(!json.contains(word), "{word} in the answer: {json}");
    }
    // Nor kept for printing (the printed 診療情報 has none: tests/print.rs).
    // No drug line either: medication was not consented.
    assert!(!json.contains("DrugN") && !json.contains("錠"), "{json}");

    // With the operations consent as well, the operation is there.
    let (id2, _) = tap_someone_with_an_operation(&taps, data.path(), &[ConsentCategory::Clinical, ConsentCategory::Operations]);
    // A `now` taken after this second tap: the one above is older than the
    // consent this tap carries (to the second), which would not have begun.
    let MedicalView::Clinical(both) = desk.medical.view(id2, ConsentCategory::Clinical, self::now()).unwrap() else { panic!() };
    assert!(both.operations_shown);
    assert!(both.procedures().any(|p| p.kind == madoguchi_core::clinical::ProcedureKind::Surgery), "{both:?}");
    let log = desk.context().audit_entries().unwrap();
    assert!(log.iter().any(|e| e.outcome == "allowed:operations"), "{log:?}");
    desk.shutdown();
}
