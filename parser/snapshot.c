/* snapshot.c - turning the parser's records into a sorted, immutable
 * snapshot; lookups; enum names. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* The snapshot and what owns its memory; callers see only the first member. */
struct snap_priv {
	struct lsw_snapshot pub;
	struct lsw_arena arena;
	struct lsw_connection *conns;
	struct lsw_ike_sa *ikes;
	struct lsw_child_sa *childs;
};

static int cmp_conn(const void *a, const void *b)
{
	const struct lsw_connection *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : strcmp(x->instance, y->instance);
}

/* IKE SAs or Child SAs by serial: struct lsw_sa is the first member of both. */
static int cmp_sa(const void *a, const void *b)
{
	const struct lsw_sa *x = a, *y = b;

	return x->serial < y->serial ? -1 : x->serial > y->serial;
}

/* Connections are sorted on cmp_conn()'s order through keys that hold the
 * first 8 bytes of name and instance, big-endian, NUL-padded: where those
 * differ they order as strcmp() does, and the strings are only read on a
 * tie. Sorting the small keys, not the records, keeps the sort in cache. */
struct conn_key {
	uint64_t name, inst;
	uint32_t idx; /* < n, which the connection map keeps below UINT32_MAX */
};

/* Put the n records of arr (size bytes each) in the order perm gives
 * (perm[i] = index of the record that goes to i), in place: one cycle at
 * a time through tmp, no second array (whose pages would all fault in).
 * perm is used up. */
static void permute(char *arr, size_t size, size_t n, uint32_t *perm, void *tmp)
{
	for (size_t i = 0; i < n; i++) {
		if (perm[i] == i)
			continue;
		size_t j = i;

		memcpy(tmp, arr + i * size, size);
		for (;;) {
			size_t k = perm[j];

			perm[j] = (uint32_t)j;
			if (k == i) {
				memcpy(arr + j * size, tmp, size);
				break;
			}
			memcpy(arr + j * size, arr + k * size, size);
			j = k;
		}
	}
}

static uint64_t key8(const char *s)
{
	uint64_t k = 0;

	for (int i = 0; i < 8; i++) {
		k <<= 8;
		if (*s)
			k |= (unsigned char)*s++;
	}
	return k;
}

static int cmp_key(const struct conn_key *x, const struct conn_key *y,
                   const struct lsw_connection *conns)
{
	int c;

	if (x->name != y->name)
		return x->name < y->name ? -1 : 1;
	if ((c = strcmp(conns[x->idx].name, conns[y->idx].name)))
		return c;
	if (x->inst != y->inst)
		return x->inst < y->inst ? -1 : 1;
	return strcmp(conns[x->idx].instance, conns[y->idx].instance);
}

/* Bottom-up merge sort of keys (tmp: room for n more), stable; the direct
 * calls of cmp_key() are cheaper than qsort()'s, and most compares end on
 * the integer keys. */
static void merge_sort_keys(struct conn_key *keys, struct conn_key *tmp, size_t n,
                            const struct lsw_connection *conns)
{
	struct conn_key *src = keys, *dst = tmp;

	for (size_t w = 1; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
			size_t i = lo, j = mid, k = lo;

			while (i < mid && j < hi)
				dst[k++] =
				    cmp_key(&src[j], &src[i], conns) < 0 ? src[j++] : src[i++];
			while (i < mid)
				dst[k++] = src[i++];
			while (j < hi)
				dst[k++] = src[j++];
		}
		struct conn_key *t = src;

		src = dst;
		dst = t;
	}
	if (src != keys)
		memcpy(keys, src, n * sizeof(*keys));
}

/* conns in cmp_conn() order, and where[i] = the new index of the
 * connection that was at i; -1 when out of memory (conns unchanged). */
