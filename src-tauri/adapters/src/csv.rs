//! The CSV files of the desk, the only place that knows CSV: the appointment
//! list read in (its bytes decoded, its records read) and every file the
//! desk writes for people to open in Excel (the batch report, the audit
//! export). What the cells of a list *mean* (columns, rows, validation) is
//! the core's (`madoguchi_core::appointments`), which gets [`Record`]s.
//!
//! ## Reading
//!
//! - [`decode`]: the list's bytes → text. UTF-8 with or without a BOM, else
//!   Shift_JIS/CP932 (what Excel in a Japanese Windows saves) by
//!   `encoding_rs`; bytes that are neither → `batch-csv-unreadable`.
//! - [`Records`] / [`read_records`]: RFC 4180 records (quoted cells, `""`,
//!   line breaks inside quotes, CRLF or LF or CR, comma or tab), each with
//!   the line it starts on; blank lines are not records.
//!   [`appointment_list`] picks the delimiter from the header line and hands
//!   the records to the core.
//!
//!   **Hand-written, not the `csv` crate** (which writes, below): the `csv`
//!   crate reads a quote never closed to the end of the file without an
//!   error (it is lenient by design), so one stray `"` would silently turn
//!   every row after it into one cell; the desk must refuse that file and
//!   name the line where the quote opened (`batch-csv-open-quote`). The
//!   test `the_csv_crate_reads_an_open_quote_silently` keeps the reason
//!   checked.
//!
//! ## Writing
//!
//! The one CSV writer, and the only place of the formula guard:
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

use chrono::NaiveDate;
use madoguchi_core::appointments::{AppointmentList, CsvError, ParsedAppointments, Record};
use madoguchi_core::message::Msg;

// ---- reading ---------------------------------------------------------------

/// Every message id this module answers (tested in both languages).
pub const MESSAGE_IDS: &[&str] = &["batch-csv-unreadable", "batch-csv-open-quote"];

/// The bytes of a list as text: UTF-8 (a BOM at the start is dropped), else
/// Shift_JIS/CP932; bytes that are neither → `batch-csv-unreadable`.
pub fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, Msg> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok(Cow::Borrowed(s));
    }
    let (text, had_errors) = encoding_rs::SHIFT_JIS.decode_without_bom_handling(bytes);
    if had_errors {
        return Err(Msg::new("batch-csv-unreadable"));
    }
    Ok(text)
}

/// An appointment list's text read row by row ([`AppointmentList`]): tab
/// separated when the first non-blank line has a tab and no comma, else
/// comma separated. A BOM at the start is dropped.
pub fn appointment_list(text: &str, today: NaiveDate) -> Result<AppointmentList<Records<'_>>, CsvError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first_line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let delimiter = if first_line.contains('\t') && !first_line.contains(',') { '\t' } else { ',' };
    AppointmentList::new(Records::new(text, delimiter), today)
}

/// An appointment list's text read all at once (for short lists and tests;
/// the desk streams, [`appointment_list`]).
pub fn parse_appointments(text: &str, today: NaiveDate) -> Result<ParsedAppointments, CsvError> {
    ParsedAppointments::collect(appointment_list(text, today)?)
}

/// Reads CSV text (RFC 4180; `delimiter` ',' or '\t') into records. A BOM at
/// the start is dropped. A quote left open at the end is an error naming the
/// line where the quoted cell began. (All of [`Records`] at once.)
pub fn read_records(text: &str, delimiter: char) -> Result<Vec<Record>, CsvError> {
    Records::new(text, delimiter).collect()
}

/// The records of CSV text one by one (RFC 4180; `delimiter` ',' or '\t'),
/// so that a long list is never held as cells all at once. A BOM at the start
/// is dropped; blank lines are not records. A quote left open at the end is
/// an error naming the line where the quoted cell began.
pub struct Records<'a> {
    chars: std::iter::Peekable<std::str::Chars<'a>>,
    delimiter: char,
    line: usize,
    done: bool,
}

