//! JSON bodies of the sync endpoints. All requests carry [`crate::HEADER_PROTOCOL`] and
//! [`crate::HEADER_SCHEMA`]; all but login/refresh carry `authorization: Bearer <access token>`.
//! Every error answer is an [`ErrorBody`] `{code, message}` with a code from [`codes`].
//!
//! Endpoints (all `POST` with a JSON body, except the `GET`s):
//! - [`paths::LOGIN`]: [`LoginRequest`] → [`LoginResponse`] (registers the device).
//! - [`paths::REFRESH`]: [`RefreshRequest`] → [`LoginResponse`] (rotates the refresh token: the old
//!   one stops working).
//! - [`paths::LOGOUT`]: `{}` → `{}` (revokes this device's tokens).
//! - [`paths::PUSH`]: [`PushRequest`] → [`PushResponse`].
//! - [`paths::PULL`]: [`PullRequest`] → [`PullResponse`].
//! - [`paths::USERS`] (`GET`, managers/admins): → [`UsersResponse`].
//! - [`paths::REASSIGN`] (managers/admins): [`ReassignRequest`] → [`ReassignResponse`].

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// URL paths of the endpoints (relative to the server's base URL).
pub mod paths {
    pub const LOGIN: &str = "/v1/login";
    pub const REFRESH: &str = "/v1/refresh";
    pub const LOGOUT: &str = "/v1/logout";
    pub const PUSH: &str = "/v1/push";
    pub const PULL: &str = "/v1/pull";
    pub const USERS: &str = "/v1/users";
    pub const REASSIGN: &str = "/v1/reassign";
}

/// Error codes of [`ErrorBody::code`] (and the HTTP status the server answers with).
pub mod codes {
    /// 426: the app's protocol (or synced schema) is older than the server supports: "update the app".
    pub const UPDATE_REQUIRED: &str = "update_required";
    /// 401: missing, wrong or expired access token, or wrong login/password.
    pub const UNAUTHORIZED: &str = "unauthorized";
    /// 401: the access token expired (refresh it).
    pub const TOKEN_EXPIRED: &str = "token_expired";
    /// 403: this device was revoked (or its user disabled): the device wipes the company's data.
    pub const DEVICE_REVOKED: &str = "device_revoked";
    /// 403: the user's role may not do this (e.g. a rep listing users).
    pub const FORBIDDEN: &str = "forbidden";
    /// 429: too many failed logins; retry later.
    pub const TOO_MANY_ATTEMPTS: &str = "too_many_attempts";
    /// 400: a change's clock is more than 5 minutes ahead of the server's (also a per-change reason).
    pub const CLOCK_SKEW: &str = "clock_skew";
    /// 409: the pull cursor names another epoch: the server was restored from a backup.
    pub const EPOCH_CHANGED: &str = "epoch_changed";
    /// 400: a malformed body.
    pub const BAD_REQUEST: &str = "bad_request";
    /// 404: unknown user (reassign) or endpoint.
    pub const NOT_FOUND: &str = "not_found";
    /// 500.
    pub const INTERNAL: &str = "internal";
}

/// Per-change rejection reasons ([`ChangeResult::reason`]).
pub mod reasons {
    /// The change's clock is > 5 min ahead of the server's wall clock.
    pub const CLOCK_SKEW: &str = "clock_skew";
    /// `seq` is not the next one: the change was NOT consumed; resend from `last_seq + 1`.
    pub const SEQ_GAP: &str = "seq_gap";
    /// The row belongs to a client the user may not write (e.g. reassigned away): kept in the
    /// server's conflict log, not in the data.
    pub const NOT_VISIBLE: &str = "not_visible";
    /// An `update` of an insert-only table (interactions, orders).
    pub const INSERT_ONLY: &str = "insert_only";
    /// A table that does not sync.
    pub const UNKNOWN_TABLE: &str = "unknown_table";
    /// `fields` is not a JSON object (or the change is otherwise malformed).
    pub const MALFORMED: &str = "malformed";
    /// The change's `device_id` is not the pushing device, or the clock names another device.
    pub const WRONG_DEVICE: &str = "wrong_device";
}

/// The body of every error answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
}

/// What a change-log row did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    Insert,
    Update,
    Delete,
    Restore,
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Insert => "insert",
            Op::Update => "update",
            Op::Delete => "delete",
            Op::Restore => "restore",
        }
    }
    pub fn parse(s: &str) -> Option<Op> {
        Some(match s {
            "insert" => Op::Insert,
            "update" => Op::Update,
            "delete" => Op::Delete,
            "restore" => Op::Restore,
            _ => return None,
        })
    }
}

