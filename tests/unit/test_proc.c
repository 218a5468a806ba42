/* test_proc.c - the child-process runner (agent/util/proc.c).
 *
 * The children are /bin/sh -c scripts (test only; the runner itself never
 * uses a shell), standing in for `ipsec whack` misbehaving in each way the
 * daemon and lswstat must survive.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/proc.h"

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Run `/bin/sh -c script sh arg` with lsw_proc_run(). */
static int run_sh(const char *script, const char *arg, int timeout_ms, size_t max,
                  struct lsw_proc **p, char *err, size_t errlen)
{
	const char *argv[] = {"/bin/sh", "-c", script, "sh", arg, NULL};

	return lsw_proc_run(argv, timeout_ms, max, p, err, errlen);
}

struct run_case {
	const char *name;
	const char *script;
	size_t max_output;
	const char *out; /* expected stdout (whole) */
	const char *err; /* expected stderr (whole) */
	int exit_status;
	bool truncated;
	const char *status; /* expected lsw_proc_describe_status() prefix */
};

static const struct run_case run_cases[] = {
    {"normal output", "printf 'hello\\nworld\\n'", 1024, "hello\nworld\n", "", 0, false,
     "exited with status 0"},
    /* Only LC_ALL and PATH reach the child. */
    {"environment", "echo \"$LC_ALL|$PATH|${HOME-unset}|${LANG-unset}\"", 1024,
     "C|" LSW_PROC_PATH "|unset|unset\n", "", 0, false, "exited with status 0"},
    {"stdin is /dev/null", "cat; echo end", 1024, "end\n", "", 0, false, NULL},
    {"stderr only", "echo 'whack: Pluto is not running' >&2; exit 1", 1024, "",
     "whack: Pluto is not running\n", 1, false, "exited with status 1"},
    {"stdout and stderr apart", "echo out; echo err >&2; echo out2", 1024, "out\nout2\n", "err\n",
     0, false, NULL},
    {"non-zero exit", "echo partial; exit 3", 1024, "partial\n", "", 3, false,
     "exited with status 3"},
    {"killed by a signal", "echo before; kill -TERM $$; echo after", 1024, "before\n", "",
     128 + SIGTERM, false, "killed by signal 15"},
    {"exactly the cap", "printf 12345678", 8, "12345678", "", 0, false, NULL},
    {"one over the cap", "printf 123456789", 8, "12345678", "", 0, true, NULL},
    {"zero cap", "echo x", 0, "", "", 0, true, NULL},
    /* Only the parent's stdio reach the child: fds 0 1 2 of the shell. */
    {"no leaked descriptors", "ls /proc/$$/fd", 1024, "0\n1\n2\n", "", 0, false, NULL},
};

static void test_run_table(void **state)
{
	/* A descriptor opened without O_CLOEXEC, as net-snmp does. */
	int leaky = open("/dev/null", O_RDONLY);

	assert_true(leaky >= 0);
	for (size_t i = 0; i < sizeof(run_cases) / sizeof(run_cases[0]); i++) {
		const struct run_case *c = &run_cases[i];
		struct lsw_proc *p = NULL;
		char err[256] = "", status[128];
		size_t len;
		const char *out;

		print_message("case: %s\n", c->name);
		assert_int_equal(run_sh(c->script, NULL, 5000, c->max_output, &p, err, sizeof(err)),
		                 0);
		assert_non_null(p);
		out = lsw_proc_output(p, &len);
		assert_int_equal(len, strlen(c->out));
		assert_string_equal(out, c->out);
		assert_string_equal(lsw_proc_stderr(p, NULL), c->err);
		assert_int_equal(lsw_proc_exit_status(p), c->exit_status);
		assert_int_equal(lsw_proc_truncated(p), c->truncated);
		lsw_proc_describe_status(p, status, sizeof(status));
		if (c->status != NULL)
			assert_true(strncmp(status, c->status, strlen(c->status)) == 0);
		lsw_proc_free(p);
	}
	close(leaky);
}

/* 4 MB through a 64 KB cap: the child is drained to its end, not stalled. */
static void test_large_output_truncated(void **state)
{
	struct lsw_proc *p = NULL;
	char err[256] = "";
	size_t len;
	const char *out;

	assert_int_equal(run_sh("head -c 4000000 /dev/zero | tr '\\0' x; echo done >&2", NULL,
	                        10000, 65536, &p, err, sizeof(err)),
	                 0);
	out = lsw_proc_output(p, &len);
	assert_int_equal(len, 65536);
	assert_true(lsw_proc_truncated(p));
	assert_int_equal(out[0], 'x');
	assert_int_equal(out[65535], 'x');
	assert_int_equal(out[65536], '\0');
	assert_string_equal(lsw_proc_stderr(p, NULL), "done\n");
	assert_int_equal(lsw_proc_exit_status(p), 0);
	lsw_proc_free(p);
}

