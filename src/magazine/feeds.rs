//! Magazine feeds: the issues as they come out (each entry the issue's table of contents) and
//! each issue's articles, in Atom and RSS like every other list worth following.

use actix_web::{HttpRequest, HttpResponse, web};

use super::Issue;
use super::pages::{TocSection, readable_article, readable_issue, toc};
use super::queries as q;
use crate::content::feeds::{self, FeedItem, FeedMeta, Format};
use crate::content::{comments, listing};
use crate::error::{AppError, AppResult};
use crate::policy::Guard;
use crate::web::cache::keep;
use crate::web::{AppState, Ctx, Lang, escape_html};

/// Issues in the feed of issues.
const ISSUES: i64 = 20;
/// Comments in an article's comments feed.
const COMMENTS: i64 = 30;

fn format_of(ext: &str) -> AppResult<Format> {
    Format::from_ext(ext).ok_or(AppError::NotFound)
}

/// An issue as one feed entry: cover, theme, editor's note, then its contents by section.
fn issue_item(issue: &Issue, contents: &[TocSection], base: &str, lang: Lang) -> FeedItem {
    let mut html = String::new();
    if let Some(src) = issue.cover_src() {
        html.push_str(&format!(r#"<p><img src="{base}{}" alt=""></p>"#, escape_html(&src)));
    }
    if !issue.theme.is_empty() {
        html.push_str(&format!("<p><em>{}</em></p>", escape_html(&issue.theme)));
    }
    html.push_str(&feeds::absolutize(&issue.note_html, base));
    html.push_str(&format!("<h2>{}</h2>", escape_html(&lang.t("magazine-contents"))));
    for section in contents {
        if !section.title.is_empty() {
            html.push_str(&format!("<h3>{}</h3>", escape_html(&section.title)));
        }
        html.push_str("<ul>");
        for a in &section.articles {
            html.push_str(&format!(r#"<li><a href="{base}{}">{}</a>"#, escape_html(&a.path()), escape_html(&a.title)));
            if !a.excerpt.is_empty() {
                html.push_str(&format!(" — {}", escape_html(&a.excerpt)));
            }
            html.push_str("</li>");
        }
        html.push_str("</ul>");
    }
    let published = issue.published_at.unwrap_or_default();
    let updated =
        contents.iter().flat_map(|s| s.articles.iter().map(|a| a.updated_at)).fold(published, |a, b| a.max(b));
    let summary = if issue.theme.is_empty() { issue.title.clone() } else { issue.theme.clone() };
    FeedItem {
        id: format!("{base}/content/{}", issue.id),
        url: format!("{base}{}", issue.path()),
        title: lang.ta("magazine-issue-title", &[("number", issue.number.to_string()), ("title", issue.title.clone())]),
        author: String::new(),
        published,
        updated,
        content_html: html,
        summary,
        categories: Vec::new(),
        enclosure: None,
    }
}

/// `GET /magazine/feed.{atom,rss}`: the published issues, newest first.
pub async fn issues_feed(
    req: HttpRequest,
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let format = format_of(&path)?;
    let (base, lang) = (ctx.base_url.clone(), ctx.lang);
    let items = crate::db::run(&state.pool, move |conn| {
        // Three queries for the whole feed, whatever the number of issues.
        let issues = q::published_issues(conn, ISSUES)?;
        let ids: Vec<i64> = issues.iter().map(|i| i.id).collect();
        let (mut sections, mut articles) = (q::sections_of(conn, &ids)?, q::articles_of_issues(conn, &ids)?);
        Ok(issues
            .iter()
            .map(|issue| {
                let (s, a) = (sections.remove(&issue.id), articles.remove(&issue.id));
                issue_item(issue, &toc(&s.unwrap_or_default(), &a.unwrap_or_default()), &base, lang)
            })
            .collect::<Vec<_>>())
    })
    .await?;
    let mut meta = FeedMeta::new(&ctx, ctx.t("magazine-title"), ctx.t("magazine-intro"), "/magazine", "/magazine/feed");
    meta.title = format!("{} · {}", ctx.t("magazine-title"), ctx.site_name);
    Ok(keep(feeds::respond(&req, format, &meta, &items, ctx.user.is_none()), [listing::LISTS.to_string()]))
}

/// `GET /magazine/{number}/feed.{atom,rss}`: a published issue's articles in its order.
pub async fn issue_feed(
    req: HttpRequest,
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> AppResult<HttpResponse> {
    let (number, ext) = path.into_inner();
    let format = format_of(&ext)?;
    let view = readable_issue(&ctx, &state, &number).await?;
    // An issue in the making has no feed: a feed reader's copy would outlive its privacy.
    if !view.issue.live {
        return Err(AppError::NotFound);
    }
    let ids: Vec<i64> = view.toc.iter().flat_map(|s| s.articles.iter().map(|a| a.id)).collect();
    let (kinds, base, lang) = (state.kinds, ctx.base_url.clone(), ctx.lang);
    let lookup = ids.clone();
    let items = crate::db::run(&state.pool, move |conn| {
        let mut items = kinds.feed_items(conn, &lookup, lang, &base)?;
        // Bylines are the article's writers, not whoever created its page.
        let mut writers = q::writers_of(conn, &lookup)?;
        for (item, id) in items.iter_mut().zip(&lookup) {
            if let Some(names) = writers.remove(id).filter(|w| !w.is_empty()) {
                item.author = names.iter().map(|w| w.name().to_string()).collect::<Vec<_>>().join(", ");
            }
        }
        Ok(items)
    })
    .await?;
    let issue = &view.issue;
    let title = ctx.ta("magazine-issue-title", &[("number", issue.number.to_string()), ("title", issue.title.clone())]);
    let meta = FeedMeta::new(&ctx, title, issue.theme.clone(), &issue.path(), &format!("{}/feed", issue.path()));
    let mut keys = vec![listing::content_key(issue.id)];
    keys.extend(ids.iter().map(|id| listing::content_key(*id)));
    Ok(keep(feeds::respond(&req, format, &meta, &items, ctx.user.is_none()), keys))
}

/// `GET /magazine/{number}/{slug}/comments.{atom,rss}`: the newest comments on an article.
pub async fn comments_feed(
    req: HttpRequest,
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<(String, String, String)>,
) -> AppResult<HttpResponse> {
    let (number, slug, ext) = path.into_inner();
    let format = format_of(&ext)?;
    let (_, article, _) = readable_article(&ctx, &state, &number, slug).await?;
    if !article.live {
        return Err(AppError::NotFound);
    }
    let (viewer, kinds, lang, base, id) = (ctx.viewer(), state.kinds, ctx.lang, ctx.base_url.clone(), article.id);
    let items = crate::db::run(&state.pool, move |conn| {
        let guard = Guard::load(conn, &viewer)?;
        let ids = comments::recent_for(conn, &guard, id, COMMENTS)?;
        Ok(kinds.feed_items(conn, &ids, lang, &base)?)
    })
    .await?;
    let title = ctx.ta("feed-comments-on", &[("title", article.title.clone())]);
    let meta = FeedMeta::new(&ctx, title.clone(), title, &article.path(), &format!("{}/comments", article.path()));
    Ok(keep(feeds::respond(&req, format, &meta, &items, ctx.user.is_none()), [listing::content_key(id)]))
}
