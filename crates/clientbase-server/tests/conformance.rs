//! ONE conformance suite, run against both backends (a SQLite file in a temp dir and a fresh
//! database in a real PostgreSQL on 127.0.0.1): accounts, tokens, push idempotency and gaps,
//! merge and the conflict log, visibility, paging, reassignment, epochs, concurrent pushes.

mod common;

use clientbase_server::service::Session;
use clientbase_server::{Config, ServerError, Service};
use clientbase_sync::{
    Cursor, Entry, EntryBody, LoginRequest, Op, Outcome, PullRequest, PushRequest, RefreshRequest,
    RowRef,
};
use common::{company, hlc, login, now_ms, Device, Fixture};
use serde_json::json;
use std::collections::HashMap;

conformance!(
    accounts_and_login_limiting,
    tokens_expire_rotate_and_reuse_revokes,
    push_is_idempotent_and_gaps_are_rejected,
    merge_conflicts_and_clock_skew,
    delete_beats_edit_in_both_orders,
    reps_see_and_write_only_their_clients,
    pages_never_split_a_version,
    reassignment_moves_clients_with_history,
    epoch_changes_on_restore,
    concurrent_pushes_commit_in_version_order,
    disabled_user_and_revoked_device,
    group_commit_answers_each_push_as_alone,
);

fn session(svc: &Service, token: &str) -> Session {
    svc.authenticate(token).unwrap()
}

fn push(
    svc: &Service,
    s: &Session,
    changes: Vec<clientbase_sync::Change>,
) -> clientbase_sync::PushResponse {
    svc.push(s, &PushRequest { changes }).unwrap()
}

/// Every entry after `cursor`, page by page; returns the entries and the final cursor.
fn pull_all(
    svc: &Service,
    s: &Session,
    cursor: Option<Cursor>,
    limit: u32,
) -> (Vec<Entry>, Cursor) {
    let mut cursor = cursor;
    let mut all = Vec::new();
    for _ in 0..10_000 {
        let page = svc
            .pull(
                s,
                &PullRequest {
                    cursor: cursor.clone(),
                    limit,
                    refetch: vec![],
                },
            )
            .unwrap();
        all.extend(page.entries);
        cursor = Some(page.cursor);
        if !page.more {
            break;
        }
    }
    (all, cursor.unwrap())
}

/// The rows (table, id) → fields a device would hold after merging the entries (images and
/// changes merged with the shared merge, removals applied).
fn replay(entries: &[Entry]) -> HashMap<(String, String), clientbase_sync::RowState> {
    let mut rows: HashMap<(String, String), clientbase_sync::RowState> = HashMap::new();
    for e in entries {
        match &e.body {
            EntryBody::Change { change } => {
                let kind = clientbase_sync::table_spec(&change.table).unwrap().kind;
                let st = rows
                    .entry((change.table.clone(), change.row_id.clone()))
                    .or_default();
                clientbase_sync::merge_change(st, change, kind);
            }
            EntryBody::Row { row } => {
                let st = rows
                    .entry((row.table.clone(), row.row_id.clone()))
                    .or_default();
                clientbase_sync::merge_row(st, row);
            }
            EntryBody::Reset { row } => {
                rows.insert(
                    (row.table.clone(), row.row_id.clone()),
                    clientbase_sync::state_of_image(row),
                );
            }
            EntryBody::Remove { table, row_id } => {
                rows.remove(&(table.clone(), row_id.clone()));
                rows.retain(|_, st| {
                    st.fields.get("client_id").and_then(|v| v.as_str()) != Some(row_id.as_str())
                });
            }
        }
    }
    rows
}

fn accounts_and_login_limiting(f: &Fixture) {
    let svc = f.service(Config {
        max_failed_logins: 3,
        lockout_ms: 60_000,
        ..Config::default()
    });
    let co = company(&svc);
    let r = login(&svc, "anna", "dev-a");
    assert_eq!(r.user.id, co.anna);
    assert_eq!(r.company_id, co.id);
    assert_eq!(r.last_seq, 0);
    assert_eq!(r.epoch, svc.epoch());
    let bad = |pw: &str| {
        svc.login(&LoginRequest {
            login: "anna".into(),
            password: pw.into(),
            device_id: "dev-a".into(),
            device_name: String::new(),
        })
    };
    assert!(matches!(bad("wrong"), Err(ServerError::Unauthorized)));
    assert!(matches!(bad("wrong"), Err(ServerError::Unauthorized)));
    // The third failure locks the login: even the right password is refused now.
    assert!(matches!(bad("wrong"), Err(ServerError::TooManyAttempts(s)) if s > 0 && s <= 60));
    assert!(matches!(
        bad("anna-password"),
        Err(ServerError::TooManyAttempts(_))
    ));
    // An unknown login is as unauthorized as a wrong password.
    let unknown = svc.login(&LoginRequest {
        login: "nobody".into(),
        password: "x".into(),
        device_id: "d".into(),
        device_name: String::new(),
    });
    assert!(matches!(unknown, Err(ServerError::Unauthorized)));
    // A password reset clears the lock.
    svc.reset_password(&co.anna, "anna-password").unwrap();
    assert_eq!(login(&svc, "anna", "dev-a").user.id, co.anna);
    assert!(matches!(
        svc.user_add(
            &co.id,
            "anna",
            "dup",
            clientbase_sync::Role::Rep,
            "12345678"
        ),
        Err(ServerError::BadRequest(_))
    ));
    let users = svc.users(&co.id).unwrap();
    assert_eq!(
        users.iter().map(|u| u.login.as_str()).collect::<Vec<_>>(),
        ["anna", "boris", "mira"]
    );
}

