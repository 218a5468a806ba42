/* xfrm.c - decode XFRM netlink messages into lsw_xfrm_sa records.
 *
 * Pure: bytes in, records out, no socket (that is xfrm_nl.c), so the unit
 * tests feed it datagrams recorded from a real kernel (tests/data/xfrm/).
 * The input comes from the kernel, but the decoder trusts no length in
 * it: a netlink message that runs past the datagram ends the dump with an
 * error (the stream cannot be resynchronised), an SA message malformed
 * within its own length is skipped and counted.
 *
 * Key material (XFRMA_ALG_AUTH, _CRYPT, _AEAD, _AUTH_TRUNC, _COMP) passes
 * through the buffers we are given: its attributes are walked over for
 * their framing only, their payload is never read nor copied.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/xfrm.h>

#include "kernel/xfrm.h"

struct lsw_xfrm_decoder {
	struct lsw_xfrm_sa *sas;
	size_t n, cap;
	size_t skipped;
};

struct lsw_xfrm_decoder *lsw_xfrm_decoder_new(void)
{
	return calloc(1, sizeof(struct lsw_xfrm_decoder));
}

void lsw_xfrm_decoder_free(struct lsw_xfrm_decoder *d)
{
	if (d == NULL)
		return;
	free(d->sas);
	free(d);
}

/* Fixed-size attributes: shorter than this is malformed (a longer one
 * may be a newer kernel's larger struct, or a flexible array: the replay
 * bitmap of XFRMA_REPLAY_ESN_VAL). Those not listed, the XFRMA_ALG_*
 * among them, are checked for their framing only. */
static size_t attr_min_len(uint16_t type)
{
	switch (type) {
	case XFRMA_REPLAY_VAL:
		return sizeof(struct xfrm_replay_state);
	case XFRMA_REPLAY_ESN_VAL:
		return sizeof(struct xfrm_replay_state_esn);
	case XFRMA_ENCAP:
		return sizeof(struct xfrm_encap_tmpl);
	case XFRMA_MARK:
		return sizeof(struct xfrm_mark);
	case XFRMA_SRCADDR:
	case XFRMA_COADDR:
		return sizeof(xfrm_address_t);
	default:
		return 0;
	}
}

/* libmnl's exact-size checks, for the attributes that are one integer. */
static int attr_ok(const struct nlattr *attr)
{
	uint16_t type = mnl_attr_get_type(attr);

	switch (type) {
	case XFRMA_LASTUSED:
		return mnl_attr_validate(attr, MNL_TYPE_U64) == 0;
	case XFRMA_SA_EXTRA_FLAGS:
	case XFRMA_TFCPAD:
		return mnl_attr_validate(attr, MNL_TYPE_U32) == 0;
	default:
		/* mnl_attr_validate2() also refuses longer: not that. */
		return mnl_attr_get_payload_len(attr) >= attr_min_len(type);
	}
}

struct attr_walk {
	const char *end; /* where the last well-formed attribute ended */
	int bad;
	unsigned algs; /* XFRMA_ALG_* attributes seen (their payload is never read) */
};

static int attr_cb(const struct nlattr *attr, void *data)
{
	struct attr_walk *w = data;

	if (!attr_ok(attr)) {
		w->bad = 1;
		return MNL_CB_ERROR;
	}
	w->end = (const char *)attr + MNL_ALIGN(attr->nla_len);
	switch (mnl_attr_get_type(attr)) {
	case XFRMA_ALG_AUTH:
	case XFRMA_ALG_CRYPT:
	case XFRMA_ALG_AEAD:
	case XFRMA_ALG_AUTH_TRUNC:
	case XFRMA_ALG_COMP:
		w->algs++;
		break;
	default:
		break;
	}
	return MNL_CB_OK;
}

/* The attributes after the fixed header: every one well-framed (libmnl's
 * walk silently stops at the first that is not: we check it reached the
 * end) and the fixed-size ones long enough. 0 or -1. */
