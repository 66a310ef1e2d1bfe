//! The magazine's SQL: issues, sections, articles, writers and revisions.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{Article, Issue, KIND_ARTICLE, KIND_ISSUE, PLACE, Section, Stage};
use crate::accounts::AuthorView;
use crate::content::{self, Body, NewContent, Placement};
use crate::db::schema::{contents, magazine_articles, magazine_issues, magazine_revisions, magazine_sections};
use crate::db::schema::{magazine_writers, users};
use crate::db::{DbConn, Tx};
use crate::policy::PUBLIC_AUDIENCE;

/// The highest issue number there may be (addresses stay short).
pub const NUMBER_MAX: i32 = 99_999;

type IssueRow =
    (i64, i32, String, String, String, String, Option<i64>, String, Option<NaiveDateTime>, Option<NaiveDateTime>, bool);

fn issue_of(r: IssueRow) -> Issue {
    Issue {
        id: r.0,
        number: r.1,
        title: r.2,
        theme: r.3,
        note_md: r.4,
        note_html: r.5,
        cover_media_id: r.6,
        stage: r.7,
        publish_at: r.8,
        published_at: r.9,
        live: r.10,
    }
}

macro_rules! issue_columns {
    () => {
        (
            contents::id,
            magazine_issues::number,
            contents::title,
            magazine_issues::theme,
            contents::body_md,
            contents::body_html,
            magazine_issues::cover_media_id,
            magazine_issues::stage,
            magazine_issues::publish_at,
            contents::published_at,
            contents::live,
        )
    };
}

pub fn issue_by_number(conn: &mut DbConn, number: i32) -> QueryResult<Option<Issue>> {
    let row: Option<IssueRow> = magazine_issues::table
        .inner_join(contents::table)
        .filter(magazine_issues::number.eq(number))
        .filter(contents::deleted_at.is_null())
        .select(issue_columns!())
        .first(conn)
        .optional()?;
    Ok(row.map(issue_of))
}

pub fn issue_by_id(conn: &mut DbConn, id: i64) -> QueryResult<Option<Issue>> {
    let row: Option<IssueRow> = magazine_issues::table
        .inner_join(contents::table)
        .filter(magazine_issues::content_id.eq(id))
        .filter(contents::deleted_at.is_null())
        .select(issue_columns!())
        .first(conn)
        .optional()?;
    Ok(row.map(issue_of))
}

/// Published issues, newest number first.
pub fn published_issues(conn: &mut DbConn, limit: i64) -> QueryResult<Vec<Issue>> {
    let rows: Vec<IssueRow> = magazine_issues::table
        .inner_join(contents::table)
        .filter(contents::live.eq(true))
        .order(magazine_issues::number.desc())
        .limit(limit)
        .select(issue_columns!())
        .load(conn)?;
    Ok(rows.into_iter().map(issue_of).collect())
}

/// Issues not yet out: every one for an editor (`user_id` None), else those the person writes in.
pub fn unpublished_issues(conn: &mut DbConn, writer: Option<i64>) -> QueryResult<Vec<Issue>> {
    let mut q = magazine_issues::table
        .inner_join(contents::table)
        .filter(contents::live.eq(false))
        .filter(contents::deleted_at.is_null())
        .order(magazine_issues::number.desc())
        .select(issue_columns!())
        .into_boxed();
    if let Some(user_id) = writer {
        let mine = magazine_writers::table
            .inner_join(magazine_articles::table.on(magazine_articles::content_id.eq(magazine_writers::article_id)))
            .filter(magazine_writers::user_id.eq(user_id))
            .select(magazine_articles::issue_id);
        q = q.filter(magazine_issues::content_id.eq_any(mine));
    }
    let rows: Vec<IssueRow> = q.limit(200).load(conn)?;
    Ok(rows.into_iter().map(issue_of).collect())
}

/// The magazine's addresses for the sitemap: the index, published issues and their articles
/// (what is live is public), newest issue first, at most `limit`.
pub fn sitemap_entries(conn: &mut DbConn, limit: i64) -> QueryResult<Vec<(String, NaiveDateTime)>> {
    let issues = published_issues(conn, limit)?;
    let mut out: Vec<(String, NaiveDateTime)> = Vec::new();
    if let Some(newest) = issues.first().and_then(|i| i.published_at) {
        out.push(("/magazine".to_string(), newest));
    }
    let ids: Vec<i64> = issues.iter().map(|i| i.id).collect();
    let articles: Vec<(i64, i32, String, NaiveDateTime)> = magazine_articles::table
        .inner_join(contents::table)
        .inner_join(magazine_issues::table)
        .filter(magazine_articles::issue_id.eq_any(&ids))
        .filter(contents::live.eq(true))
        .order((magazine_issues::number.desc(), magazine_articles::position))
        .limit(limit)
        .select((magazine_articles::issue_id, magazine_issues::number, magazine_articles::slug, contents::updated_at))
        .load(conn)?;
    for issue in &issues {
        out.push((issue.path(), issue.published_at.unwrap_or_else(crate::now)));
        for (_, n, slug, at) in articles.iter().filter(|a| a.0 == issue.id) {
            out.push((super::article_path(*n, slug), *at));
        }
    }
    out.truncate(limit.max(0) as usize);
    Ok(out)
}

