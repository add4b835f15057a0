//! Each feature service over a context of its own (a temporary store, not
//! connected), without a whole desk: what the service owns and does alone.

mod common;

use std::sync::{Arc, Mutex};

use madoguchi_app::batch::Batches;
use madoguchi_app::card_taps::CardTaps;
use madoguchi_app::checks::Checks;
use madoguchi_app::clinical::Medical;
use madoguchi_app::consents::{Consents, DisasterConsentInput};
use madoguchi_app::context::Context;
use madoguchi_app::disaster::{Disaster, LookupRoute};
use madoguchi_app::home_visit::HomeVisits;
use madoguchi_app::print::{Print, PrintKind};
use madoguchi_app::session::{AccountForm, Staff};
use madoguchi_app::settings::Settings;
use madoguchi_core::consent::DisasterBasis;
use madoguchi_core::matching::{DisasterQuery, MatchOutcome};
use madoguchi_core::message::{ApiError, Msg};
use madoguchi_core::staff::{Role, Session};
use madoguchi_core::ConsentCategory;

const PW: &str = "correct horse battery";

fn context(data: &std::path::Path) -> Arc<Context> {
    let settings = Settings { data_dir: data.to_path_buf(), file: Some(data.join("settings.json")), ..Default::default() };
    Arc::new(Context::open(settings).expect("a temporary store opens"))
}

/// A context connected to `url` (a real service on 127.0.0.1), not in
/// training mode.
fn connected(data: &std::path::Path, url: &str) -> Arc<Context> {
    let settings = Settings {
        data_dir: data.to_path_buf(),
        file: Some(data.join("settings.json")),
        service_url: Some(url.to_string()),
        facility_code: "1312345678".into(),
        timeout_secs: 5,
        ..Default::default()
    };
    let ctx = Arc::new(Context::open(settings).expect("a temporary store opens"));
    ctx.connect(|_| {});
    assert!(ctx.status().ready && !ctx.status().training, "{:?}", ctx.status());
    ctx
}

/// A real service of 200 people (`seed`), one of them, and a context over a
/// temporary store connected to it (keep the service and folder alive).
fn one_person(seed: u64) -> (common::TrainingService, common::Sample, common::DataDir, Arc<Context>) {
    let service = common::TrainingService::start(200, seed);
    let person = service.sample(1).remove(0);
    let data = common::data_dir();
    let ctx = connected(data.path(), &service.url);
    (service, person, data, ctx)
}

