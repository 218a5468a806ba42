/* records.c - the parser's record store: connections, IKE SAs and Child
 * SAs found or made by key, and the strings they keep (interned in the
 * arena). The line handlers fill the records; snapshot.c hands them out. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "utf8.h"

/* s[0..n) escaped (utf8.h) into the arena; not interned: such text is
 * rare, and the intern table compares the bytes of the line. */
static const char *strdup_escaped(struct lsw_parser *p, const char *s, size_t n)
{
	size_t m = lsw_utf8_escape(NULL, s, n);
	char *r = lsw_arena_alloc(&p->arena, m + 1);

	if (!r) {
		p->oom = true;
		return NULL;
	}
	lsw_utf8_escape(r, s, n);
	r[m] = '\0';
	return r;
}

const char *lsw_strdup(struct lsw_parser *p, const char *s, size_t n)
{
	uint32_t h = (uint32_t)n * 2654435761U;

	if (n)
		h ^= (unsigned char)s[0] * 0x01000193U ^ (unsigned char)s[n / 2] * 0x00ff1235U ^
		     (unsigned char)s[n - 1] * 0x9e3779b1U;
	struct lsw_intern *slot = &p->intern[(h ^ h >> 16) % LSW_INTERN_SLOTS];

	/* snapshot strings are never written to: equal ones may be one */
	if (slot->s && slot->n == n && lsw_eq_words(slot->s, s, n))
		return slot->s;
	/* peer-controlled text (IDs, usernames) is served as SnmpAdminString:
	 * valid UTF-8, no controls; checked once, here, where it is stored */
	if (!lsw_utf8_clean(s, n))
		return strdup_escaped(p, s, n);
	char *r = lsw_arena_strndup(&p->arena, s, n);

	if (!r) {
		p->oom = true;
		return NULL;
	}
	slot->s = r;
	slot->n = n;
	return r;
}

/* ref, or its copy in *tmp with the name escaped as lsw_strdup() stores
 * it, so that names are looked up as they are kept; NULL when out of
 * memory. The escaped name lives in p->name_buf until the next call. */
static const struct lsw_conn_ref *stored_ref(struct lsw_parser *p, const struct lsw_conn_ref *ref,
                                             struct lsw_conn_ref *tmp)
{
	if (lsw_utf8_clean(ref->name, ref->name_len))
		return ref;
	size_t m = lsw_utf8_escape(NULL, ref->name, ref->name_len);

	if (m > p->name_buf_cap) {
		char *b = realloc(p->name_buf, m);

		if (!b) {
			p->oom = true;
			return NULL;
		}
		p->name_buf = b;
		p->name_buf_cap = m;
	}
	lsw_utf8_escape(p->name_buf, ref->name, ref->name_len);
	*tmp = *ref;
	tmp->name = p->name_buf;
	tmp->name_len = m;
	return tmp;
}

static int grow(void **arr, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return 0;
	size_t ncap = *cap ? *cap * 2 : 16;

	while (ncap < need)
		ncap *= 2;
	if (ncap > SIZE_MAX / elem)
		return -1;
	void *n = realloc(*arr, ncap * elem);

	if (!n)
		return -1;
	*arr = n;
	*cap = ncap;
	return 0;
}

struct lsw_connection *lsw_get_conn(struct lsw_parser *p, const struct lsw_conn_ref *ref)
{
	struct lsw_conn_ref esc;
	long i = p->last_conn;

	if (!(ref = stored_ref(p, ref, &esc)))
		return NULL;

	if (i >= 0) {
		const struct lsw_connection *c = &p->conns[i];

		/* the lengths are kept with last_conn: equal lengths, then bytes */
		if (ref->name_len == p->last_name_len && ref->inst_len == p->last_inst_len &&
		    lsw_mem_eq(c->name, ref->name, ref->name_len) &&
		    lsw_mem_eq(c->instance, ref->inst, ref->inst_len))
			return &p->conns[i];
	}
	i = lsw_conn_map_get(&p->conn_map, p->conns, ref->name, ref->name_len, ref->inst,
	                     ref->inst_len);
	if (i >= 0) {
		p->last_conn = i;
		p->last_name_len = ref->name_len;
		p->last_inst_len = ref->inst_len;
		return &p->conns[i];
	}
	if (grow((void **)&p->conns, &p->cap_conns, p->n_conns + 1, sizeof(*p->conns)) < 0)
		goto oom;
	struct lsw_connection *c = &p->conns[p->n_conns];

