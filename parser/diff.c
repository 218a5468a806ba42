/* diff.c - old snapshot + new snapshot -> events (see diff.h for the rules). */
#include "diff.h"

#include <stdlib.h>
#include <string.h>

/* One SA, IKE or Child, seen the same way: the part both have, and what
 * only a Child SA adds. */
struct sa_view {
	bool ike;
	const struct lsw_sa *sa;
	uint32_t parent;
	const char *remote_id;
	const struct lsw_ike_sa *ike_sa;
	const struct lsw_child_sa *child_sa;
};

/* What one snapshot says about a connection key (name + instance): its row
 * when it has one, and what its SAs say (instances of a template, or a
 * --showstates-only snapshot, may have SAs but no connection row). */
struct conn_info {
	const char *name;
	const char *instance;
	const struct lsw_connection *row;
	bool any_sa;
	uint32_t est_ike, est_child; /* highest established serial of each kind, 0 = none */
	const char *peer;            /* from an SA when there is no row */
	struct lsw_addr peer_addr;
};

struct conn_index {
	size_t n;
	struct conn_info *v;
};

struct ev_list {
	size_t n, cap;
	struct lsw_diff_event *v;
	bool oom;
};

static const char *nz(const char *s)
{
	return s ? s : "";
}

static int key_cmp(const char *n1, const char *i1, const char *n2, const char *i2)
{
	int c = strcmp(nz(n1), nz(n2));
	return c ? c : strcmp(nz(i1), nz(i2));
}

static int conn_info_cmp(const void *a, const void *b)
{
	const struct conn_info *x = a, *y = b;
	return key_cmp(x->name, x->instance, y->name, y->instance);
}

/* The view of sa, an IKE SA (ike) or the first member of a Child SA. */
static void view_of(struct sa_view *v, bool ike, const struct lsw_sa *sa)
{
	memset(v, 0, sizeof(*v));
	v->ike = ike;
	v->sa = sa;
	if (ike) {
		v->ike_sa = (const struct lsw_ike_sa *)sa;
		return;
	}
	v->child_sa = (const struct lsw_child_sa *)sa;
	v->parent = v->child_sa->ike_sa;
	v->remote_id = v->child_sa->remote_id ? v->child_sa->remote_id : v->child_sa->username;
}

/* The same SA in the other snapshot: same serial, same kind, same connection. */
static bool find_view(const struct lsw_snapshot *s, const struct sa_view *v, struct sa_view *out)
{
	/* sa is the first member of both: a pointer to the record is one to it */
	const struct lsw_sa *p = v->ike
	                             ? (const void *)lsw_snapshot_find_ike_sa(s, v->sa->serial)
	                             : (const void *)lsw_snapshot_find_child_sa(s, v->sa->serial);

	if (!p)
		return false;
	view_of(out, v->ike, p);
	return key_cmp(v->sa->connection, v->sa->instance, p->connection, p->instance) == 0;
}

static size_t n_sas(const struct lsw_snapshot *s, bool ike)
{
	if (!s)
		return 0;
	return ike ? s->n_ike_sas : s->n_child_sas;
}

static void view_at(const struct lsw_snapshot *s, bool ike, size_t i, struct sa_view *v)
{
	view_of(v, ike, ike ? &s->ike_sas[i].sa : &s->child_sas[i].sa);
}

static struct conn_info *index_find(const struct conn_index *ix, const char *name, const char *inst)
{
	struct conn_info key = {.name = name, .instance = inst};

	if (ix->n == 0) /* bsearch() of a NULL array is undefined even for 0 elements */
		return NULL;
	return bsearch(&key, ix->v, ix->n, sizeof(*ix->v), conn_info_cmp);
}

static void index_add_sa(struct conn_info *out, size_t *n, const struct sa_view *v)
{
	struct conn_info *c = &out[(*n)++];
	memset(c, 0, sizeof(*c));
	c->name = v->sa->connection;
	c->instance = nz(v->sa->instance);
	c->any_sa = true;
	if (v->sa->state == LSW_SA_ESTABLISHED) {
		if (v->ike)
			c->est_ike = v->sa->serial;
		else
			c->est_child = v->sa->serial;
	}
	c->peer = v->sa->peer;
	c->peer_addr = v->sa->peer_addr;
}

