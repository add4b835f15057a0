//! The card entry at the counter, keyboard first: type, Enter, next field;
//! Enter on the last field (the birth date) checks; Ctrl+Enter checks from
//! any field; Escape clears. After a refused check the cursor goes to the
//! first field with a problem.

use madoguchi_core::message::ApiError;
use madoguchi_core::validation::Field;

/// The order of the entry fields: Enter moves along it, and submits on the last.
pub const FIELDS: [Field; 5] = [Field::InsurerNumber, Field::Symbol, Field::Number, Field::Branch, Field::BirthDate];

/// What a key pressed in entry field `i` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyAction {
    /// Focus (and select) field `n`.
    Focus(usize),
    /// Check the card.
    Check,
    /// Empty every field and start again at the first.
    Clear,
    /// Typing: nothing for the flow.
    Type,
}

/// The key `key` (a `KeyboardEvent.key`) pressed in field `i`, with or
/// without Ctrl.
pub fn on_key(i: usize, key: &str, ctrl: bool) -> KeyAction {
    match key {
        "Enter" if i + 1 < FIELDS.len() && !ctrl => KeyAction::Focus(i + 1),
        "Enter" => KeyAction::Check,
        "Escape" => KeyAction::Clear,
        _ => KeyAction::Type,
    }
}

/// The index of the first field with a problem.
pub fn first_error_field(e: &ApiError) -> Option<usize> {
    FIELDS.iter().position(|f| e.fields.iter().any(|fm| fm.field == *f))
}
