//! Who may see what, and who may do what: the one place these rules live.
//!
//! A request's [`Viewer`] (who is asking: roles and groups) becomes a [`Guard`] once per request
//! (one small query: which audiences the viewer belongs to). Every page, list, count, feed, tag
//! cloud, sitemap, search result and notification asks the guard:
//!
//! - for one piece of content, [`Guard::can_read`] and the action checks below, from plain facts
//!   the parts hand over ([`ContentFacts`], [`BlogFacts`], [`BoardFacts`]);
//! - for a list computed in SQL, [`Guard::content_filter`] (and [`Guard::audience_ids`]): content
//!   that is `live` and whose `audience_id` the viewer belongs to. Lists and their counts use the
//!   same filter, so a count can never include what the list does not show.
//!
//! Audiences are sets of grants to principals (`everyone`, `members`, `role:employee`,
//! `role:moderator`, `group:<id>`); admins read everything. Content carries its place's audience
//! (a board's, or the public's for blogs), so changing who reads a board changes its grants and
//! every topic and reply follows at once.
//!
//! This module is a leaf: it knows the schema, never a part (blogs, forums, search…).

use std::collections::HashSet;
use std::sync::{Arc, OnceLock};

use diesel::expression::BoxableExpression;
use diesel::prelude::*;
use diesel::sql_types::Bool;

use crate::db::schema::{audience_grants, contents, group_members, users};
use crate::db::{DbConn, MultiBackend};

/// The audience of everything public (blogs, their posts and comments).
pub const PUBLIC_AUDIENCE: i64 = 1;

// ---------------------------------------------------------------- roles

/// A role. Everyone logged in is a member; the others are held in any combination
/// (a support engineer is an employee and a moderator).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    Member,
    Employee,
    Moderator,
    Admin,
    /// The magazine's editors: a permission an admin grants to employees and moderators (held
    /// by anyone else it gives nothing).
    Editor,
}

impl Role {
    pub const ALL: [Role; 5] = [Role::Member, Role::Employee, Role::Moderator, Role::Admin, Role::Editor];
    /// The roles an admin grants (membership comes with the account).
    pub const GRANTED: [Role; 4] = [Role::Employee, Role::Moderator, Role::Admin, Role::Editor];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::Employee => "employee",
            Role::Moderator => "moderator",
            Role::Admin => "admin",
            Role::Editor => "editor",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Catalog key of the role's name.
    pub fn label_key(self) -> &'static str {
        match self {
            Role::Member => "role-member",
            Role::Employee => "role-employee",
            Role::Moderator => "role-moderator",
            Role::Admin => "role-admin",
            Role::Editor => "role-editor",
        }
    }

    fn bit(self) -> u8 {
        match self {
            Role::Member => 0,
            Role::Employee => 1,
            Role::Moderator => 2,
            Role::Admin => 4,
            Role::Editor => 8,
        }
    }
}

/// The set of roles a person holds, stored as their names separated by spaces.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Roles(u8);

impl Roles {
    pub const NONE: Roles = Roles(0);

    /// Read the stored form; unknown words are ignored.
    pub fn parse(s: &str) -> Roles {
        Roles(s.split([' ', ',']).filter_map(Role::parse).fold(0, |acc, r| acc | r.bit()))
    }

    /// The stored form: "employee moderator".
    pub fn to_db(self) -> String {
        self.iter().map(Role::as_str).collect::<Vec<_>>().join(" ")
    }

    pub fn iter(self) -> impl Iterator<Item = Role> {
        Role::GRANTED.into_iter().filter(move |r| self.has(*r))
    }

    pub fn has(self, role: Role) -> bool {
        role == Role::Member || self.0 & role.bit() != 0
    }

    pub fn with(self, role: Role) -> Roles {
        Roles(self.0 | role.bit())
    }

    /// Employees and admins speak for the company and carry the staff badge.
    pub fn is_staff(self) -> bool {
        self.has(Role::Employee) || self.has(Role::Admin)
    }

    pub fn can_moderate(self) -> bool {
        self.has(Role::Moderator) || self.has(Role::Admin)
    }

    pub fn is_admin(self) -> bool {
        self.has(Role::Admin)
    }

    /// Makes the magazine: admins, and employees or moderators granted the editor permission.
    pub fn is_editor(self) -> bool {
        self.is_admin() || (self.has(Role::Editor) && (self.has(Role::Employee) || self.has(Role::Moderator)))
    }

    /// The role a profile names: the most senior one held.
    pub fn headline(self) -> Role {
        [Role::Admin, Role::Moderator, Role::Employee].into_iter().find(|r| self.has(*r)).unwrap_or(Role::Member)
    }
}

