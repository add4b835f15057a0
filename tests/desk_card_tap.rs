//! The desk's card-tap path without a window: a simulated tap in training
//! mode reaches the desk once, is recorded in today's checks, and carries the
//! consent flags the patient chose.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use madoguchi_app::desk::Desk;
use madoguchi_app::settings::Settings;
use madoguchi_core::ConsentCategory;

const PASSWORD: &str = "sakura-no-hana-2026";

fn now() -> chrono::NaiveDateTime {
    chrono::Local::now().naive_local()
}

/// Waits (at most 5 s) until `done` holds; an event the test waits for, not
/// a pause to see that nothing happened.
fn wait_for(done: impl Fn() -> bool) -> bool {
    let started = Instant::now();
    while !done() {
        if started.elapsed() > Duration::from_secs(5) {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    true
}

#[test]
fn a_simulated_tap_reaches_the_desk_once_and_is_recorded() {
    let data = common::data_dir();
    let settings = Settings { data_dir: data.path().to_path_buf(), training_people: 2_000, ..Settings::default() };
    let desk = Desk::open(settings).unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    desk.on_card_tap(move |o| sink.lock().unwrap().push(o));
    desk.connect();
    assert!(desk.status().ready, "{:?}", desk.status());

    let now = chrono::Local::now().naive_local();
    let started = Instant::now();
    desk.simulate_card_tap(&[ConsentCategory::Medication], now).unwrap();
    while seen.lock().unwrap().is_empty() && started.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let latency = started.elapsed();
    // Give a runaway watcher the chance to show itself.
    std::thread::sleep(Duration::from_millis(1500));
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1, "one tap, one event: {seen:?}");
    let outcome = seen[0].as_ref().expect("the tap parses");
    assert!(outcome.result.validity.is_valid());
    let medication = outcome.result.consent(ConsentCategory::Medication).unwrap();
    assert!(medication.given);
    assert!(!outcome.result.consent(ConsentCategory::Clinical).unwrap().given);
    let today = desk.checks_on(now.date()).unwrap();
    assert_eq!(today.len(), 1);
    assert_eq!(today[0].source, madoguchi_core::ResultSource::CardReader);
    eprintln!("the tap reached the desk after {latency:?} (target < 1 s: see the card_tap benchmark)");
    desk.shutdown();
}

type Taps = Arc<Mutex<Vec<Result<madoguchi_app::desk::CheckOutcome, madoguchi_core::message::ApiError>>>>;

/// A desk set to the OQS folder `<data>/OQS`, which the training terminal
/// plays (`people` of seed 4): the desk, the folder, the population, the
/// running terminal and what the window was told of card taps.
fn oqs_desk(data: &std::path::Path, people: u64) -> (Arc<Desk>, std::path::PathBuf, madoguchi_training::Population, madoguchi_training::terminal::RunningTerminal, Taps) {
    let oqs = data.join("OQS");
    std::fs::create_dir_all(&oqs).unwrap();
    let population = madoguchi_training::generate(&data.join("pop.sqlite"), people, 4).unwrap();
    let terminal = madoguchi_training::terminal::spawn(&oqs, population.clone()).unwrap();
    let settings = Settings {
        data_dir: data.join("desk"),
        oqs_dir: Some(oqs.clone()),
        facility_code: "1312345678".into(),
        ..Settings::default()
    };
    let desk = Desk::open(settings).unwrap();
    let taps: Taps = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&taps);
    desk.on_card_tap(move |o| sink.lock().unwrap().push(o));
    desk.connect();
    (desk, oqs, population, terminal, taps)
}

