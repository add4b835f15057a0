//! The administrator's staff screen's backend: disabling and enabling
//! accounts and resetting passwords. Role checks in the backend (refused and
//! logged for anyone but an administrator), an administrator never locks
//! themselves out, a disabled account cannot sign in and is told why, a
//! reset password follows the new-account rules (typed twice) and lifts a
//! lock-out; everyone with an account changes their own password (the
//! current one checked, a wrong one counted like a failed sign-in) — and
//! every change is in the audit log, in words. Real files: the
//! desk's encrypted store (which holds the accounts) in a temporary data folder.

mod common;

use chrono::{NaiveDate, NaiveDateTime};
use madoguchi_adapters::audit::AuditAction;
use madoguchi_app::audit_view::AuditQuery;
use madoguchi_app::desk::Desk;
use madoguchi_app::session::{AccountForm, PasswordChangeForm, PasswordResetForm};
use madoguchi_app::settings::Settings;
use madoguchi_core::staff::Role;

const PW: &str = "sakura-no-hana-2026";

fn at(h: u32, m: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 20).unwrap().and_hms_opt(h, m, 0).unwrap()
}

fn reset(id: &str, pw: &str, confirm: &str) -> PasswordResetForm {
    PasswordResetForm { staff_id: id.into(), password: pw.into(), confirm: confirm.into() }
}

fn problems(e: &madoguchi_core::message::ApiError) -> Vec<(String, String)> {
    e.form.iter().map(|p| (p.field.clone(), p.message.id.clone())).collect()
}


fn account(id: &str, name: &str) -> AccountForm {
    AccountForm { staff_id: id.into(), display_name: name.into(), password: PW.into(), confirm: PW.into() }
}

