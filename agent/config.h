/* config.h - options of libreswan-agentx: command line and config file.
 *
 * Every option has a config-file key of the same name ("interval = 10").
 * Precedence: built-in defaults, then the config file, then the command
 * line. A missing default config file is fine; a missing file named with
 * -c is an error. SIGHUP re-reads the file and re-applies the command line.
 */
#ifndef LSW_CONFIG_H
#define LSW_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define LSW_CONFIG_DEFAULT_FILE   "/etc/libreswan-agentx.conf"
#define LSW_DEFAULT_INTERVAL_MS   10000
#define LSW_MIN_INTERVAL_MS       50 /* fractions of a second: for tests */
#define LSW_MAX_INTERVAL_MS       86400000u
#define LSW_DEFAULT_FULL_INTERVAL 60 /* seconds: a full listing (--status) at most this old */
#define LSW_DEFAULT_TIMEOUT       5
#define LSW_DEFAULT_PING_INTERVAL 2
#define LSW_DEFAULT_FAIL_AFTER    3 /* polls in a row: a slow pluto is not an outage */
#define LSW_DEFAULT_IPSEC         "/usr/sbin/ipsec"
#define LSW_DEFAULT_MAX_OUTPUT    (256u * 1024 * 1024)
#define LSW_DEBUG_TOKENS_MAX      16
#define LSW_DEFAULT_XFRM_STAT     "/proc/self/net/xfrm_stat"
#define LSW_DEFAULT_IKE_FAILURES  5   /* failed IKE negotiations per poll before a trap */
#define LSW_DEFAULT_IKE_HOLDOFF   300 /* seconds between two lsIkeFailuresRising */

/* kernel-stats */
enum lsw_kernel_mode {
	LSW_KERNEL_MODE_AUTO = 0, /* on when permitted, else off with one log line */
	LSW_KERNEL_MODE_YES = 1,  /* on; not permitted is an error in lsKernelStatus */
	LSW_KERNEL_MODE_NO = 2,
};

/* Trap classes for --traps / "traps =". */
enum {
	LSW_TRAP_CONN = 1u << 0,      /* lsConnUp / lsConnDown */
	LSW_TRAP_IKESA = 1u << 1,     /* lsIkeSaEstablished / lsIkeSaDeleted */
	LSW_TRAP_IPSECSA = 1u << 2,   /* lsIpsecSaEstablished / lsIpsecSaDeleted */
	LSW_TRAP_STATE = 1u << 3,     /* lsSaStateChanged */
	LSW_TRAP_COLLECTOR = 1u << 4, /* lsCollectorFailed / lsCollectorRecovered */
	LSW_TRAP_KERNEL = 1u << 5,    /* lsIpsecSaMissingInKernel / lsKernelSaNotInPluto */
	LSW_TRAP_IKEFAIL = 1u << 6,   /* lsIkeFailuresRising */
	LSW_TRAP_ALL = 0x7f,
	LSW_TRAP_DEFAULT = LSW_TRAP_CONN | LSW_TRAP_COLLECTOR | LSW_TRAP_KERNEL | LSW_TRAP_IKEFAIL,
};

#define LSW_EVENT_HISTORY_DEFAULT   500
#define LSW_TRAP_RATE_LIMIT_DEFAULT 100

/* What notify.c needs of the configuration. */
struct lsw_notify_config {
	unsigned traps;      /* LSW_TRAP_* mask */
	size_t history;      /* lsEventTable ring size */
	unsigned rate_limit; /* traps sent per poll at most; the rest are counted as dropped */
};

struct lsw_config {
	char *config_file;      /* the file read (NULL: none) */
	bool config_explicit;   /* named with -c: must exist */
	bool foreground;        /* -f: stay in the foreground, log to stderr */
	char *agentx_socket;    /* -x: NULL = net-snmp's default */
	unsigned ping_interval; /* seconds between AgentX pings and reconnect attempts */
	unsigned interval_ms;   /* milliseconds between polls ("interval = 0.1") */
	unsigned timeout;       /* seconds a poll may take (both commands) */
	unsigned fail_after;    /* failed polls in a row that declare the collector failed */
	char *ipsec;            /* absolute path of the ipsec program */
	char *ctlsocket;        /* pluto's control socket, NULL = whack's default */
	char *status_file;      /* read this instead of running whack --status */
	char *traffic_file;     /* and this instead of --trafficstatus */
	size_t max_output;      /* bytes of one command's output, at most */
	enum lsw_kernel_mode kernel_stats; /* XFRM dump per poll */
	char *xfrm_file;                   /* a recorded XFRM dump instead of netlink (tests) */
	char *xfrm_stat_file;              /* default LSW_DEFAULT_XFRM_STAT */
	bool ike_stats;                    /* run whack --globalstatus at each poll (default yes) */
	char *globalstatus_file;           /* read this instead (file mode) */
	unsigned ike_failures; /* more failed IKE negotiations than this between polls: trap */
	unsigned ike_holdoff;  /* seconds between two such traps */
	size_t n_debug;
	char *debug[LSW_DEBUG_TOKENS_MAX]; /* -D tokens for net-snmp */
	struct lsw_notify_config notify;   /* traps, trap-rate-limit, event-history */

	/* milliseconds between full polls (whack --status, collector.h); 0 =
	 * every poll is full ("full-interval = 60") */
	unsigned full_interval_ms;
};

/* What the command line asked for besides running. */
enum lsw_config_action {
	LSW_CONFIG_RUN,
	LSW_CONFIG_HELP,
	LSW_CONFIG_VERSION,
};

/* Parse a --traps LIST ("conn,collector", "all", "none") into LSW_TRAP_*
 * bits. Returns 0, or -1 with a message naming the bad word in err. */
int lsw_config_parse_traps(const char *list, unsigned *mask, char *err, size_t errlen);

/* Defaults only. */
void lsw_config_init(struct lsw_config *cfg);

/* Free the strings; cfg can be reused after lsw_config_init(). */
void lsw_config_free(struct lsw_config *cfg);

/* Set one option by its key (long option or config file name). 0, or -1
 * with a message in err. */
int lsw_config_set(struct lsw_config *cfg, const char *key, const char *value, char *err,
                   size_t errlen);

/* Read "key = value" lines from path into cfg. A missing file is an error
 * only when must_exist. 0, or -1 with "FILE:LINE: why" in err. */
int lsw_config_read_file(struct lsw_config *cfg, const char *path, bool must_exist, char *err,
                         size_t errlen);

/* Defaults, then the config file (-c or the default), then argv. On
 * success *action says whether to run or print help/version. 0, or -1 with
 * a message in err (cfg must still be freed). */
int lsw_config_load(struct lsw_config *cfg, int argc, char *const argv[],
                    enum lsw_config_action *action, char *err, size_t errlen);

/* Cross-option checks (traffic-file without status-file, ipsec path not
 * absolute, ...). 0, or -1 with err. */
int lsw_config_check(const struct lsw_config *cfg, char *err, size_t errlen);

/* The --help text. */
void lsw_config_usage(FILE *out, const char *prog);

#endif
