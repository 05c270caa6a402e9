//! The Tauri 2 shell: the only crate that knows Tauri.
//!
//! It opens the store once at start-up, registers the plugins (opener, notification) and exposes one
//! `#[tauri::command]` per function of [`clientbase_core::api`]. A command has no logic: lock the state,
//! call the core, return its `Result` (an [`ApiError`] reaches the UI as `{code, message, fields}`).
//!
//! Commands run on Tauri's blocking thread pool (`spawn_blocking`), never on the main (GTK/UI) thread
//! nor on an async worker: a slow command such as `load_demo` freezes neither the window nor the IPC.
//!
//! The store is opened on a background thread so the window shows at once (on Android a main thread
//! busy for seconds is an "app not responding"); a command that arrives before it is open waits.
//! If the store cannot be opened (a database written by a newer app: `schema_too_new`; an unreadable
//! file: `db_open`) the app still starts: the error is kept in the state and every command returns it,
//! so the UI shows it to the user instead of the process dying silently.

// mimalloc, not glibc malloc: the hot paths allocate many small strings across threads (see
// ARCHITECTURE.md, "Allocator").
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod daily;
mod files;
mod orders;
mod sync;

use clientbase_core::api::{self, App, AppInfo, ClientCard, Platform};
use clientbase_core::model::*;
use clientbase_core::ApiError;
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex};
use tauri::{Manager, State};

/// The platform this binary was built for.
pub const PLATFORM: Platform = if cfg!(target_os = "android") {
    Platform::Android
} else if cfg!(target_os = "ios") {
    Platform::Ios
} else {
    Platform::Desktop
};

/// The open store or the reason it could not be opened; `None` while it is still opening.
type Slot = Mutex<Option<Result<App, ApiError>>>;

/// The app's state: the store slot and the signal that it has been filled.
#[derive(Clone, Default)]
pub struct Shell(Arc<(Slot, Condvar)>);

impl Shell {
    /// Stores the result of opening the store and wakes the commands waiting for it.
    fn set(&self, opened: Result<App, ApiError>) {
        let (slot, ready) = &*self.0;
        *slot.lock().unwrap_or_else(|p| p.into_inner()) = Some(opened);
        ready.notify_all();
    }

    /// Runs `f` on the open store (waiting for it to be opened); returns the start-up error if any.
    fn with<T>(&self, f: impl FnOnce(&mut App) -> Result<T, ApiError>) -> Result<T, ApiError> {
        let (slot, ready) = &*self.0;
        // A panic inside a command cannot leave a half-written transaction (rusqlite rolls back on
        // drop), so a poisoned lock is safe to reuse.
        let mut guard = slot.lock().unwrap_or_else(|p| p.into_inner());
        while guard.is_none() {
            guard = ready.wait(guard).unwrap_or_else(|p| p.into_inner());
        }
        match guard.as_mut() {
            Some(Ok(app)) => f(app),
            Some(Err(e)) => Err(e.clone()),
            None => unreachable!("waited above"),
        }
    }

    /// [`Shell::with`] on the blocking thread pool.
    pub(crate) async fn run<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut App) -> Result<T, ApiError> + Send + 'static,
    {
        let shell = self.clone();
        tauri::async_runtime::spawn_blocking(move || shell.with(f))
            .await
            .map_err(|e| ApiError::new("internal", e.to_string()))?
    }
}

/// Command-line options (desktop only; mobile starts with none).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// `--db FILE`: the database file; default `<app data dir>/clientbase.db`.
    pub db: Option<PathBuf>,
    /// `--demo N`: load N demo clients when the base is empty.
    pub demo: Option<u32>,
}

impl Options {
    /// Reads `--db FILE` / `--db=FILE` and `--demo N` / `--demo=N`; ignores anything else (WebKitGTK's
    /// WebDriver adds `--automation`, for one).
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Self, String> {
        let mut options = Options::default();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let (name, inline) = match arg.split_once('=') {
                Some((n, v)) => (n.to_owned(), Some(v.to_owned())),
                None => (arg, None),
            };
            if name != "--db" && name != "--demo" {
                continue;
            }
            let value = inline
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))?;
            if name == "--db" {
                options.db = Some(PathBuf::from(value));
            } else {
                let n = value
                    .parse()
                    .map_err(|_| format!("--demo needs a number, got {value:?}"))?;
                options.demo = Some(n);
            }
        }
        Ok(options)
    }
}

/// Opens the store named by `options` and loads demo clients when asked.
fn open(handle: &tauri::AppHandle, options: &Options) -> Result<App, ApiError> {
    let path = match &options.db {
        Some(path) => path.clone(),
        None => {
            let dir = handle
                .path()
                .app_data_dir()
                .map_err(|e| ApiError::new("db_open", e.to_string()))?;
            std::fs::create_dir_all(&dir)
                .map_err(|e| ApiError::new("db_open", format!("{}: {e}", dir.display())))?;
            dir.join("clientbase.db")
        }
    };
    let path = path
        .to_str()
        .ok_or_else(|| ApiError::new("db_open", format!("not a UTF-8 path: {}", path.display())))?;
    let mut app = App::open(path, PLATFORM)?;
    if let Some(count) = options.demo {
        if api::stats(&mut app)?.clients == 0 {
            api::load_demo(&mut app, count)?;
        }
    }
    Ok(app)
}

