//! Disaster-mode matching (災害時モード). OWNER: helper "matching".
//!
//! In a disaster the patient may have lost their card. Staff then look the
//! insured person up by **all four** of: name (氏名), birth date, sex, and the
//! insurer name **or** the address — the fourth may be a part ("中野" or "鷺宮" for
//! "東京都中野区鷺宮1-1-…", "〇〇" for "〇〇健康保険組合△△支部"). The person is
//! identified first; nothing about anyone is shown before that, and several
//! people matching is answered with their number only ([`MatchOutcome::Ambiguous`]).
//!
//! This module is pure: the variant-kanji table is compiled in
//! (`assets/tables/variant_kanji.tsv`), there is no clock and no I/O.
//!
//! * [`match_disaster`] — the whole look-up over candidates.
//! * [`prepare`] → [`PreparedQuery`], then [`PreparedQuery::matches`] for one
//!   candidate or [`PreparedQuery::collector`] for a stream: a database adapter
//!   pre-filters by birth date and sex (see [`NormalisedQuery`]) and runs the very
//!   same matcher on what comes back.
//! * [`name_key`] / [`hint_key`] — the normalised forms, for indexes.
//!
//! # How the fields compare
//!
//! * **Name** — after [`name_key`]: NFKC (half-width kana → full-width, full-width
//!   letters → ASCII), variation selectors removed, white space (U+3000 too) and
//!   separators (`・ · = . , ' -` …) removed, ASCII upper case, hiragana →
//!   katakana, small kana kept, `ー` kept, variant kanji folded by the table.
//!   A name typed in kana only is compared with the stored カナ氏名 (and with a
//!   stored 氏名 that is itself all kana); any other name (kanji, mixed, Latin)
//!   with the stored 氏名. The whole name must be equal — no partial names.
//!   A `●` in a *stored* name (a character outside the national character set)
//!   stands for exactly one character of the query, provided at least as many
//!   characters are real as are masked.
//! * **Birth date** — [`crate::wareki::parse_date`], then equal.
//! * **Sex** — equal (a stored 未設定 never matches).
//! * **Insurer name** — [`hint_key`] of the query is a substring of the stored
//!   name's, or the query names a kind of insurer (`福岡市国保`, `国保中野区`,
//!   `〇〇共済`, `協会けんぽ東京`, `石川県後期`) and the stored insurer is of that kind
//!   (by its name, else its number) with that own name (`insurer`).
//! * **Address** — part against part (`address`): the place (prefecture,
//!   city/ward, town) as a substring, the address numbers from the 丁目 on as
//!   whole numbers right after the town (`高砂4` is not `高砂2-…` however the
//!   room reads), the building only by its name (with its room when given).
//!   A prefecture at the start may be left out on either side, but two
//!   different prefectures never match. Numbers alone are refused.
//! * Every field loses its invisible characters (zero-width spaces, BOM, soft
//!   hyphen, bidi marks) first; `ー` after a number is a hyphen.
//! * A name whose family and given parts come in different scripts (`森 テツヤ`)
//!   is compared part by part with 氏名 and カナ氏名.
//!
//! # Choices
//!
//! * Refused before any search: a missing field (all listed), an unreadable
//!   date, an unknown sex, a fourth field under [`MIN_HINT_CHARS`], a fourth field
//!   that is only a prefecture (石川県, 石川) or only generic words (健康保険組合,
//!   協会けんぽ, 国保, 支部…), and wildcard-like characters (`● * ? % _ 〓`).
//! * 斉/齊/斎/齋 are folded together (see the table's header); so are 龍/竜.
//! * A stored sex 未設定 never matches; a query cannot ask for it.
//! * Several records with one key are one person (Found).
//! * [`Hint`]s come from the query alone, so NotFound reveals nothing.
//! * Known limit: a part cut inside a place name made of a kanji number and
//!   番 (`青葉区一番` for `青葉区一番町`) reads as a house number and is not found;
//!   the whole `一番町` is.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use crate::codes::Sex;
use crate::message::Msg;
use crate::wareki::{self, DateProblem};

mod address;
mod insurer;

/// The folding table (see its header for the columns and sources).
const VARIANT_TABLE: &str = include_str!("../../../assets/tables/variant_kanji.tsv");

/// The masked character the national system returns for characters outside its
/// character set.
pub const MASK: char = '●';

/// The least number of characters the fourth field must have after
/// [`hint_key`]; one character is browsing.
pub const MIN_HINT_CHARS: usize = 2;

// ---------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------

/// What staff typed, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisasterQuery {
    /// 氏名, in kanji or kana (hiragana, katakana, half-width), spaces anywhere.
    pub name: String,
    /// 生年月日 in any form [`crate::wareki::parse_date`] reads.
    pub birth_date: String,
    /// 性別: 男/女, M/F, male/female, 1/2 (full-width too).
    pub sex: String,
    /// 保険者名 or 住所, whole or in part.
    pub hint: String,
}

/// One insured person the look-up may find.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    /// `保険者番号:記号:番号:枝番`.
    pub key: String,
    /// 氏名 as stored (may contain `●`).
    pub name: String,
    /// カナ氏名 as stored (full- or half-width).
    pub name_kana: Option<String>,
    pub sex: Sex,
    pub birth_date: NaiveDate,
    pub address: Option<String>,
    pub insurer_name: Option<String>,
    /// 保険者番号: its 法別番号 tells the kind of insurer when the name does not
    /// (a 国保 stored as just `福岡市`).
    #[serde(default)]
    pub insurer_number: Option<String>,
}

impl Candidate {
    /// An eligibility result (a cached check, the service's answer) as a
    /// candidate; `None` without a person or a qualification. The key is
    /// `保険者番号:記号:番号:枝番`.
    pub fn from_result(r: &crate::EligibilityResult) -> Option<Candidate> {
        let p = r.person.as_ref()?;
        let q = r.qualification.as_ref()?;
        Some(Candidate {
            key: format!(
                "{}:{}:{}:{}",
                q.insurer_number.as_str(),
                q.symbol,
                q.number,
                q.branch.clone().unwrap_or_default()
            ),
            name: p.name.clone(),
            name_kana: p.name_kana.clone(),
            sex: p.sex,
            birth_date: p.birth_date,
            address: p.address.clone(),
            insurer_name: q.insurer_name.clone(),
            insurer_number: Some(q.insurer_number.as_str().to_string()),
        })
    }
}

/// The four fields of a query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QueryField {
    Name,
    BirthDate,
    Sex,
    /// Insurer name or address.
    Hint,
}

impl QueryField {
    pub const ALL: &'static [QueryField] = &[
        QueryField::Name,
        QueryField::BirthDate,
        QueryField::Sex,
        QueryField::Hint,
    ];
    /// The `$field` argument of the messages.
    pub fn code(self) -> &'static str {
        match self {
            QueryField::Name => "name",
            QueryField::BirthDate => "birth_date",
            QueryField::Sex => "sex",
            QueryField::Hint => "hint",
        }
    }
}

