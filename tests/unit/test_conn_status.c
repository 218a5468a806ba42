/* test_conn_status.c - what an NMS reads of a connection besides its SAs
 * (issue 11): lsConnKind and lsConnAdminStatus from real status lines of
 * libreswan 3.32, 4.10 and 5.4 (../shared/corpus, file named per case);
 * lsConnOperStatus notApplicable(4) for templates and unknown(5) once the
 * collector is declared failed; lsConnDisplayName and the readable index
 * columns; TimeStamps against the master's uptime; when connections and
 * SAs were created, across polls and a pluto restart. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feed.h"
#include "mib_table.h"
#include "parser.h"
#include "view.h"
#include "testlib.h"

struct kind_case {
	const char *file; /* where the lines come from */
	const char *text;
	const char *name, *inst;
	enum lsw_conn_kind kind;
	enum lsw_conn_admin admin;
};

#define RW3_L "192.1.2.23/32===192.1.2.23<192.1.2.23>[@east]"
#define ROAD4 "0.0.0.0/0===192.1.3.209[@road]---192.1.3.254...192.1.2.23[@east]"
#define POL4  "IKEv2+RSASIG+ECDSA+RSASIG_v1_5+ENCRYPT+TUNNEL+PFS+"

static const struct kind_case kind_cases[] = {
    /* 3.32: +UP is auto=start */
    {"v3.32/delete-sa-03__west__2.txt",
     "000 \"west-east\": 192.1.2.45<192.1.2.45>[@west]...192.1.2.23<192.1.2.23>[@east]; "
     "erouted; eroute owner: #2\n"
     "000 \"west-east\":   policy: "
     "RSASIG+ENCRYPT+TUNNEL+PFS+UP+IKEV1_ALLOW+SAREF_TRACK+IKE_FRAG_ALLOW+ESN_NO;\n",
     "west-east", "", LSW_KIND_PERMANENT, LSW_ADMIN_START},
    /* 3.32: auto=route has no policy bit, only the routing */
    {"v3.32/delete-sa-03__east__2.txt",
     "000 \"west-east\": 192.1.2.23<192.1.2.23>[@east]...192.1.2.45<192.1.2.45>[@west]; "
     "prospective erouted; eroute owner: #0\n"
     "000 \"west-east\":   policy: "
     "RSASIG+ENCRYPT+TUNNEL+PFS+IKEV1_ALLOW+SAREF_TRACK+IKE_FRAG_ALLOW+ESN_NO;\n",
     "west-east", "", LSW_KIND_PERMANENT, LSW_ADMIN_ONDEMAND},
    /* 3.32: a road-warrior template (%any) and its instance (IDs shortened) */
    {"v3.32/ikev2-hostpair-01__east__1.txt",
     "000 \"roadnet-eastnet-ipv4-psk-ikev2\": " RW3_L "...%any[%fromcert,+MC+S=C]; unrouted; "
     "eroute owner: #0\n"
     "000 \"roadnet-eastnet-ipv4-psk-ikev2\":   policy: "
     "RSASIG+ECDSA+ENCRYPT+TUNNEL+PFS+IKEV2_ALLOW+IKEV2_ALLOW_NARROWING+SAREF_TRACK+IKE_FRAG_"
     "ALLOW+ESN_NO+RSASIG_v1_5;\n",
     "roadnet-eastnet-ipv4-psk-ikev2", "", LSW_KIND_TEMPLATE, LSW_ADMIN_ADD},
    {"v3.32/ikev2-hostpair-01__east__1.txt",
     "000 \"roadnet-eastnet-ipv4-psk-ikev2\"[1]: " RW3_L "...192.1.2.254[@road]===192.0.2.1/32; "
     "erouted; eroute owner: #4\n"
     "000 \"roadnet-eastnet-ipv4-psk-ikev2\"[1]:   policy: "
     "RSASIG+ECDSA+ENCRYPT+TUNNEL+PFS+IKEV2_ALLOW+IKEV2_ALLOW_NARROWING+SAREF_TRACK+IKE_FRAG_"
     "ALLOW+ESN_NO+RSASIG_v1_5;\n",
     "roadnet-eastnet-ipv4-psk-ikev2", "[1]", LSW_KIND_INSTANCE, LSW_ADMIN_ADD},
    /* 4.10: the same words with IKEv1+ first */
    {"v4.10/delete-sa-03__east__2.txt",
     "000 \"west-east\": 192.1.2.23[@east]...192.1.2.45[@west]; prospective erouted; eroute "
     "owner: #0\n"
     "000 \"west-east\":   policy: "
     "IKEv1+RSASIG+ENCRYPT+TUNNEL+PFS+IKE_FRAG_ALLOW+ESN_NO+ESN_YES;\n",
     "west-east", "", LSW_KIND_PERMANENT, LSW_ADMIN_ONDEMAND},
    {"v4.10/delete-sa-03__west__2.txt",
     "000 \"west-east\": 192.1.2.45[@west]...192.1.2.23[@east]; erouted; eroute owner: #2\n"
     "000 \"west-east\":   policy: "
     "IKEv1+RSASIG+ENCRYPT+TUNNEL+PFS+UP+IKE_FRAG_ALLOW+ESN_NO+ESN_YES;\n",
     "west-east", "", LSW_KIND_PERMANENT, LSW_ADMIN_START},
    /* 4.10: a template is known by its instances, whatever its peer */
    {"v4.10/ikev2-41-rw-replace__road__1.txt",
     "000 \"road-east-x509-ipv4\": " ROAD4 "===0.0.0.0/0; unrouted; eroute owner: #0\n"
     "000 \"road-east-x509-ipv4\":   policy: " POL4
     "IKEV2_ALLOW_NARROWING+IKE_FRAG_ALLOW+ESN_NO+ESN_YES;\n"
     "000 \"road-east-x509-ipv4\"[1]: " ROAD4 "===0.0.0.0/0; erouted; eroute owner: #2\n"
     "000 \"road-east-x509-ipv4\"[1]:   policy: " POL4
     "UP+IKEV2_ALLOW_NARROWING+IKE_FRAG_ALLOW+ESN_NO+ESN_YES;\n",
     "road-east-x509-ipv4", "", LSW_KIND_TEMPLATE, LSW_ADMIN_ADD},
    {"v4.10/ikev2-41-rw-replace__road__1.txt",
     "000 \"road-east-x509-ipv4\": " ROAD4 "===0.0.0.0/0; unrouted; eroute owner: #0\n"
     "000 \"road-east-x509-ipv4\"[1]: " ROAD4 "===0.0.0.0/0; erouted; eroute owner: #2\n"
     "000 \"road-east-x509-ipv4\"[1]:   policy: " POL4
     "UP+IKEV2_ALLOW_NARROWING+IKE_FRAG_ALLOW+ESN_NO+ESN_YES;\n",
     "road-east-x509-ipv4", "[1]", LSW_KIND_INSTANCE, LSW_ADMIN_START},
    /* 4.10: an opportunistic group, routed (GROUTED) */
    {"v4.10/ikev2-systemrole-04-mesh__east__2.txt",
     "000 \"private\": 192.1.2.23[@east]---192.1.2.254...%opportunisticgroup[%fromcert]; "
     "unrouted; eroute owner: #0\n"
     "000 \"private\":   policy: " POL4
     "OPPORTUNISTIC+GROUP+GROUTED+IKE_FRAG_ALLOW+ESN_NO+ESN_YES+failureDROP;\n",
     "private", "", LSW_KIND_TEMPLATE, LSW_ADMIN_ONDEMAND},
    /* 5.4: +ROUTE for auto=route / ondemand */
    {"v5.4/basic-pluto-13-xfrm-ondemand__west__1.txt",
     "\"westnet-eastnet-route\": 192.0.1.0/24===192.1.2.45[@west]...192.1.2.23[@east]===192.0.2.0/"
     "24; routed-ondemand; my_ip=unset; their_ip=unset;\n"
     "\"westnet-eastnet-route\":   policy: "
     "IKEv1+RSASIG+ENCRYPT+TUNNEL+PFS+ROUTE+IKE_FRAG_ALLOW+ESN_NO+ESN_YES;\n",
     "westnet-eastnet-route", "", LSW_KIND_PERMANENT, LSW_ADMIN_ONDEMAND},
    {"v5.4/crossing-streams-12-ikev2-permanent-ike-auth-west__west__3.txt",
     "\"east-west\": 192.1.2.45[@west]...192.1.2.23[@east]; routed-tunnel; my_ip=unset; "
     "their_ip=unset;\n"
     "\"east-west\":   policy: IKEv2+PSK+ENCRYPT+TUNNEL+PFS+UP+IKE_FRAG_ALLOW+ESN_NO+ESN_YES;\n",
     "east-west", "", LSW_KIND_PERMANENT, LSW_ADMIN_START},
    /* 5.4: a %any template with no instance yet; "; +rKOD" after the policy */
    {"v5.4/ikev2-55-ipseckey-08__east__1.txt",
     "\"east-any\": 192.1.2.23...%any; unrouted; my_ip=unset; their_ip=unset;\n"
     "\"east-any\":   policy: " POL4 "IKE_FRAG_ALLOW+ESN_NO+ESN_YES; +rKOD;\n",
     "east-any", "", LSW_KIND_TEMPLATE, LSW_ADMIN_ADD},
    /* hand-made: a flag that only starts with UP is not UP */
    {"hand-made",
     "\"x\": 10.0.0.1...10.0.0.2; unrouted; my_ip=unset; their_ip=unset;\n"
     "\"x\":   policy: IKEv2+PSK+UPDOWN_X+ROUTE_X;\n",
     "x", "", LSW_KIND_PERMANENT, LSW_ADMIN_ADD},
};

