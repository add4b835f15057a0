# 入力チェックの文言（受付の画面と CLI）。
# 生成元: src-tauri/core/src/validation.rs と wareki.rs の message_id / message_args。
# $field は項目の種類（insurer_number など）、数は文字列で渡されます。

## 項目名

field-insurer_number = 保険者番号
field-symbol = 記号
field-number = 番号
field-branch = 枝番
field-birth_date = 生年月日
field-public_payer_number = 公費負担者番号
field-recipient_number = 受給者番号

## 項目の誤り

problem-required = { $field ->
    [insurer_number] 保険者番号
    [number] 番号
    [birth_date] 生年月日
    [public_payer_number] 公費負担者番号
    [recipient_number] 受給者番号
   *[other] この項目
}を入力してください。
problem-not-digits = { $field ->
    [insurer_number] 保険者番号
    [branch] 枝番
    [public_payer_number] 公費負担者番号
    [recipient_number] 受給者番号
   *[other] この項目
}は数字だけで入力してください。
problem-length = { $field ->
    [branch] 枝番
    [public_payer_number] 公費負担者番号
    [recipient_number] 受給者番号
   *[other] この項目
}は{ $expected }桁です（入力されたのは{ $got }桁です）。
problem-length-either = { $field ->
    [insurer_number] 保険者番号
   *[other] この項目
}は{ $first }桁または{ $second }桁です（入力されたのは{ $got }桁です）。国民健康保険は{ $first }桁、それ以外は{ $second }桁です。
problem-check-digit = { $field ->
    [insurer_number] 保険者番号
    [public_payer_number] 公費負担者番号
    [recipient_number] 受給者番号
   *[other] 番号
}の{ $position }桁目（検証番号）が合いません。番号を見直してください（他の桁が正しければ{ $position }桁目は{ $expected }になります）。
problem-too-long = { $field ->
    [recipient_number] 受給者番号
   *[other] この項目
}は{ $max }文字までです（入力されたのは{ $got }文字です）。
problem-future-date = 生年月日が今日より後になっています。元号や年を見直してください。
problem-too-old = 生年月日が{ $years }年より前になっています。元号や年を見直してください。
problem-bad-characters = 使えない文字（{ $chars }）が入っています。番号は数字・英字・ハイフン（-）で入力してください。

## 日付の誤り

date-empty = 日付を入力してください。
date-unrecognised = 日付として読み取れません。「1986/4/12」「S61.4.12」「昭和61年4月12日」のように入力してください。
date-no-such-day = その日付はありません。月と日を見直してください。
date-outside-era = { $era ->
    [meiji] 明治の日付になっていません。入力できるのは明治6年1月1日（1873年）から明治45年7月30日までです。
    [taisho] 大正の日付になっていません。大正は元年7月30日から15年12月25日までです。
    [showa] 昭和の日付になっていません。昭和は元年12月25日から64年1月7日までです（1989年1月8日からは平成）。
    [heisei] 平成の日付になっていません。平成は元年1月8日から31年4月30日までです（2019年5月1日からは令和）。
   *[reiwa] 令和の日付になっていません。令和は元年5月1日（2019年）からです。
}
