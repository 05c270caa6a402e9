//! The command API. Each `pub fn` here is one command; the Tauri shell wraps each in a 3-line
//! `#[tauri::command]`, the dev HTTP adapter reaches them through [`dispatch`]. Argument names are the
//! JSON keys the UI sends (single words, so Tauri's camelCase conversion is the identity).
//!
//! Commands (argument names = JSON keys): `app_info`, `get_settings`, `set_settings(settings)`,
//! `list_clients(query)`, `get_client(id)`, `check_duplicates(input, exclude)`, `create_client(input)`,
//! `update_client(id, input)`, `delete_client(id)`, `restore_client(id)`, `check_phone(raw, country)`,
//! `list_categories`, `save_category(category)`, `delete_category(id)`, `list_custom_fields`,
//! `save_custom_field(field)`, `delete_custom_field(id)`, `list_tags`, `list_cities`,
//! `load_demo(count)`, `clear_demo`, `stats`, `screen_ready` (the UI's first screen is painted).
//!
//! The daily loop (times are RFC 3339; "now" and the time zone are the device's, `chrono::Local`):
//! `list_interaction_kinds`, `save_interaction_kind(item)`, `delete_interaction_kind(id)`,
//! `list_interaction_outcomes`, `save_interaction_outcome(item)`, `delete_interaction_outcome(id)`,
//! `log_interaction(input)`, `list_interactions(client, offset, limit)`, `delete_interaction(id)`,
//! `restore_interaction(id)`, `list_tasks(query)`, `get_task(id)`, `create_task(input)`,
//! `update_task(id, input)`, `delete_task(id)`, `restore_task(id)`, `complete_task(id)`,
//! `uncomplete_task(id)`, `snooze_task(id, to)`, `today(limit)`, `today_birthdays(offset, limit)`,
//! `today_cadence(offset, limit)`, `upcoming_reminders(from, to, limit)`,
//! `get_reminder_settings`, `set_reminder_settings(settings)`, `list_greeting_templates`,
//! `save_greeting_template(template)`, `greeting_draft(client, contact, language)`,
//! `greeting_actions(client, contact, text)`, `congratulate(client, contact, channel, text)`.
//!
//! Backups (files beside the base, in `backups/`): `list_backups`, `backup_now`,
//! `restore_backup(path)`, `get_backup_settings`, `set_backup_settings(settings)`.
//!
//! Duplicates: `duplicate_groups(limit)`, `merge_preview(keep, others)`,
//! `merge_clients(keep, others, choices)`. (Import and export — file formats — are the
//! `clientbase-import` crate's commands; its `dispatch` falls back to this one. Their import jobs
//! run on threads of their own, registered in [`App::jobs`].)

use crate::error::ApiError;
use crate::model::*;
use crate::store::{backup, Store};
use crate::{greeting, links, phone};
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

/// A way to send a greeting: a card action of the person with the text prefilled where the link allows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct GreetingAction {
    pub kind: ActionKind,
    /// The phone, handle or e-mail.
    pub label: String,
    pub url: String,
    /// The URL carries the text (WhatsApp, SMS, e-mail). When false (Telegram, Viber, a call), the UI
    /// copies the text to the clipboard before opening it.
    pub prefilled: bool,
}

/// "Congratulate": the ready greeting and the ways to send it (the preferred channel first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct GreetingDraft {
    /// The template's language: "en" | "ru" | "uk" | "el" | "zh".
    pub language: String,
    pub text: String,
    pub actions: Vec<GreetingAction>,
}

/// The logged greeting and the URL to open for the chosen channel with the final text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Congratulation {
    pub logged: LoggedInteraction,
    #[ts(optional)]
    pub url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AppInfo {
    pub version: String,
    pub schema_version: i64,
    pub db_path: String,
    pub platform: Platform,
}

/// Everything a command needs: the open store, what platform we run on, and the long-running
/// jobs (imports) on threads of their own.
pub struct App {
    pub platform: Platform,
    pub store: Store,
    pub jobs: crate::jobs::Jobs,
}