/// One change, as a device pushes it and as the server hands it out in pulls.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// The device that wrote it (the HLC's device part).
    pub device_id: String,
    /// That device's change-log sequence number: contiguous per device, from 1.
    pub seq: u64,
    /// The HLC text form (`MMMMMMMMMMMMMMM-CCCCC-<device>`).
    pub hlc: String,
    pub table: String,
    pub row_id: String,
    pub op: Op,
    /// JSON object column → value. Always an object on the wire: a device expands its bulk-loaded
    /// rows' `null` ("the row as stored") into the full row image before pushing. A `delete` of a
    /// table without `deleted_at` carries `{}`.
    pub fields: serde_json::Map<String, Value>,
}

/// `POST /v1/push`: the next changes of this device, in `seq` order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushRequest {
    pub changes: Vec<Change>,
}

/// What became of one pushed change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Merged (at least one field or the row's life changed).
    Applied,
    /// Valid but lost to later writes (or a repeat of a change already applied): nothing changed.
    Superseded,
    /// Not applied, for [`ChangeResult::reason`]. A rejected change is consumed (the queue moves
    /// on) except for `seq_gap`.
    Rejected,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeResult {
    pub seq: u64,
    pub outcome: Outcome,
    /// One of [`reasons`] for `rejected` (and optionally `superseded`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The answer to a push. The whole push is one server transaction; a repeated change
/// (`seq ≤ last_seq`) changes nothing and is answered as the first time: `rejected` with its first
/// reason if it was rejected (the server keeps rejections by device and seq), else `superseded`.
/// So a device whose answer was lost still learns every rejection when it resends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushResponse {
    /// One result per pushed change, in order.
    pub results: Vec<ChangeResult>,
    /// The highest `seq` of this device the server holds (after this push). The device resumes
    /// from `last_seq + 1` — also after a gap, or when the server was restored from a backup and
    /// lost changes.
    pub last_seq: u64,
    /// The server's current epoch.
    pub epoch: String,
    /// The server's wall clock (ms since the Unix epoch), so a device can tell its clock is off.
    pub server_time_ms: i64,
}

/// The device's new "pushed up to" mark after a push answer: it moves only over the changes the
/// answer covered (so the device has seen every result, rejections included), and goes down
/// when the server holds less than the device thought (restored from a backup, or a gap).
pub fn next_pushed_mark(mark: u64, sent: &[Change], last_seq: u64) -> u64 {
    match (sent.first(), sent.last()) {
        (Some(first), Some(last)) if first.seq <= mark + 1 => last_seq.min(last.seq),
        _ => mark.min(last_seq),
    }
}

/// Where a device is in the server's change stream: the server's epoch (changes when it is
/// restored from a backup) and the last server version the device has applied.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Cursor {
    pub epoch: String,
    pub version: u64,
}

/// `POST /v1/pull`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullRequest {
    /// `None` (or an empty epoch) on first sync: from the beginning.
    #[serde(default)]
    pub cursor: Option<Cursor>,
    /// At most this many entries (the server may send more to finish a version, fewer on its own cap).
    pub limit: u32,
    /// Rows whose local writes the server rejected (clock skew, not visible): the server answers
    /// each with a [`EntryBody::Reset`] (its current image) or a [`EntryBody::Remove`] (the user
    /// may not see it), at the front of the page, with `version` = the request cursor's version.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub refetch: Vec<RowRef>,
}

/// A row by table and id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RowRef {
    pub table: String,
    pub row_id: String,
}

/// A row as the server holds it, with the clock of each field: what a device gets for a client
/// handed to it (and may get instead of a row's history on first sync). Merged field by field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RowImage {
    pub table: String,
    pub row_id: String,
    /// Every column → value.
    pub fields: serde_json::Map<String, Value>,
    /// Column → HLC of the write that set it.
    pub clocks: serde_json::Map<String, Value>,
    /// The HLC of the latest delete/restore, if any, and whether that was a delete.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub life: Option<String>,
    #[serde(default)]
    pub deleted: bool,
}

