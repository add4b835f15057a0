//! Card taps: the 連携アプリ writes a result file into `<root>/face/` each
//! time a patient taps a マイナ保険証 on the face-recognition card reader
//! (`OQSsiquc01res_face_<institution code><id>_<yyyyMMddHHmmss>.xml`).
//! [`FaceWatcher`] picks them up as they come; [`ingest_pending`] /
//! [`FaceIngest`] take what is there now (for `madoguchi oqs ingest`).
//!
//! # Sharing the folder with other software
//!
//! The desk is not the only reader of `face/`: the clinic's レセコン reads
//! the same files and moves them into a trash folder of its own
//! (OQS-INTERFACE.md, "Face files"). So, by default ([`FaceOptions`]):
//!
//! - a face file is **never moved or deleted**: the desk takes a copy of its
//!   content and leaves the file where it is. [`FaceOptions::move_to`] moves
//!   each taken file (unreadable ones under `failed/`) into a folder the desk
//!   owns, for sites where nothing else reads them;
//! - it is opened for reading only, sharing read, write and delete with
//!   others (Windows: the share mode; Unix has no mandatory locks), so the
//!   other program can move it while the desk reads;
//! - it is taken only when complete, by the rule of
//!   [`super::folder::read_stable`] (same size and modification time at two
//!   looks, before and after reading);
//! - the files already taken are remembered by name
//!   ([`FaceOptions::taken_file`], kept across restarts, at most
//!   [`FACE_TAKEN_LIMIT`] names: the oldest names of files no longer in any
//!   watched folder are forgotten first), so a file is reported once, whether
//!   it stays in `face/`, is moved to the other program's folder, or the desk
//!   restarts;
//! - [`FaceOptions::extra_dirs`]: other folders are looked at too (where the
//!   other program moves the files), so a tap moved away before the desk saw
//!   it is still taken.
//!
//! Each file is parsed and reported as a [`FaceEvent`]. Files already there
//! when watching starts are taken too (unless remembered as taken).
//!
//! Watching uses file-system events (`notify`) **and** a poll of the folders
//! every [`FACE_POLL_INTERVAL`], because network shares often deliver no
//! events. While a file is waiting to become stable the folders are looked at
//! every [`FACE_SETTLE_POLL`], so a tap is reported well within a second.
//! If `face/` is missing (share not connected) the watcher keeps trying.

use std::collections::{HashMap, HashSet, VecDeque};
use std::fs;
use std::io::{Read, Write};
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
/// The folder under the OQS root where other software (the レセコン) moves
/// face files once it has read them (MynaReception spec §10: `OqsRoot/trash`).
pub const TRASH_DIR: &str = "trash";
/// At most this many names of taken files are remembered.
pub const FACE_TAKEN_LIMIT: usize = 10_000;

/// What a card tap produced.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)] // one per tap
pub enum FaceEvent {
    /// A result (source [`ResultSource::CardReader`]) and the file's name.
    Result(EligibilityResult, String),
    /// A file that could not be read (left where it is, or moved to
    /// `<move_to>/failed/` when [`FaceOptions::move_to`] is set), or a
    /// folder that cannot be listed.
    Error(OqsError),
}

/// How the desk shares the face files with other software (see the module
/// documentation). The default leaves every file where it is and remembers
/// the taken ones in memory only.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FaceOptions {
    /// Other folders where face files may be (the other program's trash
    /// folder); missing ones are skipped quietly.
    pub extra_dirs: Vec<PathBuf>,
    /// Move each taken file into this folder (unreadable ones into its
    /// `failed/`), a folder the desk owns. `None`: never move or delete.
    pub move_to: Option<PathBuf>,
    /// The file the names of taken files are kept in (one name a line), so a
    /// restart does not report them again. `None`: in memory only.
    pub taken_file: Option<PathBuf>,
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

/// The names of the face files already taken (or reported unreadable),
/// oldest first, kept in [`FaceOptions::taken_file`] when there is one.
#[derive(Debug, Default)]
struct Taken {
    order: VecDeque<String>,
    set: HashSet<String>,
    file: Option<PathBuf>,
}

fn taken_key(name: &str) -> String {
    name.to_ascii_lowercase()
}

