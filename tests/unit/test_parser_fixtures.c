/* test_parser_fixtures.c - counts and one Child SA of each of 26 files
 * copied from the corpus (tests/data/corpus/<version>/): the same tests
 * across 3.32, 4.10 and 5.4 where libreswan kept them, every command. The
 * expected values are read off the files themselves (the last Child SA of
 * the file is the probe). */
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

struct fixture {
	const char *file;
	size_t lines, unparsed, conns, conns_up, ike, ike_est, child, child_est;
	unsigned long long child_in_bytes; /* summed over Child SAs with counts */
	uint32_t last_child, last_child_parent;
	const char *last_conn, *last_inst, *last_peer;
};

static const struct fixture fixtures[] = {
    {"v3.32/ikev1-hostpair-02__east__1.txt", 7, 0, 0, 0, 3, 3, 4, 4, 0, 8, 7,
     "roadnet-eastnet-ipv4-psk-ikev1", "[1]", "192.1.2.254"},
    {"v3.32/ikev1-hostpair-02__road__1.txt", 1, 0, 0, 0, 0, 0, 1, 1, 168, 2, 0,
     "westnet-eastnet-ipv4-psk-ikev1", "", NULL},
    {"v3.32/ikev2-41-rw-replace__road__2.txt", 140, 0, 2, 1, 1, 1, 1, 1, 672, 2, 3,
     "road-east-x509-ipv4", "[1]", "192.1.2.23"},
    {"v3.32/ikev2-child-04-dh-none-pfs-yes__west__1.txt", 5, 0, 0, 0, 0, 0, 5, 5, 420, 6, 0,
     "westnet-eastnet-ikev2-11", "", NULL},
    {"v3.32/ikev2-delete-01__west__2.txt", 124, 0, 1, 1, 1, 1, 1, 1, 336, 2, 1,
     "westnet-eastnet-ipv4-psk-ikev2", "", "192.1.2.23"},
    {"v3.32/interop-ikev2-strongswan-15-child-sa-responder__west__2.txt", 65, 0, 3, 3, 1, 1, 3, 3,
     672, 4, 1, "westnet-eastnet-ikev2c", "", "192.1.2.23"},
    {"v3.32/newoe-25-cat-3-4-way__road__5.txt", 3, 0, 0, 0, 0, 0, 3, 3, 756, 6, 0,
     "private-or-clear#192.1.3.33/32", "[1]", "192.1.3.33"},
    {"v4.10/basic-pluto-08-misc__west__1.txt", 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, NULL, NULL, NULL},
    {"v4.10/certoe-03-cop-whack__road__2.txt", 1, 0, 0, 0, 0, 0, 1, 1, 0, 2, 0,
     "private-or-clear#192.1.2.0/24", "[1]", "192.1.2.23"},
    {"v4.10/certoe-06-nat-packet-cop__east__2.txt", 1, 0, 0, 0, 0, 0, 1, 1, 168, 2, 0,
     "clear-or-private#192.1.2.0/24", "[1]", "192.1.2.254"},
    {"v4.10/delete-sa-03__east__2.txt", 56, 0, 3, 2, 1, 1, 2, 2, 0, 4, 1, "west-east-c", "",
     "192.1.2.45"},
    {"v4.10/ikev2-41-rw-replace__road__2.txt", 135, 0, 2, 1, 1, 1, 1, 1, 168, 2, 3,
     "road-east-x509-ipv4", "[1]", "192.1.2.23"},
    {"v4.10/ikev2-child-04-dh-none-pfs-yes__west__1.txt", 5, 0, 0, 0, 0, 0, 5, 5, 420, 6, 0,
     "westnet-eastnet-ikev2-11", "", NULL},
    {"v4.10/ikev2-child-rekey-07-deadlock__west__1.txt", 9, 0, 0, 0, 1, 1, 4, 4, 0, 9, 1,
     "west-east/4x0", "", NULL},
    {"v4.10/ikev2-delete-01__west__2.txt", 118, 0, 1, 1, 1, 1, 1, 1, 84, 2, 1,
     "westnet-eastnet-ipv4-psk-ikev2", "", "192.1.2.23"},
    {"v4.10/ikev2-ike-rekey-04__west__5.txt", 7, 0, 0, 0, 1, 1, 3, 3, 0, 14, 8,
     "westnet-eastnet-ikev2c", "", NULL},
    {"v4.10/interop-ikev2-strongswan-15-child-sa-responder__west__2.txt", 68, 0, 3, 3, 1, 1, 3, 3,
     168, 4, 1, "westnet-eastnet-ikev2c", "", "192.1.2.23"},
    {"v5.4/addresspool-4in4-global-static-xauth-ikev1__east__1.txt", 2, 0, 0, 0, 0, 0, 2, 2, 168, 4,
     0, "any-east", "[2]", "192.1.3.209"},
    {"v5.4/crossing-streams-24-ikev2-delete-connswitch-github-2101__west__1.txt", 53, 0, 2, 0, 0, 0,
     0, 0, 0, 0, 0, NULL, NULL, NULL},
    {"v5.4/ikev2-41-rw-replace__road__2.txt", 151, 0, 2, 1, 1, 1, 1, 1, 168, 2, 3,
     "road-east-x509-ipv4", "[1]", "192.1.2.23"},
    {"v5.4/ikev2-child-04-dh-none-pfs-yes__west__1.txt", 5, 0, 0, 0, 0, 0, 5, 5, 420, 6, 0,
     "westnet-eastnet-ikev2-pfs=yes-esp=aes;none", "", NULL},
    {"v5.4/ikev2-delete-01__west__2.txt", 126, 0, 1, 1, 1, 1, 1, 1, 84, 2, 1,
     "westnet-eastnet-ipv4-psk-ikev2", "", "192.1.2.23"},
    {"v5.4/ikev2-ike-rekey-04__west__5.txt", 7, 0, 0, 0, 1, 1, 3, 3, 0, 14, 8,
     "westnet-eastnet-ikev2c", "", NULL},
    {"v5.4/ikev2-rw-multiple-subnets-4-mismatch__road__2.txt", 13, 0, 0, 0, 1, 1, 6, 6, 0, 9, 1,
     "road/0x8", "", NULL},
    {"v5.4/interop-ikev2-strongswan-15-child-sa-responder__west__2.txt", 86, 0, 3, 3, 1, 1, 3, 3,
     168, 4, 1, "westnet-eastnet-ikev2c", "", "192.1.2.23"},
    {"v5.4/whack-ctlsocket-01__west__1.txt", 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, NULL, NULL, NULL},
};

