/* test_corpus.c - every file of the shared corpus ($LSW_SHARED/corpus/<version>/,
 * default ../shared next to the repository): real output of libreswan 3.32,
 * 4.10 and 5.4 as its own test suite records it.
 *
 * - No file crashes the parser (ASan/valgrind runs make that strict), and
 *   feeding it in two pieces gives the same counts.
 * - Files of tests libreswan keeps passing (INDEX.tsv testlist_status=good)
 *   of the commands status, trafficstatus, showstates and briefstatus leave
 *   no line unparsed, except the tests on the allowlist below.
 * - Whole status files (partial=no) hold as many IKE and IPsec SAs as their
 *   own "IKE SAs: total(N)" / "IPsec SAs: total(N)" lines say.
 * When the corpus is absent the test is skipped. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "parser.h"
#include "testlib.h"

/* Tests whose recorded output was rewritten by the test itself, so some
 * lines are not pluto's (libreswan testing/pluto/TEST/ console output). */
static const struct {
	const char *test;
	const char *reason;
} allow_unparsed[] = {
    {"basic-pluto-12", "sed 's/type=ESP.*$/[...]/' cuts the trafficstatus line"},
    {"l2tp-01", "sed 's/type=ESP.*$/[...]/' cuts the trafficstatus line"},
    {"ikev1-l2tp-01", "sed 's/type=ESP.*$/[...]/' cuts the trafficstatus line"},
    {"ikev1-l2tp-02", "sed 's/type=ESP.*$/[...]/' cuts the trafficstatus line"},
    {"newoe-18-poc-cop-port22", "sed 's/type=ESP.*$/[...]/' cuts the trafficstatus line"},
    {"newoe-18-poc-cop-port22-transport", "sed 's/type=ESP.*$/[...]/' cuts the trafficstatus line"},
    {"newoe-18-poc-cop-port22-both-reorder",
     "sed 's/type=ESP.*$/[...]/' cuts the trafficstatus line"},
    {"newoe-18-poc-cop-port-7", "sed 's/type=ESP.*$/[...]/' cuts the trafficstatus line"},
    {"newoe-06-prio", "sed replaces the rest of each state line by '--- cut ---'"},
    {"ikev2-redirect-06-roadwarriors", "sed 's/#./#X/' replaces the serial numbers"},
    {"ikev2-rw-multiple-subnets-4-mismatch",
     "'ipsec trafficstatus | wc -l' records a count, not the lines"},
    {"newoe-18-poc-poc", "the output of 'hostname' is mixed in"},
};

/* Whole status files whose SA count differs from pluto's totals: none so far. */
static const struct {
	const char *file;
	const char *reason;
} allow_totals[] = {
    {NULL, NULL},
};

struct row {
	char file[256], test[160], status[32], cmd[32], partial[8];
};

/* Column c (0-based) of a TSV line into out. */
static void column(const char *line, int c, char *out, size_t size)
{
	const char *p = line;

	for (int i = 0; i < c && p; i++) {
		p = strchr(p, '\t');
		if (p)
			p++;
	}
	size_t n = p ? strcspn(p, "\t\n") : 0;

	if (n >= size)
		n = size - 1;
	if (p)
		memcpy(out, p, n);
	out[n] = '\0';
}

static struct row *read_index(const char *dir, size_t *n_rows)
{
	char path[8192];
	size_t len;

	*n_rows = 0;
	if (snprintf(path, sizeof(path), "%s/INDEX.tsv", dir) >= (int)sizeof(path))
		return NULL;
	char *idx = testlib_read(path, &len);
	struct row *rows = NULL;
	size_t n = 0, cap = 0;

	*n_rows = 0;
	if (!idx)
		return NULL;
	char *save = NULL;

