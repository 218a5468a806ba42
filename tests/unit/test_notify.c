/* test_notify.c - the event ring, and the notifier's
 * bookkeeping (filter, rate limit, collector storm) without snmpd: with no
 * trap sink configured send_v2trap() goes nowhere, the counters still count. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "events.h"
#include "mib_events.h"
#include "notify.h"
#include "parser.h"

static void add_n(struct lsw_events *ev, int n, const char *conn)
{
	struct lsw_event_rec rec;
	int i;
	memset(&rec, 0, sizeof(rec));
	rec.type = LSW_EV_CONN_UP;
	rec.connection = conn;
	for (i = 0; i < n; i++)
		assert_non_null(lsw_events_add(ev, &rec));
}

static void test_ring(void **state)
{
	struct lsw_events *ev = lsw_events_new(3);
	const struct lsw_event_rec *r;
	(void)state;

	assert_non_null(ev);
	assert_int_equal(lsw_events_last_index(ev), 0);
	assert_null(lsw_events_next(ev, 0));
	add_n(ev, 2, "a");
	r = lsw_events_get(ev, 1);
	assert_non_null(r);
	assert_string_equal(r->connection, "a");
	assert_string_equal(r->instance, ""); /* NULL becomes "" */
	add_n(ev, 3, "b");                    /* 5 recorded, 3 kept: 3, 4, 5 */
	assert_int_equal(lsw_events_last_index(ev), 5);
	assert_int_equal(lsw_events_count(ev), 3);
	assert_null(lsw_events_get(ev, 2));
	assert_int_equal(lsw_events_next(ev, 0)->index, 3);
	assert_int_equal(lsw_events_next(ev, 2)->index, 3);
	assert_int_equal(lsw_events_next(ev, 3)->index, 4);
	assert_null(lsw_events_next(ev, 5));
	assert_null(lsw_events_get(ev, 6));
	/* Shrinking keeps the newest; indexes go on. */
	assert_int_equal(lsw_events_resize(ev, 2), 0);
	assert_int_equal(lsw_events_next(ev, 0)->index, 4);
	assert_int_equal(lsw_events_resize(ev, 10), 0);
	add_n(ev, 1, "c");
	assert_int_equal(lsw_events_get(ev, 6)->index, 6);
	assert_string_equal(lsw_events_get(ev, 6)->connection, "c");
	assert_int_equal(lsw_events_next(ev, 0)->index, 4);
	lsw_events_free(ev);
}

/* lsEventTable through the shared table handler's answer: GET by index,
 * GETNEXT from before the table, from a row, from past an index (5.3),
 * from a row that fell out of the ring, and the DateAndTime form. */
static void test_event_table(void **state)
{
	struct lsw_events *ev = lsw_events_new(3);
	const struct lsw_table_ops *ops = &lsw_events_table_ops;
	oid name[MAX_OID_LEN], out[MAX_OID_LEN];
	size_t el = ops->entry_len, olen;
	struct lsw_value val;
	static const struct {
		oid col, idx[2];
		size_t idx_len;
		bool next;
		int rc;
		oid want_col, want_idx;
	} cases[] = {
	    {LSW_EVENT_TYPE, {3}, 1, false, 0, LSW_EVENT_TYPE, 3},
	    {LSW_EVENT_TYPE, {2}, 1, false, -1, 0, 0}, /* fell out */
	    {LSW_EVENT_TYPE, {6}, 1, false, -1, 0, 0},
	    {LSW_EVENT_TYPE, {3, 1}, 2, false, -1, 0, 0},
	    {LSW_EVENT_TYPE, {0}, 0, true, 0, LSW_EVENT_TYPE, 3},
	    {LSW_EVENT_TYPE, {1}, 1, true, 0, LSW_EVENT_TYPE, 3},
	    {LSW_EVENT_TYPE, {3}, 1, true, 0, LSW_EVENT_TYPE, 4},
	    {LSW_EVENT_TYPE, {4, 9}, 2, true, 0, LSW_EVENT_TYPE, 5},
	    {LSW_EVENT_TYPE, {5}, 1, true, 0, LSW_EVENT_CONN_NAME, 3},
	    {LSW_EVENT_NOTIFIED, {5}, 1, true, 0, LSW_EVENT_CONN_REMOTE_ID, 3},
	    {LSW_EVENT_CONN_REMOTE_ID, {5}, 1, true, -1, 0, 0},
	};
	(void)state;

	add_n(ev, 5, "a"); /* 3, 4, 5 kept */
	memcpy(name, ops->entry, el * sizeof(oid));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc;

		name[el] = cases[i].col;
		memcpy(name + el + 1, cases[i].idx, cases[i].idx_len * sizeof(oid));
		rc = lsw_table_answer(ops, ev, name, el + 1 + cases[i].idx_len,
		                      (unsigned)cases[i].col, cases[i].next, out, &olen, &val);
		print_message("case %zu: %d\n", i, rc);
		assert_int_equal(rc, cases[i].rc);
		if (rc < 0)
			continue;
		assert_int_equal(olen, el + 2);
		assert_int_equal(out[el], cases[i].want_col);
		assert_int_equal(out[el + 1], cases[i].want_idx);
	}
	/* An empty ring: nothing, and lsEventLastIndex 0 comes from the ring. */
	lsw_events_free(ev);
	ev = lsw_events_new(3);
	name[el] = LSW_EVENT_TYPE;
	assert_int_equal(
	    lsw_table_answer(ops, ev, name, el + 1, LSW_EVENT_TYPE, true, out, &olen, &val), -1);
	lsw_events_free(ev);
}

