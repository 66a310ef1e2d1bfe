//! Trust levels: 0 new, 1 basic, 2 member, 3 regular, 4 leader. Levels 1 to 3 are earned from
//! what a member does (days since joining, topics read, posts, likes received, flags upheld
//! against them), with thresholds admins set; 4 only by hand. A level is recomputed when the
//! member posts or opens their settings; earned levels 1 and 2 are kept, level 3 is lost again
//! when the member no longer meets it. Staff can set a level and lock it.
//!
//! What a level changes: level 0 posts wait for approval on boards that pre-moderate new
//! members, and have limits (links and pictures per post, posts per hour); a flag weighs more
//! from higher levels; level 3 edits open magazine articles without review.

use diesel::prelude::*;

use crate::db::schema::{contents, flags, member_reads, users};
use crate::db::{DbConn, Tx};

pub const NAMES: [&str; 5] = ["trust-0", "trust-1", "trust-2", "trust-3", "trust-4"];

/// What a member has done, as trust levels count it.
#[derive(Clone, Copy, Debug, Default)]
pub struct Stats {
    pub days: i64,
    pub read: i64,
    pub posts: i64,
    pub likes: i64,
    pub upheld: i64,
}

/// What a level asks for (the flags are a most).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Requirement {
    pub days: i64,
    pub read: i64,
    pub posts: i64,
    pub likes: i64,
    pub max_upheld: i64,
}

impl Requirement {
    pub fn met_by(&self, s: &Stats) -> bool {
        s.days >= self.days
            && s.read >= self.read
            && s.posts >= self.posts
            && s.likes >= self.likes
            && s.upheld <= self.max_upheld
    }

    fn to_setting(self) -> String {
        format!("{},{},{},{},{}", self.days, self.read, self.posts, self.likes, self.max_upheld)
    }

    fn parse(s: &str) -> Option<Requirement> {
        let n: Vec<i64> = s.split(',').map(|p| p.trim().parse().ok()).collect::<Option<_>>()?;
        match n.as_slice() {
            [days, read, posts, likes, max_upheld] if n.iter().all(|v| (0..=100_000).contains(v)) => {
                Some(Requirement { days: *days, read: *read, posts: *posts, likes: *likes, max_upheld: *max_upheld })
            }
            _ => None,
        }
    }
}

/// Levels 1, 2 and 3 as shipped (after Discourse's).
pub const DEFAULTS: [Requirement; 3] = [
    Requirement { days: 1, read: 5, posts: 0, likes: 0, max_upheld: 5 },
    Requirement { days: 15, read: 30, posts: 3, likes: 1, max_upheld: 2 },
    Requirement { days: 50, read: 100, posts: 10, likes: 10, max_upheld: 0 },
];

fn key(level: usize) -> String {
    format!("trust.level{level}")
}

/// The requirements of levels 1, 2, 3 as the site has them.
pub fn requirements(conn: &mut DbConn) -> QueryResult<[Requirement; 3]> {
    let mut out = DEFAULTS;
    for (i, r) in out.iter_mut().enumerate() {
        if let Some(v) = crate::db::setting(conn, &key(i + 1))?.and_then(|v| Requirement::parse(&v)) {
            *r = v;
        }
    }
    Ok(out)
}

pub fn save_requirements(tx: &mut Tx<'_>, reqs: &[Requirement; 3]) -> QueryResult<()> {
    for (i, r) in reqs.iter().enumerate() {
        crate::db::set_setting(tx, &key(i + 1), Some(&r.to_setting()))?;
    }
    Ok(())
}

/// Limits on level 0: links and pictures in one post, posts in an hour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NewLimits {
    pub links: i64,
    pub pictures: i64,
    pub per_hour: i64,
}

pub const DEFAULT_LIMITS: NewLimits = NewLimits { links: 2, pictures: 1, per_hour: 10 };
const LIMITS_KEY: &str = "trust.new_limits";

