//! Orders and client value through the store and the command API, on real SQLite files: CRUD and
//! its change log, statuses, settings, card totals, lost clients, the analyses against hand
//! computations, the list filtered by a result's group, the CSV export, charts, demo orders.

mod common;

use clientbase_core::api::{self, App, Platform};
use clientbase_core::hlc::FixedClock;
use clientbase_core::model::*;
use clientbase_core::orders_api;
use clientbase_core::orders_model::*;
use clientbase_core::store::orders::{STATUS_CANCELLED, STATUS_DELIVERED, STATUS_NEW};
use clientbase_core::Store;
use common::*;
use serde_json::{json, Value};

/// 2026-06-15 12:00 UTC: the same local date in every zone within ±11 h.
fn noon(date: &str) -> i64 {
    chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .unwrap()
        .and_hms_opt(12, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp_millis()
}

fn open_at(date: &str) -> (tempfile::TempDir, Store, FixedClock) {
    let dir = tempfile::tempdir().unwrap();
    let clock = FixedClock::new(noon(date));
    let store = Store::open_with_clock(&db_path(&dir), Box::new(clock.clone())).unwrap();
    (dir, store, clock)
}

fn client(s: &mut Store, first: &str, last: &str) -> String {
    s.create_client(person(first, last, "")).unwrap().id
}

fn order(s: &mut Store, c: &str, date: &str, amount: i64) -> Order {
    s.create_order(&OrderInput {
        client_id: c.into(),
        date: date.into(),
        amount,
        status_id: Some(STATUS_DELIVERED.into()),
        ..Default::default()
    })
    .unwrap()
}

fn log_rows(s: &Store, id: &str) -> Vec<(String, Value)> {
    s.change_log_for(id)
        .unwrap()
        .into_iter()
        .map(|(_, op, f)| (op, f))
        .collect()
}

#[test]
fn schema_seeds_statuses_and_settings() {
    let (_d, s, _) = open_at("2026-06-15");
    let st = s.order_statuses().unwrap();
    let codes: Vec<&str> = st.iter().map(|x| x.code.as_str()).collect();
    assert_eq!(codes, ["new", "paid", "shipped", "delivered", "cancelled"]);
    assert!(st.iter().all(|x| x.counts == (x.code != "cancelled")));
    let set = s.order_settings().unwrap();
    assert_eq!(set.currency, "USD");
    assert_eq!(
        (set.tier_silver, set.tier_gold, set.tier_platinum),
        (100_000, 500_000, 1_000_000)
    );
    assert_eq!(set.lost_client_days, 90);
    assert_eq!((set.abc_a_percent, set.abc_b_percent), (80.0, 95.0));
    assert_eq!(set.vip_top_percent, 20.0);
}

#[test]
fn order_crud_is_logged_in_the_same_transaction() {
    let (_d, mut s, clock) = open_at("2026-06-15");
    let c = client(&mut s, "Ann", "Lee");
    let o = s
        .create_order(&OrderInput {
            client_id: c.clone(),
            date: "2026-06-01".into(),
            amount: 12_345,
            items: vec![OrderItem {
                name: "Tea".into(),
                quantity: 2.0,
                price: 6_000,
            }],
            note: " first ".into(),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(o.currency, "USD");
    assert_eq!(o.status_id.as_deref(), Some(STATUS_NEW));
    assert_eq!(o.note, "first");
    assert_eq!(s.get_order(&o.id).unwrap(), o);
    let log = log_rows(&s, &o.id);
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].0, "insert");
    assert_eq!(log[0].1["amount"], 12_345);
    assert_eq!(log[0].1["client_id"], c.as_str());
    assert_eq!(log[0].1["kind"], "order");

    // An edit logs only what changed (and updated_at).
    let mut input = OrderInput {
        client_id: c.clone(),
        date: "2026-06-01".into(),
        amount: 20_000,
        items: o.items.clone(),
        note: "first".into(),
        status_id: o.status_id.clone(),
        ..Default::default()
    };
    clock.set(noon("2026-06-15") + 60_000);
    let o2 = s.update_order(&o.id, &input).unwrap();
    assert_ne!(o2.updated_at, o.updated_at);
    assert_eq!(o2.amount, 20_000);
    let log = log_rows(&s, &o.id);
    assert_eq!(log.len(), 2);
    assert_eq!(log[1].0, "update");
    let keys: Vec<&String> = log[1].1.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["amount", "updated_at"]);
    // The same input again writes nothing.
    s.update_order(&o.id, &input).unwrap();
    assert_eq!(log_rows(&s, &o.id).len(), 2);
    // The client of an order cannot change.
    input.client_id = client(&mut s, "Bob", "Ray");
    assert!(s.update_order(&o.id, &input).is_err());

    let d = s.delete_order(&o.id).unwrap();
    assert!(d.deleted_at.is_some());
    assert_eq!(s.list_orders(&c, 0, 0).unwrap().total, 0);
    s.restore_order(&o.id).unwrap();
    assert_eq!(s.list_orders(&c, 0, 0).unwrap().total, 1);
    let ops: Vec<String> = log_rows(&s, &o.id).into_iter().map(|r| r.0).collect();
    assert_eq!(ops, ["insert", "update", "delete", "restore"]);
}

