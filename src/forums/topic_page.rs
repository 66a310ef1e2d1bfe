//! A topic's page: the topic, its board kind's panel, a page of replies, the reply form; and the
//! permanent addresses of topics and replies.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::ReplyView;
use super::access::visible_topic;
use super::panels::{self, Panel, PanelForm};
use super::queries::{self as q, TopicFull};
use crate::content::{SafeHtml, likes, tags};
use crate::error::{AppError, AppResult};
use crate::notifications::subscriptions;
use crate::policy::{Guard, Place};
use crate::web::{AppState, Ctx, Meta, PageCtx, Pager, path_segment, redirect, render, render_invalid};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TopicQuery {
    pub page: Option<String>,
    pub quote: Option<i64>,
}

/// What the viewer may do on the topic page (the policy's answers).
#[derive(Clone, Copy, Debug, Default)]
pub struct TopicRights {
    pub reply: bool,
    pub moderate: bool,
    pub accept: bool,
    pub edit: bool,
    pub delete: bool,
    pub like: bool,
    pub hide: bool,
}

#[derive(Template)]
#[template(path = "forums/topic.html")]
struct TopicPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    t: TopicFull,
    body_html: SafeHtml,
    tags: Vec<tags::TagView>,
    replies: Vec<ReplyView>,
    answered: bool,
    pager: Pager,
    page: i64,
    rights: TopicRights,
    liked_topic: bool,
    following: bool,
    panel: Panel,
    forms: TopicForms,
}

/// Text typed into the topic page's forms, kept when they are shown again with a problem.
#[derive(Default)]
pub struct TopicForms {
    pub reply_body: String,
    pub reply_error: String,
    /// The board kind's panel form (an official response, a status note).
    pub panel: PanelForm,
}

impl TopicForms {
    pub fn panel(panel: PanelForm) -> Self {
        TopicForms { panel, ..Default::default() }
    }

    pub fn reply(body: String, error: String) -> Self {
        TopicForms { reply_body: body, reply_error: error, ..Default::default() }
    }

    fn has_error(&self) -> bool {
        !self.reply_error.is_empty() || !self.panel.error.is_empty()
    }
}

/// The topic id at the start of a `{id}-{slug}` path segment.
fn topic_id(segment: &str) -> AppResult<i64> {
    segment.split('-').next().and_then(|s| s.parse().ok()).ok_or(AppError::NotFound)
}

