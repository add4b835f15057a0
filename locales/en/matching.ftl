# Messages of disaster mode (emergency eligibility look-up by four fields).
# Source: message() / message_id() in src-tauri/core/src/matching.rs.
# $field is a query field (name, birth_date, sex, hint) or the kind of field that
# matched, $how how it matched; numbers come as strings. No personal data of
# candidates is ever passed as an argument.

## Outcomes

matching-found = One insured person identified. Confirm that this is the patient before going on.
matching-not-found = Nobody was found. Check what was entered and search again.
matching-ambiguous = { $count } people match. Enter more of the address or the insurer name (nothing about them is shown).
matching-refused = Not searched: { $count } problem(s) with the entry. All four are required: name, date of birth, sex, and insurer name or address.

## Entry problems

matching-missing = Please enter { $field ->
    [name] the name
    [birth_date] the date of birth
    [sex] the sex
   *[hint] the insurer name or the address
} (all four fields are required).
matching-birth-date-unrecognised = The date of birth could not be read. Enter it like 1986-04-12, S61.4.12 or 昭和61年4月12日.
matching-birth-date-no-such-day = There is no such day. Check the month and the day of the date of birth.
matching-birth-date-outside-era = Not a date of the { $era ->
    [meiji] Meiji
    [taisho] Taishō
    [showa] Shōwa
    [heisei] Heisei
   *[reiwa] Reiwa
} era ({ $first } to { $last }). Check the era and the year.
matching-sex-unknown = Enter the sex as 男 or 女 (M/F and 1/2 work too).
matching-hint-too-short = Enter at least { $min } characters of the insurer name or the address (one character is not enough to search).
matching-hint-too-generic = A prefecture alone, or only general words such as 健康保険組合, 協会けんぽ or 国保, cannot be searched. Enter the city, ward or town, or the insurer's own name.
matching-hint-only-numbers = Numbers alone (a block or room number) cannot be searched. Enter the town's name with them (e.g. 高砂2丁目, 高砂2-11).
matching-wildcard = Symbols such as ●, *, ? and % cannot be used in { $field ->
    [name] the name
   *[hint] the insurer name or address
}. Enter only the characters you know, exactly (a name can also be entered in kana).

## Advice when nobody was found (from the entry alone; says nothing about who is stored)

matching-advice-check-era = Check the era and the year of the date of birth (Shōwa, Heisei…).
matching-advice-check-birth-date = Check the date of birth (it may also be entered in the Japanese calendar).
matching-advice-try-kana = Try the name in kana (variant kanji, or characters stored as ●, may differ).
matching-advice-try-kanji = Try the name in kanji (the kana name may not be stored).
matching-advice-full-name = Enter both the family name and the given name.
matching-advice-try-address = Try the address (city, ward or town) instead of the insurer name.
matching-advice-try-insurer-name = Try the insurer name (the health insurance society, or 協会けんぽ and the branch) instead of the address.
matching-advice-shorter-hint = Part of the insurer name or address is enough (for example 中野 or 鷺宮).
matching-advice-check-sex = Check the sex.

## Matched fields and how they matched

matching-field-name = Name
matching-field-birth-date = Date of birth
matching-field-sex = Sex
matching-field-insurer-name = Insurer name
matching-field-address = Address
matching-how-exact = matches
matching-how-kana = matches the kana name
matching-how-variant-kanji-folded = matches with variant kanji (髙, 﨑…) taken as the same character
matching-how-masked-character = matches except for the characters stored as ●
matching-how-wareki-date = matches (entered in the Japanese calendar)
matching-how-partial-insurer-name = part of the insurer name matches
matching-how-partial-address = part of the address matches
matching-how-address-town-chome = the town and its 丁目 match
matching-how-address-town-block = the town, its 丁目 and the block number match
matching-how-address-building = the building's name matches
matching-how-mixed-kanji-kana = family and given name match, each in kanji or kana
matching-field-match = { $field ->
    [name] Name
    [birth_date] Date of birth
    [sex] Sex
    [insurer_name] Insurer name
   *[address] Address
}: { $how ->
    [kana] matches the kana name
    [variant-kanji-folded] matches with variant kanji taken as the same
    [masked-character] matches except for characters stored as ●
    [wareki-date] matches (Japanese calendar)
    [partial-insurer-name] part matches
    [partial-address] part matches
    [address-town-chome] the town and its 丁目 match
    [address-town-block] the town, its 丁目 and the block number match
    [address-building] the building's name matches
    [mixed-kanji-kana] matches, family and given name each in kanji or kana
   *[exact] matches
}
