//! A message for a person, as an id in `locales/` plus its arguments, so the
//! backend decides *what* to say and the UI says it in the person's language.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Msg {
    pub id: String,
    #[serde(default)]
    pub args: Vec<(String, String)>,
}

impl Msg {
    pub fn new(id: impl Into<String>) -> Self {
        Msg { id: id.into(), args: Vec::new() }
    }
    pub fn arg(mut self, key: impl Into<String>, value: impl ToString) -> Self {
        self.args.push((key.into(), value.to_string()));
        self
    }
    pub fn with_args<K: Into<String>>(id: impl Into<String>, args: impl IntoIterator<Item = (K, String)>) -> Self {
        Msg { id: id.into(), args: args.into_iter().map(|(k, v)| (k.into(), v)).collect() }
    }
}

/// A problem with one typed field, already put into words (by id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldMsg {
    pub field: crate::validation::Field,
    pub message: Msg,
}

/// What a desk command answers when it cannot do what was asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub message: Msg,
    /// Per-field problems for the entry form (empty for other errors).
    #[serde(default)]
    pub fields: Vec<FieldMsg>,
    /// Per-field problems of another form (staff accounts …), every one at
    /// once; empty for other errors.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub form: Vec<FormProblem>,
}

/// A problem with one field of a form other than the card form; `field` is
/// the form's own name for it (`staff_id`, `password` …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormProblem {
    pub field: String,
    pub message: Msg,
}

impl ApiError {
    pub fn new(message: Msg) -> Self {
        ApiError { message, fields: Vec::new(), form: Vec::new() }
    }

    /// `message` with every problem of a form.
    pub fn form(message: Msg, problems: Vec<FormProblem>) -> Self {
        ApiError { message, fields: Vec::new(), form: problems }
    }
}
