//! A batch killed with `kill -9` again and again keeps every check with its
//! audit entry: the real `madoguchi batch` process against the real
//! training service, killed each time the store shows that it has recorded
//! more rows, then `--resume`d to the end; every check has exactly one
//! `eligibility_check` entry naming it, no entry names a check that is not
//! there, and `madoguchi audit verify` passes.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const ROWS: usize = 1_000;
const KILLS: usize = 3;

fn madoguchi(data: &Path) -> Command {
    let mut c = Command::new(common::madoguchi_bin());
    c.env("MADOGUCHI_DATA_DIR", data)
        .env("MADOGUCHI_SETTINGS", data.join("none.json"))
        .env_remove("MADOGUCHI_SERVICE_URL")
        .env_remove("MADOGUCHI_OQS_DIR")
        .env_remove("MADOGUCHI_LANG");
    c
}

fn list(people: &[common::Sample]) -> String {
    let mut out = String::from("氏名,生年月日,保険者番号,記号,番号,枝番\n");
    for p in people {
        out.push_str(&format!("{},{},{},{},{},{}\n", p.name, p.birth_date, p.insurer_number, p.symbol, p.number, p.branch));
    }
    out
}

/// Rows done in the store, as the test reads it (a connection of its own,
/// with the folder's key); None while the database is not there yet.
fn rows_done(data: &Path) -> Option<(i64, usize)> {
    if !data.join("madoguchi.sqlite").is_file() || !data.join("key-id").is_file() {
        return None;
    }
    let settings = madoguchi_app::settings::Settings { data_dir: data.to_path_buf(), ..Default::default() };
    let keys = madoguchi_app::storage::key_store(&settings).ok()?;
    let conn = madoguchi_adapters::store::raw_connection(&settings.database_path(), &keys).ok()?;
    conn.busy_timeout(Duration::from_secs(5)).ok()?;
    conn.query_row(
        "SELECT batch_id, COUNT(*) FROM batch_rows WHERE state = 'done' GROUP BY batch_id",
        [],
        |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)? as usize)),
    )
    .ok()
}

/// Waits until the running batch has recorded more than `beyond` rows, then
/// kills it (SIGKILL: no destructor, no last commit). Answers the batch id
/// and the rows done before the kill. Panics if the process ends by itself
/// first, or after `limit`.
fn kill_after(mut child: Child, data: &Path, beyond: usize, limit: Duration) -> (i64, usize) {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the batch ended ({status}) before {beyond} rows were done: make the list longer");
        }
        if let Some((id, done)) = rows_done(data) {
            if done > beyond {
                child.kill().unwrap();
                child.wait().unwrap();
                return (id, done);
            }
        }
        assert!(start.elapsed() < limit, "no progress beyond {beyond} rows within {limit:?}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn kill_9_during_a_batch_then_resume_leaves_every_check_with_one_audit_entry() {
    let service = common::TrainingService::start(2_000, 31);
    let people = service.sample(ROWS);
    assert_eq!(people.len(), ROWS);
    let data = common::data_dir();
    let csv = data.path().join("予約.csv");
    std::fs::write(&csv, list(&people)).unwrap();
    let limit = Duration::from_secs(120);

    let spawn = |args: &[&str]| {
        madoguchi(data.path()).args(args).stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("madoguchi runs")
    };
    // The first run, killed once it has recorded a few rows; then each
    // resume killed once it has recorded more.
    let first = spawn(&["batch", "--csv", csv.to_str().unwrap(), "--service", &service.url]);
    let (id, mut done) = kill_after(first, data.path(), 0, limit);
    let id_arg = id.to_string();
    for _ in 1..KILLS {
        let resumed = spawn(&["batch", "--resume", &id_arg, "--service", &service.url]);
        let (again, now_done) = kill_after(resumed, data.path(), done, limit);
        assert_eq!(again, id);
        done = now_done;
    }
    assert!(done < ROWS, "every kill landed inside the batch ({done} of {ROWS} done)");

    // Resumed to the end.
    let out = madoguchi(data.path()).args(["batch", "--resume", &id_arg, "--service", &service.url]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&out.stderr));

    let conn = common::desk_db(data.path());
    let checks: Vec<i64> = conn
        .prepare("SELECT check_id FROM batch_rows WHERE batch_id = ?1 AND state = 'done' ORDER BY check_id")
        .unwrap()
        .query_map([id], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(checks.len(), ROWS, "every row checked");
    let all_checks: i64 = conn.query_row("SELECT COUNT(*) FROM checks", [], |r| r.get(0)).unwrap();
    assert_eq!(all_checks as usize, ROWS, "every row checked once: no check outside its row");
    let mut entries: BTreeMap<i64, usize> = BTreeMap::new();
    let details: Vec<Option<String>> = conn
        .prepare("SELECT detail FROM audit_log WHERE action = 'eligibility_check'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for d in &details {
        let d: serde_json::Value = serde_json::from_str(d.as_deref().expect("an entry names its check")).unwrap();
        *entries.entry(d["check_id"].as_i64().expect("check_id")).or_default() += 1;
    }
    let without: Vec<_> = checks.iter().filter(|c| !entries.contains_key(c)).collect();
    assert!(without.is_empty(), "{} checks without an audit entry: {without:?}", without.len());
    let twice: Vec<_> = entries.iter().filter(|(_, n)| **n != 1).collect();
    assert!(twice.is_empty(), "checks with more than one entry: {twice:?}");
    assert_eq!(entries.len(), ROWS, "no entry for a check that is not there");

    let verify = madoguchi(data.path()).args(["audit", "verify"]).output().unwrap();
    assert!(verify.status.success(), "audit verify: {}", String::from_utf8_lossy(&verify.stderr));
}
