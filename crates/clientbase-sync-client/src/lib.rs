//! The app's side of company sync over the network.
//!
//! - [`connect`]: URL + login + password → the device registered for the user, tokens stored.
//! - [`sync_round`]: push every pending change, then pull every page (first sync included), each
//!   step a short store transaction; the store lock ([`AppLock`]) is NEVER held
//!   while a request is in flight. While a page is applied, the next one is already requested
//!   on another thread (used only if the store then asks for exactly that page).
//! - [`status`]: synced N minutes ago / syncing (with first-sync progress) / offline (next retry)
//!   / N changes waiting / error with its code.
//! - [`spawn_background`]: sync on start, when asked ([`request_sync`], debounced), every few
//!   minutes, with exponential back-off while offline.
//! - [`sign_out`], [`users`], [`reassign`]: account and manager operations.
//!
//! The wire format is `clientbase_sync`'s; the merge happens in the core's `store/sync.rs`.

pub mod commands;

use clientbase_core::api::App;
use clientbase_core::StoreError;
use clientbase_sync::{
    codes, paths, ErrorBody, LoginRequest, LoginResponse, PullRequest, PullResponse, PushRequest,
    PushResponse, ReassignRequest, ReassignResponse, RefreshRequest, User, UsersResponse,
    HEADER_PROTOCOL, HEADER_SCHEMA, PROTOCOL_VERSION, SYNC_SCHEMA_VERSION,
};
use serde::{de::DeserializeOwned, Serialize};
use std::collections::HashMap;
use std::ops::DerefMut;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// Changes per push request. (5,000, the server's `max_push`, made no measurable difference to
/// a first push of 100k bulk-loaded clients — the server's merge is the bound — and a larger
/// push holds the server's single writer longer for every other device.)
pub const PUSH_BATCH: usize = 1_000;
/// Entries per pull page.
pub const PULL_LIMIT: u32 = 2_000;
/// Entries per pull page of a first sync (from cursor 0; the server caps pages at 20,000 by
/// default, an older server at 5,000): fewer, larger transactions for a base that arrives whole
/// (100k clients, 314k entries on loopback at load ~5, medians of 3 interleaved runs: 33.8 s in
/// pages of 5,000, 27.3 s in pages of 20,000 — fewer commits rewriting the same index pages).
pub const FIRST_SYNC_LIMIT: u32 = 20_000;
/// Refresh the access token when it expires within this.
const REFRESH_MARGIN_MS: i64 = 30_000;

/// What went wrong, as a stable code for the UI (`{code, message}`).
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The server could not be reached (no network, server down, timeout).
    #[error("offline: {0}")]
    Offline(String),
    /// The server answered with an error body.
    #[error("{code}: {message}")]
    Server {
        status: u16,
        code: String,
        message: String,
    },
    #[error("not connected to a company server")]
    NotConnected,
    /// Plain HTTP to a non-loopback address without the explicit allowance.
    #[error("plain http is only allowed to this computer (127.0.0.1); use https")]
    InsecureUrl,
    #[error("bad server address: {0}")]
    BadUrl(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl SyncError {
    /// The code the UI translates.
    pub fn code(&self) -> String {
        match self {
            SyncError::Offline(_) => "offline".into(),
            SyncError::Server { code, .. } => code.clone(),
            SyncError::NotConnected => "not_connected".into(),
            SyncError::InsecureUrl => "insecure_url".into(),
            SyncError::BadUrl(_) => "bad_url".into(),
            SyncError::Store(StoreError::Conflict(_)) => "conflict".into(),
            SyncError::Store(StoreError::NotFound(_)) => "not_found".into(),
            SyncError::Store(_) => "db".into(),
        }
    }
    fn is(&self, c: &str) -> bool {
        matches!(self, SyncError::Server { code, .. } if code == c)
    }
}

/// Access to the app for a short step. Implemented for `Mutex<App>` (devserver, tests) and by
/// the Tauri shell for its own state; sync never keeps the guard across a network request.
pub trait AppLock {
    fn lock_app(&self) -> Result<Box<dyn DerefMut<Target = App> + '_>, SyncError>;
}

impl AppLock for Mutex<App> {
    fn lock_app(&self) -> Result<Box<dyn DerefMut<Target = App> + '_>, SyncError> {
        // A panic cannot leave a half-written transaction (rusqlite rolls back on drop).
        Ok(Box::new(self.lock().unwrap_or_else(|p| p.into_inner())))
    }
}

