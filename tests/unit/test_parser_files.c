/* test_parser_files.c - whole files: fixtures copied from the corpus
 * (tests/data/corpus/<version>/), feeding in pieces, status and
 * trafficstatus merged, and hand-made inputs the corpus lacks (huge lines,
 * NUL bytes, binary, truncation). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "parser.h"
#include "testlib.h"

/* The same status across three releases: one IKEv2 tunnel, both SAs up. */
struct file_case {
	const char *file;
	size_t lines;
	const char *ike_state;
	const char *routing;
	uint64_t bytes;
};

static const struct file_case delete01[] = {
    {"v3.32/ikev2-delete-01__west__2.txt", 124, "STATE_PARENT_I3", "erouted", 336},
    {"v4.10/ikev2-delete-01__west__2.txt", 118, "STATE_V2_ESTABLISHED_IKE_SA", "erouted", 84},
    {"v5.4/ikev2-delete-01__west__2.txt", 126, "established IKE SA", "routed-tunnel", 84},
};

static void test_status_three_releases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(delete01) / sizeof(delete01[0]); i++) {
		const struct file_case *fc = &delete01[i];
		struct lsw_snapshot *snap = testlib_parse_data("corpus", fc->file);

		print_message("%s\n", fc->file);
		assert_int_equal(snap->lines, fc->lines);
		assert_int_equal(snap->unparsed, 0);
		assert_int_equal(snap->n_connections, 1);
		assert_int_equal(snap->n_ike_sas, 1);
		assert_int_equal(snap->n_child_sas, 1);
		assert_int_equal(snap->totals.conns_loaded, 1);
		assert_int_equal(snap->totals.conns_active, 1);
		assert_int_equal(snap->totals.ike_total, 1);
		assert_int_equal(snap->totals.ipsec_total, 1);

		const struct lsw_connection *c =
		    lsw_snapshot_find_connection(snap, "westnet-eastnet-ipv4-psk-ikev2", NULL);

		assert_non_null(c);
		assert_string_equal(c->routing, fc->routing);
		assert_true(c->routed_tunnel);
		assert_string_equal(c->local_host, "192.1.2.45");
		assert_string_equal(c->remote_host, "192.1.2.23");
		assert_string_equal(c->local_id, "@west");
		assert_string_equal(c->remote_id, "@east");
		assert_string_equal(c->local_client, "192.0.1.0/24");
		assert_string_equal(c->remote_client, "192.0.2.0/24");
		assert_int_equal(c->ike_version, LSW_IKEV2);
		assert_int_equal(c->newest_ike_sa, 1);
		assert_int_equal(c->newest_child_sa, 2);
		assert_int_equal(c->oper, LSW_CONN_UP);
		assert_int_equal(c->n_ike_sas, 1);
		assert_int_equal(c->n_child_sas, 1);
		assert_true(c->in_bytes == fc->bytes && c->out_bytes == fc->bytes);
		assert_non_null(c->policy);
		assert_non_null(strstr(c->policy, "PSK"));

		const struct lsw_ike_sa *ike = lsw_snapshot_find_ike_sa(snap, 1);

		assert_non_null(ike);
		assert_string_equal(ike->sa.state_name, fc->ike_state);
		assert_int_equal(ike->sa.state, LSW_SA_ESTABLISHED);
		assert_int_equal(ike->sa.ike_version, LSW_IKEV2);
		assert_string_equal(ike->sa.peer, "192.1.2.23"); /* from the connection */
		assert_int_equal(ike->sa.peer_port, 500);
		assert_true(ike->sa.newest);

		const struct lsw_child_sa *ch = lsw_snapshot_find_child_sa(snap, 2);

		assert_non_null(ch);
		assert_int_equal(ch->ike_sa, 1);
		assert_int_equal(ch->sa.state, LSW_SA_ESTABLISHED);
		assert_int_equal(ch->mode, LSW_MODE_TUNNEL);
		assert_true(ch->esp.present);
		assert_false(ch->ah.present);
		assert_true(ch->has_bytes);
		assert_false(ch->bytes_exact);
		assert_true(ch->in_bytes == fc->bytes);
		assert_true(ch->eroute_owner);
		assert_null(lsw_snapshot_find_child_sa(snap, 1));
		assert_null(lsw_snapshot_find_ike_sa(snap, 2));
		lsw_snapshot_free(snap);
	}
}

