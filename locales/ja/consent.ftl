# 同意 (consent): refusals and record problems, for front-desk staff.
# Messages come from madoguchi-core `consent::Refusal::message` and
# `consent::ConsentProblem::message`.
# Arguments:
#   $category  medication | checkups | clinical | operations
#   $purpose   view | fetch | cache | print
#   $granted   (a purpose) the purpose a grant was given for
#   $month, $day (numbers), $time ("9:30", "9:30:15" when the seconds matter)  for expired / not-yet-valid
#   $consent-month, $consent-day, $consent-time, $desk-month, $desk-day, $desk-time ("9:30:15"),
#   $ahead-min, $ahead-sec (numbers)  for clock-ahead: the consent's clock and this PC's
#   $max-hours (number)  for a consent recorded for too long

consent-category =
    { $category ->
        [medication] 薬剤情報
        [checkups] 特定健診等情報
        [clinical] 診療情報
       *[operations] 手術情報
    }

consent-purpose =
    { $purpose ->
        [view] 表示
        [fetch] 取得
        [cache] 保存
       *[print] 印刷
    }

consent-refused-no-consent =
    { $category ->
        [medication] 薬剤情報
        [checkups] 特定健診等情報
        [clinical] 診療情報
       *[operations] 手術情報
    }を{ $purpose ->
        [view] 表示
        [fetch] 取得
        [cache] 保存
       *[print] 印刷
    }するには、患者さんの同意が必要です（同意がありません）。カードリーダーで同意を取得してください。

consent-refused-category-not-consented =
    患者さんは{ $category ->
        [medication] 薬剤情報
        [checkups] 特定健診等情報
        [clinical] 診療情報
       *[operations] 手術情報
    }の提供に同意していないため、{ $purpose ->
        [view] 表示
        [fetch] 取得
        [cache] 保存
       *[print] 印刷
    }できません（同意は情報の種類ごとに必要です）。

consent-refused-expired =
    { $category ->
        [medication] 薬剤情報
        [checkups] 特定健診等情報
        [clinical] 診療情報
       *[operations] 手術情報
    }の同意の有効期限（{ $month }月{ $day }日 { $time }）が過ぎています。もう一度カードリーダーで同意を取得してください。

consent-refused-not-yet-valid =
    { $category ->
        [medication] 薬剤情報
        [checkups] 特定健診等情報
        [clinical] 診療情報
       *[operations] 手術情報
    }の同意は{ $month }月{ $day }日 { $time }からのため、まだ{ $purpose ->
        [view] 表示
        [fetch] 取得
        [cache] 保存
       *[print] 印刷
    }できません。端末の日時が正しいか確認してください。

consent-refused-clock-ahead =
    { $category ->
        [medication] 薬剤情報
        [checkups] 特定健診等情報
        [clinical] 診療情報
       *[operations] 手術情報
    }の同意の時刻（資格確認端末の時計で{ $consent-month }月{ $consent-day }日 { $consent-time }）が、このパソコンの時計（{ $desk-month }月{ $desk-day }日 { $desk-time }）より{ $ahead-min }分{ $ahead-sec }秒先のため、まだ{ $purpose ->
        [view] 表示
        [fetch] 取得
        [cache] 保存
       *[print] 印刷
    }できません。どちらかの時計がずれています。端末とこのパソコンの日時を合わせてください（許容できる差は設定の「時計の差の許容」です）。

consent-refused-wrong-patient =
    この同意は別の患者さんのものです。{ $category ->
        [medication] 薬剤情報
        [checkups] 特定健診等情報
        [clinical] 診療情報
       *[operations] 手術情報
    }は{ $purpose ->
        [view] 表示
        [fetch] 取得
        [cache] 保存
       *[print] 印刷
    }できません。受付中の患者さんを確認してください。

consent-refused-invalid-record =
    { $category ->
        [medication] 薬剤情報
        [checkups] 特定健診等情報
        [clinical] 診療情報
       *[operations] 手術情報
    }の同意の記録に不備があるため、{ $purpose ->
        [view] 表示
        [fetch] 取得
        [cache] 保存
       *[print] 印刷
    }できません。もう一度同意を取得してください。

consent-refused-purpose-not-granted =
    この操作の許可は{ $granted ->
        [view] 表示
        [fetch] 取得
        [cache] 保存
       *[print] 印刷
    }のためのものです。{ $category ->
        [medication] 薬剤情報
        [checkups] 特定健診等情報
        [clinical] 診療情報
       *[operations] 手術情報
    }を{ $purpose ->
        [view] 表示
        [fetch] 取得
        [cache] 保存
       *[print] 印刷
    }するには、改めて確認が必要です。

# 災害時モードで特定した患者さん（カードなし）: `Refusal::message_for(ConsentRemedy::DisasterRecord)`.
# カードリーダーではなく、災害時モードの「同意の記録」で記録するよう案内する。

consent-refused-no-consent-disaster =
    { $category ->
        [medication] 薬剤情報
        [checkups] 特定健診等情報
        [clinical] 診療情報
       *[operations] 手術情報
    }を{ $purpose ->
        [view] 表示
        [fetch] 取得
        [cache] 保存
       *[print] 印刷
    }するには、患者さんの同意が必要です（同意の記録がありません）。災害時モードの「同意の記録」で、口頭同意、または意識不明等（理由を記入）として{ $category ->
        [medication] 薬剤情報
        [checkups] 特定健診等情報
        [clinical] 診療情報
       *[operations] 手術情報
    }の同意を記録してください。

consent-refused-category-not-consented-disaster =
    { $category ->
        [medication] 薬剤情報
        [checkups] 特定健診等情報
        [clinical] 診療情報
       *[operations] 手術情報
    }の同意はまだ記録されていないため、{ $purpose ->
        [view] 表示
        [fetch] 取得
        [cache] 保存
       *[print] 印刷
    }できません（同意は情報の種類ごとに必要です）。災害時モードの「同意の記録」で{ $category ->
        [medication] 薬剤情報
        [checkups] 特定健診等情報
        [clinical] 診療情報
       *[operations] 手術情報
    }を選び、口頭同意、または意識不明等（理由を記入）として記録してください。

consent-refused-expired-disaster =
    { $category ->
        [medication] 薬剤情報
        [checkups] 特定健診等情報
        [clinical] 診療情報
       *[operations] 手術情報
    }の同意の有効期限（{ $month }月{ $day }日 { $time }）が過ぎています。災害時モードの「同意の記録」で、口頭同意、または意識不明等（理由を記入）としてもう一度記録してください（照会から24時間を過ぎている場合は、先に4項目でもう一度照会してください）。

consent-problem-missing-patient-key = 同意の記録に患者さんの被保険者番号等がありません。
consent-problem-malformed-patient-key = 同意の記録の被保険者番号等（保険者番号・記号・番号・枝番）が正しくありません。
consent-problem-other-patient = この同意は別の患者さんのものです。受付中の患者さんを確認してください。
consent-problem-missing-recorder = 同意を記録した職員が入力されていません。
consent-problem-missing-reason = 患者さんの同意が得られない場合（意識がない等）は、生命・身体の保護のために必要な理由を入力してください。
consent-problem-ends-before-it-starts = 同意の有効期限が同意の日時より前になっています。日時を確認してください。
consent-problem-too-long = この方法で取得した同意の有効期間は最長{ $max-hours }時間です。
consent-problem-no-category = 同意を得た情報の種類（薬剤情報・特定健診等情報など）を1つ以上選んでください。何も記録していません。
