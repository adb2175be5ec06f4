//! At the door: the code word a volunteer says so that a requester knows who is knocking, and
//! when the volunteer expects to arrive.

use chrono::{DateTime, Duration, Utc};
use rand::Rng;

use crate::i18n::Lang;

/// Words a person of 75 hears and recognises at once through a door: common, concrete, two or
/// three syllables, no sound-alikes within a list, no letter «ё» (written «е» it reads two ways).
const WORDS_RU: [&str; 30] = [
    "ЯБЛОКО",
    "МАЛИНА",
    "РОМАШКА",
    "КАЛИНА",
    "ПОДСОЛНУХ",
    "СНЕГИРЬ",
    "ЛАСТОЧКА",
    "СОЛОВЕЙ",
    "РЯБИНА",
    "ОДУВАНЧИК",
    "КОЛОКОЛ",
    "САМОВАР",
    "ПИРОГ",
    "БАРАНКА",
    "ПОДКОВА",
    "ФОНАРЬ",
    "КОМПОТ",
    "ОГУРЕЦ",
    "ПОМИДОР",
    "МОРКОВЬ",
    "КАПУСТА",
    "ГРУША",
    "СЛИВА",
    "ВИШНЯ",
    "КЛУБНИКА",
    "ЧЕРНИКА",
    "ВАРЕЖКА",
    "ЧАЙНИК",
    "КОРЗИНА",
    "ПОДУШКА",
];

/// The same idea in English: no homophones (pear/pair, rose/rows), no rhyming pairs.
const WORDS_EN: [&str; 30] = [
    "APPLE", "GARDEN", "RIVER", "MEADOW", "PENCIL", "CANDLE", "BUTTER", "WINDOW", "CARROT",
    "POTATO", "ORANGE", "TEAPOT", "BLANKET", "SPARROW", "ROBIN", "TULIP", "PUMPKIN", "BISCUIT",
    "LANTERN", "MITTEN", "PICNIC", "VIOLIN", "TOMATO", "LEMON", "CHERRY", "PARROT", "HAMMER",
    "BASKET", "PILLOW", "KETTLE",
];

pub fn words(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::Ru => &WORDS_RU,
        Lang::En => &WORDS_EN,
    }
}

/// A code word in the requester's language, never the one the request had before (a new
/// volunteer must not be able to use the old volunteer's word, nor the reverse).
pub fn pick_code_word(lang: Lang, previous: Option<&str>) -> &'static str {
    let list = words(lang);
    let mut rng = rand::rng();
    loop {
        let w = list[rng.random_range(0..list.len())];
        if Some(w) != previous {
            return w;
        }
    }
}

/// When the volunteer who pressed 🚶 On my way expects to be there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Eta {
    HalfHour,
    Hour,
    TwoHours,
    LaterToday,
}

impl Eta {
    pub const ALL: [Eta; 4] = [Eta::HalfHour, Eta::Hour, Eta::TwoHours, Eta::LaterToday];

    pub fn code(self) -> &'static str {
        match self {
            Eta::HalfHour => "30m",
            Eta::Hour => "1h",
            Eta::TwoHours => "2h",
            Eta::LaterToday => "later",
        }
    }

    pub fn index(self) -> usize {
        Self::ALL.iter().position(|e| *e == self).unwrap_or(0)
    }

    /// The button label's message id.
    pub fn key(self) -> &'static str {
        match self {
            Eta::HalfHour => "door-eta-30m",
            Eta::Hour => "door-eta-1h",
            Eta::TwoHours => "door-eta-2h",
            Eta::LaterToday => "door-eta-later",
        }
    }

    /// About when the volunteer arrives; `None` for "later today" (no promise of a time).
    pub fn arrival(self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let minutes = match self {
            Eta::HalfHour => 30,
            Eta::Hour => 60,
            Eta::TwoHours => 120,
            Eta::LaterToday => return None,
        };
        Some(now + Duration::minutes(minutes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_words_are_distinct_plain_capitals_in_their_own_script() {
        for lang in Lang::ALL {
            let list = words(lang);
            let mut sorted = list.to_vec();
            sorted.sort();
            sorted.dedup();
            assert_eq!(sorted.len(), list.len(), "a word repeats in {lang:?}");
            for w in list {
                assert!((4..=10).contains(&w.chars().count()), "{w}");
                assert!(!w.contains('Ё'), "{w}");
                let ok = match lang {
                    Lang::Ru => w.chars().all(|c| ('А'..='Я').contains(&c)),
                    Lang::En => w.chars().all(|c| c.is_ascii_uppercase()),
                };
                assert!(ok, "{w} is not plain {lang:?} capitals");
            }
        }
    }

    #[test]
    fn a_new_code_word_differs_from_the_previous_one() {
        for lang in Lang::ALL {
            for _ in 0..200 {
                let first = pick_code_word(lang, None);
                assert!(words(lang).contains(&first));
                assert_ne!(pick_code_word(lang, Some(first)), first);
            }
        }
    }

    #[test]
    fn eta_codes_and_arrival_times() {
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        assert_eq!(Eta::Hour.arrival(now), Some(now + Duration::minutes(60)));
        assert_eq!(Eta::LaterToday.arrival(now), None);
        for (i, e) in Eta::ALL.iter().enumerate() {
            assert_eq!(e.index(), i);
        }
    }
}
