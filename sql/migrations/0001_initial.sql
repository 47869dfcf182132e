-- 0001: accounts, sessions and tasks.
-- All times are stored in UTC (every connection sets time_zone = '+00:00').

CREATE TABLE users (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	email		VARCHAR(254) NOT NULL,
	display_name	VARCHAR(100) NOT NULL,
	password_hash	VARCHAR(255) NOT NULL,
	is_admin	TINYINT(1) NOT NULL DEFAULT 0,
	is_disabled	TINYINT(1) NOT NULL DEFAULT 0,
	time_zone	VARCHAR(64) NOT NULL DEFAULT 'UTC',
	-- Bumped in the same transaction as every change to the user's
	-- tasks; the Redis copy of the task list carries the version it was
	-- built from, so an older list can never replace a newer one.
	tasks_version	BIGINT UNSIGNED NOT NULL DEFAULT 1,
	created_at	DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	last_seen_at	DATETIME(6) NULL,
	PRIMARY KEY (id),
	UNIQUE KEY users_email (email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE sessions (
	-- SHA-256 of the cookie token; the token itself is never stored.
	token_hash	BINARY(32) NOT NULL,
	user_id		BIGINT UNSIGNED NOT NULL,
	created_at	DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	last_seen_at	DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	expires_at	DATETIME(6) NOT NULL,
	PRIMARY KEY (token_hash),
	KEY sessions_user (user_id),
	CONSTRAINT sessions_user_fk FOREIGN KEY (user_id)
	    REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE tasks (
	id		BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
	user_id		BIGINT UNSIGNED NOT NULL,
	title		VARCHAR(200) NOT NULL,
	notes		VARCHAR(4000) NOT NULL DEFAULT '',
	due_date	DATE NULL,
	completed_at	DATETIME(6) NULL,
	created_at	DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	updated_at	DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
	    ON UPDATE CURRENT_TIMESTAMP(6),
	PRIMARY KEY (id),
	KEY tasks_user (user_id, completed_at),
	CONSTRAINT tasks_user_fk FOREIGN KEY (user_id)
	    REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE login_failures (
	-- 'a:<account email>' or 'ip:<client address>'; the fallback for
	-- login limiting when Redis is unavailable.
	subject		VARCHAR(300) NOT NULL,
	failures	INT UNSIGNED NOT NULL DEFAULT 0,
	window_start	DATETIME(6) NOT NULL,
	PRIMARY KEY (subject)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
