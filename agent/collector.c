/* collector.c - the steps of a poll on net-snmp's event loop, and its
 * statistics. The text comes from a source (source.h) and goes into a
 * feed (feed.h); this file only schedules, chooses full or light polls
 * (collector.h), and counts. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include "collector.h"
#include "feed.h"
#include "globalstatus.h"
#include "kernel/xfrm.h"
#include "kernel/xfrm_file.h"
#include "source.h"
#include "util/proc.h"

#define OOM_PARSING "out of memory while parsing"

enum step {
	STEP_IDLE,
	STEP_STATUS, /* the first text: --status, or --showstates in a light poll */
	STEP_TRAFFIC,
	STEP_GLOBAL, /* whack --globalstatus: its failure is not the poll's */
	STEP_VIEW,   /* parsed: build the tables at the next turn of the loop */
	STEP_NOTIFY, /* swapped in: the hooks and the old view, next turn */
};

struct lsw_collector {
	struct lsw_config cfg; /* only the collector's fields are set */
	struct lsw_collector_hooks hooks;
	struct lsw_view *view;

	enum step step;
	bool files;                   /* this poll reads files, not commands */
	bool light;                   /* this poll reads --showstates, not --status */
	bool retried;                 /* a full poll after its light one failed */
	bool got_text;                /* the current source printed something */
	struct lsw_source *source;    /* STEP_STATUS, STEP_TRAFFIC */
	struct lsw_feed *feed;        /* the same */
	struct lsw_snapshot *pending; /* STEP_VIEW: the new snapshot */
	struct lsw_view *replaced;    /* STEP_NOTIFY: the view it replaced */
	struct lsw_poll_extra extra;  /* STEP_VIEW: the kernel's SAs, pluto's counters */
	char *gbuf;                   /* STEP_GLOBAL: the --globalstatus text */
	size_t glen, gcap;
	char gerr[200]; /* why --globalstatus failed this poll */
	unsigned long kernel_failures;
	int kernel_off; /* lsKernelStatus when given up (auto), else 0 */
	bool gfailing;  /* --globalstatus failed at the last poll */
	unsigned poll_alarm, timeout_alarm, stage_alarm, soon_alarm;
	/* The kernel's SA notifications (new, deleted, expired): a poll
	 * EVENT_DELAY_MS after the first of a burst (event_alarm). */
	int mon_fd; /* -1: none */
	unsigned event_alarm;
	uint64_t poll_started; /* lsw_mono_cs() of the last poll's start */
	unsigned long event_polls, xfrm_events;

	/* Tiers: the next poll is full when full_due (start, SIGHUP, a failed
	 * poll, a state of a connection not listed), when the last full one
	 * started full_interval_ms ago, or for good once showstates failed
	 * twice where --status worked (light_off). */
	bool full_due, light_off, poll_soon;
	unsigned light_strikes;
	uint64_t full_started; /* lsw_mono_cs() when the last full poll started */
	char light_error[256]; /* why the last light poll failed */

	unsigned long successes, failures;
	unsigned failed_in_row; /* polls failed since the last good one */
	bool had_good, failing;
	uint64_t started; /* lsw_mono_cs() at creation: lsAgentStartTime */
	time_t last_good;
	struct timespec last_good_mono;
	char last_error[256];
};

static int copy_str(char **dst, const char *src)
{
	free(*dst);
	*dst = NULL;
	if (src == NULL)
		return 0;
	*dst = strdup(src);
	return *dst ? 0 : -1;
}

