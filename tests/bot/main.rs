//! One integration-test binary: the real bot against a fake Telegram Bot API.

mod abuse;
mod aftercare;
mod bad_input;
mod club;
mod core_flow;
mod digests;
mod door;
mod duty;
mod escalation;
mod export;
mod fake_selftest;
mod follow_ups;
mod fuzz;
mod interplay;
mod languages;
mod leads;
mod limits;
mod privacy;
mod redelivery;
mod sending;
mod startup;
mod steps;
mod support;
mod volunteers;