static void test_kind_and_admin(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(kind_cases) / sizeof(kind_cases[0]); i++) {
		const struct kind_case *c = &kind_cases[i];
		struct lsw_snapshot *snap = testlib_parse_str(c->text);
		const struct lsw_connection *k =
		    lsw_snapshot_find_connection(snap, c->name, c->inst);

		print_message("case %zu: %s %s%s\n", i, c->file, c->name, c->inst);
		assert_non_null(k);
		assert_string_equal(lsw_conn_kind_name(k->kind), lsw_conn_kind_name(c->kind));
		assert_string_equal(lsw_conn_admin_name(k->admin), lsw_conn_admin_name(c->admin));
		lsw_snapshot_free(snap);
	}
}

/* RFC 2579: sysUpTime minus the age, 0 for what happened before the
 * master's last start. */
static void test_timestamp(void **state)
{
	static const struct {
		uint64_t at, now;
		unsigned long uptime, want;
	} cases[] = {
	    {1000, 1500, 700, 200}, /* 5 s ago, master up 7 s */
	    {1000, 1500, 500, 0},   /* exactly at the master's start: 0 */
	    {1000, 1500, 218, 0},   /* issue 11: snmpd restarted since (was 620 > 218) */
	    {1000, 1000, 42, 42},   /* now */
	    {0, 1500, 700, 0},      /* never */
	    {2000, 1500, 700, 700}, /* a clock read before the event: age 0 */
	    {1, 1ull << 40, (1ul << 40) + 5, 6 & 0xffffffffu}, /* TimeTicks wrap like sysUpTime */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		print_message("case %zu\n", i);
		assert_int_equal(lsw_timestamp_at(cases[i].at, cases[i].now, cases[i].uptime),
		                 cases[i].want);
	}
}

