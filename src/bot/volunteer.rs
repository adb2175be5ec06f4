//! Volunteers: registration, profile, the list of open requests, and what they hold.

use teloxide::types::{CallbackQuery, Message, ReplyMarkup};
use teloxide::utils::html::escape;

use super::callbacks::{Cb, ProfileField};
use super::keyboards::{self, inline_markup, nav_row, pairs, reply};
use super::regions::{self, Picked, chosen_label};
use super::state::{State, VolStep, VolunteerDraft};
use super::{Ctx, Next, Person, lifecycle, paging, render};
use crate::args;
use crate::db::{self, volunteers::Profile};
use crate::domain::text::{BoundedText, TextError, limits};
use crate::domain::{Category, Phone};
use crate::error::HandlerResult;
use crate::i18n::Lang;

const TASKS_PAGE: i64 = 5;

/// "🤝 I want to help": registration, or the profile if already registered.
pub async fn start(ctx: &Ctx, person: &Person) -> HandlerResult {
    let draft = match db::volunteers::get(&ctx.pool, person.id).await? {
        // Someone the club did not approve may register again; they wait for a decision anew.
        Some(p) if p.status == "rejected" => VolunteerDraft {
            name: Some(p.display_name),
            regions: p.regions,
            categories: p.categories,
            phone: p.phone,
            ..Default::default()
        },
        Some(_) => return show_profile(ctx, person).await,
        None => VolunteerDraft::default(),
    };
    go(ctx, person, VolStep::Name, draft, None).await
}

fn ask(
    ctx: &Ctx,
    person: &Person,
    step: VolStep,
    d: &VolunteerDraft,
    problem: Option<String>,
) -> (String, ReplyMarkup) {
    let lang = person.lang;
    let t = |k: &str| ctx.t(lang, k);
    // A single change from /profile has no previous step: ⬅️ Back would mean "leave", like Cancel.
    let nav = if d.single {
        vec![t("btn-cancel")]
    } else {
        nav_row(&ctx.i18n, lang)
    };
    let (question, markup) = match step {
        VolStep::Name => {
            let suggestion = d.name.clone().unwrap_or_else(|| person.first_name.clone());
            (t("vol-ask-name"), reply(vec![vec![suggestion], nav]))
        }
        VolStep::Regions => {
            let mut rows = regions::keyboard_rows(ctx, lang, &d.picker, &d.regions);
            rows.push(vec![t("btn-finish")]);
            rows.push(nav);
            let mut q = t("vol-ask-regions");
            if !d.regions.is_empty() {
                q = format!(
                    "{q}\n\n{}",
                    ctx.i18n.f(
                        lang,
                        "vol-regions-chosen",
                        &args![("list", region_list(ctx, lang, &d.regions))]
                    )
                );
            }
            (q, reply(rows))
        }
        VolStep::Categories => {
            let labels = Category::ALL
                .iter()
                .map(|c| {
                    let name = t(&c.key());
                    if d.categories.contains(c) {
                        chosen_label(ctx, lang, &name)
                    } else {
                        name
                    }
                })
                .collect();
            let mut rows = pairs(labels);
            rows.push(vec![t("btn-finish")]);
            rows.push(nav);
            let mut q = t("vol-ask-categories");
            if !d.categories.is_empty() {
                q = format!(
                    "{q}\n\n{}",
                    ctx.i18n.f(
                        lang,
                        "vol-categories-chosen",
                        &args![("list", category_list(ctx, lang, &d.categories))]
                    )
                );
            }
            (q, reply(rows))
        }
        VolStep::Phone => (t("vol-ask-phone"), keyboards::phone(&ctx.i18n, lang)),
    };
    let text = match problem {
        Some(p) => format!("{p}\n\n{question}"),
        None => question,
    };
    (text, markup)
}

