//! Bytes ⇄ text (encoding detection, Shift_JIS as Windows-31J) and text ⇄ a
//! small element tree (name, text, children), plus a minimal XML writer.
//! The mapping modules work on the tree only, so element order and unknown
//! elements never matter.

use chrono::{NaiveDate, NaiveDateTime};
use quick_xml::errors::{Error as XmlError, IllFormedError, SyntaxError};
use quick_xml::events::Event;
use quick_xml::Reader;
use serde::{Deserialize, Serialize};

use super::error::OqsProblem;

/// Deeper than any OQS file nests (the medication file goes to 6 levels).
pub const MAX_DEPTH: usize = 64;

/// More elements than any OQS file holds: the size limit is for bytes, not
/// for work — 8 MiB of `<a/>` are two million elements (472 MB and 5 s to
/// build the tree). The largest real answer, five years of 薬剤情報 with
/// 診療情報, is some tens of thousands of elements (a dispensing is about 25);
/// 200,000 leaves room for ten times that, and a tree of that many small
/// elements stays within some tens of MB.
pub const MAX_ELEMENTS: usize = 200_000;

/// A character XML text must not hold: the C0 controls but tab, line feed
/// and carriage return (XML 1.0 forbids them, raw or as `&#…;`), DEL and
/// the C1 controls (never in a name, nor in any OQS value).
pub(crate) fn is_forbidden_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// The character encoding of a written file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    /// `Shift_JIS` as the national system means it: Windows code page 932
    /// (NEC and IBM extensions such as 髙, ①). The usual encoding of requests.
    #[default]
    ShiftJis,
    Utf8,
}

impl Encoding {
    /// The name in the XML declaration.
    pub fn xml_name(self) -> &'static str {
        match self {
            Encoding::ShiftJis => "Shift_JIS",
            Encoding::Utf8 => "UTF-8",
        }
    }
    /// `CharacterCodeIdentifier`: 0 = UTF-8, 1 = Shift_JIS.
    pub fn character_code_identifier(self) -> &'static str {
        match self {
            Encoding::ShiftJis => "1",
            Encoding::Utf8 => "0",
        }
    }
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// How many multi-byte UTF-8 characters make a file declared Shift_JIS count
/// as mislabelled UTF-8.
const MISLABELLED_UTF8_MIN: usize = 8;

fn is_xml_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// The `encoding` pseudo-attribute of a leading XML declaration, if any.
fn declared_encoding(bytes: &[u8]) -> Option<String> {
    let start = bytes.iter().position(|b| !is_xml_space(*b))?;
    let rest = &bytes[start..];
    if !rest.starts_with(b"<?xml") {
        return None;
    }
    let head = &rest[..rest.len().min(1024)];
    let end = head.windows(2).position(|w| w == b"?>")?;
    let decl = &head[5..end];
    let pos = decl.windows(8).position(|w| w == b"encoding")?;
    let mut i = pos + 8;
    while i < decl.len() && is_xml_space(decl[i]) {
        i += 1;
    }
    if decl.get(i) != Some(&b'=') {
        return None;
    }
    i += 1;
    while i < decl.len() && is_xml_space(decl[i]) {
        i += 1;
    }
    let quote = *decl.get(i)?;
    if quote != b'"' && quote != b'\'' {
        return None;
    }
    let value = &decl[i + 1..];
    let close = value.iter().position(|b| *b == quote)?;
    Some(String::from_utf8_lossy(&value[..close]).into_owned())
}

fn encoding_by_name(name: &str) -> Option<Encoding> {
    let n = name.trim().to_ascii_lowercase().replace('-', "_");
    match n.as_str() {
        "utf_8" | "utf8" => Some(Encoding::Utf8),
        "shift_jis" | "shift_jis_2004" | "sjis" | "x_sjis" | "windows_31j" | "cp932" | "ms932"
        | "ms_kanji" | "csshiftjis" | "cswindows31j" => Some(Encoding::ShiftJis),
        _ => None,
    }
}

