//! 災害時モード, after the look-up found one person: the consent recorded per
//! category (oral, or unconscious with a reason) and the medical information
//! viewed under it through `Desk::view_medical` — against the real store (a
//! SQLite file in a temporary folder), the embedded training service (the
//! disaster window opened in its population file) and the training terminal
//! answering medical requests in its OQS folder. 診療情報 and 手術情報 are
//! recorded and viewed the same way, each under its own consent; a refusal
//! for a patient found this way tells staff to record the disaster consent,
//! never to use the card reader (the patient has no card).

mod common;

use std::path::Path;
use std::sync::Arc;

use chrono::{Duration, NaiveDateTime};
use madoguchi_adapters::audit::AuditAction;
use madoguchi_app::consents::DisasterConsentInput;
use madoguchi_app::desk::{say, Desk, MedicalView};
use madoguchi_app::disaster::{DisasterLookup, LookupRoute};
use madoguchi_app::print::PrintKind;
use madoguchi_app::settings::Settings;
use madoguchi_core::consent::{ConsentSource, DisasterBasis};
use madoguchi_core::matching::{DisasterQuery, MatchOutcome};
use madoguchi_core::staff::{Role, Session};
use madoguchi_core::ConsentCategory::{self, Checkups, Clinical, Medication, Operations};
use madoguchi_i18n::Lang;

fn now() -> NaiveDateTime {
    chrono::Local::now().naive_local()
}

/// A desk in training mode (embedded service and terminal) with a disaster
/// window open for Tokyo (13, the training facility's prefecture).
fn disaster_desk(dir: &Path) -> Arc<Desk> {
    let settings = Settings { data_dir: dir.to_path_buf(), training_people: 1_000, ..Settings::default() };
    let desk = Desk::open(settings).unwrap();
    desk.connect();
    assert!(desk.context().status().ready, "{:?}", desk.context().status());
    let population = madoguchi_training::Population::open(&desk.context().settings().training_db_path()).unwrap();
    population.open_disaster(13, now() - Duration::hours(1), Some(now() + Duration::days(3))).unwrap();
    desk
}

