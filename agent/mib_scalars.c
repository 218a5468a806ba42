/* mib_scalars.c - lsScalars, registered as a scalar group. */
#include <limits.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include "mib_scalars.h"
#include "view.h"

/* pluto's totals are Integer32 with -1 for "not printed". */
static int total(struct lsw_value *out, const struct lsw_view *v, size_t off)
{
	long n;

	if (v == NULL)
		return lsw_value_int(out, -1);
	n = *(const long *)((const char *)&v->snap->totals + off);
	return lsw_value_int(out, n < 0 ? -1 : n > INT_MAX ? INT_MAX : n);
}

#define TOTAL(field) total(out, v, offsetof(struct lsw_totals, field))

int lsw_scalar_value(const struct lsw_scalars *s, unsigned sc, struct lsw_value *out)
{
	const struct lsw_view *v = lsw_collector_view(s->collector);
	struct lsw_collector_stats st;

	lsw_collector_get_stats(s->collector, &st);
	switch (sc) {
	case LSW_SC_PLUTO_VERSION:
		return lsw_value_string(out, v ? v->snap->pluto_version : NULL);
	case LSW_SC_COLLECTOR_STATUS:
		return lsw_value_int(out, st.status);
	case LSW_SC_SNAPSHOT_AGE:
		return lsw_value_typed(out, ASN_UNSIGNED,
		                       st.snapshot_age < 0 ? (long)UINT32_MAX : st.snapshot_age);
	case LSW_SC_POLL_SUCCESSES:
		return lsw_value_typed(out, ASN_COUNTER, (long)(st.successes & 0xffffffffu));
	case LSW_SC_POLL_FAILURES:
		return lsw_value_typed(out, ASN_COUNTER, (long)(st.failures & 0xffffffffu));
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
		return lsw_value_string(out, st.last_error);
	case LSW_SC_LAST_POLL_TIME:
		return lsw_value_date(out, st.last_good > 0 ? (long long)st.last_good : -1);
	case LSW_SC_POLL_INTERVAL:
		return lsw_value_typed(out, ASN_UNSIGNED, (long)st.interval);
	case LSW_SC_SNAPSHOT_LINES:
		return lsw_value_typed(out, ASN_GAUGE, v ? (long)v->snap->lines : 0);
	case LSW_SC_CONN_UP_COUNT:
		return lsw_value_typed(out, ASN_GAUGE, v ? (long)v->n_conns_up : 0);
	case LSW_SC_TRAPS_SENT:
		return lsw_value_typed(
		    out, ASN_COUNTER,
		    s->notify ? (long)(lsw_notify_traps_sent(s->notify) & 0xffffffffu) : 0);
	case LSW_SC_TRAPS_DROPPED:
		return lsw_value_typed(
		    out, ASN_COUNTER,
		    s->notify ? (long)(lsw_notify_traps_dropped(s->notify) & 0xffffffffu) : 0);
	case LSW_SC_CONNS_NOT_SERVED:
		return lsw_value_typed(out, ASN_GAUGE, v ? (long)v->n_not_served : 0);
	default:
		return -1;
	}
}

static int scalars_handler(netsnmp_mib_handler *handler, netsnmp_handler_registration *reginfo,
                           netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
	const struct lsw_scalars *s = reginfo->my_reg_void;

	for (netsnmp_request_info *r = requests; r; r = r->next) {
		netsnmp_variable_list *var = r->requestvb;
		struct lsw_value val;

		if (r->processed)
			continue;
		if (reqinfo->mode != MODE_GET) {
			netsnmp_set_request_error(reqinfo, r, SNMP_ERR_NOTWRITABLE);
			continue;
		}
		/* The scalar group helper hands us NAME.N.0, GETNEXT already
		 * turned into a GET of the next scalar. */
		if (var->name_length < 2 ||
		    lsw_scalar_value(s, (unsigned)var->name[var->name_length - 2], &val) < 0) {
			netsnmp_set_request_error(reqinfo, r, SNMP_NOSUCHOBJECT);
			continue;
		}
		lsw_value_to_varbind(&val, var);
	}
	return SNMP_ERR_NOERROR;
}

int lsw_mib_scalars_register(struct lsw_scalars *s)
{
	static const oid scalars_oid[] = {LSW_OID_SCALARS};
	netsnmp_handler_registration *reg;

	reg = netsnmp_create_handler_registration("lsScalars", scalars_handler, scalars_oid,
	                                          OID_LENGTH(scalars_oid), HANDLER_CAN_RONLY);
	if (reg == NULL)
		return -1;
	reg->my_reg_void = s;
	if (netsnmp_register_scalar_group(reg, 1, LSW_SC_MAX) != MIB_REGISTERED_OK)
		return -1;
	s->reg = reg;
	return 0;
}

void lsw_mib_scalars_unregister(struct lsw_scalars *s)
{
	if (s->reg != NULL)
		netsnmp_unregister_handler(s->reg);
	s->reg = NULL;
}
