//! Hand-computed small cases for the rankings: tie-aware scores, ABC, the VIP split, RFM, the
//! value score and tiers — with ties and single-purchase clients.

use clientbase_analytics::rank::{abc, tie_aware_scores, vip_split, Abc, Vip};
use clientbase_analytics::rfm::{rfm, Segment};
use clientbase_analytics::tier::{Tier, TierThresholds};
use clientbase_analytics::value::{value_scores, ValueClass};

#[test]
fn tie_aware_scores_by_hand() {
    // 10 values, 5 bins: score = 1 + floor(5·below/10) = 1 + floor(below/2).
    let v = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 2.0, 2.0, 3.0, 10.0];
    // below: six 1s → 0 → 1; two 2s → 6 → 4; 3 → 8 → 5; 10 → 9 → 5.
    assert_eq!(
        tie_aware_scores(&v, 5, true),
        [1, 1, 1, 1, 1, 1, 4, 4, 5, 5]
    );
    // Recency (smaller is better): days 0, 0, 5, 30, 30, 30, 100, 100, 200, 365.
    let r = [0.0, 0.0, 5.0, 30.0, 30.0, 30.0, 100.0, 100.0, 200.0, 365.0];
    // strictly worse (larger) than 0: 8 → 5; than 5: 7 → 4; than 30: 4 → 3; than 100: 2 → 2;
    // than 200: 1 → 1; than 365: 0 → 1.
    assert_eq!(
        tie_aware_scores(&r, 5, false),
        [5, 5, 4, 3, 3, 3, 2, 2, 1, 1]
    );
    // All equal: everybody 1. Empty: nothing. One value: 1.
    assert_eq!(tie_aware_scores(&[7.0; 4], 5, true), [1, 1, 1, 1]);
    assert!(tie_aware_scores(&[], 5, true).is_empty());
    assert_eq!(tie_aware_scores(&[42.0], 5, true), [1]);
    // Distinct values fill the bins evenly: 1..=10 → 1,1,2,2,3,3,4,4,5,5.
    let d: Vec<f64> = (1..=10).map(f64::from).collect();
    assert_eq!(
        tie_aware_scores(&d, 5, true),
        [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    );
    // Equal values always share a score, whatever the input order.
    let mut shuffled = v;
    shuffled.reverse();
    let s = tie_aware_scores(&shuffled, 5, true);
    for i in 0..10 {
        for j in 0..10 {
            if shuffled[i] == shuffled[j] {
                assert_eq!(s[i], s[j]);
            }
        }
    }
}

#[test]
fn abc_by_hand() {
    // Total 100: 50, 30, 10, 5, 5, 0. Before each: 0, 50, 80, 90, 90 (the two 5s are one run).
    // A while the share before < 80: 50, 30. B while < 95: 10, 5, 5 (run starts at 90). C: 0.
    let v = [5.0, 50.0, 0.0, 10.0, 30.0, 5.0];
    let r = abc(&v, 80.0, 95.0);
    let classes: Vec<Abc> = r.iter().map(|x| x.class).collect();
    assert_eq!(classes, [Abc::B, Abc::A, Abc::C, Abc::B, Abc::A, Abc::B]);
    assert_eq!(r[1].rank, 1);
    assert_eq!(r[4].rank, 2);
    assert_eq!(r[3].rank, 3);
    assert_eq!((r[0].rank, r[5].rank), (4, 4));
    assert!((r[1].share - 50.0).abs() < 1e-12);
    assert!((r[4].cumulative - 80.0).abs() < 1e-12);
    assert!((r[0].cumulative - 100.0).abs() < 1e-12);
    // A tie across the A threshold: 40, 40, 20 → before 0, 0 (run), 80: both 40s are A, 20 is B.
    let t = abc(&[40.0, 20.0, 40.0], 80.0, 95.0);
    assert_eq!(
        t.iter().map(|x| x.class).collect::<Vec<_>>(),
        [Abc::A, Abc::B, Abc::A]
    );
    // One client makes everything: A. Nobody bought: all C.
    assert_eq!(abc(&[12.0], 80.0, 95.0)[0].class, Abc::A);
    assert!(abc(&[0.0, 0.0], 80.0, 95.0)
        .iter()
        .all(|x| x.class == Abc::C));
    // Editable thresholds: A = 50 %: only the 50 (before 0) is A; the 30 starts at 50 → B.
    let r = abc(&v, 50.0, 95.0);
    assert_eq!(r[1].class, Abc::A);
    assert_eq!(r[4].class, Abc::B);
}

