//! The interaction log: migration 0006 on old databases, kinds and outcomes, logging (last contacted,
//! completing call tasks, callbacks), the timeline, greetings ("Congratulate"), templates, reminder
//! settings, category cadence, demo activity, and the API commands. Real SQLite files.
mod daily;
use clientbase_core::api::{self, dispatch, App, Platform};
use clientbase_core::migrations::{MIGRATIONS, SCHEMA_VERSION};
use clientbase_core::model::*;
use clientbase_core::store::activity::{
    KIND_CALL, KIND_GREETING, OUTCOME_NO_ANSWER, OUTCOME_REACHED,
};
use clientbase_core::{Store, StoreError};
use daily::*;
use serde_json::json;

/// An old database at `version` with two clients (category A, created long ago; one with a birthday).
fn old_db(version: usize) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db").to_str().unwrap().to_owned();
    let mut conn = rusqlite::Connection::open(&path).unwrap();
    let tx = conn.transaction().unwrap();
    for m in &MIGRATIONS[..version] {
        tx.execute_batch(m).unwrap();
    }
    tx.pragma_update(None, "user_version", version as i64)
        .unwrap();
    tx.execute(
        "INSERT INTO clients (id, kind, first_name, last_name, category_id, birthday_day, birthday_month, \
         birthday_md, created_at, updated_at) VALUES ('c1', 'person', 'Олена', 'Шевченко', \
         '00000000-0000-7000-8000-00000000000a', 12, 6, 612, '2024-01-01T10:00:00.000Z', '2024-01-01T10:00:00.000Z')",
        [],
    )
    .unwrap();
    tx.execute(
        "INSERT INTO clients (id, kind, org_name, category_id, created_at, updated_at) VALUES ('c2', 'organization', \
         'Acme', '00000000-0000-7000-8000-00000000000c', '2024-01-01T10:00:00.000Z', '2024-01-01T10:00:00.000Z')",
        [],
    )
    .unwrap();
    tx.commit().unwrap();
    (dir, path)
}

#[test]
fn migrates_v4_and_v5_databases_with_data() {
    for version in [4, 5] {
        let (_dir, path) = old_db(version);
        let now = utc(2025, 6, 10, 9, 0);
        let mut store = Store::open_with_clock(
            &path,
            Box::new(clientbase_core::hlc::FixedClock::new(
                now.timestamp_millis(),
            )),
        )
        .unwrap();
        assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
        let cats = store.categories().unwrap();
        let cadence: Vec<(&str, Option<u32>)> = cats
            .iter()
            .map(|c| (c.code.as_str(), c.cadence_days))
            .collect();
        assert_eq!(
            cadence,
            [("A", Some(30)), ("B", Some(60)), ("C", None), ("D", None)]
        );
        let kinds: Vec<String> = store
            .interaction_kinds()
            .unwrap()
            .into_iter()
            .map(|k| k.code)
            .collect();
        assert_eq!(
            kinds,
            ["call", "meeting", "message", "email", "visit", "greeting"]
        );
        let outcomes: Vec<String> = store
            .interaction_outcomes()
            .unwrap()
            .into_iter()
            .map(|k| k.code)
            .collect();
        assert_eq!(
            outcomes,
            [
                "reached",
                "no_answer",
                "busy",
                "call_back",
                "meeting_set",
                "order_placed",
                "refused"
            ]
        );
        let templates = store.greeting_templates().unwrap();
        assert_eq!(
            templates
                .iter()
                .map(|t| t.language.as_str())
                .collect::<Vec<_>>(),
            ["en", "ru", "uk", "el", "zh"]
        );
        for t in &templates {
            assert_eq!(
                t.text, t.default_text,
                "seed = built-in text ({})",
                t.language
            );
        }
        let rs = store.reminder_settings().unwrap();
        assert_eq!(
            (rs.birthday_days_before, rs.birthday_time.as_str()),
            (1, "09:00")
        );
        // The old clients are on Today: c1 never contacted since 2024 (category A), and its
        // birthday in two days; c2's category has no cadence.
        let today = store.today(&now).unwrap();
        assert_eq!(today.cadence.len(), 1);
        assert_eq!(today.cadence[0].client_id, "c1");
        assert_eq!(today.cadence[0].last_contact_at, None);
        assert_eq!(today.birthdays.len(), 1);
        assert_eq!(today.birthdays[0].days, 2);
        // Logging works on the migrated file and moves "last contacted".
        let logged = store
            .log_interaction(
                InteractionInput {
                    client_id: "c1".into(),
                    kind_id: KIND_CALL.into(),
                    outcome_id: Some(OUTCOME_REACHED.into()),
                    ..Default::default()
                },
                &now,
            )
            .unwrap();
        assert_eq!(
            logged.last_contact_at.as_deref(),
            Some("2025-06-10T09:00:00.000Z")
        );
        assert!(store.today(&now).unwrap().cadence.is_empty());
        // Opening again applies nothing.
        drop(store);
        let store = Store::open(&path).unwrap();
        assert_eq!(store.interaction_kinds().unwrap().len(), 6);
    }
}

