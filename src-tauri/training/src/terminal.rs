//! The training terminal: plays the 資格確認端末's 連携アプリ on an OQS folder
//! (`<dir>/{req,res,face}`, see `shared/OQS-INTERFACE.md`), answering from
//! the synthetic population, so that the OQS folder gateway can be used and
//! tested without the national system.
//!
//! - [`run`] / [`spawn`] watch `<dir>/req/` (polling every 50 ms) and answer
//!   each complete request file (same stability rule as the app's reader)
//!   with the response file in `<dir>/res/`, written under a temporary name
//!   in `<dir>/.madoguchi-tmp/` and renamed into place. The handled request
//!   is removed *before* the answer appears. Responses are Shift_JIS unless
//!   [`TerminalOptions::encoding`] says otherwise.
//!   - `OQSsiquc01req` → `OQSsiquc01res`: the population's answer
//!     ([`crate::confirm`]); a malformed card → an error result.
//!   - 一括照会 in two steps, as the real terminal: `OQSmuquc01req` →
//!     `OQSmuquc01res`, a receipt with a `ReceptionNumber` (受付番号) and no
//!     results; then each `OQSmuquc02req` with that number → `OQSmuquc02res`
//!     saying 処理中 (`SegmentOfResult` 2) for the first
//!     [`TerminalOptions::processing_polls`] asks, then the results (every
//!     [`TerminalOptions::zip_every`]-th results answer as a `.zip`), with
//!     `LimitApplicationCertificateChanged` 1 for about one person in eight
//!     (by the person key: the same people every time). An unknown 受付番号
//!     → an error answer (`SegmentOfResult` 9). The batches waiting are kept
//!     in memory: a restarted terminal has forgotten them.
//!   - A batch request that cannot be read, or any request naming another
//!     医療機関コード than [`TerminalOptions::institution_code`], is refused
//!     as the real terminal does: `<request>.err` beside it in `req/`, with
//!     the reason in words; the request is left where it is.
//!   - `YZKsiquc01req` / `TKKsiquc01req`: the population holds no medical
//!     data, so a small **synthetic** history is made up, deterministically
//!     from the person key (same key, same answer): 1–3 months of
//!     prescriptions from a short list of common drugs (only the two drugs of
//!     the shared fixture carry a drug code; the facilities are invented),
//!     with 診療情報 when asked (`FileCategory` 3/4): five years of visits,
//!     procedures and for some people one operation ([`crate::clinical`]), and
//!     two yearly checkups. A card the population does not know → an error
//!     answer (`ResultCode` 2).
//!   - `OQSsiimm01req` → `OQSsiimm01res`: 照会番号 registration. A card the
//!     population knows is registered (remembered in
//!     `<dir>/.training-terminal/references.tsv`; a later registration of the
//!     same card replaces it); an unknown card or a reference number that is
//!     not 1–20 letters and digits → an error answer (`ProcessingResultStatus` 2).
//!     From then on the card's taps carry it as `ReferenceNumber`; before,
//!     they carry none, as a real terminal's face files.
//!   - `OQSmuimm01req` → `OQSmuimm01res` (a receipt with a
//!     `ReceptionNumber`, the cards kept in memory), then `OQSmuimm02req` →
//!     `OQSmuimm02res`: 処理中 (`SegmentOfResult` 2) at the first ask, the
//!     results (each card registered as above) at the next; an unknown
//!     `ReceptionNumber` → `SegmentOfResult` 9.
//!   - A request that cannot be read → an error answer of its kind; other
//!     files in `req/` are left alone.
//! - The marker file `<dir>/TRAINING` is written at start (and left in
//!   place: the folder stays a training folder), so the gateway reports
//!   研修モード.
//! - [`tap`] drops a card-tap result (`OQSsiquc01res_face_<code><hex id>_<time>.xml`)
//!   into `<dir>/face/` with the chosen consents (`ConsTime` = now,
//!   `AvailableTime` = now + 24 h).
//! - "Another program" ([`TerminalOptions::another_program`]): plays the
//!   clinic's レセコン, which reads the face files too and moves each into
//!   `<dir>/trash/` ([`TRASH_DIR`]) shortly after it appears, so the desk's
//!   watcher meets the files where a real site leaves them.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use chrono::{Datelike, Months, NaiveDate, NaiveDateTime, TimeDelta};
use madoguchi_adapters::oqs::folder::{
    looks_unfinished, read_stable, training_marker_text, FileStamp, StableRead,
};
use madoguchi_adapters::oqs::{
    classify, parse_named, response_file_name, write_batch_receipt, write_batch_response,
    write_checkup_response, write_eligibility_response_with, write_medication_response,
    zipped::zip_answer, BatchReceipt, BatchRequest, BatchResult, BatchResultRequest,
    EligibilityRequest, Encoding, FileCategory, MedicalRequest, OqsDocument, OqsError,
    OqsFolderLayout, OqsKind, ReferenceBatchReceipt, ReferenceBatchResult,
    ReferenceRegistrationRequest, ReferenceRegistrationResult, ReferenceRegistrationUnit,
    ResponseHeader, SearchEntry, write_batch_registration_response, write_reference_batch_receipt,
    write_registration_response,
};
pub use madoguchi_adapters::oqs::watch::TRASH_DIR;
use madoguchi_adapters::oqs::watch::is_face_file_name;
use madoguchi_core::codes::{Sex, Validity};
use madoguchi_core::digits::{compact, to_halfwidth};
use madoguchi_core::medical::{
    Checkup, CheckupItem, CheckupResults, Drug, Facility, MedicalPatientHeader,
    MedicationDay, MedicationHistory, MedicationMonth, MedicationSource, YearMonth,
};
use madoguchi_core::{
    CardDetails, CertificateConsents, ConsentAnswer, ConsentCategory, ConsentFlag, EligibilityQuery,
    EligibilityResult, InsurerNumber, ProcessingError, ReferenceClassification, ResultSource,
};
use rusqlite::{Connection, OptionalExtension};

use crate::generate::Population;
use crate::lookup::confirm;
use crate::Error;

