/* conn.c - connection lines of --status / connectionstatus:
 *   "c": 192.0.1.0/24===192.1.2.45[@west]...192.1.2.23[@east]===192.0.2.0/24; erouted; eroute
 * owner: #2 "c": 192.0.1.0/24===192.1.2.45[@west]...192.1.2.23[@east]===192.0.2.0/24;
 * routed-tunnel; my_ip=unset; their_ip=unset; "c":   policy: IKEv2+PSK+ENCRYPT+TUNNEL+...;
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "internal.h"

/* s..end starts with the string literal lit (a memcmp of constant size,
 * which the compiler inlines). */
#define starts(s, end, lit)                                                                        \
	((size_t)((end) - (s)) >= sizeof(lit) - 1 && memcmp((s), (lit), sizeof(lit) - 1) == 0)

/* lsw_skip_prefix() within the current line, whose end parse_line() keeps. */
#define skip_lit(p, s, lit) (starts((s), (p)->line_end, lit) ? (s) + sizeof(lit) - 1 : NULL)

/* ID end flags of <= 5.2: "MS", "+MC", "+S=C" ... ("[@road,+MC+XC+S=C]"). */
static bool id_flags(const char *s, size_t n)
{
	static const char *const flags[] = {"MS",  "MC",  "CAT", "XS",     "XC",
	                                    "S-C", "S?C", "S=C", "UNKNOWN"};
	size_t i = 0;

	if (n == 0)
		return false;
	while (i < n) {
		if (s[i] == '+')
			i++;
		bool hit = false;

		for (size_t f = 0; f < sizeof(flags) / sizeof(flags[0]); f++) {
			const char *fs = flags[f];
			size_t k = 0;

			/* the flag's bytes, within n: no strlen per flag */
			while (fs[k] && i + k < n && s[i + k] == fs[k])
				k++;
			if (!fs[k]) {
				i += k;
				hit = true;
				break;
			}
		}
		if (!hit)
			return false;
	}
	return true;
}

struct end {
	const char *host, *id, *client;
	size_t host_len, id_len, client_len;
};

/* HOST[<NAME>][ID][:PROTO/PORT]; the IPv6 "[addr]:port" form of 4.x+. */
static void parse_host_id(const char *s, const char *e, struct end *out)
{
	const char *p = s;

	if (p < e && *p == '[' && p + 1 < e &&
	    (p[1] == ':' || (p[1] >= '0' && p[1] <= '9') || (p[1] >= 'a' && p[1] <= 'f'))) {
		const char *rb = memchr(p, ']', (size_t)(e - p));

		if (rb && memchr(p, ':', (size_t)(rb - p))) {
			out->host = p + 1;
			out->host_len = (size_t)(rb - p - 1);
			p = rb + 1;
			if (p < e && *p == ':')
				while (p < e && *p != '[' && *p != '<')
					p++;
			goto id;
		}
	}
	out->host = p;
	while (p < e && *p != '<' && *p != '[')
		p++;
	out->host_len = (size_t)(p - out->host);
	if (p < e && *p == '<') {
		const char *gt = memchr(p, '>', (size_t)(e - p));

		if (gt && (out->host_len == 0 || out->host[0] == '%')) {
			/* "<address>" (logip=no), or "%dns<name>": the name is the host */
			out->host_len = (size_t)(gt + 1 - out->host);
		}
		p = gt ? gt + 1 : e;
	}
	/* a non-default IKE port "192.1.2.23:4500" stays in the host text */
id:
	if (p < e && *p == '[') {
		/* the ID runs to the last ']' of this end: DNs may hold brackets */
		const char *rb = NULL;

		for (const char *q = e; q > p; q--)
			if (q[-1] == ']') {
				rb = q - 1;
				break;
			}
		if (rb) {
			const char *id = p + 1;
			size_t n = (size_t)(rb - id);
			const char *comma = NULL;

			for (size_t i = n; i > 0; i--)
				if (id[i - 1] == ',') {
					comma = id + i - 1;
					break;
				}
			if (comma && comma[1] != ' ' &&
			    id_flags(comma + 1, (size_t)(id + n - comma - 1)))
				n = (size_t)(comma - id);
			else if (id_flags(id, n))
				n = 0;
			out->id = n ? id : NULL;
			out->id_len = n;
		}
	}
}

/* Where "===", "---" and "..." split a topology. */
struct topo {
	const char *left_eq, *left_nh, *dots, *right_nh, *right_eq;
};

