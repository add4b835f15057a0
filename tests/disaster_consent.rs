//! 災害時モード, after the look-up found one person: the consent recorded per
//! category (oral, or unconscious with a reason) and the medical information
//! viewed under it through `Desk::view_medical` — against the real store (a
//! SQLite file in a temporary folder), the embedded training service (the
//! disaster window opened in its population file) and the training terminal
//! answering medical requests in its OQS folder.

mod common;

use std::path::Path;
use std::sync::Arc;

use chrono::{Duration, NaiveDateTime};
use madoguchi_adapters::audit::AuditAction;
use madoguchi_app::consents::DisasterConsentInput;
use madoguchi_app::desk::{Desk, MedicalView};
use madoguchi_app::disaster::{DisasterLookup, LookupRoute};
use madoguchi_app::print::PrintKind;
use madoguchi_app::settings::Settings;
use madoguchi_core::consent::{ConsentSource, DisasterBasis};
use madoguchi_core::matching::{DisasterQuery, MatchOutcome};
use madoguchi_core::staff::{Role, Session};
use madoguchi_core::ConsentCategory::{self, Checkups, Medication};

fn now() -> NaiveDateTime {
    chrono::Local::now().naive_local()
}

/// A desk in training mode (embedded service and terminal) with a disaster
/// window open for Tokyo (13, the training facility's prefecture).
fn disaster_desk(dir: &Path) -> Arc<Desk> {
    let settings = Settings { data_dir: dir.to_path_buf(), training_people: 1_000, ..Settings::default() };
    let desk = Desk::open(settings).unwrap();
    desk.connect();
    assert!(desk.status().ready, "{:?}", desk.status());
    let population = madoguchi_training::Population::open(&desk.settings().training_db_path()).unwrap();
    population.open_disaster(13, now() - Duration::hours(1), Some(now() + Duration::days(3))).unwrap();
    desk
}

/// Looks people of the population up by the four fields until one is found
/// (twins are ambiguous, as they should be).
fn found(desk: &Desk, skip: usize) -> (madoguchi_training::SamplePerson, DisasterLookup) {
    let people = madoguchi_training::sample(&desk.settings().training_db_path(), 20).unwrap();
    for p in people.into_iter().skip(skip) {
        let q = DisasterQuery {
            name: p.name.clone(),
            birth_date: p.birth_date.to_string(),
            sex: p.sex.label_ja().to_string(),
            hint: p.address.clone(),
        };
        let l = desk.disaster_lookup(&q, LookupRoute::Auto, now()).unwrap();
        if matches!(l.outcome, MatchOutcome::Found { .. }) {
            return (p, l);
        }
    }
    panic!("nobody found");
}

fn key_of(p: &madoguchi_training::SamplePerson) -> String {
    format!("{}:{}:{}:{}", p.insurer_number, p.symbol, p.number, p.branch)
}

/// Medical requests written into the training terminal's folder so far.
fn medical_requests(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir.join("training-oqs/archive")) else { return 0 };
    entries
        .flatten()
        .filter(|e| {
            let n = e.file_name().to_string_lossy().to_string();
            n.starts_with("YZK") || n.starts_with("TKK")
        })
        .count()
}

fn oral(categories: &[ConsentCategory]) -> DisasterConsentInput {
    DisasterConsentInput { categories: categories.to_vec(), basis: DisasterBasis::Oral }
}

fn unconscious(categories: &[ConsentCategory], reason: &str) -> DisasterConsentInput {
    DisasterConsentInput { categories: categories.to_vec(), basis: DisasterBasis::Unconscious { reason: reason.into() } }
}

