/* view.c - rows in OID order and the per-connection counters. */
#include <stdlib.h>
#include <string.h>

#include "view.h"

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
	                     offsetof(struct lsw_ike_sa, serial), idx, idx_len, next);
}

const struct lsw_child_sa *lsw_view_ipsecsa(const struct lsw_view *v, const oid *idx,
                                            size_t idx_len, bool next)
{
	if (v == NULL)
		return NULL;
	return serial_lookup(v->child_sas, v->n_child_sas, sizeof(*v->child_sas),
	                     offsetof(struct lsw_child_sa, serial), idx, idx_len, next);
}

/* The conn row of (name, instance) in v, or NULL. */
static struct lsw_conn_row *find_row(struct lsw_view *v, const char *name, const char *inst)
{
	oid idx[LSW_CONN_INDEX_MAX];
	int n = lsw_mib_conn_index(idx, name, inst);
	size_t i;

	if (n < 0)
		return NULL;
	i = conn_bound(v, idx, (size_t)n, false);
	if (i >= v->n_conns ||
	    lsw_oid_cmp(v->conns[i].idx, v->conns[i].idx_len, idx, (size_t)n) != 0)
		return NULL;
	return &v->conns[i];
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
	return x->sa->serial < y->sa->serial ? -1 : x->sa->serial > y->sa->serial;
}

static bool same_conn(const struct lsw_child_sa *sa, const struct lsw_connection *c)
{
	return sa && strcmp(sa->connection, c->name) == 0 && strcmp(sa->instance, c->instance) == 0;
}

/*
 * Octets of one connection, monotonic across polls. An IPsec SA that was
 * there last time and is gone now (rekeyed, deleted) leaves its last count
 * in base. An SA still there under the same serial is the same kernel SA,
 * whose counters never go down: a smaller value only comes from the rounded
 * ESPin=12KB of a status line replacing an exact trafficstatus count, so
 * the larger is kept; unless add_time changed, which means pluto restarted
 * and reused the serial for a new SA.
 */
