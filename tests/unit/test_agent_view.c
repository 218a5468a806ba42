/* test_agent_view.c - the tables without snmpd: row order (OID order of
 * the index, not strcmp), GET/GETNEXT lookups, a full walk through
 * lsw_table_answer(), column values, the monotonic connection counters and
 * the poll's failure rules (agent/feed.h). Snapshots come from real status files in
 * tests/data/agent/ (see its README). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "feed.h"
#include "mib_table.h"
#include "parser.h"
#include "source.h"
#include "view.h"
#include "testlib.h"

static struct lsw_view *load_view(const char *status_file, const char *traffic_file)
{
	size_t n;
	char *st = testlib_slurp_data("agent", status_file, &n),
	     *tr = traffic_file ? testlib_slurp_data("agent", traffic_file, &n) : NULL;
	struct lsw_view *v = lsw_view_new(testlib_feed(st, tr), NULL, 100);

	free(st);
	free(tr);
	assert_non_null(v);
	return v;
}

static int conn_idx(oid *idx, const char *name, const char *inst)
{
	int n = lsw_mib_conn_index(idx, name, inst);

	assert_true(n > 0);
	return n;
}

/* Rows sort by the encoded index: the length prefix first, so "v2-rw"
 * (5 octets) comes before "v1-tunnel" (9), and "v2-transport" (12) last,
 * although strcmp would put it before v2-tunnel. */
static void test_conn_oid_order(void **state)
{
	struct lsw_view *v =
	    load_view("ns-03-up.west.status.txt", "ns-03-up.west.trafficstatus.txt");
	static const struct {
		const char *name, *inst;
	} want[] = {
	    {"v2-rw", ""},     {"v2-rw", "[1]"},  {"v1-tunnel", ""},
	    {"v2-tunnel", ""}, {"v6-tunnel", ""}, {"v2-transport", ""},
	};

	assert_int_equal(v->n_conns, 6);
	for (size_t i = 0; i < 6; i++) {
		assert_string_equal(v->conns[i].conn->name, want[i].name);
		assert_string_equal(v->conns[i].conn->instance, want[i].inst);
		if (i > 0)
			assert_true(lsw_oid_cmp(v->conns[i - 1].idx, v->conns[i - 1].idx_len,
			                        v->conns[i].idx, v->conns[i].idx_len) < 0);
	}
	lsw_view_free(v);
}

struct lookup_case {
	const char *what;
	oid idx[8];
	size_t len;
	bool next;
	const char *name, *inst; /* NULL: no row */
};

static void test_conn_lookup(void **state)
{
	struct lsw_view *v = load_view("ns-03-up.west.status.txt", NULL);
	static const struct lookup_case cases[] = {
	    {"GETNEXT from the column", {0}, 0, true, "v2-rw", ""},
	    {"GETNEXT from length 9", {9}, 1, true, "v1-tunnel", ""},
	    {"GETNEXT from length 6", {6}, 1, true, "v1-tunnel", ""},
	    {"GETNEXT past every length", {13}, 1, true, NULL, NULL},
	    {"GETNEXT inside v2-rw", {5, 'v', '2', '-', 'r', 'w'}, 6, true, "v2-rw", ""},
	    {"GETNEXT after v2-rw.\"\"", {5, 'v', '2', '-', 'r', 'w', 0}, 7, true, "v2-rw", "[1]"},
	    {"GET of a prefix", {5, 'v', '2', '-', 'r', 'w'}, 6, false, NULL, NULL},
	    {"GET v2-rw.\"\"", {5, 'v', '2', '-', 'r', 'w', 0}, 7, false, "v2-rw", ""},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct lookup_case *c = &cases[i];
		const struct lsw_conn_row *r = lsw_view_conn(v, c->idx, c->len, c->next);

		if (c->name == NULL) {
			if (r != NULL)
				fail_msg("%s: got %s%s", c->what, r->conn->name, r->conn->instance);
			continue;
		}
		if (r == NULL || strcmp(r->conn->name, c->name) ||
		    strcmp(r->conn->instance, c->inst))
			fail_msg("%s: got %s, want %s%s", c->what, r ? r->conn->name : "nothing",
			         c->name, c->inst);
	}
	/* Exact lookups of every row by its own encoded name. */
	for (size_t i = 0; i < v->n_conns; i++) {
		oid idx[LSW_CONN_INDEX_MAX];
		int n = conn_idx(idx, v->conns[i].conn->name, v->conns[i].conn->instance);

		assert_ptr_equal(lsw_view_conn(v, idx, (size_t)n, false), &v->conns[i]);
	}
	lsw_view_free(v);
}

static void test_sa_lookup(void **state)
{
	struct lsw_view *v = load_view("ns-03-up.west.status.txt", NULL);
	static const struct {
		oid idx[3];
		size_t len;
		bool next;
		uint32_t want; /* 0: none */
	} cases[] = {
	    {{0}, 0, true, 2},  {{2}, 1, false, 2},           {{3}, 1, false, 0},
	    {{2}, 1, true, 4},  {{5, 1}, 2, true, 8},         {{8}, 1, true, 10},
	    {{10}, 1, true, 0}, {{4294967296ul}, 1, true, 0}, {{8, 0}, 2, false, 0},
	    {{0}, 0, false, 0},
	};

	/* IKE SAs #2 #4 #5 #8 #10 */
	assert_int_equal(v->n_ike_sas, 5);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct lsw_ike_sa *sa =
		    lsw_view_ikesa(v, cases[i].idx, cases[i].len, cases[i].next);

		if ((sa ? sa->sa.serial : 0) != cases[i].want)
			fail_msg("case %zu: got #%u, want #%u", i, sa ? sa->sa.serial : 0,
			         cases[i].want);
	}
	assert_int_equal(lsw_view_ipsecsa(v, (const oid[]){7}, 1, false)->sa.serial, 7);
	assert_null(lsw_view_ipsecsa(v, (const oid[]){7}, 1, true));
	lsw_view_free(v);
}

