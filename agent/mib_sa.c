/* mib_sa.c - the columns lsIkeSaTable and lsIpsecSaTable share, served
 * once from the part both kinds of SA have (struct lsw_sa). */
#include "mib_sa.h"

/* lsIpsecSaEntry's columns that lsIkeSaEntry has too, by their number in
 * lsIkeSaEntry; 0 for the columns only a Child SA has. */
static const unsigned char ipsec_to_ike[LSW_IPSECSA_COL_MAX + 1] = {
    [LSW_IPSECSA_CONN_NAME] = LSW_IKESA_CONN_NAME,
    [LSW_IPSECSA_CONN_INSTANCE] = LSW_IKESA_CONN_INSTANCE,
    [LSW_IPSECSA_PEER_ADDR_TYPE] = LSW_IKESA_PEER_ADDR_TYPE,
    [LSW_IPSECSA_PEER_ADDR] = LSW_IKESA_PEER_ADDR,
    [LSW_IPSECSA_STATE_NAME] = LSW_IKESA_STATE_NAME,
    [LSW_IPSECSA_STATE] = LSW_IKESA_STATE,
    [LSW_IPSECSA_NEWEST] = LSW_IKESA_NEWEST,
    [LSW_IPSECSA_NEXT_EVENT] = LSW_IKESA_NEXT_EVENT,
    [LSW_IPSECSA_NEXT_EVENT_SECONDS] = LSW_IKESA_NEXT_EVENT_SECONDS,
    [LSW_IPSECSA_STORY] = LSW_IKESA_STORY,
    [LSW_IPSECSA_ROLE] = LSW_IKESA_ROLE,
};

int lsw_sa_value(const struct lsw_sa *sa, bool ike, unsigned col, struct lsw_value *out)
{
	const struct lsw_event *ev;

	if (!ike)
		col = col <= LSW_IPSECSA_COL_MAX ? ipsec_to_ike[col] : 0;
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
		return sa->ike_version == LSW_IKE_UNKNOWN ? -1
		                                          : lsw_value_int(out, sa->ike_version);
	case LSW_IKESA_ROLE:
		/* Only when the state name tells: else no instance. */
		return sa->role == LSW_ROLE_UNKNOWN ? -1 : lsw_value_int(out, sa->role);
	case LSW_IKESA_NEWEST:
		return lsw_value_bool(out, sa->newest);
	case LSW_IKESA_NEXT_EVENT:
		ev = lsw_next_event(sa->events, sa->n_events);
		return lsw_value_string(out, ev ? ev->name : NULL);
	case LSW_IKESA_NEXT_EVENT_SECONDS:
		ev = lsw_next_event(sa->events, sa->n_events);
		return ev && ev->seconds >= 0 ? lsw_value_int(out, ev->seconds) : -1;
	case LSW_IKESA_STORY:
		return lsw_value_string(out, sa->story);
	default:
		return -1;
	}
}

size_t lsw_sa_row_index(const void *row, oid *idx)
{
	idx[0] = ((const struct lsw_sa *)row)->serial;
	return 1;
}