fn region_list(ctx: &Ctx, lang: Lang, ids: &[i64]) -> String {
    ids.iter()
        .map(|id| escape(&render::region(&ctx.regions, lang, *id)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn category_list(ctx: &Ctx, lang: Lang, cats: &[Category]) -> String {
    cats.iter()
        .map(|c| render::category(&ctx.i18n, lang, *c))
        .collect::<Vec<_>>()
        .join(", ")
}

async fn go(
    ctx: &Ctx,
    person: &Person,
    step: VolStep,
    draft: VolunteerDraft,
    problem: Option<String>,
) -> HandlerResult {
    let (text, markup) = ask(ctx, person, step, &draft, problem);
    let next = Next::Set(Box::new(State::Volunteer { step, draft }));
    ctx.respond(person.id, next, vec![ctx.reply(person, text, Some(markup))])
        .await
}

enum Outcome {
    Next(VolStep),
    Stay(Option<String>),
    Finish,
}

pub async fn on_message(
    ctx: &Ctx,
    person: &Person,
    msg: &Message,
    step: VolStep,
    mut draft: VolunteerDraft,
) -> HandlerResult {
    let text = msg.text().unwrap_or_default();
    if ctx.i18n.is_label(text, "btn-cancel") {
        return super::commands::cancel_dialogue(ctx, person).await;
    }
    if ctx.i18n.is_label(text, "btn-back") {
        return match step.back().filter(|_| !draft.single) {
            Some(prev) => go(ctx, person, prev, draft, None).await,
            None => super::commands::cancel_dialogue(ctx, person).await,
        };
    }
    match answer(ctx, person.lang, msg, step, &mut draft) {
        Outcome::Next(_) | Outcome::Finish if draft.single => save(ctx, person, draft).await,
        Outcome::Next(next) => go(ctx, person, next, draft, None).await,
        Outcome::Finish => save(ctx, person, draft).await,
        Outcome::Stay(problem) => go(ctx, person, step, draft, problem).await,
    }
}

fn answer(ctx: &Ctx, lang: Lang, msg: &Message, step: VolStep, d: &mut VolunteerDraft) -> Outcome {
    let i = &ctx.i18n;
    let Some(text) = msg.text().or_else(|| msg.contact().map(|_| "")) else {
        return Outcome::Stay(Some(ctx.t(lang, "input-need-text")));
    };
    match step {
        VolStep::Name => match BoundedText::parse(text, limits::NAME) {
            Ok(name) => {
                d.name = Some(name.into_inner());
                Outcome::Next(VolStep::Regions)
            }
            Err(e) => Outcome::Stay(Some(text_problem(ctx, lang, e))),
        },
        VolStep::Regions => {
            if i.is_label(text, "btn-finish") {
                return if d.regions.is_empty() {
                    Outcome::Stay(Some(ctx.t(lang, "vol-regions-none")))
                } else {
                    Outcome::Next(VolStep::Categories)
                };
            }
            // A tap on a chosen region (shown with a tick) removes it.
            let unchoose = d.regions.iter().position(|id| {
                ctx.regions.get(*id).is_some_and(|r| {
                    Lang::ALL
                        .iter()
                        .any(|l| chosen_label(ctx, *l, r.name(*l == Lang::Ru)) == text.trim())
                })
            });
            if let Some(pos) = unchoose {
                d.regions.remove(pos);
                return Outcome::Stay(None);
            }
            match regions::handle(ctx, lang, &mut d.picker, text) {
                Picked::Region(id) => {
                    if !d.regions.contains(&id) {
                        d.regions.push(id);
                    }
                    Outcome::Stay(None)
                }
                Picked::Stay(problem) => Outcome::Stay(problem),
            }
        }
        VolStep::Categories => {
            if i.is_label(text, "btn-finish") {
                return if d.categories.is_empty() {
                    Outcome::Stay(Some(ctx.t(lang, "vol-categories-none")))
                } else {
                    Outcome::Next(VolStep::Phone)
                };
            }
            for c in Category::ALL {
                if i.is_label(text, &c.key()) {
                    if !d.categories.contains(c) {
                        d.categories.push(*c);
                        d.categories.sort_by_key(|c| c.index());
                    }
                    return Outcome::Stay(None);
                }
                let chosen = Lang::ALL
                    .iter()
                    .any(|l| chosen_label(ctx, *l, &ctx.t(*l, &c.key())) == text.trim());
                if chosen {
                    d.categories.retain(|x| x != c);
                    return Outcome::Stay(None);
                }
            }
            Outcome::Stay(Some(ctx.t(lang, "not-understood")))
        }
        VolStep::Phone => {
            if let Some(contact) = msg.contact() {
                return match Phone::parse(&contact.phone_number) {
                    Some(p) => {
                        d.phone = Some(p.into_inner());
                        Outcome::Finish
                    }
                    None => Outcome::Stay(Some(ctx.t(lang, "input-bad-phone"))),
                };
            }
            if i.is_label(text, "btn-skip") {
                d.phone = None;
                return Outcome::Finish;
            }
            match Phone::parse(text) {
                Some(p) => {
                    d.phone = Some(p.into_inner());
                    Outcome::Finish
                }
                None => Outcome::Stay(Some(ctx.t(lang, "input-bad-phone"))),
            }
        }
    }
}

fn text_problem(ctx: &Ctx, lang: Lang, e: TextError) -> String {
    match e {
        TextError::Empty => ctx.t(lang, "input-empty"),
        TextError::TooLong { max, got } => {
            ctx.i18n
                .f(lang, "input-too-long", &args![("max", max), ("got", got)])
        }
    }
}

async fn save(ctx: &Ctx, person: &Person, d: VolunteerDraft) -> HandlerResult {
    let profile = Profile {
        user_id: person.id,
        display_name: d.name.clone().unwrap_or_else(|| person.first_name.clone()),
        phone: d.phone.clone(),
        status: String::new(),
        regions: d.regions.clone(),
        categories: d.categories.clone(),
    };
    let initial = if ctx.config.require_volunteer_approval {
        "pending"
    } else {
        "approved"
    };
    let mut tx = ctx.begin().await?;
    let saved = db::volunteers::save(&mut tx, ctx.clock.now_ms(), &profile, initial).await?;
    if saved.newly_pending {
        super::lead::ask_for_approval(ctx, &mut tx, person.id).await?;
    }
    let status = saved.status;
    let lang = person.lang;
    let text = if d.single {
        ctx.t(lang, "vol-saved")
    } else if status == "approved" {
        ctx.i18n.f(
            lang,
            "vol-registered",
            &args![
                ("regions", region_list(ctx, lang, &d.regions)),
                ("categories", category_list(ctx, lang, &d.categories))
            ],
        )
    } else {
        ctx.t(lang, "vol-registered-pending")
    };
    let menu = keyboards::main_menu(&ctx.i18n, lang, true);
    db::dialogues::clear(&mut tx, person.id).await?;
    crate::outbox::enqueue(&mut tx, &ctx.reply(person, text, Some(menu))).await?;
    ctx.doorbell.commit(tx).await?;
    tracing::info!(volunteer = person.id, status, "volunteer profile saved");
    Ok(())
}

pub async fn show_profile(ctx: &Ctx, person: &Person) -> HandlerResult {
    let lang = person.lang;
    let Some(p) = db::volunteers::get(&ctx.pool, person.id).await? else {
        let menu = ctx.main_menu(person).await?;
        let text = ctx.t(lang, "role-volunteers-only");
        return ctx
            .respond(
                person.id,
                Next::Keep,
                vec![ctx.reply(person, text, Some(menu))],
            )
            .await;
    };
    let phone = p
        .phone
        .as_deref()
        .map(escape)
        .unwrap_or_else(|| ctx.t(lang, "profile-no-phone"));
    let duty = super::duty::duty_of(ctx, person.id).await?;
    let text = ctx.i18n.f(
        lang,
        "profile-text",
        &args![
            ("name", escape(&p.display_name)),
            ("status", ctx.t(lang, &format!("vol-status-{}", p.status))),
            ("regions", region_list(ctx, lang, &p.regions)),
            ("categories", category_list(ctx, lang, &p.categories)),
            ("phone", phone),
        ],
    );
    let text = format!("{text}\n{}", super::duty::profile_line(ctx, lang, &duty));
    let buttons = inline_markup(vec![
        vec![
            (
                ctx.t(lang, "btn-edit-name"),
                Cb::EditProfile(ProfileField::Name),
            ),
            (
                ctx.t(lang, "btn-edit-phone"),
                Cb::EditProfile(ProfileField::Phone),
            ),
        ],
        vec![(
            ctx.t(lang, "btn-edit-regions"),
            Cb::EditProfile(ProfileField::Regions),
        )],
        vec![(
            ctx.t(lang, "btn-edit-categories"),
            Cb::EditProfile(ProfileField::Categories),
        )],
        super::duty::profile_buttons(ctx, lang, &duty),
    ]);
    ctx.respond(
        person.id,
        Next::Keep,
        vec![ctx.reply(person, text, Some(buttons))],
    )
    .await
}

/// A ✏️ button under the profile: ask that one question again, then save.
pub async fn edit_profile(
    ctx: &Ctx,
    person: &Person,
    q: &CallbackQuery,
    field: ProfileField,
    state: State,
) -> HandlerResult {
    ctx.answer_callback(q, None, false).await;
    if state != State::Idle {
        let text = ctx.t(person.lang, "finish-first");
        return ctx
            .respond(person.id, Next::Keep, vec![ctx.reply(person, text, None)])
            .await;
    }
    let Some(p) = db::volunteers::get(&ctx.pool, person.id).await? else {
        let text = ctx.t(person.lang, "role-volunteers-only");
        return ctx
            .respond(person.id, Next::Keep, vec![ctx.reply(person, text, None)])
            .await;
    };
    let draft = VolunteerDraft {
        name: Some(p.display_name),
        regions: p.regions,
        categories: p.categories,
        phone: p.phone,
        single: true,
        picker: Default::default(),
    };
    let step = match field {
        ProfileField::Name => VolStep::Name,
        ProfileField::Regions => VolStep::Regions,
        ProfileField::Categories => VolStep::Categories,
        ProfileField::Phone => VolStep::Phone,
    };
    go(ctx, person, step, draft, None).await
}

/// Requests a volunteer can take now; `Err(key)` says why they cannot see the list.
async fn approved(
    ctx: &Ctx,
    person: &Person,
) -> Result<Result<Profile, &'static str>, sqlx::Error> {
    Ok(match db::volunteers::get(&ctx.pool, person.id).await? {
        None => Err("role-volunteers-only"),
        Some(p) if p.status == "pending" => Err("claim-pending"),
        Some(p) if p.status == "suspended" => Err("claim-suspended"),
        Some(p) if !p.is_approved() => Err("claim-not-volunteer"),
        Some(p) => Ok(p),
    })
}

fn tasks_message(
    ctx: &Ctx,
    lang: Lang,
    rows: &[db::requests::RequestRow],
    total: i64,
    page: u32,
) -> (String, Option<teloxide::types::InlineKeyboardMarkup>) {
    if total == 0 {
        return (ctx.t(lang, "tasks-empty"), None);
    }
    let mut text = paging::header(ctx, lang, "tasks-header", total, page, TASKS_PAGE);
    let mut buttons = vec![];
    for r in rows {
        text.push_str("\n\n");
        text.push_str(&render::task_item(&ctx.i18n, &ctx.regions, lang, r));
        buttons.push(vec![(
            ctx.i18n.f(lang, "btn-claim-n", &args![("id", r.id)]),
            Cb::Claim(r.id),
        )]);
    }
    buttons.extend(paging::nav(
        ctx,
        lang,
        page,
        total,
        TASKS_PAGE,
        Cb::TasksPage,
    ));
    (text, Some(keyboards::inline(buttons)))
}

pub async fn tasks(ctx: &Ctx, person: &Person) -> HandlerResult {
    let out = match approved(ctx, person).await? {
        Err(key) => ctx.reply(person, ctx.t(person.lang, key), None),
        Ok(_) => {
            let (rows, total) =
                db::requests::open_for_volunteer(&ctx.pool, person.id, TASKS_PAGE, 0).await?;
            let (text, markup) = tasks_message(ctx, person.lang, &rows, total, 0);
            ctx.reply(person, text, markup.map(ReplyMarkup::InlineKeyboard))
        }
    };
    ctx.respond(person.id, Next::Keep, vec![out]).await
}

/// ◀️ ▶️ under the list: the same message shows another page.
pub async fn tasks_page(ctx: &Ctx, person: &Person, q: &CallbackQuery, page: u32) -> HandlerResult {
    if let Err(key) = approved(ctx, person).await? {
        ctx.answer_callback(q, Some(ctx.t(person.lang, key)), true)
            .await;
        return Ok(());
    }
    let (rows, total) = db::requests::open_for_volunteer(
        &ctx.pool,
        person.id,
        TASKS_PAGE,
        page as i64 * TASKS_PAGE,
    )
    .await?;
    let (text, markup) = tasks_message(ctx, person.lang, &rows, total, page);
    paging::replace(ctx, person, q, text, markup).await
}

/// /my: what a volunteer holds (with Done and Give back), then the person's own requests.
pub async fn my(ctx: &Ctx, person: &Person) -> HandlerResult {
    let lang = person.lang;
    let mut outs = vec![];
    if db::volunteers::get(&ctx.pool, person.id).await?.is_some() {
        let held = db::requests::held_by(&ctx.pool, person.id).await?;
        if held.is_empty() {
            outs.push(ctx.reply(person, ctx.t(lang, "my-held-none"), None));
        } else {
            outs.push(
                ctx.reply(
                    person,
                    ctx.i18n
                        .f(lang, "my-held-header", &args![("count", held.len())]),
                    None,
                ),
            );
            // A read-only transaction: one connection for the few lookups.
            let mut tx = ctx.pool.begin().await?;
            for r in &held {
                let word = db::door::code_word(&mut tx, r.id).await?;
                let name = db::users::first_name(&mut tx, r.requester_id).await?;
                let notes = super::aftercare::notes_for_claimer(&mut tx, r).await?;
                outs.extend(lifecycle::details_for_claimer(
                    ctx,
                    person,
                    r,
                    &name,
                    &notes,
                    word.as_deref(),
                ));
            }
            drop(tx);
        }
    }
    let own = db::requests::of_requester(&ctx.pool, person.id, 10).await?;
    if own.is_empty() {
        if outs.is_empty() {
            let menu = ctx.main_menu(person).await?;
            outs.push(ctx.reply(person, ctx.t(lang, "my-requests-none"), Some(menu)));
        }
    } else {
        let mut text = ctx.t(lang, "my-requests-header");
        let mut buttons = vec![];
        for r in &own {
            text.push_str("\n\n");
            text.push_str(&render::my_request_item(&ctx.i18n, lang, r));
            let (code_word, door_buttons) = super::door::my_request_extras(ctx, lang, r).await?;
            if let Some(line) = code_word {
                text.push('\n');
                text.push_str(&line);
            }
            if r.status().cancellable() {
                buttons.push(vec![(
                    ctx.i18n.f(lang, "btn-cancel-request", &args![("id", r.id)]),
                    Cb::CancelAsk(r.id),
                )]);
            }
            buttons.extend(door_buttons);
        }
        let markup = (!buttons.is_empty()).then(|| inline_markup(buttons));
        outs.push(ctx.reply(person, text, markup));
    }
    outs.extend(super::duty::my_repeats(ctx, person).await?);
    ctx.respond(person.id, Next::Keep, outs).await
}
