//! `/admin/users`: find people, change their roles, suspend, grant community blogs.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::{Role, Roles, User, queries};
use crate::blogs::queries as blog_queries;
use crate::error::{AppError, AppResult};
use crate::web::{AppState, CsrfForm, Ctx, Meta, PageCtx, Pager, redirect, render, urlencode};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct UsersQuery {
    pub q: String,
    pub role: String,
    pub page: Option<String>,
    pub msg: String,
}

pub struct UserRow {
    pub user: User,
    pub blog_path: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    q: String,
    role: String,
    rows: Vec<UserRow>,
    total: i64,
    pager: Pager,
    roles: [Role; 5],
    /// The roles an admin grants (checkboxes).
    granted: [Role; 4],
    notice: String,
    /// Query string that brings the admin back to this view.
    back: String,
}

/// Catalog keys of the notices the actions below redirect with.
fn notice_key(msg: &str) -> Option<&'static str> {
    match msg {
        "role" => Some("admin-role-changed"),
        "suspended" => Some("admin-suspended"),
        "reinstated" => Some("admin-reinstated"),
        "blog" => Some("admin-blog-granted"),
        "self" => Some("admin-not-self"),
        "reset" => Some("admin-reset-sent"),
        _ => None,
    }
}

pub async fn users(ctx: Ctx, state: web::Data<AppState>, q: web::Query<UsersQuery>) -> AppResult<HttpResponse> {
    ctx.require_admin()?;
    let q = q.into_inner();
    let page = crate::web::PageQuery { page: q.page.clone() }.number();
    let role = Role::parse(&q.role);
    let search = q.q.chars().take(100).collect::<String>();
    let s2 = search.clone();
    let (users, total, blogs) = crate::db::run(&state.pool, move |conn| {
        let (users, total) = queries::search(conn, &s2, role, page)?;
        let owned = blog_queries::owned_blogs(conn, &users.iter().map(|u| u.id).collect::<Vec<_>>())?;
        let blogs: Vec<Option<String>> = users.iter().map(|u| owned.get(&u.id).map(|b| b.path())).collect();
        Ok((users, total, blogs))
    })
    .await?;
    let base =
        format!("/admin/users?q={}&role={}&", urlencode(&search), urlencode(role.map(Role::as_str).unwrap_or("")));
    let back = format!("q={}&role={}&page={page}", urlencode(&search), urlencode(role.map(Role::as_str).unwrap_or("")));
    render(&UsersPage {
        meta: Meta::new(ctx.t("admin-users-title"), "/admin/users").noindex(),
        notice: notice_key(&q.msg).map(|k| ctx.t(k)).unwrap_or_default(),
        ctx: &ctx,
        pager: Pager::new(&base, page, total, queries::ADMIN_PAGE_SIZE),
        q: search,
        role: role.map(|r| r.as_str().to_string()).unwrap_or_default(),
        rows: users.into_iter().zip(blogs).map(|(user, blog_path)| UserRow { user, blog_path }).collect(),
        total,
        roles: Role::ALL,
        granted: Role::GRANTED,
        back,
    })
}

/// The roles ticked for a person (unticked boxes are not sent).
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RoleForm {
    pub employee: Option<String>,
    pub moderator: Option<String>,
    pub admin: Option<String>,
    /// A single role, as the command line and older forms name it.
    pub role: String,
    pub back: String,
}

impl RoleForm {
    fn roles(&self) -> Result<Roles, AppError> {
        if !self.role.is_empty() {
            return Role::parse(&self.role).map(Roles::from).ok_or(AppError::BadRequest("err-role"));
        }
        let mut roles = Roles::NONE;
        for (on, role) in
            [(&self.employee, Role::Employee), (&self.moderator, Role::Moderator), (&self.admin, Role::Admin)]
        {
            if on.is_some() {
                roles = roles.with(role);
            }
        }
        Ok(roles)
    }
}

fn back_to(back: &str, msg: &str) -> HttpResponse {
    // `back` is only ever a query string we produced; keep it to safe characters.
    let back: String = back.chars().filter(|c| c.is_ascii_alphanumeric() || "=&%-_.".contains(*c)).collect();
    if back.is_empty() {
        redirect(&format!("/admin/users?msg={msg}"))
    } else {
        redirect(&format!("/admin/users?{back}&msg={msg}"))
    }
}

pub async fn set_role(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<RoleForm>,
) -> AppResult<HttpResponse> {
    let admin = ctx.require_admin()?;
    let user_id = path.into_inner();
    let roles = form.roles()?;
    // An admin cannot take away their own admin role (the site might be left without one).
    if user_id == admin.id && !roles.is_admin() {
        return Ok(back_to(&form.back, "self"));
    }
    crate::db::run_write(&state.pool, move |tx| {
        queries::find(tx, user_id)?.ok_or(AppError::NotFound)?;
        Ok(queries::set_roles(tx, user_id, roles)?)
    })
    .await?;
    Ok(back_to(&form.back, "role"))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SuspendForm {
    pub suspend: String,
    pub back: String,
}

pub async fn suspend(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<SuspendForm>,
) -> AppResult<HttpResponse> {
    let admin = ctx.require_admin()?;
    let user_id = path.into_inner();
    if user_id == admin.id {
        return Ok(back_to(&form.back, "self"));
    }
    let suspend = form.suspend == "1";
    let (admin_id, lang, site_name) = (admin.id, ctx.lang, state.settings.site_name.clone());
    crate::db::run_write(&state.pool, move |tx| {
        tx.lock("users", "id", user_id)?;
        let user = queries::find(tx, user_id)?.ok_or(AppError::NotFound)?;
        use crate::moderation::sanctions;
        if suspend {
            if user.suspended_at.is_none() {
                let new = sanctions::New {
                    kind: sanctions::SUSPEND,
                    reason: "",
                    note: "",
                    ends_at: None,
                    by: Some(admin_id),
                    content: None,
                };
                sanctions::impose(tx, &user, &new, lang, &site_name)?;
            }
        } else {
            for s in sanctions::of_member(tx, user_id)?.iter().filter(|s| s.kind == sanctions::SUSPEND) {
                sanctions::lift(tx, s, Some(admin_id), "lift", "")?;
            }
        }
        Ok(())
    })
    .await?;
    Ok(back_to(&form.back, if suspend { "suspended" } else { "reinstated" }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct BackForm {
    pub back: String,
}

pub async fn grant_blog(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<BackForm>,
) -> AppResult<HttpResponse> {
    ctx.require_admin()?;
    let user_id = path.into_inner();
    crate::db::run_write(&state.pool, move |tx| {
        let user = queries::find(tx, user_id)?.ok_or(AppError::NotFound)?;
        Ok(blog_queries::grant_community_blog(tx, &user)?)
    })
    .await?;
    Ok(back_to(&form.back, "blog"))
}

/// Send the person a password-reset link (they choose the password; the admin never knows it).
pub async fn send_reset_link(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<BackForm>,
) -> AppResult<HttpResponse> {
    ctx.require_admin()?;
    let user_id = path.into_inner();
    let (lang, site_name) = (ctx.lang, state.settings.site_name.clone());
    crate::db::run_write(&state.pool, move |tx| {
        tx.quiet();
        let user = queries::find(tx, user_id)?.ok_or(AppError::NotFound)?;
        Ok(super::recovery::mail_reset(tx, &user, lang, &site_name)?)
    })
    .await?;
    Ok(back_to(&form.back, "reset"))
}
