//! What happens to members: a warning (a message), a silence (reads, does not post) or a
//! suspension (cannot log in), each with a reason the member reads, an end (or none: permanent)
//! and an e-mail; one appeal per silence or suspension, answered by a moderator.
//!
//! The `sanctions` rows are the record; `users.suspended_*`/`silenced_*` are what every request
//! reads, derived from the rows by `sync_member` whenever one is imposed, lifted or ends.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{Entry, Subject};
use crate::accounts::User;
use crate::db::schema::{appeals, sanctions, users};
use crate::db::{DbConn, Tx};
use crate::web::Lang;

pub const WARN: &str = "warn";
pub const SILENCE: &str = "silence";
pub const SUSPEND: &str = "suspend";

#[derive(Queryable, Clone, Debug)]
pub struct Sanction {
    pub id: i64,
    pub user_id: i64,
    pub kind: String,
    /// What the member is told.
    pub reason: String,
    /// What only staff read.
    pub note: String,
    pub ends_at: Option<NaiveDateTime>,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub lifted_at: Option<NaiveDateTime>,
    pub lifted_by: Option<i64>,
}

impl Sanction {
    /// In force now: a silence or suspension not lifted and not over.
    pub fn in_force(&self, now: NaiveDateTime) -> bool {
        self.kind != WARN && self.lifted_at.is_none() && self.ends_at.is_none_or(|e| e > now)
    }

    pub fn is_permanent(&self) -> bool {
        self.ends_at.is_none()
    }

    pub fn kind_key(&self) -> &'static str {
        kind_key(&self.kind)
    }

    pub fn shown_reason(&self, lang: &Lang) -> String {
        shown_reason(*lang, &self.reason)
    }
}

pub fn kind_key(kind: &str) -> &'static str {
    match kind {
        WARN => "mod-sanction-warn",
        SILENCE => "mod-sanction-silence",
        SUSPEND => "mod-sanction-suspend",
        _ => "",
    }
}

#[derive(Queryable, Clone, Debug)]
pub struct Appeal {
    pub id: i64,
    pub sanction_id: i64,
    pub user_id: i64,
    pub body: String,
    pub created_at: NaiveDateTime,
    /// lifted or upheld, once answered.
    pub outcome: Option<String>,
    pub answer: String,
    pub answered_by: Option<i64>,
    pub answered_at: Option<NaiveDateTime>,
}

/// A sanction to impose.
pub struct New<'a> {
    pub kind: &'a str,
    pub reason: &'a str,
    pub note: &'a str,
    pub ends_at: Option<NaiveDateTime>,
    pub by: Option<i64>,
    /// The content that led to it, for the log (from the queue).
    pub content: Option<&'a crate::content::Content>,
}

/// Impose a sanction on a member: the row, their standing, the log, and the e-mail (with a
/// link to appeal a silence or suspension). A new silence or suspension replaces the one in
/// force.
pub fn impose(tx: &mut Tx<'_>, member: &User, new: &New<'_>, lang: Lang, site_name: &str) -> QueryResult<i64> {
    let now = crate::now();
    if new.kind != WARN {
        diesel::update(
            sanctions::table
                .filter(sanctions::user_id.eq(member.id))
                .filter(sanctions::kind.eq(new.kind))
                .filter(sanctions::lifted_at.is_null()),
        )
        .set((sanctions::lifted_at.eq(Some(now)), sanctions::lifted_by.eq(new.by)))
        .execute(tx.conn())?;
    }
    let id: i64 = diesel::insert_into(sanctions::table)
        .values((
            sanctions::user_id.eq(member.id),
            sanctions::kind.eq(new.kind),
            sanctions::reason.eq(new.reason),
            sanctions::note.eq(new.note),
            sanctions::ends_at.eq(new.ends_at),
            sanctions::created_by.eq(new.by),
            sanctions::created_at.eq(now),
        ))
        .returning(sanctions::id)
        .get_result(tx.conn())?;
    sync_member(tx, member.id)?;
    if new.kind == SUSPEND {
        crate::accounts::sessions::revoke_all(tx, member.id)?;
    }
    super::record(
        tx,
        Entry {
            moderator_id: new.by,
            action: new.kind,
            content: new.content,
            user_id: Some(member.id),
            reason: "",
            note: new.note,
        },
    )?;
    mail_sanction(tx, member, new, lang, site_name)?;
    let told = match new.kind {
        WARN => Some(crate::notifications::KIND_MOD_WARNED),
        SILENCE => Some(crate::notifications::KIND_MOD_SILENCED),
        _ => None,
    };
    if let Some(kind) = told {
        super::flags::tell_author(tx, member.id, kind, &shown_reason(lang, new.reason))?;
    }
    Ok(id)
}

