//! Broken files: every failure is an `OqsError` naming the file, with a
//! message in both locales; nothing panics.

use std::path::PathBuf;

use madoguchi_adapters::oqs::{self, OqsError, OqsKind, OqsProblem, MAX_FILE_SIZE};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures")
}

fn fixture(rel: &str) -> Vec<u8> {
    std::fs::read(fixtures().join(rel)).unwrap()
}

fn write_tmp(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn err_of(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> OqsError {
    let p = write_tmp(dir, name, bytes);
    let e = oqs::parse_file(&p).expect_err("must fail");
    assert!(e.file.ends_with(name), "error names the file: {e}");
    assert!(e.to_string().contains(name), "display names the file: {e}");
    e
}

const NAME: &str = "OQSsiquc01res_20261120120000001.xml";

#[test]
fn empty_files() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(err_of(&dir, NAME, b"").problem, OqsProblem::Empty);
    assert_eq!(err_of(&dir, NAME, b" \r\n\t").problem, OqsProblem::Empty);
    assert_eq!(
        err_of(&dir, NAME, b"\xEF\xBB\xBF").problem,
        OqsProblem::Empty
    );
}

#[test]
fn truncated_files() {
    let dir = tempfile::tempdir().unwrap();
    let full = fixture("oqs/OQSsiquc01res_face_0001_20261120093012.xml");
    // cut in the middle of text, of a tag, of an end tag, right after the declaration
    for cut in [full.len() / 2, full.len() - 3, full.len() - 10, 58] {
        let e = err_of(&dir, NAME, &full[..cut]);
        assert!(
            matches!(e.problem, OqsProblem::Truncated { .. }),
            "cut at {cut}: {e}"
        );
    }
}

#[test]
fn truncated_inside_a_multibyte_character() {
    let dir = tempfile::tempdir().unwrap();
    let full = fixture("oqs/OQSsiquc01res_20261120102000_lost.xml");
    let text = std::str::from_utf8(&full).unwrap();
    let at = text.find("佐藤").unwrap() + 1; // inside 佐
    let e = err_of(&dir, NAME, &full[..at]);
    assert!(matches!(e.problem, OqsProblem::Truncated { .. }), "{e}");
    let sjis = fixture("oqs/YZKsiquc01res_20261120093500.xml");
    let at = sjis.iter().position(|b| *b >= 0x81).unwrap() + 1; // after a lead byte
    let e = err_of(&dir, "YZKsiquc01res_1.xml", &sjis[..at]);
    assert!(matches!(e.problem, OqsProblem::Truncated { .. }), "{e}");
}

#[test]
fn malformed_files() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[&[u8]] = &[
        b"<XmlMsg><MessageHeader></MessageBody></XmlMsg>",
        b"<XmlMsg></XmlMsg><XmlMsg></XmlMsg>",
        b"<XmlMsg>&nbsp;</XmlMsg>",
        b"garbage<XmlMsg/>",
        b"<XmlMsg><a></a></b></XmlMsg>",
    ];
    for c in cases {
        let e = err_of(&dir, NAME, c);
        assert!(
            matches!(e.problem, OqsProblem::Malformed { .. }),
            "{}: {e}",
            String::from_utf8_lossy(c)
        );
    }
    let e = err_of(&dir, NAME, b"<html><body>503</body></html>");
    assert_eq!(
        e.problem,
        OqsProblem::UnexpectedRoot {
            found: "html".into()
        }
    );
    let deep = format!("<XmlMsg>{}", "<a>".repeat(100));
    let e = err_of(&dir, NAME, deep.as_bytes());
    assert!(matches!(e.problem, OqsProblem::TooDeep { .. }), "{e}");
}

#[test]
fn oversized_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut big = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><XmlMsg>".to_vec();
    big.resize(MAX_FILE_SIZE as usize + 1, b' ');
    let e = err_of(&dir, NAME, &big);
    assert_eq!(
        e.problem,
        OqsProblem::TooLarge {
            size: MAX_FILE_SIZE + 1,
            limit: MAX_FILE_SIZE
        }
    );
    let e = oqs::parse_bytes(OqsKind::EligibilityResponse, &big).unwrap_err();
    assert!(matches!(e.problem, OqsProblem::TooLarge { .. }));
    assert_eq!(e.file, oqs::BYTES_LABEL);
}