impl From<Role> for Roles {
    fn from(r: Role) -> Roles {
        Roles::NONE.with(r)
    }
}

// ---------------------------------------------------------------- principals

pub const EVERYONE: &str = "everyone";
pub const MEMBERS: &str = "members";

pub fn role_principal(role: Role) -> String {
    format!("role:{}", role.as_str())
}

pub fn group_principal(group_id: i64) -> String {
    format!("group:{group_id}")
}

/// One grant of an audience, as an admin chooses it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Principal {
    Everyone,
    Members,
    Role(Role),
    Group(i64),
}

impl Principal {
    pub fn parse(s: &str) -> Option<Principal> {
        match s {
            EVERYONE => Some(Principal::Everyone),
            MEMBERS => Some(Principal::Members),
            _ => {
                if let Some(r) = s.strip_prefix("role:") {
                    Role::parse(r).filter(|r| *r != Role::Member).map(Principal::Role)
                } else {
                    s.strip_prefix("group:").and_then(|g| g.parse().ok()).map(Principal::Group)
                }
            }
        }
    }

    pub fn to_db(&self) -> String {
        match self {
            Principal::Everyone => EVERYONE.into(),
            Principal::Members => MEMBERS.into(),
            Principal::Role(r) => role_principal(*r),
            Principal::Group(g) => group_principal(*g),
        }
    }
}

// ---------------------------------------------------------------- viewer and guard

/// Who is asking.
#[derive(Clone, Debug, Default)]
pub struct Viewer {
    pub user_id: Option<i64>,
    pub roles: Roles,
    pub groups: Vec<i64>,
    /// The guard once loaded, shared by the clones of one request's viewer: a page asks the
    /// database for the viewer's audiences once however many places ask.
    memo: Arc<OnceLock<Arc<Guard>>>,
}

impl Viewer {
    pub fn visitor() -> Viewer {
        Viewer::default()
    }

    pub fn member(user_id: i64, roles: Roles, groups: Vec<i64>) -> Viewer {
        Viewer { user_id: Some(user_id), roles, groups, memo: Default::default() }
    }

    /// A person as they are in the database now (a visitor if suspended or gone).
    fn current(conn: &mut DbConn, user_id: i64) -> QueryResult<Viewer> {
        crate::db::hold_shared(conn, "users", "id", user_id)?;
        let row: Option<(String, Option<chrono::NaiveDateTime>)> =
            users::table.find(user_id).select((users::roles, users::suspended_at)).first(conn).optional()?;
        let Some((roles, None)) = row else { return Ok(Viewer::visitor()) };
        let groups: Vec<i64> = group_members::table
            .filter(group_members::user_id.eq(user_id))
            .order(group_members::group_id.asc())
            .select(group_members::group_id)
            .load(conn)?;
        Ok(Viewer::member(user_id, Roles::parse(&roles), groups))
    }

    /// The same person without the request's memo (what a guard keeps).
    fn bare(&self) -> Viewer {
        Viewer { user_id: self.user_id, roles: self.roles, groups: self.groups.clone(), memo: Default::default() }
    }

    pub fn is_member(&self) -> bool {
        self.user_id.is_some()
    }

    /// The principals this viewer stands for.
    pub fn principals(&self) -> Vec<String> {
        let mut out = vec![EVERYONE.to_string()];
        if self.user_id.is_none() {
            return out;
        }
        out.push(MEMBERS.to_string());
        out.extend(self.roles.iter().map(role_principal));
        out.extend(self.groups.iter().map(|g| group_principal(*g)));
        out
    }

    /// Does an audience with these grants admit this viewer? The one rule of reading: admins
    /// read everything; anyone else, what is granted to a principal they stand for. `Guard`
    /// applies it to every audience at once for one viewer; notifications and subscription
    /// checks apply it to many people for one audience.
    pub fn admitted_by(&self, grants: &[String]) -> bool {
        self.roles.is_admin() || self.principals().iter().any(|p| grants.contains(p))
    }
}

/// The audiences a viewer belongs to (all of them, for admins).
#[derive(Clone, Debug)]
enum Audiences {
    All,
    Some(Vec<i64>),
}

/// The expressions of `Guard::optional_content_filter` (left-joined content).
type NullableContent<C> = diesel::dsl::Nullable<C>;
type NoContent = diesel::dsl::Nullable<diesel::dsl::IsNull<NullableContent<contents::id>>>;
type LiveContent = diesel::dsl::Eq<NullableContent<contents::live>, bool>;
pub type NoContentOrLive = diesel::dsl::Or<NoContent, LiveContent>;
pub type NoContentOrLiveIn = diesel::dsl::Or<
    NoContent,
    diesel::dsl::And<LiveContent, diesel::dsl::EqAny<NullableContent<contents::audience_id>, Vec<i64>>>,
