//! 一括照会 at the desk: import an appointment list, check every row through
//! the configured gateway, record each answer like a check at the counter
//! (store + audit log), report progress, stop on request, and go on after a
//! crash where the batch stopped. The window and `madoguchi batch` both use
//! this; the rules of the list and of the report's groups are in
//! `madoguchi_core::appointments`.
//!
//! * HTTP: a few checks in flight at once ([`WORKERS`]), answers recorded a
//!   handful per transaction.
//! * OQS folder: the batch files in two steps, one `OQSmuquc01req` per
//!   [`OQS_CHUNK`] rows of one appointment date, whose receipt's 受付番号 is
//!   kept with the rows in the store; then the results of each 受付番号
//!   (`OQSmuquc02req` → `OQSmuquc02res`). A run stopped in between (the
//!   terminal still 処理中, a crash, a restart) fetches the results of the
//!   kept 受付番号 at the next run and does not send those rows again.
//!
//! A row's state lives in the store (`store::batch`): pending until its
//! answer and its check are written in one transaction. Cancelling, a crash,
//! or the service going away leave the rest pending; [`Batches::run`] on
//! the same batch asks only those.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use chrono::{NaiveDate, NaiveDateTime};
use madoguchi_adapters::csv::{self, CsvFile};
use madoguchi_adapters::gateway::{Gateway, GatewayError};
use madoguchi_adapters::store::{BatchAnswer, BatchInfo, BatchState, ImportError, NewCheck};
use madoguchi_core::appointments::{Appointment, BatchReport, Column, Group, ReportLine};
use madoguchi_core::message::{ApiError, Msg};
use madoguchi_core::{EligibilityQuery, EligibilityResult};
use madoguchi_i18n::Lang;

use crate::checks::Checks;
use crate::context::Context;
use crate::words::{gateway_msg, say, store_msg};
pub use madoguchi_api::batch::{BatchImport, BatchProgress, BatchRun};

/// HTTP checks in flight at once.
pub const WORKERS: usize = 4;
/// Rows per OQS batch file.
pub const OQS_CHUNK: usize = 100;
/// Answers recorded per transaction (HTTP), and so how often progress is told.
const RECORD_EVERY: usize = 10;

/// The stop switch of a running batch.
#[derive(Debug, Default)]
pub struct BatchControl {
    cancel: AtomicBool,
}

impl BatchControl {
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::SeqCst);
    }
    pub fn is_cancelled(&self) -> bool {
        self.cancel.load(Ordering::SeqCst)
    }
}

/// The batches running in this desk (one run per batch at a time).
#[derive(Default)]
pub struct Running(Mutex<HashMap<i64, Arc<BatchControl>>>);

fn store_err(e: madoguchi_adapters::store::StoreError) -> ApiError {
    ApiError::new(store_msg(&e))
}

/// 一括照会 (`desk.batch`): the batches of this desk and those running now.
pub struct Batches {
    ctx: Arc<Context>,
    checks: Checks,
    running: Running,
}

impl Batches {
    pub fn new(ctx: Arc<Context>) -> Batches {
        Batches { checks: Checks::new(Arc::clone(&ctx)), ctx, running: Running::default() }
    }

    /// Reads an appointment list and keeps it as a batch (nothing is asked
    /// yet). The whole file refused → an error; bad rows are kept with the
    /// batch and returned, the good rows wait as pending.
    ///
    /// Streamed: the rows go from the text into the store one at a time
    /// (`AppointmentList`, `Store::create_batch_streamed`), in one
    /// transaction, so memory does not grow with the list (`benches/batch_memory.rs`).
    pub fn import(&self, bytes: &[u8], source_name: Option<&str>, now: NaiveDateTime) -> Result<BatchImport, ApiError> {
        let text = csv::decode(bytes).map_err(ApiError::new)?;
        let list = csv::appointment_list(&text, now.date()).map_err(|e| ApiError::new(e.message))?;
        let ignored_columns = list.ignored_columns().to_vec();
        let staff = self.ctx.settings().staff;
        let mut store = self.ctx.store.lock().unwrap();
        let (id, bad_rows) = store.create_batch_streamed(now, &staff, source_name, list).map_err(|e| match e {
            ImportError::Input(e) => ApiError::new(e.message),
            ImportError::Store(e) => store_err(e),
        })?;
        let batch = store.batch_info(id).map_err(store_err)?.expect("just created");
        drop(store);
        self.ctx.note_training_batch(id);
        Ok(BatchImport { batch: batch, bad_rows, ignored_columns })
    }

