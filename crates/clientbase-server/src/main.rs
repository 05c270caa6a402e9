//! `clientbase-server`: the company sync server and its admin commands.
//!
//!     clientbase-server --data DIR                          serve (SQLite in DIR, 127.0.0.1:8440)
//!     clientbase-server --data DIR company add "Acme"
//!     clientbase-server --data DIR user add --company Acme --login anna --role rep
//!     clientbase-server --data DIR reassign --from anna --to boris

// mimalloc, not glibc malloc: the hot paths allocate many small strings across threads (see
// ARCHITECTURE.md, "Allocator").
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{Parser, Subcommand};
use clientbase_server::db::sqlite::Sqlite;
use clientbase_server::http::{bind, Tls};
use clientbase_server::service::parse_role;
use clientbase_server::{open_backend, Config, ServerError, Service, SQLITE_FILE};
use std::io::BufRead;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Parser)]
#[command(name = "clientbase-server", about = "Clientbase company sync server")]
struct Cli {
    /// Data directory of the embedded SQLite backend.
    #[arg(
        long,
        global = true,
        env = "CLIENTBASE_DATA",
        default_value = "clientbase-data"
    )]
    data: PathBuf,
    /// Use PostgreSQL instead of SQLite, e.g. postgres://user:pass@127.0.0.1/clientbase
    #[arg(long, global = true, env = "CLIENTBASE_POSTGRES_URL")]
    postgres: Option<String>,
    /// PostgreSQL: a read-only replica (hot standby) of the same database that serves pulls.
    #[arg(
        long,
        global = true,
        env = "CLIENTBASE_POSTGRES_READ_URL",
        requires = "postgres"
    )]
    postgres_read_url: Option<String>,
    #[command(subcommand)]
    cmd: Option<Cmd>,
    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(clap::Args, Clone)]
struct ServeArgs {
    /// Address to listen on (port 0 picks a free port; the address is printed).
    #[arg(long, default_value = "127.0.0.1:8440")]
    listen: SocketAddr,
    /// PEM certificate chain: serve HTTPS with rustls.
    #[arg(long, requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// PEM private key.
    #[arg(long, requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Serve plain HTTP on a non-loopback address (only behind a TLS-terminating proxy on a
    /// trusted network).
    #[arg(long)]
    allow_insecure_http: bool,
    /// Behind a reverse proxy: take the client's address (for login limiting) from the last
    /// X-Forwarded-For entry, the one the proxy appends. Only when every request comes through it.
    #[arg(long, env = "CLIENTBASE_TRUST_FORWARDED_FOR")]
    trust_forwarded_for: bool,
    /// Login attempts one client address may make at once …
    #[arg(long, default_value_t = Config::default().ip_login_burst)]
    login_ip_burst: u32,
    /// … and then one more every this many seconds.
    #[arg(long, default_value_t = Config::default().ip_login_interval_ms / 1000)]
    login_ip_interval_secs: u64,
    /// The most entries one pull page carries (a device's first sync asks for 20,000 a page; a
    /// lower cap means smaller answers and less memory per request, at more round trips).
    #[arg(long, default_value_t = Config::default().max_pull_limit, value_parser = clap::value_parser!(u32).range(1..))]
    max_pull_page: u32,
}

#[derive(Subcommand)]
enum Cmd {
    /// Serve (the default when no command is given).
    Serve(ServeArgs),
    /// Companies (tenants).
    Company {
        #[command(subcommand)]
        cmd: CompanyCmd,
    },
    /// Users and their passwords.
    User {
        #[command(subcommand)]
        cmd: UserCmd,
    },
    /// Hand every client of one user to another (logins or ids).
    Reassign {
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
    },
    /// SQLite: write a consistent backup of the database to FILE (while the server runs).
    Backup {
        #[arg(long)]
        out: PathBuf,
    },
    /// SQLite: replace the database with a backup (stop the server first). The server starts a
    /// new epoch; devices re-push what the backup lacks.
    Restore {
        #[arg(long)]
        from: PathBuf,
    },
    /// Start a new epoch (after restoring a PostgreSQL database from a dump).
    NewEpoch,
}

#[derive(Subcommand)]
enum CompanyCmd {
    Add { name: String },
}

#[derive(Subcommand)]
enum UserCmd {
    /// Add a user; the password comes from --password or one line on standard input.
    Add {
        /// Company id or name.
        #[arg(long)]
        company: String,
        #[arg(long)]
        login: String,
        #[arg(long, default_value = "")]
        name: String,
        /// rep, manager or admin.
        #[arg(long, default_value = "rep")]
        role: String,
        #[arg(long)]
        password: Option<String>,
    },
    /// Set a new password (revokes the user's devices; they log in again).
    ResetPassword {
        login: String,
        #[arg(long)]
        password: Option<String>,
    },
    /// Disable a user: their devices are revoked and wipe the company's data at next contact.
    Disable { login: String },
    /// Re-enable a disabled user.
    Enable { login: String },
    /// List a company's users.
    List {
        #[arg(long)]
        company: String,
    },
}

fn password(arg: Option<String>) -> Result<String, ServerError> {
    if let Some(p) = arg {
        return Ok(p);
    }
    eprintln!("password (one line on standard input):");
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| ServerError::Config(e.to_string()))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

fn service(cli: &Cli) -> Result<Arc<Service>, ServerError> {
    service_with(cli, Config::default())
}

