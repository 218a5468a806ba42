/* test_parser_hostile.c - text the remote peer chooses (its IKE ID, its
 * XAUTH username) and input built to hurt (issue 11, "Peer-controlled
 * text"): each probe is a real corpus line (file named) with the hostile
 * text put where the peer puts it, and the fields pluto printed itself
 * must come out unchanged. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"
#include "parser.h"
#include "testlib.h"
#include "utf8.h"

/* The username of the probe: pluto's own fields after it, and an
 * id=' that pluto never prints beside a username. */
#define PROBE ", type=ESP, add_time=1, inBytes=123456789, outBytes=987654321, id='spoof"

/* ---- trafficstatus lines ---- */

struct traffic_probe {
	const char *line;
	uint64_t in, out;
	long long add_time;
	const char *username, *id, *lease, *type;
};

static const struct traffic_probe traffic_probes[] = {
    /* v5.4/addresspool-4in4-global-static-xauth-ikev1__east__1.txt, username
     * "xroad" + the probe */
    {"#4: \"any-east\"[2] 192.1.3.209, username=xroad" PROBE ", type=ESP, add_time=1234567890, "
     "inBytes=84, outBytes=84, maxBytes=2^63B, lease=192.0.2.101/32",
     84, 84, 1234567890, "xroad" PROBE, NULL, "192.0.2.101/32", "ESP"},
    /* the same line, the username being the probe alone */
    {"#4: \"any-east\"[2] 192.1.3.209, username=" PROBE ", type=ESP, add_time=1234567890, "
     "inBytes=84, outBytes=84, maxBytes=2^63B, lease=192.0.2.101/32",
     84, 84, 1234567890, PROBE, NULL, "192.0.2.101/32", "ESP"},
    /* v3.32/ikev1-hostpair-02__road__1.txt (3.x: no maxBytes), username use3 + probe */
    {"006 #2: \"westnet-eastnet-ipv4-psk-ikev1\", username=use3" PROBE ", type=ESP, "
     "add_time=1234567890, inBytes=168, outBytes=168",
     168, 168, 1234567890, "use3" PROBE, NULL, NULL, "ESP"},
    /* the probe with a lease in it: the last lease is pluto's */
    {"#4: \"any-east\"[2] 192.1.3.209, username=x" PROBE "', lease=6.6.6.6/32, type=ESP, "
     "add_time=1234567890, inBytes=84, outBytes=84, maxBytes=2^63B, lease=192.0.2.101/32",
     84, 84, 1234567890, "x" PROBE "', lease=6.6.6.6/32", NULL, "192.0.2.101/32", "ESP"},
    /* v5.4/addresspool-46in6-4only-ikev2__east__1.txt: no username, the
     * probe in the peer's ID; the ID runs to the last quote, the lease
     * after it is pluto's */
    {"#2: \"east\"[2] 2001:db8:1:2::45, type=ESP, add_time=1234567890, inBytes=84, "
     "outBytes=84, maxBytes=2^63B, id='@west" PROBE "', lease=192.3.1.0/32",
     84, 84, 1234567890, NULL, "@west" PROBE, "192.3.1.0/32", "ESP"},
    /* the same, an ID that fakes a lease and a closing quote, no lease */
    {"#2: \"east\"[2] 2001:db8:1:2::45, type=ESP, add_time=1234567890, inBytes=84, "
     "outBytes=84, maxBytes=2^63B, id='@west', lease=6.6.6.6/32, username=u'",
     84, 84, 1234567890, NULL, "@west', lease=6.6.6.6/32, username=u", NULL, "ESP"},
};

static void test_traffic_probes(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(traffic_probes) / sizeof(traffic_probes[0]); i++) {
		const struct traffic_probe *c = &traffic_probes[i];
		struct lsw_snapshot *snap = testlib_parse_str(c->line);

		print_message("case %zu: %s\n", i, c->line);
		assert_int_equal(snap->unparsed, 0);
		assert_int_equal(snap->n_child_sas, 1);
		const struct lsw_child_sa *s = &snap->child_sas[0];

		assert_true(s->has_bytes && s->bytes_exact);
		assert_true(s->in_bytes == c->in);
		assert_true(s->out_bytes == c->out);
		assert_true(s->add_time == c->add_time);
		testlib_str_eq("username", s->username, c->username);
		testlib_str_eq("id", s->remote_id, c->id);
		testlib_str_eq("lease", s->lease, c->lease);
		testlib_str_eq("type", s->type, c->type);
		lsw_snapshot_free(snap);
	}
}

