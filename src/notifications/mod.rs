//! In-site notifications (and their e-mail copies): a row per event for a person, an unread
//! count in the header, a page.
//!
//! The policy is asked twice. When a notification is created, the recipient must be allowed to
//! read what it is about, as they are at that moment (a quote from inside an internal board does
//! not reach the quoted customer). When notifications are shown or counted, only those whose
//! content the reader may still read count and show: deleted content, content hidden by a
//! moderator or moved out of their reach drops out of both the list and the count.

pub mod handlers;
pub mod mail;
pub mod mentions;
pub mod prefs;
pub mod subscriptions;

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::accounts::AuthorView;
use crate::content::kind::Registry;
use crate::db::schema::{contents, group_members, notifications, users};
use crate::db::{DbConn, Tx};
use crate::policy::{Guard, Roles, Viewer};

/// What a muted member's actions no longer tell: what members do to each other. What staff,
/// editors and the keyword alerts send is never muted.
pub const MUTABLE: [&str; 7] =
    [KIND_COMMENT, KIND_REPLY, KIND_TOPIC_REPLY, KIND_FOLLOWED_REPLY, KIND_NEW_TOPIC, KIND_QUOTE, KIND_MENTION];

pub const KIND_COMMENT: &str = "comment";
pub const KIND_REPLY: &str = "reply";
pub const KIND_TOPIC_REPLY: &str = "topic_reply";
pub const KIND_FOLLOWED_REPLY: &str = "followed_reply";
pub const KIND_NEW_TOPIC: &str = "new_topic";
pub const KIND_QUOTE: &str = "quote";
pub const KIND_MENTION: &str = "mention";
pub const KIND_ACCEPTED: &str = "accepted";
pub const KIND_IDEA_STATUS: &str = "idea_status";
pub const KIND_RESPONSE: &str = "response";
/// An editor accepted a member's pending edit of a magazine article (`detail`: its title).
pub const KIND_EDIT_ACCEPTED: &str = "edit_accepted";
/// An editor did not accept a member's pending edit (`detail`: its title, then the note).
pub const KIND_EDIT_REJECTED: &str = "edit_rejected";
/// An editor accepted a member's entry into a contribution area (`detail`: its title).
pub const KIND_ENTRY_ACCEPTED: &str = "entry_accepted";
/// An editor returned an entry to its author to change (`detail`: its title, then the note).
pub const KIND_ENTRY_RETURNED: &str = "entry_returned";
/// An editor declined an entry (`detail`: its title, then the note).
pub const KIND_ENTRY_DECLINED: &str = "entry_declined";
/// A member's entry won an award in a call (`detail`: the call's title, then the award).
pub const KIND_ENTRY_AWARDED: &str = "entry_awarded";
/// Flags hid a member's piece until a moderator looks (`detail`: its title).
pub const KIND_MOD_HIDDEN: &str = "mod_hidden";
/// A moderator showed a member's piece again (`detail`: its title).
pub const KIND_MOD_RESTORED: &str = "mod_restored";
/// A moderator approved the member's held piece: it is published (`detail`: its title).
pub const KIND_MOD_APPROVED: &str = "mod_approved";
/// A moderator edited the member's piece (`detail`: its title or excerpt).
pub const KIND_MOD_EDITED: &str = "mod_edited";
/// A moderator warned the member (`detail`: the reason).
pub const KIND_MOD_WARNED: &str = "mod_warned";
/// A moderator silenced the member (`detail`: the reason).
pub const KIND_MOD_SILENCED: &str = "mod_silenced";
/// A new public piece contains a word a staff member watches (`detail`: the word).
pub const KIND_KEYWORD: &str = "keyword";
/// A subscription was dropped because its owner may no longer read it (`detail` names it).
pub const KIND_ACCESS_LOST: &str = "access_lost";

/// A recipient as the policy sees them, with what their e-mail copy needs.
#[derive(Clone, Debug)]
pub struct Recipient {
    pub viewer: Viewer,
    pub email: String,
    pub locale: Option<String>,
    /// What they want to hear about, and how.
    pub prefs: prefs::Prefs,
    /// The members they mute: what those do tells them nothing (`accounts::mutes`).
    pub muted: Vec<i64>,
}

