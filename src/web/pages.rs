//! Site-wide pages: home, language switch, sitemap, robots.txt.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::context::lang_cookie;
use super::{AppState, CsrfForm, Ctx, Lang, Meta, PageCtx, redirect, render};
use crate::blogs::queries::{self as blog_queries, PostFilter};
use crate::blogs::{Blog, KIND_COMMUNITY, KIND_ENTERPRISE, KIND_STAFF, PostCard};
use crate::content::tags::{self, TagCount};
use crate::error::AppResult;
use crate::policy::Guard;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    enterprise: Blog,
    company: Vec<PostCard>,
    staff: Vec<PostCard>,
    community: Vec<PostCard>,
    tags: Vec<TagCount>,
    topics: Vec<crate::forums::TopicCard>,
}

pub async fn home(ctx: Ctx, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let viewer = ctx.viewer();
    let loaded = crate::db::run(&state.pool, move |conn| {
        let guard = Guard::load(conn, &viewer)?;
        let by_kind = |conn: &mut crate::db::DbConn, kind: &'static str, n: i64| {
            blog_queries::list_posts(
                conn,
                &guard,
                &PostFilter { blog_kind: Some(kind), skip_total: true, ..Default::default() },
                1,
                n,
            )
            .map(|(p, _)| p)
        };
        Ok((
            blog_queries::enterprise_blog(conn)?,
            by_kind(conn, KIND_ENTERPRISE, 4)?,
            by_kind(conn, KIND_STAFF, 6)?,
            by_kind(conn, KIND_COMMUNITY, 6)?,
            tags::with_counts(conn, &guard, 24)?,
            {
                let boards = crate::forums::queries::readable_boards(conn, &guard)?;
                use crate::forums::queries::{TopicSelect, select_topics};
                select_topics(conn, &guard, &boards, &TopicSelect::across(&boards), 6)?
            },
        ))
    })
    .await?;
    // (A brand-new site never gets here: `accounts::gate` sends every request to set-up.)
    let (enterprise, company, staff, community, tags, topics) = loaded;
    let meta = Meta::new(String::new(), "/")
        .description(if enterprise.description.is_empty() {
            ctx.t("home-tagline")
        } else {
            enterprise.description.clone()
        })
        .feed(ctx.t("feed-all-posts"), "/feed")
        .feed(enterprise.title.clone(), &enterprise.feed_base());
    render(&HomePage { ctx: &ctx, meta, enterprise, company, staff, community, tags, topics })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LangForm {
    pub lang: String,
    pub next: String,
}

/// The footer's language switcher: a cookie for everyone, and the setting for a logged-in user.
pub async fn switch_lang(
    ctx: Ctx,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<LangForm>,
) -> AppResult<HttpResponse> {
    let lang = Lang::from_code(&form.lang).unwrap_or_default();
    if let Some(user_id) = ctx.user_id() {
        crate::db::run_write(&state.pool, move |tx| {
            Ok(crate::accounts::queries::set_locale(tx, user_id, lang.code())?)
        })
        .await?;
    }
    // Back to the same page, the login page included.
    let back = super::same_site_path(&form.next).unwrap_or_else(|| "/".to_string());
    let mut res = redirect(&back);
    let _ = res.add_cookie(&lang_cookie(&state, lang));
    Ok(res)
}

pub async fn robots(state: web::Data<AppState>) -> HttpResponse {
    let body = format!(
        "User-agent: *\nDisallow: /admin/\nDisallow: /settings\nDisallow: /write\nDisallow: /manage/\nDisallow: /notifications\nDisallow: /login\nDisallow: /register\nDisallow: /search\n\nSitemap: {}\n",
        state.settings.absolute("/sitemap.xml")
    );
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .insert_header((actix_web::http::header::CACHE_CONTROL, "public, max-age=3600"))
        .body(body)
}

/// The sitemap protocol's limit per file.
const SITEMAP_MAX: i64 = 50_000;

/// The sitemap lists what a visitor may read, whoever asks for it.
pub async fn sitemap(req: HttpRequest, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let (posts, blogs, tags, boards, topics) = crate::db::run(&state.pool, |conn| {
        let visitor = Guard::load(conn, &crate::policy::Viewer::visitor())?;
        let boards = crate::forums::queries::readable_boards(conn, &visitor)?;
        let topics = crate::forums::queries::sitemap_entries(conn, &visitor, &boards, (SITEMAP_MAX - 2000) / 2)?;
        Ok((
            blog_queries::sitemap_entries(conn, &visitor, (SITEMAP_MAX - 2000) / 2)?,
            blog_queries::all_blogs(conn)?,
            tags::with_counts(conn, &visitor, 1000)?,
            boards,
            topics,
        ))
    })
    .await?;
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let mut add = |path: &str, lastmod: Option<chrono::NaiveDateTime>| {
        xml.push_str("  <url><loc>");
        xml.push_str(&crate::web::escape_html(&state.settings.absolute(path)));
        xml.push_str("</loc>");
        if let Some(t) = lastmod {
            xml.push_str(&format!("<lastmod>{}</lastmod>", t.format("%Y-%m-%d")));
        }
        xml.push_str("</url>\n");
    };
    let newest = posts.iter().map(|p| p.1).max();
    add("/", newest);
    add("/blogs", None);
    add("/tags", None);
    for b in &blogs {
        add(&b.path(), None);
    }
    for t in &tags {
        add(&t.tag.url(), None);
    }
    for (path, at) in &posts {
        add(path, Some(*at));
    }
    add("/forums", None);
    for b in &boards {
        add(&b.path(), b.last_activity_at);
    }
    for (path, at) in &topics {
        add(path, Some(*at));
    }
    xml.push_str("</urlset>\n");
    Ok(crate::content::feeds::conditional(&req, xml, "application/xml; charset=utf-8", newest, true))
}
