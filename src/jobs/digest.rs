//! The club leads' daily digest: every lead gets, for each of their regions, a summary of the
//! last 24 hours at `config.digest_time` in that region's own time zone; on Mondays with a chart
//! of the last four weeks. `/digest` sends the same summary at once, for the 24 hours up to now.
//! Under every digest, a button sends the chart of the four weeks before today.
//!
//! Everything is counted from `request_events` and the requests' current state. A digest is sent
//! at most once per lead, region and period (the local date of its due time), also across
//! restarts: `digest_runs` is written in the transaction that queues it. A bot that was down at
//! the due time sends the latest missed digest when it is back (not a backlog of earlier days).

use std::collections::HashSet;
use std::time::Duration;

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use teloxide::types::{CallbackQuery, ReplyMarkup};
use teloxide::utils::html::escape;
use tokio::sync::watch;

use crate::args;
use crate::bot::callbacks::Cb;
use crate::bot::keyboards::inline;
use crate::bot::{Ctx, Next, Person, render};
use crate::db::digests::{self, ChartEvent};
use crate::db::{self, leads::LeadRow};
use crate::domain::Category;
use crate::domain::region::Region;
use crate::error::HandlerResult;
use crate::i18n::{I18n, Lang};
use crate::jobs::chart::{self, ChartLabels, DayCounts};
use crate::outbox::{Outgoing, Payload, Priority};

/// The job looks again at least this often (a lead appointed meanwhile, a changed clock).
const LONGEST_SLEEP: Duration = Duration::from_secs(3600);
/// After a failure, the job tries again this soon.
const RETRY: Duration = Duration::from_secs(30);
/// The most requests a list shows; the rest are counted ("and 3 more").
const LIST_CAP: usize = 15;
/// Telegram's limit for a message's text.
const MAX_TEXT: usize = 4096;
/// Days in the chart.
const CHART_DAYS: u32 = 28;
/// An open request waiting longer than this is listed.
const WAITING_MS: i64 = 24 * 3600 * 1000;
/// A claimed request not done for longer than this is listed.
const HELD_MS: i64 = 48 * 3600 * 1000;
const DAY_MS: i64 = 24 * 3600 * 1000;

pub async fn run(ctx: Ctx, mut stop: watch::Receiver<bool>) {
    loop {
        if *stop.borrow() {
            return;
        }
        // Taken before reading the time, so a move of the clock in between wakes us.
        let mut clock = ctx.clock.watch();
        let now = ctx.clock.now();
        let sleep = match send_due(&ctx, now).await {
            Ok(Some(next)) => (next - now)
                .to_std()
                .unwrap_or(Duration::ZERO)
                .saturating_add(Duration::from_millis(5))
                .min(LONGEST_SLEEP),
            Ok(None) => LONGEST_SLEEP,
            Err(e) => {
                tracing::error!(error = %e, "digest: cannot read the club leads");
                RETRY
            }
        };
        tokio::select! {
            _ = tokio::time::sleep(sleep) => {}
            _ = clock.moved() => {}
            _ = stop.changed() => {}
        }
    }
}

/// Sends every digest that is due and not yet sent. Returns when the next one falls due.
async fn send_due(ctx: &Ctx, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    let leads = db::leads::all(&ctx.pool).await?;
    let mut next: Option<DateTime<Utc>> = None;
    let mut sooner = |t: DateTime<Utc>| next = Some(next.map_or(t, |n| n.min(t)));
    for lead in &leads {
        let Some(region) = ctx.regions.get(lead.region_id) else {
            continue;
        };
        sooner(next_due(&region.tz, ctx.config.digest_time, now));
        if let Err(e) = send_one(ctx, lead, region, now).await {
            tracing::error!(error = %e, lead = lead.user_id, region = lead.region_id, "digest: cannot send");
            sooner(now + chrono::Duration::from_std(RETRY).unwrap_or_default());
        }
    }
    Ok(next)
}

