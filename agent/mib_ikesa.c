/* mib_ikesa.c - lsIkeSaTable: one row per IKE SA, by serial. */
#include "mib_sa.h"
#include "mib_table.h"
#include "view.h"

int lsw_ikesa_value(const struct lsw_ike_sa *sa, unsigned col, struct lsw_value *out)
{
	/* pluto prints lastdpd=-1s before the first DPD exchange, and nothing
	 * without DPD: neither is a number of seconds, so no instance. */
	if (col == LSW_IKESA_LAST_DPD)
		return sa->lastdpd >= 0 ? lsw_value_int(out, sa->lastdpd) : -1;
	return lsw_sa_value(&sa->sa, true, col, out);
}

static const void *ikesa_lookup(const void *v, const oid *idx, size_t len, bool next)
{
	return lsw_view_ikesa(v, idx, len, next);
}

/* The columns that need the view: the state once the collector is
 * declared failed, and when the SA was first seen. */
static int ikesa_value(const void *v, const void *row, unsigned col, struct lsw_value *out)
{
	const struct lsw_ike_sa *sa = row;

	if (col == LSW_IKESA_STATE)
		return lsw_value_int(out, lsw_view_sa_state(v, &sa->sa));
	if (col == LSW_IKESA_CREATED)
		return lsw_value_timestamp(out, lsw_view_ike_created(v, sa), lsw_mono_cs());
	return lsw_ikesa_value(sa, col, out);
}

static const oid ikesa_entry[] = {LSW_OID_IKESA_ENTRY};

const struct lsw_table_ops lsw_ikesa_table_ops = LSW_SA_TABLE_OPS(
    "lsIkeSaTable", ikesa_entry, LSW_IKESA_COL_MIN, LSW_IKESA_COL_MAX, ikesa_lookup, ikesa_value);