#[test]
fn invalid_orders_come_back_as_field_codes() {
    let (_d, mut s, _) = open_at("2026-06-15");
    let c = client(&mut s, "Ann", "Lee");
    let err = s
        .create_order(&OrderInput {
            client_id: "nope".into(),
            date: "2026-02-30".into(),
            amount: -1,
            currency: Some("usd1".into()),
            status_id: Some("unknown".into()),
            ..Default::default()
        })
        .unwrap_err();
    let clientbase_core::StoreError::Validation(fields) = err else {
        panic!("{err:?}")
    };
    let codes: Vec<(String, String)> = fields.into_iter().map(|f| (f.field, f.code)).collect();
    assert_eq!(
        codes,
        [
            ("client_id".into(), "client_not_found".into()),
            ("date".into(), "date_invalid".into()),
            ("amount".into(), "amount_invalid".into()),
            ("currency".into(), "currency_invalid".into()),
            ("status_id".into(), "status_not_found".into()),
        ]
    );
    // A deleted client takes no orders.
    s.delete_client(&c).unwrap();
    assert!(s
        .create_order(&OrderInput {
            client_id: c,
            date: "2026-06-01".into(),
            amount: 1,
            ..Default::default()
        })
        .is_err());
}

#[test]
fn statuses_are_editable_and_logged() {
    let (_d, mut s, _) = open_at("2026-06-15");
    let added = s
        .save_order_status(OrderStatus {
            id: String::new(),
            code: "hacked".into(),
            name: "Returned".into(),
            position: 9,
            archived: false,
            counts: false,
        })
        .unwrap();
    assert_eq!(added.code, "", "a new status has no code");
    assert_eq!(log_rows(&s, &added.id)[0].0, "insert");
    let mut seeded = s.order_statuses().unwrap()[0].clone();
    seeded.name = "Нове".into();
    let renamed = s.save_order_status(seeded).unwrap();
    assert_eq!(renamed.code, "new");
    assert_eq!(log_rows(&s, STATUS_NEW)[0].1, json!({"name": "Нове"}));
    let archived = s.delete_order_status(&added.id).unwrap();
    assert!(archived.archived);
    assert_eq!(s.order_statuses().unwrap().len(), 6);
}

