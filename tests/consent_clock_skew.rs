//! The qualification terminal's clock runs ahead of the desk PC's: a card
//! tap whose consent time is up to the tolerance (default 5 minutes, the
//! setting `consent_clock_tolerance_secs`) ahead is shown at once, and the
//! view is logged with the skew; beyond it the refusal names both clocks,
//! to the second. A real desk in training mode, the real training terminal
//! writing the tap into its OQS `face/` folder.

mod common;

use std::time::{Duration, Instant};

use chrono::{NaiveDateTime, Timelike};
use madoguchi_app::desk::Desk;
use madoguchi_app::settings::Settings;
use madoguchi_core::ConsentCategory;
use madoguchi_app::desk::say;
use madoguchi_i18n::Lang;

fn training_desk(dir: &std::path::Path, tolerance_secs: Option<u32>) -> std::sync::Arc<Desk> {
    let mut settings = Settings { data_dir: dir.to_path_buf(), training_people: 1_000, ..Settings::default() };
    if let Some(t) = tolerance_secs {
        settings.consent_clock_tolerance_secs = t;
    }
    let desk = Desk::open(settings).unwrap();
    desk.connect();
    assert!(desk.context().status().ready, "{:?}", desk.context().status());
    desk
}

/// The terminal's clock: the consent time the tap carries (whole seconds, as
/// OQS writes them).
fn terminal_now() -> NaiveDateTime {
    chrono::Local::now().naive_local().with_nanosecond(0).unwrap()
}

/// A tap consenting to medication at `consent_at` (the terminal's clock);
/// waits for the desk to record it.
fn tap(desk: &Desk, consent_at: NaiveDateTime) -> i64 {
    let before = desk.checks.checks_on(consent_at.date()).unwrap().len();
    desk.checks.simulate_card_tap(&[ConsentCategory::Medication], consent_at).unwrap();
    let started = Instant::now();
    loop {
        let list = desk.checks.checks_on(consent_at.date()).unwrap();
        if list.len() > before {
            return list[0].id;
        }
        assert!(started.elapsed() < Duration::from_secs(5), "the tap never arrived");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_consent_30_seconds_ahead_is_shown_now_and_logged_with_the_skew() {
    let data = common::data_dir();
    let desk = training_desk(data.path(), None);
    let consent_at = terminal_now();
    let id = tap(&desk, consent_at);
    // The desk's clock 30 s behind the terminal's.
    let desk_now = consent_at - chrono::Duration::seconds(30);
    desk.medical.view(id, ConsentCategory::Medication, desk_now).unwrap();
    let log = desk.context().audit_entries().unwrap();
    let allowed = log.iter().rev().find(|e| e.outcome == "allowed:medication").expect("the view is logged");
    let detail: serde_json::Value = serde_json::from_str(allowed.detail.as_deref().expect("with the skew")).unwrap();
    assert_eq!(detail["clock_skew_secs"], 30, "{detail}");
    desk.shutdown();
}

#[test]
fn beyond_the_tolerance_the_refusal_names_both_clocks_to_the_second() {
    let data = common::data_dir();
    let desk = training_desk(data.path(), None);
    let consent_at = terminal_now();
    let id = tap(&desk, consent_at);
    let desk_now = consent_at - chrono::Duration::seconds(5 * 60 + 20);
    let refused = desk.medical.view(id, ConsentCategory::Medication, desk_now).unwrap_err();
    assert_eq!(refused.message.id, "consent-refused-clock-ahead", "{refused:?}");
    let hms = |t: NaiveDateTime| format!("{}:{:02}:{:02}", t.hour(), t.minute(), t.second());
    let ja = say(Lang::Ja, &refused.message);
    assert!(ja.contains(&hms(consent_at)) && ja.contains(&hms(desk_now)), "both clocks: {ja}");
    assert!(ja.contains("資格確認端末") && ja.contains("このパソコン") && ja.contains("5分20秒"), "{ja}");
    let en = say(Lang::En, &refused.message);
    assert!(en.contains(&hms(consent_at)) && en.contains(&hms(desk_now)) && en.contains("5 min 20 s"), "{en}");
    // The refusal is logged as before.
    let log = desk.context().audit_entries().unwrap();
    assert!(log.iter().any(|e| e.outcome == "refused:medication:not_yet_valid"), "{log:?}");
    desk.shutdown();
}

#[test]
fn the_tolerance_is_a_setting() {
    let data = common::data_dir();
    // Ten minutes allowed: a terminal 8 minutes ahead is fine …
    let desk = training_desk(data.path(), Some(600));
    let consent_at = terminal_now();
    let id = tap(&desk, consent_at);
    desk.medical.view(id, ConsentCategory::Medication, consent_at - chrono::Duration::minutes(8)).unwrap();
    desk.shutdown();
    // … and with none, 30 s ahead is refused.
    let data = common::data_dir();
    let desk = training_desk(data.path(), Some(0));
    let consent_at = terminal_now();
    let id = tap(&desk, consent_at);
    let refused = desk.medical.view(id, ConsentCategory::Medication, consent_at - chrono::Duration::seconds(30)).unwrap_err();
    assert_eq!(refused.message.id, "consent-refused-clock-ahead");
    desk.shutdown();
    let from_file: Settings = serde_json::from_str(r#"{"consent_clock_tolerance_secs": 120}"#).unwrap();
    assert_eq!(from_file.consent_clock_tolerance_secs, 120);
    assert_eq!(Settings::default().consent_clock_tolerance_secs, 300);
}