/// The first line `madoguchi-training oqs-terminal` prints: `terminal ready on <dir>`.
pub const READY_PREFIX: &str = "terminal ready on";
/// `ResultCode` of a medical answer for a card the population does not know.
pub const MEDICAL_NOT_FOUND_CODE: &str = "2";
/// Its message.
pub const MEDICAL_NOT_FOUND_MESSAGE: &str = "該当する被保険者の情報が存在しません。";
/// `ProcessingResultCode` of a 照会番号 registration with a number the
/// terminal does not take (not 1–20 letters and digits).
pub const REFERENCE_BAD_CODE: &str = "3";
/// Its message.
pub const REFERENCE_BAD_MESSAGE: &str = "照会番号の形式が正しくありません。";
/// The terminal's own files (registered 照会番号) under the OQS folder.
pub const STATE_DIR: &str = ".training-terminal";
const REFERENCES_FILE: &str = "references.tsv";

/// The 照会番号 registered for each card (`保険者番号:記号:番号:枝番` →
/// number), as the terminal remembers them.
pub fn registered_references(dir: &Path) -> Result<HashMap<String, String>, Error> {
    let path = dir.join(STATE_DIR).join(REFERENCES_FILE);
    let text = match fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(HashMap::new()),
        Err(e) => return Err(e.into()),
    };
    Ok(text
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect())
}

fn remember_reference(dir: &Path, key: &str, number: &str) -> Result<(), Error> {
    let mut all = registered_references(dir)?;
    all.insert(key.to_string(), number.to_string());
    let mut lines: Vec<String> = all.into_iter().map(|(k, v)| format!("{k}\t{v}\n")).collect();
    lines.sort();
    let state = dir.join(STATE_DIR);
    fs::create_dir_all(&state)?;
    let tmp = state.join(format!("{REFERENCES_FILE}.tmp"));
    fs::write(&tmp, lines.concat())?;
    fs::rename(&tmp, state.join(REFERENCES_FILE))?;
    Ok(())
}

/// How the terminal answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TerminalOptions {
    /// Encoding of the answers (Shift_JIS by default, as the 連携アプリ writes).
    pub encoding: Encoding,
    /// How often `req/` is looked at.
    pub poll_interval: Duration,
    /// How long an unreadable request must stay unchanged before it is
    /// answered with an error.
    pub settle: Duration,
    /// 一括照会: how many `OQSmuquc02req` of a batch are answered 処理中
    /// before its results (default 2).
    pub processing_polls: u32,
    /// 一括照会: every n-th results answer comes as a `.zip` (1: all, 0:
    /// none; default 2: the second, the fourth …).
    pub zip_every: u32,
    /// The facility this terminal serves: requests naming another
    /// 医療機関コード are refused with a `.err` (`None`: any code).
    pub institution_code: Option<String>,
    /// "Another program" (the レセコン) shares `face/`: each face file is
    /// moved into `<dir>/trash/` this long after the terminal first sees it
    /// (at its next poll). `None`: nobody else touches `face/`.
    pub another_program: Option<Duration>,
}

impl Default for TerminalOptions {
    fn default() -> Self {
        TerminalOptions {
            encoding: Encoding::ShiftJis,
            poll_interval: Duration::from_millis(50),
            settle: Duration::from_secs(1),
            processing_polls: 2,
            zip_every: 2,
            institution_code: None,
            another_program: None,
        }
    }
}

/// Creates `dir` and its subfolders and writes the `TRAINING` marker.
pub fn prepare(dir: &Path, population: &Population) -> Result<OqsFolderLayout, Error> {
    fs::create_dir_all(dir)?;
    let layout = OqsFolderLayout::new(dir);
    layout.prepare()?;
    fs::write(
        layout.training_marker(),
        training_marker_text(
            population.people(),
            population.seed(),
            env!("CARGO_PKG_VERSION"),
        ),
    )?;
    Ok(layout)
}

/// Plays the terminal on `dir` until `stop` is set (checked every poll).
pub fn run(dir: &Path, population: &Population, stop: &AtomicBool) -> Result<(), Error> {
    run_with(dir, population, stop, &TerminalOptions::default())
}

/// [`run`] with options.
pub fn run_with(
    dir: &Path,
    population: &Population,
    stop: &AtomicBool,
    options: &TerminalOptions,
) -> Result<(), Error> {
    let layout = prepare(dir, population)?;
    serve(layout, population, stop, options)
}

fn serve(
    layout: OqsFolderLayout,
    population: &Population,
    stop: &AtomicBool,
    options: &TerminalOptions,
) -> Result<(), Error> {
    let mut terminal = Terminal {
        layout,
        conn: population.connect()?,
        options: options.clone(),
        tracked: HashMap::new(),
        ignored: HashSet::new(),
        batches: HashMap::new(),
        results_given: 0,
        face_seen: HashMap::new(),
        reference_batches: HashMap::new(),
    };
    tracing::info!(dir = %terminal.layout.root().display(), "training terminal ready");
    while !stop.load(Ordering::SeqCst) {
        terminal.pass();
        if let Some(after) = options.another_program {
            terminal.another_program(after);
        }
        std::thread::sleep(options.poll_interval);
    }
    Ok(())
}

/// A terminal on its own thread; stopped when dropped.
pub struct RunningTerminal {
    dir: PathBuf,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<Result<(), Error>>>,
}

impl std::fmt::Debug for RunningTerminal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunningTerminal")
            .field("dir", &self.dir)
            .finish()
    }
}

impl RunningTerminal {
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Stops the terminal and waits for its thread.
    pub fn stop(mut self) -> Result<(), Error> {
        self.shutdown()
    }

    fn shutdown(&mut self) -> Result<(), Error> {
        self.stop.store(true, Ordering::SeqCst);
        match self.thread.take() {
            Some(t) => t
                .join()
                .unwrap_or_else(|_| Err(Error::Invalid("the training terminal panicked".into()))),
            None => Ok(()),
        }
    }
}

impl Drop for RunningTerminal {
    fn drop(&mut self) {
        if let Err(e) = self.shutdown() {
            tracing::warn!("training terminal: {e}");
        }
    }
}

/// Starts the terminal on its own thread. The folder and the marker exist
/// when this returns.
pub fn spawn(dir: impl Into<PathBuf>, population: Population) -> Result<RunningTerminal, Error> {
    spawn_with(dir, population, TerminalOptions::default())
}

/// [`spawn`] with options.
pub fn spawn_with(
    dir: impl Into<PathBuf>,
    population: Population,
    options: TerminalOptions,
) -> Result<RunningTerminal, Error> {
    let dir = dir.into();
    let layout = prepare(&dir, &population)?;
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let thread = std::thread::Builder::new()
        .name("oqs-training-terminal".into())
        .spawn(move || serve(layout, &population, &flag, &options))?;
    Ok(RunningTerminal {
        dir,
        stop,
        thread: Some(thread),
    })
}