/// The member's e-mail about a sanction: what, why, until when, and how to appeal.
fn mail_sanction(tx: &mut Tx<'_>, member: &User, new: &New<'_>, lang: Lang, site_name: &str) -> QueryResult<()> {
    let lang = member.locale.as_deref().and_then(Lang::from_code).unwrap_or(lang);
    let args = vec![("site", site_name.to_string()), ("username", member.username.clone())];
    let mut lines = vec![lang.ta(&format!("mail-{}-intro", new.kind), &args)];
    lines.push(lang.ta("mail-sanction-reason", &[("reason", shown_reason(lang, new.reason))]));
    if new.kind != WARN {
        lines.push(match new.ends_at {
            Some(end) => lang.ta("mail-sanction-until", &[("until", lang.datetime(end, "UTC"))]),
            None => lang.t("mail-sanction-permanent"),
        });
        let token =
            crate::accounts::tokens::issue(tx, member.id, crate::accounts::tokens::Purpose::Appeal, &member.email)?;
        lines.push(lang.t("mail-sanction-appeal"));
        lines.push(format!("{}/appeal?token={token}", crate::jobs::mail::BASE_URL_TOKEN));
    }
    let subject = lang.ta(&format!("mail-{}-subject", new.kind), &args);
    crate::jobs::mail::enqueue(tx, &member.email, &subject, &lines.join("\n\n"), Some(member.id), None)
}

/// A reason as the member reads it ("No reason was given." for none).
pub fn shown_reason(lang: Lang, reason: &str) -> String {
    if reason.trim().is_empty() { lang.t("mod-no-reason") } else { reason.to_string() }
}

/// Lift a sanction (by hand, on appeal, or because it ended: `by` None). False when it was
/// lifted already.
pub fn lift(tx: &mut Tx<'_>, s: &Sanction, by: Option<i64>, action: &str, note: &str) -> QueryResult<bool> {
    let at = if by.is_none() { s.ends_at.unwrap_or_else(crate::now) } else { crate::now() };
    let changed = diesel::update(sanctions::table.find(s.id).filter(sanctions::lifted_at.is_null()))
        .set((sanctions::lifted_at.eq(Some(at)), sanctions::lifted_by.eq(by)))
        .execute(tx.conn())?;
    if changed == 0 {
        return Ok(false);
    }
    sync_member(tx, s.user_id)?;
    super::record(tx, Entry { moderator_id: by, action, content: None, user_id: Some(s.user_id), reason: "", note })?;
    // An appeal waiting against it has nothing left to decide: it leaves the queue as granted.
    let waiting: Option<i64> = appeals::table
        .filter(appeals::sanction_id.eq(s.id))
        .filter(appeals::outcome.is_null())
        .select(appeals::id)
        .first(tx.conn())
        .optional()?;
    if let Some(appeal) = waiting {
        diesel::update(appeals::table.find(appeal))
            .set((
                appeals::outcome.eq(Some("lifted")),
                appeals::answered_by.eq(by),
                appeals::answered_at.eq(Some(crate::now())),
            ))
            .execute(tx.conn())?;
        super::queue::resolve(tx, Subject::Appeal(appeal), by, "lifted")?;
    }
    Ok(true)
}

