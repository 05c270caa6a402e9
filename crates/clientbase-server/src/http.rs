//! The HTTP layer: axum routes that check the protocol/schema headers, authenticate, and run the
//! [`Service`] on tokio's blocking pool. No logic of its own.

use crate::error::ServerError;
use crate::limit::LoginLimiter;
use crate::service::{parse_role, Conflict, Service, Session};
use axum::body::Bytes;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Path, Query, Request, State};
use axum::http::HeaderMap;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use clientbase_sync::{
    paths, LoginRequest, PullRequest, PushRequest, ReassignRequest, ReassignResponse,
    RefreshRequest, Role, User, UsersResponse, HEADER_PROTOCOL, HEADER_SCHEMA, PROTOCOL_VERSION,
    SYNC_SCHEMA_VERSION,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

/// Server-only endpoints (manager tools), beside the protocol's [`paths`].
pub mod admin_paths {
    /// `GET ?before=<id>&limit=N`: the conflict log, newest first.
    pub const CONFLICTS: &str = "/v1/conflicts";
    /// `POST` [`super::NewUser`] → [`clientbase_sync::User`].
    pub const ADD_USER: &str = "/v1/users";
    /// `POST /v1/users/{id}/password` [`super::PasswordBody`].
    pub const PASSWORD: &str = "/v1/users/{id}/password";
    /// `POST /v1/users/{id}/disable` [`super::DisableBody`].
    pub const DISABLE: &str = "/v1/users/{id}/disable";
    /// `POST /v1/devices/{id}/revoke`.
    pub const REVOKE: &str = "/v1/devices/{id}/revoke";
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewUser {
    pub login: String,
    #[serde(default)]
    pub name: String,
    pub role: String,
    pub password: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PasswordBody {
    pub password: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DisableBody {
    pub disabled: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ConflictsResponse {
    pub conflicts: Vec<Conflict>,
}

#[derive(Debug, Deserialize)]
struct ConflictsQuery {
    before: Option<String>,
    limit: Option<u32>,
}

/// The service and the gate in front of its blocking work.
pub struct App {
    svc: Arc<Service>,
    /// FIFO admission to the database work: at most this many requests run on the blocking pool
    /// at once, the rest wait in arrival order (tokio's semaphore is fair). Without it, hundreds
    /// of concurrent requests become hundreds of threads racing for SQLite's writer lock (an
    /// unfair mutex), and the unlucky ones wait seconds.
    gate: tokio::sync::Semaphore,
    /// Login attempts per client address.
    logins: LoginLimiter,
    /// The pushes waiting for the group-commit writer.
    pushes: tokio::sync::mpsc::Sender<PushJob>,
}

/// A push waiting for the writer, with where its answer goes.
struct PushJob {
    token: String,
    req: PushRequest,
    reply: tokio::sync::oneshot::Sender<Result<clientbase_sync::PushResponse, ServerError>>,
}

/// Pushes one group may take (a bound on the transaction's size: a group waits for the previous
/// one to commit, so under load groups grow to what arrived meanwhile). Each push is a savepoint,
/// i.e. a PostgreSQL subtransaction: at most 64 keep them in PostgreSQL's per-backend cache
/// (more would make every other session's snapshots look them up in pg_subtrans).
const GROUP_MAX_PUSHES: usize = 64;
/// Changes one group may take (a single push of up to `max_push` always fits: it starts a group).
const GROUP_MAX_CHANGES: usize = 5_000;

/// The group-commit writer: one thread that takes every push waiting, runs them in one write
/// transaction ([`Service::push_group`]) and answers each. Pushes are the only writes on the hot
/// path, and a store has one writer anyway (SQLite's lock, PostgreSQL's per-company version row):
/// queueing them here keeps them off the blocking pool's gate, where they used to wait for the
/// writer while holding slots that pulls needed, and turns N commits into one. The thread ends
/// when the router (the channel's sender) is dropped.
fn spawn_writer(svc: Arc<Service>) -> tokio::sync::mpsc::Sender<PushJob> {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<PushJob>(1024);
    let spawned = std::thread::Builder::new()
        .name("clientbase-push-writer".into())
        .spawn(move || {
            while let Some(first) = rx.blocking_recv() {
                let mut changes = first.req.changes.len();
                let mut jobs = vec![first];
                while jobs.len() < GROUP_MAX_PUSHES && changes < GROUP_MAX_CHANGES {
                    match rx.try_recv() {
                        Ok(j) => {
                            changes += j.req.changes.len();
                            jobs.push(j);
                        }
                        Err(_) => break,
                    }
                }
                let batch: Vec<(&str, &PushRequest)> =
                    jobs.iter().map(|j| (j.token.as_str(), &j.req)).collect();
                // A panic in one group answers its pushes with an error and leaves the writer
                // running for the next.
                let results = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    svc.push_group(&batch)
                }))
                .unwrap_or_else(|_| {
                    batch
                        .iter()
                        .map(|_| Err(ServerError::Db("push writer panicked".into())))
                        .collect()
                });
                drop(batch);
                for (job, r) in jobs.into_iter().zip(results) {
                    // The device may have hung up; its push committed all the same.
                    let _ = job.reply.send(r);
                }
            }
        });
    if let Err(e) = spawned {
        tracing::error!("could not start the push writer: {e}");
    }
    tx
}

impl std::ops::Deref for App {
    type Target = Service;
    fn deref(&self) -> &Service {
        &self.svc
    }
}

/// Requests doing database work at once (about twice the cores of a small server).
const DB_CONCURRENCY: usize = 4;

type AppState = Arc<App>;
type Res<T> = Result<Json<T>, ServerError>;

fn body<T: DeserializeOwned>(b: &Bytes) -> Result<T, ServerError> {
    serde_json::from_slice(b).map_err(|e| ServerError::BadRequest(e.to_string()))
}

fn bearer(h: &HeaderMap) -> Result<String, ServerError> {
    h.get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_owned)
        .ok_or(ServerError::Unauthorized)
}

/// Runs `f` on the blocking pool, once admitted by the gate.
async fn blocking<T: Send + 'static>(
    app: &App,
    f: impl FnOnce() -> Result<T, ServerError> + Send + 'static,
) -> Result<T, ServerError> {
    let _permit = app
        .gate
        .acquire()
        .await
        .map_err(|e| ServerError::Db(format!("gate: {e}")))?;
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ServerError::Db(format!("worker: {e}")))?
}

