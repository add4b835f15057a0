//! The desk's card-tap path without a window: a simulated tap in training
//! mode reaches the desk once, is recorded in today's checks, and carries the
//! consent flags the patient chose.

mod common;

use std::time::Instant;

use madoguchi_app::desk::Desk;
use madoguchi_app::settings::Settings;
use madoguchi_core::ConsentCategory;

#[test]
fn a_simulated_tap_reaches_the_desk_once_and_is_recorded() {
    let data = common::data_dir();
    let settings = Settings { data_dir: data.path().to_path_buf(), training_people: 2_000, ..Settings::default() };
    let desk = Desk::open(settings).unwrap();
    let taps = common::Taps::of(&desk);
    desk.connect();
    assert!(desk.status().ready, "{:?}", desk.status());

    let started = Instant::now();
    desk.simulate_card_tap(&[ConsentCategory::Medication], chrono::Local::now().naive_local()).unwrap();
    let outcome = taps.next();
    let latency = started.elapsed();
    assert!(outcome.result.validity.is_valid());
    let medication = outcome.result.consent(ConsentCategory::Medication).unwrap();
    assert!(medication.given);
    assert!(!outcome.result.consent(ConsentCategory::Clinical).unwrap().given);
    // Once: a second tap is the event that says the watcher has taken every
    // look at the first file it would take (it works through the folder in
    // order, on one thread). A watcher that reported a file twice would have
    // done so by then; no sleep needed to give it the chance.
    desk.simulate_card_tap(&[ConsentCategory::Checkups], chrono::Local::now().naive_local()).unwrap();
    let second = taps.next();
    assert!(second.result.consent(ConsentCategory::Checkups).unwrap().given, "the second event is the second tap: {second:?}");
    assert!(taps.pending().is_empty(), "two taps, two events: {:?}", taps.pending());
    let first = desk.check_result(outcome.check_id.unwrap()).unwrap().expect("the first tap is recorded");
    assert_eq!(first.source, madoguchi_core::ResultSource::CardReader);
    // In today's list (the day the desk recorded it, not a day read before).
    let day = chrono::Local::now().date_naive();
    let mut listed: Vec<i64> = [day.pred_opt().unwrap(), day].iter().flat_map(|d| desk.checks_on(*d).unwrap()).map(|c| c.id).collect();
    listed.sort();
    assert_eq!(listed, vec![outcome.check_id.unwrap(), second.check_id.unwrap()], "both taps listed, each once");
    eprintln!("the tap reached the desk after {latency:?} (target < 1 s: see the card_tap benchmark)");
    desk.shutdown();
}

/// The desk set to an OQS folder, with the training terminal answering in it:
/// a typed check goes through req/ and res/, and a card tap through face/.
#[test]
fn the_desk_works_through_an_oqs_folder() {
    let data = common::data_dir();
    let oqs = data.path().join("OQS");
    std::fs::create_dir_all(&oqs).unwrap();
    let population = madoguchi_training::generate(&data.path().join("pop.sqlite"), 1_000, 4).unwrap();
    let today = chrono::Local::now().date_naive();
    let person = population.sample_on(3, today).unwrap().into_iter().next().unwrap();
    let _terminal = madoguchi_training::terminal::spawn(&oqs, population.clone()).unwrap();

    let settings = Settings {
        data_dir: data.path().join("desk"),
        oqs_dir: Some(oqs.clone()),
        facility_code: "1312345678".into(),
        ..Settings::default()
    };
    let desk = Desk::open(settings).unwrap();
    let taps = common::Taps::of(&desk);
    desk.connect();
    let status = desk.status();
    assert!(status.ready && status.training, "{status:?}");

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
    let tapped = taps.next();
    assert!(tapped.result.consent(ConsentCategory::Checkups).unwrap().given);
    assert!(taps.pending().is_empty(), "one tap, one event: {:?}", taps.pending());
    // Both recorded (by their ids: a "today" read before one of them may be yesterday).
    for id in [outcome.check_id.unwrap(), tapped.check_id.unwrap()] {
        assert!(desk.check_result(id).unwrap().is_some(), "check {id} recorded");
    }
    desk.shutdown();
}
