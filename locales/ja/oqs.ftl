# OQS フォルダのファイル（資格確認端末の連携アプリとのやり取り）に関するメッセージ。
# どのメッセージにも $file（ファイル名）が渡されます。

oqs-io = OQSファイル「{ $file }」を読み込めませんでした（{ $detail }）。書き込み中かもしれません。しばらくしてからもう一度お試しください。
oqs-empty = OQSファイル「{ $file }」は空です。
oqs-too-large = OQSファイル「{ $file }」は大きすぎるため読み込みません（{ $size }バイト、上限{ $limit }バイト）。
oqs-unknown-kind = 「{ $file }」はファイル名からも内容からも、どの種類のOQSファイルか判別できません。
oqs-unsupported-kind = 「{ $file }」の種類（{ $kind }）のOQSファイルは、この画面では読み込めません。
oqs-unsupported-encoding = OQSファイル「{ $file }」の文字コード「{ $declared }」には対応していません（Shift_JIS または UTF-8 のみ）。
oqs-wrong-encoding = OQSファイル「{ $file }」の内容が、宣言された文字コード（{ $declared }）として正しくありません（{ $offset }バイト目）。
oqs-truncated = OQSファイル「{ $file }」が途中で終わっています（{ $detail }）。書き込み中か、ファイルが壊れています。
oqs-malformed = OQSファイル「{ $file }」のXMLが正しくありません（{ $offset }バイト目: { $detail }）。
oqs-too-deep = OQSファイル「{ $file }」の要素の入れ子が深すぎます（上限{ $limit }階層）。
oqs-too-many-elements = OQSファイル「{ $file }」の要素が多すぎます（上限{ $limit }個）。資格確認端末が作ったファイルではないかもしれません。
oqs-not-regular-file = 「{ $file }」は通常のファイルではありません（名前付きパイプ、デバイス、フォルダなど）。読み込みません。
oqs-control-character = OQSファイル「{ $file }」の項目 { $element } に制御文字（{ $code }）が含まれているため読めません。
oqs-unexpected-root = 「{ $file }」はOQSファイルではありません（最上位の要素が <{ $found }> です）。
oqs-missing-field = OQSファイル「{ $file }」に必要な項目 { $field } がありません。
oqs-bad-value = OQSファイル「{ $file }」の項目 { $field } の値「{ $value }」を読み取れません。
oqs-bad-archive = OQSファイル「{ $file }」（zip）を開けません: { $detail }。資格確認端末の出力を確認してください。
