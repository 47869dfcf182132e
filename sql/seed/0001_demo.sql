-- Demo data for development: one account with ten tasks, four of them done,
-- and a work log for the last three weeks with this year's allowances.
--
--   email:    demo@example.com
--   password: demo-password
--
-- The account is an administrator, so /admin can be tried out; never load
-- this file into a database that real people use.
-- Loading it again changes nothing: the account is created once and its
-- tasks and work log only while it has none.  Run it with `daybook-admin seed FILE`.

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

-- The weekdays of the last 21 days: mostly office, remote on Wednesdays
-- and Fridays, a vacation Monday (8 to 14 days ago), half a sick Thursday
-- (in the last week).
INSERT INTO worklog_entries (user_id, day, kind, half_day, location, note)
SELECT u.id, d.day,
    CASE
	WHEN WEEKDAY(d.day) = 3 AND d.n <= 7 THEN 'sick'
	WHEN WEEKDAY(d.day) = 0 AND d.n BETWEEN 8 AND 14 THEN 'vacation'
	WHEN WEEKDAY(d.day) IN (2, 4) THEN 'remote'
	ELSE 'office'
    END,
    WEEKDAY(d.day) = 3 AND d.n <= 7,
    IF(WEEKDAY(d.day) IN (2, 4), 'Home', ''),
    IF(WEEKDAY(d.day) = 0 AND d.n BETWEEN 8 AND 14, 'Long weekend', '')
FROM users u
JOIN (
	SELECT n, CAST(UTC_DATE() - INTERVAL n DAY AS DATE) AS day
	FROM (SELECT 1 AS n UNION ALL SELECT 2 UNION ALL SELECT 3
	    UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6
	    UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9
	    UNION ALL SELECT 10 UNION ALL SELECT 11 UNION ALL SELECT 12
	    UNION ALL SELECT 13 UNION ALL SELECT 14 UNION ALL SELECT 15
	    UNION ALL SELECT 16 UNION ALL SELECT 17 UNION ALL SELECT 18
	    UNION ALL SELECT 19 UNION ALL SELECT 20 UNION ALL SELECT 21) k
) d ON WEEKDAY(d.day) < 5
WHERE u.email = 'demo@example.com'
    AND NOT EXISTS (SELECT 1 FROM worklog_entries w WHERE w.user_id = u.id);

INSERT INTO worklog_allowances (user_id, year, vacation_days, remote_days,
    sick_days)
SELECT u.id, YEAR(UTC_DATE()), 25.0, 60.0, 10.0
FROM users u
WHERE u.email = 'demo@example.com'
ON DUPLICATE KEY UPDATE user_id = worklog_allowances.user_id;