/// Why a query is refused before any search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum QueryProblem {
    /// The field is empty (all four are required).
    Missing { field: QueryField },
    /// The birth date was typed but not understood.
    BirthDate { problem: DateProblem },
    /// Not one of 男/女/M/F/male/female/1/2.
    UnknownSex,
    /// The insurer name or address is shorter than [`MIN_HINT_CHARS`].
    HintTooShort { min: usize, got: usize },
    /// The insurer name or address is only a prefecture or only generic words
    /// (健康保険組合, 協会けんぽ, 国保, 支部…): it would not tell people apart.
    HintTooGeneric,
    /// The insurer name or address is only numbers (`2-11-9`, `401`): which
    /// town's? The town's name is needed with them.
    HintOnlyNumbers,
    /// `● * ? % _ 〓` are not allowed: no wildcards.
    Wildcard { field: QueryField },
}

/// Which stored field a query field matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchField {
    Name,
    BirthDate,
    Sex,
    InsurerName,
    Address,
}

/// How a field matched, for staff to judge the result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MatchHow {
    /// Equal after normalisation (width, spaces, hiragana/katakana, numbers).
    Exact,
    /// A kana name equal to the stored カナ氏名.
    Kana,
    /// Equal once variant kanji are folded (髙/高, 﨑/崎…).
    VariantKanjiFolded,
    /// The stored name has `●`, each standing for one typed character.
    MaskedCharacter,
    /// The birth date was typed in 和暦.
    WarekiDate,
    PartialInsurerName,
    /// A part of the address's place (city, ward, town), no numbers.
    PartialAddress,
    /// The town and its 丁目 (町名・丁目が一致).
    AddressTownChome,
    /// The town, its 丁目 and 番地 (町名・丁目・番地が一致).
    AddressTownBlock,
    /// The building's name (建物名が一致), with its room when given.
    AddressBuilding,
    /// Family and given name each in kanji or kana (森 テツヤ for 森 哲也).
    MixedKanjiKana,
}

/// One field of a match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldMatch {
    pub field: MatchField,
    pub how: MatchHow,
}

/// Advice when nobody was found. It is derived from the query alone, never from
/// the candidates, so that it says nothing about who is (or is not) stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Hint {
    /// The date was typed in 和暦: check the era and year.
    CheckEra,
    /// Check the birth date (or try it in 和暦 from the card/licence).
    CheckBirthDate,
    /// Try the name in kana (variant or masked kanji).
    TryKana,
    /// Try the name in kanji (the カナ氏名 may not be stored).
    TryKanji,
    /// Enter the whole name, family and given.
    FullName,
    /// Try the address instead of the insurer name.
    TryAddress,
    /// Try the insurer name instead of the address.
    TryInsurerName,
    /// A shorter part (市区町村, 町名, the union's own name) is enough.
    ShorterHint,
    /// Check the sex.
    CheckSex,
}

/// The result of a look-up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum MatchOutcome {
    /// Exactly one insured person.
    Found {
        key: String,
        matched: Vec<FieldMatch>,
    },
    NotFound {
        hints: Vec<Hint>,
    },
    /// Several people: only how many, nothing about them.
    Ambiguous {
        count: usize,
    },
    /// Not searched.
    Refused {
        problems: Vec<QueryProblem>,
    },
}

/// How a name was typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NameScript {
    /// Kana only (hiragana, katakana, half-width): compared with カナ氏名.
    Kana,
    /// Anything else (kanji, kanji and kana, Latin): compared with 氏名.
    Kanji,
}

/// A checked query in normalised form. `birth_date` and `sex` are what a
/// database adapter filters on before running [`PreparedQuery::matches`];
/// `name` is the [`name_key`] (useless as an index for stored names with `●`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NormalisedQuery {
    pub name: String,
    pub name_script: NameScript,
    pub birth_date: NaiveDate,
    /// The date was typed in 和暦.
    pub birth_date_wareki: bool,
    pub sex: Sex,
    /// The [`hint_key`] of the insurer name or address.
    pub hint: String,
}

/// A query ready to run against candidates.
#[derive(Debug, Clone)]
pub struct PreparedQuery {
    normalised: NormalisedQuery,
    /// Name without variant folding (to tell Exact from VariantKanjiFolded).
    name_plain: Vec<char>,
    name_folded: Vec<char>,
    /// The hint cut into address parts, and split into a kind of insurer
    /// and its own name: once per query, not per candidate.
    hint_address: address::AddressParts,
    hint_insurer: (Option<insurer::InsurerKind>, String),
}

// ---------------------------------------------------------------------------
// Normalisation
// ---------------------------------------------------------------------------

fn variant_table() -> &'static [(char, char)] {
    static TABLE: OnceLock<Vec<(char, char)>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut pairs: Vec<(char, char)> = VARIANT_TABLE
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .skip(1) // the column names
            .filter_map(|l| {
                let mut cols = l.split('\t');
                let one = |s: Option<&str>| {
                    let mut cs = s?.chars();
                    let c = cs.next()?;
                    cs.next().is_none().then_some(c)
                };
                Some((one(cols.next())?, one(cols.next())?))
            })
            .collect();
        pairs.sort_unstable();
        pairs.dedup_by_key(|p| p.0);
        pairs
    })
}

/// The variant → canonical pairs of the folding table, sorted by variant.
pub fn variant_pairs() -> &'static [(char, char)] {
    variant_table()
}

fn fold_char(c: char) -> char {
    let t = variant_table();
    match t.binary_search_by_key(&c, |p| p.0) {
        Ok(i) => t[i].1,
        Err(_) => c,
    }
}

/// Variant kanji folded by the table (髙→高, 﨑→崎, 邊→辺…); nothing else changes.
pub fn fold_variants(s: &str) -> String {
    s.chars().map(fold_char).collect()
}

fn is_variation_selector(c: char) -> bool {
    matches!(c, '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}')
}

/// Characters that show nothing: zero-width spaces and joiners, the BOM,
/// soft hyphens, bidirectional marks, Mongolian vowel separator. Pasted names
/// and addresses carry them; a name with one must still be found.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}'
    )
}

/// `s` without invisible characters (zero-width spaces and joiners, BOM, soft
/// hyphen, bidi marks).
pub fn strip_invisible(s: &str) -> String {
    s.chars().filter(|c| !is_invisible(*c)).collect()
}

/// Variation selectors and invisible characters removed, then NFKC.
fn base(s: &str) -> String {
    s.chars()
        .filter(|c| !is_variation_selector(*c) && !is_invisible(*c))
        .collect::<String>()
        .nfkc()
        .collect()
}

