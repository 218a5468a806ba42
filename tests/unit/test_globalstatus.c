/* test_globalstatus.c - `ipsec whack --globalstatus` (parser/globalstatus.h):
 * the real outputs in tests/data/globalstatus/ (libreswan's test suite,
 * 4.10 and 5.4, and this project's own plutos, 4.10), the prefixes of
 * older releases, and what must not be taken for a counter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "globalstatus.h"
#include "testlib.h"

struct want {
	const char *name;
	uint64_t value;
};

struct file_case {
	const char *file;
	size_t lines;
	struct want want[8]; /* up to the first {NULL} */
	const char *absent;  /* a name this release does not print, or NULL */
};

/* Values read from the files with grep. */
static const struct file_case files[] = {
    {"v4.10__whack-02-globalstatus__west__1.txt",
     550,
     {{"config.setup.ike.ddos_threshold", 25000},
      {"current.states.all", 0},
      {"total.ike.ikev2.established", 0},
      {"total.ikev2.recv.notifies.error.AUTHENTICATION_FAILED", 0},
      {"total.ikev2.recv.notifies.status.other", 0}},
     "total.ipsec.esp.traffic.in"}, /* per-protocol traffic is 5.x */
    {"v5.4__whack-globalstatus-01__west__1.txt",
     539,
     {{"config.setup.ike.max_halfopen", 50000},
      {"total.ipsec.esp.traffic.in", 0},
      {"total.ike.ikev1.dropped", 0},
      {"total.ike.ikev2.established", 0},
      {"total.ikev2.recv.notifies.error.AUTHENTICATION_FAILED", 0}},
     "current.states.enumerate.STATE_MAIN_R0x"},
    /* a test that greps two lines out (partial) */
    {"v5.4__ikev1-policy-03-stats__east__2.txt",
     2,
     {{"total.ike.ikev1.dropped", 1}, {"total.ike.mangled", 0}},
     "total.ike.ikev2.established"},
    /* tests/e2e/capture-globalstatus.sh: 4 IKEv2 + 1 IKEv1 IKE SAs up */
    {"real-4.10-ns-03-up.west.txt",
     551,
     {{"current.states.ike", 5},
      {"current.states.enumerate.STATE_V2_ESTABLISHED_IKE_SA", 4},
      {"total.ike.ikev2.established", 4},
      {"total.ike.ikev1.established", 1},
      {"total.ike.traffic.in", 3617},
      {"total.ike.traffic.out", 7027},
      {"total.total.pluto.stf.STF_OK", 14}, /* sic: 4.10 doubles "total." */
      {"total.ikev2.recv.notifies.error.AUTHENTICATION_FAILED", 0}},
     "total.ikev2.ike.finished.auth-failed"}, /* printed only when non-zero */
    /* then west initiates with an ID east does not know, twice */
    {"real-4.10-ns-09-authfailed.west.txt",
     552,
     {{"total.ikev2.recv.notifies.error.AUTHENTICATION_FAILED", 2},
      {"total.ikev2.sent.notifies.error.AUTHENTICATION_FAILED", 0},
      {"total.ikev2.ike.finished.auth-failed", 2},
      {"total.ike.ikev2.failed", 2},
      {"total.ike.ikev2.established", 4},
      {"total.ike.traffic.in", 4627}},
     NULL},
    {"real-4.10-ns-09-authfailed.east.txt",
     552,
     {{"total.ikev2.sent.notifies.error.AUTHENTICATION_FAILED", 2},
      {"total.ikev2.recv.notifies.error.AUTHENTICATION_FAILED", 0},
      {"total.ike.ikev2.failed", 2},
      {"total.ike.traffic.in", 9969}},
     NULL},
};

static struct lsw_globalstatus *parse_ok(const char *text, size_t len)
{
	struct lsw_globalstatus *g = NULL;
	char err[128];

	if (lsw_globalstatus_parse(text, len, &g, err, sizeof(err)) != 0)
		fail_msg("parse failed: %s", err);
	assert_non_null(g);
	return g;
}

/* Sorted, no name twice, every item found by its name. */
static void check_items(const struct lsw_globalstatus *g)
{
	assert_non_null(g->items);
	for (size_t i = 0; i < g->n; i++) {
		uint64_t v = ~(uint64_t)0;

		if (i > 0 && strcmp(g->items[i - 1].name, g->items[i].name) >= 0)
			fail_msg("not sorted at %zu: %s, %s", i, g->items[i - 1].name,
			         g->items[i].name);
		assert_true(lsw_globalstatus_get(g, g->items[i].name, &v));
		assert_true(v == g->items[i].value);
	}
}

