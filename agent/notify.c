/* notify.c - snapshot diffs and collector failures become lsEventTable rows
 * and v2 traps (see notify.h). The one place where notifications are built.
 */
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "events.h"
#include "kevent.h"
#include "mib_events.h"
#include "mib_value.h"
#include "mibindex.h"
#include "notify.h"

struct lsw_notify {
	struct lsw_notify_config cfg;
	struct lsw_events *events;
	unsigned long sent, dropped;
	bool collector_failed;
	bool master_away; /* no AgentX session: notifications would be lost */
};

/* OIDs from mibindex.h, shared with the tables so that a varbind names
 * the very instance the table serves. */
static const oid snmptrap_oid[] = {1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0};
static const oid ls_notifications[] = {LSW_OID_NOTIFICATIONS};
static const oid ls_scalars[] = {LSW_OID_SCALARS};
static const oid ls_conn_entry[] = {LSW_OID_CONN_ENTRY};
static const oid ls_event_entry[] = {LSW_OID_EVENT_ENTRY};
static const oid ls_kernel[] = {LSW_OID_KERNEL};
static const oid ls_ike[] = {LSW_OID_IKE};

/* The notifications of kevent.h: sub-identifiers 13, 14, 15. */
#define LSW_TRAP_OID_KERNEL_SA_MISSING   13
#define LSW_TRAP_OID_KERNEL_SA_UNCLAIMED 14
#define LSW_TRAP_OID_IKE_FAILURES        15
#define OIDLEN(a)                        (sizeof(a) / sizeof(a[0]))

#define LOG_PER_POLL 20

/* ---- life cycle ---- */

struct lsw_notify *lsw_notify_new(const struct lsw_notify_config *cfg)
{
	struct lsw_notify *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->cfg = *cfg;
	if (n->cfg.history == 0)
		n->cfg.history = LSW_EVENT_HISTORY_DEFAULT;
	n->events = lsw_events_new(n->cfg.history);
	if (!n->events) {
		free(n);
		return NULL;
	}
	return n;
}

/* lsEventTable reads n->events: unregister it first (lsw_mib_unregister_all()). */
void lsw_notify_free(struct lsw_notify *n)
{
	if (!n)
		return;
	lsw_events_free(n->events);
	free(n);
}

void lsw_notify_reconfigure(struct lsw_notify *n, const struct lsw_notify_config *cfg)
{
	size_t history = cfg->history ? cfg->history : LSW_EVENT_HISTORY_DEFAULT;

	n->cfg.traps = cfg->traps;
	n->cfg.rate_limit = cfg->rate_limit;
	if (history != n->cfg.history && lsw_events_resize(n->events, history) == 0)
		n->cfg.history = history;
}

void lsw_notify_master(struct lsw_notify *n, bool up)
{
	n->master_away = !up;
}

unsigned long lsw_notify_traps_sent(const struct lsw_notify *n)
{
	return n->sent;
}
unsigned long lsw_notify_traps_dropped(const struct lsw_notify *n)
{
	return n->dropped;
}

const struct lsw_events *lsw_notify_events(const struct lsw_notify *n)
{
	return n->events;
}

/* ---- varbinds ---- */

/* A varbind list under construction; after a failure it stays failed. */
struct vb {
	netsnmp_variable_list *head;
	bool failed;
};

/* A row instance: entry OID and encoded index. */
struct inst {
	const oid *entry;
	size_t entry_len;
	oid idx[LSW_CONN_INDEX_MAX];
	size_t idx_len;
};

/* entry.col.index = val, encoded by the same code as the column itself. */
static void vb_add(struct vb *v, const struct inst *in, unsigned col, const struct lsw_value *val)
{
	oid name[MAX_OID_LEN];
	netsnmp_variable_list *var;
	int len;

	if (v->failed)
		return;
	len = lsw_mib_instance_oid(name, in->entry, in->entry_len, col, in->idx, in->idx_len);
	if (len < 0) {
		/* An index too long for an OID (a very long name): leave this one out. */
		return;
	}
	var = snmp_varlist_add_variable(&v->head, name, (size_t)len, ASN_NULL, NULL, 0);
	if (var == NULL) {
		v->failed = true;
		return;
	}
	lsw_value_to_varbind(val, var);
}

