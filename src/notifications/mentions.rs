//! `@username` mentions: a forum topic, a reply or a blog comment that names a member tells
//! them, if they may read it.

use diesel::prelude::*;

use crate::db::Tx;
use crate::db::schema::users;

/// `@username` mentions in a body (letters, digits, `_` and `-`, as usernames allow).
pub fn mentions(body_md: &str) -> Vec<String> {
    let text = crate::content::markdown::plain_text(body_md);
    let mut out: Vec<String> = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        let boundary = i == 0 || !(chars[i - 1].is_alphanumeric() || chars[i - 1] == '_');
        if *c == '@' && boundary {
            let name: String =
                chars[i + 1..].iter().take_while(|c| c.is_alphanumeric() || **c == '_' || **c == '-').collect();
            let name = name.trim_end_matches('-').to_lowercase();
            if name.chars().count() >= 3 && !out.contains(&name) {
                out.push(name);
            }
        }
    }
    out.truncate(20);
    out
}

/// Tell the people a body @mentions (at most 20), if they may read it.
pub fn notify(tx: &mut Tx<'_>, body_md: &str, actor: i64, content_id: i64, told: &mut Vec<i64>) -> QueryResult<()> {
    let names = mentions(body_md);
    if names.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = users::table.filter(users::username_key.eq_any(&names)).select(users::id).load(tx.conn())?;
    for user_id in ids {
        super::notify(tx, user_id, super::KIND_MENTION, Some(actor), content_id, told)?;
    }
    Ok(())
}
