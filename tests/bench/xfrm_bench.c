/* xfrm_bench.c - what the kernel source adds to a poll: the decode, sort
 * and lookups of an XFRM dump, against the parse of pluto's status of the
 * same tunnels (issue 13: under 10% of the agent's CPU per poll).
 *
 *   xfrm_bench -d tests/data/xfrm/dump.bin -s STATUS -t TRAFFIC [-r ROUNDS]
 *
 * STATUS and TRAFFIC: tests/bench/gen-status output (run-bench makes them).
 * They are parsed as a poll does (lsw_feed_parse()). The dump is built
 * from a NEWSA recorded from a real kernel (an ESP SA of dump.bin, keys
 * zeroed): one copy per SA of the parsed Child SAs, each with that Child
 * SA's SPI and destination, packed into 32 KiB datagrams as the kernel
 * sends a dump. Then, in one run, for each of
 *   1 kernel SA per Child SA  (the inbound ones: N Child SAs, N SAs)
 *   2 kernel SAs per Child SA (inbound and outbound, what a gateway holds)
 * the CPU time of: feeding every datagram to the decoder, the sort
 * (lsw_xfrm_decoder_finish()), and one lsw_xfrm_find() per SA (the agent
 * joins each Child SA's SPIs with the dump), best of ROUNDS, rounds
 * interleaved with the status parse so that load on the machine hits both.
 *
 * Not measured: the kernel's side of the dump (walking its SA table and
 * copying into the socket), nor the agent's whack processes, which make a
 * poll cost more than the parse: the parse is the smaller denominator.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <linux/xfrm.h>

#include "feed.h"
#include "kernel/xfrm.h"
#include "snapshot.h"

#define DGRAM_MAX 32768

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0) {
		perror(path);
		exit(1);
	}
	rewind(f);
	buf = malloc((size_t)n + 1);
	if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		perror(path);
		exit(1);
	}
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* The first ESP NEWSA of a recorded dump (4-byte length framing). */
static void template_msg(const char *path, unsigned char *out, size_t *outlen)
{
	size_t len, off = 0;
	unsigned char *file = (unsigned char *)slurp(path, &len);

	while (off + 4 <= len) {
		size_t n = (size_t)file[off] << 24 | (size_t)file[off + 1] << 16 |
		           (size_t)file[off + 2] << 8 | file[off + 3];
		size_t m = 0;

		off += 4;
		if (n > len - off)
			break;
		while (m + sizeof(struct nlmsghdr) <= n) {
			const struct nlmsghdr *nlh = (const void *)(file + off + m);
			struct xfrm_usersa_info ui; /* a copy: 4-byte aligned in the file */

			if (nlh->nlmsg_len < NLMSG_HDRLEN || nlh->nlmsg_len > n - m)
				break;
			if (nlh->nlmsg_type == XFRM_MSG_NEWSA &&
			    nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(ui)) && nlh->nlmsg_len <= 4096 &&
			    memcpy(&ui, file + off + m + NLMSG_HDRLEN, sizeof(ui)) &&
			    ui.id.proto == IPPROTO_ESP) {
				memcpy(out, nlh, nlh->nlmsg_len);
				*outlen = nlh->nlmsg_len;
				free(file);
				return;
			}
			m += NLMSG_ALIGN(nlh->nlmsg_len);
		}
		off += n;
	}
	fprintf(stderr, "xfrm_bench: no ESP NEWSA in %s\n", path);
	exit(1);
}

struct dump_in {
	size_t n_dgrams, n_sas;
	unsigned char **dgram;
	size_t *len;
	/* What the agent would look up: one per SA. */
	uint32_t *spi;
	struct lsw_addr *daddr;
};

static void add_sa(struct dump_in *d, const unsigned char *tmpl, size_t tlen, uint32_t spi,
                   const struct lsw_addr *daddr)
{
	size_t cur = d->n_dgrams - 1;
	struct nlmsghdr *nlh;
	struct xfrm_usersa_info ui, *p = &ui;

	if (d->len[cur] + NLMSG_ALIGN(tlen) + NLMSG_LENGTH(sizeof(int)) > DGRAM_MAX) {
		cur = d->n_dgrams++;
		d->dgram[cur] = malloc(DGRAM_MAX);
		d->len[cur] = 0;
	}
	nlh = (struct nlmsghdr *)(d->dgram[cur] + d->len[cur]);
	memcpy(nlh, tmpl, tlen);
	/* Edited in a copy: messages are only 4-byte aligned. */
	memcpy(&ui, NLMSG_DATA(nlh), sizeof(ui));
	p->id.spi = htonl(spi);
	p->family = (uint16_t)daddr->family;
	memset(&p->id.daddr, 0, sizeof(p->id.daddr));
	memcpy(&p->id.daddr, daddr->bytes, daddr->family == AF_INET ? 4 : 16);
	p->curlft.bytes = spi;
	memcpy(NLMSG_DATA(nlh), &ui, sizeof(ui));
	d->len[cur] += NLMSG_ALIGN(tlen);
	d->spi[d->n_sas] = spi;
	d->daddr[d->n_sas] = *daddr;
	d->n_sas++;
}

