//! The daily loop's commands (issue 3: interactions, tasks, birthdays, the Today screen, reminders,
//! greetings) and the backup commands: one 3-line `#[tauri::command]` per function of [`clientbase_core::api`], like the
//! ones in `lib.rs`. No logic here.

use crate::Shell;
use clientbase_core::api::{self, Congratulation, GreetingAction, GreetingDraft};
use clientbase_core::model::*;
use clientbase_core::ApiError;
use tauri::State;

#[tauri::command]
pub(crate) async fn list_interaction_kinds(
    state: State<'_, Shell>,
) -> Result<Vec<ListItem>, ApiError> {
    state.run(api::list_interaction_kinds).await
}

#[tauri::command]
pub(crate) async fn save_interaction_kind(
    state: State<'_, Shell>,
    item: ListItem,
) -> Result<ListItem, ApiError> {
    state
        .run(move |app| api::save_interaction_kind(app, item))
        .await
}

#[tauri::command]
pub(crate) async fn delete_interaction_kind(
    state: State<'_, Shell>,
    id: Id,
) -> Result<ListItem, ApiError> {
    state
        .run(move |app| api::delete_interaction_kind(app, id))
        .await
}

#[tauri::command]
pub(crate) async fn list_interaction_outcomes(
    state: State<'_, Shell>,
) -> Result<Vec<ListItem>, ApiError> {
    state.run(api::list_interaction_outcomes).await
}

#[tauri::command]
pub(crate) async fn save_interaction_outcome(
    state: State<'_, Shell>,
    item: ListItem,
) -> Result<ListItem, ApiError> {
    state
        .run(move |app| api::save_interaction_outcome(app, item))
        .await
}

#[tauri::command]
pub(crate) async fn delete_interaction_outcome(
    state: State<'_, Shell>,
    id: Id,
) -> Result<ListItem, ApiError> {
    state
        .run(move |app| api::delete_interaction_outcome(app, id))
        .await
}

#[tauri::command]
pub(crate) async fn log_interaction(
    state: State<'_, Shell>,
    input: InteractionInput,
) -> Result<LoggedInteraction, ApiError> {
    state.run(move |app| api::log_interaction(app, input)).await
}

#[tauri::command]
pub(crate) async fn list_interactions(
    state: State<'_, Shell>,
    client: Id,
    offset: Option<u32>,
    limit: Option<u32>,
) -> Result<InteractionPage, ApiError> {
    state
        .run(move |app| api::list_interactions(app, client, offset, limit))
        .await
}

#[tauri::command]
pub(crate) async fn delete_interaction(
    state: State<'_, Shell>,
    id: Id,
) -> Result<Interaction, ApiError> {
    state.run(move |app| api::delete_interaction(app, id)).await
}

#[tauri::command]
pub(crate) async fn restore_interaction(
    state: State<'_, Shell>,
    id: Id,
) -> Result<Interaction, ApiError> {
    state
        .run(move |app| api::restore_interaction(app, id))
        .await
}

#[tauri::command]
pub(crate) async fn list_tasks(
    state: State<'_, Shell>,
    query: TaskQuery,
) -> Result<TaskPage, ApiError> {
    state.run(move |app| api::list_tasks(app, query)).await
}

#[tauri::command]
pub(crate) async fn get_task(state: State<'_, Shell>, id: Id) -> Result<Task, ApiError> {
    state.run(move |app| api::get_task(app, id)).await
}

#[tauri::command]
pub(crate) async fn create_task(
    state: State<'_, Shell>,
    input: TaskInput,
) -> Result<Task, ApiError> {
    state.run(move |app| api::create_task(app, input)).await
}

#[tauri::command]
pub(crate) async fn update_task(
    state: State<'_, Shell>,
    id: Id,
    input: TaskInput,
) -> Result<Task, ApiError> {
    state.run(move |app| api::update_task(app, id, input)).await
}

#[tauri::command]
pub(crate) async fn delete_task(state: State<'_, Shell>, id: Id) -> Result<Task, ApiError> {
    state.run(move |app| api::delete_task(app, id)).await
}

#[tauri::command]
pub(crate) async fn restore_task(state: State<'_, Shell>, id: Id) -> Result<Task, ApiError> {
    state.run(move |app| api::restore_task(app, id)).await
}

#[tauri::command]
pub(crate) async fn complete_task(state: State<'_, Shell>, id: Id) -> Result<Task, ApiError> {
    state.run(move |app| api::complete_task(app, id)).await
}