/// Detects the encoding (UTF-8 BOM, else the XML declaration, else UTF-8 —
/// or cp932 for a declaration that names none on bytes that are not UTF-8) and
/// decodes strictly: bytes invalid in that encoding are an error, never
/// replacement characters.
pub(crate) fn decode(bytes: &[u8]) -> Result<(String, Encoding), OqsProblem> {
    if bytes.starts_with(b"\xFF\xFE")
        || bytes.starts_with(b"\xFE\xFF")
        || bytes.starts_with(b"<\0?\0")
        || bytes.starts_with(b"\0<\0?")
    {
        return Err(OqsProblem::UnsupportedEncoding {
            declared: "UTF-16".into(),
        });
    }
    // A declaration without an encoding: cp932 is allowed then.
    let mut undeclared = false;
    let (body, offset0, encoding, label) = if let Some(rest) = bytes.strip_prefix(UTF8_BOM) {
        (
            rest,
            UTF8_BOM.len() as u64,
            Encoding::Utf8,
            "UTF-8".to_string(),
        )
    } else {
        match declared_encoding(bytes) {
            None => {
                // A declaration that names no encoding (not a missing one:
                // without a declaration XML is UTF-8, and so are the files
                // seen without one).
                let start = bytes.iter().position(|b| !is_xml_space(*b)).unwrap_or(bytes.len());
                undeclared = bytes[start..].starts_with(b"<?xml");
                (bytes, 0, Encoding::Utf8, "UTF-8".to_string())
            }
            Some(name) => match encoding_by_name(&name) {
                Some(e) => (bytes, 0, e, name),
                None => return Err(OqsProblem::UnsupportedEncoding { declared: name }),
            },
        }
    };
    if body.iter().all(|b| is_xml_space(*b)) {
        return Err(OqsProblem::Empty);
    }
    match encoding {
        Encoding::Utf8 => match std::str::from_utf8(body) {
            Ok(s) => Ok((s.to_owned(), encoding)),
            // A declaration naming no encoding and not UTF-8: cp932, as some
            // sites write it with a bare `<?xml version="1.0"?>`, when it
            // reads as such without a single bad byte; else the UTF-8 error
            // stands.
            Err(e) if undeclared && decode_shift_jis(body, 0, "Shift_JIS").is_ok() => {
                tracing::info!(utf8_error_at = e.valid_up_to(), "OQS: a file naming no encoding read as cp932");
                decode_shift_jis(body, 0, "Shift_JIS").map(|s| (s, Encoding::ShiftJis))
            }
            // an incomplete character at the very end: the file was cut off
            Err(e) if e.error_len().is_none() => Err(OqsProblem::Truncated {
                detail: "the file ends inside a character".into(),
            }),
            Err(e) => Err(OqsProblem::WrongEncoding {
                declared: label,
                offset: offset0 + e.valid_up_to() as u64,
            }),
        },
        Encoding::ShiftJis => {
            // A file declared Shift_JIS that is valid UTF-8 with many multi-byte
            // characters is UTF-8 with a wrong declaration: decoding it as
            // Shift_JIS would garble every name. (Real Shift_JIS Japanese is
            // practically never valid UTF-8: kana and level-1 kanji start with
            // bytes UTF-8 forbids at a character's start; a short run of
            // level-2 kanji can be, hence the threshold.)
            if let Ok(as_utf8) = std::str::from_utf8(body) {
                if as_utf8.chars().filter(|c| !c.is_ascii()).count() >= MISLABELLED_UTF8_MIN {
                    let offset = body.iter().position(|b| !b.is_ascii()).unwrap_or(0);
                    return Err(OqsProblem::WrongEncoding {
                        declared: label,
                        offset: offset0 + offset as u64,
                    });
                }
            }
            decode_shift_jis(body, offset0, &label).map(|s| (s, encoding))
        }
    }
}

/// Strict cp932: a bad byte is an error at its offset, never a replacement.
fn decode_shift_jis(body: &[u8], offset0: u64, label: &str) -> Result<String, OqsProblem> {
    let mut decoder = encoding_rs::SHIFT_JIS.new_decoder_without_bom_handling();
    let cap = decoder
        .max_utf8_buffer_length_without_replacement(body.len())
        .unwrap_or(body.len().saturating_mul(3));
    let mut out = String::with_capacity(cap);
    let (result, read) = decoder.decode_to_string_without_replacement(body, &mut out, true);
    match result {
        encoding_rs::DecoderResult::InputEmpty => Ok(out),
        encoding_rs::DecoderResult::Malformed(bad, after) => {
            let at = read
                .saturating_sub(after as usize)
                .saturating_sub(bad as usize);
            // a lone lead byte at the very end: the file was cut off
            if at + 1 == body.len() && matches!(body[at], 0x81..=0x9F | 0xE0..=0xFC) {
                return Err(OqsProblem::Truncated {
                    detail: "the file ends inside a character".into(),
                });
            }
            Err(OqsProblem::WrongEncoding {
                declared: label.to_string(),
                offset: offset0 + at as u64,
            })
        }
        encoding_rs::DecoderResult::OutputFull => Err(OqsProblem::WrongEncoding {
            declared: label.to_string(),
            offset: offset0 + read as u64,
        }),
    }
}

