//! The Telegram adapter: who is writing, where they are in a dialogue, and which handler answers.

pub mod admin;
pub mod aftercare;
pub mod callbacks;
pub mod club;
pub mod commands;
pub mod door;
pub mod duty;
pub mod export;
pub mod intake;
pub mod keyboards;
pub mod lead;
pub mod lifecycle;
pub mod limits;
pub mod notify;
pub mod paging;
pub mod privacy;
pub mod regions;
pub mod relay;
pub mod render;
pub mod requester;
pub mod state;
pub mod volunteer;

use std::sync::Arc;

use futures_util::future::BoxFuture;
use sqlx::SqlitePool;
use teloxide::dispatching::dialogue::{GetChatId, Storage};
use teloxide::dispatching::{DpHandlerDescription, UpdateFilterExt, UpdateHandler};
use teloxide::dptree::Type;
use teloxide::dptree::di::DependencyMap;
use teloxide::error_handlers::ErrorHandler;
use teloxide::prelude::*;
use teloxide::types::ReplyMarkup;

use crate::clock::Clock;
use crate::config::Config;
use crate::db::{self, dialogues::DialogueStorage};
use crate::domain::region::Regions;
use crate::error::{HandlerError, HandlerResult, Redactor};
use crate::i18n::{I18n, Lang};
use crate::outbox::{Doorbell, Outgoing, Priority};
use state::State;

/// Everything a handler needs, passed as one dptree dependency (no globals): what the whole bot
/// shares, behind one `Arc` (dptree clones its dependencies at every step), and the update being
/// handled.
#[derive(Clone)]
pub struct Ctx {
    shared: Arc<Shared>,
    /// The update being handled: recorded with its effect, so a redelivered one is skipped.
    pub update_id: Option<i64>,
}

impl std::ops::Deref for Ctx {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.shared
    }
}

/// What every handler of the bot shares (see `Ctx`).
pub struct Shared {
    pub bot: Bot,
    pub pool: SqlitePool,
    pub i18n: Arc<I18n>,
    pub regions: Arc<Regions>,
    pub config: Arc<Config>,
    pub doorbell: Doorbell,
    /// Wakes the background jobs when a request became due for one of them.
    pub jobs_bell: Doorbell,
    pub bot_username: Arc<str>,
    pub clock: Clock,
    /// The newest update handled before this start: Telegram only redelivers updates up to it
    /// (after a crash), so only those need looking up; newer ones are new.
    pub handled_before_start: i64,
    /// Bounds each person's input before any SQL.
    pub input_limiter: Arc<limits::InputLimiter>,
    /// Presses racing for one request take turns (see `limits::Turns`).
    pub claim_turns: Arc<limits::Turns>,
    /// Wakes the escalation job (a volunteer became unreachable while holding requests).
    pub escalation_bell: Doorbell,
}

/// The person behind an update, recorded in `users`, with the language they read.
#[derive(Clone, Debug)]
pub struct Person {
    pub id: i64,
    pub first_name: String,
    pub lang: Lang,
}

/// What happens to the dialogue when a handler's answer is committed.
pub enum Next {
    Keep,
    Set(Box<State>),
    Clear,
}

impl Ctx {
    pub fn new(shared: Shared) -> Ctx {
        Ctx {
            shared: Arc::new(shared),
            update_id: None,
        }
    }

    pub fn t(&self, lang: Lang, key: &str) -> String {
        self.i18n.t(lang, key)
    }

    /// A reply to the person who is acting, first in the sender's queue.
    pub fn reply(&self, person: &Person, text: String, markup: Option<ReplyMarkup>) -> Outgoing {
        Outgoing::text(person.id, Priority::Reply, text, markup)
    }

    /// A write transaction that also records the update being handled (see `update_id`).
    pub async fn begin(&self) -> Result<db::Tx, sqlx::Error> {
        self.begin_with(db::write_gate(&self.pool).await?).await
    }

    /// `begin` with the write gate already held (checks made under it hold in the transaction).
    pub async fn begin_with(&self, gate: db::WriteGate) -> Result<db::Tx, sqlx::Error> {
        let mut tx = gate.begin().await?;
        // Marked as acted on inside the transaction that carries its effect.
        if let Some(id) = self.update_id {
            tx.mark_handled(id);
        }
        Ok(tx)
    }