fn lock<L: AppLock + ?Sized>(app: &L) -> Result<Box<dyn DerefMut<Target = App> + '_>, SyncError> {
    app.lock_app()
}

/// Checks a server URL: https anywhere, plain http only to loopback unless `allow_http`.
pub fn check_url(url: &str, allow_http: bool) -> Result<String, SyncError> {
    let u = reqwest::Url::parse(url.trim()).map_err(|e| SyncError::BadUrl(e.to_string()))?;
    let host = u.host_str().unwrap_or("");
    let loopback = host == "localhost"
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|a| a.is_loopback());
    match u.scheme() {
        "https" => {}
        "http" if loopback || allow_http => {}
        "http" => return Err(SyncError::InsecureUrl),
        s => return Err(SyncError::BadUrl(format!("scheme {s}"))),
    }
    Ok(u.as_str().trim_end_matches('/').to_owned())
}

/// A blocking HTTP client for one server.
#[derive(Clone)]
pub struct Http {
    base: String,
    client: reqwest::blocking::Client,
}

impl Http {
    pub fn new(base: &str) -> Result<Self, SyncError> {
        // rustls needs one process-wide crypto provider; ring (no C toolchain beyond cc).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::blocking::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(120))
            .build()
            .map_err(|e| SyncError::Offline(e.to_string()))?;
        Ok(Http {
            base: base.trim_end_matches('/').to_owned(),
            client,
        })
    }

    fn send<T: DeserializeOwned>(
        &self,
        req: reqwest::blocking::RequestBuilder,
        token: Option<&str>,
    ) -> Result<T, SyncError> {
        let (status, bytes) = self.send_raw(req, token)?;
        decode(status, &bytes)
    }

    /// The answer's status and body, not decoded.
    fn send_raw(
        &self,
        req: reqwest::blocking::RequestBuilder,
        token: Option<&str>,
    ) -> Result<(u16, Vec<u8>), SyncError> {
        let mut req = req
            .header(HEADER_PROTOCOL, PROTOCOL_VERSION.to_string())
            .header(HEADER_SCHEMA, SYNC_SCHEMA_VERSION.to_string());
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().map_err(|e| SyncError::Offline(e.to_string()))?;
        let status = resp.status().as_u16();
        let bytes = resp
            .bytes()
            .map_err(|e| SyncError::Offline(e.to_string()))?;
        Ok((status, bytes.into()))
    }

    /// [`Http::post`] without decoding the answer (see [`decode`]).
    fn post_raw<B: Serialize>(
        &self,
        path: &str,
        token: Option<&str>,
        body: &B,
    ) -> Result<(u16, Vec<u8>), SyncError> {
        let req = self.client.post(format!("{}{path}", self.base)).json(body);
        self.send_raw(req, token)
    }

    pub fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        token: Option<&str>,
        body: &B,
    ) -> Result<T, SyncError> {
        let req = self.client.post(format!("{}{path}", self.base)).json(body);
        self.send(req, token)
    }

    pub fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        token: Option<&str>,
    ) -> Result<T, SyncError> {
        self.send(self.client.get(format!("{}{path}", self.base)), token)
    }
}

/// An answer's body: `T` on success, else the server's [`ErrorBody`] as a [`SyncError`].
fn decode<T: DeserializeOwned>(status: u16, bytes: &[u8]) -> Result<T, SyncError> {
    if (200..300).contains(&status) {
        return serde_json::from_slice(bytes).map_err(|e| SyncError::Server {
            status,
            code: codes::BAD_REQUEST.into(),
            message: format!("unreadable answer: {e}"),
        });
    }
    let body: ErrorBody = serde_json::from_slice(bytes).unwrap_or(ErrorBody {
        code: if status >= 500 {
            codes::INTERNAL.into()
        } else {
            codes::BAD_REQUEST.into()
        },
        message: String::from_utf8_lossy(bytes).into_owned(),
    });
    Err(SyncError::Server {
        status,
        code: body.code,
        message: body.message,
    })
}