    /// Batches of this desk, newest first (`unfinished`: those with rows
    /// still pending, to resume).
    /// In training mode only the batches imported in training mode
    /// (`Context::training_may_show_batch`).
    pub fn list(&self, unfinished: bool) -> Result<Vec<BatchInfo>, ApiError> {
        let list = self.ctx.store.lock().unwrap().batches(unfinished).map_err(store_err)?;
        Ok(list.into_iter().filter(|b| self.ctx.training_may_show_batch(b.id)).collect())
    }

    /// The report of a batch as it stands (pending rows are "not checked").
    pub fn report(&self, batch_id: i64) -> Result<BatchReport, ApiError> {
        if !self.ctx.training_may_show_batch(batch_id) {
            return Err(ApiError::new(Msg::new("batch-not-found").arg("id", batch_id)));
        }
        let (rows, bad) = self.ctx.store.lock().unwrap().batch_rows(batch_id).map_err(|e| match e {
            madoguchi_adapters::store::StoreError::NoSuchRow { .. } => ApiError::new(Msg::new("batch-not-found").arg("id", batch_id)),
            e => store_err(e),
        })?;
        let lines = rows
            .into_iter()
            .map(|r| match (r.result, r.problem) {
                (Some(result), _) => ReportLine::answered(r.appointment, &result, r.check_id),
                (None, Some(problem)) => ReportLine::not_checked(r.appointment, problem),
                (None, None) => match r.reception_number {
                    // Taken in by the terminal: its results are awaited, not sent again.
                    Some(n) => ReportLine::not_checked(r.appointment, Msg::new("batch-row-awaiting-results").arg("reception", n)),
                    None => ReportLine::not_checked(r.appointment, Msg::new("batch-row-pending")),
                },
            })
            .collect();
        Ok(BatchReport::build(lines, bad))
    }

    /// Stops a running batch after the checks in flight (they are recorded).
    /// False when the batch is not running.
    pub fn cancel(&self, batch_id: i64) -> bool {
        match self.running.0.lock().unwrap().get(&batch_id) {
            Some(c) => {
                c.cancel();
                true
            }
            None => false,
        }
    }

    /// Runs (or resumes) a batch: asks every pending row, records each answer
    /// as a check (store and audit log), tells `progress` as rows finish.
    /// Blocking. A second run of a batch that is running is refused.
    pub fn run(&self, batch_id: i64, progress: &(dyn Fn(BatchProgress) + Sync), now: NaiveDateTime) -> Result<BatchRun, ApiError> {
        if !self.ctx.training_may_show_batch(batch_id) {
            return Err(ApiError::new(Msg::new("batch-not-found").arg("id", batch_id)));
        }
        let control = Arc::new(BatchControl::default());
        {
            let mut running = self.running.0.lock().unwrap();
            if running.contains_key(&batch_id) {
                return Err(ApiError::new(Msg::new("batch-already-running")));
            }
            running.insert(batch_id, Arc::clone(&control));
        }
        let outcome = self.run_inner(batch_id, &control, progress, now);
        self.running.0.lock().unwrap().remove(&batch_id);
        outcome
    }