fn hira_to_kata(c: char) -> char {
    match c {
        '\u{3041}'..='\u{3096}' | '\u{309D}' | '\u{309E}' => {
            char::from_u32(c as u32 + 0x60).unwrap_or(c)
        }
        _ => c,
    }
}

fn is_katakana(c: char) -> bool {
    matches!(c, '\u{30A1}'..='\u{30FA}' | 'ー' | 'ヽ' | 'ヾ' | '\u{31F0}'..='\u{31FF}')
}

/// Separators in names (after NFKC). `ー` is not one: it is part of kana names.
fn is_name_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '・' | '·' | '‧' | '=' | '゠' | '-' | '\u{2010}'
                ..='\u{2015}'
                    | '\u{2212}'
                    | '\u{FE63}'
                    | '.'
                    | ','
                    | '、'
                    | '。'
                    | '\''
                    | '’'
                    | '‘'
        )
}

fn is_wildcard(c: char) -> bool {
    matches!(c, MASK | '○' | '〓' | '*' | '?' | '%' | '_' | '※')
}

/// The name before variant folding: NFKC, no spaces or separators, ASCII upper
/// case, hiragana → katakana.
fn name_plain(s: &str) -> String {
    base(s)
        .chars()
        .filter(|c| !is_name_separator(*c))
        .map(|c| hira_to_kata(c.to_ascii_uppercase()))
        .collect()
}

/// The normalised name, for comparing and indexing: NFKC, spaces and separators
/// removed, ASCII upper case, hiragana → katakana, variant kanji folded.
/// `髙橋　美咲` and `高橋美咲` give the same key, and so do `たかはし みさき` and
/// `ﾀｶﾊｼ ﾐｻｷ`.
pub fn name_key(s: &str) -> String {
    fold_variants(&name_plain(s))
}

/// Words that only say what kind of insurer or place something is. Longest
/// first (they are stripped greedily from the front).
const GENERIC_WORDS: &[&str] = &[
    "後期高齢者医療広域連合",
    "全国健康保険協会",
    "後期高齢者医療",
    "健康保険組合",
    "国民健康保険",
    "共済組合",
    "健康保険",
    "広域連合",
    "保険者",
    "ケンポ",
    "保険",
    "組合",
    "協会",
    "支部",
    "共済",
    "国民",
    "健康",
    "医療",
    "全国",
    "日本",
    "連合",
    "都",
    "道",
    "府",
    "県",
    "市",
    "区",
    "町",
    "村",
    "郡",
];

/// Everyday short names of insurers, expanded on both sides (after hiragana →
/// katakana), in this order.
const ALIASES: &[(&str, &str)] = &[
    ("協会ケンポ", "全国健康保険協会"),
    ("健保組合", "健康保険組合"),
    ("健保", "健康保険組合"),
    ("国保", "国民健康保険"),
];

/// The 47 prefectures with their suffix.
const PREFECTURES: &[&str] = &[
    "北海道",
    "青森県",
    "岩手県",
    "宮城県",
    "秋田県",
    "山形県",
    "福島県",
    "茨城県",
    "栃木県",
    "群馬県",
    "埼玉県",
    "千葉県",
    "東京都",
    "神奈川県",
    "新潟県",
    "富山県",
    "石川県",
    "福井県",
    "山梨県",
    "長野県",
    "岐阜県",
    "静岡県",
    "愛知県",
    "三重県",
    "滋賀県",
    "京都府",
    "大阪府",
    "兵庫県",
    "奈良県",
    "和歌山県",
    "鳥取県",
    "島根県",
    "岡山県",
    "広島県",
    "山口県",
    "徳島県",
    "香川県",
    "愛媛県",
    "高知県",
    "福岡県",
    "佐賀県",
    "長崎県",
    "熊本県",
    "大分県",
    "宮崎県",
    "鹿児島県",
    "沖縄県",
];

fn prefecture_bare(p: &str) -> &str {
    if p == "北海道" {
        p
    } else {
        p.strip_suffix(['都', '府', '県']).unwrap_or(p)
    }
}

/// The rest of a [`hint_key`] after a leading prefecture (with its suffix).
pub fn strip_prefecture(key: &str) -> Option<&str> {
    PREFECTURES.iter().find_map(|p| key.strip_prefix(p))
}

fn is_kanji_numeral(c: char) -> bool {
    matches!(
        c,
        '〇' | '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十' | '百'
    )
}

fn kanji_digit(c: char) -> Option<u32> {
    Some(match c {
        '〇' => 0,
        '一' => 1,
        '二' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

/// 三 → 3, 十二 → 12, 二十三 → 23, 百五 → 105, 二〇 → 20 (digit by digit).
fn parse_kanji_number(run: &[char]) -> Option<u32> {
    if run.iter().any(|c| matches!(c, '十' | '百')) {
        let (mut total, mut current): (u32, Option<u32>) = (0, None);
        let mut last_unit = u32::MAX;
        for &c in run {
            match c {
                '十' | '百' => {
                    let unit = if c == '十' { 10 } else { 100 };
                    if unit >= last_unit {
                        return None;
                    }
                    last_unit = unit;
                    total += current.take().unwrap_or(1) * unit;
                }
                _ => {
                    if current.is_some() {
                        return None;
                    }
                    current = Some(kanji_digit(c)?);
                }
            }
        }
        Some(total + current.unwrap_or(0))
    } else {
        run.iter()
            .try_fold(0u32, |acc, &c| Some(acc.checked_mul(10)? + kanji_digit(c)?))
    }
}

/// The length of an address number marker (丁目, 番地, 番, 号) at `i`. `番町`
/// (一番町, 四番町) is a place name, not a marker.
fn marker_len(chars: &[char], i: usize) -> Option<usize> {
    let at = |j: usize| chars.get(j).copied();
    match (at(i), at(i + 1)) {
        (Some('丁'), Some('目')) => Some(2),
        (Some('番'), Some('地')) => Some(2),
        (Some('番'), Some('町')) => None,
        (Some('番'), _) => Some(1),
        (Some('号'), _) => Some(1),
        _ => None,
    }
}

/// 三丁目 → 3-, 1番地 → 1-, 5号 → 5-, 1の3 → 1-3, 1ー2 → 1-2.
fn address_numbers(chars: &[char]) -> Vec<char> {
    let mut out: Vec<char> = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if is_kanji_numeral(c) {
            let mut j = i;
            while j < chars.len() && is_kanji_numeral(chars[j]) {
                j += 1;
            }
            match marker_len(chars, j).and(parse_kanji_number(&chars[i..j])) {
                Some(n) => out.extend(n.to_string().chars()),
                None => out.extend_from_slice(&chars[i..j]),
            }
            i = j;
            continue;
        }
        let after_digit = out.last().is_some_and(|p| p.is_ascii_digit());
        if after_digit {
            if let Some(len) = marker_len(chars, i) {
                out.push('-');
                i += len;
                continue;
            }
        }
        let next_digit = chars.get(i + 1).is_some_and(|n| n.is_ascii_digit());
        let after_digit_or_dash = out.last().is_some_and(|p| p.is_ascii_digit() || *p == '-');
        // `ー` typed for a hyphen on a Japanese keyboard: after a number it is
        // always one (高砂3ー, 3ー11); `ノ` only between numbers (1ノ3).
        if (c == 'ー' && after_digit) || (c == 'ノ' && after_digit_or_dash && next_digit) {
            if out.last() != Some(&'-') {
                out.push('-');
            }
        } else if !(c == '-' && out.last() == Some(&'-')) {
            out.push(c);
        }
        i += 1;
    }
    while out.first() == Some(&'-') {
        out.remove(0);
    }
    while out.last() == Some(&'-') {
        out.pop();
    }
    out
}

/// The normalised form of an insurer name or an address (query and stored
/// side alike): NFKC, dashes → '-', spaces and `・` removed, ヶ/ヵ/が/ケ folded
/// (霞ヶ関 = 霞ケ関 = 霞が関), hiragana → katakana, ASCII upper case, variant kanji
/// folded, 協会けんぽ/健保/国保 expanded, and address numbers: 三丁目 = 3丁目 = 3-,
/// 番地/番/号 → '-', 一〜九十九 (and more) in front of them → digits, '-' at
/// either end trimmed.
pub fn hint_key(s: &str) -> String {
    let s = crate::digits::normalise_hyphens(&base(s));
    let folded: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '・' | '·' | '‧' | '、' | ',' | '゠'))
        .map(|c| match c {
            'ヶ' | 'ヵ' | 'が' | 'ケ' | 'ゖ' | 'ゕ' => 'ケ',
            _ => fold_char(hira_to_kata(c.to_ascii_uppercase())),
        })
        .collect();
    let mut expanded = folded;
    for (from, to) in ALIASES {
        if expanded.contains(from) {
            expanded = expanded.replace(from, to);
        }
    }
    let chars: Vec<char> = expanded.chars().collect();
    address_numbers(&chars).into_iter().collect()
}

