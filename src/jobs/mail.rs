//! The mail outbox: rows written in the same unit of work as the notification they copy,
//! delivered by the worker in every app process (a row is claimed before it is sent, so two
//! processes never send the same message), retried with backoff. A copy about content is
//! withdrawn if its reader may no longer read that content when it is due.
//!
//! Notification copies carry an HTML part (sent as multipart/alternative) and the kind they are
//! about: they get `List-Unsubscribe` with a signed one-click link (RFC 8058). Copies held for a
//! member's digest (`digest` set) wait until their period ends, then
//! `notifications::mail::gather_digests` rolls them into one mail.

use std::time::Duration;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use lettre::message::header::{ContentTransferEncoding, ContentType, HeaderName, HeaderValue};
use lettre::message::{MultiPart, SinglePart};
use lettre::{FileTransport, Message, SmtpTransport, Transport};

use crate::config::Settings;
use crate::db::schema::mail_outbox;
use crate::db::{DbConn, Tx};

/// Links in stored messages start with this token; the worker puts the site's base URL there.
pub const BASE_URL_TOKEN: &str = "{{base_url}}";
/// Where a notification copy's unsubscribe link goes; the worker signs it when it sends.
pub const UNSUBSCRIBE_TOKEN: &str = "{{unsubscribe_url}}";
const BATCH: i64 = 50;
const MAX_ATTEMPTS: i32 = 10;

pub fn enqueue(
    tx: &mut Tx<'_>,
    to: &str,
    subject: &str,
    body: &str,
    user_id: Option<i64>,
    content_id: Option<i64>,
) -> QueryResult<()> {
    let now = crate::now();
    diesel::insert_into(mail_outbox::table)
        .values((
            mail_outbox::to_address.eq(to),
            mail_outbox::subject.eq(subject),
            mail_outbox::body.eq(body),
            mail_outbox::created_at.eq(now),
            mail_outbox::next_attempt_at.eq(now),
            mail_outbox::user_id.eq(user_id),
            mail_outbox::content_id.eq(content_id),
        ))
        .execute(tx.conn())?;
    tx.wake_worker();
    Ok(())
}

/// A notification's e-mail copy (or a digest of them).
pub struct Copy<'a> {
    pub to: &'a str,
    pub mail: &'a crate::notifications::mail::Composed,
    pub user_id: Option<i64>,
    pub content_id: Option<i64>,
    /// The notification kind, for the unsubscribe link.
    pub kind: &'a str,
    /// Held for a digest: its period and when the period ends.
    pub digest: Option<(&'a str, NaiveDateTime)>,
    /// The note the digest shows under the message (an idea's status note), if any.
    pub note: &'a str,
}

pub fn enqueue_copy(tx: &mut Tx<'_>, copy: &Copy<'_>) -> QueryResult<()> {
    let now = crate::now();
    let (digest, due) = copy.digest.unwrap_or(("", now));
    diesel::insert_into(mail_outbox::table)
        .values((
            mail_outbox::to_address.eq(copy.to),
            mail_outbox::subject.eq(&copy.mail.subject),
            mail_outbox::body.eq(&copy.mail.text),
            mail_outbox::html.eq(&copy.mail.html),
            mail_outbox::created_at.eq(now),
            mail_outbox::next_attempt_at.eq(due),
            mail_outbox::user_id.eq(copy.user_id),
            mail_outbox::content_id.eq(copy.content_id),
            mail_outbox::kind.eq(copy.kind),
            mail_outbox::digest.eq(digest),
            mail_outbox::note.eq(copy.note),
        ))
        .execute(tx.conn())?;
    if copy.digest.is_none() {
        tx.wake_worker();
    }
    Ok(())
}

enum Mailer {
    Smtp(Box<SmtpTransport>),
    Files(FileTransport),
}

fn mailer(settings: &Settings) -> anyhow::Result<Mailer> {
    match &settings.smtp_url {
        Some(url) => Ok(Mailer::Smtp(Box::new(
            SmtpTransport::from_url(url.expose())?.timeout(Some(Duration::from_secs(20))).build(),
        ))),
        None => {
            let dir = settings.data_dir.join("mail");
            std::fs::create_dir_all(&dir)?;
            Ok(Mailer::Files(FileTransport::new(dir)))
        }
    }
}

/// One message as the outbox holds it.
struct Outgoing {
    to: String,
    subject: String,
    body: String,
    html: String,
    /// The signed one-click unsubscribe address, for notification copies.
    unsubscribe: Option<String>,
}

fn header(name: &'static str, value: String) -> HeaderValue {
    HeaderValue::new(HeaderName::new_from_ascii_str(name), value)
}

