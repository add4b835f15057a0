//! 一括照会 through the OQS folder in the real national system's two steps,
//! against the training terminal on a real folder and the desk's real
//! (encrypted) store: 200 appointments go out as two `OQSmuquc01req`, the
//! terminal gives receipts, says 処理中 twice for each, then gives the
//! results as `.zip`; the desk is closed after the receipts and a new desk
//! on the same data fetches the results with the kept 受付番号 without
//! sending the 200 rows again (what is in `req/`, and the archive, says
//! so). A request the terminal refuses (`.err`) stops the batch in words
//! with every row still there, and goes out once the cause is fixed.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use madoguchi_adapters::oqs::{self, OqsDocument};
use madoguchi_app::desk::Desk;
use madoguchi_app::settings::Settings;
use madoguchi_app::words::say;
use madoguchi_core::appointments::Group;
use madoguchi_i18n::Lang;
use madoguchi_training::terminal::{self, TerminalOptions};

const FACILITY: &str = "1312345678";

fn now() -> chrono::NaiveDateTime {
    chrono::Local::now().naive_local()
}

fn list(people: &[common::Sample], date: chrono::NaiveDate) -> String {
    let mut out = String::from("予約日時,患者番号,氏名,カナ氏名,生年月日,保険者番号,記号,番号,枝番\r\n");
    for (i, p) in people.iter().enumerate() {
        out.push_str(&format!(
            "{date} {}:{:02},P{:04},{},{},{},{},{},{},{}\r\n",
            8 + i / 20,
            (i % 20) * 3,
            i + 1,
            p.name,
            p.name_kana,
            p.birth_date,
            p.insurer_number,
            p.symbol,
            p.number,
            p.branch
        ));
    }
    out
}

fn expected_group(p: &common::Sample) -> Group {
    match p.expected_validity.as_str() {
        "valid" | "valid_unregistered" => Group::Valid,
        "invalid" => Group::Invalid,
        "invalid_new_qualification" => Group::NewQualification,
        "not_found" => Group::NotFound,
        "multiple_found" => Group::MultipleFound,
        other => panic!("unexpected validity {other}"),
    }
}

struct Folder {
    dir: common::DataDir,
    oqs: PathBuf,
    people: Vec<common::Sample>,
    _terminal: terminal::RunningTerminal,
}

fn folder(n: usize, seed: u64, options: TerminalOptions) -> Folder {
    let dir = common::data_dir();
    let db = dir.path().join("people.sqlite");
    let population = madoguchi_training::generate(&db, 2_000, seed).unwrap();
    let oqs = dir.path().join("OQS");
    std::fs::create_dir_all(&oqs).unwrap();
    let terminal = terminal::spawn_with(&oqs, population, options).unwrap();
    let people = common::sample_people(&db, 2_000, seed, n);
    assert_eq!(people.len(), n);
    std::fs::create_dir_all(dir.path().join("desk")).unwrap();
    Folder { dir, oqs, people, _terminal: terminal }
}

fn desk(f: &Folder, facility: &str, wait_secs: u64) -> Arc<Desk> {
    let settings = Settings {
        data_dir: f.dir.path().join("desk"),
        oqs_dir: Some(f.oqs.clone()),
        facility_code: facility.into(),
        oqs_timeout_secs: 20,
        oqs_batch_poll_secs: 1,
        oqs_batch_wait_secs: wait_secs,
        ..Settings::default()
    };
    let desk = Desk::open(settings).unwrap();
    desk.connect();
    desk
}

/// Every file under `dir`, by name (the archive keeps what went through).
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

fn named(files: &[PathBuf], prefix: &str) -> Vec<PathBuf> {
    files.iter().filter(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix)).cloned().collect()
}

/// The cards sent in every `OQSmuquc01req` under `dir`, as (name, count).
fn batches_sent(dir: &Path) -> Vec<usize> {
    named(&walk(dir), "OQSmuquc01req_")
        .iter()
        .map(|p| match oqs::parse_file(p).unwrap() {
            OqsDocument::BatchRequest(r) => r.entries.len(),
            other => panic!("{p:?}: {other:?}"),
        })
        .collect()
}

fn receptions_asked(dir: &Path) -> Vec<String> {
    named(&walk(dir), "OQSmuquc02req_")
        .iter()
        .map(|p| match oqs::parse_file(p).unwrap() {
            OqsDocument::BatchResultRequest(r) => {
                assert_eq!(r.institution_code, FACILITY);
                r.reception_number
            }
            other => panic!("{p:?}: {other:?}"),
        })
        .collect()
}

