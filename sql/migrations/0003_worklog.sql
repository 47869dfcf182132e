-- 0003: the work log (issue 5): one entry per person per day, yearly
-- allowances, and the version that keeps the Redis month cache fresh.
-- All times are stored in UTC (every connection sets time_zone = '+00:00').

CREATE TABLE worklog_entries (
	user_id		BIGINT UNSIGNED NOT NULL,
	day		DATE NOT NULL,
	kind		ENUM('office', 'remote', 'vacation', 'holiday', 'sick')
			    NOT NULL,
	-- 1: the entry counts as half a day.
	half_day	TINYINT(1) NOT NULL DEFAULT 0,
	location	VARCHAR(100) NOT NULL DEFAULT '',
	note		VARCHAR(500) NOT NULL DEFAULT '',
	updated_at	DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
	    ON UPDATE CURRENT_TIMESTAMP(6),
	PRIMARY KEY (user_id, day),
	CONSTRAINT worklog_entries_user_fk FOREIGN KEY (user_id)
	    REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE worklog_allowances (
	user_id		BIGINT UNSIGNED NOT NULL,
	year		SMALLINT UNSIGNED NOT NULL,
	-- Days per year, in steps of 0.5; NULL: no allowance set.
	vacation_days	DECIMAL(5,1) NULL,
	remote_days	DECIMAL(5,1) NULL,
	sick_days	DECIMAL(5,1) NULL,
	updated_at	DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
	    ON UPDATE CURRENT_TIMESTAMP(6),
	PRIMARY KEY (user_id, year),
	CONSTRAINT worklog_allowances_user_fk FOREIGN KEY (user_id)
	    REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Bumped in the same transaction as every change to the user's work log
-- entries or allowances; the Redis copy of a month carries the version it
-- was built from, so an older month can never replace a newer one.
ALTER TABLE users
    ADD COLUMN worklog_version BIGINT UNSIGNED NOT NULL DEFAULT 1
    AFTER tasks_version;
