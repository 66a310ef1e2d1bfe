//! `/admin/forums`: admins create, edit, order and group boards.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::queries::{self as q, BoardInput};
use super::{ACCESS_EMPLOYEES, ACCESS_EVERYONE, ACCESS_MEMBERS, BOARD_KINDS, Board, BoardGroup};
use crate::content::slug;
use crate::db::is_unique_violation;
use crate::error::{AppError, AppResult};
use crate::web::{AppState, CsrfForm, Ctx, FieldErrors, Meta, PageCtx, redirect, render, render_invalid};

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct BoardForm {
    pub name: String,
    pub slug: String,
    pub description: String,
    pub kind: String,
    pub group: String,
    pub view_access: String,
    pub post_access: String,
    pub position: String,
}

impl BoardForm {
    fn from_board(b: &Board) -> Self {
        BoardForm {
            name: b.name.clone(),
            slug: b.slug.clone(),
            description: b.description.clone(),
            kind: b.kind.clone(),
            group: b.group_id.map(|g| g.to_string()).unwrap_or_default(),
            view_access: b.view_access.clone(),
            post_access: b.post_access.clone(),
            position: b.position.to_string(),
        }
    }
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct GroupForm {
    pub name: String,
    pub position: String,
}

#[derive(Template)]
#[template(path = "forums/admin.html")]
struct AdminPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    groups: Vec<BoardGroup>,
    boards: Vec<Board>,
    form: BoardForm,
    errors: FieldErrors,
    group_form: GroupForm,
    group_errors: FieldErrors,
    kinds: [&'static str; 4],
    view_levels: [&'static str; 3],
    post_levels: [&'static str; 2],
    notice: String,
    /// Set when editing one board.
    editing: Option<Board>,
    products: Vec<super::reviews::Product>,
    product_form: super::reviews::ProductForm,
    product_errors: FieldErrors,
    statuses: Vec<super::ideas::IdeaStatus>,
    status_form: super::ideas::StatusDefForm,
    status_error: String,
}

impl AdminPage<'_> {
    fn group_name(&self, b: &Board) -> String {
        self.groups.iter().find(|g| Some(g.id) == b.group_id).map(|g| g.name.clone()).unwrap_or_default()
    }
}

const VIEW_LEVELS: [&str; 3] = [ACCESS_EVERYONE, ACCESS_MEMBERS, ACCESS_EMPLOYEES];
const POST_LEVELS: [&str; 2] = [ACCESS_MEMBERS, ACCESS_EMPLOYEES];

struct PageState {
    form: BoardForm,
    errors: FieldErrors,
    group_form: GroupForm,
    group_errors: FieldErrors,
    notice: String,
    editing: Option<Board>,
    product_form: super::reviews::ProductForm,
    product_errors: FieldErrors,
    status_form: super::ideas::StatusDefForm,
    status_error: String,
}

async fn page<'a>(ctx: &'a PageCtx, state: &web::Data<AppState>, st: PageState) -> AppResult<AdminPage<'a>> {
    let editing_id = st.editing.as_ref().filter(|b| b.is_reviews()).map(|b| b.id);
    let (groups, boards, products, statuses) = crate::db::run(&state.pool, move |conn| {
        let products = match editing_id {
            Some(id) => super::reviews::products_of(conn, id)?,
            None => Vec::new(),
        };
        Ok((q::groups(conn)?, q::all_boards(conn)?, products, super::ideas::statuses(conn)?))
    })
    .await?;
    let canonical = match &st.editing {
        Some(b) => format!("/admin/forums/boards/{}", b.id),
        None => "/admin/forums".to_string(),
    };
    Ok(AdminPage {
        meta: Meta::new(ctx.t("forums-admin-title"), canonical).noindex(),
        ctx,
        groups,
        boards,
        form: st.form,
        errors: st.errors,
        group_form: st.group_form,
        group_errors: st.group_errors,
        kinds: BOARD_KINDS,
        view_levels: VIEW_LEVELS,
        post_levels: POST_LEVELS,
        notice: st.notice,
        editing: st.editing,
        products,
        product_form: st.product_form,
        product_errors: st.product_errors,
        statuses,
        status_form: st.status_form,
        status_error: st.status_error,
    })
}