    fn run_inner(
        &self,
        batch_id: i64,
        control: &BatchControl,
        progress: &(dyn Fn(BatchProgress) + Sync),
        now: NaiveDateTime,
    ) -> Result<BatchRun, ApiError> {
        let (info, pending) = {
            let store = self.ctx.store.lock().unwrap();
            let info = store
                .batch_info(batch_id)
                .map_err(store_err)?
                .ok_or_else(|| ApiError::new(Msg::new("batch-not-found").arg("id", batch_id)))?;
            (info, store.batch_pending(batch_id).map_err(store_err)?)
        };
        let gateway = self.ctx.gateway_handle()?;
        let run = Run { batches: self, batch_id, total: info.total, done: AtomicUsize::new(info.total - pending.len()), progress, now };
        progress(BatchProgress { batch_id, done: run.done.load(Ordering::SeqCst), total: info.total });
        let stopped = if gateway.batch_files() {
            run.by_files(gateway.as_ref(), control)?
        } else {
            run.one_by_one(&gateway, pending, control)?
        };
        let mut store = self.ctx.store.lock().unwrap();
        let left = store.batch_pending(batch_id).map_err(store_err)?.len();
        let state = if left == 0 { BatchState::Done } else { BatchState::Paused };
        store.set_batch_state(batch_id, state, now).map_err(store_err)?;
        let batch = store.batch_info(batch_id).map_err(store_err)?.expect("exists");
        drop(store);
        let stopped = match stopped {
            Some(Stop::Cancelled) => Some(Msg::new("batch-cancelled").arg("done", batch.done + batch.failed).arg("total", batch.total)),
            Some(Stop::Service(e)) => Some(gateway_msg(e)),
            None => None,
        };
        Ok(BatchRun { report: self.report(batch_id)?, batch: batch, stopped })
    }
}

enum Stop {
    Cancelled,
    /// The service cannot be reached (unreachable, timeout): the rest waits.
    Service(GatewayError),
}

struct Run<'a> {
    batches: &'a Batches,
    batch_id: i64,
    total: usize,
    done: AtomicUsize,
    progress: &'a (dyn Fn(BatchProgress) + Sync),
    now: NaiveDateTime,
}

fn query(a: &Appointment, now: NaiveDateTime) -> EligibilityQuery {
    EligibilityQuery {
        card: a.card.clone(),
        confirmation_date: Some(a.date.unwrap_or(now.date())),
        limit_certificate_consent: false,
    }
}

/// The rest of the batch waits (pending) for the next run: the service is
/// away, the terminal refused the request file (`.err`: nothing was taken
/// in), or it is still working on a batch it took in.
fn stops_the_run(e: &GatewayError) -> bool {
    matches!(
        e,
        GatewayError::Unreachable { .. }
            | GatewayError::Timeout { .. }
            | GatewayError::Rejected { .. }
            | GatewayError::StillProcessing { .. }
    )
}

