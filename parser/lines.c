/* lines.c - the parser object: splitting input into lines, one dispatch per
 * line, and the lines that are not about a connection or an SA. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct lsw_parser *lsw_parser_new(void)
{
	struct lsw_parser *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->last_conn = -1;
	p->prefix_conn = -1;
	p->sa_conn = -1;
	struct lsw_totals *t = &p->totals;

	t->conns_loaded = t->conns_routed = t->conns_active = LSW_ABSENT;
	t->ike_total = t->ike_half_open = t->ike_open = LSW_ABSENT;
	t->ike_authenticated = t->ike_anonymous = LSW_ABSENT;
	t->ipsec_total = t->ipsec_authenticated = t->ipsec_anonymous = LSW_ABSENT;
	return p;
}

void lsw_parser_free(struct lsw_parser *p)
{
	if (!p)
		return;
	lsw_arena_free(&p->arena);
	free(p->carry);
	free(p->scratch);
	free(p->conn_prefix);
	free(p->ike_conn);
	free(p->child_conn);
	free(p->conns);
	free(p->ikes);
	free(p->childs);
	lsw_serial_map_free(&p->sa_map);
	lsw_conn_map_free(&p->conn_map);
	free(p);
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
	char *r = lsw_arena_strndup(&p->arena, s, n);

	if (!r) {
		p->oom = true;
		return NULL;
	}
	slot->s = r;
	slot->n = n;
	return r;
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
	long i = p->last_conn;

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
	long i = p->sa_conn;

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

struct lsw_ike_sa *lsw_get_ike(struct lsw_parser *p, uint32_t serial,
                               const struct lsw_conn_ref *ref)
{
	size_t idx;
	bool child;

	if (lsw_serial_map_get(&p->sa_map, serial, &idx, &child) == 0)
		return child ? NULL : &p->ikes[idx];
	if (grow((void **)&p->ikes, &p->cap_ikes, p->n_ikes + 1, sizeof(*p->ikes)) < 0 ||
	    grow((void **)&p->ike_conn, &p->cap_ike_conn, p->n_ikes + 1, sizeof(*p->ike_conn)) < 0)
		goto oom;
	struct lsw_ike_sa *s = &p->ikes[p->n_ikes];

	memset(s, 0, sizeof(*s));
	s->serial = serial;
	s->peer_port = LSW_ABSENT;
	s->lastdpd = LSW_ABSENT;
	s->state = LSW_SA_OTHER;
	if (sa_names(p, ref, &s->connection, &s->instance, &p->ike_conn[p->n_ikes]) < 0)
		goto oom;
	if (lsw_serial_map_put(&p->sa_map, serial, p->n_ikes, false) < 0)
		goto oom;
	p->n_ikes++;
	return s;
oom:
	p->oom = true;
	return NULL;
}

struct lsw_child_sa *lsw_get_child(struct lsw_parser *p, uint32_t serial,
                                   const struct lsw_conn_ref *ref)
{
	size_t idx;
	bool child;

	if (lsw_serial_map_get(&p->sa_map, serial, &idx, &child) == 0)
		return child ? &p->childs[idx] : NULL;
	if (grow((void **)&p->childs, &p->cap_childs, p->n_childs + 1, sizeof(*p->childs)) < 0 ||
	    grow((void **)&p->child_conn, &p->cap_child_conn, p->n_childs + 1,
	         sizeof(*p->child_conn)) < 0)
		goto oom;
	struct lsw_child_sa *s = &p->childs[p->n_childs];

	memset(s, 0, sizeof(*s));
	s->serial = serial;
	s->peer_port = LSW_ABSENT;
	s->add_time = LSW_ABSENT;
	s->state = LSW_SA_ESTABLISHED; /* until a state line says otherwise */
	if (sa_names(p, ref, &s->connection, &s->instance, &p->child_conn[p->n_childs]) < 0)
		goto oom;
	if (lsw_serial_map_put(&p->sa_map, serial, p->n_childs, true) < 0)
		goto oom;
	p->n_childs++;
	return s;
oom:
	p->oom = true;
	return NULL;
}

