# Consent: refusals and record problems, for front-desk staff.
# Messages come from madoguchi-core `consent::Refusal::message` and
# `consent::ConsentProblem::message`.
# Arguments:
#   $category  medication | checkups | clinical | operations
#   $purpose   view | fetch | cache | print
#   $granted   (a purpose) the purpose a grant was given for
#   $month, $day (numbers), $time ("9:30", "9:30:15" when the seconds matter)  for expired / not-yet-valid
#   $consent-month, $consent-day, $consent-time, $desk-month, $desk-day, $desk-time ("9:30:15"),
#   $ahead-min, $ahead-sec (numbers)  for clock-ahead: the consent's clock and this PC's
#   $max-hours (number)  for a consent recorded for too long

consent-category =
    { $category ->
        [medication] medication information
        [checkups] health checkup information
        [clinical] clinical information
       *[operations] surgery information
    }

consent-purpose =
    { $purpose ->
        [view] show
        [fetch] fetch
        [cache] keep
       *[print] print
    }

consent-refused-no-consent =
    To { $purpose ->
        [view] show
        [fetch] fetch
        [cache] keep
       *[print] print
    } { $category ->
        [medication] medication information
        [checkups] health checkup information
        [clinical] clinical information
       *[operations] surgery information
    }, the patient's consent is needed (there is none). Please have the patient consent on the card reader.

consent-refused-category-not-consented =
    The patient has not consented to sharing { $category ->
        [medication] medication information
        [checkups] health checkup information
        [clinical] clinical information
       *[operations] surgery information
    }, so it cannot be { $purpose ->
        [view] shown
        [fetch] fetched
        [cache] kept
       *[print] printed
    } (consent is given per kind of information).

consent-refused-expired =
    The consent for { $category ->
        [medication] medication information
        [checkups] health checkup information
        [clinical] clinical information
       *[operations] surgery information
    } expired ({ $month }/{ $day } { $time }). Please have the patient consent again on the card reader.

consent-refused-not-yet-valid =
    The consent for { $category ->
        [medication] medication information
        [checkups] health checkup information
        [clinical] clinical information
       *[operations] surgery information
    } starts only at { $month }/{ $day } { $time }, so it cannot be { $purpose ->
        [view] shown
        [fetch] fetched
        [cache] kept
       *[print] printed
    } yet. Please check this computer's date and time.

consent-refused-clock-ahead =
    The consent for { $category ->
        [medication] medication information
        [checkups] health checkup information
        [clinical] clinical information
       *[operations] surgery information
    } was given at { $consent-month }/{ $consent-day } { $consent-time } by the qualification terminal's clock, { $ahead-min } min { $ahead-sec } s ahead of this computer's clock ({ $desk-month }/{ $desk-day } { $desk-time }), so it cannot be { $purpose ->
        [view] shown
        [fetch] fetched
        [cache] kept
       *[print] printed
    } yet. One of the two clocks is wrong: set the terminal's and this computer's date and time right (the difference allowed is the setting "clock tolerance").

consent-refused-wrong-patient =
    This consent belongs to another patient: { $category ->
        [medication] medication information
        [checkups] health checkup information
        [clinical] clinical information
       *[operations] surgery information
    } cannot be { $purpose ->
        [view] shown
        [fetch] fetched
        [cache] kept
       *[print] printed
    }. Please check which patient is at the desk.

consent-refused-invalid-record =
    The consent record for { $category ->
        [medication] medication information
        [checkups] health checkup information
        [clinical] clinical information
       *[operations] surgery information
    } is incomplete, so it cannot be { $purpose ->
        [view] shown
        [fetch] fetched
        [cache] kept
       *[print] printed
    }. Please obtain the consent again.

consent-refused-purpose-not-granted =
    This permission was given to { $granted ->
        [view] show
        [fetch] fetch
        [cache] keep
       *[print] print
    } the information. To { $purpose ->
        [view] show
        [fetch] fetch
        [cache] keep
       *[print] print
    } { $category ->
        [medication] medication information
        [checkups] health checkup information
        [clinical] clinical information
       *[operations] surgery information
    }, it must be checked again.

# A patient found by a disaster look-up (no card): `Refusal::message_for(ConsentRemedy::DisasterRecord)`.
# They point to the disaster consent panel, not to the card reader.

consent-refused-no-consent-disaster =
    To { $purpose ->
        [view] show
        [fetch] fetch
        [cache] keep
       *[print] print
    } { $category ->
        [medication] medication information
        [checkups] health checkup information
        [clinical] clinical information
       *[operations] surgery information
    }, the patient's consent is needed (none is recorded). Please record the consent for { $category ->
        [medication] medication information
        [checkups] health checkup information
        [clinical] clinical information
       *[operations] surgery information
    } under "Record consent" in disaster mode: oral consent, or unconscious or similar (with the reason).

consent-refused-category-not-consented-disaster =
    No consent is recorded yet for { $category ->
        [medication] medication information
        [checkups] health checkup information
        [clinical] clinical information
       *[operations] surgery information
    }, so it cannot be { $purpose ->
        [view] shown
        [fetch] fetched
        [cache] kept
       *[print] printed
    } (consent is given per kind of information). Please choose it under "Record consent" in disaster mode and record it: oral consent, or unconscious or similar (with the reason).

consent-refused-expired-disaster =
    The consent for { $category ->
        [medication] medication information
        [checkups] health checkup information
        [clinical] clinical information
       *[operations] surgery information
    } expired ({ $month }/{ $day } { $time }). Please record it again under "Record consent" in disaster mode: oral consent, or unconscious or similar (with the reason); more than 24 hours after the look-up, look the patient up by the four fields again first.

consent-problem-missing-patient-key = The consent record has no insurance card details for the patient.
consent-problem-malformed-patient-key = The card details in the consent record (insurer number, symbol, number, branch) are not valid.
consent-problem-other-patient = This consent belongs to another patient. Please check which patient is at the desk.
consent-problem-missing-recorder = Please enter the staff member who recorded the consent.
consent-problem-missing-reason = When the patient cannot consent (e.g. unconscious), please enter why the information is needed to protect their life or health.
consent-problem-ends-before-it-starts = The consent's end is not after the time it was given. Please check the dates.
consent-problem-too-long = A consent obtained this way is valid for at most { $max-hours } hours.
consent-problem-no-category = Choose at least one kind of information the patient consented to (medication, checkups …). Nothing was recorded.
