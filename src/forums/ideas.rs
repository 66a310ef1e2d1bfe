//! Ideas boards: votes (one per member, never on one's own idea), statuses that are data,
//! status changes with a public note, duplicates merged into another idea, adopted ideas.

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Deserialize;

use super::panels::{Panel, PanelForm, TopicPanel};
use super::queries::{self as q, TopicFull};
use super::{Board, TopicCard};
use crate::accounts::AuthorView;
use crate::content::feeds::{self, FeedItem, FeedMeta, Format};
use crate::content::{SafeHtml, markdown};
use crate::db::schema::{contents, idea_status_changes, idea_statuses, idea_votes, ideas, topics, users};
use crate::db::{DbConn, Tx, ignore_duplicate};
use crate::error::{AppError, AppResult};
use crate::notifications::{self, subscriptions};
use crate::policy::Guard;
use crate::web::{AppState, CsrfForm, Ctx, Lang, Meta, PageCtx, Rendered, redirect, render};

#[derive(Queryable, Clone, Debug)]
pub struct IdeaStatus {
    pub id: i64,
    pub slug: String,
    pub name_en: String,
    pub name_zh: String,
    pub position: i32,
    pub is_default: bool,
    pub is_closed: bool,
}

impl IdeaStatus {
    pub fn name(&self, lang: &Lang) -> String {
        match lang {
            Lang::Zh if !self.name_zh.is_empty() => self.name_zh.clone(),
            _ => self.name_en.clone(),
        }
    }
}

pub const ADOPTED: &str = "adopted";
pub const DUPLICATE: &str = "duplicate";

pub fn statuses(conn: &mut DbConn) -> QueryResult<Vec<IdeaStatus>> {
    idea_statuses::table.order((idea_statuses::position.asc(), idea_statuses::id.asc())).load(conn)
}

