//! Normalising what staff type: full-width digits and letters (０-９, Ａ-Ｚ),
//! full-width and ideographic spaces, various hyphens.
//!
//! OWNER: helper "core-validation" fills this in.

/// Full-width ASCII variants (U+FF01..U+FF5E) to ASCII, U+3000 to a space,
/// hyphen-like characters (ー－―‐−) to '-'. Other characters are kept.
pub fn to_halfwidth(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect()
}

/// [`to_halfwidth`], then every kind of white space removed.
pub fn compact(s: &str) -> String {
    to_halfwidth(s).chars().filter(|c| !c.is_whitespace()).collect()
}