fn is_generic_hint(key: &str) -> bool {
    if PREFECTURES
        .iter()
        .any(|p| key == *p || key == prefecture_bare(p))
    {
        return true;
    }
    let mut rest = key;
    while !rest.is_empty() {
        match GENERIC_WORDS.iter().find_map(|w| rest.strip_prefix(w)) {
            Some(r) => rest = r,
            None => return false,
        }
    }
    true
}

fn parse_sex(s: &str) -> Option<Sex> {
    let s = base(s).trim().to_lowercase();
    match s.as_str() {
        "男" | "男性" | "m" | "male" | "1" => Some(Sex::Male),
        "女" | "女性" | "f" | "female" | "2" => Some(Sex::Female),
        _ => None,
    }
}

/// Was the (successfully parsed) date typed with an era?
fn typed_in_wareki(s: &str) -> bool {
    let s = base(s);
    let s = s.trim();
    !s.starts_with("西暦") && s.chars().next().is_some_and(|c| !c.is_ascii_digit())
}

// ---------------------------------------------------------------------------
// Preparing a query
// ---------------------------------------------------------------------------

/// Checks and normalises a query. Every problem is reported at once; a missing
/// field is reported as missing (its other checks are skipped).
pub fn prepare(query: &DisasterQuery) -> Result<PreparedQuery, Vec<QueryProblem>> {
    let mut problems = Vec::new();
    let present = |s: &str| !strip_invisible(s).trim().is_empty();

    // Name.
    let name_plain_s = name_plain(&query.name);
    if !present(&query.name) || name_plain_s.is_empty() {
        problems.push(QueryProblem::Missing {
            field: QueryField::Name,
        });
    } else if name_plain_s.chars().any(is_wildcard) {
        problems.push(QueryProblem::Wildcard {
            field: QueryField::Name,
        });
    }

    // Birth date.
    let mut birth_date = None;
    if !present(&query.birth_date) {
        problems.push(QueryProblem::Missing {
            field: QueryField::BirthDate,
        });
    } else {
        match wareki::parse_date(&strip_invisible(&query.birth_date)) {
            Ok(d) => birth_date = Some(d),
            Err(DateProblem::Empty) => problems.push(QueryProblem::Missing {
                field: QueryField::BirthDate,
            }),
            Err(problem) => problems.push(QueryProblem::BirthDate { problem }),
        }
    }

    // Sex.
    let mut sex = None;
    if !present(&query.sex) {
        problems.push(QueryProblem::Missing {
            field: QueryField::Sex,
        });
    } else {
        sex = parse_sex(&query.sex);
        if sex.is_none() {
            problems.push(QueryProblem::UnknownSex);
        }
    }

    // Insurer name or address.
    let hint = hint_key(&query.hint);
    if !present(&query.hint) {
        problems.push(QueryProblem::Missing {
            field: QueryField::Hint,
        });
    } else if base(&query.hint).chars().any(is_wildcard) {
        problems.push(QueryProblem::Wildcard {
            field: QueryField::Hint,
        });
    } else if hint.chars().count() < MIN_HINT_CHARS {
        problems.push(QueryProblem::HintTooShort {
            min: MIN_HINT_CHARS,
            got: hint.chars().count(),
        });
    } else if hint.chars().all(|c| c.is_ascii_digit() || c == '-') {
        problems.push(QueryProblem::HintOnlyNumbers);
    } else if is_generic_hint(&hint) {
        problems.push(QueryProblem::HintTooGeneric);
    }

    if !problems.is_empty() {
        return Err(problems);
    }
    let (Some(birth_date), Some(sex)) = (birth_date, sex) else {
        unreachable!("no problems, so both were read");
    };
    let name_folded_s = fold_variants(&name_plain_s);
    let name_script = if name_plain_s.chars().all(is_katakana) {
        NameScript::Kana
    } else {
        NameScript::Kanji
    };
    Ok(PreparedQuery {
        hint_address: address::parts(&hint),
        hint_insurer: insurer::split(&hint),
        name_plain: name_plain_s.chars().collect(),
        name_folded: name_folded_s.chars().collect(),
        normalised: NormalisedQuery {
            name: name_folded_s,
            name_script,
            birth_date,
            birth_date_wareki: typed_in_wareki(&query.birth_date),
            sex,
            hint,
        },
    })
}

// ---------------------------------------------------------------------------
// Matching
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum NameHow {
    Exact,
    Folded,
    Masked,
}