/// The latest due digest of one lead and region, unless already sent.
async fn send_one(
    ctx: &Ctx,
    lead: &LeadRow,
    region: &Region,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let (due, date) = latest_due(&region.tz, ctx.config.digest_time, now);
    if due.timestamp_millis() < lead.appointed_at {
        return Ok(());
    }
    let period = date.format("%Y-%m-%d").to_string();
    let state = digests::lead_state(&ctx.pool, lead.user_id, region.id, &period).await?;
    if state.already_sent || state.unreachable {
        return Ok(());
    }
    let lang = Lang::negotiate(state.language.as_deref(), state.tg_language.as_deref());
    let span = Span {
        from: due.timestamp_millis() - DAY_MS,
        to: due.timestamp_millis(),
        now: now.timestamp_millis(),
    };
    let chart_until = (date.weekday() == Weekday::Mon).then_some(date);
    let outs = build(
        ctx,
        lang,
        region,
        span,
        chart_until,
        lead.user_id,
        Priority::Digest,
    )
    .await?;
    let mut tx = db::begin_write(&ctx.pool).await?;
    if digests::record_run(
        &mut tx,
        lead.user_id,
        region.id,
        &period,
        now.timestamp_millis(),
    )
    .await?
    {
        crate::outbox::enqueue_all(&mut tx, &outs).await?;
        ctx.doorbell.commit(tx).await?;
        tracing::info!(
            lead = lead.user_id,
            region = region.id,
            period,
            "digest: queued"
        );
    }
    Ok(())
}

/// /digest: the digest of each of the lead's regions, for the 24 hours up to now (not recorded:
/// the morning digest still comes). The text only, at once: the chart comes on the button under
/// it (`send_chart`), so an answer never waits for a picture to be drawn, whatever the weekday.
pub async fn send_now(ctx: &Ctx, person: &Person) -> HandlerResult {
    let regions = db::leads::regions_of(&ctx.pool, person.id).await?;
    if regions.is_empty() {
        let text = ctx.t(person.lang, "role-leads-only");
        return ctx
            .respond(person.id, Next::Keep, vec![ctx.reply(person, text, None)])
            .await;
    }
    let now = ctx.clock.now();
    let span = Span {
        from: now.timestamp_millis() - DAY_MS,
        to: now.timestamp_millis(),
        now: now.timestamp_millis(),
    };
    let mut outs = Vec::new();
    for id in regions {
        let Some(region) = ctx.regions.get(id) else {
            continue;
        };
        outs.extend(
            build(
                ctx,
                person.lang,
                region,
                span,
                None,
                person.id,
                Priority::Reply,
            )
            .await?,
        );
    }
    ctx.respond(person.id, Next::Keep, outs).await
}

/// The chart button under a digest: the four whole weeks before the region's today, to the lead
/// who pressed it, if they still lead that region.
pub async fn send_chart(
    ctx: &Ctx,
    person: &Person,
    q: &CallbackQuery,
    region: i64,
) -> HandlerResult {
    let Some(region) = crate::bot::export::led_region(ctx, person, q, region).await? else {
        return Ok(());
    };
    // Answered first: drawing takes a moment, and the button must not spin meanwhile.
    ctx.answer_callback(q, None, false).await;
    let until = region.today(ctx.clock.now());
    let chart = chart(ctx, person.lang, region, until, person.id, Priority::Reply).await?;
    let out = match chart {
        Some(out) => out,
        None => ctx.reply(person, ctx.t(person.lang, "error-generic"), None),
    };
    ctx.respond(person.id, Next::Keep, vec![out]).await
}

/// The period a digest covers, and the moment its "right now" parts are measured at (ms, UTC).
#[derive(Debug, Clone, Copy)]
struct Span {
    from: i64,
    to: i64,
    now: i64,
}

/// Everything one digest shows, read in one statement (`digests::read`).
type DigestData = digests::Digest;

