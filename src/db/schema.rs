// One portable schema for both backends. Written by hand to match migrations/{sqlite,postgres}.

diesel::table! {
    site_settings (key) {
        key -> Text,
        value -> Text,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        username -> Text,
        username_key -> Text,
        email -> Text,
        email_key -> Text,
        password_hash -> Text,
        display_name -> Text,
        bio_md -> Text,
        bio_html -> Text,
        locale -> Nullable<Text>,
        role -> Text,
        suspended_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sessions (id) {
        id -> BigInt,
        token_hash -> Text,
        user_id -> BigInt,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        expires_at -> Timestamp,
        user_agent -> Text,
    }
}

diesel::table! {
    login_failures (id) {
        id -> BigInt,
        username_key -> Text,
        ip -> Text,
        failed_at -> Timestamp,
    }
}

diesel::table! {
    blogs (id) {
        id -> BigInt,
        kind -> Text,
        slug -> Text,
        title -> Text,
        description -> Text,
        owner_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    blog_authors (blog_id, user_id) {
        blog_id -> BigInt,
        user_id -> BigInt,
    }
}

diesel::table! {
    blogroll_links (id) {
        id -> BigInt,
        blog_id -> BigInt,
        title -> Text,
        url -> Text,
        position -> Integer,
    }
}

diesel::table! {
    contents (id) {
        id -> BigInt,
        kind -> Text,
        author_id -> BigInt,
        title -> Text,
        body_md -> Text,
        body_html -> Text,
        excerpt -> Text,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        published_at -> Nullable<Timestamp>,
        edited_at -> Nullable<Timestamp>,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    posts (content_id) {
        content_id -> BigInt,
        blog_id -> BigInt,
        slug -> Text,
        excerpt_md -> Text,
        cover_url -> Text,
        comments_enabled -> Bool,
        comment_count -> Integer,
    }
}

diesel::table! {
    slug_redirects (id) {
        id -> BigInt,
        blog_id -> BigInt,
        old_slug -> Text,
        content_id -> BigInt,
    }
}

diesel::table! {
    comments (content_id) {
        content_id -> BigInt,
        subject_id -> BigInt,
        parent_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    tags (id) {
        id -> BigInt,
        name -> Text,
        slug -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    content_tags (content_id, tag_id) {
        content_id -> BigInt,
        tag_id -> BigInt,
    }
}

diesel::table! {
    tag_follows (user_id, tag_id) {
        user_id -> BigInt,
        tag_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    citations (citing_id, cited_id) {
        citing_id -> BigInt,
        cited_id -> BigInt,
    }
}

diesel::table! {
    notifications (id) {
        id -> BigInt,
        user_id -> BigInt,
        kind -> Text,
        actor_id -> Nullable<BigInt>,
        content_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        read_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(blog_authors -> blogs (blog_id));
diesel::joinable!(blog_authors -> users (user_id));
diesel::joinable!(blogroll_links -> blogs (blog_id));
diesel::joinable!(contents -> users (author_id));
diesel::joinable!(posts -> contents (content_id));
diesel::joinable!(posts -> blogs (blog_id));
diesel::joinable!(content_tags -> contents (content_id));
diesel::joinable!(content_tags -> tags (tag_id));
diesel::joinable!(tag_follows -> tags (tag_id));
diesel::joinable!(tag_follows -> users (user_id));
diesel::joinable!(comments -> contents (content_id));
diesel::joinable!(notifications -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    site_settings,
    users,
    sessions,
    login_failures,
    blogs,
    blog_authors,
    blogroll_links,
    contents,
    posts,
    slug_redirects,
    comments,
    tags,
    content_tags,
    tag_follows,
    citations,
    notifications,
);
