mod common;
use clientbase_core::api::{self, dispatch, ActionKind, App, Platform};
use serde_json::json;

fn app() -> (tempfile::TempDir, App) {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(dir.path().join("a.db").to_str().unwrap(), Platform::Android).unwrap();
    (dir, app)
}

#[test]
fn dispatch_round_trip() {
    let (_d, mut app) = app();
    let info = dispatch(&mut app, "app_info", json!({})).unwrap();
    assert_eq!(
        info["schema_version"],
        clientbase_core::migrations::SCHEMA_VERSION
    );
    assert_eq!(info["platform"], "android");
    let created = dispatch(
        &mut app,
        "create_client",
        json!({"input": {"kind": "person", "first_name": "Олена", "last_name": "Шевченко", "middle_name": "",
            "org_name": "", "phones": [{"kind": "mobile", "raw": "067 123 45 67"}], "emails": [], "messengers": [],
            "website": "", "address": {"street": "", "city": "Львів", "region": "", "postal_code": "", "country": "UA"},
            "notes": "", "hobbies": "", "tags": ["vip"], "source": "", "call_time": "", "contacts": [], "custom": {}}}),
    )
    .unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    let card = dispatch(&mut app, "get_client", json!({"id": id})).unwrap();
    assert_eq!(card["client"]["first_name"], "Олена");
    assert_eq!(card["actions"][0]["url"], "tel:+380671234567");
    let page = dispatch(&mut app, "list_clients", json!({"query": {"text": "шевч", "category_ids": [], "sort": "name", "offset": 0, "limit": 50}})).unwrap();
    assert_eq!(page["total"], 1);
    assert_eq!(page["rows"][0]["phone"], "+380 67 123 4567");
    let dup = dispatch(
        &mut app,
        "check_duplicates",
        json!({"input": created, "exclude": null}),
    )
    .unwrap();
    assert_eq!(dup[0]["reason"], "phone");
    let phone = dispatch(
        &mut app,
        "check_phone",
        json!({"raw": "6912345678", "country": "GR"}),
    )
    .unwrap();
    assert_eq!(phone["e164"], "+306912345678");
    assert_eq!(
        dispatch(&mut app, "list_tags", json!({})).unwrap(),
        json!(["vip"])
    );
    assert_eq!(
        dispatch(&mut app, "list_cities", json!(null)).unwrap(),
        json!(["Львів"])
    );
    dispatch(&mut app, "delete_client", json!({"id": id})).unwrap();
    assert_eq!(
        dispatch(&mut app, "stats", json!({})).unwrap()["deleted_clients"],
        1
    );
    dispatch(&mut app, "restore_client", json!({"id": id})).unwrap();
    let s = dispatch(&mut app, "load_demo", json!({"count": 20})).unwrap();
    assert_eq!(s["demo_clients"], 20);
    let s = dispatch(&mut app, "clear_demo", json!({})).unwrap();
    assert_eq!(s["clients"], 1);
    let cats = dispatch(&mut app, "list_categories", json!({})).unwrap();
    assert_eq!(cats.as_array().unwrap().len(), 4);
    let cat = dispatch(&mut app, "save_category", json!({"category": {"id": "", "code": "E", "name": "export", "color": "#AABBCC", "position": 4}})).unwrap();
    assert_eq!(cat["color"], "#aabbcc");
    dispatch(&mut app, "delete_category", json!({"id": cat["id"]})).unwrap();
    let f = dispatch(&mut app, "save_custom_field", json!({"field": {"id": "", "name": "Volume", "kind": "number", "options": [], "position": 0}})).unwrap();
    assert_eq!(
        dispatch(&mut app, "list_custom_fields", json!({})).unwrap()[0]["name"],
        "Volume"
    );
    dispatch(&mut app, "delete_custom_field", json!({"id": f["id"]})).unwrap();
    let s = dispatch(
        &mut app,
        "set_settings",
        json!({"settings": {"language": "uk", "default_country": "ua", "user_name": "Rep"}}),
    )
    .unwrap();
    assert_eq!(s["default_country"], "UA");
    assert_eq!(
        dispatch(&mut app, "get_settings", json!({})).unwrap()["language"],
        "uk"
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

#[test]
fn dispatch_errors() {
    let (_d, mut app) = app();
    assert_eq!(
        dispatch(&mut app, "nope", json!({})).unwrap_err().code,
        "bad_request"
    );
    assert_eq!(
        dispatch(&mut app, "get_client", json!({}))
            .unwrap_err()
            .code,
        "bad_request"
    );
    assert_eq!(
        dispatch(&mut app, "get_client", json!({"id": 5}))
            .unwrap_err()
            .code,
        "bad_request"
    );
    assert_eq!(
        dispatch(&mut app, "get_client", json!({"id": "x"}))
            .unwrap_err()
            .code,
        "not_found"
    );
    assert_eq!(
        dispatch(&mut app, "get_client", json!([1]))
            .unwrap_err()
            .code,
        "bad_request"
    );
    let e = dispatch(&mut app, "create_client", json!({"input": {"kind": "organization", "first_name": "", "last_name": "",
        "middle_name": "", "org_name": " ", "phones": [], "emails": [{"label": "", "address": "x@"}], "messengers": [],
        "website": "", "address": {"street": "", "city": "", "region": "", "postal_code": "", "country": ""}, "notes": "",
        "hobbies": "", "tags": [], "source": "", "call_time": "", "contacts": [], "custom": {}}}))
    .unwrap_err();
    assert_eq!(e.code, "validation");
    let codes: Vec<&str> = e.fields.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(codes, ["name_required", "email_invalid"]);
    let e = dispatch(
        &mut app,
        "set_settings",
        json!({"settings": {"language": "xx", "default_country": "ZZ", "user_name": ""}}),
    )
    .unwrap_err();
    assert_eq!(e.fields.len(), 2);
}

#[test]
fn card_actions_for_ios() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = App::open(dir.path().join("a.db").to_str().unwrap(), Platform::Ios).unwrap();
    let mut input = common::person("Emily", "Clarke", "+1 201-555-0123");
    input.address.city = "New York".into();
    input.messengers.push(clientbase_core::model::Messenger {
        kind: clientbase_core::model::MessengerKind::Telegram,
        handle: "@emily_c".into(),
    });
    let c = api::create_client(&mut app, input).unwrap();
    let card = api::get_client(&mut app, c.id).unwrap();
    let map = card
        .actions
        .iter()
        .find(|a| a.kind == ActionKind::Map)
        .unwrap();
    assert_eq!(map.url, "https://maps.apple.com/?q=New%20York");
    assert!(card.actions.iter().any(|a| a.url == "https://t.me/emily_c"));
    assert!(card
        .actions
        .iter()
        .any(|a| a.url == "https://wa.me/12015550123"));
}

/// `boot` answers with what the separate calls answer, Today with the asked-for rows a section.
#[test]
fn boot_is_the_first_screens_calls_in_one() {
    let (_d, mut app) = app();
    api::load_demo(&mut app, 300).unwrap();
    let boot = dispatch(&mut app, "boot", json!({"limit": 3})).unwrap();
    let each = |app: &mut App, cmd: &str, args| dispatch(app, cmd, args).unwrap();
    assert_eq!(boot["settings"], each(&mut app, "get_settings", json!({})));
    assert_eq!(boot["stats"], each(&mut app, "stats", json!({})));
    assert_eq!(boot["stats"]["clients"], 300);
    assert_eq!(
        boot["categories"],
        each(&mut app, "list_categories", json!({}))
    );
    assert_eq!(
        boot["custom_fields"],
        each(&mut app, "list_custom_fields", json!({}))
    );
    assert_eq!(
        boot["interaction_kinds"],
        each(&mut app, "list_interaction_kinds", json!({}))
    );
    assert_eq!(
        boot["interaction_outcomes"],
        each(&mut app, "list_interaction_outcomes", json!({}))
    );
    assert_eq!(boot["today"], each(&mut app, "today", json!({"limit": 3})));
    assert!(boot.get("today_error").is_none_or(|e| e.is_null()));
    // Without a limit, Today's sections are whole (as `today` without one).
    let whole = dispatch(&mut app, "boot", json!({})).unwrap();
    assert_eq!(whole["today"], each(&mut app, "today", json!({})));
}