/// Authenticates, then runs `f` with the session, on the blocking pool.
async fn authed<T: Send + 'static>(
    svc: AppState,
    h: &HeaderMap,
    f: impl FnOnce(&Service, &Session) -> Result<T, ServerError> + Send + 'static,
) -> Result<T, ServerError> {
    let token = bearer(h)?;
    blocking(&svc.clone(), move || {
        let s = svc.authenticate(&token)?;
        f(&svc, &s)
    })
    .await
}

fn manager(s: &Session) -> Result<(), ServerError> {
    if s.role.sees_all() {
        Ok(())
    } else {
        Err(ServerError::Forbidden)
    }
}

/// A manager may act on reps; an admin on anyone — always within their own company.
fn may_manage(svc: &Service, s: &Session, user_id: &str) -> Result<User, ServerError> {
    manager(s)?;
    let (company, user) = svc.user_find(user_id)?;
    if company != s.company_id {
        return Err(ServerError::NotFound("user".into()));
    }
    if s.role != Role::Admin && user.role != Role::Rep {
        return Err(ServerError::Forbidden);
    }
    Ok(user)
}

fn header_num(req: &Request, name: &str) -> Option<u32> {
    req.headers().get(name)?.to_str().ok()?.trim().parse().ok()
}

/// Every `/v1` request carries the protocol and schema versions; an app older than the server
/// supports gets `426 update_required`.
async fn versions(req: Request, next: Next) -> Response {
    let (proto, schema) = (
        header_num(&req, HEADER_PROTOCOL),
        header_num(&req, HEADER_SCHEMA),
    );
    match (proto, schema) {
        (Some(p), Some(s)) if p >= PROTOCOL_VERSION && s >= SYNC_SCHEMA_VERSION => {
            if p > PROTOCOL_VERSION {
                return ServerError::BadRequest(format!(
                    "the app speaks protocol {p}, this server {PROTOCOL_VERSION}: update the server"
                ))
                .into_response();
            }
            next.run(req).await
        }
        _ => ServerError::UpdateRequired(format!(
            "this server needs protocol {PROTOCOL_VERSION} and schema {SYNC_SCHEMA_VERSION}"
        ))
        .into_response(),
    }
}

