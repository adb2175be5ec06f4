//! Russian and English: every text exists in both, renders in both, and people get their language.

use std::collections::BTreeSet;
use std::path::Path;

use mutual_aid_bot::domain::{Beneficiary, Category, Status};

use crate::steps::*;
use crate::support::{SentMessage, TestApp};

/// Message ids of every Fluent file of a language.
fn keys(lang: &str) -> BTreeSet<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("locales/{lang}"));
    let mut text = String::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        text.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
        text.push('\n');
    }
    text.lines()
        .filter_map(|l| l.split_once(" =").map(|(k, _)| k.trim().to_owned()))
        .filter(|k| {
            k.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        .collect()
}

/// String literals in the source that look like message ids (`word-word…`).
fn literal_keys_in(dir: &Path, out: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            literal_keys_in(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let src = std::fs::read_to_string(&path).unwrap();
            // Unit tests use words that are not message ids.
            let src = src.split("#[cfg(test)]").next().unwrap_or_default();
            for (i, piece) in src.split('"').enumerate() {
                let looks_like_key = i % 2 == 1
                    && piece.contains('-')
                    && piece.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                    && piece
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                    && !piece.ends_with('-');
                if looks_like_key {
                    out.insert(piece.to_owned());
                }
            }
        }
    }
}

