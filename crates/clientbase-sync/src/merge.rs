//! THE merge, used by the server when a device pushes and by the device when it pulls.
//!
//! A row is a set of fields, each with the clock (HLC text) of the write that set it, plus a "life"
//! register: the clock of the latest `delete`/`restore` and whether it was a delete.
//!
//! - Every field is last-writer-wins by clock; the clock text embeds the device id, so equal
//!   (ms, counter) pairs are ordered by device id and no two writes ever tie. An incoming value
//!   wins only if its clock is strictly greater; an equal clock is the same write again (a
//!   duplicate) and changes nothing.
//! - Life is last-writer-wins over `delete` and `restore` only: an `insert` or `update` never
//!   revives a deleted row ("a delete beats a concurrent edit"), and a `restore` revives it only
//!   when its clock is later than the delete's. The edit's fields are still merged (per-field LWW,
//!   so a later restore shows the latest values), and the result is flagged `while_deleted` so the
//!   caller can log it. For soft-delete tables the delete/restore also carry `deleted_at` as a
//!   field, which merges like any other.
//! - Insert-only tables (interactions, orders) reject `update`s; their inserts merge by the same
//!   LWW (a repeated insert is a duplicate and changes nothing).
//! - The value an incoming write loses with is returned ([`Merged::lost`]), and so is the value a
//!   winning write of another device replaces ([`Merged::replaced`]), for the conflict log.
//!
//! Because every decision is a comparison of clocks that does not depend on arrival order, any
//! two replicas that have merged the same set of changes, in any order and with any repeats,
//! hold the same row (see the convergence property test in `tests/convergence.rs`).

use crate::tables::TableKind;
use crate::wire::{reasons, Change, Op, Outcome, RowImage};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The merge state of one row.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RowState {
    /// Column → value (only the columns the caller loaded are needed: a merge touches only the
    /// fields the change names).
    pub fields: Map<String, Value>,
    /// Column → HLC text of the write that set it.
    pub clocks: BTreeMap<String, String>,
    /// HLC text of the latest delete/restore.
    pub life: Option<String>,
    /// Whether the latest delete/restore was a delete.
    pub deleted: bool,
}

/// A value that did not end up in the row.
#[derive(Debug, Clone, PartialEq)]
pub struct Lost {
    pub field: String,
    pub value: Value,
    /// The clock of the write whose value was lost.
    pub clock: String,
    /// The clock of the value that stays.
    pub winner_clock: String,
}

/// What a merge did.
#[derive(Debug, Clone, PartialEq)]
pub struct Merged {
    /// `Applied` if a field or the life changed, `Superseded` if nothing changed, `Rejected` (with
    /// [`Merged::reason`]) if the change is not allowed (then the state is untouched).
    pub outcome: Outcome,
    pub reason: Option<&'static str>,
    /// Fields whose incoming value won (the caller writes these).
    pub won: Vec<String>,
    /// Incoming values that lost to a later write already in the row.
    pub lost: Vec<Lost>,
    /// Values of another device replaced by a winning incoming write (different value only).
    pub replaced: Vec<Lost>,
    /// `Some(deleted)` when the row's life changed.
    pub life_changed: Option<bool>,
    /// The change edited a row that is (and stays) deleted: a delete beat the edit.
    pub while_deleted: bool,
    /// The life clock moved (also without a visible change, e.g. a delete of a deleted row): the
    /// merged state changed, so the change is `Applied` and must be passed on.
    pub life_moved: bool,
}

impl Merged {
    fn new() -> Self {
        Merged {
            outcome: Outcome::Superseded,
            reason: None,
            won: Vec::new(),
            lost: Vec::new(),
            replaced: Vec::new(),
            life_changed: None,
            while_deleted: false,
            life_moved: false,
        }
    }
    fn rejected(reason: &'static str) -> Self {
        Merged {
            outcome: Outcome::Rejected,
            reason: Some(reason),
            ..Merged::new()
        }
    }
    fn finish(mut self) -> Self {
        if !self.won.is_empty() || self.life_moved {
            self.outcome = Outcome::Applied;
        }
        self
    }
}

/// The milliseconds part of an HLC text (`None` if malformed).
pub fn clock_ms(hlc: &str) -> Option<i64> {
    let ms = hlc.get(..15)?;
    if hlc.as_bytes().get(15) != Some(&b'-') || !ms.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    ms.parse().ok()
}