#[test]
fn an_administrator_disables_enables_and_resets_accounts_and_nobody_else_can() {
    let data = common::data_dir();
    let desk = common::real_desk(data.path());
    desk.staff.first_start(&account("kanri", "管理 花子"), at(8, 0)).unwrap();
    desk.staff.add_staff(&account("uketsuke", "受付 太郎"), Role::Receptionist, at(8, 1)).unwrap();
    desk.staff.add_staff(&account("kanri2", "管理 次郎"), Role::Administrator, at(8, 2)).unwrap();

    // The list says whose account is the administrator's own.
    let list = desk.staff.staff_list(at(8, 3)).unwrap();
    let you: Vec<_> = list.iter().filter(|e| e.you).map(|e| e.staff_id.as_str()).collect();
    assert_eq!(you, ["kanri"]);

    // An administrator cannot lock themselves out: refused, logged, unchanged.
    let e = desk.staff.disable_staff("kanri", at(8, 4)).unwrap_err();
    assert_eq!(e.message.id, "staff-cannot-disable-self");
    assert!(desk.staff.staff_list(at(8, 4)).unwrap().iter().all(|a| !a.disabled));

    // Disabled: listed so, and the person cannot sign in — told why.
    let entry = desk.staff.disable_staff(" uketsuke ", at(8, 5)).unwrap();
    assert!(entry.disabled && entry.staff_id == "uketsuke" && !entry.you);
    desk.staff.sign_out(at(8, 6));
    let e = desk.staff.sign_in("uketsuke", PW, at(8, 7)).unwrap_err();
    assert_eq!(e.message.id, "staff-login-disabled");
    // A wrong password on a disabled account says no more than for anyone.
    let e = desk.staff.sign_in("uketsuke", "not-the-password", at(8, 7)).unwrap_err();
    assert_eq!(e.message.id, "staff-login-wrong");

    // Enabled again: signs in, and as a receptionist may change nothing —
    // each attempt refused in the backend and logged.
    desk.staff.sign_in("kanri", PW, at(8, 8)).unwrap();
    assert!(!desk.staff.enable_staff("uketsuke", at(8, 9)).unwrap().disabled);
    desk.staff.sign_out(at(8, 10));
    desk.staff.sign_in("uketsuke", PW, at(8, 11)).unwrap();
    for e in [
        desk.staff.disable_staff("kanri", at(8, 12)).unwrap_err(),
        desk.staff.enable_staff("uketsuke", at(8, 12)).unwrap_err(),
        desk.staff.reset_staff_password(&reset("kanri", "a-new-password-1", "a-new-password-1"), at(8, 12)).unwrap_err(),
        desk.staff.staff_list(at(8, 12)).unwrap_err(),
    ] {
        assert_eq!(e.message.id, "staff-refused");
    }
    desk.staff.sign_out(at(8, 13));
    desk.staff.sign_in("kanri", PW, at(8, 14)).expect("the administrator's password is unchanged");

    // A reset password: the new-account rules, every problem by field, and
    // nothing changed while any remains.
    let e = desk.staff.reset_staff_password(&reset("uketsuke", "short", "other"), at(8, 15)).unwrap_err();
    assert_eq!(e.message.id, "staff-form-invalid");
    assert_eq!(
        problems(&e),
        [("password".into(), "staff-password-too-short".into()), ("confirm".into(), "staff-password-mismatch".into())]
    );
    let e = desk.staff.reset_staff_password(&reset("uketsuke", "uketsuke", "uketsuke"), at(8, 15)).unwrap_err();
    assert_eq!(problems(&e), [("password".into(), "staff-password-same-as-id".into())]);
    let e = desk.staff.reset_staff_password(&reset("uketsuke", "ume-no-hana-2026", ""), at(8, 15)).unwrap_err();
    assert_eq!(problems(&e), [("confirm".into(), "staff-password-confirm-missing".into())]);
    let e = desk.staff.reset_staff_password(&reset("nobody", "ume-no-hana-2026", "ume-no-hana-2026"), at(8, 15)).unwrap_err();
    assert_eq!(e.message.id, "staff-account-unknown");

    // The receptionist forgot the password and locked the account.
    desk.staff.sign_out(at(8, 16));
    let mut last = None;
    for _ in 0..5 {
        last = Some(desk.staff.sign_in("uketsuke", "forgotten-password", at(8, 17)).unwrap_err());
    }
    assert_eq!(last.unwrap().message.id, "staff-login-locked-out");
    desk.staff.sign_in("kanri", PW, at(8, 18)).unwrap();
    desk.staff.reset_staff_password(&reset("uketsuke", "ume-no-hana-2026", "ume-no-hana-2026"), at(8, 19)).unwrap();
    desk.staff.sign_out(at(8, 20));
    assert_eq!(desk.staff.sign_in("uketsuke", PW, at(8, 21)).unwrap_err().message.id, "staff-login-wrong", "the old password is gone");
    desk.staff.sign_in("uketsuke", "ume-no-hana-2026", at(8, 21)).expect("the new password, the lock lifted");
    desk.staff.sign_out(at(8, 22));

    // The second administrator may disable the first; then the first cannot sign in.
    desk.staff.sign_in("kanri2", PW, at(8, 23)).unwrap();
    desk.staff.disable_staff("kanri", at(8, 24)).unwrap();
    assert_eq!(desk.staff.disable_staff("kanri2", at(8, 25)).unwrap_err().message.id, "staff-cannot-disable-self");
    desk.staff.sign_out(at(8, 26));
    assert_eq!(desk.staff.sign_in("kanri", PW, at(8, 27)).unwrap_err().message.id, "staff-login-disabled");

    // All of it in the audit log, in the administrator's words.
    desk.staff.sign_in("kanri2", PW, at(8, 28)).unwrap();
    let page = desk
        .audit_view.audit_page(&AuditQuery { action: "staff_change".into(), ..AuditQuery::default() }, at(8, 29))
        .unwrap();
    let said: Vec<(String, String, String, Option<String>)> = page
        .entries
        .iter()
        .rev()
        .map(|e| {
            let words = e.outcome_words.clone().unwrap_or_else(|| panic!("{} has no words", e.outcome)).ja;
            (e.staff_id.clone(), e.outcome.clone(), words, e.reason.clone())
        })
        .collect();
    let row = |staff: &str, code: &str, words: &str, reason: Option<&str>| {
        (staff.to_string(), code.to_string(), words.to_string(), reason.map(str::to_string))
    };
    assert_eq!(
        said,
        [
            row("kanri", "first_administrator", "最初の管理者を登録", None),
            row("kanri", "created:uketsuke:receptionist", "アカウントを作成：uketsuke（受付）", None),
            row("kanri", "created:kanri2:administrator", "アカウントを作成：kanri2（管理者）", None),
            row("kanri", "refused:kanri", "変更できず：kanri（理由欄を参照）", Some("staff-cannot-disable-self")),
            row("kanri", "disabled:uketsuke", "アカウントを無効化：uketsuke", None),
            row("kanri", "enabled:uketsuke", "アカウントを有効化：uketsuke", None),
            row("uketsuke", "denied", "拒否：権限なし", Some("staff-refused")),
            row("uketsuke", "denied", "拒否：権限なし", Some("staff-refused")),
            row("uketsuke", "denied", "拒否：権限なし", Some("staff-refused")),
            row("kanri", "refused:nobody", "変更できず：nobody（理由欄を参照）", Some("staff-account-unknown")),
            row("kanri", "password_reset:uketsuke", "パスワードを再設定：uketsuke", None),
            row("kanri2", "disabled:kanri", "アカウントを無効化：kanri", None),
            row("kanri2", "refused:kanri2", "変更できず：kanri2（理由欄を参照）", Some("staff-cannot-disable-self")),
        ]
    );
    // The failed sign-ins, said as what happened.
    let failed = desk
        .audit_view.audit_page(&AuditQuery { action: "login_failed".into(), ..AuditQuery::default() }, at(8, 30))
        .unwrap();
    let mut words: Vec<String> = failed.entries.iter().map(|e| e.outcome_words.clone().expect("words").ja).collect();
    words.dedup();
    words.reverse();
    assert_eq!(
        words,
        [
            "失敗：無効にされたアカウント",
            "失敗：職員IDまたはパスワードの誤り",
            "失敗：連続失敗によるロック中",
            "失敗：職員IDまたはパスワードの誤り",
            "失敗：無効にされたアカウント"
        ]
    );
    // Every entry this desk wrote has words: no raw code for the administrator.
    let all = desk.audit_view.audit_page(&AuditQuery::default(), at(8, 31)).unwrap();
    let bare: Vec<_> = all.entries.iter().filter(|e| e.outcome_words.is_none()).map(|e| (e.action.clone(), e.outcome.clone())).collect();
    assert!(bare.is_empty(), "outcomes without words: {bare:?}");
    assert!(all.entries.iter().any(|e| e.action == AuditAction::StaffChange.code()));
    assert!(desk.context().audit_verify().is_ok());
}