/* Sort rows and SAs by key, then fold the entries of one key into one. */
static int index_build(const struct lsw_snapshot *s, struct conn_index *ix)
{
	size_t total, n = 0, i, w;
	struct sa_view v;

	ix->n = 0;
	ix->v = NULL;
	if (!s)
		return 0;
	total = s->n_connections + s->n_ike_sas + s->n_child_sas;
	if (total == 0)
		return 0;
	ix->v = calloc(total, sizeof(*ix->v));
	if (!ix->v)
		return -1;
	for (i = 0; i < s->n_connections; i++) {
		ix->v[n].name = s->connections[i].name;
		ix->v[n].instance = nz(s->connections[i].instance);
		ix->v[n].row = &s->connections[i];
		n++;
	}
	for (int k = 0; k < 2; k++)
		for (i = 0; i < n_sas(s, k == 0); i++) {
			view_at(s, k == 0, i, &v);
			if (v.sa->connection)
				index_add_sa(ix->v, &n, &v);
		}
	qsort(ix->v, n, sizeof(*ix->v), conn_info_cmp);
	for (i = 0, w = 0; i < n; i++) {
		struct conn_info *c = &ix->v[i], *d;
		if (w > 0 && conn_info_cmp(&ix->v[w - 1], c) == 0) {
			d = &ix->v[w - 1];
			if (c->row)
				d->row = c->row;
			d->any_sa |= c->any_sa;
			if (c->est_ike > d->est_ike)
				d->est_ike = c->est_ike;
			if (c->est_child > d->est_child)
				d->est_child = c->est_child;
			if (!d->peer) {
				d->peer = c->peer;
				d->peer_addr = c->peer_addr;
			}
		} else {
			ix->v[w++] = *c;
		}
	}
	ix->n = w;
	return 0;
}

/* The parser's oper when there is a row, else the same rule from the SAs. */
static enum lsw_conn_oper info_oper(const struct conn_info *c)
{
	if (!c)
		return LSW_CONN_DOWN;
	if (c->row)
		return c->row->oper;
	if (c->est_child)
		return LSW_CONN_UP;
	return c->any_sa ? LSW_CONN_CONNECTING : LSW_CONN_DOWN;
}

static struct lsw_diff_event *push(struct ev_list *l)
{
	if (l->oom)
		return NULL;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct lsw_diff_event *v = realloc(l->v, cap * sizeof(*v));
		if (!v) {
			l->oom = true;
			return NULL;
		}
		l->v = v;
		l->cap = cap;
	}
	memset(&l->v[l->n], 0, sizeof(l->v[0]));
	return &l->v[l->n++];
}

static void fill_from_sa(struct lsw_diff_event *e, const struct sa_view *v,
                         const struct conn_index *ix)
{
	const struct conn_info *c = index_find(ix, v->sa->connection, v->sa->instance);

	e->connection = v->sa->connection;
	e->instance = nz(v->sa->instance);
	e->ike = v->ike;
	e->serial = v->sa->serial;
	e->parent = v->parent;
	e->peer = v->sa->peer;
	e->peer_addr = v->sa->peer_addr;
	e->remote_id = v->remote_id;
	e->ike_sa = v->ike_sa;
	e->child_sa = v->child_sa;
	if (c && c->row) {
		e->conn = c->row;
		if (!e->remote_id)
			e->remote_id = c->row->remote_id;
		if (!e->peer) {
			e->peer = c->row->remote_host;
			e->peer_addr = c->row->remote_addr;
		}
	}
}

static uint32_t max_serial(const struct lsw_snapshot *s)
{
	uint32_t m = 0;
	if (s && s->n_ike_sas)
		m = s->ike_sas[s->n_ike_sas - 1].sa.serial;
	if (s && s->n_child_sas && s->child_sas[s->n_child_sas - 1].sa.serial > m)
		m = s->child_sas[s->n_child_sas - 1].sa.serial;
	return m;
}