>;

/// A viewer with the audiences they belong to: asks every question of access.
#[derive(Clone, Debug)]
pub struct Guard {
    pub viewer: Viewer,
    readable: Audiences,
    /// Audiences any logged-in member belongs to (to tell a visitor "log in" rather than "not found").
    member_readable: Arc<HashSet<i64>>,
    /// Audiences open to everyone (what search engines may index).
    public: Arc<HashSet<i64>>,
}

impl Guard {
    /// The viewer's guard: loaded once per request (the first call asks the database, the others
    /// reuse it).
    pub fn load(conn: &mut DbConn, viewer: &Viewer) -> QueryResult<Arc<Guard>> {
        if let Some(g) = viewer.memo.get() {
            return Ok(g.clone());
        }
        let g = Arc::new(Guard::compute(conn, viewer)?);
        let _ = viewer.memo.set(g.clone());
        Ok(g)
    }

    /// Ask the database now, whatever was loaded before: inside a unit of work, so that the
    /// check sees things as they are when the change is made. The viewer's roles and groups are
    /// read again (a role or group taken away while the request was on its way applies to it)
    /// and, on PostgreSQL, their row is held shared until commit: a change of their roles or
    /// groups waits for the changes that were checked against the old ones, so the re-check of
    /// their subscriptions that it queues sees what those changes did.
    pub fn fresh(conn: &mut DbConn, viewer: &Viewer) -> QueryResult<Guard> {
        let current = match viewer.user_id {
            Some(id) => Viewer::current(conn, id)?,
            None => viewer.bare(),
        };
        Guard::compute(conn, &current)
    }

    /// One query: the audiences granted to any of the viewer's principals (and to members).
    fn compute(conn: &mut DbConn, viewer: &Viewer) -> QueryResult<Guard> {
        let mut principals = viewer.principals();
        if !viewer.is_member() {
            principals.push(MEMBERS.to_string());
        }
        let rows: Vec<(i64, String)> = audience_grants::table
            .filter(audience_grants::principal.eq_any(&principals))
            .select((audience_grants::audience_id, audience_grants::principal))
            .load(conn)?;
        let mut grants: std::collections::BTreeMap<i64, Vec<String>> = Default::default();
        for (audience, principal) in &rows {
            grants.entry(*audience).or_default().push(principal.clone());
        }
        let readable: Vec<i64> =
            grants.into_iter().filter(|(_, g)| viewer.admitted_by(g)).map(|(audience, _)| audience).collect();
        let member_readable =
            rows.iter().filter(|(_, p)| p == EVERYONE || p == MEMBERS).map(|(a, _)| *a).collect::<HashSet<_>>();
        let public = rows.iter().filter(|(_, p)| p == EVERYONE).map(|(a, _)| *a).collect::<HashSet<_>>();
        let readable = if viewer.roles.is_admin() { Audiences::All } else { Audiences::Some(readable) };
        Ok(Guard {
            viewer: viewer.bare(),
            readable,
            member_readable: Arc::new(member_readable),
            public: Arc::new(public),
        })
    }

    pub fn user_id(&self) -> Option<i64> {
        self.viewer.user_id
    }

    pub fn roles(&self) -> Roles {
        self.viewer.roles
    }

    pub fn is_member(&self) -> bool {
        self.viewer.is_member()
    }

    pub fn is_staff(&self) -> bool {
        self.viewer.roles.is_staff()
    }

    pub fn can_moderate(&self) -> bool {
        self.viewer.roles.can_moderate()
    }

    pub fn is_admin(&self) -> bool {
        self.viewer.roles.is_admin()
    }

    fn is(&self, user_id: i64) -> bool {
        self.viewer.user_id == Some(user_id)
    }

    /// Does the viewer belong to this audience?
    pub fn in_audience(&self, audience_id: i64) -> bool {
        match &self.readable {
            Audiences::All => true,
            Audiences::Some(ids) => ids.binary_search(&audience_id).is_ok(),
        }
    }

    /// The audiences the viewer belongs to, for SQL (`None`: all of them).
    pub fn audience_ids(&self) -> Option<&[i64]> {
        match &self.readable {
            Audiences::All => None,
            Audiences::Some(ids) => Some(ids),
        }
    }

    /// The set of audiences the viewer reads, as a key for data shared by every viewer with the
    /// same set (`web::cache::PageCache::shared`): what `content_filter` and `audience_ids`
    /// depend on, and nothing else.
    pub fn scope(&self) -> String {
        match &self.readable {
            Audiences::All => "all".to_string(),
            Audiences::Some(ids) => ids.iter().map(i64::to_string).collect::<Vec<_>>().join(","),
        }
    }

