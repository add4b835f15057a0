//! Input limits through the real `madoguchi` binary: a named pipe given to
//! `oqs parse`, `batch --csv` or `restore` is refused with a message at once
//! (it used to hang with none), and an appointment list with a 1 MB name
//! or a NUL in a name checks the other rows and names the bad line.

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Runs madoguchi and waits for it to exit (20 s at most: a reader blocked
/// on a pipe never exits, and is killed and reported).
fn madoguchi(data: &Path, args: &[&str]) -> Output {
    let mut child = Command::new(common::madoguchi_bin())
        .args(args)
        .env("MADOGUCHI_DATA_DIR", data)
        .env("MADOGUCHI_SETTINGS", data.join("none.json"))
        .env("MADOGUCHI_BACKUP_PASSPHRASE", "correct horse battery staple")
        .env_remove("MADOGUCHI_SERVICE_URL")
        .env_remove("MADOGUCHI_OQS_DIR")
        .env_remove("MADOGUCHI_LANG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("madoguchi runs");
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("madoguchi {args:?} did not exit: blocked on its input");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn fifo(dir: &Path, name: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    let ok = Command::new("mkfifo").arg(&path).status().expect("mkfifo runs").success();
    assert!(ok, "mkfifo {}", path.display());
    path
}

#[test]
fn a_named_pipe_is_refused_by_oqs_parse_batch_and_restore() {
    let data = common::data_dir();
    let pipe = fifo(data.path(), "OQSsiquc01res_20261120120000001.xml");
    let out = madoguchi(data.path(), &["oqs", "parse", pipe.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("OQSsiquc01res_20261120120000001.xml") && err.contains("通常のファイルではありません"), "{err}");

    let list = fifo(data.path(), "予約.csv");
    let out = madoguchi(data.path(), &["batch", "--csv", list.to_str().unwrap(), "--service", "http://127.0.0.1:9"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("予約.csv") && err.contains("通常のファイルではありません"), "{err}");

    let backup = fifo(data.path(), "backup.madoguchi");
    let out = madoguchi(data.path(), &["restore", backup.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(err.contains("backup.madoguchi") && err.contains("named pipe"), "{err}");
}

#[test]
fn a_huge_name_and_a_nul_are_bad_rows_named_by_line() {
    let service = common::TrainingService::start(1_000, 31);
    let people = service.sample(3);
    let data = common::data_dir();
    let mut text = String::from("氏名,生年月日,保険者番号,記号,番号,枝番\n");
    let names = [people[0].name.clone(), "山".repeat(1_000_000), format!("{}\u{0}", people[2].name)];
    for (p, name) in people.iter().zip(&names) {
        text.push_str(&format!("{},{},{},{},{},{}\n", name, p.birth_date, p.insurer_number, p.symbol, p.number, p.branch));
    }
    let list = data.path().join("予約.csv");
    std::fs::write(&list, text).unwrap();
    let out = madoguchi(data.path(), &["batch", "--csv", list.to_str().unwrap(), "--service", &service.url]);
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains("一括照会 1 件") && stdout.contains("読めなかった行 2 件"), "{stdout}");
    assert!(stderr.contains("3行目") && stderr.contains("長すぎます") && stderr.contains("1000000文字"), "{stderr}");
    assert!(stderr.contains("4行目") && stderr.contains("制御文字") && stderr.contains("U+0000"), "{stderr}");
    assert!(stderr.len() < 10_000, "the huge name is not repeated in the messages");
}
