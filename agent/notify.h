/* notify.h - notifications and the event history: the one place where
 * state changes between two snapshots become traps and lsEventTable rows.
 *
 * agent.c wires the collector's hooks to lsw_notify_snapshot() (a new
 * snapshot was swapped in) and lsw_notify_collector() (the status after a
 * poll). The
 * diff itself is pure (parser/diff.h); this module turns it into events,
 * applies the trap filter and the per-poll rate limit, and sends v2 traps
 * through the AgentX master with send_v2trap().
 */
#ifndef LSW_NOTIFY_H
#define LSW_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "config.h"
#include "snapshot.h"
#include "stats.h"

struct lsw_notify;

/* New notifier; caller owns it (lsw_notify_free()). NULL when out of memory. */
struct lsw_notify *lsw_notify_new(const struct lsw_notify_config *cfg);
void lsw_notify_free(struct lsw_notify *n);

/* Apply a re-read config (SIGHUP): trap mask and rate limit; history size too. */
void lsw_notify_reconfigure(struct lsw_notify *n, const struct lsw_notify_config *cfg);

/* A new snapshot replaced old (old NULL on the first good poll: no events
 * then). Both stay owned by the caller. */
void lsw_notify_snapshot(struct lsw_notify *n, const struct lsw_snapshot *old,
                         const struct lsw_snapshot *cur, time_t now);

/* The same with the diff of old and cur already made (the view's, so that
 * a poll diffs once): ev, count as lsw_diff() gives them, borrowed. */
struct lsw_diff_event;
void lsw_notify_changes(struct lsw_notify *n, const struct lsw_snapshot *old,
                        const struct lsw_snapshot *cur, const struct lsw_diff_event *ev,
                        size_t count, time_t now);

/* The collector's status after a poll (reason: why it failed, NULL when
 * ok). Only a change between ok and not ok makes an event; the same status
 * twice is a no-op. */
void lsw_notify_collector(struct lsw_notify *n, enum lsw_collector_status status,
                          const char *reason, time_t now);

/* What the kernel's SAs and pluto's IKE counters told at a poll
 * (view_kernel.c): lsEventTable rows, and lsIpsecSaMissingInKernel,
 * lsKernelSaNotInPluto, lsIkeFailuresRising under the same filter and
 * rate limit as the rest. ev borrows from the current view. */
struct lsw_kevent;
void lsw_notify_kernel(struct lsw_notify *n, const struct lsw_kevent *ev, size_t count, time_t now);

/* Whether the AgentX session with the master is open (agent.c follows
 * net-snmp's subagent callbacks). While it is not, a notification would be
 * dropped by net-snmp: it is not sent, and its event says masterAway. A
 * new notifier assumes the session is open. */
void lsw_notify_master(struct lsw_notify *n, bool up);

/* Counters for scalars: events recorded, traps sent, traps dropped by the rate limit. */
unsigned long lsw_notify_traps_sent(const struct lsw_notify *n);
unsigned long lsw_notify_traps_dropped(const struct lsw_notify *n);

/* The event history behind lsEventTable (agent/events.h); owned by n. */
struct lsw_events;
const struct lsw_events *lsw_notify_events(const struct lsw_notify *n);

#endif
