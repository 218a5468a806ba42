/* config.c - command line and config file, one setter for both. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"

static void seterr(char *err, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void seterr(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

int lsw_config_parse_traps(const char *list, unsigned *mask, char *err, size_t errlen)
{
	static const struct {
		const char *word;
		unsigned bits;
	} words[] = {
	    {"conn", LSW_TRAP_CONN},
	    {"ikesa", LSW_TRAP_IKESA},
	    {"ipsecsa", LSW_TRAP_IPSECSA},
	    {"state", LSW_TRAP_STATE},
	    {"collector", LSW_TRAP_COLLECTOR},
	    {"kernel", LSW_TRAP_KERNEL},
	    {"ikefail", LSW_TRAP_IKEFAIL},
	    {"all", LSW_TRAP_ALL},
	    {"none", 0},
	};
	unsigned m = 0;
	const char *p = list ? list : "";
	bool any = false, none = false;
	size_t words_seen = 0;

	for (;;) {
		size_t len, skip = strspn(p, " \t"), i;
		bool known = false;

		p += skip;
		len = strcspn(p, ", \t");
		for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
			if (len == strlen(words[i].word) && strncmp(p, words[i].word, len) == 0) {
				m |= words[i].bits;
				known = true;
				none |= words[i].bits == 0;
			}
		}
		if (!known) {
			if (err && errlen)
				snprintf(
				    err, errlen,
				    "traps: unknown word \"%.*s\" (use conn, ikesa, ipsecsa, "
				    "state, "
				    "collector, kernel, ikefail, all or none, separated by commas)",
				    (int)(len > 40 ? 40 : len), p);
			return -1;
		}
		any = true;
		words_seen++;
		p += len;
		p += strspn(p, " \t");
		if (*p == '\0')
			break;
		if (*p != ',') {
			if (err && errlen)
				snprintf(err, errlen, "traps: expected a comma before \"%.40s\"",
				         p);
			return -1;
		}
		p++;
	}
	if (!any) {
		if (err && errlen)
			snprintf(err, errlen, "traps: empty list");
		return -1;
	}
	/* "none,all" says two opposite things: refuse it rather than guess. */
	if (none && words_seen > 1) {
		if (err && errlen)
			snprintf(err, errlen, "traps: none excludes the other words of the list");
		return -1;
	}
	*mask = m;
	return 0;
}

void lsw_config_init(struct lsw_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->interval_ms = LSW_DEFAULT_INTERVAL_MS;
	cfg->full_interval_ms = LSW_DEFAULT_FULL_INTERVAL * 1000;
	cfg->timeout = LSW_DEFAULT_TIMEOUT;
	cfg->ping_interval = LSW_DEFAULT_PING_INTERVAL;
	cfg->fail_after = LSW_DEFAULT_FAIL_AFTER;
	cfg->max_output = LSW_DEFAULT_MAX_OUTPUT;
	cfg->notify.traps = LSW_TRAP_DEFAULT;
	cfg->kernel_stats = LSW_KERNEL_MODE_AUTO;
	cfg->ike_stats = true;
	cfg->ike_failures = LSW_DEFAULT_IKE_FAILURES;
	cfg->ike_holdoff = LSW_DEFAULT_IKE_HOLDOFF;
	cfg->notify.history = LSW_EVENT_HISTORY_DEFAULT;
	cfg->notify.rate_limit = LSW_TRAP_RATE_LIMIT_DEFAULT;
}

void lsw_config_free(struct lsw_config *cfg)
{
	free(cfg->config_file);
	free(cfg->agentx_socket);
	free(cfg->ipsec);
	free(cfg->ctlsocket);
	free(cfg->status_file);
	free(cfg->traffic_file);
	free(cfg->xfrm_file);
	free(cfg->xfrm_stat_file);
	free(cfg->globalstatus_file);
	for (size_t i = 0; i < cfg->n_debug; i++)
		free(cfg->debug[i]);
	memset(cfg, 0, sizeof(*cfg));
}

static int set_string(char **dst, const char *value, const char *key, char *err, size_t errlen)
{
	char *s;

	if (value[0] == '\0') {
		seterr(err, errlen, "%s: empty value", key);
		return -1;
	}
	s = strdup(value);
	if (s == NULL) {
		seterr(err, errlen, "out of memory");
		return -1;
	}
	free(*dst);
	*dst = s;
	return 0;
}

