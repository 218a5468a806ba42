/* test_agent_config.c - options and config file of libreswan-agentx:
 * precedence (defaults < file < command line), every key, and the errors
 * an operator sees. Table-driven. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

static char tmpdir[] = "/tmp/test_agent_config.XXXXXX";

static int setup(void **state)
{
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Write text to tmpdir/name and return the path (static buffer per call site is fine in tests). */
static const char *write_file(const char *name, const char *text, char *path, size_t len)
{
	FILE *f;

	snprintf(path, len, "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

/* Load argv (NULL-terminated, argv[0] included). */
static int load(struct lsw_config *cfg, const char *const *args, enum lsw_config_action *action,
                char *err, size_t errlen)
{
	char *argv[32];
	int argc = 0;

	while (args[argc] != NULL) {
		argv[argc] = (char *)(uintptr_t)args[argc];
		argc++;
	}
	argv[argc] = NULL;
	return lsw_config_load(cfg, argc, argv, action, err, errlen);
}

static void test_defaults(void **state)
{
	char path[512], err[512];
	const char *args[] = {"agent", "-c", NULL, NULL};
	struct lsw_config cfg;
	enum lsw_config_action action;

	args[2] = write_file("empty.conf", "# nothing\n\n", path, sizeof(path));
	assert_int_equal(load(&cfg, args, &action, err, sizeof(err)), 0);
	assert_int_equal(action, LSW_CONFIG_RUN);
	assert_int_equal(cfg.interval_ms, 10000);
	assert_int_equal(cfg.timeout, 5);
	assert_int_equal(cfg.ping_interval, 2);
	assert_int_equal(cfg.fail_after, 3);
	assert_null(cfg.ipsec);
	assert_null(cfg.agentx_socket);
	assert_null(cfg.status_file);
	assert_false(cfg.foreground);
	assert_int_equal(cfg.notify.traps,
	                 LSW_TRAP_CONN | LSW_TRAP_COLLECTOR | LSW_TRAP_KERNEL | LSW_TRAP_IKEFAIL);
	assert_int_equal(cfg.kernel_stats, LSW_KERNEL_MODE_AUTO);
	assert_null(cfg.xfrm_file);
	assert_true(cfg.ike_stats);
	assert_int_equal(cfg.ike_failures, 5);
	assert_int_equal(cfg.ike_holdoff, 300);
	assert_int_equal(cfg.notify.history, 500);
	assert_int_equal(cfg.notify.rate_limit, LSW_TRAP_RATE_LIMIT_DEFAULT);
	assert_true(cfg.config_explicit);
	lsw_config_free(&cfg);
}

/* The file sets everything; the command line wins where it speaks. */
static void test_file_then_command_line(void **state)
{
	char path[512], err[512];
	const char *args[] = {"agent",   "-c",  NULL, "--interval", "3",  "-x", "/run/ax.sock",
	                      "--traps", "all", "-D", "agentx",     "-f", NULL};
	struct lsw_config cfg;
	enum lsw_config_action action;

	args[2] = write_file("full.conf",
	                     "# libreswan-agentx\n"
	                     "interval = 30\n"
	                     "  timeout=7  \n"
	                     "fail-after = 5\n"
	                     "ipsec = /opt/ipsec\n"
	                     "ctlsocket = /run/pluto/other.ctl\n"
	                     "status-file = /tmp/s.txt\n"
	                     "traffic-file = /tmp/t.txt\n"
	                     "agentx-socket = tcp:127.0.0.1:705\n"
	                     "agentx-ping-interval = 1\n"
	                     "traps = conn,ikesa\n"
	                     "trap-rate-limit = 7\n"
	                     "event-history = 42\n"
	                     "max-output = 65536\n"
	                     "debug = lsw\n",
	                     path, sizeof(path));
	assert_int_equal(load(&cfg, args, &action, err, sizeof(err)), 0);
	assert_int_equal(cfg.interval_ms, 3000);
	assert_int_equal(cfg.timeout, 7);
	assert_int_equal(cfg.fail_after, 5);
	assert_string_equal(cfg.ipsec, "/opt/ipsec");
	assert_string_equal(cfg.ctlsocket, "/run/pluto/other.ctl");
	assert_string_equal(cfg.status_file, "/tmp/s.txt");
	assert_string_equal(cfg.traffic_file, "/tmp/t.txt");
	assert_string_equal(cfg.agentx_socket, "/run/ax.sock");
	assert_int_equal(cfg.ping_interval, 1);
	assert_int_equal(cfg.notify.traps, LSW_TRAP_ALL);
	assert_int_equal(cfg.notify.rate_limit, 7);
	assert_int_equal(cfg.notify.history, 42);
	assert_int_equal(cfg.max_output, 65536);
	assert_int_equal(cfg.n_debug, 2);
	assert_string_equal(cfg.debug[0], "lsw");
	assert_string_equal(cfg.debug[1], "agentx");
	assert_true(cfg.foreground);
	lsw_config_free(&cfg);
}

struct bad_case {
	const char *what;
	const char *file;    /* config file text, NULL: no -c at all */
	const char *args[6]; /* after argv[0] and -c FILE */
	const char *message; /* substring of the error */
};

static const struct bad_case bad_cases[] = {
    {"unknown key in the file",
     "interval = 5\nfrobnicate = 1\n",
     {NULL},
     "bad.conf:2: unknown option 'frobnicate'"},
    {"line without =", "interval 5\n", {NULL}, "bad.conf:1: expected 'key = value'"},
    {"interval not a number",
     "",
     {"--interval", "ten", NULL},
     "interval: 'ten' is not a number of seconds from 0.05 to 86400"},
    {"interval 0", "interval = 0\n", {NULL}, "interval: '0' is not a number"},
    {"negative timeout", "", {"--timeout", "-1", NULL}, "timeout: '-1' is not a number"},
    {"unknown trap class", "", {"--traps", "conn,bogus", NULL}, "traps: unknown word \"bogus\""},
    {"none with another class", "", {"--traps", "none,all", NULL}, "traps: none excludes"},
    {"trap class in the file", "traps = conn,bogus\n", {NULL}, "bad.conf:1: traps: unknown word"},
    {"fail-after 0", "fail-after = 0\n", {NULL}, "fail-after: '0' is not a number"},
    {"relative ipsec", "", {"--ipsec", "ipsec", NULL}, "ipsec: 'ipsec' is not an absolute path"},
    {"traffic without status",
     "",
     {"--traffic-file", "/tmp/t", NULL},
     "traffic-file needs status-file"},
    {"unknown option", "", {"--frobnicate", NULL}, "unknown option '--frobnicate'"},
    {"missing value", "", {"--interval", NULL}, "option '--interval' needs a value"},
    {"stray argument", "", {"extra", NULL}, "unexpected argument 'extra'"},
    {"config key in the file", "config = /etc/x\n", {NULL}, "'config' is a command-line option"},
    {"yes/no", "foreground = maybe\n", {NULL}, "foreground: 'maybe' is not yes or no"},
    {"kernel-stats word",
     "",
     {"--kernel-stats", "sometimes", NULL},
     "kernel-stats: 'sometimes' is not yes, no or auto"},
    {"ike-failures negative", "ike-failures = -1\n", {NULL}, "ike-failures: '-1' is not a number"},
};

/* Errors whose message must not be doubled: "traps: traps: ..." */
static void test_no_doubled_prefix(void **state)
{
	const char *args[] = {"agent", "-c", "/dev/null", "--traps", "conn,bogus", NULL};
	char err[512] = "";
	struct lsw_config cfg;
	enum lsw_config_action action;

	assert_int_equal(load(&cfg, args, &action, err, sizeof(err)), -1);
	assert_null(strstr(err, "traps: traps:"));
	assert_non_null(strstr(err, "traps: unknown word"));
	lsw_config_free(&cfg);
}

/* "interval = 5<NUL>garbage" was read as 5: a line with a NUL byte is an
 * error naming the file and line. */
static void test_nul_byte(void **state)
{
	static const char text[] = "timeout = 3\ninterval = 5\0garbage\n";
	char path[512], err[512] = "";
	const char *args[] = {"agent", "-c", path, NULL};
	struct lsw_config cfg;
	enum lsw_config_action action;
	FILE *f;

	snprintf(path, sizeof(path), "%s/nul.conf", tmpdir);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, sizeof(text) - 1, f), sizeof(text) - 1);
	fclose(f);
	assert_int_equal(load(&cfg, args, &action, err, sizeof(err)), -1);
	if (strstr(err, "nul.conf:2: a NUL byte in the line") == NULL)
		fail_msg("got '%s'", err);
	lsw_config_free(&cfg);
}