/// Load recipients (active accounts only), with their roles and groups, in two queries.
pub fn recipients(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<Recipient>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(i64, String, String, Option<String>, bool)> = users::table
        .filter(users::id.eq_any(ids))
        .filter(users::suspended_at.is_null())
        .select((users::id, users::roles, users::email, users::locale, users::email_notifications))
        .load(conn)?;
    let memberships: Vec<(i64, i64)> = group_members::table
        .filter(group_members::user_id.eq_any(ids))
        .select((group_members::user_id, group_members::group_id))
        .load(conn)?;
    let mut chosen = prefs::load_many(conn, ids)?;
    let mutes = crate::accounts::mutes::muting(conn, ids)?;
    Ok(rows
        .into_iter()
        .map(|(id, roles, email, locale, default_email)| {
            let groups = memberships.iter().filter(|(u, _)| *u == id).map(|(_, g)| *g).collect();
            let prefs = prefs::Prefs { default_email, set: chosen.remove(&id).unwrap_or_default() };
            let muted = mutes.iter().filter(|(u, _)| *u == id).map(|(_, other)| *other).collect();
            Recipient { viewer: Viewer::member(id, Roles::parse(&roles), groups), email, locale, prefs, muted }
        })
        .collect())
}

/// Who may read a piece of content now: whether it is live, and its audience's grants.
pub struct Readers {
    live: bool,
    grants: Vec<String>,
}

impl Readers {
    pub fn of(conn: &mut DbConn, content_id: i64) -> QueryResult<Option<Readers>> {
        let Some((live, audience)) = contents::table
            .find(content_id)
            .select((contents::live, contents::audience_id))
            .first::<(bool, i64)>(conn)
            .optional()?
        else {
            return Ok(None);
        };
        Ok(Some(Readers { live, grants: crate::policy::grant_names(conn, audience)? }))
    }

    /// The same rule as `Guard::can_read` for live content, without a query per person.
    pub fn include(&self, viewer: &Viewer) -> bool {
        self.live && viewer.admitted_by(&self.grants)
    }
}

/// Tell one person about `content_id`, unless they were told already in this change (`told`),
/// or may not read it. Returns whether a notification was made.
pub fn notify(
    tx: &mut Tx<'_>,
    user_id: i64,
    kind: &str,
    actor_id: Option<i64>,
    content_id: i64,
    told: &mut Vec<i64>,
) -> QueryResult<bool> {
    notify_with(tx, user_id, kind, actor_id, content_id, "", told)
}

/// `notify` with a `detail` (see `detail`).
pub fn notify_with(
    tx: &mut Tx<'_>,
    user_id: i64,
    kind: &str,
    actor_id: Option<i64>,
    content_id: i64,
    detail: &str,
    told: &mut Vec<i64>,
) -> QueryResult<bool> {
    if told.contains(&user_id) {
        return Ok(false);
    }
    told.push(user_id);
    let Some(readers) = Readers::of(tx, content_id)? else { return Ok(false) };
    let recipients = recipients(tx, &[user_id])?;
    let Some(r) = recipients.first() else { return Ok(false) };
    if !readers.include(&r.viewer) {
        return Ok(false);
    }
    create(tx, r, kind, actor_id, Some(content_id), detail)?;
    Ok(true)
}

