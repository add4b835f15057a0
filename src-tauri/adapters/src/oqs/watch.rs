//! Card taps: the 連携アプリ writes a result file into `<root>/face/` each
//! time a patient taps a マイナ保険証 on the face-recognition card reader
//! (`OQSsiquc01res_face_*.xml`). [`FaceWatcher`] picks them up as they come;
//! [`ingest_pending`] takes what is there once (for `madoguchi oqs ingest`).
//!
//! A file is taken only when complete, by the rule of
//! [`super::folder::read_stable`] (same size and modification time at two
//! looks, before and after reading). It is parsed, moved to the archive
//! (`archive/failed/` when unreadable) and reported as a [`FaceEvent`].
//! Files already there when watching starts are taken too.
//!
//! Watching uses file-system events (`notify`) **and** a poll of the folder
//! every [`FACE_POLL_INTERVAL`], because network shares often deliver no
//! events. While a file is waiting to become stable the folder is looked at
//! every [`FACE_SETTLE_POLL`], so a tap is reported well within a second.
//! If the folder is missing (share not connected) the watcher keeps trying.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use madoguchi_core::{EligibilityResult, ResultSource};
use notify::{RecursiveMode, Watcher};

use super::folder::{looks_unfinished, read_stable, FileStamp, OqsFolderLayout, StableRead};
use super::{parse_named, OqsDocument, OqsError, OqsProblem};

/// The name prefix of card-tap files (compared ignoring ASCII case).
pub const FACE_PREFIX: &str = "OQSsiquc01res_face_";
/// How often `face/` is polled when nothing is pending.
pub const FACE_POLL_INTERVAL: Duration = Duration::from_millis(250);
/// How often `face/` is looked at while a file is becoming stable.
pub const FACE_SETTLE_POLL: Duration = Duration::from_millis(50);
/// How long a file that does not parse (but does not look unfinished) must
/// stay unchanged before it is reported as an error.
pub const FACE_SETTLE: Duration = Duration::from_secs(1);
/// How long a file that looks unfinished (truncated, empty, locked) is waited
/// for before it is reported as an error.
pub const FACE_GIVE_UP: Duration = Duration::from_secs(10);

/// What a card tap produced.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)] // one per tap
pub enum FaceEvent {
    /// A result (source [`ResultSource::CardReader`]) and the file's name.
    Result(EligibilityResult, String),
    /// A file that could not be read (already moved to `archive/failed/`,
    /// unless the error says it cannot be moved), or a folder that cannot be
    /// listed.
    Error(OqsError),
}

/// Is `name` a card-tap file (`OQSsiquc01res_face_….xml`)?
pub fn is_face_file_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.starts_with(&FACE_PREFIX.to_ascii_lowercase()) && lower.ends_with(".xml")
}

#[derive(Debug)]
struct Pending {
    stamp: Option<FileStamp>,
    since: Instant,
    problem: Option<OqsError>,
}

/// The state of one `face/` folder between looks.
#[derive(Debug, Default)]
struct FaceTracker {
    pending: HashMap<String, Pending>,
    /// Files handled but not movable (reported once, then ignored while they stay).
    done: HashSet<String>,
    /// The last folder error reported (reported again only when it changes).
    folder_error: Option<String>,
}

impl FaceTracker {
    fn has_pending(&self) -> bool {
        !self.pending.is_empty()
    }

