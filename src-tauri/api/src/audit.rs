//! The audit viewer: its filters, its page, the chain's state, the export.

use chrono::NaiveDateTime;
use madoguchi_core::message::Msg;
use madoguchi_core::staff::Role;
use serde::{Deserialize, Serialize};

/// The viewer's filters as typed; empty = any.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditQuery {
    /// First day of the period (inclusive).
    #[serde(default)]
    pub from: String,
    /// Last day of the period (inclusive).
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub staff_id: String,
    /// An action code (`disaster_lookup`, `medical_view` …).
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub patient_key: String,
    /// A result as stored (`ok`, `denied`, `found`, `refused` …): the
    /// outcome, or its kind before the first `:`, under any action. For
    /// callers that know the codes; the window chooses [`AuditQuery::result`].
    #[serde(default)]
    pub outcome: String,
    /// A result chosen in words: the code of a result choice
    /// (`consent_refused`, `found` …), which finds exactly the entries it names.
    #[serde(default)]
    pub result: String,
}

/// A stored outcome in both languages, for the viewer (the window switches
/// language without asking again).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutcomeWords {
    pub ja: String,
    pub en: String,
}

/// A result the viewer offers, with its words in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultOption {
    pub code: String,
    pub words: OutcomeWords,
}

/// Whether the log can be trusted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ChainState {
    /// Every entry verified.
    Intact { entries: u64, last_seq: i64 },
    /// Broken at `first_bad_seq`; `message` says where and how.
    Broken { first_bad_seq: i64, kind: String, message: Msg },
    /// The log could not be read to the end (`message` says why).
    Unreadable { message: Msg },
}

impl ChainState {
    pub fn is_intact(&self) -> bool {
        matches!(self, ChainState::Intact { .. })
    }
}

/// An entry as stored (the wire's copy of the audit log's row; the action
/// is its code).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: NaiveDateTime,
    pub staff_id: String,
    pub role: Option<Role>,
    /// The action's code (`check`, `medical_view` …).
    pub action: String,
    pub patient_key: Option<String>,
    pub outcome: String,
    pub reason: Option<String>,
    /// The JSON text exactly as stored (and hashed).
    pub detail: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

/// An entry as the viewer shows it: as stored, with its outcome in words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditRow {
    #[serde(flatten)]
    pub entry: AuditEntry,
    /// The outcome in Japanese and English; `None` for a code this version
    /// does not know: the window shows the code.
    pub outcome_words: Option<OutcomeWords>,
}

impl std::ops::Deref for AuditRow {
    type Target = AuditEntry;
    fn deref(&self) -> &AuditEntry {
        &self.entry
    }
}

/// One page of the viewer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditPage {
    pub chain: ChainState,
    /// Newest first, at most the viewer's page size.
    pub entries: Vec<AuditRow>,
    /// How many entries match the filters.
    pub total: u64,
    /// The action codes to filter by.
    pub actions: Vec<String>,
    /// The results to choose from, in words.
    #[serde(default)]
    pub results: Vec<ResultOption>,
}

/// The CSV written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditExport {
    pub path: String,
    pub entries: usize,
}
