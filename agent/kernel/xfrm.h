/* xfrm.h - the kernel's IPsec SAs (XFRM) and its XFRM error counters.
 *
 * No net-snmp here: the daemon and lswstat both use it. Three parts:
 *   - decode: XFRM netlink messages (an XFRM_MSG_GETSA dump, or the
 *     multicast notifications) into records. Pure, on bytes, so the unit
 *     tests feed it messages recorded from a real kernel.
 *   - I/O: one dump through a netlink socket (libmnl), and a socket that
 *     listens to the SA notifications (new, deleted, expired SAs).
 *   - /proc/net/xfrm_stat: name and value of every counter the kernel has.
 *
 * An XFRM SA carries its keys (XFRMA_ALG_*): the decoder never copies
 * them, and the buffers it was given are wiped by the I/O part before
 * they are freed.
 *
 * Needs CAP_NET_ADMIN: without it the kernel answers EPERM, and the
 * functions say LSW_XFRM_NOT_PERMITTED.
 */
#ifndef LSW_KERNEL_XFRM_H
#define LSW_KERNEL_XFRM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snapshot.h" /* struct lsw_addr */

/* One kernel SA: what its xfrm_usersa_info and XFRMA_* attributes say. */
struct lsw_xfrm_sa {
	uint32_t spi;  /* host order */
	uint8_t proto; /* IPPROTO_ESP, IPPROTO_AH, IPPROTO_COMP */
	uint8_t mode;  /* XFRM_MODE_TRANSPORT (0), XFRM_MODE_TUNNEL (1), ... */
	struct lsw_addr daddr;
	struct lsw_addr saddr;
	uint32_t reqid;
	/* curlft */
	uint64_t bytes;
	uint64_t packets;
	uint64_t add_time; /* epoch seconds */
	uint64_t use_time; /* epoch seconds, 0 when never used */
	/* struct xfrm_stats */
	uint32_t replay_window; /* packets outside the replay window */
	uint32_t replay;        /* replayed packets */
	uint32_t integrity_failed;
	/* No XFRMA_ALG_* attribute: an SPI reserved (XFRM_MSG_ALLOCSPI) for a
	 * negotiation in progress, not yet keyed. pluto prints no SPI for it
	 * until the Child SA is established. */
	bool larval;
	/* XFRMA_LASTUSED, XFRMA_REPLAY_ESN_VAL etc. are not kept. */
};

/* A dump: every SA, sorted by (proto, spi, daddr) for lsw_xfrm_find(). */
struct lsw_xfrm_dump {
	size_t n;
	struct lsw_xfrm_sa *sas;
	size_t skipped; /* messages that were not a well-formed SA (counted, skipped) */
	uint64_t *keys; /* lsw_xfrm_find()'s index: proto << 32 | spi of sas[i] */
};

enum lsw_xfrm_result {
	LSW_XFRM_OK = 0,
	LSW_XFRM_NOT_PERMITTED = -1, /* EPERM: no CAP_NET_ADMIN */
	LSW_XFRM_UNAVAILABLE = -2,   /* no XFRM in this kernel (EPROTONOSUPPORT, ...), not Linux */
	LSW_XFRM_FAILED = -3,        /* anything else (timeout, malformed, memory): see err */
};

/* Decoding ---------------------------------------------------------------- */

struct lsw_xfrm_decoder;

struct lsw_xfrm_decoder *lsw_xfrm_decoder_new(void);
void lsw_xfrm_decoder_free(struct lsw_xfrm_decoder *d); /* NULL is fine */

/* Feed one datagram (one recv() of a dump: one or more netlink messages).
 * Returns 1 when it held NLMSG_DONE (the dump is complete), 0 when more
 * should follow, or LSW_XFRM_* < 0 with err (NLMSG_ERROR, a truncated
 * message). A message that is not an SA or that is malformed within its
 * own length is skipped and counted. */
int lsw_xfrm_decoder_feed(struct lsw_xfrm_decoder *d, const void *buf, size_t len, char *err,
                          size_t errlen);

/* The dump so far, sorted, handed over (the decoder is left empty). */
struct lsw_xfrm_dump *lsw_xfrm_decoder_finish(struct lsw_xfrm_decoder *d);

void lsw_xfrm_dump_free(struct lsw_xfrm_dump *dump); /* NULL is fine */

/* The SA with that protocol, SPI (host order) and destination, or NULL.
 * Binary search. daddr NULL: the first SA with that protocol and SPI,
 * whatever its destination. The SA belongs to dump. */
const struct lsw_xfrm_sa *lsw_xfrm_find(const struct lsw_xfrm_dump *dump, uint8_t proto,
                                        uint32_t spi, const struct lsw_addr *daddr);

/* I/O ----------------------------------------------------------------------- */

/* One XFRM_MSG_GETSA dump, blocking, at most timeout_ms. LSW_XFRM_OK and
 * *out (the caller's), or LSW_XFRM_* with err. */
int lsw_xfrm_dump_kernel(struct lsw_xfrm_dump **out, int timeout_ms, char *err, size_t errlen);

/* Notifications: a non-blocking netlink socket in the XFRMNLGRP_SA and
 * XFRMNLGRP_EXPIRE groups. The fd (for select/the event loop), or
 * LSW_XFRM_* < 0 with err. */
int lsw_xfrm_monitor_open(char *err, size_t errlen);

struct lsw_xfrm_events {
	unsigned new_sa, del_sa, expired, other;
	bool overrun; /* ENOBUFS: some were lost, poll anyway */
};

/* Read every pending notification of fd into ev (added to it). 0, or
 * LSW_XFRM_FAILED with err when the socket failed. At most 256 datagrams
 * a call (the rest at the next readiness); a malformed one counts in
 * other. The caller closes fd with close(). */
int lsw_xfrm_monitor_read(int fd, struct lsw_xfrm_events *ev, char *err, size_t errlen);

/* The counting of lsw_xfrm_monitor_read() on one datagram, pure: adds its
 * messages to ev (XFRM_MSG_NEWSA/UPDSA new_sa, DELSA del_sa, EXPIRE
 * expired, anything else other). 0, or LSW_XFRM_FAILED with err when a
 * message runs past the datagram (those before it are counted). */
int lsw_xfrm_events_count(const void *buf, size_t len, struct lsw_xfrm_events *ev, char *err,
                          size_t errlen);

/* /proc/net/xfrm_stat ------------------------------------------------------ */

#define LSW_XFRM_STAT_NAME_MAX 63

struct lsw_xfrm_stat_item {
	char name[LSW_XFRM_STAT_NAME_MAX + 1]; /* "XfrmInError", kept as printed */
	uint64_t value;
};

struct lsw_xfrm_stat {
	size_t n; /* in the order of the file */
	struct lsw_xfrm_stat_item *items;
};

/* Parse the text of the file ("Name<spaces/tab>value\n" per line). Lines
 * that are not a name and a number are skipped. 0, or -1 with err (no
 * counter at all, memory). */
int lsw_xfrm_stat_parse(const char *text, size_t len, struct lsw_xfrm_stat *out, char *err,
                        size_t errlen);

/* Read and parse path ("/proc/self/net/xfrm_stat": readable under
 * ProtectProc/ProcSubset=pid, unlike /proc/net). 0, or -1 with err
 * (ENOENT: a kernel without CONFIG_XFRM_STATISTICS). */
int lsw_xfrm_stat_read(const char *path, struct lsw_xfrm_stat *out, char *err, size_t errlen);

void lsw_xfrm_stat_clear(struct lsw_xfrm_stat *st);

#endif
