//! "Find duplicates" and merging cards, on real SQLite files: groups by shared phone, e-mail and
//! name (+ company), transitively, deleted clients left out; a merge keeps every phone, e-mail,
//! messenger, tag, contact person, note, custom value, interaction and task, takes the chosen value
//! where fields differ, soft-deletes the others, and logs all of it; the API commands.
mod common;
use clientbase_core::api::{dispatch, App, Platform};
use clientbase_core::model::*;
use clientbase_core::store::activity::KIND_CALL;
use clientbase_core::StoreError;
use common::*;
use serde_json::json;
use std::collections::BTreeMap;

fn email(addr: &str) -> Email {
    Email {
        label: String::new(),
        address: addr.into(),
    }
}

fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

#[test]
fn groups_share_a_phone_an_email_or_a_name_transitively() {
    let (_dir, mut store) = open();
    let a = store
        .create_client(person("Anna", "Alpha", "067 100 00 01"))
        .unwrap();
    let mut b_in = person("Bohdan", "Beta", "+380671000001");
    b_in.emails = vec![email("shared@example.com")];
    let b = store.create_client(b_in).unwrap();
    let mut c_in = person("Cyril", "Gamma", "");
    c_in.emails = vec![email("SHARED@example.com")];
    let c = store.create_client(c_in).unwrap();
    let mut d_in = person("Dana", "Delta", "");
    d_in.org_name = "Acme".into();
    let d = store.create_client(d_in.clone()).unwrap();
    d_in.phones = vec![Phone {
        kind: PhoneKind::Mobile,
        raw: "050 200 00 00".into(),
        e164: None,
    }];
    let e = store.create_client(d_in).unwrap();
    // Same name, other company: not a duplicate.
    let mut f_in = person("Dana", "Delta", "");
    f_in.org_name = "Other".into();
    store.create_client(f_in).unwrap();
    // Shares A's phone but is deleted.
    let g = store
        .create_client(person("Gone", "Deleted", "067 100 00 01"))
        .unwrap();
    store.delete_client(&g.id).unwrap();

    let groups = store.duplicate_groups(0).unwrap();
    assert_eq!(groups.total, 2);
    let first = &groups.groups[0];
    assert_eq!(first.size, 3);
    let ids: Vec<&str> = first.clients.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, [a.id.as_str(), b.id.as_str(), c.id.as_str()]);
    let mut keys: Vec<(DuplicateReason, String, usize)> = first
        .keys
        .iter()
        .map(|k| (k.reason, k.value.clone(), k.client_ids.len()))
        .collect();
    keys.sort_by(|x, y| x.1.cmp(&y.1));
    assert_eq!(
        keys,
        vec![
            (DuplicateReason::Phone, "+380671000001".into(), 2),
            (DuplicateReason::Email, "shared@example.com".into(), 2),
        ]
    );
    let second = &groups.groups[1];
    let ids: Vec<&str> = second.clients.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, [d.id.as_str(), e.id.as_str()]);
    assert_eq!(second.keys[0].reason, DuplicateReason::Name);
    assert_eq!(second.keys[0].value, "Delta Dana");
    assert_eq!(store.duplicate_groups(1).unwrap().groups.len(), 1);

    // Merging B and C into A leaves the name group only.
    store
        .merge_clients(&a.id, &[b.id.clone(), c.id.clone()], &BTreeMap::new())
        .unwrap();
    let groups = store.duplicate_groups(0).unwrap();
    assert_eq!(groups.total, 1);
    assert_eq!(groups.groups[0].keys[0].reason, DuplicateReason::Name);
}

