//! The OQS folder of the 資格確認端末 as a [`Gateway`]: requests are files
//! written into `req/`, answers are files the 連携アプリ writes into `res/`
//! (see `shared/OQS-INTERFACE.md`, "Transport: the OQS folder").
//!
//! # Layout
//!
//! ```text
//! <root>/req/                 requests (written by us)
//! <root>/res/                 responses (written by the 連携アプリ)
//! <root>/face/                card taps (written by the 連携アプリ; see [`super::watch`])
//! <root>/.madoguchi-tmp/      staging: files are written here, then renamed into place
//! <root>/archive/             handled requests and responses (configurable)
//! <root>/archive/failed/      unreadable responses, abandoned requests
//! <root>/TRAINING             present when the folder is played by the training terminal
//! ```
//!
//! The root itself is never created: a missing root usually means the
//! terminal's share is not connected, which is reported as
//! [`GatewayError::Unreachable`]. Missing subfolders are created.
//!
//! The staging folder lives under the root so that the final `rename` stays
//! on one file system (one share): the 連携アプリ never sees half a request.
//! The archive may be configured elsewhere ([`OqsFolderLayout::with_archive`]);
//! moves there fall back to copy + delete across file systems.
//!
//! # One exchange
//!
//! 1. The request is written as `<staging>/<name>.<pid>.<n>.part`, fsynced,
//!    and renamed to `req/<name>`: `<prefix>_<yyyyMMdd><4-digit daily
//!    serial>.xml` ([`request_file_name`]). The serial goes on from the
//!    highest one of the day found in `req/`, `res/` and the archive, so a
//!    desk restarted the same day does not use a name again.
//! 2. `res/` is polled (every [`DEFAULT_POLL_INTERVAL`]) for the answer's
//!    name (`req` → `res`, compared ignoring ASCII case; `.xml`, or `.zip`
//!    holding it, [`super::zipped`]) until the timeout ([`DEFAULT_TIMEOUT`]):
//!    none → [`GatewayError::Timeout`], and the request, if still in `req/`,
//!    is moved to `archive/failed/` so that no late answer is produced for
//!    nobody. A terminal that refuses the request leaves `<request>.err`
//!    beside it (in `req/`, or in `res/`; `<name>.err` or `<name>.xml.err`):
//!    [`GatewayError::Rejected`] with the file's name and text, and both
//!    files go to `archive/failed/`.
//! 3. The answer is read only when complete ([`read_stable`]): its size and
//!    modification time must be the same at the previous poll, just before
//!    and just after reading, and the bytes read must be as many as the size.
//!    A complete-looking file that does not parse is read again at the next
//!    polls: a parse is never accepted from a file that changed. An answer
//!    that still fails once it has been unchanged for the settle time
//!    ([`DEFAULT_SETTLE`]; for problems that look like an unfinished write —
//!    truncated, empty, unreadable/locked — until the timeout) is a
//!    [`GatewayError::BadResponse`] naming the file, and the file is moved to
//!    `archive/failed/`, never deleted.
//! 4. Request and answer are moved to the archive (the request is written
//!    there from memory when the 連携アプリ already took it out of `req/`).
//!
//! # Batch (一括照会), two steps
//!
//! [`OqsFolderGateway::submit_batch`] writes `OQSmuquc01req` (the cards)
//! and reads the receipt `OQSmuquc01res`: its `ReceptionNumber` (受付番号),
//! no results. [`OqsFolderGateway::batch_results`] writes `OQSmuquc02req`
//! (header: the 医療機関コード only; body: the 受付番号) and reads
//! `OQSmuquc02res`; while that says `SegmentOfResult` 2 (処理中) it writes
//! a new `OQSmuquc02req` every [`DEFAULT_BATCH_POLL`] until
//! [`DEFAULT_BATCH_WAIT`] has passed ([`GatewayError::StillProcessing`]: the
//! caller keeps the 受付番号 and asks again later, without sending the cards
//! again). The caller keeps the 受付番号 between the steps (the desk: in
//! its store), so a desk restarted in between fetches the results.

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use chrono::{NaiveDate, NaiveDateTime};
use madoguchi_core::consent::{ConsentGrant, Purpose, Refusal};
use madoguchi_core::clinical::{self, Permitted};
use madoguchi_core::medical::{CheckupResults, MedicalPatientHeader, MedicationHistory};
use madoguchi_core::{
    ConsentCategory, EligibilityQuery, EligibilityResult, ProcessingError, ResultSource,
    ServiceInfo,
};

use super::{
    daily_serial, parse_named, request_file_name, response_file_name, write_batch_request,
    write_batch_result_request, write_eligibility_request, write_medical_request, BatchRequest,
    BatchResultRequest, EligibilityRequest, Encoding, FileCategory, MedicalRequest,
    MedicalRequestKind, OqsDocument, OqsError, OqsKind, OqsProblem, SearchEntry, MAX_DAILY_SERIAL,
    MAX_FILE_SIZE,
};
use crate::gateway::{Gateway, GatewayError};

/// `ServiceInfo::service` of this gateway.
pub const SERVICE_NAME: &str = "oqs-folder";
/// Requests, written by us.
pub const REQ_DIR: &str = "req";
/// Responses, written by the 連携アプリ.
pub const RES_DIR: &str = "res";
/// Card-tap results, written by the 連携アプリ.
pub const FACE_DIR: &str = "face";
/// Staging folder under the root (same file system as `req/`).
pub const STAGING_DIR: &str = ".madoguchi-tmp";
/// Default archive folder under the root.
pub const ARCHIVE_DIR: &str = "archive";
/// Subfolder of the archive for unreadable files and abandoned requests.
pub const FAILED_DIR: &str = "failed";
/// Marker file in the root written by the training terminal.
pub const TRAINING_MARKER: &str = "TRAINING";

/// How long a check may wait for its answer.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// How often `res/` is looked at while waiting.
pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_millis(50);
/// How long an answer that does not parse must stay unchanged before it is
/// declared bad (see the module documentation).
pub const DEFAULT_SETTLE: Duration = Duration::from_secs(1);
/// 一括照会: how long to wait before asking again for results the terminal
/// said were 処理中.
pub const DEFAULT_BATCH_POLL: Duration = Duration::from_secs(10);
/// 一括照会: how long to go on asking while the terminal says 処理中
/// (then [`GatewayError::StillProcessing`]; the rows wait).
pub const DEFAULT_BATCH_WAIT: Duration = Duration::from_secs(10 * 60);
/// At most this much of a `.err` file is read.
pub const MAX_ERR_SIZE: u64 = 64 * 1024;
/// At most this many characters of a `.err` file's text are shown.
const MAX_ERR_CHARS: usize = 500;