pub fn next_number(conn: &mut DbConn) -> QueryResult<i32> {
    let max: Option<i32> = magazine_issues::table.select(diesel::dsl::max(magazine_issues::number)).first(conn)?;
    Ok((max.unwrap_or(0) + 1).min(NUMBER_MAX))
}

pub fn sections(conn: &mut DbConn, issue_id: i64) -> QueryResult<Vec<Section>> {
    Ok(sections_of(conn, &[issue_id])?.remove(&issue_id).unwrap_or_default())
}

/// The sections of several issues in one query, by issue, each in order.
pub fn sections_of(conn: &mut DbConn, issue_ids: &[i64]) -> QueryResult<HashMap<i64, Vec<Section>>> {
    let rows: Vec<(i64, i64, String, i32)> = magazine_sections::table
        .filter(magazine_sections::issue_id.eq_any(issue_ids))
        .order((magazine_sections::issue_id, magazine_sections::position, magazine_sections::id))
        .select((
            magazine_sections::issue_id,
            magazine_sections::id,
            magazine_sections::title,
            magazine_sections::position,
        ))
        .load(conn)?;
    let mut out: HashMap<i64, Vec<Section>> = HashMap::new();
    for (issue_id, id, title, position) in rows {
        out.entry(issue_id).or_default().push(Section { id, title, position });
    }
    Ok(out)
}

type ArticleRow = (
    i64,
    i64,
    i32,
    Option<i64>,
    i32,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<i64>,
    NaiveDateTime,
    bool,
    i32,
    bool,
);

fn article_of(r: ArticleRow) -> Article {
    Article {
        id: r.0,
        issue_id: r.1,
        issue_number: r.2,
        section_id: r.3,
        position: r.4,
        slug: r.5,
        mode: r.6,
        title: r.7,
        excerpt: r.8,
        body_md: r.9,
        body_html: r.10,
        approved_revision_id: r.11,
        updated_at: r.12,
        live: r.13,
        comment_count: r.14,
        comments_open: r.15,
    }
}

macro_rules! article_query {
    () => {
        magazine_articles::table
            .inner_join(contents::table)
            .inner_join(magazine_issues::table)
            .filter(contents::deleted_at.is_null())
            .select((
                magazine_articles::content_id,
                magazine_articles::issue_id,
                magazine_issues::number,
                magazine_articles::section_id,
                magazine_articles::position,
                magazine_articles::slug,
                magazine_articles::mode,
                contents::title,
                contents::excerpt,
                contents::body_md,
                contents::body_html,
                magazine_articles::approved_revision_id,
                contents::updated_at,
                contents::live,
                contents::comment_count,
                contents::comments_open,
            ))
    };
}

/// An issue's articles in reading order (the table of contents groups them by section).
pub fn articles_of(conn: &mut DbConn, issue_id: i64) -> QueryResult<Vec<Article>> {
    Ok(articles_of_issues(conn, &[issue_id])?.remove(&issue_id).unwrap_or_default())
}

/// The articles of several issues in one query, by issue, each in reading order.
pub fn articles_of_issues(conn: &mut DbConn, issue_ids: &[i64]) -> QueryResult<HashMap<i64, Vec<Article>>> {
    let rows: Vec<ArticleRow> = article_query!()
        .filter(magazine_articles::issue_id.eq_any(issue_ids))
        .order((magazine_articles::issue_id, magazine_articles::position, magazine_articles::content_id))
        .load(conn)?;
    let mut out: HashMap<i64, Vec<Article>> = HashMap::new();
    for article in rows.into_iter().map(article_of) {
        out.entry(article.issue_id).or_default().push(article);
    }
    Ok(out)
}

