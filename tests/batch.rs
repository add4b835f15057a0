//! 一括照会 at the desk, against the real training service on 127.0.0.1 and
//! the training terminal on a real OQS folder: a list of 50 appointments
//! with 5 deliberately wrong rows lands in the right groups; a batch
//! cancelled midway (and the desk closed, as in a crash) resumes and checks
//! every row exactly once; the service going away stops the batch, which
//! goes on when it is back.

mod common;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use madoguchi_app::batch::BatchProgress;
use madoguchi_app::desk::Desk;
use madoguchi_app::settings::Settings;
use madoguchi_core::appointments::{Group, ReportLine};
use madoguchi_i18n::{messages, Lang};

fn now() -> chrono::NaiveDateTime {
    chrono::Local::now().naive_local()
}

/// One row of a list.
struct Row {
    name: String,
    kana: String,
    birth: String,
    insurer: String,
    symbol: String,
    number: String,
    branch: String,
}

impl Row {
    fn of(p: &common::Sample) -> Row {
        Row {
            name: p.name.clone(),
            kana: p.name_kana.clone(),
            birth: p.birth_date.clone(),
            insurer: p.insurer_number.clone(),
            symbol: p.symbol.clone(),
            number: p.number.clone(),
            branch: p.branch.clone(),
        }
    }
}

fn csv(rows: &[Row], date: chrono::NaiveDate) -> String {
    let mut out = String::from("予約日時,患者番号,氏名,カナ氏名,生年月日,保険者番号,記号,番号,枝番\r\n");
    for (i, r) in rows.iter().enumerate() {
        out.push_str(&format!(
            "{date} {}:{:02},P{:04},{},{},{},{},{},{},{}\r\n",
            9 + i / 12,
            (i % 12) * 5,
            i + 1,
            r.name,
            r.kana,
            r.birth,
            r.insurer,
            r.symbol,
            r.number,
            r.branch
        ));
    }
    out
}

/// The group each sampled person must land in, from what the service says of them.
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

/// 50 appointments, 5 of them wrong on purpose; the file's line of each and
/// the group (or bad row: None) it must end in.
fn fifty_with_five_wrong(people: &[common::Sample], date: chrono::NaiveDate) -> (String, BTreeMap<usize, Option<Group>>) {
    assert_eq!(people.len(), 50);
    let mut rows: Vec<Row> = people.iter().map(Row::of).collect();
    let mut expected: BTreeMap<usize, Option<Group>> = people.iter().enumerate().map(|(i, p)| (i + 2, Some(expected_group(p)))).collect();
    // 1. A typo in the insurer number's check digit: a bad row, not sent.
    rows[3].insurer = common::mistype_check_digit(&rows[3].insurer);
    expected.insert(5, None);
    // 2. A birth date that is no date: a bad row.
    rows[11].birth = "S99.13.1".into();
    expected.insert(13, None);
    // 3. The wrong birth date: the service finds nobody.
    let b: chrono::NaiveDate = rows[20].birth.parse().unwrap();
    rows[20].birth = (b - chrono::Duration::days(1)).to_string();
    expected.insert(22, Some(Group::NotFound));
    // 4. The wrong number: nobody either.
    rows[29].number.push('9');
    expected.insert(31, Some(Group::NotFound));
    // 5. Another name than the insurer's record (the card is right): valid, but it differs.
    rows[40].name = "窓口　花子".into();
    rows[40].kana = String::new();
    if expected[&42] == Some(Group::Valid) {
        expected.insert(42, Some(Group::Differs));
    }
    (csv(&rows, date), expected)
}

fn groups_by_line(lines: &[ReportLine]) -> BTreeMap<usize, Option<Group>> {
    lines.iter().map(|l| (l.appointment.line, Some(l.group))).collect()
}

fn desk_for(service_url: &str, data: &std::path::Path) -> Arc<Desk> {
    let settings = Settings { data_dir: data.to_path_buf(), service_url: Some(service_url.to_string()), timeout_secs: 5, ..Settings::default() };
    let desk = Desk::open(settings).unwrap();
    desk.connect();
    desk
}

