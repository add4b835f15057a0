//! Insurer hints by kind: the forms people use for 国保, 協会けんぽ, 組合健保,
//! 共済 and 後期高齢者医療広域連合, matched against the insurer's kind and its
//! own name (a place, a company, a union), not only its name's characters.
//!
//! A 国保 is often stored by the city's name alone (`福岡市`), yet staff say
//! `福岡市国保` or `福岡市国民健康保険`; a union is `〇〇共済組合` and said
//! `〇〇共済`. The kind of a stored insurer comes from its name when the name
//! says it, else from its number (the 法別番号: six digits are 国保, 01 協会けんぽ,
//! 06 組合健保, 31–34 共済, 39 後期高齢).

/// The kinds of insurer people name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum InsurerKind {
    /// 国民健康保険 (市町村 and 国保組合)
    Kokuho,
    /// 全国健康保険協会 (協会けんぽ)
    Kyokai,
    /// 健康保険組合 (組合健保)
    Kumiai,
    /// 共済組合
    Kyosai,
    /// 後期高齢者医療広域連合
    Kouki,
}

/// The words that say the kind, on [`super::hint_key`] forms (aliases already
/// expanded: 国保 → 国民健康保険, 協会けんぽ → 全国健康保険協会, 健保 → 健康保険組合).
/// Longest first within a kind; the kinds are tried in this order.
const KIND_WORDS: &[(InsurerKind, &[&str])] = &[
    (InsurerKind::Kouki, &["後期高齢者医療広域連合", "後期高齢者医療", "後期高齢者", "後期高齢", "広域連合", "後期"]),
    // Before 組合健保: a 国保組合 is a 国民健康保険組合.
    (InsurerKind::Kokuho, &["国民健康保険組合", "国民健康保険"]),
    (InsurerKind::Kyosai, &["共済組合連合会", "共済組合", "共済会", "共済"]),
    // Before 協会けんぽ: 日本放送協会健康保険組合 is a union.
    (InsurerKind::Kumiai, &["健康保険組合"]),
    (InsurerKind::Kyokai, &["全国健康保険協会"]),
];
/// Words around the own name that say nothing about who it is.
const FILLER: &[&str] = &["支部"];

/// The kind a name says, and what is left of it (its own name), with a leading
/// prefecture's 都/府/県 dropped so that `東京` and `東京都` agree.
pub(super) fn split(key: &str) -> (Option<InsurerKind>, String) {
    let mut kind = None;
    let mut rest = key.to_string();
    for (k, words) in KIND_WORDS {
        if let Some(w) = words.iter().find(|w| rest.contains(**w)) {
            if kind.is_none() {
                kind = Some(*k);
            }
            rest = rest.replacen(w, "", 1);
        }
    }
    for f in FILLER {
        rest = rest.replace(f, "");
    }
    if let Some(p) = super::PREFECTURES.iter().find(|p| rest.starts_with(**p)) {
        let bare = super::prefecture_bare(p);
        rest = format!("{bare}{}", &rest[p.len()..]);
    }
    (kind, rest)
}

/// The kind an insurer number says (the 法別番号), if it says one.
pub(super) fn kind_of_number(number: &str) -> Option<InsurerKind> {
    let digits = number.trim();
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    match digits.len() {
        6 => Some(InsurerKind::Kokuho),
        8 => match &digits[..2] {
            "01" => Some(InsurerKind::Kyokai),
            "06" => Some(InsurerKind::Kumiai),
            "31" | "32" | "33" | "34" => Some(InsurerKind::Kyosai),
            "39" => Some(InsurerKind::Kouki),
            _ => None,
        },
        _ => None,
    }
}

/// Does a hint that names a kind match the stored insurer? `hint` is the
/// [`split`] of the query's [`super::hint_key`] (once per query), `stored` a
/// [`super::hint_key`], `number` the stored insurer number. A hint without a
/// kind word is for the plain comparison, not this one.
pub(super) fn matches(hint: &(Option<InsurerKind>, String), stored: &str, number: &str) -> bool {
    let (Some(hint_kind), hint_own) = hint else {
        return false;
    };
    if hint_own.is_empty() {
        return false;
    }
    let (stored_kind, stored_own) = split(stored);
    let stored_kind = stored_kind.or_else(|| kind_of_number(number));
    stored_kind == Some(*hint_kind) && stored_own.contains(hint_own.as_str())
}

#[cfg(test)]
mod tests {
    use super::super::hint_key;
    use super::*;

    #[test]
    fn the_forms_people_use_find_the_insurer_of_that_kind_only() {
        // (stored insurer name, insurer number, hint, matches)
        let table: &[(&str, &str, &str, bool)] = &[
            ("福岡市", "134007", "福岡市国保", true),
            ("福岡市", "134007", "福岡市国民健康保険", true),
            ("福岡市", "134007", "国保福岡市", true),
            ("福岡市", "134007", "国保福岡", true),
            ("中野区", "138123", "中野区国保", true),
            ("横浜市国民健康保険", "141002", "横浜市国保", true),
            ("横浜市", "141002", "横浜市国民健康保険", true),
            // Another kind with the same place: not this insurer.
            ("全国健康保険協会福岡支部", "01400013", "福岡市国保", false),
            ("福岡市", "134007", "協会けんぽ福岡", false),
            // 協会けんぽ, said three ways.
            ("全国健康保険協会東京支部", "01130012", "協会けんぽ東京", true),
            ("全国健康保険協会東京支部", "01130012", "協会けんぽ東京都", true),
            ("全国健康保険協会東京支部", "01130012", "全国健康保険協会東京支部", true),
            ("全国健康保険協会東京支部", "01130012", "協会けんぽ大阪", false),
            // 共済.
            ("東京都職員共済組合", "32130011", "東京都職員共済", true),
            ("公立学校共済組合", "34130012", "公立学校共済", true),
            ("公立学校共済組合", "34130012", "公立学校共済組合", true),
            ("公立学校共済組合", "34130012", "警察共済", false),
            // 後期高齢者医療広域連合.
            ("石川県後期高齢者医療広域連合", "39172013", "石川県後期", true),
            ("石川県後期高齢者医療広域連合", "39172013", "石川後期高齢", true),
            ("石川県後期高齢者医療広域連合", "39172013", "石川県後期高齢者医療広域連合", true),
            ("石川県後期高齢者医療広域連合", "39172013", "富山県後期", false),
            // 組合健保.
            ("みなと電機健康保険組合", "06139999", "みなと電機健保", true),
            ("みなと電機健康保険組合", "06139999", "みなと電機健保組合", true),
            ("みなと電機健康保険組合", "06139999", "みなと電機国保", false),
            ("日本放送協会健康保険組合", "06130000", "日本放送協会健保", true),
            ("日本放送協会健康保険組合", "06130000", "協会けんぽ日本放送", false),
        ];
        for (stored, number, hint, want) in table {
            assert_eq!(matches(&split(&hint_key(hint)), &hint_key(stored), number), *want, "{hint} for {stored}");
        }
    }
}
