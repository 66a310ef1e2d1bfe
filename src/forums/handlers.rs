//! Forum pages: the board list, a board, a topic with its replies, the editors, and the actions
//! (reply, like, accept, pin, lock, follow, delete). Permission checks go through `Board`.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::queries::{self as q, Cursor, TopicFilter, TopicFull, TopicInput, TopicSelect};
use super::{Board, BoardGroup, ReplyView, TopicCard};
use crate::accounts::CurrentUser;
use crate::content::feeds::{self, FeedItem, FeedMeta, Format};
use crate::content::{SafeHtml, markdown, tags};
use crate::error::{AppError, AppResult};
use crate::web::{
    AppState, CsrfForm, Ctx, FieldErrors, Meta, PageCtx, Pager, path_segment, redirect, render, render_invalid,
    urlencode,
};

const TITLE_MAX: usize = crate::content::TITLE_MAX;
const BODY_MAX: usize = 50_000;

/// The board at a slug, if the viewer may see it. Members-only boards ask visitors to log in;
/// staff-only boards do not reveal themselves to others.
pub async fn visible_board(ctx: &PageCtx, state: &web::Data<AppState>, slug: String) -> AppResult<Board> {
    let board =
        crate::db::run(&state.pool, move |conn| q::board_by_slug(conn, &slug)?.ok_or(AppError::NotFound)).await?;
    check_view(ctx, &board)?;
    Ok(board)
}

fn check_view(ctx: &PageCtx, board: &Board) -> AppResult<()> {
    if board.can_view(ctx.user.as_ref()) {
        Ok(())
    } else if ctx.user.is_none() && board.view_access == super::ACCESS_MEMBERS {
        Err(AppError::LoginRequired(ctx.path.clone()))
    } else {
        Err(AppError::NotFound)
    }
}

pub async fn visible_topic(ctx: &PageCtx, state: &web::Data<AppState>, id: i64) -> AppResult<TopicFull> {
    let t = crate::db::run(&state.pool, move |conn| q::topic(conn, id)?.ok_or(AppError::NotFound)).await?;
    check_view(ctx, &t.board)?;
    Ok(t)
}

/// Boards the viewer may read (for profiles and tag pages).
pub fn readable_boards(conn: &mut crate::db::DbConn, viewer: Option<&CurrentUser>) -> AppResult<Vec<Board>> {
    Ok(q::all_boards(conn)?.into_iter().filter(|b| b.can_view(viewer)).collect())
}

// ---------------------------------------------------------------- the board list

pub struct BoardRow {
    pub board: Board,
    pub latest: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "forums/index.html")]
struct IndexPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    sections: Vec<(Option<BoardGroup>, Vec<BoardRow>)>,
}

pub async fn index(ctx: Ctx, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let viewer = ctx.user.clone();
    let (groups, boards, latest) = crate::db::run(&state.pool, move |conn| {
        let boards: Vec<Board> = q::all_boards(conn)?.into_iter().filter(|b| b.can_view(viewer.as_ref())).collect();
        let latest = q::latest_topics(conn, &boards)?;
        Ok((q::groups(conn)?, boards, latest))
    })
    .await?;
    let mut sections: Vec<(Option<BoardGroup>, Vec<BoardRow>)> =
        groups.into_iter().map(|g| (Some(g), Vec::new())).collect();
    let mut ungrouped = Vec::new();
    for board in boards {
        let row = BoardRow { latest: latest.get(&board.id).cloned(), board };
        match sections.iter_mut().find(|(g, _)| g.as_ref().map(|g| g.id) == row.board.group_id) {
            Some((_, rows)) => rows.push(row),
            None => ungrouped.push(row),
        }
    }
    if !ungrouped.is_empty() {
        sections.push((None, ungrouped));
    }
    sections.retain(|(_, rows)| !rows.is_empty());
    render(&IndexPage {
        meta: Meta::new(ctx.t("forums-title"), "/forums").description(ctx.t("forums-intro")),
        ctx: &ctx,
        sections,
    })
}

// ---------------------------------------------------------------- a board

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct BoardQuery {
    pub filter: String,
    pub tag: String,
    pub after: String,
    /// Ideas boards: "votes" (the default) or "newest"; a status slug to filter on.
    pub sort: String,
    pub status: String,
}

#[derive(Template)]
#[template(path = "forums/board.html")]
struct BoardPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    board: Board,
    pinned: Vec<TopicCard>,
    topics: Vec<TopicCard>,
    next: Option<String>,
    filter: String,
    tag: String,
    can_start: bool,
    following: bool,
    median_response: Option<String>,
    waiting: i64,
    is_first_page: bool,
    products: Vec<super::reviews::Product>,
    ideas: Vec<super::ideas::IdeaCard>,
    statuses: Vec<super::ideas::IdeaStatus>,
    sort: String,
    status: String,
}

fn parse_filter(s: &str) -> TopicFilter {
    match s {
        "unanswered" => TopicFilter::Unanswered,
        "answered" => TopicFilter::Answered,
        _ => TopicFilter::All,
    }
}

/// "2 h 15 min", "3 d 4 h", "12 min" (units from the catalog).
pub fn human_duration(ctx: &PageCtx, d: chrono::Duration) -> String {
    let minutes = d.num_minutes().max(0);
    let (days, hours, mins) = (minutes / 1440, (minutes % 1440) / 60, minutes % 60);
    if days > 0 {
        ctx.ta("duration-days-hours", &[("days", days.to_string()), ("hours", hours.to_string())])
    } else if hours > 0 {
        ctx.ta("duration-hours-minutes", &[("hours", hours.to_string()), ("minutes", mins.to_string())])
    } else {
        ctx.ta("duration-minutes", &[("minutes", mins.max(1).to_string())])
    }
}

