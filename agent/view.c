/* view.c - rows in OID order and the octet counters of connections and IPsec SAs. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "diff.h"
#include "view.h"

uint64_t lsw_mono_cs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 100 + (uint64_t)ts.tv_nsec / 10000000;
}

int lsw_view_conn_oper(const struct lsw_view *v, const struct lsw_conn_row *row)
{
	if (v->unknown)
		return LSW_OPER_UNKNOWN;
	/* A template is never up itself (its instances are): down(1) forever
	 * would read as an outage. SAs naming the template itself (rare) do
	 * show. */
	if (row->conn->kind == LSW_KIND_TEMPLATE && row->conn->oper == LSW_CONN_DOWN)
		return LSW_OPER_NOT_APPLICABLE;
	return (int)row->conn->oper;
}

int lsw_view_sa_state(const struct lsw_view *v, const struct lsw_sa *sa)
{
	return v != NULL && v->unknown ? LSW_SA_STATE_UNKNOWN : (int)sa->state;
}

uint64_t lsw_view_ike_created(const struct lsw_view *v, const struct lsw_ike_sa *ike)
{
	if (v == NULL || ike < v->ike_sas || ike >= v->ike_sas + v->n_ike_sas)
		return 0;
	return v->ike_created[ike - v->ike_sas];
}

int lsw_oid_cmp(const oid *a, size_t alen, const oid *b, size_t blen)
{
	size_t n = alen < blen ? alen : blen;

	for (size_t i = 0; i < n; i++) {
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	}
	if (alen == blen)
		return 0;
	return alen < blen ? -1 : 1;
}

static int conn_row_cmp(const void *a, const void *b)
{
	const struct lsw_conn_row *x = a, *y = b;

	return lsw_oid_cmp(x->idx, x->idx_len, y->idx, y->idx_len);
}

/* First row >= idx (or > idx when strict), in [0, n]. */
static size_t conn_bound(const struct lsw_view *v, const oid *idx, size_t len, bool strict)
{
	size_t lo = 0, hi = v->n_conns;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = lsw_oid_cmp(v->conns[mid].idx, v->conns[mid].idx_len, idx, len);

		if (c < 0 || (strict && c == 0))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct lsw_conn_row *lsw_view_conn(const struct lsw_view *v, const oid *idx, size_t idx_len,
                                         bool next)
{
	size_t i;

	if (v == NULL)
		return NULL;
	i = conn_bound(v, idx, idx_len, next);
	if (i >= v->n_conns)
		return NULL;
	if (!next && lsw_oid_cmp(v->conns[i].idx, v->conns[i].idx_len, idx, idx_len) != 0)
		return NULL;
	return &v->conns[i];
}

/* Serial index lookup on an array sorted by serial; elem_size strides over
 * lsw_ike_sa or lsw_child_sa, whose first member is the serial. */
static const void *serial_lookup(const void *base, size_t n, size_t elem_size, size_t serial_off,
                                 const oid *idx, size_t idx_len, bool next)
{
	uint64_t want;
	size_t lo = 0, hi = n;

	if (idx_len == 0) {
		/* GETNEXT from the column itself: the first row; a GET needs an index. */
		return next && n > 0 ? base : NULL;
	}
	if (!next && idx_len != 1)
		return NULL;
	if (idx[0] > UINT32_MAX)
		return NULL;
	/* For GETNEXT even idx = S.x.y sorts after row S, so look for > S. */
	want = idx[0];
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint32_t s;

		memcpy(&s, (const char *)base + mid * elem_size + serial_off, sizeof(s));
		if (s < want || (next && s == want))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo >= n)
		return NULL;
	if (!next) {
		uint32_t s;

		memcpy(&s, (const char *)base + lo * elem_size + serial_off, sizeof(s));
		if (s != want)
			return NULL;
	}
	return (const char *)base + lo * elem_size;
}

const struct lsw_ike_sa *lsw_view_ikesa(const struct lsw_view *v, const oid *idx, size_t idx_len,
                                        bool next)
{
	if (v == NULL)
		return NULL;
	return serial_lookup(v->ike_sas, v->n_ike_sas, sizeof(*v->ike_sas),
	                     offsetof(struct lsw_ike_sa, sa.serial), idx, idx_len, next);
}

