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
    assert!(desk.checks_on(now().date()).unwrap().is_empty());
    // Open commands answer anyone.
    let status: api::desk::DeskStatus = serde_json::from_value(call(api::DeskStatus::NAME, json!({})).unwrap()).unwrap();
    assert_eq!(status, desk.status());
    assert_eq!(call(api::SignedIn::NAME, Value::Null).unwrap(), Value::Null);

    // Signed in (the keys the window sends: `staffId`), the same call passes.
    let pw = "sakura-no-hana-2026";
    desk.create_first_administrator("admin", "管理 太郎", pw, now()).unwrap();
    desk.sign_in("admin", pw, now()).unwrap();
    desk.create_account("uketsuke", "受付 花子", Role::Receptionist, pw, now()).unwrap();
    desk.sign_out(now());
    let err = call(api::SignIn::NAME, json!({"staff_id": "uketsuke", "password": pw})).unwrap_err();
    assert_eq!(err.message.id, "error-internal", "the snake_case key is not the wire's");
    let who: api::session::SignedIn =
        serde_json::from_value(call(api::SignIn::NAME, json!({"staffId": "uketsuke", "password": pw})).unwrap()).unwrap();
    assert_eq!(who.staff_id, "uketsuke");
    let list = call(api::TodaysChecks::NAME, json!({})).unwrap();
    let list: Vec<madoguchi_core::CheckSummary> = serde_json::from_value(list).unwrap();
    assert_eq!(list, desk.checks_on(now().date()).unwrap());
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
