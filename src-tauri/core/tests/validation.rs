//! Validation: check digits, the number tables (tests/data/insurer_numbers.tsv),
//! whole cards (tests/data/card_inputs.tsv) and the Fluent messages.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use madoguchi_core::validation::{
    check_digit, parse_branch, parse_card_number, parse_insurer_number, parse_public_payer_number,
    parse_recipient_number, validate_card, CardInput, Field, FieldError, Problem,
};
use madoguchi_core::wareki::{DateProblem, Era};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn today() -> NaiveDate {
    d(2025, 6, 15)
}

fn rows(name: &str) -> Vec<Vec<String>> {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .skip(1)
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

/// A problem as written in the TSV files.
fn render(p: &Problem) -> String {
    match p {
        Problem::Required => "required".into(),
        Problem::NotDigits => "not_digits".into(),
        Problem::Length { expected, got } => format!("length({expected},{got})"),
        Problem::TooLong { max, got } => format!("too_long({max},{got})"),
        Problem::CheckDigit {
            position,
            found,
            expected,
        } => {
            format!("check_digit({position},{found},{expected})")
        }
        Problem::Date(DateProblem::Empty) => "date:empty".into(),
        Problem::Date(DateProblem::Unrecognised) => "date:unrecognised".into(),
        Problem::Date(DateProblem::NoSuchDay) => "date:no_such_day".into(),
        Problem::Date(DateProblem::OutsideEra { era, .. }) => {
            format!("date:outside_era({})", era.code())
        }
        Problem::FutureDate => "future_date".into(),
        Problem::TooOld => "too_old".into(),
        Problem::BadCharacters { chars } => format!("bad_characters({chars})"),
    }
}

#[test]
fn check_digit_examples_from_the_interface() {
    assert_eq!(check_digit("3312001"), Some(5));
    assert_eq!(check_digit("5401602"), Some(7));
    assert_eq!(check_digit("0113001"), Some(2));
    assert_eq!(check_digit("0000000"), Some(0));
    assert_eq!(check_digit("33120a1"), None);
    assert_eq!(
        parse_insurer_number("33120015").unwrap().as_str(),
        "33120015"
    );
    assert_eq!(
        parse_public_payer_number("54016027"),
        Ok("54016027".to_string())
    );
}

#[test]
fn insurer_numbers_table() {
    let rows = rows("insurer_numbers.tsv");
    assert!(rows.len() >= 40, "only {} rows", rows.len());
    let mut failures = Vec::new();
    let mut kinds = BTreeSet::new();
    for row in &rows {
        assert_eq!(row.len(), 4, "bad row {row:?}");
        let (kind, note, input, expected) = (&row[0], &row[1], &row[2], &row[3]);
        let got = match kind.as_str() {
            "insurer" => parse_insurer_number(input).map(|n| n.as_str().to_string()),
            "public_payer" => parse_public_payer_number(input),
            "recipient" => parse_recipient_number(input),
            other => panic!("unknown kind {other}"),
        };
        let got = match got {
            Ok(digits) => format!("ok:{digits}"),
            Err(p) => render(&p),
        };
        if &got != expected {
            failures.push(format!(
                "{kind} {note} {input:?}: expected {expected}, got {got}"
            ));
        }
        kinds.insert((
            kind.clone(),
            expected.split(['(', ':']).next().unwrap().to_string(),
        ));
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // Valid numbers and each kind of error, for each kind of number.
    for kind in ["insurer", "public_payer", "recipient"] {
        // A 受給者番号 may hold letters (local programmes, PMH): its length
        // is a maximum, and a wrong character is named.
        let outcomes: &[&str] = if kind == "recipient" {
            &["ok", "required", "too_long", "bad_characters", "check_digit"]
        } else {
            &["ok", "required", "not_digits", "length", "check_digit"]
        };
        for &outcome in outcomes {
            assert!(
                kinds.contains(&(kind.to_string(), outcome.to_string())),
                "no {kind} row for {outcome}"
            );
        }
    }
}

#[test]
fn insurer_kinds_are_covered_by_valid_rows() {
    let valid: Vec<String> = rows("insurer_numbers.tsv")
        .into_iter()
        .filter(|r| r[0] == "insurer" && r[3].starts_with("ok:"))
        .map(|r| r[3][3..].to_string())
        .collect();
    let law_codes: BTreeSet<&str> = valid
        .iter()
        .filter(|n| n.len() == 8)
        .map(|n| &n[..2])
        .collect();
    for code in ["01", "06", "31", "32", "33", "34", "39"] {
        assert!(
            law_codes.contains(code),
            "no valid insurer number with 法別番号 {code}"
        );
    }
    assert!(valid.iter().any(|n| n.len() == 6), "no valid 国保 number");
}

#[test]
fn card_inputs_table() {
    let rows = rows("card_inputs.tsv");
    assert!(rows.len() >= 40, "only {} rows", rows.len());
    let mut failures = Vec::new();
    for row in &rows {
        assert_eq!(row.len(), 7, "bad row {row:?}");
        let input = CardInput {
            insurer_number: row[1].clone(),
            symbol: row[2].clone(),
            number: row[3].clone(),
            branch: row[4].clone(),
            birth_date: row[5].clone(),
        };
        let got = match validate_card(&input, today()) {
            Ok(c) => format!(
                "ok:{}|{}|{}|{}|{}",
                c.insurer_number,
                c.symbol,
                c.number,
                c.branch.as_deref().unwrap_or("-"),
                c.birth_date.format("%Y-%m-%d")
            ),
            Err(errors) => {
                assert!(!errors.is_empty(), "{}: Err with no errors", row[0]);
                errors
                    .iter()
                    .map(|e| format!("{}={}", e.field.code(), render(&e.problem)))
                    .collect::<Vec<_>>()
                    .join("; ")
            }
        };
        if got != row[6] {
            failures.push(format!("{}: expected {}, got {}", row[0], row[6], got));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn single_field_parsers() {
    assert_eq!(parse_branch(""), Ok(None));
    assert_eq!(parse_branch("7"), Ok(Some("07".into())));
    assert_eq!(parse_branch("１０"), Ok(Some("10".into())));
    assert_eq!(
        parse_branch("001"),
        Err(Problem::Length {
            expected: "2".into(),
            got: 3
        })
    );
    assert_eq!(parse_card_number("ａｂ１２"), Ok("ab12".into()));
    assert_eq!(
        parse_card_number("1２3号号"),
        Err(Problem::BadCharacters {
            chars: "号".into()
        })
    );
}

#[test]
fn check_digit_error_says_where_and_what() {
    let err = parse_insurer_number("33120016").unwrap_err();
    assert_eq!(
        err,
        Problem::CheckDigit {
            position: 8,
            found: 6,
            expected: 5
        }
    );
    let fe = FieldError {
        field: Field::InsurerNumber,
        problem: err,
    };
    assert_eq!(fe.message_id(), "problem-check-digit");
    assert_eq!(
        fe.message_args(),
        vec![
            ("field", "insurer_number".to_string()),
            ("position", "8".to_string()),
            ("found", "6".to_string()),
            ("expected", "5".to_string()),
        ]
    );
}

#[test]
fn length_messages_split_either_lengths() {
    let p = parse_insurer_number("0113001").unwrap_err();
    assert_eq!(p.message_id(), "problem-length-either");
    assert_eq!(
        p.message_args(),
        vec![
            ("first", "6".into()),
            ("second", "8".into()),
            ("got", "7".into())
        ]
    );
    let p = parse_recipient_number(&"9".repeat(31)).unwrap_err();
    assert_eq!(p.message_id(), "problem-too-long");
    assert_eq!(
        p.message_args(),
        vec![("max", "30".into()), ("got", "31".into())]
    );
}

#[test]
fn problems_serialise_with_their_kind() {
    let p = Problem::CheckDigit {
        position: 8,
        found: 6,
        expected: 5,
    };
    let json = serde_json::to_value(&p).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"kind": "check_digit", "position": 8, "found": 6, "expected": 5})
    );
    let p = Problem::Date(DateProblem::OutsideEra {
        era: Era::Showa,
        first: d(1926, 12, 25),
        last: Some(d(1989, 1, 7)),
    });
    let json = serde_json::to_value(&p).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"kind": "date", "date": {
            "kind": "outside_era", "era": "showa", "first": "1926-12-25", "last": "1989-01-07"
        }})
    );
    assert_eq!(serde_json::from_value::<Problem>(json).unwrap(), p);
    let fe = FieldError {
        field: Field::BirthDate,
        problem: Problem::Date(DateProblem::NoSuchDay),
    };
    let text = serde_json::to_string(&fe).unwrap();
    assert_eq!(
        text,
        r#"{"field":"birth_date","problem":{"kind":"date","date":{"kind":"no_such_day"}}}"#
    );
    assert_eq!(serde_json::from_str::<FieldError>(&text).unwrap(), fe);
}

