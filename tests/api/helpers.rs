//! The test harness: a real Plaza server on a random port with a fresh database per test
//! (a temporary SQLite file, or a new PostgreSQL database when TEST_DATABASE_URL is set),
//! and a cookie-keeping client that does not follow redirects.

#![allow(dead_code)]

use std::sync::Mutex;

use diesel::prelude::*;
use plaza::accounts::Roles;
use plaza::accounts::domain::{Email, Username};
use plaza::config::Settings;
use plaza::db::{self, Backend};
use reqwest::StatusCode;

pub const PASSWORD: &str = "correct horse battery staple";
pub const BASE_URL: &str = "http://plaza.test";

pub struct TestApp {
    pub addr: String,
    pub settings: Settings,
    pub pool: db::Pool,
    /// Topic views the server counted and has not written yet (`settle` writes them).
    pub views: plaza::forums::views::ViewCounts,
    /// The server's page cache: `get` first applies what was written around the server (tests
    /// change rows directly; a production server's follower thread applies them within 0.5 s).
    pub page_cache: std::sync::Arc<plaza::web::cache::PageCache>,
    /// The default browser.
    pub browser: Browser,
    /// The database (dropped with the app).
    _db: FreshDatabase,
}

/// One browser: its own cookie jar and CSRF token.
pub struct Browser {
    pub addr: String,
    pub client: reqwest::Client,
    token: Mutex<Option<String>>,
}

pub struct Page {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Page {
    pub fn location(&self) -> String {
        self.headers.get("location").and_then(|v| v.to_str().ok()).unwrap_or("").to_string()
    }

    pub fn header(&self, name: &str) -> String {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_string()
    }

    #[track_caller]
    pub fn assert_contains(&self, text: &str) -> &Self {
        assert!(self.body.contains(text), "expected {text:?} in page (status {}):\n{}", self.status, self.body);
        self
    }

    #[track_caller]
    pub fn assert_lacks(&self, text: &str) -> &Self {
        assert!(!self.body.contains(text), "did not expect {text:?} in page:\n{}", self.body);
        self
    }

    #[track_caller]
    pub fn assert_status(&self, status: u16) -> &Self {
        assert_eq!(self.status.as_u16(), status, "body:\n{}", self.body);
        self
    }

    #[track_caller]
    pub fn assert_redirect(&self, to: &str) -> &Self {
        assert!(self.status.is_redirection(), "expected a redirect, got {}:\n{}", self.status, self.body);
        assert_eq!(self.location(), to);
        self
    }
}

impl Browser {
    fn new(addr: &str) -> Browser {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            // The server closes a connection idle for 5 s (actix-web's keep-alive): a request
            // sent on one just then fails with "IncompleteMessage" on a loaded machine. Drop
            // idle connections well before that.
            .pool_idle_timeout(std::time::Duration::from_secs(2))
            .build()
            .expect("client");
        Browser { addr: addr.to_string(), client, token: Mutex::new(None) }
    }

    pub async fn get(&self, path: &str) -> Page {
        self.get_with(path, &[]).await
    }

    /// The whole sitemap: the index at `/sitemap.xml` and every file it names, one after the
    /// other in one page (status 200 only if every file answered 200).
    pub async fn sitemap(&self) -> Page {
        let index = self.get("/sitemap.xml").await;
        let mut body = index.body.clone();
        let mut status = index.status;
        let locs: Vec<String> = index
            .body
            .split("<loc>")
            .skip(1)
            .filter_map(|s| s.split("</loc>").next())
            .map(|l| l.strip_prefix(BASE_URL).unwrap_or(l).to_string())
            .collect();
        for loc in locs {
            let part = self.get(&loc).await;
            if part.status != StatusCode::OK {
                status = part.status;
            }
            body.push_str(&part.body);
        }
        Page { status, headers: index.headers, body }
    }

    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Page {
        let mut req = self.client.get(format!("{}{}", self.addr, path));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let res = req.send().await.expect("request");
        Page { status: res.status(), headers: res.headers().clone(), body: res.text().await.expect("body") }
    }

