//! In-memory search index over the client base.
//!
//! CONTRACT (the store builds on this; keep these names and shapes):
//!
//! ```ignore
//! pub fn fold(s: &str) -> String;                 // lowercase, strip accents (Greek too), ё→е, ς→σ, …
//! pub struct SearchDoc<T> { key, sort_name, texts, phone_digits, category, tags, city, created_ms, birthday_md, payload: T }
//! pub struct Filter { categories: Vec<String>, tag: Option<String>, city: Option<String> }
//! pub enum Sort { Name, Recent, NextBirthday { today_md: u16 } }
//! pub struct Page<'a, T> { total: usize, items: Vec<&'a T> }
//! impl<T> Index<T> {
//!     pub fn new(locale: &str) -> Self;            // "en" | "ru" | "uk" | "el" | "zh"
//!     pub fn set_locale(&mut self, locale: &str);  // changes the Name collation
//!     pub fn bulk_load(&mut self, docs: Vec<SearchDoc<T>>);
//!     pub fn upsert(&mut self, doc: SearchDoc<T>);
//!     pub fn remove(&mut self, key: &str) -> bool;
//!     pub fn len(&self) -> usize;
//!     pub fn query(&mut self, text: &str, filter: &Filter, sort: Sort, offset: usize, limit: usize) -> Page<'_, T>;
//!     pub fn tags(&self) -> Vec<String>; pub fn cities(&self) -> Vec<String>;  // distinct, for filter pickers
//! }
//! ```