/* One DateAndTime encoding: 11 octets, UTC (+0:0). 2026-11-26 22:28:06. */
static void test_event_date(void **state)
{
	struct lsw_event_rec rec;
	struct lsw_value val;
	static const uint8_t want[11] = {0x07, 0xea, 11, 26, 22, 28, 6, 0, '+', 0, 0};
	(void)state;

	memset(&rec, 0, sizeof(rec));
	rec.when = 1795732086;
	assert_int_equal(lsw_event_value(&rec, LSW_EVENT_DATE_AND_TIME, &val), 0);
	assert_int_equal(val.type, ASN_OCTET_STR);
	assert_int_equal(val.len, 11);
	assert_memory_equal(val.str, want, 11);
	assert_int_equal(lsw_event_value(&rec, LSW_EVENT_INDEX, &val), -1);
	/* A collector event: the SA and connection columns do not apply and
	 * have no instance (no none(0)). */
	rec.type = LSW_EV_COLLECTOR_FAILED;
	assert_int_equal(lsw_event_value(&rec, LSW_EVENT_SA_TYPE, &val), -1);
	assert_int_equal(lsw_event_value(&rec, LSW_EVENT_OLD_STATE, &val), -1);
	assert_int_equal(lsw_event_value(&rec, LSW_EVENT_NEW_STATE, &val), -1);
	assert_int_equal(lsw_event_value(&rec, LSW_EVENT_OLD_OPER_STATUS, &val), -1);
	assert_int_equal(lsw_event_value(&rec, LSW_EVENT_NEW_OPER_STATUS, &val), -1);
	rec.sa_type = LSW_EVENT_SA_IPSEC;
	rec.old_state = LSW_SA_ESTABLISHED;
	assert_int_equal(lsw_event_value(&rec, LSW_EVENT_SA_TYPE, &val), 0);
	assert_int_equal(val.num, 2);
	assert_int_equal(lsw_event_value(&rec, LSW_EVENT_OLD_STATE, &val), 0);
	assert_int_equal(val.num, 2);
	assert_int_equal(lsw_event_value(&rec, LSW_EVENT_NEW_STATE, &val), -1);
}

/* n connections, each up with IKE SA #2i+1 and Child SA #2i+2 (or none). */
static struct lsw_snapshot *tunnels(int n)
{
	char *text = malloc((size_t)n * 250 + 1), *p = text;
	struct lsw_snapshot *s;
	int i;

	*p = '\0';
	for (i = 0; i < n; i++)
		p += sprintf(p,
		             "000 #%d: \"c%04d\":500 STATE_V2_ESTABLISHED_IKE_SA (established IKE "
		             "SA); idle;\n"
		             "000 #%d: \"c%04d\":500 STATE_V2_ESTABLISHED_CHILD_SA (established "
		             "Child SA); IKE SA "
		             "#%d; idle;\n",
		             2 * i + 1, i, 2 * i + 2, i, 2 * i + 1);
	s = lsw_parse(text, strlen(text));
	free(text);
	assert_non_null(s);
	return s;
}

static struct lsw_notify *notifier(const char *traps, unsigned limit, size_t history)
{
	struct lsw_notify_config cfg = {.history = history, .rate_limit = limit};
	struct lsw_notify *n;
	char err[200];

	assert_int_equal(lsw_config_parse_traps(traps, &cfg.traps, err, sizeof(err)), 0);
	n = lsw_notify_new(&cfg);
	assert_non_null(n);
	return n;
}

/* 300 tunnels go down with "all" and a limit of 100: 900 events recorded
 * (the history holds them all), 100 sent, 800 counted as dropped. */
