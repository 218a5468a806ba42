/* xfrm_nl.c - the netlink I/O of the kernel source: one XFRM_MSG_GETSA
 * dump, and a socket in the SA notification groups.
 *
 * Linux only (the package is linux-any). libmnl for the socket and the
 * request; the datagrams go to the pure decoder of xfrm.c. Every buffer a
 * datagram was received into held the SAs' keys (the kernel sends
 * XFRMA_ALG_* in dumps and in NEWSA notifications alike): it is wiped
 * with explicit_bzero() before it is freed or goes out of scope.
 */
#include <errno.h>
#include <poll.h>
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

/* A dump datagram is at most what the kernel's netlink_dump() allocates:
 * up to 32 KiB (libmnl >= 1.0.5 calls that MNL_SOCKET_DUMP_SIZE; Debian
 * 12 has 1.0.4). Twice that, so that MSG_TRUNC never happens. */
#define XFRM_RECV_SIZE 65536

/* Kernel notification bursts (pluto bringing up many tunnels at once):
 * a larger receive buffer than the default makes ENOBUFS rarer. */
#define XFRM_MONITOR_RCVBUF (1 << 20)

/* At most this many datagrams per lsw_xfrm_monitor_read(): a flood must
 * not keep the event loop here; the rest wait for the next readiness. */
#define XFRM_MONITOR_BATCH 256

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int socket_error(const char *what, int e, char *err, size_t errlen)
{
	snprintf(err, errlen, "XFRM netlink %s: %s", what, strerror(e));
	if (e == EPROTONOSUPPORT || e == EAFNOSUPPORT)
		return LSW_XFRM_UNAVAILABLE;
	if (e == EPERM || e == EACCES)
		return LSW_XFRM_NOT_PERMITTED;
	return LSW_XFRM_FAILED;
}

/* Every message of a datagram answers our request: same sequence number,
 * sent to our port. The framing itself is the decoder's to check. */
static int check_answer(const void *buf, size_t len, uint32_t seq, uint32_t portid, char *err,
                        size_t errlen)
{
	const struct nlmsghdr *nlh = buf;
	int left = (int)len;

	for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
		if (!mnl_nlmsg_seq_ok(nlh, seq) || !mnl_nlmsg_portid_ok(nlh, portid)) {
			snprintf(err, errlen,
			         "XFRM dump: answer with sequence %u port %u (expected %u, %u)",
			         nlh->nlmsg_seq, nlh->nlmsg_pid, seq, portid);
			return LSW_XFRM_FAILED;
		}
	}
	return 0;
}

/* Receive one datagram within the deadline. Its length, or LSW_XFRM_*. */
static ssize_t recv_until(struct mnl_socket *nl, void *buf, size_t size, long long deadline,
                          char *err, size_t errlen)
{
	struct pollfd pfd = {.fd = mnl_socket_get_fd(nl), .events = POLLIN};

	for (;;) {
		long long left = deadline - now_ms();
		ssize_t n;
		int rc;

		if (left <= 0) {
			snprintf(err, errlen, "XFRM dump: no answer from the kernel in time");
			return LSW_XFRM_FAILED;
		}
		rc = poll(&pfd, 1, left > 60000 ? 60000 : (int)left);
		if (rc < 0 && errno != EINTR)
			return socket_error("poll", errno, err, errlen);
		if (rc <= 0)
			continue;
		/* Checks the sender is the kernel; ENOSPC on MSG_TRUNC. */
		n = mnl_socket_recvfrom(nl, buf, size);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return socket_error("recv", errno, err, errlen);
		return n;
	}
}

