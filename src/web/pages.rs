//! Site-wide pages: home, language switch, sitemap, robots.txt.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::context::lang_cookie;
use super::{AppState, Ctx, Lang, Meta, PageCtx, redirect, render};
use crate::blogs::queries::{self as blog_queries, PostFilter};
use crate::blogs::{Blog, KIND_COMMUNITY, KIND_ENTERPRISE, KIND_STAFF, PostCard};
use crate::content::listing::LISTS;
use crate::content::tags::{self, TagCount};
use crate::error::{AppError, AppResult};
use crate::policy::Guard;
use crate::web::cache::keep;

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
    /// The newest issue of the magazine.
    issue: Option<crate::magazine::Issue>,
}

impl HomePage<'_> {
    /// The sections of the main column, in the order the site chose (`/admin/site`).
    fn main(&self) -> Vec<&'static str> {
        self.ctx.look.sections(super::brand::Column::Main)
    }

    fn side(&self) -> Vec<&'static str> {
        self.ctx.look.sections(super::brand::Column::Side)
    }
}

pub async fn home(ctx: Ctx, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let viewer = ctx.viewer();
    let cache = state.cache.clone();
    let loaded = crate::db::run(&state.pool, move |conn| {
        let guard = Guard::load(conn, &viewer)?;
        // The same for every viewer who reads the same audiences: kept until a list changes.
        let shared = cache.shared_for(conn, &guard, "home".to_string(), &[LISTS], |conn| {
            let by_kind = |conn: &mut crate::db::DbConn, kind: &'static str, n: i64| {
                blog_queries::list_posts(conn, &guard, &PostFilter { blog_kind: Some(kind), ..Default::default() }, n)
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
                crate::magazine::queries::published_issues(conn, 1)?.pop(),
            ))
        })?;
        Ok(shared)
    })
    .await?;
    // (A brand-new site never gets here: `accounts::gate` sends every request to set-up.)
    let (enterprise, company, staff, community, tags, topics, issue) = loaded;
    let meta = Meta::new(String::new(), "/")
        .description(if enterprise.description.is_empty() {
            ctx.t("home-tagline")
        } else {
            enterprise.description.clone()
        })
        .feed(ctx.t("feed-all-posts"), "/feed")
        .feed(enterprise.title.clone(), &enterprise.feed_base());
    let page = render(&HomePage { ctx: &ctx, meta, enterprise, company, staff, community, tags, topics, issue })?;
    Ok(keep(page, [LISTS.to_string()]))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LangForm {
    pub lang: String,
    pub next: String,
    pub csrf_token: String,
}

