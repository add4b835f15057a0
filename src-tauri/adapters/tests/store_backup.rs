//! Backups keyed by a recovery passphrase, and restoring them on a new machine.
mod store_support;

use std::path::Path;

use chrono::NaiveDate;
use madoguchi_adapters::backup::{self, BackupError, KdfParams};
use madoguchi_adapters::keystore::{KeyStore, MemoryKeyStore};
use madoguchi_adapters::store::Store;
use madoguchi_core::consent::Purpose;
use madoguchi_core::ConsentCategory;
use store_support::*;

const PASS: &str = "correct horse battery staple";
/// Cheap argon2id costs so that the debug-build tests stay fast; one test uses the default.
const CHEAP: KdfParams = KdfParams {
    m_cost_kib: 64,
    t_cost: 1,
    p_cost: 1,
};

fn days() -> Vec<NaiveDate> {
    (18..=22)
        .map(|d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap())
        .collect()
}

/// A store with checks on several days, queued checks (one done with a change) and medical rows.
fn filled(path: &Path, keys: &dyn KeyStore) -> Store {
    let mut s = Store::open_encrypted(path, keys).unwrap();
    for n in 0..40u32 {
        let c = card(n);
        let t = at(2026, 11, 18 + n % 5, 9, n, 0);
        record(
            &mut s,
            &c,
            &result_for(&c, t, [10, 20, 30][n as usize % 3]),
            t,
        );
    }
    let shown = result_for(&card(1), at(2026, 11, 1, 9, 0, 0), 30);
    let q1 = s
        .queue_check(&card(1), at(2026, 11, 22, 10, 0, 0), Some(&shown))
        .unwrap();
    s.queue_check(&card(2), at(2026, 11, 22, 10, 5, 0), None)
        .unwrap();
    s.fail_queued(q1, "offline", at(2026, 11, 22, 10, 10, 0))
        .unwrap();
    let q3 = s
        .queue_check(&card(3), at(2026, 11, 22, 10, 6, 0), Some(&shown))
        .unwrap();
    s.complete_queued(
        q3,
        &result_for(&card(3), at(2026, 11, 22, 11, 0, 0), 20),
        at(2026, 11, 22, 11, 0, 1),
    )
    .unwrap()
    .unwrap();
    let g = at(2026, 11, 22, 9, 0, 0);
    let cache = grant(
        &card(1).person_key(),
        ConsentCategory::Medication,
        Purpose::Cache,
        g,
    );
    s.put_medical(&cache, r#"[{"drug":"ロキソプロフェン"}]"#, g, g)
        .unwrap();
    s
}

#[test]
fn backup_wipe_restore_gives_the_same_data_on_a_new_machine() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("old-pc").join("madoguchi.sqlite");
    let keys = MemoryKeyStore::new();
    let s = filled(&db, &keys);
    let before = dump(&s, &days());
    let out = dir.path().join("usb").join("madoguchi-20261122.mdgbak");
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    let info = backup::backup_with(&s, &out, PASS, CHEAP).unwrap();
    assert_eq!(info.counts.checks, 40);
    assert_eq!(info.counts.queued_checks, 3);
    assert_eq!(info.counts.medical_rows, 1);
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(b"MADOGUCHIBACKUP\0"));
    assert!(
        !bytes.windows(6).any(|w| w == "窓口".as_bytes()),
        "no plaintext in the backup"
    );
    let names: Vec<_> = std::fs::read_dir(out.parent().unwrap()).unwrap().collect();
    assert_eq!(names.len(), 1, "no temporary files left beside the backup");
    assert_eq!(backup::verify_backup(&out, PASS).unwrap(), info);
    drop(s);

    // The old PC is gone: files wiped, and the new PC has an empty keyring.
    std::fs::remove_dir_all(db.parent().unwrap()).unwrap();
    let new_db = dir.path().join("new-pc").join("madoguchi.sqlite");
    let new_keys = MemoryKeyStore::new();
    let restored = backup::restore(&out, PASS, &new_db, &new_keys, false).unwrap();
    assert_eq!(restored.counts, info.counts);
    let new_key = new_keys.get().unwrap().expect("a new local key");
    assert_ne!(
        Some(new_key),
        keys.get().unwrap(),
        "the new machine has its own key"
    );
    let s = Store::open_encrypted(&new_db, &new_keys).unwrap();
    assert_eq!(dump(&s, &days()), before);
    s.integrity_check().unwrap();
    // The medical row came along, still behind consent.
    let g = at(2026, 11, 22, 9, 0, 0);
    let view = grant(
        &card(1).person_key(),
        ConsentCategory::Medication,
        Purpose::View,
        g,
    );
    assert!(s.get_medical(&view, g).unwrap().is_some());
    // The old machine's key does not open the restored file.
    drop(s);
    assert!(Store::open_encrypted(&new_db, &keys).is_err());
}

#[test]
fn the_default_key_derivation_works_and_full_width_typing_is_the_same_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let keys = MemoryKeyStore::new();
    let s = filled(&dir.path().join("m.sqlite"), &keys);
    let out = dir.path().join("b.mdgbak");
    let started = std::time::Instant::now();
    backup::backup(&s, &out, "pass1234word").unwrap();
    eprintln!(
        "backup with the default argon2id costs: {:?}",
        started.elapsed()
    );
    assert_eq!(
        backup::verify_backup(&out, "ｐａｓｓ１２３４ｗｏｒｄ")
            .unwrap()
            .counts
            .checks,
        40
    );
}

