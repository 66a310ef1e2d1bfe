//! A member's own data (`/settings/account`): download everything I wrote and my settings as a
//! zip of Markdown files plus JSON, and delete my account.
//!
//! The site's policy on deletion: what the member wrote stays, under "deleted member" (threads
//! keep their replies, answers their questions, and every address keeps working); everything
//! that names or reaches the person goes at once: sessions, e-mail, display name, bio, username
//! (replaced by a tombstone such as `deleted-1234`), notification choices, subscriptions, followed
//! tags, group memberships, notifications and queued e-mail.

use std::io::Write;

use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::json;

use crate::content::kind::Registry;
use crate::db::schema::{
    account_tokens, blogs, boards, content_tags, contents, group_members, login_failures, mail_outbox, member_groups,
    member_mutes, notification_prefs, notifications, sessions, subscriptions, tag_follows, tags, topics, users,
};
use crate::db::{DbConn, Tx};
use crate::error::{AppError, AppResult};
use crate::web::context::expired_session_cookie;
use crate::web::{AppState, CsrfForm, Ctx, Meta, PageCtx, redirect, render, render_invalid};

/// The stored role set of a deleted account (no role: it can do nothing), and how an author
/// view knows to show "deleted member".
pub const DELETED: &str = "deleted";
/// Rows read per batch while the zip is written.
const BATCH: i64 = 200;

#[derive(Template)]
#[template(path = "accounts/own_data.html")]
struct AccountPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    error: String,
}

/// `/settings/account`: download my data; delete my account (the policy stated first).
pub async fn page(ctx: Ctx) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    render(&account_page(&ctx, String::new()))
}

fn account_page(ctx: &PageCtx, error: String) -> AccountPage<'_> {
    AccountPage { meta: Meta::new(ctx.t("account-title"), "/settings/account").noindex(), ctx, error }
}

/// `/settings/account/export`: the zip, built off the request workers for the one who asks
/// (there is no way to name anyone else).
pub async fn export(ctx: Ctx, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let (user_id, username, viewer) = (user.id, user.username.clone(), ctx.viewer());
    let (kinds, base) = (state.kinds, state.settings.base_url.clone());
    let zip = crate::db::run(&state.pool, move |conn| {
        let guard = crate::policy::Guard::load(conn, &viewer)?;
        build_zip(conn, kinds, &base, &guard, user_id).map_err(AppError::internal)
    })
    .await?;
    let name = format!("plaza-{}-{}.zip", crate::content::slug::slugify(&username), crate::now().format("%Y%m%d"));
    Ok(HttpResponse::Ok()
        .content_type("application/zip")
        .insert_header(("Content-Disposition", format!("attachment; filename=\"{name}\"")))
        .insert_header(("Cache-Control", "private, no-store"))
        .body(zip))
}

type Row = (i64, String, String, String, NaiveDateTime, NaiveDateTime, Option<NaiveDateTime>, Option<String>);