#[test]
fn kinds_and_outcomes_are_editable_lists() {
    let (_d, mut store, _c) = open_at(utc(2025, 6, 10, 9, 0));
    let before = logged(&store, "interaction_kinds");
    assert_eq!(before, 0, "seeds are not logged");
    let demo = store
        .save_interaction_kind(ListItem {
            id: String::new(),
            code: "hacked".into(),
            name: "  Demo at the office ".into(),
            position: 9,
            archived: false,
        })
        .unwrap();
    assert_eq!(demo.code, "", "user entries have no code");
    assert_eq!(demo.name, "Demo at the office");
    assert_eq!(logged(&store, "interaction_kinds"), 1);
    // Renaming a seeded kind keeps its code.
    let mut call = store.interaction_kinds().unwrap()[0].clone();
    call.name = "Phone call".into();
    call.code = "x".into();
    let call = store.save_interaction_kind(call).unwrap();
    assert_eq!(call.code, "call");
    let log = store.change_log_for(&call.id).unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].2, json!({"name": "Phone call"}));
    // Delete = archive, still listed (the history names it), logged.
    let archived = store.delete_interaction_kind(&demo.id).unwrap();
    assert!(archived.archived);
    assert!(store
        .interaction_kinds()
        .unwrap()
        .iter()
        .any(|k| k.id == demo.id && k.archived));
    assert_eq!(
        store.change_log_for(&demo.id).unwrap()[1].2,
        json!({"archived": true})
    );
    let err = store
        .save_interaction_outcome(ListItem {
            id: String::new(),
            code: String::new(),
            name: " ".into(),
            position: 0,
            archived: false,
        })
        .unwrap_err();
    assert_eq!(codes(err), [("name".to_owned(), "required".to_owned())]);
    assert!(matches!(
        store.delete_interaction_outcome("nope"),
        Err(StoreError::NotFound(_))
    ));
    let o = store
        .save_interaction_outcome(ListItem {
            id: String::new(),
            code: String::new(),
            name: "Sent a sample".into(),
            position: 7,
            archived: false,
        })
        .unwrap();
    assert_eq!(
        store.interaction_outcomes().unwrap().last().unwrap().id,
        o.id
    );
}

