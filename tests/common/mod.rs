//! Shared by the workspace-level tests: the real binaries and the real
//! training service, on loopback only.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The `madoguchi` binary under test.
pub fn madoguchi_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_madoguchi"))
}

/// The `madoguchi-training` binary, built beside `madoguchi` (same target dir).
pub fn training_bin() -> PathBuf {
    let p = madoguchi_bin().with_file_name(format!("madoguchi-training{}", std::env::consts::EXE_SUFFIX));
    assert!(p.exists(), "{} is missing: build the workspace first (cargo xtask test does)", p.display());
    p
}

/// A person from `madoguchi-training list --sample N --json` (only the fields
/// the tests read).
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Sample {
    pub insurer_number: String,
    pub symbol: String,
    pub number: String,
    pub branch: String,
    pub birth_date: String,
    pub name: String,
    pub name_kana: String,
    pub expected_validity: String,
    pub copay_percent: Option<u8>,
    pub insurer_name: String,
}

impl Sample {
    /// The card as staff type it at the desk.
    pub fn card_input(&self) -> madoguchi_core::validation::CardInput {
        madoguchi_core::validation::CardInput {
            insurer_number: self.insurer_number.clone(),
            symbol: self.symbol.clone(),
            number: self.number.clone(),
            branch: self.branch.clone(),
            birth_date: self.birth_date.clone(),
        }
    }
}

/// An appointment list (予約一覧 CSV) of `people` on `date`, every five
/// minutes from 9:00, as the desk imports it.
pub fn appointment_csv(people: &[Sample], date: chrono::NaiveDate) -> String {
    let mut csv = String::from("予約日時,患者番号,氏名,カナ氏名,生年月日,保険者番号,記号,番号,枝番\r\n");
    for (i, p) in people.iter().enumerate() {
        csv.push_str(&format!(
            "{date} 9:{:02},P{:04},{},{},{},{},{},{},{}\r\n",
            i * 5,
            i + 1,
            p.name,
            p.name_kana,
            p.birth_date,
            p.insurer_number,
            p.symbol,
            p.number,
            p.branch
        ));
    }
    csv
}

/// Runs `madoguchi-training list` against a population file, as a person would.
pub fn sample_people(db: &Path, people: u64, seed: u64, n: usize) -> Vec<Sample> {
    list_people(db, people, seed, &["--sample", &n.to_string()])
}

/// People of a particular case of the population (`madoguchi-training list
/// --json` with a filter: `--medical-aid`, `--notice`, `--consent 3`).
pub fn special_people(db: &Path, people: u64, seed: u64, filter: &[&str]) -> Vec<Sample> {
    list_people(db, people, seed, filter)
}