/// Add a status (admins extend the defaults).
pub fn create_status(
    tx: &mut Tx<'_>,
    slug: &str,
    name_en: &str,
    name_zh: &str,
    position: i32,
    is_closed: bool,
) -> QueryResult<()> {
    diesel::insert_into(idea_statuses::table)
        .values((
            idea_statuses::slug.eq(slug),
            idea_statuses::name_en.eq(name_en),
            idea_statuses::name_zh.eq(name_zh),
            idea_statuses::position.eq(position),
            idea_statuses::is_closed.eq(is_closed),
        ))
        .execute(tx.conn())?;
    Ok(())
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct StatusDefForm {
    pub name_en: String,
    pub name_zh: String,
    pub position: String,
    pub closed: Option<String>,
}

/// `/admin/forums/statuses`: add an idea status.
pub async fn add_status(
    ctx: Ctx,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<StatusDefForm>,
) -> AppResult<HttpResponse> {
    ctx.require_admin()?;
    let name_en = form.name_en.trim().to_string();
    let name_zh = form.name_zh.trim().to_string();
    let slug = crate::content::slug::slugify(&name_en);
    let position = form.position.trim().parse::<i32>().ok();
    if name_en.is_empty()
        || slug.is_empty()
        || name_en.chars().count() > 40
        || name_zh.chars().count() > 40
        || position.is_none()
    {
        return super::admin::render_with_status_error(&ctx, &state, form, "err-status-def").await;
    }
    let closed = form.closed.is_some();
    let kept = form.clone();
    let saved = crate::db::run_write(&state.pool, move |tx| {
        let taken: bool =
            diesel::select(diesel::dsl::exists(idea_statuses::table.filter(idea_statuses::slug.eq(&slug))))
                .get_result(tx.conn())?;
        if taken {
            return Ok(false);
        }
        create_status(tx, &slug, &name_en, &name_zh, position.unwrap_or(0), closed)?;
        Ok(true)
    })
    .await?;
    if !saved {
        return super::admin::render_with_status_error(&ctx, &state, kept, "err-status-exists").await;
    }
    Ok(redirect("/admin/forums?saved=1"))
}

/// Give a new idea the default status (inside the topic's transaction).
pub fn attach_idea(tx: &mut Tx<'_>, topic_id: i64) -> QueryResult<()> {
    let default: i64 = idea_statuses::table
        .order((idea_statuses::is_default.desc(), idea_statuses::position.asc()))
        .select(idea_statuses::id)
        .first(tx.conn())?;
    diesel::insert_into(ideas::table)
        .values((ideas::topic_id.eq(topic_id), ideas::status_id.eq(default)))
        .execute(tx.conn())?;
    Ok(())
}

#[derive(Queryable, Clone, Debug)]
pub struct IdeaRow {
    pub topic_id: i64,
    pub status_id: i64,
    pub vote_count: i32,
    pub merged_into_id: Option<i64>,
    pub status_changed_at: Option<NaiveDateTime>,
}

pub fn idea_of(conn: &mut DbConn, topic_id: i64) -> QueryResult<Option<(IdeaRow, IdeaStatus)>> {
    ideas::table
        .inner_join(idea_statuses::table)
        .filter(ideas::topic_id.eq(topic_id))
        .select((ideas::all_columns, idea_statuses::all_columns))
        .first(conn)
        .optional()
}

/// Vote for an idea or withdraw the vote. The count moves only when the vote row really
/// appeared or went away: repeated or concurrent votes count once.
pub fn vote(tx: &mut Tx<'_>, topic_id: i64, user_id: i64, on: bool) -> QueryResult<()> {
    let changed = if on {
        ignore_duplicate(tx, |conn| {
            diesel::insert_into(idea_votes::table)
                .values((
                    idea_votes::topic_id.eq(topic_id),
                    idea_votes::user_id.eq(user_id),
                    idea_votes::created_at.eq(crate::now()),
                ))
                .execute(conn)
        })?
    } else {
        diesel::delete(
            idea_votes::table.filter(idea_votes::topic_id.eq(topic_id)).filter(idea_votes::user_id.eq(user_id)),
        )
        .execute(tx.conn())?
    };
    if changed > 0 {
        let delta = if on { 1 } else { -1 };
        diesel::update(ideas::table.find(topic_id))
            .set(ideas::vote_count.eq(ideas::vote_count + delta))
            .execute(tx.conn())?;
    }
    Ok(())
}

pub fn has_voted(conn: &mut DbConn, topic_id: i64, user_id: i64) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        idea_votes::table.filter(idea_votes::topic_id.eq(topic_id)).filter(idea_votes::user_id.eq(user_id)),
    ))
    .get_result(conn)
}

/// Change an idea's status with a public note (the topic locked); a duplicate is merged into
/// `into`: its votes are carried over (once per person) and its followers follow the other idea.
/// Its author is told now, its followers by a job (each under the policy).
pub fn change_status(
    tx: &mut Tx<'_>,
    t: &TopicFull,
    status: &IdeaStatus,
    note_md: &str,
    actor: i64,
    into: Option<i64>,
) -> QueryResult<()> {
    let now = crate::now();
    let html = markdown::render(note_md);
    diesel::insert_into(idea_status_changes::table)
        .values((
            idea_status_changes::topic_id.eq(t.topic.content_id),
            idea_status_changes::status_id.eq(status.id),
            idea_status_changes::author_id.eq(Some(actor)),
            idea_status_changes::note_md.eq(note_md),
            idea_status_changes::note_html.eq(html.as_str()),
            idea_status_changes::created_at.eq(now),
        ))
        .execute(tx.conn())?;
    diesel::update(ideas::table.find(t.topic.content_id))
        .set((ideas::status_id.eq(status.id), ideas::status_changed_at.eq(Some(now)), ideas::merged_into_id.eq(into)))
        .execute(tx.conn())?;
    let mut told = vec![actor];
    let idea = t.topic.content_id;
    notifications::notify(tx, t.content.author_id, notifications::KIND_IDEA_STATUS, Some(actor), idea, &mut told)?;
    crate::jobs::notify_followers(
        tx,
        subscriptions::TARGET_TOPIC,
        idea,
        idea,
        notifications::KIND_IDEA_STATUS,
        Some(actor),
        &told,
    )?;
    if let Some(target) = into {
        tx.lock("topics", "content_id", target)?;
        let voters: Vec<i64> =
            idea_votes::table.filter(idea_votes::topic_id.eq(idea)).select(idea_votes::user_id).load(tx.conn())?;
        let target_author: i64 = contents::table.find(target).select(contents::author_id).first(tx.conn())?;
        for v in voters.into_iter().filter(|v| *v != target_author) {
            vote(tx, target, v, true)?;
        }
        for f in subscriptions::followers(tx, subscriptions::TARGET_TOPIC, idea)? {
            subscriptions::subscribe(tx, f, subscriptions::TARGET_TOPIC, target)?;
        }
        q::set_locked(tx, idea, true)?;
    }
    Ok(())
}