#[test]
fn logging_an_interaction_moves_last_contacted_completes_calls_and_creates_a_callback() {
    let tz = east(2);
    let now = local(&tz, 2025, 6, 10, 11, 0);
    let (_d, mut store, _c) = open_at(now.to_utc());
    let c = add(&mut store, person("Ivan", "Petrenko"), None);
    let overdue = store
        .create_task(
            task(Some(&c.id), TaskKind::Call, utc(2025, 6, 9, 8, 0)),
            &now,
        )
        .unwrap();
    let later_today = store
        .create_task(
            task(
                Some(&c.id),
                TaskKind::Call,
                local(&tz, 2025, 6, 10, 17, 0).to_utc(),
            ),
            &now,
        )
        .unwrap();
    let tomorrow = store
        .create_task(
            task(
                Some(&c.id),
                TaskKind::Call,
                local(&tz, 2025, 6, 11, 9, 0).to_utc(),
            ),
            &now,
        )
        .unwrap();
    let other_kind = store
        .create_task(
            task(Some(&c.id), TaskKind::Other, utc(2025, 6, 9, 8, 0)),
            &now,
        )
        .unwrap();
    let mut weekly = task(
        Some(&c.id),
        TaskKind::Call,
        local(&tz, 2025, 6, 10, 10, 0).to_utc(),
    );
    weekly.repeat = Repeat::Weekly;
    let weekly = store.create_task(weekly, &now).unwrap();
    let log_before = logged(&store, "tasks");
    let callback_at = local(&tz, 2025, 6, 12, 10, 0).to_utc();
    let r = store
        .log_interaction(
            InteractionInput {
                client_id: c.id.clone(),
                kind_id: KIND_CALL.into(),
                outcome_id: Some(OUTCOME_NO_ANSWER.into()),
                channel: Some(Channel::Call),
                note: " busy at a fair ".into(),
                next_step: "send the catalogue".into(),
                complete_calls: true,
                callback: Some(TaskInput {
                    due_at: callback_at.to_rfc3339(),
                    kind: TaskKind::Call,
                    remind_offset_minutes: Some(10),
                    ..Default::default()
                }),
                ..Default::default()
            },
            &now,
        )
        .unwrap();
    let i = &r.interaction;
    assert_eq!(i.at, "2025-06-10T09:00:00.000Z");
    assert_eq!(i.note, "busy at a fair");
    assert_eq!(i.channel, Some(Channel::Call));
    assert_eq!(
        r.last_contact_at.as_deref(),
        Some("2025-06-10T09:00:00.000Z")
    );
    let mut done: Vec<&str> = r.completed.iter().map(|t| t.id.as_str()).collect();
    done.sort();
    let mut expect = vec![
        overdue.id.as_str(),
        later_today.id.as_str(),
        weekly.id.as_str(),
    ];
    expect.sort();
    assert_eq!(done, expect, "open call tasks due by the end of today");
    assert!(store.get_task(&overdue.id).unwrap().done_at.is_some());
    assert!(store.get_task(&tomorrow.id).unwrap().done_at.is_none());
    assert!(store.get_task(&other_kind.id).unwrap().done_at.is_none());
    let w = store.get_task(&weekly.id).unwrap();
    assert_eq!(w.done_at, None);
    assert_eq!(
        w.due_at,
        local(&tz, 2025, 6, 17, 10, 0)
            .to_utc()
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
    );
    let cb = r.callback.unwrap();
    assert_eq!(cb.client_id.as_deref(), Some(c.id.as_str()));
    assert_eq!(cb.kind, TaskKind::Call);
    assert_eq!(cb.due_at, "2025-06-12T08:00:00.000Z");
    // Change log: the interaction (every column), three completions, the callback.
    let log = store.change_log_for(&i.id).unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].1, "insert");
    assert_eq!(log[0].2["kind_id"], KIND_CALL);
    assert_eq!(log[0].2["next_step"], "send the catalogue");
    assert_eq!(logged(&store, "tasks"), log_before + 4);
    // The derived column is not logged.
    assert_eq!(
        count_where(
            &store,
            "SELECT count(*) FROM change_log WHERE fields LIKE '%last_contact_at%'"
        ),
        0
    );
    // An older interaction does not move "last contacted" back.
    store
        .log_interaction(
            InteractionInput {
                client_id: c.id.clone(),
                kind_id: KIND_CALL.into(),
                at: Some("2025-06-01T10:00:00+03:00".into()),
                ..Default::default()
            },
            &now,
        )
        .unwrap();
    let page = store.interactions(&c.id, 0, 0).unwrap();
    assert_eq!(page.total, 2);
    assert_eq!(
        page.last_contact_at.as_deref(),
        Some("2025-06-10T09:00:00.000Z")
    );
    assert_eq!(page.rows[0].id, i.id, "newest first");
    assert_eq!(page.rows[1].at, "2025-06-01T07:00:00.000Z");
    // Deleting the newest recomputes "last contacted"; restoring brings it back.
    store.delete_interaction(&i.id).unwrap();
    let page = store.interactions(&c.id, 0, 0).unwrap();
    assert_eq!(page.total, 1);
    assert_eq!(
        page.last_contact_at.as_deref(),
        Some("2025-06-01T07:00:00.000Z")
    );
    let log = store.change_log_for(&i.id).unwrap();
    assert_eq!(
        (log[1].1.as_str(), log[1].2["deleted_at"].is_string()),
        ("delete", true)
    );
    store.restore_interaction(&i.id).unwrap();
    assert_eq!(
        store
            .interactions(&c.id, 0, 0)
            .unwrap()
            .last_contact_at
            .as_deref(),
        Some("2025-06-10T09:00:00.000Z")
    );
    assert_eq!(store.change_log_for(&i.id).unwrap()[2].1, "restore");
    // Paging.
    let p = store.interactions(&c.id, 1, 1).unwrap();
    assert_eq!((p.total, p.rows.len(), p.offset), (2, 1, 1));
}

