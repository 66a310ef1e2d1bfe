//! Plaza: a company's blogs, forums and magazine in one server-rendered binary.
//! `lib.rs` builds the application so that `main.rs` and the tests run the same thing.

pub mod accounts;
pub mod blogs;
pub mod config;
pub mod content;
pub mod db;
pub mod error;
pub mod forums;
pub mod jobs;
pub mod kinds;
pub mod magazine;
pub mod media;
pub mod moderation;
pub mod notifications;
pub mod ops;
pub mod policy;
pub mod rerender;
pub mod search;
pub mod seed;
pub mod web;

use std::net::TcpListener;

use actix_web::dev::Server;
use actix_web::middleware::{DefaultHeaders, from_fn};
use actix_web::{App, HttpServer, web as aweb};
use diesel::prelude::*;

use crate::config::Settings;
use crate::db::schema::site_settings;
use crate::web::AppState;

/// The current time, truncated to microseconds so both backends store the same value.
pub fn now() -> chrono::NaiveDateTime {
    let t = chrono::Utc::now().naive_utc();
    chrono::DurationRound::duration_trunc(t, chrono::Duration::microseconds(1)).unwrap_or(t)
}

/// A running application: its port (0 in tests means "pick one") and the server future.
pub struct Application {
    port: u16,
    server: Server,
    views: forums::views::ViewCounts,
    pool: db::Pool,
    /// Asks the background threads to finish what they hold and end.
    stop: jobs::Stop,
    /// The background threads, waited for after the server has stopped.
    workers: Vec<std::thread::JoinHandle<()>>,
    page_cache: std::sync::Arc<web::cache::PageCache>,
}

