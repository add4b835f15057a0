# 一括照会（予約リストの資格確認）の文言。
# 生成元: src-tauri/core/src/appointments.rs（列・グループ・行の誤り）、
# src-tauri/src/batch.rs（実行・レポート）、CLI の madoguchi batch。

## 列の名前

batch-column-appointment = 予約日時
batch-column-appointment_date = 予約日
batch-column-appointment_time = 予約時刻
batch-column-patient_id = 患者番号
batch-column-name = 氏名
batch-column-name_kana = カナ氏名
batch-column-birth_date = 生年月日
batch-column-insurer_number = 保険者番号
batch-column-symbol = 記号
batch-column-number = 番号
batch-column-branch = 枝番

## ファイル全体の誤り

batch-csv-empty = ファイルが空です。1行目に見出し（氏名,生年月日,保険者番号,記号,番号 …）を入れてください。
batch-csv-missing-columns = { $line }行目の見出しに必要な列がありません（{ $columns }）。氏名・生年月日・保険者番号・番号の列が必要です。
batch-csv-duplicate-column = 同じ列（{ $column }）が見出しに2回あります。どちらか一方にしてください。
batch-csv-header-too-long = { $line }行目の見出しに長すぎるセルがあります（{ $length }文字、上限{ $max }文字）。1行目が見出しになっているか確認してください。
batch-csv-open-quote = { $line }行目で始まる「"」が閉じられていません。ファイルの終わりまで1つのセルとして読めてしまいます。
batch-csv-unreadable = ファイルを文字として読めません（UTF-8 でも Shift_JIS でもありません）。
batch-file-unreadable = ファイル { $path } を開けません: { $detail }
batch-file-not-regular = { $path } は通常のファイルではありません（名前付きパイプ、デバイス、フォルダなど）。予約リストのファイルを指定してください。

## 行の誤り（その行は照会せず、一覧に残します）

batch-row-cell-count = 列の数が見出しと合いません（見出し { $expected } 列、この行 { $got } 列）。
batch-row-cell-too-long = { $line }行目の{ $cell }列目が長すぎます（{ $length }文字、上限{ $max }文字）。この行は照会しません。
batch-row-control-character = { $line }行目の{ $cell }列目に制御文字（{ $code }）が含まれています。ファイルが壊れていないか確認してください。この行は照会しません。
batch-row-name-required = 氏名が入っていません。
batch-row-bad-appointment-date = 予約日時「{ $value }」を日付として読めません。「2026-11-23 9:30」「R8.11.23 9時30分」のように書いてください。
batch-row-bad-appointment-time = 予約時刻「{ $value }」を時刻として読めません。「9:30」「9時30分」のように書いてください。
batch-row-line = { $line }行目

## レポートのグループ

batch-group-not_checked = 照会できず
batch-group-invalid = 無効
batch-group-new_qualification = 無効（新しい資格あり）
batch-group-not_found = 該当資格なし
batch-group-multiple_found = 複数該当
batch-group-differs = 有効（予約の記載と相違あり）
batch-group-valid = 有効

## 相違のある項目

batch-diff-insurer_number = 保険者番号
batch-diff-number = 記号・番号・枝番
batch-diff-name = 氏名
batch-diff-name_kana = カナ氏名
batch-diff-birth_date = 生年月日
batch-diff-line = { $field }: 予約「{ $listed }」／資格「{ $recorded }」

## 実行

batch-service-said = 照会先がエラーを返しました（{ $code } { $message }）。
batch-not-found = 一括照会 { $id } はありません。
batch-already-running = 一括照会はすでに実行中です。終わるか中止してから始めてください。
batch-cancelled = 一括照会を中止しました。{ $done }/{ $total } 件照会済みです。続きから再開できます。
batch-summary = 一括照会 { $total } 件: 有効 { $valid }、相違あり { $differs }、無効 { $invalid }、新しい資格あり { $new }、該当なし { $not_found }、複数該当 { $multiple }、照会できず { $not_checked }。読めなかった行 { $bad } 件。
batch-report-written = レポートを書き出しました: { $path }
batch-report-write-failed = レポートを書き出せません（{ $path }）: { $detail }
batch-row-pending = 未照会です（一括照会を再開すると照会します）。
batch-row-awaiting-results = 資格確認端末が受付済みです（受付番号 { $reception }）。結果待ちです: 一括照会を再開すると、送り直さずに結果を受け取ります。
batch-no-rows = 照会できる行がありません。
batch-progress = { $done }/{ $total } 件

## CSV 書き出しの見出し

batch-csv-head-group = 結果
batch-csv-head-line = 行
batch-csv-head-validity = 資格有効性
batch-csv-head-recorded-name = 資格上の氏名
batch-csv-head-insurer-name = 保険者名
batch-csv-head-copay = 負担割合
batch-csv-head-valid-until = 有効終了日
batch-csv-head-loss-reason = 喪失事由
batch-csv-head-differences = 相違
batch-csv-head-problem = 備考
batch-csv-bad-row = 読めなかった行

## 一括照会の画面

batch-open = 一括照会
batch-title = 一括照会（予約リスト）
batch-close = 閉じる
batch-hint = 予約リストの CSV（UTF-8 または Shift_JIS）を選ぶと、読めない行を行番号つきで示し、残りを照会します。書式は docs/APPOINTMENTS-CSV.md を参照。
batch-choose-file = 予約リストを選ぶ
batch-unfinished = 途中で止まった一括照会があります
batch-unfinished-line = #{ $id } { $name }: { $done }/{ $total } 件照会済み
batch-resume = 再開
batch-imported = 照会する行 { $rows } 件、読めなかった行 { $bad } 件
batch-ignored-columns = 使わない列: { $columns }
batch-start = 照会開始
batch-cancel = 中止
batch-export = CSV に書き出す
batch-print = 印刷
batch-bad-rows = 読めなかった行（{ $count } 件、照会していません）
batch-valid-until = 有効終了日 { $date }
batch-limit-certificate-changed = 限度額適用認定証の変更あり（または判定不能）: 区分を確認してください
