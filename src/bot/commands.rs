//! Commands, the main menu, language, and chats the bot does not serve.

use teloxide::types::{CallbackQuery, Message};

use super::callbacks::Cb;
use super::keyboards::inline_markup;
use super::state::State;
use super::{Ctx, Next, Person, requester, volunteer};
use crate::args;
use crate::db;
use crate::error::HandlerResult;
use crate::i18n::Lang;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// With the deep-link payload, if any (`t.me/bot?start=PAYLOAD`).
    Start(Option<String>),
    Help,
    My,
    Tasks,
    Profile,
    Language,
    Cancel,
    /// Erase my personal data (after a confirmation).
    DeleteMe,
    // Volunteers' own duty.
    Pause,
    Resume,
    Quiet,
    Stats,
    // Operators.
    InviteLead,
    Leads,
    // Club leads.
    Volunteers,
    Requests,
    Digest,
    Export,
    BindRegion,
    UnbindRegion,
    /// Reimbursements due, with a Repaid button each.
    Receipts,
    /// Pause or resume new requests in a region.
    Intake,
    /// A command this bot does not know (or one addressed to another bot in a group).
    Unknown,
}

impl Command {
    /// The menu shown by Telegram, in this order; descriptions come from the locales.
    pub const MENU: [(&'static str, &'static str); 9] = [
        ("start", "cmd-start"),
        ("help", "cmd-help"),
        ("my", "cmd-my"),
        ("tasks", "cmd-tasks"),
        ("profile", "cmd-profile"),
        ("stats", "cmd-stats"),
        ("language", "cmd-language"),
        ("cancel", "cmd-cancel"),
        ("delete_me", "cmd-delete-me"),
    ];

    /// `None` when the text is not a command (or is addressed to another bot).
    pub fn parse(text: &str, bot_username: &str) -> Option<Command> {
        let mut words = text.split_whitespace();
        let first = words.next()?;
        let name = first.strip_prefix('/')?;
        let name = match name.split_once('@') {
            Some((n, to)) if to.eq_ignore_ascii_case(bot_username) => n,
            Some(_) => return None,
            None => name,
        };
        Some(match name.to_ascii_lowercase().as_str() {
            "start" => Command::Start(words.next().map(str::to_owned)),
            "help" => Command::Help,
            "my" => Command::My,
            "tasks" => Command::Tasks,
            "profile" => Command::Profile,
            "language" | "lang" => Command::Language,
            "cancel" | "stop" => Command::Cancel,
            "delete_me" => Command::DeleteMe,
            "pause" => Command::Pause,
            "resume" => Command::Resume,
            "quiet" => Command::Quiet,
            "stats" => Command::Stats,
            "invite_lead" => Command::InviteLead,
            "leads" => Command::Leads,
            "volunteers" => Command::Volunteers,
            "requests" => Command::Requests,
            "digest" => Command::Digest,
            "export" => Command::Export,
            "bind_region" => Command::BindRegion,
            "unbind_region" => Command::UnbindRegion,
            "receipts" => Command::Receipts,
            "intake" => Command::Intake,
            _ => Command::Unknown,
        })
    }
}