/// Encodes a document. Characters Windows-31J cannot represent become numeric
/// character references (`&#…;`), which is what they are in XML text anyway.
pub(crate) fn encode(text: &str, encoding: Encoding) -> Vec<u8> {
    match encoding {
        Encoding::Utf8 => text.as_bytes().to_vec(),
        Encoding::ShiftJis => encoding_rs::SHIFT_JIS.encode(text).0.into_owned(),
    }
}

/// One element: its local name, its own text (all text children joined) and
/// its child elements. Attributes are not used by OQS files and are dropped.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Element {
    pub name: String,
    pub text: String,
    pub children: Vec<Element>,
}

impl Element {
    fn new(name: String) -> Self {
        Element {
            name,
            text: String::new(),
            children: Vec::new(),
        }
    }

    /// The first direct child called `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// All direct children called `name`.
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The first descendant called `name` (depth first, document order).
    pub fn find(&self, name: &str) -> Option<&Element> {
        for c in &self.children {
            if c.name == name {
                return Some(c);
            }
            if let Some(f) = c.find(name) {
                return Some(f);
            }
        }
        None
    }

    /// All descendants whose name is in `names`, in document order, not looking
    /// inside a match.
    pub fn find_all<'a>(&'a self, names: &[&str], out: &mut Vec<&'a Element>) {
        for c in &self.children {
            if names.contains(&c.name.as_str()) {
                out.push(c);
            } else {
                c.find_all(names, out);
            }
        }
    }

    /// The text, without surrounding XML white space; `None` when empty.
    pub fn value(&self) -> Option<&str> {
        let t = self
            .text
            .trim_matches(|c| matches!(c, ' ' | '\t' | '\r' | '\n'));
        (!t.is_empty()).then_some(t)
    }

    /// The value of the first direct child called `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.child(name).and_then(Element::value)
    }

    /// The value of the first direct child with any of `names` that has one.
    pub fn get_any(&self, names: &[&str]) -> Option<&str> {
        names.iter().find_map(|n| self.get(n))
    }

    pub fn get_string(&self, name: &str) -> Option<String> {
        self.get(name).map(str::to_owned)
    }
}

fn map_xml_error(e: XmlError, offset: u64) -> OqsProblem {
    match e {
        XmlError::Syntax(
            s @ (SyntaxError::UnclosedPIOrXmlDecl
            | SyntaxError::UnclosedComment
            | SyntaxError::UnclosedDoctype
            | SyntaxError::UnclosedCData
            | SyntaxError::UnclosedTag),
        ) => OqsProblem::Truncated {
            detail: s.to_string(),
        },
        XmlError::IllFormed(m @ IllFormedError::MissingEndTag(_)) => OqsProblem::Truncated {
            detail: m.to_string(),
        },
        other => OqsProblem::Malformed {
            detail: other.to_string(),
            offset,
        },
    }
}

