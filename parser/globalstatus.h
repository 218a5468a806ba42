/* globalstatus.h - `ipsec whack --globalstatus` text in, sorted counters out.
 *
 * pluto prints one "name=number" per line: config.setup.*, current.states.*
 * (SAs and shunts now) and the pstats counters total.* (pluto_stats.c: SAs
 * started/established/failed, notifications sent and received, algorithms,
 * traffic) since pluto started or `ipsec whack --clearstats`. Per release
 * (pluto_stats.c, state.c show_globalstate_status()):
 *   3.20, 3.21   "000 #total.ipsec.type.all=0" (RC_COMMENT, a '#' before the name)
 *   3.22 - 3.29  "000 total.ipsec.type.all=0" (RC_COMMENT)
 *   3.30 - 4.x   "total.ipsec.type.all=0" (RC_PRINT / RC_RAW: whack drops the code)
 *   5.x          "total.ipsec.type.all=0" (no codes at all)
 * The code and that '#' are dropped, so a name reads the same in every
 * release; nothing else of a name is changed. Which names exist
 * depends on the release (and on its state and notification tables), so
 * they are kept as printed, not mapped to fields: callers look up the ones
 * they know. A pure function of the text, like the rest of parser/.
 */
#ifndef LSW_GLOBALSTATUS_H
#define LSW_GLOBALSTATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The longest name kept, in bytes; the longest 4.10 and 5.4 print is 68
 * ("total.ikev2.sent.notifies.status.IPSEC_REPLAY_COUNTER_SYNC_SUPPORTED"). */
#define LSW_GSTAT_NAME_MAX 96

struct lsw_gstat_item {
	const char *name; /* "total.ike.ikev2.failed", as printed */
	uint64_t value;   /* 3 */
};

struct lsw_globalstatus {
	size_t n;
	const struct lsw_gstat_item *items; /* sorted by name with strcmp; never NULL */
	size_t lines, unparsed;             /* lines read, lines not "name=number" */
};

/* Parse the whole text of `ipsec whack --globalstatus` (any release: 3.x/4.x
 * may prefix lines with a numeric code "000 "/"006 "; 5.x does not). 0 and
 * *out (the caller's, lsw_globalstatus_free()), or -1 with err (and *out
 * NULL) when nothing was understood (garbage, "whack: Pluto is not
 * running", empty) or out of memory. Names are kept as printed, but for the
 * '#' of 3.20/3.21 above (4.x/5.x's "total.total.pluto.stf.STF_OK" stays
 * so); validated: printable ASCII without spaces, at most
 * LSW_GSTAT_NAME_MAX bytes, others counted in unparsed. Values are unsigned
 * decimal up to UINT64_MAX (overflow -> unparsed). A name printed twice
 * keeps the last value. Blank lines are read and not unparsed. err may be
 * NULL or errlen 0. */
int lsw_globalstatus_parse(const char *text, size_t len, struct lsw_globalstatus **out, char *err,
                           size_t errlen);

/* Free what lsw_globalstatus_parse() returned; NULL is fine. */
void lsw_globalstatus_free(struct lsw_globalstatus *g);

/* Binary search; true and *value (when value is not NULL) when name is
 * there. g or name NULL: false. */
bool lsw_globalstatus_get(const struct lsw_globalstatus *g, const char *name, uint64_t *value);

#endif
