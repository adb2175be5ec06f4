//! /export: a CSV of a region's requests for a date range, sent to the club lead as a document.
//!
//! /export → (a lead of several regions picks one) → a period → the file. Every press is
//! re-checked here: only a lead of the region gets its requests, and only in their private chat,
//! because the file holds the requesters' addresses and phone numbers.

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use teloxide::types::{CallbackQuery, InlineKeyboardMarkup};
use teloxide::utils::html::escape;

use super::callbacks::Cb;
use super::keyboards::inline;
use super::{Ctx, Next, Person, render};
use crate::args;
use crate::db::{self, export::ExportRow};
use crate::domain::region::Region;
use crate::domain::{Beneficiary, Category, ForWhom, Status};
use crate::error::{HandlerError, HandlerResult};
use crate::i18n::{I18n, Lang};
use crate::outbox::{Outgoing, Payload, Priority};

/// The periods a lead can choose, by their number in `Cb::Export { range }`, with their labels.
const RANGES: [(u8, &str); 5] = [
    (0, "export-range-7-days"),
    (1, "export-range-30-days"),
    (2, "export-range-this-month"),
    (3, "export-range-last-month"),
    (4, "export-range-all"),
];

/// Local dates of the region, both ends included; no start means "since the first request".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: Option<NaiveDate>,
    pub to: NaiveDate,
}

/// The period a range button stands for, seen from the region's `today`.
pub fn period(range: u8, today: NaiveDate) -> Option<Period> {
    let this_month = today.with_day(1)?;
    let days_back = |n: u64| today.checked_sub_days(Days::new(n));
    Some(match range {
        0 => Period {
            from: Some(days_back(6)?),
            to: today,
        },
        1 => Period {
            from: Some(days_back(29)?),
            to: today,
        },
        2 => Period {
            from: Some(this_month),
            to: today,
        },
        3 => {
            let last_day = this_month.pred_opt()?;
            Period {
                from: Some(last_day.with_day(1)?),
                to: last_day,
            }
        }
        4 => Period {
            from: None,
            to: today,
        },
        _ => return None,
    })
}

/// The first instant of a local date (a day that begins in a clock change's gap begins when the
/// gap ends).
fn start_of(tz: Tz, date: NaiveDate) -> DateTime<Utc> {
    let midnight = date.and_time(NaiveTime::MIN);
    (0..=3)
        .find_map(|h| {
            tz.from_local_datetime(&(midnight + chrono::Duration::hours(h)))
                .earliest()
        })
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&midnight))
}

/// The period as UTC milliseconds, both ends included (for `created_at BETWEEN ? AND ?`).
pub fn bounds_ms(tz: Tz, p: Period) -> (i64, i64) {
    let from = p
        .from
        .map_or(i64::MIN, |d| start_of(tz, d).timestamp_millis());
    let to = match p.to.succ_opt() {
        Some(next) => start_of(tz, next).timestamp_millis() - 1,
        None => i64::MAX,
    };
    (from, to)
}

/// "UTC+3", "UTC+5:30", "UTC−1": the region's offset at `now`, for people, not for software.
fn utc_offset(tz: Tz, now: DateTime<Utc>) -> String {
    let secs = now.with_timezone(&tz).offset().fix().local_minus_utc();
    let sign = if secs < 0 { "−" } else { "+" };
    let (h, m) = (secs.abs() / 3600, secs.abs() % 3600 / 60);
    if m == 0 {
        format!("UTC{sign}{h}")
    } else {
        format!("UTC{sign}{h}:{m:02}")
    }
}