/// Someone signed in with `role`, through the staff service over `ctx`.
fn sign_in(ctx: &Arc<Context>, role: Role) {
    let staff = Staff::new(Arc::clone(ctx), Arc::new(CardTaps::default()));
    staff.sign_in_session(Session::new("s1", "職員 一郎", role, now()), now());
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

#[test]
fn checks_over_a_context_ask_the_real_service_and_record_the_answer() {
    let (_service, person, _data, ctx) = one_person(11);
    let checks = Checks::new(Arc::clone(&ctx));
    let before = ctx.audit_verify().unwrap().entries;

    let outcome = checks.check(&person.card_input(), now()).expect("the service answers");
    let id = outcome.check_id.expect("recorded");
    assert_eq!(outcome.result.person.as_ref().map(|p| p.name.clone()), Some(person.name.clone()));
    assert!(checks.checks_on(now().date()).unwrap().iter().any(|c| c.id == id));
    assert_eq!(checks.check_result(id).unwrap().map(|r| r.person.map(|p| p.name)), Some(Some(person.name.clone())));
    // The check's audit entry went with it.
    assert_eq!(ctx.audit_verify().unwrap().entries, before + 1);

    // A mistyped card: refused by the core, nothing asked, nothing recorded.
    let mut typo = person.card_input();
    typo.insurer_number = common::mistype_check_digit(&typo.insurer_number);
    assert_eq!(checks.check(&typo, now()).unwrap_err().message.id, "error-input");
    assert_eq!(checks.checks_on(now().date()).unwrap().len(), 1);
    assert_eq!(checks.pending_checks().unwrap(), 0);
}

#[test]
fn batches_over_a_context_import_a_list_and_run_it_against_the_real_service() {
    let service = common::TrainingService::start(200, 12);
    let people = service.sample(3);
    let data = common::data_dir();
    let ctx = connected(data.path(), &service.url);
    let batches = Batches::new(Arc::clone(&ctx));
    let today = now().date();
    let list = common::appointment_csv(&people, today);
    let import = batches.import(list.as_bytes(), Some("予約.csv"), now()).expect("the list is read");
    assert!(import.bad_rows.is_empty(), "{:?}", import.bad_rows);
    let id = import.batch.id;
    assert_eq!(batches.list(true).unwrap().iter().map(|b| b.id).collect::<Vec<_>>(), vec![id]);

    let run = batches.run(id, &|_| {}, now()).expect("the batch runs");
    assert!(run.stopped.is_none(), "{:?}", run.stopped);
    assert_eq!(run.report.lines.len(), 3);
    assert_eq!(run.report.count(madoguchi_core::appointments::Group::NotChecked), 0);
    // Finished: no longer among the unfinished; each row is a check of the day.
    assert!(batches.list(true).unwrap().is_empty());
    assert_eq!(Checks::new(Arc::clone(&ctx)).checks_on(today).unwrap().len(), 3);
    assert!(!batches.cancel(id), "not running any more");
}

#[test]
fn medical_views_over_a_context_are_refused_without_consent_and_logged() {
    let (_service, person, _data, ctx) = one_person(13);
    let check_id = Checks::new(Arc::clone(&ctx)).check(&person.card_input(), now()).unwrap().check_id.unwrap();
    let medical = Medical::new(Arc::clone(&ctx));

    // Nobody signed in: refused before anything of the check is read.
    assert!(medical.view(check_id, ConsentCategory::Medication, now()).is_err());
    sign_in(&ctx, Role::Qualified);
    let before = ctx.audit_verify().unwrap().entries;
    // A check over HTTP carries no card-reader consent: refused, and logged.
    let e = medical.view(check_id, ConsentCategory::Medication, now()).unwrap_err();
    assert!(e.message.id.starts_with("consent-refused"), "{:?}", e.message);
    assert!(ctx.audit_verify().unwrap().entries > before);
    let last = ctx.audit_entries().unwrap().pop().unwrap();
    assert!(last.outcome.starts_with("refused"), "{last:?}");
}

#[test]
fn printing_over_a_context_prints_the_slip_and_refuses_medication_without_consent() {
    let (_service, person, _data, ctx) = one_person(14);
    let outcome = Checks::new(Arc::clone(&ctx)).check(&person.card_input(), now()).unwrap();
    let key = outcome.result.qualification.as_ref().unwrap().person_key();
    let print = Print::new(Arc::clone(&ctx));
    sign_in(&ctx, Role::Qualified);

    let slip = print.print(PrintKind::Eligibility, &key, now()).expect("the eligibility slip");
    assert!(slip.starts_with(b"%PDF"));
    let e = print.print(PrintKind::MedicationList, &key, now()).unwrap_err();
    assert!(e.message.id.starts_with("consent-refused"), "{:?}", e.message);
    let last = ctx.audit_entries().unwrap().pop().unwrap();
    assert_eq!(last.outcome, "refused:medication:no_consent", "{last:?}");
    // A patient this desk never checked.
    assert_eq!(print.print(PrintKind::Eligibility, "06139999:1:1:", now()).unwrap_err().message.id, "print-no-patient");
}

#[test]
fn home_visits_over_a_context_say_the_service_answers_and_that_there_is_no_reader() {
    let service = common::TrainingService::start(200, 15);
    let data = common::data_dir();
    let ctx = connected(data.path(), &service.url);
    let visits = HomeVisits::new(Arc::clone(&ctx));
    let start = visits.start(now()).expect("the home-visit screen");
    assert!(start.online);
    assert!(start.patients.is_empty() && start.today.is_empty() && start.continuing.is_empty());
    // A live service has no home-visit reader on this machine: said, not pretended.
    assert_eq!(visits.begin(None, now()).unwrap_err().message.id, "home-visit-no-reader");
    assert_eq!(visits.card(now()).unwrap_err().message.id, "home-visit-not-started");
}

#[test]
fn the_disaster_service_over_a_context_refuses_an_incomplete_query_and_keeps_the_local_emergency() {
    let data = common::data_dir();
    let ctx = context(data.path());
    let disaster = Disaster::new(Arc::clone(&ctx));
    sign_in(&ctx, Role::Qualified);
    let query = DisasterQuery { name: "".into(), birth_date: "1950-01-01".into(), sex: "女".into(), hint: "".into() };
    let refused = disaster.lookup(&query, LookupRoute::Auto, now()).expect("refused in the answer");
    assert!(matches!(refused.outcome, MatchOutcome::Refused { .. }), "{:?}", refused.outcome);
    // Only an administrator declares the local emergency.
    assert!(disaster.declare_local_emergency("停電", now()).is_err());
    sign_in(&ctx, Role::Administrator);
    assert!(disaster.declare_local_emergency("  ", now()).is_err(), "a reason is needed");
    disaster.declare_local_emergency("停電", now()).expect("declared");
    assert_eq!(disaster.local_emergency().unwrap().map(|e| e.reason), Some(Some("停電".to_string())));
    assert!(disaster.end_local_emergency(now()).unwrap());
    assert!(disaster.local_emergency().unwrap().is_none());
}

#[test]
fn consents_over_a_context_record_a_disaster_consent_only_after_a_match() {
    let data = common::data_dir();
    let settings = Settings { data_dir: data.path().to_path_buf(), file: Some(data.path().join("settings.json")), training_people: 1_000, ..Default::default() };
    let ctx = Arc::new(Context::open(settings).unwrap());
    // The embedded training service (training mode: the trainee, qualified, is signed in).
    ctx.connect(|_| {});
    assert!(ctx.status().ready && ctx.status().training, "{:?}", ctx.status());
    let population = madoguchi_training::Population::open(&ctx.settings().training_db_path()).unwrap();
    population.open_disaster(13, now() - chrono::Duration::hours(1), Some(now() + chrono::Duration::days(3))).unwrap();
    let consents = Consents::new(Arc::clone(&ctx));
    let oral = DisasterConsentInput { categories: vec![ConsentCategory::Medication], basis: DisasterBasis::Oral };

    // A check at the counter is no disaster match: refused, nothing recorded.
    let people = madoguchi_training::sample(&ctx.settings().training_db_path(), 20).unwrap();
    let disaster = Disaster::new(Arc::clone(&ctx));
    let (found, lookup) = people
        .iter()
        .find_map(|p| {
            let q = DisasterQuery { name: p.name.clone(), birth_date: p.birth_date.to_string(), sex: p.sex.label_ja().to_string(), hint: p.address.clone() };
            let l = disaster.lookup(&q, LookupRoute::Auto, now()).unwrap();
            matches!(l.outcome, MatchOutcome::Found { .. }).then_some((p.clone(), l))
        })
        .expect("someone found");
    let other = people.iter().find(|p| p.name != found.name).unwrap();
    let card = madoguchi_core::validation::CardInput {
        insurer_number: other.insurer_number.clone(),
        symbol: other.symbol.clone(),
        number: other.number.clone(),
        branch: other.branch.clone(),
        birth_date: other.birth_date.to_string(),
    };
    let counter = Checks::new(Arc::clone(&ctx)).check(&card, now()).unwrap();
    let refused = consents.record_disaster(counter.check_id.unwrap(), &oral, now()).unwrap_err();
    assert_eq!(refused.message.id, "disaster-consent-no-match");

    // The person the look-up found: recorded, by the trainee, for medication only.
    let recorded = consents.record_disaster(lookup.check_id.unwrap(), &oral, now()).expect("recorded");
    assert_eq!(recorded.iter().map(|r| r.consent.category).collect::<Vec<_>>(), vec![ConsentCategory::Medication]);
    assert!(recorded.iter().all(|r| r.consent.recorded_by == madoguchi_app::session::TRAINEE_ID), "{recorded:?}");
    // Still none for the patient at the counter.
    assert!(consents.record_disaster(counter.check_id.unwrap(), &oral, now()).is_err());
    ctx.disconnect();
}