static void test_status_ikev1_three_conns(void **state)
{
	(void)state;
	/* v4.10 "| grep" of a status: three IKEv1 connections, one IKE SA */
	struct lsw_snapshot *snap = testlib_parse_data("corpus", "v4.10/delete-sa-03__east__2.txt");

	assert_int_equal(snap->unparsed, 0);
	assert_int_equal(snap->n_connections, 3);
	assert_string_equal(snap->connections[0].name, "west-east");
	assert_string_equal(snap->connections[1].name, "west-east-b");
	assert_string_equal(snap->connections[2].name, "west-east-c");
	assert_int_equal(snap->connections[0].oper, LSW_CONN_DOWN);
	assert_string_equal(snap->connections[0].routing, "prospective erouted");
	assert_false(snap->connections[0].routed_tunnel);
	assert_int_equal(snap->connections[1].oper, LSW_CONN_UP);
	assert_int_equal(snap->connections[1].eroute_owner, 3);
	assert_int_equal(snap->connections[1].newest_ike_sa, 0);
	assert_int_equal(snap->connections[1].newest_child_sa, 3);
	assert_string_equal(snap->connections[1].esp_alg_newest,
	                    "AES_CBC_128-HMAC_SHA1_96; pfsgroup=<Phase1>");
	assert_int_equal(snap->connections[2].ike_version, LSW_IKEV1);
	assert_string_equal(snap->connections[2].ike_alg_newest,
	                    "AES_CBC_256-HMAC_SHA2_256-MODP2048");
	assert_int_equal(snap->connections[2].n_ike_sas, 1);
	assert_int_equal(snap->n_ike_sas, 1);
	assert_int_equal(snap->ike_sas[0].sa.role, LSW_ROLE_RESPONDER);
	assert_int_equal(snap->ike_sas[0].lastdpd, -1);
	assert_int_equal(snap->n_child_sas, 2);
	assert_int_equal(snap->child_sas[0].sa.serial, 3);
	assert_int_equal(snap->child_sas[0].ike_sa, 1);
	assert_string_equal(snap->child_sas[0].sa.connection, "west-east-b");
	assert_int_equal(snap->child_sas[1].sa.serial, 4);
	assert_int_equal(snap->child_sas[1].sa.ike_version, LSW_IKEV1);
	assert_int_equal(snap->totals.conns_loaded, LSW_ABSENT);
	lsw_snapshot_free(snap);
}

static void test_connectionstatus_5(void **state)
{
	(void)state;
	struct lsw_snapshot *snap = testlib_parse_data(
	    "corpus", "v5.4/crossing-streams-24-ikev2-delete-connswitch-github-2101__west__1.txt");

	assert_int_equal(snap->unparsed, 0);
	assert_int_equal(snap->n_connections, 2);
	const struct lsw_connection *a = lsw_snapshot_find_connection(snap, "a", "");

	assert_non_null(a);
	/* routing: routed-tunnel; owner: Child SA #2; established IKE SA: #3; established Child SA:
	 * #2; */
	assert_int_equal(a->newest_ike_sa, 3);
	assert_int_equal(a->newest_child_sa, 2);
	assert_int_equal(a->eroute_owner, 2);
	assert_string_equal(a->ike_alg_newest, "AES_GCM_16_256-HMAC_SHA2_512-DH19");
	assert_string_equal(a->esp_alg_newest, "AES_GCM_16_256; pfsgroup=<Phase1>");
	/* no state lines in connectionstatus: nothing derived */
	assert_int_equal(a->oper, LSW_CONN_DOWN);
	const struct lsw_connection *b = lsw_snapshot_find_connection(snap, "b", NULL);

	assert_non_null(b);
	assert_int_equal(b->newest_ike_sa, 0);
	assert_int_equal(b->newest_child_sa, 4);
	assert_null(b->ike_alg_newest);
	assert_int_equal(snap->totals.conns_loaded, 2);
	assert_int_equal(snap->totals.conns_routed, 2);
	assert_int_equal(snap->totals.conns_active, 2);
	lsw_snapshot_free(snap);
}