fn tokens_expire_rotate_and_reuse_revokes(f: &Fixture) {
    let svc = f.service(Config {
        access_ttl_ms: 300,
        ..Config::default()
    });
    company(&svc);
    let r = login(&svc, "anna", "dev-a");
    assert!(svc.authenticate(&r.access_token).is_ok());
    assert!(matches!(
        svc.authenticate("not-a-token"),
        Err(ServerError::Unauthorized)
    ));
    std::thread::sleep(std::time::Duration::from_millis(350));
    assert!(matches!(
        svc.authenticate(&r.access_token),
        Err(ServerError::TokenExpired)
    ));
    let r2 = svc
        .refresh(&RefreshRequest {
            device_id: "dev-a".into(),
            refresh_token: r.refresh_token.clone(),
        })
        .unwrap();
    assert_ne!(r2.refresh_token, r.refresh_token);
    assert!(svc.authenticate(&r2.access_token).is_ok());
    // The old refresh token presented again: it leaked, the device is revoked.
    let reuse = svc.refresh(&RefreshRequest {
        device_id: "dev-a".into(),
        refresh_token: r.refresh_token.clone(),
    });
    assert!(matches!(reuse, Err(ServerError::DeviceRevoked)));
    assert!(matches!(
        svc.authenticate(&r2.access_token),
        Err(ServerError::DeviceRevoked)
    ));
    let again = svc.refresh(&RefreshRequest {
        device_id: "dev-a".into(),
        refresh_token: r2.refresh_token.clone(),
    });
    assert!(matches!(again, Err(ServerError::DeviceRevoked)));
    // Logging in with the password registers the device again.
    let r3 = login(&svc, "anna", "dev-a");
    assert!(svc.authenticate(&r3.access_token).is_ok());
    // Logout ends the session.
    let s = session(&svc, &r3.access_token);
    svc.logout(&s).unwrap();
    assert!(matches!(
        svc.authenticate(&r3.access_token),
        Err(ServerError::Unauthorized)
    ));
}

fn push_is_idempotent_and_gaps_are_rejected(f: &Fixture) {
    let svc = f.service(Config::default());
    company(&svc);
    let s = session(&svc, &login(&svc, "anna", "dev-a").access_token);
    let mut d = Device::new("dev-a");
    let batch = vec![
        d.new_client("c1", "Olena"),
        d.change("clients", "c1", Op::Update, json!({"notes": "likes tea"})),
        d.new_client("c2", "Petro"),
    ];
    let r = push(&svc, &s, batch.clone());
    assert_eq!(r.last_seq, 3);
    assert!(
        r.results.iter().all(|x| x.outcome == Outcome::Applied),
        "{:?}",
        r.results
    );
    let (entries, cursor) = pull_all(&svc, &s, None, 100);
    // Three device changes and two server writes (the new clients' owner).
    assert_eq!(entries.len(), 5);
    // The same batch again (a lost answer): applies once.
    let again = push(&svc, &s, batch);
    assert_eq!(again.last_seq, 3);
    assert!(again
        .results
        .iter()
        .all(|x| x.outcome == Outcome::Superseded));
    let (more, _) = pull_all(&svc, &s, Some(cursor.clone()), 100);
    assert!(more.is_empty(), "a repeated batch adds nothing: {more:?}");
    // A gap: seq 5 without 4 is rejected and not consumed.
    d.seq = 4;
    let c5 = d.change("clients", "c1", Op::Update, json!({"notes": "gap"}));
    let r = push(&svc, &s, vec![c5.clone()]);
    assert_eq!(r.results[0].outcome, Outcome::Rejected);
    assert_eq!(r.results[0].reason.as_deref(), Some("seq_gap"));
    assert_eq!(r.last_seq, 3);
    d.seq = 3;
    let c4 = d.change("clients", "c2", Op::Update, json!({"notes": "four"}));
    let r = push(&svc, &s, vec![c4, c5]);
    assert_eq!(r.last_seq, 5);
    assert!(r.results.iter().all(|x| x.outcome == Outcome::Applied));
    let rows = replay(&pull_all(&svc, &s, None, 100).0);
    assert_eq!(
        rows[&("clients".into(), "c1".into())].fields["notes"],
        json!("gap")
    );
    assert_eq!(
        rows[&("clients".into(), "c2".into())].fields["notes"],
        json!("four")
    );
    assert_eq!(
        rows[&("clients".into(), "c1".into())].fields["owner"],
        json!(s.user_id)
    );
    // A relogin reports the seq the server holds.
    assert_eq!(login(&svc, "anna", "dev-a").last_seq, 5);
}

