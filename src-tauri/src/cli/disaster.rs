//! `madoguchi disaster …`: 災害時モード without a window, through the same
//! [`crate::disaster`] desk functions as the window.
//!
//! * `lookup --name … --birth … --sex … --hint … [--service URL | --offline]`
//!   prints one JSON object `{"outcome", "mode", "person"?, "matched",
//!   "candidates", "hints", "problems", "result"?}`; exit 0 for found, not
//!   found and several, 2 refused (a field missing or unreadable), 3 the
//!   look-up could not be made (disaster mode not open here, service
//!   unreachable without a local emergency), 4 a local problem.
//! * `declare --reason …` / `end` / `status`: the facility's local emergency
//!   (declaring and ending: administrators only, so `--staff` names an
//!   administrator's account; the trainee of training mode may not).
//!
//! Who: `--staff ID` signs that account in first (password from
//! `MADOGUCHI_STAFF_PASSWORD`, else asked without echo); without it, in
//! training mode the trainee (qualified) is signed in automatically, and
//! elsewhere the command is refused ("sign in").

use std::process::ExitCode;

use madoguchi_core::matching::{DisasterQuery, MatchOutcome};
use madoguchi_core::message::Msg;
use serde_json::json;

use crate::cli::exit::{EXIT_INPUT, EXIT_LOCAL, EXIT_SERVICE};
use crate::desk::{say, say_error, Desk};
use crate::disaster::{outcome_code, LookupRoute};
use crate::settings::Settings;

#[derive(clap::Subcommand, Debug)]
pub enum DisasterCommand {
    /// Looks a patient up by name, birth date, sex and insurer name or
    /// address (all four required); prints the answer as JSON.
    Lookup(LookupArgs),
    /// Declares the facility's local emergency (logged): while the service
    /// cannot be reached, look-ups use the results stored on this computer.
    Declare {
        /// Why (power cut, line down …).
        #[arg(long)]
        reason: String,
        /// Sign in as this staff account first (see `lookup --staff`).
        #[arg(long)]
        staff: Option<String>,
    },
    /// Ends the local emergency (logged).
    End {
        #[arg(long)]
        staff: Option<String>,
    },
    /// Prints the local emergency in force, if any, as JSON.
    Status,
}

#[derive(clap::Args, Debug)]
pub struct LookupArgs {
    /// 氏名 in kanji or kana.
    #[arg(long, default_value = "")]
    pub name: String,
    /// 生年月日: 1986-04-12, 19860412, S61.4.12, 昭和61年4月12日 …
    #[arg(long, default_value = "")]
    pub birth: String,
    /// 性別: 男/女, M/F.
    #[arg(long, default_value = "")]
    pub sex: String,
    /// 保険者名 or 住所, whole or in part.
    #[arg(long, default_value = "")]
    pub hint: String,
    /// The eligibility service URL (default: settings, else the embedded training service).
    #[arg(long)]
    pub service: Option<String>,
    /// Only the results stored on this computer (needs a declared local
    /// emergency and an unreachable service).
    #[arg(long)]
    pub offline: bool,
    /// Sign in as this staff account first (outside training mode every
    /// look-up needs one); the password from MADOGUCHI_STAFF_PASSWORD, else
    /// asked on the terminal without echo.
    #[arg(long)]
    pub staff: Option<String>,
}

/// Signs `staff` in, when given (also `madoguchi print --staff`).
pub(crate) fn sign_in(desk: &Desk, staff: Option<&str>, lang: madoguchi_i18n::Lang, now: chrono::NaiveDateTime) -> Result<(), ExitCode> {
    let Some(staff) = staff else { return Ok(()) };
    let password = match std::env::var("MADOGUCHI_STAFF_PASSWORD") {
        Ok(p) => p,
        Err(_) => rpassword::prompt_password(format!("{staff}: ")).map_err(|_| ExitCode::from(EXIT_INPUT))?,
    };
    desk.staff.sign_in(staff, &password, now).map(|_| ()).map_err(|e| {
        eprintln!("{}", say_error(lang, &e));
        ExitCode::from(EXIT_INPUT)
    })
}

