//! `madoguchi staff …`: staff accounts for scripted use, through the same
//! [`crate::session::Staff`] service as the window's staff screen (same form
//! checks, same audit entries).
//!
//! * `init --id ID --name NAME`: the first administrator of a new desk
//!   (refused once one exists), as the window's first start.
//! * `add --staff ADMIN --id ID --name NAME --role receptionist|qualified|administrator`:
//!   an administrator adds an account (administrators only; logged).
//!
//! Passwords never come as arguments (they would stay in the shell's
//! history and in `ps`): the new account's from `MADOGUCHI_NEW_STAFF_PASSWORD`,
//! else asked twice on the terminal without echo; the administrator's from
//! `MADOGUCHI_STAFF_PASSWORD`, else asked.

use std::process::ExitCode;

use madoguchi_core::message::Msg;
use madoguchi_core::staff::Role;

use crate::cli::exit::{EXIT_INPUT, EXIT_LOCAL};
use crate::cli::open_desk;
use crate::session::AccountForm;
use crate::settings::Settings;
use crate::words::{say, say_error};

#[derive(clap::Subcommand, Debug)]
pub enum StaffCommand {
    /// Creates the first administrator of this desk (refused once one exists).
    Init {
        /// 職員ID of the new administrator.
        #[arg(long)]
        id: String,
        /// 氏名 (shown at the desk and in the audit log).
        #[arg(long)]
        name: String,
    },
    /// An administrator adds a staff account with a role (logged).
    Add {
        /// 職員ID of the new account.
        #[arg(long)]
        id: String,
        /// 氏名 of the new account.
        #[arg(long)]
        name: String,
        /// receptionist (受付), qualified (有資格者) or administrator (管理者).
        #[arg(long)]
        role: String,
        /// The administrator who adds it (password from MADOGUCHI_STAFF_PASSWORD, else asked).
        #[arg(long)]
        staff: String,
    },
}

/// The new account's password: the environment, else asked twice.
fn new_password(id: &str) -> Result<(String, String), ExitCode> {
    if let Ok(p) = std::env::var("MADOGUCHI_NEW_STAFF_PASSWORD") {
        return Ok((p.clone(), p));
    }
    let ask = |prompt: String| rpassword::prompt_password(prompt).map_err(|_| ExitCode::from(EXIT_INPUT));
    Ok((ask(format!("{id} (new password): "))?, ask(format!("{id} (again): "))?))
}

fn form(id: &str, name: &str) -> Result<AccountForm, ExitCode> {
    let (password, confirm) = new_password(id)?;
    Ok(AccountForm { staff_id: id.to_string(), display_name: name.to_string(), password, confirm })
}

pub fn staff_cmd(settings: Settings, cmd: StaffCommand) -> ExitCode {
    let lang = settings.lang;
    let desk = match open_desk(settings) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let now = chrono::Local::now().naive_local();
    match cmd {
        StaffCommand::Init { id, name } => {
            let form = match form(&id, &name) {
                Ok(f) => f,
                Err(code) => return code,
            };
            match desk.staff.first_start(&form, now) {
                Ok(who) => {
                    desk.staff.sign_out(now);
                    println!("{}", say(lang, &Msg::new("staff-cli-added").arg("staff", &who.staff_id).arg("role", Role::Administrator.code())));
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("{}", say_error(lang, &e));
                    ExitCode::from(EXIT_INPUT)
                }
            }
        }
        StaffCommand::Add { id, name, role, staff } => {
            let Some(role) = Role::from_code(role.trim()) else {
                eprintln!("{}", say(lang, &Msg::new("staff-cli-unknown-role").arg("role", role.trim())));
                return ExitCode::from(EXIT_INPUT);
            };
            if let Err(code) = crate::cli::disaster::sign_in(&desk, Some(&staff), lang, now) {
                return code;
            }
            let form = match form(&id, &name) {
                Ok(f) => f,
                Err(code) => return code,
            };
            let added = desk.staff.add_staff(&form, role, now);
            desk.staff.sign_out(now);
            match added {
                Ok(entry) => {
                    println!("{}", say(lang, &Msg::new("staff-cli-added").arg("staff", &entry.staff_id).arg("role", role.code())));
                    ExitCode::SUCCESS
                }
                Err(e) if e.message.id == "staff-refused" => {
                    eprintln!("{}", say_error(lang, &e));
                    ExitCode::from(EXIT_INPUT)
                }
                Err(e) if e.form.is_empty() && e.fields.is_empty() => {
                    eprintln!("{}", say_error(lang, &e));
                    ExitCode::from(EXIT_LOCAL)
                }
                Err(e) => {
                    eprintln!("{}", say_error(lang, &e));
                    ExitCode::from(EXIT_INPUT)
                }
            }
        }
    }
}
