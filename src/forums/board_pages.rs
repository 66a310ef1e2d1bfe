//! The board list (`/forums`) and a board's page (discussion, questions, reviews, ideas).

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::queries::{self as q, Cursor, TopicFilter, TopicSelect};
use super::{Board, BoardGroup, TopicCard};
use crate::content::tags;
use crate::error::AppResult;
use crate::notifications::subscriptions;
use crate::policy::Guard;
use crate::web::{AppState, Ctx, Meta, PageCtx, render, urlencode};

// ---------------------------------------------------------------- the board list

pub struct BoardRow {
    pub board: Board,
    pub latest: Option<(String, String)>,
    /// Open to everyone (else a badge says it is restricted).
    pub public: bool,
}

#[derive(Template)]
#[template(path = "forums/index.html")]
struct IndexPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    sections: Vec<(Option<BoardGroup>, Vec<BoardRow>)>,
}

pub async fn index(ctx: Ctx, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let viewer = ctx.viewer();
    let (groups, boards, latest, public) = crate::db::run(&state.pool, move |conn| {
        let guard = Guard::load(conn, &viewer)?;
        let boards = q::readable_boards(conn, &guard)?;
        let latest = q::latest_topics(conn, &guard, &boards)?;
        let public: Vec<bool> = boards.iter().map(|b| guard.is_public(b.read_audience_id)).collect();
        Ok((q::groups(conn)?, boards, latest, public))
    })
    .await?;
    let mut sections: Vec<(Option<BoardGroup>, Vec<BoardRow>)> =
        groups.into_iter().map(|g| (Some(g), Vec::new())).collect();
    let mut ungrouped = Vec::new();
    for (board, public) in boards.into_iter().zip(public) {
        let row = BoardRow { latest: latest.get(&board.id).cloned(), board, public };
        match sections.iter_mut().find(|(g, _)| g.as_ref().map(|g| g.id) == row.board.group_id) {
            Some((_, rows)) => rows.push(row),
            None => ungrouped.push(row),
        }
    }
    if !ungrouped.is_empty() {
        sections.push((None, ungrouped));
    }
    sections.retain(|(_, rows)| !rows.is_empty());
    let page = render(&IndexPage {
        meta: Meta::new(ctx.t("forums-title"), "/forums").description(ctx.t("forums-intro")),
        ctx: &ctx,
        sections,
    })?;
    Ok(crate::web::cache::keep(page, [crate::content::listing::LISTS.to_string()]))
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
    /// Open to everyone (not an internal or members-only board): search engines may index it.
    public: bool,
    products: Vec<super::reviews::Product>,
    ideas: Vec<super::ideas::IdeaCard>,
    statuses: Vec<super::ideas::IdeaStatus>,
    sort: String,
    status: String,
}

/// A filter as part of a shared-data key.
fn query_filter_key(f: TopicFilter) -> &'static str {
    match f {
        TopicFilter::Unanswered => "unanswered",
        TopicFilter::Answered => "answered",
        TopicFilter::All => "",
    }
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
    let board = super::access::visible_board(&ctx, &state, path.into_inner()).await?;
    if board.is_ideas() {
        return ideas_board(&ctx, &state, board, &query).await;
    }
    let products = super::compose::board_products(&state, &board).await?;
    let filter = parse_filter(&query.filter);
    let after = Cursor::decode(&query.after);
    let tag_slug = query.tag.trim().to_string();
    let (b, viewer, ts) = (board.clone(), ctx.viewer(), tag_slug.clone());
    let cache = state.cache.clone();
    let (pinned, topics, following, response, can_start, public) = crate::db::run(&state.pool, move |conn| {
        let guard = Guard::load(conn, &viewer)?;
        // The board's lists as every reader of the same audiences sees them: kept until it changes.
        let key = format!(
            "board|{}|{}|{}|{}",
            b.id,
            query_filter_key(filter),
            after.map(|c| c.encode()).unwrap_or_default(),
            ts
        );
        let place = crate::content::listing::place_key(crate::content::PLACE_BOARD, b.id);
        let (pinned, topics, response) = cache.shared_for(conn, &guard, key, &[&place], |conn| {
            let tag_id =
                if ts.is_empty() { None } else { Some(tags::find_by_slug(conn, &ts)?.map(|t| t.id).unwrap_or(-1)) };
            let sel = TopicSelect { filter, tag: tag_id, ..TopicSelect::board(&b) };
            let boards = std::slice::from_ref(&b);
            let pinned = match after {
                None => q::select_topics(conn, &guard, boards, &TopicSelect { pinned: Some(true), ..sel.clone() }, 50)?,
                Some(_) => Vec::new(),
            };
            let topics = q::select_topics(
                conn,
                &guard,
                boards,
                &TopicSelect { pinned: Some(false), after, ..sel },
                super::TOPICS_PER_PAGE + 1,
            )?;
            let response = if b.is_questions() { Some(q::staff_response(conn, &guard, b.id)?) } else { None };
            Ok((pinned, topics, response))
        })?;
        let following = match guard.user_id() {
            Some(u) => subscriptions::is_subscribed(conn, u, subscriptions::TARGET_BOARD, b.id)?,
            None => false,
        };
        Ok((
            pinned,
            topics,
            following,
            response,
            guard.can_start_topic(&b.facts()),
            guard.is_public(b.read_audience_id),
        ))
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
    meta = meta
        .feed(board.name.clone(), &format!("{}/feed", board.path()))
        .trail(&ctx, vec![(ctx.t("forums-title"), "/forums".into()), (board.name.clone(), board.path())]);
    if after.is_some() || filter != TopicFilter::All || !tag_slug.is_empty() || !public {
        meta = meta.noindex();
    }
    let board_key = crate::content::listing::place_key(crate::content::PLACE_BOARD, board.id);
    let page = render(&BoardPage {
        can_start,
        public,
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
    })?;
    Ok(crate::web::cache::keep(page, [board_key]))
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
    let (b, status_slug, viewer) = (board.clone(), query.status.clone(), ctx.viewer());
    let (list, statuses, following, can_start, public) = crate::db::run(&state.pool, move |conn| {
        let guard = Guard::load(conn, &viewer)?;
        let statuses = ideas::statuses(conn)?;
        let status_id = statuses.iter().find(|s| s.slug == status_slug).map(|s| s.id);
        let list = ideas::list(conn, &guard, &b, sort, status_id, after, super::TOPICS_PER_PAGE + 1)?;
        let following = match guard.user_id() {
            Some(u) => subscriptions::is_subscribed(conn, u, subscriptions::TARGET_BOARD, b.id)?,
            None => false,
        };
        Ok((list, statuses, following, guard.can_start_topic(&b.facts()), guard.is_public(b.read_audience_id)))
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
    if !query.after.is_empty() || !query.status.is_empty() || !query.sort.is_empty() || !public {
        meta = meta.noindex();
    }
    let board_key = crate::content::listing::place_key(crate::content::PLACE_BOARD, board.id);
    let page = render(&BoardPage {
        can_start,
        public,
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
    })?;
    Ok(crate::web::cache::keep(page, [board_key]))
}