/// Parses decoded text into a tree. Errors: malformed XML, a file that ends
/// early (open elements, an unclosed tag), nesting deeper than [`MAX_DEPTH`],
/// more than [`MAX_ELEMENTS`] elements, a control character in an element's
/// text ([`is_forbidden_control`], named with the element).
pub(crate) fn parse_tree(text: &str) -> Result<Element, OqsProblem> {
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let mut elements = 0usize;
    // Text for the innermost open element, refused with its name when it
    // holds a control character.
    fn push_text(stack: &mut [Element], s: &str) -> Result<bool, OqsProblem> {
        let Some(el) = stack.last_mut() else { return Ok(false) };
        if let Some(c) = s.chars().find(|c| is_forbidden_control(*c)) {
            return Err(OqsProblem::ControlCharacter { element: el.name.clone(), code: c as u32 });
        }
        el.text.push_str(s);
        Ok(true)
    }

    fn attach(stack: &mut [Element], root: &mut Option<Element>, el: Element) {
        match stack.last_mut() {
            Some(parent) => parent.children.push(el),
            None => *root = Some(el),
        }
    }

    loop {
        let pos = reader.buffer_position();
        let event = reader
            .read_event()
            .map_err(|e| map_xml_error(e, reader.error_position()))?;
        let malformed = |detail: &str| OqsProblem::Malformed {
            detail: detail.to_string(),
            offset: pos,
        };
        match event {
            Event::Start(s) | Event::Empty(s) if stack.is_empty() && root.is_some() => {
                let _ = s;
                return Err(malformed("a second root element"));
            }
            Event::Start(_) | Event::Empty(_) if elements >= MAX_ELEMENTS => {
                return Err(OqsProblem::TooManyElements { limit: MAX_ELEMENTS });
            }
            Event::Start(s) => {
                elements += 1;
                if stack.len() >= MAX_DEPTH {
                    return Err(OqsProblem::TooDeep { limit: MAX_DEPTH });
                }
                stack.push(Element::new(
                    String::from_utf8_lossy(s.local_name().as_ref()).into_owned(),
                ));
            }
            Event::Empty(s) => {
                elements += 1;
                if stack.len() >= MAX_DEPTH {
                    return Err(OqsProblem::TooDeep { limit: MAX_DEPTH });
                }
                let el =
                    Element::new(String::from_utf8_lossy(s.local_name().as_ref()).into_owned());
                attach(&mut stack, &mut root, el);
            }
            Event::End(_) => {
                let el = stack
                    .pop()
                    .ok_or_else(|| malformed("an end tag without a start tag"))?;
                attach(&mut stack, &mut root, el);
            }
            Event::Text(t) => {
                let s = t.xml10_content().map_err(|e| malformed(&e.to_string()))?;
                if !push_text(&mut stack, &s)? && !s.trim().is_empty() {
                    return Err(malformed("text outside the root element"));
                }
            }
            Event::CData(c) => {
                let s = c.xml10_content().map_err(|e| malformed(&e.to_string()))?;
                if !push_text(&mut stack, &s)? {
                    return Err(malformed("CDATA outside the root element"));
                }
            }
            Event::GeneralRef(r) => {
                let resolved: String = if r.is_char_ref() {
                    match r.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        Ok(None) => return Err(malformed("a bad character reference")),
                        Err(e) => return Err(malformed(&e.to_string())),
                    }
                } else {
                    let name = r.decode().map_err(|e| malformed(&e.to_string()))?;
                    match quick_xml::escape::resolve_predefined_entity(&name) {
                        Some(v) => v.to_string(),
                        None => return Err(malformed(&format!("unknown entity &{name};"))),
                    }
                };
                if !push_text(&mut stack, &resolved)? {
                    return Err(malformed("a reference outside the root element"));
                }
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
        }
    }
    if let Some(open) = stack.last() {
        return Err(OqsProblem::Truncated {
            detail: format!("<{}> is not closed", open.name),
        });
    }
    root.ok_or_else(|| OqsProblem::Truncated {
        detail: "no root element".into(),
    })
}

// ---------------------------------------------------------------------------
// Values

fn bad(field: &str, value: &str) -> OqsProblem {
    OqsProblem::BadValue {
        field: field.to_string(),
        value: value.chars().take(64).collect(),
    }
}

/// `YYYYMMDD`.
pub(crate) fn parse_date(field: &str, s: &str) -> Result<NaiveDate, OqsProblem> {
    let s = s.trim();
    if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(d) = NaiveDate::parse_from_str(s, "%Y%m%d") {
            return Ok(d);
        }
    }
    Err(bad(field, s))
}

/// `YYYYMMDDHHMMSS` (also `YYYYMMDDHHMM`).
pub(crate) fn parse_datetime(field: &str, s: &str) -> Result<NaiveDateTime, OqsProblem> {
    let s = s.trim();
    if s.bytes().all(|b| b.is_ascii_digit()) {
        let r = match s.len() {
            14 => NaiveDateTime::parse_from_str(s, "%Y%m%d%H%M%S").ok(),
            12 => NaiveDateTime::parse_from_str(&format!("{s}00"), "%Y%m%d%H%M%S").ok(),
            _ => None,
        };
        if let Some(d) = r {
            return Ok(d);
        }
    }
    Err(bad(field, s))
}