static int check_attrs(const struct nlmsghdr *nlh, size_t hdrlen, unsigned *algs)
{
	struct attr_walk w = {.end = (const char *)mnl_nlmsg_get_payload_offset(nlh, hdrlen)};
	const char *tail = mnl_nlmsg_get_payload_tail(nlh);

	if (mnl_attr_parse(nlh, (unsigned)hdrlen, attr_cb, &w) != MNL_CB_OK || w.bad)
		return -1;
	if (algs != NULL)
		*algs = w.algs;
	/* MNL_ALIGN of the last attribute may pass an unpadded tail. */
	return w.end >= tail ? 0 : -1;
}

static void set_addr(struct lsw_addr *a, uint16_t family, const xfrm_address_t *x)
{
	memset(a, 0, sizeof(*a));
	a->family = family;
	/* xfrm_address_t: an IPv4 address in its first 4 bytes. */
	if (family == AF_INET)
		memcpy(a->bytes, &x->a4, 4);
	else if (family == AF_INET6)
		memcpy(a->bytes, x->a6, 16);
}

static int push_sa(struct lsw_xfrm_decoder *d, const struct lsw_xfrm_sa *sa)
{
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 64;
		struct lsw_xfrm_sa *p;

		if (cap > SIZE_MAX / sizeof(*p))
			return -1;
		p = realloc(d->sas, cap * sizeof(*p));
		if (p == NULL)
			return -1;
		d->sas = p;
		d->cap = cap;
	}
	d->sas[d->n++] = *sa;
	return 0;
}

/* One XFRM_MSG_NEWSA. 0 (added or skipped as malformed), -1 memory. */
static int decode_sa(struct lsw_xfrm_decoder *d, const struct nlmsghdr *nlh)
{
	struct xfrm_usersa_info ui, *info = &ui;
	struct lsw_xfrm_sa sa;
	unsigned algs = 0;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*info) ||
	    check_attrs(nlh, sizeof(*info), &algs) < 0) {
		d->skipped++;
		return 0;
	}
	/* A copy: netlink aligns messages to 4 bytes only, and the struct
	 * has 64-bit counters (reading them in place is undefined). */
	memcpy(&ui, mnl_nlmsg_get_payload(nlh), sizeof(ui));
	if (info->family != AF_INET && info->family != AF_INET6) {
		d->skipped++;
		return 0;
	}
	memset(&sa, 0, sizeof(sa));
	sa.spi = ntohl(info->id.spi);
	sa.proto = info->id.proto;
	sa.mode = info->mode;
	set_addr(&sa.daddr, info->family, &info->id.daddr);
	set_addr(&sa.saddr, info->family, &info->saddr);
	sa.reqid = info->reqid;
	sa.bytes = info->curlft.bytes;
	sa.packets = info->curlft.packets;
	sa.add_time = info->curlft.add_time;
	sa.use_time = info->curlft.use_time;
	sa.replay_window = info->stats.replay_window;
	sa.replay = info->stats.replay;
	sa.integrity_failed = info->stats.integrity_failed;
	sa.larval = algs == 0;
	return push_sa(d, &sa);
}

/* An NLMSG_ERROR: 0 for an ACK (error 0), else LSW_XFRM_* with err. */
static int decode_error(const struct nlmsghdr *nlh, char *err, size_t errlen)
{
	const struct nlmsgerr *e;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e)) {
		snprintf(err, errlen, "truncated NLMSG_ERROR (%u bytes)", nlh->nlmsg_len);
		return LSW_XFRM_FAILED;
	}
	e = mnl_nlmsg_get_payload(nlh);
	if (e->error == 0)
		return 0;
	if (e->error == -EPERM) {
		snprintf(err, errlen, "XFRM: %s (needs CAP_NET_ADMIN)", strerror(EPERM));
		return LSW_XFRM_NOT_PERMITTED;
	}
	if (e->error == -EPROTONOSUPPORT || e->error == -EOPNOTSUPP) {
		snprintf(err, errlen, "XFRM: %s", strerror(-e->error));
		return LSW_XFRM_UNAVAILABLE;
	}
	if (e->error < 0 && e->error > -4096)
		snprintf(err, errlen, "XFRM: %s", strerror(-e->error));
	else
		snprintf(err, errlen, "XFRM: NLMSG_ERROR %d", e->error);
	return LSW_XFRM_FAILED;
}

