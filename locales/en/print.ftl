# Printing (crate::print, `madoguchi print`).
print-no-patient = This desk has no eligibility check of this patient ({ $key }). Check the patient's eligibility first.
print-nothing-kept = This desk holds no { $category ->
        [medication] medication information
        [checkups] checkup information
        [clinical] clinical information
       *[operations] operations information
    } of this patient. Show it at the desk (within the patient's consent) and it can be printed.
print-nothing-viewed = No medical information of this patient was viewed today, so there is no access slip to print.
print-failed = The PDF could not be made ({ $reason }).
print-unknown-kind = "{ $kind }" is not a document that can be printed. Use eligibility, medication-list, checkups, clinical or access-slip.
print-write-failed = Could not write { $file } ({ $reason }).
print-written = Wrote { $file } ({ $bytes } bytes).
print-button-eligibility = Print the eligibility result
print-button-access-slip = Print the access slip
print-button-shown = Print what is shown
print-saved = PDF saved: { $file }
