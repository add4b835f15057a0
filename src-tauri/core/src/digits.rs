//! Normalising what staff type: full-width digits and letters (０-９, Ａ-Ｚ),
//! full-width and ideographic spaces, various hyphens.
//!
//! Two steps, kept apart on purpose:
//!
//! * [`to_halfwidth`] is safe on any text (names, addresses, 記号): it only maps
//!   the full-width forms of ASCII to ASCII and U+3000 to a space.
//! * [`normalise_hyphens`] is for codes (numbers, dates, 記号): it turns dashes
//!   into '-', and the katakana long-vowel mark `ー` only where it stands between
//!   two ASCII letters or digits (the IME's "-" in kana mode: `123ー45`), so that
//!   `ロード` or `ー1` keep their `ー`.

/// Full-width ASCII variants (U+FF01..U+FF5E) to ASCII, U+3000 (ideographic
/// space) to a space. Other characters are kept, including `ー` and dashes
/// other than the full-width hyphen-minus `－` (which is full-width ASCII):
/// see [`normalise_hyphens`] for those.
pub fn to_halfwidth(s: &str) -> String {
    s.chars().map(halfwidth_char).collect()
}

fn halfwidth_char(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// Dash-like characters that always mean '-' in a code.
fn is_dash(c: char) -> bool {
    matches!(
        c,
        '\u{2010}' // ‐ hyphen
            | '\u{2011}' // ‑ non-breaking hyphen
            | '\u{2012}' // ‒ figure dash
            | '\u{2013}' // – en dash
            | '\u{2014}' // — em dash
            | '\u{2015}' // ― horizontal bar
            | '\u{2212}' // − minus sign
            | '\u{FE63}' // ﹣ small hyphen-minus
            | '\u{FF0D}' // － full-width hyphen-minus
    )
}

/// The katakana long-vowel marks (full- and half-width).
fn is_long_vowel_mark(c: char) -> bool {
    matches!(c, '\u{30FC}' | '\u{FF70}')
}

/// Dashes (‐‑‒–—―−﹣－) to '-'; `ー`/`ｰ` to '-' only between two ASCII letters
/// or digits (after [`to_halfwidth`]). Everything else is kept.
pub fn normalise_hyphens(s: &str) -> String {
    let chars: Vec<char> = s.chars().map(halfwidth_char).collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        if is_dash(c) {
            out.push('-');
        } else if is_long_vowel_mark(c) {
            let before = i
                .checked_sub(1)
                .and_then(|j| chars.get(j))
                .is_some_and(|p| p.is_ascii_alphanumeric());
            let after = chars.get(i + 1).is_some_and(|n| n.is_ascii_alphanumeric());
            out.push(if before && after { '-' } else { c });
        } else {
            out.push(c);
        }
    }
    out
}

/// [`to_halfwidth`], then every kind of white space removed.
pub fn compact(s: &str) -> String {
    to_halfwidth(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// For codes typed at the desk: [`compact`], then [`normalise_hyphens`].
pub fn compact_code(s: &str) -> String {
    normalise_hyphens(&compact(s))
}

/// [`to_halfwidth`] and [`normalise_hyphens`], trimmed, with every run of white
/// space inside collapsed to one ASCII space (for free-text codes like 記号).
pub fn tidy(s: &str) -> String {
    normalise_hyphens(&to_halfwidth(s))
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halfwidth_maps_fullwidth_ascii_and_ideographic_space() {
        assert_eq!(to_halfwidth("０６１３１２３４"), "06131234");
        assert_eq!(to_halfwidth("ＡＢｃ　１"), "ABc 1");
        assert_eq!(to_halfwidth("！～"), "!~");
        assert_eq!(to_halfwidth("－"), "-");
        // Not ASCII look-alikes: kept.
        assert_eq!(to_halfwidth("昭和ロード ｱ"), "昭和ロード ｱ");
        assert_eq!(to_halfwidth("１ー２"), "1ー2");
    }

    #[test]
    fn hyphens_only_where_sensible() {
        assert_eq!(normalise_hyphens("12‐34–56—78―9−0"), "12-34-56-78-9-0");
        assert_eq!(normalise_hyphens("123ー45"), "123-45");
        assert_eq!(normalise_hyphens("１２ー３"), "12-3");
        assert_eq!(normalise_hyphens("ab ｰ cd"), "ab ｰ cd");
        assert_eq!(normalise_hyphens("Aｰ1"), "A-1");
        assert_eq!(normalise_hyphens("ロード"), "ロード");
        assert_eq!(normalise_hyphens("カー1"), "カー1");
        assert_eq!(normalise_hyphens("ー12"), "ー12");
        assert_eq!(normalise_hyphens("12ー"), "12ー");
    }

    #[test]
    fn compact_removes_all_white_space() {
        assert_eq!(compact(" ０６　１３\t12 34\n"), "06131234");
        assert_eq!(compact(""), "");
        assert_eq!(compact_code(" １２ー ３４ "), "12-34");
        assert_eq!(compact_code("カー １"), "カー1");
        assert_eq!(tidy("　ｱｲ　　１２ー３４ "), "ｱｲ 12-34");
    }
}