/* The right end: [NEXTHOP---]HOST[<NAME>][ID][:PROTO/PORT][===CLIENT], with
 * HOST at s. Its ID is the remote peer's (an instance takes the ID the
 * peer sent) and pluto prints it as it is, "[", "]" and "===" included:
 * so the end is split by its structure, never by the ID's content. The
 * nexthop is an address, before any "[", "<" or "="; the ID runs to the
 * last "]" of the end, since nothing pluto prints after it holds one
 * (flags, protocol/port, client); the client follows the first "==="
 * after that "]". */
static void scan_right(const char *s, const char *e, struct topo *t)
{
	const char *rb = NULL;

	for (const char *p = s; p + 3 <= e; p++) {
		if (*p == '[' || *p == '<' || *p == '=')
			break;
		if (p[0] == '-' && p[1] == '-' && p[2] == '-') {
			t->right_nh = p;
			s = p + 3;
			break;
		}
	}
	for (const char *p = e; p > s; p--)
		if (p[-1] == ']') {
			rb = p - 1;
			break;
		}
	for (const char *p = rb ? rb + 1 : s; p + 3 <= e; p++)
		if (p[0] == '=' && p[1] == '=' && p[2] == '=') {
			t->right_eq = p;
			break;
		}
}

/* The left end is the local one (the config's own IDs): "===", "---" and
 * the "..." that ends it are looked for outside [ID] and <NAME>, in one
 * pass (first lines are the longest lines of a status). */
static const char *scan_topology(const char *s, const char *e, struct topo *t)
{
	int depth = 0;

	/* the bytes the loop below acts on; the others (most of a topology) are
	 * passed over on one table lookup */
	static const unsigned char special[256] = {
	    ['['] = 1, ['<'] = 1, [']'] = 1, ['>'] = 1, ['.'] = 1, ['='] = 1, ['-'] = 1,
	};

	memset(t, 0, sizeof(*t));
	for (const char *p = s; p + 3 <= e; p++) {
		char ch = *p;

		if (!special[(unsigned char)ch])
			continue;
		if (ch == '[' || ch == '<') {
			depth++;
		} else if ((ch == ']' || ch == '>') && depth > 0) {
			depth--;
		} else if (depth > 0 || p[1] != ch || p[2] != ch) {
			continue;
		} else if (ch == '.') {
			t->dots = p;
			scan_right(p + 3, e, t);
			break;
		} else if (ch == '=') {
			if (!t->left_eq) {
				t->left_eq = p;
				t->left_nh = NULL; /* a nexthop only follows the client */
			}
			p += 2;
		} else if (ch == '-') {
			if (!t->left_nh)
				t->left_nh = p;
			p += 2;
		}
	}
	return t->dots;
}

/* LEFT := [CLIENT===]HOST[ID][---NEXTHOP]   RIGHT := [NEXTHOP---]HOST[ID][===CLIENT] */
static void parse_ends(const char *s, const char *e, const struct topo *t, struct end *l,
                       struct end *r)
{
	const char *ls = s, *le = t->left_nh ? t->left_nh : t->dots;
	const char *rs = t->right_nh ? t->right_nh + 3 : t->dots + 3, *re = e;

	memset(l, 0, sizeof(*l));
	memset(r, 0, sizeof(*r));
	if (t->left_eq) {
		l->client = s;
		l->client_len = (size_t)(t->left_eq - s);
		ls = t->left_eq + 3;
	}
	if (t->right_eq) {
		r->client = t->right_eq + 3;
		r->client_len = (size_t)(e - t->right_eq - 3);
		re = t->right_eq;
	}
	parse_host_id(ls, le, l);
	parse_host_id(rs, re, r);
}

static bool set_str(struct lsw_parser *p, const char **dst, const char *s, size_t n)
{
	if (*dst || n == 0)
		return true;
	*dst = lsw_strdup(p, s, n);
	return *dst != NULL;
}

static void routing_set(struct lsw_parser *p, struct lsw_connection *c, const char *s, size_t n)
{
	if (c->routing || n == 0)
		return;
	c->routing = lsw_strdup(p, s, n);
	c->routed_tunnel = (n == 7 && memcmp(s, "erouted", 7) == 0) ||
	                   (n == 13 && memcmp(s, "routed-tunnel", 13) == 0) ||
	                   (n == 15 && memcmp(s, "unrouted-tunnel", 15) == 0);
}

