/* test_feed.c - one poll's parse (agent/feed.h) without net-snmp: the same
 * snapshot whatever the size of the pieces read, a status without a final
 * newline kept apart from the trafficstatus after it, and the failure
 * rules with the message an operator reads in lsLastError; light polls
 * (showstates, connections carried over) against full ones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
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

/* ---- light polls: the states alone, connections carried over ---- */

/* The state lines of a status ("000 #N: ..." or "#N: ..."): what pluto's
 * --showstates prints (FORMATS.md §5). The caller's. */
static char *states_of(const char *status)
{
	size_t n = strlen(status), w = 0;
	char *out = malloc(n + 1);

	assert_non_null(out);
	for (const char *p = status; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p + 1) : strlen(p);
		const char *q = strncmp(p, "000 ", 4) == 0 ? p + 4 : p;

		if (q[0] == '#' && q[1] >= '0' && q[1] <= '9') {
			memcpy(out + w, p, len);
			w += len;
		}
		p += len;
	}
	out[w] = '\0';
	return out;
}

/* A light poll's snapshot: states then traffic (may be NULL) through the
 * feed, connections from base. */
static int feed_light(const struct lsw_snapshot *base, const char *states, const char *traffic,
                      struct lsw_snapshot **out, char *err, size_t errlen)
{
	struct lsw_feed *f = lsw_feed_new_states(base);

	assert_non_null(f);
	assert_int_equal(lsw_feed_status(f, states, strlen(states)), 0);
	assert_int_equal(lsw_feed_status_end(f), 0);
	if (traffic)
		assert_int_equal(lsw_feed_traffic(f, traffic, strlen(traffic)), 0);
	return lsw_feed_finish(f, out, err, errlen);
}

static struct lsw_snapshot *full_of(const char *name)
{
	char *st, *tr;
	struct lsw_snapshot *s;

	testlib_slurp_capture(name, &st, &tr);
	s = testlib_feed(st, tr);
	free(st);
	free(tr);
	return s;
}

static struct lsw_snapshot *light_of(const struct lsw_snapshot *base, const char *name)
{
	char err[256];
	char *st, *tr, *states;
	struct lsw_snapshot *s;

	testlib_slurp_capture(name, &st, &tr);
	states = states_of(st);
	if (feed_light(base, states, tr, &s, err, sizeof(err)) < 0)
		fail_msg("light poll of %s: %s", name, err);
	free(st);
	free(tr);
	free(states);
	return s;
}

/* What a light snapshot must have as a full one of the same moment: the
 * same connections, and the same of all that derives from the SAs. */
static void assert_same_conns(const struct lsw_snapshot *light, const struct lsw_snapshot *full,
                              const char *what)
{
	assert_false(light->full);
	assert_true(full->full);
	assert_int_equal(light->n_connections, full->n_connections);
	assert_int_equal(light->n_ike_sas, full->n_ike_sas);
	assert_int_equal(light->n_child_sas, full->n_child_sas);
	for (size_t i = 0; i < full->n_connections; i++) {
		const struct lsw_connection *f = &full->connections[i], *l = &light->connections[i];

		testlib_str_eq(what, l->name, f->name);
		testlib_str_eq(what, l->instance, f->instance);
		/* not the policy, routing and admin status: they come from the
		 * full listing, and a terminate (uml-05) drops +UP there, which
		 * a light poll does not see (README: freshness) */
		testlib_str_eq(what, l->remote_host, f->remote_host);
		testlib_str_eq(what, l->remote_id, f->remote_id);
		if (l->oper != f->oper || l->n_ike_sas != f->n_ike_sas ||
		    l->n_child_sas != f->n_child_sas || l->in_bytes != f->in_bytes ||
		    l->out_bytes != f->out_bytes || l->newest_ike_sa != f->newest_ike_sa ||
		    l->newest_child_sa != f->newest_child_sa ||
		    l->eroute_owner != f->eroute_owner || l->kind != f->kind)
			fail_msg(
			    "%s: \"%s\"%s: light oper %d sas %zu/%zu bytes %llu newest #%u/#%u "
			    "eroute #%u, full oper %d sas %zu/%zu bytes %llu newest #%u/#%u "
			    "eroute #%u",
			    what, f->name, f->instance, l->oper, l->n_ike_sas, l->n_child_sas,
			    (unsigned long long)l->in_bytes, l->newest_ike_sa, l->newest_child_sa,
			    l->eroute_owner, f->oper, f->n_ike_sas, f->n_child_sas,
			    (unsigned long long)f->in_bytes, f->newest_ike_sa, f->newest_child_sa,
			    f->eroute_owner);
	}
	for (size_t i = 0; i < full->n_child_sas; i++) {
		assert_int_equal(light->child_sas[i].sa.serial, full->child_sas[i].sa.serial);
		assert_ptr_not_equal(light->child_sas[i].sa.conn, NULL);
		assert_int_equal(light->child_sas[i].in_bytes, full->child_sas[i].in_bytes);
	}
}