	memset(c, 0, sizeof(*c));
	c->name = lsw_strdup(p, ref->name, ref->name_len);
	c->instance = lsw_strdup(p, ref->inst, ref->inst_len);
	if (!c->name || !c->instance)
		goto oom;
	c->oper = LSW_CONN_DOWN;
	c->ike_life = c->ipsec_life = c->rekey_margin = LSW_ABSENT;
	if (lsw_conn_map_put(&p->conn_map, p->conns, p->n_conns) < 0)
		goto oom;
	p->last_conn = (long)p->n_conns;
	p->last_name_len = ref->name_len;
	p->last_inst_len = ref->inst_len;
	p->n_conns++;
	return c;
oom:
	p->oom = true;
	return NULL;
}

/* c is named name/inst (no NUL in those; the compare stops at c's NUL). */
static bool conn_is(const struct lsw_connection *c, const char *name, size_t name_len,
                    const char *inst, size_t inst_len)
{
	return lsw_mem_eq(c->name, name, name_len) && c->name[name_len] == '\0' &&
	       lsw_mem_eq(c->instance, inst, inst_len) && c->instance[inst_len] == '\0';
}

/* Name and instance strings of an SA: shared with the connection when it
 * is already known, to keep memory near the input size. */
static int sa_names(struct lsw_parser *p, const struct lsw_conn_ref *ref, const char **name,
                    const char **inst, uint32_t *conn)
{
	struct lsw_conn_ref esc;
	long i = p->sa_conn;

	if (!(ref = stored_ref(p, ref, &esc)))
		return -1;

	if (!(i >= 0 && ref->name_len == p->sa_name_len && ref->inst_len == p->sa_inst_len &&
	      lsw_mem_eq(p->conns[i].name, ref->name, ref->name_len) &&
	      lsw_mem_eq(p->conns[i].instance, ref->inst, ref->inst_len))) {
		/* pluto lists the states in the order of the connections: the
		 * next connection is the likely one */
		if (i >= 0 && (size_t)i + 1 < p->n_conns &&
		    conn_is(&p->conns[i + 1], ref->name, ref->name_len, ref->inst, ref->inst_len))
			i++;
		else
			i = lsw_conn_map_get(&p->conn_map, p->conns, ref->name, ref->name_len,
			                     ref->inst, ref->inst_len);
		if (i >= 0) {
			p->sa_conn = i;
			p->sa_name_len = ref->name_len;
			p->sa_inst_len = ref->inst_len;
		}
	}
	*conn = 0;
	if (i >= 0) {
		*name = p->conns[i].name;
		*inst = p->conns[i].instance;
		*conn = (uint32_t)i + 1;
		return 0;
	}
	*name = lsw_strdup(p, ref->name, ref->name_len);
	*inst = ref->inst_len ? lsw_strdup(p, ref->inst, ref->inst_len) : "";
	return *name && *inst ? 0 : -1;
}

struct lsw_sa *lsw_get_sa(struct lsw_parser *p, uint32_t serial, const struct lsw_conn_ref *ref,
                          bool child)
{
	size_t idx;
	bool is_child;

	if (lsw_serial_map_get(&p->sa_map, serial, &idx, &is_child) == 0) {
		if (is_child != child)
			return NULL;
		return child ? &p->childs[idx].sa : &p->ikes[idx].sa;
	}
	/* a new record at the end of its kind's array, zeroed but for what
	 * only a line can say is absent */
	size_t n = child ? p->n_childs : p->n_ikes;
	struct lsw_sa *sa;
	uint32_t *conn;

	if (child) {
		if (grow((void **)&p->childs, &p->cap_childs, n + 1, sizeof(*p->childs)) < 0 ||
		    grow((void **)&p->child_conn, &p->cap_child_conn, n + 1,
		         sizeof(*p->child_conn)) < 0)
			goto oom;
		memset(&p->childs[n], 0, sizeof(p->childs[n]));
		p->childs[n].add_time = LSW_ABSENT;
		sa = &p->childs[n].sa;
		conn = &p->child_conn[n];
	} else {
		if (grow((void **)&p->ikes, &p->cap_ikes, n + 1, sizeof(*p->ikes)) < 0 ||
		    grow((void **)&p->ike_conn, &p->cap_ike_conn, n + 1, sizeof(*p->ike_conn)) < 0)
			goto oom;
		memset(&p->ikes[n], 0, sizeof(p->ikes[n]));
		p->ikes[n].lastdpd = LSW_ABSENT;
		sa = &p->ikes[n].sa;
		conn = &p->ike_conn[n];
	}
	sa->serial = serial;
	sa->peer_port = LSW_ABSENT;
	/* a Child SA that only trafficstatus names is up: it has traffic */
	sa->state = child ? LSW_SA_ESTABLISHED : LSW_SA_OTHER;
	if (sa_names(p, ref, &sa->connection, &sa->instance, conn) < 0 ||
	    lsw_serial_map_put(&p->sa_map, serial, n, child) < 0)
		goto oom;
	if (child)
		p->n_childs++;
	else
		p->n_ikes++;
	return sa;
oom:
	p->oom = true;
	return NULL;
}
