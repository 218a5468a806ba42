/* feed.h - one poll's parse: status and trafficstatus text in, in pieces
 * of any size, snapshot out, with the failure rules of a poll.
 *
 * Pure: no net-snmp, no I/O. The collector hands each piece to the feed as
 * it is read and drops it, so the output is never held whole.
 *
 * When is a poll's text a failure (the collector keeps the last good view):
 *   - the status text is empty;
 *   - the parser understood none of its lines;
 *   - it found no connection, no SA and none of pluto's totals ("Total
 *     IPsec connections", which every --status from 3.x to 5.x prints):
 *     garbage, a format we do not know at all, or a known line that is not
 *     a status ("whack: Pluto is not running").
 * An empty trafficstatus is fine: no SA carries traffic.
 *
 * A light poll (lsw_feed_new_states()) reads `whack --showstates` instead
 * of --status: the states only. Its connections, pluto's totals and
 * version come from the snapshot of the last full poll (carried over,
 * snapshot.h `full`). Its text is a failure when:
 *   - it is not empty and the parser understood none of its lines;
 *   - it is not empty, names no state, and some line was not understood.
 * An empty showstates (whack exited 0) is a pluto with no states: no SAs.
 * whack exits non-zero when pluto is not running (the source fails).
 */
#ifndef LSW_FEED_H
#define LSW_FEED_H

#include <stdbool.h>
#include <stddef.h>

#include "snapshot.h"

struct lsw_feed;

/* A new feed, expecting status text first. NULL when out of memory. */
struct lsw_feed *lsw_feed_new(void);

/* A new feed for a light poll, expecting showstates text first (through
 * lsw_feed_status()) and then trafficstatus: connections, totals and
 * pluto's version are copied from base (only read during the call; NULL
 * for none). NULL when out of memory. */
struct lsw_feed *lsw_feed_new_states(const struct lsw_snapshot *base);

/* Discard a feed without a snapshot; NULL is fine. */
void lsw_feed_free(struct lsw_feed *f);

/* Status text, a piece of any size. 0, or -1 when out of memory (then
 * only free the feed). */
int lsw_feed_status(struct lsw_feed *f, const char *buf, size_t len);

/* The status text is all in: what follows is trafficstatus, which must
 * not run into a last status line without a newline. 0, or -1 (memory). */
int lsw_feed_status_end(struct lsw_feed *f);

/* Trafficstatus text, a piece of any size. 0, or -1 (memory). */
int lsw_feed_traffic(struct lsw_feed *f, const char *buf, size_t len);

/* Build the snapshot and apply the failure rules above. Frees f whatever
 * happens. 0 and *out (the caller's), or -1 with err. */
int lsw_feed_finish(struct lsw_feed *f, struct lsw_snapshot **out, char *err, size_t errlen);

/* After a good light poll built light from the current snapshot cur:
 * should a full poll follow at once? Yes when a state names a connection
 * the carried listing does not have (a new one was added) and cur did not
 * already have that state without its connection (then a full poll would
 * not find it either), or when the serials say pluto restarted (its
 * connections may be others now). */
bool lsw_feed_wants_full(const struct lsw_snapshot *cur, const struct lsw_snapshot *light);

/* One-shot: status (and traffic, may be NULL) text whole, the same code a
 * poll feeds piece by piece. 0 and *out (the caller's), or -1 with err. */
int lsw_feed_parse(const char *status, size_t status_len, const char *traffic, size_t traffic_len,
                   struct lsw_snapshot **out, char *err, size_t errlen);

#endif