/// The footer's language switcher: a cookie for everyone, and the setting for a logged-in user.
/// A visitor's form carries no token (the page it is on is shared by every visitor through the
/// page cache, and a forged switch only sets the language cookie; another site's form is still
/// refused by the context middleware); a member's carries one, since it changes their settings.
pub async fn switch_lang(
    ctx: Ctx,
    state: web::Data<AppState>,
    web::Form(form): web::Form<LangForm>,
) -> AppResult<HttpResponse> {
    let lang = Lang::from_code(&form.lang).unwrap_or_default();
    if let Some(user_id) = ctx.user_id() {
        if !super::context::csrf_valid(&ctx.csrf_token, &form.csrf_token) {
            return Err(crate::error::AppError::Csrf);
        }
        crate::db::run_write(&state.pool, move |tx| {
            tx.quiet();
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

/// The sitemap protocol's limit of addresses per file.
const SITEMAP_MAX: i64 = 50_000;
/// Each file of posts (or topics) covers this many content ids, so it holds at most this many
/// addresses however the ids are shared out. A fifth of the protocol's limit: a full file of
/// 50,000 addresses is 4.4 MB (430 KB compressed) and was the one kept answer below a quarter
/// of `/robots.txt`'s rate; crawlers fetch more, smaller files just as well.
const SITEMAP_SPAN: i64 = 10_000;

/// `/sitemap.xml`: the index of the sitemap files. Every part is one walk of an index, so the
/// sitemap of a site with millions of posts costs what a small one does, file by file.
pub async fn sitemap(req: HttpRequest, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let parts = crate::db::run(&state.pool, |conn| {
        let visitor = Guard::load(conn, &crate::policy::Viewer::visitor())?;
        let boards = crate::forums::queries::readable_boards(conn, &visitor)?;
        let last = crate::content::max_id(conn)?;
        let mut parts = vec!["pages".to_string()];
        if !crate::magazine::queries::published_issues(conn, 1)?.is_empty() {
            parts.push("magazine".to_string());
        }
        for k in 0..=last / SITEMAP_SPAN {
            let (after, upto) = (k * SITEMAP_SPAN, (k + 1) * SITEMAP_SPAN);
            if !blog_queries::sitemap_entries(conn, &visitor, after, upto, 1)?.is_empty() {
                parts.push(format!("posts-{k}"));
            }
            if !crate::forums::queries::sitemap_entries(conn, &visitor, &boards, after, upto, 1)?.is_empty() {
                parts.push(format!("topics-{k}"));
            }
        }
        Ok(parts)
    })
    .await?;
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for part in parts {
        xml.push_str("  <sitemap><loc>");
        xml.push_str(&crate::web::escape_html(&state.settings.absolute(&format!("/sitemap-{part}.xml"))));
        xml.push_str("</loc></sitemap>\n");
    }
    xml.push_str("</sitemapindex>\n");
    let res = crate::content::feeds::conditional(&req, xml, "application/xml; charset=utf-8", None, true);
    Ok(keep(res, [LISTS.to_string()]))
}

/// One sitemap file: `pages` (home, directories, blogs, tags, boards), `magazine` (published
/// issues and their articles), `posts-N` or `topics-N`
/// (the posts or topics with content ids in the Nth span of 10,000).
pub async fn sitemap_part(
    req: HttpRequest,
    state: web::Data<AppState>,
    part: web::Path<String>,
) -> AppResult<HttpResponse> {
    enum Part {
        Pages,
        Magazine,
        Posts(i64),
        Topics(i64),
    }
    let part = part.into_inner();
    let which = match part.split_once('-') {
        None if part == "pages" => Part::Pages,
        None if part == "magazine" => Part::Magazine,
        Some(("posts", n)) => Part::Posts(n.parse().map_err(|_| AppError::NotFound)?),
        Some(("topics", n)) => Part::Topics(n.parse().map_err(|_| AppError::NotFound)?),
        _ => return Err(AppError::NotFound),
    };
    let span = |k: i64| -> AppResult<(i64, i64)> {
        let after = k.checked_mul(SITEMAP_SPAN).filter(|a| *a >= 0).ok_or(AppError::NotFound)?;
        Ok((after, after + SITEMAP_SPAN))
    };
    let entries: Vec<(String, Option<chrono::NaiveDateTime>)> = match which {
        Part::Pages => {
            crate::db::run(&state.pool, |conn| {
                let visitor = Guard::load(conn, &crate::policy::Viewer::visitor())?;
                let boards = crate::forums::queries::readable_boards(conn, &visitor)?;
                let blogs = blog_queries::all_blogs(conn)?;
                // The directories change with what they list: a new post, a reply in a board.
                let newest_post = blogs.iter().filter_map(|b| b.last_post_at).max();
                let newest_reply = boards.iter().filter_map(|b| b.last_activity_at).max();
                let mut out: Vec<(String, Option<chrono::NaiveDateTime>)> = vec![
                    ("/".into(), newest_post.max(newest_reply)),
                    ("/blogs".into(), newest_post),
                    ("/tags".into(), None),
                    ("/forums".into(), newest_reply),
                ];
                out.extend(blogs.iter().map(|b| (b.path(), b.last_post_at)));
                let tag_limit = SITEMAP_MAX - out.len() as i64 - boards.len() as i64;
                out.extend(tags::with_counts(conn, &visitor, tag_limit)?.iter().map(|t| (t.tag.url(), None)));
                out.extend(boards.iter().map(|b| (b.path(), b.last_activity_at)));
                Ok(out)
            })
            .await?
        }
        Part::Magazine => {
            crate::db::run(&state.pool, |conn| {
                let rows = crate::magazine::queries::sitemap_entries(conn, SITEMAP_MAX)?;
                Ok(rows.into_iter().map(|(p, at)| (p, Some(at))).collect())
            })
            .await?
        }
        Part::Posts(k) => {
            let (after, upto) = span(k)?;
            crate::db::run(&state.pool, move |conn| {
                let visitor = Guard::load(conn, &crate::policy::Viewer::visitor())?;
                let rows = blog_queries::sitemap_entries(conn, &visitor, after, upto, SITEMAP_SPAN)?;
                Ok(rows.into_iter().map(|(p, at)| (p, Some(at))).collect())
            })
            .await?
        }
        Part::Topics(k) => {
            let (after, upto) = span(k)?;
            crate::db::run(&state.pool, move |conn| {
                let visitor = Guard::load(conn, &crate::policy::Viewer::visitor())?;
                let boards = crate::forums::queries::readable_boards(conn, &visitor)?;
                let rows = crate::forums::queries::sitemap_entries(conn, &visitor, &boards, after, upto, SITEMAP_SPAN)?;
                Ok(rows.into_iter().map(|(p, at)| (p, Some(at))).collect())
            })
            .await?
        }
    };
    if entries.is_empty() && !matches!(which, Part::Pages) {
        return Err(AppError::NotFound);
    }
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (path, lastmod) in &entries {
        xml.push_str("  <url><loc>");
        xml.push_str(&crate::web::escape_html(&state.settings.absolute(path)));
        xml.push_str("</loc>");
        if let Some(t) = lastmod {
            // To the second (W3C Datetime), so a reply today moves it.
            xml.push_str(&format!("<lastmod>{}</lastmod>", t.format("%Y-%m-%dT%H:%M:%S+00:00")));
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    let newest = entries.iter().filter_map(|e| e.1).max();
    let res = crate::content::feeds::conditional(&req, xml, "application/xml; charset=utf-8", newest, true);
    Ok(keep(res, [LISTS.to_string()]))
}