/// Everything the member wrote (not deleted) where they may still read (what they wrote on an
/// employees-only board stays there after they leave the company), as Markdown files with a
/// front matter, read in batches; their profile and settings as JSON. Compressed as it is written.
fn build_zip(
    conn: &mut DbConn,
    kinds: &Registry,
    base: &str,
    guard: &crate::policy::Guard,
    user_id: i64,
) -> anyhow::Result<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut after = 0_i64;
    loop {
        let mut query = contents::table
            .left_join(topics::table.on(topics::content_id.eq(contents::id)))
            .left_join(boards::table.on(boards::id.eq(topics::board_id)))
            .filter(contents::author_id.eq(user_id))
            .filter(contents::deleted_at.is_null())
            .filter(contents::id.gt(after))
            .into_boxed();
        if let Some(audiences) = guard.audience_ids() {
            query = query.filter(contents::audience_id.eq_any(audiences.to_vec()));
        }
        let rows: Vec<Row> = query
            .order(contents::id.asc())
            .limit(BATCH)
            .select((
                contents::id,
                contents::kind,
                contents::title,
                contents::body_md,
                contents::created_at,
                contents::updated_at,
                contents::published_at,
                boards::kind.nullable(),
            ))
            .load(conn)?;
        let Some(last) = rows.last().map(|r| r.0) else { break };
        let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
        let paths = kinds.paths_for(conn, &ids)?;
        let tag_rows: Vec<(i64, String)> = content_tags::table
            .inner_join(tags::table.on(tags::id.eq(content_tags::tag_id)))
            .filter(content_tags::content_id.eq_any(&ids))
            .select((content_tags::content_id, tags::name))
            .load(conn)?;
        for (id, kind, title, body, created, updated, published, board_kind) in rows {
            let folder = match (kind.as_str(), board_kind.as_deref()) {
                ("topic", Some("reviews")) => "reviews",
                ("topic", Some("ideas")) => "ideas",
                ("topic", Some("questions")) => "questions",
                ("topic", _) => "topics",
                ("post", _) => "posts",
                ("comment", _) => "comments",
                ("reply", _) => "replies",
                ("response", _) => "responses",
                ("contribution", _) => "contributions",
                ("article", _) => "articles",
                _ => "other",
            };
            let tags: Vec<&str> = tag_rows.iter().filter(|(c, _)| *c == id).map(|(_, t)| t.as_str()).collect();
            let path = paths.get(&id).cloned().unwrap_or_else(|| format!("/content/{id}"));
            let mut front = vec![
                format!("title: {}", json!(title)),
                format!("kind: {}", json!(kind)),
                format!("url: {}", json!(format!("{base}{path}"))),
                format!("created: {}", json!(created.and_utc().to_rfc3339())),
                format!("updated: {}", json!(updated.and_utc().to_rfc3339())),
            ];
            if let Some(p) = published {
                front.push(format!("published: {}", json!(p.and_utc().to_rfc3339())));
            }
            front.push(format!("tags: {}", json!(tags)));
            let slug = crate::content::slug::slugify(&title);
            let name = if slug.is_empty() { format!("{folder}/{id}.md") } else { format!("{folder}/{id}-{slug}.md") };
            zip.start_file(name, options)?;
            write!(zip, "---\n{}\n---\n\n{body}\n", front.join("\n"))?;
        }
        after = last;
    }
    zip.start_file("profile.json", options)?;
    zip.write_all(serde_json::to_string_pretty(&profile(conn, base, user_id)?)?.as_bytes())?;
    // What I answered to the magazine's questions (the questions' articles may be gone).
    let answers: Vec<serde_json::Value> = crate::magazine::polls::answers_by(conn, user_id)?
        .into_iter()
        .map(|(question, body, at)| json!({ "question": question, "answer": body, "updated": at.and_utc().to_rfc3339() }))
        .collect();
    zip.start_file("magazine-answers.json", options)?;
    zip.write_all(serde_json::to_string_pretty(&answers)?.as_bytes())?;
    zip.start_file("settings.json", options)?;
    zip.write_all(serde_json::to_string_pretty(&settings(conn, user_id)?)?.as_bytes())?;
    Ok(zip.finish()?.into_inner())
}

/// Who I am on the site (no password hash, no session).
fn profile(conn: &mut DbConn, base: &str, user_id: i64) -> QueryResult<serde_json::Value> {
    let u: crate::accounts::User = users::table.find(user_id).first(conn)?;
    let groups: Vec<String> = group_members::table
        .inner_join(member_groups::table.on(member_groups::id.eq(group_members::group_id)))
        .filter(group_members::user_id.eq(user_id))
        .select(member_groups::name)
        .load(conn)?;
    let blogs: Vec<(String, String)> =
        blogs::table.filter(blogs::owner_id.eq(user_id)).select((blogs::slug, blogs::title)).load(conn)?;
    Ok(json!({
        "username": u.username,
        "display_name": u.display_name,
        "email": u.email,
        "bio": u.bio_md,
        "roles": u.roles().iter().map(|r| r.as_str()).collect::<Vec<_>>(),
        "groups": groups,
        "joined": u.created_at.and_utc().to_rfc3339(),
        "profile_url": format!("{base}/u/{}", crate::web::urlencode(&u.username)),
        "blogs": blogs.iter().map(|(slug, title)| json!({"title": title, "url": format!("{base}/blogs/{slug}")})).collect::<Vec<_>>(),
    }))
}

