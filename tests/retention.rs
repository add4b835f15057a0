//! Cached medical information past the retention period in the settings is
//! purged at start-up and then daily, on a real database file, with a clock
//! the test moves forward.

mod common;

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use madoguchi_adapters::store::Store;
use madoguchi_app::desk::Desk;
use madoguchi_app::retention::{self, PurgeSchedule};
use madoguchi_app::settings::Settings;
use madoguchi_core::consent::{decide, Consent, ConsentSource, ConsentState, Purpose};
use madoguchi_core::ConsentCategory;

const MEDS: &str = r#"[{"dispensed_on":"2026-11-01","drug":"アムロジピン錠5mg","quantity":"28"}]"#;

fn at(d: u32, h: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, d).unwrap().and_hms_opt(h, 0, 0).unwrap()
}

/// Caches medication information for `patient`, fetched at `fetched`.
fn cache(store: &mut Store, patient: &str, fetched: NaiveDateTime) {
    let mut state = ConsentState::new(patient);
    state
        .record(Consent {
            patient_key: patient.into(),
            category: ConsentCategory::Medication,
            given_at: fetched,
            valid_until: fetched + TimeDelta::hours(24),
            source: ConsentSource::HomeVisit,
            recorded_by: "受付1".into(),
        })
        .unwrap();
    let grant = decide(&state, patient, ConsentCategory::Medication, Purpose::Cache, fetched).into_result().unwrap();
    store.put_medical(&grant, MEDS, fetched, fetched).unwrap();
}

fn medical_rows(settings: &Settings) -> i64 {
    // A second connection to the same file: what is really on disk.
    madoguchi_app::storage::open(settings).unwrap().stats().unwrap().medical_rows
}

fn settings(dir: &std::path::Path, days: u32) -> Settings {
    Settings { data_dir: dir.to_path_buf(), medical_retention_days: days, ..Settings::default() }
}

#[test]
fn the_schedule_purges_at_once_then_once_a_day() {
    let dir = common::data_dir();
    let s = settings(dir.path(), 7);
    {
        let mut store = madoguchi_app::storage::open(&s).unwrap();
        cache(&mut store, "06132013:1:1:", at(1, 9)); // 19 days before the 20th
        cache(&mut store, "06132013:1:2:", at(12, 9)); // 8 days
        cache(&mut store, "06132013:1:3:", at(13, 10)); // 7 days less an hour
    }
    let desk = Desk::open(s.clone()).unwrap();
    let schedule = PurgeSchedule::default();

    // Start-up: due at once; the two older than 7 days go.
    let r = schedule.run_if_due(&desk, at(20, 9)).unwrap().expect("due at start-up");
    assert_eq!(r.medical_rows_deleted, 2);
    assert_eq!(r.cutoff, at(13, 9));
    assert_eq!(medical_rows(&s), 1);

    // The next morning: the third is past 7 days, but a day has not passed.
    assert_eq!(schedule.run_if_due(&desk, at(21, 8)).unwrap(), None);
    assert_eq!(medical_rows(&s), 1);
    // A day after the last run: due again.
    let r = schedule.run_if_due(&desk, at(21, 9)).unwrap().expect("due after a day");
    assert_eq!(r.medical_rows_deleted, 1);
    assert_eq!(medical_rows(&s), 0);
}