pub async fn board(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<BoardQuery>,
) -> AppResult<HttpResponse> {
    let board = visible_board(&ctx, &state, path.into_inner()).await?;
    if board.is_ideas() {
        return ideas_board(&ctx, &state, board, &query).await;
    }
    let products = board_products(&state, &board).await?;
    let filter = parse_filter(&query.filter);
    let after = Cursor::decode(&query.after);
    let tag_slug = query.tag.trim().to_string();
    let (b, viewer, ts) = (board.clone(), ctx.user_id(), tag_slug.clone());
    let (pinned, topics, following, response) = crate::db::run(&state.pool, move |conn| {
        let tag_id =
            if ts.is_empty() { None } else { Some(tags::find_by_slug(conn, &ts)?.map(|t| t.id).unwrap_or(-1)) };
        let sel = TopicSelect { filter, tag: tag_id, ..TopicSelect::board(&b) };
        let boards = std::slice::from_ref(&b);
        let pinned = match after {
            None => q::select_topics(conn, boards, &TopicSelect { pinned: Some(true), ..sel.clone() }, 50)?,
            Some(_) => Vec::new(),
        };
        let topics = q::select_topics(
            conn,
            boards,
            &TopicSelect { pinned: Some(false), after, ..sel },
            super::TOPICS_PER_PAGE + 1,
        )?;
        let following = match viewer {
            Some(u) => q::is_subscribed(conn, u, q::TARGET_BOARD, b.id)?,
            None => false,
        };
        let response = if b.is_questions() { Some(q::staff_response(conn, b.id)?) } else { None };
        Ok((pinned, topics, following, response))
    })
    .await?;
    let mut topics = topics;
    let next = if topics.len() as i64 > super::TOPICS_PER_PAGE {
        topics.truncate(super::TOPICS_PER_PAGE as usize);
        topics.last().map(|t| {
            let cursor = Cursor { at: t.last_activity_at, id: t.id }.encode();
            let mut url = format!("{}?after={cursor}", board.path());
            if filter != TopicFilter::All {
                url.push_str(&format!("&filter={}", query.filter));
            }
            if !tag_slug.is_empty() {
                url.push_str(&format!("&tag={}", urlencode(&tag_slug)));
            }
            url
        })
    } else {
        None
    };
    let (median_response, waiting) = match response {
        Some((median, waiting)) => (median.map(|d| human_duration(&ctx, d)), waiting),
        None => (None, 0),
    };
    let mut meta = Meta::new(board.name.clone(), board.path()).description(if board.description.is_empty() {
        ctx.t(board.kind_key())
    } else {
        board.description.clone()
    });
    meta = meta.feed(board.name.clone(), &format!("{}/feed", board.path()));
    if after.is_some() || filter != TopicFilter::All || !tag_slug.is_empty() || board.is_internal() {
        meta = meta.noindex();
    }
    render(&BoardPage {
        can_start: board.can_start_topic(ctx.user.as_ref()),
        meta,
        ctx: &ctx,
        board,
        pinned,
        topics,
        next,
        filter: query.filter.clone(),
        tag: tag_slug,
        following,
        median_response,
        waiting,
        is_first_page: after.is_none(),
        products,
        ideas: Vec::new(),
        statuses: Vec::new(),
        sort: String::new(),
        status: String::new(),
    })
}

/// An ideas board: ideas by votes (or newest), filterable by status, keyset-paged.
async fn ideas_board(
    ctx: &PageCtx,
    state: &web::Data<AppState>,
    board: Board,
    query: &BoardQuery,
) -> AppResult<HttpResponse> {
    use super::ideas::{self, IdeaSort};
    let sort = if query.sort == "newest" { IdeaSort::Newest } else { IdeaSort::Votes };
    let after = query.after.split_once('_').and_then(|(v, id)| Some((v.parse::<i32>().ok()?, id.parse::<i64>().ok()?)));
    let (b, status_slug, viewer) = (board.clone(), query.status.clone(), ctx.user_id());
    let (list, statuses, following) = crate::db::run(&state.pool, move |conn| {
        let statuses = ideas::statuses(conn)?;
        let status_id = statuses.iter().find(|s| s.slug == status_slug).map(|s| s.id);
        let list = ideas::list(conn, &b, sort, status_id, after, super::TOPICS_PER_PAGE + 1)?;
        let following = match viewer {
            Some(u) => q::is_subscribed(conn, u, q::TARGET_BOARD, b.id)?,
            None => false,
        };
        Ok((list, statuses, following))
    })
    .await?;
    let mut list = list;
    let sort_name = if sort == IdeaSort::Newest { "newest" } else { "votes" };
    let next = if list.len() as i64 > super::TOPICS_PER_PAGE {
        list.truncate(super::TOPICS_PER_PAGE as usize);
        list.last().map(|c| {
            let mut url = format!("{}?sort={sort_name}&after={}_{}", board.path(), c.votes, c.card.id);
            if !query.status.is_empty() {
                url.push_str(&format!("&status={}", urlencode(&query.status)));
            }
            url
        })
    } else {
        None
    };
    let mut meta = Meta::new(board.name.clone(), board.path())
        .description(if board.description.is_empty() { ctx.t(board.kind_key()) } else { board.description.clone() })
        .feed(board.name.clone(), &format!("{}/feed", board.path()))
        .feed(ctx.ta("feed-idea-status", &[("board", board.name.clone())]), &format!("{}/status", board.path()));
    if !query.after.is_empty() || !query.status.is_empty() || !query.sort.is_empty() || board.is_internal() {
        meta = meta.noindex();
    }
    render(&BoardPage {
        can_start: board.can_start_topic(ctx.user.as_ref()),
        meta,
        ctx,
        board,
        pinned: Vec::new(),
        topics: Vec::new(),
        next,
        filter: String::new(),
        tag: String::new(),
        following,
        median_response: None,
        waiting: 0,
        is_first_page: query.after.is_empty(),
        products: Vec::new(),
        ideas: list,
        statuses,
        sort: sort_name.to_string(),
        status: query.status.clone(),
    })
}

