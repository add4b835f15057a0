# The database on this computer (encrypted store) and backups.
# From madoguchi-adapters `StoreError::message_id` and `BackupError::message_id`.
# Arguments: $detail  the error in technical terms

store-open = The database on this computer cannot be opened ({ $detail }).
store-too-new = The database on this computer was made by a newer Madoguchi. Please update Madoguchi ({ $detail }).
store-sql = The database on this computer reported an error ({ $detail }).
store-corrupt = The database on this computer is damaged or a stored record cannot be read. Please restore from a backup ({ $detail }).
store-key-missing = The encryption key of this computer's database was not found. Please restore from a backup. No data was deleted ({ $detail }).
store-wrong-key = This computer's encryption key does not open the database: the file was copied from another computer, or it is damaged. Please restore from a backup. The file was left as it is ({ $detail }).
store-keystore = The key store (keyring) that holds the encryption key cannot be used. No data was deleted ({ $detail }).
store-keystore-locked = The key store (keyring) is locked. Log in again or unlock the keyring, then open Madoguchi again ({ $detail }).
store-key-volatile = On this computer the encryption key is lost at every restart. A backup and its recovery passphrase are mandatory.
store-disk-full = The disk is full, so nothing could be saved. Earlier records are intact. Free some space and try again ({ $detail }).
store-read-only = The database is read-only, so nothing could be saved. Earlier records are intact. Please check the file's permissions ({ $detail }).
store-consent-refused = Without the patient's consent, medical information cannot be stored or shown ({ $detail }).
store-no-such-row = That record was not found ({ $detail }).

backup-io = The backup file cannot be read or written ({ $detail }).
backup-not-a-backup = This is not a Madoguchi backup file ({ $detail }).
backup-unsupported-version = This backup's format is not known to this version of Madoguchi. Please update Madoguchi ({ $detail }).
backup-corrupt = The backup file is damaged or incomplete. Please use another backup ({ $detail }).
backup-wrong-passphrase = The recovery passphrase is not right. Please type it again ({ $detail }).
backup-weak-passphrase = The recovery passphrase is too short: use at least 8 characters ({ $detail }).
backup-target-exists = There is already a database on this computer. To restore over it, ask for it explicitly ({ $detail }).
backup-too-new = This backup was made by a newer Madoguchi. Please update Madoguchi, then restore ({ $detail }).

retention-purge-failed = Files past their retention could not be deleted from { $path } ({ $detail }).
