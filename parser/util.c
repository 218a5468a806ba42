/* util.c - small scanners shared by the line parsers. */
#include <arpa/inet.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "internal.h"

bool lsw_is_blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r')
			return false;
	return true;
}

static const char *skip_instance(const char *p)
{
	while (*p == '[') {
		const char *e = p + 1;

		while (*e >= '0' && *e <= '9')
			e++;
		if (e == p + 1 || *e != ']')
			break;
		p = e + 1;
	}
	return p;
}

const char *lsw_find(const char *s, const char *end, const char *lit, size_t n)
{
	if (n == 0)
		return s;
	for (const char *t = s;
	     end - t >= (ptrdiff_t)n && (t = memchr(t, lit[0], (size_t)(end - t) - n + 1)); t++)
		if (memcmp(t + 1, lit + 1, n - 1) == 0)
			return t;
	return NULL;
}

const char *lsw_find_sep(const char *s, const char *end)
{
	for (const char *c = s; c < end && (c = memchr(c, ',', (size_t)(end - c))); c++)
		if (c + 1 < end && c[1] == ' ')
			return c;
	return NULL;
}

const char *lsw_find_traffic(const char *s, const char *end)
{
	for (const char *t = s; t < end && (t = memchr(t, 'T', (size_t)(end - t))); t++)
		if (t > s && t[-1] == ' ' && (size_t)(end - t) >= 8 &&
		    memcmp(t, "Traffic:", 8) == 0)
			return t - 1;
	return NULL;
}

/* The next '"' at or after s and before limit (NULL: the end of the string). */
static const char *next_quote(const char *s, const char *limit)
{
	if (limit)
		return s < limit ? memchr(s, '"', (size_t)(limit - s)) : NULL;
	/* a connection line: the name is short, a loop beats a libc call */
	for (; *s; s++)
		if (*s == '"')
			return s;
	return NULL;
}

/* "NAME"[N][M]. Names may hold '#', '/', blanks and even '", "', so the
 * closing quote is chosen by what must follow it: for a connection line
 * (limit NULL) the first quote followed by instances and ':'; for an SA line
 * the last quote before limit (where the fields begin) that is followed by
 * instances and one of ':', ' ', ',' or the end. Returns the position after
 * the instance, or NULL. */
const char *lsw_parse_conn_ref(const char *s, const char *limit, struct lsw_conn_ref *ref)
{
	const char *best = NULL;

	if (*s != '"')
		return NULL;
	for (const char *q = next_quote(s + 1, limit); q; q = next_quote(q + 1, limit)) {
		const char *after = skip_instance(q + 1);

		if (!limit) {
			if (*after == ':') {
				best = q;
				break;
			}
		} else if (*after == ':' || *after == ' ' || *after == ',' || *after == '\0') {
			best = q;
		}
	}
	if (!best)
		return NULL;
	ref->name = s + 1;
	ref->name_len = (size_t)(best - s - 1);
	ref->inst = best + 1;
	const char *p = skip_instance(best + 1);

	ref->inst_len = (size_t)(p - ref->inst);
	return p;
}

/* Dotted quad as inet_pton(AF_INET) reads it (four parts, each 0-255, no
 * leading zero), without its call and byte-wise state machine: most hosts
 * and peers are IPv4. false for anything else, which inet_pton then sees. */
static bool ipv4(const char *s, const char *e, unsigned char out[4])
{
	unsigned char b[4];

#define DIGIT(c) ((unsigned)((c) - '0') <= 9)
	for (int i = 0; i < 4; i++) {
		unsigned v;

		if (i > 0 && (s == e || *s++ != '.'))
			return false;
		/* one to three digits, no leading zero */
		if (s == e || !DIGIT(*s))
			return false;
		v = (unsigned)(*s++ - '0');
		if (s < e && DIGIT(*s)) {
			if (v == 0)
				return false;
			v = v * 10 + (unsigned)(*s++ - '0');
			if (s < e && DIGIT(*s))
				v = v * 10 + (unsigned)(*s++ - '0');
		}
		if (v > 255)
			return false;
		b[i] = (unsigned char)v;
	}
#undef DIGIT
	if (s != e)
		return false;
	memcpy(out, b, 4);
	return true;
}

void lsw_parse_addr(const char *s, size_t n, struct lsw_addr *out)
{
	char buf[INET6_ADDRSTRLEN + 8];

	memset(out, 0, sizeof(*out));
	/* the common case, read in place: a plain dotted quad */
	if (ipv4(s, s + n, out->bytes)) {
		out->family = AF_INET;
		return;
	}
	if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
		s++;
		n -= 2;
	}
	if (n == 0 || n >= sizeof(buf))
		return;
	memcpy(buf, s, n);
	buf[n] = '\0';
	/* "192.1.2.23:4500": a host with a non-default IKE port */
	char *colon = strchr(buf, ':');

	if (colon && !strchr(colon + 1, ':') && strchr(buf, '.'))
		*colon = '\0';
	if (inet_pton(AF_INET, buf, out->bytes) == 1)
		out->family = AF_INET;
	else if (inet_pton(AF_INET6, buf, out->bytes) == 1)
		out->family = AF_INET6;
	else
		memset(out, 0, sizeof(*out));
}

void lsw_parse_stored_addr(struct lsw_parser *p, const char *s, size_t n, struct lsw_addr *out)
{
	if (s == p->addr_str && n == p->addr_len) {
		*out = p->addr;
		return;
	}
	lsw_parse_addr(s, n, out);
	p->addr_str = s;
	p->addr_len = n;
	p->addr = *out;
}

/* The peer address inside a printed connection suffix: "192.1.2.23",
 * "...192.1.2.23", "10.0.10.1/32=== ...192.1.2.23===10.0.0.1/32". */
const char *lsw_peer_address(const char *s, size_t n, size_t *len)
{
	const char *end = s + n;
	const char *dots = NULL;

	for (const char *p = s; p + 3 <= end; p++)
		if (p[0] == '.' && p[1] == '.' && p[2] == '.') {
			dots = p;
			break;
		}
	if (dots) {
		s = dots + 3;
		const char *eq = NULL;

		for (const char *p = s; p + 3 <= end; p++)
			if (p[0] == '=' && p[1] == '=' && p[2] == '=') {
				eq = p;
				break;
			}
		if (eq)
			end = eq;
	}
	*len = (size_t)(end - s);
	return s;
}