static void vb_str(struct vb *v, const struct inst *in, unsigned col, const char *s)
{
	struct lsw_value val;

	lsw_value_string(&val, s);
	vb_add(v, in, col, &val);
}

static void vb_num(struct vb *v, const struct inst *in, unsigned col, u_char type, long n)
{
	struct lsw_value val;

	lsw_value_typed(&val, type, n);
	vb_add(v, in, col, &val);
}

/* lsEvent* columns of r, from the function that serves lsEventTable. */
static void vb_event(struct vb *v, const struct lsw_event_rec *r, const unsigned *cols, size_t n)
{
	struct inst in = {ls_event_entry, OIDLEN(ls_event_entry), {r->index}, 1};
	struct lsw_value val;

	for (size_t i = 0; i < n; i++) {
		if (lsw_event_value(r, cols[i], &val) == 0)
			vb_add(v, &in, cols[i], &val);
	}
}

#define VB_EVENT(v, r, ...)                                                                        \
	do {                                                                                       \
		static const unsigned cols_[] = {__VA_ARGS__};                                     \
		vb_event(v, r, cols_, OIDLEN(cols_));                                              \
	} while (0)

/* The lsConnEntry instance of r's connection; false when the name is too
 * long to be an index (it has no row: lsConnsNotServed). */
static bool conn_inst(struct inst *in, const struct lsw_event_rec *r)
{
	int n = lsw_mib_conn_index(in->idx, r->connection, r->instance);

	in->entry = ls_conn_entry;
	in->entry_len = OIDLEN(ls_conn_entry);
	in->idx_len = n > 0 ? (size_t)n : 0;
	return n > 0;
}

/* ---- traps ---- */

static unsigned trap_class(const struct lsw_diff_event *d)
{
	switch (d->type) {
	case LSW_EV_CONN_UP:
	case LSW_EV_CONN_DOWN:
		return LSW_TRAP_CONN;
	case LSW_EV_IKE_SA_ESTABLISHED:
	case LSW_EV_IKE_SA_REKEYED:
		return LSW_TRAP_IKESA;
	case LSW_EV_IKE_SA_DELETED:
		return d->superseded ? 0 : LSW_TRAP_IKESA;
	case LSW_EV_IPSEC_SA_ESTABLISHED:
	case LSW_EV_IPSEC_SA_REKEYED:
		return LSW_TRAP_IPSECSA;
	case LSW_EV_IPSEC_SA_DELETED:
		return d->superseded ? 0 : LSW_TRAP_IPSECSA;
	case LSW_EV_SA_STATE_CHANGED:
		return LSW_TRAP_STATE;
	case LSW_EV_COLLECTOR_FAILED:
	case LSW_EV_COLLECTOR_RECOVERED:
		return LSW_TRAP_COLLECTOR;
	default:
		return 0;
	}
}

/* snmpTrapOID.0 first, then the varbinds; send_v2trap() adds sysUpTime.0
 * and, in a subagent, hands it to the master over AgentX. */
static void notify_send(struct lsw_notify *n, unsigned trap, struct vb *v)
{
	netsnmp_variable_list *list = NULL;
	oid trap_oid[OIDLEN(ls_notifications) + 1];

	memcpy(trap_oid, ls_notifications, sizeof(ls_notifications));
	trap_oid[OIDLEN(ls_notifications)] = trap;
	if (v->failed || !snmp_varlist_add_variable(&list, snmptrap_oid, OIDLEN(snmptrap_oid),
	                                            ASN_OBJECT_ID, trap_oid, sizeof(trap_oid))) {
		snmp_log(LOG_ERR, "notify: out of memory building a notification\n");
		snmp_free_varbind(list);
		snmp_free_varbind(v->head);
		v->head = NULL;
		return;
	}
	list->next_variable = v->head;
	v->head = NULL;
	send_v2trap(list);
	snmp_free_varbind(list);
	n->sent++;
}

/* Every notification starts with lsEventDateAndTime of its row, and its
 * declared OBJECTS are lsEvent* columns of that row: instanced by the
 * event index, one sub-identifier, they fit whatever the length of the
 * connection name (an lsConnTable instance of a 120-octet name would pass
 * 128 sub-identifiers and could not be sent). */