    /// One look at `face/`. `final_pass`: report files still unreadable now
    /// (without moving those that look unfinished).
    fn pass(&mut self, layout: &OqsFolderLayout, final_pass: bool) -> Vec<FaceEvent> {
        let mut events = Vec::new();
        let face = layout.face();
        let entries = match fs::read_dir(&face) {
            Ok(e) => {
                self.folder_error = None;
                e
            }
            Err(e) => {
                let detail = e.to_string();
                if self.folder_error.as_deref() != Some(detail.as_str()) {
                    self.folder_error = Some(detail.clone());
                    events.push(FaceEvent::Error(OqsError::new(
                        face.display().to_string(),
                        OqsProblem::Io { detail },
                    )));
                }
                return events;
            }
        };
        let mut names: Vec<String> = Vec::new();
        // Named pipes, devices, sockets, folders named like a card tap: never
        // read (a pipe would block the watcher), reported once while they stay.
        let mut not_regular: Vec<(String, std::io::Error)> = Vec::new();
        for e in entries.flatten().take(10_000) {
            let name = e.file_name().to_string_lossy().into_owned();
            if !is_face_file_name(&name) {
                continue;
            }
            match crate::input_file::open_regular(&e.path()) {
                Err(io) if crate::input_file::not_regular(&io).is_some() => not_regular.push((name, io)),
                _ => names.push(name),
            }
        }
        names.sort();
        let seen: HashSet<String> = names.iter().chain(not_regular.iter().map(|(n, _)| n)).cloned().collect();
        self.pending.retain(|n, _| seen.contains(n));
        self.done.retain(|n| seen.contains(n));
        for (name, io) in not_regular {
            if self.done.insert(name.clone()) {
                tracing::warn!(file = %name, "OQS face: {io}");
                events.push(FaceEvent::Error(OqsError::new(name, OqsProblem::from_io(&io))));
            }
        }
        for name in names {
            if self.done.contains(&name) {
                continue;
            }
            let path = face.join(&name);
            let previous = self.pending.get(&name).and_then(|p| p.stamp);
            let read = read_stable(&path, previous);
            let entry = self.pending.entry(name.clone()).or_insert(Pending {
                stamp: None,
                since: Instant::now(),
                problem: None,
            });
            // What to do once `entry` is no longer borrowed.
            let mut give_up: Option<OqsError> = None;
            match read {
                Ok(StableRead::Missing) => {
                    self.pending.remove(&name);
                }
                Ok(StableRead::Changed(s)) => {
                    entry.stamp = Some(s);
                    entry.since = Instant::now();
                    entry.problem = None;
                }
                Ok(StableRead::Complete(bytes)) => match parse_named(&name, &bytes) {
                    Ok(OqsDocument::Eligibility(mut result)) => {
                        result.source = ResultSource::CardReader;
                        super::stamp_received(&mut result, chrono::Local::now().naive_local());
                        self.pending.remove(&name);
                        if let Err(e) = layout.archive_file(&path, false) {
                            tracing::warn!(file = %name, "OQS face: cannot archive: {e}");
                            self.done.insert(name.clone());
                        }
                        events.push(FaceEvent::Result(result, name.clone()));
                    }
                    Ok(other) => {
                        give_up = Some(OqsError::new(
                            name.clone(),
                            OqsProblem::UnsupportedKind {
                                kind: other.kind().prefix().to_string(),
                            },
                        ));
                    }
                    Err(e) => {
                        let limit = if looks_unfinished(&e.problem) {
                            FACE_GIVE_UP
                        } else {
                            FACE_SETTLE
                        };
                        if entry.since.elapsed() >= limit {
                            give_up = Some(e);
                        } else {
                            entry.problem = Some(e);
                        }
                    }
                },
                Err(io) => {
                    // Locked by its writer, most likely: next look.
                    let e = OqsError::new(
                        name.clone(),
                        OqsProblem::Io {
                            detail: io.to_string(),
                        },
                    );
                    if entry.since.elapsed() >= FACE_GIVE_UP {
                        self.pending.remove(&name);
                        self.done.insert(name.clone());
                        events.push(FaceEvent::Error(e));
                    } else {
                        entry.problem = Some(e);
                    }
                }
            }
            if let Some(e) = give_up {
                events.push(self.give_up(layout, &path, &name, e));
            }
        }
        if final_pass {
            for (name, p) in self.pending.drain() {
                if let Some(e) = p.problem {
                    events.push(FaceEvent::Error(e));
                } else {
                    tracing::info!(file = %name, "OQS face: still being written; left for later");
                }
            }
        }
        events
    }

    /// A file that will not become readable: archived under `failed/`.
    fn give_up(
        &mut self,
        layout: &OqsFolderLayout,
        path: &Path,
        name: &str,
        e: OqsError,
    ) -> FaceEvent {
        self.pending.remove(name);
        if let Err(io) = layout.archive_file(path, true) {
            tracing::warn!(file = %name, "OQS face: cannot move an unreadable file: {io}");
            self.done.insert(name.to_string());
        }
        tracing::warn!("OQS face: unreadable card-tap file: {e}");
        FaceEvent::Error(e)
    }
}

/// Takes the complete card-tap files in `<root>/face/` now, without a thread:
/// looks at the folder several times over at most ~2 s (a file must be seen
/// unchanged twice). Files still being written are left for later;
/// unreadable ones are reported (and moved to `archive/failed/` unless they
/// look unfinished). A missing folder gives one [`FaceEvent::Error`].
pub fn ingest_pending(root: impl AsRef<Path>) -> Vec<FaceEvent> {
    ingest_pending_with(&OqsFolderLayout::new(root.as_ref()))
}

