//! `madoguchi export fhir`: a patient checked at the desk (a card tap in
//! training mode) is exported by the real binary as a FHIR JP Core Bundle
//! that deserialises into the FHIR models, with the insured-person key in the
//! form of JP-CLINS R1013; the export is in the audit log; a patient the desk
//! never checked, and nobody signed in at a real desk, are refused in words.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use madoguchi_adapters::audit::AuditAction;
use madoguchi_adapters::fhir::{self, Resource};
use madoguchi_app::desk::Desk;
use madoguchi_app::settings::Settings;

const PEOPLE: &str = "2000";

fn madoguchi(data: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(common::madoguchi_bin());
    c.args(args)
        .env("MADOGUCHI_DATA_DIR", data)
        .env("MADOGUCHI_SETTINGS", data.join("none.json"))
        .env("MADOGUCHI_TRAINING_PEOPLE", PEOPLE)
        .env("MADOGUCHI_LANG", "ja")
        .env_remove("MADOGUCHI_SERVICE_URL");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("madoguchi runs")
}

#[test]
fn a_checked_patient_exports_as_a_jp_core_bundle_and_is_logged() {
    let data = common::data_dir();
    let settings = Settings { data_dir: data.path().to_path_buf(), training_people: PEOPLE.parse().unwrap(), ..Settings::default() };
    let desk = Desk::open(settings.clone()).unwrap();
    let taps = common::Taps::of(&desk);
    desk.connect();
    desk.checks.simulate_card_tap(&[], chrono::Local::now().naive_local()).unwrap();
    let check_id = taps.next().check_id.unwrap();
    let result = desk.checks.check_result(check_id).unwrap().unwrap();
    let key = result.qualification.clone().unwrap().person_key();
    let name = result.person.clone().unwrap().name;
    desk.shutdown();
    drop(desk);

    let out_file = data.path().join("patient.fhir.json");
    let out = madoguchi(data.path(), &["export", "fhir", "--patient", &key, "--out", out_file.to_str().unwrap()], &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json = std::fs::read_to_string(&out_file).unwrap();
    let bundle = fhir::read_bundle(&json).expect("a Bundle of the FHIR models");
    let coverage = bundle
        .entry
        .iter()
        .flatten()
        .find_map(|e| match &e.resource {
            Some(Resource::Coverage(c)) => Some(c.clone()),
            _ => None,
        })
        .expect("a Coverage");
    let id = coverage
        .identifier
        .iter()
        .flatten()
        .find(|i| i.system.as_deref() == Some(fhir::MEMBER_ID_SYSTEM))
        .and_then(|i| i.value.clone())
        .expect("the insured-person key");
    assert!(fhir::is_r1013(&id), "{id}");
    // The desk's key and the exported one name the same card (国保 numbers
    // gain two leading zeros; an empty 枝番 stays empty).
    let strip = |s: &str| s.trim_start_matches('0').to_string();
    assert_eq!(strip(&id), strip(&key), "{id} for {key}");
    assert!(json.contains(name.split('　').next().unwrap()), "the patient's family name is in the bundle");

    // Logged, under the export action.
    let desk = Desk::open(settings).unwrap();
    let entries = desk.context().audit_entries().unwrap();
    let e = entries.iter().rev().find(|e| e.action == AuditAction::Export).expect("the export is logged");
    assert_eq!(e.patient_key.as_deref(), Some(key.as_str()));
    assert_eq!(e.outcome, "exported:fhir");

    // A patient this desk never checked: refused in words, no file.
    let none = data.path().join("none.json.out");
    let out = madoguchi(data.path(), &["export", "fhir", "--patient", "06139999:1:1:", "--out", none.to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("資格確認の記録がありません"), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!none.exists());
    // An unknown format.
    let out = madoguchi(data.path(), &["export", "hl7v2", "--patient", &key], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("fhir"));
}

#[test]
fn a_real_desk_exports_only_for_a_signed_in_staff_member() {
    let data = common::data_dir();
    let refused = common::refused_url();
    let out = madoguchi(data.path(), &["export", "fhir", "--patient", "06139999:1:1:"], &[("MADOGUCHI_SERVICE_URL", refused.as_str())]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("ログイン"), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stdout.is_empty(), "nothing exported");
}