fn count_where(store: &Store, sql: &str) -> i64 {
    store.connection().query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn interaction_validation_codes() {
    let now = utc(2025, 6, 10, 9, 0);
    let (_d, mut store, _c) = open_at(now);
    let c = add(&mut store, person("Ivan", "Petrenko"), None);
    let err = store
        .log_interaction(
            InteractionInput {
                client_id: "ghost".into(),
                kind_id: "nope".into(),
                outcome_id: Some("nope".into()),
                at: Some("yesterday".into()),
                ..Default::default()
            },
            &now,
        )
        .unwrap_err();
    let mut e = codes(err);
    e.sort();
    assert_eq!(
        e,
        [
            ("at".to_owned(), "date_invalid".to_owned()),
            ("client_id".into(), "client_invalid".into()),
            ("kind_id".into(), "kind_invalid".into()),
            ("outcome_id".into(), "outcome_invalid".into()),
        ]
    );
    let err = store
        .log_interaction(
            InteractionInput {
                client_id: c.id.clone(),
                contact_id: Some("someone".into()),
                kind_id: KIND_CALL.into(),
                at: Some("2025-06-10T12:00:00Z".into()),
                note: "x".repeat(10_001),
                callback: Some(TaskInput {
                    due_at: "later".into(),
                    ..Default::default()
                }),
                ..Default::default()
            },
            &now,
        )
        .unwrap_err();
    let mut e = codes(err);
    e.sort();
    assert_eq!(
        e,
        [
            ("at".to_owned(), "date_in_future".to_owned()),
            ("callback.due_at".into(), "date_invalid".into()),
            ("contact_id".into(), "contact_invalid".into()),
            ("note".into(), "too_long".into()),
        ]
    );
    assert_eq!(
        logged(&store, "interactions"),
        0,
        "nothing written on error"
    );
    assert_eq!(logged(&store, "tasks"), 0);
}

#[test]
fn congratulate_logs_a_greeting_and_marks_the_birthday_done_for_its_year() {
    // 31 December: a birthday on 2 January is in the Today list (year wrap) and a greeting now counts
    // for next year's birthday.
    let tz = east(3);
    let now = local(&tz, 2025, 12, 31, 10, 0);
    let (_d, mut store, _c) = open_at(now.to_utc());
    let c = add(
        &mut store,
        person("Олена", "Шевченко"),
        bday(2, 1, Some(1990)),
    );
    let t = store
        .create_task(
            task(
                Some(&c.id),
                TaskKind::Congratulate,
                local(&tz, 2026, 1, 2, 9, 0).to_utc(),
            ),
            &now,
        )
        .unwrap();
    let today = store.today(&now).unwrap();
    assert_eq!(today.birthdays.len(), 1);
    let b = &today.birthdays[0];
    assert_eq!(
        (b.date.as_str(), b.days, b.age, b.done),
        ("2026-01-02", 2, Some(36), false)
    );
    let r = store
        .congratulate(
            &c.id,
            None,
            Some(Channel::Whatsapp),
            " З днем народження! ",
            &now,
        )
        .unwrap();
    assert_eq!(r.interaction.kind_id, KIND_GREETING);
    assert_eq!(r.interaction.greets_year, Some(2026));
    assert_eq!(r.interaction.note, "З днем народження!");
    assert_eq!(r.interaction.channel, Some(Channel::Whatsapp));
    assert_eq!(r.completed.len(), 1);
    assert_eq!(r.completed[0].id, t.id);
    assert!(r.last_contact_at.is_some());
    let log = store.change_log_for(&r.interaction.id).unwrap();
    assert_eq!(log[0].2["greets_year"], 2026);
    let today = store.today(&now).unwrap();
    assert!(today.birthdays[0].done);
    assert_eq!(today.counts.birthdays, 1);
    // Deleting the greeting undoes "done".
    store.delete_interaction(&r.interaction.id).unwrap();
    assert!(!store.today(&now).unwrap().birthdays[0].done);
    // A greeting for a contact person marks only that person.
    let org = add(
        &mut store,
        ClientInput {
            kind: ClientKind::Organization,
            org_name: "Acme".into(),
            birthday: None,
            contacts: vec![ContactPerson {
                first_name: "Anna".into(),
                last_name: "Smith".into(),
                birthday: bday(1, 1, None),
                ..Default::default()
            }],
            ..Default::default()
        },
        bday(1, 1, None),
    );
    let ct = org.data.contacts[0].id.clone();
    store
        .congratulate(&org.id, Some(&ct), None, "", &now)
        .unwrap();
    let today = store.today(&now).unwrap();
    let done: Vec<(Option<&str>, bool)> = today
        .birthdays
        .iter()
        .filter(|b| b.client_id == org.id)
        .map(|b| (b.contact_id.as_deref(), b.done))
        .collect();
    assert_eq!(done, [(None, false), (Some(ct.as_str()), true)]);
    assert!(matches!(
        store.congratulate(&org.id, Some("nobody"), None, "", &now),
        Err(StoreError::Validation(_))
    ));
}

#[test]
fn greeting_templates_and_reminder_settings_are_saved_and_logged() {
    let (_d, mut store, _c) = open_at(utc(2025, 6, 10, 9, 0));
    let t = store
        .save_greeting_template(GreetingTemplate {
            id: String::new(),
            language: "EN".into(),
            text: "Happy birthday, {first_name}! — {rep_name}\r\n".into(),
            default_text: String::new(),
        })
        .unwrap();
    assert_eq!(t.text, "Happy birthday, {first_name}! — {rep_name}");
    assert_eq!(t.id, "00000000-0000-7000-8003-000000000001");
    assert_ne!(t.default_text, t.text);
    let log = store.change_log_for(&t.id).unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].2, json!({"text": t.text}));
    let bad = GreetingTemplate {
        id: String::new(),
        language: "fr".into(),
        text: String::new(),
        default_text: String::new(),
    };
    let mut e = codes(store.save_greeting_template(bad).unwrap_err());
    e.sort();
    assert_eq!(
        e,
        [
            ("language".to_owned(), "language_invalid".to_owned()),
            ("text".into(), "required".into())
        ]
    );

    let s = store
        .set_reminder_settings(ReminderSettings {
            birthday_days_before: 3,
            birthday_time: "8:30".into(),
            cyrillic_language: "UK".into(),
        })
        .unwrap();
    assert_eq!(s.birthday_time, "08:30");
    assert_eq!(s.cyrillic_language, "uk");
    assert_eq!(store.reminder_settings().unwrap(), s);
    assert_eq!(logged(&store, "settings"), 3);
    // Saving the same again logs nothing.
    store.set_reminder_settings(s.clone()).unwrap();
    assert_eq!(logged(&store, "settings"), 3);
    let mut e = codes(
        store
            .set_reminder_settings(ReminderSettings {
                birthday_days_before: 31,
                birthday_time: "25:00".into(),
                cyrillic_language: "be".into(),
            })
            .unwrap_err(),
    );
    e.sort();
    assert_eq!(
        e,
        [
            ("birthday_days_before".to_owned(), "days_invalid".to_owned()),
            ("birthday_time".into(), "time_invalid".into()),
            ("cyrillic_language".into(), "language_invalid".into()),
        ]
    );
}

