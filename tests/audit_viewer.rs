//! The audit viewer and the staff screens' backend: role checks (only an
//! administrator reads or exports the audit log, and the refusal is logged),
//! the account forms (every bad input answered, field by field), the filters
//! and the CSV on a real audit file written by a desk talking to the real
//! training service, and the local emergency (administrators only).

mod common;

use chrono::{NaiveDate, NaiveDateTime};
use madoguchi_adapters::audit::AuditAction;
use madoguchi_app::audit_outcome::{Outcome, ResultChoice};
use madoguchi_app::audit_view::{AuditQuery, ChainState};
use madoguchi_app::consents::DisasterConsentInput;
use madoguchi_app::disaster::LookupRoute;
use madoguchi_app::session::PasswordChangeForm;
use madoguchi_core::consent::DisasterBasis;
use madoguchi_core::matching::{DisasterQuery, MatchOutcome};
use madoguchi_core::ConsentCategory;
use madoguchi_app::desk::Desk;
use madoguchi_app::session::AccountForm;
use madoguchi_app::settings::Settings;
use madoguchi_core::staff::Role;
use madoguchi_core::validation::CardInput;

const PW: &str = "sakura-no-hana-2026";

fn form(id: &str, name: &str, pw: &str, confirm: &str) -> AccountForm {
    AccountForm { staff_id: id.into(), display_name: name.into(), password: pw.into(), confirm: confirm.into() }
}

fn problems(e: &madoguchi_core::message::ApiError) -> Vec<(String, String)> {
    e.form.iter().map(|p| (p.field.clone(), p.message.id.clone())).collect()
}

fn at(day: u32, h: u32, m: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, day).unwrap().and_hms_opt(h, m, 0).unwrap()
}


