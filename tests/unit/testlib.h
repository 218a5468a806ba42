/* testlib.h - helpers the unit tests share (tests/unit/testlib.c, linked
 * into every unit test; not a test itself). Include after <cmocka.h>:
 * they fail the running test with cmocka's fail_msg() / assertions. */
#ifndef LSW_TESTLIB_H
#define LSW_TESTLIB_H

#include <stddef.h>

#include "snapshot.h"

/* The whole file at path, NUL-terminated (the NUL is not counted in
 * *len); malloc'ed, the caller frees it. NULL when it cannot be opened. */
char *testlib_read(const char *path, size_t *len);

/* testlib_read() of $LSW_TOP/tests/data/<dir>/<name> (LSW_TOP defaults
 * to "."); a file that cannot be read fails the test. */
char *testlib_slurp_data(const char *dir, const char *name, size_t *len);

/* A capture of tests/data/agent/: <name>.status.txt into *status and
 * <name>.trafficstatus.txt into *traffic (both malloc'ed, the caller frees
 * them); a file that cannot be read fails the test. */
void testlib_slurp_capture(const char *name, char **status, char **traffic);

/* lsw_parse() of a C string, never NULL (out of memory fails the test).
 * The caller frees it (lsw_snapshot_free()). */
struct lsw_snapshot *testlib_parse_str(const char *text);

/* lsw_parse() of the file tests/data/<dir>/<name>, never NULL. */
struct lsw_snapshot *testlib_parse_data(const char *dir, const char *name);

/* status (and traffic, may be NULL) through the agent's feed
 * (lsw_feed_parse(): the parse and failure rules of a poll); fails the test
 * when the feed refuses it, else never NULL. */
struct lsw_snapshot *testlib_feed(const char *status, const char *traffic);

/* got is want, both possibly NULL; what names the field in the failure. */
void testlib_str_eq(const char *what, const char *got, const char *want);

#endif
