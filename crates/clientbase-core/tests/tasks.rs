//! Tasks: CRUD with change-log rows, validation codes, completing (repeats, month ends, leap years,
//! DST), undo, snooze, lists.
mod daily;
use clientbase_core::model::*;
use daily::*;

#[test]
fn create_update_delete_restore_with_change_log() {
    let now = utc(2025, 3, 10, 8, 0);
    let (_d, mut store, _c) = open_at(now);
    let c = add(&mut store, person("Olena", "Shevchenko"), None);
    let mut input = task(Some(&c.id), TaskKind::Call, utc(2025, 3, 11, 7, 0));
    input.remind_offset_minutes = Some(15);
    input.note = "  price list  ".into();
    let t = store.create_task(input.clone(), &now).unwrap();
    assert_eq!(t.due_at, "2025-03-11T07:00:00.000Z");
    assert_eq!(t.note, "price list");
    assert_eq!(t.owner, store.device_id());
    assert_eq!(t.repeat, Repeat::None);
    assert_eq!(store.get_task(&t.id).unwrap(), t);
    let log = store.change_log_for(&t.id).unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].1, "insert");
    assert_eq!(log[0].2["client_id"], c.id.as_str());
    assert_eq!(log[0].2["remind_offset_minutes"], 15);
    assert_eq!(log[0].2["kind"], "call");
    assert!(log[0].2.get("remind_at").is_none(), "derived column logged");
    let remind_at: String = store
        .connection()
        .query_row("SELECT remind_at FROM tasks WHERE id = ?1", [&t.id], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(remind_at, "2025-03-11T06:45:00.000Z");

    // Unchanged save: nothing logged. A change: only the changed columns (+ updated_at).
    store.update_task(&t.id, input.clone(), &now).unwrap();
    assert_eq!(store.change_log_for(&t.id).unwrap().len(), 1);
    input.title = "Call about the contract".into();
    let t2 = store.update_task(&t.id, input, &now).unwrap();
    assert_eq!(t2.title, "Call about the contract");
    let log = store.change_log_for(&t.id).unwrap();
    assert_eq!(log.len(), 2);
    let fields = log[1].2.as_object().unwrap();
    assert!(fields.contains_key("title"));
    assert!(fields.contains_key("updated_at"));
    assert!(!fields.contains_key("due_at"));

    let del = store.delete_task(&t.id).unwrap();
    assert!(del.deleted_at.is_some());
    assert_eq!(store.change_log_for(&t.id).unwrap()[2].1, "delete");
    assert_eq!(store.tasks(&TaskQuery::default()).unwrap().total, 0);
    assert!(matches!(
        store.update_task(&t.id, task(None, TaskKind::Other, now), &now),
        Err(clientbase_core::StoreError::NotFound(_))
    ));
    store.restore_task(&t.id).unwrap();
    assert_eq!(store.change_log_for(&t.id).unwrap()[3].1, "restore");
    assert_eq!(store.tasks(&TaskQuery::default()).unwrap().total, 1);
}

#[test]
fn validation_codes() {
    let now = utc(2025, 3, 10, 8, 0);
    let (_d, mut store, _c) = open_at(now);
    let c = add(&mut store, person("Ivan", "Petrenko"), None);
    let other = add(
        &mut store,
        ClientInput {
            kind: ClientKind::Organization,
            org_name: "Acme".into(),
            contacts: vec![ContactPerson {
                first_name: "Anna".into(),
                ..Default::default()
            }],
            ..Default::default()
        },
        None,
    );
    let mut bad = TaskInput {
        client_id: Some("nope".into()),
        contact_id: Some(other.data.contacts[0].id.clone()),
        title: "   ".into(),
        kind: TaskKind::Other,
        due_at: "tomorrow".into(),
        remind_offset_minutes: Some(100_000),
        ..Default::default()
    };
    let mut errs = codes(store.create_task(bad.clone(), &now).unwrap_err());
    errs.sort();
    assert_eq!(
        errs,
        [
            ("client_id".to_owned(), "client_invalid".to_owned()),
            ("due_at".into(), "date_invalid".into()),
            ("remind_offset_minutes".into(), "offset_invalid".into()),
            ("title".into(), "required".into()),
        ]
    );
    // A contact person of another client.
    bad.client_id = Some(c.id.clone());
    bad.due_at = "2025-03-11T10:00:00+02:00".into();
    bad.remind_offset_minutes = None;
    bad.title = "x".repeat(501);
    let mut errs = codes(store.create_task(bad.clone(), &now).unwrap_err());
    errs.sort();
    assert_eq!(
        errs,
        [
            ("contact_id".to_owned(), "contact_invalid".to_owned()),
            ("title".into(), "too_long".into()),
        ]
    );
    // A call task of a client needs no title; one without a client does.
    let ok = store
        .create_task(task(Some(&c.id), TaskKind::Call, now), &now)
        .unwrap();
    assert_eq!(ok.title, "");
    assert_eq!(
        codes(
            store
                .create_task(task(None, TaskKind::Call, now), &now)
                .unwrap_err()
        ),
        [("title".to_owned(), "required".to_owned())]
    );
    // A deleted client is not a valid target.
    store.delete_client(&c.id).unwrap();
    assert_eq!(
        codes(
            store
                .create_task(task(Some(&c.id), TaskKind::Call, now), &now)
                .unwrap_err()
        ),
        [("client_id".to_owned(), "client_invalid".to_owned())]
    );
    assert_eq!(
        codes(store.snooze_task(&ok.id, "soon").unwrap_err()),
        [("to".to_owned(), "date_invalid".to_owned())]
    );
    assert!(matches!(
        store.complete_task("missing", &now),
        Err(clientbase_core::StoreError::NotFound(_))
    ));
}