pub async fn handle(ctx: &Ctx, person: &Person, cmd: Command, state: State) -> HandlerResult {
    let lang = person.lang;
    let in_dialogue = state != State::Idle;
    match cmd {
        Command::Start(Some(payload)) if payload.starts_with("lead_") => {
            super::admin::redeem_invite(ctx, person, &payload["lead_".len()..]).await
        }
        Command::Start(Some(payload)) if payload.starts_with("f_") => {
            super::door::open_link(ctx, person, &payload["f_".len()..]).await
        }
        Command::Start(_) => {
            let menu = ctx.main_menu(person).await?;
            let text = ctx.i18n.f(
                lang,
                "start-intro",
                &args![("name", teloxide::utils::html::escape(&person.first_name))],
            );
            ctx.respond(
                person.id,
                Next::Clear,
                vec![ctx.reply(person, text, Some(menu))],
            )
            .await
        }
        Command::Cancel => cancel_dialogue(ctx, person).await,
        Command::Language => {
            let buttons = inline_markup(vec![vec![
                ("Русский".to_owned(), Cb::Language(Lang::Ru)),
                ("English".to_owned(), Cb::Language(Lang::En)),
            ]]);
            ctx.respond(
                person.id,
                Next::Keep,
                vec![ctx.reply(person, ctx.t(lang, "language-choose"), Some(buttons))],
            )
            .await
        }
        Command::Help => {
            let volunteer = ctx.is_volunteer(person.id).await?;
            let key = if volunteer {
                "help-volunteer"
            } else {
                "help-requester"
            };
            let mut text = ctx.t(lang, key);
            if volunteer {
                text = format!("{text}\n{}", ctx.t(lang, "help-duty"));
            } else {
                text = format!("{text}\n{}", ctx.t(lang, "help-requester-voice"));
            }
            if !db::leads::regions_of(&ctx.pool, person.id)
                .await?
                .is_empty()
            {
                text = format!("{text}\n\n{}", ctx.t(lang, "help-lead"));
                text = format!("{text}\n{}", ctx.t(lang, "help-lead-aftercare"));
            }
            if ctx.is_admin(person.id) {
                text = format!("{text}\n\n{}", ctx.t(lang, "help-operator"));
            }
            let mut outs = vec![ctx.reply(person, text, None)];
            outs.extend(reask(ctx, person, &state));
            ctx.respond(person.id, Next::Keep, outs).await
        }
        _ if in_dialogue => {
            // Leaving a half-filled request by accident would lose it: finish or /cancel first.
            let mut outs = vec![ctx.reply(person, ctx.t(lang, "finish-first"), None)];
            outs.extend(reask(ctx, person, &state));
            ctx.respond(person.id, Next::Keep, outs).await
        }
        Command::My => volunteer::my(ctx, person).await,
        Command::Tasks => volunteer::tasks(ctx, person).await,
        Command::Profile => volunteer::show_profile(ctx, person).await,
        Command::DeleteMe => super::privacy::ask(ctx, person).await,
        Command::Pause => super::duty::set_pause(ctx, person, true).await,
        Command::Resume => super::duty::set_pause(ctx, person, false).await,
        Command::Quiet => super::duty::quiet(ctx, person).await,
        Command::Stats => super::duty::stats(ctx, person).await,
        Command::InviteLead => super::admin::invite(ctx, person).await,
        Command::Leads => super::admin::leads(ctx, person).await,
        Command::Volunteers => super::lead::volunteers(ctx, person).await,
        Command::Requests => super::lead::requests(ctx, person).await,
        Command::Digest => crate::jobs::digest::send_now(ctx, person).await,
        Command::Export => super::export::start(ctx, person).await,
        Command::Receipts => super::aftercare::receipts(ctx, person).await,
        Command::Intake => super::intake::intake(ctx, person).await,
        Command::BindRegion | Command::UnbindRegion => {
            let text = ctx.t(lang, "club-bind-in-group");
            ctx.respond(person.id, Next::Keep, vec![ctx.reply(person, text, None)])
                .await
        }
        Command::Unknown => {
            let menu = ctx.main_menu(person).await?;
            ctx.respond(
                person.id,
                Next::Keep,
                vec![ctx.reply(person, ctx.t(lang, "not-understood"), Some(menu))],
            )
            .await
        }
    }
}

/// The current question again, so the person sees where they are.
fn reask(ctx: &Ctx, person: &Person, state: &State) -> Option<crate::outbox::Outgoing> {
    match state {
        State::Idle => None,
        State::Request { step, draft } => {
            let (text, markup) = requester::ask(ctx, person.lang, *step, draft, None);
            Some(ctx.reply(person, text, Some(markup)))
        }
        State::Aftercare { .. } | State::IntakePause { .. } | State::VoiceRequest { .. } => {
            super::aftercare::reask(ctx, person, state)
        }
        State::Relay { request_id } => Some(super::relay::prompt_again(ctx, person, *request_id)),
        State::RelayOffer { .. } => None,
        State::Volunteer { .. } | State::InviteLead { .. } => None,
    }
}

/// ❌ Cancel, /cancel, or ⬅️ Back on a first question: leave the dialogue, keep nothing half-done.
pub async fn cancel_dialogue(ctx: &Ctx, person: &Person) -> HandlerResult {
    let menu = ctx.main_menu(person).await?;
    let text = ctx.t(person.lang, "cancelled");
    ctx.respond(
        person.id,
        Next::Clear,
        vec![ctx.reply(person, text, Some(menu))],
    )
    .await
}

