//! `/admin/groups`: admins define groups and put members in them; boards' access can then name
//! the groups.

use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDateTime;
use serde::Deserialize;

use super::AuthorView;
use super::groups::{self, Group, GroupSummary};
use crate::error::{AppError, AppResult};
use crate::web::{AppState, CsrfForm, Ctx, FieldErrors, Meta, PageCtx, redirect, render, render_invalid};

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct GroupForm {
    pub name: String,
    pub description: String,
}

#[derive(Template)]
#[template(path = "admin/groups.html")]
struct GroupsPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    groups: Vec<GroupSummary>,
    form: GroupForm,
    errors: FieldErrors,
    notice: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NoticeQuery {
    pub msg: String,
}

fn notice(ctx: &PageCtx, msg: &str) -> String {
    match msg {
        "saved" => ctx.t("settings-saved"),
        "deleted" => ctx.t("group-deleted"),
        "added" => ctx.t("group-member-added"),
        "already" => ctx.t("group-member-already"),
        "removed" => ctx.t("group-member-removed"),
        _ => String::new(),
    }
}

async fn list_page<'a>(
    ctx: &'a PageCtx,
    state: &web::Data<AppState>,
    form: GroupForm,
    errors: FieldErrors,
    notice: String,
) -> AppResult<GroupsPage<'a>> {
    let groups = crate::db::run(&state.pool, |conn| Ok(groups::summaries(conn)?)).await?;
    Ok(GroupsPage {
        meta: Meta::new(ctx.t("groups-title"), "/admin/groups").noindex(),
        ctx,
        groups,
        form,
        errors,
        notice,
    })
}

pub async fn index(ctx: Ctx, state: web::Data<AppState>, q: web::Query<NoticeQuery>) -> AppResult<HttpResponse> {
    ctx.require_admin()?;
    let notice = notice(&ctx, &q.msg);
    render(&list_page(&ctx, &state, GroupForm::default(), FieldErrors::default(), notice).await?)
}

/// The checked name, key and description, or the problems by field.
fn check(form: &GroupForm) -> Result<(String, String, String), FieldErrors> {
    let mut errors = FieldErrors::default();
    let name = groups::check_name(&form.name).map_err(|k| errors.add("name", k)).ok();
    let description = form.description.trim().to_string();
    if description.chars().count() > groups::DESCRIPTION_MAX {
        errors.add("description", "err-description-long");
    }
    match name {
        Some((name, key)) if errors.is_empty() => Ok((name, key, description)),
        _ => Err(errors),
    }
}

pub async fn create(
    ctx: Ctx,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<GroupForm>,
) -> AppResult<HttpResponse> {
    ctx.require_admin()?;
    let (name, key, description) = match check(&form) {
        Ok(v) => v,
        Err(errors) => return render_invalid(&list_page(&ctx, &state, form, errors, String::new()).await?),
    };
    let created =
        crate::db::run_write(&state.pool, move |tx| Ok(groups::create(tx, &name, &key, &description)?)).await?;
    match created {
        Some(id) => Ok(redirect(&format!("/admin/groups/{id}?msg=saved"))),
        None => {
            let mut errors = FieldErrors::default();
            errors.add("name", "err-group-name-taken");
            render_invalid(&list_page(&ctx, &state, form, errors, String::new()).await?)
        }
    }
}

#[derive(Template)]
#[template(path = "admin/group.html")]
struct GroupPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    group: Group,
    members: Vec<(i64, AuthorView, NaiveDateTime)>,
    form: GroupForm,
    errors: FieldErrors,
    member_input: String,
    member_error: String,
    notice: String,
}

/// What the group page shows besides the group: the submitted forms (if any) and messages.
#[derive(Default)]
struct PageState {
    form: Option<GroupForm>,
    errors: FieldErrors,
    member_input: String,
    member_error: String,
    notice: String,
}