static int sort_conns(struct lsw_connection *conns, size_t n, uint32_t *where)
{
	/* keys, then room for the merge; the permutation goes there after */
	struct conn_key *keys = n <= UINT32_MAX && n <= SIZE_MAX / 2 / sizeof(*keys)
	                            ? malloc(2 * n * sizeof(*keys))
	                            : NULL;
	struct lsw_connection tmp;

	if (!keys)
		return -1;
	for (size_t i = 0; i < n; i++) {
		keys[i].name = key8(conns[i].name);
		keys[i].inst = key8(conns[i].instance);
		keys[i].idx = (uint32_t)i;
	}
	merge_sort_keys(keys, keys + n, n, conns);
	uint32_t *perm = (uint32_t *)(keys + n);

	for (size_t i = 0; i < n; i++) {
		perm[i] = keys[i].idx;
		where[perm[i]] = (uint32_t)i;
	}
	permute((char *)conns, sizeof(*conns), n, perm, &tmp);
	free(keys);
	return 0;
}

/* IKE and Child SAs by serial, the same way: (serial, index) pairs sorted,
 * then the records gathered in that order. Serials are unique per kind. */
struct serial_key {
	uint32_t serial, idx;
};

/* LSD radix sort of keys by serial, a byte per pass (tmp: room for n
 * more); a pass where all keys share the byte is skipped. */