/* Large output under the cap arrives whole (pipe buffer is 64 KB). */
static void test_large_output_whole(void **state)
{
	struct lsw_proc *p = NULL;
	char err[256] = "";
	size_t len;

	assert_int_equal(run_sh("head -c 1000000 /dev/zero | tr '\\0' y", NULL, 10000, 2000000, &p,
	                        err, sizeof(err)),
	                 0);
	lsw_proc_output(p, &len);
	assert_int_equal(len, 1000000);
	assert_false(lsw_proc_truncated(p));
	lsw_proc_free(p);
}

/* Stderr is capped at LSW_PROC_STDERR_MAX and the rest drained. */
static void test_stderr_capped(void **state)
{
	struct lsw_proc *p = NULL;
	char err[256] = "";
	size_t len;

	assert_int_equal(run_sh("head -c 200000 /dev/zero | tr '\\0' e >&2; echo ok", NULL, 10000,
	                        1024, &p, err, sizeof(err)),
	                 0);
	lsw_proc_stderr(p, &len);
	assert_int_equal(len, LSW_PROC_STDERR_MAX);
	assert_string_equal(lsw_proc_output(p, NULL), "ok\n");
	lsw_proc_free(p);
}

static pid_t read_pid_file(const char *path)
{
	FILE *f;
	long pid = -1;

	for (int i = 0; i < 200; i++) {
		f = fopen(path, "r");
		if (f != NULL) {
			int n = fscanf(f, "%ld", &pid);

			fclose(f);
			if (n == 1)
				break;
		}
		usleep(10000);
	}
	return (pid_t)pid;
}

/* Dead, or a zombie waiting for an init that does not reap. */
static bool pid_gone(pid_t pid)
{
	char path[64], buf[512];
	FILE *f;
	const char *rp;

	if (kill(pid, 0) < 0 && errno == ESRCH)
		return true;
	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	f = fopen(path, "r");
	if (f == NULL)
		return true;
	if (fgets(buf, sizeof(buf), f) == NULL)
		buf[0] = '\0';
	fclose(f);
	rp = strrchr(buf, ')');
	return rp != NULL && rp[1] == ' ' && rp[2] == 'Z';
}

static bool wait_gone(pid_t pid, int ms)
{
	for (int i = 0; i < ms / 10; i++) {
		if (pid_gone(pid))
			return true;
		usleep(10000);
	}
	return pid_gone(pid);
}

struct timeout_case {
	const char *name;
	const char *script; /* writes the pid to watch into "$1" */
};

static const struct timeout_case timeout_cases[] = {
    /* Plain hang: the child itself sleeps. */
    {"child sleeps past the timeout", "echo $$ > \"$1\"; echo started; exec sleep 30"},
    /* The leader exits at once but a grandchild keeps stdout open: only a
     * process-group kill ends it. */
    {"grandchild holds the pipe", "sleep 30 & echo $! > \"$1\"; echo bye; exit 0"},
    /* Writes without end: the drain must come back for the deadline. */
    {"endless output", "echo $$ > \"$1\"; exec yes"},
    {"endless stderr", "echo $$ > \"$1\"; exec yes >&2"},
    /* Closes its pipes and keeps running: EOF alone is not the end. */
    {"closes stdout, keeps running",
     "echo $$ > \"$1\"; exec >/dev/null 2>&1 </dev/null; exec sleep 30"},
};

static void test_timeouts(void **state)
{
	char dir[] = "/tmp/test_proc.XXXXXX";
	char pidfile[64];

	assert_non_null(mkdtemp(dir));
	snprintf(pidfile, sizeof(pidfile), "%s/pid", dir);
	for (size_t i = 0; i < sizeof(timeout_cases) / sizeof(timeout_cases[0]); i++) {
		struct lsw_proc *p = (struct lsw_proc *)1;
		char err[256] = "";
		long long t0 = now_ms(), took;
		pid_t pid;

		print_message("case: %s\n", timeout_cases[i].name);
		unlink(pidfile);
		assert_int_equal(
		    run_sh(timeout_cases[i].script, pidfile, 400, 1024, &p, err, sizeof(err)), -1);
		took = now_ms() - t0;
		assert_null(p);
		assert_non_null(strstr(err, "timed out after 400 ms"));
		assert_true(took >= 390 && took < 2000);
		pid = read_pid_file(pidfile);
		assert_true(pid > 1);
		assert_true(wait_gone(pid, 2000));
	}
	unlink(pidfile);
	rmdir(dir);
}

struct start_fail_case {
	const char *name;
	const char *path;
	const char *mode; /* file to create at path with this content, NULL: none */
	mode_t perm;
	const char *err; /* expected substring */
};

