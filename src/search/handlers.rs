//! `/search` (the results page with filters), `/search.atom|rss` (a saved search as a feed) and
//! `/opensearch.xml` (so browsers can add the site as a search engine).

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{NaiveDate, NaiveDateTime};

use super::docs::{PLACE_BLOG, PLACE_BOARD};
use super::results::{self, ResultView};
use super::text::{Fragment, Query};
use super::{SearchRequest, Sort, sql::COUNT_CAP};
use crate::content::feeds::{self, FeedItem, FeedMeta, Format};
use crate::error::{AppError, AppResult};
use crate::policy::Guard;
use crate::web::{AppState, Ctx, Feed, FieldErrors, Meta, PageCtx, urlencode};

pub const PER_PAGE: i64 = 20;

/// The query string, as typed: every value is kept to fill the form again.
#[derive(serde::Deserialize, Default, Clone)]
pub struct SearchParams {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub tag: String,
    #[serde(default)]
    pub author: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub sort: String,
    #[serde(default)]
    pub page: String,
}

impl SearchParams {
    /// The query string for these parameters with another page or sort.
    fn link(&self, page: i64, sort: &str) -> String {
        let mut pairs = vec![("q", self.q.as_str())];
        for (k, v) in [("kind", &self.kind), ("tag", &self.tag), ("author", &self.author), ("place", &self.place)] {
            if !v.trim().is_empty() {
                pairs.push((k, v.as_str()));
            }
        }
        for (k, v) in [("from", &self.from), ("to", &self.to)] {
            if !v.trim().is_empty() {
                pairs.push((k, v.as_str()));
            }
        }
        if !sort.is_empty() {
            pairs.push(("sort", sort));
        }
        let page = page.to_string();
        if page != "1" {
            pairs.push(("page", &page));
        }
        pairs.iter().map(|(k, v)| format!("{k}={}", urlencode(v))).collect::<Vec<_>>().join("&")
    }

    fn has_filters(&self) -> bool {
        self.active_filters() > 0
    }

    /// How many filters are set (shown on the closed filter panel).
    pub fn active_filters(&self) -> i64 {
        [&self.kind, &self.tag, &self.author, &self.place, &self.from, &self.to]
            .iter()
            .filter(|v| !v.trim().is_empty())
            .count() as i64
    }
}

/// A place the filter offers: (value, label) grouped by blogs and boards.
pub struct PlaceOption {
    pub value: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "search/index.html")]
struct SearchPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    params: SearchParams,
    kinds: &'static [&'static str],
    blogs: Vec<PlaceOption>,
    boards: Vec<PlaceOption>,
    errors: FieldErrors,
    /// Why the query itself gives nothing to look for, if it does.
    query_problem: &'static str,
    /// A filter value that names nothing (an unknown author or tag): (catalog key, value).
    unknown: Option<(&'static str, String)>,
    truncated: bool,
    fell_back: bool,
    searched: bool,
    results: Vec<ResultView>,
    total: i64,
    total_is_estimate: bool,
    page: i64,
    prev: Option<String>,
    next: Option<String>,
    sort_relevance: String,
    sort_newest: String,
    newest: bool,
}

impl SearchPage<'_> {
    pub fn kind_key(&self, kind: &str) -> &'static str {
        results::kind_key(kind)
    }

    pub fn total_text(&self) -> String {
        if self.total_is_estimate {
            self.ctx.ta("search-count-more", &[("count", self.total.min(COUNT_CAP).to_string())])
        } else {
            self.ctx.tn("search-count", self.total)
        }
    }
}

/// Fragments of highlighted text (askama escapes each piece; only <mark> is ours).
pub fn marked(fragments: &[Fragment]) -> Vec<(&str, bool)> {
    fragments.iter().map(|f| (f.text.as_str(), f.mark)).collect()
}

/// What a valid set of parameters asks for.
struct Parsed {
    request: SearchRequest,
    errors: FieldErrors,
    query_problem: &'static str,
    unknown: Option<(&'static str, String)>,
    page: i64,
}

fn parse_date(s: &str) -> Result<Option<NaiveDateTime>, ()> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    // Four-digit years only: chrono reads `+262142-12-31`, whose next day overflows.
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .filter(|d| (1..=9998).contains(&chrono::Datelike::year(d)))
        .map(|d| d.and_hms_opt(0, 0, 0))
        .ok_or(())
}