impl Application {
    /// Connect, migrate, make sure the enterprise blog exists, and bind.
    pub fn build(settings: Settings) -> anyhow::Result<Application> {
        let metrics = aweb::Data::new(ops::Metrics::new()?);
        db::slow::set_threshold(settings.slow_query_ms);
        let pool = db::connect_observed(&settings.database_url, settings.db_pool_size, Some(metrics.pool_events()))?;
        let meili = search::meili::MeiliIndex::new(&settings)?.map(std::sync::Arc::new);
        let (csrf_secret, index_missing, meili_outdated) = {
            let mut conn = pool.get()?;
            db::migrate(&mut conn)?;
            db::write(&mut conn, |tx| {
                blogs::queries::ensure_enterprise_blog(tx, &settings.site_name)?;
                accounts::gate::remember_setup(tx)?;
                // The outbox follows the site: a process with Meilisearch turns it on; one
                // without never turns it off for the others (`plaza meilisearch-off` does).
                if meili.is_some() { search::set_outbox(tx, true) } else { Ok(()) }
            })?;
            if meili.is_none() && search::outbox_on(&mut conn)? {
                tracing::warn!(
                    "this site sends changes to Meilisearch (another process has MEILI_URL), but this process \
                     has none: it searches the database index and queues changes for the others to send; \
                     if the site no longer uses Meilisearch, run `plaza meilisearch-off`"
                );
            }
            let missing = search::reindex::database_index_missing(&mut conn)?
                || search::reindex::interrupted(&mut conn, search::reindex::Target::Database)?;
            let meili_outdated = meili.is_some() && search::reindex::meili_outdated(&mut conn)?;
            load_secret(&mut conn, notifications::prefs::SECRET_KEY)?;
            // Accounts from before look-alike names were refused get their key.
            accounts::queries::backfill_skeletons(&mut conn)?;
            (load_secret(&mut conn, "csrf_secret")?, missing, meili_outdated)
        };
        let gate = aweb::Data::new(accounts::gate::Gate::default());
        if let Some(m) = meili.clone() {
            // On a thread of its own (build may run inside an async runtime). Meilisearch may be
            // down at start-up: the outbox worker applies the settings when it is back.
            std::thread::spawn(move || {
                if let Err(e) = m.apply_settings() {
                    tracing::warn!(error = %e, "Meilisearch index settings not applied yet");
                }
            });
        }
        accounts::password::warm_up();
        let listener = TcpListener::bind(&settings.bind)
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", settings.bind))?;
        let port = listener.local_addr()?.port();
        let stop = jobs::Stop::default();
        let mut workers = Vec::new();
        if settings.background_jobs {
            workers.extend(jobs::spawn_worker(pool.clone(), settings.clone(), stop.clone()));
            if let Some(m) = &meili {
                workers.extend(search::meili::spawn_worker(pool.clone(), m.clone(), stop.clone()));
            }
            if let Some(m) = meili.clone().filter(|_| meili_outdated) {
                search::reindex::spawn_meili_rebuild(pool.clone(), m);
            }
            if index_missing {
                search::reindex::spawn_database_rebuild(pool.clone());
            }
        }
        let page_cache = std::sync::Arc::new(web::cache::PageCache::new(settings.page_cache_mb * 1024 * 1024));
        {
            let mut conn = pool.get()?;
            page_cache.start_at_current(&mut conn)?;
        }
        if settings.background_jobs && settings.page_cache_mb > 0 {
            workers.extend(web::cache::spawn_follower(page_cache.clone(), pool.clone(), stop.clone()));
        }
        let page_cache_handle = page_cache.clone();
        let page_cache = aweb::Data::from(page_cache);
        let cache_on = settings.page_cache_mb > 0;
        let views = forums::views::ViewCounts::default();
        if settings.background_jobs {
            workers.extend(views.spawn_flusher(pool.clone(), stop.clone()));
        }
        let search = search::Engine { meili };
        let media_service = media::Media::open(&settings)
            .map_err(|e| anyhow::anyhow!("cannot open the media folder under {}: {e}", settings.data_dir.display()))?;
        let https = settings.base_url.starts_with("https://");
        let media_origin = media_service.store.origin().map(|o| format!(" {o}")).unwrap_or_default();
        let settings_pool_size = settings.db_pool_size as usize;
        let state = aweb::Data::new(AppState {
            pool: pool.clone(),
            settings,
            csrf_secret,
            search,
            kinds: kinds::registry(),
            views: views.clone(),
            cache: page_cache_handle.clone(),
            media: media_service,
            statement: Default::default(),
            brand: Default::default(),
        });
        let pool_threads = settings_pool_size + 2;
        let server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .app_data(metrics.clone())
                .app_data(gate.clone())
                .app_data(page_cache.clone())
                .app_data(aweb::PayloadConfig::new(web::form::MAX_FORM_BYTES))
                .app_data(
                    aweb::QueryConfig::default()
                        .error_handler(|_, _| error::AppError::BadRequest("error-bad-request").into()),
                )
                .app_data(aweb::PathConfig::default().error_handler(|_, _| error::AppError::NotFound.into()))
                .configure(routes)
                .default_service(aweb::to(not_found))
                .wrap(from_fn(accounts::gate::middleware))
                .wrap(from_fn(web::context::middleware))
                .wrap(security_headers(https, &media_origin))
                .wrap(actix_web::middleware::Condition::new(cache_on, from_fn(web::cache::middleware)))
                .wrap(from_fn(web::compress::middleware))
                .wrap(from_fn(ops::observe))
                .wrap(tracing_actix_web::TracingLogger::<ops::RequestSpan>::new())
        })
        // On SIGTERM or ctrl-c: stop accepting, let requests in flight finish (up to 30 s).
        .shutdown_timeout(30)
        // Database work runs on the blocking pool; more threads than connections only wait for
        // one, and each thread's malloc arena keeps what it once held (64 threads under load
        // held 600 MB resident).
        .worker_max_blocking_threads(pool_threads)
        .listen(listener)?
        .run();
        Ok(Application { port, server, views, pool, stop, workers, page_cache: page_cache_handle })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The topic views this server counts (to write them now: tests, commands).
    pub fn view_counts(&self) -> forums::views::ViewCounts {
        self.views.clone()
    }

    /// This server's page cache (tests apply changes written around the server with
    /// `catch_up`, as the follower thread does every half second in production).
    pub fn page_cache(&self) -> std::sync::Arc<web::cache::PageCache> {
        self.page_cache.clone()
    }

    /// To stop the server from outside (tests; signals stop it by themselves).
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Serve until stopped (SIGTERM, ctrl-c, or `handle().stop`). Then the background threads
    /// finish the row they hold and end, and the topic views counted so far are written.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let served = self.server.await;
        tracing::info!("server stopped; finishing background work");
        self.stop.request();
        let (workers, views, pool) = (self.workers, self.views, self.pool);
        let finished = actix_web::rt::task::spawn_blocking(move || {
            for worker in workers {
                if worker.join().is_err() {
                    tracing::error!("a background thread panicked");
                }
            }
            match pool.get() {
                Ok(mut conn) => {
                    if let Err(e) = views.flush(&mut conn) {
                        tracing::error!(error = %e, "topic views not written at shutdown");
                    }
                }
                Err(e) => tracing::error!(error = %e, "topic views not written at shutdown"),
            }
        })
        .await;
        if finished.is_err() {
            tracing::error!("shutdown work did not finish");
        }
        served
    }
}

