//! `madoguchi-training`: the training service on the command line.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use madoguchi_adapters::oqs::Encoding;
use madoguchi_core::codes::Sex;
use madoguchi_core::{ConsentAnswer, ConsentCategory};
use madoguchi_training::{
    default_db_path, generate, serve_with_shutdown, terminal, Population, SamplePerson,
    ServiceState, SpecialFilter, DEFAULT_PEOPLE, DEFAULT_PORT, DEFAULT_SEED,
};

/// The training service (研修モード) of Madoguchi: a local HTTP server that plays
/// the national オンライン資格確認 system with a synthetic population.
#[derive(Parser)]
#[command(name = "madoguchi-training", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args)]
struct PopulationArgs {
    /// Number of synthetic people.
    #[arg(long, default_value_t = DEFAULT_PEOPLE)]
    people: u64,
    /// Seed of the population: the same seed gives the same people.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    seed: u64,
    /// SQLite file of the population; created when missing or when it holds
    /// another (people, seed). Default:
    /// <temp dir>/madoguchi-training/people-<N>-seed-<S>.sqlite
    #[arg(long)]
    db: Option<PathBuf>,
}

impl PopulationArgs {
    fn open(&self) -> Result<Population, String> {
        let path = self
            .db
            .clone()
            .unwrap_or_else(|| default_db_path(self.people, self.seed));
        generate(&path, self.people, self.seed)
            .map_err(|e| format!("cannot prepare the population at {}: {e}", path.display()))
    }
}

#[derive(Subcommand)]
enum Command {
    /// Serve the HTTP API on 127.0.0.1. The first line on stdout is
    /// `listening on http://127.0.0.1:PORT`.
    Serve {
        /// Port on 127.0.0.1 (0 = any free port).
        #[arg(long, default_value_t = DEFAULT_PORT)]
        port: u16,
        #[command(flatten)]
        population: PopulationArgs,
    },
    /// Print people to try at the desk, valid ones first, with what the
    /// service will answer for them today. With a filter, the people of that
    /// case instead (populations of 1,000 people or more have them).
    List {
        /// How many people.
        #[arg(long, default_value_t = 10)]
        sample: usize,
        /// One JSON object per line instead of a table.
        #[arg(long)]
        json: bool,
        /// 医療扶助 (public medical aid, card classification A1): people with
        /// this month's 医療券, and every fifth without one (有効（未登録）).
        #[arg(long, conflicts_with_all = ["notice", "consent"])]
        medical_aid: bool,
        /// People whose answer carries a notice of the national system (the
        /// card's e-certificate expires within 3 months).
        #[arg(long, conflicts_with = "consent")]
        notice: bool,
        /// People who answer every consent question at the card reader with
        /// this code (OQSCD016): 0 同意なし, 1 同意あり, 2 同意有効期限切れ,
        /// 3 同意取得困難. Tap their card to see it at the desk.
        #[arg(long, value_parser = ["0", "1", "2", "3"])]
        consent: Option<String>,
        #[command(flatten)]
        population: PopulationArgs,
    },
    /// Play the qualification terminal (資格確認端末) on an OQS folder: answer
    /// every request file in DIR/req with its response in DIR/res, from the
    /// synthetic population, until Ctrl-C. Writes the marker DIR/TRAINING.
    /// The first line on stdout is `terminal ready on DIR`.
    OqsTerminal {
        /// The OQS folder (created with req/, res/ and face/ when missing).
        #[arg(long)]
        dir: PathBuf,
        /// Answer in UTF-8 instead of Shift_JIS.
        #[arg(long)]
        utf8: bool,
        /// 一括照会: answer 処理中 to this many OQSmuquc02req of a batch before its results.
        #[arg(long, default_value_t = 2)]
        processing_polls: u32,
        /// 一括照会: give every n-th results answer as a .zip (0: never).
        #[arg(long, default_value_t = 2)]
        zip_every: u32,
        /// Refuse (with <request>.err) requests naming another 医療機関コード.
        #[arg(long)]
        institution_code: Option<String>,
        /// Play "another program" (the レセコン) too: move each face file
        /// into <dir>/trash/ this many milliseconds after it appears.
        #[arg(long, value_name = "MS")]
        another_program: Option<u64>,
        #[command(flatten)]
        population: PopulationArgs,
    },
    /// 災害時モード: declare, close and list disaster windows. The running
    /// service reads them from the population file at every look-up.
    Disaster {
        #[command(subcommand)]
        action: DisasterAction,
    },
    /// Print the whole population, one qualification (with its person) a line
    /// as JSON, with what the service answers for it today.
    Export {
        /// JSON lines (the only format).
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        population: PopulationArgs,
    },
    /// Simulate a patient tapping a マイナ保険証 on the card reader: drop a
    /// result file for the person into DIR/face/ and print its name.
    Tap {
        /// The OQS folder.
        #[arg(long)]
        dir: PathBuf,
        /// The card, as 保険者番号:記号:番号:枝番 (default: the first valid
        /// person of `list`).
        #[arg(long)]
        person: Option<String>,
        /// Consents given on the reader, comma-separated: medication,
        /// checkups, clinical, operations (default: none).
        #[arg(long, value_delimiter = ',')]
        consent: Vec<String>,
        /// Write the file in UTF-8 instead of Shift_JIS.
        #[arg(long)]
        utf8: bool,
        #[command(flatten)]
        population: PopulationArgs,
    },
}

