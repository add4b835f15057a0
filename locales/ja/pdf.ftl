# 印刷（PDF）に関するメッセージ。madoguchi-adapters `pdf::PdfError` から。
# 引数:
#   $reason    同意で断られた理由: category_not_consented | purpose_not_granted |
#              expired | wrong_patient | no_consent | not_yet_valid | invalid_record
#   $category  medication | checkups | clinical | operations
#   $purpose   print（印刷）
#   $granted   同意が与えられた目的 view | fetch | cache | print（purpose_not_granted のとき）
#   $month, $day（数）, $time（"9:30"）  期限切れのとき、同意の終わった日時
#   $detail    フォントの問題の詳細

pdf-consent-refused =
    { $category ->
        [medication] 薬剤情報
        [checkups] 特定健診等情報
        [clinical] 診療情報
       *[operations] 手術情報
    }を印刷できません。{ $reason ->
        [category_not_consented] 提示された同意は別の種類の情報に対するものです。
        [purpose_not_granted] 提示された同意は印刷のためのものではありません（{ $granted ->
            [view] 表示
            [fetch] 取得
            [cache] 保存
           *[print] 印刷
        }用）。
        [expired] 同意の有効期限（{ $month }月{ $day }日 { $time }）が過ぎています。患者さんにあらためて同意をいただいてください。
        [not_yet_valid] 同意はまだ有効になっていません。
        [wrong_patient] 同意は別の患者さんのものです。
       *[other] 有効な同意がありません。
    }
pdf-font = 印刷用のフォントを読み込めませんでした（{ $detail }）。アプリを入れ直してください。