/// A status change as the topic page, the adopted page and the feed show it.
#[derive(Clone, Debug)]
pub struct StatusChange {
    pub topic_id: i64,
    pub status: IdeaStatus,
    pub note_html: SafeHtml,
    pub author: Option<AuthorView>,
    pub created_at: NaiveDateTime,
}

type ChangeRow = (i64, IdeaStatus, String, NaiveDateTime, Option<String>, Option<String>, Option<String>);

/// Status changes, newest first, of some ideas (`topics`) or of a whole board.
fn changes(
    conn: &mut DbConn,
    topics_: Option<&[i64]>,
    board: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<StatusChange>> {
    let mut query = idea_status_changes::table
        .inner_join(idea_statuses::table)
        .inner_join(topics::table.on(topics::content_id.eq(idea_status_changes::topic_id)))
        .left_join(users::table.on(idea_status_changes::author_id.eq(users::id.nullable())))
        .filter(topics::visible.eq(true))
        .select((
            idea_status_changes::topic_id,
            idea_statuses::all_columns,
            idea_status_changes::note_html,
            idea_status_changes::created_at,
            users::username.nullable(),
            users::display_name.nullable(),
            users::roles.nullable(),
        ))
        .order(idea_status_changes::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(t) = topics_ {
        query = query.filter(idea_status_changes::topic_id.eq_any(t.to_vec()));
    }
    if let Some(b) = board {
        query = query.filter(topics::board_id.eq(b));
    }
    let rows: Vec<ChangeRow> = query.load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(topic_id, status, html, created_at, username, display_name, roles)| StatusChange {
            topic_id,
            status,
            note_html: SafeHtml::from_stored(html),
            author: username.map(|username| {
                AuthorView::from_row(username, display_name.unwrap_or_default(), roles.as_deref().unwrap_or(""))
            }),
            created_at,
        })
        .collect())
}

pub fn history(conn: &mut DbConn, topic_id: i64) -> QueryResult<Vec<StatusChange>> {
    changes(conn, Some(&[topic_id]), None, 100)
}

/// An idea in a list: its card, votes and status.
#[derive(Clone, Debug)]
pub struct IdeaCard {
    pub card: TopicCard,
    pub votes: i32,
    pub status: IdeaStatus,
}