    /// Is this audience open to everyone (pages search engines may index)?
    pub fn is_public(&self, audience_id: i64) -> bool {
        self.public.contains(&audience_id)
    }

    /// Would logging in (as any member) open this audience to a visitor?
    pub fn login_would_help(&self, audience_id: i64) -> bool {
        !self.is_member() && self.member_readable.contains(&audience_id)
    }

    /// The SQL condition for lists of content: live, and in an audience the viewer belongs to.
    pub fn content_filter<QS>(&self) -> Box<dyn BoxableExpression<QS, MultiBackend, SqlType = Bool>>
    where
        contents::live: SelectableExpression<QS>,
        contents::audience_id: SelectableExpression<QS>,
    {
        match self.audience_ids() {
            None => Box::new(contents::live.eq(true)),
            Some(ids) => Box::new(contents::live.eq(true).and(contents::audience_id.eq_any(ids.to_vec()))),
        }
    }

    /// `content_filter` for rows that may be about no content at all (notifications, where
    /// the content is left-joined): those pass, the others as in `content_filter`.
    pub fn optional_content_filter<QS>(
        &self,
    ) -> Box<dyn BoxableExpression<QS, MultiBackend, SqlType = diesel::sql_types::Nullable<Bool>>>
    where
        NoContentOrLive: BoxableExpression<QS, MultiBackend, SqlType = diesel::sql_types::Nullable<Bool>>,
        NoContentOrLiveIn: BoxableExpression<QS, MultiBackend, SqlType = diesel::sql_types::Nullable<Bool>>,
    {
        let none = contents::id.nullable().is_null().nullable();
        let live = contents::live.nullable().eq(true);
        match self.audience_ids() {
            None => Box::new(none.or(live)),
            Some(ids) => Box::new(none.or(live.and(contents::audience_id.nullable().eq_any(ids.to_vec())))),
        }
    }

    // ------------------------------------------------------------ reading

    /// May the viewer read this piece of content (given where it lives)?
    pub fn can_read(&self, c: &ContentFacts, place: Place<'_>) -> bool {
        if c.deleted {
            return false;
        }
        if c.hidden {
            // Moderators, and its author (who is told it is hidden).
            return (self.can_moderate() || self.is(c.author_id)) && self.in_audience(c.audience_id);
        }
        if c.draft {
            return self.is(c.author_id)
                || match place {
                    Place::Blog(b) => self.can_manage_blog(b),
                    _ => false,
                };
        }
        c.live && self.in_audience(c.audience_id)
    }

    /// May the viewer fetch a media item's file? Its author may (their library); anyone else only
    /// where it is shown: in a piece of content they may read (`shown_in_readable`, found with
    /// `content_filter`), or as someone's avatar. A hidden item only reaches moderators and its
    /// author; a deleted one nobody.
    pub fn can_read_media(&self, m: &MediaFacts) -> bool {
        if m.deleted {
            return false;
        }
        if m.hidden {
            return self.can_moderate() || self.is(m.author_id);
        }
        self.is(m.author_id) || m.shown_in_readable || m.avatar
    }

    /// Delete a media item from a library: its author (moderators hide or remove it through
    /// moderation instead).
    pub fn can_delete_media(&self, m: &MediaFacts) -> bool {
        !m.deleted && self.is(m.author_id)
    }

    /// A piece under another (a reply in a topic, a comment on a post) when the viewer may read
    /// the parent: its own state decides. (A reply in a hidden topic is not live, yet a moderator
    /// reading the topic reads its replies.)
    pub fn can_read_under(&self, c: &ContentFacts, parent_readable: bool) -> bool {
        if c.deleted || c.draft || !parent_readable {
            return false;
        }
        if c.hidden {
            return self.can_read(c, Place::None);
        }
        self.in_audience(c.audience_id)
    }

    pub fn can_read_board(&self, b: &BoardFacts) -> bool {
        self.in_audience(b.read_audience_id)
    }

    // ------------------------------------------------------------ forums

    /// Start a topic: a logged-in reader named by the board's post access.
    pub fn can_start_topic(&self, b: &BoardFacts) -> bool {
        self.is_member() && self.can_read_board(b) && self.in_audience(b.post_audience_id)
    }

    /// Reply to a topic: any logged-in reader; a locked topic only takes moderators' replies, a
    /// hidden one nobody's (it is out of every list and count until it is shown again).
    pub fn can_reply(&self, topic: &ContentFacts, locked: bool) -> bool {
        self.is_member() && topic.live && self.can_read(topic, Place::None) && (!locked || self.can_moderate())
    }

    /// Edit a topic or reply: its author, while they may still read it.
    pub fn can_edit_own(&self, c: &ContentFacts) -> bool {
        self.is(c.author_id) && self.can_read(c, Place::None)
    }

