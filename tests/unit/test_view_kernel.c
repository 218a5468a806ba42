/* test_view_kernel.c - what a view adds from the kernel and pluto's
 * counters (agent/view_kernel.c): pluto's IPsec SAs matched to the
 * kernel's by protocol, SPI and destination; packets per SA and per
 * connection across a rekey; the kernelSaMissing and kernelSaUnclaimed
 * events on the second poll that shows them, once; the last good values
 * kept when a dump fails; lsIkeStatTable in OID order; ikeFailuresRising.
 *
 * The status texts are real (tests/data/agent/uml-*: two plutos in UML
 * with real ESP); the kernel's side is built as XFRM_MSG_NEWSA messages
 * with the SPIs those texts print and fed through the decoder, as a dump
 * from the kernel would be. The decoder's own tests, on dumps recorded
 * from a real kernel, are test_xfrm.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/xfrm.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "globalstatus.h"
#include "mib_kernel.h"
#include "mib_table.h"
#include "view.h"
#include "testlib.h"

struct ksa {
	uint32_t spi;
	const char *dst;
	uint64_t packets, bytes;
	uint32_t replay, integrity;
	bool larval; /* no algorithm: an SPI reserved for a negotiation */
};

/* One datagram of NEWSA messages and NLMSG_DONE, through the decoder. */
static struct lsw_xfrm_dump *mk_dump(const struct ksa *sas, size_t n)
{
	/* the SA, then an XFRMA_ALG_AEAD with an empty key (none is needed) */
	size_t alg = NLA_ALIGN(NLA_HDRLEN + sizeof(struct xfrm_algo_aead));
	size_t per = NLMSG_ALIGN(NLMSG_LENGTH(NLA_ALIGN(sizeof(struct xfrm_usersa_info)) + alg));
	size_t len = n * per + NLMSG_ALIGN(NLMSG_LENGTH(sizeof(int)));
	char *buf = calloc(1, len), *p = buf;
	struct lsw_xfrm_decoder *d = lsw_xfrm_decoder_new();
	struct lsw_xfrm_dump *dump;
	struct nlmsghdr *h;
	char err[200];

	assert_non_null(buf);
	assert_non_null(d);
	for (size_t i = 0; i < n; i++, p += NLMSG_ALIGN(h->nlmsg_len)) {
		/* built here, copied in: netlink aligns messages to 4 bytes only,
		 * and the struct has 64-bit counters */
		struct xfrm_usersa_info u;
		char *data;

		memset(&u, 0, sizeof(u));
		h = (struct nlmsghdr *)p;
		h->nlmsg_len = NLMSG_LENGTH(NLA_ALIGN(sizeof(u)) + (sas[i].larval ? 0 : alg));
		h->nlmsg_type = XFRM_MSG_NEWSA;
		h->nlmsg_flags = NLM_F_MULTI;
		data = NLMSG_DATA(h);
		u.family = strchr(sas[i].dst, ':') ? AF_INET6 : AF_INET;
		assert_int_equal(inet_pton(u.family, sas[i].dst, &u.id.daddr), 1);
		u.id.spi = htonl(sas[i].spi);
		u.id.proto = IPPROTO_ESP;
		u.mode = XFRM_MODE_TUNNEL;
		u.curlft.packets = sas[i].packets;
		u.curlft.bytes = sas[i].bytes;
		u.curlft.add_time = 1795732086;
		u.stats.replay = sas[i].replay;
		u.stats.integrity_failed = sas[i].integrity;
		memcpy(data, &u, sizeof(u));
		if (!sas[i].larval) {
			struct nlattr *a = (struct nlattr *)(data + NLA_ALIGN(sizeof(u)));
			struct xfrm_algo_aead *aead =
			    (struct xfrm_algo_aead *)((char *)a + NLA_HDRLEN);

			a->nla_type = XFRMA_ALG_AEAD;
			a->nla_len = NLA_HDRLEN + sizeof(*aead);
			snprintf(aead->alg_name, sizeof(aead->alg_name), "rfc4106(gcm(aes))");
			aead->alg_icv_len = 128;
		}
	}
	h = (struct nlmsghdr *)p;
	h->nlmsg_len = NLMSG_LENGTH(sizeof(int));
	h->nlmsg_type = NLMSG_DONE;
	h->nlmsg_flags = NLM_F_MULTI;
	assert_int_equal(lsw_xfrm_decoder_feed(d, buf,
	                                       (size_t)(p - buf) + NLMSG_ALIGN(h->nlmsg_len), err,
	                                       sizeof(err)),
	                 1);
	dump = lsw_xfrm_decoder_finish(d);
	lsw_xfrm_decoder_free(d);
	free(buf);
	assert_non_null(dump);
	assert_int_equal(dump->n, n);
	return dump;
}