/// The daily automatic backup (the core decides whether one is due), checked a while after start-up
/// — not to compete with the first screen and the search index — and then every hour. It reads
/// through its own connection, so the rep's work is never blocked.
fn auto_backups(db: String) {
    let _ = std::thread::Builder::new()
        .name("auto-backup".into())
        .spawn(move || loop {
            std::thread::sleep(std::time::Duration::from_secs(30));
            if let Err(e) = clientbase_core::store::backup::run_auto_backup(&db) {
                eprintln!("clientbase: automatic backup failed: {e}");
            }
            std::thread::sleep(std::time::Duration::from_secs(3600));
        });
}

#[tauri::command]
async fn app_info(state: State<'_, Shell>) -> Result<AppInfo, ApiError> {
    state.run(api::app_info).await
}

#[tauri::command]
async fn get_settings(state: State<'_, Shell>) -> Result<Settings, ApiError> {
    state.run(api::get_settings).await
}

#[tauri::command]
async fn set_settings(state: State<'_, Shell>, settings: Settings) -> Result<Settings, ApiError> {
    state.run(move |app| api::set_settings(app, settings)).await
}

#[tauri::command]
async fn list_clients(state: State<'_, Shell>, query: ListQuery) -> Result<ListPage, ApiError> {
    state.run(move |app| api::list_clients(app, query)).await
}

#[tauri::command]
async fn get_client(state: State<'_, Shell>, id: Id) -> Result<ClientCard, ApiError> {
    state.run(move |app| api::get_client(app, id)).await
}

#[tauri::command]
async fn check_duplicates(
    state: State<'_, Shell>,
    input: ClientInput,
    exclude: Option<Id>,
) -> Result<Vec<DuplicateMatch>, ApiError> {
    state
        .run(move |app| api::check_duplicates(app, input, exclude))
        .await
}

#[tauri::command]
async fn create_client(state: State<'_, Shell>, input: ClientInput) -> Result<Client, ApiError> {
    state.run(move |app| api::create_client(app, input)).await
}

#[tauri::command]
async fn update_client(
    state: State<'_, Shell>,
    id: Id,
    input: ClientInput,
) -> Result<Client, ApiError> {
    state
        .run(move |app| api::update_client(app, id, input))
        .await
}

#[tauri::command]
async fn delete_client(state: State<'_, Shell>, id: Id) -> Result<Client, ApiError> {
    state.run(move |app| api::delete_client(app, id)).await
}

#[tauri::command]
async fn restore_client(state: State<'_, Shell>, id: Id) -> Result<Client, ApiError> {
    state.run(move |app| api::restore_client(app, id)).await
}

#[tauri::command]
async fn check_phone(
    state: State<'_, Shell>,
    raw: String,
    country: Option<String>,
) -> Result<PhoneCheck, ApiError> {
    state
        .run(move |app| api::check_phone(app, raw, country))
        .await
}

#[tauri::command]
async fn list_categories(state: State<'_, Shell>) -> Result<Vec<Category>, ApiError> {
    state.run(api::list_categories).await
}

#[tauri::command]
async fn save_category(state: State<'_, Shell>, category: Category) -> Result<Category, ApiError> {
    state
        .run(move |app| api::save_category(app, category))
        .await
}

#[tauri::command]
async fn delete_category(state: State<'_, Shell>, id: Id) -> Result<(), ApiError> {
    state.run(move |app| api::delete_category(app, id)).await
}

#[tauri::command]
async fn list_custom_fields(state: State<'_, Shell>) -> Result<Vec<CustomFieldDef>, ApiError> {
    state.run(api::list_custom_fields).await
}

#[tauri::command]
async fn save_custom_field(
    state: State<'_, Shell>,
    field: CustomFieldDef,
) -> Result<CustomFieldDef, ApiError> {
    state
        .run(move |app| api::save_custom_field(app, field))
        .await
}

#[tauri::command]
async fn delete_custom_field(state: State<'_, Shell>, id: Id) -> Result<(), ApiError> {
    state
        .run(move |app| api::delete_custom_field(app, id))
        .await
}

#[tauri::command]
async fn list_tags(state: State<'_, Shell>) -> Result<Vec<String>, ApiError> {
    state.run(api::list_tags).await
}

#[tauri::command]
async fn list_cities(state: State<'_, Shell>) -> Result<Vec<String>, ApiError> {
    state.run(api::list_cities).await
}

#[tauri::command]
async fn load_demo(state: State<'_, Shell>, count: u32) -> Result<Stats, ApiError> {
    state.run(move |app| api::load_demo(app, count)).await
}

#[tauri::command]
async fn clear_demo(state: State<'_, Shell>) -> Result<Stats, ApiError> {
    state.run(api::clear_demo).await
}

#[tauri::command]
async fn screen_ready(state: State<'_, Shell>) -> Result<(), ApiError> {
    state.run(api::screen_ready).await
}