#[test]
fn oral_consent_for_medication_only_shows_medication_and_refuses_checkups() {
    let data = common::data_dir();
    let desk = disaster_desk(data.path());
    let (p, lookup) = found(&desk, 0);
    let key = key_of(&p);
    let check = lookup.check_id.expect("the person found is a line in today's checks");
    assert!(desk.checks_on(now().date()).unwrap().iter().any(|c| c.id == check && c.person_key == key));
    let t0 = now();

    // No consent yet: refused with the message, nothing asked of the terminal.
    let e = desk.view_medical(check, Medication, t0).unwrap_err();
    assert_eq!(e.message.id, "consent-refused-no-consent", "{e:?}");
    assert_eq!(medical_requests(data.path()), 0);

    // Bad input records nothing.
    let e = desk.record_disaster_consent(check, &oral(&[]), t0).unwrap_err();
    assert_eq!(e.message.id, "consent-problem-no-category");
    let e = desk.record_disaster_consent(check, &unconscious(&[Medication], " \u{3000}"), t0).unwrap_err();
    assert_eq!(e.message.id, "consent-problem-missing-reason");
    assert_eq!(desk.view_medical(check, Medication, t0).unwrap_err().message.id, "consent-refused-no-consent");

    // Oral consent for medication only.
    let recorded = desk.record_disaster_consent(check, &oral(&[Medication]), t0).unwrap();
    assert_eq!(recorded.len(), 1);
    let r = &recorded[0];
    assert_eq!(r.consent.patient_key, key);
    assert_eq!(r.consent.category, Medication);
    assert_eq!(r.consent.source, ConsentSource::DisasterOral);
    assert_eq!(r.consent.recorded_by, "trainee");
    assert_eq!(r.role, Some(Role::Qualified));
    assert_eq!(r.consent.given_at, t0);
    assert_eq!(r.consent.valid_until, t0 + Duration::hours(24));
    assert_eq!(r.check_id, Some(check));

    // Medication is shown — the matched person's, from the training terminal.
    let t1 = t0 + Duration::minutes(1);
    match desk.view_medical(check, Medication, t1).unwrap() {
        MedicalView::Medication(h) => {
            assert!(h.error.is_none(), "{:?}", h.error);
            assert!(!h.months.is_empty());
            assert_eq!(h.patient.name.as_deref(), Some(p.name.as_str()));
        }
        other => panic!("medication expected, got {other:?}"),
    }
    let asked = medical_requests(data.path());
    assert!(asked >= 1, "the medication was asked of the terminal");
    // Checkups were not consented to: refused, never requested.
    let e = desk.view_medical(check, Checkups, t1).unwrap_err();
    assert_eq!(e.message.id, "consent-refused-category-not-consented");
    assert!(desk.print(PrintKind::Checkups, &key, t1).is_err());
    assert_eq!(medical_requests(data.path()), asked);
    // What was viewed is kept under that consent and prints.
    let pdf = desk.print(PrintKind::MedicationList, &key, t1).unwrap();
    assert!(pdf.starts_with(b"%PDF"));

    // After valid-until: refused, viewing and printing alike.
    let after = t0 + Duration::hours(24);
    assert_eq!(desk.view_medical(check, Medication, after).unwrap_err().message.id, "consent-refused-expired");
    assert_eq!(desk.print(PrintKind::MedicationList, &key, after).unwrap_err().message.id, "consent-refused-expired");
    assert_eq!(medical_requests(data.path()), asked);

    // The audit log: the consent with who and role, the views allowed and refused.
    let log = desk.audit_entries().unwrap();
    let consent: Vec<_> = log.iter().filter(|e| e.action == AuditAction::Consent).collect();
    assert_eq!(consent.len(), 1, "bad input records nothing: {consent:?}");
    assert_eq!(consent[0].outcome, "recorded:medication");
    assert_eq!(consent[0].staff_id, "trainee");
    assert_eq!(consent[0].role, Some(Role::Qualified));
    assert_eq!(consent[0].patient_key.as_deref(), Some(key.as_str()));
    let detail: serde_json::Value = serde_json::from_str(consent[0].detail.as_deref().unwrap()).unwrap();
    assert_eq!(detail["source"], "disaster_oral");
    let views: Vec<&str> = log.iter().filter(|e| e.action == AuditAction::MedicalView).map(|e| e.outcome.as_str()).collect();
    assert!(views.contains(&"allowed:medication"), "{views:?}");
    assert!(views.contains(&"refused:checkups:category_not_consented"), "{views:?}");
    assert!(views.contains(&"refused:medication:expired"), "{views:?}");
    assert!(desk.audit_verify().is_ok());
    desk.shutdown();
    drop(desk);

    // Durable: a desk opened again on the same folder still knows the consent.
    let settings = Settings { data_dir: data.path().to_path_buf(), training_people: 1_000, ..Settings::default() };
    let desk = Desk::open(settings).unwrap();
    desk.connect();
    assert!(matches!(desk.view_medical(check, Medication, t1).unwrap(), MedicalView::Medication(_)));
    assert!(desk.view_medical(check, Checkups, t1).is_err());
    desk.shutdown();
}

