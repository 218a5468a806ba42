/* collector.c - the steps of a poll on net-snmp's event loop, and its
 * statistics. The text comes from a source (source.h) and goes into a
 * feed (feed.h); this file only schedules and counts. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include "collector.h"
#include "feed.h"
#include "source.h"
#include "util/proc.h"

#define OOM_PARSING "out of memory while parsing"

enum step {
	STEP_IDLE,
	STEP_STATUS,
	STEP_TRAFFIC,
	STEP_VIEW,   /* parsed: build the tables at the next turn of the loop */
	STEP_NOTIFY, /* swapped in: the hooks and the old view, next turn */
};

struct lsw_collector {
	struct lsw_config cfg; /* only the collector's fields are set */
	struct lsw_collector_hooks hooks;
	struct lsw_view *view;

	enum step step;
	bool files;                   /* this poll reads files, not commands */
	struct lsw_source *source;    /* STEP_STATUS, STEP_TRAFFIC */
	struct lsw_feed *feed;        /* the same */
	struct lsw_snapshot *pending; /* STEP_VIEW: the new snapshot */
	struct lsw_view *replaced;    /* STEP_NOTIFY: the view it replaced */
	unsigned poll_alarm, timeout_alarm, stage_alarm;

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
	dst->timeout = src->timeout;
	dst->fail_after = src->fail_after ? src->fail_after : LSW_DEFAULT_FAIL_AFTER;
	dst->max_output = src->max_output;
	if (copy_str(&dst->ipsec, src->ipsec ? src->ipsec : LSW_DEFAULT_IPSEC) < 0 ||
	    copy_str(&dst->ctlsocket, src->ctlsocket) < 0 ||
	    copy_str(&dst->status_file, src->status_file) < 0 ||
	    copy_str(&dst->traffic_file, src->traffic_file) < 0)
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
}

/* A good snapshot: swap it in (the hooks hear of it at the next step). */
static void poll_succeeded(struct lsw_collector *c, struct lsw_snapshot *snap)
{
	struct lsw_view *nv;

	nv = lsw_view_new(snap, c->view, lsw_mono_cs());
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
		                  c->last_good);
	if (c->hooks.status != NULL)
		c->hooks.status(c->hooks.arg, LSW_COLLECTOR_OK, NULL, c->last_good);
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
	c->step = STEP_IDLE;
}

static void fail_poll(struct lsw_collector *c, const char *why)
{
	poll_failed(c, why);
	end_poll(c);
}

static void on_stage(unsigned reg, void *data);

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
}

/* The output is all in: build the snapshot, then the view (next turn), or
 * keep the old one. */
static void finish(struct lsw_collector *c)
{
	struct lsw_feed *f = c->feed;
	char err[256];

	c->feed = NULL;
	if (lsw_feed_finish(f, &c->pending, err, sizeof(err)) < 0) {
		fail_poll(c, err);
		return;
	}
	stop_alarm(&c->timeout_alarm);
	c->step = STEP_VIEW;
	next_stage(c);
}

static const char *step_name(enum step s)
{
	return s == STEP_TRAFFIC ? "whack --trafficstatus" : "whack --status";
}

static int on_source_data(void *arg, const char *buf, size_t len)
{
	struct lsw_collector *c = arg;

	return c->step == STEP_TRAFFIC ? lsw_feed_traffic(c->feed, buf, len)
	                               : lsw_feed_status(c->feed, buf, len);
}

static int start_source(struct lsw_collector *c);

/* One text is in: read the next, or finish. */
static void on_source_done(void *arg, const char *why)
{
	struct lsw_collector *c = arg;

	if (why != NULL) {
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

	if (c->files) {
		const char *path =
		    c->step == STEP_TRAFFIC ? c->cfg.traffic_file : c->cfg.status_file;

		c->source =
		    lsw_source_file(path, c->cfg.max_output, &source_ops, c, err, sizeof(err));
	} else {
		const char *argv[LSW_WHACK_ARGV_MAX];

		lsw_whack_argv(argv, c->cfg.ipsec, c->cfg.ctlsocket,
		               c->step == STEP_TRAFFIC ? LSW_WHACK_TRAFFICSTATUS
		                                       : LSW_WHACK_STATUS);
		c->source = lsw_source_command(argv, step_name(c->step), c->cfg.max_output,
		                               &source_ops, c, err, sizeof(err));
	}
	if (c->source == NULL) {
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
	snprintf(why, sizeof(why), "%s did not finish within %u s (killed)", step_name(c->step),
	         c->cfg.timeout);
	/* end_poll() frees the source, which kills the command. */
	fail_poll(c, why);
}

static void poll_now(struct lsw_collector *c)
{
	if (c->step != STEP_IDLE) {
		/* The last poll is still running; its timeout will end it. */
		return;
	}
	c->feed = lsw_feed_new();
	if (c->feed == NULL) {
		poll_failed(c, OOM_PARSING);
		return;
	}
	c->step = STEP_STATUS;
	c->files = c->cfg.status_file != NULL;
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
	poll_now(c);
	return 0;
}

int lsw_collector_reconfigure(struct lsw_collector *c, const struct lsw_config *cfg)
{
	unsigned old_interval = c->cfg.interval_ms;

	if (copy_config(&c->cfg, cfg) < 0)
		return -1;
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
	end_poll(c);
	lsw_view_free(c->view);
	lsw_config_free(&c->cfg);
	free(c);
}
