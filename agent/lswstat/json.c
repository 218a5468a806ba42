/* json.c - streaming JSON writer, see json.h. */
#include "lswstat/json.h"

#include <inttypes.h>
#include <string.h>

void lswstat_json_init(struct lswstat_json *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
}

/* Comma, newline, indentation and key for the next value. */
static void member(struct lswstat_json *j, const char *key)
{
	if (j->depth > 0) {
		if (j->has_items[j->depth])
			fputc(',', j->f);
		j->has_items[j->depth] = true;
		fputc('\n', j->f);
		for (int i = 0; i < j->depth; i++)
			fputs("  ", j->f);
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
	if (had) {
		fputc('\n', j->f);
		for (int i = 0; i < j->depth; i++)
			fputs("  ", j->f);
	}
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

void lswstat_json_write_string(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	fputc('"', f);
	while (*s != '\0') {
		size_t n;

		switch (*s) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		case '\b':
			fputs("\\b", f);
			break;
		case '\f':
			fputs("\\f", f);
			break;
		default:
			if (*s < 0x20 || *s == 0x7f) {
				fprintf(f, "\\u%04x", *s);
				break;
			}
			/* The string is NUL-terminated, so a truncated sequence
			 * fails on the NUL before reading past it. */
			n = lswstat_utf8_len(s);
			if (n == 0) {
				fputs("\xef\xbf\xbd", f); /* U+FFFD */
				break;
			}
			fwrite(s, 1, n, f);
			s += n;
			continue;
		}
		s++;
	}
	fputc('"', f);
}