/// What the UI shows about sync.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct SyncStatus {
    pub connected: bool,
    /// `not_connected`, `syncing`, `synced`, `offline`, `error`.
    pub state: String,
    pub server_url: Option<String>,
    pub user: Option<User>,
    pub company_name: Option<String>,
    #[ts(type = "number | null")]
    pub last_sync_ms: Option<i64>,
    /// Whole minutes since the last complete sync.
    #[ts(type = "number | null")]
    pub minutes_ago: Option<i64>,
    /// Local changes the server has not taken yet.
    #[ts(type = "number")]
    pub pending: u64,
    /// The last error's code (`offline`, `unauthorized`, `device_revoked`, `update_required`…).
    pub error: Option<String>,
    /// While pulling: server versions applied and the server's latest (a first sync's progress).
    pub progress: Option<Progress>,
    /// While offline: when the background loop tries again (ms since the Unix epoch).
    #[ts(type = "number | null")]
    pub next_retry_ms: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, ts_rs::TS)]
#[ts(export, rename = "SyncProgress")]
pub struct Progress {
    #[ts(type = "number")]
    pub done: u64,
    #[ts(type = "number")]
    pub total: u64,
}

/// Live (not persisted) state of sync for one database.
#[derive(Debug, Default, Clone)]
struct Live {
    syncing: bool,
    progress: Option<Progress>,
    failures: u32,
    next_retry_ms: Option<i64>,
    error: Option<String>,
    wake_at: Option<Instant>,
}

fn live() -> &'static Mutex<HashMap<String, Live>> {
    static LIVE: OnceLock<Mutex<HashMap<String, Live>>> = OnceLock::new();
    LIVE.get_or_init(Default::default)
}

fn with_live<R>(db: &str, f: impl FnOnce(&mut Live) -> R) -> R {
    let mut m = live().lock().unwrap_or_else(|p| p.into_inner());
    f(m.entry(db.to_owned()).or_default())
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Logs in and registers this device; stores the account. Does not sync (call [`sync_round`]).
pub fn connect<L: AppLock + ?Sized>(
    app: &L,
    url: &str,
    login: &str,
    password: &str,
    device_name: &str,
    allow_http: bool,
) -> Result<SyncStatus, SyncError> {
    let base = check_url(url, allow_http)?;
    let device_id = lock(app)?.store.device_id().to_owned();
    let http = Http::new(&base)?;
    let resp: LoginResponse = http.post(
        paths::LOGIN,
        None,
        &LoginRequest {
            login: login.trim().to_owned(),
            password: password.to_owned(),
            device_id,
            device_name: device_name.to_owned(),
        },
    )?;
    let mut a = lock(app)?;
    a.store.sync_connect(&base, &resp)?;
    // What this device wrote before signing in becomes the user's (logged: pushed with the rest).
    a.store.adopt_device_rows()?;
    let db = a.store.path().to_owned();
    drop(a);
    with_live(&db, |l| *l = Live::default());
    status(app)
}

/// The current status.
pub fn status<L: AppLock + ?Sized>(app: &L) -> Result<SyncStatus, SyncError> {
    let a = lock(app)?;
    let st = a.store.sync_state()?;
    let pending = if st.is_some() {
        a.store.sync_pending()?
    } else {
        0
    };
    let db = a.store.path().to_owned();
    drop(a);
    let l = with_live(&db, |l| l.clone());
    let Some(st) = st else {
        return Ok(SyncStatus {
            connected: false,
            state: "not_connected".into(),
            server_url: None,
            user: None,
            company_name: None,
            last_sync_ms: None,
            minutes_ago: None,
            pending: 0,
            error: l.error,
            progress: None,
            next_retry_ms: None,
        });
    };
    let error = l.error.clone().or(st.last_error.clone());
    let state = if l.syncing {
        "syncing"
    } else if error.as_deref() == Some("offline") {
        "offline"
    } else if error.is_some() {
        "error"
    } else if st.last_sync_ms.is_some() {
        "synced"
    } else {
        "not_synced"
    };
    Ok(SyncStatus {
        connected: true,
        state: state.into(),
        server_url: Some(st.server_url),
        user: Some(st.user),
        company_name: Some(st.company_name),
        last_sync_ms: st.last_sync_ms,
        minutes_ago: st.last_sync_ms.map(|t| (now_ms() - t).max(0) / 60_000),
        pending,
        error,
        progress: l.progress.or_else(|| {
            (st.head > st.cursor.version).then_some(Progress {
                done: st.cursor.version,
                total: st.head,
            })
        }),
        next_retry_ms: l.next_retry_ms,
    })
}

/// What a round did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RoundStats {
    pub pushed: u64,
    pub pulled: u64,
    pub pages: u64,
    pub conflicts: u64,
    /// Pulled entries the store applied through its fast path for rows new to the device.
    pub fast: u64,
    /// Milliseconds spent in the store (reading batches, taking answers, applying pages): the
    /// device's share of the round; the rest is the network and the server.
    pub store_ms: f64,
    /// Milliseconds the pull waited for pages (request, server, transfer, decoding) beyond what
    /// overlapped the store's work on the previous page.
    pub wait_ms: f64,
}

