//! Generating the synthetic population into SQLite.
//!
//! Households are generated one after the other from one seeded generator and
//! written straight to the database in batches, each batch in one transaction,
//! so that the population never sits in memory (10 million people fit in a few
//! megabytes of RAM). The file is written under a temporary name and renamed
//! when complete, so a half-written population is never reused.

use std::path::{Path, PathBuf};

use chrono::{Datelike, Days, Months, NaiveDate};
use madoguchi_core::codes::{
    CardClassification, LimitCategory, LimitCertificateClassification, LossReason, Relationship,
    SpecificDisease,
};
use madoguchi_core::validation::check_digit;
use rusqlite::{params, Connection, OpenFlags, OptionalExtension, Statement};

use crate::data::{self, City, Reading};
use crate::rng::Rng;
use crate::Error;

/// Bumped whenever the generator or the schema changes, so that old files are
/// regenerated instead of reused.
pub const GENERATOR_VERSION: &str = "4";

/// People written per transaction.
const BATCH: u64 = 20_000;

/// The fixed day the population is generated for (ages, expiry dates,
/// "lost last year"…). Not the wall clock, so that the same seed gives the
/// same people on any day.
pub fn reference_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 4, 1).expect("valid date")
}

/// Age in whole years on `on`.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> u32 {
    let mut age = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age.max(0) as u32
}

/// A generated population on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Population {
    path: PathBuf,
    people: u64,
    seed: u64,
}

impl Population {
    /// Opens a complete population file written by [`generate`].
    pub fn open(path: &Path) -> Result<Population, Error> {
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        let meta = read_meta(&conn)?.ok_or_else(|| {
            Error::Invalid(format!(
                "{} is not a complete madoguchi-training population",
                path.display()
            ))
        })?;
        Ok(Population {
            path: path.to_path_buf(),
            people: meta.0,
            seed: meta.1,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
    pub fn people(&self) -> u64 {
        self.people
    }
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// A read-only connection to the population.
    pub fn connect(&self) -> Result<Connection, Error> {
        Ok(Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?)
    }
}

/// `(people, seed)` of a complete file of the current generator version.
fn read_meta(conn: &Connection) -> Result<Option<(u64, u64)>, Error> {
    let has_meta: bool = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'",
            [],
            |r| r.get::<_, i64>(0),
        )
        .map(|n| n > 0)?;
    if !has_meta {
        return Ok(None);
    }
    let get = |key: &str| -> Result<Option<String>, Error> {
        Ok(conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    };
    if get("complete")?.as_deref() != Some("1")
        || get("generator")?.as_deref() != Some(GENERATOR_VERSION)
    {
        return Ok(None);
    }
    let people = get("people")?.and_then(|s| s.parse().ok());
    let seed = get("seed")?.and_then(|s| s.parse().ok());
    Ok(people.zip(seed))
}

/// Creates the population file at `db_path` for `(people, seed)`, or reuses it
/// when it already holds exactly that population.
pub fn generate(db_path: &Path, people: u64, seed: u64) -> Result<Population, Error> {
    if db_path.exists() {
        if let Ok(p) = Population::open(db_path) {
            if p.people == people && p.seed == seed {
                return Ok(p);
            }
        }
    }
    if let Some(dir) = db_path.parent() {
        if !dir.as_os_str().is_empty() {
            std::fs::create_dir_all(dir)?;
        }
    }
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let mut tmp = db_path.as_os_str().to_owned();
    tmp.push(format!(".tmp-{}-{nanos}", std::process::id()));
    let tmp = PathBuf::from(tmp);
    let result = write_population(&tmp, people, seed);
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut side = db_path.as_os_str().to_owned();
        side.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(side));
    }
    if let Err(e) = std::fs::rename(&tmp, db_path) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e.into());
    }
    Population::open(db_path)
}

const SCHEMA: &str = "
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE persons (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    name_kana TEXT,
    name_other TEXT,
    name_other_kana TEXT,
    sex INTEGER NOT NULL,
    birth_date TEXT NOT NULL,
    address TEXT,
    post_number TEXT
);
CREATE TABLE qualifications (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES persons(id),
    insurer_number TEXT NOT NULL,
    insurer_name TEXT,
    symbol TEXT NOT NULL,
    number TEXT NOT NULL,
    branch TEXT,
    card_classification TEXT,
    relationship TEXT,
    issued_on TEXT,
    valid_from TEXT,
    valid_until TEXT,
    copay INTEGER,
    preschool INTEGER NOT NULL,
    loss_reason TEXT,
    newer_from TEXT,
    elderly_copay INTEGER,
    elderly_issued_on TEXT,
    elderly_from TEXT,
    elderly_until TEXT,
    limit_classification TEXT,
    limit_category TEXT,
    limit_issued_on TEXT,
    limit_from TEXT,
    limit_until TEXT,
    disease TEXT,
    disease_self_pay INTEGER,
    disease_issued_on TEXT,
    disease_from TEXT,
    disease_until TEXT,
    reference_number TEXT,
    -- The people for particular cases (`special_people`): their kind
    -- ('medical_aid', 'consent', 'notice'), NULL for the households.
    special TEXT,
    -- 医療扶助: the monthly 医療券 (JSON of madoguchi_core::MedicalTicket,
    -- its month and period filled at each answer); NULL = no ticket.
    medical_ticket TEXT,
    -- OQSCD016 code this person answers every consent question with.
    consent_answer TEXT,
    notice_code TEXT,
    notice_message TEXT
);
";

