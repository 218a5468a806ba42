/* collector.h - polls libreswan and keeps the current view.
 *
 * Every interval (milliseconds; whole seconds but for tests) it runs
 * `ipsec whack --status`, then `--trafficstatus` (agent/util/proc.h; pipes
 * drained from net-snmp's event loop with register_readfd, a timeout via
 * snmp_alarm), or reads the --status-file / --traffic-file, and parses
 * both into one snapshot, then swaps in a new view. Each piece read (at
 * most 1 MiB per turn of the event loop) goes straight to the parser and
 * is dropped, so the output is never held whole; finishing the snapshot,
 * building the view and the notifications run in three more turns.
 * Requests are answered between any two of these steps, from the current
 * view, which a poll in progress never changes before it swaps.
 *
 * When is a poll a failure (the last good view is then kept):
 *   - the command could not start, exited non-zero, was killed by the
 *     timeout, or printed more than max-output (rows would vanish);
 *   - a file is missing, unreadable, not a regular file, or too large;
 *   - the status text is empty, or the parser understood none of its
 *     lines, or it found no connection, no SA and none of pluto's totals
 *     ("Total IPsec connections", which every --status from 3.x to 5.x
 *     prints): garbage, a format we do not know at all, or a known line
 *     that is not a status ("whack: Pluto is not running").
 * An empty trafficstatus is fine: no SA carries traffic.
 */
#ifndef LSW_COLLECTOR_H
#define LSW_COLLECTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "config.h"
#include "notify.h"
#include "snapshot.h"
#include "view.h"

enum lsw_collector_status {
	LSW_COLLECTOR_OK = 1,
	LSW_COLLECTOR_STALE = 2,  /* failing, serving the last good snapshot */
	LSW_COLLECTOR_FAILED = 3, /* never had a good poll */
};

struct lsw_collector_stats {
	enum lsw_collector_status status;
	unsigned long successes, failures;
	time_t last_good;       /* wall clock of the last good poll, 0 = none */
	long snapshot_age;      /* seconds (monotonic), -1 = no snapshot */
	const char *last_error; /* "" when the last poll was good; owned by the collector */
	unsigned interval;      /* seconds, rounded up (lsPollInterval) */
};

struct lsw_collector;

/* A collector using cfg (copied) and reporting to notify (borrowed, may be
 * NULL). NULL when out of memory. */
struct lsw_collector *lsw_collector_new(const struct lsw_config *cfg, struct lsw_notify *notify);

/* Poll now and then every interval (net-snmp alarms). */
int lsw_collector_start(struct lsw_collector *c);

/* Apply a re-read config (interval, timeout, commands, files). */
int lsw_collector_reconfigure(struct lsw_collector *c, const struct lsw_config *cfg);

/* Stop polling, kill and reap a running command, free the view. NULL is fine. */
void lsw_collector_free(struct lsw_collector *c);

/* The current view (NULL before the first good poll); valid until the next
 * poll completes, which can only happen between two requests. */
const struct lsw_view *lsw_collector_view(const struct lsw_collector *c);

void lsw_collector_get_stats(const struct lsw_collector *c, struct lsw_collector_stats *out);

/* Pure: parse status (and traffic, may be NULL) text into a snapshot and
 * apply the failure rules above, the same code a poll feeds piece by
 * piece. 0 and *out (caller's), or -1 with err. */
int lsw_collector_parse(const char *status, size_t status_len, const char *traffic,
                        size_t traffic_len, struct lsw_snapshot **out, char *err, size_t errlen);

/* Read a status file whole without blocking (O_NONBLOCK: a FIFO is
 * refused, not waited on), with the checks of a file poll (regular file,
 * at most max bytes). 0 and *buf (malloc'd, NUL-terminated), or -1 with
 * err. The collector itself reads its files in pieces. */
int lsw_collector_read_file(const char *path, size_t max, char **buf, size_t *len, char *err,
                            size_t errlen);

#endif