/* -c DIR said "read error": say it is a directory. */
static void test_config_is_directory(void **state)
{
	const char *args[] = {"agent", "-c", tmpdir, NULL};
	char err[512] = "";
	struct lsw_config cfg;
	enum lsw_config_action action;

	assert_int_equal(load(&cfg, args, &action, err, sizeof(err)), -1);
	if (strstr(err, "is a directory") == NULL || strstr(err, tmpdir) == NULL)
		fail_msg("got '%s'", err);
	lsw_config_free(&cfg);
}

static void test_errors(void **state)
{
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *bc = &bad_cases[i];
		const char *args[10] = {"agent", "-c", NULL};
		char path[512], err[512] = "";
		struct lsw_config cfg;
		enum lsw_config_action action;
		size_t n = 3;

		args[2] = write_file("bad.conf", bc->file, path, sizeof(path));
		for (size_t j = 0; bc->args[j] != NULL; j++)
			args[n++] = bc->args[j];
		args[n] = NULL;
		if (load(&cfg, args, &action, err, sizeof(err)) != -1 ||
		    strstr(err, bc->message) == NULL)
			fail_msg("%s: got error '%s', want '%s'", bc->what, err, bc->message);
		lsw_config_free(&cfg);
	}
}

/* interval: whole or fractional seconds (fractions are for tests: a
 * compressed soak polls every 0.1 s), kept in milliseconds. */
