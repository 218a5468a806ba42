/* fuzz_parser.c - libFuzzer target for the parser (make fuzz).
 *
 * Parses the input whole, then again in two pieces cut at a place taken from
 * the input itself, and checks both give the same counts; walks the
 * snapshot so every string and array is touched (ASan sees bad pointers),
 * and checks every string is valid UTF-8 without controls (utf8.h). The
 * same bytes as `ipsec whack --globalstatus` text: sorted names, each
 * found by lsw_globalstatus_get(), none longer than allowed. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "globalstatus.h"
#include "parser.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* strlen() of a stored string, which must be clean; NULL is 0. */
static size_t len(const char *str)
{
	if (!str)
		return 0;
	size_t n = strlen(str);

	if (!lsw_utf8_clean(str, n))
		abort();
	return n;
}

static size_t walk(const struct lsw_snapshot *s)
{
	size_t sum = 0;

	for (size_t i = 0; i < s->n_connections; i++) {
		const struct lsw_connection *c = &s->connections[i];

		sum += len(c->name) + len(c->instance) + len(c->local_host) + len(c->remote_host);
		sum += len(c->local_id) + len(c->remote_id) + len(c->local_client);
		sum += len(c->remote_client) + len(c->routing) + len(c->policy);
		sum += len(c->ike_alg_newest) + len(c->esp_alg_newest);
		if (lsw_snapshot_find_connection(s, c->name, c->instance) == NULL)
			abort();
		if (i > 0 && strcmp(s->connections[i - 1].name, c->name) > 0)
			abort(); /* must be sorted */
	}
	for (size_t i = 0; i < s->n_ike_sas + s->n_child_sas; i++) {
		bool ike = i < s->n_ike_sas;
		const struct lsw_child_sa *ch = ike ? NULL : &s->child_sas[i - s->n_ike_sas];
		const struct lsw_sa *a = ike ? &s->ike_sas[i].sa : &ch->sa;
		/* the record found by serial starts with its struct lsw_sa */
		const void *found = ike ? (const void *)lsw_snapshot_find_ike_sa(s, a->serial)
		                        : (const void *)lsw_snapshot_find_child_sa(s, a->serial);

		sum += len(a->connection) + len(a->instance) + len(a->state_name) + len(a->story);
		sum += len(a->peer);
		for (size_t e = 0; e < a->n_events; e++)
			sum += len(a->events[e].name);
		if (ch)
			sum +=
			    len(ch->remote_id) + len(ch->username) + len(ch->type) + len(ch->lease);
		if (found != (const void *)a ||
		    a->conn != lsw_snapshot_find_connection(s, a->connection, a->instance))
			abort();
	}
	sum += len(s->pluto_version);
	if (s->unparsed > s->lines)
		abort();
	return sum;
}

static void globalstatus(const char *text, size_t size)
{
	struct lsw_globalstatus *g;
	char err[128];

	if (lsw_globalstatus_parse(text, size, &g, err, sizeof(err)) < 0) {
		if (g || strlen(err) == 0)
			abort();
		return;
	}
	if (g->n == 0 || g->n > g->lines || g->unparsed > g->lines)
		abort();
	for (size_t i = 0; i < g->n; i++) {
		const char *name = g->items[i].name;
		size_t n = strlen(name);
		uint64_t v;

		if (n == 0 || n > LSW_GSTAT_NAME_MAX || !lsw_utf8_clean(name, n) ||
		    (i > 0 && strcmp(g->items[i - 1].name, name) >= 0) ||
		    !lsw_globalstatus_get(g, name, &v) || v != g->items[i].value)
			abort();
	}
	lsw_globalstatus_free(g);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;

	globalstatus(text, size);
	struct lsw_snapshot *whole = lsw_parse(text, size);

	if (!whole)
		return 0;
	walk(whole);

	size_t cut = size ? (data[0] * 257u + (size > 1 ? data[size - 1] : 0)) % (size + 1) : 0;
	struct lsw_parser *p = lsw_parser_new();

	if (p && lsw_parser_feed(p, text, cut) == 0 &&
	    lsw_parser_feed(p, text + cut, size - cut) == 0) {
		struct lsw_snapshot *two = lsw_parser_finish(p);

		if (two) {
			if (two->lines != whole->lines || two->unparsed != whole->unparsed ||
			    two->n_connections != whole->n_connections ||
			    two->n_ike_sas != whole->n_ike_sas ||
			    two->n_child_sas != whole->n_child_sas)
				abort();
			lsw_snapshot_free(two);
		}
	} else {
		lsw_parser_free(p);
	}
	lsw_snapshot_free(whole);
	return 0;
}
