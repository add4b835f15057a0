# Printing (PDF) messages, from madoguchi-adapters `pdf::PdfError`.
# Arguments:
#   $reason    why consent refused: category_not_consented | purpose_not_granted |
#              expired | wrong_patient | no_consent | not_yet_valid | invalid_record
#   $category  medication | checkups | clinical | operations
#   $purpose   print
#   $granted   the purpose the consent was given for: view | fetch | cache | print
#              (with purpose_not_granted)
#   $month, $day (numbers), $time ("9:30")  when the consent ended (with expired)
#   $detail    what is wrong with the font

pdf-consent-refused =
    { $category ->
        [medication] The medication history
        [checkups] The checkup results
        [clinical] The clinical history
       *[operations] The operations history
    } cannot be printed. { $reason ->
        [category_not_consented] The consent presented is for another kind of information.
        [purpose_not_granted] The consent presented is not for printing (it is for { $granted ->
            [view] viewing
            [fetch] fetching
            [cache] keeping
           *[print] printing
        }).
        [expired] The consent expired on { $month }/{ $day } at { $time }. Please ask the patient to consent again.
        [not_yet_valid] The consent is not valid yet.
        [wrong_patient] The consent belongs to another patient.
       *[other] There is no valid consent.
    }
pdf-font = The font for printing could not be loaded ({ $detail }). Please reinstall the app.

