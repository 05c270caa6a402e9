//! The Today screen (overdue, due today, birthdays incl. 29 February and year ends, contact cadence,
//! counts) and the reminders to schedule (task offsets, birthday mornings across DST, owners, done
//! greetings, limits).
mod daily;
use clientbase_core::model::*;
use daily::*;

fn ms(t: chrono::DateTime<chrono::Utc>) -> i64 {
    t.timestamp_millis()
}

#[test]
fn task_sections_and_counts() {
    let tz = east(2);
    let now = local(&tz, 2025, 6, 10, 12, 0);
    let (_d, mut store, _c) = open_at(now.to_utc());
    let mut ivan = person("Ivan", "Petrenko");
    ivan.phones = vec![Phone {
        kind: PhoneKind::Mobile,
        raw: "067 123 45 67".into(),
        e164: None,
    }];
    let ivan = add(&mut store, ivan, None);
    let acme = add(
        &mut store,
        ClientInput {
            kind: ClientKind::Organization,
            org_name: "Acme".into(),
            contacts: vec![ContactPerson {
                first_name: "Anna".into(),
                last_name: "Smith".into(),
                ..Default::default()
            }],
            ..Default::default()
        },
        None,
    );
    let gone = add(&mut store, person("Gone", "Away"), None);
    let at = |d, h| local(&tz, 2025, 6, d, h, 0).to_utc();
    let mk = |store: &mut clientbase_core::Store, input: TaskInput| {
        store.create_task(input, &now).unwrap()
    };
    let yesterday = mk(&mut store, task(Some(&ivan.id), TaskKind::Call, at(9, 9)));
    let this_morning = mk(&mut store, task(None, TaskKind::Other, at(10, 9)));
    let mut with_contact = task(Some(&acme.id), TaskKind::Call, at(10, 15));
    with_contact.contact_id = Some(acme.data.contacts[0].id.clone());
    let afternoon = mk(&mut store, with_contact);
    let evening = mk(
        &mut store,
        task(Some(&ivan.id), TaskKind::Congratulate, at(10, 23)),
    );
    mk(&mut store, task(Some(&ivan.id), TaskKind::Call, at(11, 0)));
    let done = mk(&mut store, task(Some(&ivan.id), TaskKind::Call, at(8, 9)));
    store.complete_task(&done.id, &now).unwrap();
    let deleted = mk(&mut store, task(Some(&ivan.id), TaskKind::Call, at(8, 9)));
    store.delete_task(&deleted.id).unwrap();
    mk(&mut store, task(Some(&gone.id), TaskKind::Call, at(8, 9)));
    store.delete_client(&gone.id).unwrap();

    let t = store.today(&now).unwrap();
    assert_eq!(t.date, "2025-06-10");
    let ids = |rows: &[TaskRow]| rows.iter().map(|r| r.task.id.clone()).collect::<Vec<_>>();
    assert_eq!(
        ids(&t.overdue),
        [yesterday.id.clone(), this_morning.id.clone()]
    );
    assert_eq!(
        ids(&t.due_today),
        [afternoon.id.clone(), evening.id.clone()]
    );
    assert_eq!(t.overdue[0].client_name.as_deref(), Some("Petrenko Ivan"));
    assert_eq!(t.overdue[0].phone.as_deref(), Some("+380 67 123 4567"));
    assert_eq!(t.overdue[1].client_name, None);
    assert_eq!(t.due_today[0].client_name.as_deref(), Some("Acme"));
    assert_eq!(t.due_today[0].contact_name.as_deref(), Some("Anna Smith"));
    assert_eq!(
        t.counts,
        TodayCounts {
            overdue: 2,
            due_today: 2,
            birthdays_today: 0,
            birthdays: 0,
            cadence: 0,
            badge: 4,
        }
    );
    // Later the same day the afternoon task is overdue; snoozing it to tomorrow moves it off Today.
    let later = local(&tz, 2025, 6, 10, 16, 0);
    let t = store.today(&later).unwrap();
    assert_eq!(t.counts.overdue, 3);
    store
        .snooze_task(&afternoon.id, &at(11, 10).to_rfc3339())
        .unwrap();
    let t = store.today(&later).unwrap();
    assert_eq!((t.counts.overdue, t.counts.due_today), (2, 1));
}

