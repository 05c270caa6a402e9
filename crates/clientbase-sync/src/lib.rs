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
//!
//! # The protocol in brief
//! - **Login** registers the device (its own `meta.device_id`, the device part of its clocks) for a
//!   user and returns a short-lived access token and a single-use refresh token.
//! - **Push** sends the device's change log in `seq` order from `last_seq + 1`. The server checks
//!   each change ([`merge::check_change`]: clock ≤ 5 min ahead, its own device, a synced table,
//!   visibility), merges it ([`merge::merge_change`]) and answers per change. A change with
//!   `seq ≤ last_seq` is a repeat (`superseded`, nothing written); a change after a gap is
//!   `rejected`/`seq_gap` and NOT consumed; every other rejection is consumed (the queue moves on)
//!   and kept in the server's conflict log. The device sets its pushed mark to the answer's
//!   `last_seq` over the changes the answer covered ([`wire::next_pushed_mark`]; also lower: the
//!   server lost changes in a restore). A repeat of a rejected change is answered `rejected` again.
//! - **Pull** returns the entries after the cursor in server-version order; the device merges them
//!   with the same function and stores the new cursor in the same transaction. A device that had
//!   changes rejected sends their rows in `refetch` and gets their server image (`reset`) or a
//!   `remove`. The server may echo a device's own changes (merging them again is a no-op).
//! - **Server-originated writes** (the owner of a new client, a reassignment) are changes with a
//!   clock of device [`SERVER_DEVICE`], pulled by every device like any other change.
//! - **Epochs**: a server restored from a backup gets a new epoch. A pull with a cursor of another
//!   epoch answers `409 epoch_changed`; the device restarts its cursor at `{new epoch, 0}` (merging
//!   is idempotent) and re-pushes from the server's `last_seq` for it.
//! - **Versions**: [`HEADER_PROTOCOL`] and [`HEADER_SCHEMA`] on every request; an older app gets
//!   `426 update_required`.

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
