//! Each feature service over a context of its own (a temporary store, not
//! connected), without a whole desk: what the service owns and does alone.

mod common;

use std::sync::{Arc, Mutex};

use madoguchi_app::card_taps::CardTaps;
use madoguchi_app::context::Context;
use madoguchi_app::session::{AccountForm, Staff};
use madoguchi_app::settings::Settings;
use madoguchi_core::message::{ApiError, Msg};

const PW: &str = "correct horse battery";

fn context(data: &std::path::Path) -> Arc<Context> {
    let settings = Settings { data_dir: data.to_path_buf(), file: Some(data.join("settings.json")), ..Default::default() };
    Arc::new(Context::open(settings).expect("a temporary store opens"))
}

fn now() -> chrono::NaiveDateTime {
    chrono::Local::now().naive_local()
}

#[test]
fn staff_signs_in_over_a_context_and_releases_held_taps() {
    let data = common::data_dir();
    let ctx = context(data.path());
    let taps = Arc::new(CardTaps::default());
    let told = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&told);
    taps.on_card_tap(move |o| seen.lock().unwrap().push(o.is_ok()));
    let staff = Staff::new(Arc::clone(&ctx), Arc::clone(&taps));

    assert!(staff.needs_first_setup().unwrap());
    // Nobody signed in: a tap is held, not told.
    taps.deliver(&ctx, Err(ApiError::new(Msg::new("tap-failed"))), now());
    assert_eq!(taps.held(), 1);
    assert!(told.lock().unwrap().is_empty());

    let form = AccountForm { staff_id: "admin".into(), display_name: "管理 太郎".into(), password: PW.into(), confirm: PW.into() };
    let signed = staff.first_start(&form, now()).expect("the first administrator");
    assert_eq!(signed.staff_id, "admin");
    assert_eq!(ctx.signed_in(now()).map(|s| s.staff_id), Some("admin".to_string()));
    // Signing in released the held tap to the window.
    assert_eq!(taps.held(), 0);
    assert_eq!(*told.lock().unwrap(), vec![false]);

    staff.sign_out(now());
    assert!(ctx.signed_in(now()).is_none());
    assert!(staff.sign_in("admin", "wrong password!!", now()).is_err());
    assert!(staff.sign_in("admin", PW, now()).is_ok());
    // Everything went to the context's audit log, and the chain holds.
    assert!(ctx.audit_verify().unwrap().entries >= 4);
}

#[test]
fn the_audit_viewer_over_a_context_refuses_nobody_and_shows_an_administrator() {
    use madoguchi_app::audit_view::{AuditQuery, AuditView};
    let data = common::data_dir();
    let ctx = context(data.path());
    let viewer = AuditView::new(Arc::clone(&ctx));
    let before = ctx.audit_verify().unwrap().entries;
    // Nobody signed in: refused, and the refusal is logged.
    assert!(viewer.audit_page(&AuditQuery::default(), now()).is_err());
    assert_eq!(ctx.audit_verify().unwrap().entries, before + 1);

    let staff = Staff::new(Arc::clone(&ctx), Arc::new(CardTaps::default()));
    let form = AccountForm { staff_id: "admin".into(), display_name: "管理 太郎".into(), password: PW.into(), confirm: PW.into() };
    staff.first_start(&form, now()).unwrap();
    let page = viewer.audit_page(&AuditQuery::default(), now()).expect("an administrator sees the log");
    // The administrator's own view is in the page (logged before reading).
    assert!(page.entries.iter().any(|e| e.entry.action == "audit_view"), "{:?}", page.entries.iter().map(|e| &e.entry.action).collect::<Vec<_>>());
}
