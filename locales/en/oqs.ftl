# Messages about the files of the OQS folder (exchanged with the qualification
# terminal's connection application). Every message gets $file (the file name).

oqs-io = Could not read the OQS file “{ $file }” ({ $detail }). It may still be being written; please try again shortly.
oqs-empty = The OQS file “{ $file }” is empty.
oqs-too-large = The OQS file “{ $file }” is too large to read ({ $size } bytes; the limit is { $limit } bytes).
oqs-unknown-kind = Neither the name nor the content of “{ $file }” says which kind of OQS file it is.
oqs-unsupported-kind = OQS files of this kind ({ $kind }) cannot be read here: “{ $file }”.
oqs-unsupported-encoding = The OQS file “{ $file }” uses the character encoding “{ $declared }”, which is not supported (only Shift_JIS or UTF-8).
oqs-wrong-encoding = The content of the OQS file “{ $file }” is not valid { $declared }, the encoding it declares (at byte { $offset }).
oqs-truncated = The OQS file “{ $file }” ends too early ({ $detail }). It is still being written or it is damaged.
oqs-malformed = The XML of the OQS file “{ $file }” is malformed (at byte { $offset }: { $detail }).
oqs-too-deep = The elements of the OQS file “{ $file }” are nested too deeply (more than { $limit } levels).
oqs-too-many-elements = The OQS file “{ $file }” has too many elements (more than { $limit }); it may not come from the qualification terminal.
oqs-not-regular-file = “{ $file }” is not a regular file (a named pipe, a device, a folder …) and is not read.
oqs-control-character = The OQS file “{ $file }” cannot be read: its element { $element } holds a control character ({ $code }).
oqs-unexpected-root = “{ $file }” is not an OQS file (its top element is <{ $found }>).
oqs-missing-field = The OQS file “{ $file }” lacks the required element { $field }.
oqs-bad-value = The element { $field } of the OQS file “{ $file }” holds an unreadable value “{ $value }”.
oqs-bad-archive = The zipped OQS file “{ $file }” cannot be opened: { $detail }. Check what the qualification terminal wrote.