/// Record a notification for a recipient the caller checked, as they chose for its kind: in-site,
/// with an e-mail copy (same unit of work: never e-mailed twice or lost), or not at all.
pub fn create(
    tx: &mut Tx<'_>,
    r: &Recipient,
    kind: &str,
    actor_id: Option<i64>,
    content_id: Option<i64>,
    detail: &str,
) -> QueryResult<()> {
    let Some(user_id) = r.viewer.user_id else { return Ok(()) };
    if actor_id.is_some_and(|a| r.muted.contains(&a)) && MUTABLE.contains(&kind) {
        return Ok(());
    }
    let channel = r.prefs.channel(kind);
    if channel == prefs::Channel::Off {
        return Ok(());
    }
    diesel::insert_into(notifications::table)
        .values((
            notifications::user_id.eq(user_id),
            notifications::kind.eq(kind),
            notifications::actor_id.eq(actor_id),
            notifications::content_id.eq(content_id),
            notifications::created_at.eq(crate::now()),
            notifications::detail.eq(detail),
        ))
        .execute(tx.conn())?;
    if channel == prefs::Channel::Email {
        mail::queue(tx, r, kind, actor_id, content_id, detail)?;
    }
    Ok(())
}

/// May this person still read this content (an e-mail copy about to go out)?
pub fn still_readable(conn: &mut DbConn, user_id: i64, content_id: i64) -> QueryResult<bool> {
    let Some(readers) = Readers::of(conn, content_id)? else { return Ok(false) };
    Ok(recipients(conn, &[user_id])?.first().is_some_and(|r| readers.include(&r.viewer)))
}

/// Unread notifications the reader may still read: the header's count. The same filter as the
/// list, so the two always agree.
pub fn unread_count(conn: &mut DbConn, guard: &Guard) -> QueryResult<i64> {
    let Some(user_id) = guard.user_id() else { return Ok(0) };
    notifications::table
        .left_join(contents::table.on(notifications::content_id.eq(contents::id.nullable())))
        .filter(notifications::user_id.eq(user_id))
        .filter(notifications::read_at.is_null())
        .into_boxed()
        .filter(guard.optional_content_filter())
        .count()
        .get_result(conn)
}

#[derive(Clone, Debug)]
pub struct NotificationView {
    pub id: i64,
    pub kind: String,
    pub actor: Option<AuthorView>,
    pub excerpt: String,
    pub detail: String,
    pub path: String,
    pub created_at: NaiveDateTime,
    pub unread: bool,
    /// The kind of content it is about ("reply"), or "".
    pub content_kind: String,
    /// The title of what it is about: the post a comment is on, the topic a reply is in; or "".
    pub title: String,
}

impl NotificationView {
    /// What happened, in a sentence.
    pub fn message(&self, lang: &crate::web::Lang) -> String {
        let actor = self.actor.as_ref().map_or("—", |a| a.name());
        message(*lang, &self.kind, actor, &self.detail, &self.content_kind, &self.title)
    }

    /// The note that came with it (an editor's reason, a status change's words), or "".
    pub fn note(&self) -> &str {
        detail_note(&self.detail)
    }

    pub fn is_access_lost(&self) -> bool {
        self.kind == KIND_ACCESS_LOST
    }
}

/// What happened, in a sentence, on the page and in the e-mail: who did it (`actor`), and what
/// it is about, named by its content kind ("in a reply").
pub fn message(
    lang: crate::web::Lang,
    kind: &str,
    actor: &str,
    detail: &str,
    content_kind: &str,
    title: &str,
) -> String {
    let noun = crate::kinds::registry().noun_key(content_kind);
    let what = if noun.is_empty() { String::new() } else { lang.t(noun) };
    let detail = detail.split_once('\n').map_or(detail, |(first, _)| first);
    let mut names = detail.split(NAME_SEPARATOR);
    let detail = match (lang, names.next(), names.next()) {
        (crate::web::Lang::Zh, Some(_), Some(zh)) if !zh.is_empty() => zh,
        (_, Some(first), _) => first,
        _ => detail,
    };
    let key = message_key(kind);
    // Said with the title of what it is about when there is one: "… commented on your post “X”".
    let key = match titled_key(key) {
        Some(titled) if !title.trim().is_empty() => titled,
        _ => key,
    };
    lang.ta(
        key,
        &[("actor", actor.to_string()), ("detail", detail.to_string()), ("what", what), ("title", inner_quotes(title))],
    )
}