/// Silences and suspensions whose end has come are lifted by the site (the worker, every
/// minute; and a member's login does not wait for it). Returns how many.
pub fn lift_ended(tx: &mut Tx<'_>, only: Option<i64>) -> QueryResult<usize> {
    let mut q = sanctions::table
        .filter(sanctions::lifted_at.is_null())
        .filter(sanctions::ends_at.le(crate::now()))
        .into_boxed();
    if let Some(user_id) = only {
        q = q.filter(sanctions::user_id.eq(user_id));
    }
    let ended: Vec<Sanction> = q.order(sanctions::id.asc()).limit(200).load(tx.conn())?;
    let mut n = 0;
    for s in &ended {
        if s.kind == WARN {
            continue;
        }
        if lift(tx, s, None, "lift", "")? {
            n += 1;
        }
    }
    Ok(n)
}

/// For the worker: lift what has ended, if anything has (a read first, a write only then).
pub fn lift_due(conn: &mut DbConn) -> anyhow::Result<usize> {
    let due: i64 = sanctions::table
        .filter(sanctions::lifted_at.is_null())
        .filter(sanctions::ends_at.le(crate::now()))
        .count()
        .get_result(conn)?;
    if due == 0 {
        return Ok(0);
    }
    crate::db::write(conn, |tx| Ok(lift_ended(tx, None)?))
}

