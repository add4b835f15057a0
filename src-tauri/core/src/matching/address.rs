//! Addresses compared part against part: the place (prefecture, city/ward,
//! town), the address numbers (丁目, 番地/番, 号 — as whole numbers), and the
//! building with its room. Both sides are [`super::hint_key`]s, where `三丁目1番5号`
//! is already `3-1-5`.
//!
//! Why parts: compared as one string, `高砂4` (a wrong 丁目) is found inside
//! `高砂2-11-9グランドパレス高砂401` — the building repeats the town and the room
//! starts with 4. Here a 丁目 in the hint meets only the 丁目 of the address, a
//! number only a whole number (4 ≠ 40 ≠ 401), and the building only by its name.

use super::strip_prefecture;

/// An address (or the address a hint gives) cut into its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct AddressParts {
    /// Everything before the address numbers: prefecture, city/ward, town.
    pub place: String,
    /// 丁目, 番地/番, 号 … in order (`3-1-5` → [3, 1, 5]).
    pub numbers: Vec<u64>,
    /// What follows the numbers, without its digits (the building's name).
    pub building: String,
    /// The digits in the building part (floor, room), whole numbers in order.
    pub room: Vec<u64>,
}

/// Characters after a number that make it part of a place name, not an
/// address number (`北5条西`, `第2地割`, `1番町`, `2区`).
fn place_suffix(rest: &[char]) -> bool {
    matches!(rest.first(), Some('条' | '線' | '区' | '町' | '丁' | '班'))
        || rest.starts_with(&['地', '割'])
        || rest.starts_with(&['番', '町'])
}

fn number_at(chars: &[char], i: usize) -> (u64, usize) {
    let mut j = i;
    let mut n: u64 = 0;
    while j < chars.len() && chars[j].is_ascii_digit() {
        n = n.saturating_mul(10).saturating_add(chars[j] as u64 - '0' as u64);
        j += 1;
    }
    (n, j)
}

/// The whole numbers in `chars`, in order.
fn numbers_in(chars: &[char]) -> Vec<u64> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let (n, j) = number_at(chars, i);
            out.push(n);
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

/// Cuts a [`super::hint_key`] into its parts. The address numbers are the first
/// run of digits that is not part of a place name, with the runs joined to it
/// by `-`.
pub(super) fn parts(key: &str) -> AddressParts {
    let chars: Vec<char> = key.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() && (i == 0 || !chars[i - 1].is_ascii_digit()) {
            let (_, end) = number_at(&chars, i);
            if !place_suffix(&chars[end..]) {
                let mut numbers = Vec::new();
                let mut j = i;
                loop {
                    let (n, e) = number_at(&chars, j);
                    numbers.push(n);
                    j = e;
                    if chars.get(j) == Some(&'-') && chars.get(j + 1).is_some_and(|c| c.is_ascii_digit()) {
                        j += 1;
                    } else {
                        break;
                    }
                }
                while chars.get(j) == Some(&'-') {
                    j += 1;
                }
                let rest = &chars[j..];
                return AddressParts {
                    place: chars[..i].iter().collect(),
                    numbers,
                    building: rest.iter().filter(|c| !c.is_ascii_digit() && **c != '-').collect(),
                    room: numbers_in(rest),
                };
            }
            i = end;
        } else {
            i += 1;
        }
    }
    AddressParts {
        place: key.to_string(),
        numbers: Vec::new(),
        building: String::new(),
        room: Vec::new(),
    }
}

/// Which parts of the address a hint matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum AddressHit {
    /// The whole address.
    Whole,
    /// A part of the place (city, ward, town) without numbers.
    Place,
    /// The town and the 丁目 (the first number).
    TownChome,
    /// The town, the 丁目 and the 番地 (and 号).
    TownBlock,
    /// The building's name (and its room, when given).
    Building,
}

/// Is `hint` a part of `place`, a prefecture on one side only left aside?
/// `at_end`: the hint must end where the place ends (it is followed by numbers).
fn place_has(place: &str, hint: &str, at_end: bool) -> bool {
    if hint.is_empty() {
        return false;
    }
    let has = |p: &str, h: &str| if at_end { p.ends_with(h) } else { p.contains(h) };
    match (strip_prefecture(hint), strip_prefecture(place)) {
        // Both name a prefecture: it is part of the comparison.
        (Some(_), Some(_)) | (None, _) => has(place, hint),
        // Only the hint names one: compare without it.
        (Some(h_rest), None) => !h_rest.is_empty() && has(place, h_rest),
    }
}