/* A walk with GETNEXT from the table OID visits, in strictly increasing
 * OID order, exactly the instances a GET of every (row, column) finds:
 * a column with no value in some rows (sparse) skips only those rows.
 * Returns the number of instances walked. */
static size_t walk(const struct lsw_table_ops *ops, const void *data, size_t rows)
{
	oid name[MAX_OID_LEN], prev[MAX_OID_LEN], idx[MAX_OID_LEN];
	size_t len = ops->entry_len - 1, plen = 0, n = 0, want = 0, idx_len = 0;
	struct lsw_value val;

	memcpy(name, ops->entry, len * sizeof(oid));
	for (;;) {
		oid out[MAX_OID_LEN], get_out[MAX_OID_LEN];
		size_t olen, glen;
		unsigned col = len > ops->entry_len ? (unsigned)name[ops->entry_len] : ops->min_col;

		if (col < ops->min_col)
			col = ops->min_col;
		if (lsw_table_answer(ops, data, name, len, col, true, out, &olen, &val) < 0)
			break;
		if (plen > 0)
			assert_true(lsw_oid_cmp(prev, plen, out, olen) < 0);
		assert_true(olen <= MAX_OID_LEN);
		/* What GETNEXT returned, a GET finds. */
		assert_int_equal(lsw_table_answer(ops, data, out, olen,
		                                  (unsigned)out[ops->entry_len], false, get_out,
		                                  &glen, &val),
		                 0);
		memcpy(prev, out, olen * sizeof(oid));
		plen = olen;
		memcpy(name, out, olen * sizeof(oid));
		len = olen;
		n++;
	}
	/* And every instance a GET finds was walked: count them row by row. */
	for (const void *row = ops->lookup(data, NULL, 0, true); row != NULL;
	     row = ops->lookup(data, idx, idx_len, true)) {
		idx_len = ops->row_index(row, idx);
		for (unsigned c = ops->min_col; c <= ops->max_col; c++) {
			oid out[MAX_OID_LEN];
			size_t olen;
			int k =
			    lsw_mib_instance_oid(name, ops->entry, ops->entry_len, c, idx, idx_len);

			assert_true(k > 0);
			if (lsw_table_answer(ops, data, name, (size_t)k, c, false, out, &olen,
			                     &val) == 0)
				want++;
		}
		rows--;
	}
	assert_int_equal(rows, 0);
	assert_int_equal(n, want);
	return n;
}

/* A table of 5 rows (index 1..5) whose columns 2..5 are sparse: column c
 * has a value in row r when the bit r of sparse_cols[c] is set. */
static const unsigned sparse_cols[] = {0, 0x3e, 0x14, 0x20, 0x00, 0x02};
static const unsigned sparse_rows[] = {1, 2, 3, 4, 5};

static const void *sparse_lookup(const void *data, const oid *idx, size_t len, bool next)
{
	for (size_t i = 0; i < 5; i++) {
		if (!next && len == 1 && idx[0] == sparse_rows[i])
			return &sparse_rows[i];
		if (next && (len == 0 || sparse_rows[i] > idx[0]))
			return &sparse_rows[i];
	}
	return NULL;
}

static size_t sparse_row_index(const void *row, oid *idx)
{
	idx[0] = *(const unsigned *)row;
	return 1;
}

static int sparse_value(const void *data, const void *row, unsigned col, struct lsw_value *out)
{
	unsigned r = *(const unsigned *)row;

	if (col >= sizeof(sparse_cols) / sizeof(sparse_cols[0]) || !(sparse_cols[col] & (1u << r)))
		return -1;
	return lsw_value_int(out, (long)(col * 10 + r));
}

static const oid sparse_entry[] = {1, 3, 6, 1, 4, 1, 99999, 1, 1};

static const struct lsw_table_ops sparse_ops = {
    .name = "sparse",
    .entry = sparse_entry,
    .entry_len = OID_LENGTH(sparse_entry),
    .min_col = 1,
    .max_col = 5,
    .index_types = {ASN_UNSIGNED},
    .n_index = 1,
    .lookup = sparse_lookup,
    .row_index = sparse_row_index,
    .value = sparse_value,
};

/* The regression: GETNEXT from column 2, row 2 (rows 3 and 5 have no
 * value) went to column 3 and skipped row 4 of column 2. */