async fn not_found() -> Result<actix_web::HttpResponse, error::AppError> {
    Err(error::AppError::NotFound)
}

/// `media_origin`: where readers' browsers fetch media from besides this site (an object store's
/// signed addresses), or "".
fn security_headers(https: bool, media_origin: &str) -> DefaultHeaders {
    let headers = if https {
        // Served over https: browsers keep to it for a year.
        DefaultHeaders::new().add(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))
    } else {
        DefaultHeaders::new()
    };
    headers
        .add((
            "Content-Security-Policy",
            // Pictures, sound and video from this site alone (pictures given by address are
            // fetched and stored by the server), or its object store.
            format!(
                "default-src 'self'; img-src 'self'{media_origin}; media-src 'self'{media_origin}; style-src 'self'; \
                 script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
            ),
        ))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Referrer-Policy", "strict-origin-when-cross-origin"))
}

/// A random secret kept in the database so every app process signs with the same key.
fn load_secret(conn: &mut db::DbConn, key: &str) -> anyhow::Result<Vec<u8>> {
    if let Some(v) = db::setting(conn, key)? {
        return Ok(hex::decode(v)?);
    }
    // Two processes starting at once: the second insert fails and both read the first's key.
    db::write(conn, |tx| {
        db::ignore_duplicate(tx, |conn| {
            diesel::insert_into(site_settings::table)
                .values((site_settings::key.eq(key), site_settings::value.eq(web::random_token())))
                .execute(conn)
        })
    })?;
    let v = db::setting(conn, key)?.ok_or_else(|| anyhow::anyhow!("{key} missing after insert"))?;
    Ok(hex::decode(v)?)
}

