/*
 * Start-up: the parent loads and checks the configuration, the assets and
 * the templates once (so a bad setting or template stops daybook before it
 * serves anything); every worker then opens its MariaDB pool and Redis link.
 * Also the seccomp filter: what MariaDB Connector/C and hiredis need on top
 * of Kore's own list.
 */

#include <sys/syscall.h>

#include <stdio.h>
#include <stdlib.h>

#include <kore/seccomp.h>

#include <sodium.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif

#include "daybook.h"
#include "mail.h"
#include "page.h"
#include "pagecache.h"

int	dbk_init(int);
void	kore_parent_configure(int, char **);
void	kore_parent_teardown(void);
void	kore_worker_teardown(void);

struct dbk_config	dbk_cfg;

KORE_SECCOMP_FILTER("daybook",
	/*
	 * Sockets to MariaDB and Redis, and name lookups for their hosts.
	 * libcurl's SMTP sends (src/runtime/mail.c, on task threads) need nothing
	 * more: checked with real sends over smtp:// and smtps:// (TLS
	 * set-up), to an address and to a host name, in the release build.
	 */
	KORE_SYSCALL_ALLOW(socket),
	KORE_SYSCALL_ALLOW(connect),
	KORE_SYSCALL_ALLOW(bind),
	KORE_SYSCALL_ALLOW(shutdown),
	KORE_SYSCALL_ALLOW(getsockopt),
	KORE_SYSCALL_ALLOW(getsockname),
	KORE_SYSCALL_ALLOW(getpeername),
	KORE_SYSCALL_ALLOW(sendmsg),
	KORE_SYSCALL_ALLOW(sendmmsg),
	KORE_SYSCALL_ALLOW(recvmsg),
#if defined(SYS_poll)
	KORE_SYSCALL_ALLOW(poll),
#endif
	KORE_SYSCALL_ALLOW(uname),
	KORE_SYSCALL_ALLOW(newfstatat),
	KORE_SYSCALL_ALLOW(gettimeofday),

	/*
	 * Task threads (argon2id): glibc tries clone3 first and falls back
	 * to clone (which Kore's task filter allows) on ENOSYS; new threads
	 * register rseq.
	 */
#if defined(SYS_clone3)
	KORE_SYSCALL_DENY(clone3, ENOSYS),
#endif
#if defined(SYS_rseq)
	KORE_SYSCALL_ALLOW(rseq),
#endif
#if defined(__SANITIZE_ADDRESS__)
	/*
	 * Test builds only: AddressSanitizer's bookkeeping for new threads,
	 * and LeakSanitizer's check at exit, which stops the world with a
	 * ptrace-ing helper thread (a killed helper would hang the worker).
	 */
	KORE_SYSCALL_ALLOW(gettid),
	KORE_SYSCALL_ALLOW(sched_getaffinity),
	KORE_SYSCALL_ALLOW(clone),
	KORE_SYSCALL_ALLOW(ptrace),
	KORE_SYSCALL_ALLOW(wait4),
	KORE_SYSCALL_ALLOW(prctl),
	KORE_SYSCALL_ALLOW(sched_yield),
	KORE_SYSCALL_ALLOW(tgkill),
	KORE_SYSCALL_ALLOW(getppid),
	KORE_SYSCALL_ALLOW(getdents64),
#if defined(SYS_getdents)
	KORE_SYSCALL_ALLOW(getdents),
#endif
#endif
	KORE_SYSCALL_ALLOW(madvise)
);

static const char *
env_lookup(const char *name)
{
	return (getenv(name));
}

/* Runs once in the parent, before the workers are forked. */
void
kore_parent_configure(int argc, char **argv)
{
	char		error[256];

	(void)argc;
	(void)argv;

	/* Log lines leave at once, also when stdout is a file or a pipe. */
	(void)setvbuf(stdout, NULL, _IOLBF, 0);

	if (sodium_init() == -1) {
		fprintf(stderr, "daybook: libsodium failed to start\n");
		exit(1);
	}

	if (dbk_config_load(&dbk_cfg, env_lookup) == -1) {
		fprintf(stderr, "daybook: %s\n", dbk_cfg.error);
		exit(1);
	}

	if (!dbk_assets_load(dbk_cfg.asset_dir, error, sizeof(error))) {
		fprintf(stderr, "daybook: %s\n", error);
		exit(1);
	}

	if (!dbk_view_load(dbk_cfg.template_dir, error, sizeof(error))) {
		fprintf(stderr, "daybook: %s\n", error);
		exit(1);
	}

	dbk_auth_prepare();
	dbk_mail_global_init();
}

/* The module's onload: runs in every worker. */
int
dbk_init(int state)
{
	if (state != KORE_MODULE_LOAD)
		return (KORE_RESULT_OK);

	dbk_accesslog_worker_init();
	dbk_db_worker_init();
	dbk_cache_worker_init();
	dbk_cache_gen_worker_init();
	dbk_mail_worker_init();

	return (KORE_RESULT_OK);
}

/*
 * At exit, release all the module holds (what the parent loaded too, which
 * the worker inherited): Kore unloads the module before LeakSanitizer runs
 * in test builds, and anything still held would be reported as a leak.
 */
static void
release_all(void)
{
	dbk_view_unload();
	dbk_assets_unload();
	dbk_config_free(&dbk_cfg);
}

void
kore_worker_teardown(void)
{
	dbk_mail_worker_teardown();
	dbk_cache_worker_teardown();
	dbk_db_worker_teardown();
	dbk_accesslog_worker_teardown();
	dbk_pagecache_worker_teardown();
	release_all();

#if defined(__SANITIZE_ADDRESS__)
	/*
	 * Test builds: check for leaks now, then leave without running the
	 * libraries' destructors.  After MariaDB went away and came back,
	 * libp11-kit's destructor (MariaDB Connector/C's TLS stack) deadlocks
	 * on glibc's locale lock at exit, and the worker would never end.
	 */
	__lsan_do_leak_check();
	_exit(0);
#endif
}

void
kore_parent_teardown(void)
{
	release_all();
	dbk_mail_global_cleanup();
}