#[test]
fn first_start_answers_every_bad_input_then_signs_the_administrator_in() {
    let data = common::data_dir();
    let desk = common::real_desk(data.path());
    let now = at(20, 8, 0);
    let gate = desk.staff.staff_gate(now).unwrap();
    assert!(gate.needs_first_setup && gate.signed_in.is_none() && !gate.training && !gate.connecting);

    // Everything wrong at once: each field says what.
    let e = desk.staff.first_start(&form("a b", " ", "short", "other"), now).unwrap_err();
    assert_eq!(e.message.id, "staff-form-invalid");
    assert_eq!(
        problems(&e),
        [
            ("staff_id".into(), "staff-invalid-id".into()),
            ("display_name".into(), "staff-missing-display-name".into()),
            ("password".into(), "staff-password-too-short".into()),
            ("confirm".into(), "staff-password-mismatch".into()),
        ]
    );
    // Nothing typed at all.
    let e = desk.staff.first_start(&form("", "", "", ""), now).unwrap_err();
    assert_eq!(
        problems(&e),
        [
            ("staff_id".into(), "staff-invalid-id".into()),
            ("display_name".into(), "staff-missing-display-name".into()),
            ("password".into(), "staff-password-missing".into()),
        ]
    );
    // The second typing missing, or different.
    let e = desk.staff.first_start(&form("admin", "管理 太郎", PW, ""), now).unwrap_err();
    assert_eq!(problems(&e), [("confirm".into(), "staff-password-confirm-missing".into())]);
    let e = desk.staff.first_start(&form("admin", "管理 太郎", PW, "sakura-no-hana-2025"), now).unwrap_err();
    assert_eq!(problems(&e), [("confirm".into(), "staff-password-mismatch".into())]);
    // The password may not be the id.
    let e = desk.staff.first_start(&form("admin-tanaka", "管理 太郎", "admin-tanaka", "admin-tanaka"), now).unwrap_err();
    assert_eq!(problems(&e), [("password".into(), "staff-password-same-as-id".into())]);
    assert!(desk.staff.needs_first_setup().unwrap(), "nothing was created");

    let who = desk.staff.first_start(&form(" admin ", "管理 太郎", PW, PW), now).unwrap();
    assert_eq!((who.staff_id.as_str(), who.role), ("admin", Role::Administrator));
    let gate = desk.staff.staff_gate(now).unwrap();
    assert!(!gate.needs_first_setup);
    assert_eq!(gate.signed_in.unwrap().staff_id, "admin");
    // Only once.
    let e = desk.staff.first_start(&form("admin2", "管理 次郎", PW, PW), now).unwrap_err();
    assert_eq!(e.message.id, "staff-first-setup-done");

    // The administrator adds staff; the same checks, and a taken id is said
    // under the id.
    let e = desk.staff.add_staff(&form("uketsuke", "受付 花子", PW, "x"), Role::Receptionist, now).unwrap_err();
    assert_eq!(problems(&e), [("confirm".into(), "staff-password-mismatch".into())]);
    desk.staff.add_staff(&form("uketsuke", "受付 花子", PW, PW), Role::Receptionist, now).unwrap();
    let e = desk.staff.add_staff(&form("uketsuke", "受付 次郎", PW, PW), Role::Receptionist, now).unwrap_err();
    assert_eq!(problems(&e), [("staff_id".into(), "staff-account-exists".into())]);
    let list = desk.staff.staff_list(now).unwrap();
    assert_eq!(
        list.iter().map(|a| (a.staff_id.as_str(), a.role)).collect::<Vec<_>>(),
        [("admin", Role::Administrator), ("uketsuke", Role::Receptionist)]
    );

    // Signed out: the sign-in screen (nobody signed in); a receptionist may
    // neither list nor add staff.
    desk.staff.sign_out(now);
    assert!(desk.staff.staff_gate(now).unwrap().signed_in.is_none());
    desk.staff.sign_in("uketsuke", PW, now).unwrap();
    assert_eq!(desk.staff.staff_list(now).unwrap_err().message.id, "staff-refused");
    assert_eq!(desk.staff.add_staff(&form("x", "x", PW, PW), Role::Administrator, now).unwrap_err().message.id, "staff-refused");

    // The idle lock: the sign-in screen comes back for the same person.
    let later = now + chrono::Duration::minutes(11);
    let gate = desk.staff.staff_gate(later).unwrap();
    assert!(gate.signed_in.is_none());
    assert_eq!(gate.locked.as_deref(), Some("uketsuke"));
    // Activity in the window keeps a session open.
    desk.staff.sign_in("uketsuke", PW, later).unwrap();
    assert!(desk.staff.staff_gate(later).unwrap().locked.is_none());
    let busy = later + chrono::Duration::minutes(8);
    assert!(desk.staff.touch_session(busy).is_some());
    assert!(desk.staff.staff_gate(busy + chrono::Duration::minutes(8)).unwrap().signed_in.is_some());
}

