/* view.h - a snapshot as the SNMP tables see it: rows in OID order.
 *
 * Built once per poll from a new snapshot (and the previous view, for the
 * octet counters of connections and IPsec SAs and for the times of
 * changes: lsConnLastChange, creation of rows and SAs),
 * then read by every request until the next poll replaces it. GET and GETNEXT are binary
 * searches on the encoded index, so a walk of n rows costs O(n log n).
 *
 * Why not the snapshot's own order: a connection index is a length-prefixed
 * string, so in OID order "zz" (2.z.z) comes before "aaa" (3.a.a), unlike
 * strcmp. The view sorts rows by their encoded index.
 */
#ifndef LSW_VIEW_H
#define LSW_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "globalstatus.h"
#include "kernel/xfrm.h"
#include "kevent.h"
#include "mibindex.h"
#include "snapshot.h"

/* What a poll learned besides pluto's status text, handed to
 * lsw_view_new_ext(), which takes over dump and gstat (and the xstat
 * items) whatever happens. */
struct lsw_poll_extra {
	int kernel_status; /* enum lsw_kernel_status (mibindex.h) */
	char kernel_error[200];
	struct lsw_xfrm_dump *dump; /* when kernel_status is LSW_KERNEL_OK */
	bool xstat_ok;
	struct lsw_xfrm_stat xstat;
	int ike_status;                 /* enum lsw_ikestat_status */
	struct lsw_globalstatus *gstat; /* when ike_status is LSW_IKESTAT_OK */
	/* thresholds for lsIkeFailuresRising (config ike-failures, -holdoff) */
	unsigned ike_failures;
	unsigned ike_holdoff; /* seconds */
};

/* The kernel's side of one IPsec SA (XFRM), parallel to child_sas. */
enum lsw_sa_kstate {
	LSW_SAK_NONE = 0, /* no instance: kernel source off, SA not established, no SPI */
	LSW_SAK_PRESENT = 1,
	LSW_SAK_MISSING = 2,
};

struct lsw_sa_kernel {
	enum lsw_sa_kstate state;
	bool has_in, has_out; /* the kernel's counts below are known */
	uint64_t in_pkts, out_pkts;
	uint32_t replay, replay_window, integrity_failed; /* of the inbound SA */
	unsigned missing_polls;                           /* polls in a row this SA was missing */
};

/* A kernel SA that no IPsec SA of pluto claims. */
struct lsw_xfrm_key {
	uint8_t proto;
	uint32_t spi;
	struct lsw_addr daddr;
	bool confirmed; /* also unclaimed at the previous poll */
};

/* One octet counter of an IPsec SA, carried from view to view while the
 * SA lives (see sa_count() in view.c for the wrap rule). */
struct lsw_sa_counter {
	uint64_t value;      /* served: raw + offset, never less than last view */
	uint64_t offset;     /* 2^32 for each 32-bit wrap seen on this SA */
	uint64_t last_exact; /* last exact raw value (valid when has_exact) */
	bool has_exact;
};

/* Octets of one IPsec SA (one kernel SA: same serial, same add_time). */
struct lsw_sa_octets {
	uint32_t serial;
	uint64_t created;   /* monotonic cs when first seen: lsIpsecSaCreated */
	long long add_time; /* last known, LSW_ABSENT when never printed */
	bool continued;     /* the same SA was in the previous view */
	struct lsw_sa_counter in, out;
};