impl Taken {
    fn open(file: Option<PathBuf>) -> Taken {
        let mut taken = Taken { file, ..Taken::default() };
        let Some(path) = &taken.file else { return taken };
        // Bounded: FACE_TAKEN_LIMIT names of ~60 bytes, with room to spare.
        let text = match fs::File::open(path) {
            Ok(f) => {
                let mut s = String::new();
                if let Err(e) = f.take(16 * 1024 * 1024).read_to_string(&mut s) {
                    tracing::warn!("OQS face: cannot read {}: {e}", path.display());
                }
                s
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => {
                tracing::warn!("OQS face: cannot read {}: {e}", path.display());
                String::new()
            }
        };
        for line in text.lines().map(str::trim).filter(|l| is_face_file_name(l)) {
            let key = taken_key(line);
            if taken.set.insert(key.clone()) {
                taken.order.push_back(key);
            }
        }
        // Trimmed to FACE_TAKEN_LIMIT at the first look ([`Taken::bound`]),
        // when it is known which of them are still in a watched folder.
        taken
    }

    fn contains(&self, name: &str) -> bool {
        self.set.contains(&taken_key(name))
    }

    fn insert(&mut self, name: &str) {
        let key = taken_key(name);
        if !self.set.insert(key.clone()) {
            return;
        }
        self.order.push_back(key.clone());
        if let Some(path) = &self.file {
            let appended = fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .and_then(|mut f| {
                    f.write_all(format!("{key}\n").as_bytes())?;
                    f.sync_data()
                });
            if let Err(e) = appended {
                tracing::warn!("OQS face: cannot remember {key} in {}: {e}", path.display());
            }
        }
    }

    /// Keeps at most [`FACE_TAKEN_LIMIT`] names: the names of files still in
    /// a watched folder (`present`, lower case) are kept first, then the
    /// newest. The file is rewritten (whole, then renamed) when names go.
    fn bound(&mut self, present: &HashSet<String>) {
        if self.order.len() <= FACE_TAKEN_LIMIT {
            return;
        }
        let mut room = FACE_TAKEN_LIMIT.saturating_sub(
            self.order.iter().filter(|k| present.contains(*k)).count(),
        );
        let mut kept: VecDeque<String> = VecDeque::with_capacity(FACE_TAKEN_LIMIT);
        for key in self.order.drain(..).rev() {
            if present.contains(&key) {
                kept.push_front(key);
            } else if room > 0 {
                room -= 1;
                kept.push_front(key);
            }
        }
        self.order = kept;
        self.set = self.order.iter().cloned().collect();
        if let Some(path) = &self.file {
            let tmp = path.with_extension("tmp");
            let mut text = String::with_capacity(self.order.len() * 64);
            for k in &self.order {
                text.push_str(k);
                text.push('\n');
            }
            let written = fs::write(&tmp, text).and_then(|_| fs::rename(&tmp, path));
            if let Err(e) = written {
                tracing::warn!("OQS face: cannot rewrite {}: {e}", path.display());
            }
        }
    }
}

/// The state of the watched folders between looks.
#[derive(Debug)]
struct FaceTracker {
    layout: OqsFolderLayout,
    options: FaceOptions,
    pending: HashMap<PathBuf, Pending>,
    taken: Taken,
    /// The last error of each folder (reported again only when it changes).
    folder_errors: HashMap<PathBuf, String>,
}

impl FaceTracker {
    fn new(layout: OqsFolderLayout, options: FaceOptions) -> FaceTracker {
        let taken = Taken::open(options.taken_file.clone());
        FaceTracker {
            layout,
            options,
            pending: HashMap::new(),
            taken,
            folder_errors: HashMap::new(),
        }
    }

    fn has_pending(&self) -> bool {
        !self.pending.is_empty()
    }

    /// The face files of one folder (sorted), and the entries named like a
    /// face file that are not regular files. `None` when it cannot be listed
    /// (reported for `face/`, logged for the extra folders).
    fn list(
        &mut self,
        dir: &Path,
        report: bool,
        events: &mut Vec<FaceEvent>,
    ) -> Option<(Vec<String>, Vec<(String, std::io::Error)>)> {
        let entries = match fs::read_dir(dir) {
            Ok(e) => {
                self.folder_errors.remove(dir);
                e
            }
            Err(e) => {
                let detail = e.to_string();
                if self.folder_errors.get(dir) != Some(&detail) {
                    self.folder_errors.insert(dir.to_path_buf(), detail.clone());
                    if report {
                        events.push(FaceEvent::Error(OqsError::new(
                            dir.display().to_string(),
                            OqsProblem::Io { detail },
                        )));
                    } else {
                        tracing::info!("OQS face: cannot look in {}: {detail}", dir.display());
                    }
                }
                return None;
            }
        };
        let mut names: Vec<String> = Vec::new();
        // Named pipes, devices, sockets, folders named like a card tap: never
        // read (a pipe would block the watcher).
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
        Some((names, not_regular))
    }