/// My choices: language, notifications, what I follow.
fn settings(conn: &mut DbConn, user_id: i64) -> QueryResult<serde_json::Value> {
    let (locale, email_notifications): (Option<String>, bool) =
        users::table.find(user_id).select((users::locale, users::email_notifications)).first(conn)?;
    let prefs = crate::notifications::prefs::load(conn, user_id)?;
    let kinds: serde_json::Map<String, serde_json::Value> =
        crate::notifications::prefs::KINDS.iter().map(|k| (k.to_string(), json!(prefs.channel(k).code()))).collect();
    let followed_tags: Vec<String> = tag_follows::table
        .inner_join(tags::table.on(tags::id.eq(tag_follows::tag_id)))
        .filter(tag_follows::user_id.eq(user_id))
        .select(tags::name)
        .load(conn)?;
    let follows: Vec<(String, i64)> = subscriptions::table
        .filter(subscriptions::user_id.eq(user_id))
        .select((subscriptions::target_kind, subscriptions::target_id))
        .load(conn)?;
    let muted: Vec<(String, String)> = member_mutes::table
        .inner_join(users::table.on(users::id.eq(member_mutes::other_id)))
        .filter(member_mutes::user_id.eq(user_id))
        .select((users::username, member_mutes::level))
        .load(conn)?;
    Ok(json!({
        "language": locale,
        "email_notifications": email_notifications,
        "notifications": kinds,
        "email_digest": prefs.digest().code(),
        "followed_tags": followed_tags,
        "following": follows.iter().map(|(k, id)| json!({"kind": k, "id": id})).collect::<Vec<_>>(),
        "muted_members": muted.iter().map(|(u, level)| json!({"username": u, "level": level})).collect::<Vec<_>>(),
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DeleteForm {
    pub password: String,
}

/// Delete my account: the password first (checked off the database connection), then at once.
pub async fn delete(ctx: Ctx, state: web::Data<AppState>, form: CsrfForm<DeleteForm>) -> AppResult<HttpResponse> {
    let user_id = ctx.require_user()?.id;
    let password = form.0.password;
    let stored = crate::db::run(&state.pool, move |conn| {
        Ok(users::table.find(user_id).select(users::password_hash).first::<String>(conn)?)
    })
    .await?;
    // Bounded like every other hash: a burst of deletes cannot take every blocking thread.
    let ok = crate::accounts::password::verify_bounded(password, Some(stored)).await.map_err(AppError::Internal)?;
    if !ok {
        return render_invalid(&account_page(&ctx, ctx.t("account-delete-wrong-password")));
    }
    let erased = crate::db::run_write(&state.pool, move |tx| {
        if is_only_admin(tx, user_id)? {
            return Ok(false);
        }
        Ok(erase(tx, user_id)?)
    })
    .await?;
    if !erased {
        return render_invalid(&account_page(&ctx, ctx.t("account-delete-only-admin")));
    }
    // Logged out: the page that says so is shown to a visitor (their name is gone from the header).
    let mut res = redirect("/settings/account/deleted");
    let _ = res.add_cookie(&expired_session_cookie(&state));
    Ok(res)
}

/// Is this member the site's only administrator still able to log in? Then deleting them would
/// leave nobody to run the site (and set-up does not come back).
fn is_only_admin(tx: &mut Tx<'_>, user_id: i64) -> QueryResult<bool> {
    let admins: Vec<(i64, String)> = users::table
        .filter(users::roles.like("%admin%"))
        .filter(users::suspended_at.is_null())
        .select((users::id, users::roles))
        .load(tx.conn())?;
    let admins: Vec<i64> =
        admins.into_iter().filter(|(_, r)| crate::policy::Roles::parse(r).is_admin()).map(|(id, _)| id).collect();
    Ok(admins == [user_id])
}

/// `/settings/account/deleted`: where a deleted account lands, logged out.
pub async fn deleted(ctx: Ctx) -> AppResult<HttpResponse> {
    render(&AccountDeleted {
        meta: Meta::new(ctx.t("account-deleted"), "/settings/account/deleted").noindex(),
        ctx: &ctx,
    })
}

#[derive(Template)]
#[template(path = "accounts/deleted.html")]
struct AccountDeleted<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
}

/// The tombstone username of a deleted account.
fn tombstone(tx: &mut Tx<'_>, user_id: i64) -> QueryResult<String> {
    let mut name = format!("deleted-{user_id}");
    let taken = |tx: &mut Tx<'_>, n: &str| -> QueryResult<bool> {
        Ok(users::table
            .filter(users::username_key.eq(n).or(users::username_skeleton.eq(super::domain::skeleton(n))))
            .filter(users::id.ne(user_id))
            .count()
            .get_result::<i64>(tx.conn())?
            > 0)
    };
    while taken(tx, &name)? {
        name = format!("deleted-{user_id}-{}", &crate::web::random_token()[..6]);
    }
    Ok(name)
}

/// Delete an account under the site's policy (see the module): the content stays; the person goes.
pub fn erase(tx: &mut Tx<'_>, user_id: i64) -> QueryResult<bool> {
    tx.lock("users", "id", user_id)?;
    let Some((username, display_name, roles)) = users::table
        .find(user_id)
        .select((users::username, users::display_name, users::roles))
        .first::<(String, String, String)>(tx.conn())
        .optional()?
    else {
        return Ok(false);
    };
    if is_deleted(&roles) {
        return Ok(false);
    }
    let name = tombstone(tx, user_id)?;
    let email = format!("{name}@deleted.invalid");
    let now = crate::now();
    diesel::update(users::table.find(user_id))
        .set((
            users::username.eq(&name),
            users::username_key.eq(&name),
            users::username_skeleton.eq(super::domain::skeleton(&name)),
            users::email.eq(&email),
            users::email_key.eq(&email),
            // No password verifies against this.
            users::password_hash.eq("!"),
            users::display_name.eq(""),
            users::bio_md.eq(""),
            users::bio_html.eq(""),
            users::locale.eq(None::<String>),
            users::email_notifications.eq(false),
            users::roles.eq(DELETED),
            users::suspended_at.eq(Some(now)),
            users::updated_at.eq(now),
            users::avatar_media_id.eq(None::<i64>),
        ))
        .execute(tx.conn())?;
    // Their profile picture goes with the person, and so do the files no content shows; files
    // shown in kept content stay with it, under "deleted member".
    crate::media::queries::delete_unused_of(tx, user_id)?;
    diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id))).execute(tx.conn())?;
    // Links already mailed (reset, confirm, change of address) die with the account.
    diesel::delete(account_tokens::table.filter(account_tokens::user_id.eq(user_id))).execute(tx.conn())?;
    diesel::delete(notification_prefs::table.filter(notification_prefs::user_id.eq(user_id))).execute(tx.conn())?;
    diesel::delete(subscriptions::table.filter(subscriptions::user_id.eq(user_id))).execute(tx.conn())?;
    diesel::delete(tag_follows::table.filter(tag_follows::user_id.eq(user_id))).execute(tx.conn())?;
    diesel::delete(member_mutes::table.filter(member_mutes::user_id.eq(user_id))).execute(tx.conn())?;
    diesel::delete(group_members::table.filter(group_members::user_id.eq(user_id))).execute(tx.conn())?;
    diesel::delete(notifications::table.filter(notifications::user_id.eq(user_id))).execute(tx.conn())?;
    diesel::delete(mail_outbox::table.filter(mail_outbox::user_id.eq(Some(user_id)))).execute(tx.conn())?;
    diesel::delete(login_failures::table.filter(login_failures::username_key.eq(username.to_lowercase())))
        .execute(tx.conn())?;
    // A blog named after its owner (its default title) no longer names them.
    diesel::update(
        blogs::table.filter(blogs::owner_id.eq(Some(user_id))).filter(blogs::title.eq_any([&username, &display_name])),
    )
    .set(blogs::title.eq(&name))
    .execute(tx.conn())?;
    // Out of the people search.
    tx.touch_person(user_id);
    // Their name leaves every page they wrote on.
    tx.stale_everything();
    Ok(true)
}

/// Whether a stored role set is a deleted account's.
pub fn is_deleted(roles: &str) -> bool {
    roles.split([' ', ',']).any(|r| r == DELETED)
}
