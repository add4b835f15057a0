//! The one CSV writer for every file the desk writes for people to open in
//! Excel (the batch report, the audit export): the only place that knows
//! how a CSV file is written, and the only place of the formula guard.
//!
//! - UTF-8 **with a byte order mark** first: without it, Excel in a
//!   Japanese Windows reads a CSV as Shift_JIS and garbles the kanji.
//! - RFC 4180 by the `csv` crate: CRLF line ends, a field that holds a comma,
//!   a double quote, CR or LF enclosed in double quotes, quotes doubled.
//! - **Formula guard** ([`guard`]): a field that begins with `=`, `+`, `-`,
//!   `@`, tab or CR would be run by Excel (`=HYPERLINK(…)`, `@SUM(1)`,
//!   `=cmd|' /C calc'!A0` …): it gets a leading `'` (OWASP's advice), so
//!   Excel shows it as text, as it was typed. Every field goes through it,
//!   headers included; there is no way to write a field unguarded.
//!
//! **Negative numbers** (our choice): a field that is nothing but a
//! negative number in the way one types it (`-1`, `-12.5`) is left as it is,
//! so that a number the office wants as a number stays one; Excel reads it as
//! a number and runs nothing (a formula needs an operator or a function after
//! the sign: `-1+1`, `-SUM(…)` are guarded). The desk itself writes no
//! negative numbers; such a field can only come from an imported list. A
//! leading `+` is always guarded: `+1` and phone numbers like `+81 3 …` are
//! kept as typed (Excel would turn `+81 3` into a formula, `+1` into 1).

use std::borrow::Cow;

/// The characters a field may not begin with unguarded (OWASP CSV injection).
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A field as written: with a leading `'` when Excel would take it for a
/// formula; see the module documentation (negative numbers stay numbers).
pub fn guard(field: &str) -> Cow<'_, str> {
    if field.starts_with(FORMULA_START) && !is_negative_number(field) {
        Cow::Owned(format!("'{field}"))
    } else {
        Cow::Borrowed(field)
    }
}

/// `-1`, `-12.5` (ASCII digits, one optional decimal point with digits on
/// both sides).
fn is_negative_number(field: &str) -> bool {
    let Some(rest) = field.strip_prefix('-') else { return false };
    let (int, frac) = rest.split_once('.').unwrap_or((rest, "1"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(int) && digits(frac)
}

/// A CSV file being written: [`CsvFile::new`] (the BOM), [`CsvFile::row`]
/// for each record, [`CsvFile::finish`] for the text.
pub struct CsvFile {
    writer: csv::Writer<Vec<u8>>,
}

impl Default for CsvFile {
    fn default() -> Self {
        CsvFile::new()
    }
}

impl CsvFile {
    /// An empty file for Excel: the BOM, nothing else yet.
    pub fn new() -> CsvFile {
        let mut out = Vec::new();
        out.extend_from_slice("\u{feff}".as_bytes());
        CsvFile { writer: writer(out) }
    }

    /// One record, every field guarded ([`guard`]).
    pub fn row<I, S>(&mut self, fields: I)
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let fields: Vec<String> = fields.into_iter().map(|f| guard(f.as_ref()).into_owned()).collect();
        // Writing into a Vec cannot fail.
        self.writer.write_record(&fields).expect("CSV into memory");
    }

    /// The file's text.
    pub fn finish(self) -> String {
        let bytes = self.writer.into_inner().expect("CSV into memory");
        String::from_utf8(bytes).expect("CSV of strings is UTF-8")
    }
}

/// One record as a line of CSV without its line end and without the guard:
/// for showing the cells of a row as they were *inside* one field (the
/// field itself is guarded when its file row is written).
pub fn line<S: AsRef<str>>(cells: &[S]) -> String {
    let mut w = writer(Vec::new());
    w.write_record(cells.iter().map(|c| c.as_ref())).expect("CSV into memory");
    let text = String::from_utf8(w.into_inner().expect("CSV into memory")).expect("UTF-8");
    text.trim_end_matches(['\r', '\n']).to_string()
}

fn writer(out: Vec<u8>) -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).quote_style(csv::QuoteStyle::Necessary).from_writer(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use madoguchi_core::appointments::read_records;

    #[test]
    fn written_records_read_back() {
        let cells = vec!["a,b".to_string(), "q\"".to_string(), "改\n行".to_string(), " s".to_string(), String::new()];
        let mut file = CsvFile::new();
        file.row(&cells);
        let text = file.finish();
        assert!(text.starts_with('\u{feff}') && text.ends_with("\r\n"));
        assert_eq!(read_records(&text, ',').unwrap()[0].cells, cells);
        assert_eq!(read_records(&line(&cells), ',').unwrap()[0].cells, cells);
    }

    #[test]
    fn the_guard() {
        for (field, written) in [
            ("=HYPERLINK(\"http://example.invalid\",\"y\")", "'=HYPERLINK(\"http://example.invalid\",\"y\")"),
            ("@SUM(1)", "'@SUM(1)"),
            ("+1", "'+1"),
            ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
            ("\t=1+1", "'\t=1+1"),
            ("\r=1+1", "'\r=1+1"),
            ("-1+1", "'-1+1"),
            ("-SUM(1)", "'-SUM(1)"),
            ("-", "'-"),
            ("-1.", "'-1."),
            ("-.5", "'-.5"),
            // A negative number stays a number (the module's choice).
            ("-1", "-1"),
            ("-12.5", "-12.5"),
            ("山田 太郎", "山田 太郎"),
            ("a=1", "a=1"),
            ("", ""),
        ] {
            assert_eq!(guard(field), written, "{field:?}");
        }
    }
}