static void test_sparse_column(void **state)
{
	static const struct {
		unsigned col, row;           /* GETNEXT from entry.col.row (row 0: entry.col) */
		unsigned want_col, want_row; /* 0: end of table */
	} cases[] = {
	    {1, 0, 1, 1}, {1, 5, 2, 2}, {2, 0, 2, 2}, {2, 2, 2, 4}, {2, 3, 2, 4},
	    {2, 4, 3, 5}, {3, 0, 3, 5}, {3, 5, 5, 1}, {4, 0, 5, 1}, {5, 1, 0, 0},
	};
	struct lsw_value val;
	oid name[MAX_OID_LEN], out[MAX_OID_LEN];
	size_t olen, el = sparse_ops.entry_len;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc;

		memcpy(name, sparse_entry, el * sizeof(oid));
		name[el] = cases[i].col;
		name[el + 1] = cases[i].row;
		rc = lsw_table_answer(&sparse_ops, NULL, name, el + 1 + (cases[i].row ? 1 : 0),
		                      cases[i].col, true, out, &olen, &val);
		if (cases[i].want_col == 0) {
			if (rc != -1)
				fail_msg("case %zu: got .%lu.%lu, want the end", i,
				         (unsigned long)out[el], (unsigned long)out[el + 1]);
			continue;
		}
		if (rc != 0 || olen != el + 2 || out[el] != cases[i].want_col ||
		    out[el + 1] != cases[i].want_row)
			fail_msg("case %zu: got rc %d .%lu.%lu, want .%u.%u", i, rc,
			         (unsigned long)out[el], (unsigned long)out[el + 1],
			         cases[i].want_col, cases[i].want_row);
		assert_int_equal(val.num, cases[i].want_col * 10 + cases[i].want_row);
	}
	/* GET of a hole is no instance. */
	name[el] = 2;
	name[el + 1] = 3;
	assert_int_equal(
	    lsw_table_answer(&sparse_ops, NULL, name, el + 2, 2, false, out, &olen, &val), -1);
	/* The whole walk: 5 + 2 + 1 + 0 + 1 instances. */
	assert_int_equal(walk(&sparse_ops, NULL, 5), 9);
}

static void test_walk(void **state)
{
	struct lsw_view *v = load_view("ns-03-up.west.status.txt", NULL);
	struct lsw_value val;
	oid name[MAX_OID_LEN], out[MAX_OID_LEN];
	size_t olen;

	walk(&lsw_conn_table_ops, v, 6);
	walk(&lsw_ikesa_table_ops, v, 5);
	walk(&lsw_ipsecsa_table_ops, v, 1);
	/* GET of lsIkeSaStateName.4 */
	memcpy(name, lsw_ikesa_table_ops.entry, 11 * sizeof(oid));
	name[11] = LSW_IKESA_STATE_NAME;
	name[12] = 4;
	assert_int_equal(lsw_table_answer(&lsw_ikesa_table_ops, v, name, 13, LSW_IKESA_STATE_NAME,
	                                  false, out, &olen, &val),
	                 0);
	assert_int_equal(val.len, strlen("STATE_MAIN_I4"));
	assert_memory_equal(val.str, "STATE_MAIN_I4", val.len);
	/* An empty view (no good poll yet) answers nothing. */
	assert_int_equal(
	    lsw_table_answer(&lsw_conn_table_ops, NULL, name, 11, 3, true, out, &olen, &val), -1);
	lsw_view_free(v);
}

static void test_values(void **state)
{
	struct lsw_view *v = load_view("ns-03-up.west.status.txt", NULL);
	oid idx[LSW_CONN_INDEX_MAX];
	const struct lsw_conn_row *r =
	    lsw_view_conn(v, idx, (size_t)conn_idx(idx, "v6-tunnel", ""), false);
	static const uint8_t east6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1,
	                                  0,    0,    0,    0,    0, 0, 0, 2};
	struct lsw_value val;
	const struct lsw_ike_sa *ike;
	const struct lsw_child_sa *child;

	assert_non_null(r);
	assert_int_equal(lsw_conn_value(v, r, LSW_CONN_OPER_STATUS, &val), 0);
	assert_int_equal(val.num, 2); /* connecting: IKE SA, no Child SA */
	lsw_conn_value(v, r, LSW_CONN_REMOTE_ADDR_TYPE, &val);
	assert_int_equal(val.num, 2); /* ipv6 */
	lsw_conn_value(v, r, LSW_CONN_REMOTE_ADDR, &val);
	assert_int_equal(val.len, 16);
	assert_memory_equal(val.str, east6, 16);
	lsw_conn_value(v, r, LSW_CONN_REMOTE_ID, &val);
	assert_memory_equal(val.str, "@east6", val.len);
	lsw_conn_value(v, r, LSW_CONN_REMOTE_SUBNET, &val);
	assert_memory_equal(val.str, "2001:db8:2::/64", val.len);
	lsw_conn_value(v, r, LSW_CONN_NEWEST_IKESA, &val);
	assert_int_equal(val.type, ASN_UNSIGNED);
	assert_int_equal(val.num, 8);
	lsw_conn_value(v, r, LSW_CONN_IKESA_COUNT, &val);
	assert_int_equal(val.num, 1);
	lsw_conn_value(v, r, LSW_CONN_LAST_CHANGE, &val);
	assert_int_equal(val.num, 100);
	assert_int_equal(lsw_conn_value(v, r, LSW_CONN_NAME, &val), -1); /* index: not-accessible */

	ike = lsw_view_ikesa(v, (const oid[]){10}, 1, false);
	assert_non_null(ike);
	lsw_ikesa_value(ike, LSW_IKESA_CONN_INSTANCE, &val);
	assert_memory_equal(val.str, "[1]", val.len);
	lsw_ikesa_value(ike, LSW_IKESA_PEER_PORT, &val);
	assert_int_equal(val.num, 500);
	lsw_ikesa_value(ike, LSW_IKESA_STATE, &val);
	assert_int_equal(val.num, LSW_SA_ESTABLISHED);
	lsw_ikesa_value(ike, LSW_IKESA_NEXT_EVENT_SECONDS, &val);
	assert_true(val.num > 0);

	child = lsw_view_ipsecsa(v, (const oid[]){7}, 1, false);
	lsw_ipsecsa_value(child, LSW_IPSECSA_STATE_NAME, &val);
	assert_memory_equal(val.str, "STATE_QUICK_I1", val.len);
	lsw_ipsecsa_value(child, LSW_IPSECSA_STATE, &val);
	assert_int_equal(val.num, LSW_SA_NEGOTIATING);
	/* Unknown: no instance, never an all-zero DateAndTime (month 0). */
	assert_int_equal(lsw_ipsecsa_value(child, LSW_IPSECSA_ADD_TIME, &val), -1);
	lsw_view_free(v);
}