/// A fresh access token (refreshing it when it is about to expire).
fn token<L: AppLock + ?Sized>(app: &L, http: &Http, force: bool) -> Result<String, SyncError> {
    let st = lock(app)?
        .store
        .sync_state()?
        .ok_or(SyncError::NotConnected)?;
    if !force && st.access_expires_ms - now_ms() > REFRESH_MARGIN_MS {
        return Ok(st.access_token);
    }
    let device_id = lock(app)?.store.device_id().to_owned();
    let resp: LoginResponse = http.post(
        paths::REFRESH,
        None,
        &RefreshRequest {
            device_id,
            refresh_token: st.refresh_token,
        },
    )?;
    lock(app)?.store.sync_set_tokens(&resp)?;
    Ok(resp.access_token)
}

/// A request with the access token, refreshed once on `token_expired`.
fn authed<T, L: AppLock + ?Sized>(
    app: &L,
    http: &Http,
    tok: &mut String,
    f: impl Fn(&str) -> Result<T, SyncError>,
) -> Result<T, SyncError> {
    match f(tok) {
        Err(e) if e.is(codes::TOKEN_EXPIRED) || e.is(codes::UNAUTHORIZED) => {
            *tok = token(app, http, true)?;
            f(tok)
        }
        r => r,
    }
}

/// One sync: push everything pending, then pull every page. Each step holds the store only for
/// its own short transaction. A revoked device wipes the company's data.
pub fn sync_round<L: AppLock + ?Sized>(app: &L) -> Result<RoundStats, SyncError> {
    let db = lock(app)?.store.path().to_owned();
    with_live(&db, |l| {
        l.syncing = true;
        l.progress = None;
    });
    let r = round_inner(app, &db);
    let code = r.as_ref().err().map(SyncError::code);
    if code.as_deref() == Some(codes::DEVICE_REVOKED) {
        // The company took this device's access away: remove its data here.
        lock(app)?.store.sync_sign_out(true)?;
    }
    {
        let mut a = lock(app)?;
        if a.store.sync_state()?.is_some() {
            a.store.sync_note(code.as_deref())?;
        }
    }
    with_live(&db, |l| {
        l.syncing = false;
        l.progress = None;
        l.error = code.clone();
        if code.as_deref() == Some("offline") {
            l.failures += 1;
            // 5 s, 10 s, 20 s … at most 5 minutes.
            let wait = (5_000i64 << l.failures.min(6)).min(300_000);
            l.next_retry_ms = Some(now_ms() + wait);
        } else {
            l.failures = 0;
            l.next_retry_ms = None;
        }
    });
    r
}

