//! What a member's post goes through before it is made: watched words (block, replace, tag,
//! hold), the limits of new members (trust level 0), and pre-moderation. Staff are not
//! screened. The handler screens the typed text before rendering it (replacements are made in
//! the text), and after making the piece, holds it if asked (`hold`) in the same unit of work.

use diesel::prelude::*;

use super::{QUEUE_HELD, QUEUE_WATCHED, Subject, trust, words};
use crate::db::Tx;
use crate::db::schema::contents;
use crate::error::AppError;
use crate::web::AppState;

/// Why a post waits for a moderator: the queue's reason and what caught it (a word).
#[derive(Clone, Debug)]
pub struct Hold {
    pub reason: &'static str,
    pub detail: String,
}

#[derive(Clone, Debug, Default)]
pub struct Screened {
    pub title: String,
    pub body: String,
    pub hold: Option<Hold>,
    /// Tags watched words add.
    pub tags: Vec<String>,
}

/// Pre-moderation of a place: off, new (level 0 members), all (every member).
pub const PREMOD_OFF: &str = "off";
pub const PREMOD_NEW: &str = "new";
pub const PREMOD_ALL: &str = "all";
pub const PREMODS: [&str; 3] = [PREMOD_OFF, PREMOD_NEW, PREMOD_ALL];

/// The rules of the place a post goes to: a board's pre-moderation and mode, or none.
#[derive(Clone, Debug, Default)]
pub struct Rules {
    pub premoderation: String,
    pub board_id: Option<i64>,
    /// In force now (a mode whose end has passed is off).
    pub slow_seconds: i32,
    pub read_only: bool,
    pub until: Option<chrono::NaiveDateTime>,
}

impl Rules {
    /// No rules of a place (blog comments): only watched words and new members' limits.
    pub fn none() -> Rules {
        Rules { premoderation: PREMOD_OFF.into(), ..Default::default() }
    }

    pub fn of_board(b: &crate::forums::Board) -> Rules {
        let in_force = b.mode_until.is_none_or(|t| t > crate::now());
        Rules {
            premoderation: b.premoderation.clone(),
            board_id: Some(b.id),
            slow_seconds: if in_force { b.slow_mode_seconds } else { 0 },
            read_only: in_force && b.read_only,
            until: b.mode_until,
        }
    }

    /// The same board for an edit: its words are checked, nothing held or slowed.
    pub fn for_edit() -> Rules {
        Rules::none()
    }
}

