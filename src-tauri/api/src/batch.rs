//! 一括照会: a batch, its import, its run and its progress.

use chrono::NaiveDateTime;
use madoguchi_core::appointments::{BadRow, BatchReport};
use madoguchi_core::message::Msg;
use serde::{Deserialize, Serialize};

/// Where a batch stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BatchState {
    Open,
    Paused,
    Done,
}

/// A batch with its row counts (the wire's copy of the store's row).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchInfo {
    pub id: i64,
    pub created_at: NaiveDateTime,
    pub staff: String,
    /// The file's name, as staff chose it.
    pub source_name: Option<String>,
    pub state: BatchState,
    pub total: usize,
    pub pending: usize,
    pub done: usize,
    pub failed: usize,
    pub bad_rows: usize,
}

/// What an import answers: the batch, and the rows that will not be checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchImport {
    pub batch: BatchInfo,
    pub bad_rows: Vec<BadRow>,
    /// Header cells that name no known column (ignored).
    pub ignored_columns: Vec<String>,
}

/// Progress of a running batch (the window's progress bar).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchProgress {
    pub batch_id: i64,
    /// Rows answered or refused so far (this run and earlier ones).
    pub done: usize,
    pub total: usize,
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchRun {
    pub batch: BatchInfo,
    pub report: BatchReport,
    /// Why the run stopped before the end (cancelled, service unreachable);
    /// None when every row is done.
    pub stopped: Option<Msg>,
}
