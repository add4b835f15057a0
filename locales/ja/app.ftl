app-title = 窓口
app-subtitle = オンライン資格確認
training-badge = 研修モード
service-starting = 研修用サービスを起動しています…
service-connected = 接続先: { $target }
service-unavailable = 資格確認サービスに接続できません
lang-switch = English

# The entry form
form-heading = 保険証・資格確認書の記載事項で確認
hint-insurer_number = 8桁（国保は6桁）
hint-birth_date = 例: 1986-04-12 / S61.4.12 / 昭和61年4月12日
button-check = 確認する（Enter）
button-clear = クリア
checking = 確認しています…

# The result
result-heading = 資格確認結果
validity-1 = 有効
validity-2 = 無効
validity-3 = 無効（新しい資格あり）
validity-4 = 該当資格なし
validity-5 = 複数該当
validity-6 = 有効（未登録）
explain-validity-2 = この資格は失効しています。患者さんに現在の保険証・資格確認書をお持ちか確認してください。
explain-validity-3 = この資格は失効していますが、新しい資格があります。新しい保険証・資格確認書の記載事項で確認してください。
explain-validity-4 = 入力された記載事項に該当する資格がありません。保険者番号・記号・番号・枝番・生年月日を見直してください。
explain-validity-5 = 複数の資格が該当しました。枝番を入力して確認してください。
explain-expired = 有効期限（{ $date }）を過ぎています。
label-name = 氏名
label-kana = カナ
label-sex = 性別
label-birth = 生年月日
label-age = { $age }歳
label-insurer = 保険者
label-card = 記号・番号・枝番
label-copay = 負担割合
copay-wari = { $wari }割
label-elderly = 高齢受給者証
label-limit = 限度額適用区分
label-diseases = 特定疾病
label-public = 公費
label-loss = 喪失事由
label-valid-period = 有効期間
label-relationship = 本人・家族
label-address = 住所
label-confirmed-at = 確認日時
label-source = 取得元
label-preschool = 未就学
label-consents = 医療情報の提供への同意
label-none = なし
source-training_service = 研修用サービス
source-http_service = 資格確認サービス
source-oqs_folder = OQSフォルダ
source-card_reader = カードリーダー
sex-1 = 男
sex-2 = 女
sex-3 = 未設定

# Today's list
today-heading = 本日の確認
today-empty = まだ確認はありません
today-count = { $count }件
col-time = 時刻
col-name = 氏名
col-insurer = 保険者番号
col-result = 結果
col-copay = 負担

# Errors for the person at the counter
error-input = 入力内容を確認してください
error-internal = 予期しないエラーが起きました（{ $detail }）。入力内容は残っています。もう一度お試しください。
error-store = 確認結果をこの端末に保存できませんでした（{ $detail }）。結果は表示していますが、本日の一覧には残りません。
error-no-such-check = その確認記録は見つかりません。
training-start-failed = 研修用サービスを起動できませんでした（{ $detail }）。
consent-given-until = 同意あり（{ $until }まで）
consent-given = 同意あり
consent-not-given = 同意なし
settings-bad-url = 接続先は http:// または https:// で始まるアドレスを入力してください（{ $url }）。
settings-save-failed = 設定を保存できませんでした（{ $detail }）。
settings-open = 設定
settings-heading = 設定
settings-service-url = 資格確認サービスの接続先
settings-service-url-hint = 空欄にすると研修用サービス（研修モード）で動きます
settings-timeout = 応答を待つ秒数
settings-staff = 端末・職員名
settings-save = 保存して接続
settings-cancel = キャンセル
