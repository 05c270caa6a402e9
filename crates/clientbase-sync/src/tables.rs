//! Which tables sync, and how they merge.

/// How a synced table merges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableKind {
    /// Per-field last-writer-wins; `update` changes merge field by field.
    Mergeable,
    /// Rows are written once (`insert`), then only deleted/restored: an `update` is rejected.
    InsertOnly,
}

/// One synced table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableSpec {
    pub name: &'static str,
    pub kind: TableKind,
    /// The column naming the client a row belongs to (visibility follows the client's owner);
    /// `Some("id")` for `clients` itself; `None` for company-wide tables (catalogues).
    pub client_column: Option<&'static str>,
    /// Whether the table has a `deleted_at` column (soft delete). Otherwise a `delete` removes the row.
    pub soft_delete: bool,
}

/// The synced tables, parents before children (the order a snapshot is applied in).
/// `settings` and `meta` are device-local and never sync.
pub const SYNCED_TABLES: &[TableSpec] = &[
    spec("categories", TableKind::Mergeable, None, false),
    spec("custom_fields", TableKind::Mergeable, None, false),
    spec("interaction_kinds", TableKind::Mergeable, None, false),
    spec("interaction_outcomes", TableKind::Mergeable, None, false),
    spec("greeting_templates", TableKind::Mergeable, None, false),
    spec("order_statuses", TableKind::Mergeable, None, false),
    spec("clients", TableKind::Mergeable, Some("id"), true),
    spec("contacts", TableKind::Mergeable, Some("client_id"), false),
    spec(
        "interactions",
        TableKind::InsertOnly,
        Some("client_id"),
        true,
    ),
    spec("tasks", TableKind::Mergeable, Some("client_id"), true),
    // Orders are editable in the app (schema v8 logs `update`s of an order's status, amount, items),
    // so they merge per field like tasks rather than being insert-only.
    spec("orders", TableKind::Mergeable, Some("client_id"), true),
];

const fn spec(
    name: &'static str,
    kind: TableKind,
    client_column: Option<&'static str>,
    soft_delete: bool,
) -> TableSpec {
    TableSpec {
        name,
        kind,
        client_column,
        soft_delete,
    }
}

/// The spec of a synced table, `None` for a table that does not sync (or is unknown).
pub fn table_spec(name: &str) -> Option<&'static TableSpec> {
    SYNCED_TABLES.iter().find(|t| t.name == name)
}
