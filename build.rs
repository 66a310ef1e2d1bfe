//! Rebuild when a migration is added or edited: `embed_migrations!` reads the folders at compile
//! time, and cargo would not otherwise notice a new migration directory.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
