/* test_diff.c - the snapshot diff on pairs of real libreswan outputs
 * (tests/data/diff/, copied from ../shared/corpus/) and on hand-made
 * sequences (flap, rekey with overlap, pluto restart, serial reuse). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "diff.h"
#include "parser.h"
#include "testlib.h"

/* Expected event; strings NULL mean "must be NULL". */
struct want {
	enum lsw_diff_type type;
	const char *conn, *inst;
	uint32_t serial, parent, replaced;
	int old_state, new_state;
	int old_oper, new_oper;
	bool superseded;
	const char *peer, *remote_id;
};

#define EST        LSW_SA_ESTABLISHED
#define NEG        LSW_SA_NEGOTIATING
#define UP         LSW_CONN_UP
#define DOWN       LSW_CONN_DOWN
#define CONNECTING LSW_CONN_CONNECTING
#define MAXW       8

static void check(const struct lsw_snapshot *old, const struct lsw_snapshot *cur,
                  const struct want *w, size_t nw, const char *label)
{
	struct lsw_diff_event *ev;
	size_t n, i;

	assert_int_equal(lsw_diff(old, cur, &ev, &n), 0);
	for (i = 0; i < n && i < nw; i++) {
		const struct lsw_diff_event *e = &ev[i];
		print_message("%s [%zu] %s \"%s\"%s #%u\n", label, i, lsw_diff_type_name(e->type),
		              e->connection ? e->connection : "", e->instance ? e->instance : "",
		              e->serial);
		assert_string_equal(lsw_diff_type_name(w[i].type), lsw_diff_type_name(e->type));
		testlib_str_eq("connection", e->connection, w[i].conn);
		testlib_str_eq("instance", e->instance, w[i].inst);
		assert_int_equal(w[i].serial, e->serial);
		assert_int_equal(w[i].parent, e->parent);
		assert_int_equal(w[i].replaced, e->replaced);
		assert_int_equal(w[i].old_state, e->old_state);
		assert_int_equal(w[i].new_state, e->new_state);
		assert_int_equal(w[i].old_oper, e->old_oper);
		assert_int_equal(w[i].new_oper, e->new_oper);
		assert_int_equal(w[i].superseded, e->superseded);
		testlib_str_eq("peer", e->peer, w[i].peer);
		testlib_str_eq("remote_id", e->remote_id, w[i].remote_id);
	}
	if (n != nw)
		fail_msg("%s: %zu events, want %zu", label, n, nw);
	lsw_diff_free(ev);
}

/* ---- real pairs ---- */

#define EAST_DN                                                                                    \
	"C=CA, ST=Ontario, L=Toronto, O=Libreswan, OU=Test Department, "                           \
	"CN=east.testing.libreswan.org, E=user-east@testing.libreswan.org"

struct pair_case {
	const char *old, *cur;
	size_t n;
	struct want w[MAXW];
};