	idx = realloc(idx, len + 1);
	assert_non_null(idx);
	idx[len] = '\0';
	for (char *line = strtok_r(idx, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "file\t", 5) == 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			rows = realloc(rows, cap * sizeof(*rows));
			assert_non_null(rows);
		}
		column(line, 0, rows[n].file, sizeof(rows[n].file));
		column(line, 3, rows[n].test, sizeof(rows[n].test));
		column(line, 4, rows[n].status, sizeof(rows[n].status));
		column(line, 9, rows[n].cmd, sizeof(rows[n].cmd));
		column(line, 10, rows[n].partial, sizeof(rows[n].partial));
		n++;
	}
	free(idx);
	*n_rows = n;
	return rows;
}

static const struct row *find_row(const struct row *rows, size_t n, const char *file)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(rows[i].file, file) == 0)
			return &rows[i];
	return NULL;
}

static bool allowed_unparsed(const char *test)
{
	for (size_t i = 0; i < sizeof(allow_unparsed) / sizeof(allow_unparsed[0]); i++)
		if (strcmp(allow_unparsed[i].test, test) == 0)
			return true;
	return false;
}

static bool allowed_totals(const char *file)
{
	for (size_t i = 0; i < sizeof(allow_totals) / sizeof(allow_totals[0]); i++)
		if (allow_totals[i].file && strcmp(allow_totals[i].file, file) == 0)
			return true;
	return false;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* SAs whose link to their connection (sa.conn) is not the connection of
 * their name and instance. */
static size_t bad_links(const struct lsw_snapshot *s)
{
	size_t bad = 0;

	for (size_t i = 0; i < s->n_ike_sas + s->n_child_sas; i++) {
		const struct lsw_sa *sa =
		    i < s->n_ike_sas ? &s->ike_sas[i].sa : &s->child_sas[i - s->n_ike_sas].sa;

		bad += sa->conn != lsw_snapshot_find_connection(s, sa->connection, sa->instance);
	}
	return bad;
}

/* Returns the number of failures in this version. */
static int check_version(const char *dir, const char *version)
{
	size_t n_rows;
	struct row *rows = read_index(dir, &n_rows);
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n_names = 0, cap = 0;
	int failures = 0;
	size_t files = 0, lines = 0, unparsed = 0, strict = 0, strict_unparsed = 0, allowed = 0,
	       totals = 0;

	assert_non_null(d);
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);

		if (l < 5 || strcmp(de->d_name + l - 4, ".txt") != 0)
			continue;
		if (n_names == cap) {
			cap = cap ? cap * 2 : 256;
			names = realloc(names, cap * sizeof(*names));
			assert_non_null(names);
		}
		names[n_names++] = strdup(de->d_name);
	}
	closedir(d);
	if (n_names)
		qsort(names, n_names, sizeof(*names), cmp_str);

	for (size_t i = 0; i < n_names; i++) {
		char path[8192];
		size_t len;

		if (snprintf(path, sizeof(path), "%s/%s", dir, names[i]) >= (int)sizeof(path))
			fail_msg("path too long: %s", names[i]);
		char *buf = testlib_read(path, &len);

		assert_non_null(buf);
		struct lsw_snapshot *snap = lsw_parse(buf, len);

		assert_non_null(snap);
		/* the same text in two pieces, cut in the middle of a line */
		struct lsw_parser *p = lsw_parser_new();

		assert_non_null(p);
		assert_int_equal(lsw_parser_feed(p, buf, len / 2 + 1 > len ? len : len / 2 + 1), 0);
		if (len / 2 + 1 < len)
			assert_int_equal(lsw_parser_feed(p, buf + len / 2 + 1, len - len / 2 - 1),
			                 0);
		struct lsw_snapshot *two = lsw_parser_finish(p);

		assert_non_null(two);
		if (two->unparsed != snap->unparsed || two->n_ike_sas != snap->n_ike_sas ||
		    two->n_child_sas != snap->n_child_sas ||
		    two->n_connections != snap->n_connections) {
			print_error("%s/%s: two pieces parse differently\n", version, names[i]);
			failures++;
		}
		lsw_snapshot_free(two);
		if (bad_links(snap)) {
			print_error("%s/%s: %zu SA(s) not linked to their connection\n", version,
			            names[i], bad_links(snap));
			failures++;
		}

		files++;
		lines += snap->lines;
		unparsed += snap->unparsed;
		const struct row *r = find_row(rows, n_rows, names[i]);

		if (r && strcmp(r->status, "good") == 0 &&
		    (strcmp(r->cmd, "status") == 0 || strcmp(r->cmd, "trafficstatus") == 0 ||
		     strcmp(r->cmd, "showstates") == 0 || strcmp(r->cmd, "briefstatus") == 0)) {
			strict++;
			if (snap->unparsed && allowed_unparsed(r->test)) {
				allowed++;
			} else if (snap->unparsed) {
				strict_unparsed += snap->unparsed;
				print_error("%s/%s: %zu unparsed line(s), first at line %zu\n",
				            version, names[i], snap->unparsed,
				            snap->unparsed_line[0]);
				failures++;
			}
		}
		if (r && strcmp(r->cmd, "status") == 0 && strcmp(r->partial, "no") == 0 &&
		    snap->totals.ike_total != LSW_ABSENT && !allowed_totals(names[i])) {
			totals++;
			if ((long)snap->n_ike_sas != snap->totals.ike_total ||
			    (snap->totals.ipsec_total != LSW_ABSENT &&
			     (long)snap->n_child_sas != snap->totals.ipsec_total)) {
				print_error("%s/%s: %zu IKE SAs / %zu IPsec SAs parsed, pluto says "
				            "%ld / %ld\n",
				            version, names[i], snap->n_ike_sas, snap->n_child_sas,
				            snap->totals.ike_total, snap->totals.ipsec_total);
				failures++;
			}
		}
		lsw_snapshot_free(snap);
		free(buf);
		free(names[i]);
	}
	print_message(
	    "%-6s files %zu, lines %zu, unparsed %zu; strict files %zu (allowlisted %zu, unparsed "
	    "elsewhere %zu); totals checked %zu\n",
	    version, files, lines, unparsed, strict, allowed, strict_unparsed, totals);
	free(names);
	free(rows);
	return failures;
}