static void test_start_failures(void **state)
{
	char dir[] = "/tmp/test_proc.XXXXXX";
	char noexec[64], garbage[64], subdir[64];

	assert_non_null(mkdtemp(dir));
	snprintf(noexec, sizeof(noexec), "%s/noexec", dir);
	snprintf(garbage, sizeof(garbage), "%s/garbage", dir);
	snprintf(subdir, sizeof(subdir), "%s/sub", dir);
	const struct start_fail_case cases[] = {
	    {"missing program", "/nonexistent/ipsec", NULL, 0,
	     "/nonexistent/ipsec: No such file or directory"},
	    {"relative path", "ipsec", NULL, 0, "ipsec: not an absolute path"},
	    {"not executable", noexec, "#!/bin/sh\necho hi\n", 0644, "not executable"},
	    /* Executable bits but execve() fails (no #!, not ELF): seen
	     * through the exec-error pipe. */
	    {"exec format error", garbage, "\x7f\x45\x4c\x46garbage", 0755,
	     "exec: Exec format error"},
	    {"a directory", subdir, NULL, 0, "not a regular file"},
	};

	assert_int_equal(mkdir(subdir, 0755), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *argv[] = {cases[i].path, "whack", "--status", NULL};
		struct lsw_proc *p = (struct lsw_proc *)1;
		char err[256] = "";

		print_message("case: %s\n", cases[i].name);
		if (cases[i].mode != NULL) {
			FILE *f = fopen(cases[i].path, "w");

			assert_non_null(f);
			fputs(cases[i].mode, f);
			fclose(f);
			assert_int_equal(chmod(cases[i].path, cases[i].perm), 0);
		}
		assert_int_equal(lsw_proc_start(&p, argv, 1024, err, sizeof(err)), -1);
		assert_null(p);
		assert_non_null(strstr(err, cases[i].err));
		p = (struct lsw_proc *)1;
		assert_int_equal(lsw_proc_run(argv, 1000, 1024, &p, err, sizeof(err)), -1);
		assert_null(p);
	}
	unlink(noexec);
	unlink(garbage);
	rmdir(subdir);
	rmdir(dir);
}

/* The event-loop way, as the daemon uses it: poll the fds itself. */
static void test_low_level_api(void **state)
{
	const char *argv[] = {"/bin/sh", "-c", "echo one; sleep 0.2; echo two >&2; echo three",
	                      NULL};
	struct lsw_proc *p = NULL;
	char err[256] = "";
	int rc, flags;

	assert_int_equal(lsw_proc_start(&p, argv, 1024, err, sizeof(err)), 0);
	assert_true(lsw_proc_pid(p) > 0);
	flags = fcntl(lsw_proc_fd(p), F_GETFL);
	assert_true(flags & O_NONBLOCK);
	assert_true(fcntl(lsw_proc_fd(p), F_GETFD) & FD_CLOEXEC);
	assert_true(fcntl(lsw_proc_err_fd(p), F_GETFD) & FD_CLOEXEC);
	assert_int_equal(lsw_proc_exit_status(p), -1);
	while ((rc = lsw_proc_drain(p)) == 0) {
		struct pollfd fds[2] = {{.fd = lsw_proc_fd(p), .events = POLLIN},
		                        {.fd = lsw_proc_err_fd(p), .events = POLLIN}};

		assert_true(poll(fds, 2, 5000) > 0);
	}
	assert_int_equal(rc, 1);
	while ((rc = lsw_proc_reap(p)) == 0)
		usleep(1000);
	assert_int_equal(rc, 1);
	assert_string_equal(lsw_proc_output(p, NULL), "one\nthree\n");
	assert_string_equal(lsw_proc_stderr(p, NULL), "two\n");
	assert_int_equal(lsw_proc_exit_status(p), 0);
	lsw_proc_free(p);
}

/* Consuming stdout after each drain (lsw_proc_output_clear()), as the
 * daemon's collector does: every byte arrives once, in pieces of at most
 * one drain (1 MiB), and max_output caps the bytes read in all, not the
 * bytes held. */