static int copy_config(struct lsw_config *dst, const struct lsw_config *src)
{
	dst->interval_ms = src->interval_ms;
	dst->full_interval_ms = src->full_interval_ms;
	dst->timeout = src->timeout;
	dst->fail_after = src->fail_after ? src->fail_after : LSW_DEFAULT_FAIL_AFTER;
	dst->max_output = src->max_output;
	dst->kernel_stats = src->kernel_stats;
	dst->ike_stats = src->ike_stats;
	dst->ike_failures = src->ike_failures;
	dst->ike_holdoff = src->ike_holdoff;
	if (copy_str(&dst->ipsec, src->ipsec ? src->ipsec : LSW_DEFAULT_IPSEC) < 0 ||
	    copy_str(&dst->ctlsocket, src->ctlsocket) < 0 ||
	    copy_str(&dst->status_file, src->status_file) < 0 ||
	    copy_str(&dst->traffic_file, src->traffic_file) < 0 ||
	    copy_str(&dst->xfrm_file, src->xfrm_file) < 0 ||
	    copy_str(&dst->xfrm_stat_file,
	             src->xfrm_stat_file ? src->xfrm_stat_file : LSW_DEFAULT_XFRM_STAT) < 0 ||
	    copy_str(&dst->globalstatus_file, src->globalstatus_file) < 0)
		return -1;
	return 0;
}

struct lsw_collector *lsw_collector_new(const struct lsw_config *cfg,
                                        const struct lsw_collector_hooks *hooks)
{
	struct lsw_collector *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	if (hooks != NULL)
		c->hooks = *hooks;
	c->started = lsw_mono_cs();
	c->mon_fd = -1;
	c->full_due = true;
	if (copy_config(&c->cfg, cfg) < 0) {
		lsw_collector_free(c);
		return NULL;
	}
	return c;
}

const struct lsw_view *lsw_collector_view(const struct lsw_collector *c)
{
	return c->view;
}

static enum lsw_collector_status status_of(const struct lsw_collector *c)
{
	return !c->had_good ? LSW_COLLECTOR_FAILED
	       : c->failing ? LSW_COLLECTOR_STALE
	                    : LSW_COLLECTOR_OK;
}

void lsw_collector_get_stats(const struct lsw_collector *c, struct lsw_collector_stats *out)
{
	struct timespec now;

	memset(out, 0, sizeof(*out));
	out->status = status_of(c);
	out->successes = c->successes;
	out->failures = c->failures;
	out->last_good = c->last_good;
	out->snapshot_age = -1;
	if (c->had_good) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		out->snapshot_age = (long)(now.tv_sec - c->last_good_mono.tv_sec);
	}
	out->last_error = c->last_error;
	/* lsPollInterval is in whole seconds: a fraction (tests) rounds up. */
	out->interval = (c->cfg.interval_ms + 999) / 1000;
	out->started = c->started;
	out->kernel_status = c->kernel_off ? c->kernel_off : LSW_KERNEL_OFF;
	out->kernel_failures = c->kernel_failures;
}

/* A good snapshot: swap it in (the hooks hear of it at the next step). */
static void poll_succeeded(struct lsw_collector *c, struct lsw_snapshot *snap)
{
	struct lsw_view *nv;

	nv = lsw_view_new_ext(snap, &c->extra, c->view, lsw_mono_cs());
	if (nv == NULL) {
		c->failures++;
		snprintf(c->last_error, sizeof(c->last_error), "out of memory building the tables");
		snmp_log(LOG_ERR, "poll: %s\n", c->last_error);
		return;
	}
	c->replaced = c->view;
	c->view = nv;
	c->successes++;
	if (c->failing)
		snmp_log(LOG_NOTICE, "poll: working again\n");
	c->had_good = true;
	c->failing = false;
	c->failed_in_row = 0;
	c->last_good = time(NULL);
	clock_gettime(CLOCK_MONOTONIC, &c->last_good_mono);
	c->last_error[0] = '\0';
}

/* Tell the hooks what changed, drop the old view. */
static void poll_notify(struct lsw_collector *c)
{
	struct lsw_view *old = c->replaced;

	c->replaced = NULL;
	if (c->hooks.snapshot != NULL)
		c->hooks.snapshot(c->hooks.arg, old ? old->snap : NULL, c->view->snap,
		                  c->view->diff, c->view->n_diff, c->last_good);
	if (c->hooks.status != NULL)
		c->hooks.status(c->hooks.arg, LSW_COLLECTOR_OK, NULL, c->last_good);
	if (c->hooks.kevents != NULL && c->view->n_kevents > 0)
		c->hooks.kevents(c->hooks.arg, c->view->kevents, c->view->n_kevents, c->last_good);
	/* the diff borrows from old's snapshot */
	lsw_view_drop_diff(c->view);
	lsw_view_free(old);
}

