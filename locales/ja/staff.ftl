# 職員アカウント・権限・監査ログ。
# Messages come from madoguchi-core `staff::Refusal::message`, and from
# madoguchi-adapters `accounts::AccountError::message`,
# `accounts::PasswordProblem::message` and `audit::AuditError::message`.
# Arguments:
#   $role     receptionist | qualified | administrator
#   $action   check_eligibility | view_medical | print_medical | disaster_lookup |
#             declare_local_emergency | manage_staff | view_audit | export_audit |
#             change_settings
#   $until    ("15:42") the end of a sign-in lockout
#   $staff    a staff id
#   $min, $max (numbers) password length
#   $seq (number), $kind (edited | deleted | reordered | inserted | head | seal_mismatch)
#   $stored, $given  (sha256 | hmac-sha256) how the audit log is sealed
#   $detail   technical detail

## Roles

staff-role-receptionist = 受付
staff-role-qualified = 有資格者（医師・歯科医師・薬剤師等）
staff-role-administrator = 管理者

## Refusals

staff-refused-not-signed-in = ログインしてください。
staff-refused-locked = 一定時間操作がなかったため画面をロックしました。もう一度ログインしてください。
staff-refused =
    { $role ->
        [receptionist] 受付
        [qualified] 有資格者
       *[administrator] 管理者
    }の権限では「{ $action ->
        [check_eligibility] 資格確認
        [view_medical] 医療情報の閲覧
        [print_medical] 医療情報の印刷
        [disaster_lookup] 災害時の患者検索
        [declare_local_emergency] 緊急時運用への切り替え
        [manage_staff] 職員アカウントの管理
        [view_audit] 監査ログの閲覧
        [export_audit] 監査ログの書き出し
       *[change_settings] 設定の変更
    }」はできません。権限のある職員に依頼してください。

## Sign-in

staff-login-wrong = 職員IDまたはパスワードが違います。
staff-login-locked-out = ログインに続けて失敗したため、このアカウントは { $until } までロックされています。急ぎの場合は管理者にパスワードの再設定を依頼してください。
staff-login-disabled = このアカウントは無効になっています。管理者に連絡してください。
staff-login-not-created = アカウント「{ $staff }」は監査ログに作成の記録がないため、ログインできません（窓口の画面以外で書き込まれた可能性があります）。管理者に連絡してください。
staff-login-altered = アカウント「{ $staff }」は監査ログの記録と一致しないため、ログインできません（窓口の画面以外で変更された可能性があります）。管理者に連絡してください。
staff-migration-not-created = 旧版の職員アカウントのうち、監査ログに作成の記録がないものは移行しませんでした。

## Accounts

staff-first-setup-done = 最初の管理者はすでに登録されています。アカウントの追加は管理者が行います。
staff-account-exists = 職員ID「{ $staff }」はすでに使われています。別のIDにしてください。
staff-account-unknown = 職員ID「{ $staff }」のアカウントはありません。
staff-last-administrator = 有効な管理者が一人しかいないため、このアカウントは無効にできません。先に別の管理者を登録してください。
staff-cannot-disable-self = ログイン中の自分のアカウントは無効にできません。別の管理者に依頼してください。
staff-invalid-id = 職員IDは空白を含まない64文字以内で入力してください。
staff-missing-display-name = 表示名を入力してください。
staff-error-database = 職員アカウントの保存先でエラーが起きました（{ $detail }）。
staff-error-hash = パスワードを処理できませんでした（{ $detail }）。
staff-error-corrupt = 保存されている職員アカウントを読み取れません（{ $detail }）。
staff-error-audit = 監査ログに記録できないため、職員アカウントを変更しませんでした（{ $detail }）。

## Passwords

staff-password-too-short = パスワードは{ $min }文字以上にしてください。覚えやすい長めの言葉の組み合わせがおすすめです。
staff-password-too-long = パスワードは{ $max }文字以内にしてください。
staff-password-same-as-id = 職員IDと同じパスワードは使えません。
staff-password-blank = 空白だけのパスワードは使えません。

## Audit log

