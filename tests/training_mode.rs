//! Training mode is how the desk was started — the embedded training service
//! it spawned itself — never what an OQS folder or a service says about
//! itself (issue 12, item 1). On a real desk (facility code set, an
//! administrator registered) a `TRAINING` file in the configured OQS folder,
//! a service answering `"training": true`, or a service that starts saying
//! so mid-session gives a banner and no sign-in: every medical, print,
//! disaster and settings path is refused with `staff-refused-not-signed-in`,
//! and each refusal is in the audit log (item 9). And the trainee of real
//! training mode never sees a check that came from elsewhere.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use madoguchi_adapters::audit::AuditAction;
use madoguchi_app::consents::DisasterConsentInput;
use madoguchi_app::desk::Desk;
use madoguchi_app::disaster::LookupRoute;
use madoguchi_app::print::PrintKind;
use madoguchi_app::settings::Settings;
use madoguchi_core::consent::{DisasterBasis, DESK_CATEGORIES};
use madoguchi_core::matching::DisasterQuery;
use madoguchi_core::staff::Role;
use madoguchi_core::validation::CardInput;
use madoguchi_core::EligibilityQuery;

const PW: &str = "sakura-no-hana-2026";

fn now() -> chrono::NaiveDateTime {
    chrono::Local::now().naive_local()
}

/// A desk with `settings` in `data`, connected, its first administrator
/// registered and signed out again: a real desk that nobody is signed in at.
fn real_desk_with(data: &Path, mut settings: Settings) -> Arc<Desk> {
    settings.data_dir = data.to_path_buf();
    settings.facility_code = "1312345678".into();
    settings.file = Some(data.join("settings.json"));
    let desk = Desk::open(settings).unwrap();
    desk.connect();
    desk.staff.create_first_administrator("admin", "管理 太郎", PW, now()).unwrap();
    assert!(desk.context().signed_in(now()).is_none());
    desk
}

/// The card of a person of a synthetic population, as typed at the desk.
fn typed(p: &madoguchi_training::SamplePerson) -> CardInput {
    CardInput {
        insurer_number: p.insurer_number.clone(),
        symbol: p.symbol.clone(),
        number: p.number.clone(),
        branch: p.branch.clone(),
        birth_date: p.birth_date.to_string(),
    }
}

/// Every medical, print, disaster and settings path of the desk, asked with
/// nobody signed in: each is refused with `staff-refused-not-signed-in`,
/// each refusal is one `not_signed_in` audit entry under its action with
/// nobody's staff id, nobody is signed in afterwards, and the trainee never
/// appears in the log.
fn every_path_is_refused_not_signed_in(desk: &Desk, check_id: i64, patient_key: &str) {
    let before = desk.context().audit_entries().unwrap().len();
    let mut asked: Vec<(&str, AuditAction, Result<(), madoguchi_core::message::ApiError>)> = Vec::new();
    for &c in DESK_CATEGORIES {
        asked.push(("view_medical", AuditAction::MedicalView, desk.medical.view(check_id, c, now()).map(drop)));
    }
    for k in PrintKind::ALL {
        asked.push(("print_to_file", AuditAction::Print, desk.print.to_file(check_id, k, now()).map(drop)));
        asked.push(("print", AuditAction::Print, desk.print.print(k, patient_key, now()).map(drop)));
    }
    let query = DisasterQuery { name: "山田太郎".into(), birth_date: "S61.4.12".into(), sex: "男".into(), hint: "中野区".into() };
    for route in [LookupRoute::Auto, LookupRoute::Offline] {
        asked.push(("disaster_lookup", AuditAction::DisasterLookup, desk.disaster.lookup(&query, route, now()).map(drop)));
    }
    let consent = DisasterConsentInput { categories: DESK_CATEGORIES.to_vec(), basis: DisasterBasis::Oral };
    asked.push(("record_disaster_consent", AuditAction::Consent, desk.consents.record_disaster(check_id, &consent, now()).map(drop)));
    let mut settings = desk.context().settings();
    settings.staff = "changed".into();
    asked.push(("change_settings", AuditAction::SettingChange, desk.change_settings(settings, now()).map(drop)));
    asked.push(("declare_local_emergency", AuditAction::LocalEmergency, desk.disaster.declare_local_emergency("停電", now()).map(drop)));

    for (path, _, answer) in &asked {
        let e = answer.as_ref().err().unwrap_or_else(|| panic!("{path} answered with nobody signed in"));
        assert_eq!(e.message.id, "staff-refused-not-signed-in", "{path}");
    }
    assert!(desk.context().signed_in(now()).is_none(), "nobody was signed in automatically");
    assert_eq!(desk.context().settings().staff, "desk", "the settings did not change");

    let log = desk.context().audit_entries().unwrap();
    let new: Vec<_> = log[before..].iter().collect();
    let refusals: Vec<_> = new.iter().filter(|e| e.outcome == "not_signed_in").collect();
    assert_eq!(refusals.len(), asked.len(), "one audit entry per refusal: {new:#?}");
    for ((path, action, _), e) in asked.iter().zip(&refusals) {
        assert_eq!(&e.action, action, "{path}");
        assert_eq!(e.staff_id, madoguchi_app::audit_outcome::NOBODY, "{path}");
        assert_eq!(e.role, None, "{path}");
        assert_eq!(e.reason.as_deref(), Some("staff-refused-not-signed-in"), "{path}");
    }
    assert!(!log.iter().any(|e| e.staff_id == "trainee"), "the trainee was never signed in: {log:#?}");
    assert!(desk.context().audit_verify().is_ok());
}

