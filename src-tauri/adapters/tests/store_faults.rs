//! Faults: a read-only file, a full disk, concurrent writers, and a writer
//! killed with SIGKILL in the middle of its work. Real SQLCipher files on a
//! real file system throughout.
mod store_support;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use madoguchi_adapters::keystore::{Key, KeyStore, MemoryKeyStore};
use madoguchi_adapters::store::{Store, StoreError};
use store_support::*;

fn fill(s: &mut Store, from: u32, n: u32) -> Vec<i64> {
    (from..from + n)
        .map(|i| {
            let c = card(i);
            record(
                s,
                &c,
                &result_for(&c, at(2026, 11, 20, 9, 0, 0), 30),
                at(2026, 11, 20, 9, i % 60, 0),
            )
        })
        .collect()
}

fn run(cmd: &str, args: &[&str]) -> bool {
    Command::new(cmd)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Undoes whatever made a file read-only.
struct Writable(PathBuf, &'static str);

impl Drop for Writable {
    fn drop(&mut self) {
        let p = self.0.to_string_lossy().into_owned();
        match self.1 {
            "chattr" => {
                run("chattr", &["-i", &p]);
            }
            "remount" => {
                run("umount", &[&p]);
                return;
            }
            _ => {}
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&self.0, std::fs::Permissions::from_mode(0o644));
        }
    }
}

fn writable(path: &Path) -> bool {
    std::fs::OpenOptions::new().append(true).open(path).is_ok()
}

#[test]
#[cfg(unix)]
fn a_read_only_database_file_gives_a_clear_error_and_loses_nothing() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let written = dir.path().join("m.sqlite");
    let keys = MemoryKeyStore::new();
    let ids = fill(&mut Store::open_encrypted(&written, &keys).unwrap(), 0, 20);

    std::fs::set_permissions(&written, std::fs::Permissions::from_mode(0o444)).unwrap();
    let path = written.clone();
    let mut guard = Writable(written.clone(), "chmod");
    if writable(&path) {
        // root ignores the mode bits: the file bound read-only onto itself
        // (read-only for root as chmod is for anyone else; the folder stays
        // writable, as with chmod) …
        let file = written.to_string_lossy().into_owned();
        if run("mount", &["--bind", &file, &file]) {
            guard = Writable(written.clone(), "remount");
            run("mount", &["-o", "remount,ro,bind", &file]);
        }
    }
    if writable(&path) {
        // … or, where mounting is not allowed, an immutable file.
        drop(guard);
        std::fs::set_permissions(&written, std::fs::Permissions::from_mode(0o444)).unwrap();
        guard = Writable(written.clone(), "chattr");
        run("chattr", &["+i", &written.to_string_lossy()]);
    }
    if writable(&path) {
        // Not a silent pass: this test exists to run as root too (CI does).
        assert!(
            std::env::var_os("MADOGUCHI_TEST_NO_MOUNT").is_some(),
            "neither chmod, a read-only bind mount nor chattr makes the file read-only here; \
             MADOGUCHI_TEST_NO_MOUNT=1 skips this test where that is known"
        );
        eprintln!("SKIPPED (MADOGUCHI_TEST_NO_MOUNT): nothing makes the file read-only here");
        return;
    }

    match Store::open_encrypted(&path, &keys) {
        Ok(mut s) => {
            eprintln!("opened read-only ({})", guard.1);
            // Reading works …
            assert!(s.cached_result(&card(3)).unwrap().is_some());
            // … writing says why it cannot.
            let c = card(500);
            let err = s
                .record_check(&madoguchi_adapters::store::NewCheck {
                    checked_at: at(2026, 11, 20, 10, 0, 0),
                    staff: "受付1",
                    asked: Some(&c),
                    result: &result_for(&c, at(2026, 11, 20, 10, 0, 0), 30),
                })
                .unwrap_err();
            assert!(matches!(err, StoreError::ReadOnly(_)), "{err:?}");
            assert_eq!(err.message_id(), "store-read-only");
            let err = s
                .queue_check(&c, at(2026, 11, 20, 10, 0, 0), None)
                .unwrap_err();
            assert!(matches!(err, StoreError::ReadOnly(_)), "{err:?}");
        }
        Err(err) => {
            eprintln!("refused at open ({}): {err}", guard.1);
            // Opening may already fail; then it must say read-only too.
            assert!(matches!(err, StoreError::ReadOnly(_)), "{err:?}");
        }
    }
    drop(guard);
    std::fs::set_permissions(&written, std::fs::Permissions::from_mode(0o644)).unwrap();
    let s = Store::open_encrypted(&written, &keys).unwrap();
    assert_eq!(s.stats().unwrap().checks, ids.len() as i64);
    s.integrity_check().unwrap();
}

