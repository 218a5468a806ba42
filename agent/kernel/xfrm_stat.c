/* xfrm_stat.c - the kernel's XFRM error counters, /proc/net/xfrm_stat.
 *
 * The file (CONFIG_XFRM_STATISTICS) is one counter a line, its name,
 * spaces and a tab, its decimal value: "XfrmInError             \t0".
 * Names are kept as printed, unknown ones too (newer kernels add
 * counters: XfrmInStateDirError in 6.10, XfrmOutNoQueueSpace ...), so
 * that a new counter shows up without a new release. A line that is not
 * a name and a number is skipped.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/xfrm.h"

/* The file is ~30 lines of ~40 bytes; anything this large is not it. */
#define XFRM_STAT_MAX_FILE (1 << 20)

/* One line [p, end): 1 and *item when it is a name and a number. */
static int parse_line(const char *p, const char *end, struct lsw_xfrm_stat_item *item)
{
	const char *name = p;
	size_t nlen;
	uint64_t v = 0;

	while (p < end && (isalnum((unsigned char)*p) || *p == '_'))
		p++;
	nlen = (size_t)(p - name);
	if (nlen == 0 || nlen > LSW_XFRM_STAT_NAME_MAX || p == end || (*p != ' ' && *p != '\t'))
		return 0;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p == end || !isdigit((unsigned char)*p))
		return 0;
	while (p < end && isdigit((unsigned char)*p)) {
		unsigned d = (unsigned)(*p - '0');

		if (v > (UINT64_MAX - d) / 10)
			return 0; /* overflow: not a counter we can trust */
		v = v * 10 + d;
		p++;
	}
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
		p++;
	if (p != end)
		return 0;
	memcpy(item->name, name, nlen);
	item->name[nlen] = '\0';
	item->value = v;
	return 1;
}

int lsw_xfrm_stat_parse(const char *text, size_t len, struct lsw_xfrm_stat *out, char *err,
                        size_t errlen)
{
	const char *p = text, *end = text + len;
	struct lsw_xfrm_stat st = {0, NULL};
	size_t cap = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl != NULL ? nl : end;
		struct lsw_xfrm_stat_item item;

		if (parse_line(p, eol, &item)) {
			if (st.n == cap) {
				size_t ncap = cap ? cap * 2 : 32;
				struct lsw_xfrm_stat_item *q = realloc(st.items, ncap * sizeof(*q));

				if (q == NULL) {
					lsw_xfrm_stat_clear(&st);
					snprintf(err, errlen, "xfrm_stat: out of memory");
					return -1;
				}
				st.items = q;
				cap = ncap;
			}
			st.items[st.n++] = item;
		}
		p = nl != NULL ? nl + 1 : end;
	}
	if (st.n == 0) {
		snprintf(err, errlen, "xfrm_stat: no counter in %zu bytes", len);
		return -1;
	}
	*out = st;
	return 0;
}

int lsw_xfrm_stat_read(const char *path, struct lsw_xfrm_stat *out, char *err, size_t errlen)
{
	size_t len = 0, cap = 8192;
	char *text = NULL;
	int fd, rc = -1;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			snprintf(err, errlen,
			         "%s: no such file (a kernel without CONFIG_XFRM_STATISTICS, or no "
			         "XFRM)",
			         path);
		else
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	/* A proc file: its size is 0, read until EOF. */
	for (;;) {
		ssize_t n;

		if (text == NULL || len == cap) {
			char *q;

			if (text != NULL)
				cap *= 2;
			if (cap > XFRM_STAT_MAX_FILE) {
				snprintf(err, errlen, "%s: larger than %d bytes", path,
				         XFRM_STAT_MAX_FILE);
				goto out;
			}
			q = realloc(text, cap);
			if (q == NULL) {
				snprintf(err, errlen, "%s: out of memory", path);
				goto out;
			}
			text = q;
		}
		n = read(fd, text + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	rc = lsw_xfrm_stat_parse(text, len, out, err, errlen);
out:
	free(text);
	close(fd);
	return rc;
}

void lsw_xfrm_stat_clear(struct lsw_xfrm_stat *st)
{
	if (st == NULL)
		return;
	free(st->items);
	st->items = NULL;
	st->n = 0;
}