static const struct lsw_conn_row *row_of(const struct lsw_view *v, const char *name,
                                         const char *inst)
{
	oid idx[LSW_CONN_INDEX_MAX];
	int n = lsw_mib_conn_index(idx, name, inst);

	assert_true(n > 0);
	return lsw_view_conn(v, idx, (size_t)n, false);
}

static long conn_col(const struct lsw_view *v, const struct lsw_conn_row *r, unsigned col)
{
	struct lsw_value val;

	assert_int_equal(lsw_conn_value(v, r, col, &val), 0);
	return val.num;
}

static void str_col(const struct lsw_view *v, const struct lsw_conn_row *r, unsigned col,
                    const char *want)
{
	struct lsw_value val;

	assert_int_equal(lsw_conn_value(v, r, col, &val), 0);
	assert_int_equal(val.type, ASN_OCTET_STR);
	assert_int_equal(val.len, strlen(want));
	assert_memory_equal(val.str, want, val.len);
}

/* 4.10 lines (v4.10/ikev2-41-rw-replace__road__1.txt, IDs shortened): a
 * template, its instance with an IKE SA and a Child SA. */
#define RW_STATUS                                                                                  \
	"000 Total IPsec connections: loaded 2, active 1\n"                                        \
	"000 \"road-east-x509-ipv4\": " ROAD4 "===0.0.0.0/0; unrouted; eroute owner: #0\n"         \
	"000 \"road-east-x509-ipv4\":   policy: " POL4 "IKE_FRAG_ALLOW+ESN_NO+ESN_YES;\n"          \
	"000 \"road-east-x509-ipv4\"[1]: " ROAD4 "===0.0.0.0/0; erouted; eroute owner: #2\n"       \
	"000 \"road-east-x509-ipv4\"[1]:   policy: " POL4 "UP+IKE_FRAG_ALLOW+ESN_NO+ESN_YES;\n"    \
	"000 #1: \"road-east-x509-ipv4\"[1] 192.1.2.23:500 STATE_V2_ESTABLISHED_IKE_SA "           \
	"(established IKE SA); REKEY in 16s; newest; idle;\n"                                      \
	"000 #2: \"road-east-x509-ipv4\"[1] 192.1.2.23:500 STATE_V2_ESTABLISHED_CHILD_SA "         \
	"(established Child SA); REKEY in 16s; newest; eroute owner; IKE SA #1; idle;\n"