static void test_interval_values(void **state)
{
	static const struct {
		const char *value;
		int ms; /* -1: refused */
	} cases[] = {
	    {"10", 10000}, {"1", 1000},   {"86400", 86400000}, {"0.1", 100},        {"0.05", 50},
	    {"0.050", 50}, {"2.5", 2500}, {"1.25", 1250},      {"0.001", -1},       {"0.049", -1},
	    {"0", -1},     {"0.0", -1},   {"86400.001", -1},   {"86401", -1},       {"0.0501", -1},
	    {"1.", -1},    {".5", -1},    {"1,5", -1},         {"-1", -1},          {"+1", -1},
	    {" 1", -1},    {"1e3", -1},   {"4294967.296", -1}, {"99999999999", -1},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct lsw_config cfg;
		char err[256] = "";
		int rc;

		lsw_config_init(&cfg);
		rc = lsw_config_set(&cfg, "interval", cases[i].value, err, sizeof(err));
		if (cases[i].ms < 0) {
			if (rc != -1 || strstr(err, "is not a number of seconds from 0.05") == NULL)
				fail_msg("'%s': rc %d, err '%s'", cases[i].value, rc, err);
			assert_int_equal(cfg.interval_ms, LSW_DEFAULT_INTERVAL_MS);
		} else {
			if (rc != 0 || cfg.interval_ms != (unsigned)cases[i].ms)
				fail_msg("'%s': rc %d, %u ms, want %d (%s)", cases[i].value, rc,
				         cfg.interval_ms, cases[i].ms, err);
		}
		lsw_config_free(&cfg);
	}
}

/* full-interval: seconds as interval takes them, and 0 (every poll full);
 * 60 s by default. */
static void test_full_interval_values(void **state)
{
	static const struct {
		const char *value;
		int ms; /* -1: refused */
	} cases[] = {
	    {"60", 60000},       {"0", 0},     {"0.0", 0},    {"2.5", 2500},
	    {"86400", 86400000}, {"0.05", 50}, {"0.01", -1},  {"-1", -1},
	    {"86401", -1},       {"", -1},     {"sixty", -1},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct lsw_config cfg;
		char err[256] = "";
		int rc;

		lsw_config_init(&cfg);
		assert_int_equal(cfg.full_interval_ms, LSW_DEFAULT_FULL_INTERVAL * 1000);
		rc = lsw_config_set(&cfg, "full-interval", cases[i].value, err, sizeof(err));
		if (cases[i].ms < 0) {
			if (rc != -1 || strstr(err, "full-interval: ") == NULL ||
			    strstr(err, "from 0 or 0.05 to 86400") == NULL)
				fail_msg("'%s': rc %d, err '%s'", cases[i].value, rc, err);
			assert_int_equal(cfg.full_interval_ms, LSW_DEFAULT_FULL_INTERVAL * 1000);
		} else if (rc != 0 || cfg.full_interval_ms != (unsigned)cases[i].ms) {
			fail_msg("'%s': rc %d, %u ms, want %d (%s)", cases[i].value, rc,
			         cfg.full_interval_ms, cases[i].ms, err);
		}
		lsw_config_free(&cfg);
	}
}

static void test_missing_config_file(void **state)
{
	char err[512], path[512];
	const char *args[] = {"agent", "-c", NULL, NULL};
	struct lsw_config cfg;
	enum lsw_config_action action;

	/* Named with -c: an error. */
	snprintf(path, sizeof(path), "%s/nonexistent.conf", tmpdir);
	args[2] = path;
	assert_int_equal(load(&cfg, args, &action, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "nonexistent.conf: No such file or directory"));
	lsw_config_free(&cfg);
	/* The default file may be missing. */
	lsw_config_init(&cfg);
	assert_int_equal(lsw_config_read_file(&cfg, path, false, err, sizeof(err)), 0);
	assert_int_equal(cfg.interval_ms, 10000);
	lsw_config_free(&cfg);
}