# The printed documents (madoguchi-adapters `pdf::documents`, `pdf::layout`).
# Dates: $wareki (令和8年11月20日, not used in English), $iso (2026-11-20,
# 2026-09 for a month), $time (10:15), $year, $month (numbers).
pdf-date = { $iso }
pdf-datetime = { $iso } { $time }
pdf-month = { $iso }
pdf-month-plain = { $iso }
pdf-yen = ¥{ $amount }
pdf-wari = { $percent }%
pdf-age = age { $age }
pdf-day = { $day }
pdf-printed-at = Printed { $when }
pdf-page-number = Page { $page } of { $pages }
pdf-footer-document = { $title } (Madoguchi)
pdf-continued = (continued)
pdf-title-eligibility = Eligibility check result
pdf-title-medication = Medication history
pdf-title-checkups = Checkup results
pdf-title-clinical = Clinical history
pdf-title-operations = Operations history
pdf-title-clinical-operations = Clinical and operations history
pdf-title-access = Record of medical information viewed
pdf-note-privacy = Contains personal and sensitive personal information. Handle with care.
pdf-note-access = This record is for the patient to keep.
pdf-audit-head = Audit log check: { $count } entries, last
pdf-source-training_service = Training service (training mode)
pdf-source-http_service = Online eligibility service
pdf-source-oqs_folder = Eligibility terminal (OQS folder)
pdf-source-card_reader = Face-recognition card reader
pdf-medication-source-claims = Claims
pdf-medication-source-prescription = E-prescription (prescribed)
pdf-medication-source-dispensing = E-prescription (dispensed)
pdf-validity = Validity
pdf-copay = Copay
pdf-error-returned = The check returned an error
pdf-error-code = code
pdf-new-qualification = There is a newer qualification. Please check again with the new card or certificate, or with the My Number card.
pdf-section-insured = Insured person
pdf-name = Name
pdf-kana = Name (kana)
pdf-name-other = Other name
pdf-birth = Date of birth
pdf-sex = Sex
pdf-not-in-answer = (not in the answer)
pdf-section-qualification = Qualification
pdf-insurer = Insurer
pdf-insurer-number = insurer number
pdf-no-name = (no name)
pdf-none-given = (none)
pdf-card-numbers = Symbol, number, branch
pdf-symbol = symbol
pdf-number = number
pdf-branch = branch
pdf-preschool = Preschool
pdf-relationship = Insured or family / class
pdf-valid-period = Valid period
pdf-issued-on = Issued on
pdf-copay-card = Copay (card)
pdf-yes = yes
pdf-no = none
pdf-valid-for = valid
pdf-elderly = Elderly certificate
pdf-limit-class = class
pdf-limit-class-missing = no class stated
pdf-long-term = long-term inpatient from
pdf-limit = Limit certificate class
pdf-no-information = no information
pdf-diseases = Specific diseases
pdf-self-pay-limit = self-pay limit
pdf-payer-number = payer number
pdf-recipient-number = recipient number
pdf-public = Public expenses
pdf-loss = Reason of loss
pdf-reference = Reference number
pdf-no-qualification = (no qualification in the answer)
pdf-section-medical-aid = Public medical aid (医療扶助)
pdf-ticket-type = Ticket
pdf-ticket-type-1 = Medical ticket (医療券)
pdf-ticket-type-2 = Dispensing ticket (調剤券)
pdf-ticket-type-other = Ticket type code { $code }
pdf-ticket-none = No medical ticket is registered for this month (valid, not registered)
pdf-ticket-issue-number = issue number
pdf-ticket-period = Valid
pdf-ticket-month = Treatment month
pdf-ticket-institution = Designated institution
pdf-ticket-self-pay = Patient pays
pdf-ticket-injuries = Injuries and diseases
pdf-ticket-prescriber = Prescription from
pdf-ticket-contacts = Caseworker / handled by
pdf-ticket-remarks = Remarks
pdf-section-confirmation = Confirmation
pdf-confirmation-date = Confirmation date
pdf-confirmed-at = Confirmed at
pdf-source = Source
pdf-eligibility-disclaimer = This sheet prints the result of the online eligibility check at the time above. Changes made since are not shown.
pdf-patient = { $name }
pdf-consent-note = Printed with the patient's consent ({ $category }). The consent runs until { $until }.
pdf-med-col-name = Drug
pdf-med-col-ingredient = Ingredient
pdf-med-col-quantity = Dose
pdf-med-col-usage = Usage
pdf-med-col-times = Days / times
pdf-med-none = No medication history.
pdf-med-failed = The medication history could not be fetched: { $message }
pdf-warning = Note: { $message }
pdf-month-unknown = month unknown
pdf-facilities = Dispensed at: { $dispensing }    Prescribed at: { $prescribing }
pdf-med-month-empty = No dispensing this month.
pdf-dispensed-on = Dispensed
pdf-prescribed-on = Prescribed
pdf-no-drugs = (no drug listed)
pdf-clin-col-when = Month / visit days
pdf-clin-col-kind = Kind
pdf-clin-col-procedure = Procedure
pdf-clin-col-amount = Times / quantity
pdf-clin-operations-withheld = Operations are not listed: the patient has not consented to their operations history (it needs its own consent).
pdf-clin-clinical-withheld = Care other than operations is not listed: the patient has not consented to their clinical history.
pdf-clin-none = No clinical history.
pdf-clin-visits = { $months } months of visits
pdf-clin-notable = Main care: { $kinds }
pdf-visit-days = Visit days { $days }
pdf-checkups-none = No checkup results.
pdf-checkups-failed = The checkup results could not be fetched: { $message }
pdf-item = Item
pdf-checkup-date = Date
pdf-checkup-date-unknown = Date unknown
pdf-visit-date = Visit date
pdf-card-key = Card numbers
pdf-access-none = At today's visit, { $facility } viewed none of your medical information (medication, checkups, clinical or operations history).
pdf-access-some = At today's visit, with your consent, staff of { $facility } viewed the following medical information.
pdf-access-col-category = Information viewed
pdf-access-col-at = Viewed at
pdf-access-col-staff = Viewed by
pdf-access-col-until = Consent valid until
pdf-until = until { $when }
pdf-access-rule = Only the kinds of medical information you consented to can be viewed, and only until the consent ends. After that they cannot be viewed unless you consent again.
pdf-access-kept = The record of viewings is kept by this facility. Please ask at the reception desk if you have questions.