#define RW_TRAFFIC                                                                                 \
	"006 #2: \"road-east-x509-ipv4\"[1] 192.1.2.23, type=ESP, add_time=1700000000, "           \
	"inBytes=1000, outBytes=2000, maxBytes=2^63B, id='@east'\n"

static void test_template_and_unknown(void **state)
{
	struct lsw_view *v = lsw_view_new(testlib_feed(RW_STATUS, RW_TRAFFIC), NULL, 100);
	const struct lsw_conn_row *t, *inst;
	struct lsw_value val;

	(void)state;
	assert_non_null(v);
	t = row_of(v, "road-east-x509-ipv4", "");
	inst = row_of(v, "road-east-x509-ipv4", "[1]");
	assert_non_null(t);
	assert_non_null(inst);
	/* the template is not a tunnel that is down; its instance is up */
	assert_int_equal(t->conn->oper, LSW_CONN_DOWN);
	assert_int_equal(conn_col(v, t, LSW_CONN_OPER_STATUS), LSW_OPER_NOT_APPLICABLE);
	assert_int_equal(conn_col(v, t, LSW_CONN_KIND), LSW_KIND_TEMPLATE);
	assert_int_equal(conn_col(v, t, LSW_CONN_ADMIN_STATUS), LSW_ADMIN_ADD);
	assert_int_equal(conn_col(v, inst, LSW_CONN_OPER_STATUS), LSW_CONN_UP);
	assert_int_equal(conn_col(v, inst, LSW_CONN_KIND), LSW_KIND_INSTANCE);
	assert_int_equal(conn_col(v, inst, LSW_CONN_ADMIN_STATUS), LSW_ADMIN_START);
	/* readable labels: the display name and the index objects */
	str_col(v, t, LSW_CONN_DISPLAY_NAME, "road-east-x509-ipv4");
	str_col(v, inst, LSW_CONN_DISPLAY_NAME, "road-east-x509-ipv4[1]");
	str_col(v, inst, LSW_CONN_NAME_TEXT, "road-east-x509-ipv4");
	str_col(v, inst, LSW_CONN_INSTANCE_TEXT, "[1]");
	str_col(v, t, LSW_CONN_INSTANCE_TEXT, "");
	assert_int_equal(lsw_view_sa_state(v, &v->ike_sas[0].sa), LSW_SA_ESTABLISHED);

	/* declared failed: every status column says unknown, rows stay */
	v->unknown = true;
	assert_int_equal(conn_col(v, t, LSW_CONN_OPER_STATUS), LSW_OPER_UNKNOWN);
	assert_int_equal(conn_col(v, inst, LSW_CONN_OPER_STATUS), LSW_OPER_UNKNOWN);
	assert_int_equal(conn_col(v, inst, LSW_CONN_ADMIN_STATUS), LSW_ADMIN_START);
	assert_int_equal(lsw_view_sa_state(v, &v->ike_sas[0].sa), LSW_SA_STATE_UNKNOWN);
	assert_int_equal(lsw_view_sa_state(v, &v->child_sas[0].sa), LSW_SA_STATE_UNKNOWN);
	assert_int_equal(lsw_table_answer(&lsw_ipsecsa_table_ops, v, NULL, 0, LSW_IPSECSA_STATE,
	                                  true, (oid[MAX_OID_LEN]){0}, &(size_t){0}, &val),
	                 0);
	assert_int_equal(val.num, LSW_SA_STATE_UNKNOWN);
	lsw_view_free(v);
}

