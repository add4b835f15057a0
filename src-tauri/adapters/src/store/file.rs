//! Opening the database file: SQLCipher keys, the plaintext-to-encrypted
//! migration, integrity checks.

use super::*;

pub(super) fn open_error(path: &Path, detail: impl ToString) -> StoreError {
    StoreError::Open {
        path: path.display().to_string(),
        detail: detail.to_string(),
    }
}

/// `<file name><suffix>` next to `path`.
pub(crate) fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

#[derive(Debug, PartialEq, Eq)]
pub(super) enum FileKind {
    Plain,
    /// Not plaintext SQLite: SQLCipher (or garbage, which a key will not open).
    Encrypted,
}

/// What `conn` (just opened on `path`, nothing read yet) has on disk.
///
/// The header is read through SQLite's own file handle, never through a
/// descriptor of our own: closing *any* descriptor of a file releases every
/// POSIX lock this process holds on it, including the shared lock of a
/// connection the desk keeps open in WAL mode. Without that lock another
/// process (a command) takes itself for the last connection when it closes,
/// checkpoints and deletes the WAL and its index under the open desk, whose
/// later writes are then lost to every other connection (SQLite's own
/// descriptors are kept open until no connection of the process holds a lock;
/// see "How To Corrupt An SQLite Database File", 2.2).
pub(super) fn file_kind(conn: &Connection, path: &Path) -> Result<FileKind, StoreError> {
    let head = read_header(conn).map_err(|detail| open_error(path, detail))?;
    Ok(if head == *SQLITE_MAGIC {
        FileKind::Plain
    } else {
        FileKind::Encrypted
    })
}

/// No database yet: no file, or an empty one. Read without opening the file
/// (see [`file_kind`]).
pub(super) fn is_missing(path: &Path) -> Result<bool, StoreError> {
    match std::fs::metadata(path) {
        Ok(m) => Ok(m.len() == 0),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(true),
        Err(e) => Err(open_error(path, e)),
    }
}

/// The first 16 bytes of the main database file of `conn`, read through the
/// connection's own file handle (`SQLITE_FCNTL_FILE_POINTER`, `xRead`): the
/// raw bytes, as SQLCipher reads its salt. A file shorter than that reads
/// zero-filled.
pub(super) fn read_header(conn: &Connection) -> Result<[u8; 16], String> {
    use rusqlite::ffi;
    let mut head = [0u8; 16];
    let mut file: *mut ffi::sqlite3_file = std::ptr::null_mut();
    // SAFETY: `conn` is an open connection; the file control writes one
    // pointer to the main database's `sqlite3_file` into `file`, which lives
    // as long as the connection, and is only used while `conn` is borrowed.
    // `xRead` writes at most `head.len()` bytes into `head`.
    unsafe {
        let rc = ffi::sqlite3_file_control(
            conn.handle(),
            c"main".as_ptr(),
            ffi::SQLITE_FCNTL_FILE_POINTER,
            (&mut file as *mut *mut ffi::sqlite3_file).cast(),
        );
        if rc != ffi::SQLITE_OK || file.is_null() || (*file).pMethods.is_null() {
            return Err(format!("the database file is not open (SQLite code {rc})"));
        }
        let Some(read) = (*(*file).pMethods).xRead else {
            return Err("the database file cannot be read".into());
        };
        match read(file, head.as_mut_ptr().cast(), head.len() as i32, 0) {
            ffi::SQLITE_OK | ffi::SQLITE_IOERR_SHORT_READ => Ok(head),
            rc => Err(format!("reading the database header failed (SQLite code {rc})")),
        }
    }
}

/// Sets the key on a fresh connection and proves it with a query.
/// `Err(None)`: the key does not open the file.
pub(crate) fn apply_key(conn: &Connection, key: &Key) -> Result<(), Option<rusqlite::Error>> {
    conn.execute_batch(&format!("PRAGMA key = {};", key.sqlcipher_literal()))
        .map_err(Some)?;
    match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    }) {
        Ok(_) => Ok(()),
        Err(e) if e.sqlite_error_code() == Some(ErrorCode::NotADatabase) => Err(None),
        Err(e) => Err(Some(e)),
    }
}

