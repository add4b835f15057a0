# While the service cannot be reached, and what the replay of deferred checks found changed (ui/src/replay.rs).
outage-banner-title = The eligibility service cannot be reached
outage-banner-body = Results shown are from earlier checks (see their date; not confirmed today). { $pending } checks are waiting and will be made again automatically when the connection is back.
changes-heading = Changed on re-check
changes-explain = What the desk showed at these visits, while the service could not be reached, differs from the answer of the later re-check. Please review the visit's billing.
change-visit = Visit { $date } { $time }
change-nothing-shown = No result could be shown at the visit.
change-none = (none)
change-acknowledge = Acknowledged
change-field-validity = Eligibility
change-field-insurer_number = Insurer number
change-field-insurer_name = Insurer
change-field-copay = Copay
change-field-valid_from = Qualified since
change-field-valid_until = Valid until