/// The device part of an HLC text.
pub fn clock_device(hlc: &str) -> Option<&str> {
    let rest = hlc.get(16..)?;
    let (counter, device) = rest.split_once('-')?;
    (counter.len() == 5 && counter.bytes().all(|b| b.is_ascii_digit())).then_some(device)
}

/// Checks a change before merging: well-formed clock of its own device, not more than
/// [`crate::MAX_CLOCK_AHEAD_MS`] ahead of `now_ms`, a synced table. Returns the rejection reason.
pub fn check_change(change: &Change, now_ms: i64) -> Result<(), &'static str> {
    let Some(ms) = clock_ms(&change.hlc) else {
        return Err(reasons::MALFORMED);
    };
    if clock_device(&change.hlc) != Some(change.device_id.as_str()) {
        return Err(reasons::WRONG_DEVICE);
    }
    if ms > now_ms.saturating_add(crate::MAX_CLOCK_AHEAD_MS) {
        return Err(reasons::CLOCK_SKEW);
    }
    let Some(spec) = crate::tables::table_spec(&change.table) else {
        return Err(reasons::UNKNOWN_TABLE);
    };
    if spec.kind == TableKind::InsertOnly && change.op == Op::Update {
        return Err(reasons::INSERT_ONLY);
    }
    if change.row_id.is_empty() {
        return Err(reasons::MALFORMED);
    }
    Ok(())
}

/// Merges one field write into the state.
fn merge_field(state: &mut RowState, field: &str, value: &Value, clock: &str, m: &mut Merged) {
    match state.clocks.get(field) {
        Some(cur) if cur.as_str() >= clock => {
            if cur.as_str() > clock && state.fields.get(field) != Some(value) {
                m.lost.push(Lost {
                    field: field.to_owned(),
                    value: value.clone(),
                    clock: clock.to_owned(),
                    winner_clock: cur.clone(),
                });
            }
        }
        cur => {
            if let (Some(cur), Some(old)) = (cur, state.fields.get(field)) {
                if old != value && clock_device(cur) != clock_device(clock) {
                    m.replaced.push(Lost {
                        field: field.to_owned(),
                        value: old.clone(),
                        clock: cur.clone(),
                        winner_clock: clock.to_owned(),
                    });
                }
            }
            state.clocks.insert(field.to_owned(), clock.to_owned());
            state.fields.insert(field.to_owned(), value.clone());
            m.won.push(field.to_owned());
        }
    }
}

fn merge_life(state: &mut RowState, clock: &str, deleted: bool, m: &mut Merged) {
    if state.life.as_deref().is_none_or(|cur| cur < clock) {
        let was = state.deleted;
        state.life = Some(clock.to_owned());
        state.deleted = deleted;
        m.life_moved = true;
        // A later delete of a deleted row only moves the life clock: report real transitions.
        if was != deleted {
            m.life_changed = Some(deleted);
        }
    }
}

/// Merges a change into a row's state. Call [`check_change`] first (the server does; the device
/// trusts the server's stream). `kind` is the table's [`TableKind`].
pub fn merge_change(state: &mut RowState, change: &Change, kind: TableKind) -> Merged {
    if kind == TableKind::InsertOnly && change.op == Op::Update {
        return Merged::rejected(reasons::INSERT_ONLY);
    }
    let mut m = Merged::new();
    if state.fields.is_empty() && state.clocks.is_empty() {
        // Nothing known of the row yet (a row new to a device): every field wins and nothing is
        // lost or replaced — what the loop below does field by field, built here without a
        // lookup and an ordered insert per field (most of a fresh device's merge time).
        state.clocks = change
            .fields
            .keys()
            .map(|k| (k.clone(), change.hlc.clone()))
            .collect();
        state.fields = change.fields.clone();
        m.won = change.fields.keys().cloned().collect();
    } else {
        for (field, value) in &change.fields {
            merge_field(state, field, value, &change.hlc, &mut m);
        }
    }
    match change.op {
        Op::Delete => merge_life(state, &change.hlc, true, &mut m),
        Op::Restore => merge_life(state, &change.hlc, false, &mut m),
        Op::Insert | Op::Update => {
            if state.deleted && !m.won.is_empty() {
                m.while_deleted = true;
            }
        }
    }
    m.finish()
}

/// Merges a whole row image (reassignment snapshot, compact first sync) field by field.
pub fn merge_row(state: &mut RowState, image: &RowImage) -> Merged {
    let mut m = Merged::new();
    for (field, value) in &image.fields {
        let Some(clock) = image.clocks.get(field).and_then(Value::as_str) else {
            continue;
        };
        merge_field(state, field, value, clock, &mut m);
    }
    if let Some(life) = &image.life {
        merge_life(state, life, image.deleted, &mut m);
    }
    m.finish()
}

