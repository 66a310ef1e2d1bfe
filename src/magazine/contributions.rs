//! Contribution areas and their entries: the model and its SQL.
//!
//! An area is a place in an article or an issue (its host) that an editor opens to readers with
//! a prompt, the media it accepts and perhaps a deadline. An entry is a content row (kind
//! `contribution`) under the host, sent as a draft: it is published, and so live with its host
//! (pages, search, its author's profile), only when an editor accepts it. An editor may also
//! return it to its author with a note (the author may change it and send it again) or decline
//! it. Its state, the editor's caption, order and note are in `magazine_entries`.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::PLACE;
use crate::accounts::AuthorView;
use crate::content::{self, Body, Content, NewContent, Placement};
use crate::db::schema::{contents, magazine_areas, magazine_entries, media, media_files, users};
use crate::db::{DbConn, Tx};
use crate::policy::Guard;

pub const KIND_CONTRIBUTION: &str = "contribution";

pub const STATE_PENDING: &str = "pending";
pub const STATE_ACCEPTED: &str = "accepted";
pub const STATE_RETURNED: &str = "returned";
pub const STATE_DECLINED: &str = "declined";

/// The media kinds an area may accept, as `media_files.media_type` names them.
pub const MEDIA_TYPES: [&str; 3] = [crate::media::TYPE_IMAGE, crate::media::TYPE_AUDIO, crate::media::TYPE_VIDEO];

pub const TITLE_MAX: usize = 200;
pub const PROMPT_MAX: usize = 4000;
pub const CAPTION_MAX: usize = 300;
pub const NOTE_MAX: usize = 2000;
/// An entry's text: shorter than an article.
pub const BODY_MAX: usize = 20_000;

#[derive(Clone, Debug)]
pub struct Area {
    pub id: i64,
    pub host_id: i64,
    /// The issue it is in (none for a call's area).
    pub issue_id: Option<i64>,
    pub title: String,
    pub prompt: String,
    pub accepts: String,
    pub deadline: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

impl Area {
    pub fn path(&self) -> String {
        area_path(self.id)
    }

    /// The media kinds it takes, in the usual order.
    pub fn accepted_types(&self) -> Vec<&'static str> {
        MEDIA_TYPES.into_iter().filter(|t| self.accepts.split(',').any(|a| a == *t)).collect()
    }

    pub fn accepts_type(&self, media_type: &str) -> bool {
        self.accepts.split(',').any(|a| a == media_type)
    }

    /// Still taking entries at `now` (no deadline, or not passed).
    pub fn open_at(&self, now: NaiveDateTime) -> bool {
        self.deadline.is_none_or(|d| now <= d)
    }
}

pub fn area_path(id: i64) -> String {
    format!("/magazine/areas/{id}")
}

/// Catalog key naming a media kind an area accepts.
pub fn type_key(media_type: &str) -> &'static str {
    match media_type {
        crate::media::TYPE_IMAGE => "magazine-accepts-image",
        crate::media::TYPE_AUDIO => "magazine-accepts-audio",
        _ => "magazine-accepts-video",
    }
}

/// An entry as the area page and its host show it.
#[derive(Clone, Debug)]
pub struct Entry {
    pub id: i64,
    pub area_id: i64,
    pub author_id: i64,
    pub author: AuthorView,
    pub title: String,
    pub body_md: String,
    pub body_html: String,
    pub state: String,
    pub caption: String,
    pub position: i32,
    pub note: String,
    /// A call's prize or mention for it (shown once the winners are announced).
    pub award: String,
    pub likes: i32,
    pub submitted_at: NaiveDateTime,
    pub reviewed_at: Option<NaiveDateTime>,
}

impl Entry {
    /// What readers see above it: the editor's caption, else its own title.
    pub fn shown_caption(&self) -> &str {
        if self.caption.is_empty() { &self.title } else { &self.caption }
    }

    pub fn state_key(&self) -> &'static str {
        match self.state.as_str() {
            STATE_ACCEPTED => "magazine-entry-accepted",
            STATE_RETURNED => "magazine-entry-returned",
            STATE_DECLINED => "magazine-entry-declined",
            _ => "magazine-entry-pending",
        }
    }

    pub fn accepted(&self) -> bool {
        self.state == STATE_ACCEPTED
    }

    /// Its author may still change it and send it again.
    pub fn changeable(&self) -> bool {
        self.state == STATE_PENDING || self.state == STATE_RETURNED
    }

    pub fn html(&self) -> crate::content::SafeHtml {
        crate::content::SafeHtml::from_stored(self.body_html.clone())
    }

    /// Which sending of it this is (an editor decides about the version they saw).
    pub fn version(&self) -> i64 {
        self.submitted_at.and_utc().timestamp_micros()
    }
}

