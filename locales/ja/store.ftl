# この端末のデータベース（暗号化された保存領域）とバックアップのメッセージ。
# madoguchi-adapters の `StoreError::message_id` と `BackupError::message_id` から。
# 引数: $detail  エラーの詳しい内容（英語の技術的な説明）

store-open = この端末のデータベースを開けません（{ $detail }）。
store-too-new = この端末のデータベースは新しい版の窓口で作られています。窓口を更新してください（{ $detail }）。
store-sql = この端末のデータベースでエラーが起きました（{ $detail }）。
store-corrupt = この端末のデータベースが壊れているか、保存された記録を読み取れません。バックアップから復元してください（{ $detail }）。
store-key-missing = この端末の暗号鍵が見つかりません。バックアップから復元してください。データは消していません（{ $detail }）。
store-wrong-key = この端末の暗号鍵ではデータベースを開けません。別の端末からコピーしたファイルか、ファイルが壊れています。バックアップから復元してください。ファイルはそのまま残しています（{ $detail }）。
store-keystore = 暗号鍵の保管場所（キーリング）を使えません。データは消していません（{ $detail }）。
store-keystore-locked = 暗号鍵の保管場所（キーリング）がロックされています。ログインし直すか、キーリングのロックを解除してから、もう一度開いてください（{ $detail }）。
store-key-volatile = この端末では暗号鍵が再起動で消えます。バックアップと復元用パスフレーズを必ず用意してください。
store-disk-full = ディスクの空きがないため保存できません。これまでの記録は残っています。不要なファイルを削除してから、もう一度お試しください（{ $detail }）。
store-read-only = データベースが読み取り専用のため保存できません。これまでの記録は残っています。ファイルの権限を確認してください（{ $detail }）。
store-consent-refused = 患者さんの同意がないため、医療情報を保存・表示できません（{ $detail }）。
store-no-such-row = その記録は見つかりません（{ $detail }）。

backup-io = バックアップファイルを読み書きできません（{ $detail }）。
backup-not-a-backup = 窓口のバックアップファイルではありません（{ $detail }）。
backup-unsupported-version = この版の窓口では読めない形式のバックアップです。窓口を更新してください（{ $detail }）。
backup-corrupt = バックアップファイルが壊れているか、途中までしかありません。別のバックアップを使ってください（{ $detail }）。
backup-wrong-passphrase = 復元用パスフレーズが違います。もう一度入力してください（{ $detail }）。
backup-weak-passphrase = 復元用パスフレーズが短すぎます。8文字以上にしてください（{ $detail }）。
backup-target-exists = この端末にはすでにデータベースがあります。上書きして復元する場合は、上書きを指定してください（{ $detail }）。
backup-too-new = 新しい版の窓口で作られたバックアップです。窓口を更新してから復元してください（{ $detail }）。

retention-purge-failed = 保存期間を過ぎたファイルを { $path } から削除できませんでした（{ $detail }）。