/// How many people of a population are written for particular cases at the
/// desk (医療扶助, each consent answer, notices) instead of households: none
/// below 1,000 people (the small populations of tests stay households only).
pub fn special_count(people: u64) -> u64 {
    if people < 1_000 {
        0
    } else {
        medical_aid_count(people) + CONSENT_PEOPLE + NOTICE_PEOPLE
    }
}

/// 医療扶助 people: three per thousand.
fn medical_aid_count(people: u64) -> u64 {
    people * 3 / 1_000
}
const CONSENT_PEOPLE: u64 = 4;
const NOTICE_PEOPLE: u64 = 2;

/// The notice of the national system that the card's e-certificate runs out
/// soon (ProcessingResultStatus 1 with a code and a message). The code is
/// the training service's own: the real codes are not public.
pub const CERTIFICATE_NOTICE_CODE: &str = "TRN-CERT-3M";
pub const CERTIFICATE_NOTICE_MESSAGE: &str =
    "マイナンバーカードの電子証明書の有効期限が3か月以内に切れます。お住まいの市区町村で更新してください。";

fn write_population(path: &Path, people: u64, seed: u64) -> Result<(), Error> {
    let conn = Connection::open(path)?;
    conn.execute_batch(
        "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA temp_store = FILE;
         PRAGMA cache_size = -32768;",
    )?;
    conn.execute_batch(SCHEMA)?;
    {
        let mut g = Generator {
            rng: Rng::new(seed),
            reference: reference_date(),
            next_person: 1,
            seq: [0; 5],
            insert_person: conn.prepare(
                "INSERT INTO persons (id, name, name_kana, sex, birth_date, address, post_number)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?,
            insert_qualification: conn.prepare(
                "INSERT INTO qualifications (person_id, insurer_number, insurer_name, symbol,
                    number, branch, card_classification, relationship, issued_on, valid_from,
                    valid_until, copay, preschool, loss_reason, newer_from, elderly_copay,
                    elderly_issued_on, elderly_from, elderly_until, limit_classification,
                    limit_category, limit_issued_on, limit_from, limit_until, disease,
                    disease_self_pay, disease_issued_on, disease_from, disease_until,
                    reference_number)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                    ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30)",
            )?,
        };
        let households = people - special_count(people);
        let mut written = 0u64;
        let mut batch_end = 0u64;
        while written < households {
            if written >= batch_end {
                if batch_end > 0 {
                    conn.execute_batch("COMMIT")?;
                }
                conn.execute_batch("BEGIN")?;
                batch_end = written + BATCH;
            }
            written += g.household(households - written)?;
        }
        if batch_end > 0 {
            conn.execute_batch("COMMIT")?;
        }
        if special_count(people) > 0 {
            conn.execute_batch("BEGIN")?;
            g.special_people(&conn, people)?;
            conn.execute_batch("COMMIT")?;
        }
    }
    conn.execute_batch(
        "CREATE UNIQUE INDEX qualifications_card
             ON qualifications (insurer_number, symbol, number, branch);
         CREATE INDEX qualifications_person ON qualifications (person_id);
         CREATE INDEX persons_birth_sex ON persons (birth_date, sex);",
    )?;
    conn.execute_batch(crate::disaster::WINDOWS_SCHEMA)?;
    let meta = [
        ("people", people.to_string()),
        ("seed", seed.to_string()),
        ("generator", GENERATOR_VERSION.to_string()),
        ("reference_date", reference_date().to_string()),
        ("complete", "1".to_string()),
    ];
    for (k, v) in meta {
        conn.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)",
            params![k, v],
        )?;
    }
    conn.close().map_err(|(_, e)| e)?;
    Ok(())
}

/// The kinds of insurer, each with its own card-number sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// 協会けんぽ (法別 01)
    Kyokai = 0,
    /// 健保組合 (法別 06)
    Kumiai = 1,
    /// 共済組合 (法別 31–34)
    Kyosai = 2,
    /// 国民健康保険 (6-digit number)
    Kokuho = 3,
    /// 後期高齢者医療 (法別 39)
    Koki = 4,
}

/// One card: insurer and 記号・番号 (the 枝番 is per person).
struct Card {
    kind: Kind,
    insurer_number: String,
    insurer_name: String,
    symbol: String,
    number: String,
    next_branch: u32,
}

/// A household member before it is written.
struct Member {
    sex: u8,
    age: u32,
}

struct Qual<'a> {
    person_id: i64,
    card: &'a Card,
    branch: String,
    relationship: Relationship,
    classification: CardClassification,
    issued_on: NaiveDate,
    valid_from: NaiveDate,
    valid_until: Option<NaiveDate>,
    loss_reason: Option<LossReason>,
    newer_from: Option<NaiveDate>,
}

