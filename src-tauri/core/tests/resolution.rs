//! When the answer is "no": each kind of answer and what the desk knows →
//! why, the steps, and what each step rests on. The answers are the OQS
//! fixtures as `madoguchi oqs parse` reads them (tests/data/resolution_results.json),
//! varied one field at a time.

use chrono::NaiveDate;
use madoguchi_core::codes::{LossReason, Validity};
use madoguchi_core::resolution::{resolve, DeskKnowledge, Fact, MESSAGE_IDS};
use madoguchi_core::EligibilityResult;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn fixture(name: &str) -> EligibilityResult {
    let all: serde_json::Value = serde_json::from_str(include_str!("data/resolution_results.json")).unwrap();
    serde_json::from_value(all[name].clone()).unwrap()
}

/// (why, [(step, the facts it rests on, as short names)])
fn summary(r: &EligibilityResult, known: &DeskKnowledge, today: NaiveDate) -> Option<(String, Vec<(String, Vec<String>)>)> {
    let res = resolve(r, known, today)?;
    let fact = |f: &Fact| match f {
        Fact::Answer { validity } => format!("answer:{}", validity.code()),
        Fact::ErrorCode { code } => format!("error:{code}"),
        Fact::LossReason { reason } => format!("loss:{}", reason.code()),
        Fact::EndedOn { date } => format!("ended:{date}"),
        Fact::StartedDaysAgo { days, .. } => format!("started:{days}"),
        Fact::BranchLeftEmpty => "branch-empty".into(),
        Fact::KokuhoNumber => "kokuho".into(),
        Fact::EarlierValid { date } => format!("earlier:{date}"),
        Fact::NationalRule => "rule".into(),
    };
    let short = |id: &str| id.trim_start_matches("resolution-step-").trim_start_matches("resolution-why-").to_string();
    Some((
        short(&res.why.id),
        res.steps.iter().map(|s| (short(&s.message.id), s.because.iter().map(fact).collect())).collect(),
    ))
}

fn steps(v: &[(&str, &[&str])]) -> Vec<(String, Vec<String>)> {
    v.iter().map(|(s, f)| (s.to_string(), f.iter().map(|x| x.to_string()).collect())).collect()
}

#[test]
fn a_valid_answer_needs_no_resolution() {
    assert_eq!(resolve(&fixture("face"), &DeskKnowledge::default(), d("2026-12-07")), None);
}

