/* mib_ipsecsa.c - lsIpsecSaTable: one row per IPsec (Child) SA, by serial. */
#include "mib_sa.h"
#include "mib_table.h"
#include "view.h"

int lsw_ipsecsa_value(const struct lsw_child_sa *sa, unsigned col, struct lsw_value *out)
{
	switch (col) {
	case LSW_IPSECSA_IKESA:
		return lsw_value_typed(out, ASN_UNSIGNED, (long)sa->ike_sa);
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
		return sa->mode == LSW_MODE_UNKNOWN ? -1 : lsw_value_int(out, sa->mode);
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
	default:
		return lsw_sa_value(&sa->sa, false, col, out);
	}
}

/* The kernel's columns: no instance without a dump, or for an SA the
 * kernel does not have. */
static int kernel_value(const struct lsw_sa_kernel *k, unsigned col, struct lsw_value *out)
{
	if (k == NULL)
		return -1;
	switch (col) {
	case LSW_IPSECSA_KERNEL_STATE:
		return k->state == LSW_SAK_NONE ? -1 : lsw_value_int(out, k->state);
	case LSW_IPSECSA_IN_PKTS:
		return k->has_in ? lsw_value_u64(out, k->in_pkts) : -1;
	case LSW_IPSECSA_OUT_PKTS:
		return k->has_out ? lsw_value_u64(out, k->out_pkts) : -1;
	case LSW_IPSECSA_REPLAY_ERRORS:
		return k->has_in ? lsw_value_typed(out, ASN_COUNTER, (long)k->replay) : -1;
	case LSW_IPSECSA_REPLAY_WINDOW_ERRORS:
		return k->has_in ? lsw_value_typed(out, ASN_COUNTER, (long)k->replay_window) : -1;
	case LSW_IPSECSA_INTEGRITY_FAILURES:
		return k->has_in ? lsw_value_typed(out, ASN_COUNTER, (long)k->integrity_failed)
		                 : -1;
	default:
		return -1;
	}
}

static const void *ipsecsa_lookup(const void *v, const oid *idx, size_t len, bool next)
{
	return lsw_view_ipsecsa(v, idx, len, next);
}

/* The octet columns come from the view, not the snapshot: the raw count of
 * libreswan before 5.0 wraps at 2^32, the view's is unwrapped and never
 * goes down while the SA lives (view.c). */
static int ipsecsa_value(const void *v, const void *row, unsigned col, struct lsw_value *out)
{
	const struct lsw_child_sa *sa = row;
	const struct lsw_sa_octets *o;

	if (col == LSW_IPSECSA_STATE)
		return lsw_value_int(out, lsw_view_sa_state(v, &sa->sa));
	if (col >= LSW_IPSECSA_KERNEL_STATE)
		return kernel_value(lsw_view_sa_kernel(v, sa), col, out);
	if (col != LSW_IPSECSA_IN_OCTETS && col != LSW_IPSECSA_OUT_OCTETS &&
	    col != LSW_IPSECSA_CREATED)
		return lsw_ipsecsa_value(sa, col, out);
	o = lsw_view_sa_octets(v, sa);
	if (o == NULL)
		return col == LSW_IPSECSA_CREATED ? lsw_value_timestamp(out, 0, lsw_mono_cs())
		                                  : lsw_ipsecsa_value(sa, col, out);
	if (col == LSW_IPSECSA_CREATED)
		return lsw_value_timestamp(out, o->created, lsw_mono_cs());
	return lsw_value_u64(out, col == LSW_IPSECSA_IN_OCTETS ? o->in.value : o->out.value);
}

static const oid ipsecsa_entry[] = {LSW_OID_IPSECSA_ENTRY};

const struct lsw_table_ops lsw_ipsecsa_table_ops =
    LSW_SA_TABLE_OPS("lsIpsecSaTable", ipsecsa_entry, LSW_IPSECSA_COL_MIN, LSW_IPSECSA_COL_MAX,
                     ipsecsa_lookup, ipsecsa_value);