pub fn disaster_cmd(mut settings: Settings, cmd: DisasterCommand) -> ExitCode {
    let lang = settings.lang;
    if let DisasterCommand::Lookup(LookupArgs {
        service: Some(url), ..
    }) = &cmd
    {
        settings.service_url = Some(url.clone());
    }
    let desk = match Desk::open(settings) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{}", say(lang, &crate::desk::store_msg(&e)));
            return ExitCode::from(EXIT_LOCAL);
        }
    };
    desk.connect();
    let now = chrono::Local::now().naive_local();
    let staff = match &cmd {
        DisasterCommand::Lookup(a) => a.staff.clone(),
        DisasterCommand::Declare { staff, .. } | DisasterCommand::End { staff } => staff.clone(),
        DisasterCommand::Status => None,
    };
    if let Err(code) = sign_in(&desk, staff.as_deref(), lang, now) {
        return code;
    }
    match cmd {
        DisasterCommand::Lookup(args) => {
            let query = DisasterQuery {
                name: args.name,
                birth_date: args.birth,
                sex: args.sex,
                hint: args.hint,
            };
            let route = if args.offline {
                LookupRoute::Offline
            } else {
                LookupRoute::Auto
            };
            match desk.disaster.lookup(&query, route, now) {
                Ok(l) => {
                    let mut out = json!({
                        "outcome": outcome_code(&l.outcome),
                        "mode": l.mode,
                        "matched": [],
                        "candidates": 0,
                        "message": say(lang, &l.message),
                    });
                    match &l.outcome {
                        MatchOutcome::Found { key, matched } => {
                            out["matched"] = json!(matched);
                            out["candidates"] = json!(1);
                            out["key"] = json!(key);
                            if let Some(r) = &l.result {
                                out["person"] = json!(r.person);
                                out["result"] = json!(r);
                            }
                            if let Some(at) = l.as_of {
                                out["as_of"] = json!(at);
                            }
                        }
                        MatchOutcome::NotFound { hints } => {
                            out["hints"] = json!(hints
                                .iter()
                                .map(|h| say(lang, &h.message()))
                                .collect::<Vec<_>>());
                        }
                        MatchOutcome::Ambiguous { count } => out["candidates"] = json!(count),
                        MatchOutcome::Refused { problems } => {
                            out["problems"] = json!(problems
                                .iter()
                                .map(|p| say(lang, &p.message()))
                                .collect::<Vec<_>>());
                        }
                    }
                    println!("{}", serde_json::to_string_pretty(&out).expect("json"));
                    if matches!(l.outcome, MatchOutcome::Refused { .. }) {
                        ExitCode::from(EXIT_INPUT)
                    } else {
                        ExitCode::SUCCESS
                    }
                }
                Err(e) => {
                    eprintln!("{}", say_error(lang, &e));
                    ExitCode::from(EXIT_SERVICE)
                }
            }
        }
        DisasterCommand::Declare { reason, .. } => match desk.disaster.declare_local_emergency(&reason, now) {
            Ok(e) => {
                let msg = Msg::new("disaster-emergency-declared")
                    .arg("at", e.declared_at.format("%Y-%m-%d %H:%M"))
                    .arg("staff", &e.declared_by);
                println!("{}", say(lang, &msg));
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("{}", say_error(lang, &e));
                ExitCode::from(EXIT_INPUT)
            }
        },
        DisasterCommand::End { .. } => match desk.disaster.end_local_emergency(now) {
            Ok(true) => {
                println!("{}", say(lang, &Msg::new("disaster-emergency-ended")));
                ExitCode::SUCCESS
            }
            Ok(false) => {
                println!("{}", say(lang, &Msg::new("disaster-emergency-none")));
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("{}", say_error(lang, &e));
                ExitCode::from(EXIT_INPUT)
            }
        },
        DisasterCommand::Status => match desk.disaster.local_emergency() {
            Ok(e) => {
                println!("{}", serde_json::to_string(&e).expect("json"));
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("{}", say_error(lang, &e));
                ExitCode::from(EXIT_LOCAL)
            }
        },
    }
}
