//! The desk's database on disk: encrypted with a key from the OS keyring
//! (kernel keyutils in the tests), one key per data folder; a file without
//! its key is refused with a clear message and left untouched; a database
//! written unencrypted by an earlier version is encrypted at first opening.

mod common;

use std::path::Path;
use std::process::{Command, Output};

fn madoguchi(data: &Path, args: &[&str]) -> Output {
    Command::new(common::madoguchi_bin())
        .args(args)
        .env("MADOGUCHI_DATA_DIR", data)
        .env("MADOGUCHI_SETTINGS", data.join("none.json"))
        .env_remove("MADOGUCHI_SERVICE_URL")
        .env_remove("MADOGUCHI_LANG")
        .output()
        .expect("madoguchi runs")
}

fn check(data: &Path, service: &common::TrainingService, p: &common::Sample) -> Output {
    madoguchi(
        data,
        &[
            "check", "--service", &service.url, "--insurer", &p.insurer_number, "--symbol", &p.symbol, "--number", &p.number,
            "--branch", &p.branch, "--birth", &p.birth_date,
        ],
    )
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn checks_in(data: &Path) -> i64 {
    common::desk_db(data).query_row("SELECT count(*) FROM checks", [], |r| r.get(0)).unwrap()
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// What a plain SQLite (no key) makes of the file.
fn opens_without_key(db: &Path) -> bool {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)).is_ok()
}

