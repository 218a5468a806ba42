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

#include "parser.h"
#include "testlib.h"
#include "utf8.h"

/* The username of the probe: pluto's own fields after it, and an
 * id=' that pluto never prints beside a username. */
#define PROBE ", type=ESP, add_time=1, inBytes=123456789, outBytes=987654321, id='spoof"

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
    {S("a\x1b[31mb\tc\x7f\xc2\x9b" "d\xc2\x80\xc2\x9f\xc2\xa0"),
     "a\\x1b[31mb\\x09c\\x7f\\xc2\\x9bd\\xc2\\x80\\xc2\\x9f\xc2\xa0"},
    /* invalid: a lone continuation, an overlong '/', a surrogate, past
     * U+10FFFF, a lead cut short, 0xff */
    {S("\x80" "a\xc0\xaf" "b\xed\xa0\x80" "c\xf4\x90\x80\x80" "d\xe2\x82" "e\xff"),
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
	    "\"rw\\x\x01\"[1]: 192.1.2.23[@east]...192.1.2.254[@\x1b]0;pwned\x07\xc2\x9b\xff]; erouted; "
	    "eroute owner: #2\n"
	    "\"rw\\x\x01\"[1]:   policy: IKEv1+PSK+ENCRYPT+TUNNEL;\n"
	    "#2: \"rw\\x\x01\"[1] 192.1.2.254, username=u\x1b[2J\xe2\x80\xae, type=ESP, add_time=1, "
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
    {S("a\xe2\x82\xac" "b"), 1, 1},
    {S("a\xe2\x82\xac" "b"), 2, 1},
    {S("a\xe2\x82\xac" "b"), 3, 1},
    {S("a\xe2\x82\xac" "b"), 4, 4},
    /* U+1F511 (4 bytes) */
    {S("\xf0\x9f\x94\x91"), 3, 0},
    {S("\xf0\x9f\x94\x91"), 4, 4},
    /* a string cut short already (snprintf()): its last character goes */
    {S("ab\xe2\x82"), 255, 2},
    {S("ab\xf0\x9f\x94"), 4, 2},
    /* bytes that are not UTF-8 are characters of their own */
    {S("a\xff\xfe"), 2, 2},
    {S("\xc3" "A"), 1, 1},
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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_utf8_escape),
	    cmocka_unit_test(test_stored_text_escaped),
	    cmocka_unit_test(test_utf8_cut),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