/// A plain SQLite connection to an existing encrypted database, keyed from
/// `keys`: for tests and diagnostics that read the file as it is on disk
/// (the desk itself goes through [`Store::open_encrypted`]).
pub fn raw_connection(path: &Path, keys: &dyn KeyStore) -> Result<Connection, StoreError> {
    let key = keys.get()?.ok_or_else(|| StoreError::KeyMissing {
        path: path.display().to_string(),
        store: keys.describe(),
    })?;
    if !path.is_file() {
        return Err(open_error(path, std::io::Error::from(std::io::ErrorKind::NotFound)));
    }
    let conn = Connection::open(path).map_err(|e| open_error(path, e))?;
    match apply_key(&conn, &key) {
        Ok(()) => Ok(conn),
        Err(None) => Err(StoreError::WrongKey {
            path: path.display().to_string(),
            store: keys.describe(),
        }),
        Err(Some(e)) => Err(e.into()),
    }
}

/// Gets the key, or makes, stores and re-reads one when the store has none.
pub(crate) fn key_or_new(keys: &dyn KeyStore) -> Result<Key, StoreError> {
    if let Some(k) = keys.get()? {
        return Ok(k);
    }
    let k = Key::generate()?;
    keys.set(&k)?;
    match keys.get()? {
        Some(back) if back == k => Ok(k),
        _ => Err(StoreError::KeyStore(KeyStoreError::Unavailable {
            store: keys.describe(),
            detail: "a key just stored could not be read back".into(),
        })),
    }
}

pub(crate) fn sync_dir(path: &Path) {
    #[cfg(unix)]
    if let Some(dir) = path.parent() {
        if let Ok(d) = std::fs::File::open(if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        }) {
            let _ = d.sync_all();
        }
    }
}