static const struct pair_case pairs[] = {
    /* IKEv2: three Child SAs of three connections rekeyed under one IKE SA:
     * three rekeys, no connection event. */
    {"v4.10__ikev2-ike-rekey-04__west__1.txt",
     "v4.10__ikev2-ike-rekey-04__west__2.txt",
     3,
     {{.type = LSW_EV_IPSEC_SA_REKEYED,
       .conn = "westnet-eastnet-ikev2a",
       .inst = "",
       .serial = 5,
       .parent = 1,
       .replaced = 2,
       .new_state = EST},
      {.type = LSW_EV_IPSEC_SA_REKEYED,
       .conn = "westnet-eastnet-ikev2b",
       .inst = "",
       .serial = 6,
       .parent = 1,
       .replaced = 3,
       .new_state = EST},
      {.type = LSW_EV_IPSEC_SA_REKEYED,
       .conn = "westnet-eastnet-ikev2c",
       .inst = "",
       .serial = 7,
       .parent = 1,
       .replaced = 4,
       .new_state = EST}}},
    /* IKEv2: the IKE SA #1 replaced by #4, the Child SA #3 by #5 (under #4). */
    {"v4.10__ikev2-ike-rekey-02__west__3.txt",
     "v4.10__ikev2-ike-rekey-02__west__5.txt",
     2,
     {{.type = LSW_EV_IKE_SA_REKEYED,
       .conn = "west",
       .inst = "",
       .serial = 4,
       .replaced = 1,
       .new_state = EST},
      {.type = LSW_EV_IPSEC_SA_REKEYED,
       .conn = "west",
       .inst = "",
       .serial = 5,
       .parent = 4,
       .replaced = 3,
       .new_state = EST}}},
    /* IKEv1: one of two phase-2 SAs deleted; "west-east" keeps its ISAKMP SA
     * so it goes from up to connecting: a connDown. */
    {"v4.10__delete-sa-09-rhbz1311360-c32__west__2.txt",
     "v4.10__delete-sa-09-rhbz1311360-c32__west__3.txt",
     2,
     {{.type = LSW_EV_IPSEC_SA_DELETED,
       .conn = "west-east",
       .inst = "",
       .serial = 2,
       .parent = 1,
       .old_state = EST},
      {.type = LSW_EV_CONN_DOWN,
       .conn = "west-east",
       .inst = "",
       .old_oper = UP,
       .new_oper = CONNECTING}}},
    /* IKEv1 road warrior (XAUTH): instance [1] of a template comes up;
     * the username stands for the remote ID. */
    {"v5.4__whack-deleteuser-01__east__3.txt",
     "v5.4__whack-deleteuser-01__east__1.txt",
     3,
     {{.type = LSW_EV_IKE_SA_ESTABLISHED,
       .conn = "xauth-road-eastnet",
       .inst = "[1]",
       .serial = 1,
       .new_state = EST,
       .peer = "192.1.3.209"},
      {.type = LSW_EV_IPSEC_SA_ESTABLISHED,
       .conn = "xauth-road-eastnet",
       .inst = "[1]",
       .serial = 2,
       .parent = 1,
       .new_state = EST,
       .peer = "192.1.3.209",
       .remote_id = "use1"},
      {.type = LSW_EV_CONN_UP,
       .conn = "xauth-road-eastnet",
       .inst = "[1]",
       .old_oper = DOWN,
       .new_oper = UP,
       .peer = "192.1.3.209"}}},
    /* ... and goes away (whack --deleteuser): values of the old snapshot. */
    {"v5.4__whack-deleteuser-01__east__1.txt",
     "v5.4__whack-deleteuser-01__east__3.txt",
     3,
     {{.type = LSW_EV_IPSEC_SA_DELETED,
       .conn = "xauth-road-eastnet",
       .inst = "[1]",
       .serial = 2,
       .parent = 1,
       .old_state = EST,
       .peer = "192.1.3.209",
       .remote_id = "use1"},
      {.type = LSW_EV_IKE_SA_DELETED,
       .conn = "xauth-road-eastnet",
       .inst = "[1]",
       .serial = 1,
       .old_state = EST,
       .peer = "192.1.3.209"},
      {.type = LSW_EV_CONN_DOWN,
       .conn = "xauth-road-eastnet",
       .inst = "[1]",
       .old_oper = UP,
       .new_oper = DOWN,
       .peer = "192.1.3.209"}}},
    /* IKEv2 with full --status: peer and remote ID from the connection row. */
    {"v4.10__ikev2-delete-01__west__3.txt",
     "v4.10__ikev2-delete-01__west__2.txt",
     3,
     {{.type = LSW_EV_IKE_SA_ESTABLISHED,
       .conn = "westnet-eastnet-ipv4-psk-ikev2",
       .inst = "",
       .serial = 1,
       .new_state = EST,
       .peer = "192.1.2.23",
       .remote_id = "@east"},
      {.type = LSW_EV_IPSEC_SA_ESTABLISHED,
       .conn = "westnet-eastnet-ipv4-psk-ikev2",
       .inst = "",
       .serial = 2,
       .parent = 1,
       .new_state = EST,
       .peer = "192.1.2.23",
       .remote_id = "@east"},
      {.type = LSW_EV_CONN_UP,
       .conn = "westnet-eastnet-ipv4-psk-ikev2",
       .inst = "",
       .old_oper = DOWN,
       .new_oper = UP,
       .peer = "192.1.2.23",
       .remote_id = "@east"}}},
    /* The same test in 3.32 (STATE_PARENT_I3 / STATE_V2_IPSEC_I): deleted. */
    {"v3.32__ikev2-delete-01__west__2.txt",
     "v3.32__ikev2-delete-01__west__3.txt",
     3,
     {{.type = LSW_EV_IPSEC_SA_DELETED,
       .conn = "westnet-eastnet-ipv4-psk-ikev2",
       .inst = "",
       .serial = 2,
       .parent = 1,
       .old_state = EST,
       .peer = "192.1.2.23",
       .remote_id = "@east"},
      {.type = LSW_EV_IKE_SA_DELETED,
       .conn = "westnet-eastnet-ipv4-psk-ikev2",
       .inst = "",
       .serial = 1,
       .old_state = EST,
       .peer = "192.1.2.23",
       .remote_id = "@east"},
      {.type = LSW_EV_CONN_DOWN,
       .conn = "westnet-eastnet-ipv4-psk-ikev2",
       .inst = "",
       .old_oper = UP,
       .new_oper = DOWN,
       .peer = "192.1.2.23",
       .remote_id = "@east"}}},
    /* A road warrior's IKE SA replaced (#1 -> #3; Child SA #2 moves to #3),
     * the same test in 3.32, 4.10 and 5.4: one rekey, the instance stays up. */
    {"v3.32__ikev2-41-rw-replace__road__1.txt",
     "v3.32__ikev2-41-rw-replace__road__2.txt",
     1,
     {{.type = LSW_EV_IKE_SA_REKEYED,
       .conn = "road-east-x509-ipv4",
       .inst = "[1]",
       .serial = 3,
       .replaced = 1,
       .new_state = EST,
       .peer = "192.1.2.23",
       .remote_id = EAST_DN}}},
    {"v4.10__ikev2-41-rw-replace__road__1.txt",
     "v4.10__ikev2-41-rw-replace__road__2.txt",
     1,
     {{.type = LSW_EV_IKE_SA_REKEYED,
       .conn = "road-east-x509-ipv4",
       .inst = "[1]",
       .serial = 3,
       .replaced = 1,
       .new_state = EST,
       .peer = "192.1.2.23",
       .remote_id = EAST_DN}}},
    {"v5.4__ikev2-41-rw-replace__road__1.txt",
     "v5.4__ikev2-41-rw-replace__road__2.txt",
     1,
     {{.type = LSW_EV_IKE_SA_REKEYED,
       .conn = "road-east-x509-ipv4",
       .inst = "[1]",
       .serial = 3,
       .replaced = 1,
       .new_state = EST,
       .peer = "192.1.2.23",
       .remote_id = EAST_DN}}},
    /* Same snapshot twice: nothing. */
    {"v4.10__ikev2-delete-01__west__2.txt",
     "v4.10__ikev2-delete-01__west__2.txt",
     0,
     {{.type = 0}}},
};