impl<'a> Records<'a> {
    pub fn new(text: &'a str, delimiter: char) -> Records<'a> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        Records { chars: text.chars().peekable(), delimiter, line: 1, done: false }
    }

    /// The next record, blank lines included (`None` at the end).
    fn next_record(&mut self) -> Option<Result<Record, CsvError>> {
        if self.done {
            return None;
        }
        let record_line = self.line;
        let mut cells: Vec<String> = Vec::new();
        let mut cell = String::new();
        let mut quoted_from: Option<usize> = None;
        // Whether the current cell started with a quote and its closing quote was seen.
        let mut was_quoted = false;
        let mut any = false;
        while let Some(c) = self.chars.next() {
            any = true;
            if quoted_from.is_some() {
                match c {
                    '"' if self.chars.peek() == Some(&'"') => {
                        self.chars.next();
                        cell.push('"');
                    }
                    '"' => {
                        quoted_from = None;
                        was_quoted = true;
                    }
                    '\r' if self.chars.peek() == Some(&'\n') => {}
                    '\n' => {
                        self.line += 1;
                        cell.push('\n');
                    }
                    _ => cell.push(c),
                }
                continue;
            }
            match c {
                '"' if cell.is_empty() && !was_quoted => quoted_from = Some(self.line),
                c if c == self.delimiter => {
                    cells.push(std::mem::take(&mut cell));
                    was_quoted = false;
                }
                '\r' if self.chars.peek() == Some(&'\n') => {}
                '\r' | '\n' => {
                    cells.push(std::mem::take(&mut cell));
                    self.line += 1;
                    return Some(Ok(Record { line: record_line, cells }));
                }
                _ => cell.push(c),
            }
        }
        self.done = true;
        if let Some(from) = quoted_from {
            return Some(Err(CsvError::new(Msg::new("batch-csv-open-quote").arg("line", from))));
        }
        if any && (!cell.is_empty() || !cells.is_empty() || was_quoted) {
            cells.push(cell);
            return Some(Ok(Record { line: record_line, cells }));
        }
        None
    }
}

impl Iterator for Records<'_> {
    type Item = Result<Record, CsvError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            match self.next_record()? {
                // Blank lines are not records.
                Ok(r) if r.cells.len() == 1 && r.cells[0].trim().is_empty() => continue,
                other => return Some(other),
            }
        }
    }
}

// ---- writing ---------------------------------------------------------------

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
    writer: ::csv::Writer<Vec<u8>>,
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

fn writer(out: Vec<u8>) -> ::csv::Writer<Vec<u8>> {
    ::csv::WriterBuilder::new().terminator(::csv::Terminator::CRLF).quote_style(::csv::QuoteStyle::Necessary).from_writer(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_keep_their_lines() {
        let t = "a,b\r\n\"x\ny\",\"say \"\"hi\"\"\"\n\n1,2";
        let r = read_records(t, ',').unwrap();
        assert_eq!(r.len(), 3);
        assert_eq!((r[0].line, r[1].line, r[2].line), (1, 2, 5));
        assert_eq!(r[1].cells, vec!["x\ny".to_string(), "say \"hi\"".to_string()]);
        assert!(read_records("a,\"b\n", ',').is_err());
    }

    /// Why [`Records`] is written here: the `csv` crate takes a quote never
    /// closed for a cell that runs to the end of the file, without an error.
    #[test]
    fn the_csv_crate_reads_an_open_quote_silently() {
        let text = "氏名,番号\n\"山田,1\n鈴木,2\n";
        let mut r = ::csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
        let rows: Vec<_> = r.records().collect();
        assert!(rows.iter().all(|r| r.is_ok()), "the csv crate now refuses an open quote: use it for reading");
        assert_eq!(rows.len(), 2, "the rows after the quote became one cell");
        let e = read_records(text, ',').unwrap_err();
        assert_eq!(e.message, Msg::new("batch-csv-open-quote").arg("line", 2));
    }

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