#[test]
fn only_an_administrator_reads_or_exports_the_audit_log() {
    let data = common::data_dir();
    let desk = common::real_desk(data.path());
    let now = at(20, 9, 0);
    desk.staff.first_start(&form("admin", "管理 太郎", PW, PW), now).unwrap();
    desk.staff.add_staff(&form("uketsuke", "受付 花子", PW, PW), Role::Receptionist, now).unwrap();
    desk.staff.add_staff(&form("dr", "医師 一郎", PW, PW), Role::Qualified, now).unwrap();
    desk.staff.sign_out(now);

    // Nobody signed in.
    let e = desk.audit_view.audit_page(&AuditQuery::default(), now).unwrap_err();
    assert_eq!(e.message.id, "staff-refused-not-signed-in");

    for (id, role) in [("uketsuke", "receptionist"), ("dr", "qualified")] {
        desk.staff.sign_in(id, PW, now).unwrap();
        let e = desk.audit_view.audit_page(&AuditQuery::default(), now).unwrap_err();
        assert_eq!(e.message.id, "staff-refused");
        assert!(e.message.args.contains(&("action".into(), "view_audit".into())), "{e:?}");
        assert!(e.message.args.contains(&("role".into(), role.into())), "{e:?}");
        let e = desk.audit_view.audit_export_csv_to(&AuditQuery::default(), data.path(), now).unwrap_err();
        assert_eq!(e.message.id, "staff-refused");
        assert!(e.message.args.contains(&("action".into(), "export_audit".into())), "{e:?}");
        // Nor may they declare the local emergency.
        assert_eq!(desk.disaster.declare_local_emergency("回線断", now).unwrap_err().message.id, "staff-refused");
        desk.staff.sign_out(now);
    }
    assert!(!std::fs::read_dir(data.path()).unwrap().any(|f| f.unwrap().file_name().to_string_lossy().ends_with(".csv")), "no file for a refusal");

    // The administrator sees the refusals, newest first, the chain intact.
    desk.staff.sign_in("admin", PW, now).unwrap();
    let page = desk.audit_view.audit_page(&AuditQuery { outcome: "denied".into(), ..AuditQuery::default() }, now).unwrap();
    assert!(matches!(page.chain, ChainState::Intact { .. }), "{:?}", page.chain);
    let denied: Vec<(&str, &str)> = page.entries.iter().map(|e| (e.staff_id.as_str(), e.action.as_str())).collect();
    assert_eq!(
        denied,
        [
            ("dr", "local_emergency"),
            ("dr", "audit_export"),
            ("dr", "audit_view"),
            ("uketsuke", "local_emergency"),
            ("uketsuke", "audit_export"),
            ("uketsuke", "audit_view"),
        ]
    );
    assert_eq!(page.total, 6);
    // The administrator declares the local emergency with a reason, and ends it.
    assert_eq!(desk.disaster.declare_local_emergency(" ", now).unwrap_err().message.id, "disaster-emergency-reason-missing");
    let e = desk.disaster.declare_local_emergency("停電", now).unwrap();
    assert_eq!((e.declared_by.as_str(), e.reason.as_deref()), ("admin", Some("停電")));
    assert!(desk.disaster.local_emergency().unwrap().is_some());
    assert!(desk.disaster.end_local_emergency(now).unwrap());
    assert!(desk.disaster.local_emergency().unwrap().is_none());
}

