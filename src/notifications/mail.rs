//! The e-mail copies of notifications: one mail per notification, or a daily or weekly digest
//! of them, each in plain text and HTML in the recipient's language. Links start with
//! `jobs::mail::BASE_URL_TOKEN`; the unsubscribe link (`UNSUBSCRIBE_TOKEN`) is signed when the
//! mail is sent (`jobs::mail`).

use askama::Template;
use diesel::prelude::*;

use super::prefs::{self, Digest};
use super::{Recipient, message};
use crate::db::schema::{contents, mail_outbox, users};
use crate::db::{DbConn, Tx};
use crate::jobs::mail::{BASE_URL_TOKEN, UNSUBSCRIBE_TOKEN};
use crate::web::Lang;

/// Copies gathered into one digest at most (more wait for the next round).
const DIGEST_ITEMS: i64 = 200;
/// Members whose digests are gathered per round.
const DIGEST_MEMBERS: i64 = 20;

/// One notification in a mail.
pub struct Item {
    pub message: String,
    pub note: String,
    pub excerpt: String,
    pub link: String,
}

#[derive(Template)]
#[template(path = "mail/notification.html")]
struct Html<'a> {
    lang: &'a str,
    subject: &'a str,
    intro: &'a str,
    items: &'a [Item],
    open: String,
    footer: String,
    settings: String,
    settings_link: String,
    unsubscribe: String,
    unsubscribe_link: &'a str,
}

/// A mail ready for the outbox: subject, plain text and HTML.
pub struct Composed {
    pub subject: String,
    pub text: String,
    pub html: String,
}

fn compose(lang: Lang, subject: String, intro: &str, items: &[Item]) -> Composed {
    let mut text = String::new();
    if !intro.is_empty() {
        text.push_str(intro);
        text.push_str("\n\n");
    }
    for item in items {
        if items.len() > 1 || !intro.is_empty() {
            text.push_str("* ");
        }
        text.push_str(&item.message);
        text.push_str("\n\n");
        for part in [&item.note, &item.excerpt] {
            if !part.is_empty() {
                text.push_str(part);
                text.push_str("\n\n");
            }
        }
        text.push_str(&item.link);
        text.push_str("\n\n");
    }
    let settings_link = format!("{BASE_URL_TOKEN}/settings/notifications");
    let (footer, unsubscribe) = (lang.t("mail-footer"), lang.t("mail-unsubscribe"));
    text.push_str(&format!("-- \n{footer}\n{settings_link}\n{unsubscribe}: {UNSUBSCRIBE_TOKEN}\n"));
    let html = Html {
        lang: lang.code(),
        subject: &subject,
        intro,
        items,
        open: lang.t("mail-open"),
        footer,
        settings: lang.t("prefs-title"),
        settings_link,
        unsubscribe,
        unsubscribe_link: UNSUBSCRIBE_TOKEN,
    }
    .render()
    .unwrap_or_default();
    Composed { subject, text, html }
}

fn lang_of(r: &Recipient) -> Lang {
    r.locale.as_deref().and_then(Lang::from_code).unwrap_or_default()
}

/// Queue the e-mail copy of a notification: sent at once, or held for the recipient's digest.
pub(super) fn queue(
    tx: &mut Tx<'_>,
    r: &Recipient,
    kind: &str,
    actor_id: Option<i64>,
    content_id: Option<i64>,
    detail: &str,
) -> QueryResult<()> {
    let lang = lang_of(r);
    let actor = match actor_id {
        Some(a) => users::table
            .find(a)
            .select((users::username, users::display_name))
            .first::<(String, String)>(tx.conn())
            .optional()?,
        None => None,
    };
    let actor = actor.map(|(u, d)| if d.is_empty() { u } else { d }).unwrap_or_default();
    let (excerpt, content_kind, path, title) = match content_id {
        Some(c) => {
            let (excerpt, kind): (String, String) =
                contents::table.find(c).select((contents::excerpt, contents::kind)).first(tx.conn())?;
            let title = super::titles(tx.conn(), &[c])?.remove(&c).unwrap_or_default();
            (excerpt, kind, format!("/content/{c}"), title)
        }
        None => (String::new(), String::new(), "/notifications".into(), String::new()),
    };
    let item = Item {
        message: message(lang, kind, &actor, detail, &content_kind, &title),
        note: super::detail_note(detail).to_string(),
        excerpt,
        link: format!("{BASE_URL_TOKEN}{path}"),
    };
    let mail = compose(lang, item.message.clone(), "", std::slice::from_ref(&item));
    // A keyword alert is an early warning: never held for a digest.
    let digest = if kind == super::KIND_KEYWORD { Digest::Immediate } else { r.prefs.digest() };
    crate::jobs::mail::enqueue_copy(
        tx,
        &crate::jobs::mail::Copy {
            to: &r.email,
            mail: &mail,
            user_id: r.viewer.user_id,
            content_id,
            kind,
            digest: (digest != Digest::Immediate).then_some((digest.code(), digest.due(crate::now()))),
            note: &item.note,
        },
    )
}