    /// Delete a topic, reply or comment: its author or a moderator.
    pub fn can_delete(&self, c: &ContentFacts) -> bool {
        self.can_read(c, Place::None) && (self.is(c.author_id) || self.can_moderate())
    }

    /// Delete a piece under a parent the viewer may read (a reply in a hidden topic, for a
    /// moderator reading that topic).
    pub fn can_delete_under(&self, c: &ContentFacts, parent_readable: bool) -> bool {
        self.can_read_under(c, parent_readable) && (self.is(c.author_id) || self.can_moderate())
    }

    /// A piece deleted already, asked to be deleted again (a second tab, a double submit): may the
    /// viewer be answered as the first delete was? Only who could have deleted it: to anyone else
    /// it is simply not there.
    pub fn may_redelete(&self, c: &ContentFacts) -> bool {
        c.deleted && self.in_audience(c.audience_id) && (self.is(c.author_id) || self.can_moderate())
    }

    /// Hide (or show again) any content: moderators, where they may read.
    pub fn can_hide(&self, c: &ContentFacts) -> bool {
        !c.deleted && !c.draft && self.can_moderate() && self.in_audience(c.audience_id)
    }

    /// Warn, silence or suspend a member (or lift it): moderators, never about themselves;
    /// a moderator's own standing only an admin changes, an admin's nobody's.
    pub fn can_sanction(&self, member_id: i64, member_roles: Roles) -> bool {
        self.can_moderate()
            && !self.is(member_id)
            && !member_roles.is_admin()
            && (!member_roles.can_moderate() || self.is_admin())
    }

    /// Delete any piece as a moderator (from the review queue): where they may read, once it
    /// is published (a draft is its author's alone).
    pub fn can_remove(&self, c: &ContentFacts) -> bool {
        !c.deleted && !c.draft && self.can_moderate() && self.in_audience(c.audience_id)
    }

    /// Change the words of someone else's piece as a moderator: members' pieces; what staff and
    /// moderators wrote (the company's own voice) only an admin edits.
    pub fn can_edit_as_moderator(&self, c: &ContentFacts, author_roles: Roles) -> bool {
        self.can_remove(c)
            && (self.is(c.author_id) || self.is_admin() || !(author_roles.is_staff() || author_roles.can_moderate()))
    }

    /// Pin or lock a topic.
    pub fn can_pin_or_lock(&self, topic: &ContentFacts) -> bool {
        self.can_moderate() && self.can_read(topic, Place::None)
    }

    /// Mark the accepted answer of a question: its asker or staff.
    pub fn can_accept(&self, question: &ContentFacts, board: &BoardFacts) -> bool {
        board.questions && self.can_read(question, Place::None) && (self.is(question.author_id) || self.is_staff())
    }

    /// Can this reply be the accepted answer? Only while it is there for everyone who reads the
    /// question: a hidden reply cannot (it is shown again first).
    pub fn can_be_answer(&self, reply: &ContentFacts) -> bool {
        reply.live
    }

    /// The company's official response to a review; an idea's status.
    pub fn can_speak_for_company(&self, topic: &ContentFacts) -> bool {
        self.is_staff() && self.can_read(topic, Place::None)
    }

    /// Vote for an idea: a logged-in reader, not its author, while it is open (and not hidden).
    pub fn can_vote(&self, idea: &ContentFacts, closed: bool) -> bool {
        self.is_member() && !closed && idea.live && !self.is(idea.author_id) && self.can_read(idea, Place::None)
    }

    /// Like a topic or reply: a logged-in reader, never one's own, nor what is hidden.
    pub fn can_like(&self, c: &ContentFacts) -> bool {
        self.is_member() && c.live && !self.is(c.author_id) && self.can_read(c, Place::None)
    }

    // ------------------------------------------------------------ blogs and comments

    /// Comment on a post: a logged-in reader of a published post that takes comments.
    pub fn can_comment(&self, post: &ContentFacts, comments_enabled: bool) -> bool {
        self.is_member() && comments_enabled && post.live && self.can_read(post, Place::None)
    }

    /// Edit a comment: its author, within the edit window.
    pub fn can_edit_comment(&self, c: &ContentFacts, within_window: bool) -> bool {
        within_window && self.can_edit_own(c)
    }

    /// Write new posts in a blog: the enterprise blog's authorised authors while they are staff;
    /// a staff blog's owner while still staff; a community blog's owner and co-authors.
    pub fn can_write_in(&self, b: &BlogFacts) -> bool {
        let Some(me) = self.viewer.user_id else { return false };
        match b.kind {
            BlogKind::Enterprise => b.viewer_is_author && self.is_staff(),
            BlogKind::Staff => b.owner_id == Some(me) && self.is_staff(),
            BlogKind::Community => b.owner_id == Some(me) || b.viewer_is_author,
        }
    }

