-- Keyword alerts: a staff member watches words (a product, the brand, "refund") and is told of
-- every new public piece that contains one. The worker reads new pieces after a cursor kept in
-- `site_settings` (`alerts.cursor`).
CREATE TABLE keyword_alerts (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    word TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (user_id, word)
);
