//! 災害時モード at the desk against the real training service (a child
//! process on 127.0.0.1): the window is declared with the service's own admin
//! command, the desk looks up online, offline during a local emergency, checks
//! roles, and logs every look-up.

mod common;

use std::process::Command;

use madoguchi_adapters::audit::AuditAction;
use madoguchi_app::desk::Desk;
use madoguchi_app::disaster::{LookupMode, LookupRoute};
use madoguchi_app::settings::Settings;
use madoguchi_core::matching::{DisasterQuery, MatchOutcome};
use madoguchi_core::staff::{Role, Session};
use madoguchi_core::validation::CardInput;
use serde_json::Value;

/// A valid person of the served population, with the fields the look-up needs.
struct Person {
    name: String,
    kana: String,
    birth: String,
    sex: &'static str,
    address: String,
    card: CardInput,
    key: String,
}

fn person(service: &common::TrainingService) -> Person {
    let out = Command::new(common::training_bin())
        .args(["list", "--sample", "1", "--json", "--people", &service.people.to_string(), "--seed", &service.seed.to_string(), "--db"])
        .arg(&service.db)
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_str(String::from_utf8(out.stdout).unwrap().lines().next().unwrap()).unwrap();
    let s = |k: &str| v[k].as_str().unwrap().to_string();
    Person {
        name: s("name"),
        kana: s("name_kana"),
        birth: s("birth_date"),
        sex: if v["sex"] == "male" { "男" } else { "女" },
        address: s("address"),
        key: format!("{}:{}:{}:{}", s("insurer_number"), s("symbol"), s("number"), s("branch")),
        card: CardInput {
            insurer_number: s("insurer_number"),
            symbol: s("symbol"),
            number: s("number"),
            branch: s("branch"),
            birth_date: s("birth_date"),
        },
    }
}

