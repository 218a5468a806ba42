/* mib_table.h - the one read-only table handler behind lsConnTable,
 * lsIkeSaTable and lsIpsecSaTable.
 *
 * Registered with netsnmp_register_table() (the table helper works out the
 * column); the rows come from the collector's current view through the
 * table's lookup function, a binary search, and one mapping function per
 * table turns a row into a column value.
 */
#ifndef LSW_MIB_TABLE_H
#define LSW_MIB_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "collector.h"
#include "mib_value.h"

struct lsw_table_ops {
	const char *name;
	const oid *entry; /* the entry OID; the table OID is entry minus its last sub-id */
	size_t entry_len;
	unsigned min_col, max_col;
	u_char index_types[2];
	size_t n_index;
	/* Row by raw index suffix, exact (next=false) or the next one. */
	const void *(*lookup)(const struct lsw_view *v, const oid *idx, size_t len, bool next);
	/* The row's encoded index into idx (room for MAX_OID_LEN); its length. */
	size_t (*row_index)(const void *row, oid *idx);
	int (*value)(const struct lsw_view *v, const void *row, unsigned col,
	             struct lsw_value *out);
};

/* Register a table served from c's current view. The registration owns
 * nothing of ops or c; unregister at shutdown with lsw_table_unregister(). */
int lsw_table_register(const struct lsw_table_ops *ops, struct lsw_collector *c);

/* Unregister everything lsw_table_register() registered. */
void lsw_table_unregister_all(void);

/* Each table registers its subtree (after init_agent()). */
int lsw_mib_conn_register(struct lsw_collector *c);
int lsw_mib_ikesa_register(struct lsw_collector *c);
int lsw_mib_ipsecsa_register(struct lsw_collector *c);

/* Answer one GET (next=false) or GETNEXT on the table for the requested
 * OID name/len: 0 and out_name/out_len/out_value set, or -1 when there is
 * no such instance (GET) or nothing after it in the table (GETNEXT).
 * Split from the handler so unit tests can walk a view without snmpd. */
int lsw_table_answer(const struct lsw_table_ops *ops, const struct lsw_view *v, const oid *name,
                     size_t len, unsigned col, bool next, oid *out_name, size_t *out_len,
                     struct lsw_value *out_value);

extern const struct lsw_table_ops lsw_conn_table_ops;
extern const struct lsw_table_ops lsw_ikesa_table_ops;
extern const struct lsw_table_ops lsw_ipsecsa_table_ops;

#endif
