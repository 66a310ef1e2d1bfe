//! Interactive parts of an article: a poll (one vote per member; the results are shown once the
//! member has voted, to editors, and to everyone when the poll is closed) and a question to
//! readers (one answer per member, which they may change; answers are read by editors only).
//! Counts come from the vote rows themselves, so a result is always the number of members.

use std::collections::HashMap;

use actix_web::{HttpResponse, web};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Deserialize;

use super::editor::still_editor;
use super::pages::readable_article;
use crate::accounts::AuthorView;
use crate::content;
use crate::db::schema::{magazine_answers, magazine_poll_options, magazine_polls, magazine_votes, users};
use crate::db::{DbConn, Tx, ignore_duplicate};
use crate::error::{AppError, AppResult};
use crate::policy::Guard;
use crate::web::{AppState, CsrfForm, Ctx, redirect};

pub const KIND_POLL: &str = "poll";
pub const KIND_QUESTION: &str = "question";
pub const QUESTION_MAX: usize = 300;
pub const OPTION_MAX: usize = 200;
pub const OPTIONS_MAX: usize = 12;
pub const ANSWER_MAX: usize = 4000;

#[derive(Clone, Debug)]
pub struct PollOption {
    pub id: i64,
    pub label: String,
    pub votes: i64,
}

#[derive(Clone, Debug)]
pub struct Poll {
    pub id: i64,
    pub article_id: i64,
    pub kind: String,
    pub question: String,
    pub closed_at: Option<NaiveDateTime>,
    pub options: Vec<PollOption>,
    /// Votes (a poll) or answers (a question).
    pub total: i64,
    /// The viewer's vote.
    pub my_vote: Option<i64>,
    /// The viewer's answer.
    pub my_answer: Option<String>,
}

impl Poll {
    pub fn is_question(&self) -> bool {
        self.kind == KIND_QUESTION
    }

    pub fn closed(&self) -> bool {
        self.closed_at.is_some()
    }

    /// An option's share of the votes, in whole percent.
    pub fn percent(&self, o: &PollOption) -> i64 {
        if self.total == 0 { 0 } else { (o.votes * 100 + self.total / 2) / self.total }
    }

    /// The results are shown: to who voted, to editors, and to everyone once it is closed.
    pub fn results_for(&self, editor: &bool) -> bool {
        self.my_vote.is_some() || *editor || self.closed()
    }

    pub fn voted_for(&self, o: &PollOption) -> bool {
        self.my_vote == Some(o.id)
    }
}

/// The polls and questions of an article, with the viewer's own vote and answer.
pub fn of_article(conn: &mut DbConn, article_id: i64, viewer: Option<i64>) -> QueryResult<Vec<Poll>> {
    let rows: Vec<(i64, String, String, Option<NaiveDateTime>)> = magazine_polls::table
        .filter(magazine_polls::article_id.eq(article_id))
        .order(magazine_polls::id)
        .select((magazine_polls::id, magazine_polls::kind, magazine_polls::question, magazine_polls::closed_at))
        .load(conn)?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let options: Vec<(i64, i64, String)> = magazine_poll_options::table
        .filter(magazine_poll_options::poll_id.eq_any(&ids))
        .order((magazine_poll_options::poll_id, magazine_poll_options::position, magazine_poll_options::id))
        .select((magazine_poll_options::id, magazine_poll_options::poll_id, magazine_poll_options::label))
        .load(conn)?;
    let votes: HashMap<i64, i64> = magazine_votes::table
        .filter(magazine_votes::poll_id.eq_any(&ids))
        .group_by(magazine_votes::option_id)
        .select((magazine_votes::option_id, diesel::dsl::count_star()))
        .load::<(i64, i64)>(conn)?
        .into_iter()
        .collect();
    let answers: HashMap<i64, i64> = magazine_answers::table
        .filter(magazine_answers::poll_id.eq_any(&ids))
        .group_by(magazine_answers::poll_id)
        .select((magazine_answers::poll_id, diesel::dsl::count_star()))
        .load::<(i64, i64)>(conn)?
        .into_iter()
        .collect();
    let (my_votes, my_answers): (HashMap<i64, i64>, HashMap<i64, String>) = match viewer {
        Some(me) => (
            magazine_votes::table
                .filter(magazine_votes::poll_id.eq_any(&ids))
                .filter(magazine_votes::user_id.eq(me))
                .select((magazine_votes::poll_id, magazine_votes::option_id))
                .load::<(i64, i64)>(conn)?
                .into_iter()
                .collect(),
            magazine_answers::table
                .filter(magazine_answers::poll_id.eq_any(&ids))
                .filter(magazine_answers::user_id.eq(me))
                .select((magazine_answers::poll_id, magazine_answers::body))
                .load::<(i64, String)>(conn)?
                .into_iter()
                .collect(),
        ),
        None => Default::default(),
    };
    let mut polls: Vec<Poll> = rows
        .into_iter()
        .map(|(id, kind, question, closed_at)| Poll {
            id,
            article_id,
            total: if kind == KIND_QUESTION { answers.get(&id).copied().unwrap_or(0) } else { 0 },
            kind,
            question,
            closed_at,
            options: Vec::new(),
            my_vote: my_votes.get(&id).copied(),
            my_answer: my_answers.get(&id).cloned(),
        })
        .collect();
    for (option_id, poll_id, label) in options {
        if let Some(p) = polls.iter_mut().find(|p| p.id == poll_id) {
            let n = votes.get(&option_id).copied().unwrap_or(0);
            p.total += n;
            p.options.push(PollOption { id: option_id, label, votes: n });
        }
    }
    Ok(polls)
}

