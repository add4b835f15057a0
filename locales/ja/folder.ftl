# OQS フォルダ（資格確認端末の共有フォルダ: req・res・face）に関するメッセージ:
# 設定、応答待ち、カードリーダーの結果（face）、研修用端末のカードタッチ模擬。

folder-settings-title = 資格確認端末（OQSフォルダ）
folder-settings-path = OQSフォルダの場所
folder-settings-path-help = 資格確認端末の共有フォルダ（例: \\端末名\OQS）。req・res・face フォルダがある場所です。
folder-settings-institution-code = 医療機関コード（10桁）
folder-settings-timeout = 応答を待つ時間（秒）
folder-settings-archive = 処理済みファイルの保管場所
folder-settings-archive-help = 空欄のときは OQS フォルダの中の archive フォルダに保管します。読み取れなかったファイルは archive/failed に残ります。
folder-missing = OQSフォルダ「{ $path }」が見つかりません。資格確認端末の共有フォルダに接続されているか確認してください。
folder-not-writable = OQSフォルダ「{ $path }」に書き込めません（{ $detail }）。
folder-timeout = 資格確認端末から { $seconds } 秒以内に応答がありませんでした（{ $path }）。連携アプリケーションが動いているか確認してください。
folder-bad-response = 資格確認端末の応答ファイル「{ $file }」を読み取れませんでした。ファイルは archive/failed に保管してあります。
folder-batch-two-step = 資格確認端末が一括照会の受付番号だけを返しました。二段階の一括照会（受付番号による取得）にはまだ対応していません。
folder-face-watching = カードリーダーの結果を待っています（{ $path }）。
folder-face-received = カードリーダーの結果を受け取りました（{ $file }）。
folder-face-error = カードリーダーの結果ファイル「{ $file }」を読み取れませんでした。
folder-training-terminal = 研修用の資格確認端末
folder-tap-button = カードタッチを模擬する
folder-tap-done = カードタッチの結果（{ $file }）を置きました。
folder-tap-failed = カードタッチを模擬できませんでした（{ $detail }）。
folder-ingest-none = 取り込むカードリーダーの結果はありません。
folder-ingest-count = カードリーダーの結果を { $count } 件取り込みました。
