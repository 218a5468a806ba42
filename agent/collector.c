/* collector.c - polling pluto from net-snmp's event loop. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
#include <net-snmp/library/fd_event_manager.h>

#include "collector.h"
#include "parser.h"
#include "util/proc.h"

enum step {
	STEP_IDLE,
	STEP_STATUS,
	STEP_TRAFFIC,
};

struct lsw_collector {
	struct lsw_config cfg; /* only the collector's fields are set */
	struct lsw_notify *notify;
	struct lsw_view *view;

	enum step step;
	struct lsw_proc *proc;
	bool fds_registered;
	char *status_out;
	size_t status_len;
	unsigned poll_alarm, timeout_alarm, reap_alarm;

	unsigned long successes, failures;
	bool had_good, failing;
	time_t last_good;
	struct timespec last_good_mono;
	char last_error[256];
};

static void poll_now(struct lsw_collector *c);

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
	dst->interval = src->interval;
	dst->timeout = src->timeout;
	dst->max_output = src->max_output;
	if (copy_str(&dst->ipsec, src->ipsec ? src->ipsec : LSW_DEFAULT_IPSEC) < 0 ||
	    copy_str(&dst->ctlsocket, src->ctlsocket) < 0 ||
	    copy_str(&dst->status_file, src->status_file) < 0 ||
	    copy_str(&dst->traffic_file, src->traffic_file) < 0)
		return -1;
	return 0;
}

struct lsw_collector *lsw_collector_new(const struct lsw_config *cfg, struct lsw_notify *notify)
{
	struct lsw_collector *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->notify = notify;
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

void lsw_collector_get_stats(const struct lsw_collector *c, struct lsw_collector_stats *out)
{
	struct timespec now;

	memset(out, 0, sizeof(*out));
	out->status = !c->had_good ? LSW_COLLECTOR_FAILED
	              : c->failing ? LSW_COLLECTOR_STALE
	                           : LSW_COLLECTOR_OK;
	out->successes = c->successes;
	out->failures = c->failures;
	out->last_good = c->last_good;
	out->snapshot_age = -1;
	if (c->had_good) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		out->snapshot_age = (long)(now.tv_sec - c->last_good_mono.tv_sec);
	}
	out->last_error = c->last_error;
	out->interval = c->cfg.interval;
}

