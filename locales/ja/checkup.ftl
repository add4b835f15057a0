# 特定健診等情報: the key measures drawn as trends (src-tauri/core/src/checkup.rs,
# assets/tables/checkup_items.tsv) and the words around the charts.
checkup-measure-weight = 体重
checkup-measure-bmi = BMI
checkup-measure-waist = 腹囲
checkup-measure-systolic = 収縮期血圧
checkup-measure-diastolic = 拡張期血圧
checkup-measure-glucose = 空腹時血糖
checkup-measure-hba1c = HbA1c
checkup-measure-triglycerides = 中性脂肪
checkup-measure-hdl = HDLコレステロール
checkup-measure-ldl = LDLコレステロール
checkup-measure-egfr = eGFR
checkup-heading-trends = 経年変化（最大5年）
checkup-heading-years = 年度別の結果
checkup-heading-judgements = 判定
checkup-range-below = 基準 { $high } 未満
checkup-range-from = 基準 { $low } 以上
checkup-range-between = 基準 { $low }〜{ $high }
checkup-range-none = 基準範囲なし
checkup-computed = 身長・体重から算出
checkup-out-of-range = 基準範囲外
checkup-no-trends = グラフにできる数値がありません