impl Run<'_> {
    /// Records answers, each check with its audit entry, in one
    /// transaction (a crash loses none of the entries of the checks it
    /// keeps), then reports progress.
    fn record(&self, answers: &[(Appointment, EligibilityResult)]) -> Result<(), ApiError> {
        if answers.is_empty() {
            return Ok(());
        }
        let staff = self.batches.ctx.settings().staff;
        let batch: Vec<BatchAnswer<'_>> = answers
            .iter()
            .map(|(a, r)| {
                let key = r.qualification.as_ref().map(|q| q.person_key()).unwrap_or_else(|| a.card.person_key());
                let entry = self.batches.checks.check_entry(Some(key), r.validity, self.now);
                BatchAnswer { line: a.line, check: NewCheck { checked_at: self.now, staff: &staff, asked: Some(&a.card), result: r }, entry }
            })
            .collect();
        let recorded = self.batches.ctx.store.lock().unwrap().complete_batch_rows(self.batch_id, &batch, self.now).map_err(store_err)?;
        for (_, audited) in recorded.into_iter().flatten() {
            if let Err(e) = audited {
                tracing::error!("audit log: {e}");
            }
        }
        self.advance(answers.len());
        Ok(())
    }

    fn fail(&self, a: &Appointment, problem: &Msg) -> Result<(), ApiError> {
        self.batches.ctx.store.lock().unwrap().fail_batch_row(self.batch_id, a.line, problem, self.now).map_err(store_err)?;
        self.advance(1);
        Ok(())
    }

    fn advance(&self, n: usize) {
        let done = self.done.fetch_add(n, Ordering::SeqCst) + n;
        (self.progress)(BatchProgress { batch_id: self.batch_id, done, total: self.total });
    }

    /// HTTP: [`WORKERS`] threads ask; this thread records.
    fn one_by_one(&self, gateway: &Arc<dyn Gateway>, pending: Vec<Appointment>, control: &BatchControl) -> Result<Option<Stop>, ApiError> {
        let next = AtomicUsize::new(0);
        let down: Mutex<Option<GatewayError>> = Mutex::new(None);
        // Bounded: asking never runs far ahead of recording, so a cancel
        // stops the run within a few rows of the progress staff saw.
        let (tx, rx) = mpsc::sync_channel::<(usize, Result<EligibilityResult, GatewayError>)>(WORKERS * 2);
        let pending = &pending;
        std::thread::scope(|scope| {
            for _ in 0..WORKERS.min(pending.len()) {
                let tx = tx.clone();
                let (next, down) = (&next, &down);
                let gateway = Arc::clone(gateway);
                scope.spawn(move || loop {
                    if control.is_cancelled() || down.lock().unwrap().is_some() {
                        return;
                    }
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(a) = pending.get(i) else { return };
                    match gateway.check(&query(a, self.now)) {
                        Err(e) if stops_the_run(&e) => {
                            down.lock().unwrap().get_or_insert(e);
                            return;
                        }
                        answer => {
                            if tx.send((i, answer)).is_err() {
                                return;
                            }
                        }
                    }
                });
            }
            drop(tx);
            let mut answered: Vec<(Appointment, EligibilityResult)> = Vec::new();
            let mut outcome = Ok(());
            loop {
                let flush = match rx.recv_timeout(Duration::from_millis(100)) {
                    Ok((i, Ok(result))) => {
                        answered.push((pending[i].clone(), result));
                        answered.len() >= RECORD_EVERY
                    }
                    Ok((i, Err(e))) => {
                        if outcome.is_ok() {
                            outcome = self.fail(&pending[i], &gateway_msg(e));
                        }
                        false
                    }
                    Err(mpsc::RecvTimeoutError::Timeout) => true,
                    Err(mpsc::RecvTimeoutError::Disconnected) => break,
                };
                if flush && outcome.is_ok() {
                    outcome = self.record(&std::mem::take(&mut answered));
                    if outcome.is_err() {
                        // Nothing more can be recorded: stop asking.
                        control.cancel();
                    }
                }
            }
            if outcome.is_ok() {
                outcome = self.record(&answered);
            }
            outcome
        })?;
        Ok(match down.into_inner().unwrap() {
            Some(e) => Some(Stop::Service(e)),
            None if control.is_cancelled() => Some(Stop::Cancelled),
            None => None,
        })
    }

    /// OQS folder, two steps: the rows not yet taken in go out as batch
    /// files (one per [`OQS_CHUNK`] rows of one date), each receipt's
    /// 受付番号 kept with its rows in the store at once; then the results of
    /// every 受付番号 of this batch — also those an earlier run kept — are
    /// fetched and recorded (which clears the 受付番号 in the same
    /// transaction).
    fn by_files(&self, gateway: &dyn Gateway, control: &BatchControl) -> Result<Option<Stop>, ApiError> {
        let ctx = &self.batches.ctx;
        let unsent = ctx.store.lock().unwrap().batch_unsent(self.batch_id).map_err(store_err)?;
        let mut by_date: BTreeMap<NaiveDate, Vec<Appointment>> = BTreeMap::new();
        for a in unsent {
            by_date.entry(a.date.unwrap_or(self.now.date())).or_default().push(a);
        }
        for rows in by_date.values() {
            for chunk in rows.chunks(OQS_CHUNK) {
                if control.is_cancelled() {
                    return Ok(Some(Stop::Cancelled));
                }
                let queries: Vec<EligibilityQuery> = chunk.iter().map(|a| query(a, self.now)).collect();
                match gateway.submit_batch(&queries).expect("a batch gateway") {
                    Ok(reception) => {
                        let lines: Vec<usize> = chunk.iter().map(|a| a.line).collect();
                        ctx.store.lock().unwrap().set_batch_reception(self.batch_id, &lines, &reception, self.now).map_err(store_err)?;
                    }
                    Err(e) if stops_the_run(&e) => return Ok(Some(Stop::Service(e))),
                    Err(e) => {
                        let msg = gateway_msg(e);
                        for a in chunk {
                            self.fail(a, &msg)?;
                        }
                    }
                }
            }
        }
        let receptions = ctx.store.lock().unwrap().batch_receptions(self.batch_id).map_err(store_err)?;
        for (reception, rows) in receptions {
            if control.is_cancelled() {
                return Ok(Some(Stop::Cancelled));
            }
            match gateway.batch_results(&reception, &|| !control.is_cancelled()).expect("a batch gateway") {
                Ok(results) if results.len() == rows.len() => {
                    let answers: Vec<(Appointment, EligibilityResult)> = rows
                        .into_iter()
                        .zip(results)
                        .map(|(a, mut r)| {
                            r.asked.get_or_insert_with(|| a.card.clone());
                            (a, r)
                        })
                        .collect();
                    self.record(&answers)?;
                }
                Ok(results) => {
                    let msg = gateway_msg(GatewayError::BadResponse {
                        target: gateway.target(),
                        detail: format!("{reception}: {} results for {} cards", results.len(), rows.len()),
                    });
                    for a in &rows {
                        self.fail(a, &msg)?;
                    }
                }
                // Cancelled while the terminal was still 処理中: the 受付番号 stays.
                Err(GatewayError::StillProcessing { .. }) if control.is_cancelled() => return Ok(Some(Stop::Cancelled)),
                Err(e) if stops_the_run(&e) => return Ok(Some(Stop::Service(e))),
                Err(e) => {
                    // The terminal cannot give these results (e.g. it does not
                    // know the 受付番号 any more): the rows go out again at the
                    // next run; this one stops saying why.
                    ctx.store.lock().unwrap().clear_batch_reception(self.batch_id, &reception).map_err(store_err)?;
                    return Ok(Some(Stop::Service(e)));
                }
            }
        }
        Ok(control.is_cancelled().then_some(Stop::Cancelled))
    }
}

