/* xfrm-record.c - record what the kernel's XFRM netlink says, for the
 * fixtures of tests/data/xfrm/ (not a test; run by hand, as root, where
 * there are SAs: tests/tools/xfrm-capture.sh runs it inside UML).
 *
 *   xfrm-record dump FILE           one XFRM_MSG_GETSA dump
 *   xfrm-record monitor FILE SECS   the XFRMNLGRP_SA and _EXPIRE
 *                                   notifications of SECS seconds (or
 *                                   until SIGTERM/SIGINT)
 *
 * FILE: every datagram as received, each one a 4-byte length (big-endian)
 * then that many bytes; the netlink messages themselves are in the host's
 * byte order (x86-64: little-endian), as the kernel sent them.
 *
 * Key material is zeroed in place before anything is written: in every
 * message that carries an SA, every XFRMA_ALG_* attribute keeps its
 * algorithm name and its key_len/icv_len/trunc_len, and its key bytes
 * become zero. Messages of any other type keep only their netlink header
 * (payload zeroed): none carries keys, but nothing is written unread.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/xfrm.h>

#include "kernel/xfrm.h"

#define RECV_SIZE 65536

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* The fixed header before the attributes, for the types that carry an
 * SA's attributes (keys included); 0 for the others. */
static size_t sa_header_len(uint16_t type)
{
	switch (type) {
	case XFRM_MSG_NEWSA:
	case XFRM_MSG_UPDSA:
		return sizeof(struct xfrm_usersa_info);
	case XFRM_MSG_DELSA: /* xfrm_usersa_id, then XFRMA_SA and the SA's attributes */
		return sizeof(struct xfrm_usersa_id);
	case XFRM_MSG_EXPIRE:
		return sizeof(struct xfrm_user_expire);
	default:
		return 0;
	}
}

/* Where the key starts in an XFRMA_ALG_* payload; 0 when not a key. */
static size_t key_offset(uint16_t type)
{
	switch (type) {
	case XFRMA_ALG_AUTH:
	case XFRMA_ALG_CRYPT:
	case XFRMA_ALG_COMP:
		return sizeof(struct xfrm_algo);
	case XFRMA_ALG_AUTH_TRUNC:
		return sizeof(struct xfrm_algo_auth);
	case XFRMA_ALG_AEAD:
		return sizeof(struct xfrm_algo_aead);
	default:
		return 0;
	}
}

/* Zero the keys of one message in place. The number of key attributes. */
static unsigned scrub_msg(struct nlmsghdr *nlh)
{
	size_t hdr = sa_header_len(nlh->nlmsg_type);
	size_t plen = mnl_nlmsg_get_payload_len(nlh);
	unsigned keys = 0;
	struct nlattr *attr;

	if (nlh->nlmsg_type == NLMSG_DONE || nlh->nlmsg_type == NLMSG_ERROR)
		return 0;
	if (hdr == 0 || plen < hdr) {
		memset(mnl_nlmsg_get_payload(nlh), 0, plen);
		return 0;
	}
	mnl_attr_for_each(attr, nlh, hdr)
	{
		size_t off = key_offset(mnl_attr_get_type(attr));
		size_t alen = mnl_attr_get_payload_len(attr);
		unsigned char *p = mnl_attr_get_payload(attr);

		if (off == 0)
			continue;
		keys++;
		/* Shorter than its fixed part: all of it goes. */
		if (alen < off)
			off = 0;
		memset(p + off, 0, alen - off);
	}
	/* What the walk could not frame (it stops at a bad attribute). */
	{
		char *tail = mnl_nlmsg_get_payload_tail(nlh);

		if ((char *)attr < tail)
			memset(attr, 0, (size_t)(tail - (char *)attr));
	}
	return keys;
}

/* Scrub a datagram; -1 when its framing is broken (then not written). */
static int scrub(unsigned char *buf, size_t len, unsigned *keys)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	int left = (int)len;

	for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left))
		*keys += scrub_msg(nlh);
	return left > 0 ? -1 : 0;
}

static int put(FILE *f, const unsigned char *buf, size_t len)
{
	unsigned char hdr[4] = {(unsigned char)(len >> 24), (unsigned char)(len >> 16),
	                        (unsigned char)(len >> 8), (unsigned char)len};

	return fwrite(hdr, 1, 4, f) == 4 && fwrite(buf, 1, len, f) == len ? 0 : -1;
}

