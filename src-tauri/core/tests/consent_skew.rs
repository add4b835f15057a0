//! The terminal's clock ahead of the desk's: the tolerance of `decide`
//! (`ConsentState::with_clock_tolerance`) and the message that names both
//! clocks beyond it, from the table `data/consent_skew_cases.tsv`.

use chrono::{NaiveDateTime, TimeDelta};
use madoguchi_core::consent::{decide, Consent, ConsentRemedy, ConsentSource, ConsentState, Decision, MessageArg, Purpose};
use madoguchi_core::ConsentCategory;

const A: &str = "06139999:12:345:01";

fn t(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn arg(args: &[(&'static str, MessageArg)], name: &str) -> String {
    args.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string()).unwrap_or_else(|| panic!("no argument {name}"))
}

#[test]
fn the_skew_table() {
    let table = include_str!("data/consent_skew_cases.tsv");
    let mut cases = 0;
    for line in table.lines().filter(|l| !l.starts_with('#') && !l.starts_with("id\t") && !l.trim().is_empty()) {
        let f: Vec<&str> = line.split('\t').collect();
        let [id, source, given_at, valid_until, tolerance, now, expect, detail, note] = f[..] else { panic!("{line}") };
        let source = match source {
            "card" => ConsentSource::CardReader,
            "home" => ConsentSource::HomeVisit,
            "disaster" => ConsentSource::DisasterOral,
            other => panic!("{id}: source {other}"),
        };
        let consent = Consent {
            patient_key: A.into(),
            category: ConsentCategory::Medication,
            given_at: t(given_at),
            valid_until: t(valid_until),
            source,
            recorded_by: "card-reader".into(),
        };
        let state = ConsentState::from_stored(A, vec![consent]).with_clock_tolerance(TimeDelta::seconds(tolerance.parse().unwrap()));
        let now = t(now);
        let decision = decide(&state, A, ConsentCategory::Medication, Purpose::View, now);
        assert_eq!(decision.kind(), expect, "case {id} ({note}): {decision:?}");
        match decision {
            Decision::Allowed(g) => {
                let skew = g.clock_skew().map(|d| d.num_seconds().to_string()).unwrap_or("-".into());
                assert_eq!(skew, detail, "case {id} ({note}): the grant's skew");
            }
            Decision::Refused(r) if expect == "not_yet_valid" => {
                let m = r.message_at(ConsentRemedy::CardReader, now);
                assert_eq!(m.id, "consent-refused-clock-ahead", "case {id}");
                let clocks = format!("{} {}", arg(&m.args, "consent-time"), arg(&m.args, "desk-time"));
                assert_eq!(clocks, detail, "case {id} ({note}): the two clocks");
                let ahead = (t(given_at) - now).num_seconds();
                assert_eq!(arg(&m.args, "ahead-min").parse::<i64>().unwrap() * 60 + arg(&m.args, "ahead-sec").parse::<i64>().unwrap(), ahead, "case {id}");
            }
            Decision::Refused(_) => assert_eq!(detail, "-", "case {id}"),
        }
        cases += 1;
    }
    assert_eq!(cases, 13, "every row of the table was read");
}

#[test]
fn the_old_message_shows_seconds_when_they_matter() {
    use madoguchi_core::consent::clock_time;
    assert_eq!(clock_time(t("2026-11-20 01:09:00")), "1:09");
    assert_eq!(clock_time(t("2026-11-20 01:09:40")), "1:09:40");
}