pub(crate) fn remove_if_exists(path: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

impl Store {
    /// Opens (creating if needed) an **unencrypted** database at `path` and
    /// brings its schema up to date. The app uses [`Store::open_encrypted`].
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| open_error(path, e))?;
        }
        let conn = Connection::open(path).map_err(|e| open_error(path, e))?;
        Self::init(conn, Some(path.to_path_buf()), false, None)
    }

    pub fn open_in_memory() -> Result<Store, StoreError> {
        Self::init(Connection::open_in_memory()?, None, false, None)
    }

    /// Opens (creating if needed) the SQLCipher-encrypted database at `path`
    /// with the key in `keys`; migrates a plaintext database of an earlier
    /// version. See the table in the module docs.
    pub fn open_encrypted(path: &Path, keys: &dyn KeyStore) -> Result<Store, StoreError> {
        Self::open_encrypted_with(path, keys, None)
    }

    /// [`Store::open_encrypted`] with the audit log anchored outside the
    /// database ([`crate::audit::anchor`]): appends are sealed with the
    /// anchor's key and move the anchor; [`Store::audit_verify`] checks the
    /// log against it; the log's tables are never made anew in a database
    /// the anchor (or a check) says was used.
    pub fn open_encrypted_anchored(
        path: &Path,
        keys: &dyn KeyStore,
        anchor: crate::audit::anchor::AuditAnchor,
    ) -> Result<Store, StoreError> {
        Self::open_encrypted_with(path, keys, Some(anchor))
    }

    pub(super) fn open_encrypted_with(
        path: &Path,
        keys: &dyn KeyStore,
        anchor: Option<crate::audit::anchor::AuditAnchor>,
    ) -> Result<Store, StoreError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| open_error(path, e))?;
        }
        if is_missing(path)? {
            let key = key_or_new(keys)?;
            // A stale WAL next to a missing/empty file belongs to nothing we can read.
            let conn = Connection::open(path).map_err(|e| open_error(path, e))?;
            return Self::keyed(conn, path, &key, keys, anchor);
        }
        // Opened first, so that the header is read through SQLite's own
        // handle (see `file_kind`): closing a connection never drops the
        // locks of another one.
        let conn = Connection::open(path).map_err(|e| open_error(path, e))?;
        match file_kind(&conn, path)? {
            FileKind::Plain => {
                drop(conn);
                let key = key_or_new(keys)?;
                Self::encrypt_plaintext(path, &key, keys, anchor)
            }
            FileKind::Encrypted => {
                let key = keys.get()?.ok_or_else(|| StoreError::KeyMissing {
                    path: path.display().to_string(),
                    store: keys.describe(),
                })?;
                let store = Self::keyed(conn, path, &key, keys, anchor)?;
                // A migration that stopped after its rename left the old
                // plaintext copy: the encrypted file opened, so it can go.
                let _ = remove_if_exists(&sibling(path, ".unencrypted.bak"));
                let _ = remove_if_exists(&sibling(path, ".encrypting"));
                Ok(store)
            }
        }
    }

    pub(super) fn keyed(
        conn: Connection,
        path: &Path,
        key: &Key,
        keys: &dyn KeyStore,
        anchor: Option<crate::audit::anchor::AuditAnchor>,
    ) -> Result<Store, StoreError> {
        match apply_key(&conn, key) {
            Ok(()) => {}
            Err(None) => {
                return Err(StoreError::WrongKey {
                    path: path.display().to_string(),
                    store: keys.describe(),
                })
            }
            Err(Some(e)) => return Err(e.into()),
        }
        Self::init(conn, Some(path.to_path_buf()), true, anchor)
    }

    /// Plaintext → encrypted: export into `<db>.encrypting`, keep a copy as
    /// `<db>.unencrypted.bak`, rename over `<db>`, reopen; on failure put the
    /// plaintext back.
    pub(super) fn encrypt_plaintext(
        path: &Path,
        key: &Key,
        keys: &dyn KeyStore,
        anchor: Option<crate::audit::anchor::AuditAnchor>,
    ) -> Result<Store, StoreError> {
        let tmp = sibling(path, ".encrypting");
        let bak = sibling(path, ".unencrypted.bak");
        remove_if_exists(&tmp).map_err(|e| open_error(&tmp, e))?;
        {
            let conn = Connection::open(path).map_err(|e| open_error(path, e))?;
            conn.busy_timeout(std::time::Duration::from_secs(5))?;
            let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
            conn.execute(
                "ATTACH DATABASE ?1 AS enc KEY ?2",
                params![tmp.to_string_lossy(), format!("x'{}'", key.to_hex())],
            )?;
            conn.query_row("SELECT sqlcipher_export('enc')", [], |_| Ok(()))?;
            conn.execute_batch(&format!(
                "PRAGMA enc.user_version = {version}; DETACH DATABASE enc;"
            ))?;
            // Everything committed is in the main file before it is copied.
            conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        }
        let wal = sibling(path, "-wal");
        if std::fs::metadata(&wal)
            .map(|m| m.len() > 0)
            .unwrap_or(false)
        {
            let _ = std::fs::remove_file(&tmp);
            return Err(open_error(
                path,
                "another program still has the database open; close it and start again",
            ));
        }
        fn io(p: &Path) -> impl Fn(std::io::Error) -> StoreError + '_ {
            move |e| open_error(p, e)
        }
        std::fs::File::open(&tmp)
            .and_then(|f| f.sync_all())
            .map_err(io(&tmp))?;
        // The plaintext file is kept as `.unencrypted.bak` by a second name
        // (a hard link): nothing opens it, so no POSIX lock another
        // connection of this process holds on it is dropped by a closing
        // descriptor (see `read_header`). A copy only where the file system
        // has no hard links.
        remove_if_exists(&bak).map_err(io(&bak))?;
        if std::fs::hard_link(path, &bak).is_err() {
            std::fs::copy(path, &bak).map_err(io(&bak))?;
            std::fs::File::open(&bak)
                .and_then(|f| f.sync_all())
                .map_err(io(&bak))?;
        }
        std::fs::rename(&tmp, path).map_err(io(path))?;
        remove_if_exists(&wal).map_err(io(&wal))?;
        remove_if_exists(&sibling(path, "-shm")).map_err(io(path))?;
        sync_dir(path);
        let reopened = Connection::open(path)
            .map_err(|e| open_error(path, e))
            .and_then(|conn| Self::keyed(conn, path, key, keys, anchor));
        match reopened {
            Ok(store) => {
                remove_if_exists(&bak).map_err(io(&bak))?;
                tracing::info!("the local database {} is now encrypted", path.display());
                Ok(store)
            }
            Err(e) => {
                let _ = std::fs::rename(&bak, path);
                sync_dir(path);
                Err(e)
            }
        }
    }

    pub(super) fn init(
        conn: Connection,
        path: Option<PathBuf>,
        encrypted: bool,
        anchor: Option<crate::audit::anchor::AuditAnchor>,
    ) -> Result<Store, StoreError> {
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") && !mode.eq_ignore_ascii_case("memory") {
            conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))?;
        }
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let mut store = Store {
            conn,
            path,
            encrypted,
            audit: None,
        };
        store.migrate(SCHEMA_VERSION)?;
        let corrupt = |e: crate::audit::AuditError| StoreError::Corrupt(e.to_string());
        // The audit log keeps its own tables (and triggers) in the same
        // database, so it is encrypted and backed up with everything else.
        // In an anchored store they are made only when the anchor has never
        // seen the log: its key new (a new data folder, or the first start
        // of this version — a database of a version before the audit log has
        // checks and no log, which is why checks alone do not say "used"),
        // or an anchor that saw no entry. Otherwise their absence is
        // reported by `audit_verify` (`tables_missing`), not hidden.
        let anchored = anchor.as_ref().map(|a| a.read());
        let used = anchor.as_ref().is_some_and(|a| a.key_existed())
            || match &anchored {
                Some(Ok(Some(state))) => state.count > 0,
                Some(Err(_)) => true,
                Some(Ok(None)) | None => false,
            };
        if crate::audit::log_exists(&store.conn).map_err(corrupt)? || !used {
            crate::audit::ensure_schema(&store.conn).map_err(corrupt)?;
        } else {
            tracing::error!("the audit log's tables are missing from a database that was used; not made anew");
        }
        if let Some(anchor) = anchor {
            let state = anchored.and_then(Result::ok).flatten();
            let seal = crate::audit::anchored_seal(&store.conn, &anchor, state.as_ref()).map_err(corrupt)?;
            crate::audit::anchor_first(&store.conn, &anchor, &seal).map_err(corrupt)?;
            store.audit = Some((anchor, seal));
        }
        Ok(store)
    }

    /// The database file (None in memory).
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Opened with [`Store::open_encrypted`].
    pub fn is_encrypted(&self) -> bool {
        self.encrypted
    }

    /// `PRAGMA integrity_check` (and `cipher_integrity_check` when encrypted).
    /// Reads the whole file: for start-up checks and after a crash, not per request.
    pub fn integrity_check(&self) -> Result<(), StoreError> {
        integrity_check(&self.conn, self.encrypted)
    }

    /// Test hook: caps the database size (`PRAGMA max_page_count`) to simulate a full disk.
    #[doc(hidden)]
    pub fn set_max_page_count_for_tests(&self, pages: i64) -> Result<(), StoreError> {
        self.conn
            .query_row(&format!("PRAGMA max_page_count = {pages}"), [], |_| Ok(()))?;
        Ok(())
    }

}

pub(crate) fn integrity_check(conn: &Connection, encrypted: bool) -> Result<(), StoreError> {
    let mut problems: Vec<String> = conn
        .prepare("PRAGMA integrity_check")?
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<Result<_, _>>()?;
    if problems == ["ok"] {
        problems.clear();
    }
    if encrypted {
        let cipher: Vec<String> = conn
            .prepare("PRAGMA cipher_integrity_check")?
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<Result<_, _>>()?;
        problems.extend(cipher);
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Corrupt(problems.join("; ")))
    }
}