/// One poll's article and kind, and whether it is closed.
fn poll_row(conn: &mut DbConn, id: i64) -> QueryResult<Option<(i64, String, bool)>> {
    Ok(magazine_polls::table
        .find(id)
        .select((magazine_polls::article_id, magazine_polls::kind, magazine_polls::closed_at))
        .first::<(i64, String, Option<NaiveDateTime>)>(conn)
        .optional()?
        .map(|(a, k, closed)| (a, k, closed.is_some())))
}

pub fn create(tx: &mut Tx<'_>, article_id: i64, kind: &str, question: &str, options: &[String]) -> QueryResult<i64> {
    let id = diesel::insert_into(magazine_polls::table)
        .values((
            magazine_polls::article_id.eq(article_id),
            magazine_polls::kind.eq(kind),
            magazine_polls::question.eq(question),
            magazine_polls::created_at.eq(crate::now()),
        ))
        .returning(magazine_polls::id)
        .get_result(tx.conn())?;
    for (i, label) in options.iter().enumerate() {
        diesel::insert_into(magazine_poll_options::table)
            .values((
                magazine_poll_options::poll_id.eq(id),
                magazine_poll_options::label.eq(label),
                magazine_poll_options::position.eq(i as i32),
            ))
            .execute(tx.conn())?;
    }
    tx.touch(article_id);
    Ok(id)
}

/// A member's vote; false when they had voted already (one vote per member, kept).
pub fn vote(tx: &mut Tx<'_>, poll_id: i64, user_id: i64, option_id: i64) -> QueryResult<bool> {
    let n = ignore_duplicate(tx, |conn| {
        diesel::insert_into(magazine_votes::table)
            .values((
                magazine_votes::poll_id.eq(poll_id),
                magazine_votes::user_id.eq(user_id),
                magazine_votes::option_id.eq(option_id),
                magazine_votes::created_at.eq(crate::now()),
            ))
            .execute(conn)
    })?;
    Ok(n == 1)
}

/// A member's answer, new or changed.
pub fn answer(tx: &mut Tx<'_>, poll_id: i64, user_id: i64, body: &str) -> QueryResult<()> {
    let now = crate::now();
    let added = ignore_duplicate(tx, |conn| {
        diesel::insert_into(magazine_answers::table)
            .values((
                magazine_answers::poll_id.eq(poll_id),
                magazine_answers::user_id.eq(user_id),
                magazine_answers::body.eq(body),
                magazine_answers::created_at.eq(now),
                magazine_answers::updated_at.eq(now),
            ))
            .execute(conn)
    })?;
    if added == 0 {
        diesel::update(magazine_answers::table.find((poll_id, user_id)))
            .set((magazine_answers::body.eq(body), magazine_answers::updated_at.eq(now)))
            .execute(tx.conn())?;
    }
    Ok(())
}

pub fn set_closed(tx: &mut Tx<'_>, poll_id: i64, article_id: i64, closed: bool) -> QueryResult<()> {
    diesel::update(magazine_polls::table.find(poll_id))
        .set(magazine_polls::closed_at.eq(closed.then(crate::now)))
        .execute(tx.conn())?;
    tx.touch(article_id);
    Ok(())
}

/// An answer to a question as editors read it: who, what, when.
pub type Answer = (AuthorView, String, NaiveDateTime);

/// The answers to a question, newest first (editors).
pub fn answers(conn: &mut DbConn, poll_id: i64, limit: i64) -> QueryResult<Vec<Answer>> {
    let rows: Vec<(String, String, String, String, NaiveDateTime)> = magazine_answers::table
        .inner_join(users::table)
        .filter(magazine_answers::poll_id.eq(poll_id))
        .order(magazine_answers::updated_at.desc())
        .limit(limit)
        .select((
            users::username,
            users::display_name,
            users::roles,
            magazine_answers::body,
            magazine_answers::updated_at,
        ))
        .load(conn)?;
    Ok(rows.into_iter().map(|(u, d, r, body, at)| (AuthorView::from_row(u, d, &r), body, at)).collect())
}

