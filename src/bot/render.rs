//! Texts about requests, in the reader's language. User text is HTML-escaped here and nowhere else.

use chrono::NaiveDate;
use teloxide::utils::html::escape;

use crate::args;
use crate::db::requests::RequestRow;
use crate::domain::region::Regions;
use crate::domain::{Beneficiary, Category, Status, Urgency};
use crate::i18n::{I18n, Lang};

pub fn category(i18n: &I18n, lang: Lang, c: Category) -> String {
    i18n.t(lang, &c.key())
}

/// "an elderly person": what volunteers see instead of a name.
pub fn who(i18n: &I18n, lang: Lang, b: Beneficiary) -> String {
    i18n.t(lang, &b.who_key())
}

pub fn region(regions: &Regions, lang: Lang, id: i64) -> String {
    regions
        .get(id)
        .map(|r| r.name(lang == Lang::Ru).to_owned())
        .unwrap_or_default()
}

fn date(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

pub fn when(i18n: &I18n, lang: Lang, urgency: Urgency, needed_on: NaiveDate) -> String {
    let key = match urgency {
        Urgency::Today => "when-today-on",
        Urgency::Soon => "when-soon-by",
        Urgency::Date => "when-on-date",
    };
    i18n.f(lang, key, &args![("date", date(needed_on))])
}

fn row_when(i18n: &I18n, lang: Lang, r: &RequestRow) -> String {
    let d = NaiveDate::parse_from_str(&r.needed_on, "%Y-%m-%d").unwrap_or_default();
    when(i18n, lang, r.urgency(), d)
}

/// "Pskov, Pskov Oblast": settlement and region, never the street.
pub fn place(regions: &Regions, lang: Lang, r: &RequestRow) -> String {
    let region = escape(&region(regions, lang, r.region_id));
    // A quick voice request has no town: the voice message says where.
    if r.settlement.is_empty() {
        return region;
    }
    format!("{}, {region}", escape(&r.settlement))
}

fn details(i18n: &I18n, lang: Lang, r: &RequestRow, max_chars: usize) -> String {
    match &r.details {
        Some(d) => {
            let short: String = d.chars().take(max_chars).collect();
            let ellipsis = if d.chars().count() > max_chars {
                "…"
            } else {
                ""
            };
            format!("{}{ellipsis}", escape(&short))
        }
        None => i18n.t(lang, "push-voice-only"),
    }
}

pub fn status(i18n: &I18n, lang: Lang, s: Status) -> String {
    i18n.t(lang, &format!("status-{}", s.code()))
}

/// The announcement volunteers get: no name, no street, no phone.
pub fn push(i18n: &I18n, regions: &Regions, lang: Lang, r: &RequestRow) -> String {
    i18n.f(
        lang,
        "push-text",
        &args![
            ("id", r.id),
            ("category", category(i18n, lang, r.category())),
            ("who", who(i18n, lang, r.beneficiary())),
            ("place", place(regions, lang, r)),
            ("when", row_when(i18n, lang, r)),
            ("details", details(i18n, lang, r, 1000)),
        ],
    )
}

pub fn push_taken(i18n: &I18n, regions: &Regions, lang: Lang, r: &RequestRow) -> String {
    i18n.f(
        lang,
        "push-taken",
        &args![
            ("id", r.id),
            ("category", category(i18n, lang, r.category())),
            ("place", place(regions, lang, r)),
        ],
    )
}

/// Everything the volunteer who took the request needs, address and phone included.
pub fn claimer_details(
    i18n: &I18n,
    regions: &Regions,
    lang: Lang,
    r: &RequestRow,
    requester_name: &str,
) -> String {
    let mut who_text = who(i18n, lang, r.beneficiary());
    if let Some(name) = &r.beneficiary_name {
        who_text = format!("{who_text} — {}", escape(name));
    }
    let contact_name = r.beneficiary_name.as_deref().unwrap_or(requester_name);
    let contact = match r.phone.as_deref().filter(|p| !p.is_empty()) {
        Some(phone) => i18n.f(
            lang,
            "claimer-phone",
            &args![("phone", escape(phone)), ("name", escape(contact_name))],
        ),
        // Never a link to the person's Telegram profile: the relay promises that the volunteer
        // sees neither their phone number nor their username.
        None => i18n.f(
            lang,
            "claimer-no-phone",
            &args![("button", i18n.t(lang, "btn-write-requester"))],
        ),
    };
    let address = match r.address.as_deref().filter(|a| !a.is_empty()) {
        Some(a) => escape(a),
        None => i18n.t(lang, "claimer-no-address"),
    };
    i18n.f(
        lang,
        "claimer-details",
        &args![
            ("id", r.id),
            ("category", category(i18n, lang, r.category())),
            ("who", who_text),
            ("place", place(regions, lang, r)),
            ("address", address),
            ("contact", contact),
            ("when", row_when(i18n, lang, r)),
            ("details", details(i18n, lang, r, 1000)),
        ],
    )
}

/// One request in a volunteer's list of open requests.
pub fn task_item(i18n: &I18n, regions: &Regions, lang: Lang, r: &RequestRow) -> String {
    i18n.f(
        lang,
        "tasks-item",
        &args![
            ("id", r.id),
            ("category", category(i18n, lang, r.category())),
            ("place", place(regions, lang, r)),
            ("when", row_when(i18n, lang, r)),
            ("details", details(i18n, lang, r, 160)),
        ],
    )
}

/// One request in its requester's list.
pub fn my_request_item(i18n: &I18n, lang: Lang, r: &RequestRow) -> String {
    i18n.f(
        lang,
        "my-request-item",
        &args![
            ("id", r.id),
            ("category", category(i18n, lang, r.category())),
            ("when", row_when(i18n, lang, r)),
            ("status", status(i18n, lang, r.status())),
        ],
    )
}