static void radix_sort_serials(struct serial_key *keys, struct serial_key *tmp, size_t n)
{
	struct serial_key *src = keys, *dst = tmp;

	for (unsigned shift = 0; shift < 32; shift += 8) {
		size_t count[256] = {0}, pos = 0;

		for (size_t i = 0; i < n; i++)
			count[src[i].serial >> shift & 0xff]++;
		if (count[src[0].serial >> shift & 0xff] == n)
			continue;
		for (size_t b = 0; b < 256; b++) {
			size_t c = count[b];

			count[b] = pos;
			pos += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[count[src[i].serial >> shift & 0xff]++] = src[i];
		struct serial_key *t = src;

		src = dst;
		dst = t;
	}
	if (src != keys)
		memcpy(keys, src, n * sizeof(*keys));
}

/* arr: n records of size bytes, each with a uint32_t serial at offset off,
 * tmp room for one; -1 when out of memory (arr unchanged). */
static int sort_by_serial(void *arr, size_t n, size_t size, size_t off, void *tmp)
{
	struct serial_key *keys = n <= UINT32_MAX ? malloc(2 * n * sizeof(*keys)) : NULL;
	const char *a = arr;

	if (!keys)
		return -1;
	for (size_t i = 0; i < n; i++) {
		memcpy(&keys[i].serial, a + i * size + off, sizeof(uint32_t));
		keys[i].idx = (uint32_t)i;
	}
	radix_sort_serials(keys, keys + n, n);
	uint32_t *perm = (uint32_t *)(keys + n);

	for (size_t i = 0; i < n; i++)
		perm[i] = keys[i].idx;
	permute(arr, size, n, perm, tmp);
	free(keys);
	return 0;
}

/* n records of size bytes, each a struct lsw_sa first, in serial order. */
static bool sas_sorted(const void *arr, size_t n, size_t size)
{
	const char *a = arr;

	for (size_t i = 1; i < n; i++)
		if (cmp_sa(a + (i - 1) * size, a + i * size) > 0)
			return false;
	return true;
}

/* The connection of an SA, in the parser's records: the one its record
 * was made with, else (the SA came first) by name; the answer is kept in
 * slot (index + 1, 0 = none) for link_sa(). */
static struct lsw_connection *conn_of(struct lsw_parser *p, uint32_t *slot, const struct lsw_sa *sa)
{
	if (!*slot) {
		long i =
		    lsw_conn_map_get(&p->conn_map, p->conns, sa->connection, strlen(sa->connection),
		                     sa->instance, strlen(sa->instance));

		if (i < 0)
			return NULL;
		*slot = (uint32_t)i + 1;
	}
	return &p->conns[*slot - 1];
}

/* What an SA takes from its connection when its own lines did not say. */
static void sa_from_conn(struct lsw_sa *sa, const struct lsw_connection *c)
{
	if (sa->ike_version == LSW_IKE_UNKNOWN)
		sa->ike_version = c->ike_version;
	if (!sa->peer && c->remote_addr.family) {
		sa->peer = c->remote_host;
		sa->peer_addr = c->remote_addr;
	}
}

/* oper, counts and bytes of each connection, from the SAs naming it; done
 * on the parser's unsorted records, where the hash maps still hold. */
static void derive(struct lsw_parser *p)
{
	for (size_t i = 0; i < p->n_ikes; i++) {
		struct lsw_ike_sa *ike = &p->ikes[i];
		struct lsw_connection *c = conn_of(p, &p->ike_conn[i], &ike->sa);

		if (!c)
			continue;
		/* carried connections: the newest serial from the states' flag */
		if (p->carried && ike->sa.newest && ike->sa.serial > c->newest_ike_sa)
			c->newest_ike_sa = ike->sa.serial;
		c->n_ike_sas++;
		if (c->oper == LSW_CONN_DOWN)
			c->oper = LSW_CONN_CONNECTING;
		sa_from_conn(&ike->sa, c);
	}
	for (size_t i = 0; i < p->n_childs; i++) {
		struct lsw_child_sa *ch = &p->childs[i];
		struct lsw_connection *c = conn_of(p, &p->child_conn[i], &ch->sa);
		size_t pi;
		bool is_child;

		if (ch->sa.ike_version == LSW_IKE_UNKNOWN && ch->ike_sa &&
		    lsw_serial_map_get(&p->sa_map, ch->ike_sa, &pi, &is_child) == 0 && !is_child)
			ch->sa.ike_version = p->ikes[pi].sa.ike_version;
		if (!c)
			continue;
		sa_from_conn(&ch->sa, c);
		if (p->carried && ch->sa.newest && ch->sa.serial > c->newest_child_sa)
			c->newest_child_sa = ch->sa.serial;
		if (p->carried && ch->eroute_owner && ch->sa.serial > c->eroute_owner)
			c->eroute_owner = ch->sa.serial;
		c->n_child_sas++;
		if (ch->sa.state == LSW_SA_ESTABLISHED)
			c->oper = LSW_CONN_UP;
		else if (c->oper == LSW_CONN_DOWN)
			c->oper = LSW_CONN_CONNECTING;
		if (ch->has_bytes) {
			c->in_bytes += ch->in_bytes;
			c->out_bytes += ch->out_bytes;
		}
	}
}

/* sa->conn, from the slot conn_of() kept (an index before the sort) and
 * where (index before -> after), or by name when sort_conns() had no
 * memory for where. */
static void link_sa(const struct lsw_snapshot *snap, struct lsw_sa *sa, uint32_t slot,
                    const uint32_t *where)
{
	if (!slot)
		sa->conn = NULL;
	else if (where)
		sa->conn = &snap->connections[where[slot - 1]];
	else
		sa->conn = lsw_snapshot_find_connection(snap, sa->connection, sa->instance);
}

/* records: n of size bytes, a struct lsw_sa first in each; sorted by serial. */
static void sort_sas(void *records, size_t n, size_t size, void *tmp)
{
	if (!sas_sorted(records, n, size) &&
	    sort_by_serial(records, n, size, offsetof(struct lsw_sa, serial), tmp) < 0)
		qsort(records, n, size, cmp_sa);
}

/* Whether the '+'-separated policy has the flag word. */
static bool policy_has(const char *policy, const char *flag)
{
	size_t n = strlen(flag);

	for (const char *q = policy; q && *q; q = strchr(q, '+'), q = q ? q + 1 : NULL) {
		if (strncmp(q, flag, n) == 0 && (q[n] == '+' || q[n] == '\0' || q[n] == ';'))
			return true;
	}
	return false;
}

enum lsw_conn_admin lsw_conn_admin_of(const char *policy, const char *routing)
{
	if (policy_has(policy, "UP"))
		return LSW_ADMIN_START;
	/* 5.x: +ROUTE. Before 5.0 auto=route leaves no policy bit on a
	 * connection, only its routing while it waits for traffic; a group
	 * (OE) that was routed says GROUTED. */
	if (policy_has(policy, "ROUTE") || policy_has(policy, "GROUTED") ||
	    (routing && strcmp(routing, "prospective erouted") == 0))
		return LSW_ADMIN_ONDEMAND;
	return LSW_ADMIN_ADD;
}

/* Kind and admin status of every connection; conns sorted by (name,
 * instance), so a template's instances follow it. pluto makes a template
 * of a connection whose peer is %any (road warriors) or opportunistic, and
 * of a group (policy GROUP); any connection printed with instances is one. */
static void classify(struct lsw_connection *conns, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct lsw_connection *c = &conns[i];
		const char *rh = c->remote_host;

		c->admin = lsw_conn_admin_of(c->policy, c->routing);
		if (c->instance[0] != '\0')
			c->kind = LSW_KIND_INSTANCE;
		else if ((i + 1 < n && strcmp(conns[i + 1].name, c->name) == 0) ||
		         (rh && (strncmp(rh, "%any", 4) == 0 ||
		                 strncmp(rh, "%opportunistic", 14) == 0)) ||
		         policy_has(c->policy, "GROUP"))
			c->kind = LSW_KIND_TEMPLATE;
		else
			c->kind = LSW_KIND_PERMANENT;
	}
}

