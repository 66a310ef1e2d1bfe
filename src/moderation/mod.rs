//! Moderation: what members report (`flags`), the one queue of what waits for a moderator
//! (`queue`), the actions taken on it and their log (`log`), and what happens to members:
//! warnings, silences, suspensions and their appeals (`sanctions`). The pages are in `pages`
//! (`/mod`, `/mod/log`, a piece's and a member's moderation page) and `flags` (`/flag/…`).
//!
//! Every action is one unit of work through `db::write`: the state change (hide, delete, lift…),
//! the queue entry resolved, the flags decided, the log line and what the member is told, or
//! none of them. What a piece's state changes is the content's own life (`content::set_hidden`,
//! `content::delete` with the kind's hooks), so a hidden piece leaves lists, counts, feeds,
//! search and notifications the way any hidden piece does.

pub mod alerts;
pub mod appeal;
pub mod edit;
pub mod flags;
pub mod log;
pub mod pages;
pub mod queue;
pub mod sanctions;
pub mod screen;
pub mod statement;
pub mod topics;
pub mod trust;
pub mod words;

use diesel::prelude::*;

use crate::content::Content;
use crate::db::Tx;
use crate::db::schema::{blogs, boards, mod_actions};

/// What a flag, a queue entry or a log line is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    Content(i64),
    User(i64),
    Appeal(i64),
}

impl Subject {
    pub fn key(self) -> String {
        match self {
            Subject::Content(id) => format!("content:{id}"),
            Subject::User(id) => format!("user:{id}"),
            Subject::Appeal(id) => format!("appeal:{id}"),
        }
    }
}

/// Why a member flags something, in the order the form offers them.
pub const FLAG_REASONS: [&str; 5] = ["spam", "abuse", "off_topic", "illegal", "other"];

/// The public reason a moderator's form gave, if it is one of the flag reasons ("" otherwise).
pub fn public_reason(typed: &str) -> &str {
    if FLAG_REASONS.contains(&typed) { typed } else { "" }
}

/// How long a moderator's note or message to a member may be.
pub const NOTE_MAX: usize = 2000;

/// A staff note longer than `NOTE_MAX` is refused (with the form kept).
pub fn check_note(note: &str, errors: &mut crate::web::FieldErrors) {
    if note.chars().count() > NOTE_MAX {
        errors.add("note", "mod-message-too-long");
    }
}

/// Catalog key of a flag reason (or of a public reason a moderator gave).
pub fn reason_key(reason: &str) -> &'static str {
    match reason {
        "spam" => "mod-reason-spam",
        "abuse" => "mod-reason-abuse",
        "off_topic" => "mod-reason-off_topic",
        "illegal" => "mod-reason-illegal",
        "other" => "mod-reason-other",
        _ => "",
    }
}

/// Why something is in the queue.
pub const QUEUE_FLAGGED: &str = "flagged";
pub const QUEUE_HELD: &str = "held";
pub const QUEUE_WATCHED: &str = "watched";
pub const QUEUE_APPEAL: &str = "appeal";
pub const QUEUE_REASONS: [&str; 4] = [QUEUE_FLAGGED, QUEUE_HELD, QUEUE_WATCHED, QUEUE_APPEAL];

/// One line of the moderation log, as an action records it.
pub struct Entry<'a> {
    /// None: the site itself (flags reached the threshold, a suspension ended).
    pub moderator_id: Option<i64>,
    pub action: &'a str,
    pub content: Option<&'a Content>,
    /// The member it is about (a piece's author, a sanctioned member).
    pub user_id: Option<i64>,
    /// The public reason (a flag reason), or "".
    pub reason: &'a str,
    /// What only staff read.
    pub note: &'a str,
}

/// The log's actions, and the catalog keys naming them.
pub const ACTIONS: [&str; 20] = [
    "hide",
    "show",
    "delete",
    "approve",
    "dismiss",
    "warn",
    "silence",
    "suspend",
    "lift",
    "appeal_lifted",
    "appeal_upheld",
    "edit",
    "move",
    "merge",
    "trust",
    "statement",
    "statement_withdrawn",
    "board_mode",
    "word_added",
    "word_removed",
];