static void count_octets(struct lsw_view *v, struct lsw_conn_row *row, const struct lsw_view *prev,
                         const struct lsw_conn_row *old)
{
	uint64_t cur_in = 0, cur_out = 0;

	if (old != NULL) {
		row->base_in = old->base_in;
		row->base_out = old->base_out;
		for (size_t i = 0; i < old->n_children; i++) {
			const struct lsw_child_bytes *ob = &prev->children[old->first_child + i];
			const struct lsw_child_sa *sa =
			    lsw_snapshot_find_child_sa(v->snap, ob->serial);
			bool same = same_conn(sa, row->conn) &&
			            !(sa->add_time != LSW_ABSENT && ob->add_time != LSW_ABSENT &&
			              sa->add_time != ob->add_time);

			if (!same) {
				row->base_in += ob->in;
				row->base_out += ob->out;
				continue;
			}
			/* Still there: find its slot in this row and keep the larger count. */
			for (size_t j = 0; j < row->n_children; j++) {
				struct lsw_child_bytes *nb = &v->children[row->first_child + j];

				if (nb->serial != ob->serial)
					continue;
				if (nb->in < ob->in)
					nb->in = ob->in;
				if (nb->out < ob->out)
					nb->out = ob->out;
				break;
			}
		}
	}
	for (size_t j = 0; j < row->n_children; j++) {
		cur_in += v->children[row->first_child + j].in;
		cur_out += v->children[row->first_child + j].out;
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
	size_t n = 0;
	int rc = -1;

	if (s->n_child_sas > 0) {
		refs = calloc(s->n_child_sas, sizeof(*refs));
		v->children = calloc(s->n_child_sas, sizeof(*v->children));
		if (refs == NULL || v->children == NULL)
			goto out;
	}
	for (size_t i = 0; i < s->n_child_sas; i++) {
		struct lsw_conn_row *row =
		    find_row(v, s->child_sas[i].connection, s->child_sas[i].instance);

		if (row == NULL)
			continue;
		row->n_child_sas++;
		if (s->child_sas[i].serial == 0)
			continue;
		refs[n].row = (size_t)(row - v->conns);
		refs[n].sa = &s->child_sas[i];
		n++;
	}
	if (n > 0)
		qsort(refs, n, sizeof(*refs), child_ref_cmp);
	for (size_t i = 0; i < n; i++) {
		struct lsw_conn_row *row = &v->conns[refs[i].row];
		struct lsw_child_bytes *b = &v->children[i];

		if (row->n_children == 0)
			row->first_child = i;
		row->n_children++;
		b->serial = refs[i].sa->serial;
		b->in = refs[i].sa->has_bytes ? refs[i].sa->in_bytes : 0;
		b->out = refs[i].sa->has_bytes ? refs[i].sa->out_bytes : 0;
		b->add_time = refs[i].sa->add_time;
	}
	v->n_children = n;
	for (size_t i = 0; i < s->n_ike_sas; i++) {
		struct lsw_conn_row *row =
		    find_row(v, s->ike_sas[i].connection, s->ike_sas[i].instance);

		if (row != NULL)
			row->n_ike_sas++;
	}
	rc = 0;
out:
	free(refs);
	return rc;
}

static int build_conns(struct lsw_view *v)
{
	const struct lsw_snapshot *s = v->snap;
	size_t n = 0;

	if (s->n_connections == 0)
		return 0;
	v->conns = calloc(s->n_connections, sizeof(*v->conns));
	v->idx_pool = calloc(s->n_connections, LSW_CONN_INDEX_MAX * sizeof(oid));
	if (v->conns == NULL || v->idx_pool == NULL)
		return -1;
	for (size_t i = 0; i < s->n_connections; i++) {
		oid *idx = v->idx_pool + n * LSW_CONN_INDEX_MAX;
		int len =
		    lsw_mib_conn_index(idx, s->connections[i].name, s->connections[i].instance);

		if (len < 0) {
			v->n_not_served++;
			continue;
		}
		v->conns[n].conn = &s->connections[i];
		v->conns[n].idx = idx;
		v->conns[n].idx_len = (size_t)len;
		n++;
	}
	qsort(v->conns, n, sizeof(*v->conns), conn_row_cmp);
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

struct lsw_view *lsw_view_new(struct lsw_snapshot *snap, const struct lsw_view *prev, uint32_t now)
{
	struct lsw_view *v = calloc(1, sizeof(*v));
	size_t skip;

	if (v == NULL) {
		lsw_snapshot_free(snap);
		return NULL;
	}
	v->snap = snap;
	if (build_conns(v) < 0 || build_children(v) < 0)
		goto fail;
	for (size_t i = 0; i < v->n_conns; i++) {
		struct lsw_conn_row *row = &v->conns[i];
		const struct lsw_conn_row *old =
		    prev ? lsw_view_conn(prev, row->idx, row->idx_len, false) : NULL;

		count_octets(v, row, prev, old);
		if (old != NULL && old->conn->oper == row->conn->oper)
			row->last_change = old->last_change;
		else
			row->last_change = now;
		if (row->conn->oper == LSW_CONN_UP)
			v->n_conns_up++;
	}
	/* Serial 0 means "none" and cannot be an index (1..4294967295). */
	for (skip = 0; skip < snap->n_ike_sas && snap->ike_sas[skip].serial == 0; skip++)
		;
	v->ike_sas = snap->ike_sas + skip;
	v->n_ike_sas = snap->n_ike_sas - skip;
	for (skip = 0; skip < snap->n_child_sas && snap->child_sas[skip].serial == 0; skip++)
		;
	v->child_sas = snap->child_sas + skip;
	v->n_child_sas = snap->n_child_sas - skip;
	return v;
fail:
	lsw_view_free(v);
	return NULL;
}

void lsw_view_free(struct lsw_view *v)
{
	if (v == NULL)
		return;
	lsw_snapshot_free(v->snap);
	free(v->conns);
	free(v->idx_pool);
	free(v->children);
	free(v);
}
