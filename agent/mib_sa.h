/* mib_sa.h - what lsIkeSaTable and lsIpsecSaTable share (mib_sa.c): the
 * columns both have, served from struct lsw_sa, and the index. */
#ifndef LSW_MIB_SA_H
#define LSW_MIB_SA_H

#include <stdbool.h>
#include <stddef.h>

#include "mib_value.h"

/* The columns both SA tables have: col is an lsIkeSaEntry column (ike)
 * or an lsIpsecSaEntry column. 0 and *out set, or -1 for a column that is
 * the kind's own (or none). */
int lsw_sa_value(const struct lsw_sa *sa, bool ike, unsigned col, struct lsw_value *out);

/* The index of a row of either SA table (an IKE or a Child SA, whose
 * first member is its struct lsw_sa): the serial. */
size_t lsw_sa_row_index(const void *row, oid *idx);

/* The struct lsw_table_ops (mib_table.h) of an SA table: rows by serial,
 * one Unsigned32 index; the name, columns, lookup and values are the
 * table's own. */
#define LSW_SA_TABLE_OPS(tname, tentry, col_min, col_max, tlookup, tvalue)                         \
	{                                                                                          \
		.name = (tname), .entry = (tentry), .entry_len = OID_LENGTH(tentry),               \
		.min_col = (col_min), .max_col = (col_max), .index_types = {ASN_UNSIGNED},         \
		.n_index = 1, .lookup = (tlookup), .row_index = lsw_sa_row_index,                  \
		.value = (tvalue),                                                                 \
	}

#endif
