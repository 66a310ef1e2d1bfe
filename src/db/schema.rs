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
        suspended_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        email_notifications -> Bool,
        roles -> Text,
        time_zone -> Nullable<Text>,
        email_verified_at -> Nullable<Timestamp>,
        username_skeleton -> Text,
        avatar_media_id -> Nullable<BigInt>,
        suspended_until -> Nullable<Timestamp>,
        silenced_at -> Nullable<Timestamp>,
        silenced_until -> Nullable<Timestamp>,
        trust_level -> Integer,
        trust_locked -> Bool,
    }
}

diesel::table! {
    account_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        purpose -> Text,
        token_hash -> Text,
        email -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    rate_hits (id) {
        id -> BigInt,
        scope -> Text,
        key -> Text,
        at -> Timestamp,
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
        post_count -> Integer,
        last_post_at -> Nullable<Timestamp>,
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
        like_count -> Integer,
        parent_id -> Nullable<BigInt>,
        place_kind -> Text,
        place_id -> Nullable<BigInt>,
        audience_id -> BigInt,
        live -> Bool,
        hidden_at -> Nullable<Timestamp>,
        comments_open -> Bool,
        comment_count -> Integer,
        list_key -> Text,
        counted_audience -> Nullable<BigInt>,
        counted_likes -> Integer,
        counted_accepted -> Bool,
        held -> Bool,
    }
}

diesel::table! {
    posts (content_id) {
        content_id -> BigInt,
        blog_id -> BigInt,
        slug -> Text,
        excerpt_md -> Text,
        cover_url -> Text,
        counted -> Bool,
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
        kind -> Text,
        live_audience -> Nullable<BigInt>,
        published_at -> Nullable<Timestamp>,
    }
}
diesel::table! {
    tag_counts (tag_id, audience_id, kind) {
        tag_id -> BigInt,
        audience_id -> BigInt,
        kind -> Text,
        n -> Integer,
    }
}
diesel::table! {
    author_counts (user_id, audience_id) {
        user_id -> BigInt,
        audience_id -> BigInt,
        likes -> Integer,
        accepted -> Integer,
    }
}
diesel::table! {
    cache_events (id) {
        id -> BigInt,
        keys -> Text,
        created_at -> Timestamp,
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
        detail -> Text,
    }
}

