//! Dialogue state per chat, as JSON, so a person halfway through a request continues after a restart.

use std::sync::Arc;

use futures_util::future::BoxFuture;
use serde::{Serialize, de::DeserializeOwned};
use sqlx::SqlitePool;
use teloxide::dispatching::dialogue::Storage;
use teloxide::types::ChatId;

use super::{Tx, begin_write};

pub async fn save<S: Serialize>(tx: &mut Tx, chat_id: i64, state: &S) -> Result<(), sqlx::Error> {
    tx.set_dialogue(chat_id, Some(super::to_json(state)?));
    Ok(())
}

pub async fn clear(tx: &mut Tx, chat_id: i64) -> Result<(), sqlx::Error> {
    tx.set_dialogue(chat_id, None);
    Ok(())
}

/// A state that no longer parses (the bot was upgraded mid-dialogue) reads as no dialogue.
pub async fn load<S: DeserializeOwned>(
    pool: &SqlitePool,
    chat_id: i64,
) -> Result<Option<S>, sqlx::Error> {
    let cache = super::cache(pool);
    let json = match cache.dialogue(chat_id) {
        Ok(json) => json,
        Err(start) => {
            let json: Option<String> =
                sqlx::query_scalar("SELECT state_json FROM dialogues WHERE chat_id = ?")
                    .bind(chat_id)
                    .fetch_optional(pool)
                    .await?;
            cache.fill_dialogue(start, chat_id, json.clone());
            json
        }
    };
    Ok(json.and_then(|json| match serde_json::from_str(&json) {
        Ok(s) => Some(s),
        Err(e) => {
            tracing::warn!(chat_id, error = %e, "dropping a dialogue state that no longer parses");
            None
        }
    }))
}

/// `load`, inside a write transaction (it sees what the transaction changed so far).
pub async fn load_in<S: DeserializeOwned>(
    tx: &mut Tx,
    chat_id: i64,
) -> Result<Option<S>, sqlx::Error> {
    tx.flush().await?;
    let json: Option<String> =
        sqlx::query_scalar("SELECT state_json FROM dialogues WHERE chat_id = ?")
            .bind(chat_id)
            .fetch_optional(&mut **tx)
            .await?;
    Ok(json.and_then(|json| serde_json::from_str(&json).ok()))
}

/// teloxide's dialogue storage over the bot's own pool: one database, one migration set.
#[derive(Clone)]
pub struct DialogueStorage {
    pool: SqlitePool,
}

impl DialogueStorage {
    pub fn new(pool: SqlitePool) -> Arc<Self> {
        Arc::new(Self { pool })
    }
}

impl<D> Storage<D> for DialogueStorage
where
    D: Serialize + DeserializeOwned + Default + Send + Sync + 'static,
{
    type Error = sqlx::Error;

    fn remove_dialogue(
        self: Arc<Self>,
        chat_id: ChatId,
    ) -> BoxFuture<'static, Result<(), Self::Error>>
    where
        D: Send + 'static,
    {
        Box::pin(async move {
            let mut tx = begin_write(&self.pool).await?;
            clear(&mut tx, chat_id.0).await?;
            tx.commit().await
        })
    }

    fn update_dialogue(
        self: Arc<Self>,
        chat_id: ChatId,
        dialogue: D,
    ) -> BoxFuture<'static, Result<(), Self::Error>>
    where
        D: Send + 'static,
    {
        Box::pin(async move {
            let mut tx = begin_write(&self.pool).await?;
            save(&mut tx, chat_id.0, &dialogue).await?;
            tx.commit().await
        })
    }

    fn get_dialogue(
        self: Arc<Self>,
        chat_id: ChatId,
    ) -> BoxFuture<'static, Result<Option<D>, Self::Error>> {
        // A chat without a stored dialogue is at the start. Saying so (rather than "none") keeps
        // teloxide from writing the start state for every new chat before its first answer.
        Box::pin(async move { Ok(Some(load(&self.pool, chat_id.0).await?.unwrap_or_default())) })
    }
}