static void test_showstates_5(void **state)
{
	(void)state;
	struct lsw_snapshot *snap =
	    testlib_parse_data("corpus", "v5.4/ikev2-rw-multiple-subnets-4-mismatch__road__2.txt");
	static const uint32_t children[] = {2, 4, 6, 7, 8, 9};

	assert_int_equal(snap->lines, 13);
	assert_int_equal(snap->unparsed, 0);
	assert_int_equal(snap->n_connections, 0);
	assert_int_equal(snap->n_ike_sas, 1);
	assert_int_equal(snap->ike_sas[0].sa.n_events, 3);
	assert_string_equal(snap->ike_sas[0].sa.events[0].name, "NAT_KEEPALIVE");
	assert_int_equal(snap->n_child_sas, 6);
	for (size_t i = 0; i < 6; i++) {
		assert_int_equal(snap->child_sas[i].sa.serial, children[i]);
		assert_int_equal(snap->child_sas[i].ike_sa, 1);
		assert_int_equal(snap->child_sas[i].sa.peer_port, 4500);
		assert_int_equal(snap->child_sas[i].mode, LSW_MODE_TUNNEL);
	}
	assert_string_equal(snap->child_sas[5].sa.connection, "road/0x8");
	lsw_snapshot_free(snap);
}

static void test_trafficstatus_files(void **state)
{
	(void)state;
	struct lsw_snapshot *snap =
	    testlib_parse_data("corpus", "v3.32/newoe-25-cat-3-4-way__road__5.txt");

	assert_int_equal(snap->unparsed, 0);
	assert_int_equal(snap->n_child_sas, 3);
	assert_string_equal(snap->child_sas[1].sa.instance, "[2]");
	assert_string_equal(snap->child_sas[1].sa.peer, "192.1.2.45");
	assert_string_equal(snap->child_sas[2].sa.connection, "private-or-clear#192.1.3.33/32");
	assert_null(snap->child_sas[2].lease);
	assert_true(snap->child_sas[2].in_bytes == 252);
	lsw_snapshot_free(snap);

	snap = testlib_parse_data("corpus",
	                          "v5.4/addresspool-4in4-global-static-xauth-ikev1__east__1.txt");
	assert_int_equal(snap->unparsed, 0);
	assert_int_equal(snap->n_child_sas, 2);
	assert_string_equal(snap->child_sas[0].username, "xnorth");
	assert_string_equal(snap->child_sas[0].lease, "192.0.2.201/32");
	assert_null(snap->child_sas[0].remote_id);
	assert_string_equal(snap->child_sas[1].username, "xroad");
	lsw_snapshot_free(snap);

	snap = testlib_parse_data("corpus", "v4.10/certoe-03-cop-whack__road__2.txt");
	assert_int_equal(snap->n_child_sas, 1);
	assert_string_equal(snap->child_sas[0].remote_id,
	                    "C=CA, ST=Ontario, L=Toronto, O=Libreswan, OU=Test Department, "
	                    "CN=east.testing.libreswan.org, E=user-east@testing.libreswan.org");
	lsw_snapshot_free(snap);
}

/* status and trafficstatus of the same moment, in either order: the exact
 * trafficstatus counts win over ESPin=1KB. */
static void test_merge_status_traffic(void **state)
{
	(void)state;
	const char *status =
	    "#2: \"c\":500 established Child SA; EXPIRE in 12s; newest; eroute owner; IKE SA #1; "
	    "idle;\n"
	    "#2: \"c\" esp.1@192.1.2.23 esp.2@192.1.2.45 tun.0@192.1.2.23 tun.0@192.1.2.45 "
	    "Traffic: ESPin=1KB ESPout=2MB ESPmax=2^63B \n";
	const char *traffic =
	    "#2: \"c\", type=ESP, add_time=1234567890, inBytes=1500, outBytes=2100000, "
	    "maxBytes=2^63B, id='@east'\n";
	char both[1024];

	for (int order = 0; order < 2; order++) {
		snprintf(both, sizeof(both), "%s%s", order ? traffic : status,
		         order ? status : traffic);
		struct lsw_snapshot *snap = lsw_parse(both, strlen(both));

		assert_non_null(snap);
		assert_int_equal(snap->unparsed, 0);
		assert_int_equal(snap->n_child_sas, 1);
		const struct lsw_child_sa *c = &snap->child_sas[0];

		assert_true(c->sa.from_status && c->from_traffic);
		assert_true(c->bytes_exact);
		assert_true(c->in_bytes == 1500);
		assert_true(c->out_bytes == 2100000);
		assert_int_equal(c->esp.in, 2);
		assert_int_equal(c->esp.out, 1);
		assert_string_equal(c->sa.state_name, "established Child SA");
		assert_string_equal(c->remote_id, "@east");
		lsw_snapshot_free(snap);
	}
	/* status alone: rounded down by readable_humber() */
	struct lsw_snapshot *snap = lsw_parse(status, strlen(status));

	assert_true(snap->child_sas[0].in_bytes == 1024);
	assert_true(snap->child_sas[0].out_bytes == 2 * 1024 * 1024);
	assert_false(snap->child_sas[0].bytes_exact);
	lsw_snapshot_free(snap);
}