// ---------------------------------------------------------------- new topic

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct TopicForm {
    pub title: String,
    pub body: String,
    pub tags: String,
    pub action: String,
    /// Reviews: the product's slug and the 1–5 rating.
    pub product: String,
    pub rating: String,
}

#[derive(Template)]
#[template(path = "forums/topic_editor.html")]
struct TopicEditorPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    board: Board,
    form: TopicForm,
    errors: FieldErrors,
    preview: Option<SafeHtml>,
    action_url: String,
    is_new: bool,
    back: String,
    products: Vec<super::reviews::Product>,
    /// A second review of the same product: where the first one is.
    existing_review: Option<String>,
}

fn check_topic(form: &TopicForm, with_tags: bool) -> Result<TopicInput, FieldErrors> {
    let mut errors = FieldErrors::default();
    let title = form.title.trim().to_string();
    if title.is_empty() {
        errors.add("title", "err-title-empty");
    } else if title.chars().count() > TITLE_MAX {
        errors.add("title", "err-title-long");
    } else if title.chars().any(char::is_control) {
        errors.add("title", "err-title-chars");
    }
    check_body(&form.body, &mut errors);
    let tags = if with_tags {
        tags::parse_list(&form.tags).unwrap_or_else(|k| {
            errors.add("tags", k);
            Vec::new()
        })
    } else {
        Vec::new()
    };
    if errors.is_empty() { Ok(TopicInput { title, body_md: form.body.clone(), tags }) } else { Err(errors) }
}

fn check_body(body: &str, errors: &mut FieldErrors) {
    if body.trim().is_empty() {
        errors.add("body", "err-body-empty");
    } else if body.chars().count() > BODY_MAX {
        errors.add("body", "err-forum-body-long");
    }
}

async fn startable_board(ctx: &PageCtx, state: &web::Data<AppState>, slug: String) -> AppResult<Board> {
    ctx.require_user()?;
    let board = visible_board(ctx, state, slug).await?;
    if board.can_start_topic(ctx.user.as_ref()) { Ok(board) } else { Err(AppError::Forbidden) }
}