fn service_with(cli: &Cli, cfg: Config) -> Result<Arc<Service>, ServerError> {
    let backend = clientbase_server::open_backend_with_replica(
        &cli.data,
        cli.postgres.as_deref(),
        cli.postgres_read_url.as_deref(),
    )?;
    Ok(Arc::new(Service::new(backend, cfg)?))
}

fn sqlite_only(cli: &Cli) -> Result<(), ServerError> {
    if cli.postgres.is_some() {
        return Err(ServerError::Config(
            "backup/restore are for the SQLite backend; use pg_dump/pg_restore, then `new-epoch`"
                .into(),
        ));
    }
    Ok(())
}

fn run(cli: Cli) -> Result<(), ServerError> {
    match &cli.cmd {
        None => serve(&cli, cli.serve.clone()),
        Some(Cmd::Serve(a)) => serve(&cli, a.clone()),
        Some(Cmd::Company {
            cmd: CompanyCmd::Add { name },
        }) => {
            println!("{}", service(&cli)?.company_add(name)?);
            Ok(())
        }
        Some(Cmd::User { cmd }) => {
            let svc = service(&cli)?;
            match cmd {
                UserCmd::Add {
                    company,
                    login,
                    name,
                    role,
                    password: p,
                } => {
                    let company = svc.company_find(company)?;
                    let u = svc.user_add(
                        &company,
                        login,
                        name,
                        parse_role(role)?,
                        &password(p.clone())?,
                    )?;
                    println!("{}", u.id);
                }
                UserCmd::ResetPassword { login, password: p } => {
                    let (_, u) = svc.user_find(login)?;
                    svc.reset_password(&u.id, &password(p.clone())?)?;
                }
                UserCmd::Disable { login } => {
                    svc.set_disabled(&svc.user_find(login)?.1.id, true)?
                }
                UserCmd::Enable { login } => {
                    svc.set_disabled(&svc.user_find(login)?.1.id, false)?
                }
                UserCmd::List { company } => {
                    for u in svc.users(&svc.company_find(company)?)? {
                        let state = if u.disabled { " (disabled)" } else { "" };
                        println!("{}\t{}\t{:?}\t{}{state}", u.id, u.login, u.role, u.name);
                    }
                }
            }
            Ok(())
        }
        Some(Cmd::Reassign { from, to }) => {
            let svc = service(&cli)?;
            let (company, _) = svc.user_find(from)?;
            let (n, v) = svc.reassign(&company, from, to)?;
            println!("{n} clients handed over (version {v})");
            Ok(())
        }
        Some(Cmd::Backup { out }) => {
            sqlite_only(&cli)?;
            let db = Sqlite::open(&cli.data.join(SQLITE_FILE))?;
            db.backup_to(out)?;
            // The copy is marked: a server started on it begins a new epoch.
            let copy = Sqlite::open(out)?;
            clientbase_server::db::tx(
                &copy,
                clientbase_server::db::Mode::Write,
                clientbase_server::service::mark_as_backup,
            )?;
            println!("{}", out.display());
            Ok(())
        }
        Some(Cmd::Restore { from }) => {
            sqlite_only(&cli)?;
            let src = Sqlite::open(from)?;
            std::fs::create_dir_all(&cli.data).map_err(|e| ServerError::Config(e.to_string()))?;
            let dest = cli.data.join(SQLITE_FILE);
            for ext in ["-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{ext}", dest.display()));
            }
            src.backup_to(&dest)?;
            let db = Sqlite::open(&dest)?;
            println!("restored; new epoch {}", Service::new_epoch(&db)?);
            Ok(())
        }
        Some(Cmd::NewEpoch) => {
            let backend = open_backend(&cli.data, cli.postgres.as_deref())?;
            println!("new epoch {}", Service::new_epoch(backend.as_ref())?);
            Ok(())
        }
    }
}

fn serve(cli: &Cli, a: ServeArgs) -> Result<(), ServerError> {
    let svc = service_with(
        cli,
        Config {
            trust_forwarded_for: a.trust_forwarded_for,
            ip_login_burst: a.login_ip_burst,
            ip_login_interval_ms: a.login_ip_interval_secs.saturating_mul(1000),
            max_pull_limit: a.max_pull_page,
            ..Config::default()
        },
    )?;
    let backend = svc.backend().name();
    let tls = match (a.tls_cert, a.tls_key) {
        (Some(cert), Some(key)) => Some(Tls { cert, key }),
        _ => None,
    };
    let scheme = if tls.is_some() { "https" } else { "http" };
    let rt = tokio::runtime::Runtime::new().map_err(|e| ServerError::Config(e.to_string()))?;
    rt.block_on(async move {
        let (addr, server) = bind(svc, a.listen, tls, a.allow_insecure_http).await?;
        // The first line of standard output: tests and scripts read the bound port from it.
        println!("listening on {scheme}://{addr} ({backend})");
        tracing::info!("listening on {scheme}://{addr} ({backend})");
        tokio::select! {
            r = server => r.map_err(|e| ServerError::Config(e.to_string())),
            _ = tokio::signal::ctrl_c() => Ok(()),
        }
    })
}

fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "clientbase_server=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    if let Err(e) = run(Cli::parse()) {
        eprintln!("clientbase-server: {e}");
        std::process::exit(1);
    }
}
