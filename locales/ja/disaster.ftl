# 災害時モードの窓口側の文言（src-tauri/src/disaster.rs, ui/src/disaster.rs）。
# 検索結果・入力の問題・案内は matching.ftl。

disaster-not-open = この地域では災害時モードが開始されていません。災害時モードは、国が災害を指定した地域の医療機関で、指定された期間だけ使えます。
disaster-unavailable = 災害時の照会は、この接続（{ $target }）では使えません。資格確認端末の画面から照会してください。
disaster-offline-needs-emergency = 照会サービス（{ $target }）に接続できません。院内の緊急事態が宣言されていれば、端末に保存された資格情報から照会できます（管理者が宣言します）。
disaster-offline-while-online = 照会サービスに接続できるため、端末に保存された情報での照会はできません。通常の災害時照会を使ってください。
disaster-facility-code = 医療機関コード「{ $code }」から都道府県が分かりません。設定で10桁の医療機関コードを入力してください。
disaster-emergency-reason-missing = 院内の緊急事態を宣言する理由を入力してください（例：停電、回線断）。
disaster-emergency-declared = 院内の緊急事態を宣言しました（{ $at }、{ $staff }）。照会サービスに接続できない間は、端末に保存された情報から照会できます。
disaster-emergency-ended = 院内の緊急事態を終了しました。
disaster-emergency-none = 院内の緊急事態は宣言されていません。
disaster-mode-online = オンライン照会
disaster-mode-offline = 端末内の情報から照会（{ $at } 時点の資格情報）

## 画面

disaster-title = 災害時モード（4項目による資格確認）
disaster-open = 災害時モード
disaster-warning = これは災害時の特別な運用です。患者さんの同意を得たうえで、必要な場合にのみ照会してください。この照会は、照会した職員・日時・入力内容とともに記録されます。
disaster-warning-confirm = 上記を確認しました
disaster-name = 氏名（漢字またはカナ）
disaster-birth = 生年月日（例：1986-04-12、S61.4.12）
disaster-sex = 性別
disaster-sex-choose = 選択してください
disaster-sex-male = 男
disaster-sex-female = 女
disaster-hint = 保険者名または住所（一部でも可）
disaster-search = 照会する
disaster-searching = 照会しています…
disaster-close = 閉じる
disaster-must-confirm = 先に注意事項を確認してください。
disaster-signed-in = { $name }（{ $role }）がログイン中
disaster-matched = 一致した項目
disaster-card = 保険者番号・記号・番号・枝番

## 災害時の同意の記録（src-tauri/src/consents.rs, ui/src/disaster.rs）

disaster-consent-title = 同意の記録
disaster-consent-intro = 医療情報を見る前に、患者さんの同意を情報の種類ごとに記録してください。記録した種類だけが表示されます。
disaster-consent-categories = 同意を得た情報
disaster-consent-basis = 同意の取り方
disaster-consent-oral = 口頭同意
disaster-consent-unconscious = 意識不明等・生命保護のため（本人の同意なし）
disaster-consent-reason = 理由（意識不明等の場合は必須）
disaster-consent-reason-placeholder = 例：意識レベル低下。服薬歴の確認が救命処置に必要
disaster-consent-record = 同意を記録する
disaster-consent-recording = 記録しています…
disaster-consent-no-match = 災害時モードの照会でこの患者さんを特定していないため（24時間以内）、同意を記録できません。先に4項目で照会してください。
disaster-consent-recorded = { $categories } の同意を記録しました（{ $basis }、{ $staff }、{ $until } まで有効）。
disaster-consent-none-yet = まだ同意が記録されていません。医療情報は同意を記録した種類だけ表示できます。
disaster-medical-title = 医療情報（同意を記録した種類のみ）