static void test_real_pairs(void **state)
{
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		struct lsw_snapshot *a = testlib_parse_data("diff", pairs[i].old),
		                    *b = testlib_parse_data("diff", pairs[i].cur);
		check(a, b, pairs[i].w, pairs[i].n, pairs[i].cur);
		lsw_snapshot_free(a);
		lsw_snapshot_free(b);
	}
}

/* The state names the deleted SA had, from the old snapshot. */
static void test_deleted_keeps_old_values(void **state)
{
	struct lsw_snapshot *a =
	    testlib_parse_data("diff", "v4.10__delete-sa-09-rhbz1311360-c32__west__2.txt");
	struct lsw_snapshot *b =
	    testlib_parse_data("diff", "v4.10__delete-sa-09-rhbz1311360-c32__west__3.txt");
	struct lsw_diff_event *ev;
	size_t n;
	(void)state;

	assert_int_equal(lsw_diff(a, b, &ev, &n), 0);
	assert_true(n >= 1);
	assert_string_equal(ev[0].old_state_name, "STATE_QUICK_I2");
	assert_null(ev[0].new_state_name);
	assert_non_null(ev[0].child_sa);
	assert_int_equal(ev[0].child_sa->sa.serial, 2);
	lsw_diff_free(ev);
	lsw_snapshot_free(a);
	lsw_snapshot_free(b);
}