fn local_time(tz: Tz, ms: i64) -> String {
    db::from_ms(ms)
        .with_timezone(&tz)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

fn date(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

/// Russian Excel splits columns at semicolons, English Excel at commas.
fn delimiter(lang: Lang) -> u8 {
    match lang {
        Lang::Ru => b';',
        Lang::En => b',',
    }
}

/// A spreadsheet would run a cell that starts like a formula: requesters' words (and phone
/// numbers, which start with +) are kept as text with a leading apostrophe.
fn cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// "350,50" / "350.50": an amount as a spreadsheet reads it in the file's language (no ₽, no
/// grouping).
fn money(lang: Lang, minor: i64) -> String {
    let point = if lang == Lang::Ru { ',' } else { '.' };
    format!("{}{point}{:02}", minor / 100, minor % 100)
}

/// A label without its emoji signpost ("🛒 Groceries" → "Groceries"): cells are for sorting.
fn plain(text: &str) -> String {
    text.trim_start_matches(|c: char| !c.is_alphanumeric())
        .to_owned()
}

const COLUMNS: [&str; 19] = [
    "export-col-number",
    "export-col-created",
    "export-col-status",
    "export-col-category",
    "export-col-who",
    "export-col-for-whom",
    "export-col-settlement",
    "export-col-address",
    "export-col-phone",
    "export-col-needed-on",
    "export-col-claimed-by",
    "export-col-claimed-at",
    "export-col-done-at",
    "export-col-finished-at",
    "export-col-details",
    "export-col-spent",
    "export-col-amount-answer",
    "export-col-reimbursement",
    "export-col-repaid-at",
];

/// The CSV file: UTF-8 with a BOM (so Excel reads Cyrillic), a header row in the lead's
/// language, one row per request, times in the region's time zone.
pub fn csv_file(
    i18n: &I18n,
    lang: Lang,
    tz: Tz,
    rows: &[ExportRow],
) -> Result<Vec<u8>, HandlerError> {
    let fail = |e: &dyn std::fmt::Display| HandlerError::State(format!("export csv: {e}"));
    let mut w = csv::WriterBuilder::new()
        .delimiter(delimiter(lang))
        .terminator(csv::Terminator::CRLF)
        .from_writer("\u{feff}".as_bytes().to_vec());
    w.write_record(COLUMNS.iter().map(|k| i18n.t(lang, k)))
        .map_err(|e| fail(&e))?;
    let time = |ms: Option<i64>| ms.map(|ms| local_time(tz, ms)).unwrap_or_default();
    for r in rows {
        let status = Status::from_code(&r.status).unwrap_or(Status::Cancelled);
        let category = Category::from_code(&r.category).unwrap_or(Category::Other);
        let who = Beneficiary::from_code(&r.beneficiary).unwrap_or(Beneficiary::Other);
        let for_whom = match ForWhom::from_code(&r.for_whom) {
            ForWhom::Myself => "export-for-self",
            ForWhom::Other => "export-for-other",
        };
        let details = match r.details.as_deref().filter(|d| !d.trim().is_empty()) {
            Some(d) => cell(d),
            None if r.has_voice => i18n.t(lang, "export-voice-only"),
            None => String::new(),
        };
        let record = [
            r.id.to_string(),
            local_time(tz, r.created_at),
            i18n.t(lang, &format!("export-status-{}", status.code())),
            plain(&render::category(i18n, lang, category)),
            render::who(i18n, lang, who),
            i18n.t(lang, for_whom),
            cell(&r.settlement),
            cell(r.address.as_deref().unwrap_or_default()),
            cell(r.phone.as_deref().unwrap_or_default()),
            r.needed_on.clone(),
            cell(r.claimer_name.as_deref().unwrap_or_default()),
            time(r.claimed_at),
            time(r.done_at),
            time(r.finished_at),
            details,
            r.spent_minor.map(|m| money(lang, m)).unwrap_or_default(),
            r.receipt_answer
                .as_deref()
                .map(|a| i18n.t(lang, &format!("export-amount-{a}")))
                .unwrap_or_default(),
            match (r.spent_minor, r.receipts_due) {
                (None, _) => String::new(),
                (Some(_), 0) => i18n.t(lang, "export-reimbursement-repaid"),
                (Some(_), _) => i18n.t(lang, "export-reimbursement-due"),
            },
            time(r.repaid_at),
        ];
        w.write_record(&record).map_err(|e| fail(&e))?;
    }
    w.into_inner().map_err(|e| fail(e.error()))
}

/// The region, if this person leads it; otherwise the button is answered with a kind refusal.
pub(crate) async fn led_region<'a>(
    ctx: &'a Ctx,
    person: &Person,
    q: &CallbackQuery,
    region: i64,
) -> Result<Option<&'a Region>, HandlerError> {
    let led = db::leads::regions_of(&ctx.pool, person.id).await?;
    match ctx.regions.get(region).filter(|_| led.contains(&region)) {
        Some(r) => Ok(Some(r)),
        None => {
            let key = if led.is_empty() {
                "role-leads-only"
            } else {
                "export-not-your-region"
            };
            ctx.answer_callback(q, Some(ctx.t(person.lang, key)), true)
                .await;
            Ok(None)
        }
    }
}

/// The question "which period?" for a region, with one button per period.
fn range_question(ctx: &Ctx, lang: Lang, region: &Region) -> (String, InlineKeyboardMarkup) {
    let text = ctx.i18n.f(
        lang,
        "export-choose-range",
        &args![
            ("region", escape(region.name(lang == Lang::Ru))),
            ("offset", utc_offset(region.tz, ctx.clock.now())),
        ],
    );
    let buttons: Vec<(String, Cb)> = RANGES
        .iter()
        .map(|(range, key)| {
            let cb = Cb::Export {
                region: region.id,
                range: *range,
            };
            (ctx.t(lang, key), cb)
        })
        .collect();
    let rows = buttons.chunks(2).map(<[_]>::to_vec).collect();
    (text, inline(rows))
}