    /// Writes the dialogue change and the messages in one transaction (shared with other
    /// answers written at the same moment, see `db::group`), then wakes the sender.
    pub async fn respond(&self, chat_id: i64, next: Next, outs: Vec<Outgoing>) -> HandlerResult {
        let dialogue = match next {
            Next::Keep => db::group::DialogueWrite::Keep,
            Next::Set(s) => db::group::DialogueWrite::Set(db::to_json(&*s)?),
            Next::Clear => db::group::DialogueWrite::Clear,
        };
        let rows = outs
            .iter()
            .map(crate::outbox::new_row)
            .collect::<Result<Vec<_>, _>>()?;
        let answer = db::group::Answer {
            update_id: self.update_id,
            chat_id,
            dialogue,
            rows,
        };
        db::group::write(&self.pool, answer).await?;
        self.doorbell.ring();
        Ok(())
    }

    /// Answers a button press right away (a popup or toast); not a chat message, so not queued.
    pub async fn answer_callback(&self, q: &CallbackQuery, text: Option<String>, alert: bool) {
        let mut req = self.bot.answer_callback_query(q.id.clone());
        if let Some(t) = text {
            req = req.text(t).show_alert(alert);
        }
        if let Err(e) = req.await {
            tracing::debug!(error = %e, "could not answer a callback query");
        }
    }

    pub fn is_admin(&self, user_id: i64) -> bool {
        self.config.admin_ids.contains(&user_id)
    }

    pub async fn is_volunteer(&self, user_id: i64) -> Result<bool, sqlx::Error> {
        Ok(db::volunteers::get(&self.pool, user_id).await?.is_some())
    }

    pub async fn main_menu(&self, person: &Person) -> Result<ReplyMarkup, sqlx::Error> {
        Ok(keyboards::main_menu(
            &self.i18n,
            person.lang,
            self.is_volunteer(person.id).await?,
        ))
    }
}

async fn person_of(update: &Update, ctx: &Ctx) -> Option<Person> {
    let user = update.from()?;
    if user.is_bot {
        return None;
    }
    let id = i64::try_from(user.id.0).ok()?;
    let seen = db::users::Seen {
        id,
        first_name: &user.first_name,
        username: user.username.as_deref(),
        tg_language: user.language_code.as_deref(),
    };
    match db::users::touch(&ctx.pool, &seen).await {
        Ok(row) => Some(Person {
            id,
            first_name: row.first_name,
            lang: Lang::negotiate(row.language.as_deref(), row.tg_language.as_deref()),
        }),
        Err(e) => {
            tracing::error!(error = %e, "cannot record the person behind an update");
            None
        }
    }
}

/// Skips an update the bot already acted on (redelivered after a crash); otherwise hands the
/// handlers a context that knows which update they serve.
async fn fresh_update(update: &Update, ctx: &Ctx) -> Option<Ctx> {
    let id = i64::from(update.id.0);
    let fresh = Ctx {
        update_id: Some(id),
        ..ctx.clone()
    };
    if id > fresh.handled_before_start {
        return Some(fresh);
    }
    match db::updates::seen(&fresh.pool, id).await {
        Ok(true) => {
            tracing::debug!(update = id, "skipping an update already acted on");
            None
        }
        Ok(false) => Some(fresh),
        Err(e) => {
            tracing::error!(error = %e, "cannot check whether an update was handled; handling it");
            Some(fresh)
        }
    }
}

/// Drops a person's updates past MESSAGES_PER_MINUTE, before anything touches the database; the
/// first dropped one gets a polite word (once per flood).
async fn within_limits(update: &Update, ctx: &Ctx) -> bool {
    let Some(user) = update.from() else {
        return true;
    };
    let Ok(id) = i64::try_from(user.id.0) else {
        return false;
    };
    match ctx.input_limiter.check(id, std::time::Instant::now()) {
        limits::Verdict::Handle => true,
        limits::Verdict::Drop => false,
        limits::Verdict::DropAndWarn => {
            tracing::info!(
                user = id,
                "input limit reached: dropping updates for a while"
            );
            if update.chat().is_some_and(|c| c.is_private()) {
                let lang = Lang::from_telegram(user.language_code.as_deref());
                let out = Outgoing::text(id, Priority::Reply, ctx.t(lang, "slow-down"), None);
                if let Err(e) = ctx.respond(id, Next::Keep, vec![out]).await {
                    tracing::warn!(error = %e, "could not ask someone to slow down");
                }
            }
            false
        }
    }
}