struct lsw_conn_row {
	const struct lsw_connection *conn;
	const oid *idx; /* encoded index, idx_len sub-ids, owned by the view */
	size_t idx_len;
	/* Octets of IPsec SAs of this connection that are gone (rekeyed,
	 * deleted, pluto restarted): added so the counters never go down. */
	uint64_t base_in, base_out;
	uint64_t in_octets, out_octets; /* base + current SAs */
	/* Packets, the same way, from the kernel (has_pkts: ever known). */
	bool has_pkts;
	uint64_t base_in_pkts, base_out_pkts, in_pkts, out_pkts;
	uint32_t ike_rekeys, ipsec_rekeys; /* seen by the agent (diff) */
	/* Times are monotonic centiseconds (lsw_mono_cs()), served as
	 * TimeStamps against snmpd's uptime at each request
	 * (lsw_value_timestamp()): an uptime kept here would be wrong after
	 * snmpd restarts. */
	uint64_t last_change;           /* lsConnOperStatus (from pluto) last changed */
	uint64_t created;               /* first seen: lsConnCounterDiscontinuityTime */
	const char *display;            /* "name[3]" (lsConnDisplayName), owned by the view */
	size_t first_child, n_children; /* range in view->child_idx */
	size_t n_ike_sas, n_child_sas;  /* SAs of this connection in the snapshot */
};

struct lsw_view {
	struct lsw_snapshot *snap; /* owned */
	size_t n_conns;
	struct lsw_conn_row *conns; /* sorted by encoded index */
	oid *idx_pool;
	size_t n_children;
	size_t *child_idx; /* per connection row (by serial): index into sa_octets */
	size_t n_conns_up;
	size_t n_not_served; /* connections whose name/instance is too long */
	/* Those too long for an index, sorted by name and instance: each is
	 * logged once, by the first view that has it and its prev not. */
	const struct lsw_connection **too_long;
	size_t n_too_long;
	/* SA tables: the snapshot's arrays (sorted by serial) minus serial 0. */
	size_t n_ike_sas;
	const struct lsw_ike_sa *ike_sas;
	size_t n_child_sas;
	const struct lsw_child_sa *child_sas;
	struct lsw_sa_octets *sa_octets; /* parallel to child_sas */
	uint64_t *ike_created;           /* parallel to ike_sas: first seen (lsIkeSaCreated) */
	char *display_pool;
	/* Set by the collector once it is declared failed (fail-after polls in
	 * a row failed, lsCollectorFailed sent): the status columns then read
	 * unknown; a new view (the next good poll) starts without it. */
	bool unknown;

	/* The kernel (view_kernel.c): status of this poll's dump. */
	int kernel_status; /* enum lsw_kernel_status */
	char kernel_error[200];
	size_t n_kernel_sas;                  /* in the last good dump */
	size_t n_missing;                     /* IPsec SAs whose kernel SA is missing */
	struct lsw_sa_kernel *sa_kernel;      /* parallel to child_sas; NULL: never a dump */
	size_t n_unclaimed_keys, n_unclaimed; /* all / confirmed (two polls) */
	/* Differences seen at this poll for the first time (an SA missing
	 * once, a key unclaimed once): the next poll confirms or clears them,
	 * and the collector makes it come soon when an XFRM notification
	 * started this one. */
	size_t n_unconfirmed;
	struct lsw_xfrm_key *unclaimed; /* sorted by (proto, spi, daddr) */
	struct lsw_xfrm_stat xstat;     /* /proc/net/xfrm_stat, last good */
	size_t *xstat_order;            /* its items in OID (index) order */
	/* pluto's --globalstatus (last good), its total.* rows in OID order. */
	int ike_status;
	struct lsw_globalstatus *gstat;
	size_t n_gstat_rows;
	size_t *gstat_order;
	uint64_t ike_since;    /* lsIkeStatDiscontinuityTime (monotonic cs) */
	uint64_t ike_alarm_at; /* last lsIkeFailuresRising (monotonic cs), 0 none */
	/* What changed in these since the previous view, for notify.c. */
	size_t n_kevents;
	struct lsw_kevent *kevents;
	/* The changes from the previous view's snapshot to this one
	 * (lsw_diff()): computed once per poll, for the rekey counts here and
	 * for notify's events and traps. They borrow from both snapshots, so
	 * they are dropped (lsw_view_drop_diff()) before the previous view is
	 * freed. */
	struct lsw_diff_event *diff;
	size_t n_diff;
};

/* Values of lsConnOperStatus and lsIkeSaState/lsIpsecSaState beyond the
 * parser's (enum lsw_conn_oper, enum lsw_sa_state). */