async fn group_page<'a>(
    ctx: &'a PageCtx,
    state: &web::Data<AppState>,
    id: i64,
    st: PageState,
) -> AppResult<GroupPage<'a>> {
    let (group, members) = crate::db::run(&state.pool, move |conn| {
        let group = groups::find(conn, id)?.ok_or(AppError::NotFound)?;
        Ok((group, groups::members(conn, id)?))
    })
    .await?;
    let form = st.form.unwrap_or(GroupForm { name: group.name.clone(), description: group.description.clone() });
    Ok(GroupPage {
        meta: Meta::new(ctx.ta("group-title", &[("name", group.name.clone())]), format!("/admin/groups/{id}"))
            .noindex(),
        ctx,
        group,
        members,
        form,
        errors: st.errors,
        member_input: st.member_input,
        member_error: st.member_error,
        notice: st.notice,
    })
}

pub async fn show(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    q: web::Query<NoticeQuery>,
) -> AppResult<HttpResponse> {
    ctx.require_admin()?;
    let st = PageState { notice: notice(&ctx, &q.msg), ..Default::default() };
    render(&group_page(&ctx, &state, path.into_inner(), st).await?)
}

pub async fn update(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<GroupForm>,
) -> AppResult<HttpResponse> {
    ctx.require_admin()?;
    let id = path.into_inner();
    let (name, key, description) = match check(&form) {
        Ok(v) => v,
        Err(errors) => {
            let st = PageState { form: Some(form), errors, ..Default::default() };
            return render_invalid(&group_page(&ctx, &state, id, st).await?);
        }
    };
    let saved = crate::db::run_write(&state.pool, move |tx| {
        groups::find(tx, id)?.ok_or(AppError::NotFound)?;
        Ok(groups::update(tx, id, &name, &key, &description)?)
    })
    .await?;
    if !saved {
        let mut errors = FieldErrors::default();
        errors.add("name", "err-group-name-taken");
        let st = PageState { form: Some(form), errors, ..Default::default() };
        return render_invalid(&group_page(&ctx, &state, id, st).await?);
    }
    Ok(redirect(&format!("/admin/groups/{id}?msg=saved")))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EmptyForm {}

pub async fn delete(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    _form: CsrfForm<EmptyForm>,
) -> AppResult<HttpResponse> {
    ctx.require_admin()?;
    let id = path.into_inner();
    crate::db::run_write(&state.pool, move |tx| {
        // Deleting a group that is already gone ends where the first delete did.
        if groups::find(tx, id)?.is_some() {
            groups::delete(tx, id)?;
        }
        Ok(())
    })
    .await?;
    Ok(redirect("/admin/groups?msg=deleted"))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MemberForm {
    pub username: String,
}

pub async fn add_member(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<MemberForm>,
) -> AppResult<HttpResponse> {
    ctx.require_admin()?;
    let id = path.into_inner();
    let key = form.username.trim().trim_start_matches('@').to_lowercase();
    let added = crate::db::run_write(&state.pool, move |tx| {
        groups::find(tx, id)?.ok_or(AppError::NotFound)?;
        let Some(user) = super::queries::find_by_key(tx, &key)? else { return Ok(None) };
        Ok(Some(groups::add_member(tx, id, user.id)?))
    })
    .await?;
    let Some(added) = added else {
        let st =
            PageState { member_input: form.username, member_error: ctx.t("err-author-unknown"), ..Default::default() };
        return render_invalid(&group_page(&ctx, &state, id, st).await?);
    };
    Ok(redirect(&format!("/admin/groups/{id}?msg={}", if added { "added" } else { "already" })))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RemoveForm {
    pub user: String,
}

pub async fn remove_member(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<RemoveForm>,
) -> AppResult<HttpResponse> {
    ctx.require_admin()?;
    let id = path.into_inner();
    let user_id = form.user.trim().parse::<i64>().map_err(|_| AppError::BadRequest("error-bad-request"))?;
    crate::db::run_write(&state.pool, move |tx| {
        groups::find(tx, id)?.ok_or(AppError::NotFound)?;
        Ok(groups::remove_member(tx, id, user_id)?)
    })
    .await?;
    Ok(redirect(&format!("/admin/groups/{id}?msg=removed")))
}
