app-title = Madoguchi
app-subtitle = Online eligibility check
training-badge = Training mode
service-starting = Starting the training service…
service-connected = Connected to: { $target }
service-unavailable = Cannot reach the eligibility service
lang-switch = 日本語

# The entry form
form-heading = Check from insurance card details
hint-insurer_number = 8 digits (6 for national health insurance)
hint-birth_date = e.g. 1986-04-12 / S61.4.12
button-check = Check (Enter)
button-clear = Clear
checking = Checking…

# The result
result-heading = Eligibility
validity-1 = Valid
validity-2 = Not valid
validity-3 = Not valid (a newer qualification exists)
validity-4 = No matching qualification
validity-5 = Several qualifications match
validity-6 = Valid (not registered)
explain-validity-2 = This qualification has ended. Ask the patient for their current insurance card or certificate.
explain-validity-3 = This qualification has ended, but a newer one exists. Check again with the details of the new card or certificate.
explain-validity-4 = No qualification matches these details. Check the insurer number, symbol, number, branch and birth date.
explain-validity-5 = Several qualifications match. Enter the branch number and check again.
explain-expired = The card expired on { $date }.
label-name = Name
label-kana = Kana
label-sex = Sex
label-birth = Born
label-age = { $age } years
label-insurer = Insurer
label-card = Symbol · number · branch
label-copay = Copay
copay-wari = { $wari }0 %
label-elderly = Elderly recipient certificate
label-limit = Limit category
label-diseases = Specific diseases
label-public = Public expense
label-loss = Reason of loss
label-valid-period = Valid
label-relationship = Insured / family
label-address = Address
label-confirmed-at = Confirmed at
label-source = Source
label-preschool = Preschool
label-consents = Consent to share medical information
label-none = none
source-training_service = training service
source-http_service = eligibility service
source-oqs_folder = OQS folder
source-card_reader = card reader
sex-1 = male
sex-2 = female
sex-3 = not set

# Today's list
today-heading = Today's checks
today-empty = No checks yet today
today-count = { $count ->
    [one] 1 check
   *[other] { $count } checks
}
col-time = Time
col-name = Name
col-insurer = Insurer
col-result = Result
col-copay = Copay

# Errors for the person at the counter
error-input = Please check what you typed
error-internal = Something unexpected went wrong ({ $detail }). What you typed is still there; please try again.
error-store = The result could not be saved on this computer ({ $detail }). It is shown, but it will not be in today's list.
error-no-such-check = That check is not on record.
training-start-failed = The training service could not be started ({ $detail }).
consent-given-until = consented (until { $until })
consent-given = consented
consent-not-given = no consent
settings-bad-url = The service address must start with http:// or https:// ({ $url }).
settings-save-failed = The settings could not be saved ({ $detail }).
settings-open = Settings
settings-heading = Settings
settings-service-url = Eligibility service address
settings-service-url-hint = Leave empty to use the training service (training mode)
settings-timeout = Seconds to wait for an answer
settings-staff = Desk / staff name
settings-save = Save and connect
settings-cancel = Cancel
tap-training-only = Simulating a card tap is only available in training mode.
tap-failed = The card tap could not be simulated ({ $detail }).
tap-button = Simulate a card tap (training)
tap-heading = My Number card tap (training simulation)
tap-consents = The patient consents to share
tap-arrived = Received from the card reader
settings-oqs-dir = OQS folder (the qualification terminal's share)
settings-oqs-dir-hint = When set, checks and card taps go through this folder (req/, res/, face/)
settings-facility-code = Medical institution code (10 digits)
settings-bad-facility-code = To use an OQS folder, enter the medical institution code (10 digits) ({ $code }).
