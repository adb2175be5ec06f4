//! The finite choices a requester picks from: what kind of help, and who it is for.

use serde::{Deserialize, Serialize};

macro_rules! code_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable code stored in the database and in callback data.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn from_code(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }

            /// Position in `ALL`, used for compact callback data.
            pub fn index(self) -> usize {
                Self::ALL.iter().position(|c| *c == self).unwrap_or(0)
            }

            pub fn from_index(i: usize) -> Option<Self> {
                Self::ALL.get(i).copied()
            }
        }
    };
}

code_enum! {
    /// Kinds of help, as the clubs sort them.
    Category {
        Groceries => "groceries",
        Medicine => "medicine",
        Transport => "transport",
        Household => "household",
        Paperwork => "paperwork",
        Talk => "talk",
        Other => "other",
    }
}

code_enum! {
    /// Who the help is for, as the clubs count them. Never a name: this is what volunteers see.
    Beneficiary {
        Elderly => "elderly",
        LimitedMobility => "limited_mobility",
        FamilyInNeed => "family_in_need",
        SingleParent => "single_parent",
        Pregnant => "pregnant",
        Other => "other",
    }
}

impl Category {
    /// Fluent message id of the category's name.
    pub fn key(self) -> String {
        format!("category-{}", self.code().replace('_', "-"))
    }
}

impl Beneficiary {
    /// The button label's message id ("👵 Elderly person").
    pub fn key(self) -> String {
        format!("beneficiary-{}", self.code().replace('_', "-"))
    }

    /// The description volunteers read ("an elderly person").
    pub fn who_key(self) -> String {
        format!("who-{}", self.code().replace('_', "-"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_indexes_round_trip() {
        for c in Category::ALL {
            assert_eq!(Category::from_code(c.code()), Some(*c));
            assert_eq!(Category::from_index(c.index()), Some(*c));
        }
        for b in Beneficiary::ALL {
            assert_eq!(Beneficiary::from_code(b.code()), Some(*b));
        }
        assert_eq!(Category::from_code("nonsense"), None);
        assert_eq!(Category::from_index(99), None);
    }
}