fn round_inner<L: AppLock + ?Sized>(app: &L, db: &str) -> Result<RoundStats, SyncError> {
    let url = lock(app)?
        .store
        .sync_state()?
        .ok_or(SyncError::NotConnected)?
        .server_url;
    let http = Http::new(&url)?;
    let mut tok = token(app, &http, false)?;
    let mut stats = RoundStats::default();
    push_all(app, &http, &mut tok, &mut stats)?;
    // A round that pulls from cursor 0 (a first sync, or again after an epoch change) takes
    // larger pages and builds the search index once at its end instead of page by page —
    // also when a page fails half-way, so the index never stays behind the rows.
    let from_scratch = lock(app)?
        .store
        .sync_state()?
        .is_some_and(|s| s.cursor.version == 0);
    let mut index_behind = false;
    let pulled = pull_pages(
        app,
        db,
        &http,
        &mut tok,
        &mut stats,
        from_scratch,
        &mut index_behind,
    );
    if index_behind {
        let t = Instant::now();
        lock(app)?.store.reload_index()?;
        stats.store_ms += t.elapsed().as_secs_f64() * 1e3;
    }
    pulled?;
    // Pages may have brought rows back that this device had changes for: nothing more to push
    // unless the user edited meanwhile; the next round takes those.
    Ok(stats)
}

/// The next pull page, requested and decoded on its own thread while the device applies the
/// current one (2 cores: the network, the server's read and the decoding overlap the store's
/// work). Decoding it there costs the applying thread some CPU (the page is freed across
/// threads), less than the decoding it no longer does: a 100k first sync, 3 first syncs per
/// variant, interleaved, quiet: 12.4–13.2 s decoded on the pulling thread, 11.4–11.7 s decoded
/// here (`sync_device`, `BENCH_INITIAL_SYNCS=3`). It is requested with the cursor the current page ends at and no refetch —
/// exactly what the store will ask for once that page is committed — and used only if the
/// store then asks for exactly that request; otherwise (a failed or cancelled apply, a refetch
/// queued meanwhile, an expired token or any error on the way) it is dropped and the page is
/// fetched again the ordinary way. So a page is never applied against another cursor than
/// the one it was served for, and the store's cursor still moves only with its page's data.
struct Prefetch {
    req: PullRequest,
    handle: std::thread::JoinHandle<Option<PullResponse>>,
}

impl Prefetch {
    fn start(http: &Http, tok: &str, req: PullRequest) -> Prefetch {
        let (http, tok, sent) = (http.clone(), tok.to_owned(), req.clone());
        let handle = std::thread::spawn(move || {
            Self::decoded(http.post_raw(paths::PULL, Some(&tok), &sent))
        });
        Prefetch { req, handle }
    }

    /// The page an answer holds, if it is a whole page (not an error, not unreadable).
    fn decoded(answer: Result<(u16, Vec<u8>), SyncError>) -> Option<PullResponse> {
        let (status, body) = answer.ok()?;
        decode(status, &body).ok()
    }

    /// The page, if it answers `req` and arrived whole.
    fn take(self, req: &PullRequest) -> Option<PullResponse> {
        let page = self.handle.join().ok()??;
        (self.req == *req).then_some(page)
    }
}

/// Pulls and applies pages until the server has no more (and refetches are answered).
fn pull_pages<L: AppLock + ?Sized>(
    app: &L,
    db: &str,
    http: &Http,
    tok: &mut String,
    stats: &mut RoundStats,
    from_scratch: bool,
    index_behind: &mut bool,
) -> Result<(), SyncError> {
    let limit = if from_scratch {
        FIRST_SYNC_LIMIT
    } else {
        PULL_LIMIT
    };
    let mut refetch_rounds = 0;
    let mut epoch_retries = 0;
    // The next page, requested while this one is applied (see [`Prefetch`]).
    let mut ahead: Option<Prefetch> = None;
    loop {
        let req: PullRequest = lock(app)?.store.sync_pull_request(limit)?;
        let tq = Instant::now();
        let fetched = ahead.take().and_then(|p| p.take(&req));
        let page: PullResponse = match fetched {
            Some(page) => page,
            None => match authed(app, http, tok, |t| http.post(paths::PULL, Some(t), &req)) {
                Err(e) if e.is(codes::EPOCH_CHANGED) && epoch_retries < 2 => {
                    // The server was restored from a backup: an (empty) push learns its epoch
                    // (the cursor restarts in it) and what it holds of ours, and re-pushes the rest.
                    epoch_retries += 1;
                    push_all(app, http, tok, stats)?;
                    continue;
                }
                r => r?,
            },
        };
        stats.wait_ms += tq.elapsed().as_secs_f64() * 1e3;
        if page.more && req.refetch.is_empty() {
            ahead = Some(Prefetch::start(
                http,
                tok,
                PullRequest {
                    cursor: Some(page.cursor.clone()),
                    limit,
                    refetch: Vec::new(),
                },
            ));
        }
        let t = Instant::now();
        let applied = if from_scratch {
            let a = lock(app)?.store.sync_apply_page_index_later(&page)?;
            *index_behind |= a.applied > 0 || a.removed > 0;
            a
        } else {
            lock(app)?.store.sync_apply_page(&page)?
        };
        stats.store_ms += t.elapsed().as_secs_f64() * 1e3;
        stats.pages += 1;
        stats.pulled += page.entries.len() as u64;
        stats.conflicts += applied.conflicts;
        stats.fast += applied.fast;
        with_live(db, |l| {
            l.progress = Some(Progress {
                done: page.cursor.version,
                total: page.head,
            })
        });
        let refetch_left = !lock(app)?.store.sync_pull_request(0)?.refetch.is_empty();
        if !page.more && (!refetch_left || refetch_rounds >= 3) {
            break;
        }
        if !page.more {
            refetch_rounds += 1;
        }
    }
    Ok(())
}

