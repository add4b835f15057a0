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

## Accounts

staff-first-setup-done = 最初の管理者はすでに登録されています。アカウントの追加は管理者が行います。
staff-account-exists = 職員ID「{ $staff }」はすでに使われています。別のIDにしてください。
staff-account-unknown = 職員ID「{ $staff }」のアカウントはありません。
staff-last-administrator = 有効な管理者が一人しかいないため、このアカウントは無効にできません。先に別の管理者を登録してください。
staff-invalid-id = 職員IDは空白を含まない64文字以内で入力してください。
staff-missing-display-name = 表示名を入力してください。
staff-error-database = 職員アカウントの保存先でエラーが起きました（{ $detail }）。
staff-error-hash = パスワードを処理できませんでした（{ $detail }）。
staff-error-corrupt = 保存されている職員アカウントを読み取れません（{ $detail }）。

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
       *[seal_mismatch] の時点で、ログの保護方式（鍵）が一致しません
    }。管理者に連絡し、バックアップと照合してください。
audit-seal-mismatch = 監査ログの保護方式が一致しません（記録: { $stored }、指定: { $given }）。鍵の設定を確認してください。
audit-no-head = 監査ログの末尾情報がありません。ログが削除された可能性があります。管理者に連絡してください。
audit-error-database = 監査ログの保存先でエラーが起きました（{ $detail }）。
audit-error-corrupt = 保存されている監査ログを読み取れません（{ $detail }）。