/// The digest's messages: the text, with the chart button under it, and on `chart_until` (a
/// Monday's morning digest) the chart of the four weeks before that date.
async fn build(
    ctx: &Ctx,
    lang: Lang,
    region: &Region,
    span: Span,
    chart_until: Option<NaiveDate>,
    chat_id: i64,
    priority: Priority,
) -> Result<Vec<Outgoing>, sqlx::Error> {
    let mut conn = ctx.pool.acquire().await?;
    let query = digests::DigestQuery {
        region_id: region.id,
        from: span.from,
        to: span.to,
        waiting_before: span.now - WAITING_MS,
        held_before: span.now - HELD_MS,
        cap: LIST_CAP as i64,
    };
    let data = digests::read(&mut conn, &query).await?;
    drop(conn);
    let text = render_text(&ctx.i18n, lang, region, span, &data);
    let button = inline(vec![vec![(
        ctx.t(lang, "digest-chart-button"),
        Cb::DigestChart(region.id),
    )]]);
    let mut outs = vec![Outgoing::text(
        chat_id,
        priority,
        text,
        Some(ReplyMarkup::InlineKeyboard(button)),
    )];
    if let Some(until) = chart_until {
        outs.extend(chart(ctx, lang, region, until, chat_id, priority).await?);
    }
    Ok(outs)
}

/// The chart of the `CHART_DAYS` local days before `until`, as a photo; None if it could not be
/// drawn (logged). The connection its read takes goes back to the pool before the drawing.
async fn chart(
    ctx: &Ctx,
    lang: Lang,
    region: &Region,
    until: NaiveDate,
    chat_id: i64,
    priority: Priority,
) -> Result<Option<Outgoing>, sqlx::Error> {
    let first = until - chrono::Days::new(u64::from(CHART_DAYS));
    let from = local_instant(&region.tz, first, NaiveTime::MIN).timestamp_millis();
    let to = local_instant(&region.tz, until, NaiveTime::MIN).timestamp_millis();
    let events =
        digests::chart_events(&mut *ctx.pool.acquire().await?, region.id, from, to).await?;
    let days = day_series(&region.tz, first, CHART_DAYS, &events);
    let last = first + chrono::Days::new(u64::from(CHART_DAYS - 1));
    let caption = ctx.i18n.f(
        lang,
        "digest-chart-caption",
        &args![
            ("from", first.format("%d.%m").to_string()),
            ("to", last.format("%d.%m").to_string()),
        ],
    );
    let labels = chart_labels(&ctx.i18n, lang, region);
    Ok(
        match tokio::task::spawn_blocking(move || chart::render(&days, &labels)).await {
            Ok(Ok(png)) => Some(Outgoing {
                chat_id,
                priority,
                payload: Payload::Photo {
                    png_base64: crate::outbox::encode(&png),
                    caption: Some(caption),
                },
            }),
            Ok(Err(e)) => {
                tracing::error!(error = %e, region = region.id, "digest: no chart");
                None
            }
            Err(e) => {
                tracing::error!(error = %e, region = region.id, "digest: chart task failed");
                None
            }
        },
    )
}

fn chart_labels(i18n: &I18n, lang: Lang, region: &Region) -> ChartLabels {
    ChartLabels {
        title: i18n.f(
            lang,
            "digest-chart-title",
            &args![("region", region.name(lang == Lang::Ru).to_owned())],
        ),
        created: i18n.t(lang, "digest-chart-created"),
        closed: i18n.t(lang, "digest-chart-closed"),
        cancelled: i18n.t(lang, "digest-chart-cancelled"),
        still_open: i18n.t(lang, "digest-chart-still-open"),
    }
}

/// Per local day from `first`, `n` days: requests created, closed and cancelled that day, and how
/// many of the day's new ones are still unfinished (open, claimed or done). A request counts once
/// per kind and day.
fn day_series(tz: &Tz, first: NaiveDate, n: u32, events: &[ChartEvent]) -> Vec<DayCounts> {
    let mut days: Vec<DayCounts> = (0..n)
        .map(|i| DayCounts {
            date: first + chrono::Days::new(u64::from(i)),
            ..DayCounts::default()
        })
        .collect();
    let mut seen = HashSet::new();
    for e in events {
        let date = db::from_ms(e.at).with_timezone(tz).date_naive();
        let Ok(i) = usize::try_from((date - first).num_days()) else {
            continue;
        };
        let Some(day) = days.get_mut(i) else {
            continue;
        };
        if !seen.insert((e.request_id, e.kind.as_str(), i)) {
            continue;
        }
        match e.kind.as_str() {
            "created" => {
                day.created += 1;
                if matches!(e.status.as_str(), "open" | "claimed" | "done") {
                    day.still_open += 1;
                }
            }
            "closed" => day.closed += 1,
            "cancelled" => day.cancelled += 1,
            _ => {}
        }
    }
    days
}

