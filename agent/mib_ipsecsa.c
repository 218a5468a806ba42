/* mib_ipsecsa.c - lsIpsecSaTable: one row per IPsec (Child) SA, by serial. */
#include "mib_table.h"
#include "view.h"

int lsw_ipsecsa_value(const struct lsw_child_sa *sa, unsigned col, struct lsw_value *out)
{
	const struct lsw_event *ev = lsw_next_event(sa->events, sa->n_events);

	switch (col) {
	case LSW_IPSECSA_IKESA:
		return lsw_value_typed(out, ASN_UNSIGNED, (long)sa->ike_sa);
	case LSW_IPSECSA_CONN_NAME:
		return lsw_value_string(out, sa->connection);
	case LSW_IPSECSA_CONN_INSTANCE:
		return lsw_value_string(out, sa->instance);
	case LSW_IPSECSA_PEER_ADDR_TYPE:
		return lsw_value_addr_type(out, &sa->peer_addr);
	case LSW_IPSECSA_PEER_ADDR:
		return lsw_value_addr(out, &sa->peer_addr);
	case LSW_IPSECSA_STATE_NAME:
		return lsw_value_string(out, sa->state_name ? sa->state_name : sa->story);
	case LSW_IPSECSA_STATE:
		return lsw_value_int(out, sa->state);
	case LSW_IPSECSA_NEWEST:
		return lsw_value_bool(out, sa->newest);
	case LSW_IPSECSA_EROUTE_OWNER:
		return lsw_value_bool(out, sa->eroute_owner);
	case LSW_IPSECSA_ESP_SPI_IN:
		return lsw_value_typed(out, ASN_UNSIGNED, sa->esp.present ? (long)sa->esp.in : 0);
	case LSW_IPSECSA_ESP_SPI_OUT:
		return lsw_value_typed(out, ASN_UNSIGNED, sa->esp.present ? (long)sa->esp.out : 0);
	case LSW_IPSECSA_AH_SPI_IN:
		return lsw_value_typed(out, ASN_UNSIGNED, sa->ah.present ? (long)sa->ah.in : 0);
	case LSW_IPSECSA_AH_SPI_OUT:
		return lsw_value_typed(out, ASN_UNSIGNED, sa->ah.present ? (long)sa->ah.out : 0);
	case LSW_IPSECSA_IPCOMP_CPI_IN:
		return lsw_value_typed(out, ASN_UNSIGNED,
		                       sa->ipcomp.present ? (long)sa->ipcomp.in : 0);
	case LSW_IPSECSA_IPCOMP_CPI_OUT:
		return lsw_value_typed(out, ASN_UNSIGNED,
		                       sa->ipcomp.present ? (long)sa->ipcomp.out : 0);
	case LSW_IPSECSA_MODE:
		return lsw_value_int(out, sa->mode);
	case LSW_IPSECSA_IN_OCTETS: /* raw; the table serves the view's (ipsecsa_value()) */
		return lsw_value_u64(out, sa->has_bytes ? sa->in_bytes : 0);
	case LSW_IPSECSA_OUT_OCTETS:
		return lsw_value_u64(out, sa->has_bytes ? sa->out_bytes : 0);
	case LSW_IPSECSA_OCTETS_EXACT:
		return lsw_value_bool(out, sa->has_bytes && sa->bytes_exact);
	case LSW_IPSECSA_ADD_TIME:
		return lsw_value_date(out, sa->add_time);
	case LSW_IPSECSA_REMOTE_ID:
		return lsw_value_string(out, sa->remote_id);
	case LSW_IPSECSA_USERNAME:
		return lsw_value_string(out, sa->username);
	case LSW_IPSECSA_LEASE:
		return lsw_value_string(out, sa->lease);
	case LSW_IPSECSA_NEXT_EVENT:
		return lsw_value_string(out, ev ? ev->name : NULL);
	case LSW_IPSECSA_NEXT_EVENT_SECONDS:
		return lsw_value_int(out, ev && ev->seconds >= 0 ? ev->seconds : -1);
	case LSW_IPSECSA_STORY:
		return lsw_value_string(out, sa->story);
	case LSW_IPSECSA_ROLE:
		return lsw_value_int(out, sa->role);
	default:
		return -1;
	}
}

static const void *ipsecsa_lookup(const void *v, const oid *idx, size_t len, bool next)
{
	return lsw_view_ipsecsa(v, idx, len, next);
}

static size_t ipsecsa_row_index(const void *row, oid *idx)
{
	idx[0] = ((const struct lsw_child_sa *)row)->serial;
	return 1;
}

/* The octet columns come from the view, not the snapshot: the raw count of
 * libreswan before 5.0 wraps at 2^32, the view's is unwrapped and never
 * goes down while the SA lives (view.c). */
static int ipsecsa_value(const void *v, const void *row, unsigned col, struct lsw_value *out)
{
	const struct lsw_sa_octets *o;

	if (col != LSW_IPSECSA_IN_OCTETS && col != LSW_IPSECSA_OUT_OCTETS)
		return lsw_ipsecsa_value(row, col, out);
	o = lsw_view_sa_octets(v, row);
	if (o == NULL)
		return lsw_ipsecsa_value(row, col, out);
	return lsw_value_u64(out, col == LSW_IPSECSA_IN_OCTETS ? o->in.value : o->out.value);
}

static const oid ipsecsa_entry[] = {LSW_OID_IPSECSA_ENTRY};

const struct lsw_table_ops lsw_ipsecsa_table_ops = {
    .name = "lsIpsecSaTable",
    .entry = ipsecsa_entry,
    .entry_len = OID_LENGTH(ipsecsa_entry),
    .min_col = LSW_IPSECSA_COL_MIN,
    .max_col = LSW_IPSECSA_COL_MAX,
    .index_types = {ASN_UNSIGNED},
    .n_index = 1,
    .lookup = ipsecsa_lookup,
    .row_index = ipsecsa_row_index,
    .value = ipsecsa_value,
};
