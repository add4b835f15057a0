//! 一括照会: a batch, its import, its run and its progress.

use madoguchi_core::appointments::{BadRow, BatchReport};
use madoguchi_core::message::Msg;
use serde::{Deserialize, Serialize};

/// A batch and its state are the core's values (the store keeps them).
pub use madoguchi_core::appointments::{BatchInfo, BatchState};

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
