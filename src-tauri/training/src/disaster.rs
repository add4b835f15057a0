//! 災害時モード on the training service: disaster windows per prefecture and
//! period (declared and closed by the admin commands, kept in the population
//! file so that the running service sees them), and the four-field look-up
//! over the population with the core matcher.
//!
//! The look-up reads only the people born on the queried day with the queried
//! sex (index `persons_birth_sex`), so it costs the same with 10,000 or
//! 10,000,000 people; the core matcher then decides on those few.

use chrono::{NaiveDate, NaiveDateTime};
use madoguchi_core::codes::{Sex, Validity};
use madoguchi_core::disaster::{
    prefecture_of_facility, DisasterAnswer, DisasterRequest, BAD_FACILITY_CODE, NOT_OPEN_CODE,
};
use madoguchi_core::matching::{prepare, Candidate, MatchOutcome};
use madoguchi_core::{CertificateConsents, EligibilityResult, ResultSource};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

use crate::generate::Population;
use crate::lookup::{found, validity_on, BadRequest, SELECT};
use crate::Error;

/// The table of disaster windows (also created by the generator).
pub(crate) const WINDOWS_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS disaster_windows (
    id INTEGER PRIMARY KEY,
    prefecture INTEGER NOT NULL,
    opens_at TEXT NOT NULL,
    until TEXT,
    closed_at TEXT
);";

const TIME_FORMAT: &str = "%Y-%m-%dT%H:%M:%S";

/// A disaster window: the national side opened disaster mode for the
/// facilities of one prefecture from `opens_at` until `until` (or until closed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisasterWindow {
    pub id: i64,
    /// 都道府県番号 1–47.
    pub prefecture: u8,
    pub opens_at: NaiveDateTime,
    /// The planned end; `None` until closed by command.
    pub until: Option<NaiveDateTime>,
    /// When `disaster close` ended it.
    pub closed_at: Option<NaiveDateTime>,
}

impl DisasterWindow {
    /// Open at `now`: started, not past its end, not closed.
    pub fn is_open_at(&self, now: NaiveDateTime) -> bool {
        self.opens_at <= now
            && self.until.is_none_or(|u| now < u)
            && self.closed_at.is_none_or(|c| now < c)
    }
}

fn time(s: Option<String>) -> Option<NaiveDateTime> {
    s.and_then(|s| NaiveDateTime::parse_from_str(&s, TIME_FORMAT).ok())
}

fn check_prefecture(prefecture: u8) -> Result<(), Error> {
    if (1..=47).contains(&prefecture) {
        Ok(())
    } else {
        Err(Error::Invalid(format!(
            "都道府県番号は1〜47です (prefecture must be 1–47, got {prefecture})"
        )))
    }
}