/// One step of the schema that reads what it needs where the dispatcher put it (dptree copies a
/// dependency for every function that takes it, at every step of a chain): `admit` gets the
/// dependencies and returns them with what it adds (`gives`), or nothing, and then the update
/// goes on to the next branch.
#[track_caller]
fn step<F, Fut>(needs: &[Type], gives: &[Type], admit: F) -> UpdateHandler<HandlerError>
where
    F: Fn(DependencyMap) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Option<DependencyMap>> + Send + 'static,
{
    use dptree::{HandlerDescription, HandlerSignature};
    use std::ops::ControlFlow;
    let here = std::panic::Location::caller();
    let admit = Arc::new(admit);
    dptree::from_fn_with_description(
        DpHandlerDescription::filter_map_async(),
        move |deps: DependencyMap, cont| {
            let admit = Arc::clone(&admit);
            async move {
                match admit(deps.clone()).await {
                    None => ControlFlow::Continue(deps),
                    Some(more) => match cont(more).await {
                        ControlFlow::Continue(_) => ControlFlow::Continue(deps),
                        ControlFlow::Break(result) => ControlFlow::Break(result),
                    },
                }
            }
        },
        HandlerSignature::Other {
            obligations: needs.iter().map(|t| (*t, here)).collect(),
            guaranteed_outcomes: gives.iter().copied().collect(),
            conditional_outcomes: Default::default(),
            continues: true,
        },
    )
}

/// What every update passes before a handler sees it, as one step: the person's input bound
/// (`within_limits`, before any SQL), a redelivered update skipped (`fresh_update`), the person
/// recorded (`person_of`). The handlers get the `Ctx` of this update and its `Person`.
#[track_caller]
fn guard() -> UpdateHandler<HandlerError> {
    step(
        &[Type::of::<Update>(), Type::of::<Ctx>()],
        &[Type::of::<Ctx>(), Type::of::<Person>()],
        |mut deps| async move {
            let (update, ctx) = (deps.get::<Update>(), deps.get::<Ctx>());
            if !within_limits(&update, &ctx).await {
                return None;
            }
            let fresh = fresh_update(&update, &ctx).await?;
            let person = person_of(&update, &fresh).await?;
            deps.insert(fresh);
            deps.insert(person);
            Some(deps)
        },
    )
}

/// A message or press from a private chat, with the chat's dialogue (`State`, from the dialogue
/// storage) for the handler; anything else goes on to the next branch. One step (a filter and
/// teloxide's `enter_dialogue` take three, each with a copy of the message or press). A chat
/// whose state cannot be read is not handled, as with `enter_dialogue`.
#[track_caller]
fn in_private_dialogue<T: GetChatId + Send + Sync + 'static>() -> UpdateHandler<HandlerError> {
    step(
        &[Type::of::<T>(), Type::of::<Arc<DialogueStorage>>()],
        &[Type::of::<State>()],
        |mut deps| async move {
            let chat = deps.get::<T>().chat_id().filter(|c| c.is_user())?;
            let storage = Arc::clone(&*deps.get::<Arc<DialogueStorage>>());
            match Storage::<State>::get_dialogue(storage, chat).await {
                Ok(state) => {
                    deps.insert(state.unwrap_or_default());
                    Some(deps)
                }
                Err(e) => {
                    tracing::error!(error = %e, "cannot read a dialogue");
                    None
                }
            }
        },
    )
}

/// The kinds of update served are named first, so teloxide asks Telegram for exactly these.
pub fn schema() -> UpdateHandler<HandlerError> {
    dptree::entry()
        .branch(
            Update::filter_message()
                .chain(guard())
                .branch(in_private_dialogue::<Message>().endpoint(on_private_message))
                .branch(
                    dptree::filter(|m: Message| !m.chat.is_private())
                        .endpoint(commands::on_group_message),
                ),
        )
        .branch(
            Update::filter_my_chat_member()
                .chain(guard())
                .endpoint(club::on_membership),
        )
        .branch(
            Update::filter_callback_query()
                .chain(guard())
                .branch(in_private_dialogue::<CallbackQuery>().endpoint(on_callback))
                .endpoint(on_stray_callback),
        )
}