impl IdeaCard {
    pub fn votes(&self) -> i64 {
        i64::from(self.votes)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdeaSort {
    Votes,
    Newest,
}

/// Ideas of a board, by votes or newest, keyset-paged on (votes, id) or id.
pub fn list(
    conn: &mut DbConn,
    board: &Board,
    sort: IdeaSort,
    status: Option<i64>,
    after: Option<(i32, i64)>,
    limit: i64,
) -> QueryResult<Vec<IdeaCard>> {
    let mut query = ideas::table
        .inner_join(topics::table.on(topics::content_id.eq(ideas::topic_id)))
        .filter(topics::board_id.eq(board.id))
        .filter(topics::visible.eq(true))
        .select((ideas::topic_id, ideas::vote_count, ideas::status_id))
        .limit(limit)
        .into_boxed();
    if let Some(s) = status {
        query = query.filter(ideas::status_id.eq(s));
    }
    query = match (sort, after) {
        (IdeaSort::Votes, Some((v, id))) => query
            .filter(ideas::vote_count.le(v))
            .filter(ideas::vote_count.lt(v).or(ideas::vote_count.eq(v).and(ideas::topic_id.lt(id)))),
        (IdeaSort::Newest, Some((_, id))) => query.filter(ideas::topic_id.lt(id)),
        (_, None) => query,
    };
    query = match sort {
        IdeaSort::Votes => query.order((ideas::vote_count.desc(), ideas::topic_id.desc())),
        IdeaSort::Newest => query.order(ideas::topic_id.desc()),
    };
    let rows: Vec<(i64, i32, i64)> = query.load(conn)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let cards: HashMap<i64, TopicCard> = q::cards_for_ids(conn, board, &ids)?.into_iter().map(|c| (c.id, c)).collect();
    let all_statuses: HashMap<i64, IdeaStatus> = statuses(conn)?.into_iter().map(|s| (s.id, s)).collect();
    Ok(rows
        .into_iter()
        .filter_map(|(id, votes, status_id)| {
            Some(IdeaCard { card: cards.get(&id)?.clone(), votes, status: all_statuses.get(&status_id)?.clone() })
        })
        .collect())
}

// ---------------------------------------------------------------- the topic page's panel

pub struct IdeasPanel;

pub static PANEL: IdeasPanel = IdeasPanel;

#[derive(Template)]
#[template(path = "forums/panels/idea.html")]
struct IdeaBox<'a> {
    ctx: &'a PageCtx,
    topic_id: i64,
    status: IdeaStatus,
    votes: i32,
    voted: bool,
    merged_into: Option<(String, String)>,
    history: Vec<StatusChange>,
    statuses: Vec<IdeaStatus>,
    /// May vote (or withdraw a vote) now.
    can_vote: bool,
    can_change_status: bool,
    form: &'a PanelForm,
}

impl IdeaBox<'_> {
    pub fn vote_count(&self) -> i64 {
        i64::from(self.votes)
    }
}

impl TopicPanel for IdeasPanel {
    fn board_kind(&self) -> &'static str {
        super::BOARD_IDEAS
    }

    fn render(
        &self,
        conn: &mut DbConn,
        ctx: &PageCtx,
        guard: &Guard,
        t: &TopicFull,
        form: &PanelForm,
    ) -> AppResult<Panel> {
        let id = t.topic.content_id;
        let Some((row, status)) = idea_of(conn, id)? else { return Ok(Panel::default()) };
        let voted = match guard.user_id() {
            Some(u) => has_voted(conn, id, u)?,
            None => false,
        };
        let merged_into = match row.merged_into_id {
            Some(target) => q::topic(conn, target)?
                .filter(|m| guard.can_read(&m.facts(), crate::policy::Place::None))
                .map(|m| (m.content.title.clone(), m.path())),
            None => None,
        };
        let closed = status.is_closed || row.merged_into_id.is_some();
        Ok(Panel {
            head: Rendered::default(),
            after_body: Rendered::of(&IdeaBox {
                ctx,
                topic_id: id,
                votes: row.vote_count,
                can_vote: guard.can_vote(&t.facts(), closed) || (voted && guard.can_vote(&t.facts(), false)),
                can_change_status: guard.can_speak_for_company(&t.facts()),
                status,
                voted,
                merged_into,
                history: history(conn, id)?,
                statuses: statuses(conn)?,
                form,
            })?,
        })
    }
}

// ---------------------------------------------------------------- handlers