/* A path made absolute now: the daemon chdir()s to / when it detaches. */
static int set_path(char **dst, const char *value, const char *key, char *err, size_t errlen)
{
	char cwd[4096], *abs;
	int rc;

	if (value[0] == '/' || value[0] == '\0')
		return set_string(dst, value, key, err, errlen);
	if (getcwd(cwd, sizeof(cwd)) == NULL) {
		seterr(err, errlen, "%s: getcwd: %s", key, strerror(errno));
		return -1;
	}
	if (asprintf(&abs, "%s/%s", cwd, value) < 0) {
		seterr(err, errlen, "out of memory");
		return -1;
	}
	rc = set_string(dst, abs, key, err, errlen);
	free(abs);
	return rc;
}

static int set_number(unsigned long *dst, const char *value, unsigned long min, unsigned long max,
                      const char *key, char *err, size_t errlen)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(value, &end, 10);
	if (value[0] < '0' || value[0] > '9' || *end != '\0' || errno != 0 || n < min || n > max) {
		seterr(err, errlen, "%s: '%s' is not a number from %lu to %lu", key, value, min,
		       max);
		return -1;
	}
	*dst = n;
	return 0;
}

/* Seconds with up to three decimals ("10", "0.1", "2.5") into
 * milliseconds, from LSW_MIN_INTERVAL_MS (or 0 when zero_ok) to
 * LSW_MAX_INTERVAL_MS. */
static int set_seconds(unsigned *dst, const char *value, bool zero_ok, const char *key, char *err,
                       size_t errlen)
{
	const char *p = value;
	unsigned long long ms = 0;
	unsigned digits = 0, decimals = 0;

	for (; *p >= '0' && *p <= '9' && digits < 9; p++, digits++)
		ms = ms * 10 + (unsigned)(*p - '0');
	ms *= 1000;
	if (*p == '.' && digits > 0) {
		unsigned scale = 100;

		for (p++; *p >= '0' && *p <= '9' && decimals < 3; p++, decimals++, scale /= 10)
			ms += (unsigned)(*p - '0') * scale;
		if (decimals == 0)
			digits = 0;
	}
	if (digits == 0 || *p != '\0' || (ms < LSW_MIN_INTERVAL_MS && !(zero_ok && ms == 0)) ||
	    ms > LSW_MAX_INTERVAL_MS) {
		seterr(err, errlen,
		       "%s: '%s' is not a number of seconds from %s0.05 to %u (3 decimals at most)",
		       key, value, zero_ok ? "0 or " : "", LSW_MAX_INTERVAL_MS / 1000);
		return -1;
	}
	*dst = (unsigned)ms;
	return 0;
}

static int set_bool(bool *dst, const char *value, const char *key, char *err, size_t errlen)
{
	if (strcmp(value, "yes") == 0 || strcmp(value, "true") == 0 || strcmp(value, "1") == 0) {
		*dst = true;
		return 0;
	}
	if (strcmp(value, "no") == 0 || strcmp(value, "false") == 0 || strcmp(value, "0") == 0) {
		*dst = false;
		return 0;
	}
	seterr(err, errlen, "%s: '%s' is not yes or no", key, value);
	return -1;
}