type AreaRow = (i64, i64, Option<i64>, String, String, String, Option<NaiveDateTime>, NaiveDateTime);

fn area_of(r: AreaRow) -> Area {
    Area { id: r.0, host_id: r.1, issue_id: r.2, title: r.3, prompt: r.4, accepts: r.5, deadline: r.6, created_at: r.7 }
}

macro_rules! area_columns {
    () => {
        (
            magazine_areas::id,
            magazine_areas::host_id,
            magazine_areas::issue_id,
            magazine_areas::title,
            magazine_areas::prompt,
            magazine_areas::accepts,
            magazine_areas::deadline,
            magazine_areas::created_at,
        )
    };
}

pub fn area(conn: &mut DbConn, id: i64) -> QueryResult<Option<Area>> {
    Ok(magazine_areas::table.find(id).select(area_columns!()).first::<AreaRow>(conn).optional()?.map(area_of))
}

/// The areas of these hosts (articles or issues), oldest first.
pub fn areas_of(conn: &mut DbConn, host_ids: &[i64]) -> QueryResult<HashMap<i64, Vec<Area>>> {
    let rows: Vec<AreaRow> = magazine_areas::table
        .filter(magazine_areas::host_id.eq_any(host_ids))
        .order(magazine_areas::id)
        .select(area_columns!())
        .load(conn)?;
    let mut out: HashMap<i64, Vec<Area>> = HashMap::new();
    for r in rows {
        out.entry(r.1).or_default().push(area_of(r));
    }
    Ok(out)
}

/// What an editor typed for an area, checked.
#[derive(Clone, Debug)]
pub struct AreaInput {
    pub title: String,
    pub prompt: String,
    pub accepts: Vec<&'static str>,
    pub deadline: Option<NaiveDateTime>,
}

pub fn create_area(
    tx: &mut Tx<'_>,
    host_id: i64,
    issue_id: Option<i64>,
    by: i64,
    input: &AreaInput,
) -> QueryResult<i64> {
    let id = diesel::insert_into(magazine_areas::table)
        .values((
            magazine_areas::host_id.eq(host_id),
            magazine_areas::issue_id.eq(issue_id),
            magazine_areas::title.eq(&input.title),
            magazine_areas::prompt.eq(&input.prompt),
            magazine_areas::accepts.eq(input.accepts.join(",")),
            magazine_areas::deadline.eq(input.deadline),
            magazine_areas::created_by.eq(by),
            magazine_areas::created_at.eq(crate::now()),
        ))
        .returning(magazine_areas::id)
        .get_result(tx.conn())?;
    // Its host's page shows it.
    tx.touch(host_id);
    Ok(id)
}

pub fn update_area(tx: &mut Tx<'_>, area: &Area, input: &AreaInput) -> QueryResult<()> {
    diesel::update(magazine_areas::table.find(area.id))
        .set((
            magazine_areas::title.eq(&input.title),
            magazine_areas::prompt.eq(&input.prompt),
            magazine_areas::accepts.eq(input.accepts.join(",")),
            magazine_areas::deadline.eq(input.deadline),
        ))
        .execute(tx.conn())?;
    tx.touch(area.host_id);
    Ok(())
}

type EntryRow = (
    i64,
    i64,
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    i32,
    String,
    String,
    i32,
    NaiveDateTime,
    Option<NaiveDateTime>,
);

fn entry_of(r: EntryRow) -> Entry {
    Entry {
        id: r.0,
        area_id: r.1,
        author_id: r.2,
        author: AuthorView::from_row(r.3, r.4, &r.5),
        title: r.6,
        body_md: r.7,
        body_html: r.8,
        state: r.9,
        position: r.10,
        note: r.11,
        award: r.12,
        likes: r.13,
        submitted_at: r.14,
        reviewed_at: r.15,
        caption: String::new(),
    }
}

/// Entries with their authors, for any of the selections below.
fn entry_query() -> magazine_entries::BoxedQuery<'static, crate::db::MultiBackend> {
    magazine_entries::table.into_boxed()
}

