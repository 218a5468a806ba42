/* json.c - streaming JSON writer, see json.h. */
#include "lswstat/json.h"

#include <inttypes.h>
#include <string.h>

void lswstat_json_init(struct lswstat_json *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
}

static void indent(struct lswstat_json *j)
{
	static const char spaces[] = "\n                                ";

	fwrite(spaces, 1, 1 + 2 * (size_t)j->depth, j->f);
}

/* Comma, newline, indentation and key for the next value. */
static void member(struct lswstat_json *j, const char *key)
{
	if (j->depth > 0) {
		if (j->has_items[j->depth])
			fputc(',', j->f);
		j->has_items[j->depth] = true;
		indent(j);
	}
	if (key != NULL) {
		lswstat_json_write_string(j->f, key);
		fputs(": ", j->f);
	}
}

static void open_level(struct lswstat_json *j, const char *key, char c)
{
	member(j, key);
	fputc(c, j->f);
	/* Deeper than the snapshot ever nests is a programming error; stay
	 * syntactically valid rather than overflow. */
	if (j->depth + 1 < LSWSTAT_JSON_MAX_DEPTH)
		j->depth++;
	j->has_items[j->depth] = false;
}

static void close_level(struct lswstat_json *j, char c)
{
	bool had = j->has_items[j->depth];

	if (j->depth > 0)
		j->depth--;
	if (had)
		indent(j);
	fputc(c, j->f);
	if (j->depth == 0)
		fputc('\n', j->f);
}

void lswstat_json_object_begin(struct lswstat_json *j, const char *key)
{
	open_level(j, key, '{');
}

void lswstat_json_object_end(struct lswstat_json *j)
{
	close_level(j, '}');
}

void lswstat_json_array_begin(struct lswstat_json *j, const char *key)
{
	open_level(j, key, '[');
}

void lswstat_json_array_end(struct lswstat_json *j)
{
	close_level(j, ']');
}

void lswstat_json_string(struct lswstat_json *j, const char *key, const char *s)
{
	member(j, key);
	if (s == NULL)
		fputs("null", j->f);
	else
		lswstat_json_write_string(j->f, s);
}

void lswstat_json_uint(struct lswstat_json *j, const char *key, uint64_t v)
{
	member(j, key);
	fprintf(j->f, "%" PRIu64, v);
}

void lswstat_json_int(struct lswstat_json *j, const char *key, long long v)
{
	member(j, key);
	fprintf(j->f, "%lld", v);
}

void lswstat_json_bool(struct lswstat_json *j, const char *key, bool v)
{
	member(j, key);
	fputs(v ? "true" : "false", j->f);
}

void lswstat_json_null(struct lswstat_json *j, const char *key)
{
	member(j, key);
	fputs("null", j->f);
}

/* RFC 3629's table of well-formed sequences. */
size_t lswstat_utf8_len(const unsigned char *s)
{
	unsigned char c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		unsigned char lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;

		return s[1] >= lo && s[1] <= hi && (s[2] & 0xc0) == 0x80 ? 3 : 0;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		unsigned char lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;

		return s[1] >= lo && s[1] <= hi && (s[2] & 0xc0) == 0x80 && (s[3] & 0xc0) == 0x80
		           ? 4
		           : 0;
	}
	return 0;
}

/* The escape of byte c, or NULL when c is written as is. */
static const char *escape(unsigned char c, char buf[8])
{
	switch (c) {
	case '"':
		return "\\\"";
	case '\\':
		return "\\\\";
	case '\n':
		return "\\n";
	case '\r':
		return "\\r";
	case '\t':
		return "\\t";
	case '\b':
		return "\\b";
	case '\f':
		return "\\f";
	default:
		if (c < 0x20 || c == 0x7f) {
			snprintf(buf, 8, "\\u%04x", c);
			return buf;
		}
		return NULL;
	}
}

void lswstat_json_write_string(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	const unsigned char *run = s; /* bytes to copy as they are, up to s */

	fputc('"', f);
	while (*s != '\0') {
		char buf[8];
		const char *e = escape(*s, buf);
		/* The string is NUL-terminated, so a truncated sequence fails
		 * on the NUL before reading past it. */
		size_t n = e != NULL ? 1 : lswstat_utf8_len(s);

		if (e == NULL && n > 0) {
			s += n;
			continue;
		}
		/* Runs go out in one fwrite: a byte at a time is most of the
		 * time of --json on 10k tunnels. */
		fwrite(run, 1, (size_t)(s - run), f);
		fputs(e != NULL ? e : "\xef\xbf\xbd", f); /* U+FFFD */
		run = ++s;
	}
	fwrite(run, 1, (size_t)(s - run), f);
	fputc('"', f);
}
