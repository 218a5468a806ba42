/* lines.c - the parser object: splitting input into lines and one dispatch
 * per line to the line kinds (conn.c, state.c, traffic.c, other.c), which
 * store what they find through records.c. */
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
	free(p->name_buf);
	free(p->conn_prefix);
	free(p->ike_conn);
	free(p->child_conn);
	free(p->carried_had_sa);
	free(p->conns);
	free(p->ikes);
	free(p->childs);
	lsw_serial_map_free(&p->sa_map);
	lsw_conn_map_free(&p->conn_map);
	free(p);
}

void lsw_parser_counts(const struct lsw_parser *p, size_t *lines, size_t *unparsed)
{
	*lines = p->lines;
	*unparsed = p->unparsed;
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
	/* a SPI line's username (peer-controlled, at its end) may hold
	 * ", type=": its " Traffic:" comes first */
	if (limit && lsw_find_traffic(q, limit)) {
		limit = NULL;
		traffic = false;
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
		if (cap > LSW_LINE_MAX + 1)
			cap = LSW_LINE_MAX + 1;
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

/* A line longer than LSW_LINE_MAX: one line, not understood, and none of
 * its bytes kept (a peer or a broken pluto must not make memory grow). */
static void overlong_line(struct lsw_parser *p)
{
	p->lines++;
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
		if (cap > LSW_LINE_MAX + 1)
			cap = LSW_LINE_MAX + 1; /* the most a line may take */
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
		size_t n = nl ? (size_t)(nl - buf) : (size_t)(end - buf);

		if (!nl) {
			if (p->skipping)
				break;
			if (p->carry_len + n > LSW_LINE_MAX) {
				/* too long already: drop it up to its newline */
				p->carry_len = 0;
				p->skipping = true;
				break;
			}
			if (carry_append(p, buf, n) < 0)
				return -1;
			break;
		}
		if (p->skipping || p->carry_len + n > LSW_LINE_MAX) {
			p->skipping = false;
			p->carry_len = 0;
			overlong_line(p);
		} else if (p->carry_len) {
			/* finish the line begun in an earlier feed */
			if (carry_append(p, buf, n) < 0)
				return -1;
			parse_line(p, p->carry, p->carry_len, -1);
			p->carry_len = 0;
		} else {
			parse_line(p, buf, n, nul && nul < nl);
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
	if (p->skipping) {
		p->skipping = false;
		overlong_line(p);
	} else if (p->carry_len) {
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
