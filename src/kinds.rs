//! The content kinds this site knows, in one list. Adding a kind: a module that implements
//! `content::kind::ContentKind`, and one line here.

use std::sync::LazyLock;

use crate::content::kind::Registry;

static REGISTRY: LazyLock<Registry> = LazyLock::new(|| {
    Registry::new(vec![
        &crate::blogs::kind::POST,
        &crate::forums::kind::TOPIC,
        &crate::forums::kind::REPLY,
        &crate::content::comments::COMMENT,
        &crate::forums::reviews::RESPONSE,
        &crate::media::kind::MEDIA,
        &crate::magazine::kind::ISSUE,
        &crate::magazine::kind::ARTICLE,
        &crate::magazine::contributions::CONTRIBUTION,
        &crate::magazine::calls::CALL,
    ])
});

pub fn registry() -> &'static Registry {
    &REGISTRY
}