#[test]
fn the_filters_and_the_csv_are_right_on_a_real_audit_file() {
    let data = common::data_dir();
    // The embedded training service: training mode is how the desk started.
    let settings = Settings {
        data_dir: data.path().to_path_buf(),
        facility_code: "1312345678".into(),
        timeout_secs: 2,
        training_people: 1_000,
        training_seed: 37,
        ..Settings::default()
    };
    let desk = Desk::open(settings).unwrap();
    desk.connect();
    assert!(desk.context().status().training, "{:?}", desk.context().status());
    let people: Vec<_> = common::sample_people(&desk.context().settings().training_db_path(), 1_000, 37, 6)
        .into_iter()
        .filter(|p| p.expected_validity == "valid")
        .take(2)
        .collect();
    assert_eq!(people.len(), 2, "two valid people in the sample");
    let card = |p: &common::Sample| CardInput {
        insurer_number: p.insurer_number.clone(),
        symbol: p.symbol.clone(),
        number: p.number.clone(),
        branch: p.branch.clone(),
        birth_date: p.birth_date.clone(),
    };
    let key = |p: &common::Sample| format!("{}:{}:{}:{}", p.insurer_number, p.symbol, p.number, p.branch);

    // Three days of work: the trainee checks patients; an administrator
    // (an account, signed in from the top bar in training mode too) looks.
    desk.staff.first_start(&form("kanri", "管理 花子", PW, PW), at(18, 8, 0)).unwrap();
    desk.staff.sign_out(at(18, 8, 1));
    assert_eq!(desk.context().signed_in(at(18, 8, 2)).unwrap().staff_id, "trainee", "back to the trainee");
    desk.checks.check(&card(&people[0]), at(18, 9, 0)).unwrap();
    desk.checks.check(&card(&people[1]), at(19, 9, 0)).unwrap();
    desk.checks.check(&card(&people[0]), at(20, 9, 0)).unwrap();
    let wrong = desk.staff.sign_in("kanri", "not-the-password", at(20, 9, 30)).unwrap_err();
    assert_eq!(wrong.message.id, "staff-login-wrong");
    desk.staff.sign_in("kanri", PW, at(20, 10, 0)).unwrap();

    let page = |q: AuditQuery| desk.audit_view.audit_page(&q, at(20, 10, 5)).unwrap();
    let all = page(AuditQuery::default());
    assert!(matches!(all.chain, ChainState::Intact { .. }));
    let seqs: Vec<i64> = all.entries.iter().map(|e| e.seq).collect();
    let mut sorted = seqs.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(seqs, sorted, "newest first");
    assert_eq!(all.entries[0].action, AuditAction::AuditView.code(), "the view itself is logged first");
    // The checks were logged in the trainee's name, with the patient.
    let checks: Vec<_> = all.entries.iter().filter(|e| e.action == AuditAction::EligibilityCheck.code()).collect();
    assert_eq!(checks.len(), 3);
    assert!(checks.iter().all(|e| e.staff_id == "trainee" && e.role == Some(Role::Qualified)), "{checks:?}");
    // Every outcome in words, in both languages; the code kept beside them.
    for e in &all.entries {
        let words = e.outcome_words.as_ref().unwrap_or_else(|| panic!("no words for {} {}", e.action.as_str(), e.outcome));
        assert!(!words.ja.is_empty() && !words.en.is_empty() && words.ja != e.outcome, "{e:?}");
    }
    assert_eq!(checks[0].outcome_words.as_ref().unwrap().en, "Eligible (valid)");

    // Patient key.
    let p0 = page(AuditQuery { patient_key: key(&people[0]), action: "eligibility_check".into(), ..AuditQuery::default() });
    assert_eq!(p0.entries.iter().map(|e| e.at).collect::<Vec<_>>(), [at(20, 9, 0), at(18, 9, 0)]);
    // Period: both days inclusive.
    let day19 = page(AuditQuery { from: "2026-11-19".into(), to: "R8.11.19".into(), action: "eligibility_check".into(), ..AuditQuery::default() });
    assert_eq!(day19.entries.len(), 1);
    assert_eq!(day19.entries[0].patient_key.as_deref(), Some(key(&people[1]).as_str()));
    let from19 = page(AuditQuery { from: "20261119".into(), action: "eligibility_check".into(), ..AuditQuery::default() });
    assert_eq!(from19.total, 2);
    // Staff and result.
    let failed = page(AuditQuery { staff_id: "kanri".into(), outcome: "staff-login-wrong".into(), ..AuditQuery::default() });
    assert_eq!(failed.entries.len(), 1);
    assert_eq!(failed.entries[0].action, AuditAction::LoginFailed.code());
    let valid = page(AuditQuery { outcome: "1".into(), ..AuditQuery::default() });
    assert_eq!(valid.total, 3, "a check's result is its validity code (1 = 有効)");
    let nobody = page(AuditQuery { staff_id: "trainee".into(), action: "login_failed".into(), ..AuditQuery::default() });
    assert!(nobody.entries.is_empty() && nobody.total == 0);

    // Bad filters: every problem said, nothing searched.
    let e = desk.audit_view.audit_page(&AuditQuery { from: "11/40".into(), to: "2026-11-18".into(), ..AuditQuery::default() }, at(20, 10, 6)).unwrap_err();
    assert_eq!(problems(&e), [("from".into(), "audit-filter-date-invalid".into())]);
    let e = desk.audit_view.audit_page(&AuditQuery { from: "2026-11-20".into(), to: "2026-11-18".into(), ..AuditQuery::default() }, at(20, 10, 6)).unwrap_err();
    assert_eq!(problems(&e), [("to".into(), "audit-filter-period-reversed".into())]);

    // The CSV of one patient: BOM, header, CRLF, the entries in order, and
    // the export itself logged.
    let x = desk
        .audit_view.audit_export_csv_to(&AuditQuery { patient_key: key(&people[0]), ..AuditQuery::default() }, data.path(), at(20, 10, 7))
        .unwrap();
    assert_eq!(x.entries, 3, "two checks and the filtered view");
    assert!(x.path.ends_with("madoguchi-audit-20261120-100700.csv"), "{}", x.path);
    let bytes = std::fs::read(&x.path).unwrap();
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "UTF-8 with a BOM, for Excel");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines[0], "seq,at,staff_id,role,action,patient_key,outcome,outcome_words,reason,detail,prev_hash,hash");
    assert_eq!(lines.len(), 4, "{text}");
    assert!(lines[1].contains(",2026-11-18T09:00:00.000000000,trainee,qualified,eligibility_check,") && lines[1].contains(&key(&people[0])), "{}", lines[1]);
    // The outcome as stored, then in words (the desk's language: Japanese).
    assert!(lines[1].contains(",1,資格あり（有効）,"), "{}", lines[1]);
    assert!(lines[3].contains(",ok,完了,"), "{}", lines[3]);
    assert!(lines[2].contains(",2026-11-20T09:00:00.000000000,trainee,qualified,eligibility_check,"), "{}", lines[2]);
    assert!(lines[3].contains(",kanri,administrator,audit_view,"), "{}", lines[3]);
    let exports = page(AuditQuery { action: "audit_export".into(), ..AuditQuery::default() });
    assert_eq!(exports.entries.len(), 1);
    assert_eq!(exports.entries[0].staff_id, "kanri");

    // Signing out returns the training desk to the trainee, who may not look.
    desk.staff.sign_out(at(20, 10, 8));
    let e = desk.audit_view.audit_page(&AuditQuery::default(), at(20, 10, 9)).unwrap_err();
    assert_eq!(e.message.id, "staff-refused");
    assert!(e.message.args.contains(&("role".into(), "qualified".into())));
}