/// Every route. Feed routes come before the slug routes they would otherwise match.
fn routes(cfg: &mut aweb::ServiceConfig) {
    use accounts::{admin, group_pages as groups, handlers as acc, recovery as rec};
    use blogs::{editor, feeds as bf, pages as bp, settings as bs};
    use content::comment_pages as cp;
    use forums::{actions as fa, admin as fadmin, board_pages as fb, compose as fc, topic_page as ft};
    use notifications::handlers as n;
    use web::tag_pages as tg;
    cfg.route("/static/{name}", aweb::get().to(web::assets::serve))
        .route("/healthz", aweb::get().to(ops::healthz))
        .route("/readyz", aweb::get().to(ops::readyz))
        .route("/metrics", aweb::get().to(ops::metrics))
        .route("/", aweb::get().to(web::pages::home))
        .route("/robots.txt", aweb::get().to(web::pages::robots))
        .route("/sitemap.xml", aweb::get().to(web::pages::sitemap))
        .route("/sitemap-{part}.xml", aweb::get().to(web::pages::sitemap_part))
        .route(
            "/favicon.ico",
            aweb::get().to(|| async {
                actix_web::HttpResponse::MovedPermanently().insert_header(("Location", "/static/favicon.svg")).finish()
            }),
        )
        .route("/lang", aweb::post().to(web::pages::switch_lang))
        .route("/feed.{ext}", aweb::get().to(bf::site_feed))
        .route("/search", aweb::get().to(search::handlers::page))
        .route("/search.{ext}", aweb::get().to(search::handlers::feed))
        .route("/opensearch.xml", aweb::get().to(search::handlers::opensearch))
        // accounts
        .route("/setup", aweb::get().to(acc::setup_form))
        .route("/setup", aweb::post().to(acc::setup))
        .route("/password/forgot", aweb::get().to(rec::forgot_form))
        .route("/password/forgot", aweb::post().to(rec::forgot))
        .route("/password/reset/{token}", aweb::get().to(rec::reset_form))
        .route("/password/reset/{token}", aweb::post().to(rec::reset))
        .route("/email/confirm/{token}", aweb::get().to(rec::confirm_form))
        .route("/email/confirm/{token}", aweb::post().to(rec::confirm))
        .route("/email/resend", aweb::post().to(rec::resend))
        .route("/settings/email", aweb::post().to(rec::change_email))
        .route("/register", aweb::get().to(acc::register_form))
        .route("/register", aweb::post().to(acc::register))
        .route("/login", aweb::get().to(acc::login_form))
        .route("/login", aweb::post().to(acc::login))
        .route("/logout", aweb::post().to(acc::logout))
        .route("/logout/all", aweb::post().to(acc::logout_all))
        .route("/settings", aweb::get().to(acc::settings_form))
        .route("/settings", aweb::post().to(acc::save_settings))
        .route("/settings/password", aweb::post().to(acc::change_password))
        .route("/settings/account", aweb::get().to(accounts::own_data::page))
        .route("/settings/account/export", aweb::get().to(accounts::own_data::export))
        .route("/settings/account/delete", aweb::post().to(accounts::own_data::delete))
        .route("/settings/account/deleted", aweb::get().to(accounts::own_data::deleted))
        .route("/u/{username}", aweb::get().to(acc::profile))
        .route("/u/{username}/mute", aweb::post().to(accounts::mutes::set))
        .route("/settings/muted", aweb::get().to(accounts::mutes::page))
        .route("/admin/users", aweb::get().to(admin::users))
        .route("/admin/users/{id}/role", aweb::post().to(admin::set_role))
        .route("/admin/users/{id}/suspend", aweb::post().to(admin::suspend))
        .route("/admin/users/{id}/community-blog", aweb::post().to(admin::grant_blog))
        .route("/admin/users/{id}/reset-link", aweb::post().to(admin::send_reset_link))
        .route("/admin/groups", aweb::get().to(groups::index))
        .route("/admin/groups", aweb::post().to(groups::create))
        .route("/admin/groups/{id}", aweb::get().to(groups::show))
        .route("/admin/groups/{id}", aweb::post().to(groups::update))
        .route("/admin/groups/{id}/delete", aweb::post().to(groups::delete))
        .route("/admin/groups/{id}/members", aweb::post().to(groups::add_member))
        .route("/admin/groups/{id}/members/remove", aweb::post().to(groups::remove_member))
        // notifications
        .route("/notifications", aweb::get().to(n::index))
        .route("/notifications/read-all", aweb::post().to(n::read_all))
        .route("/notifications/{id}/open", aweb::post().to(n::open))
        .route("/settings/notifications", aweb::get().to(n::prefs_form))
        .route("/settings/notifications", aweb::post().to(n::save_prefs))
        // signed one-click links from e-mail: no login, no CSRF token (the token is the proof)
        .route("/unsubscribe/{token}", aweb::get().to(n::unsubscribe_form))
        .route("/unsubscribe/{token}", aweb::post().to(n::unsubscribe))
        // media
        .route("/media", aweb::get().to(media::handlers::library))
        .route("/media", aweb::post().to(media::handlers::upload))
        .route("/media/{id}", aweb::get().to(media::handlers::serve_default))
        .route("/media/{id}/delete", aweb::post().to(media::handlers::delete))
        .route("/media/{id}/{file}", aweb::get().to(media::handlers::serve))
        .route("/settings/avatar", aweb::post().to(media::handlers::set_avatar))
        .route("/admin/media", aweb::get().to(media::handlers::storage))
        .route("/settings/avatar/remove", aweb::post().to(media::handlers::remove_avatar))
        // tags
        .route("/tags", aweb::get().to(tg::index))
        .route("/tags/{slug}/feed.{ext}", aweb::get().to(bf::tag_feed))
        .route("/tags/{slug}/follow", aweb::post().to(tg::follow))
        .route("/tags/{slug}", aweb::get().to(tg::show))
        .route("/following", aweb::get().to(tg::following))
        // any content
        .route("/content/{id}", aweb::get().to(cp::permalink))
        .route("/content/{id}/hide", aweb::post().to(cp::hide))
        .route("/comments/{id}/edit", aweb::get().to(cp::edit_comment_form))
        .route("/comments/{id}/edit", aweb::post().to(cp::edit_comment))
        .route("/comments/{id}/delete", aweb::post().to(cp::delete_comment))
        // blogs
        .route("/blogs", aweb::get().to(bp::directory))
        .route("/blog", aweb::get().to(bp::enterprise_blog))
        .route("/blog/feed.{ext}", aweb::get().to(bf::enterprise_feed))
        .route("/blog/{slug}", aweb::get().to(bp::enterprise_post))
        .route("/blogs/{blog}/feed.{ext}", aweb::get().to(bf::blog_feed_route))
        .route("/blogs/{blog}", aweb::get().to(bp::blog))
        .route("/blogs/{blog}/{slug}", aweb::get().to(bp::post))
        .route("/manage/blogs/{blog}", aweb::get().to(bs::blog_settings_form))
        .route("/manage/blogs/{blog}", aweb::post().to(bs::save_blog_settings))
        .route("/manage/blogs/{blog}/authors", aweb::post().to(bs::add_author))
        .route("/manage/blogs/{blog}/authors/remove", aweb::post().to(bs::remove_author))
        .route("/write", aweb::get().to(editor::new_post_form))
        .route("/write", aweb::post().to(editor::create_post))
        .route("/posts/{id}", aweb::get().to(bp::permalink))
        .route("/posts/{id}/edit", aweb::get().to(editor::edit_post_form))
        .route("/posts/{id}/edit", aweb::post().to(editor::update_post))
        .route("/posts/{id}/delete", aweb::post().to(editor::delete_post))
        .route("/posts/{id}/comments", aweb::post().to(bp::add_comment))
        .route("/posts/{id}/comments.{ext}", aweb::get().to(bf::comments_feed))
        // forums
        // the magazine (the issue's own pages before its articles' slugs)
        .route("/magazine", aweb::get().to(magazine::pages::index))
        .route("/magazine/feed.{ext}", aweb::get().to(magazine::feeds::issues_feed))
        .route("/flag/{what}/{id}", aweb::get().to(moderation::flags::form))
        .route("/flag/{what}/{id}", aweb::post().to(moderation::flags::submit))
        .route("/mod", aweb::get().to(moderation::pages::queue_page))
        .route("/mod/queue/{id}", aweb::post().to(moderation::pages::act))
        .route("/mod/content/{id}", aweb::get().to(moderation::pages::content_page))
        .route("/mod/content/{id}", aweb::post().to(moderation::pages::act_on_content))
        .route("/mod/content/{id}/edit", aweb::get().to(moderation::edit::form))
        .route("/mod/content/{id}/edit", aweb::post().to(moderation::edit::save))
        .route("/mod/content/{id}/move", aweb::get().to(moderation::topics::move_form))
        .route("/mod/content/{id}/move", aweb::post().to(moderation::topics::move_topic))
        .route("/mod/content/{id}/merge", aweb::get().to(moderation::topics::merge_form))
        .route("/mod/content/{id}/merge", aweb::post().to(moderation::topics::merge))
        .route("/mod/users/{id}", aweb::get().to(moderation::pages::member_page))
        .route("/mod/users/{id}", aweb::post().to(moderation::pages::sanction_member))
        .route("/mod/sanctions/{id}/lift", aweb::post().to(moderation::pages::lift))
        .route("/mod/settings", aweb::get().to(moderation::pages::settings_page))
        .route("/mod/settings", aweb::post().to(moderation::pages::save_settings))
        .route("/mod/log", aweb::get().to(moderation::log::page))
        .route("/admin/site", aweb::get().to(web::brand::admin))
        .route("/admin/site", aweb::post().to(web::brand::save))
        .route("/look/{file}", aweb::get().to(web::brand::css))
        .route("/admin/statement", aweb::get().to(moderation::statement::admin))
        .route("/admin/statement", aweb::post().to(moderation::statement::publish))
        .route("/admin/statement/withdraw", aweb::post().to(moderation::statement::withdraw))
        .route("/admin/statement/boards/{id}", aweb::post().to(moderation::statement::board_mode))
        .route("/statement/dismiss", aweb::post().to(moderation::statement::dismiss))
        .route("/alerts", aweb::get().to(moderation::alerts::list))
        .route("/alerts", aweb::post().to(moderation::alerts::add))
        .route("/alerts/{id}/delete", aweb::post().to(moderation::alerts::remove))
        .route("/mod/words", aweb::get().to(moderation::words::list))
        .route("/mod/words", aweb::post().to(moderation::words::add))
        .route("/mod/words/{id}/delete", aweb::post().to(moderation::words::remove))
        .route("/mod/users/{id}/trust", aweb::post().to(moderation::pages::set_trust))
        .route("/appeal", aweb::get().to(moderation::appeal::page))
        .route("/appeal", aweb::post().to(moderation::appeal::send))
        .route("/magazine/review", aweb::get().to(magazine::review::queue))
        .route("/magazine/reads/{id}/{at}", aweb::get().to(magazine::pages::read_beacon))
        .route("/magazine/review/{revision}", aweb::post().to(magazine::review::decide))
        .route("/magazine/calls", aweb::get().to(magazine::call_pages::index))
        .route("/magazine/calls/new", aweb::get().to(magazine::call_pages::new_form))
        .route("/magazine/calls/new", aweb::post().to(magazine::call_pages::create))
        .route("/magazine/calls/{id}", aweb::get().to(magazine::call_pages::show))
        .route("/magazine/calls/{id}/edit", aweb::get().to(magazine::call_pages::edit_form))
        .route("/magazine/calls/{id}/edit", aweb::post().to(magazine::call_pages::update))
        .route("/magazine/calls/{id}/judging", aweb::get().to(magazine::call_pages::judging))
        .route("/magazine/calls/{id}/scores", aweb::post().to(magazine::call_pages::add_score))
        .route("/magazine/calls/{id}/awards", aweb::post().to(magazine::call_pages::set_award))
        .route("/magazine/calls/{id}/announce", aweb::post().to(magazine::call_pages::announce))
        .route("/magazine/areas/new", aweb::get().to(magazine::areas::new_form))
        .route("/magazine/areas/new", aweb::post().to(magazine::areas::create))
        .route("/magazine/areas/{id}", aweb::get().to(magazine::areas::show))
        .route("/magazine/areas/{id}/edit", aweb::get().to(magazine::areas::edit_form))
        .route("/magazine/areas/{id}/edit", aweb::post().to(magazine::areas::update))
        .route("/magazine/areas/{id}/entries", aweb::post().to(magazine::areas::submit))
        .route("/magazine/entries/{id}", aweb::post().to(magazine::areas::decide))
        .route("/magazine/polls/{id}/vote", aweb::post().to(magazine::polls::take_vote))
        .route("/magazine/polls/{id}/answer", aweb::post().to(magazine::polls::take_answer))
        .route("/magazine/polls/{id}/close", aweb::post().to(magazine::polls::close))
        .route("/magazine/new", aweb::get().to(magazine::editor::new_issue_form))
        .route("/magazine/new", aweb::post().to(magazine::editor::create_issue))
        .route("/magazine/{number}", aweb::get().to(magazine::pages::issue))
        .route("/magazine/{number}/edit", aweb::get().to(magazine::editor::edit_issue_form))
        .route("/magazine/{number}/edit", aweb::post().to(magazine::editor::update_issue))
        .route("/magazine/{number}/stage", aweb::post().to(magazine::editor::set_stage))
        .route("/magazine/{number}/sections", aweb::post().to(magazine::editor::add_section))
        .route("/magazine/{number}/sections/{id}", aweb::post().to(magazine::editor::change_section))
        .route("/magazine/{number}/articles/new", aweb::get().to(magazine::editor::new_article_form))
        .route("/magazine/{number}/articles/new", aweb::post().to(magazine::editor::create_article))
        .route("/magazine/{number}/feed.{ext}", aweb::get().to(magazine::feeds::issue_feed))
        .route("/magazine/{number}/epub", aweb::get().to(magazine::epub::download))
        .route("/magazine/{number}/{slug}", aweb::get().to(magazine::pages::article))
        .route("/magazine/{number}/{slug}/edit", aweb::get().to(magazine::editor::edit_article_form))
        .route("/magazine/{number}/{slug}/edit", aweb::post().to(magazine::editor::update_article))
        .route("/magazine/{number}/{slug}/history", aweb::get().to(magazine::pages::history))
        .route("/magazine/{number}/{slug}/stats", aweb::get().to(magazine::stats::page))
        .route("/magazine/{number}/{slug}/polls", aweb::post().to(magazine::polls::add))
        .route("/magazine/{number}/{slug}/delete", aweb::post().to(magazine::editor::delete_article))
        .route("/magazine/{number}/{slug}/comments", aweb::post().to(magazine::pages::add_comment))
        .route("/magazine/{number}/{slug}/comments.{ext}", aweb::get().to(magazine::feeds::comments_feed))
        .route("/magazine/{number}/{slug}/diff", aweb::get().to(magazine::revisions::diff))
        .route("/magazine/{number}/{slug}/revisions/{id}", aweb::get().to(magazine::revisions::revision))
        .route("/magazine/{number}/{slug}/revisions/{id}/rollback", aweb::post().to(magazine::revisions::rollback))
        .route("/forums", aweb::get().to(fb::index))
        .route("/forums/{board}/feed.{ext}", aweb::get().to(forums::feeds::board_feed))
        .route("/forums/{board}/status.{ext}", aweb::get().to(forums::ideas::status_feed))
        .route("/forums/{board}/adopted", aweb::get().to(forums::ideas::adopted))
        .route("/forums/{board}/products/{product}", aweb::get().to(forums::reviews::product))
        .route("/forums/{board}/new", aweb::get().to(fc::new_topic_form))
        .route("/forums/{board}/new", aweb::post().to(fc::create_topic))
        .route("/forums/{board}/follow", aweb::post().to(fa::follow_board))
        .route("/forums/{board}", aweb::get().to(fb::board))
        .route("/forums/{board}/{topic}", aweb::get().to(ft::topic))
        .route("/topics/{id}", aweb::get().to(ft::topic_permalink))
        .route("/topics/{id}/feed.{ext}", aweb::get().to(forums::feeds::topic_feed))
        .route("/topics/{id}/replies", aweb::post().to(fa::add_reply))
        .route("/topics/{id}/edit", aweb::get().to(fc::edit_topic_form))
        .route("/topics/{id}/edit", aweb::post().to(fc::edit_topic))
        .route("/topics/{id}/delete", aweb::post().to(fa::delete_topic))
        .route("/topics/{id}/pin", aweb::post().to(fa::pin))
        .route("/topics/{id}/lock", aweb::post().to(fa::lock))
        .route("/topics/{id}/accept", aweb::post().to(fa::accept))
        .route("/topics/{id}/follow", aweb::post().to(fa::follow_topic))
        .route("/topics/{id}/vote", aweb::post().to(forums::ideas::vote_handler))
        .route("/topics/{id}/status", aweb::post().to(forums::ideas::status_handler))
        .route("/topics/{id}/response", aweb::post().to(forums::reviews::post_response))
        .route("/replies/{id}", aweb::get().to(ft::reply_permalink))
        .route("/replies/{id}/edit", aweb::get().to(fc::edit_reply_form))
        .route("/replies/{id}/edit", aweb::post().to(fc::edit_reply))
        .route("/replies/{id}/delete", aweb::post().to(fa::delete_reply))
        .route("/likes/{id}", aweb::post().to(fa::like))
        .route("/reactions/{id}", aweb::post().to(content::reactions::react))
        .route("/history/{id}", aweb::get().to(forums::history::history))
        .route("/admin/forums", aweb::get().to(fadmin::index))
        .route("/admin/forums/boards", aweb::post().to(fadmin::create_board))
        .route("/admin/forums/boards/{id}", aweb::get().to(fadmin::edit_board_form))
        .route("/admin/forums/boards/{id}", aweb::post().to(fadmin::update_board))
        .route("/admin/forums/boards/{id}/products", aweb::post().to(forums::reviews::add_product))
        .route("/admin/forums/groups", aweb::post().to(fadmin::create_group))
        .route("/admin/forums/statuses", aweb::post().to(forums::ideas::add_status))
        .route("/admin/forums/groups/{id}", aweb::post().to(fadmin::update_group));
}