struct Track {
    stamp: Option<FileStamp>,
    since: Instant,
}

struct Terminal {
    layout: OqsFolderLayout,
    conn: Connection,
    options: TerminalOptions,
    tracked: HashMap<String, Track>,
    ignored: HashSet<String>,
    /// Face files and when "another program" first saw them.
    face_seen: HashMap<String, Instant>,
    /// 照会番号一括登録 accepted: the cards, and how often the results were asked.
    reference_batches: HashMap<String, (Vec<madoguchi_adapters::oqs::ReferenceRegistration>, u32)>,
    /// Batches taken in (受付番号 → the request and the 処理中 answers still to give).
    batches: HashMap<String, WaitingBatch>,
    /// Batch results answers given so far (for [`TerminalOptions::zip_every`]).
    results_given: u32,
}

struct WaitingBatch {
    request: BatchRequest,
    polls_left: u32,
}

/// What the terminal does with a request.
enum Reply {
    /// This answer, named so, in `res/`.
    File(String, Vec<u8>),
    /// Refused: `<request>.err` in `req/` with this text.
    Refuse(String),
}

fn now_local() -> NaiveDateTime {
    chrono::Local::now().naive_local()
}

/// How long a request that looks unfinished (truncated, locked) is waited for.
const GIVE_UP: Duration = Duration::from_secs(10);

