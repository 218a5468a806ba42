/* mib_scalars.c - lsScalars, registered as a scalar group (mib_table.c). */
#include <limits.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include "mib_scalars.h"
#include "view.h"

/* pluto's totals: no instance when not printed (or no snapshot yet). */
static int total(struct lsw_value *out, const struct lsw_view *v, size_t off)
{
	long n;

	if (v == NULL)
		return -1;
	n = *(const long *)((const char *)&v->snap->totals + off);
	return n < 0 ? -1 : lsw_value_int(out, n > INT_MAX ? INT_MAX : n);
}

#define TOTAL(field) total(out, v, offsetof(struct lsw_totals, field))

int lsw_scalar_value(const struct lsw_scalars *s, unsigned sc, struct lsw_value *out)
{
	const struct lsw_view *v = s->view(s->arg);
	struct lsw_stats all;
	const struct lsw_collector_stats *st = &all.collector;

	s->stats(s->arg, &all);
	switch (sc) {
	case LSW_SC_PLUTO_VERSION:
		return lsw_value_string(out, v ? v->snap->pluto_version : NULL);
	case LSW_SC_COLLECTOR_STATUS:
		return lsw_value_int(out, st->status);
	case LSW_SC_SNAPSHOT_AGE:
		/* No instance before the first snapshot. */
		return st->snapshot_age < 0 ? -1
		                            : lsw_value_typed(out, ASN_UNSIGNED, st->snapshot_age);
	case LSW_SC_POLL_SUCCESSES:
		return lsw_value_typed(out, ASN_COUNTER, (long)(st->successes & 0xffffffffu));
	case LSW_SC_POLL_FAILURES:
		return lsw_value_typed(out, ASN_COUNTER, (long)(st->failures & 0xffffffffu));
	case LSW_SC_UNPARSED_LINES:
		return lsw_value_typed(out, ASN_GAUGE, v ? (long)v->snap->unparsed : 0);
	case LSW_SC_CONN_COUNT:
		return lsw_value_typed(out, ASN_GAUGE, v ? (long)v->n_conns : 0);
	case LSW_SC_IKESA_COUNT:
		return lsw_value_typed(out, ASN_GAUGE, v ? (long)v->n_ike_sas : 0);
	case LSW_SC_IPSECSA_COUNT:
		return lsw_value_typed(out, ASN_GAUGE, v ? (long)v->n_child_sas : 0);
	case LSW_SC_PLUTO_IKESA_TOTAL:
		return TOTAL(ike_total);
	case LSW_SC_PLUTO_IKESA_HALF_OPEN:
		return TOTAL(ike_half_open);
	case LSW_SC_PLUTO_IKESA_OPEN:
		return TOTAL(ike_open);
	case LSW_SC_PLUTO_IKESA_AUTHENTICATED:
		return TOTAL(ike_authenticated);
	case LSW_SC_PLUTO_IKESA_ANONYMOUS:
		return TOTAL(ike_anonymous);
	case LSW_SC_PLUTO_IPSECSA_TOTAL:
		return TOTAL(ipsec_total);
	case LSW_SC_PLUTO_IPSECSA_AUTHENTICATED:
		return TOTAL(ipsec_authenticated);
	case LSW_SC_PLUTO_IPSECSA_ANONYMOUS:
		return TOTAL(ipsec_anonymous);
	case LSW_SC_PLUTO_CONNS_LOADED:
		return TOTAL(conns_loaded);
	case LSW_SC_PLUTO_CONNS_ACTIVE:
		return TOTAL(conns_active);
	case LSW_SC_LAST_ERROR:
		return lsw_value_string(out, st->last_error);
	case LSW_SC_LAST_POLL_TIME:
		return lsw_value_date(out, st->last_good > 0 ? (long long)st->last_good : -1);
	case LSW_SC_POLL_INTERVAL:
		return lsw_value_typed(out, ASN_UNSIGNED, (long)st->interval);
	case LSW_SC_SNAPSHOT_LINES:
		return lsw_value_typed(out, ASN_GAUGE, v ? (long)v->snap->lines : 0);
	case LSW_SC_CONN_UP_COUNT:
		/* rows read unknown once the collector is declared failed */
		return lsw_value_typed(out, ASN_GAUGE, v && !v->unknown ? (long)v->n_conns_up : 0);
	case LSW_SC_TRAPS_SENT:
		return lsw_value_typed(out, ASN_COUNTER, (long)(all.traps_sent & 0xffffffffu));
	case LSW_SC_TRAPS_DROPPED:
		return lsw_value_typed(out, ASN_COUNTER, (long)(all.traps_dropped & 0xffffffffu));
	case LSW_SC_CONNS_NOT_SERVED:
		return lsw_value_typed(out, ASN_GAUGE, v ? (long)v->n_not_served : 0);
	case LSW_SC_AGENT_START_TIME:
		return lsw_value_timestamp(out, st->started, lsw_mono_cs());
	default:
		return -1;
	}
}

static int scalars_value(void *arg, unsigned sc, struct lsw_value *out)
{
	return lsw_scalar_value(arg, sc, out);
}

static const oid scalars_oid[] = {LSW_OID_SCALARS};

static const struct lsw_scalar_ops scalars_ops = {
    .name = "lsScalars",
    .oid = scalars_oid,
    .oid_len = OID_LENGTH(scalars_oid),
    .max = LSW_SC_MAX,
    .value = scalars_value,
};

int lsw_mib_scalars_register(struct lsw_scalars *s)
{
	return lsw_scalar_register(&scalars_ops, s);
}
