//! Watched words: words, phrases or patterns admins watch, each with an action: block (the
//! author is told which word, and keeps their text), hold for review, replace, or tag.
//!
//! A word or phrase matches whole words only, case-insensitively: the text is cut into words
//! the way search and diffs cut it (`search::text::tokens`: jieba for Chinese), so “退款”
//! matches in “我要退款” but “art” not in “start”. A pattern is a regular expression run by
//! the `regex` crate, whose engine takes time linear in the text whatever the pattern (no
//! backtracking: `(a+)+$` cannot hang a post); what it cannot run in linear time
//! (back-references, look-around) is refused when the pattern is saved, as are patterns
//! whose compiled size is too large.

use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Deserialize;

use crate::db::DbConn;
use crate::db::schema::watched_words;
use crate::error::AppResult;
use crate::web::{AppState, CsrfForm, Ctx, FieldErrors, Meta, PageCtx, redirect, render, render_invalid};

pub const BLOCK: &str = "block";
pub const HOLD: &str = "hold";
pub const REPLACE: &str = "replace";
pub const TAG: &str = "tag";
pub const ACTIONS: [&str; 4] = [BLOCK, HOLD, REPLACE, TAG];

#[derive(Queryable, Clone, Debug)]
pub struct Watched {
    pub id: i64,
    pub pattern: String,
    pub is_regex: bool,
    pub action: String,
    pub replacement: String,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
}

impl Watched {
    pub fn action_key(&self) -> &'static str {
        action_key(&self.action)
    }
}

fn action_key(action: &str) -> &'static str {
    match action {
        BLOCK => "words-action-block",
        HOLD => "words-action-hold",
        REPLACE => "words-action-replace",
        _ => "words-action-tag",
    }
}

/// A watched entry ready to look for.
pub enum Matcher {
    /// The lower-cased words of a word or phrase.
    Words(Vec<String>),
    Pattern(regex::Regex),
}

/// The longest pattern or phrase accepted.
const MAX_PATTERN: usize = 200;

/// Make a matcher, or say why not (a catalog key).
pub fn compile(pattern: &str, is_regex: bool) -> Result<Matcher, &'static str> {
    let pattern = pattern.trim();
    if pattern.is_empty() {
        return Err("words-pattern-empty");
    }
    if pattern.chars().count() > MAX_PATTERN {
        return Err("words-pattern-long");
    }
    if is_regex {
        return regex::RegexBuilder::new(pattern)
            .case_insensitive(true)
            .size_limit(256 * 1024)
            .dfa_size_limit(256 * 1024)
            .build()
            .map(Matcher::Pattern)
            .map_err(|e| match e {
                regex::Error::CompiledTooBig(_) => "words-regex-too-big",
                _ => "words-regex-invalid",
            });
    }
    let words = word_tokens(pattern).into_iter().map(|(_, _, w)| w).collect::<Vec<_>>();
    if words.is_empty() { Err("words-pattern-empty") } else { Ok(Matcher::Words(words)) }
}

/// The words of a text (letters and digits, Chinese words by jieba), lower-cased, with where
/// each is.
fn word_tokens(text: &str) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let mut at = 0;
    for t in crate::search::text::tokens(text) {
        let start = at;
        at += t.len();
        if t.chars().next().is_some_and(char::is_alphanumeric) {
            out.push((start, at, t.to_lowercase()));
        }
    }
    out
}

impl Matcher {
    /// Where it occurs in a text: byte ranges.
    pub fn find_all(&self, text: &str) -> Vec<(usize, usize)> {
        match self {
            Matcher::Pattern(re) => {
                re.find_iter(text).filter(|m| !m.is_empty()).map(|m| (m.start(), m.end())).collect()
            }
            Matcher::Words(words) => {
                let toks = word_tokens(text);
                let mut found = Vec::new();
                let mut i = 0;
                while i + words.len() <= toks.len() {
                    if toks[i..i + words.len()].iter().zip(words).all(|(t, w)| &t.2 == w) {
                        found.push((toks[i].0, toks[i + words.len() - 1].1));
                        i += words.len();
                    } else {
                        i += 1;
                    }
                }
                found
            }
        }
    }
}

/// The site's watched entries, compiled (those that no longer compile are skipped).
pub fn load(conn: &mut DbConn) -> QueryResult<Vec<(Watched, Matcher)>> {
    let rows: Vec<Watched> = watched_words::table.order(watched_words::id.asc()).load(conn)?;
    Ok(rows.into_iter().filter_map(|w| compile(&w.pattern, w.is_regex).ok().map(|m| (w, m))).collect())
}

