# Batch check (一括照会) of an appointment list.
# Source: src-tauri/core/src/appointments.rs (columns, groups, row problems),
# src-tauri/src/batch.rs (run, report) and the CLI's madoguchi batch.

## Column names

batch-column-appointment = Appointment
batch-column-appointment_date = Appointment date
batch-column-appointment_time = Appointment time
batch-column-patient_id = Patient number
batch-column-name = Name
batch-column-name_kana = Name (kana)
batch-column-birth_date = Date of birth
batch-column-insurer_number = Insurer number
batch-column-symbol = Symbol (kigō)
batch-column-number = Number (bangō)
batch-column-branch = Branch number (edaban)

## Problems with the whole file

batch-csv-empty = The file is empty. Put a header in line 1 (name, birth date, insurer number, symbol, number …).
batch-csv-missing-columns = The header in line { $line } lacks required columns ({ $columns }). Name, birth date, insurer number and number are required.
batch-csv-duplicate-column = The header names the same column ({ $column }) twice. Keep only one.
batch-csv-header-too-long = A header cell on line { $line } is too long ({ $length } characters, at most { $max }). Check that line 1 is the header.
batch-csv-open-quote = The quote (") opened in line { $line } is never closed, so the rest of the file would read as one cell.
batch-csv-unreadable = The file cannot be read as text (neither UTF-8 nor Shift_JIS).
batch-file-unreadable = Cannot open { $path }: { $detail }
batch-file-not-regular = { $path } is not a regular file (a named pipe, a device, a folder …). Give the appointment list file.

## Problems with a row (the row is not checked and stays in the list)

batch-row-cell-count = The row has { $got } columns but the header has { $expected }.
batch-row-cell-too-long = Line { $line }, cell { $cell } is too long ({ $length } characters, at most { $max }). The row is not checked.
batch-row-control-character = Line { $line }, cell { $cell } holds a control character ({ $code }). Check that the file is not damaged. The row is not checked.
batch-row-name-required = The name is missing.
batch-row-bad-appointment-date = The appointment "{ $value }" is not a readable date. Write it like "2026-11-23 9:30" or "R8.11.23 9時30分".
batch-row-bad-appointment-time = The appointment time "{ $value }" is not a readable time. Write it like "9:30".
batch-row-line = Line { $line }

## Report groups

batch-group-not_checked = Not checked
batch-group-invalid = Invalid
batch-group-new_qualification = Invalid (a new qualification exists)
batch-group-not_found = No qualification found
batch-group-multiple_found = Several found
batch-group-differs = Valid (details differ from the appointment list)
batch-group-valid = Valid

## Details that differ

batch-diff-insurer_number = Insurer number
batch-diff-number = Symbol, number, branch
batch-diff-name = Name
batch-diff-name_kana = Name (kana)
batch-diff-birth_date = Date of birth
batch-diff-line = { $field }: list "{ $listed }" / record "{ $recorded }"

## Running

batch-service-said = The eligibility service answered with an error ({ $code } { $message }).
batch-not-found = There is no batch { $id }.
batch-already-running = A batch check is already running. Wait for it or cancel it first.
batch-cancelled = Batch check cancelled: { $done } of { $total } checked. It can be resumed.
batch-summary = Batch of { $total }: valid { $valid }, details differ { $differs }, invalid { $invalid }, new qualification { $new }, not found { $not_found }, several found { $multiple }, not checked { $not_checked }. Unreadable rows: { $bad }.
batch-report-written = Report written: { $path }
batch-report-write-failed = Cannot write the report ({ $path }): { $detail }
batch-row-pending = Not asked yet (resume the batch to check it).
batch-row-awaiting-results = Taken in by the qualification terminal (reception number { $reception }); results awaited: resume the batch to fetch them without sending the row again.
batch-no-rows = There are no rows to check.
batch-progress = { $done } of { $total }

## CSV export headings

batch-csv-head-group = Result
batch-csv-head-line = Line
batch-csv-head-validity = Validity
batch-csv-head-recorded-name = Name on record
batch-csv-head-insurer-name = Insurer
batch-csv-head-copay = Copay
batch-csv-head-valid-until = Valid until
batch-csv-head-loss-reason = Reason of loss
batch-csv-head-differences = Differences
batch-csv-head-problem = Note
batch-csv-bad-row = Unreadable row

## The batch screen

batch-open = Batch check
batch-title = Batch check (appointment list)
batch-close = Close
batch-hint = Choose the appointment list (CSV, UTF-8 or Shift_JIS): rows that cannot be read are listed by line, the others are checked. Format: docs/APPOINTMENTS-CSV.md.
batch-choose-file = Choose the appointment list
batch-unfinished = A batch check stopped before the end
batch-unfinished-line = #{ $id } { $name }: { $done } of { $total } checked
batch-resume = Resume
batch-imported = { $rows } rows to check, { $bad } rows that cannot be read
batch-ignored-columns = Columns not used: { $columns }
batch-start = Start
batch-cancel = Cancel
batch-export = Export CSV
batch-print = Print
batch-bad-rows = Rows that cannot be read ({ $count }, not checked)
batch-valid-until = valid until { $date }
batch-limit-certificate-changed = limit certificate (限度額適用認定証) changed, or could not be judged: check its category