    /// The CSRF token of this browser's forms (loaded from a page once).
    pub async fn token(&self) -> String {
        if let Some(t) = self.token.lock().expect("lock").clone() {
            return t;
        }
        // Every page's layout carries the token (the language switcher's form); a site not yet
        // set up shows the set-up form.
        let mut t = None;
        for path in ["/", "/setup", "/register"] {
            t = extract_token(&self.get(path).await.body);
            if t.is_some() {
                break;
            }
        }
        let t = t.expect("csrf token on a page");
        *self.token.lock().expect("lock") = Some(t.clone());
        t
    }

    /// Post a form with this browser's CSRF token added.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let token = self.token().await;
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        form.push(("csrf_token", &token));
        self.post_raw(path, &form).await
    }

    /// Post a form with this browser's CSRF token and extra headers (`Origin`, `Referer`…).
    pub async fn post_with(&self, path: &str, fields: &[(&str, &str)], headers: &[(&str, &str)]) -> Page {
        let token = self.token().await;
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        form.push(("csrf_token", &token));
        let mut req = self.client.post(format!("{}{}", self.addr, path)).form(&form);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let res = req.send().await.expect("request");
        Page { status: res.status(), headers: res.headers().clone(), body: res.text().await.expect("body") }
    }

    /// Post a multipart form (fields and files: (field, file name, bytes, type)) with this
    /// browser's CSRF token, as a browser without scripts sends an editor with files attached.
    pub async fn upload(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, Vec<u8>, &str)],
        headers: &[(&str, &str)],
    ) -> Page {
        let token = self.token().await;
        let mut form = reqwest::multipart::Form::new().text("csrf_token", token);
        for (k, v) in fields {
            form = form.text(k.to_string(), v.to_string());
        }
        for (field, name, bytes, mime) in files {
            let part = reqwest::multipart::Part::bytes(bytes.clone())
                .file_name(name.to_string())
                .mime_str(mime)
                .expect("mime");
            form = form.part(field.to_string(), part);
        }
        let mut req = self.client.post(format!("{}{}", self.addr, path)).multipart(form);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let res = req.send().await.expect("request");
        Page { status: res.status(), headers: res.headers().clone(), body: res.text().await.expect("body") }
    }

    /// Upload files to the library as the editor's script does; the answer's JSON.
    pub async fn upload_json(&self, files: &[(&str, Vec<u8>, &str)]) -> (u16, serde_json::Value) {
        let files: Vec<(&str, &str, Vec<u8>, &str)> =
            files.iter().map(|(n, b, m)| ("files", *n, b.clone(), *m)).collect();
        let page = self.upload("/media", &[], &files, &[("Accept", "application/json")]).await;
        let json = serde_json::from_str(&page.body).unwrap_or_else(|e| panic!("{e}: {}", page.body));
        (page.status.as_u16(), json)
    }

    /// A GET whose body is bytes (pictures, sound).
    pub async fn get_bytes(&self, path: &str, headers: &[(&str, &str)]) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
        let mut req = self.client.get(format!("{}{}", self.addr, path));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let res = req.send().await.expect("request");
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        (status, headers, res.bytes().await.expect("body").to_vec())
    }

    /// A HEAD request, as feed readers and crawlers send.
    pub async fn head(&self, path: &str) -> Page {
        let res = self.client.head(format!("{}{}", self.addr, path)).send().await.expect("request");
        Page { status: res.status(), headers: res.headers().clone(), body: res.text().await.expect("body") }
    }

    /// Post exactly these fields (no token added).
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let res = self.client.post(format!("{}{}", self.addr, path)).form(fields).send().await.expect("request");
        // A login or logout gives a new CSRF nonce (and session): the forms' token changes.
        if res.headers().get_all("set-cookie").iter().any(|c| c.as_bytes().starts_with(b"plaza_csrf=")) {
            *self.token.lock().expect("lock") = None;
        }
        Page { status: res.status(), headers: res.headers().clone(), body: res.text().await.expect("body") }
    }

    pub async fn login(&self, login: &str, password: &str) -> Page {
        self.post("/login", &[("login", login), ("password", password)]).await
    }

    pub async fn login_ok(&self, login: &str) {
        self.login_ok_with(login, PASSWORD).await;
    }

    pub async fn login_ok_with(&self, login: &str, password: &str) {
        let page = self.login(login, password).await;
        assert_eq!(page.status.as_u16(), 303, "login as {login} failed:\n{}", page.body);
    }
}

