//! Demo orders for a demo base, and removing them with the demo clients.

use super::*;

impl Store {
    // ---- demo --------------------------------------------------------------------------------

    /// Demo orders for a demo base: five per demo client, at most 20,000 (so loading a large demo
    /// base for other benchmarks stays quick). Returns the number written.
    pub fn load_demo_orders(&mut self) -> Result<usize, StoreError> {
        let n: i64 = self.conn.query_row(
            "SELECT count(*) FROM clients WHERE is_demo = 1 AND deleted_at IS NULL",
            [],
            |r| r.get(0),
        )?;
        self.add_demo_orders((n as usize * 5).min(20_000))
    }

    /// Adds `n` demo orders and payments to the demo clients (see [`crate::demo::orders`]),
    /// logged, in one transaction. Returns the number written (0 without demo clients).
    pub fn add_demo_orders(&mut self, n: usize) -> Result<usize, StoreError> {
        let ids: Vec<String> = {
            let mut st = self.conn.prepare(
                "SELECT id FROM clients WHERE is_demo = 1 AND deleted_at IS NULL ORDER BY id",
            )?;
            let r = st.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
            r
        };
        let currency = self.order_settings()?.currency;
        let today = self.local_today();
        let existing: i64 =
            self.conn
                .query_row("SELECT count(*) FROM orders WHERE is_demo = 1", [], |r| {
                    r.get(0)
                })?;
        let plan = crate::demo::orders::plan(0x0D3E_5000 ^ existing as u64, ids.len(), n, today);
        let now = self.now();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        for p in &plan {
            let o = Order {
                id: new_id(),
                client_id: ids[p.client].clone(),
                kind: p.kind,
                date: p.date.format("%Y-%m-%d").to_string(),
                amount: p.amount,
                currency: currency.clone(),
                status_id: p.status.map(str::to_owned),
                items: Vec::new(),
                note: String::new(),
                owner: String::new(),
                created_at: now.clone(),
                updated_at: now.clone(),
                deleted_at: None,
            };
            insert_order(&tx, &mut self.hlc, &o, true)?;
        }
        save_clock(&tx, &self.hlc)?;
        tx.commit()?;
        self.invalidate_orders();
        Ok(plan.len())
    }
}

/// For clearing demo data: logs a delete for every order of the demo clients and removes them,
/// in the caller's transaction (before the demo clients are deleted: the foreign key would
/// cascade, unlogged).
pub(crate) fn delete_demo_orders(
    tx: &Transaction<'_>,
    hlc: &mut crate::hlc::Hlc,
) -> Result<(), StoreError> {
    let ids: Vec<String> = {
        let mut st = tx.prepare(
            "SELECT id FROM orders WHERE client_id IN (SELECT id FROM clients WHERE is_demo = 1)",
        )?;
        let r = st.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
        r
    };
    for id in &ids {
        log_change(tx, hlc, "orders", id, "delete", "{}")?;
    }
    tx.execute(
        "DELETE FROM orders WHERE client_id IN (SELECT id FROM clients WHERE is_demo = 1)",
        [],
    )?;
    Ok(())
}
