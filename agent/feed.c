/* feed.c - one poll's parse and its failure rules (see feed.h). */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "feed.h"
#include "parser.h"

struct lsw_feed {
	struct lsw_parser *parser;
	size_t status_len;
	char first[81]; /* the first status line (80 bytes at most), for an error */
	size_t first_len;
	bool first_done;
	bool states;                          /* a light poll: showstates first */
	size_t status_lines, status_unparsed; /* of the first text alone */
	bool status_counted;
	/* a light poll: some line of the showstates text holds more than
	 * blanks after the "000" of 3.x/4.x (a separator) */
	bool content;
	size_t col; /* of the next byte in its line */
};

static void set_err(char *err, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

struct lsw_feed *lsw_feed_new(void)
{
	struct lsw_feed *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return NULL;
	f->parser = lsw_parser_new();
	if (f->parser == NULL) {
		free(f);
		return NULL;
	}
	return f;
}

struct lsw_feed *lsw_feed_new_states(const struct lsw_snapshot *base)
{
	struct lsw_feed *f = lsw_feed_new();

	if (f == NULL)
		return NULL;
	f->states = true;
	if (lsw_parser_carry(f->parser, base) < 0) {
		lsw_feed_free(f);
		return NULL;
	}
	return f;
}

void lsw_feed_free(struct lsw_feed *f)
{
	if (f == NULL)
		return;
	lsw_parser_free(f->parser);
	free(f);
}

int lsw_feed_status(struct lsw_feed *f, const char *buf, size_t len)
{
	if (len == 0)
		return 0;
	if (!f->first_done) {
		const char *nl = memchr(buf, '\n', len);
		size_t n = nl ? (size_t)(nl - buf) : len;

		if (n > sizeof(f->first) - 1 - f->first_len)
			n = sizeof(f->first) - 1 - f->first_len;
		memcpy(f->first + f->first_len, buf, n);
		f->first_len += n;
		f->first_done = nl != NULL || f->first_len == sizeof(f->first) - 1;
	}
	f->status_len += len;
	for (size_t i = 0; f->states && !f->content && i < len; i++) {
		char ch = buf[i];

		if (ch == '\n')
			f->col = 0;
		else if (!(ch == ' ' || ch == '\t' || ch == '\r' || (ch == '0' && f->col < 3)) ||
		         ++f->col == 0)
			f->content = true;
	}
	return lsw_parser_feed(f->parser, buf, len);
}

/* The lines of the first text, counted once it is all in. */
static void count_status(struct lsw_feed *f)
{
	if (f->status_counted)
		return;
	lsw_parser_counts(f->parser, &f->status_lines, &f->status_unparsed);
	f->status_counted = true;
}

int lsw_feed_status_end(struct lsw_feed *f)
{
	if (lsw_parser_end_input(f->parser) < 0)
		return -1;
	count_status(f);
	return 0;
}

int lsw_feed_traffic(struct lsw_feed *f, const char *buf, size_t len)
{
	return len > 0 ? lsw_parser_feed(f->parser, buf, len) : 0;
}

/* Text with no connection, no SA and no total is not a status. */
static int check(const struct lsw_feed *f, const struct lsw_snapshot *s, char *err, size_t errlen)
{
	const struct lsw_totals *t = &s->totals;
	bool totals = t->conns_loaded != LSW_ABSENT || t->ike_total != LSW_ABSENT ||
	              t->ipsec_total != LSW_ABSENT;

	if (s->lines == 0 || s->unparsed >= s->lines) {
		set_err(err, errlen, "none of the %zu lines of the output was understood",
		        s->lines);
		return -1;
	}
	/* pluto's --status always prints "Total IPsec connections" (3.x to
	 * 5.x), whether the parser knew the other lines ("whack: Pluto is not
	 * running") or not. */
	if (s->n_connections == 0 && s->n_ike_sas == 0 && s->n_child_sas == 0 && !totals) {
		if (s->unparsed > 0)
			set_err(
			    err, errlen,
			    "no connection, SA or total found, and %zu of %zu lines not understood",
			    s->unparsed, s->lines);
		else
			set_err(err, errlen, "no connection, SA or total found in %zu lines: %.*s",
			        s->lines, (int)f->first_len, f->first);
		return -1;
	}
	return 0;
}

static bool any_state(const struct lsw_snapshot *s)
{
	for (size_t i = 0; i < s->n_ike_sas; i++)
		if (s->ike_sas[i].sa.from_status)
			return true;
	for (size_t i = 0; i < s->n_child_sas; i++)
		if (s->child_sas[i].sa.from_status)
			return true;
	return false;
}

/* The rules of a light poll (feed.h): judged on the showstates text alone,
 * since an empty one is fine and trafficstatus follows it. */
static int check_states(const struct lsw_feed *f, const struct lsw_snapshot *s, char *err,
                        size_t errlen)
{
	if (f->status_len == 0)
		return 0;
	if (f->status_lines == 0 || f->status_unparsed >= f->status_lines) {
		set_err(err, errlen,
		        "none of the %zu lines of whack --showstates was understood: %.*s",
		        f->status_lines, (int)f->first_len, f->first);
		return -1;
	}
	/* pluto with no states prints nothing, or a blank separator; a line
	 * it knows that names no state ("whack: Pluto is not running") is
	 * not a list of states */
	if (f->content && !any_state(s)) {
		set_err(err, errlen, "no state found in the %zu lines of whack --showstates: %.*s",
		        f->status_lines, (int)f->first_len, f->first);
		return -1;
	}
	return 0;
}

bool lsw_feed_wants_full(const struct lsw_snapshot *cur, const struct lsw_snapshot *light)
{
	if (cur == NULL)
		return true;
	if (lsw_diff_pluto_restarted(cur, light))
		return true;
	for (size_t i = 0; i < light->n_ike_sas; i++) {
		const struct lsw_sa *sa = &light->ike_sas[i].sa;
		const struct lsw_ike_sa *was;

		if (sa->conn == NULL &&
		    !((was = lsw_snapshot_find_ike_sa(cur, sa->serial)) && was->sa.conn == NULL))
			return true;
	}
	for (size_t i = 0; i < light->n_child_sas; i++) {
		const struct lsw_sa *sa = &light->child_sas[i].sa;
		const struct lsw_child_sa *was;

		if (sa->conn == NULL &&
		    !((was = lsw_snapshot_find_child_sa(cur, sa->serial)) && was->sa.conn == NULL))
			return true;
	}
	return false;
}

int lsw_feed_finish(struct lsw_feed *f, struct lsw_snapshot **out, char *err, size_t errlen)
{
	struct lsw_snapshot *s;
	int rc = -1;

	*out = NULL;
	count_status(f);
	if (f->status_len == 0 && !f->states) {
		set_err(err, errlen, "the status output is empty");
		goto out;
	}
	s = lsw_parser_finish(f->parser);
	f->parser = NULL;
	if (s == NULL) {
		set_err(err, errlen, "out of memory while parsing");
		goto out;
	}
	if ((f->states ? check_states(f, s, err, errlen) : check(f, s, err, errlen)) < 0) {
		lsw_snapshot_free(s);
		goto out;
	}
	*out = s;
	rc = 0;
out:
	lsw_feed_free(f);
	return rc;
}

int lsw_feed_parse(const char *status, size_t status_len, const char *traffic, size_t traffic_len,
                   struct lsw_snapshot **out, char *err, size_t errlen)
{
	struct lsw_feed *f = lsw_feed_new();

	*out = NULL;
	if (f == NULL || lsw_feed_status(f, status, status_len) < 0 || lsw_feed_status_end(f) < 0 ||
	    (traffic != NULL && lsw_feed_traffic(f, traffic, traffic_len) < 0)) {
		lsw_feed_free(f);
		set_err(err, errlen, "out of memory while parsing");
		return -1;
	}
	return lsw_feed_finish(f, out, err, errlen);
}