pub fn extract_token(body: &str) -> Option<String> {
    let marker = "name=\"csrf_token\" value=\"";
    let start = body.find(marker)? + marker.len();
    let end = body[start..].find('"')?;
    Some(body[start..start + end].to_string())
}

/// Which backend this run uses.
pub fn test_database_url() -> Option<String> {
    std::env::var("TEST_DATABASE_URL").ok().filter(|u| Backend::from_url(u) == Backend::Postgres)
}

fn unique_name() -> String {
    use rand::Rng;
    format!("plaza_t_{}", rand::thread_rng().gen_range(0..u64::MAX))
}

/// Replace the database name at the end of a PostgreSQL URL (keeping any `?query`).
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let cut = base.rfind('/').map(|i| &base[..i]).unwrap_or(base);
    format!("{cut}/{name}{query}")
}

/// A database nobody has used yet (a temporary SQLite file, or a new PostgreSQL database), with
/// settings pointing at it; dropped with the value.
pub struct FreshDatabase {
    pub settings: Settings,
    _dir: tempfile::TempDir,
    pg: Option<(String, String)>,
}

pub fn fresh_database() -> FreshDatabase {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut settings = Settings::with_data_dir(dir.path());
    settings.bind = "127.0.0.1:0".into();
    settings.base_url = BASE_URL.into();
    settings.db_pool_size = 2;
    settings.background_jobs = false;
    let mut pg = None;
    if let Some(admin_url) = test_database_url() {
        let name = unique_name();
        let mut conn = PgConnection::establish(&admin_url).expect("connect to TEST_DATABASE_URL");
        diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut conn).expect("create test database");
        settings.database_url = with_database(&admin_url, &name);
        pg = Some((admin_url, name));
    }
    FreshDatabase { settings, _dir: dir, pg }
}

impl Drop for FreshDatabase {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = self.pg.take()
            && let Ok(mut conn) = PgConnection::establish(&admin_url)
        {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut conn);
        }
    }
}

pub async fn spawn() -> TestApp {
    spawn_with(|_| {}).await
}

/// Spawn with settings adjusted by the test. The site counts as set up (as if its first admin
/// had been made), so tests need not make an admin first; `spawn_empty` is a site before set-up.
pub async fn spawn_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let app = spawn_inner(adjust).await;
    let mut conn = app.conn();
    plaza::db::write(&mut conn, |tx| plaza::db::set_setting(tx, plaza::accounts::gate::SETUP_CLAIM, Some("test")))
        .expect("set up");
    drop(conn);
    app
}

/// A fresh site nobody has set up yet: every route leads to `/setup`.
pub async fn spawn_empty() -> TestApp {
    spawn_inner(|_| {}).await
}

async fn spawn_inner(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let db = fresh_database();
    let mut settings = db.settings.clone();
    settings.db_pool_size = 4;
    // Tests post forms at once; the minimum fill time has tests of its own (`spam`).
    settings.form_min_seconds = 0;
    adjust(&mut settings);
    let app = plaza::Application::build(settings.clone()).expect("build app");
    let addr = format!("http://127.0.0.1:{}", app.port());
    let views = app.view_counts();
    let page_cache = app.page_cache();
    tokio::spawn(app.run_until_stopped());
    let pool = db::connect(&settings.database_url, 2).expect("pool");
    TestApp { browser: Browser::new(&addr), addr, settings, pool, views, page_cache, _db: db }
}

