//! The `plaza` command: serve the site (the default) and the operator's tasks.

use std::io::{BufRead, IsTerminal};

use clap::{Parser, Subcommand};
use plaza::accounts::domain::{Email, NewPassword, Username};
use plaza::accounts::{Role, Roles, password, queries};
use plaza::config::Settings;
use plaza::db;

#[derive(Parser)]
#[command(name = "plaza", version, about = "Plaza: a company's community site in one binary")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the site (the default when no command is given).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Copy a live SQLite site into FILE, consistently, while it keeps running (PostgreSQL:
    /// prints how to use pg_dump). Never overwrites a file.
    Backup {
        /// The new file to write, e.g. backups/plaza-2026-12-01.sqlite3.
        file: std::path::PathBuf,
    },
    /// Manage user accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Fill an empty site with demo content in English and Chinese.
    SeedDemo,
    /// Rebuild the search index from the database (resumes an interrupted rebuild).
    Reindex {
        /// Which index: the database's own, Meilisearch (needs MEILI_URL), or both when
        /// Meilisearch is configured (the default).
        #[arg(long, value_parser = ["database", "meilisearch", "all"], default_value = "all")]
        target: String,
        /// Start over instead of resuming an interrupted rebuild.
        #[arg(long)]
        restart: bool,
    },
    /// The site no longer uses Meilisearch: stop queueing changes for it (run it after removing
    /// MEILI_URL from every process; a process without MEILI_URL never turns the outbox off).
    MeilisearchOff,
    /// Search the site from the command line, as a visitor sees it (or as staff with --staff).
    Search {
        /// The query: words, "a phrase", -excluded.
        query: String,
        /// See what staff see (employees-only boards included).
        #[arg(long)]
        staff: bool,
        #[arg(long, default_value_t = 10)]
        limit: i64,
    },
    /// Render every stored Markdown text again (posts, comments, topics, replies, profiles,
    /// status notes): after the sanitizer's rules change, stored HTML follows them.
    Rerender,
    /// Add generated content for benchmarks: topics on `/forums/bench`, or with
    /// `--search-docs` a mixed English/Chinese search corpus on `/forums/search-bench`.
    SeedBench {
        /// How many topics to add.
        #[arg(long, default_value_t = 10_000)]
        topics: usize,
        /// Instead: how many search documents (topics, replies, posts) to generate and index.
        #[arg(long)]
        search_docs: Option<usize>,
        /// Instead: how many blog posts (with tags, and comments on a third of them) to add to
        /// the blog of `postbench`.
        #[arg(long)]
        posts: Option<usize>,
    },
}