fn load_entries(
    conn: &mut DbConn,
    // Leave out what a moderator hid (lists readers see).
    shown_only: bool,
    filter: impl FnOnce(
        magazine_entries::BoxedQuery<'static, crate::db::MultiBackend>,
    ) -> magazine_entries::BoxedQuery<'static, crate::db::MultiBackend>,
) -> QueryResult<Vec<Entry>> {
    let ids: Vec<(i64, String)> =
        filter(entry_query()).select((magazine_entries::content_id, magazine_entries::caption)).load(conn)?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let captions: HashMap<i64, String> = ids.iter().cloned().collect();
    let order: Vec<i64> = ids.iter().map(|r| r.0).collect();
    let mut rows = magazine_entries::table
        .inner_join(contents::table.on(contents::id.eq(magazine_entries::content_id)))
        .inner_join(users::table.on(users::id.eq(contents::author_id)))
        .filter(magazine_entries::content_id.eq_any(&order))
        .filter(contents::deleted_at.is_null())
        .into_boxed();
    if shown_only {
        rows = rows.filter(contents::hidden_at.is_null());
    }
    let rows: Vec<EntryRow> = rows
        .select((
            magazine_entries::content_id,
            magazine_entries::area_id,
            contents::author_id,
            users::username,
            users::display_name,
            users::roles,
            contents::title,
            contents::body_md,
            contents::body_html,
            magazine_entries::state,
            magazine_entries::position,
            magazine_entries::note,
            magazine_entries::award,
            contents::like_count,
            magazine_entries::submitted_at,
            magazine_entries::reviewed_at,
        ))
        .load(conn)?;
    let mut by_id: HashMap<i64, Entry> = rows.into_iter().map(|r| (r.0, entry_of(r))).collect();
    Ok(order
        .into_iter()
        .filter_map(|id| {
            let mut e = by_id.remove(&id)?;
            e.caption = captions.get(&id).cloned().unwrap_or_default();
            Some(e)
        })
        .collect())
}

/// The accepted entries of these areas, in the editors' order. (The areas' host decides who
/// reads them: the caller asked the policy about the issue.)
pub fn accepted_in(conn: &mut DbConn, area_ids: &[i64]) -> QueryResult<HashMap<i64, Vec<Entry>>> {
    let area_ids = area_ids.to_vec();
    // Hidden by a moderator: out of what readers see.
    let entries =
        load_entries(conn, true, move |q| {
            q.filter(magazine_entries::area_id.eq_any(area_ids))
                .filter(magazine_entries::state.eq(STATE_ACCEPTED))
                .order((magazine_entries::area_id, magazine_entries::position, magazine_entries::content_id))
        })?;
    let mut out: HashMap<i64, Vec<Entry>> = HashMap::new();
    for e in entries {
        out.entry(e.area_id).or_default().push(e);
    }
    Ok(out)
}

/// Every entry of an area in one state, oldest first (editors).
pub fn in_state(conn: &mut DbConn, area_id: i64, state: &'static str, limit: i64) -> QueryResult<Vec<Entry>> {
    load_entries(conn, false, move |q| {
        q.filter(magazine_entries::area_id.eq(area_id))
            .filter(magazine_entries::state.eq(state))
            .order(magazine_entries::submitted_at)
            .limit(limit)
    })
}

