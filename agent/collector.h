/* collector.h - polls libreswan and keeps the current view.
 *
 * Every interval (milliseconds; whole seconds but for tests) it reads
 * `ipsec whack --status`, then `--trafficstatus`, or the --status-file and
 * --traffic-file (agent/source.h), hands each piece to the poll's feed
 * (agent/feed.h, which also says when a poll's text is a failure) and
 * drops it, so the output is never held whole; finishing the snapshot,
 * building the view and telling the hooks run in three more turns of
 * net-snmp's event loop. Requests are answered between any two of these
 * steps, from the current view, which a poll in progress never changes
 * before it swaps.
 *
 * Full and light polls. A full poll reads `whack --status` (everything:
 * connections, states, pluto's totals), a light one `whack --showstates`
 * (the states only, much cheaper for pluto at thousands of connections);
 * both then read --trafficstatus. A light poll's snapshot carries the
 * connections, totals and version of the last full one over (feed.h) and
 * says full = false. A poll is full:
 *   - the first one, the first after SIGHUP, and the first after a failed
 *     poll (pluto may have restarted with other connections);
 *   - when the last full poll started full-interval ago or more (less
 *     half an interval: the timer's jitter); full-interval 0: every poll;
 *   - at once (not at the next interval) after a light poll whose states
 *     name a connection not listed, or whose serials say pluto restarted;
 *   - always in file mode (--status-file), and for good once
 *     --showstates failed twice where --status worked right after (3.x
 *     has no --showstates; logged once). A light poll that fails is
 *     retried as a full one within the same poll and deadline.
 *
 * After the texts: the kernel's SAs (one XFRM dump, kernel-stats) and
 * pluto's counters (whack --globalstatus, whose failure is not the
 * poll's), into the view (view_kernel.c).
 *
 * Between intervals: the kernel's XFRM notifications (an SA new, deleted
 * or expired) make a poll 200 ms after the first of a burst and at least
 * 1 s after the last poll started; a difference with the kernel seen once
 * makes the confirming poll come 0.5 s after the last one started.
 *
 * A poll also fails when it takes longer than the timeout (the command
 * is killed). The last good view is then kept.
 *
 * The collector does not know who listens: it reports through the hooks
 * given to lsw_collector_new() (agent.c wires them to notify).
 */
#ifndef LSW_COLLECTOR_H
#define LSW_COLLECTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "config.h"
#include "snapshot.h"
#include "stats.h"
#include "view.h"

struct lsw_collector_hooks {
	/* A new view was swapped in; old is the snapshot it replaced (NULL
	 * on the first good poll), ev the count changes between the two (the
	 * view's diff, lsw_diff()). All only borrowed for the call. */
	void (*snapshot)(void *arg, const struct lsw_snapshot *old, const struct lsw_snapshot *cur,
	                 const struct lsw_diff_event *ev, size_t count, time_t now);
	/* The status after each poll (ok after a good one); reason says why
	 * a poll failed, NULL when ok. */
	void (*status)(void *arg, enum lsw_collector_status status, const char *reason, time_t now);
	/* After snapshot: what the kernel's SAs and pluto's counters told
	 * (view_kernel.c), borrowed for the call; count may be 0. */
	void (*kevents)(void *arg, const struct lsw_kevent *ev, size_t count, time_t now);
	void *arg;
};

struct lsw_collector;

/* A collector using cfg (copied) and reporting to hooks (copied, may be
 * NULL). NULL when out of memory. */
struct lsw_collector *lsw_collector_new(const struct lsw_config *cfg,
                                        const struct lsw_collector_hooks *hooks);

/* Poll now and then every interval (net-snmp alarms). */
int lsw_collector_start(struct lsw_collector *c);

/* Apply a re-read config (interval, full-interval, timeout, commands,
 * files); the next poll is a full one. */
int lsw_collector_reconfigure(struct lsw_collector *c, const struct lsw_config *cfg);

/* Stop polling, kill and reap a running command, free the view. NULL is fine. */
void lsw_collector_free(struct lsw_collector *c);

/* The current view (NULL before the first good poll); valid until the next
 * poll completes, which can only happen between two requests. */
const struct lsw_view *lsw_collector_view(const struct lsw_collector *c);

void lsw_collector_get_stats(const struct lsw_collector *c, struct lsw_collector_stats *out);

#endif