/// Actions only staff see in the log (the public log would teach spammers the watched words).
pub const STAFF_ONLY: [&str; 2] = ["word_added", "word_removed"];

/// Record an action in the log (same unit of work as the action).
pub fn record(tx: &mut Tx<'_>, e: Entry<'_>) -> QueryResult<()> {
    let place = match e.content {
        Some(c) => place_name(tx, c)?,
        None => String::new(),
    };
    diesel::insert_into(mod_actions::table)
        .values((
            mod_actions::moderator_id.eq(e.moderator_id),
            mod_actions::action.eq(e.action),
            mod_actions::content_id.eq(e.content.map(|c| c.id)),
            mod_actions::user_id.eq(e.user_id.or(e.content.map(|c| c.author_id))),
            mod_actions::content_kind.eq(e.content.map_or("", |c| c.kind.as_str())),
            mod_actions::audience_id.eq(e.content.map(|c| c.audience_id)),
            mod_actions::place.eq(place),
            mod_actions::reason.eq(e.reason),
            mod_actions::note.eq(e.note),
            mod_actions::created_at.eq(crate::now()),
        ))
        .execute(tx.conn())?;
    // The public log is a page visitors may keep.
    tx.stale(log::KEY.to_string());
    Ok(())
}

/// The name of where a piece lives (a board's, a blog's), for the log.
fn place_name(tx: &mut Tx<'_>, c: &Content) -> QueryResult<String> {
    let Some(place_id) = c.place_id else { return Ok(String::new()) };
    Ok(match c.place_kind.as_str() {
        crate::content::PLACE_BOARD => {
            boards::table.find(place_id).select(boards::name).first(tx.conn()).optional()?.unwrap_or_default()
        }
        crate::content::PLACE_BLOG => {
            blogs::table.find(place_id).select(blogs::title).first(tx.conn()).optional()?.unwrap_or_default()
        }
        _ => String::new(),
    })
}

/// Hide a piece (or show it again) as a moderator would: the content's state, then what its
/// kind counts. Returns whether it changed.
pub fn set_hidden(tx: &mut Tx<'_>, c: &Content, hidden: bool) -> QueryResult<bool> {
    let changed = crate::content::set_hidden(tx, c.id, hidden)?;
    if changed && let Some(kind) = crate::kinds::registry().get(&c.kind) {
        kind.visibility_changed(tx, c, !hidden)?;
    }
    Ok(changed)
}

/// Delete a piece as a moderator: gone for everyone, with what its kind keeps about it.
pub fn delete(tx: &mut Tx<'_>, c: &Content) -> QueryResult<bool> {
    if c.is_deleted() {
        return Ok(false);
    }
    let kind = crate::kinds::registry().get(&c.kind);
    // The counts first, while the kind still finds the piece where it was.
    if let Some(kind) = kind
        && !c.is_hidden()
        && c.status == crate::content::STATUS_PUBLISHED
    {
        kind.visibility_changed(tx, c, false)?;
    }
    if !crate::content::delete(tx, c.id)? {
        return Ok(false);
    }
    if let Some(kind) = kind {
        kind.removed(tx, c)?;
    }
    Ok(true)
}

/// The setting holding how much flag weight hides a piece until a moderator looks.
pub const FLAG_THRESHOLD_KEY: &str = "moderation.flag_threshold";
pub const DEFAULT_FLAG_THRESHOLD: i64 = 3;

pub fn flag_threshold(conn: &mut crate::db::DbConn) -> QueryResult<i64> {
    Ok(crate::db::setting(conn, FLAG_THRESHOLD_KEY)?
        .and_then(|v| v.parse().ok())
        .filter(|n: &i64| *n > 0)
        .unwrap_or(DEFAULT_FLAG_THRESHOLD))
}