#[test]
fn birthdays_29_february_year_wrap_age_and_contacts() {
    let (_d, mut store, _c) = open_at(utc(2024, 1, 1, 0, 0));
    let leapling = add(&mut store, person("Leap", "Ling"), bday(29, 2, Some(2000)));
    let feb28 = add(&mut store, person("Feb", "Eight"), bday(28, 2, None));
    let jan2 = add(&mut store, person("Jan", "Two"), bday(2, 1, Some(1990)));
    let org = add(
        &mut store,
        ClientInput {
            kind: ClientKind::Organization,
            org_name: "Acme".into(),
            contacts: vec![ContactPerson {
                first_name: "Anna".into(),
                last_name: "Smith".into(),
                birthday: bday(29, 2, None),
                phones: vec![Phone {
                    kind: PhoneKind::Mobile,
                    raw: "+30 691 234 5678".into(),
                    e164: None,
                }],
                ..Default::default()
            }],
            ..Default::default()
        },
        None,
    );
    let deleted = add(&mut store, person("Del", "Eted"), bday(28, 2, None));
    store.delete_client(&deleted.id).unwrap();
    let tz = east(0);
    let names = |t: &Today| -> Vec<(String, u32, Option<u32>)> {
        t.birthdays
            .iter()
            .map(|b| (b.name.clone(), b.days, b.age))
            .collect()
    };

    // Non-leap 2025: 29 February is congratulated on 28 February, together with the 28th.
    let t = store.today(&local(&tz, 2025, 2, 28, 10, 0)).unwrap();
    let mut got = names(&t);
    got.sort();
    assert_eq!(
        got,
        [
            ("Anna Smith".to_owned(), 0, None),
            ("Eight Feb".into(), 0, None),
            ("Ling Leap".into(), 0, Some(25)),
        ]
    );
    assert!(t.birthdays.iter().all(|b| b.date == "2025-02-28"));
    assert_eq!((t.counts.birthdays_today, t.counts.birthdays), (3, 3));
    let anna = t.birthdays.iter().find(|b| b.contact_id.is_some()).unwrap();
    assert_eq!(anna.client_id, org.id);
    assert_eq!(anna.client_name.as_deref(), Some("Acme"));
    assert_eq!(anna.phone.as_deref(), Some("+30 691 234 5678"));
    assert_eq!(
        anna.birthday,
        Birthday {
            day: 29,
            month: 2,
            year: None
        }
    );
    // A week before: all three ahead, 7 days out, nothing today.
    let t = store.today(&local(&tz, 2025, 2, 21, 10, 0)).unwrap();
    assert_eq!(t.birthdays.len(), 3);
    assert!(t.birthdays.iter().all(|b| b.days == 7));
    assert_eq!((t.counts.birthdays_today, t.counts.badge), (0, 0));
    // 8 days before: not yet.
    assert!(store
        .today(&local(&tz, 2025, 2, 20, 10, 0))
        .unwrap()
        .birthdays
        .is_empty());
    // Leap 2024: 28th for the 28th, the 29th a day later.
    let t = store.today(&local(&tz, 2024, 2, 28, 10, 0)).unwrap();
    let mut got: Vec<(String, String)> = t
        .birthdays
        .iter()
        .map(|b| (b.name.clone(), b.date.clone()))
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("Anna Smith".to_owned(), "2024-02-29".to_owned()),
            ("Eight Feb".into(), "2024-02-28".into()),
            ("Ling Leap".into(), "2024-02-29".into()),
        ]
    );
    assert_eq!(t.birthdays[0].name, "Eight Feb", "today first");
    assert_eq!(t.counts.birthdays_today, 1);
    let t = store.today(&local(&tz, 2024, 2, 29, 10, 0)).unwrap();
    assert_eq!(t.counts.birthdays_today, 2);
    assert_eq!(
        t.birthdays
            .iter()
            .find(|b| b.client_id == leapling.id)
            .unwrap()
            .age,
        Some(24)
    );
    // Year wrap: seen on 28 December, 2 January is 5 days ahead and the age is next year's.
    let t = store.today(&local(&tz, 2025, 12, 28, 10, 0)).unwrap();
    assert_eq!(t.birthdays.len(), 1);
    let b = &t.birthdays[0];
    assert_eq!(b.client_id, jan2.id);
    assert_eq!(
        (b.date.as_str(), b.days, b.age),
        ("2026-01-02", 5, Some(36))
    );
    let _ = feb28;
}