#[test]
fn vip_split_by_hand() {
    // 10 buyers (counts of orders this month) and two who did not buy.
    let v = [1.0, 1.0, 1.0, 1.0, 1.0, 2.0, 2.0, 3.0, 5.0, 8.0, 0.0, 0.0];
    // top 20 % of 10 buyers = 2 clients: 8 and 5 → VIP; other buyers regular; 0 → other.
    let s = vip_split(&v, 20.0);
    assert_eq!(&s[8..], [Vip::Vip, Vip::Vip, Vip::Other, Vip::Other]);
    assert!(s[..8].iter().all(|x| *x == Vip::Regular));
    // Ties with the cut are included: 30 % = 3 clients, the 3rd best is 3 → 8, 5, 3 VIP;
    // 40 % = 4 clients, 4th best is a 2 → both 2s are VIP (5 VIPs).
    let s = vip_split(&v, 40.0);
    assert_eq!(s.iter().filter(|x| **x == Vip::Vip).count(), 5);
    // Everyone bought once: the cut is 1 and everyone is VIP (ties).
    assert!(vip_split(&[1.0; 5], 20.0).iter().all(|x| *x == Vip::Vip));
    assert!(vip_split(&[0.0; 3], 20.0).iter().all(|x| *x == Vip::Other));
}

#[test]
fn rfm_by_hand_with_single_purchase_clients() {
    // Five buyers. Recency days 1, 10, 10, 200, 400; frequency 6, 1, 1, 1, 3; money 600, 50,
    // 50, 20, 300.
    let r = [1.0, 10.0, 10.0, 200.0, 400.0];
    let f = [6.0, 1.0, 1.0, 1.0, 3.0];
    let m = [600.0, 50.0, 50.0, 20.0, 300.0];
    let s = rfm(&r, &f, &m);
    // R: worse than 1 → 4 others: 1+floor(5·4/5) = 5; than 10: 2 → 3 (both); 200: 1 → 2; 400: 1.
    // F: 1s (three) → 1; 3 → below 3 → 4; 6 → below 4 → 5.
    // M: 20 → 1; 50s → below 1 → 2; 300 → 3 → 4; 600 → 4 → 5.
    let got: Vec<(u8, u8, u8)> = s.iter().map(|x| (x.r, x.f, x.m)).collect();
    assert_eq!(got, [(5, 5, 5), (3, 1, 2), (3, 1, 2), (2, 1, 1), (1, 4, 4)]);
    let seg: Vec<Segment> = s.iter().map(|x| x.segment).collect();
    assert_eq!(
        seg,
        [
            Segment::Champions,
            Segment::AboutToSleep,
            Segment::AboutToSleep,
            Segment::Hibernating,
            Segment::AtRisk
        ]
    );
    assert_eq!(Segment::of(1, 1), Segment::Lost);
    assert_eq!(Segment::of(5, 1), Segment::NewCustomers);
    assert_eq!(Segment::of(1, 5), Segment::CannotLose);
    assert_eq!(Segment::of(4, 4), Segment::Loyal);
    assert_eq!(Segment::of(3, 3), Segment::NeedAttention);
    assert_eq!(Segment::of(4, 1), Segment::Promising);
    assert_eq!(Segment::of(4, 2), Segment::PotentialLoyalists);
    // Every (R, F) pair has a segment and every segment is reachable.
    let mut seen = std::collections::HashSet::new();
    for r in 1..=5 {
        for f in 1..=5 {
            seen.insert(Segment::of(r, f));
        }
    }
    assert_eq!(seen.len(), Segment::ALL.len());
}

#[test]
fn value_score_by_hand() {
    // counts 1, 1, 3, 7, 6; average checks 100, 100, 50, 400, 10.
    let s = value_scores(&[1, 1, 3, 7, 6], &[100.0, 100.0, 50.0, 400.0, 10.0]);
    // check quartiles (4 bins, n = 5): 10 → 1; 50 → below 1 → 1+floor(4/5) = 1; 100s → below 2 →
    // 1+floor(8/5) = 2; 400 → below 4 → 1+floor(16/5) = 4.
    let got: Vec<(u8, u8)> = s.iter().map(|x| (x.frequency, x.check)).collect();
    assert_eq!(got, [(1, 2), (1, 2), (3, 1), (6, 4), (6, 1)]);
    // scores: 1/12+2/8 = 0.3333 low; 3/12+1/8 = 0.375 low; 6/12+4/8 = 1 high; 6/12+1/8 = 0.625 middle.
    assert!((s[0].score - (1.0 / 12.0 + 0.25)).abs() < 1e-12);
    let classes: Vec<ValueClass> = s.iter().map(|x| x.class).collect();
    assert_eq!(
        classes,
        [
            ValueClass::Low,
            ValueClass::Low,
            ValueClass::Low,
            ValueClass::High,
            ValueClass::Middle
        ]
    );
}

#[test]
fn tiers_by_total() {
    let t = TierThresholds {
        silver: 100,
        gold: 500,
        platinum: 1000,
    };
    assert_eq!(t.tier(0), Tier::None);
    assert_eq!(t.tier(99), Tier::None);
    assert_eq!(t.tier(100), Tier::Silver);
    assert_eq!(t.tier(999), Tier::Gold);
    assert_eq!(t.tier(1000), Tier::Platinum);
    assert_eq!(t.next(99), Some((Tier::Silver, 1)));
    assert_eq!(t.next(600), Some((Tier::Platinum, 400)));
    assert_eq!(t.next(5000), None);
    // A threshold of 0 switches its tier off.
    let no_gold = TierThresholds { gold: 0, ..t };
    assert_eq!(no_gold.tier(700), Tier::Silver);
}