/// Gather the held copies that are due into one digest per member (a bounded number of
/// members per round, each a unit of work). Returns how many digests were queued.
pub fn gather_digests(conn: &mut DbConn) -> QueryResult<usize> {
    let now = crate::now();
    let members: Vec<Option<i64>> = mail_outbox::table
        .filter(mail_outbox::sent_at.is_null())
        .filter(mail_outbox::digest.ne(""))
        .filter(mail_outbox::next_attempt_at.le(now))
        .select(mail_outbox::user_id)
        .distinct()
        .limit(DIGEST_MEMBERS)
        .load(conn)?;
    let mut queued = 0;
    for user_id in members.into_iter().flatten() {
        if crate::db::write(conn, |tx| {
            tx.quiet();
            digest_for(tx, user_id, now)
        })? {
            queued += 1;
        }
    }
    Ok(queued)
}

/// One member's digest, in a unit of work: their row is held, so a second worker gathering at
/// the same time waits and then finds the copies gone.
fn digest_for(tx: &mut Tx<'_>, user_id: i64, now: chrono::NaiveDateTime) -> QueryResult<bool> {
    tx.lock("users", "id", user_id)?;
    let rows: Vec<(i64, String, Option<i64>, String, String)> = mail_outbox::table
        .filter(mail_outbox::user_id.eq(user_id))
        .filter(mail_outbox::sent_at.is_null())
        .filter(mail_outbox::digest.ne(""))
        .filter(mail_outbox::next_attempt_at.le(now))
        .order(mail_outbox::id.asc())
        .limit(DIGEST_ITEMS)
        .select((
            mail_outbox::id,
            mail_outbox::subject,
            mail_outbox::content_id,
            mail_outbox::digest,
            mail_outbox::note,
        ))
        .load(tx.conn())?;
    if rows.is_empty() {
        return Ok(false);
    }
    let recipient = super::recipients(tx, &[user_id])?.into_iter().next();
    let mut items = Vec::new();
    let mut period = Digest::Daily;
    for (id, subject, content_id, digest, note) in rows {
        // The policy once more, as for a single copy: what it is about may have been deleted,
        // hidden or closed to the reader since it was queued.
        let readable = match (&recipient, content_id) {
            (None, _) => false,
            (Some(r), Some(c)) => super::Readers::of(tx, c)?.is_some_and(|readers| readers.include(&r.viewer)),
            (Some(_), None) => true,
        };
        let outcome = if readable { "digest" } else { "withdrawn" };
        diesel::update(mail_outbox::table.find(id))
            .set((mail_outbox::sent_at.eq(Some(now)), mail_outbox::last_error.eq(outcome)))
            .execute(tx.conn())?;
        if !readable {
            continue;
        }
        if digest == Digest::Weekly.code() {
            period = Digest::Weekly;
        }
        let (excerpt, link) = match content_id {
            Some(c) => (
                contents::table.find(c).select(contents::excerpt).first(tx.conn())?,
                format!("{BASE_URL_TOKEN}/content/{c}"),
            ),
            None => (String::new(), format!("{BASE_URL_TOKEN}/notifications")),
        };
        items.push(Item { message: subject, note, excerpt, link });
    }
    let Some(r) = recipient.filter(|_| !items.is_empty()) else { return Ok(false) };
    let lang = lang_of(&r);
    let count = items.len() as i64;
    let subject = match period {
        Digest::Weekly => lang.tn("mail-digest-weekly", count),
        _ => lang.tn("mail-digest-daily", count),
    };
    let intro = lang.tn("mail-digest-intro", count);
    let mail = compose(lang, subject, &intro, &items);
    crate::jobs::mail::enqueue_copy(
        tx,
        &crate::jobs::mail::Copy {
            to: &r.email,
            mail: &mail,
            user_id: Some(user_id),
            content_id: None,
            kind: prefs::ALL_MAIL,
            digest: None,
            note: "",
        },
    )?;
    Ok(true)
}
