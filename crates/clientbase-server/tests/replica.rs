//! PostgreSQL with a read replica for pulls, against a real streaming standby of the test
//! PostgreSQL (pg_basebackup -R): pulls read the standby (a paused replay hides new pushes from
//! them), tokens are checked on the primary (a device logged in a moment ago pulls at once), and a
//! resumed standby delivers everything in order.

mod common;

use clientbase_server::db::postgres::Postgres;
use clientbase_server::{Config, Service};
use clientbase_sync::{Cursor, EntryBody, Op, PullRequest, PullResponse, PushRequest};
use common::{company, login, Device};
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn pull(svc: &Service, token: &str, cursor: Option<Cursor>) -> PullResponse {
    svc.pull_token(
        token,
        &PullRequest {
            cursor,
            limit: 1000,
            refetch: vec![],
        },
    )
    .unwrap()
}

fn row_ids(p: &PullResponse) -> Vec<String> {
    p.entries
        .iter()
        .filter_map(|e| match &e.body {
            EntryBody::Change { change } if change.device_id != clientbase_sync::SERVER_DEVICE => {
                Some(change.row_id.clone())
            }
            _ => None,
        })
        .collect()
}

/// Pulls until `want` (row ids of device changes) arrived, at most 30 s.
fn pull_until(svc: &Service, token: &str, cursor: Option<Cursor>, want: &[&str]) -> PullResponse {
    let t = Instant::now();
    loop {
        let p = pull(svc, token, cursor.clone());
        if row_ids(&p) == want {
            return p;
        }
        assert!(
            t.elapsed() < Duration::from_secs(30),
            "the replica did not deliver {want:?}: {:?}",
            row_ids(&p)
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn pulls_read_the_standby_and_tokens_the_primary() {
    let Some((f, replica_url)) = common::pg_with_standby() else {
        return;
    };
    let primary_url = f.url.clone().unwrap();
    let backend = Arc::new(Postgres::open_with_replica(&primary_url, Some(&replica_url)).unwrap());
    let svc = Service::new(backend, Config::default()).unwrap();
    company(&svc);
    let anna = login(&svc, "anna", "dev-a");
    let s = svc.authenticate(&anna.access_token).unwrap();
    let mut d = Device::new("dev-a");
    svc.push(
        &s,
        &PushRequest {
            changes: vec![d.new_client("c1", "Olena")],
        },
    )
    .unwrap();
    // Through the replica, once it has replayed the push.
    let first = pull_until(&svc, &anna.access_token, None, &["c1"]);

    // Replay paused: the primary moves on, the replica (and so every pull) does not.
    let mut standby = postgres::Client::connect(&replica_url, postgres::NoTls).unwrap();
    standby
        .batch_execute("SELECT pg_wal_replay_pause()")
        .unwrap();
    let paused = Instant::now();
    while standby
        .query_one("SELECT pg_get_wal_replay_pause_state()", &[])
        .unwrap()
        .get::<_, String>(0)
        != "paused"
    {
        assert!(paused.elapsed() < Duration::from_secs(30));
        std::thread::sleep(Duration::from_millis(20));
    }
    let pushed = svc
        .push(
            &s,
            &PushRequest {
                changes: vec![d.change("clients", "c1", Op::Update, json!({"notes": "tea"}))],
            },
        )
        .unwrap();
    assert_eq!(pushed.last_seq, 2);
    let mut primary = postgres::Client::connect(&primary_url, postgres::NoTls).unwrap();
    let primary_head: i64 = primary
        .query_one("SELECT version FROM companies", &[])
        .unwrap()
        .get(0);
    let stale = pull(&svc, &anna.access_token, Some(first.cursor.clone()));
    assert!(stale.entries.is_empty(), "{:?}", stale.entries);
    assert!(
        (stale.head as i64) < primary_head,
        "the pull read the paused standby (head {} < primary's {primary_head})",
        stale.head
    );
    assert_eq!(
        stale.cursor.version, first.cursor.version,
        "the cursor stays where the device was"
    );
    // A device that logs in now (its token only on the primary) pulls at once.
    let fresh = login(&svc, "anna", "dev-a2");
    let p = pull(&svc, &fresh.access_token, None);
    assert_eq!(
        row_ids(&p),
        ["c1"],
        "the replica's state, authenticated on the primary"
    );

    // Replay resumed: the change arrives, in order, after the cursor.
    standby
        .batch_execute("SELECT pg_wal_replay_resume()")
        .unwrap();
    let caught_up = pull_until(&svc, &anna.access_token, Some(first.cursor), &["c1"]);
    assert_eq!(caught_up.head as i64, primary_head);
    match &caught_up.entries.last().unwrap().body {
        EntryBody::Change { change } => assert_eq!(change.fields["notes"], json!("tea")),
        other => panic!("{other:?}"),
    }
}