/// Run generation of `n` things with a progress bar, then say how fast it went.
fn with_progress<T>(n: usize, what: &str, run: impl FnOnce(&dyn Fn(usize)) -> anyhow::Result<T>) -> anyhow::Result<T> {
    let bar = indicatif::ProgressBar::new(n as u64);
    bar.set_style(indicatif::ProgressStyle::with_template(&format!(
        "[{{bar:40}}] {{pos}}/{{len}} {what}  {{per_sec}}  eta {{eta}}"
    ))?);
    let started = std::time::Instant::now();
    let out = run(&|k| bar.inc(k as u64))?;
    bar.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    println!("{n} {what} generated in {secs:.1} s ({:.0} {what}/s)", n as f64 / secs);
    Ok(out)
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account.
    Create {
        #[arg(long)]
        username: String,
        #[arg(long)]
        email: String,
        /// member, or any of employee, moderator, admin separated by commas ("employee,moderator").
        #[arg(long, default_value = "member")]
        role: String,
        /// Read the password from standard input instead of prompting.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Set an account's password (prompted for, or read from standard input), ending every
    /// session of the account and every reset link sent to it.
    SetPassword {
        /// The account's username.
        username: String,
        /// Read the password from standard input instead of prompting.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Set an account's roles (all of them: "member" takes every role away).
    SetRole {
        #[arg(long)]
        username: String,
        /// member, or any of employee, moderator, admin, editor separated by commas (editor: the
        /// magazine's editors; it counts for employees and moderators, and admins are editors).
        #[arg(long)]
        role: String,
    },
}

fn main() {
    if let Err(e) = run() {
        eprintln!("plaza: {e:#}");
        std::process::exit(1);
    }
}

fn init_tracing() -> anyhow::Result<()> {
    use tracing_subscriber::EnvFilter;
    // One line per request (target plaza::request) with its request id, method, route,
    // status and duration; every line logged while answering carries the request id.
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,actix_server=warn"));
    let fmt = tracing_subscriber::fmt().with_env_filter(filter);
    match std::env::var("PLAZA_LOG_FORMAT").unwrap_or_default().trim() {
        "" | "text" => fmt.with_ansi(std::io::stdout().is_terminal()).init(),
        "json" => fmt.json().with_current_span(true).with_span_list(false).init(),
        other => anyhow::bail!("PLAZA_LOG_FORMAT={other:?} is not valid: use text or json"),
    }
    Ok(())
}

fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let settings = Settings::load()?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            init_tracing()?;
            std::fs::create_dir_all(&settings.data_dir)?;
            let bind = settings.bind.clone();
            let base = settings.base_url.clone();
            actix_web::rt::System::new().block_on(async move {
                let app = plaza::Application::build(settings)?;
                tracing::info!("Plaza is serving {base} (listening on {bind})");
                app.run_until_stopped().await?;
                Ok(())
            })
        }
        Command::Migrate => {
            let mut conn = connect(&settings)?;
            db::migrate(&mut conn)?;
            println!("migrations applied");
            Ok(())
        }
        Command::Backup { file } => {
            let mut conn = connect(&settings)?;
            let started = std::time::Instant::now();
            let bytes = plaza::ops::backup::sqlite(&mut conn, &file)?;
            println!(
                "backed up to {} ({:.1} MB in {:.1} s)",
                file.display(),
                bytes as f64 / 1e6,
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::User { command } => user_command(&settings, command),
        Command::SeedBench { search_docs: Some(n), .. } => {
            let mut conn = connect(&settings)?;
            db::migrate(&mut conn)?;
            with_progress(n, "documents", |tick| plaza::seed::seed_search_bench(&mut conn, n, tick))?;
            Ok(())
        }
        Command::SeedBench { posts: Some(n), .. } => {
            let mut conn = connect(&settings)?;
            db::migrate(&mut conn)?;
            let path = with_progress(n, "posts", |tick| plaza::seed::seed_post_bench(&mut conn, &settings, n, tick))?;
            println!("(in {path})");
            Ok(())
        }
        Command::SeedBench { topics, .. } => {
            let mut conn = connect(&settings)?;
            db::migrate(&mut conn)?;
            let (path, count) = plaza::seed::seed_bench(&mut conn, topics)?;
            println!("{path} now has {count} topics");
            Ok(())
        }
        Command::Reindex { target, restart } => reindex(&settings, &target, restart),
        Command::Rerender => {
            let mut conn = connect(&settings)?;
            db::migrate(&mut conn)?;
            let started = std::time::Instant::now();
            let stats = plaza::rerender::all(&mut conn, &|what, n| eprint!("\r{what}: {n}      "))?;
            eprintln!();
            println!(
                "rendered again: {} pieces of content, {} profiles, {} status notes ({} changed, {} excerpts made again) in {:.1} s",
                stats.contents,
                stats.profiles,
                stats.notes,
                stats.changed,
                stats.excerpts,
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Search { query, staff, limit } => search(&settings, &query, staff, limit),
        Command::MeilisearchOff => {
            let mut conn = connect(&settings)?;
            db::migrate(&mut conn)?;
            let dropped = db::write(&mut conn, plaza::search::disable_outbox)?;
            println!("changes are no longer queued for Meilisearch ({dropped} waiting changes dropped)");
            Ok(())
        }
        Command::SeedDemo => {
            let mut conn = connect(&settings)?;
            db::migrate(&mut conn)?;
            let summary = plaza::seed::seed_demo(&mut conn, &settings)?;
            println!("{summary}");
            Ok(())
        }
    }
}

fn connect(settings: &Settings) -> anyhow::Result<db::PooledConn> {
    std::fs::create_dir_all(&settings.data_dir)?;
    let pool = db::connect(&settings.database_url, 1)?;
    Ok(pool.get()?)
}

fn read_password(from_stdin: bool) -> anyhow::Result<String> {
    if from_stdin || !std::io::stdin().is_terminal() {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_string());
    }
    let first = rpassword::prompt_password("Password: ")?;
    let second = rpassword::prompt_password("Repeat password: ")?;
    if first != second {
        anyhow::bail!("the passwords do not match");
    }
    Ok(first)
}

/// Catalog keys become English sentences on the command line.
fn problem(key: &str) -> String {
    plaza::web::Lang::En.t(key)
}

fn user_command(settings: &Settings, command: UserCommand) -> anyhow::Result<()> {
    let mut conn = connect(settings)?;
    db::migrate(&mut conn)?;
    match command {
        UserCommand::Create { username, email, role, password_stdin } => {
            let username = Username::parse(&username).map_err(|k| anyhow::anyhow!("username: {}", problem(k)))?;
            let email = Email::parse(&email).map_err(|k| anyhow::anyhow!("e-mail: {}", problem(k)))?;
            let roles = parse_roles(&role)?;
            let pw = read_password(password_stdin)?;
            let pw = NewPassword::parse(&pw, username.as_str(), email.as_str())
                .map_err(|k| anyhow::anyhow!("password: {}", problem(k)))?;
            let hash = password::hash(pw.as_str())?;
            let user = db::write(&mut conn, |tx| {
                plaza::blogs::queries::ensure_enterprise_blog(tx, &settings.site_name)?;
                queries::create(
                    tx,
                    queries::CreateUser {
                        username: &username,
                        email: &email,
                        password_hash: &hash,
                        roles,
                        locale: None,
                        email_verified: true,
                    },
                )
                .map_err(|e| match e {
                    queries::UserWriteError::Field(f, k) => anyhow::anyhow!("{f}: {}", problem(k)),
                    queries::UserWriteError::Db(e) => anyhow::anyhow!(e),
                })
            })?;
            db::write(&mut conn, plaza::accounts::gate::remember_setup)?;
            println!("created {} ({}) as {}", user.username, user.email, roles_text(roles));
            Ok(())
        }
        UserCommand::SetPassword { username, password_stdin } => {
            let user = queries::find_by_key(&mut conn, &username.trim().to_lowercase())?
                .ok_or_else(|| anyhow::anyhow!("no user named {username}"))?;
            let pw = read_password(password_stdin)?;
            let pw = NewPassword::parse(&pw, &user.username, &user.email)
                .map_err(|k| anyhow::anyhow!("password: {}", problem(k)))?;
            let hash = password::hash(pw.as_str())?;
            let ended = db::write(&mut conn, |tx| -> anyhow::Result<usize> {
                queries::set_password_hash(tx, user.id, &hash)?;
                plaza::accounts::tokens::expire_all(tx, user.id, plaza::accounts::tokens::Purpose::Reset)?;
                plaza::accounts::ratelimit::clear_account(tx, &user.username_key)?;
                Ok(plaza::accounts::sessions::revoke_all(tx, user.id)?)
            })?;
            println!("password of {} set; {ended} session(s) ended", user.username);
            Ok(())
        }
        UserCommand::SetRole { username, role } => {
            let roles = parse_roles(&role)?;
            let user = queries::find_by_key(&mut conn, &username.to_lowercase())?
                .ok_or_else(|| anyhow::anyhow!("no user named {username}"))?;
            db::write(&mut conn, |tx| {
                plaza::accounts::gate::remember_setup(tx)?;
                queries::set_roles(tx, user.id, roles)?;
                plaza::accounts::gate::remember_setup(tx)
            })?;
            // Subscriptions the person may no longer read are dropped now, not at the next start.
            plaza::jobs::run_all(&mut conn)?;
            println!("{} is now {}", user.username, roles_text(roles));
            if roles.has(Role::Editor) && !roles.is_editor() {
                eprintln!(
                    "note: editor counts only for employees and moderators; {} cannot edit the magazine until also given one of those roles",
                    user.username
                );
            }
            Ok(())
        }
    }
}

/// "member", or roles separated by commas: "employee,moderator".
fn parse_roles(text: &str) -> anyhow::Result<Roles> {
    let mut roles = Roles::NONE;
    for word in text.split(',').map(str::trim).filter(|w| !w.is_empty()) {
        let role = Role::parse(word).ok_or_else(|| {
            anyhow::anyhow!("unknown role {word:?}: use member, employee, moderator, admin or editor")
        })?;
        roles = roles.with(role);
    }
    Ok(roles)
}

fn roles_text(roles: Roles) -> String {
    if roles == Roles::NONE { "member".into() } else { roles.to_db().replace(' ', ", ") }
}

fn reindex(settings: &Settings, target: &str, restart: bool) -> anyhow::Result<()> {
    use plaza::search::reindex::{self, Target};
    let mut conn = connect(settings)?;
    db::migrate(&mut conn)?;
    let meili = plaza::search::meili::MeiliIndex::new(settings)?;
    let targets = match (target, &meili) {
        ("database", _) => vec![Target::Database],
        ("meilisearch", None) => anyhow::bail!("--target meilisearch needs MEILI_URL"),
        ("meilisearch", Some(_)) => vec![Target::Meilisearch],
        (_, None) => vec![Target::Database],
        (_, Some(_)) => vec![Target::Database, Target::Meilisearch],
    };
    for target in targets {
        let total = reindex::total(&mut conn)?;
        let bar = indicatif::ProgressBar::new(total);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{msg:>12} [{bar:40}] {pos}/{len} rows  {per_sec}  eta {eta}")?
                .progress_chars("=> "),
        );
        bar.set_message(match target {
            Target::Database => "database",
            Target::Meilisearch => "meilisearch",
        });
        let started = std::time::Instant::now();
        let stats = reindex::rebuild(&mut conn, target, meili.as_ref(), restart, &|n| bar.inc(n))?;
        if target == Target::Meilisearch {
            reindex::mark_meili_current(&mut conn)?;
        }
        bar.finish_and_clear();
        let secs = started.elapsed().as_secs_f64();
        println!(
            "{:?} index: {} rows read, {} documents indexed, {} removed in {secs:.1} s ({:.0} rows/s){}",
            target,
            stats.scanned,
            stats.indexed,
            stats.removed,
            stats.scanned as f64 / secs.max(0.001),
            if stats.resumed { " (resumed an interrupted rebuild)" } else { "" }
        );
    }
    Ok(())
}

fn search(settings: &Settings, query: &str, staff: bool, limit: i64) -> anyhow::Result<()> {
    use plaza::search::{self, results};
    let mut conn = connect(settings)?;
    db::migrate(&mut conn)?;
    let q = search::Query::parse(query);
    if q.is_empty() {
        anyhow::bail!("nothing to search for in {query:?}: use letters or numbers, and not only -exclusions");
    }
    let viewer = if staff {
        plaza::policy::Viewer::member(0, Roles::from(Role::Employee), Vec::new())
    } else {
        plaza::policy::Viewer::visitor()
    };
    let guard = plaza::policy::Guard::load(&mut conn, &viewer)?;
    let mut req = search::SearchRequest::new(q, guard.audience_ids().map(<[i64]>::to_vec));
    req.limit = limit.clamp(1, 100);
    let engine = search::Engine { meili: search::meili::MeiliIndex::new(settings)?.map(std::sync::Arc::new) };
    let started = std::time::Instant::now();
    let answer = engine.search(&mut conn, &req)?;
    let took = started.elapsed();
    let words = req.query.highlight_words();
    let views = results::load(&mut conn, &answer.results.hits, &guard, &words, plaza::web::Lang::En)?;
    let total = results::surviving_total(&answer.results, views.len(), 0, req.limit);
    let plain = |f: &[search::text::Fragment]| {
        f.iter().map(|x| if x.mark { format!("[{}]", x.text) } else { x.text.clone() }).collect::<String>()
    };
    for v in &views {
        println!(
            "{:<8} {}\n         {}\n         {}\n",
            v.kind,
            plain(&v.title),
            settings.absolute(&v.url),
            plain(&v.snippet)
        );
    }
    println!(
        "{}{} results in {:.1} ms from {}{}",
        if answer.results.total_is_estimate { "about " } else { "" },
        total,
        took.as_secs_f64() * 1000.0,
        answer.engine,
        if answer.fell_back { " (Meilisearch unavailable: database index)" } else { "" }
    );
    if engine.meili.is_some() {
        // Operators: how far Meilisearch is behind the database.
        println!("{} changes waiting in the search outbox", search::meili::pending(&mut conn)?);
    }
    Ok(())
}