impl Batches {
    /// Writes a batch's report as CSV ([`report_csv`], in the desk's
    /// language) into the Downloads folder (else the data folder), named
    /// after the batch; answers the file's path.
    pub fn export_csv(&self, batch_id: i64) -> Result<std::path::PathBuf, ApiError> {
        let dir = dirs::download_dir().filter(|d| d.is_dir()).unwrap_or(self.ctx.settings().data_dir);
        self.export_csv_to(batch_id, &dir)
    }

    /// [`Batches::export_csv`] into `dir`.
    pub fn export_csv_to(&self, batch_id: i64, dir: &std::path::Path) -> Result<std::path::PathBuf, ApiError> {
        let report = self.report(batch_id)?;
        let settings = self.ctx.settings();
        let path = dir.join(format!("madoguchi-batch-{batch_id}.csv"));
        std::fs::write(&path, report_csv(settings.lang, &report)).map_err(|e| {
            ApiError::new(Msg::new("batch-report-write-failed").arg("path", path.display()).arg("detail", e))
        })?;
        Ok(path)
    }
}

/// A one-line summary of a report (CLI, logs).
pub fn summary(lang: Lang, report: &BatchReport) -> String {
    let msg = Msg::new("batch-summary")
        .arg("total", report.lines.len())
        .arg("valid", report.count(Group::Valid))
        .arg("differs", report.count(Group::Differs))
        .arg("invalid", report.count(Group::Invalid))
        .arg("new", report.count(Group::NewQualification))
        .arg("not_found", report.count(Group::NotFound))
        .arg("multiple", report.count(Group::MultipleFound))
        .arg("not_checked", report.count(Group::NotChecked))
        .arg("bad", report.bad_rows.len());
    say(lang, &msg)
}

