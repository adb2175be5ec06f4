//! Telegram's errors and limits: a fake Bot API that answers 429 like Telegram does, a long
//! fan-out that stays within the limits, 429s honoured, broken answers and closed connections
//! retried then given up, blocked people and edits of gone messages survived.

use std::collections::HashMap;
use std::time::Duration;

use serde_json::json;
use tokio::task::JoinSet;

use crate::steps::*;
use crate::support::fake_telegram::{LIMITED_METHODS, Limits};
use crate::support::{Call, SentMessage, TestApp, TestUser};

/// Approved volunteers of one region and one kind of help, written in one transaction.
async fn seed_volunteers(app: &TestApp, ids: std::ops::Range<i64>, region: i64, category: &str) {
    let mut tx = app.db.begin_with("BEGIN IMMEDIATE").await.unwrap();
    for id in ids {
        sqlx::query(
            "INSERT INTO users (id, first_name, tg_language, created_at) VALUES (?, ?, 'en', 0)",
        )
        .bind(id)
        .bind(format!("V{id}"))
        .execute(&mut *tx)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO volunteers (user_id, display_name, status, created_at) VALUES (?, ?, 'approved', 0)",
        )
        .bind(id)
        .bind(format!("V{id}"))
        .execute(&mut *tx)
        .await
        .unwrap();
        sqlx::query("INSERT INTO volunteer_regions (user_id, region_id) VALUES (?, ?)")
            .bind(id)
            .bind(region)
            .execute(&mut *tx)
            .await
            .unwrap();
        sqlx::query("INSERT INTO volunteer_categories (user_id, category) VALUES (?, ?)")
            .bind(id)
            .bind(category)
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
}

/// A push of request `id` Telegram accepted.
fn is_push_of(c: &Call, id: i64) -> bool {
    c.ok()
        && c.method == "sendmessage"
        && c.params["reply_markup"]
            .to_string()
            .contains(&format!("\"c:{id}\""))
}