// ---- text -------------------------------------------------------------------------------------

fn render_text(i18n: &I18n, lang: Lang, region: &Region, span: Span, data: &DigestData) -> String {
    // The longest lists that fit in one message.
    let mut text = String::new();
    for cap in [LIST_CAP, 10, 5, 2, 0] {
        text = render_with(i18n, lang, region, span, data, cap);
        if text.encode_utf16().count() <= MAX_TEXT {
            break;
        }
    }
    text
}

fn render_with(
    i18n: &I18n,
    lang: Lang,
    region: &Region,
    span: Span,
    data: &DigestData,
    cap: usize,
) -> String {
    let n = |key: &str, n: i64| i18n.f(lang, key, &args![("n", n)]);
    let region_name = escape(region.name(lang == Lang::Ru));
    let mut out = vec![
        i18n.f(lang, "digest-title", &args![("region", region_name)]),
        i18n.f(
            lang,
            "digest-period",
            &args![("to", local_time(&region.tz, span.to))],
        ),
        String::new(),
        i18n.t(lang, "digest-in-period"),
        n("digest-created", data.counts.created),
        n("digest-claimed", data.counts.claimed),
        n("digest-done", data.counts.done),
        n("digest-closed", data.counts.closed),
        n("digest-cancelled", data.counts.cancelled),
        n("digest-active", data.counts.active_volunteers),
        String::new(),
    ];

    if data.waiting_total == 0 {
        out.push(i18n.t(lang, "digest-waiting-none"));
    } else {
        out.push(n("digest-waiting-header", data.waiting_total));
        for r in data.waiting.iter().take(cap) {
            out.push(i18n.f(
                lang,
                "digest-item-waiting",
                &args![
                    ("id", r.id),
                    ("category", category(i18n, lang, &r.category)),
                    ("settlement", town(i18n, lang, &r.settlement)),
                    ("age", age(i18n, lang, span.now - r.since)),
                ],
            ));
        }
        let shown = data.waiting.len().min(cap) as i64;
        if data.waiting_total > shown {
            out.push(n("digest-more", data.waiting_total - shown));
        }
    }
    out.push(String::new());

    if data.held_total == 0 {
        out.push(i18n.t(lang, "digest-held-none"));
    } else {
        out.push(n("digest-held-header", data.held_total));
        for r in data.held.iter().take(cap) {
            out.push(i18n.f(
                lang,
                "digest-item-held",
                &args![
                    ("id", r.id),
                    ("category", category(i18n, lang, &r.category)),
                    ("settlement", town(i18n, lang, &r.settlement)),
                    (
                        "volunteer",
                        short(r.volunteer.as_deref().unwrap_or("?"), 30)
                    ),
                    ("age", age(i18n, lang, span.now - r.since)),
                ],
            ));
        }
        let shown = data.held.len().min(cap) as i64;
        if data.held_total > shown {
            out.push(n("digest-more", data.held_total - shown));
        }
    }
    out.push(String::new());

    out.push(if data.pending == 0 {
        i18n.t(lang, "digest-pending-none")
    } else {
        n("digest-pending", data.pending)
    });
    out.extend(paused_lines(i18n, lang, span, &data.paused, cap));
    out.extend(aftercare_lines(i18n, lang, &data.aftercare));
    out.push(if data.repeats_running == 0 && data.repeats_posted == 0 {
        i18n.t(lang, "digest-repeats-none")
    } else {
        i18n.f(
            lang,
            "digest-repeats",
            &args![
                ("running", data.repeats_running),
                ("posted", data.repeats_posted)
            ],
        )
    });
    out.push(String::new());

    let total = |status: &str| {
        data.totals
            .iter()
            .find(|(s, _)| s == status)
            .map_or(0, |(_, n)| *n)
    };
    out.push(i18n.t(lang, "digest-totals-header"));
    out.push(i18n.f(
        lang,
        "digest-totals",
        &args![
            ("open", total("open")),
            ("claimed", total("claimed")),
            ("done", total("done")),
            ("closed", total("closed")),
            ("cancelled", total("cancelled")),
            ("all", data.totals.iter().map(|(_, n)| n).sum::<i64>()),
        ],
    ));
    out.join("\n")
}