/* The netlink framing of one datagram, shared with the monitor: calls
 * each(nlh, ctx) for every message; -1 with err when a message runs past
 * the datagram (or claims less than its own header). */
typedef int (*msg_fn)(const struct nlmsghdr *nlh, void *ctx, char *err, size_t errlen);

static int walk_msgs(const void *buf, size_t len, msg_fn each, void *ctx, char *err, size_t errlen)
{
	const struct nlmsghdr *nlh = buf;
	int left, rc;

	if (len > INT_MAX) {
		snprintf(err, errlen, "datagram of %zu bytes: too large", len);
		return LSW_XFRM_FAILED;
	}
	left = (int)len;
	while (mnl_nlmsg_ok(nlh, left)) {
		rc = each(nlh, ctx, err, errlen);
		if (rc != 0)
			return rc;
		nlh = mnl_nlmsg_next(nlh, &left);
	}
	if (left > 0) {
		size_t off = len - (size_t)left;

		if ((size_t)left < sizeof(struct nlmsghdr))
			snprintf(err, errlen, "truncated netlink header at byte %zu of %zu", off,
			         len);
		else
			snprintf(err, errlen,
			         "truncated netlink message at byte %zu of %zu (nlmsg_len %u)", off,
			         len, nlh->nlmsg_len);
		return LSW_XFRM_FAILED;
	}
	return 0;
}

/* 1 for NLMSG_DONE (stop), 0 to go on, < 0 error. */
static int feed_one(const struct nlmsghdr *nlh, void *ctx, char *err, size_t errlen)
{
	struct lsw_xfrm_decoder *d = ctx;

	switch (nlh->nlmsg_type) {
	case NLMSG_DONE:
		return 1;
	case NLMSG_ERROR:
		return decode_error(nlh, err, errlen);
	case NLMSG_NOOP:
		return 0;
	case XFRM_MSG_NEWSA:
		if (decode_sa(d, nlh) < 0) {
			snprintf(err, errlen, "out of memory after %zu SAs", d->n);
			return LSW_XFRM_FAILED;
		}
		return 0;
	default:
		d->skipped++;
		return 0;
	}
}

int lsw_xfrm_decoder_feed(struct lsw_xfrm_decoder *d, const void *buf, size_t len, char *err,
                          size_t errlen)
{
	return walk_msgs(buf, len, feed_one, d, err, errlen);
}

static int cmp_addr(const struct lsw_addr *a, const struct lsw_addr *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->bytes, b->bytes, sizeof(a->bytes));
}

/* (proto, spi) in one integer: the order of the sort and of the search. */
static uint64_t sa_key(uint8_t proto, uint32_t spi)
{
	return (uint64_t)proto << 32 | spi;
}

struct keyed {
	uint64_t key;
	const struct lsw_xfrm_sa *sa;
};

/* LSD radix sort of the 40-bit keys, 8 bits a pass: 5 passes over the
 * array, against qsort()'s ~16 comparisons through a function pointer per
 * SA (a third of the decode's time at 50,000 SAs). Stable. */
static void radix_sort(struct keyed *a, struct keyed *tmp, size_t n)
{
	for (unsigned shift = 0; shift < 40; shift += 8) {
		size_t count[257] = {0};

		for (size_t i = 0; i < n; i++)
			count[((a[i].key >> shift) & 0xff) + 1]++;
		/* All in one bucket (the proto pass, mostly): nothing moves. */
		if (count[((a[0].key >> shift) & 0xff) + 1] == n)
			continue;
		for (size_t b = 1; b < 257; b++)
			count[b] += count[b - 1];
		for (size_t i = 0; i < n; i++)
			tmp[count[(a[i].key >> shift) & 0xff]++] = a[i];
		memcpy(a, tmp, n * sizeof(*a));
	}
}