/* The first line: TOPOLOGY; ROUTING; eroute owner: #N  |  ...; ROUTING; my_ip=X; their_ip=Y; */
static enum lsw_line_result first_line(struct lsw_parser *p, const struct lsw_conn_ref *ref,
                                       const char *s)
{
	const char *end = s + strlen(s);
	const char *tail = NULL, *q;

	/* search from the right: IDs in the topology may hold "; " */
	for (const char *x = end; x > s; x--) {
		if (x[-1] == ';' &&
		    (lsw_skip_prefix(x, " eroute owner: #") || lsw_skip_prefix(x, " my_ip="))) {
			tail = x - 1;
			break;
		}
	}
	if (!tail)
		return LSW_LINE_UNKNOWN;
	const char *rt = tail;

	while (rt > s && !(rt[-1] == ' ' && rt - s >= 2 && rt[-2] == ';'))
		rt--;
	if (rt == s)
		return LSW_LINE_UNKNOWN;
	const char *topo_end = rt - 2;
	struct topo topo;

	if (!scan_topology(s, topo_end, &topo))
		return LSW_LINE_UNKNOWN;
	/* the line is good: only now is there a connection */
	struct lsw_connection *c = lsw_get_conn(p, ref);

	if (!c)
		return LSW_LINE_UNKNOWN;
	if ((q = lsw_skip_prefix(tail, "; eroute owner: #"))) {
		uint32_t v;

		if (lsw_parse_u32(&q, &v))
			c->eroute_owner = v;
	}
	routing_set(p, c, rt, (size_t)(tail - rt));
	if (c->local_host || c->remote_host)
		return LSW_LINE_KNOWN; /* another SPD of the same connection: the first one is kept
		                        */
	struct end l, r;

	parse_ends(s, topo_end, &topo, &l, &r);
	set_str(p, &c->local_host, l.host, l.host_len);
	set_str(p, &c->remote_host, r.host, r.host_len);
	set_str(p, &c->local_id, l.id, l.id_len);
	set_str(p, &c->remote_id, r.id, r.id_len);
	set_str(p, &c->local_client, l.client, l.client_len);
	set_str(p, &c->remote_client, r.client, r.client_len);
	lsw_parse_addr(l.host, l.host_len, &c->local_addr);
	lsw_parse_addr(r.host, r.host_len, &c->remote_addr);
	return p->oom ? LSW_LINE_UNKNOWN : LSW_LINE_KNOWN;
}

/* The serial after the first key (n bytes) in s..end, 0 when none. */
static uint32_t serial_after_n(const char *s, const char *end, const char *key, size_t n)
{
	const char *q = lsw_find(s, end, key, n);
	uint32_t v = 0;

	if (q) {
		q += n;
		if (!lsw_parse_u32(&q, &v))
			v = 0;
	}
	return v;
}
#define serial_after(s, lit) serial_after_n((s), p->line_end, (lit), sizeof(lit) - 1)

/* The seconds "Ns;" after the first key (n bytes) in s..end; LSW_ABSENT
 * when the key is not there or its value is not a plain count of seconds. */
static long seconds_after_n(const char *s, const char *end, const char *key, size_t n)
{
	const char *q = lsw_find(s, end, key, n);
	uint64_t v;

	if (!q)
		return LSW_ABSENT;
	q += n;
	/* the line is NUL-terminated: q[1] is there when q[0] is 's' */
	if (!lsw_parse_u64(&q, &v) || v > (uint64_t)LONG_MAX || q[0] != 's' || q[1] != ';')
		return LSW_ABSENT;
	return (long)v;
}
#define seconds_after(s, lit) seconds_after_n((s), p->line_end, (lit), sizeof(lit) - 1)

/* Lines only one IKE version prints; a shunt (never-negotiate) has none. */
static void ike_version_hint(struct lsw_parser *p, struct lsw_connection *c, enum lsw_ike_version v)
{
	if (c->ike_version != LSW_IKE_UNKNOWN)
		return;
	/* policies are interned: most connections share the one looked at last */
	if (c->policy && c->policy != p->shunt_policy) {
		p->shunt_policy = c->policy;
		p->shunt = strstr(c->policy, "NEVER_NEGOTIATE") != NULL;
	}
	if (!(c->policy && p->shunt))
		c->ike_version = v;
}