static void test_output_clear(void **state)
{
	static const struct {
		size_t max;
		size_t total;
		bool truncated;
	} cases[] = {
	    {4000000, 3000004, false}, /* 3,000,000 'z' and "end\n" */
	    {2500000, 2500000, true},
	    {3000004, 3000004, false},
	    {3000003, 3000003, true},
	};
	const char *argv[] = {"/bin/sh", "-c", "head -c 3000000 /dev/zero | tr '\\0' z; echo end",
	                      NULL};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct lsw_proc *p = NULL;
		char err[256] = "", last[5] = "";
		size_t total = 0, pieces = 0, zs = 0, len;
		int rc;

		assert_int_equal(lsw_proc_start(&p, argv, cases[i].max, err, sizeof(err)), 0);
		for (;;) {
			const char *out;
			struct pollfd fds[2] = {{.fd = lsw_proc_fd(p), .events = POLLIN},
			                        {.fd = lsw_proc_err_fd(p), .events = POLLIN}};

			rc = lsw_proc_drain(p);
			assert_true(rc >= 0);
			out = lsw_proc_output(p, &len);
			assert_true(len <= 1048576);
			for (size_t k = 0; k < len; k++)
				zs += out[k] == 'z';
			if (len >= 4)
				memcpy(last, out + len - 4, 4);
			total += len;
			pieces += len > 0;
			lsw_proc_output_clear(p);
			assert_string_equal(lsw_proc_output(p, &len), "");
			assert_int_equal(len, 0);
			if (rc == 1)
				break;
			assert_true(poll(fds, 2, 5000) > 0);
		}
		while ((rc = lsw_proc_reap(p)) == 0)
			usleep(1000);
		assert_int_equal(total, cases[i].total);
		assert_int_equal(zs, total < 3000000 ? total : 3000000);
		assert_int_equal(lsw_proc_truncated(p), cases[i].truncated);
		if (!cases[i].truncated)
			assert_string_equal(last, "end\n");
		/* Through a 64 KB pipe: many pieces, none kept after its turn. */
		assert_true(pieces >= 3);
		assert_int_equal(lsw_proc_exit_status(p), 0);
		lsw_proc_free(p);
	}
}

/* lsw_proc_free() on a running child kills its group and reaps it. */
static void test_free_running(void **state)
{
	const char *argv[] = {"/bin/sh", "-c", "exec sleep 30", NULL};
	struct lsw_proc *p = NULL;
	char err[256] = "";
	pid_t pid;

	assert_int_equal(lsw_proc_start(&p, argv, 1024, err, sizeof(err)), 0);
	pid = lsw_proc_pid(p);
	assert_int_equal(lsw_proc_reap(p), 0);
	lsw_proc_free(p);
	/* Reaped by us: no zombie left, the pid is gone at once. */
	assert_int_equal(kill(pid, 0), -1);
	assert_int_equal(errno, ESRCH);
	lsw_proc_free(NULL);
}

/* An ignored SIGPIPE in the parent (usual in daemons) is reset in the child. */
static void test_signals_reset(void **state)
{
	struct lsw_proc *p = NULL;
	char err[256] = "";
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);

	/* yes(1) dies of SIGPIPE when head exits; ignored, it would loop on EPIPE. */
	assert_int_equal(
	    run_sh("yes | head -n 2; echo end", NULL, 5000, 1024, &p, err, sizeof(err)), 0);
	assert_string_equal(lsw_proc_output(p, NULL), "y\ny\nend\n");
	lsw_proc_free(p);
	signal(SIGPIPE, old);
}

struct whack_case {
	const char *ctlsocket;
	enum lsw_whack_cmd cmd;
	const char *expect[LSW_WHACK_ARGV_MAX];
};

static void test_whack_argv(void **state)
{
	static const struct whack_case cases[] = {
	    {NULL, LSW_WHACK_STATUS, {"/usr/sbin/ipsec", "whack", "--status", NULL}},
	    {NULL, LSW_WHACK_TRAFFICSTATUS, {"/usr/sbin/ipsec", "whack", "--trafficstatus", NULL}},
	    {"/run/pluto/pluto.ctl",
	     LSW_WHACK_STATUS,
	     {"/usr/sbin/ipsec", "whack", "--ctlsocket", "/run/pluto/pluto.ctl", "--status", NULL}},
	    {"/tmp/x.ctl",
	     LSW_WHACK_TRAFFICSTATUS,
	     {"/usr/sbin/ipsec", "whack", "--ctlsocket", "/tmp/x.ctl", "--trafficstatus", NULL}},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *argv[LSW_WHACK_ARGV_MAX];
		size_t j;

		lsw_whack_argv(argv, "/usr/sbin/ipsec", cases[i].ctlsocket, cases[i].cmd);
		for (j = 0; cases[i].expect[j] != NULL; j++)
			assert_string_equal(argv[j], cases[i].expect[j]);
		assert_null(argv[j]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_run_table),
	    cmocka_unit_test(test_large_output_truncated),
	    cmocka_unit_test(test_large_output_whole),
	    cmocka_unit_test(test_stderr_capped),
	    cmocka_unit_test(test_timeouts),
	    cmocka_unit_test(test_start_failures),
	    cmocka_unit_test(test_low_level_api),
	    cmocka_unit_test(test_output_clear),
	    cmocka_unit_test(test_free_running),
	    cmocka_unit_test(test_signals_reset),
	    cmocka_unit_test(test_whack_argv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