#[test]
fn category_cadence_is_saved_validated_and_logged() {
    let (_d, mut store, _c) = open_at(utc(2025, 6, 10, 9, 0));
    let mut c = store.categories().unwrap()[2].clone();
    assert_eq!((c.code.as_str(), c.cadence_days), ("C", None));
    c.cadence_days = Some(90);
    let saved = store.save_category(c.clone()).unwrap();
    assert_eq!(saved.cadence_days, Some(90));
    assert_eq!(
        store.change_log_for(&c.id).unwrap()[0].2,
        json!({"cadence_days": 90})
    );
    c.cadence_days = Some(0);
    assert_eq!(
        store.save_category(c.clone()).unwrap().cadence_days,
        None,
        "0 = none"
    );
    c.cadence_days = Some(5000);
    assert_eq!(
        codes(store.save_category(c.clone()).unwrap_err()),
        [("cadence_days".to_owned(), "cadence_invalid".to_owned())]
    );
    let new = store
        .save_category(Category {
            id: String::new(),
            code: "E".into(),
            name: "Weekly".into(),
            color: "#123456".into(),
            position: 5,
            cadence_days: Some(7),
        })
        .unwrap();
    assert_eq!(
        store.change_log_for(&new.id).unwrap()[0].2["cadence_days"],
        7
    );
}