/// Pushes until nothing is pending; at least one request, so the server's epoch and its last
/// seq for this device are learned even with nothing to send.
fn push_all<L: AppLock + ?Sized>(
    app: &L,
    http: &Http,
    tok: &mut String,
    stats: &mut RoundStats,
) -> Result<(), SyncError> {
    loop {
        let t = Instant::now();
        let (batch, before) = {
            let a = lock(app)?;
            let st = a.store.sync_state()?.ok_or(SyncError::NotConnected)?;
            (a.store.sync_push_batch(PUSH_BATCH)?, st.pushed_seq)
        };
        stats.store_ms += t.elapsed().as_secs_f64() * 1e3;
        let body = PushRequest {
            changes: batch.clone(),
        };
        let resp: PushResponse =
            authed(app, http, tok, |t| http.post(paths::PUSH, Some(t), &body))?;
        let t = Instant::now();
        let after = {
            let mut a = lock(app)?;
            a.store.sync_mark_pushed(&batch, &resp)?;
            a.store.sync_state()?.map_or(0, |s| s.pushed_seq)
        };
        stats.store_ms += t.elapsed().as_secs_f64() * 1e3;
        stats.pushed += batch.len() as u64;
        if batch.is_empty() && after >= before {
            return Ok(());
        }
    }
}

/// Signs out: tells the server (best effort) and forgets the account; with `wipe`, removes the
/// company's data from this device.
pub fn sign_out<L: AppLock + ?Sized>(app: &L, wipe: bool) -> Result<SyncStatus, SyncError> {
    let st = lock(app)?.store.sync_state()?;
    if let Some(st) = st {
        if let Ok(http) = Http::new(&st.server_url) {
            let _: Result<serde_json::Value, _> = http.post(
                paths::LOGOUT,
                Some(&st.access_token),
                &serde_json::json!({}),
            );
        }
    }
    let mut a = lock(app)?;
    a.store.sync_sign_out(wipe)?;
    let db = a.store.path().to_owned();
    drop(a);
    with_live(&db, |l| *l = Live::default());
    status(app)
}

/// The company's users (managers and admins; a rep gets `forbidden`).
pub fn users<L: AppLock + ?Sized>(app: &L) -> Result<Vec<User>, SyncError> {
    let url = lock(app)?
        .store
        .sync_state()?
        .ok_or(SyncError::NotConnected)?
        .server_url;
    let http = Http::new(&url)?;
    let mut tok = token(app, &http, false)?;
    let r: UsersResponse = authed(app, &http, &mut tok, |t| http.get(paths::USERS, Some(t)))?;
    Ok(r.users)
}