static void test_rate_limit(void **state)
{
	struct lsw_notify *n = notifier("all", 100, 1000);
	struct lsw_snapshot *up = tunnels(300), *down = tunnels(0);
	const struct lsw_events *ev;
	(void)state;

	lsw_notify_snapshot(n, NULL, up, 1000);
	assert_int_equal(lsw_notify_traps_sent(n), 0);
	lsw_notify_snapshot(n, up, down, 1001);
	assert_int_equal(lsw_notify_traps_sent(n), 100);
	assert_int_equal(lsw_notify_traps_dropped(n), 800);
	ev = lsw_notify_events(n);
	assert_int_equal(lsw_events_last_index(ev), 900);
	/* Deletions come first: Child SA #2 of c0000 is event 1. */
	assert_int_equal(lsw_events_get(ev, 1)->type, LSW_EV_IPSEC_SA_DELETED);
	assert_int_equal(lsw_events_get(ev, 1)->serial, 2);
	assert_int_equal(lsw_events_get(ev, 1)->notified, LSW_NOTIFIED_SENT);
	assert_int_equal(lsw_events_get(ev, 100)->notified, LSW_NOTIFIED_SENT);
	assert_int_equal(lsw_events_get(ev, 101)->notified, LSW_NOTIFIED_RATE_LIMITED);
	assert_int_equal(lsw_events_get(ev, 900)->type, LSW_EV_CONN_DOWN);
	assert_string_equal(lsw_events_get(ev, 900)->connection, "c0299");
	assert_int_equal(lsw_events_get(ev, 900)->notified, LSW_NOTIFIED_RATE_LIMITED);
	/* The limit is per poll: the next poll has a fresh budget. */
	lsw_notify_snapshot(n, down, up, 1002);
	assert_int_equal(lsw_notify_traps_sent(n), 200);
	assert_int_equal(lsw_notify_traps_dropped(n), 800 + 800);
	lsw_snapshot_free(up);
	lsw_snapshot_free(down);
	lsw_notify_free(n);
}

/* The default classes: conn and collector. SA events are recorded as
 * filtered, connection events sent. */
/* Without an AgentX session a notification is not handed over (net-snmp
 * would drop it): its event says masterAway, lsTrapsSent does not count
 * it; filtered events stay filtered. Back with the session: sent. */
static void test_master_away(void **state)
{
	struct lsw_notify *n = notifier("conn,collector", 100, 10);
	struct lsw_snapshot *up = tunnels(1), *down = tunnels(0);
	const struct lsw_events *ev = lsw_notify_events(n);
	(void)state;

	lsw_notify_snapshot(n, NULL, up, 1000);
	lsw_notify_master(n, false);
	lsw_notify_snapshot(n, up, down, 1001);
	assert_int_equal(lsw_notify_traps_sent(n), 0);
	assert_int_equal(lsw_events_last_index(ev), 3);
	assert_int_equal(lsw_events_get(ev, 1)->notified, LSW_NOTIFIED_FILTERED); /* ipsecsa */
	assert_int_equal(lsw_events_get(ev, 3)->type, LSW_EV_CONN_DOWN);
	assert_int_equal(lsw_events_get(ev, 3)->notified, LSW_NOTIFIED_MASTER_AWAY);
	lsw_notify_collector(n, LSW_COLLECTOR_STALE, "pluto is gone", 1002);
	assert_int_equal(lsw_events_get(ev, 4)->notified, LSW_NOTIFIED_MASTER_AWAY);
	lsw_notify_master(n, true);
	lsw_notify_collector(n, LSW_COLLECTOR_OK, NULL, 1003);
	assert_int_equal(lsw_events_get(ev, 5)->notified, LSW_NOTIFIED_SENT);
	lsw_notify_snapshot(n, down, up, 1004);
	assert_int_equal(lsw_events_get(ev, 8)->type, LSW_EV_CONN_UP);
	assert_int_equal(lsw_events_get(ev, 8)->notified, LSW_NOTIFIED_SENT);
	assert_int_equal(lsw_notify_traps_sent(n), 2);
	lsw_snapshot_free(up);
	lsw_snapshot_free(down);
	lsw_notify_free(n);
}