async fn board_products(state: &web::Data<AppState>, board: &Board) -> AppResult<Vec<super::reviews::Product>> {
    if !board.is_reviews() {
        return Ok(Vec::new());
    }
    let id = board.id;
    crate::db::run(&state.pool, move |conn| Ok(super::reviews::products_of(conn, id)?)).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewTopicQuery {
    pub product: String,
}

pub async fn new_topic_form(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<NewTopicQuery>,
) -> AppResult<HttpResponse> {
    let board = startable_board(&ctx, &state, path.into_inner()).await?;
    let products = board_products(&state, &board).await?;
    render(&TopicEditorPage {
        meta: Meta::new(ctx.t("topic-new-title"), format!("{}/new", board.path())).noindex(),
        action_url: format!("{}/new", board.path()),
        back: board.path(),
        ctx: &ctx,
        board,
        form: TopicForm { product: query.product.clone(), ..Default::default() },
        errors: FieldErrors::default(),
        preview: None,
        is_new: true,
        products,
        existing_review: None,
    })
}

pub async fn create_topic(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<TopicForm>,
) -> AppResult<HttpResponse> {
    let board = startable_board(&ctx, &state, path.into_inner()).await?;
    let products = board_products(&state, &board).await?;
    let page = |form: TopicForm, errors: FieldErrors, preview: Option<SafeHtml>| TopicEditorPage {
        products: products.clone(),
        existing_review: None,
        meta: Meta::new(ctx.t("topic-new-title"), format!("{}/new", board.path())).noindex(),
        action_url: format!("{}/new", board.path()),
        back: board.path(),
        ctx: &ctx,
        board: board.clone(),
        form,
        errors,
        preview,
        is_new: true,
    };
    if form.action == "preview" {
        let preview = markdown::render(&form.body);
        return render(&page(form, FieldErrors::default(), Some(preview)));
    }
    let checked = check_topic(&form, true);
    // Reviews also need a product of this board and a rating from 1 to 5.
    let mut review: Option<(i64, i32)> = None;
    let mut errors = checked.as_ref().err().cloned().unwrap_or_default();
    if board.is_reviews() {
        let product = products.iter().find(|p| p.slug == form.product);
        let rating = form.rating.trim().parse::<i32>().ok().filter(|r| (1..=5).contains(r));
        if product.is_none() {
            errors.add("product", "err-review-product");
        }
        if rating.is_none() {
            errors.add("rating", "err-review-rating");
        }
        if let (Some(p), Some(r)) = (product, rating) {
            review = Some((p.id, r));
        }
    }
    let input = match checked {
        Ok(i) if errors.is_empty() => i,
        _ => return render_invalid(&page(form, errors, None)),
    };
    let (b, user_id) = (board.clone(), ctx.require_user()?.id);
    let outcome = crate::db::run(&state.pool, move |conn| {
        let author = crate::accounts::queries::find(conn, user_id)?.ok_or(AppError::Forbidden)?;
        if let Some((product_id, _)) = review
            && let Some(existing) = super::reviews::existing_review(conn, product_id, user_id)?
        {
            return Ok(Err(q::topic(conn, existing)?.ok_or(AppError::NotFound)?.path()));
        }
        let id = if let Some((product_id, rating)) = review {
            q::create_topic_with(conn, &b, &author, &input, |conn, id| {
                super::reviews::attach_review(conn, id, product_id, user_id, rating)
            })?
        } else if b.is_ideas() {
            q::create_topic_with(conn, &b, &author, &input, super::ideas::attach_idea)?
        } else {
            q::create_topic(conn, &b, &author, &input)?
        };
        Ok(Ok(q::topic(conn, id)?.ok_or(AppError::NotFound)?.path()))
    })
    .await?;
    match outcome {
        Ok(path) => Ok(redirect(&path)),
        Err(existing) => {
            // One review per member per product: offer to edit the first one; keep the text.
            let mut errors = FieldErrors::default();
            errors.add("product", "err-review-exists");
            let mut view = page(form, errors, None);
            view.existing_review = Some(existing);
            render_invalid(&view)
        }
    }
}

// ---------------------------------------------------------------- a topic

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TopicQuery {
    pub page: Option<String>,
    pub quote: Option<i64>,
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
    accepted: Option<ReplyView>,
    pager: Pager,
    page: i64,
    can_reply: bool,
    can_moderate: bool,
    can_accept: bool,
    can_edit_topic: bool,
    liked_topic: bool,
    following: bool,
    review: Option<ReviewInfo>,
    idea: Option<IdeaInfo>,
    forms: TopicForms,
}

/// What a review's page shows besides the topic.
pub struct ReviewInfo {
    pub product_name: String,
    pub product_path: String,
    pub rating: i32,
    pub response: Option<(SafeHtml, crate::accounts::AuthorView, chrono::NaiveDateTime)>,
}

impl ReviewInfo {
    pub fn stars(&self) -> String {
        super::reviews::stars(self.rating)
    }
}

/// What an idea's page shows besides the topic.
pub struct IdeaInfo {
    pub status: super::ideas::IdeaStatus,
    pub votes: i32,
    pub voted: bool,
    pub merged_into: Option<(String, String)>,
    pub history: Vec<super::ideas::StatusChange>,
    pub statuses: Vec<super::ideas::IdeaStatus>,
}

impl IdeaInfo {
    pub fn votes(&self) -> i64 {
        i64::from(self.votes)
    }
}

/// Text typed into the topic page's secondary forms, kept when they are shown again with a problem.
#[derive(Default)]
pub struct TopicForms {
    pub reply_body: String,
    pub reply_error: String,
    pub response_body: String,
    pub response_error: String,
    pub status_note: String,
    pub status_error: String,
}

impl TopicForms {
    fn has_error(&self) -> bool {
        !self.reply_error.is_empty() || !self.response_error.is_empty() || !self.status_error.is_empty()
    }
}

impl TopicPage<'_> {
    pub fn can_edit(&self, r: &ReplyView) -> bool {
        !r.deleted && self.ctx.user_id() == Some(r.author_id)
    }

    pub fn can_delete(&self, r: &ReplyView) -> bool {
        !r.deleted && (self.ctx.user_id() == Some(r.author_id) || self.can_moderate)
    }

    pub fn can_like(&self, author_id: &i64) -> bool {
        self.ctx.user_id().is_some_and(|u| u != *author_id)
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
    let viewer = ctx.user.clone();
    let t2 = t.clone();
    let (replies, accepted, tags_, liked_topic, following, review, idea) = crate::db::run(&state.pool, move |conn| {
        let replies = q::replies_page(conn, &t2, page, viewer.as_ref().map(|u| u.id))?;
        let accepted = q::accepted_reply(conn, &t2)?;
        let tags_ = tags::for_contents(conn, &[t2.topic.content_id])?.remove(&t2.topic.content_id).unwrap_or_default();
        let (liked, following) = match &viewer {
            Some(u) => (
                q::has_liked(conn, t2.topic.content_id, u.id)?,
                q::is_subscribed(conn, u.id, q::TARGET_TOPIC, t2.topic.content_id)?,
            ),
            None => (false, false),
        };
        if viewer.as_ref().is_none_or(|u| u.id != t2.content.author_id) {
            q::count_view(conn, t2.topic.content_id)?;
        }
        let review = match super::reviews::review_of(conn, t2.topic.content_id)? {
            Some(r) => {
                let product = super::reviews::product_by_id(conn, r.product_id)?;
                let response = match r.response_id {
                    Some(id) => super::reviews::response(conn, id)?,
                    None => None,
                };
                product.map(|p| ReviewInfo {
                    product_path: p.path(&t2.board),
                    product_name: p.name,
                    rating: r.rating,
                    response,
                })
            }
            None => None,
        };
        let idea = match super::ideas::idea_of(conn, t2.topic.content_id)? {
            Some((row, status)) => {
                let voted = match &viewer {
                    Some(u) => super::ideas::has_voted(conn, t2.topic.content_id, u.id)?,
                    None => false,
                };
                let merged_into = match row.merged_into_id {
                    Some(id) => q::topic(conn, id)?.map(|m| (m.content.title.clone(), m.path())),
                    None => None,
                };
                Some(IdeaInfo {
                    status,
                    votes: row.vote_count,
                    voted,
                    merged_into,
                    history: super::ideas::history(conn, t2.topic.content_id)?,
                    statuses: super::ideas::statuses(conn)?,
                })
            }
            None => None,
        };
        Ok((replies, accepted, tags_, liked, following, review, idea))
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
    if t.board.is_internal() {
        meta = meta.noindex();
    }
    let user = ctx.user.as_ref();
    let can_moderate = user.is_some_and(|u| u.role.can_moderate());
    let page_view = TopicPage {
        can_reply: t.board.can_reply(user) && !t.topic.locked,
        can_accept: t.board.is_questions() && user.is_some_and(|u| u.id == t.content.author_id || u.role.is_staff()),
        can_edit_topic: user.is_some_and(|u| u.id == t.content.author_id),
        pager: Pager::new(&format!("{path}?"), page, i64::from(t.topic.reply_count), super::REPLIES_PER_PAGE),
        body_html: SafeHtml::from_stored(t.content.body_html.clone()),
        tags: tags_,
        ctx,
        meta,
        t,
        replies,
        accepted,
        page,
        can_moderate,
        liked_topic,
        following,
        review,
        idea,
        forms,
    };
    if page_view.forms.has_error() { render_invalid(&page_view) } else { render(&page_view) }
}

pub async fn topic(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    query: web::Query<TopicQuery>,
) -> AppResult<HttpResponse> {
    let (board_slug, segment) = path.into_inner();
    let t = visible_topic(&ctx, &state, topic_id(&segment)?).await?;
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
    // "Quote" without JavaScript: the reply box starts with the quoted reply.
    let reply_body = match query.quote {
        Some(rid) => {
            let topic_id = t.topic.content_id;
            crate::db::run(&state.pool, move |conn| {
                Ok(match q::reply(conn, rid)? {
                    Some((tid, _, c)) if tid == topic_id && c.deleted_at.is_none() => {
                        let author =
                            crate::accounts::queries::find(conn, c.author_id)?.map(|u| u.username).unwrap_or_default();
                        quote_markdown(&author, rid, &c.body_md)
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

/// A Markdown quote of a reply with a link back to it (which is how the quoted person is found).
pub fn quote_markdown(author: &str, reply_id: i64, body: &str) -> String {
    let quoted: String = body.lines().map(|l| format!("> {l}\n")).collect();
    format!("> **@{author}** [wrote](/replies/{reply_id}):\n>\n{quoted}\n")
}

// ---------------------------------------------------------------- replies

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReplyForm {
    pub body: String,
}

pub async fn add_reply(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<ReplyForm>,
) -> AppResult<HttpResponse> {
    let user_id = ctx.require_user()?.id;
    let t = visible_topic(&ctx, &state, path.into_inner()).await?;
    let last_page = t.pages();
    if !t.board.can_reply(ctx.user.as_ref()) {
        return Err(AppError::Forbidden);
    }
    if t.topic.locked {
        return render_topic(
            &ctx,
            &state,
            t,
            last_page,
            TopicForms { reply_body: form.body, reply_error: ctx.t("err-topic-locked"), ..Default::default() },
        )
        .await;
    }
    let mut errors = FieldErrors::default();
    check_body(&form.body, &mut errors);
    if !errors.is_empty() {
        return render_topic(
            &ctx,
            &state,
            t,
            last_page,
            TopicForms { reply_body: form.body, reply_error: ctx.t(errors.get("body")), ..Default::default() },
        )
        .await;
    }
    let (topic_id, body, topic_path) = (t.topic.content_id, form.body.clone(), t.path());
    let result = crate::db::run(&state.pool, move |conn| {
        let author = crate::accounts::queries::find(conn, user_id)?.ok_or(AppError::Forbidden)?;
        match q::create_reply(conn, topic_id, &author, &body) {
            Ok(r) => Ok(Ok(r)),
            Err(q::ReplyError::Locked) => Ok(Err(())),
            Err(q::ReplyError::Db(e)) => Err(AppError::from(e)),
        }
    })
    .await?;
    match result {
        Ok((id, position)) => Ok(redirect(&super::reply_path(&topic_path, id, position))),
        Err(()) => {
            render_topic(
                &ctx,
                &state,
                t,
                last_page,
                TopicForms { reply_body: form.body, reply_error: ctx.t("err-topic-locked"), ..Default::default() },
            )
            .await
        }
    }
}

/// `/replies/{id}`: a reply's permanent address; leads to its page and anchor.
pub async fn reply_permalink(ctx: Ctx, state: web::Data<AppState>, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let (topic_id, position) = crate::db::run(&state.pool, move |conn| {
        let (tid, pos, c) = q::reply(conn, id)?.ok_or(AppError::NotFound)?;
        if c.deleted_at.is_some() {
            return Err(AppError::NotFound);
        }
        Ok((tid, pos))
    })
    .await?;
    let t = visible_topic(&ctx, &state, topic_id).await?;
    Ok(redirect(&super::reply_path(&t.path(), id, position)))
}

// ---------------------------------------------------------------- editing and history

#[derive(Template)]
#[template(path = "forums/reply_editor.html")]
struct ReplyEditorPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    id: i64,
    body: String,
    errors: FieldErrors,
    back: String,
}

pub async fn edit_topic_form(ctx: Ctx, state: web::Data<AppState>, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let user_id = ctx.require_user()?.id;
    let t = visible_topic(&ctx, &state, path.into_inner()).await?;
    if t.content.author_id != user_id {
        return Err(AppError::Forbidden);
    }
    let id = t.topic.content_id;
    let rating =
        crate::db::run(&state.pool, move |conn| Ok(super::reviews::review_of(conn, id)?.map(|r| r.rating))).await?;
    let form = TopicForm {
        title: t.content.title.clone(),
        body: t.content.body_md.clone(),
        rating: rating.map(|r| r.to_string()).unwrap_or_default(),
        ..Default::default()
    };
    render(&TopicEditorPage {
        meta: Meta::new(ctx.t("topic-edit-title"), format!("/topics/{}/edit", t.topic.content_id)).noindex(),
        action_url: format!("/topics/{}/edit", t.topic.content_id),
        back: t.path(),
        ctx: &ctx,
        board: t.board,
        form,
        errors: FieldErrors::default(),
        preview: None,
        is_new: false,
        products: Vec::new(),
        existing_review: None,
    })
}

pub async fn edit_topic(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<TopicForm>,
) -> AppResult<HttpResponse> {
    let user_id = ctx.require_user()?.id;
    let t = visible_topic(&ctx, &state, path.into_inner()).await?;
    if t.content.author_id != user_id {
        return Err(AppError::Forbidden);
    }
    let id = t.topic.content_id;
    let page = |form: TopicForm, errors: FieldErrors, preview: Option<SafeHtml>| TopicEditorPage {
        meta: Meta::new(ctx.t("topic-edit-title"), format!("/topics/{id}/edit")).noindex(),
        action_url: format!("/topics/{id}/edit"),
        back: t.path(),
        ctx: &ctx,
        board: t.board.clone(),
        form,
        errors,
        preview,
        is_new: false,
        products: Vec::new(),
        existing_review: None,
    };
    if form.action == "preview" {
        let preview = markdown::render(&form.body);
        return render(&page(form, FieldErrors::default(), Some(preview)));
    }
    let checked = check_topic(&form, false);
    let mut errors = checked.as_ref().err().cloned().unwrap_or_default();
    // A review's author may change the rating too.
    let rating = if t.board.is_reviews() {
        let r = form.rating.trim().parse::<i32>().ok().filter(|r| (1..=5).contains(r));
        if r.is_none() {
            errors.add("rating", "err-review-rating");
        }
        r
    } else {
        None
    };
    let input = match checked {
        Ok(i) if errors.is_empty() => i,
        _ => return render_invalid(&page(form, errors, None)),
    };
    let path = crate::db::run(&state.pool, move |conn| {
        use diesel::Connection;
        conn.transaction::<_, AppError, _>(|conn| {
            q::edit(conn, id, user_id, Some(&input.title), &input.body_md)?;
            if let (Some(rating), Some(review)) = (rating, super::reviews::review_of(conn, id)?) {
                super::reviews::change_rating(conn, &review, rating)?;
            }
            Ok(q::topic(conn, id)?.ok_or(AppError::NotFound)?.path())
        })
    })
    .await?;
    Ok(redirect(&path))
}

async fn own_reply(
    ctx: &PageCtx,
    state: &web::Data<AppState>,
    id: i64,
) -> AppResult<(crate::content::Content, TopicFull, i32)> {
    let user_id = ctx.require_user()?.id;
    let (topic_id, position, c) =
        crate::db::run(&state.pool, move |conn| q::reply(conn, id)?.ok_or(AppError::NotFound)).await?;
    let t = visible_topic(ctx, state, topic_id).await?;
    if c.deleted_at.is_some() {
        return Err(AppError::NotFound);
    }
    if c.author_id != user_id {
        return Err(AppError::Forbidden);
    }
    Ok((c, t, position))
}

pub async fn edit_reply_form(ctx: Ctx, state: web::Data<AppState>, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let (c, t, position) = own_reply(&ctx, &state, id).await?;
    render(&ReplyEditorPage {
        meta: Meta::new(ctx.t("reply-edit-title"), format!("/replies/{id}/edit")).noindex(),
        ctx: &ctx,
        id,
        body: c.body_md,
        errors: FieldErrors::default(),
        back: super::reply_path(&t.path(), id, position),
    })
}

pub async fn edit_reply(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<ReplyForm>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let (_, t, position) = own_reply(&ctx, &state, id).await?;
    let back = super::reply_path(&t.path(), id, position);
    let mut errors = FieldErrors::default();
    check_body(&form.body, &mut errors);
    if !errors.is_empty() {
        return render_invalid(&ReplyEditorPage {
            meta: Meta::new(ctx.t("reply-edit-title"), format!("/replies/{id}/edit")).noindex(),
            ctx: &ctx,
            id,
            body: form.body,
            errors,
            back,
        });
    }
    let user_id = ctx.require_user()?.id;
    crate::db::run(&state.pool, move |conn| Ok(q::edit(conn, id, user_id, None, &form.body)?)).await?;
    Ok(redirect(&back))
}

#[derive(Template)]
#[template(path = "forums/history.html")]
struct HistoryPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    current_title: String,
    current_body: String,
    current_at: chrono::NaiveDateTime,
    versions: Vec<(String, String, chrono::NaiveDateTime, Option<String>)>,
    back: String,
}

/// `/history/{id}`: every earlier version of a topic or reply, for anyone who can read it.
pub async fn history(ctx: Ctx, state: web::Data<AppState>, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let (c, topic_id, versions) = crate::db::run(&state.pool, move |conn| {
        let c = crate::content::find(conn, id)?.ok_or(AppError::NotFound)?;
        let topic_id = match c.kind.as_str() {
            super::KIND_TOPIC => id,
            super::KIND_REPLY => q::reply(conn, id)?.ok_or(AppError::NotFound)?.0,
            _ => return Err(AppError::NotFound),
        };
        Ok((c, topic_id, q::history(conn, id)?))
    })
    .await?;
    let t = visible_topic(&ctx, &state, topic_id).await?;
    if c.deleted_at.is_some() {
        return Err(AppError::NotFound);
    }
    render(&HistoryPage {
        meta: Meta::new(ctx.ta("history-title", &[("title", t.content.title.clone())]), format!("/history/{id}"))
            .noindex(),
        ctx: &ctx,
        current_title: c.title,
        current_body: c.body_md,
        current_at: c.edited_at.unwrap_or(c.created_at),
        versions,
        back: t.path(),
    })
}

// ---------------------------------------------------------------- actions

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct FlagForm {
    pub value: String,
    pub back: String,
}

impl FlagForm {
    pub fn on(&self) -> bool {
        self.value != "0"
    }
}

pub async fn delete_topic(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    _f: CsrfForm<FlagForm>,
) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?.clone();
    let t = visible_topic(&ctx, &state, path.into_inner()).await?;
    if t.content.author_id != user.id && !user.role.can_moderate() {
        return Err(AppError::Forbidden);
    }
    let board_path = t.board.path();
    crate::db::run(&state.pool, move |conn| Ok(q::delete_topic(conn, &t)?)).await?;
    Ok(redirect(&board_path))
}

pub async fn delete_reply(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    _f: CsrfForm<FlagForm>,
) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?.clone();
    let id = path.into_inner();
    let (topic_id, position, c) =
        crate::db::run(&state.pool, move |conn| q::reply(conn, id)?.ok_or(AppError::NotFound)).await?;
    let t = visible_topic(&ctx, &state, topic_id).await?;
    if c.deleted_at.is_some() {
        return Err(AppError::NotFound);
    }
    if c.author_id != user.id && !user.role.can_moderate() {
        return Err(AppError::Forbidden);
    }
    let back = super::reply_path(&t.path(), id, position);
    crate::db::run(&state.pool, move |conn| Ok(q::delete_reply(conn, id, &t)?)).await?;
    Ok(redirect(&back))
}

/// Like or unlike a topic or reply (one like per member, never one's own).
pub async fn like(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<FlagForm>,
) -> AppResult<HttpResponse> {
    let user_id = ctx.require_user()?.id;
    let id = path.into_inner();
    let (c, topic_id) = crate::db::run(&state.pool, move |conn| {
        let c = crate::content::find(conn, id)?.ok_or(AppError::NotFound)?;
        let topic_id = match c.kind.as_str() {
            super::KIND_TOPIC => id,
            super::KIND_REPLY => q::reply(conn, id)?.ok_or(AppError::NotFound)?.0,
            _ => return Err(AppError::NotFound),
        };
        Ok((c, topic_id))
    })
    .await?;
    let t = visible_topic(&ctx, &state, topic_id).await?;
    if c.deleted_at.is_some() {
        return Err(AppError::NotFound);
    }
    if c.author_id == user_id {
        return Err(AppError::BadRequest("err-like-own"));
    }
    let on = form.on();
    crate::db::run(&state.pool, move |conn| Ok(q::set_like(conn, id, user_id, on)?)).await?;
    let back = if c.kind == super::KIND_TOPIC { t.path() } else { format!("/replies/{id}") };
    Ok(redirect(&crate::web::safe_next(Some(if form.back.is_empty() { &back } else { &form.back }))))
}

async fn moderated_topic(ctx: &PageCtx, state: &web::Data<AppState>, id: i64) -> AppResult<TopicFull> {
    let user = ctx.require_user()?;
    if !user.role.can_moderate() {
        return Err(AppError::Forbidden);
    }
    visible_topic(ctx, state, id).await
}

pub async fn pin(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<FlagForm>,
) -> AppResult<HttpResponse> {
    let t = moderated_topic(&ctx, &state, path.into_inner()).await?;
    let (id, on) = (t.topic.content_id, form.on());
    crate::db::run(&state.pool, move |conn| Ok(q::set_pinned(conn, id, on)?)).await?;
    Ok(redirect(&t.path()))
}

pub async fn lock(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<FlagForm>,
) -> AppResult<HttpResponse> {
    let t = moderated_topic(&ctx, &state, path.into_inner()).await?;
    let (id, on) = (t.topic.content_id, form.on());
    crate::db::run(&state.pool, move |conn| Ok(q::set_locked(conn, id, on)?)).await?;
    Ok(redirect(&t.path()))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AcceptForm {
    pub reply: String,
}

/// The asker or an employee marks (or changes, or clears) the accepted answer.
pub async fn accept(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<AcceptForm>,
) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?.clone();
    let t = visible_topic(&ctx, &state, path.into_inner()).await?;
    if !t.board.is_questions() || (user.id != t.content.author_id && !user.role.is_staff()) {
        return Err(AppError::Forbidden);
    }
    let reply_id = if form.reply.trim().is_empty() {
        None
    } else {
        Some(form.reply.trim().parse::<i64>().map_err(|_| AppError::BadRequest("error-bad-request"))?)
    };
    let topic_id = t.topic.content_id;
    let path = t.path();
    crate::db::run(&state.pool, move |conn| {
        if let Some(r) = reply_id {
            match q::reply(conn, r)? {
                Some((tid, _, c)) if tid == topic_id && c.deleted_at.is_none() => {}
                _ => return Err(AppError::NotFound),
            }
        }
        Ok(q::accept(conn, &t, reply_id, user.id)?)
    })
    .await?;
    Ok(redirect(&path))
}

pub async fn follow_topic(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<FlagForm>,
) -> AppResult<HttpResponse> {
    let user_id = ctx.require_user()?.id;
    let t = visible_topic(&ctx, &state, path.into_inner()).await?;
    let (id, on) = (t.topic.content_id, form.on());
    crate::db::run(&state.pool, move |conn| Ok(q::set_subscribed(conn, user_id, q::TARGET_TOPIC, id, on)?)).await?;
    Ok(redirect(&t.path()))
}

pub async fn follow_board(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<FlagForm>,
) -> AppResult<HttpResponse> {
    let user_id = ctx.require_user()?.id;
    let board = visible_board(&ctx, &state, path.into_inner()).await?;
    let (id, on) = (board.id, form.on());
    crate::db::run(&state.pool, move |conn| Ok(q::set_subscribed(conn, user_id, q::TARGET_BOARD, id, on)?)).await?;
    Ok(redirect(&board.path()))
}

// ---------------------------------------------------------------- feeds

pub async fn board_feed(
    req: HttpRequest,
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> AppResult<HttpResponse> {
    let (slug, ext) = path.into_inner();
    let format = Format::from_ext(&ext).ok_or(AppError::NotFound)?;
    let board = visible_board(&ctx, &state, slug).await?;
    let b = board.clone();
    let (cards, bodies) = crate::db::run(&state.pool, move |conn| {
        // Newest topics first (a board's feed announces new topics), pinned or not.
        let all = q::select_topics(
            conn,
            std::slice::from_ref(&b),
            &TopicSelect { by_creation: true, ..TopicSelect::board(&b) },
            30,
        )?;
        let bodies = crate::content::bodies(conn, &all.iter().map(|c| c.id).collect::<Vec<_>>())?;
        Ok((all, bodies))
    })
    .await?;
    let meta = FeedMeta::new(
        &ctx,
        board.name.clone(),
        board.description.clone(),
        &board.path(),
        &format!("{}/feed", board.path()),
    );
    let items: Vec<FeedItem> = cards
        .into_iter()
        .map(|c| FeedItem {
            id: ctx.absolute(&format!("/topics/{}", c.id)),
            url: ctx.absolute(&c.path),
            author: c.author.name().to_string(),
            published: c.created_at,
            updated: c.created_at,
            content_html: feeds::absolutize(bodies.get(&c.id).map(String::as_str).unwrap_or(""), &ctx.base_url),
            summary: c.excerpt.clone(),
            categories: c.tags.iter().map(|t| t.name.clone()).collect(),
            title: c.title,
        })
        .collect();
    Ok(feeds::respond(&req, format, &meta, &items))
}

pub async fn topic_feed(
    req: HttpRequest,
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<(i64, String)>,
) -> AppResult<HttpResponse> {
    let (id, ext) = path.into_inner();
    let format = Format::from_ext(&ext).ok_or(AppError::NotFound)?;
    let t = visible_topic(&ctx, &state, id).await?;
    let t2 = t.clone();
    let replies = crate::db::run(&state.pool, move |conn| {
        // The latest 30 replies: the last page or two.
        let last = t2.pages();
        let mut rs = q::replies_page(conn, &t2, last, None)?;
        if last > 1 && rs.len() < 30 {
            let mut prev = q::replies_page(conn, &t2, last - 1, None)?;
            prev.append(&mut rs);
            rs = prev;
        }
        Ok(rs)
    })
    .await?;
    let path = t.path();
    let title = ctx.ta("feed-replies-to", &[("title", t.content.title.clone())]);
    let meta = FeedMeta::new(&ctx, title.clone(), title, &path, &format!("/topics/{id}/feed"));
    let items: Vec<FeedItem> = replies
        .into_iter()
        .rev()
        .filter(|r| !r.deleted)
        .take(30)
        .map(|r| FeedItem {
            id: ctx.absolute(&format!("/replies/{}", r.id)),
            url: ctx.absolute(&super::reply_path(&path, r.id, r.position)),
            title: ctx.ta("feed-reply-by", &[("author", r.author.name().to_string())]),
            author: r.author.name().to_string(),
            published: r.created_at,
            updated: r.edited_at.unwrap_or(r.created_at),
            content_html: feeds::absolutize(r.body_html.as_str(), &ctx.base_url),
            summary: String::new(),
            categories: Vec::new(),
        })
        .collect();
    Ok(feeds::respond(&req, format, &meta, &items))
}

/// `/topics/{id}`: a topic's permanent address (feed entry ids).
pub async fn topic_permalink(ctx: Ctx, state: web::Data<AppState>, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let t = visible_topic(&ctx, &state, path.into_inner()).await?;
    Ok(HttpResponse::MovedPermanently().insert_header(("Location", t.path())).finish())
}