/* The events of old -> cur as "type serial connection" lines. */
static char *events_of(const struct lsw_snapshot *old, const struct lsw_snapshot *cur)
{
	struct lsw_diff_event *ev;
	size_t n, w = 0;
	char *out = malloc(8192);

	assert_non_null(out);
	out[0] = '\0';
	assert_int_equal(lsw_diff(old, cur, &ev, &n), 0);
	for (size_t i = 0; i < n; i++)
		w += (size_t)snprintf(out + w, 8192 - w, "%s #%u %s%s old=%d new=%d\n",
		                      lsw_diff_type_name(ev[i].type), ev[i].serial,
		                      ev[i].connection ? ev[i].connection : "-", ev[i].instance,
		                      ev[i].old_oper, ev[i].new_oper);
	lsw_diff_free(ev);
	return out;
}

/* The real UML captures up -> rekeyed -> terminated, each as a light poll
 * carried over from the first full one: the connections stay, what
 * derives from the SAs (oper, counts, bytes, newest, eroute owner) is what
 * the full listing of the same moment says, no full poll is asked for, and
 * the diff (the traps) is the same as between full polls. */
static void test_light_matches_full(void **state)
{
	static const char *const steps[] = {"uml-03-up.west", "uml-04-rekeyed.west",
	                                    "uml-05-terminated.west"};
	struct lsw_snapshot *base = full_of(steps[0]);
	struct lsw_snapshot *prev_full = full_of(steps[0]), *prev_light = full_of(steps[0]);

	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		struct lsw_snapshot *full = full_of(steps[i]);
		struct lsw_snapshot *light = light_of(prev_light, steps[i]);
		char *ef, *el;

		assert_same_conns(light, full, steps[i]);
		assert_false(lsw_feed_wants_full(prev_light, light));
		ef = events_of(prev_full, full);
		el = events_of(prev_light, light);
		testlib_str_eq(steps[i], el, ef);
		free(ef);
		free(el);
		lsw_snapshot_free(prev_full);
		lsw_snapshot_free(prev_light);
		prev_full = full;
		prev_light = light;
	}
	lsw_snapshot_free(prev_full);
	lsw_snapshot_free(prev_light);
	lsw_snapshot_free(base);
}

/* Connections a light poll with no state keeps: all but the instances
 * that had SAs (pluto deletes an instance no state uses). */
static size_t kept_without_states(const struct lsw_snapshot *full)
{
	size_t n = 0;

	for (size_t i = 0; i < full->n_connections; i++) {
		const struct lsw_connection *c = &full->connections[i];

		if (!(c->instance[0] && c->n_ike_sas + c->n_child_sas > 0))
			n++;
	}
	return n;
}

/* No states at all (pluto printed nothing, whack exited 0): every
 * connection is still there, down, with no SA, but for the instance
 * "v2-rw"[1], which lost its SAs (pluto deletes it with them); the diff
 * says down, not gone. Totals and version are the full poll's. */
static void test_light_no_states(void **state)
{
	struct lsw_snapshot *full = full_of("uml-03-up.west"), *light;
	struct lsw_diff_event *ev;
	size_t n;
	char err[256];

	assert_int_equal(feed_light(full, "", "", &light, err, sizeof(err)), 0);
	assert_false(light->full);
	assert_non_null(lsw_snapshot_find_connection(full, "v2-rw", "[1]"));
	assert_null(lsw_snapshot_find_connection(light, "v2-rw", "[1]"));
	assert_non_null(lsw_snapshot_find_connection(light, "v2-rw", ""));
	assert_int_equal(light->n_connections, full->n_connections - 1);
	assert_int_equal(light->n_connections, kept_without_states(full));
	assert_int_equal(light->n_ike_sas + light->n_child_sas, 0);
	assert_int_equal(light->totals.conns_loaded, full->totals.conns_loaded);
	for (size_t i = 0; i < light->n_connections; i++) {
		assert_int_equal(light->connections[i].oper, LSW_CONN_DOWN);
		assert_int_equal(light->connections[i].newest_ike_sa, 0);
	}
	assert_int_equal(lsw_diff(full, light, &ev, &n), 0);
	for (size_t i = 0; i < n; i++) {
		/* every connection event names a row that is still there, or
		 * the instance pluto deleted */
		if (ev[i].type == LSW_EV_CONN_DOWN &&
		    !lsw_snapshot_find_connection(light, ev[i].connection, ev[i].instance))
			testlib_str_eq("dropped", ev[i].instance, "[1]");
	}
	lsw_diff_free(ev);
	lsw_snapshot_free(light);
	lsw_snapshot_free(full);
}