impl Terminal {
    /// "Another program" (the レセコン): moves the face files it has seen for
    /// `after` into `<dir>/trash/`, as a real one does once it has read them.
    fn another_program(&mut self, after: Duration) {
        let face = self.layout.face();
        let Ok(entries) = fs::read_dir(&face) else { return };
        let names: HashSet<String> = entries
            .flatten()
            .filter(|e| e.file_type().map(|t| t.is_file()).unwrap_or(false))
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| is_face_file_name(n))
            .collect();
        self.face_seen.retain(|n, _| names.contains(n));
        let trash = self.layout.root().join(TRASH_DIR);
        for name in names {
            let since = *self.face_seen.entry(name.clone()).or_insert_with(Instant::now);
            if since.elapsed() < after {
                continue;
            }
            let moved = fs::create_dir_all(&trash).and_then(|_| fs::rename(face.join(&name), trash.join(&name)));
            match moved {
                Ok(()) => tracing::info!(file = %name, "training terminal: another program moved a face file to trash/"),
                Err(e) => tracing::warn!(file = %name, "training terminal: another program cannot move a face file: {e}"),
            }
            self.face_seen.remove(&name);
        }
    }

    /// One look at `req/`: answers every complete request.
    fn pass(&mut self) {
        let req = self.layout.req();
        let entries = match fs::read_dir(&req) {
            Ok(e) => e,
            Err(e) => {
                tracing::warn!("training terminal: cannot list {}: {e}", req.display());
                return;
            }
        };
        let mut names: Vec<String> = entries
            .flatten()
            .take(10_000)
            .filter(|e| e.file_type().map(|t| t.is_file()).unwrap_or(false))
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        let seen: HashSet<&String> = names.iter().collect();
        self.tracked.retain(|n, _| seen.contains(n));
        self.ignored.retain(|n| seen.contains(n));
        for name in &names {
            let kind = classify(name);
            if !matches!(
                kind,
                Some(
                    OqsKind::EligibilityRequest
                        | OqsKind::BatchRequest
                        | OqsKind::BatchResultRequest
                        | OqsKind::MedicationRequest
                        | OqsKind::CheckupRequest
                        | OqsKind::ReferenceRegistrationRequest
                        | OqsKind::ReferenceBatchRequest
                        | OqsKind::ReferenceBatchResultRequest
                )
            ) {
                if self.ignored.insert(name.clone()) {
                    tracing::info!(file = %name, "training terminal: not a request it answers; left alone");
                }
                continue;
            }
            let path = req.join(name);
            let previous = self.tracked.get(name).and_then(|t| t.stamp);
            let read = read_stable(&path, previous);
            let track = self.tracked.entry(name.clone()).or_insert(Track {
                stamp: None,
                since: Instant::now(),
            });
            let document = match read {
                Ok(StableRead::Missing) => {
                    self.tracked.remove(name);
                    continue;
                }
                Ok(StableRead::Changed(s)) => {
                    track.stamp = Some(s);
                    track.since = Instant::now();
                    continue;
                }
                Ok(StableRead::Complete(bytes)) => match parse_named(name, &bytes) {
                    Ok(d) => Ok(d),
                    Err(e) => {
                        let limit = if looks_unfinished(&e.problem) {
                            GIVE_UP
                        } else {
                            self.options.settle
                        };
                        if track.since.elapsed() < limit {
                            continue;
                        }
                        Err(e)
                    }
                },
                Err(e) => {
                    tracing::debug!(file = %name, "training terminal: cannot read yet: {e}");
                    continue;
                }
            };
            self.tracked.remove(name);
            match self.reply(name, document) {
                Ok(Reply::File(response, bytes)) => {
                    if let Err(e) = self.deliver(name, &response, &bytes) {
                        tracing::warn!(file = %name, "training terminal: cannot answer: {e}");
                    }
                }
                Ok(Reply::Refuse(text)) => {
                    // Left in req/ beside its .err, as the real terminal does; not read again.
                    self.ignored.insert(name.clone());
                    let err = format!("{name}.err");
                    match self.layout.deliver(&req, &err, text.as_bytes()) {
                        Ok(_) => tracing::info!(request = %name, "training terminal: refused ({text})"),
                        Err(e) => tracing::warn!(file = %name, "training terminal: cannot write {err}: {e}"),
                    }
                }
                Err(e) => tracing::warn!(file = %name, "training terminal: cannot answer: {e}"),
            }
        }
    }

    /// The request's institution code, when it names one this terminal does not serve.
    fn foreign_institution<'a>(&self, document: &'a OqsDocument) -> Option<&'a str> {
        let ours = self.options.institution_code.as_deref()?;
        let theirs = match document {
            OqsDocument::EligibilityRequest(r) => &r.institution_code,
            OqsDocument::BatchRequest(r) => &r.institution_code,
            OqsDocument::BatchResultRequest(r) => &r.institution_code,
            OqsDocument::MedicalRequest(r) => &r.institution_code,
            _ => return None,
        };
        (theirs != ours).then_some(theirs.as_str())
    }

    fn reply(&mut self, name: &str, document: Result<OqsDocument, OqsError>) -> Result<Reply, Error> {
        let now = now_local();
        let encoding = self.options.encoding;
        let kind = classify(name);
        if let Some(code) = document.as_ref().ok().and_then(|d| self.foreign_institution(d)) {
            return Ok(Reply::Refuse(format!(
                "医療機関コード {code} はこの資格確認端末の医療機関ではありません。要求ファイルを受け付けませんでした。"
            )));
        }
        let (response_name, bytes) = match (kind, document) {
            (_, Ok(OqsDocument::EligibilityRequest(r))) => (
                response_file_name(name),
                self.eligibility(&r, now, encoding)?,
            ),
            (_, Ok(OqsDocument::BatchRequest(r))) => (
                response_file_name(name),
                self.batch_receipt(r, now, encoding),
            ),
            (_, Ok(OqsDocument::BatchResultRequest(r))) => {
                let (bytes, zipped) = self.batch_results(&r, now, encoding)?;
                let xml = response_file_name(name)
                    .ok_or_else(|| Error::Invalid(format!("{name}: no response name for this file")))?;
                if zipped {
                    let zip = format!("{}.zip", xml.strip_suffix(".xml").unwrap_or(&xml));
                    return Ok(Reply::File(zip, zip_answer(&xml, &bytes)));
                }
                (Some(xml), bytes)
            }
            (_, Ok(OqsDocument::ReferenceBatchRequest(r))) => {
                let number = reception_number();
                self.reference_batches.insert(number.clone(), (r.entries.clone(), 0));
                let receipt = ReferenceBatchReceipt { reception_number: Some(number), processed_at: Some(now), error: None };
                (response_file_name(name), write_reference_batch_receipt(&receipt, Some(&r.institution_code), encoding))
            }
            (_, Ok(OqsDocument::ReferenceBatchResultRequest(r))) => {
                let result = self.reference_batch(&r.reception_number, now)?;
                (response_file_name(name), write_batch_registration_response(&result, Some(&r.institution_code), encoding))
            }
            (Some(OqsKind::ReferenceBatchRequest), Err(e)) => (
                response_file_name(name),
                write_reference_batch_receipt(
                    &ReferenceBatchReceipt { reception_number: None, processed_at: Some(now), error: Some(unreadable(&e)) },
                    None,
                    encoding,
                ),
            ),
            (Some(OqsKind::ReferenceBatchResultRequest), Err(e)) => (
                response_file_name(name),
                write_batch_registration_response(
                    &ReferenceBatchResult { reception_number: None, processed_at: Some(now), in_progress: false, error: Some(unreadable(&e)), units: Vec::new() },
                    None,
                    encoding,
                ),
            ),
            (_, Ok(OqsDocument::ReferenceRegistrationRequest(r))) => {
                (response_file_name(name), self.register(&r, now, encoding)?)
            }
            (Some(OqsKind::ReferenceRegistrationRequest), Err(e)) => (
                response_file_name(name),
                write_registration_response(
                    &ReferenceRegistrationResult { processed_at: Some(now), error: Some(unreadable(&e)), entry: None },
                    None,
                    None,
                    encoding,
                ),
            ),
            (_, Ok(OqsDocument::MedicalRequest(r))) => {
                (response_file_name(name), self.medical(&r, now, encoding)?)
            }
            (Some(OqsKind::BatchRequest | OqsKind::BatchResultRequest), Err(e)) => {
                return Ok(Reply::Refuse(format!("要求ファイルの形式に誤りがあります（{}）。", e.problem)));
            }
            (Some(OqsKind::MedicationRequest), Err(e)) => (
                response_file_name(name),
                write_medication_response(
                    &MedicationHistory {
                        patient: MedicalPatientHeader::default(),
                        months: Vec::new(),
                        error: Some(unreadable(&e)),
                    },
                    encoding,
                ),
            ),
            (Some(OqsKind::CheckupRequest), Err(e)) => (
                response_file_name(name),
                write_checkup_response(
                    &CheckupResults {
                        patient: MedicalPatientHeader::default(),
                        checkups: Vec::new(),
                        error: Some(unreadable(&e)),
                    },
                    encoding,
                ),
            ),
            (_, Err(e)) => (
                response_file_name(name),
                write_eligibility_response_with(
                    &error_result(now, unreadable(&e)),
                    &ResponseHeader::default(),
                    encoding,
                ),
            ),
            (_, Ok(other)) => {
                return Err(Error::Invalid(format!(
                    "{name}: {:?} is not a request",
                    other.kind()
                )))
            }
        };
        let response_name = response_name
            .ok_or_else(|| Error::Invalid(format!("{name}: no response name for this file")))?;
        Ok(Reply::File(response_name, bytes))
    }

    /// Takes the request out of `req/`, then puts the answer into `res/`.
    fn deliver(&self, name: &str, response_name: &str, bytes: &[u8]) -> Result<(), Error> {
        match fs::remove_file(self.layout.req().join(name)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
        }
        self.layout
            .deliver(&self.layout.res(), response_name, bytes)?;
        tracing::info!(request = %name, response = %response_name, "training terminal: answered");
        Ok(())
    }

    fn confirm_entry(
        &self,
        entry: &SearchEntry,
        date: NaiveDate,
        now: NaiveDateTime,
    ) -> Result<EligibilityResult, Error> {
        let query = EligibilityQuery {
            card: entry.card.clone(),
            confirmation_date: Some(date),
            limit_certificate_consent: entry.limit_certificate_consent,
        };
        Ok(match confirm(&self.conn, &query, now)? {
            Ok(r) => r,
            Err(bad) => {
                let mut r = error_result(
                    now,
                    ProcessingError {
                        code: Some(bad.code.into()),
                        message: Some(bad.message),
                    },
                );
                r.confirmation_date = date;
                r.asked = Some(entry.card.clone());
                r
            }
        })
    }

    fn eligibility(
        &self,
        r: &EligibilityRequest,
        now: NaiveDateTime,
        encoding: Encoding,
    ) -> Result<Vec<u8>, Error> {
        let result = self.confirm_entry(&r.entry, r.confirmation_date, now)?;
        Ok(write_eligibility_response_with(
            &result,
            &ResponseHeader {
                institution_code: Some(r.institution_code.clone()),
                file_id: r.file_id.clone(),
            },
            encoding,
        ))
    }

    /// `OQSmuquc01req` → the receipt; the batch waits for its `OQSmuquc02req`.
    fn batch_receipt(&mut self, r: BatchRequest, now: NaiveDateTime, encoding: Encoding) -> Vec<u8> {
        let reception = reception_number();
        let receipt = BatchReceipt {
            reception_number: Some(reception.clone()),
            received_at: Some(now),
            processed_at: Some(now),
            institution_code: Some(r.institution_code.clone()),
            file_id: r.file_id.clone(),
            error: None,
        };
        self.batches.insert(
            reception,
            WaitingBatch { request: r, polls_left: self.options.processing_polls },
        );
        write_batch_receipt(&receipt, encoding)
    }

    /// `OQSmuquc02req` → 処理中, the results (and whether to zip them), or
    /// an error for a 受付番号 it does not know.
    fn batch_results(
        &mut self,
        q: &BatchResultRequest,
        now: NaiveDateTime,
        encoding: Encoding,
    ) -> Result<(Vec<u8>, bool), Error> {
        let header = ResponseHeader { institution_code: Some(q.institution_code.clone()), file_id: None };
        let empty = |error: Option<ProcessingError>, in_progress: bool| BatchResult {
            reception_number: Some(q.reception_number.clone()),
            in_progress,
            processed_at: Some(now),
            confirmation_date: Some(now.date()),
            count: Some(0),
            count_normal: Some(0),
            count_error: Some(0),
            error,
            results: Vec::new(),
        };
        let Some(waiting) = self.batches.get_mut(&q.reception_number) else {
            let error = ProcessingError {
                code: Some("unknown_reception".into()),
                message: Some(format!("受付番号 {} の一括照会はありません。", q.reception_number)),
            };
            return Ok((write_batch_response(&empty(Some(error), false), &header, encoding), false));
        };
        if waiting.polls_left > 0 {
            waiting.polls_left -= 1;
            return Ok((write_batch_response(&empty(None, true), &header, encoding), false));
        }
        let waiting = self.batches.remove(&q.reception_number).expect("just found");
        let r = &waiting.request;
        let results = r
            .entries
            .iter()
            .map(|e| {
                let mut result = self.confirm_entry(e, r.confirmation_date, now)?;
                if result.error.is_none() {
                    result.limit_certificate_changed = Some(key_hash(&e.card.person_key()) % 8 == 0);
                }
                Ok(result)
            })
            .collect::<Result<Vec<_>, Error>>()?;
        let errors = results.iter().filter(|r| r.error.is_some()).count() as u32;
        let n = results.len() as u32;
        let batch = BatchResult {
            reception_number: Some(q.reception_number.clone()),
            in_progress: false,
            processed_at: Some(now),
            confirmation_date: Some(r.confirmation_date),
            count: Some(n),
            count_normal: Some(n - errors),
            count_error: Some(errors),
            error: None,
            results,
        };
        self.results_given += 1;
        let zipped = self.options.zip_every > 0 && self.results_given % self.options.zip_every == 0;
        Ok((write_batch_response(&batch, &header, encoding), zipped))
    }

    /// The results of a 照会番号一括登録: 処理中 at the first ask.
    fn reference_batch(&mut self, reception: &str, now: NaiveDateTime) -> Result<ReferenceBatchResult, Error> {
        let mut result = ReferenceBatchResult {
            reception_number: Some(reception.to_string()),
            processed_at: Some(now),
            in_progress: false,
            error: None,
            units: Vec::new(),
        };
        let Some((entries, asked)) = self.reference_batches.get_mut(reception) else {
            result.error = Some(ProcessingError {
                code: Some("bad_reception".into()),
                message: Some(format!("受付番号 {reception} の一括登録はありません。")),
            });
            return Ok(result);
        };
        *asked += 1;
        if *asked == 1 {
            result.in_progress = true;
            return Ok(result);
        }
        let entries = entries.clone();
        self.reference_batches.remove(reception);
        for e in entries {
            let error = self.register_entry(&e)?;
            result.units.push(ReferenceRegistrationUnit { entry: Some(e), error });
        }
        Ok(result)
    }

    /// 照会番号 registration for a card the population knows.
    fn register(
        &self,
        r: &ReferenceRegistrationRequest,
        now: NaiveDateTime,
        encoding: Encoding,
    ) -> Result<Vec<u8>, Error> {
        let error = self.register_entry(&r.entry)?;
        Ok(write_registration_response(
            &ReferenceRegistrationResult { processed_at: Some(now), error, entry: Some(r.entry.clone()) },
            Some(&r.institution_code),
            r.file_id.as_deref(),
            encoding,
        ))
    }

    /// Registers one card's number; the refusal, if any.
    fn register_entry(&self, e: &madoguchi_adapters::oqs::ReferenceRegistration) -> Result<Option<ProcessingError>, Error> {
        let person = find_person(&self.conn, e.insurer_number.as_str(), &e.symbol, &e.number, e.branch.as_deref())?;
        let number = e.reference_number.trim();
        let error = if !(1..=20).contains(&number.len()) || !number.bytes().all(|b| b.is_ascii_alphanumeric()) {
            Some(ProcessingError {
                code: Some(REFERENCE_BAD_CODE.into()),
                message: Some(REFERENCE_BAD_MESSAGE.into()),
            })
        } else if let Some(p) = &person {
            remember_reference(self.layout.root(), &p.card.person_key(), number)?;
            None
        } else {
            Some(ProcessingError {
                code: Some(MEDICAL_NOT_FOUND_CODE.into()),
                message: Some(MEDICAL_NOT_FOUND_MESSAGE.into()),
            })
        };
        Ok(error)
    }

    fn medical(
        &self,
        r: &MedicalRequest,
        now: NaiveDateTime,
        encoding: Encoding,
    ) -> Result<Vec<u8>, Error> {
        let person = find_person(
            &self.conn,
            r.insurer_number.as_str(),
            &r.symbol,
            &r.number,
            r.branch.as_deref(),
        )?;
        let key = format!(
            "{}:{}:{}:{}",
            r.insurer_number,
            r.symbol,
            r.number,
            r.branch.as_deref().unwrap_or("")
        );
        let not_found = || ProcessingError {
            code: Some(MEDICAL_NOT_FOUND_CODE.into()),
            message: Some(MEDICAL_NOT_FOUND_MESSAGE.into()),
        };
        Ok(match r.kind {
            madoguchi_adapters::oqs::MedicalRequestKind::Medication => {
                let h = match &person {
                    Some(p) => synthetic_medication(&key, p, r, now.date()),
                    None => MedicationHistory {
                        patient: MedicalPatientHeader::default(),
                        months: Vec::new(),
                        error: Some(not_found()),
                    },
                };
                write_medication_response(&h, encoding)
            }
            madoguchi_adapters::oqs::MedicalRequestKind::Checkups => {
                let c = match &person {
                    Some(p) => synthetic_checkups(&key, p, now.date()),
                    None => CheckupResults {
                        patient: MedicalPatientHeader::default(),
                        checkups: Vec::new(),
                        error: Some(not_found()),
                    },
                };
                write_checkup_response(&c, encoding)
            }
        })
    }
}

