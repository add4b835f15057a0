//! 和暦: table-driven parsing (tests/data/dates.tsv) and formatting.

use chrono::NaiveDate;
use madoguchi_core::wareki::{
    format_wareki, format_wareki_short, parse_date, to_wareki, DateProblem, Era, Wareki,
};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// `1986-04-12`, or the kind of problem as written in dates.tsv.
fn render(r: &Result<NaiveDate, DateProblem>) -> String {
    match r {
        Ok(date) => date.format("%Y-%m-%d").to_string(),
        Err(DateProblem::Empty) => "empty".into(),
        Err(DateProblem::Unrecognised) => "unrecognised".into(),
        Err(DateProblem::NoSuchDay) => "no_such_day".into(),
        Err(DateProblem::OutsideEra { era, .. }) => format!("outside_era({})", era.code()),
    }
}

/// Rows of a TSV file in tests/data: comment lines (#) and the header skipped.
pub fn rows(name: &str) -> Vec<Vec<String>> {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .skip(1)
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

#[test]
fn dates_table() {
    let rows = rows("dates.tsv");
    assert!(rows.len() >= 60, "only {} rows", rows.len());
    let mut failures = Vec::new();
    for row in &rows {
        assert_eq!(row.len(), 2, "bad row {row:?}");
        let got = render(&parse_date(&row[0]));
        if got != row[1] {
            failures.push(format!("{:?}: expected {}, got {}", row[0], row[1], got));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Every era boundary is in dates.tsv on both sides, for both spellings of
/// each boundary day, so a change to the era table cannot slip through.
#[test]
fn dates_table_covers_every_boundary() {
    let rows = rows("dates.tsv");
    let inputs: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    for needed in [
        "M6.1.1",
        "明治5年12月31日",
        "M45.7.30",
        "M45.7.31",
        "T1.7.29",
        "T1.7.30",
        "T15.12.25",
        "T15.12.26",
        "S1.12.24",
        "S1.12.25",
        "S64.1.7",
        "S64.1.8",
        "H1.1.7",
        "H1.1.8",
        "H31.4.30",
        "H31.5.1",
        "R1.4.30",
        "令和元年5月1日",
    ] {
        assert!(inputs.contains(&needed), "dates.tsv lacks {needed}");
    }
}

#[test]
fn outside_era_tells_the_eras_days() {
    assert_eq!(
        parse_date("昭和64年1月8日"),
        Err(DateProblem::OutsideEra {
            era: Era::Showa,
            first: d(1926, 12, 25),
            last: Some(d(1989, 1, 7)),
        })
    );
    assert_eq!(
        parse_date("R1.4.30"),
        Err(DateProblem::OutsideEra {
            era: Era::Reiwa,
            first: d(2019, 5, 1),
            last: None
        })
    );
    let p = parse_date("平成1年1月7日").unwrap_err();
    assert_eq!(p.message_id(), "date-outside-era");
    assert_eq!(
        p.message_args(),
        vec![
            ("era", "heisei".to_string()),
            ("first", "1989-01-08".to_string()),
            ("last", "2019-04-30".to_string()),
        ]
    );
}

#[test]
fn to_wareki_at_every_boundary() {
    let w = |era, year, month, day| {
        Some(Wareki {
            era,
            year,
            month,
            day,
        })
    };
    assert_eq!(to_wareki(d(1872, 12, 31)), None);
    assert_eq!(to_wareki(d(1873, 1, 1)), w(Era::Meiji, 6, 1, 1));
    assert_eq!(to_wareki(d(1912, 7, 29)), w(Era::Meiji, 45, 7, 29));
    // The day 大正 began: the new era.
    assert_eq!(to_wareki(d(1912, 7, 30)), w(Era::Taisho, 1, 7, 30));
    assert_eq!(to_wareki(d(1926, 12, 24)), w(Era::Taisho, 15, 12, 24));
    assert_eq!(to_wareki(d(1926, 12, 25)), w(Era::Showa, 1, 12, 25));
    assert_eq!(to_wareki(d(1989, 1, 7)), w(Era::Showa, 64, 1, 7));
    assert_eq!(to_wareki(d(1989, 1, 8)), w(Era::Heisei, 1, 1, 8));
    assert_eq!(to_wareki(d(2019, 4, 30)), w(Era::Heisei, 31, 4, 30));
    assert_eq!(to_wareki(d(2019, 5, 1)), w(Era::Reiwa, 1, 5, 1));
    assert_eq!(to_wareki(d(2025, 6, 15)), w(Era::Reiwa, 7, 6, 15));
}

#[test]
fn formats() {
    assert_eq!(format_wareki(d(1986, 4, 12)), "昭和61年4月12日");
    assert_eq!(format_wareki(d(2019, 5, 1)), "令和元年5月1日");
    assert_eq!(format_wareki(d(1989, 1, 8)), "平成元年1月8日");
    assert_eq!(format_wareki(d(1989, 1, 7)), "昭和64年1月7日");
    assert_eq!(format_wareki(d(1912, 7, 30)), "大正元年7月30日");
    assert_eq!(format_wareki(d(1900, 1, 1)), "明治33年1月1日");
    assert_eq!(format_wareki(d(1872, 12, 31)), "1872年12月31日");
    assert_eq!(format_wareki_short(d(1986, 4, 12)), "S61.4.12");
    assert_eq!(format_wareki_short(d(2019, 5, 1)), "R1.5.1");
    assert_eq!(format_wareki_short(d(2019, 4, 30)), "H31.4.30");
    assert_eq!(format_wareki_short(d(1926, 12, 24)), "T15.12.24");
    assert_eq!(format_wareki_short(d(1872, 12, 31)), "1872-12-31");
}

#[test]
fn wareki_to_date() {
    let w = |era, year, month, day| Wareki {
        era,
        year,
        month,
        day,
    };
    assert_eq!(w(Era::Showa, 61, 4, 12).to_date(), Some(d(1986, 4, 12)));
    assert_eq!(w(Era::Showa, 64, 1, 8).to_date(), None);
    assert_eq!(w(Era::Heisei, 1, 1, 7).to_date(), None);
    assert_eq!(w(Era::Taisho, 15, 12, 25).to_date(), Some(d(1926, 12, 25)));
    assert_eq!(w(Era::Reiwa, 1, 5, 1).to_string(), "令和元年5月1日");
}

/// Every day from 1873 to 2030 survives format → parse, in both forms.
#[test]
fn round_trip_every_day() {
    let mut day = d(1873, 1, 1);
    while day <= d(2030, 12, 31) {
        assert_eq!(
            parse_date(&format_wareki(day)),
            Ok(day),
            "{}",
            format_wareki(day)
        );
        assert_eq!(
            parse_date(&format_wareki_short(day)),
            Ok(day),
            "{}",
            format_wareki_short(day)
        );
        assert_eq!(parse_date(&day.format("%Y%m%d").to_string()), Ok(day));
        day = day.succ_opt().unwrap();
    }
}