/* A state of a connection the listing does not have (added since the last
 * full poll) asks for a full poll at once, once: a light poll after it
 * that still finds it without a connection does not ask again. So does a
 * pluto restart (serials from 1 again). */
static void test_light_wants_full(void **state)
{
	static const char newconn[] =
	    "000 #40: \"added-later\":500 STATE_V2_ESTABLISHED_IKE_SA (established IKE SA); "
	    "REKEY in 3000s; newest; idle;\n";
	static const char restarted[] =
	    "000 #1: \"v2-tunnel\":500 STATE_V2_ESTABLISHED_IKE_SA (established IKE SA); "
	    "REKEY in 3000s; newest; idle;\n";
	struct lsw_snapshot *full = full_of("uml-03-up.west"), *l1, *l2, *l3;
	char err[256];

	assert_int_equal(feed_light(full, newconn, NULL, &l1, err, sizeof(err)), 0);
	assert_null(l1->ike_sas[0].sa.conn);
	assert_true(lsw_feed_wants_full(full, l1));
	assert_int_equal(feed_light(l1, newconn, NULL, &l2, err, sizeof(err)), 0);
	assert_false(lsw_feed_wants_full(l1, l2));
	assert_int_equal(feed_light(full, restarted, NULL, &l3, err, sizeof(err)), 0);
	assert_true(lsw_feed_wants_full(full, l3));
	assert_true(lsw_feed_wants_full(NULL, l3));
	lsw_snapshot_free(l1);
	lsw_snapshot_free(l2);
	lsw_snapshot_free(l3);
	lsw_snapshot_free(full);
}

/* The failure rules of a light poll, with what lsLastError would say. */
static void test_light_failures(void **state)
{
	static const struct {
		const char *states;
		const char *want; /* a piece of the error, NULL: a good poll */
	} cases[] = {
	    {"", NULL},
	    {"000  \n", NULL},
	    {"garbage\n\x01\x02 more garbage\n", "none of the 2 lines of whack --showstates"},
	    {"whack: Pluto is not running (no \"/run/pluto/pluto.ctl\")\n",
	     "no state found in the 1 lines of whack --showstates: whack: Pluto is not"},
	    {"000 Total IPsec connections: loaded 6, active 1\nnonsense here\n",
	     "no state found in the 2 lines of whack --showstates: 000 Total"},
	    {"000  \n \n\n000\n", NULL},
	    {"000 #2: \"v2-tunnel\":500 STATE_V2_ESTABLISHED_IKE_SA (established IKE SA); "
	     "newest; idle;\nnonsense here\n",
	     NULL},
	};
	struct lsw_snapshot *full = full_of("uml-03-up.west");

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct lsw_snapshot *s = NULL;
		char err[256] = "";
		int rc = feed_light(full, cases[i].states, NULL, &s, err, sizeof(err));

		if (cases[i].want == NULL) {
			if (rc != 0)
				fail_msg("case %zu: failed: %s", i, err);
			assert_int_equal(s->n_connections, kept_without_states(full));
		} else if (rc == 0 || !strstr(err, cases[i].want)) {
			fail_msg("case %zu: rc %d, err '%s', want '%s'", i, rc, err, cases[i].want);
		}
		lsw_snapshot_free(s);
	}
	lsw_snapshot_free(full);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pieces),
	    cmocka_unit_test(test_no_final_newline),
	    cmocka_unit_test(test_failures),
	    cmocka_unit_test(test_abandon),
	    cmocka_unit_test(test_light_matches_full),
	    cmocka_unit_test(test_light_no_states),
	    cmocka_unit_test(test_light_wants_full),
	    cmocka_unit_test(test_light_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