impl App {
    /// Opens (creating/migrating) the database at `path`.
    pub fn open(path: &str, platform: Platform) -> Result<Self, ApiError> {
        Ok(App {
            platform,
            store: Store::open(path)?,
            jobs: Default::default(),
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

/// What the first screen needs, in one call ([`Boot`]): settings, stats, categories, custom
/// fields, Today (`today_limit` rows a section, as [`today`]), interaction kinds and outcomes.
/// A failing Today does not fail the call: its error travels in `today_error`.
pub fn boot(app: &mut App, today_limit: Option<u32>) -> R<Boot> {
    let (today, today_error) = match today(app, today_limit) {
        Ok(t) => (Some(t), None),
        Err(e) => (None, Some(e)),
    };
    Ok(Boot {
        settings: get_settings(app)?,
        stats: stats(app)?,
        categories: list_categories(app)?,
        custom_fields: list_custom_fields(app)?,
        today,
        today_error,
        interaction_kinds: list_interaction_kinds(app)?,
        interaction_outcomes: list_interaction_outcomes(app)?,
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

/// The UI's first screen is painted: background work (building the search index) may start now.
pub fn screen_ready(app: &mut App) -> R<()> {
    app.store.screen_ready();
    Ok(())
}

pub fn stats(app: &mut App) -> R<Stats> {
    // An import committed on its own thread: count what it added.
    app.store.apply_background()?;
    Ok(app.store.stats()?)
}

// ---- duplicates -------------------------------------------------------------------------------

/// Groups of likely duplicates across the base (shared phone, e-mail, or name + company);
/// `limit` groups (absent/0 = 50, at most 200), those sharing a phone or e-mail first.
pub fn duplicate_groups(app: &mut App, limit: Option<u32>) -> R<DuplicateGroups> {
    Ok(app.store.duplicate_groups(limit.unwrap_or(0))?)
}

/// What merging the cards `others` into `keep` gives and which fields differ, without writing.
pub fn merge_preview(app: &mut App, keep: Id, others: Vec<Id>) -> R<MergePreview> {
    Ok(app.store.merge_preview(&keep, &others)?)
}

/// Merges the cards `others` into `keep` (one transaction, logged for sync): every phone, e-mail,
/// messenger, tag, contact person, note, custom value, interaction and task is kept; `choices`
/// maps a differing field (`MergeConflict.field`) to the client whose value wins (default: the
/// kept card's, else the first other's). The others are soft-deleted. Returns the merged card.
pub fn merge_clients(
    app: &mut App,
    keep: Id,
    others: Vec<Id>,
    choices: Option<std::collections::BTreeMap<String, Id>>,
) -> R<ClientCard> {
    let client = app
        .store
        .merge_clients(&keep, &others, &choices.unwrap_or_default())?;
    let actions = links::actions(&client, app.platform, &app.store.settings().default_country);
    Ok(ClientCard { client, actions })
}

// ---- interactions, tasks, birthdays, Today ----------------------------------------------------

fn local_now() -> chrono::DateTime<chrono::Local> {
    chrono::Local::now()
}

fn local_time(field: &str, s: &str) -> R<chrono::DateTime<chrono::Local>> {
    crate::today::parse_instant(s)
        .map(|t| t.with_timezone(&chrono::Local))
        .ok_or_else(|| {
            crate::StoreError::Validation(vec![crate::FieldError::new(field, "date_invalid")])
                .into()
        })
}

pub fn list_interaction_kinds(app: &mut App) -> R<Vec<ListItem>> {
    Ok(app.store.interaction_kinds()?)
}

/// Creates (empty id) or renames/reorders/unarchives a kind.
pub fn save_interaction_kind(app: &mut App, item: ListItem) -> R<ListItem> {
    Ok(app.store.save_interaction_kind(item)?)
}

/// Archives a kind; returns it.
pub fn delete_interaction_kind(app: &mut App, id: Id) -> R<ListItem> {
    Ok(app.store.delete_interaction_kind(&id)?)
}

pub fn list_interaction_outcomes(app: &mut App) -> R<Vec<ListItem>> {
    Ok(app.store.interaction_outcomes()?)
}

pub fn save_interaction_outcome(app: &mut App, item: ListItem) -> R<ListItem> {
    Ok(app.store.save_interaction_outcome(item)?)
}

pub fn delete_interaction_outcome(app: &mut App, id: Id) -> R<ListItem> {
    Ok(app.store.delete_interaction_outcome(&id)?)
}

pub fn log_interaction(app: &mut App, input: InteractionInput) -> R<LoggedInteraction> {
    Ok(app.store.log_interaction(input, &local_now())?)
}

/// The card's timeline, newest first (`limit` 0/absent = 50, at most 1000).
pub fn list_interactions(
    app: &mut App,
    client: Id,
    offset: Option<u32>,
    limit: Option<u32>,
) -> R<InteractionPage> {
    Ok(app
        .store
        .interactions(&client, offset.unwrap_or(0), limit.unwrap_or(0))?)
}

pub fn delete_interaction(app: &mut App, id: Id) -> R<Interaction> {
    Ok(app.store.delete_interaction(&id)?)
}

pub fn restore_interaction(app: &mut App, id: Id) -> R<Interaction> {
    Ok(app.store.restore_interaction(&id)?)
}

pub fn list_tasks(app: &mut App, query: TaskQuery) -> R<TaskPage> {
    Ok(app.store.tasks(&query)?)
}

pub fn get_task(app: &mut App, id: Id) -> R<Task> {
    Ok(app.store.get_task(&id)?)
}

pub fn create_task(app: &mut App, input: TaskInput) -> R<Task> {
    Ok(app.store.create_task(input, &local_now())?)
}

pub fn update_task(app: &mut App, id: Id, input: TaskInput) -> R<Task> {
    Ok(app.store.update_task(&id, input, &local_now())?)
}

/// Soft delete; returns the task so the UI can offer "undo" (`restore_task`).
pub fn delete_task(app: &mut App, id: Id) -> R<Task> {
    Ok(app.store.delete_task(&id)?)
}

pub fn restore_task(app: &mut App, id: Id) -> R<Task> {
    Ok(app.store.restore_task(&id)?)
}

/// Done now; a repeating task moves to its next occurrence.
pub fn complete_task(app: &mut App, id: Id) -> R<Task> {
    Ok(app.store.complete_task(&id, &local_now())?)
}

pub fn uncomplete_task(app: &mut App, id: Id) -> R<Task> {
    Ok(app.store.uncomplete_task(&id)?)
}

/// Moves the task to `to` (RFC 3339).
pub fn snooze_task(app: &mut App, id: Id, to: String) -> R<Task> {
    Ok(app.store.snooze_task(&id, &to)?)
}

/// Today; `limit`: rows in the birthday and cadence sections (default and at most 200), the rest
/// paged with [`today_birthdays`] and [`today_cadence`].
pub fn today(app: &mut App, limit: Option<u32>) -> R<Today> {
    let limit = limit.map_or(usize::MAX, |n| n as usize);
    Ok(app.store.today_limited(&local_now(), limit)?)
}

/// A page of Today's birthday section (`limit` 0 = 50, at most 1000).
pub fn today_birthdays(app: &mut App, offset: u32, limit: u32) -> R<BirthdayPage> {
    Ok(app.store.today_birthdays(&local_now(), offset, limit)?)
}

/// A page of Today's cadence section (`limit` 0 = 50, at most 1000).
pub fn today_cadence(app: &mut App, offset: u32, limit: u32) -> R<CadencePage> {
    Ok(app.store.today_cadence(&local_now(), offset, limit)?)
}

/// Reminders to schedule with `from <= at < to` (defaults: now, `from` + 30 days), at most `limit`
/// (default 500, at most 1000), by time.
pub fn upcoming_reminders(
    app: &mut App,
    from: Option<String>,
    to: Option<String>,
    limit: Option<u32>,
) -> R<Vec<Reminder>> {
    let from = match from {
        Some(s) => local_time("from", &s)?,
        None => local_now(),
    };
    let to = match to {
        Some(s) => local_time("to", &s)?,
        None => from + chrono::Duration::days(30),
    };
    let limit = limit.filter(|&l| l > 0).unwrap_or(500) as usize;
    Ok(app.store.upcoming_reminders(&from, &to, limit)?)
}

pub fn get_reminder_settings(app: &mut App) -> R<ReminderSettings> {
    Ok(app.store.reminder_settings()?)
}

pub fn set_reminder_settings(app: &mut App, settings: ReminderSettings) -> R<ReminderSettings> {
    Ok(app.store.set_reminder_settings(settings)?)
}

pub fn list_greeting_templates(app: &mut App) -> R<Vec<GreetingTemplate>> {
    Ok(app.store.greeting_templates()?)
}

/// Saves a language's template text (`template.language` picks it).
pub fn save_greeting_template(app: &mut App, template: GreetingTemplate) -> R<GreetingTemplate> {
    Ok(app.store.save_greeting_template(template)?)
}

fn greeting_actions_for(
    app: &App,
    client: &str,
    contact: Option<&str>,
    text: &str,
) -> R<Vec<GreetingAction>> {
    let c = app.store.get_client(client)?;
    let card = links::actions(&c, app.platform, &app.store.settings().default_country);
    Ok(greeting::message_actions(
        &card,
        contact,
        text,
        c.data.preferred_channel,
        app.platform,
    ))
}

/// The ready greeting for a client (or its contact person `contact`) in `language` (absent: the
/// person's, from the name's script, else the UI language), and the ways to send it.
pub fn greeting_draft(
    app: &mut App,
    client: Id,
    contact: Option<Id>,
    language: Option<String>,
) -> R<GreetingDraft> {
    let contact = contact.filter(|c| !c.is_empty());
    let (language, text) =
        app.store
            .greeting_text(&client, contact.as_deref(), language.as_deref())?;
    let actions = greeting_actions_for(app, &client, contact.as_deref(), &text)?;
    Ok(GreetingDraft {
        language,
        text,
        actions,
    })
}

/// The ways to send an edited greeting `text`.
pub fn greeting_actions(
    app: &mut App,
    client: Id,
    contact: Option<Id>,
    text: String,
) -> R<Vec<GreetingAction>> {
    let contact = contact.filter(|c| !c.is_empty());
    greeting_actions_for(app, &client, contact.as_deref(), &text)
}

/// Logs the greeting (marks the birthday done for its year, completes the congratulate tasks) and
/// returns the URL of the first `channel` action of the person with `text` prefilled.
pub fn congratulate(
    app: &mut App,
    client: Id,
    contact: Option<Id>,
    channel: Option<Channel>,
    text: String,
) -> R<Congratulation> {
    let contact = contact.filter(|c| !c.is_empty());
    let logged =
        app.store
            .congratulate(&client, contact.as_deref(), channel, &text, &local_now())?;
    let url = match channel {
        Some(ch) => {
            greeting_actions_for(app, &client, contact.as_deref(), &logged.interaction.note)?
                .into_iter()
                .find(|a| a.kind == greeting::action_kind(ch))
                .map(|a| a.url)
        }
        None => None,
    };
    Ok(Congratulation { logged, url })
}

// ---- backups --------------------------------------------------------------------------------

fn backups_of(app: &App) -> std::path::PathBuf {
    backup::backup_dir(app.store.path())
}

/// The backups beside the base, newest first.
pub fn list_backups(app: &mut App) -> R<Vec<BackupInfo>> {
    Ok(backup::list_backups(&backups_of(app))?)
}

/// A backup now (kept until deleted by hand).
pub fn backup_now(app: &mut App) -> R<BackupInfo> {
    let dir = backups_of(app);
    Ok(backup::backup_database(
        app.store.path(),
        &dir,
        BackupKind::Manual,
        chrono::Utc::now(),
    )?)
}

/// Replaces the base with the backup at `path` after checking it (`backup_invalid` with the reason
/// as a `file` field error otherwise); the current base is saved as a `before_restore` backup first.
/// Returns the restored base's counts.
pub fn restore_backup(app: &mut App, path: String) -> R<Stats> {
    if app.jobs.running() {
        return Err(ApiError::new("busy", "an import is running"));
    }
    let src = std::path::PathBuf::from(&path);
    backup::validate_backup(&src)?;
    let dir = backups_of(app);
    backup::backup_database(
        app.store.path(),
        &dir,
        BackupKind::BeforeRestore,
        chrono::Utc::now(),
    )?;
    app.store.overwrite_from(&src)?;
    // Reopen: settings, device clock, migrations of an older backup, name order and index.
    let db = app.store.path().to_owned();
    app.store = Store::open(&db)?;
    Ok(app.store.stats()?)
}

pub fn get_backup_settings(app: &mut App) -> R<BackupSettings> {
    Ok(app.store.backup_settings()?)
}

pub fn set_backup_settings(app: &mut App, settings: BackupSettings) -> R<BackupSettings> {
    Ok(app.store.set_backup_settings(settings)?)
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
    "boot",
    "screen_ready",
    "list_interaction_kinds",
    "save_interaction_kind",
    "delete_interaction_kind",
    "list_interaction_outcomes",
    "save_interaction_outcome",
    "delete_interaction_outcome",
    "log_interaction",
    "list_interactions",
    "delete_interaction",
    "restore_interaction",
    "list_tasks",
    "get_task",
    "create_task",
    "update_task",
    "delete_task",
    "restore_task",
    "complete_task",
    "uncomplete_task",
    "snooze_task",
    "today",
    "today_birthdays",
    "today_cadence",
    "upcoming_reminders",
    "get_reminder_settings",
    "set_reminder_settings",
    "list_greeting_templates",
    "save_greeting_template",
    "greeting_draft",
    "greeting_actions",
    "congratulate",
    "list_backups",
    "backup_now",
    "restore_backup",
    "get_backup_settings",
    "set_backup_settings",
    "duplicate_groups",
    "merge_preview",
    "merge_clients",
];

pub(crate) fn arg<T: serde::de::DeserializeOwned>(args: &Value, name: &str) -> R<T> {
    let v = args.get(name).cloned().unwrap_or(Value::Null);
    serde_json::from_value(v)
        .map_err(|e| ApiError::new("bad_request", format!("argument `{name}`: {e}")))
}

pub(crate) fn out<T: Serialize>(r: R<T>) -> R<Value> {
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
        "boot" => out(boot(app, arg(&a, "limit")?)),
        "screen_ready" => out(screen_ready(app)),
        "list_interaction_kinds" => out(list_interaction_kinds(app)),
        "save_interaction_kind" => out(save_interaction_kind(app, arg(&a, "item")?)),
        "delete_interaction_kind" => out(delete_interaction_kind(app, arg(&a, "id")?)),
        "list_interaction_outcomes" => out(list_interaction_outcomes(app)),
        "save_interaction_outcome" => out(save_interaction_outcome(app, arg(&a, "item")?)),
        "delete_interaction_outcome" => out(delete_interaction_outcome(app, arg(&a, "id")?)),
        "log_interaction" => out(log_interaction(app, arg(&a, "input")?)),
        "list_interactions" => out(list_interactions(
            app,
            arg(&a, "client")?,
            arg(&a, "offset")?,
            arg(&a, "limit")?,
        )),
        "delete_interaction" => out(delete_interaction(app, arg(&a, "id")?)),
        "restore_interaction" => out(restore_interaction(app, arg(&a, "id")?)),
        "list_tasks" => out(list_tasks(app, arg(&a, "query")?)),
        "get_task" => out(get_task(app, arg(&a, "id")?)),
        "create_task" => out(create_task(app, arg(&a, "input")?)),
        "update_task" => out(update_task(app, arg(&a, "id")?, arg(&a, "input")?)),
        "delete_task" => out(delete_task(app, arg(&a, "id")?)),
        "restore_task" => out(restore_task(app, arg(&a, "id")?)),
        "complete_task" => out(complete_task(app, arg(&a, "id")?)),
        "uncomplete_task" => out(uncomplete_task(app, arg(&a, "id")?)),
        "snooze_task" => out(snooze_task(app, arg(&a, "id")?, arg(&a, "to")?)),
        "today" => out(today(app, arg(&a, "limit")?)),
        "today_birthdays" => out(today_birthdays(
            app,
            arg::<Option<u32>>(&a, "offset")?.unwrap_or(0),
            arg::<Option<u32>>(&a, "limit")?.unwrap_or(0),
        )),
        "today_cadence" => out(today_cadence(
            app,
            arg::<Option<u32>>(&a, "offset")?.unwrap_or(0),
            arg::<Option<u32>>(&a, "limit")?.unwrap_or(0),
        )),
        "upcoming_reminders" => out(upcoming_reminders(
            app,
            arg(&a, "from")?,
            arg(&a, "to")?,
            arg(&a, "limit")?,
        )),
        "get_reminder_settings" => out(get_reminder_settings(app)),
        "set_reminder_settings" => out(set_reminder_settings(app, arg(&a, "settings")?)),
        "list_greeting_templates" => out(list_greeting_templates(app)),
        "save_greeting_template" => out(save_greeting_template(app, arg(&a, "template")?)),
        "greeting_draft" => out(greeting_draft(
            app,
            arg(&a, "client")?,
            arg(&a, "contact")?,
            arg(&a, "language")?,
        )),
        "greeting_actions" => out(greeting_actions(
            app,
            arg(&a, "client")?,
            arg(&a, "contact")?,
            arg(&a, "text")?,
        )),
        "congratulate" => out(congratulate(
            app,
            arg(&a, "client")?,
            arg(&a, "contact")?,
            arg(&a, "channel")?,
            arg(&a, "text")?,
        )),
        "list_backups" => out(list_backups(app)),
        "backup_now" => out(backup_now(app)),
        "restore_backup" => out(restore_backup(app, arg(&a, "path")?)),
        "get_backup_settings" => out(get_backup_settings(app)),
        "set_backup_settings" => out(set_backup_settings(app, arg(&a, "settings")?)),
        "duplicate_groups" => out(duplicate_groups(app, arg(&a, "limit")?)),
        "merge_preview" => out(merge_preview(app, arg(&a, "keep")?, arg(&a, "others")?)),
        "merge_clients" => out(merge_clients(
            app,
            arg(&a, "keep")?,
            arg(&a, "others")?,
            arg(&a, "choices")?,
        )),
        _ => match crate::orders_api::dispatch(app, cmd, &a) {
            Some(r) => r,
            None => Err(ApiError::new(
                "bad_request",
                format!("unknown command `{cmd}`"),
            )),
        },
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