#[test]
fn fifty_appointments_with_five_wrong_rows_land_in_the_right_groups() {
    let service = common::TrainingService::start(2_000, 7);
    let people = service.sample(50);
    let data = common::data_dir();
    let desk = desk_for(&service.url, data.path());
    let today = now().date();
    let (text, expected) = fifty_with_five_wrong(&people, today);

    let import = desk.batch.import(text.as_bytes(), Some("予約.csv"), now()).unwrap();
    assert_eq!(import.batch.total, 48);
    let bad: Vec<usize> = import.bad_rows.iter().map(|b| b.line).collect();
    assert_eq!(bad, vec![5, 13]);
    // The reasons, in words: which field, which digit.
    assert_eq!(import.bad_rows[0].problems[0].message.id, "problem-check-digit");
    let position = people[3].insurer_number.len().to_string();
    assert!(import.bad_rows[0].problems[0].message.args.contains(&("position".to_string(), position)));
    assert_eq!(import.bad_rows[1].problems[0].message.id, "date-outside-era", "昭和 ended in its 64th year");

    let seen = Mutex::new(Vec::<BatchProgress>::new());
    let run = desk.batch.run(import.batch.id, &|p| seen.lock().unwrap().push(p), now()).unwrap();
    assert_eq!(run.stopped, None);
    let seen = seen.into_inner().unwrap();
    assert_eq!(seen.first().map(|p| (p.done, p.total)), Some((0, 48)));
    assert_eq!(seen.last().map(|p| (p.done, p.total)), Some((48, 48)));
    assert!(seen.windows(2).all(|w| w[0].done <= w[1].done), "progress only goes forward");

    let mut got = groups_by_line(&run.report.lines);
    for b in &run.report.bad_rows {
        got.insert(b.line, None);
    }
    assert_eq!(got, expected);
    let differs: Vec<_> = run.report.lines_in(Group::Differs).collect();
    assert_eq!(differs.len(), usize::from(expected[&42] == Some(Group::Differs)));
    if let Some(d) = differs.first() {
        assert_eq!(d.differences.len(), 1);
        assert_eq!(d.differences[0].field.code(), "name");
        assert_eq!(d.differences[0].recorded, people[40].name);
    }
    // Each answered row is a check of today, with its line in the audit log.
    let checks = desk.checks.checks_on(now().date()).unwrap();
    assert_eq!(checks.len(), 48);
    assert!(run.report.lines.iter().all(|l| l.check_id.is_some()));
    let audited = desk.context().audit_entries().unwrap().len();
    assert!(audited >= 48, "{audited} audit entries");
    assert_eq!(desk.batch.list(true).unwrap(), vec![]);

    // The CSV export has every line and both bad rows, in Japanese.
    let csv = madoguchi_app::batch::report_csv(Lang::Ja, &run.report);
    assert!(csv.starts_with("\u{feff}結果,行,予約日時"));
    assert_eq!(csv.lines().count(), 1 + 48 + 2);
    assert!(csv.contains("該当資格なし"));
    assert!(csv.contains("読めなかった行"));
    assert!(csv.contains(&format!("{}桁目", people[3].insurer_number.len())), "the bad row's problem in words");
}

#[test]
fn a_cancelled_batch_resumes_after_a_restart_and_checks_each_row_once() {
    let service = common::TrainingService::start(2_000, 8);
    let people = service.sample(50);
    let data = common::data_dir();
    let rows: Vec<Row> = people.iter().map(Row::of).collect();
    let text = csv(&rows, now().date());
    let batch_id;
    {
        let desk = desk_for(&service.url, data.path());
        let import = desk.batch.import(text.as_bytes(), None, now()).unwrap();
        batch_id = import.batch.id;
        let cancelled = AtomicUsize::new(0);
        let run = desk
            .batch.run(
                batch_id,
                &|p| {
                    if p.done >= 10 && cancelled.fetch_add(1, Ordering::SeqCst) == 0 {
                        assert!(desk.batch.cancel(batch_id));
                    }
                },
                now(),
            )
            .unwrap();
        assert_eq!(run.stopped.as_ref().map(|m| m.id.as_str()), Some("batch-cancelled"));
        assert!(run.batch.done >= 10 && run.batch.done < 50, "stopped midway: {}", run.batch.done);
        assert_eq!(run.batch.pending, 50 - run.batch.done);
        assert!(!desk.batch.cancel(batch_id), "not running any more");
        // The report so far: pending rows are "not checked", none lost.
        assert_eq!(run.report.lines.len(), 50);
        assert_eq!(run.report.count(Group::NotChecked), run.batch.pending);
        desk.shutdown();
    }
    // A new desk on the same database (as after a crash) finds the batch and goes on.
    let desk = desk_for(&service.url, data.path());
    let open = desk.batch.list(true).unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].id, batch_id);
    let run = desk.batch.run(batch_id, &|_| {}, now()).unwrap();
    assert_eq!(run.stopped, None);
    assert_eq!((run.batch.done, run.batch.pending), (50, 0));
    assert_eq!(run.report.count(Group::NotChecked), 0);
    // Every row checked exactly once: 50 checks, one per card.
    let checks = desk.checks.checks_on(now().date()).unwrap();
    assert_eq!(checks.len(), 50);
    let mut keys: Vec<&str> = checks.iter().map(|c| c.person_key.as_str()).collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), 50);
    // A finished batch runs nothing more.
    let again = desk.batch.run(batch_id, &|_| {}, now()).unwrap();
    assert_eq!(desk.checks.checks_on(now().date()).unwrap().len(), 50);
    assert_eq!(again.batch.done, 50);
}

