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

/// One entry of a pull page. Deserialised by hand (see [`Entry`]'s `Deserialize`): the same
/// JSON as the derived, internally tagged form.
#[derive(Debug, Clone, PartialEq, Serialize)]
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

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    /// The server version that made this entry. Pages never split a version.
    pub version: u64,
    #[serde(flatten)]
    pub body: EntryBody,
}

/// The keys an entry's object may hold: each names one type whatever the `kind` (`change` a
/// [`Change`], `row` a [`RowImage`] for both `row` and `reset`), so every value is decoded
/// straight into its type in one pass, in any key order. The derived form of an internally
/// tagged enum inside a flattened field first copies the whole object into serde's buffered
/// `Content` and decodes that again: most of a first sync's decoding time.
enum EntryKey {
    Version,
    Kind,
    Change,
    Row,
    Table,
    RowId,
    Other,
}

impl<'de> Deserialize<'de> for EntryKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = EntryKey;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an entry key")
            }
            fn visit_str<E: serde::de::Error>(self, k: &str) -> Result<EntryKey, E> {
                Ok(match k {
                    "version" => EntryKey::Version,
                    "kind" => EntryKey::Kind,
                    "change" => EntryKey::Change,
                    "row" => EntryKey::Row,
                    "table" => EntryKey::Table,
                    "row_id" => EntryKey::RowId,
                    _ => EntryKey::Other,
                })
            }
        }
        d.deserialize_identifier(V)
    }
}

/// The kinds of [`EntryBody`] (its `kind` tag).
#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum EntryKind {
    Change,
    Row,
    Reset,
    Remove,
}

/// Decodes an entry object; `Entry` requires its `version` (the field is `true`), `EntryBody`
/// ignores one, whatever its value (the field is `false`).
struct EntryVisitor(bool);

impl<'de> serde::de::Visitor<'de> for EntryVisitor {
    type Value = (Option<u64>, EntryBody);

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a pull entry object")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
        use serde::de::Error;
        let mut version = None;
        let mut kind = None;
        let mut change = None;
        let mut row = None;
        // Only a removal's fields; kept as JSON values, so that another kind carrying these
        // keys with other types is still read (the derived form ignored them there).
        let mut table: Option<Value> = None;
        let mut row_id: Option<Value> = None;
        fn once<T, E: Error>(slot: &Option<T>, name: &'static str) -> Result<(), E> {
            if slot.is_some() {
                return Err(E::duplicate_field(name));
            }
            Ok(())
        }
        while let Some(k) = m.next_key::<EntryKey>()? {
            match k {
                EntryKey::Version if !self.0 => {
                    m.next_value::<serde::de::IgnoredAny>()?;
                }
                EntryKey::Version => {
                    once(&version, "version")?;
                    version = Some(m.next_value::<u64>()?);
                }
                EntryKey::Kind => {
                    once(&kind, "kind")?;
                    kind = Some(m.next_value::<EntryKind>()?);
                }
                EntryKey::Change => {
                    once(&change, "change")?;
                    change = Some(m.next_value::<Change>()?);
                }
                EntryKey::Row => {
                    once(&row, "row")?;
                    row = Some(m.next_value::<RowImage>()?);
                }
                EntryKey::Table => {
                    once(&table, "table")?;
                    table = Some(m.next_value::<Value>()?);
                }
                EntryKey::RowId => {
                    once(&row_id, "row_id")?;
                    row_id = Some(m.next_value::<Value>()?);
                }
                EntryKey::Other => {
                    m.next_value::<serde::de::IgnoredAny>()?;
                }
            }
        }
        let text = |v: Option<Value>, name: &'static str| match v {
            Some(Value::String(s)) => Ok(s),
            Some(other) => Err(A::Error::invalid_type(
                serde::de::Unexpected::Other(&other.to_string()),
                &"a string",
            )),
            None => Err(A::Error::missing_field(name)),
        };
        let body = match kind.ok_or_else(|| A::Error::missing_field("kind"))? {
            EntryKind::Change => EntryBody::Change {
                change: change.ok_or_else(|| A::Error::missing_field("change"))?,
            },
            EntryKind::Row => EntryBody::Row {
                row: row.ok_or_else(|| A::Error::missing_field("row"))?,
            },
            EntryKind::Reset => EntryBody::Reset {
                row: row.ok_or_else(|| A::Error::missing_field("row"))?,
            },
            EntryKind::Remove => EntryBody::Remove {
                table: text(table, "table")?,
                row_id: text(row_id, "row_id")?,
            },
        };
        Ok((version, body))
    }
}

impl<'de> Deserialize<'de> for EntryBody {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(d.deserialize_map(EntryVisitor(false))?.1)
    }
}