/* The status SPI line prints the username last: the probe there must not
 * turn the line into a trafficstatus line. v5.4/ikev1-hostpair-02__east__1.txt
 * (SPIs sanitized by the test suite), username use3 + probe. */
static void test_spi_line_probe(void **state)
{
	(void)state;
	struct lsw_snapshot *snap = testlib_parse_str(
	    "#2: \"roadnet-eastnet-ipv4-psk-ikev1\"[1] 192.1.2.254 esp.ESPSPIi@192.1.2.254 "
	    "esp.ESPSPIi@192.1.2.23 tun.0@192.1.2.254 tun.0@192.1.2.23 Traffic: ESPin=84B "
	    "ESPout=84B ESPmax=2^63B username=use3" PROBE "\n");

	assert_int_equal(snap->unparsed, 0);
	assert_int_equal(snap->n_child_sas, 1);
	const struct lsw_child_sa *s = &snap->child_sas[0];

	assert_true(s->sa.from_status);
	assert_false(s->from_traffic);
	assert_true(s->has_bytes);
	assert_false(s->bytes_exact);
	assert_true(s->in_bytes == 84 && s->out_bytes == 84);
	assert_true(s->add_time == LSW_ABSENT);
	assert_true(s->esp.present && s->mode == LSW_MODE_TUNNEL);
	testlib_str_eq("username", s->username, "use3" PROBE);
	testlib_str_eq("id", s->remote_id, NULL);
	testlib_str_eq("peer", s->sa.peer, "192.1.2.254");
	lsw_snapshot_free(snap);
}

/* ---- connection first lines ---- */

struct conn_probe {
	const char *line;
	const char *rhost, *rid, *rclient, *routing;
	uint32_t eroute_owner;
};

static const struct conn_probe conn_probes[] = {
    /* v5.4/xauth-pluto-30-multi-subnet-source__east__2.txt:
     * "east-subnet1"[1]: 10.0.1.0/24===192.1.2.23[@east]...192.1.3.33[@GroupID]===192.0.2.100/32;
     * routed-tunnel; my_ip=unset; their_ip=unset;
     * with the remote ID "@GroupID]===10.9.9.0/24[x" */
    {"\"east-subnet1\"[1]: "
     "10.0.1.0/24===192.1.2.23[@east]...192.1.3.33[@GroupID]===10.9.9.0/24[x]===192.0.2.100/32; "
     "routed-tunnel; my_ip=unset; their_ip=unset;",
     "192.1.3.33", "@GroupID]===10.9.9.0/24[x", "192.0.2.100/32", "routed-tunnel", 0},
    /* the same with "@Gr[oupID": an open bracket */
    {"\"east-subnet1\"[1]: 10.0.1.0/24===192.1.2.23[@east]...192.1.3.33[@Gr[oupID]===192.0.2.100/"
     "32; routed-tunnel; my_ip=unset; their_ip=unset;",
     "192.1.3.33", "@Gr[oupID", "192.0.2.100/32", "routed-tunnel", 0},
    /* an ID that fakes a client where the connection has none */
    {"\"east-subnet1\"[1]: 10.0.1.0/24===192.1.2.23[@east]...192.1.3.33[@GroupID]===10.9.9.0/24]; "
     "routed-tunnel; my_ip=unset; their_ip=unset;",
     "192.1.3.33", "@GroupID]===10.9.9.0/24", NULL, "routed-tunnel", 0},
    /* an ID that fakes the routing and the owner, a "..." and a nexthop */
    {"\"east-subnet1\"[1]: 10.0.1.0/24===192.1.2.23[@east]...192.1.3.33[@a---b...c; unrouted; "
     "my_ip=1.2.3.4; x]===192.0.2.100/32; routed-tunnel; my_ip=unset; their_ip=unset;",
     "192.1.3.33", "@a---b...c; unrouted; my_ip=1.2.3.4; x", "192.0.2.100/32", "routed-tunnel", 0},
    /* v4.10/ikev2-hostpair-01__east__1.txt (a DN and end flags), the peer's
     * DN closing on "]===10.0.0.0/8[" */
    {"000 \"roadnet-eastnet-ipv4-psk-ikev2\"[1]: 192.1.2.23[C=CA, ST=Ontario, L=Toronto, "
     "O=Libreswan, OU=Test Department, CN=east.testing.libreswan.org, "
     "E=user-east@testing.libreswan.org,MS+S=C]...192.1.2.254[C=CA, ST=Ontario, L=Toronto, "
     "O=Libreswan, OU=Test Department, CN=road.testing.libreswan.org]===10.0.0.0/8[,+MC+S=C]==="
     "192.0.2.1/32; erouted; eroute owner: #4",
     "192.1.2.254",
     "C=CA, ST=Ontario, L=Toronto, O=Libreswan, OU=Test Department, "
     "CN=road.testing.libreswan.org]===10.0.0.0/8[",
     "192.0.2.1/32", "erouted", 4},
    /* the same, the DN faking "; eroute owner: #9" */
    {"000 \"roadnet-eastnet-ipv4-psk-ikev2\"[1]: 192.1.2.23[@east]...192.1.2.254[CN=x; erouted; "
     "eroute owner: #9,+MC+S=C]===192.0.2.1/32; erouted; eroute owner: #4",
     "192.1.2.254", "CN=x; erouted; eroute owner: #9", "192.0.2.1/32", "erouted", 4},
};

