//! The bytes of an appointment list as the desk reads them
//! (`madoguchi_adapters::csv::decode`), from the table
//! tests/data/csv_decode.tsv: UTF-8 with or without a BOM, Shift_JIS/CP932,
//! and bytes that are neither, refused in words staff can act on.

use madoguchi_adapters::csv::decode;
use madoguchi_i18n::{tr, Lang};

fn unescape(s: &str) -> String {
    s.replace("\\r", "\r").replace("\\n", "\n").replace("\\t", "\t")
}

#[test]
fn decoding_the_table() {
    let path = format!("{}/tests/data/csv_decode.tsv", env!("CARGO_MANIFEST_DIR"));
    let table = std::fs::read_to_string(&path).unwrap();
    let mut n = 0;
    for line in table.lines().filter(|l| !l.starts_with('#')).skip(1) {
        let [case, hex, expected]: [&str; 3] = line.split('\t').collect::<Vec<_>>().try_into().unwrap_or_else(|_| panic!("{line}"));
        let bytes: Vec<u8> = hex.split_whitespace().map(|b| u8::from_str_radix(b, 16).unwrap()).collect();
        match (decode(&bytes), expected.split_once(':').unwrap()) {
            (Ok(text), ("ok", want)) => assert_eq!(text, unescape(want), "{case}"),
            (Err(msg), ("error", words)) => {
                let (ja, en) = words.split_once('|').unwrap();
                let args: Vec<(&str, String)> = msg.args.iter().map(|(k, v)| (k.as_str(), v.to_string())).collect();
                assert_eq!(tr(Lang::Ja, &msg.id, &args), ja, "{case}");
                assert_eq!(tr(Lang::En, &msg.id, &args), en, "{case}");
            }
            (got, _) => panic!("{case}: {got:?}, expected {expected}"),
        }
        n += 1;
    }
    assert_eq!(n, 8);
}