fn send(mailer: &Mailer, settings: &Settings, m: &Outgoing) -> anyhow::Result<()> {
    let fill = |s: &str| {
        let s = s.replace(BASE_URL_TOKEN, &settings.base_url);
        let settings_page = format!("{}/settings/notifications", settings.base_url);
        s.replace(UNSUBSCRIBE_TOKEN, m.unsubscribe.as_deref().unwrap_or(&settings_page))
    };
    let mut builder = Message::builder().from(settings.mail_from.parse()?).to(m.to.parse()?).subject(&m.subject);
    if let Some(url) = &m.unsubscribe {
        builder = builder
            .raw_header(header("List-Unsubscribe", format!("<{url}>")))
            .raw_header(header("List-Unsubscribe-Post", "List-Unsubscribe=One-Click".into()));
    }
    let message = if m.html.is_empty() {
        builder.header(ContentType::TEXT_PLAIN).body(fill(&m.body))?
    } else {
        // Quoted-printable: readable in any mail tool, safe through any relay.
        let part = |kind: ContentType, text: String| {
            SinglePart::builder().header(kind).header(ContentTransferEncoding::QuotedPrintable).body(text)
        };
        builder.multipart(
            MultiPart::alternative()
                .singlepart(part(ContentType::TEXT_PLAIN, fill(&m.body)))
                .singlepart(part(ContentType::TEXT_HTML, fill(&m.html))),
        )?
    };
    match mailer {
        Mailer::Smtp(t) => {
            t.send(&message)?;
        }
        Mailer::Files(t) => {
            t.send(&message)?;
        }
    }
    Ok(())
}

type Due = (i64, String, String, String, i32, NaiveDateTime, Option<i64>, Option<i64>, String, String);

/// Deliver what is due now (first gathering the digests whose period ended); returns how many
/// messages went out.
pub fn deliver_due(conn: &mut DbConn, settings: &Settings) -> anyhow::Result<usize> {
    deliver_due_until(conn, settings, &|| false)
}

/// `deliver_due`, stopping before the next message once `stop` says so (the process is
/// shutting down: the message in hand is finished, the rest wait for the next process).
pub fn deliver_due_until(conn: &mut DbConn, settings: &Settings, stop: &dyn Fn() -> bool) -> anyhow::Result<usize> {
    crate::notifications::mail::gather_digests(conn)?;
    let now = crate::now();
    let due: Vec<Due> = mail_outbox::table
        .filter(mail_outbox::sent_at.is_null())
        .filter(mail_outbox::digest.eq(""))
        .filter(mail_outbox::attempts.lt(MAX_ATTEMPTS))
        .filter(mail_outbox::next_attempt_at.le(now))
        .order(mail_outbox::id.asc())
        .limit(BATCH)
        .select((
            mail_outbox::id,
            mail_outbox::to_address,
            mail_outbox::subject,
            mail_outbox::body,
            mail_outbox::attempts,
            mail_outbox::next_attempt_at,
            mail_outbox::user_id,
            mail_outbox::content_id,
            mail_outbox::html,
            mail_outbox::kind,
        ))
        .load(conn)?;
    if due.is_empty() {
        return Ok(0);
    }
    let mailer = mailer(settings)?;
    let secret = crate::notifications::prefs::secret(conn)?;
    let mut sent = 0;
    for (id, to, subject, body, attempts, due_at, user_id, content_id, html, kind) in due {
        if stop() {
            break;
        }
        // Claim the row: only the process whose update matches sends it.
        let claimed = crate::db::write(conn, |tx| {
            tx.quiet();
            diesel::update(mail_outbox::table.find(id).filter(mail_outbox::next_attempt_at.eq(due_at)))
                .set(mail_outbox::next_attempt_at.eq(now + chrono::Duration::minutes(10)))
                .execute(tx.conn())
        })?;
        if claimed == 0 {
            continue;
        }
        // The policy once more: what the copy shows may have been deleted, hidden or closed to
        // its reader since it was queued.
        if let (Some(u), Some(c)) = (user_id, content_id)
            && !crate::notifications::still_readable(conn, u, c)?
        {
            crate::db::write(conn, |tx| {
                tx.quiet();
                diesel::update(mail_outbox::table.find(id))
                    .set((mail_outbox::sent_at.eq(Some(crate::now())), mail_outbox::last_error.eq("withdrawn")))
                    .execute(tx.conn())
            })?;
            continue;
        }
        let unsubscribe = match (&secret, user_id) {
            (Some(key), Some(u)) if crate::notifications::prefs::known_kind(&kind) => {
                crate::notifications::prefs::token(key, u, &kind)
                    .map(|t| format!("{}/unsubscribe/{t}", settings.base_url))
            }
            _ => None,
        };
        match send(&mailer, settings, &Outgoing { to, subject, body, html, unsubscribe }) {
            Ok(()) => {
                crate::db::write(conn, |tx| {
                    tx.quiet();
                    diesel::update(mail_outbox::table.find(id))
                        .set(mail_outbox::sent_at.eq(Some(crate::now())))
                        .execute(tx.conn())
                })?;
                sent += 1;
            }
            Err(e) => {
                let backoff = chrono::Duration::minutes(2_i64.pow(attempts.clamp(0, 8) as u32));
                tracing::warn!(error = %e, id, "mail delivery failed; will retry");
                crate::db::write(conn, |tx| {
                    tx.quiet();
                    diesel::update(mail_outbox::table.find(id))
                        .set((
                            mail_outbox::attempts.eq(attempts + 1),
                            mail_outbox::next_attempt_at.eq(crate::now() + backoff),
                            mail_outbox::last_error.eq(e.to_string().chars().take(500).collect::<String>()),
                        ))
                        .execute(tx.conn())
                })?;
            }
        }
    }
    Ok(sent)
}