/// Articles by id, in that order (those still there).
pub fn articles_by_ids(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<Article>> {
    let rows: Vec<ArticleRow> = article_query!().filter(magazine_articles::content_id.eq_any(ids)).load(conn)?;
    let mut found: HashMap<i64, Article> = rows.into_iter().map(|r| (r.0, article_of(r))).collect();
    Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
}

pub fn article_by_slug(conn: &mut DbConn, issue_id: i64, slug: &str) -> QueryResult<Option<Article>> {
    let row: Option<ArticleRow> = article_query!()
        .filter(magazine_articles::issue_id.eq(issue_id))
        .filter(magazine_articles::slug.eq(slug))
        .first(conn)
        .optional()?;
    Ok(row.map(article_of))
}

pub fn article_by_id(conn: &mut DbConn, id: i64) -> QueryResult<Option<Article>> {
    let row: Option<ArticleRow> =
        article_query!().filter(magazine_articles::content_id.eq(id)).first(conn).optional()?;
    Ok(row.map(article_of))
}

/// Site paths of articles (their issue's number and their slug).
pub fn paths(conn: &mut DbConn, ids: &[i64]) -> QueryResult<HashMap<i64, String>> {
    let rows: Vec<(i64, i32, String)> = magazine_articles::table
        .inner_join(magazine_issues::table)
        .filter(magazine_articles::content_id.eq_any(ids))
        .select((magazine_articles::content_id, magazine_issues::number, magazine_articles::slug))
        .load(conn)?;
    Ok(rows.into_iter().map(|(id, n, slug)| (id, super::article_path(n, &slug))).collect())
}

pub fn issue_paths(conn: &mut DbConn, ids: &[i64]) -> QueryResult<HashMap<i64, String>> {
    let rows: Vec<(i64, i32)> = magazine_issues::table
        .filter(magazine_issues::content_id.eq_any(ids))
        .select((magazine_issues::content_id, magazine_issues::number))
        .load(conn)?;
    Ok(rows.into_iter().map(|(id, n)| (id, super::issue_path(n))).collect())
}

/// Does this person write one of the issue's articles?
pub fn writes_in_issue(conn: &mut DbConn, user_id: Option<i64>, issue_id: i64) -> QueryResult<bool> {
    let Some(user_id) = user_id else { return Ok(false) };
    let n: i64 = magazine_writers::table
        .inner_join(magazine_articles::table.on(magazine_articles::content_id.eq(magazine_writers::article_id)))
        .filter(magazine_writers::user_id.eq(user_id))
        .filter(magazine_articles::issue_id.eq(issue_id))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// The ids of the members (not suspended) with these username keys, for naming writers.
pub fn members_named(conn: &mut DbConn, keys: &[String]) -> QueryResult<Vec<i64>> {
    users::table
        .filter(users::username_key.eq_any(keys))
        .filter(users::suspended_at.is_null())
        .select(users::id)
        .load(conn)
}

/// What readers did with an article, for its editors.
#[derive(Clone, Copy, Debug, Default)]
pub struct ArticleStats {
    pub views: i64,
    /// Views that reached the end of the article.
    pub finished: i64,
    /// Edits waiting for review.
    pub pending: i64,
}

impl ArticleStats {
    /// The share of views that reached the end, in percent ("—" before any view).
    pub fn read_through(&self) -> String {
        if self.views == 0 { "—".into() } else { format!("{}%", (self.finished * 100 / self.views).min(100)) }
    }
}

/// Reads and waiting edits of an issue's articles, by article.
pub fn issue_stats(conn: &mut DbConn, issue_id: i64) -> QueryResult<HashMap<i64, ArticleStats>> {
    use crate::db::schema::magazine_article_reads as reads;
    let rows: Vec<(i64, i32, i32)> = reads::table
        .inner_join(magazine_articles::table.on(magazine_articles::content_id.eq(reads::article_id)))
        .filter(magazine_articles::issue_id.eq(issue_id))
        .select((reads::article_id, reads::views, reads::finished))
        .load(conn)?;
    let mut out: HashMap<i64, ArticleStats> = HashMap::new();
    for (id, views, finished) in rows {
        let s = out.entry(id).or_default();
        s.views += i64::from(views);
        s.finished += i64::from(finished);
    }
    let waiting: Vec<i64> = magazine_revisions::table
        .inner_join(magazine_articles::table.on(magazine_articles::content_id.eq(magazine_revisions::article_id)))
        .filter(magazine_articles::issue_id.eq(issue_id))
        .filter(magazine_revisions::state.eq(STATE_PENDING))
        .select(magazine_revisions::article_id)
        .load(conn)?;
    for id in waiting {
        out.entry(id).or_default().pending += 1;
    }
    Ok(out)
}

/// Reads and waiting edits of one article.
pub fn article_stats(conn: &mut DbConn, article_id: i64) -> QueryResult<ArticleStats> {
    use crate::db::schema::magazine_article_reads as reads;
    let rows: Vec<(i32, i32)> =
        reads::table.filter(reads::article_id.eq(article_id)).select((reads::views, reads::finished)).load(conn)?;
    let pending: i64 = magazine_revisions::table
        .filter(magazine_revisions::article_id.eq(article_id))
        .filter(magazine_revisions::state.eq(STATE_PENDING))
        .count()
        .get_result(conn)?;
    Ok(ArticleStats {
        views: rows.iter().map(|r| i64::from(r.0)).sum(),
        finished: rows.iter().map(|r| i64::from(r.1)).sum(),
        pending,
    })
}

/// The writers of an article (user ids).
pub fn writer_ids(conn: &mut DbConn, article_id: i64) -> QueryResult<Vec<i64>> {
    magazine_writers::table
        .filter(magazine_writers::article_id.eq(article_id))
        .select(magazine_writers::user_id)
        .load(conn)
}

pub fn is_writer(conn: &mut DbConn, user_id: Option<i64>, article_id: i64) -> QueryResult<bool> {
    let Some(user_id) = user_id else { return Ok(false) };
    let n: i64 = magazine_writers::table
        .filter(magazine_writers::user_id.eq(user_id))
        .filter(magazine_writers::article_id.eq(article_id))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// The writers of these articles, as bylines show them (staff with their badge).
pub fn writers_of(conn: &mut DbConn, article_ids: &[i64]) -> QueryResult<HashMap<i64, Vec<AuthorView>>> {
    let rows: Vec<(i64, String, String, String)> = magazine_writers::table
        .inner_join(users::table)
        .filter(magazine_writers::article_id.eq_any(article_ids))
        .order(users::username_key)
        .select((magazine_writers::article_id, users::username, users::display_name, users::roles))
        .load(conn)?;
    let mut out: HashMap<i64, Vec<AuthorView>> = HashMap::new();
    for (id, username, display_name, roles) in rows {
        out.entry(id).or_default().push(AuthorView::from_row(username, display_name, &roles));
    }
    Ok(out)
}

/// One save of an article, as its history lists it.
#[derive(Clone, Debug)]
pub struct Revision {
    pub id: i64,
    pub base_id: Option<i64>,
    pub author_id: i64,
    pub author: String,
    pub summary: String,
    /// An editor's note on a rejected edit.
    pub review_note: String,
    pub size_delta: i32,
    pub chars: i32,
    pub state: String,
    pub created_at: NaiveDateTime,
}

/// An article's revisions, newest first (older than `before`, a revision id), with what the
/// history needs.
pub fn history(conn: &mut DbConn, article_id: i64, before: Option<i64>, limit: i64) -> QueryResult<Vec<Revision>> {
    type Row = (i64, Option<i64>, i64, String, String, i32, String, String, NaiveDateTime, String);
    let rows: Vec<Row> = magazine_revisions::table
        .inner_join(users::table)
        .filter(magazine_revisions::article_id.eq(article_id))
        .filter(magazine_revisions::id.lt(before.unwrap_or(i64::MAX)))
        .order(magazine_revisions::id.desc())
        .limit(limit)
        .select((
            magazine_revisions::id,
            magazine_revisions::base_id,
            magazine_revisions::author_id,
            users::username,
            magazine_revisions::summary,
            magazine_revisions::size_delta,
            magazine_revisions::body_md,
            magazine_revisions::state,
            magazine_revisions::created_at,
            magazine_revisions::review_note,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, base_id, author_id, author, summary, size_delta, body, state, created_at, review_note)| Revision {
            id,
            base_id,
            author_id,
            author,
            summary,
            review_note,
            size_delta,
            chars: body.chars().count() as i32,
            state,
            created_at,
        })
        .collect())
}

// ---------------------------------------------------------------- writing

pub const STATE_APPROVED: &str = "approved";
pub const STATE_PENDING: &str = "pending";

/// What an editor typed for an issue.
pub struct IssueInput {
    pub number: i32,
    pub title: String,
    pub theme: String,
    pub note: Body,
    pub cover_media_id: Option<i64>,
}

/// Create a draft issue. `Err(None)`: the number is taken.
pub fn create_issue(tx: &mut Tx<'_>, author_id: i64, input: &IssueInput) -> QueryResult<Option<i64>> {
    let taken: i64 =
        magazine_issues::table.filter(magazine_issues::number.eq(input.number)).count().get_result(tx.conn())?;
    if taken > 0 {
        return Ok(None);
    }
    let id = content::insert(
        tx,
        &NewContent {
            kind: KIND_ISSUE,
            author_id,
            title: &input.title,
            body_md: input.note.md(),
            body_html: input.note.html(),
            excerpt: input.note.excerpt(),
            publish: false,
            comments_open: false,
            placement: Placement {
                parent_id: None,
                place_kind: PLACE,
                place_id: None,
                audience_id: PUBLIC_AUDIENCE,
                parent_live: true,
            },
            at: None,
            media: input.note.media(),
        },
    )?;
    diesel::insert_into(magazine_issues::table)
        .values((
            magazine_issues::content_id.eq(id),
            magazine_issues::number.eq(input.number),
            magazine_issues::theme.eq(&input.theme),
            magazine_issues::cover_media_id.eq(input.cover_media_id),
            magazine_issues::stage.eq(Stage::Draft.as_str()),
        ))
        .execute(tx.conn())?;
    diesel::update(contents::table.find(id)).set(contents::place_id.eq(Some(id))).execute(tx.conn())?;
    Ok(Some(id))
}

/// Save an issue's title, theme, note and cover (its number stays: it is in every address).
pub fn update_issue(tx: &mut Tx<'_>, id: i64, input: &IssueInput) -> QueryResult<()> {
    content::save_edit(tx, id, &input.title, &input.note)?;
    diesel::update(magazine_issues::table.find(id))
        .set((magazine_issues::theme.eq(&input.theme), magazine_issues::cover_media_id.eq(input.cover_media_id)))
        .execute(tx.conn())?;
    Ok(())
}

/// Move an issue to a stage. Published puts it and every article in it live at once (and
/// anything under them); leaving Published takes them all down together.
pub fn set_stage(tx: &mut Tx<'_>, issue: &Issue, stage: Stage, publish_at: Option<NaiveDateTime>) -> QueryResult<()> {
    diesel::update(magazine_issues::table.find(issue.id))
        .set((
            magazine_issues::stage.eq(stage.as_str()),
            magazine_issues::publish_at.eq(if stage == Stage::Scheduled { publish_at } else { None }),
        ))
        .execute(tx.conn())?;
    let publish = stage == Stage::Published;
    content::set_published(tx, issue.id, publish, issue.published_at)?;
    let articles: Vec<i64> = magazine_articles::table
        .filter(magazine_articles::issue_id.eq(issue.id))
        .select(magazine_articles::content_id)
        .load(tx.conn())?;
    // The articles were refreshed with the issue; what is under them follows them.
    content::refresh_live(tx, &articles)?;
    tx.touch(issue.id);
    Ok(())
}

/// Publish the scheduled issues whose time has come, each in its own unit of work; how many.
/// (The worker asks every few seconds: a read, and a write only when one is due.)
pub fn publish_due(conn: &mut DbConn) -> QueryResult<usize> {
    let due: Vec<i64> = magazine_issues::table
        .filter(magazine_issues::stage.eq(Stage::Scheduled.as_str()))
        .filter(magazine_issues::publish_at.le(crate::now()))
        .select(magazine_issues::content_id)
        .load(conn)?;
    let mut n = 0;
    for id in due {
        n += crate::db::write(conn, |tx| -> QueryResult<usize> {
            content::lock(tx, id)?;
            // Still scheduled and due now that it is held (an editor may have moved it).
            match issue_by_id(tx.conn(), id)? {
                Some(issue)
                    if issue.stage() == Stage::Scheduled && issue.publish_at.is_some_and(|at| at <= crate::now()) =>
                {
                    set_stage(tx, &issue, Stage::Published, None)?;
                    Ok(1)
                }
                _ => {
                    tx.quiet();
                    Ok(0)
                }
            }
        })?;
    }
    Ok(n)
}

/// What an editor did to a section.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SectionChange<'a> {
    Rename(&'a str),
    Up,
    Down,
    /// Its articles stay in the issue, outside any section.
    Delete,
}

/// Change one of an issue's sections; false when it is not one of them (any more).
pub fn change_section(tx: &mut Tx<'_>, issue_id: i64, id: i64, change: SectionChange<'_>) -> QueryResult<bool> {
    let mut all = sections(tx.conn(), issue_id)?;
    let Some(at) = all.iter().position(|s| s.id == id) else { return Ok(false) };
    match change {
        SectionChange::Rename(title) => {
            diesel::update(magazine_sections::table.find(id))
                .set(magazine_sections::title.eq(title))
                .execute(tx.conn())?;
        }
        SectionChange::Up | SectionChange::Down => {
            let other = if change == SectionChange::Up { at.checked_sub(1) } else { Some(at + 1) };
            if let Some(other) = other.filter(|o| *o < all.len()) {
                all.swap(at, other);
            }
            // Positions are renumbered in order, so two sections never share one.
            for (i, s) in all.iter().enumerate() {
                diesel::update(magazine_sections::table.find(s.id))
                    .set(magazine_sections::position.eq(i as i32 + 1))
                    .execute(tx.conn())?;
            }
        }
        SectionChange::Delete => {
            diesel::update(magazine_articles::table.filter(magazine_articles::section_id.eq(id)))
                .set(magazine_articles::section_id.eq(None::<i64>))
                .execute(tx.conn())?;
            diesel::delete(magazine_sections::table.find(id)).execute(tx.conn())?;
        }
    }
    tx.touch(issue_id);
    Ok(true)
}

pub fn add_section(tx: &mut Tx<'_>, issue_id: i64, title: &str) -> QueryResult<()> {
    let last: Option<i32> = magazine_sections::table
        .filter(magazine_sections::issue_id.eq(issue_id))
        .select(diesel::dsl::max(magazine_sections::position))
        .first(tx.conn())?;
    diesel::insert_into(magazine_sections::table)
        .values((
            magazine_sections::issue_id.eq(issue_id),
            magazine_sections::title.eq(title),
            magazine_sections::position.eq(last.map_or(1, |p| p + 1)),
        ))
        .execute(tx.conn())?;
    tx.touch(issue_id);
    Ok(())
}

/// What an editor typed for an article's place and mode.
#[derive(Clone, Debug)]
pub struct ArticleSettings {
    pub section_id: Option<i64>,
    /// None: after the issue's other articles (a new one), or where it is (an edit).
    pub position: Option<i32>,
    pub mode: super::Mode,
    /// Writers' user ids.
    pub writers: Vec<i64>,
    /// The site's tags, shared with posts and topics.
    pub tags: Vec<crate::content::tags::TagName>,
}

/// A slug free in the issue: the title's, or with `-2`, `-3`… after it.
fn free_slug(conn: &mut DbConn, issue_id: i64, base: &str) -> QueryResult<String> {
    let base = if base.is_empty() || super::RESERVED_SLUGS.contains(&base) {
        format!("{base}-article")
    } else {
        base.to_string()
    };
    let base = base.trim_start_matches('-').to_string();
    let mut slug = base.clone();
    let mut n = 1;
    loop {
        let taken: i64 = magazine_articles::table
            .filter(magazine_articles::issue_id.eq(issue_id))
            .filter(magazine_articles::slug.eq(&slug))
            .count()
            .get_result(conn)?;
        if taken == 0 {
            return Ok(slug);
        }
        n += 1;
        slug = format!("{base}-{n}");
    }
}

/// Create an article in an issue, its first revision approved; its id.
pub fn create_article(
    tx: &mut Tx<'_>,
    issue: &Issue,
    author_id: i64,
    title: &str,
    body: &Body,
    settings: &ArticleSettings,
) -> QueryResult<i64> {
    let slug = free_slug(tx.conn(), issue.id, &content::slug::slugify(title))?;
    let id = content::insert(
        tx,
        &NewContent {
            kind: KIND_ARTICLE,
            author_id,
            title,
            body_md: body.md(),
            body_html: body.html(),
            excerpt: body.excerpt(),
            publish: true,
            comments_open: true,
            placement: Placement {
                parent_id: Some(issue.id),
                place_kind: PLACE,
                place_id: Some(issue.id),
                audience_id: PUBLIC_AUDIENCE,
                parent_live: issue.live,
            },
            at: None,
            media: body.media(),
        },
    )?;
    let last: Option<i32> = magazine_articles::table
        .filter(magazine_articles::issue_id.eq(issue.id))
        .select(diesel::dsl::max(magazine_articles::position))
        .first(tx.conn())?;
    diesel::insert_into(magazine_articles::table)
        .values((
            magazine_articles::content_id.eq(id),
            magazine_articles::issue_id.eq(issue.id),
            magazine_articles::slug.eq(&slug),
            magazine_articles::position.eq(last.map_or(1, |p| p + 1)),
        ))
        .execute(tx.conn())?;
    set_article_settings(tx, id, settings)?;
    let rev = insert_revision(
        tx,
        id,
        author_id,
        None,
        title,
        body.md(),
        "",
        body.md().chars().count() as i32,
        STATE_APPROVED,
    )?;
    diesel::update(magazine_articles::table.find(id))
        .set(magazine_articles::approved_revision_id.eq(Some(rev)))
        .execute(tx.conn())?;
    Ok(id)
}

pub fn set_article_settings(tx: &mut Tx<'_>, id: i64, s: &ArticleSettings) -> QueryResult<()> {
    diesel::update(magazine_articles::table.find(id))
        .set((magazine_articles::section_id.eq(s.section_id), magazine_articles::mode.eq(s.mode.as_str())))
        .execute(tx.conn())?;
    if let Some(position) = s.position {
        diesel::update(magazine_articles::table.find(id))
            .set(magazine_articles::position.eq(position))
            .execute(tx.conn())?;
    }
    diesel::delete(magazine_writers::table.filter(magazine_writers::article_id.eq(id))).execute(tx.conn())?;
    for user_id in &s.writers {
        diesel::insert_into(magazine_writers::table)
            .values((magazine_writers::article_id.eq(id), magazine_writers::user_id.eq(user_id)))
            .execute(tx.conn())?;
    }
    crate::content::tags::set_for(tx, id, &s.tags)?;
    tx.touch(id);
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn insert_revision(
    tx: &mut Tx<'_>,
    article_id: i64,
    author_id: i64,
    base_id: Option<i64>,
    title: &str,
    body_md: &str,
    summary: &str,
    size_delta: i32,
    state: &str,
) -> QueryResult<i64> {
    diesel::insert_into(magazine_revisions::table)
        .values((
            magazine_revisions::article_id.eq(article_id),
            magazine_revisions::author_id.eq(author_id),
            magazine_revisions::base_id.eq(base_id),
            magazine_revisions::title.eq(title),
            magazine_revisions::body_md.eq(body_md),
            magazine_revisions::summary.eq(summary),
            magazine_revisions::size_delta.eq(size_delta),
            magazine_revisions::state.eq(state),
            magazine_revisions::created_at.eq(crate::now()),
        ))
        .returning(magazine_revisions::id)
        .get_result(tx.conn())
}

/// A save of an article as its writer sent it.
#[derive(Clone, Copy)]
pub struct Edit<'a> {
    pub author_id: i64,
    /// The approved revision the writer started from.
    pub base_id: Option<i64>,
    pub title: &'a str,
    pub body: &'a Body,
    pub summary: &'a str,
    /// Readers see it at once (else it waits for review).
    pub approved: bool,
}

/// How a save of an article went.
#[derive(Debug, PartialEq, Eq)]
pub enum Saved {
    /// Readers now see it.
    Approved(i64),
    /// Kept for an editor's review; readers still see the approved text.
    Pending(i64),
    /// Someone saved since the writer opened the editor (`base`): nothing was saved.
    Conflict,
    /// The text is the same as the one it would replace.
    Unchanged,
}

/// Save a revision of an article the writer started from `base_id` (the approved revision they
/// opened). The article row must be locked by the caller (`content::lock`).
pub fn save_revision(tx: &mut Tx<'_>, article: &Article, edit: &Edit<'_>) -> QueryResult<Saved> {
    let Edit { author_id, base_id, title, body, summary, approved } = *edit;
    if base_id != article.approved_revision_id {
        return Ok(Saved::Conflict);
    }
    if title == article.title && body.md().trim_end() == article.body_md.trim_end() {
        return Ok(Saved::Unchanged);
    }
    let delta = body.md().chars().count() as i32 - article.body_md.chars().count() as i32;
    let state = if approved { STATE_APPROVED } else { STATE_PENDING };
    let rev = insert_revision(tx, article.id, author_id, base_id, title, body.md(), summary, delta, state)?;
    if !approved {
        tx.quiet();
        return Ok(Saved::Pending(rev));
    }
    content::save_edit(tx, article.id, title, body)?;
    diesel::update(magazine_articles::table.find(article.id))
        .set(magazine_articles::approved_revision_id.eq(Some(rev)))
        .execute(tx.conn())?;
    Ok(Saved::Approved(rev))
}

/// Who saved approved revisions of an article after revision `base`, each once, in order.
pub fn authors_since(conn: &mut DbConn, article_id: i64, base: Option<i64>) -> QueryResult<Vec<String>> {
    let mut query = magazine_revisions::table
        .inner_join(users::table)
        .filter(magazine_revisions::article_id.eq(article_id))
        .filter(magazine_revisions::state.eq(STATE_APPROVED))
        .into_boxed();
    if let Some(b) = base {
        query = query.filter(magazine_revisions::id.gt(b));
    }
    let mut names: Vec<String> = query.order(magazine_revisions::id).select(users::username).load(conn)?;
    let mut seen = std::collections::HashSet::new();
    names.retain(|n| seen.insert(n.clone()));
    Ok(names)
}

/// How many of this person's revisions editors accepted (or were accepted as saved).
pub fn approved_count(conn: &mut DbConn, user_id: i64) -> QueryResult<i64> {
    magazine_revisions::table
        .filter(magazine_revisions::author_id.eq(user_id))
        .filter(magazine_revisions::state.eq_any([STATE_APPROVED, STATE_EDITED]))
        .count()
        .get_result(conn)
}

pub const STATE_REJECTED: &str = "rejected";
/// A pending edit an editor accepted with changes: the editor's revision carries what readers
/// see; this one stays visible to its author and editors only (it never went live as it is).
pub const STATE_EDITED: &str = "edited";

/// One revision with its text (pending ones wait for an editor).
#[derive(Clone, Debug)]
pub struct RevisionText {
    pub id: i64,
    pub article_id: i64,
    pub author_id: i64,
    pub author: String,
    pub base_id: Option<i64>,
    pub title: String,
    pub body_md: String,
    pub summary: String,
    pub size_delta: i32,
    pub state: String,
    pub review_note: String,
    pub created_at: NaiveDateTime,
}

impl RevisionText {
    pub fn approved(&self) -> bool {
        self.state == STATE_APPROVED
    }

    pub fn state_key(&self) -> &'static str {
        state_key(&self.state)
    }

    pub fn facts(&self) -> crate::policy::RevisionFacts {
        crate::policy::RevisionFacts { approved: self.approved(), author_id: self.author_id }
    }
}

/// The catalog key naming a revision's state.
pub fn state_key(state: &str) -> &'static str {
    match state {
        STATE_PENDING => "magazine-state-pending",
        STATE_REJECTED => "magazine-state-rejected",
        STATE_EDITED => "magazine-state-edited",
        _ => "magazine-state-approved",
    }
}

