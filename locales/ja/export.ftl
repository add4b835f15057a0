# 保険情報の書き出し（madoguchi export fhir と画面のボタン）
#   $reason  理由（英語のことがあります）
#   $format  fhir
export-failed = 書き出せませんでした（{ $reason }）。
export-unknown-format = 書き出し形式「{ $format }」はありません。fhir を指定してください。