    /// Change a blog's title, description, blogroll (and the enterprise blog's authors).
    pub fn can_manage_blog(&self, b: &BlogFacts) -> bool {
        if self.is_admin() {
            return true;
        }
        let Some(me) = self.viewer.user_id else { return false };
        match b.kind {
            BlogKind::Enterprise => false,
            BlogKind::Staff => b.owner_id == Some(me) && self.is_staff(),
            BlogKind::Community => b.owner_id == Some(me),
        }
    }

    /// Edit or unpublish a post: who may write in its blog now (and, besides the blog's
    /// managers, only their own posts); admins. Someone removed from the enterprise blog's
    /// authors, or no longer an employee, can no longer change company posts.
    pub fn can_edit_post(&self, post: &ContentFacts, b: &BlogFacts) -> bool {
        if post.deleted {
            return false;
        }
        self.can_manage_blog(b) || (self.is(post.author_id) && self.can_write_in(b))
    }

    /// Delete a post: who may edit it, and moderators.
    pub fn can_delete_post(&self, post: &ContentFacts, b: &BlogFacts) -> bool {
        self.can_edit_post(post, b) || (self.can_moderate() && !post.deleted && !post.draft)
    }

    // ------------------------------------------------------------ administration

    // ------------------------------------------------------------ magazine

    /// Makes the magazine: creates issues, moves them through their stages, assigns writers,
    /// reviews edits.
    pub fn can_edit_magazine(&self) -> bool {
        self.roles().is_editor()
    }

    /// An issue (and what is in it): everyone once published; before that its editors and the
    /// writers assigned to one of its articles.
    pub fn can_read_issue(&self, m: &MagazineFacts) -> bool {
        m.issue_live || self.can_edit_magazine() || (self.is_member() && m.writes_in_issue)
    }

    /// Save a revision of an article: editors and its assigned writers; in an open article any
    /// member, once the issue is out (what they save may wait for review).
    pub fn can_edit_article(&self, m: &MagazineFacts, a: &ArticleFacts) -> bool {
        if !self.can_read_issue(m) || !self.is_member() {
            return false;
        }
        self.can_edit_magazine() || a.writer || (a.open && m.issue_live)
    }

    /// One revision of an article the viewer may read: an approved one, like the article; a
    /// pending, rejected or reworked one only to its author and the editors.
    pub fn can_read_revision(&self, m: &MagazineFacts, r: &RevisionFacts) -> bool {
        self.can_read_issue(m) && (r.approved || self.can_edit_magazine() || self.is(r.author_id))
    }

    /// Send an entry to a contribution area: a member who may read its issue (so a draft
    /// issue's areas take entries from its editors and the writers invited to it only).
    pub fn can_contribute(&self, m: &MagazineFacts) -> bool {
        self.is_member() && self.can_read_issue(m)
    }

    /// An entry in a contribution area: an accepted one like its issue; one waiting, returned
    /// or declined only to its author and the editors (the same rule as a revision's).
    pub fn can_read_entry(&self, m: &MagazineFacts, e: &RevisionFacts) -> bool {
        self.can_read_revision(m, e)
    }

    /// Score the entries of a call for contributions: its judges (named members or staff) and
    /// the editors.
    pub fn can_judge(&self, judge: bool) -> bool {
        self.is_member() && (judge || self.can_edit_magazine())
    }

    /// Vote in an article's poll or answer its question: a member, once the article is out.
    pub fn can_take_part(&self, m: &MagazineFacts, article: &ContentFacts) -> bool {
        self.is_member() && article.live && self.can_read_issue(m)
    }

    pub fn can_administer(&self) -> bool {
        self.is_admin()
    }
}

// ---------------------------------------------------------------- audiences

/// A new audience with these grants (a board's readers or posters).
pub fn create_audience(tx: &mut crate::db::Tx<'_>, grants: &[Principal]) -> QueryResult<i64> {
    use crate::db::schema::audiences;
    let id: i64 = diesel::insert_into(audiences::table)
        .values(audiences::created_at.eq(crate::now()))
        .returning(audiences::id)
        .get_result(tx.conn())?;
    set_grants(tx, id, grants)?;
    Ok(id)
}

