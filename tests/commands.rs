//! The window's commands through the dispatcher (`madoguchi_app::commands`),
//! as the Tauri invoke handler calls it: every command of the contract is
//! registered and nothing else, the contract's permission is checked in one
//! place, and the arguments are read with the keys the window sends.

mod common;

use std::collections::BTreeSet;
use std::sync::Mutex;

use madoguchi_api as api;
use madoguchi_api::Command;
use madoguchi_app::commands::{dispatch, table};
use madoguchi_core::staff::Role;
use serde_json::{json, Value};

fn now() -> chrono::NaiveDateTime {
    chrono::Local::now().naive_local()
}

#[test]
fn every_contract_command_is_registered_and_nothing_else() {
    let registered: BTreeSet<&str> = table().names().collect();
    let contract: BTreeSet<&str> = api::ALL.iter().copied().collect();
    assert_eq!(registered, contract);
    assert_eq!(registered.len(), api::ALL.len());
    // With the contract's permission.
    for (name, permission) in api::PERMISSIONS {
        assert_eq!(table().permission(name), Some(*permission), "{name}");
    }
}

#[test]
fn a_staff_command_is_refused_until_someone_signs_in() {
    let data = common::data_dir();
    let desk = common::real_desk(data.path());
    let events: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());
    let emit = |name: &'static str, _: Value| events.lock().unwrap().push(name);
    let call = |name: &str, args: Value| dispatch(&desk, &emit, name, args, now());

    // Nobody signed in: refused with the sign-in message, nothing done (as
    // the E2E test sends it).
    let input = json!({"input": {"insurer_number": "06139996", "symbol": "1", "number": "2", "branch": "", "birth_date": "1986-04-12"}});
    for (name, args) in [(api::CheckEligibility::NAME, input.clone()), (api::TodaysChecks::NAME, json!({}))] {
        let err = call(name, args).unwrap_err();
        assert_eq!(err.message.id, "staff-refused-not-signed-in", "{name}");
    }
    assert!(desk.checks.checks_on(now().date()).unwrap().is_empty());
    // The commands the desk checks itself are let through to it, and it
    // refuses them too.
    for (name, args) in [(api::StaffList::NAME, json!({})), (api::AuditPage::NAME, json!({"query": {}}))] {
        let err = call(name, args).unwrap_err();
        assert!(err.message.id.starts_with("staff-refused"), "{name}: {err:?}");
    }
    // Open commands answer anyone.
    let status: api::desk::DeskStatus = serde_json::from_value(call(api::DeskStatus::NAME, json!({})).unwrap()).unwrap();
    assert_eq!(status, desk.context().status());
    assert_eq!(call(api::SignedIn::NAME, Value::Null).unwrap(), Value::Null);

    // Signed in (the keys the window sends: `staffId`), the same call passes.
    let pw = "sakura-no-hana-2026";
    desk.staff.create_first_administrator("admin", "管理 太郎", pw, now()).unwrap();
    desk.staff.sign_in("admin", pw, now()).unwrap();
    desk.staff.create_account("uketsuke", "受付 花子", Role::Receptionist, pw, now()).unwrap();
    desk.staff.sign_out(now());
    let err = call(api::SignIn::NAME, json!({"staff_id": "uketsuke", "password": pw})).unwrap_err();
    assert_eq!(err.message.id, "error-internal", "the snake_case key is not the wire's");
    let who: api::session::SignedIn =
        serde_json::from_value(call(api::SignIn::NAME, json!({"staffId": "uketsuke", "password": pw})).unwrap()).unwrap();
    assert_eq!(who.staff_id, "uketsuke");
    let list = call(api::TodaysChecks::NAME, json!({})).unwrap();
    let list: Vec<madoguchi_core::CheckSummary> = serde_json::from_value(list).unwrap();
    assert_eq!(list, desk.checks.checks_on(now().date()).unwrap());
    // The check itself now runs (and meets the unreachable service).
    let outcome = call(api::CheckEligibility::NAME, input);
    assert!(!matches!(&outcome, Err(e) if e.message.id.starts_with("staff-refused")), "{outcome:?}");

    // Signed out again: refused again.
    call(api::SignOut::NAME, json!({})).unwrap();
    let err = call(api::TodaysChecks::NAME, json!({})).unwrap_err();
    assert_eq!(err.message.id, "staff-refused-not-signed-in");
    assert!(events.lock().unwrap().is_empty());
}

#[test]
fn a_name_outside_the_contract_is_refused() {
    let data = common::data_dir();
    let desk = common::real_desk(data.path());
    let err = dispatch(&desk, &|_, _| {}, "drop_everything", json!({}), now()).unwrap_err();
    assert_eq!(err.message.id, "error-internal");
    assert!(!table().contains("drop_everything"));
}

