//! The mail outbox: rows written in the same unit of work as the notification they copy,
//! delivered by the worker in every app process (a row is claimed before it is sent, so two
//! processes never send the same message), retried with backoff. A copy about content is
//! withdrawn if its reader may no longer read that content when it is due.

use std::time::Duration;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use lettre::message::header::ContentType;
use lettre::{FileTransport, Message, SmtpTransport, Transport};

use crate::config::Settings;
use crate::db::schema::mail_outbox;
use crate::db::{DbConn, Tx};

/// Links in stored messages start with this token; the worker puts the site's base URL there.
pub const BASE_URL_TOKEN: &str = "{{base_url}}";
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

fn send(mailer: &Mailer, settings: &Settings, to: &str, subject: &str, body: &str) -> anyhow::Result<()> {
    let message = Message::builder()
        .from(settings.mail_from.parse()?)
        .to(to.parse()?)
        .subject(subject)
        .header(ContentType::TEXT_PLAIN)
        .body(body.replace(BASE_URL_TOKEN, &settings.base_url))?;
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

type Due = (i64, String, String, String, i32, NaiveDateTime, Option<i64>, Option<i64>);

/// Deliver what is due now; returns how many messages went out.
pub fn deliver_due(conn: &mut DbConn, settings: &Settings) -> anyhow::Result<usize> {
    deliver_due_until(conn, settings, &|| false)
}

/// `deliver_due`, stopping before the next message once `stop` says so (the process is
/// shutting down: the message in hand is finished, the rest wait for the next process).
pub fn deliver_due_until(conn: &mut DbConn, settings: &Settings, stop: &dyn Fn() -> bool) -> anyhow::Result<usize> {
    let now = crate::now();
    let due: Vec<Due> = mail_outbox::table
        .filter(mail_outbox::sent_at.is_null())
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
        ))
        .load(conn)?;
    if due.is_empty() {
        return Ok(0);
    }
    let mailer = mailer(settings)?;
    let mut sent = 0;
    for (id, to, subject, body, attempts, due_at, user_id, content_id) in due {
        if stop() {
            break;
        }
        // Claim the row: only the process whose update matches sends it.
        let claimed = crate::db::write(conn, |tx| {
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
                diesel::update(mail_outbox::table.find(id))
                    .set((mail_outbox::sent_at.eq(Some(crate::now())), mail_outbox::last_error.eq("withdrawn")))
                    .execute(tx.conn())
            })?;
            continue;
        }
        match send(&mailer, settings, &to, &subject, &body) {
            Ok(()) => {
                crate::db::write(conn, |tx| {
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
