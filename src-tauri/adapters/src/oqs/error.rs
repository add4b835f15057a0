//! What can be wrong with an OQS file. Every error names the file; each
//! problem has a message in `locales/*/oqs.ftl`.

/// A file of the OQS folder could not be read or understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {problem}")]
pub struct OqsError {
    /// The file's name (or a label such as `(bytes)` when parsing bytes from memory).
    pub file: String,
    pub problem: OqsProblem,
}

/// What is wrong with the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OqsProblem {
    /// The file could not be opened or read (still locked, gone, no permission).
    #[error("cannot read the file: {detail}")]
    Io { detail: String },
    /// A named pipe, a device, a socket or a folder: never read
    /// ([`crate::input_file`]).
    #[error("not a regular file (a {kind})")]
    NotRegularFile { kind: String },
    /// More elements than any OQS file has ([`super::xml::MAX_ELEMENTS`]).
    #[error("more than {limit} elements")]
    TooManyElements { limit: usize },
    /// A control character (other than tab, line feed, carriage return) in
    /// the text of an element, raw or as a character reference.
    #[error("control character U+{code:04X} in element {element}")]
    ControlCharacter { element: String, code: u32 },
    /// Zero bytes, or nothing but white space.
    #[error("the file is empty")]
    Empty,
    /// Larger than [`super::MAX_FILE_SIZE`].
    #[error("the file is too large ({size} bytes, at most {limit} accepted)")]
    TooLarge { size: u64, limit: u64 },
    /// Neither the file name nor the content says which OQS file this is.
    #[error("not a known OQS file (by name or content)")]
    UnknownKind,
    /// A kind of file this module does not read.
    #[error("this kind of OQS file ({kind}) is not read here")]
    UnsupportedKind { kind: String },
    /// The XML declaration names an encoding other than Shift_JIS or UTF-8.
    #[error("unsupported encoding {declared:?}")]
    UnsupportedEncoding { declared: String },
    /// The bytes are not valid in the declared (or assumed) encoding.
    #[error("the bytes are not valid {declared} (at byte {offset})")]
    WrongEncoding { declared: String, offset: u64 },
    /// The file ends in the middle of the XML (still being written, or cut off).
    #[error("the file ends too early: {detail}")]
    Truncated { detail: String },
    /// Not well-formed XML.
    #[error("malformed XML at byte {offset}: {detail}")]
    Malformed { detail: String, offset: u64 },
    /// Elements nested deeper than any OQS file does.
    #[error("elements nested deeper than {limit} levels")]
    TooDeep { limit: usize },
    /// The root element is not `XmlMsg`.
    #[error("unexpected root element <{found}> (expected <XmlMsg>)")]
    UnexpectedRoot { found: String },
    /// A required element is missing.
    #[error("required element {field} is missing")]
    MissingField { field: String },
    /// An element holds a value that cannot be read.
    #[error("element {field} holds an unreadable value {value:?}")]
    BadValue { field: String, value: String },
    /// A zipped answer that cannot be taken (not a zip, no expected entry,
    /// too many entries, an unsafe or encrypted entry).
    #[error("the zip archive cannot be read: {detail}")]
    BadArchive { detail: String },
}

impl OqsProblem {
    /// The problem for an I/O error: [`OqsProblem::NotRegularFile`] when
    /// [`crate::input_file`] refused the file, else [`OqsProblem::Io`].
    pub fn from_io(e: &std::io::Error) -> OqsProblem {
        match crate::input_file::not_regular(e) {
            Some(n) => OqsProblem::NotRegularFile { kind: n.kind.to_string() },
            None => OqsProblem::Io { detail: e.to_string() },
        }
    }
}

impl OqsError {
    pub fn new(file: impl Into<String>, problem: OqsProblem) -> Self {
        OqsError {
            file: file.into(),
            problem,
        }
    }

    /// The message id in `locales/*/oqs.ftl`.
    pub fn message_id(&self) -> &'static str {
        match &self.problem {
            OqsProblem::Io { .. } => "oqs-io",
            OqsProblem::NotRegularFile { .. } => "oqs-not-regular-file",
            OqsProblem::TooManyElements { .. } => "oqs-too-many-elements",
            OqsProblem::ControlCharacter { .. } => "oqs-control-character",
            OqsProblem::Empty => "oqs-empty",
            OqsProblem::TooLarge { .. } => "oqs-too-large",
            OqsProblem::UnknownKind => "oqs-unknown-kind",
            OqsProblem::UnsupportedKind { .. } => "oqs-unsupported-kind",
            OqsProblem::UnsupportedEncoding { .. } => "oqs-unsupported-encoding",
            OqsProblem::WrongEncoding { .. } => "oqs-wrong-encoding",
            OqsProblem::Truncated { .. } => "oqs-truncated",
            OqsProblem::Malformed { .. } => "oqs-malformed",
            OqsProblem::TooDeep { .. } => "oqs-too-deep",
            OqsProblem::UnexpectedRoot { .. } => "oqs-unexpected-root",
            OqsProblem::MissingField { .. } => "oqs-missing-field",
            OqsProblem::BadValue { .. } => "oqs-bad-value",
            OqsProblem::BadArchive { .. } => "oqs-bad-archive",
        }
    }

    /// The message for a person: [`Self::message_id`] with [`Self::message_args`].
    pub fn message(&self) -> madoguchi_core::message::Msg {
        madoguchi_core::message::Msg::with_args(self.message_id(), self.message_args())
    }

    /// The arguments of [`Self::message_id`]'s message: always `file`, plus the
    /// problem's details.
    pub fn message_args(&self) -> Vec<(&'static str, String)> {
        let mut args = vec![("file", self.file.clone())];
        match &self.problem {
            OqsProblem::Io { detail } | OqsProblem::Truncated { detail } | OqsProblem::BadArchive { detail } => {
                args.push(("detail", detail.clone()))
            }
            // The kind is in the log (Display); the message names the file.
            OqsProblem::Empty | OqsProblem::UnknownKind | OqsProblem::NotRegularFile { .. } => {}
            OqsProblem::TooLarge { size, limit } => {
                args.push(("size", size.to_string()));
                args.push(("limit", limit.to_string()));
            }
            OqsProblem::UnsupportedKind { kind } => args.push(("kind", kind.clone())),
            OqsProblem::UnsupportedEncoding { declared } => {
                args.push(("declared", declared.clone()))
            }
            OqsProblem::WrongEncoding { declared, offset } => {
                args.push(("declared", declared.clone()));
                args.push(("offset", offset.to_string()));
            }
            OqsProblem::Malformed { detail, offset } => {
                args.push(("detail", detail.clone()));
                args.push(("offset", offset.to_string()));
            }
            OqsProblem::TooDeep { limit } | OqsProblem::TooManyElements { limit } => args.push(("limit", limit.to_string())),
            OqsProblem::ControlCharacter { element, code } => {
                args.push(("element", element.clone()));
                args.push(("code", format!("U+{code:04X}")));
            }
            OqsProblem::UnexpectedRoot { found } => args.push(("found", found.clone())),
            OqsProblem::MissingField { field } => args.push(("field", field.clone())),
            OqsProblem::BadValue { field, value } => {
                args.push(("field", field.clone()));
                args.push(("value", value.clone()));
            }
        }
        args
    }
}
