/* mib_conn.c - lsConnTable: one row per connection (name + instance). */
#include <string.h>

#include "mib_table.h"
#include "view.h"

int lsw_conn_value(const struct lsw_view *view, const struct lsw_conn_row *row, unsigned col,
                   struct lsw_value *out)
{
	const struct lsw_connection *c = row->conn;

	switch (col) {
	case LSW_CONN_OPER_STATUS:
		return lsw_value_int(out, lsw_view_conn_oper(view, row));
	case LSW_CONN_LOCAL_ADDR_TYPE:
		return lsw_value_addr_type(out, &c->local_addr);
	case LSW_CONN_LOCAL_ADDR:
		return lsw_value_addr(out, &c->local_addr);
	case LSW_CONN_REMOTE_ADDR_TYPE:
		return lsw_value_addr_type(out, &c->remote_addr);
	case LSW_CONN_REMOTE_ADDR:
		return lsw_value_addr(out, &c->remote_addr);
	case LSW_CONN_LOCAL_HOST:
		return lsw_value_string(out, c->local_host);
	case LSW_CONN_REMOTE_HOST:
		return lsw_value_string(out, c->remote_host);
	case LSW_CONN_LOCAL_ID:
		return lsw_value_string(out, c->local_id);
	case LSW_CONN_REMOTE_ID:
		return lsw_value_string(out, c->remote_id);
	case LSW_CONN_LOCAL_SUBNET:
		return lsw_value_string(out, c->local_client);
	case LSW_CONN_REMOTE_SUBNET:
		return lsw_value_string(out, c->remote_client);
	case LSW_CONN_IKE_VERSION:
		/* Not known: no instance (no unknown(0) that looks like a value). */
		return c->ike_version == LSW_IKE_UNKNOWN ? -1 : lsw_value_int(out, c->ike_version);
	case LSW_CONN_ROUTING:
		return lsw_value_string(out, c->routing);
	case LSW_CONN_ROUTED_TUNNEL:
		return lsw_value_bool(out, c->routed_tunnel);
	case LSW_CONN_POLICY:
		return lsw_value_string(out, c->policy);
	case LSW_CONN_NEWEST_IKESA:
		return lsw_value_typed(out, ASN_UNSIGNED, (long)c->newest_ike_sa);
	case LSW_CONN_NEWEST_IPSECSA:
		return lsw_value_typed(out, ASN_UNSIGNED, (long)c->newest_child_sa);
	case LSW_CONN_EROUTE_OWNER:
		return lsw_value_typed(out, ASN_UNSIGNED, (long)c->eroute_owner);
	case LSW_CONN_IKE_ALGORITHM:
		return lsw_value_string(out, c->ike_alg_newest);
	case LSW_CONN_ESP_ALGORITHM:
		return lsw_value_string(out, c->esp_alg_newest);
	case LSW_CONN_IKESA_COUNT:
		return lsw_value_typed(out, ASN_GAUGE, (long)row->n_ike_sas);
	case LSW_CONN_IPSECSA_COUNT:
		return lsw_value_typed(out, ASN_GAUGE, (long)row->n_child_sas);
	case LSW_CONN_IN_OCTETS:
		return lsw_value_u64(out, row->in_octets);
	case LSW_CONN_OUT_OCTETS:
		return lsw_value_u64(out, row->out_octets);
	case LSW_CONN_LAST_CHANGE:
		return lsw_value_timestamp(out, row->last_change, lsw_mono_cs());
	case LSW_CONN_DISPLAY_NAME:
		return lsw_value_string(out, row->display);
	case LSW_CONN_NAME_TEXT:
		return lsw_value_string(out, c->name);
	case LSW_CONN_INSTANCE_TEXT:
		return lsw_value_string(out, c->instance);
	case LSW_CONN_KIND:
		return lsw_value_int(out, c->kind);
	case LSW_CONN_ADMIN_STATUS:
		return lsw_value_int(out, c->admin);
	case LSW_CONN_COUNTER_DISCONTINUITY_TIME:
		return lsw_value_timestamp(out, row->created, lsw_mono_cs());
	case LSW_CONN_IN_PKTS:
		return row->has_pkts ? lsw_value_u64(out, row->in_pkts) : -1;
	case LSW_CONN_OUT_PKTS:
		return row->has_pkts ? lsw_value_u64(out, row->out_pkts) : -1;
	case LSW_CONN_IKESA_REKEYS:
		return lsw_value_typed(out, ASN_COUNTER, (long)row->ike_rekeys);
	case LSW_CONN_IPSECSA_REKEYS:
		return lsw_value_typed(out, ASN_COUNTER, (long)row->ipsec_rekeys);
	case LSW_CONN_IKE_LIFETIME:
		return c->ike_life < 0 ? -1 : lsw_value_typed(out, ASN_UNSIGNED, c->ike_life);
	case LSW_CONN_IPSEC_LIFETIME:
		return c->ipsec_life < 0 ? -1 : lsw_value_typed(out, ASN_UNSIGNED, c->ipsec_life);
	case LSW_CONN_REKEY_MARGIN:
		return c->rekey_margin < 0 ? -1
		                           : lsw_value_typed(out, ASN_UNSIGNED, c->rekey_margin);
	default:
		return -1;
	}
}

static const void *conn_lookup(const void *v, const oid *idx, size_t len, bool next)
{
	return lsw_view_conn(v, idx, len, next);
}

static size_t conn_row_index(const void *row, oid *idx)
{
	const struct lsw_conn_row *r = row;

	memcpy(idx, r->idx, r->idx_len * sizeof(oid));
	return r->idx_len;
}

static int conn_value(const void *v, const void *row, unsigned col, struct lsw_value *out)
{
	return lsw_conn_value(v, row, col, out);
}

static const oid conn_entry[] = {LSW_OID_CONN_ENTRY};

const struct lsw_table_ops lsw_conn_table_ops = {
    .name = "lsConnTable",
    .entry = conn_entry,
    .entry_len = OID_LENGTH(conn_entry),
    .min_col = LSW_CONN_COL_MIN,
    .max_col = LSW_CONN_COL_MAX,
    .index_types = {ASN_OCTET_STR, ASN_OCTET_STR},
    .n_index = 2,
    .lookup = conn_lookup,
    .row_index = conn_row_index,
    .value = conn_value,
};