// ---- Fluent messages ----

/// One sample of every variant; the match makes a new variant fail to compile
/// here until it has a sample (and so a message check).
fn every_problem() -> Vec<Problem> {
    let samples = vec![
        Problem::Required,
        Problem::NotDigits,
        Problem::Length {
            expected: "2".into(),
            got: 3,
        },
        Problem::Length {
            expected: "6/8".into(),
            got: 7,
        },
        Problem::CheckDigit {
            position: 8,
            found: 6,
            expected: 5,
        },
        Problem::Date(DateProblem::Empty),
        Problem::Date(DateProblem::Unrecognised),
        Problem::Date(DateProblem::NoSuchDay),
        Problem::Date(DateProblem::OutsideEra {
            era: Era::Heisei,
            first: d(1989, 1, 8),
            last: Some(d(2019, 4, 30)),
        }),
        Problem::Date(DateProblem::OutsideEra {
            era: Era::Reiwa,
            first: d(2019, 5, 1),
            last: None,
        }),
        Problem::FutureDate,
        Problem::TooOld,
        Problem::BadCharacters {
            chars: "号".into()
        },
        Problem::TooLong { max: 30, got: 31 },
    ];
    for p in &samples {
        match p {
            Problem::Required
            | Problem::NotDigits
            | Problem::Length { .. }
            | Problem::CheckDigit { .. }
            | Problem::TooLong { .. }
            | Problem::FutureDate
            | Problem::TooOld
            | Problem::BadCharacters { .. } => {}
            Problem::Date(
                DateProblem::Empty
                | DateProblem::Unrecognised
                | DateProblem::NoSuchDay
                | DateProblem::OutsideEra { .. },
            ) => {}
        }
    }
    samples
}