static struct lsw_globalstatus *gstat_file(const char *name)
{
	size_t n;
	char *text = testlib_slurp_data("globalstatus", name, &n), err[200];
	struct lsw_globalstatus *g = NULL;

	assert_int_equal(lsw_globalstatus_parse(text, n, &g, err, sizeof(err)), 0);
	free(text);
	return g;
}

/* A poll: the texts of tests/data/agent/<base>.west.{status,trafficstatus}.txt,
 * with dump (NULL: the dump failed) and gstat (may be NULL). */
static struct lsw_view *poll(struct lsw_view *prev, const char *base, struct lsw_xfrm_dump *dump,
                             struct lsw_globalstatus *gstat, unsigned ike_failures, uint64_t now)
{
	char name[128];
	char *st, *tr;
	struct lsw_poll_extra x;
	struct lsw_view *v;

	memset(&x, 0, sizeof(x));
	snprintf(name, sizeof(name), "%s.west", base);
	testlib_slurp_capture(name, &st, &tr);
	x.kernel_status = dump ? LSW_KERNEL_OK : LSW_KERNEL_FAILED;
	if (!dump)
		snprintf(x.kernel_error, sizeof(x.kernel_error), "test: the dump failed");
	x.dump = dump;
	x.ike_status = gstat ? LSW_IKESTAT_OK : LSW_IKESTAT_FAILED;
	x.gstat = gstat;
	x.ike_failures = ike_failures;
	x.ike_holdoff = 300;
	v = lsw_view_new_ext(testlib_feed(st, tr), &x, prev, now);
	free(st);
	free(tr);
	assert_non_null(v);
	/* taken over */
	assert_null(x.dump);
	assert_null(x.gstat);
	return v;
}

static const struct lsw_sa_kernel *sak(const struct lsw_view *v, uint32_t serial)
{
	const struct lsw_child_sa *sa = lsw_snapshot_find_child_sa(v->snap, serial);

	assert_non_null(sa);
	return lsw_view_sa_kernel(v, sa);
}

static const struct lsw_conn_row *row(const struct lsw_view *v, const char *name)
{
	oid idx[LSW_CONN_INDEX_MAX];
	int n = lsw_mib_conn_index(idx, name, "");

	assert_true(n > 0);
	return lsw_view_conn(v, idx, (size_t)n, false);
}

/* The dump of uml-03-up on west: every SA both ways (SPIs as the status
 * prints them), but the outbound SA of #9 (v2-transport), and one ESP SA
 * pluto does not know, and one SPI reserved for a negotiation (no
 * algorithm yet), which is not no one's. */
static struct lsw_xfrm_dump *dump_03(uint64_t k)
{
	const struct ksa sas[] = {
	    {0xd34e9212, "192.0.2.1", 10 * k, 1000 * k, 0, 0, false}, /* #10 v1-tunnel in */
	    {0x637aa197, "192.0.2.2", 11 * k, 1100 * k, 0, 0, false}, /* #10 out */
	    {0xcbecb445, "192.0.2.1", 0, 0, 0, 0, false},             /* #11 v2-rw[1] in */
	    {0x905035bf, "192.0.2.3", 0, 0, 0, 0, false},             /* #11 out */
	    {0x7e63c85d, "192.0.2.1", 4, 64, 0, 0, false},            /* #9 in; out missing */
	    {0xf2202e6e, "192.0.2.1", 3 * k, 252, 2, 1, false},       /* #3 v2-tunnel in */
	    {0x9c0d9e2f, "192.0.2.2", 3 * k, 252, 0, 0, false},       /* #3 out */
	    {0x0c5ad175, "2001:db8:0:1::1", 5, 520, 0, 0, false},     /* #8 v6-tunnel in */
	    {0x75cbb37e, "2001:db8:0:1::2", 6, 624, 0, 0, false},     /* #8 out */
	    {0xdeadbeef, "192.0.2.9", 1, 100, 0, 0, false},           /* no one's */
	    {0x00abcdef, "192.0.2.1", 0, 0, 0, 0, true},              /* reserved: not no one's */
	};
	return mk_dump(sas, sizeof(sas) / sizeof(sas[0]));
}