/// A member's own answers: (question, answer, when), oldest first (their data export).
pub fn answers_by(conn: &mut DbConn, user_id: i64) -> QueryResult<Vec<(String, String, NaiveDateTime)>> {
    magazine_answers::table
        .inner_join(magazine_polls::table.on(magazine_polls::id.eq(magazine_answers::poll_id)))
        .filter(magazine_answers::user_id.eq(user_id))
        .order(magazine_answers::created_at)
        .select((magazine_polls::question, magazine_answers::body, magazine_answers::updated_at))
        .load(conn)
}

// ---------------------------------------------------------------- on the web

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct PollForm {
    /// poll or question
    pub kind: String,
    pub question: String,
    /// One choice per line.
    pub options: String,
}

impl PollForm {
    /// The kind, question and choices, or the field and catalog key of what is wrong.
    pub fn check(&self) -> Result<(&'static str, String, Vec<String>), (&'static str, &'static str)> {
        let kind = match self.kind.as_str() {
            KIND_QUESTION => KIND_QUESTION,
            _ => KIND_POLL,
        };
        let question = self.question.trim().to_string();
        if question.is_empty() {
            return Err(("question", "magazine-err-poll-question"));
        }
        if question.chars().count() > QUESTION_MAX || question.chars().any(char::is_control) {
            return Err(("question", "magazine-err-poll-question-long"));
        }
        let mut options: Vec<String> = Vec::new();
        for line in self.options.lines().map(content::plain_input).filter(|l| !l.is_empty()) {
            if line.chars().count() > OPTION_MAX {
                return Err(("options", "magazine-err-poll-option-long"));
            }
            if !options.contains(&line) {
                options.push(line);
            }
        }
        if kind == KIND_POLL && !(2..=OPTIONS_MAX).contains(&options.len()) {
            return Err(("options", "magazine-err-poll-options"));
        }
        if kind == KIND_QUESTION {
            options.clear();
        }
        Ok((kind, question, options))
    }
}

/// `POST /magazine/{number}/{slug}/polls`: an editor adds a poll or a question. A problem shows
/// the article's editor again with what was typed.
pub async fn add(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    CsrfForm(form): CsrfForm<PollForm>,
) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    let (number, slug) = path.into_inner();
    let (issue, article, rights) = readable_article(&ctx, &state, &number, slug).await?;
    if !rights.manage {
        return Err(AppError::Forbidden);
    }
    let (kind, question, options) = match form.check() {
        Ok(checked) => checked,
        Err(key) => return super::stats::show(&ctx, &state, issue, article, form, Some(key)).await,
    };
    let (article_id, viewer, path) = (article.id, ctx.viewer(), article.path());
    let id = crate::db::run_write(&state.pool, move |tx| {
        still_editor(tx, &viewer)?;
        content::lock(tx, article_id)?.ok_or(AppError::NotFound)?;
        Ok(create(tx, article_id, kind, &question, &options)?)
    })
    .await?;
    Ok(redirect(&format!("{path}/stats#poll{id}")))
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct TakePartForm {
    pub option: String,
    pub body: String,
    /// Editors: "1" closes, "0" opens again.
    pub value: String,
}

/// The poll, its article and the viewer's right to take part, checked under the article's lock.
fn checked_poll(
    tx: &mut Tx<'_>,
    viewer: &crate::policy::Viewer,
    poll_id: i64,
) -> AppResult<(i64, String, bool, Guard)> {
    let (article_id, kind, closed) = poll_row(tx.conn(), poll_id)?.ok_or(AppError::NotFound)?;
    let row = content::lock(tx, article_id)?.ok_or(AppError::NotFound)?;
    let guard = Guard::fresh(tx, viewer)?;
    let issue_id = row.parent_id.ok_or(AppError::NotFound)?;
    let issue = super::queries::issue_by_id(tx.conn(), issue_id)?.ok_or(AppError::NotFound)?;
    let facts = issue.facts(super::queries::writes_in_issue(tx.conn(), guard.user_id(), issue.id)?);
    if !guard.can_read_issue(&facts) {
        return Err(AppError::NotFound);
    }
    if !guard.can_take_part(&facts, &row.facts()) {
        return Err(AppError::Forbidden);
    }
    Ok((article_id, kind, closed, guard))
}

