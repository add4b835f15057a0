# 監査ログの「結果」を管理者が読める言葉で（監査ログの閲覧画面とCSVの「結果（説明）」列）。
# Messages come from the app's `audit_outcome::Outcome::words`, one per kind
# of outcome the desk writes; the stored code stays beside them.
# Arguments:
#   $category    a category already in words (consent-category)
#   $categories  several categories already in words, joined
#   $reason      no_consent | category_not_consented | expired | not_yet_valid |
#                wrong_patient | invalid_record | purpose_not_granted
#                (for audit-outcome-home-visit-reuse-refused: no_first_visit |
#                not_confirmed | expired | not_yet_valid)
#   $code        1 … 6 (validity code)
#   $kind        eligibility | medication-list | checkups | clinical | access-slip
#                (chain break: edited | deleted | reordered | inserted | head | seal_mismatch)
#   $result      found | not_found | ambiguous | refused | refused_online |
#                not_open | unavailable | error | no_local_emergency
#   $why         (sign-in) a message id of the failure; (PIN) pin-wrong | pin-locked | pin-refused
#   $staff       a staff id;  $role  a role already in words
#   $seq, $queued, $first  numbers
#   $identity    pin | visual | terminal | first_visit
#   $format      fhir

audit-outcome-ok = 完了
audit-outcome-denied = 拒否：権限なし
audit-outcome-not-signed-in = 拒否：サインインなし（またはロック中）
audit-outcome-locked = 無操作のためロック
audit-outcome-training-ended = 研修モードの終了によりログアウト
audit-outcome-settings-unchanged = 変更なし
audit-outcome-validity =
    { $code ->
        [0] 有効性の記載なし（要確認）
        [1] 資格あり（有効）
        [2] 資格なし（無効）
        [3] 資格なし（新しい資格あり）
        [4] 該当資格なし
        [5] 複数の資格が該当
       *[6] 資格あり（有効・未登録）
    }
audit-outcome-allowed = 許可（{ $category }）
audit-outcome-consent-refused =
    拒否：{ $reason ->
        [no_consent] 同意なし
        [category_not_consented] この種類の情報への同意なし
        [expired] 同意の期限切れ
        [not_yet_valid] 同意の有効期間前
        [wrong_patient] 別の患者の同意
        [invalid_record] 同意の記録に不備
       *[purpose_not_granted] この目的への同意なし
    }（{ $category }）
audit-outcome-operations-withheld =
    手術情報を除いて印刷（{ $reason ->
        [no_consent] 同意なし
        [category_not_consented] 手術情報への同意なし
        [expired] 同意の期限切れ
        [not_yet_valid] 同意の有効期間前
        [wrong_patient] 別の患者の同意
        [invalid_record] 同意の記録に不備
       *[purpose_not_granted] 印刷への同意なし
    }）
audit-outcome-printed =
    印刷：{ $kind ->
        [eligibility] 資格確認結果
        [medication-list] 薬剤情報
        [checkups] 特定健診等情報
        [clinical] 診療情報
       *[access-slip] 閲覧記録
    }
audit-outcome-not-printed =
    印刷せず：{ $kind ->
        [eligibility] 資格確認結果
        [medication-list] 薬剤情報
        [checkups] 特定健診等情報
        [clinical] 診療情報
       *[access-slip] 閲覧記録
    }
audit-outcome-disaster =
    { $result ->
        [found] 該当者1名
        [not_found] 該当なし
        [ambiguous] 複数該当（該当者を特定できず）
        [refused] 検索せず：入力項目の不足
        [refused_online] 拒否：照会サービスに接続できるため端末内の検索は不要
        [not_open] 災害時モードが開始されていない
        [unavailable] この接続では利用できない
        [no_local_emergency] 拒否：院内の緊急事態が宣言されていない
       *[error] 照会エラー
    }
audit-outcome-emergency-declared = 宣言
audit-outcome-emergency-ended = 終了
audit-outcome-login-failed =
    失敗：{ $why ->
        [staff-login-wrong] 職員IDまたはパスワードの誤り
        [staff-login-locked-out] 連続失敗によるロック中
        [staff-login-disabled] 無効にされたアカウント
        [staff-account-unknown] 該当するアカウントなし
        [staff-login-not-created] 監査ログに作成の記録がないアカウント
        [staff-login-altered] 監査ログの記録と異なるアカウント
       *[other] その他のエラー
    }
