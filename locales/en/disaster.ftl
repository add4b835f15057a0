# Disaster mode at the desk (src-tauri/src/disaster.rs, ui/src/disaster.rs).
# Outcomes, input problems and advice are in matching.ftl.

disaster-not-open = Disaster mode is not open here. It is opened by the national side for facilities in an affected area, for a set period.
disaster-unavailable = The disaster look-up is not available through this connection ({ $target }). Use the qualification terminal's own screen.
disaster-offline-needs-emergency = The eligibility service ({ $target }) cannot be reached. Once a local emergency is declared (by an administrator), the look-up can use the eligibility results stored on this computer.
disaster-offline-while-online = The eligibility service can be reached, so the look-up over the results stored on this computer is not available. Use the ordinary disaster look-up.
disaster-facility-code = The facility code "{ $code }" does not tell the prefecture. Enter the 10-digit facility code in the settings.
disaster-emergency-reason-missing = Enter why the local emergency is declared (e.g. power cut, line down).
disaster-emergency-declared = Local emergency declared ({ $at }, { $staff }). While the service cannot be reached, look-ups use the results stored on this computer.
disaster-emergency-ended = Local emergency ended.
disaster-emergency-none = No local emergency is declared.
disaster-mode-online = Online look-up
disaster-mode-offline = From the results stored on this computer (as of { $at })

## Window

disaster-title = Disaster mode (look-up by four fields)
disaster-open = Disaster mode
disaster-warning = This is a special disaster operation. Look a patient up only when needed and with their consent. Every look-up is logged with who made it, when, and what was entered.
disaster-warning-confirm = I have read this
disaster-name = Name (kanji or kana)
disaster-birth = Birth date (e.g. 1986-04-12, S61.4.12)
disaster-sex = Sex
disaster-sex-choose = Choose
disaster-sex-male = Male
disaster-sex-female = Female
disaster-hint = Insurer name or address (a part is enough)
disaster-search = Look up
disaster-searching = Looking up…
disaster-close = Close
disaster-must-confirm = Confirm the notice first.
disaster-signed-in = { $name } ({ $role }) signed in
disaster-matched = Fields that matched
disaster-card = Insurer number, symbol, number, branch

## Consent in disaster mode (src-tauri/src/consents.rs, ui/src/disaster.rs)

disaster-consent-title = Record consent
disaster-consent-intro = Before viewing medical information, record the patient's consent for each kind of information. Only those kinds are shown.
disaster-consent-categories = Information consented to
disaster-consent-basis = How consent was obtained
disaster-consent-oral = Oral consent
disaster-consent-unconscious = Unconscious or similar — needed to protect life (no consent from the patient)
disaster-consent-reason = Reason (required when the patient is unconscious)
disaster-consent-reason-placeholder = e.g. reduced consciousness; the medication history is needed for emergency treatment
disaster-consent-record = Record consent
disaster-consent-recording = Recording…
disaster-consent-no-match = This patient was not identified by a disaster-mode look-up in the last 24 hours, so no consent can be recorded. Look the patient up by the four fields first.
disaster-consent-recorded = Consent recorded for { $categories } ({ $basis }, { $staff }, valid until { $until }).
disaster-consent-none-yet = No consent recorded yet. Medical information is shown only for the kinds consented to.
disaster-medical-title = Medical information (only the kinds consented to)