/* ---- hand-made sequences (4.10 --showstates lines) ---- */

#define IKE(n, c)                                                                                  \
	"000 #" #n ": \"" c                                                                        \
	"\":500 STATE_V2_ESTABLISHED_IKE_SA (established IKE SA); newest; idle;\n"
#define IKE_I1(n, c)                                                                               \
	"000 #" #n ": \"" c "\":500 STATE_V2_PARENT_I1 (sent IKE_SA_INIT request); idle;\n"
#define CHILD(n, c, p)                                                                             \
	"000 #" #n ": \"" c                                                                        \
	"\":500 STATE_V2_ESTABLISHED_CHILD_SA (established Child SA); newest; eroute "             \
	"owner; IKE SA #" #p "; idle;\n"
#define QUICK_I1(n, c, p)                                                                          \
	"000 #" #n ": \"" c "\":500 STATE_QUICK_I1 (sent Quick Mode request); ISAKMP SA #" #p      \
	"; idle;\n"
#define QUICK_I2(n, c, p)                                                                          \
	"000 #" #n ": \"" c "\":500 STATE_QUICK_I2 (IPsec SA established); newest; ISAKMP SA #" #p \
	"; idle;\n"
#define MAIN_I4(n, c)                                                                              \
	"000 #" #n ": \"" c "\":500 STATE_MAIN_I4 (IKE SA established); newest; idle;\n"

struct step {
	const char *text;
	size_t n;
	struct want w[MAXW];
};

struct seq {
	const char *name;
	struct step steps[5];
};