pub(crate) fn fmt_date(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

pub(crate) fn fmt_datetime(d: NaiveDateTime) -> String {
    d.format("%Y%m%d%H%M%S").to_string()
}

/// Reads an optional value with `f`; an unreadable optional value is logged
/// and treated as absent (a bad end date must not hide the whole result).
pub(crate) fn lenient<T>(
    field: &str,
    v: Option<&str>,
    f: impl FnOnce(&str, &str) -> Result<T, OqsProblem>,
) -> Option<T> {
    let v = v?;
    match f(field, v) {
        Ok(x) => Some(x),
        Err(e) => {
            tracing::warn!(field, value = v, "OQS: ignoring an unreadable value: {e}");
            None
        }
    }
}

/// An optional code read with `from_code`; unknown codes are logged and dropped.
pub(crate) fn code<T>(
    field: &str,
    v: Option<&str>,
    from_code: impl FnOnce(&str) -> Option<T>,
) -> Option<T> {
    let v = v?;
    let r = from_code(v);
    if r.is_none() {
        tracing::warn!(field, value = v, "OQS: ignoring an unknown code");
    }
    r
}

// ---------------------------------------------------------------------------
// Writing

/// A tiny pretty-printing XML writer for the flat element structure of OQS files.
pub(crate) struct XmlOut {
    s: String,
    depth: usize,
}

/// Escapes text content: `&`, `<`, `>`, and CR (kept as `&#13;`); drops the
/// characters XML 1.0 cannot carry at all (most C0 controls, U+FFFE, U+FFFF).
pub(crate) fn escape_text(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' => out.push(c),
            '\u{0}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}' => {}
            _ => out.push(c),
        }
    }
}