/* Detail lines: only those the snapshot keeps are looked at; all are known. */
static void detail_line(struct lsw_parser *p, struct lsw_connection *c, const char *s)
{
	const char *q;

	/* most detail lines are of no interest: one switch on the first byte
	 * goes to the only prefixes that can match */
	switch (s[0]) {
	case 'p':
		if ((q = skip_lit(p, s, "policy: "))) {
			size_t n = (size_t)(p->line_end - q);

			if (n && q[n - 1] == ';')
				n--;
			set_str(p, &c->policy, q, n);
			if (skip_lit(p, q, "IKEv1+"))
				c->ike_version = LSW_IKEV1;
			else if (skip_lit(p, q, "IKEv2+"))
				c->ike_version = LSW_IKEV2;
			else if (strstr(q, "NEVER_NEGOTIATE"))
				c->ike_version = LSW_IKE_UNKNOWN; /* a shunt: no IKE at all */
			else if (strstr(q, "IKEV2_ALLOW") && !strstr(q, "IKEV1_ALLOW"))
				c->ike_version = LSW_IKEV2; /* <= 4.2 policy bits */
			else if (strstr(q, "IKEV1_ALLOW") && !strstr(q, "IKEV2_ALLOW"))
				c->ike_version = LSW_IKEV1;
		}
		break;
	case 'n':
		if (starts(s, p->line_end, "newest ISAKMP SA: #") ||
		    starts(s, p->line_end, "newest IKE SA: #")) {
			c->newest_ike_sa = serial_after(s, " SA: #");
			c->newest_child_sa = serial_after(s, "newest IPsec SA: #");
		}
		break;
	case 'r':
		if ((q = skip_lit(p, s, "routing: "))) {
			/* 5.x: routing: R; owner: Child SA #2; established IKE SA: #3;
			 * established Child SA: #2; */
			size_t n = strcspn(q, ";");
			uint32_t v;

			routing_set(p, c, q, n);
			if ((v = serial_after(q, "established IKE SA: #")) ||
			    (v = serial_after(q, "established ISAKMP SA: #")))
				c->newest_ike_sa = v;
			if ((v = serial_after(q, "established Child SA: #")) ||
			    (v = serial_after(q, "established IPsec SA: #")))
				c->newest_child_sa = v;
			if ((v = serial_after(q, "owner: Child SA #")) ||
			    (v = serial_after(q, "owner: IPsec SA #")) ||
			    (v = serial_after(q, "owner: IKE SA #")) ||
			    (v = serial_after(q, "owner: ISAKMP SA #")))
				c->eroute_owner = v;
		}
		break;
	case 'I':
		if ((q = skip_lit(p, s, "IKEv1 algorithm newest: ")) ||
		    (q = skip_lit(p, s, "IKE algorithm newest: "))) {
			set_str(p, &c->ike_alg_newest, q, (size_t)(p->line_end - q));
			ike_version_hint(p, c, LSW_IKEV1);
		} else if ((q = skip_lit(p, s, "IKEv2 algorithm newest: "))) {
			set_str(p, &c->ike_alg_newest, q, (size_t)(p->line_end - q));
			ike_version_hint(p, c, LSW_IKEV2);
		}
		break;
	case 'E':
		if ((q = skip_lit(p, s, "ESP algorithm newest: ")))
			set_str(p, &c->esp_alg_newest, q, (size_t)(p->line_end - q));
		break;
	case 'i':
		/* ike_life: 3600s; ipsec_life: 28800s; [ipsec_max_bytes: 2^63B; ...]
		 * replay_window: 32; rekey_margin: 540s; ... (3.x to 5.x alike) */
		if (starts(s, p->line_end, "ike_life: ")) {
			c->ike_life = seconds_after(s, "ike_life: ");
			c->ipsec_life = seconds_after(s, "; ipsec_life: ");
			c->rekey_margin = seconds_after(s, "; rekey_margin: ");
		}
		break;
	case 'v':
	case 'l':
		if (starts(s, p->line_end, "v2-auth-hash-policy:") ||
		    starts(s, p->line_end, "liveness:"))
			ike_version_hint(p, c, LSW_IKEV2);
		break;
	case 'o':
		/* nothing to do once the first line gave both hosts */
		if ((!c->local_host || !c->remote_host) && starts(s, p->line_end, "our idtype:")) {
			/* our idtype: ID_FQDN; our id=@west; their idtype: ID_FQDN; their id=@east
			 */
			const char *a = strstr(s, "; our id=");
			const char *b = strstr(s, "; their idtype:");
			const char *t = b ? strstr(b, "; their id=") : NULL;

			/* the first line shows an ID only when it is not the host address;
			 * without a first line (a grep) this line is all there is */
			if (a && b && b > a && !c->local_host)
				set_str(p, &c->local_id, a + 9, (size_t)(b - a - 9));
			if (t && !c->remote_host)
				set_str(p, &c->remote_id, t + 11, strlen(t + 11));
		}
		break;
	default:
		break;
	}
}

