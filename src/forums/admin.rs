//! `/admin/forums`: admins create, edit, order and group boards.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::queries::{self as q, Access, BoardInput};
use super::{BOARD_KINDS, Board, BoardGroup};
use crate::accounts::groups::{self, Group};
use crate::content::slug;
use crate::error::{AppError, AppResult};
use crate::policy::{Principal, Role};
use crate::web::{AppState, CsrfForm, Ctx, FieldErrors, Meta, PageCtx, redirect, render, render_invalid};

/// The board form as typed. Access is "everyone", "members" or "named" (then only the roles and
/// groups ticked), so a board can be opened to, say, employees and the "Beta testers" group.
#[derive(Default, Clone)]
pub struct BoardForm {
    pub name: String,
    pub slug: String,
    pub description: String,
    pub kind: String,
    pub group: String,
    pub view_access: String,
    pub read_named: Vec<String>,
    pub post_access: String,
    pub post_named: Vec<String>,
    pub position: String,
    /// Whose posts wait for a moderator: off, new, all.
    pub premoderation: String,
}

impl BoardForm {
    /// From the posted fields (checkboxes repeat their name).
    pub fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut f = BoardForm::default();
        for (k, v) in pairs {
            match k.as_str() {
                "name" => f.name = v,
                "slug" => f.slug = v,
                "description" => f.description = v,
                "kind" => f.kind = v,
                "group" => f.group = v,
                "view_access" => f.view_access = v,
                "read_named" => f.read_named.push(v),
                "post_access" => f.post_access = v,
                "post_named" => f.post_named.push(v),
                "position" => f.position = v,
                "premoderation" => f.premoderation = v,
                _ => {}
            }
        }
        f
    }

    fn from_board(b: &Board, read: &Access, post: &Access) -> Self {
        let (view_access, read_named) = form_access(read);
        let (post_access, post_named) = form_access(post);
        BoardForm {
            name: b.name.clone(),
            slug: b.slug.clone(),
            description: b.description.clone(),
            kind: b.kind.clone(),
            group: b.group_id.map(|g| g.to_string()).unwrap_or_default(),
            view_access,
            read_named,
            post_access,
            post_named,
            position: b.position.to_string(),
            premoderation: b.premoderation.clone(),
        }
    }

    pub fn reads(&self, principal: &str) -> bool {
        self.read_named.iter().any(|p| p == principal)
    }

    pub fn posts(&self, principal: &str) -> bool {
        self.post_named.iter().any(|p| p == principal)
    }
}

