//! `/appeal`: the page that tells a silenced or suspended member why, until when, and takes
//! their one appeal. A silenced member reaches it logged in; a suspended one (who cannot log
//! in) through the link in their e-mail or the one the login page sends them to.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::sanctions::{self, Appeal, Sanction};
use crate::accounts::tokens::{self, Purpose};
use crate::error::{AppError, AppResult};
use crate::web::{AppState, CsrfForm, Ctx, FieldErrors, Meta, PageCtx, redirect, render, render_invalid};

#[derive(Template)]
#[template(path = "moderation/appeal.html")]
struct AppealPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    /// The link's token (kept in the form), or "" when logged in.
    token: String,
    /// The link no longer works.
    expired: bool,
    sanction: Option<Sanction>,
    appeal: Option<Appeal>,
    body: String,
    errors: FieldErrors,
    sent: bool,
}

impl AppealPage<'_> {
    fn reason(&self, s: &Sanction) -> String {
        sanctions::shown_reason(self.ctx.lang, &s.reason)
    }

    /// What the sanction is and until when, as sentences of the reader's language (Chinese ones
    /// follow each other without a space).
    fn lead(&self, s: &Sanction) -> String {
        let what = self.ctx.t(if s.kind == "suspend" { "appeal-suspended" } else { "appeal-silenced" });
        let until = match s.ends_at {
            Some(e) => self.ctx.t1("mail-sanction-until", "until", self.ctx.datetime(e)),
            None => self.ctx.t("appeal-permanent"),
        };
        let gap = if self.ctx.lang == crate::web::Lang::Zh { "" } else { " " };
        format!("{what}{gap}{until}")
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AppealQuery {
    pub token: String,
    pub msg: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AppealForm {
    pub token: String,
    pub body: String,
}

/// Who the page is for: the link's member, or the one logged in. `Err(())`: a link that no
/// longer works.
fn member(conn: &mut crate::db::DbConn, ctx: &PageCtx, token: &str) -> Result<Result<i64, ()>, AppError> {
    if !token.is_empty() {
        return Ok(match tokens::peek(conn, Purpose::Appeal, token)? {
            tokens::State::Valid(t) => Ok(t.user_id),
            _ => Err(()),
        });
    }
    match ctx.user_id() {
        Some(id) => Ok(Ok(id)),
        None => Err(AppError::LoginRequired(ctx.path.clone())),
    }
}

/// `GET /appeal`
pub async fn page(ctx: Ctx, state: web::Data<AppState>, query: web::Query<AppealQuery>) -> AppResult<HttpResponse> {
    let token = query.token.trim().to_string();
    let (expired, sanction, appeal) = {
        let (ctx, token) = (ctx.clone(), token.clone());
        crate::db::run(&state.pool, move |conn| {
            let Ok(user_id) = member(conn, &ctx, &token)? else { return Ok((true, None, None)) };
            let sanction = sanctions::appealable(conn, user_id)?;
            let appeal = match &sanction {
                Some(s) => sanctions::appeal_of(conn, s.id)?,
                None => None,
            };
            Ok((false, sanction, appeal))
        })
        .await?
    };
    render(&AppealPage {
        meta: Meta::new(ctx.t("appeal-title"), "/appeal").noindex(),
        ctx: &ctx,
        token,
        expired,
        sanction,
        appeal,
        body: String::new(),
        errors: FieldErrors::default(),
        sent: query.msg == "sent",
    })
}

/// `POST /appeal`
pub async fn send(
    ctx: Ctx,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<AppealForm>,
) -> AppResult<HttpResponse> {
    let token = form.token.trim().to_string();
    let body = crate::content::plain_input(form.body.trim()).trim().to_string();
    let mut errors = FieldErrors::default();
    if body.is_empty() {
        errors.add("body", "appeal-body-required");
    } else if body.chars().count() > 4000 {
        errors.add("body", "appeal-body-too-long");
    }
    let outcome = {
        let (ctx, token, body) = (ctx.clone(), token.clone(), body.clone());
        let check_only = !errors.is_empty();
        crate::db::run_write(&state.pool, move |tx| {
            let Ok(user_id) = member(tx, &ctx, &token)? else { return Ok((true, None, None, None)) };
            tx.lock("users", "id", user_id)?;
            let Some(sanction) = sanctions::appealable(tx, user_id)? else { return Ok((false, None, None, None)) };
            if check_only {
                let appeal = sanctions::appeal_of(tx, sanction.id)?;
                return Ok((false, Some(sanction), appeal, None));
            }
            let sent = sanctions::send_appeal(tx, &sanction, &body)?;
            let appeal = sanctions::appeal_of(tx, sanction.id)?;
            Ok((false, Some(sanction), appeal, Some(sent)))
        })
        .await?
    };
    let (expired, sanction, appeal, sent) = outcome;
    match sent {
        Some(Ok(_)) => {
            let to = if token.is_empty() {
                "/appeal?msg=sent".to_string()
            } else {
                format!("/appeal?token={token}&msg=sent")
            };
            Ok(redirect(&to))
        }
        other => {
            if let Some(Err(key)) = other {
                errors.add("body", key);
            }
            render_invalid(&AppealPage {
                meta: Meta::new(ctx.t("appeal-title"), "/appeal").noindex(),
                ctx: &ctx,
                token,
                expired,
                sanction,
                appeal,
                body,
                errors,
                sent: false,
            })
        }
    }
}