/// What belongs to the person rather than to a card: copay, certificates.
struct Benefits {
    copay: u8,
    preschool: bool,
    elderly: Option<(u8, NaiveDate, NaiveDate, NaiveDate)>,
    limit: Option<(
        LimitCertificateClassification,
        LimitCategory,
        NaiveDate,
        NaiveDate,
        NaiveDate,
    )>,
    disease: Option<(SpecificDisease, u32, NaiveDate)>,
}

fn with_check_digit(body: String) -> String {
    let cd = check_digit(&body).expect("digits only");
    format!("{body}{cd}")
}

/// A bijection of `0..10^digits` (affine maps with multipliers coprime to 10
/// around a reversal of the digits), so sequence numbers give unique card
/// numbers that do not look consecutive.
fn permute(x: u64, digits: u32) -> u64 {
    let m = 10u64.pow(digits);
    let affine = |v: u64, a: u64, b: u64| ((v % m) as u128 * a as u128 + b as u128) % m as u128;
    let mut v = affine(x, 4_983_127, 2_718_281) as u64;
    let mut reversed = 0u64;
    for _ in 0..digits {
        reversed = reversed * 10 + v % 10;
        v /= 10;
    }
    affine(reversed, 7_654_321, 1_414_213) as u64
}

fn add_years(d: NaiveDate, years: u32) -> NaiveDate {
    d.checked_add_months(Months::new(12 * years)).unwrap_or(d)
}
fn sub_years(d: NaiveDate, years: u32) -> NaiveDate {
    d.checked_sub_months(Months::new(12 * years)).unwrap_or(d)
}
fn add_days(d: NaiveDate, days: i64) -> NaiveDate {
    if days >= 0 {
        d.checked_add_days(Days::new(days as u64)).unwrap_or(d)
    } else {
        d.checked_sub_days(Days::new((-days) as u64)).unwrap_or(d)
    }
}
fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

struct Generator<'c> {
    rng: Rng,
    reference: NaiveDate,
    next_person: i64,
    seq: [u64; 5],
    insert_person: Statement<'c>,
    insert_qualification: Statement<'c>,
}

