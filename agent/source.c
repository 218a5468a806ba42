/* source.c - a command or a file, read from net-snmp's event loop. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
#include <net-snmp/library/fd_event_manager.h>

#include "source.h"
#include "util/proc.h"

#define OOM_PARSING "out of memory while parsing"

struct lsw_source {
	const struct lsw_source_ops *ops;
	void *arg;
	size_t max;
	char name[256];        /* the command's label or the file's path, for errors */
	struct lsw_proc *proc; /* a command, or NULL */
	int fd;                /* a file, or -1 */
	size_t file_len;
	bool watching;
	unsigned reap_alarm;
};

/* What one turn of reading gave. */
enum pump {
	PUMP_MORE,   /* wait until readable again */
	PUMP_EOF,    /* all read */
	PUMP_FAILED, /* why says what */
};

static void unwatch(struct lsw_source *s)
{
	if (!s->watching)
		return;
	if (s->proc != NULL) {
		unregister_readfd(lsw_proc_fd(s->proc));
		unregister_readfd(lsw_proc_err_fd(s->proc));
	} else {
		unregister_readfd(s->fd);
	}
	s->watching = false;
}

static void stop_reap_alarm(struct lsw_source *s)
{
	if (s->reap_alarm != 0)
		snmp_alarm_unregister(s->reap_alarm);
	s->reap_alarm = 0;
}

void lsw_source_free(struct lsw_source *s)
{
	if (s == NULL)
		return;
	unwatch(s);
	stop_reap_alarm(s);
	/* lsw_proc_free() kills the process group and reaps the child. */
	lsw_proc_free(s->proc);
	if (s->fd >= 0)
		close(s->fd);
	free(s);
}

const char *lsw_source_stderr(const struct lsw_source *s)
{
	return s->proc != NULL ? lsw_proc_stderr(s->proc, NULL) : "";
}

/* The last thing a source does: the receiver may free it. */
static void end(struct lsw_source *s, const char *why)
{
	unwatch(s);
	stop_reap_alarm(s);
	s->ops->done(s->arg, why);
}

/* The command has exited: was its output whole and its status 0? */
static void command_done(struct lsw_source *s)
{
	char why[512], st[64];
	const char *e;
	int elen;

	if (lsw_proc_truncated(s->proc)) {
		snprintf(why, sizeof(why), "%s printed more than max-output (%zu bytes)", s->name,
		         s->max);
		end(s, why);
		return;
	}
	if (lsw_proc_exit_status(s->proc) == 0) {
		end(s, NULL);
		return;
	}
	e = lsw_proc_stderr(s->proc, NULL);
	elen = (int)strcspn(e, "\n");
	lsw_proc_describe_status(s->proc, st, sizeof(st));
	snprintf(why, sizeof(why), "%s %s%s%.*s", s->name, st, elen ? ": " : "",
	         elen > 200 ? 200 : elen, e);
	end(s, why);
}

/* EOF came before the exit status: poll waitpid() briefly. */
static void on_reap_alarm(unsigned reg, void *data)
{
	struct lsw_source *s = data;
	int r = lsw_proc_reap(s->proc);

	if (r == 0)
		return;
	stop_reap_alarm(s);
	if (r < 0)
		end(s, "waitpid failed");
	else
		command_done(s);
}

/* One drain of stdout and stderr (about 1 MiB at most), parsed at once and
 * forgotten; past max the command fails anyway, so stop handing it on. */
static enum pump pump_command(struct lsw_source *s, char *why, size_t len)
{
	const char *out;
	size_t n;
	int r = lsw_proc_drain(s->proc);

	if (r < 0) {
		snprintf(why, len, "reading %s: %s", s->name, strerror(errno));
		return PUMP_FAILED;
	}
	out = lsw_proc_output(s->proc, &n);
	if (!lsw_proc_truncated(s->proc) && n > 0 && s->ops->data(s->arg, out, n) < 0) {
		snprintf(why, len, OOM_PARSING);
		return PUMP_FAILED;
	}
	lsw_proc_output_clear(s->proc);
	return r == 0 ? PUMP_MORE : PUMP_EOF;
}

/* A regular file is always readable: at most 1 MiB per turn, as a drain. */
static enum pump pump_file(struct lsw_source *s, char *why, size_t len)
{
	char buf[16384];

