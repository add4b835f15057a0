//! Staff sign-in outside training mode: the first administrator, accounts,
//! sign-in with a password, and the backend's role checks at the desk level.
//! The desk points at a loopback port where nothing listens, so it is not in
//! training mode (no trainee is signed in automatically).

mod common;

use madoguchi_adapters::audit::AuditAction;
use madoguchi_app::desk::Desk;
use madoguchi_app::disaster::LookupRoute;
use madoguchi_app::settings::Settings;
use madoguchi_core::matching::DisasterQuery;
use madoguchi_core::staff::Role;

fn now() -> chrono::NaiveDateTime {
    chrono::Local::now().naive_local()
}

fn query() -> DisasterQuery {
    DisasterQuery {
        name: "山田太郎".into(),
        birth_date: "S61.4.12".into(),
        sex: "男".into(),
        hint: "中野区".into(),
    }
}

#[test]
fn outside_training_mode_staff_sign_in_and_roles_decide() {
    let data = common::data_dir();
    let desk = common::real_desk(data.path());

    // Nobody is signed in: refused with a message, before anything else.
    assert!(desk.context().signed_in(now()).is_none());
    let err = desk.disaster.lookup(&query(), LookupRoute::Auto, now()).unwrap_err();
    assert_eq!(err.message.id, "staff-refused-not-signed-in");

    // First start: the administrator is created once.
    assert!(desk.staff.needs_first_setup().unwrap());
    let pw = "sakura-no-hana-2026";
    desk.staff.create_first_administrator("admin", "管理 太郎", pw, now()).unwrap();
    assert!(!desk.staff.needs_first_setup().unwrap());
    let again = desk.staff.create_first_administrator("admin2", "管理 次郎", pw, now()).unwrap_err();
    assert_eq!(again.message.id, "staff-first-setup-done");

    // A wrong password is refused and logged.
    let wrong = desk.staff.sign_in("admin", "not-the-password", now()).unwrap_err();
    assert_eq!(wrong.message.id, "staff-login-wrong");
    let who = desk.staff.sign_in("admin", pw, now()).unwrap();
    assert_eq!(who.role, Role::Administrator);
    assert_eq!(desk.context().signed_in(now()).unwrap().staff_id, "admin");

    // The administrator manages staff but may not look patients up.
    desk.staff.create_account("uketsuke", "受付 花子", Role::Receptionist, pw, now()).unwrap();
    desk.staff.create_account("dr", "医師 一郎", Role::Qualified, pw, now()).unwrap();
    let err = desk.disaster.lookup(&query(), LookupRoute::Auto, now()).unwrap_err();
    assert_eq!(err.message.id, "staff-refused");

    // A receptionist may not look up, nor create accounts.
    desk.staff.sign_out(now());
    desk.staff.sign_in("uketsuke", pw, now()).unwrap();
    let err = desk.disaster.lookup(&query(), LookupRoute::Auto, now()).unwrap_err();
    assert_eq!(err.message.id, "staff-refused");
    let err = desk.staff.create_account("x", "x", Role::Administrator, pw, now()).unwrap_err();
    assert_eq!(err.message.id, "staff-refused");

    // The qualified role passes the role check; the look-up then meets the
    // unreachable service without a local emergency.
    desk.staff.sign_out(now());
    desk.staff.sign_in("dr", pw, now()).unwrap();
    let err = desk.disaster.lookup(&query(), LookupRoute::Auto, now()).unwrap_err();
    assert_eq!(err.message.id, "disaster-offline-needs-emergency");

    // All of it is in the audit log, in the right names.
    let log = desk.context().audit_entries().unwrap();
    let count = |a: AuditAction| log.iter().filter(|e| e.action == a).count();
    assert_eq!(count(AuditAction::LoginFailed), 1);
    assert_eq!(count(AuditAction::Login), 3);
    assert_eq!(count(AuditAction::Logout), 2);
    assert_eq!(count(AuditAction::StaffChange), 3 + 1, "setup, two accounts, one refusal");
    let denied: Vec<_> = log
        .iter()
        .filter(|e| e.outcome == "denied")
        .map(|e| (e.staff_id.as_str(), e.action.code()))
        .collect();
    assert_eq!(
        denied,
        [
            ("admin", "disaster_lookup"),
            ("uketsuke", "disaster_lookup"),
            ("uketsuke", "staff_change")
        ]
    );
    assert!(desk.context().audit_verify().is_ok());
}