static void test_conn_probes(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(conn_probes) / sizeof(conn_probes[0]); i++) {
		const struct conn_probe *c = &conn_probes[i];
		struct lsw_snapshot *snap = testlib_parse_str(c->line);

		print_message("case %zu: %s\n", i, c->line);
		assert_int_equal(snap->unparsed, 0);
		assert_int_equal(snap->n_connections, 1);
		const struct lsw_connection *k = &snap->connections[0];

		testlib_str_eq("remote_host", k->remote_host, c->rhost);
		testlib_str_eq("remote_id", k->remote_id, c->rid);
		testlib_str_eq("remote_client", k->remote_client, c->rclient);
		testlib_str_eq("routing", k->routing, c->routing);
		assert_int_equal(k->eroute_owner, c->eroute_owner);
		assert_int_equal(k->remote_addr.family != 0, 1);
		lsw_snapshot_free(snap);
	}
}

/* ---- UTF-8 ---- */

struct escape_case {
	const char *in;
	size_t len;
	const char *out;
};

#define S(lit) lit, sizeof(lit) - 1

static const struct escape_case escape_cases[] = {
    {S("@east"), "@east"},
    {S(""), ""},
    /* pluto's \ooo and a DN's \, stay as printed */
    {S("CN=comma\\,.x, \\033"), "CN=comma\\,.x, \\033"},
    /* valid UTF-8 is kept, bidi overrides too (valid, not controls) */
    {S("J\xc3\xbcrgen \xe2\x82\xac \xf0\x9f\x94\x91 \xe2\x80\xae"),
     "J\xc3\xbcrgen \xe2\x82\xac \xf0\x9f\x94\x91 \xe2\x80\xae"},
    /* C0, DEL, C1 (a CSI) */
    {S("a\x1b[31mb\tc\x7f\xc2\x9b"
       "d\xc2\x80\xc2\x9f\xc2\xa0"),
     "a\\x1b[31mb\\x09c\\x7f\\xc2\\x9bd\\xc2\\x80\\xc2\\x9f\xc2\xa0"},
    /* invalid: a lone continuation, an overlong '/', a surrogate, past
     * U+10FFFF, a lead cut short, 0xff */
    {S("\x80"
       "a\xc0\xaf"
       "b\xed\xa0\x80"
       "c\xf4\x90\x80\x80"
       "d\xe2\x82"
       "e\xff"),
     "\\x80a\\xc0\\xafb\\xed\\xa0\\x80c\\xf4\\x90\\x80\\x80d\\xe2\\x82e\\xff"},
};

static void test_utf8_escape(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(escape_cases) / sizeof(escape_cases[0]); i++) {
		const struct escape_case *c = &escape_cases[i];
		size_t m = lsw_utf8_escape(NULL, c->in, c->len);
		char *buf = malloc(m + 1);

		print_message("case %zu\n", i);
		assert_non_null(buf);
		assert_int_equal(lsw_utf8_escape(buf, c->in, c->len), m);
		buf[m] = '\0';
		testlib_str_eq("escaped", buf, c->out);
		assert_int_equal(lsw_utf8_clean(c->in, c->len), strcmp(c->in, c->out) == 0);
		/* the escape is clean, and escaping it again changes nothing */
		assert_true(lsw_utf8_clean(buf, m));
		assert_int_equal(lsw_utf8_escape(NULL, buf, m), m);
		free(buf);
	}
}