static void test_help_version(void **state)
{
	const char *h[] = {"agent", "--interval", "bogus", "--help", NULL};
	const char *v[] = {"agent", "-V", NULL};
	struct lsw_config cfg;
	enum lsw_config_action action;
	char err[256];

	/* --help wins over a bad option, as users expect. */
	assert_int_equal(load(&cfg, h, &action, err, sizeof(err)), 0);
	assert_int_equal(action, LSW_CONFIG_HELP);
	lsw_config_free(&cfg);
	assert_int_equal(load(&cfg, v, &action, err, sizeof(err)), 0);
	assert_int_equal(action, LSW_CONFIG_VERSION);
	lsw_config_free(&cfg);
}

/* Relative paths are made absolute: the daemon chdir()s to / when it detaches. */
static void test_relative_paths(void **state)
{
	char cwd[4096], want[4200], err[256];
	struct lsw_config cfg;

	assert_non_null(getcwd(cwd, sizeof(cwd)));
	lsw_config_init(&cfg);
	assert_int_equal(lsw_config_set(&cfg, "status-file", "data/status.txt", err, sizeof(err)),
	                 0);
	assert_int_equal(lsw_config_set(&cfg, "traffic-file", "/abs/t.txt", err, sizeof(err)), 0);
	snprintf(want, sizeof(want), "%s/data/status.txt", cwd);
	assert_string_equal(cfg.status_file, want);
	assert_string_equal(cfg.traffic_file, "/abs/t.txt");
	lsw_config_free(&cfg);
}

/* SIGHUP parses the same argv again: the result must be the same. */
static void test_reparse_same_argv(void **state)
{
	char path[512], err[512];
	const char *args[] = {"agent",         "-c",     NULL, "--interval", "4",
	                      "--status-file", "/tmp/x", NULL};
	struct lsw_config a, b;
	enum lsw_config_action action;

	args[2] = write_file("hup.conf", "interval = 9\ntimeout = 2\n", path, sizeof(path));
	assert_int_equal(load(&a, args, &action, err, sizeof(err)), 0);
	write_file("hup.conf", "interval = 9\ntimeout = 3\n", path, sizeof(path));
	assert_int_equal(load(&b, args, &action, err, sizeof(err)), 0);
	assert_int_equal(a.interval_ms, 4000);
	assert_int_equal(b.interval_ms, 4000);
	assert_int_equal(a.timeout, 2);
	assert_int_equal(b.timeout, 3);
	assert_string_equal(b.status_file, "/tmp/x");
	lsw_config_free(&a);
	lsw_config_free(&b);
}

/* --traps LIST: the trap classes of config.h. */
static const struct {
	const char *list;
	int rc;
	unsigned mask;
	const char *err_has; /* part of the message when rc is -1 */
} trap_lists[] = {
    {"conn,collector", 0, LSW_TRAP_CONN | LSW_TRAP_COLLECTOR, NULL},
    {"all", 0, LSW_TRAP_ALL, NULL},
    {"none", 0, 0, NULL},
    {"ikesa", 0, LSW_TRAP_IKESA, NULL},
    {"ipsecsa,state", 0, LSW_TRAP_IPSECSA | LSW_TRAP_STATE, NULL},
    {" conn , ikesa ", 0, LSW_TRAP_CONN | LSW_TRAP_IKESA, NULL},
    {"conn,bogus", -1, 0, "\"bogus\""},
    {"conn,,ikesa", -1, 0, "unknown word \"\""},
    {"", -1, 0, "unknown word"},
    {"Conn", -1, 0, "\"Conn\""},
    {"conn ikesa", -1, 0, "comma"},
    /* Regression (issue 11): "none,all" was accepted. */
    {"none,all", -1, 0, "traps: none excludes the other words"},
    {"conn,none", -1, 0, "traps: none excludes the other words"},
    {"none,none", -1, 0, "traps: none excludes"},
    {" , ", -1, 0, "traps: unknown word"},
};

static void test_parse_traps(void **state)
{
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(trap_lists) / sizeof(trap_lists[0]); i++) {
		unsigned mask = 0xdead;
		char err[200] = "";
		int rc = lsw_config_parse_traps(trap_lists[i].list, &mask, err, sizeof(err));
		print_message("\"%s\" -> %d %#x %s\n", trap_lists[i].list, rc, mask, err);
		assert_int_equal(rc, trap_lists[i].rc);
		if (rc == 0)
			assert_int_equal(mask, trap_lists[i].mask);
		else
			assert_non_null(strstr(err, trap_lists[i].err_has));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_parse_traps),
	    cmocka_unit_test(test_file_then_command_line),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_no_doubled_prefix),
	    cmocka_unit_test(test_nul_byte),
	    cmocka_unit_test(test_config_is_directory),
	    cmocka_unit_test(test_missing_config_file),
	    cmocka_unit_test(test_help_version),
	    cmocka_unit_test(test_reparse_same_argv),
	    cmocka_unit_test(test_relative_paths),
	    cmocka_unit_test(test_interval_values),
	    cmocka_unit_test(test_full_interval_values),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