    /// One look at `face/` and the extra folders. `final_pass`: report files
    /// still unreadable now.
    fn pass(&mut self, final_pass: bool) -> Vec<FaceEvent> {
        let mut events = Vec::new();
        let mut dirs = vec![(self.layout.face(), true)];
        dirs.extend(self.options.extra_dirs.iter().map(|d| (d.clone(), false)));
        let mut present: HashSet<String> = HashSet::new();
        let mut seen_paths: HashSet<PathBuf> = HashSet::new();
        let mut work: Vec<(PathBuf, String)> = Vec::new();
        for (dir, report) in dirs {
            let Some((names, not_regular)) = self.list(&dir, report, &mut events) else {
                continue;
            };
            for (name, io) in not_regular {
                present.insert(taken_key(&name));
                if !self.taken.contains(&name) {
                    self.taken.insert(&name);
                    tracing::warn!(file = %name, "OQS face: {io}");
                    events.push(FaceEvent::Error(OqsError::new(name, OqsProblem::from_io(&io))));
                }
            }
            for name in names {
                present.insert(taken_key(&name));
                let path = dir.join(&name);
                seen_paths.insert(path.clone());
                work.push((path, name));
            }
        }
        self.pending.retain(|p, _| seen_paths.contains(p));
        for (path, name) in work {
            if self.taken.contains(&name) {
                self.pending.remove(&path);
                continue;
            }
            self.look(&path, &name, &mut events);
        }
        if final_pass {
            for (path, p) in self.pending.drain() {
                if let Some(e) = p.problem {
                    events.push(FaceEvent::Error(e));
                } else {
                    tracing::info!(file = %path.display(), "OQS face: still being written; left for later");
                }
            }
        }
        self.taken.bound(&present);
        events
    }