fn unreadable(e: &OqsError) -> ProcessingError {
    ProcessingError {
        code: Some("bad_request".into()),
        message: Some(format!("要求ファイルを読み取れません: {e}")),
    }
}

fn error_result(now: NaiveDateTime, error: ProcessingError) -> EligibilityResult {
    EligibilityResult { notices: Vec::new(), limit_certificate_changed: None, 
        confirmed_at: now,
        confirmation_date: now.date(),
        reference: Some(ReferenceClassification::CardDetails),
        validity: Validity::NotFound,
        error: Some(error),
        asked: None,
        person: None,
        qualification: None,
        consents: Vec::new(),
        certificate_consents: CertificateConsents::default(),
        electronic_prescription: None,
        source: ResultSource::OqsFolder,
        missing: Vec::new(),
    }
}

static RECEPTION: AtomicU64 = AtomicU64::new(1);

/// A 受付番号: time of day and a counter, 16 digits.
fn reception_number() -> String {
    let n = RECEPTION.fetch_add(1, Ordering::Relaxed) % 10_000;
    format!("{}{:04}", now_local().format("%Y%m%d%H%M"), n)
}

// ---------------------------------------------------------------------------
// People

/// What a medical answer's header and a tap need of a person.
#[derive(Debug, Clone)]
struct PersonRow {
    name: String,
    name_kana: Option<String>,
    birth_date: NaiveDate,
    sex: Sex,
    card: CardDetails,
}