static void trap_conn(struct lsw_notify *n, const struct lsw_event_rec *r,
                      const struct lsw_diff_event *d)
{
	struct vb v = {0};
	struct inst ci;

	VB_EVENT(&v, r, LSW_EVENT_DATE_AND_TIME, LSW_EVENT_CONN_NAME, LSW_EVENT_CONN_INSTANCE,
	         LSW_EVENT_OLD_OPER_STATUS, LSW_EVENT_NEW_OPER_STATUS, LSW_EVENT_PEER_ADDR_TYPE,
	         LSW_EVENT_PEER_ADDR, LSW_EVENT_CONN_REMOTE_ID);
	/* Beyond the declared OBJECTS, the row's own instance when it exists
	 * and can be indexed, so a receiver knows which row to read. */
	if (d->conn != NULL && conn_inst(&ci, r))
		vb_num(&v, &ci, LSW_CONN_OPER_STATUS, ASN_INTEGER, r->new_oper);
	notify_send(n, d->type, &v);
}

/* An SA's notification: what the event row recorded of it (the SA's last
 * values when it is gone), the state before a deletion, after anything
 * else. */
static void trap_sa(struct lsw_notify *n, const struct lsw_event_rec *r,
                    const struct lsw_diff_event *d)
{
	struct vb v = {0};
	bool deleted = d->type == LSW_EV_IKE_SA_DELETED || d->type == LSW_EV_IPSEC_SA_DELETED;

	VB_EVENT(&v, r, LSW_EVENT_DATE_AND_TIME, LSW_EVENT_CONN_NAME, LSW_EVENT_CONN_INSTANCE,
	         LSW_EVENT_SERIAL);
	if (!d->ike)
		VB_EVENT(&v, r, LSW_EVENT_PARENT_SERIAL);
	VB_EVENT(&v, r, LSW_EVENT_PEER_ADDR_TYPE, LSW_EVENT_PEER_ADDR);
	if (deleted)
		VB_EVENT(&v, r, LSW_EVENT_OLD_STATE_NAME, LSW_EVENT_OLD_STATE);
	else
		VB_EVENT(&v, r, LSW_EVENT_NEW_STATE_NAME, LSW_EVENT_NEW_STATE);
	if (!d->ike)
		VB_EVENT(&v, r, LSW_EVENT_REMOTE_ID);
	VB_EVENT(&v, r, LSW_EVENT_CONN_REMOTE_ID);
	if (d->type == LSW_EV_IKE_SA_REKEYED || d->type == LSW_EV_IPSEC_SA_REKEYED)
		VB_EVENT(&v, r, LSW_EVENT_REPLACED_SERIAL);
	notify_send(n, d->type, &v);
}

static void trap_state(struct lsw_notify *n, const struct lsw_event_rec *r)
{
	struct vb v = {0};

	VB_EVENT(&v, r, LSW_EVENT_DATE_AND_TIME, LSW_EVENT_CONN_NAME, LSW_EVENT_CONN_INSTANCE,
	         LSW_EVENT_SA_TYPE, LSW_EVENT_SERIAL, LSW_EVENT_OLD_STATE, LSW_EVENT_NEW_STATE,
	         LSW_EVENT_OLD_STATE_NAME, LSW_EVENT_NEW_STATE_NAME, LSW_EVENT_PEER_ADDR_TYPE,
	         LSW_EVENT_PEER_ADDR);
	notify_send(n, LSW_EV_SA_STATE_CHANGED, &v);
}

static void trap_collector(struct lsw_notify *n, const struct lsw_event_rec *r, long status,
                           const char *reason)
{
	struct vb v = {0};
	struct inst sc = {ls_scalars, OIDLEN(ls_scalars), {0}, 1};

	VB_EVENT(&v, r, LSW_EVENT_DATE_AND_TIME);
	vb_num(&v, &sc, LSW_SC_COLLECTOR_STATUS, ASN_INTEGER, status);
	if (r->type == LSW_EV_COLLECTOR_FAILED)
		vb_str(&v, &sc, LSW_SC_LAST_ERROR, reason);
	notify_send(n, r->type, &v);
}

/* ---- events ---- */

/* Per-poll rate limit of the traps (trap-rate-limit): what is left of it,
 * and how many went over it. */
struct budget {
	unsigned left, dropped;
};