// ---------------------------------------------------------------------------
// Layout

/// Where the files of one OQS folder are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OqsFolderLayout {
    root: PathBuf,
    archive: PathBuf,
}

impl OqsFolderLayout {
    /// The folder at `root`, archive in `<root>/archive`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        let root = root.into();
        let archive = root.join(ARCHIVE_DIR);
        OqsFolderLayout { root, archive }
    }

    /// The same folder with the archive elsewhere (e.g. on the clinic's own
    /// disk rather than on the terminal's share).
    pub fn with_archive(mut self, archive: impl Into<PathBuf>) -> Self {
        self.archive = archive.into();
        self
    }

    pub fn root(&self) -> &Path {
        &self.root
    }
    pub fn req(&self) -> PathBuf {
        self.root.join(REQ_DIR)
    }
    pub fn res(&self) -> PathBuf {
        self.root.join(RES_DIR)
    }
    pub fn face(&self) -> PathBuf {
        self.root.join(FACE_DIR)
    }
    pub fn staging(&self) -> PathBuf {
        self.root.join(STAGING_DIR)
    }
    pub fn archive(&self) -> &Path {
        &self.archive
    }
    pub fn failed(&self) -> PathBuf {
        self.archive.join(FAILED_DIR)
    }
    pub fn training_marker(&self) -> PathBuf {
        self.root.join(TRAINING_MARKER)
    }

    /// Is this folder played by the training terminal (marker file present)?
    pub fn is_training(&self) -> bool {
        self.training_marker().is_file()
    }

    /// Checks that the root is an existing folder and creates the missing
    /// subfolders (`req`, `res`, `face`, staging, archive, `archive/failed`).
    /// The root itself is never created.
    pub fn prepare(&self) -> io::Result<()> {
        match fs::metadata(&self.root) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("{} is not a folder", self.root.display()),
                ))
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(io::Error::new(
                    io::ErrorKind::NotFound,
                    format!(
                        "the folder {} does not exist (is the qualification terminal's share connected?)",
                        self.root.display()
                    ),
                ))
            }
            Err(e) => return Err(e),
        }
        for dir in [
            self.req(),
            self.res(),
            self.face(),
            self.staging(),
            self.archive.clone(),
            self.failed(),
        ] {
            fs::create_dir_all(&dir).map_err(|e| {
                io::Error::new(e.kind(), format!("cannot create {}: {e}", dir.display()))
            })?;
        }
        Ok(())
    }

    /// Writes `bytes` as `dir/name` so that no reader ever sees part of it:
    /// into a unique temporary file in the staging folder, fsynced, then
    /// renamed into `dir` (same file system). Returns the final path.
    pub fn deliver(&self, dir: &Path, name: &str, bytes: &[u8]) -> io::Result<PathBuf> {
        let staging = self.staging();
        fs::create_dir_all(&staging)?;
        let tmp = staging.join(temp_name(name));
        let written = (|| {
            let mut f = fs::File::create(&tmp)?;
            f.write_all(bytes)?;
            f.sync_all()
        })();
        if let Err(e) = written {
            let _ = fs::remove_file(&tmp);
            return Err(e);
        }
        let dest = dir.join(name);
        if let Err(e) = fs::rename(&tmp, &dest) {
            let _ = fs::remove_file(&tmp);
            return Err(e);
        }
        sync_dir(dir);
        Ok(dest)
    }

    /// Moves `file` into the archive (or `archive/failed/`), keeping its name
    /// (a `-2`, `-3` … suffix when the name is taken). Returns the new path.
    pub fn archive_file(&self, file: &Path, failed: bool) -> io::Result<PathBuf> {
        let dir = if failed {
            self.failed()
        } else {
            self.archive.clone()
        };
        fs::create_dir_all(&dir)?;
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "unnamed".into());
        let dest = free_name(&dir, &name)?;
        move_file(file, &dest)?;
        Ok(dest)
    }

    /// Writes `bytes` straight into the archive as `name` (used for a request
    /// the 連携アプリ already removed from `req/`).
    pub fn archive_bytes(&self, name: &str, bytes: &[u8], failed: bool) -> io::Result<PathBuf> {
        let dir = if failed {
            self.failed()
        } else {
            self.archive.clone()
        };
        fs::create_dir_all(&dir)?;
        let dest = free_name(&dir, name)?;
        let mut f = fs::File::create(&dest)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        Ok(dest)
    }
}

/// The content of the [`TRAINING_MARKER`] file the training terminal writes;
/// [`OqsFolderGateway::info`] reads `people=` and `version=` from it.
pub fn training_marker_text(people: u64, seed: u64, version: &str) -> String {
    format!(
        "This OQS folder is played by the Madoguchi training terminal (研修モード).\n\
         people={people}\nseed={seed}\nversion={version}\n"
    )
}

fn marker_value(text: &str, key: &str) -> Option<String> {
    text.lines()
        .find_map(|l| l.trim().strip_prefix(key)?.strip_prefix('='))
        .map(|v| v.trim().to_string())
}

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

fn temp_name(name: &str) -> String {
    format!(
        "{name}.{}.{}.part",
        std::process::id(),
        TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// Makes a rename durable where the platform allows it (best effort).
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// `dir/name`, or `dir/<stem>-2.<ext>` … when taken (at most 1000 tries).
fn free_name(dir: &Path, name: &str) -> io::Result<PathBuf> {
    let first = dir.join(name);
    if !first.exists() {
        return Ok(first);
    }
    let (stem, ext) = match name.rfind('.') {
        Some(i) if i > 0 => (&name[..i], &name[i..]),
        _ => (name, ""),
    };
    for n in 2..1000 {
        let p = dir.join(format!("{stem}-{n}{ext}"));
        if !p.exists() {
            return Ok(p);
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!("no free name for {name} in {}", dir.display()),
    ))
}

/// Rename, or copy + fsync + delete when `from` and `to` are on different
/// file systems.
fn move_file(from: &Path, to: &Path) -> io::Result<()> {
    match fs::rename(from, to) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Err(e),
        Err(_) => {
            fs::copy(from, to)?;
            fs::File::open(to)?.sync_all()?;
            fs::remove_file(from)
        }
    }
}

// ---------------------------------------------------------------------------
// Reading files that may still be written

/// What a file looked like: size and modification time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileStamp {
    pub len: u64,
    pub modified: Option<SystemTime>,
}