/// /export: a club lead chooses the region (if they lead several), then the period.
pub async fn start(ctx: &Ctx, person: &Person) -> HandlerResult {
    let lang = person.lang;
    let led: Vec<&Region> = db::leads::regions_of(&ctx.pool, person.id)
        .await?
        .into_iter()
        .filter_map(|id| ctx.regions.get(id))
        .collect();
    let (text, markup) = match led.as_slice() {
        [] => (ctx.t(lang, "role-leads-only"), None),
        [region] => {
            let (text, markup) = range_question(ctx, lang, region);
            (text, Some(markup))
        }
        several => {
            let mut regions = several.to_vec();
            regions.sort_by(|a, b| a.name(lang == Lang::Ru).cmp(b.name(lang == Lang::Ru)));
            let rows = regions
                .iter()
                .map(|r| {
                    let name = render::region(&ctx.regions, lang, r.id);
                    vec![(name, Cb::ExportRegion(r.id))]
                })
                .collect();
            (ctx.t(lang, "export-choose-region"), Some(inline(rows)))
        }
    };
    let markup = markup.map(teloxide::types::ReplyMarkup::InlineKeyboard);
    ctx.respond(person.id, Next::Keep, vec![ctx.reply(person, text, markup)])
        .await
}

/// A region was chosen: the same message now asks for the period.
pub async fn choose_range(
    ctx: &Ctx,
    person: &Person,
    q: &CallbackQuery,
    region: i64,
) -> HandlerResult {
    let Some(region) = led_region(ctx, person, q, region).await? else {
        return Ok(());
    };
    let (text, markup) = range_question(ctx, person.lang, region);
    let out = match &q.message {
        Some(m) => Outgoing::edit(person.id, Priority::Reply, m.id().0, text, Some(markup)),
        None => ctx.reply(
            person,
            text,
            Some(teloxide::types::ReplyMarkup::InlineKeyboard(markup)),
        ),
    };
    ctx.respond(person.id, Next::Keep, vec![out]).await?;
    ctx.answer_callback(q, None, false).await;
    Ok(())
}