#define LSW_OPER_NOT_APPLICABLE 4 /* a template with no SA of its own */
#define LSW_OPER_UNKNOWN        5 /* collector declared failed */
#define LSW_SA_STATE_UNKNOWN    4

/* The lsConnOperStatus served for row of v. */
int lsw_view_conn_oper(const struct lsw_view *v, const struct lsw_conn_row *row);

/* The lsIkeSaState / lsIpsecSaState served for sa, a row of v. */
int lsw_view_sa_state(const struct lsw_view *v, const struct lsw_sa *sa);

/* When v first saw ike, a row of v (monotonic cs); 0 when not v's. */
uint64_t lsw_view_ike_created(const struct lsw_view *v, const struct lsw_ike_sa *ike);

/* The monotonic clock in centiseconds, the unit of every time in a view. */
uint64_t lsw_mono_cs(void);

/* Build the view of snap, which it takes over (freed with the view, also
 * when this fails). prev (may be NULL) is the view being replaced; it is
 * only read. now is lsw_mono_cs() of the poll. NULL when out of memory.
 * When pluto restarted between prev and snap (lsw_diff_pluto_restarted()),
 * every SA is new: SA counters and creation times start again. */
struct lsw_view *lsw_view_new(struct lsw_snapshot *snap, const struct lsw_view *prev, uint64_t now);

/* The same with what the poll learned of the kernel and pluto's counters
 * (extra may be NULL: nothing). Takes over extra's dump, xstat and gstat;
 * when this poll did not get one of them (failed), prev's is moved over
 * (prev is being replaced: its tables are not served any more), so the
 * last good values stay. */
struct lsw_view *lsw_view_new_ext(struct lsw_snapshot *snap, struct lsw_poll_extra *extra,
                                  struct lsw_view *prev, uint64_t now);

/* Free v's diff (the snapshot of the view it replaced is going). */
void lsw_view_drop_diff(struct lsw_view *v);

/* The kernel's side of sa, a row of v; NULL when none (kernel source off). */
const struct lsw_sa_kernel *lsw_view_sa_kernel(const struct lsw_view *v,
                                               const struct lsw_child_sa *sa);

/* Rows of lsXfrmStatTable / lsIkeStatTable by raw index (length-prefixed
 * name), exact or next; the item's position in xstat.items / gstat->items,
 * or -1. */
long lsw_view_xstat(const struct lsw_view *v, const oid *idx, size_t idx_len, bool next);
long lsw_view_gstat(const struct lsw_view *v, const oid *idx, size_t idx_len, bool next);

/* Internal to view.c and view_kernel.c. */
int lsw_view_kernel_build(struct lsw_view *v, struct lsw_poll_extra *extra,
                          const struct lsw_view *prev, struct lsw_view *mprev,
                          const struct lsw_view *prev_sas, uint64_t now);
void lsw_view_kernel_free(struct lsw_view *v);

/* Free the view and its snapshot; NULL is fine. */
void lsw_view_free(struct lsw_view *v);

/* Row lookups by raw index suffix (the sub-identifiers after the column).
 * next=false: the row whose index is exactly idx, or NULL.
 * next=true: the first row whose index is greater than idx in OID order
 * (idx_len 0: the first row), or NULL after the last. */
const struct lsw_conn_row *lsw_view_conn(const struct lsw_view *v, const oid *idx, size_t idx_len,
                                         bool next);
const struct lsw_ike_sa *lsw_view_ikesa(const struct lsw_view *v, const oid *idx, size_t idx_len,
                                        bool next);
const struct lsw_child_sa *lsw_view_ipsecsa(const struct lsw_view *v, const oid *idx,
                                            size_t idx_len, bool next);

/* The octets served for sa, a row of v (from lsw_view_ipsecsa()): O(1),
 * sa_octets is parallel to child_sas. NULL when sa is not v's. */
const struct lsw_sa_octets *lsw_view_sa_octets(const struct lsw_view *v,
                                               const struct lsw_child_sa *sa);

/* Lexicographic OID order (a proper prefix comes first). */
int lsw_oid_cmp(const oid *a, size_t alen, const oid *b, size_t blen);

#endif
