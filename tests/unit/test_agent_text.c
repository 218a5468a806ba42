/* test_agent_text.c - SnmpAdminString values are cut at 255 octets (the
 * lsEventTable strings too, and lsEventText that the notifier cut at 200
 * bytes before) without splitting a UTF-8 character (issue 11). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "events.h"
#include "mib_value.h"

/* n bytes of U+00E9 (two bytes each), then NUL. */
static void fill_e_acute(char *buf, size_t n, size_t from)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = (i + from) % 2 ? '\xa9' : '\xc3';
	buf[n] = '\0';
}

static void test_value_string_cut(void **state)
{
	(void)state;
	static const struct {
		size_t len, lead, want; /* lead: 1 = an ASCII byte first */
	} cases[] = {
	    {300, 0, 254}, /* 255 would split the 128th character */
	    {300, 1, 255}, /* "x" + 127 characters end on 255 */
	    {255, 1, 255}, {254, 0, 254}, {10, 0, 10},
	};
	char buf[400];
	struct lsw_value v;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fill_e_acute(buf, cases[i].len, cases[i].lead);
		if (cases[i].lead)
			buf[0] = 'x';
		lsw_value_string(&v, buf);
		assert_int_equal(v.len, cases[i].want);
	}
	lsw_value_string(&v, NULL);
	assert_int_equal(v.len, 0);
}

/* The notifier writes lsEventText with snprintf() into 200 bytes, which
 * may end in half a character; IDs longer than 255 octets are cut. */
static void test_event_strings_cut(void **state)
{
	(void)state;
	struct lsw_events *ev = lsw_events_new(4);
	struct lsw_event_rec rec;
	char text[200], id[400];

	assert_non_null(ev);
	memset(&rec, 0, sizeof(rec));
	/* 196 "a", then U+20AC cut after two of its three bytes */
	memset(text, 'a', sizeof(text));
	memcpy(text + 196, "\xe2\x82", 2);
	text[198] = '\0';
	fill_e_acute(id, 300, 0);
	rec.text = text;
	rec.remote_id = id;
	const struct lsw_event_rec *r = lsw_events_add(ev, &rec);

	assert_non_null(r);
	assert_int_equal(strlen(r->text), 196);
	assert_int_equal(strlen(r->remote_id), 254);
	lsw_events_free(ev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_value_string_cut),
	    cmocka_unit_test(test_event_strings_cut),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
