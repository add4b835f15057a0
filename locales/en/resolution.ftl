# When the eligibility answer is "no": why, and what to do next at the counter (core/src/resolution.rs)
#   $code $message  the error code and its text   $date  a date   $days  a number of days
resolution-why-error = The eligibility check returned an error ({ $code }: { $message }).
resolution-why-not-found = No qualification matches the details entered (該当資格なし).
resolution-why-ended = This insurance ended on { $date } (無効).
resolution-why-invalid = The answer says this insurance is no longer valid.
resolution-why-new-qualification = This insurance is no longer valid, but the answer says a newer qualification exists.
resolution-why-multiple = Several qualifications match the details entered (複数該当).
resolution-why-unstated = The answer did not say whether the insurance is valid.
resolution-step-retry = Wait a moment and check again. If it keeps happening, look at the qualification terminal.
resolution-step-enter-branch = The branch number (枝番) is empty. Enter the two digits from the card and check again.
resolution-step-check-kokuho-number = A 国保 insurer number has 6 digits. Check the city's number on the card.
resolution-step-check-typed = Compare the insurer number, symbol, number and birth date with the card.
resolution-step-tap-card = Ask the patient to place their My Number health insurance card on the reader: it confirms the latest qualification.
resolution-step-medical-aid = Public assistance (生活保護) has started: ask whether the patient has a medical ticket (医療扶助).
resolution-step-new-card = Ask for the new health insurance card or 資格確認書 (a My Number card confirms the latest qualification).
resolution-step-check-person = The reason given is death. Check that the card is the patient's own and nothing was mixed up.
resolution-step-look-at-card = Check the validity on the card or 資格確認書 itself.
resolution-step-registration-late = The qualification started on { $date } ({ $days } days ago): the insurer may not have registered it yet.
resolution-step-earlier-answer = This desk confirmed this card as valid on { $date } (that day's answer, not today's).
resolution-step-self-declaration = If the patient says they are insured, a signed 被保険者資格申立書 lets you charge the normal copay (do not charge the full cost).
