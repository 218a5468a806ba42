/* agent.c - net-snmp subagent set-up, signals and the main loop. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
#include <net-snmp/agent/agent_callbacks.h>

#include "agent.h"
#include "collector.h"
#include "config.h"
#include "mib_events.h"
#include "mib_kernel.h"
#include "mib_scalars.h"
#include "mib_table.h"
#include "notify.h"

#define LSW_APP_NAME "libreswan-agentx"

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t reload_requested;

static void on_stop(int sig)
{
	stop_requested = sig;
}

static void on_hup(int sig)
{
	reload_requested = 1;
}

static int install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a signal interrupts select() so the loop sees the flag at once. */
	sa.sa_handler = on_stop;
	if (sigaction(SIGTERM, &sa, NULL) < 0 || sigaction(SIGINT, &sa, NULL) < 0)
		return -1;
	sa.sa_handler = on_hup;
	if (sigaction(SIGHUP, &sa, NULL) < 0)
		return -1;
	sa.sa_handler = SIG_IGN;
	if (sigaction(SIGPIPE, &sa, NULL) < 0)
		return -1;
	/* waitpid() needs SIGCHLD not ignored (proc.h). */
	sa.sa_handler = SIG_DFL;
	return sigaction(SIGCHLD, &sa, NULL);
}

/* net-snmp opens its sockets without close-on-exec, and reopens the AgentX
 * one on every reconnect: mark them all before a child can be forked. */
static void cloexec_snmp_fds(void)
{
	fd_set fds;
	int maxfd = 0, block = 1;
	struct timeval tv = {0, 0};

	FD_ZERO(&fds);
	snmp_select_info(&maxfd, &fds, &tv, &block);
	for (int fd = 0; fd < maxfd && fd < FD_SETSIZE; fd++) {
		int fl;

		if (!FD_ISSET(fd, &fds))
			continue;
		fl = fcntl(fd, F_GETFD);
		if (fl >= 0 && !(fl & FD_CLOEXEC))
			fcntl(fd, F_SETFD, fl | FD_CLOEXEC);
	}
}

static void reload(struct lsw_config *cfg, int argc, char *argv[], struct lsw_collector *col,
                   struct lsw_notify *notify)
{
	struct lsw_config nc;
	enum lsw_config_action action;
	char err[512];

	if (lsw_config_load(&nc, argc, argv, &action, err, sizeof(err)) < 0) {
		snmp_log(LOG_ERR,
		         "SIGHUP: configuration not reloaded, keeping the running one: %s\n", err);
		lsw_config_free(&nc);
		return;
	}
	if (lsw_collector_reconfigure(col, &nc) < 0) {
		snmp_log(LOG_ERR, "SIGHUP: out of memory, keeping the running configuration\n");
		lsw_config_free(&nc);
		return;
	}
	if (notify != NULL)
		lsw_notify_reconfigure(notify, &nc.notify);
	if ((nc.agentx_socket == NULL) != (cfg->agentx_socket == NULL) ||
	    (nc.agentx_socket && strcmp(nc.agentx_socket, cfg->agentx_socket) != 0))
		snmp_log(LOG_WARNING, "SIGHUP: agentx-socket changes take effect at restart\n");
	lsw_config_free(cfg);
	*cfg = nc;
	snmp_log(LOG_INFO, "SIGHUP: configuration reloaded (interval %g s)\n",
	         cfg->interval_ms / 1000.0);
}

/* The collector's hooks, wired to notify: the collector does not know who
 * listens (FRR's hook_register() pattern). */
static void on_snapshot(void *arg, const struct lsw_snapshot *old, const struct lsw_snapshot *cur,
                        const struct lsw_diff_event *ev, size_t count, time_t now)
{
	lsw_notify_changes(arg, old, cur, ev, count, now);
}

static void on_kevents(void *arg, const struct lsw_kevent *ev, size_t count, time_t now)
{
	lsw_notify_kernel(arg, ev, count, now);
}

static void on_status(void *arg, enum lsw_collector_status status, const char *reason, time_t now)
{
	lsw_notify_collector(arg, status, reason, now);
}