static void test_filter(void **state)
{
	struct lsw_notify *n = notifier("conn,collector", 100, 10);
	struct lsw_snapshot *up = tunnels(1), *down = tunnels(0);
	const struct lsw_events *ev;
	(void)state;

	lsw_notify_snapshot(n, NULL, down, 1000);
	lsw_notify_snapshot(n, down, up, 1001);
	assert_int_equal(lsw_notify_traps_sent(n), 1);
	assert_int_equal(lsw_notify_traps_dropped(n), 0);
	ev = lsw_notify_events(n);
	assert_int_equal(lsw_events_last_index(ev), 3);
	assert_int_equal(lsw_events_get(ev, 1)->type, LSW_EV_IKE_SA_ESTABLISHED);
	assert_int_equal(lsw_events_get(ev, 1)->notified, LSW_NOTIFIED_FILTERED);
	assert_int_equal(lsw_events_get(ev, 2)->type, LSW_EV_IPSEC_SA_ESTABLISHED);
	assert_int_equal(lsw_events_get(ev, 2)->parent, 1);
	assert_int_equal(lsw_events_get(ev, 3)->type, LSW_EV_CONN_UP);
	assert_int_equal(lsw_events_get(ev, 3)->notified, LSW_NOTIFIED_SENT);
	assert_int_equal(lsw_events_get(ev, 3)->new_oper, LSW_CONN_UP);
	assert_int_equal(lsw_events_get(ev, 3)->when, 1001);
	assert_string_equal(lsw_events_get(ev, 3)->text, "connUp \"c0000\": down -> up");
	lsw_notify_snapshot(n, up, down, 1002);
	assert_int_equal(lsw_notify_traps_sent(n), 2);
	lsw_snapshot_free(up);
	lsw_snapshot_free(down);
	lsw_notify_free(n);
}

/* Pluto stops answering with 1000 tunnels up: one lsCollectorFailed, no
 * downs (the collector keeps the last snapshot and does not call
 * lsw_notify_snapshot); repeated failures are no-ops; recovery is one trap. */
static void test_collector_storm(void **state)
{
	struct lsw_notify *n = notifier("all", 100, 500);
	struct lsw_snapshot *up = tunnels(1000);
	int i;
	(void)state;

	lsw_notify_snapshot(n, NULL, up, 1000);
	for (i = 0; i < 50; i++)
		lsw_notify_collector(n, LSW_COLLECTOR_STALE,
		                     "whack: connect: No such file or directory", 1001 + i);
	assert_int_equal(lsw_notify_traps_sent(n), 1);
	assert_int_equal(lsw_events_last_index(lsw_notify_events(n)), 1);
	assert_int_equal(lsw_events_get(lsw_notify_events(n), 1)->type, LSW_EV_COLLECTOR_FAILED);
	assert_string_equal(lsw_events_get(lsw_notify_events(n), 1)->text,
	                    "whack: connect: No such file or directory");
	lsw_notify_collector(n, LSW_COLLECTOR_OK, NULL, 1100);
	lsw_notify_collector(n, LSW_COLLECTOR_OK, NULL, 1101);
	assert_int_equal(lsw_notify_traps_sent(n), 2);
	assert_int_equal(lsw_notify_traps_dropped(n), 0);
	assert_int_equal(lsw_events_last_index(lsw_notify_events(n)), 2);
	assert_int_equal(lsw_events_get(lsw_notify_events(n), 2)->type, LSW_EV_COLLECTOR_RECOVERED);
	lsw_snapshot_free(up);
	lsw_notify_free(n);
}

static void test_reconfigure(void **state)
{
	struct lsw_notify *n = notifier("none", 100, 10);
	struct lsw_notify_config cfg = {.traps = LSW_TRAP_COLLECTOR, .rate_limit = 5, .history = 3};
	(void)state;

	lsw_notify_collector(n, LSW_COLLECTOR_FAILED, "x", 1);
	assert_int_equal(lsw_notify_traps_sent(n), 0); /* filtered, still recorded */
	lsw_notify_reconfigure(n, &cfg);
	lsw_notify_collector(n, LSW_COLLECTOR_OK, NULL, 2);
	assert_int_equal(lsw_notify_traps_sent(n), 1);
	assert_int_equal(lsw_events_count(lsw_notify_events(n)), 2);
	assert_int_equal(lsw_events_get(lsw_notify_events(n), 1)->notified, LSW_NOTIFIED_FILTERED);
	assert_int_equal(lsw_events_get(lsw_notify_events(n), 2)->notified, LSW_NOTIFIED_SENT);
	lsw_notify_free(n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ring),        cmocka_unit_test(test_event_table),
	    cmocka_unit_test(test_event_date),  cmocka_unit_test(test_rate_limit),
	    cmocka_unit_test(test_filter),      cmocka_unit_test(test_collector_storm),
	    cmocka_unit_test(test_reconfigure), cmocka_unit_test(test_master_away),
	};
	/* The notifier logs each connection event; not wanted in the test log. */
	snmp_disable_log();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