type RevisionRow = (i64, i64, i64, String, Option<i64>, String, String, String, i32, String, String, NaiveDateTime);

fn revision_of(r: RevisionRow) -> RevisionText {
    RevisionText {
        id: r.0,
        article_id: r.1,
        author_id: r.2,
        author: r.3,
        base_id: r.4,
        title: r.5,
        body_md: r.6,
        summary: r.7,
        size_delta: r.8,
        state: r.9,
        review_note: r.10,
        created_at: r.11,
    }
}

macro_rules! revision_query {
    () => {
        magazine_revisions::table.inner_join(users::table).select((
            magazine_revisions::id,
            magazine_revisions::article_id,
            magazine_revisions::author_id,
            users::username,
            magazine_revisions::base_id,
            magazine_revisions::title,
            magazine_revisions::body_md,
            magazine_revisions::summary,
            magazine_revisions::size_delta,
            magazine_revisions::state,
            magazine_revisions::review_note,
            magazine_revisions::created_at,
        ))
    };
}

/// A revision by its number, whatever its state.
pub fn revision(conn: &mut DbConn, id: i64) -> QueryResult<Option<RevisionText>> {
    let row: Option<RevisionRow> = revision_query!().filter(magazine_revisions::id.eq(id)).first(conn).optional()?;
    Ok(row.map(revision_of))
}

