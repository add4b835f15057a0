//! The code tables of the OQS interface (see `shared/OQS-INTERFACE.md`),
//! each with its code and its Japanese label. English labels live in `locales/`.

use serde::{Deserialize, Serialize};

macro_rules! code_table {
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[$vmeta:meta])* $variant:ident = $code:literal => $ja:literal ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $( $(#[$vmeta])* $variant ),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The code as it stands in OQS files.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
            /// Reads an OQS code (surrounding spaces ignored).
            pub fn from_code(code: &str) -> Option<Self> {
                let code = code.trim();
                match code { $($code => Some($name::$variant),)+ _ => None }
            }
            /// The label the national system's screens use.
            pub fn label_ja(self) -> &'static str {
                match self { $($name::$variant => $ja),+ }
            }
            /// The message id for this value in `locales/` (`<table>-<code>`).
            pub fn message_id(self) -> String {
                format!("{}-{}", stringify!($name).to_lowercase(), self.code().to_lowercase())
            }
        }
    };
}

code_table! {
    /// QualificationValidity (資格有効性)
    Validity {
        Valid = "1" => "有効",
        Invalid = "2" => "無効",
        InvalidNewQualification = "3" => "無効（新しい資格あり）",
        NotFound = "4" => "該当資格なし",
        MultipleFound = "5" => "複数該当",
        /// *unverified* code 6
        ValidUnregistered = "6" => "有効（未登録）",
        /// Not an OQS code: the answer said nothing about validity (files
        /// written by other software leave `QualificationValidity` out). Never
        /// treated as valid; the desk says to confirm it on the card.
        Unstated = "0" => "記載なし（要確認）",
    }
}

impl Validity {
    /// May the patient be treated on this insurance today?
    pub fn is_valid(self) -> bool {
        matches!(self, Validity::Valid | Validity::ValidUnregistered)
    }
}

code_table! {
    /// Sex1 / Sex2
    Sex {
        Male = "1" => "男",
        Female = "2" => "女",
        Unset = "3" => "未設定",
    }
}

code_table! {
    /// ReasonOfLoss (喪失事由)
    LossReason {
        Death = "01" => "死亡",
        WelfareStarted = "02" => "生活保護受給開始",
        OtherInsurance = "03" => "医療保険等の資格取得",
        Other = "99" => "その他",
    }
}

code_table! {
    /// PersonalFamilyClassification (本人・家族)
    Relationship {
        Insured = "1" => "本人",
        Family = "2" => "家族",
    }
}

code_table! {
    /// InsuredCardClassification (被保険者証区分)
    CardClassification {
        General = "01" => "一般",
        Retired = "02" => "退職",
        ShortTermGeneral = "03" => "短期（一般）",
        ShortTermRetired = "04" => "短期（退職）",
        QualificationCertificate = "05" => "資格証明書",
        SpecialRetired = "06" => "特例退職",
        SelfDefenseForces = "07" => "自衛官診療証",
        /// *unverified*
        MedicalAid = "A1" => "医療扶助",
    }
}

code_table! {
    /// LimitApplicationCertificateClassification
    LimitCertificateClassification {
        Limit = "01" => "限度額適用",
        LimitAndReduction = "02" => "限度額適用・標準負担額減額",
        Reduction = "03" => "標準負担額減額",
    }
}

code_table! {
    /// LimitApplicationCertificateClassificationFlag (適用区分)
    LimitCategory {
        A01 = "A01" => "ア",
        A02 = "A02" => "イ",
        A03 = "A03" => "ウ",
        A04 = "A04" => "エ",
        A05 = "A05" => "オ",
        A06 = "A06" => "オ（境）",
        B01 = "B01" => "現役並みⅢ",
        B02 = "B02" => "現役並みⅡ",
        B03 = "B03" => "現役並みⅠ",
        B04 = "B04" => "一般",
        B05 = "B05" => "低所得Ⅱ",
        B06 = "B06" => "低所得Ⅰ",
        B07 = "B07" => "低所得Ⅰ（老福）",
        B08 = "B08" => "低所得Ⅰ（境）",
        B09 = "B09" => "一般Ⅱ",
        B10 = "B10" => "一般Ⅰ",
    }
}

code_table! {
    /// SpecificDiseasesDiseaseCategory (特定疾病)
    SpecificDisease {
        Dialysis = "1" => "人工透析",
        Hemophilia = "2" => "血友病",
        Hiv = "3" => "HIV",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_round_trips() {
        for v in Validity::ALL {
            assert_eq!(Validity::from_code(v.code()), Some(*v));
        }
        for v in LimitCategory::ALL {
            assert_eq!(LimitCategory::from_code(v.code()), Some(*v));
        }
        assert_eq!(LimitCategory::from_code(" B04 "), Some(LimitCategory::B04));
        assert_eq!(LimitCategory::B04.label_ja(), "一般");
        assert_eq!(Validity::from_code("7"), None);
        assert_eq!(Validity::InvalidNewQualification.message_id(), "validity-3");
    }
}
