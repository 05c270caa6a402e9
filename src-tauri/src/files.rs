//! Issue 4's commands: import and export of files (`clientbase_import::commands`) and finding and
//! merging duplicate cards (`clientbase_core::api`). 3-line wrappers like the others; no logic.

use crate::Shell;
use clientbase_core::api;
use clientbase_core::jobs::ImportJobStatus;
use clientbase_core::model::*;
use clientbase_core::ApiError;
use clientbase_import::commands::{self, ExportFile, ImportOptions, ImportPreview};
use std::collections::{BTreeMap, HashMap};
use tauri::State;

type Mapping = Option<Vec<Option<String>>>;

#[tauri::command]
pub(crate) async fn import_preview(
    state: State<'_, Shell>,
    name: String,
    data: String,
    options: Option<ImportOptions>,
    mapping: Mapping,
) -> Result<ImportPreview, ApiError> {
    state
        .run(move |app| commands::import_preview(app, name, data, options, mapping))
        .await
}

#[tauri::command]
#[allow(clippy::too_many_arguments)]
pub(crate) async fn import_start(
    state: State<'_, Shell>,
    name: String,
    data: String,
    options: Option<ImportOptions>,
    mapping: Mapping,
    policy: Option<DuplicateAction>,
    decisions: Option<Vec<RowDecision>>,
) -> Result<u32, ApiError> {
    state
        .run(move |app| {
            commands::import_start(app, name, data, options, mapping, policy, decisions)
        })
        .await
}

#[tauri::command]
pub(crate) async fn import_status(
    state: State<'_, Shell>,
    job: u32,
) -> Result<ImportJobStatus, ApiError> {
    state
        .run(move |app| commands::import_status(app, job))
        .await
}

#[tauri::command]
pub(crate) async fn import_cancel(
    state: State<'_, Shell>,
    job: u32,
) -> Result<ImportJobStatus, ApiError> {
    state
        .run(move |app| commands::import_cancel(app, job))
        .await
}

#[tauri::command]
#[allow(clippy::too_many_arguments)]
pub(crate) async fn import_run(
    state: State<'_, Shell>,
    name: String,
    data: String,
    options: Option<ImportOptions>,
    mapping: Mapping,
    policy: Option<DuplicateAction>,
    decisions: Option<Vec<RowDecision>>,
) -> Result<ImportJobStatus, ApiError> {
    state
        .run(move |app| commands::import_run(app, name, data, options, mapping, policy, decisions))
        .await
}

#[tauri::command]
pub(crate) async fn import_report(
    state: State<'_, Shell>,
    job: u32,
) -> Result<ExportFile, ApiError> {
    state
        .run(move |app| commands::import_report(app, job))
        .await
}

#[tauri::command]
pub(crate) async fn export_clients(
    state: State<'_, Shell>,
    query: Option<ListQuery>,
    format: String,
    labels: Option<HashMap<String, String>>,
) -> Result<ExportFile, ApiError> {
    state
        .run(move |app| commands::export_clients(app, query, format, labels))
        .await
}

#[tauri::command]
pub(crate) async fn duplicate_groups(
    state: State<'_, Shell>,
    limit: Option<u32>,
) -> Result<DuplicateGroups, ApiError> {
    state
        .run(move |app| api::duplicate_groups(app, limit))
        .await
}

#[tauri::command]
pub(crate) async fn merge_preview(
    state: State<'_, Shell>,
    keep: Id,
    others: Vec<Id>,
) -> Result<MergePreview, ApiError> {
    state
        .run(move |app| api::merge_preview(app, keep, others))
        .await
}

#[tauri::command]
pub(crate) async fn merge_clients(
    state: State<'_, Shell>,
    keep: Id,
    others: Vec<Id>,
    choices: Option<BTreeMap<String, Id>>,
) -> Result<api::ClientCard, ApiError> {
    state
        .run(move |app| api::merge_clients(app, keep, others, choices))
        .await
}

/// Saves a file the core produced (an export, an import report) into the user's Downloads folder
/// and answers its path: a web view's `<a download>` has no download manager behind it in the app.
/// On a phone, into the app's documents folder (a share sheet is not wired yet).
/// Writes a file the core produced where the user finds it (see [`save_dir`]) and answers its path.
/// On a phone it then opens the system share sheet with the file (mail, messengers, Drive…), the way
/// a phone user expects to get an export out; a share sheet that cannot open loses nothing: the
/// file stays saved.
#[tauri::command]
pub(crate) async fn save_file(
    app: tauri::AppHandle,
    window: tauri::WebviewWindow,
    file_name: String,
    data: String,
    mime: Option<String>,
) -> Result<String, ApiError> {
    let dir = save_dir(&app)?;
    let name = file_name.clone();
    let path = tauri::async_runtime::spawn_blocking(move || {
        clientbase_import::save::save_unique(&dir, &name, &data)
    })
    .await
    .map_err(|e| ApiError::new("internal", e.to_string()))?
    .map(|p| p.display().to_string())
    .map_err(|e| ApiError::new(e.code(), e.to_string()))?;
    if cfg!(mobile) {
        use tauri_plugin_sharekit::{ShareExt, ShareFileOptions};
        let options = ShareFileOptions {
            mime_type: mime,
            title: Some(file_name),
            position: None,
        };
        if let Err(e) = app.share().share_file(window, path.clone(), options) {
            eprintln!("share sheet: {e}");
        }
    }
    Ok(path)
}

/// Downloads (the XDG user folder when set, else ~/Downloads); documents on a phone.
fn save_dir(app: &tauri::AppHandle) -> Result<std::path::PathBuf, ApiError> {
    use tauri::Manager;
    let path = app.path();
    let dir = if cfg!(mobile) {
        path.document_dir()
    } else {
        path.download_dir()
            .or_else(|_| path.home_dir().map(|h| h.join("Downloads")))
    };
    dir.map_err(|e| ApiError::new("save_failed", e.to_string()))
}