static void test_files(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		const struct file_case *fc = &files[i];
		size_t len;
		char *text = testlib_slurp_data("globalstatus", fc->file, &len);
		struct lsw_globalstatus *g = parse_ok(text, len);

		print_message("%s\n", fc->file);
		assert_int_equal(g->lines, fc->lines);
		assert_int_equal(g->unparsed, 0);
		assert_int_equal(g->n, fc->lines); /* one name per line, none twice */
		check_items(g);
		for (const struct want *w = fc->want; w < fc->want + 8 && w->name; w++) {
			uint64_t v = ~(uint64_t)0;

			if (!lsw_globalstatus_get(g, w->name, &v))
				fail_msg("%s: no %s", fc->file, w->name);
			if (v != w->value)
				fail_msg("%s: %s is %llu, not %llu", fc->file, w->name,
				         (unsigned long long)v, (unsigned long long)w->value);
		}
		if (fc->absent)
			assert_false(lsw_globalstatus_get(g, fc->absent, NULL));
		lsw_globalstatus_free(g);
		free(text);
	}
}

/* The real 4.10 text with each line prefixed as an older release printed
 * it: the same items. */
static void test_prefixes(void **state)
{
	(void)state;
	static const char *const prefixes[] = {
	    "000 ",  /* 3.22 - 3.29: RC_COMMENT */
	    "000 #", /* 3.20, 3.21 */
	    "006 ",  /* any code */
	};
	size_t len;
	char *text =
	    testlib_slurp_data("globalstatus", "real-4.10-ns-09-authfailed.west.txt", &len);
	struct lsw_globalstatus *plain = parse_ok(text, len);

	for (size_t k = 0; k < sizeof(prefixes) / sizeof(prefixes[0]); k++) {
		size_t plen = strlen(prefixes[k]), n = 0;
		char *buf = malloc(len + plain->lines * plen + 1);

		assert_non_null(buf);
		for (const char *s = text; s < text + len;) {
			const char *nl = memchr(s, '\n', (size_t)(text + len - s));
			size_t l = nl ? (size_t)(nl - s) + 1 : (size_t)(text + len - s);

			memcpy(buf + n, prefixes[k], plen);
			memcpy(buf + n + plen, s, l);
			n += plen + l;
			s += l;
		}
		struct lsw_globalstatus *g = parse_ok(buf, n);

		print_message("prefix \"%s\"\n", prefixes[k]);
		assert_int_equal(g->unparsed, 0);
		assert_int_equal(g->n, plain->n);
		for (size_t i = 0; i < g->n; i++) {
			assert_string_equal(g->items[i].name, plain->items[i].name);
			assert_true(g->items[i].value == plain->items[i].value);
		}
		lsw_globalstatus_free(g);
		free(buf);
	}
	lsw_globalstatus_free(plain);
	free(text);
}

/* -1 and an error that says what was read: nothing was a counter. */
static void test_nothing_understood(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		size_t len; /* 0: strlen */
		const char *err;
	} cases[] = {
	    {"", 0, "empty text"},
	    {"\n\n  \n000\n000 \n", 0, "only blank lines"},
	    {"whack: Pluto is not running (no \"/run/pluto/pluto.ctl\")\n", 0,
	     "\"whack: Pluto is not running (no \"/run/pluto/pluto.ctl\")\""},
	    /* --status fed by mistake */
	    {"000 using kernel interface: xfrm\n000 \n000 interface lo UDP 127.0.0.1:4500\n", 0,
	     "in 3 lines"},
	    {"\x7f\x45\x4c\x46\x02\x01\x01\0\0\0=\0\n", 13, "\"?ELF???"},
	    {"=5\nname=\nname=-1\nname=+1\nname=0x10\nname=1 2\nna me=1\nname=1s\n", 0,
	     "the first: \"=5\""},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct lsw_globalstatus *g = (struct lsw_globalstatus *)&g; /* must be reset */
		char err[128];
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].text);

		print_message("case %zu\n", i);
		assert_int_equal(lsw_globalstatus_parse(cases[i].text, len, &g, err, sizeof(err)),
		                 -1);
		assert_null(g);
		if (!strstr(err, cases[i].err))
			fail_msg("error \"%s\" does not say \"%s\"", err, cases[i].err);
	}
	/* what the real whack printed before pluto ran */
	struct lsw_globalstatus *g = NULL;
	char tiny[4] = "xxx", err[128];
	size_t len;
	char *text = testlib_slurp_data("globalstatus", "real-4.10-ns-00-nopluto.west.txt", &len);

	assert_int_equal(lsw_globalstatus_parse(text, len, &g, err, sizeof(err)), -1);
	assert_null(g);
	assert_non_null(strstr(err, "in 1 lines (the first: \"whack: Pluto is not running"));
	free(text);
	/* no text at all, no room for an error */

	assert_int_equal(lsw_globalstatus_parse(NULL, 0, &g, NULL, 0), -1);
	assert_int_equal(lsw_globalstatus_parse("junk", 4, &g, tiny, sizeof(tiny)), -1);
	assert_int_equal(strlen(tiny), 3); /* cut, terminated */
	assert_null(g);
}

