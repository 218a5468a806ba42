/* stats.h - what lsScalars and the notifications learn of the agent's
 * health: the collector's status and counters, and the notifier's.
 *
 * Plain data, no module behind it: the collector fills the first part,
 * notify the traps, and agent.c hands both to the tables, so neither the
 * tables nor notify include collector.h.
 */
#ifndef LSW_STATS_H
#define LSW_STATS_H

#include <time.h>

/* lsCollectorStatus */
enum lsw_collector_status {
	LSW_COLLECTOR_OK = 1,
	LSW_COLLECTOR_STALE = 2,  /* failing, serving the last good snapshot */
	LSW_COLLECTOR_FAILED = 3, /* never had a good poll */
};

struct lsw_collector_stats {
	enum lsw_collector_status status;
	unsigned long successes, failures;
	time_t last_good;              /* wall clock of the last good poll, 0 = none */
	long snapshot_age;             /* seconds (monotonic), -1 = no snapshot */
	const char *last_error;        /* "" when the last poll was good; owned by the collector */
	unsigned interval;             /* seconds, rounded up (lsPollInterval) */
	unsigned long long started;    /* lsw_mono_cs() at the agent's start (lsAgentStartTime) */
	int kernel_status;             /* lsKernelStatus before the first view */
	unsigned long kernel_failures; /* XFRM dumps that failed (lsKernelDumpFailures) */
};

struct lsw_stats {
	struct lsw_collector_stats collector;
	unsigned long traps_sent, traps_dropped;
};

#endif
