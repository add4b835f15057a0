//! The `madoguchi-training` binary.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use madoguchi_core::ServiceInfo;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_madoguchi-training");

#[test]
fn list_json_puts_valid_people_first() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.sqlite");
    let out = Command::new(BIN)
        .args([
            "list", "--sample", "5", "--json", "--people", "2000", "--seed", "9",
        ])
        .arg("--db")
        .arg(&db)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 5);
    assert_eq!(lines[0]["expected_validity"], "valid");
    assert!(lines.iter().any(|l| l["expected_validity"] != "valid"));
    let first = &lines[0];
    assert!(first["birth_date"].as_str().unwrap().len() == 10);
    assert!(matches!(
        first["copay_percent"].as_u64(),
        Some(10 | 20 | 30)
    ));
    assert!(first["name"].as_str().unwrap().contains('　'));

    let table = Command::new(BIN)
        .args(["list", "--sample", "3", "--people", "2000", "--seed", "9"])
        .arg("--db")
        .arg(&db)
        .output()
        .unwrap();
    assert!(table.status.success());
    let text = String::from_utf8(table.stdout).unwrap();
    let mut rows = text.lines();
    let header = rows.next().unwrap();
    for col in [
        "保険者番号",
        "記号",
        "番号",
        "枝番",
        "生年月日",
        "氏名",
        "カナ",
        "性別",
    ] {
        assert!(header.contains(col), "{header}");
    }
    assert_eq!(rows.count(), 3);
    assert!(text.contains(first["name"].as_str().unwrap()));
}

#[test]
fn serve_prints_its_url_first() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(BIN)
        .args(["serve", "--port", "0", "--people", "300"])
        .arg("--db")
        .arg(dir.path().join("p.sqlite"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let url = first
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line: {first:?}"))
        .to_string();
    assert!(url.starts_with("http://127.0.0.1:"));
    let info: Result<ServiceInfo, _> = reqwest::blocking::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .get(format!("{url}/api/v1/health"))
        .send()
        .and_then(|r| r.json());
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(info.unwrap().people, 300);
}

#[test]
fn errors_go_to_stderr_with_a_non_zero_exit() {
    let dir = tempfile::tempdir().unwrap();
    // A directory where the database file should be.
    let out = Command::new(BIN)
        .args(["list", "--sample", "2", "--people", "100", "--db"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("madoguchi-training: "), "{err}");

    let out = Command::new(BIN)
        .args(["list", "--sample", "x"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(!out.stderr.is_empty());
}
