//! Who owns what a device writes: the device until it signs in to a company server, then the
//! user; at sign-in the device's rows become the user's, logged for sync; reminders fire for both.

mod common;

use chrono::{Duration, Utc};
use clientbase_core::model::*;
use clientbase_sync::{LoginResponse, Role, User};
use common::*;

fn login(user: &str) -> LoginResponse {
    LoginResponse {
        user: User {
            id: user.into(),
            login: "olena".into(),
            name: "Olena".into(),
            role: Role::Rep,
            disabled: false,
        },
        company_id: "co".into(),
        company_name: "Co".into(),
        device_id: "dev-1".into(),
        access_token: "a".into(),
        access_expires_in: 600,
        refresh_token: "r".into(),
        epoch: "e1".into(),
        last_seq: 0,
    }
}

#[test]
fn rows_are_the_devices_until_sign_in_then_the_users() {
    let (_dir, mut store) = open();
    let device = store.device_id().to_owned();
    let before = store
        .create_client(person("Olha", "Koval", "+380671234567"))
        .unwrap();
    assert_eq!(before.owner, device);
    let now = Utc::now();
    let task = store
        .create_task(
            TaskInput {
                client_id: Some(before.id.clone()),
                title: "Call back".into(),
                due_at: (now + Duration::hours(2)).to_rfc3339(),
                remind_offset_minutes: Some(0),
                ..Default::default()
            },
            &now,
        )
        .unwrap();
    assert_eq!(task.owner, device);
    // Nothing to adopt while not signed in.
    assert_eq!(store.adopt_device_rows().unwrap(), 0);

    store
        .sync_connect("http://127.0.0.1:1", &login("user-olena"))
        .unwrap();
    // The reminder of a task written before sign-in still fires here.
    let rs = store
        .upcoming_reminders(&now, &(now + Duration::days(1)), 50)
        .unwrap();
    assert!(rs.iter().any(|r| r.id.contains(&task.id)), "{rs:?}");

    let log_before = count(&store, "SELECT count(*) FROM change_log");
    assert_eq!(store.adopt_device_rows().unwrap(), 2);
    assert_eq!(store.get_client(&before.id).unwrap().owner, "user-olena");
    assert_eq!(store.get_task(&task.id).unwrap().owner, "user-olena");
    // Logged as updates of `owner`, so the server and the rep's other devices learn it.
    assert_eq!(
        count(&store, "SELECT count(*) FROM change_log") - log_before,
        2
    );
    assert_eq!(
        count(
            &store,
            "SELECT count(*) FROM change_log WHERE op = 'update' AND json_extract(fields, '$.owner') = 'user-olena'"
        ),
        2
    );
    assert_eq!(store.adopt_device_rows().unwrap(), 0, "done once");

    // New rows are the user's; reminders still fire.
    let after = store
        .create_client(person("Petro", "Bondar", "+380501234567"))
        .unwrap();
    assert_eq!(after.owner, "user-olena");
    let rs = store
        .upcoming_reminders(&now, &(now + Duration::days(1)), 50)
        .unwrap();
    assert!(rs.iter().any(|r| r.id.contains(&task.id)), "{rs:?}");
}

#[test]
fn a_manager_filters_the_list_by_owner() {
    let (_dir, mut store) = open();
    let device = store.device_id().to_owned();
    let mine = store
        .create_client(person("Olha", "Koval", "+380671234567"))
        .unwrap();
    store
        .sync_connect("http://127.0.0.1:1", &login("user-olena"))
        .unwrap();
    let theirs: Vec<String> = (0..3)
        .map(|i| {
            store
                .create_client(person(&format!("Ivan{i}"), "Shevchenko", ""))
                .unwrap()
                .id
        })
        .collect();
    let list = |store: &mut clientbase_core::Store, owner: Option<&str>, text: &str, offset| {
        store
            .list_clients(&ListQuery {
                text: text.into(),
                owner: owner.map(str::to_owned),
                offset,
                limit: 2,
                ..Default::default()
            })
            .unwrap()
    };
    let p = list(&mut store, Some(&device), "", 0);
    assert_eq!(p.total, 1);
    assert_eq!(p.rows[0].id, mine.id);
    let p = list(&mut store, Some("user-olena"), "", 0);
    assert_eq!(p.total, 3);
    assert_eq!(p.rows.len(), 2, "paged");
    let rest = list(&mut store, Some("user-olena"), "", 2);
    let mut got: Vec<String> = p
        .rows
        .iter()
        .chain(&rest.rows)
        .map(|r| r.id.clone())
        .collect();
    got.sort();
    let mut want = theirs.clone();
    want.sort();
    assert_eq!(got, want);
    // With text: both filters apply.
    assert_eq!(list(&mut store, Some("user-olena"), "ivan1", 0).total, 1);
    assert_eq!(list(&mut store, Some(&device), "ivan", 0).total, 0);
    assert_eq!(list(&mut store, Some("nobody"), "", 0).total, 0);
    // The export of the filtered list.
    let q = ListQuery {
        owner: Some("user-olena".into()),
        ..Default::default()
    };
    assert_eq!(store.query_clients(&q).unwrap().len(), 3);
}