static void same_counts(const struct lsw_snapshot *a, const struct lsw_snapshot *b)
{
	assert_int_equal(a->lines, b->lines);
	assert_int_equal(a->unparsed, b->unparsed);
	assert_int_equal(a->n_connections, b->n_connections);
	assert_int_equal(a->n_ike_sas, b->n_ike_sas);
	assert_int_equal(a->n_child_sas, b->n_child_sas);
	assert_memory_equal(a->unparsed_line, b->unparsed_line, sizeof(a->unparsed_line));
	for (size_t i = 0; i < a->n_connections; i++) {
		assert_string_equal(a->connections[i].name, b->connections[i].name);
		assert_int_equal(a->connections[i].oper, b->connections[i].oper);
		assert_true(a->connections[i].in_bytes == b->connections[i].in_bytes);
	}
	for (size_t i = 0; i < a->n_child_sas; i++) {
		assert_int_equal(a->child_sas[i].sa.serial, b->child_sas[i].sa.serial);
		assert_true(a->child_sas[i].in_bytes == b->child_sas[i].in_bytes);
	}
}

static void test_split_feed(void **state)
{
	(void)state;
	static const char *const files[] = {
	    "v3.32/ikev2-delete-01__west__2.txt",
	    "v4.10/delete-sa-03__east__2.txt",
	    "v5.4/ikev2-delete-01__west__2.txt",
	};

	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		size_t n;
		char *buf = testlib_slurp_data("corpus", files[f], &n);
		struct lsw_snapshot *whole = lsw_parse(buf, n);

		/* one byte at a time */
		struct lsw_parser *p = lsw_parser_new();

		assert_non_null(p);
		for (size_t i = 0; i < n; i++)
			assert_int_equal(lsw_parser_feed(p, buf + i, 1), 0);
		struct lsw_snapshot *bytewise = lsw_parser_finish(p);

		same_counts(whole, bytewise);
		lsw_snapshot_free(bytewise);
		/* two pieces cut everywhere in the first 600 bytes, and empty feeds */
		for (size_t cut = 0; cut < n && cut < 600; cut += 7) {
			p = lsw_parser_new();
			assert_int_equal(lsw_parser_feed(p, buf, cut), 0);
			assert_int_equal(lsw_parser_feed(p, buf, 0), 0);
			assert_int_equal(lsw_parser_feed(p, buf + cut, n - cut), 0);
			struct lsw_snapshot *two = lsw_parser_finish(p);

			same_counts(whole, two);
			lsw_snapshot_free(two);
		}
		lsw_snapshot_free(whole);
		free(buf);
	}
}

/* lsw_parser_end_input(): inputs fed one after the other, each ended.
 * A status without its final newline followed by trafficstatus (the
 * collector's and lswstat's case) must stay two lines; at a line start
 * and twice in a row it adds nothing. */