impl<'de> Deserialize<'de> for Entry {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (version, body) = d.deserialize_map(EntryVisitor(true))?;
        Ok(Entry {
            version: version.ok_or_else(|| serde::de::Error::missing_field("version"))?,
            body,
        })
    }
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

    /// The derived form `Entry` and `EntryBody` had before their hand-written `Deserialize`.
    mod derived {
        use crate::wire::{Change, RowImage};
        use serde::Deserialize;

        #[derive(Debug, Deserialize)]
        #[serde(tag = "kind", rename_all = "snake_case")]
        pub enum EntryBody {
            Change { change: Change },
            Row { row: RowImage },
            Reset { row: RowImage },
            Remove { table: String, row_id: String },
        }

        #[derive(Debug, Deserialize)]
        pub struct Entry {
            pub version: u64,
            #[serde(flatten)]
            pub body: EntryBody,
        }
    }

    fn same_body(a: &EntryBody, b: &derived::EntryBody) -> bool {
        match (a, b) {
            (EntryBody::Change { change: x }, derived::EntryBody::Change { change: y }) => x == y,
            (EntryBody::Row { row: x }, derived::EntryBody::Row { row: y })
            | (EntryBody::Reset { row: x }, derived::EntryBody::Reset { row: y }) => x == y,
            (
                EntryBody::Remove {
                    table: t1,
                    row_id: r1,
                },
                derived::EntryBody::Remove {
                    table: t2,
                    row_id: r2,
                },
            ) => t1 == t2 && r1 == r2,
            _ => false,
        }
    }

    #[test]
    fn entries_decode_as_the_derived_form_did() {
        let change = r#"{"device_id":"d","seq":3,"hlc":"000000000000001-00000-d","table":"clients","row_id":"r","op":"update","fields":{"notes":"x","tags":["a"]}}"#;
        let row = r#"{"table":"contacts","row_id":"c","fields":{"first_name":"Ann"},"clocks":{"first_name":"000000000000002-00000-d"},"life":"000000000000003-00000-d","deleted":true}"#;
        let cases = [
            format!(r#"{{"version":7,"kind":"change","change":{change}}}"#),
            // Any key order, the tag last; unknown keys (also ones another kind uses).
            format!(r#"{{"change":{change},"extra":[1,{{"a":2}}],"kind":"change","version":8}}"#),
            format!(r#"{{"version":8,"kind":"change","table":5,"change":{change}}}"#),
            format!(r#"{{"version":9,"kind":"row","row":{row}}}"#),
            format!(r#"{{"row":{row},"kind":"reset","version":10}}"#),
            r#"{"version":11,"kind":"remove","table":"clients","row_id":"r1"}"#.to_owned(),
            r#"{"row_id":"r1","table":"clients","kind":"remove","version":12,"n":null}"#.to_owned(),
            // Not entries: both forms refuse them.
            r#"{"version":1,"kind":"nope","change":{}}"#.to_owned(),
            format!(r#"{{"version":1,"change":{change}}}"#),
            format!(r#"{{"kind":"change","change":{change}}}"#),
            r#"{"version":1,"kind":"remove","table":"clients"}"#.to_owned(),
            r#"{"version":1,"kind":"remove","table":"clients","row_id":4}"#.to_owned(),
            format!(r#"{{"version":1,"kind":"row","change":{change}}}"#),
            r#"{"version":-1,"kind":"remove","table":"t","row_id":"r"}"#.to_owned(),
            r#"[7,"change"]"#.to_owned(),
        ];
        for json in &cases {
            let ours = serde_json::from_str::<Entry>(json);
            let theirs = serde_json::from_str::<derived::Entry>(json);
            match (&ours, &theirs) {
                (Ok(a), Ok(b)) => {
                    assert_eq!(a.version, b.version, "{json}");
                    assert!(same_body(&a.body, &b.body), "{json}: {a:?} vs {b:?}");
                    // And back: the serialised form is unchanged.
                    let again: Entry =
                        serde_json::from_str(&serde_json::to_string(a).unwrap()).unwrap();
                    assert_eq!(&again, a);
                }
                (Err(_), Err(_)) => {}
                _ => panic!("{json}: ours {ours:?}, derived {theirs:?}"),
            }
            let ours = serde_json::from_str::<EntryBody>(json);
            let theirs = serde_json::from_str::<derived::EntryBody>(json);
            match (&ours, &theirs) {
                (Ok(a), Ok(b)) => assert!(same_body(a, b), "{json}"),
                (Err(_), Err(_)) => {}
                _ => panic!("{json}: ours {ours:?}, derived {theirs:?}"),
            }
        }
        // A page decodes whole, also from a reader (no borrowed input).
        let page = format!(
            r#"{{"entries":[{},{}],"cursor":{{"epoch":"e","version":12}},"more":false,"head":12}}"#,
            cases[0], cases[5]
        );
        let p: PullResponse = serde_json::from_reader(page.as_bytes()).unwrap();
        assert_eq!(p.entries.len(), 2);
        assert_eq!(p, serde_json::from_str(&page).unwrap());
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