int lsw_xfrm_dump_kernel(struct lsw_xfrm_dump **out, int timeout_ms, char *err, size_t errlen)
{
	uint32_t req[64]; /* the request: a bare header */
	struct lsw_xfrm_decoder *d = NULL;
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	long long deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	unsigned char *buf = NULL;
	uint32_t seq, portid;
	int rc = LSW_XFRM_FAILED;

	*out = NULL;
	nl = mnl_socket_open2(NETLINK_XFRM, SOCK_CLOEXEC);
	if (nl == NULL)
		return socket_error("socket", errno, err, errlen);
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		rc = socket_error("bind", errno, err, errlen);
		goto out;
	}
	portid = mnl_socket_get_portid(nl);
	seq = (uint32_t)time(NULL);

	/* No payload: the kernel's dump takes only optional filter
	 * attributes (XFRMA_ADDRESS_FILTER, XFRMA_PROTO). */
	nlh = mnl_nlmsg_put_header(req);
	nlh->nlmsg_type = XFRM_MSG_GETSA;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		rc = socket_error("send", errno, err, errlen);
		goto out;
	}

	buf = malloc(XFRM_RECV_SIZE);
	d = lsw_xfrm_decoder_new();
	if (buf == NULL || d == NULL) {
		snprintf(err, errlen, "XFRM dump: out of memory");
		goto out;
	}
	for (;;) {
		ssize_t n = recv_until(nl, buf, XFRM_RECV_SIZE, deadline, err, errlen);

		if (n < 0) {
			rc = (int)n;
			goto out;
		}
		if (check_answer(buf, (size_t)n, seq, portid, err, errlen) < 0)
			goto out;
		rc = lsw_xfrm_decoder_feed(d, buf, (size_t)n, err, errlen);
		if (rc < 0)
			goto out;
		if (rc == 1)
			break;
	}
	*out = lsw_xfrm_decoder_finish(d);
	if (*out == NULL) {
		snprintf(err, errlen, "XFRM dump: out of memory");
		rc = LSW_XFRM_FAILED;
		goto out;
	}
	rc = LSW_XFRM_OK;
out:
	if (buf != NULL) {
		explicit_bzero(buf, XFRM_RECV_SIZE);
		free(buf);
	}
	lsw_xfrm_decoder_free(d);
	mnl_socket_close(nl);
	return rc;
}

/* A plain socket rather than a struct mnl_socket: the caller gets an fd
 * it closes with close(), and nothing else to free. */
int lsw_xfrm_monitor_open(char *err, size_t errlen)
{
	struct sockaddr_nl sa = {
	    .nl_family = AF_NETLINK,
	    .nl_groups = XFRMGRP_SA | XFRMGRP_EXPIRE, /* XFRMNLGRP_SA, XFRMNLGRP_EXPIRE */
	};
	int rcvbuf = XFRM_MONITOR_RCVBUF;
	int fd, rc;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_XFRM);
	if (fd < 0)
		return socket_error("socket", errno, err, errlen);
	/* Best effort: capped by net.core.rmem_max. */
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	/* Joining XFRM's groups needs CAP_NET_ADMIN: EPERM otherwise. */
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		rc = socket_error("bind", errno, err, errlen);
		close(fd);
		return rc;
	}
	return fd;
}

int lsw_xfrm_monitor_read(int fd, struct lsw_xfrm_events *ev, char *err, size_t errlen)
{
	unsigned char buf[XFRM_RECV_SIZE];
	size_t used = 0; /* how much of buf held a datagram: what to wipe */
	int rc = 0;

	for (int i = 0; i < XFRM_MONITOR_BATCH; i++) {
		struct sockaddr_nl from;
		socklen_t fromlen = sizeof(from);
		char ignored[128];
		ssize_t n;

		n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from,
		             &fromlen);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			if (errno == ENOBUFS) {
				/* The kernel dropped notifications: the
				 * socket itself is fine. */
				ev->overrun = true;
				continue;
			}
			rc = socket_error("recv", errno, err, errlen);
			break;
		}
		if ((size_t)n > used)
			used = (size_t)n > sizeof(buf) ? sizeof(buf) : (size_t)n;
		/* Only the kernel sends to XFRM's groups. */
		if (fromlen != sizeof(from) || from.nl_pid != 0)
			continue;
		/* A malformed datagram is not a socket failure: counted. */
		if (lsw_xfrm_events_count(buf, (size_t)n, ev, ignored, sizeof(ignored)) < 0)
			ev->other++;
	}
	explicit_bzero(buf, used);
	return rc;
}
