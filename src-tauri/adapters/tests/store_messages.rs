//! Every store and backup error has its message in both languages.
use madoguchi_adapters::backup::BackupError;
use madoguchi_adapters::keystore::KeyStoreError;
use madoguchi_adapters::store::StoreError;
use madoguchi_core::consent::{Purpose, Refusal, RefusalReason};
use madoguchi_core::ConsentCategory;

fn ids_in(lang: &str) -> Vec<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(format!("../../locales/{lang}/store.ftl"));
    std::fs::read_to_string(&path)
        .unwrap()
        .lines()
        .filter_map(|l| l.split_once(" = ").map(|(id, _)| id.trim().to_string()))
        .filter(|id| !id.starts_with('#') && !id.is_empty())
        .collect()
}

#[test]
fn every_error_has_a_message_in_japanese_and_english() {
    let s = String::new;
    let store_errors = vec![
        StoreError::Open {
            path: s(),
            detail: s(),
        },
        StoreError::TooNew { found: 9, known: 4 },
        StoreError::KeyMissing {
            path: s(),
            store: s(),
        },
        StoreError::WrongKey {
            path: s(),
            store: s(),
        },
        StoreError::KeyStore(KeyStoreError::Unavailable {
            store: s(),
            detail: s(),
        }),
        StoreError::KeyStore(KeyStoreError::Locked {
            store: s(),
            detail: s(),
        }),
        StoreError::KeyStore(KeyStoreError::NotAKey { store: s() }),
        StoreError::KeyStore(KeyStoreError::Random(s())),
        StoreError::DiskFull(s()),
        StoreError::ReadOnly(s()),
        StoreError::Corrupt(s()),
        StoreError::ConsentRefused(Refusal {
            category: ConsentCategory::Medication,
            purpose: Purpose::View,
            reason: RefusalReason::NoConsent,
        }),
        StoreError::NoSuchRow {
            table: "checks",
            id: 1,
        },
        StoreError::Sql(rusqlite::Error::InvalidQuery),
    ];
    let mut ids: Vec<&str> = store_errors.iter().map(|e| e.message_id()).collect();
    ids.extend(
        [
            BackupError::Io {
                path: s(),
                detail: s(),
            },
            BackupError::NotABackup { path: s() },
            BackupError::UnsupportedVersion {
                path: s(),
                found: 2,
            },
            BackupError::Corrupt {
                path: s(),
                detail: s(),
            },
            BackupError::WrongPassphrase { path: s() },
            BackupError::WeakPassphrase { min: 8 },
            BackupError::TargetExists { path: s() },
            BackupError::TooNew { found: 9, known: 4 },
        ]
        .iter()
        .map(|e| e.message_id()),
    );
    ids.push("store-key-volatile");
    let (ja, en) = (ids_in("ja"), ids_in("en"));
    for id in &ids {
        assert!(ja.iter().any(|x| x == id), "{id} missing in ja/store.ftl");
        assert!(en.iter().any(|x| x == id), "{id} missing in en/store.ftl");
    }
    assert_eq!(ja, en, "the same ids in the same order");
    // No store message left behind in app.ftl (they moved to store.ftl).
    for lang in ["ja", "en"] {
        let app = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(format!("../../locales/{lang}/app.ftl")),
        )
        .unwrap();
        assert!(
            !app.lines()
                .any(|l| l.starts_with("store-") || l.starts_with("backup-")),
            "{lang}/app.ftl"
        );
    }
    let key_missing = ids_in("ja");
    assert!(key_missing.contains(&"store-key-missing".to_string()));
    let ja_text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../locales/ja/store.ftl"),
    )
    .unwrap();
    assert!(ja_text.contains("この端末の暗号鍵が見つかりません。バックアップから復元してください。データは消していません"));
}