#[test]
fn demo_activity_fills_today_and_is_cleared_with_its_log() {
    let tz = east(2);
    let now = local(&tz, 2025, 6, 10, 12, 0);
    let (_d, mut store, _c) = open_at(now.to_utc());
    // load_demo adds the demo activity: one task per 50 clients, one interaction per 2.
    store.load_demo(500).unwrap();
    assert_eq!(logged(&store, "tasks"), 10);
    assert_eq!(logged(&store, "interactions"), 250);
    let today = store.today(&now).unwrap();
    assert!(
        today.counts.overdue + today.counts.due_today > 0,
        "{:?}",
        today.counts
    );
    let with_contact = count_where(
        &store,
        "SELECT count(*) FROM clients WHERE last_contact_at IS NOT NULL",
    );
    assert!(with_contact > 100, "{with_contact}");
    let max_ok = count_where(
        &store,
        "SELECT count(*) FROM clients c WHERE last_contact_at IS NOT (SELECT max(at) FROM interactions i WHERE i.client_id = c.id)",
    );
    assert_eq!(max_ok, 0, "last_contact_at = max(at)");
    store.clear_demo_activity().unwrap();
    assert_eq!(count_where(&store, "SELECT count(*) FROM tasks"), 0);
    assert_eq!(count_where(&store, "SELECT count(*) FROM interactions"), 0);
    assert_eq!(
        count_where(&store, "SELECT count(*) FROM change_log WHERE table_name IN ('tasks', 'interactions') AND op = 'delete'"),
        260
    );
    assert_eq!(
        count_where(
            &store,
            "SELECT count(*) FROM clients WHERE last_contact_at IS NOT NULL"
        ),
        0
    );
}

