//! DEV/TEST ONLY. Serves the built UI and `POST /api/{cmd}` → `clientbase_import::commands::dispatch`
//! (the import/export commands; every other command goes on to `clientbase_core::api::dispatch`;
//! the `sync_*` commands go to `clientbase_sync_client::commands::dispatch`), on
//! 127.0.0.1 only, so Playwright can drive the real UI against the real core in Chromium (and
//! `npm run dev` can proxy to it). Not shipped and not a second API: it adds no routes of its own.
//!
//! The first line on stdout is `listening on http://127.0.0.1:PORT` (so `--port 0` is usable).

// mimalloc, not glibc malloc: the hot paths allocate many small strings across threads (see
// ARCHITECTURE.md, "Allocator").
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use axum::{
    body::Bytes,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::post,
    Json, Router,
};
use clap::Parser;
use clientbase_core::api::{App, Platform};
use clientbase_core::ApiError;
use clientbase_import::commands::dispatch;
use serde_json::{json, Value};
use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tower_http::services::{ServeDir, ServeFile};

#[derive(Parser, Debug)]
#[command(
    name = "clientbase-devserver",
    about = "DEV/TEST ONLY: the Clientbase UI + core over HTTP on 127.0.0.1"
)]
struct Args {
    /// Port on 127.0.0.1 (0 = any free port; the chosen one is printed).
    #[arg(long, default_value_t = 5174)]
    port: u16,
    /// SQLite database file (created if missing).
    #[arg(long)]
    db: PathBuf,
    /// Load this many demo clients when the base is empty.
    #[arg(long)]
    demo: Option<u32>,
    /// The built UI to serve.
    #[arg(long, default_value = "ui/dist")]
    ui: PathBuf,
}

type Shared = Arc<Mutex<App>>;

fn status_for(code: &str) -> StatusCode {
    match code {
        "not_found" => StatusCode::NOT_FOUND,
        "validation" | "bad_request" | "conflict" => StatusCode::BAD_REQUEST,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

fn error_response(e: ApiError) -> Response {
    (status_for(&e.code), Json(e)).into_response()
}

async fn command(State(app): State<Shared>, Path(cmd): Path<String>, body: Bytes) -> Response {
    let args: Value = if body.iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else {
        match serde_json::from_slice(&body) {
            Ok(v) => v,
            Err(e) => {
                return error_response(ApiError::new(
                    "bad_request",
                    format!("request body is not JSON: {e}"),
                ))
            }
        }
    };
    // The core is synchronous (SQLite); keep it off the async workers.
    let result = tokio::task::spawn_blocking(move || {
        // Sync commands wait on the network: they lock the app only for their own short steps.
        if clientbase_sync_client::commands::COMMANDS.contains(&cmd.as_str()) {
            return clientbase_sync_client::commands::dispatch(&*app, &cmd, args);
        }
        let mut app = app.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        dispatch(&mut app, &cmd, args)
    })
    .await;
    match result {
        Ok(Ok(value)) => Json(value).into_response(),
        Ok(Err(e)) => error_response(e),
        Err(join) => error_response(ApiError::new(
            "internal",
            format!("command panicked: {join}"),
        )),
    }
}

fn open(args: &Args) -> Result<App, String> {
    let path = args.db.to_str().ok_or("the --db path is not valid UTF-8")?;
    let mut app = App::open(path, Platform::Desktop).map_err(|e| e.to_string())?;
    if let Some(count) = args.demo {
        let stats = dispatch(&mut app, "stats", json!({})).map_err(|e| e.to_string())?;
        if stats.get("clients").and_then(Value::as_u64) == Some(0) {
            dispatch(&mut app, "load_demo", json!({ "count": count }))
                .map_err(|e| e.to_string())?;
        }
    }
    Ok(app)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let app = match open(&args) {
        Ok(app) => app,
        Err(e) => {
            eprintln!(
                "clientbase-devserver: cannot open {}: {e}",
                args.db.display()
            );
            return std::process::ExitCode::FAILURE;
        }
    };
    if !args.ui.join("index.html").is_file() {
        eprintln!(
            "clientbase-devserver: warning: {} has no index.html (run `npm run build` in ui/); serving the API only",
            args.ui.display()
        );
    }
    let static_files = ServeDir::new(&args.ui).fallback(ServeFile::new(args.ui.join("index.html")));
    let router = Router::new()
        .route("/api/{cmd}", post(command))
        .with_state({
            let app = Arc::new(Mutex::new(app));
            clientbase_sync_client::spawn_background(
                app.clone(),
                std::time::Duration::from_secs(300),
            );
            app
        })
        .fallback_service(static_files);

    let listener =
        match tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, args.port)))
            .await
        {
            Ok(l) => l,
            Err(e) => {
                eprintln!(
                    "clientbase-devserver: cannot listen on 127.0.0.1:{}: {e}",
                    args.port
                );
                return std::process::ExitCode::FAILURE;
            }
        };
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(args.port);
    println!("listening on http://127.0.0.1:{port}");
    let _ = std::io::stdout().flush();

    if let Err(e) = axum::serve(listener, router)
        .with_graceful_shutdown(shutdown_signal())
        .await
    {
        eprintln!("clientbase-devserver: {e}");
        return std::process::ExitCode::FAILURE;
    }
    std::process::ExitCode::SUCCESS
}