fn blank() -> PageState {
    PageState {
        form: BoardForm {
            kind: super::BOARD_DISCUSSION.into(),
            view_access: ACCESS_EVERYONE.into(),
            post_access: ACCESS_MEMBERS.into(),
            ..Default::default()
        },
        errors: FieldErrors::default(),
        group_form: GroupForm::default(),
        group_errors: FieldErrors::default(),
        notice: String::new(),
        editing: None,
        product_form: super::reviews::ProductForm::default(),
        product_errors: FieldErrors::default(),
        status_form: super::ideas::StatusDefForm { position: "10".into(), ..Default::default() },
        status_error: String::new(),
    }
}

/// The boards page again, with the problem of the idea-status form and its text kept.
pub async fn render_with_status_error(
    ctx: &PageCtx,
    state: &web::Data<AppState>,
    status_form: super::ideas::StatusDefForm,
    key: &str,
) -> AppResult<HttpResponse> {
    let st = PageState { status_form, status_error: ctx.t(key), ..blank() };
    render_invalid(&page(ctx, state, st).await?)
}

/// The board's edit page again, with the problems of a product form.
pub async fn render_board_with_product_errors(
    ctx: &PageCtx,
    state: &web::Data<AppState>,
    board: Board,
    product_form: super::reviews::ProductForm,
    product_errors: FieldErrors,
) -> AppResult<HttpResponse> {
    let st = PageState {
        form: BoardForm::from_board(&board),
        editing: Some(board),
        product_form,
        product_errors,
        ..blank()
    };
    render_invalid(&page(ctx, state, st).await?)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NoticeQuery {
    pub saved: String,
}

pub async fn index(ctx: Ctx, state: web::Data<AppState>, query: web::Query<NoticeQuery>) -> AppResult<HttpResponse> {
    ctx.require_admin()?;
    let mut st = blank();
    if !query.saved.is_empty() {
        st.notice = ctx.t("settings-saved");
    }
    render(&page(&ctx, &state, st).await?)
}

/// Check a board form; `editing` keeps the kind of an existing board.
fn check_board(form: &BoardForm, groups: &[BoardGroup], editing: Option<&Board>) -> Result<BoardInput, FieldErrors> {
    let mut errors = FieldErrors::default();
    let name = form.name.trim().to_string();
    if name.is_empty() {
        errors.add("name", "err-board-name-empty");
    } else if name.chars().count() > 80 {
        errors.add("name", "err-board-name-long");
    }
    let slug_text = if form.slug.trim().is_empty() { slug::slugify(&name) } else { form.slug.trim().to_lowercase() };
    if slug_text.is_empty() || !slug::is_valid(&slug_text) || slug_text.chars().count() > 60 || slug_text == "new" {
        errors.add("slug", "err-slug-invalid");
    }
    if form.description.chars().count() > 500 {
        errors.add("description", "err-description-long");
    }
    let kind = match editing {
        Some(b) => b.kind.clone(),
        None if BOARD_KINDS.contains(&form.kind.as_str()) => form.kind.clone(),
        None => {
            errors.add("kind", "err-board-kind");
            String::new()
        }
    };
    if !VIEW_LEVELS.contains(&form.view_access.as_str()) {
        errors.add("view_access", "err-board-access");
    }
    if !POST_LEVELS.contains(&form.post_access.as_str()) {
        errors.add("post_access", "err-board-access");
    }
    let group_id = match form.group.trim() {
        "" => None,
        g => match g.parse::<i64>().ok().filter(|id| groups.iter().any(|x| x.id == *id)) {
            Some(id) => Some(id),
            None => {
                errors.add("group", "err-board-group");
                None
            }
        },
    };
    let position = match form.position.trim() {
        "" => 0,
        p => p.parse::<i32>().unwrap_or_else(|_| {
            errors.add("position", "err-position");
            0
        }),
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(BoardInput {
        group_id,
        slug: slug_text,
        name,
        description: form.description.trim().to_string(),
        kind,
        view_access: form.view_access.clone(),
        post_access: form.post_access.clone(),
        position,
    })
}

async fn save_board(
    ctx: &PageCtx,
    state: &web::Data<AppState>,
    form: BoardForm,
    editing: Option<Board>,
) -> AppResult<HttpResponse> {
    let groups = crate::db::run(&state.pool, |conn| Ok(q::groups(conn)?)).await?;
    let input = match check_board(&form, &groups, editing.as_ref()) {
        Ok(i) => i,
        Err(errors) => {
            return render_invalid(&page(ctx, state, PageState { form, errors, editing, ..blank() }).await?);
        }
    };
    let id = editing.as_ref().map(|b| b.id);
    let saved = crate::db::run(&state.pool, move |conn| {
        let r = match id {
            Some(id) => q::update_board(conn, id, &input),
            None => q::create_board(conn, &input).map(|_| ()),
        };
        match r {
            Ok(()) => Ok(true),
            Err(e) if is_unique_violation(&e) => Ok(false),
            Err(e) => Err(AppError::from(e)),
        }
    })
    .await?;
    if !saved {
        let mut errors = FieldErrors::default();
        errors.add("slug", "err-board-slug-taken");
        return render_invalid(&page(ctx, state, PageState { form, errors, editing, ..blank() }).await?);
    }
    Ok(redirect("/admin/forums?saved=1"))
}

pub async fn create_board(
    ctx: Ctx,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<BoardForm>,
) -> AppResult<HttpResponse> {
    ctx.require_admin()?;
    save_board(&ctx, &state, form, None).await
}

async fn load_board(state: &web::Data<AppState>, id: i64) -> AppResult<Board> {
    crate::db::run(&state.pool, move |conn| q::board(conn, id)?.ok_or(AppError::NotFound)).await
}

pub async fn edit_board_form(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    query: web::Query<NoticeQuery>,
) -> AppResult<HttpResponse> {
    ctx.require_admin()?;
    let board = load_board(&state, path.into_inner()).await?;
    let notice = if query.saved.is_empty() { String::new() } else { ctx.t("settings-saved") };
    let st = PageState { form: BoardForm::from_board(&board), editing: Some(board), notice, ..blank() };
    render(&page(&ctx, &state, st).await?)
}

pub async fn update_board(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<BoardForm>,
) -> AppResult<HttpResponse> {
    ctx.require_admin()?;
    let board = load_board(&state, path.into_inner()).await?;
    save_board(&ctx, &state, form, Some(board)).await
}

fn check_group(form: &GroupForm) -> Result<(String, i32), FieldErrors> {
    let mut errors = FieldErrors::default();
    let name = form.name.trim().to_string();
    if name.is_empty() {
        errors.add("group_name", "err-group-name-empty");
    } else if name.chars().count() > 80 {
        errors.add("group_name", "err-board-name-long");
    }
    let position = form.position.trim().parse::<i32>().ok().or(form.position.trim().is_empty().then_some(0));
    if position.is_none() {
        errors.add("group_position", "err-position");
    }
    if errors.is_empty() { Ok((name, position.unwrap_or(0))) } else { Err(errors) }
}

pub async fn create_group(
    ctx: Ctx,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<GroupForm>,
) -> AppResult<HttpResponse> {
    ctx.require_admin()?;
    let (name, position) = match check_group(&form) {
        Ok(v) => v,
        Err(group_errors) => {
            return render_invalid(&page(&ctx, &state, PageState { group_form: form, group_errors, ..blank() }).await?);
        }
    };
    crate::db::run(&state.pool, move |conn| Ok(q::create_group(conn, &name, position)?)).await?;
    Ok(redirect("/admin/forums?saved=1"))
}

pub async fn update_group(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<GroupForm>,
) -> AppResult<HttpResponse> {
    ctx.require_admin()?;
    let id = path.into_inner();
    let (name, position) = match check_group(&form) {
        Ok(v) => v,
        Err(group_errors) => {
            return render_invalid(&page(&ctx, &state, PageState { group_form: form, group_errors, ..blank() }).await?);
        }
    };
    crate::db::run(&state.pool, move |conn| Ok(q::update_group(conn, id, &name, position)?)).await?;
    Ok(redirect("/admin/forums?saved=1"))
}