/* Serials only grow while pluto runs: a serial we never saw that is not
 * above the old highest, or one that changed kind, means pluto started
 * over. A serial that changed connection alone is not enough: an IKEv2
 * responder switches connection during IKE_AUTH; that row is a new SA. */
bool lsw_diff_pluto_restarted(const struct lsw_snapshot *old, const struct lsw_snapshot *cur)
{
	uint32_t old_max = max_serial(old);
	struct sa_view v;
	int k;
	size_t i;

	if (old_max == 0 || cur == NULL)
		return false;
	for (k = 0; k < 2; k++) {
		bool ike = k == 0;
		for (i = 0; i < n_sas(cur, ike); i++) {
			bool in_old_ike, in_old_child;
			view_at(cur, ike, i, &v);
			in_old_ike = lsw_snapshot_find_ike_sa(old, v.sa->serial) != NULL;
			in_old_child = lsw_snapshot_find_child_sa(old, v.sa->serial) != NULL;
			if (!in_old_ike && !in_old_child) {
				if (v.sa->serial <= old_max)
					return true;
				continue;
			}
			/* An IKE SA's serial now a Child SA's, or the reverse. */
			if ((ike && !in_old_ike) || (!ike && !in_old_child))
				return true;
		}
	}
	return false;
}

/* Old SAs of one kind that are gone: candidates for DELETED or a rekey. */
struct gone {
	struct sa_view v;
	bool consumed;
};

static int gone_cmp(const void *a, const void *b)
{
	const struct gone *x = *(const struct gone *const *)a, *y = *(const struct gone *const *)b;
	int c =
	    key_cmp(x->v.sa->connection, x->v.sa->instance, y->v.sa->connection, y->v.sa->instance);

	if (c)
		return c;
	return x->v.sa->serial < y->v.sa->serial ? -1 : x->v.sa->serial > y->v.sa->serial;
}

/* The oldest gone established SA of this connection not yet taken by a
 * rekey. byk is sorted by (connection, serial): a mass rekey of n tunnels
 * costs n log n, not n * n. */
static struct gone *gone_partner(struct gone **byk, size_t ng, const struct sa_view *v)
{
	size_t lo = 0, hi = ng;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (key_cmp(byk[mid]->v.sa->connection, byk[mid]->v.sa->instance, v->sa->connection,
		            v->sa->instance) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < ng; lo++) {
		struct gone *g = byk[lo];
		if (key_cmp(g->v.sa->connection, g->v.sa->instance, v->sa->connection,
		            v->sa->instance))
			break;
		if (!g->consumed && g->v.sa->state == LSW_SA_ESTABLISHED)
			return g;
	}
	return NULL;
}