/* A value that is not known has no instance: no unknown(0), -1 or
 * all-zero DateAndTime that an NMS would read as a value (issue 11). */
static void test_no_sentinels(void **state)
{
	static const struct lsw_event ev = {.name = "EVENT_SA_REPLACE", .seconds = LSW_ABSENT};
	const struct lsw_ike_sa ike = {
	    .sa = {.serial = 1,
	           .ike_version = LSW_IKE_UNKNOWN,
	           .role = LSW_ROLE_UNKNOWN,
	           .n_events = 1,
	           .events = &ev},
	    .lastdpd = -1, /* "lastdpd=-1s": no DPD exchange yet */
	};
	const struct lsw_ike_sa ike_dpd = {
	    .sa = {.serial = 2, .ike_version = LSW_IKEV2, .role = LSW_ROLE_RESPONDER},
	    .lastdpd = 30,
	};
	const struct lsw_child_sa child = {
	    .sa = {.serial = 3, .role = LSW_ROLE_UNKNOWN},
	    .mode = LSW_MODE_UNKNOWN,
	    .add_time = LSW_ABSENT,
	};
	struct lsw_value val;

	assert_int_equal(lsw_ikesa_value(&ike, LSW_IKESA_LAST_DPD, &val), -1);
	assert_int_equal(lsw_ikesa_value(&ike, LSW_IKESA_IKE_VERSION, &val), -1);
	assert_int_equal(lsw_ikesa_value(&ike, LSW_IKESA_ROLE, &val), -1);
	assert_int_equal(lsw_ikesa_value(&ike, LSW_IKESA_NEXT_EVENT_SECONDS, &val), -1);
	assert_int_equal(lsw_ikesa_value(&ike_dpd, LSW_IKESA_LAST_DPD, &val), 0);
	assert_int_equal(val.num, 30);
	assert_int_equal(lsw_ikesa_value(&ike_dpd, LSW_IKESA_IKE_VERSION, &val), 0);
	assert_int_equal(val.num, 2);
	assert_int_equal(lsw_ikesa_value(&ike_dpd, LSW_IKESA_ROLE, &val), 0);
	assert_int_equal(val.num, 2);
	assert_int_equal(lsw_ipsecsa_value(&child, LSW_IPSECSA_ROLE, &val), -1);
	assert_int_equal(lsw_ipsecsa_value(&child, LSW_IPSECSA_MODE, &val), -1);
	assert_int_equal(lsw_ipsecsa_value(&child, LSW_IPSECSA_ADD_TIME, &val), -1);
	assert_int_equal(lsw_value_date(&val, 0), 0); /* 1970 is a date */
	assert_int_equal(val.len, 11);
	assert_int_equal(val.buf[2], 1); /* January, never month 0 */
}

/* Exact trafficstatus bytes win over the status line; a connection with an
 * established Child SA only in trafficstatus is up. */
static void test_traffic_bytes(void **state)
{
	struct lsw_view *v = load_view("v4.10-ikev1-hub-spoke__east__1.status.txt",
	                               "v4.10-ikev1-hub-spoke__east__2.trafficstatus.txt");
	oid idx[LSW_CONN_INDEX_MAX];
	const struct lsw_conn_row *r =
	    lsw_view_conn(v, idx, (size_t)conn_idx(idx, "westnet-northnet-ipv4-psk", NULL), false);
	struct lsw_value val;

	assert_non_null(r);
	assert_int_equal(r->conn->oper, LSW_CONN_UP);
	assert_int_equal(r->in_octets, 336);
	assert_int_equal(r->out_octets, 336);
	lsw_conn_value(v, r, LSW_CONN_IN_OCTETS, &val);
	assert_int_equal(val.type, ASN_COUNTER64);
	assert_int_equal(val.u64, 336);
	lsw_ipsecsa_value(lsw_view_ipsecsa(v, (const oid[]){4}, 1, false), LSW_IPSECSA_REMOTE_ID,
	                  &val);
	assert_memory_equal(val.str, "@west", val.len);
	assert_int_equal(v->n_conns_up, 2);
	lsw_view_free(v);
}

/* Replace every occurrence of from by to (same length or not) in text. */
static char *replace(const char *text, const char *from, const char *to)
{
	size_t fl = strlen(from), tl = strlen(to), n = 0;
	char *out = malloc(strlen(text) * 2 + 1), *o = out;

	assert_non_null(out);
	for (const char *p = text; *p;) {
		if (strncmp(p, from, fl) == 0) {
			memcpy(o, to, tl);
			o += tl;
			p += fl;
			n++;
		} else {
			*o++ = *p++;
		}
	}
	*o = '\0';
	assert_true(n > 0);
	return out;
}

/*
 * Hand-made sequence on the real road-warrior status (Child SA #2 of
 * "road-east-x509-ipv4"[1]), polls at t = 100, 200, 300, 400:
 *   1. #2 with inBytes=1000 outBytes=2000                  -> 1000 / 2000
 *   2. rekeyed: #4 replaces #2, 10 / 20 bytes so far        -> 1010 / 2020
 *   3. same #4, status text only (rounded ESPin=168B < 10?) -> never less
 *   4. the Child SA is gone, connection down               -> 1010+ kept, LastChange moves
 */