struct lsw_snapshot *lsw_build_snapshot(struct lsw_parser *p)
{
	struct snap_priv *s = calloc(1, sizeof(*s));
	size_t n_conns = p->n_conns;
	uint32_t *where = NULL;

	if (!s)
		return NULL;
	derive(p);
	lsw_carry_drop_unused(p);
	n_conns = p->n_conns;
	/* the records and the arena change owner: the parser keeps nothing */
	s->arena = p->arena;
	p->arena.head = NULL;
	s->conns = p->conns;
	s->ikes = p->ikes;
	s->childs = p->childs;
	s->pub.n_connections = p->n_conns;
	s->pub.n_ike_sas = p->n_ikes;
	s->pub.n_child_sas = p->n_childs;
	p->conns = NULL;
	p->ikes = NULL;
	p->childs = NULL;
	p->n_conns = p->n_ikes = p->n_childs = 0;

	struct lsw_ike_sa ike_tmp;
	struct lsw_child_sa child_tmp;

	if (n_conns && (!(where = malloc(n_conns * sizeof(*where))) ||
	                sort_conns(s->conns, n_conns, where) < 0)) {
		free(where);
		where = NULL;
		qsort(s->conns, n_conns, sizeof(*s->conns), cmp_conn);
	}
	s->pub.connections = s->conns;
	classify(s->conns, n_conns);
	/* the link goes with the record when the SAs are sorted */
	for (size_t i = 0; i < s->pub.n_ike_sas; i++)
		link_sa(&s->pub, &s->ikes[i].sa, p->ike_conn[i], where);
	for (size_t i = 0; i < s->pub.n_child_sas; i++)
		link_sa(&s->pub, &s->childs[i].sa, p->child_conn[i], where);
	free(where);
	/* pluto prints the states of a connection in serial order: sort only when
	 * they are not in order overall */
	sort_sas(s->ikes, s->pub.n_ike_sas, sizeof(*s->ikes), &ike_tmp);
	sort_sas(s->childs, s->pub.n_child_sas, sizeof(*s->childs), &child_tmp);
	/* never NULL, so that "array + 0" is defined for every reader */
	static const struct lsw_connection no_conn;
	static const struct lsw_ike_sa no_ike;
	static const struct lsw_child_sa no_child;

	s->pub.connections = s->conns ? s->conns : &no_conn;
	s->pub.ike_sas = s->ikes ? s->ikes : &no_ike;
	s->pub.child_sas = s->childs ? s->childs : &no_child;