/// A press on a button outside a private chat: Take under a club-chat post, or a lead choosing
/// the region to bind the group to. Anything else (or a message too old to be included) is
/// answered so the button does not spin forever.
async fn on_stray_callback(ctx: Ctx, person: Person, q: CallbackQuery) -> HandlerResult {
    use callbacks::Cb;
    let result = match q.data.as_deref().and_then(Cb::parse) {
        Some(Cb::Claim(id)) if q.message.is_some() => lifecycle::claim(&ctx, &person, &q, id).await,
        Some(Cb::BindRegion(region)) if q.message.is_some() => {
            club::bind_chosen(&ctx, &person, &q, region).await
        }
        _ => stray(&ctx, &person, &q).await,
    };
    if let Err(e) = &result {
        tracing::error!(error = %ctx.redactor().clean(e), "group callback failed");
        ctx.answer_callback(&q, Some(ctx.t(person.lang, "error-generic")), false)
            .await;
    }
    Ok(())
}

async fn on_private_message(ctx: Ctx, person: Person, msg: Message, state: State) -> HandlerResult {
    let result = route_message(&ctx, &person, &msg, state).await;
    if let Err(e) = &result {
        tracing::error!(error = %ctx.redactor().clean(e), "handler failed");
        let text = ctx.t(person.lang, "error-generic");
        let _ = ctx
            .respond(person.id, Next::Keep, vec![ctx.reply(&person, text, None)])
            .await;
    }
    Ok(())
}

async fn route_message(ctx: &Ctx, person: &Person, msg: &Message, state: State) -> HandlerResult {
    let state = relay::drop_offer(ctx, person, state).await?;
    let state = aftercare::let_go(ctx, person, msg, state).await?;
    if let Some(text) = msg.text()
        && let Some(cmd) = commands::Command::parse(text, &ctx.bot_username)
    {
        return commands::handle(ctx, person, cmd, state).await;
    }
    match state {
        State::Idle => commands::on_idle_message(ctx, person, msg).await,
        State::Request { step, draft } => {
            requester::on_message(ctx, person, msg, step, draft).await
        }
        State::Volunteer { step, draft } => {
            volunteer::on_message(ctx, person, msg, step, draft).await
        }
        State::InviteLead { picker } => admin::on_invite_region(ctx, person, msg, picker).await,
        State::Aftercare {
            request_id,
            step,
            amount_minor,
        } => aftercare::on_message(ctx, person, msg, request_id, step, amount_minor).await,
        State::IntakePause { region_id } => {
            intake::on_pause_message(ctx, person, msg, region_id).await
        }
        State::VoiceRequest { .. } => intake::on_voice_message(ctx, person, msg, state).await,
        State::Relay { request_id } => relay::on_message(ctx, person, msg, request_id).await,
        // Left by relay::drop_offer above.
        State::RelayOffer { .. } => commands::on_idle_message(ctx, person, msg).await,
    }
}

async fn on_callback(ctx: Ctx, person: Person, q: CallbackQuery, state: State) -> HandlerResult {
    let result = callbacks_route(&ctx, &person, &q, state).await;
    if let Err(e) = &result {
        tracing::error!(error = %ctx.redactor().clean(e), "callback handler failed");
        ctx.answer_callback(&q, Some(ctx.t(person.lang, "error-generic")), false)
            .await;
    }
    Ok(())
}