/* Log once per run of failures: a dead pluto must not flood syslog.
 * fail-after polls in a row declare the collector failed: the hooks hear
 * of it (lsCollectorFailed) and only then the status columns turn unknown,
 * so no row reads unknown before the notification is out. Before that, a
 * slow or restarting pluto costs nothing but lsCollectorStatus stale. */
static void poll_failed(struct lsw_collector *c, const char *why)
{
	c->failures++;
	if (c->failed_in_row < UINT_MAX)
		c->failed_in_row++;
	snprintf(c->last_error, sizeof(c->last_error), "%s", why);
	/* pluto may have restarted with other connections meanwhile */
	c->full_due = true;
	if (!c->failing)
		snmp_log(LOG_WARNING, "poll failed: %s (%s)\n", why,
		         c->had_good ? "serving the last good snapshot" : "no data yet");
	c->failing = true;
	if (c->failed_in_row < c->cfg.fail_after)
		return;
	if (c->failed_in_row == c->cfg.fail_after)
		snmp_log(LOG_WARNING, "poll: %u polls in a row failed: collector failed%s\n",
		         c->failed_in_row, c->view ? ", the rows' status reads unknown" : "");
	if (c->hooks.status != NULL)
		c->hooks.status(c->hooks.arg, status_of(c), why, time(NULL));
	if (c->view != NULL)
		c->view->unknown = true;
}

static void stop_alarm(unsigned *reg)
{
	if (*reg != 0) {
		snmp_alarm_unregister(*reg);
		*reg = 0;
	}
}

/* End the poll: its source (a command is killed), feed, pending results. */
static void end_poll(struct lsw_collector *c)
{
	stop_alarm(&c->timeout_alarm);
	lsw_source_free(c->source);
	c->source = NULL;
	lsw_feed_free(c->feed);
	c->feed = NULL;
	stop_alarm(&c->stage_alarm);
	lsw_snapshot_free(c->pending);
	c->pending = NULL;
	lsw_view_free(c->replaced);
	c->replaced = NULL;
	lsw_xfrm_dump_free(c->extra.dump);
	lsw_xfrm_stat_clear(&c->extra.xstat);
	lsw_globalstatus_free(c->extra.gstat);
	memset(&c->extra, 0, sizeof(c->extra));
	free(c->gbuf);
	c->gbuf = NULL;
	c->glen = c->gcap = 0;
	c->step = STEP_IDLE;
}

static void fail_poll(struct lsw_collector *c, const char *why)
{
	poll_failed(c, why);
	end_poll(c);
}

static void on_stage(unsigned reg, void *data);
static void poll_now(struct lsw_collector *c);
static int start_source(struct lsw_collector *c);
static void event_poll(struct lsw_collector *c, unsigned gap_ms);
/* The poll that confirms a difference with the kernel seen once comes at
 * least this long after the last poll started (event_poll()). */
#define CONFIRM_GAP_MS 500

static void on_soon_alarm(unsigned reg, void *data)
{
	struct lsw_collector *c = data;

	c->soon_alarm = 0;
	poll_now(c);
}

/* The next poll now, not at the next interval: a full one that a light
 * poll asked for. */
static void poll_soon(struct lsw_collector *c)
{
	struct timeval soon = {.tv_sec = 0, .tv_usec = 10000};

	if (c->soon_alarm != 0)
		return;
	c->soon_alarm = snmp_alarm_register_hr(soon, 0, on_soon_alarm, c);
}

/* A light poll failed (whack --showstates exited non-zero, or printed
 * nothing we understand): try --status in the same poll, within the same
 * deadline, so a release without --showstates (3.x) costs no failed poll.
 * true when the full poll was started (or failed to start, which counts). */