/// A 512 KiB tmpfs mounted for the test (root), unmounted on drop.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(at: &Path) -> Option<Tmpfs> {
        std::fs::create_dir_all(at).ok()?;
        run(
            "mount",
            &[
                "-t",
                "tmpfs",
                "-o",
                "size=512k",
                "tmpfs",
                &at.to_string_lossy(),
            ],
        )
        .then(|| Tmpfs(at.into()))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        run("umount", &["-l", &self.0.to_string_lossy()]);
    }
}

fn assert_full_then_intact(s: &mut Store, reopen: impl FnOnce() -> Store) {
    let mut acked = Vec::new();
    let mut full = None;
    for i in 0..100_000u32 {
        let c = card(i);
        match s.record_check(&madoguchi_adapters::store::NewCheck {
            checked_at: at(2026, 11, 20, 9, 0, 0),
            staff: "受付1",
            asked: Some(&c),
            result: &result_for(&c, at(2026, 11, 20, 9, 0, 0), 30),
        }) {
            Ok(id) => acked.push((id, c)),
            Err(e) => {
                full = Some(e);
                break;
            }
        }
    }
    let err = full.expect("the disk never filled");
    assert!(matches!(err, StoreError::DiskFull(_)), "{err:?}");
    assert_eq!(err.message_id(), "store-disk-full");
    assert!(acked.len() > 10, "only {} rows before full", acked.len());
    // Still readable while full.
    assert!(s.cached_result(&acked[0].1).unwrap().is_some());
    let s2 = reopen();
    assert_eq!(s2.stats().unwrap().checks, acked.len() as i64);
    for (id, c) in &acked {
        assert_eq!(s2.cached_result(c).unwrap().unwrap().check_id, *id);
    }
    s2.integrity_check().unwrap();
}

#[test]
fn a_full_disk_gives_a_clear_error_and_earlier_rows_stay() {
    let dir = tempfile::tempdir().unwrap();
    let keys = MemoryKeyStore::new();
    // MADOGUCHI_TEST_NO_MOUNT=1 runs the fallback where mounting is allowed too.
    let mounted = match std::env::var_os("MADOGUCHI_TEST_NO_MOUNT") {
        Some(_) => None,
        None => Tmpfs::mount(&dir.path().join("small")),
    };
    if let Some(mnt) = mounted {
        eprintln!("a real 512 KiB tmpfs");
        let path = mnt.0.join("m.sqlite");
        // Something else also takes space on the disk; deleting it frees room
        // afterwards. (The schema takes room too: with migration 9 a 128 KiB
        // filler left 9 rows, 64 KiB leaves 13.)
        let filler = mnt.0.join("filler");
        std::fs::write(&filler, vec![0u8; 64 * 1024]).unwrap();
        let mut s = Store::open_encrypted(&path, &keys).unwrap();
        assert_full_then_intact(&mut s, || {
            drop(std::fs::remove_file(&filler));
            Store::open_encrypted(&path, &keys).unwrap()
        });
        drop(s);
    } else {
        eprintln!("no tmpfs (mount not permitted, or MADOGUCHI_TEST_NO_MOUNT): SQLITE_FULL through PRAGMA max_page_count");
        let path = dir.path().join("m.sqlite");
        let mut s = Store::open_encrypted(&path, &keys).unwrap();
        let pages: i64 = 64;
        s.set_max_page_count_for_tests(pages).unwrap();
        assert_full_then_intact(&mut s, || Store::open_encrypted(&path, &keys).unwrap());
    }
}