static void sa_events(const struct lsw_snapshot *old, const struct lsw_snapshot *cur, bool restart,
                      const struct conn_index *oix, const struct conn_index *nix,
                      struct ev_list *del_ike, struct ev_list *del_child, struct ev_list *chg,
                      struct ev_list *est)
{
	int k;
	for (k = 0; k < 2; k++) {
		bool ike = k == 0;
		struct ev_list *del = ike ? del_ike : del_child;
		size_t no = n_sas(old, ike), nn = n_sas(cur, ike), ng = 0, i, j;
		struct gone *gone = no ? calloc(no, sizeof(*gone)) : NULL;
		struct gone **byk = no ? calloc(no, sizeof(*byk)) : NULL;
		struct sa_view v, o;

		if (no && (!gone || !byk)) {
			free(gone);
			free(byk);
			del->oom = true;
			return;
		}
		for (i = 0; i < no; i++) {
			view_at(old, ike, i, &v);
			if (restart || !find_view(cur, &v, &o)) {
				byk[ng] = &gone[ng];
				gone[ng++].v = v;
			}
		}
		if (ng)
			qsort(byk, ng, sizeof(*byk), gone_cmp);
		for (i = 0; i < nn; i++) {
			struct lsw_diff_event *e;
			bool was = false;
			const struct conn_info *oc;
			uint32_t had;

			view_at(cur, ike, i, &v);
			if (!restart)
				was = find_view(old, &v, &o);
			if (was && (o.sa->state != v.sa->state ||
			            (o.sa->state_name && v.sa->state_name &&
			             strcmp(o.sa->state_name, v.sa->state_name)))) {
				e = push(chg);
				if (!e)
					break;
				fill_from_sa(e, &v, nix);
				e->type = LSW_EV_SA_STATE_CHANGED;
				e->old_state = o.sa->state;
				e->new_state = v.sa->state;
				e->old_state_name = o.sa->state_name;
				e->new_state_name = v.sa->state_name;
			}
			if (v.sa->state != LSW_SA_ESTABLISHED ||
			    (was && o.sa->state == LSW_SA_ESTABLISHED))
				continue;
			e = push(est);
			if (!e)
				break;
			fill_from_sa(e, &v, nix);
			e->type = ike ? LSW_EV_IKE_SA_ESTABLISHED : LSW_EV_IPSEC_SA_ESTABLISHED;
			e->old_state = was ? o.sa->state : 0;
			e->old_state_name = was ? o.sa->state_name : NULL;
			e->new_state = v.sa->state;
			e->new_state_name = v.sa->state_name;
			if (restart)
				continue;
			oc = index_find(oix, v.sa->connection, v.sa->instance);
			had = oc ? (ike ? oc->est_ike : oc->est_child) : 0;
			if (!had || had == v.sa->serial)
				continue;
			/* A rekey: prefer the gone established SA it replaces. */
			e->type = ike ? LSW_EV_IKE_SA_REKEYED : LSW_EV_IPSEC_SA_REKEYED;
			e->replaced = had;
			{
				struct gone *g = gone_partner(byk, ng, &v);
				if (g) {
					g->consumed = true;
					e->replaced = g->v.sa->serial;
				}
			}
		}
		for (j = 0; j < ng && !chg->oom && !est->oom; j++) {
			struct lsw_diff_event *e;
			const struct conn_info *nc;
			uint32_t newer;

			if (gone[j].consumed)
				continue;
			e = push(del);
			if (!e)
				break;
			fill_from_sa(e, &gone[j].v, oix);
			e->type = ike ? LSW_EV_IKE_SA_DELETED : LSW_EV_IPSEC_SA_DELETED;
			e->old_state = gone[j].v.sa->state;
			e->old_state_name = gone[j].v.sa->state_name;
			nc = restart ? NULL
			             : index_find(nix, gone[j].v.sa->connection,
			                          gone[j].v.sa->instance);
			newer = nc ? (ike ? nc->est_ike : nc->est_child) : 0;
			e->superseded = newer > gone[j].v.sa->serial;
		}
		free(gone);
		free(byk);
	}
}

static void conn_fill(struct lsw_diff_event *e, const struct conn_info *c)
{
	e->connection = c->name;
	e->instance = c->instance;
	e->conn = c->row;
	e->peer = c->row && c->row->remote_host ? c->row->remote_host : c->peer;
	e->peer_addr = c->row && c->row->remote_addr.family ? c->row->remote_addr : c->peer_addr;
	e->remote_id = c->row ? c->row->remote_id : NULL;
}

/* Walk both indexes in key order like a merge. */
static void conn_events(const struct conn_index *oix, const struct conn_index *nix,
                        struct ev_list *down, struct ev_list *connecting, struct ev_list *up)
{
	size_t i = 0, j = 0;

	while (i < oix->n || j < nix->n) {
		const struct conn_info *o = NULL, *c = NULL;
		enum lsw_conn_oper before, after;
		struct lsw_diff_event *e = NULL;
		int cmp;

		if (i == oix->n)
			cmp = 1;
		else if (j == nix->n)
			cmp = -1;
		else
			cmp = conn_info_cmp(&oix->v[i], &nix->v[j]);
		if (cmp <= 0)
			o = &oix->v[i++];
		if (cmp >= 0)
			c = &nix->v[j++];
		before = info_oper(o);
		after = info_oper(c);
		if (after == LSW_CONN_UP && before != LSW_CONN_UP) {
			e = push(up);
			if (e)
				e->type = LSW_EV_CONN_UP;
		} else if (before == LSW_CONN_UP && after != LSW_CONN_UP) {
			e = push(down);
			if (e)
				e->type = LSW_EV_CONN_DOWN;
		} else if (before == LSW_CONN_DOWN && after == LSW_CONN_CONNECTING) {
			e = push(connecting);
			if (e)
				e->type = LSW_EV_CONN_CONNECTING;
		}
		if (!e)
			continue;
		/* The row as it is now; a connection that vanished keeps its last values. */
		conn_fill(e, c && (c->row || !o) ? c : o);
		e->old_oper = before;
		e->new_oper = after;
	}
}

