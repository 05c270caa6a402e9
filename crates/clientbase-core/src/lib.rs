//! Clientbase core: the domain model, the SQLite store (migrations, change log for sync), search,
//! phone normalisation, validation, duplicate detection, the demo-data generator, and [`api`]: the one
//! set of command functions that the Tauri shell, the dev HTTP adapter and the CLI all call.
//!
//! Invariant: nothing in this crate knows Tauri, HTTP or an async runtime.

pub mod api;
pub mod error;
pub mod model;
pub mod orders_api;
pub mod orders_model;

pub use error::{ApiError, FieldError, StoreError};
pub mod demo;
pub mod greeting;
pub mod hlc;
pub mod jobs;
pub mod links;
pub mod migrations;
pub mod phone;
pub mod store;
pub mod today;
pub mod validate;

pub use store::Store;