/// A title quoted inside the sentence: its own double quotes become single ones (“A ‘B’ C”,
/// never “A “B” C”), as both languages write a quote within a quote.
fn inner_quotes(title: &str) -> String {
    title
        .chars()
        .map(|c| match c {
            '“' => '‘',
            '”' => '’',
            c => c,
        })
        .collect()
}

/// The sentence that names the title, for the events about a piece with one.
fn titled_key(key: &str) -> Option<&'static str> {
    Some(match key {
        "notif-comment" => "notif-comment-on",
        "notif-reply" => "notif-reply-on",
        "notif-topic-reply" => "notif-topic-reply-on",
        "notif-followed-reply" => "notif-followed-reply-on",
        "notif-new-topic" => "notif-new-topic-on",
        "notif-quote" => "notif-quote-on",
        "notif-mention" => "notif-mention-on",
        "notif-accepted" => "notif-accepted-on",
        "notif-response" => "notif-response-on",
        _ => return None,
    })
}

/// The title each piece is known by: its own, else its parent's (a comment's post, a reply's
/// topic), else its grandparent's (a reply to a comment).
pub fn titles(conn: &mut DbConn, ids: &[i64]) -> QueryResult<HashMap<i64, String>> {
    let mut out = HashMap::new();
    // (asked for, looking at now)
    let mut pending: Vec<(i64, i64)> = ids.iter().map(|&id| (id, id)).collect();
    for _ in 0..3 {
        if pending.is_empty() {
            break;
        }
        let look: Vec<i64> = pending.iter().map(|p| p.1).collect();
        let rows: HashMap<i64, (String, Option<i64>)> = contents::table
            .filter(contents::id.eq_any(&look))
            .select((contents::id, contents::title, contents::parent_id))
            .load::<(i64, String, Option<i64>)>(conn)?
            .into_iter()
            .map(|(id, title, parent)| (id, (title, parent)))
            .collect();
        let mut next = Vec::new();
        for (asked, at) in pending {
            match rows.get(&at) {
                Some((title, _)) if !title.trim().is_empty() => {
                    out.insert(asked, title.clone());
                }
                Some((_, Some(parent))) => next.push((asked, *parent)),
                _ => {}
            }
        }
        pending = next;
    }
    Ok(out)
}

/// Between the names of a thing in each language (English first) in a `detail`.
const NAME_SEPARATOR: char = '\u{1f}';

/// A `detail` naming a thing (in each language, English first: `[en, zh]`) with a note.
pub fn detail(names: &[&str], note: &str) -> String {
    let names: Vec<String> = names.iter().map(|n| n.replace(['\n', NAME_SEPARATOR], " ")).collect();
    let names = names.join(&NAME_SEPARATOR.to_string());
    if note.trim().is_empty() { names } else { format!("{names}\n{}", note.trim()) }
}

/// A notification's `detail` is a line the sentence names (a status, a topic's title), and may
/// go on with a note the e-mail shows under it (the note of a status change).
pub fn detail_note(detail: &str) -> &str {
    detail.split_once('\n').map_or("", |(_, note)| note.trim())
}

/// Catalog key describing an event of a kind.
fn message_key(kind: &str) -> &'static str {
    match kind {
        KIND_COMMENT => "notif-comment",
        KIND_REPLY => "notif-reply",
        KIND_TOPIC_REPLY => "notif-topic-reply",
        KIND_FOLLOWED_REPLY => "notif-followed-reply",
        KIND_NEW_TOPIC => "notif-new-topic",
        KIND_QUOTE => "notif-quote",
        KIND_MENTION => "notif-mention",
        KIND_ACCEPTED => "notif-accepted",
        KIND_IDEA_STATUS => "notif-idea-status",
        KIND_RESPONSE => "notif-response",
        KIND_EDIT_ACCEPTED => "notif-edit-accepted",
        KIND_EDIT_REJECTED => "notif-edit-rejected",
        KIND_ENTRY_ACCEPTED => "notif-entry-accepted",
        KIND_ENTRY_RETURNED => "notif-entry-returned",
        KIND_ENTRY_DECLINED => "notif-entry-declined",
        KIND_ENTRY_AWARDED => "notif-entry-awarded",
        KIND_ACCESS_LOST => "notif-access-lost",
        KIND_MOD_HIDDEN => "notif-mod-hidden",
        KIND_KEYWORD => "notif-keyword",
        KIND_MOD_RESTORED => "notif-mod-restored",
        KIND_MOD_EDITED => "notif-mod-edited",
        KIND_MOD_APPROVED => "notif-mod-approved",
        KIND_MOD_WARNED => "notif-mod-warned",
        KIND_MOD_SILENCED => "notif-mod-silenced",
        _ => "notif-other",
    }
}