/// This member's latest edit of an article still waiting for review.
pub fn pending_of(conn: &mut DbConn, article_id: i64, user_id: i64) -> QueryResult<Option<i64>> {
    magazine_revisions::table
        .filter(magazine_revisions::article_id.eq(article_id))
        .filter(magazine_revisions::author_id.eq(user_id))
        .filter(magazine_revisions::state.eq(STATE_PENDING))
        .order(magazine_revisions::id.desc())
        .select(magazine_revisions::id)
        .first(conn)
        .optional()
}

/// The edits waiting for review, oldest first.
pub fn pending_edits(conn: &mut DbConn, limit: i64) -> QueryResult<Vec<RevisionText>> {
    let rows: Vec<RevisionRow> = revision_query!()
        .filter(magazine_revisions::state.eq(STATE_PENDING))
        .order(magazine_revisions::id)
        .limit(limit)
        .load(conn)?;
    Ok(rows.into_iter().map(revision_of).collect())
}

pub fn pending_edit(conn: &mut DbConn, id: i64) -> QueryResult<Option<RevisionText>> {
    Ok(revision(conn, id)?.filter(|r| r.state == STATE_PENDING))
}

/// How a review went.
#[derive(Debug, PartialEq, Eq)]
pub enum Reviewed {
    Done,
    /// Someone reviewed it first.
    Gone,
    /// The article changed since the edit was made from it: accepting would undo that change.
    Stale,
}

