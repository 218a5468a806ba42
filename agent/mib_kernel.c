/* mib_kernel.c - lsKernel (the kernel source's status and counts,
 * lsXfrmStatTable) and lsIke (pluto's IKE counters, lsIkeStatTable), read
 * from the current view (view_kernel.c). */
#include <string.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include "mib_kernel.h"
#include "view.h"

static int kernel_scalar(void *arg, unsigned n, struct lsw_value *out)
{
	const struct lsw_scalars *s = arg;
	const struct lsw_view *v = s->view(s->arg);
	struct lsw_stats all;

	s->stats(s->arg, &all);
	switch (n) {
	case LSW_KSC_STATUS:
		/* before the first poll: what the collector knows (off, or not yet) */
		return lsw_value_int(out, v ? v->kernel_status : all.collector.kernel_status);
	case LSW_KSC_SA_COUNT:
		return v == NULL || v->sa_kernel == NULL
		           ? -1
		           : lsw_value_typed(out, ASN_GAUGE, (long)v->n_kernel_sas);
	case LSW_KSC_SA_MISSING:
		return v == NULL || v->sa_kernel == NULL
		           ? -1
		           : lsw_value_typed(out, ASN_GAUGE, (long)v->n_missing);
	case LSW_KSC_SA_UNCLAIMED:
		return v == NULL || v->sa_kernel == NULL
		           ? -1
		           : lsw_value_typed(out, ASN_GAUGE, (long)v->n_unclaimed);
	case LSW_KSC_DUMP_FAILURES:
		return lsw_value_typed(out, ASN_COUNTER,
		                       (long)(all.collector.kernel_failures & 0xffffffffu));
	case LSW_KSC_LAST_ERROR:
		return lsw_value_string(out, v ? v->kernel_error : "");
	default:
		return -1;
	}
}

static uint64_t ike_count(const struct lsw_view *v, const char *name, bool *found)
{
	uint64_t n = 0;

	*found = v != NULL && v->gstat != NULL && lsw_globalstatus_get(v->gstat, name, &n);
	return n;
}

static int ike_scalar(void *arg, unsigned n, struct lsw_value *out)
{
	static const char *const names[] = {
	    [LSW_ISC_V2_ESTABLISHED] = "total.ike.ikev2.established",
	    [LSW_ISC_V2_FAILED] = "total.ike.ikev2.failed",
	    [LSW_ISC_V1_ESTABLISHED] = "total.ike.ikev1.established",
	    [LSW_ISC_V1_FAILED] = "total.ike.ikev1.failed",
	};
	const struct lsw_scalars *s = arg;
	const struct lsw_view *v = s->view(s->arg);
	bool found;
	uint64_t count;

	switch (n) {
	case LSW_ISC_V2_ESTABLISHED:
	case LSW_ISC_V2_FAILED:
	case LSW_ISC_V1_ESTABLISHED:
	case LSW_ISC_V1_FAILED:
		/* A release that does not print it: no instance, not 0. */
		count = ike_count(v, names[n], &found);
		/* Counter32: they go into lsIkeFailuresRising (no Counter64 there) */
		return found ? lsw_value_typed(out, ASN_COUNTER, (long)(count & 0xffffffffu)) : -1;
	case LSW_ISC_DISCONTINUITY_TIME:
		return v == NULL || v->gstat == NULL
		           ? -1
		           : lsw_value_timestamp(out, v->ike_since, lsw_mono_cs());
	case LSW_ISC_STATUS:
		return v == NULL ? -1 : lsw_value_int(out, v->ike_status);
	default:
		return -1;
	}
}

/* ---- the two tables of named counters ---- */

/* Rows are kept only when their name fits an index (view_kernel.c). */
static size_t name_index(const char *name, oid *idx)
{
	int n = lsw_mib_name_index(idx, name);

	return n > 0 ? (size_t)n : 0;
}

static int named_value(const char *name, uint64_t value, unsigned col, struct lsw_value *out)
{
	if (col == LSW_NSTAT_NAME_TEXT)
		return lsw_value_string(out, name);
	if (col == LSW_NSTAT_VALUE)
		return lsw_value_u64(out, value);
	return -1;
}

static const void *xstat_lookup(const void *data, const oid *idx, size_t len, bool next)
{
	const struct lsw_view *v = data;
	long i = lsw_view_xstat(v, idx, len, next);

	return i < 0 ? NULL : &v->xstat.items[i];
}

static size_t xstat_row_index(const void *row, oid *idx)
{
	return name_index(((const struct lsw_xfrm_stat_item *)row)->name, idx);
}

static int xstat_value(const void *data, const void *row, unsigned col, struct lsw_value *out)
{
	const struct lsw_xfrm_stat_item *it = row;

	return named_value(it->name, it->value, col, out);
}

static const void *gstat_lookup(const void *data, const oid *idx, size_t len, bool next)
{
	const struct lsw_view *v = data;
	long i = lsw_view_gstat(v, idx, len, next);

	return i < 0 ? NULL : &v->gstat->items[i];
}

static size_t gstat_row_index(const void *row, oid *idx)
{
	return name_index(((const struct lsw_gstat_item *)row)->name, idx);
}

static int gstat_value(const void *data, const void *row, unsigned col, struct lsw_value *out)
{
	const struct lsw_gstat_item *it = row;

	return named_value(it->name, it->value, col, out);
}

static const oid xstat_entry[] = {LSW_OID_XFRMSTAT_ENTRY};
static const oid gstat_entry[] = {LSW_OID_IKESTAT_ENTRY};

const struct lsw_table_ops lsw_xfrmstat_table_ops = {
    .name = "lsXfrmStatTable",
    .entry = xstat_entry,
    .entry_len = OID_LENGTH(xstat_entry),
    .min_col = LSW_NSTAT_NAME_TEXT,
    .max_col = LSW_NSTAT_VALUE,
    .index_types = {ASN_OCTET_STR},
    .n_index = 1,
    .lookup = xstat_lookup,
    .row_index = xstat_row_index,
    .value = xstat_value,
};

const struct lsw_table_ops lsw_ikestat_table_ops = {
    .name = "lsIkeStatTable",
    .entry = gstat_entry,
    .entry_len = OID_LENGTH(gstat_entry),
    .min_col = LSW_NSTAT_NAME_TEXT,
    .max_col = LSW_NSTAT_VALUE,
    .index_types = {ASN_OCTET_STR},
    .n_index = 1,
    .lookup = gstat_lookup,
    .row_index = gstat_row_index,
    .value = gstat_value,
};

static const oid kernel_oid[] = {LSW_OID_KERNEL};
static const oid ike_oid[] = {LSW_OID_IKE};

static const struct lsw_scalar_ops kernel_ops = {
    .name = "lsKernel",
    .oid = kernel_oid,
    .oid_len = OID_LENGTH(kernel_oid),
    .max = LSW_KSC_MAX,
    .value = kernel_scalar,
};

static const struct lsw_scalar_ops ike_ops = {
    .name = "lsIke",
    .oid = ike_oid,
    .oid_len = OID_LENGTH(ike_oid),
    .max = LSW_ISC_MAX,
    .value = ike_scalar,
};

int lsw_mib_kernel_register(struct lsw_scalars *s, const struct lsw_mib_source *view)
{
	if (lsw_scalar_register_each(&kernel_ops, s) < 0 ||
	    lsw_scalar_register_each(&ike_ops, s) < 0 ||
	    lsw_table_register(&lsw_xfrmstat_table_ops, view) < 0 ||
	    lsw_table_register(&lsw_ikestat_table_ops, view) < 0)
		return -1;
	return 0;
}
