-- 0002: administration — the nightly report of completed tasks, the audit
-- trail of administrative actions, and one-time password reset links.
-- All times are stored in UTC (every connection sets time_zone = '+00:00').

-- The report of one local day in the report time zone (DAYBOOK_REPORT_TZ):
-- the tasks whose completed_at lies in [range_start, range_end), the UTC
-- instants of that day's local midnight and the next (23 or 25 hours apart
-- on DST days).  Written by `daybook-admin report`; running it again for the
-- same date deletes and rewrites the date's rows in one transaction.
--
-- Normalised rather than one JSON blob, so that deleting an account removes
-- that person's rows from every stored report (ON DELETE CASCADE below).
-- The text, CSV and JSON forms are made from these rows:
--   CSV  (RFC 4180, CRLF): email,display_name,task_id,title,completed_at
--        one row per report_items row, ordered by email, completed_at, id;
--        completed_at in the report's time zone as 2026-03-29T00:30:00+01:00
--   JSON {"date", "time_zone", "range_start", "range_end", "totals":
--        {"people", "people_with_tasks", "tasks_completed"}, "people": [{
--        "user_id", "email", "display_name", "tasks_completed", "tasks": [{
--        "id", "title", "completed_at"}]}]}
CREATE TABLE reports (
	report_date	DATE NOT NULL,
	time_zone	VARCHAR(64) NOT NULL,
	range_start	DATETIME(6) NOT NULL,
	range_end	DATETIME(6) NOT NULL,
	created_at	DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	-- Totals when the report was made (accounts deleted later are gone
	-- from report_people, not from these numbers).
	people		INT UNSIGNED NOT NULL,
	tasks_completed	INT UNSIGNED NOT NULL,
	PRIMARY KEY (report_date)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Every account that existed when the report was made, with its count
-- (zero included) and its email and name as they were then.
CREATE TABLE report_people (
	report_date	DATE NOT NULL,
	user_id		BIGINT UNSIGNED NOT NULL,
	email		VARCHAR(254) NOT NULL,
	display_name	VARCHAR(100) NOT NULL,
	tasks_completed	INT UNSIGNED NOT NULL,
	PRIMARY KEY (report_date, user_id),
	KEY report_people_user (user_id),
	CONSTRAINT report_people_report_fk FOREIGN KEY (report_date)
	    REFERENCES reports (report_date) ON DELETE CASCADE,
	CONSTRAINT report_people_user_fk FOREIGN KEY (user_id)
	    REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The completed tasks of the day, copied (a task edited or deleted later
-- does not change a stored report).  task_id is the task's id then; no
-- foreign key to tasks for that reason.
CREATE TABLE report_items (
	report_date	DATE NOT NULL,
	user_id		BIGINT UNSIGNED NOT NULL,
	task_id		BIGINT UNSIGNED NOT NULL,
	title		VARCHAR(200) NOT NULL,
	completed_at	DATETIME(6) NOT NULL,
	PRIMARY KEY (report_date, task_id),
	KEY report_items_person (report_date, user_id, completed_at),
	CONSTRAINT report_items_person_fk FOREIGN KEY (report_date, user_id)
	    REFERENCES report_people (report_date, user_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The report selects by completed_at across all accounts.
ALTER TABLE tasks ADD KEY tasks_completed (completed_at);

-- Who did what to which account, and when.  actor is 'daybook-admin' for
-- the command-line tool, or the administrator's email for the web pages
-- (then actor_user_id is set too).  No foreign keys: the trail outlives the
-- accounts it names (ids are never reused).
CREATE TABLE admin_audit (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	actor_user_id	BIGINT UNSIGNED NULL,
	actor		VARCHAR(254) NOT NULL,
	action		VARCHAR(64) NOT NULL,
	target_user_id	BIGINT UNSIGNED NULL,
	detail		VARCHAR(500) NOT NULL DEFAULT '',
	created_at	DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	PRIMARY KEY (id),
	KEY admin_audit_created (created_at),
	KEY admin_audit_target (target_user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One-time password reset links: only the SHA-256 of the 32-byte token is
-- stored.  Valid until expires_at (30 minutes), usable once (used_at).  A
-- new link for an account deletes that account's unused older ones.
CREATE TABLE password_resets (
	token_hash	BINARY(32) NOT NULL,
	user_id		BIGINT UNSIGNED NOT NULL,
	created_at	DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	expires_at	DATETIME(6) NOT NULL,
	used_at		DATETIME(6) NULL,
	PRIMARY KEY (token_hash),
	KEY password_resets_user (user_id),
	CONSTRAINT password_resets_user_fk FOREIGN KEY (user_id)
	    REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
