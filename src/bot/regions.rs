//! Choosing a region: type part of a name in either language, or page through the list.

use super::Ctx;
use super::state::RegionPicker;
use crate::args;
use crate::domain::region::{Region, RegionSearch};
use crate::domain::text::{BoundedText, TextError, limits};
use crate::i18n::Lang;

pub const PAGE_SIZE: usize = 6;

pub enum Picked {
    Region(i64),
    /// Stay on the question, with an explanation if the text found nothing definite.
    Stay(Option<String>),
}

fn listed<'a>(ctx: &'a Ctx, lang: Lang, picker: &RegionPicker) -> Vec<&'a Region> {
    match &picker.matches {
        Some(ids) => ids.iter().filter_map(|id| ctx.regions.get(*id)).collect(),
        None => ctx.regions.sorted(lang == Lang::Ru),
    }
}

fn pages(n: usize) -> usize {
    n.div_ceil(PAGE_SIZE).max(1)
}

/// Applies what the person typed or tapped to the picker.
pub fn handle(ctx: &Ctx, lang: Lang, picker: &mut RegionPicker, text: &str) -> Picked {
    let total = listed(ctx, lang, picker).len();
    if ctx.i18n.is_label(text, "btn-next-page") {
        picker.page = (picker.page + 1) % pages(total);
        return Picked::Stay(None);
    }
    if ctx.i18n.is_label(text, "btn-prev-page") {
        picker.page = (picker.page + pages(total) - 1) % pages(total);
        return Picked::Stay(None);
    }
    let query = match BoundedText::parse(text, limits::SEARCH) {
        Ok(q) => q,
        Err(TextError::Empty) => return Picked::Stay(Some(ctx.t(lang, "input-empty"))),
        Err(TextError::TooLong { max, got }) => {
            return Picked::Stay(Some(ctx.i18n.f(
                lang,
                "input-too-long",
                &args![("max", max), ("got", got)],
            )));
        }
    };
    let shown = teloxide::utils::html::escape(query.as_str());
    match ctx.regions.search(query.as_str()) {
        RegionSearch::Exact(r) => {
            *picker = RegionPicker::default();
            Picked::Region(r.id)
        }
        RegionSearch::Several(found) => {
            picker.matches = Some(found.iter().map(|r| r.id).collect());
            picker.page = 0;
            Picked::Stay(Some(ctx.i18n.f(
                lang,
                "region-several",
                &args![("query", shown)],
            )))
        }
        RegionSearch::Nothing { close } if !close.is_empty() => {
            picker.matches = Some(close.iter().map(|r| r.id).collect());
            picker.page = 0;
            Picked::Stay(Some(ctx.i18n.f(
                lang,
                "region-not-found-close",
                &args![("query", shown)],
            )))
        }
        RegionSearch::Nothing { .. } => {
            picker.matches = None;
            Picked::Stay(Some(ctx.i18n.f(
                lang,
                "region-not-found",
                &args![("query", shown)],
            )))
        }
    }
}

/// Regions already chosen first (ticked: a tap removes one), then the current page of the list or
/// of the matches, one per row (names are long), then paging.
pub fn keyboard_rows(
    ctx: &Ctx,
    lang: Lang,
    picker: &RegionPicker,
    chosen: &[i64],
) -> Vec<Vec<String>> {
    let ru = lang == Lang::Ru;
    let mut rows: Vec<Vec<String>> = chosen
        .iter()
        .filter_map(|id| ctx.regions.get(*id))
        .map(|r| vec![chosen_label(ctx, lang, r.name(ru))])
        .collect();
    let list: Vec<&Region> = listed(ctx, lang, picker)
        .into_iter()
        .filter(|r| !chosen.contains(&r.id))
        .collect();
    let page = picker.page.min(pages(list.len()) - 1);
    rows.extend(
        list.iter()
            .skip(page * PAGE_SIZE)
            .take(PAGE_SIZE)
            .map(|r| vec![r.name(ru).to_owned()]),
    );
    if list.len() > PAGE_SIZE {
        rows.push(vec![
            ctx.t(lang, "btn-prev-page"),
            ctx.t(lang, "btn-next-page"),
        ]);
    }
    rows
}

pub fn chosen_label(ctx: &Ctx, lang: Lang, name: &str) -> String {
    ctx.i18n
        .f(lang, "chosen-item", &args![("name", name.to_owned())])
}