fn merge_conflicts_and_clock_skew(f: &Fixture) {
    let svc = f.service(Config::default());
    let co = company(&svc);
    let m = session(&svc, &login(&svc, "mira", "dev-m").access_token);
    let m2 = session(&svc, &login(&svc, "mira", "dev-m2").access_token);
    let mut d1 = Device::new("dev-m");
    let mut d2 = Device::new("dev-m2");
    push(&svc, &m, vec![d1.new_client("c1", "Olena")]);
    // dev-m2 wrote later (clock), but its push arrives after dev-m's older write.
    d2.ms = d1.ms + 10_000;
    let newer = d2.change("clients", "c1", Op::Update, json!({"notes": "newer"}));
    let older = d1.change("clients", "c1", Op::Update, json!({"notes": "older"}));
    assert_eq!(
        push(&svc, &m2, vec![newer]).results[0].outcome,
        Outcome::Applied
    );
    let r = push(&svc, &m, vec![older]);
    assert_eq!(r.results[0].outcome, Outcome::Superseded);
    // A change > 5 min ahead is rejected but does not block the queue.
    d1.ms = now_ms() + 10 * 60_000;
    let skewed = d1.change("clients", "c1", Op::Update, json!({"notes": "future"}));
    d1.ms = now_ms();
    let fine = d1.change("clients", "c1", Op::Update, json!({"hobbies": "chess"}));
    let r = push(&svc, &m, vec![skewed, fine]);
    assert_eq!(r.results[0].outcome, Outcome::Rejected);
    assert_eq!(r.results[0].reason.as_deref(), Some("clock_skew"));
    assert_eq!(r.results[1].outcome, Outcome::Applied);
    assert_eq!(r.last_seq, 4);
    let rows = replay(&pull_all(&svc, &m, None, 100).0);
    let c1 = &rows[&("clients".into(), "c1".into())];
    assert_eq!(c1.fields["notes"], json!("newer"));
    assert_eq!(c1.fields["hobbies"], json!("chess"));
    let conflicts = svc.conflicts(&co.id, None, 100).unwrap();
    let lost: Vec<_> = conflicts.iter().filter(|c| c.reason == "lost").collect();
    assert_eq!(lost.len(), 1);
    assert_eq!(lost[0].value, json!("older"));
    assert_eq!(lost[0].field, "notes");
    assert_eq!(lost[0].device_id, "dev-m");
    assert!(conflicts
        .iter()
        .any(|c| c.reason == "clock_skew" && c.value == json!("future")));
    // Newest first, paged by id.
    let first = svc.conflicts(&co.id, None, 1).unwrap();
    let next = svc.conflicts(&co.id, Some(&first[0].id), 100).unwrap();
    assert_eq!(first.len() + next.len(), conflicts.len());
    assert!(next.iter().all(|c| c.id < first[0].id));
}

fn delete_beats_edit_in_both_orders(f: &Fixture) {
    let svc = f.service(Config::default());
    company(&svc);
    for (n, delete_first) in [(1, true), (2, false)] {
        let ma = session(
            &svc,
            &login(&svc, "mira", &format!("dev-a{n}")).access_token,
        );
        let mb = session(
            &svc,
            &login(&svc, "mira", &format!("dev-b{n}")).access_token,
        );
        let mut a = Device::new(&format!("dev-a{n}"));
        let mut b = Device::new(&format!("dev-b{n}"));
        let id = format!("client-{n}");
        push(&svc, &ma, vec![a.new_client(&id, "X")]);
        let del = a.change(
            "clients",
            &id,
            Op::Delete,
            json!({"deleted_at": "2026-01-01T00:00:00Z"}),
        );
        b.ms = a.ms + 5_000; // the edit is even later than the delete
        let edit = b.change("clients", &id, Op::Update, json!({"notes": "edited"}));
        if delete_first {
            push(&svc, &ma, vec![del]);
            push(&svc, &mb, vec![edit]);
        } else {
            push(&svc, &mb, vec![edit]);
            push(&svc, &ma, vec![del]);
        }
        let rows = replay(&pull_all(&svc, &ma, None, 100).0);
        let st = &rows[&("clients".into(), id.clone())];
        assert!(
            st.deleted,
            "delete beats a concurrent edit (delete first: {delete_first})"
        );
        // Only an explicit later restore brings it back.
        let restore = b.change("clients", &id, Op::Restore, json!({"deleted_at": null}));
        push(&svc, &mb, vec![restore]);
        let rows = replay(&pull_all(&svc, &ma, None, 100).0);
        let st = &rows[&("clients".into(), id.clone())];
        assert!(!st.deleted);
        assert_eq!(st.fields["notes"], json!("edited"));
    }
}