/// Compares the query with one stored name.
fn compare_name(plain: &[char], folded: &[char], stored: &str) -> Option<NameHow> {
    let stored_plain: Vec<char> = name_plain(stored).chars().collect();
    if stored_plain.is_empty() {
        return None;
    }
    if stored_plain == plain {
        return Some(NameHow::Exact);
    }
    let stored_folded: Vec<char> = stored_plain.iter().map(|c| fold_char(*c)).collect();
    if stored_folded == folded {
        return Some(NameHow::Folded);
    }
    let masked = stored_folded.iter().filter(|c| **c == MASK).count();
    let masked_ok = masked > 0
        && stored_folded.len() == folded.len()
        && stored_folded.len() - masked >= masked
        && stored_folded
            .iter()
            .zip(folded)
            .all(|(s, q)| *s == MASK || s == q);
    masked_ok.then_some(NameHow::Masked)
}

impl PreparedQuery {
    /// The checked, normalised query (for logs and for the adapter's filter).
    pub fn normalised(&self) -> &NormalisedQuery {
        &self.normalised
    }
    pub fn birth_date(&self) -> NaiveDate {
        self.normalised.birth_date
    }
    pub fn sex(&self) -> Sex {
        self.normalised.sex
    }

    fn match_name(&self, c: &Candidate) -> Option<MatchHow> {
        let (plain, folded) = (&self.name_plain[..], &self.name_folded[..]);
        match self.normalised.name_script {
            NameScript::Kana => {
                if let Some(how) = c
                    .name_kana
                    .as_deref()
                    .and_then(|k| compare_name(plain, folded, k))
                {
                    return Some(match how {
                        NameHow::Masked => MatchHow::MaskedCharacter,
                        _ => MatchHow::Kana,
                    });
                }
                // A 氏名 stored in kana (スミス ジョン, さくら).
                if name_plain(&c.name).chars().all(is_katakana) {
                    return compare_name(plain, folded, &c.name).map(|how| match how {
                        NameHow::Masked => MatchHow::MaskedCharacter,
                        _ => MatchHow::Kana,
                    });
                }
                None
            }
            NameScript::Kanji => compare_name(plain, folded, &c.name)
                .map(|how| match how {
                    NameHow::Exact => MatchHow::Exact,
                    NameHow::Folded => MatchHow::VariantKanjiFolded,
                    NameHow::Masked => MatchHow::MaskedCharacter,
                })
                .or_else(|| self.match_mixed_name(c)),
        }
    }

    /// Family and given name each in kanji or in kana (`森 テツヤ`, `もり 哲也`
    /// for 森　哲也 / モリ　テツヤ): needs the stored 氏名 and カナ氏名 both cut in
    /// two by a space.
    fn match_mixed_name(&self, c: &Candidate) -> Option<MatchHow> {
        let halves = |s: &str| -> Option<(String, String)> {
            let s = base(s);
            let parts: Vec<&str> = s.split_whitespace().collect();
            match parts[..] {
                [family, given] => Some((family.to_string(), given.to_string())),
                _ => None,
            }
        };
        let (family, given) = halves(&c.name)?;
        let (family_kana, given_kana) = halves(c.name_kana.as_deref()?)?;
        let mixed = [format!("{family}{given_kana}"), format!("{family_kana}{given}")];
        let found = mixed
            .iter()
            .any(|m| compare_name(&self.name_plain, &self.name_folded, m).is_some());
        found.then_some(MatchHow::MixedKanjiKana)
    }

    /// Does the fourth field match the stored insurer name or address?
    fn match_hint(&self, c: &Candidate) -> Vec<FieldMatch> {
        let q = &self.normalised.hint;
        let mut out = Vec::new();
        if let Some(insurer) = c.insurer_name.as_deref() {
            let k = hint_key(insurer);
            let number = c.insurer_number.as_deref().unwrap_or_default();
            if k.contains(q.as_str()) || insurer::matches(&self.hint_insurer, &k, number) {
                out.push(FieldMatch {
                    field: MatchField::InsurerName,
                    how: if k == *q {
                        MatchHow::Exact
                    } else {
                        MatchHow::PartialInsurerName
                    },
                });
            }
        }
        if let Some(address) = c.address.as_deref() {
            if let Some(hit) = address::matches(q, &self.hint_address, &hint_key(address)) {
                out.push(FieldMatch {
                    field: MatchField::Address,
                    how: match hit {
                        address::AddressHit::Whole => MatchHow::Exact,
                        address::AddressHit::Place => MatchHow::PartialAddress,
                        address::AddressHit::TownChome => MatchHow::AddressTownChome,
                        address::AddressHit::TownBlock => MatchHow::AddressTownBlock,
                        address::AddressHit::Building => MatchHow::AddressBuilding,
                    },
                });
            }
        }
        out
    }

    /// All four fields against one candidate: how each matched, or `None`.
    pub fn matches(&self, c: &Candidate) -> Option<Vec<FieldMatch>> {
        if c.birth_date != self.normalised.birth_date || c.sex != self.normalised.sex {
            return None;
        }
        let hint = self.match_hint(c);
        if hint.is_empty() {
            return None;
        }
        let name = self.match_name(c)?;
        let mut matched = vec![
            FieldMatch {
                field: MatchField::Name,
                how: name,
            },
            FieldMatch {
                field: MatchField::BirthDate,
                how: if self.normalised.birth_date_wareki {
                    MatchHow::WarekiDate
                } else {
                    MatchHow::Exact
                },
            },
            FieldMatch {
                field: MatchField::Sex,
                how: MatchHow::Exact,
            },
        ];
        matched.extend(hint);
        Some(matched)
    }

    /// A collector for candidates that arrive one by one (a database cursor).
    pub fn collector(&self) -> Collector<'_> {
        Collector {
            query: self,
            first: None,
            keys: BTreeSet::new(),
        }
    }

    /// Runs the query over candidates.
    pub fn outcome<'c>(&self, candidates: impl IntoIterator<Item = &'c Candidate>) -> MatchOutcome {
        let mut collector = self.collector();
        for c in candidates {
            collector.push(c);
        }
        collector.finish()
    }

    /// What to suggest when nobody matched (from the query alone).
    pub fn advice(&self) -> Vec<Hint> {
        let q = &self.normalised;
        let mut hints = vec![if q.birth_date_wareki {
            Hint::CheckEra
        } else {
            Hint::CheckBirthDate
        }];
        hints.push(match q.name_script {
            NameScript::Kana => Hint::TryKanji,
            NameScript::Kanji => Hint::TryKana,
        });
        if q.name.chars().count() <= 2 {
            hints.push(Hint::FullName);
        }
        let looks_like_insurer = ["保険", "組合", "協会", "共済", "連合"]
            .iter()
            .any(|w| q.hint.contains(w));
        hints.push(if looks_like_insurer {
            Hint::TryAddress
        } else {
            Hint::TryInsurerName
        });
        if q.hint.chars().count() >= 8 {
            hints.push(Hint::ShorterHint);
        }
        hints.push(Hint::CheckSex);
        hints
    }
}

/// Collects matches one candidate at a time; keeps only the keys of matching
/// people and the first match.
#[derive(Debug)]
pub struct Collector<'q> {
    query: &'q PreparedQuery,
    first: Option<(String, Vec<FieldMatch>)>,
    keys: BTreeSet<String>,
}

