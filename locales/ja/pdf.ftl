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

# The printed documents (madoguchi-adapters `pdf::documents`, `pdf::layout`).
# Dates: $wareki (令和8年11月20日), $iso (2026-11-20), $time (10:15),
# $year, $month (numbers).
pdf-date = { $wareki }（{ $iso }）
pdf-datetime = { $wareki } { $time }（{ $iso } { $time }）
pdf-month = { $wareki }（{ $year }年{ $month }月）
pdf-month-plain = { $year }年{ $month }月
pdf-yen = { $amount }円
pdf-wari = { $wari }割
pdf-age = { $age }歳
pdf-day = { $day }日
pdf-printed-at = 印刷日時　{ $when }
pdf-page-number = { $page } / { $pages } ページ
pdf-footer-document = { $title }（窓口 Madoguchi）
pdf-continued = （続き）
pdf-title-eligibility = 資格確認結果
pdf-title-medication = 薬剤情報
pdf-title-checkups = 特定健診等情報
pdf-title-clinical = 診療情報
pdf-title-operations = 手術情報
pdf-title-clinical-operations = 診療情報・手術情報
pdf-title-access = 医療情報の閲覧記録
pdf-note-privacy = 個人情報・要配慮個人情報を含みます。取扱いにご注意ください。
pdf-note-access = この記録は患者さんにお渡しするものです。
pdf-audit-head = 監査ログ照合：記録 { $count } 件　末尾
pdf-source-training_service = 研修用サービス（研修モード）
pdf-source-http_service = オンライン資格確認サービス
pdf-source-oqs_folder = 資格確認端末（OQSフォルダ）
pdf-source-card_reader = 顔認証付きカードリーダー
pdf-medication-source-claims = レセプト情報
pdf-medication-source-prescription = 電子処方箋（処方情報）
pdf-medication-source-dispensing = 電子処方箋（調剤情報）
pdf-validity = 資格の有効性
pdf-copay = 負担割合
pdf-error-returned = 照会でエラーが返されました
pdf-error-code = コード
pdf-new-qualification = 新しい資格があります。新しい保険証・資格確認書、またはマイナ保険証で確認し直してください。
pdf-section-insured = 被保険者
pdf-name = 氏名
pdf-kana = カナ氏名
pdf-name-other = 氏名（その他）
pdf-birth = 生年月日
pdf-sex = 性別
pdf-not-in-answer = （回答に含まれていません）
pdf-section-qualification = 資格
pdf-insurer = 保険者
pdf-insurer-number = 保険者番号
pdf-no-name = （名称なし）
pdf-none-given = （なし）
pdf-card-numbers = 記号・番号・枝番
pdf-symbol = 記号
pdf-number = 番号
pdf-branch = 枝番
pdf-preschool = 未就学
pdf-relationship = 本人・家族／区分
pdf-valid-period = 資格の有効期間
pdf-issued-on = 交付年月日
pdf-copay-card = 負担割合（保険証）
pdf-yes = あり
pdf-no = なし
pdf-valid-for = 有効期間
pdf-elderly = 高齢受給者証
pdf-limit-class = 区分
pdf-limit-class-missing = 区分の記載なし
pdf-long-term = 長期入院該当
pdf-limit = 限度額適用区分
pdf-no-information = 情報なし
pdf-diseases = 特定疾病
pdf-self-pay-limit = 自己負担限度額
pdf-payer-number = 公費負担者番号
pdf-recipient-number = 受給者番号
pdf-public = 公費
pdf-loss = 喪失事由
pdf-reference = 照会番号
pdf-no-qualification = （資格情報は回答に含まれていません）
pdf-section-medical-aid = 医療扶助（医療券・調剤券）
pdf-ticket-type = 券種
pdf-ticket-type-1 = 医療券
pdf-ticket-type-2 = 調剤券
pdf-ticket-type-other = 券種コード { $code }
pdf-ticket-none = この月の医療券・調剤券は登録されていません（有効（未登録））
pdf-ticket-issue-number = 交付番号
pdf-ticket-period = 有効期間
pdf-ticket-month = 診療年月
pdf-ticket-institution = 指定医療機関
pdf-ticket-self-pay = 本人支払額
pdf-ticket-injuries = 傷病名
pdf-ticket-prescriber = 処方箋発行元
pdf-ticket-contacts = 地区担当員／取扱担当者
pdf-ticket-remarks = 備考
pdf-section-confirmation = 確認
pdf-confirmation-date = 資格確認日
pdf-confirmed-at = 確認日時
pdf-source = 確認元
pdf-eligibility-disclaimer = この書面は、上記の日時にオンライン資格確認で得られた結果を印刷したものです。その後の資格の変更は反映されていません。
pdf-patient = { $name } 様
pdf-consent-note = 患者さんの同意（{ $category }）にもとづき印刷しています。同意の有効期限：{ $until }
pdf-med-col-name = 医薬品名
pdf-med-col-ingredient = 成分名
pdf-med-col-quantity = 用量
pdf-med-col-usage = 用法
pdf-med-col-times = 日数・回数
pdf-med-none = 薬剤情報はありません。
pdf-med-failed = 薬剤情報を取得できませんでした：{ $message }
pdf-warning = 注意：{ $message }
pdf-month-unknown = 年月不明
pdf-facilities = 調剤：{ $dispensing }　　処方：{ $prescribing }
pdf-med-month-empty = この月の調剤記録はありません。
pdf-dispensed-on = 調剤日
pdf-prescribed-on = 処方日
pdf-no-drugs = （医薬品の記載なし）
pdf-clin-col-when = 診療年月・受診日
pdf-clin-col-kind = 区分
pdf-clin-col-procedure = 診療行為
pdf-clin-col-amount = 回数・数量
pdf-clin-operations-withheld = 手術情報は、患者さんの手術情報への同意がないため記載していません（別の同意が必要です）。
pdf-clin-clinical-withheld = 手術以外の診療情報は、患者さんの診療情報への同意がないため記載していません。
pdf-clin-none = 診療情報はありません。
pdf-clin-visits = 受診 { $months }か月
pdf-clin-notable = 主な診療：{ $kinds }
pdf-visit-days = 受診日 { $days }
pdf-checkups-none = 特定健診等情報はありません。
pdf-checkups-failed = 特定健診等情報を取得できませんでした：{ $message }
pdf-item = 項目
pdf-checkup-date = 実施日
pdf-checkup-date-unknown = 実施日不明
pdf-visit-date = 受診日
pdf-card-key = 保険証等の番号
pdf-access-none = 本日の受診で、{ $facility }があなたの医療情報（薬剤情報・特定健診等情報・診療情報・手術情報）を閲覧した記録はありません。
pdf-access-some = 本日の受診で、あなたの同意にもとづき、{ $facility }の職員が次の医療情報を閲覧しました。
pdf-access-col-category = 閲覧した情報
pdf-access-col-at = 閲覧日時
pdf-access-col-staff = 閲覧した職員
pdf-access-col-until = 同意の有効期限
pdf-until = { $when } まで
pdf-access-rule = 医療情報は、あなたが同意した種類だけを、同意の有効期限まで閲覧できます。有効期限を過ぎると、あらためて同意をいただかない限り閲覧できません。
pdf-access-kept = 閲覧の記録は当院で保管しています。ご不明な点は受付にお尋ねください。