static const struct seq seqs[] = {
    {"flap: up, down, up again with new serials",
     {{IKE(1, "west") CHILD(2, "west", 1), 0, {{.type = 0}}},
      {"",
       3,
       {{.type = LSW_EV_IPSEC_SA_DELETED,
         .conn = "west",
         .inst = "",
         .serial = 2,
         .parent = 1,
         .old_state = EST},
        {.type = LSW_EV_IKE_SA_DELETED, .conn = "west", .inst = "", .serial = 1, .old_state = EST},
        {.type = LSW_EV_CONN_DOWN, .conn = "west", .inst = "", .old_oper = UP, .new_oper = DOWN}}},
      {IKE(3, "west") CHILD(4, "west", 3),
       3,
       {{.type = LSW_EV_IKE_SA_ESTABLISHED,
         .conn = "west",
         .inst = "",
         .serial = 3,
         .new_state = EST},
        {.type = LSW_EV_IPSEC_SA_ESTABLISHED,
         .conn = "west",
         .inst = "",
         .serial = 4,
         .parent = 3,
         .new_state = EST},
        {.type = LSW_EV_CONN_UP, .conn = "west", .inst = "", .old_oper = DOWN, .new_oper = UP}}},
      {.text = NULL}}},
    {"IKEv2 rekey with overlap: new Child SA first, old one deleted a poll later",
     {{IKE(1, "west") CHILD(2, "west", 1), 0, {{.type = 0}}},
      {IKE(1, "west") CHILD(2, "west", 1) CHILD(3, "west", 1),
       1,
       {{.type = LSW_EV_IPSEC_SA_REKEYED,
         .conn = "west",
         .inst = "",
         .serial = 3,
         .parent = 1,
         .replaced = 2,
         .new_state = EST}}},
      {IKE(1, "west") CHILD(3, "west", 1),
       1,
       {{.type = LSW_EV_IPSEC_SA_DELETED,
         .conn = "west",
         .inst = "",
         .serial = 2,
         .parent = 1,
         .old_state = EST,
         .superseded = true}}},
      {.text = NULL}}},
    {"IKEv1 rekey: quick mode negotiating, then established, then old SA gone",
     {{MAIN_I4(1, "v1") QUICK_I2(2, "v1", 1), 0, {{.type = 0}}},
      {MAIN_I4(1, "v1") QUICK_I2(2, "v1", 1) QUICK_I1(3, "v1", 1), 0, {{.type = 0}}},
      {MAIN_I4(1, "v1") QUICK_I2(2, "v1", 1) QUICK_I2(3, "v1", 1),
       2,
       {{.type = LSW_EV_SA_STATE_CHANGED,
         .conn = "v1",
         .inst = "",
         .serial = 3,
         .parent = 1,
         .old_state = NEG,
         .new_state = EST},
        {.type = LSW_EV_IPSEC_SA_REKEYED,
         .conn = "v1",
         .inst = "",
         .serial = 3,
         .parent = 1,
         .replaced = 2,
         .old_state = NEG,
         .new_state = EST}}},
      {MAIN_I4(1, "v1") QUICK_I2(3, "v1", 1),
       1,
       {{.type = LSW_EV_IPSEC_SA_DELETED,
         .conn = "v1",
         .inst = "",
         .serial = 2,
         .parent = 1,
         .old_state = EST,
         .superseded = true}}},
      {.text = NULL}}},
    {"connecting: an IKE SA on its way up, then established, then the tunnel",
     {{"", 0, {{.type = 0}}},
      {IKE_I1(1, "west"),
       1,
       {{.type = LSW_EV_CONN_CONNECTING,
         .conn = "west",
         .inst = "",
         .old_oper = DOWN,
         .new_oper = CONNECTING}}},
      {IKE(1, "west"),
       2,
       {{.type = LSW_EV_SA_STATE_CHANGED,
         .conn = "west",
         .inst = "",
         .serial = 1,
         .old_state = NEG,
         .new_state = EST},
        {.type = LSW_EV_IKE_SA_ESTABLISHED,
         .conn = "west",
         .inst = "",
         .serial = 1,
         .old_state = NEG,
         .new_state = EST}}},
      {IKE(1, "west") CHILD(2, "west", 1),
       2,
       {{.type = LSW_EV_IPSEC_SA_ESTABLISHED,
         .conn = "west",
         .inst = "",
         .serial = 2,
         .parent = 1,
         .new_state = EST},
        {.type = LSW_EV_CONN_UP,
         .conn = "west",
         .inst = "",
         .old_oper = CONNECTING,
         .new_oper = UP}}},
      {.text = NULL}}},
    {"pluto restart: serials start over, the tunnel is back under new SAs",
     {{IKE(7, "west") CHILD(9, "west", 7), 0, {{.type = 0}}},
      {IKE(1, "west") CHILD(2, "west", 1),
       5,
       {{.type = LSW_EV_PLUTO_RESTARTED, .conn = NULL, .inst = ""},
        {.type = LSW_EV_IPSEC_SA_DELETED,
         .conn = "west",
         .inst = "",
         .serial = 9,
         .parent = 7,
         .old_state = EST},
        {.type = LSW_EV_IKE_SA_DELETED, .conn = "west", .inst = "", .serial = 7, .old_state = EST},
        {.type = LSW_EV_IKE_SA_ESTABLISHED,
         .conn = "west",
         .inst = "",
         .serial = 1,
         .new_state = EST},
        {.type = LSW_EV_IPSEC_SA_ESTABLISHED,
         .conn = "west",
         .inst = "",
         .serial = 2,
         .parent = 1,
         .new_state = EST}}},
      {.text = NULL}}},
    /* Per row, not a restart: an IKEv2 responder may switch connection. */
    {"a serial that names another connection now is a new SA, not a state change",
     {{IKE(1, "west") CHILD(2, "west", 1), 0, {{.type = 0}}},
      {IKE(1, "east") CHILD(2, "east", 1),
       6,
       {{.type = LSW_EV_IPSEC_SA_DELETED,
         .conn = "west",
         .inst = "",
         .serial = 2,
         .parent = 1,
         .old_state = EST},
        {.type = LSW_EV_IKE_SA_DELETED, .conn = "west", .inst = "", .serial = 1, .old_state = EST},
        {.type = LSW_EV_CONN_DOWN, .conn = "west", .inst = "", .old_oper = UP, .new_oper = DOWN},
        {.type = LSW_EV_IKE_SA_ESTABLISHED,
         .conn = "east",
         .inst = "",
         .serial = 1,
         .new_state = EST},
        {.type = LSW_EV_IPSEC_SA_ESTABLISHED,
         .conn = "east",
         .inst = "",
         .serial = 2,
         .parent = 1,
         .new_state = EST},
        {.type = LSW_EV_CONN_UP, .conn = "east", .inst = "", .old_oper = DOWN, .new_oper = UP}}},
      {.text = NULL}}},
    {"pluto restart: a serial that was an IKE SA is now a Child SA",
     {{IKE(1, "west") CHILD(2, "west", 1), 0, {{.type = 0}}},
      {IKE(2, "west") CHILD(3, "west", 2),
       5,
       {{.type = LSW_EV_PLUTO_RESTARTED, .conn = NULL, .inst = ""},
        {.type = LSW_EV_IPSEC_SA_DELETED,
         .conn = "west",
         .inst = "",
         .serial = 2,
         .parent = 1,
         .old_state = EST},
        {.type = LSW_EV_IKE_SA_DELETED, .conn = "west", .inst = "", .serial = 1, .old_state = EST},
        {.type = LSW_EV_IKE_SA_ESTABLISHED,
         .conn = "west",
         .inst = "",
         .serial = 2,
         .new_state = EST},
        {.type = LSW_EV_IPSEC_SA_ESTABLISHED,
         .conn = "west",
         .inst = "",
         .serial = 3,
         .parent = 2,
         .new_state = EST}}},
      {.text = NULL}}},
    {"a deleted SA whose serial was the highest is not a restart",
     {{IKE(1, "a") CHILD(2, "a", 1) CHILD(3, "b", 1), 0, {{.type = 0}}},
      {IKE(1, "a") CHILD(2, "a", 1),
       2,
       {{.type = LSW_EV_IPSEC_SA_DELETED,
         .conn = "b",
         .inst = "",
         .serial = 3,
         .parent = 1,
         .old_state = EST},
        {.type = LSW_EV_CONN_DOWN, .conn = "b", .inst = "", .old_oper = UP, .new_oper = DOWN}}},
      {.text = NULL}}},
};