/// `madoguchi-training list --json` with `args`, one person a line.
fn list_people(db: &Path, people: u64, seed: u64, args: &[&str]) -> Vec<Sample> {
    let out = Command::new(training_bin())
        .args(["list", "--json", "--people", &people.to_string(), "--seed", &seed.to_string()])
        .args(args)
        .arg("--db")
        .arg(db)
        .output()
        .expect("madoguchi-training runs");
    assert!(out.status.success(), "list {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// The same insurer number with its check digit changed: what a typo looks like.
pub fn mistype_check_digit(insurer: &str) -> String {
    let mut digits: Vec<char> = insurer.chars().collect();
    let last = digits.last_mut().unwrap();
    *last = char::from_digit((last.to_digit(10).unwrap() + 3) % 10, 10).unwrap();
    digits.into_iter().collect()
}

/// `madoguchi-training serve` as a child process on a free loopback port
/// (it binds port 0 and says which), behind a [`Front`] whose address never
/// changes hands while the test runs: `url` is the front's. Killed on drop.
pub struct TrainingService {
    child: std::process::Child,
    pub url: String,
    pub db: PathBuf,
    pub people: u64,
    pub seed: u64,
    front: Front,
    _dir: tempfile::TempDir,
}

impl TrainingService {
    pub fn start(people: u64, seed: u64) -> TrainingService {
        Self::start_in(tempfile::tempdir().unwrap(), Front::open(), people, seed)
    }

    /// The service goes away: its process is killed and its address stops
    /// answering (every connection is closed at once), but the address stays
    /// held by the test, so no other service can take it meanwhile. The
    /// population file is kept, so that a test can change a person there and
    /// [`StoppedService::resume`] behind the same address.
    pub fn stop(mut self) -> StoppedService {
        self.front.go_away();
        let _ = self.child.kill();
        let _ = self.child.wait();
        let dir = std::mem::replace(&mut self._dir, tempfile::tempdir().unwrap());
        let front = std::mem::replace(&mut self.front, Front::closed());
        StoppedService { db: self.db.clone(), people: self.people, seed: self.seed, front, dir }
    }

    fn start_in(dir: tempfile::TempDir, front: Front, people: u64, seed: u64) -> TrainingService {
        use std::io::BufRead;
        let db = dir.path().join("population.sqlite");
        let mut child = Command::new(training_bin())
            .args(["serve", "--port", "0", "--people", &people.to_string(), "--seed", &seed.to_string(), "--db"])
            .arg(&db)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::inherit())
            .spawn()
            .expect("madoguchi-training starts");
        let stdout = child.stdout.take().unwrap();
        let mut first = String::new();
        std::io::BufReader::new(stdout).read_line(&mut first).unwrap();
        let own = first
            .trim()
            .strip_prefix("listening on http://")
            .unwrap_or_else(|| panic!("unexpected first line: {first:?}"))
            .to_string();
        let own: std::net::SocketAddr = own.parse().unwrap_or_else(|e| panic!("{e}: {first:?}"));
        assert!(own.ip().is_loopback(), "{own}");
        front.forward_to(own);
        TrainingService { child, url: front.url(), db, people, seed, front, _dir: dir }
    }

    /// People from the served population (`list` reuses the same file).
    pub fn sample(&self, n: usize) -> Vec<Sample> {
        sample_people(&self.db, self.people, self.seed, n)
    }
}

/// A training service that was stopped; its population file and its address
/// are kept.
pub struct StoppedService {
    pub db: PathBuf,
    pub people: u64,
    pub seed: u64,
    front: Front,
    dir: tempfile::TempDir,
}

impl StoppedService {
    /// Starts the service again behind the same address with the same
    /// (possibly changed) population file.
    pub fn resume(self) -> TrainingService {
        TrainingService::start_in(self.dir, self.front, self.people, self.seed)
    }

    /// Starts another population behind the same address.
    pub fn resume_with(self, people: u64, seed: u64) -> TrainingService {
        TrainingService::start_in(tempfile::tempdir().unwrap(), self.front, people, seed)
    }
}

impl Drop for TrainingService {
    fn drop(&mut self) {
        self.front.go_away();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A loopback address the test process holds for as long as it wants it,
/// in front of a service: it forwards every connection to the service, or,
/// while the service is away, keeps listening and closes each connection at
/// once (a client sees the service unreachable, at once, not after a
/// timeout). A service restarted on "the same port" could find that port
/// taken by another test's service meanwhile; this address is never free.
///
/// Hand-written (a small copy loop per connection) because no crate in the
/// tree does "forward or refuse, switchable"; the tests need only loopback.
pub struct Front {
    addr: Option<std::net::SocketAddr>,
    shared: std::sync::Arc<FrontShared>,
}

#[derive(Default)]
struct FrontShared {
    backend: std::sync::Mutex<Option<std::net::SocketAddr>>,
    open: std::sync::Mutex<Vec<std::net::TcpStream>>,
    closing: std::sync::atomic::AtomicBool,
}

impl Front {
    pub fn open() -> Front {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let shared = std::sync::Arc::new(FrontShared::default());
        let accepting = std::sync::Arc::clone(&shared);
        std::thread::Builder::new()
            .name(format!("front-{}", addr.port()))
            .spawn(move || {
                for client in listener.incoming() {
                    if accepting.closing.load(std::sync::atomic::Ordering::SeqCst) {
                        return;
                    }
                    let Ok(client) = client else { continue };
                    let backend = *accepting.backend.lock().unwrap();
                    // Away: the connection is dropped (closed) unanswered.
                    let Some(backend) = backend else { continue };
                    let Ok(server) = std::net::TcpStream::connect(backend) else { continue };
                    let mut open = accepting.open.lock().unwrap();
                    open.retain(|s| s.peer_addr().is_ok());
                    open.push(client.try_clone().unwrap());
                    open.push(server.try_clone().unwrap());
                    drop(open);
                    pipe(client.try_clone().unwrap(), server.try_clone().unwrap());
                    pipe(server, client);
                }
            })
            .unwrap();
        Front { addr: Some(addr), shared }
    }

    /// A front that holds nothing (what a stopped service leaves behind).
    fn closed() -> Front {
        Front { addr: None, shared: Default::default() }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr.expect("an open front"))
    }

    fn forward_to(&self, backend: std::net::SocketAddr) {
        *self.shared.backend.lock().unwrap() = Some(backend);
    }

    /// Stops answering: new connections are closed at once, open ones cut.
    fn go_away(&self) {
        *self.shared.backend.lock().unwrap() = None;
        for s in self.shared.open.lock().unwrap().drain(..) {
            let _ = s.shutdown(std::net::Shutdown::Both);
        }
    }
}

impl Drop for Front {
    fn drop(&mut self) {
        let Some(addr) = self.addr else { return };
        self.go_away();
        self.shared.closing.store(true, std::sync::atomic::Ordering::SeqCst);
        // Wakes the accepting thread so it sees `closing` and ends.
        let _ = std::net::TcpStream::connect(addr);
    }
}

fn pipe(mut from: std::net::TcpStream, mut to: std::net::TcpStream) {
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut from, &mut to);
        let _ = to.shutdown(std::net::Shutdown::Write);
    });
}