	for (int i = 0; i < 64; i++) {
		ssize_t r = read(s->fd, buf, sizeof(buf));

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return PUMP_MORE;
		if (r < 0) {
			snprintf(why, len, "%s: %s", s->name, strerror(errno));
			return PUMP_FAILED;
		}
		if (r == 0)
			return PUMP_EOF;
		/* The file grew while we read it. */
		if (s->file_len + (size_t)r > s->max) {
			snprintf(why, len, "%s: larger than max-output (%zu bytes)", s->name,
			         s->max);
			return PUMP_FAILED;
		}
		s->file_len += (size_t)r;
		if (s->ops->data(s->arg, buf, (size_t)r) < 0) {
			snprintf(why, len, OOM_PARSING);
			return PUMP_FAILED;
		}
	}
	return PUMP_MORE;
}

static void on_readable(int fd, void *data)
{
	struct lsw_source *s = data;
	char why[512];
	enum pump p =
	    s->proc != NULL ? pump_command(s, why, sizeof(why)) : pump_file(s, why, sizeof(why));
	int r;

	if (p == PUMP_MORE)
		return;
	if (p == PUMP_FAILED) {
		end(s, why);
		return;
	}
	unwatch(s);
	if (s->proc == NULL) {
		end(s, NULL);
		return;
	}
	r = lsw_proc_reap(s->proc);
	if (r == 0) {
		struct timeval tv = {.tv_sec = 0, .tv_usec = 10000};

		s->reap_alarm = snmp_alarm_register_hr(tv, SA_REPEAT, on_reap_alarm, s);
		return;
	}
	if (r < 0)
		end(s, "waitpid failed");
	else
		command_done(s);
}

static struct lsw_source *source_new(const char *name, size_t max, const struct lsw_source_ops *ops,
                                     void *arg)
{
	struct lsw_source *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->ops = ops;
	s->arg = arg;
	s->max = max;
	s->fd = -1;
	/* A copy: a SIGHUP may replace the configuration meanwhile. */
	snprintf(s->name, sizeof(s->name), "%s", name);
	return s;
}

struct lsw_source *lsw_source_command(const char *const argv[], const char *label, size_t max,
                                      const struct lsw_source_ops *ops, void *arg, char *err,
                                      size_t errlen)
{
	struct lsw_source *s = source_new(label, max, ops, arg);

	if (s == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (lsw_proc_start(&s->proc, argv, max, err, errlen) < 0) {
		lsw_source_free(s);
		return NULL;
	}
	register_readfd(lsw_proc_fd(s->proc), on_readable, s);
	register_readfd(lsw_proc_err_fd(s->proc), on_readable, s);
	s->watching = true;
	return s;
}

/* Open a file to read: a regular file of at most max bytes. O_NONBLOCK:
 * opening a FIFO for reading would otherwise wait for a writer. */
static int open_file(const char *path, size_t max, char *err, size_t errlen)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);

	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: %s", path,
		         S_ISDIR(st.st_mode) ? "is a directory" : "is not a regular file");
		goto fail;
	}
	if ((size_t)st.st_size > max) {
		snprintf(err, errlen, "%s: larger than max-output (%zu bytes)", path, max);
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}

struct lsw_source *lsw_source_file(const char *path, size_t max, const struct lsw_source_ops *ops,
                                   void *arg, char *err, size_t errlen)
{
	struct lsw_source *s;
	int fd = open_file(path, max, err, errlen);

	if (fd < 0)
		return NULL;
	s = source_new(path, max, ops, arg);
	if (s == NULL) {
		close(fd);
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	s->fd = fd;
	register_readfd(fd, on_readable, s);
	s->watching = true;
	return s;
}

int lsw_source_read_file(const char *path, size_t max, char **buf, size_t *len, char *err,
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
		snprintf(err, errlen, "%s: out of memory", path);
		goto out;
	}
	for (;;) {
		ssize_t r;

		if (n + 1 >= cap) {
			char *nb;

			if (cap > max) {
				snprintf(err, errlen, "%s: larger than max-output (%zu bytes)",
				         path, max);
				goto out;
			}
			nb = realloc(b, cap * 2);
			if (nb == NULL) {
				snprintf(err, errlen, "%s: out of memory", path);
				goto out;
			}
			b = nb;
			cap *= 2;
		}
		r = read(fd, b + n, cap - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
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
