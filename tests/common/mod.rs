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

/// Runs `madoguchi-training list` against a population file, as a person would.
pub fn sample_people(db: &Path, people: u64, seed: u64, n: usize) -> Vec<Sample> {
    let out = Command::new(training_bin())
        .args(["list", "--sample", &n.to_string(), "--json", "--people", &people.to_string(), "--seed", &seed.to_string(), "--db"])
        .arg(db)
        .output()
        .expect("madoguchi-training runs");
    assert!(out.status.success(), "list failed: {}", String::from_utf8_lossy(&out.stderr));
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

/// `madoguchi-training serve` as a child process on a free loopback port;
/// killed on drop.
pub struct TrainingService {
    child: std::process::Child,
    pub url: String,
    pub db: PathBuf,
    pub people: u64,
    pub seed: u64,
    _dir: tempfile::TempDir,
}

impl TrainingService {
    pub fn start(people: u64, seed: u64) -> TrainingService {
        Self::start_on(0, people, seed)
    }

    /// On a given port (0 = any free one), e.g. to bring a service back where it was.
    pub fn start_on(port: u16, people: u64, seed: u64) -> TrainingService {
        Self::start_in(tempfile::tempdir().unwrap(), port, people, seed)
    }

    /// Stops the service and keeps its population file, so that a test can
    /// change a person there and [`StoppedService::resume`] on the same port.
    pub fn stop(mut self) -> StoppedService {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let port = self.port();
        let dir = std::mem::replace(&mut self._dir, tempfile::tempdir().unwrap());
        StoppedService { db: self.db.clone(), port, people: self.people, seed: self.seed, dir }
    }

    fn start_in(dir: tempfile::TempDir, port: u16, people: u64, seed: u64) -> TrainingService {
        use std::io::BufRead;
        let db = dir.path().join("population.sqlite");
        let mut child = Command::new(training_bin())
            .args(["serve", "--port", &port.to_string(), "--people", &people.to_string(), "--seed", &seed.to_string(), "--db"])
            .arg(&db)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::inherit())
            .spawn()
            .expect("madoguchi-training starts");
        let stdout = child.stdout.take().unwrap();
        let mut first = String::new();
        std::io::BufReader::new(stdout).read_line(&mut first).unwrap();
        let url = first
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line: {first:?}"))
            .to_string();
        assert!(url.starts_with("http://127.0.0.1:"), "{url}");
        TrainingService { child, url, db, people, seed, _dir: dir }
    }

    /// People from the served population (`list` reuses the same file).
    pub fn sample(&self, n: usize) -> Vec<Sample> {
        sample_people(&self.db, self.people, self.seed, n)
    }
}

impl TrainingService {
    pub fn port(&self) -> u16 {
        self.url.rsplit(':').next().unwrap().parse().unwrap()
    }
}

/// A training service that was stopped; its population file is kept.
pub struct StoppedService {
    pub db: PathBuf,
    pub port: u16,
    pub people: u64,
    pub seed: u64,
    dir: tempfile::TempDir,
}

impl StoppedService {
    /// Starts the service again on the same port with the same (possibly
    /// changed) population file.
    pub fn resume(self) -> TrainingService {
        TrainingService::start_in(self.dir, self.port, self.people, self.seed)
    }
}

impl Drop for TrainingService {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
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

/// A desk outside training mode: its service is loopback's discard port,
/// where nothing listens. Its settings are saved in its own folder.
pub fn real_desk(data: &Path) -> std::sync::Arc<madoguchi_app::desk::Desk> {
    let settings = madoguchi_app::settings::Settings {
        data_dir: data.to_path_buf(),
        service_url: Some("http://127.0.0.1:9".into()),
        facility_code: "1312345678".into(),
        timeout_secs: 1,
        file: Some(data.join("settings.json")),
        ..Default::default()
    };
    let desk = madoguchi_app::desk::Desk::open(settings).unwrap();
    desk.connect();
    assert!(!desk.status().training);
    desk
}
