/* xfrm_file.c - a recorded XFRM dump (tests/data/xfrm/README.md: each
 * datagram as a 4-byte big-endian length and its bytes) through the same
 * decoder as a dump from the kernel. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/xfrm_file.h"

/* A dump of 50k SAs is some 20 MB; a file far beyond is not one. */
#define XFRM_FILE_MAX (512u << 20)

int lsw_xfrm_dump_file(const char *path, struct lsw_xfrm_dump **out, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rbe");
	struct lsw_xfrm_decoder *d = NULL;
	unsigned char hdr[4], *buf = NULL;
	size_t total = 0;
	int rc = LSW_XFRM_FAILED, fed = 0;

	*out = NULL;
	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return LSW_XFRM_FAILED;
	}
	d = lsw_xfrm_decoder_new();
	if (d == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	while (fed != 1) {
		size_t n = fread(hdr, 1, sizeof(hdr), f), len;

		if (n == 0 && feof(f)) {
			snprintf(err, errlen, "%s: the dump ends without NLMSG_DONE", path);
			goto out;
		}
		if (n != sizeof(hdr)) {
			snprintf(err, errlen, "%s: truncated length at byte %zu", path, total);
			goto out;
		}
		len = (size_t)hdr[0] << 24 | (size_t)hdr[1] << 16 | (size_t)hdr[2] << 8 | hdr[3];
		total += sizeof(hdr) + len;
		if (total > XFRM_FILE_MAX) {
			snprintf(err, errlen, "%s: larger than %u bytes", path, XFRM_FILE_MAX);
			goto out;
		}
		free(buf);
		buf = malloc(len ? len : 1);
		if (buf == NULL) {
			snprintf(err, errlen, "out of memory");
			goto out;
		}
		if (fread(buf, 1, len, f) != len) {
			snprintf(err, errlen, "%s: truncated datagram of %zu bytes", path, len);
			goto out;
		}
		fed = lsw_xfrm_decoder_feed(d, buf, len, err, errlen);
		if (fed < 0) {
			rc = fed;
			goto out;
		}
	}
	*out = lsw_xfrm_decoder_finish(d);
	if (*out == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	rc = LSW_XFRM_OK;
out:
	free(buf);
	lsw_xfrm_decoder_free(d);
	fclose(f);
	return rc;
}