const struct lsw_child_sa *lsw_view_ipsecsa(const struct lsw_view *v, const oid *idx,
                                            size_t idx_len, bool next)
{
	if (v == NULL)
		return NULL;
	return serial_lookup(v->child_sas, v->n_child_sas, sizeof(*v->child_sas),
	                     offsetof(struct lsw_child_sa, sa.serial), idx, idx_len, next);
}

struct child_ref {
	size_t row;
	const struct lsw_child_sa *sa;
};

static int child_ref_cmp(const void *a, const void *b)
{
	const struct child_ref *x = a, *y = b;

	if (x->row != y->row)
		return x->row < y->row ? -1 : 1;
	return x->sa->sa.serial < y->sa->sa.serial ? -1 : x->sa->sa.serial > y->sa->sa.serial;
}

const struct lsw_sa_octets *lsw_view_sa_octets(const struct lsw_view *v,
                                               const struct lsw_child_sa *sa)
{
	if (v == NULL || sa == NULL || sa < v->child_sas || sa >= v->child_sas + v->n_child_sas)
		return NULL;
	return &v->sa_octets[sa - v->child_sas];
}

#define LSW_WRAP32 ((uint64_t)1 << 32)

/*
 * One counter of an IPsec SA that was (old != NULL) or was not in the
 * previous view. The served value never goes down while the SA lives:
 *
 * - Exact counts (bytes_exact) of libreswan before 5.0 are 32 bits wide
 *   (inBytes always, outBytes before 4.8) and wrap at 2^32, the kernel's
 *   counter does not. So when the last exact raw value was below 2^32 and
 *   the new exact one is smaller, the counter wrapped: 2^32 more go into
 *   this SA's offset, and raw + offset is served. An exact value from a
 *   64-bit counter (last value >= 2^32) that is smaller is not a wrap.
 * - A rounded count (the status line's ESPin=12KB, floored to KB or MB) is
 *   not compared for wraps and gets no offset: it is a lower bound of the
 *   count, which only raises the served value (the larger is kept). Whether
 *   pluto formats it from the 64-bit counter or not, this never counts a
 *   byte twice; at worst the value stands still until an exact count comes.
 *   The last exact raw value survives rounded polls, so a wrap across one
 *   is still seen.
 *
 * Limits: a raw value that went down by a wrap cannot be told apart from a
 * kernel counter that restarted at 0 for the same serial; only add_time
 * tells a new SA (see sa_same()), so a reset within the same second counts
 * as a wrap. More than one wrap between two polls (4 GiB per poll
 * interval) is seen as one.
 */
static void sa_count(struct lsw_sa_counter *c, const struct lsw_sa_counter *old, bool known,
                     bool exact, uint64_t raw)
{
	if (old != NULL)
		*c = *old;
	if (!known)
		return;
	if (!exact) {
		if (c->value < raw)
			c->value = raw;
		return;
	}
	if (old != NULL && c->has_exact && raw < c->last_exact && c->last_exact < LSW_WRAP32)
		c->offset += LSW_WRAP32;
	c->last_exact = raw;
	c->has_exact = true;
	if (c->value < raw + c->offset)
		c->value = raw + c->offset;
}

/* Whether sa is the SA prev counted under the same serial: the same
 * connection (a serial that changed connection is a new SA) and the same
 * add_time when both are known (pluto restarted and reused the serial). */
static bool sa_same(const struct lsw_child_sa *sa, const struct lsw_child_sa *psa,
                    const struct lsw_sa_octets *po)
{
	return strcmp(sa->sa.connection, psa->sa.connection) == 0 &&
	       strcmp(sa->sa.instance, psa->sa.instance) == 0 &&
	       !(sa->add_time != LSW_ABSENT && po->add_time != LSW_ABSENT &&
	         sa->add_time != po->add_time);
}

/* The counters of every IPsec SA of v, from prev's for the same SAs
 * (prev NULL: none, also after a pluto restart). */
static void count_sas(struct lsw_view *v, const struct lsw_view *prev, uint64_t now)
{
	for (size_t i = 0; i < v->n_child_sas; i++) {
		const struct lsw_child_sa *sa = &v->child_sas[i];
		const struct lsw_child_sa *psa =
		    prev ? lsw_snapshot_find_child_sa(prev->snap, sa->sa.serial) : NULL;
		const struct lsw_sa_octets *po = lsw_view_sa_octets(prev, psa);
		struct lsw_sa_octets *o = &v->sa_octets[i];
		bool exact = sa->has_bytes && sa->bytes_exact;

		if (po != NULL && !sa_same(sa, psa, po))
			po = NULL;
		o->serial = sa->sa.serial;
		o->continued = po != NULL;
		o->created = po != NULL ? po->created : now;
		o->add_time =
		    sa->add_time != LSW_ABSENT || po == NULL ? sa->add_time : po->add_time;
		sa_count(&o->in, po ? &po->in : NULL, sa->has_bytes, exact, sa->in_bytes);
		sa_count(&o->out, po ? &po->out : NULL, sa->has_bytes, exact, sa->out_bytes);
	}
}