#[tauri::command]
async fn stats(state: State<'_, Shell>) -> Result<Stats, ApiError> {
    state.run(api::stats).await
}

#[tauri::command]
async fn boot(state: State<'_, Shell>, limit: Option<u32>) -> Result<Boot, ApiError> {
    state.run(move |app| api::boot(app, limit)).await
}

#[cfg_attr(mobile, tauri::mobile_entry_point)]
pub fn run() {
    let options = match Options::parse(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("clientbase: {message}\nusage: clientbase-app [--db FILE] [--demo N]");
            std::process::exit(2);
        }
    };
    tauri::Builder::default()
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_sharekit::init())
        .setup(move |app| {
            let shell = Shell::default();
            app.manage(shell.clone());
            sync::start_background(&shell);
            let handle = app.handle().clone();
            std::thread::spawn(move || {
                let opened = open(&handle, &options);
                if let Err(e) = &opened {
                    eprintln!("clientbase: cannot open the database: {e}");
                }
                let db = opened.as_ref().ok().map(|app| app.store.path().to_owned());
                shell.set(opened);
                if let Some(db) = db {
                    auto_backups(db);
                }
            });
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            app_info,
            get_settings,
            set_settings,
            list_clients,
            get_client,
            check_duplicates,
            create_client,
            update_client,
            delete_client,
            restore_client,
            check_phone,
            list_categories,
            save_category,
            delete_category,
            list_custom_fields,
            save_custom_field,
            delete_custom_field,
            list_tags,
            list_cities,
            load_demo,
            clear_demo,
            stats,
            boot,
            screen_ready,
            daily::list_interaction_kinds,
            daily::save_interaction_kind,
            daily::delete_interaction_kind,
            daily::list_interaction_outcomes,
            daily::save_interaction_outcome,
            daily::delete_interaction_outcome,
            daily::log_interaction,
            daily::list_interactions,
            daily::delete_interaction,
            daily::restore_interaction,
            daily::list_tasks,
            daily::get_task,
            daily::create_task,
            daily::update_task,
            daily::delete_task,
            daily::restore_task,
            daily::complete_task,
            daily::uncomplete_task,
            daily::snooze_task,
            daily::today,
            daily::today_birthdays,
            daily::today_cadence,
            daily::upcoming_reminders,
            daily::get_reminder_settings,
            daily::set_reminder_settings,
            daily::list_greeting_templates,
            daily::save_greeting_template,
            daily::greeting_draft,
            daily::greeting_actions,
            daily::congratulate,
            daily::list_backups,
            daily::backup_now,
            daily::restore_backup,
            daily::get_backup_settings,
            daily::set_backup_settings,
            files::import_preview,
            files::import_start,
            files::import_status,
            files::import_cancel,
            files::import_run,
            files::import_report,
            files::export_clients,
            files::save_file,
            files::duplicate_groups,
            files::merge_preview,
            files::merge_clients,
            sync::sync_connect,
            sync::sync_status,
            sync::sync_now,
            sync::sync_request,
            sync::sync_sign_out,
            sync::sync_users,
            sync::sync_reassign,
            sync::sync_conflicts,
            orders::list_orders,
            orders::get_order,
            orders::create_order,
            orders::update_order,
            orders::delete_order,
            orders::restore_order,
            orders::list_order_statuses,
            orders::save_order_status,
            orders::delete_order_status,
            orders::get_order_settings,
            orders::set_order_settings,
            orders::client_totals,
            orders::lost_clients,
            orders::analysis,
            orders::export_analysis,
            orders::chart,
        ])
        .run(tauri::generate_context!())
        .expect("error while running the Clientbase window");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Options, String> {
        Options::parse(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn reads_db_and_demo_and_ignores_the_rest() {
        let o = parse(&["--automation", "--db", "/tmp/x.db", "--demo=50"]).unwrap();
        assert_eq!(
            o,
            Options {
                db: Some("/tmp/x.db".into()),
                demo: Some(50)
            }
        );
        assert_eq!(parse(&[]).unwrap(), Options::default());
        assert_eq!(parse(&["--db=a b.db"]).unwrap().db, Some("a b.db".into()));
    }

    #[test]
    fn rejects_missing_or_bad_values() {
        assert!(parse(&["--db"]).is_err());
        assert!(parse(&["--demo", "many"]).is_err());
    }

    #[test]
    fn platform_matches_the_build_target() {
        assert_eq!(PLATFORM, Platform::Desktop);
    }

    #[test]
    fn commands_wait_for_the_store_and_get_the_open_error() {
        let shell = Shell::default();
        let waiting = {
            let shell = shell.clone();
            std::thread::spawn(move || shell.with(|_| Ok(())))
        };
        std::thread::sleep(std::time::Duration::from_millis(50));
        assert!(
            !waiting.is_finished(),
            "a command must wait while the store is opening"
        );
        shell.set(Err(ApiError::new("schema_too_new", "newer")));
        assert_eq!(waiting.join().unwrap().unwrap_err().code, "schema_too_new");
        assert_eq!(shell.with(|_| Ok(1)).unwrap_err().code, "schema_too_new");
    }
}