/// A loopback port that refuses every connection, held by this test process
/// for as long as the value lives: no listener is on it, and nobody else can
/// bind it (it is the local end of a connection the value keeps open). Not
/// "bind, note the port, close": another test could get that port meanwhile.
/// (std has no bind-without-listen; a connected socket holds its port as well.)
pub struct RefusedPort {
    port: u16,
    _ends: (std::net::TcpStream, std::net::TcpStream),
    _listener: std::net::TcpListener,
}

impl RefusedPort {
    pub fn hold() -> RefusedPort {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let ours = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (theirs, _) = listener.accept().unwrap();
        let port = ours.local_addr().unwrap().port();
        let held = RefusedPort { port, _ends: (ours, theirs), _listener: listener };
        assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err(), "port {port} refuses connections");
        held
    }
    pub fn port(&self) -> u16 {
        self.port
    }
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

/// The address of a clinic's service that refuses every connection, held
/// for the whole test process (unlike loopback's port 9, which something on
/// the machine may serve).
pub fn refused_url() -> String {
    static HELD: std::sync::OnceLock<RefusedPort> = std::sync::OnceLock::new();
    HELD.get_or_init(RefusedPort::hold).url()
}

/// A data folder for one test: a temporary directory whose database key
/// (one keyring entry per data folder, see `madoguchi_app::storage`) leaves
/// the keyring with it.
pub struct DataDir(tempfile::TempDir);

impl DataDir {
    pub fn path(&self) -> &Path {
        self.0.path()
    }
}

impl AsRef<Path> for DataDir {
    fn as_ref(&self) -> &Path {
        self.0.path()
    }
}

impl Drop for DataDir {
    fn drop(&mut self) {
        madoguchi_app::storage::forget_key(self.0.path());
    }
}

pub fn data_dir() -> DataDir {
    DataDir(tempfile::tempdir().unwrap())
}

/// The desk's database in `data` as it is on disk, opened with the folder's
/// key from the keyring (the file itself is encrypted).
pub fn desk_db(data: &Path) -> rusqlite::Connection {
    let settings = madoguchi_app::settings::Settings { data_dir: data.to_path_buf(), ..Default::default() };
    let keys = madoguchi_app::storage::key_store(&settings).expect("the keyring");
    madoguchi_adapters::store::raw_connection(&settings.database_path(), &keys).expect("the desk's database opens with its key")
}

/// Drops every trigger of a database, as someone editing it by hand would
/// (the audit log's append-only triggers are a guard against mistakes, not
/// against an attacker).
pub fn drop_triggers(conn: &rusqlite::Connection) {
    let triggers: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for t in triggers {
        conn.execute_batch(&format!("DROP TRIGGER \"{t}\"")).unwrap();
    }
}

/// A desk outside training mode: its service is [`refused_url`], a port
/// that refuses every connection. Its settings are saved in its own folder.
pub fn real_desk(data: &Path) -> std::sync::Arc<madoguchi_app::desk::Desk> {
    let settings = madoguchi_app::settings::Settings {
        data_dir: data.to_path_buf(),
        service_url: Some(refused_url()),
        facility_code: "1312345678".into(),
        timeout_secs: 1,
        file: Some(data.join("settings.json")),
        ..Default::default()
    };
    let desk = madoguchi_app::desk::Desk::open(settings).unwrap();
    desk.connect();
    assert!(!desk.context().status().training);
    desk
}

/// What a desk reports of card taps (its `on_card_tap`, the window's event),
/// in order: a test waits for the event, not for a list to grow, and never
/// sleeps to see that "nothing more" came.
pub struct Taps(std::sync::mpsc::Receiver<Result<madoguchi_app::desk::CheckOutcome, madoguchi_core::message::ApiError>>);

impl Taps {
    /// Listens to `desk`'s card taps (replaces any other listener).
    pub fn of(desk: &madoguchi_app::desk::Desk) -> Taps {
        let (tx, rx) = std::sync::mpsc::channel();
        let tx = std::sync::Mutex::new(tx);
        desk.taps.on_card_tap(move |o| {
            let _ = tx.lock().unwrap().send(o);
        });
        Taps(rx)
    }

    /// The next tap the desk took (within 10 s), or what it said of it.
    pub fn next_event(&self) -> Result<madoguchi_app::desk::CheckOutcome, madoguchi_core::message::ApiError> {
        self.0.recv_timeout(std::time::Duration::from_secs(10)).expect("the tap reached the desk within 10 s")
    }

    /// The next tap, recorded: its outcome (with the check's id).
    pub fn next(&self) -> madoguchi_app::desk::CheckOutcome {
        let o = self.next_event().expect("the tap was read");
        assert!(o.check_id.is_some(), "the tap was recorded: {o:?}");
        o
    }

    /// The events that came so far and were not taken (without waiting).
    pub fn pending(&self) -> Vec<Result<madoguchi_app::desk::CheckOutcome, madoguchi_core::message::ApiError>> {
        self.0.try_iter().collect()
    }
}