/// The report as CSV for Excel, by the desk's one CSV writer
/// (`madoguchi_adapters::csv`: UTF-8 with BOM, CRLF, the formula
/// guard on every cell — an imported `=HYPERLINK(…)` is written as text):
/// the list's columns,
/// then the result; the lines in the report's order, then the bad rows with
/// their problems (their cells as they were, in the file's order).
pub fn report_csv(lang: Lang, report: &BatchReport) -> String {
    let t = |id: &str| madoguchi_i18n::tr(lang, id, &[]);
    let mut out = CsvFile::new();
    let list_columns = [
        Column::Appointment,
        Column::PatientId,
        Column::Name,
        Column::NameKana,
        Column::BirthDate,
        Column::InsurerNumber,
        Column::Symbol,
        Column::Number,
        Column::Branch,
    ];
    let mut head = vec![t("batch-csv-head-group"), t("batch-csv-head-line")];
    head.extend(list_columns.iter().map(|c| t(&c.message_id())));
    head.extend(
        [
            "batch-csv-head-validity",
            "batch-csv-head-recorded-name",
            "batch-csv-head-insurer-name",
            "batch-csv-head-copay",
            "batch-csv-head-valid-until",
            "batch-csv-head-loss-reason",
            "batch-csv-head-differences",
            "batch-csv-head-problem",
        ]
        .map(t),
    );
    out.row(&head);
    for l in &report.lines {
        let a = &l.appointment;
        let at = match (a.date, a.time) {
            (Some(d), Some(tm)) => format!("{d} {}", tm.format("%H:%M")),
            (Some(d), None) => d.to_string(),
            _ => String::new(),
        };
        let differences: Vec<String> = l
            .differences
            .iter()
            .map(|d| {
                say(
                    lang,
                    &Msg::new("batch-diff-line").arg("field", t(&d.field.message_id())).arg("listed", &d.listed).arg("recorded", &d.recorded),
                )
            })
            .collect();
        let row = vec![
            t(&l.group.message_id()),
            a.line.to_string(),
            at,
            a.patient_id.clone().unwrap_or_default(),
            a.name.clone(),
            a.name_kana.clone().unwrap_or_default(),
            a.card.birth_date.to_string(),
            a.card.insurer_number.to_string(),
            a.card.symbol.clone(),
            a.card.number.clone(),
            a.card.branch.clone().unwrap_or_default(),
            l.validity.map(|v| t(&format!("validity-{}", v.code()))).unwrap_or_default(),
            l.recorded_name.clone().unwrap_or_default(),
            l.insurer_name.clone().unwrap_or_default(),
            l.copay.map(|c| madoguchi_i18n::tr(lang, "copay-wari", &[("wari", c.wari().to_string())])).unwrap_or_default(),
            l.valid_until.map(|d| d.to_string()).unwrap_or_default(),
            l.loss_reason.map(|r| r.label_ja().to_string()).unwrap_or_default(),
            differences.join(" / "),
            l.problem
                .as_ref()
                .map(|m| say(lang, m))
                .into_iter()
                .chain(l.limit_certificate_changed.then(|| t("batch-limit-certificate-changed")))
                .collect::<Vec<_>>()
                .join(" / "),
        ];
        out.row(&row);
    }
    for b in &report.bad_rows {
        let problems: Vec<String> = b
            .problems
            .iter()
            .map(|p| match p.column {
                Some(c) => format!("{}: {}", t(&c.message_id()), say(lang, &p.message)),
                None => say(lang, &p.message),
            })
            .collect();
        // The row's cells as they were (its columns may not be ours), after the problems.
        let original = csv::line(&b.cells);
        let mut row = vec![t("batch-csv-bad-row"), b.line.to_string()];
        row.extend(std::iter::repeat_n(String::new(), list_columns.len() + 7));
        row.push(format!("{} — {}", problems.join(" / "), original));
        out.row(&row);
    }
    out.finish()
}