/* A token that only a SPI line has: a SAID ("esp.5b1c@", "tun:0@") or "used Ns ago;". */
static bool said_or_used(const char *t)
{
	static const char *const heads[] = {"esp.",  "esp:", "ah.",  "ah:",  "comp.",
	                                    "comp:", "tun.", "tun:", "used "};

	for (size_t i = 0; i < sizeof(heads) / sizeof(heads[0]); i++)
		if (lsw_skip_prefix(t, heads[i]))
			return true;
	return false;
}

/* "#N: ..." lines: state, SPI/traffic, trafficstatus, pending. */
enum lsw_line_result lsw_line_sa(struct lsw_parser *p, const char *s)
{
	const char *q = s + 1;
	uint32_t serial;
	struct lsw_conn_ref ref;

	if (!lsw_parse_u32(&q, &serial) || q[0] != ':' || q[1] != ' ')
		return LSW_LINE_UNKNOWN;
	q += 2;
	if (lsw_skip_prefix(q, "pending "))
		return strstr(q, " for \"") ? LSW_LINE_KNOWN : LSW_LINE_UNKNOWN;
	/* where the fields after the connection begin (names may hold anything):
	 * trafficstatus at the first ", key=", a SPI line at " Traffic:" */
	static const char *const keys[] = {"type=", "username=", "add_time=", "inBytes="};
	const char *limit = NULL;
	bool traffic = false;

	const char *end = p->line_end;

	for (const char *c = memchr(q, ',', (size_t)(end - q)); c && !limit;
	     c = memchr(c + 1, ',', (size_t)(end - c - 1))) {
		if (c[1] != ' ')
			continue;
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (lsw_skip_prefix(c + 2, keys[i])) {
				limit = c;
				traffic = true;
				break;
			}
	}
	if (!limit)
		limit = lsw_find_traffic(q, end);
	if (!limit)
		limit = end;
	const char *rest = lsw_parse_conn_ref(q, limit, &ref);

	if (!rest)
		return LSW_LINE_UNKNOWN;
	if (traffic)
		return lsw_line_traffic(p, serial, &ref, rest);
	if (*limit)
		return lsw_line_spi(p, serial, &ref, rest); /* " Traffic:" */
	if (*rest != ' ')
		return lsw_line_state(p, serial, &ref, rest); /* ":PORT STATE", or nothing */
	/* an instance "PEER[ ...]": the state follows it, or (a SPI line cut
	 * before its Traffic: part) SAIDs follow it or the name */
	const char *t = rest + 1, *b = strchr(t, ' ');

	if (b && b - t >= 3 && memcmp(b - 3, "===", 3) == 0 && b[1] == '.')
		b = strchr(b + 1, ' '); /* OE "CLIENT=== ...PEER" */
	if (said_or_used(t) || (b && said_or_used(b + 1)))
		return lsw_line_spi(p, serial, &ref, rest);
	return lsw_line_state(p, serial, &ref, rest);
}

/* "key(N)" lists of the totals lines. */
static void totals_field(const char *s, const char *key, long *out)
{
	const char *k = strstr(s, key);
	long v;

	if (!k)
		return;
	k += strlen(key);
	if (lsw_parse_long(&k, &v))
		*out = v;
}

static enum lsw_line_result line_totals(struct lsw_parser *p, const char *s)
{
	const char *r;
	struct lsw_totals *t = &p->totals;

	if ((r = lsw_skip_prefix(s, "# Total IPsec connections:")) ||
	    (r = lsw_skip_prefix(s, "Total IPsec connections:"))) {
		totals_field(r, "loaded ", &t->conns_loaded);
		totals_field(r, "routed ", &t->conns_routed);
		totals_field(r, "active ", &t->conns_active);
		return LSW_LINE_KNOWN;
	}
	if ((r = lsw_skip_prefix(s, "IKE SAs:"))) {
		totals_field(r, "total(", &t->ike_total);
		totals_field(r, "half-open(", &t->ike_half_open);
		totals_field(r, " open(", &t->ike_open);
		totals_field(r, "authenticated(", &t->ike_authenticated);
		totals_field(r, "anonymous(", &t->ike_anonymous);
		return LSW_LINE_KNOWN;
	}
	if ((r = lsw_skip_prefix(s, "IPsec SAs:"))) {
		totals_field(r, "total(", &t->ipsec_total);
		totals_field(r, "authenticated(", &t->ipsec_authenticated);
		totals_field(r, "anonymous(", &t->ipsec_anonymous);
		return LSW_LINE_KNOWN;
	}
	return LSW_LINE_UNKNOWN;
}

