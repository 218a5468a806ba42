/* notify.c - snapshot diffs and collector failures become lsEventTable rows
 * and v2 traps (see notify.h). The one place where notifications are built.
 */
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "diff.h"
#include "events.h"
#include "mibindex.h"
#include "notify.h"

struct lsw_notify {
	struct lsw_notify_config cfg;
	struct lsw_events *events;
	unsigned long sent, dropped;
	bool collector_failed;
	netsnmp_handler_registration *reg_last, *reg_table; /* NULL until registered */
	netsnmp_table_registration_info *table_info;        /* not freed by net-snmp */
};

/* OIDs from mibindex.h, shared with the tables so that a varbind names
 * the very instance the table serves. */
static const oid snmptrap_oid[] = {1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0};
static const oid ls_notifications[] = {LSW_OID_NOTIFICATIONS};
static const oid ls_scalars[] = {LSW_OID_SCALARS};
static const oid ls_conn_entry[] = {LSW_OID_CONN_ENTRY};
static const oid ls_ike_sa_entry[] = {LSW_OID_IKESA_ENTRY};
static const oid ls_ipsec_sa_entry[] = {LSW_OID_IPSECSA_ENTRY};
static const oid ls_event_last_index[] = {LSW_OID_EVENTS, 1};
static const oid ls_event_table[] = {LSW_OID_EVENTS, 2};
static const oid ls_event_entry[] = {LSW_OID_EVENTS, 2, 1};
#define OIDLEN(a) (sizeof(a) / sizeof(a[0]))

/* lsEventEntry columns (lsEventIndex, 1, is the index). */
enum {
	COL_EV_TIME = 2,
	COL_EV_TYPE,
	COL_EV_NAME,
	COL_EV_INST,
	COL_EV_SA_TYPE,
	COL_EV_SERIAL,
	COL_EV_PARENT,
	COL_EV_REPLACED,
	COL_EV_OLD_STATE,
	COL_EV_NEW_STATE,
	COL_EV_OLD_STATE_NAME,
	COL_EV_NEW_STATE_NAME,
	COL_EV_OLD_OPER,
	COL_EV_NEW_OPER,
	COL_EV_PEER_TYPE,
	COL_EV_PEER,
	COL_EV_RID,
	COL_EV_TEXT,
	COL_EV_NOTIFIED,
	COL_EV_MAX = COL_EV_NOTIFIED,
};

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

