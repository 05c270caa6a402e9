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
    TableSpec {
        name: "categories",
        kind: TableKind::Mergeable,
        client_column: None,
        soft_delete: false,
    },
    TableSpec {
        name: "custom_fields",
        kind: TableKind::Mergeable,
        client_column: None,
        soft_delete: false,
    },
    TableSpec {
        name: "interaction_kinds",
        kind: TableKind::Mergeable,
        client_column: None,
        soft_delete: false,
    },
    TableSpec {
        name: "interaction_outcomes",
        kind: TableKind::Mergeable,
        client_column: None,
        soft_delete: false,
    },
    TableSpec {
        name: "greeting_templates",
        kind: TableKind::Mergeable,
        client_column: None,
        soft_delete: false,
    },
    TableSpec {
        name: "clients",
        kind: TableKind::Mergeable,
        client_column: Some("id"),
        soft_delete: true,
    },
    TableSpec {
        name: "contacts",
        kind: TableKind::Mergeable,
        client_column: Some("client_id"),
        soft_delete: false,
    },
    TableSpec {
        name: "interactions",
        kind: TableKind::InsertOnly,
        client_column: Some("client_id"),
        soft_delete: true,
    },
    TableSpec {
        name: "tasks",
        kind: TableKind::Mergeable,
        client_column: Some("client_id"),
        soft_delete: true,
    },
    TableSpec {
        name: "orders",
        kind: TableKind::InsertOnly,
        client_column: Some("client_id"),
        soft_delete: true,
    },
    TableSpec {
        name: "order_lines",
        kind: TableKind::InsertOnly,
        client_column: None,
        soft_delete: false,
    },
];

/// The spec of a synced table, `None` for a table that does not sync (or is unknown).
pub fn table_spec(name: &str) -> Option<&'static TableSpec> {
    SYNCED_TABLES.iter().find(|t| t.name == name)
}
