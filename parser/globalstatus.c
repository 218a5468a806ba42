/* globalstatus.c - `ipsec whack --globalstatus`: "name=number" lines.
 *
 * One pass notes each good line (name as a span of the text, value, line
 * order), a sort by (name, order) puts the printings of a name together
 * with the last one last, and one block then holds the result: the struct,
 * its items and their names. One free, nothing else owned. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "globalstatus.h"

struct span {
	const char *name;
	size_t name_len;
	uint64_t value;
	size_t seq; /* line order: of two equal names, the later one wins */
};

/* The name of s..e: printable ASCII without blanks, 1 to LSW_GSTAT_NAME_MAX bytes. */
static bool good_name(const char *s, const char *e)
{
	if (e == s || (size_t)(e - s) > LSW_GSTAT_NAME_MAX)
		return false;
	for (; s < e; s++)
		if (*s <= ' ' || *s > '~')
			return false;
	return true;
}

/* s..e is "name=number" (prefix and trailing blanks already cut). */
static bool parse_item(const char *s, const char *e, struct span *out)
{
	const char *eq = memchr(s, '=', (size_t)(e - s));
	uint64_t v = 0;

	if (!eq || !good_name(s, eq) || eq + 1 == e)
		return false;
	/* the digits must be the whole rest: no sign, blank, unit or hex. Not
	 * lsw_parse_u64(): the text has no NUL after its last line */
	for (const char *d = eq + 1; d < e; d++) {
		unsigned dig = (unsigned)(*d - '0');

		if (*d < '0' || *d > '9' || v > (UINT64_MAX - dig) / 10)
			return false; /* not a digit, or v * 10 + dig > UINT64_MAX */
		v = v * 10 + dig;
	}
	out->name = s;
	out->name_len = (size_t)(eq - s);
	out->value = v;
	return true;
}

static bool same_name(const struct span *x, const struct span *y)
{
	return x->name_len == y->name_len && memcmp(x->name, y->name, x->name_len) == 0;
}

/* strcmp() order of the names (they hold no NUL), then line order. */
static int cmp_span(const void *a, const void *b)
{
	const struct span *x = a, *y = b;
	size_t n = x->name_len < y->name_len ? x->name_len : y->name_len;
	int c = memcmp(x->name, y->name, n);

	if (c)
		return c;
	if (x->name_len != y->name_len)
		return x->name_len < y->name_len ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The first bytes of a line for an error message, non-printable bytes as '?'. */
static void quote_line(char *dst, size_t cap, const char *s, size_t n)
{
	size_t i;

	if (n > cap - 1)
		n = cap - 1;
	for (i = 0; i < n; i++)
		dst[i] = s[i] >= ' ' && s[i] <= '~' ? s[i] : '?';
	dst[i] = '\0';
}

__attribute__((format(printf, 3, 4))) static void set_err(char *err, size_t errlen, const char *fmt,
                                                          ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

int lsw_globalstatus_parse(const char *text, size_t len, struct lsw_globalstatus **out, char *err,
                           size_t errlen)
{
	struct span *spans = NULL;
	size_t n = 0, cap = 0, lines = 0, unparsed = 0, names = 0;
	const char *first_bad = NULL, *end;
	size_t first_bad_len = 0;
	struct lsw_globalstatus *g = NULL;
	int rc = -1;

	*out = NULL;
	set_err(err, errlen, "%s", "");
	if (!text) {
		text = ""; /* NULL + 0 is undefined, and UBSan says so */
		len = 0;
	}
	end = text + len;
	for (const char *s = text; s < end;) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *e = nl ? nl : end, *next = nl ? nl + 1 : end;

		lines++;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
			e--;
		/* the whack RC prefix of 3.x/4.x ("000 ", "006 "), or a bare "000" */
		if (e - s >= 3 && s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9' &&
		    s[2] >= '0' && s[2] <= '9' && (e - s == 3 || s[3] == ' '))
			s += e - s == 3 ? 3 : 4;
		/* 3.20 and 3.21 printed "000 #total.ipsec.type.all=0": the same
		 * names as since, behind a '#' */
		if (s < e && *s == '#')
			s++;
		if (s == e) {
			s = next; /* blank: a separator, nothing to understand */
			continue;
		}
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 256;
			struct span *ns = realloc(spans, ncap * sizeof(*ns));

			if (!ns) {
				set_err(err, errlen, "out of memory");
				goto done;
			}
			spans = ns;
			cap = ncap;
		}
		if (parse_item(s, e, &spans[n])) {
			spans[n].seq = n;
			n++;
		} else {
			if (!first_bad) {
				first_bad = s;
				first_bad_len = (size_t)(e - s);
			}
			unparsed++;
		}
		s = next;
	}
	if (n == 0) {
		char q[64];

		if (!first_bad) {
			set_err(err, errlen, "no globalstatus: %s",
			        lines ? "only blank lines" : "empty text");
		} else {
			quote_line(q, sizeof(q), first_bad, first_bad_len);
			set_err(err, errlen, "no name=number line in %zu lines (the first: \"%s\")",
			        lines, q);
		}
		goto done;
	}
	qsort(spans, n, sizeof(*spans), cmp_span);
	/* keep the last printing of each name: the last of each run */
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (i + 1 < n && same_name(&spans[i], &spans[i + 1]))
			continue;
		spans[k++] = spans[i];
		names += spans[i].name_len + 1;
	}
	/* the struct, its items, their names: one block (the names last, so the
	 * items stay aligned) */
	g = malloc(sizeof(*g) + k * sizeof(struct lsw_gstat_item) + names);
	if (!g) {
		set_err(err, errlen, "out of memory");
		goto done;
	}
	struct lsw_gstat_item *items = (struct lsw_gstat_item *)(g + 1);
	char *pool = (char *)(items + k);

	for (size_t i = 0; i < k; i++) {
		memcpy(pool, spans[i].name, spans[i].name_len);
		pool[spans[i].name_len] = '\0';
		items[i].name = pool;
		items[i].value = spans[i].value;
		pool += spans[i].name_len + 1;
	}
	g->n = k;
	g->items = items;
	g->lines = lines;
	g->unparsed = unparsed;
	*out = g;
	rc = 0;
done:
	free(spans);
	return rc;
}

void lsw_globalstatus_free(struct lsw_globalstatus *g)
{
	free(g); /* one block: see lsw_globalstatus_parse() */
}

bool lsw_globalstatus_get(const struct lsw_globalstatus *g, const char *name, uint64_t *value)
{
	if (!g || !name)
		return false;
	size_t lo = 0, hi = g->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, g->items[mid].name);

		if (c == 0) {
			if (value)
				*value = g->items[mid].value;
			return true;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return false;
}
