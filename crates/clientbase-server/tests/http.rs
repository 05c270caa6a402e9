//! The HTTP layer against the real server on 127.0.0.1 port 0: version headers, tokens, login
//! limiting, every endpoint tried by a rep against another rep's clients and by a manager of
//! another company, the manager tools, TLS with rustls, and the refusal of plain HTTP off loopback.

mod common;

use clientbase_server::http::{admin_paths, bind, Tls};
use clientbase_server::{Config, ServerError};
use clientbase_sync::{
    paths, EntryBody, ErrorBody, LoginResponse, Op, Outcome, PullResponse, PushResponse,
    ReassignResponse, UsersResponse, HEADER_PROTOCOL, HEADER_SCHEMA, PROTOCOL_VERSION,
    SYNC_SCHEMA_VERSION,
};
use common::{company, Company, Device, Fixture, Kind};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::sync::Arc;

struct Server {
    base: String,
    http: reqwest::Client,
    co: Company,
    svc: Arc<clientbase_server::Service>,
    _f: Fixture,
}

async fn start(cfg: Config) -> Server {
    let f = Fixture::new(Kind::Sqlite).unwrap();
    let svc = Arc::new(f.service(cfg));
    let co = company(&svc);
    let (addr, fut) = bind(svc.clone(), "127.0.0.1:0".parse().unwrap(), None, false)
        .await
        .unwrap();
    tokio::spawn(fut);
    // Built with the workspace, reqwest may carry rustls without a provider (the sync client's
    // features): install ring's, as the server and the sync client do.
    let _ = rustls::crypto::ring::default_provider().install_default();
    Server {
        base: format!("http://{addr}"),
        http: reqwest::Client::new(),
        co,
        svc,
        _f: f,
    }
}

impl Server {
    fn req(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
    ) -> reqwest::RequestBuilder {
        let mut r = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header(HEADER_PROTOCOL, PROTOCOL_VERSION.to_string())
            .header(HEADER_SCHEMA, SYNC_SCHEMA_VERSION.to_string());
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        r
    }

    async fn post(&self, path: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
        let r = self
            .req(reqwest::Method::POST, path, token)
            .json(&body)
            .send()
            .await
            .unwrap();
        (r.status(), r.json().await.unwrap_or(Value::Null))
    }

    async fn get(&self, path: &str, token: Option<&str>) -> (StatusCode, Value) {
        let r = self
            .req(reqwest::Method::GET, path, token)
            .send()
            .await
            .unwrap();
        (r.status(), r.json().await.unwrap_or(Value::Null))
    }