static int append(struct ev_list *dst, const struct ev_list *src)
{
	size_t i;
	for (i = 0; i < src->n; i++) {
		struct lsw_diff_event *e = push(dst);
		if (!e)
			return -1;
		*e = src->v[i];
	}
	return 0;
}

int lsw_diff(const struct lsw_snapshot *old, const struct lsw_snapshot *cur,
             struct lsw_diff_event **events, size_t *n)
{
	/* Deletions before downs, establishments before ups: a receiver
	 * reads the story in the order it happened. */
	struct ev_list restart = {0}, del_ike = {0}, del_child = {0}, down = {0}, chg = {0},
	               est = {0}, connecting = {0}, up = {0}, out = {0};
	struct ev_list *parts[] = {&restart, &del_child, &del_ike,    &down,
	                           &chg,     &est,       &connecting, &up};
	struct conn_index oix = {0}, nix = {0};
	bool restarted;
	size_t i;
	int rc = -1;

	*events = NULL;
	*n = 0;
	if (!old || !cur)
		return 0;
	if (index_build(old, &oix) < 0 || index_build(cur, &nix) < 0)
		goto out;
	restarted = lsw_diff_pluto_restarted(old, cur);
	if (restarted) {
		struct lsw_diff_event *e = push(&restart);
		if (!e)
			goto out;
		e->type = LSW_EV_PLUTO_RESTARTED;
		e->instance = "";
	}
	sa_events(old, cur, restarted, &oix, &nix, &del_ike, &del_child, &chg, &est);
	conn_events(&oix, &nix, &down, &connecting, &up);
	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		if (parts[i]->oom || append(&out, parts[i]) < 0)
			goto out;
	*events = out.v;
	*n = out.n;
	out.v = NULL;
	rc = 0;
out:
	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		free(parts[i]->v);
	free(out.v);
	free(oix.v);
	free(nix.v);
	return rc;
}

void lsw_diff_free(struct lsw_diff_event *events)
{
	free(events);
}

const char *lsw_diff_type_name(enum lsw_diff_type t)
{
	static const char *const names[] = {
	    [LSW_EV_CONN_UP] = "connUp",
	    [LSW_EV_CONN_DOWN] = "connDown",
	    [LSW_EV_IKE_SA_ESTABLISHED] = "ikeSaEstablished",
	    [LSW_EV_IKE_SA_DELETED] = "ikeSaDeleted",
	    [LSW_EV_IPSEC_SA_ESTABLISHED] = "ipsecSaEstablished",
	    [LSW_EV_IPSEC_SA_DELETED] = "ipsecSaDeleted",
	    [LSW_EV_SA_STATE_CHANGED] = "saStateChanged",
	    [LSW_EV_COLLECTOR_FAILED] = "collectorFailed",
	    [LSW_EV_COLLECTOR_RECOVERED] = "collectorRecovered",
	    [LSW_EV_CONN_CONNECTING] = "connConnecting",
	    [LSW_EV_IKE_SA_REKEYED] = "ikeSaRekeyed",
	    [LSW_EV_IPSEC_SA_REKEYED] = "ipsecSaRekeyed",
	    [LSW_EV_PLUTO_RESTARTED] = "plutoRestarted",
	    [LSW_EV_KERNEL_SA_MISSING] = "kernelSaMissing",
	    [LSW_EV_KERNEL_SA_UNCLAIMED] = "kernelSaUnclaimed",
	    [LSW_EV_IKE_FAILURES] = "ikeFailuresRising",
	};
	if ((int)t < 1 || (int)t > LSW_EV_MAX)
		return "unknown";
	return names[t];
}