#[test]
fn a_merge_keeps_everything_takes_the_choices_and_logs_it() {
    let (_dir, mut store) = open();
    let field = store
        .save_custom_field(CustomFieldDef {
            id: String::new(),
            name: "Size".into(),
            kind: CustomFieldKind::Text,
            options: vec![],
            position: 0,
        })
        .unwrap();
    let field2 = store
        .save_custom_field(CustomFieldDef {
            id: String::new(),
            name: "Colour".into(),
            kind: CustomFieldKind::Text,
            options: vec![],
            position: 1,
        })
        .unwrap();
    let mut k_in = person("Олена", "Коваль", "067 111 11 11");
    k_in.emails = vec![email("olena@example.com")];
    k_in.tags = vec!["опт".into()];
    k_in.notes = "перша".into();
    k_in.address.city = "Київ".into();
    k_in.custom
        .insert(field.id.clone(), CustomValue::Text("M".into()));
    k_in.contacts.push(ContactPerson {
        first_name: "Ігор".into(),
        ..Default::default()
    });
    let keep = store.create_client(k_in).unwrap();
    let mut o_in = person("Олена", "Коваль-Бондар", "050 222 22 22");
    o_in.emails = vec![email("o.bondar@example.com"), email("OLENA@example.com")];
    o_in.messengers = vec![Messenger {
        kind: MessengerKind::Telegram,
        handle: "@olena".into(),
    }];
    o_in.tags = vec!["роздріб".into(), "Опт".into()];
    o_in.notes = "друга".into();
    o_in.hobbies = "теніс".into();
    o_in.address.city = "Львів".into();
    o_in.birthday = Some(Birthday {
        day: 29,
        month: 2,
        year: None,
    });
    o_in.custom
        .insert(field.id.clone(), CustomValue::Text("L".into()));
    o_in.custom
        .insert(field2.id.clone(), CustomValue::Text("red".into()));
    o_in.contacts.push(ContactPerson {
        first_name: "Марко".into(),
        phones: vec![Phone {
            kind: PhoneKind::Mobile,
            raw: "063 333 33 33".into(),
            e164: None,
        }],
        ..Default::default()
    });
    let other = store.create_client(o_in).unwrap();
    let t = now();
    let logged = store
        .log_interaction(
            InteractionInput {
                client_id: other.id.clone(),
                kind_id: KIND_CALL.into(),
                note: "дзвінок".into(),
                ..Default::default()
            },
            &t,
        )
        .unwrap();
    let task = store
        .create_task(
            TaskInput {
                client_id: Some(other.id.clone()),
                contact_id: Some(other.data.contacts[0].id.clone()),
                title: "передзвонити".into(),
                due_at: (t + chrono::Duration::days(1)).to_rfc3339(),
                ..Default::default()
            },
            &t,
        )
        .unwrap();

    let preview = store
        .merge_preview(&keep.id, std::slice::from_ref(&other.id))
        .unwrap();
    let fields: Vec<&str> = preview.conflicts.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(fields, ["name", "address", &format!("custom.{}", field.id)]);
    assert_eq!(preview.conflicts[1].chosen, keep.id);
    assert_eq!(preview.conflicts[1].values[1].value, "Львів");
    assert_eq!((preview.interactions, preview.tasks), (1, 1));
    assert_eq!(preview.merged.address.city, "Київ");

    let before_log = count(&store, "SELECT count(*) FROM change_log");
    let mut choices = BTreeMap::new();
    choices.insert("address".to_owned(), other.id.clone());
    choices.insert(format!("custom.{}", field.id), other.id.clone());
    let merged = store
        .merge_clients(&keep.id, std::slice::from_ref(&other.id), &choices)
        .unwrap();
    let d = &merged.data;
    assert_eq!(merged.id, keep.id);
    assert_eq!(
        (d.first_name.as_str(), d.last_name.as_str()),
        ("Олена", "Коваль")
    );
    let phones: Vec<&str> = d.phones.iter().map(|p| p.raw.as_str()).collect();
    assert_eq!(phones, ["067 111 11 11", "050 222 22 22"]);
    let emails: Vec<&str> = d.emails.iter().map(|e| e.address.as_str()).collect();
    assert_eq!(emails, ["olena@example.com", "o.bondar@example.com"]);
    assert_eq!(d.messengers.len(), 1);
    assert_eq!(d.tags, ["опт", "роздріб"]);
    assert_eq!(d.notes, "перша\n\nдруга");
    assert_eq!(d.hobbies, "теніс");
    assert_eq!(d.address.city, "Львів");
    assert_eq!(d.birthday.unwrap().day, 29);
    assert_eq!(d.custom[&field.id], CustomValue::Text("L".into()));
    assert_eq!(d.custom[&field2.id], CustomValue::Text("red".into()));
    let contacts: Vec<&str> = d.contacts.iter().map(|c| c.first_name.as_str()).collect();
    assert_eq!(contacts, ["Ігор", "Марко"]);
    // Stored as returned; the contact person kept its id (the task still points at it).
    assert_eq!(store.get_client(&keep.id).unwrap(), merged);
    assert_eq!(d.contacts[1].id, other.data.contacts[0].id);
    // Interactions and tasks moved; last contacted follows.
    let page = store.interactions(&keep.id, 0, 50).unwrap();
    assert_eq!(page.rows.len(), 1);
    assert_eq!(page.rows[0].id, logged.interaction.id);
    assert!(page.last_contact_at.is_some());
    assert_eq!(
        store.get_task(&task.id).unwrap().client_id.as_deref(),
        Some(keep.id.as_str())
    );
    // The other card is soft-deleted and out of the list and search; its phones find the kept one.
    let gone = store.get_client(&other.id).unwrap();
    assert!(gone.deleted_at.is_some());
    assert_eq!(store.stats().unwrap().clients, 1);
    let found = store
        .list_clients(&ListQuery {
            text: "0633333333".into(),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(found.rows[0].id, keep.id);
    assert_eq!(count(&store, "SELECT count(*) FROM name_order"), 1);
    let dup = store
        .check_duplicates(&person("X", "Y", "063 333 33 33"), None)
        .unwrap();
    assert_eq!(dup[0].client.id, keep.id);
    // The change log: the kept card's update, the moved contact person, interaction and task, the
    // other card's delete.
    let rows: Vec<(String, String, String)> = {
        let mut st = store
            .connection()
            .prepare("SELECT table_name, row_id, op FROM change_log WHERE seq > ?1 ORDER BY seq")
            .unwrap();
        let r = st
            .query_map([before_log], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        r
    };
    let summary: Vec<(&str, &str)> = rows
        .iter()
        .map(|(t, _, op)| (t.as_str(), op.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            ("contacts", "update"),
            ("clients", "update"),
            ("interactions", "update"),
            ("tasks", "update"),
            ("clients", "delete")
        ]
    );
    let upd = &store.change_log_for(&keep.id).unwrap()[1].2;
    for f in [
        "phones",
        "emails",
        "messengers",
        "tags",
        "notes",
        "hobbies",
        "address",
        "birthday_day",
        "custom",
    ] {
        assert!(upd.get(f).is_some(), "{f} missing in {upd}");
    }
    assert!(upd.get("first_name").is_none());
    let moved = &store.change_log_for(&other.data.contacts[0].id).unwrap()[1].2;
    assert_eq!(moved["client_id"], json!(keep.id));
    let ilog = &store.change_log_for(&logged.interaction.id).unwrap()[1].2;
    assert_eq!(ilog, &json!({ "client_id": keep.id }));
}

#[test]
fn merge_refuses_bad_requests_and_changes_nothing() {
    let (_dir, mut store) = open();
    let a = store.create_client(person("A", "A", "")).unwrap();
    let b = store.create_client(person("B", "B", "")).unwrap();
    let c = store.create_client(person("C", "C", "")).unwrap();
    store.delete_client(&c.id).unwrap();
    let n = count(&store, "SELECT count(*) FROM change_log");
    let none = BTreeMap::new();
    let code = |r: Result<Client, StoreError>| match r {
        Err(StoreError::Validation(f)) => f[0].code.clone(),
        Err(StoreError::NotFound(_)) => "not_found".into(),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        code(store.merge_clients(&a.id, &[], &none)),
        "merge_invalid"
    );
    assert_eq!(
        code(store.merge_clients(&a.id, std::slice::from_ref(&a.id), &none)),
        "merge_invalid"
    );
    assert_eq!(
        code(store.merge_clients(&a.id, &[b.id.clone(), b.id.clone()], &none)),
        "merge_invalid"
    );
    assert_eq!(
        code(store.merge_clients(&a.id, std::slice::from_ref(&c.id), &none)),
        "not_found"
    );
    let mut bad = BTreeMap::new();
    bad.insert("colour".to_owned(), b.id.clone());
    assert_eq!(
        code(store.merge_clients(&a.id, std::slice::from_ref(&b.id), &bad)),
        "unknown_field"
    );
    let mut bad = BTreeMap::new();
    bad.insert("name".to_owned(), c.id.clone());
    assert_eq!(
        code(store.merge_clients(&a.id, std::slice::from_ref(&b.id), &bad)),
        "merge_invalid"
    );
    assert_eq!(count(&store, "SELECT count(*) FROM change_log"), n);
    // Choosing the other's name.
    let mut name = BTreeMap::new();
    name.insert("name".to_owned(), b.id.clone());
    let m = store
        .merge_clients(&a.id, std::slice::from_ref(&b.id), &name)
        .unwrap();
    assert_eq!(m.data.first_name, "B");
    assert_eq!(
        store
            .list_clients(&ListQuery::default())
            .unwrap()
            .rows
            .iter()
            .map(|r| r.display_name.as_str())
            .collect::<Vec<_>>(),
        ["B B"]
    );
}

#[test]
fn duplicate_and_merge_commands() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = App::open(&db_path(&dir), Platform::Desktop).unwrap();
    let a = app
        .store
        .create_client(person("Anna", "Alpha", "067 100 00 01"))
        .unwrap();
    let b = app
        .store
        .create_client(person("Anna", "Alpha", "067 100 00 02"))
        .unwrap();
    let groups = dispatch(&mut app, "duplicate_groups", json!({ "limit": 10 })).unwrap();
    assert_eq!(groups["total"], 1);
    assert_eq!(groups["groups"][0]["keys"][0]["reason"], "name");
    let preview = dispatch(
        &mut app,
        "merge_preview",
        json!({ "keep": a.id, "others": [b.id] }),
    )
    .unwrap();
    assert_eq!(preview["merged"]["phones"].as_array().unwrap().len(), 2);
    let card = dispatch(
        &mut app,
        "merge_clients",
        json!({ "keep": a.id, "others": [b.id], "choices": {} }),
    )
    .unwrap();
    assert_eq!(card["client"]["id"], json!(a.id));
    assert!(card["actions"].as_array().unwrap().len() >= 2);
    let stats = dispatch(&mut app, "stats", json!({})).unwrap();
    assert_eq!(stats["clients"], 1);
    let err = dispatch(
        &mut app,
        "merge_clients",
        json!({ "keep": a.id, "others": [] }),
    )
    .unwrap_err();
    assert_eq!(err.code, "validation");
    assert!(clientbase_core::api::COMMANDS.contains(&"merge_clients"));
}
