//! Keyboards: big reply-keyboard buttons for the person's choices, inline buttons for actions on
//! one message.

use teloxide::types::{
    ButtonRequest, InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, KeyboardMarkup,
    ReplyMarkup,
};

use super::callbacks::Cb;
use crate::i18n::{I18n, Lang};

/// A reply keyboard from rows of labels.
pub fn reply(rows: Vec<Vec<String>>) -> ReplyMarkup {
    let rows: Vec<Vec<KeyboardButton>> = rows
        .into_iter()
        .filter(|r| !r.is_empty())
        .map(|r| r.into_iter().map(KeyboardButton::new).collect())
        .collect();
    ReplyMarkup::Keyboard(KeyboardMarkup::new(rows).resize_keyboard())
}

/// Labels laid out two to a row (requesters: never more than two big buttons side by side).
pub fn pairs(labels: Vec<String>) -> Vec<Vec<String>> {
    labels.chunks(2).map(|c| c.to_vec()).collect()
}

pub fn nav_row(i18n: &I18n, lang: Lang) -> Vec<String> {
    vec![i18n.t(lang, "btn-back"), i18n.t(lang, "btn-cancel")]
}

/// Just ⬅️ Back and ❌ Cancel, for questions answered by typing.
pub fn nav_only(i18n: &I18n, lang: Lang) -> ReplyMarkup {
    reply(vec![nav_row(i18n, lang)])
}

/// A keyboard whose first button shares the person's Telegram phone number.
pub fn phone(i18n: &I18n, lang: Lang) -> ReplyMarkup {
    let share =
        KeyboardButton::new(i18n.t(lang, "btn-share-phone")).request(ButtonRequest::Contact);
    let rows = vec![
        vec![share],
        vec![KeyboardButton::new(i18n.t(lang, "btn-skip"))],
        nav_row(i18n, lang)
            .into_iter()
            .map(KeyboardButton::new)
            .collect(),
    ];
    ReplyMarkup::Keyboard(KeyboardMarkup::new(rows).resize_keyboard())
}

pub fn main_menu(i18n: &I18n, lang: Lang, volunteer: bool) -> ReplyMarkup {
    let t = |k| i18n.t(lang, k);
    if volunteer {
        reply(vec![
            vec![t("menu-need-help"), t("menu-tasks")],
            vec![t("menu-my"), t("menu-profile")],
        ])
    } else {
        reply(vec![
            vec![t("menu-need-help"), t("menu-want-help")],
            vec![t("menu-my")],
        ])
    }
}

pub fn inline(rows: Vec<Vec<(String, Cb)>>) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(rows.into_iter().map(|r| {
        r.into_iter()
            .map(|(label, cb)| InlineKeyboardButton::callback(label, cb.encode()))
            .collect::<Vec<_>>()
    }))
}

pub fn inline_markup(rows: Vec<Vec<(String, Cb)>>) -> ReplyMarkup {
    ReplyMarkup::InlineKeyboard(inline(rows))
}