/// Vote for an idea, or withdraw the vote (one per member, never one's own, only while open).
pub async fn vote_handler(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<super::actions::FlagForm>,
) -> AppResult<HttpResponse> {
    let user_id = ctx.require_user()?.id;
    let t = super::access::visible_topic(&ctx, &state, path.into_inner()).await?;
    if !t.board.is_ideas() {
        return Err(AppError::NotFound);
    }
    if t.content.author_id == user_id {
        return Err(AppError::BadRequest("err-vote-own"));
    }
    let (id, on, path, viewer) = (t.topic.content_id, form.on(), t.path(), ctx.viewer());
    crate::db::run_write(&state.pool, move |tx| {
        let t = q::lock_topic(tx, id)?.ok_or(AppError::NotFound)?;
        let (idea, status) = idea_of(tx, id)?.ok_or(AppError::NotFound)?;
        let guard = Guard::fresh(tx, &viewer)?;
        // Withdrawing is allowed after the idea closed; voting is not.
        let closed = on && (status.is_closed || idea.merged_into_id.is_some());
        if !guard.can_vote(&t.facts(), closed) {
            return Err(if closed { AppError::BadRequest("err-vote-closed") } else { AppError::Forbidden });
        }
        Ok(vote(tx, id, user_id, on)?)
    })
    .await?;
    Ok(redirect(&path))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct StatusForm {
    pub status: String,
    pub note: String,
    pub duplicate_of: String,
}

pub async fn status_handler(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<StatusForm>,
) -> AppResult<HttpResponse> {
    let user_id = ctx.require_user()?.id;
    let t = super::access::visible_topic(&ctx, &state, path.into_inner()).await?;
    if !t.board.is_ideas() {
        return Err(AppError::NotFound);
    }
    if !ctx.is_staff() {
        return Err(AppError::Forbidden);
    }
    let again =
        |key: &str, note: String| super::topic_page::TopicForms::panel(PanelForm { text: note, error: ctx.t(key) });
    let all = crate::db::run(&state.pool, |conn| Ok(statuses(conn)?)).await?;
    let Some(status) = all.into_iter().find(|s| s.slug == form.status) else {
        return super::topic_page::render_topic(&ctx, &state, t, 1, again("err-idea-status", form.note)).await;
    };
    if form.note.chars().count() > 5000 {
        return super::topic_page::render_topic(&ctx, &state, t, 1, again("err-note-long", form.note)).await;
    }
    let into = if status.slug == DUPLICATE {
        let raw = form.duplicate_of.trim();
        // Accept an idea's id or its address.
        let id = raw.rsplit('/').next().unwrap_or("").split('-').next().unwrap_or("").parse::<i64>().ok();
        let target = match id {
            Some(i) if i != t.topic.content_id => super::access::visible_topic(&ctx, &state, i).await.ok(),
            _ => None,
        };
        match target {
            Some(target) if target.board.id == t.board.id => Some(target.topic.content_id),
            _ => {
                return super::topic_page::render_topic(&ctx, &state, t, 1, again("err-duplicate-target", form.note))
                    .await;
            }
        }
    } else {
        None
    };
    let (path, id, viewer, note) = (t.path(), t.topic.content_id, ctx.viewer(), form.note.clone());
    crate::db::run_write(&state.pool, move |tx| {
        let t = q::lock_topic(tx, id)?.ok_or(AppError::NotFound)?;
        let guard = Guard::fresh(tx, &viewer)?;
        if !guard.can_speak_for_company(&t.facts()) {
            return Err(AppError::Forbidden);
        }
        Ok(change_status(tx, &t, &status, &note, user_id, into)?)
    })
    .await?;
    Ok(redirect(&format!("{path}#status")))
}

#[derive(Template)]
#[template(path = "forums/adopted.html")]
struct AdoptedPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    board: Board,
    items: Vec<(IdeaCard, Option<StatusChange>)>,
}