/// `POST /magazine/polls/{id}/vote`
pub async fn take_vote(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<TakePartForm>,
) -> AppResult<HttpResponse> {
    let user_id = ctx.require_user()?.id;
    let poll_id = crate::web::canonical_number(&path).ok_or(AppError::NotFound)?;
    let option = crate::web::canonical_number(&form.option);
    let (viewer, kinds) = (ctx.viewer(), state.kinds);
    let (path, outcome) = crate::db::run_write(&state.pool, move |tx| {
        let (article_id, kind, closed, _) = checked_poll(tx, &viewer, poll_id)?;
        let path = kinds.path_of(tx, article_id)?.unwrap_or_else(|| "/magazine".into());
        let outcome = if kind != KIND_POLL {
            Err(AppError::NotFound)
        } else if closed {
            Ok(Some("magazine-err-poll-closed"))
        } else {
            let valid: Option<i64> = match option {
                Some(o) => magazine_poll_options::table
                    .find(o)
                    .filter(magazine_poll_options::poll_id.eq(poll_id))
                    .select(magazine_poll_options::id)
                    .first(tx.conn())
                    .optional()?,
                None => None,
            };
            match valid {
                None => Ok(Some("magazine-err-poll-choose")),
                Some(o) => {
                    if vote(tx, poll_id, user_id, o)? {
                        tx.touch(article_id);
                        Ok(None)
                    } else {
                        Ok(Some("magazine-err-poll-voted"))
                    }
                }
            }
        }?;
        Ok((path, outcome))
    })
    .await?;
    Ok(redirect(&poll_back(&path, poll_id, outcome)))
}

/// The refusals a vote may come back with (`?problem=`), by their short names.
pub const VOTE_PROBLEMS: [&str; 3] = ["poll-closed", "poll-choose", "poll-voted"];

/// The catalog key of a refusal's short name.
pub fn problem_key(short: &str) -> &'static str {
    match short {
        "poll-closed" => "magazine-err-poll-closed",
        "poll-choose" => "magazine-err-poll-choose",
        _ => "magazine-err-poll-voted",
    }
}

/// Back to the poll on its article, with a message when something was refused.
fn poll_back(path: &str, poll_id: i64, problem: Option<&str>) -> String {
    match problem {
        None => format!("{path}#poll{poll_id}"),
        Some(key) => format!("{path}?poll={poll_id}&problem={}#poll{poll_id}", key.trim_start_matches("magazine-err-")),
    }
}

/// `POST /magazine/polls/{id}/answer`: a member's answer to a question (kept on the article's
/// page with the reason when it cannot be taken).
pub async fn take_answer(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<TakePartForm>,
) -> AppResult<HttpResponse> {
    let user_id = ctx.require_user()?.id;
    let poll_id = crate::web::canonical_number(&path).ok_or(AppError::NotFound)?;
    let body = content::plain_input(&form.body);
    let problem = if body.is_empty() {
        Some("magazine-err-answer-empty")
    } else if body.chars().count() > ANSWER_MAX {
        Some("magazine-err-answer-long")
    } else {
        None
    };
    let (viewer, kinds) = (ctx.viewer(), state.kinds);
    let (article_id, path, outcome) = crate::db::run_write(&state.pool, move |tx| {
        let (article_id, kind, closed, _) = checked_poll(tx, &viewer, poll_id)?;
        let path = kinds.path_of(tx, article_id)?.unwrap_or_else(|| "/magazine".into());
        if kind != KIND_QUESTION {
            return Err(AppError::NotFound);
        }
        let outcome = match problem {
            Some(p) => Some(p),
            None if closed => Some("magazine-err-poll-closed"),
            None => {
                answer(tx, poll_id, user_id, &body)?;
                None
            }
        };
        if outcome.is_some() {
            tx.quiet();
        }
        Ok((article_id, path, outcome))
    })
    .await?;
    match outcome {
        None => Ok(redirect(&format!("{path}?answered={poll_id}#poll{poll_id}"))),
        Some(key) => super::pages::show_answer_problem(&ctx, &state, article_id, poll_id, form.body.clone(), key).await,
    }
}

/// `POST /magazine/polls/{id}/close`: editors close a poll or question, or open it again.
pub async fn close(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<TakePartForm>,
) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    let poll_id = crate::web::canonical_number(&path).ok_or(AppError::NotFound)?;
    let (viewer, kinds, closed) = (ctx.viewer(), state.kinds, form.value != "0");
    let path = crate::db::run_write(&state.pool, move |tx| {
        still_editor(tx, &viewer)?;
        let (article_id, _, _) = poll_row(tx.conn(), poll_id)?.ok_or(AppError::NotFound)?;
        content::lock(tx, article_id)?.ok_or(AppError::NotFound)?;
        set_closed(tx, poll_id, article_id, closed)?;
        Ok(kinds.path_of(tx, article_id)?.unwrap_or_else(|| "/magazine".into()))
    })
    .await?;
    Ok(redirect(&format!("{path}#poll{poll_id}")))
}