/// Waits until the outbox has nothing left to send (sent or given up). False on timeout.
async fn outbox_drained(app: &TestApp, timeout: Duration) -> bool {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let left = count(
            app,
            "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL",
        )
        .await;
        if left == 0 {
            return true;
        }
        if tokio::time::Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn describe(c: &Call) -> String {
    format!(
        "{} to {:?}: {} {}",
        c.method,
        c.chat_id(),
        c.status,
        c.error_description().unwrap_or("")
    )
}

/// A person who is not asking anything yet goes through the first steps of the dialogue.
async fn first_steps(u: TestUser) {
    u.send_text("/start").await;
    u.expect_text(&format!("Hello, {}!", u.first_name)).await;
    u.send_text("🆘 I need help").await;
    u.expect_text("Who needs help?").await;
    u.send_text("🙋 Me").await;
    u.expect_text("describes").await;
    u.send_text("👵 Elderly person").await;
    u.expect_text("Which region?").await;
    u.send_text("pskov").await;
    u.expect_text("What kind of help").await;
}

#[tokio::test]
async fn a_push_to_500_volunteers_drains_with_no_429_and_replies_go_first() {
    // Telegram's limits ×5 per second (so the fan-out lasts some seconds, long after the twenty
    // dialogues are over if their replies go first) and ×20 per chat, for the bot and the fake.
    let app = TestApp::spawn_with(|c| {
        c.send_limits.per_second = 150;
        c.send_limits.per_chat_gap = Duration::from_millis(50);
        c.send_limits.group_per_minute = 600;
    })
    .await;
    app.fake.enforce_limits(Limits {
        per_second: 150,
        per_chat_gap: Duration::from_millis(50),
        group_per_minute: 600,
    });
    const VOLUNTEERS: std::ops::Range<i64> = 10_000..10_500;
    seed_volunteers(&app, VOLUNTEERS, PSKOV, "groceries").await;

    let maria = app.user(101, "Maria", "en");
    let id = ask_for_help(&maria, &Ask::default()).await;
    // While the fan-out drains, twenty other people talk to the bot.
    let mut people = JoinSet::new();
    for i in 0..20 {
        let u = app.user(300 + i, &format!("Person{i}"), "en");
        people.spawn(first_steps(u));
    }
    while let Some(done) = people.join_next().await {
        done.expect("a person's dialogue went through");
    }

    let pushes = app
        .fake
        .wait_for_n(500, Duration::from_secs(30), |c| is_push_of(c, id))
        .await;
    assert_eq!(pushes.len(), 500, "every volunteer is pushed");
    assert!(
        outbox_drained(&app, Duration::from_secs(10)).await,
        "the outbox drains"
    );
    let calls = app.fake.calls();
    let refused: Vec<String> = calls
        .iter()
        .filter(|c| c.status == 429)
        .map(describe)
        .collect();
    assert_eq!(
        app.fake.limits_429(),
        0,
        "the bot kept within the limits: {refused:?}"
    );

    let mut per_volunteer: HashMap<i64, usize> = HashMap::new();
    for c in calls.iter().filter(|c| is_push_of(c, id)) {
        *per_volunteer.entry(c.chat_id().unwrap()).or_default() += 1;
    }
    assert_eq!(per_volunteer.len(), 500);
    assert!(
        per_volunteer
            .iter()
            .all(|(chat, n)| VOLUNTEERS.contains(chat) && *n == 1),
        "each volunteer exactly once"
    );

    let first_push = pushes.iter().map(|c| c.at).min().unwrap();
    let last_push = pushes.iter().map(|c| c.at).max().unwrap();
    eprintln!(
        "fan-out: {} pushes in {:?} from first to last, {} answered 429",
        pushes.len(),
        last_push.duration_since(first_push),
        app.fake.limits_429()
    );
    let late: Vec<String> = calls
        .iter()
        .filter(|c| c.ok() && c.chat_id().is_some_and(|chat| (300..320).contains(&chat)))
        .filter(|c| c.at > last_push)
        .map(|c| SentMessage::from_call(c).describe())
        .collect();
    assert!(
        late.is_empty(),
        "replies to people who were talking waited for the fan-out: {late:?}"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_429_from_telegram_is_honoured_and_nothing_is_lost() {
    // The bot believes in 40/s; this "Telegram" allows 20/s. One send in flight at a time, so
    // "after a 429" is causal: the next send starts only once the 429 was read.
    let app = TestApp::spawn_with(|c| {
        c.send_limits.per_second = 40;
        c.send_limits.concurrency = 1;
    })
    .await;
    app.fake.enforce_limits(Limits {
        per_second: 20,
        per_chat_gap: Duration::ZERO,
        group_per_minute: 1000,
    });
    const VOLUNTEERS: std::ops::Range<i64> = 20_000..20_060;
    seed_volunteers(&app, VOLUNTEERS, PSKOV, "groceries").await;
    let maria = app.user(101, "Maria", "en");
    let id = ask_for_help(&maria, &Ask::default()).await;
    let pushes = app
        .fake
        .wait_for_n(60, Duration::from_secs(20), |c| is_push_of(c, id))
        .await;
    assert_eq!(pushes.len(), 60, "every volunteer is pushed in the end");
    maria.send_text("/start").await;
    maria.expect_text("Hello, Maria!").await;
    assert!(outbox_drained(&app, Duration::from_secs(10)).await);

    let refused = app.fake.limits_429();
    assert!(refused > 0, "the stricter fake did say 429");
    let failed = count(
        &app,
        "SELECT COUNT(*) FROM outbox WHERE failed_at IS NOT NULL",
    )
    .await;
    assert_eq!(failed, 0, "nothing was given up");

    // Exactly once: one accepted call per outbox row, and one push per volunteer.
    let calls = app.fake.calls();
    let limited: Vec<&Call> = calls
        .iter()
        .filter(|c| LIMITED_METHODS.contains(&c.method.as_str()))
        .collect();
    let accepted = limited.iter().filter(|c| c.ok()).count() as i64;
    let rows = count(&app, "SELECT COUNT(*) FROM outbox").await;
    assert_eq!(accepted, rows, "every queued message was delivered once");
    let mut per_volunteer: HashMap<i64, usize> = HashMap::new();
    for c in calls.iter().filter(|c| is_push_of(c, id)) {
        *per_volunteer.entry(c.chat_id().unwrap()).or_default() += 1;
    }
    assert!(per_volunteer.len() == 60 && per_volunteer.values().all(|n| *n == 1));

    // After a 429 "retry after N", nothing is let through for N seconds: the sender paused
    // instead of retrying in a burst.
    for (i, c) in limited.iter().enumerate().filter(|(_, c)| c.status == 429) {
        let n = c.response["parameters"]["retry_after"].as_u64().unwrap();
        assert!(n >= 1);
        if let Some(next) = limited[i + 1..].iter().find(|c| c.ok()) {
            let after = next.at.duration_since(c.at);
            assert!(
                after >= Duration::from_secs(n),
                "a send went through {after:?} after a 429 that said retry after {n} s"
            );
        }
    }
    eprintln!(
        "429 honoured: {} pushes delivered, {refused} answered 429",
        pushes.len()
    );
    app.stop().await;
}

/// The outbox row of the message whose text contains `needle`: (attempts, sent, failed).
async fn outbox_row(app: &TestApp, chat: i64, needle: &str) -> Option<(i64, bool, bool)> {
    let rows: Vec<(i64, String, Option<i64>, Option<i64>)> = sqlx::query_as(
        "SELECT attempts, payload_json, sent_at, failed_at FROM outbox WHERE chat_id = ? ORDER BY id",
    )
    .bind(chat)
    .fetch_all(&app.db)
    .await
    .unwrap();
    rows.into_iter()
        .find(|(_, payload, _, _)| payload.contains(needle))
        .map(|(attempts, _, sent, failed)| (attempts, sent.is_some(), failed.is_some()))
}

#[tokio::test]
async fn network_errors_and_5xx_are_retried_then_given_up() {
    // teloxide waits 10 s after any 5xx before reading it, so the transient failures here are
    // a broken answer (status 200, not JSON) and a connection closed before the answer.
    let app = TestApp::spawn_with(|c| c.send_limits.max_attempts = 2).await;

    // One broken answer: retried after the 1 s back-off, delivered on the second attempt.
    let maria = app.user(101, "Maria", "en");
    app.fake.fail_next("sendmessage", 200, json!("not json"), 1);
    maria.send_text("/start").await;
    let hello = maria.expect_text("Hello, Maria!").await;
    let broken = app
        .fake
        .calls_of("sendmessage")
        .into_iter()
        .find(|c| c.injected)
        .expect("the broken answer was given");
    assert!(
        hello.at.duration_since(broken.at) >= Duration::from_secs(1),
        "the sender backed off before retrying"
    );
    let row = eventually("the greeting is recorded as sent", || async {
        outbox_row(&app, 101, "Hello, Maria").await.filter(|r| r.1)
    })
    .await;
    assert_eq!(row, (2, true, false), "one failed attempt, one delivered");

    // A closed connection, then a broken answer: more failures than max_attempts allows.
    let oleg = app.user(102, "Oleg", "en");
    app.fake.drop_next("sendmessage", 1);
    app.fake
        .fail_next("sendmessage", 200, json!("{\"ok\": tru"), 1);
    oleg.send_text("/start").await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    let row = loop {
        match outbox_row(&app, 102, "Hello, Oleg").await {
            Some(r) if r.2 => break r,
            _ if tokio::time::Instant::now() > deadline => {
                panic!(
                    "the greeting to Oleg was not given up: {:?}",
                    outbox_row(&app, 102, "Hello, Oleg").await
                )
            }
            _ => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    };
    assert_eq!(row, (2, false, true), "two attempts, then given up");
    let to_oleg: Vec<Call> = app
        .fake
        .calls_of("sendmessage")
        .into_iter()
        .filter(|c| c.chat_id() == Some(102))
        .collect();
    assert_eq!(to_oleg.len(), 2, "no third attempt");
    assert!(to_oleg.iter().all(|c| c.injected && !c.ok()));
    assert_eq!(
        to_oleg[0].status, 0,
        "the first attempt lost its connection"
    );

    // The bot is fine and answers others (and Oleg, whose next message goes through).
    maria.send_text("🆘 I need help").await;
    maria.expect_text("Who needs help?").await;
    oleg.send_text("/start").await;
    oleg.expect_text("Hello, Oleg!").await;
    app.stop().await;
}

#[tokio::test]
async fn a_blocked_user_is_marked_unreachable_and_editing_a_gone_message_is_survived() {
    let app = TestApp::spawn().await;
    let lena = seed_lead(&app, 900, "Lena", "en", PSKOV).await;
    let boris = seed_volunteer(&app, 701, "Boris", "en", PSKOV, &["groceries"]).await;
    let vera = seed_volunteer(&app, 702, "Vera", "en", PSKOV, &["groceries"]).await;
    let gleb = seed_volunteer(&app, 703, "Gleb", "en", PSKOV, &["groceries"]).await;
    let maria = app.user(101, "Maria", "en");

    // Boris takes the first request, then blocks the bot.
    let first = ask_for_help(&maria, &Ask::default()).await;
    let push = expect_push(&boris, first).await;
    take(&boris, &push, first).await;
    assert_eq!(status_of(&app, first).await, ("claimed".into(), Some(701)));
    app.fake.block_user(701);

    // The next push to him is refused with 403: he is marked unreachable.
    let second = ask_for_help(&maria, &Ask::default()).await;
    let gleb_push = expect_push(&gleb, second).await;
    let vera_push = expect_push(&vera, second).await;
    app.fake
        .wait_for(Duration::from_secs(5), |c| {
            c.chat_id() == Some(701) && c.status == 403
        })
        .await
        .expect("Telegram said 403 for Boris");
    eventually("Boris is marked unreachable", || async {
        sqlx::query_scalar::<_, Option<i64>>("SELECT unreachable_at FROM users WHERE id = 701")
            .fetch_one(&app.db)
            .await
            .unwrap()
    })
    .await;
    // design.md ("Telegram facts"): a blocked volunteer who holds a claimed request is reported
    // to the region's leads.
    let needle = format!("#{first}");
    let told = app
        .fake
        .wait_for(Duration::from_secs(5), |c| {
            c.is_message_to(lena.id) && c.text().is_some_and(|t| t.contains(&needle))
        })
        .await;
    assert!(
        told.is_some(),
        "the lead was told that Boris, unreachable now, held request #{first}\n{}",
        lena.inbox().dump()
    );

    // Nothing more is even queued for him.
    let queued_for_boris = count(&app, "SELECT COUNT(*) FROM outbox WHERE chat_id = 701").await;
    let third = ask_for_help(&maria, &Ask::default()).await;
    expect_push(&vera, third).await;
    expect_push(&gleb, third).await;
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM outbox WHERE chat_id = 701").await,
        queued_for_boris,
        "no push was queued for the blocked volunteer"
    );

    // Gleb deleted his push of the second request; Vera takes it, and the bot's edit of Gleb's
    // push finds nothing to edit: given up, nothing else disturbed.
    app.fake.delete_message(703, gleb_push.message_id);
    take(&vera, &vera_push, second).await;
    let gone = app
        .fake
        .wait_for(Duration::from_secs(5), |c| {
            c.method == "editmessagetext" && c.chat_id() == Some(703) && c.status == 400
        })
        .await
        .expect("the edit of the deleted push was tried");
    assert!(
        gone.error_description()
            .unwrap()
            .contains("message to edit not found")
    );
    eventually("the edit of the gone message is given up", || async {
        let failed = count(
            &app,
            "SELECT COUNT(*) FROM outbox WHERE chat_id = 703 AND kind = 'edit' AND failed_at IS NOT NULL",
        )
        .await;
        (failed == 1).then_some(())
    })
    .await;

    // Maria taps "keep it" twice on the same question (the second tap on a message whose buttons
    // are already gone): Telegram answers "message is not modified", which is as good as done.
    maria.send_text("/my").await;
    let list = maria.expect_text("Your requests").await;
    maria.press_label(&list, &format!("Cancel #{third}")).await;
    let ask = maria
        .expect_text(&format!("Cancel request #{third}?"))
        .await;
    maria.press_label(&ask, "No, keep it").await;
    maria.expect_text("stays as it is").await;
    maria.press_label(&ask, "No, keep it").await;
    maria.expect_text("stays as it is").await;
    let not_modified = app
        .fake
        .wait_for(Duration::from_secs(5), |c| {
            c.method == "editmessagereplymarkup"
                && c.error_description()
                    .is_some_and(|d| d.contains("message is not modified"))
        })
        .await;
    assert!(not_modified.is_some(), "the second clear was refused");
    eventually("clearing buttons is never recorded as failed", || async {
        let open = count(
            &app,
            "SELECT COUNT(*) FROM outbox WHERE kind = 'clear_buttons' AND (sent_at IS NULL OR failed_at IS NOT NULL)",
        )
        .await;
        (open == 0).then_some(())
    })
    .await;
    assert_eq!(status_of(&app, third).await.0, "open");

    // Everything still works: a new request reaches the volunteers who can be reached.
    let fourth = ask_for_help(&maria, &Ask::default()).await;
    let push = expect_push(&gleb, fourth).await;
    take(&gleb, &push, fourth).await;
    assert_eq!(status_of(&app, fourth).await, ("claimed".into(), Some(703)));
    let refused: Vec<String> = app
        .fake
        .calls()
        .iter()
        .filter(|c| c.status != 200)
        .filter(|c| c.chat_id() != Some(701))
        .filter_map(|c| c.error_description().map(str::to_owned))
        .filter(|d| !d.contains("message to edit not found") && !d.contains("not modified"))
        .collect();
    assert!(refused.is_empty(), "nothing else was refused: {refused:?}");
    app.stop().await;
}