impl XmlOut {
    pub(crate) fn new(encoding: Encoding) -> Self {
        let mut s = String::new();
        s.push_str(&format!(
            "<?xml version=\"1.0\" encoding=\"{}\" standalone=\"no\"?>\n",
            encoding.xml_name()
        ));
        XmlOut { s, depth: 0 }
    }
    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.s.push_str("  ");
        }
    }
    pub(crate) fn open(&mut self, name: &str) {
        self.indent();
        self.s.push('<');
        self.s.push_str(name);
        self.s.push_str(">\n");
        self.depth += 1;
    }
    pub(crate) fn close(&mut self, name: &str) {
        self.depth = self.depth.saturating_sub(1);
        self.indent();
        self.s.push_str("</");
        self.s.push_str(name);
        self.s.push_str(">\n");
    }
    /// `<name>value</name>`, always written.
    pub(crate) fn leaf(&mut self, name: &str, value: &str) {
        self.indent();
        self.s.push('<');
        self.s.push_str(name);
        self.s.push('>');
        escape_text(&mut self.s, value);
        self.s.push_str("</");
        self.s.push_str(name);
        self.s.push_str(">\n");
    }
    /// `<name>value</name>` when there is a value.
    pub(crate) fn opt(&mut self, name: &str, value: Option<&str>) {
        if let Some(v) = value {
            self.leaf(name, v);
        }
    }
    pub(crate) fn opt_date(&mut self, name: &str, value: Option<NaiveDate>) {
        if let Some(d) = value {
            self.leaf(name, &fmt_date(d));
        }
    }
    pub(crate) fn opt_datetime(&mut self, name: &str, value: Option<NaiveDateTime>) {
        if let Some(d) = value {
            self.leaf(name, &fmt_datetime(d));
        }
    }
    pub(crate) fn finish(self, encoding: Encoding) -> Vec<u8> {
        encode(&self.s, encoding)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_31j_extensions_decode() {
        // 髙 (IBM extension FB FC), ① (NEC row 13, 87 40), ～ (81 60)
        let bytes =
            b"<?xml version=\"1.0\" encoding=\"Shift_JIS\"?><a>\xFB\xFC\x87\x40\x81\x60</a>";
        let (text, enc) = decode(bytes).unwrap();
        assert_eq!(enc, Encoding::ShiftJis);
        assert!(text.ends_with("<a>髙①～</a>"), "{text}");
        // and back
        let again = encode("髙①", Encoding::ShiftJis);
        // without a declaration the bytes must be UTF-8
        assert!(decode([b"<a>".as_slice(), &again, b"</a>"].concat().as_slice()).is_err());
        let mut doc = b"<?xml version='1.0' encoding='windows-31j'?><a>".to_vec();
        doc.extend_from_slice(&again);
        doc.extend_from_slice(b"</a>");
        assert!(decode(&doc).unwrap().0.contains("髙①"));
    }

    #[test]
    fn short_shift_jis_that_happens_to_be_valid_utf8_is_still_shift_jis() {
        // 邊　 in Windows-31J is E7 B2 81 40, which is also valid UTF-8
        let doc = b"<?xml version=\"1.0\" encoding=\"Shift_JIS\"?><a>\xE7\xB2\x81\x40</a>";
        assert!(decode(doc).unwrap().0.ends_with("<a>邊　</a>"));
        // a UTF-8 document relabelled Shift_JIS is refused
        let utf8 = "<?xml version=\"1.0\" encoding=\"Shift_JIS\"?><a>東京都中野区鷺宮三丁目</a>";
        assert!(matches!(
            decode(utf8.as_bytes()),
            Err(OqsProblem::WrongEncoding { .. })
        ));
    }

    #[test]
    fn encoding_detection() {
        assert_eq!(
            declared_encoding(b"  <?xml version=\"1.0\" encoding = 'cp932' ?>"),
            Some("cp932".into())
        );
        assert_eq!(declared_encoding(b"<a/>"), None);
        assert_eq!(
            decode(b"\xEF\xBB\xBF<a>\xE9\xAB\x99</a>").unwrap().0,
            "<a>髙</a>"
        );
        assert!(matches!(
            decode(b"<?xml version=\"1.0\" encoding=\"EUC-JP\"?><a/>"),
            Err(OqsProblem::UnsupportedEncoding { .. })
        ));
        assert!(matches!(
            decode(b"<a>\x92\x86</a>"),
            Err(OqsProblem::WrongEncoding { offset: 3, .. })
        ));
        assert!(matches!(
            decode(b"<a>\xE9\xAB"),
            Err(OqsProblem::Truncated { .. })
        ));
        let sjis_cut = b"<?xml version=\"1.0\" encoding=\"Shift_JIS\"?><a>\x92";
        assert!(matches!(
            decode(sjis_cut),
            Err(OqsProblem::Truncated { .. })
        ));
        let sjis_bad = b"<?xml version=\"1.0\" encoding=\"Shift_JIS\"?><a>\xA0\x80</a>";
        assert!(
            matches!(decode(sjis_bad), Err(OqsProblem::WrongEncoding { .. })),
            "{:?}",
            decode(sjis_bad)
        );
        assert!(matches!(decode(b"\xEF\xBB\xBF \n"), Err(OqsProblem::Empty)));
        assert!(matches!(
            decode(b"\xFF\xFE<\0"),
            Err(OqsProblem::UnsupportedEncoding { .. })
        ));
    }

    #[test]
    fn tree_and_escaping() {
        let t = parse_tree("<r><a>x &amp; &#x9AD9; <![CDATA[<y>]]></a><b/></r>").unwrap();
        assert_eq!(t.get("a"), Some("x & 髙 <y>"));
        assert!(t.child("b").is_some());
        let mut s = String::new();
        escape_text(&mut s, "a<b>&c\r\u{1}");
        assert_eq!(s, "a&lt;b&gt;&amp;c&#13;");
        assert!(matches!(
            parse_tree("<r><a></r>"),
            Err(OqsProblem::Malformed { .. })
        ));
        assert!(matches!(
            parse_tree("<r><a>"),
            Err(OqsProblem::Truncated { .. })
        ));
        assert!(matches!(
            parse_tree("<r><a"),
            Err(OqsProblem::Truncated { .. })
        ));
        assert!(matches!(
            parse_tree("<r/><r/>"),
            Err(OqsProblem::Malformed { .. })
        ));
        assert!(matches!(
            parse_tree("<r>&bogus;</r>"),
            Err(OqsProblem::Malformed { .. })
        ));
        let deep = "<a>".repeat(MAX_DEPTH + 1);
        assert!(matches!(parse_tree(&deep), Err(OqsProblem::TooDeep { .. })));
    }
}
