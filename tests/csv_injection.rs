//! Formula injection: cells Excel would run (`=HYPERLINK(…)`, `@SUM(1)`,
//! `+1`, `=cmd|' /C calc'!A0`, a leading tab or CR) in an imported
//! appointment list or in staff's free text come out of every CSV the desk
//! writes as text — the batch report of `madoguchi batch --report-csv` (the
//! real CLI against the real training service), the window's export
//! (`Desk::batch_export_csv_to`, what the `batch_export_csv` command calls),
//! and the audit export. A negative number stays a number (the choice in
//! `madoguchi_adapters::csv`).

mod common;

use std::process::Command;

use chrono::{NaiveDate, NaiveDateTime};
use madoguchi_app::audit_view::AuditQuery;
use madoguchi_app::desk::Desk;
use madoguchi_app::session::AccountForm;
use madoguchi_app::settings::Settings;
use madoguchi_adapters::csv::read_records;

/// What a hostile list puts in its free-text cells, and how the report must
/// write each one.
const CELLS: &[(&str, &str)] = &[
    ("=HYPERLINK(\"http://x.invalid\",\"y\")", "'=HYPERLINK(\"http://x.invalid\",\"y\")"),
    ("@SUM(1)", "'@SUM(1)"),
    ("+1", "'+1"),
    ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
    // Cells are read trimmed (the list) or kept trimmed (a reason): the tab
    // goes, the formula stays and is guarded. (A field that still begins
    // with a tab or CR is guarded too: `madoguchi_adapters::csv`'s own test.)
    ("\t=1+2", "'=1+2"),
    ("-1+2", "'-1+2"),
    // A negative number is written as the number it is.
    ("-1", "-1"),
];

/// A list of the sampled people, each with one hostile cell as 患者番号 and
/// as カナ氏名 (both free text the report repeats), and the hostile cell as
/// 氏名 of the first person. Rows are quoted so that tab and CR stay in the cell.
fn hostile_list(people: &[common::Sample]) -> String {
    let q = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let mut out = String::from("患者番号,氏名,カナ氏名,生年月日,保険者番号,記号,番号,枝番\r\n");
    for (i, p) in people.iter().enumerate() {
        let (cell, _) = CELLS[i % CELLS.len()];
        let name = if i == 0 { cell.to_string() } else { p.name.clone() };
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{}\r\n",
            q(cell),
            q(&name),
            q(cell),
            p.birth_date,
            p.insurer_number,
            p.symbol,
            p.number,
            p.branch
        ));
    }
    out
}

/// No cell of `csv` begins as a formula; each of `expected` is there as it is.
fn assert_guarded<'a>(csv: &str, expected: impl IntoIterator<Item = &'a str>) {
    let records = read_records(csv, ',').unwrap();
    for r in &records {
        for c in &r.cells {
            let formula = c.starts_with(['=', '+', '@', '\t', '\r']) || (c.starts_with('-') && c.parse::<f64>().is_err());
            assert!(!formula, "line {}: cell {c:?} would be run by Excel", r.line);
        }
    }
    let cells: Vec<&String> = records.iter().flat_map(|r| &r.cells).collect();
    for written in expected {
        assert!(cells.iter().any(|c| c.as_str() == written), "{written:?} not in the report:\n{csv}");
    }
}

#[test]
fn the_batch_report_of_the_cli_writes_hostile_cells_as_text() {
    let service = common::TrainingService::start(1_000, 21);
    let people = service.sample(CELLS.len());
    let data = common::data_dir();
    let list = data.path().join("予約.csv");
    std::fs::write(&list, hostile_list(&people)).unwrap();
    let report = data.path().join("report.csv");
    let out = Command::new(common::madoguchi_bin())
        .args(["batch", "--csv", list.to_str().unwrap(), "--service", &service.url, "--report-csv", report.to_str().unwrap()])
        .env("MADOGUCHI_DATA_DIR", data.path())
        .env("MADOGUCHI_SETTINGS", data.path().join("none.json"))
        .env_remove("MADOGUCHI_SERVICE_URL")
        .env_remove("MADOGUCHI_OQS_DIR")
        .env_remove("MADOGUCHI_LANG")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let csv = std::fs::read_to_string(&report).unwrap();
    assert!(csv.starts_with('\u{feff}'));
    assert_guarded(&csv, CELLS.iter().map(|c| c.1));
}

#[test]
fn the_windows_batch_export_writes_hostile_cells_as_text() {
    let service = common::TrainingService::start(1_000, 22);
    let people = service.sample(CELLS.len());
    let data = common::data_dir();
    let settings = Settings { data_dir: data.path().to_path_buf(), service_url: Some(service.url.clone()), timeout_secs: 5, ..Settings::default() };
    let desk = Desk::open(settings).unwrap();
    desk.connect();
    let now = chrono::Local::now().naive_local();
    let import = desk.batch.import(hostile_list(&people).as_bytes(), Some("予約.csv"), now).unwrap();
    assert!(import.bad_rows.is_empty(), "{:?}", import.bad_rows);
    desk.batch.run(import.batch.id, &|_| {}, chrono::Local::now().naive_local()).unwrap();
    let out = common::data_dir();
    let path = desk.batch.export_csv_to(import.batch.id, out.path()).unwrap();
    assert_guarded(&std::fs::read_to_string(path).unwrap(), CELLS.iter().map(|c| c.1));

    // A bad row's cells, kept as they were, are inside a field that does not begin with them.
    let bad = "氏名,生年月日,保険者番号,番号\r\n\"=HYPERLINK(\"\"http://example.invalid/\"\",\"\"y\"\")\",S61.4.12,1234,1\r\n";
    let import = desk.batch.import(bad.as_bytes(), None, now).unwrap();
    assert_eq!(import.bad_rows.len(), 1);
    let path = desk.batch.export_csv_to(import.batch.id, out.path()).unwrap();
    let csv = std::fs::read_to_string(path).unwrap();
    assert_guarded(&csv, []);
    assert!(csv.contains("HYPERLINK"), "the bad row's cells are kept: {csv}");
}

#[test]
fn the_audit_export_writes_staff_free_text_as_text() {
    let data = common::data_dir();
    let desk = common::real_desk(data.path());
    let now: NaiveDateTime = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap().and_hms_opt(8, 0, 0).unwrap();
    let pw = "sakura-no-hana-2026";
    let form = AccountForm { staff_id: "admin".into(), display_name: "管理者".into(), password: pw.into(), confirm: pw.into() };
    desk.staff.first_start(&form, now).unwrap();
    for (cell, _) in CELLS {
        desk.disaster.declare_local_emergency(cell, now).unwrap();
        desk.disaster.end_local_emergency(now).unwrap();
    }
    let out = common::data_dir();
    let export = desk.audit_view.audit_export_csv_to(&AuditQuery::default(), out.path(), now).unwrap();
    let csv = std::fs::read_to_string(&export.path).unwrap();
    assert_guarded(&csv, CELLS.iter().map(|c| c.1));
}
