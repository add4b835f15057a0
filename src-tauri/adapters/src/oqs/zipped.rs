//! Zipped answers: the terminal may give a batch's results
//! (`OQSmuquc02res_….zip`) as a `.zip` holding the XML (OQS-INTERFACE.md,
//! "What other implementations show"). Read with the `zip` crate, in memory,
//! never extracted to disk: only the one expected entry is read, and no
//! more of it than [`MAX_FILE_SIZE`] (a zip bomb stops there); entry names
//! that climb out of the archive (`../`, absolute) are never taken.

use std::io::{Cursor, Read, Write};

use super::error::OqsProblem;
use super::MAX_FILE_SIZE;

/// More entries than this: not an answer of the terminal.
pub const MAX_ZIP_ENTRIES: usize = 64;

fn bad(detail: impl Into<String>) -> OqsProblem {
    OqsProblem::BadArchive { detail: detail.into() }
}

/// The XML of a zipped answer: the entry whose file name is `expected`
/// (the answer's name with `.xml`; compared ignoring ASCII case and any
/// folder in the entry's name), else — when no entry has that name — the
/// archive's only `.xml` entry. Refused, in words: not a zip, more than
/// [`MAX_ZIP_ENTRIES`] entries, no such entry (or several candidates),
/// an encrypted or unsafe-named entry, one larger than [`MAX_FILE_SIZE`]
/// once inflated.
pub fn unzip_answer(bytes: &[u8], expected: &str) -> Result<Vec<u8>, OqsProblem> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| bad(format!("not a readable zip archive: {e}")))?;
    if archive.len() > MAX_ZIP_ENTRIES {
        return Err(bad(format!("{} entries (at most {MAX_ZIP_ENTRIES})", archive.len())));
    }
    let mut exact = None;
    let mut xml = Vec::new();
    for i in 0..archive.len() {
        let Some(Ok(name)) = archive.name_for_index(i) else { continue };
        let name = name.to_string();
        let base = name.rsplit(['/', '\\']).next().unwrap_or(&name).to_string();
        if base.eq_ignore_ascii_case(expected) {
            exact = Some((i, name));
            break;
        }
        if base.to_ascii_lowercase().ends_with(".xml") {
            xml.push((i, name));
        }
    }
    let (index, name) = match (exact, xml.len()) {
        (Some(e), _) => e,
        (None, 1) => xml.remove(0),
        (None, 0) => return Err(bad(format!("no {expected} inside"))),
        (None, n) => return Err(bad(format!("no {expected} inside, and {n} other XML files: which one is meant is unclear"))),
    };
    let mut entry = archive.by_index(index).map_err(|e| bad(format!("{name}: {e}")))?;
    if entry.enclosed_name().is_none() {
        return Err(bad(format!("{name}: an entry name outside the archive")));
    }
    if entry.is_dir() || entry.encrypted() {
        return Err(bad(format!("{name}: a folder or an encrypted entry")));
    }
    if entry.size() > MAX_FILE_SIZE {
        return Err(OqsProblem::TooLarge { size: entry.size(), limit: MAX_FILE_SIZE });
    }
    let mut out = Vec::with_capacity(entry.size() as usize);
    (&mut entry).take(MAX_FILE_SIZE + 1).read_to_end(&mut out).map_err(|e| bad(format!("{name}: {e}")))?;
    // The declared size may lie: what was inflated is what counts.
    if out.len() as u64 > MAX_FILE_SIZE {
        return Err(OqsProblem::TooLarge { size: out.len() as u64, limit: MAX_FILE_SIZE });
    }
    Ok(out)
}

/// A `.zip` holding `bytes` as `entry` (deflated): how the training terminal
/// gives an answer zipped.
pub fn zip_answer(entry: &str, bytes: &[u8]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    w.start_file(entry, options).expect("a zip entry in memory");
    w.write_all(bytes).expect("writing to memory");
    w.finish().expect("a zip in memory").into_inner()
}