#[test]
fn one_off_complete_uncomplete_snooze() {
    let now = utc(2025, 3, 10, 8, 0);
    let (_d, mut store, _c) = open_at(now);
    let t = store
        .create_task(task(None, TaskKind::Other, utc(2025, 3, 9, 9, 0)), &now)
        .unwrap();
    let done = store.complete_task(&t.id, &now).unwrap();
    assert_eq!(done.done_at.as_deref(), Some("2025-03-10T08:00:00.000Z"));
    assert_eq!(done.due_at, t.due_at);
    // Completing twice changes nothing.
    assert_eq!(store.complete_task(&t.id, &now).unwrap(), done);
    assert_eq!(store.tasks(&TaskQuery::default()).unwrap().total, 0);
    let with_done = store
        .tasks(&TaskQuery {
            include_done: true,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(with_done.total, 1);
    let open = store.uncomplete_task(&t.id).unwrap();
    assert_eq!(open.done_at, None);
    let log = store.change_log_for(&t.id).unwrap();
    assert_eq!(log.len(), 3);
    assert_eq!(log[1].2["done_at"], "2025-03-10T08:00:00.000Z");
    assert!(log[2].2["done_at"].is_null());

    let snoozed = store
        .snooze_task(&t.id, "2025-03-10T15:30:00+02:00")
        .unwrap();
    assert_eq!(snoozed.due_at, "2025-03-10T13:30:00.000Z");
    let log = store.change_log_for(&t.id).unwrap();
    assert_eq!(log.len(), 4);
    assert_eq!(log[3].2["due_at"], "2025-03-10T13:30:00.000Z");
}

#[test]
fn repeating_tasks_move_to_the_next_occurrence() {
    let tz = east(2);
    let now = local(&tz, 2025, 1, 31, 9, 0);
    let (_d, mut store, _c) = open_at(now.to_utc());
    let mut input = task(
        None,
        TaskKind::Other,
        local(&tz, 2025, 1, 31, 10, 0).to_utc(),
    );
    input.repeat = Repeat::Monthly;
    input.remind_offset_minutes = Some(30);
    let t = store.create_task(input, &now).unwrap();
    // Monthly on the 31st: 28 Feb, 31 Mar, 30 Apr, 31 May.
    let mut dues = Vec::new();
    let mut at = now;
    let mut cur = t.clone();
    for _ in 0..4 {
        at = chrono::DateTime::parse_from_rfc3339(&cur.due_at)
            .unwrap()
            .with_timezone(&tz);
        cur = store.complete_task(&t.id, &at).unwrap();
        assert_eq!(cur.done_at, None, "a repeating task stays open");
        dues.push(cur.due_at.clone());
    }
    assert_eq!(
        dues,
        [
            "2025-02-28T08:00:00.000Z",
            "2025-03-31T08:00:00.000Z",
            "2025-04-30T08:00:00.000Z",
            "2025-05-31T08:00:00.000Z",
        ]
    );
    assert_eq!(
        cur.last_done_at.as_deref(),
        Some("2025-04-30T08:00:00.000Z")
    );
    let remind_at: String = store
        .connection()
        .query_row("SELECT remind_at FROM tasks WHERE id = ?1", [&t.id], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(remind_at, "2025-05-31T07:30:00.000Z");
    // Undo goes back to the occurrence completed last.
    let back = store.uncomplete_task(&t.id).unwrap();
    assert_eq!(back.due_at, "2025-04-30T08:00:00.000Z");
    assert_eq!(back.last_done_at, None);
    // Nothing more to undo.
    assert_eq!(store.uncomplete_task(&t.id).unwrap(), back);
    let _ = at;
}

#[test]
fn repeats_skip_missed_occurrences_and_handle_leap_years() {
    let tz = east(3);
    let now = local(&tz, 2025, 3, 10, 12, 0);
    let (_d, mut store, _c) = open_at(now.to_utc());
    // Daily at 10:00, overdue since 1 March: completing at noon on 10 March → 11 March 10:00.
    let mut daily = task(
        None,
        TaskKind::Other,
        local(&tz, 2025, 3, 1, 10, 0).to_utc(),
    );
    daily.repeat = Repeat::Daily;
    let d = store.create_task(daily, &now).unwrap();
    let d = store.complete_task(&d.id, &now).unwrap();
    assert_eq!(
        d.due_at,
        local(&tz, 2025, 3, 11, 10, 0)
            .to_utc()
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
    );
    // Completed before it is due (noon; due 18:00 today): tomorrow 18:00.
    let mut daily = task(
        None,
        TaskKind::Other,
        local(&tz, 2025, 3, 10, 18, 0).to_utc(),
    );
    daily.repeat = Repeat::Daily;
    let d = store.create_task(daily, &now).unwrap();
    let d = store.complete_task(&d.id, &now).unwrap();
    assert!(d.due_at.starts_with("2025-03-11T15:00"), "{}", d.due_at);
    // Weekly: a week later, same weekday.
    let mut weekly = task(
        None,
        TaskKind::Other,
        local(&tz, 2025, 3, 10, 8, 0).to_utc(),
    );
    weekly.repeat = Repeat::Weekly;
    let w = store.create_task(weekly, &now).unwrap();
    let w = store.complete_task(&w.id, &now).unwrap();
    assert!(w.due_at.starts_with("2025-03-17T05:00"), "{}", w.due_at);
    // Yearly on 29 February: 28 February in non-leap years, back on the 29th in 2028.
    let mut yearly = task(
        None,
        TaskKind::Other,
        local(&tz, 2024, 2, 29, 9, 0).to_utc(),
    );
    yearly.repeat = Repeat::Yearly;
    let leap_now = local(&tz, 2024, 2, 1, 9, 0);
    let y = store.create_task(yearly, &leap_now).unwrap();
    let mut dues = Vec::new();
    let mut cur = y;
    for _ in 0..4 {
        let at = chrono::DateTime::parse_from_rfc3339(&cur.due_at).unwrap();
        cur = store.complete_task(&cur.id, &at).unwrap();
        dues.push(cur.due_at[..10].to_owned());
    }
    assert_eq!(
        dues,
        ["2025-02-28", "2026-02-28", "2027-02-28", "2028-02-29"]
    );
}

#[test]
fn repeating_tasks_keep_local_time_across_dst() {
    // Daily 09:00 in a zone with EU DST: 07:00Z before 30 March 2025, 06:00Z after.
    let tz = Kyiv;
    let now = local(&tz, 2025, 3, 29, 9, 30);
    let (_d, mut store, _c) = open_at(now.to_utc());
    let mut input = task(
        None,
        TaskKind::Other,
        local(&tz, 2025, 3, 29, 9, 0).to_utc(),
    );
    input.repeat = Repeat::Daily;
    let t = store.create_task(input, &now).unwrap();
    assert_eq!(t.due_at, "2025-03-29T07:00:00.000Z");
    let t = store.complete_task(&t.id, &now).unwrap();
    assert_eq!(t.due_at, "2025-03-30T06:00:00.000Z", "09:00 summer time");
    // Autumn: 26 October 2025, back to UTC+2.
    let now = local(&tz, 2025, 10, 25, 10, 0);
    let mut input = task(
        None,
        TaskKind::Other,
        local(&tz, 2025, 10, 25, 9, 0).to_utc(),
    );
    input.repeat = Repeat::Daily;
    let t = store.create_task(input, &now).unwrap();
    assert_eq!(t.due_at, "2025-10-25T06:00:00.000Z");
    let t = store.complete_task(&t.id, &now).unwrap();
    assert_eq!(t.due_at, "2025-10-26T07:00:00.000Z", "09:00 winter time");
    // A time skipped by the spring change (03:30 on 30 March) moves forward by the gap: 04:30.
    let now = local(&tz, 2025, 3, 29, 4, 0);
    let mut input = task(
        None,
        TaskKind::Other,
        local(&tz, 2025, 3, 29, 3, 30).to_utc(),
    );
    input.repeat = Repeat::Daily;
    let t = store.create_task(input, &now).unwrap();
    let t = store.complete_task(&t.id, &now).unwrap();
    assert_eq!(t.due_at, "2025-03-30T01:30:00.000Z", "04:30 local, UTC+3");
    // ...and the series is back at 03:30 the next day.
    let t = store
        .complete_task(&t.id, &local(&tz, 2025, 3, 30, 5, 0))
        .unwrap();
    assert_eq!(t.due_at, "2025-03-31T00:30:00.000Z", "03:30 local, UTC+3");
}

#[test]
fn list_orders_open_by_due_then_done_and_filters_by_client() {
    let now = utc(2025, 3, 10, 8, 0);
    let (_d, mut store, _c) = open_at(now);
    let a = add(&mut store, person("A", "A"), None);
    let b = add(&mut store, person("B", "B"), None);
    let t3 = store
        .create_task(
            task(Some(&a.id), TaskKind::Call, utc(2025, 3, 12, 8, 0)),
            &now,
        )
        .unwrap();
    let t1 = store
        .create_task(
            task(Some(&a.id), TaskKind::Call, utc(2025, 3, 10, 8, 0)),
            &now,
        )
        .unwrap();
    let t2 = store
        .create_task(
            task(Some(&b.id), TaskKind::Call, utc(2025, 3, 11, 8, 0)),
            &now,
        )
        .unwrap();
    store.complete_task(&t3.id, &now).unwrap();
    let all = store
        .tasks(&TaskQuery {
            include_done: true,
            ..Default::default()
        })
        .unwrap();
    let ids: Vec<&str> = all.rows.iter().map(|t| t.task.id.as_str()).collect();
    assert_eq!(ids, [t1.id.as_str(), t2.id.as_str(), t3.id.as_str()]);
    let of_a = store
        .tasks(&TaskQuery {
            client_id: Some(a.id.clone()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(of_a.total, 1);
    assert_eq!(of_a.rows[0].task.id, t1.id);
    let page = store
        .tasks(&TaskQuery {
            include_done: true,
            offset: 1,
            limit: 1,
            ..Default::default()
        })
        .unwrap();
    assert_eq!((page.total, page.rows.len()), (3, 1));
    assert_eq!(page.rows[0].task.id, t2.id);
    // A deleted client's tasks leave the general list.
    store.delete_client(&b.id).unwrap();
    assert_eq!(store.tasks(&TaskQuery::default()).unwrap().total, 1);
}

#[test]
fn list_rows_carry_the_client_and_contact_names_and_phone() {
    let now = utc(2025, 3, 10, 8, 0);
    let (_d, mut store, _c) = open_at(now);
    let mut input = person("Olena", "Shevchenko");
    input.phones = vec![Phone {
        kind: PhoneKind::Mobile,
        raw: "067 123 45 67".into(),
        e164: None,
    }];
    input.contacts = vec![ContactPerson {
        first_name: "Ivan".into(),
        last_name: "Petrenko".into(),
        ..Default::default()
    }];
    let a = add(&mut store, input, None);
    let contact = a.data.contacts[0].id.clone();
    let mut with_contact = task(Some(&a.id), TaskKind::Call, utc(2025, 3, 11, 8, 0));
    with_contact.contact_id = Some(contact);
    store.create_task(with_contact, &now).unwrap();
    let mut own = task(None, TaskKind::Other, utc(2025, 3, 12, 8, 0));
    own.title = "Bring the samples".into();
    store.create_task(own, &now).unwrap();
    let page = store.tasks(&TaskQuery::default()).unwrap();
    assert_eq!(page.total, 2);
    let r = &page.rows[0];
    assert_eq!(r.client_name.as_deref(), Some("Shevchenko Olena"));
    assert_eq!(r.contact_name.as_deref(), Some("Ivan Petrenko"));
    assert!(
        r.phone.as_deref().is_some_and(|p| p.contains("67")),
        "{:?}",
        r.phone
    );
    // A task without a client has no names.
    assert_eq!(page.rows[1].task.title, "Bring the samples");
    assert_eq!(page.rows[1].client_name, None);
    assert_eq!(page.rows[1].contact_name, None);
    // The same through the command the UI calls.
    let one = store
        .tasks(&TaskQuery {
            client_id: Some(a.id.clone()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(one.rows[0].client_name.as_deref(), Some("Shevchenko Olena"));
}