#[test]
fn two_writers_on_one_file_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.sqlite");
    let key = Key::generate().unwrap();
    Store::open_encrypted(&path, &MemoryKeyStore::with_key(key.clone())).unwrap();
    let handles: Vec<_> = (0..2u32)
        .map(|t| {
            let path = path.clone();
            let key = key.clone();
            std::thread::spawn(move || {
                let mut s = Store::open_encrypted(&path, &MemoryKeyStore::with_key(key)).unwrap();
                let mut ids = Vec::new();
                for i in 0..200u32 {
                    let c = card(t * 1000 + i);
                    ids.push(record(
                        &mut s,
                        &c,
                        &result_for(&c, at(2026, 11, 20, 9, 0, 0), 30),
                        at(2026, 11, 20, 9, 0, 0),
                    ));
                    if i % 50 == 0 {
                        s.queue_check(&c, at(2026, 11, 20, 9, 0, 0), None).unwrap();
                    }
                }
                ids
            })
        })
        .collect();
    let mut ids: Vec<i64> = handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 400);
    let s = Store::open_encrypted(&path, &MemoryKeyStore::with_key(key)).unwrap();
    let st = s.stats().unwrap();
    assert_eq!(st.checks, 400);
    assert_eq!(st.people, 400);
    assert_eq!(st.queue_length, 8);
    assert_eq!(
        s.checks_on(at(2026, 11, 20, 0, 0, 0).date()).unwrap().len(),
        400
    );
    s.integrity_check().unwrap();
}

const CHILD_DB: &str = "MADOGUCHI_TEST_KILL_CHILD_DB";
const CHILD_KEY: &str = "MADOGUCHI_TEST_KILL_CHILD_KEY";

/// Not a test of its own: the child process of the SIGKILL test. It queues
/// checks in a loop and prints `ack <id>` after each one is committed.
#[test]
#[ignore = "the child process of sigkill_mid_write_keeps_every_acknowledged_row"]
fn kill_child_writer() {
    let (Ok(db), Ok(key)) = (std::env::var(CHILD_DB), std::env::var(CHILD_KEY)) else {
        return;
    };
    let keys = MemoryKeyStore::with_key(Key::from_hex(&key).unwrap());
    let mut s = Store::open_encrypted(Path::new(&db), &keys).unwrap();
    let shown = result_for(&card(7), at(2026, 11, 1, 9, 0, 0), 30);
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    for i in 0u32.. {
        let c = card(i);
        let id = if i % 2 == 0 {
            s.queue_check(&c, at(2026, 11, 20, 9, 0, 0), Some(&shown))
                .unwrap()
        } else {
            let ids = s
                .record_checks(&[madoguchi_adapters::store::NewCheck {
                    checked_at: at(2026, 11, 20, 9, 0, 0),
                    staff: "受付1",
                    asked: Some(&c),
                    result: &result_for(&c, at(2026, 11, 20, 9, 0, 0), 30),
                }])
                .unwrap();
            -ids[0]
        };
        writeln!(out, "ack {id}").unwrap();
        out.flush().unwrap();
    }
}

#[test]
fn sigkill_mid_write_keeps_every_acknowledged_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.sqlite");
    let keys = MemoryKeyStore::new();
    Store::open_encrypted(&path, &keys).unwrap();
    let key = keys.get().unwrap().unwrap();

    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "kill_child_writer",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_DB, &path)
        .env(CHILD_KEY, key.to_hex())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut acked = Vec::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        if let Some(id) = line.strip_prefix("ack ") {
            acked.push(id.parse::<i64>().unwrap());
            if acked.len() == 300 {
                break;
            }
        }
    }
    child.kill().unwrap(); // SIGKILL
    let status = child.wait().unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(status.signal(), Some(9), "{status:?}");
    }
    // Lines already written before the kill were acknowledged too.
    for line in lines {
        let Ok(line) = line else { break };
        if let Some(id) = line.strip_prefix("ack ") {
            acked.push(id.parse().unwrap());
        }
    }
    assert!(acked.len() >= 300);

    let s = Store::open_encrypted(&path, &keys).unwrap();
    s.integrity_check().unwrap();
    let queued: std::collections::HashSet<i64> = s
        .due_checks(at(2100, 1, 1, 0, 0, 0))
        .unwrap()
        .iter()
        .map(|q| q.id)
        .collect();
    for id in &acked {
        if *id > 0 {
            assert!(
                queued.contains(id),
                "queued check {id} was acknowledged but is gone"
            );
        } else {
            assert!(
                s.check_result(-id).unwrap().is_some(),
                "check {} was acknowledged but is gone",
                -id
            );
        }
    }
    eprintln!("{} acknowledged rows, all there after SIGKILL", acked.len());
}
