# Messages of the input checks (front-desk screens and CLI).
# Source: message_id / message_args in src-tauri/core/src/validation.rs and wareki.rs.
# $field is the kind of field (insurer_number, …); numbers come as strings.

## Field labels

field-insurer_number = Insurer number
field-symbol = Symbol (kigō)
field-number = Number (bangō)
field-branch = Branch number (edaban)
field-birth_date = Date of birth
field-public_payer_number = Public-expense payer number
field-recipient_number = Recipient number

## Field problems

problem-required = Please enter { $field ->
    [insurer_number] the insurer number
    [number] the number
    [birth_date] the date of birth
    [public_payer_number] the public-expense payer number
    [recipient_number] the recipient number
   *[other] this field
}.
problem-not-digits = { $field ->
    [insurer_number] The insurer number
    [branch] The branch number
    [public_payer_number] The public-expense payer number
    [recipient_number] The recipient number
   *[other] This field
} may contain digits only.
problem-length = { $field ->
    [branch] The branch number
    [public_payer_number] The public-expense payer number
    [recipient_number] The recipient number
   *[other] This field
} has { $expected } digits ({ $got } were entered).
problem-length-either = { $field ->
    [insurer_number] The insurer number
   *[other] This field
} has { $first } or { $second } digits ({ $got } were entered): { $first } for National Health Insurance (kokuho), { $second } for all other insurers.
problem-check-digit = Digit { $position } of the { $field ->
    [insurer_number] insurer number
    [public_payer_number] public-expense payer number
    [recipient_number] recipient number
   *[other] number
} (the check digit) does not match. Please check the number again (if the other digits are right, digit { $position } should be { $expected }).
problem-too-long = The { $field ->
    [recipient_number] recipient number
   *[other] entry
} has at most { $max } characters ({ $got } were entered).
problem-future-date = The date of birth is after today. Please check the era and the year.
problem-too-old = The date of birth is more than { $years } years ago. Please check the era and the year.
problem-bad-characters = The number contains characters that cannot be used ({ $chars }). Use digits, letters and hyphens (-) only.

## Date problems

date-empty = Please enter a date.
date-unrecognised = This cannot be read as a date. Enter it like 1986/4/12, S61.4.12 or 昭和61年4月12日.
date-no-such-day = There is no such day. Please check the month and the day.
date-outside-era = { $era ->
    [meiji] Not a date of the Meiji era: dates from Meiji 6-1-1 (1873-01-01) to Meiji 45-7-30 (1912-07-30) can be entered.
    [taisho] Not a date of the Taishō era, which runs from 1912-07-30 (Taishō 1) to 1926-12-25 (Taishō 15).
    [showa] Not a date of the Shōwa era, which runs from 1926-12-25 (Shōwa 1) to 1989-01-07 (Shōwa 64); Heisei starts on 1989-01-08.
    [heisei] Not a date of the Heisei era, which runs from 1989-01-08 (Heisei 1) to 2019-04-30 (Heisei 31); Reiwa starts on 2019-05-01.
   *[reiwa] Not a date of the Reiwa era, which starts on 2019-05-01 (Reiwa 1).
}