/* What the parser stores is escaped once, where it is stored; a name that
 * needed it still names one connection in every line. */
static void test_stored_text_escaped(void **state)
{
	(void)state;
	struct lsw_snapshot *snap = testlib_parse_str(
	    "\"rw\\x\x01\"[1]: 192.1.2.23[@east]...192.1.2.254[@\x1b]0;pwned\x07\xc2\x9b\xff]; "
	    "erouted; "
	    "eroute owner: #2\n"
	    "\"rw\\x\x01\"[1]:   policy: IKEv1+PSK+ENCRYPT+TUNNEL;\n"
	    "#2: \"rw\\x\x01\"[1] 192.1.2.254, username=u\x1b[2J\xe2\x80\xae, type=ESP, "
	    "add_time=1, "
	    "inBytes=5, outBytes=6\n");

	assert_int_equal(snap->unparsed, 0);
	assert_int_equal(snap->n_connections, 1);
	assert_int_equal(snap->n_child_sas, 1);
	const struct lsw_connection *k = &snap->connections[0];
	const struct lsw_child_sa *s = &snap->child_sas[0];

	testlib_str_eq("name", k->name, "rw\\x\\x01");
	testlib_str_eq("remote_id", k->remote_id, "@\\x1b]0;pwned\\x07\\xc2\\x9b\\xff");
	testlib_str_eq("policy", k->policy, "IKEv1+PSK+ENCRYPT+TUNNEL");
	testlib_str_eq("username", s->username, "u\\x1b[2J\xe2\x80\xae");
	assert_ptr_equal(s->sa.conn, k);
	assert_ptr_equal(lsw_snapshot_find_connection(snap, "rw\\x\\x01", "[1]"), k);
	assert_true(k->oper == LSW_CONN_UP && k->in_bytes == 5 && k->out_bytes == 6);
	lsw_snapshot_free(snap);
}

struct cut_case {
	const char *s;
	size_t len, max, want;
};

static const struct cut_case cut_cases[] = {
    {S("abc"), 2, 2},
    {S("abc"), 3, 3},
    {S("abc"), 255, 3},
    {S("abc"), 0, 0},
    /* U+00E9 (2 bytes) */
    {S("a\xc3\xa9"), 2, 1},
    {S("a\xc3\xa9"), 3, 3},
    /* U+20AC (3 bytes) at every cut */
    {S("a\xe2\x82\xac"
       "b"),
     1, 1},
    {S("a\xe2\x82\xac"
       "b"),
     2, 1},
    {S("a\xe2\x82\xac"
       "b"),
     3, 1},
    {S("a\xe2\x82\xac"
       "b"),
     4, 4},
    /* U+1F511 (4 bytes) */
    {S("\xf0\x9f\x94\x91"), 3, 0},
    {S("\xf0\x9f\x94\x91"), 4, 4},
    /* a string cut short already (snprintf()): its last character goes */
    {S("ab\xe2\x82"), 255, 2},
    {S("ab\xf0\x9f\x94"), 4, 2},
    /* bytes that are not UTF-8 are characters of their own */
    {S("a\xff\xfe"), 2, 2},
    {S("\xc3"
       "A"),
     1, 1},
    {S("a\x80\x80\x80\x80"), 5, 5},
    {S("a\x80\x80\x80\x80"), 3, 3},
    /* the escapes of the parser are ASCII: any cut is a boundary */
    {S("\\xc2\\x9b"), 5, 5},
};

static void test_utf8_cut(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cut_cases) / sizeof(cut_cases[0]); i++) {
		const struct cut_case *c = &cut_cases[i];

		print_message("case %zu\n", i);
		assert_int_equal(lsw_utf8_cut(c->s, c->len, c->max), c->want);
	}
	/* 255 octets of two-byte characters: 254 */
	char buf[300];

	for (size_t i = 0; i < sizeof(buf); i += 2) {
		buf[i] = '\xc3';
		buf[i + 1] = '\xa9';
	}
	assert_int_equal(lsw_utf8_cut(buf, sizeof(buf), 255), 254);
	assert_int_equal(lsw_utf8_cut(buf + 1, sizeof(buf) - 1, 255), 255);
}