/// A new desk starts in training mode with the trainee signed in; switching
/// its settings to the clinic's own service is how it leaves training mode.
/// The change is logged with what changed, and the trainee's qualified role
/// does not follow the desk into real operation: nobody is signed in then.
#[test]
fn leaving_training_mode_signs_the_trainee_out_and_the_change_is_logged() {
    let data = common::data_dir();
    // No service configured: the embedded training service.
    let settings = Settings {
        data_dir: data.path().to_path_buf(),
        timeout_secs: 1,
        training_people: 200,
        training_seed: 3,
        file: Some(data.path().join("settings.json")),
        ..Settings::default()
    };
    let desk = Desk::open(settings).unwrap();
    desk.connect();
    assert!(desk.context().status().training);
    assert!(desk.context().signed_in(now()).unwrap().trainee);

    let mut real = desk.context().settings();
    real.service_url = Some("http://127.0.0.1:9".into());
    real.facility_code = "1312345678".into();
    let status = desk.change_settings(real, now()).unwrap();
    assert!(!status.training, "the clinic's service is not a training service");
    let saved = std::fs::read_to_string(data.path().join("settings.json")).unwrap();
    assert!(saved.contains("http://127.0.0.1:9"), "kept for the next start: {saved}");
    assert!(desk.context().signed_in(now()).is_none(), "the trainee is signed out with training mode");
    let err = desk.disaster.lookup(&query(), LookupRoute::Auto, now()).unwrap_err();
    assert_eq!(err.message.id, "staff-refused-not-signed-in");
    // Changing the settings again needs an administrator now.
    let err = desk.change_settings(desk.context().settings(), now()).unwrap_err();
    assert_eq!(err.message.id, "staff-refused-not-signed-in");

    let log = desk.context().audit_entries().unwrap();
    let change = log.iter().find(|e| e.action == AuditAction::SettingChange).expect("the change is logged");
    assert_eq!((change.staff_id.as_str(), change.outcome.as_str()), ("trainee", "ok"));
    let detail: serde_json::Value = serde_json::from_str(change.detail.as_deref().unwrap()).unwrap();
    assert_eq!(detail["service_url"]["from"], serde_json::Value::Null, "{detail}");
    assert_eq!(detail["service_url"]["to"], "http://127.0.0.1:9");
    assert_eq!(detail["facility_code"]["to"], "1312345678");
    assert!(detail.get("timeout_secs").is_none(), "only what changed: {detail}");
    assert!(
        log.iter().any(|e| e.action == AuditAction::Logout && e.staff_id == "trainee" && e.outcome == "training_ended"),
        "the trainee's sign-out is logged"
    );
    assert!(desk.context().audit_verify().is_ok());
}

/// Outside training mode only an administrator changes the settings; a
/// receptionist's attempt is refused, changes nothing and is logged.
#[test]
fn only_an_administrator_changes_the_settings_of_a_real_desk() {
    let data = common::data_dir();
    let desk = common::real_desk(data.path());
    let pw = "sakura-no-hana-2026";
    desk.staff.create_first_administrator("admin", "管理 太郎", pw, now()).unwrap();
    desk.staff.sign_in("admin", pw, now()).unwrap();
    desk.staff.create_account("uketsuke", "受付 花子", Role::Receptionist, pw, now()).unwrap();
    desk.staff.sign_out(now());

    desk.staff.sign_in("uketsuke", pw, now()).unwrap();
    let mut slower = desk.context().settings();
    slower.timeout_secs = 30;
    let err = desk.change_settings(slower.clone(), now()).unwrap_err();
    assert_eq!(err.message.id, "staff-refused");
    assert_eq!(desk.context().settings().timeout_secs, 1, "nothing changed");

    desk.staff.sign_out(now());
    desk.staff.sign_in("admin", pw, now()).unwrap();
    desk.change_settings(slower, now()).unwrap();
    assert_eq!(desk.context().settings().timeout_secs, 30);

    let log = desk.context().audit_entries().unwrap();
    let changes: Vec<_> = log
        .iter()
        .filter(|e| e.action == AuditAction::SettingChange)
        .map(|e| (e.staff_id.as_str(), e.outcome.as_str()))
        .collect();
    assert_eq!(changes, [("uketsuke", "denied"), ("admin", "ok")]);
}
