/* source.h - where a poll's text comes from: a command (`ipsec whack`,
 * agent/util/proc.h) or a file, read from net-snmp's event loop a piece at
 * a time and handed on at once, so nothing is held whole and a request is
 * answered between any two pieces.
 *
 * Both kinds have one shape: start, then data() for each piece (at most
 * about 1 MiB per turn of the loop), then done() once. A source fails
 * when:
 *   - the command could not start, exited non-zero, or printed more than
 *     max bytes (rows would vanish), or reading its output failed;
 *   - the file is missing, unreadable, not a regular file (a FIFO is
 *     refused, not waited on), or larger than max bytes.
 * The caller owns the deadline: lsw_source_free() kills a command still
 * running.
 */
#ifndef LSW_SOURCE_H
#define LSW_SOURCE_H

#include <stddef.h>

struct lsw_source_ops {
	/* A piece of the text. 0, or -1 when the receiver cannot take it (out
	 * of memory): the source then ends with that as its failure. */
	int (*data)(void *arg, const char *buf, size_t len);
	/* The end: why is NULL when everything was read (and the command
	 * exited 0), else what failed. Called once, last: the receiver may
	 * free the source from here. */
	void (*done)(void *arg, const char *why);
};

struct lsw_source;

/* Run argv (label, e.g. "whack --status", names it in errors). A new
 * source the caller owns, or NULL with err when it could not start. */
struct lsw_source *lsw_source_command(const char *const argv[], const char *label, size_t max,
                                      const struct lsw_source_ops *ops, void *arg, char *err,
                                      size_t errlen);

/* Read path, the same way. NULL with err when it cannot be opened. */
struct lsw_source *lsw_source_file(const char *path, size_t max, const struct lsw_source_ops *ops,
                                   void *arg, char *err, size_t errlen);

/* What a command printed on stderr, NUL-terminated ("" for none, and for
 * a file); the source's, valid until it is freed. An exit status of 0 with
 * only stderr text is how some failures look. */
const char *lsw_source_stderr(const struct lsw_source *s);

/* Stop watching, kill and reap a command, close a file; NULL is fine. */
void lsw_source_free(struct lsw_source *s);

/* Read a file whole without the event loop, with the same checks. 0 and
 * *buf (malloc'd, NUL-terminated), or -1 with err. */
int lsw_source_read_file(const char *path, size_t max, char **buf, size_t *len, char *err,
                         size_t errlen);

#endif
