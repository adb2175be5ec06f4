//! The federal subjects a request or a volunteer belongs to, and finding one by a typed name.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

#[derive(Debug, Clone, PartialEq)]
pub struct Region {
    pub id: i64,
    pub code: String,
    pub name_ru: String,
    pub name_en: String,
    pub tz: Tz,
}

impl Region {
    pub fn name(&self, russian: bool) -> &str {
        if russian {
            &self.name_ru
        } else {
            &self.name_en
        }
    }

    /// The date where the region is, at `now`.
    pub fn today(&self, now: DateTime<Utc>) -> NaiveDate {
        now.with_timezone(&self.tz).date_naive()
    }
}

/// All regions, loaded once at start (they are seed data).
#[derive(Debug, Clone, Default)]
pub struct Regions {
    list: Vec<Region>,
}

/// What a typed region name found.
#[derive(Debug, PartialEq)]
pub enum RegionSearch<'a> {
    /// The text is a region's full name (as on a keyboard button) or the only match.
    Exact(&'a Region),
    /// Several regions contain the text.
    Several(Vec<&'a Region>),
    /// Nothing contains the text; these are the closest names.
    Nothing { close: Vec<&'a Region> },
}

fn fold(s: &str) -> String {
    s.trim()
        .to_lowercase()
        .replace('ё', "е")
        .replace(['–', '—'], "-")
}

impl Regions {
    pub fn new(mut list: Vec<Region>) -> Self {
        list.sort_by(|a, b| a.name_ru.cmp(&b.name_ru));
        Self { list }
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub fn get(&self, id: i64) -> Option<&Region> {
        self.list.iter().find(|r| r.id == id)
    }

    /// All regions sorted by name in the person's language.
    pub fn sorted(&self, russian: bool) -> Vec<&Region> {
        let mut v: Vec<&Region> = self.list.iter().collect();
        v.sort_by(|a, b| a.name(russian).cmp(b.name(russian)));
        v
    }

    pub fn search(&self, query: &str) -> RegionSearch<'_> {
        let q = fold(query);
        if q.is_empty() {
            return RegionSearch::Nothing { close: vec![] };
        }
        if let Some(r) = self
            .list
            .iter()
            .find(|r| fold(&r.name_ru) == q || fold(&r.name_en) == q || r.code == q)
        {
            return RegionSearch::Exact(r);
        }
        let matches: Vec<&Region> = self
            .list
            .iter()
            .filter(|r| {
                fold(&r.name_ru).contains(&q)
                    || fold(&r.name_en).contains(&q)
                    || r.code.contains(&q)
            })
            .collect();
        match matches.len() {
            0 => RegionSearch::Nothing {
                close: self.closest(&q, 5),
            },
            1 => RegionSearch::Exact(matches[0]),
            _ => RegionSearch::Several(matches),
        }
    }

    /// Regions whose name has a word most like the typed one (typos, other spellings).
    fn closest(&self, q: &str, n: usize) -> Vec<&Region> {
        let mut scored: Vec<(f64, &Region)> = self
            .list
            .iter()
            .map(|r| {
                let best = [&r.name_ru, &r.name_en]
                    .iter()
                    .flat_map(|name| {
                        fold(name)
                            .split([' ', '-'])
                            .map(str::to_owned)
                            .collect::<Vec<_>>()
                    })
                    .filter(|w| w.chars().count() >= 3)
                    .map(|w| {
                        // Compare with the word's beginning too: "pskow" vs "pskov".
                        let prefix: String = w.chars().take(q.chars().count()).collect();
                        strsim::jaro_winkler(q, &w).max(strsim::jaro_winkler(q, &prefix))
                    })
                    .fold(0.0, f64::max);
                (best, r)
            })
            .filter(|(score, _)| *score >= 0.8)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        scored.into_iter().take(n).map(|(_, r)| r).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn regions() -> Regions {
        let r = |id, code: &str, ru: &str, en: &str| Region {
            id,
            code: code.into(),
            name_ru: ru.into(),
            name_en: en.into(),
            tz: chrono_tz::Europe::Moscow,
        };
        Regions::new(vec![
            r(60, "pskov", "Псковская область", "Pskov Oblast"),
            r(
                16,
                "tatarstan",
                "Республика Татарстан",
                "Republic of Tatarstan",
            ),
            r(77, "moscow", "Москва", "Moscow"),
            r(50, "moscow-oblast", "Московская область", "Moscow Oblast"),
        ])
    }

    #[test]
    fn finds_a_region_by_part_of_its_name_in_either_language() {
        let rs = regions();
        for q in ["pskov", "Псков", "ПСКОВСКАЯ", "tatar", "Татарстан"] {
            assert!(matches!(rs.search(q), RegionSearch::Exact(_)), "{q}");
        }
        assert!(matches!(rs.search("Псковская область"), RegionSearch::Exact(r) if r.id == 60));
    }

    #[test]
    fn a_full_name_wins_over_longer_names_that_contain_it() {
        assert!(matches!(regions().search("Москва"), RegionSearch::Exact(r) if r.id == 77));
        assert!(matches!(regions().search("moscow"), RegionSearch::Exact(r) if r.id == 77));
    }

    #[test]
    fn a_common_part_gives_several() {
        match regions().search("моск") {
            RegionSearch::Several(v) => assert_eq!(v.len(), 2),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_typo_offers_close_matches() {
        match regions().search("pskow") {
            RegionSearch::Nothing { close } => assert_eq!(close.first().map(|r| r.id), Some(60)),
            other => panic!("{other:?}"),
        }
        match regions().search("zzzz") {
            RegionSearch::Nothing { close } => assert!(close.is_empty()),
            other => panic!("{other:?}"),
        }
    }
}
