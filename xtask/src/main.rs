//! `cargo xtask <task>` (run through `./x`, which installs what is missing first).
//!
//! - `ui`     build the Leptos UI to wasm and bind it into `ui/dist/`
//! - `run`    build the UI and open the desk (training mode unless configured)
//! - `test`   build once, run every test: unit, integration, then the E2E tests
//!            of the real window under Xvfb through tauri-driver
//! - `bench`  print the benchmark figures
//!
//! Plain std on purpose: this crate builds before anything else and must stay
//! quick to compile.

use std::env;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let task = args.first().map(String::as_str).unwrap_or("help");
    let rest = &args[args.len().min(1)..];
    let result = match task {
        "ui" => build_ui(),
        "run" => build_ui().and_then(|_| run_app(rest)),
        "test" => build_ui().and_then(|_| test_all(rest)),
        "e2e" => build_ui().and_then(|_| e2e(rest)),
        "bench" => build_ui().and_then(|_| bench(rest)),
        _ => {
            eprintln!("usage: cargo xtask ui | run | test | e2e | bench");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask {task}: {e}");
            ExitCode::FAILURE
        }
    }
}

type R = Result<(), String>;

fn cargo() -> Command {
    let mut c = Command::new(env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.current_dir(root());
    c
}

/// Cargo for the test stages: not incremental, since a test run builds from
/// clean in CI, where incremental bookkeeping only costs time.
fn cargo_for_tests() -> Command {
    let mut c = cargo();
    c.env("CARGO_INCREMENTAL", "0");
    c
}

fn run(mut c: Command) -> R {
    eprintln!("xtask: {c:?}");
    let status = c.status().map_err(|e| format!("{c:?}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{c:?} failed: {status}"))
    }
}

/// A tool from `.tools/bin` (installed by `./x`), else from PATH.
fn tool(name: &str) -> PathBuf {
    let local = root().join(".tools/bin").join(name);
    if local.exists() {
        local
    } else {
        PathBuf::from(name)
    }
}

fn build_ui() -> R {
    let mut c = cargo();
    c.args(["build", "-p", "madoguchi-ui", "--target", "wasm32-unknown-unknown", "--profile", "wasm-release"]);
    run(c)?;
    let target_dir = env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root().join("target"));
    let wasm = target_dir.join("wasm32-unknown-unknown/wasm-release/madoguchi-ui.wasm");
    let dist = root().join("ui/dist");
    std::fs::create_dir_all(&dist).map_err(|e| e.to_string())?;
    // Bound into a staging folder, then copied into ui/dist only where a file
    // changed: the app's build script watches ui/dist, and rewriting the same
    // bytes would rebuild the app and relink every test binary each time.
    let staging = target_dir.join("ui-staging");
    std::fs::create_dir_all(&staging).map_err(|e| e.to_string())?;
    let mut wb = Command::new(tool("wasm-bindgen"));
    wb.args(["--target", "web", "--no-typescript", "--out-name", "madoguchi_ui", "--out-dir"])
        .arg(&staging)
        .arg(&wasm);
    run(wb)?;
    for f in ["index.html", "main.js", "styles.css"] {
        std::fs::copy(root().join("ui/static").join(f), staging.join(f)).map_err(|e| format!("{f}: {e}"))?;
    }
    copy_changed(&staging, &dist)?;
    let size = std::fs::metadata(dist.join("madoguchi_ui_bg.wasm")).map(|m| m.len()).unwrap_or(0);
    eprintln!("xtask: ui/dist ready (wasm {} KiB)", size / 1024);
    Ok(())
}

/// Copies the files of `from` into `to` (recursively), writing only those
/// whose bytes differ, so that unchanged files keep their modification time.
fn copy_changed(from: &Path, to: &Path) -> R {
    std::fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    for entry in std::fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))? {
        let src = entry.map_err(|e| e.to_string())?.path();
        let dst = to.join(src.file_name().unwrap());
        if src.is_dir() {
            copy_changed(&src, &dst)?;
            continue;
        }
        let bytes = std::fs::read(&src).map_err(|e| format!("{}: {e}", src.display()))?;
        if std::fs::read(&dst).ok().as_deref() != Some(&bytes[..]) {
            std::fs::write(&dst, &bytes).map_err(|e| format!("{}: {e}", dst.display()))?;
        }
    }
    Ok(())
}

fn run_app(rest: &[String]) -> R {
    let mut c = cargo();
    c.args(["run", "-p", "madoguchi", "--bin", "madoguchi", "--"]).args(rest);
    // The desk picks its keyring itself (Secret Service when the desktop has
    // one); only the tests pin kernel keyutils (.cargo/config.toml).
    c.env("MADOGUCHI_KEY_STORE", "auto");
    run(c)
}

/// The package set every test stage builds with. The same set (and flags) in
/// each stage means the same feature unification, so the E2E stage reuses the
/// first stage's build instead of compiling the app a second time.
const TEST_SET: [&str; 3] = ["--workspace", "--exclude", "madoguchi-ui"];

/// Unit and integration tests, then the E2E tests in a real window, on one
/// build.
fn test_all(rest: &[String]) -> R {
    let mut c = cargo_for_tests();
    c.arg("test").args(TEST_SET).args(rest);
    // The Secret Service test may not skip here, even if its daemon fails.
    c.env("MADOGUCHI_REQUIRE_SECRET_SERVICE", "1");
    run(c)?;
    e2e(&[])
}

/// The E2E tests bound themselves (each test, opening the window, closing
/// it); `timeout` is the last guard, so that a hang can never use up CI's time
/// silently.
fn e2e(rest: &[String]) -> R {
    // The app and training binaries the E2E tests drive, built as the first
    // stage built them (a no-op after it).
    let mut b = cargo_for_tests();
    b.arg("test").args(TEST_SET).arg("--no-run");
    run(b)?;
    let mut c = Command::new("timeout");
    c.current_dir(root())
        .args(["--kill-after=10", "900", "xvfb-run", "-a", "-s", "-screen 0 1400x1000x24"])
        .arg(env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .arg("test")
        .args(TEST_SET)
        .args(["--test", "e2e_desk", "--", "--ignored", "--test-threads=1"])
        .args(rest)
        .env("TAURI_DRIVER", tool("tauri-driver"))
        .env("CARGO_INCREMENTAL", "0");
    run(c)
}

/// Benchmarks print figures; they assert nothing. Under Xvfb because the
/// cold-start benchmark opens the real window.
fn bench(rest: &[String]) -> R {
    let mut c = Command::new("xvfb-run");
    c.current_dir(root())
        .args(["-a", "-s", "-screen 0 1400x1000x24"])
        .arg(env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["bench", "--workspace", "--exclude", "madoguchi-ui"])
        .args(rest);
    run(c)
}
