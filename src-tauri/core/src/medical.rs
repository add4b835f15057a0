//! 薬剤情報 (medication) and 特定健診 (checkup) data. OWNER: helper "oqs".