/// `madoguchi-training disaster …` on the running service's population file.
fn training_admin(service: &common::TrainingService, args: &[&str]) {
    let out = Command::new(common::training_bin())
        .args(args)
        .args(["--people", &service.people.to_string(), "--seed", &service.seed.to_string(), "--db"])
        .arg(&service.db)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

fn query(p: &Person, name: &str, hint: &str) -> DisasterQuery {
    DisasterQuery { name: name.into(), birth_date: p.birth.clone(), sex: p.sex.into(), hint: hint.into() }
}

fn desk_for(service: &common::TrainingService, data: &std::path::Path, facility: &str) -> std::sync::Arc<Desk> {
    let settings = Settings {
        data_dir: data.to_path_buf(),
        service_url: Some(service.url.clone()),
        facility_code: facility.into(),
        timeout_secs: 2,
        ..Settings::default()
    };
    let desk = Desk::open(settings).unwrap();
    desk.connect();
    desk
}

const PW: &str = "sakura-no-hana-2026";

fn now() -> chrono::NaiveDateTime {
    chrono::Local::now().naive_local()
}

fn disaster_entries(desk: &Desk) -> Vec<madoguchi_adapters::audit::AuditEntry> {
    desk.context().audit_entries().unwrap().into_iter().filter(|e| e.action == AuditAction::DisasterLookup).collect()
}

#[test]
fn online_lookup_answers_only_while_the_prefecture_has_a_window_and_is_logged() {
    let service = common::TrainingService::start(1_000, 31);
    let p = person(&service);
    let data = common::data_dir();
    let desk = desk_for(&service, data.path(), "1312345678");
    // An outside service, training or not, is a real one: a doctor signs in.
    desk.staff.sign_in_session(Session::new("dr1", "医師 一郎", Role::Qualified, now()), now());
    let part: String = p.address.chars().skip(3).take(4).collect();

    // No window yet: "disaster mode is not open here".
    let err = desk.disaster.lookup(&query(&p, &p.name, &part), LookupRoute::Auto, now()).unwrap_err();
    assert_eq!(err.message.id, "disaster-not-open");

    // Another prefecture's window does not open ours.
    training_admin(&service, &["disaster", "open", "--prefecture", "14", "--days", "1"]);
    let err = desk.disaster.lookup(&query(&p, &p.name, &part), LookupRoute::Auto, now()).unwrap_err();
    assert_eq!(err.message.id, "disaster-not-open");

    training_admin(&service, &["disaster", "open", "--prefecture", "13", "--days", "1"]);
    let l = desk.disaster.lookup(&query(&p, &p.kana, &part), LookupRoute::Auto, now()).unwrap();
    assert_eq!(l.mode, LookupMode::Online);
    match &l.outcome {
        MatchOutcome::Found { key, .. } => assert_eq!(key, &p.key),
        other => panic!("expected found, got {other:?}"),
    }
    assert_eq!(l.result.as_ref().unwrap().person.as_ref().unwrap().name, p.name);
    assert_eq!(l.message.id, "matching-found");

    // A missing field: refused before any search, and logged as refused.
    let l = desk.disaster.lookup(&query(&p, &p.name, ""), LookupRoute::Auto, now()).unwrap();
    assert!(matches!(l.outcome, MatchOutcome::Refused { .. }));
    assert!(l.result.is_none());

    training_admin(&service, &["disaster", "close", "--prefecture", "13"]);
    let err = desk.disaster.lookup(&query(&p, &p.name, &part), LookupRoute::Auto, now()).unwrap_err();
    assert_eq!(err.message.id, "disaster-not-open");

    // Every look-up is in the audit log: who, role, the fields, the outcome, online.
    let entries = disaster_entries(&desk);
    let outcomes: Vec<&str> = entries.iter().map(|e| e.outcome.as_str()).collect();
    assert_eq!(outcomes, ["not_open", "not_open", "found", "refused", "not_open"]);
    let found = &entries[2];
    assert_eq!(found.staff_id, "dr1");
    assert_eq!(found.role, Some(Role::Qualified));
    assert_eq!(found.patient_key.as_deref(), Some(p.key.as_str()));
    let detail: Value = serde_json::from_str(found.detail.as_deref().unwrap()).unwrap();
    assert_eq!(detail["mode"], "online");
    assert_eq!(detail["query"]["name"], p.kana.as_str());
    assert_eq!(detail["query"]["hint"], part.as_str());
    assert!(desk.context().audit_verify().is_ok());
}

#[test]
fn a_receptionist_is_refused_a_disaster_lookup_and_a_medical_view() {
    let service = common::TrainingService::start(1_000, 32);
    training_admin(&service, &["disaster", "open", "--prefecture", "13"]);
    let p = person(&service);
    let data = common::data_dir();
    let desk = desk_for(&service, data.path(), "1312345678");
    let checked = desk.checks.check(&p.card, now()).unwrap();
    desk.staff.sign_in_session(Session::new("uketsuke1", "受付 花子", Role::Receptionist, now()), now());

    let err = desk.disaster.lookup(&query(&p, &p.name, &p.address), LookupRoute::Auto, now()).unwrap_err();
    assert_eq!(err.message.id, "staff-refused");
    assert!(err.message.args.contains(&("role".to_string(), "receptionist".to_string())));
    let err = desk
        .medical.view(checked.check_id.unwrap(), madoguchi_core::ConsentCategory::Medication, now())
        .unwrap_err();
    assert_eq!(err.message.id, "staff-refused");
    // Both refusals are logged in the receptionist's name.
    let denied: Vec<_> = desk.context().audit_entries().unwrap().into_iter().filter(|e| e.outcome == "denied").collect();
    assert_eq!(denied.len(), 2);
    assert!(denied.iter().all(|e| e.staff_id == "uketsuke1" && e.role == Some(Role::Receptionist)));

    // The qualified role may.
    desk.staff.sign_out(now());
    desk.staff.sign_in_session(Session::new("dr1", "医師 一郎", Role::Qualified, now()), now());
    let l = desk.disaster.lookup(&query(&p, &p.name, &p.address), LookupRoute::Auto, now()).unwrap();
    assert!(matches!(l.outcome, MatchOutcome::Found { .. }), "{:?}", l.outcome);

    // An idle session locks: refused, and the lock is logged.
    let later = now() + chrono::Duration::minutes(11);
    let err = desk.disaster.lookup(&query(&p, &p.name, &p.address), LookupRoute::Auto, later).unwrap_err();
    assert_eq!(err.message.id, "staff-refused-locked");
    assert!(desk.context().audit_entries().unwrap().iter().any(|e| e.action == AuditAction::SessionLocked && e.staff_id == "dr1"));
}

#[test]
fn offline_lookup_needs_an_unreachable_service_and_a_declared_local_emergency() {
    let service = common::TrainingService::start(1_000, 33);
    let p = person(&service);
    let data = common::data_dir();
    let desk = desk_for(&service, data.path(), "1312345678");
    // The desk has seen this patient before (the cache).
    desk.checks.check(&p.card, now()).unwrap();
    desk.staff.sign_in_session(Session::new("dr1", "医師 一郎", Role::Qualified, now()), now());

    // While the service answers, the offline route is refused.
    let err = desk.disaster.lookup(&query(&p, &p.name, &p.address), LookupRoute::Offline, now()).unwrap_err();
    assert_eq!(err.message.id, "disaster-offline-while-online");

    drop(service);
    // Unreachable, but no local emergency yet.
    let err = desk.disaster.lookup(&query(&p, &p.name, &p.address), LookupRoute::Auto, now()).unwrap_err();
    assert_eq!(err.message.id, "disaster-offline-needs-emergency");
    assert!(desk.disaster.local_emergency().unwrap().is_none());

    // Only an administrator declares: the doctor is refused (and logged).
    assert_eq!(desk.disaster.declare_local_emergency("回線断", now()).unwrap_err().message.id, "staff-refused");
    desk.staff.sign_out(now());
    desk.staff.sign_in_session(Session::new("admin1", "管理 太郎", Role::Administrator, now()), now());
    // A reason is required; then the declaration is logged and in force.
    assert_eq!(desk.disaster.declare_local_emergency("  ", now()).unwrap_err().message.id, "disaster-emergency-reason-missing");
    let e = desk.disaster.declare_local_emergency("回線断", now()).unwrap();
    assert_eq!(e.declared_by, "admin1");
    assert!(desk.disaster.local_emergency().unwrap().is_some());
    desk.staff.sign_out(now());
    desk.staff.sign_in_session(Session::new("dr1", "医師 一郎", Role::Qualified, now()), now());
    // A refused attempt to end it (logged as denied) leaves it in force.
    assert_eq!(desk.disaster.end_local_emergency(now()).unwrap_err().message.id, "staff-refused");
    assert!(desk.disaster.local_emergency().unwrap().is_some());

    let part: String = p.address.chars().skip(3).take(4).collect();
    let l = desk.disaster.lookup(&query(&p, &p.kana, &part), LookupRoute::Auto, now()).unwrap();
    assert_eq!(l.mode, LookupMode::Offline);
    match &l.outcome {
        MatchOutcome::Found { key, .. } => assert_eq!(key, &p.key),
        other => panic!("expected found, got {other:?}"),
    }
    assert!(l.as_of.is_some(), "offline answers say when they were confirmed");
    // A one-day birth-date error is not the same person, offline too.
    let mut wrong = query(&p, &p.name, &part);
    let d = chrono::NaiveDate::parse_from_str(&p.birth, "%Y-%m-%d").unwrap() + chrono::Days::new(1);
    wrong.birth_date = d.to_string();
    let l = desk.disaster.lookup(&wrong, LookupRoute::Offline, now()).unwrap();
    assert!(matches!(l.outcome, MatchOutcome::NotFound { .. }), "{:?}", l.outcome);

    desk.staff.sign_out(now());
    desk.staff.sign_in_session(Session::new("admin1", "管理 太郎", Role::Administrator, now()), now());
    assert!(desk.disaster.end_local_emergency(now()).unwrap());
    desk.staff.sign_out(now());
    desk.staff.sign_in_session(Session::new("dr1", "医師 一郎", Role::Qualified, now()), now());
    let err = desk.disaster.lookup(&query(&p, &p.name, &part), LookupRoute::Auto, now()).unwrap_err();
    assert_eq!(err.message.id, "disaster-offline-needs-emergency");

    let entries = disaster_entries(&desk);
    let logged: Vec<(&str, Option<String>)> = entries
        .iter()
        .map(|e| {
            let d: Value = serde_json::from_str(e.detail.as_deref().unwrap()).unwrap();
            (e.outcome.as_str(), d["mode"].as_str().map(str::to_string))
        })
        .collect();
    assert_eq!(
        logged,
        [
            ("refused_online", Some("offline".into())),
            ("no_local_emergency", Some("offline".into())),
            ("found", Some("offline".into())),
            ("not_found", Some("offline".into())),
            ("no_local_emergency", Some("offline".into())),
        ]
    );
    let emergencies: Vec<_> = desk
        .context().audit_entries()
        .unwrap()
        .into_iter()
        .filter(|e| e.action == AuditAction::LocalEmergency)
        .map(|e| (e.outcome, e.staff_id))
        .collect();
    assert_eq!(
        emergencies,
        [
            ("denied".to_string(), "dr1".to_string()),
            ("declared".to_string(), "admin1".to_string()),
            ("denied".to_string(), "dr1".to_string()),
            ("ended".to_string(), "admin1".to_string())
        ]
    );
}

#[test]
fn the_command_line_prints_one_json_object() {
    let service = common::TrainingService::start(1_000, 34);
    training_admin(&service, &["disaster", "open", "--prefecture", "13", "--days", "2"]);
    let p = person(&service);
    let data = common::data_dir();
    {
        // An outside service is a real one, training or not: a doctor's
        // account signs in (`--staff`), made at the desk by the administrator.
        let settings = Settings { data_dir: data.path().to_path_buf(), service_url: Some(service.url.clone()), ..Settings::default() };
        let desk = Desk::open(settings).unwrap();
        desk.staff.create_first_administrator("admin", "管理 太郎", PW, now()).unwrap();
        desk.staff.sign_in("admin", PW, now()).unwrap();
        desk.staff.create_account("dr", "医師 一郎", Role::Qualified, PW, now()).unwrap();
    }
    let run = |name: &str, hint: &str| {
        let mut c = Command::new(common::madoguchi_bin());
        c.args(["disaster", "lookup", "--staff", "dr", "--service", &service.url, "--name", name, "--birth", &p.birth, "--sex", p.sex, "--hint", hint]);
        c.env("MADOGUCHI_DATA_DIR", data.path())
            .env("MADOGUCHI_SETTINGS", data.path().join("none.json"))
            .env("MADOGUCHI_FACILITY_CODE", "1312345678")
            .env("MADOGUCHI_STAFF_PASSWORD", PW)
            .env_remove("MADOGUCHI_SERVICE_URL")
            .env_remove("MADOGUCHI_LANG")
            .output()
            .expect("madoguchi runs")
    };
    let out = run(&p.name, &p.address);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["outcome"], "found");
    assert_eq!(v["candidates"], 1);
    assert_eq!(v["person"]["name"], p.name.as_str());
    assert!(v["matched"].as_array().unwrap().len() >= 4);

    // A missing field: outcome refused, exit 2, nothing searched.
    let out = run(&p.name, "");
    assert_eq!(out.status.code(), Some(2));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["outcome"], "refused");
    assert!(v.get("person").is_none());
    assert!(v["problems"][0].as_str().unwrap().contains("保険者名または住所"));

    // Closed: a clear message, exit 3.
    training_admin(&service, &["disaster", "close", "--prefecture", "13"]);
    let out = run(&p.name, &p.address);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("災害時モードが開始されていません"));
}

