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
	STEP_VIEW,   /* parsed: build the tables at the next turn of the loop */
	STEP_NOTIFY, /* swapped in: notifications and the old view, next turn */
};

/* One poll's parse, fed piece by piece as the output is read: nothing is
 * held whole, and the work is spread over the event loop's turns. */
struct feed {
	struct lsw_parser *parser;
	size_t status_len;
	char status_last; /* last byte of the status text */
	char first[81];   /* its first line (80 bytes at most), for an error */
	size_t first_len;
	bool first_done;
};

struct lsw_collector {
	struct lsw_config cfg; /* only the collector's fields are set */
	struct lsw_notify *notify;
	struct lsw_view *view;

	enum step step;
	struct lsw_proc *proc; /* whack mode: the command running */
	int file_fd;           /* file mode: the file being read, else -1 */
	char file_name[256];   /* its path, for errors */
	size_t file_len;
	bool fds_registered;
	struct feed feed;
	struct lsw_snapshot *pending; /* STEP_VIEW: the new snapshot */
	struct lsw_view *replaced;    /* STEP_NOTIFY: the view it replaced */
	unsigned poll_alarm, timeout_alarm, reap_alarm, stage_alarm;

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
	dst->interval_ms = src->interval_ms;
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
	c->file_fd = -1;
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
	/* lsPollInterval is in whole seconds: a fraction (tests) rounds up. */
	out->interval = (c->cfg.interval_ms + 999) / 1000;
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

static int feed_begin(struct feed *f)
{
	memset(f, 0, sizeof(*f));
	f->parser = lsw_parser_new();
	return f->parser ? 0 : -1;
}

static void feed_free(struct feed *f)
{
	lsw_parser_free(f->parser);
	f->parser = NULL;
}

static int feed_status(struct feed *f, const char *buf, size_t len)
{
	if (len == 0)
		return 0;
	if (!f->first_done) {
		const char *nl = memchr(buf, '\n', len);
		size_t n = nl ? (size_t)(nl - buf) : len;

		if (n > sizeof(f->first) - 1 - f->first_len)
			n = sizeof(f->first) - 1 - f->first_len;
		memcpy(f->first + f->first_len, buf, n);
		f->first_len += n;
		f->first_done = nl != NULL || f->first_len == sizeof(f->first) - 1;
	}
	f->status_len += len;
	f->status_last = buf[len - 1];
	return lsw_parser_feed(f->parser, buf, len);
}

/* A status text without a final newline must not glue its last line to
 * the first trafficstatus line. */
static int feed_status_end(struct feed *f)
{
	if (f->status_len > 0 && f->status_last != '\n')
		return lsw_parser_feed(f->parser, "\n", 1);
	return 0;
}

static int feed_traffic(struct feed *f, const char *buf, size_t len)
{
	return len > 0 ? lsw_parser_feed(f->parser, buf, len) : 0;
}

/* Build the snapshot and apply the failure rules of collector.h. The
 * parser is gone afterwards, whatever happens. */
static int feed_finish(struct feed *f, struct lsw_snapshot **out, char *err, size_t errlen)
{
	struct lsw_snapshot *s;
	const struct lsw_totals *t;
	bool totals;

	*out = NULL;
	if (f->status_len == 0) {
		feed_free(f);
		set_err(err, errlen, "the status output is empty");
		return -1;
	}
	s = lsw_parser_finish(f->parser);
	f->parser = NULL;
	if (s == NULL) {
		set_err(err, errlen, "out of memory while parsing");
		return -1;
	}
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
			        s->lines, (int)f->first_len, f->first);
		goto fail;
	}
	*out = s;
	return 0;
fail:
	lsw_snapshot_free(s);
	return -1;
}

int lsw_collector_parse(const char *status, size_t status_len, const char *traffic,
                        size_t traffic_len, struct lsw_snapshot **out, char *err, size_t errlen)
{
	struct feed f;

	*out = NULL;
	if (feed_begin(&f) < 0 || feed_status(&f, status, status_len) < 0 ||
	    feed_status_end(&f) < 0 ||
	    (traffic != NULL && feed_traffic(&f, traffic, traffic_len) < 0)) {
		feed_free(&f);
		set_err(err, errlen, "out of memory while parsing");
		return -1;
	}
	return feed_finish(&f, out, err, errlen);
}