audit-outcome-first-administrator = 最初の管理者を登録
audit-outcome-account-created = アカウントを作成：{ $staff }（{ $role }）
audit-outcome-account-migrated = 旧版のアカウントを暗号化された保存先へ移行：{ $staff }（{ $role }）
audit-outcome-account-disabled = アカウントを無効化：{ $staff }
audit-outcome-account-enabled = アカウントを有効化：{ $staff }
audit-outcome-password-reset = パスワードを再設定：{ $staff }
audit-outcome-password-changed = 本人がパスワードを変更：{ $staff }
audit-outcome-staff-change-refused = 変更できず：{ $staff }（理由欄を参照）
audit-outcome-chain-broken =
    改ざんを検出：{ $seq }番目の記録（{ $kind ->
        [edited] 書き換え
        [deleted] 削除
        [reordered] 順序の入れ替え
        [inserted] 挿入
        [head] 末尾情報の不一致
        [rolled_back] 記録数がアンカーより少ない（巻き戻し・全削除）
        [anchor] データベース外のアンカーと不一致
        [tables_missing] 監査ログの表の削除
       *[seal_mismatch] 保護方式の不一致
    }）
audit-outcome-backup-written = バックアップを作成（この記録までがバックアップに含まれます）
audit-outcome-reference-registered = 照会番号 { $reference } を登録
audit-outcome-reference-refused = 照会番号を登録できませんでした（理由欄を参照）
audit-outcome-backup-failed = バックアップを作成できませんでした（理由欄を参照）
audit-outcome-restored = バックアップから復元（記録 { $from } 件 → { $to } 件）
audit-outcome-restored-rolled-back = バックアップから復元し、監査ログが巻き戻りました（記録 { $from } 件 → { $to } 件、アンカーを付け替え）
audit-outcome-change-acknowledged = 再照会での変更を確認済み（再照会 { $queued }番）
audit-outcome-consent-recorded = 同意を記録（{ $categories }）
audit-outcome-consent-no-match = 拒否：災害時の検索で該当していない患者
audit-outcome-identity =
    本人確認：{ $identity ->
        [pin] 暗証番号
        [visual] 目視確認
        [terminal] 資格確認端末
       *[first_visit] 初回訪問時の確認
    }
audit-outcome-pin-failed =
    本人確認できず：{ $why ->
        [pin-wrong] 暗証番号の誤り
        [pin-locked] 暗証番号ロック
       *[pin-refused] 暗証番号を確認できない
    }
audit-outcome-home-visit-first =
    初回訪問の同意（本人確認：{ $identity ->
        [pin] 暗証番号
        [visual] 目視確認
        [terminal] 資格確認端末
       *[first_visit] 初回訪問時の確認
    }、{ $categories }）
audit-outcome-home-visit-reuse = 初回訪問（{ $first }番）の同意を再利用
audit-outcome-home-visit-reuse-refused =
    同意を再利用できず：{ $reason ->
        [no_first_visit] 初回訪問の記録なし
        [not_confirmed] 初回訪問の資格確認が未完了
        [expired] 同意の期限切れ
       *[not_yet_valid] 同意の有効期間前
    }


# 監査ログの閲覧画面で「結果」を選ぶ言葉（`audit_outcome::ResultChoice`）。
# それぞれ、名前のとおりの記録だけを探します。
audit-result-denied = 拒否（権限なし）
audit-result-not-signed-in = 拒否（サインインなし）
audit-result-consent-refused = 同意なし等で拒否（医療情報の閲覧・印刷）
audit-result-allowed = 医療情報の閲覧を許可
audit-result-eligible = 資格確認：資格あり
audit-result-not-eligible = 資格確認：資格なし・該当なし・複数該当
audit-result-found = 災害時の照会：該当者1名
audit-result-not-found = 災害時の照会：該当なし
audit-result-ambiguous = 災害時の照会：複数該当
audit-result-login-failed = ログイン失敗
audit-result-password-set = パスワードの変更・再設定
audit-result-staff-change-refused = 職員アカウントの変更を拒否
audit-result-identity-failed = 訪問時の本人確認できず
audit-result-chain-broken = 監査ログの改ざん検出
audit-result-rolled-back = 復元による監査ログの巻き戻し
audit-outcome-exported =
    書き出し：{ $format ->
       *[fhir] FHIR JP Core（患者・保険）
    }