#[test]
fn the_command_line_looks_up_offline_for_a_signed_in_doctor_during_a_local_emergency() {
    let service = common::TrainingService::start(1_000, 35);
    let p = person(&service);
    let data = common::data_dir();
    {
        // The accounts, as the administrator makes them at the desk.
        let settings = Settings { data_dir: data.path().to_path_buf(), service_url: Some(service.url.clone()), ..Settings::default() };
        let desk = Desk::open(settings).unwrap();
        desk.staff.create_first_administrator("admin", "管理 太郎", PW, now()).unwrap();
        desk.staff.sign_in("admin", PW, now()).unwrap();
        desk.staff.create_account("dr", "医師 一郎", Role::Qualified, PW, now()).unwrap();
    }
    let url = service.url.clone();
    let run = |args: &[&str]| {
        Command::new(common::madoguchi_bin())
            .args(args)
            .env("MADOGUCHI_DATA_DIR", data.path())
            .env("MADOGUCHI_SETTINGS", data.path().join("none.json"))
            .env("MADOGUCHI_FACILITY_CODE", "1312345678")
            .env("MADOGUCHI_SERVICE_URL", &url)
            .env("MADOGUCHI_STAFF_PASSWORD", PW)
            .env_remove("MADOGUCHI_LANG")
            .output()
            .unwrap()
    };
    // The patient was checked at this desk before (the cache).
    let c = &p.card;
    let out = run(&["check", "--insurer", &c.insurer_number, "--symbol", &c.symbol, "--number", &c.number, "--branch", &c.branch, "--birth", &c.birth_date]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let service = service.stop();
    let part: String = p.address.chars().skip(3).take(4).collect();
    let lookup = |staff: Option<&str>| {
        let mut args = vec!["disaster", "lookup", "--offline", "--name", &p.name, "--birth", &p.birth, "--sex", p.sex, "--hint", &part];
        if let Some(s) = staff {
            args.extend(["--staff", s]);
        }
        run(&args)
    };
    // Not in training mode now (the service is gone): nobody is signed in.
    let out = lookup(None);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("ログインしてください"), "{}", String::from_utf8_lossy(&out.stderr));
    // Signed in, but no local emergency yet.
    let out = lookup(Some("dr"));
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("緊急事態"));

    // A doctor may not declare the local emergency; the administrator does.
    let out = run(&["disaster", "declare", "--staff", "dr", "--reason", "回線断"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("緊急時運用への切り替え"), "{}", String::from_utf8_lossy(&out.stderr));
    let out = run(&["disaster", "declare", "--staff", "admin", "--reason", "回線断"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = lookup(Some("dr"));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["outcome"], "found");
    assert_eq!(v["mode"], "offline");
    assert_eq!(v["key"], p.key.as_str());
    assert!(v["as_of"].is_string());
    drop(service);
}

/// The people of a small population, every one, as `madoguchi-training list` gives them.
fn everybody(service: &common::TrainingService) -> Vec<Value> {
    let out = Command::new(common::training_bin())
        .args(["list", "--json", "--sample", &service.people.to_string(), "--people", &service.people.to_string(), "--seed", &service.seed.to_string(), "--db"])
        .arg(&service.db)
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// The queries staff would try for one person, each with whether it must find
/// them: the ways issue 15 found wanting (kana and kanji mixed, an invisible
/// character, ー for a hyphen, 国保/共済/後期 said as people say them, a
/// building by its name) and near-misses (another 丁目, the room's first digit
/// as a 丁目, a day off, the other sex) — each as (name, birth, sex, hint).
fn queries_for(p: &Value) -> Vec<([String; 4], bool)> {
    let s = |k: &str| p[k].as_str().unwrap().to_string();
    let (name, kana, birth, address, insurer) = (s("name"), s("name_kana"), s("birth_date"), s("address"), s("insurer_name"));
    let sex = if p["sex"] == "male" { "男" } else { "女" }.to_string();
    let other_sex = if p["sex"] == "male" { "女" } else { "男" }.to_string();
    let (family, given) = name.split_once('　').unwrap();
    let (_, given_kana) = kana.split_once('　').unwrap();
    let next_day = (birth.parse::<chrono::NaiveDate>().unwrap() + chrono::Days::new(1)).to_string();
    // The town and its first number (丁目 or 番地), from the address as stored.
    let chars: Vec<char> = address.chars().collect();
    let first_number = chars.iter().position(|c| c.is_ascii_digit() || "一二三四五六七八九".contains(*c)).unwrap();
    let town: String = chars[first_number - 2..first_number].iter().collect();
    let digit = |c: char| "0123456789".find(c).or_else(|| "〇一二三四五六七八九".chars().position(|k| k == c)).unwrap() as u32;
    // The whole number (22 of 22番地, 3 of 三丁目), not its first digit.
    let n = chars[first_number..]
        .iter()
        .take_while(|c| c.is_ascii_digit() || "〇一二三四五六七八九".contains(**c))
        .fold(0, |acc, c| acc * 10 + digit(*c));
    let q = |name: &str, birth: &str, sex: &str, hint: &str| [name.to_string(), birth.to_string(), sex.to_string(), hint.to_string()];
    let mut v = vec![
        (q(&name, &birth, &sex, &address), true),
        (q(&format!("{family} {given_kana}"), &birth, &sex, &town), true),
        (q(&format!("{family}\u{200B}{given}"), &birth, &sex, &insurer), true),
        (q(&name, &birth, &sex, &format!("{town}{n}ー")), true),
        (q(&name, &birth, &sex, &format!("{town}{}ー", n + 1)), false),
        (q(&name, &next_day, &sex, &address), false),
        (q(&name, &birth, &other_sex, &address), false),
    ];
    if p["insurer_number"].as_str().unwrap().len() == 6 {
        // A 国保 stored by the city's name.
        v.push((q(&name, &birth, &sex, &format!("{insurer}国保")), true));
        v.push((q(&name, &birth, &sex, &format!("{insurer}国民健康保険")), true));
    }
    if let Some(own) = insurer.split("共済組合").next().filter(|_| insurer.contains("共済組合")) {
        v.push((q(&name, &birth, &sex, &format!("{own}共済")), true));
    }
    if let Some(pref) = insurer.strip_suffix("後期高齢者医療広域連合") {
        v.push((q(&name, &birth, &sex, &format!("{pref}後期")), true));
    }
    if let Some((_, building)) = address.split_once('　') {
        let name_only: String = building.chars().filter(|c| !c.is_ascii_digit()).collect();
        let room_digit = building.chars().find(|c| c.is_ascii_digit()).map(digit).unwrap();
        v.push((q(&name, &birth, &sex, &name_only), true));
        if room_digit != n {
            v.push((q(&name, &birth, &sex, &format!("{town}{room_digit}丁目")), false));
        }
    }
    v
}

#[test]
fn staff_made_on_the_command_line_look_up_offline_with_the_same_outcomes_as_online() {
    let service = common::TrainingService::start(40, 7);
    training_admin(&service, &["disaster", "open", "--prefecture", "13", "--days", "2"]);
    let people = everybody(&service);
    assert_eq!(people.len(), 40);
    let data = common::data_dir();
    let url = service.url.clone();
    let run = |args: &[&str], envs: &[(&str, &str)]| {
        let mut c = Command::new(common::madoguchi_bin());
        c.args(args)
            .env("MADOGUCHI_DATA_DIR", data.path())
            .env("MADOGUCHI_SETTINGS", data.path().join("none.json"))
            .env("MADOGUCHI_FACILITY_CODE", "1312345678")
            .env("MADOGUCHI_SERVICE_URL", &url)
            .env_remove("MADOGUCHI_LANG")
            .env_remove("MADOGUCHI_STAFF_PASSWORD")
            .env_remove("MADOGUCHI_NEW_STAFF_PASSWORD");
        for (k, v) in envs {
            c.env(k, v);
        }
        c.output().unwrap()
    };
    let ok = |out: &std::process::Output| assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));

    // The accounts, made on the command line: the administrator, then a doctor.
    ok(&run(&["staff", "init", "--id", "admin", "--name", "管理 太郎"], &[("MADOGUCHI_NEW_STAFF_PASSWORD", PW)]));
    let again = run(&["staff", "init", "--id", "admin2", "--name", "管理 次郎"], &[("MADOGUCHI_NEW_STAFF_PASSWORD", PW)]);
    assert_eq!(again.status.code(), Some(2), "a second first administrator is refused");
    let weak = run(&["staff", "add", "--staff", "admin", "--id", "dr", "--name", "医師 一郎", "--role", "qualified"], &[("MADOGUCHI_STAFF_PASSWORD", PW), ("MADOGUCHI_NEW_STAFF_PASSWORD", "abc")]);
    assert_eq!(weak.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&weak.stderr).contains("パスワード"), "{}", String::from_utf8_lossy(&weak.stderr));
    let role = run(&["staff", "add", "--staff", "admin", "--id", "dr", "--name", "医師 一郎", "--role", "doctor"], &[("MADOGUCHI_STAFF_PASSWORD", PW), ("MADOGUCHI_NEW_STAFF_PASSWORD", PW)]);
    assert_eq!(role.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&role.stderr).contains("qualified"));
    let added = run(&["staff", "add", "--staff", "admin", "--id", "dr", "--name", "医師 一郎", "--role", "qualified"], &[("MADOGUCHI_STAFF_PASSWORD", PW), ("MADOGUCHI_NEW_STAFF_PASSWORD", PW)]);
    ok(&added);
    assert!(String::from_utf8_lossy(&added.stdout).contains("dr"));
    // Only an administrator adds accounts.
    let by_doctor = run(&["staff", "add", "--staff", "dr", "--id", "rx", "--name", "受付 花子", "--role", "receptionist"], &[("MADOGUCHI_STAFF_PASSWORD", PW), ("MADOGUCHI_NEW_STAFF_PASSWORD", PW)]);
    assert_eq!(by_doctor.status.code(), Some(2));

    // Everybody was checked at this desk before (the local cache).
    for p in &people {
        let s = |k: &str| p[k].as_str().unwrap().to_string();
        let out = run(&["check", "--insurer", &s("insurer_number"), "--symbol", &s("symbol"), "--number", &s("number"), "--branch", &s("branch"), "--birth", &s("birth_date")], &[]);
        assert!(out.status.code().is_some(), "{}", String::from_utf8_lossy(&out.stderr));
    }

    let lookup = |q: &[String; 4], offline: bool| -> (String, String) {
        let mut args = vec!["disaster", "lookup", "--staff", "dr", "--name", &q[0], "--birth", &q[1], "--sex", &q[2], "--hint", &q[3]];
        if offline {
            args.push("--offline");
        }
        let out = run(&args, &[("MADOGUCHI_STAFF_PASSWORD", PW)]);
        assert!(out.status.code() == Some(0) || out.status.code() == Some(2), "{q:?}: {}", String::from_utf8_lossy(&out.stderr));
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["mode"], if offline { "offline" } else { "online" }, "{q:?}");
        (v["outcome"].as_str().unwrap().to_string(), v["key"].as_str().unwrap_or("").to_string())
    };
    // One valid person of each kind of insurer and one living in a building
    // whose room starts with another digit than the 丁目.
    let valid = || people.iter().filter(|p| p["expected_validity"] == "valid");
    let number = |p: &&Value| p["insurer_number"].as_str().unwrap().to_string();
    let chosen: Vec<&Value> = [
        valid().find(|p| number(p).len() == 6),
        valid().find(|p| number(p).starts_with("01")),
        valid().find(|p| number(p).starts_with("39")),
        valid().find(|p| p["insurer_name"].as_str().unwrap().contains("共済組合")),
        valid().find(|p| p["address"].as_str().unwrap().contains('　')),
    ]
    .into_iter()
    .map(|p| p.expect("the population of 40 (seed 7) has one of each"))
    .collect();
    let asked: Vec<(String, [String; 4], bool)> = chosen
        .iter()
        .flat_map(|p| {
            let own = format!("{}:{}:{}:{}", p["insurer_number"].as_str().unwrap(), p["symbol"].as_str().unwrap(), p["number"].as_str().unwrap(), p["branch"].as_str().unwrap());
            queries_for(p).into_iter().map(move |(q, finds)| (own.clone(), q, finds))
        })
        .collect();
    assert!(asked.len() >= 40, "{}", asked.len());
    let online: Vec<(String, String)> = asked.iter().map(|(_, q, _)| lookup(q, false)).collect();
    for ((own, q, finds), (outcome, key)) in asked.iter().zip(&online) {
        if *finds {
            assert!(outcome == "found" && key == own || outcome == "ambiguous", "{q:?} gave {outcome} {key}");
        } else {
            assert_ne!(key, own, "a near-miss found the person online: {q:?}");
        }
    }

    // The service stops; the administrator declares the local emergency.
    let service = service.stop();
    ok(&run(&["disaster", "declare", "--staff", "admin", "--reason", "回線断"], &[("MADOGUCHI_STAFF_PASSWORD", PW)]));
    let offline: Vec<(String, String)> = asked.iter().map(|(_, q, _)| lookup(q, true)).collect();
    for (((_, q, _), on), off) in asked.iter().zip(&online).zip(&offline) {
        assert_eq!(on, off, "online and offline disagree for {q:?}");
    }
    drop(service);
}
