//! The server's logic, written once over [`Conn`]: accounts and tokens, push, pull, reassignment,
//! the conflict log, epochs. Every method is blocking (the HTTP layer runs it on tokio's blocking
//! pool) and every write is one transaction.

use crate::auth;
use crate::db::{tx, Backend, Conn, Mode, Row, Val};
use crate::error::ServerError;
use clientbase_sync::{
    check_change, clock_ms, image_of_state, merge_change, reasons, table_spec, Change,
    ChangeResult, Cursor, Entry, EntryBody, LoginRequest, LoginResponse, Op, Outcome, PullRequest,
    PullResponse, PushRequest, PushResponse, RefreshRequest, Role, RowImage, RowState, TableKind,
    User, SERVER_DEVICE,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

/// Tunables (tests shorten the token lifetime and the lockout).
#[derive(Debug, Clone)]
pub struct Config {
    /// Lifetime of an access token.
    pub access_ttl_ms: i64,
    /// Failed logins in a row before the login is locked.
    pub max_failed_logins: i64,
    /// How long a locked login stays locked (doubled for every further failure, at most a day).
    pub lockout_ms: i64,
    /// The most entries a pull page carries (a page may exceed it to finish a version). Devices
    /// ask for 2,000 per page, and for more on a first sync (fewer, larger transactions).
    pub max_pull_limit: u32,
    /// The most changes one push may carry.
    pub max_push: usize,
    /// Login attempts one client address may make at once ([`crate::limit`]) …
    pub ip_login_burst: u32,
    /// … and then one more every this many milliseconds.
    pub ip_login_interval_ms: u64,
    /// Behind a reverse proxy: the client address is the proxy's `X-Forwarded-For` entry.
    pub trust_forwarded_for: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            access_ttl_ms: 15 * 60 * 1000,
            max_failed_logins: 5,
            lockout_ms: 5 * 60 * 1000,
            max_pull_limit: 20_000,
            max_push: 5000,
            ip_login_burst: 20,
            ip_login_interval_ms: 30_000,
            trust_forwarded_for: false,
        }
    }
}

/// Who is calling: the device behind an access token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub company_id: String,
    pub user_id: String,
    pub role: Role,
    pub device_id: String,
}

/// One entry of the conflict log (`GET /v1/conflicts`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conflict {
    pub id: String,
    pub at_ms: i64,
    pub user_id: String,
    pub device_id: String,
    pub table: String,
    pub row_id: String,
    pub client_id: Option<String>,
    pub field: String,
    pub value: Value,
    pub clock: String,
    pub winner_clock: Option<String>,
    /// `lost` (an older write arrived after a newer one), `overwritten` (another device's value was
    /// replaced by a later write), `edited_while_deleted`, or a rejection reason (`not_visible`,
    /// `clock_skew`, …).
    pub reason: String,
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

fn role_str(r: Role) -> &'static str {
    match r {
        Role::Rep => "rep",
        Role::Manager => "manager",
        Role::Admin => "admin",
    }
}

pub fn parse_role(s: &str) -> Result<Role, ServerError> {
    match s {
        "rep" => Ok(Role::Rep),
        "manager" => Ok(Role::Manager),
        "admin" => Ok(Role::Admin),
        other => Err(ServerError::BadRequest(format!(
            "unknown role {other:?} (rep, manager, admin)"
        ))),
    }
}

fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// A row loaded for a push or a reassignment.
#[derive(Debug, Clone)]
struct Loaded {
    state: RowState,
    client_id: Option<String>,
    owner: Option<String>,
    exists: bool,
    dirty: bool,
}

type RowKey = (String, String);

fn load_row(
    c: &mut dyn Conn,
    company: &str,
    tbl: &str,
    row_id: &str,
) -> Result<Loaded, ServerError> {
    let r = c.query_one(
        "SELECT client_id, owner, fields, clocks, life, deleted FROM rows WHERE company_id = $1 AND tbl = $2 AND row_id = $3",
        &[company.into(), tbl.into(), row_id.into()],
    )?;
    Ok(match r {
        Some(r) => loaded_of(&r, 0)?,
        None => Loaded {
            state: RowState::default(),
            client_id: None,
            owner: None,
            exists: false,
            dirty: false,
        },
    })
}

/// A [`Loaded`] from the columns client_id, owner, fields, clocks, life, deleted starting at `at`.
fn loaded_of(r: &Row, at: usize) -> Result<Loaded, ServerError> {
    let fields: Map<String, Value> = serde_json::from_str(&r.text(at + 2))?;
    let clocks: BTreeMap<String, String> = serde_json::from_str(&r.text(at + 3))?;
    Ok(Loaded {
        state: RowState {
            fields,
            clocks,
            life: r.opt_text(at + 4),
            deleted: r.int(at + 5) != 0,
        },
        client_id: r.opt_text(at),
        owner: r.opt_text(at + 1),
        exists: true,
        dirty: false,
    })
}

/// Rows touched by one transaction, written back at its end.
struct RowCache {
    company: String,
    rows: HashMap<RowKey, Loaded>,
}

impl RowCache {
    fn new(company: &str) -> Self {
        RowCache {
            company: company.to_owned(),
            rows: HashMap::new(),
        }
    }
    fn get(
        &mut self,
        c: &mut dyn Conn,
        tbl: &str,
        row_id: &str,
    ) -> Result<&mut Loaded, ServerError> {
        let key = (tbl.to_owned(), row_id.to_owned());
        if !self.rows.contains_key(&key) {
            let l = load_row(c, &self.company, tbl, row_id)?;
            self.rows.insert(key.clone(), l);
        }
        Ok(self.rows.get_mut(&key).expect("just inserted"))
    }
    /// Loads the rows of `keys` not in the cache, a chunk of ids per statement.
    fn prefetch(&mut self, c: &mut dyn Conn, keys: &[RowKey]) -> Result<(), ServerError> {
        let mut by_table: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (t, id) in keys {
            if !self.rows.contains_key(&(t.clone(), id.clone())) {
                by_table.entry(t.as_str()).or_default().push(id.as_str());
            }
        }
        for (tbl, mut ids) in by_table {
            ids.sort_unstable();
            ids.dedup();
            for chunk in ids.chunks(PREFETCH_CHUNK) {
                // Padded to a chunk size (repeating the last id) so few SQL texts exist.
                let n = CHUNKS
                    .into_iter()
                    .rev()
                    .find(|&k| k >= chunk.len())
                    .unwrap_or(chunk.len());
                // One primary-key lookup per id, not `row_id IN (…)`: with statistics that lag a
                // fast-growing table, PostgreSQL planned the IN list as a filter over an index
                // scan of the whole company (profiled: every push read all the company's rows).
                let mut sql = String::new();
                let mut params: Vec<Val> = vec![self.company.as_str().into(), tbl.into()];
                for i in 0..n {
                    if i > 0 {
                        sql.push_str(" UNION ALL ");
                    }
                    sql.push_str(&format!(
                        "SELECT row_id, client_id, owner, fields, clocks, life, deleted FROM rows WHERE company_id = $1 AND tbl = $2 AND row_id = ${}",
                        i + 3
                    ));
                    params.push(chunk[i.min(chunk.len() - 1)].into());
                }
                for r in c.query(&sql, &params)? {
                    self.rows
                        .insert((tbl.to_owned(), r.text(0)), loaded_of(&r, 1)?);
                }
                for id in chunk {
                    self.rows
                        .entry((tbl.to_owned(), (*id).to_owned()))
                        .or_insert_with(|| Loaded {
                            state: RowState::default(),
                            client_id: None,
                            owner: None,
                            exists: false,
                            dirty: false,
                        });
                }
            }
        }
        Ok(())
    }