/// Meilisearch for the shared search suite: `MEILI_URL` (and `MEILI_KEY`) from the environment.
pub fn meili_env() -> Option<(String, Option<String>)> {
    let url = std::env::var("MEILI_URL").ok().filter(|u| !u.trim().is_empty())?;
    Some((url, std::env::var("MEILI_KEY").ok().filter(|k| !k.is_empty())))
}

/// Spawn an app searching with the database index, or with Meilisearch (a fresh index per test).
pub async fn spawn_search(meili: bool) -> TestApp {
    if !meili {
        return spawn().await;
    }
    let (url, key) = meili_env().expect("MEILI_URL");
    spawn_with(|s| {
        s.meili_url = Some(url);
        s.meili_key = key.map(plaza::config::Secret::new);
        s.meili_index = unique_name();
    })
    .await
}

impl TestApp {
    /// Let background work finish, as the worker would: run the jobs (notifying followers,
    /// dropping subscriptions after access changed), and send the outbox to Meilisearch (nothing
    /// to do for the database backends, which index in the writing unit of work).
    pub async fn settle(&self) {
        let (pool, views) = (self.pool.clone(), self.views.clone());
        tokio::task::spawn_blocking(move || {
            let mut conn = pool.get().expect("connection");
            plaza::jobs::run_all(&mut conn).expect("jobs ran");
            views.flush(&mut conn).expect("views written");
            plaza::moderation::alerts::scan(&mut conn).expect("keyword alerts");
        })
        .await
        .expect("jobs");
        if self.settings.meili_url.is_none() {
            return;
        }
        let settings = self.settings.clone();
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let meili = plaza::search::meili::MeiliIndex::new(&settings).expect("meili").expect("configured");
            let mut conn = pool.get().expect("connection");
            plaza::search::meili::drain(&mut conn, &meili).expect("outbox drained");
        })
        .await
        .expect("settle");
    }

    /// Another browser, with its own cookies.
    pub fn new_browser(&self) -> Browser {
        Browser::new(&self.addr)
    }

    pub async fn get(&self, path: &str) -> Page {
        self.catch_up_cache();
        self.browser.get(path).await
    }

    pub async fn sitemap(&self) -> Page {
        self.catch_up_cache();
        self.browser.sitemap().await
    }

    /// A second server on the same database (another app process behind the load balancer),
    /// with its own page cache.
    pub async fn second_server(&self) -> (Browser, std::sync::Arc<plaza::web::cache::PageCache>) {
        let app = plaza::Application::build(self.settings.clone()).expect("build second app");
        let addr = format!("http://127.0.0.1:{}", app.port());
        let cache = app.page_cache();
        tokio::spawn(app.run_until_stopped());
        (Browser::new(&addr), cache)
    }

    /// Apply the page-cache changes written around the server (rows changed directly).
    pub fn catch_up_cache(&self) {
        // (A test that reverted the migrations has no table to read: nothing to apply.)
        let _ = self.page_cache.catch_up(&mut self.conn());
    }

    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        self.browser.post(path, fields).await
    }

    pub fn conn(&self) -> db::PooledConn {
        self.pool.get().expect("connection")
    }

    /// Create an account directly (fast), with the test password.
    pub fn create_user(&self, username: &str, role: impl Into<Roles>) -> i64 {
        let mut conn = self.conn();
        let hash = plaza::accounts::password::hash(PASSWORD).expect("hash");
        let u = Username::parse(username).expect("username");
        let e = Email::parse(&format!("{username}@example.com")).expect("email");
        let id = plaza::db::write(&mut conn, |tx| {
            plaza::accounts::queries::create(
                tx,
                plaza::accounts::queries::CreateUser {
                    username: &u,
                    email: &e,
                    password_hash: &hash,
                    roles: role.into(),
                    locale: None,
                    email_verified: true,
                },
            )
            .map(|u| u.id)
            .map_err(|e| anyhow::anyhow!("{e:?}"))
        })
        .expect("create user");
        drop(conn);
        // A member who has been around (trust level 1), not a brand-new account: tests of new
        // accounts' limits and pre-moderation set level 0 themselves (`set_trust`).
        self.set_trust(id, 1);
        id
    }

    /// Set a member's trust level (not locked: the rules may raise it).
    pub fn set_trust(&self, user_id: i64, level: i32) {
        let mut conn = self.conn();
        plaza::db::write(&mut conn, |tx| plaza::moderation::trust::set(tx, user_id, level, false)).expect("trust");
    }

    /// A user with a role, logged in in a new browser.
    pub async fn user_browser(&self, username: &str, role: impl Into<Roles>) -> Browser {
        self.create_user(username, role);
        let b = self.new_browser();
        b.login_ok(username).await;
        b
    }

    /// Add a user as an author of the enterprise blog.
    pub fn make_enterprise_author(&self, user_id: i64) {
        let mut conn = self.conn();
        let blog = plaza::blogs::queries::enterprise_blog(&mut conn).expect("enterprise blog");
        plaza::db::write(&mut conn, |tx| plaza::blogs::queries::add_author(tx, blog.id, user_id)).expect("add author");
    }

    /// The ids in one column of a table, in ascending order.
    pub fn ids(&self, table: &str, column: &str) -> Vec<i64> {
        #[derive(QueryableByName)]
        struct Id {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            id: i64,
        }
        let mut conn = self.conn();
        diesel::sql_query(format!("SELECT {column} AS id FROM {table} ORDER BY {column}"))
            .load::<Id>(&mut conn)
            .expect("ids")
            .into_iter()
            .map(|r| r.id)
            .collect()
    }

    /// Create a forum board directly; returns its id.
    pub fn create_board(&self, slug: &str, kind: &str, view_access: &str, post_access: &str) -> i64 {
        use plaza::forums::queries::Access;
        let mut conn = self.conn();
        let input = plaza::forums::queries::BoardInput {
            group_id: None,
            slug: slug.into(),
            name: format!("Board {slug}"),
            description: format!("About {slug}"),
            kind: kind.into(),
            read: Access::from_name(view_access).expect("read access"),
            post: Access::from_name(post_access).expect("post access"),
            position: 0,
        };
        plaza::db::write(&mut conn, |tx| plaza::forums::queries::create_board(tx, &input)).expect("create board")
    }

    /// One number from a query written for both backends (`SELECT … AS n`).
    pub fn number(&self, sql: &str) -> i64 {
        #[derive(QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let mut conn = self.conn();
        diesel::sql_query(sql).get_result::<N>(&mut conn).unwrap_or_else(|e| panic!("{sql}: {e}")).n
    }

    /// One text from a query written for both backends (`SELECT … AS t`, or a single column).
    pub fn text(&self, sql: &str) -> String {
        #[derive(QueryableByName)]
        struct T {
            #[diesel(sql_type = diesel::sql_types::Text)]
            value: String,
        }
        let mut conn = self.conn();
        diesel::sql_query(sql).get_result::<T>(&mut conn).unwrap_or_else(|e| panic!("{sql}: {e}")).value
    }

    /// The mails queued for an address, oldest first: (subject, body).
    pub fn mails_to(&self, address: &str) -> Vec<(String, String)> {
        use plaza::db::schema::mail_outbox;
        mail_outbox::table
            .filter(mail_outbox::to_address.eq(address))
            .order(mail_outbox::id.asc())
            .select((mail_outbox::subject, mail_outbox::body))
            .load(&mut self.conn())
            .expect("mails")
    }

    /// The site path of the newest link starting with `prefix` mailed to an address.
    pub fn mailed_link(&self, address: &str, prefix: &str) -> String {
        let mails = self.mails_to(address);
        let (_, body) = mails.iter().rev().find(|(_, b)| b.contains(prefix)).expect("a mail with the link");
        let start = body.find(prefix).expect("link");
        body[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || "/-_".contains(*c)).collect()
    }

    /// Count rows of a table.
    pub fn count(&self, table: &str) -> i64 {
        #[derive(QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let mut conn = self.conn();
        diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table}")).get_result::<N>(&mut conn).expect("count").n
    }
}