/* Store rec (a trap of class cls, 0: none) with what becomes of its
 * notification; b NULL: not rate-limited (collector events). The stored
 * row (its trap is due when notified is sent: b is charged for it), or
 * NULL when out of memory. */
static struct lsw_event_rec *record(struct lsw_notify *n, struct lsw_event_rec *rec, unsigned cls,
                                    struct budget *b)
{
	struct lsw_event_rec *r;

	rec->notified = !cls                    ? LSW_NOTIFIED_NONE
	                : !(n->cfg.traps & cls) ? LSW_NOTIFIED_FILTERED
	                : n->master_away        ? LSW_NOTIFIED_MASTER_AWAY
	                : b && b->left == 0     ? LSW_NOTIFIED_RATE_LIMITED
	                                        : LSW_NOTIFIED_SENT;
	r = lsw_events_add(n->events, rec);
	if (!r) {
		snmp_log(LOG_ERR, "notify: out of memory recording an event\n");
		return NULL;
	}
	if (r->notified == LSW_NOTIFIED_RATE_LIMITED) {
		n->dropped++;
		b->dropped++;
	} else if (r->notified == LSW_NOTIFIED_SENT && b) {
		b->left--;
	}
	return r;
}

static void log_dropped(const struct lsw_notify *n, const struct budget *b)
{
	if (b->dropped)
		snmp_log(LOG_WARNING,
		         "notify: %u notifications over the limit of %u per poll not sent "
		         "(see lsEventTable)\n",
		         b->dropped, n->cfg.rate_limit);
}

void lsw_notify_snapshot(struct lsw_notify *n, const struct lsw_snapshot *old,
                         const struct lsw_snapshot *cur, time_t now)
{
	struct lsw_diff_event *ev = NULL;
	size_t count = 0;

	if (old && cur && lsw_diff(old, cur, &ev, &count) < 0) {
		snmp_log(LOG_ERR,
		         "notify: out of memory in the snapshot diff; events of this poll lost\n");
		old = NULL; /* recovery is still told */
	}
	lsw_notify_changes(n, old, cur, ev, count, now);
	lsw_diff_free(ev);
}

void lsw_notify_changes(struct lsw_notify *n, const struct lsw_snapshot *old,
                        const struct lsw_snapshot *cur, const struct lsw_diff_event *ev,
                        size_t count, time_t now)
{
	struct budget b = {n->cfg.rate_limit, 0};
	unsigned logged = 0;

	/* The collector reports recovery after the snapshot; the receiver should
	 * read "back" before what changed while it was away. */
	if (cur && n->collector_failed)
		lsw_notify_collector(n, LSW_COLLECTOR_OK, NULL, now);
	if (!old || !cur)
		return;
	for (size_t i = 0; i < count; i++) {
		const struct lsw_diff_event *d = &ev[i];
		struct lsw_event_rec rec, *r;
		unsigned cls = trap_class(d);
		char text[200];

		lsw_events_from_diff(&rec, d, now);
		lsw_events_describe(text, sizeof(text), d);
		rec.text = text;
		r = record(n, &rec, cls, &b);
		if (!r)
			continue;
		/* A few lines per poll; a storm is summed up below, not logged line by line. */
		if ((d->type == LSW_EV_CONN_UP || d->type == LSW_EV_CONN_DOWN ||
		     d->type == LSW_EV_PLUTO_RESTARTED) &&
		    logged++ < LOG_PER_POLL)
			snmp_log(LOG_NOTICE, "event %u: %s\n", r->index, text);
		if (r->notified != LSW_NOTIFIED_SENT)
			continue;
		switch (d->type) {
		case LSW_EV_CONN_UP:
		case LSW_EV_CONN_DOWN:
			trap_conn(n, r, d);
			break;
		case LSW_EV_SA_STATE_CHANGED:
			trap_state(n, r);
			break;
		default:
			trap_sa(n, r, d);
			break;
		}
	}
	if (logged > LOG_PER_POLL)
		snmp_log(LOG_NOTICE, "... and %u more connection events (lsEventTable)\n",
		         logged - LOG_PER_POLL);
	log_dropped(n, &b);
}