fn change(current: &str, pw: &str, confirm: &str) -> PasswordChangeForm {
    PasswordChangeForm { current: current.into(), password: pw.into(), confirm: confirm.into() }
}

#[test]
fn everyone_signed_in_changes_their_own_password_and_a_wrong_current_one_counts_as_a_failed_sign_in() {
    let data = common::data_dir();
    let desk = common::real_desk(data.path());
    desk.staff.first_start(&account("kanri", "管理 花子"), at(9, 0)).unwrap();
    desk.staff.add_staff(&account("uketsuke", "受付 太郎"), Role::Receptionist, at(9, 1)).unwrap();
    desk.staff.sign_out(at(9, 2));

    // Nobody signed in: refused, nothing changed.
    let e = desk.staff.change_own_password(&change(PW, "ume-no-hana-2026", "ume-no-hana-2026"), at(9, 3)).unwrap_err();
    assert_eq!(e.message.id, "staff-refused-not-signed-in");

    // A receptionist (any role) may; every problem at once, by field, with
    // the rules of a new account — and nothing checked or counted yet.
    desk.staff.sign_in("uketsuke", PW, at(9, 4)).unwrap();
    let e = desk.staff.change_own_password(&change("", "short", "other"), at(9, 5)).unwrap_err();
    assert_eq!(e.message.id, "staff-form-invalid");
    assert_eq!(
        problems(&e),
        [
            ("current".into(), "staff-password-current-missing".into()),
            ("password".into(), "staff-password-too-short".into()),
            ("confirm".into(), "staff-password-mismatch".into()),
        ]
    );
    let e = desk.staff.change_own_password(&change(PW, "", ""), at(9, 5)).unwrap_err();
    assert_eq!(problems(&e), [("password".into(), "staff-password-missing".into())]);
    let e = desk.staff.change_own_password(&change(PW, "uketsuke", "uketsuke"), at(9, 5)).unwrap_err();
    assert_eq!(problems(&e), [("password".into(), "staff-password-same-as-id".into())]);
    let e = desk.staff.change_own_password(&change(PW, PW, PW), at(9, 5)).unwrap_err();
    assert_eq!(problems(&e), [("password".into(), "staff-password-same-as-current".into())]);
    let e = desk.staff.change_own_password(&change(PW, "ume-no-hana-2026", ""), at(9, 5)).unwrap_err();
    assert_eq!(problems(&e), [("confirm".into(), "staff-password-confirm-missing".into())]);

    // A wrong current password: said under its field, and counted like a
    // failed sign-in (four here and one at the sign-in screen lock the account).
    for _ in 0..4 {
        let e = desk.staff.change_own_password(&change("not-my-password", "ume-no-hana-2026", "ume-no-hana-2026"), at(9, 6)).unwrap_err();
        assert_eq!(problems(&e), [("current".into(), "staff-password-current-wrong".into())]);
    }
    assert!(desk.context().signed_in(at(9, 6)).is_some(), "still signed in");
    desk.staff.sign_out(at(9, 7));
    assert_eq!(desk.staff.sign_in("uketsuke", "not-my-password", at(9, 7)).unwrap_err().message.id, "staff-login-locked-out");
    // The administrator lifts the lock; a right password resets the count.
    desk.staff.sign_in("kanri", PW, at(9, 8)).unwrap();
    desk.staff.reset_staff_password(&reset("uketsuke", PW, PW), at(9, 8)).unwrap();
    desk.staff.sign_out(at(9, 9));

    // Changed: the old password no longer signs in, the new one does.
    desk.staff.sign_in("uketsuke", PW, at(9, 10)).unwrap();
    let who = desk.staff.change_own_password(&change(PW, "ume-no-hana-2026", "ume-no-hana-2026"), at(9, 11)).unwrap();
    assert_eq!(who.staff_id, "uketsuke");
    assert!(desk.context().signed_in(at(9, 11)).is_some(), "still signed in after the change");
    desk.staff.sign_out(at(9, 12));
    assert_eq!(desk.staff.sign_in("uketsuke", PW, at(9, 13)).unwrap_err().message.id, "staff-login-wrong");
    desk.staff.sign_in("uketsuke", "ume-no-hana-2026", at(9, 13)).expect("the new password");

    // Guessing the current password at an open desk: the failure that locks
    // the account also signs whoever is there out.
    let mut last = None;
    for _ in 0..5 {
        last = Some(desk.staff.change_own_password(&change("guess-guess", "kiku-no-hana-2026", "kiku-no-hana-2026"), at(9, 14)).unwrap_err());
    }
    let last = last.unwrap();
    assert_eq!(last.message.id, "staff-password-change-locked-out");
    assert!(last.message.args.contains(&("until".into(), "9:29".into())), "{last:?}");
    assert!(desk.context().signed_in(at(9, 14)).is_none(), "signed out");
    assert_eq!(desk.staff.sign_in("uketsuke", "ume-no-hana-2026", at(9, 15)).unwrap_err().message.id, "staff-login-locked-out");
    desk.staff.sign_in("uketsuke", "ume-no-hana-2026", at(9, 30)).expect("the lock ran out; the password is unchanged");
    desk.staff.sign_out(at(9, 31));

    // The administrator changes their own password too.
    desk.staff.sign_in("kanri", PW, at(9, 32)).unwrap();
    desk.staff.change_own_password(&change(PW, "matsu-no-ki-2026", "matsu-no-ki-2026"), at(9, 33)).unwrap();

    // In the audit log: each change and each refused attempt (never a password).
    let page = desk
        .audit_view.audit_page(&AuditQuery { action: "staff_change".into(), from: "2026-11-20".into(), ..AuditQuery::default() }, at(9, 34))
        .unwrap();
    let said: Vec<(String, String, String, Option<String>)> = page
        .entries
        .iter()
        .rev()
        .filter(|e| e.outcome.starts_with("password_changed") || e.outcome.starts_with("refused"))
        .map(|e| (e.staff_id.clone(), e.outcome.clone(), e.outcome_words.clone().expect("words").ja, e.reason.clone()))
        .collect();
    let row = |staff: &str, code: &str, words: &str, reason: &str| {
        (staff.to_string(), code.to_string(), words.to_string(), (!reason.is_empty()).then(|| reason.to_string()))
    };
    let wrong = row("uketsuke", "refused:uketsuke", "変更できず：uketsuke（理由欄を参照）", "staff-password-current-wrong");
    let mut expected = vec![wrong.clone(); 4];
    expected.push(row("uketsuke", "password_changed:uketsuke", "本人がパスワードを変更：uketsuke", ""));
    expected.extend(vec![wrong; 4]);
    expected.push(row("uketsuke", "refused:uketsuke", "変更できず：uketsuke（理由欄を参照）", "staff-password-change-locked-out"));
    expected.push(row("kanri", "password_changed:kanri", "本人がパスワードを変更：kanri", ""));
    assert_eq!(said, expected);
    let text = serde_json::to_string(&desk.audit_view.audit_page(&AuditQuery::default(), at(9, 35)).unwrap()).unwrap();
    for pw in ["ume-no-hana-2026", "kiku-no-hana-2026", "matsu-no-ki-2026", "guess-guess", "not-my-password"] {
        assert!(!text.contains(pw), "a password in the audit log: {pw}");
    }
}

#[test]
fn the_trainee_has_no_password_to_change() {
    let data = common::data_dir();
    // The embedded training service (training mode is how the desk started).
    let settings = Settings {
        data_dir: data.path().to_path_buf(),
        facility_code: "1312345678".into(),
        timeout_secs: 2,
        training_people: 50,
        training_seed: 7,
        ..Settings::default()
    };
    let desk = Desk::open(settings).unwrap();
    desk.connect();
    assert!(desk.context().status().training);
    assert_eq!(desk.context().signed_in(at(10, 0)).unwrap().staff_id, "trainee");
    let e = desk.staff.change_own_password(&change("", "ume-no-hana-2026", "ume-no-hana-2026"), at(10, 1)).unwrap_err();
    assert_eq!(e.message.id, "staff-password-change-trainee");
    // An account signed in over the trainee may.
    desk.staff.first_start(&account("kanri", "管理 花子"), at(10, 2)).unwrap();
    desk.staff.change_own_password(&change(PW, "ume-no-hana-2026", "ume-no-hana-2026"), at(10, 3)).unwrap();
}