#[test]
fn each_kind_of_no_gives_its_reason_and_steps_with_what_they_rest_on() {
    let today = d("2026-12-07");
    let typed = DeskKnowledge { typed: true, ..Default::default() };
    let typed_no_branch = DeskKnowledge { typed: true, branch_left_empty: true, ..Default::default() };
    let earlier = DeskKnowledge { earlier_valid_on: Some(d("2026-11-02")), ..Default::default() };

    // The answer as it is varied, what the desk knows → (why, steps with their facts).
    let mut not_found = fixture("face");
    not_found.validity = Validity::NotFound;
    not_found.qualification = None;
    let mut invalid = fixture("face");
    invalid.validity = Validity::Invalid;
    let mut welfare = invalid.clone();
    welfare.qualification.as_mut().unwrap().loss_reason = Some(LossReason::WelfareStarted);
    welfare.qualification.as_mut().unwrap().disqualified_on = Some(d("2026-11-30"));
    let mut multiple = fixture("face");
    multiple.validity = Validity::MultipleFound;
    let mut unstated = fixture("face");
    unstated.validity = Validity::Unstated;
    let mut recent = fixture("lost");
    recent.qualification.as_mut().unwrap().qualified_on = Some(d("2026-11-28"));
    let mut long_ago = recent.clone();
    long_ago.qualification.as_mut().unwrap().qualified_on = Some(d("2026-09-01"));

    let table: Vec<(&str, EligibilityResult, DeskKnowledge, &str, Vec<(String, Vec<String>)>)> = vec![
        ("typed, 枝番 empty", not_found.clone(), typed_no_branch.clone(), "not-found", steps(&[
            ("enter-branch", &["answer:4", "branch-empty"]),
            ("check-typed", &["answer:4"]),
            ("tap-card", &["answer:4"]),
            ("self-declaration", &["rule"]),
        ])),
        ("typed, 枝番 given", not_found.clone(), typed.clone(), "not-found", steps(&[
            ("check-typed", &["answer:4"]),
            ("tap-card", &["answer:4"]),
            ("self-declaration", &["rule"]),
        ])),
        ("a tap, seen valid before", not_found.clone(), earlier.clone(), "not-found", steps(&[
            ("tap-card", &["answer:4"]),
            ("earlier-answer", &["earlier:2026-11-02"]),
            ("self-declaration", &["rule"]),
        ])),
        ("無効 without a reason", invalid.clone(), DeskKnowledge::default(), "invalid", steps(&[
            ("new-card", &["answer:2"]),
            ("self-declaration", &["rule"]),
        ])),
        ("無効: welfare started, ended on a date", welfare, DeskKnowledge::default(), "ended", steps(&[
            ("medical-aid", &["answer:2", "loss:02"]),
            ("self-declaration", &["rule"]),
        ])),
        ("無効（新しい資格あり）", fixture("lost"), DeskKnowledge::default(), "new-qualification", steps(&[
            ("new-card", &["answer:3"]),
            ("tap-card", &["answer:3"]),
            ("self-declaration", &["rule"]),
        ])),
        ("a qualification 9 days old", recent, DeskKnowledge::default(), "new-qualification", steps(&[
            ("registration-late", &["answer:3", "started:9"]),
            ("new-card", &["answer:3"]),
            ("tap-card", &["answer:3"]),
            ("self-declaration", &["rule"]),
        ])),
        ("a qualification months old: no such hint", long_ago, DeskKnowledge::default(), "new-qualification", steps(&[
            ("new-card", &["answer:3"]),
            ("tap-card", &["answer:3"]),
            ("self-declaration", &["rule"]),
        ])),
        ("複数該当, 枝番 empty", multiple, typed_no_branch, "multiple", steps(&[
            ("enter-branch", &["answer:5", "branch-empty"]),
            ("tap-card", &["answer:5"]),
            ("self-declaration", &["rule"]),
        ])),
        ("no validity stated", unstated, DeskKnowledge::default(), "unstated", steps(&[
            ("look-at-card", &["answer:0"]),
        ])),
        ("an error answer", fixture("error"), typed, "error", steps(&[
            ("retry", &["error:EOQS1234"]),
            ("self-declaration", &["rule"]),
        ])),
    ];
    for (what, r, known, why, want) in table {
        let (got_why, got_steps) = summary(&r, &known, today).unwrap_or_else(|| panic!("{what}: no resolution"));
        assert_eq!(got_why, why, "{what}");
        assert_eq!(got_steps, want, "{what}");
    }
}

#[test]
fn a_6_digit_kokuho_number_typed_is_pointed_out() {
    let mut r = fixture("error");
    r.error = None;
    r.validity = Validity::NotFound;
    // What staff typed: a 6-digit 市町村国保 number.
    r.asked = Some(madoguchi_core::eligibility::CardDetails {
        insurer_number: madoguchi_core::eligibility::InsurerNumber::from_trusted("131151"),
        symbol: "杉並".into(),
        number: "6745425".into(),
        branch: Some("00".into()),
        birth_date: d("1964-01-27"),
    });
    let (_, s) = summary(&r, &DeskKnowledge { typed: true, ..Default::default() }, d("2026-12-07")).unwrap();
    assert_eq!(s[0], ("check-kokuho-number".to_string(), vec!["answer:4".to_string(), "kokuho".to_string()]));
}

#[test]
fn every_message_has_words_in_both_languages() {
    for lang in ["ja", "en"] {
        let path = format!("{}/../../locales/{lang}/resolution.ftl", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap();
        for id in MESSAGE_IDS {
            assert!(text.lines().any(|l| l.starts_with(&format!("{id} ="))), "{id} missing in {path}");
        }
    }
}