static void trap_kernel(struct lsw_notify *n, const struct lsw_event_rec *r,
                        const struct lsw_kevent *k)
{
	struct vb v = {0};
	struct inst ks = {ls_kernel, OIDLEN(ls_kernel), {0}, 1};
	struct inst is = {ls_ike, OIDLEN(ls_ike), {0}, 1};
	struct lsw_value val;

	VB_EVENT(&v, r, LSW_EVENT_DATE_AND_TIME);
	switch (k->type) {
	case LSW_EV_KERNEL_SA_MISSING:
		VB_EVENT(&v, r, LSW_EVENT_CONN_NAME, LSW_EVENT_CONN_INSTANCE, LSW_EVENT_SERIAL,
		         LSW_EVENT_PEER_ADDR_TYPE, LSW_EVENT_PEER_ADDR, LSW_EVENT_TEXT,
		         LSW_EVENT_CONN_REMOTE_ID);
		notify_send(n, LSW_TRAP_OID_KERNEL_SA_MISSING, &v);
		break;
	case LSW_EV_KERNEL_SA_UNCLAIMED:
		vb_num(&v, &ks, LSW_KSC_SA_UNCLAIMED, ASN_GAUGE, (long)k->unclaimed);
		VB_EVENT(&v, r, LSW_EVENT_TEXT);
		notify_send(n, LSW_TRAP_OID_KERNEL_SA_UNCLAIMED, &v);
		break;
	default:
		/* Counter32: net-snmp cannot send a Counter64 in a notification */
		lsw_value_typed(&val, ASN_COUNTER, (long)(k->v2_failed & 0xffffffffu));
		vb_add(&v, &is, LSW_ISC_V2_FAILED, &val);
		lsw_value_typed(&val, ASN_COUNTER, (long)(k->v1_failed & 0xffffffffu));
		vb_add(&v, &is, LSW_ISC_V1_FAILED, &val);
		VB_EVENT(&v, r, LSW_EVENT_TEXT);
		notify_send(n, LSW_TRAP_OID_IKE_FAILURES, &v);
		break;
	}
}

void lsw_notify_kernel(struct lsw_notify *n, const struct lsw_kevent *ev, size_t count, time_t now)
{
	struct budget b = {n->cfg.rate_limit, 0};

	for (size_t i = 0; i < count; i++) {
		const struct lsw_kevent *k = &ev[i];
		const struct lsw_child_sa *sa = k->sa;
		unsigned cls = k->type == LSW_EV_IKE_FAILURES ? LSW_TRAP_IKEFAIL : LSW_TRAP_KERNEL;
		struct lsw_event_rec rec, *r;

		memset(&rec, 0, sizeof(rec));
		rec.when = now;
		rec.type = k->type;
		rec.text = k->text;
		if (sa != NULL) {
			rec.connection = sa->sa.connection;
			rec.instance = sa->sa.instance;
			rec.sa_type = LSW_EVENT_SA_IPSEC;
			rec.serial = sa->sa.serial;
			rec.parent = sa->ike_sa;
			rec.peer_addr = sa->sa.peer_addr;
			rec.remote_id = sa->remote_id;
			rec.conn_remote_id = sa->sa.conn ? sa->sa.conn->remote_id : NULL;
			rec.new_state = (int)sa->sa.state;
			rec.new_state_name = sa->sa.state_name;
		}
		r = record(n, &rec, cls, &b);
		if (!r)
			continue;
		snmp_log(LOG_WARNING, "event %u: %s\n", r->index, k->text);
		if (r->notified == LSW_NOTIFIED_SENT)
			trap_kernel(n, r, k);
	}
	log_dropped(n, &b);
}

void lsw_notify_collector(struct lsw_notify *n, enum lsw_collector_status status,
                          const char *reason, time_t now)
{
	struct lsw_event_rec rec, *r;
	char text[200];
	bool failed = status != LSW_COLLECTOR_OK;

	if (failed == n->collector_failed)
		return;
	n->collector_failed = failed;
	memset(&rec, 0, sizeof(rec));
	rec.when = now;
	rec.type = failed ? LSW_EV_COLLECTOR_FAILED : LSW_EV_COLLECTOR_RECOVERED;
	snprintf(text, sizeof(text), "%s",
	         failed ? (reason && *reason ? reason : "polling failed") : "polling works again");
	rec.text = text;
	r = record(n, &rec, LSW_TRAP_COLLECTOR, NULL);
	if (r != NULL && r->notified == LSW_NOTIFIED_SENT)
		trap_collector(n, r, status, reason);
}