/// The result chosen in words finds exactly the entries it names — on a real
/// audit log written by a training desk (embedded service and terminal, a
/// disaster window open) doing real work: checks, disaster look-ups, medical
/// views refused and allowed, staff changes refused and done, a failed
/// sign-in, a role refusal. Among them, entries whose code a raw filter
/// would confuse: a staff change's `refused:ID`, a look-up's `refused`, a
/// disaster consent's `refused:no_match`.
#[test]
fn each_result_in_words_finds_exactly_the_entries_it_names_on_a_real_log() {
    let now = || chrono::Local::now().naive_local();
    let data = common::data_dir();
    let settings = Settings { data_dir: data.path().to_path_buf(), training_people: 1_000, ..Settings::default() };
    let desk = Desk::open(settings).unwrap();
    desk.connect();
    assert!(desk.context().status().ready && desk.context().status().training, "{:?}", desk.context().status());
    let population = madoguchi_training::Population::open(&desk.context().settings().training_db_path()).unwrap();
    population.open_disaster(13, now() - chrono::Duration::hours(1), Some(now() + chrono::Duration::days(3))).unwrap();
    let people = madoguchi_training::sample(&desk.context().settings().training_db_path(), 200).unwrap();
    let card = |p: &madoguchi_training::SamplePerson| CardInput {
        insurer_number: p.insurer_number.clone(),
        symbol: p.symbol.clone(),
        number: p.number.clone(),
        branch: p.branch.clone(),
        birth_date: p.birth_date.to_string(),
    };
    let query = |p: &madoguchi_training::SamplePerson| DisasterQuery {
        name: p.name.clone(),
        birth_date: p.birth_date.to_string(),
        sex: p.sex.label_ja().to_string(),
        hint: p.address.clone(),
    };

    // Disaster look-ups: one found, one nobody, one refused for a missing field.
    let mut found = None;
    for p in &people {
        let l = desk.disaster.lookup(&query(p), LookupRoute::Auto, now()).unwrap();
        if let MatchOutcome::Found { key, .. } = &l.outcome {
            found = l.check_id.map(|c| (c, key.clone()));
            break;
        }
    }
    let (found, found_key) = found.expect("somebody found");
    // The trainee at the counter: one eligible patient, one not (neither the
    // person found).
    let key = |p: &madoguchi_training::SamplePerson| format!("{}:{}:{}:{}", p.insurer_number, p.symbol, p.number, p.branch);
    let eligible = people.iter().find(|p| p.expected_validity.is_valid() && key(p) != found_key).expect("an eligible person");
    let not_eligible = people.iter().find(|p| !p.expected_validity.is_valid() && key(p) != found_key).expect("a person not eligible");
    let typed = desk.checks.check(&card(eligible), now()).unwrap().check_id.unwrap();
    desk.checks.check(&card(not_eligible), now()).unwrap();
    let nobody = DisasterQuery { name: "該当 なしこ".into(), ..query(not_eligible) };
    assert!(matches!(desk.disaster.lookup(&nobody, LookupRoute::Auto, now()).unwrap().outcome, MatchOutcome::NotFound { .. }));
    let missing = DisasterQuery { name: String::new(), ..query(not_eligible) };
    // A missing name: refused before any search (logged `refused`, below).
    let refused = desk.disaster.lookup(&missing, LookupRoute::Auto, now()).unwrap().outcome;
    assert_eq!(refused, MatchOutcome::Refused { problems: vec![madoguchi_core::matching::QueryProblem::Missing { field: madoguchi_core::matching::QueryField::Name }] });
    // Medical information: refused without consent, then shown after the oral consent.
    assert!(desk.medical.view(found, ConsentCategory::Medication, now()).is_err());
    let oral = DisasterConsentInput { categories: vec![ConsentCategory::Medication], basis: DisasterBasis::Oral };
    desk.consents.record_disaster(found, &oral, now()).unwrap();
    desk.medical.view(found, ConsentCategory::Medication, now()).unwrap();
    // A disaster consent for a patient no look-up found: `consent` `refused:no_match`.
    assert!(desk.consents.record_disaster(typed, &oral, now()).is_err());
    // The trainee may not read the audit log: `denied`.
    assert_eq!(desk.audit_view.audit_page(&AuditQuery::default(), now()).unwrap_err().message.id, "staff-refused");

    // An administrator: a refused staff change, a password changed after a
    // wrong current one, a failed sign-in.
    desk.staff.first_start(&form("kanri", "管理 花子", PW, PW), now()).unwrap();
    assert!(desk.staff.disable_staff("kanri", now()).is_err());
    let change = |current: &str| PasswordChangeForm { current: current.into(), password: "ume-no-hana-2026".into(), confirm: "ume-no-hana-2026".into() };
    assert!(desk.staff.change_own_password(&change("not-the-password"), now()).is_err());
    desk.staff.change_own_password(&change(PW), now()).unwrap();
    desk.staff.sign_out(now());
    assert!(desk.staff.sign_in("kanri", PW, now()).is_err());
    desk.staff.sign_in("kanri", "ume-no-hana-2026", now()).unwrap();
    // Away from the desk too long: the session locks, and the next medical
    // view is refused (`not_signed_in`, the lock as the reason).
    let away = now() + chrono::Duration::minutes(madoguchi_core::staff::DEFAULT_IDLE_LIMIT_MINUTES + 1);
    assert_eq!(desk.medical.view(found, ConsentCategory::Medication, away).unwrap_err().message.id, "staff-refused-locked");
    desk.staff.sign_in("kanri", "ume-no-hana-2026", now()).unwrap();

    let all = desk.audit_view.audit_page(&AuditQuery::default(), now()).unwrap();
    assert!(all.total < 500, "the whole log is on the page");
    // The choices the window offers, in words.
    assert_eq!(all.results.iter().map(|r| r.code.as_str()).collect::<Vec<_>>(), ResultChoice::ALL.iter().map(|c| c.code()).collect::<Vec<_>>());
    assert!(all.results.iter().all(|r| !r.words.ja.is_empty() && !r.words.en.is_empty()));
    let result = |choice: ResultChoice| desk.audit_view.audit_page(&AuditQuery { result: choice.code().into(), ..AuditQuery::default() }, now()).unwrap();
    let mut covered = Vec::new();
    for choice in ResultChoice::ALL {
        let page = result(*choice);
        let got: Vec<i64> = page.entries.iter().map(|e| e.seq).collect();
        let named: Vec<i64> = all
            .entries
            .iter()
            .filter(|e| Outcome::parse(e.action.as_str(), &e.outcome).is_some_and(|o| choice.names(e.action.as_str(), &o)))
            .map(|e| e.seq)
            .collect();
        assert_eq!(got, named, "{choice:?}");
        assert_eq!(page.total as usize, named.len(), "{choice:?}");
        if !named.is_empty() {
            covered.push(*choice);
        }
    }
    // Every choice but those whose paths this desk did not walk (their codes
    // are checked in `audit_outcome`'s tests; a restore's roll-back in
    // `tests/audit_anchor.rs`) found something here.
    use ResultChoice as C;
    let walked: Vec<ResultChoice> =
        C::ALL.iter().copied().filter(|c| !matches!(c, C::Ambiguous | C::IdentityFailed | C::ChainBroken | C::RolledBack)).collect();
    assert!(walked.iter().all(|c| covered.contains(c)), "{covered:?}");

    // What each names, by hand.
    let codes = |choice: ResultChoice| -> Vec<(String, String)> {
        result(choice).entries.iter().rev().map(|e| (e.action.as_str().to_string(), e.outcome.clone())).collect()
    };
    let pair = |a: &str, o: &str| (a.to_string(), o.to_string());
    assert_eq!(codes(C::ConsentRefused), [pair("medical_view", "refused:medication:no_consent")]);
    assert_eq!(codes(C::Allowed), [pair("medical_view", "allowed:medication")]);
    assert_eq!(codes(C::Found), [pair("disaster_lookup", "found")]);
    let not_found = codes(C::NotFound);
    assert!(!not_found.is_empty() && not_found.iter().all(|p| *p == pair("disaster_lookup", "not_found")), "{not_found:?}");
    assert_eq!(codes(C::Denied), [pair("audit_view", "denied")]);
    assert_eq!(codes(C::NotSignedIn), [pair("medical_view", "not_signed_in")]);
    assert_eq!(codes(C::StaffChangeRefused), [pair("staff_change", "refused:kanri"), pair("staff_change", "refused:kanri")]);
    assert_eq!(codes(C::PasswordSet), [pair("staff_change", "password_changed:kanri")]);
    assert_eq!(codes(C::LoginFailed), [pair("login_failed", "staff-login-wrong")]);
    let checks = codes(C::Eligible).len() + codes(C::NotEligible).len();
    assert!(checks >= 2, "two typed checks: {checks}");
    // The raw code would have mixed them up: `refused` under any action.
    let raw = desk.audit_view.audit_page(&AuditQuery { outcome: "refused".into(), ..AuditQuery::default() }, now()).unwrap();
    let actions: std::collections::BTreeSet<&str> = raw.entries.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions.into_iter().collect::<Vec<_>>(), ["consent", "disaster_lookup", "medical_view", "staff_change"]);

    // A result the viewer does not offer: said under the field, nothing searched.
    let e = desk.audit_view.audit_page(&AuditQuery { result: "refused".into(), ..AuditQuery::default() }, now()).unwrap_err();
    assert_eq!(problems(&e), [("result".into(), "audit-filter-result-unknown".into())]);
    // With the other filters: all hold.
    let mine = desk.audit_view.audit_page(&AuditQuery { result: "staff_change_refused".into(), staff_id: "trainee".into(), ..AuditQuery::default() }, now()).unwrap();
    assert_eq!(mine.total, 0);
}
