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
}

impl ApiError {
    pub fn new(message: Msg) -> Self {
        ApiError { message, fields: Vec::new() }
    }
}