audit-chain-broken =
    監査ログが改ざんされている可能性があります：{ $seq }番目の記録{ $kind ->
        [edited] が書き換えられています
        [deleted] が削除されています
        [reordered] の順序が入れ替えられています
        [inserted] の位置に、記録していない項目が挿入されています
        [head] の後で、ログの末尾情報が一致しません
        [rolled_back] 以降がありません（データベース外のアンカーが記録した件数より少なく、ログが消されたか古いコピーに戻されています）
        [anchor] がデータベース外のアンカーと一致しません（書き換えたログが入れ替えられたか、アンカーが消された・偽造されています）
        [tables_missing] の時点で、監査ログの表そのものが削除されています（作り直していません）
       *[seal_mismatch] の時点で、ログの保護方式（鍵）が一致しません
    }。管理者に連絡し、バックアップと照合してください。
audit-seal-mismatch = 監査ログの保護方式が一致しません（記録: { $stored }、指定: { $given }）。鍵の設定を確認してください。
audit-no-head = 監査ログの末尾情報がありません。ログが削除された可能性があります。管理者に連絡してください。
audit-error-database = 監査ログの保存先でエラーが起きました（{ $detail }）。
audit-error-corrupt = 保存されている監査ログを読み取れません（{ $detail }）。

## Account forms (first start, adding staff)

staff-form-invalid = 入力内容を確認してください。
staff-password-missing = パスワードを入力してください。
staff-password-confirm-missing = 確認のため、同じパスワードをもう一度入力してください。
staff-password-mismatch = 確認用のパスワードが一致しません。同じパスワードを2回入力してください。

## Changing one's own password

staff-password-current-missing = 現在のパスワードを入力してください。
staff-password-current-wrong = 現在のパスワードが違います。続けて間違えるとアカウントがロックされます。
staff-password-same-as-current = 新しいパスワードが現在のものと同じです。別のパスワードにしてください。
staff-password-change-locked-out = 現在のパスワードを続けて間違えたため、このアカウントは { $until } までロックされ、ログアウトしました。急ぎの場合は管理者にパスワードの再設定を依頼してください。
staff-password-change-trainee = 研修用アカウントにはパスワードがありません。パスワードを変更するには、ご自分のアカウントでログインしてください。

## Audit viewer

audit-filter-invalid = 絞り込みの条件を確認してください。
audit-filter-date-invalid = 「{ $input }」は日付として読めません。2026-11-20、20261120、R8.11.20 のように入力してください。
audit-filter-period-reversed = 期間の終わりが始まりより前になっています。
audit-filter-result-unknown = 「{ $input }」という結果の種類はありません。一覧から選んでください。
audit-filter-action-unknown = 「{ $input }」という操作はありません。一覧から選んでください。
audit-export-failed = 監査ログのCSVを書き込めませんでした（{ $path }：{ $detail }）。

## Screens (ui/src/staff.rs)

staff-first-start-heading = 初回設定：管理者アカウントの登録
staff-first-start-explain = この端末にはまだ職員アカウントがありません。最初に管理者を登録してください。受付や有資格者のアカウントは、管理者がこの後で追加します。
staff-field-display-name = 氏名（表示名）
staff-field-id = 職員ID
staff-field-password = パスワード
staff-field-confirm = パスワード（確認のためもう一度）
staff-field-role = 役割
staff-first-start-submit = 管理者を登録してログイン
staff-back-to-trainee = 研修用アカウントに戻る
staff-sign-in-heading = ログイン
staff-sign-in = ログイン
staff-sign-out = ログアウト
staff-other-account = 別のアカウントでログイン
staff-open = 職員
staff-panel-heading = 職員アカウント
staff-disabled = 無効
staff-add-heading = アカウントを追加
staff-add-submit = 追加する
staff-added = 職員ID「{ $staff }」のアカウントを追加しました。
staff-you = （あなた）
staff-active = 有効
staff-col-state = 状態
staff-disable = 無効にする
staff-enable = 有効にする
staff-reset-password = パスワード再設定
staff-disabled-done = 職員ID「{ $staff }」のアカウントを無効にしました。このアカウントではログインできません。
staff-enabled-done = 職員ID「{ $staff }」のアカウントを有効にしました。
staff-reset-heading = パスワードの再設定：{ $staff }
staff-reset-explain = 新しいパスワードを2回入力してください（アカウント追加と同じ規則）。ロック中のアカウントはロックも解除されます。新しいパスワードは本人に直接伝えてください。
staff-reset-submit = パスワードを再設定する
staff-reset-cancel = やめる
staff-reset-done = 職員ID「{ $staff }」のパスワードを再設定しました。
staff-change-password = パスワード変更
staff-change-password-heading = パスワードの変更：{ $staff }
staff-change-password-explain = 現在のパスワードと、新しいパスワードを2回入力してください（アカウント追加と同じ規則です。職員IDと同じものは使えません）。
staff-field-current-password = 現在のパスワード
staff-field-new-password = 新しいパスワード
staff-field-new-confirm = 新しいパスワード（確認のためもう一度）
staff-change-password-submit = パスワードを変更する
staff-change-password-done = パスワードを変更しました。次回のログインから新しいパスワードを使ってください。