static bool retry_full(struct lsw_collector *c, const char *why)
{
	snprintf(c->light_error, sizeof(c->light_error), "%s", why);
	lsw_source_free(c->source);
	c->source = NULL;
	lsw_feed_free(c->feed);
	c->feed = lsw_feed_new();
	if (c->feed == NULL)
		return false;
	c->light = false;
	c->retried = true;
	c->step = STEP_STATUS;
	c->full_started = lsw_mono_cs();
	if (start_source(c) < 0)
		end_poll(c);
	return true;
}

/* --status worked right after --showstates failed. Twice in a row (a
 * light poll that works in between starts over) and light polls stop for
 * good: this whack has no --showstates (libreswan 3.x) or it prints what
 * we cannot read. A restarting pluto fails both, which is no strike. */
static void light_strike(struct lsw_collector *c)
{
	if (++c->light_strikes < 2) {
		snmp_log(LOG_INFO, "poll: whack --showstates failed (%s), --status worked\n",
		         c->light_error);
		return;
	}
	if (!c->light_off)
		snmp_log(LOG_WARNING,
		         "poll: whack --showstates failed twice where --status worked (%s): "
		         "every poll is a full one from now on\n",
		         c->light_error);
	c->light_off = true;
}

/* The last steps of a good poll (at 50k tunnels: parser_finish 0.03 s, the
 * tables 0.1 s, the notifications 0.1 s) each in its own turn of the event
 * loop, so requests that came in meanwhile are answered between them. */
static void next_stage(struct lsw_collector *c)
{
	/* Not 0: run_alarms() runs an alarm that is already due from within
	 * the same pass, without a select() for requests in between. */
	struct timeval soon = {.tv_sec = 0, .tv_usec = 2000};

	c->stage_alarm = snmp_alarm_register_hr(soon, 0, on_stage, c);
	if (c->stage_alarm == 0)
		on_stage(0, c);
}

static void on_stage(unsigned reg, void *data)
{
	struct lsw_collector *c = data;

	c->stage_alarm = 0;
	if (c->step == STEP_VIEW) {
		struct lsw_snapshot *snap = c->pending;

		c->pending = NULL;
		poll_succeeded(c, snap);
		if (c->view != NULL && c->view->snap == snap) {
			c->step = STEP_NOTIFY;
			next_stage(c);
			return;
		}
	} else if (c->step == STEP_NOTIFY) {
		poll_notify(c);
	}
	end_poll(c);
	if (c->poll_soon) {
		c->poll_soon = false;
		poll_soon(c);
	} else if (c->mon_fd >= 0 && c->view != NULL && c->view->n_unconfirmed > 0) {
		/* a difference with the kernel seen once: the confirming poll
		 * comes soon, not at the next interval (an SA deleted behind
		 * pluto's back is told in about a second) */
		event_poll(c, CONFIRM_GAP_MS);
	}
}

/* Whether this poll reads the kernel: kernel-stats, and in file mode only
 * with an xfrm-file or kernel-stats = yes (a test's status file and the
 * host's kernel would not agree). */
static bool kernel_wanted(const struct lsw_collector *c)
{
	if (c->cfg.kernel_stats == LSW_KERNEL_MODE_NO || c->kernel_off)
		return false;
	return !c->files || c->cfg.xfrm_file != NULL || c->cfg.kernel_stats == LSW_KERNEL_MODE_YES;
}

static bool global_wanted(const struct lsw_collector *c)
{
	return c->files ? c->cfg.globalstatus_file != NULL : c->cfg.ike_stats;
}