/// Every window, oldest first.
pub fn windows(conn: &Connection) -> Result<Vec<DisasterWindow>, Error> {
    let mut stmt = conn.prepare(
        "SELECT id, prefecture, opens_at, until, closed_at FROM disaster_windows ORDER BY id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(DisasterWindow {
            id: r.get(0)?,
            prefecture: r.get(1)?,
            opens_at: time(Some(r.get(2)?)).unwrap_or_default(),
            until: time(r.get(3)?),
            closed_at: time(r.get(4)?),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Is a window open for `prefecture` at `now`?
pub fn is_open(conn: &Connection, prefecture: u8, now: NaiveDateTime) -> Result<bool, Error> {
    Ok(windows(conn)?
        .iter()
        .any(|w| w.prefecture == prefecture && w.is_open_at(now)))
}

impl Population {
    fn connect_rw(&self) -> Result<Connection, Error> {
        let conn = Connection::open(self.path())?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.execute_batch(WINDOWS_SCHEMA)?;
        Ok(conn)
    }

    /// Declares a disaster window for `prefecture` from `from` until `until`
    /// (open-ended when `None`).
    pub fn open_disaster(
        &self,
        prefecture: u8,
        from: NaiveDateTime,
        until: Option<NaiveDateTime>,
    ) -> Result<DisasterWindow, Error> {
        check_prefecture(prefecture)?;
        if until.is_some_and(|u| u <= from) {
            return Err(Error::Invalid(
                "終了日時は開始日時より後にしてください (--until must be after --from)".into(),
            ));
        }
        let conn = self.connect_rw()?;
        conn.execute(
            "INSERT INTO disaster_windows (prefecture, opens_at, until) VALUES (?1, ?2, ?3)",
            params![
                prefecture,
                from.format(TIME_FORMAT).to_string(),
                until.map(|u| u.format(TIME_FORMAT).to_string())
            ],
        )?;
        let id = conn.last_insert_rowid();
        Ok(DisasterWindow {
            id,
            prefecture,
            opens_at: from,
            until,
            closed_at: None,
        })
    }

    /// Closes every window of `prefecture` that is not closed yet; returns
    /// how many.
    pub fn close_disaster(&self, prefecture: u8, now: NaiveDateTime) -> Result<usize, Error> {
        check_prefecture(prefecture)?;
        let conn = self.connect_rw()?;
        Ok(conn.execute(
            "UPDATE disaster_windows SET closed_at = ?2
             WHERE prefecture = ?1 AND closed_at IS NULL",
            params![prefecture, now.format(TIME_FORMAT).to_string()],
        )?)
    }

    /// Every window, oldest first.
    pub fn disaster_windows(&self) -> Result<Vec<DisasterWindow>, Error> {
        windows(&self.connect_rw()?)
    }

    /// The disaster look-up (see [`lookup`]).
    pub fn disaster_lookup(
        &self,
        request: &DisasterRequest,
        now: NaiveDateTime,
    ) -> Result<Result<DisasterAnswer, BadRequest>, Error> {
        lookup(&self.connect()?, request, now)
    }
}

/// Answers a disaster look-up at `now`: refused without an open window for the
/// facility's prefecture ([`NOT_OPEN_CODE`]); otherwise the core matcher over
/// the people with the queried birth date and sex. Found → that person's
/// eligibility result on `now`'s date; several → only how many.
pub fn lookup(
    conn: &Connection,
    request: &DisasterRequest,
    now: NaiveDateTime,
) -> Result<Result<DisasterAnswer, BadRequest>, Error> {
    let Some(prefecture) = prefecture_of_facility(&request.facility_code) else {
        return Ok(Err(BadRequest {
            code: BAD_FACILITY_CODE,
            message: format!(
                "医療機関コードは10桁で、先頭2桁が都道府県番号 (01〜47) です（受信: {:?}）",
                request.facility_code
            ),
        }));
    };
    if !is_open(conn, prefecture, now)? {
        return Ok(Err(BadRequest {
            code: NOT_OPEN_CODE,
            message: format!(
                "都道府県番号 {prefecture:02} では災害時モードは開始されていません"
            ),
        }));
    }
    let prepared = match prepare(&request.query) {
        Ok(p) => p,
        Err(problems) => {
            return Ok(Ok(DisasterAnswer {
                outcome: MatchOutcome::Refused { problems },
                result: None,
            }))
        }
    };
    let mut stmt = conn.prepare_cached(
        "SELECT p.id, p.name, p.name_kana, p.sex, p.birth_date, p.address, q.insurer_name, q.insurer_number
         FROM persons p JOIN qualifications q ON q.person_id = p.id
         WHERE p.birth_date = ?1 AND p.sex = ?2",
    )?;
    let sex: i64 = prepared.sex().code().parse().unwrap_or(0);
    let mut rows = stmt.query(params![prepared.birth_date().to_string(), sex])?;
    let mut collector = prepared.collector();
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let birth: String = r.get(4)?;
        let sex: i64 = r.get(3)?;
        let candidate = Candidate {
            // The person, not the card: a person with an old and a new
            // qualification is one person.
            key: id.to_string(),
            name: r.get(1)?,
            name_kana: r.get(2)?,
            sex: Sex::from_code(&sex.to_string()).unwrap_or(Sex::Unset),
            birth_date: NaiveDate::parse_from_str(&birth, "%Y-%m-%d").unwrap_or_default(),
            address: r.get(5)?,
            insurer_name: r.get(6)?,
            insurer_number: r.get(7)?,
        };
        collector.push(&candidate);
    }
    let outcome = collector.finish();
    let MatchOutcome::Found { key, matched } = outcome else {
        return Ok(Ok(DisasterAnswer {
            outcome,
            result: None,
        }));
    };
    let person_id: i64 = key.parse().unwrap_or(0);
    let on = now.date();
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE q.person_id = ?1 ORDER BY q.valid_from DESC, q.id DESC"
    ))?;
    let all = stmt
        .query_map([person_id], |r| found(r, false))?
        .collect::<Result<Vec<_>, _>>()?;
    // The qualification valid today, else the newest.
    let chosen = all
        .iter()
        .position(|f| validity_on(&f.qualification, f.newer_from, on) == Validity::Valid)
        .unwrap_or(0);
    let Some(f) = all.into_iter().nth(chosen) else {
        return Err(Error::Invalid(format!("person {person_id} has no qualification")));
    };
    let q = &f.qualification;
    let card_key = format!(
        "{}:{}:{}:{}",
        q.insurer_number.as_str(),
        q.symbol,
        q.number,
        q.branch.clone().unwrap_or_default()
    );
    let result = EligibilityResult { notices: Vec::new(), limit_certificate_changed: None, 
        confirmed_at: now,
        confirmation_date: on,
        reference: None,
        validity: validity_on(&f.qualification, f.newer_from, on),
        error: None,
        asked: None,
        person: Some(f.person),
        qualification: Some(f.qualification),
        consents: Vec::new(),
        certificate_consents: CertificateConsents::default(),
        electronic_prescription: None,
        source: ResultSource::TrainingService,
        missing: Vec::new(),
    };
    Ok(Ok(DisasterAnswer {
        outcome: MatchOutcome::Found {
            key: card_key,
            matched,
        },
        result: Some(result),
    }))
}
