/* mib_events.c - lsEventTable and lsEventLastIndex on the shared handlers
 * (mib_table.c), read from the event ring (events.h). Rows are addressed
 * by index arithmetic in the ring: a GET or GETNEXT costs O(1) whatever
 * the history size. */
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "events.h"
#include "mib_events.h"

int lsw_event_value(const struct lsw_event_rec *r, unsigned col, struct lsw_value *out)
{
	switch (col) {
	case LSW_EVENT_DATE_AND_TIME:
		return lsw_value_date(out, (long long)r->when);
	case LSW_EVENT_TYPE:
		return lsw_value_int(out, r->type);
	case LSW_EVENT_CONN_NAME:
		return lsw_value_string(out, r->connection);
	case LSW_EVENT_CONN_INSTANCE:
		return lsw_value_string(out, r->instance);
	case LSW_EVENT_SA_TYPE:
		/* Columns that do not apply to the event have no instance. */
		return r->sa_type == LSW_EVENT_SA_NONE ? -1 : lsw_value_int(out, r->sa_type);
	case LSW_EVENT_SERIAL:
		return lsw_value_typed(out, ASN_UNSIGNED, (long)r->serial);
	case LSW_EVENT_PARENT_SERIAL:
		return lsw_value_typed(out, ASN_UNSIGNED, (long)r->parent);
	case LSW_EVENT_REPLACED_SERIAL:
		return lsw_value_typed(out, ASN_UNSIGNED, (long)r->replaced);
	case LSW_EVENT_OLD_STATE:
		return r->old_state == 0 ? -1 : lsw_value_int(out, r->old_state);
	case LSW_EVENT_NEW_STATE:
		return r->new_state == 0 ? -1 : lsw_value_int(out, r->new_state);
	case LSW_EVENT_OLD_STATE_NAME:
		return lsw_value_string(out, r->old_state_name);
	case LSW_EVENT_NEW_STATE_NAME:
		return lsw_value_string(out, r->new_state_name);
	case LSW_EVENT_OLD_OPER_STATUS:
		return r->old_oper == 0 ? -1 : lsw_value_int(out, r->old_oper);
	case LSW_EVENT_NEW_OPER_STATUS:
		return r->new_oper == 0 ? -1 : lsw_value_int(out, r->new_oper);
	case LSW_EVENT_PEER_ADDR_TYPE:
		return lsw_value_addr_type(out, &r->peer_addr);
	case LSW_EVENT_PEER_ADDR:
		return lsw_value_addr(out, &r->peer_addr);
	case LSW_EVENT_REMOTE_ID:
		return lsw_value_string(out, r->remote_id);
	case LSW_EVENT_TEXT:
		return lsw_value_string(out, r->text);
	case LSW_EVENT_NOTIFIED:
		return lsw_value_int(out, r->notified);
	case LSW_EVENT_CONN_REMOTE_ID:
		return lsw_value_string(out, r->conn_remote_id);
	default:
		return -1;
	}
}

static const void *events_lookup(const void *data, const oid *idx, size_t len, bool next)
{
	const struct lsw_events *ev = data;
	uint32_t after;

	if (ev == NULL)
		return NULL;
	if (!next)
		return len == 1 && idx[0] <= UINT32_MAX ? lsw_events_get(ev, (uint32_t)idx[0])
		                                        : NULL;
	/* Whatever follows the index (5.3) still sorts after row 5. */
	if (len == 0)
		return lsw_events_next(ev, 0);
	if (idx[0] >= UINT32_MAX)
		return NULL;
	after = (uint32_t)idx[0];
	return lsw_events_next(ev, after);
}

static size_t events_row_index(const void *row, oid *idx)
{
	idx[0] = ((const struct lsw_event_rec *)row)->index;
	return 1;
}

static int events_value(const void *data, const void *row, unsigned col, struct lsw_value *out)
{
	return lsw_event_value(row, col, out);
}

static const oid event_entry[] = {LSW_OID_EVENT_ENTRY};

const struct lsw_table_ops lsw_events_table_ops = {
    .name = "lsEventTable",
    .entry = event_entry,
    .entry_len = OID_LENGTH(event_entry),
    .min_col = LSW_EVENT_COL_MIN,
    .max_col = LSW_EVENT_COL_MAX,
    .index_types = {ASN_UNSIGNED},
    .n_index = 1,
    .lookup = events_lookup,
    .row_index = events_row_index,
    .value = events_value,
};

/* lsEventLastIndex.0: the source's data is the ring. */
static int last_index_value(void *arg, unsigned n, struct lsw_value *out)
{
	const struct lsw_mib_source *src = arg;
	const struct lsw_events *ev = src->data(src->arg);

	return lsw_value_typed(out, ASN_UNSIGNED, ev ? (long)lsw_events_last_index(ev) : 0);
}

static const oid last_index_oid[] = {LSW_OID_EVENT_LAST_INDEX};

static const struct lsw_scalar_ops last_index_ops = {
    .name = "lsEventLastIndex",
    .oid = last_index_oid,
    .oid_len = OID_LENGTH(last_index_oid),
    .max = 0,
    .value = last_index_value,
};

int lsw_mib_events_register(struct lsw_mib_source *src)
{
	/* The table copies src; the scalar keeps a pointer to it. */
	if (lsw_scalar_register(&last_index_ops, src) < 0)
		return -1;
	return lsw_table_register(&lsw_events_table_ops, src);
}