/// The UTC moment of a wall-clock time in a zone (the earlier one when clocks go back; the moment
/// clocks jump to when it falls in a gap).
fn utc_of_local(tz: chrono_tz::Tz, local: NaiveDateTime) -> NaiveDateTime {
    use chrono::TimeZone;
    match tz.from_local_datetime(&local).earliest() {
        Some(t) => t.naive_utc(),
        None => tz
            .from_local_datetime(&(local + chrono::Duration::hours(1)))
            .earliest()
            .map(|t| t.naive_utc())
            .unwrap_or(local),
    }
}

/// Check every parameter; look up the author, tag and place they name.
fn parse(conn: &mut crate::db::DbConn, p: &SearchParams, guard: &Guard, tz: chrono_tz::Tz) -> AppResult<Parsed> {
    let query = Query::parse(&p.q);
    let mut errors = FieldErrors::default();
    let query_problem = if p.q.trim().is_empty() {
        "search-empty"
    } else if query.is_empty() && !query.exclude.is_empty() {
        "search-only-exclusions"
    } else if query.is_empty() {
        "search-no-words"
    } else {
        ""
    };
    let mut req = SearchRequest::new(query, guard.audience_ids().map(<[i64]>::to_vec));
    let kind = p.kind.trim();
    if !kind.is_empty() {
        match super::docs::known_kind(kind) {
            Some(k) => req.kind = Some(k),
            None => errors.add("kind", "err-search-kind"),
        }
    }
    match p.sort.trim() {
        "" | "relevance" => {}
        "newest" => req.sort = Sort::Newest,
        _ => errors.add("sort", "err-search-sort"),
    }
    match (parse_date(&p.from), parse_date(&p.to)) {
        (Ok(from), Ok(to)) => {
            if let (Some(f), Some(t)) = (from, to) {
                if f > t {
                    errors.add("to", "err-search-date-order");
                }
            }
            // Days are the reader's: from their midnight, and "to" includes the whole day.
            req.from = from.map(|f| utc_of_local(tz, f));
            req.until = to.map(|t| utc_of_local(tz, t + chrono::Duration::days(1)));
        }
        (from, to) => {
            if from.is_err() {
                errors.add("from", "err-search-date");
            }
            if to.is_err() {
                errors.add("to", "err-search-date");
            }
        }
    }
    let place = p.place.trim();
    if !place.is_empty() {
        let parsed = place.split_once('-').and_then(|(k, id)| Some((k, id.parse::<i64>().ok()?)));
        match parsed {
            Some((PLACE_BLOG, id)) if crate::blogs::queries::find(conn, id)?.is_some() => {
                req.place = Some((PLACE_BLOG, id))
            }
            Some((PLACE_BOARD, id))
                if crate::forums::queries::board(conn, id)?.is_some_and(|b| guard.can_read_board(&b.facts())) =>
            {
                req.place = Some((PLACE_BOARD, id))
            }
            _ => errors.add("place", "err-search-place"),
        }
    }
    let mut unknown = None;
    let author = p.author.trim().trim_start_matches('@');
    if !author.is_empty() {
        match crate::accounts::queries::find_by_key(conn, &author.to_lowercase())? {
            Some(u) => req.author_id = Some(u.id),
            None => unknown = Some(("search-unknown-author", author.to_string())),
        }
    }
    let tag = p.tag.trim().trim_start_matches('#');
    if !tag.is_empty() {
        let slug = crate::content::slug::slugify(tag);
        match crate::content::tags::find_readable(conn, guard, &slug)? {
            Some(t) => req.tag_id = Some(t.id),
            None => unknown = Some(("search-unknown-tag", tag.to_string())),
        }
    }
    // Results are counted up to a cap, so pages go as far as the cap.
    let last_page = COUNT_CAP / PER_PAGE;
    let page = p.page.trim().parse::<i64>().ok().filter(|n| *n >= 1).unwrap_or(1).min(last_page);
    req.limit = PER_PAGE;
    req.offset = (page - 1) * PER_PAGE;
    Ok(Parsed { request: req, errors, query_problem, unknown, page })
}

fn place_options(conn: &mut crate::db::DbConn, guard: &Guard) -> AppResult<(Vec<PlaceOption>, Vec<PlaceOption>)> {
    let blogs = crate::blogs::queries::all_blogs(conn)?
        .into_iter()
        .map(|b| PlaceOption { value: format!("{PLACE_BLOG}-{}", b.id), label: b.title })
        .collect();
    let boards = crate::forums::queries::readable_boards(conn, guard)?
        .into_iter()
        .map(|b| PlaceOption { value: format!("{PLACE_BOARD}-{}", b.id), label: b.name })
        .collect();
    Ok((blogs, boards))
}