/* Bad lines among good ones are counted and skipped. */
static void test_bad_lines(void **state)
{
	(void)state;
	char name96[97], name97[98];
	char *huge = malloc(200001);

	assert_non_null(huge);
	memset(name96, 'n', 96);
	name96[96] = '\0';
	memset(name97, 'n', 97);
	name97[97] = '\0';
	memset(huge, 'x', 200000);
	huge[100000] = '=';
	huge[200000] = '\0';

	size_t cap = 400000;
	char *text = malloc(cap);

	assert_non_null(text);
	int n = snprintf(text, cap,
	                 "total.max=18446744073709551615\n"
	                 "total.over=18446744073709551616\n"
	                 "total.way.over=99999999999999999999999\n"
	                 "total.zeros=000000000000000000000000000000042\n"
	                 "%s=96\n"
	                 "%s=97\n"
	                 "%s\n"
	                 "total.tab\t=1\n"
	                 "total.ctl\x01=1\n"
	                 "total.utf8.\xc3\xa9=1\n"
	                 "total.crlf=7\r\n"
	                 "total.trailing=8   \n"
	                 "total.dup=1\n"
	                 "total.a=1\n"
	                 "total.dup=2\n"
	                 "\n"
	                 "total.dup=3\n"
	                 "total.last=9",
	                 name96, name97, huge);

	assert_true(n > 0 && (size_t)n < cap);
	struct lsw_globalstatus *g = parse_ok(text, (size_t)n);
	uint64_t v;

	check_items(g);
	assert_int_equal(g->lines, 18);
	/* over, way.over, name97, huge, tab, ctl, utf8 */
	assert_int_equal(g->unparsed, 7);
	assert_int_equal(g->n, 8); /* max, zeros, name96, crlf, trailing, dup, a, last */
	assert_true(lsw_globalstatus_get(g, "total.max", &v) && v == UINT64_MAX);
	assert_false(lsw_globalstatus_get(g, "total.over", &v));
	assert_false(lsw_globalstatus_get(g, "total.way.over", &v));
	assert_true(lsw_globalstatus_get(g, "total.zeros", &v) && v == 42);
	assert_true(lsw_globalstatus_get(g, name96, &v) && v == 96);
	assert_false(lsw_globalstatus_get(g, name97, &v));
	assert_true(lsw_globalstatus_get(g, "total.crlf", &v) && v == 7);
	assert_true(lsw_globalstatus_get(g, "total.trailing", &v) && v == 8);
	assert_true(lsw_globalstatus_get(g, "total.dup", &v) && v == 3); /* the last */
	assert_true(lsw_globalstatus_get(g, "total.a", &v) && v == 1);
	assert_true(lsw_globalstatus_get(g, "total.last", &v) && v == 9); /* no newline */
	assert_false(lsw_globalstatus_get(g, "total", &v));
	assert_false(lsw_globalstatus_get(g, "total.las", &v));
	assert_false(lsw_globalstatus_get(g, "total.lastt", &v));
	assert_false(lsw_globalstatus_get(g, "", &v));
	assert_false(lsw_globalstatus_get(g, NULL, &v));
	assert_false(lsw_globalstatus_get(NULL, "total.a", &v));
	assert_true(lsw_globalstatus_get(g, "total.a", NULL));
	lsw_globalstatus_free(g);
	lsw_globalstatus_free(NULL);
	free(text);
	free(huge);
}

/* The text ends where len says, not at a NUL: fuzz_parser found the value
 * of a last line without newline read past the buffer (crash-4e2fd34d,
 * ending in "current.states.enumerate.STATE_MODE_CFG_R2="). */
static void test_no_nul_after_text(void **state)
{
	(void)state;
	static const char line[] = "total.ike.ikev2.established=1234";
	char *buf = malloc(sizeof(line) - 1); /* exactly the bytes, ASan guards the end */
	uint64_t v;

	assert_non_null(buf);
	memcpy(buf, line, sizeof(line) - 1);
	struct lsw_globalstatus *g = parse_ok(buf, sizeof(line) - 1);

	assert_true(lsw_globalstatus_get(g, "total.ike.ikev2.established", &v) && v == 1234);
	lsw_globalstatus_free(g);
	g = parse_ok(buf, sizeof(line) - 3); /* "...=12" */
	assert_true(lsw_globalstatus_get(g, "total.ike.ikev2.established", &v) && v == 12);
	lsw_globalstatus_free(g);
	/* the case of the crash: "total.ike.ikev2.established=" at the very end */
	assert_int_equal(lsw_globalstatus_parse(buf, sizeof(line) - 5, &g, NULL, 0), -1);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_files),
	    cmocka_unit_test(test_prefixes),
	    cmocka_unit_test(test_nothing_understood),
	    cmocka_unit_test(test_bad_lines),
	    cmocka_unit_test(test_no_nul_after_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