## Local emergency (ui/src/staff.rs)

emergency-open = 緊急時運用
emergency-badge = 院内緊急事態
emergency-heading = 院内の緊急事態（緊急時運用）
emergency-explain = 照会サービスに接続できないとき、宣言中に限り、端末に保存された資格情報から災害時の照会ができます。宣言と終了は、理由・職員・日時とともに監査ログに記録されます。
emergency-reason = 理由（例：停電、回線断）
emergency-declare = 緊急事態を宣言する
emergency-end = 緊急事態を終了する
emergency-in-force = 院内の緊急事態を宣言中です（{ $at }、{ $staff }、理由：{ $reason }）。照会サービスに接続できない間は、端末に保存された情報から照会できます。

## Audit viewer (ui/src/audit.rs)

audit-open = 監査ログ
audit-heading = 監査ログ
audit-chain-intact = 改ざんは検出されませんでした（全{ $entries }件、最後の記録 { $seq }番）。
audit-filter-from = 期間（から）
audit-filter-to = 期間（まで）
audit-filter-staff = 職員ID
audit-filter-action = 操作
audit-filter-any = すべて
audit-filter-patient = 患者キー（保険者番号:記号:番号:枝番）
audit-filter-outcome = 結果
audit-search = 絞り込む
audit-export = CSVに書き出す
audit-exported = CSVを書き出しました（{ $count }件）：{ $path }
audit-count = 新しい順に{ $shown }件を表示（該当 { $total }件）
audit-col-at = 日時
audit-col-staff = 職員
audit-col-action = 操作
audit-col-patient = 患者キー
audit-col-outcome = 結果
audit-col-reason = 理由
audit-action-eligibility_check = 資格確認
audit-action-medical_view = 医療情報の閲覧
audit-action-print = 印刷
audit-action-disaster_lookup = 災害時の照会
audit-action-login = ログイン
audit-action-login_failed = ログイン失敗
audit-action-logout = ログアウト
audit-action-session_locked = 画面ロック
audit-action-setting_change = 設定の変更
audit-action-local_emergency = 院内の緊急事態
audit-action-staff_change = 職員アカウントの変更
audit-action-audit_view = 監査ログの閲覧
audit-action-audit_export = 監査ログの書き出し
audit-action-audit_chain_broken = 監査ログの改ざん検出
audit-action-replay_change_acknowledged = 再照会の変更を確認
audit-action-consent = 同意の記録（災害時）
audit-action-backup = バックアップ作成
audit-action-restore = バックアップから復元
audit-action-home-visit-identity = 訪問時の本人確認
audit-action-reference_registration = 照会番号の登録
audit-action-home-visit-consent = 訪問時の同意
audit-action-export = 保険情報の書き出し（FHIR など）

# madoguchi staff (the command line)
#   $staff  職員ID   $role  receptionist | qualified | administrator
staff-cli-added = 職員アカウント { $staff } を作成しました（役割：{ $role ->
    [receptionist] 受付
    [qualified] 有資格者
   *[administrator] 管理者
}）。記録されました。
staff-cli-unknown-role = 役割「{ $role }」はありません。receptionist（受付）、qualified（有資格者）、administrator（管理者）のいずれかを指定してください。