/// What watched words do to a text.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Checked {
    /// The first blocking word, as written in the text.
    pub blocked: Option<String>,
    /// The first word that holds the post for review.
    pub held: Option<String>,
    /// Tags to add.
    pub tags: Vec<String>,
    /// Texts with replacements made (title, body).
    pub texts: Vec<String>,
}

/// Look for every watched entry in these texts (a title and a body).
pub fn check(watched: &[(Watched, Matcher)], texts: &[&str]) -> Checked {
    let mut out = Checked { texts: texts.iter().map(|t| t.to_string()).collect(), ..Default::default() };
    for (w, m) in watched {
        for text in out.texts.iter_mut() {
            let found = m.find_all(text);
            let Some(&(s, e)) = found.first() else { continue };
            match w.action.as_str() {
                BLOCK if out.blocked.is_none() => out.blocked = Some(text[s..e].to_string()),
                HOLD if out.held.is_none() => out.held = Some(text[s..e].to_string()),
                REPLACE => {
                    let mut replaced = String::with_capacity(text.len());
                    let mut last = 0;
                    for (s, e) in found {
                        replaced.push_str(&text[last..s]);
                        replaced.push_str(&w.replacement);
                        last = e;
                    }
                    replaced.push_str(&text[last..]);
                    *text = replaced;
                }
                TAG if !out.tags.contains(&w.replacement) && !w.replacement.is_empty() => {
                    out.tags.push(w.replacement.clone())
                }
                _ => {}
            }
        }
    }
    out
}

// ------------------------------------------------------------------ the admins' page

