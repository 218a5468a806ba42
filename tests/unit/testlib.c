/* testlib.c - helpers the unit tests share (see testlib.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feed.h"
#include "parser.h"
#include "testlib.h"

char *testlib_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, r;

	if (f == NULL)
		return NULL;
	do {
		/* room for a read and the NUL after the last one */
		if (n + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
	} while (r > 0);
	if (ferror(f))
		fail_msg("%s: read error", path);
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

char *testlib_slurp_data(const char *dir, const char *name, size_t *len)
{
	const char *top = getenv("LSW_TOP");
	char path[4096];
	char *buf;

	if (snprintf(path, sizeof(path), "%s/tests/data/%s/%s", top ? top : ".", dir, name) >=
	    (int)sizeof(path))
		fail_msg("path too long: %s/%s", dir, name);
	buf = testlib_read(path, len);
	if (buf == NULL)
		fail_msg("%s: %s", path, strerror(errno));
	return buf;
}

void testlib_slurp_capture(const char *name, char **status, char **traffic)
{
	char path[256];
	size_t len;

	snprintf(path, sizeof(path), "%s.status.txt", name);
	*status = testlib_slurp_data("agent", path, &len);
	snprintf(path, sizeof(path), "%s.trafficstatus.txt", name);
	*traffic = testlib_slurp_data("agent", path, &len);
}

struct lsw_snapshot *testlib_parse_str(const char *text)
{
	struct lsw_snapshot *snap = lsw_parse(text, strlen(text));

	assert_non_null(snap);
	return snap;
}

struct lsw_snapshot *testlib_parse_data(const char *dir, const char *name)
{
	size_t n;
	char *buf = testlib_slurp_data(dir, name, &n);
	struct lsw_snapshot *snap = lsw_parse(buf, n);

	free(buf);
	assert_non_null(snap);
	return snap;
}

void testlib_str_eq(const char *what, const char *got, const char *want)
{
	if (!want && !got)
		return;
	if (!want || !got || strcmp(got, want) != 0)
		fail_msg("%s: got \"%s\", want \"%s\"", what, got ? got : "(null)",
		         want ? want : "(null)");
}

struct lsw_snapshot *testlib_feed(const char *status, const char *traffic)
{
	char err[256];
	struct lsw_snapshot *s = NULL;

	if (lsw_feed_parse(status, strlen(status), traffic, traffic ? strlen(traffic) : 0, &s, err,
	                   sizeof(err)) < 0)
		fail_msg("parse: %s", err);
	return s;
}
