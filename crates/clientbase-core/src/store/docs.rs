//! Search documents and list rows: built from a client on writes, or from the derived columns of
//! stored rows at open (no JSON or phone parsing on that path).

use super::rows::{birthday_at, birthday_md, display_name, join_names, text, Derived};
use crate::error::StoreError;
use crate::model::*;
use clientbase_search::SearchDoc;
use rusqlite::{Connection, Params};

/// The list row of a client.
pub(crate) fn summary(c: &Client, dv: &Derived) -> ClientSummary {
    ClientSummary {
        id: c.id.clone(),
        kind: c.data.kind,
        display_name: display_name(&c.data),
        subtitle: dv.subtitle.clone(),
        phone: dv.phone_display.clone(),
        city: dv.city.clone(),
        category_id: c.data.category_id.clone(),
        tags: c.data.tags.clone(),
        birthday: c.data.birthday,
    }
}

fn created_ms(s: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|d| d.timestamp_millis())
        .unwrap_or(0)
}

/// The search document of a client summary.
pub(crate) fn make_doc(
    s: ClientSummary,
    search_extra: &str,
    search_notes: &str,
    phone_digits: Vec<String>,
    created_ms: i64,
) -> SearchDoc<ClientSummary> {
    let mut texts = vec![s.display_name.clone()];
    for t in [&s.subtitle, &s.city] {
        if !t.is_empty() {
            texts.push(t.clone());
        }
    }
    for t in [search_extra, search_notes] {
        if !t.is_empty() {
            texts.push(t.to_owned());
        }
    }
    texts.extend(s.tags.iter().cloned());
    SearchDoc {
        key: s.id.clone(),
        sort_name: s.display_name.clone(),
        texts,
        phone_digits,
        category: s.category_id.clone(),
        tags: s.tags.clone(),
        city: s.city.clone(),
        created_ms,
        birthday_md: birthday_md(&s.birthday),
        payload: s,
    }
}

pub(crate) fn doc_of(c: &Client, dv: &Derived) -> SearchDoc<ClientSummary> {
    make_doc(
        summary(c, dv),
        &dv.search_extra,
        &dv.search_notes,
        dv.phone_digits.clone(),
        created_ms(&c.created_at),
    )
}

/// Search documents of the clients matching `cond` (SQL over alias `c`), from the derived columns only.
pub(crate) fn load_docs<P: Params>(
    conn: &Connection,
    cond: &str,
    params: P,
) -> Result<Vec<SearchDoc<ClientSummary>>, StoreError> {
    query_docs(conn, &format!("clients c WHERE {cond}"), params)
}

/// Search documents of `SELECT … FROM {from}` (`from` joins and filters with `clients` as `c`).
pub(crate) fn query_docs<P: Params>(
    conn: &Connection,
    from: &str,
    params: P,
) -> Result<Vec<SearchDoc<ClientSummary>>, StoreError> {
    let sql = format!(
        "SELECT c.id, c.kind, c.first_name, c.last_name, c.middle_name, c.org_name, c.subtitle, c.city, \
         c.phone_display, c.phone_digits, c.search_extra, c.category_id, c.tags, c.birthday_day, c.birthday_month, \
         c.birthday_year, c.created_at, c.search_notes FROM {from}"
    );
    let mut st = conn.prepare(&sql)?;
    let mut rows = st.query(params)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let kind = if text(r, 1)? == "organization" {
            ClientKind::Organization
        } else {
            ClientKind::Person
        };
        let display_name = match kind {
            ClientKind::Organization => r.get(5)?,
            ClientKind::Person => join_names(&[text(r, 3)?, text(r, 2)?, text(r, 4)?]),
        };
        let tags_json = text(r, 12)?;
        let tags: Vec<String> = if tags_json == "[]" {
            Vec::new()
        } else {
            serde_json::from_str(tags_json)?
        };
        let digits: Vec<String> = text(r, 9)?
            .split(' ')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        let s = ClientSummary {
            id: r.get(0)?,
            kind,
            display_name,
            subtitle: r.get(6)?,
            phone: r.get(8)?,
            city: r.get(7)?,
            category_id: r.get(11)?,
            tags,
            birthday: birthday_at(r, 13)?,
        };
        out.push(make_doc(
            s,
            text(r, 10)?,
            text(r, 17)?,
            digits,
            created_ms(text(r, 16)?),
        ));
    }
    Ok(out)
}