/// The topic page; `forms` carries text typed into its forms and their problems, when a post
/// is shown again (422) rather than saved.
pub async fn render_topic(
    ctx: &PageCtx,
    state: &web::Data<AppState>,
    t: TopicFull,
    page: i64,
    forms: TopicForms,
) -> AppResult<HttpResponse> {
    let viewer = ctx.viewer();
    let t2 = t.clone();
    let page_ctx = ctx.clone();
    let panel_form = forms.panel.clone();
    let views = state.views.clone();
    let (replies, tags_, liked_topic, following, panel, rights, public) = crate::db::run(&state.pool, move |conn| {
        let guard = Guard::load(conn, &viewer)?;
        let id = t2.topic.content_id;
        let replies = q::replies_page(conn, &t2, page, &guard)?;
        let tags_ = tags::for_contents(conn, &[id])?.remove(&id).unwrap_or_default();
        let (liked, following) = match guard.user_id() {
            Some(u) => (
                likes::has_liked(conn, id, u)?,
                subscriptions::is_subscribed(conn, u, subscriptions::TARGET_TOPIC, id)?,
            ),
            None => (false, false),
        };
        if guard.user_id() != Some(t2.content.author_id) {
            views.count(id);
            if let Some(u) = guard.user_id() {
                views.member_read(u, id);
            }
        }
        let panel = match panels::for_board(&t2.board.kind) {
            Some(p) => p.render(conn, &page_ctx, &guard, &t2, &replies, &panel_form)?,
            None => Panel::default(),
        };
        let facts = t2.facts();
        let rights = TopicRights {
            reply: guard.can_reply(&facts, t2.topic.locked),
            moderate: guard.can_pin_or_lock(&facts),
            accept: guard.can_accept(&facts, &t2.board.facts()),
            edit: guard.can_edit_own(&facts),
            delete: guard.can_delete(&facts),
            like: guard.can_like(&facts),
            hide: guard.can_hide(&facts),
        };
        let public = guard.is_public(t2.content.audience_id) && guard.can_read(&facts, Place::None) && facts.live;
        Ok((replies, tags_, liked, following, panel, rights, public))
    })
    .await?;
    let path = t.path();
    let canonical = if page > 1 { format!("{path}?page={page}") } else { path.clone() };
    let mut meta = Meta::new(t.content.title.clone(), canonical).description(t.content.excerpt.clone());
    meta.og_type = "article";
    meta = meta.feed(
        ctx.ta("feed-replies-to", &[("title", t.content.title.clone())]),
        &format!("/topics/{}/feed", t.topic.content_id),
    );
    if !public {
        meta = meta.noindex();
    }
    let published = t.content.published_at.unwrap_or(t.content.created_at);
    meta = meta.article(&t.content.title, published, t.content.edited_at).trail(
        ctx,
        vec![
            (ctx.t("forums-title"), "/forums".into()),
            (t.board.name.clone(), t.board.path()),
            (t.content.title.clone(), path.clone()),
        ],
    );
    let mut panel = panel;
    let described = panel.structured.take().unwrap_or_else(|| discussion(ctx, &t, &replies));
    meta.structured.push(described);
    let page_view = TopicPage {
        answered: t.topic.accepted_reply_id.is_some(),
        pager: Pager::new(&format!("{path}?"), page, i64::from(t.topic.last_position), super::REPLIES_PER_PAGE),
        body_html: t.content.html(),
        tags: tags_,
        ctx,
        meta,
        t,
        replies,
        page,
        rights,
        liked_topic,
        following,
        panel,
        forms,
    };
    if page_view.forms.has_error() {
        return render_invalid(&page_view);
    }
    let key = crate::content::listing::content_key(page_view.t.topic.content_id);
    Ok(crate::web::cache::keep(render(&page_view)?, [key]))
}

pub async fn topic(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    query: web::Query<TopicQuery>,
) -> AppResult<HttpResponse> {
    let (board_slug, segment) = path.into_inner();
    let id = topic_id(&segment)?;
    let t = match visible_topic(&ctx, &state, id).await {
        // A topic merged into another is a reply there now: its address leads to it.
        Err(AppError::NotFound) => {
            let to = merged_away(&ctx, &state, id).await?;
            return Ok(HttpResponse::MovedPermanently().insert_header(("Location", to)).finish());
        }
        other => other?,
    };
    let page = crate::web::PageQuery { page: query.page.clone() }.number();
    // Old slugs, a changed title or a moved board: one canonical address.
    let canonical = t.path();
    let here = format!("/forums/{}/{}", path_segment(&board_slug), path_segment(&segment));
    if here != canonical {
        let to = if page > 1 { format!("{canonical}?page={page}") } else { canonical };
        return Ok(HttpResponse::MovedPermanently().insert_header(("Location", to)).finish());
    }
    if page > t.pages() {
        return Err(AppError::NotFound);
    }
    // "Quote" without JavaScript: the reply box starts with the quoted reply (of this topic,
    // and only one the viewer may read).
    let reply_body = match query.quote {
        Some(rid) => {
            let (topic_id, viewer, lang) = (t.topic.content_id, ctx.viewer(), ctx.lang);
            crate::db::run(&state.pool, move |conn| {
                let guard = Guard::load(conn, &viewer)?;
                Ok(match q::reply(conn, rid)? {
                    Some((tid, _, c)) if tid == topic_id && guard.can_read(&c.facts(), Place::None) => {
                        let author =
                            crate::accounts::queries::find(conn, c.author_id)?.map(|u| u.username).unwrap_or_default();
                        quote_markdown(&author, &lang.t("reply-quote-wrote"), rid, &c.body_md)
                    }
                    _ => String::new(),
                })
            })
            .await?
        }
        None => String::new(),
    };
    render_topic(&ctx, &state, t, page, TopicForms { reply_body, ..Default::default() }).await
}