#[derive(Subcommand)]
enum DisasterAction {
    /// Open disaster mode for the facilities of a prefecture.
    Open {
        /// 都道府県番号 1–47 (the first two digits of the 医療機関コード).
        #[arg(long)]
        prefecture: u8,
        /// Start: YYYY-MM-DD or YYYY-MM-DDTHH:MM (default: now).
        #[arg(long)]
        from: Option<String>,
        /// End: YYYY-MM-DD (the whole day included) or YYYY-MM-DDTHH:MM
        /// (default: until closed).
        #[arg(long, conflicts_with = "days")]
        until: Option<String>,
        /// Length in days from the start.
        #[arg(long)]
        days: Option<u32>,
        #[command(flatten)]
        population: PopulationArgs,
    },
    /// Close every open window of a prefecture now.
    Close {
        #[arg(long)]
        prefecture: u8,
        #[command(flatten)]
        population: PopulationArgs,
    },
    /// List the windows (one JSON object a line with --json).
    List {
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        population: PopulationArgs,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve { port, population } => serve_command(port, &population),
        Command::List {
            sample,
            json,
            medical_aid,
            notice,
            consent,
            population,
        } => {
            let filter = match (medical_aid, notice, consent) {
                (true, _, _) => Some(SpecialFilter::MedicalAid),
                (_, true, _) => Some(SpecialFilter::Notice),
                (_, _, Some(code)) => ConsentAnswer::from_code(&code).map(SpecialFilter::Consent),
                _ => None,
            };
            list_command(sample, json, filter, &population)
        }
        Command::OqsTerminal {
            dir,
            utf8,
            processing_polls,
            zip_every,
            institution_code,
            another_program,
            population,
        } => {
            let options = terminal::TerminalOptions {
                encoding: encoding(utf8),
                processing_polls,
                zip_every,
                institution_code,
                another_program: another_program.map(std::time::Duration::from_millis),
                ..Default::default()
            };
            oqs_terminal_command(&dir, options, &population)
        }
        Command::Disaster { action } => disaster_command(action),
        Command::Export { json, population } => export_command(json, &population),
        Command::Tap {
            dir,
            person,
            consent,
            utf8,
            population,
        } => tap_command(&dir, person.as_deref(), &consent, utf8, &population),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("madoguchi-training: {message}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing() {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
}

fn encoding(utf8: bool) -> Encoding {
    if utf8 {
        Encoding::Utf8
    } else {
        Encoding::ShiftJis
    }
}

fn oqs_terminal_command(dir: &Path, options: terminal::TerminalOptions, args: &PopulationArgs) -> Result<(), String> {
    init_tracing();
    let population = args.open()?;
    let running = terminal::spawn_with(dir, population, options)
        .map_err(|e| format!("cannot play the terminal on {}: {e}", dir.display()))?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{} {}", terminal::READY_PREFIX, dir.display()).map_err(|e| e.to_string())?;
    out.flush().map_err(|e| e.to_string())?;
    drop(out);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    runtime.block_on(async {
        let _ = tokio::signal::ctrl_c().await;
    });
    running.stop().map_err(|e| e.to_string())
}

fn tap_command(
    dir: &Path,
    person: Option<&str>,
    consent: &[String],
    utf8: bool,
    args: &PopulationArgs,
) -> Result<(), String> {
    let consents = consent
        .iter()
        .filter(|c| !c.trim().is_empty())
        .map(|c| {
            ConsentCategory::parse(c).ok_or_else(|| {
                format!(
                    "unknown consent {c:?} (expected medication, checkups, clinical or operations)"
                )
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let population = args.open()?;
    let now = chrono::Local::now().naive_local();
    let path = terminal::tap_with(dir, &population, person, &consents, now, encoding(utf8))
        .map_err(|e| format!("cannot tap: {e}"))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    println!("{name}");
    Ok(())
}

fn serve_command(port: u16, args: &PopulationArgs) -> Result<(), String> {
    init_tracing();
    let population = args.open()?;
    let state = ServiceState::new(population.clone()).map_err(|e| e.to_string())?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let mut out = std::io::stdout().lock();
        writeln!(out, "listening on http://{addr}").map_err(|e| e.to_string())?;
        out.flush().map_err(|e| e.to_string())?;
        drop(out);
        tracing::info!(
            people = population.people(),
            seed = population.seed(),
            db = %population.path().display(),
            "training service ready"
        );
        let shutdown = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        serve_with_shutdown(listener, state, shutdown)
            .await
            .map_err(|e| format!("server failed: {e}"))
    })
}

fn list_command(
    n: usize,
    json: bool,
    filter: Option<SpecialFilter>,
    args: &PopulationArgs,
) -> Result<(), String> {
    let population = args.open()?;
    let today = chrono::Local::now().date_naive();
    let people = match filter {
        None => population.sample_on(n, today),
        Some(f) => population
            .special_on(f, today)
            .map(|mut p| {
                p.truncate(n);
                p
            }),
    }
    .map_err(|e| format!("cannot read the population: {e}"))?;
    if people.is_empty() && filter.is_some() {
        return Err(format!(
            "no such people in this population of {} (populations of 1,000 people or more have them)",
            population.people()
        ));
    }
    let mut out = std::io::stdout().lock();
    let io = |e: std::io::Error| e.to_string();
    if json {
        for p in &people {
            let line = serde_json::to_string(p).map_err(|e| e.to_string())?;
            writeln!(out, "{line}").map_err(io)?;
        }
    } else {
        write_table(&mut out, &people).map_err(io)?;
    }
    Ok(())
}

/// `YYYY-MM-DD` (its start, or with `end_of_day` the next midnight) or
/// `YYYY-MM-DDTHH:MM[:SS]` (a space instead of `T` too).
fn parse_time(s: &str, end_of_day: bool) -> Result<chrono::NaiveDateTime, String> {
    let s = s.trim();
    if let Ok(d) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        let d = if end_of_day { d + chrono::Days::new(1) } else { d };
        return Ok(d.and_time(chrono::NaiveTime::MIN));
    }
    for f in ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"] {
        if let Ok(t) = chrono::NaiveDateTime::parse_from_str(s, f) {
            return Ok(t);
        }
    }
    Err(format!(
        "cannot read {s:?}: write YYYY-MM-DD or YYYY-MM-DDTHH:MM (local time)"
    ))
}

fn disaster_command(action: DisasterAction) -> Result<(), String> {
    let now = chrono::Local::now().naive_local();
    let db_error = |e: madoguchi_training::Error| e.to_string();
    match action {
        DisasterAction::Open {
            prefecture,
            from,
            until,
            days,
            population,
        } => {
            let population = population.open()?;
            let from = match from {
                Some(f) => parse_time(&f, false)?,
                None => now,
            };
            let until = match (until, days) {
                (Some(u), _) => Some(parse_time(&u, true)?),
                (None, Some(d)) => Some(from + chrono::Days::new(u64::from(d))),
                (None, None) => None,
            };
            let w = population
                .open_disaster(prefecture, from, until)
                .map_err(db_error)?;
            println!(
                "disaster window {} opened for prefecture {:02} from {} until {}",
                w.id,
                w.prefecture,
                w.opens_at,
                w.until.map_or("closed".to_string(), |u| u.to_string())
            );
        }
        DisasterAction::Close {
            prefecture,
            population,
        } => {
            let n = population
                .open()?
                .close_disaster(prefecture, now)
                .map_err(db_error)?;
            println!("closed {n} disaster window(s) of prefecture {prefecture:02}");
        }
        DisasterAction::List { json, population } => {
            let windows = population.open()?.disaster_windows().map_err(db_error)?;
            for w in windows {
                if json {
                    println!("{}", serde_json::to_string(&w).map_err(|e| e.to_string())?);
                } else {
                    println!(
                        "{:>4}  {:02}  {}  {}  {}",
                        w.id,
                        w.prefecture,
                        w.opens_at,
                        w.until.map_or("-".to_string(), |u| u.to_string()),
                        if w.is_open_at(now) { "open" } else { "closed" }
                    );
                }
            }
        }
    }
    Ok(())
}

fn export_command(json: bool, args: &PopulationArgs) -> Result<(), String> {
    if !json {
        return Err("export writes JSON lines only: add --json".into());
    }
    let population = args.open()?;
    let today = chrono::Local::now().date_naive();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    population
        .export_on(today, |p| {
            let line = serde_json::to_string(&p).map_err(|e| madoguchi_training::Error::Invalid(e.to_string()))?;
            writeln!(out, "{line}")?;
            Ok(())
        })
        .map_err(|e| e.to_string())?;
    out.flush().map_err(|e| e.to_string())
}

/// Display width in a terminal: wide (全角) characters count 2.
fn width(s: &str) -> usize {
    s.chars()
        .map(|c| match c as u32 {
            0xFF61..=0xFF9F => 1,
            0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF => 2,
            0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD => 2,
            0x25CF => 2,
            _ => 1,
        })
        .sum()
}

/// What a particular person shows at the desk, for the table's last column.
fn special_note(p: &SamplePerson) -> String {
    let mut notes = Vec::new();
    if p.medical_aid {
        notes.push("医療扶助".to_string());
    }
    if let Some(code) = &p.consent {
        let words = match code.as_str() {
            "0" => "同意なし",
            "1" => "同意あり",
            "2" => "同意有効期限切れ",
            _ => "同意取得困難",
        };
        notes.push(format!("同意 {code} {words}"));
    }
    if p.notice.is_some() {
        notes.push("お知らせあり".into());
    }
    notes.join("・")
}

fn write_table(out: &mut impl Write, people: &[SamplePerson]) -> std::io::Result<()> {
    let header = [
        "保険者番号",
        "記号",
        "番号",
        "枝番",
        "生年月日",
        "氏名",
        "カナ",
        "性別",
        "資格",
        "負担",
        "保険者名",
        "備考",
    ];
    let rows: Vec<Vec<String>> = people
        .iter()
        .map(|p| {
            vec![
                p.insurer_number.clone(),
                p.symbol.clone(),
                p.number.clone(),
                p.branch.clone(),
                p.birth_date.to_string(),
                p.name.clone(),
                p.name_kana.clone(),
                match p.sex {
                    Sex::Male => "男",
                    Sex::Female => "女",
                    Sex::Unset => "-",
                }
                .to_string(),
                p.expected_validity.label_ja().to_string(),
                p.copay_percent
                    .map(|c| format!("{}割", c / 10))
                    .unwrap_or_default(),
                p.insurer_name.clone(),
                special_note(p),
            ]
        })
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| width(h)).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(width(cell));
        }
    }
    let line = |out: &mut dyn Write, cells: &[String]| -> std::io::Result<()> {
        let mut s = String::new();
        for (i, (cell, w)) in cells.iter().zip(&widths).enumerate() {
            s.push_str(cell);
            if i + 1 < cells.len() {
                s.push_str(&" ".repeat(w - width(cell) + 2));
            }
        }
        writeln!(out, "{}", s.trim_end())
    };
    let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    line(out, &header)?;
    for row in &rows {
        line(out, row)?;
    }
    Ok(())
}