    /// Writes the changed rows back, in bulk upserts.
    fn flush(&mut self, c: &mut dyn Conn) -> Result<(), ServerError> {
        let mut rows = Vec::new();
        for ((tbl, row_id), l) in &self.rows {
            if l.dirty {
                rows.push(vec![
                    self.company.as_str().into(),
                    tbl.into(),
                    row_id.into(),
                    l.client_id.clone().into(),
                    l.owner.clone().into(),
                    serde_json::to_string(&l.state.fields)?.into(),
                    serde_json::to_string(&l.state.clocks)?.into(),
                    l.state.life.clone().into(),
                    l.state.deleted.into(),
                ]);
            }
        }
        insert_many(
            c,
            "INSERT INTO rows (company_id, tbl, row_id, client_id, owner, fields, clocks, life, deleted) VALUES",
            "ON CONFLICT (company_id, tbl, row_id) DO UPDATE SET client_id = excluded.client_id, owner = excluded.owner, \
             fields = excluded.fields, clocks = excluded.clocks, life = excluded.life, deleted = excluded.deleted",
            rows,
        )
    }
}

/// Entries of one version for the log, and conflicts, written in bulk at the end of the
/// transaction (a push of 1,000 changes is a handful of statements, not thousands of round trips).
struct LogWriter {
    company: String,
    version: i64,
    idx: i64,
    entries: Vec<Vec<Val>>,
    conflicts: Vec<Vec<Val>>,
}

impl LogWriter {
    fn new(company: &str, version: i64) -> Self {
        LogWriter {
            company: company.to_owned(),
            version,
            idx: 0,
            entries: Vec::new(),
            conflicts: Vec::new(),
        }
    }

    fn add(
        &mut self,
        client_id: Option<&str>,
        target: Option<&str>,
        body: &EntryBody,
    ) -> Result<(), ServerError> {
        self.entries.push(vec![
            self.company.as_str().into(),
            self.version.into(),
            self.idx.into(),
            client_id.into(),
            target.into(),
            serde_json::to_string(body)?.into(),
        ]);
        self.idx += 1;
        Ok(())
    }

    /// Writes the entries (with their audience: the target, else the current owner of their
    /// client from `cache`, else '*') and the conflicts.
    fn flush(&mut self, c: &mut dyn Conn, cache: &mut RowCache) -> Result<(), ServerError> {
        let mut entries = std::mem::take(&mut self.entries);
        for e in &mut entries {
            let audience = match (&e[4], &e[3]) {
                (Val::Text(target), _) => target.clone(),
                (_, Val::Text(client)) => cache
                    .get(c, "clients", client)?
                    .owner
                    .clone()
                    .unwrap_or_default(),
                _ => "*".to_owned(),
            };
            e.push(audience.into());
        }
        insert_many(
            c,
            "INSERT INTO log (company_id, version, idx, client_id, target_user, body, audience) VALUES",
            "",
            entries,
        )?;
        insert_many(
            c,
            "INSERT INTO conflicts (id, company_id, at_ms, user_id, device_id, tbl, row_id, client_id, field, value, clock, winner_clock, reason) VALUES",
            "",
            std::mem::take(&mut self.conflicts),
        )
    }
}

/// Ids one prefetch statement looks up (a UNION ALL of this many lookups at most).
const PREFETCH_CHUNK: usize = 64;

/// Chunk sizes of bulk statements: few distinct SQL texts (prepared once per connection), few
/// round trips.
const CHUNKS: [usize; 7] = [256, 64, 16, 8, 4, 2, 1];

/// `head (..),(..) tail` over `rows` (all of one width), in chunks of [`CHUNKS`] sizes.
fn insert_many(
    c: &mut dyn Conn,
    head: &str,
    tail: &str,
    rows: Vec<Vec<Val>>,
) -> Result<(), ServerError> {
    let Some(width) = rows.first().map(Vec::len) else {
        return Ok(());
    };
    let mut rest = &rows[..];
    while !rest.is_empty() {
        let n = CHUNKS.into_iter().find(|&k| k <= rest.len()).unwrap_or(1);
        let (chunk, tail_rows) = rest.split_at(n);
        let mut sql = String::with_capacity(head.len() + n * width * 5 + tail.len());
        sql.push_str(head);
        let mut p = 0;
        for i in 0..n {
            sql.push_str(if i == 0 { " (" } else { ", (" });
            for j in 0..width {
                p += 1;
                if j > 0 {
                    sql.push_str(", ");
                }
                sql.push_str(&format!("${p}"));
            }
            sql.push(')');
        }
        sql.push(' ');
        sql.push_str(tail);
        let params: Vec<Val> = chunk.iter().flatten().cloned().collect();
        c.exec(&sql, &params)?;
        rest = tail_rows;
    }
    Ok(())
}

/// Bumps the company's version: the first write of every push/reassignment transaction (its row
/// lock orders the company's writers, so versions follow commit order).
fn bump_version(c: &mut dyn Conn, company: &str) -> Result<i64, ServerError> {
    c.query_one(
        "UPDATE companies SET version = version + 1 WHERE id = $1 RETURNING version",
        &[company.into()],
    )?
    .map(|r| r.int(0))
    .ok_or_else(|| ServerError::NotFound("company".into()))
}

#[allow(clippy::too_many_arguments)]
fn add_conflict(
    log: &mut LogWriter,
    s: &Session,
    tbl: &str,
    row_id: &str,
    client_id: Option<&str>,
    field: &str,
    value: &Value,
    clock: &str,
    winner: Option<&str>,
    reason: &str,
) -> Result<(), ServerError> {
    log.conflicts.push(vec![
        new_id().into(),
        s.company_id.as_str().into(),
        now_ms().into(),
        s.user_id.as_str().into(),
        s.device_id.as_str().into(),
        tbl.into(),
        row_id.into(),
        client_id.into(),
        field.into(),
        serde_json::to_string(value)?.into(),
        clock.into(),
        winner.into(),
        reason.into(),
    ]);
    Ok(())
}

/// Logs every field of a rejected change (or `*` = the op for a change without fields).
fn conflict_whole_change(
    log: &mut LogWriter,
    s: &Session,
    ch: &Change,
    client_id: Option<&str>,
    reason: &str,
) -> Result<(), ServerError> {
    if ch.fields.is_empty() {
        return add_conflict(
            log,
            s,
            &ch.table,
            &ch.row_id,
            client_id,
            "*",
            &Value::String(ch.op.as_str().into()),
            &ch.hlc,
            None,
            reason,
        );
    }
    for (f, v) in &ch.fields {
        add_conflict(
            log, s, &ch.table, &ch.row_id, client_id, f, v, &ch.hlc, None, reason,
        )?;
    }
    Ok(())
}

fn user_of(r: &Row) -> Result<User, ServerError> {
    // columns: id, login, name, role, disabled
    Ok(User {
        id: r.text(0),
        login: r.text(1),
        name: r.text(2),
        role: parse_role(&r.text(3))?,
        disabled: r.int(4) != 0,
    })
}

/// The server's own hybrid logical clock, for the changes it originates (a new client's owner,
/// reassignment). Its device part is [`SERVER_DEVICE`].
#[derive(Debug, Default)]
struct ServerClock {
    last: (i64, u32),
}

impl ServerClock {
    /// A clock later than the wall clock, every clock it gave before, and `above`.
    fn tick(&mut self, above: Option<&str>) -> String {
        let mut next = (now_ms(), 0u32).max((self.last.0, self.last.1 + 1));
        if let Some(a) = above {
            if let Some(ms) = clock_ms(a) {
                let ctr: u32 = a.get(16..21).and_then(|s| s.parse().ok()).unwrap_or(0);
                next = next.max((ms, ctr + 1));
            }
        }
        if next.1 > 99_999 {
            next = (next.0 + 1, 0);
        }
        self.last = next;
        format!("{:015}-{:05}-{}", next.0, next.1, SERVER_DEVICE)
    }
}

