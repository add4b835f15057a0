# Specific health checkups: the key measures drawn as trends (src-tauri/core/src/checkup.rs,
# assets/tables/checkup_items.tsv) and the words around the charts.
checkup-measure-weight = Weight
checkup-measure-bmi = BMI
checkup-measure-waist = Waist
checkup-measure-systolic = Systolic blood pressure
checkup-measure-diastolic = Diastolic blood pressure
checkup-measure-glucose = Fasting glucose
checkup-measure-hba1c = HbA1c
checkup-measure-triglycerides = Triglycerides
checkup-measure-hdl = HDL cholesterol
checkup-measure-ldl = LDL cholesterol
checkup-measure-egfr = eGFR
checkup-heading-trends = Trends (up to 5 years)
checkup-heading-years = Results by year
checkup-heading-judgements = Judgements
checkup-range-below = reference below { $high }
checkup-range-from = reference { $low } or more
checkup-range-between = reference { $low }–{ $high }
checkup-range-none = no reference range
checkup-computed = computed from height and weight
checkup-out-of-range = outside the reference range
checkup-no-trends = No values to draw