fn reps_see_and_write_only_their_clients(f: &Fixture) {
    let svc = f.service(Config::default());
    let co = company(&svc);
    let a = session(&svc, &login(&svc, "anna", "dev-a").access_token);
    let b = session(&svc, &login(&svc, "boris", "dev-b").access_token);
    let m = session(&svc, &login(&svc, "mira", "dev-m").access_token);
    let mut da = Device::new("dev-a");
    let mut db = Device::new("dev-b");
    // Anna's client with a contact, a task and an interaction; a category edit (company-wide).
    push(
        &svc,
        &a,
        vec![
            da.new_client("ca", "Olena"),
            da.change(
                "contacts",
                "k1",
                Op::Insert,
                json!({"client_id": "ca", "name": "Ivan"}),
            ),
            da.change(
                "tasks",
                "t1",
                Op::Insert,
                json!({"client_id": "ca", "title": "call", "deleted_at": null}),
            ),
            da.change(
                "interactions",
                "i1",
                Op::Insert,
                json!({"client_id": "ca", "kind": "call", "deleted_at": null}),
            ),
            da.change("categories", "cat-a", Op::Update, json!({"name": "VIP+"})),
        ],
    );
    // Boris tries to give his new client to Anna, and to write Anna's rows.
    let r = push(
        &svc,
        &b,
        vec![
            db.change(
                "clients",
                "cb",
                Op::Insert,
                json!({"first_name": "Taras", "owner": co.anna, "deleted_at": null}),
            ),
            db.change("clients", "ca", Op::Update, json!({"notes": "stolen"})),
            db.change("contacts", "k1", Op::Update, json!({"name": "hijacked"})),
            db.change(
                "contacts",
                "k2",
                Op::Insert,
                json!({"client_id": "ca", "name": "new"}),
            ),
            db.change("tasks", "t1", Op::Delete, json!({"deleted_at": "now"})),
            db.change(
                "contacts",
                "k3",
                Op::Insert,
                json!({"client_id": "cb", "name": "own"}),
            ),
            // Moving his own contact under Anna's client is a write to her client too.
            db.change("contacts", "k3", Op::Update, json!({"client_id": "ca"})),
            db.change(
                "clients",
                "ca",
                Op::Insert,
                json!({"first_name": "overwrite", "deleted_at": null}),
            ),
        ],
    );
    let outcomes: Vec<_> = r
        .results
        .iter()
        .map(|x| (x.outcome, x.reason.clone()))
        .collect();
    let nv = (Outcome::Rejected, Some("not_visible".to_owned()));
    assert_eq!(outcomes[0], (Outcome::Applied, None));
    assert_eq!(
        &outcomes[1..5],
        &[nv.clone(), nv.clone(), nv.clone(), nv.clone()]
    );
    assert_eq!(outcomes[5], (Outcome::Applied, None));
    assert_eq!(&outcomes[6..], &[nv.clone(), nv]);
    assert_eq!(r.last_seq, 8, "rejected changes are consumed");
    // Boris sees his client (owned by him despite the owner he sent) and the category, never Anna's rows.
    let rows_b = replay(&pull_all(&svc, &b, None, 100).0);
    assert!(
        rows_b.keys().all(|(_, id)| !(id == "ca"
            || id == "k1"
            || id == "t1"
            || id == "i1"
            || id == "k2")),
        "{:?}",
        rows_b.keys()
    );
    assert_eq!(
        rows_b[&("clients".into(), "cb".into())].fields["owner"],
        json!(co.boris)
    );
    assert!(rows_b.contains_key(&("categories".into(), "cat-a".into())));
    // Anna's data is untouched; she sees hers, not Boris's.
    let rows_a = replay(&pull_all(&svc, &a, None, 100).0);
    assert_eq!(
        rows_a[&("clients".into(), "ca".into())].fields["first_name"],
        json!("Olena")
    );
    assert_eq!(
        rows_a[&("contacts".into(), "k1".into())].fields["name"],
        json!("Ivan")
    );
    assert!(!rows_a[&("tasks".into(), "t1".into())].deleted);
    assert!(!rows_a.contains_key(&("clients".into(), "cb".into())));
    assert!(!rows_a.contains_key(&("contacts".into(), "k3".into())));
    // A refetch of another rep's row answers a removal, never the row.
    let page = svc
        .pull(
            &b,
            &PullRequest {
                cursor: None,
                limit: 10,
                refetch: vec![RowRef {
                    table: "contacts".into(),
                    row_id: "k1".into(),
                }],
            },
        )
        .unwrap();
    assert!(
        matches!(&page.entries[0].body, EntryBody::Remove { table, row_id } if table == "clients" && row_id == "ca")
    );
    let page = svc
        .pull(
            &a,
            &PullRequest {
                cursor: None,
                limit: 10,
                refetch: vec![RowRef {
                    table: "contacts".into(),
                    row_id: "k1".into(),
                }],
            },
        )
        .unwrap();
    assert!(
        matches!(&page.entries[0].body, EntryBody::Reset { row } if row.fields["name"] == json!("Ivan"))
    );
    // The manager sees everything.
    let rows_m = replay(&pull_all(&svc, &m, None, 100).0);
    for key in [
        ("clients", "ca"),
        ("clients", "cb"),
        ("contacts", "k1"),
        ("contacts", "k3"),
        ("tasks", "t1"),
        ("interactions", "i1"),
    ] {
        assert!(
            rows_m.contains_key(&(key.0.into(), key.1.into())),
            "{key:?}"
        );
    }
    // The rejected values are in the conflict log.
    let conflicts = svc.conflicts(&co.id, None, 100).unwrap();
    assert!(conflicts
        .iter()
        .any(|c| c.reason == "not_visible" && c.value == json!("stolen") && c.user_id == co.boris));
    assert!(conflicts
        .iter()
        .any(|c| c.reason == "not_visible" && c.field == "owner" && c.row_id == "cb"));
}