pub async fn page(ctx: Ctx, state: web::Data<AppState>, params: web::Query<SearchParams>) -> AppResult<HttpResponse> {
    let params = params.into_inner();
    let p = params.clone();
    let viewer = ctx.viewer();
    let tz = ctx.tz;
    let (parsed, places) = crate::db::run(&state.pool, move |conn| {
        let guard = Guard::load(conn, &viewer)?;
        let parsed = parse(conn, &p, &guard, tz)?;
        let places = place_options(conn, &guard)?;
        Ok((parsed, places))
    })
    .await?;
    let runnable = parsed.errors.is_empty() && parsed.query_problem.is_empty() && parsed.unknown.is_none();
    let (answer, results) = if runnable {
        let (answer, views) = run_search(&state, &ctx, parsed.request.clone(), true).await?;
        (Some(answer), views)
    } else {
        (None, Vec::new())
    };
    let q = params.q.trim();
    let title =
        if q.is_empty() { ctx.t("search-title") } else { ctx.ta("search-title-for", &[("query", q.to_string())]) };
    let mut meta = Meta::new(title, format!("/search?{}", params.link(1, ""))).noindex();
    if answer.is_some() {
        let feed_query = params.link(1, "newest");
        meta.feeds.push(Feed {
            title: ctx.ta("search-feed-title", &[("query", q.to_string())]),
            atom: format!("/search.atom?{feed_query}"),
            rss: format!("/search.rss?{feed_query}"),
        });
    }
    let (total, total_is_estimate, fell_back) =
        answer.as_ref().map_or((0, false, false), |a| (a.results.total, a.results.total_is_estimate, a.fell_back));
    let pages = ((total.min(COUNT_CAP) + PER_PAGE - 1) / PER_PAGE).max(1);
    if parsed.page > pages && !total_is_estimate {
        // Past the last page of results: nothing to keep (a crawler would keep an empty page).
        return Err(AppError::NotFound);
    }
    let sort = if parsed.request.sort == Sort::Newest { "newest" } else { "" };
    let status = if parsed.errors.is_empty() {
        actix_web::http::StatusCode::OK
    } else {
        actix_web::http::StatusCode::BAD_REQUEST
    };
    let page = SearchPage {
        meta,
        kinds: super::docs::kinds(),
        blogs: places.0,
        boards: places.1,
        truncated: parsed.request.query.truncated,
        fell_back,
        searched: answer.is_some(),
        total,
        total_is_estimate,
        page: parsed.page,
        prev: (parsed.page > 1).then(|| format!("/search?{}", params.link(parsed.page - 1, sort))),
        next: (parsed.page < pages).then(|| format!("/search?{}", params.link(parsed.page + 1, sort))),
        sort_relevance: format!("/search?{}", params.link(1, "")),
        sort_newest: format!("/search?{}", params.link(1, "newest")),
        newest: parsed.request.sort == Sort::Newest,
        errors: parsed.errors,
        query_problem: parsed.query_problem,
        unknown: parsed.unknown,
        results,
        params,
        ctx: &ctx,
    };
    let res = HttpResponse::build(status).content_type("text/html; charset=utf-8").body(page.render()?);
    // With the database index, what a search finds changes only with a unit of work, which
    // names the site's lists stale; Meilisearch catches up on its own time, so its answers are
    // not kept.
    if state.search.meili.is_none() {
        return Ok(crate::web::cache::keep(res, [crate::content::listing::LISTS.to_string()]));
    }
    Ok(res)
}