static void test_match_and_events(void **state)
{
	struct lsw_view *v1, *v2, *v3, *v4;
	const struct lsw_sa_kernel *k;

	v1 = poll(NULL, "uml-03-up", dump_03(1), NULL, 5, 100);
	assert_int_equal(v1->kernel_status, LSW_KERNEL_OK);
	assert_int_equal(v1->n_kernel_sas, 11);
	assert_int_equal(sak(v1, 8)->state, LSW_SAK_PRESENT); /* over IPv6 */
	assert_int_equal(sak(v1, 8)->out_pkts, 6);
	k = sak(v1, 10);
	assert_int_equal(k->state, LSW_SAK_PRESENT);
	assert_true(k->has_in && k->has_out);
	assert_int_equal(k->in_pkts, 10);
	assert_int_equal(k->out_pkts, 11);
	k = sak(v1, 3);
	assert_int_equal(k->replay, 2);
	assert_int_equal(k->integrity_failed, 1);
	/* v2-rw[1]: outbound SA to the peer of the instance (192.0.2.3) */
	assert_int_equal(sak(v1, 11)->state, LSW_SAK_PRESENT);
	k = sak(v1, 9);
	assert_int_equal(k->state, LSW_SAK_MISSING);
	assert_true(k->has_in);
	assert_false(k->has_out);
	assert_int_equal(k->missing_polls, 1);
	assert_int_equal(v1->n_missing, 1);
	/* seen once: not yet an event */
	assert_int_equal(v1->n_unclaimed_keys, 1);
	assert_int_equal(v1->n_unclaimed, 0);
	assert_int_equal(v1->n_kevents, 0);
	assert_true(row(v1, "v1-tunnel")->has_pkts);
	assert_int_equal(row(v1, "v1-tunnel")->in_pkts, 10);
	assert_int_equal(row(v1, "v1-tunnel")->out_pkts, 11);

	/* the second poll that shows them: one event each */
	v2 = poll(v1, "uml-03-up", dump_03(2), NULL, 5, 200);
	assert_int_equal(v2->n_kevents, 2);
	assert_int_equal(v2->kevents[0].type, LSW_EV_KERNEL_SA_MISSING);
	assert_int_equal(v2->kevents[0].sa->sa.serial, 9);
	assert_non_null(
	    strstr(v2->kevents[0].text, "7e63c85d (in) present, eda63d05 (out) missing"));
	assert_int_equal(v2->kevents[1].type, LSW_EV_KERNEL_SA_UNCLAIMED);
	assert_int_equal(v2->kevents[1].unclaimed, 1);
	assert_non_null(strstr(v2->kevents[1].text, "ESP SPI deadbeef to 192.0.2.9"));
	assert_int_equal(v2->n_unclaimed, 1);
	assert_int_equal(row(v2, "v1-tunnel")->in_pkts, 20);
	lsw_view_free(v1);

	/* the third: nothing new to tell */
	v3 = poll(v2, "uml-03-up", dump_03(3), NULL, 5, 300);
	assert_int_equal(v3->n_kevents, 0);
	assert_int_equal(sak(v3, 9)->missing_polls, 3);
	assert_int_equal(sak(v3, 10)->in_pkts, 30);
	lsw_view_free(v2);

	/* the dump fails: the last values stay, the status says so */
	v4 = poll(v3, "uml-03-up", NULL, NULL, 5, 400);
	assert_int_equal(v4->kernel_status, LSW_KERNEL_FAILED);
	assert_string_equal(v4->kernel_error, "test: the dump failed");
	assert_int_equal(sak(v4, 10)->in_pkts, 30);
	assert_int_equal(sak(v4, 9)->state, LSW_SAK_MISSING);
	assert_int_equal(v4->n_kernel_sas, 11);
	assert_int_equal(v4->n_unclaimed, 1);
	assert_int_equal(row(v4, "v1-tunnel")->in_pkts, 30);
	assert_int_equal(v4->n_kevents, 0);
	lsw_view_free(v3);
	lsw_view_free(v4);
}

/* Without a dump ever: no kernel columns at all (not zeros). */
static void test_no_kernel(void **state)
{
	struct lsw_view *v = poll(NULL, "uml-03-up", NULL, NULL, 5, 100);

	assert_null(v->sa_kernel);
	assert_null(sak(v, 10));
	assert_false(row(v, "v1-tunnel")->has_pkts);
	lsw_view_free(v);
}

/* v2-tunnel: #3 (03), rekeyed to #13 with #3 still there (04), both gone
 * when terminated (05): packets go on from the last counts, one rekey. */
