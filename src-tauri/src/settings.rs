//! Where the desk keeps its data and which service it talks to.
//!
//! Read from `<config dir>/madoguchi/settings.json` when present; each field
//! can be overridden by an environment variable (used by tests and scripted
//! installs). No file and no variables → training mode with the embedded
//! training service, so a newcomer sees the desk work at once.

use std::path::{Path, PathBuf};
use std::time::Duration;

use madoguchi_i18n::Lang;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// The eligibility service; `None` = start the embedded training service.
    pub service_url: Option<String>,
    /// Seconds a check may take before staff are told.
    pub timeout_secs: u64,
    /// The OQS folder of the qualification terminal (its `OQS` share
    /// mounted here); when set, checks go through it instead of HTTP.
    pub oqs_dir: Option<PathBuf>,
    /// Seconds to wait for the terminal's answer in the OQS folder.
    pub oqs_timeout_secs: u64,
    /// 一括照会 through the OQS folder: seconds between asks for results the
    /// terminal said were 処理中.
    pub oqs_batch_poll_secs: u64,
    /// 一括照会: seconds to go on asking while the terminal says 処理中; then
    /// the run stops saying so, and the next run asks again (0: ask once).
    pub oqs_batch_wait_secs: u64,
    /// 医療機関コード (10 digits), written into every OQS request.
    pub facility_code: String,
    /// Who is at the desk (until staff accounts exist: a desk name).
    pub staff: String,
    pub lang: Lang,
    /// Size and seed of the embedded training population.
    pub training_people: u64,
    pub training_seed: u64,
    /// Days cached medical information (薬剤情報, 特定健診) is kept after it
    /// was fetched; purged at start-up and daily ([`crate::retention`]).
    pub medical_retention_days: u32,
    /// Seconds the qualification terminal's clock may run ahead of this
    /// PC's: a card-reader consent that starts up to this far "in the
    /// future" counts as given now (logged with the difference); beyond it
    /// the refusal names both clocks. `madoguchi_core::consent`, "Two clocks".
    pub consent_clock_tolerance_secs: u32,
    /// Other folders where face files may be found: where other software
    /// (the レセコン) moves them. `<oqs_dir>/trash` is always looked at.
    pub face_extra_dirs: Vec<PathBuf>,
    /// Move each face file the desk took into this folder (one the desk
    /// owns). `None` (default): never move or delete a face file, as other
    /// software reads them too.
    pub face_move_to: Option<PathBuf>,
    /// Where the local database and the training population live.
    #[serde(skip)]
    pub data_dir: PathBuf,
    /// The file these settings are saved to; `None` = [`Settings::settings_file`].
    #[serde(skip)]
    pub file: Option<PathBuf>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            service_url: None,
            timeout_secs: 10,
            oqs_dir: None,
            oqs_timeout_secs: 30,
            oqs_batch_poll_secs: madoguchi_adapters::oqs::folder::DEFAULT_BATCH_POLL.as_secs(),
            oqs_batch_wait_secs: madoguchi_adapters::oqs::folder::DEFAULT_BATCH_WAIT.as_secs(),
            facility_code: "0000000000".into(),
            staff: "desk".into(),
            lang: Lang::Ja,
            training_people: 10_000,
            training_seed: 1,
            medical_retention_days: 30,
            consent_clock_tolerance_secs: madoguchi_core::consent::DEFAULT_CLOCK_TOLERANCE.num_seconds() as u32,
            face_extra_dirs: Vec::new(),
            face_move_to: None,
            data_dir: default_data_dir(),
            file: None,
        }
    }
}

fn default_data_dir() -> PathBuf {
    dirs::data_dir().unwrap_or_else(std::env::temp_dir).join("madoguchi")
}

/// Why the settings could not be read; the desk then refuses to start rather
/// than silently use defaults (which would switch a live desk to training).
#[derive(Debug, thiserror::Error)]
#[error("the settings file {path} cannot be read: {detail}")]
pub struct SettingsError {
    pub path: String,
    pub detail: String,
}

impl Settings {
    /// [`Settings::consent_clock_tolerance_secs`] as a duration.
    pub fn consent_clock_tolerance(&self) -> chrono::TimeDelta {
        chrono::TimeDelta::seconds(self.consent_clock_tolerance_secs.into())
    }

    pub fn settings_file() -> PathBuf {
        match std::env::var_os("MADOGUCHI_SETTINGS") {
            Some(p) => PathBuf::from(p),
            None => dirs::config_dir().unwrap_or_else(std::env::temp_dir).join("madoguchi/settings.json"),
        }
    }

    /// Settings file, then environment overrides.
    pub fn load() -> Result<Settings, SettingsError> {
        let mut s = Self::from_file(&Self::settings_file())?;
        s.apply_env();
        Ok(s)
    }