int lsw_config_set(struct lsw_config *cfg, const char *key, const char *value, char *err,
                   size_t errlen)
{
	unsigned long n;

	if (strcmp(key, "foreground") == 0)
		return set_bool(&cfg->foreground, value, key, err, errlen);
	if (strcmp(key, "agentx-socket") == 0)
		return set_string(&cfg->agentx_socket, value, key, err, errlen);
	if (strcmp(key, "ipsec") == 0) {
		if (value[0] != '/') {
			seterr(err, errlen, "ipsec: '%s' is not an absolute path", value);
			return -1;
		}
		return set_string(&cfg->ipsec, value, key, err, errlen);
	}
	if (strcmp(key, "ctlsocket") == 0)
		return set_path(&cfg->ctlsocket, value, key, err, errlen);
	if (strcmp(key, "status-file") == 0)
		return set_path(&cfg->status_file, value, key, err, errlen);
	if (strcmp(key, "traffic-file") == 0)
		return set_path(&cfg->traffic_file, value, key, err, errlen);
	if (strcmp(key, "xfrm-file") == 0)
		return set_path(&cfg->xfrm_file, value, key, err, errlen);
	if (strcmp(key, "xfrm-stat-file") == 0)
		return set_path(&cfg->xfrm_stat_file, value, key, err, errlen);
	if (strcmp(key, "globalstatus-file") == 0)
		return set_path(&cfg->globalstatus_file, value, key, err, errlen);
	if (strcmp(key, "ike-stats") == 0)
		return set_bool(&cfg->ike_stats, value, key, err, errlen);
	if (strcmp(key, "kernel-stats") == 0) {
		if (strcmp(value, "auto") == 0) {
			cfg->kernel_stats = LSW_KERNEL_MODE_AUTO;
			return 0;
		}
		bool on;
		if (set_bool(&on, value, key, err, errlen) < 0) {
			seterr(err, errlen, "kernel-stats: '%s' is not yes, no or auto", value);
			return -1;
		}
		cfg->kernel_stats = on ? LSW_KERNEL_MODE_YES : LSW_KERNEL_MODE_NO;
		return 0;
	}
	if (strcmp(key, "ike-failures") == 0) {
		if (set_number(&n, value, 0, 1000000, key, err, errlen) < 0)
			return -1;
		cfg->ike_failures = (unsigned)n;
		return 0;
	}
	if (strcmp(key, "ike-failures-holdoff") == 0) {
		if (set_number(&n, value, 0, 86400, key, err, errlen) < 0)
			return -1;
		cfg->ike_holdoff = (unsigned)n;
		return 0;
	}
	if (strcmp(key, "debug") == 0) {
		if (cfg->n_debug >= LSW_DEBUG_TOKENS_MAX) {
			seterr(err, errlen, "debug: more than %d tokens", LSW_DEBUG_TOKENS_MAX);
			return -1;
		}
		if (set_string(&cfg->debug[cfg->n_debug], value, key, err, errlen) < 0)
			return -1;
		cfg->n_debug++;
		return 0;
	}
	if (strcmp(key, "traps") == 0) {
		unsigned mask;
		char why[200];

		/* Its messages already start with "traps: ". */
		if (lsw_config_parse_traps(value, &mask, why, sizeof(why)) < 0) {
			seterr(err, errlen, "%s", why);
			return -1;
		}
		cfg->notify.traps = mask;
		return 0;
	}
	if (strcmp(key, "interval") == 0)
		return set_seconds(&cfg->interval_ms, value, false, key, err, errlen);
	if (strcmp(key, "full-interval") == 0)
		return set_seconds(&cfg->full_interval_ms, value, true, key, err, errlen);
	if (strcmp(key, "agentx-ping-interval") == 0) {
		if (set_number(&n, value, 1, 3600, key, err, errlen) < 0)
			return -1;
		cfg->ping_interval = (unsigned)n;
		return 0;
	}
	if (strcmp(key, "timeout") == 0) {
		if (set_number(&n, value, 1, 3600, key, err, errlen) < 0)
			return -1;
		cfg->timeout = (unsigned)n;
		return 0;
	}
	if (strcmp(key, "fail-after") == 0) {
		if (set_number(&n, value, 1, 1000, key, err, errlen) < 0)
			return -1;
		cfg->fail_after = (unsigned)n;
		return 0;
	}
	if (strcmp(key, "max-output") == 0) {
		if (set_number(&n, value, 4096, 1ul << 31, key, err, errlen) < 0)
			return -1;
		cfg->max_output = n;
		return 0;
	}
	if (strcmp(key, "trap-rate-limit") == 0) {
		if (set_number(&n, value, 0, 1000000, key, err, errlen) < 0)
			return -1;
		cfg->notify.rate_limit = (unsigned)n;
		return 0;
	}
	if (strcmp(key, "event-history") == 0) {
		if (set_number(&n, value, 1, 1000000, key, err, errlen) < 0)
			return -1;
		cfg->notify.history = n;
		return 0;
	}
	seterr(err, errlen, "unknown option '%s'", key);
	return -1;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

int lsw_config_read_file(struct lsw_config *cfg, const char *path, bool must_exist, char *err,
                         size_t errlen)
{
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0;
	unsigned lineno = 0;
	int rc = -1;
	ssize_t n;
	struct stat st;

	if (f == NULL) {
		if (errno == ENOENT && !must_exist)
			return 0;
		seterr(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	/* fopen() opens a directory for reading; only getline() fails, and
	 * "read error" would not say why. */
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		seterr(err, errlen, "%s: is a directory, not a config file", path);
		goto out;
	}
	while ((n = getline(&line, &cap, f)) >= 0) {
		char *key, *value, *eq, why[256];

		lineno++;
		/* A NUL ends the C string early: "interval = 5<NUL>garbage"
		 * would read as 5. Refuse the line instead. */
		if (memchr(line, '\0', (size_t)n) != NULL) {
			seterr(err, errlen, "%s:%u: a NUL byte in the line", path, lineno);
			goto out;
		}
		key = trim(line);
		if (key[0] == '\0' || key[0] == '#')
			continue;
		eq = strchr(key, '=');
		if (eq == NULL) {
			seterr(err, errlen, "%s:%u: expected 'key = value'", path, lineno);
			goto out;
		}
		*eq = '\0';
		key = trim(key);
		value = trim(eq + 1);
		if (strcmp(key, "config") == 0 ||
		    lsw_config_set(cfg, key, value, why, sizeof(why)) < 0) {
			seterr(err, errlen, "%s:%u: %s", path, lineno,
			       strcmp(key, "config") == 0 ? "'config' is a command-line option"
			                                  : why);
			goto out;
		}
	}
	if (ferror(f)) {
		seterr(err, errlen, "%s: read error: %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(line);
	fclose(f);
	return rc;
}

enum {
	OPT_INTERVAL = 256,
	OPT_TIMEOUT,
	OPT_IPSEC,
	OPT_CTLSOCKET,
	OPT_STATUS_FILE,
	OPT_TRAFFIC_FILE,
	OPT_MAX_OUTPUT,
	OPT_TRAPS,
	OPT_TRAP_RATE_LIMIT,
	OPT_EVENT_HISTORY,
	OPT_PING_INTERVAL,
	OPT_FAIL_AFTER,
	OPT_KERNEL_STATS,
	OPT_XFRM_FILE,
	OPT_XFRM_STAT_FILE,
	OPT_IKE_STATS,
	OPT_GLOBALSTATUS_FILE,
	OPT_IKE_FAILURES,
	OPT_IKE_HOLDOFF,
	OPT_FULL_INTERVAL,
};

static const struct option long_options[] = {
    {"config", required_argument, NULL, 'c'},
    {"foreground", no_argument, NULL, 'f'},
    {"agentx-socket", required_argument, NULL, 'x'},
    {"agentx-ping-interval", required_argument, NULL, OPT_PING_INTERVAL},
    {"debug", required_argument, NULL, 'D'},
    {"interval", required_argument, NULL, OPT_INTERVAL},
    {"full-interval", required_argument, NULL, OPT_FULL_INTERVAL},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"fail-after", required_argument, NULL, OPT_FAIL_AFTER},
    {"ipsec", required_argument, NULL, OPT_IPSEC},
    {"ctlsocket", required_argument, NULL, OPT_CTLSOCKET},
    {"status-file", required_argument, NULL, OPT_STATUS_FILE},
    {"traffic-file", required_argument, NULL, OPT_TRAFFIC_FILE},
    {"max-output", required_argument, NULL, OPT_MAX_OUTPUT},
    {"kernel-stats", required_argument, NULL, OPT_KERNEL_STATS},
    {"xfrm-file", required_argument, NULL, OPT_XFRM_FILE},
    {"xfrm-stat-file", required_argument, NULL, OPT_XFRM_STAT_FILE},
    {"ike-stats", required_argument, NULL, OPT_IKE_STATS},
    {"globalstatus-file", required_argument, NULL, OPT_GLOBALSTATUS_FILE},
    {"ike-failures", required_argument, NULL, OPT_IKE_FAILURES},
    {"ike-failures-holdoff", required_argument, NULL, OPT_IKE_HOLDOFF},
    {"traps", required_argument, NULL, OPT_TRAPS},
    {"trap-rate-limit", required_argument, NULL, OPT_TRAP_RATE_LIMIT},
    {"event-history", required_argument, NULL, OPT_EVENT_HISTORY},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

/* "+": stop at the first non-option instead of permuting argv, so argv can
 * be parsed again at SIGHUP. ":": report a missing argument as ':'. */
static const char short_options[] = "+:c:fx:D:hV";

static const char *key_of(int opt)
{
	for (const struct option *o = long_options; o->name; o++) {
		if (o->val == opt)
			return o->name;
	}
	return "?";
}

int lsw_config_load(struct lsw_config *cfg, int argc, char *const argv[],
                    enum lsw_config_action *action, char *err, size_t errlen)
{
	const char *file = LSW_CONFIG_DEFAULT_FILE;
	bool explicit_file = false;
	int opt;

	*action = LSW_CONFIG_RUN;
	lsw_config_init(cfg);
	/* Pass 1: only -c, --help and --version; the file comes before the
	 * other options so that the command line wins. */
	opterr = 0;
	optind = 0;
	while ((opt = getopt_long(argc, argv, short_options, long_options, NULL)) != -1) {
		if (opt == 'c') {
			file = optarg;
			explicit_file = true;
		} else if (opt == 'h' && *action == LSW_CONFIG_RUN) {
			*action = LSW_CONFIG_HELP;
		} else if (opt == 'V' && *action == LSW_CONFIG_RUN) {
			*action = LSW_CONFIG_VERSION;
		}
	}
	if (*action != LSW_CONFIG_RUN)
		return 0;
	cfg->config_explicit = explicit_file;
	if (set_string(&cfg->config_file, file, "config", err, errlen) < 0)
		return -1;
	if (lsw_config_read_file(cfg, file, explicit_file, err, errlen) < 0)
		return -1;
	/* Pass 2: everything else, over what the file said. */
	optind = 0;
	while ((opt = getopt_long(argc, argv, short_options, long_options, NULL)) != -1) {
		char why[256];
		int rc = 0;

		switch (opt) {
		case 'c':
			break;
		case 'f':
			cfg->foreground = true;
			break;
		case '?':
			if (optopt != 0)
				seterr(err, errlen, "unknown option '-%c' (see --help)", optopt);
			else
				seterr(err, errlen, "unknown option '%s' (see --help)",
				       argv[optind - 1]);
			return -1;
		case ':':
			seterr(err, errlen, "option '%s' needs a value", argv[optind - 1]);
			return -1;
		default:
			rc = lsw_config_set(cfg, key_of(opt), optarg, why, sizeof(why));
			break;
		}
		if (rc < 0) {
			seterr(err, errlen, "%s", why);
			return -1;
		}
	}
	if (optind < argc) {
		seterr(err, errlen, "unexpected argument '%s' (see --help)", argv[optind]);
		return -1;
	}
	return lsw_config_check(cfg, err, errlen);
}

int lsw_config_check(const struct lsw_config *cfg, char *err, size_t errlen)
{
	if (cfg->traffic_file != NULL && cfg->status_file == NULL) {
		seterr(err, errlen, "traffic-file needs status-file (file mode never runs ipsec)");
		return -1;
	}
	return 0;
}

void lsw_config_usage(FILE *out, const char *prog)
{
	fprintf(out,
	        "Usage: %s [OPTION]...\n"
	        "Serve libreswan's IPsec status (LIBRESWAN-STATUS-MIB) to snmpd as an AgentX "
	        "subagent.\n"
	        "\n"
	        "Every --interval seconds it runs `ipsec whack --showstates` (the states), then\n"
	        "`--trafficstatus`, and every --full-interval seconds `--status` (the connections\n"
	        "too) instead of --showstates; it parses the output into a snapshot and answers\n"
	        "SNMP requests from the last good snapshot. Each long option is also a key of the "
	        "config file (\"interval = 10\");\n"
	        "the command line wins over the file.\n"
	        "\n"
	        "  -c, --config FILE        config file (default %s; a missing\n"
	        "                           default file is fine, a missing FILE is an error)\n"
	        "  -f, --foreground         stay in the foreground and log to stderr\n"
	        "                           (default: syslog, facility daemon)\n"
	        "  -x, --agentx-socket ADDR AgentX master socket (default: net-snmp's,\n"
	        "                           /var/agentx/master); a path or tcp:HOST:PORT\n"
	        "      --agentx-ping-interval SECONDS\n"
	        "                           ping snmpd, and retry when it is away, this\n"
	        "                           often (default %d)\n"
	        "      --interval SECONDS   seconds between polls (default %d, 1..86400;\n"
	        "                           fractions down to 0.05 are for tests)\n"
	        "      --full-interval SECONDS\n"
	        "                           seconds between full polls (`whack --status`,\n"
	        "                           default %d; 0: every poll). The polls between\n"
	        "                           read only the states (`whack --showstates`); a\n"
	        "                           full one also comes at start, after SIGHUP, after\n"
	        "                           a failed poll and at once when a state names a\n"
	        "                           connection not listed yet. Where --showstates\n"
	        "                           does not work (libreswan 3.x) every poll is full\n"
	        "                           (logged once). --status-file polls are all full\n"
	        "      --timeout SECONDS    a poll (both commands) is killed after this long\n"
	        "                           (default %d); a poll still running when the\n"
	        "                           next is due makes that one skip\n"
	        "      --fail-after N       N failed polls in a row declare the collector\n"
	        "                           failed: lsCollectorFailed is sent and the rows'\n"
	        "                           status reads unknown (default %d, 1..1000)\n"
	        "      --ipsec PATH         the ipsec program (default %s)\n"
	        "      --ctlsocket PATH     pluto's control socket (whack --ctlsocket)\n"
	        "      --status-file FILE   read FILE at every poll instead of running\n"
	        "                           `ipsec whack --status` (tests, demos, offline use)\n"
	        "      --traffic-file FILE  with --status-file: read FILE instead of\n"
	        "                           `ipsec whack --trafficstatus`\n"
	        "      --max-output BYTES   most output kept of one command (default %u);\n"
	        "                           more is a failed poll\n"
	        "      --kernel-stats yes|no|auto\n"
	        "                           read the kernel's IPsec SAs (one XFRM netlink\n"
	        "                           dump per poll: packets, replay and integrity\n"
	        "                           errors per SA, SAs missing on either side) and\n"
	        "                           /proc/net/xfrm_stat; needs CAP_NET_ADMIN (default\n"
	        "                           auto: on when permitted, else off, logged once)\n"
	        "      --xfrm-stat-file FILE the kernel's XFRM counters (default\n"
	        "                           " LSW_DEFAULT_XFRM_STAT ")\n"
	        "      --xfrm-file FILE     a recorded XFRM dump instead of netlink (tests)\n"
	        "      --ike-stats yes|no   run `ipsec whack --globalstatus` at each poll for\n"
	        "                           pluto's IKE counters (default yes)\n"
	        "      --globalstatus-file FILE  read FILE instead (file mode)\n"
	        "      --ike-failures N     send lsIkeFailuresRising when more than N IKE\n"
	        "                           negotiations failed between two polls (default %d)\n"
	        "      --ike-failures-holdoff SECONDS\n"
	        "                           at most one lsIkeFailuresRising this often\n"
	        "                           (default %d)\n"
	        "  -D, --debug TOKEN        net-snmp debug token (e.g. agentx); repeatable\n"
	        "      --traps LIST         notifications to send: comma-separated conn, ikesa,\n"
	        "                           ipsecsa, state, collector, kernel, ikefail, or\n"
	        "                           all, or none (default conn,collector,kernel,\n"
	        "                           ikefail)\n"
	        "      --trap-rate-limit N  at most N notifications per poll; more are counted\n"
	        "                           as dropped (default %d)\n"
	        "      --event-history N    rows kept in lsEventTable (default %d)\n"
	        "  -h, --help               this help\n"
	        "  -V, --version            the version\n"
	        "\n"
	        "A poll fails when the command cannot run, exits non-zero, times out, prints\n"
	        "more than --max-output, or prints nothing the parser understands. The last\n"
	        "good snapshot is then kept and lsCollectorStatus says stale (or failed when\n"
	        "there never was one); the reason is logged once per run of failures.\n"
	        "After --fail-after failed polls in a row the rows' status reads unknown.\n"
	        "\n"
	        "Signals: SIGTERM and SIGINT stop the agent; SIGHUP re-reads the config file\n"
	        "(a broken file is logged and the running configuration kept).\n"
	        "See libreswan-agentx(8).\n",
	        prog, LSW_CONFIG_DEFAULT_FILE, LSW_DEFAULT_PING_INTERVAL,
	        LSW_DEFAULT_INTERVAL_MS / 1000, LSW_DEFAULT_FULL_INTERVAL, LSW_DEFAULT_TIMEOUT,
	        LSW_DEFAULT_FAIL_AFTER, LSW_DEFAULT_IPSEC, LSW_DEFAULT_MAX_OUTPUT,
	        LSW_DEFAULT_IKE_FAILURES, LSW_DEFAULT_IKE_HOLDOFF, LSW_TRAP_RATE_LIMIT_DEFAULT,
	        LSW_EVENT_HISTORY_DEFAULT);
}