#[test]
fn the_service_going_away_stops_the_batch_which_goes_on_when_it_is_back() {
    let service = common::TrainingService::start(2_000, 9);
    let people = service.sample(20);
    let data = common::data_dir();
    let desk = desk_for(&service.url, data.path());
    let rows: Vec<Row> = people.iter().map(Row::of).collect();
    let import = desk.batch.import(csv(&rows, now().date()).as_bytes(), None, now()).unwrap();
    let stopped = service.stop();
    let run = desk.batch.run(import.batch.id, &|_| {}, now()).unwrap();
    assert_eq!(run.stopped.as_ref().map(|m| m.id.as_str()), Some("gateway-unreachable"));
    assert_eq!(run.batch.pending, 20, "nothing is lost or marked failed");
    let _back = stopped.resume();
    let run = desk.batch.run(import.batch.id, &|_| {}, now()).unwrap();
    assert_eq!(run.stopped, None);
    assert_eq!(run.report.count(Group::Valid) + run.report.count(Group::Invalid) + run.report.count(Group::NewQualification), 20);
}

#[test]
fn through_the_oqs_folder_with_the_training_terminal() {
    let dir = common::data_dir();
    let population = madoguchi_training::generate(&dir.path().join("people.sqlite"), 2_000, 11).unwrap();
    let oqs = dir.path().join("OQS");
    std::fs::create_dir_all(&oqs).unwrap();
    madoguchi_adapters::oqs::OqsFolderLayout::new(&oqs).prepare().unwrap();
    let _terminal = madoguchi_training::terminal::spawn(&oqs, population.clone()).unwrap();
    let people = common::sample_people(&dir.path().join("people.sqlite"), 2_000, 11, 50);
    std::fs::create_dir_all(dir.path().join("desk")).unwrap();
    let settings = Settings {
        data_dir: dir.path().join("desk"),
        oqs_dir: Some(oqs.clone()),
        facility_code: "1312345678".into(),
        oqs_timeout_secs: 20,
        oqs_batch_poll_secs: 1,
        ..Settings::default()
    };
    let desk = Desk::open(settings).unwrap();
    desk.connect();
    let today = now().date();
    let (text, expected) = fifty_with_five_wrong(&people, today);
    // Shift_JIS, as clinic software exports it.
    let (sjis, _, lossy) = encoding_rs::SHIFT_JIS.encode(&text);
    assert!(!lossy);
    let import = desk.batch.import(&sjis, Some("yoyaku.csv"), now()).unwrap();
    assert_eq!(import.bad_rows.len(), 2);
    let run = desk.batch.run(import.batch.id, &|_| {}, now()).unwrap();
    assert_eq!(run.stopped, None);
    let mut got = groups_by_line(&run.report.lines);
    for b in &run.report.bad_rows {
        got.insert(b.line, None);
    }
    assert_eq!(got, expected);
    // The batch files went through the folder and were archived.
    let archived: Vec<String> = walk(&oqs).into_iter().filter(|n| n.starts_with("OQSmuquc")).collect();
    assert!(archived.iter().any(|n| n.starts_with("OQSmuquc01req")), "{archived:?}");
    assert!(archived.iter().any(|n| n.starts_with("OQSmuquc01res")), "the receipt: {archived:?}");
    assert!(archived.iter().any(|n| n.starts_with("OQSmuquc02req")), "{archived:?}");
    assert!(archived.iter().any(|n| n.starts_with("OQSmuquc02res")), "{archived:?}");
    assert!(run.report.lines.iter().all(|l| l.check_id.is_some()));
}

fn walk(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(e.file_name().to_string_lossy().into_owned());
        }
    }
    out
}

#[test]
fn the_sample_list_in_the_repository_reads_without_bad_rows() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/samples/appointments.csv");
    let text = std::fs::read_to_string(path).unwrap();
    let parsed = madoguchi_adapters::csv::parse_appointments(&text, now().date()).unwrap();
    assert_eq!(parsed.bad_rows, vec![]);
    assert_eq!(parsed.rows.len(), 10);
}

#[test]
fn every_batch_message_is_in_both_languages() {
    use madoguchi_core::appointments::{Column, DiffField, MESSAGE_IDS};
    let mut ids: Vec<String> = MESSAGE_IDS.iter().chain(madoguchi_adapters::csv::MESSAGE_IDS).map(|s| s.to_string()).collect();
    ids.extend(Column::ALL.iter().map(|c| c.message_id()));
    ids.extend(Group::ALL.iter().map(|g| g.message_id()));
    ids.extend(DiffField::ALL.iter().map(|d| d.message_id()));
    for id in ["batch-service-said", "batch-row-pending", "batch-row-awaiting-results", "batch-limit-certificate-changed", "batch-csv-bad-row", "batch-diff-line", "batch-row-line"] {
        ids.push(id.into());
    }
    for id in &ids {
        for lang in [Lang::Ja, Lang::En] {
            assert!(messages().has(lang, id), "{id} missing in {lang:?}");
        }
    }
}