/// Does the hint (a [`super::hint_key`], cut once per query into `h`) match
/// the stored address (a [`super::hint_key`] too)?
pub(super) fn matches(hint: &str, h: &AddressParts, stored: &str) -> Option<AddressHit> {
    if hint == stored || strip_prefecture(stored) == Some(hint) || strip_prefecture(hint) == Some(stored) {
        return Some(AddressHit::Whole);
    }
    let s = parts(stored);
    if h.numbers.is_empty() {
        // Words only: a part of the place, else the building's name.
        if place_has(&s.place, &h.place, false) {
            return Some(AddressHit::Place);
        }
        if !s.building.is_empty() && s.building.contains(&h.place) {
            return Some(AddressHit::Building);
        }
        return None;
    }
    // The town with its numbers, as whole numbers from the 丁目 on.
    let numbers_agree = s.numbers.len() >= h.numbers.len() && s.numbers[..h.numbers.len()] == h.numbers[..];
    let building_agrees = h.building.is_empty() || s.building.contains(&h.building);
    let room_agrees = h.room.is_empty() || s.room.starts_with(&h.room);
    if numbers_agree && building_agrees && room_agrees && place_has(&s.place, &h.place, true) {
        return Some(if h.numbers.len() == 1 {
            AddressHit::TownChome
        } else {
            AddressHit::TownBlock
        });
    }
    // A building's name with its room (`グランドパレス高砂401`) — not a town's
    // name with numbers (`高砂401` is the town 高砂, whatever the building's
    // name holds).
    if h.building.is_empty()
        && !h.place.is_empty()
        && !place_has(&s.place, &h.place, false)
        && !s.building.is_empty()
        && s.building.contains(&h.place)
        && s.room == h.numbers
    {
        return Some(AddressHit::Building);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::hint_key;
    use super::*;

    #[test]
    fn an_address_is_cut_into_place_numbers_and_building() {
        // (address, place, numbers, building, room)
        let table: &[(&str, &str, &[u64], &str, &[u64])] = &[
            ("浦和区高砂2丁目11番9号　グランドパレス高砂401", "浦和区高砂", &[2, 11, 9], "グランドパレス高砂", &[401]),
            ("那覇市久茂地5-24-2　サンハイム久茂地103", "那覇市久茂地", &[5, 24, 2], "サンハイム久茂地", &[103]),
            ("札幌市中央区北5条西6丁目1-1", "札幌市中央区北5条西", &[6, 1, 1], "", &[]),
            ("石川県珠洲市宝立町鵜飼1の23", "石川県珠洲市宝立町鵜飼", &[1, 23], "", &[]),
            ("千代田区一番町", "千代田区一番町", &[], "", &[]),
            ("岩手県盛岡市大通三丁目", "岩手県盛岡市大通", &[3], "", &[]),
        ];
        for (address, place, numbers, building, room) in table {
            let p = parts(&hint_key(address));
            assert_eq!(
                (p.place.as_str(), &p.numbers[..], p.building.as_str(), &p.room[..]),
                (hint_key(place).as_str(), *numbers, hint_key(building).as_str(), *room),
                "{address}"
            );
        }
    }

    #[test]
    fn a_hint_matches_part_against_part() {
        let stored = hint_key("埼玉県さいたま市浦和区高砂2丁目11番9号　グランドパレス高砂401");
        // (hint, what it matches; None = nobody)
        let table: &[(&str, Option<AddressHit>)] = &[
            ("高砂", Some(AddressHit::Place)),
            ("浦和区高砂", Some(AddressHit::Place)),
            ("高砂2丁目", Some(AddressHit::TownChome)),
            ("高砂二丁目", Some(AddressHit::TownChome)),
            ("高砂２－", Some(AddressHit::TownChome)),
            ("高砂2ー", Some(AddressHit::TownChome)),
            ("高砂2-11", Some(AddressHit::TownBlock)),
            ("高砂2丁目11番9号", Some(AddressHit::TownBlock)),
            ("さいたま市浦和区高砂2-11-9", Some(AddressHit::TownBlock)),
            ("埼玉県さいたま市浦和区高砂2丁目11番9号グランドパレス高砂401", Some(AddressHit::Whole)),
            ("グランドパレス高砂", Some(AddressHit::Building)),
            ("グランドパレス高砂401", Some(AddressHit::Building)),
            // Wrong 丁目, whatever the building's room says.
            ("高砂4丁目", None),
            ("高砂四丁目", None),
            ("高砂４－", None),
            ("高砂4ー", None),
            ("高砂4", None),
            ("高砂40", None),
            ("高砂401", None),
            ("高砂2-1", None),
            ("高砂2-11-90", None),
            ("グランドパレス高砂402", None),
            // Another prefecture.
            ("東京都さいたま市浦和区高砂", None),
        ];
        for (hint, want) in table {
            let h = hint_key(hint);
            assert_eq!(matches(&h, &parts(&h), &stored), *want, "{hint}");
        }
    }
}
