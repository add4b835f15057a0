//! The appointment list read from its text (tests/data/appointments_rows.csv:
//! each row says in its `expected` column what parsing must answer): the
//! records of `madoguchi_adapters::csv` through the rows of
//! `madoguchi_core::appointments`.

use chrono::NaiveDate;
use madoguchi_adapters::csv::{parse_appointments, read_records};
use madoguchi_core::appointments::{Appointment, BatchReport, Column, Group, ReportLine};
use madoguchi_core::message::Msg;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

fn data(name: &str) -> String {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn render_msg(m: &Msg) -> String {
    let args: Vec<String> = m.args.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("{}({})", m.id, args.join(";"))
}

fn render_ok(a: &Appointment) -> String {
    let c = &a.card;
    format!(
        "ok:{}|{}|{}|{}|{}|{}|{}",
        a.date.map_or("-".into(), |d| d.to_string()),
        a.time.map_or("-".into(), |t| t.format("%H:%M").to_string()),
        c.insurer_number,
        c.symbol,
        c.number,
        c.branch.as_deref().unwrap_or("-"),
        c.birth_date
    )
}

#[test]
fn every_row_of_the_sample_list_parses_as_its_expected_column_says() {
    let text = data("appointments_rows.csv");
    let parsed = parse_appointments(&text, today()).unwrap();
    assert_eq!(parsed.ignored_columns, vec!["expected".to_string()]);
    let records = read_records(&text, ',').unwrap();
    let expected_at = records[0].cells.iter().position(|c| c == "expected").unwrap();
    let mut seen = 0;
    for r in &records[1..] {
        let got = if let Some(a) = parsed.rows.iter().find(|a| a.line == r.line) {
            render_ok(a)
        } else {
            let bad = parsed.bad_rows.iter().find(|b| b.line == r.line).unwrap_or_else(|| panic!("line {} lost", r.line));
            assert_eq!(&bad.cells, &r.cells, "a bad row keeps its cells as they were");
            let problems: Vec<String> = bad
                .problems
                .iter()
                .map(|p| format!("{}={}", p.column.map_or("-", Column::code), render_msg(&p.message)))
                .collect();
            format!("bad:{}", problems.join("|"))
        };
        let want = match r.cells.get(expected_at) {
            Some(w) => w.clone(),
            // A row too short to hold its expectation: the cell count is its problem.
            None => format!("bad:-=batch-row-cell-count(expected=10;got={})", r.cells.len()),
        };
        assert_eq!(got, want, "line {}", r.line);
        seen += 1;
    }
    assert_eq!(seen, parsed.rows.len() + parsed.bad_rows.len());
    assert_eq!(parsed.rows.len(), 8);
    assert_eq!(parsed.bad_rows.len(), 7);
}

#[test]
fn english_headers_tabs_bom_and_crlf() {
    let text = "\u{feff}Appointment Date\tTime\tName\tBirth Date\tInsurer Number\tSymbol\tNumber\tBranch\tNotes\r\n\
                2026-11-23\t9:15\tYamada Taro\t1986-04-12\t01130012\t12345\t678\t01\tfirst visit\r\n";
    let parsed = parse_appointments(text, today()).unwrap();
    assert_eq!(parsed.ignored_columns, vec!["Notes".to_string()]);
    assert_eq!(parsed.bad_rows, vec![]);
    assert_eq!(render_ok(&parsed.rows[0]), "ok:2026-11-23|09:15|01130012|12345|678|01|1986-04-12");
    assert_eq!(parsed.rows[0].line, 2);
}

#[test]
fn file_level_problems_are_messages() {
    let err = |t: &str| render_msg(&parse_appointments(t, today()).unwrap_err().message);
    assert_eq!(err(""), "batch-csv-empty()");
    assert_eq!(err("\u{feff}\r\n\r\n"), "batch-csv-empty()");
    assert_eq!(err("氏名,番号\n山田,1\n"), "batch-csv-missing-columns(columns=birth_date,insurer_number;line=1)");
    assert_eq!(err("氏名,名前,生年月日,保険者番号,番号\n"), "batch-csv-duplicate-column(column=name)");
    assert_eq!(err("氏名,生年月日,保険者番号,番号\n\"山田,S61.4.12,01130012,1\n"), "batch-csv-open-quote(line=2)");
    // A header alone is a list with no rows.
    let empty = parse_appointments("氏名,生年月日,保険者番号,番号\n", today()).unwrap();
    assert!(empty.rows.is_empty() && empty.bad_rows.is_empty());
}

#[test]
fn the_report_orders_groups_and_counts_each() {
    let text = data("appointments_rows.csv");
    let parsed = parse_appointments(&text, today()).unwrap();
    let lines: Vec<ReportLine> = parsed
        .rows
        .iter()
        .enumerate()
        .map(|(i, a)| {
            if i % 2 == 0 {
                ReportLine::not_checked(a.clone(), Msg::new("gateway-timeout"))
            } else {
                let mut l = ReportLine::not_checked(a.clone(), Msg::new("x"));
                l.group = Group::Valid;
                l
            }
        })
        .collect();
    let report = BatchReport::build(lines, parsed.bad_rows.clone());
    assert_eq!(report.count(Group::NotChecked), 4);
    assert_eq!(report.count(Group::Valid), 4);
    assert_eq!(report.counts.len(), Group::ALL.len());
    assert_eq!(report.lines[0].group, Group::NotChecked);
    assert_eq!(report.lines.last().unwrap().group, Group::Valid);
    assert_eq!(report.bad_rows.len(), parsed.bad_rows.len());
}
