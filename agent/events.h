/* events.h - the event history behind lsEventTable: a ring of the last N
 * events, each with an index that only grows (1, 2, 3, ... never reused
 * while the agent runs). No net-snmp here, so the unit tests drive it
 * directly.
 *
 * Indexes in the ring are contiguous (oldest .. last), so a lookup by
 * index is arithmetic, and the next row after any OID is found at once:
 * a walk of the table stays linear.
 */
#ifndef LSW_EVENTS_H
#define LSW_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "diff.h"
#include "snapshot.h"

/* lsEventNotified */
enum lsw_event_notified {
	LSW_NOTIFIED_SENT = 1,
	LSW_NOTIFIED_FILTERED = 2,
	LSW_NOTIFIED_RATE_LIMITED = 3,
	LSW_NOTIFIED_NONE = 4,        /* the event has no notification */
	LSW_NOTIFIED_MASTER_AWAY = 5, /* no AgentX session: the master never had it */
};

/* lsEventSaType */
enum lsw_event_sa_type {
	LSW_EVENT_SA_NONE = 0,
	LSW_EVENT_SA_IKE = 1,
	LSW_EVENT_SA_IPSEC = 2,
};

/* One row. In a stored row the strings live in its own block (strings),
 * owned by the ring, and are never NULL ("" when unknown). */
struct lsw_event_rec {
	uint32_t index;
	time_t when;
	enum lsw_diff_type type;
	const char *connection;
	const char *instance;
	enum lsw_event_sa_type sa_type;
	uint32_t serial, parent, replaced;
	int old_state, new_state; /* enum lsw_sa_state, 0 = none */
	const char *old_state_name, *new_state_name;
	int old_oper, new_oper; /* enum lsw_conn_oper, 0 = none */
	struct lsw_addr peer_addr;
	const char *remote_id;
	const char *conn_remote_id; /* the connection's remote ID (lsConnRemoteId) */
	const char *text;
	enum lsw_event_notified notified;
	char *strings; /* the ring's copy of all strings of a stored row */
};

struct lsw_events;

/* A ring of capacity cap (at least 1). NULL when out of memory. */
struct lsw_events *lsw_events_new(size_t cap);
void lsw_events_free(struct lsw_events *ev);

/* Change the capacity, keeping the newest rows. Returns 0 or -1 (unchanged). */
int lsw_events_resize(struct lsw_events *ev, size_t cap);

/* Record a copy of rec (its index and strings are ignored / copied; NULL
 * strings become ""); the oldest row falls out when the ring is full.
 * Returns the stored row (owned by the ring, valid until the next add or
 * resize), or NULL when out of memory (nothing recorded, no index used). */
struct lsw_event_rec *lsw_events_add(struct lsw_events *ev, const struct lsw_event_rec *rec);

/* The row with this index, or NULL when it is not (or no longer) there. */
const struct lsw_event_rec *lsw_events_get(const struct lsw_events *ev, uint32_t index);

/* The first row with an index above after (after 0: the oldest row), NULL when none. */
const struct lsw_event_rec *lsw_events_next(const struct lsw_events *ev, uint32_t after);

/* The index of the newest row ever recorded; 0 when none. */
uint32_t lsw_events_last_index(const struct lsw_events *ev);
size_t lsw_events_count(const struct lsw_events *ev);

/* Fill rec (strings borrowed from the diff event, which borrows from the
 * snapshots) for lsw_events_add(). */
void lsw_events_from_diff(struct lsw_event_rec *rec, const struct lsw_diff_event *d, time_t now);

/* lsEventText of d into buf ("connDown \"west\": up -> connecting"). */
void lsw_events_describe(char *buf, size_t len, const struct lsw_diff_event *d);

#endif