/// A member's entries that came back to them in these areas: area → entry.
pub fn returned_to(conn: &mut DbConn, user_id: i64, area_ids: &[i64]) -> QueryResult<HashMap<i64, i64>> {
    let rows: Vec<(i64, i64)> = magazine_entries::table
        .inner_join(contents::table.on(contents::id.eq(magazine_entries::content_id)))
        .filter(magazine_entries::area_id.eq_any(area_ids))
        .filter(magazine_entries::state.eq(STATE_RETURNED))
        .filter(contents::author_id.eq(user_id))
        .filter(contents::deleted_at.is_null())
        .select((magazine_entries::area_id, magazine_entries::content_id))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

/// A member's own entries in an area, newest first.
pub fn own_in(conn: &mut DbConn, area_id: i64, user_id: i64) -> QueryResult<Vec<Entry>> {
    let mine = contents::table
        .filter(contents::kind.eq(KIND_CONTRIBUTION))
        .filter(contents::author_id.eq(user_id))
        .select(contents::id);
    load_entries(conn, false, move |q| {
        q.filter(magazine_entries::area_id.eq(area_id))
            .filter(magazine_entries::content_id.eq_any(mine))
            .order(magazine_entries::submitted_at.desc())
    })
}

pub fn entry(conn: &mut DbConn, id: i64) -> QueryResult<Option<Entry>> {
    Ok(load_entries(conn, false, move |q| q.filter(magazine_entries::content_id.eq(id)))?.pop())
}

/// The areas with entries waiting for an editor, with how many, oldest area first.
pub fn waiting_areas(conn: &mut DbConn) -> QueryResult<Vec<(Area, i64)>> {
    let counts: Vec<(i64, i64)> = magazine_entries::table
        .inner_join(contents::table.on(contents::id.eq(magazine_entries::content_id)))
        .filter(magazine_entries::state.eq(STATE_PENDING))
        .filter(contents::deleted_at.is_null())
        .group_by(magazine_entries::area_id)
        .select((magazine_entries::area_id, diesel::dsl::count_star()))
        .load(conn)?;
    let ids: Vec<i64> = counts.iter().map(|c| c.0).collect();
    // An area whose article was removed takes no decisions any more.
    let hosts = contents::table.filter(contents::deleted_at.is_null()).select(contents::id);
    let areas: Vec<AreaRow> = magazine_areas::table
        .filter(magazine_areas::id.eq_any(&ids))
        .filter(magazine_areas::host_id.eq_any(hosts))
        .order(magazine_areas::id)
        .select(area_columns!())
        .load(conn)?;
    Ok(areas
        .into_iter()
        .map(area_of)
        .map(|a| {
            let n = counts.iter().find(|c| c.0 == a.id).map_or(0, |c| c.1);
            (a, n)
        })
        .collect())
}

/// Entries per state in each area of one host (for its editors' figures).
pub fn state_counts_by_area(conn: &mut DbConn, host_id: i64) -> QueryResult<HashMap<i64, HashMap<String, i64>>> {
    let rows: Vec<(i64, String, i64)> = magazine_entries::table
        .inner_join(magazine_areas::table)
        .inner_join(contents::table.on(contents::id.eq(magazine_entries::content_id)))
        .filter(magazine_areas::host_id.eq(host_id))
        .filter(contents::deleted_at.is_null())
        .group_by((magazine_entries::area_id, magazine_entries::state))
        .select((magazine_entries::area_id, magazine_entries::state, diesel::dsl::count_star()))
        .load(conn)?;
    let mut out: HashMap<i64, HashMap<String, i64>> = HashMap::new();
    for (area, state, n) in rows {
        out.entry(area).or_default().insert(state, n);
    }
    Ok(out)
}

/// The media kinds of these media items (a text's pictures, sound and video).
pub fn media_types(conn: &mut DbConn, media_ids: &[i64]) -> QueryResult<Vec<String>> {
    media::table
        .inner_join(media_files::table)
        .filter(media::content_id.eq_any(media_ids))
        .select(media_files::media_type)
        .load(conn)
}

/// Send a new entry: a draft under the host, waiting for an editor.
pub fn submit(
    tx: &mut Tx<'_>,
    area: &Area,
    host: &Content,
    author_id: i64,
    title: &str,
    body: &Body,
) -> QueryResult<i64> {
    let id = content::insert(
        tx,
        &NewContent {
            kind: KIND_CONTRIBUTION,
            author_id,
            title,
            body_md: body.md(),
            body_html: body.html(),
            excerpt: body.excerpt(),
            publish: false,
            comments_open: false,
            placement: Placement {
                parent_id: Some(host.id),
                place_kind: PLACE,
                // The issue it is in, or the call.
                place_id: area.issue_id.or(Some(host.id)),
                audience_id: host.audience_id,
                parent_live: host.live,
            },
            at: None,
            media: body.media(),
        },
    )?;
    diesel::insert_into(magazine_entries::table)
        .values((
            magazine_entries::content_id.eq(id),
            magazine_entries::area_id.eq(area.id),
            magazine_entries::state.eq(STATE_PENDING),
            magazine_entries::submitted_at.eq(crate::now()),
        ))
        .execute(tx.conn())?;
    Ok(id)
}

/// Its author changed an entry that waits or came back: it waits for an editor again. False
/// when it was decided meanwhile.
pub fn resubmit(tx: &mut Tx<'_>, entry_id: i64, title: &str, body: &Body) -> QueryResult<bool> {
    let done = diesel::update(
        magazine_entries::table.find(entry_id).filter(magazine_entries::state.eq_any([STATE_PENDING, STATE_RETURNED])),
    )
    .set((
        magazine_entries::state.eq(STATE_PENDING),
        magazine_entries::submitted_at.eq(crate::now()),
        // The editor's note was about the version it replaces.
        magazine_entries::note.eq(""),
    ))
    .execute(tx.conn())?;
    if done == 1 {
        content::save_edit(tx, entry_id, title, body)?;
    }
    Ok(done == 1)
}

/// What an editor decided about an entry.
#[derive(Clone, Debug)]
pub struct Decision {
    pub state: &'static str,
    pub caption: String,
    pub position: i32,
    pub note: String,
}

/// Apply an editor's decision to an entry last seen in `seen_state`; false when its state
/// changed meanwhile (another editor, or its author sent it again). Accepting publishes it (live
/// with its host); any other state takes it down.
pub fn decide(tx: &mut Tx<'_>, entry: &Entry, seen_state: &str, reviewer_id: i64, d: &Decision) -> QueryResult<bool> {
    let done = diesel::update(magazine_entries::table.find(entry.id).filter(magazine_entries::state.eq(seen_state)))
        .set((
            magazine_entries::state.eq(d.state),
            magazine_entries::caption.eq(&d.caption),
            magazine_entries::position.eq(d.position),
            magazine_entries::note.eq(&d.note),
            magazine_entries::reviewer_id.eq(Some(reviewer_id)),
            magazine_entries::reviewed_at.eq(Some(crate::now())),
        ))
        .execute(tx.conn())?;
    if done == 0 {
        return Ok(false);
    }
    let was_live = seen_state == STATE_ACCEPTED;
    let live = d.state == STATE_ACCEPTED;
    if was_live != live {
        content::set_published(tx, entry.id, live, None)?;
    } else {
        // A caption or order changed: its host's page shows it.
        tx.touch(entry.id);
    }
    let host: Option<i64> = contents::table.find(entry.id).select(contents::parent_id).first(tx.conn())?;
    if let Some(host) = host {
        tx.touch(host);
    }
    Ok(true)
}

/// Tell an entry's author what became of it (`state`: accepted, returned, declined), about
/// `about` (the entry once accepted, else its host).
pub fn tell_author(
    tx: &mut Tx<'_>,
    entry: &Entry,
    state: &str,
    about: i64,
    reviewer_id: i64,
    note: &str,
) -> QueryResult<()> {
    use crate::notifications as n;
    let kind = match state {
        STATE_ACCEPTED => n::KIND_ENTRY_ACCEPTED,
        STATE_RETURNED => n::KIND_ENTRY_RETURNED,
        _ => n::KIND_ENTRY_DECLINED,
    };
    let detail = n::detail(&[&entry.title], note);
    n::notify_with(tx, entry.author_id, kind, Some(reviewer_id), about, &detail, &mut vec![reviewer_id])?;
    Ok(())
}

/// A member's published contributions the viewer may read, newest first: (path, title, when).
pub fn published_by(
    conn: &mut DbConn,
    guard: &Guard,
    kinds: &crate::content::kind::Registry,
    user_id: i64,
    limit: i64,
) -> QueryResult<Vec<(String, String, NaiveDateTime)>> {
    let rows: Vec<(i64, String, Option<NaiveDateTime>)> = contents::table
        .filter(contents::kind.eq(KIND_CONTRIBUTION))
        .filter(contents::author_id.eq(user_id))
        .filter(guard.content_filter())
        .order(contents::published_at.desc())
        .limit(limit)
        .select((contents::id, contents::title, contents::published_at))
        .load(conn)?;
    let paths = kinds.paths_for(conn, &rows.iter().map(|r| r.0).collect::<Vec<_>>())?;
    Ok(rows.into_iter().filter_map(|(id, title, at)| Some((paths.get(&id)?.clone(), title, at?))).collect())
}

/// The contribution kind: shown on its host's page (an article or an issue) with an anchor.
pub struct ContributionKind;

pub static CONTRIBUTION: ContributionKind = ContributionKind;

impl crate::content::kind::ContentKind for ContributionKind {
    fn kind(&self) -> &'static str {
        KIND_CONTRIBUTION
    }

    fn label_key(&self) -> &'static str {
        "search-kind-contribution"
    }

    fn noun_key(&self) -> &'static str {
        "noun-contribution"
    }

    fn anchor_in_parent(&self, id: i64) -> Option<String> {
        Some(format!("#e{id}"))
    }
}