static void test_octets_monotonic(void **state)
{
	size_t n;
	char *status =
	    testlib_slurp_data("agent", "v4.10-ikev2-41-rw-replace__road__2.status.txt", &n);
	char *rekeyed = replace(status, "#2", "#4");
	const char *t1 =
	    "006 #2: \"road-east-x509-ipv4\"[1] 192.1.2.23, type=ESP, add_time=1700000000, "
	    "inBytes=1000, outBytes=2000, maxBytes=2^63B, id='@east'\n";
	const char *t2 =
	    "006 #4: \"road-east-x509-ipv4\"[1] 192.1.2.23, type=ESP, add_time=1700000100, "
	    "inBytes=10, outBytes=20, maxBytes=2^63B, id='@east'\n";
	oid idx[LSW_CONN_INDEX_MAX];
	size_t il = (size_t)conn_idx(idx, "road-east-x509-ipv4", "[1]");
	struct lsw_view *v1, *v2, *v3, *v4;
	const struct lsw_conn_row *r;
	char *nostates;

	/* Poll 4: the state lines removed (Child SA and IKE SA gone). */
	nostates = strdup(status);
	for (char *p = strstr(nostates, "000 #"); p; p = strstr(p, "000 #"))
		memcpy(p, "000 .", 5); /* an ignored line now: no SA left */
	v1 = lsw_view_new(testlib_feed(status, t1), NULL, 100);
	r = lsw_view_conn(v1, idx, il, false);
	assert_int_equal(r->conn->oper, LSW_CONN_UP);
	assert_int_equal(r->in_octets, 1000);
	assert_int_equal(r->out_octets, 2000);
	assert_int_equal(r->last_change, 100);

	v2 = lsw_view_new(testlib_feed(rekeyed, t2), v1, 200);
	r = lsw_view_conn(v2, idx, il, false);
	assert_int_equal(r->in_octets, 1010);
	assert_int_equal(r->out_octets, 2020);
	assert_int_equal(r->last_change, 100); /* still up: no change */
	lsw_view_free(v1);

	v3 = lsw_view_new(testlib_feed(rekeyed, NULL), v2, 300);
	r = lsw_view_conn(v3, idx, il, false);
	/* #4 now only from the status line (ESPin=168B): the same SA, so its
	 * count is max(168, 10) and the connection never goes back. */
	assert_int_equal(r->in_octets, 1000 + 168);
	assert_true(r->out_octets >= 2020);
	lsw_view_free(v2);

	v4 = lsw_view_new(testlib_feed(nostates, NULL), v3, 400);
	r = lsw_view_conn(v4, idx, il, false);
	assert_int_equal(r->conn->oper, LSW_CONN_DOWN);
	assert_int_equal(r->in_octets, 1168);
	assert_int_equal(r->last_change, 400);
	lsw_view_free(v3);
	lsw_view_free(v4);
	free(status);
	free(rekeyed);
	free(nostates);
}

/*
 * The same on three real polls of one pluto (tests/data/agent/uml-*, libreswan
 * 4.10 under User-Mode-Linux): v2-tunnel has Child SA #3 (252 octets each
 * way); after its rekey #13 (168) runs beside #3; then it is terminated and
 * both are gone. lsConnInOctets: 252 -> 420 -> 420, the status down, and
 * lsConnLastChange moves only then.
 */
static void test_octets_real_polls(void **state)
{
	struct lsw_view *v3 =
	    load_view("uml-03-up.west.status.txt", "uml-03-up.west.trafficstatus.txt");
	size_t n;
	char *s4 = testlib_slurp_data("agent", "uml-04-rekeyed.west.status.txt", &n);
	char *t4 = testlib_slurp_data("agent", "uml-04-rekeyed.west.trafficstatus.txt", &n);
	char *s5 = testlib_slurp_data("agent", "uml-05-terminated.west.status.txt", &n);
	char *t5 = testlib_slurp_data("agent", "uml-05-terminated.west.trafficstatus.txt", &n);
	oid idx[LSW_CONN_INDEX_MAX];
	size_t il = (size_t)conn_idx(idx, "v2-tunnel", "");
	struct lsw_view *v4, *v5;
	const struct lsw_conn_row *r;

	r = lsw_view_conn(v3, idx, il, false);
	assert_int_equal(r->conn->oper, LSW_CONN_UP);
	assert_int_equal(r->in_octets, 252);
	assert_int_equal(r->out_octets, 252);
	assert_int_equal(v3->n_conns_up, 5);

	v4 = lsw_view_new(testlib_feed(s4, t4), v3, 200);
	r = lsw_view_conn(v4, idx, il, false);
	assert_int_equal(r->n_children, 2);
	assert_int_equal(r->in_octets, 252 + 168);
	assert_int_equal(r->last_change, 100);
	lsw_view_free(v3);

	v5 = lsw_view_new(testlib_feed(s5, t5), v4, 300);
	r = lsw_view_conn(v5, idx, il, false);
	assert_int_equal(r->conn->oper, LSW_CONN_DOWN);
	assert_int_equal(r->n_children, 0);
	assert_int_equal(r->in_octets, 420);
	assert_int_equal(r->out_octets, 420);
	assert_int_equal(r->last_change, 300);
	/* The others did not change: v6-tunnel's Child SA #8 is still 208. */
	r = lsw_view_conn(v5, idx, (size_t)conn_idx(idx, "v6-tunnel", ""), false);
	assert_int_equal(r->in_octets, 208);
	assert_int_equal(r->last_change, 100);
	lsw_view_free(v4);
	lsw_view_free(v5);
	free(s4);
	free(t4);
	free(s5);
	free(t5);
}