bool lsw_conn_detail_skip(const struct lsw_parser *p, const char *s, const char *end)
{
	size_t n = p->conn_prefix_len;

	if (p->prefix_conn < 0 || p->prefix_conn != p->last_conn || (size_t)(end - s) < n + 3 ||
	    !lsw_eq_words(s, p->conn_prefix, n))
		return false;
	const char *q = s + n;

	if (q[0] != ' ' || q[1] != ' ' || q[2] != ' ')
		return false;
	while (q < end && *q == ' ')
		q++;
	if (q == end)
		return false;
	/* the prefixes detail_line() acts on (keep the two in step); a line
	 * that does not start with one here cannot once its blanks are cut */
	switch (*q) {
	case 'p':
		return !starts(q, end, "policy: ");
	case 'n':
		return !starts(q, end, "newest ISAKMP SA: #") &&
		       !starts(q, end, "newest IKE SA: #");
	case 'r':
		return !starts(q, end, "routing: ");
	case 'I':
		return !starts(q, end, "IKEv1 algorithm newest: ") &&
		       !starts(q, end, "IKE algorithm newest: ") &&
		       !starts(q, end, "IKEv2 algorithm newest: ");
	case 'E':
		return !starts(q, end, "ESP algorithm newest: ");
	case 'i':
		return !starts(q, end, "ike_life: ");
	case 'v':
		return !starts(q, end, "v2-auth-hash-policy:");
	case 'l':
		return !starts(q, end, "liveness:");
	case 'o':
		return !starts(q, end, "our idtype:");
	case '\r': /* trailing blanks: the line may end here once trimmed */
	case '\t':
		return false;
	default:
		return true;
	}
}

/* Remember s..e ('"NAME"[N]:') as the text that names connection last_conn. */
static void remember_prefix(struct lsw_parser *p, const char *s, const char *e)
{
	size_t n = (size_t)(e - s);

	p->prefix_conn = -1;
	if (n > p->conn_prefix_cap) {
		size_t cap = p->conn_prefix_cap ? p->conn_prefix_cap : 64;

		while (cap < n)
			cap *= 2;
		char *b = realloc(p->conn_prefix, cap);

		if (!b)
			return; /* only a shortcut is lost */
		p->conn_prefix = b;
		p->conn_prefix_cap = cap;
	}
	memcpy(p->conn_prefix, s, n);
	p->conn_prefix_len = n;
	p->prefix_conn = p->last_conn;
}

static enum lsw_line_result detail(struct lsw_parser *p, struct lsw_connection *c, const char *q)
{
	while (*q == ' ')
		q++;
	detail_line(p, c, q);
	return p->oom ? LSW_LINE_UNKNOWN : LSW_LINE_KNOWN;
}

enum lsw_line_result lsw_line_conn(struct lsw_parser *p, const char *s)
{
	struct lsw_conn_ref ref;
	const char *q;

	/* A detail line of the connection the previous line named: the same
	 * '"NAME"[N]:' bytes give the same name and instance (the closing quote
	 * is chosen on the bytes up to that ':'), so neither the name is parsed
	 * nor the connection looked up again. */
	if (p->prefix_conn >= 0 && p->prefix_conn == p->last_conn &&
	    (size_t)(p->line_end - s) >= p->conn_prefix_len &&
	    lsw_eq_words(p->conn_prefix, s, p->conn_prefix_len)) {
		q = s + p->conn_prefix_len;
		if (q[0] == ' ' && q[1] == ' ' && q[2] == ' ')
			return detail(p, &p->conns[p->last_conn], q);
	}
	q = lsw_parse_conn_ref(s, NULL, &ref);
	if (!q || *q != ':')
		return LSW_LINE_UNKNOWN;
	q++;
	if (*q != ' ')
		return LSW_LINE_UNKNOWN;
	if (q[1] == ' ' && q[2] == ' ') {
		struct lsw_connection *c = lsw_get_conn(p, &ref);

		if (!c)
			return LSW_LINE_UNKNOWN;
		remember_prefix(p, s, q);
		return detail(p, c, q);
	}
	enum lsw_line_result r = first_line(p, &ref, q + 1);

	if (r == LSW_LINE_KNOWN)
		remember_prefix(p, s, q);
	return r;
}