async fn login(
    State(svc): State<AppState>,
    ext: axum::http::Extensions,
    h: HeaderMap,
    b: Bytes,
) -> Res<clientbase_sync::LoginResponse> {
    // Counted before the password is checked: the budget also caps the argon2 work per address.
    if let Some(ip) = svc
        .logins
        .client_ip(ext.get::<ConnectInfo<SocketAddr>>().map(|p| p.0), &h)
    {
        if let Err(wait) = svc.logins.check(ip) {
            tracing::warn!(%ip, "login attempts from this address are limited");
            return Err(ServerError::TooManyFromAddress(wait));
        }
    }
    let req: LoginRequest = body(&b)?;
    Ok(Json(blocking(&svc.clone(), move || svc.login(&req)).await?))
}

async fn refresh(State(svc): State<AppState>, b: Bytes) -> Res<clientbase_sync::LoginResponse> {
    let req: RefreshRequest = body(&b)?;
    Ok(Json(
        blocking(&svc.clone(), move || svc.refresh(&req)).await?,
    ))
}

async fn logout(State(svc): State<AppState>, h: HeaderMap) -> Res<serde_json::Value> {
    authed(svc, &h, |svc, s| svc.logout(s)).await?;
    Ok(Json(serde_json::json!({})))
}

async fn push(
    State(svc): State<AppState>,
    h: HeaderMap,
    b: Bytes,
) -> Res<clientbase_sync::PushResponse> {
    let req: PushRequest = body(&b)?;
    // Authenticated inside the push's own savepoint of the writer's group transaction.
    let token = bearer(&h)?;
    let (reply, answer) = tokio::sync::oneshot::channel();
    svc.pushes
        .send(PushJob { token, req, reply })
        .await
        .map_err(|_| ServerError::Db("the push writer stopped".into()))?;
    Ok(Json(answer.await.map_err(|_| {
        ServerError::Db("the push writer dropped a push".into())
    })??))
}

async fn pull(
    State(svc): State<AppState>,
    h: HeaderMap,
    b: Bytes,
) -> Result<Response, ServerError> {
    let req: PullRequest = body(&b)?;
    let token = bearer(&h)?;
    // The page's JSON is written by the service (stored entries copied as they are).
    let json = blocking(&svc.clone(), move || svc.pull_token_json(&token, &req)).await?;
    Ok((
        [(
            axum::http::header::CONTENT_TYPE,
            axum::http::HeaderValue::from_static("application/json"),
        )],
        json,
    )
        .into_response())
}

async fn users(State(svc): State<AppState>, h: HeaderMap) -> Res<UsersResponse> {
    let users = authed(svc, &h, |svc, s| {
        manager(s)?;
        svc.users(&s.company_id)
    })
    .await?;
    Ok(Json(UsersResponse { users }))
}

async fn add_user(State(svc): State<AppState>, h: HeaderMap, b: Bytes) -> Res<User> {
    let req: NewUser = body(&b)?;
    Ok(Json(
        authed(svc, &h, move |svc, s| {
            manager(s)?;
            let role = parse_role(&req.role)?;
            if s.role != Role::Admin && role != Role::Rep {
                return Err(ServerError::Forbidden);
            }
            svc.user_add(&s.company_id, &req.login, &req.name, role, &req.password)
        })
        .await?,
    ))
}

async fn set_password(
    State(svc): State<AppState>,
    h: HeaderMap,
    Path(id): Path<String>,
    b: Bytes,
) -> Res<serde_json::Value> {
    let req: PasswordBody = body(&b)?;
    authed(svc, &h, move |svc, s| {
        let u = may_manage(svc, s, &id)?;
        svc.reset_password(&u.id, &req.password)
    })
    .await?;
    Ok(Json(serde_json::json!({})))
}

async fn disable(
    State(svc): State<AppState>,
    h: HeaderMap,
    Path(id): Path<String>,
    b: Bytes,
) -> Res<serde_json::Value> {
    let req: DisableBody = body(&b)?;
    authed(svc, &h, move |svc, s| {
        let u = may_manage(svc, s, &id)?;
        svc.set_disabled(&u.id, req.disabled)
    })
    .await?;
    Ok(Json(serde_json::json!({})))
}

async fn revoke(
    State(svc): State<AppState>,
    h: HeaderMap,
    Path(id): Path<String>,
) -> Res<serde_json::Value> {
    authed(svc, &h, move |svc, s| {
        manager(s)?;
        svc.revoke_device(&s.company_id, &id)
    })
    .await?;
    Ok(Json(serde_json::json!({})))
}

