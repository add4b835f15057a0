# 災害時モード（緊急時の資格確認・4項目検索）の文言。
# 生成元: src-tauri/core/src/matching.rs の message() / message_id()。
# $field は入力項目（name, birth_date, sex, hint）または一致した項目の種類、
# $how は一致の仕方、数は文字列で渡されます。該当者の個人情報は引数に含めません。

## 検索結果

matching-found = 該当者を1人特定しました。ご本人であることを確認してから進めてください。
matching-not-found = 該当者が見つかりませんでした。入力内容を確認して、もう一度検索してください。
matching-ambiguous = { $count }人が該当しました。住所や保険者名をもっと詳しく入力してください（該当者の情報は表示しません）。
matching-refused = 入力に不足または誤りが{ $count }件あるため、検索していません。氏名・生年月日・性別・保険者名または住所の4項目すべてが必要です。

## 入力の問題

matching-missing = { $field ->
    [name] 氏名
    [birth_date] 生年月日
    [sex] 性別
   *[hint] 保険者名または住所
}を入力してください（4項目すべてが必要です）。
matching-birth-date-unrecognised = 生年月日を読み取れません。「1986-04-12」「S61.4.12」「昭和61年4月12日」のように入力してください。
matching-birth-date-no-such-day = 生年月日に、その日付は存在しません。月と日を確認してください。
matching-birth-date-outside-era = { $era ->
    [meiji] 明治
    [taisho] 大正
    [showa] 昭和
    [heisei] 平成
   *[reiwa] 令和
}の日付になっていません（{ $first }〜{ $last }）。元号と年を確認してください。
matching-sex-unknown = 性別は「男」または「女」で入力してください（M/F、1/2 も使えます）。
matching-hint-too-short = 保険者名または住所は{ $min }文字以上入力してください（1文字では検索できません）。
matching-hint-too-generic = 都道府県名だけ、または「健康保険組合」「協会けんぽ」「国保」のような一般的な語だけでは検索できません。市区町村名・町名や、保険者名の固有の部分を入力してください。
matching-hint-only-numbers = 番地や部屋番号の数字だけでは検索できません。町名も入力してください（例：高砂2丁目、高砂2-11）。
matching-wildcard = { $field ->
    [name] 氏名
   *[hint] 保険者名または住所
}に「●」「*」「?」「%」などの記号は使えません。分かる文字だけを正確に入力してください（漢字が分からないときはカナで入力できます）。

## 見つからないときの案内（入力内容だけから作り、登録されている人については何も示しません）

matching-advice-check-era = 生年月日の元号と年（昭和・平成など）を確認してください。
matching-advice-check-birth-date = 生年月日を確認してください（和暦でも入力できます）。
matching-advice-try-kana = 氏名をカナで入力してみてください（異体字や、登録できない文字が「●」になっている場合があります）。
matching-advice-try-kanji = 氏名を漢字で入力してみてください（カナ氏名が登録されていない場合があります）。
matching-advice-full-name = 氏と名の両方を入力してください。
matching-advice-try-address = 保険者名の代わりに、住所（市区町村名や町名）で検索してみてください。
matching-advice-try-insurer-name = 住所の代わりに、保険者名（健康保険組合名や「協会けんぽ ○○支部」など）で検索してみてください。
matching-advice-shorter-hint = 保険者名や住所は一部だけでも検索できます（例：「中野」「鷺宮」）。
matching-advice-check-sex = 性別を確認してください。

## 一致した項目と一致の仕方

matching-field-name = 氏名
matching-field-birth-date = 生年月日
matching-field-sex = 性別
matching-field-insurer-name = 保険者名
matching-field-address = 住所
matching-how-exact = 一致
matching-how-kana = カナ氏名で一致
matching-how-variant-kanji-folded = 異体字（髙・﨑など）を同じ字とみなして一致
matching-how-masked-character = 「●」の文字を除いて一致
matching-how-wareki-date = 和暦で一致
matching-how-partial-insurer-name = 保険者名の一部が一致
matching-how-partial-address = 住所の一部が一致
matching-how-address-town-chome = 町名・丁目が一致
matching-how-address-town-block = 町名・丁目・番地が一致
matching-how-address-building = 建物名が一致
matching-how-mixed-kanji-kana = 姓・名それぞれ漢字かカナで一致
matching-field-match = { $field ->
    [name] 氏名
    [birth_date] 生年月日
    [sex] 性別
    [insurer_name] 保険者名
   *[address] 住所
}：{ $how ->
    [kana] カナ氏名で一致
    [variant-kanji-folded] 異体字を同じ字とみなして一致
    [masked-character] 「●」の文字を除いて一致
    [wareki-date] 和暦で一致
    [partial-insurer-name] 一部が一致
    [partial-address] 一部が一致
    [address-town-chome] 町名・丁目が一致
    [address-town-block] 町名・丁目・番地が一致
    [address-building] 建物名が一致
    [mixed-kanji-kana] 姓・名それぞれ漢字かカナで一致
   *[exact] 一致
}