/// What customers' ideas became.
pub async fn adopted(ctx: Ctx, state: web::Data<AppState>, path: web::Path<String>) -> AppResult<HttpResponse> {
    let board = super::access::visible_board(&ctx, &state, path.into_inner()).await?;
    if !board.is_ideas() {
        return Err(AppError::NotFound);
    }
    let b = board.clone();
    let items = crate::db::run(&state.pool, move |conn| {
        let adopted = idea_statuses::table
            .filter(idea_statuses::slug.eq(ADOPTED))
            .select(idea_statuses::id)
            .first::<i64>(conn)
            .optional()?;
        let Some(adopted) = adopted else { return Ok(Vec::new()) };
        let cards = list(conn, &b, IdeaSort::Newest, Some(adopted), None, 200)?;
        // The latest note of every idea in one query (newest first: the first seen wins).
        let ids: Vec<i64> = cards.iter().map(|c| c.card.id).collect();
        let mut latest: HashMap<i64, StatusChange> = HashMap::new();
        for change in changes(conn, Some(&ids), None, 10_000)? {
            latest.entry(change.topic_id).or_insert(change);
        }
        Ok(cards
            .into_iter()
            .map(|c| {
                let note = latest.remove(&c.card.id);
                (c, note)
            })
            .collect())
    })
    .await?;
    render(&AdoptedPage {
        meta: Meta::new(ctx.ta("adopted-title", &[("board", board.name.clone())]), format!("{}/adopted", board.path()))
            .feed(ctx.ta("feed-idea-status", &[("board", board.name.clone())]), &format!("{}/status", board.path())),
        ctx: &ctx,
        board,
        items,
    })
}

/// Ideas whose status changed, newest first.
pub async fn status_feed(
    req: HttpRequest,
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> AppResult<HttpResponse> {
    let (slug, ext) = path.into_inner();
    let format = Format::from_ext(&ext).ok_or(AppError::NotFound)?;
    let board = super::access::visible_board(&ctx, &state, slug).await?;
    if !board.is_ideas() {
        return Err(AppError::NotFound);
    }
    let b = board.clone();
    let (list_, titles) = crate::db::run(&state.pool, move |conn| {
        let list_ = changes(conn, None, Some(b.id), 30)?;
        let ids: Vec<i64> = list_.iter().map(|c| c.topic_id).collect();
        let titles: HashMap<i64, (String, String)> = topics::table
            .inner_join(contents::table)
            .filter(topics::content_id.eq_any(&ids))
            .select((topics::content_id, contents::title, topics::slug))
            .load::<(i64, String, String)>(conn)?
            .into_iter()
            .map(|(id, t, s)| (id, (t, super::topic_path(&b.slug, id, &s))))
            .collect();
        Ok((list_, titles))
    })
    .await?;
    let title = ctx.ta("feed-idea-status", &[("board", board.name.clone())]);
    let meta = FeedMeta::new(
        &ctx,
        title.clone(),
        title,
        &format!("{}/adopted", board.path()),
        &format!("{}/status", board.path()),
    );
    let items: Vec<FeedItem> = list_
        .into_iter()
        .filter_map(|c| {
            let (idea_title, path) = titles.get(&c.topic_id)?.clone();
            Some(FeedItem {
                id: ctx.absolute(&format!("/topics/{}#status-{}", c.topic_id, c.created_at.and_utc().timestamp())),
                url: ctx.absolute(&format!("{path}#status")),
                title: format!("{} — {}", idea_title, c.status.name(&ctx.lang)),
                author: c.author.as_ref().map(|a| a.name().to_string()).unwrap_or_default(),
                published: c.created_at,
                updated: c.created_at,
                content_html: feeds::absolutize(c.note_html.as_str(), &ctx.base_url),
                summary: String::new(),
                categories: vec![c.status.name(&ctx.lang)],
            })
        })
        .collect();
    Ok(feeds::respond(&req, format, &meta, &items, ctx.user.is_none()))
}
