//! At the door: the code word a volunteer says before the door opens, 🚶 On my way, and family
//! who follow a request made for someone else.
//!
//! Who sees what: the code word goes to the person who asked and to the volunteer who holds the
//! request — never to followers (a share link can be forwarded further than intended, and the word
//! is what opens the door), other volunteers, club chats or pushes. Followers hear what happens
//! (taken, on the way, done, cancelled, reopened, closed) with the volunteer's shown name, never an
//! address or a phone, nor the volunteer's username or phone.

use chrono::Utc;
use rand::Rng;
use teloxide::types::CallbackQuery;
use teloxide::utils::html::escape;

use super::callbacks::Cb;
use super::keyboards::inline_markup;
use super::lifecycle::clear_pressed;
use super::{Ctx, Next, Person, notify, relay, render};
use crate::args;
use crate::db::{self, Tx, requests::RequestRow};
use crate::domain::door::{Eta, pick_code_word};
use crate::domain::{EventKind, ForWhom, Status};
use crate::error::HandlerResult;
use crate::i18n::Lang;
use crate::outbox::{Outgoing, Priority, enqueue};

/// A share link is a bearer token: past this many followers it is more likely forwarded to
/// strangers than shared within a family.
pub const MAX_FOLLOWERS: i64 = 10;

/// What happened to a request, as followers hear it (a claim has its own path: `claimed`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    Done,
    Reopened,
    Cancelled,
    Closed,
}

