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
 */
#ifndef LSW_FEED_H
#define LSW_FEED_H

#include <stddef.h>

#include "snapshot.h"

struct lsw_feed;

/* A new feed, expecting status text first. NULL when out of memory. */
struct lsw_feed *lsw_feed_new(void);

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

/* One-shot: status (and traffic, may be NULL) text whole, the same code a
 * poll feeds piece by piece. 0 and *out (the caller's), or -1 with err. */
int lsw_feed_parse(const char *status, size_t status_len, const char *traffic, size_t traffic_len,
                   struct lsw_snapshot **out, char *err, size_t errlen);

#endif