/// Who calls: a session already authenticated, or a token to check in the same transaction.
#[derive(Clone, Copy)]
enum Who<'a> {
    Session(&'a Session),
    Token(&'a str),
}

/// A pull page as read: refetched rows, then the log's entries as stored (version, body JSON).
struct Page {
    refetched: Vec<Entry>,
    logged: Vec<(u64, String)>,
    cursor: Cursor,
    more: bool,
    head: u64,
}

impl Page {
    fn response(self) -> Result<PullResponse, ServerError> {
        let mut entries = self.refetched;
        entries.reserve(self.logged.len());
        for (version, body) in self.logged {
            entries.push(Entry {
                version,
                body: serde_json::from_str(&body)?,
            });
        }
        Ok(PullResponse {
            entries,
            cursor: self.cursor,
            more: self.more,
            head: self.head,
        })
    }

    /// The JSON of [`Page::response`]. An [`Entry`] is its version beside its body's fields
    /// (`#[serde(flatten)]`), so a stored body `{"kind":…}` becomes `{"version":N,"kind":…}` by
    /// splicing: most of a pull's time was parsing and re-serialising bodies that pass unchanged.
    fn json(self) -> Result<String, ServerError> {
        let logged: usize = self.logged.iter().map(|(_, b)| b.len() + 24).sum();
        let mut out = String::with_capacity(logged + 256);
        out.push_str("{\"entries\":[");
        let mut first = true;
        for e in &self.refetched {
            if !first {
                out.push(',');
            }
            first = false;
            out.push_str(&serde_json::to_string(e)?);
        }
        for (version, body) in &self.logged {
            let Some(fields) = body.strip_prefix('{').filter(|f| f.len() > 1) else {
                return Err(ServerError::Db(format!(
                    "stored entry is not an object: {body}"
                )));
            };
            if !first {
                out.push(',');
            }
            first = false;
            out.push_str("{\"version\":");
            out.push_str(&version.to_string());
            out.push(',');
            out.push_str(fields);
        }
        out.push_str("],\"cursor\":");
        out.push_str(&serde_json::to_string(&self.cursor)?);
        out.push_str(",\"more\":");
        out.push_str(if self.more { "true" } else { "false" });
        out.push_str(",\"head\":");
        out.push_str(&self.head.to_string());
        out.push('}');
        Ok(out)
    }
}

pub struct Service {
    backend: Arc<dyn Backend>,
    cfg: Config,
    epoch: String,
    clock: Mutex<ServerClock>,
}

/// Sets a new epoch when the database is marked as a backup (see [`Service::mark_as_backup`]),
/// creates one on first start; returns the epoch.
fn ensure_epoch(backend: &dyn Backend) -> Result<String, ServerError> {
    tx(backend, Mode::Write, |c| {
        let epoch = c
            .query_one("SELECT value FROM server_meta WHERE key = 'epoch'", &[])?
            .map(|r| r.text(0));
        let restored = c
            .query_one("SELECT value FROM server_meta WHERE key = 'is_backup'", &[])?
            .is_some();
        match epoch {
            Some(e) if !restored => Ok(e),
            _ => {
                let e = new_id();
                c.exec(
                    "INSERT INTO server_meta (key, value) VALUES ('epoch', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    &[e.as_str().into()],
                )?;
                c.exec("DELETE FROM server_meta WHERE key = 'is_backup'", &[])?;
                if restored {
                    tracing::warn!("this database is a restored backup: new epoch {e}; devices will re-push what it lacks");
                }
                Ok(e)
            }
        }
    })
}

/// Marks a database as a backup: the server that next opens it starts a new epoch.
pub fn mark_as_backup(c: &mut dyn Conn) -> Result<(), ServerError> {
    c.exec(
        "INSERT INTO server_meta (key, value) VALUES ('is_backup', '1') ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        &[],
    )?;
    Ok(())
}

impl Service {
    pub fn new(backend: Arc<dyn Backend>, cfg: Config) -> Result<Service, ServerError> {
        let epoch = ensure_epoch(backend.as_ref())?;
        Ok(Service {
            backend,
            cfg,
            epoch,
            clock: Mutex::new(ServerClock::default()),
        })
    }

    pub fn config(&self) -> &Config {
        &self.cfg
    }

    pub fn epoch(&self) -> &str {
        &self.epoch
    }

    pub fn backend(&self) -> &dyn Backend {
        self.backend.as_ref()
    }

    fn tick(&self, above: Option<&str>) -> String {
        self.clock
            .lock()
            .map(|mut c| c.tick(above))
            .unwrap_or_default()
    }

    /// Starts a new epoch now (after restoring a PostgreSQL dump; the SQLite `restore` command
    /// does it itself). Takes effect at the next start of every server process.
    pub fn new_epoch(backend: &dyn Backend) -> Result<String, ServerError> {
        tx(backend, Mode::Write, mark_as_backup)?;
        ensure_epoch(backend)
    }

    // ---------------------------------------------------------------- companies and users

    pub fn company_add(&self, name: &str) -> Result<String, ServerError> {
        let id = new_id();
        tx(self.backend(), Mode::Write, |c| {
            c.exec(
                "INSERT INTO companies (id, name, version, created_ms) VALUES ($1, $2, 0, $3)",
                &[id.as_str().into(), name.into(), now_ms().into()],
            )
        })?;
        Ok(id)
    }

    /// The company with this id or name.
    pub fn company_find(&self, id_or_name: &str) -> Result<String, ServerError> {
        tx(self.backend(), Mode::Read, |c| {
            let rows = c.query(
                "SELECT id FROM companies WHERE id = $1 OR name = $1",
                &[id_or_name.into()],
            )?;
            match rows.len() {
                1 => Ok(rows[0].text(0)),
                0 => Err(ServerError::NotFound(format!("company {id_or_name:?}"))),
                _ => Err(ServerError::BadRequest(format!(
                    "several companies are named {id_or_name:?}: use the id"
                ))),
            }
        })
    }

    pub fn user_add(
        &self,
        company_id: &str,
        login: &str,
        name: &str,
        role: Role,
        password: &str,
    ) -> Result<User, ServerError> {
        let login = login.trim();
        if login.is_empty() || password.len() < 8 {
            return Err(ServerError::BadRequest(
                "a login and a password of at least 8 characters are required".into(),
            ));
        }
        let hash = auth::hash_password(password)?;
        let user = User {
            id: new_id(),
            login: login.to_owned(),
            name: name.to_owned(),
            role,
            disabled: false,
        };
        tx(self.backend(), Mode::Write, |c| {
            if c.query_one(
                "SELECT 1 FROM companies WHERE id = $1",
                &[company_id.into()],
            )?
            .is_none()
            {
                return Err(ServerError::NotFound("company".into()));
            }
            if c.query_one("SELECT 1 FROM users WHERE login = $1", &[login.into()])?
                .is_some()
            {
                return Err(ServerError::BadRequest(format!(
                    "the login {login:?} is taken"
                )));
            }
            c.exec(
                "INSERT INTO users (id, company_id, login, name, role, password_hash, created_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                &[
                    user.id.as_str().into(),
                    company_id.into(),
                    login.into(),
                    name.into(),
                    role_str(role).into(),
                    hash.as_str().into(),
                    now_ms().into(),
                ],
            )
        })?;
        Ok(user)
    }

    /// The user with this login or id, with their company.
    pub fn user_find(&self, login_or_id: &str) -> Result<(String, User), ServerError> {
        tx(self.backend(), Mode::Read, |c| {
            c.query_one(
                "SELECT id, login, name, role, disabled, company_id FROM users WHERE login = $1 OR id = $1",
                &[login_or_id.into()],
            )?
            .map(|r| Ok((r.text(5), user_of(&r)?)))
            .unwrap_or_else(|| Err(ServerError::NotFound(format!("user {login_or_id:?}"))))
        })
    }

    /// Sets a new password, clears a lockout and revokes the user's devices (they log in again).
    pub fn reset_password(&self, user_id: &str, password: &str) -> Result<(), ServerError> {
        if password.len() < 8 {
            return Err(ServerError::BadRequest(
                "a password of at least 8 characters is required".into(),
            ));
        }
        let hash = auth::hash_password(password)?;
        tx(self.backend(), Mode::Write, |c| {
            let n = c.exec(
                "UPDATE users SET password_hash = $1, failed_logins = 0, locked_until_ms = 0 WHERE id = $2",
                &[hash.as_str().into(), user_id.into()],
            )?;
            if n == 0 {
                return Err(ServerError::NotFound("user".into()));
            }
            c.exec(
                "UPDATE devices SET revoked = 1 WHERE user_id = $1",
                &[user_id.into()],
            )?;
            Ok(())
        })
    }

    /// Disables (or re-enables) a user; disabling revokes all their devices, which wipe the
    /// company's data at their next contact.
    pub fn set_disabled(&self, user_id: &str, disabled: bool) -> Result<(), ServerError> {
        tx(self.backend(), Mode::Write, |c| {
            let n = c.exec(
                "UPDATE users SET disabled = $1 WHERE id = $2",
                &[disabled.into(), user_id.into()],
            )?;
            if n == 0 {
                return Err(ServerError::NotFound("user".into()));
            }
            if disabled {
                c.exec(
                    "UPDATE devices SET revoked = 1 WHERE user_id = $1",
                    &[user_id.into()],
                )?;
            }
            Ok(())
        })
    }

    pub fn revoke_device(&self, company_id: &str, device_id: &str) -> Result<(), ServerError> {
        tx(self.backend(), Mode::Write, |c| {
            let n = c.exec(
                "UPDATE devices SET revoked = 1 WHERE id = $1 AND company_id = $2",
                &[device_id.into(), company_id.into()],
            )?;
            if n == 0 {
                return Err(ServerError::NotFound("device".into()));
            }
            Ok(())
        })
    }

    pub fn users(&self, company_id: &str) -> Result<Vec<User>, ServerError> {
        tx(self.backend(), Mode::Read, |c| {
            c.query(
                "SELECT id, login, name, role, disabled FROM users WHERE company_id = $1 ORDER BY login",
                &[company_id.into()],
            )?
            .iter()
            .map(user_of)
            .collect()
        })
    }

    // ---------------------------------------------------------------- login and tokens

    fn issue_tokens(
        &self,
        c: &mut dyn Conn,
        device_id: &str,
    ) -> Result<(String, String), ServerError> {
        let access = auth::new_token();
        let refresh = auth::new_token();
        c.exec(
            "UPDATE devices SET access_hash = $1, access_expires_ms = $2 WHERE id = $3",
            &[
                auth::token_hash(&access).into(),
                (now_ms() + self.cfg.access_ttl_ms).into(),
                device_id.into(),
            ],
        )?;
        c.exec(
            "INSERT INTO refresh_tokens (hash, device_id, used, created_ms) VALUES ($1, $2, 0, $3)",
            &[
                auth::token_hash(&refresh).into(),
                device_id.into(),
                now_ms().into(),
            ],
        )?;
        Ok((access, refresh))
    }

    fn login_response(
        &self,
        c: &mut dyn Conn,
        device_id: &str,
        tokens: (String, String),
    ) -> Result<LoginResponse, ServerError> {
        let r = c
            .query_one(
                "SELECT u.id, u.login, u.name, u.role, u.disabled, co.id, co.name, d.last_seq \
                 FROM devices d JOIN users u ON u.id = d.user_id JOIN companies co ON co.id = d.company_id WHERE d.id = $1",
                &[device_id.into()],
            )?
            .ok_or(ServerError::Unauthorized)?;
        Ok(LoginResponse {
            user: user_of(&r)?,
            company_id: r.text(5),
            company_name: r.text(6),
            device_id: device_id.to_owned(),
            access_token: tokens.0,
            access_expires_in: (self.cfg.access_ttl_ms / 1000).max(0) as u64,
            refresh_token: tokens.1,
            epoch: self.epoch.clone(),
            last_seq: r.int(7).max(0) as u64,
        })
    }

    /// Checks the password (limited: after `max_failed_logins` failures in a row the login is
    /// locked, for longer at every further failure) and registers the device for the user.
    pub fn login(&self, req: &LoginRequest) -> Result<LoginResponse, ServerError> {
        let device_id = req.device_id.trim();
        if device_id.is_empty()
            || device_id.len() > 100
            || device_id.contains(|c: char| c.is_whitespace())
        {
            return Err(ServerError::BadRequest("device_id".into()));
        }
        let user = tx(self.backend(), Mode::Read, |c| {
            c.query_one(
                "SELECT id, company_id, password_hash, disabled, failed_logins, locked_until_ms FROM users WHERE login = $1",
                &[req.login.trim().into()],
            )
        })?;
        let Some(user) = user else {
            // Same work as for a real user, so the answer does not tell which logins exist.
            auth::verify_password(&req.password, auth::dummy_hash());
            return Err(ServerError::Unauthorized);
        };
        let now = now_ms();
        let locked_until = user.int(5);
        if locked_until > now {
            return Err(ServerError::TooManyAttempts(
                (locked_until - now + 999) / 1000,
            ));
        }
        let user_id = user.text(0);
        if !auth::verify_password(&req.password, &user.text(2)) {
            let failed = user.int(4) + 1;
            let over = failed - self.cfg.max_failed_logins;
            let lock = if over >= 0 {
                now + (self.cfg.lockout_ms << over.min(8)).min(24 * 3600 * 1000)
            } else {
                0
            };
            tx(self.backend(), Mode::Write, |c| {
                c.exec(
                    "UPDATE users SET failed_logins = failed_logins + 1, locked_until_ms = $1 WHERE id = $2",
                    &[lock.into(), user_id.as_str().into()],
                )
            })?;
            tracing::warn!(login = %req.login, failed, "failed login");
            if lock > 0 {
                return Err(ServerError::TooManyAttempts((lock - now + 999) / 1000));
            }
            return Err(ServerError::Unauthorized);
        }
        if user.int(3) != 0 {
            return Err(ServerError::DeviceRevoked);
        }
        let company = user.text(1);
        tx(self.backend(), Mode::Write, |c| {
            c.exec(
                "UPDATE users SET failed_logins = 0, locked_until_ms = 0 WHERE id = $1",
                &[user_id.as_str().into()],
            )?;
            c.exec(
                "INSERT INTO devices (id, company_id, user_id, name, last_seq, revoked, created_ms) VALUES ($1, $2, $3, $4, 0, 0, $5) \
                 ON CONFLICT (id) DO UPDATE SET company_id = excluded.company_id, user_id = excluded.user_id, name = excluded.name, revoked = 0",
                &[device_id.into(), company.as_str().into(), user_id.as_str().into(), req.device_name.as_str().into(), now.into()],
            )?;
            c.exec(
                "DELETE FROM refresh_tokens WHERE device_id = $1",
                &[device_id.into()],
            )?;
            let tokens = self.issue_tokens(c, device_id)?;
            self.login_response(c, device_id, tokens)
        })
    }

    /// Rotates the refresh token. Presenting a used one again means it leaked: the device is
    /// revoked (its owner logs in again with the password).
    pub fn refresh(&self, req: &RefreshRequest) -> Result<LoginResponse, ServerError> {
        let hash = auth::token_hash(&req.refresh_token);
        let out = tx(self.backend(), Mode::Write, |c| {
            let Some(t) = c.query_one(
                "SELECT t.used, d.revoked, u.disabled FROM refresh_tokens t JOIN devices d ON d.id = t.device_id \
                 JOIN users u ON u.id = d.user_id WHERE t.hash = $1 AND t.device_id = $2",
                &[hash.as_str().into(), req.device_id.as_str().into()],
            )?
            else {
                return Ok(Err(ServerError::Unauthorized));
            };
            if t.int(1) != 0 || t.int(2) != 0 {
                return Ok(Err(ServerError::DeviceRevoked));
            }
            if t.int(0) != 0 {
                c.exec(
                    "UPDATE devices SET revoked = 1 WHERE id = $1",
                    &[req.device_id.as_str().into()],
                )?;
                tracing::warn!(device = %req.device_id, "a used refresh token was presented again: device revoked");
                return Ok(Err(ServerError::DeviceRevoked));
            }
            c.exec(
                "UPDATE refresh_tokens SET used = 1 WHERE hash = $1",
                &[hash.as_str().into()],
            )?;
            let tokens = self.issue_tokens(c, &req.device_id)?;
            Ok(Ok(self.login_response(c, &req.device_id, tokens)?))
        })?;
        out
    }

    pub fn logout(&self, s: &Session) -> Result<(), ServerError> {
        tx(self.backend(), Mode::Write, |c| {
            c.exec(
                "UPDATE devices SET access_hash = NULL, access_expires_ms = 0 WHERE id = $1",
                &[s.device_id.as_str().into()],
            )?;
            c.exec(
                "DELETE FROM refresh_tokens WHERE device_id = $1",
                &[s.device_id.as_str().into()],
            )?;
            Ok(())
        })
    }

    /// The session behind an access token.
    pub fn authenticate(&self, token: &str) -> Result<Session, ServerError> {
        tx(self.backend(), Mode::Read, |c| self.auth_in(c, token))
    }

    /// [`Service::authenticate`] inside a caller's transaction.
    fn auth_in(&self, c: &mut dyn Conn, token: &str) -> Result<Session, ServerError> {
        let hash = auth::token_hash(token);
        let r = c
            .query_one(
                "SELECT d.id, d.company_id, d.user_id, d.revoked, d.access_expires_ms, u.role, u.disabled \
                 FROM devices d JOIN users u ON u.id = d.user_id WHERE d.access_hash = $1",
                &[hash.into()],
            )?
            .ok_or(ServerError::Unauthorized)?;
        if r.int(3) != 0 || r.int(6) != 0 {
            return Err(ServerError::DeviceRevoked);
        }
        if r.int(4) <= now_ms() {
            return Err(ServerError::TokenExpired);
        }
        Ok(Session {
            device_id: r.text(0),
            company_id: r.text(1),
            user_id: r.text(2),
            role: parse_role(&r.text(5))?,
        })
    }

    fn resolve(&self, c: &mut dyn Conn, who: Who<'_>) -> Result<Session, ServerError> {
        match who {
            Who::Session(s) => Ok(s.clone()),
            Who::Token(t) => self.auth_in(c, t),
        }
    }

    /// [`Service::push`] authenticated by an access token in the same transaction (one
    /// transaction per request).
    pub fn push_token(&self, token: &str, req: &PushRequest) -> Result<PushResponse, ServerError> {
        self.push_who(Who::Token(token), req)
    }

    /// [`Service::pull`] authenticated by an access token in the same transaction.
    pub fn pull_token(&self, token: &str, req: &PullRequest) -> Result<PullResponse, ServerError> {
        self.pull_who(Who::Token(token), req)?.response()
    }

    /// [`Service::pull_token`] as the JSON of its [`PullResponse`], with the stored entries copied
    /// into it as they are (no parse and re-serialisation per entry).
    pub fn pull_token_json(&self, token: &str, req: &PullRequest) -> Result<String, ServerError> {
        self.pull_who(Who::Token(token), req)?.json()
    }

    pub fn push(&self, s: &Session, req: &PushRequest) -> Result<PushResponse, ServerError> {
        self.push_who(Who::Session(s), req)
    }

    pub fn pull(&self, s: &Session, req: &PullRequest) -> Result<PullResponse, ServerError> {
        self.pull_who(Who::Session(s), req)?.response()
    }

    // ---------------------------------------------------------------- push

    /// Whether `s` may write `ch` (whose row is `row`): managers and admins write everything, a rep
    /// only rows of clients they own (a new client is theirs). Company-wide tables are open to all.
    fn may_write(
        &self,
        c: &mut dyn Conn,
        cache: &mut RowCache,
        s: &Session,
        ch: &Change,
        client_id: Option<&str>,
    ) -> Result<bool, ServerError> {
        if s.role.sees_all() {
            return Ok(true);
        }
        let Some(spec) = table_spec(&ch.table) else {
            return Ok(false);
        };
        let Some(col) = spec.client_column else {
            return Ok(true);
        };
        let row = cache.get(c, &ch.table, &ch.row_id)?;
        if col == "id" {
            return Ok(!row.exists || row.owner.as_deref() == Some(s.user_id.as_str()));
        }
        let old_client = row.client_id.clone();
        let mut clients: Vec<String> = old_client.into_iter().collect();
        clients.extend(client_id.map(str::to_owned));
        if clients.is_empty() {
            return Ok(false);
        }
        for cid in clients {
            let cl = cache.get(c, "clients", &cid)?;
            if !cl.exists || cl.owner.as_deref() != Some(s.user_id.as_str()) {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Applies a device's changes in one transaction. Idempotent by (device, seq): changes at or
    /// below the device's `last_seq` answer `superseded` and change nothing; a change after a gap
    /// is `rejected` (`seq_gap`) and not consumed. Every other change is consumed, applied or not.
    fn push_who(&self, who: Who<'_>, req: &PushRequest) -> Result<PushResponse, ServerError> {
        self.check_push_size(req)?;
        let now = now_ms();
        let (results, last_seq) = tx(self.backend(), Mode::Write, |c| {
            self.push_in(c, who, req, now)
        })?;
        Ok(self.push_response(results, last_seq, now))
    }

    fn check_push_size(&self, req: &PushRequest) -> Result<(), ServerError> {
        if req.changes.len() > self.cfg.max_push {
            return Err(ServerError::BadRequest(format!(
                "at most {} changes per push",
                self.cfg.max_push
            )));
        }
        Ok(())
    }

    fn push_response(&self, results: Vec<ChangeResult>, last_seq: u64, now: i64) -> PushResponse {
        PushResponse {
            results,
            last_seq,
            epoch: self.epoch.clone(),
            server_time_ms: now,
        }
    }

    /// Group commit: several devices' pushes (access token, request) in ONE write transaction, each
    /// inside its own savepoint, answered one by one exactly as [`Service::push_token`] would (a
    /// push that fails — bad token, too many changes, a database error in its statements — is
    /// rolled back to its savepoint and answered with its error; the others commit). Each push
    /// still bumps its company's version first, so versions follow commit order, and the per-device
    /// seq rules (idempotence, gap rejection) are unchanged: they read the device's `last_seq`
    /// inside the transaction, after the earlier pushes of the group. If the commit itself fails,
    /// every push gets that error and nothing of the group is stored.
    pub fn push_group(
        &self,
        jobs: &[(&str, &PushRequest)],
    ) -> Vec<Result<PushResponse, ServerError>> {
        if let [(token, req)] = jobs {
            // Alone, the transaction itself is the push's rollback unit: no savepoint (whose
            // sub-journal copies every page the push touches first).
            return vec![self.push_token(token, req)];
        }
        let now = now_ms();
        let mut out: Vec<Result<PushResponse, ServerError>> = Vec::with_capacity(jobs.len());
        let r = self.backend().run(Mode::Write, &mut |c| {
            out.clear();
            // One statement per push for its savepoint: the previous push's is released (or, after
            // a failure, already rolled back to) as the next one's is set; COMMIT releases the last.
            let mut open = false;
            for (token, req) in jobs {
                if let Err(e) = self.check_push_size(req) {
                    out.push(Err(e));
                    continue;
                }
                c.batch(if open {
                    "RELEASE SAVEPOINT push; SAVEPOINT push"
                } else {
                    "SAVEPOINT push"
                })?;
                open = true;
                match self.push_in(c, Who::Token(token), req, now) {
                    Ok((results, last_seq)) => {
                        out.push(Ok(self.push_response(results, last_seq, now)));
                    }
                    Err(e) => {
                        c.batch("ROLLBACK TO SAVEPOINT push")?;
                        out.push(Err(e));
                    }
                }
            }
            Ok(())
        });
        match r {
            Ok(()) => out,
            Err(e) => {
                let msg = match e {
                    ServerError::Db(m) => m,
                    other => other.to_string(),
                };
                jobs.iter()
                    .map(|_| Err(ServerError::Db(msg.clone())))
                    .collect()
            }
        }
    }

    /// One push inside the caller's write transaction: (results, the device's last seq).
    fn push_in(
        &self,
        c: &mut dyn Conn,
        who: Who<'_>,
        req: &PushRequest,
        now: i64,
    ) -> Result<(Vec<ChangeResult>, u64), ServerError> {
        {
            let s = &self.resolve(c, who)?;
            let version = bump_version(c, &s.company_id)?;
            // Read after taking the company's version lock: a push of the same device committed
            // meanwhile (another server process) is seen, so a repeat stays a repeat.
            let mut last_seq = c
                .query_one(
                    "SELECT last_seq FROM devices WHERE id = $1",
                    &[s.device_id.as_str().into()],
                )?
                .map_or(0, |r| r.int(0).max(0) as u64);
            let mut cache = RowCache::new(&s.company_id);
            let mut log = LogWriter::new(&s.company_id, version);
            // The rows the batch names and their clients, then the clients of stored child rows.
            let mut keys: Vec<RowKey> = Vec::with_capacity(req.changes.len() * 2);
            for ch in &req.changes {
                keys.push((ch.table.clone(), ch.row_id.clone()));
                if let Some(col) = table_spec(&ch.table).and_then(|t| t.client_column) {
                    if let Some(cid) = ch.fields.get(col).and_then(Value::as_str) {
                        keys.push(("clients".to_owned(), cid.to_owned()));
                    }
                }
            }
            cache.prefetch(c, &keys)?;
            let parents: Vec<RowKey> = cache
                .rows
                .values()
                .filter_map(|l| l.client_id.clone())
                .map(|cid| ("clients".to_owned(), cid))
                .collect();
            cache.prefetch(c, &parents)?;
            let mut results = Vec::with_capacity(req.changes.len());
            for ch in &req.changes {
                let (outcome, reason) = if ch.seq <= last_seq {
                    (Outcome::Superseded, None)
                } else if ch.seq != last_seq + 1 {
                    (Outcome::Rejected, Some(reasons::SEQ_GAP))
                } else {
                    last_seq = ch.seq;
                    self.apply(c, s, &mut cache, &mut log, ch, now)?
                };
                results.push(ChangeResult {
                    seq: ch.seq,
                    outcome,
                    reason: reason.map(str::to_owned),
                });
            }
            cache.flush(c)?;
            log.flush(c, &mut cache)?;
            c.exec(
                "UPDATE devices SET last_seq = $1 WHERE id = $2",
                &[last_seq.into(), s.device_id.as_str().into()],
            )?;
            Ok((results, last_seq))
        }
    }

    /// One consumed change: checks, visibility, the shared merge, the conflict log, the pull log.
    fn apply(
        &self,
        c: &mut dyn Conn,
        s: &Session,
        cache: &mut RowCache,
        log: &mut LogWriter,
        ch: &Change,
        now: i64,
    ) -> Result<(Outcome, Option<&'static str>), ServerError> {
        if ch.device_id != s.device_id {
            conflict_whole_change(log, s, ch, None, reasons::WRONG_DEVICE)?;
            return Ok((Outcome::Rejected, Some(reasons::WRONG_DEVICE)));
        }
        if let Err(reason) = check_change(ch, now) {
            conflict_whole_change(log, s, ch, None, reason)?;
            return Ok((Outcome::Rejected, Some(reason)));
        }
        let spec = table_spec(&ch.table).expect("checked by check_change");
        let is_client = spec.client_column == Some("id");
        // The client the row belongs to after this change.
        let named_client = match spec.client_column {
            Some("id") => Some(ch.row_id.clone()),
            Some(col) => ch
                .fields
                .get(col)
                .and_then(Value::as_str)
                .map(str::to_owned),
            None => None,
        };
        if !self.may_write(c, cache, s, ch, named_client.as_deref())? {
            let stored = cache.get(c, &ch.table, &ch.row_id)?.client_id.clone();
            conflict_whole_change(
                log,
                s,
                ch,
                stored.as_deref().or(named_client.as_deref()),
                reasons::NOT_VISIBLE,
            )?;
            return Ok((Outcome::Rejected, Some(reasons::NOT_VISIBLE)));
        }
        // A rep cannot give a client away: `owner` changes only through a reassignment.
        let mut ch = std::borrow::Cow::Borrowed(ch);
        if is_client && !s.role.sees_all() {
            if let Some(v) = ch.fields.get("owner") {
                if v.as_str() != Some(s.user_id.as_str()) {
                    let v = v.clone();
                    add_conflict(
                        log,
                        s,
                        &ch.table,
                        &ch.row_id,
                        Some(&ch.row_id),
                        "owner",
                        &v,
                        &ch.hlc,
                        None,
                        reasons::NOT_VISIBLE,
                    )?;
                    ch.to_mut().fields.remove("owner");
                }
            }
        }
        let row = cache.get(c, &ch.table, &ch.row_id)?;
        let merged = merge_change(&mut row.state, &ch, spec.kind);
        if merged.outcome == Outcome::Rejected {
            let reason = merged.reason.unwrap_or(reasons::MALFORMED);
            conflict_whole_change(log, s, &ch, row.client_id.clone().as_deref(), reason)?;
            return Ok((Outcome::Rejected, Some(reason)));
        }
        if merged.outcome == Outcome::Applied {
            row.dirty = true;
            row.exists = true;
            if spec.client_column.is_some() {
                if let Some(cid) = &named_client {
                    row.client_id = Some(cid.clone());
                }
            }
        }
        let client_id = row.client_id.clone();
        let row_deleted = row.state.deleted;
        for l in &merged.lost {
            add_conflict(
                log,
                s,
                &ch.table,
                &ch.row_id,
                client_id.as_deref(),
                &l.field,
                &l.value,
                &l.clock,
                Some(&l.winner_clock),
                "lost",
            )?;
        }
        for l in &merged.replaced {
            add_conflict(
                log,
                s,
                &ch.table,
                &ch.row_id,
                client_id.as_deref(),
                &l.field,
                &l.value,
                &l.clock,
                Some(&l.winner_clock),
                "overwritten",
            )?;
        }
        if merged.while_deleted {
            for f in &merged.won {
                let v = ch.fields.get(f).cloned().unwrap_or(Value::Null);
                add_conflict(
                    log,
                    s,
                    &ch.table,
                    &ch.row_id,
                    client_id.as_deref(),
                    f,
                    &v,
                    &ch.hlc,
                    row.state.life.clone().as_deref(),
                    "edited_while_deleted",
                )?;
            }
        }
        if merged.outcome == Outcome::Applied {
            log.add(
                client_id.as_deref(),
                None,
                &EntryBody::Change {
                    change: ch.clone().into_owned(),
                },
            )?;
        }
        // Every client has an owner: a new client is its writer's.
        if is_client {
            let row = cache.get(c, &ch.table, &ch.row_id)?;
            let owner_ok = match row.state.fields.get("owner").and_then(Value::as_str) {
                Some(o) if !o.is_empty() => s.role.sees_all() || o == s.user_id,
                _ => false,
            };
            if row.exists && !owner_ok && !row_deleted {
                let above = row.state.clocks.get("owner").cloned();
                self.server_write(
                    c,
                    cache,
                    log,
                    "clients",
                    &ch.row_id,
                    "owner",
                    Value::String(s.user_id.clone()),
                    above.as_deref(),
                )?;
            }
            let row = cache.get(c, &ch.table, &ch.row_id)?;
            row.owner = row
                .state
                .fields
                .get("owner")
                .and_then(Value::as_str)
                .map(str::to_owned);
            row.client_id = Some(ch.row_id.clone());
        }
        Ok((merged.outcome, None))
    }

    /// A change the server originates (device [`SERVER_DEVICE`], seq 0), merged and logged.
    #[allow(clippy::too_many_arguments)]
    fn server_write(
        &self,
        c: &mut dyn Conn,
        cache: &mut RowCache,
        log: &mut LogWriter,
        tbl: &str,
        row_id: &str,
        field: &str,
        value: Value,
        above: Option<&str>,
    ) -> Result<Change, ServerError> {
        let mut fields = Map::new();
        fields.insert(field.to_owned(), value);
        let change = Change {
            device_id: SERVER_DEVICE.to_owned(),
            seq: 0,
            hlc: self.tick(above),
            table: tbl.to_owned(),
            row_id: row_id.to_owned(),
            op: Op::Update,
            fields,
        };
        let kind = table_spec(tbl).map_or(TableKind::Mergeable, |t| t.kind);
        let row = cache.get(c, tbl, row_id)?;
        merge_change(&mut row.state, &change, kind);
        row.dirty = true;
        if tbl == "clients" {
            row.owner = row
                .state
                .fields
                .get("owner")
                .and_then(Value::as_str)
                .map(str::to_owned);
        }
        let client_id = row.client_id.clone();
        log.add(
            client_id.as_deref(),
            None,
            &EntryBody::Change {
                change: change.clone(),
            },
        )?;
        Ok(change)
    }

    // ---------------------------------------------------------------- pull

    /// Log entries after `(after_v, after_idx)` up to version `upper` visible to `s`.
    fn fetch(
        &self,
        c: &mut dyn Conn,
        s: &Session,
        after_v: i64,
        after_idx: i64,
        upper: i64,
        limit: i64,
    ) -> Result<Vec<Row>, ServerError> {
        if s.role.sees_all() {
            c.query(
                "SELECT version, idx, body FROM log WHERE company_id = $1 AND (version > $2 OR (version = $2 AND idx > $3)) \
                 AND version <= $4 AND target_user IS NULL ORDER BY version, idx LIMIT $5",
                &[s.company_id.as_str().into(), after_v.into(), after_idx.into(), upper.into(), limit.into()],
            )
        } else {
            c.query(
                "SELECT version, idx, body FROM log WHERE company_id = $1 AND (version > $2 OR (version = $2 AND idx > $3)) \
                 AND version <= $4 AND audience IN ($5, '*') ORDER BY version, idx LIMIT $6",
                &[
                    s.company_id.as_str().into(),
                    after_v.into(),
                    after_idx.into(),
                    upper.into(),
                    s.user_id.as_str().into(),
                    limit.into(),
                ],
            )
        }
    }

    /// The owner of the client a row belongs to (`None`: company-wide row).
    fn visible(
        &self,
        c: &mut dyn Conn,
        s: &Session,
        row: &Loaded,
        tbl: &str,
    ) -> Result<bool, ServerError> {
        if s.role.sees_all() || table_spec(tbl).is_some_and(|t| t.client_column.is_none()) {
            return Ok(true);
        }
        let Some(cid) = &row.client_id else {
            return Ok(false);
        };
        let owner = if tbl == "clients" {
            row.owner.clone()
        } else {
            load_row(c, &s.company_id, "clients", cid)?.owner
        };
        Ok(owner.as_deref() == Some(s.user_id.as_str()))
    }

    /// A page of the change stream after the cursor, as `s` may see it. Pages never split a
    /// version; the cursor moves to the head when nothing visible is left.
    fn pull_who(&self, who: Who<'_>, req: &PullRequest) -> Result<Page, ServerError> {
        let (from, other_epoch) = match &req.cursor {
            Some(cur) if !cur.epoch.is_empty() => (cur.version as i64, cur.epoch != self.epoch),
            _ => (0, false),
        };
        let limit = req.limit.clamp(1, self.cfg.max_pull_limit) as usize;
        // With a read replica, the token is checked on the primary (a token issued a moment ago
        // may not have reached the replica yet) and the page is read from the replica.
        let session;
        let who = match who {
            Who::Token(t) if self.backend().has_replica() => {
                session = self.authenticate(t)?;
                Who::Session(&session)
            }
            w => w,
        };
        tx(self.backend(), Mode::Replica, |c| {
            let s = &self.resolve(c, who)?;
            if other_epoch {
                return Err(ServerError::EpochChanged);
            }
            let head = c
                .query_one(
                    "SELECT version FROM companies WHERE id = $1",
                    &[s.company_id.as_str().into()],
                )?
                .map_or(0, |r| r.int(0));
            let mut entries = Vec::new();
            for r in &req.refetch {
                let Some(spec) = table_spec(&r.table) else {
                    continue;
                };
                let row = load_row(c, &s.company_id, &r.table, &r.row_id)?;
                let body = if row.exists && self.visible(c, s, &row, &r.table)? {
                    EntryBody::Reset {
                        row: image_of_state(&r.table, &r.row_id, &row.state),
                    }
                } else if let (Some(cid), Some(_)) = (&row.client_id, spec.client_column) {
                    EntryBody::Remove {
                        table: "clients".into(),
                        row_id: cid.clone(),
                    }
                } else {
                    EntryBody::Remove {
                        table: r.table.clone(),
                        row_id: r.row_id.clone(),
                    }
                };
                entries.push(Entry {
                    version: from.max(0) as u64,
                    body,
                });
            }
            let mut rows = self.fetch(c, s, from, i64::MAX, head, limit as i64 + 1)?;
            let (cursor_v, more) = if rows.len() <= limit {
                // A replica behind the device's cursor (e.g. a lagging one after another) never
                // moves the cursor back.
                (head.max(from), false)
            } else {
                let extra_v = rows[limit].int(0);
                rows.truncate(limit);
                let last = rows
                    .last()
                    .map(|r| (r.int(0), r.int(1)))
                    .unwrap_or((from, i64::MAX));
                if extra_v == last.0 {
                    // Finish the version: a page never splits one.
                    let rest = self.fetch(c, s, last.0, last.1, last.0, i64::MAX)?;
                    rows.extend(rest);
                }
                let more = !self.fetch(c, s, last.0, i64::MAX, head, 1)?.is_empty();
                (if more { last.0 } else { head }, more)
            };
            let logged = rows
                .into_iter()
                .map(|r| (r.int(0) as u64, r.text(2)))
                .collect();
            Ok(Page {
                refetched: entries,
                logged,
                cursor: Cursor {
                    epoch: self.epoch.clone(),
                    version: cursor_v.max(0) as u64,
                },
                more,
                head: head.max(0) as u64,
            })
        })
    }

    // ---------------------------------------------------------------- reassignment, conflicts

    /// Hands every client of `from` to `to` in one transaction: the owner change (a server write),
    /// a removal for `from` and a snapshot of each client with its rows for `to` (reps only:
    /// managers see everything anyway). Returns (clients, version).
    pub fn reassign(
        &self,
        company_id: &str,
        from: &str,
        to: &str,
    ) -> Result<(u64, u64), ServerError> {
        let users = self.users(company_id)?;
        let find = |id: &str| users.iter().find(|u| u.id == id || u.login == id).cloned();
        let from_u = find(from).ok_or_else(|| ServerError::NotFound(format!("user {from:?}")))?;
        let to_u = find(to).ok_or_else(|| ServerError::NotFound(format!("user {to:?}")))?;
        if to_u.disabled {
            return Err(ServerError::BadRequest(
                "cannot hand clients to a disabled user".into(),
            ));
        }
        if from_u.id == to_u.id {
            return Err(ServerError::BadRequest(
                "from and to are the same user".into(),
            ));
        }
        tx(self.backend(), Mode::Write, |c| {
            let version = bump_version(c, company_id)?;
            let mut log = LogWriter::new(company_id, version);
            let mut cache = RowCache::new(company_id);
            let ids: Vec<String> = c
                .query(
                    "SELECT row_id FROM rows WHERE company_id = $1 AND tbl = 'clients' AND owner = $2 ORDER BY row_id",
                    &[company_id.into(), from_u.id.as_str().into()],
                )?
                .iter()
                .map(|r| r.text(0))
                .collect();
            // The history of those clients now belongs to the new owner's pulls.
            c.exec(
                "UPDATE log SET audience = $1 WHERE company_id = $2 AND audience = $3 AND target_user IS NULL",
                &[to_u.id.as_str().into(), company_id.into(), from_u.id.as_str().into()],
            )?;
            for id in &ids {
                let above = cache
                    .get(c, "clients", id)?
                    .state
                    .clocks
                    .get("owner")
                    .cloned();
                self.server_write(
                    c,
                    &mut cache,
                    &mut log,
                    "clients",
                    id,
                    "owner",
                    Value::String(to_u.id.clone()),
                    above.as_deref(),
                )?;
                if from_u.role == Role::Rep {
                    log.add(
                        Some(id),
                        Some(&from_u.id),
                        &EntryBody::Remove {
                            table: "clients".into(),
                            row_id: id.clone(),
                        },
                    )?;
                }
                if to_u.role == Role::Rep {
                    let client = cache.get(c, "clients", id)?;
                    let img = image_of_state("clients", id, &client.state);
                    log.add(Some(id), Some(&to_u.id), &EntryBody::Row { row: img })?;
                    let children = c.query(
                        "SELECT tbl, row_id, client_id, owner, fields, clocks, life, deleted FROM rows \
                         WHERE company_id = $1 AND client_id = $2 AND tbl <> 'clients' ORDER BY tbl, row_id",
                        &[company_id.into(), id.as_str().into()],
                    )?;
                    let mut images: Vec<RowImage> = Vec::with_capacity(children.len());
                    for ch in &children {
                        let l = loaded_of(ch, 2)?;
                        images.push(image_of_state(&ch.text(0), &ch.text(1), &l.state));
                    }
                    // Parents before children, in the protocol's table order.
                    let order = |t: &str| {
                        clientbase_sync::SYNCED_TABLES
                            .iter()
                            .position(|s| s.name == t)
                            .unwrap_or(usize::MAX)
                    };
                    images.sort_by_key(|i| order(&i.table));
                    for img in images {
                        log.add(Some(id), Some(&to_u.id), &EntryBody::Row { row: img })?;
                    }
                }
            }
            cache.flush(c)?;
            log.flush(c, &mut cache)?;
            Ok((ids.len() as u64, version as u64))
        })
    }

    /// The conflict log, newest first, `limit` entries before `before` (an id) if given.
    pub fn conflicts(
        &self,
        company_id: &str,
        before: Option<&str>,
        limit: u32,
    ) -> Result<Vec<Conflict>, ServerError> {
        let before = before.unwrap_or("\u{10FFFF}").to_owned();
        tx(self.backend(), Mode::Read, |c| {
            c.query(
                "SELECT id, at_ms, user_id, device_id, tbl, row_id, client_id, field, value, clock, winner_clock, reason \
                 FROM conflicts WHERE company_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
                &[company_id.into(), before.as_str().into(), i64::from(limit.clamp(1, 1000)).into()],
            )?
            .iter()
            .map(|r| {
                Ok(Conflict {
                    id: r.text(0),
                    at_ms: r.int(1),
                    user_id: r.text(2),
                    device_id: r.text(3),
                    table: r.text(4),
                    row_id: r.text(5),
                    client_id: r.opt_text(6),
                    field: r.text(7),
                    value: serde_json::from_str(&r.text(8))?,
                    clock: r.text(9),
                    winner_clock: r.opt_text(10),
                    reason: r.text(11),
                })
            })
            .collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spliced_pull_page_is_the_serialised_response() {
        let change = Change {
            device_id: "dev-a".into(),
            seq: 7,
            hlc: format!("{:015}-00001-dev-a", now_ms()),
            table: "clients".into(),
            row_id: "c1".into(),
            op: Op::Update,
            fields: serde_json::json!({"first_name": "Ann \"Q\" ü", "owner": "u1"})
                .as_object()
                .cloned()
                .unwrap(),
        };
        let page = || Page {
            refetched: vec![Entry {
                version: 3,
                body: EntryBody::Remove {
                    table: "clients".into(),
                    row_id: "c9".into(),
                },
            }],
            logged: vec![
                (
                    4,
                    serde_json::to_string(&EntryBody::Change {
                        change: change.clone(),
                    })
                    .unwrap(),
                ),
                (
                    5,
                    serde_json::to_string(&EntryBody::Remove {
                        table: "clients".into(),
                        row_id: "c1".into(),
                    })
                    .unwrap(),
                ),
            ],
            cursor: Cursor {
                epoch: "e1".into(),
                version: 5,
            },
            more: true,
            head: 9,
        };
        let spliced: PullResponse = serde_json::from_str(&page().json().unwrap()).unwrap();
        let parsed = page().response().unwrap();
        assert_eq!(parsed.entries.len(), 3);
        assert_eq!(spliced, parsed);
        let empty = Page {
            refetched: vec![],
            logged: vec![],
            ..page()
        };
        let v: Value = serde_json::from_str(&empty.json().unwrap()).unwrap();
        assert_eq!(v["entries"], serde_json::json!([]));
        assert_eq!(v["more"], true);
    }

    #[test]
    fn server_clock_is_monotonic_and_beats_above() {
        let mut c = ServerClock::default();
        let a = c.tick(None);
        let b = c.tick(None);
        assert!(b > a);
        let future = format!("{:015}-00007-zzzz", now_ms() + 60_000);
        let d = c.tick(Some(&future));
        assert!(d > future, "{d} > {future}");
        assert!(d.ends_with(SERVER_DEVICE));
        assert_eq!(clock_ms(&d), clock_ms(&future));
    }
}