#[test]
fn card_totals_by_hand() {
    let (_d, mut s, _) = open_at("2026-06-15");
    let c = client(&mut s, "Ann", "Lee");
    let empty = s.client_totals(&c).unwrap();
    assert_eq!(empty.order_count, 0);
    assert_eq!(empty.average_check, None);
    assert_eq!(empty.tier, Tier::None);
    assert_eq!(empty.to_next_tier, Some(100_000));

    order(&mut s, &c, "2026-01-10", 60_000);
    order(&mut s, &c, "2026-03-05", 90_001);
    // Cancelled: not counted.
    s.create_order(&OrderInput {
        client_id: c.clone(),
        date: "2026-06-01".into(),
        amount: 1_000_000,
        status_id: Some(STATUS_CANCELLED.into()),
        ..Default::default()
    })
    .unwrap();
    // Deleted: not counted.
    let gone = order(&mut s, &c, "2026-06-02", 5_000_000);
    s.delete_order(&gone.id).unwrap();
    // A payment and an order in another currency.
    s.create_order(&OrderInput {
        client_id: c.clone(),
        kind: OrderKind::Payment,
        date: "2026-03-06".into(),
        amount: 50_000,
        ..Default::default()
    })
    .unwrap();
    s.create_order(&OrderInput {
        client_id: c.clone(),
        date: "2026-04-01".into(),
        amount: 7_000,
        currency: Some("eur".into()),
        ..Default::default()
    })
    .unwrap();

    let t = s.client_totals(&c).unwrap();
    assert_eq!(t.currency, "USD");
    assert_eq!(t.first_purchase.as_deref(), Some("2026-01-10"));
    assert_eq!(t.last_order.as_deref(), Some("2026-03-05"));
    assert_eq!(t.order_count, 2);
    assert_eq!(t.total, 150_001);
    // 150001 / 2 = 75000.5 → 75001 (rounded half away from zero)
    assert_eq!(t.average_check, Some(75_001));
    assert_eq!((t.payment_count, t.payments_total), (1, 50_000));
    assert_eq!(t.last_payment.as_deref(), Some("2026-03-06"));
    assert_eq!(t.tier, Tier::Silver);
    assert_eq!(t.next_tier, Some(Tier::Gold));
    assert_eq!(t.to_next_tier, Some(500_000 - 150_001));
    // 2026-03-05 → 2026-06-15: 26 + 30 + 31 + 15 = 102 days.
    assert_eq!(t.days_since_last_order, Some(102));
    assert_eq!(
        t.other_currencies,
        [CurrencyTotal {
            currency: "EUR".into(),
            total: 7_000,
            count: 1
        }]
    );
    // Tier thresholds are settings.
    let mut set = s.order_settings().unwrap();
    set.tier_silver = 200_000;
    s.set_order_settings(set).unwrap();
    assert_eq!(s.client_totals(&c).unwrap().tier, Tier::None);
}

#[test]
fn settings_are_validated_and_logged() {
    let (_d, mut s, _) = open_at("2026-06-15");
    let mut set = s.order_settings().unwrap();
    set.tier_gold = 50; // below silver
    set.abc_b_percent = 70.0; // below A
    set.lost_client_days = 0;
    set.currency = "dollars".into();
    let clientbase_core::StoreError::Validation(f) = s.set_order_settings(set).unwrap_err() else {
        panic!()
    };
    let fields: Vec<&str> = f.iter().map(|x| x.field.as_str()).collect();
    assert_eq!(
        fields,
        ["currency", "tier_gold", "lost_client_days", "abc_b_percent"]
    );
    let mut set = s.order_settings().unwrap();
    set.currency = "uah".into();
    set.lost_client_days = 30;
    let saved = s.set_order_settings(set).unwrap();
    assert_eq!(saved.currency, "UAH");
    assert_eq!(s.order_settings().unwrap(), saved);
    assert_eq!(log_rows(&s, "order_currency")[0].1, json!({"value": "UAH"}));
    assert_eq!(
        log_rows(&s, "lost_client_days")[0].1,
        json!({"value": "30"})
    );
    assert!(log_rows(&s, "tier_gold").is_empty());
}

/// Five clients with revenue 50, 30, 10, 5, 5 (× 1000 minor units) in 2026, and one who bought
/// only in 2025.
fn abc_base() -> (tempfile::TempDir, Store, Vec<String>) {
    let (d, mut s, _) = open_at("2026-06-15");
    let ids: Vec<String> = ["A1", "A2", "B1", "B2", "B3", "Old"]
        .iter()
        .map(|n| client(&mut s, n, "Test"))
        .collect();
    // A1: two orders 20k + 30k = 50k.
    order(&mut s, &ids[0], "2026-01-05", 20_000);
    order(&mut s, &ids[0], "2026-05-20", 30_000);
    order(&mut s, &ids[1], "2026-02-01", 30_000);
    order(&mut s, &ids[2], "2026-03-01", 10_000);
    order(&mut s, &ids[3], "2026-04-01", 5_000);
    order(&mut s, &ids[4], "2026-06-10", 5_000);
    order(&mut s, &ids[5], "2025-03-01", 99_000);
    (d, s, ids)
}

fn q(kind: AnalysisKind, from: &str) -> AnalysisQuery {
    AnalysisQuery {
        kind,
        from: Some(from.into()),
        to: Some("2026-06-15".into()),
        limit: 100,
        ..Default::default()
    }
}