#[test]
fn wrong_and_unsupported_encodings() {
    let dir = tempfile::tempdir().unwrap();
    // Shift_JIS bytes declared UTF-8
    let sjis = fixture("oqs/OQSsiquc01res_20261120101500_kokuho_sjis.xml");
    let relabelled = String::from_utf8_lossy(&sjis[..60]).replace("Shift_JIS", "UTF-8");
    let mut bytes = relabelled.into_bytes();
    bytes.extend_from_slice(&sjis[60..]);
    let e = err_of(&dir, NAME, &bytes);
    assert!(
        matches!(&e.problem, OqsProblem::WrongEncoding { declared, .. } if declared == "UTF-8"),
        "{e}"
    );
    // UTF-8 bytes declared Shift_JIS: refused rather than garbled
    let utf8 = fixture("oqs/OQSsiquc01res_20261120102000_lost.xml");
    let bytes = String::from_utf8(utf8)
        .unwrap()
        .replacen("UTF-8", "Shift_JIS", 1);
    let e = err_of(&dir, NAME, bytes.as_bytes());
    assert!(
        matches!(&e.problem, OqsProblem::WrongEncoding { declared, .. } if declared == "Shift_JIS"),
        "{e}"
    );
    // declared EUC-JP
    let e = err_of(
        &dir,
        NAME,
        b"<?xml version=\"1.0\" encoding=\"EUC-JP\"?><XmlMsg/>",
    );
    assert_eq!(
        e.problem,
        OqsProblem::UnsupportedEncoding {
            declared: "EUC-JP".into()
        }
    );
    // UTF-16
    let e = err_of(&dir, NAME, b"\xFF\xFE<\0X\0");
    assert!(
        matches!(e.problem, OqsProblem::UnsupportedEncoding { .. }),
        "{e}"
    );
}

#[test]
fn encoding_aliases_and_bom_are_honoured() {
    let sjis = fixture("oqs/OQSsiquc01res_20261120101500_kokuho_sjis.xml");
    for alias in ["Windows-31J", "cp932", "shift_jis", "MS932"] {
        let head = String::from_utf8_lossy(&sjis[..60]).replace("Shift_JIS", alias);
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(&sjis[60..]);
        let doc = oqs::parse_bytes(OqsKind::EligibilityResponse, &bytes).unwrap();
        let oqs::OqsDocument::Eligibility(r) = doc else {
            panic!()
        };
        assert_eq!(r.person.unwrap().name, "渡邊　一郎", "{alias}");
    }
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(&fixture("oqs/OQSsiquc01res_20261120102000_lost.xml"));
    let oqs::OqsDocument::Eligibility(r) =
        oqs::parse_bytes(OqsKind::EligibilityResponse, &bom).unwrap()
    else {
        panic!()
    };
    assert_eq!(r.person.unwrap().name, "佐藤　●子");
}