/// Message id → the variables (`$name`) its pattern uses, from a .ftl file.
fn ftl_messages(locale: &str) -> BTreeMap<String, BTreeSet<String>> {
    let path = format!(
        "{}/../../locales/{locale}/validation.ftl",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut messages: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            current = None;
            continue;
        }
        let body = if line.starts_with(' ') || line.starts_with('}') {
            assert!(
                current.is_some(),
                "{path}: continuation without a message: {line:?}"
            );
            line
        } else {
            let (id, body) = line
                .split_once(" = ")
                .unwrap_or_else(|| panic!("{path}: not a message: {line:?}"));
            assert!(
                id.chars().next().unwrap().is_ascii_alphabetic()
                    && id
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
                "{path}: bad id {id:?}"
            );
            assert!(
                messages.insert(id.to_string(), BTreeSet::new()).is_none(),
                "{path}: {id} twice"
            );
            current = Some(id.to_string());
            body
        };
        let vars = messages.get_mut(current.as_ref().unwrap()).unwrap();
        for piece in body.split('$').skip(1) {
            let name: String = piece
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            vars.insert(name);
        }
    }
    messages
}

#[test]
fn every_message_exists_in_both_locales_with_its_arguments() {
    let mut produced: BTreeMap<&'static str, BTreeSet<String>> = BTreeMap::new();
    for field in Field::ALL {
        assert!(field.message_args().is_empty());
        produced.insert(field.message_id(), BTreeSet::new());
        for problem in every_problem() {
            let fe = FieldError { field, problem };
            let args = produced.entry(fe.message_id()).or_default();
            args.extend(fe.message_args().into_iter().map(|(k, _)| k.to_string()));
        }
    }
    // The constant lists agree with what the code produces.
    let listed: BTreeSet<&str> = Problem::MESSAGE_IDS
        .iter()
        .chain(DateProblem::MESSAGE_IDS)
        .copied()
        .collect();
    let problem_ids: BTreeSet<&str> = produced
        .keys()
        .copied()
        .filter(|id| !id.starts_with("field-"))
        .collect();
    assert_eq!(listed, problem_ids);

    for locale in ["ja", "en"] {
        let messages = ftl_messages(locale);
        for (id, args) in &produced {
            let vars = messages
                .get(*id)
                .unwrap_or_else(|| panic!("locales/{locale}/validation.ftl lacks {id}"));
            // Every variable the message uses is an argument the code passes.
            // (`field` is passed by FieldError; a bare Problem falls back to
            // the message's default variant.)
            for var in vars {
                assert!(
                    args.contains(var),
                    "{locale}: {id} uses ${var}, which the code never passes"
                );
            }
        }
        for id in messages.keys() {
            assert!(
                produced.contains_key(id.as_str()),
                "{locale}: {id} is never produced"
            );
        }
    }
}

/// The Japanese check-digit message reads as staff need it.
#[test]
fn japanese_check_digit_message() {
    let path = format!(
        "{}/../../locales/ja/validation.ftl",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(
        "}の{ $position }桁目（検証番号）が合いません。番号を見直してください（他の桁が正しければ{ $position }桁目は{ $expected }になります）。"
    ));
    assert!(text.contains("field-insurer_number = 保険者番号\n"));
}
