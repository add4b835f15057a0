//! The desk's words for its failures: a store, gateway, input or consent
//! problem as a message id with arguments ([`Msg`]), and messages put into
//! words for the command line and the logs. Used by every service; depends
//! on nothing of the app but the connection's gateway messages.

use madoguchi_adapters::store::StoreError;
use madoguchi_core::message::{ApiError, FieldMsg, Msg};
use madoguchi_core::validation::FieldError;

pub use crate::connection::gateway_msg;

pub(crate) fn consent_msg(m: &madoguchi_core::consent::Message) -> Msg {
    Msg::with_args(m.id, m.string_args())
}

/// A store problem in words for the person at the counter.
pub fn store_msg(e: &StoreError) -> Msg {
    Msg::new(e.message_id()).arg("detail", e)
}

pub(crate) fn store_error(e: StoreError) -> ApiError {
    ApiError::new(store_msg(&e))
}

pub fn input_error(errors: Vec<FieldError>) -> ApiError {
    ApiError {
        message: Msg::new("error-input"),
        fields: errors
            .into_iter()
            .map(|fe| FieldMsg {
                field: fe.field,
                message: Msg::with_args(fe.message_id(), fe.message_args()),
            })
            .collect(),
        form: Vec::new(),
    }
}

/// Puts a message into words in `lang` (CLI and logs; the UI does the same
/// with the same files).
pub fn say(lang: madoguchi_i18n::Lang, msg: &Msg) -> String {
    let args: Vec<(&str, String)> = msg.args.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    madoguchi_i18n::tr(lang, &msg.id, &args)
}

/// An [`ApiError`] in words, field problems included, one per line.
pub fn say_error(lang: madoguchi_i18n::Lang, e: &ApiError) -> String {
    let mut out = say(lang, &e.message);
    for f in &e.fields {
        let field = madoguchi_i18n::tr(lang, f.field.message_id(), &[]);
        out.push_str(&format!("\n  {field}: {}", say(lang, &f.message)));
    }
    for f in &e.form {
        let label = match f.field.as_str() {
            "staff_id" => Some("staff-field-id"),
            "display_name" => Some("staff-field-display-name"),
            "password" => Some("staff-field-password"),
            "confirm" => Some("staff-field-confirm"),
            "role" => Some("staff-field-role"),
            _ => None,
        };
        let field = label.map(|id| madoguchi_i18n::tr(lang, id, &[])).unwrap_or_else(|| f.field.clone());
        out.push_str(&format!("\n  {field}: {}", say(lang, &f.message)));
    }
    out
}