/* Lines pluto prints that carry nothing the snapshot keeps (headers,
 * interfaces, algorithms, config setup, whack's own errors). */
static const char *const known_prefixes[] = {
    "using kernel interface:",
    "interface ",
    "fips mode",
    "FIPS mode",
    "SElinux=",
    "seccomp=",
    "config setup options:",
    "debug",
    "nat-traversal",
    "virtual-private",
    "- allowed subnet",
    "- excluded subnet",
    "- disallowed subnet",
    "Kernel algorithms supported:",
    "IKE algorithms supported:",
    "ESP algorithms supported:",
    "algorithm ",
    "stats db_ops",
    "Connection list:",
    "State Information:",
    "Bare Shunt list:",
    "Shunt list:",
    "whack: Pluto is not running",
    "ipsec whack: ERROR: Pluto is not running",
    "no connection or alias named",
    "no such connection",
    "WARNING: ipsec auto has been deprecated",
};

/* config setup: "key=value, key=value" (keys change with every release). */
static bool config_line(const char *s)
{
	const char *p = s;

	if (!(*p >= 'a' && *p <= 'z'))
		return false;
	while ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_')
		p++;
	return *p == '=';
}

/* Bare shunt: "192.1.3.209/32 -0-> 192.1.2.23/32 => %pass 0    oe-failing". */
static bool shunt_line(const char *s)
{
	const char *a = strstr(s, " -");
	const char *b = strstr(s, "-> ");
	const char *c = strstr(s, " => ");

	return a && b && c && a < b && b < c;
}

enum lsw_line_result lsw_line_other(struct lsw_parser *p, const char *s)
{
	const char *r;

	if (s[0] == 'a' && lsw_skip_prefix(s, "algorithm "))
		return LSW_LINE_KNOWN; /* the most frequent header line */
	if (line_totals(p, s) == LSW_LINE_KNOWN)
		return LSW_LINE_KNOWN;
	if ((r = lsw_skip_prefix(s, "pluto_version="))) {
		size_t n = strcspn(r, ", \t");

		if (n && !p->pluto_version)
			p->pluto_version = lsw_strdup(p, r, n);
		return LSW_LINE_KNOWN;
	}
	for (size_t i = 0; i < sizeof(known_prefixes) / sizeof(known_prefixes[0]); i++)
		if (s[0] == known_prefixes[i][0] && lsw_skip_prefix(s, known_prefixes[i]))
			return LSW_LINE_KNOWN;
	if (config_line(s) || shunt_line(s))
		return LSW_LINE_KNOWN;
	/* briefconnectionstatus (5.x): "A <==> B\tfrom A to B (1KiB/2KiB)\t"name"[1], reqid=N" */
	if (strstr(s, " <==> ") && strchr(s, '\t'))
		return LSW_LINE_KNOWN;
	return LSW_LINE_UNKNOWN;
}

static void count_unparsed(struct lsw_parser *p)
{
	if (p->unparsed < LSW_UNPARSED_LINES_KEPT)
		p->unparsed_line[p->unparsed] = p->lines;
	p->unparsed++;
}

/* One complete line (without its newline); nul: whether it holds a NUL
 * byte, or -1 when the caller does not know. */