    async fn login(&self, login: &str, device: &str) -> LoginResponse {
        let (st, v) = self
            .post(
                paths::LOGIN,
                None,
                json!({"login": login, "password": format!("{login}-password"), "device_id": device, "device_name": "phone"}),
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{v}");
        serde_json::from_value(v).unwrap()
    }
}

fn code(v: &Value) -> &str {
    v["code"].as_str().unwrap_or("")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn versions_are_checked_and_errors_are_codes() {
    let s = start(Config::default()).await;
    // No version headers at all: an app from before sync, or a stranger.
    let r = s
        .http
        .post(format!("{}{}", s.base, paths::PULL))
        .json(&json!({"limit": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UPGRADE_REQUIRED);
    let body: ErrorBody = r.json().await.unwrap();
    assert_eq!(body.code, "update_required");
    assert!(!body.message.is_empty());
    for (p, sc) in [
        ("0", SYNC_SCHEMA_VERSION.to_string()),
        (PROTOCOL_VERSION.to_string().as_str(), "0".to_owned()),
    ] {
        let r = s
            .http
            .post(format!("{}{}", s.base, paths::LOGIN))
            .header(HEADER_PROTOCOL, p)
            .header(HEADER_SCHEMA, sc)
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UPGRADE_REQUIRED);
    }
    let r = s
        .http
        .get(format!("{}/health", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.text().await.unwrap(), "ok");
    let (st, v) = s.get("/v1/nothing-here", None).await;
    assert_eq!((st, code(&v)), (StatusCode::NOT_FOUND, "not_found"));
    let r = s
        .req(reqwest::Method::POST, paths::LOGIN, None)
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(r.json::<ErrorBody>().await.unwrap().code, "bad_request");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_expire_rotate_and_a_reused_refresh_token_revokes() {
    let s = start(Config {
        access_ttl_ms: 400,
        ..Config::default()
    })
    .await;
    let pull = json!({"limit": 10});
    let (st, v) = s.post(paths::PULL, None, pull.clone()).await;
    assert_eq!((st, code(&v)), (StatusCode::UNAUTHORIZED, "unauthorized"));
    let (st, v) = s.post(paths::PULL, Some("forged"), pull.clone()).await;
    assert_eq!((st, code(&v)), (StatusCode::UNAUTHORIZED, "unauthorized"));
    let r = s.login("anna", "dev-a").await;
    assert_eq!(
        s.post(paths::PULL, Some(&r.access_token), pull.clone())
            .await
            .0,
        StatusCode::OK
    );
    tokio::time::sleep(std::time::Duration::from_millis(450)).await;
    let (st, v) = s
        .post(paths::PULL, Some(&r.access_token), pull.clone())
        .await;
    assert_eq!((st, code(&v)), (StatusCode::UNAUTHORIZED, "token_expired"));
    let (st, v) = s
        .post(
            paths::REFRESH,
            None,
            json!({"device_id": "dev-a", "refresh_token": r.refresh_token}),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let r2: LoginResponse = serde_json::from_value(v).unwrap();
    assert_eq!(
        s.post(paths::PULL, Some(&r2.access_token), pull.clone())
            .await
            .0,
        StatusCode::OK
    );
    // The first refresh token again: stolen. The device is revoked; it wipes its data.
    let (st, v) = s
        .post(
            paths::REFRESH,
            None,
            json!({"device_id": "dev-a", "refresh_token": r.refresh_token}),
        )
        .await;
    assert_eq!((st, code(&v)), (StatusCode::FORBIDDEN, "device_revoked"));
    let (st, v) = s
        .post(paths::PUSH, Some(&r2.access_token), json!({"changes": []}))
        .await;
    assert_eq!((st, code(&v)), (StatusCode::FORBIDDEN, "device_revoked"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_logins_are_limited() {
    let s = start(Config::default()).await;
    let bad = json!({"login": "anna", "password": "guess", "device_id": "d"});
    for _ in 0..4 {
        let (st, v) = s.post(paths::LOGIN, None, bad.clone()).await;
        assert_eq!((st, code(&v)), (StatusCode::UNAUTHORIZED, "unauthorized"));
    }
    let (st, v) = s.post(paths::LOGIN, None, bad.clone()).await;
    assert_eq!(
        (st, code(&v)),
        (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts")
    );
    let good = json!({"login": "anna", "password": "anna-password", "device_id": "d"});
    let (st, _) = s.post(paths::LOGIN, None, good).await;
    assert_eq!(
        st,
        StatusCode::TOO_MANY_REQUESTS,
        "locked even with the right password"
    );
    // Other logins are not affected.
    s.login("boris", "dev-b").await;
}

impl Server {
    /// A login attempt as if from `ip` (an `X-Forwarded-For` entry a proxy appended).
    async fn login_from(&self, ip: &str, login: &str, password: &str) -> reqwest::Response {
        self.req(reqwest::Method::POST, paths::LOGIN, None)
            .header("x-forwarded-for", format!("10.9.9.9, {ip}"))
            .json(
                &json!({"login": login, "password": password, "device_id": format!("dev-{login}")}),
            )
            .send()
            .await
            .unwrap()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_attempts_are_limited_per_client_address_across_accounts() {
    // Behind a proxy (trusted X-Forwarded-For), 6 attempts per address, then one a minute.
    let s = start(Config {
        ip_login_burst: 6,
        ip_login_interval_ms: 60_000,
        trust_forwarded_for: true,
        ..Config::default()
    })
    .await;
    let attacker = "198.51.100.9";
    // A spray: two guesses at each of three accounts and none at the unknown ones stays under the
    // per-account lockout (5 in a row), so only the address budget stops it.
    for login in ["anna", "boris", "mira", "anna", "boris", "ghost"] {
        let r = s.login_from(attacker, login, "Summer2026!").await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{login}");
    }
    let r = s.login_from(attacker, "mira", "Summer2026!").await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: i64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "Retry-After {retry}");
    let v: Value = r.json().await.unwrap();
    assert_eq!(code(&v), "too_many_attempts", "the code the app shows");
    let msg = v["message"].as_str().unwrap();
    assert!(
        msg.contains("network address") && msg.contains(" s"),
        "{msg}"
    );
    // Even the right password is refused from that address now…
    let r = s.login_from(attacker, "anna", "anna-password").await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    // …while another address logs in to the same (unlocked) accounts.
    for login in ["anna", "boris", "mira"] {
        let r = s
            .login_from("203.0.113.5", login, &format!("{login}-password"))
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{login} from another address");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_forwarded_for_does_not_dodge_the_limit_unless_trusted() {
    let s = start(Config {
        ip_login_burst: 2,
        ip_login_interval_ms: 60_000,
        ..Config::default()
    })
    .await;
    // Without --trust-forwarded-for the header is ignored: all three come from 127.0.0.1.
    for ip in ["192.0.2.1", "192.0.2.2"] {
        let r = s.login_from(ip, "anna", "guess-guess").await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let r = s.login_from("192.0.2.3", "anna", "guess-guess").await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_endpoint_lets_a_rep_at_another_reps_clients() {
    let s = start(Config::default()).await;
    let a = s.login("anna", "dev-a").await;
    let b = s.login("boris", "dev-b").await;
    let mut da = Device::new("dev-a");
    let mut db = Device::new("dev-b");
    let changes = vec![
        da.new_client("ca", "Olena"),
        da.change(
            "contacts",
            "k1",
            Op::Insert,
            json!({"client_id": "ca", "name": "Ivan"}),
        ),
        da.change(
            "orders",
            "o1",
            Op::Insert,
            json!({"client_id": "ca", "total": 100, "deleted_at": null}),
        ),
    ];
    let (st, v) = s
        .post(
            paths::PUSH,
            Some(&a.access_token),
            json!({ "changes": changes }),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    // push: every write to Anna's rows is refused.
    let attack = vec![
        db.change("clients", "ca", Op::Update, json!({"notes": "x"})),
        db.change("clients", "ca", Op::Delete, json!({"deleted_at": "now"})),
        db.change("contacts", "k1", Op::Update, json!({"name": "x"})),
        db.change(
            "contacts",
            "k9",
            Op::Insert,
            json!({"client_id": "ca", "name": "x"}),
        ),
        db.change("orders", "o1", Op::Delete, json!({"deleted_at": "now"})),
        db.change(
            "interactions",
            "i9",
            Op::Insert,
            json!({"client_id": "ca", "kind": "call", "deleted_at": null}),
        ),
    ];
    let (st, v) = s
        .post(
            paths::PUSH,
            Some(&b.access_token),
            json!({ "changes": attack }),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let r: PushResponse = serde_json::from_value(v).unwrap();
    assert!(
        r.results
            .iter()
            .all(|x| x.outcome == Outcome::Rejected && x.reason.as_deref() == Some("not_visible")),
        "{:?}",
        r.results
    );
    // Changes claiming to be from Anna's device are refused too.
    let mut forged = da.change("clients", "ca", Op::Update, json!({"notes": "forged"}));
    forged.seq = 7;
    let (_, v) = s
        .post(
            paths::PUSH,
            Some(&b.access_token),
            json!({ "changes": [forged] }),
        )
        .await;
    let r: PushResponse = serde_json::from_value(v).unwrap();
    assert_eq!(r.results[0].outcome, Outcome::Rejected);
    // pull: nothing of Anna's, from the start, and a refetch answers a removal.
    let (_, v) = s
        .post(paths::PULL, Some(&b.access_token), json!({"limit": 100, "refetch": [{"table": "orders", "row_id": "o1"}, {"table": "clients", "row_id": "ca"}]}))
        .await;
    let p: PullResponse = serde_json::from_value(v).unwrap();
    for e in &p.entries {
        match &e.body {
            EntryBody::Remove { .. } => {}
            other => panic!("Boris got {other:?}"),
        }
    }
    assert_eq!(p.entries.len(), 2);
    // Manager endpoints: forbidden for a rep.
    let forbidden = [
        s.get(paths::USERS, Some(&b.access_token)).await,
        s.post(
            paths::REASSIGN,
            Some(&b.access_token),
            json!({"from": s.co.anna, "to": s.co.boris}),
        )
        .await,
        s.get(admin_paths::CONFLICTS, Some(&b.access_token)).await,
        s.post(
            admin_paths::ADD_USER,
            Some(&b.access_token),
            json!({"login": "x", "role": "rep", "password": "12345678"}),
        )
        .await,
        s.post(
            &format!("/v1/users/{}/password", s.co.anna),
            Some(&b.access_token),
            json!({"password": "12345678"}),
        )
        .await,
        s.post(
            &format!("/v1/users/{}/disable", s.co.anna),
            Some(&b.access_token),
            json!({"disabled": true}),
        )
        .await,
        s.post("/v1/devices/dev-a/revoke", Some(&b.access_token), json!({}))
            .await,
    ];
    for (st, v) in &forbidden {
        assert_eq!((*st, code(v)), (StatusCode::FORBIDDEN, "forbidden"));
    }
    // Anna's data is as she left it.
    let (_, v) = s
        .post(paths::PULL, Some(&a.access_token), json!({"limit": 100}))
        .await;
    let p: PullResponse = serde_json::from_value(v).unwrap();
    let notes: Vec<_> = p
        .entries
        .iter()
        .filter_map(|e| match &e.body {
            EntryBody::Change { change } => change.fields.get("notes").cloned(),
            _ => None,
        })
        .collect();
    assert!(notes.is_empty());
    assert!(
        s.svc.authenticate(&a.access_token).is_ok(),
        "Anna's device is not revoked"
    );

    // A manager of another company reaches nothing of this one.
    let other = s.svc.company_add("Other").unwrap();
    s.svc
        .user_add(
            &other,
            "olga",
            "Olga",
            clientbase_sync::Role::Admin,
            "olga-password",
        )
        .unwrap();
    let o = s.login("olga", "dev-o").await;
    let (st, _) = s
        .post(
            paths::REASSIGN,
            Some(&o.access_token),
            json!({"from": s.co.anna, "to": s.co.boris}),
        )
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (st, _) = s
        .post(
            &format!("/v1/users/{}/password", s.co.anna),
            Some(&o.access_token),
            json!({"password": "12345678"}),
        )
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (st, _) = s
        .post("/v1/devices/dev-a/revoke", Some(&o.access_token), json!({}))
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (_, v) = s.get(paths::USERS, Some(&o.access_token)).await;
    let users: UsersResponse = serde_json::from_value(v).unwrap();
    assert_eq!(users.users.len(), 1);
    let (_, v) = s
        .post(paths::PULL, Some(&o.access_token), json!({"limit": 100}))
        .await;
    let p: PullResponse = serde_json::from_value(v).unwrap();
    assert!(p.entries.is_empty());
    let (_, v) = s.get(admin_paths::CONFLICTS, Some(&o.access_token)).await;
    assert_eq!(v["conflicts"].as_array().unwrap().len(), 0);
    assert!(s.svc.authenticate(&a.access_token).is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn manager_tools_over_http() {
    let s = start(Config::default()).await;
    let m = s.login("mira", "dev-m").await;
    let a = s.login("anna", "dev-a").await;
    let mut da = Device::new("dev-a");
    s.post(
        paths::PUSH,
        Some(&a.access_token),
        json!({"changes": [da.new_client("c1", "Olena")]}),
    )
    .await;
    // Add a rep (a manager may not add a manager).
    let (st, v) = s
        .post(
            admin_paths::ADD_USER,
            Some(&m.access_token),
            json!({"login": "vera", "name": "Vera", "role": "rep", "password": "vera-password"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let vera = v["id"].as_str().unwrap().to_owned();
    let (st, _) = s
        .post(
            admin_paths::ADD_USER,
            Some(&m.access_token),
            json!({"login": "boss", "role": "manager", "password": "12345678"}),
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    // Hand Anna's clients to Vera; Vera's device gets them.
    let (st, v) = s
        .post(
            paths::REASSIGN,
            Some(&m.access_token),
            json!({"from": s.co.anna, "to": vera}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let r: ReassignResponse = serde_json::from_value(v).unwrap();
    assert_eq!(r.clients, 1);
    let vr = s.login("vera", "dev-v").await;
    let (_, v) = s
        .post(paths::PULL, Some(&vr.access_token), json!({"limit": 100}))
        .await;
    let p: PullResponse = serde_json::from_value(v).unwrap();
    assert!(p
        .entries
        .iter()
        .any(|e| matches!(&e.body, EntryBody::Row { row } if row.row_id == "c1")));
    // Anna leaves: disabled, her device gets device_revoked (and wipes).
    let (st, _) = s
        .post(
            &format!("/v1/users/{}/disable", s.co.anna),
            Some(&m.access_token),
            json!({"disabled": true}),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let (st, v) = s
        .post(paths::PULL, Some(&a.access_token), json!({"limit": 1}))
        .await;
    assert_eq!((st, code(&v)), (StatusCode::FORBIDDEN, "device_revoked"));
    // Password reset for Vera: her old session ends, the new password works.
    let (st, _) = s
        .post(
            &format!("/v1/users/{vera}/password"),
            Some(&m.access_token),
            json!({"password": "new-vera-pass"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let (st, _) = s
        .post(paths::PULL, Some(&vr.access_token), json!({"limit": 1}))
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, _) = s
        .post(
            paths::LOGIN,
            None,
            json!({"login": "vera", "password": "new-vera-pass", "device_id": "dev-v"}),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let (st, v) = s.get(paths::USERS, Some(&m.access_token)).await;
    assert_eq!(st, StatusCode::OK);
    let users: UsersResponse = serde_json::from_value(v).unwrap();
    assert!(users.users.iter().any(|u| u.login == "anna" && u.disabled));
    let (st, _) = s
        .post("/v1/devices/dev-v/revoke", Some(&m.access_token), json!({}))
        .await;
    assert_eq!(st, StatusCode::OK);
    let (st, v) = s
        .post(paths::LOGOUT, Some(&m.access_token), json!({}))
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let (st, _) = s.get(paths::USERS, Some(&m.access_token)).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_with_rustls_and_no_plain_http_off_loopback() {
    let f = Fixture::new(Kind::Sqlite).unwrap();
    let svc = Arc::new(f.service(Config::default()));
    let refused = bind(svc.clone(), "0.0.0.0:0".parse().unwrap(), None, false).await;
    assert!(matches!(refused, Err(ServerError::Config(m)) if m.contains("--allow-insecure-http")));
    // Allowed explicitly (bound, not served: nothing is sent to a non-loopback address).
    assert!(bind(svc.clone(), "0.0.0.0:0".parse().unwrap(), None, true)
        .await
        .is_ok());

    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let cert_path = f.dir.path().join("cert.pem");
    let key_path = f.dir.path().join("key.pem");
    std::fs::write(&cert_path, cert.cert.pem()).unwrap();
    std::fs::write(&key_path, cert.key_pair.serialize_pem()).unwrap();
    let tls = Tls {
        cert: cert_path,
        key: key_path,
    };
    // TLS is allowed on any address; here loopback.
    let (addr, fut) = bind(svc, "127.0.0.1:0".parse().unwrap(), Some(tls), false)
        .await
        .unwrap();
    tokio::spawn(fut);

    let mut roots = tokio_rustls::rustls::RootCertStore::empty();
    roots.add(cert.cert.der().clone()).unwrap();
    let config = tokio_rustls::rustls::ClientConfig::builder_with_provider(Arc::new(
        tokio_rustls::rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let name = tokio_rustls::rustls::pki_types::ServerName::try_from("localhost").unwrap();
    let mut stream = connector.connect(name, tcp).await.unwrap();
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    stream
        .write_all(b"GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut resp = Vec::new();
    stream.read_to_end(&mut resp).await.unwrap_or_default();
    let resp = String::from_utf8_lossy(&resp);
    assert!(resp.starts_with("HTTP/1.1 200"), "{resp}");
    assert!(resp.ends_with("ok"), "{resp}");
    // Plain HTTP to the TLS port gets no HTTP answer.
    let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    tcp.write_all(b"GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .unwrap();
    let mut buf = Vec::new();
    let _ =
        tokio::time::timeout(std::time::Duration::from_secs(2), tcp.read_to_end(&mut buf)).await;
    assert!(!String::from_utf8_lossy(&buf).contains("200 OK"));
}