/// Replace an audience's grants. Everything carrying the audience follows at once. Returns
/// whether someone may have lost access (a grant was taken away).
pub fn set_grants(tx: &mut crate::db::Tx<'_>, audience_id: i64, grants: &[Principal]) -> QueryResult<bool> {
    let before = grants_of(tx, audience_id)?;
    let after: Vec<String> = grants.iter().map(Principal::to_db).collect();
    diesel::delete(audience_grants::table.filter(audience_grants::audience_id.eq(audience_id))).execute(tx.conn())?;
    for principal in &after {
        crate::db::ignore_duplicate(tx, |conn| {
            diesel::insert_into(audience_grants::table)
                .values((audience_grants::audience_id.eq(audience_id), audience_grants::principal.eq(principal)))
                .execute(conn)
        })?;
    }
    Ok(before.iter().any(|p| !after.contains(&p.to_db())))
}

/// An audience's grants, as an admin form shows them.
/// The audiences anyone may read (granted to everyone).
pub fn public_audiences(conn: &mut DbConn) -> QueryResult<HashSet<i64>> {
    let ids: Vec<i64> = audience_grants::table
        .filter(audience_grants::principal.eq(EVERYONE))
        .select(audience_grants::audience_id)
        .load(conn)?;
    Ok(ids.into_iter().collect())
}

pub fn grants_of(conn: &mut DbConn, audience_id: i64) -> QueryResult<Vec<Principal>> {
    Ok(grant_names(conn, audience_id)?.iter().filter_map(|p| Principal::parse(p)).collect())
}

/// An audience's grants as stored, for `Viewer::admitted_by` (checking many people at once).
pub fn grant_names(conn: &mut DbConn, audience_id: i64) -> QueryResult<Vec<String>> {
    audience_grants::table
        .filter(audience_grants::audience_id.eq(audience_id))
        .select(audience_grants::principal)
        .order(audience_grants::principal.asc())
        .load(conn)
}

/// Take a group out of every audience (the group is being deleted).
pub fn forget_group(tx: &mut crate::db::Tx<'_>, group_id: i64) -> QueryResult<()> {
    diesel::delete(audience_grants::table.filter(audience_grants::principal.eq(group_principal(group_id))))
        .execute(tx.conn())?;
    Ok(())
}

// ---------------------------------------------------------------- facts

/// What the policy needs to know about a media item.
#[derive(Clone, Copy, Debug)]
pub struct MediaFacts {
    pub author_id: i64,
    pub deleted: bool,
    pub hidden: bool,
    /// Shown in a live piece of content the viewer may read.
    pub shown_in_readable: bool,
    /// Shown where everyone may see it: someone's avatar, a podcast's cover art (profiles and
    /// blogs are public).
    pub avatar: bool,
}

/// What the policy needs to know about a magazine issue.
#[derive(Clone, Copy, Debug, Default)]
pub struct MagazineFacts {
    /// Published (its articles are live with it).
    pub issue_live: bool,
    /// The viewer is assigned to one of its articles.
    pub writes_in_issue: bool,
}

/// What the policy needs to know about a revision of a magazine article.
pub struct RevisionFacts {
    /// Readers saw (or see) it as the article.
    pub approved: bool,
    pub author_id: i64,
}

/// What the policy needs to know about a magazine article.
#[derive(Clone, Copy, Debug, Default)]
pub struct ArticleFacts {
    /// Its editing mode is open (wiki-style).
    pub open: bool,
    /// The viewer is one of its assigned writers.
    pub writer: bool,
}

/// What the policy needs to know about a piece of content.
#[derive(Clone, Copy, Debug, Default)]
pub struct ContentFacts {
    pub author_id: i64,
    pub audience_id: i64,
    /// Published, not deleted or hidden, and its parent live.
    pub live: bool,
    pub draft: bool,
    pub deleted: bool,
    pub hidden: bool,
}

/// Where a piece of content lives, when its place matters to the question.
#[derive(Clone, Copy, Debug)]
pub enum Place<'a> {
    None,
    Blog(&'a BlogFacts),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlogKind {
    Enterprise,
    Staff,
    Community,
}

#[derive(Clone, Copy, Debug)]
pub struct BlogFacts {
    pub kind: BlogKind,
    pub owner_id: Option<i64>,
    /// The viewer is one of the blog's authors now.
    pub viewer_is_author: bool,
}

#[derive(Clone, Copy, Debug)]
pub struct BoardFacts {
    pub read_audience_id: i64,
    pub post_audience_id: i64,
    pub questions: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guard(viewer: Viewer, readable: &[i64]) -> Guard {
        let readable = if viewer.roles.is_admin() { Audiences::All } else { Audiences::Some(readable.to_vec()) };
        Guard {
            viewer,
            readable,
            member_readable: Arc::new(HashSet::from([1, 2])),
            public: Arc::new(HashSet::from([1])),
        }
    }

    fn live(author: i64, audience: i64) -> ContentFacts {
        ContentFacts { author_id: author, audience_id: audience, live: true, ..Default::default() }
    }

