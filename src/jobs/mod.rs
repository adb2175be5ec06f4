//! Background loops. Each sleeps until its next due time (or until woken), and is idempotent:
//! running it twice, or after a restart, does no harm.

pub mod auto_close;
pub mod chart;
pub mod checkpoint;
pub mod digest;
pub mod escalation;
pub mod held_pushes;
pub mod recurring;
pub mod retention;