/// Bring the member's standing on their row in line with the sanctions in force.
fn sync_member(tx: &mut Tx<'_>, user_id: i64) -> QueryResult<()> {
    let now = crate::now();
    let mine: Vec<Sanction> = sanctions::table
        .filter(sanctions::user_id.eq(user_id))
        .filter(sanctions::lifted_at.is_null())
        .order(sanctions::id.desc())
        .load(tx.conn())?;
    let current = |kind: &str| mine.iter().find(|s| s.kind == kind && s.in_force(now));
    let suspended = current(SUSPEND).map(|s| (s.created_at, s.ends_at));
    let silenced = current(SILENCE).map(|s| (s.created_at, s.ends_at));
    diesel::update(users::table.find(user_id))
        .set((
            users::suspended_at.eq(suspended.map(|s| s.0)),
            users::suspended_until.eq(suspended.and_then(|s| s.1)),
            users::silenced_at.eq(silenced.map(|s| s.0)),
            users::silenced_until.eq(silenced.and_then(|s| s.1)),
        ))
        .execute(tx.conn())?;
    tx.touch_person(user_id);
    // A member's standing shows wherever they wrote (and a suspended one's profile is not indexed).
    tx.stale_everything();
    Ok(())
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<Sanction>> {
    sanctions::table.find(id).first(conn).optional()
}

/// A member's sanctions, newest first.
pub fn of_member(conn: &mut DbConn, user_id: i64) -> QueryResult<Vec<Sanction>> {
    sanctions::table.filter(sanctions::user_id.eq(user_id)).order(sanctions::id.desc()).limit(100).load(conn)
}

/// The silence or suspension a member would appeal now (a suspension first).
pub fn appealable(conn: &mut DbConn, user_id: i64) -> QueryResult<Option<Sanction>> {
    let now = crate::now();
    let mine: Vec<Sanction> = sanctions::table
        .filter(sanctions::user_id.eq(user_id))
        .filter(sanctions::lifted_at.is_null())
        .filter(sanctions::kind.ne(WARN))
        .order(sanctions::id.desc())
        .load(conn)?;
    Ok(mine
        .iter()
        .find(|s| s.kind == SUSPEND && s.in_force(now))
        .or_else(|| mine.iter().find(|s| s.in_force(now)))
        .cloned())
}

pub fn appeal_of(conn: &mut DbConn, sanction_id: i64) -> QueryResult<Option<Appeal>> {
    appeals::table.filter(appeals::sanction_id.eq(sanction_id)).first(conn).optional()
}

pub fn find_appeal(conn: &mut DbConn, id: i64) -> QueryResult<Option<Appeal>> {
    appeals::table.find(id).first(conn).optional()
}

/// Appeals by id, with their sanctions.
pub fn appeals_with_sanctions(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<(Appeal, Sanction)>> {
    appeals::table
        .inner_join(sanctions::table.on(sanctions::id.eq(appeals::sanction_id)))
        .filter(appeals::id.eq_any(ids))
        .select((appeals::all_columns, sanctions::all_columns))
        .load(conn)
}

/// Send the one appeal a sanction takes; it lands in the queue. `Err` with a catalog key when
/// the sanction was appealed already.
pub fn send_appeal(tx: &mut Tx<'_>, s: &Sanction, body: &str) -> QueryResult<Result<i64, &'static str>> {
    tx.lock("users", "id", s.user_id)?;
    let inserted = crate::db::ignore_duplicate(tx, |conn| {
        diesel::insert_into(appeals::table)
            .values((
                appeals::sanction_id.eq(s.id),
                appeals::user_id.eq(s.user_id),
                appeals::body.eq(body),
                appeals::created_at.eq(crate::now()),
            ))
            .execute(conn)
    })?;
    if inserted == 0 {
        return Ok(Err("mod-appeal-twice"));
    }
    let appeal = appeal_of(tx, s.id)?.ok_or(diesel::result::Error::NotFound)?;
    super::queue::enqueue(
        tx,
        &super::queue::NewItem {
            subject: Subject::Appeal(appeal.id),
            reason: super::QUEUE_APPEAL,
            content: None,
            user_id: Some(s.user_id),
            appeal_id: Some(appeal.id),
            detail: &s.kind,
        },
    )?;
    Ok(Ok(appeal.id))
}

/// Answer an appeal: lift the sanction or uphold it, tell the member (e-mail, and in the site
/// when they can log in), resolve the queue entry. False when it was answered already.
pub fn answer(
    tx: &mut Tx<'_>,
    appeal: &Appeal,
    lift_it: bool,
    answer: &str,
    by: i64,
    lang: Lang,
    site_name: &str,
) -> QueryResult<bool> {
    let outcome = if lift_it { "lifted" } else { "upheld" };
    let changed = diesel::update(appeals::table.find(appeal.id).filter(appeals::outcome.is_null()))
        .set((
            appeals::outcome.eq(Some(outcome)),
            appeals::answer.eq(answer),
            appeals::answered_by.eq(Some(by)),
            appeals::answered_at.eq(Some(crate::now())),
        ))
        .execute(tx.conn())?;
    if changed == 0 {
        return Ok(false);
    }
    let s = find(tx, appeal.sanction_id)?.ok_or(diesel::result::Error::NotFound)?;
    if lift_it {
        if !lift(tx, &s, Some(by), "appeal_lifted", answer)? {
            super::record(
                tx,
                Entry {
                    moderator_id: Some(by),
                    action: "appeal_lifted",
                    content: None,
                    user_id: Some(s.user_id),
                    reason: "",
                    note: answer,
                },
            )?;
        }
    } else {
        super::record(
            tx,
            Entry {
                moderator_id: Some(by),
                action: "appeal_upheld",
                content: None,
                user_id: Some(s.user_id),
                reason: "",
                note: answer,
            },
        )?;
    }
    super::queue::resolve(tx, Subject::Appeal(appeal.id), Some(by), outcome)?;
    if let Some(member) = crate::accounts::queries::find(tx, s.user_id)? {
        let lang = member.locale.as_deref().and_then(Lang::from_code).unwrap_or(lang);
        let args = vec![("site", site_name.to_string()), ("username", member.username.clone())];
        let mut lines = vec![lang.ta(&format!("mail-appeal-{outcome}-intro"), &args)];
        if !answer.trim().is_empty() {
            lines.push(answer.trim().to_string());
        }
        let subject = lang.ta(&format!("mail-appeal-{outcome}-subject"), &args);
        crate::jobs::mail::enqueue(tx, &member.email, &subject, &lines.join("\n\n"), Some(member.id), None)?;
    }
    Ok(true)
}

/// The member's standing as a request sees it (from their row).
pub fn is_suspended(u: &User, now: NaiveDateTime) -> bool {
    u.suspended_at.is_some() && u.suspended_until.is_none_or(|t| t > now)
}

/// Members' counts for the queue: sanctions so far, per member.
pub fn counts(conn: &mut DbConn, ids: &[i64]) -> QueryResult<std::collections::HashMap<i64, i64>> {
    let rows: Vec<(i64, i64)> = sanctions::table
        .filter(sanctions::user_id.eq_any(ids))
        .group_by(sanctions::user_id)
        .select((sanctions::user_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}