/* per_child 1: the inbound SA of each Child SA; 2: inbound and outbound. */
static void build_dump(struct dump_in *d, const struct lsw_snapshot *snap,
                       const unsigned char *tmpl, size_t tlen, int per_child)
{
	size_t max = 2 * snap->n_child_sas + 1;
	struct lsw_addr local;
	struct nlmsghdr *done;

	memset(d, 0, sizeof(*d));
	memset(&local, 0, sizeof(local));
	local.family = AF_INET;
	inet_pton(AF_INET, "198.51.100.1", local.bytes);    /* gen-status's LOCAL */
	d->dgram = calloc(max / 40 + 2, sizeof(*d->dgram)); /* >= 40 messages a datagram */
	d->len = calloc(max / 40 + 2, sizeof(*d->len));
	d->spi = calloc(max, sizeof(*d->spi));
	d->daddr = calloc(max, sizeof(*d->daddr));
	d->dgram[0] = malloc(DGRAM_MAX);
	d->n_dgrams = 1;
	for (size_t i = 0; i < snap->n_child_sas; i++) {
		const struct lsw_child_sa *c = &snap->child_sas[i];
		struct lsw_addr peer = c->sa.peer_addr;

		if (!c->esp.present)
			continue;
		if (peer.family != AF_INET && peer.family != AF_INET6) {
			peer.family = AF_INET;
			memcpy(peer.bytes, &(uint32_t){htonl(0x64400000u + (uint32_t)i)}, 4);
		}
		add_sa(d, tmpl, tlen, c->esp.in, &local);
		if (per_child == 2)
			add_sa(d, tmpl, tlen, c->esp.out, &peer);
	}
	done = (struct nlmsghdr *)(d->dgram[d->n_dgrams - 1] + d->len[d->n_dgrams - 1]);
	memset(done, 0, NLMSG_LENGTH(sizeof(int)));
	done->nlmsg_type = NLMSG_DONE;
	done->nlmsg_len = NLMSG_LENGTH(sizeof(int));
	d->len[d->n_dgrams - 1] += done->nlmsg_len;
}

static void free_dump(struct dump_in *d)
{
	for (size_t i = 0; i < d->n_dgrams; i++)
		free(d->dgram[i]);
	free(d->dgram);
	free(d->len);
	free(d->spi);
	free(d->daddr);
}

struct xfrm_times {
	double copy, decode, sort, find;
};

/* The agent receives each datagram into one buffer and decodes it there,
 * while it is in cache: copy each into rbuf, as recv() does, and feed it.
 * The copy alone is timed apart and subtracted (it is the kernel's, in the
 * agent's system time; shown as recv_ms). */
static void run_xfrm(const struct dump_in *in, unsigned char *rbuf, struct xfrm_times *t)
{
	struct lsw_xfrm_decoder *dec = lsw_xfrm_decoder_new();
	struct lsw_xfrm_dump *dump;
	char err[256];
	double t0, t1, t2, t3, tc;
	size_t found = 0;

	tc = cpu_now();
	for (size_t i = 0; i < in->n_dgrams; i++)
		memcpy(rbuf, in->dgram[i], in->len[i]);
	t0 = cpu_now();
	for (size_t i = 0; i < in->n_dgrams; i++) {
		memcpy(rbuf, in->dgram[i], in->len[i]);
		if (lsw_xfrm_decoder_feed(dec, rbuf, in->len[i], err, sizeof(err)) < 0) {
			fprintf(stderr, "xfrm_bench: %s\n", err);
			exit(1);
		}
	}
	t1 = cpu_now();
	dump = lsw_xfrm_decoder_finish(dec);
	t2 = cpu_now();
	for (size_t i = 0; i < in->n_sas; i++)
		found += lsw_xfrm_find(dump, IPPROTO_ESP, in->spi[i], &in->daddr[i]) != NULL;
	t3 = cpu_now();
	if (dump->n != in->n_sas || found != in->n_sas || dump->skipped != 0) {
		fprintf(stderr, "xfrm_bench: %zu SAs decoded, %zu found, of %zu\n", dump->n, found,
		        in->n_sas);
		exit(1);
	}
	lsw_xfrm_dump_free(dump);
	lsw_xfrm_decoder_free(dec);
	t->copy = t0 - tc;
	t->decode = t1 - t0 - t->copy;
	t->sort = t2 - t1;
	t->find = t3 - t2;
}