#[test]
fn the_retention_period_comes_from_the_settings() {
    for (days, left) in [(30, 2), (5, 1), (1, 0)] {
        let dir = common::data_dir();
        let s = settings(dir.path(), days);
        {
            let mut store = madoguchi_app::storage::open(&s).unwrap();
            cache(&mut store, "06132013:1:1:", at(1, 9));
            cache(&mut store, "06132013:1:2:", at(17, 9));
        }
        let desk = Desk::open(s.clone()).unwrap();
        desk.medical.purge(at(20, 9)).unwrap();
        assert_eq!(medical_rows(&s), left, "{days} days");
    }
    // The setting is read from settings.json, and missing there means 30 days.
    let from_file: Settings = serde_json::from_str(r#"{"medical_retention_days": 90}"#).unwrap();
    assert_eq!(from_file.medical_retention_days, 90);
    let default: Settings = serde_json::from_str("{}").unwrap();
    assert_eq!(default.medical_retention_days, 30);
}

#[test]
fn the_running_desk_purges_at_start_up_and_after_each_day() {
    let dir = common::data_dir();
    let s = settings(dir.path(), 3);
    {
        let mut store = madoguchi_app::storage::open(&s).unwrap();
        cache(&mut store, "06132013:1:1:", at(1, 9));
        cache(&mut store, "06132013:1:2:", at(17, 12));
    }
    let desk = Desk::open(s.clone()).unwrap();
    // The test's clock: minutes since the 20th, 09:00.
    let minutes = Arc::new(AtomicI64::new(0));
    // How often the thread has read the clock: it reads it once at the start
    // of each pass, so the second read after a change of the clock says the
    // pass that saw the change is over (the event to wait for, not a sleep).
    let reads = Arc::new(AtomicU64::new(0));
    let (clock_minutes, clock_reads) = (Arc::clone(&minutes), Arc::clone(&reads));
    let clock: retention::Clock = Arc::new(move || {
        clock_reads.fetch_add(1, Ordering::SeqCst);
        at(20, 9) + TimeDelta::minutes(clock_minutes.load(Ordering::SeqCst))
    });
    let thread = retention::spawn(Arc::downgrade(&desk), clock, Duration::from_millis(20));
    let a_pass_at = |m: i64| {
        minutes.store(m, Ordering::SeqCst);
        let seen = reads.load(Ordering::SeqCst);
        let start = Instant::now();
        while reads.load(Ordering::SeqCst) < seen + 2 {
            assert!(start.elapsed() < Duration::from_secs(10), "the retention thread stopped reading its clock");
            std::thread::sleep(Duration::from_millis(5));
        }
    };

    let wait_for = |rows: i64| {
        let start = Instant::now();
        while medical_rows(&s) != rows {
            assert!(start.elapsed() < Duration::from_secs(10), "still {} rows, expected {rows}", medical_rows(&s));
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    // Start-up: the row of the 1st goes at once; the 17th is kept (2 days 21 h).
    wait_for(1);
    // 23 hours later the 17th is past 3 days, but a day has not passed: kept.
    a_pass_at(23 * 60);
    assert_eq!(medical_rows(&s), 1);
    // A day after start-up, the daily purge takes it.
    minutes.store(24 * 60, Ordering::SeqCst);
    wait_for(0);

    // The thread ends with the desk.
    drop(desk);
    let start = Instant::now();
    while !thread.is_finished() {
        assert!(start.elapsed() < Duration::from_secs(5), "the retention thread outlives the desk");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Writes `name` into `dir` (made when missing).
fn file(dir: &std::path::Path, name: &str) -> std::path::PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, "<XmlMsg>山田 太郎</XmlMsg>").unwrap();
    path
}

#[test]
fn prints_and_archived_oqs_files_fall_under_retention() {
    let dir = common::data_dir();
    let oqs = common::data_dir();
    let s = Settings { oqs_dir: Some(oqs.path().to_path_buf()), ..settings(dir.path(), 30) };
    let desk = Desk::open(s.clone()).unwrap();
    let archive = oqs.path().join("archive");
    let failed = archive.join("failed");
    let training_archive = s.training_oqs_dir().join("archive");
    let print = file(&s.prints_dir(), "20261120-093000_medication-list_1.pdf");
    let answer = file(&archive, "YZK001res.xml");
    let face = file(&training_archive, "face-1.xml");
    let broken = file(&failed, "OQSsiquc01res_broken.xml");
    // Not ours to judge: a folder and a link in the archive.
    std::fs::create_dir_all(archive.join("kept-folder")).unwrap();
    std::os::unix::fs::symlink(&broken, archive.join("link.xml")).unwrap();
    // The clock, taken after the files were written.
    let t0 = chrono::Local::now().naive_local() + TimeDelta::seconds(1);
    let schedule = PurgeSchedule::default();

    // Start-up: the print of an earlier run goes; the archive is younger than a day.
    schedule.run_if_due(&desk, t0).unwrap().expect("due at start-up");
    assert!(!print.exists(), "a print does not outlive the desk's run");
    assert!(answer.exists() && face.exists() && broken.exists());

    // A print of this run stays until the daily purge a day later, which also
    // takes the archived answers of both OQS folders; failed files stay.
    let print = file(&s.prints_dir(), "20261120-100000_eligibility_2.pdf");
    assert_eq!(schedule.run_if_due(&desk, t0 + TimeDelta::hours(23)).unwrap(), None);
    assert!(print.exists() && answer.exists());
    schedule.run_if_due(&desk, t0 + TimeDelta::days(1)).unwrap().expect("due after a day");
    assert!(!print.exists(), "a print is kept a day at most");
    assert!(!answer.exists() && !face.exists(), "handled OQS files are kept a day");
    assert!(broken.exists(), "a failed file stays for staff to look at");

    // The failed file goes after medical_retention_days.
    schedule.run_if_due(&desk, t0 + TimeDelta::days(29) + TimeDelta::hours(23)).unwrap().expect("due");
    assert!(broken.exists());
    schedule.run_if_due(&desk, t0 + TimeDelta::days(31)).unwrap().expect("due");
    assert!(!broken.exists(), "failed files are not kept forever");
    assert!(archive.join("kept-folder").is_dir());
    assert!(archive.join("link.xml").symlink_metadata().is_ok(), "a link is left alone");
}

#[test]
fn the_purge_of_files_says_what_it_deleted() {
    let dir = common::data_dir();
    let s = settings(dir.path(), 2);
    let desk = Desk::open(s.clone()).unwrap();
    file(&s.prints_dir(), "a.pdf");
    file(&s.prints_dir(), "b.pdf");
    file(&s.training_oqs_dir().join("archive"), "YZK.xml");
    file(&s.training_oqs_dir().join("archive/failed"), "bad.xml");
    let now = chrono::Local::now().naive_local();
    // Not at start-up: a print younger than a day stays.
    assert_eq!(retention::purge_files(&desk.context().settings(), now, false).unwrap(), retention::FilesPurge::default());
    let later = now + TimeDelta::days(2) + TimeDelta::seconds(1);
    assert_eq!(retention::purge_files(&desk.context().settings(), later, false).unwrap(), retention::FilesPurge { prints: 2, archived: 1, failed: 1 });
}
