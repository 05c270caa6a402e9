//! The order settings (base currency, tier thresholds, lost-client days, ABC/VIP percentages),
//! stored as `settings` rows and logged per changed key, and the editable status list.

use super::*;

fn status_cols(s: &OrderStatus) -> Value {
    json!({
        "code": s.code,
        "name": s.name,
        "position": s.position,
        "archived": s.archived,
        "counts": s.counts,
    })
}

const SETTING_KEYS: [&str; 8] = [
    "order_currency",
    "tier_silver",
    "tier_gold",
    "tier_platinum",
    "lost_client_days",
    "abc_a_percent",
    "abc_b_percent",
    "vip_top_percent",
];

fn settings_values(s: &OrderSettings) -> [String; 8] {
    [
        s.currency.clone(),
        s.tier_silver.to_string(),
        s.tier_gold.to_string(),
        s.tier_platinum.to_string(),
        s.lost_client_days.to_string(),
        s.abc_a_percent.to_string(),
        s.abc_b_percent.to_string(),
        s.vip_top_percent.to_string(),
    ]
}

pub(crate) fn read_order_settings(conn: &Connection) -> Result<OrderSettings, StoreError> {
    let mut s = OrderSettings {
        currency: "USD".into(),
        tier_silver: 100_000,
        tier_gold: 500_000,
        tier_platinum: 1_000_000,
        lost_client_days: 90,
        abc_a_percent: 80.0,
        abc_b_percent: 95.0,
        vip_top_percent: 20.0,
    };
    let mut st = conn.prepare_cached("SELECT value FROM settings WHERE key = ?1")?;
    for key in SETTING_KEYS {
        let Some(v): Option<String> = st.query_row([key], |r| r.get(0)).optional()? else {
            continue;
        };
        match key {
            "order_currency" => s.currency = v,
            "tier_silver" => s.tier_silver = v.parse().unwrap_or(s.tier_silver),
            "tier_gold" => s.tier_gold = v.parse().unwrap_or(s.tier_gold),
            "tier_platinum" => s.tier_platinum = v.parse().unwrap_or(s.tier_platinum),
            "lost_client_days" => s.lost_client_days = v.parse().unwrap_or(s.lost_client_days),
            "abc_a_percent" => s.abc_a_percent = v.parse().unwrap_or(s.abc_a_percent),
            "abc_b_percent" => s.abc_b_percent = v.parse().unwrap_or(s.abc_b_percent),
            _ => s.vip_top_percent = v.parse().unwrap_or(s.vip_top_percent),
        }
    }
    Ok(s)
}

pub(crate) fn thresholds(s: &OrderSettings) -> clientbase_analytics::tier::TierThresholds {
    clientbase_analytics::tier::TierThresholds {
        silver: s.tier_silver,
        gold: s.tier_gold,
        platinum: s.tier_platinum,
    }
}

pub(crate) fn tier_of(t: clientbase_analytics::tier::Tier) -> Tier {
    use clientbase_analytics::tier::Tier as T;
    match t {
        T::None => Tier::None,
        T::Silver => Tier::Silver,
        T::Gold => Tier::Gold,
        T::Platinum => Tier::Platinum,
    }
}

impl Store {
    // ---- settings ----------------------------------------------------------------------------

    pub fn order_settings(&self) -> Result<OrderSettings, StoreError> {
        read_order_settings(&self.conn)
    }

