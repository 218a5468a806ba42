/* getlat.c - GET latency of an SNMP agent: p50, p99, max.
 *
 *   getlat -p PORT [-c COMMUNITY] [-n COUNT] [-s SECONDS] [-i GAP_MS] OID
 *
 * Sends COUNT (default 1000) SNMPv2c GETs of the numeric OID to
 * 127.0.0.1:PORT, one after the other on one session (no process start-up
 * in the figures, unlike a loop of snmpget), or as many as fit in SECONDS
 * when -s is given, with GAP_MS between them. Prints one line:
 *   n=1000 ok=1000 err=0 timeout=0 p50_ms=0.210 p99_ms=0.480 max_ms=1.900 over100ms=0
 * A request that times out (5 s, no retry) counts as 5000 ms. over100ms counts
 * the requests that waited 100 ms or more (a stalled event loop).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

static int getlat_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double getlat_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	const char *port = NULL, *community = "public";
	long count = 1000, gap_ms = 0;
	double seconds = 0, end, *lat;
	long n = 0, ok = 0, err = 0, timeouts = 0, slow = 0, cap;
	oid name[MAX_OID_LEN];
	size_t name_len = MAX_OID_LEN;
	netsnmp_session sess, *ss;
	char peer[64];
	int c;

	while ((c = getopt(argc, argv, "p:c:n:s:i:")) != -1) {
		switch (c) {
		case 'p':
			port = optarg;
			break;
		case 'c':
			community = optarg;
			break;
		case 'n':
			count = strtol(optarg, NULL, 10);
			break;
		case 's':
			seconds = strtod(optarg, NULL);
			break;
		case 'i':
			gap_ms = strtol(optarg, NULL, 10);
			break;
		default:
			goto usage;
		}
	}
	if (!port || optind != argc - 1 || count <= 0)
		goto usage;
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
	init_snmp("getlat");
	if (!read_objid(argv[optind], name, &name_len)) {
		fprintf(stderr, "getlat: bad OID %s\n", argv[optind]);
		return 2;
	}
	snmp_sess_init(&sess);
	snprintf(peer, sizeof(peer), "udp:127.0.0.1:%s", port);
	sess.peername = peer;
	sess.version = SNMP_VERSION_2c;
	sess.community = (u_char *)strdup(community);
	sess.community_len = strlen(community);
	sess.timeout = 5000000;
	sess.retries = 0;
	ss = snmp_open(&sess);
	if (!ss) {
		snmp_perror("getlat: snmp_open");
		return 1;
	}
	cap = seconds > 0 ? 1000000 : count;
	lat = calloc((size_t)cap, sizeof(*lat));
	if (!lat)
		return 1;
	end = getlat_now() + seconds;
	while (n < cap && (seconds > 0 ? getlat_now() < end : n < count)) {
		netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_GET), *resp = NULL;
		double t0 = getlat_now();
		int st;

		snmp_add_null_var(pdu, name, name_len);
		st = snmp_synch_response(ss, pdu, &resp);
		lat[n] = (getlat_now() - t0) * 1000.0;
		if (st == STAT_SUCCESS && resp && resp->errstat == SNMP_ERR_NOERROR &&
		    resp->variables && resp->variables->type != SNMP_NOSUCHOBJECT &&
		    resp->variables->type != SNMP_NOSUCHINSTANCE)
			ok++;
		else if (st == STAT_TIMEOUT)
			timeouts++;
		else
			err++;
		if (resp)
			snmp_free_pdu(resp);
		n++;
		if (gap_ms > 0)
			usleep((useconds_t)gap_ms * 1000);
	}
	qsort(lat, (size_t)n, sizeof(*lat), getlat_cmp);
	for (long i = 0; i < n; i++)
		slow += lat[i] >= 100.0;
	printf(
	    "n=%ld ok=%ld err=%ld timeout=%ld p50_ms=%.3f p99_ms=%.3f max_ms=%.3f over100ms=%ld\n",
	    n, ok, err, timeouts, n ? lat[n / 2] : 0.0, n ? lat[(n * 99) / 100] : 0.0,
	    n ? lat[n - 1] : 0.0, slow);
	free(lat);
	snmp_close(ss);
	return 0;
usage:
	fprintf(stderr,
	        "usage: getlat -p PORT [-c COMMUNITY] [-n COUNT] [-s SECONDS] [-i GAP_MS] OID\n");
	return 2;
}