/// A message with no dialogue going on: the main menu's buttons, or a gentle pointer to them.
pub async fn on_idle_message(ctx: &Ctx, person: &Person, msg: &Message) -> HandlerResult {
    if let Some(voice) = msg.voice() {
        // Someone who cannot type: one voice message is enough to ask for help.
        return super::intake::voice_start(ctx, person, &voice.file.id.0).await;
    }
    let text = msg.text().unwrap_or_default();
    let is = |k: &str| ctx.i18n.is_label(text, k);
    if is("menu-need-help") {
        requester::start(ctx, person).await
    } else if is("menu-want-help") {
        volunteer::start(ctx, person).await
    } else if is("menu-my") {
        volunteer::my(ctx, person).await
    } else if is("menu-tasks") {
        volunteer::tasks(ctx, person).await
    } else if is("menu-profile") {
        volunteer::show_profile(ctx, person).await
    } else if let Some(text) = msg.text()
        && super::relay::offer(ctx, person, text).await?
    {
        Ok(())
    } else {
        let menu = ctx.main_menu(person).await?;
        let text = ctx.t(person.lang, "menu-what-next");
        ctx.respond(
            person.id,
            Next::Keep,
            vec![ctx.reply(person, text, Some(menu))],
        )
        .await
    }
}

pub async fn set_language(
    ctx: &Ctx,
    person: &Person,
    q: &CallbackQuery,
    lang: Lang,
    state: State,
) -> HandlerResult {
    db::users::set_language(&ctx.pool, person.id, lang.code()).await?;
    let person = Person {
        lang,
        ..person.clone()
    };
    ctx.answer_callback(q, Some(ctx.t(lang, "language-set")), false)
        .await;
    let mut outs = vec![];
    match reask(ctx, &person, &state) {
        Some(question) => outs.push(question),
        None => {
            let menu = ctx.main_menu(&person).await?;
            outs.push(ctx.reply(&person, ctx.t(lang, "language-set"), Some(menu)));
        }
    }
    ctx.respond(person.id, Next::Keep, outs).await
}

/// In a group the bot only points people to a private chat, and only when addressed with one of
/// its commands: it never posts anyone's data there.
pub async fn on_group_message(ctx: Ctx, person: Person, msg: Message) -> HandlerResult {
    if msg.migrate_to_chat_id().is_some() {
        return super::club::on_migration(&ctx, &msg).await;
    }
    let Some(text) = msg.text() else {
        return Ok(());
    };
    match Command::parse(text, &ctx.bot_username) {
        None | Some(Command::Unknown) => Ok(()),
        Some(Command::BindRegion) => super::club::bind(&ctx, &person, &msg).await,
        Some(Command::UnbindRegion) => super::club::unbind(&ctx, &person, &msg).await,
        Some(_) => {
            let text = ctx.i18n.f(
                person.lang,
                "group-use-private",
                &args![("bot", ctx.bot_username.to_string())],
            );
            let out = crate::outbox::Outgoing::text(
                msg.chat.id.0,
                crate::outbox::Priority::Reply,
                text,
                None,
            );
            ctx.respond(msg.chat.id.0, Next::Keep, vec![out]).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_parse_with_and_without_the_bot_name() {
        assert_eq!(
            Command::parse("/start", "aid_bot"),
            Some(Command::Start(None))
        );
        assert_eq!(
            Command::parse("/start lead_abc", "aid_bot"),
            Some(Command::Start(Some("lead_abc".into())))
        );
        assert_eq!(
            Command::parse("/bind_region@aid_bot", "aid_bot"),
            Some(Command::BindRegion)
        );
        assert_eq!(Command::parse("/my@Aid_Bot", "aid_bot"), Some(Command::My));
        assert_eq!(Command::parse("/my@other_bot", "aid_bot"), None);
        assert_eq!(
            Command::parse("/whatever", "aid_bot"),
            Some(Command::Unknown)
        );
        assert_eq!(Command::parse("hello", "aid_bot"), None);
        assert_eq!(Command::parse("", "aid_bot"), None);
    }
}