impl FileStamp {
    pub fn of(path: &Path) -> io::Result<FileStamp> {
        let m = fs::metadata(path)?;
        Ok(FileStamp {
            len: m.len(),
            modified: m.modified().ok(),
        })
    }
}

/// The outcome of [`read_stable`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StableRead {
    /// No such file (not yet there, or already moved away).
    Missing,
    /// The file is not the same as at the previous look (or there was no
    /// previous look): pass this stamp at the next look.
    Changed(FileStamp),
    /// The file was the same at the previous look, before and after this
    /// read, and all its bytes were read.
    Complete(Vec<u8>),
}

/// Reads `path` only if it has stopped changing: its [`FileStamp`] must equal
/// `previous` (the stamp seen at the previous poll), and again just after the
/// read, and the bytes read must be exactly its length. A first look
/// (`previous == None`) is always [`StableRead::Changed`]. Files larger than
/// [`MAX_FILE_SIZE`] are read only up to just over that limit (the parser
/// refuses them). An I/O error (e.g. a file locked by its writer) is returned
/// as is: try again at the next poll.
pub fn read_stable(path: &Path, previous: Option<FileStamp>) -> io::Result<StableRead> {
    let before = match FileStamp::of(path) {
        Ok(s) => s,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(StableRead::Missing),
        Err(e) => return Err(e),
    };
    if previous != Some(before) {
        return Ok(StableRead::Changed(before));
    }
    let mut bytes = Vec::with_capacity(before.len.min(MAX_FILE_SIZE) as usize);
    // A regular file only (`crate::input_file`): a named pipe would block.
    match crate::input_file::open_regular(path).and_then(|f| f.take(MAX_FILE_SIZE + 1).read_to_end(&mut bytes)) {
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(StableRead::Missing),
        Err(e) => return Err(e),
    }
    let after = match FileStamp::of(path) {
        Ok(s) => s,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(StableRead::Missing),
        Err(e) => return Err(e),
    };
    let complete_len = before.len.min(MAX_FILE_SIZE + 1);
    if after != before || bytes.len() as u64 != complete_len {
        return Ok(StableRead::Changed(after));
    }
    Ok(StableRead::Complete(bytes))
}

/// Problems that may only mean the writer has not finished: such a file is
/// given until the timeout, other problems only the settle time.
pub fn looks_unfinished(problem: &OqsProblem) -> bool {
    matches!(
        problem,
        OqsProblem::Truncated { .. } | OqsProblem::Empty | OqsProblem::Io { .. }
    )
}

