# 資格確認の答えが「いいえ」のとき：理由と、窓口で次にすること（core/src/resolution.rs）
#   $code $message  エラーコードとその文   $date  日付   $days  日数
resolution-why-error = 資格確認がエラーを返しました（{ $code }：{ $message }）。
resolution-why-not-found = 入力された内容に当てはまる資格が見つかりませんでした（該当資格なし）。
resolution-why-ended = この保険の資格は { $date } に終わっています（無効）。
resolution-why-invalid = この保険の資格は無効と答えがありました。
resolution-why-new-qualification = この保険は無効ですが、新しい資格があると答えがありました。
resolution-why-multiple = 入力された内容に当てはまる資格が複数ありました（複数該当）。
resolution-why-unstated = 答えに有効かどうかの記載がありませんでした。
resolution-step-retry = 少し待ってもう一度資格確認してください。続くときは資格確認端末の状態を確認してください。
resolution-step-enter-branch = 枝番が空です。保険証・資格確認書の枝番（2けた）を入力してもう一度確認してください。
resolution-step-check-kokuho-number = 国保の保険者番号は6けたです。市区町村の番号を保険証・資格確認書で確かめてください。
resolution-step-check-typed = 保険者番号・記号・番号・生年月日を保険証・資格確認書と見比べてください。
resolution-step-tap-card = マイナ保険証をカードリーダーに置いてもらうと、最新の資格で確認できます。
resolution-step-medical-aid = 生活保護の受給が始まっています。医療券・調剤券（医療扶助）をお持ちか確認してください。
resolution-step-new-card = 新しい保険証・資格確認書をお持ちか確認してください（マイナ保険証なら最新の資格で確認できます）。
resolution-step-check-person = 喪失の理由が「死亡」となっています。ご本人の保険証か、取り違えがないか確認してください。
resolution-step-look-at-card = 保険証・資格確認書そのもので有効期限を確かめてください。
resolution-step-registration-late = 資格の取得日は { $date }（{ $days } 日前）です。保険者の登録が間に合っていない可能性があります。
resolution-step-earlier-answer = この端末では { $date } にこの保険証で「有効」と確認しています（その日の答えで、今日の答えではありません）。
resolution-step-self-declaration = 保険に入っているとご本人が言われるときは、被保険者資格申立書を書いてもらえば通常の負担割合で受け付けられます（10割負担にしないでください）。