/* libreswan 4.10 status, from the corpus (v4.10/ikev2-29-no-rekey__west__2,
 * the algorithm lists cut): IKE SA #1, Child SA #2 with ESPin=84B. */
static const char wrap_status[] =
    "000 using kernel interface: xfrm\n"
    "000 Connection list:\n"
    "000  \n"
    "000 \"westnet-eastnet-ikev2\": "
    "192.0.1.0/24===192.1.2.45[@west]...192.1.2.23[@east]===192.0.2.0/24; erouted; "
    "eroute owner: #2\n"
    "000 \"westnet-eastnet-ikev2\":     oriented; my_ip=unset; their_ip=unset; my_updown=ipsec "
    "_updown;\n"
    "000 \"westnet-eastnet-ikev2\":   ike_life: 100s; ipsec_life: 28800s; ipsec_max_bytes: "
    "2^63B; ipsec_max_packets: 2^63; replay_window: 128; rekey_margin: 20s; rekey_fuzz: 100%; "
    "keyingtries: 0;\n"
    "000 \"westnet-eastnet-ikev2\":   policy: "
    "IKEv2+RSASIG+ECDSA+RSASIG_v1_5+ENCRYPT+TUNNEL+PFS+DONT_REKEY+UP+IKE_FRAG_ALLOW+ESN_NO+ESN_"
    "YES;\n"
    "000 \"westnet-eastnet-ikev2\":   our idtype: ID_FQDN; our id=@west; their idtype: ID_FQDN; "
    "their id=@east\n"
    "000 \"westnet-eastnet-ikev2\":   newest IKE SA: #1; newest IPsec SA: #2; conn serial: $1;\n"
    "000 \"westnet-eastnet-ikev2\":   IKEv2 algorithm newest: "
    "AES_GCM_16_256-HMAC_SHA2_512-MODP2048\n"
    "000 \"westnet-eastnet-ikev2\":   ESP algorithm newest: AES_GCM_16_256-NONE; "
    "pfsgroup=<Phase1>\n"
    "000  \n"
    "000 Total IPsec connections: loaded 1, active 1\n"
    "000  \n"
    "000 State Information: DDoS cookies not required, Accepting new IKE connections\n"
    "000 IKE SAs: total(1), half-open(0), open(0), authenticated(1), anonymous(0)\n"
    "000 IPsec SAs: total(1), authenticated(1), anonymous(0)\n"
    "000  \n"
    "000 #1: \"westnet-eastnet-ikev2\":500 STATE_V2_ESTABLISHED_IKE_SA (established IKE SA); "
    "EXPIRE in XXs; newest; idle;\n"
    "000 #2: \"westnet-eastnet-ikev2\":500 STATE_V2_ESTABLISHED_CHILD_SA (established Child "
    "SA); EXPIRE in XXs; newest; eroute owner; IKE SA #1; idle;\n"
    "000 #2: \"westnet-eastnet-ikev2\" esp.ESPSPIi@192.1.2.23 esp.ESPSPIi@192.1.2.45 "
    "tun.0@192.1.2.23 tun.0@192.1.2.45 Traffic: ESPin=84B ESPout=84B ESPmax=2^63B \n"
    "000  \n"
    "000 Bare Shunt list:\n"
    "000  \n";

/* lsIpsecSaInOctets / OutOctets of serial through the table, as snmpd gets it. */
static uint64_t sa_octets_col(const struct lsw_view *v, uint32_t serial, unsigned col)
{
	const struct lsw_table_ops *ops = &lsw_ipsecsa_table_ops;
	oid name[MAX_OID_LEN], out[MAX_OID_LEN];
	size_t olen;
	struct lsw_value val;

	memcpy(name, ops->entry, ops->entry_len * sizeof(oid));
	name[ops->entry_len] = col;
	name[ops->entry_len + 1] = serial;
	if (lsw_table_answer(ops, v, name, ops->entry_len + 2, col, false, out, &olen, &val) < 0)
		fail_msg("no lsIpsecSaTable column %u of #%u", col, serial);
	assert_int_equal(val.type, ASN_COUNTER64);
	return val.u64;
}

struct wrap_poll {
	const char *what;
	uint32_t serial;     /* the Child SA (#2 in wrap_status, else renamed) */
	long long add_time;  /* trafficstatus add_time= */
	uint64_t in, out;    /* trafficstatus inBytes= / outBytes= */
	const char *rounded; /* non-NULL: no trafficstatus, this status Traffic: instead */
	uint64_t conn_in, conn_out, sa_in, sa_out; /* lsConn* / lsIpsecSa*Octets */
};

#define W32 4294967296ull

/*
 * libreswan 4.10 prints inBytes=%u (wraps at 2^32) and outBytes=%ju. One
 * connection, polls at t = 100, 200, ...; every poll it is up, so
 * lsConnLastChange stays 100 also across the rekey and the restart.
 */