static void test_corpus(void **state)
{
	(void)state;
	const char *shared = getenv("LSW_SHARED");
	char base[4096];

	snprintf(base, sizeof(base), "%s/corpus", shared && *shared ? shared : "../shared");
	DIR *d = opendir(base);

	if (!d) {
		print_message("SKIPPED: no corpus at %s\n", base);
		skip();
	}
	struct dirent *de;
	char *versions[64];
	size_t n = 0;
	int failures = 0;

	while ((de = readdir(d)) && n < 64) {
		if (de->d_name[0] == '.')
			continue;
		char dir[8192];
		DIR *sub;

		snprintf(dir, sizeof(dir), "%s/%s", base, de->d_name);
		if (!(sub = opendir(dir)))
			continue;
		closedir(sub);
		versions[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(versions, n, sizeof(versions[0]), cmp_str);
	for (size_t i = 0; i < n; i++) {
		char dir[8192];

		snprintf(dir, sizeof(dir), "%s/%s", base, versions[i]);
		failures += check_version(dir, versions[i]);
		free(versions[i]);
	}
	assert_true(n > 0);
	assert_int_equal(failures, 0);
}

int main(void)
{
	const char *shared = getenv("LSW_SHARED");
	char base[4096];
	DIR *d;

	/* Without the corpus (a user's clone has no ../shared) the whole binary
	 * is skipped: exit 77 and a last line that says why, which
	 * tests/run-tests reports as SKIP. */
	snprintf(base, sizeof(base), "%s/corpus", shared && *shared ? shared : "../shared");
	if (!(d = opendir(base))) {
		printf("SKIPPED: no corpus at %s (../shared is only on the project's machines)\n",
		       base);
		return 77;
	}
	closedir(d);

	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_corpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
