//! `madoguchi batch`: 一括照会 of an appointment list from the command line,
//! against the real training service; the JSON and CSV reports, the summary
//! and the exit codes documented in `cli_batch`.

mod common;

use std::process::{Command, Output};

fn madoguchi(data: &std::path::Path, args: &[&str]) -> Output {
    Command::new(common::madoguchi_bin())
        .args(args)
        .env("MADOGUCHI_DATA_DIR", data)
        .env("MADOGUCHI_SETTINGS", data.join("none.json"))
        .env_remove("MADOGUCHI_SERVICE_URL")
        .env_remove("MADOGUCHI_OQS_DIR")
        .env_remove("MADOGUCHI_LANG")
        .output()
        .expect("madoguchi runs")
}

fn list(people: &[common::Sample]) -> String {
    let mut out = String::from("氏名,生年月日,保険者番号,記号,番号,枝番\n");
    for p in people {
        out.push_str(&format!("{},{},{},{},{},{}\n", p.name, p.birth_date, p.insurer_number, p.symbol, p.number, p.branch));
    }
    out
}

#[test]
fn batch_writes_the_grouped_report_and_a_summary() {
    let service = common::TrainingService::start(1_000, 12);
    let mut people = service.sample(6);
    let data = common::data_dir();
    // One typo in a check digit: a bad row, reported by line, the others checked.
    people[2].insurer_number = common::mistype_check_digit(&people[2].insurer_number);
    let csv = data.path().join("予約.csv");
    std::fs::write(&csv, list(&people)).unwrap();
    let (json, report_csv) = (data.path().join("report.json"), data.path().join("report.csv"));
    let out = madoguchi(
        data.path(),
        &[
            "batch",
            "--csv",
            csv.to_str().unwrap(),
            "--service",
            &service.url,
            "--report",
            json.to_str().unwrap(),
            "--report-csv",
            report_csv.to_str().unwrap(),
        ],
    );
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "stdout: {stdout}\nstderr: {stderr}");
    assert!(stdout.contains("一括照会 5 件") && stdout.contains("読めなかった行 1 件"), "{stdout}");
    assert!(stderr.contains("4行目") && stderr.contains("保険者番号"), "the bad row on stderr: {stderr}");
    let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(report["report"]["lines"].as_array().unwrap().len(), 5);
    assert_eq!(report["report"]["bad_rows"][0]["line"], 4);
    assert_eq!(report["batch"]["done"], 5);
    let counted: u64 = report["report"]["counts"].as_array().unwrap().iter().map(|c| c["count"].as_u64().unwrap()).sum();
    assert_eq!(counted, 5);
    let text = std::fs::read_to_string(&report_csv).unwrap();
    assert!(text.starts_with('\u{feff}'), "a BOM for Excel");
    assert_eq!(text.lines().count(), 1 + 5 + 1);
}

#[test]
fn an_unreadable_list_exits_2_and_an_unreachable_service_exits_3_resumably() {
    let data = common::data_dir();
    let bad = data.path().join("bad.csv");
    std::fs::write(&bad, "氏名,番号\n山田,1\n").unwrap();
    let refused = common::refused_url();
    let out = madoguchi(data.path(), &["batch", "--csv", bad.to_str().unwrap(), "--service", &refused]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("必要な列がありません"));

    let service = common::TrainingService::start(1_000, 13);
    let people = service.sample(4);
    let good = data.path().join("good.csv");
    std::fs::write(&good, list(&people)).unwrap();
    // A service that refuses connections: the batch stops, nothing is lost.
    let out = madoguchi(data.path(), &["batch", "--csv", good.to_str().unwrap(), "--service", &refused]);
    assert_eq!(out.status.code(), Some(3), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let id = stdout.trim_start_matches('#').split_whitespace().next().unwrap().to_string();
    assert!(stdout.contains("照会できず 4"), "{stdout}");
    // Resumed against the service that answers: every row checked.
    let json = data.path().join("r.json");
    let out = madoguchi(data.path(), &["batch", "--resume", &id, "--service", &service.url, "--report", json.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(report["batch"]["done"], 4);
    assert_eq!(report["batch"]["pending"], 0);
}
