//! What a member wants to hear about: for each kind of notification in-site, e-mail (in-site
//! plus an e-mail copy) or off, and whether e-mail copies go out at once or in a daily or weekly
//! digest. Rows in `notification_prefs`; a kind without a row keeps the default (in-site, and
//! e-mail when the member ticked "e-mail me" in their settings), so nothing changes for members
//! who never open the page. That box stays the master switch: unticked, nothing is e-mailed;
//! saving the page ticks it when some kind is e-mailed.
//!
//! One-click unsubscribe (RFC 8058): every e-mail copy carries a link signed with the site's
//! `unsubscribe_secret` (an HMAC of the user id and the kind); the link is the proof, so the
//! page that follows it needs no login and no CSRF token.

use std::collections::HashMap;

use diesel::prelude::*;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::*;
use crate::db::schema::notification_prefs;

/// The kinds a member chooses for, in the order the settings page lists them.
pub const KINDS: [&str; 17] = [
    KIND_REPLY,
    KIND_COMMENT,
    KIND_TOPIC_REPLY,
    KIND_MENTION,
    KIND_QUOTE,
    KIND_ACCEPTED,
    KIND_RESPONSE,
    KIND_IDEA_STATUS,
    KIND_FOLLOWED_REPLY,
    KIND_NEW_TOPIC,
    KIND_EDIT_ACCEPTED,
    KIND_EDIT_REJECTED,
    KIND_ENTRY_ACCEPTED,
    KIND_ENTRY_RETURNED,
    KIND_ENTRY_DECLINED,
    KIND_ENTRY_AWARDED,
    KIND_KEYWORD,
];

/// The `notification_prefs` row holding the digest choice.
pub const DIGEST: &str = "digest";
/// An unsubscribe link from a digest turns every kind's e-mail off.
pub const ALL_MAIL: &str = "digest";

/// The site setting with the key unsubscribe links are signed with (made at start-up).
pub const SECRET_KEY: &str = "unsubscribe_secret";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    Site,
    Email,
    Off,
}

impl Channel {
    pub const ALL: [Channel; 3] = [Channel::Site, Channel::Email, Channel::Off];

    pub fn code(self) -> &'static str {
        match self {
            Channel::Site => "site",
            Channel::Email => "email",
            Channel::Off => "off",
        }
    }

    pub fn parse(s: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.code() == s)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Channel::Site => "prefs-channel-site",
            Channel::Email => "prefs-channel-email",
            Channel::Off => "prefs-channel-off",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Digest {
    Immediate,
    Daily,
    Weekly,
}

impl Digest {
    pub const ALL: [Digest; 3] = [Digest::Immediate, Digest::Daily, Digest::Weekly];

    pub fn code(self) -> &'static str {
        match self {
            Digest::Immediate => "immediate",
            Digest::Daily => "daily",
            Digest::Weekly => "weekly",
        }
    }

    pub fn parse(s: &str) -> Option<Digest> {
        Digest::ALL.into_iter().find(|c| c.code() == s)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Digest::Immediate => "prefs-digest-immediate",
            Digest::Daily => "prefs-digest-daily",
            Digest::Weekly => "prefs-digest-weekly",
        }
    }

    /// When a copy queued at `now` is due: the end of its period (UTC midnight; for weekly, the
    /// Monday after), so every copy of one period goes out in one mail.
    pub fn due(self, now: chrono::NaiveDateTime) -> chrono::NaiveDateTime {
        use chrono::Datelike;
        let midnight = now.date().and_hms_opt(0, 0, 0).unwrap_or(now);
        match self {
            Digest::Immediate => now,
            Digest::Daily => midnight + chrono::Duration::days(1),
            Digest::Weekly => midnight + chrono::Duration::days(7 - i64::from(now.weekday().num_days_from_monday())),
        }
    }
}

/// One member's choices.
#[derive(Clone, Debug, Default)]
pub struct Prefs {
    /// "E-mail me a copy of my notifications" (the default for kinds without a row).
    pub default_email: bool,
    pub set: Vec<(String, String)>,
}

impl Prefs {
    pub fn channel(&self, kind: &str) -> Channel {
        let default = if self.default_email { Channel::Email } else { Channel::Site };
        if kind == KIND_ACCESS_LOST {
            // Not a choice: a member is always told that they lost a subscription.
            return default;
        }
        let chosen = self.set.iter().find(|(k, _)| k == kind).and_then(|(_, v)| Channel::parse(v));
        if kind == KIND_KEYWORD && chosen.is_none() {
            // Keyword alerts are e-mailed unless the member chose otherwise for them.
            return Channel::Email;
        }
        match chosen {
            // The settings box is the master switch: unticked, no kind is e-mailed.
            Some(Channel::Email) if !self.default_email => Channel::Site,
            Some(chosen) => chosen,
            None => default,
        }
    }

    pub fn digest(&self) -> Digest {
        self.set.iter().find(|(k, _)| k == DIGEST).and_then(|(_, v)| Digest::parse(v)).unwrap_or(Digest::Immediate)
    }
}

/// The choices of several members at once.
pub fn load_many(conn: &mut DbConn, ids: &[i64]) -> QueryResult<HashMap<i64, Vec<(String, String)>>> {
    let rows: Vec<(i64, String, String)> = notification_prefs::table
        .filter(notification_prefs::user_id.eq_any(ids))
        .select((notification_prefs::user_id, notification_prefs::kind, notification_prefs::value))
        .load(conn)?;
    let mut out: HashMap<i64, Vec<(String, String)>> = HashMap::new();
    for (u, k, v) in rows {
        out.entry(u).or_default().push((k, v));
    }
    Ok(out)
}