fn form_access(a: &Access) -> (String, Vec<String>) {
    match a {
        Access::Everyone => ("everyone".into(), Vec::new()),
        Access::Members => ("members".into(), Vec::new()),
        Access::Only(p) => ("named".into(), p.iter().map(Principal::to_db).collect()),
    }
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct GroupForm {
    pub name: String,
    pub position: String,
}

/// A choice of the access fields: its value and label.
pub struct Choice {
    pub value: String,
    pub label: String,
}

/// A board in the admin's table, with who may read it and start topics, in words.
pub struct BoardRow {
    pub board: Board,
    pub reads: String,
    pub posts: String,
}

#[derive(Template)]
#[template(path = "forums/admin.html")]
struct AdminPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    groups: Vec<BoardGroup>,
    boards: Vec<BoardRow>,
    form: BoardForm,
    errors: FieldErrors,
    group_form: GroupForm,
    group_errors: FieldErrors,
    kinds: [&'static str; 4],
    /// Roles and member groups that access can name.
    principals: Vec<Choice>,
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

/// The roles and groups an access can name, labelled for the form.
fn principal_choices(ctx: &PageCtx, member_groups: &[Group]) -> Vec<Choice> {
    let mut out: Vec<Choice> = [Role::Employee, Role::Moderator]
        .into_iter()
        .map(|r| Choice { value: Principal::Role(r).to_db(), label: ctx.t(r.label_key()) })
        .collect();
    out.extend(member_groups.iter().map(|g| Choice { value: Principal::Group(g.id).to_db(), label: g.name.clone() }));
    out
}

/// Who an access lets in, in words: "Everyone", "Members", "Employees, Beta testers". For who
/// starts topics, "members" means the logged-in members who may read the board.
pub fn describe(ctx: &PageCtx, access: &Access, member_groups: &[Group], posting: bool) -> String {
    match access {
        Access::Everyone => ctx.t("access-everyone"),
        Access::Members if posting => ctx.t("access-readers"),
        Access::Members => ctx.t("access-members"),
        Access::Only(list) if list.is_empty() => ctx.t("access-admins"),
        Access::Only(list) => {
            // Roles first, then groups.
            let mut list = list.clone();
            list.sort_by_key(|p| !matches!(p, Principal::Role(_)));
            list.iter()
                .map(|p| match p {
                    Principal::Role(r) => ctx.t(r.label_key()),
                    Principal::Group(g) => {
                        member_groups.iter().find(|x| x.id == *g).map(|x| x.name.clone()).unwrap_or_default()
                    }
                    Principal::Everyone => ctx.t("access-everyone"),
                    Principal::Members => ctx.t("access-members"),
                })
                .collect::<Vec<_>>()
                .join(", ")
        }
    }
}

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
    let (groups, boards, products, statuses, member_groups, grants) = crate::db::run(&state.pool, move |conn| {
        let products = match editing_id {
            Some(id) => super::reviews::products_of(conn, id)?,
            None => Vec::new(),
        };
        let boards = q::all_boards(conn)?;
        let mut grants = Vec::new();
        for b in &boards {
            let read = Access::from_grants(&crate::policy::grants_of(conn, b.read_audience_id)?);
            let post = Access::from_grants(&crate::policy::grants_of(conn, b.post_audience_id)?);
            grants.push((read, post));
        }
        Ok((q::groups(conn)?, boards, products, super::ideas::statuses(conn)?, groups::all(conn)?, grants))
    })
    .await?;
    let canonical = match &st.editing {
        Some(b) => format!("/admin/forums/boards/{}", b.id),
        None => "/admin/forums".to_string(),
    };
    let rows = boards
        .into_iter()
        .zip(grants)
        .map(|(board, (read, post))| BoardRow {
            reads: describe(ctx, &read, &member_groups, false),
            posts: describe(ctx, &post, &member_groups, true),
            board,
        })
        .collect();
    Ok(AdminPage {
        meta: Meta::new(ctx.t("forums-admin-title"), canonical).noindex(),
        principals: principal_choices(ctx, &member_groups),
        ctx,
        groups,
        boards: rows,
        form: st.form,
        errors: st.errors,
        group_form: st.group_form,
        group_errors: st.group_errors,
        kinds: BOARD_KINDS,
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
            view_access: "everyone".into(),
            post_access: "members".into(),
            premoderation: crate::moderation::screen::PREMOD_OFF.into(),
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
    let form = board_form(state, &board).await?;
    let st = PageState { form, editing: Some(board), product_form, product_errors, ..blank() };
    render_invalid(&page(ctx, state, st).await?)
}

/// The form filled from a board and its access.
async fn board_form(state: &web::Data<AppState>, board: &Board) -> AppResult<BoardForm> {
    let (read, post) = (board.read_audience_id, board.post_audience_id);
    let (read, post) = crate::db::run(&state.pool, move |conn| {
        Ok((
            Access::from_grants(&crate::policy::grants_of(conn, read)?),
            Access::from_grants(&crate::policy::grants_of(conn, post)?),
        ))
    })
    .await?;
    Ok(BoardForm::from_board(board, &read, &post))
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

/// The access a form names, or the catalog key of its problem. The named roles and groups must
/// exist; "named" with nothing ticked is refused (only admins could get in).
fn check_access(kind: &str, named: &[String], allow_everyone: bool, groups: &[Group]) -> Result<Access, &'static str> {
    match kind {
        "everyone" if allow_everyone => Ok(Access::Everyone),
        "members" => Ok(Access::Members),
        // The short name older forms and scripts send.
        "employees" => Ok(Access::Only(vec![Principal::Role(Role::Employee)])),
        "named" => {
            let mut list = Vec::new();
            for n in named {
                match Principal::parse(n) {
                    // Admins read every board already: naming them would open it to no one.
                    Some(p @ Principal::Role(r)) if r != Role::Admin => list.push(p),
                    Some(Principal::Group(g)) if groups.iter().any(|x| x.id == g) => list.push(Principal::Group(g)),
                    _ => return Err("err-board-access"),
                }
            }
            list.dedup();
            if list.is_empty() { Err("err-board-access-named") } else { Ok(Access::Only(list)) }
        }
        _ => Err("err-board-access"),
    }
}

/// Check a board form; `editing` keeps the kind of an existing board.
fn check_board(
    form: &BoardForm,
    groups: &[BoardGroup],
    member_groups: &[Group],
    editing: Option<&Board>,
) -> Result<BoardInput, FieldErrors> {
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
    let read = check_access(&form.view_access, &form.read_named, true, member_groups)
        .map_err(|k| errors.add("view_access", k))
        .ok();
    let post = check_access(&form.post_access, &form.post_named, false, member_groups)
        .map_err(|k| errors.add("post_access", k))
        .ok();
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
    let (Some(read), Some(post)) = (read, post) else { return Err(errors) };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(BoardInput {
        group_id,
        slug: slug_text,
        name,
        description: form.description.trim().to_string(),
        kind,
        read,
        post,
        position,
    })
}

async fn save_board(
    ctx: &PageCtx,
    state: &web::Data<AppState>,
    form: BoardForm,
    editing: Option<Board>,
) -> AppResult<HttpResponse> {
    let (groups, member_groups) =
        crate::db::run(&state.pool, |conn| Ok((q::groups(conn)?, groups::all(conn)?))).await?;
    let input = match check_board(&form, &groups, &member_groups, editing.as_ref()) {
        Ok(i) => i,
        Err(errors) => {
            return render_invalid(&page(ctx, state, PageState { form, errors, editing, ..blank() }).await?);
        }
    };
    let premoderation = match form.premoderation.as_str() {
        "" => crate::moderation::screen::PREMOD_OFF.to_string(),
        p if crate::moderation::screen::PREMODS.contains(&p) => p.to_string(),
        _ => {
            let mut errors = FieldErrors::default();
            errors.add("premoderation", "err-board-premoderation");
            return render_invalid(&page(ctx, state, PageState { form, errors, editing, ..blank() }).await?);
        }
    };
    let id = editing.as_ref().map(|b| b.id);
    let saved = crate::db::run_write(&state.pool, move |tx| {
        if q::board_by_slug(tx, &input.slug)?.is_some_and(|b| Some(b.id) != id) {
            return Ok(false);
        }
        let id = match id {
            Some(id) => {
                q::update_board(tx, id, &input)?;
                id
            }
            None => q::create_board(tx, &input)?,
        };
        q::set_premoderation(tx, id, &premoderation)?;
        Ok(true)
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
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    ctx.require_admin()?;
    save_board(&ctx, &state, BoardForm::from_pairs(pairs), None).await
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
    let st = PageState { form: board_form(&state, &board).await?, editing: Some(board), notice, ..blank() };
    render(&page(&ctx, &state, st).await?)
}

pub async fn update_board(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    ctx.require_admin()?;
    let board = load_board(&state, path.into_inner()).await?;
    save_board(&ctx, &state, BoardForm::from_pairs(pairs), Some(board)).await
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
    crate::db::run_write(&state.pool, move |tx| Ok(q::create_group(tx, &name, position)?)).await?;
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
    crate::db::run_write(&state.pool, move |tx| Ok(q::update_group(tx, id, &name, position)?)).await?;
    Ok(redirect("/admin/forums?saved=1"))
}
