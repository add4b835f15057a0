//! Home visits (居宅同意取得型) through the desk, with a real SQLite file and the
//! desk's own training service on 127.0.0.1 (training mode is how the desk
//! started): the three steps online; offline (the service stopped: the
//! training mode's outage practice) and then confirmed once it is back; a later visit
//! re-using the first visit's consent; a wrong PIN refused with a message;
//! the steps kept in order by the backend. And the real reader source: a
//! card read from the OQS `face/` folder.

mod common;

use std::sync::Arc;

use chrono::{Duration, NaiveDateTime};
use madoguchi_app::desk::{say, Desk};
use madoguchi_app::home_visit::{IdentityInput, Step};
use madoguchi_app::reader::{CardReader, FaceFolderReader, ReaderError, ReaderKind};
use madoguchi_app::settings::Settings;
use madoguchi_core::home_visit::IdentityCheck;
use madoguchi_core::ConsentCategory;
use madoguchi_i18n::Lang;

const PEOPLE: u64 = 1_000;
const SEED: u64 = 31;

/// A desk in training mode: no service configured, its own training service.
fn training_desk(data: &std::path::Path) -> Arc<Desk> {
    let settings = Settings {
        data_dir: data.to_path_buf(),
        timeout_secs: 2,
        training_people: PEOPLE,
        training_seed: SEED,
        ..Settings::default()
    };
    let desk = Desk::open(settings).unwrap();
    desk.connect();
    assert!(desk.context().status().training, "the embedded training service: {:?}", desk.context().status());
    desk
}

/// Keys of valid people of the served population, as the simulator names them.
fn valid_keys(desk: &Desk) -> Vec<String> {
    common::sample_people(&desk.context().settings().training_db_path(), PEOPLE, SEED, 8)
        .into_iter()
        .filter(|p| p.expected_validity == "valid")
        .map(|p| format!("{}:{}:{}:{}", p.insurer_number, p.symbol, p.number, p.branch))
        .collect()
}

fn now() -> NaiveDateTime {
    chrono::Local::now().naive_local()
}

#[test]
fn three_steps_online_with_a_wrong_pin_refused_then_a_later_visit_reuses_the_consent() {
    let data = common::data_dir();
    let desk = training_desk(data.path());
    let t0 = now();

    let start = desk.home_visit.start(t0).unwrap();
    assert!(start.online);
    assert!(!start.patients.is_empty(), "the simulator offers synthetic patients");
    let key = valid_keys(&desk).into_iter().find(|k| start.patients.iter().any(|p| &p.key == k)).expect("a valid person among the simulator's cards");
    let patient = start.patients.iter().find(|p| p.key == key).unwrap().clone();

    // The card step refuses to run before consent and identity.
    let state = desk.home_visit.begin(Some(&key), t0).unwrap();
    assert_eq!(state.step, Step::Consent);
    assert!(state.reader.simulated, "the simulator says it is one");
    assert_eq!(state.reader.kind, ReaderKind::TrainingSimulator);
    assert_eq!(desk.home_visit.card(t0).unwrap_err().message.id, "home-visit-consent-first");

    // 1. consent
    let state = desk.home_visit.consent(&[ConsentCategory::Checkups, ConsentCategory::Medication], t0).unwrap();
    assert_eq!(state.step, Step::Identity);
    assert_eq!(desk.home_visit.card(t0).unwrap_err().message.id, "home-visit-identity-first");
    // 2. identity: a wrong PIN is refused with a message, then the right one.
    let wrong = if patient.pin == "0000" { "1111" } else { "0000" };
    let e = desk.home_visit.identity(&IdentityInput::Pin { pin: wrong.into() }, t0).unwrap_err();
    assert_eq!(e.message.id, "home-visit-pin-wrong");
    let words = say(Lang::Ja, &e.message);
    // How many tries are left, in words (Fluent's isolation marks taken out).
    let words: String = words.chars().filter(|c| !matches!(c, '\u{2068}' | '\u{2069}')).collect();
    assert_eq!(words, "暗証番号が違います。あと 2 回まで入力できます。");
    let e = desk.home_visit.identity(&IdentityInput::Pin { pin: "12".into() }, t0).unwrap_err();
    assert_eq!(e.message.id, "home-visit-pin-not-four-digits");
    assert!(!say(Lang::En, &e.message).contains("home-visit"), "in words");
    let state = desk.home_visit.identity(&IdentityInput::Pin { pin: patient.pin.clone() }, t0).unwrap();
    assert_eq!(state.step, Step::Card);
    // 3. card
    let done = desk.home_visit.card(t0).unwrap();
    assert!(!done.offline);
    let result = done.result.as_ref().expect("answered online");
    assert!(result.validity.is_valid(), "{result:?}");
    assert_eq!(done.visit.person_key, key);
    assert_eq!(done.visit.categories, vec![ConsentCategory::Medication, ConsentCategory::Checkups]);
    assert_eq!(done.visit.identity, IdentityCheck::Pin);
    assert_eq!(done.visit.reader, "training_simulator");
    assert!(done.visit.confirmed_at.is_some(), "confirmed at once online");
    assert!(done.visit.check_id.is_some());
    // The check is in today's list like any other.
    assert!(desk.checks.checks_on(t0.date()).unwrap().iter().any(|c| c.person_key == key));

    // The home visit's consent is what the medical view asks about: the
    // consented category passes the consent gate (the training terminal
    // answers it), the other is refused.
    let check_id = done.visit.check_id.unwrap();
    let medication = desk.medical.view(check_id, ConsentCategory::Medication, t0);
    assert!(matches!(medication, Ok(madoguchi_app::desk::MedicalView::Medication(_))), "past the consent gate: {medication:?}");
    let clinical = desk.medical.view(check_id, ConsentCategory::Clinical, t0).unwrap_err();
    assert_eq!(clinical.message.id, "consent-refused-category-not-consented", "{clinical:?}");

    // A later visit, a week on: the first visit's consent is re-used.
    let later = t0 + Duration::days(7);
    let start = desk.home_visit.start(later).unwrap();
    let first = start.continuing.iter().find(|v| v.person_key == key).expect("the patient is a continuing one");
    assert_eq!(first.id, done.visit.id);
    let again = desk.home_visit.reuse(first.id, later).unwrap();
    assert_eq!(again.visit.first_visit_id, Some(done.visit.id));
    assert_eq!(again.visit.categories, done.visit.categories, "never wider, never narrower");
    assert_eq!(again.visit.valid_until, done.visit.valid_until, "the first visit's validity");
    assert_eq!(again.visit.identity, IdentityCheck::FirstVisit);
    assert!(again.visit.confirmed_at.is_some());
    assert!(again.result.as_ref().unwrap().validity.is_valid(), "eligibility checked again");

    // Past the consent's end, re-use is refused with a message.
    let expired = desk.home_visit.reuse(first.id, t0 + Duration::days(31)).unwrap_err();
    assert_eq!(expired.message.id, "home-visit-reuse-expired");
    assert!(!desk.home_visit.start(t0 + Duration::days(31)).unwrap().continuing.iter().any(|v| v.person_key == key));

    // Every step is in the audit log.
    let audit = desk.context().audit_entries().unwrap();
    assert!(audit.iter().any(|a| a.outcome == "pin-wrong"));
    assert!(audit.iter().any(|a| a.outcome == "first:pin:medication,checkups"));
    assert!(audit.iter().any(|a| a.outcome == format!("reuse:{}", done.visit.id)));
    desk.shutdown();
}

