/* json.h - a small streaming JSON writer for lswstat's --json.
 *
 * Writes straight to a FILE; keeps only the nesting (for commas and
 * indentation). Strings are escaped per RFC 8259: quote, backslash and
 * control characters escaped, invalid UTF-8 replaced by U+FFFD, so any
 * byte string from pluto's output yields valid JSON.
 */
#ifndef LSWSTAT_JSON_H
#define LSWSTAT_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define LSWSTAT_JSON_MAX_DEPTH 16

struct lswstat_json {
	FILE *f;
	int depth;
	bool has_items[LSWSTAT_JSON_MAX_DEPTH]; /* per level: a comma is due */
};

/* Every function takes the member name as key, or NULL inside an array. */
void lswstat_json_init(struct lswstat_json *j, FILE *f);
void lswstat_json_object_begin(struct lswstat_json *j, const char *key);
void lswstat_json_object_end(struct lswstat_json *j);
void lswstat_json_array_begin(struct lswstat_json *j, const char *key);
void lswstat_json_array_end(struct lswstat_json *j);
/* NULL writes null. */
void lswstat_json_string(struct lswstat_json *j, const char *key, const char *s);
void lswstat_json_uint(struct lswstat_json *j, const char *key, uint64_t v);
void lswstat_json_int(struct lswstat_json *j, const char *key, long long v);
void lswstat_json_bool(struct lswstat_json *j, const char *key, bool v);
void lswstat_json_null(struct lswstat_json *j, const char *key);

/* Length (1..4) of the valid UTF-8 sequence at s, 0 when invalid (also
 * overlong forms, surrogates, > U+10FFFF, a sequence cut by the NUL). */
size_t lswstat_utf8_len(const unsigned char *s);

/* Write s as a JSON string (with quotes), escaped as described above. */
void lswstat_json_write_string(FILE *f, const char *s);

#endif
