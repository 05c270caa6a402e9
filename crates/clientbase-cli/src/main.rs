//! `clientbase`: command line over the core API (every command goes through `clientbase_core::api`).
//!
//! ```text
//! clientbase --db FILE demo --clients N          # add N demo clients (--clear removes them)
//! clientbase --db FILE add --first Ivan --last Petrenko --phone "067 123 45 67"
//! clientbase --db FILE search TEXT [--limit 20]
//! clientbase --db FILE show ID
//! clientbase --db FILE phone normalize --country UA NUMBER
//! clientbase --db FILE stats
//! ```
//! `--json` prints the command's JSON result instead of text. Errors go to stderr, exit code 1.

// mimalloc, not glibc malloc: the hot paths allocate many small strings across threads (see
// ARCHITECTURE.md, "Allocator").
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{Parser, Subcommand};
use clientbase_core::api::{self, App, Platform};
use clientbase_core::model::*;
use clientbase_core::ApiError;
use serde_json::Value;
use std::io::Write;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "clientbase",
    version,
    about = "Clientbase: offline client base (command line)"
)]
struct Cli {
    /// SQLite database file (created when missing).
    #[arg(long, global = true, default_value = "clientbase.db")]
    db: String,
    /// Print JSON instead of text.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Add demo clients (or remove them with --clear).
    Demo {
        #[arg(long, default_value_t = 1000)]
        clients: u32,
        #[arg(long)]
        clear: bool,
    },
    /// Add a client.
    Add {
        #[arg(long, default_value = "")]
        first: String,
        #[arg(long, default_value = "")]
        last: String,
        #[arg(long, default_value = "")]
        middle: String,
        /// Organisation name (makes an organisation when neither --first nor --last is given).
        #[arg(long, default_value = "")]
        org: String,
        #[arg(long)]
        phone: Vec<String>,
        #[arg(long)]
        email: Vec<String>,
        #[arg(long, default_value = "")]
        city: String,
        #[arg(long)]
        tag: Vec<String>,
    },
    /// Search clients (names in any script, phone fragments, e-mails, cities, tags).
    Search {
        text: String,
        #[arg(long, default_value_t = 20)]
        limit: u32,
    },
    /// Show one client card with its contact actions.
    Show { id: String },
    /// Phone tools.
    Phone {
        #[command(subcommand)]
        cmd: PhoneCmd,
    },
    /// Counts.
    Stats,
}

#[derive(Subcommand)]
enum PhoneCmd {
    /// Normalise a number to E.164.
    Normalize {
        #[arg(long, default_value = "UA")]
        country: String,
        number: String,
    },
}

fn to_json<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

