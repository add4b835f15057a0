//! The window's pure parts, natively: what the receptionist reads (dates,
//! periods, ages, messages in both languages) and how the keyboard moves
//! through the card entry. The validation errors are the core's own, put
//! into the form the backend sends (`desk::input_error`).

use chrono::NaiveDate;
use madoguchi_core::message::{ApiError, FieldMsg, Msg};
use madoguchi_core::validation::{validate_card, CardInput, Field};
use madoguchi_i18n::Lang;
use madoguchi_ui_logic::entry::{first_error_field, on_key, KeyAction, FIELDS};
use madoguchi_ui_logic::format::{age_on, dash, format_date, format_month, format_yen, period, say, tr};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn dates_are_wareki_first_in_japanese_and_western_first_in_english() {
    assert_eq!(format_date(Lang::Ja, d(1986, 4, 12)), "昭和61年4月12日（1986/04/12）");
    assert_eq!(format_date(Lang::En, d(1986, 4, 12)), "1986-04-12 (S61.4.12)");
    // The first day of an era.
    assert_eq!(format_date(Lang::Ja, d(2019, 5, 1)), "令和元年5月1日（2019/05/01）");
}

#[test]
fn a_treatment_month_and_a_self_pay_amount_in_words() {
    assert_eq!(format_month(Lang::Ja, d(2026, 12, 1)), "令和8年12月（2026/12）");
    assert_eq!(format_month(Lang::Ja, d(2019, 5, 1)), "令和元年5月（2019/05）");
    assert_eq!(format_month(Lang::En, d(2026, 12, 1)), "2026-12 (R8.12)");
    assert_eq!(format_yen(Lang::Ja, 0), "0円");
    assert_eq!(format_yen(Lang::Ja, 2_500), "2,500円");
    assert_eq!(format_yen(Lang::En, 1_234_567), "¥1,234,567");
}

#[test]
fn a_period_with_either_end_open() {
    assert_eq!(period(Lang::Ja, None, None), "");
    assert_eq!(period(Lang::Ja, Some(d(2026, 4, 1)), None), "令和8年4月1日（2026/04/01） 〜 ");
    assert_eq!(period(Lang::En, None, Some(d(2027, 3, 31))), " 〜 2027-03-31 (R9.3.31)");
    assert_eq!(dash(""), "—");
    assert_eq!(dash("01"), "01");
}

#[test]
fn age_in_full_years_turns_on_the_birthday() {
    assert_eq!(age_on(d(1986, 4, 12), d(2026, 4, 11)), 39);
    assert_eq!(age_on(d(1986, 4, 12), d(2026, 4, 12)), 40);
    // Born on 29 February: a year older on 1 March of a common year.
    assert_eq!(age_on(d(2000, 2, 29), d(2026, 2, 28)), 25);
    assert_eq!(age_on(d(2000, 2, 29), d(2026, 3, 1)), 26);
}

#[test]
fn messages_are_words_in_both_languages() {
    let unknown = |s: &str| s.contains("field-") || s.is_empty();
    for lang in [Lang::Ja, Lang::En] {
        let words = tr(lang, "field-birth_date", &[]);
        assert!(!unknown(&words), "{lang:?}: {words:?}");
    }
    assert_eq!(tr(Lang::Ja, "field-birth_date", &[]), "生年月日");
    assert_eq!(tr(Lang::En, "field-birth_date", &[]), "Date of birth");
    // `say` passes the arguments the backend sent.
    let msg = Msg::new("home-visit-pin-wrong").arg("left", 2);
    let ja: String = say(Lang::Ja, &msg).chars().filter(|c| !matches!(c, '\u{2068}' | '\u{2069}')).collect();
    assert_eq!(ja, "暗証番号が違います。あと 2 回まで入力できます。");
}

#[test]
fn enter_moves_along_the_fields_and_checks_on_the_birth_date() {
    assert_eq!(FIELDS.first(), Some(&Field::InsurerNumber));
    assert_eq!(FIELDS.last(), Some(&Field::BirthDate), "Enter on the birth date checks");
    for i in 0..FIELDS.len() - 1 {
        assert_eq!(on_key(i, "Enter", false), KeyAction::Focus(i + 1), "field {i}");
        // Ctrl+Enter checks from anywhere.
        assert_eq!(on_key(i, "Enter", true), KeyAction::Check, "field {i}");
    }
    assert_eq!(on_key(FIELDS.len() - 1, "Enter", false), KeyAction::Check);
    for i in 0..FIELDS.len() {
        assert_eq!(on_key(i, "Escape", false), KeyAction::Clear);
        assert_eq!(on_key(i, "1", false), KeyAction::Type);
        assert_eq!(on_key(i, "Tab", false), KeyAction::Type, "Tab is the browser's");
    }
}

/// The core's errors for a card, in the form the backend sends them.
fn refused(input: &CardInput) -> ApiError {
    let errors = validate_card(input, d(2026, 11, 20)).expect_err("refused");
    ApiError {
        message: Msg::new("error-input"),
        fields: errors.into_iter().map(|fe| FieldMsg { field: fe.field, message: Msg::with_args(fe.message_id(), fe.message_args()) }).collect(),
        form: Vec::new(),
    }
}

#[test]
fn after_a_refused_check_the_cursor_goes_to_the_first_field_with_a_problem() {
    let card = CardInput {
        insurer_number: "06139992".into(),
        symbol: "12".into(),
        number: "345".into(),
        branch: "01".into(),
        birth_date: "S61.4.12".into(),
    };
    // Only the birth date wrong: the last field.
    let e = refused(&CardInput { birth_date: "S99.13.1".into(), ..card.clone() });
    assert_eq!(first_error_field(&e), Some(4), "{e:?}");
    // The number and the birth date wrong: the number, before it.
    let e = refused(&CardInput { number: String::new(), birth_date: "S99.13.1".into(), ..card.clone() });
    assert_eq!(first_error_field(&e), Some(2), "{e:?}");
    // A mistyped check digit: the insurer number, the first.
    let e = refused(&CardInput { insurer_number: "06139999".into(), birth_date: "".into(), ..card });
    assert_eq!(first_error_field(&e), Some(0), "{e:?}");
    // Not a field error: nowhere.
    assert_eq!(first_error_field(&ApiError::new(Msg::new("gateway-unreachable"))), None);
}