/* The kernel's SAs and XFRM counters for this poll, into c->extra. */
static void poll_kernel(struct lsw_collector *c)
{
	struct lsw_poll_extra *x = &c->extra;
	char err[sizeof(x->kernel_error)];
	int rc;

	if (!kernel_wanted(c)) {
		x->kernel_status = c->kernel_off ? c->kernel_off : LSW_KERNEL_OFF;
		return;
	}
	if (c->cfg.xfrm_file != NULL)
		rc = lsw_xfrm_dump_file(c->cfg.xfrm_file, &x->dump, err, sizeof(err));
	else
		rc = lsw_xfrm_dump_kernel(&x->dump, 2000, err, sizeof(err));
	if (rc == LSW_XFRM_OK) {
		x->kernel_status = LSW_KERNEL_OK;
	} else {
		x->kernel_status = rc == LSW_XFRM_NOT_PERMITTED ? LSW_KERNEL_NOT_PERMITTED
		                   : rc == LSW_XFRM_UNAVAILABLE ? LSW_KERNEL_UNAVAILABLE
		                                                : LSW_KERNEL_FAILED;
		snprintf(x->kernel_error, sizeof(x->kernel_error), "%s", err);
		c->kernel_failures++;
		if (c->cfg.kernel_stats == LSW_KERNEL_MODE_AUTO &&
		    x->kernel_status != LSW_KERNEL_FAILED) {
			/* auto: off for good, said once */
			c->kernel_off = x->kernel_status;
			snmp_log(LOG_NOTICE,
			         "kernel source off: %s (kernel-stats = auto; the packet and "
			         "error columns stay empty)\n",
			         err);
		} else if (x->kernel_status != LSW_KERNEL_FAILED || c->kernel_failures == 1 ||
		           (c->kernel_failures & (c->kernel_failures - 1)) == 0) {
			/* a run of failures is logged at 1, 2, 4, 8, ... */
			snmp_log(LOG_WARNING, "kernel source: %s (%lu failures)\n", err,
			         c->kernel_failures);
		}
		return;
	}
	if (lsw_xfrm_stat_read(c->cfg.xfrm_stat_file, &x->xstat, err, sizeof(err)) == 0)
		x->xstat_ok = true;
}

/* pluto's counters of this poll, into c->extra. */
static void poll_global(struct lsw_collector *c)
{
	struct lsw_poll_extra *x = &c->extra;
	char err[200];

	x->ike_failures = c->cfg.ike_failures;
	x->ike_holdoff = c->cfg.ike_holdoff;
	if (!global_wanted(c)) {
		x->ike_status = LSW_IKESTAT_OFF;
		return;
	}
	if (c->gerr[0] == '\0' && lsw_globalstatus_parse(c->gbuf ? c->gbuf : "", c->glen, &x->gstat,
	                                                 err, sizeof(err)) < 0)
		snprintf(c->gerr, sizeof(c->gerr), "whack --globalstatus: %.150s", err);
	x->ike_status = c->gerr[0] ? LSW_IKESTAT_FAILED : LSW_IKESTAT_OK;
	/* once per run of failures: the status works, only the counters stop */
	if (c->gerr[0] && !c->gfailing)
		snmp_log(LOG_WARNING,
		         "IKE counters: %s (lsIkeStatStatus failed, last values kept)\n", c->gerr);
	else if (!c->gerr[0] && c->gfailing)
		snmp_log(LOG_NOTICE, "IKE counters: whack --globalstatus works again\n");
	c->gfailing = c->gerr[0] != '\0';
}

/* The output is all in: build the snapshot, then the view (next turn), or
 * keep the old one. */
static void finish(struct lsw_collector *c)
{
	struct lsw_feed *f = c->feed;
	char err[256];

	c->feed = NULL;
	if (lsw_feed_finish(f, &c->pending, err, sizeof(err)) < 0) {
		if (!(c->light && retry_full(c, err)))
			fail_poll(c, err);
		return;
	}
	stop_alarm(&c->timeout_alarm);
	poll_kernel(c);
	poll_global(c);
	if (c->light) {
		c->light_strikes = 0;
		/* swapped in all the same: its SAs are news, their connection
		 * row follows with the full poll */
		if (lsw_feed_wants_full(c->view ? c->view->snap : NULL, c->pending)) {
			c->full_due = true;
			c->poll_soon = true;
		}
	} else if (c->retried) {
		light_strike(c);
	}
	c->step = STEP_VIEW;
	next_stage(c);
}

static const char *step_name(const struct lsw_collector *c)
{
	return c->step == STEP_TRAFFIC  ? "whack --trafficstatus"
	       : c->step == STEP_GLOBAL ? "whack --globalstatus"
	       : c->light               ? "whack --showstates"
	                                : "whack --status";
}

/* --globalstatus is some 25 KiB; a few MiB is not it. */
#define GLOBAL_MAX (4u << 20)