/* net-snmp's subagent (agentx/subagent.c) calls SNMPD_CALLBACK_INDEX_START
 * when its session with the master opens, and INDEX_STOP when it is gone:
 * the master closed the socket, or a ping went unanswered. In between,
 * send_v2trap() has no AgentX session and drops what it is given. */
static int on_master(int major, int minor, void *server_arg, void *client_arg)
{
	lsw_notify_master(client_arg, minor == SNMPD_CALLBACK_INDEX_START);
	return 0;
}

static void follow_master(struct lsw_notify *notify, bool follow)
{
	static const int minors[] = {SNMPD_CALLBACK_INDEX_START, SNMPD_CALLBACK_INDEX_STOP};

	for (size_t i = 0; i < sizeof(minors) / sizeof(minors[0]); i++) {
		if (follow)
			snmp_register_callback(SNMP_CALLBACK_APPLICATION, minors[i], on_master,
			                       notify);
		else
			snmp_unregister_callback(SNMP_CALLBACK_APPLICATION, minors[i], on_master,
			                         notify, 1);
	}
}

/* The tables' sources: the collector's current view and the statistics
 * of the collector and notify (the tables know neither). */
struct parts {
	struct lsw_collector *col;
	struct lsw_notify *notify;
	struct lsw_mib_source events; /* lsEventTable's, kept for lsEventLastIndex */
};

static const void *view_data(void *arg)
{
	return lsw_collector_view(((const struct parts *)arg)->col);
}

static const void *events_data(void *arg)
{
	return lsw_notify_events(((const struct parts *)arg)->notify);
}

static const struct lsw_view *scalars_view(void *arg)
{
	return lsw_collector_view(((const struct parts *)arg)->col);
}

static void get_stats(void *arg, struct lsw_stats *out)
{
	const struct parts *p = arg;

	lsw_collector_get_stats(p->col, &out->collector);
	out->traps_sent = lsw_notify_traps_sent(p->notify);
	out->traps_dropped = lsw_notify_traps_dropped(p->notify);
}

/* Everything under lsStatusMIB, after init_agent(). */
static int register_status_mib(struct parts *p, struct lsw_scalars *scalars)
{
	static const struct lsw_table_ops *const tables[] = {
	    &lsw_conn_table_ops, &lsw_ikesa_table_ops, &lsw_ipsecsa_table_ops};
	static const oid status_mib[] = {LSW_OID_STATUS_MIB};
	struct lsw_mib_source view = {.data = view_data, .arg = p};

	scalars->view = scalars_view;
	scalars->stats = get_stats;
	scalars->arg = p;
	if (lsw_mib_scalars_register(scalars) < 0 || lsw_mib_kernel_register(scalars, &view) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		if (lsw_table_register(tables[i], &view) < 0)
			return -1;
	}
	p->events.data = events_data;
	p->events.arg = p;
	if (lsw_mib_events_register(&p->events) < 0)
		return -1;
	return lsw_mib_register_sysor(
	    status_mib, OID_LENGTH(status_mib),
	    "LIBRESWAN-STATUS-MIB: libreswan IPsec status, by " LSW_APP_NAME);
}

static void setup_logging(const struct lsw_config *cfg)
{
	snmp_disable_log();
	if (cfg->foreground)
		snmp_enable_stderrlog();
	else
		snmp_enable_syslog_ident(LSW_APP_NAME, LOG_DAEMON);
}