/// Volunteers who paused themselves (named, with how long), and how many a lead paused (apart:
/// only a lead lifts that).
fn paused_lines(
    i18n: &I18n,
    lang: Lang,
    span: Span,
    p: &digests::Paused,
    cap: usize,
) -> Vec<String> {
    let n = |key: &str, n: i64| i18n.f(lang, key, &args![("n", n)]);
    let mut lines = vec![];
    if p.self_paused_total == 0 {
        lines.push(i18n.t(lang, "digest-paused-none"));
    } else {
        lines.push(n("digest-paused-header", p.self_paused_total));
        for (name, since) in p.self_paused.iter().take(cap) {
            lines.push(i18n.f(
                lang,
                "digest-item-paused",
                &args![
                    ("name", short(name, 30)),
                    ("age", age(i18n, lang, span.now - since))
                ],
            ));
        }
        let shown = p.self_paused.len().min(cap) as i64;
        if p.self_paused_total > shown {
            lines.push(n("digest-more", p.self_paused_total - shown));
        }
    }
    if p.suspended > 0 {
        lines.push(n("digest-suspended", p.suspended));
    }
    lines
}

/// Reimbursements due (count and sum) and made in the period, concerns raised in the period.
fn aftercare_lines(i18n: &I18n, lang: Lang, a: &db::aftercare::DigestFigures) -> Vec<String> {
    let money = |minor| crate::domain::money::Amount::from_minor(minor).display(lang == Lang::Ru);
    let mut lines = vec![if a.due == 0 {
        i18n.t(lang, "digest-receipts-none")
    } else {
        i18n.f(
            lang,
            "digest-receipts-due",
            &args![("n", a.due), ("sum", money(a.due_minor))],
        )
    }];
    if a.repaid > 0 {
        lines.push(i18n.f(
            lang,
            "digest-receipts-repaid",
            &args![("n", a.repaid), ("sum", money(a.repaid_minor))],
        ));
    }
    lines.push(if a.concerns == 0 {
        i18n.t(lang, "digest-concerns-none")
    } else {
        i18n.f(lang, "digest-concerns", &args![("n", a.concerns)])
    });
    lines
}

fn category(i18n: &I18n, lang: Lang, code: &str) -> String {
    render::category(
        i18n,
        lang,
        Category::from_code(code).unwrap_or(Category::Other),
    )
}

/// User text, cut to `max` characters and HTML-escaped.
/// A listed request's town; a quick voice request has none (the voice message says where).
fn town(i18n: &I18n, lang: Lang, settlement: &str) -> String {
    if settlement.is_empty() {
        i18n.t(lang, "digest-voice-only")
    } else {
        short(settlement, 40)
    }
}

fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        escape(s)
    } else {
        let cut: String = s.chars().take(max.saturating_sub(1)).collect();
        escape(&format!("{}…", cut.trim_end()))
    }
}

/// "30 hours" up to two days, then "3 days".
fn age(i18n: &I18n, lang: Lang, ms: i64) -> String {
    let hours = ms.max(0) / 3_600_000;
    if hours < 48 {
        i18n.f(lang, "digest-age-hours", &args![("n", hours)])
    } else {
        i18n.f(lang, "digest-age-days", &args![("n", hours / 24)])
    }
}

/// "14.03.2026 09:00" where the region is.
fn local_time(tz: &Tz, ms: i64) -> String {
    db::from_ms(ms)
        .with_timezone(tz)
        .format("%d.%m.%Y %H:%M")
        .to_string()
}

// ---- when digests are due ------------------------------------------------------------------------

/// The moment `date` at `time` happens in `tz`. A time repeated when clocks go back is its first
/// occurrence; a time skipped when they go forward is the first moment after the gap.
fn local_instant(tz: &Tz, date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    let mut local = date.and_time(time);
    // Gaps are at most a few hours; look minute by minute for the end of one.
    for _ in 0..=6 * 60 {
        if let Some(t) = tz.from_local_datetime(&local).earliest() {
            return t.with_timezone(&Utc);
        }
        local += chrono::Duration::minutes(1);
    }
    Utc.from_utc_datetime(&date.and_time(time))
}