#[test]
fn three_steps_offline_then_confirmed_when_the_service_is_back() {
    let data = common::data_dir();
    let desk = training_desk(data.path());
    let key = valid_keys(&desk).remove(0);

    // The home has no connection.
    desk.checks.training_outage(true).unwrap();
    let t0 = now();
    let start = desk.home_visit.start(t0).unwrap();
    assert!(!start.online, "the screen can say it is offline");
    let patient = start.patients.iter().find(|p| p.key == key).expect("the simulator works offline").clone();
    desk.home_visit.begin(Some(&key), t0).unwrap();
    desk.home_visit.consent(&[ConsentCategory::Medication], t0).unwrap();
    // A visual check without a name is refused; with one, recorded.
    let e = desk.home_visit.identity(&IdentityInput::Visual { name: " ".into() }, t0).unwrap_err();
    assert_eq!(e.message.id, "home-visit-visual-needs-name");
    desk.home_visit.identity(&IdentityInput::Visual { name: "看護師 佐藤".into() }, t0).unwrap();
    let done = desk.home_visit.card(t0).unwrap();
    assert!(done.offline);
    assert!(done.result.is_none(), "nothing cached for this patient: nothing shown as if confirmed");
    assert!(done.visit.confirmed_at.is_none(), "recorded, unconfirmed");
    assert_eq!(done.visit.identity, IdentityCheck::Visual { confirmed_by: "看護師 佐藤".into(), role: None });
    assert_eq!(done.visit.categories, vec![ConsentCategory::Medication]);
    assert_eq!(desk.checks.pending_checks().unwrap(), 1);
    let _ = patient;

    // Not yet confirmed: a later visit cannot re-use it.
    let e = desk.home_visit.reuse(done.visit.id, t0 + Duration::hours(1)).unwrap_err();
    assert_eq!(e.message.id, "home-visit-reuse-not-confirmed");
    // Syncing while still offline keeps it queued.
    let synced = desk.home_visit.sync(t0 + Duration::minutes(1)).unwrap();
    assert_eq!(synced.pending, 1);
    assert!(synced.today.iter().all(|v| v.confirmed_at.is_none()));

    // Back online: the queued check replays and the visit is confirmed.
    desk.checks.training_outage(false).unwrap();
    let t1 = t0 + Duration::hours(2);
    let synced = desk.home_visit.sync(t1).unwrap();
    assert!(synced.online);
    assert_eq!(synced.pending, 0);
    let visit = desk.home_visit.record(done.visit.id).unwrap().unwrap();
    assert!(visit.confirmed_at.is_some(), "{visit:?}");
    assert!(desk.checks.checks_on(t1.date()).unwrap().iter().any(|c| c.person_key == key && c.validity.is_valid()));
    // Now confirmed, a later visit re-uses it.
    let again = desk.home_visit.reuse(done.visit.id, t1 + Duration::days(1)).unwrap();
    assert_eq!(again.visit.categories, vec![ConsentCategory::Medication]);
    desk.shutdown();
}

