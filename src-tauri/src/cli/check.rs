//! `madoguchi check`: 資格確認 from card details, the result as JSON.

use std::process::ExitCode;

use madoguchi_core::validation::CardInput;

use super::exit::{EXIT_INPUT, EXIT_SERVICE};
use super::open_desk;
use crate::desk::{say, say_error};
use crate::settings::Settings;

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// The eligibility service URL (default: settings, else the embedded training service).
    #[arg(long)]
    pub service: Option<String>,
    #[command(flatten)]
    pub card: CardArgs,
}

#[derive(clap::Subcommand, Debug)]
pub enum ReferenceCommand {
    /// Registers the facility's patient number as a card's 照会番号
    /// (OQSsiimm01, through the OQS folder): the card's later taps carry
    /// it as ReferenceNumber. Prints the number registered.
    Register(RegisterArgs),
}

#[derive(clap::Args, Debug)]
pub struct RegisterArgs {
    /// The facility's patient number (1–20 letters and digits).
    #[arg(long)]
    pub patient: String,
    #[command(flatten)]
    pub card: CardArgs,
}

/// The card's details, as typed (`check`, `reference register`).
#[derive(clap::Args, Debug)]
pub struct CardArgs {
    /// 保険者番号 (8 digits, 6 for 国保)
    #[arg(long)]
    pub insurer: String,
    /// 記号
    #[arg(long, default_value = "")]
    pub symbol: String,
    /// 番号
    #[arg(long)]
    pub number: String,
    /// 枝番 (2 digits)
    #[arg(long, default_value = "")]
    pub branch: String,
    /// 生年月日: 1986-04-12, 19860412, S61.4.12, 昭和61年4月12日 …
    #[arg(long)]
    pub birth: String,
}

impl From<CardArgs> for CardInput {
    fn from(a: CardArgs) -> CardInput {
        CardInput { insurer_number: a.insurer, symbol: a.symbol, number: a.number, branch: a.branch, birth_date: a.birth }
    }
}

pub(crate) fn reference(settings: Settings, cmd: ReferenceCommand) -> ExitCode {
    let lang = settings.lang;
    let ReferenceCommand::Register(args) = cmd;
    let input = CardInput::from(args.card);
    let now = chrono::Local::now().naive_local();
    let desk = match open_desk(settings) {
        Ok(d) => d,
        Err(code) => return code,
    };
    if let Err(e) = desk.checks.validate(&input, now.date()) {
        eprintln!("{}", say_error(lang, &e));
        return ExitCode::from(EXIT_INPUT);
    }
    desk.connect();
    match desk.checks.register_reference(&input, &args.patient, now) {
        Ok(number) => {
            println!("{number}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}", say_error(lang, &e));
            let bad_number = e.message.id == "reference-number-invalid";
            ExitCode::from(if bad_number { EXIT_INPUT } else { EXIT_SERVICE })
        }
    }
}

pub(crate) fn check(mut settings: Settings, args: CheckArgs) -> ExitCode {
    let lang = settings.lang;
    if args.service.is_some() {
        settings.service_url = args.service.clone();
    }
    let input = CardInput::from(args.card);
    let now = chrono::Local::now().naive_local();
    let desk = match open_desk(settings) {
        Ok(d) => d,
        Err(code) => return code,
    };
    // Bad input is refused before anything is sent (or any service started).
    let card = match desk.checks.validate(&input, now.date()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{}", say_error(lang, &e));
            return ExitCode::from(EXIT_INPUT);
        }
    };
    desk.connect();
    match desk.checks.check_card(&card, now) {
        Ok(outcome) => {
            println!("{}", serde_json::to_string_pretty(&outcome.result).expect("results serialise"));
            if let Some(w) = outcome.warning {
                eprintln!("{}", say(lang, &w));
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}", say_error(lang, &e));
            ExitCode::from(EXIT_SERVICE)
        }
    }
}

