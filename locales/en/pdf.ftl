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