/* The handlers point to n: they go first. Call before snmp_shutdown(). */
void lsw_notify_free(struct lsw_notify *n)
{
	if (!n)
		return;
	if (n->reg_table)
		netsnmp_unregister_handler(n->reg_table);
	netsnmp_table_registration_info_free(n->table_info);
	if (n->reg_last)
		netsnmp_unregister_handler(n->reg_last);
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

static void vb_add(struct vb *v, const oid *base, size_t base_len, unsigned col, const oid *idx,
                   size_t idx_len, u_char type, const void *val, size_t len)
{
	oid name[MAX_OID_LEN];

	if (v->failed)
		return;
	if (base_len + 1 + idx_len > MAX_OID_LEN) {
		/* An index too long for an OID (a very long name): leave this one out. */
		return;
	}
	memcpy(name, base, base_len * sizeof(oid));
	name[base_len] = col;
	memcpy(name + base_len + 1, idx, idx_len * sizeof(oid));
	if (!snmp_varlist_add_variable(&v->head, name, base_len + 1 + idx_len, type, val, len))
		v->failed = true;
}

static void vb_str(struct vb *v, const oid *base, size_t bl, unsigned col, const oid *idx,
                   size_t il, const char *s)
{
	s = s ? s : "";
	vb_add(v, base, bl, col, idx, il, ASN_OCTET_STR, s, strnlen(s, 255));
}

static void vb_int(struct vb *v, const oid *base, size_t bl, unsigned col, const oid *idx,
                   size_t il, u_char type, long val)
{
	vb_add(v, base, bl, col, idx, il, type, &val, sizeof(val));
}

/* InetAddressType and InetAddress: ipv4(1), ipv6(2), unknown(0) with "". */
static long addr_type(const struct lsw_addr *a)
{
	return a->family == AF_INET ? 1 : a->family == AF_INET6 ? 2 : 0;
}

static size_t addr_len(const struct lsw_addr *a)
{
	return a->family == AF_INET ? 4 : a->family == AF_INET6 ? 16 : 0;
}

static void vb_addr(struct vb *v, const oid *base, size_t bl, unsigned col_type, unsigned col_addr,
                    const oid *idx, size_t il, const struct lsw_addr *a)
{
	vb_int(v, base, bl, col_type, idx, il, ASN_INTEGER, addr_type(a));
	vb_add(v, base, bl, col_addr, idx, il, ASN_OCTET_STR, a->bytes, addr_len(a));
}

/* DateAndTime in UTC, the 11-octet form with direction '+' and offset 0. */
static size_t date_and_time(time_t t, u_char out[11])
{
	struct tm tm;

	if (!gmtime_r(&t, &tm)) {
		memset(out, 0, 8);
		return 8;
	}
	out[0] = (u_char)((tm.tm_year + 1900) >> 8);
	out[1] = (u_char)((tm.tm_year + 1900) & 0xff);
	out[2] = (u_char)(tm.tm_mon + 1);
	out[3] = (u_char)tm.tm_mday;
	out[4] = (u_char)tm.tm_hour;
	out[5] = (u_char)tm.tm_min;
	out[6] = (u_char)(tm.tm_sec > 59 ? 59 : tm.tm_sec);
	out[7] = 0;
	out[8] = '+';
	out[9] = 0;
	out[10] = 0;
	return 11;
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

/* The head of every notification: lsEventDateAndTime.E. */
static void vb_event_head(struct vb *v, const struct lsw_event_rec *r)
{
	oid e = r->index;
	u_char dt[11];
	size_t len = date_and_time(r->when, dt);

	vb_add(v, ls_event_entry, OIDLEN(ls_event_entry), COL_EV_TIME, &e, 1, ASN_OCTET_STR, dt,
	       len);
}

static void trap_conn(struct lsw_notify *n, const struct lsw_event_rec *r,
                      const struct lsw_diff_event *d)
{
	struct vb v = {0};
	oid e = r->index, ci[LSW_CONN_INDEX_MAX];
	int cl = lsw_mib_conn_index(ci, r->connection, r->instance);
	const oid *E = ls_event_entry;
	size_t EL = OIDLEN(ls_event_entry), CL = OIDLEN(ls_conn_entry);

	vb_event_head(&v, r);
	vb_str(&v, E, EL, COL_EV_NAME, &e, 1, r->connection);
	vb_str(&v, E, EL, COL_EV_INST, &e, 1, r->instance);
	vb_int(&v, E, EL, COL_EV_OLD_OPER, &e, 1, ASN_INTEGER, r->old_oper);
	/* A name too long to be an index has no row (lsConnsNotServed). */
	if (cl > 0) {
		vb_int(&v, ls_conn_entry, CL, LSW_CONN_OPER_STATUS, ci, (size_t)cl, ASN_INTEGER,
		       r->new_oper);
		vb_addr(&v, ls_conn_entry, CL, LSW_CONN_REMOTE_ADDR_TYPE, LSW_CONN_REMOTE_ADDR, ci,
		        (size_t)cl, &r->peer_addr);
		vb_str(&v, ls_conn_entry, CL, LSW_CONN_REMOTE_ID, ci, (size_t)cl,
		       d->conn ? d->conn->remote_id : NULL);
	}
	notify_send(n, d->type, &v);
}

static void trap_sa(struct lsw_notify *n, const struct lsw_event_rec *r,
                    const struct lsw_diff_event *d)
{
	struct vb v = {0};
	oid s = r->serial, e = r->index, ci[LSW_CONN_INDEX_MAX];
	int cl = lsw_mib_conn_index(ci, r->connection, r->instance);
	bool deleted = d->type == LSW_EV_IKE_SA_DELETED || d->type == LSW_EV_IPSEC_SA_DELETED;
	const char *state_name = deleted ? r->old_state_name : r->new_state_name;
	long state = deleted ? r->old_state : r->new_state;

	vb_event_head(&v, r);
	if (d->ike) {
		const oid *B = ls_ike_sa_entry;
		size_t BL = OIDLEN(ls_ike_sa_entry);
		vb_str(&v, B, BL, LSW_IKESA_CONN_NAME, &s, 1, r->connection);
		vb_str(&v, B, BL, LSW_IKESA_CONN_INSTANCE, &s, 1, r->instance);
		vb_addr(&v, B, BL, LSW_IKESA_PEER_ADDR_TYPE, LSW_IKESA_PEER_ADDR, &s, 1,
		        &r->peer_addr);
		vb_str(&v, B, BL, LSW_IKESA_STATE_NAME, &s, 1, state_name);
		vb_int(&v, B, BL, LSW_IKESA_STATE, &s, 1, ASN_INTEGER, state);
	} else {
		const oid *B = ls_ipsec_sa_entry;
		size_t BL = OIDLEN(ls_ipsec_sa_entry);
		vb_str(&v, B, BL, LSW_IPSECSA_CONN_NAME, &s, 1, r->connection);
		vb_str(&v, B, BL, LSW_IPSECSA_CONN_INSTANCE, &s, 1, r->instance);
		vb_int(&v, B, BL, LSW_IPSECSA_IKESA, &s, 1, ASN_UNSIGNED, (long)r->parent);
		vb_addr(&v, B, BL, LSW_IPSECSA_PEER_ADDR_TYPE, LSW_IPSECSA_PEER_ADDR, &s, 1,
		        &r->peer_addr);
		vb_str(&v, B, BL, LSW_IPSECSA_STATE_NAME, &s, 1, state_name);
		vb_int(&v, B, BL, LSW_IPSECSA_STATE, &s, 1, ASN_INTEGER, state);
		vb_str(&v, B, BL, LSW_IPSECSA_REMOTE_ID, &s, 1,
		       d->child_sa ? d->child_sa->remote_id : NULL);
	}
	if (cl > 0)
		vb_str(&v, ls_conn_entry, OIDLEN(ls_conn_entry), LSW_CONN_REMOTE_ID, ci, (size_t)cl,
		       d->conn ? d->conn->remote_id : NULL);
	if (d->type == LSW_EV_IKE_SA_REKEYED || d->type == LSW_EV_IPSEC_SA_REKEYED)
		vb_int(&v, ls_event_entry, OIDLEN(ls_event_entry), COL_EV_REPLACED, &e, 1,
		       ASN_UNSIGNED, (long)r->replaced);
	notify_send(n, d->type, &v);
}

static void trap_state(struct lsw_notify *n, const struct lsw_event_rec *r)
{
	struct vb v = {0};
	oid e = r->index;
	const oid *E = ls_event_entry;
	size_t EL = OIDLEN(ls_event_entry);

	vb_event_head(&v, r);
	vb_str(&v, E, EL, COL_EV_NAME, &e, 1, r->connection);
	vb_str(&v, E, EL, COL_EV_INST, &e, 1, r->instance);
	vb_int(&v, E, EL, COL_EV_SA_TYPE, &e, 1, ASN_INTEGER, r->sa_type);
	vb_int(&v, E, EL, COL_EV_SERIAL, &e, 1, ASN_UNSIGNED, (long)r->serial);
	vb_int(&v, E, EL, COL_EV_OLD_STATE, &e, 1, ASN_INTEGER, r->old_state);
	vb_int(&v, E, EL, COL_EV_NEW_STATE, &e, 1, ASN_INTEGER, r->new_state);
	vb_str(&v, E, EL, COL_EV_OLD_STATE_NAME, &e, 1, r->old_state_name);
	vb_str(&v, E, EL, COL_EV_NEW_STATE_NAME, &e, 1, r->new_state_name);
	vb_addr(&v, E, EL, COL_EV_PEER_TYPE, COL_EV_PEER, &e, 1, &r->peer_addr);
	notify_send(n, LSW_EV_SA_STATE_CHANGED, &v);
}

static void trap_collector(struct lsw_notify *n, const struct lsw_event_rec *r, long status,
                           const char *reason)
{
	struct vb v = {0};
	oid zero = 0;

	vb_event_head(&v, r);
	vb_int(&v, ls_scalars, OIDLEN(ls_scalars), LSW_SC_COLLECTOR_STATUS, &zero, 1, ASN_INTEGER,
	       status);
	if (r->type == LSW_EV_COLLECTOR_FAILED)
		vb_str(&v, ls_scalars, OIDLEN(ls_scalars), LSW_SC_LAST_ERROR, &zero, 1, reason);
	notify_send(n, r->type, &v);
}

/* ---- events ---- */

static void describe(char *buf, size_t len, const struct lsw_diff_event *d)
{
	const char *what = lsw_diff_type_name(d->type);

	switch (d->type) {
	case LSW_EV_CONN_UP:
	case LSW_EV_CONN_DOWN:
	case LSW_EV_CONN_CONNECTING:
		snprintf(buf, len, "%s \"%s\"%s: %s -> %s", what, d->connection, d->instance,
		         lsw_conn_oper_name(d->old_oper), lsw_conn_oper_name(d->new_oper));
		break;
	case LSW_EV_IKE_SA_REKEYED:
	case LSW_EV_IPSEC_SA_REKEYED:
		snprintf(buf, len, "%s \"%s\"%s #%u replaces #%u", what, d->connection, d->instance,
		         d->serial, d->replaced);
		break;
	case LSW_EV_PLUTO_RESTARTED:
		snprintf(buf, len, "%s: SA serial numbers started over", what);
		break;
	default:
		snprintf(buf, len, "%s \"%s\"%s #%u%s", what, d->connection ? d->connection : "",
		         d->instance ? d->instance : "", d->serial,
		         d->superseded ? " (superseded)" : "");
		break;
	}
}

void lsw_notify_snapshot(struct lsw_notify *n, const struct lsw_snapshot *old,
                         const struct lsw_snapshot *cur, time_t now)
{
	struct lsw_diff_event *ev = NULL;
	size_t count = 0, i;
	unsigned budget = n->cfg.rate_limit, dropped = 0, logged = 0;

	/* The collector reports recovery after the snapshot; the receiver should
	 * read "back" before what changed while it was away. */
	if (cur && n->collector_failed)
		lsw_notify_collector(n, LSW_COLLECTOR_OK, NULL, now);
	if (!old || !cur)
		return;
	if (lsw_diff(old, cur, &ev, &count) < 0) {
		snmp_log(LOG_ERR,
		         "notify: out of memory in the snapshot diff; events of this poll lost\n");
		return;
	}
	for (i = 0; i < count; i++) {
		const struct lsw_diff_event *d = &ev[i];
		struct lsw_event_rec rec, *r;
		unsigned cls = trap_class(d);
		char text[200];

		lsw_events_from_diff(&rec, d, now);
		describe(text, sizeof(text), d);
		rec.text = text;
		if (!cls)
			rec.notified = LSW_NOTIFIED_NONE;
		else if (!(n->cfg.traps & cls))
			rec.notified = LSW_NOTIFIED_FILTERED;
		else if (budget == 0)
			rec.notified = LSW_NOTIFIED_RATE_LIMITED;
		else
			rec.notified = LSW_NOTIFIED_SENT;
		r = lsw_events_add(n->events, &rec);
		if (!r) {
			snmp_log(LOG_ERR, "notify: out of memory recording an event\n");
			continue;
		}
		/* A few lines per poll; a storm is summed up below, not logged line by line. */
		if ((d->type == LSW_EV_CONN_UP || d->type == LSW_EV_CONN_DOWN ||
		     d->type == LSW_EV_PLUTO_RESTARTED) &&
		    logged++ < LOG_PER_POLL)
			snmp_log(LOG_NOTICE, "event %u: %s\n", r->index, text);
		if (r->notified == LSW_NOTIFIED_RATE_LIMITED) {
			n->dropped++;
			dropped++;
			continue;
		}
		if (r->notified != LSW_NOTIFIED_SENT)
			continue;
		budget--;
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
	if (dropped)
		snmp_log(LOG_WARNING,
		         "notify: %u notifications over the limit of %u per poll not sent "
		         "(see lsEventTable)\n",
		         dropped, n->cfg.rate_limit);
	lsw_diff_free(ev);
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
	rec.notified =
	    (n->cfg.traps & LSW_TRAP_COLLECTOR) ? LSW_NOTIFIED_SENT : LSW_NOTIFIED_FILTERED;
	r = lsw_events_add(n->events, &rec);
	if (!r) {
		snmp_log(LOG_ERR, "notify: out of memory recording an event\n");
		return;
	}
	if (r->notified == LSW_NOTIFIED_SENT)
		trap_collector(n, r, status, reason);
}

/* ---- lsEventTable and lsEventLastIndex ---- */

static int set_column(netsnmp_variable_list *vb, const struct lsw_event_rec *r, unsigned col)
{
	u_char dt[11];
	size_t len;

	switch (col) {
	case COL_EV_TIME:
		len = date_and_time(r->when, dt);
		return snmp_set_var_typed_value(vb, ASN_OCTET_STR, dt, len);
	case COL_EV_TYPE:
		return snmp_set_var_typed_integer(vb, ASN_INTEGER, r->type);
	case COL_EV_NAME:
		return snmp_set_var_typed_value(vb, ASN_OCTET_STR, r->connection,
		                                strlen(r->connection));
	case COL_EV_INST:
		return snmp_set_var_typed_value(vb, ASN_OCTET_STR, r->instance,
		                                strlen(r->instance));
	case COL_EV_SA_TYPE:
		return snmp_set_var_typed_integer(vb, ASN_INTEGER, r->sa_type);
	case COL_EV_SERIAL:
		return snmp_set_var_typed_integer(vb, ASN_UNSIGNED, r->serial);
	case COL_EV_PARENT:
		return snmp_set_var_typed_integer(vb, ASN_UNSIGNED, r->parent);
	case COL_EV_REPLACED:
		return snmp_set_var_typed_integer(vb, ASN_UNSIGNED, r->replaced);
	case COL_EV_OLD_STATE:
		return snmp_set_var_typed_integer(vb, ASN_INTEGER, r->old_state);
	case COL_EV_NEW_STATE:
		return snmp_set_var_typed_integer(vb, ASN_INTEGER, r->new_state);
	case COL_EV_OLD_STATE_NAME:
		return snmp_set_var_typed_value(vb, ASN_OCTET_STR, r->old_state_name,
		                                strlen(r->old_state_name));
	case COL_EV_NEW_STATE_NAME:
		return snmp_set_var_typed_value(vb, ASN_OCTET_STR, r->new_state_name,
		                                strlen(r->new_state_name));
	case COL_EV_OLD_OPER:
		return snmp_set_var_typed_integer(vb, ASN_INTEGER, r->old_oper);
	case COL_EV_NEW_OPER:
		return snmp_set_var_typed_integer(vb, ASN_INTEGER, r->new_oper);
	case COL_EV_PEER_TYPE:
		return snmp_set_var_typed_integer(vb, ASN_INTEGER, addr_type(&r->peer_addr));
	case COL_EV_PEER:
		return snmp_set_var_typed_value(vb, ASN_OCTET_STR, r->peer_addr.bytes,
		                                addr_len(&r->peer_addr));
	case COL_EV_RID:
		return snmp_set_var_typed_value(vb, ASN_OCTET_STR, r->remote_id,
		                                strlen(r->remote_id));
	case COL_EV_TEXT:
		return snmp_set_var_typed_value(vb, ASN_OCTET_STR, r->text, strlen(r->text));
	case COL_EV_NOTIFIED:
		return snmp_set_var_typed_integer(vb, ASN_INTEGER, r->notified);
	default:
		return -1;
	}
}

/* Rows are addressed by index arithmetic in the ring (events.h): a GET or
 * GETNEXT costs O(1) whatever the history size. */
static int events_handler(netsnmp_mib_handler *handler, netsnmp_handler_registration *reginfo,
                          netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
	const struct lsw_notify *n = reginfo->my_reg_void;
	netsnmp_request_info *req;

	for (req = requests; req; req = req->next) {
		netsnmp_table_request_info *ti;
		const struct lsw_event_rec *row = NULL;
		unsigned col;
		uint32_t after;

		if (req->processed)
			continue;
		ti = netsnmp_extract_table_info(req);
		if (!ti)
			continue;
		switch (reqinfo->mode) {
		case MODE_GET:
			if (ti->index_oid_len == 1 && ti->index_oid[0] <= UINT32_MAX)
				row = lsw_events_get(n->events, (uint32_t)ti->index_oid[0]);
			if (!row || set_column(req->requestvb, row, ti->colnum) != 0)
				netsnmp_set_request_error(reqinfo, req, SNMP_NOSUCHINSTANCE);
			break;
		case MODE_GETNEXT: {
			oid name[OIDLEN(ls_event_entry) + 2];

			/* Whatever follows the index (col.5.3) still sorts after row 5. */
			after = ti->index_oid_len == 0           ? 0
			        : ti->index_oid[0] >= UINT32_MAX ? UINT32_MAX
			                                         : (uint32_t)ti->index_oid[0];
			for (col = ti->colnum; col <= COL_EV_MAX; col++, after = 0) {
				row = lsw_events_next(n->events, after);
				if (row)
					break;
			}
			if (!row)
				break; /* past the table: the agent moves on */
			memcpy(name, ls_event_entry, sizeof(ls_event_entry));
			name[OIDLEN(ls_event_entry)] = col;
			name[OIDLEN(ls_event_entry) + 1] = row->index;
			snmp_set_var_objid(req->requestvb, name, OIDLEN(name));
			set_column(req->requestvb, row, col);
			break;
		}
		default:
			netsnmp_set_request_error(reqinfo, req, SNMP_ERR_NOTWRITABLE);
			break;
		}
	}
	return SNMP_ERR_NOERROR;
}

static int last_index_handler(netsnmp_mib_handler *handler, netsnmp_handler_registration *reginfo,
                              netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
	const struct lsw_notify *n = reginfo->my_reg_void;

	if (reqinfo->mode == MODE_GET)
		snmp_set_var_typed_integer(requests->requestvb, ASN_UNSIGNED,
		                           lsw_events_last_index(n->events));
	return SNMP_ERR_NOERROR;
}

int lsw_notify_register(struct lsw_notify *n)
{
	netsnmp_handler_registration *reg;
	netsnmp_table_registration_info *ti;

	reg = netsnmp_create_handler_registration("lsEventLastIndex", last_index_handler,
	                                          ls_event_last_index, OIDLEN(ls_event_last_index),
	                                          HANDLER_CAN_RONLY);
	if (!reg)
		return -1;
	reg->my_reg_void = n;
	/* On failure net-snmp frees reg itself. */
	if (netsnmp_register_scalar(reg) != MIB_REGISTERED_OK) {
		snmp_log(LOG_ERR, "notify: cannot register lsEventLastIndex\n");
		return -1;
	}
	n->reg_last = reg;

	reg = netsnmp_create_handler_registration("lsEventTable", events_handler, ls_event_table,
	                                          OIDLEN(ls_event_table), HANDLER_CAN_RONLY);
	ti = SNMP_MALLOC_TYPEDEF(netsnmp_table_registration_info);
	if (!reg || !ti) {
		netsnmp_handler_registration_free(reg);
		free(ti);
		return -1;
	}
	reg->my_reg_void = n;
	netsnmp_table_helper_add_indexes(ti, ASN_UNSIGNED, 0);
	ti->min_column = COL_EV_TIME;
	ti->max_column = COL_EV_MAX;
	n->table_info = ti; /* ours to free, whatever happens */
	if (netsnmp_register_table(reg, ti) != MIB_REGISTERED_OK) {
		snmp_log(LOG_ERR, "notify: cannot register lsEventTable\n");
		return -1;
	}
	n->reg_table = reg;
	return 0;
}