static int global_data(struct lsw_collector *c, const char *buf, size_t len)
{
	if (c->glen + len + 1 > c->gcap) {
		size_t ncap = c->gcap ? c->gcap : 32768;
		char *n;

		while (ncap < c->glen + len + 1)
			ncap *= 2;
		if (ncap > GLOBAL_MAX)
			return -1;
		n = realloc(c->gbuf, ncap);
		if (n == NULL)
			return -1;
		c->gbuf = n;
		c->gcap = ncap;
	}
	memcpy(c->gbuf + c->glen, buf, len);
	c->glen += len;
	c->gbuf[c->glen] = '\0';
	return 0;
}

static int on_source_data(void *arg, const char *buf, size_t len)
{
	struct lsw_collector *c = arg;

	if (c->step == STEP_GLOBAL)
		return global_data(c, buf, len);
	if (len > 0)
		c->got_text = true;
	return c->step == STEP_TRAFFIC ? lsw_feed_traffic(c->feed, buf, len)
	                               : lsw_feed_status(c->feed, buf, len);
}

/* One text is in: read the next, or finish. */
static void on_source_done(void *arg, const char *why)
{
	struct lsw_collector *c = arg;
	char stderr_why[300];

	if (why != NULL && c->step == STEP_GLOBAL) {
		/* pluto's counters keep their last values; the poll goes on */
		snprintf(c->gerr, sizeof(c->gerr), "%s", why);
		lsw_source_free(c->source);
		c->source = NULL;
		finish(c);
		return;
	}
	if (why == NULL && c->light && c->step == STEP_STATUS && !c->got_text &&
	    *lsw_source_stderr(c->source) != '\0') {
		/* an empty showstates is no states, but not when whack said
		 * something on stderr instead (and still exited 0) */
		const char *e = lsw_source_stderr(c->source);

		snprintf(stderr_why, sizeof(stderr_why),
		         "whack --showstates printed only on stderr: %.*s", (int)strcspn(e, "\n"),
		         e);
		why = stderr_why;
	}
	if (why != NULL) {
		if (!(c->light && retry_full(c, why)))
			fail_poll(c, why);
		return;
	}
	lsw_source_free(c->source);
	c->source = NULL;
	if (c->step == STEP_STATUS && (!c->files || c->cfg.traffic_file != NULL)) {
		if (lsw_feed_status_end(c->feed) < 0) {
			fail_poll(c, OOM_PARSING);
			return;
		}
		c->step = STEP_TRAFFIC;
		if (start_source(c) < 0)
			end_poll(c);
		return;
	}
	if (c->step != STEP_GLOBAL && global_wanted(c)) {
		c->step = STEP_GLOBAL;
		c->gerr[0] = '\0';
		if (start_source(c) < 0)
			finish(c); /* without pluto's counters (c->gerr) */
		return;
	}
	finish(c);
}

static const struct lsw_source_ops source_ops = {
    .data = on_source_data,
    .done = on_source_done,
};

/* The source of this step: the command, or the file of file mode. */
static int start_source(struct lsw_collector *c)
{
	char err[512];

	c->got_text = false;
	if (c->files) {
		const char *path = c->step == STEP_TRAFFIC  ? c->cfg.traffic_file
		                   : c->step == STEP_GLOBAL ? c->cfg.globalstatus_file
		                                            : c->cfg.status_file;

		c->source =
		    lsw_source_file(path, c->cfg.max_output, &source_ops, c, err, sizeof(err));
	} else {
		const char *argv[LSW_WHACK_ARGV_MAX];

		/* The counters of a light poll come from trafficstatus too: this
		 * is the step the kernel's XFRM dump (agent/kernel/) would take
		 * over, feeding the same lines' worth to the feed. */
		lsw_whack_argv(argv, c->cfg.ipsec, c->cfg.ctlsocket,
		               c->step == STEP_TRAFFIC  ? LSW_WHACK_TRAFFICSTATUS
		               : c->step == STEP_GLOBAL ? LSW_WHACK_GLOBALSTATUS
		               : c->light               ? LSW_WHACK_SHOWSTATES
		                                        : LSW_WHACK_STATUS);
		c->source = lsw_source_command(argv, step_name(c), c->cfg.max_output, &source_ops,
		                               c, err, sizeof(err));
	}
	if (c->source == NULL) {
		if (c->step == STEP_GLOBAL) {
			snprintf(c->gerr, sizeof(c->gerr), "%.190s", err);
			return -1;
		}
		poll_failed(c, err);
		return -1;
	}
	return 0;
}