impl Change {
    fn follower_key(self) -> &'static str {
        match self {
            Change::Done => "door-follow-done",
            Change::Reopened => "door-follow-reopened",
            Change::Cancelled => "door-follow-cancelled",
            Change::Closed => "door-follow-closed",
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The code word

/// Right after a claim (or a lead's assignment), before the details go out: a new code word in
/// the requester's language, different from the one the request had before. Returns it.
pub async fn new_code_word(tx: &mut Tx, row: &RequestRow) -> Result<String, sqlx::Error> {
    let lang = notify::lang_of(tx, row.requester_id).await?;
    // Never the word the request had before: of two different words, the one it does not have.
    let first = pick_code_word(lang, None);
    let second = pick_code_word(lang, Some(first));
    let word = db::door::replace_code_word(tx, row.id, first, second).await?;
    Ok(word.unwrap_or_else(|| first.to_owned()))
}

/// The details the volunteer who holds the request gets, with the request's code word (`word`)
/// below them: one message, and the word goes when the details are edited away at the end.
pub fn with_code_word(
    ctx: &Ctx,
    lang: Lang,
    request_id: i64,
    word: Option<&str>,
    details: String,
) -> String {
    match word {
        Some(word) => {
            let code = ctx.i18n.f(
                lang,
                "door-code-volunteer",
                &args![("id", request_id), ("word", word)],
            );
            format!("{details}\n\n{code}")
        }
        None => details,
    }
}

/// The extra buttons under the details of a held request.
pub fn held_row(ctx: &Ctx, lang: Lang, id: i64) -> Vec<(String, Cb)> {
    vec![
        (ctx.t(lang, "btn-on-my-way"), Cb::OnMyWayAsk(id)),
        (ctx.t(lang, "btn-write-requester"), Cb::RelayStart(id)),
    ]
}

/// After a claim: the person who asked hears who is coming (`told`, already in their language)
/// and, in the same message, the code word with plain advice and a way to write to the
/// volunteer; followers hear who took it.
pub async fn claimed(
    ctx: &Ctx,
    tx: &mut Tx,
    row: &RequestRow,
    word: &str,
    volunteer_name: &str,
    followers: &[i64],
    told: String,
) -> Result<(), sqlx::Error> {
    let id = row.id;
    let lang = notify::lang_of(tx, row.requester_id).await?;
    let code = match (&row.beneficiary_name, row.for_whom()) {
        (Some(name), ForWhom::Other) => ctx.i18n.f(
            lang,
            "door-code-author",
            &args![("id", id), ("word", word), ("name", escape(name))],
        ),
        _ => ctx.i18n.f(
            lang,
            "door-code-requester",
            &args![("id", id), ("word", word)],
        ),
    };
    let text = format!("{told}\n\n{code}");
    let markup = Some(inline_markup(vec![vec![(
        ctx.t(lang, "btn-write-volunteer"),
        Cb::RelayStart(id),
    )]]));
    enqueue(
        tx,
        &Outgoing::text(row.requester_id, Priority::Reply, text, markup),
    )
    .await?;
    let volunteer = escape(volunteer_name);
    tell_these(ctx, tx, row, followers, |lang, name| {
        ctx.i18n.f(
            lang,
            "door-follow-claimed",
            &args![("id", id), ("name", name), ("volunteer", volunteer.clone())],
        )
    })
    .await
}

/// Every other change of a request: followers are told, a conversation through the bot about it
/// closes, and once it ended nothing of the door is kept.
pub async fn changed(ctx: &Ctx, tx: &mut Tx, id: i64, change: Change) -> Result<(), sqlx::Error> {
    if let Some(row) = db::requests::get_tx(tx, id).await? {
        tell_followers(ctx, tx, &row, |lang, name| {
            ctx.i18n.f(
                lang,
                change.follower_key(),
                &args![("id", id), ("name", name)],
            )
        })
        .await?;
    }
    relay::close(ctx, tx, id).await?;
    if matches!(change, Change::Cancelled | Change::Closed) {
        db::door::forget_request(tx, id).await?;
    }
    Ok(())
}

/// Whom a request is for, as a follower reads it: the name its author gave, else "an elderly
/// person" and the like (the name is gone once erased).
fn beneficiary(ctx: &Ctx, lang: Lang, row: &RequestRow) -> String {
    match &row.beneficiary_name {
        Some(name) => escape(name),
        None => render::who(&ctx.i18n, lang, row.beneficiary()),
    }
}

async fn tell_followers(
    ctx: &Ctx,
    tx: &mut Tx,
    row: &RequestRow,
    text: impl Fn(Lang, String) -> String,
) -> Result<(), sqlx::Error> {
    let followers = db::door::followers(tx, row.id).await?;
    tell_these(ctx, tx, row, &followers, text).await
}

/// `tell_followers`, to followers already read.
async fn tell_these(
    ctx: &Ctx,
    tx: &mut Tx,
    row: &RequestRow,
    followers: &[i64],
    text: impl Fn(Lang, String) -> String,
) -> Result<(), sqlx::Error> {
    for &follower in followers {
        let lang = notify::lang_of(tx, follower).await?;
        let out = Outgoing::text(
            follower,
            Priority::Reply,
            text(lang, beneficiary(ctx, lang, row)),
            None,
        );
        enqueue(tx, &out).await?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// 🚶 On my way

fn held_by(row: &RequestRow, person: &Person) -> bool {
    row.status() == Status::Claimed && row.claimed_by == Some(person.id)
}

async fn refuse_volunteer(
    ctx: &Ctx,
    person: &Person,
    q: &CallbackQuery,
    row: Option<&RequestRow>,
) -> HandlerResult {
    let key = match row {
        None => "request-not-found",
        Some(_) => "not-held-by-you",
    };
    ctx.answer_callback(q, Some(ctx.t(person.lang, key)), true)
        .await;
    Ok(())
}

pub async fn on_my_way_ask(
    ctx: &Ctx,
    person: &Person,
    q: &CallbackQuery,
    id: i64,
) -> HandlerResult {
    let row = db::requests::get(&ctx.pool, id).await?;
    if !row.as_ref().is_some_and(|r| held_by(r, person)) {
        return refuse_volunteer(ctx, person, q, row.as_ref()).await;
    }
    let lang = person.lang;
    let buttons: Vec<Vec<(String, Cb)>> = Eta::ALL
        .chunks(2)
        .map(|pair| {
            pair.iter()
                .map(|e| (ctx.t(lang, e.key()), Cb::OnMyWay(id, *e)))
                .collect()
        })
        .collect();
    let text = ctx.i18n.f(lang, "door-eta-ask", &args![("id", id)]);
    ctx.respond(
        person.id,
        Next::Keep,
        vec![ctx.reply(person, text, Some(inline_markup(buttons)))],
    )
    .await?;
    ctx.answer_callback(q, None, false).await;
    Ok(())
}

/// "around 14:30" in the request's region's own time, or "later today".
fn when_text(ctx: &Ctx, lang: Lang, row: &RequestRow, eta: Eta) -> String {
    let arrival = eta.arrival(ctx.clock.now());
    match (arrival, ctx.regions.get(row.region_id)) {
        (Some(at), Some(region)) => {
            let time = at.with_timezone(&region.tz).format("%H:%M").to_string();
            ctx.i18n.f(lang, "door-when-at", &args![("time", time)])
        }
        (Some(at), None) => {
            let time = at.with_timezone(&Utc).format("%H:%M UTC").to_string();
            ctx.i18n.f(lang, "door-when-at", &args![("time", time)])
        }
        (None, _) => ctx.t(lang, "door-when-later"),
    }
}

/// The volunteer says when they will be there: the person who asked (with the code word once
/// more) and the followers are told, and it is recorded. It also counts as a sign of life: the
/// "are you still on it?" reminder of this claim is not sent (the leads' later alert still is).
pub async fn on_my_way(
    ctx: &Ctx,
    person: &Person,
    q: &CallbackQuery,
    id: i64,
    eta: Eta,
) -> HandlerResult {
    let now = ctx.clock.now_ms();
    let mut tx = ctx.begin().await?;
    let row = db::requests::get_tx(&mut tx, id).await?;
    let Some(row) = row.filter(|r| held_by(r, person)) else {
        drop(tx);
        let row = db::requests::get(&ctx.pool, id).await?;
        return refuse_volunteer(ctx, person, q, row.as_ref()).await;
    };
    db::requests::event(
        &mut tx,
        now,
        id,
        Some(person.id),
        EventKind::OnTheWay,
        Some(eta.code()),
    )
    .await?;
    if let Some(since) = row.claimed_at {
        db::requests::record_alert(&mut tx, id, "reminder", since, now).await?;
    }
    let name = db::volunteers::display_name(&mut tx, person.id)
        .await?
        .unwrap_or_else(|| person.first_name.clone());
    // A request taken before code words existed has none: it gets one now, for both sides.
    let (word, fresh) = match db::door::code_word(&mut tx, id).await? {
        Some(word) => (word, false),
        None => (new_code_word(&mut tx, &row).await?, true),
    };
    let lang = notify::lang_of(&mut tx, row.requester_id).await?;
    // "Later today" is not "on the way"; a request for someone else names whom the volunteer
    // is going to.
    let later = eta.arrival(ctx.clock.now()).is_none();
    let person_helped = match (&row.beneficiary_name, row.for_whom()) {
        (Some(name), ForWhom::Other) => Some(escape(name)),
        _ => None,
    };
    let key = match (person_helped.is_some(), later) {
        (false, false) => "door-on-way-requester",
        (false, true) => "door-on-way-requester-later",
        (true, false) => "door-on-way-author",
        (true, true) => "door-on-way-author-later",
    };
    let text = ctx.i18n.f(
        lang,
        key,
        &args![
            ("id", id),
            ("name", escape(&name)),
            ("person", person_helped.unwrap_or_default()),
            ("when", when_text(ctx, lang, &row, eta)),
            ("word", word.clone())
        ],
    );
    let write = inline_markup(vec![vec![(
        ctx.t(lang, "btn-write-volunteer"),
        Cb::RelayStart(id),
    )]]);
    enqueue(
        &mut tx,
        &Outgoing::text(row.requester_id, Priority::Reply, text, Some(write)),
    )
    .await?;
    tell_followers(ctx, &mut tx, &row, |lang, name| {
        let key = if later {
            "door-follow-on-way-later"
        } else {
            "door-follow-on-way"
        };
        ctx.i18n.f(
            lang,
            key,
            &args![
                ("id", id),
                ("name", name),
                ("when", when_text(ctx, lang, &row, eta))
            ],
        )
    })
    .await?;
    clear_pressed(&mut tx, q).await?;
    let mut ok = ctx.i18n.f(
        person.lang,
        "door-on-way-ok",
        &args![("id", id), ("when", when_text(ctx, person.lang, &row, eta))],
    );
    if fresh {
        let code = ctx.i18n.f(
            person.lang,
            "door-code-volunteer",
            &args![("id", id), ("word", word)],
        );
        ok = format!("{ok}\n\n{code}");
    }
    enqueue(&mut tx, &ctx.reply(person, ok, None)).await?;
    ctx.doorbell.commit(tx).await?;
    tracing::info!(request = id, eta = eta.code(), "volunteer on the way");
    ctx.answer_callback(q, None, false).await;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Family followers

fn link(ctx: &Ctx, code: i64) -> String {
    format!("https://t.me/{}?start=f_{code}", ctx.bot_username)
}

/// A positive code of about 62 random bits: unguessable, and short enough for a deep link.
fn new_code() -> i64 {
    rand::rng().random_range(1_i64 << 60..i64::MAX)
}

async fn share_message(
    ctx: &Ctx,
    tx: &mut Tx,
    person: &Person,
    id: i64,
) -> Result<Outgoing, sqlx::Error> {
    let code = db::door::create_link(tx, id, new_code(), ctx.clock.now_ms()).await?;
    let text = ctx.i18n.f(
        person.lang,
        "door-share-link",
        &args![("id", id), ("link", link(ctx, code))],
    );
    Ok(ctx.reply(person, text, None))
}

/// A request made for someone else was just created: its author gets the link to share.
pub async fn after_create(
    ctx: &Ctx,
    tx: &mut Tx,
    row: &RequestRow,
    author: &Person,
) -> Result<(), sqlx::Error> {
    if row.for_whom() != ForWhom::Other {
        return Ok(());
    }
    let mut out = share_message(ctx, tx, author, row.id).await?;
    // After the word that the request is posted (see `requester`).
    out.priority = crate::outbox::Priority::Closing;
    enqueue(tx, &out).await
}

/// The share link's text for a request made for someone else (a new link if it has none), for a
/// message about the request that is not a reply to its author (a weekly repeat posted by the job).
pub async fn share_text(
    ctx: &Ctx,
    tx: &mut Tx,
    row: &RequestRow,
    lang: Lang,
) -> Result<Option<String>, sqlx::Error> {
    if row.for_whom() != ForWhom::Other {
        return Ok(None);
    }
    let code = db::door::create_link(tx, row.id, new_code(), ctx.clock.now_ms()).await?;
    Ok(Some(ctx.i18n.f(
        lang,
        "door-share-link",
        &args![("id", row.id), ("link", link(ctx, code))],
    )))
}

fn shareable(row: &RequestRow) -> bool {
    row.for_whom() == ForWhom::Other
        && matches!(row.status(), Status::Open | Status::Claimed | Status::Done)
}

/// 🔗 Share (from /my): the current link, or a new one if sharing had stopped.
pub async fn share(ctx: &Ctx, person: &Person, q: &CallbackQuery, id: i64) -> HandlerResult {
    let mut tx = ctx.begin().await?;
    let row = db::requests::get_tx(&mut tx, id).await?;
    let refusal = match &row {
        None => Some("request-not-found"),
        Some(r) if r.requester_id != person.id => Some("not-your-request"),
        Some(r) if !shareable(r) => Some("door-not-shareable"),
        Some(_) => None,
    };
    if let Some(key) = refusal {
        drop(tx);
        ctx.answer_callback(q, Some(ctx.t(person.lang, key)), true)
            .await;
        return Ok(());
    }
    let out = share_message(ctx, &mut tx, person, id).await?;
    enqueue(&mut tx, &out).await?;
    ctx.doorbell.commit(tx).await?;
    ctx.answer_callback(q, None, false).await;
    Ok(())
}

/// 🚫 Stop sharing: the link stops working and every follower stops being told (they hear so).
pub async fn unshare(ctx: &Ctx, person: &Person, q: &CallbackQuery, id: i64) -> HandlerResult {
    let mut tx = ctx.begin().await?;
    let row = db::requests::get_tx(&mut tx, id).await?;
    let refusal = match &row {
        None => Some("request-not-found"),
        Some(r) if r.requester_id != person.id => Some("not-your-request"),
        Some(_) => None,
    };
    if let Some(key) = refusal {
        drop(tx);
        ctx.answer_callback(q, Some(ctx.t(person.lang, key)), true)
            .await;
        return Ok(());
    }
    let followers = db::door::stop_sharing(&mut tx, id).await?;
    tell_unshared(ctx, &mut tx, id, &followers).await?;
    let text = ctx.i18n.f(person.lang, "door-unshared", &args![("id", id)]);
    enqueue(&mut tx, &ctx.reply(person, text, None)).await?;
    ctx.doorbell.commit(tx).await?;
    tracing::info!(request = id, followers = followers.len(), "sharing stopped");
    ctx.answer_callback(q, None, false).await;
    Ok(())
}

async fn tell_unshared(
    ctx: &Ctx,
    tx: &mut Tx,
    id: i64,
    followers: &[i64],
) -> Result<(), sqlx::Error> {
    for f in followers {
        notify::tell(tx, ctx, *f, "door-unshared-follower", id, None).await?;
    }
    Ok(())
}

fn parse_code(payload: &str) -> Option<i64> {
    (payload.len() <= 20 && payload.chars().all(|c| c.is_ascii_digit()))
        .then(|| payload.parse::<i64>().ok())
        .flatten()
        .filter(|c| *c > 0)
}

/// The request behind a link if this person may follow it, else what to tell them.
async fn follow_refusal(
    ctx: &Ctx,
    tx: &mut Tx,
    person: &Person,
    code: Option<i64>,
) -> Result<Result<RequestRow, String>, sqlx::Error> {
    let lang = person.lang;
    let request = match code {
        Some(c) => db::door::request_of_link(tx, c).await?,
        None => None,
    };
    let row = match request {
        Some(id) => db::requests::get_tx(tx, id).await?,
        None => None,
    };
    let Some(row) = row.filter(shareable) else {
        return Ok(Err(ctx.t(lang, "door-follow-dead")));
    };
    let id = row.id;
    if row.requester_id == person.id {
        return Ok(Err(ctx.t(lang, "door-follow-own")));
    }
    if row.claimed_by == Some(person.id) {
        return Ok(Err(ctx.t(lang, "door-follow-holder")));
    }
    if db::door::is_follower(tx, id, person.id).await? {
        return Ok(Err(ctx.i18n.f(
            lang,
            "door-follow-already",
            &args![("id", id)],
        )));
    }
    if db::door::follower_count(tx, id).await? >= MAX_FOLLOWERS {
        return Ok(Err(ctx.i18n.f(
            lang,
            "door-follow-full",
            &args![("id", id), ("max", MAX_FOLLOWERS)],
        )));
    }
    Ok(Ok(row))
}

/// Someone opened a share link (`/start f_CODE`): say plainly what following means, then ask.
pub async fn open_link(ctx: &Ctx, person: &Person, payload: &str) -> HandlerResult {
    let code = parse_code(payload);
    // A write transaction only to read consistently; nothing changes until they say yes.
    let mut tx = ctx.begin().await?;
    let out = match (follow_refusal(ctx, &mut tx, person, code).await?, code) {
        (Ok(row), Some(code)) => {
            let lang = person.lang;
            let text = ctx.i18n.f(
                lang,
                "door-follow-ask",
                &args![
                    ("id", row.id),
                    (
                        "category",
                        render::category(&ctx.i18n, lang, row.category())
                    ),
                    ("name", beneficiary(ctx, lang, &row)),
                    ("settlement", render::place(&ctx.regions, lang, &row))
                ],
            );
            let buttons = inline_markup(vec![vec![
                (ctx.t(lang, "btn-follow-yes"), Cb::Follow(code)),
                (ctx.t(lang, "btn-follow-no"), Cb::FollowDecline),
            ]]);
            ctx.reply(person, text, Some(buttons))
        }
        (Err(text), _) => ctx.reply(person, text, None),
        (Ok(_), None) => ctx.reply(person, ctx.t(person.lang, "door-follow-dead"), None),
    };
    enqueue(&mut tx, &out).await?;
    ctx.doorbell.commit(tx).await?;
    Ok(())
}

/// ✅ Yes, follow: checked again (the link may have stopped working meanwhile).
pub async fn follow(ctx: &Ctx, person: &Person, q: &CallbackQuery, code: i64) -> HandlerResult {
    let mut tx = ctx.begin().await?;
    let row = match follow_refusal(ctx, &mut tx, person, Some(code)).await? {
        Ok(row) => row,
        Err(text) => {
            drop(tx);
            ctx.answer_callback(q, Some(text), true).await;
            return Ok(());
        }
    };
    let id = row.id;
    db::door::follow(&mut tx, id, person.id, ctx.clock.now_ms()).await?;
    // The author hears who follows: a link forwarded to a stranger shows up at once.
    let author_lang = notify::lang_of(&mut tx, row.requester_id).await?;
    let note = ctx.i18n.f(
        author_lang,
        "door-follow-new-author",
        &args![("id", id), ("name", escape(&person.first_name))],
    );
    enqueue(
        &mut tx,
        &Outgoing::text(row.requester_id, Priority::Reply, note, None),
    )
    .await?;
    clear_pressed(&mut tx, q).await?;
    let text = ctx
        .i18n
        .f(person.lang, "door-follow-ok", &args![("id", id)]);
    let stop = inline_markup(vec![vec![(
        ctx.i18n.f(person.lang, "btn-unfollow", &args![("id", id)]),
        Cb::Unfollow(id),
    )]]);
    enqueue(&mut tx, &ctx.reply(person, text, Some(stop))).await?;
    ctx.doorbell.commit(tx).await?;
    tracing::info!(request = id, "a relative follows a request");
    ctx.answer_callback(q, None, false).await;
    Ok(())
}

pub async fn follow_decline(ctx: &Ctx, person: &Person, q: &CallbackQuery) -> HandlerResult {
    let mut tx = ctx.begin().await?;
    clear_pressed(&mut tx, q).await?;
    let text = ctx.t(person.lang, "door-follow-declined");
    enqueue(&mut tx, &ctx.reply(person, text, None)).await?;
    ctx.doorbell.commit(tx).await?;
    ctx.answer_callback(q, None, false).await;
    Ok(())
}

pub async fn unfollow(ctx: &Ctx, person: &Person, q: &CallbackQuery, id: i64) -> HandlerResult {
    let mut tx = ctx.begin().await?;
    if !db::door::unfollow(&mut tx, id, person.id).await? {
        drop(tx);
        ctx.answer_callback(q, Some(ctx.t(person.lang, "stale-button")), false)
            .await;
        return Ok(());
    }
    clear_pressed(&mut tx, q).await?;
    let text = ctx
        .i18n
        .f(person.lang, "door-unfollowed", &args![("id", id)]);
    enqueue(&mut tx, &ctx.reply(person, text, None)).await?;
    ctx.doorbell.commit(tx).await?;
    ctx.answer_callback(q, None, false).await;
    Ok(())
}

/// /my, for one of the person's own requests: the code word while it is taken, and buttons to
/// write to the volunteer and to share with family (or stop).
pub async fn my_request_extras(
    ctx: &Ctx,
    lang: Lang,
    r: &RequestRow,
) -> Result<(Option<String>, Vec<Vec<(String, Cb)>>), sqlx::Error> {
    let mut line = None;
    let mut buttons = vec![];
    if r.status() == Status::Claimed {
        if let Some(word) = db::door::code_word_of(&ctx.pool, r.id).await? {
            line = Some(ctx.i18n.f(lang, "door-code-line", &args![("word", word)]));
        }
        buttons.push(vec![(
            ctx.i18n.f(lang, "btn-write-about", &args![("id", r.id)]),
            Cb::RelayStart(r.id),
        )]);
    }
    if shareable(r) {
        buttons.push(vec![if db::door::shared(&ctx.pool, r.id).await? {
            (
                ctx.i18n.f(lang, "btn-unshare", &args![("id", r.id)]),
                Cb::Unshare(r.id),
            )
        } else {
            (
                ctx.i18n.f(lang, "btn-share", &args![("id", r.id)]),
                Cb::Share(r.id),
            )
        }]);
    }
    Ok((line, buttons))
}

/// /delete_me: nothing of the door is kept for this person (see `db::door::erase`); relatives
/// who followed their requests hear that sharing stopped.
pub async fn erase(ctx: &Ctx, tx: &mut Tx, user_id: i64) -> Result<(), sqlx::Error> {
    for (request, follower) in db::door::erase(tx, user_id).await? {
        tell_unshared(ctx, tx, request, &[follower]).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_positive_numbers_are_link_codes() {
        assert_eq!(
            parse_code("1234567890123456789"),
            Some(1_234_567_890_123_456_789)
        );
        for bad in [
            "",
            "0",
            "-5",
            "12a",
            "<script>",
            "99999999999999999999",
            "1 2",
        ] {
            assert_eq!(parse_code(bad), None, "{bad}");
        }
        for _ in 0..100 {
            let code = new_code();
            assert_eq!(parse_code(&code.to_string()), Some(code));
        }
    }
}