#[test]
fn unconscious_with_a_reason_is_recorded_with_the_reason_and_allows_only_its_categories() {
    let data = common::data_dir();
    let desk = disaster_desk(data.path());
    let (_, lookup) = found(&desk, 1);
    let check = lookup.check_id.unwrap();
    let t0 = now();
    let reason = "意識レベル低下。服薬歴の確認が救命処置に必要";
    let recorded = desk.record_disaster_consent(check, &unconscious(&[Checkups], reason), t0).unwrap();
    assert_eq!(recorded[0].consent.source, ConsentSource::UnconsciousVitalInterest { reason: reason.into() });

    match desk.view_medical(check, Checkups, t0).unwrap() {
        MedicalView::Checkups(c) => assert!(c.error.is_none() && !c.checkups.is_empty(), "{c:?}"),
        other => panic!("checkups expected, got {other:?}"),
    }
    assert_eq!(desk.view_medical(check, Medication, t0).unwrap_err().message.id, "consent-refused-category-not-consented");
    let entry = desk.audit_entries().unwrap().into_iter().find(|e| e.action == AuditAction::Consent).unwrap();
    assert_eq!(entry.outcome, "recorded:checkups");
    assert_eq!(entry.reason.as_deref(), Some(reason));
    desk.shutdown();
}

#[test]
fn consent_needs_a_disaster_match_and_the_qualified_role() {
    let data = common::data_dir();
    let desk = disaster_desk(data.path());
    // A patient checked by card details, never looked up in disaster mode.
    let p = madoguchi_training::sample(&desk.settings().training_db_path(), 1).unwrap().remove(0);
    let input = madoguchi_core::validation::CardInput {
        insurer_number: p.insurer_number.clone(),
        symbol: p.symbol.clone(),
        number: p.number.clone(),
        branch: p.branch.clone(),
        birth_date: p.birth_date.to_string(),
    };
    let typed = desk.check(&input, now()).unwrap().check_id.unwrap();
    let e = desk.record_disaster_consent(typed, &oral(&[Medication]), now()).unwrap_err();
    assert_eq!(e.message.id, "disaster-consent-no-match");
    assert!(desk.view_medical(typed, Medication, now()).is_err());
    assert!(desk
        .audit_entries()
        .unwrap()
        .iter()
        .any(|e| e.action == AuditAction::Consent && e.outcome == "refused:no_match"));

    // A disaster match more than a day ago does not count.
    let (_, lookup) = found(&desk, 2);
    let check = lookup.check_id.unwrap();
    let e = desk.record_disaster_consent(check, &oral(&[Medication]), now() + Duration::hours(25)).unwrap_err();
    assert_eq!(e.message.id, "disaster-consent-no-match");

    // A receptionist may not record one (logged as denied).
    desk.sign_in_session(Session::new("uketsuke1", "受付 花子", Role::Receptionist, now()), now());
    let e = desk.record_disaster_consent(check, &oral(&[Medication]), now()).unwrap_err();
    assert_eq!(e.message.id, "staff-refused");
    assert!(desk
        .audit_entries()
        .unwrap()
        .iter()
        .any(|e| e.action == AuditAction::Consent && e.outcome == "denied" && e.staff_id == "uketsuke1"));
    // Nothing was recorded by any of these: still no consent.
    desk.sign_out(now());
    desk.sign_in_session(Session::new("dr1", "医師 一郎", Role::Qualified, now()), now());
    assert_eq!(desk.view_medical(check, Medication, now()).unwrap_err().message.id, "consent-refused-no-consent");
    // The qualified doctor may; recorded in the doctor's name.
    let r = desk.record_disaster_consent(check, &oral(&[Medication, Checkups]), now()).unwrap();
    assert_eq!(r.len(), 2);
    assert!(r.iter().all(|c| c.consent.recorded_by == "dr1" && c.role == Some(Role::Qualified)));
    desk.shutdown();
}
