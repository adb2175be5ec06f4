use sqlx::SqlitePool;

use crate::domain::region::{Region, Regions};

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    code: String,
    name_ru: String,
    name_en: String,
    tz: String,
}

/// Loads the seeded regions. A region whose time zone chrono-tz does not know falls back to Moscow
/// time with a warning rather than stopping the bot.
pub async fn load(pool: &SqlitePool) -> Result<Regions, sqlx::Error> {
    let rows: Vec<Row> = sqlx::query_as("SELECT id, code, name_ru, name_en, tz FROM regions")
        .fetch_all(pool)
        .await?;
    Ok(Regions::new(
        rows.into_iter()
            .map(|r| Region {
                tz: r.tz.parse().unwrap_or_else(|_| {
                    tracing::warn!(
                        region = r.code,
                        tz = r.tz,
                        "unknown time zone, using Europe/Moscow"
                    );
                    chrono_tz::Europe::Moscow
                }),
                id: r.id,
                code: r.code,
                name_ru: r.name_ru,
                name_en: r.name_en,
            })
            .collect(),
    ))
}
