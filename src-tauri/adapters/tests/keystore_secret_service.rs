//! The Secret Service key store — the default on desktops (GNOME Keyring,
//! KWallet, KeePassXC over D-Bus) — against a real `gnome-keyring-daemon`
//! on a private session bus. The other tests pin kernel keyutils
//! (`.cargo/config.toml`); this one is the Secret Service's.
//!
//! The test runs itself again inside `dbus-run-session` (a bus of its own,
//! gone with it), after starting the daemon there, its login keyring made
//! and unlocked with a throw-away password, its files in a temporary folder (`XDG_DATA_HOME`,
//! `XDG_RUNTIME_DIR`), never in the login keyring of whoever runs it.
//!
//! Needs the Debian packages `dbus` (dbus-run-session) and `gnome-keyring`
//! (`./x` installs both). Missing ones fail the test, saying which. A daemon
//! that is there but cannot start (no D-Bus in a sandbox) makes it say
//! SKIPPED loudly — unless `MADOGUCHI_REQUIRE_SECRET_SERVICE=1`, as
//! `cargo xtask test` (CI) sets: there it must run.
#![cfg(target_os = "linux")]

use std::process::Command;

use madoguchi_adapters::keystore::{Backend, Key, KeyStore, OsKeyStore};

const CHILD: &str = "MADOGUCHI_SECRET_SERVICE_CHILD";
const REQUIRE: &str = "MADOGUCHI_REQUIRE_SECRET_SERVICE";
const NAME: &str = "the_secret_service_keeps_a_key_for_the_next_start";

fn on_path(tool: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(tool).is_file()))
}

#[test]
fn the_secret_service_keeps_a_key_for_the_next_start() {
    if std::env::var_os(CHILD).is_some() {
        inside_the_session();
        return;
    }
    for (tool, package) in [("dbus-run-session", "dbus"), ("gnome-keyring-daemon", "gnome-keyring")] {
        assert!(on_path(tool), "{tool} is missing: install the Debian package {package} (./x does)");
    }
    let dir = tempfile::tempdir().unwrap();
    let runtime = dir.path().join("run");
    std::fs::create_dir(&runtime).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&runtime, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    // The daemon reads the password on stdin, creates and unlocks the login
    // keyring (the default collection; an empty password makes none), forks
    // into the background and prints its variables (not kept: they would
    // hold the pipe open).
    let script = r#"printf 'madoguchi-test' | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>"$RUNTIME_ERR" || exit 77
exec "$@""#;
    let err_file = dir.path().join("daemon.err");
    let out = Command::new("dbus-run-session")
        .args(["--", "sh", "-c", script, "sh"])
        .arg(std::env::current_exe().unwrap())
        .args(["--exact", NAME, "--nocapture", "--test-threads=1"])
        .env(CHILD, "1")
        .env("RUNTIME_ERR", &err_file)
        .env("XDG_DATA_HOME", dir.path().join("data"))
        .env("XDG_RUNTIME_DIR", &runtime)
        .env("HOME", dir.path())
        // The desk's own choice, as on a desktop.
        .env("MADOGUCHI_KEY_STORE", "auto")
        .output()
        .expect("dbus-run-session runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.status.code() == Some(77) {
        let why = std::fs::read_to_string(&err_file).unwrap_or_default();
        assert!(
            std::env::var_os(REQUIRE).is_none(),
            "gnome-keyring-daemon could not start ({REQUIRE} is set, so this fails): {why}{stderr}"
        );
        eprintln!("SKIPPED: gnome-keyring-daemon could not start here, the Secret Service is not tested: {why}{stderr}");
        return;
    }
    assert!(out.status.success(), "the test inside dbus-run-session failed:\n{stdout}\n{stderr}");
    // The run inside really ran this test (not zero tests by a wrong filter).
    assert!(stdout.contains("1 passed"), "{stdout}\n{stderr}");
}

/// Inside `dbus-run-session`, with the daemon running unlocked.
fn inside_the_session() {
    let user = format!("test-secret-service-{}", std::process::id());
    // The daemon has forked; wait until it answers on the bus.
    let started = std::time::Instant::now();
    while let Err(e) = OsKeyStore::with_backend(Backend::SecretService, &user).and_then(|s| s.get()) {
        assert!(started.elapsed() < std::time::Duration::from_secs(10), "the Secret Service never answered: {e}");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    // `auto` takes the Secret Service when the session bus has one.
    let store = OsKeyStore::detect_for(&user).expect("a keyring");
    assert_eq!(store.backend(), Backend::SecretService, "{}", store.describe());
    assert!(store.backend().survives_reboot());
    assert_eq!(store.get().unwrap(), None);
    let k = Key::generate().unwrap();
    store.set(&k).unwrap();
    // A second handle (as the desk after a restart) finds it.
    let again = OsKeyStore::with_backend(Backend::SecretService, &user).unwrap();
    assert_eq!(again.get().unwrap(), Some(k.clone()));
    // In the Secret Service, not in the kernel keyring.
    let kernel = OsKeyStore::with_backend(Backend::KernelKeyutils, &user).unwrap();
    assert_eq!(kernel.get().unwrap(), None);
    // Another entry is another key.
    let other = OsKeyStore::with_backend(Backend::SecretService, &format!("{user}-other")).unwrap();
    assert_eq!(other.get().unwrap(), None);
    store.forget().unwrap();
    assert_eq!(again.get().unwrap(), None);
    eprintln!("Secret Service: {}", store.describe());
}