/// The person holding the card `insurer:symbol:number:branch` (branch `None`
/// or empty: any branch, the first one).
fn find_person(
    conn: &Connection,
    insurer: &str,
    symbol: &str,
    number: &str,
    branch: Option<&str>,
) -> Result<Option<PersonRow>, Error> {
    let insurer = compact(insurer);
    let symbol = compact(&to_halfwidth(symbol));
    let number = compact(&to_halfwidth(number));
    let branch = branch
        .map(|b| compact(&to_halfwidth(b)))
        .filter(|b| !b.is_empty());
    let row = conn
        .query_row(
            "SELECT p.name, p.name_kana, p.birth_date, p.sex, q.insurer_number, q.symbol,
                    q.number, q.branch
             FROM qualifications q JOIN persons p ON p.id = q.person_id
             WHERE q.insurer_number = ?1 AND q.symbol = ?2 AND q.number = ?3
               AND (?4 IS NULL OR q.branch = ?4)
             ORDER BY q.id LIMIT 1",
            rusqlite::params![insurer, symbol, number, branch],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, Option<String>>(7)?,
                ))
            },
        )
        .optional()?;
    let Some((name, name_kana, birth, sex, ins, sym, num, br)) = row else {
        return Ok(None);
    };
    let birth_date = NaiveDate::parse_from_str(&birth, "%Y-%m-%d").map_err(|_| {
        Error::Invalid(format!("unreadable birth date {birth:?} in the population"))
    })?;
    Ok(Some(PersonRow {
        name,
        name_kana,
        birth_date,
        sex: Sex::from_code(&sex.to_string()).unwrap_or(Sex::Unset),
        card: CardDetails {
            insurer_number: InsurerNumber::from_trusted(ins),
            symbol: sym,
            number: num,
            branch: br,
            birth_date,
        },
    }))
}

fn header(p: &PersonRow) -> MedicalPatientHeader {
    MedicalPatientHeader {
        name: Some(p.name.clone()),
        name_kana: p.name_kana.clone(),
        birth_date: Some(p.birth_date),
        sex: Some(p.sex),
    }
}