/// Screen a post (`title` may be empty). `Err(AppError::Refused)`: a blocked word or a limit,
/// said to the author with their text kept.
pub async fn screen(
    state: &AppState,
    author_id: i64,
    rules: &Rules,
    title: &str,
    body: &str,
) -> Result<Screened, AppError> {
    let (rules, title, body) = (rules.clone(), title.to_string(), body.to_string());
    crate::db::run(&state.pool, move |conn| {
        let author = crate::accounts::queries::find(conn, author_id)?.ok_or(AppError::Forbidden)?;
        let roles = author.roles();
        if roles.is_staff() || roles.can_moderate() {
            return Ok(Screened { title, body, ..Default::default() });
        }
        if rules.read_only {
            let until = rules.until.map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string());
            return Err(match until {
                Some(until) => AppError::Refused("board-read-only-until", vec![("until", until)]),
                None => AppError::Refused("board-read-only", vec![]),
            });
        }
        if let (Some(board), true) = (rules.board_id, rules.slow_seconds > 0) {
            let since = crate::now() - chrono::Duration::seconds(i64::from(rules.slow_seconds));
            let recent: i64 = contents::table
                .filter(contents::author_id.eq(author_id))
                .filter(contents::place_kind.eq(crate::content::PLACE_BOARD))
                .filter(contents::place_id.eq(board))
                .filter(contents::created_at.gt(since))
                .count()
                .get_result(conn)?;
            if recent > 0 {
                return Err(AppError::Refused("board-slow", vec![("seconds", rules.slow_seconds.to_string())]));
            }
        }
        let watched = words::load(conn)?;
        let checked = words::check(&watched, &[&title, &body]);
        if let Some(word) = checked.blocked {
            return Err(AppError::Refused("watched-blocked", vec![("word", word)]));
        }
        let mut texts = checked.texts.into_iter();
        let (title, body) = (texts.next().unwrap_or_default(), texts.next().unwrap_or_default());
        let level = trust::current(conn, &author)?;
        if level == 0 {
            let limits = trust::limits(conn)?;
            let links = count_links(&body);
            if limits.links >= 0 && links > limits.links {
                return Err(AppError::Refused("trust-too-many-links", vec![("count", limits.links.to_string())]));
            }
            let pictures = body.matches("![").count() as i64;
            if limits.pictures >= 0 && pictures > limits.pictures {
                return Err(AppError::Refused("trust-too-many-pictures", vec![("count", limits.pictures.to_string())]));
            }
            let hour_ago = crate::now() - chrono::Duration::hours(1);
            let recent: i64 = contents::table
                .filter(contents::author_id.eq(author_id))
                .filter(contents::created_at.gt(hour_ago))
                .count()
                .get_result(conn)?;
            if limits.per_hour > 0 && recent >= limits.per_hour {
                return Err(AppError::Refused("trust-too-many-posts", vec![("count", limits.per_hour.to_string())]));
            }
        }
        // The same text posted again elsewhere (several boards, several posts' comments).
        let same = normalized(&body);
        if same.chars().count() >= 20 {
            let day_ago = crate::now() - chrono::Duration::hours(24);
            let recent: Vec<(String, String, Option<i64>)> = contents::table
                .filter(contents::author_id.eq(author_id))
                .filter(contents::created_at.gt(day_ago))
                .filter(contents::deleted_at.is_null())
                .order(contents::id.desc())
                .limit(50)
                .select((contents::body_md, contents::place_kind, contents::place_id))
                .load(conn)?;
            let elsewhere = |kind: &str, place: Option<i64>| {
                rules.board_id.is_none() || kind != crate::content::PLACE_BOARD || place != rules.board_id
            };
            if recent.iter().any(|(b, kind, place)| elsewhere(kind, *place) && normalized(b) == same) {
                return Err(AppError::Refused("spam-duplicate", Vec::new()));
            }
        }
        let hold = match checked.held {
            Some(word) => Some(Hold { reason: QUEUE_WATCHED, detail: word }),
            None if rules.premoderation == PREMOD_ALL || (rules.premoderation == PREMOD_NEW && level == 0) => {
                Some(Hold { reason: QUEUE_HELD, detail: String::new() })
            }
            None => None,
        };
        Ok(Screened { title, body, hold, tags: checked.tags })
    })
    .await
}

/// A text as duplicates are compared: lower case, spaces collapsed.
fn normalized(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// Links in a Markdown text (addresses written out or linked).
fn count_links(md: &str) -> i64 {
    let lower = md.to_lowercase();
    (lower.matches("http://").count() + lower.matches("https://").count() + lower.matches("www.").count()) as i64
        - lower.matches("://www.").count() as i64
}

/// Hold a piece just made (or edited) for review: hidden, and in the queue.
pub fn hold(tx: &mut Tx<'_>, content_id: i64, hold: &Hold) -> diesel::QueryResult<()> {
    let Some(c) = crate::content::find(tx, content_id)? else { return Ok(()) };
    super::set_hidden(tx, &c, true)?;
    crate::content::set_held(tx, content_id)?;
    super::queue::enqueue(
        tx,
        &super::queue::NewItem {
            subject: Subject::Content(content_id),
            reason: hold.reason,
            content: Some(&c),
            user_id: None,
            appeal_id: None,
            detail: &hold.detail,
        },
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn links_are_counted_once_each() {
        assert_eq!(super::count_links("see https://www.example.com and http://a.b and www.c.d"), 3);
        assert_eq!(super::count_links("no links here"), 0);
    }
}