/// A Markdown quote of a reply with a link back to it (which is how the quoted person is found),
/// "wrote" in the quoter's language.
pub fn quote_markdown(author: &str, wrote: &str, reply_id: i64, body: &str) -> String {
    let quoted: String = body.lines().map(|l| format!("> {l}\n")).collect();
    format!("> **@{author}** [{wrote}](/replies/{reply_id}):\n>\n{quoted}\n")
}

/// `/topics/{id}`: a topic's permanent address (feed entry ids).
pub async fn topic_permalink(ctx: Ctx, state: web::Data<AppState>, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let to = match visible_topic(&ctx, &state, id).await {
        Ok(t) => t.path(),
        Err(AppError::NotFound) => merged_away(&ctx, &state, id).await?,
        Err(e) => return Err(e),
    };
    Ok(HttpResponse::MovedPermanently().insert_header(("Location", to)).finish())
}

/// A topic merged into another is a reply there now: where it is, if the viewer may read it.
async fn merged_away(ctx: &PageCtx, state: &AppState, id: i64) -> AppResult<String> {
    let (viewer, here) = (ctx.viewer(), ctx.path.clone());
    crate::db::run(&state.pool, move |conn| {
        let guard = Guard::load(conn, &viewer)?;
        reply_location(conn, &guard, id, &here)
    })
    .await
}

/// `/replies/{id}`: a reply's permanent address; leads to its page and anchor.
pub async fn reply_permalink(ctx: Ctx, state: web::Data<AppState>, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let (viewer, here) = (ctx.viewer(), ctx.path.clone());
    let to = crate::db::run(&state.pool, move |conn| {
        let guard = Guard::load(conn, &viewer)?;
        reply_location(conn, &guard, id, &here)
    })
    .await?;
    Ok(redirect(&to))
}

/// Where a reply the viewer may read is shown (its topic's page and anchor), or 404.
fn reply_location(conn: &mut crate::db::DbConn, guard: &Guard, id: i64, here: &str) -> AppResult<String> {
    let (topic_id, position, c) = q::reply(conn, id)?.ok_or(AppError::NotFound)?;
    let t = super::access::readable_topic(conn, guard, topic_id, here)?;
    if !guard.can_read(&c.facts(), Place::None) {
        return Err(AppError::NotFound);
    }
    Ok(super::reply_path(&t.path(), id, position))
}

/// A discussion topic as schema.org's `DiscussionForumPosting`, with the replies on this page.
fn discussion(ctx: &PageCtx, t: &TopicFull, replies: &[ReplyView]) -> serde_json::Value {
    let mut posting = super::panels::posting(ctx, t);
    posting.insert("@context".into(), "https://schema.org".into());
    posting.insert("@type".into(), "DiscussionForumPosting".into());
    posting.insert(
        "interactionStatistic".into(),
        serde_json::json!([
            { "@type": "InteractionCounter", "interactionType": "https://schema.org/CommentAction", "userInteractionCount": t.topic.reply_count },
            { "@type": "InteractionCounter", "interactionType": "https://schema.org/LikeAction", "userInteractionCount": t.content.like_count },
        ]),
    );
    let comments: Vec<serde_json::Value> =
        replies.iter().filter(|r| !r.deleted).map(|r| super::panels::reply_item(ctx, t, r, "Comment")).collect();
    if !comments.is_empty() {
        posting.insert("comment".into(), comments.into());
    }
    posting.into()
}
