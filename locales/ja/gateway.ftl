gateway-unreachable = 資格確認サービス（{ $target }）に接続できません。ネットワークとサービスの状態を確認してください。入力内容は残っています。
gateway-timeout = 資格確認サービス（{ $target }）から{ $seconds }秒以内に応答がありませんでした。しばらくしてからもう一度お試しください。
gateway-bad-response = 資格確認サービス（{ $target }）の応答を読み取れませんでした（{ $detail }）。
gateway-service-error = 資格確認サービスがエラーを返しました: { $message }（{ $code }）