/* When rows and SAs were created, carried from poll to poll, and new
 * again after a pluto restart that reuses the serials. */
static void test_created(void **state)
{
	char *restarted = strdup(RW_TRAFFIC);
	struct lsw_view *v1, *v2, *v3, *v4;
	const struct lsw_conn_row *r;

	(void)state;
	memcpy(strstr(restarted, "1700000000"), "1700000500", 10);
	v1 = lsw_view_new(testlib_feed(RW_STATUS, RW_TRAFFIC), NULL, 100);
	r = row_of(v1, "road-east-x509-ipv4", "[1]");
	assert_int_equal(r->created, 100);
	assert_int_equal(r->last_change, 100);
	assert_int_equal(lsw_view_ike_created(v1, &v1->ike_sas[0]), 100);
	assert_int_equal(v1->sa_octets[0].created, 100);

	/* the same SAs a poll later */
	v2 = lsw_view_new(testlib_feed(RW_STATUS, RW_TRAFFIC), v1, 200);
	r = row_of(v2, "road-east-x509-ipv4", "[1]");
	assert_int_equal(r->created, 100);
	assert_int_equal(lsw_view_ike_created(v2, &v2->ike_sas[0]), 100);
	assert_int_equal(v2->sa_octets[0].created, 100);
	assert_int_equal(v2->sa_octets[0].in.value, 1000);

	/* the Child SA #2 has another add_time: a new SA under the same
	 * serial, its counters and creation start again; the connection's
	 * counters go on */
	v3 = lsw_view_new(testlib_feed(RW_STATUS, restarted), v2, 300);
	r = row_of(v3, "road-east-x509-ipv4", "[1]");
	assert_int_equal(r->created, 100);
	assert_int_equal(v3->sa_octets[0].created, 300);
	assert_int_equal(v3->sa_octets[0].in.value, 1000);
	assert_int_equal(r->in_octets, 2000);

	/* only the IKE SA's serial reused, after a restart seen by a serial
	 * below the old highest (#2 now an IKE SA) */
	v4 = lsw_view_new(testlib_feed("000 Total IPsec connections: loaded 2, active 1\n"
	                               "000 #2: \"road-east-x509-ipv4\"[1] 192.1.2.23:500 "
	                               "STATE_V2_ESTABLISHED_IKE_SA (established IKE SA); idle;\n",
	                               NULL),
	                  v3, 400);
	assert_int_equal(v4->n_ike_sas, 1);
	assert_int_equal(lsw_view_ike_created(v4, &v4->ike_sas[0]), 400);
	lsw_view_free(v1);
	lsw_view_free(v2);
	lsw_view_free(v3);
	lsw_view_free(v4);
	free(restarted);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_kind_and_admin),
	    cmocka_unit_test(test_timestamp),
	    cmocka_unit_test(test_template_and_unknown),
	    cmocka_unit_test(test_created),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