#[test]
fn a_wrong_passphrase_is_told_apart_from_damage() {
    let dir = tempfile::tempdir().unwrap();
    let keys = MemoryKeyStore::new();
    let s = filled(&dir.path().join("m.sqlite"), &keys);
    let out = dir.path().join("b.mdgbak");
    backup::backup_with(&s, &out, PASS, CHEAP).unwrap();
    match backup::verify_backup(&out, "incorrect horse") {
        Err(e @ BackupError::WrongPassphrase { .. }) => {
            assert_eq!(e.message_id(), "backup-wrong-passphrase")
        }
        other => panic!("{other:?}"),
    }
    let target = dir.path().join("restored.sqlite");
    assert!(matches!(
        backup::restore(
            &out,
            "incorrect horse",
            &target,
            &MemoryKeyStore::new(),
            false
        ),
        Err(BackupError::WrongPassphrase { .. })
    ));
    assert!(!target.exists(), "nothing written");
}

#[test]
fn truncated_or_corrupted_backups_are_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let keys = MemoryKeyStore::new();
    let s = filled(&dir.path().join("m.sqlite"), &keys);
    let out = dir.path().join("b.mdgbak");
    backup::backup_with(&s, &out, PASS, CHEAP).unwrap();
    let good = std::fs::read(&out).unwrap();
    let bad = dir.path().join("bad.mdgbak");

    // Cut short (a copy interrupted), at several places.
    for len in [good.len() - 1, good.len() / 2, 40, 20, 10] {
        std::fs::write(&bad, &good[..len]).unwrap();
        match backup::verify_backup(&bad, PASS) {
            Err(e @ BackupError::Corrupt { .. }) => assert_eq!(e.message_id(), "backup-corrupt"),
            Err(BackupError::NotABackup { .. }) if len < 16 => {}
            other => panic!("cut at {len}: {other:?}"),
        }
    }
    // One flipped bit in the payload, and in the header.
    for at in [good.len() / 2, 30] {
        let mut b = good.clone();
        b[at] ^= 0x10;
        std::fs::write(&bad, &b).unwrap();
        assert!(
            matches!(
                backup::verify_backup(&bad, PASS),
                Err(BackupError::Corrupt { .. })
            ),
            "flipped at {at}"
        );
    }
    // Damage that keeps the checksum right (recomputed) is still caught by SQLCipher's page HMACs.
    {
        use sha2::Digest;
        let mut b = good[..good.len() - 32].to_vec();
        let i = b.len() - 100;
        b[i] ^= 0x01;
        let sum = sha2::Sha256::digest(&b);
        b.extend_from_slice(&sum);
        std::fs::write(&bad, &b).unwrap();
        assert!(matches!(
            backup::verify_backup(&bad, PASS),
            Err(BackupError::Corrupt { .. })
        ));
    }
    // Not a backup at all.
    std::fs::write(&bad, b"SQLite format 3\0 and so on").unwrap();
    assert!(matches!(
        backup::verify_backup(&bad, PASS),
        Err(BackupError::NotABackup { .. })
    ));
    assert!(matches!(
        backup::verify_backup(&dir.path().join("missing.mdgbak"), PASS),
        Err(BackupError::Io { .. })
    ));
}

#[test]
fn restore_refuses_to_overwrite_unless_forced_and_keeps_what_it_replaces() {
    let dir = tempfile::tempdir().unwrap();
    let keys = MemoryKeyStore::new();
    let db = dir.path().join("m.sqlite");
    let s = filled(&db, &keys);
    let out = dir.path().join("b.mdgbak");
    backup::backup_with(&s, &out, PASS, CHEAP).unwrap();
    // Work after the backup: one more check.
    let mut s = s;
    let c = card(99);
    record(
        &mut s,
        &c,
        &result_for(&c, at(2026, 11, 23, 9, 0, 0), 30),
        at(2026, 11, 23, 9, 0, 0),
    );
    drop(s);
    let before = std::fs::read(&db).unwrap();

    match backup::restore(&out, PASS, &db, &keys, false) {
        Err(e @ BackupError::TargetExists { .. }) => {
            assert_eq!(e.message_id(), "backup-target-exists")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(std::fs::read(&db).unwrap(), before);

    backup::restore(&out, PASS, &db, &keys, true).unwrap();
    let s = Store::open_encrypted(&db, &keys).unwrap();
    assert_eq!(s.stats().unwrap().checks, 40, "as in the backup");
    assert!(s.cached_result(&c).unwrap().is_none());
    // The replaced database is kept, with its later check.
    let kept = Store::open_encrypted(&dir.path().join("m.sqlite.before-restore"), &keys).unwrap();
    assert!(kept.cached_result(&c).unwrap().is_some());
}

#[test]
fn a_short_passphrase_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open_encrypted(&dir.path().join("m.sqlite"), &MemoryKeyStore::new()).unwrap();
    let out = dir.path().join("b.mdgbak");
    match backup::backup_with(&s, &out, "1234567", CHEAP) {
        Err(e @ BackupError::WeakPassphrase { min: 8 }) => {
            assert_eq!(e.message_id(), "backup-weak-passphrase")
        }
        other => panic!("{other:?}"),
    }
    assert!(!out.exists());
}