static void test_sequences(void **state)
{
	size_t i, j;
	(void)state;
	for (i = 0; i < sizeof(seqs) / sizeof(seqs[0]); i++) {
		struct lsw_snapshot *prev = NULL;
		for (j = 0; j < 5 && seqs[i].steps[j].text; j++) {
			struct lsw_snapshot *cur = testlib_parse_str(seqs[i].steps[j].text);
			char label[200];
			snprintf(label, sizeof(label), "%s, step %zu", seqs[i].name, j);
			if (prev)
				check(prev, cur, seqs[i].steps[j].w, seqs[i].steps[j].n, label);
			lsw_snapshot_free(prev);
			prev = cur;
		}
		lsw_snapshot_free(prev);
	}
}

/* A first poll is not a change; NULL on either side gives no events. */
static void test_first_poll(void **state)
{
	struct lsw_snapshot *s = testlib_parse_str(IKE(1, "west") CHILD(2, "west", 1));
	struct lsw_diff_event *ev = (void *)1;
	size_t n = 99;
	(void)state;

	assert_int_equal(lsw_diff(NULL, s, &ev, &n), 0);
	assert_null(ev);
	assert_int_equal(n, 0);
	lsw_snapshot_free(s);
}

/* Many tunnels going down at once: one event per SA and connection, in order. */
static void test_many_down(void **state)
{
	char *text = malloc(1000 * 250), *p = text;
	struct lsw_snapshot *a, *b;
	struct lsw_diff_event *ev;
	size_t n, i, downs = 0;
	(void)state;

	for (i = 0; i < 500; i++)
		p += sprintf(p,
		             "000 #%zu: \"c%03zu\":500 STATE_V2_ESTABLISHED_IKE_SA (established "
		             "IKE SA); idle;\n"
		             "000 #%zu: \"c%03zu\":500 STATE_V2_ESTABLISHED_CHILD_SA (established "
		             "Child SA); IKE "
		             "SA #%zu; idle;\n",
		             2 * i + 1, i, 2 * i + 2, i, 2 * i + 1);
	a = testlib_parse_str(text);
	b = testlib_parse_str("");
	assert_int_equal(lsw_diff(a, b, &ev, &n), 0);
	assert_int_equal(n, 1500);
	for (i = 0; i < n; i++)
		downs += ev[i].type == LSW_EV_CONN_DOWN;
	assert_int_equal(downs, 500);
	assert_int_equal(ev[0].type, LSW_EV_IPSEC_SA_DELETED);
	assert_int_equal(ev[0].serial, 2);
	assert_int_equal(ev[n - 1].type, LSW_EV_CONN_DOWN);
	assert_string_equal(ev[n - 1].connection, "c499");
	lsw_diff_free(ev);
	lsw_snapshot_free(a);
	lsw_snapshot_free(b);
	free(text);
}