/* Sort d->sas by (proto, spi, daddr) and make the key index. 0 or -1. */
static int sort_sas(struct lsw_xfrm_decoder *d, struct lsw_xfrm_sa **sorted, uint64_t **keys)
{
	size_t n = d->n;
	struct keyed *a = malloc(n * sizeof(*a)), *tmp = malloc(n * sizeof(*tmp));
	struct lsw_xfrm_sa *out = malloc(n * sizeof(*out));
	uint64_t *k = malloc(n * sizeof(*k));

	if (a == NULL || tmp == NULL || out == NULL || k == NULL) {
		free(a);
		free(tmp);
		free(out);
		free(k);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		a[i].key = sa_key(d->sas[i].proto, d->sas[i].spi);
		a[i].sa = &d->sas[i];
	}
	radix_sort(a, tmp, n);
	/* Equal (proto, spi): the same SPI at several destinations, rare
	 * and few. Insertion sort of each run by daddr. */
	for (size_t i = 1; i < n; i++) {
		struct keyed x = a[i];
		size_t j = i;

		while (j > 0 && a[j - 1].key == x.key &&
		       cmp_addr(&a[j - 1].sa->daddr, &x.sa->daddr) > 0) {
			a[j] = a[j - 1];
			j--;
		}
		a[j] = x;
	}
	for (size_t i = 0; i < n; i++) {
		out[i] = *a[i].sa;
		k[i] = a[i].key;
	}
	free(a);
	free(tmp);
	*sorted = out;
	*keys = k;
	return 0;
}

struct lsw_xfrm_dump *lsw_xfrm_decoder_finish(struct lsw_xfrm_decoder *d)
{
	struct lsw_xfrm_dump *dump = calloc(1, sizeof(*dump));
	struct lsw_xfrm_sa *sorted = NULL;
	uint64_t *keys = NULL;

	if (dump == NULL)
		return NULL;
	if (d->n > 0 && sort_sas(d, &sorted, &keys) < 0) {
		free(dump);
		return NULL;
	}
	free(d->sas);
	dump->n = d->n;
	dump->sas = sorted;
	dump->keys = keys;
	dump->skipped = d->skipped;
	d->sas = NULL;
	d->n = d->cap = d->skipped = 0;
	return dump;
}

void lsw_xfrm_dump_free(struct lsw_xfrm_dump *dump)
{
	if (dump == NULL)
		return;
	free(dump->sas);
	free(dump->keys);
	free(dump);
}

/* Binary search on the key index (8 bytes an SA: 400 KB at 50,000 SAs,
 * in cache where the SAs themselves, 88 bytes each, are not), then the
 * SAs of that key in daddr order. daddr NULL: the first of them. */
const struct lsw_xfrm_sa *lsw_xfrm_find(const struct lsw_xfrm_dump *dump, uint8_t proto,
                                        uint32_t spi, const struct lsw_addr *daddr)
{
	uint64_t key = sa_key(proto, spi);
	size_t lo = 0, hi;

	if (dump == NULL || dump->n == 0)
		return NULL;
	hi = dump->n;
	while (lo < hi) { /* the lower bound */
		size_t mid = lo + (hi - lo) / 2;

		if (dump->keys[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < dump->n && dump->keys[lo] == key; lo++) {
		int c = daddr != NULL ? cmp_addr(daddr, &dump->sas[lo].daddr) : 0;

		if (c == 0)
			return &dump->sas[lo];
		if (c < 0)
			break;
	}
	return NULL;
}

/* Notifications --------------------------------------------------------- */

static int count_one(const struct nlmsghdr *nlh, void *ctx, char *err, size_t errlen)
{
	struct lsw_xfrm_events *ev = ctx;

	switch (nlh->nlmsg_type) {
	case XFRM_MSG_NEWSA:
	case XFRM_MSG_UPDSA:
		ev->new_sa++;
		break;
	case XFRM_MSG_DELSA:
		ev->del_sa++;
		break;
	case XFRM_MSG_EXPIRE:
		ev->expired++;
		break;
	default:
		ev->other++;
		break;
	}
	return 0;
}

int lsw_xfrm_events_count(const void *buf, size_t len, struct lsw_xfrm_events *ev, char *err,
                          size_t errlen)
{
	return walk_msgs(buf, len, count_one, ev, err, errlen) < 0 ? LSW_XFRM_FAILED : 0;
}