    pub fn set_order_settings(
        &mut self,
        mut s: OrderSettings,
    ) -> Result<OrderSettings, StoreError> {
        s.currency = s.currency.trim().to_ascii_uppercase();
        let mut errs = Vec::new();
        if !valid_currency(&s.currency) {
            errs.push(FieldError::new("currency", "currency_invalid"));
        }
        for (f, v) in [
            ("tier_silver", s.tier_silver),
            ("tier_gold", s.tier_gold),
            ("tier_platinum", s.tier_platinum),
        ] {
            if !(0..=MAX_AMOUNT).contains(&v) {
                errs.push(FieldError::new(f, "amount_invalid"));
            }
        }
        let on: Vec<i64> = [s.tier_silver, s.tier_gold, s.tier_platinum]
            .into_iter()
            .filter(|t| *t > 0)
            .collect();
        if on.windows(2).any(|w| w[0] >= w[1]) {
            errs.push(FieldError::new("tier_gold", "tiers_not_increasing"));
        }
        if s.lost_client_days == 0 || s.lost_client_days > 3650 {
            errs.push(FieldError::new("lost_client_days", "days_invalid"));
        }
        let pct = |v: f64| v.is_finite() && v > 0.0 && v <= 100.0;
        if !pct(s.abc_a_percent) {
            errs.push(FieldError::new("abc_a_percent", "percent_invalid"));
        }
        if !pct(s.abc_b_percent) || s.abc_b_percent < s.abc_a_percent {
            errs.push(FieldError::new("abc_b_percent", "percent_invalid"));
        }
        if !pct(s.vip_top_percent) {
            errs.push(FieldError::new("vip_top_percent", "percent_invalid"));
        }
        if !errs.is_empty() {
            return Err(StoreError::Validation(errs));
        }
        let old = self.order_settings()?;
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        for ((key, new), old) in SETTING_KEYS
            .iter()
            .zip(settings_values(&s))
            .zip(settings_values(&old))
        {
            if new != old {
                tx.execute(
                    "INSERT OR REPLACE INTO settings (key, value) VALUES (?1, ?2)",
                    params![key, new],
                )?;
                let f = json!({ "value": new }).to_string();
                log_change(&tx, &mut self.hlc, "settings", key, "update", &f)?;
            }
        }
        save_clock(&tx, &self.hlc)?;
        tx.commit()?;
        self.invalidate_orders();
        Ok(s)
    }

    // ---- statuses ----------------------------------------------------------------------------

    pub fn order_statuses(&self) -> Result<Vec<OrderStatus>, StoreError> {
        let mut st = self.conn.prepare_cached(
            "SELECT id, code, name, position, archived, counts FROM order_statuses ORDER BY position, name, id",
        )?;
        let rows = st.query_map([], |r| {
            Ok(OrderStatus {
                id: r.get(0)?,
                code: r.get(1)?,
                name: r.get(2)?,
                position: r.get(3)?,
                archived: r.get(4)?,
                counts: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub(super) fn order_status(&self, id: &str) -> Result<Option<OrderStatus>, StoreError> {
        Ok(self.order_statuses()?.into_iter().find(|s| s.id == id))
    }

    /// Adds (empty id) or edits a status. The code of a seeded status is kept.
    pub fn save_order_status(&mut self, mut s: OrderStatus) -> Result<OrderStatus, StoreError> {
        s.name = s.name.trim().to_owned();
        if s.name.is_empty() {
            return Err(StoreError::Validation(vec![FieldError::new(
                "name", "required",
            )]));
        }
        let old = if s.id.is_empty() {
            None
        } else {
            Some(
                self.order_status(&s.id)?
                    .ok_or_else(|| StoreError::NotFound(format!("order status {}", s.id)))?,
            )
        };
        s.code = old.as_ref().map(|o| o.code.clone()).unwrap_or_default();
        if old.as_ref() == Some(&s) {
            return Ok(s);
        }
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        match &old {
            None => {
                s.id = new_id();
                tx.execute(
                    "INSERT INTO order_statuses (id, code, name, position, archived, counts) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![s.id, s.code, s.name, s.position, s.archived, s.counts],
                )?;
                let f = status_cols(&s).to_string();
                log_change(&tx, &mut self.hlc, "order_statuses", &s.id, "insert", &f)?;
            }
            Some(o) => {
                tx.execute(
                    "UPDATE order_statuses SET name = ?2, position = ?3, archived = ?4, counts = ?5 WHERE id = ?1",
                    params![s.id, s.name, s.position, s.archived, s.counts],
                )?;
                let changed = crate::store::rows::diff(&status_cols(o), &status_cols(&s))?;
                let f = Value::Object(changed).to_string();
                log_change(&tx, &mut self.hlc, "order_statuses", &s.id, "update", &f)?;
            }
        }
        save_clock(&tx, &self.hlc)?;
        tx.commit()?;
        self.invalidate_orders();
        Ok(s)
    }

    /// "Removing" a status archives it: old orders still name it.
    pub fn delete_order_status(&mut self, id: &str) -> Result<OrderStatus, StoreError> {
        let s = self
            .order_status(id)?
            .ok_or_else(|| StoreError::NotFound(format!("order status {id}")))?;
        self.save_order_status(OrderStatus {
            archived: true,
            ..s
        })
    }
}