#[test]
fn birthdays_follow_the_local_date() {
    // 23:30 UTC on 9 June is already 10 June at UTC+3.
    let (_d, mut store, _c) = open_at(utc(2025, 1, 1, 0, 0));
    add(&mut store, person("June", "Ten"), bday(10, 6, None));
    let t = store
        .today(&utc(2025, 6, 9, 23, 30).with_timezone(&east(3)))
        .unwrap();
    assert_eq!((t.date.as_str(), t.birthdays[0].days), ("2025-06-10", 0));
    let t = store.today(&utc(2025, 6, 9, 23, 30)).unwrap();
    assert_eq!((t.date.as_str(), t.birthdays[0].days), ("2025-06-09", 1));
}

#[test]
fn contact_cadence_by_category() {
    let tz = east(2);
    let now = local(&tz, 2025, 6, 10, 12, 0);
    let (_d, mut store, clock) = open_at(now.to_utc());
    let created = |store: &mut clientbase_core::Store, name: &str, cat: &str, days_ago: i64| {
        clock.set(ms(now.to_utc() - chrono::Duration::days(days_ago)));
        let mut p = person(name, "X");
        p.category_id = Some(cat.into());
        let c = store.create_client(p).unwrap();
        clock.set(ms(now.to_utc()));
        c
    };
    let a_old = created(&mut store, "AOld", CAT_A, 40);
    let _a_new = created(&mut store, "ANew", CAT_A, 10);
    let a_recent_call = created(&mut store, "ACalled29", CAT_A, 100);
    let a_call_30 = created(&mut store, "ACalled30", CAT_A, 100);
    let b_old = created(&mut store, "BOld", CAT_B, 61);
    let _b_mid = created(&mut store, "BMid", CAT_B, 45);
    let _c_old = created(&mut store, "COld", CAT_C, 400);
    let a_deleted = created(&mut store, "ADel", CAT_A, 400);
    store.delete_client(&a_deleted.id).unwrap();
    let call = |store: &mut clientbase_core::Store, id: &str, days_ago: u64| {
        let day = now.date_naive() - chrono::Days::new(days_ago);
        let at = local(&tz, 2025, day.month0() + 1, day.day0() + 1, 8, 0);
        store
            .log_interaction(
                InteractionInput {
                    client_id: id.into(),
                    kind_id: clientbase_core::store::activity::KIND_CALL.into(),
                    at: Some(at.to_rfc3339()),
                    ..Default::default()
                },
                &now,
            )
            .unwrap();
    };
    use chrono::Datelike;
    call(&mut store, &a_recent_call.id, 29);
    call(&mut store, &a_call_30.id, 30);
    let t = store.today(&now).unwrap();
    let got: Vec<(&str, u32, u32, bool)> = t
        .cadence
        .iter()
        .map(|r| {
            (
                r.name.as_str(),
                r.cadence_days,
                r.days_overdue,
                r.last_contact_at.is_some(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("X AOld", 30, 10, false),
            ("X BOld", 60, 1, false),
            ("X ACalled30", 30, 0, true),
        ]
    );
    assert_eq!(t.counts.cadence, 3);
    assert_eq!(t.cadence[1].client_id, b_old.id);
    assert_eq!(t.cadence[1].category_id, CAT_B);
    // A call takes the client off the list; a category without cadence never lists.
    call(&mut store, &a_old.id, 0);
    let t = store.today(&now).unwrap();
    assert_eq!(t.counts.cadence, 2);
    assert!(t.cadence.iter().all(|r| r.client_id != a_old.id));
    // Turning B's cadence off.
    let mut b = store
        .categories()
        .unwrap()
        .into_iter()
        .find(|c| c.id == CAT_B)
        .unwrap();
    b.cadence_days = None;
    store.save_category(b).unwrap();
    assert_eq!(store.today(&now).unwrap().counts.cadence, 1);
}

#[test]
fn task_reminders_offset_owner_and_window() {
    let tz = east(2);
    let now = local(&tz, 2025, 6, 10, 8, 0);
    let (_d, mut store, _c) = open_at(now.to_utc());
    let c = add(&mut store, person("Ivan", "Petrenko"), None);
    let mut t1 = task(
        Some(&c.id),
        TaskKind::Call,
        local(&tz, 2025, 6, 10, 10, 0).to_utc(),
    );
    t1.remind_offset_minutes = Some(15);
    let t1 = store.create_task(t1, &now).unwrap();
    let mut t2 = task(
        None,
        TaskKind::Other,
        local(&tz, 2025, 6, 10, 9, 0).to_utc(),
    );
    t2.remind_offset_minutes = Some(0);
    let t2 = store.create_task(t2, &now).unwrap();
    // No offset: no reminder.
    store
        .create_task(
            task(
                Some(&c.id),
                TaskKind::Call,
                local(&tz, 2025, 6, 10, 9, 30).to_utc(),
            ),
            &now,
        )
        .unwrap();
    // Someone else's task (after sync): not reminded here; an unowned one is.
    let mut t4 = task(
        None,
        TaskKind::Other,
        local(&tz, 2025, 6, 10, 11, 0).to_utc(),
    );
    t4.remind_offset_minutes = Some(0);
    let t4 = store.create_task(t4, &now).unwrap();
    let mut t5 = task(
        None,
        TaskKind::Other,
        local(&tz, 2025, 6, 10, 12, 0).to_utc(),
    );
    t5.remind_offset_minutes = Some(0);
    let t5 = store.create_task(t5, &now).unwrap();
    store
        .connection()
        .execute(
            "UPDATE tasks SET owner = 'other-device' WHERE id = ?1",
            [&t4.id],
        )
        .unwrap();
    store
        .connection()
        .execute("UPDATE tasks SET owner = '' WHERE id = ?1", [&t5.id])
        .unwrap();
    // A done one is not reminded.
    let mut t6 = task(
        None,
        TaskKind::Other,
        local(&tz, 2025, 6, 10, 13, 0).to_utc(),
    );
    t6.remind_offset_minutes = Some(0);
    let t6 = store.create_task(t6, &now).unwrap();
    store.complete_task(&t6.id, &now).unwrap();

    let to = now + chrono::Duration::days(1);
    let r = store.upcoming_reminders(&now, &to, 100).unwrap();
    let got: Vec<(&str, &str)> = r
        .iter()
        .map(|r| (r.task_id.as_deref().unwrap(), r.at.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (t2.id.as_str(), "2025-06-10T07:00:00.000Z"),
            (t1.id.as_str(), "2025-06-10T07:45:00.000Z"),
            (t5.id.as_str(), "2025-06-10T10:00:00.000Z"),
        ]
    );
    assert_eq!(r[1].target, ReminderTarget::Client);
    assert_eq!(r[1].client_name.as_deref(), Some("Petrenko Ivan"));
    assert_eq!(r[1].task_kind, Some(TaskKind::Call));
    assert_eq!(r[1].due_at.as_deref(), Some("2025-06-10T08:00:00.000Z"));
    assert_eq!(r[0].target, ReminderTarget::Today);
    assert_eq!(r[0].title, "Prepare the offer");
    assert_eq!(r[1].id, format!("task:{}:2025-06-10T08:00:00.000Z", t1.id));
    assert!(r.iter().all(|x| x.num >= 0));
    // The window is [from, to): from the reminder's own instant it is included, up to it excluded.
    let at1 = chrono::DateTime::parse_from_rfc3339(&r[1].at).unwrap();
    assert_eq!(
        store.upcoming_reminders(&at1, &to, 100).unwrap()[0].task_id,
        r[1].task_id
    );
    assert_eq!(store.upcoming_reminders(&now, &at1, 100).unwrap().len(), 1);
    // Limit and empty windows.
    assert_eq!(store.upcoming_reminders(&now, &to, 2).unwrap().len(), 2);
    assert!(store.upcoming_reminders(&to, &now, 10).unwrap().is_empty());
    // Snoozing moves the reminder (and its id).
    store
        .snooze_task(&t1.id, &local(&tz, 2025, 6, 10, 14, 0).to_rfc3339())
        .unwrap();
    let r = store.upcoming_reminders(&now, &to, 100).unwrap();
    let moved = r
        .iter()
        .find(|x| x.task_id.as_deref() == Some(t1.id.as_str()))
        .unwrap();
    assert_eq!(moved.at, "2025-06-10T11:45:00.000Z");
    // A deleted client's task is not reminded.
    store.delete_client(&c.id).unwrap();
    let r = store.upcoming_reminders(&now, &to, 100).unwrap();
    assert!(r
        .iter()
        .all(|x| x.task_id.as_deref() != Some(t1.id.as_str())));
}

#[test]
fn birthday_reminders_before_and_on_the_day_across_dst() {
    let tz = Kyiv;
    let from = local(&tz, 2025, 3, 27, 0, 0);
    let (_d, mut store, _c) = open_at(from.to_utc());
    // 29 March (UTC+2) and 31 March (UTC+3, after the change on the 30th).
    let a = add(
        &mut store,
        person("Before", "Change"),
        bday(29, 3, Some(1985)),
    );
    let b = add(&mut store, person("After", "Change"), bday(31, 3, None));
    let to = local(&tz, 2025, 4, 1, 0, 0);
    let r = store.upcoming_reminders(&from, &to, 100).unwrap();
    let got: Vec<(&str, &str, u32)> = r
        .iter()
        .map(|x| {
            (
                x.client_id.as_deref().unwrap(),
                x.at.as_str(),
                x.days_before,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (a.id.as_str(), "2025-03-28T07:00:00.000Z", 1),
            (a.id.as_str(), "2025-03-29T07:00:00.000Z", 0),
            (b.id.as_str(), "2025-03-30T06:00:00.000Z", 1),
            (b.id.as_str(), "2025-03-31T06:00:00.000Z", 0),
        ]
    );
    assert_eq!(r[0].kind, ReminderKind::Birthday);
    assert_eq!(r[0].birthday.as_deref(), Some("2025-03-29"));
    assert_eq!(r[0].age, Some(40));
    assert_eq!(r[0].title, "Change Before");
    assert_eq!(r[0].target, ReminderTarget::Client);
    assert_eq!(r[0].id, format!("birthday:{}:2025-03-29:1", a.id));
    // Three days before at 08:30 (a setting), and a morning time inside the DST gap (03:30 on the
    // 30th does not exist: 04:30).
    store
        .set_reminder_settings(ReminderSettings {
            birthday_days_before: 0,
            birthday_time: "03:30".into(),
            cyrillic_language: String::new(),
        })
        .unwrap();
    let c = add(&mut store, person("Gap", "Day"), bday(30, 3, None));
    let r = store.upcoming_reminders(&from, &to, 100).unwrap();
    let gap = r
        .iter()
        .find(|x| x.client_id.as_deref() == Some(c.id.as_str()))
        .unwrap();
    assert_eq!(gap.at, "2025-03-30T01:30:00.000Z");
    assert_eq!(r.len(), 3, "days_before 0: only on the day");
    store
        .set_reminder_settings(ReminderSettings {
            birthday_days_before: 3,
            birthday_time: "08:30".into(),
            cyrillic_language: String::new(),
        })
        .unwrap();
    let r = store.upcoming_reminders(&from, &to, 100).unwrap();
    let of_b: Vec<(&str, u32)> = r
        .iter()
        .filter(|x| x.client_id.as_deref() == Some(b.id.as_str()))
        .map(|x| (x.at.as_str(), x.days_before))
        .collect();
    assert_eq!(
        of_b,
        [
            ("2025-03-28T06:30:00.000Z", 3),
            ("2025-03-31T05:30:00.000Z", 0)
        ]
    );
    // Congratulated: no more reminders for that birthday.
    store
        .congratulate(&b.id, None, None, "", &local(&tz, 2025, 3, 27, 12, 0))
        .unwrap();
    let r = store.upcoming_reminders(&from, &to, 100).unwrap();
    assert!(r
        .iter()
        .all(|x| x.client_id.as_deref() != Some(b.id.as_str())));
}

#[test]
fn birthday_reminders_for_29_february_and_year_end() {
    let tz = east(0);
    let (_d, mut store, _c) = open_at(utc(2025, 1, 1, 0, 0));
    let leap = add(&mut store, person("Leap", "Ling"), bday(29, 2, None));
    let jan1 = add(&mut store, person("New", "Year"), bday(1, 1, None));
    // Non-leap year: on the 28th, and the day before on the 27th.
    let r = store
        .upcoming_reminders(
            &local(&tz, 2025, 2, 1, 0, 0),
            &local(&tz, 2025, 3, 5, 0, 0),
            10,
        )
        .unwrap();
    let got: Vec<(&str, &str)> = r
        .iter()
        .map(|x| (x.at.as_str(), x.birthday.as_deref().unwrap()))
        .collect();
    assert_eq!(
        got,
        [
            ("2025-02-27T09:00:00.000Z", "2025-02-28"),
            ("2025-02-28T09:00:00.000Z", "2025-02-28"),
        ]
    );
    assert!(r
        .iter()
        .all(|x| x.client_id.as_deref() == Some(leap.id.as_str())));
    // Leap year: on the 29th.
    let r = store
        .upcoming_reminders(
            &local(&tz, 2028, 2, 1, 0, 0),
            &local(&tz, 2028, 3, 5, 0, 0),
            10,
        )
        .unwrap();
    assert_eq!(r[1].at, "2028-02-29T09:00:00.000Z");
    // Over the year end: 31 December (the day before) and 1 January.
    let r = store
        .upcoming_reminders(
            &local(&tz, 2025, 12, 30, 12, 0),
            &local(&tz, 2026, 1, 2, 0, 0),
            10,
        )
        .unwrap();
    let got: Vec<(&str, &str, u32)> = r
        .iter()
        .map(|x| (x.at.as_str(), x.birthday.as_deref().unwrap(), x.days_before))
        .collect();
    assert_eq!(
        got,
        [
            ("2025-12-31T09:00:00.000Z", "2026-01-01", 1),
            ("2026-01-01T09:00:00.000Z", "2026-01-01", 0),
        ]
    );
    assert!(r
        .iter()
        .all(|x| x.client_id.as_deref() == Some(jan1.id.as_str())));
}

#[test]
fn birthday_and_cadence_sections_page_after_a_small_first_answer() {
    let tz = east(2);
    let now = local(&tz, 2025, 6, 10, 12, 0);
    let (_d, mut store, clock) = open_at(now.to_utc());
    // 13 birthdays over three days (some on the same day, names out of order), one contact person's.
    for (i, (name, day)) in [
        ("Mila", 10),
        ("Anna", 10),
        ("Zoe", 10),
        ("Boris", 10),
        ("Karl", 11),
        ("Dana", 11),
        ("Olga", 11),
        ("Ivan", 13),
        ("Eva", 13),
        ("Lev", 13),
        ("Petr", 13),
        ("Nina", 13),
    ]
    .into_iter()
    .enumerate()
    {
        let mut p = person(name, "B");
        if i == 0 {
            p.contacts = vec![ContactPerson {
                first_name: "Contact".into(),
                last_name: "Person".into(),
                birthday: bday(11, 6, None),
                ..Default::default()
            }];
        }
        add(&mut store, p, bday(day, 6, Some(1980)));
    }
    // 23 clients of category A (30 days) created 31..=53 days ago: all due, most overdue first.
    for k in 0..23u32 {
        clock.set(ms(now.to_utc() - chrono::Duration::days(31 + k as i64)));
        let mut p = person(&format!("C{k:02}"), "X");
        p.category_id = Some(CAT_A.into());
        store.create_client(p).unwrap();
    }
    clock.set(ms(now.to_utc()));

    // The full lists, as the 200-row answer has them.
    let full = store.today(&now).unwrap();
    assert_eq!(full.counts.birthdays, 13);
    assert_eq!(full.birthdays.len(), 13);
    assert_eq!(full.counts.cadence, 23);
    assert_eq!(full.cadence.len(), 23);
    let names: Vec<&str> = full.birthdays.iter().map(|b| b.name.as_str()).collect();
    assert_eq!(&names[..4], ["B Anna", "B Boris", "B Mila", "B Zoe"]);
    assert_eq!(full.cadence[0].name, "X C22");

    // The small first answer: a few rows per section, exact counts.
    let small = store.today_limited(&now, 3).unwrap();
    assert_eq!(small.counts, full.counts);
    assert_eq!(small.birthdays, full.birthdays[..3]);
    assert_eq!(small.cadence, full.cadence[..3]);
    assert_eq!(small.overdue, full.overdue);

    // Pages of any size continue it with nothing lost or repeated.
    for size in [1u32, 2, 3, 5, 8, 50] {
        let mut got = small.birthdays.clone();
        let mut offset = got.len() as u32;
        loop {
            let p = store.today_birthdays(&now, offset, size).unwrap();
            assert_eq!((p.total, p.offset), (13, offset));
            if p.rows.is_empty() {
                break;
            }
            assert!(p.rows.len() <= size as usize);
            offset += p.rows.len() as u32;
            got.extend(p.rows);
        }
        assert_eq!(got, full.birthdays, "birthday pages of {size}");
        let mut got = small.cadence.clone();
        let mut offset = got.len() as u32;
        loop {
            let p = store.today_cadence(&now, offset, size).unwrap();
            assert_eq!((p.total, p.offset), (23, offset));
            if p.rows.is_empty() {
                break;
            }
            offset += p.rows.len() as u32;
            got.extend(p.rows);
        }
        assert_eq!(got, full.cadence, "cadence pages of {size}");
    }
    // The contact person's birthday is on its day, with the organisation's name.
    let p = store.today_birthdays(&now, 4, 4).unwrap();
    assert!(p
        .rows
        .iter()
        .any(|b| b.contact_id.is_some() && b.client_name.as_deref() == Some("B Mila")));
    // Past the end: nothing, the total still exact.
    let p = store.today_cadence(&now, 100, 10).unwrap();
    assert_eq!((p.total, p.rows.len()), (23, 0));
}

#[test]
fn today_commands_take_a_limit_and_page() {
    use chrono::Datelike;
    use clientbase_core::api::{dispatch, App, Platform};
    use serde_json::json;
    let dir = tempfile::tempdir().unwrap();
    let mut app = App::open(dir.path().join("a.db").to_str().unwrap(), Platform::Desktop).unwrap();
    let today = chrono::Local::now().date_naive();
    for k in 0..5 {
        let mut p = person(&format!("P{k}"), "Q");
        p.birthday = bday(today.day() as u8, today.month() as u8, None);
        dispatch(&mut app, "create_client", json!({ "input": p })).unwrap();
    }
    let t = dispatch(&mut app, "today", json!({"limit": 2})).unwrap();
    assert_eq!(t["birthdays"].as_array().unwrap().len(), 2);
    assert_eq!(t["counts"]["birthdays"], 5);
    let p = dispatch(
        &mut app,
        "today_birthdays",
        json!({"offset": 2, "limit": 10}),
    )
    .unwrap();
    assert_eq!(p["total"], 5);
    assert_eq!(p["rows"].as_array().unwrap().len(), 3);
    assert_eq!(p["rows"][0]["name"], "Q P2");
    let p = dispatch(&mut app, "today_cadence", json!({})).unwrap();
    assert_eq!(
        (p["offset"].as_u64(), p["total"].as_u64()),
        (Some(0), Some(0))
    );
    // Without a limit, `today` answers as before (up to 200 rows a section).
    let t = dispatch(&mut app, "today", json!({})).unwrap();
    assert_eq!(t["birthdays"].as_array().unwrap().len(), 5);
}

#[test]
fn a_limited_today_carries_the_first_fifty_tasks_of_a_section_and_exact_counts() {
    use clientbase_core::store::TASK_ROWS_FIRST;
    let tz = east(2);
    let now = local(&tz, 2025, 6, 10, 12, 0);
    let (_d, mut store, _c) = open_at(now.to_utc());
    let ivan = add(&mut store, person("Ivan", "Petrenko"), None);
    // 60 overdue calls, a minute apart, and 3 due later today.
    for k in 0..60 {
        let due = now.to_utc() - chrono::Duration::minutes(61 - k);
        store
            .create_task(task(Some(&ivan.id), TaskKind::Call, due), &now)
            .unwrap();
    }
    for h in [14, 15, 16] {
        let due = local(&tz, 2025, 6, 10, h, 0).to_utc();
        store
            .create_task(task(Some(&ivan.id), TaskKind::Call, due), &now)
            .unwrap();
    }
    let full = store.today(&now).unwrap();
    assert_eq!((full.overdue.len(), full.counts.overdue), (60, 60));
    let small = store.today_limited(&now, 8).unwrap();
    assert_eq!(small.counts, full.counts);
    assert_eq!(small.overdue.len(), TASK_ROWS_FIRST);
    // The oldest first, as in the full answer.
    assert_eq!(small.overdue, full.overdue[..TASK_ROWS_FIRST]);
    assert_eq!(small.due_today, full.due_today);
    assert_eq!(small.due_today.len(), 3);
}