int lsw_agent_main(int argc, char *argv[])
{
	struct lsw_config cfg;
	enum lsw_config_action action;
	struct lsw_collector *col = NULL;
	struct lsw_notify *notify = NULL;
	struct lsw_scalars scalars = {0};
	struct parts parts = {0};
	char err[512];
	int rc = 1;
	bool agent_up = false;

	if (lsw_config_load(&cfg, argc, argv, &action, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s\n", LSW_APP_NAME, err);
		lsw_config_free(&cfg);
		return 2;
	}
	if (action == LSW_CONFIG_HELP) {
		lsw_config_usage(stdout, LSW_APP_NAME);
		lsw_config_free(&cfg);
		return 0;
	}
	if (action == LSW_CONFIG_VERSION) {
		printf("%s %s (net-snmp %s)\n", LSW_APP_NAME, LSW_VERSION, netsnmp_get_version());
		lsw_config_free(&cfg);
		return 0;
	}
	if (install_signals() < 0) {
		fprintf(stderr, "%s: sigaction: %s\n", LSW_APP_NAME, strerror(errno));
		goto out;
	}
	setup_logging(&cfg);
	if (!cfg.foreground && netsnmp_daemonize(1, 0) != 0)
		goto out;
	for (size_t i = 0; i < cfg.n_debug; i++)
		debug_register_tokens(cfg.debug[i]);
	if (cfg.n_debug > 0)
		snmp_set_do_debugging(1);
	/* The agent needs no MIB files (it serves numbers); loading the
	 * default list only prints warnings. */
	setenv("MIBS", "", 0);

	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE, 1);
	/* Alarms from the loop, not SIGALRM: nothing runs inside a signal handler. */
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_ALARM_DONT_USE_SIG, 1);
	/* No persistent state file, no snmp.conf lookups for our app name. */
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
	if (cfg.agentx_socket != NULL)
		netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_X_SOCKET,
		                      cfg.agentx_socket);
	if (init_agent(LSW_APP_NAME) != 0) {
		snmp_log(LOG_ERR, "init_agent failed\n");
		goto out;
	}
	agent_up = true;
	/* init_agent() resets the ping interval to 15 s: set it after. It is
	 * also how soon we are back after snmpd restarts. */
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL,
	                   (int)cfg.ping_interval);
	/* Our own requests to the master (open, register, notify, ping) must
	 * fail fast when it is gone, not block the loop for 5 x 1 s. */
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_AGENTX_TIMEOUT, 1);
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_AGENTX_RETRIES, 0);

	notify = lsw_notify_new(&cfg.notify);
	if (notify != NULL) {
		struct lsw_collector_hooks hooks = {.snapshot = on_snapshot,
		                                    .status = on_status,
		                                    .kevents = on_kevents,
		                                    .arg = notify};

		col = lsw_collector_new(&cfg, &hooks);
	}
	if (notify == NULL || col == NULL) {
		snmp_log(LOG_ERR, "out of memory\n");
		goto out;
	}
	parts.col = col;
	parts.notify = notify;
	if (register_status_mib(&parts, &scalars) < 0) {
		snmp_log(LOG_ERR, "registering LIBRESWAN-STATUS-MIB failed\n");
		goto out;
	}
	/* Away until the session opens (init_snmp() opens it when it can). */
	lsw_notify_master(notify, false);
	follow_master(notify, true);
	init_snmp(LSW_APP_NAME);
	cloexec_snmp_fds();
	if (lsw_collector_start(col) < 0) {
		snmp_log(LOG_ERR, "cannot schedule polls\n");
		goto out;
	}
	snmp_log(LOG_INFO, "%s %s started (%s, every %g s)\n", LSW_APP_NAME, LSW_VERSION,
	         cfg.status_file ? cfg.status_file : "ipsec whack", cfg.interval_ms / 1000.0);
	while (!stop_requested) {
		agent_check_and_process(1);
		cloexec_snmp_fds();
		if (reload_requested) {
			reload_requested = 0;
			reload(&cfg, argc, argv, col, notify);
		}
	}
	snmp_log(LOG_INFO, "%s stopping (signal %d)\n", LSW_APP_NAME, (int)stop_requested);
	rc = 0;
out:
	/* Kill and reap a running ipsec before anything else goes. */
	lsw_collector_free(col);
	lsw_mib_unregister_all();
	if (notify != NULL)
		follow_master(notify, false);
	lsw_notify_free(notify);
	if (agent_up) {
		snmp_shutdown(LSW_APP_NAME);
		shutdown_agent();
	}
	lsw_config_free(&cfg);
	return rc;
}
