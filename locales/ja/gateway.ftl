gateway-unreachable = 資格確認サービス（{ $target }）に接続できません。ネットワークとサービスの状態を確認してください。入力内容は残っています。
gateway-timeout = 資格確認サービス（{ $target }）から{ $seconds }秒以内に応答がありませんでした。しばらくしてからもう一度お試しください。
gateway-bad-response = 資格確認サービス（{ $target }）の応答を読み取れませんでした（{ $detail }）。
gateway-service-error = 資格確認サービスがエラーを返しました: { $message }（{ $code }）
gateway-rejected = 資格確認端末が要求ファイル { $file } を受け付けませんでした（端末のメッセージ: { $text }）。照会は送られていません。未照会の行はそのまま残っているので、原因を直してから再開してください。
gateway-batch-processing = 一括照会（受付番号 { $reception }）は資格確認端末でまだ処理中です（{ $seconds }秒待ちました）。未照会の行はそのまま残り、受付番号も控えてあります。しばらくしてから一括照会を再開すると、送り直さずに結果を受け取ります。