static void test_rekey_packets(void **state)
{
	const struct ksa s03[] = {{0xf2202e6e, "192.0.2.1", 10, 0, 0, 0, false},
	                          {0x9c0d9e2f, "192.0.2.2", 20, 0, 0, 0, false}};
	const struct ksa s04[] = {{0xf2202e6e, "192.0.2.1", 12, 0, 0, 0, false},
	                          {0x9c0d9e2f, "192.0.2.2", 22, 0, 0, 0, false},
	                          {0x132eee4d, "192.0.2.1", 1, 0, 0, 0, false},
	                          {0x46896d41, "192.0.2.2", 2, 0, 0, 0, false}};
	struct lsw_view *v1, *v2, *v3;
	const struct lsw_conn_row *r;

	v1 = poll(NULL, "uml-03-up", mk_dump(s03, 2), NULL, 5, 100);
	r = row(v1, "v2-tunnel");
	assert_int_equal(r->in_pkts, 10);
	assert_int_equal(r->out_pkts, 20);
	assert_int_equal(r->ipsec_rekeys, 0);
	v2 = poll(v1, "uml-04-rekeyed", mk_dump(s04, 4), NULL, 5, 200);
	r = row(v2, "v2-tunnel");
	assert_int_equal(r->in_pkts, 13);
	assert_int_equal(r->out_pkts, 24);
	assert_int_equal(r->ipsec_rekeys, 1);
	lsw_view_free(v1);
	v3 = poll(v2, "uml-05-terminated", mk_dump(NULL, 0), NULL, 5, 300);
	r = row(v3, "v2-tunnel");
	assert_non_null(r);
	assert_int_equal(r->n_children, 0);
	assert_int_equal(r->in_pkts, 13);
	assert_int_equal(r->out_pkts, 24);
	assert_int_equal(r->ipsec_rekeys, 1);
	/* the SAs pluto still has and the kernel has not: missing */
	assert_int_equal(sak(v3, 10)->state, LSW_SAK_MISSING);
	lsw_view_free(v2);
	lsw_view_free(v3);
}

/* lsIkeStatTable: every total.* counter, in OID order (length first); a
 * GET by the encoded name; 2 failed authentications between two polls
 * raise ikeFailuresRising above a threshold of 1, not of 2. */
static void test_ike_counters(void **state)
{
	struct lsw_view *v1, *v2, *v3;
	oid name[MAX_OID_LEN], last[MAX_OID_LEN];
	size_t len, last_len = 0, rows = 0, want = 0;
	struct lsw_value val;
	const oid start[] = {LSW_OID_IKESTAT_ENTRY, LSW_NSTAT_VALUE};
	static const char fail[] = "total.ike.ikev2.failed";
	oid idx[64];

	v1 = poll(NULL, "uml-03-up", NULL, gstat_file("real-4.10-ns-03-up.west.txt"), 1, 100);
	assert_int_equal(v1->ike_status, LSW_IKESTAT_OK);
	assert_int_equal(v1->ike_since, 100);
	for (size_t i = 0; i < v1->gstat->n; i++)
		want += strncmp(v1->gstat->items[i].name, "total.", 6) == 0;
	assert_int_equal(v1->n_gstat_rows, want);
	assert_true(want > 100);
	memcpy(name, start, sizeof(start));
	len = OID_LENGTH(start);
	while (lsw_table_answer(&lsw_ikestat_table_ops, v1, name, len, LSW_NSTAT_VALUE, true, name,
	                        &len, &val) == 0 &&
	       name[OID_LENGTH(start) - 1] == LSW_NSTAT_VALUE) {
		if (last_len)
			assert_true(lsw_oid_cmp(last, last_len, name, len) < 0);
		memcpy(last, name, len * sizeof(oid));
		last_len = len;
		rows++;
	}
	assert_int_equal(rows, want);
	idx[0] = strlen(fail);
	for (size_t i = 0; i < idx[0]; i++)
		idx[i + 1] = (unsigned char)fail[i];
	assert_true(lsw_view_gstat(v1, idx, idx[0] + 1, false) >= 0);

	v2 = poll(v1, "uml-03-up", NULL, gstat_file("real-4.10-ns-09-authfailed.west.txt"), 1, 200);
	assert_int_equal(v2->n_kevents, 1);
	assert_int_equal(v2->kevents[0].type, LSW_EV_IKE_FAILURES);
	assert_int_equal(v2->kevents[0].v2_failed, 2);
	assert_non_null(strstr(v2->kevents[0].text, "2 IKE negotiations failed"));
	assert_non_null(strstr(v2->kevents[0].text, "v2 recv AUTHENTICATION_FAILED+2"));
	assert_int_equal(v2->ike_alarm_at, 200);
	assert_int_equal(v2->ike_since, 100);
	lsw_view_free(v2);

	/* threshold 2: 2 failures are not more than 2 */
	v2 = poll(v1, "uml-03-up", NULL, gstat_file("real-4.10-ns-09-authfailed.west.txt"), 2, 200);
	assert_int_equal(v2->n_kevents, 0);
	/* --globalstatus failed: the last values stay */
	v3 = poll(v2, "uml-03-up", NULL, NULL, 1, 300);
	assert_int_equal(v3->ike_status, LSW_IKESTAT_FAILED);
	assert_non_null(v3->gstat);
	assert_true(lsw_view_gstat(v3, idx, idx[0] + 1, false) >= 0);
	lsw_view_free(v1);
	lsw_view_free(v2);
	lsw_view_free(v3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_match_and_events),
	    cmocka_unit_test(test_no_kernel),
	    cmocka_unit_test(test_rekey_packets),
	    cmocka_unit_test(test_ike_counters),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