/// The state a row image describes (what a `reset` installs).
pub fn state_of_image(image: &RowImage) -> RowState {
    RowState {
        fields: image.fields.clone(),
        clocks: image
            .clocks
            .iter()
            .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
            .collect(),
        life: image.life.clone(),
        deleted: image.deleted,
    }
}

/// The image of a row state (what a server sends for a reassigned client).
pub fn image_of_state(table: &str, row_id: &str, state: &RowState) -> RowImage {
    RowImage {
        table: table.to_owned(),
        row_id: row_id.to_owned(),
        fields: state.fields.clone(),
        clocks: state
            .clocks
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect(),
        life: state.life.clone(),
        deleted: state.deleted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn hlc(ms: i64, dev: &str) -> String {
        format!("{ms:015}-00000-{dev}")
    }

    fn ch(dev: &str, ms: i64, op: Op, fields: Value) -> Change {
        Change {
            device_id: dev.into(),
            seq: 1,
            hlc: hlc(ms, dev),
            table: "clients".into(),
            row_id: "r".into(),
            op,
            fields: fields.as_object().cloned().unwrap_or_default(),
        }
    }

    #[test]
    fn a_change_into_an_empty_state_merges_as_field_by_field() {
        for (op, kind) in [
            (Op::Insert, TableKind::Mergeable),
            (Op::Update, TableKind::Mergeable),
            (Op::Delete, TableKind::Mergeable),
            (Op::Restore, TableKind::Mergeable),
            (Op::Insert, TableKind::InsertOnly),
            (Op::Update, TableKind::InsertOnly),
        ] {
            let c = ch(
                "a",
                10,
                op,
                json!({"notes": "A", "city": null, "tags": ["x"], "deleted_at": null}),
            );
            let mut fast = RowState::default();
            let m = merge_change(&mut fast, &c, kind);
            // The same change field by field, as into any other state.
            let mut slow = RowState::default();
            let mut want = Merged::new();
            if kind == TableKind::InsertOnly && op == Op::Update {
                want = Merged::rejected(reasons::INSERT_ONLY);
            } else {
                for (f, v) in &c.fields {
                    merge_field(&mut slow, f, v, &c.hlc, &mut want);
                }
                match op {
                    Op::Delete => merge_life(&mut slow, &c.hlc, true, &mut want),
                    Op::Restore => merge_life(&mut slow, &c.hlc, false, &mut want),
                    _ => {}
                }
                want = want.finish();
            }
            assert_eq!(fast, slow, "{op:?} {kind:?}");
            assert_eq!(m, want, "{op:?} {kind:?}");
        }
    }

    #[test]
    fn later_field_wins_in_either_order_and_loser_is_reported() {
        let a = ch("a", 10, Op::Update, json!({"notes": "A"}));
        let b = ch("b", 20, Op::Update, json!({"notes": "B"}));
        let mut s1 = RowState::default();
        assert_eq!(
            merge_change(&mut s1, &a, TableKind::Mergeable).outcome,
            Outcome::Applied
        );
        let m = merge_change(&mut s1, &b, TableKind::Mergeable);
        assert_eq!(m.outcome, Outcome::Applied);
        assert_eq!(m.replaced[0].value, json!("A"));
        let mut s2 = RowState::default();
        merge_change(&mut s2, &b, TableKind::Mergeable);
        let m = merge_change(&mut s2, &a, TableKind::Mergeable);
        assert_eq!(m.outcome, Outcome::Superseded);
        assert_eq!(m.lost.len(), 1);
        assert_eq!(m.lost[0].value, json!("A"));
        assert_eq!(m.lost[0].winner_clock, b.hlc);
        assert_eq!(s1, s2);
        assert_eq!(s1.fields["notes"], json!("B"));
    }

    #[test]
    fn equal_ms_and_counter_is_ordered_by_device() {
        let a = ch("a", 10, Op::Update, json!({"x": 1}));
        let b = ch("b", 10, Op::Update, json!({"x": 2}));
        for order in [[&a, &b], [&b, &a]] {
            let mut s = RowState::default();
            for c in order {
                merge_change(&mut s, c, TableKind::Mergeable);
            }
            assert_eq!(s.fields["x"], json!(2));
        }
    }

    #[test]
    fn duplicate_is_superseded_and_changes_nothing() {
        let a = ch("a", 10, Op::Insert, json!({"x": 1, "y": 2}));
        let mut s = RowState::default();
        merge_change(&mut s, &a, TableKind::Mergeable);
        let before = s.clone();
        let m = merge_change(&mut s, &a, TableKind::Mergeable);
        assert_eq!(m.outcome, Outcome::Superseded);
        assert!(m.lost.is_empty() && m.won.is_empty());
        assert_eq!(s, before);
    }

    #[test]
    fn delete_beats_a_later_edit_in_both_orders_and_only_a_later_restore_revives() {
        let ins = ch("a", 1, Op::Insert, json!({"x": 0, "deleted_at": null}));
        let del = ch("a", 10, Op::Delete, json!({"deleted_at": "t10"}));
        let edit = ch("b", 20, Op::Update, json!({"x": 5}));
        let early_restore = ch("b", 5, Op::Restore, json!({"deleted_at": null}));
        let late_restore = ch("b", 30, Op::Restore, json!({"deleted_at": null}));
        for order in [[&ins, &del, &edit], [&ins, &edit, &del]] {
            let mut s = RowState::default();
            let mut last = None;
            for c in order {
                last = Some(merge_change(&mut s, c, TableKind::Mergeable));
            }
            assert!(s.deleted);
            assert_eq!(s.fields["deleted_at"], json!("t10"));
            if order[2] == &edit {
                assert!(last.unwrap().while_deleted);
            }
            let m = merge_change(&mut s, &early_restore, TableKind::Mergeable);
            assert_eq!(m.outcome, Outcome::Superseded);
            assert!(s.deleted, "a restore older than the delete does not revive");
            let m = merge_change(&mut s, &late_restore, TableKind::Mergeable);
            assert_eq!(m.life_changed, Some(false));
            assert!(!s.deleted);
            assert_eq!(
                s.fields["x"],
                json!(5),
                "the edit's value shows after the restore"
            );
            assert_eq!(s.fields["deleted_at"], Value::Null);
        }
    }

    #[test]
    fn insert_only_tables_reject_updates() {
        let mut s = RowState::default();
        let mut up = ch("a", 10, Op::Update, json!({"note": "x"}));
        up.table = "interactions".into();
        let m = merge_change(&mut s, &up, TableKind::InsertOnly);
        assert_eq!(m.outcome, Outcome::Rejected);
        assert_eq!(m.reason, Some(reasons::INSERT_ONLY));
        assert_eq!(s, RowState::default());
        assert_eq!(check_change(&up, 10), Err(reasons::INSERT_ONLY));
    }

    #[test]
    fn clock_checks() {
        let now = 1_000_000_000;
        let ok = ch("a", now + crate::MAX_CLOCK_AHEAD_MS, Op::Update, json!({}));
        assert_eq!(check_change(&ok, now), Ok(()));
        let ahead = ch(
            "a",
            now + crate::MAX_CLOCK_AHEAD_MS + 1,
            Op::Update,
            json!({}),
        );
        assert_eq!(check_change(&ahead, now), Err(reasons::CLOCK_SKEW));
        let mut wrong = ok.clone();
        wrong.device_id = "b".into();
        assert_eq!(check_change(&wrong, now), Err(reasons::WRONG_DEVICE));
        let mut bad = ok.clone();
        bad.hlc = "12-3-a".into();
        assert_eq!(check_change(&bad, now), Err(reasons::MALFORMED));
        let mut tbl = ok;
        tbl.table = "settings".into();
        assert_eq!(check_change(&tbl, now), Err(reasons::UNKNOWN_TABLE));
        assert_eq!(clock_ms(&hlc(42, "dev-with-dashes")), Some(42));
        assert_eq!(
            clock_device(&hlc(42, "dev-with-dashes")),
            Some("dev-with-dashes")
        );
    }

    #[test]
    fn row_image_merges_per_field_and_round_trips() {
        let mut s = RowState::default();
        merge_change(
            &mut s,
            &ch("a", 10, Op::Insert, json!({"x": 1, "y": 1})),
            TableKind::Mergeable,
        );
        let mut other = RowState::default();
        merge_change(
            &mut other,
            &ch("b", 5, Op::Insert, json!({"x": 2, "y": 2})),
            TableKind::Mergeable,
        );
        merge_change(
            &mut other,
            &ch("b", 20, Op::Update, json!({"y": 3})),
            TableKind::Mergeable,
        );
        let img = image_of_state("clients", "r", &other);
        assert_eq!(state_of_image(&img), other);
        merge_row(&mut s, &img);
        assert_eq!(s.fields["x"], json!(1));
        assert_eq!(s.fields["y"], json!(3));
    }
}