static void set_err(char *err, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

/* Length of the first line of text (at most 80), for an error message
 * such as "whack: Pluto is not running ...". */
static int first_line_len(const char *text, size_t len)
{
	const char *nl = memchr(text, '\n', len);
	size_t n = nl ? (size_t)(nl - text) : len;

	return n > 80 ? 80 : (int)n;
}

int lsw_collector_parse(const char *status, size_t status_len, const char *traffic,
                        size_t traffic_len, struct lsw_snapshot **out, char *err, size_t errlen)
{
	struct lsw_parser *p;
	struct lsw_snapshot *s;
	const struct lsw_totals *t;
	bool totals;

	*out = NULL;
	if (status_len == 0) {
		set_err(err, errlen, "the status output is empty");
		return -1;
	}
	p = lsw_parser_new();
	if (p == NULL)
		goto oom;
	if (lsw_parser_feed(p, status, status_len) < 0)
		goto oom_parser;
	/* A status text without a final newline must not glue its last
	 * line to the first trafficstatus line. */
	if (status[status_len - 1] != '\n' && lsw_parser_feed(p, "\n", 1) < 0)
		goto oom_parser;
	if (traffic != NULL && traffic_len > 0 && lsw_parser_feed(p, traffic, traffic_len) < 0)
		goto oom_parser;
	s = lsw_parser_finish(p);
	if (s == NULL)
		goto oom;
	t = &s->totals;
	totals = t->conns_loaded != LSW_ABSENT || t->ike_total != LSW_ABSENT ||
	         t->ipsec_total != LSW_ABSENT;
	if (s->lines == 0 || s->unparsed >= s->lines) {
		set_err(err, errlen, "none of the %zu lines of the output was understood",
		        s->lines);
		goto fail;
	}
	/* pluto's --status always prints "Total IPsec connections" (3.x to
	 * 5.x): text with no connection, no SA and no total is not a status,
	 * whether the parser knew its lines ("whack: Pluto is not running")
	 * or not. */
	if (s->n_connections == 0 && s->n_ike_sas == 0 && s->n_child_sas == 0 && !totals) {
		if (s->unparsed > 0)
			set_err(
			    err, errlen,
			    "no connection, SA or total found, and %zu of %zu lines not understood",
			    s->unparsed, s->lines);
		else
			set_err(err, errlen, "no connection, SA or total found in %zu lines: %.*s",
			        s->lines, first_line_len(status, status_len), status);
		goto fail;
	}
	*out = s;
	return 0;
fail:
	lsw_snapshot_free(s);
	return -1;
oom_parser:
	lsw_parser_free(p);
oom:
	set_err(err, errlen, "out of memory while parsing");
	return -1;
}

int lsw_collector_read_file(const char *path, size_t max, char **buf, size_t *len, char *err,
                            size_t errlen)
{
	struct stat st;
	char *b = NULL;
	size_t n = 0, cap;
	int fd, rc = -1;

	*buf = NULL;
	*len = 0;
	/* O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer. */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		set_err(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		set_err(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		set_err(err, errlen, "%s: %s", path,
		        S_ISDIR(st.st_mode) ? "is a directory" : "is not a regular file");
		goto out;
	}
	if ((size_t)st.st_size > max) {
		set_err(err, errlen, "%s: larger than max-output (%zu bytes)", path, max);
		goto out;
	}
	cap = (size_t)st.st_size + 1;
	b = malloc(cap);
	if (b == NULL) {
		set_err(err, errlen, "%s: out of memory", path);
		goto out;
	}
	for (;;) {
		ssize_t r;

		if (n + 1 >= cap) {
			/* The file grew while we read it. */
			char *nb;

			if (cap > max) {
				set_err(err, errlen, "%s: larger than max-output (%zu bytes)", path,
				        max);
				goto out;
			}
			nb = realloc(b, cap * 2);
			if (nb == NULL) {
				set_err(err, errlen, "%s: out of memory", path);
				goto out;
			}
			b = nb;
			cap *= 2;
		}
		r = read(fd, b + n, cap - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			set_err(err, errlen, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	b = NULL;
	rc = 0;
out:
	free(b);
	close(fd);
	return rc;
}

/* A good snapshot: swap it in, tell the notifier, drop the old view. */
static void poll_succeeded(struct lsw_collector *c, struct lsw_snapshot *snap)
{
	struct lsw_view *old = c->view, *nv;
	time_t now = time(NULL);

	nv = lsw_view_new(snap, old, (uint32_t)netsnmp_get_agent_uptime());
	if (nv == NULL) {
		c->failures++;
		snprintf(c->last_error, sizeof(c->last_error), "out of memory building the tables");
		snmp_log(LOG_ERR, "poll: %s\n", c->last_error);
		return;
	}
	c->view = nv;
	if (c->notify != NULL)
		lsw_notify_snapshot(c->notify, old ? old->snap : NULL, nv->snap, now);
	lsw_view_free(old);
	c->successes++;
	if (c->failing)
		snmp_log(LOG_NOTICE, "poll: working again\n");
	c->had_good = true;
	c->failing = false;
	c->last_good = now;
	clock_gettime(CLOCK_MONOTONIC, &c->last_good_mono);
	c->last_error[0] = '\0';
	if (c->notify != NULL)
		lsw_notify_collector(c->notify, false, NULL, now);
}

/* Log once per run of failures: a dead pluto must not flood syslog. */
static void poll_failed(struct lsw_collector *c, const char *why)
{
	c->failures++;
	snprintf(c->last_error, sizeof(c->last_error), "%s", why);
	if (!c->failing)
		snmp_log(LOG_WARNING, "poll failed: %s (%s)\n", why,
		         c->had_good ? "serving the last good snapshot" : "no data yet");
	c->failing = true;
	if (c->notify != NULL)
		lsw_notify_collector(c->notify, true, why, time(NULL));
}

static void finish(struct lsw_collector *c, const char *status, size_t slen, const char *traffic,
                   size_t tlen)
{
	struct lsw_snapshot *snap;
	char err[256];

	if (lsw_collector_parse(status, slen, traffic, tlen, &snap, err, sizeof(err)) < 0)
		poll_failed(c, err);
	else
		poll_succeeded(c, snap);
}

static void stop_fds(struct lsw_collector *c)
{
	if (c->fds_registered) {
		unregister_readfd(lsw_proc_fd(c->proc));
		unregister_readfd(lsw_proc_err_fd(c->proc));
		c->fds_registered = false;
	}
}

static void stop_alarm(unsigned *reg)
{
	if (*reg != 0) {
		snmp_alarm_unregister(*reg);
		*reg = 0;
	}
}

/* End the running command (killed if need be) and the poll. */
static void end_poll(struct lsw_collector *c)
{
	stop_fds(c);
	stop_alarm(&c->reap_alarm);
	stop_alarm(&c->timeout_alarm);
	lsw_proc_free(c->proc);
	c->proc = NULL;
	free(c->status_out);
	c->status_out = NULL;
	c->status_len = 0;
	c->step = STEP_IDLE;
}

static const char *step_name(enum step s)
{
	return s == STEP_TRAFFIC ? "whack --trafficstatus" : "whack --status";
}

static void on_readable(int fd, void *data);

static int start_command(struct lsw_collector *c, enum lsw_whack_cmd cmd)
{
	const char *argv[LSW_WHACK_ARGV_MAX];
	char err[256];

	lsw_whack_argv(argv, c->cfg.ipsec, c->cfg.ctlsocket, cmd);
	if (lsw_proc_start(&c->proc, argv, c->cfg.max_output, err, sizeof(err)) < 0) {
		poll_failed(c, err);
		return -1;
	}
	register_readfd(lsw_proc_fd(c->proc), on_readable, c);
	register_readfd(lsw_proc_err_fd(c->proc), on_readable, c);
	c->fds_registered = true;
	return 0;
}

/* The command has exited: check it, then run the next or finish. */
static void command_done(struct lsw_collector *c)
{
	char why[512], st[64];
	size_t len;
	const char *out = lsw_proc_output(c->proc, &len);

	if (lsw_proc_truncated(c->proc)) {
		snprintf(why, sizeof(why), "%s printed more than max-output (%zu bytes)",
		         step_name(c->step), c->cfg.max_output);
		goto fail;
	}
	if (lsw_proc_exit_status(c->proc) != 0) {
		const char *e = lsw_proc_stderr(c->proc, NULL);
		int elen = (int)strcspn(e, "\n");

		lsw_proc_describe_status(c->proc, st, sizeof(st));
		snprintf(why, sizeof(why), "%s %s%s%.*s", step_name(c->step), st, elen ? ": " : "",
		         elen > 200 ? 200 : elen, e);
		goto fail;
	}
	if (c->step == STEP_STATUS) {
		c->status_out = malloc(len + 1);
		if (c->status_out == NULL) {
			snprintf(why, sizeof(why), "out of memory");
			goto fail;
		}
		memcpy(c->status_out, out, len + 1);
		c->status_len = len;
		stop_fds(c);
		lsw_proc_free(c->proc);
		c->proc = NULL;
		c->step = STEP_TRAFFIC;
		if (start_command(c, LSW_WHACK_TRAFFICSTATUS) < 0)
			end_poll(c);
		return;
	}
	finish(c, c->status_out, c->status_len, out, len);
	end_poll(c);
	return;
fail:
	poll_failed(c, why);
	end_poll(c);
}

/* EOF came before the exit status: poll waitpid() briefly. */
static void on_reap_alarm(unsigned reg, void *data)
{
	struct lsw_collector *c = data;
	int r = lsw_proc_reap(c->proc);

	if (r == 0)
		return;
	stop_alarm(&c->reap_alarm);
	if (r < 0) {
		poll_failed(c, "waitpid failed");
		end_poll(c);
		return;
	}
	command_done(c);
}

static void on_readable(int fd, void *data)
{
	struct lsw_collector *c = data;
	int r;

	if (c->proc == NULL)
		return;
	r = lsw_proc_drain(c->proc);
	if (r == 0)
		return;
	if (r < 0) {
		char why[128];

		snprintf(why, sizeof(why), "reading %s: %s", step_name(c->step), strerror(errno));
		poll_failed(c, why);
		end_poll(c);
		return;
	}
	stop_fds(c);
	r = lsw_proc_reap(c->proc);
	if (r == 0) {
		struct timeval tv = {.tv_sec = 0, .tv_usec = 10000};

		c->reap_alarm = snmp_alarm_register_hr(tv, SA_REPEAT, on_reap_alarm, c);
		return;
	}
	if (r < 0) {
		poll_failed(c, "waitpid failed");
		end_poll(c);
		return;
	}
	command_done(c);
}

static void on_timeout(unsigned reg, void *data)
{
	struct lsw_collector *c = data;
	char why[128];

	c->timeout_alarm = 0;
	snprintf(why, sizeof(why), "%s did not finish within %u s (killed)", step_name(c->step),
	         c->cfg.timeout);
	/* lsw_proc_free() kills the process group and reaps the child. */
	poll_failed(c, why);
	end_poll(c);
}

static void poll_files(struct lsw_collector *c)
{
	char *status = NULL, *traffic = NULL, err[512];
	size_t slen = 0, tlen = 0;

	if (lsw_collector_read_file(c->cfg.status_file, c->cfg.max_output, &status, &slen, err,
	                            sizeof(err)) < 0 ||
	    (c->cfg.traffic_file != NULL &&
	     lsw_collector_read_file(c->cfg.traffic_file, c->cfg.max_output, &traffic, &tlen, err,
	                             sizeof(err)) < 0))
		poll_failed(c, err);
	else
		finish(c, status, slen, traffic, tlen);
	free(status);
	free(traffic);
}

static void poll_now(struct lsw_collector *c)
{
	if (c->cfg.status_file != NULL) {
		poll_files(c);
		return;
	}
	if (c->step != STEP_IDLE) {
		/* The last poll is still running; its timeout will end it. */
		return;
	}
	c->step = STEP_STATUS;
	if (start_command(c, LSW_WHACK_STATUS) < 0) {
		c->step = STEP_IDLE;
		return;
	}
	c->timeout_alarm = snmp_alarm_register(c->cfg.timeout, 0, on_timeout, c);
}

static void on_poll_alarm(unsigned reg, void *data)
{
	poll_now(data);
}

int lsw_collector_start(struct lsw_collector *c)
{
	c->poll_alarm = snmp_alarm_register(c->cfg.interval, SA_REPEAT, on_poll_alarm, c);
	if (c->poll_alarm == 0)
		return -1;
	poll_now(c);
	return 0;
}

int lsw_collector_reconfigure(struct lsw_collector *c, const struct lsw_config *cfg)
{
	unsigned old_interval = c->cfg.interval;

	if (copy_config(&c->cfg, cfg) < 0)
		return -1;
	if (c->poll_alarm != 0 && old_interval != c->cfg.interval) {
		stop_alarm(&c->poll_alarm);
		c->poll_alarm = snmp_alarm_register(c->cfg.interval, SA_REPEAT, on_poll_alarm, c);
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
