//! Categories (with their contact cadence) and custom-field definitions (small tables, plain CRUD
//! with change-log rows).

use super::{log_change, new_id, rows, save_clock, Store};
use crate::error::{FieldError, StoreError};
use crate::hlc::Hlc;
use crate::model::*;
use rusqlite::{params, Connection, OptionalExtension, Transaction};

/// The longest contact cadence a category may have (ten years).
pub const MAX_CADENCE_DAYS: u32 = 3650;

fn color_ok(c: &str) -> bool {
    c.len() == 7 && c.starts_with('#') && c[1..].chars().all(|ch| ch.is_ascii_hexdigit())
}

fn kind_str(k: CustomFieldKind) -> &'static str {
    match k {
        CustomFieldKind::Text => "text",
        CustomFieldKind::Number => "number",
        CustomFieldKind::Date => "date",
        CustomFieldKind::Choice => "choice",
    }
}

fn kind_from(s: &str) -> CustomFieldKind {
    match s {
        "number" => CustomFieldKind::Number,
        "date" => CustomFieldKind::Date,
        "choice" => CustomFieldKind::Choice,
        _ => CustomFieldKind::Text,
    }
}

impl Store {
    pub fn categories(&self) -> Result<Vec<Category>, StoreError> {
        let mut st = self.conn.prepare_cached(
            "SELECT id, code, name, color, position, cadence_days FROM categories ORDER BY position, code",
        )?;
        let rows = st.query_map([], |r| {
            Ok(Category {
                id: r.get(0)?,
                code: r.get(1)?,
                name: r.get(2)?,
                color: r.get(3)?,
                position: r.get(4)?,
                cadence_days: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Creates (empty id) or updates a category.
    pub fn save_category(&mut self, mut c: Category) -> Result<Category, StoreError> {
        c.code = c.code.trim().to_owned();
        c.name = c.name.trim().to_owned();
        c.color = c.color.trim().to_ascii_lowercase();
        let mut errs = Vec::new();
        if c.code.is_empty() {
            errs.push(FieldError::new("code", "required"));
        }
        if c.name.is_empty() {
            errs.push(FieldError::new("name", "required"));
        }
        if !color_ok(&c.color) {
            errs.push(FieldError::new("color", "color_invalid"));
        }
        if c.cadence_days == Some(0) {
            c.cadence_days = None;
        }
        if c.cadence_days.is_some_and(|d| d > MAX_CADENCE_DAYS) {
            errs.push(
                FieldError::new("cadence_days", "cadence_invalid")
                    .with("max", MAX_CADENCE_DAYS.to_string()),
            );
        }
        if !errs.is_empty() {
            return Err(StoreError::Validation(errs));
        }
        let old = if c.id.is_empty() {
            None
        } else {
            self.categories()?.into_iter().find(|x| x.id == c.id)
        };
        if !c.id.is_empty() && old.is_none() {
            return Err(StoreError::NotFound(format!("category {}", c.id)));
        }
        if old.as_ref() == Some(&c) {
            return Ok(c);
        }
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let full = serde_json::json!({"code": c.code, "name": c.name, "color": c.color, "position": c.position, "cadence_days": c.cadence_days});
        match &old {
            None => {
                c.id = new_id();
                tx.execute(
                    "INSERT INTO categories (id, code, name, color, position, cadence_days) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![c.id, c.code, c.name, c.color, c.position, c.cadence_days],
                )?;
                log_change(
                    &tx,
                    &mut self.hlc,
                    "categories",
                    &c.id,
                    "insert",
                    &full.to_string(),
                )?;
            }
            Some(o) => {
                tx.execute(
                    "UPDATE categories SET code = ?2, name = ?3, color = ?4, position = ?5, cadence_days = ?6 WHERE id = ?1",
                    params![c.id, c.code, c.name, c.color, c.position, c.cadence_days],
                )?;
                let before = serde_json::json!({"code": o.code, "name": o.name, "color": o.color, "position": o.position, "cadence_days": o.cadence_days});
                let changed = rows::diff(&before, &full)?;
                log_change(
                    &tx,
                    &mut self.hlc,
                    "categories",
                    &c.id,
                    "update",
                    &serde_json::Value::Object(changed).to_string(),
                )?;
            }
        }
        save_clock(&tx, &self.hlc)?;
        tx.commit()?;
        Ok(c)
    }

    /// Deletes a category; its clients lose the category (each such client change is logged).
    pub fn delete_category(&mut self, id: &str) -> Result<(), StoreError> {
        let exists: Option<String> = self
            .conn
            .query_row("SELECT id FROM categories WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?;
        if exists.is_none() {
            return Err(StoreError::NotFound(format!("category {id}")));
        }
        let now = self.now();
        let ids: Vec<String> = {
            let mut st = self
                .conn
                .prepare("SELECT id FROM clients WHERE category_id = ?1")?;
            let r = st
                .query_map([id], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            r
        };
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute(
            "UPDATE clients SET category_id = NULL, updated_at = ?2 WHERE category_id = ?1",
            params![id, now],
        )?;
        let fields = serde_json::json!({"category_id": null, "updated_at": now}).to_string();
        for cid in &ids {
            log_change(&tx, &mut self.hlc, "clients", cid, "update", &fields)?;
        }
        tx.execute("DELETE FROM categories WHERE id = ?1", [id])?;
        log_change(&tx, &mut self.hlc, "categories", id, "delete", "{}")?;
        save_clock(&tx, &self.hlc)?;
        tx.commit()?;
        if !ids.is_empty() {
            self.reload_index()?;
        }
        Ok(())
    }

    pub fn custom_fields(&self) -> Result<Vec<CustomFieldDef>, StoreError> {
        read_custom_fields(&self.conn)
    }

    pub fn save_custom_field(
        &mut self,
        mut f: CustomFieldDef,
    ) -> Result<CustomFieldDef, StoreError> {
        f.name = f.name.trim().to_owned();
        f.options = f
            .options
            .iter()
            .map(|o| o.trim().to_owned())
            .filter(|o| !o.is_empty())
            .collect();
        f.options.dedup();
        let mut errs = Vec::new();
        if f.name.is_empty() {
            errs.push(FieldError::new("name", "required"));
        }
        if f.kind == CustomFieldKind::Choice && f.options.is_empty() {
            errs.push(FieldError::new("options", "required"));
        }
        if !errs.is_empty() {
            return Err(StoreError::Validation(errs));
        }
        let old = if f.id.is_empty() {
            None
        } else {
            self.custom_fields()?.into_iter().find(|x| x.id == f.id)
        };
        if !f.id.is_empty() && old.is_none() {
            return Err(StoreError::NotFound(format!("custom field {}", f.id)));
        }
        if old.as_ref() == Some(&f) {
            return Ok(f);
        }
        let full = serde_json::json!({"name": f.name, "kind": kind_str(f.kind), "options": f.options, "position": f.position});
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let options = serde_json::to_string(&f.options)?;
        match &old {
            None => {
                f.id = new_id();
                insert_custom_field(&tx, &mut self.hlc, &f)?;
            }
            Some(o) => {
                tx.execute(
                    "UPDATE custom_fields SET name = ?2, kind = ?3, options = ?4, position = ?5 WHERE id = ?1",
                    params![f.id, f.name, kind_str(f.kind), options, f.position],
                )?;
                let before = serde_json::json!({"name": o.name, "kind": kind_str(o.kind), "options": o.options, "position": o.position});
                let changed = rows::diff(&before, &full)?;
                log_change(
                    &tx,
                    &mut self.hlc,
                    "custom_fields",
                    &f.id,
                    "update",
                    &serde_json::Value::Object(changed).to_string(),
                )?;
            }
        }
        save_clock(&tx, &self.hlc)?;
        tx.commit()?;
        Ok(f)
    }

    /// Deletes a custom field and removes its value from every client (each change logged).
    pub fn delete_custom_field(&mut self, id: &str) -> Result<(), StoreError> {
        if !self.custom_fields()?.iter().any(|f| f.id == id) {
            return Err(StoreError::NotFound(format!("custom field {id}")));
        }
        let now = self.now();
        let pattern = format!("%\"{id}\"%");
        let affected: Vec<(String, String)> = {
            let mut st = self
                .conn
                .prepare("SELECT id, custom FROM clients WHERE custom LIKE ?1")?;
            let r = st
                .query_map([pattern], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()?;
            r
        };
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        for (cid, custom) in affected {
            let mut map: std::collections::BTreeMap<Id, CustomValue> =
                serde_json::from_str(&custom)?;
            if map.remove(id).is_some() {
                let json = serde_json::to_string(&map)?;
                tx.execute(
                    "UPDATE clients SET custom = ?2, updated_at = ?3 WHERE id = ?1",
                    params![cid, json, now],
                )?;
                let fields = serde_json::json!({"custom": map, "updated_at": now}).to_string();
                log_change(&tx, &mut self.hlc, "clients", &cid, "update", &fields)?;
            }
        }
        tx.execute("DELETE FROM custom_fields WHERE id = ?1", [id])?;
        log_change(&tx, &mut self.hlc, "custom_fields", id, "delete", "{}")?;
        save_clock(&tx, &self.hlc)?;
        tx.commit()?;
        Ok(())
    }
}

/// The custom-field definitions, in order.
pub(crate) fn read_custom_fields(conn: &Connection) -> Result<Vec<CustomFieldDef>, StoreError> {
    let mut st = conn.prepare_cached(
        "SELECT id, name, kind, options, position FROM custom_fields ORDER BY position, name",
    )?;
    let mut rows = st.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let kind: String = r.get(2)?;
        let options: String = r.get(3)?;
        out.push(CustomFieldDef {
            id: r.get(0)?,
            name: r.get(1)?,
            kind: kind_from(&kind),
            options: serde_json::from_str(&options)?,
            position: r.get(4)?,
        });
    }
    Ok(out)
}

/// Writes a new custom-field definition (id filled by the caller) and its change-log row.
pub(crate) fn insert_custom_field(
    tx: &Transaction<'_>,
    hlc: &mut Hlc,
    f: &CustomFieldDef,
) -> Result<(), StoreError> {
    let options = serde_json::to_string(&f.options)?;
    tx.execute(
        "INSERT INTO custom_fields (id, name, kind, options, position) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![f.id, f.name, kind_str(f.kind), options, f.position],
    )?;
    let full = serde_json::json!({"name": f.name, "kind": kind_str(f.kind), "options": f.options, "position": f.position});
    log_change(tx, hlc, "custom_fields", &f.id, "insert", &full.to_string())
}