/* Open a status file to read: a regular file of at most max bytes.
 * O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer. */
static int open_file(const char *path, size_t max, char *err, size_t errlen)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);

	if (fd < 0) {
		set_err(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		set_err(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		set_err(err, errlen, "%s: %s", path,
		        S_ISDIR(st.st_mode) ? "is a directory" : "is not a regular file");
		goto fail;
	}
	if ((size_t)st.st_size > max) {
		set_err(err, errlen, "%s: larger than max-output (%zu bytes)", path, max);
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}

int lsw_collector_read_file(const char *path, size_t max, char **buf, size_t *len, char *err,
                            size_t errlen)
{
	char *b = NULL;
	size_t n = 0, cap = 4096;
	int fd, rc = -1;

	*buf = NULL;
	*len = 0;
	fd = open_file(path, max, err, errlen);
	if (fd < 0)
		return -1;
	b = malloc(cap);
	if (b == NULL) {
		set_err(err, errlen, "%s: out of memory", path);
		goto out;
	}
	for (;;) {
		ssize_t r;

		if (n + 1 >= cap) {
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

/* A good snapshot: swap it in (the notifications come at the next step). */
static void poll_succeeded(struct lsw_collector *c, struct lsw_snapshot *snap)
{
	struct lsw_view *nv;

	nv = lsw_view_new(snap, c->view, (uint32_t)netsnmp_get_agent_uptime());
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
	c->last_good = time(NULL);
	clock_gettime(CLOCK_MONOTONIC, &c->last_good_mono);
	c->last_error[0] = '\0';
}

/* Tell the notifier what changed, drop the old view. */
static void poll_notify(struct lsw_collector *c)
{
	struct lsw_view *old = c->replaced;

	c->replaced = NULL;
	if (c->notify != NULL) {
		lsw_notify_snapshot(c->notify, old ? old->snap : NULL, c->view->snap, c->last_good);
		lsw_notify_collector(c->notify, false, NULL, c->last_good);
	}
	lsw_view_free(old);
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

static void stop_fds(struct lsw_collector *c)
{
	if (!c->fds_registered)
		return;
	if (c->proc != NULL) {
		unregister_readfd(lsw_proc_fd(c->proc));
		unregister_readfd(lsw_proc_err_fd(c->proc));
	}
	if (c->file_fd >= 0)
		unregister_readfd(c->file_fd);
	c->fds_registered = false;
}

static void stop_alarm(unsigned *reg)
{
	if (*reg != 0) {
		snmp_alarm_unregister(*reg);
		*reg = 0;
	}
}

static void close_file(struct lsw_collector *c)
{
	if (c->file_fd >= 0)
		close(c->file_fd);
	c->file_fd = -1;
	c->file_len = 0;
}

/* End the running command (killed if need be) or file, and the poll. */
static void end_poll(struct lsw_collector *c)
{
	stop_fds(c);
	stop_alarm(&c->reap_alarm);
	stop_alarm(&c->timeout_alarm);
	lsw_proc_free(c->proc);
	c->proc = NULL;
	close_file(c);
	feed_free(&c->feed);
	stop_alarm(&c->stage_alarm);
	lsw_snapshot_free(c->pending);
	c->pending = NULL;
	lsw_view_free(c->replaced);
	c->replaced = NULL;
	c->step = STEP_IDLE;
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
	struct lsw_snapshot *snap;
	char err[256];

	if (feed_finish(&c->feed, &snap, err, sizeof(err)) < 0) {
		poll_failed(c, err);
		end_poll(c);
		return;
	}
	stop_fds(c);
	stop_alarm(&c->timeout_alarm);
	lsw_proc_free(c->proc);
	c->proc = NULL;
	close_file(c);
	c->pending = snap;
	c->step = STEP_VIEW;
	next_stage(c);
}

static const char *step_name(enum step s)
{
	return s == STEP_TRAFFIC ? "whack --trafficstatus" : "whack --status";
}

/* Hand what was read to the parser: status or trafficstatus by step. */
static int feed_step(struct lsw_collector *c, const char *buf, size_t len)
{
	return c->step == STEP_TRAFFIC ? feed_traffic(&c->feed, buf, len)
	                               : feed_status(&c->feed, buf, len);
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
		if (feed_status_end(&c->feed) < 0) {
			snprintf(why, sizeof(why), "out of memory while parsing");
			goto fail;
		}
		stop_fds(c);
		lsw_proc_free(c->proc);
		c->proc = NULL;
		c->step = STEP_TRAFFIC;
		if (start_command(c, LSW_WHACK_TRAFFICSTATUS) < 0)
			end_poll(c);
		return;
	}
	finish(c);
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
	const char *out;
	size_t len;
	int r;

	if (c->proc == NULL)
		return;
	r = lsw_proc_drain(c->proc);
	if (r < 0) {
		char why[128];

		snprintf(why, sizeof(why), "reading %s: %s", step_name(c->step), strerror(errno));
		poll_failed(c, why);
		end_poll(c);
		return;
	}
	/* Parse this piece now (at most one drain, about 1 MiB) and forget
	 * it; past max-output the poll fails anyway, so stop parsing. */
	out = lsw_proc_output(c->proc, &len);
	if (!lsw_proc_truncated(c->proc) && feed_step(c, out, len) < 0) {
		poll_failed(c, "out of memory while parsing");
		end_poll(c);
		return;
	}
	lsw_proc_output_clear(c->proc);
	if (r == 0)
		return;
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

static void on_file_readable(int fd, void *data);

/* File mode, the same way as the commands: read and parse a piece per turn
 * of the event loop (a regular file is always readable). */
static int start_file(struct lsw_collector *c, const char *path)
{
	char err[512];

	c->file_fd = open_file(path, c->cfg.max_output, err, sizeof(err));
	if (c->file_fd < 0) {
		poll_failed(c, err);
		return -1;
	}
	/* A copy: a SIGHUP may replace c->cfg while the file is read. */
	snprintf(c->file_name, sizeof(c->file_name), "%s", path);
	c->file_len = 0;
	register_readfd(c->file_fd, on_file_readable, c);
	c->fds_registered = true;
	return 0;
}

static void file_done(struct lsw_collector *c)
{
	stop_fds(c);
	close_file(c);
	if (c->step == STEP_STATUS && c->cfg.traffic_file != NULL) {
		if (feed_status_end(&c->feed) < 0) {
			poll_failed(c, "out of memory while parsing");
			end_poll(c);
			return;
		}
		c->step = STEP_TRAFFIC;
		if (start_file(c, c->cfg.traffic_file) < 0)
			end_poll(c);
		return;
	}
	finish(c);
}

static void on_file_readable(int fd, void *data)
{
	struct lsw_collector *c = data;
	char buf[16384], why[512];

	if (c->file_fd < 0)
		return;
	/* At most 1 MiB per turn, as lsw_proc_drain(). */
	for (int i = 0; i < 64; i++) {
		ssize_t r = read(c->file_fd, buf, sizeof(buf));

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (r < 0) {
			snprintf(why, sizeof(why), "%s: %s", c->file_name, strerror(errno));
			goto fail;
		}
		if (r == 0) {
			file_done(c);
			return;
		}
		/* The file grew while we read it (or a SIGHUP lowered max-output). */
		if (c->file_len + (size_t)r > c->cfg.max_output) {
			snprintf(why, sizeof(why), "%s: larger than max-output (%zu bytes)",
			         c->file_name, c->cfg.max_output);
			goto fail;
		}
		c->file_len += (size_t)r;
		if (feed_step(c, buf, (size_t)r) < 0) {
			snprintf(why, sizeof(why), "out of memory while parsing");
			goto fail;
		}
	}
	return;
fail:
	poll_failed(c, why);
	end_poll(c);
}

static void poll_now(struct lsw_collector *c)
{
	if (c->step != STEP_IDLE) {
		/* The last poll is still running; its timeout will end it. */
		return;
	}
	if (feed_begin(&c->feed) < 0) {
		poll_failed(c, "out of memory while parsing");
		return;
	}
	c->step = STEP_STATUS;
	if (c->cfg.status_file != NULL) {
		if (start_file(c, c->cfg.status_file) < 0)
			end_poll(c);
		return;
	}
	if (start_command(c, LSW_WHACK_STATUS) < 0) {
		end_poll(c);
		return;
	}
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
