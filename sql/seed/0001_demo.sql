-- Demo data for development: one account with ten tasks, four of them done.
--
--   email:    demo@example.com
--   password: demo-password
--
-- The account is an administrator, so /admin can be tried out; never load
-- this file into a database that real people use.
-- Loading it again changes nothing: the account is created once and its
-- tasks only while it has none.  Run it with `daybook-admin seed FILE`.

INSERT INTO users (email, display_name, password_hash, is_admin)
VALUES ('demo@example.com', 'Demo',
    '$argon2id$v=19$m=19456,t=2,p=1$HVkmMVCTBF06mcVKzz3hLQ$jjOj6GJdVDr6rOdgEDnLZ5lYpMocggtiuC7uUGTil1w',
    1)
ON DUPLICATE KEY UPDATE id = id;

INSERT INTO tasks (user_id, title, notes, due_date, completed_at)
SELECT u.id, d.title, d.notes, d.due_date, d.completed_at
FROM users u
JOIN (
	SELECT 1 AS n, 'Plan the week' AS title,
	    'Monday morning; look at last week''s list first.' AS notes,
	    CAST(UTC_DATE() - INTERVAL 2 DAY AS DATE) AS due_date,
	    CAST(UTC_TIMESTAMP(6) - INTERVAL 2 DAY AS DATETIME(6))
	    AS completed_at
	UNION ALL SELECT 2, 'Answer the landlord''s email', '',
	    UTC_DATE() - INTERVAL 1 DAY,
	    UTC_TIMESTAMP(6) - INTERVAL 26 HOUR
	UNION ALL SELECT 3, 'Buy coffee beans', 'Medium roast; 500 g.',
	    NULL, UTC_TIMESTAMP(6) - INTERVAL 3 HOUR
	UNION ALL SELECT 4, 'Water the plants', '', UTC_DATE(),
	    UTC_TIMESTAMP(6) - INTERVAL 40 MINUTE
	UNION ALL SELECT 5, 'Write the project update',
	    'Progress; risks; next steps.', UTC_DATE(), NULL
	UNION ALL SELECT 6, 'Call the dentist', 'Ask about Thursday.',
	    UTC_DATE() + INTERVAL 1 DAY, NULL
	UNION ALL SELECT 7, 'Review the pull request', '',
	    UTC_DATE() + INTERVAL 1 DAY, NULL
	UNION ALL SELECT 8, 'Renew the library books', '',
	    UTC_DATE() + INTERVAL 3 DAY, NULL
	UNION ALL SELECT 9, 'Read chapter 4', '"Data layout" section.',
	    NULL, NULL
	UNION ALL SELECT 10, 'Back up the laptop', 'External disk; -- not the cloud.',
	    UTC_DATE() + INTERVAL 7 DAY, NULL
) d
WHERE u.email = 'demo@example.com'
    AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.user_id = u.id)
ORDER BY d.n;