static void on_timeout(unsigned reg, void *data)
{
	struct lsw_collector *c = data;
	char why[128];

	c->timeout_alarm = 0;
	snprintf(why, sizeof(why), "%s did not finish within %u s (killed)", step_name(c),
	         c->cfg.timeout);
	if (c->step == STEP_GLOBAL) {
		/* the status is in: only pluto's counters are missing */
		snprintf(c->gerr, sizeof(c->gerr), "%s", why);
		lsw_source_free(c->source);
		c->source = NULL;
		finish(c);
		return;
	}
	/* end_poll() frees the source, which kills the command. */
	fail_poll(c, why);
}

/* A light poll, or a full one (the rules in collector.h)? */
static bool want_light(const struct lsw_collector *c)
{
	uint64_t since_ms;

	if (c->files || c->cfg.full_interval_ms == 0 || c->light_off || c->full_due ||
	    c->view == NULL)
		return false;
	since_ms = (lsw_mono_cs() - c->full_started) * 10;
	/* half an interval early: the alarm's jitter must not put a full
	 * poll off by a whole interval (60 s = six polls of 10 s) */
	return since_ms + c->cfg.interval_ms / 2 < c->cfg.full_interval_ms;
}

static void poll_now(struct lsw_collector *c)
{
	if (c->step != STEP_IDLE) {
		/* The last poll is still running; its timeout will end it. */
		return;
	}
	stop_alarm(&c->soon_alarm);
	c->poll_started = lsw_mono_cs();
	c->files = c->cfg.status_file != NULL;
	c->light = want_light(c);
	c->retried = false;
	/* the light feed copies what it carries over now: the view may be
	 * swapped before this poll ends only by this poll */
	c->feed = c->light ? lsw_feed_new_states(c->view->snap) : lsw_feed_new();
	if (c->feed == NULL) {
		poll_failed(c, OOM_PARSING);
		return;
	}
	if (!c->light) {
		c->full_due = false;
		c->full_started = lsw_mono_cs();
	}
	c->step = STEP_STATUS;
	if (start_source(c) < 0) {
		end_poll(c);
		return;
	}
	/* Files are read at once; only the commands can hang. */
	if (!c->files)
		c->timeout_alarm = snmp_alarm_register(c->cfg.timeout, 0, on_timeout, c);
}

static void on_poll_alarm(unsigned reg, void *data)
{
	poll_now(data);
}

/* A burst of XFRM notifications (a tunnel coming up makes two NEWSA, a
 * rekey NEWSA and DELSA, ...) makes one poll, EVENT_DELAY_MS after the
 * first, and never sooner than EVENT_GAP_MS after the last poll started:
 * pluto blocks while it prints, and a gateway with churning tunnels must
 * not be polled back to back. */
#define EVENT_DELAY_MS 200
#define EVENT_GAP_MS   1000

static void on_event_alarm(unsigned reg, void *data)
{
	struct lsw_collector *c = data;

	c->event_alarm = 0;
	c->event_polls++;
	if (c->step != STEP_IDLE)
		c->poll_soon = true; /* the poll that runs may have missed it */
	else
		poll_now(c);
}

static void on_xfrm_readable(int fd, void *data)
{
	struct lsw_collector *c = data;
	struct lsw_xfrm_events ev = {0};
	char err[200];

	if (lsw_xfrm_monitor_read(fd, &ev, err, sizeof(err)) < 0) {
		snmp_log(LOG_WARNING, "XFRM notifications: %s; polling only\n", err);
		unregister_readfd(fd);
		close(fd);
		c->mon_fd = -1;
		return;
	}
	if (ev.new_sa + ev.del_sa + ev.expired == 0 && !ev.overrun)
		return;
	c->xfrm_events += ev.new_sa + ev.del_sa + ev.expired;
	event_poll(c, EVENT_GAP_MS);
}

