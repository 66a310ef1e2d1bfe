DROP TABLE member_mutes;