/// A saved search as a feed: the newest matches.
pub async fn feed(
    req: HttpRequest,
    ctx: Ctx,
    state: web::Data<AppState>,
    ext: web::Path<String>,
    params: web::Query<SearchParams>,
) -> AppResult<HttpResponse> {
    let format = Format::from_ext(&ext).ok_or(AppError::NotFound)?;
    let mut params = params.into_inner();
    params.sort = "newest".into();
    params.page = String::new();
    let p = params.clone();
    let viewer = ctx.viewer();
    let tz = ctx.tz;
    let request = crate::db::run(&state.pool, move |conn| {
        let guard = Guard::load(conn, &viewer)?;
        let parsed = parse(conn, &p, &guard, tz)?;
        if !parsed.errors.is_empty() || !parsed.query_problem.is_empty() || parsed.unknown.is_some() {
            return Err(AppError::BadRequest("error-bad-request"));
        }
        Ok(parsed.request)
    })
    .await?;
    let (_, views) = run_search(&state, &ctx, request, false).await?;
    let text = |f: &[Fragment]| f.iter().map(|x| x.text.as_str()).collect::<String>();
    let items: Vec<FeedItem> = views
        .iter()
        .map(|v| {
            let summary = text(&v.snippet);
            FeedItem {
                id: ctx.absolute(&v.url),
                url: ctx.absolute(&v.url),
                title: text(&v.title),
                author: v.author.as_ref().map(|a| a.name().to_string()).unwrap_or_default(),
                published: v.date,
                updated: v.date,
                content_html: format!("<p>{}</p>", crate::web::escape_html(&summary)),
                summary,
                categories: v.tags.iter().map(|t| t.name.clone()).collect(),
                enclosure: None,
            }
        })
        .collect();
    let query = params.link(1, "newest");
    let mut meta = FeedMeta {
        self_query: query.clone(),
        ..FeedMeta::new(
            &ctx,
            ctx.ta("search-feed-title", &[("query", params.q.trim().to_string())]),
            ctx.t("search-feed-description"),
            &format!("/search?{query}"),
            "/search",
        )
    };
    meta.description = ctx.ta("search-feed-description", &[("query", params.q.trim().to_string())]);
    Ok(feeds::respond(&req, format, &meta, &items, ctx.user.is_none()))
}

/// Run a search for the page or the feed. No database connection is held while Meilisearch is
/// asked (a slow or hung engine must not take the pool from every other page): it is asked
/// on a blocking thread of its own, then one connection loads the answer (or the database
/// index's) and checks every hit with the policy. The count is the engine's, less the hits the
/// check left out: a count must not tell a visitor that something they cannot see matched.
async fn run_search(
    state: &AppState,
    ctx: &Ctx,
    request: SearchRequest,
    highlight: bool,
) -> AppResult<(super::Answer, Vec<ResultView>)> {
    let engine = state.search.clone();
    let external = match engine.meili.is_some() {
        true => {
            let (engine, request) = (engine.clone(), request.clone());
            web::block(move || engine.ask_external(&request)).await.map_err(AppError::internal)?
        }
        false => None,
    };
    let (viewer, lang) = (ctx.viewer(), ctx.lang);
    crate::db::run(&state.pool, move |conn| {
        let guard = Guard::load(conn, &viewer)?;
        let mut answer = engine.answer(conn, &request, external)?;
        let words = if highlight { request.query.highlight_words() } else { Vec::new() };
        let views = results::load(conn, &answer.results.hits, &guard, &words, lang)?;
        answer.results.total = results::surviving_total(&answer.results, views.len(), request.offset, request.limit);
        Ok((answer, views))
    })
    .await
}

/// The OpenSearch description: browsers offer to add the site's search.
pub async fn opensearch(ctx: Ctx, state: web::Data<AppState>) -> HttpResponse {
    let esc = crate::web::escape_html;
    let name: String = state.settings.site_name.chars().take(16).collect();
    let body = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/">
  <ShortName>{short}</ShortName>
  <Description>{desc}</Description>
  <InputEncoding>UTF-8</InputEncoding>
  <Image type="image/svg+xml">{icon}</Image>
  <Url type="text/html" method="get" template="{search}?q={{searchTerms}}"/>
  <Url type="application/atom+xml" template="{base}/search.atom?q={{searchTerms}}"/>
  <Url type="application/opensearchdescription+xml" rel="self" template="{base}/opensearch.xml"/>
</OpenSearchDescription>
"#,
        short = esc(&name),
        desc = esc(&ctx.ta("search-opensearch-description", &[("site", state.settings.site_name.clone())])),
        icon = esc(&ctx.absolute(&crate::web::assets::url("favicon.svg"))),
        search = esc(&ctx.absolute("/search")),
        base = esc(ctx.absolute("").trim_end_matches('/')),
    );
    HttpResponse::Ok()
        .content_type("application/opensearchdescription+xml; charset=utf-8")
        .insert_header((actix_web::http::header::CACHE_CONTROL, "public, max-age=86400"))
        .body(body)
}
