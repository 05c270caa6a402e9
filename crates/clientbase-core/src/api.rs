//! The command API. Each `pub fn` here is one command; the Tauri shell wraps each in a 3-line
//! `#[tauri::command]`, the dev HTTP adapter reaches them through [`dispatch`]. Argument names are the
//! JSON keys the UI sends (single words, so Tauri's camelCase conversion is the identity).
//!
//! Commands (argument names = JSON keys): `app_info`, `get_settings`, `set_settings(settings)`,
//! `list_clients(query)`, `get_client(id)`, `check_duplicates(input, exclude)`, `create_client(input)`,
//! `update_client(id, input)`, `delete_client(id)`, `restore_client(id)`, `check_phone(raw, country)`,
//! `list_categories`, `save_category(category)`, `delete_category(id)`, `list_custom_fields`,
//! `save_custom_field(field)`, `delete_custom_field(id)`, `list_tags`, `list_cities`,
//! `load_demo(count)`, `clear_demo`, `stats`.

use crate::error::ApiError;
use crate::model::*;
use crate::store::Store;
use crate::{links, phone};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Platform {
    Desktop,
    Android,
    Ios,
}

/// A one-tap action on the client card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ActionKind {
    Call,
    Sms,
    Whatsapp,
    Telegram,
    Viber,
    Email,
    Map,
    Website,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ContactAction {
    pub kind: ActionKind,
    /// What the button shows under its name: the phone, handle, e-mail or address.
    pub label: String,
    /// The URL to open: `tel:+380…`, `sms:+380…`, `https://wa.me/380…`, `https://t.me/user`,
    /// `viber://chat?number=%2B380…`, `mailto:…`, a maps URL for the platform.
    pub url: String,
    /// Set when the action belongs to a contact person of an organisation.
    #[ts(optional)]
    pub contact_id: Option<Id>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ClientCard {
    pub client: Client,
    pub actions: Vec<ContactAction>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AppInfo {
    pub version: String,
    pub schema_version: i64,
    pub db_path: String,
    pub platform: Platform,
}

/// Everything a command needs: the open store and what platform we run on.
pub struct App {
    pub platform: Platform,
    pub store: Store,
}

impl App {
    /// Opens (creating/migrating) the database at `path`.
    pub fn open(path: &str, platform: Platform) -> Result<Self, ApiError> {
        Ok(App {
            platform,
            store: Store::open(path)?,
        })
    }
}

type R<T> = Result<T, ApiError>;

pub fn app_info(app: &mut App) -> R<AppInfo> {
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        schema_version: app.store.schema_version()?,
        db_path: app.store.path().to_owned(),
        platform: app.platform,
    })
}

pub fn get_settings(app: &mut App) -> R<Settings> {
    Ok(app.store.settings().clone())
}

pub fn set_settings(app: &mut App, settings: Settings) -> R<Settings> {
    Ok(app.store.set_settings(settings)?)
}

pub fn list_clients(app: &mut App, query: ListQuery) -> R<ListPage> {
    Ok(app.store.list_clients(&query)?)
}

pub fn get_client(app: &mut App, id: Id) -> R<ClientCard> {
    let client = app.store.get_client(&id)?;
    let actions = links::actions(&client, app.platform, &app.store.settings().default_country);
    Ok(ClientCard { client, actions })
}

pub fn check_duplicates(
    app: &mut App,
    input: ClientInput,
    exclude: Option<Id>,
) -> R<Vec<DuplicateMatch>> {
    Ok(app.store.check_duplicates(&input, exclude.as_deref())?)
}

pub fn create_client(app: &mut App, input: ClientInput) -> R<Client> {
    Ok(app.store.create_client(input)?)
}

pub fn update_client(app: &mut App, id: Id, input: ClientInput) -> R<Client> {
    Ok(app.store.update_client(&id, input)?)
}

/// Soft delete; returns the client (with `deleted_at`) so the UI can offer "undo".
pub fn delete_client(app: &mut App, id: Id) -> R<Client> {
    Ok(app.store.delete_client(&id)?)
}

pub fn restore_client(app: &mut App, id: Id) -> R<Client> {
    Ok(app.store.restore_client(&id)?)
}

/// Live phone hint for the form; `country` defaults to the settings' default country.
pub fn check_phone(app: &mut App, raw: String, country: Option<String>) -> R<PhoneCheck> {
    let country = country
        .filter(|c| !c.trim().is_empty())
        .unwrap_or_else(|| app.store.settings().default_country.clone());
    Ok(phone::check(&raw, &country, PhoneKind::Mobile))
}

pub fn list_categories(app: &mut App) -> R<Vec<Category>> {
    Ok(app.store.categories()?)
}

pub fn save_category(app: &mut App, category: Category) -> R<Category> {
    Ok(app.store.save_category(category)?)
}