#[derive(Template)]
#[template(path = "moderation/words.html")]
struct WordsPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    words: Vec<Watched>,
    form: WordForm,
    errors: FieldErrors,
    notice: String,
    actions: Vec<(&'static str, String)>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct WordForm {
    pub pattern: String,
    /// "word" or "regex".
    pub kind: String,
    pub action: String,
    pub replacement: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct WordsQuery {
    pub msg: String,
}

async fn page(
    ctx: &PageCtx,
    state: &AppState,
    form: WordForm,
    errors: FieldErrors,
    msg: &str,
) -> AppResult<HttpResponse> {
    let words = crate::db::run(&state.pool, |conn| {
        Ok(watched_words::table.order(watched_words::pattern.asc()).load::<Watched>(conn)?)
    })
    .await?;
    let invalid = !errors.is_empty();
    let notice = match msg {
        "added" => ctx.t("words-added"),
        "removed" => ctx.t("words-removed"),
        _ => String::new(),
    };
    let page = WordsPage {
        meta: Meta::new(ctx.t("words-title"), "/mod/words").noindex(),
        ctx,
        words,
        form,
        errors,
        notice,
        actions: ACTIONS.iter().map(|a| (*a, ctx.t(action_key(a)))).collect(),
    };
    if invalid { render_invalid(&page) } else { render(&page) }
}

/// `GET /mod/words` (admins)
pub async fn list(ctx: Ctx, state: web::Data<AppState>, query: web::Query<WordsQuery>) -> AppResult<HttpResponse> {
    ctx.require_admin()?;
    page(
        &ctx,
        &state,
        WordForm { kind: "word".into(), action: BLOCK.into(), ..Default::default() },
        FieldErrors::default(),
        &query.msg,
    )
    .await
}

/// `POST /mod/words`
pub async fn add(ctx: Ctx, state: web::Data<AppState>, CsrfForm(form): CsrfForm<WordForm>) -> AppResult<HttpResponse> {
    let admin = ctx.require_admin()?.id;
    let mut errors = FieldErrors::default();
    let pattern = crate::content::plain_input(form.pattern.trim()).trim().to_string();
    let is_regex = form.kind == "regex";
    if let Err(key) = compile(&pattern, is_regex) {
        errors.add("pattern", key);
    }
    if !ACTIONS.contains(&form.action.as_str()) {
        errors.add("action", "words-action-required");
    }
    let replacement = crate::content::plain_input(form.replacement.trim()).trim().to_string();
    if form.action == TAG && crate::content::tags::TagName::parse(&replacement).is_err() {
        errors.add("replacement", "words-tag-invalid");
    }
    if replacement.chars().count() > 100 {
        errors.add("replacement", "words-replacement-long");
    }
    if !errors.is_empty() {
        return page(&ctx, &state, form, errors, "").await;
    }
    let (p, action, r) = (pattern.clone(), form.action.clone(), replacement.clone());
    let added = crate::db::run_write(&state.pool, move |tx| {
        let added = crate::db::ignore_duplicate(tx, |conn| {
            diesel::insert_into(watched_words::table)
                .values((
                    watched_words::pattern.eq(&p),
                    watched_words::is_regex.eq(is_regex),
                    watched_words::action.eq(&action),
                    watched_words::replacement.eq(&r),
                    watched_words::created_by.eq(Some(admin)),
                    watched_words::created_at.eq(crate::now()),
                ))
                .execute(conn)
        })?;
        if added == 1 {
            let note = format!("{p} ({action}{}{r})", if r.is_empty() { "" } else { ": " });
            super::record(tx, staff_entry(admin, "word_added", &note))?;
        }
        Ok(added)
    })
    .await?;
    if added == 0 {
        let mut errors = FieldErrors::default();
        errors.add("pattern", "words-duplicate");
        return page(&ctx, &state, form, errors, "").await;
    }
    Ok(redirect("/mod/words?msg=added"))
}

/// A staff-only log line about the list itself (the public log never names a watched word).
fn staff_entry<'a>(admin: i64, action: &'a str, note: &'a str) -> super::Entry<'a> {
    super::Entry { moderator_id: Some(admin), action, content: None, user_id: None, reason: "", note }
}

/// `POST /mod/words/{id}/delete`
pub async fn remove(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    _form: CsrfForm<crate::accounts::handlers::EmptyForm>,
) -> AppResult<HttpResponse> {
    let admin = ctx.require_admin()?.id;
    let id = path.into_inner();
    crate::db::run_write(&state.pool, move |tx| {
        tx.quiet();
        let pattern: Option<String> =
            watched_words::table.find(id).select(watched_words::pattern).first(tx.conn()).optional()?;
        if let Some(p) = pattern {
            diesel::delete(watched_words::table.find(id)).execute(tx.conn())?;
            super::record(tx, staff_entry(admin, "word_removed", &p))?;
        }
        Ok(())
    })
    .await?;
    Ok(redirect("/mod/words?msg=removed"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(pattern: &str, is_regex: bool, action: &str, replacement: &str) -> Result<(Watched, Matcher), &'static str> {
        let m = compile(pattern, is_regex)?;
        Ok((
            Watched {
                id: 0,
                pattern: pattern.into(),
                is_regex,
                action: action.into(),
                replacement: replacement.into(),
                created_by: None,
                created_at: crate::now(),
            },
            m,
        ))
    }

    #[test]
    fn whole_words_in_english_and_chinese() -> Result<(), &'static str> {
        let m = compile("art", false)?;
        assert!(m.find_all("Start the party").is_empty());
        assert_eq!(m.find_all("Modern ART is here").len(), 1);
        let zh = compile("退款", false)?;
        assert_eq!(zh.find_all("我要退款，马上").len(), 1);
        let phrase = compile("money back", false)?;
        assert_eq!(phrase.find_all("I want my MONEY  back now").len(), 1);
        assert_eq!(phrase.find_all("money, back").len(), 1, "punctuation between words is not a word");
        assert!(phrase.find_all("money then back").is_empty());
        Ok(())
    }

    #[test]
    fn patterns_run_in_linear_time_and_bad_ones_are_refused() -> Result<(), &'static str> {
        // Exponential for a backtracking engine; linear here.
        let m = compile("(a+)+$", true)?;
        let text = format!("{}!", "a".repeat(50_000));
        assert!(m.find_all(&text).len() <= 1);
        assert_eq!(compile(r"(a)\1", true).err(), Some("words-regex-invalid"));
        assert_eq!(compile("(?=x)", true).err(), Some("words-regex-invalid"));
        assert_eq!(compile("[", true).err(), Some("words-regex-invalid"));
        assert_eq!(compile(r"\w{1000}{1000}", true).err(), Some("words-regex-too-big"));
        assert_eq!(compile("  ", false).err(), Some("words-pattern-empty"));
        Ok(())
    }

    #[test]
    fn actions_block_hold_replace_and_tag() -> Result<(), &'static str> {
        let list = vec![
            w("darn", false, REPLACE, "d**n")?,
            w("refund", false, TAG, "refunds")?,
            w("leak", false, HOLD, "")?,
            w("casino", false, BLOCK, "")?,
        ];
        let c = check(&list, &["A darn refund", "Darn, a leak at the Casino"]);
        assert_eq!(c.texts, vec!["A d**n refund".to_string(), "d**n, a leak at the Casino".to_string()]);
        assert_eq!(c.tags, vec!["refunds".to_string()]);
        assert_eq!(c.held.as_deref(), Some("leak"));
        assert_eq!(c.blocked.as_deref(), Some("Casino"));
        Ok(())
    }
}