static void test_end_input(void **state)
{
	(void)state;
	static const struct {
		const char *inputs[3];
		size_t lines, unparsed, n_conns, n_childs;
		long conns_loaded;
	} cases[] = {
	    /* the last line has no newline: without end_input the next input's
	     * first line would be glued to it and neither understood */
	    {{"000 Total IPsec connections: loaded 3, active 1",
	      "#2: \"c\", type=ESP, add_time=1234567890, inBytes=1, outBytes=2, id='@e'\n", NULL},
	     2,
	     0,
	     0,
	     1,
	     3},
	    /* at a line start: no empty line is counted */
	    {{"000 Total IPsec connections: loaded 4, active 1\n",
	      "#2: \"c\", type=ESP, add_time=1234567890, inBytes=1, outBytes=2, id='@e'", NULL},
	     2,
	     0,
	     0,
	     1,
	     4},
	    /* empty inputs and a line cut in two feeds of one input */
	    {{"", "000 Total IPsec conn", "ections: loaded 5, active 1"}, 1, 0, 0, 0, 5},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct lsw_parser *p = lsw_parser_new();

		assert_non_null(p);
		assert_int_equal(lsw_parser_end_input(p), 0); /* nothing fed yet */
		for (size_t j = 0; j < 3 && cases[i].inputs[j]; j++) {
			const char *in = cases[i].inputs[j];

			assert_int_equal(lsw_parser_feed(p, in, strlen(in)), 0);
			/* the third case's pieces are one input */
			if (i != 2 || j == 2) {
				assert_int_equal(lsw_parser_end_input(p), 0);
				assert_int_equal(lsw_parser_end_input(p), 0); /* again: no-op */
			}
		}
		struct lsw_snapshot *snap = lsw_parser_finish(p);

		assert_non_null(snap);
		assert_int_equal(snap->lines, cases[i].lines);
		assert_int_equal(snap->unparsed, cases[i].unparsed);
		assert_int_equal(snap->n_connections, cases[i].n_conns);
		assert_int_equal(snap->n_child_sas, cases[i].n_childs);
		assert_int_equal(snap->totals.conns_loaded, cases[i].conns_loaded);
		lsw_snapshot_free(snap);
	}
}

static void test_no_final_newline_and_crlf(void **state)
{
	(void)state;
	const char *s = "000 Total IPsec connections: loaded 3, active 1\r\n000 IKE SAs: total(2), "
	                "half-open(0), "
	                "open(0), authenticated(2), anonymous(0)";
	struct lsw_snapshot *snap = lsw_parse(s, strlen(s));

	assert_int_equal(snap->lines, 2);
	assert_int_equal(snap->unparsed, 0);
	assert_int_equal(snap->totals.conns_loaded, 3);
	assert_int_equal(snap->totals.ike_total, 2);
	lsw_snapshot_free(snap);
	/* nothing at all */
	snap = lsw_parse("", 0);
	assert_non_null(snap);
	assert_int_equal(snap->lines, 0);
	assert_int_equal(snap->n_connections, 0);
	assert_null(lsw_snapshot_find_connection(snap, "x", NULL));
	assert_null(lsw_snapshot_find_ike_sa(snap, 1));
	/* empty arrays are still arrays */
	assert_non_null(snap->connections);
	assert_non_null(snap->ike_sas);
	assert_non_null(snap->child_sas);
	lsw_snapshot_free(snap);
	lsw_snapshot_free(NULL);
	lsw_parser_free(NULL);
}

/* A 1 MB line inside real lines: counted as one line, not cut into pieces. */
static void test_huge_line(void **state)
{
	(void)state;
	size_t big = 1 << 20;
	const char *head = "000 #1: \"a\":500 STATE_MAIN_I4 (ISAKMP SA established); "
	                   "EVENT_SA_REPLACE in 5s; idle;\n";
	const char *tail = "\n#2: \"a\", type=ESP, add_time=1, inBytes=7, outBytes=8, id='@x'\n";
	size_t n = strlen(head) + big + strlen(tail);
	char *buf = malloc(n);

	assert_non_null(buf);
	memcpy(buf, head, strlen(head));
	memset(buf + strlen(head), 'x', big);
	memcpy(buf + strlen(head) + big, tail, strlen(tail));
	struct lsw_snapshot *snap = lsw_parse(buf, n);

	assert_int_equal(snap->lines, 3);
	assert_int_equal(snap->unparsed, 1);
	assert_int_equal(snap->unparsed_line[0], 2);
	assert_int_equal(snap->n_ike_sas, 1);
	assert_int_equal(snap->n_child_sas, 1);
	lsw_snapshot_free(snap);

	/* a 60 KB connection name is still a name; past LSW_LINE_MAX (issue
	 * 11: one line is capped) the line is counted, and nothing of it kept */
	size_t name_len[] = {60000, big};
	char *line = malloc(big + 64);

	assert_non_null(line);
	for (size_t i = 0; i < 2; i++) {
		line[0] = '"';
		memset(line + 1, 'n', name_len[i]);
		strcpy(line + 1 + name_len[i], "\": 1.2.3.4...5.6.7.8; erouted; eroute owner: #0");
		snap = lsw_parse(line, strlen(line));
		assert_int_equal(snap->lines, 1);
		assert_int_equal(snap->unparsed, i);
		assert_int_equal(snap->n_connections, 1 - i);
		if (i == 0)
			assert_int_equal(strlen(snap->connections[0].name), name_len[i]);
		lsw_snapshot_free(snap);
	}
	free(line);
	free(buf);
}

