//! The model's enums that are stored as words (in Parquet and JSON): each reads back with
//! `FromStr`, and a word it does not know is an [`UnknownValue`] error, never a default.

/// A word that names no variant of one of the model's stored enums ([`crate::PartyRole`],
/// [`crate::ClassScheme`], [`crate::FamilyKind`], [`crate::PubClass`]): a dataset written by
/// another version of patq, or edited by hand. Read as a default it would change figures
/// unsaid.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} {value:?}")]
pub struct UnknownValue {
    /// What the word should have named, e.g. `party role`.
    pub kind: &'static str,
    /// The word as found.
    pub value: String,
}

/// Gives an enum with an `as_str` method (its stored word) `ALL`, its variants in order,
/// `Display` as that word and `FromStr` back from it; `kind` names the enum in
/// [`UnknownValue`]. The words are listed once, in `as_str`, so the two directions cannot
/// disagree.
macro_rules! stored_word {
    ($ty:ident, $kind:literal, [$($variant:ident),+ $(,)?]) => {
        impl $ty {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];
        }

        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $ty {
            type Err = $crate::words::UnknownValue;

            fn from_str(s: &str) -> Result<$ty, $crate::words::UnknownValue> {
                $ty::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == s)
                    .ok_or_else(|| $crate::words::UnknownValue {
                        kind: $kind,
                        value: s.to_string(),
                    })
            }
        }
    };
}

pub(crate) use stored_word;

#[cfg(test)]
mod tests {
    use crate::{ClassScheme, FamilyKind, PartyRole, PubClass};

    /// Every variant's word reads back as that variant, through `as_str` and `Display` alike,
    /// and no two variants share a word.
    fn round_trips<T>(all: &[T], as_str: fn(T) -> &'static str)
    where
        T: Copy + PartialEq + std::fmt::Debug + std::fmt::Display + std::str::FromStr,
        T::Err: std::fmt::Debug,
    {
        for &v in all {
            assert_eq!(v.to_string(), as_str(v));
            assert_eq!(as_str(v).parse::<T>().unwrap(), v);
        }
        let mut words: Vec<&str> = all.iter().map(|&v| as_str(v)).collect();
        words.sort_unstable();
        words.dedup();
        assert_eq!(words.len(), all.len());
    }

    #[test]
    fn every_variant_round_trips() {
        round_trips(PartyRole::ALL, PartyRole::as_str);
        round_trips(ClassScheme::ALL, ClassScheme::as_str);
        round_trips(FamilyKind::ALL, FamilyKind::as_str);
        round_trips(PubClass::ALL, PubClass::as_str);
        assert_eq!(PartyRole::ALL.len(), 3);
        assert_eq!(ClassScheme::ALL.len(), 4);
        assert_eq!(FamilyKind::ALL.len(), 2);
        assert_eq!(PubClass::ALL.len(), 5);
    }

    #[test]
    fn an_unknown_word_is_an_error() {
        let err = "assignee".parse::<PartyRole>().unwrap_err();
        assert_eq!((err.kind, err.value.as_str()), ("party role", "assignee"));
        assert_eq!(err.to_string(), "unknown party role \"assignee\"");
        // Words are matched exactly: no case folding, no trimming, no empty default.
        assert!("CPC".parse::<ClassScheme>().is_err());
        assert!(" ipc".parse::<ClassScheme>().is_err());
        assert!("".parse::<ClassScheme>().is_err());
        assert_eq!(
            "docdb".parse::<FamilyKind>().unwrap_err().kind,
            "family kind"
        );
        assert_eq!(
            "utility model".parse::<PubClass>().unwrap_err().kind,
            "publication class"
        );
    }
}