#[test]
fn unknown_kinds_and_missing_values() {
    let dir = tempfile::tempdir().unwrap();
    let e = err_of(&dir, "notes.xml", b"<XmlMsg><Foo>1</Foo></XmlMsg>");
    assert_eq!(e.problem, OqsProblem::UnknownKind);
    let e = err_of(
        &dir,
        "OQSmuquc01res_20261120120000001.xml",
        b"<XmlMsg><MessageHeader/></XmlMsg>",
    );
    // A batch receipt that says neither its 受付番号 nor why not.
    assert_eq!(
        e.problem,
        OqsProblem::MissingField { field: "ReceptionNumber".into() },
        "{e}"
    );
    let e = err_of(&dir, NAME, b"<XmlMsg><MessageHeader/><MessageBody><QualificationValidity>1</QualificationValidity></MessageBody></XmlMsg>");
    assert_eq!(
        e.problem,
        OqsProblem::MissingField {
            field: "ProcessExecutionTime".into()
        }
    );
    let e = err_of(&dir, NAME, b"<XmlMsg><MessageHeader><ProcessExecutionTime>20261120</ProcessExecutionTime></MessageHeader></XmlMsg>");
    assert!(
        matches!(&e.problem, OqsProblem::BadValue { field, .. } if field == "ProcessExecutionTime"),
        "{e}"
    );
    let e = err_of(&dir, NAME, b"<XmlMsg><MessageHeader><ProcessExecutionTime>20261120101010</ProcessExecutionTime></MessageHeader><MessageBody><QualificationValidity>7</QualificationValidity></MessageBody></XmlMsg>");
    assert_eq!(
        e.problem,
        OqsProblem::BadValue {
            field: "QualificationValidity".into(),
            value: "7".into()
        }
    );
    let e = err_of(&dir, NAME, b"<XmlMsg><MessageHeader><ProcessExecutionTime>20261120101010</ProcessExecutionTime></MessageHeader><MessageBody><QualificationValidity>1</QualificationValidity><ResultList><ResultOfQualificationConfirmation><InsurerNumber>ABC</InsurerNumber></ResultOfQualificationConfirmation></ResultList></MessageBody></XmlMsg>");
    assert!(
        matches!(&e.problem, OqsProblem::BadValue { field, .. } if field == "InsurerNumber"),
        "{e}"
    );
}

#[test]
fn missing_file_is_an_io_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(NAME);
    let e = oqs::parse_file(&p).unwrap_err();
    assert!(matches!(e.problem, OqsProblem::Io { .. }));
    assert!(e.file.ends_with(NAME));
}

fn ftl_ids(lang: &str) -> Vec<(String, String)> {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("../../locales/{lang}/oqs.ftl"));
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && l.contains(" = "))
        .map(|l| {
            let (id, msg) = l.split_once(" = ").unwrap();
            (id.trim().to_string(), msg.to_string())
        })
        .collect()
}

#[test]
fn every_problem_has_a_message_with_its_arguments() {
    let problems = [
        OqsProblem::Io { detail: "x".into() },
        OqsProblem::Empty,
        OqsProblem::TooLarge { size: 1, limit: 1 },
        OqsProblem::UnknownKind,
        OqsProblem::UnsupportedKind { kind: "x".into() },
        OqsProblem::UnsupportedEncoding {
            declared: "x".into(),
        },
        OqsProblem::WrongEncoding {
            declared: "x".into(),
            offset: 1,
        },
        OqsProblem::Truncated { detail: "x".into() },
        OqsProblem::Malformed {
            detail: "x".into(),
            offset: 1,
        },
        OqsProblem::TooDeep { limit: 1 },
        OqsProblem::TooManyElements { limit: 1 },
        OqsProblem::NotRegularFile { kind: "named pipe".into() },
        OqsProblem::ControlCharacter { element: "Name".into(), code: 0 },
        OqsProblem::UnexpectedRoot { found: "x".into() },
        OqsProblem::MissingField { field: "x".into() },
        OqsProblem::BadValue {
            field: "x".into(),
            value: "x".into(),
        },
        OqsProblem::BadArchive { detail: "x".into() },
    ];
    for lang in ["ja", "en"] {
        let ids = ftl_ids(lang);
        assert_eq!(ids.len(), problems.len(), "{lang}: one message per problem");
        for p in &problems {
            let e = OqsError::new("f.xml", p.clone());
            let id = e.message_id();
            let (_, msg) = ids
                .iter()
                .find(|(i, _)| i == id)
                .unwrap_or_else(|| panic!("{lang}: {id} missing"));
            let args = e.message_args();
            assert_eq!(args[0], ("file", "f.xml".to_string()));
            let m = e.message();
            assert_eq!(m.id, id);
            assert_eq!(m.args.len(), args.len());
            for (name, _) in &args {
                assert!(
                    msg.contains(&format!("{{ ${name} }}")),
                    "{lang} {id} uses ${name}"
                );
            }
            let used = msg.matches("{ $").count();
            assert_eq!(
                used,
                args.len(),
                "{lang} {id}: every placeholder has an argument"
            );
        }
    }
}