/* When each IKE SA was first seen: prev's time for the same SA (same
 * serial and connection; prev NULL after a pluto restart), else now. */
static int date_ike_sas(struct lsw_view *v, const struct lsw_view *prev, uint64_t now)
{
	if (v->n_ike_sas == 0)
		return 0;
	v->ike_created = calloc(v->n_ike_sas, sizeof(*v->ike_created));
	if (v->ike_created == NULL)
		return -1;
	for (size_t i = 0; i < v->n_ike_sas; i++) {
		const struct lsw_ike_sa *sa = &v->ike_sas[i];
		const struct lsw_ike_sa *psa =
		    prev ? lsw_snapshot_find_ike_sa(prev->snap, sa->sa.serial) : NULL;
		uint64_t was = lsw_view_ike_created(prev, psa);

		v->ike_created[i] = was != 0 &&
		                            strcmp(sa->sa.connection, psa->sa.connection) == 0 &&
		                            strcmp(sa->sa.instance, psa->sa.instance) == 0
		                        ? was
		                        : now;
	}
	return 0;
}

/* lsConnDisplayName of every row, "name" or "name[3]", in one block. */
static int name_rows(struct lsw_view *v)
{
	size_t total = 0;
	char *p;

	for (size_t i = 0; i < v->n_conns; i++)
		total += strlen(v->conns[i].conn->name) + strlen(v->conns[i].conn->instance) + 1;
	if (total == 0)
		return 0;
	p = v->display_pool = malloc(total);
	if (p == NULL)
		return -1;
	for (size_t i = 0; i < v->n_conns; i++) {
		const struct lsw_connection *c = v->conns[i].conn;
		size_t nl = strlen(c->name), il = strlen(c->instance);

		memcpy(p, c->name, nl);
		memcpy(p + nl, c->instance, il + 1);
		v->conns[i].display = p;
		p += nl + il + 1;
	}
	return 0;
}

/*
 * Octets of one connection, monotonic across polls: base (the last counts
 * of its IPsec SAs that are gone: rekeyed, deleted, pluto restarted) plus
 * the counts of its current IPsec SAs (count_sas()).
 */
static void count_octets(struct lsw_view *v, struct lsw_conn_row *row, const struct lsw_view *prev,
                         const struct lsw_conn_row *old)
{
	uint64_t cur_in = 0, cur_out = 0;

	if (old != NULL) {
		row->base_in = old->base_in;
		row->base_out = old->base_out;
		for (size_t i = 0; i < old->n_children; i++) {
			const struct lsw_sa_octets *po =
			    &prev->sa_octets[prev->child_idx[old->first_child + i]];
			const struct lsw_sa_octets *no =
			    lsw_view_sa_octets(v, lsw_snapshot_find_child_sa(v->snap, po->serial));

			if (no != NULL && no->continued)
				continue; /* still counted among the current ones */
			row->base_in += po->in.value;
			row->base_out += po->out.value;
		}
	}
	for (size_t j = 0; j < row->n_children; j++) {
		const struct lsw_sa_octets *o = &v->sa_octets[v->child_idx[row->first_child + j]];

		cur_in += o->in.value;
		cur_out += o->out.value;
	}
	row->in_octets = row->base_in + cur_in;
	row->out_octets = row->base_out + cur_out;
	if (old != NULL) {
		/* Belt and braces: never report less than last time. */
		if (row->in_octets < old->in_octets)
			row->in_octets = old->in_octets;
		if (row->out_octets < old->out_octets)
			row->out_octets = old->out_octets;
	}
}

