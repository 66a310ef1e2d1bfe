DROP INDEX topics_activity_idx;