pub const PAGE_SIZE: i64 = 30;

type ListRow = (
    i64,
    String,
    Option<NaiveDateTime>,
    NaiveDateTime,
    Option<i64>,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// A page of the notifications the reader may still read, newest first, and how many there
/// are, with the same filter as the unread count.
pub fn list(
    conn: &mut DbConn,
    guard: &Guard,
    kinds: &Registry,
    page: i64,
) -> QueryResult<(Vec<NotificationView>, i64)> {
    let Some(user_id) = guard.user_id() else { return Ok((Vec::new(), 0)) };
    let build = || {
        notifications::table
            .left_join(users::table.on(notifications::actor_id.eq(users::id.nullable())))
            .left_join(contents::table.on(notifications::content_id.eq(contents::id.nullable())))
            .filter(notifications::user_id.eq(user_id))
            .into_boxed()
            .filter(guard.optional_content_filter())
    };
    let total: i64 = build().count().get_result(conn)?;
    let rows: Vec<ListRow> = build()
        .order(notifications::id.desc())
        .limit(PAGE_SIZE)
        .offset((page.max(1) - 1) * PAGE_SIZE)
        .select((
            notifications::id,
            notifications::kind,
            notifications::read_at,
            notifications::created_at,
            notifications::content_id,
            notifications::detail,
            users::username.nullable(),
            users::display_name.nullable(),
            users::roles.nullable(),
            contents::excerpt.nullable(),
            contents::kind.nullable(),
        ))
        .load(conn)?;
    let ids: Vec<i64> = rows.iter().filter_map(|r| r.4).collect();
    let paths = kinds.paths_for(conn, &ids)?;
    let mut titles = titles(conn, &ids)?;
    let views = rows
        .into_iter()
        .map(|(id, kind, read_at, created_at, content_id, detail, username, display_name, roles, excerpt, ckind)| {
            NotificationView {
                id,
                kind,
                actor: username.map(|username| {
                    AuthorView::from_row(username, display_name.unwrap_or_default(), roles.as_deref().unwrap_or(""))
                }),
                excerpt: excerpt.unwrap_or_default(),
                detail,
                path: content_id.and_then(|c| paths.get(&c).cloned()).unwrap_or_else(|| "/notifications".into()),
                created_at,
                unread: read_at.is_none(),
                content_kind: ckind.unwrap_or_default(),
                title: content_id.and_then(|c| titles.remove(&c)).unwrap_or_default(),
            }
        })
        .collect();
    Ok((views, total))
}

pub fn mark_all_read(tx: &mut Tx<'_>, user_id: i64) -> QueryResult<usize> {
    diesel::update(
        notifications::table.filter(notifications::user_id.eq(user_id)).filter(notifications::read_at.is_null()),
    )
    .set(notifications::read_at.eq(Some(crate::now())))
    .execute(tx.conn())
}

/// Mark one read; returns what it is about (`None` when it is not the user's).
pub fn open(tx: &mut Tx<'_>, user_id: i64, id: i64) -> QueryResult<Option<Option<i64>>> {
    let row: Option<Option<i64>> = notifications::table
        .filter(notifications::id.eq(id))
        .filter(notifications::user_id.eq(user_id))
        .select(notifications::content_id)
        .first(tx.conn())
        .optional()?;
    if row.is_some() {
        diesel::update(notifications::table.find(id))
            .set(notifications::read_at.eq(Some(crate::now())))
            .execute(tx.conn())?;
    }
    Ok(row)
}