/// Accept a pending edit (its text rendered beforehand as `body`): readers see it now. The
/// article row must be locked by the caller.
pub fn accept(tx: &mut Tx<'_>, article: &Article, rev_id: i64, reviewer_id: i64, body: &Body) -> QueryResult<Reviewed> {
    let Some(edit) = pending_edit(tx.conn(), rev_id)? else { return Ok(Reviewed::Gone) };
    if edit.base_id != article.approved_revision_id {
        return Ok(Reviewed::Stale);
    }
    let done =
        diesel::update(magazine_revisions::table.find(rev_id).filter(magazine_revisions::state.eq(STATE_PENDING)))
            .set((
                magazine_revisions::state.eq(STATE_APPROVED),
                magazine_revisions::reviewer_id.eq(Some(reviewer_id)),
                magazine_revisions::reviewed_at.eq(Some(crate::now())),
            ))
            .execute(tx.conn())?;
    if done == 0 {
        return Ok(Reviewed::Gone);
    }
    content::save_edit(tx, article.id, &edit.title, body)?;
    diesel::update(magazine_articles::table.find(article.id))
        .set(magazine_articles::approved_revision_id.eq(Some(rev_id)))
        .execute(tx.conn())?;
    Ok(Reviewed::Done)
}

/// Mark a pending edit accepted as an editor changed it (the editor's revision carries the text
/// readers see; this one stays out of their sight). False when someone reviewed it first.
pub fn accept_as_edited(tx: &mut Tx<'_>, rev_id: i64, reviewer_id: i64, article_id: i64) -> QueryResult<bool> {
    let done = diesel::update(
        magazine_revisions::table
            .find(rev_id)
            .filter(magazine_revisions::article_id.eq(article_id))
            .filter(magazine_revisions::state.eq(STATE_PENDING)),
    )
    .set((
        magazine_revisions::state.eq(STATE_EDITED),
        magazine_revisions::reviewer_id.eq(Some(reviewer_id)),
        magazine_revisions::reviewed_at.eq(Some(crate::now())),
    ))
    .execute(tx.conn())?;
    Ok(done == 1)
}