/* NUL bytes, binary garbage and lines cut anywhere: counted, never fatal. */
static void test_garbage(void **state)
{
	(void)state;
	static const char nul[] =
	    "000 #1: \"a\":500 STATE_MAIN_I4\0(x); idle;\n#2: \"b\", type=ESP, add_time=1\n";
	struct lsw_snapshot *snap = lsw_parse(nul, sizeof(nul) - 1);

	assert_int_equal(snap->lines, 2);
	assert_int_equal(snap->unparsed, 1);
	assert_int_equal(snap->unparsed_line[0], 1);
	assert_int_equal(snap->n_ike_sas, 0);
	assert_int_equal(snap->n_child_sas, 1);
	lsw_snapshot_free(snap);

	unsigned char bin[4096];
	uint32_t x = 12345;

	for (size_t i = 0; i < sizeof(bin); i++) {
		x = x * 1103515245u + 12345u;
		bin[i] = (unsigned char)(x >> 16);
	}
	snap = lsw_parse((const char *)bin, sizeof(bin));
	assert_non_null(snap);
	assert_true(snap->unparsed <= snap->lines);
	lsw_snapshot_free(snap);

	/* every prefix of a real line */
	const char *line =
	    "000 #8: \"private#192.1.2.0/24\"[1] ...192.1.2.23:500 STATE_V2_ESTABLISHED_CHILD_SA "
	    "(established Child SA); REKEY in XXs; REPLACE in XXs; newest; eroute owner; IKE SA "
	    "#7; idle;";
	for (size_t n = 0; n <= strlen(line); n++) {
		snap = lsw_parse(line, n);
		assert_non_null(snap);
		assert_true(snap->n_child_sas + snap->n_ike_sas + snap->unparsed <= 1 || n == 0);
		lsw_snapshot_free(snap);
	}
	/* more unparsed lines than kept numbers */
	char many[64 * 3];

	memset(many, 0, sizeof(many));
	for (size_t i = 0; i < 64; i++)
		memcpy(many + 3 * i, "?x\n", 3);
	snap = lsw_parse(many, sizeof(many));
	assert_int_equal(snap->unparsed, 64);
	assert_int_equal(snap->unparsed_line[LSW_UNPARSED_LINES_KEPT - 1], LSW_UNPARSED_LINES_KEPT);
	lsw_snapshot_free(snap);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(lsw_sa_state_name(LSW_SA_ESTABLISHED), "established");
	assert_string_equal(lsw_sa_state_name(LSW_SA_NEGOTIATING), "negotiating");
	assert_string_equal(lsw_conn_oper_name(LSW_CONN_UP), "up");
	assert_string_equal(lsw_conn_oper_name(LSW_CONN_CONNECTING), "connecting");
	assert_string_equal(lsw_ike_version_name(LSW_IKEV2), "IKEv2");
	assert_string_equal(lsw_role_name(LSW_ROLE_INITIATOR), "initiator");
	assert_string_equal(lsw_mode_name(LSW_MODE_TUNNEL), "tunnel");
	assert_string_equal(lsw_mode_name(LSW_MODE_TRANSPORT), "transport");
}

/* The "ike_life: ...; ipsec_life: ...; rekey_margin: ..." detail line
 * (issue 13): 3.32 prints no ipsec_max_bytes/packets, 5.4 ends in clones:
 * the values are found by key, not by position. */
struct life_case {
	const char *file, *conn, *inst;
	long ike_life, ipsec_life, rekey_margin;
};