static int build_children(struct lsw_view *v)
{
	const struct lsw_snapshot *s = v->snap;
	struct child_ref *refs = NULL;
	/* the row of each of the snapshot's connections, NULL when not served:
	 * an SA names its connection (sa.conn), no lookup by name */
	struct lsw_conn_row **row_of = NULL;
	size_t n = 0;
	int rc = -1;

	if (s->n_connections > 0 && (row_of = calloc(s->n_connections, sizeof(*row_of))) == NULL)
		goto out;
	for (size_t i = 0; i < v->n_conns; i++)
		row_of[v->conns[i].conn - s->connections] = &v->conns[i];
	if (s->n_child_sas > 0) {
		refs = calloc(s->n_child_sas, sizeof(*refs));
		v->child_idx = calloc(s->n_child_sas, sizeof(*v->child_idx));
		v->sa_octets = calloc(s->n_child_sas, sizeof(*v->sa_octets));
		if (refs == NULL || v->child_idx == NULL || v->sa_octets == NULL)
			goto out;
	}
	for (size_t i = 0; i < s->n_child_sas; i++) {
		const struct lsw_connection *c = s->child_sas[i].sa.conn;
		struct lsw_conn_row *row = c ? row_of[c - s->connections] : NULL;

		if (row == NULL)
			continue;
		row->n_child_sas++;
		if (s->child_sas[i].sa.serial == 0)
			continue;
		refs[n].row = (size_t)(row - v->conns);
		refs[n].sa = &s->child_sas[i];
		n++;
	}
	if (n > 0)
		qsort(refs, n, sizeof(*refs), child_ref_cmp);
	for (size_t i = 0; i < n; i++) {
		struct lsw_conn_row *row = &v->conns[refs[i].row];

		if (row->n_children == 0)
			row->first_child = i;
		row->n_children++;
		v->child_idx[i] = (size_t)(refs[i].sa - v->child_sas);
	}
	v->n_children = n;
	for (size_t i = 0; i < s->n_ike_sas; i++) {
		const struct lsw_connection *c = s->ike_sas[i].sa.conn;

		if (c != NULL && row_of[c - s->connections] != NULL)
			row_of[c - s->connections]->n_ike_sas++;
	}
	rc = 0;
out:
	free(row_of);
	free(refs);
	return rc;
}

/* Connections by name, then instance (strcmp: only for finding them). */
static int conn_name_cmp(const void *a, const void *b)
{
	const struct lsw_connection *x = *(const struct lsw_connection *const *)a,
	                            *y = *(const struct lsw_connection *const *)b;
	int c = strcmp(x->name ? x->name : "", y->name ? y->name : "");

	return c ? c : strcmp(x->instance ? x->instance : "", y->instance ? y->instance : "");
}

/* A connection that cannot be a row is only counted in lsConnsNotServed:
 * say which, once (not at every poll while it stays). */
static void log_too_long(const struct lsw_view *v, const struct lsw_view *prev)
{
	for (size_t i = 0; i < v->n_too_long; i++) {
		const struct lsw_connection *c = v->too_long[i];

		if (prev != NULL && prev->n_too_long > 0 &&
		    bsearch(&c, prev->too_long, prev->n_too_long, sizeof(*prev->too_long),
		            conn_name_cmp) != NULL)
			continue;
		snmp_log(LOG_WARNING,
		         "connection \"%.255s\"%.64s not served in lsConnTable: name (%zu octets) "
		         "and instance (%zu) exceed the index limits (%d and %d); its events are "
		         "in lsEventTable\n",
		         c->name ? c->name : "", c->instance ? c->instance : "",
		         c->name ? strlen(c->name) : 0, c->instance ? strlen(c->instance) : 0,
		         LSW_CONN_NAME_MAX, LSW_CONN_INSTANCE_MAX);
	}
}

static int build_conns(struct lsw_view *v)
{
	const struct lsw_snapshot *s = v->snap;
	size_t n = 0;

	if (s->n_connections == 0)
		return 0;
	v->conns = calloc(s->n_connections, sizeof(*v->conns));
	v->idx_pool = calloc(s->n_connections, LSW_CONN_INDEX_MAX * sizeof(oid));
	v->too_long = calloc(s->n_connections, sizeof(*v->too_long));
	if (v->conns == NULL || v->idx_pool == NULL || v->too_long == NULL)
		return -1;
	for (size_t i = 0; i < s->n_connections; i++) {
		oid *idx = v->idx_pool + n * LSW_CONN_INDEX_MAX;
		int len =
		    lsw_mib_conn_index(idx, s->connections[i].name, s->connections[i].instance);

		if (len < 0) {
			v->too_long[v->n_too_long++] = &s->connections[i];
			v->n_not_served++;
			continue;
		}
		v->conns[n].conn = &s->connections[i];
		v->conns[n].idx = idx;
		v->conns[n].idx_len = (size_t)len;
		n++;
	}
	qsort(v->conns, n, sizeof(*v->conns), conn_row_cmp);
	qsort(v->too_long, v->n_too_long, sizeof(*v->too_long), conn_name_cmp);
	/* The parser merges by (name, instance); drop any duplicate anyway,
	 * two rows with one index would break GETNEXT. */
	v->n_conns = 0;
	for (size_t i = 0; i < n; i++) {
		if (v->n_conns > 0 && conn_row_cmp(&v->conns[v->n_conns - 1], &v->conns[i]) == 0) {
			v->n_not_served++;
			continue;
		}
		v->conns[v->n_conns++] = v->conns[i];
	}
	return 0;
}