    /// One look at one file.
    fn look(&mut self, path: &Path, name: &str, events: &mut Vec<FaceEvent>) {
        let previous = self.pending.get(path).and_then(|p| p.stamp);
        let read = read_stable(path, previous);
        let entry = self.pending.entry(path.to_path_buf()).or_insert(Pending {
            stamp: None,
            since: Instant::now(),
            problem: None,
        });
        let mut give_up: Option<OqsError> = None;
        match read {
            Ok(StableRead::Missing) => {
                // Moved away (by the other program) or deleted: looked for
                // again where it went, if that folder is watched.
                self.pending.remove(path);
            }
            Ok(StableRead::Changed(s)) => {
                entry.stamp = Some(s);
                entry.since = Instant::now();
                entry.problem = None;
            }
            Ok(StableRead::Complete(bytes)) => match parse_named(name, &bytes) {
                Ok(OqsDocument::Eligibility(mut result)) => {
                    result.source = ResultSource::CardReader;
                    super::stamp_received(&mut result, chrono::Local::now().naive_local());
                    self.pending.remove(path);
                    self.taken.insert(name);
                    self.move_taken(path, false);
                    events.push(FaceEvent::Result(result, name.to_string()));
                }
                Ok(other) => {
                    give_up = Some(OqsError::new(
                        name,
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
                let e = OqsError::new(name, OqsProblem::Io { detail: io.to_string() });
                if entry.since.elapsed() >= FACE_GIVE_UP {
                    self.pending.remove(path);
                    self.taken.insert(name);
                    events.push(FaceEvent::Error(e));
                } else {
                    entry.problem = Some(e);
                }
            }
        }
        if let Some(e) = give_up {
            self.pending.remove(path);
            self.taken.insert(name);
            self.move_taken(path, true);
            tracing::warn!("OQS face: unreadable card-tap file: {e}");
            events.push(FaceEvent::Error(e));
        }
    }

    /// Into [`FaceOptions::move_to`] (its `failed/` for an unreadable file),
    /// when configured; otherwise the file stays where it is.
    fn move_taken(&self, path: &Path, failed: bool) {
        let Some(dest) = &self.options.move_to else { return };
        let own = OqsFolderLayout::new(self.layout.root()).with_archive(dest);
        if let Err(e) = own.archive_file(path, failed) {
            tracing::warn!(file = %path.display(), "OQS face: cannot move into {}: {e}", dest.display());
        }
    }
}

/// Takes the complete card-tap files in `<root>/face/` now, without a thread,
/// leaving them where they are (see [`FaceIngest`]). A missing folder gives
/// one [`FaceEvent::Error`].
pub fn ingest_pending(root: impl AsRef<Path>) -> Vec<FaceEvent> {
    FaceIngest::new(OqsFolderLayout::new(root.as_ref()), FaceOptions::default()).take()
}

/// [`ingest_pending`] for a layout, with options.
pub fn ingest_pending_with(layout: &OqsFolderLayout, options: &FaceOptions) -> Vec<FaceEvent> {
    FaceIngest::new(layout.clone(), options.clone()).take()
}

/// Takes face files on demand, remembering what it took between calls (and,
/// with [`FaceOptions::taken_file`], across restarts).
#[derive(Debug)]
pub struct FaceIngest {
    tracker: FaceTracker,
}

impl FaceIngest {
    pub fn new(layout: OqsFolderLayout, options: FaceOptions) -> FaceIngest {
        FaceIngest { tracker: FaceTracker::new(layout, options) }
    }

    /// Looks at the folders several times over at most ~2 s (a file must be
    /// seen unchanged twice). Files still being written are left for later;
    /// unreadable ones are reported.
    pub fn take(&mut self) -> Vec<FaceEvent> {
        let layout = self.tracker.layout.clone();
        if let Err(e) = layout.prepare() {
            return vec![FaceEvent::Error(OqsError::new(
                layout.face().display().to_string(),
                OqsProblem::Io {
                    detail: e.to_string(),
                },
            ))];
        }
        let tracker = &mut self.tracker;
        let mut events = tracker.pass(false);
        let started = Instant::now();
        let budget = FACE_SETTLE + Duration::from_millis(500);
        while tracker.has_pending() && started.elapsed() < budget {
            std::thread::sleep(FACE_SETTLE_POLL);
            events.extend(tracker.pass(false));
        }
        events.extend(tracker.pass(true));
        events
    }
}

/// Watches `<root>/face/` (and the extra folders) on a thread of its own
/// until dropped (or [`FaceWatcher::stop`]).
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
    /// Starts watching `<root>/face/` with the default [`FaceOptions`]
    /// (nothing moved, taken files remembered in memory). `on_result` is
    /// called on the watcher's thread, once per file; a panic in it is
    /// caught and logged. Never fails: a missing folder is reported once as
    /// [`FaceEvent::Error`] and retried.
    pub fn start(
        root: impl Into<PathBuf>,
        on_result: impl Fn(FaceEvent) + Send + 'static,
    ) -> FaceWatcher {
        Self::start_with(OqsFolderLayout::new(root.into()), FaceOptions::default(), on_result)
    }

    /// [`FaceWatcher::start`] with options.
    pub fn start_with(
        layout: OqsFolderLayout,
        options: FaceOptions,
        on_result: impl Fn(FaceEvent) + Send + 'static,
    ) -> FaceWatcher {
        let stop = Arc::new(AtomicBool::new(false));
        let (wake, rx) = mpsc::channel::<()>();
        let notify_tx = wake.clone();
        let stop_flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name("oqs-face-watcher".into())
            .spawn(move || run(FaceTracker::new(layout, options), on_result, stop_flag, rx, notify_tx))
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
    mut tracker: FaceTracker,
    on_result: impl Fn(FaceEvent),
    stop: Arc<AtomicBool>,
    rx: mpsc::Receiver<()>,
    notify_tx: mpsc::Sender<()>,
) {
    let mut watchers: Vec<notify::RecommendedWatcher> = Vec::new();
    let mut last_attempt: Option<Instant> = None;
    while !stop.load(Ordering::SeqCst) {
        if watchers.is_empty() && last_attempt.is_none_or(|t| t.elapsed() >= Duration::from_secs(2)) {
            last_attempt = Some(Instant::now());
            if tracker.layout.prepare().is_ok() {
                let mut dirs = vec![tracker.layout.face()];
                dirs.extend(tracker.options.extra_dirs.iter().filter(|d| d.is_dir()).cloned());
                watchers = dirs
                    .iter()
                    .filter_map(|d| start_notify(d, notify_tx.clone()))
                    .collect();
            }
        }
        for event in tracker.pass(false) {
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
