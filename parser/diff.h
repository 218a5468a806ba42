/* diff.h - what changed between two snapshots: the events behind the traps.
 *
 * Pure: no net-snmp, no I/O. Connections are keyed by name + instance, SAs
 * by serial number. Rules (libreswan's serials only ever grow while pluto
 * runs, which is what makes a pluto restart visible):
 *
 * - Connection: UP when its oper status becomes up, DOWN when it stops being
 *   up (to connecting, down, or gone), CONNECTING when it goes from down (or
 *   absent) to connecting. A connection that is up in both snapshots gets no
 *   event, whatever happened to its SAs: that is what makes a rekey a rekey.
 * - SA established: a serial that is new and established, or an old serial
 *   that became established. Deleted: a serial that is gone.
 * - Rekey: a new established SA of a connection that had an established SA
 *   of the same kind (IKE or Child) in the old snapshot. One REKEYED event
 *   (serial = new, replaced = the old one) instead of established+deleted;
 *   when the old SA is gone in the same diff it is consumed by the rekey.
 *   When the old SA lingers (IKEv2 deletes it a little later) its deletion
 *   comes later as DELETED with superseded=true.
 * - State changed: same serial, same connection, other state name or state.
 * - A serial that now names another connection (an IKEv2 responder that
 *   switched connection, or pluto reusing serials) is a new SA: the old row
 *   deleted, the new one established, never a state change.
 * - Pluto restart: a serial not seen before that is not above the old
 *   highest serial, or a serial that changed kind (IKE <-> Child). Then no
 *   old SA is the same as a new one: every old SA is deleted, every new one
 *   established (no rekey pairing), and one PLUTO_RESTARTED event comes first.
 */
#ifndef LSW_DIFF_H
#define LSW_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snapshot.h"

/* Event types; the numbers are lsEventType's in LIBRESWAN-STATUS-MIB. */
enum lsw_diff_type {
	LSW_EV_CONN_UP = 1,
	LSW_EV_CONN_DOWN = 2,
	LSW_EV_IKE_SA_ESTABLISHED = 3,
	LSW_EV_IKE_SA_DELETED = 4,
	LSW_EV_IPSEC_SA_ESTABLISHED = 5,
	LSW_EV_IPSEC_SA_DELETED = 6,
	LSW_EV_SA_STATE_CHANGED = 7,
	LSW_EV_COLLECTOR_FAILED = 8,    /* never from lsw_diff(): the notifier's own */
	LSW_EV_COLLECTOR_RECOVERED = 9, /* never from lsw_diff() */
	LSW_EV_CONN_CONNECTING = 10,
	LSW_EV_IKE_SA_REKEYED = 11,
	LSW_EV_IPSEC_SA_REKEYED = 12,
	LSW_EV_PLUTO_RESTARTED = 13,
	/* Never from lsw_diff(): the agent's, from the kernel's SAs and
	 * pluto's --globalstatus counters (agent/view.c). */
	LSW_EV_KERNEL_SA_MISSING = 14,
	LSW_EV_KERNEL_SA_UNCLAIMED = 15,
	LSW_EV_IKE_FAILURES = 16,
};
#define LSW_EV_MAX LSW_EV_IKE_FAILURES

/* One change. Pointers borrow from the snapshots given to lsw_diff() and
 * live as long as those: from the new snapshot when the row is there,
 * else from the old one (a deleted SA carries its last known values). */
struct lsw_diff_event {
	enum lsw_diff_type type;
	const char *connection; /* name; NULL only for PLUTO_RESTARTED */
	const char *instance;   /* "" when none */
	bool ike;               /* SA events: an IKE SA (else a Child SA) */
	uint32_t serial;        /* SA events: the SA; 0 for connection events */
	uint32_t parent;        /* Child SA events: its IKE SA, 0 when unknown */
	uint32_t replaced;      /* REKEYED: the serial it replaces */
	bool superseded;        /* DELETED: a newer established SA of the same kind took over */
	enum lsw_sa_state old_state, new_state;      /* 0 = none (SA absent) */
	const char *old_state_name, *new_state_name; /* as printed, NULL when none */
	enum lsw_conn_oper old_oper, new_oper;       /* connection events */
	const char *peer; /* peer address as printed, NULL when unknown */
	struct lsw_addr peer_addr;
	const char *remote_id; /* NULL when unknown */
	/* The rows themselves, for whoever needs more columns; NULL when absent. */
	const struct lsw_connection *conn;
	const struct lsw_ike_sa *ike_sa;
	const struct lsw_child_sa *child_sa;
};

/* Diff old against cur (old NULL = nothing before: no events at all, since a
 * first poll is not a change). On success *events is a malloc'ed array of
 * *n events (NULL when none) owned by the caller (lsw_diff_free()).
 * Returns 0, or -1 when out of memory (*events NULL, *n 0). */
int lsw_diff(const struct lsw_snapshot *old, const struct lsw_snapshot *cur,
             struct lsw_diff_event **events, size_t *n);
void lsw_diff_free(struct lsw_diff_event *events);

/* Whether pluto started over between old and cur (the rule of the
 * plutoRestarted event above): then every SA of cur is new, whatever its
 * serial. false when either is NULL or old had no SA. */
bool lsw_diff_pluto_restarted(const struct lsw_snapshot *old, const struct lsw_snapshot *cur);

/* "connUp", "ipsecSaRekeyed", ... (the MIB's enum labels); "unknown" otherwise. */
const char *lsw_diff_type_name(enum lsw_diff_type t);

#endif