#[test]
fn every_message_the_code_uses_exists_in_both_languages() {
    let (ru, en) = (keys("ru"), keys("en"));
    assert_eq!(ru, en, "the two languages have different keys");
    let mut used = BTreeSet::new();
    literal_keys_in(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut used,
    );
    // Keys the code builds from codes.
    for c in Category::ALL {
        used.insert(c.key());
    }
    for b in Beneficiary::ALL {
        used.insert(b.key());
        used.insert(b.who_key());
    }
    for s in Status::ALL {
        used.insert(format!("status-{}", s.code()));
    }
    for s in ["approved", "pending", "rejected", "suspended"] {
        used.insert(format!("vol-status-{s}"));
    }
    // Literals of that shape that are not message ids.
    const NOT_KEYS: [&str; 1] = ["sans-serif"];
    let missing: Vec<_> = used
        .iter()
        .filter(|k| !en.contains(*k) && !NOT_KEYS.contains(&k.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "used in code but missing in the locales: {missing:?}"
    );
    assert!(
        used.len() > 100,
        "the scan found too few keys ({}): is it still reading src/?",
        used.len()
    );
}

fn assert_rendered(messages: &[SentMessage]) {
    for m in messages {
        for bad in ["{ $", "{$", "\u{2068}", "\u{2069}"] {
            assert!(
                !m.text.contains(bad),
                "unrendered placeholder in {:?}",
                m.text
            );
        }
        assert_ne!(
            m.text.trim(),
            "…",
            "a missing message was shown: {}",
            m.describe()
        );
        let words: Vec<&str> = m
            .text
            .split(|c: char| c.is_whitespace() || "«»().,:!?".contains(c))
            .collect();
        let keys = keys("en");
        assert!(
            !words.iter().any(|w| keys.contains(*w)),
            "a raw message id was shown: {:?}",
            m.text
        );
    }
}

#[tokio::test]
async fn the_whole_path_renders_in_russian_with_no_missing_or_raw_texts() {
    let app = TestApp::spawn().await;
    let vera = app.user(502, "Вера", "ru");
    vera.send_text("/start").await;
    let hello = vera.expect_text("Здравствуйте, Вера!").await;
    assert!(hello.keyboard().contains(&"🤝 Хочу помогать".to_owned()));
    for (send, expect) in [
        ("🤝 Хочу помогать", "имя"),
        ("Вера", "регион"),
        ("Псков", "Выбрано"),
        ("✅ Готово", "помощь"),
        ("🛒 Продукты", "Выбрано"),
        ("✅ Готово", "телефон"),
        ("⏭ Пропустить", "волонтёр"),
    ] {
        vera.send_text(send).await;
        vera.expect_text(expect).await;
    }
    let maria = app.user(101, "Мария", "ru-RU");
    maria.send_text("🆘 Мне нужна помощь").await;
    for (send, expect) in [
        ("🙋 Мне", "?"),
        ("👵 Пожилой человек", "регион"),
        ("псковская", "помощь"),
        ("🛒 Продукты", "?"),
        ("Хлеб и молоко", "?"),
        ("Псков", "?"),
        ("ул. Ленина, 5, кв. 12", "?"),
        ("Сегодня", "номер"),
        ("+7 912 345-67-89", "заявк"),
    ] {
        maria.send_text(send).await;
        maria.expect_text(expect).await;
    }
    maria.send_text("✅ Отправить заявку").await;
    let id = request_number(&maria.expect_text("Заявка №").await.text);
    let push = vera.expect_text(&format!("Заявка №{id}")).await;
    assert!(
        push.text.contains("пожилой человек") && push.text.contains("Псковская область"),
        "{}",
        push.text
    );
    vera.press(&push, &format!("c:{id}")).await;
    let details = vera.expect_text("ул. Ленина, 5, кв. 12").await;
    maria.expect_text("Вера").await;
    vera.press(&details, &format!("d:{id}")).await;
    let ask = maria.expect_text(&format!("заявка №{id} выполнена")).await;
    assert!(ask.has_button("Да, спасибо"));
    maria.press(&ask, &format!("y:{id}")).await;
    maria.expect_text("Спасибо").await;
    vera.expect_text("Спасибо").await;
    assert_eq!(status_of(&app, id).await.0, "closed");

    for user in [&vera, &maria] {
        let all = user.all_messages();
        assert_rendered(&all);
        for m in &all {
            assert!(
                !m.text.contains("Request") && !m.text.contains("volunteer"),
                "English in a Russian chat: {}",
                m.text
            );
        }
    }
    app.stop().await;
}

#[tokio::test]
async fn the_language_comes_from_telegram_and_language_switches_it_for_good() {
    let app = TestApp::spawn().await;
    let de = app.user(301, "Hans", "de");
    de.send_text("/start").await;
    de.expect_text("Hello, Hans!").await;
    let ru = app.user(302, "Олег", "ru-RU");
    ru.send_text("/start").await;
    ru.expect_text("Здравствуйте, Олег!").await;

    de.send_text("/language").await;
    let choose = de.expect_text("Choose your language").await;
    let q = de.press(&choose, "l:ru").await;
    let answer = de.callback_answer(&q).await.unwrap();
    assert_eq!(answer.params["text"], "Язык: русский.");
    let menu = de.expect_text("Язык: русский.").await;
    assert!(menu.keyboard().contains(&"🆘 Мне нужна помощь".to_owned()));
    de.send_text("/start").await;
    de.expect_text("Здравствуйте, Hans!").await;
    let stored: Option<String> = sqlx::query_scalar("SELECT language FROM users WHERE id = 301")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(stored.as_deref(), Some("ru"));

    // Switching mid-dialogue asks the same question again in the new language.
    de.send_text("🆘 Мне нужна помощь").await;
    de.expect_text("Кому нужна помощь?").await;
    de.send_text("/language").await;
    let choose = de.expect_text("Выберите язык").await;
    de.press(&choose, "l:en").await;
    de.expect_text("Who needs help?").await;
    app.stop().await;
}

#[tokio::test]
async fn the_command_menu_is_set_in_each_language_at_start() {
    let app = TestApp::spawn().await;
    let calls = app.fake.calls_of("setmycommands");
    let ru = calls
        .iter()
        .find(|c| c.params["language_code"] == "ru")
        .expect("a Russian menu");
    let en = calls
        .iter()
        .find(|c| c.params.get("language_code").is_none_or(|v| v.is_null()))
        .expect("a default menu");
    let names = |c: &crate::support::Call| -> Vec<String> {
        c.params["commands"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["command"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        names(ru),
        [
            "start",
            "help",
            "my",
            "tasks",
            "profile",
            "stats",
            "language",
            "cancel",
            "delete_me"
        ]
    );
    assert_eq!(names(ru), names(en));
    assert_eq!(
        ru.params["commands"][0]["description"],
        "Начать: попросить о помощи или помогать"
    );
    assert_eq!(
        en.params["commands"][0]["description"],
        "Start: ask for help or offer help"
    );
    app.stop().await;
}