diesel::table! {
    board_groups (id) {
        id -> BigInt,
        name -> Text,
        position -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    boards (id) {
        id -> BigInt,
        group_id -> Nullable<BigInt>,
        slug -> Text,
        name -> Text,
        description -> Text,
        kind -> Text,
        position -> Integer,
        topic_count -> Integer,
        post_count -> Integer,
        last_activity_at -> Nullable<Timestamp>,
        last_topic_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        read_audience_id -> BigInt,
        post_audience_id -> BigInt,
        premoderation -> Text,
        slow_mode_seconds -> Integer,
        read_only -> Bool,
        mode_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    topics (content_id) {
        content_id -> BigInt,
        board_id -> BigInt,
        slug -> Text,
        pinned -> Bool,
        locked -> Bool,
        reply_count -> Integer,
        view_count -> BigInt,
        last_activity_at -> Timestamp,
        last_reply_id -> Nullable<BigInt>,
        accepted_reply_id -> Nullable<BigInt>,
        first_staff_reply_at -> Nullable<Timestamp>,
        visible -> Bool,
        last_position -> Integer,
    }
}

diesel::table! {
    replies (content_id) {
        content_id -> BigInt,
        topic_id -> BigInt,
        position -> Integer,
        is_staff -> Bool,
    }
}

diesel::table! {
    revisions (id) {
        id -> BigInt,
        content_id -> BigInt,
        editor_id -> Nullable<BigInt>,
        title -> Text,
        body_md -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    likes (content_id, user_id) {
        content_id -> BigInt,
        user_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    subscriptions (user_id, target_kind, target_id) {
        user_id -> BigInt,
        target_kind -> Text,
        target_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    products (id) {
        id -> BigInt,
        board_id -> BigInt,
        slug -> Text,
        name -> Text,
        description -> Text,
        review_count -> Integer,
        rating_sum -> Integer,
        stars_1 -> Integer,
        stars_2 -> Integer,
        stars_3 -> Integer,
        stars_4 -> Integer,
        stars_5 -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    reviews (topic_id) {
        topic_id -> BigInt,
        product_id -> BigInt,
        author_id -> BigInt,
        rating -> Integer,
        response_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    idea_statuses (id) {
        id -> BigInt,
        slug -> Text,
        name_en -> Text,
        name_zh -> Text,
        position -> Integer,
        is_default -> Bool,
        is_closed -> Bool,
    }
}

diesel::table! {
    ideas (topic_id) {
        topic_id -> BigInt,
        status_id -> BigInt,
        vote_count -> Integer,
        merged_into_id -> Nullable<BigInt>,
        status_changed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    idea_votes (topic_id, user_id) {
        topic_id -> BigInt,
        user_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    idea_status_changes (id) {
        id -> BigInt,
        topic_id -> BigInt,
        status_id -> BigInt,
        author_id -> Nullable<BigInt>,
        note_md -> Text,
        note_html -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    mail_outbox (id) {
        id -> BigInt,
        to_address -> Text,
        subject -> Text,
        body -> Text,
        created_at -> Timestamp,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        last_error -> Text,
        user_id -> Nullable<BigInt>,
        content_id -> Nullable<BigInt>,
        html -> Text,
        kind -> Text,
        digest -> Text,
        note -> Text,
    }
}

diesel::table! {
    notification_prefs (user_id, kind) {
        user_id -> BigInt,
        kind -> Text,
        value -> Text,
    }
}

diesel::table! {
    media_files (id) {
        id -> BigInt,
        source_sha256 -> Text,
        media_type -> Text,
        mime -> Text,
        source_bytes -> BigInt,
        stored_bytes -> BigInt,
        width -> Nullable<Integer>,
        height -> Nullable<Integer>,
        duration_ms -> Nullable<BigInt>,
        animated -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    media_renditions (file_id, name) {
        file_id -> BigInt,
        name -> Text,
        object_key -> Text,
        mime -> Text,
        byte_size -> BigInt,
        width -> Nullable<Integer>,
        height -> Nullable<Integer>,
    }
}

diesel::table! {
    media (content_id) {
        content_id -> BigInt,
        file_id -> BigInt,
        author_id -> BigInt,
        file_name -> Text,
        byte_size -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    content_media (content_id, media_id) {
        content_id -> BigInt,
        media_id -> BigInt,
    }
}

diesel::table! {
    media_trash (object_key) {
        object_key -> Text,
        due_at -> Timestamp,
        byte_size -> BigInt,
    }
}

diesel::table! {
    media_uploads (id) {
        id -> BigInt,
        author_id -> BigInt,
        byte_size -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    podcasts (blog_id) {
        blog_id -> BigInt,
        cover_media_id -> Nullable<BigInt>,
        category -> Text,
        language -> Text,
        author -> Text,
        owner_email -> Text,
        explicit -> Bool,
        enabled -> Bool,
    }
}

diesel::table! {
    episodes (content_id) {
        content_id -> BigInt,
        media_id -> BigInt,
        transcript_md -> Text,
        transcript_html -> Text,
    }
}

diesel::table! {
    magazine_issues (content_id) {
        content_id -> BigInt,
        number -> Integer,
        theme -> Text,
        cover_media_id -> Nullable<BigInt>,
        stage -> Text,
        publish_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    magazine_sections (id) {
        id -> BigInt,
        issue_id -> BigInt,
        title -> Text,
        position -> Integer,
    }
}

diesel::table! {
    magazine_articles (content_id) {
        content_id -> BigInt,
        issue_id -> BigInt,
        section_id -> Nullable<BigInt>,
        position -> Integer,
        slug -> Text,
        mode -> Text,
        approved_revision_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    magazine_article_reads (article_id, day) {
        article_id -> BigInt,
        day -> Integer,
        views -> Integer,
        finished -> Integer,
    }
}

diesel::table! {
    magazine_writers (article_id, user_id) {
        article_id -> BigInt,
        user_id -> BigInt,
    }
}

diesel::table! {
    magazine_revisions (id) {
        id -> BigInt,
        article_id -> BigInt,
        author_id -> BigInt,
        base_id -> Nullable<BigInt>,
        title -> Text,
        body_md -> Text,
        summary -> Text,
        size_delta -> Integer,
        state -> Text,
        reviewer_id -> Nullable<BigInt>,
        review_note -> Text,
        created_at -> Timestamp,
        reviewed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    magazine_areas (id) {
        id -> BigInt,
        host_id -> BigInt,
        issue_id -> Nullable<BigInt>,
        title -> Text,
        prompt -> Text,
        accepts -> Text,
        deadline -> Nullable<Timestamp>,
        created_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    magazine_entries (content_id) {
        content_id -> BigInt,
        area_id -> BigInt,
        state -> Text,
        caption -> Text,
        position -> Integer,
        note -> Text,
        award -> Text,
        reviewer_id -> Nullable<BigInt>,
        reviewed_at -> Nullable<Timestamp>,
        submitted_at -> Timestamp,
    }
}

diesel::table! {
    magazine_calls (content_id) {
        content_id -> BigInt,
        area_id -> BigInt,
        prizes -> Text,
        featured_issue_id -> Nullable<BigInt>,
        announced_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    magazine_judges (call_id, user_id) {
        call_id -> BigInt,
        user_id -> BigInt,
    }
}

diesel::table! {
    magazine_scores (entry_id, judge_id) {
        entry_id -> BigInt,
        judge_id -> BigInt,
        score -> Integer,
        note -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    magazine_polls (id) {
        id -> BigInt,
        article_id -> BigInt,
        kind -> Text,
        question -> Text,
        closed_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    magazine_poll_options (id) {
        id -> BigInt,
        poll_id -> BigInt,
        label -> Text,
        position -> Integer,
    }
}

diesel::table! {
    magazine_votes (poll_id, user_id) {
        poll_id -> BigInt,
        user_id -> BigInt,
        option_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    magazine_answers (poll_id, user_id) {
        poll_id -> BigInt,
        user_id -> BigInt,
        body -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    content_reactions (content_id, user_id, reaction) {
        content_id -> BigInt,
        user_id -> BigInt,
        reaction -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    flags (id) {
        id -> BigInt,
        subject -> Text,
        content_id -> Nullable<BigInt>,
        user_id -> BigInt,
        flagger_id -> BigInt,
        reason -> Text,
        note -> Text,
        weight -> Integer,
        created_at -> Timestamp,
        outcome -> Nullable<Text>,
        resolved_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    mod_queue (id) {
        id -> BigInt,
        subject -> Text,
        open_key -> Nullable<Text>,
        content_id -> Nullable<BigInt>,
        user_id -> Nullable<BigInt>,
        appeal_id -> Nullable<BigInt>,
        reason -> Text,
        content_kind -> Text,
        board_id -> Nullable<BigInt>,
        detail -> Text,
        created_at -> Timestamp,
        resolved_at -> Nullable<Timestamp>,
        resolved_by -> Nullable<BigInt>,
        resolution -> Text,
    }
}

diesel::table! {
    mod_actions (id) {
        id -> BigInt,
        moderator_id -> Nullable<BigInt>,
        action -> Text,
        content_id -> Nullable<BigInt>,
        user_id -> Nullable<BigInt>,
        content_kind -> Text,
        audience_id -> Nullable<BigInt>,
        place -> Text,
        reason -> Text,
        note -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    sanctions (id) {
        id -> BigInt,
        user_id -> BigInt,
        kind -> Text,
        reason -> Text,
        note -> Text,
        ends_at -> Nullable<Timestamp>,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        lifted_at -> Nullable<Timestamp>,
        lifted_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    appeals (id) {
        id -> BigInt,
        sanction_id -> BigInt,
        user_id -> BigInt,
        body -> Text,
        created_at -> Timestamp,
        outcome -> Nullable<Text>,
        answer -> Text,
        answered_by -> Nullable<BigInt>,
        answered_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    member_reads (user_id, topic_id) {
        user_id -> BigInt,
        topic_id -> BigInt,
        read_at -> Timestamp,
    }
}

diesel::table! {
    watched_words (id) {
        id -> BigInt,
        pattern -> Text,
        is_regex -> Bool,
        action -> Text,
        replacement -> Text,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    keyword_alerts (id) {
        id -> BigInt,
        user_id -> BigInt,
        word -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    statements (id) {
        id -> BigInt,
        text_en -> Text,
        text_zh -> Text,
        link -> Text,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        withdrawn_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    member_mutes (user_id, other_id) {
        user_id -> BigInt,
        other_id -> BigInt,
        level -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(magazine_issues -> contents (content_id));
diesel::joinable!(magazine_entries -> contents (content_id));
diesel::joinable!(magazine_entries -> magazine_areas (area_id));
diesel::joinable!(magazine_poll_options -> magazine_polls (poll_id));
diesel::joinable!(magazine_answers -> users (user_id));
diesel::joinable!(magazine_judges -> users (user_id));
diesel::joinable!(magazine_scores -> users (judge_id));
diesel::joinable!(magazine_articles -> contents (content_id));
diesel::joinable!(magazine_articles -> magazine_issues (issue_id));
diesel::joinable!(magazine_sections -> magazine_issues (issue_id));
diesel::joinable!(magazine_writers -> users (user_id));
diesel::joinable!(magazine_revisions -> users (author_id));

diesel::joinable!(media_renditions -> media_files (file_id));
diesel::joinable!(media -> media_files (file_id));
diesel::joinable!(media -> contents (content_id));
diesel::joinable!(content_media -> contents (content_id));

diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(account_tokens -> users (user_id));
diesel::joinable!(boards -> board_groups (group_id));
diesel::joinable!(topics -> boards (board_id));
diesel::joinable!(topics -> contents (content_id));
diesel::joinable!(replies -> contents (content_id));
diesel::joinable!(replies -> topics (topic_id));
diesel::joinable!(products -> boards (board_id));
diesel::joinable!(reviews -> products (product_id));
diesel::joinable!(reviews -> topics (topic_id));
diesel::joinable!(ideas -> idea_statuses (status_id));
diesel::joinable!(idea_status_changes -> idea_statuses (status_id));
diesel::joinable!(blog_authors -> blogs (blog_id));
diesel::joinable!(blog_authors -> users (user_id));
diesel::joinable!(blogroll_links -> blogs (blog_id));
diesel::joinable!(contents -> users (author_id));
diesel::joinable!(posts -> contents (content_id));
diesel::joinable!(posts -> blogs (blog_id));
diesel::joinable!(content_tags -> contents (content_id));
diesel::joinable!(content_tags -> tags (tag_id));
diesel::joinable!(tag_counts -> tags (tag_id));
diesel::joinable!(tag_follows -> tags (tag_id));
diesel::joinable!(tag_follows -> users (user_id));
diesel::joinable!(comments -> contents (content_id));
diesel::joinable!(notifications -> users (user_id));

diesel::table! {
    search_docs (id) {
        id -> BigInt,
        kind -> Text,
        ref_id -> BigInt,
        parent_id -> Nullable<BigInt>,
        author_id -> Nullable<BigInt>,
        place_kind -> Text,
        place_id -> Nullable<BigInt>,
        published_at -> Timestamp,
        audience_id -> BigInt,
    }
}

diesel::table! {
    search_outbox (id) {
        id -> BigInt,
        doc_kind -> Text,
        ref_id -> BigInt,
        created_at -> Timestamp,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        claim -> Text,
        done_at -> Nullable<Timestamp>,
        last_error -> Text,
    }
}

diesel::table! {
    audiences (id) {
        id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    audience_grants (audience_id, principal) {
        audience_id -> BigInt,
        principal -> Text,
    }
}

diesel::table! {
    member_groups (id) {
        id -> BigInt,
        name -> Text,
        name_key -> Text,
        description -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    group_members (group_id, user_id) {
        group_id -> BigInt,
        user_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    jobs (id) {
        id -> BigInt,
        kind -> Text,
        payload -> Text,
        created_at -> Timestamp,
        run_at -> Timestamp,
        attempts -> Integer,
        claimed_until -> Nullable<Timestamp>,
        done_at -> Nullable<Timestamp>,
        last_error -> Text,
    }
}

diesel::joinable!(audience_grants -> audiences (audience_id));
diesel::joinable!(group_members -> member_groups (group_id));
diesel::joinable!(group_members -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    magazine_article_reads,
    account_tokens,
    tag_counts,
    cache_events,
    author_counts,
    audiences,
    media_files,
    media_renditions,
    media,
    content_media,
    media_trash,
    podcasts,
    episodes,
    audience_grants,
    member_groups,
    group_members,
    jobs,
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
    board_groups,
    boards,
    topics,
    replies,
    revisions,
    likes,
    subscriptions,
    products,
    reviews,
    idea_statuses,
    ideas,
    idea_votes,
    idea_status_changes,
    mail_outbox,
    notification_prefs,
    search_docs,
    search_outbox,
    media_uploads,
    magazine_issues,
    magazine_sections,
    magazine_articles,
    magazine_writers,
    magazine_revisions,
    magazine_areas,
    magazine_entries,
    magazine_calls,
    magazine_judges,
    magazine_scores,
    magazine_polls,
    magazine_poll_options,
    magazine_votes,
    magazine_answers,
    content_reactions,
    flags,
    mod_queue,
    mod_actions,
    sanctions,
    appeals,
    member_reads,
    watched_words,
    keyword_alerts,
    statements,
    member_mutes,
);
