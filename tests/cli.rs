//! `madoguchi check …`: the desk without a window, as a script would use it.

mod common;

use std::process::{Command, Output};

fn madoguchi(data: &std::path::Path, args: &[&str]) -> Output {
    Command::new(common::madoguchi_bin())
        .args(args)
        .env("MADOGUCHI_DATA_DIR", data)
        .env("MADOGUCHI_SETTINGS", data.join("none.json"))
        .env_remove("MADOGUCHI_SERVICE_URL")
        .env_remove("MADOGUCHI_LANG")
        .output()
        .expect("madoguchi runs")
}

fn card_args(p: &common::Sample) -> Vec<String> {
    vec![
        "--insurer".into(),
        p.insurer_number.clone(),
        "--symbol".into(),
        p.symbol.clone(),
        "--number".into(),
        p.number.clone(),
        "--branch".into(),
        p.branch.clone(),
        "--birth".into(),
        p.birth_date.clone(),
    ]
}

#[test]
fn check_prints_the_result_as_json() {
    let service = common::TrainingService::start(1_000, 11);
    let data = common::data_dir();
    let p = service.sample(3).into_iter().find(|p| p.expected_validity == "valid").unwrap();
    let mut args = vec!["check".to_string(), "--service".into(), service.url.clone()];
    args.extend(card_args(&p));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = madoguchi(data.path(), &args);
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["validity"], "valid");
    assert_eq!(json["person"]["name"], p.name.as_str());
    assert_eq!(json["qualification"]["insurer_number"], p.insurer_number.as_str());
    assert_eq!(json["source"], "training_service");
    // The check is in the desk's local store, like a check made in the window.
    let (person_key, name, validity): (String, Option<String>, String) = common::desk_db(data.path())
        .query_row("SELECT person_key, name, validity FROM checks", [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("one check in the desk's store");
    assert_eq!(person_key, format!("{}:{}:{}:{}", p.insurer_number, p.symbol, p.number, p.branch));
    assert_eq!(name.as_deref(), Some(p.name.as_str()));
    assert_eq!(madoguchi_core::codes::Validity::from_code(&validity), Some(madoguchi_core::codes::Validity::Valid), "{validity}");
}

#[test]
fn a_check_digit_typo_is_refused_before_any_request() {
    let data = common::data_dir();
    // The service refuses every connection: if a request were made, the
    // answer would be "unreachable" (exit 3), not the input message (exit 2).
    let refused = common::refused_url();
    let out = madoguchi(
        data.path(),
        &["check", "--service", &refused, "--insurer", "33120016", "--number", "1", "--birth", "S61.4.12"],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("8桁目"), "{err}");
    assert!(err.contains("検証番号"), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn every_field_problem_is_reported_at_once_in_english_too() {
    let data = common::data_dir();
    let refused = common::refused_url();
    let out = madoguchi(
        data.path(),
        &["--lang", "en", "check", "--service", &refused, "--insurer", "12", "--number", "", "--birth", "昭和65年1月1日"],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Insurer number"), "{err}");
    assert!(err.contains("Number"), "{err}");
    assert!(err.contains("Date of birth"), "{err}");
}

#[test]
fn an_unreachable_service_is_said_plainly() {
    let data = common::data_dir();
    let refused = common::RefusedPort::hold();
    let url = refused.url();
    let out = madoguchi(
        data.path(),
        &["check", "--service", &url, "--insurer", "33120015", "--number", "1", "--birth", "1986-04-12"],
    );
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("接続できません"), "{err}");
    assert!(err.contains(&url), "{err}");
}

fn fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures").join(name)
}

#[test]
fn oqs_parse_reads_a_shift_jis_response() {
    let data = common::data_dir();
    let file = fixture("oqs/OQSsiquc01res_20261120101500_kokuho_sjis.xml");
    let out = madoguchi(data.path(), &["oqs", "parse", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = json.to_string();
    // The 国保 number without its space padding, the name with its variant kanji.
    assert!(text.contains("\"138149\""), "{text}");
    assert!(text.contains("渡邊　一郎"), "{text}");
}

#[test]
fn oqs_parse_names_a_broken_file() {
    let data = common::data_dir();
    let broken = data.path().join("OQSsiquc01res_broken.xml");
    std::fs::write(&broken, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><XmlMsg><MessageHeader>").unwrap();
    let out = madoguchi(data.path(), &["oqs", "parse", broken.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("OQSsiquc01res_broken.xml"), "{err}");
}

#[test]
fn oqs_ingest_takes_pending_card_taps_into_todays_checks() {
    let data = common::data_dir();
    let oqs = data.path().join("OQS");
    let db = data.path().join("pop.sqlite");
    // Two taps from the training terminal's simulator.
    for consent in ["medication", "checkups,clinical"] {
        let out = Command::new(common::training_bin())
            .args(["tap", "--dir"])
            .arg(&oqs)
            .args(["--consent", consent, "--people", "500", "--seed", "2", "--db"])
            .arg(&db)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let out = madoguchi(data.path(), &["oqs", "ingest", "--dir", oqs.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    for r in &lines {
        assert_eq!(r["source"], "card_reader");
        assert!(r["person"]["name"].as_str().is_some_and(|n| !n.is_empty()));
    }
    // Taken files stay in face/ for the other programs that read it (the
    // desk owns no face file); the desk remembers them: a second pass, as a
    // new process, finds nothing.
    let left: Vec<_> = std::fs::read_dir(oqs.join("face")).unwrap().collect();
    assert_eq!(left.len(), 2, "{left:?}");
    let again = madoguchi(data.path(), &["oqs", "ingest", "--dir", oqs.to_str().unwrap()]);
    assert!(again.status.success());
    assert!(again.stdout.is_empty());
}

#[test]
fn audit_verify_detects_an_edited_entry() {
    let service = common::TrainingService::start(500, 12);
    let data = common::data_dir();
    let p = service.sample(1).remove(0);
    for _ in 0..3 {
        let mut args = vec!["check".to_string(), "--service".into(), service.url.clone()];
        args.extend(card_args(&p));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        assert!(madoguchi(data.path(), &args).status.success());
    }
    let ok = madoguchi(data.path(), &["audit", "verify"]);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    assert!(String::from_utf8_lossy(&ok.stdout).contains("3件"), "{}", String::from_utf8_lossy(&ok.stdout));
    let csv = madoguchi(data.path(), &["audit", "export"]);
    assert!(String::from_utf8_lossy(&csv.stdout).contains(&p.insurer_number));

    // Someone edits the second entry directly in the database file.
    {
        let conn = common::desk_db(data.path());
        common::drop_triggers(&conn);
        let n = conn.execute("UPDATE audit_log SET outcome = '2' WHERE seq = 2", []).unwrap();
        assert_eq!(n, 1);
    }
    let broken = madoguchi(data.path(), &["audit", "verify"]);
    assert_eq!(broken.status.code(), Some(4));
    // Named in words: which entry and what happened to it (Fluent's
    // isolation marks around the number taken out).
    let err: String = String::from_utf8_lossy(&broken.stderr).chars().filter(|c| !matches!(c, '\u{2068}' | '\u{2069}')).collect();
    assert!(err.contains("2番目の記録が書き換えられています"), "{err}");
}

/// 照会番号: the facility's patient number registered for a card through the
/// OQS folder (the real training terminal playing it) comes back in the
/// card's next tap, which then names the patient; the registration is in
/// the audit log. A number that cannot be one is refused before anything
/// is written.
#[test]
fn a_registered_patient_number_comes_back_with_the_next_tap() {
    let data = common::data_dir();
    let oqs = data.path().join("OQS");
    std::fs::create_dir(&oqs).unwrap();
    let population = madoguchi_training::generate(&data.path().join("pop.sqlite"), 500, 3).unwrap();
    let _terminal = madoguchi_training::terminal::spawn(&oqs, population.clone()).unwrap();
    let today = chrono::Local::now().date_naive();
    let p = population.sample_on(1, today).unwrap().remove(0);
    let birth = p.birth_date.format("%Y-%m-%d").to_string();
    let card = [
        "--insurer", p.insurer_number.as_str(), "--symbol", p.symbol.as_str(), "--number", p.number.as_str(),
        "--branch", p.branch.as_str(), "--birth", birth.as_str(),
    ];
    let run = |args: &[&str]| {
        Command::new(common::madoguchi_bin())
            .args(args)
            .env("MADOGUCHI_DATA_DIR", data.path())
            .env("MADOGUCHI_SETTINGS", data.path().join("none.json"))
            .env("MADOGUCHI_OQS_DIR", &oqs)
            .env("MADOGUCHI_FACILITY_CODE", "1312345678")
            .env("MADOGUCHI_LANG", "ja")
            .env_remove("MADOGUCHI_SERVICE_URL")
            .output()
            .expect("madoguchi runs")
    };
    let register = |number: &str| run(&[&["reference", "register", "--patient", number][..], &card[..]].concat());

    let bad = register("12-34");
    assert_eq!(bad.status.code(), Some(2), "{}", String::from_utf8_lossy(&bad.stderr));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("12-34") && err.contains("照会番号"), "{err}");
    let archive = oqs.join("archive");
    let registrations = || {
        std::fs::read_dir(&archive)
            .map(|d| d.flatten().filter(|e| e.file_name().to_string_lossy().starts_with("OQSsiimm01req_")).count())
            .unwrap_or(0)
    };
    assert_eq!(registrations(), 0, "nothing was sent");

    let ok = register("24434");
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    assert_eq!(String::from_utf8_lossy(&ok.stdout).trim(), "24434");
    assert_eq!(registrations(), 1);

    let key = format!("{}:{}:{}:{}", p.insurer_number, p.symbol, p.number, p.branch);
    madoguchi_training::terminal::tap(&oqs, &population, Some(&key), &[], chrono::Local::now().naive_local()).unwrap();
    let ingest = run(&["oqs", "ingest", "--dir", oqs.to_str().unwrap()]);
    assert!(ingest.status.success(), "{}", String::from_utf8_lossy(&ingest.stderr));
    let taps: Vec<serde_json::Value> =
        String::from_utf8(ingest.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(taps.len(), 1, "{taps:?}");
    assert_eq!(taps[0]["qualification"]["reference_number"], "24434");
    assert_eq!(taps[0]["person"]["name"], p.name.as_str());

    let audit = run(&["audit", "export"]);
    assert!(audit.status.success(), "{}", String::from_utf8_lossy(&audit.stderr));
    let csv = String::from_utf8_lossy(&audit.stdout);
    assert!(csv.lines().any(|l| l.contains("reference_registration") && l.contains("registered:24434")), "{csv}");
}
