# 接続できない間の表示と、保留していた確認の再確認で変わった内容（ui/src/replay.rs）。
outage-banner-title = 資格確認サービスに接続できません
outage-banner-body = 表示する確認結果は、以前の確認の結果です（日付を確認してください。本日は未確認）。確認待ち { $pending } 件は、接続が戻りしだい自動で再確認します。
changes-heading = 再確認で内容が変わった方
changes-explain = 接続できなかった間の受付で表示した内容と、あとで再確認した結果が違います。受付日の会計を確認してください。
change-visit = 受付日 { $date } { $time }
change-nothing-shown = 受付時には確認結果を表示できませんでした。
change-none = （なし）
change-acknowledge = 確認しました
change-field-validity = 資格
change-field-insurer_number = 保険者番号
change-field-insurer_name = 保険者名
change-field-copay = 負担割合
change-field-valid_from = 資格取得日
change-field-valid_until = 有効期限