fn run(cli: Cli) -> Result<(Value, String), ApiError> {
    let mut app = App::open(&cli.db, Platform::Desktop)?;
    Ok(match cli.cmd {
        Cmd::Demo { clients, clear } => {
            let t = std::time::Instant::now();
            let s = if clear {
                api::clear_demo(&mut app)?
            } else {
                api::load_demo(&mut app, clients)?
            };
            let verb = if clear {
                "cleared demo clients".to_owned()
            } else {
                format!("added {clients} demo clients")
            };
            let text = format!(
                "{verb} in {:.2} s\n{}",
                t.elapsed().as_secs_f64(),
                stats_text(&s)
            );
            (to_json(&s), text)
        }
        Cmd::Add {
            first,
            last,
            middle,
            org,
            phone,
            email,
            city,
            tag,
        } => {
            let kind = if first.is_empty() && last.is_empty() && !org.is_empty() {
                ClientKind::Organization
            } else {
                ClientKind::Person
            };
            let input = ClientInput {
                kind,
                first_name: first,
                last_name: last,
                middle_name: middle,
                org_name: org,
                phones: phone
                    .into_iter()
                    .map(|raw| Phone {
                        kind: PhoneKind::Mobile,
                        raw,
                        e164: None,
                    })
                    .collect(),
                emails: email
                    .into_iter()
                    .map(|address| Email {
                        label: String::new(),
                        address,
                    })
                    .collect(),
                address: Address {
                    city,
                    ..Default::default()
                },
                tags: tag,
                ..Default::default()
            };
            let dups = api::check_duplicates(&mut app, input.clone(), None)?;
            let c = api::create_client(&mut app, input)?;
            let mut text = c.id.clone();
            for d in &dups {
                text.push_str(&format!(
                    "\nnote: possible duplicate of {} ({}; {:?} {})",
                    d.client.display_name, d.client.id, d.reason, d.value
                ));
            }
            (serde_json::json!({"client": c, "duplicates": dups}), text)
        }
        Cmd::Search { text, limit } => {
            let page = api::list_clients(
                &mut app,
                ListQuery {
                    text,
                    limit,
                    ..Default::default()
                },
            )?;
            let mut out = format!("{} found", page.total);
            for r in &page.rows {
                out.push_str(&format!(
                    "\n{}  {}  {}  {}  {}",
                    r.id,
                    r.display_name,
                    r.phone.as_deref().unwrap_or("-"),
                    r.city,
                    r.subtitle
                ));
            }
            (to_json(&page), out)
        }
        Cmd::Show { id } => {
            let card = api::get_client(&mut app, id)?;
            let c = &card.client;
            let d = &c.data;
            let name = match d.kind {
                ClientKind::Organization => d.org_name.clone(),
                ClientKind::Person => [&d.last_name, &d.first_name, &d.middle_name]
                    .iter()
                    .filter(|s| !s.is_empty())
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
            };
            let mut out = format!("{name}\nid: {}\ncreated: {}", c.id, c.created_at);
            if c.deleted_at.is_some() {
                out.push_str("\n(deleted)");
            }
            if !d.org_name.is_empty() && d.kind == ClientKind::Person {
                out.push_str(&format!("\ncompany: {}", d.org_name));
            }
            for p in &d.phones {
                out.push_str(&format!(
                    "\nphone: {} ({})",
                    p.e164.as_deref().unwrap_or(&p.raw),
                    p.raw
                ));
            }
            for e in &d.emails {
                out.push_str(&format!("\ne-mail: {}", e.address));
            }
            if !d.address.city.is_empty() {
                out.push_str(&format!("\ncity: {}", d.address.city));
            }
            if !d.tags.is_empty() {
                out.push_str(&format!("\ntags: {}", d.tags.join(", ")));
            }
            for ct in &d.contacts {
                out.push_str(&format!(
                    "\ncontact: {} {} {}",
                    ct.first_name, ct.last_name, ct.position
                ));
            }
            for a in &card.actions {
                out.push_str(&format!("\naction: {:?} {} → {}", a.kind, a.label, a.url));
            }
            (to_json(&card), out)
        }
        Cmd::Phone {
            cmd: PhoneCmd::Normalize { country, number },
        } => {
            let r = api::check_phone(&mut app, number, Some(country))?;
            let text = match (&r.e164, &r.error) {
                (Some(e), None) => format!(
                    "{e}  {}  {}{}",
                    r.formatted.as_deref().unwrap_or(""),
                    r.country.as_deref().unwrap_or(""),
                    if r.is_mobile { " mobile" } else { "" }
                ),
                (Some(e), Some(err)) => format!("{e}  warning: {}", err.code),
                (None, Some(err)) => format!("invalid: {} {:?}", err.code, err.params),
                (None, None) => "invalid".to_owned(),
            };
            (to_json(&r), text)
        }
        Cmd::Stats => {
            let s = api::stats(&mut app)?;
            (to_json(&s), stats_text(&s))
        }
    })
}

fn stats_text(s: &Stats) -> String {
    format!(
        "clients: {}\ndemo clients: {}\ndeleted clients: {}\ncontact persons: {}\nchange log rows: {}",
        s.clients, s.demo_clients, s.deleted_clients, s.contacts, s.change_log_rows
    )
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = cli.json;
    match run(cli) {
        Ok((v, text)) => {
            let out = if json {
                serde_json::to_string_pretty(&v).unwrap_or_default()
            } else {
                text
            };
            // `clientbase search x | head` closes the pipe early: that is not an error worth a panic.
            let mut stdout = std::io::stdout().lock();
            match writeln!(stdout, "{out}").and_then(|()| stdout.flush()) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    eprintln!("error: cannot write the output: {e}");
                    ExitCode::FAILURE
                }
                _ => ExitCode::SUCCESS,
            }
        }
        Err(e) => {
            if json {
                eprintln!("{}", serde_json::to_string_pretty(&e).unwrap_or_default());
            } else {
                eprintln!("error: {e}");
                for f in &e.fields {
                    eprintln!("  {}: {} {:?}", f.field, f.code, f.params);
                }
            }
            ExitCode::FAILURE
        }
    }
}