#[test]
fn a_training_file_in_the_oqs_folder_is_a_banner_and_nobody_is_signed_in() {
    let data = common::data_dir();
    let oqs = data.path().join("OQS");
    std::fs::create_dir_all(&oqs).unwrap();
    // What anyone who can write the terminal's share can do: the training
    // terminal plays the terminal there and writes its `TRAINING` file.
    let population = madoguchi_training::generate(&data.path().join("pop.sqlite"), 300, 5).unwrap();
    let person = population.sample_on(1, now().date()).unwrap().remove(0);
    let _terminal = madoguchi_training::terminal::spawn(&oqs, population).unwrap();
    assert!(oqs.join(madoguchi_adapters::oqs::folder::TRAINING_MARKER).is_file());

    let desk = real_desk_with(&data.path().join("desk"), Settings { oqs_dir: Some(oqs.clone()), ..Settings::default() });
    let status = desk.context().status();
    assert!(status.ready && !status.training, "{status:?}");
    assert_eq!(status.training_claim.as_ref().map(|m| m.id.as_str()), Some("status-training-claimed"), "{status:?}");
    assert!(!desk.staff.staff_gate(now()).unwrap().training);

    let input = typed(&person);
    let checked = desk.checks.check(&input, now()).unwrap();
    let key = checked.result.qualification.as_ref().unwrap().person_key();
    every_path_is_refused_not_signed_in(&desk, checked.check_id.unwrap(), &key);
    desk.shutdown();
}

#[test]
fn a_service_that_says_it_is_a_training_service_is_a_banner_and_nobody_is_signed_in() {
    // The real training service, run as an outside service the settings name.
    let service = common::TrainingService::start(300, 6);
    let data = common::data_dir();
    let desk = real_desk_with(data.path(), Settings { service_url: Some(service.url.clone()), timeout_secs: 5, ..Settings::default() });
    let status = desk.context().status();
    assert!(status.ready && !status.training && status.problem.is_none(), "{status:?}");
    assert_eq!(status.training_claim.as_ref().map(|m| m.id.as_str()), Some("status-training-claimed"), "{status:?}");
    assert!(status.training_claim.as_ref().unwrap().args.contains(&("target".to_string(), service.url.clone())));

    let person = service.sample(1).remove(0);
    let checked = desk.checks.check(&person.card_input(), now()).unwrap();
    let key = checked.result.qualification.as_ref().unwrap().person_key();
    every_path_is_refused_not_signed_in(&desk, checked.check_id.unwrap(), &key);

    // Signed in, the access slip of a patient whose medical information
    // nobody viewed today is refused — and that refusal is logged too.
    desk.staff.sign_in("admin", PW, now()).unwrap();
    desk.staff.create_account("dr", "医師 一郎", Role::Qualified, PW, now()).unwrap();
    desk.staff.sign_out(now());
    desk.staff.sign_in("dr", PW, now()).unwrap();
    let e = desk.print.to_file(checked.check_id.unwrap(), PrintKind::AccessSlip, now()).unwrap_err();
    assert_eq!(e.message.id, "print-nothing-viewed");
    let last = desk.context().audit_entries().unwrap().pop().unwrap();
    assert_eq!(
        (last.staff_id.as_str(), last.action, last.outcome.as_str(), last.reason.as_deref(), last.patient_key.as_deref()),
        ("dr", AuditAction::Print.into(), "not_printed:access-slip", Some("print-nothing-viewed"), Some(key.as_str()))
    );
    desk.shutdown();
}