    fn from_file(path: &Path) -> Result<Settings, SettingsError> {
        match std::fs::read_to_string(path) {
            Ok(text) => serde_json::from_str::<Settings>(&text)
                .map(|s| Settings { data_dir: default_data_dir(), ..s })
                .map_err(|e| SettingsError { path: path.display().to_string(), detail: e.to_string() }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Settings::default()),
            Err(e) => Err(SettingsError { path: path.display().to_string(), detail: e.to_string() }),
        }
    }

    fn apply_env(&mut self) {
        if let Some(v) = std::env::var_os("MADOGUCHI_DATA_DIR") {
            self.data_dir = PathBuf::from(v);
        }
        if let Some(v) = std::env::var_os("MADOGUCHI_OQS_DIR") {
            self.oqs_dir = if v.is_empty() { None } else { Some(PathBuf::from(v)) };
        }
        if let Ok(v) = std::env::var("MADOGUCHI_FACILITY_CODE") {
            self.facility_code = v;
        }
        if let Ok(v) = std::env::var("MADOGUCHI_SERVICE_URL") {
            self.service_url = if v.trim().is_empty() { None } else { Some(v) };
        }
        if let Some(l) = std::env::var("MADOGUCHI_LANG").ok().as_deref().and_then(Lang::parse) {
            self.lang = l;
        }
        if let Some(n) = std::env::var("MADOGUCHI_TRAINING_PEOPLE").ok().and_then(|v| v.parse().ok()) {
            self.training_people = n;
        }
    }

    /// Writes the settings file (atomically: a temporary file, then rename).
    pub fn save(&self) -> Result<(), SettingsError> {
        let path = self.file.clone().unwrap_or_else(Self::settings_file);
        let err = |e: &dyn std::fmt::Display| SettingsError { path: path.display().to_string(), detail: e.to_string() };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| err(&e))?;
        }
        let text = serde_json::to_string_pretty(self).map_err(|e| err(&e))?;
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, text).map_err(|e| err(&e))?;
        std::fs::rename(&tmp, &path).map_err(|e| err(&e))
    }

    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout_secs.max(1))
    }
    pub fn oqs_timeout(&self) -> Duration {
        Duration::from_secs(self.oqs_timeout_secs.max(1))
    }
    pub fn oqs_batch_poll(&self) -> Duration {
        Duration::from_secs(self.oqs_batch_poll_secs.max(1))
    }
    pub fn oqs_batch_wait(&self) -> Duration {
        Duration::from_secs(self.oqs_batch_wait_secs)
    }
    /// Training mode's own OQS folder, where simulated card taps land.
    pub fn training_oqs_dir(&self) -> PathBuf {
        self.data_dir.join("training-oqs")
    }
    /// How the face files of the OQS folder `root` are shared with other
    /// software: `<root>/trash` and [`Settings::face_extra_dirs`] looked at,
    /// nothing moved unless [`Settings::face_move_to`] says so, the names of
    /// taken files kept in the data folder (one list per folder: training's
    /// own apart) so a restart shows no old tap again.
    pub fn face_options(&self, root: &Path) -> madoguchi_adapters::oqs::FaceOptions {
        let training = root == self.training_oqs_dir();
        let mut extra_dirs = vec![root.join(madoguchi_adapters::oqs::watch::TRASH_DIR)];
        if !training {
            extra_dirs.extend(self.face_extra_dirs.iter().cloned());
        }
        madoguchi_adapters::oqs::FaceOptions {
            extra_dirs,
            move_to: if training { None } else { self.face_move_to.clone() },
            taken_file: Some(self.data_dir.join(if training { "face-taken-training.txt" } else { "face-taken.txt" })),
        }
    }
    /// PDFs printed from the window (deleted by `crate::retention`).
    pub fn prints_dir(&self) -> PathBuf {
        self.data_dir.join("prints")
    }
    pub fn database_path(&self) -> PathBuf {
        self.data_dir.join("madoguchi.sqlite")
    }
    pub fn training_db_path(&self) -> PathBuf {
        self.data_dir.join("training-population.sqlite")
    }
}

/// The fields that differ between two settings, each as `{"from", "to"}`
/// (the settings file's names and forms): what a `setting_change` audit
/// entry records.
pub fn changes(old: &Settings, new: &Settings) -> serde_json::Map<String, serde_json::Value> {
    let as_map = |s: &Settings| match serde_json::to_value(s) {
        Ok(serde_json::Value::Object(m)) => m,
        _ => serde_json::Map::new(),
    };
    let (old, new) = (as_map(old), as_map(new));
    new.into_iter()
        .filter(|(k, v)| old.get(k) != Some(v))
        .map(|(k, v)| {
            let from = old.get(&k).cloned().unwrap_or(serde_json::Value::Null);
            (k, serde_json::json!({ "from": from, "to": v }))
        })
        .collect()
}