static void test_octets_wrap(void **state)
{
	static const struct wrap_poll polls[] = {
	    {"first count", 2, 1234567890, 4294967000u, 100, NULL, 4294967000u, 100, 4294967000u,
	     100},
	    {"inBytes wrapped: + 296 + 500", 2, 1234567890, 500, 200, NULL, W32 + 500, 200,
	     W32 + 500, 200},
	    {"climbs again", 2, 1234567890, 4294966000u, 300, NULL, W32 + 4294966000u, 300,
	     W32 + 4294966000u, 300},
	    /* Rounded counts: no wrap test, no offset, only ever raise. */
	    {"status only: ESPin=4095MB is less, kept; ESPout=1KB is more", 2, 0, 0, 0,
	     "ESPin=4095MB ESPout=1KB", W32 + 4294966000u, 1024, W32 + 4294966000u, 1024},
	    {"second wrap, seen across the rounded poll", 2, 1234567890, 1000, 400, NULL,
	     2 * W32 + 1000, 1024, 2 * W32 + 1000, 1024},
	    {"exact again, out below the rounded 1KB: kept", 2, 1234567890, 1500, 1100, NULL,
	     2 * W32 + 1500, 1100, 2 * W32 + 1500, 1100},
	    /* #2 is gone: its counts go into the connection's base. */
	    {"rekeyed: #3 starts at its raw count", 3, 1234567990, 50, 60, NULL,
	     2 * W32 + 1500 + 50, 1100 + 60, 50, 60},
	    {"#3 inBytes from 50 to 40 in the same SA: a wrap", 3, 1234567990, 40, 70, NULL,
	     2 * W32 + 1500 + W32 + 40, 1100 + 70, W32 + 40, 70},
	    /* Same serial, new add_time: pluto restarted, a new kernel SA. */
	    {"pluto restarted: #3 is new", 3, 1234568990, 7, 8, NULL, 2 * W32 + 1500 + W32 + 40 + 7,
	     1100 + 70 + 8, 7, 8},
	};
	oid idx[LSW_CONN_INDEX_MAX];
	size_t il = (size_t)conn_idx(idx, "westnet-eastnet-ikev2", "");
	struct lsw_view *prev = NULL;

	for (size_t i = 0; i < sizeof(polls) / sizeof(polls[0]); i++) {
		const struct wrap_poll *p = &polls[i];
		char serial[16], traffic[512], *status, *tmp;
		struct lsw_view *v;
		const struct lsw_conn_row *r;

		snprintf(serial, sizeof(serial), "#%u", p->serial);
		status = p->serial == 2 ? strdup(wrap_status) : replace(wrap_status, "#2", serial);
		if (p->rounded) {
			tmp = replace(status, "ESPin=84B ESPout=84B", p->rounded);
			free(status);
			status = tmp;
		} else {
			snprintf(traffic, sizeof(traffic),
			         "006 #%u: \"westnet-eastnet-ikev2\", type=ESP, add_time=%lld, "
			         "inBytes=%llu, outBytes=%llu, maxBytes=2^63B, id='@east'\n",
			         p->serial, p->add_time, (unsigned long long)p->in,
			         (unsigned long long)p->out);
		}
		v = lsw_view_new(testlib_feed(status, p->rounded ? NULL : traffic), prev,
		                 (uint32_t)(100 * (i + 1)));
		assert_non_null(v);
		r = lsw_view_conn(v, idx, il, false);
		assert_non_null(r);
		assert_int_equal(r->conn->oper, LSW_CONN_UP);
		if (r->in_octets != p->conn_in || r->out_octets != p->conn_out)
			fail_msg("%s: lsConnIn/OutOctets %llu/%llu, want %llu/%llu", p->what,
			         (unsigned long long)r->in_octets,
			         (unsigned long long)r->out_octets, (unsigned long long)p->conn_in,
			         (unsigned long long)p->conn_out);
		if (sa_octets_col(v, p->serial, LSW_IPSECSA_IN_OCTETS) != p->sa_in ||
		    sa_octets_col(v, p->serial, LSW_IPSECSA_OUT_OCTETS) != p->sa_out)
			fail_msg(
			    "%s: lsIpsecSaIn/OutOctets.%u %llu/%llu, want %llu/%llu", p->what,
			    p->serial,
			    (unsigned long long)sa_octets_col(v, p->serial, LSW_IPSECSA_IN_OCTETS),
			    (unsigned long long)sa_octets_col(v, p->serial, LSW_IPSECSA_OUT_OCTETS),
			    (unsigned long long)p->sa_in, (unsigned long long)p->sa_out);
		if (r->last_change != 100)
			fail_msg("%s: lsConnLastChange %llu, want 100", p->what,
			         (unsigned long long)r->last_change);
		lsw_view_free(prev);
		prev = v;
		free(status);
	}
	lsw_view_free(prev);
}

