#![cfg(target_os = "linux")]

//! Input limits of the OQS reader: the work a file may cause (elements, not
//! only bytes), control characters in names (raw or as references), and
//! files that are not regular files (a named pipe must not block the reader
//! or the card-tap watcher).

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use madoguchi_adapters::oqs::{self, FaceEvent, OqsDocument, OqsProblem, MAX_FILE_SIZE};

fn fixture_bytes(rel: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures").join(rel);
    std::fs::read(p).unwrap()
}

fn fixture(rel: &str) -> String {
    String::from_utf8(fixture_bytes(rel)).unwrap()
}

const NAME: &str = "OQSsiquc01res_20261120120000001.xml";

fn parse(dir: &Path, name: &str, bytes: &[u8]) -> Result<OqsDocument, oqs::OqsError> {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    oqs::parse_file(&p)
}

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo {}", path.display());
}

/// Runs `f` on a thread and waits for its answer: a reader that blocks on
/// a pipe never answers, and the test says so instead of hanging.
fn answers<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(20)).expect("the reader answered (it did not block)")
}

#[test]
fn a_file_of_millions_of_small_elements_is_refused_by_count() {
    let dir = tempfile::tempdir().unwrap();
    let mut xml = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><XmlMsg>".to_vec();
    while xml.len() + 4 + 9 < MAX_FILE_SIZE as usize {
        xml.extend_from_slice(b"<a/>");
    }
    xml.extend_from_slice(b"</XmlMsg>");
    assert!(xml.len() as u64 <= MAX_FILE_SIZE, "within the byte limit");
    let e = parse(dir.path(), NAME, &xml).unwrap_err();
    assert_eq!(e.problem, OqsProblem::TooManyElements { limit: oqs::MAX_ELEMENTS }, "{e}");
    assert_eq!(e.message().id, "oqs-too-many-elements");
    // A real answer (Shift_JIS) is far below the limit.
    let real = fixture_bytes("oqs/YZKsiquc01res_20261120093500.xml");
    assert!(parse(dir.path(), "YZKsiquc01res_20261120093500.xml", &real).is_ok());
}

#[test]
fn control_characters_in_a_name_are_refused_naming_the_element() {
    let dir = tempfile::tempdir().unwrap();
    let good = fixture("oqs/OQSsiquc01res_20261120102000_lost.xml");
    assert!(parse(dir.path(), NAME, good.as_bytes()).is_ok());
    for (bad, code) in [("佐藤\u{0}●子", 0), ("佐藤\u{1b}●子", 0x1b), ("佐藤&#1;●子", 1), ("佐藤&#x7f;●子", 0x7f), ("佐藤\u{9b}●子", 0x9b)] {
        let text = good.replace("<Name>佐藤　●子</Name>", &format!("<Name>{bad}</Name>"));
        assert_ne!(text, good);
        let e = parse(dir.path(), NAME, text.as_bytes()).unwrap_err();
        assert_eq!(e.problem, OqsProblem::ControlCharacter { element: "Name".into(), code }, "{bad:?}: {e}");
        let args = e.message_args();
        assert!(args.contains(&("element", "Name".into())), "{args:?}");
    }
    // Tab and line breaks are XML white space, as they always were.
    let text = good.replace("<Name>佐藤　●子</Name>", "<Name>佐藤\t●子\r\n</Name>");
    assert!(parse(dir.path(), NAME, text.as_bytes()).is_ok());
}

#[test]
fn a_named_pipe_is_refused_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join(NAME);
    mkfifo(&fifo);
    let e = answers(move || oqs::parse_file(&fifo)).unwrap_err();
    assert_eq!(e.problem, OqsProblem::NotRegularFile { kind: "named pipe".into() }, "{e}");
    assert_eq!(e.message().id, "oqs-not-regular-file");
    // A folder named like a file, too.
    let folder = dir.path().join("OQSsiquc01res_folder.xml");
    std::fs::create_dir(&folder).unwrap();
    assert!(matches!(oqs::parse_file(&folder).unwrap_err().problem, OqsProblem::NotRegularFile { .. }));
}

#[test]
fn a_named_pipe_in_face_is_reported_and_the_watcher_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let layout = oqs::OqsFolderLayout::new(dir.path());
    layout.prepare().unwrap();
    let pipe = "OQSsiquc01res_face_0002_20261120093013.xml";
    mkfifo(&layout.face().join(pipe));
    let tap = fixture("oqs/OQSsiquc01res_face_0001_20261120093012.xml");
    std::fs::write(layout.face().join("OQSsiquc01res_face_0001_20261120093012.xml"), tap).unwrap();
    let root = dir.path().to_path_buf();
    let events = answers(move || oqs::ingest_pending(&root));
    let errors: Vec<_> = events.iter().filter_map(|e| if let FaceEvent::Error(e) = e { Some(e) } else { None }).collect();
    assert_eq!(errors.len(), 1, "{events:?}");
    assert!(errors[0].file.contains(pipe) && matches!(errors[0].problem, OqsProblem::NotRegularFile { .. }), "{:?}", errors[0]);
    assert_eq!(events.iter().filter(|e| matches!(e, FaceEvent::Result(..))).count(), 1, "the real tap is read: {events:?}");
}