pub fn delete_category(app: &mut App, id: Id) -> R<()> {
    Ok(app.store.delete_category(&id)?)
}

pub fn list_custom_fields(app: &mut App) -> R<Vec<CustomFieldDef>> {
    Ok(app.store.custom_fields()?)
}

pub fn save_custom_field(app: &mut App, field: CustomFieldDef) -> R<CustomFieldDef> {
    Ok(app.store.save_custom_field(field)?)
}

pub fn delete_custom_field(app: &mut App, id: Id) -> R<()> {
    Ok(app.store.delete_custom_field(&id)?)
}

pub fn list_tags(app: &mut App) -> R<Vec<String>> {
    Ok(app.store.tags()?)
}

pub fn list_cities(app: &mut App) -> R<Vec<String>> {
    Ok(app.store.cities()?)
}

pub fn load_demo(app: &mut App, count: u32) -> R<Stats> {
    if count > 1_000_000 {
        return Err(ApiError::new(
            "bad_request",
            "count must be at most 1000000",
        ));
    }
    Ok(app.store.load_demo(count as usize)?)
}

pub fn clear_demo(app: &mut App) -> R<Stats> {
    Ok(app.store.clear_demo()?)
}

pub fn stats(app: &mut App) -> R<Stats> {
    Ok(app.store.stats()?)
}

/// Names of every command [`dispatch`] knows.
pub const COMMANDS: &[&str] = &[
    "app_info",
    "get_settings",
    "set_settings",
    "list_clients",
    "get_client",
    "check_duplicates",
    "create_client",
    "update_client",
    "delete_client",
    "restore_client",
    "check_phone",
    "list_categories",
    "save_category",
    "delete_category",
    "list_custom_fields",
    "save_custom_field",
    "delete_custom_field",
    "list_tags",
    "list_cities",
    "load_demo",
    "clear_demo",
    "stats",
];

fn arg<T: serde::de::DeserializeOwned>(args: &Value, name: &str) -> R<T> {
    let v = args.get(name).cloned().unwrap_or(Value::Null);
    serde_json::from_value(v)
        .map_err(|e| ApiError::new("bad_request", format!("argument `{name}`: {e}")))
}

fn out<T: Serialize>(r: R<T>) -> R<Value> {
    let v = r?;
    serde_json::to_value(v).map_err(|e| ApiError::new("internal", e.to_string()))
}

/// Calls the command `cmd` with named JSON arguments (`{"id": "...", "input": {...}}`); the keys are
/// the Rust parameter names. Unknown command or bad arguments → `bad_request`.
pub fn dispatch(app: &mut App, cmd: &str, args: Value) -> R<Value> {
    let a = if args.is_null() {
        Value::Object(Default::default())
    } else {
        args
    };
    if !a.is_object() {
        return Err(ApiError::new(
            "bad_request",
            "arguments must be a JSON object",
        ));
    }
    match cmd {
        "app_info" => out(app_info(app)),
        "get_settings" => out(get_settings(app)),
        "set_settings" => out(set_settings(app, arg(&a, "settings")?)),
        "list_clients" => out(list_clients(app, arg(&a, "query")?)),
        "get_client" => out(get_client(app, arg(&a, "id")?)),
        "check_duplicates" => out(check_duplicates(
            app,
            arg(&a, "input")?,
            arg(&a, "exclude")?,
        )),
        "create_client" => out(create_client(app, arg(&a, "input")?)),
        "update_client" => out(update_client(app, arg(&a, "id")?, arg(&a, "input")?)),
        "delete_client" => out(delete_client(app, arg(&a, "id")?)),
        "restore_client" => out(restore_client(app, arg(&a, "id")?)),
        "check_phone" => out(check_phone(app, arg(&a, "raw")?, arg(&a, "country")?)),
        "list_categories" => out(list_categories(app)),
        "save_category" => out(save_category(app, arg(&a, "category")?)),
        "delete_category" => out(delete_category(app, arg(&a, "id")?)),
        "list_custom_fields" => out(list_custom_fields(app)),
        "save_custom_field" => out(save_custom_field(app, arg(&a, "field")?)),
        "delete_custom_field" => out(delete_custom_field(app, arg(&a, "id")?)),
        "list_tags" => out(list_tags(app)),
        "list_cities" => out(list_cities(app)),
        "load_demo" => out(load_demo(app, arg(&a, "count")?)),
        "clear_demo" => out(clear_demo(app)),
        "stats" => out(stats(app)),
        _ => Err(ApiError::new(
            "bad_request",
            format!("unknown command `{cmd}`"),
        )),
    }
}

#[cfg(test)]
mod tests {
    /// The Tauri shell keeps the app in `State<Mutex<App>>`: it must be `Send`.
    #[test]
    fn app_is_send() {
        fn send<T: Send>() {}
        send::<super::App>();
    }
}
