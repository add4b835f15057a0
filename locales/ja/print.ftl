# 印刷 (crate::print, `madoguchi print`).
print-no-patient = この端末にはこの患者さん（{ $key }）の資格確認の記録がありません。先に資格確認をしてください。
print-nothing-kept = この患者さんの{ $category ->
        [medication] 薬剤情報
        [checkups] 特定健診等情報
        [clinical] 診療情報
       *[operations] 手術情報
    }はこの端末に保存されていません。同意の範囲で窓口画面から表示すると、印刷できるようになります。
print-nothing-viewed = 本日、この患者さんの医療情報は閲覧されていないため、閲覧記録はありません。
print-failed = 印刷用のPDFを作れませんでした（{ $reason }）。
print-unknown-kind = 「{ $kind }」は印刷できる書類ではありません。eligibility（資格確認結果）、medication-list（薬剤情報）、checkups（特定健診等情報）、clinical（診療情報）、access-slip（閲覧記録）のいずれかを指定してください。
print-write-failed = { $file } に書き出せませんでした（{ $reason }）。
print-written = { $file } に書き出しました（{ $bytes } バイト）。
print-button-eligibility = 資格確認結果を印刷
print-button-access-slip = 閲覧記録を印刷
print-button-shown = 表示中の情報を印刷
print-saved = PDFを保存しました：{ $file }