/// Looks people of the population up by the four fields until one is found
/// (twins are ambiguous, as they should be).
fn found(desk: &Desk, skip: usize) -> (madoguchi_training::SamplePerson, DisasterLookup) {
    let people = madoguchi_training::sample(&desk.context().settings().training_db_path(), 20).unwrap();
    for p in people.into_iter().skip(skip) {
        let q = DisasterQuery {
            name: p.name.clone(),
            birth_date: p.birth_date.to_string(),
            sex: p.sex.label_ja().to_string(),
            hint: p.address.clone(),
        };
        let l = desk.disaster.lookup(&q, LookupRoute::Auto, now()).unwrap();
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

/// The refusal in both languages points to the disaster consent panel
/// (oral or unconscious), never to the card reader.
fn says_record_the_disaster_consent(m: &madoguchi_core::message::Msg) {
    let ja = say(Lang::Ja, m);
    assert!(ja.contains("同意の記録") && ja.contains("口頭同意") && ja.contains("意識不明"), "{ja}");
    assert!(!ja.contains("カードリーダー"), "{ja}");
    let en = say(Lang::En, m);
    assert!(en.contains("Record consent") && !en.to_lowercase().contains("card reader"), "{en}");
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
    assert!(desk.checks.checks_on(now().date()).unwrap().iter().any(|c| c.id == check && c.person_key == key));
    let t0 = now();

    // No consent yet: refused with the message, nothing asked of the terminal.
    // The patient has no card: the message says to record the disaster consent.
    let e = desk.medical.view(check, Medication, t0).unwrap_err();
    assert_eq!(e.message.id, "consent-refused-no-consent-disaster", "{e:?}");
    says_record_the_disaster_consent(&e.message);
    assert_eq!(medical_requests(data.path()), 0);

    // Bad input records nothing.
    let e = desk.consents.record_disaster(check, &oral(&[]), t0).unwrap_err();
    assert_eq!(e.message.id, "consent-problem-no-category");
    let e = desk.consents.record_disaster(check, &unconscious(&[Medication], " \u{3000}"), t0).unwrap_err();
    assert_eq!(e.message.id, "consent-problem-missing-reason");
    assert_eq!(desk.medical.view(check, Medication, t0).unwrap_err().message.id, "consent-refused-no-consent-disaster");

    // Oral consent for medication only.
    let recorded = desk.consents.record_disaster(check, &oral(&[Medication]), t0).unwrap();
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
    match desk.medical.view(check, Medication, t1).unwrap() {
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
    let e = desk.medical.view(check, Checkups, t1).unwrap_err();
    assert_eq!(e.message.id, "consent-refused-category-not-consented-disaster");
    says_record_the_disaster_consent(&e.message);
    let e = desk.print.print(PrintKind::Checkups, &key, t1).unwrap_err();
    assert_eq!(e.message.id, "consent-refused-category-not-consented-disaster", "printing says the same");
    assert_eq!(medical_requests(data.path()), asked);
    // What was viewed is kept under that consent and prints.
    let pdf = desk.print.print(PrintKind::MedicationList, &key, t1).unwrap();
    assert!(pdf.starts_with(b"%PDF"));

    // After valid-until: refused, viewing and printing alike. The look-up
    // is more than a day old by then, but the consent that ran out was a
    // disaster one: still "record it again" (after a new look-up), not the
    // card reader.
    let after = t0 + Duration::hours(24);
    let e = desk.medical.view(check, Medication, after).unwrap_err();
    assert_eq!(e.message.id, "consent-refused-expired-disaster");
    says_record_the_disaster_consent(&e.message);
    assert!(say(Lang::Ja, &e.message).contains("照会"), "look the patient up again first");
    assert_eq!(desk.print.print(PrintKind::MedicationList, &key, after).unwrap_err().message.id, "consent-refused-expired-disaster");
    assert_eq!(medical_requests(data.path()), asked);

    // The audit log: the consent with who and role, the views allowed and refused.
    let log = desk.context().audit_entries().unwrap();
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
    assert!(desk.context().audit_verify().is_ok());
    desk.shutdown();
    drop(desk);

    // Durable: a desk opened again on the same folder still knows the consent.
    let settings = Settings { data_dir: data.path().to_path_buf(), training_people: 1_000, ..Settings::default() };
    let desk = Desk::open(settings).unwrap();
    desk.connect();
    assert!(matches!(desk.medical.view(check, Medication, t1).unwrap(), MedicalView::Medication(_)));
    assert!(desk.medical.view(check, Checkups, t1).is_err());
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
    let recorded = desk.consents.record_disaster(check, &unconscious(&[Checkups], reason), t0).unwrap();
    assert_eq!(recorded[0].consent.source, ConsentSource::UnconsciousVitalInterest { reason: reason.into() });

    match desk.medical.view(check, Checkups, t0).unwrap() {
        MedicalView::Checkups(c) => assert!(c.error.is_none() && !c.checkups.is_empty(), "{c:?}"),
        other => panic!("checkups expected, got {other:?}"),
    }
    assert_eq!(desk.medical.view(check, Medication, t0).unwrap_err().message.id, "consent-refused-category-not-consented-disaster");
    let entry = desk.context().audit_entries().unwrap().into_iter().find(|e| e.action == AuditAction::Consent).unwrap();
    assert_eq!(entry.outcome, "recorded:checkups");
    assert_eq!(entry.reason.as_deref(), Some(reason));
    desk.shutdown();
}

#[test]
fn consent_needs_a_disaster_match_and_the_qualified_role() {
    let data = common::data_dir();
    let desk = disaster_desk(data.path());
    // A patient checked by card details, never looked up in disaster mode.
    let p = madoguchi_training::sample(&desk.context().settings().training_db_path(), 1).unwrap().remove(0);
    let input = madoguchi_core::validation::CardInput {
        insurer_number: p.insurer_number.clone(),
        symbol: p.symbol.clone(),
        number: p.number.clone(),
        branch: p.branch.clone(),
        birth_date: p.birth_date.to_string(),
    };
    let typed = desk.checks.check(&input, now()).unwrap().check_id.unwrap();
    let e = desk.consents.record_disaster(typed, &oral(&[Medication]), now()).unwrap_err();
    assert_eq!(e.message.id, "disaster-consent-no-match");
    // At the counter the refusal says the card reader, as ever.
    let e = desk.medical.view(typed, Medication, now()).unwrap_err();
    assert_eq!(e.message.id, "consent-refused-no-consent");
    assert!(say(Lang::Ja, &e.message).contains("カードリーダー"));
    assert!(desk
        .context().audit_entries()
        .unwrap()
        .iter()
        .any(|e| e.action == AuditAction::Consent && e.outcome == "refused:no_match"));

    // A disaster match more than a day ago does not count.
    let (_, lookup) = found(&desk, 2);
    let check = lookup.check_id.unwrap();
    let e = desk.consents.record_disaster(check, &oral(&[Medication]), now() + Duration::hours(25)).unwrap_err();
    assert_eq!(e.message.id, "disaster-consent-no-match");

    // A receptionist may not record one (logged as denied).
    desk.staff.sign_in_session(Session::new("uketsuke1", "受付 花子", Role::Receptionist, now()), now());
    let e = desk.consents.record_disaster(check, &oral(&[Medication]), now()).unwrap_err();
    assert_eq!(e.message.id, "staff-refused");
    assert!(desk
        .context().audit_entries()
        .unwrap()
        .iter()
        .any(|e| e.action == AuditAction::Consent && e.outcome == "denied" && e.staff_id == "uketsuke1"));
    // Nothing was recorded by any of these: still no consent.
    desk.staff.sign_out(now());
    desk.staff.sign_in_session(Session::new("dr1", "医師 一郎", Role::Qualified, now()), now());
    assert_eq!(desk.medical.view(check, Medication, now()).unwrap_err().message.id, "consent-refused-no-consent-disaster");
    // The qualified doctor may; recorded in the doctor's name.
    let r = desk.consents.record_disaster(check, &oral(&[Medication, Checkups]), now()).unwrap();
    assert_eq!(r.len(), 2);
    assert!(r.iter().all(|c| c.consent.recorded_by == "dr1" && c.role == Some(Role::Qualified)));
    desk.shutdown();
}

/// Looks people up by the four fields until one whose synthetic clinical
/// history holds an operation (the generator the training terminal answers
/// from) is found.
fn found_with_an_operation(desk: &Desk) -> (madoguchi_training::SamplePerson, DisasterLookup) {
    let people = madoguchi_training::sample(&desk.context().settings().training_db_path(), 200).unwrap();
    for p in people {
        let operated = madoguchi_training::clinical::clinical_months(&key_of(&p), p.birth_date, 0, now().date())
            .iter()
            .flat_map(|m| &m.clinical)
            .any(|e| e.category.as_deref() == Some("50"));
        if !operated {
            continue;
        }
        let q = DisasterQuery {
            name: p.name.clone(),
            birth_date: p.birth_date.to_string(),
            sex: p.sex.label_ja().to_string(),
            hint: p.address.clone(),
        };
        let l = desk.disaster.lookup(&q, LookupRoute::Auto, now()).unwrap();
        if matches!(l.outcome, MatchOutcome::Found { .. }) {
            return (p, l);
        }
    }
    panic!("nobody with an operation found");
}

#[test]
fn clinical_history_and_operations_each_under_their_own_disaster_consent() {
    let data = common::data_dir();
    let desk = disaster_desk(data.path());
    let (p, lookup) = found_with_an_operation(&desk);
    let key = key_of(&p);
    let check = lookup.check_id.unwrap();
    let t0 = now();

    // Nothing recorded: refused, in the disaster panel's words, whichever is asked.
    for asked in [Clinical, Operations] {
        let e = desk.medical.view(check, asked, t0).unwrap_err();
        assert_eq!(e.message.id, "consent-refused-no-consent-disaster", "{asked:?}");
        assert_eq!(e.message.args[0], ("category".to_string(), asked.as_str().to_string()));
        says_record_the_disaster_consent(&e.message);
    }
    assert_eq!(medical_requests(data.path()), 0, "nothing asked of the terminal");

    // Oral consent to 診療情報: the history without a single operation.
    let r = desk.consents.record_disaster(check, &oral(&[Clinical]), t0).unwrap();
    assert_eq!(r.len(), 1);
    assert_eq!((r[0].consent.category, &r[0].consent.source), (Clinical, &ConsentSource::DisasterOral));
    let t1 = t0 + Duration::minutes(1);
    let h = match desk.medical.view(check, Clinical, t1).unwrap() {
        MedicalView::Clinical(h) => h,
        other => panic!("clinical history expected, got {other:?}"),
    };
    assert!(h.error.is_none(), "{:?}", h.error);
    assert_eq!(h.patient.name.as_deref(), Some(p.name.as_str()), "the matched person's history");
    assert!(h.clinical_shown && !h.operations_shown);
    assert!(h.visit_months() > 0);
    assert!(h.procedures().all(|x| !x.kind.is_operation()), "no operation without its consent");
    assert!(medical_requests(data.path()) >= 1);
    // Asking for operations gives the same clinical part, never an operation.
    match desk.medical.view(check, Operations, t1).unwrap() {
        MedicalView::Clinical(h) => assert!(!h.operations_shown && h.procedures().all(|x| !x.kind.is_operation())),
        other => panic!("{other:?}"),
    }

    // The operations consent, unconscious with a reason: now the operation is there.
    let reason = "意識なし。既往の手術歴の確認が救命処置に必要";
    desk.consents.record_disaster(check, &unconscious(&[Operations], reason), t1).unwrap();
    let h = match desk.medical.view(check, Clinical, t1).unwrap() {
        MedicalView::Clinical(h) => h,
        other => panic!("{other:?}"),
    };
    assert!(h.clinical_shown && h.operations_shown);
    assert!(h.procedures().any(|x| x.kind.is_operation()), "the operation is shown under its consent");
    // Kept under each consent, so it prints.
    let pdf = desk.print.print(PrintKind::Clinical, &key, t1).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    // The other categories were never consented to.
    assert_eq!(desk.medical.view(check, Medication, t1).unwrap_err().message.id, "consent-refused-category-not-consented-disaster");

    // Logged: both recordings, both views allowed.
    let log = desk.context().audit_entries().unwrap();
    let recorded: Vec<&str> = log.iter().filter(|e| e.action == AuditAction::Consent).map(|e| e.outcome.as_str()).collect();
    assert_eq!(recorded, ["recorded:clinical", "recorded:operations"]);
    let views: Vec<&str> = log.iter().filter(|e| e.action == AuditAction::MedicalView).map(|e| e.outcome.as_str()).collect();
    assert!(views.contains(&"allowed:clinical") && views.contains(&"allowed:operations"), "{views:?}");
    assert!(views.contains(&"refused:operations:category_not_consented"), "{views:?}");

    // A day later both have run out: refused, and again "record it".
    let after = t0 + Duration::hours(25);
    let e = desk.medical.view(check, Clinical, after).unwrap_err();
    assert_eq!(e.message.id, "consent-refused-expired-disaster");
    desk.shutdown();
}
