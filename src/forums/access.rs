//! Finding a board or topic the viewer may read. A board (or topic) that a visitor could read by
//! logging in asks them to log in; one they could not read anyway does not reveal itself (404).

use actix_web::web;

use super::Board;
use super::queries::{self as q, TopicFull};
use crate::db::DbConn;
use crate::error::{AppError, AppResult};
use crate::policy::{Guard, Place};
use crate::web::{AppState, PageCtx};

/// 404, or "log in first" when any member could read it.
pub fn refuse(guard: &Guard, audience_id: i64, path: &str) -> AppError {
    if guard.login_would_help(audience_id) { AppError::LoginRequired(path.to_string()) } else { AppError::NotFound }
}

pub fn check_board(guard: &Guard, board: &Board, path: &str) -> AppResult<()> {
    if guard.can_read_board(&board.facts()) { Ok(()) } else { Err(refuse(guard, board.read_audience_id, path)) }
}

pub fn check_topic(guard: &Guard, t: &TopicFull, path: &str) -> AppResult<()> {
    check_board(guard, &t.board, path)?;
    if guard.can_read(&t.facts(), Place::None) { Ok(()) } else { Err(AppError::NotFound) }
}

/// The board at a slug, if the viewer may read it.
pub async fn visible_board(ctx: &PageCtx, state: &web::Data<AppState>, slug: String) -> AppResult<Board> {
    let (viewer, path) = (ctx.viewer(), ctx.path.clone());
    crate::db::run(&state.pool, move |conn| {
        let board = q::board_by_slug(conn, &slug)?.ok_or(AppError::NotFound)?;
        let guard = Guard::load(conn, &viewer)?;
        check_board(&guard, &board, &path)?;
        Ok(board)
    })
    .await
}

/// A topic the viewer may read (with the guard that said so).
pub fn readable_topic(conn: &mut DbConn, guard: &Guard, id: i64, path: &str) -> AppResult<TopicFull> {
    let t = q::topic(conn, id)?.ok_or(AppError::NotFound)?;
    check_topic(guard, &t, path)?;
    Ok(t)
}

pub async fn visible_topic(ctx: &PageCtx, state: &web::Data<AppState>, id: i64) -> AppResult<TopicFull> {
    let (viewer, path) = (ctx.viewer(), ctx.path.clone());
    crate::db::run(&state.pool, move |conn| {
        let guard = Guard::load(conn, &viewer)?;
        readable_topic(conn, &guard, id, &path)
    })
    .await
}