    #[test]
    fn roles_round_trip_and_combine() {
        let r = Roles::parse("moderator employee bogus");
        assert!(r.has(Role::Employee) && r.has(Role::Moderator) && !r.has(Role::Admin));
        assert_eq!(r.to_db(), "employee moderator");
        assert!(r.is_staff() && r.can_moderate() && !r.is_admin());
        assert_eq!(Roles::parse("").to_db(), "");
        assert!(Roles::parse("").has(Role::Member));
        assert!(Roles::from(Role::Admin).is_staff() && Roles::from(Role::Admin).can_moderate());
        assert_eq!(Principal::parse("group:7"), Some(Principal::Group(7)));
        assert_eq!(Principal::parse("role:member"), None);
        assert_eq!(Principal::parse("role:moderator").map(|p| p.to_db()).as_deref(), Some("role:moderator"));
    }

    #[test]
    fn reading_follows_state_and_audience() {
        let visitor = guard(Viewer::visitor(), &[1]);
        let member = guard(Viewer::member(5, Roles::NONE, vec![]), &[1, 2]);
        let moderator = guard(Viewer::member(6, Roles::from(Role::Moderator), vec![]), &[1, 2]);
        let admin = guard(Viewer::member(7, Roles::from(Role::Admin), vec![]), &[]);
        let internal = live(9, 3);
        assert!(!visitor.can_read(&internal, Place::None));
        assert!(!member.can_read(&internal, Place::None));
        assert!(!moderator.can_read(&internal, Place::None), "moderators are not employees");
        assert!(admin.can_read(&internal, Place::None));
        assert!(visitor.login_would_help(2) && !visitor.login_would_help(3) && !member.login_would_help(2));
        let deleted = ContentFacts { deleted: true, live: false, ..live(5, 1) };
        assert!(!admin.can_read(&deleted, Place::None) && !member.can_read(&deleted, Place::None));
        let hidden = ContentFacts { hidden: true, live: false, ..live(9, 1) };
        assert!(!member.can_read(&hidden, Place::None) && moderator.can_read(&hidden, Place::None));
        let own_hidden = ContentFacts { author_id: 5, ..hidden };
        assert!(member.can_read(&own_hidden, Place::None), "authors see their hidden content");
        // A reply in a hidden topic: not live, but a moderator reading the topic reads it.
        let under_hidden = ContentFacts { live: false, ..live(9, 1) };
        assert!(moderator.can_read_under(&under_hidden, true) && !member.can_read_under(&under_hidden, false));
        let draft = ContentFacts { draft: true, live: false, ..live(5, 1) };
        assert!(member.can_read(&draft, Place::None) && !moderator.can_read(&draft, Place::None));
    }

    #[test]
    fn blog_rights_follow_current_roles_and_authorship() {
        let company = BlogFacts { kind: BlogKind::Enterprise, owner_id: None, viewer_is_author: true };
        let post = live(5, 1);
        let employee = guard(Viewer::member(5, Roles::from(Role::Employee), vec![]), &[1]);
        let demoted = guard(Viewer::member(5, Roles::NONE, vec![]), &[1]);
        assert!(employee.can_edit_post(&post, &company));
        assert!(!demoted.can_edit_post(&post, &company), "no longer staff");
        let removed = BlogFacts { viewer_is_author: false, ..company };
        assert!(!employee.can_edit_post(&post, &removed), "no longer an author");
        let moderator = guard(Viewer::member(8, Roles::from(Role::Moderator), vec![]), &[1]);
        assert!(!moderator.can_edit_post(&post, &removed) && moderator.can_delete_post(&post, &removed));
        let staff_blog = BlogFacts { kind: BlogKind::Staff, owner_id: Some(5), viewer_is_author: true };
        assert!(employee.can_edit_post(&post, &staff_blog) && !demoted.can_edit_post(&post, &staff_blog));
    }

    #[test]
    fn forum_actions() {
        let board = BoardFacts { read_audience_id: 2, post_audience_id: 3, questions: true };
        let member = guard(Viewer::member(5, Roles::NONE, vec![]), &[1, 2]);
        let employee = guard(Viewer::member(6, Roles::from(Role::Employee), vec![]), &[1, 2, 3]);
        assert!(!member.can_start_topic(&board) && employee.can_start_topic(&board));
        let q = live(5, 2);
        assert!(member.can_accept(&q, &board) && employee.can_accept(&q, &board));
        assert!(!member.can_like(&q) && employee.can_like(&q));
        assert!(member.can_reply(&q, false) && !member.can_reply(&q, true));
        assert!(!member.can_vote(&q, false) && employee.can_vote(&q, false) && !employee.can_vote(&q, true));
    }
}
