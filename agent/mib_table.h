/* mib_table.h - the one read-only table handler behind lsConnTable,
 * lsIkeSaTable, lsIpsecSaTable and lsEventTable, the one scalar handler,
 * and the one owner of their net-snmp registrations.
 *
 * A table is registered with netsnmp_register_table() (the table helper
 * works out the column); at each request the handler asks its source for
 * the data (the collector's current view, the event ring), finds the row
 * with the table's lookup function (a binary search, or arithmetic), and
 * one mapping function per table turns a row into a column value. The
 * source is handed in by agent.c: the tables do not know the collector.
 */
#ifndef LSW_MIB_TABLE_H
#define LSW_MIB_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "mib_value.h"

/* What a registration serves, asked at each request: data(arg). */
struct lsw_mib_source {
	const void *(*data)(void *arg);
	void *arg;
};

struct lsw_table_ops {
	const char *name;
	const oid *entry; /* the entry OID; the table OID is entry minus its last sub-id */
	size_t entry_len;
	unsigned min_col, max_col;
	u_char index_types[2];
	size_t n_index;
	/* Row of data (the source's) by raw index suffix, exact (next=false)
	 * or the next one. */
	const void *(*lookup)(const void *data, const oid *idx, size_t len, bool next);
	/* The row's encoded index into idx (room for MAX_OID_LEN); its length. */
	size_t (*row_index)(const void *row, oid *idx);
	int (*value)(const void *data, const void *row, unsigned col, struct lsw_value *out);
};

/* Register a table served from src's data (src is copied; ops must
 * outlive the registration). 0, or -1. */
int lsw_table_register(const struct lsw_table_ops *ops, const struct lsw_mib_source *src);

/* A group of scalars NAME.1.0 .. NAME.max.0 under oid, or (max 0) the one
 * scalar oid.0. value(arg, n, out) gives scalar n (the last sub-identifier
 * before .0): 0, or -1 when there is no such scalar. */
struct lsw_scalar_ops {
	const char *name;
	const oid *oid;
	size_t oid_len;
	unsigned max;
	int (*value)(void *arg, unsigned n, struct lsw_value *out);
};

/* Register scalars (ops must outlive the registration). 0, or -1. */
int lsw_scalar_register(const struct lsw_scalar_ops *ops, void *arg);

/* The same scalars registered one by one (NAME.1 .. NAME.max), for a
 * group whose subtree also holds a table (lsKernel.10, lsIke.10): a
 * scalar group would register the whole subtree, and the master refuses
 * the table's registration inside it (AgentX duplicateRegistration). */
int lsw_scalar_register_each(const struct lsw_scalar_ops *ops, void *arg);

/* The row of sysORTable that names the MIB we implement (id, descr), as
 * lldpd's agent_init() does: `snmpwalk sysORTable` then lists us. */
int lsw_mib_register_sysor(const oid *id, size_t len, const char *descr);

/* Unregister everything registered above (before snmp_shutdown()). */
void lsw_mib_unregister_all(void);

/* Answer one GET (next=false) or GETNEXT on the table for the requested
 * OID name/len: 0 and out_name/out_len/out_value set, or -1 when there is
 * no such instance (GET) or nothing after it in the table (GETNEXT).
 * Split from the handler so unit tests can walk a view without snmpd. */
int lsw_table_answer(const struct lsw_table_ops *ops, const void *data, const oid *name, size_t len,
                     unsigned col, bool next, oid *out_name, size_t *out_len,
                     struct lsw_value *out_value);

extern const struct lsw_table_ops lsw_conn_table_ops;
extern const struct lsw_table_ops lsw_ikesa_table_ops;
extern const struct lsw_table_ops lsw_ipsecsa_table_ops;

#endif