/// The file in `dir` called `name`, compared ignoring ASCII case (Windows
/// shares do); the exact name is tried first.
pub fn find_file(dir: &Path, name: &str) -> Option<PathBuf> {
    let exact = dir.join(name);
    if exact.is_file() {
        return Some(exact);
    }
    let entries = fs::read_dir(dir).ok()?;
    for entry in entries.flatten().take(100_000) {
        if entry
            .file_name()
            .to_string_lossy()
            .eq_ignore_ascii_case(name)
        {
            let p = entry.path();
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

/// The names a terminal may give the `.err` of a refused request `name`
/// (`OQSmuquc01req_….xml`): `<name>.err` and `<stem>.err`.
pub fn err_file_names(request_name: &str) -> Vec<String> {
    let mut names = vec![format!("{request_name}.err")];
    if let Some(stem) = request_name.strip_suffix(".xml") {
        names.push(format!("{stem}.err"));
    }
    names
}

/// The text of a `.err` file: UTF-8 (BOM allowed) or else Shift_JIS
/// (cp932), at most [`MAX_ERR_SIZE`] bytes read, white space collapsed,
/// cut to a few hundred characters.
pub fn err_text(bytes: &[u8]) -> String {
    let bytes = &bytes[..bytes.len().min(MAX_ERR_SIZE as usize)];
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.to_string(),
        Err(_) => encoding_rs::SHIFT_JIS.decode(bytes).0.into_owned(),
    };
    let text: String = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .filter(|c| !c.is_control())
        .collect();
    let mut out: String = text.chars().take(MAX_ERR_CHARS).collect();
    if text.chars().count() > MAX_ERR_CHARS {
        out.push('…');
    }
    out
}

/// An answer's bytes as a document: a `.zip` is opened and its XML (named
/// like the answer, `.xml`) read ([`super::zipped::unzip_answer`]).
pub fn read_answer(file_name: &str, bytes: &[u8]) -> Result<OqsDocument, OqsError> {
    let lower = file_name.to_ascii_lowercase();
    match lower.strip_suffix(".zip") {
        Some(_) => {
            let xml_name = format!("{}.xml", &file_name[..file_name.len() - 4]);
            let xml = super::zipped::unzip_answer(bytes, &xml_name).map_err(|p| OqsError::new(file_name, p))?;
            parse_named(&xml_name, &xml).map_err(|e| OqsError::new(format!("{file_name} ({xml_name})"), e.problem))
        }
        None => parse_named(file_name, bytes),
    }
}

/// The names an answer to `request_name` may have: `…res_<id>.xml`, and
/// `…res_<id>.zip` holding it.
pub fn answer_names(request_name: &str) -> Vec<String> {
    response_file_name(request_name)
        .map(|xml| {
            let zip = format!("{}.zip", xml.strip_suffix(".xml").unwrap_or(&xml));
            vec![xml, zip]
        })
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------
// The gateway

/// Settings of an [`OqsFolderGateway`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OqsFolderConfig {
    /// The OQS folder (e.g. `\\terminal\OQS`).
    pub root: PathBuf,
    /// The archive folder; `<root>/archive` when `None`.
    pub archive: Option<PathBuf>,
    /// 医療機関コード (10 digits) written into every request.
    pub institution_code: String,
    /// Encoding of requests (Shift_JIS by default, as the 連携アプリ expects).
    pub encoding: Encoding,
    /// How long to wait for an answer.
    pub timeout: Duration,
    /// How often to look for the answer.
    pub poll_interval: Duration,
    /// How long an unreadable answer must stay unchanged before it is bad.
    pub settle: Duration,
    /// 一括照会: the wait between asks while the terminal says 処理中.
    pub batch_poll_interval: Duration,
    /// 一括照会: how long to go on asking while the terminal says 処理中.
    pub batch_wait: Duration,
}

impl OqsFolderConfig {
    /// Defaults: archive under the root, Shift_JIS, 30 s timeout, 50 ms
    /// polls, 1 s settle; a batch's results asked for every 10 s while
    /// 処理中, for at most 10 minutes.
    pub fn new(root: impl Into<PathBuf>, institution_code: impl Into<String>) -> Self {
        OqsFolderConfig {
            root: root.into(),
            archive: None,
            institution_code: institution_code.into(),
            encoding: Encoding::ShiftJis,
            timeout: DEFAULT_TIMEOUT,
            poll_interval: DEFAULT_POLL_INTERVAL,
            settle: DEFAULT_SETTLE,
            batch_poll_interval: DEFAULT_BATCH_POLL,
            batch_wait: DEFAULT_BATCH_WAIT,
        }
    }

    pub fn layout(&self) -> OqsFolderLayout {
        let layout = OqsFolderLayout::new(&self.root);
        match &self.archive {
            Some(a) => layout.with_archive(a),
            None => layout,
        }
    }
}

/// Why medical information could not be fetched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MedicalFetchError {
    /// The grant does not allow this fetch (nothing was written).
    #[error("the consent does not allow this request: {}", .0.reason.kind())]
    Refused(Refusal),
    /// The exchange with the folder failed.
    #[error(transparent)]
    Gateway(#[from] GatewayError),
}

/// The OQS folder as a [`Gateway`] (see the module documentation).
#[derive(Debug)]
pub struct OqsFolderGateway {
    config: OqsFolderConfig,
    layout: OqsFolderLayout,
    /// The day and the last daily serial used in a request name.
    serial: Mutex<Option<(NaiveDate, u32)>>,
}

/// A finished exchange: the answer's name and what it holds.
struct Answer {
    name: String,
    document: OqsDocument,
}

fn now_local() -> NaiveDateTime {
    chrono::Local::now().naive_local()
}

impl OqsFolderGateway {
    /// Touches nothing on disk until the first call.
    pub fn new(config: OqsFolderConfig) -> Self {
        if !(config.institution_code.len() == 10
            && config.institution_code.bytes().all(|b| b.is_ascii_digit()))
        {
            tracing::warn!(
                code = %config.institution_code,
                "OQS folder: the 医療機関コード is not 10 digits"
            );
        }
        let layout = config.layout();
        OqsFolderGateway {
            config,
            layout,
            serial: Mutex::new(None),
        }
    }

    pub fn config(&self) -> &OqsFolderConfig {
        &self.config
    }

    pub fn layout(&self) -> &OqsFolderLayout {
        &self.layout
    }

    fn unreachable(&self, detail: impl Into<String>) -> GatewayError {
        GatewayError::Unreachable {
            target: self.target(),
            detail: detail.into(),
        }
    }

    fn bad(&self, detail: impl Into<String>) -> GatewayError {
        GatewayError::BadResponse {
            target: self.target(),
            detail: detail.into(),
        }
    }

    /// Root present, subfolders created, staging writable.
    fn ready(&self, probe: bool) -> Result<(), GatewayError> {
        self.layout
            .prepare()
            .map_err(|e| self.unreachable(e.to_string()))?;
        if probe {
            let p = self.layout.staging().join(temp_name("probe"));
            let r = fs::File::create(&p).and_then(|mut f| f.write_all(b"probe"));
            let _ = fs::remove_file(&p);
            r.map_err(|e| {
                self.unreachable(format!(
                    "cannot write into {}: {e}",
                    self.layout.root().display()
                ))
            })?;
        }
        Ok(())
    }

    /// The highest daily serial of `day` in the names of `req/`, `res/`, the
    /// archive and `archive/failed/` (0 when none): what this desk, or
    /// another program, already used today.
    pub fn highest_serial(&self, day: NaiveDate) -> u32 {
        let dirs = [
            self.layout.req(),
            self.layout.res(),
            self.layout.archive().to_path_buf(),
            self.layout.failed(),
        ];
        dirs.iter()
            .filter_map(|d| fs::read_dir(d).ok())
            .flat_map(|entries| entries.flatten().take(1_000_000))
            .filter_map(|e| daily_serial(&e.file_name().to_string_lossy(), day))
            .max()
            .unwrap_or(0)
    }

    /// The next request name of the day (`<prefix>_<yyyyMMdd><serial>.xml`):
    /// the serial goes on from the last one used (found on disk at the first
    /// request of a day, [`Self::highest_serial`]), skipping any name already
    /// in `req/`, `res/` or the archive.
    fn next_name(&self, kind: OqsKind, at: NaiveDateTime) -> Result<String, GatewayError> {
        let day = at.date();
        let mut last = self.serial.lock().unwrap_or_else(|p| p.into_inner());
        let mut n = match *last {
            Some((d, n)) if d == day => n,
            _ => self.highest_serial(day),
        };
        loop {
            n += 1;
            if n > MAX_DAILY_SERIAL {
                return Err(self.unreachable(format!(
                    "all {MAX_DAILY_SERIAL} request names of {day} are used"
                )));
            }
            let name = request_file_name(kind, day, n);
            let res = response_file_name(&name).unwrap_or_default();
            let taken = self.layout.req().join(&name).exists()
                || self.layout.archive().join(&name).exists()
                || self.layout.failed().join(&name).exists()
                || self.layout.res().join(&res).exists();
            if !taken {
                *last = Some((day, n));
                return Ok(name);
            }
        }
    }

    /// Writes a request, waits for one of `answers` (names derived from the
    /// request's name), archives both.
    fn exchange(
        &self,
        kind: OqsKind,
        build: impl FnOnce(&str) -> Vec<u8>,
        answers: impl Fn(&str) -> Vec<String>,
    ) -> Result<Answer, GatewayError> {
        self.ready(false)?;
        let name = self.next_name(kind, now_local())?;
        let file_id = name
            .strip_prefix(kind.prefix())
            .and_then(|s| s.strip_prefix('_'))
            .and_then(|s| s.strip_suffix(".xml"))
            .unwrap_or(&name)
            .to_string();
        let bytes = build(&file_id);
        let req_path = self
            .layout
            .deliver(&self.layout.req(), &name, &bytes)
            .map_err(|e| {
                self.unreachable(format!(
                    "cannot write the request into {}: {e}",
                    self.layout.req().display()
                ))
            })?;
        tracing::debug!(request = %name, "OQS folder: request written");
        let wanted = answers(&name);
        let outcome = self.await_answer(&name, &wanted);
        let failed = outcome.is_err();
        // The request: out of req/ (unless the 連携アプリ took it), into the archive.
        match self.layout.archive_file(&req_path, failed) {
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                if let Err(e) = self.layout.archive_bytes(&name, &bytes, failed) {
                    tracing::warn!(request = %name, "OQS folder: cannot archive the request: {e}");
                }
            }
            Err(e) => {
                tracing::warn!(request = %name, "OQS folder: cannot archive the request: {e}")
            }
        }
        outcome
    }

    /// Waits for one of `names` in `res/` (an answer to `request`, `.zip`
    /// ones unzipped), or for the `.err` the terminal leaves when it refuses
    /// `request`.
    fn await_answer(&self, request: &str, names: &[String]) -> Result<Answer, GatewayError> {
        let started = Instant::now();
        let deadline = started + self.config.timeout;
        let res = self.layout.res();
        let req = self.layout.req();
        let err_names = err_file_names(request);
        let mut previous: Option<(PathBuf, FileStamp)> = None;
        let mut err_previous: Option<(PathBuf, FileStamp)> = None;
        let mut unchanged_since = Instant::now();
        let mut last_problem: Option<(PathBuf, OqsError)> = None;
        loop {
            // A refusal: `<request>.err` beside the request (or in res/).
            let err = err_names
                .iter()
                .find_map(|n| find_file(&req, n).or_else(|| find_file(&res, n)));
            if let Some(path) = err {
                let prev = err_previous
                    .as_ref()
                    .filter(|(p, _)| *p == path)
                    .map(|(_, s)| *s);
                match read_stable(&path, prev) {
                    Ok(StableRead::Complete(bytes)) => return Err(self.rejected(request, &path, &bytes)),
                    Ok(StableRead::Changed(stamp)) => err_previous = Some((path, stamp)),
                    Ok(StableRead::Missing) | Err(_) => err_previous = None,
                }
            }
            let found = names
                .iter()
                .find_map(|n| find_file(&res, n).map(|p| (n.clone(), p)));
            if let Some((name, path)) = found {
                let prev = previous
                    .as_ref()
                    .filter(|(p, _)| *p == path)
                    .map(|(_, s)| *s);
                match read_stable(&path, prev) {
                    Ok(StableRead::Missing) => previous = None,
                    Ok(StableRead::Changed(stamp)) => {
                        previous = Some((path.clone(), stamp));
                        unchanged_since = Instant::now();
                        last_problem = None;
                    }
                    Ok(StableRead::Complete(bytes)) => {
                        let file_name = path
                            .file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or(name.clone());
                        match read_answer(&file_name, &bytes) {
                            Ok(mut document) => {
                                if let OqsDocument::Eligibility(r) = &mut document {
                                    super::stamp_received(r, now_local());
                                }
                                if let Err(e) = self.layout.archive_file(&path, false) {
                                    tracing::warn!(
                                        response = %file_name,
                                        "OQS folder: cannot archive the response: {e}"
                                    );
                                }
                                return Ok(Answer {
                                    name: file_name,
                                    document,
                                });
                            }
                            Err(e) => {
                                if !looks_unfinished(&e.problem)
                                    && unchanged_since.elapsed() >= self.config.settle
                                {
                                    return Err(self.fail(&path, e.to_string()));
                                }
                                last_problem = Some((path.clone(), e));
                            }
                        }
                    }
                    Err(e) => {
                        // Locked by its writer, most likely: next poll.
                        last_problem = Some((
                            path.clone(),
                            OqsError::new(
                                name.clone(),
                                OqsProblem::Io {
                                    detail: e.to_string(),
                                },
                            ),
                        ));
                    }
                }
            }
            let now = Instant::now();
            if now >= deadline {
                if let Some((path, e)) = last_problem {
                    return Err(self.fail(&path, e.to_string()));
                }
                return Err(GatewayError::Timeout {
                    target: self.target(),
                    seconds: self.config.timeout.as_secs().max(1),
                });
            }
            std::thread::sleep(self.config.poll_interval.min(deadline - now));
        }
    }

    /// The terminal refused `request`: its `.err` (at `path`, read as
    /// `bytes`) is moved to `archive/failed/` (the request follows it there,
    /// [`Self::exchange`]) and said with its text.
    fn rejected(&self, request: &str, path: &Path, bytes: &[u8]) -> GatewayError {
        let text = err_text(bytes);
        match self.layout.archive_file(path, true) {
            Ok(kept) => tracing::warn!(request, kept = %kept.display(), "OQS folder: the terminal refused the request: {text}"),
            Err(e) => tracing::warn!(request, "OQS folder: the terminal refused the request: {text} (its .err stays: {e})"),
        }
        GatewayError::Rejected {
            file: request.to_string(),
            text: if text.is_empty() { "(empty .err file)".into() } else { text },
        }
    }

    /// An unreadable answer: moved to `archive/failed/`, reported naming it.
    fn fail(&self, path: &Path, detail: String) -> GatewayError {
        let kept = match self.layout.archive_file(path, true) {
            Ok(p) => format!("kept as {}", p.display()),
            Err(e) => format!("left at {} ({e})", path.display()),
        };
        tracing::warn!("OQS folder: unreadable answer: {detail} ({kept})");
        self.bad(format!("{detail} ({kept})"))
    }

    fn today_or(date: Option<NaiveDate>) -> NaiveDate {
        date.unwrap_or_else(|| now_local().date())
    }

    /// 一括照会, step 1: `OQSmuquc01req` with every card of `queries` (in
    /// their order), answered by the receipt `OQSmuquc01res`; returns its
    /// 受付番号. The header date is the first query's `confirmation_date`
    /// (today when absent). A receipt that says the batch was refused →
    /// [`GatewayError::Service`]; an `.err` → [`GatewayError::Rejected`].
    /// Nothing is written for an empty slice (a bad-response error).
    pub fn submit_batch(&self, queries: &[EligibilityQuery]) -> Result<String, GatewayError> {
        if queries.is_empty() {
            return Err(self.bad("a batch without cards is not sent"));
        }
        let request = |file_id: &str| {
            write_batch_request(
                &BatchRequest {
                    confirmation_date: Self::today_or(queries[0].confirmation_date),
                    institution_code: self.config.institution_code.clone(),
                    file_id: Some(file_id.to_string()),
                    entries: queries
                        .iter()
                        .enumerate()
                        .map(|(i, q)| SearchEntry {
                            card: q.card.clone(),
                            limit_certificate_consent: q.limit_certificate_consent,
                            identifier: Some(format!("{:04}", i + 1)),
                        })
                        .collect(),
                },
                self.config.encoding,
            )
        };
        let answer = self.exchange(OqsKind::BatchRequest, request, answer_names)?;
        let OqsDocument::BatchReceipt(receipt) = answer.document else {
            return Err(self.bad(format!("{}: not a batch receipt (OQSmuquc01res)", answer.name)));
        };
        if let Some(e) = receipt.error {
            return Err(GatewayError::Service {
                code: e.code.unwrap_or_default(),
                message: e.message.unwrap_or_default(),
            });
        }
        receipt
            .reception_number
            .ok_or_else(|| self.bad(format!("{}: no ReceptionNumber", answer.name)))
    }

    /// 一括照会, step 2: the results of the batch with this 受付番号, in the
    /// order its cards were sent. Writes `OQSmuquc02req` and reads
    /// `OQSmuquc02res` (`.xml` or `.zip`); while that says 処理中
    /// (`SegmentOfResult` 2) asks again every `batch_poll_interval`, for at
    /// most `batch_wait` (then [`GatewayError::StillProcessing`]: nothing is
    /// lost, ask again later with the same 受付番号).
    pub fn batch_results(&self, reception: &str) -> Result<Vec<EligibilityResult>, GatewayError> {
        self.batch_results_while(reception, &|| true)
    }

    /// [`Self::batch_results`], waiting between asks only while `go_on()`
    /// (looked at every [`Self::GO_ON_EVERY`] at most): a cancel at the desk
    /// ends the wait with [`GatewayError::StillProcessing`].
    pub fn batch_results_while(&self, reception: &str, go_on: &dyn Fn() -> bool) -> Result<Vec<EligibilityResult>, GatewayError> {
        let started = Instant::now();
        loop {
            let request = |_file_id: &str| {
                write_batch_result_request(
                    &BatchResultRequest {
                        institution_code: self.config.institution_code.clone(),
                        reception_number: reception.to_string(),
                    },
                    self.config.encoding,
                )
            };
            let answer = self.exchange(OqsKind::BatchResultRequest, request, answer_names)?;
            let OqsDocument::Batch(batch) = answer.document else {
                return Err(self.bad(format!("{}: not a batch result (OQSmuquc02res)", answer.name)));
            };
            if let Some(e) = batch.error {
                return Err(GatewayError::Service {
                    code: e.code.unwrap_or_default(),
                    message: e.message.unwrap_or_default(),
                });
            }
            if let Some(n) = batch.reception_number.as_deref().filter(|n| *n != reception) {
                return Err(self.bad(format!("{}: the results of {n}, not of {reception}", answer.name)));
            }
            if !batch.in_progress {
                return Ok(batch
                    .results
                    .into_iter()
                    .map(|mut r| {
                        r.source = ResultSource::OqsFolder;
                        r
                    })
                    .collect());
            }
            let still = |waited: Duration| GatewayError::StillProcessing {
                reception: reception.to_string(),
                seconds: waited.as_secs(),
            };
            if started.elapsed() + self.config.batch_poll_interval > self.config.batch_wait {
                return Err(still(started.elapsed()));
            }
            tracing::debug!(reception, "OQS folder: the batch is still 処理中; asking again");
            let next = Instant::now() + self.config.batch_poll_interval;
            loop {
                if !go_on() {
                    return Err(still(started.elapsed()));
                }
                let now = Instant::now();
                if now >= next {
                    break;
                }
                std::thread::sleep((next - now).min(Self::GO_ON_EVERY));
            }
        }
    }

    /// How often a wait for a 処理中 batch looks whether to go on.
    pub const GO_ON_EVERY: Duration = Duration::from_millis(200);

    /// 一括照会 in one call: [`Self::submit_batch`] then
    /// [`Self::batch_results`]; the results in the order of `queries`, each
    /// with the card it answers. An empty slice writes nothing.
    pub fn check_batch(
        &self,
        queries: &[EligibilityQuery],
    ) -> Result<Vec<EligibilityResult>, GatewayError> {
        if queries.is_empty() {
            return Ok(Vec::new());
        }
        let reception = self.submit_batch(queries)?;
        let results = self.batch_results(&reception)?;
        if results.len() != queries.len() {
            return Err(self.bad(format!(
                "{reception}: {} results for {} cards",
                results.len(),
                queries.len()
            )));
        }
        Ok(results
            .into_iter()
            .zip(queries)
            .map(|(mut r, q)| {
                r.asked.get_or_insert_with(|| q.card.clone());
                r
            })
            .collect())
    }

    /// 薬剤情報 (`YZKsiquc01req` → `YZKsiquc01res`), medication only
    /// (`FileCategory` 2, XML).
    ///
    /// **The caller must hold a [`ConsentGrant`]** from
    /// `madoguchi_core::consent::decide` for this patient, category
    /// medication, purpose fetch; it is checked against the request's
    /// patient key (`保険者番号:記号:番号:枝番`) at the current time before
    /// anything is written. `request.kind` is set to medication and
    /// `request.institution_code` to the configured one. A `ResultCode` other
    /// than 1 comes back as `Ok` with [`MedicationHistory::error`] set.
    pub fn medication(
        &self,
        request: &MedicalRequest,
        grant: &ConsentGrant,
    ) -> Result<MedicationHistory, MedicalFetchError> {
        self.medication_inner(request, grant, None)
    }

    /// 薬剤情報 with 診療情報 (`FileCategory` 4, XML). The caller must hold
    /// two grants (fetch): one for medication and one for clinical
    /// information — 診療情報 is a category of its own. Otherwise as
    /// [`Self::medication`].
    pub fn medication_with_clinical(
        &self,
        request: &MedicalRequest,
        medication: &ConsentGrant,
        clinical: &ConsentGrant,
    ) -> Result<MedicationHistory, MedicalFetchError> {
        self.medication_inner(request, medication, Some(clinical))
    }

    fn medication_inner(
        &self,
        request: &MedicalRequest,
        grant: &ConsentGrant,
        clinical: Option<&ConsentGrant>,
    ) -> Result<MedicationHistory, MedicalFetchError> {
        let now = now_local();
        let key = medical_patient_key(request);
        grant
            .check(&key, ConsentCategory::Medication, Purpose::Fetch, now)
            .map_err(MedicalFetchError::Refused)?;
        if let Some(c) = clinical {
            c.check(&key, ConsentCategory::Clinical, Purpose::Fetch, now)
                .map_err(MedicalFetchError::Refused)?;
        }
        let mut req = request.clone();
        req.kind = MedicalRequestKind::Medication;
        req.file_category = if clinical.is_some() {
            FileCategory::MedicationClinicalXml
        } else {
            FileCategory::Xml
        };
        match self.medical_exchange(req)? {
            Answer {
                document: OqsDocument::Medication(mut h),
                ..
            } => {
                if clinical.is_none() {
                    // 診療情報 not consented: whatever came with the answer
                    // stays here.
                    for m in &mut h.months {
                        m.clinical.clear();
                    }
                }
                Ok(h)
            }
            Answer { name, .. } => Err(self
                .bad(format!("{name}: not medication information"))
                .into()),
        }
    }

    /// 診療情報 and 手術情報 (`YZKsiquc01req` with `FileCategory` 4: the
    /// national system sends them only inside the medication answer).
    ///
    /// **The caller must hold a [`ConsentGrant`] for fetch** of clinical
    /// information, of operations, or both (`None` for a category without
    /// consent; neither → refused, nothing written); each is checked against
    /// the request's patient at the current time. What comes back passes
    /// `madoguchi_core::clinical::permitted` with those grants before it
    /// leaves this function: operations only with the operations grant, the
    /// other entries only with the clinical grant, and never a drug line (that
    /// is 薬剤情報, asked for with [`Self::medication`]). The answer's
    /// `error` is returned as it came.
    pub fn clinical(
        &self,
        request: &MedicalRequest,
        clinical: Option<&ConsentGrant>,
        operations: Option<&ConsentGrant>,
    ) -> Result<(Permitted, MedicalPatientHeader, Option<ProcessingError>), MedicalFetchError> {
        let now = now_local();
        let key = medical_patient_key(request);
        // Checked before anything is written (an empty list costs nothing).
        clinical::permitted(Vec::new(), &key, clinical, operations, Purpose::Fetch, now)
            .map_err(MedicalFetchError::Refused)?;
        let mut req = request.clone();
        req.kind = MedicalRequestKind::Medication;
        req.file_category = FileCategory::MedicationClinicalXml;
        match self.medical_exchange(req)? {
            Answer {
                document: OqsDocument::Medication(h),
                ..
            } => {
                let lines = clinical::lines(&h);
                let allowed = clinical::permitted(lines, &key, clinical, operations, Purpose::Fetch, now_local())
                    .map_err(MedicalFetchError::Refused)?;
                Ok((allowed, h.patient, h.error))
            }
            Answer { name, .. } => Err(self
                .bad(format!("{name}: not medication information"))
                .into()),
        }
    }

    /// 特定健診情報 (`TKKsiquc01req` → `TKKsiquc01res`, XML).
    ///
    /// **The caller must hold a [`ConsentGrant`]** for this patient, category
    /// checkups, purpose fetch; it is checked before anything is written.
    /// `request.kind`, `file_category` (XML), `institution_code` and the
    /// medication-only `start`/`end` are set here. A `ResultCode` other than
    /// 1 comes back as `Ok` with [`CheckupResults::error`] set.
    pub fn checkups(
        &self,
        request: &MedicalRequest,
        grant: &ConsentGrant,
    ) -> Result<CheckupResults, MedicalFetchError> {
        let key = medical_patient_key(request);
        grant
            .check(&key, ConsentCategory::Checkups, Purpose::Fetch, now_local())
            .map_err(MedicalFetchError::Refused)?;
        let mut req = request.clone();
        req.kind = MedicalRequestKind::Checkups;
        req.file_category = FileCategory::Xml;
        req.start = None;
        req.end = None;
        match self.medical_exchange(req)? {
            Answer {
                document: OqsDocument::Checkups(c),
                ..
            } => Ok(c),
            Answer { name, .. } => Err(self.bad(format!("{name}: not checkup information")).into()),
        }
    }

    fn medical_exchange(&self, mut req: MedicalRequest) -> Result<Answer, GatewayError> {
        req.institution_code = self.config.institution_code.clone();
        let kind = match req.kind {
            MedicalRequestKind::Medication => OqsKind::MedicationRequest,
            MedicalRequestKind::Checkups => OqsKind::CheckupRequest,
        };
        let encoding = self.config.encoding;
        self.exchange(
            kind,
            |file_id| {
                req.file_id = Some(file_id.to_string());
                write_medical_request(&req, encoding)
            },
            |name| response_file_name(name).into_iter().collect(),
        )
    }
}

/// `保険者番号:記号:番号:枝番` of a medical request (as `CardDetails::person_key`).
pub fn medical_patient_key(request: &MedicalRequest) -> String {
    format!(
        "{}:{}:{}:{}",
        request.insurer_number,
        request.symbol,
        request.number,
        request.branch.as_deref().unwrap_or("")
    )
}

impl Gateway for OqsFolderGateway {
    fn batch_files(&self) -> bool {
        true
    }

    fn submit_batch(&self, queries: &[EligibilityQuery]) -> Option<Result<String, GatewayError>> {
        Some(OqsFolderGateway::submit_batch(self, queries))
    }

    fn batch_results(&self, reception: &str, go_on: &dyn Fn() -> bool) -> Option<Result<Vec<EligibilityResult>, GatewayError>> {
        Some(self.batch_results_while(reception, go_on))
    }

    fn register_reference(
        &self,
        entry: &super::ReferenceRegistration,
    ) -> Result<super::ReferenceRegistrationResult, GatewayError> {
        OqsFolderGateway::register_reference(self, entry)
    }

    fn check(&self, query: &EligibilityQuery) -> Result<EligibilityResult, GatewayError> {
        let request = |file_id: &str| {
            write_eligibility_request(
                &EligibilityRequest {
                    confirmation_date: Self::today_or(query.confirmation_date),
                    institution_code: self.config.institution_code.clone(),
                    file_id: Some(file_id.to_string()),
                    entry: SearchEntry {
                        card: query.card.clone(),
                        limit_certificate_consent: query.limit_certificate_consent,
                        identifier: None,
                    },
                },
                self.config.encoding,
            )
        };
        let answer = self.exchange(OqsKind::EligibilityRequest, request, |name| {
            response_file_name(name).into_iter().collect()
        })?;
        match answer.document {
            OqsDocument::Eligibility(mut r) => {
                r.source = ResultSource::OqsFolder;
                r.asked.get_or_insert_with(|| query.card.clone());
                Ok(r)
            }
            _ => Err(self.bad(format!("{}: not an eligibility result", answer.name))),
        }
    }

    /// Root present (else [`GatewayError::Unreachable`]), subfolders created,
    /// writable. `training` is the presence of the `TRAINING` marker;
    /// `people` and `version` come from the marker (0 and `unknown` for a
    /// real terminal, which says neither).
    fn info(&self) -> Result<ServiceInfo, GatewayError> {
        self.ready(true)?;
        let marker = fs::read_to_string(self.layout.training_marker()).ok();
        let training = marker.is_some() || self.layout.is_training();
        let people = marker
            .as_deref()
            .and_then(|m| marker_value(m, "people"))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let version = marker
            .as_deref()
            .and_then(|m| marker_value(m, "version"))
            .unwrap_or_else(|| "unknown".into());
        Ok(ServiceInfo {
            service: SERVICE_NAME.into(),
            training,
            people,
            version,
        })
    }

    fn target(&self) -> String {
        self.layout.root().display().to_string()
    }
}

// ---------------------------------------------------------------------------
// 照会番号 (kept apart from the checks above)

impl OqsFolderGateway {
    /// 照会番号 registration (`OQSsiimm01req` → `OQSsiimm01res`): asks that
    /// `entry`'s card carry `entry.reference_number` (the facility's patient
    /// number) from now on. A refusal of the national side comes back as
    /// `Ok` with [`super::ReferenceRegistrationResult::error`] set; an answer
    /// of another kind is a [`GatewayError::BadResponse`].
    pub fn register_reference(
        &self,
        entry: &super::ReferenceRegistration,
    ) -> Result<super::ReferenceRegistrationResult, GatewayError> {
        let encoding = self.config.encoding;
        let answer = self.exchange(
            OqsKind::ReferenceRegistrationRequest,
            |file_id| {
                super::write_registration_request(
                    &super::ReferenceRegistrationRequest {
                        institution_code: self.config.institution_code.clone(),
                        file_id: Some(file_id.to_string()),
                        entry: entry.clone(),
                    },
                    encoding,
                )
            },
            |name| response_file_name(name).into_iter().collect(),
        )?;
        match answer.document {
            OqsDocument::ReferenceRegistration(r) => Ok(r),
            _ => Err(self.bad(format!("{}: not a 照会番号 registration answer", answer.name))),
        }
    }
}

impl OqsFolderGateway {
    /// 照会番号一括登録, two steps: `OQSmuimm01req` → the receipt
    /// `OQSmuimm01res` (`ReceptionNumber`), then `OQSmuimm02req` →
    /// `OQSmuimm02res`, asked again (every second) while it says 処理中
    /// (`SegmentOfResult` 2), up to the configured timeout. One unit per
    /// card, as the answer gives them; a refused batch or receipt is a
    /// [`GatewayError::Service`]. An empty slice writes nothing.
    pub fn register_references(
        &self,
        entries: &[super::ReferenceRegistration],
    ) -> Result<Vec<super::ReferenceRegistrationUnit>, GatewayError> {
        if entries.is_empty() {
            return Ok(Vec::new());
        }
        let encoding = self.config.encoding;
        let institution = self.config.institution_code.clone();
        let same_name = |name: &str| response_file_name(name).into_iter().collect::<Vec<_>>();
        let refused = |e: ProcessingError| GatewayError::Service {
            code: e.code.unwrap_or_default(),
            message: e.message.unwrap_or_default(),
        };
        let receipt = self.exchange(
            OqsKind::ReferenceBatchRequest,
            |file_id| {
                super::write_batch_registration_request(
                    &super::ReferenceBatchRequest {
                        institution_code: institution.clone(),
                        file_id: Some(file_id.to_string()),
                        entries: entries.to_vec(),
                    },
                    encoding,
                )
            },
            same_name,
        )?;
        let reception_number = match receipt.document {
            OqsDocument::ReferenceBatchReceipt(r) => match (r.error, r.reception_number) {
                (Some(e), _) => return Err(refused(e)),
                (None, Some(n)) => n,
                (None, None) => return Err(self.bad(format!("{}: no ReceptionNumber", receipt.name))),
            },
            _ => return Err(self.bad(format!("{}: not a 照会番号一括登録 receipt", receipt.name))),
        };
        let deadline = Instant::now() + self.config.timeout;
        loop {
            let answer = self.exchange(
                OqsKind::ReferenceBatchResultRequest,
                |_| {
                    super::write_reference_batch_result_request(
                        &super::ReferenceBatchResultRequest {
                            institution_code: institution.clone(),
                            reception_number: reception_number.clone(),
                        },
                        encoding,
                    )
                },
                same_name,
            )?;
            let OqsDocument::ReferenceBatch(result) = answer.document else {
                return Err(self.bad(format!("{}: not a 照会番号一括登録 result", answer.name)));
            };
            if let Some(e) = result.error {
                return Err(refused(e));
            }
            if !result.in_progress {
                return Ok(result.units);
            }
            if Instant::now() >= deadline {
                return Err(GatewayError::Timeout {
                    target: self.target(),
                    seconds: self.config.timeout.as_secs().max(1),
                });
            }
            std::thread::sleep(Duration::from_secs(1).min(deadline - Instant::now()));
        }
    }
}