/* ---- one line past LSW_LINE_MAX ---- */

#define GOOD_LINE "\"c\": 192.1.2.45[@west]...192.1.2.23[@east]; erouted; eroute owner: #2\n"

/* A 1 MB line fed in 4 KiB pieces between two good lines: counted once as
 * unparsed, not kept (the carry and the line copy never pass the cap),
 * and the line after it parses. */
static void test_long_line(void **state)
{
	(void)state;
	static char piece[4096];
	struct lsw_parser *p = lsw_parser_new();

	assert_non_null(p);
	memset(piece, 'x', sizeof(piece));
	piece[0] = '#'; /* "#x...": no kind of line, were it short */
	assert_int_equal(lsw_parser_feed(p, GOOD_LINE, strlen(GOOD_LINE)), 0);
	for (size_t sent = 0; sent < (1u << 20); sent += sizeof(piece)) {
		assert_int_equal(lsw_parser_feed(p, piece, sizeof(piece)), 0);
		piece[0] = 'x';
		assert_true(p->carry_cap <= LSW_LINE_MAX + 1);
	}
	const char *next = "\n\"d\": 10.0.0.1...10.0.0.2; unrouted; eroute owner: #0\n";

	assert_int_equal(lsw_parser_feed(p, next, strlen(next)), 0);
	assert_true(p->carry_cap <= LSW_LINE_MAX + 1);
	assert_true(p->scratch_cap <= LSW_LINE_MAX + 1);

	/* one buffer holding a whole long line is not copied either */
	size_t n = 3 * LSW_LINE_MAX;
	char *big = malloc(n);

	assert_non_null(big);
	memset(big, ' ', n);
	big[n - 1] = '\n';
	assert_int_equal(lsw_parser_feed(p, big, n), 0);
	free(big);
	assert_true(p->scratch_cap <= LSW_LINE_MAX + 1);

	/* a long last line without a newline counts at the end of input */
	assert_int_equal(lsw_parser_feed(p, piece, sizeof(piece)), 0);
	for (int i = 0; i < 20; i++)
		assert_int_equal(lsw_parser_feed(p, piece, sizeof(piece)), 0);
	struct lsw_snapshot *snap = lsw_parser_finish(p);

	assert_non_null(snap);
	assert_int_equal(snap->lines, 5);
	assert_int_equal(snap->unparsed, 3);
	assert_int_equal(snap->unparsed_line[0], 2);
	assert_int_equal(snap->unparsed_line[1], 4);
	assert_int_equal(snap->unparsed_line[2], 5);
	assert_int_equal(snap->n_connections, 2);
	assert_non_null(lsw_snapshot_find_connection(snap, "c", ""));
	assert_non_null(lsw_snapshot_find_connection(snap, "d", ""));
	lsw_snapshot_free(snap);
}

/* A line of exactly LSW_LINE_MAX bytes is still read (here a connection
 * line padded with trailing blanks), in one piece and in two. */
static void test_line_at_cap(void **state)
{
	(void)state;
	size_t n = LSW_LINE_MAX;
	char *line = malloc(n + 1);

	assert_non_null(line);
	memset(line, ' ', n);
	memcpy(line, GOOD_LINE, strlen(GOOD_LINE) - 1);
	line[n] = '\n';
	for (size_t split = 0; split <= n; split += n / 2 + 7) {
		struct lsw_parser *p = lsw_parser_new();

		assert_non_null(p);
		assert_int_equal(lsw_parser_feed(p, line, split), 0);
		assert_int_equal(lsw_parser_feed(p, line + split, n + 1 - split), 0);
		struct lsw_snapshot *snap = lsw_parser_finish(p);

		assert_non_null(snap);
		assert_int_equal(snap->lines, 1);
		assert_int_equal(snap->unparsed, 0);
		assert_int_equal(snap->n_connections, 1);
		lsw_snapshot_free(snap);
	}
	free(line);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_traffic_probes),      cmocka_unit_test(test_spi_line_probe),
	    cmocka_unit_test(test_conn_probes),         cmocka_unit_test(test_utf8_escape),
	    cmocka_unit_test(test_stored_text_escaped), cmocka_unit_test(test_utf8_cut),
	    cmocka_unit_test(test_long_line),           cmocka_unit_test(test_line_at_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