#[test]
fn a_batch_run_through_the_dispatcher_tells_its_progress_as_the_contract_event() {
    let service = common::TrainingService::start(500, 11);
    let people = service.sample(3);
    let data = common::data_dir();
    let settings = madoguchi_app::settings::Settings {
        data_dir: data.path().to_path_buf(),
        service_url: Some(service.url.clone()),
        timeout_secs: 5,
        ..Default::default()
    };
    let desk = madoguchi_app::desk::Desk::open(settings).unwrap();
    desk.connect();
    let pw = "sakura-no-hana-2026";
    desk.staff.create_first_administrator("admin", "管理 太郎", pw, now()).unwrap();
    desk.staff.sign_in("admin", pw, now()).unwrap();
    desk.staff.create_account("uketsuke", "受付 花子", Role::Receptionist, pw, now()).unwrap();
    desk.staff.sign_out(now());
    desk.staff.sign_in("uketsuke", pw, now()).unwrap();

    let events: Mutex<Vec<(&'static str, Value)>> = Mutex::new(Vec::new());
    let emit = |name: &'static str, payload: Value| events.lock().unwrap().push((name, payload));
    let call = |name: &str, args: Value| dispatch(&desk, &emit, name, args, now());

    let today = now().date();
    let csv = common::appointment_csv(&people, today);
    let import = call(api::BatchImport::NAME, json!({"bytes": csv.as_bytes(), "name": "予約.csv"})).unwrap();
    let import: api::batch::BatchImport = serde_json::from_value(import).unwrap();
    assert_eq!(import.batch.total, 3, "{import:?}");
    let run: api::batch::BatchRun = serde_json::from_value(call(api::BatchRun::NAME, json!({"id": import.batch.id})).unwrap()).unwrap();
    assert_eq!(run.batch.done + run.batch.failed, 3);

    let events = events.lock().unwrap();
    assert!(!events.is_empty(), "no progress told");
    for (name, payload) in events.iter() {
        assert_eq!(*name, <api::BatchProgress as api::Event>::NAME);
        let p: api::batch::BatchProgress = serde_json::from_value(payload.clone()).unwrap();
        assert_eq!((p.batch_id, p.total), (import.batch.id, 3));
    }
}

#[test]
fn the_window_names_no_command_as_a_string_literal() {
    // It calls `tauri::invoke::<api::…>`: the name is the contract's.
    let ui = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/src");
    let mut files = vec![ui];
    let mut found = Vec::new();
    while let Some(p) = files.pop() {
        if p.is_dir() {
            files.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
        } else if p.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&p).unwrap();
            for name in api::ALL {
                if text.contains(&format!("\"{name}\"")) {
                    found.push(format!("{}: {name}", p.display()));
                }
            }
            assert!(!text.contains("Mirrors"), "{}: a hand-copied mirror type", p.display());
        }
    }
    assert!(found.is_empty(), "{found:?}");
}

/// 照会番号 from the window: `register_reference` through the dispatcher (the
/// wire's camelCase keys) registers the patient number with the training
/// terminal playing the OQS folder; the card's next tap carries it.
#[test]
fn the_window_registers_a_patient_number_for_a_card() {
    let data = common::data_dir();
    let oqs = data.path().join("OQS");
    std::fs::create_dir(&oqs).unwrap();
    let population = madoguchi_training::generate(&data.path().join("pop.sqlite"), 500, 5).unwrap();
    let _terminal = madoguchi_training::terminal::spawn(&oqs, population.clone()).unwrap();
    let p = population.sample_on(1, now().date()).unwrap().remove(0);
    let settings = madoguchi_app::settings::Settings {
        data_dir: data.path().to_path_buf(),
        oqs_dir: Some(oqs.clone()),
        facility_code: "1312345678".into(),
        ..Default::default()
    };
    let desk = madoguchi_app::desk::Desk::open(settings).unwrap();
    desk.connect();
    let pw = "sakura-no-hana-2026";
    desk.staff.create_first_administrator("admin", "管理 太郎", pw, now()).unwrap();
    desk.staff.sign_in("admin", pw, now()).unwrap();
    desk.staff.create_account("uketsuke", "受付 花子", Role::Receptionist, pw, now()).unwrap();
    desk.staff.sign_out(now());
    desk.staff.sign_in("uketsuke", pw, now()).unwrap();
    let call = |name: &str, args: Value| dispatch(&desk, &|_, _| {}, name, args, now());
    let input = json!({"insurer_number": p.insurer_number, "symbol": p.symbol, "number": p.number,
                       "branch": p.branch, "birth_date": p.birth_date.format("%Y-%m-%d").to_string()});

    let err = call(api::RegisterReference::NAME, json!({"input": input, "patientNumber": "№42"})).unwrap_err();
    assert_eq!(err.message.id, "reference-number-invalid");
    let number = call(api::RegisterReference::NAME, json!({"input": input, "patientNumber": "P0042"})).unwrap();
    assert_eq!(number, json!("P0042"));

    let key = format!("{}:{}:{}:{}", p.insurer_number, p.symbol, p.number, p.branch);
    let path = madoguchi_training::terminal::tap(&oqs, &population, Some(&key), &[], now()).unwrap();
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let madoguchi_adapters::oqs::OqsDocument::Eligibility(r) =
        madoguchi_adapters::oqs::parse_named(&name, &std::fs::read(&path).unwrap()).unwrap()
    else {
        panic!("not a tap")
    };
    assert_eq!(r.qualification.unwrap().reference_number.as_deref(), Some("P0042"));
    desk.shutdown();
}
