-- Nothing to undo: the table keeps the key every database should have.
SELECT 1;