impl Collector<'_> {
    /// Offers one candidate; true when it matched.
    pub fn push(&mut self, c: &Candidate) -> bool {
        match self.query.matches(c) {
            Some(matched) => {
                if self.first.is_none() {
                    self.first = Some((c.key.clone(), matched));
                }
                self.keys.insert(c.key.clone());
                true
            }
            None => false,
        }
    }

    /// How many different people matched so far.
    pub fn count(&self) -> usize {
        self.keys.len()
    }

    /// Found when exactly one person (one key, however many records) matched.
    pub fn finish(self) -> MatchOutcome {
        match (self.keys.len(), self.first) {
            (0, _) | (_, None) => MatchOutcome::NotFound {
                hints: self.query.advice(),
            },
            (1, Some((key, matched))) => MatchOutcome::Found { key, matched },
            (count, _) => MatchOutcome::Ambiguous { count },
        }
    }
}

/// The disaster-mode look-up: validates the query (refusing before any search),
/// then matches all four fields against every candidate.
pub fn match_disaster<'c>(
    query: &DisasterQuery,
    candidates: impl IntoIterator<Item = &'c Candidate>,
) -> MatchOutcome {
    match prepare(query) {
        Ok(prepared) => prepared.outcome(candidates),
        Err(problems) => MatchOutcome::Refused { problems },
    }
}

// ---------------------------------------------------------------------------
// Messages (locales/*/matching.ftl)
// ---------------------------------------------------------------------------

impl QueryProblem {
    /// Every id [`QueryProblem::message`] can answer.
    pub const MESSAGE_IDS: &'static [&'static str] = &[
        "matching-missing",
        "matching-birth-date-unrecognised",
        "matching-birth-date-no-such-day",
        "matching-birth-date-outside-era",
        "matching-sex-unknown",
        "matching-hint-too-short",
        "matching-hint-too-generic",
        "matching-hint-only-numbers",
        "matching-wildcard",
    ];

    /// The message for staff, with `$field` (a [`QueryField::code`]), `$era`
    /// ([`crate::wareki::Era::code`]), `$first`/`$last` (ISO dates), `$min`/`$got`.
    pub fn message(&self) -> Msg {
        match self {
            QueryProblem::Missing { field } => {
                Msg::new("matching-missing").arg("field", field.code())
            }
            QueryProblem::BirthDate { problem } => match problem {
                DateProblem::Empty => {
                    Msg::new("matching-missing").arg("field", QueryField::BirthDate.code())
                }
                DateProblem::Unrecognised => Msg::new("matching-birth-date-unrecognised"),
                DateProblem::NoSuchDay => Msg::new("matching-birth-date-no-such-day"),
                DateProblem::OutsideEra { era, first, last } => {
                    Msg::new("matching-birth-date-outside-era")
                        .arg("era", era.code())
                        .arg("first", first)
                        .arg("last", last.map(|d| d.to_string()).unwrap_or_default())
                }
            },
            QueryProblem::UnknownSex => Msg::new("matching-sex-unknown"),
            QueryProblem::HintTooShort { min, got } => Msg::new("matching-hint-too-short")
                .arg("min", min)
                .arg("got", got),
            QueryProblem::HintTooGeneric => Msg::new("matching-hint-too-generic"),
            QueryProblem::HintOnlyNumbers => Msg::new("matching-hint-only-numbers"),
            QueryProblem::Wildcard { field } => {
                Msg::new("matching-wildcard").arg("field", field.code())
            }
        }
    }
}

impl Hint {
    pub const ALL: &'static [Hint] = &[
        Hint::CheckEra,
        Hint::CheckBirthDate,
        Hint::TryKana,
        Hint::TryKanji,
        Hint::FullName,
        Hint::TryAddress,
        Hint::TryInsurerName,
        Hint::ShorterHint,
        Hint::CheckSex,
    ];

    /// `matching-advice-<kebab name>`, no arguments.
    pub fn message(self) -> Msg {
        Msg::new(match self {
            Hint::CheckEra => "matching-advice-check-era",
            Hint::CheckBirthDate => "matching-advice-check-birth-date",
            Hint::TryKana => "matching-advice-try-kana",
            Hint::TryKanji => "matching-advice-try-kanji",
            Hint::FullName => "matching-advice-full-name",
            Hint::TryAddress => "matching-advice-try-address",
            Hint::TryInsurerName => "matching-advice-try-insurer-name",
            Hint::ShorterHint => "matching-advice-shorter-hint",
            Hint::CheckSex => "matching-advice-check-sex",
        })
    }
}

impl MatchField {
    pub const ALL: &'static [MatchField] = &[
        MatchField::Name,
        MatchField::BirthDate,
        MatchField::Sex,
        MatchField::InsurerName,
        MatchField::Address,
    ];
    /// The serde name, also the `$field` of `matching-field-match`.
    pub fn code(self) -> &'static str {
        match self {
            MatchField::Name => "name",
            MatchField::BirthDate => "birth_date",
            MatchField::Sex => "sex",
            MatchField::InsurerName => "insurer_name",
            MatchField::Address => "address",
        }
    }
    /// The label, `matching-field-<name>`.
    pub fn message_id(self) -> &'static str {
        match self {
            MatchField::Name => "matching-field-name",
            MatchField::BirthDate => "matching-field-birth-date",
            MatchField::Sex => "matching-field-sex",
            MatchField::InsurerName => "matching-field-insurer-name",
            MatchField::Address => "matching-field-address",
        }
    }
}

impl MatchHow {
    pub const ALL: &'static [MatchHow] = &[
        MatchHow::Exact,
        MatchHow::Kana,
        MatchHow::VariantKanjiFolded,
        MatchHow::MaskedCharacter,
        MatchHow::WarekiDate,
        MatchHow::PartialInsurerName,
        MatchHow::PartialAddress,
        MatchHow::AddressTownChome,
        MatchHow::AddressTownBlock,
        MatchHow::AddressBuilding,
        MatchHow::MixedKanjiKana,
    ];
    /// The serde name, also the `$how` of `matching-field-match`.
    pub fn code(self) -> &'static str {
        match self {
            MatchHow::Exact => "exact",
            MatchHow::Kana => "kana",
            MatchHow::VariantKanjiFolded => "variant-kanji-folded",
            MatchHow::MaskedCharacter => "masked-character",
            MatchHow::WarekiDate => "wareki-date",
            MatchHow::PartialInsurerName => "partial-insurer-name",
            MatchHow::PartialAddress => "partial-address",
            MatchHow::AddressTownChome => "address-town-chome",
            MatchHow::AddressTownBlock => "address-town-block",
            MatchHow::AddressBuilding => "address-building",
            MatchHow::MixedKanjiKana => "mixed-kanji-kana",
        }
    }
    /// The label, `matching-how-<kebab name>`.
    pub fn message_id(self) -> &'static str {
        match self {
            MatchHow::Exact => "matching-how-exact",
            MatchHow::Kana => "matching-how-kana",
            MatchHow::VariantKanjiFolded => "matching-how-variant-kanji-folded",
            MatchHow::MaskedCharacter => "matching-how-masked-character",
            MatchHow::WarekiDate => "matching-how-wareki-date",
            MatchHow::PartialInsurerName => "matching-how-partial-insurer-name",
            MatchHow::PartialAddress => "matching-how-partial-address",
            MatchHow::AddressTownChome => "matching-how-address-town-chome",
            MatchHow::AddressTownBlock => "matching-how-address-town-block",
            MatchHow::AddressBuilding => "matching-how-address-building",
            MatchHow::MixedKanjiKana => "matching-how-mixed-kanji-kana",
        }
    }
}