async fn callbacks_route(
    ctx: &Ctx,
    person: &Person,
    q: &CallbackQuery,
    state: State,
) -> HandlerResult {
    use callbacks::Cb;
    let Some(cb) = q.data.as_deref().and_then(Cb::parse) else {
        ctx.answer_callback(q, Some(ctx.t(person.lang, "stale-button")), false)
            .await;
        return Ok(());
    };
    // An offer to pass words on is answered by its own button; any other press leaves it.
    let state = match (&cb, state) {
        (Cb::RelayPass(_), state) => state,
        (_, state) => relay::drop_offer(ctx, person, state).await?,
    };
    match cb {
        Cb::Claim(id) => lifecycle::claim(ctx, person, q, id).await,
        Cb::Done(id) => lifecycle::done(ctx, person, q, id).await,
        Cb::ReleaseAsk(id) => lifecycle::release_ask(ctx, person, q, id).await,
        Cb::Release(id, reason) => lifecycle::release(ctx, person, q, id, reason).await,
        Cb::GotHelp(id) => lifecycle::got_help(ctx, person, q, id).await,
        Cb::NotYet(id) => lifecycle::not_yet(ctx, person, q, id).await,
        Cb::CancelAsk(id) => lifecycle::cancel_ask(ctx, person, q, id).await,
        Cb::CancelSure(id) => lifecycle::cancel(ctx, person, q, id).await,
        Cb::CancelKeep(id) => lifecycle::cancel_keep(ctx, person, q, id).await,
        Cb::TasksPage(page) => volunteer::tasks_page(ctx, person, q, page).await,
        Cb::Language(lang) => commands::set_language(ctx, person, q, lang, state).await,
        Cb::EditProfile(field) => volunteer::edit_profile(ctx, person, q, field, state).await,
        Cb::ApproveVolunteer(user) => lead::decide(ctx, person, q, user, true).await,
        Cb::RejectVolunteer(user) => lead::decide(ctx, person, q, user, false).await,
        Cb::SuspendVolunteer(user) => lead::suspend(ctx, person, q, user).await,
        Cb::ReinstateVolunteer(user) => lead::reinstate(ctx, person, q, user).await,
        Cb::VolunteersPage(page) => lead::volunteers_page(ctx, person, q, page).await,
        Cb::RemoveLead { user, region } => admin::remove_lead(ctx, person, q, user, region).await,
        Cb::BindRegion(_) => stray(ctx, person, q).await,
        Cb::PushAgain(id) => lead::push_again(ctx, person, q, id).await,
        Cb::AssignAsk(id) => lead::assign_ask(ctx, person, q, id).await,
        Cb::Assign { request, volunteer } => lead::assign(ctx, person, q, request, volunteer).await,
        Cb::Reopen(id) => lead::reopen(ctx, person, q, id).await,
        Cb::CloseAs(id, reason) => lead::close_as(ctx, person, q, id, reason).await,
        Cb::RequestsPage(page) => lead::requests_page(ctx, person, q, page).await,
        Cb::ExportRegion(region) => export::choose_range(ctx, person, q, region).await,
        Cb::DigestChart(region) => crate::jobs::digest::send_chart(ctx, person, q, region).await,
        Cb::Export { region, range } => export::send(ctx, person, q, region, range).await,
        Cb::DeleteMe => privacy::erase(ctx, person, q).await,
        Cb::DeleteKeep => privacy::keep(ctx, person, q).await,
        Cb::ReceiptRight(id) => aftercare::answer_receipt(ctx, person, q, id, true).await,
        Cb::ReceiptWrong(id) => aftercare::answer_receipt(ctx, person, q, id, false).await,
        Cb::Repaid(id) => aftercare::repaid(ctx, person, q, id).await,
        Cb::Worried(id) => aftercare::worried(ctx, person, q, id, state).await,
        Cb::Aftercare(id) => aftercare::start_later(ctx, person, q, id, state).await,
        Cb::CategoryAsk(id) => intake::category_ask(ctx, person, q, id).await,
        Cb::SetCategory { request, category } => {
            intake::set_category(ctx, person, q, request, category).await
        }
        Cb::PauseIntake(region) => intake::pause_ask(ctx, person, q, region, state).await,
        Cb::ResumeIntake(region) => intake::resume(ctx, person, q, region).await,
        Cb::OnMyWayAsk(id) => door::on_my_way_ask(ctx, person, q, id).await,
        Cb::OnMyWay(id, eta) => door::on_my_way(ctx, person, q, id, eta).await,
        Cb::RelayStart(id) => relay::start(ctx, person, q, id, state).await,
        Cb::RelayPass(id) => relay::pass(ctx, person, q, id, state).await,
        Cb::Share(id) => door::share(ctx, person, q, id).await,
        Cb::Unshare(id) => door::unshare(ctx, person, q, id).await,
        Cb::Follow(code) => door::follow(ctx, person, q, code).await,
        Cb::FollowDecline => door::follow_decline(ctx, person, q).await,
        Cb::Unfollow(id) => door::unfollow(ctx, person, q, id).await,
        Cb::Duty(d) => duty::on_callback(ctx, person, q, d).await,
    }
}

/// A button that makes no sense where it was pressed.
async fn stray(ctx: &Ctx, person: &Person, q: &CallbackQuery) -> HandlerResult {
    ctx.answer_callback(q, Some(ctx.t(person.lang, "stale-button")), false)
        .await;
    Ok(())
}

impl Ctx {
    pub fn redactor(&self) -> Redactor {
        Redactor::new(&self.config.token)
    }
}

/// Logs dispatcher-level errors without the token.
pub struct RedactingErrorHandler(pub Redactor);

impl<E: std::fmt::Display + Send + 'static> ErrorHandler<E> for RedactingErrorHandler {
    fn handle_error(self: Arc<Self>, error: E) -> BoxFuture<'static, ()> {
        let text = self.0.clean(&error);
        Box::pin(async move { tracing::error!(error = %text, "update handling or polling failed") })
    }
}