/// Hands every client of user `from` to user `to` (managers), then syncs.
pub fn reassign<L: AppLock + ?Sized>(
    app: &L,
    from: &str,
    to: &str,
) -> Result<ReassignResponse, SyncError> {
    let url = lock(app)?
        .store
        .sync_state()?
        .ok_or(SyncError::NotConnected)?
        .server_url;
    let http = Http::new(&url)?;
    let mut tok = token(app, &http, false)?;
    let body = ReassignRequest {
        from: from.to_owned(),
        to: to.to_owned(),
    };
    let r: ReassignResponse = authed(app, &http, &mut tok, |t| {
        http.post(paths::REASSIGN, Some(t), &body)
    })?;
    Ok(r)
}

/// Asks the background loop to sync soon (after edits: debounced by 3 s).
pub fn request_sync<L: AppLock + ?Sized>(app: &L) {
    let Ok(db) = lock(app).map(|a| a.store.path().to_owned()) else {
        return;
    };
    with_live(&db, |l| {
        l.wake_at = Some(Instant::now() + Duration::from_secs(3));
    });
}

/// Syncs in the background: at start, when asked, every `every`, with back-off while offline.
/// The thread runs for the life of the process.
pub fn spawn_background<L: AppLock + Send + Sync + ?Sized + 'static>(
    app: Arc<L>,
    every: Duration,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let mut db = None::<String>;
        let mut last = None::<Instant>;
        loop {
            // Not open yet (the shell opens the store on a thread of its own): try again later.
            let state = lock(&*app)
                .and_then(|a| Ok((a.store.path().to_owned(), a.store.sync_state()?.is_some())));
            if let Ok((path, connected)) = state {
                let path = db.get_or_insert(path).clone();
                let (wake, retry) = with_live(&path, |l| (l.wake_at, l.next_retry_ms));
                let due = last.is_none_or(|t: Instant| t.elapsed() >= every)
                    || wake.is_some_and(|w| Instant::now() >= w);
                let backing_off = retry.is_some_and(|r| now_ms() < r);
                if connected && due && !backing_off {
                    with_live(&path, |l| l.wake_at = None);
                    let _ = sync_round(&*app);
                    last = Some(Instant::now());
                }
            }
            std::thread::sleep(Duration::from_millis(500));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clientbase_sync::{Cursor, RowRef};

    fn req(version: u64) -> PullRequest {
        PullRequest {
            cursor: Some(Cursor {
                epoch: "e".into(),
                version,
            }),
            limit: FIRST_SYNC_LIMIT,
            refetch: Vec::new(),
        }
    }

    fn answered(r: PullRequest, answer: Result<PullResponse, SyncError>) -> Prefetch {
        let answer = answer.map(|p| (200, serde_json::to_vec(&p).unwrap()));
        Prefetch {
            req: r,
            handle: std::thread::spawn(move || Prefetch::decoded(answer)),
        }
    }

    fn page(version: u64) -> PullResponse {
        PullResponse {
            entries: Vec::new(),
            cursor: Cursor {
                epoch: "e".into(),
                version,
            },
            more: true,
            head: 100,
        }
    }

    #[test]
    fn a_page_fetched_ahead_is_used_only_for_the_request_it_answers() {
        assert_eq!(answered(req(7), Ok(page(9))).take(&req(7)), Some(page(9)));
        // The store asks from another cursor (the previous page was not applied), or with rows
        // to refetch: fetched again.
        assert_eq!(answered(req(7), Ok(page(9))).take(&req(5)), None);
        let mut with_refetch = req(7);
        with_refetch.refetch.push(RowRef {
            table: "clients".into(),
            row_id: "r".into(),
        });
        assert_eq!(answered(req(7), Ok(page(9))).take(&with_refetch), None);
        // A failed fetch (offline, expired token…) is retried the ordinary way.
        let failed = answered(req(7), Err(SyncError::Offline("refused".into())));
        assert_eq!(failed.take(&req(7)), None);
        let expired = Prefetch {
            req: req(7),
            handle: std::thread::spawn(|| {
                Prefetch::decoded(Ok((
                    401,
                    br#"{"code":"token_expired","message":"m"}"#.to_vec(),
                )))
            }),
        };
        assert_eq!(expired.take(&req(7)), None);
    }

    #[test]
    fn a_prefetch_against_a_closed_port_gives_nothing() {
        let http = Http::new("http://127.0.0.1:9").unwrap();
        assert_eq!(Prefetch::start(&http, "t", req(1)).take(&req(1)), None);
    }
}