/// Tell a pending edit's author how its review went (`note`: the editor's, for a rejection).
pub fn tell_author(
    tx: &mut Tx<'_>,
    edit: &RevisionText,
    reviewer_id: i64,
    accepted: bool,
    note: &str,
) -> QueryResult<()> {
    use crate::notifications as n;
    let kind = if accepted { n::KIND_EDIT_ACCEPTED } else { n::KIND_EDIT_REJECTED };
    let detail = n::detail(&[&edit.title], note);
    n::notify_with(tx, edit.author_id, kind, Some(reviewer_id), edit.article_id, &detail, &mut vec![reviewer_id])?;
    Ok(())
}

/// Reject a pending edit with a note for its author.
pub fn reject(tx: &mut Tx<'_>, rev_id: i64, reviewer_id: i64, note: &str) -> QueryResult<Reviewed> {
    tx.quiet();
    let done =
        diesel::update(magazine_revisions::table.find(rev_id).filter(magazine_revisions::state.eq(STATE_PENDING)))
            .set((
                magazine_revisions::state.eq(STATE_REJECTED),
                magazine_revisions::reviewer_id.eq(Some(reviewer_id)),
                magazine_revisions::review_note.eq(note),
                magazine_revisions::reviewed_at.eq(Some(crate::now())),
            ))
            .execute(tx.conn())?;
    Ok(if done == 0 { Reviewed::Gone } else { Reviewed::Done })
}
