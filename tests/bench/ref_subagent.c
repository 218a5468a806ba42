/* ref_subagent.c - the reference for what AgentX itself costs.
 *
 * A subagent that serves N rows x 7 columns from a static array under
 * NET-SNMP-MIB::netSnmpPlaypen (1.3.6.1.4.1.8072.9999.9999.41286.1), with
 * a handler registered by netsnmp_register_table() that finds the next row
 * by index arithmetic. Nothing can be cheaper per varbind, so a walk of the
 * real agent's tables is compared with a walk of this one (tests/bench/
 * run-bench).
 *
 *   ref_subagent -x AGENTX_SOCKET -n ROWS
 *
 * Runs in the foreground until SIGTERM/SIGINT; prints "ready" on stdout
 * once registered.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#define REF_COLUMNS 7

struct ref_row {
	long index;
	char name[32];
	uint8_t addr[4];
	struct counter64 in_octets, out_octets;
	long state;
	u_long changed;
};

struct ref_table {
	struct ref_row *rows;
	long n;
};

static volatile sig_atomic_t ref_stop;

static void ref_on_signal(int sig)
{
	(void)sig;
	ref_stop = 1;
}

/* Row index (1-based) of the first row after the instance in the request,
 * 1 when the request names no row. */
static long ref_next_index(const netsnmp_table_request_info *ti)
{
	if (ti->index_oid_len == 0)
		return 1;
	/* Any suffix after N (N.0, N.1.2) sorts after N itself. */
	return (long)ti->index_oid[0] + 1;
}

static void ref_set_value(netsnmp_request_info *req, const struct ref_row *r, unsigned col)
{
	switch (col) {
	case 1:
		snmp_set_var_typed_value(req->requestvb, ASN_INTEGER, &r->index, sizeof(r->index));
		break;
	case 2:
		snmp_set_var_typed_value(req->requestvb, ASN_OCTET_STR, r->name, strlen(r->name));
		break;
	case 3:
		snmp_set_var_typed_value(req->requestvb, ASN_OCTET_STR, r->addr, sizeof(r->addr));
		break;
	case 4:
		snmp_set_var_typed_value(req->requestvb, ASN_COUNTER64, &r->in_octets,
		                         sizeof(r->in_octets));
		break;
	case 5:
		snmp_set_var_typed_value(req->requestvb, ASN_COUNTER64, &r->out_octets,
		                         sizeof(r->out_octets));
		break;
	case 6:
		snmp_set_var_typed_value(req->requestvb, ASN_INTEGER, &r->state, sizeof(r->state));
		break;
	default:
		snmp_set_var_typed_value(req->requestvb, ASN_TIMETICKS, &r->changed,
		                         sizeof(r->changed));
		break;
	}
}

static int ref_handler(netsnmp_mib_handler *handler, netsnmp_handler_registration *reginfo,
                       netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
	const struct ref_table *t = handler->myvoid;
	netsnmp_request_info *req;

	for (req = requests; req; req = req->next) {
		netsnmp_table_request_info *ti;
		long idx;
		unsigned col;

		if (req->processed)
			continue;
		ti = netsnmp_extract_table_info(req);
		if (!ti)
			continue;
		col = ti->colnum;
		switch (reqinfo->mode) {
		case MODE_GET:
			idx = ti->index_oid_len == 1 ? (long)ti->index_oid[0] : 0;
			if (col < 1 || col > REF_COLUMNS || idx < 1 || idx > t->n) {
				netsnmp_set_request_error(reqinfo, req, SNMP_NOSUCHINSTANCE);
				continue;
			}
			ref_set_value(req, &t->rows[idx - 1], col);
			break;
		case MODE_GETNEXT: {
			oid name[MAX_OID_LEN];
			size_t len = reginfo->rootoid_len;

			idx = ref_next_index(ti);
			if (idx > t->n) {
				col++;
				idx = 1;
			}
			if (col > REF_COLUMNS || t->n == 0)
				continue; /* past the table: the agent moves on */
			memcpy(name, reginfo->rootoid, len * sizeof(oid));
			name[len++] = 1; /* entry */
			name[len++] = col;
			name[len++] = (oid)idx;
			snmp_set_var_objid(req->requestvb, name, len);
			ref_set_value(req, &t->rows[idx - 1], col);
			break;
		}
		default:
			netsnmp_set_request_error(reqinfo, req, SNMP_ERR_NOTWRITABLE);
			break;
		}
	}
	return SNMP_ERR_NOERROR;
}

static int ref_register(struct ref_table *t)
{
	static const oid root[] = {1, 3, 6, 1, 4, 1, 8072, 9999, 9999, 41286, 1};
	netsnmp_handler_registration *reg;
	netsnmp_table_registration_info *info;

	reg = netsnmp_create_handler_registration("refTable", ref_handler, root, OID_LENGTH(root),
	                                          HANDLER_CAN_RONLY);
	info = SNMP_MALLOC_TYPEDEF(netsnmp_table_registration_info);
	if (!reg || !info)
		return -1;
	reg->handler->myvoid = t;
	netsnmp_table_helper_add_indexes(info, ASN_INTEGER, 0);
	info->min_column = 1;
	info->max_column = REF_COLUMNS;
	return netsnmp_register_table(reg, info) == MIB_REGISTERED_OK ? 0 : -1;
}

int main(int argc, char **argv)
{
	const char *sock = NULL;
	struct ref_table t = {0};
	struct sigaction sa;
	long i;
	int c;

	while ((c = getopt(argc, argv, "x:n:")) != -1) {
		switch (c) {
		case 'x':
			sock = optarg;
			break;
		case 'n':
			t.n = strtol(optarg, NULL, 10);
			break;
		default:
			fprintf(stderr, "usage: ref_subagent -x SOCKET -n ROWS\n");
			return 2;
		}
	}
	if (!sock || t.n < 0) {
		fprintf(stderr, "usage: ref_subagent -x SOCKET -n ROWS\n");
		return 2;
	}
	t.rows = calloc((size_t)t.n + 1, sizeof(*t.rows));
	if (!t.rows)
		return 1;
	for (i = 0; i < t.n; i++) {
		struct ref_row *r = &t.rows[i];
		uint64_t in = (uint64_t)i * 7919, out = (uint64_t)i * 104729 + 5000000000u;

		r->index = i + 1;
		snprintf(r->name, sizeof(r->name), "rw[%ld]", i + 1);
		r->addr[0] = 100;
		r->addr[1] = (uint8_t)(64 + ((i + 1) >> 16));
		r->addr[2] = (uint8_t)((i + 1) >> 8);
		r->addr[3] = (uint8_t)(i + 1);
		r->in_octets.high = (u_long)(in >> 32);
		r->in_octets.low = (u_long)(in & 0xffffffffu);
		r->out_octets.high = (u_long)(out >> 32);
		r->out_octets.low = (u_long)(out & 0xffffffffu);
		r->state = 3;
		r->changed = (u_long)i;
	}

	snmp_disable_log();
	snmp_enable_stderrlog();
	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE, 1);
	netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_X_SOCKET, sock);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_ALARM_DONT_USE_SIG, 1);
	init_agent("ref_subagent");
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL, 1);
	if (ref_register(&t) < 0) {
		fprintf(stderr, "ref_subagent: cannot register the table\n");
		return 1;
	}
	init_snmp("ref_subagent");

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = ref_on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	printf("ready\n");
	fflush(stdout);
	while (!ref_stop)
		agent_check_and_process(1);
	snmp_shutdown("ref_subagent");
	free(t.rows);
	return 0;
}