static void test_fixtures(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		const struct fixture *fx = &fixtures[i];
		size_t len;
		char *buf = testlib_slurp_data("corpus", fx->file, &len);
		struct lsw_snapshot *s = lsw_parse(buf, len);
		size_t up = 0, ike_est = 0, child_est = 0;
		unsigned long long in = 0;

		print_message("%s\n", fx->file);
		assert_non_null(s);
		assert_int_equal(s->lines, fx->lines);
		assert_int_equal(s->unparsed, fx->unparsed);
		assert_int_equal(s->n_connections, fx->conns);
		assert_int_equal(s->n_ike_sas, fx->ike);
		assert_int_equal(s->n_child_sas, fx->child);
		for (size_t j = 0; j < s->n_connections; j++)
			up += s->connections[j].oper == LSW_CONN_UP;
		for (size_t j = 0; j < s->n_ike_sas; j++)
			ike_est += s->ike_sas[j].sa.state == LSW_SA_ESTABLISHED;
		for (size_t j = 0; j < s->n_child_sas; j++) {
			child_est += s->child_sas[j].sa.state == LSW_SA_ESTABLISHED;
			if (s->child_sas[j].has_bytes)
				in += s->child_sas[j].in_bytes;
		}
		assert_int_equal(up, fx->conns_up);
		assert_int_equal(ike_est, fx->ike_est);
		assert_int_equal(child_est, fx->child_est);
		assert_true(in == fx->child_in_bytes);
		if (fx->child) {
			const struct lsw_child_sa *c = &s->child_sas[s->n_child_sas - 1];

			assert_int_equal(c->sa.serial, fx->last_child);
			assert_int_equal(c->ike_sa, fx->last_child_parent);
			assert_ptr_equal(lsw_snapshot_find_child_sa(s, fx->last_child), c);
			assert_string_equal(c->sa.connection, fx->last_conn);
			assert_string_equal(c->sa.instance, fx->last_inst);
			if (fx->last_peer)
				assert_string_equal(c->sa.peer, fx->last_peer);
			else
				assert_null(c->sa.peer);
			if (c->ike_sa && lsw_snapshot_find_ike_sa(s, c->ike_sa))
				assert_int_equal(lsw_snapshot_find_ike_sa(s, c->ike_sa)->sa.serial,
				                 c->ike_sa);
		}
		lsw_snapshot_free(s);
		free(buf);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fixtures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