	s->pub.full = !p->carried;
	s->pub.totals = p->totals;
	s->pub.pluto_version = p->pluto_version;
	s->pub.lines = p->lines;
	s->pub.unparsed = p->unparsed;
	memcpy(s->pub.unparsed_line, p->unparsed_line, sizeof(s->pub.unparsed_line));
	return &s->pub;
}

void lsw_snapshot_free(struct lsw_snapshot *snap)
{
	if (!snap)
		return;
	struct snap_priv *s = (struct snap_priv *)snap;

	lsw_arena_free(&s->arena);
	free(s->conns);
	free(s->ikes);
	free(s->childs);
	free(s);
}

const struct lsw_connection *lsw_snapshot_find_connection(const struct lsw_snapshot *snap,
                                                          const char *name, const char *instance)
{
	struct lsw_connection key = {.name = name, .instance = instance ? instance : ""};

	if (!snap || !name || !snap->n_connections)
		return NULL;
	return bsearch(&key, snap->connections, snap->n_connections, sizeof(key), cmp_conn);
}

const struct lsw_ike_sa *lsw_snapshot_find_ike_sa(const struct lsw_snapshot *snap, uint32_t serial)
{
	struct lsw_ike_sa key = {.sa.serial = serial};

	if (!snap || !snap->n_ike_sas)
		return NULL;
	return bsearch(&key, snap->ike_sas, snap->n_ike_sas, sizeof(key), cmp_sa);
}

const struct lsw_child_sa *lsw_snapshot_find_child_sa(const struct lsw_snapshot *snap,
                                                      uint32_t serial)
{
	struct lsw_child_sa key = {.sa.serial = serial};

	if (!snap || !snap->n_child_sas)
		return NULL;
	return bsearch(&key, snap->child_sas, snap->n_child_sas, sizeof(key), cmp_sa);
}

const char *lsw_sa_state_name(enum lsw_sa_state s)
{
	switch (s) {
	case LSW_SA_NEGOTIATING:
		return "negotiating";
	case LSW_SA_ESTABLISHED:
		return "established";
	case LSW_SA_OTHER:
		return "other";
	}
	return "unknown";
}

const char *lsw_conn_oper_name(enum lsw_conn_oper o)
{
	switch (o) {
	case LSW_CONN_DOWN:
		return "down";
	case LSW_CONN_CONNECTING:
		return "connecting";
	case LSW_CONN_UP:
		return "up";
	}
	return "unknown";
}

const char *lsw_conn_kind_name(enum lsw_conn_kind k)
{
	switch (k) {
	case LSW_KIND_PERMANENT:
		return "permanent";
	case LSW_KIND_TEMPLATE:
		return "template";
	case LSW_KIND_INSTANCE:
		return "instance";
	}
	return "unknown";
}

const char *lsw_conn_admin_name(enum lsw_conn_admin a)
{
	switch (a) {
	case LSW_ADMIN_START:
		return "start";
	case LSW_ADMIN_ONDEMAND:
		return "ondemand";
	case LSW_ADMIN_ADD:
		return "add";
	}
	return "unknown";
}

const char *lsw_ike_version_name(enum lsw_ike_version v)
{
	switch (v) {
	case LSW_IKEV1:
		return "IKEv1";
	case LSW_IKEV2:
		return "IKEv2";
	case LSW_IKE_UNKNOWN:
		break;
	}
	return "unknown";
}

const char *lsw_role_name(enum lsw_role r)
{
	switch (r) {
	case LSW_ROLE_INITIATOR:
		return "initiator";
	case LSW_ROLE_RESPONDER:
		return "responder";
	case LSW_ROLE_UNKNOWN:
		break;
	}
	return "unknown";
}

const char *lsw_mode_name(enum lsw_mode m)
{
	switch (m) {
	case LSW_MODE_TUNNEL:
		return "tunnel";
	case LSW_MODE_TRANSPORT:
		return "transport";
	case LSW_MODE_UNKNOWN:
		break;
	}
	return "unknown";
}