/// One entry of a pull page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EntryBody {
    /// A change to merge (may be the device's own, echoed: merging it again is a no-op).
    Change { change: Change },
    /// A whole row with its field clocks (reassignment snapshot, or a compact first sync).
    Row { row: RowImage },
    /// Replace the row wholesale with the server's (fields AND clocks): the answer to a
    /// [`PullRequest::refetch`]. The device's rejected writes to it are in its conflict log.
    Reset { row: RowImage },
    /// Remove this client (and its contacts, interactions, tasks, orders) from the device: it was
    /// handed to someone else. Not a delete: nothing is logged and nothing syncs back.
    Remove { table: String, row_id: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// The server version that made this entry. Pages never split a version.
    pub version: u64,
    #[serde(flatten)]
    pub body: EntryBody,
}

/// The answer to a pull.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PullResponse {
    /// In version order.
    pub entries: Vec<Entry>,
    /// The cursor after this page (its epoch is the server's current epoch). The device stores it
    /// in the same transaction as it applies the entries.
    pub cursor: Cursor,
    /// More entries wait after this page.
    pub more: bool,
    /// The server's latest version (for a first sync's progress bar: cursor.version / head).
    pub head: u64,
}

/// A user's role in the company.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, rename = "SyncRole"))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Rep,
    Manager,
    Admin,
}

impl Role {
    /// Managers and admins see every client and may reassign.
    pub fn sees_all(self) -> bool {
        matches!(self, Role::Manager | Role::Admin)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, rename = "SyncUser"))]
pub struct User {
    /// The value clients' `owner` holds for this user.
    pub id: String,
    pub login: String,
    pub name: String,
    pub role: Role,
    #[serde(default)]
    pub disabled: bool,
}

/// `POST /v1/login`: registers (or re-registers) the device for the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginRequest {
    pub login: String,
    pub password: String,
    /// The device's own id (the device part of its HLC, `meta.device_id`): the server binds it
    /// to the user. Changes pushed later must carry this id.
    pub device_id: String,
    /// Shown to managers ("Anna's phone").
    #[serde(default)]
    pub device_name: String,
}

/// `POST /v1/refresh`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefreshRequest {
    pub device_id: String,
    pub refresh_token: String,
}

/// The answer to login and refresh.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginResponse {
    pub user: User,
    pub company_id: String,
    pub company_name: String,
    pub device_id: String,
    pub access_token: String,
    /// Seconds the access token is valid for.
    pub access_expires_in: u64,
    /// Single-use: every refresh returns a new one and invalidates the old.
    pub refresh_token: String,
    pub epoch: String,
    /// The highest `seq` of this device the server holds (0 for a new device).
    pub last_seq: u64,
}

/// `GET /v1/users`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsersResponse {
    pub users: Vec<User>,
}

/// `POST /v1/reassign`: hand every client of `from` (user id) to `to`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReassignRequest {
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ReassignResponse {
    /// Clients handed over.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub clients: u64,
    /// The server version of the reassignment.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub version: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_json_shape() {
        let e = Entry {
            version: 7,
            body: EntryBody::Remove {
                table: "clients".into(),
                row_id: "r1".into(),
            },
        };
        let j = serde_json::to_value(&e).unwrap();
        assert_eq!(
            j,
            serde_json::json!({"version": 7, "kind": "remove", "table": "clients", "row_id": "r1"})
        );
        let back: Entry = serde_json::from_value(j).unwrap();
        assert_eq!(back, e);
        let c = Entry {
            version: 8,
            body: EntryBody::Change {
                change: Change {
                    device_id: "d".into(),
                    seq: 1,
                    hlc: "000000000000001-00000-d".into(),
                    table: "clients".into(),
                    row_id: "r".into(),
                    op: Op::Insert,
                    fields: serde_json::Map::new(),
                },
            },
        };
        let j = serde_json::to_value(&c).unwrap();
        assert_eq!(j["kind"], "change");
        assert_eq!(j["change"]["op"], "insert");
        assert_eq!(serde_json::from_value::<Entry>(j).unwrap(), c);
    }

    #[test]
    fn outcome_and_cursor_json() {
        let r = ChangeResult {
            seq: 3,
            outcome: Outcome::Rejected,
            reason: Some(reasons::SEQ_GAP.into()),
        };
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"{"seq":3,"outcome":"rejected","reason":"seq_gap"}"#
        );
        let p: PullRequest = serde_json::from_str(r#"{"limit":10}"#).unwrap();
        assert_eq!(p.cursor, None);
    }
}