pub fn load(conn: &mut DbConn, user_id: i64) -> QueryResult<Prefs> {
    let default_email: bool =
        users::table.find(user_id).select(users::email_notifications).first(conn).optional()?.unwrap_or(false);
    let set = load_many(conn, &[user_id])?.remove(&user_id).unwrap_or_default();
    Ok(Prefs { default_email, set })
}

/// Set one choice (a row per member and kind: the member's row is held first, so two saves at
/// once queue instead of both inserting).
fn put(tx: &mut Tx<'_>, user_id: i64, kind: &str, value: &str) -> QueryResult<()> {
    let changed = diesel::update(
        notification_prefs::table
            .filter(notification_prefs::user_id.eq(user_id))
            .filter(notification_prefs::kind.eq(kind)),
    )
    .set(notification_prefs::value.eq(value))
    .execute(tx.conn())?;
    if changed == 0 {
        diesel::insert_into(notification_prefs::table)
            .values((
                notification_prefs::user_id.eq(user_id),
                notification_prefs::kind.eq(kind),
                notification_prefs::value.eq(value),
            ))
            .execute(tx.conn())?;
    }
    Ok(())
}

/// Save every choice of the settings page.
/// Save every choice of the settings page; the settings box ("e-mail me") follows: ticked when
/// some kind is e-mailed.
pub fn save(tx: &mut Tx<'_>, user_id: i64, channels: &[(&str, Channel)], digest: Digest) -> QueryResult<()> {
    tx.lock("users", "id", user_id)?;
    for (kind, channel) in channels {
        put(tx, user_id, kind, channel.code())?;
    }
    let any_mail = channels.iter().any(|(_, c)| *c == Channel::Email);
    diesel::update(users::table.find(user_id)).set(users::email_notifications.eq(any_mail)).execute(tx.conn())?;
    put(tx, user_id, DIGEST, digest.code())
}

/// Stop e-mail of one kind (or of every kind, `ALL_MAIL`); in-site notifications stay as they
/// were. Returns whether the member exists.
pub fn unsubscribe(tx: &mut Tx<'_>, user_id: i64, kind: &str) -> QueryResult<bool> {
    tx.lock("users", "id", user_id)?;
    if users::table.find(user_id).select(users::id).first::<i64>(tx.conn()).optional()?.is_none() {
        return Ok(false);
    }
    let prefs = load(tx, user_id)?;
    let kinds: Vec<&str> = if kind == ALL_MAIL { KINDS.to_vec() } else { vec![kind] };
    for k in kinds {
        if prefs.channel(k) == Channel::Email {
            put(tx, user_id, k, Channel::Site.code())?;
        }
    }
    Ok(true)
}

/// Whether `kind` can be unsubscribed from (a token names it).
pub fn known_kind(kind: &str) -> bool {
    kind == ALL_MAIL || KINDS.contains(&kind)
}

fn mac(secret: &[u8], user_id: i64, kind: &str) -> Option<Hmac<Sha256>> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).ok()?;
    mac.update(format!("unsubscribe:{user_id}:{kind}").as_bytes());
    Some(mac)
}

/// The signed token of an unsubscribe link: `{user id}.{kind}.{hmac}`.
pub fn token(secret: &[u8], user_id: i64, kind: &str) -> Option<String> {
    let mac = mac(secret, user_id, kind)?;
    Some(format!("{user_id}.{kind}.{}", hex::encode(mac.finalize().into_bytes())))
}

/// The member and kind a token names, if its signature holds (checked in constant time).
pub fn verify(secret: &[u8], token: &str) -> Option<(i64, String)> {
    let mut parts = token.splitn(3, '.');
    let user_id: i64 = parts.next()?.parse().ok()?;
    let kind = parts.next()?;
    let sig = hex::decode(parts.next()?).ok()?;
    if !known_kind(kind) {
        return None;
    }
    mac(secret, user_id, kind)?.verify_slice(&sig).ok()?;
    Some((user_id, kind.to_string()))
}

/// The signing key (made at start-up), or `None` on a database set up by an older binary.
pub fn secret(conn: &mut DbConn) -> QueryResult<Option<Vec<u8>>> {
    Ok(crate::db::setting(conn, SECRET_KEY)?.and_then(|v| hex::decode(v).ok()))
}

/// The catalog key naming a kind on the settings page.
pub fn kind_label(kind: &str) -> &'static str {
    match kind {
        KIND_REPLY => "prefs-kind-reply",
        KIND_COMMENT => "prefs-kind-comment",
        KIND_TOPIC_REPLY => "prefs-kind-topic-reply",
        KIND_MENTION => "prefs-kind-mention",
        KIND_QUOTE => "prefs-kind-quote",
        KIND_ACCEPTED => "prefs-kind-accepted",
        KIND_RESPONSE => "prefs-kind-response",
        KIND_IDEA_STATUS => "prefs-kind-idea-status",
        KIND_FOLLOWED_REPLY => "prefs-kind-followed-reply",
        KIND_NEW_TOPIC => "prefs-kind-new-topic",
        KIND_EDIT_ACCEPTED => "prefs-kind-edit-accepted",
        KIND_EDIT_REJECTED => "prefs-kind-edit-rejected",
        KIND_ENTRY_ACCEPTED => "prefs-kind-entry-accepted",
        KIND_ENTRY_RETURNED => "prefs-kind-entry-returned",
        KIND_ENTRY_DECLINED => "prefs-kind-entry-declined",
        KIND_ENTRY_AWARDED => "prefs-kind-entry-awarded",
        KIND_KEYWORD => "prefs-kind-keyword",
        _ => "prefs-kind-all",
    }
}
