-- A held copy keeps its note (an idea's status note) for the digest that gathers it.
ALTER TABLE mail_outbox ADD COLUMN note TEXT NOT NULL DEFAULT '';