/* Names too long for a 128 sub-identifier OID are left out and counted. */
static void test_long_names(void **state)
{
	size_t n;
	char *status =
	    testlib_slurp_data("agent", "v4.10-ikev2-41-rw-replace__road__2.status.txt", &n);
	char name90[91], name91[92];
	char *s90, *s91;
	struct lsw_view *v;
	oid idx[LSW_CONN_INDEX_MAX], full[MAX_OID_LEN];
	const struct lsw_conn_row *r;

	memset(name90, 'a', 90);
	name90[90] = '\0';
	memset(name91, 'b', 91);
	name91[91] = '\0';
	/* The template gets a 91-octet name, the instance a 90-octet one. */
	{
		char q91[100], q90[100];

		snprintf(q91, sizeof(q91), "\"%s\":", name91);
		snprintf(q90, sizeof(q90), "\"%s\"[", name90);
		s91 = replace(status, "\"road-east-x509-ipv4\":", q91);
		s90 = replace(s91, "\"road-east-x509-ipv4\"[", q90);
	}
	v = lsw_view_new(testlib_feed(s90, NULL), NULL, 1);
	assert_int_equal(v->n_not_served, 1);
	assert_int_equal(v->n_conns, 1);
	r = lsw_view_conn(v, idx, (size_t)conn_idx(idx, name90, "[1]"), false);
	assert_non_null(r);
	/* column OID (12) + 1 + 90 + 1 + 3 = 107: fits; 91 octets of name never do
	 * with a 24-octet instance. */
	assert_true(
	    lsw_mib_instance_oid(full, lsw_conn_table_ops.entry, 11, 3, r->idx, r->idx_len) <= 128);
	assert_int_equal(lsw_mib_conn_index(idx, name91, ""), -1);
	/* The connection left out is listed by name, for the one log line
	 * (view.c logs it when the previous view did not have it). */
	assert_int_equal(v->n_too_long, 1);
	assert_string_equal(v->too_long[0]->name, name91);
	{
		struct lsw_view *w = lsw_view_new(testlib_feed(s90, NULL), v, 2);

		assert_non_null(w);
		assert_int_equal(w->n_too_long, 1);
		lsw_view_free(w);
	}
	lsw_view_free(v);
	free(status);
	free(s90);
	free(s91);
}

struct fail_case {
	const char *what, *status, *message;
};

static void test_failure_rules(void **state)
{
	static const struct fail_case cases[] = {
	    {"empty", "", "the status output is empty"},
	    {"garbage",
	     "Segmentation fault\nwhack: Pluto is not running (no \"/run/pluto/pluto.ctl\")\n",
	     "lines"},
	    {"binary junk", "\x01\x02\x03\n\xff\xfe\n", "lines"},
	};
	struct lsw_snapshot *s;
	char err[256];
	size_t n, n2;
	char *real = testlib_slurp_data("agent", "ns-03-up.west.status.txt", &n);
	char *nopluto = testlib_slurp_data("agent", "ns-00-nopluto.west.status.txt", &n2);
	char *empty =
	    testlib_slurp_data("agent", "v5.4-ikev1-cryptoload-01__west__1.status.txt", &n2);

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err[0] = '\0';
		if (lsw_feed_parse(cases[i].status, strlen(cases[i].status), NULL, 0, &s, err,
		                   sizeof(err)) != -1 ||
		    strstr(err, cases[i].message) == NULL)
			fail_msg("%s: '%s'", cases[i].what, err);
		assert_null(s);
	}
	/* Real whack output when pluto is down: a line the parser knows, but
	 * not a status. */
	assert_int_equal(lsw_feed_parse(nopluto, strlen(nopluto), NULL, 0, &s, err, sizeof(err)),
	                 -1);
	assert_non_null(strstr(
	    err, "no connection, SA or total found in 1 lines: whack: Pluto is not running (no"));
	/* An empty pluto ("Total IPsec connections: loaded 0") is a good, empty snapshot. */
	assert_int_equal(lsw_feed_parse(empty, strlen(empty), NULL, 0, &s, err, sizeof(err)), 0);
	assert_int_equal(s->n_connections, 0);
	assert_int_equal(s->totals.conns_loaded, 0);
	lsw_snapshot_free(s);
	free(nopluto);
	free(empty);
	/* Real output, with or without a final newline before the traffic text. */
	assert_int_equal(lsw_feed_parse(real, n - 1, "", 0, &s, err, sizeof(err)), 0);
	assert_int_equal(s->n_connections, 6);
	lsw_snapshot_free(s);
	free(real);
}

static void test_read_file(void **state)
{
	char dir[] = "/tmp/test_agent_view.XXXXXX", path[256], *buf, err[512];
	size_t len;

	assert_non_null(mkdtemp(dir));
	assert_int_equal(lsw_source_read_file(dir, 1 << 20, &buf, &len, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "is a directory"));
	snprintf(path, sizeof(path), "%s/fifo", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	/* Must not wait for a writer. */
	assert_int_equal(lsw_source_read_file(path, 1 << 20, &buf, &len, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "is not a regular file"));
	unlink(path);
	snprintf(path, sizeof(path), "%s/missing", dir);
	assert_int_equal(lsw_source_read_file(path, 1 << 20, &buf, &len, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "No such file or directory"));
	snprintf(path, sizeof(path), "%s/big", dir);
	{
		FILE *f = fopen(path, "w");

		assert_non_null(f);
		for (int i = 0; i < 5000; i++)
			fputs("000 line\n", f);
		fclose(f);
	}
	assert_int_equal(lsw_source_read_file(path, 4096, &buf, &len, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "larger than max-output"));
	assert_int_equal(lsw_source_read_file(path, 1 << 20, &buf, &len, err, sizeof(err)), 0);
	assert_int_equal(len, 5000 * 9);
	free(buf);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_conn_oid_order),   cmocka_unit_test(test_conn_lookup),
	    cmocka_unit_test(test_sa_lookup),        cmocka_unit_test(test_walk),
	    cmocka_unit_test(test_values),           cmocka_unit_test(test_traffic_bytes),
	    cmocka_unit_test(test_octets_monotonic), cmocka_unit_test(test_octets_real_polls),
	    cmocka_unit_test(test_octets_wrap),      cmocka_unit_test(test_long_names),
	    cmocka_unit_test(test_failure_rules),    cmocka_unit_test(test_read_file),
	    cmocka_unit_test(test_sparse_column),    cmocka_unit_test(test_no_sentinels),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
