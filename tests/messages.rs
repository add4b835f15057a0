//! Every message id the desk and the window use exists in Japanese and in
//! English, so nobody at the counter ever reads a bare id.

use std::collections::BTreeSet;
use std::path::Path;

use madoguchi_i18n::{messages, Lang};

/// Literal ids in `Msg::new("…")`, `tr(…, "…"` and `t("…")` calls.
fn ids_in(dir: &Path, found: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            ids_in(&path, found);
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for marker in ["Msg::new(\"", "t(\"", "tr(lang.get(), \"", "tr(l, \"", "tr(lang, \""] {
            for (i, _) in text.match_indices(marker) {
                // `t("` only as a call of its own, not the end of `format("` or `emit("`.
                let before = text[..i].chars().next_back().unwrap_or(' ');
                if marker == "t(\"" && (before.is_alphanumeric() || before == '_' || before == ':') {
                    continue;
                }
                let rest = &text[i + marker.len()..];
                let id: String = rest.chars().take_while(|c| *c != '"').collect();
                // Ids built with format! (e.g. "validity-{}") are checked by their own tables.
                if !id.is_empty() && !id.contains('{') {
                    found.insert(id);
                }
            }
        }
    }
}

#[test]
fn every_message_the_desk_uses_is_in_both_languages() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut ids = BTreeSet::new();
    ids_in(&root.join("src-tauri/src"), &mut ids);
    ids_in(&root.join("ui/src"), &mut ids);
    assert!(ids.len() > 40, "the scan found the messages: {ids:?}");
    let missing: Vec<_> = ids
        .iter()
        .filter(|id| !messages().has(Lang::Ja, id) || !messages().has(Lang::En, id))
        .collect();
    assert!(missing.is_empty(), "missing in locales/: {missing:?}");
}

#[test]
fn every_validity_and_source_has_words() {
    use madoguchi_core::codes::{Sex, Validity};
    for v in Validity::ALL {
        for lang in [Lang::Ja, Lang::En] {
            assert!(messages().has(lang, &format!("validity-{}", v.code())), "{v:?}");
        }
    }
    for v in [Validity::Invalid, Validity::InvalidNewQualification, Validity::NotFound, Validity::MultipleFound] {
        assert!(messages().has(Lang::Ja, &format!("explain-validity-{}", v.code())), "{v:?}");
    }
    for s in Sex::ALL {
        assert!(messages().has(Lang::En, &format!("sex-{}", s.code())), "{s:?}");
    }
    for source in ["training_service", "http_service", "oqs_folder", "card_reader"] {
        assert!(messages().has(Lang::Ja, &format!("source-{source}")));
        assert!(messages().has(Lang::En, &format!("source-{source}")));
    }
}