static int record_dump(FILE *f, unsigned char *buf)
{
	uint32_t req[64]; /* the request: a bare header */
	char err[256];
	struct lsw_xfrm_decoder *d = lsw_xfrm_decoder_new();
	struct lsw_xfrm_dump *dump;
	struct mnl_socket *nl = mnl_socket_open(NETLINK_XFRM);
	struct nlmsghdr *nlh;
	unsigned keys = 0, n_dgrams = 0;
	int rc = 0;

	if (nl == NULL || d == NULL || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("xfrm-record: netlink socket");
		return 1;
	}
	nlh = mnl_nlmsg_put_header(req);
	nlh->nlmsg_type = XFRM_MSG_GETSA;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = (uint32_t)time(NULL);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		perror("xfrm-record: send");
		return 1;
	}
	while (rc == 0) {
		ssize_t n = mnl_socket_recvfrom(nl, buf, RECV_SIZE);

		if (n < 0) {
			perror("xfrm-record: recv");
			return 1;
		}
		if (scrub(buf, (size_t)n, &keys) < 0) {
			fprintf(stderr, "xfrm-record: malformed datagram, not written\n");
			return 1;
		}
		if (put(f, buf, (size_t)n) < 0) {
			perror("xfrm-record: write");
			return 1;
		}
		n_dgrams++;
		rc = lsw_xfrm_decoder_feed(d, buf, (size_t)n, err, sizeof(err));
	}
	if (rc < 0) {
		fprintf(stderr, "xfrm-record: %s\n", err);
		return 1;
	}
	dump = lsw_xfrm_decoder_finish(d);
	fprintf(stderr,
	        "xfrm-record: %u datagrams, %zu SAs, %zu skipped, %u key attributes zeroed\n",
	        n_dgrams, dump ? dump->n : 0, dump ? dump->skipped : 0, keys);
	lsw_xfrm_dump_free(dump);
	lsw_xfrm_decoder_free(d);
	mnl_socket_close(nl);
	return 0;
}

static int record_monitor(FILE *f, unsigned char *buf, int secs)
{
	struct lsw_xfrm_events ev = {0};
	char err[256];
	time_t end = time(NULL) + secs;
	unsigned keys = 0, n_dgrams = 0;
	int fd = lsw_xfrm_monitor_open(err, sizeof(err));

	if (fd < 0) {
		fprintf(stderr, "xfrm-record: %s\n", err);
		return 1;
	}
	/* Tell the caller we listen (it starts the tunnel changes then). */
	fprintf(stderr, "xfrm-record: listening\n");
	while (!stop && time(NULL) < end) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		ssize_t n;

		if (poll(&pfd, 1, 200) <= 0)
			continue;
		n = recv(fd, buf, RECV_SIZE, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == ENOBUFS)
				fprintf(stderr, "xfrm-record: ENOBUFS, notifications lost\n");
			continue;
		}
		if (scrub(buf, (size_t)n, &keys) < 0) {
			fprintf(stderr, "xfrm-record: malformed datagram, not written\n");
			continue;
		}
		if (put(f, buf, (size_t)n) < 0) {
			perror("xfrm-record: write");
			return 1;
		}
		fflush(f);
		n_dgrams++;
		lsw_xfrm_events_count(buf, (size_t)n, &ev, err, sizeof(err));
	}
	close(fd);
	fprintf(stderr,
	        "xfrm-record: %u datagrams: new %u del %u expired %u other %u, %u key "
	        "attributes zeroed\n",
	        n_dgrams, ev.new_sa, ev.del_sa, ev.expired, ev.other, keys);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned char *buf;
	FILE *f;
	int rc;

	if (argc < 3 || (strcmp(argv[1], "dump") != 0 && strcmp(argv[1], "monitor") != 0) ||
	    (strcmp(argv[1], "monitor") == 0 && argc < 4)) {
		fprintf(stderr, "usage: xfrm-record dump FILE | monitor FILE SECS\n");
		return 2;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	buf = malloc(RECV_SIZE);
	f = fopen(argv[2], "wb");
	if (buf == NULL || f == NULL) {
		perror(argv[2]);
		return 1;
	}
	if (strcmp(argv[1], "dump") == 0)
		rc = record_dump(f, buf);
	else
		rc = record_monitor(f, buf, atoi(argv[3]));
	explicit_bzero(buf, RECV_SIZE);
	free(buf);
	if (fclose(f) != 0) {
		perror(argv[2]);
		rc = 1;
	}
	return rc;
}