/* mprev is prev when the caller lets this view take over what prev's
 * poll learned of the kernel and pluto's counters (lsw_view_new_ext()). */
static struct lsw_view *view_build(struct lsw_snapshot *snap, struct lsw_poll_extra *extra,
                                   const struct lsw_view *prev, struct lsw_view *mprev,
                                   uint64_t now)
{
	struct lsw_view *v = calloc(1, sizeof(*v));
	/* SAs are matched with prev's by serial, which a new pluto reuses */
	const struct lsw_view *prev_sas =
	    prev && lsw_diff_pluto_restarted(prev->snap, snap) ? NULL : prev;
	size_t skip;

	if (v == NULL) {
		lsw_snapshot_free(snap);
		if (extra != NULL) {
			lsw_xfrm_dump_free(extra->dump);
			lsw_xfrm_stat_clear(&extra->xstat);
			lsw_globalstatus_free(extra->gstat);
		}
		return NULL;
	}
	v->snap = snap;
	/* Serial 0 means "none" and cannot be an index (1..4294967295). */
	for (skip = 0; skip < snap->n_ike_sas && snap->ike_sas[skip].sa.serial == 0; skip++)
		;
	v->ike_sas = snap->ike_sas + skip;
	v->n_ike_sas = snap->n_ike_sas - skip;
	for (skip = 0; skip < snap->n_child_sas && snap->child_sas[skip].sa.serial == 0; skip++)
		;
	v->child_sas = snap->child_sas + skip;
	v->n_child_sas = snap->n_child_sas - skip;
	if (build_conns(v) < 0 || build_children(v) < 0 || name_rows(v) < 0 ||
	    date_ike_sas(v, prev_sas, now) < 0)
		goto fail;
	log_too_long(v, prev);
	count_sas(v, prev_sas, now);
	for (size_t i = 0; i < v->n_conns; i++) {
		struct lsw_conn_row *row = &v->conns[i];
		const struct lsw_conn_row *old =
		    prev ? lsw_view_conn(prev, row->idx, row->idx_len, false) : NULL;

		count_octets(v, row, prev, old);
		/* Only the status counts: a rekey keeps the connection up. */
		if (old != NULL && old->conn->oper == row->conn->oper)
			row->last_change = old->last_change;
		else
			row->last_change = now;
		/* The counters go on from old's (count_octets()): they restart
		 * only with the row, in this agent's life. */
		row->created = old != NULL ? old->created : now;
		if (row->conn->oper == LSW_CONN_UP)
			v->n_conns_up++;
	}
	if (lsw_view_kernel_build(v, extra, prev, mprev, prev_sas, now) < 0) {
		lsw_view_free(v);
		return NULL;
	}
	return v;
fail:
	lsw_view_kernel_build(NULL, extra, NULL, NULL, NULL, now); /* frees extra's */
	lsw_view_free(v);
	return NULL;
}

struct lsw_view *lsw_view_new(struct lsw_snapshot *snap, const struct lsw_view *prev, uint64_t now)
{
	return view_build(snap, NULL, prev, NULL, now);
}

struct lsw_view *lsw_view_new_ext(struct lsw_snapshot *snap, struct lsw_poll_extra *extra,
                                  struct lsw_view *prev, uint64_t now)
{
	return view_build(snap, extra, prev, prev, now);
}

void lsw_view_free(struct lsw_view *v)
{
	if (v == NULL)
		return;
	lsw_snapshot_free(v->snap);
	free(v->conns);
	free(v->idx_pool);
	free(v->too_long);
	free(v->child_idx);
	free(v->sa_octets);
	free(v->ike_created);
	free(v->display_pool);
	lsw_view_kernel_free(v);
	free(v);
}