#[test]
fn api_commands_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = App::open(dir.path().join("a.db").to_str().unwrap(), Platform::Android).unwrap();
    let kinds = dispatch(&mut app, "list_interaction_kinds", json!({})).unwrap();
    assert_eq!(kinds[0]["code"], "call");
    let outcomes = dispatch(&mut app, "list_interaction_outcomes", json!(null)).unwrap();
    assert_eq!(outcomes.as_array().unwrap().len(), 7);
    let item = dispatch(
        &mut app,
        "save_interaction_kind",
        json!({"item": {"id": "", "code": "", "name": "Fair", "position": 6, "archived": false}}),
    )
    .unwrap();
    let archived = dispatch(
        &mut app,
        "delete_interaction_kind",
        json!({"id": item["id"]}),
    )
    .unwrap();
    assert_eq!(archived["archived"], true);
    let o = dispatch(
        &mut app,
        "save_interaction_outcome",
        json!({"item": {"id": "", "code": "", "name": "Sample sent", "position": 7, "archived": false}}),
    )
    .unwrap();
    dispatch(
        &mut app,
        "delete_interaction_outcome",
        json!({"id": o["id"]}),
    )
    .unwrap();

    let client = api::create_client(
        &mut app,
        ClientInput {
            first_name: "Олена".into(),
            middle_name: "Петрівна".into(),
            last_name: "Шевченко".into(),
            org_name: "Світанок".into(),
            phones: vec![Phone {
                kind: PhoneKind::Mobile,
                raw: "067 123 45 67".into(),
                e164: None,
            }],
            birthday: {
                use chrono::Datelike;
                let d = chrono::Local::now().date_naive();
                bday(d.day() as u8, d.month() as u8, Some(1980))
            },
            preferred_channel: Some(Channel::Whatsapp),
            ..Default::default()
        },
    )
    .unwrap();
    let id = client.id.clone();
    // Due an hour ago: overdue whatever the time of day the test runs at.
    let due_t = chrono::Local::now() - chrono::Duration::hours(1);
    let due = due_t.to_rfc3339();
    let logged = dispatch(
        &mut app,
        "log_interaction",
        json!({"input": {"client_id": id, "kind_id": KIND_CALL, "outcome_id": OUTCOME_NO_ANSWER,
            "channel": "call", "complete_calls": true,
            "callback": {"due_at": due, "remind_offset_minutes": 0}}}),
    )
    .unwrap();
    assert!(logged["last_contact_at"].is_string());
    let cb = logged["callback"]["id"].as_str().unwrap().to_owned();
    let page = dispatch(&mut app, "list_interactions", json!({"client": id})).unwrap();
    assert_eq!(page["total"], 1);
    let iid = page["rows"][0]["id"].clone();
    dispatch(&mut app, "delete_interaction", json!({"id": iid})).unwrap();
    dispatch(&mut app, "restore_interaction", json!({"id": iid})).unwrap();

    let tasks = dispatch(&mut app, "list_tasks", json!({"query": {"client_id": id}})).unwrap();
    assert_eq!(tasks["total"], 1);
    let t = dispatch(&mut app, "get_task", json!({"id": cb})).unwrap();
    assert_eq!(t["kind"], "call");
    let today = dispatch(&mut app, "today", json!({})).unwrap();
    assert_eq!(
        today["counts"]["due_today"].as_u64().unwrap()
            + today["counts"]["overdue"].as_u64().unwrap(),
        1
    );
    assert_eq!(
        today["birthdays"][0]["age"],
        chrono::Datelike::year(&chrono::Local::now()) - 1980
    );
    assert_eq!(today["counts"]["overdue"], 1);
    let from = (due_t - chrono::Duration::minutes(1)).to_rfc3339();
    let rem = dispatch(&mut app, "upcoming_reminders", json!({"from": from})).unwrap();
    assert!(rem
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["task_id"] == cb.as_str()));
    let err = dispatch(&mut app, "upcoming_reminders", json!({"from": "now"})).unwrap_err();
    assert_eq!(
        (err.code.as_str(), err.fields[0].code.as_str()),
        ("validation", "date_invalid")
    );
    let snoozed = dispatch(
        &mut app,
        "snooze_task",
        json!({"id": cb, "to": "2030-01-01T09:00:00+02:00"}),
    )
    .unwrap();
    assert_eq!(snoozed["due_at"], "2030-01-01T07:00:00.000Z");
    let done = dispatch(&mut app, "complete_task", json!({"id": cb})).unwrap();
    assert!(done["done_at"].is_string());
    dispatch(&mut app, "uncomplete_task", json!({"id": cb})).unwrap();
    let upd = dispatch(
        &mut app,
        "update_task",
        json!({"id": cb, "input": {"client_id": id, "title": "Call back", "kind": "call", "due_at": due, "repeat": "weekly"}}),
    )
    .unwrap();
    assert_eq!(upd["repeat"], "weekly");
    dispatch(&mut app, "delete_task", json!({"id": cb})).unwrap();
    dispatch(&mut app, "restore_task", json!({"id": cb})).unwrap();
    let created = dispatch(
        &mut app,
        "create_task",
        json!({"input": {"title": "Order samples", "due_at": due}}),
    )
    .unwrap();
    assert_eq!(created["kind"], "other");

    let s = dispatch(&mut app, "get_reminder_settings", json!({})).unwrap();
    assert_eq!(s["birthday_time"], "09:00");
    dispatch(
        &mut app,
        "set_reminder_settings",
        json!({"settings": {"birthday_days_before": 2, "birthday_time": "10:00", "cyrillic_language": ""}}),
    )
    .unwrap();
    let templates = dispatch(&mut app, "list_greeting_templates", json!({})).unwrap();
    assert_eq!(templates.as_array().unwrap().len(), 5);
    dispatch(
        &mut app,
        "save_greeting_template",
        json!({"template": {"id": "", "language": "uk", "text": "{name_patronymic}, вітаю! {rep_name}", "default_text": ""}}),
    )
    .unwrap();
    api::set_settings(
        &mut app,
        Settings {
            language: "en".into(),
            default_country: "UA".into(),
            user_name: "Марко".into(),
        },
    )
    .unwrap();
    let draft = dispatch(&mut app, "greeting_draft", json!({"client": id})).unwrap();
    assert_eq!(draft["language"], "uk");
    assert_eq!(draft["text"], "Олена Петрівна, вітаю! Марко");
    assert_eq!(
        draft["actions"][0]["kind"], "whatsapp",
        "preferred channel first"
    );
    assert!(draft["actions"][0]["url"]
        .as_str()
        .unwrap()
        .starts_with("https://wa.me/380671234567?text=%D0%9E"));
    let en = dispatch(
        &mut app,
        "greeting_draft",
        json!({"client": id, "language": "en"}),
    )
    .unwrap();
    assert!(en["text"]
        .as_str()
        .unwrap()
        .starts_with("Happy birthday, Олена!"));
    let acts = dispatch(
        &mut app,
        "greeting_actions",
        json!({"client": id, "text": "Hi & bye"}),
    )
    .unwrap();
    let sms = acts
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["kind"] == "sms")
        .unwrap();
    assert_eq!(sms["url"], "sms:+380671234567?body=Hi%20%26%20bye");
    let c = dispatch(
        &mut app,
        "congratulate",
        json!({"client": id, "channel": "whatsapp", "text": "Вітаю!"}),
    )
    .unwrap();
    assert_eq!(
        c["url"],
        "https://wa.me/380671234567?text=%D0%92%D1%96%D1%82%D0%B0%D1%8E%21"
    );
    assert_eq!(c["logged"]["interaction"]["kind_id"], KIND_GREETING);
    let today = dispatch(&mut app, "today", json!({})).unwrap();
    assert_eq!(today["birthdays"][0]["done"], true);
    assert_eq!(today["counts"]["birthdays_today"], 0);
    // Unknown ids → not_found; missing arguments → bad_request.
    assert_eq!(
        dispatch(&mut app, "complete_task", json!({"id": "x"}))
            .unwrap_err()
            .code,
        "not_found"
    );
    assert_eq!(
        dispatch(&mut app, "list_interactions", json!({}))
            .unwrap_err()
            .code,
        "bad_request"
    );
    for cmd in api::COMMANDS {
        let r = dispatch(&mut app, cmd, json!({"bogus": 1}));
        if let Err(e) = r {
            assert!(
                ["bad_request", "not_found", "validation"].contains(&e.code.as_str()),
                "{cmd}: {e}"
            );
        }
    }
}