/* A poll EVENT_DELAY_MS from now, at least gap_ms after the last one
 * started; one at a time. */
static void event_poll(struct lsw_collector *c, unsigned gap_ms)
{
	uint64_t now, wait_ms = EVENT_DELAY_MS;
	struct timeval tv;

	if (c->event_alarm != 0 || c->files)
		return;
	now = lsw_mono_cs();
	if (c->poll_started != 0 && (now - c->poll_started) * 10 + wait_ms < gap_ms)
		wait_ms = gap_ms - (now - c->poll_started) * 10;
	tv.tv_sec = (time_t)(wait_ms / 1000);
	tv.tv_usec = (suseconds_t)(wait_ms % 1000) * 1000;
	c->event_alarm = snmp_alarm_register_hr(tv, 0, on_event_alarm, c);
}

/* Listen to the kernel's SA notifications where the kernel source may
 * run (not in file mode, not kernel-stats = no); without CAP_NET_ADMIN the
 * kernel refuses, and polling alone goes on (the kernel source says so). */
static void start_monitor(struct lsw_collector *c)
{
	char err[200];
	int fd;

	if (c->mon_fd >= 0 || c->cfg.status_file != NULL ||
	    c->cfg.kernel_stats == LSW_KERNEL_MODE_NO)
		return;
	fd = lsw_xfrm_monitor_open(err, sizeof(err));
	if (fd < 0) {
		if (fd != LSW_XFRM_NOT_PERMITTED && fd != LSW_XFRM_UNAVAILABLE)
			snmp_log(LOG_WARNING, "XFRM notifications: %s; polling only\n", err);
		return;
	}
	if (register_readfd(fd, on_xfrm_readable, c) != FD_REGISTERED_OK) {
		close(fd);
		return;
	}
	c->mon_fd = fd;
}

static void stop_monitor(struct lsw_collector *c)
{
	stop_alarm(&c->event_alarm);
	if (c->mon_fd >= 0) {
		unregister_readfd(c->mon_fd);
		close(c->mon_fd);
		c->mon_fd = -1;
	}
}

static unsigned start_poll_alarm(struct lsw_collector *c)
{
	struct timeval tv = {.tv_sec = c->cfg.interval_ms / 1000,
	                     .tv_usec = (c->cfg.interval_ms % 1000) * 1000};

	return snmp_alarm_register_hr(tv, SA_REPEAT, on_poll_alarm, c);
}

int lsw_collector_start(struct lsw_collector *c)
{
	c->poll_alarm = start_poll_alarm(c);
	if (c->poll_alarm == 0)
		return -1;
	start_monitor(c);
	poll_now(c);
	return 0;
}

int lsw_collector_reconfigure(struct lsw_collector *c, const struct lsw_config *cfg)
{
	unsigned old_interval = c->cfg.interval_ms;

	if (copy_config(&c->cfg, cfg) < 0)
		return -1;
	/* the next poll lists everything again, and may try --showstates
	 * again: ipsec or ctlsocket may name another pluto now */
	c->full_due = true;
	c->light_off = false;
	c->light_strikes = 0;
	if (c->cfg.kernel_stats == LSW_KERNEL_MODE_NO || c->cfg.status_file != NULL)
		stop_monitor(c);
	else if (c->poll_alarm != 0)
		start_monitor(c);
	if (c->poll_alarm != 0 && old_interval != c->cfg.interval_ms) {
		stop_alarm(&c->poll_alarm);
		c->poll_alarm = start_poll_alarm(c);
	}
	return 0;
}

void lsw_collector_free(struct lsw_collector *c)
{
	if (c == NULL)
		return;
	stop_alarm(&c->poll_alarm);
	stop_alarm(&c->soon_alarm);
	stop_monitor(c);
	end_poll(c);
	lsw_view_free(c->view);
	lsw_config_free(&c->cfg);
	free(c);
}