async fn reassign(State(svc): State<AppState>, h: HeaderMap, b: Bytes) -> Res<ReassignResponse> {
    let req: ReassignRequest = body(&b)?;
    let (clients, version) = authed(svc, &h, move |svc, s| {
        manager(s)?;
        svc.reassign(&s.company_id, &req.from, &req.to)
    })
    .await?;
    Ok(Json(ReassignResponse { clients, version }))
}

async fn conflicts(
    State(svc): State<AppState>,
    h: HeaderMap,
    Query(q): Query<ConflictsQuery>,
) -> Res<ConflictsResponse> {
    let conflicts = authed(svc, &h, move |svc, s| {
        manager(s)?;
        svc.conflicts(&s.company_id, q.before.as_deref(), q.limit.unwrap_or(100))
    })
    .await?;
    Ok(Json(ConflictsResponse { conflicts }))
}

async fn not_found() -> ServerError {
    ServerError::NotFound("endpoint".into())
}

/// The server's routes.
pub fn router(svc: Arc<Service>) -> Router {
    let pushes = spawn_writer(svc.clone());
    let cfg = svc.config();
    let logins = LoginLimiter::new(
        cfg.ip_login_burst,
        std::time::Duration::from_millis(cfg.ip_login_interval_ms),
        cfg.trust_forwarded_for,
    );
    let v1 = Router::new()
        .route(paths::LOGIN, post(login))
        .route(paths::REFRESH, post(refresh))
        .route(paths::LOGOUT, post(logout))
        .route(paths::PUSH, post(push))
        .route(paths::PULL, post(pull))
        .route(paths::USERS, get(users).post(add_user))
        .route(paths::REASSIGN, post(reassign))
        .route(admin_paths::CONFLICTS, get(conflicts))
        .route(admin_paths::PASSWORD, post(set_password))
        .route(admin_paths::DISABLE, post(disable))
        .route(admin_paths::REVOKE, post(revoke))
        .layer(middleware::from_fn(versions));
    Router::new()
        .merge(v1)
        .route("/health", get(|| async { "ok" }))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(64 * 1024 * 1024))
        .with_state(Arc::new(App {
            svc,
            gate: tokio::sync::Semaphore::new(DB_CONCURRENCY),
            logins,
            pushes,
        }))
}

/// TLS certificate and key (PEM files).
#[derive(Debug, Clone)]
pub struct Tls {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// Binds `addr` (port 0 picks one) and returns the bound address and the serving future.
/// Plain HTTP is refused on a non-loopback address unless `allow_insecure_http`.
pub async fn bind(
    svc: Arc<Service>,
    addr: SocketAddr,
    tls: Option<Tls>,
    allow_insecure_http: bool,
) -> Result<
    (
        SocketAddr,
        impl std::future::Future<Output = std::io::Result<()>>,
    ),
    ServerError,
> {
    if tls.is_none() && !addr.ip().is_loopback() && !allow_insecure_http {
        return Err(ServerError::Config(format!(
            "refusing plain HTTP on {addr}: give --tls-cert/--tls-key, listen on 127.0.0.1 behind a TLS reverse proxy, or pass --allow-insecure-http"
        )));
    }
    let std_listener = std::net::TcpListener::bind(addr)
        .map_err(|e| ServerError::Config(format!("bind {addr}: {e}")))?;
    std_listener
        .set_nonblocking(true)
        .map_err(|e| ServerError::Config(e.to_string()))?;
    let local = std_listener
        .local_addr()
        .map_err(|e| ServerError::Config(e.to_string()))?;
    let app = router(svc);
    let fut: std::pin::Pin<Box<dyn std::future::Future<Output = std::io::Result<()>> + Send>> =
        match tls {
            Some(tls) => {
                let _ = rustls::crypto::ring::default_provider().install_default();
                let config =
                    axum_server::tls_rustls::RustlsConfig::from_pem_file(&tls.cert, &tls.key)
                        .await
                        .map_err(|e| ServerError::Config(format!("TLS certificate/key: {e}")))?;
                let server = axum_server::from_tcp_rustls(std_listener, config);
                Box::pin(async move {
                    server
                        .serve(app.into_make_service_with_connect_info::<SocketAddr>())
                        .await
                })
            }
            None => {
                let listener = tokio::net::TcpListener::from_std(std_listener)
                    .map_err(|e| ServerError::Config(e.to_string()))?;
                Box::pin(async move {
                    axum::serve(
                        listener,
                        app.into_make_service_with_connect_info::<SocketAddr>(),
                    )
                    .await
                })
            }
        };
    Ok((local, fut))
}