static const struct life_case lives[] = {
    /* ikelifetime=90s rekeymargin=10s in ikev2-41-rw-replace's road.conf */
    {"v3.32/ikev2-41-rw-replace__road__2.txt", "road-east-x509-ipv4", NULL, 90, 28800, 10},
    {"v3.32/ikev2-41-rw-replace__road__2.txt", "road-east-x509-ipv4", "[1]", 90, 28800, 10},
    {"v4.10/ikev2-41-rw-replace__road__2.txt", "road-east-x509-ipv4", NULL, 90, 28800, 10},
    {"v4.10/ikev2-41-rw-replace__road__2.txt", "road-east-x509-ipv4", "[1]", 90, 28800, 10},
    {"v5.4/ikev2-41-rw-replace__road__2.txt", "road-east-x509-ipv4", NULL, 90, 28800, 10},
    {"v5.4/ikev2-41-rw-replace__road__2.txt", "road-east-x509-ipv4", "[1]", 90, 28800, 10},
    /* the defaults: IKE SA lifetime 3600s before 4.0, 28800s since */
    {"v3.32/ikev2-delete-01__west__2.txt", "westnet-eastnet-ipv4-psk-ikev2", NULL, 3600, 28800,
     540},
    {"v4.10/ikev2-delete-01__west__2.txt", "westnet-eastnet-ipv4-psk-ikev2", NULL, 28800, 28800,
     540},
    {"v5.4/ikev2-delete-01__west__2.txt", "westnet-eastnet-ipv4-psk-ikev2", NULL, 28800, 28800,
     540},
    {"v4.10/interop-ikev2-strongswan-15-child-sa-responder__west__2.txt", "westnet-eastnet-ikev2b",
     NULL, 45, 28800, 15},
};

static void test_lifetimes(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(lives) / sizeof(lives[0]); i++) {
		const struct life_case *lc = &lives[i];
		struct lsw_snapshot *snap = testlib_parse_data("corpus", lc->file);
		const struct lsw_connection *c =
		    lsw_snapshot_find_connection(snap, lc->conn, lc->inst);

		print_message("%s %s%s\n", lc->file, lc->conn, lc->inst ? lc->inst : "");
		assert_int_equal(snap->unparsed, 0);
		assert_non_null(c);
		assert_int_equal(c->ike_life, lc->ike_life);
		assert_int_equal(c->ipsec_life, lc->ipsec_life);
		assert_int_equal(c->rekey_margin, lc->rekey_margin);
		lsw_snapshot_free(snap);
	}
}

/* Not printed, sanitized or broken: LSW_ABSENT, and the line still known. */
static void test_lifetimes_absent(void **state)
{
	(void)state;
	struct lsw_snapshot *snap = testlib_parse_str(
	    /* a first line and no detail lines (a grep) */
	    "\"a\": 192.0.1.0/24===192.1.2.45...192.1.2.23===192.0.2.0/24; unrouted; eroute "
	    "owner: #0\n"
	    "\"b\":   ike_life: XXs; ipsec_life: 60s; replay_window: 32; rekey_margin: 5;\n"
	    "\"c\":   ike_life: 99999999999999999999s; ipsec_life: -1s; rekey_margin: 0s;\n");
	const struct lsw_connection *a = lsw_snapshot_find_connection(snap, "a", NULL);
	const struct lsw_connection *b = lsw_snapshot_find_connection(snap, "b", NULL);
	const struct lsw_connection *c = lsw_snapshot_find_connection(snap, "c", NULL);

	assert_int_equal(snap->unparsed, 0);
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(c);
	assert_int_equal(a->ike_life, LSW_ABSENT);
	assert_int_equal(a->ipsec_life, LSW_ABSENT);
	assert_int_equal(a->rekey_margin, LSW_ABSENT);
	assert_int_equal(b->ike_life, LSW_ABSENT);
	assert_int_equal(b->ipsec_life, 60);
	assert_int_equal(b->rekey_margin, LSW_ABSENT); /* no "s;" */
	assert_int_equal(c->ike_life, LSW_ABSENT);     /* overflow */
	assert_int_equal(c->ipsec_life, LSW_ABSENT);
	assert_int_equal(c->rekey_margin, 0);
	lsw_snapshot_free(snap);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_status_three_releases),
	    cmocka_unit_test(test_status_ikev1_three_conns),
	    cmocka_unit_test(test_connectionstatus_5),
	    cmocka_unit_test(test_showstates_5),
	    cmocka_unit_test(test_trafficstatus_files),
	    cmocka_unit_test(test_merge_status_traffic),
	    cmocka_unit_test(test_split_feed),
	    cmocka_unit_test(test_end_input),
	    cmocka_unit_test(test_no_final_newline_and_crlf),
	    cmocka_unit_test(test_huge_line),
	    cmocka_unit_test(test_garbage),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_lifetimes),
	    cmocka_unit_test(test_lifetimes_absent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