/// Publish a post through the editor; returns the post's path.
pub async fn publish(b: &Browser, blog: &str, title: &str, body: &str, tags: &str) -> String {
    let page = b
        .post(
            "/write",
            &[
                ("blog", blog),
                ("title", title),
                ("body", body),
                ("tags", tags),
                ("status", "published"),
                ("comments_enabled", "on"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(page.status.as_u16(), 303, "publishing failed:\n{}", page.body);
    page.location()
}

/// Submit the editor at `action` with defaults (blog alice, published, save) that `fields` override.
pub async fn editor(b: &Browser, action: &str, fields: &[(&str, &str)]) -> Page {
    let mut form: Vec<(&str, &str)> =
        vec![("blog", "alice"), ("title", "A post"), ("body", "Body"), ("status", "published"), ("action", "save")];
    for (k, v) in fields {
        match form.iter_mut().find(|(fk, _)| fk == k) {
            Some(entry) => entry.1 = v,
            None => form.push((k, v)),
        }
    }
    b.post(action, &form).await
}

/// Publish a post and return its path and id.
pub async fn publish_id(b: &Browser, blog: &str, title: &str, body: &str, tags: &str) -> (String, String) {
    let path = publish(b, blog, title, body, tags).await;
    let id = post_id(&b.get(&path).await.body);
    (path, id)
}

/// Start a topic through the form; returns its path and id.
pub async fn start_topic(b: &Browser, board: &str, title: &str, body: &str) -> (String, String) {
    let page = b
        .post(&format!("/forums/{board}/new"), &[("title", title), ("body", body), ("tags", ""), ("action", "save")])
        .await;
    assert_eq!(page.status.as_u16(), 303, "starting a topic failed:\n{}", page.body);
    let path = page.location();
    let id = path.rsplit('/').next().unwrap_or("").split('-').next().unwrap_or("").to_string();
    (path, id)
}

/// Reply to a topic; returns the redirect target (`…#r{id}`) and the reply id.
pub async fn reply(b: &Browser, topic_id: &str, body: &str) -> (String, String) {
    let page = b.post(&format!("/topics/{topic_id}/replies"), &[("body", body)]).await;
    assert_eq!(page.status.as_u16(), 303, "replying failed:\n{}", page.body);
    let to = page.location();
    let id = to.rsplit("#r").next().unwrap_or("").to_string();
    (to, id)
}

/// The numeric id in `/posts/{id}/edit` links on a post page.
pub fn post_id(body: &str) -> String {
    let marker = "/posts/";
    let mut rest = body;
    while let Some(i) = rest.find(marker) {
        rest = &rest[i + marker.len()..];
        let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
        if !digits.is_empty() {
            return digits;
        }
    }
    panic!("no post id in page")
}

/// The `href` of the first link with this `rel` (`rel="next"`), HTML entities decoded.
pub fn link_with_rel(body: &str, rel: &str) -> Option<String> {
    let at = body.find(&format!("rel=\"{rel}\" href=\""))?;
    let rest = &body[at + rel.len() + 13..];
    Some(rest[..rest.find('"')?].replace("&amp;", "&").replace("&#38;", "&").replace("&#x2F;", "/"))
}