pub fn limits(conn: &mut DbConn) -> QueryResult<NewLimits> {
    let v = crate::db::setting(conn, LIMITS_KEY)?;
    let n: Option<Vec<i64>> = v.map(|v| v.split(',').filter_map(|p| p.trim().parse().ok()).collect());
    Ok(match n.as_deref() {
        Some([links, pictures, per_hour]) => NewLimits { links: *links, pictures: *pictures, per_hour: *per_hour },
        _ => DEFAULT_LIMITS,
    })
}

pub fn save_limits(tx: &mut Tx<'_>, l: &NewLimits) -> QueryResult<()> {
    crate::db::set_setting(tx, LIMITS_KEY, Some(&format!("{},{},{}", l.links, l.pictures, l.per_hour)))
}

/// What the member has done.
pub fn stats(conn: &mut DbConn, user: &crate::accounts::User) -> QueryResult<Stats> {
    use crate::db::schema::author_counts;
    let read: i64 = member_reads::table.filter(member_reads::user_id.eq(user.id)).count().get_result(conn)?;
    let posts: i64 = contents::table
        .filter(contents::author_id.eq(user.id))
        .filter(contents::live.eq(true))
        .count()
        .get_result(conn)?;
    let likes: Option<i64> = author_counts::table
        .filter(author_counts::user_id.eq(user.id))
        .select(diesel::dsl::sum(author_counts::likes))
        .first(conn)?;
    let upheld: i64 =
        flags::table.filter(flags::user_id.eq(user.id)).filter(flags::outcome.eq("upheld")).count().get_result(conn)?;
    Ok(Stats { days: (crate::now() - user.created_at).num_days(), read, posts, likes: likes.unwrap_or(0), upheld })
}

/// The level these stats earn, from the level held now: 1 and 2 are kept once earned, 3 only
/// while met; 4 is never computed (nor taken away).
pub fn earned(current: i32, s: &Stats, reqs: &[Requirement; 3]) -> i32 {
    if current >= 4 {
        return current;
    }
    let mut level = 0;
    for (i, r) in reqs.iter().enumerate() {
        if r.met_by(s) {
            level = i as i32 + 1;
        } else {
            break;
        }
    }
    level.max(current.min(2))
}

/// A member's level now (computed, unless staff locked it), without storing it.
pub fn current(conn: &mut DbConn, user: &crate::accounts::User) -> QueryResult<i32> {
    if user.trust_locked {
        return Ok(user.trust_level);
    }
    let s = stats(conn, user)?;
    Ok(earned(user.trust_level, &s, &requirements(conn)?))
}

/// A member's level and, below 3, what the next one asks for: (catalog key, needed, theirs,
/// met) per requirement.
pub struct Standing {
    pub level: i32,
    pub locked: bool,
    pub next: Option<(i32, Vec<Need>)>,
}

/// One requirement of the next level: (catalog key, needed, the member's, met).
pub type Need = (&'static str, i64, i64, bool);

impl Standing {
    pub fn level_key(&self) -> &'static str {
        NAMES[self.level.clamp(0, 4) as usize]
    }

    pub fn next_key(&self) -> &'static str {
        self.next.as_ref().map_or("", |(l, _)| NAMES[(*l).clamp(0, 4) as usize])
    }
}

/// Recompute, store and explain a member's level (their settings page).
pub fn standing(tx: &mut Tx<'_>, user: &crate::accounts::User) -> QueryResult<Standing> {
    let level = refresh(tx, user)?;
    let s = stats(tx, user)?;
    let reqs = requirements(tx)?;
    let next = (!user.trust_locked && (0..3).contains(&level)).then(|| {
        let r = reqs[level as usize];
        (
            level + 1,
            vec![
                ("trust-need-days", r.days, s.days, s.days >= r.days),
                ("trust-need-read", r.read, s.read, s.read >= r.read),
                ("trust-need-posts", r.posts, s.posts, s.posts >= r.posts),
                ("trust-need-likes", r.likes, s.likes, s.likes >= r.likes),
                ("trust-need-upheld", r.max_upheld, s.upheld, s.upheld <= r.max_upheld),
            ],
        )
    });
    Ok(Standing { level, locked: user.trust_locked, next })
}

