//! Plain types and rules: no Telegram, no SQL.

pub mod category;
pub mod door;
pub mod duty;
pub mod money;
pub mod phone;
pub mod region;
pub mod request;
pub mod text;
pub mod when;

pub use category::{Beneficiary, Category};
pub use phone::Phone;
pub use request::{EventKind, ForWhom, Status, Urgency};
pub use text::{BoundedText, TextError};