/// A loopback eligibility service over a synthetic population whose
/// `/api/v1/health` says `"training"` as the test chooses, switched while
/// the desk runs. One request per connection; bound on port 0.
struct SwitchingService {
    url: String,
    claims_training: Arc<AtomicBool>,
}

fn switching_service(population: madoguchi_training::Population) -> SwitchingService {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let claims_training = Arc::new(AtomicBool::new(false));
    let claims = Arc::clone(&claims_training);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let claims = Arc::clone(&claims);
            let population = population.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
                let mut length = 0;
                loop {
                    let mut h = String::new();
                    reader.read_line(&mut h).unwrap();
                    if h.trim().is_empty() {
                        break;
                    }
                    if let Some((name, value)) = h.split_once(':') {
                        if name.eq_ignore_ascii_case("content-length") {
                            length = value.trim().parse().unwrap();
                        }
                    }
                }
                let mut body = vec![0; length];
                reader.read_exact(&mut body).unwrap();
                let answer = match path.as_str() {
                    "/api/v1/health" => serde_json::json!({
                        "service": "clinic-gateway",
                        "training": claims.load(Ordering::SeqCst),
                        "people": 0,
                        "version": "1",
                    })
                    .to_string(),
                    "/api/v1/eligibility" => {
                        let q: EligibilityQuery = serde_json::from_slice(&body).unwrap();
                        let mut r = population.confirm(&q, chrono::Local::now().naive_local()).unwrap().unwrap();
                        r.source = madoguchi_core::ResultSource::HttpService;
                        serde_json::to_string(&r).unwrap()
                    }
                    _ => "{}".into(),
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                    answer.len()
                );
            });
        }
    });
    SwitchingService { url, claims_training }
}

#[test]
fn a_service_that_starts_saying_it_is_a_training_service_mid_session_changes_nothing() {
    let data = common::data_dir();
    let population = madoguchi_training::generate(&data.path().join("pop.sqlite"), 300, 7).unwrap();
    let person = population.sample_on(1, now().date()).unwrap().remove(0);
    let service = switching_service(population);
    let desk = real_desk_with(&data.path().join("desk"), Settings { service_url: Some(service.url.clone()), timeout_secs: 5, ..Settings::default() });
    let status = desk.context().status();
    assert!(status.ready && !status.training && status.training_claim.is_none(), "{status:?}");

    // A receptionist works, checks a patient and signs out.
    desk.staff.sign_in("admin", PW, now()).unwrap();
    desk.staff.create_account("uketsuke", "受付 花子", Role::Receptionist, PW, now()).unwrap();
    desk.staff.sign_out(now());
    desk.staff.sign_in("uketsuke", PW, now()).unwrap();
    let input = typed(&person);
    let checked = desk.checks.check(&input, now()).unwrap();
    let key = checked.result.qualification.as_ref().unwrap().person_key();
    desk.staff.sign_out(now());

    // The service now says it is a training service; the desk asks it again
    // (as after saving the settings, or at the next start).
    service.claims_training.store(true, Ordering::SeqCst);
    every_path_is_refused_not_signed_in(&desk, checked.check_id.unwrap(), &key);
    desk.connect();
    let status = desk.context().status();
    assert!(status.ready && !status.training, "{status:?}");
    assert_eq!(status.training_claim.as_ref().map(|m| m.id.as_str()), Some("status-training-claimed"), "{status:?}");
    every_path_is_refused_not_signed_in(&desk, checked.check_id.unwrap(), &key);

    // And back: the banner goes, nothing else changes.
    service.claims_training.store(false, Ordering::SeqCst);
    desk.connect();
    assert!(desk.context().status().training_claim.is_none());
    every_path_is_refused_not_signed_in(&desk, checked.check_id.unwrap(), &key);
    desk.shutdown();
}