static void parse_line(struct lsw_parser *p, const char *line, size_t n, int nul)
{
	p->lines++;
	if (nul < 0)
		nul = memchr(line, '\0', n) != NULL;
	if (nul) {
		/* pluto never prints NUL; the rest of the line cannot be trusted */
		count_unparsed(p);
		return;
	}
	const char *raw = line;

	if (n >= 4 && raw[0] >= '0' && raw[0] <= '9' && raw[1] >= '0' && raw[1] <= '9' &&
	    raw[2] >= '0' && raw[2] <= '9' && raw[3] == ' ')
		raw += 4;
	if (lsw_conn_detail_skip(p, raw, line + n))
		return;
	if (n + 1 > p->scratch_cap) {
		size_t cap = p->scratch_cap ? p->scratch_cap : 256;

		while (cap < n + 1)
			cap *= 2;
		char *s = realloc(p->scratch, cap);

		if (!s) {
			p->oom = true;
			return;
		}
		p->scratch = s;
		p->scratch_cap = cap;
	}
	char *s = p->scratch;

	memcpy(s, line, n);
	/* trailing blanks and CR carry nothing (the SPI line always ends in one) */
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\r' || s[n - 1] == '\t'))
		n--;
	s[n] = '\0';
	p->line_end = s + n;
	/* the whack RC prefix "NNN " of releases before 5.0 */
	if (n >= 3 && s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9' && s[2] >= '0' &&
	    s[2] <= '9' && (s[3] == ' ' || s[3] == '\0'))
		s += s[3] ? 4 : 3;
	if (lsw_is_blank(s))
		return;

	enum lsw_line_result r;

	if (s[0] == '#' && s[1] >= '0' && s[1] <= '9')
		r = lsw_line_sa(p, s);
	else if (s[0] == '"')
		r = lsw_line_conn(p, s);
	else
		r = lsw_line_other(p, s);
	if (r != LSW_LINE_KNOWN)
		count_unparsed(p);
}

/* Append n bytes to the line carried over from an earlier feed (room is
 * kept for a terminating NUL). -1 and p->oom when out of memory. */
static int carry_append(struct lsw_parser *p, const char *buf, size_t n)
{
	if (p->carry_len + n + 1 > p->carry_cap) {
		size_t cap = p->carry_cap ? p->carry_cap : 256;

		while (cap < p->carry_len + n + 1)
			cap *= 2;
		char *c = realloc(p->carry, cap);

		if (!c) {
			p->oom = true;
			return -1;
		}
		p->carry = c;
		p->carry_cap = cap;
	}
	memcpy(p->carry + p->carry_len, buf, n);
	p->carry_len += n;
	return 0;
}

int lsw_parser_feed(struct lsw_parser *p, const char *buf, size_t len)
{
	if (p->oom)
		return -1;
	const char *end = buf + len;
	/* the first NUL byte of the buffer: one scan here, not one per line */
	const char *nul = memchr(buf, '\0', len);

	while (buf < end) {
		const char *nl = memchr(buf, '\n', (size_t)(end - buf));

		if (!nl) {
			if (carry_append(p, buf, (size_t)(end - buf)) < 0)
				return -1;
			break;
		}
		if (p->carry_len) {
			/* finish the line begun in an earlier feed */
			if (carry_append(p, buf, (size_t)(nl - buf)) < 0)
				return -1;
			parse_line(p, p->carry, p->carry_len, -1);
			p->carry_len = 0;
		} else {
			parse_line(p, buf, (size_t)(nl - buf), nul && nul < nl);
		}
		if (nul && nul < nl)
			nul = memchr(nl + 1, '\0', (size_t)(end - nl - 1));
		if (p->oom)
			return -1;
		buf = nl + 1;
	}
	return 0;
}

int lsw_parser_end_input(struct lsw_parser *p)
{
	if (p->oom)
		return -1;
	if (p->carry_len) {
		parse_line(p, p->carry, p->carry_len, -1);
		p->carry_len = 0;
	}
	return p->oom ? -1 : 0;
}

struct lsw_snapshot *lsw_parser_finish(struct lsw_parser *p)
{
	struct lsw_snapshot *snap = NULL;

	if (!p)
		return NULL;
	if (lsw_parser_end_input(p) == 0)
		snap = lsw_build_snapshot(p);
	lsw_parser_free(p);
	return snap;
}

struct lsw_snapshot *lsw_parse(const char *text, size_t len)
{
	struct lsw_parser *p = lsw_parser_new();

	if (!p)
		return NULL;
	if (lsw_parser_feed(p, text, len) < 0) {
		lsw_parser_free(p);
		return NULL;
	}
	return lsw_parser_finish(p);
}