fn pages_never_split_a_version(f: &Fixture) {
    let svc = f.service(Config::default());
    company(&svc);
    let m = session(&svc, &login(&svc, "mira", "dev-m").access_token);
    let mut d = Device::new("dev-m");
    // Versions of 1, 7, 2, 10 and 1 changes (each client insert also gets an owner write).
    let mut expected = 0;
    for n in [1usize, 7, 2, 10, 1] {
        let batch: Vec<_> = (0..n)
            .map(|_| {
                d.change(
                    "categories",
                    &format!("cat{}", d.seq + 1),
                    Op::Insert,
                    json!({"name": "x"}),
                )
            })
            .collect();
        expected += n;
        push(&svc, &m, batch);
    }
    let mut cursor = None;
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let page = svc
            .pull(
                &m,
                &PullRequest {
                    cursor: cursor.clone(),
                    limit: 3,
                    refetch: vec![],
                },
            )
            .unwrap();
        pages += 1;
        if let Some(first) = page.entries.first() {
            let prev_last = seen.last().map(|e: &Entry| e.version);
            assert_ne!(
                Some(first.version),
                prev_last,
                "a version was split across pages"
            );
        }
        let versions: Vec<u64> = page.entries.iter().map(|e| e.version).collect();
        assert!(versions.windows(2).all(|w| w[0] <= w[1]));
        seen.extend(page.entries);
        cursor = Some(page.cursor.clone());
        if !page.more {
            assert_eq!(page.cursor.version, page.head);
            break;
        }
        assert!(pages < 100);
    }
    assert_eq!(seen.len(), expected);
    // [v1 + v2 finished], [v3 + v4 finished], [v5].
    assert_eq!(pages, 3, "limit 3 takes three pages");
    // A page with the 10-change version holds it whole.
    let v: HashMap<u64, usize> = seen.iter().fold(HashMap::new(), |mut m, e| {
        *m.entry(e.version).or_default() += 1;
        m
    });
    assert!(v.values().any(|&n| n == 10));
    // Pulling again from the end gives nothing.
    let page = svc
        .pull(
            &m,
            &PullRequest {
                cursor,
                limit: 3,
                refetch: vec![],
            },
        )
        .unwrap();
    assert!(page.entries.is_empty() && !page.more);
}