/// The latest due time at or before `now`, and its local date (the digest's period).
fn latest_due(tz: &Tz, time: NaiveTime, now: DateTime<Utc>) -> (DateTime<Utc>, NaiveDate) {
    let today = now.with_timezone(tz).date_naive();
    let mut date = today;
    for back in 0..3 {
        date = today - chrono::Days::new(back);
        let due = local_instant(tz, date, time);
        if due <= now {
            return (due, date);
        }
    }
    (local_instant(tz, date, time), date)
}

/// The first due time after `now`.
fn next_due(tz: &Tz, time: NaiveTime, now: DateTime<Utc>) -> DateTime<Utc> {
    let today = now.with_timezone(tz).date_naive();
    for day in 0..3 {
        let due = local_instant(tz, today + chrono::Days::new(day), time);
        if due > now {
            return due;
        }
    }
    now + chrono::Duration::days(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::digests::ListedRequest;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn nine() -> NaiveTime {
        NaiveTime::from_hms_opt(9, 0, 0).unwrap()
    }

    #[test]
    fn due_times_are_local_to_each_region() {
        let kaliningrad = chrono_tz::Europe::Kaliningrad; // UTC+2
        let kamchatka = chrono_tz::Asia::Kamchatka; // UTC+12
        let now = utc("2026-03-10T06:59:00Z");
        // 08:59 in Kaliningrad: today's is still to come, yesterday's is the latest.
        assert_eq!(
            latest_due(&kaliningrad, nine(), now),
            (utc("2026-03-09T07:00:00Z"), date("2026-03-09"))
        );
        assert_eq!(
            next_due(&kaliningrad, nine(), now),
            utc("2026-03-10T07:00:00Z")
        );
        // 18:59 in Kamchatka: today's 09:00 was 21:00 UTC the day before.
        assert_eq!(
            latest_due(&kamchatka, nine(), now),
            (utc("2026-03-09T21:00:00Z"), date("2026-03-10"))
        );
        assert_eq!(
            next_due(&kamchatka, nine(), now),
            utc("2026-03-10T21:00:00Z")
        );
        // Exactly at the due time it is due.
        let at = utc("2026-03-10T07:00:00Z");
        assert_eq!(latest_due(&kaliningrad, nine(), at).0, at);
        assert_eq!(
            next_due(&kaliningrad, nine(), at),
            utc("2026-03-11T07:00:00Z")
        );
    }

    #[test]
    fn daylight_saving_gaps_skip_ahead_and_repeats_take_the_first() {
        let berlin = chrono_tz::Europe::Berlin;
        let half_two = NaiveTime::from_hms_opt(2, 30, 0).unwrap();
        // 29.03.2026: 02:00 → 03:00 CEST; 02:30 does not exist, the digest comes at 03:00.
        assert_eq!(
            local_instant(&berlin, date("2026-03-29"), half_two),
            utc("2026-03-29T01:00:00Z")
        );
        let (due, period) = latest_due(&berlin, half_two, utc("2026-03-29T01:00:00Z"));
        assert_eq!(
            (due, period),
            (utc("2026-03-29T01:00:00Z"), date("2026-03-29"))
        );
        assert_eq!(
            next_due(&berlin, half_two, utc("2026-03-29T00:59:00Z")),
            utc("2026-03-29T01:00:00Z")
        );
        // 25.10.2026: 03:00 CEST → 02:00 CET; 02:30 happens twice, the first is 00:30 UTC.
        assert_eq!(
            local_instant(&berlin, date("2026-10-25"), half_two),
            utc("2026-10-25T00:30:00Z")
        );
        // After the second 02:30 the same day's digest is still the latest (no second one).
        assert_eq!(
            latest_due(&berlin, half_two, utc("2026-10-25T01:45:00Z")).1,
            date("2026-10-25")
        );
    }

    fn ev(request_id: i64, kind: &str, at: &str, status: &str) -> ChartEvent {
        ChartEvent {
            request_id,
            kind: kind.into(),
            at: utc(at).timestamp_millis(),
            status: status.into(),
        }
    }

    #[test]
    fn the_day_series_counts_by_local_day() {
        let tz = chrono_tz::Asia::Kamchatka; // UTC+12, no daylight saving
        let first = date("2026-02-09"); // a Monday
        let events = [
            // 09.02 local (21:00 UTC the day before is 09:00 local)
            ev(1, "created", "2026-02-08T21:00:00Z", "closed"),
            ev(2, "created", "2026-02-09T05:00:00Z", "open"),
            ev(3, "created", "2026-02-09T11:59:59Z", "cancelled"),
            // 10.02 local from 12:00 UTC on 09.02
            ev(1, "closed", "2026-02-09T12:00:00Z", "closed"),
            ev(3, "cancelled", "2026-02-09T13:00:00Z", "cancelled"),
            ev(4, "created", "2026-02-09T14:00:00Z", "claimed"),
            ev(5, "created", "2026-02-09T15:00:00Z", "done"),
            // A request closed twice the same day (reopened in between) counts once.
            ev(6, "closed", "2026-02-10T01:00:00Z", "closed"),
            ev(6, "closed", "2026-02-10T02:00:00Z", "closed"),
            // The last day, 08.03 local.
            ev(7, "created", "2026-03-08T11:00:00Z", "open"),
            // Outside: the day before, and the day after the 28.
            ev(8, "created", "2026-02-08T11:59:59Z", "open"),
            ev(9, "created", "2026-03-08T12:00:00Z", "open"),
        ];
        let days = day_series(&tz, first, 28, &events);
        assert_eq!(days.len(), 28);
        assert_eq!(days[0].date, first);
        assert_eq!(days[27].date, date("2026-03-08"));
        let d = |date, created, closed, cancelled, still_open| DayCounts {
            date,
            created,
            closed,
            cancelled,
            still_open,
        };
        assert_eq!(days[0], d(date("2026-02-09"), 3, 0, 0, 1));
        assert_eq!(days[1], d(date("2026-02-10"), 2, 2, 1, 2));
        assert_eq!(days[27], d(date("2026-03-08"), 1, 0, 0, 1));
        let rest: u32 = days[2..27]
            .iter()
            .map(|d| d.created + d.closed + d.cancelled + d.still_open)
            .sum();
        assert_eq!(rest, 0);
    }

    #[test]
    fn long_lists_are_cut_to_fit_one_message() {
        let i18n = I18n::load().unwrap();
        let region = Region {
            id: 39,
            code: "kaliningrad".into(),
            name_ru: "Калининградская область".into(),
            name_en: "Kaliningrad Oblast".into(),
            tz: chrono_tz::Europe::Kaliningrad,
        };
        // Escaping makes every '&' five characters: 30 such items would not fit.
        let long = |i: i64| ListedRequest {
            id: 1000 + i,
            category: "transport".into(),
            settlement: format!("<{}", "&".repeat(99)),
            since: 0,
            volunteer: Some("&".repeat(100)),
        };
        let data = DigestData {
            waiting: (0..15).map(long).collect(),
            waiting_total: 40,
            held: (0..15).map(long).collect(),
            held_total: 20,
            totals: vec![("open".into(), 40), ("claimed".into(), 20)],
            ..DigestData::default()
        };
        let span = Span {
            from: 0,
            to: DAY_MS,
            now: 10 * DAY_MS,
        };
        for lang in Lang::ALL {
            let text = render_text(&i18n, lang, &region, span, &data);
            assert!(
                text.encode_utf16().count() <= MAX_TEXT,
                "{lang:?}: too long"
            );
            assert!(!text.contains("<&"), "settlements are escaped");
            assert!(text.contains("&lt;&amp;"));
            assert!(text.contains("1000"));
        }
        let en = render_text(&i18n, Lang::En, &region, span, &data);
        let items = en.matches("• #").count();
        assert!(
            items > 0 && items < 30,
            "the lists were shortened: {items} items"
        );
        assert!(en.contains("All requests: 60"), "{en}");
        assert!(en.contains("…and "), "{en}");
        assert!(en.contains("waiting 10 days"), "{en}");
        let ru = render_text(&i18n, Lang::Ru, &region, span, &data);
        assert!(ru.contains("Всего заявок: 60"), "{ru}");
        assert!(ru.contains("№1000"), "{ru}");
        assert!(ru.contains("ждёт 10 дней"), "{ru}");
    }
}