/// [`ingest_pending`] for a layout with its own archive.
pub fn ingest_pending_with(layout: &OqsFolderLayout) -> Vec<FaceEvent> {
    if let Err(e) = layout.prepare() {
        return vec![FaceEvent::Error(OqsError::new(
            layout.face().display().to_string(),
            OqsProblem::Io {
                detail: e.to_string(),
            },
        ))];
    }
    let mut tracker = FaceTracker::default();
    let mut events = tracker.pass(layout, false);
    let started = Instant::now();
    let budget = FACE_SETTLE + Duration::from_millis(500);
    while tracker.has_pending() && started.elapsed() < budget {
        std::thread::sleep(FACE_SETTLE_POLL);
        events.extend(tracker.pass(layout, false));
    }
    events.extend(tracker.pass(layout, true));
    events
}

/// Watches `<root>/face/` on a thread of its own until dropped (or
/// [`FaceWatcher::stop`]).
pub struct FaceWatcher {
    stop: Arc<AtomicBool>,
    wake: mpsc::Sender<()>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for FaceWatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FaceWatcher")
            .field("running", &self.thread.is_some())
            .finish()
    }
}

impl FaceWatcher {
    /// Starts watching `<root>/face/` (archive in `<root>/archive/`).
    /// `on_result` is called on the watcher's thread, once per file; a panic
    /// in it is caught and logged. Never fails: a missing folder is reported
    /// once as [`FaceEvent::Error`] and retried.
    pub fn start(
        root: impl Into<PathBuf>,
        on_result: impl Fn(FaceEvent) + Send + 'static,
    ) -> FaceWatcher {
        Self::start_with(OqsFolderLayout::new(root.into()), on_result)
    }

    /// [`FaceWatcher::start`] for a layout with its own archive.
    pub fn start_with(
        layout: OqsFolderLayout,
        on_result: impl Fn(FaceEvent) + Send + 'static,
    ) -> FaceWatcher {
        let stop = Arc::new(AtomicBool::new(false));
        let (wake, rx) = mpsc::channel::<()>();
        let notify_tx = wake.clone();
        let stop_flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name("oqs-face-watcher".into())
            .spawn(move || run(layout, on_result, stop_flag, rx, notify_tx))
            .map_err(|e| tracing::error!("OQS face: cannot start the watcher thread: {e}"))
            .ok();
        FaceWatcher { stop, wake, thread }
    }

    /// Stops the watcher and waits for its thread.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = self.wake.send(());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for FaceWatcher {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn run(
    layout: OqsFolderLayout,
    on_result: impl Fn(FaceEvent),
    stop: Arc<AtomicBool>,
    rx: mpsc::Receiver<()>,
    notify_tx: mpsc::Sender<()>,
) {
    let mut tracker = FaceTracker::default();
    let mut watcher: Option<notify::RecommendedWatcher> = None;
    let mut last_attempt: Option<Instant> = None;
    while !stop.load(Ordering::SeqCst) {
        if watcher.is_none() && last_attempt.is_none_or(|t| t.elapsed() >= Duration::from_secs(2)) {
            last_attempt = Some(Instant::now());
            if layout.prepare().is_ok() {
                watcher = start_notify(&layout.face(), notify_tx.clone());
            }
        }
        for event in tracker.pass(&layout, false) {
            if stop.load(Ordering::SeqCst) {
                break;
            }
            let call = std::panic::AssertUnwindSafe(|| on_result(event));
            if std::panic::catch_unwind(call).is_err() {
                tracing::error!("OQS face: the card-tap handler panicked");
            }
        }
        let wait = if tracker.has_pending() {
            FACE_SETTLE_POLL
        } else {
            FACE_POLL_INTERVAL
        };
        match rx.recv_timeout(wait) {
            Ok(()) => {
                // Events come in bursts (create, write, close, rename): take a
                // breath and drain them.
                std::thread::sleep(Duration::from_millis(10));
                while rx.try_recv().is_ok() {}
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
}

fn start_notify(face: &Path, tx: mpsc::Sender<()>) -> Option<notify::RecommendedWatcher> {
    let handler = move |res: notify::Result<notify::Event>| {
        if res.is_ok() {
            let _ = tx.send(());
        }
    };
    let mut w = match notify::recommended_watcher(handler) {
        Ok(w) => w,
        Err(e) => {
            tracing::info!("OQS face: no file events ({e}); polling only");
            return None;
        }
    };
    match w.watch(face, RecursiveMode::NonRecursive) {
        Ok(()) => Some(w),
        Err(e) => {
            tracing::info!(
                "OQS face: no file events for {} ({e}); polling only",
                face.display()
            );
            None
        }
    }
}