#[test]
fn two_hundred_rows_in_two_steps_with_a_restart_between_receipt_and_results() {
    let f = folder(200, 21, TerminalOptions { zip_every: 1, ..TerminalOptions::default() });
    let today = now().date();
    let text = list(&f.people, today);
    let batch_id;
    let receipts: BTreeSet<String>;
    {
        // This desk asks once for results and does not wait: it sees the
        // receipts and the first 処理中, then it is closed.
        let desk = desk(&f, FACILITY, 0);
        let import = desk.batch.import(text.as_bytes(), Some("予約.csv"), now()).unwrap();
        assert!(import.bad_rows.is_empty(), "{:?}", import.bad_rows);
        batch_id = import.batch.id;
        let run = desk.batch.run(batch_id, &|_| {}, now()).unwrap();
        let stopped = run.stopped.expect("stopped while 処理中");
        assert_eq!(stopped.id, "gateway-batch-processing");
        let words = say(Lang::Ja, &stopped);
        assert!(words.contains("まだ処理中") && words.contains("受付番号"), "{words}");
        assert_eq!((run.batch.pending, run.batch.done, run.batch.failed), (200, 0, 0), "every row waits");
        assert_eq!(run.report.count(Group::NotChecked), 200);
        // Each row says it was taken in and its results are awaited.
        let awaiting = run.report.lines.iter().filter(|l| l.problem.as_ref().is_some_and(|m| m.id == "batch-row-awaiting-results")).count();
        assert_eq!(awaiting, 200);
        let one = say(Lang::Ja, run.report.lines[0].problem.as_ref().unwrap());
        assert!(one.contains("受付番号") && one.contains("結果待ち"), "{one}");
        // The 200 cards went out once, 100 per file; two receipts came back.
        let mut sent = batches_sent(&f.oqs);
        sent.sort();
        assert_eq!(sent, [100, 100]);
        receipts = named(&walk(&f.oqs), "OQSmuquc01res_")
            .iter()
            .map(|p| match oqs::parse_file(p).unwrap() {
                OqsDocument::BatchReceipt(r) => r.reception_number.unwrap(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(receipts.len(), 2);
        assert_eq!(receptions_asked(&f.oqs).len(), 1, "asked once, answered 処理中");
        assert!(desk.checks.checks_on(today).unwrap().is_empty(), "nothing recorded yet");
        desk.shutdown();
    }
    // A new desk on the same data (as after a restart) finds the batch and
    // its 受付番号, and fetches the results without sending the cards again.
    let desk = desk(&f, FACILITY, 60);
    assert_eq!(desk.batch.list(true).unwrap().iter().map(|b| b.id).collect::<Vec<_>>(), [batch_id]);
    let run = desk.batch.run(batch_id, &|_| {}, now()).unwrap();
    assert_eq!(run.stopped, None);
    assert_eq!((run.batch.done, run.batch.pending, run.batch.failed), (200, 0, 0));

    let files = walk(&f.oqs);
    let mut sent = batches_sent(&f.oqs);
    sent.sort();
    assert_eq!(sent, [100, 100], "the 200 rows were not sent again");
    assert!(
        !walk(&f.oqs.join("req")).iter().any(|p| p.file_name().unwrap().to_string_lossy().starts_with("OQSmuquc01req_")),
        "no batch request left or added in req/"
    );
    // Each 受付番号 asked three times in all (処理中, 処理中, results),
    // the first ask of one by the closed desk; only the receipts' numbers.
    let asked = receptions_asked(&f.oqs);
    let mut per: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &asked {
        *per.entry(r.as_str()).or_default() += 1;
    }
    assert_eq!(per.keys().map(|k| k.to_string()).collect::<BTreeSet<_>>(), receipts);
    assert!(per.values().all(|n| *n == 3), "{per:?}");
    // The results came zipped, the 処理中 answers as XML.
    assert_eq!(files.iter().filter(|p| p.extension().is_some_and(|e| e == "zip")).count(), 2);
    assert_eq!(named(&files, "OQSmuquc02res_").len(), 6);

    // Every row answered as the population says, each a check with its line.
    let mut got: BTreeMap<usize, Group> = run.report.lines.iter().map(|l| (l.appointment.line, l.group)).collect();
    let expected: BTreeMap<usize, Group> = f.people.iter().enumerate().map(|(i, p)| (i + 2, expected_group(p))).collect();
    // A listed name the record writes otherwise is "differs", not wrong.
    for (line, g) in got.iter_mut() {
        if *g == Group::Differs && expected[line] == Group::Valid {
            *g = Group::Valid;
        }
    }
    assert_eq!(got, expected);
    assert!(run.report.lines.iter().all(|l| l.check_id.is_some()));
    assert_eq!(desk.checks.checks_on(today).unwrap().len(), 200);
    // 限度額適用認定証 changed for some rows: said on those lines and in the CSV.
    let changed = run.report.lines.iter().filter(|l| l.limit_certificate_changed).count();
    assert!(changed > 0 && changed < 100, "{changed} of 200");
    let csv = madoguchi_app::batch::report_csv(Lang::Ja, &run.report);
    assert_eq!(csv.matches("限度額適用認定証の変更あり（または判定不能）").count(), changed);
}

#[test]
fn a_refused_request_stops_the_batch_in_words_and_the_rows_stay() {
    let options = TerminalOptions { institution_code: Some(FACILITY.into()), ..TerminalOptions::default() };
    let f = folder(20, 22, options);
    let text = list(&f.people, now().date());
    let batch_id;
    {
        // A desk set up with another facility's code: the terminal refuses.
        let desk = desk(&f, "1399999999", 60);
        let import = desk.batch.import(text.as_bytes(), None, now()).unwrap();
        batch_id = import.batch.id;
        let run = desk.batch.run(batch_id, &|_| {}, now()).unwrap();
        let stopped = run.stopped.expect("stopped by the refusal");
        assert_eq!(stopped.id, "gateway-rejected");
        let words = say(Lang::Ja, &stopped);
        assert!(words.contains("OQSmuquc01req_") && words.contains("受け付けませんでした"), "{words}");
        assert!(words.contains("1399999999"), "the terminal's own reason: {words}");
        assert_eq!((run.batch.pending, run.batch.done, run.batch.failed), (20, 0, 0), "no row lost or failed");
        // The request and its .err are kept aside; nothing waits in req/.
        let failed = walk(&f.oqs.join("archive/failed"));
        assert!(!named(&failed, "OQSmuquc01req_").is_empty(), "{failed:?}");
        assert!(failed.iter().any(|p| p.to_string_lossy().ends_with(".err")), "{failed:?}");
        assert!(walk(&f.oqs.join("req")).is_empty());
        desk.shutdown();
    }
    // The code set right, the same rows go out and are answered.
    let desk = desk(&f, FACILITY, 60);
    let run = desk.batch.run(batch_id, &|_| {}, now()).unwrap();
    assert_eq!(run.stopped, None);
    assert_eq!((run.batch.done, run.batch.pending), (20, 0));
}

#[test]
fn a_cancel_while_the_terminal_is_still_processing_keeps_the_reception_number() {
    // The terminal says 処理中 for a long while; the desk would wait a minute.
    let f = folder(10, 23, TerminalOptions { processing_polls: 1_000, ..TerminalOptions::default() });
    let desk = desk(&f, FACILITY, 60);
    let import = desk.batch.import(list(&f.people, now().date()).as_bytes(), None, now()).unwrap();
    let id = import.batch.id;
    let run = std::thread::scope(|scope| {
        let running = scope.spawn(|| desk.batch.run(id, &|_| {}, now()).unwrap());
        // Staff cancel once the terminal has said 処理中 (a 02res in the archive).
        loop {
            let files = walk(&f.oqs.join("archive"));
            if !named(&files, "OQSmuquc02res_").is_empty() {
                break;
            }
            assert!(!running.is_finished(), "the run ended before any 処理中");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        assert!(desk.batch.cancel(id));
        running.join().unwrap()
    });
    assert_eq!(run.stopped.as_ref().map(|m| m.id.as_str()), Some("batch-cancelled"));
    assert_eq!((run.batch.pending, run.batch.done), (10, 0));
    // The rows are still the terminal's: awaited under their 受付番号, not to be sent again.
    assert!(run.report.lines.iter().all(|l| l.problem.as_ref().is_some_and(|m| m.id == "batch-row-awaiting-results")));
    assert_eq!(batches_sent(&f.oqs), [10]);
}
