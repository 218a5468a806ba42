/* mib_ikesa.c - lsIkeSaTable: one row per IKE SA, by serial. */
#include "mib_table.h"
#include "view.h"

int lsw_ikesa_value(const struct lsw_ike_sa *sa, unsigned col, struct lsw_value *out)
{
	const struct lsw_event *ev = lsw_next_event(sa->events, sa->n_events);

	switch (col) {
	case LSW_IKESA_CONN_NAME:
		return lsw_value_string(out, sa->connection);
	case LSW_IKESA_CONN_INSTANCE:
		return lsw_value_string(out, sa->instance);
	case LSW_IKESA_PEER_ADDR_TYPE:
		return lsw_value_addr_type(out, &sa->peer_addr);
	case LSW_IKESA_PEER_ADDR:
		return lsw_value_addr(out, &sa->peer_addr);
	case LSW_IKESA_PEER_PORT:
		return lsw_value_typed(out, ASN_UNSIGNED,
		                       sa->peer_port >= 0 && sa->peer_port <= 65535 ? sa->peer_port
		                                                                    : 0);
	case LSW_IKESA_TRANSPORT:
		return lsw_value_int(out, sa->tcp ? 2 : 1);
	case LSW_IKESA_STATE_NAME:
		return lsw_value_string(out, sa->state_name ? sa->state_name : sa->story);
	case LSW_IKESA_STATE:
		return lsw_value_int(out, sa->state);
	case LSW_IKESA_IKE_VERSION:
		return lsw_value_int(out, sa->ike_version);
	case LSW_IKESA_ROLE:
		return lsw_value_int(out, sa->role);
	case LSW_IKESA_NEWEST:
		return lsw_value_bool(out, sa->newest);
	case LSW_IKESA_NEXT_EVENT:
		return lsw_value_string(out, ev ? ev->name : NULL);
	case LSW_IKESA_NEXT_EVENT_SECONDS:
		return lsw_value_int(out, ev && ev->seconds >= 0 ? ev->seconds : -1);
	case LSW_IKESA_STORY:
		return lsw_value_string(out, sa->story);
	case LSW_IKESA_LAST_DPD:
		return lsw_value_int(out, sa->lastdpd >= 0 ? sa->lastdpd : -1);
	default:
		return -1;
	}
}

static const void *ikesa_lookup(const void *v, const oid *idx, size_t len, bool next)
{
	return lsw_view_ikesa(v, idx, len, next);
}

static size_t ikesa_row_index(const void *row, oid *idx)
{
	idx[0] = ((const struct lsw_ike_sa *)row)->serial;
	return 1;
}

static int ikesa_value(const void *v, const void *row, unsigned col, struct lsw_value *out)
{
	return lsw_ikesa_value(row, col, out);
}

static const oid ikesa_entry[] = {LSW_OID_IKESA_ENTRY};

const struct lsw_table_ops lsw_ikesa_table_ops = {
    .name = "lsIkeSaTable",
    .entry = ikesa_entry,
    .entry_len = OID_LENGTH(ikesa_entry),
    .min_col = LSW_IKESA_COL_MIN,
    .max_col = LSW_IKESA_COL_MAX,
    .index_types = {ASN_UNSIGNED},
    .n_index = 1,
    .lookup = ikesa_lookup,
    .row_index = ikesa_row_index,
    .value = ikesa_value,
};