#[tauri::command]
pub(crate) async fn uncomplete_task(state: State<'_, Shell>, id: Id) -> Result<Task, ApiError> {
    state.run(move |app| api::uncomplete_task(app, id)).await
}

#[tauri::command]
pub(crate) async fn snooze_task(
    state: State<'_, Shell>,
    id: Id,
    to: String,
) -> Result<Task, ApiError> {
    state.run(move |app| api::snooze_task(app, id, to)).await
}

#[tauri::command]
pub(crate) async fn today(state: State<'_, Shell>, limit: Option<u32>) -> Result<Today, ApiError> {
    state.run(move |app| api::today(app, limit)).await
}

#[tauri::command]
pub(crate) async fn today_birthdays(
    state: State<'_, Shell>,
    offset: Option<u32>,
    limit: Option<u32>,
) -> Result<BirthdayPage, ApiError> {
    state
        .run(move |app| api::today_birthdays(app, offset.unwrap_or(0), limit.unwrap_or(0)))
        .await
}

#[tauri::command]
pub(crate) async fn today_cadence(
    state: State<'_, Shell>,
    offset: Option<u32>,
    limit: Option<u32>,
) -> Result<CadencePage, ApiError> {
    state
        .run(move |app| api::today_cadence(app, offset.unwrap_or(0), limit.unwrap_or(0)))
        .await
}

#[tauri::command]
pub(crate) async fn upcoming_reminders(
    state: State<'_, Shell>,
    from: Option<String>,
    to: Option<String>,
    limit: Option<u32>,
) -> Result<Vec<Reminder>, ApiError> {
    state
        .run(move |app| api::upcoming_reminders(app, from, to, limit))
        .await
}

#[tauri::command]
pub(crate) async fn get_reminder_settings(
    state: State<'_, Shell>,
) -> Result<ReminderSettings, ApiError> {
    state.run(api::get_reminder_settings).await
}

#[tauri::command]
pub(crate) async fn set_reminder_settings(
    state: State<'_, Shell>,
    settings: ReminderSettings,
) -> Result<ReminderSettings, ApiError> {
    state
        .run(move |app| api::set_reminder_settings(app, settings))
        .await
}

#[tauri::command]
pub(crate) async fn list_greeting_templates(
    state: State<'_, Shell>,
) -> Result<Vec<GreetingTemplate>, ApiError> {
    state.run(api::list_greeting_templates).await
}

#[tauri::command]
pub(crate) async fn save_greeting_template(
    state: State<'_, Shell>,
    template: GreetingTemplate,
) -> Result<GreetingTemplate, ApiError> {
    state
        .run(move |app| api::save_greeting_template(app, template))
        .await
}

#[tauri::command]
pub(crate) async fn greeting_draft(
    state: State<'_, Shell>,
    client: Id,
    contact: Option<Id>,
    language: Option<String>,
) -> Result<GreetingDraft, ApiError> {
    state
        .run(move |app| api::greeting_draft(app, client, contact, language))
        .await
}

#[tauri::command]
pub(crate) async fn greeting_actions(
    state: State<'_, Shell>,
    client: Id,
    contact: Option<Id>,
    text: String,
) -> Result<Vec<GreetingAction>, ApiError> {
    state
        .run(move |app| api::greeting_actions(app, client, contact, text))
        .await
}

#[tauri::command]
pub(crate) async fn congratulate(
    state: State<'_, Shell>,
    client: Id,
    contact: Option<Id>,
    channel: Option<Channel>,
    text: String,
) -> Result<Congratulation, ApiError> {
    state
        .run(move |app| api::congratulate(app, client, contact, channel, text))
        .await
}

#[tauri::command]
pub(crate) async fn list_backups(state: State<'_, Shell>) -> Result<Vec<BackupInfo>, ApiError> {
    state.run(api::list_backups).await
}

#[tauri::command]
pub(crate) async fn backup_now(state: State<'_, Shell>) -> Result<BackupInfo, ApiError> {
    state.run(api::backup_now).await
}

#[tauri::command]
pub(crate) async fn restore_backup(
    state: State<'_, Shell>,
    path: String,
) -> Result<Stats, ApiError> {
    state.run(move |app| api::restore_backup(app, path)).await
}

#[tauri::command]
pub(crate) async fn get_backup_settings(
    state: State<'_, Shell>,
) -> Result<BackupSettings, ApiError> {
    state.run(api::get_backup_settings).await
}

#[tauri::command]
pub(crate) async fn set_backup_settings(
    state: State<'_, Shell>,
    settings: BackupSettings,
) -> Result<BackupSettings, ApiError> {
    state
        .run(move |app| api::set_backup_settings(app, settings))
        .await
}
