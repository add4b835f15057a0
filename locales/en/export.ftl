# Exporting a patient's insurance (madoguchi export fhir, and the window's button)
#   $reason  why
#   $format  fhir
export-failed = Could not export ({ $reason }).
export-unknown-format = There is no export format "{ $format }". Use fhir.