#[test]
fn the_desk_database_is_encrypted_on_disk_and_its_key_is_in_the_keyring() {
    let service = common::TrainingService::start(1_000, 41);
    let data = common::data_dir();
    let people = service.sample(2);
    for p in &people {
        let out = check(data.path(), &service, p);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let db = data.path().join("madoguchi.sqlite");
    // Force the WAL into the main file, then look at every byte on disk.
    assert_eq!(checks_in(data.path()), 2);
    common::desk_db(data.path()).execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").unwrap();
    let mut bytes = std::fs::read(&db).unwrap();
    bytes.extend(std::fs::read(data.path().join("madoguchi.sqlite-wal")).unwrap_or_default());
    for p in &people {
        assert!(!contains(&bytes, &p.name), "the name {} is on disk in clear", p.name);
        assert!(!contains(&bytes, &p.insurer_number), "the insurer number is on disk in clear");
    }
    assert!(!contains(&bytes, "SQLite format 3"), "not a plain SQLite file");
    assert!(!opens_without_key(&db), "plain SQLite cannot read it");

    // The key is in the keyring under the folder's entry; without it the
    // desk refuses, says why, and leaves the file as it was.
    let before = std::fs::read(&db).unwrap();
    madoguchi_app::storage::forget_key(data.path());
    let out = madoguchi(data.path(), &["cache", "stats"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(stderr(&out).contains("この端末の暗号鍵が見つかりません"), "{}", stderr(&out));
    assert!(stderr(&out).contains("バックアップから復元"), "{}", stderr(&out));
    let out = madoguchi(data.path(), &["check", "--service", &service.url, "--insurer", &people[0].insurer_number, "--symbol", &people[0].symbol, "--number", &people[0].number, "--branch", &people[0].branch, "--birth", &people[0].birth_date]);
    assert!(!out.status.success(), "a check cannot write into a database it cannot open");
    assert_eq!(std::fs::read(&db).unwrap(), before, "the file is untouched: no new key, no plaintext");
}

#[test]
fn a_database_copied_to_another_desk_is_refused_and_left_untouched() {
    let service = common::TrainingService::start(1_000, 42);
    let people = service.sample(2);
    let first = common::data_dir();
    let second = common::data_dir();
    assert!(check(first.path(), &service, &people[0]).status.success());
    assert!(check(second.path(), &service, &people[1]).status.success());
    common::desk_db(first.path()).execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").unwrap();
    common::desk_db(second.path()).execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").unwrap();

    // Two data folders, two keys: the first desk's file copied over the
    // second's cannot be read with the second's key.
    let copied = std::fs::read(first.path().join("madoguchi.sqlite")).unwrap();
    for f in ["madoguchi.sqlite-wal", "madoguchi.sqlite-shm"] {
        let _ = std::fs::remove_file(second.path().join(f));
    }
    std::fs::write(second.path().join("madoguchi.sqlite"), &copied).unwrap();
    let out = madoguchi(second.path(), &["cache", "stats"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(stderr(&out).contains("この端末の暗号鍵ではデータベースを開けません"), "{}", stderr(&out));
    let out = madoguchi(second.path(), &["--lang", "en", "cache", "stats"]);
    assert!(stderr(&out).to_lowercase().contains("key"), "{}", stderr(&out));
    assert_eq!(std::fs::read(second.path().join("madoguchi.sqlite")).unwrap(), copied, "left as it was");

    // A folder moved as a whole keeps its key (the key id travels with it).
    let moved = common::data_dir();
    for f in ["madoguchi.sqlite", "key-id"] {
        std::fs::copy(first.path().join(f), moved.path().join(f)).unwrap();
    }
    assert_eq!(checks_in(moved.path()), 1);
}

#[test]
fn a_database_from_an_earlier_unencrypted_version_is_encrypted_at_first_opening() {
    let service = common::TrainingService::start(1_000, 43);
    let p = service.sample(1).remove(0);
    let made = common::data_dir();
    assert!(check(made.path(), &service, &p).status.success());
    // The same database written out in clear, as versions before the
    // encryption kept it.
    let old = common::data_dir();
    let plain = old.path().join("madoguchi.sqlite");
    let conn = common::desk_db(made.path());
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    conn.execute_batch(&format!(
        "ATTACH DATABASE '{}' AS plain KEY ''; SELECT sqlcipher_export('plain'); PRAGMA plain.user_version = {version}; DETACH DATABASE plain;",
        plain.display()
    ))
    .unwrap();
    assert!(opens_without_key(&plain));
    assert!(contains(&std::fs::read(&plain).unwrap(), &p.name), "the old file has the name in clear");

    let out = madoguchi(old.path(), &["cache", "stats", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let stats: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(stats["checks"], 1, "{stats}");
    assert!(!opens_without_key(&plain), "encrypted now");
    assert!(!contains(&std::fs::read(&plain).unwrap(), &p.name));
    assert_eq!(checks_in(old.path()), 1);
    let names: Vec<String> = std::fs::read_dir(old.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(!names.iter().any(|n| n.contains("unencrypted")), "no plaintext copy left behind: {names:?}");
}

/// The window's desk keeps its database open; a command run meanwhile (a
/// script, `madoguchi print`) reads what the desk has just written, and the
/// desk reads what the command has just written.
#[test]
fn a_command_reads_what_the_open_desk_just_wrote_and_the_desk_what_the_command_wrote() {
    let service = common::TrainingService::start(1_000, 44);
    let people = service.sample(2);
    let data = common::data_dir();
    let settings = madoguchi_app::settings::Settings {
        data_dir: data.path().to_path_buf(),
        service_url: Some(service.url.clone()),
        ..Default::default()
    };
    let desk = madoguchi_app::desk::Desk::open(settings).unwrap();
    desk.connect();
    let checks_by_command = || {
        let stats = madoguchi(data.path(), &["cache", "stats", "--json"]);
        assert!(stats.status.success(), "{}", stderr(&stats));
        serde_json::from_slice::<serde_json::Value>(&stats.stdout).unwrap()["checks"].as_i64().unwrap()
    };
    let mut seen = std::collections::BTreeSet::new();
    for (i, p) in people.iter().enumerate() {
        let key = format!("{}:{}:{}:{}", p.insurer_number, p.symbol, p.number, p.branch);
        // The desk writes; the command reads it.
        let input = madoguchi_core::validation::CardInput {
            insurer_number: p.insurer_number.clone(),
            symbol: p.symbol.clone(),
            number: p.number.clone(),
            branch: p.branch.clone(),
            birth_date: p.birth_date.clone(),
        };
        let by_desk = desk.checks.check(&input, chrono::Local::now().naive_local()).unwrap();
        assert!(by_desk.warning.is_none(), "{by_desk:?}");
        seen.insert(by_desk.check_id.unwrap());
        assert_eq!(checks_by_command(), 2 * i as i64 + 1, "the command sees the open desk's check");

        // The command writes; the open desk reads it (on the day the
        // command ran: one of the days of the clock before and after it).
        let before = chrono::Local::now().date_naive();
        let out = check(data.path(), &service, p);
        assert!(out.status.success(), "{}", stderr(&out));
        let after = chrono::Local::now().date_naive();
        let mut days = vec![before];
        days.push(after);
        days.dedup();
        let new: Vec<_> = days.iter().flat_map(|d| desk.checks.checks_on(*d).unwrap()).filter(|c| !seen.contains(&c.id)).collect();
        assert_eq!(new.len(), 1, "the open desk sees the command's check: {new:?}");
        assert_eq!(new[0].person_key, key, "{new:?}");
        seen.insert(new[0].id);
        assert_eq!(checks_by_command(), 2 * i as i64 + 2);
    }
}
