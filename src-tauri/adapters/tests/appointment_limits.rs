//! Limits of the appointment list: cells longer than their column allows
//! and control characters are bad rows naming the line and the cell (the
//! row is not checked, the rest are); a list is read row by row.

use chrono::NaiveDate;
use madoguchi_adapters::csv::{appointment_list, parse_appointments};
use madoguchi_core::appointments::{max_chars, Column, MAX_CELL_CHARS};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

const HEAD: &str = "患者番号,氏名,カナ氏名,生年月日,保険者番号,記号,番号,枝番,メモ\n";

fn row(id: &str, name: &str, kana: &str, memo: &str) -> String {
    format!("{id},\"{name}\",\"{kana}\",1986-04-12,01130012,12345,678,01,\"{memo}\"\n")
}

/// (what the row holds, the problem expected: column code, message id, arguments in order)
fn cases() -> Vec<(String, Option<(&'static str, &'static str, String)>)> {
    let long = |n: usize| "あ".repeat(n);
    vec![
        (row("P1", "山田　太郎", "ヤマダ", "初診"), None),
        (row("P2", &long(100), "", ""), None),
        (row("P3", &long(101), "", ""), Some(("name", "batch-row-cell-too-long", "line=4;cell=2;max=100;length=101".into()))),
        (row("P4", &"x".repeat(1_000_000), "", ""), Some(("name", "batch-row-cell-too-long", "line=5;cell=2;max=100;length=1000000".into()))),
        (row("P5", "山田", &long(101), ""), Some(("name_kana", "batch-row-cell-too-long", "line=6;cell=3;max=100;length=101".into()))),
        (row(&"9".repeat(41), "山田", "", ""), Some(("patient_id", "batch-row-cell-too-long", "line=7;cell=1;max=40;length=41".into()))),
        (row("P7", "山田", "", &long(MAX_CELL_CHARS + 1)), Some(("-", "batch-row-cell-too-long", "line=8;cell=9;max=1000;length=1001".into()))),
        (row("P8", "山\u{0}田", "", ""), Some(("name", "batch-row-control-character", "line=9;cell=2;code=U+0000".into()))),
        (row("P9", "山田\u{1b}[31m", "", ""), Some(("name", "batch-row-control-character", "line=10;cell=2;code=U+001B".into()))),
        (row("P10", "山田", "ヤマダ\u{7f}", ""), Some(("name_kana", "batch-row-control-character", "line=11;cell=3;code=U+007F".into()))),
        (row("P11", "山田", "", "\u{85}"), Some(("-", "batch-row-control-character", "line=12;cell=9;code=U+0085".into()))),
        // Tab and a line break inside a quoted cell are the format's own.
        (row("P12", "山田\t太郎", "", "一行目\n二行目"), None),
        (row("P13", "山田", "", ""), None),
    ]
}

#[test]
fn long_cells_and_control_characters_are_bad_rows_naming_line_and_cell() {
    assert_eq!(max_chars(Some(Column::Name)), 100);
    let mut text = String::from(HEAD);
    for (r, _) in cases() {
        text.push_str(&r);
    }
    let parsed = parse_appointments(&text, today()).unwrap();
    let mut line = 2;
    for (i, (_, want)) in cases().into_iter().enumerate() {
        match want {
            None => assert!(parsed.rows.iter().any(|a| a.line == line), "case {i} (line {line}) is a good row: {:?}", parsed.bad_rows.iter().find(|b| b.line == line)),
            Some((column, id, args)) => {
                let bad = parsed.bad_rows.iter().find(|b| b.line == line).unwrap_or_else(|| panic!("case {i}: line {line} is not a bad row"));
                assert_eq!(bad.problems.len(), 1, "case {i}: {:?}", bad.problems);
                let p = &bad.problems[0];
                assert_eq!(p.column.map_or("-", Column::code), column, "case {i}");
                assert_eq!(p.message.id, id, "case {i}");
                let got: Vec<String> = p.message.args.iter().map(|(k, v)| format!("{k}={v}")).collect();
                assert_eq!(got.join(";"), args, "case {i}");
                // A huge cell is kept cut, not whole.
                assert!(bad.cells.iter().all(|c| c.chars().count() <= 1_001), "case {i}");
            }
        }
        line += 1 + usize::from(i == 11);
    }
    assert_eq!(parsed.rows.len(), 4);
    assert_eq!(parsed.bad_rows.len(), 9);
}

#[test]
fn a_header_cell_too_long_refuses_the_file() {
    let text = format!("氏名,生年月日,保険者番号,番号,{}\n", "x".repeat(101));
    let e = parse_appointments(&text, today()).unwrap_err();
    assert_eq!(e.message.id, "batch-csv-header-too-long");
}

#[test]
fn the_list_is_read_row_by_row() {
    let mut text = String::from(HEAD);
    for i in 0..5 {
        text.push_str(&row(&format!("P{i}"), "山田", "", ""));
    }
    text.push_str("P9,\"山田,1986-04-12\n");
    let mut list = appointment_list(&text, today()).unwrap();
    assert_eq!(list.ignored_columns(), ["メモ".to_string()]);
    for i in 0..5 {
        let a = list.next().unwrap().unwrap().unwrap();
        assert_eq!(a.line, i + 2);
    }
    // A quote never closed refuses the whole list, at the end, naming its line.
    let e = list.next().unwrap().unwrap_err();
    assert_eq!(e.message.id, "batch-csv-open-quote");
    assert!(list.next().is_none());
}