#[test]
fn abc_over_a_period_by_hand_and_the_list_filter() {
    let (_d, mut s, ids) = abc_base();
    let r = s.analysis(&q(AnalysisKind::Abc, "2026-01-01")).unwrap();
    assert_eq!(r.clients, 5, "the 2025 buyer is outside the period");
    assert_eq!(r.total_value, 100_000.0);
    // Before each: 0, 50, 80, 90, 90 → A, A, B, B, B.
    let group = |id: &str| r.rows.iter().find(|x| x.client_id == id).unwrap();
    assert_eq!(group(&ids[0]).group, "A");
    assert_eq!(group(&ids[0]).count, 2);
    assert_eq!(group(&ids[0]).first_purchase.as_deref(), Some("2026-01-05"));
    assert_eq!(group(&ids[1]).group, "A");
    for id in &ids[2..5] {
        assert_eq!(group(id).group, "B");
    }
    assert_eq!(group(&ids[1]).cumulative, Some(80.0));
    let sums: Vec<(String, u32, f64)> = r
        .groups
        .iter()
        .map(|g| (g.group.clone(), g.clients, g.share))
        .collect();
    assert_eq!(
        sums,
        [
            ("A".into(), 2, 80.0),
            ("B".into(), 3, 20.0),
            ("C".into(), 0, 0.0)
        ]
    );
    // Rows sorted by value, largest first; paging.
    assert_eq!(r.rows[0].client_id, ids[0]);
    assert_eq!(r.rows[0].name, "Test A1");
    let page = s
        .analysis(&AnalysisQuery {
            group: Some("B".into()),
            offset: 1,
            limit: 1,
            ..q(AnalysisKind::Abc, "2026-01-01")
        })
        .unwrap();
    assert_eq!((page.total_rows, page.rows.len()), (3, 1));

    // The client list filtered by the A group.
    let seg = SegmentFilter {
        kind: AnalysisKind::Abc,
        metric: Metric::Revenue,
        from: Some("2026-01-01".into()),
        to: Some("2026-06-15".into()),
        group: "A".into(),
    };
    let list = s
        .list_clients(&ListQuery {
            segment: Some(seg.clone()),
            ..Default::default()
        })
        .unwrap();
    let mut got: Vec<String> = list.rows.iter().map(|c| c.id.clone()).collect();
    got.sort();
    let mut want = vec![ids[0].clone(), ids[1].clone()];
    want.sort();
    assert_eq!((list.total, got), (2, want));
    // Text search within the segment.
    let list = s
        .list_clients(&ListQuery {
            text: "A2".into(),
            segment: Some(seg.clone()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(list.total, 1);
    assert_eq!(list.rows[0].id, ids[1]);
    // The export of the filtered list has the same clients.
    let all = s
        .query_clients(&ListQuery {
            segment: Some(seg),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(all.len(), 2);

    // A new order changes the result (the in-memory orders are dropped on write).
    order(&mut s, &ids[4], "2026-06-11", 200_000);
    let r = s.analysis(&q(AnalysisKind::Abc, "2026-01-01")).unwrap();
    assert_eq!(r.rows[0].client_id, ids[4]);
    // A deleted client leaves the analyses.
    s.delete_client(&ids[4]).unwrap();
    let r = s.analysis(&q(AnalysisKind::Abc, "2026-01-01")).unwrap();
    assert_eq!(r.clients, 4);
}

#[test]
fn vip_split_counts_the_clients_who_did_not_buy() {
    let (_d, mut s, ids) = abc_base();
    let mut set = s.order_settings().unwrap();
    set.vip_top_percent = 20.0;
    s.set_order_settings(set).unwrap();
    // May–June 2026: buyers A1 (30k on 05-20) and B3 (5k); top 20 % of 2 buyers = 1 client.
    let r = s.analysis(&q(AnalysisKind::Vip, "2026-05-01")).unwrap();
    let g: Vec<(String, u32)> = r
        .groups
        .iter()
        .map(|g| (g.group.clone(), g.clients))
        .collect();
    assert_eq!(
        g,
        [
            ("vip".into(), 1),
            ("regular".into(), 1),
            ("other".into(), 4)
        ]
    );
    assert_eq!(r.clients, 6);
    let vip = s
        .analysis(&AnalysisQuery {
            group: Some("vip".into()),
            ..q(AnalysisKind::Vip, "2026-05-01")
        })
        .unwrap();
    assert_eq!(vip.rows[0].client_id, ids[0]);
    let other = s
        .analysis(&AnalysisQuery {
            group: Some("other".into()),
            ..q(AnalysisKind::Vip, "2026-05-01")
        })
        .unwrap();
    assert_eq!(other.total_rows, 4);
    assert!(other
        .rows
        .iter()
        .all(|r| r.value == 0.0 && r.group == "other"));
    let list = s
        .list_clients(&ListQuery {
            segment: Some(SegmentFilter {
                kind: AnalysisKind::Vip,
                from: Some("2026-05-01".into()),
                to: Some("2026-06-15".into()),
                group: "other".into(),
                ..Default::default()
            }),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(list.total, 4);
}

#[test]
fn rfm_and_value_score_by_hand() {
    let (_d, mut s, ids) = abc_base();
    let r = s.analysis(&q(AnalysisKind::Rfm, "2026-01-01")).unwrap();
    let row = |id: &str| r.rows.iter().find(|x| x.client_id == id).unwrap().clone();
    // Five buyers. Recency days to 2026-06-15: A1 26 (05-20), A2 134, B1 106, B2 75, B3 5.
    // R: strictly worse (larger) than 5 → 4 → 5; than 26 → 3 → 4; 75 → 2 → 3; 106 → 1 → 2; 134 → 1.
    // F: counts 2, 1, 1, 1, 1 → the four 1s score 1, the 2 has 4 below → 5.
    // M: 50k, 30k, 10k, 5k, 5k → 5k 1 (0 below), 10k 3 (2 below), 30k 4, 50k 5.
    assert_eq!(
        (row(&ids[0]).r, row(&ids[0]).f, row(&ids[0]).m),
        (Some(4), Some(5), Some(5))
    );
    assert_eq!(
        (row(&ids[1]).r, row(&ids[1]).f, row(&ids[1]).m),
        (Some(1), Some(1), Some(4))
    );
    assert_eq!((row(&ids[2]).r, row(&ids[2]).m), (Some(2), Some(3)));
    assert_eq!((row(&ids[3]).r, row(&ids[3]).m), (Some(3), Some(1)));
    assert_eq!((row(&ids[4]).r, row(&ids[4]).f), (Some(5), Some(1)));
    // Segments: (4,5) loyal, (1,1) lost, (2,1) hibernating, (3,1) about to sleep, (5,1) new.
    assert_eq!(row(&ids[0]).group, "loyal");
    assert_eq!(row(&ids[1]).group, "lost");
    assert_eq!(row(&ids[2]).group, "hibernating");
    assert_eq!(row(&ids[3]).group, "about_to_sleep");
    assert_eq!(row(&ids[4]).group, "new_customers");

    let v = s.analysis(&q(AnalysisKind::Value, "2026-01-01")).unwrap();
    let row = |id: &str| v.rows.iter().find(|x| x.client_id == id).unwrap().clone();
    // Average checks 25k, 30k, 10k, 5k, 5k → quartiles (n = 5): 5k 1, 10k 1+floor(8/5) = 2,
    // 25k 1+floor(12/5) = 3, 30k 1+floor(16/5) = 4. Frequencies 2, 1, 1, 1, 1.
    // A1: 2/12 + 3/8 = 0.5417 middle; A2: 1/12 + 4/8 = 0.5833 middle; B1: 1/12 + 2/8 low.
    assert_eq!((row(&ids[0]).f, row(&ids[0]).m), (Some(2), Some(3)));
    assert_eq!(row(&ids[0]).group, "middle");
    assert_eq!(row(&ids[1]).group, "middle");
    assert_eq!(row(&ids[2]).group, "low");
    assert!((row(&ids[1]).score.unwrap() - (1.0 / 12.0 + 0.5)).abs() < 1e-12);
}

#[test]
fn tiers_lost_clients_and_charts() {
    let (_d, mut s, ids) = abc_base();
    let t = s.analysis(&q(AnalysisKind::Tier, "2025-01-01")).unwrap();
    let g: Vec<(String, u32)> = t
        .groups
        .iter()
        .map(|g| (g.group.clone(), g.clients))
        .collect();
    // Revenue 50k, 30k, 10k, 5k, 5k, 99k: all below silver (100k).
    assert_eq!(
        g,
        [
            ("platinum".into(), 0),
            ("gold".into(), 0),
            ("silver".into(), 0),
            ("none".into(), 6)
        ]
    );

    // Lost after 90 days (to 2026-06-15, cut-off 2026-03-17): A2 (02-01), B1 (03-01), Old.
    let lost = s.lost_clients(&LostQuery::default()).unwrap();
    assert_eq!(lost.days, 90);
    let got: Vec<(&str, i64, u32)> = lost
        .rows
        .iter()
        .map(|r| (r.client_id.as_str(), r.total, r.days_since))
        .collect();
    assert_eq!(
        got,
        [
            (ids[5].as_str(), 99_000, 471),
            (ids[1].as_str(), 30_000, 134),
            (ids[2].as_str(), 10_000, 106)
        ]
    );
    assert_eq!(lost.rows[0].last_order, "2025-03-01");
    let by_date = s
        .lost_clients(&LostQuery {
            days: Some(100),
            sort: AnalysisSort::LastPurchase,
            ..Default::default()
        })
        .unwrap();
    let got: Vec<&str> = by_date.rows.iter().map(|r| r.client_id.as_str()).collect();
    assert_eq!(got, [ids[5].as_str(), ids[1].as_str(), ids[2].as_str()]);
    // The same as an analysis, which can filter the list.
    let a = s.analysis(&q(AnalysisKind::Lost, "2025-01-01")).unwrap();
    assert_eq!(a.total_rows, 3);

    let chart = s
        .chart(&ChartQuery {
            chart: ChartKind::RevenueByMonth,
            from: Some("2026-01-01".into()),
            to: Some("2026-06-15".into()),
            owner: None,
        })
        .unwrap();
    assert_eq!(
        chart.labels,
        ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"]
    );
    assert_eq!(
        chart.series[0].values,
        [20_000.0, 30_000.0, 10_000.0, 5_000.0, 30_000.0, 5_000.0]
    );
    let tiers = s
        .chart(&ChartQuery {
            chart: ChartKind::TierDistribution,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(tiers.series[0].values, [6.0, 0.0, 0.0, 0.0]);
    let new = s
        .chart(&ChartQuery {
            chart: ChartKind::NewClientsByMonth,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(new.labels, ["2026-06"]);
    assert_eq!(new.series[0].values, [6.0]);
}

#[test]
fn churn_needs_enough_history_then_fits() {
    let (_d, mut s, ids) = abc_base();
    let r = s.analysis(&q(AnalysisKind::Churn, "2025-01-01")).unwrap();
    let m = r.churn.unwrap();
    assert!(!m.enough_history);
    assert_eq!(m.customers, 6);
    assert_eq!(m.repeat_customers, 1);
    assert!(r.rows.is_empty());
    drop(ids);

    // A demo base has two years of orders.
    let (_d, mut s, _) = open_at("2026-06-15");
    s.load_demo(400).unwrap();
    s.add_demo_orders(6_000).unwrap();
    let r = s.analysis(&q(AnalysisKind::Churn, "2024-01-01")).unwrap();
    let m = r.churn.clone().unwrap();
    assert!(m.enough_history, "{m:?}");
    assert!(m.r.unwrap() > 0.0 && m.alpha.unwrap() > 0.0);
    assert!(r.total_rows > 100);
    for row in &r.rows {
        let p = row.score.unwrap();
        assert!((0.0..=1.0).contains(&p));
        let want = if p >= 0.7 {
            "alive"
        } else if p >= 0.3 {
            "at_risk"
        } else {
            "likely_lost"
        };
        assert_eq!(row.group, want);
    }
    // Sorted by the expected loss, value × (1 − P(alive)).
    let loss: Vec<f64> = r
        .rows
        .iter()
        .map(|x| x.value * (1.0 - x.score.unwrap()))
        .collect();
    assert!(loss.windows(2).all(|w| w[0] >= w[1]));
}

#[test]
fn demo_orders_load_and_clear_with_the_demo_base() {
    let (_d, mut s, _) = open_at("2026-06-15");
    s.load_demo(100).unwrap();
    let n = count(&s, "SELECT count(*) FROM orders WHERE is_demo = 1");
    assert_eq!(n, 500);
    let logged = count(
        &s,
        "SELECT count(*) FROM change_log WHERE table_name = 'orders' AND op = 'insert'",
    );
    assert_eq!(logged, 500);
    s.clear_demo().unwrap();
    assert_eq!(count(&s, "SELECT count(*) FROM orders"), 0);
    assert_eq!(
        count(
            &s,
            "SELECT count(*) FROM change_log WHERE table_name = 'orders' AND op = 'delete'"
        ),
        500
    );
}

#[test]
fn commands_through_dispatch_and_csv_export() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = App::open(&db_path(&dir), Platform::Desktop).unwrap();
    let c = api::dispatch(
        &mut app,
        "create_client",
        json!({"input": person("Олена", "Коваль", "")}),
    )
    .unwrap();
    let id = c["id"].as_str().unwrap().to_owned();
    let o = api::dispatch(
        &mut app,
        "create_order",
        json!({"input": {"client_id": id, "date": "2026-01-02", "amount": 4200}}),
    )
    .unwrap();
    assert_eq!(o["amount"], 4200);
    let t = api::dispatch(&mut app, "client_totals", json!({"client": id})).unwrap();
    assert_eq!(t["total"], 4200);
    assert_eq!(t["tier"], "none");
    let page = api::dispatch(&mut app, "list_orders", json!({"client": id})).unwrap();
    assert_eq!(page["total"], 1);
    let csv = api::dispatch(
        &mut app,
        "export_analysis",
        json!({"query": {"kind": "abc", "from": "2026-01-01", "to": "2026-12-31"}}),
    )
    .unwrap();
    let csv = csv.as_str().unwrap();
    assert!(csv.starts_with("\u{feff}client_id,name,"));
    assert!(csv.contains(&format!(
        "{id},Коваль Олена,,A,4200,1,2026-01-02,2026-01-02,1,100.00"
    )));
    let lost = api::dispatch(&mut app, "lost_clients", json!({})).unwrap();
    assert_eq!(lost["days"], 90);
    // Every command answers bad arguments with a code, never a panic; unknown stays unknown.
    for cmd in orders_api::COMMANDS {
        if let Err(e) = api::dispatch(&mut app, cmd, json!({"bogus": 1})) {
            assert!(
                ["bad_request", "not_found", "validation"].contains(&e.code.as_str()),
                "{cmd}: {e:?}"
            );
        }
        assert!(!api::COMMANDS.contains(cmd), "{cmd} in both lists");
    }
    let e = api::dispatch(&mut app, "no_such_command", json!({})).unwrap_err();
    assert_eq!(e.code, "bad_request");
    let e = api::dispatch(
        &mut app,
        "analysis",
        json!({"query": {"kind": "abc", "from": "2026-13-01"}}),
    )
    .unwrap_err();
    assert_eq!(e.code, "validation");
}

#[test]
fn merging_cards_moves_their_orders() {
    let (_d, mut s, _) = open_at("2026-06-15");
    let a = client(&mut s, "Ann", "Lee");
    let b = client(&mut s, "Anna", "Lee");
    order(&mut s, &a, "2026-01-10", 1_000);
    let ob = order(&mut s, &b, "2026-02-10", 2_000);
    // The analyses see two buyers before the merge…
    assert_eq!(
        s.analysis(&q(AnalysisKind::Abc, "2026-01-01"))
            .unwrap()
            .clients,
        2
    );
    s.merge_clients(&a, std::slice::from_ref(&b), &Default::default())
        .unwrap();
    let t = s.client_totals(&a).unwrap();
    assert_eq!((t.order_count, t.total), (2, 3_000));
    assert_eq!(t.first_purchase.as_deref(), Some("2026-01-10"));
    let log = log_rows(&s, &ob.id);
    assert_eq!(log.last().unwrap().0, "update");
    assert_eq!(log.last().unwrap().1["client_id"], a.as_str());
    // …and one after it.
    let r = s.analysis(&q(AnalysisKind::Abc, "2026-01-01")).unwrap();
    assert_eq!(r.clients, 1);
    assert_eq!(r.rows[0].value, 3_000.0);
}