/// The desk set to an OQS folder, with the training terminal answering in it:
/// a typed check goes through req/ and res/, and a card tap through face/.
#[test]
fn the_desk_works_through_an_oqs_folder() {
    let data = common::data_dir();
    let (desk, oqs, population, _terminal, taps) = oqs_desk(data.path(), 1_000);
    let today = chrono::Local::now().date_naive();
    let person = population.sample_on(3, today).unwrap().into_iter().next().unwrap();
    let status = desk.status();
    // The training terminal's `TRAINING` file is the folder's word, not how
    // the desk was started: a real desk, a banner, and staff sign in.
    assert!(status.ready && !status.training && status.training_claim.is_some(), "{status:?}");
    desk.create_first_administrator("admin", "管理 太郎", PASSWORD, now()).unwrap();
    desk.sign_in("admin", PASSWORD, now()).unwrap();

    let input = madoguchi_core::validation::CardInput {
        insurer_number: person.insurer_number.clone(),
        symbol: person.symbol.clone(),
        number: person.number.clone(),
        branch: person.branch.clone(),
        birth_date: person.birth_date.to_string(),
    };
    let outcome = desk.check(&input, chrono::Local::now().naive_local()).unwrap();
    assert_eq!(outcome.result.source, madoguchi_core::ResultSource::OqsFolder);
    assert_eq!(outcome.result.person.as_ref().unwrap().name, person.name);
    assert!(std::fs::read_dir(oqs.join("req")).unwrap().next().is_none(), "req/ is empty again");

    madoguchi_training::terminal::tap(&oqs, &population, None, &[ConsentCategory::Checkups], chrono::Local::now().naive_local()).unwrap();
    let started = Instant::now();
    while taps.lock().unwrap().is_empty() && started.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let taps = taps.lock().unwrap();
    assert_eq!(taps.len(), 1);
    assert!(taps[0].as_ref().unwrap().result.consent(ConsentCategory::Checkups).unwrap().given);
    assert_eq!(desk.checks_on(today).unwrap().len(), 2);
    desk.shutdown();
}

/// A card tap carries the patient (name, birth date, address, consents): on
/// a real desk it is told to the window only while someone is signed in.
/// Taken in while nobody is, or while the session is locked, it is held —
/// recorded in today's checks, nothing emitted — and told at the next
/// sign-in, once.
#[test]
fn a_tap_while_nobody_is_signed_in_reaches_the_window_only_after_sign_in() {
    let data = common::data_dir();
    let (desk, oqs, population, _terminal, emitted) = oqs_desk(data.path(), 300);
    desk.create_first_administrator("admin", "管理 太郎", PASSWORD, now()).unwrap();
    assert!(desk.signed_in(now()).is_none());

    // Signed out: the tap is taken in and held, nothing goes to the window.
    madoguchi_training::terminal::tap(&oqs, &population, None, &[ConsentCategory::Medication], now()).unwrap();
    assert!(wait_for(|| desk.held_card_taps() == 1), "the tap was taken in");
    assert!(emitted.lock().unwrap().is_empty(), "nothing personal for a window nobody is signed in at");
    assert_eq!(desk.checks_on(now().date()).unwrap().len(), 1, "the check is recorded all the same");

    // Signing in tells the window, once.
    desk.sign_in("admin", PASSWORD, now()).unwrap();
    assert_eq!(desk.held_card_taps(), 0);
    {
        let emitted = emitted.lock().unwrap();
        assert_eq!(emitted.len(), 1, "{emitted:?}");
        let tapped = emitted[0].as_ref().unwrap();
        assert!(tapped.result.person.is_some());
        assert!(tapped.result.consent(ConsentCategory::Medication).unwrap().given);
    }

    // Signed in: a tap is told at once.
    madoguchi_training::terminal::tap(&oqs, &population, None, &[], now()).unwrap();
    assert!(wait_for(|| emitted.lock().unwrap().len() == 2), "told at once while signed in");

    // The session locks after inactivity: held again until someone signs in.
    let later = now() + chrono::Duration::minutes(madoguchi_core::staff::DEFAULT_IDLE_LIMIT_MINUTES + 1);
    assert!(desk.signed_in(later).is_none(), "locked");
    madoguchi_training::terminal::tap(&oqs, &population, None, &[], now()).unwrap();
    assert!(wait_for(|| desk.held_card_taps() == 1), "the tap was taken in");
    assert_eq!(emitted.lock().unwrap().len(), 2, "nothing emitted while locked");
    desk.sign_in("admin", PASSWORD, now()).unwrap();
    assert_eq!(emitted.lock().unwrap().len(), 3);
    assert_eq!(desk.checks_on(now().date()).unwrap().len(), 3);
    desk.shutdown();
}
