//! SQL for the forums, by what it is about: boards, topic lists, one topic, and changes.

pub mod boards;
pub mod lists;
pub mod topic;
pub mod write;

pub use boards::*;
pub use lists::*;
pub use topic::*;
pub use write::*;
