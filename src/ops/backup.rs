//! `plaza backup FILE`: a consistent copy of a live SQLite site. `VACUUM INTO` reads one
//! snapshot of the database (writers carry on meanwhile) and writes it compacted into a new
//! file. PostgreSQL has its own tool for this (`pg_dump`).

use std::path::Path;

use diesel::connection::SimpleConnection;

use crate::db::DbConn;

/// What to tell an operator of a PostgreSQL site.
pub const PG_DUMP_ADVICE: &str = "this site runs on PostgreSQL: back it up with its own tool, for example\n  \
     pg_dump --format=custom --file=plaza-$(date +%F).dump \"$DATABASE_URL\"\n\
     and restore with pg_restore --clean --dbname=\"$DATABASE_URL\" plaza-….dump";

/// Copy the SQLite database into `target`, which must not exist yet. Returns its size in bytes.
pub fn sqlite(conn: &mut DbConn, target: &Path) -> anyhow::Result<u64> {
    if let DbConn::Postgresql(_) = conn {
        anyhow::bail!("{PG_DUMP_ADVICE}");
    }
    if target.exists() {
        anyhow::bail!("{} already exists: choose a new file name (a backup never overwrites a file)", target.display());
    }
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty())
        && !dir.is_dir()
    {
        anyhow::bail!("the folder {} does not exist", dir.display());
    }
    let path = target.to_str().ok_or_else(|| anyhow::anyhow!("{} is not a UTF-8 path", target.display()))?;
    conn.batch_execute(&format!("VACUUM INTO '{}'", path.replace('\'', "''")))
        .map_err(|e| anyhow::anyhow!("backup into {path} failed: {e}"))?;
    Ok(std::fs::metadata(target)?.len())
}
