/* test_feed.c - one poll's parse (agent/feed.h) without net-snmp: the same
 * snapshot whatever the size of the pieces read, a status without a final
 * newline kept apart from the trafficstatus after it, and the failure
 * rules with the message an operator reads in lsLastError. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feed.h"
#include "testlib.h"

/* Feed status then traffic in pieces of size step (0: whole). */
static int feed_pieces(const char *st, size_t st_len, const char *tr, size_t tr_len, size_t step,
                       struct lsw_snapshot **out, char *err, size_t errlen)
{
	struct lsw_feed *f = lsw_feed_new();

	assert_non_null(f);
	for (size_t i = 0; i < st_len; i += step ? step : st_len) {
		size_t n = step && st_len - i > step ? step : st_len - i;

		assert_int_equal(lsw_feed_status(f, st + i, n), 0);
	}
	assert_int_equal(lsw_feed_status_end(f), 0);
	for (size_t i = 0; i < tr_len; i += step ? step : tr_len) {
		size_t n = step && tr_len - i > step ? step : tr_len - i;

		assert_int_equal(lsw_feed_traffic(f, tr + i, n), 0);
	}
	return lsw_feed_finish(f, out, err, errlen);
}

/* The real output of one poll of the namespace tier, read 1, 7, 100 and
 * 4096 bytes at a time: the snapshot of the whole text every time. */
static void test_pieces(void **state)
{
	static const size_t steps[] = {1, 7, 100, 4096};
	size_t sl, tl;
	char *st = testlib_slurp_data("agent", "ns-03-up.west.status.txt", &sl);
	char *tr = testlib_slurp_data("agent", "ns-03-up.west.trafficstatus.txt", &tl);
	struct lsw_snapshot *whole, *s;
	char err[256];

	assert_int_equal(lsw_feed_parse(st, sl, tr, tl, &whole, err, sizeof(err)), 0);
	assert_int_equal(whole->n_connections, 6);
	assert_int_equal(whole->unparsed, 0);
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		assert_int_equal(feed_pieces(st, sl, tr, tl, steps[i], &s, err, sizeof(err)), 0);
		assert_int_equal(s->lines, whole->lines);
		assert_int_equal(s->unparsed, whole->unparsed);
		assert_int_equal(s->n_connections, whole->n_connections);
		assert_int_equal(s->n_ike_sas, whole->n_ike_sas);
		assert_int_equal(s->n_child_sas, whole->n_child_sas);
		lsw_snapshot_free(s);
	}
	lsw_snapshot_free(whole);
	free(st);
	free(tr);
}

/* A status cut before its final newline: the trafficstatus line after it
 * is a line of its own, not the end of "Total IPsec connections". */
static void test_no_final_newline(void **state)
{
	static const char st[] = "000 Total IPsec connections: loaded 1, active 0";
	static const char tr[] = "006 #2: \"c\", type=ESP, add_time=1234567890, inBytes=84, "
	                         "outBytes=84, maxBytes=2^63B, id='@east'\n";
	struct lsw_snapshot *s;
	char err[256];

	assert_int_equal(lsw_feed_parse(st, strlen(st), tr, strlen(tr), &s, err, sizeof(err)), 0);
	assert_int_equal(s->lines, 2);
	assert_int_equal(s->totals.conns_loaded, 1);
	lsw_snapshot_free(s);
}

/* Each failure rule and the message it leaves. */
static void test_failures(void **state)
{
	static const struct {
		const char *what, *status, *traffic, *message;
	} cases[] = {
	    {"empty", "", NULL, "the status output is empty"},
	    {"only traffic", "", "006 #2: \"c\", type=ESP, inBytes=1, outBytes=1\n",
	     "the status output is empty"},
	    {"garbage", "\x01\x02 garbage\nconnect: Connection refused\n", NULL,
	     "none of the 2 lines of the output was understood"},
	    {"not a status", "whack: Pluto is not running (no \"/run/pluto/pluto.ctl\")\n", NULL,
	     "no connection, SA or total found in 1 lines: whack: Pluto is not running (no "
	     "\"/run/pluto/pluto.ctl\")"},
	    {"first line cut at 80",
	     "whack: Pluto is not running (no "
	     "\"/run/pluto/a-very-long-directory-name-that-goes-on-and-on/pluto.ctl\")\n",
	     NULL,
	     "in 1 lines: whack: Pluto is not running (no "
	     "\"/run/pluto/a-very-long-directory-name-that-goes"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct lsw_snapshot *s = (void *)1;
		char err[256] = "";
		const char *tr = cases[i].traffic;
		int rc = lsw_feed_parse(cases[i].status, strlen(cases[i].status), tr,
		                        tr ? strlen(tr) : 0, &s, err, sizeof(err));

		print_message("%s: %s\n", cases[i].what, err);
		assert_int_equal(rc, -1);
		assert_null(s);
		/* The message ends with the expected text: nothing after it. */
		if (strlen(err) < strlen(cases[i].message) ||
		    strcmp(err + strlen(err) - strlen(cases[i].message), cases[i].message) != 0)
			fail_msg("%s: '%s'", cases[i].what, err);
	}
}

/* A feed dropped half way (a failed or killed poll) frees all it holds. */
static void test_abandon(void **state)
{
	struct lsw_feed *f = lsw_feed_new();

	assert_non_null(f);
	assert_int_equal(lsw_feed_status(f, "000 Total IPsec connections: loa", 32), 0);
	lsw_feed_free(f);
	lsw_feed_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pieces),
	    cmocka_unit_test(test_no_final_newline),
	    cmocka_unit_test(test_failures),
	    cmocka_unit_test(test_abandon),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