impl FieldMatch {
    /// `matching-field-match` with `$field` ([`MatchField::code`]) and `$how`
    /// ([`MatchHow::code`]): "氏名：異体字を同一視して一致".
    pub fn message(&self) -> Msg {
        Msg::new("matching-field-match")
            .arg("field", self.field.code())
            .arg("how", self.how.code())
    }
}

impl MatchOutcome {
    /// The headline: `matching-found`, `matching-not-found`,
    /// `matching-ambiguous` (`$count`) or `matching-refused` (`$count`, the
    /// number of problems). Details: [`QueryProblem::message`], [`Hint::message`].
    pub fn message(&self) -> Msg {
        match self {
            MatchOutcome::Found { .. } => Msg::new("matching-found"),
            MatchOutcome::NotFound { .. } => Msg::new("matching-not-found"),
            MatchOutcome::Ambiguous { count } => Msg::new("matching-ambiguous").arg("count", count),
            MatchOutcome::Refused { problems } => {
                Msg::new("matching-refused").arg("count", problems.len())
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Unit tests
// ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_table_has_enough_pairs_and_no_chains() {
        let t = variant_pairs();
        assert!(t.len() >= 40, "{} pairs", t.len());
        for (v, c) in t {
            assert_ne!(v, c);
            assert!(
                t.binary_search_by_key(c, |p| p.0).is_err(),
                "{c} is both a canonical form and a variant"
            );
            // Already NFKC-stable: the fold runs after NFKC.
            assert_eq!(v.to_string().nfkc().collect::<String>(), v.to_string());
        }
        // Rows must not be dropped silently.
        let rows = VARIANT_TABLE
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .count()
            - 1;
        assert_eq!(rows, t.len());
    }

    #[test]
    fn folds_the_named_pairs() {
        for (v, c) in [
            ("髙", "高"),
            ("﨑", "崎"),
            ("嵜", "崎"),
            ("邊", "辺"),
            ("邉", "辺"),
            ("齋", "斎"),
            ("齊", "斎"),
            ("斉", "斎"),
            ("澤", "沢"),
            ("國", "国"),
            ("濵", "浜"),
            ("濱", "浜"),
            ("櫻", "桜"),
            ("廣", "広"),
            ("德", "徳"),
            ("藪", "薮"),
            ("籔", "薮"),
            ("冨", "富"),
            ("眞", "真"),
            ("嶋", "島"),
            ("嶌", "島"),
            ("槇", "槙"),
            ("𠮷", "吉"),
            ("曾", "曽"),
            ("桒", "桑"),
            ("栁", "柳"),
            ("實", "実"),
            ("惠", "恵"),
            ("龍", "竜"),
            ("渕", "淵"),
        ] {
            assert_eq!(fold_variants(v), c, "{v}");
        }
        assert_eq!(fold_variants("埼"), "埼");
    }

    #[test]
    fn name_keys() {
        assert_eq!(name_key("髙橋　美咲"), name_key("高橋美咲"));
        assert_eq!(name_key("たかはし みさき"), "タカハシミサキ");
        assert_eq!(name_key("ﾀｶﾊｼ ﾐｻｷ"), "タカハシミサキ");
        assert_eq!(name_key("ｻﾄｰ ｼﾞｮｳｼﾞ"), "サトージョウジ");
        assert_eq!(name_key("ジョン・スミス"), "ジョンスミス");
        assert_eq!(name_key("ｼﾞｮﾝ･ｽﾐｽ"), "ジョンスミス");
        assert_eq!(name_key("smith john"), "SMITHJOHN");
        assert_eq!(name_key("ＳＭＩＴＨ　Ｊｏｈｎ"), "SMITHJOHN");
        // Small kana kept, ー kept.
        assert_ne!(name_key("キョウコ"), name_key("キヨウコ"));
        assert_ne!(name_key("ユウコ"), name_key("ユーコ"));
        // IVS removed.
        assert_eq!(name_key("葛\u{E0100}西"), "葛西");
        assert_eq!(name_key("𠮷田"), "吉田");
    }

    #[test]
    fn hint_keys() {
        let a = hint_key("東京都中野区鷺宮三丁目1番5号");
        assert_eq!(a, "東京都中野区鷺宮3-1-5");
        assert_eq!(hint_key("中野区鷺宮３丁目１－５"), "中野区鷺宮3-1-5");
        assert_eq!(hint_key("中野区鷺宮3-1-5-"), "中野区鷺宮3-1-5");
        assert_eq!(hint_key("中野区鷺宮3ー1ー5"), "中野区鷺宮3-1-5");
        assert_eq!(hint_key("鷺宮 三丁目"), "鷺宮3");
        assert_eq!(hint_key("霞ヶ関"), hint_key("霞が関"));
        assert_eq!(hint_key("霞ケ関"), hint_key("霞ヵ関"));
        assert_eq!(hint_key("二十三丁目"), "23");
        assert_eq!(hint_key("九十九番地"), "99");
        assert_eq!(hint_key("十一番地の三"), "11-ノ三");
        assert_eq!(hint_key("11番地の3"), "11-3");
        assert_eq!(hint_key("千代田区一番町"), "千代田区一番町");
        // The documented limit: a cut before 町 reads as a house number.
        assert_eq!(hint_key("青葉区一番"), "青葉区1");
        assert_eq!(hint_key("協会けんぽ 東京支部"), "全国健康保険協会東京支部");
        assert_eq!(hint_key("みなと電機健保"), "ミナト電機健康保険組合");
        assert_eq!(hint_key("中野区国保"), "中野区国民健康保険");
        assert_eq!(strip_prefecture("東京都中野区"), Some("中野区"));
        assert_eq!(strip_prefecture("京都市"), None);
    }

    #[test]
    fn kanji_numbers() {
        let p = |s: &str| parse_kanji_number(&s.chars().collect::<Vec<_>>());
        assert_eq!(p("三"), Some(3));
        assert_eq!(p("十"), Some(10));
        assert_eq!(p("十二"), Some(12));
        assert_eq!(p("二十"), Some(20));
        assert_eq!(p("九十九"), Some(99));
        assert_eq!(p("百五"), Some(105));
        assert_eq!(p("二〇"), Some(20));
        assert_eq!(p("十十"), None);
        assert_eq!(p("三四十"), None);
        for n in 1..=99u32 {
            let tens = [
                "", "十", "二十", "三十", "四十", "五十", "六十", "七十", "八十", "九十",
            ];
            let ones = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
            let s = format!("{}{}丁目", tens[(n / 10) as usize], ones[(n % 10) as usize]);
            assert_eq!(hint_key(&s), n.to_string(), "{s}");
        }
    }

    #[test]
    fn generic_hints() {
        for g in [
            "東京都",
            "東京",
            "石川県",
            "北海道",
            "協会けんぽ",
            "健康保険組合",
            "国保",
            "支部",
            "全国健康保険協会",
        ] {
            assert!(is_generic_hint(&hint_key(g)), "{g}");
        }
        for s in [
            "中野",
            "鷺宮",
            "東京支部",
            "東京都中野区",
            "みなと電機",
            "府中",
            "中野区国保",
        ] {
            assert!(!is_generic_hint(&hint_key(s)), "{s}");
        }
    }

    #[test]
    fn sexes() {
        for s in ["男", "男性", "M", "m", "Ｍ", "male", "Male", "1", "１"] {
            assert_eq!(parse_sex(s), Some(Sex::Male), "{s}");
        }
        for s in ["女", "女性", "F", "ｆ", "female", "2", "２"] {
            assert_eq!(parse_sex(s), Some(Sex::Female), "{s}");
        }
        for s in ["3", "x", "不明", "男女"] {
            assert_eq!(parse_sex(s), None, "{s}");
        }
    }

    fn person() -> Candidate {
        Candidate {
            key: "01130012:12-34:567:00".into(),
            name: "髙橋　美咲".into(),
            name_kana: Some("ﾀｶﾊｼ ﾐｻｷ".into()),
            sex: Sex::Female,
            birth_date: d(1986, 4, 12),
            address: Some("東京都中野区鷺宮三丁目1番5号".into()),
            insurer_name: Some("全国健康保険協会東京支部".into()),
            insurer_number: Some("01130012".into()),
        }
    }

    fn q(name: &str, date: &str, sex: &str, hint: &str) -> DisasterQuery {
        DisasterQuery {
            name: name.into(),
            birth_date: date.into(),
            sex: sex.into(),
            hint: hint.into(),
        }
    }

    #[test]
    fn one_person() {
        let p = person();
        let found = |query: DisasterQuery| match match_disaster(&query, [&p]) {
            MatchOutcome::Found { key, matched } => {
                assert_eq!(key, p.key);
                matched
            }
            other => panic!("{query:?}: {other:?}"),
        };
        let m = found(q("高橋美咲", "S61.4.12", "女", "鷺宮"));
        assert_eq!(m[0].how, MatchHow::VariantKanjiFolded);
        assert_eq!(m[1].how, MatchHow::WarekiDate);
        assert_eq!(m[3].how, MatchHow::PartialAddress);
        let m = found(q("たかはし みさき", "1986-04-12", "F", "協会けんぽ東京"));
        assert_eq!(m[0].how, MatchHow::Kana);
        assert_eq!(m[1].how, MatchHow::Exact);
        assert_eq!(m[3].field, MatchField::InsurerName);
        let m = found(q("髙橋 美咲", "19860412", "2", "中野区鷺宮3-1-5"));
        assert_eq!(m[0].how, MatchHow::Exact);
        assert_eq!(m[3].how, MatchHow::Exact);
        assert_eq!(m[3].field, MatchField::Address);
        assert!(matches!(
            match_disaster(&q("高橋美咲", "S61.4.13", "女", "鷺宮"), [&p]),
            MatchOutcome::NotFound { .. }
        ));
    }

    #[test]
    fn masked_names() {
        let mut p = person();
        p.name = "●橋　美咲".into();
        let prepared = prepare(&q("髙橋美咲", "1986-04-12", "女", "鷺宮")).unwrap();
        let m = prepared.matches(&p).unwrap();
        assert_eq!(m[0].how, MatchHow::MaskedCharacter);
        // One character per ●, never more or fewer.
        assert!(prepare(&q("髙髙橋美咲", "1986-04-12", "女", "鷺宮"))
            .unwrap()
            .matches(&p)
            .is_none());
        // Too much masked: not a name any more.
        p.name = "●●●美".into();
        assert!(prepare(&q("髙橋美咲", "1986-04-12", "女", "鷺宮"))
            .unwrap()
            .matches(&p)
            .is_none());
        // A ● in the query is refused.
        assert_eq!(
            prepare(&q("●橋美咲", "1986-04-12", "女", "鷺宮")).unwrap_err(),
            vec![QueryProblem::Wildcard {
                field: QueryField::Name
            }]
        );
    }

    #[test]
    fn refusals_list_every_missing_field_first() {
        assert_eq!(
            prepare(&q("", "　", "", " ")).unwrap_err(),
            QueryField::ALL
                .iter()
                .map(|f| QueryProblem::Missing { field: *f })
                .collect::<Vec<_>>()
        );
        assert_eq!(
            prepare(&q("高橋美咲", "1986-04-12", "女", "鷺")).unwrap_err(),
            vec![QueryProblem::HintTooShort { min: 2, got: 1 }]
        );
        assert_eq!(
            prepare(&q("高橋美咲", "S64.1.8", "X", "東京都")).unwrap_err(),
            vec![
                QueryProblem::BirthDate {
                    problem: DateProblem::OutsideEra {
                        era: crate::wareki::Era::Showa,
                        first: crate::wareki::Era::Showa.first_day(),
                        last: crate::wareki::Era::Showa.last_day(),
                    }
                },
                QueryProblem::UnknownSex,
                QueryProblem::HintTooGeneric,
            ]
        );
    }

    #[test]
    fn ambiguous_says_only_how_many() {
        let a = person();
        let mut b = person();
        b.key = "01130012:99-1:2:01".into();
        b.name = "高橋美咲".into();
        b.address = Some("東京都中野区上鷺宮五丁目".into());
        let out = match_disaster(&q("高橋美咲", "1986-04-12", "女", "鷺宮"), [&a, &b]);
        assert_eq!(out, MatchOutcome::Ambiguous { count: 2 });
        let json = serde_json::to_string(&out).unwrap();
        assert!(!json.contains("高橋") && !json.contains("0113"), "{json}");
        // The same person twice (two records with one key) is one person.
        let out = match_disaster(&q("高橋美咲", "1986-04-12", "女", "鷺宮"), [&a, &a.clone()]);
        assert!(matches!(out, MatchOutcome::Found { .. }));
    }
}
