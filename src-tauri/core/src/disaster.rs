//! 災害時モード on the wire: the JSON of the disaster look-up that the training
//! service (and any service speaking the same JSON) answers, and the
//! prefecture a facility belongs to. The matching itself is [`crate::matching`].
//!
//! * `POST /api/v1/disaster/lookup` with [`DisasterRequest`] → [`DisasterAnswer`]
//!   (200, whatever the outcome), or a [`crate::ServiceError`] whose code is
//!   [`NOT_OPEN_CODE`] (403) when no disaster window is open for the
//!   facility's prefecture, or [`BAD_FACILITY_CODE`] (400).

use serde::{Deserialize, Serialize};

use crate::eligibility::EligibilityResult;
use crate::matching::{DisasterQuery, MatchOutcome};

/// The path of the look-up on the service.
pub const LOOKUP_PATH: &str = "/api/v1/disaster/lookup";
/// Error code: no disaster window is open for the facility's prefecture now.
pub const NOT_OPEN_CODE: &str = "disaster_not_open";
/// Error code: the connection (the OQS folder) has no disaster look-up.
pub const UNAVAILABLE_CODE: &str = "disaster_unavailable";
/// Error code: the facility code is not 10 digits with a prefecture 01–47.
pub const BAD_FACILITY_CODE: &str = "invalid_facility_code";

/// The body of the look-up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisasterRequest {
    /// 医療機関コード (10 digits); its first two digits are the prefecture.
    pub facility_code: String,
    /// The four fields, as staff typed them.
    pub query: DisasterQuery,
}

/// The answer: the outcome of the core matcher and, only when exactly one
/// person was found, that person's eligibility result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisasterAnswer {
    pub outcome: MatchOutcome,
    /// Present only for [`MatchOutcome::Found`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<EligibilityResult>,
}

/// The prefecture (都道府県番号 1–47) of a 医療機関コード: 10 digits (full-width
/// and spaces allowed), the first two the prefecture (OQS-INTERFACE.md).
pub fn prefecture_of_facility(code: &str) -> Option<u8> {
    let digits: String = crate::digits::to_halfwidth(code)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    if digits.len() != 10 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let pref: u8 = digits[..2].parse().ok()?;
    (1..=47).contains(&pref).then_some(pref)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefecture_is_the_first_two_digits() {
        assert_eq!(prefecture_of_facility("1312345678"), Some(13));
        assert_eq!(prefecture_of_facility("１３１２３４５６７８"), Some(13));
        assert_eq!(prefecture_of_facility("0112345678"), Some(1));
        assert_eq!(prefecture_of_facility("4712345678"), Some(47));
        assert_eq!(prefecture_of_facility("0000000000"), None);
        assert_eq!(prefecture_of_facility("4812345678"), None);
        assert_eq!(prefecture_of_facility("131234567"), None);
        assert_eq!(prefecture_of_facility("13123456789"), None);
        assert_eq!(prefecture_of_facility("13a2345678"), None);
    }
}