/* 20000 tunnels rekey their Child SA in one poll: 20000 rekeys, each with
 * its own predecessor, and the diff stays n log n (it was n * n once). */
static struct lsw_snapshot *mass(int n, unsigned child_base)
{
	char *text = malloc((size_t)n * 260 + 1), *p = text;
	struct lsw_snapshot *s;
	int i;

	*p = '\0';
	for (i = 0; i < n; i++)
		p += sprintf(
		    p,
		    "000 #%d: \"t%05d\":500 STATE_V2_ESTABLISHED_IKE_SA (established IKE SA); "
		    "idle;\n"
		    "000 #%u: \"t%05d\":500 STATE_V2_ESTABLISHED_CHILD_SA (established Child SA); "
		    "IKE SA #%d; idle;\n",
		    i + 1, i, child_base + (unsigned)i, i, i + 1);
	s = testlib_parse_str(text);
	free(text);
	return s;
}

static void test_mass_rekey(void **state)
{
	const int n = 20000;
	struct lsw_snapshot *a = mass(n, 100000), *b = mass(n, 200000);
	struct lsw_diff_event *ev;
	struct timespec t0, t1;
	size_t cnt, i;
	double ms;
	(void)state;

	assert_int_equal(a->n_child_sas, n);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(lsw_diff(a, b, &ev, &cnt), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	print_message("diff of %d tunnels, all rekeyed: %.1f ms\n", n, ms);
	assert_int_equal(cnt, (size_t)n);
	for (i = 0; i < cnt; i++) {
		assert_int_equal(ev[i].type, LSW_EV_IPSEC_SA_REKEYED);
		assert_int_equal(ev[i].replaced + 100000, ev[i].serial);
	}
	/* Generous: a few ms here; seconds would mean a quadratic step. */
	assert_true(ms < 2000.0);
	lsw_diff_free(ev);
	lsw_snapshot_free(a);
	lsw_snapshot_free(b);
}

static void test_type_names(void **state)
{
	(void)state;
	assert_string_equal(lsw_diff_type_name(LSW_EV_CONN_UP), "connUp");
	assert_string_equal(lsw_diff_type_name(LSW_EV_IPSEC_SA_REKEYED), "ipsecSaRekeyed");
	assert_string_equal(lsw_diff_type_name(LSW_EV_PLUTO_RESTARTED), "plutoRestarted");
	assert_string_equal(lsw_diff_type_name(0), "unknown");
	assert_string_equal(lsw_diff_type_name(LSW_EV_MAX + 1), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_real_pairs), cmocka_unit_test(test_deleted_keeps_old_values),
	    cmocka_unit_test(test_sequences),  cmocka_unit_test(test_first_poll),
	    cmocka_unit_test(test_many_down),  cmocka_unit_test(test_mass_rekey),
	    cmocka_unit_test(test_type_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