/// A period was chosen: the file, or a word that there is nothing in that period.
pub async fn send(
    ctx: &Ctx,
    person: &Person,
    q: &CallbackQuery,
    region: i64,
    range: u8,
) -> HandlerResult {
    let Some(region) = led_region(ctx, person, q, region).await? else {
        return Ok(());
    };
    let lang = person.lang;
    let today = region.today(ctx.clock.now());
    let Some(p) = period(range, today) else {
        ctx.answer_callback(q, Some(ctx.t(lang, "stale-button")), false)
            .await;
        return Ok(());
    };
    let (from_ms, to_ms) = bounds_ms(region.tz, p);
    let rows = db::export::requests_created(&ctx.pool, region.id, from_ms, to_ms).await?;
    let name = escape(region.name(lang == Lang::Ru));
    let period_text = match p.from {
        Some(from) => ctx.i18n.f(
            lang,
            "export-period",
            &args![("from", date(from)), ("to", date(p.to))],
        ),
        None => ctx
            .i18n
            .f(lang, "export-period-all", &args![("to", date(p.to))]),
    };
    let out = if rows.is_empty() {
        let text = ctx.i18n.f(
            lang,
            "export-empty",
            &args![("region", name), ("period", period_text)],
        );
        ctx.reply(person, text, None)
    } else {
        let bytes = csv_file(&ctx.i18n, lang, region.tz, &rows)?;
        let iso = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
        let file_name = match p.from {
            Some(from) => format!("requests-{}-{}-{}.csv", region.code, iso(from), iso(p.to)),
            None => format!("requests-{}-all-{}.csv", region.code, iso(p.to)),
        };
        let caption = ctx.i18n.f(
            lang,
            "export-caption",
            &args![
                ("region", name),
                ("period", period_text),
                ("count", rows.len()),
                ("offset", utc_offset(region.tz, ctx.clock.now())),
            ],
        );
        // Addresses and phones: to this lead's private chat only, never to a group.
        Outgoing {
            chat_id: person.id,
            priority: Priority::Reply,
            payload: Payload::Document {
                file_name,
                data_base64: crate::outbox::encode(&bytes),
                caption: Some(caption),
            },
        }
    };
    ctx.respond(person.id, Next::Keep, vec![out]).await?;
    ctx.answer_callback(q, None, false).await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn periods_are_whole_local_days() {
        let today = d("2026-01-15");
        let p = |r| period(r, today).unwrap();
        assert_eq!(p(0).from, Some(d("2026-01-09")));
        assert_eq!(p(1).from, Some(d("2025-12-17")));
        assert_eq!((p(2).from, p(2).to), (Some(d("2026-01-01")), today));
        assert_eq!(
            (p(3).from, p(3).to),
            (Some(d("2025-12-01")), d("2025-12-31"))
        );
        assert_eq!((p(4).from, p(4).to), (None, today));
        assert_eq!(period(5, today), None);
        let march = period(3, d("2028-03-31")).unwrap();
        assert_eq!(
            (march.from, march.to),
            (Some(d("2028-02-01")), d("2028-02-29"))
        );
    }

    #[test]
    fn bounds_follow_the_region_clock() {
        let p = Period {
            from: Some(d("2026-11-11")),
            to: d("2026-11-11"),
        };
        let ms = |s: &str| {
            DateTime::parse_from_rfc3339(s)
                .unwrap()
                .with_timezone(&Utc)
                .timestamp_millis()
        };
        // Moscow time is UTC+3: the local day starts at 21:00 UTC the day before.
        let (from, to) = bounds_ms(chrono_tz::Europe::Moscow, p);
        assert_eq!(from, ms("2026-11-10T21:00:00Z"));
        assert_eq!(to, ms("2026-11-11T21:00:00Z") - 1);
        let (from, _) = bounds_ms(chrono_tz::Asia::Kamchatka, p);
        assert_eq!(from, ms("2026-11-10T12:00:00Z"));
        let all = Period { from: None, ..p };
        assert_eq!(bounds_ms(chrono_tz::Europe::Moscow, all).0, i64::MIN);
    }

    #[test]
    fn offsets_read_like_people_write_them() {
        let now = Utc::now();
        assert_eq!(utc_offset(chrono_tz::Europe::Moscow, now), "UTC+3");
        assert_eq!(utc_offset(chrono_tz::Asia::Kolkata, now), "UTC+5:30");
        assert_eq!(utc_offset(chrono_tz::Europe::Kaliningrad, now), "UTC+2");
    }

    fn row(id: i64) -> ExportRow {
        ExportRow {
            id,
            created_at: 1_794_000_000_000,
            status: "claimed".into(),
            category: "medicine".into(),
            beneficiary: "elderly".into(),
            for_whom: "other".into(),
            settlement: "=HYPERLINK(\"x\")".into(),
            address: Some("Lenina 5; flat \"12\"".into()),
            phone: Some("+79123456789".into()),
            needed_on: "2026-11-12".into(),
            claimer_name: Some("Vera".into()),
            claimed_at: Some(1_794_000_600_000),
            done_at: None,
            finished_at: None,
            details: None,
            has_voice: true,
            spent_minor: Some(35_050),
            receipt_answer: Some("disputed".into()),
            receipts_due: 1,
            repaid_at: None,
        }
    }

    #[test]
    fn the_file_opens_in_excel_in_either_language() {
        let i18n = I18n::load().unwrap();
        let tz = chrono_tz::Europe::Moscow;
        let en = csv_file(&i18n, Lang::En, tz, &[row(7)]).unwrap();
        assert!(en.starts_with("\u{feff}".as_bytes()), "BOM first");
        let text = String::from_utf8(en[3..].to_vec()).unwrap();
        let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
        let header = reader.headers().unwrap().clone();
        assert_eq!(header.len(), COLUMNS.len());
        assert!(!header.iter().any(|h| h == "…"), "every column has a name");
        let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(records.len(), 1);
        let r = &records[0];
        assert_eq!(&r[0], "7");
        assert_eq!(&r[3], "Medicine", "no emoji in cells");
        assert_eq!(&r[6], "'=HYPERLINK(\"x\")", "a formula stays text");
        assert_eq!(&r[7], "Lenina 5; flat \"12\"");
        assert_eq!(&r[8], "'+79123456789");
        assert_eq!(&r[14], "voice message");
        assert_eq!(&r[15], "350.50");
        assert_eq!(&r[17], "due");
        assert!(text.contains("\r\n"));

        let ru = csv_file(&i18n, Lang::Ru, tz, &[row(7)]).unwrap();
        let text = String::from_utf8(ru[3..].to_vec()).unwrap();
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(b';')
            .from_reader(text.as_bytes());
        assert_eq!(reader.headers().unwrap().len(), COLUMNS.len());
        let r = reader.records().next().unwrap().unwrap();
        assert_eq!(&r[3], "Лекарства");
        assert_eq!(&r[7], "Lenina 5; flat \"12\"");
        assert_eq!(&r[15], "350,50");
    }
}