/// FNV-1a: a stable hash of the person key (not `DefaultHasher`, whose
/// output may change between Rust versions).
pub(crate) fn key_hash(key: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.as_bytes() {
        h ^= *b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// A tiny deterministic generator (splitmix64) seeded by the key (also
/// `crate::clinical`'s).
pub(crate) struct Draw(pub(crate) u64);

impl Draw {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    /// True with `percent` % probability.
    pub(crate) fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

struct DrugRow {
    code: Option<&'static str>,
    name: &'static str,
    ingredient: &'static str,
    quantity: &'static str,
    usage: &'static str,
    days: &'static str,
}

/// Common drugs (synthetic prescriptions). Only the two drugs of the shared
/// fixture carry a code.
const DRUGS: [DrugRow; 6] = [
    DrugRow {
        code: Some("2149039F1020"),
        name: "アムロジピン錠５ｍｇ「サワイ」",
        ingredient: "アムロジピンベシル酸塩",
        quantity: "1",
        usage: "１日１回朝食後",
        days: "28",
    },
    DrugRow {
        code: Some("3962002F1029"),
        name: "メトホルミン塩酸塩錠２５０ｍｇＭＴ「トーワ」",
        ingredient: "メトホルミン塩酸塩",
        quantity: "2",
        usage: "１日２回朝夕食後",
        days: "28",
    },
    DrugRow {
        code: None,
        name: "ロキソプロフェンナトリウム錠６０ｍｇ",
        ingredient: "ロキソプロフェンナトリウム水和物",
        quantity: "3",
        usage: "１日３回毎食後",
        days: "5",
    },
    DrugRow {
        code: None,
        name: "レバミピド錠１００ｍｇ",
        ingredient: "レバミピド",
        quantity: "3",
        usage: "１日３回毎食後",
        days: "5",
    },
    DrugRow {
        code: None,
        name: "ロスバスタチン錠２．５ｍｇ",
        ingredient: "ロスバスタチンカルシウム",
        quantity: "1",
        usage: "１日１回夕食後",
        days: "28",
    },
    DrugRow {
        code: None,
        name: "カルボシステイン錠５００ｍｇ",
        ingredient: "Ｌ－カルボシステイン",
        quantity: "3",
        usage: "１日３回毎食後",
        days: "7",
    },
];

const PHARMACIES: [&str; 3] = ["さくら薬局", "みどり調剤薬局", "ひまわり薬局"];
const CLINICS: [&str; 3] = ["けやき内科クリニック", "あおば整形外科", "すずらん診療所"];

fn facility(kind: char, index: u64, names: &[&str]) -> Facility {
    let i = (index as usize) % names.len();
    Facility {
        // 都道府県 13 + 点数表 (1 医科, 4 調剤) + 7 digits; synthetic.
        code: Some(format!("13{kind}90000{i:02}")),
        name: Some(names[i].to_string()),
    }
}

/// 1–3 months of synthetic prescriptions for `key`, within the request's
/// `StartDate`–`EndDate` when given (else the last three months up to `today`).
fn synthetic_medication(
    key: &str,
    person: &PersonRow,
    request: &MedicalRequest,
    today: NaiveDate,
) -> MedicationHistory {
    let mut draw = Draw(key_hash(key));
    let clinical = matches!(
        request.file_category,
        FileCategory::MedicationClinicalPdf | FileCategory::MedicationClinicalXml
    );
    let this_month = today.with_day(1).unwrap_or(today);
    let months_wanted = 1 + draw.below(3) as u32;
    let pharmacy = draw.below(3);
    let clinic = draw.below(3);
    let first_drug = draw.below(DRUGS.len() as u64) as usize;
    let drug_count = 1 + draw.below(3) as usize;
    let mut months = Vec::new();
    for back in 0..3u32 {
        if months.len() as u32 >= months_wanted {
            break;
        }
        let Some(first) = this_month.checked_sub_months(Months::new(back)) else {
            continue;
        };
        let ym = YearMonth::of(first);
        let inside = ym.is_some_and(|m| {
            request.start.is_none_or(|s| s <= m) && request.end.is_none_or(|e| m <= e)
        });
        if !inside {
            continue;
        }
        let last_day = if back == 0 {
            today.day()
        } else {
            (first + Months::new(1) - TimeDelta::days(1)).day()
        };
        let day = first
            .with_day(1 + draw.below(last_day as u64) as u32)
            .unwrap_or(first);
        let drugs = (0..drug_count)
            .map(|i| {
                let d = &DRUGS[(first_drug + i) % DRUGS.len()];
                Drug {
                    code: d.code.map(str::to_string),
                    name: Some(d.name.to_string()),
                    ingredient: Some(d.ingredient.to_string()),
                    quantity: Some(d.quantity.to_string()),
                    unit: Some("錠".into()),
                    usage: Some(d.usage.to_string()),
                    special_instruction: None,
                    times: Some(d.days.to_string()),
                    category: Some("1".into()),
                }
            })
            .collect();
        months.push(MedicationMonth {
            source: MedicationSource::Claims,
            month: ym,
            dispensing_facility: facility('4', pharmacy, &PHARMACIES),
            prescribing_facility: facility('1', clinic, &CLINICS),
            dispensing_org: Some("2".into()),
            prescribing_org: Some("1".into()),
            in_out: Some("2".into()),
            days: vec![MedicationDay { clinical: Vec::new(), 
                dispensed_on: Some(day),
                prescribed_on: Some(day),
                drugs,
            }],
            // 診療行為 come in the clinic's own claim (below).
            clinical: Vec::new(),
        });
    }
    if clinical {
        // Years of visits to the same clinic (and others): `crate::clinical`.
        months.extend(
            crate::clinical::clinical_months(key, person.birth_date, clinic, today)
                .into_iter()
                .filter(|m| {
                    m.month.is_some_and(|ym| {
                        request.start.is_none_or(|s| s <= ym) && request.end.is_none_or(|e| ym <= e)
                    })
                }),
        );
    }
    MedicationHistory {
        patient: header(person),
        months,
        error: None,
    }
}

fn pq(code: &str, name: &str, value: String, unit: &str) -> CheckupItem {
    CheckupItem {
        code: code.into(),
        name: Some(name.into()),
        data_type: Some("PQ".into()),
        value: Some(value),
        unit: Some(unit.into()),
        oid: None,
        value_name: None,
    }
}

/// Five yearly synthetic checkups (June of each of the last five years) for
/// `key`, newest first, with the usual 特定健診 items; the values drift a
/// little from year to year so that trends have something to show. The blood
/// lipids are measured every other year, as many facilities do.
fn synthetic_checkups(key: &str, person: &PersonRow, today: NaiveDate) -> CheckupResults {
    let mut draw = Draw(key_hash(key) ^ 0x5555);
    let female = person.sex == Sex::Female;
    let height = if female { 1500 } else { 1620 } + draw.below(200) as i64; // mm
    let mut weight = if female { 480 } else { 600 } + draw.below(250) as i64; // 100 g
    let mut waist = if female { 760 } else { 800 } + draw.below(150) as i64; // mm
    let mut systolic = 110 + draw.below(40) as i64;
    let mut diastolic = 65 + draw.below(25) as i64;
    let mut glucose = 85 + draw.below(30) as i64;
    let mut hba1c = 52 + draw.below(14) as i64; // tenths of %
    let mut triglycerides = 70 + draw.below(120) as i64;
    let mut hdl = 40 + draw.below(35) as i64;
    let mut ldl = 90 + draw.below(70) as i64;
    let mut egfr = 60 + draw.below(35) as i64;
    let tenths = |v: i64| format!("{}.{}", v / 10, v % 10);
    let mut checkups = Vec::new();
    for back in 1..=5 {
        let year = today.year() - back;
        let date = NaiveDate::from_ymd_opt(year, 6, 1 + draw.below(28) as u32);
        let metabolic = if hba1c >= 65 || systolic >= 140 {
            ("1", "基準該当")
        } else if hba1c >= 60 || systolic >= 130 {
            ("2", "予備群該当")
        } else {
            ("3", "非該当")
        };
        let mut items = vec![
            pq("9N001000000000001", "身長", tenths(height), "cm"),
            pq("9N006000000000001", "体重", tenths(weight), "kg"),
            pq("9N016160100000001", "腹囲(実測)", tenths(waist), "cm"),
            pq("9A751000000000001", "収縮期血圧(1回目)", systolic.to_string(), "mmHg"),
            pq("9A761000000000001", "拡張期血圧(1回目)", diastolic.to_string(), "mmHg"),
            pq("3D010000001926101", "空腹時血糖", glucose.to_string(), "mg/dL"),
            pq("3D046000001920402", "HbA1c（NGSP値）", tenths(hba1c), "%"),
        ];
        if back % 2 == 1 {
            items.extend([
                pq("3F015000002327101", "中性脂肪", triglycerides.to_string(), "mg/dL"),
                pq("3F070000002327101", "HDLコレステロール", hdl.to_string(), "mg/dL"),
                pq("3F077000002327101", "LDLコレステロール", ldl.to_string(), "mg/dL"),
                pq("8A065000002391901", "eGFR", egfr.to_string(), "mL/min/1.73m2"),
            ]);
        }
        items.push(CheckupItem {
            code: "9N501000000000011".into(),
            name: Some("メタボリックシンドローム判定".into()),
            data_type: Some("CD".into()),
            value: Some(metabolic.0.into()),
            unit: None,
            oid: None,
            value_name: Some(metabolic.1.into()),
        });
        checkups.push(Checkup { date, items });
        // The year before: a little lighter, a little lower.
        weight -= draw.below(20) as i64;
        waist -= draw.below(15) as i64;
        systolic -= draw.below(6) as i64;
        diastolic -= draw.below(4) as i64;
        glucose -= draw.below(4) as i64;
        hba1c -= draw.below(3) as i64;
        triglycerides -= draw.below(15) as i64;
        hdl += draw.below(3) as i64;
        ldl -= draw.below(8) as i64;
        egfr += draw.below(3) as i64;
    }
    CheckupResults {
        patient: header(person),
        checkups,
        error: None,
    }
}

// ---------------------------------------------------------------------------
// Card taps

/// The 医療機関コード in the names of the training terminal's card taps: the
/// desk's default facility code (a real terminal writes the facility's own).
pub const TAP_INSTITUTION_CODE: &str = "0000000000";

/// Drops a card-tap result for a person into `<dir>/face/` (Shift_JIS) and
/// returns its path. See [`tap_with`].
pub fn tap(
    dir: &Path,
    population: &Population,
    key: Option<&str>,
    consents: &[ConsentCategory],
    now: NaiveDateTime,
) -> Result<PathBuf, Error> {
    tap_with(dir, population, key, consents, now, Encoding::ShiftJis)
}

/// A card tap: `key` is `保険者番号:記号:番号:枝番` (枝番 may be empty); `None`
/// takes the first valid person of [`Population::sample_on`] for `now`'s
/// date. The result is the population's answer for `now`, with
/// `ReferenceClassification` 1 (card) and one consent flag per category:
/// given for those in `consents` (`ConsTime` = now, `AvailableTime` = now +
/// 24 h), not given for the others. Written under a temporary name and
/// renamed into `<dir>/face/` as the real terminal names them,
/// `OQSsiquc01res_face_<10-digit institution code><hex id>_<yyyyMMddHHmmss>.xml`
/// (MynaReception, spec §20).
pub fn tap_with(
    dir: &Path,
    population: &Population,
    key: Option<&str>,
    consents: &[ConsentCategory],
    now: NaiveDateTime,
    encoding: Encoding,
) -> Result<PathBuf, Error> {
    fs::create_dir_all(dir)?;
    let layout = OqsFolderLayout::new(dir);
    layout.prepare()?;
    let conn = population.connect()?;
    let card = match key {
        Some(k) => {
            let parts: Vec<&str> = k.split(':').collect();
            if parts.len() != 4 || parts[0].trim().is_empty() || parts[2].trim().is_empty() {
                return Err(Error::Invalid(format!(
                    "{k:?} is not 保険者番号:記号:番号:枝番"
                )));
            }
            find_person(&conn, parts[0], parts[1], parts[2], Some(parts[3]))?
                .ok_or_else(|| Error::Invalid(format!("no person with the card {k}")))?
                .card
        }
        None => {
            let p = population
                .sample_on(20, now.date())?
                .into_iter()
                .find(|p| p.expected_validity == Validity::Valid)
                .ok_or_else(|| Error::Invalid("the population has no valid person".into()))?;
            CardDetails {
                insurer_number: InsurerNumber::from_trusted(p.insurer_number),
                symbol: p.symbol,
                number: p.number,
                branch: (!p.branch.is_empty()).then_some(p.branch),
                birth_date: p.birth_date,
            }
        }
    };
    let query = EligibilityQuery {
        card,
        confirmation_date: Some(now.date()),
        limit_certificate_consent: false,
    };
    let mut result = confirm(&conn, &query, now)?
        .map_err(|bad| Error::Invalid(format!("{}: {}", bad.code, bad.message)))?;
    result.reference = Some(ReferenceClassification::Card);
    // A face file carries the card's 照会番号 only once the facility has
    // registered one (MynaReception spec §17).
    let registered = registered_references(dir)?.remove(&query.card.person_key());
    if let Some(q) = result.qualification.as_mut() {
        q.reference_number = registered;
    }
    result.asked = None;
    result.source = ResultSource::CardReader;
    result.electronic_prescription = Some(true);
    // A person of the population who always answers the same way (each
    // OQSCD016 code has some) does so for every category not given here.
    let fixed = crate::lookup::consent_answer_of(&conn, &query.card)?;
    result.consents = ConsentCategory::ALL
        .into_iter()
        .map(|category| {
            let answer = match (consents.contains(&category), fixed) {
                (true, _) => Some(ConsentAnswer::Given),
                (false, Some(a)) => Some(a),
                (false, None) => None,
            };
            let given = answer == Some(ConsentAnswer::Given);
            ConsentFlag {
                answer,
                category,
                given,
                given_at: given.then_some(now),
                available_until: given.then(|| now + TimeDelta::hours(24)),
            }
        })
        .collect();
    let stamp = now.format("%Y%m%d%H%M%S").to_string();
    let taken = |name: &str| {
        layout.face().join(name).exists()
            || layout.root().join(TRASH_DIR).join(name).exists()
            || layout.archive().join(name).exists()
            || layout.failed().join(name).exists()
    };
    let (seq, name) = (1..=9999u32)
        .map(|seq| (seq, format!("OQSsiquc01res_face_{TAP_INSTITUTION_CODE}{seq:08x}_{stamp}.xml")))
        .find(|(_, n)| !taken(n))
        .ok_or_else(|| Error::Invalid(format!("no free card-tap file name for {stamp}")))?;
    let bytes = write_eligibility_response_with(
        &result,
        &ResponseHeader {
            institution_code: None,
            file_id: Some(format!("FACE{seq:04}")),
        },
        encoding,
    );
    Ok(layout.deliver(&layout.face(), &name, &bytes)?)
}