/// A desk that checked a real patient (here: an outside service's person),
/// then switched to the embedded training service: the trainee, signed in
/// without a password, sees only the embedded population's records.
#[test]
fn the_trainee_never_sees_a_check_that_came_from_elsewhere() {
    let service = common::TrainingService::start(300, 8);
    let data = common::data_dir();
    let settings = Settings { service_url: Some(service.url.clone()), timeout_secs: 5, training_people: 300, training_seed: 9, ..Settings::default() };
    let desk = real_desk_with(data.path(), settings);
    desk.staff.sign_in("admin", PW, now()).unwrap();
    desk.staff.create_account("dr", "医師 一郎", Role::Qualified, PW, now()).unwrap();
    desk.staff.sign_out(now());
    desk.staff.sign_in("dr", PW, now()).unwrap();
    let real = service.sample(1).remove(0);
    let checked = desk.checks.check(&real.card_input(), now()).unwrap();
    let real_id = checked.check_id.unwrap();
    let real_key = checked.result.qualification.as_ref().unwrap().person_key();
    assert!(desk.print.print(PrintKind::Eligibility, &real_key, now()).is_ok(), "the qualified account prints it");
    // And an appointment list of real patients, kept as a batch.
    let csv = format!(
        "予約日時,患者番号,氏名,カナ氏名,生年月日,保険者番号,記号,番号,枝番\r\n{} 9:00,P0001,{},{},{},{},{},{},{}\r\n",
        now().date(),
        real.name,
        real.name_kana,
        real.birth_date,
        real.insurer_number,
        real.symbol,
        real.number,
        real.branch
    );
    let batch = desk.batch.import(csv.as_bytes(), Some("予約.csv"), now()).unwrap().batch.id;
    assert!(desk.batch.report(batch).is_ok());
    desk.staff.sign_out(now());

    // The administrator switches the desk to the embedded training service.
    desk.staff.sign_in("admin", PW, now()).unwrap();
    let mut training = desk.context().settings();
    training.service_url = None;
    desk.change_settings(training, now()).unwrap();
    assert!(desk.context().status().training, "{:?}", desk.context().status());
    desk.staff.sign_out(now());
    let who = desk.context().signed_in(now()).expect("the trainee");
    assert!(who.trainee);

    // The real patient's check is not there for the trainee, by any path.
    assert!(desk.checks.check_result(real_id).unwrap().is_none());
    assert!(!desk.checks.checks_on(now().date()).unwrap().iter().any(|c| c.id == real_id || c.person_key == real_key));
    for &c in DESK_CATEGORIES {
        assert_eq!(desk.medical.view(real_id, c, now()).unwrap_err().message.id, "error-no-such-check", "{c:?}");
    }
    for k in PrintKind::ALL {
        assert_eq!(desk.print.to_file(real_id, k, now()).unwrap_err().message.id, "error-no-such-check", "{k:?}");
        assert_eq!(desk.print.print(k, &real_key, now()).unwrap_err().message.id, "print-no-patient", "{k:?}");
    }
    let consent = DisasterConsentInput { categories: DESK_CATEGORIES.to_vec(), basis: DisasterBasis::Oral };
    assert!(desk.consents.record_disaster(real_id, &consent, now()).is_err());
    assert!(!desk.batch.list(false).unwrap().iter().any(|b| b.id == batch), "the real list is not offered");
    assert_eq!(desk.batch.report(batch).unwrap_err().message.id, "batch-not-found");
    assert_eq!(desk.batch.export_csv(batch).unwrap_err().message.id, "batch-not-found");
    assert_eq!(desk.batch.run(batch, &|_| {}, now()).unwrap_err().message.id, "batch-not-found");

    // The trainee's own check of a synthetic person is there, and printable.
    let db = data.path().join("training-population.sqlite");
    let synthetic = common::sample_people(&db, 300, 9, 1).remove(0);
    let own = desk.checks.check(&synthetic.card_input(), now()).unwrap();
    let own_id = own.check_id.unwrap();
    assert!(desk.checks.check_result(own_id).unwrap().is_some());
    assert!(desk.checks.checks_on(now().date()).unwrap().iter().any(|c| c.id == own_id));
    let own_key = own.result.qualification.as_ref().unwrap().person_key();
    assert!(desk.print.print(PrintKind::Eligibility, &own_key, now()).is_ok());

    // Back on the real service, the real check is there again for staff.
    desk.staff.sign_in("admin", PW, now()).unwrap();
    let mut real_again = desk.context().settings();
    real_again.service_url = Some(service.url.clone());
    desk.change_settings(real_again, now()).unwrap();
    assert!(!desk.context().status().training);
    assert!(desk.checks.check_result(real_id).unwrap().is_some());
    assert!(desk.batch.report(batch).is_ok());
    desk.shutdown();
}