#[test]
fn a_new_first_visit_replaces_the_earlier_consent() {
    let data = common::data_dir();
    let desk = training_desk(data.path());
    let key = valid_keys(&desk).remove(0);
    let t0 = now();
    let first_visit = |cats: &[ConsentCategory], at: NaiveDateTime| {
        desk.home_visit.start(at).unwrap();
        let state = desk.home_visit.begin(Some(&key), at).unwrap();
        desk.home_visit.consent(cats, at).unwrap();
        desk.home_visit.identity(&IdentityInput::Pin { pin: state.patient.unwrap().pin }, at).unwrap();
        desk.home_visit.card(at).unwrap()
    };
    let a = first_visit(&[ConsentCategory::Medication, ConsentCategory::Clinical], t0);
    let b = first_visit(&[], t0 + Duration::days(2));
    assert!(b.visit.categories.is_empty(), "no consent is a choice too");
    let e = desk.home_visit.reuse(a.visit.id, t0 + Duration::days(3)).unwrap_err();
    assert_eq!(e.message.id, "home-visit-reuse-replaced");
    let c = desk.home_visit.reuse(b.visit.id, t0 + Duration::days(3)).unwrap();
    assert!(c.visit.categories.is_empty());
    desk.shutdown();
}

#[test]
fn the_face_folder_is_the_real_reader_and_checks_no_pin() {
    let dir = common::data_dir();
    let population = madoguchi_training::generate(&dir.path().join("pop.sqlite"), PEOPLE, SEED).unwrap();
    let oqs = dir.path().join("OQS");
    let reader = FaceFolderReader::new(&oqs);
    assert!(!reader.info().simulated);
    assert_eq!(reader.verify_pin("1234"), Err(ReaderError::NoPinCheck));
    let t = now();
    madoguchi_training::terminal::tap(&oqs, &population, None, &[ConsentCategory::Medication], t).unwrap();
    let reading = reader.read_card().unwrap();
    assert_eq!(reading.kind, ReaderKind::OqsFaceFolder);
    assert_eq!(reading.consents, Some(vec![ConsentCategory::Medication]));
    assert_eq!(reading.identity, Some(IdentityCheck::Terminal));
    let result = reading.result.expect("the terminal's answer");
    assert_eq!(result.qualification.unwrap().person_key(), reading.card.person_key());
    assert_eq!(reader.read_card().unwrap_err(), ReaderError::NoCard, "each read once");
}

#[test]
fn every_home_visit_message_is_in_both_languages() {
    let ids: Vec<String> = include_str!("../locales/ja/home_visit.ftl")
        .lines()
        .filter_map(|l| l.split_once(" = ").map(|(id, _)| id.trim().to_string()))
        .filter(|id| !id.starts_with('#') && !id.is_empty())
        .collect();
    let en = include_str!("../locales/en/home_visit.ftl");
    for id in &ids {
        assert!(en.lines().any(|l| l.starts_with(&format!("{id} ="))), "{id} missing in English");
    }
    // And every id the backend uses is there.
    let src = [include_str!("../src-tauri/src/home_visit.rs"), include_str!("../src-tauri/src/reader.rs"), include_str!("../src-tauri/core/src/home_visit.rs")].concat();
    for (i, _) in src.match_indices("\"home-visit-") {
        let id: String = src[i + 1..].chars().take_while(|c| *c != '"').collect();
        if src[i + 2 + id.len()..].starts_with(".into()") {
            continue; // an audit action's name, not a message
        }
        assert!(ids.contains(&id), "{id} is used but not in locales/*/home_visit.ftl");
    }
}

#[test]
fn outside_training_there_is_no_simulated_card() {
    // A configured live service that does not answer: not training mode.
    let data = common::data_dir();
    let refused = common::RefusedPort::hold();
    let settings = Settings {
        data_dir: data.path().to_path_buf(),
        service_url: Some(refused.url()),
        timeout_secs: 1,
        training_people: PEOPLE,
        training_seed: SEED,
        ..Settings::default()
    };
    let desk = Desk::open(settings).unwrap();
    desk.connect();
    assert!(!desk.context().status().training);
    let start = desk.home_visit.start(now()).unwrap();
    assert!(start.patients.is_empty(), "no synthetic patients outside training");
    assert!(!start.online);
    let e = desk.home_visit.begin(Some("06139999:12:345:01"), now()).unwrap_err();
    assert_eq!(e.message.id, "home-visit-no-reader");
    desk.shutdown();
}