static double run_parse(const char *s, size_t slen, const char *tr, size_t trlen,
                        struct lsw_snapshot **keep)
{
	struct lsw_snapshot *snap = NULL;
	char err[256];
	double t0 = cpu_now(), t1;

	if (lsw_feed_parse(s, slen, tr, trlen, &snap, err, sizeof(err)) != 0) {
		fprintf(stderr, "xfrm_bench: parse: %s\n", err);
		exit(1);
	}
	t1 = cpu_now();
	if (keep != NULL && *keep == NULL)
		*keep = snap;
	else
		lsw_snapshot_free(snap);
	return t1 - t0;
}

int main(int argc, char **argv)
{
	const char *dpath = "tests/data/xfrm/dump.bin", *spath = NULL, *tpath = NULL;
	unsigned char tmpl[4096];
	size_t tlen, slen, trlen;
	struct lsw_snapshot *snap = NULL;
	unsigned char *rbuf = malloc(DGRAM_MAX);
	struct dump_in in[2];
	struct xfrm_times best[2];
	double parse_best = 1e9;
	int rounds = 5, opt;
	char *s, *tr;

	while ((opt = getopt(argc, argv, "d:s:t:r:")) != -1) {
		switch (opt) {
		case 'd':
			dpath = optarg;
			break;
		case 's':
			spath = optarg;
			break;
		case 't':
			tpath = optarg;
			break;
		case 'r':
			rounds = atoi(optarg);
			break;
		default:
			goto usage;
		}
	}
	if (spath == NULL || tpath == NULL || rounds < 1)
		goto usage;
	template_msg(dpath, tmpl, &tlen);
	s = slurp(spath, &slen);
	tr = slurp(tpath, &trlen);
	parse_best = run_parse(s, slen, tr, trlen, &snap);
	for (int k = 0; k < 2; k++) {
		build_dump(&in[k], snap, tmpl, tlen, k + 1);
		best[k].copy = best[k].decode = best[k].sort = best[k].find = 1e9;
	}
	for (int r = 0; r < rounds; r++) {
		double p = run_parse(s, slen, tr, trlen, NULL);

		if (p < parse_best)
			parse_best = p;
		for (int k = 0; k < 2; k++) {
			struct xfrm_times t;

			run_xfrm(&in[k], rbuf, &t);
			/* Best of each step: they vary apart. */
			if (t.copy < best[k].copy)
				best[k].copy = t.copy;
			if (t.decode < best[k].decode)
				best[k].decode = t.decode;
			if (t.sort < best[k].sort)
				best[k].sort = t.sort;
			if (t.find < best[k].find)
				best[k].find = t.find;
		}
	}
	printf("status: %zu Child SAs (%zu with ESP SPIs), %.1f MB status+traffic: parse %.1f ms "
	       "(best of %d)\n",
	       snap->n_child_sas, in[0].n_sas, (double)(slen + trlen) / 1048576, parse_best * 1e3,
	       rounds + 1);
	printf("%-23s %6s %6s %5s %7s %9s %7s %7s %8s %6s\n", "kernel SAs", "SAs", "dgrams", "MB",
	       "recv_ms", "decode_ms", "sort_ms", "find_ms", "total_ms", "ratio");
	for (int k = 0; k < 2; k++) {
		double total = best[k].decode + best[k].sort + best[k].find;
		size_t bytes = 0;

		for (size_t i = 0; i < in[k].n_dgrams; i++)
			bytes += in[k].len[i];
		printf("%-23s %6zu %6zu %5.1f %7.2f %9.2f %7.2f %7.2f %8.2f %6.3f\n",
		       k == 0 ? "1 per Child SA (in)" : "2 per Child SA (in+out)", in[k].n_sas,
		       in[k].n_dgrams, (double)bytes / 1048576, best[k].copy * 1e3,
		       best[k].decode * 1e3, best[k].sort * 1e3, best[k].find * 1e3, total * 1e3,
		       total / parse_best);
		free_dump(&in[k]);
	}
	printf("ratio = (decode + sort + one find per SA) CPU / status parse CPU; target < 0.10\n"
	       "recv_ms: copying the datagrams (what recv() costs beyond the kernel's own dump "
	       "work), not in the ratio\n");
	free(rbuf);
	lsw_snapshot_free(snap);
	free(s);
	free(tr);
	return 0;
usage:
	fprintf(stderr, "usage: xfrm_bench [-d dump.bin] -s STATUS -t TRAFFIC [-r ROUNDS]\n");
	return 2;
}