/// Recompute and store a member's level (unless staff locked it). Returns the level.
pub fn refresh(tx: &mut Tx<'_>, user: &crate::accounts::User) -> QueryResult<i32> {
    if user.trust_locked {
        return Ok(user.trust_level);
    }
    let s = stats(tx, user)?;
    let reqs = requirements(tx)?;
    let level = earned(user.trust_level, &s, &reqs);
    if level != user.trust_level {
        diesel::update(users::table.find(user.id).filter(users::trust_locked.eq(false)))
            .set(users::trust_level.eq(level))
            .execute(tx.conn())?;
    }
    Ok(level)
}

/// Staff set a level by hand (locked: no longer recomputed) or give it back to the rules.
pub fn set(tx: &mut Tx<'_>, user_id: i64, level: i32, locked: bool) -> QueryResult<()> {
    diesel::update(users::table.find(user_id))
        .set((users::trust_level.eq(level.clamp(0, 4)), users::trust_locked.eq(locked)))
        .execute(tx.conn())?;
    Ok(())
}

/// A flag's weight from its member's level (the threshold is in the same units).
pub fn flag_weight(level: i32) -> i64 {
    match level {
        0 | 1 => 1,
        2 => 2,
        _ => 3,
    }
}

/// Remember that members read these topics (by the view counter, in one unit of work).
pub fn record_reads(tx: &mut Tx<'_>, reads: &[(i64, i64)]) -> QueryResult<()> {
    let now = crate::now();
    for (user_id, topic_id) in reads {
        crate::db::ignore_duplicate(tx, |conn| {
            diesel::insert_into(member_reads::table)
                .values((
                    member_reads::user_id.eq(user_id),
                    member_reads::topic_id.eq(topic_id),
                    member_reads::read_at.eq(now),
                ))
                .execute(conn)
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_earned_in_order_and_only_three_is_lost() {
        let reqs = DEFAULTS;
        let new = Stats::default();
        assert_eq!(earned(0, &new, &reqs), 0);
        let basic = Stats { days: 2, read: 6, ..Default::default() };
        assert_eq!(earned(0, &basic, &reqs), 1);
        let member = Stats { days: 20, read: 40, posts: 5, likes: 2, upheld: 0 };
        assert_eq!(earned(1, &member, &reqs), 2);
        // Regular needs all of level 2's too.
        let busy_but_new = Stats { days: 0, read: 500, posts: 50, likes: 50, upheld: 0 };
        assert_eq!(earned(0, &busy_but_new, &reqs), 0);
        let regular = Stats { days: 60, read: 200, posts: 20, likes: 20, upheld: 0 };
        assert_eq!(earned(2, &regular, &reqs), 3);
        // One upheld flag: no longer a regular, still a member.
        assert_eq!(earned(3, &Stats { upheld: 1, ..regular }, &reqs), 2);
        // Earned 1 and 2 are kept; a leader is never recomputed.
        assert_eq!(earned(2, &new, &reqs), 2);
        assert_eq!(earned(4, &new, &reqs), 4);
    }

    #[test]
    fn settings_round_trip_and_refuse_nonsense() {
        let r = Requirement { days: 3, read: 4, posts: 5, likes: 6, max_upheld: 7 };
        assert_eq!(Requirement::parse(&r.to_setting()), Some(r));
        assert_eq!(Requirement::parse("1,2,3"), None);
        assert_eq!(Requirement::parse("1,2,3,4,-5"), None);
        assert_eq!(Requirement::parse("a,b,c,d,e"), None);
    }
}
