//! The Clientbase sync protocol, shared by the app (device side) and the company server.
//!
//! - [`wire`]: the JSON bodies of every endpoint, the headers every request carries, error codes.
//! - [`merge`]: THE merge — per-field last-writer-wins by (hybrid logical clock, device id), delete
//!   beats a concurrent edit, only an explicit later restore revives, insert-only tables never merge
//!   edits — used by both sides so they always agree.
//! - [`tables`]: which tables sync and how.
//!
//! Clocks are the text form of the core's HLC (`MMMMMMMMMMMMMMM-CCCCC-<device>`: 15-digit ms,
//! 5-digit counter, device id), so comparing the text compares (clock, device id).
//!
//! No I/O, no async, no database: plain functions over plain data.

pub mod merge;
pub mod tables;
pub mod wire;

pub use merge::*;
pub use tables::*;
pub use wire::*;

/// Version of the wire protocol. A server answers a request with an older protocol than it
/// supports with `426 update_required`.
pub const PROTOCOL_VERSION: u32 = 1;

/// Version of the synced schema (the tables and columns in [`tables::SYNCED_TABLES`]). Changes to
/// synced tables are additive: a newer schema adds tables/columns; an older app ignores what it
/// does not know and the server keeps the values (they are in the row images).
pub const SYNC_SCHEMA_VERSION: u32 = 1;

/// Header carrying [`PROTOCOL_VERSION`] on every request.
pub const HEADER_PROTOCOL: &str = "x-clientbase-protocol";
/// Header carrying [`SYNC_SCHEMA_VERSION`] on every request.
pub const HEADER_SCHEMA: &str = "x-clientbase-schema";
/// Every authenticated request: `authorization: Bearer <access token>`.
pub const HEADER_AUTHORIZATION: &str = "authorization";

/// A change whose clock is more than this ahead of the receiver's wall clock is rejected.
pub const MAX_CLOCK_AHEAD_MS: i64 = 5 * 60 * 1000;

/// The device id the server uses in the clocks of changes it originates itself (owner set on a
/// new client, reassignment). Sorts after every UUID device id at equal (ms, counter).
pub const SERVER_DEVICE: &str = "~server";