fn reassignment_moves_clients_with_history(f: &Fixture) {
    let svc = f.service(Config::default());
    let co = company(&svc);
    let a = session(&svc, &login(&svc, "anna", "dev-a").access_token);
    let b = session(&svc, &login(&svc, "boris", "dev-b").access_token);
    let m = session(&svc, &login(&svc, "mira", "dev-m").access_token);
    let mut da = Device::new("dev-a");
    let mut db = Device::new("dev-b");
    push(
        &svc,
        &a,
        vec![
            da.new_client("c1", "Olena"),
            da.change(
                "interactions",
                "i1",
                Op::Insert,
                json!({"client_id": "c1", "kind": "call", "deleted_at": null}),
            ),
            da.change(
                "tasks",
                "t1",
                Op::Insert,
                json!({"client_id": "c1", "title": "visit", "deleted_at": null}),
            ),
            da.new_client("c2", "Petro"),
        ],
    );
    push(&svc, &b, vec![db.new_client("c3", "Taras")]);
    let (_, cursor_a) = pull_all(&svc, &a, None, 100);
    let (_, cursor_b) = pull_all(&svc, &b, None, 100);
    // Anna is offline; the manager hands her clients to Boris.
    let (n, _) = svc.reassign(&co.id, &co.anna, "boris").unwrap();
    assert_eq!(n, 2);
    let (entries_b, _) = pull_all(&svc, &b, Some(cursor_b), 100);
    let rows_b = replay(&entries_b);
    for key in [
        ("clients", "c1"),
        ("clients", "c2"),
        ("interactions", "i1"),
        ("tasks", "t1"),
    ] {
        assert!(
            rows_b.contains_key(&(key.0.into(), key.1.into())),
            "Boris got {key:?}"
        );
    }
    assert_eq!(
        rows_b[&("clients".into(), "c1".into())].fields["first_name"],
        json!("Olena")
    );
    assert_eq!(
        rows_b[&("clients".into(), "c1".into())].fields["owner"],
        json!(co.boris)
    );
    // Anna's offline edit after the reassignment goes to the conflict log, not into the data.
    let late = da.change(
        "clients",
        "c1",
        Op::Update,
        json!({"notes": "offline edit"}),
    );
    let r = push(&svc, &a, vec![late]);
    assert_eq!(r.results[0].reason.as_deref(), Some("not_visible"));
    let (entries_a, _) = pull_all(&svc, &a, Some(cursor_a), 100);
    let removed: Vec<_> = entries_a
        .iter()
        .filter_map(|e| match &e.body {
            EntryBody::Remove { row_id, .. } => Some(row_id.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(removed.len(), 2);
    assert!(removed.contains(&"c1".to_owned()) && removed.contains(&"c2".to_owned()));
    assert!(entries_a
        .iter()
        .all(|e| !matches!(e.body, EntryBody::Row { .. })));
    let rows_m = replay(&pull_all(&svc, &m, None, 100).0);
    assert!(rows_m[&("clients".into(), "c1".into())]
        .fields
        .get("notes")
        .is_none());
    assert!(svc
        .conflicts(&co.id, None, 100)
        .unwrap()
        .iter()
        .any(|c| c.reason == "not_visible"
            && c.value == json!("offline edit")
            && c.user_id == co.anna));
    // A fresh device of Boris gets the clients with their history from the start.
    let b2 = session(&svc, &login(&svc, "boris", "dev-b2").access_token);
    let rows_b2 = replay(&pull_all(&svc, &b2, None, 2).0);
    assert!(rows_b2.contains_key(&("interactions".into(), "i1".into())));
    assert!(rows_b.keys().all(|k| rows_b2.contains_key(k)));
    assert!(rows_b2.contains_key(&("clients".into(), "c3".into())));
    assert_eq!(rows_b2.len(), rows_b.len() + 1);
    // Anna's fresh device gets none of them.
    let a2 = session(&svc, &login(&svc, "anna", "dev-a2").access_token);
    assert!(replay(&pull_all(&svc, &a2, None, 100).0).is_empty());
    assert!(matches!(
        svc.reassign(&co.id, &co.anna, &co.anna),
        Err(ServerError::BadRequest(_))
    ));
    assert!(matches!(
        svc.reassign(&co.id, "nobody", &co.anna),
        Err(ServerError::NotFound(_))
    ));
}

fn epoch_changes_on_restore(f: &Fixture) {
    let svc = f.service(Config::default());
    company(&svc);
    let epoch = svc.epoch().to_owned();
    let token = login(&svc, "mira", "dev-m").access_token;
    let m = session(&svc, &token);
    let mut d = Device::new("dev-m");
    push(
        &svc,
        &m,
        vec![d.new_client("c1", "A"), d.new_client("c2", "B")],
    );
    let (_, cursor) = pull_all(&svc, &m, None, 100);
    // A restart keeps the epoch.
    let same = Service::new(f.reopen(), Config::default()).unwrap();
    assert_eq!(same.epoch(), epoch);
    let restored = match f.kind {
        common::Kind::Sqlite => {
            // Back up, write more, restore the backup: the server lost seq 3.
            let backup = f.dir.path().join("backup.db");
            let db = clientbase_server::db::sqlite::Sqlite::open(
                &f.dir.path().join(clientbase_server::SQLITE_FILE),
            )
            .unwrap();
            db.backup_to(&backup).unwrap();
            let copy = clientbase_server::db::sqlite::Sqlite::open(&backup).unwrap();
            clientbase_server::db::tx(
                &copy,
                clientbase_server::db::Mode::Write,
                clientbase_server::service::mark_as_backup,
            )
            .unwrap();
            drop(copy);
            push(&svc, &m, vec![d.new_client("c3", "C")]);
            Service::new(
                std::sync::Arc::new(clientbase_server::db::sqlite::Sqlite::open(&backup).unwrap()),
                Config::default(),
            )
            .unwrap()
        }
        common::Kind::Postgres => {
            Service::new_epoch(f.backend.as_ref()).unwrap();
            Service::new(f.reopen(), Config::default()).unwrap()
        }
    };
    assert_ne!(restored.epoch(), epoch);
    let m2 = restored.authenticate(&token).unwrap();
    assert!(matches!(
        restored.pull(
            &m2,
            &PullRequest {
                cursor: Some(cursor),
                limit: 10,
                refetch: vec![]
            }
        ),
        Err(ServerError::EpochChanged)
    ));
    // The device learns what the server holds and re-pushes the rest.
    let r = restored
        .push(&m2, &PushRequest { changes: vec![] })
        .unwrap();
    assert_eq!(r.epoch, restored.epoch());
    assert_eq!(r.last_seq, 2);
    let (all, cur) = pull_all(&restored, &m2, None, 100);
    assert_eq!(cur.epoch, restored.epoch());
    assert_eq!(replay(&all).len(), 2);
}

fn concurrent_pushes_commit_in_version_order(f: &Fixture) {
    let svc = std::sync::Arc::new(f.service(Config::default()));
    company(&svc);
    let devices = 6;
    let batches = 15;
    let per = 4;
    let sessions: Vec<Session> = (0..devices)
        .map(|i| session(&svc, &login(&svc, "mira", &format!("dev-{i}")).access_token))
        .collect();
    let reader = sessions[0].clone();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    // A reader pulls while the writers push: its cursor must never skip an entry.
    let r_svc = svc.clone();
    let r_stop = stop.clone();
    let reader_t = std::thread::spawn(move || {
        let mut cursor = None;
        let mut got = Vec::new();
        loop {
            let done = r_stop.load(std::sync::atomic::Ordering::SeqCst);
            let (e, c) = pull_all(&r_svc, &reader, cursor.clone(), 7);
            got.extend(e);
            cursor = Some(c);
            if done {
                break got;
            }
        }
    });
    let writers: Vec<_> = sessions
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            let svc = svc.clone();
            std::thread::spawn(move || {
                let mut d = Device::new(&format!("dev-{i}"));
                for b in 0..batches {
                    let changes = (0..per)
                        .map(|k| {
                            d.change(
                                "categories",
                                &format!("cat-{i}-{b}-{k}"),
                                Op::Insert,
                                json!({"name": "x"}),
                            )
                        })
                        .collect();
                    let r = svc.push(&s, &PushRequest { changes }).unwrap();
                    assert!(r.results.iter().all(|x| x.outcome == Outcome::Applied));
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let got = reader_t.join().unwrap();
    assert_eq!(
        got.len(),
        devices * batches * per,
        "the concurrent reader saw every entry exactly once"
    );
    let mut keys: Vec<_> = got
        .iter()
        .map(|e| match &e.body {
            EntryBody::Change { change } => change.row_id.clone(),
            _ => String::new(),
        })
        .collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), devices * batches * per);
    assert!(got.windows(2).all(|w| w[0].version <= w[1].version));
}

/// Several devices' pushes in one transaction (the HTTP writer's group commit): each answered as
/// if pushed alone — a bad token or an oversized push fails alone, a repeat is superseded, a gap
/// rejected and not consumed, two pushes of one device in one group apply in order — and each
/// push is its own version, in the group's order.
fn group_commit_answers_each_push_as_alone(f: &Fixture) {
    let svc = f.service(Config {
        max_push: 3,
        ..Config::default()
    });
    company(&svc);
    let ta = login(&svc, "anna", "dev-a").access_token;
    let tb = login(&svc, "boris", "dev-b").access_token;
    let (mut a, mut b) = (Device::new("dev-a"), Device::new("dev-b"));
    let a1 = PushRequest {
        changes: vec![a.new_client("ca", "Olena")],
    };
    let a2 = PushRequest {
        changes: vec![a.change("clients", "ca", Op::Update, json!({"notes": "second"}))],
    };
    let b1 = PushRequest {
        changes: vec![b.new_client("cb", "Petro")],
    };
    b.seq = 5;
    let b_gap = PushRequest {
        changes: vec![b.change("clients", "cb", Op::Update, json!({"notes": "gap"}))],
    };
    let too_many = PushRequest {
        changes: (0..4)
            .map(|i| b.new_client(&format!("x{i}"), "X"))
            .collect(),
    };
    let out = svc.push_group(&[
        (ta.as_str(), &a1),
        ("not-a-token", &b1),
        (tb.as_str(), &b1),
        (ta.as_str(), &a2),
        (ta.as_str(), &a1),
        (tb.as_str(), &b_gap),
        (tb.as_str(), &too_many),
    ]);
    assert_eq!(out.len(), 7);
    let ok = |i: usize| out[i].as_ref().unwrap();
    assert_eq!(ok(0).last_seq, 1);
    assert_eq!(ok(0).results[0].outcome, Outcome::Applied);
    assert!(matches!(out[1], Err(ServerError::Unauthorized)));
    assert_eq!(ok(2).results[0].outcome, Outcome::Applied);
    assert_eq!(
        (ok(3).last_seq, ok(3).results[0].outcome),
        (2, Outcome::Applied),
        "the device's second push of the group follows its first"
    );
    assert_eq!(ok(4).results[0].outcome, Outcome::Superseded, "a repeat");
    assert_eq!(ok(5).results[0].outcome, Outcome::Rejected);
    assert_eq!(ok(5).results[0].reason.as_deref(), Some("seq_gap"));
    assert_eq!(ok(5).last_seq, 1, "a gap is not consumed");
    assert!(matches!(out[6], Err(ServerError::BadRequest(_))));
    // What committed: both clients, Anna's note, and nothing of the failed pushes.
    let m = session(&svc, &login(&svc, "mira", "dev-m").access_token);
    let (entries, _) = pull_all(&svc, &m, None, 100);
    let rows = replay(&entries);
    assert_eq!(
        rows[&("clients".into(), "ca".into())].fields["notes"],
        json!("second")
    );
    assert!(rows.contains_key(&("clients".into(), "cb".into())));
    assert!(!rows.contains_key(&("clients".into(), "x0".into())));
    let changes: Vec<(u64, String, u64)> = entries
        .iter()
        .filter_map(|e| match &e.body {
            EntryBody::Change { change } if change.device_id != clientbase_sync::SERVER_DEVICE => {
                Some((e.version, change.device_id.clone(), change.seq))
            }
            _ => None,
        })
        .collect();
    let versions: Vec<u64> = changes.iter().map(|c| c.0).collect();
    assert!(
        versions.windows(2).all(|w| w[0] < w[1]),
        "one version per push, in the group's order: {changes:?}"
    );
    assert_eq!(
        changes
            .iter()
            .map(|c| (c.1.as_str(), c.2))
            .collect::<Vec<_>>(),
        [("dev-a", 1), ("dev-b", 1), ("dev-a", 2)]
    );
}

fn disabled_user_and_revoked_device(f: &Fixture) {
    let svc = f.service(Config::default());
    let co = company(&svc);
    let ra = login(&svc, "anna", "dev-a");
    let rb = login(&svc, "boris", "dev-b");
    svc.set_disabled(&co.anna, true).unwrap();
    assert!(matches!(
        svc.authenticate(&ra.access_token),
        Err(ServerError::DeviceRevoked)
    ));
    assert!(matches!(
        svc.refresh(&RefreshRequest {
            device_id: "dev-a".into(),
            refresh_token: ra.refresh_token
        }),
        Err(ServerError::DeviceRevoked)
    ));
    assert!(matches!(
        svc.login(&LoginRequest {
            login: "anna".into(),
            password: "anna-password".into(),
            device_id: "dev-a".into(),
            device_name: String::new()
        }),
        Err(ServerError::DeviceRevoked)
    ));
    svc.revoke_device(&co.id, "dev-b").unwrap();
    assert!(matches!(
        svc.authenticate(&rb.access_token),
        Err(ServerError::DeviceRevoked)
    ));
    assert!(matches!(
        svc.revoke_device("other-company", "dev-b"),
        Err(ServerError::NotFound(_))
    ));
    svc.set_disabled(&co.anna, false).unwrap();
    assert!(svc
        .authenticate(&login(&svc, "anna", "dev-a").access_token)
        .is_ok());
}

#[test]
fn hlc_helper_matches_protocol_form() {
    assert_eq!(hlc(42, 7, "d"), "000000000000042-00007-d");
    assert_eq!(
        clientbase_sync::clock_device(&hlc(1, 0, "dev-1")),
        Some("dev-1")
    );
}