impl Generator<'_> {
    /// Writes one household of at most `limit` people; returns how many.
    fn household(&mut self, limit: u64) -> Result<u64, Error> {
        let city = self.rng.pick(data::CITIES);
        let (address, post) = self.address(city);
        let surname = if self.rng.chance(0.035) {
            *self.rng.pick(data::VARIANT_SURNAMES)
        } else {
            *self.rng.pick(data::SURNAMES)
        };
        let mut members = self.members();
        members.truncate(limit as usize);

        // The card shared by the members under 75, chosen by the eldest of them.
        let mut household_card: Option<Card> = None;
        let household_kind = {
            let head_age = members
                .iter()
                .map(|m| m.age)
                .filter(|&a| a < 75)
                .max()
                .unwrap_or(0);
            if (65..75).contains(&head_age) {
                if self.rng.chance(0.85) {
                    Kind::Kokuho
                } else {
                    Kind::Kyokai
                }
            } else {
                [Kind::Kyokai, Kind::Kumiai, Kind::Kyosai, Kind::Kokuho]
                    [self.rng.weighted(&[40, 25, 8, 27])]
            }
        };

        for m in &members {
            let birth = self.birth_date(m.age);
            let (name, kana) = self.full_name(surname, m.sex, birth);
            let person_id = self.next_person;
            self.next_person += 1;
            self.insert_person.execute(params![
                person_id,
                name,
                kana,
                m.sex,
                birth.to_string(),
                address,
                post
            ])?;
            let benefits = self.benefits(m.age, birth);

            if m.age >= 75 {
                self.koki_member(person_id, m, birth, city, &benefits)?;
            } else {
                let mut card = match household_card.take() {
                    Some(card) => card,
                    None => self.new_card(household_kind, city),
                };
                let branch_n = card.next_branch;
                card.next_branch += 1;
                let relationship = if branch_n == 0 || card.kind == Kind::Kokuho {
                    Relationship::Insured
                } else {
                    Relationship::Family
                };
                let branch = format!("{branch_n:02}");
                let written = self.card_member(
                    person_id,
                    m,
                    birth,
                    city,
                    &card,
                    branch,
                    relationship,
                    &benefits,
                );
                household_card = Some(card);
                written?;
            }
        }
        Ok(members.len() as u64)
    }

    fn members(&mut self) -> Vec<Member> {
        let mut out = Vec::with_capacity(5);
        match self.rng.weighted(&[42, 16, 42]) {
            0 => {
                let band = [(18, 39), (40, 64), (65, 74), (75, 84), (85, 94), (95, 105)]
                    [self.rng.weighted(&[30, 35, 15, 13, 6, 1])];
                let age = self.rng.range(band.0, band.1) as u32;
                let sex = 1 + self.rng.below(2) as u8;
                out.push(Member { sex, age });
            }
            1 => {
                let band = [(65, 74), (75, 84), (85, 95)][self.rng.weighted(&[45, 40, 15])];
                let age = self.rng.range(band.0, band.1);
                let head_sex = if self.rng.chance(0.85) { 1 } else { 2 };
                out.push(Member {
                    sex: head_sex,
                    age: age as u32,
                });
                out.push(Member {
                    sex: 3 - head_sex,
                    age: (age + self.rng.range(-4, 3)).clamp(60, 105) as u32,
                });
            }
            _ => {
                let age = self.rng.range(25, 64);
                let head_sex = if self.rng.chance(0.85) { 1 } else { 2 };
                out.push(Member {
                    sex: head_sex,
                    age: age as u32,
                });
                if self.rng.chance(0.85) {
                    out.push(Member {
                        sex: 3 - head_sex,
                        age: (age + self.rng.range(-6, 3)).max(20) as u32,
                    });
                }
                let children = self.rng.weighted(&[25, 30, 35, 10]);
                for _ in 0..children {
                    let max_age = (age - 22).clamp(0, 22);
                    out.push(Member {
                        sex: 1 + self.rng.below(2) as u8,
                        age: self.rng.range(0, max_age) as u32,
                    });
                }
            }
        }
        out
    }

    /// A birth date for someone aged exactly `age` on the reference date.
    fn birth_date(&mut self, age: u32) -> NaiveDate {
        let latest = sub_years(self.reference, age);
        let earliest = add_days(sub_years(self.reference, age + 1), 1);
        let span = (latest - earliest).num_days();
        add_days(earliest, self.rng.range(0, span))
    }

    fn full_name(&mut self, surname: Reading, sex: u8, birth: NaiveDate) -> (String, String) {
        let list = match (sex, birth.year()) {
            (1, ..1960) => data::MALE_OLD,
            (1, 1960..1995) => data::MALE_MID,
            (1, _) => data::MALE_NEW,
            (_, ..1960) => data::FEMALE_OLD,
            (_, 1960..1995) => data::FEMALE_MID,
            _ => data::FEMALE_NEW,
        };
        let given = *self.rng.pick(list);
        let mut name = format!("{}　{}", surname.0, given.0);
        let kana = format!("{}　{}", surname.1, given.1);
        // About 0.5 %: one character outside the national character set.
        if self.rng.chance(0.005) {
            let chars: Vec<char> = name.chars().collect();
            let candidates: Vec<usize> = chars
                .iter()
                .enumerate()
                .filter(|(_, &c)| c != '　' && !('\u{3040}'..='\u{30FF}').contains(&c))
                .map(|(i, _)| i)
                .collect();
            if !candidates.is_empty() {
                let at = *self.rng.pick(&candidates);
                name = chars
                    .iter()
                    .enumerate()
                    .map(|(i, &c)| if i == at { '●' } else { c })
                    .collect();
            }
        }
        (name, kana)
    }

    fn address(&mut self, city: &City) -> (String, String) {
        let town = self.rng.pick(city.towns);
        let chome = self.rng.range(1, 5) as usize;
        let ban = self.rng.range(1, 30);
        let go = self.rng.range(1, 25);
        let rest = if town.chome {
            match self.rng.weighted(&[40, 30, 20, 10]) {
                0 => format!("{}丁目{ban}番{go}号", data::KANJI_DIGITS[chome]),
                1 => format!("{chome}丁目{ban}番{go}号"),
                2 => format!("{chome}-{ban}-{go}"),
                _ => format!("{}丁目{ban}番地{go}", data::KANJI_DIGITS[chome]),
            }
        } else if self.rng.chance(0.6) {
            format!("{ban}番地{go}")
        } else {
            format!("{ban}-{go}")
        };
        let building = if self.rng.chance(0.15) {
            let b = self.rng.pick(data::BUILDINGS);
            format!(
                "　{b}{}{}{:02}",
                town.name,
                self.rng.range(1, 8),
                self.rng.range(1, 12)
            )
        } else {
            String::new()
        };
        let address = format!("{}{}{}{rest}{building}", city.pref, city.name, town.name);
        let post = format!("{}-{}", &town.post[..3], &town.post[3..]);
        (address, post)
    }

    fn new_card_with(rng: &mut Rng, seq: &mut [u64; 5], kind: Kind, city: &City) -> Card {
        let s = seq[kind as usize];
        seq[kind as usize] += 1;
        let pref = city.pref_code;
        let (insurer_number, insurer_name, symbol, number) = match kind {
            Kind::Kyokai => (
                with_check_digit(format!("01{pref:02}001")),
                format!("全国健康保険協会{}支部", data::branch_name(city.pref)),
                format!("{:02}{:06}", 10 + s / 10_000_000, rng.below(1_000_000)),
                permute(s, 7).to_string(),
            ),
            Kind::Kumiai => {
                let (name, p, code) = *rng.pick(data::KUMIAI);
                (
                    with_check_digit(format!("06{p:02}{code:03}")),
                    name.to_string(),
                    (s / 1_000_000 * 1000 + 1 + rng.below(999)).to_string(),
                    permute(s, 6).to_string(),
                )
            }
            Kind::Kyosai => {
                let (law, p, code, name) = match rng.weighted(&[25, 30, 15, 30]) {
                    0 => {
                        let (name, code) = *rng.pick(data::KOKKA_KYOSAI);
                        (31, 13, code, name.to_string())
                    }
                    1 => (
                        32,
                        pref,
                        2,
                        format!("地方職員共済組合{}支部", data::branch_name(city.pref)),
                    ),
                    2 => (
                        33,
                        pref,
                        3,
                        format!("警察共済組合{}支部", data::branch_name(city.pref)),
                    ),
                    _ => (
                        34,
                        pref,
                        4,
                        format!("公立学校共済組合{}支部", data::branch_name(city.pref)),
                    ),
                };
                (
                    with_check_digit(format!("{law}{p:02}{code:03}")),
                    name,
                    (s / 1_000_000 * 1000 + 1 + rng.below(999)).to_string(),
                    permute(s, 6).to_string(),
                )
            }
            Kind::Kokuho => {
                let high = s / 10_000_000;
                let symbol = if high == 0 {
                    city.kokuho_symbol.to_string()
                } else {
                    format!("{}{high}", city.kokuho_symbol)
                };
                (
                    with_check_digit(format!("{pref:02}{:03}", city.kokuho_code)),
                    city.kokuho_name.to_string(),
                    symbol,
                    format!("{:07}", permute(s, 7)),
                )
            }
            Kind::Koki => (
                with_check_digit(format!("39{pref:02}001")),
                format!("{}後期高齢者医療広域連合", city.pref),
                String::new(),
                format!("{:08}", permute(s, 8)),
            ),
        };
        Card {
            kind,
            insurer_number,
            insurer_name,
            symbol,
            number,
            next_branch: 0,
        }
    }

    fn new_card(&mut self, kind: Kind, city: &City) -> Card {
        Self::new_card_with(&mut self.rng, &mut self.seq, kind, city)
    }

    /// Copay and certificates by age on the reference date.
    fn benefits(&mut self, age: u32, birth: NaiveDate) -> Benefits {
        let reference = self.reference;
        let (copay, preschool) = match age {
            0..=5 => (20, true),
            6..=69 => (30, false),
            70..=74 => (if self.rng.chance(0.15) { 30 } else { 20 }, false),
            _ => ([10, 20, 30][self.rng.weighted(&[75, 17, 8])], false),
        };
        let elderly = if (70..75).contains(&age) {
            let seventieth = add_years(birth, 70);
            let from = if seventieth.day() == 1 {
                seventieth
            } else {
                seventieth
                    .checked_add_months(Months::new(1))
                    .and_then(|d| d.with_day(1))
                    .unwrap_or(seventieth)
            };
            let until = ymd(2027, 7, 31).min(add_days(add_years(birth, 75), -1));
            Some((copay, add_days(from, -14), from, until))
        } else {
            None
        };
        let limit = if self.rng.chance(0.06) {
            let (class, category) = if age < 70 {
                let cat = [
                    LimitCategory::A01,
                    LimitCategory::A02,
                    LimitCategory::A03,
                    LimitCategory::A04,
                    LimitCategory::A05,
                ][self.rng.weighted(&[5, 10, 50, 25, 10])];
                let class = if cat == LimitCategory::A05 {
                    LimitCertificateClassification::LimitAndReduction
                } else {
                    LimitCertificateClassification::Limit
                };
                (class, cat)
            } else if copay == 30 {
                (
                    LimitCertificateClassification::Limit,
                    *self
                        .rng
                        .pick(&[LimitCategory::B01, LimitCategory::B02, LimitCategory::B03]),
                )
            } else {
                match self.rng.weighted(&[40, 35, 25]) {
                    0 => (
                        LimitCertificateClassification::LimitAndReduction,
                        LimitCategory::B05,
                    ),
                    1 => (
                        LimitCertificateClassification::LimitAndReduction,
                        LimitCategory::B06,
                    ),
                    _ if age >= 75 && copay == 20 => {
                        (LimitCertificateClassification::Limit, LimitCategory::B09)
                    }
                    _ => (LimitCertificateClassification::Limit, LimitCategory::B04),
                }
            };
            let from = ymd(2025, 8, 1);
            Some((class, category, from, from, ymd(2027, 7, 31)))
        } else {
            None
        };
        let disease = {
            let r = self.rng.below(10_000);
            let d = if age >= 30 && r < 40 {
                Some(SpecificDisease::Dialysis)
            } else if (40..45).contains(&r) {
                Some(SpecificDisease::Hemophilia)
            } else if (45..50).contains(&r) && age >= 16 {
                Some(SpecificDisease::Hiv)
            } else {
                None
            };
            d.map(|d| {
                let high_income = age < 70
                    && matches!(
                        limit,
                        Some((_, LimitCategory::A01 | LimitCategory::A02, ..))
                    );
                let self_pay = if d == SpecificDisease::Dialysis && high_income {
                    20_000
                } else {
                    10_000
                };
                let from = birth.max(add_days(reference, -self.rng.range(30, 3650)));
                (d, self_pay, from)
            })
        };
        Benefits {
            copay,
            preschool,
            elderly,
            limit,
            disease,
        }
    }

    /// How the person's card stands: 0 valid, 1 lost, 2 lost with a newer
    /// qualification, 3 expired.
    fn fate(&mut self, age: u32) -> u8 {
        if age < 2 {
            return 0;
        }
        match self.rng.below(1000) {
            0..=29 => 1,
            30..=49 => 2,
            50..=59 => 3,
            _ => 0,
        }
    }

    fn loss_reason(&mut self, age: u32) -> LossReason {
        let death = if age >= 60 { 45 } else { 5 };
        [
            LossReason::Death,
            LossReason::WelfareStarted,
            LossReason::Other,
        ][self.rng.weighted(&[death, 25, 45])]
    }

    /// A member on the household's card (under 75).
    #[allow(clippy::too_many_arguments)]
    fn card_member(
        &mut self,
        person_id: i64,
        m: &Member,
        birth: NaiveDate,
        city: &City,
        card: &Card,
        branch: String,
        relationship: Relationship,
        benefits: &Benefits,
    ) -> Result<(), Error> {
        let reference = self.reference;
        let fate = self.fate(m.age);
        let valid_from = birth.max(add_days(reference, -self.rng.range(30, 20 * 365)));
        let issued_on = add_days(valid_from, self.rng.range(0, 20)).min(reference);
        let classification = CardClassification::General;
        let renewal = if card.kind == Kind::Kokuho && self.rng.chance(0.5) {
            Some(ymd(2027, 7, 31))
        } else {
            None
        };
        match fate {
            1 | 2 => {
                let lost_on = add_days(reference, -self.rng.range(1, 700));
                let until = lost_on.max(birth);
                let valid_from = valid_from.min(add_days(until, -30)).max(birth);
                let newer_from = add_days(until, 1);
                let (reason, newer) = if fate == 2 {
                    (LossReason::OtherInsurance, Some(newer_from))
                } else {
                    (self.loss_reason(m.age), None)
                };
                self.write(
                    &Qual {
                        person_id,
                        card,
                        branch,
                        relationship,
                        classification,
                        issued_on: valid_from,
                        valid_from,
                        valid_until: Some(until),
                        loss_reason: Some(reason),
                        newer_from: newer,
                    },
                    benefits,
                )?;
                if fate == 2 {
                    let kind = if card.kind == Kind::Kyokai {
                        Kind::Kumiai
                    } else {
                        Kind::Kyokai
                    };
                    let new_card = self.new_card(kind, city);
                    // A child joins a parent's new card (the parent is not in
                    // the population): 枝番 01 and up are for family members.
                    let (relationship, new_branch) = if m.age >= 18 {
                        (Relationship::Insured, "00")
                    } else {
                        (Relationship::Family, "01")
                    };
                    let issued = add_days(newer_from, self.rng.range(0, 14)).min(reference);
                    self.write(
                        &Qual {
                            person_id,
                            card: &new_card,
                            branch: new_branch.into(),
                            relationship,
                            classification,
                            issued_on: issued,
                            valid_from: newer_from,
                            valid_until: None,
                            loss_reason: None,
                            newer_from: None,
                        },
                        benefits,
                    )?;
                }
            }
            3 => {
                let until = add_days(reference, -self.rng.range(1, 400));
                let from = birth.max(add_days(until, -182));
                self.write(
                    &Qual {
                        person_id,
                        card,
                        branch,
                        relationship,
                        classification: if card.kind == Kind::Kokuho {
                            CardClassification::ShortTermGeneral
                        } else {
                            CardClassification::General
                        },
                        issued_on: from,
                        valid_from: from,
                        valid_until: Some(until),
                        loss_reason: None,
                        newer_from: None,
                    },
                    benefits,
                )?;
            }
            _ => {
                self.write(
                    &Qual {
                        person_id,
                        card,
                        branch,
                        relationship,
                        classification,
                        issued_on,
                        valid_from,
                        valid_until: renewal,
                        loss_reason: None,
                        newer_from: None,
                    },
                    benefits,
                )?;
            }
        }
        Ok(())
    }

    /// A member aged 75 or over: an own 後期高齢者 card.
    fn koki_member(
        &mut self,
        person_id: i64,
        m: &Member,
        birth: NaiveDate,
        city: &City,
        benefits: &Benefits,
    ) -> Result<(), Error> {
        let reference = self.reference;
        let eligible_from = add_years(birth, 75).max(ymd(2008, 4, 1));
        let mut fate = self.fate(m.age);
        let until_renewal = ymd(2027, 7, 31);
        // A card lost at least a month after it started and before the reference day.
        let earliest_loss = add_days(eligible_from, 30).max(add_days(reference, -700));
        let latest_loss = add_days(reference, -1);
        if matches!(fate, 1 | 2) && earliest_loss > latest_loss {
            fate = 0;
        }
        match fate {
            1 | 2 => {
                let span = (latest_loss - earliest_loss).num_days();
                let until = add_days(earliest_loss, self.rng.range(0, span));
                let newer_from = add_days(until, 1);
                // Someone who moved in from another prefecture: the old card
                // is that prefecture's union.
                let old_city = if fate == 2 {
                    let mut c = self.rng.pick(data::CITIES);
                    for _ in 0..8 {
                        if c.pref_code != city.pref_code {
                            break;
                        }
                        c = self.rng.pick(data::CITIES);
                    }
                    c
                } else {
                    city
                };
                let old = self.new_card(Kind::Koki, old_city);
                let (reason, newer) = if fate == 2 {
                    (LossReason::OtherInsurance, Some(newer_from))
                } else {
                    (self.loss_reason(m.age), None)
                };
                self.write(
                    &Qual {
                        person_id,
                        card: &old,
                        branch: "00".into(),
                        relationship: Relationship::Insured,
                        classification: CardClassification::General,
                        issued_on: eligible_from,
                        valid_from: eligible_from,
                        valid_until: Some(until),
                        loss_reason: Some(reason),
                        newer_from: newer,
                    },
                    benefits,
                )?;
                if fate == 2 {
                    let new = self.new_card(Kind::Koki, city);
                    self.write(
                        &Qual {
                            person_id,
                            card: &new,
                            branch: "00".into(),
                            relationship: Relationship::Insured,
                            classification: CardClassification::General,
                            issued_on: newer_from.min(reference),
                            valid_from: newer_from,
                            valid_until: Some(until_renewal),
                            loss_reason: None,
                            newer_from: None,
                        },
                        benefits,
                    )?;
                }
            }
            3 => {
                let card = self.new_card(Kind::Koki, city);
                let until = add_days(reference, -self.rng.range(1, 400));
                let from = eligible_from.max(add_days(until, -365)).min(until);
                self.write(
                    &Qual {
                        person_id,
                        card: &card,
                        branch: "00".into(),
                        relationship: Relationship::Insured,
                        classification: CardClassification::ShortTermGeneral,
                        issued_on: from,
                        valid_from: from,
                        valid_until: Some(until),
                        loss_reason: None,
                        newer_from: None,
                    },
                    benefits,
                )?;
            }
            _ => {
                let card = self.new_card(Kind::Koki, city);
                let issued = eligible_from.max(ymd(2025, 8, 1)).min(reference);
                self.write(
                    &Qual {
                        person_id,
                        card: &card,
                        branch: "00".into(),
                        relationship: Relationship::Insured,
                        classification: CardClassification::General,
                        issued_on: issued,
                        valid_from: eligible_from,
                        valid_until: Some(until_renewal),
                        loss_reason: None,
                        newer_from: None,
                    },
                    benefits,
                )?;
            }
        }
        Ok(())
    }

    /// The people for particular cases, after the households: 医療扶助
    /// people (A1: 保険者番号 = the welfare office's 公費負担者番号, 法別 12;
    /// 番号 = the 7-digit 受給者番号), every fifth without a ticket
    /// (有効（未登録）); one person for each consent answer (OQSCD016 0–3);
    /// people whose answers carry the e-certificate notice.
    fn special_people(&mut self, conn: &Connection, people: u64) -> Result<(), Error> {
        const INJURIES: &[&str] = &["高血圧症", "2型糖尿病", "腰痛症", "慢性胃炎", "変形性膝関節症", "不眠症"];
        const STAFF: &[&str] = &["佐藤　美咲", "鈴木　健一", "高橋　由美", "田中　誠"];
        let mark = |conn: &Connection, kind: &str, ticket: Option<String>, consent: Option<&str>, notice: bool| {
            conn.execute(
                "UPDATE qualifications SET special = ?1, medical_ticket = ?2, consent_answer = ?3,
                    notice_code = ?4, notice_message = ?5,
                    copay = CASE WHEN ?1 = 'medical_aid' THEN NULL ELSE copay END,
                    relationship = CASE WHEN ?1 = 'medical_aid' THEN NULL ELSE relationship END,
                    branch = CASE WHEN ?1 = 'medical_aid' THEN NULL ELSE branch END
                 WHERE id = last_insert_rowid()",
                params![
                    kind,
                    ticket,
                    consent,
                    notice.then_some(CERTIFICATE_NOTICE_CODE),
                    notice.then_some(CERTIFICATE_NOTICE_MESSAGE)
                ],
            )
        };
        let total = medical_aid_count(people) + CONSENT_PEOPLE + NOTICE_PEOPLE;
        for i in 0..total {
            let city = self.rng.pick(data::CITIES);
            let (address, post) = self.address(city);
            let surname = *self.rng.pick(data::SURNAMES);
            let sex = 1 + (i % 2) as u8;
            // Working age: a 協会けんぽ card and 3割 for the others (no 高齢受給者).
            let age = 20 + self.rng.below(45) as u32;
            let birth = self.birth_date(age);
            let (name, kana) = self.full_name(surname, sex, birth);
            let person_id = self.next_person;
            self.next_person += 1;
            self.insert_person
                .execute(params![person_id, name, kana, sex, birth.to_string(), address, post])?;
            let benefits = self.benefits(age, birth);
            let aid = i < medical_aid_count(people);
            if aid {
                let office = 1 + i % 7;
                let card = Card {
                    kind: Kind::Kyokai,
                    insurer_number: with_check_digit(format!("12{:02}{office:03}", city.pref_code)),
                    insurer_name: format!("{}福祉事務所", city.name),
                    symbol: String::new(),
                    number: with_check_digit(format!("{:06}", 100_000 + permute(i, 5) % 900_000)),
                    next_branch: 0,
                };
                let since = ymd(2024, 3, 1).max(birth);
                self.write_aid(person_id, &card, since, &benefits)?;
                let ticket = (i % 5 != 4).then(|| {
                    let injuries: Vec<String> = (0..1 + i % 3)
                        .map(|k| INJURIES[((i + k * 2) % INJURIES.len() as u64) as usize].to_string())
                        .collect();
                    let t = madoguchi_core::MedicalTicket {
                        ticket_type: Some(madoguchi_core::TicketType::MedicalTicket),
                        issue_number: Some(format!("{:08}", permute(i + 7, 8))),
                        designated_institution_code: Some(format!("{:02}10000016", city.pref_code)),
                        designated_institution_flag: Some("1".into()),
                        designated_institution_name: Some("研修クリニック".into()),
                        injury_names: injuries,
                        // 本人支払額: most pay nothing, some a share by income.
                        self_pay: Some(if i % 4 == 1 { 2_500 } else { 0 }),
                        district_contact: Some(STAFF[(i % 4) as usize].into()),
                        handling_contact: Some(STAFF[((i + 1) % 4) as usize].into()),
                        ..Default::default()
                    };
                    serde_json::to_string(&t).expect("a ticket serialises")
                });
                mark(conn, "medical_aid", ticket, None, false)?;
            } else {
                let card = self.new_card(Kind::Kyokai, city);
                let j = i - medical_aid_count(people);
                let valid_from = add_days(self.reference, -self.rng.range(30, 5 * 365)).max(birth);
                self.write(
                    &Qual {
                        person_id,
                        card: &card,
                        branch: "00".into(),
                        relationship: Relationship::Insured,
                        classification: CardClassification::General,
                        issued_on: valid_from,
                        valid_from,
                        valid_until: None,
                        loss_reason: None,
                        newer_from: None,
                    },
                    &benefits,
                )?;
                if j < CONSENT_PEOPLE {
                    mark(conn, "consent", None, Some(["0", "1", "2", "3"][j as usize]), false)?;
                } else {
                    mark(conn, "notice", None, None, true)?;
                }
            }
        }
        Ok(())
    }

    fn write_aid(&mut self, person_id: i64, card: &Card, since: NaiveDate, b: &Benefits) -> Result<(), Error> {
        let q = Qual {
            person_id,
            card,
            branch: String::new(),
            relationship: Relationship::Insured,
            classification: CardClassification::MedicalAid,
            issued_on: since,
            valid_from: since,
            valid_until: None,
            loss_reason: None,
            newer_from: None,
        };
        let plain = Benefits {
            copay: b.copay,
            preschool: false,
            elderly: None,
            limit: None,
            disease: None,
        };
        self.write(&q, &plain)
    }

    fn write(&mut self, q: &Qual<'_>, b: &Benefits) -> Result<(), Error> {
        let d = |x: Option<NaiveDate>| x.map(|d| d.to_string());
        let reference_number = format!(
            "{:010}",
            permute(q.person_id as u64 * 31 + q.card.kind as u64, 10)
        );
        self.insert_qualification.execute(params![
            q.person_id,
            q.card.insurer_number,
            q.card.insurer_name,
            q.card.symbol,
            q.card.number,
            q.branch,
            q.classification.code(),
            q.relationship.code(),
            q.issued_on.to_string(),
            q.valid_from.to_string(),
            d(q.valid_until),
            b.copay,
            b.preschool,
            q.loss_reason.map(|r| r.code()),
            d(q.newer_from),
            b.elderly.map(|e| e.0),
            d(b.elderly.map(|e| e.1)),
            d(b.elderly.map(|e| e.2)),
            d(b.elderly.map(|e| e.3)),
            b.limit.map(|l| l.0.code()),
            b.limit.map(|l| l.1.code()),
            d(b.limit.map(|l| l.2)),
            d(b.limit.map(|l| l.3)),
            d(b.limit.map(|l| l.4)),
            b.disease.map(|x| x.0.code()),
            b.disease.map(|x| x.1),
            d(b.disease.map(|x| x.2)),
            d(b.disease.map(|x| x.2)),
            Option::<String>::None,
            reference_number,
        ])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permute_is_a_bijection() {
        for digits in [3u32, 4] {
            let m = 10u64.pow(digits);
            let mut seen = vec![false; m as usize];
            for x in 0..m {
                let y = permute(x, digits);
                assert!(y < m);
                assert!(!seen[y as usize], "{x} maps onto a value already taken");
                seen[y as usize] = true;
            }
        }
    }

    #[test]
    fn ages_are_whole_years() {
        let birth = ymd(2000, 4, 2);
        assert_eq!(age_on(birth, ymd(2026, 4, 1)), 25);
        assert_eq!(age_on(birth, ymd(2026, 4, 2)), 26);
    }
}
