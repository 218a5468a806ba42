/* mib_table.c - GET/GETNEXT over a sorted view; read-only. */
#include <stdlib.h>
#include <string.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include "mib_table.h"

struct table_ctx {
	const struct lsw_table_ops *ops;
	struct lsw_collector *collector;
	netsnmp_handler_registration *reg;
	/* Not freed by netsnmp_unregister_handler(): ours to free. */
	netsnmp_table_registration_info *ti;
	struct table_ctx *next;
};

/* Everything registered, for a clean shutdown (valgrind). */
static struct table_ctx *registered;

int lsw_table_answer(const struct lsw_table_ops *ops, const struct lsw_view *v, const oid *name,
                     size_t len, unsigned col, bool next, oid *out_name, size_t *out_len,
                     struct lsw_value *out_value)
{
	const oid *idx = NULL;
	size_t idx_len = 0;

	/* The index part only counts when the request is in this very column;
	 * the table helper moves requests before a column (or before the
	 * table) to its first row. */
	if (len > ops->entry_len && name[ops->entry_len] == col &&
	    memcmp(name, ops->entry, ops->entry_len * sizeof(oid)) == 0) {
		idx = name + ops->entry_len + 1;
		idx_len = len - ops->entry_len - 1;
	} else if (!next) {
		return -1;
	}
	for (; col <= ops->max_col; col++, idx = NULL, idx_len = 0) {
		const void *row = ops->lookup(v, idx, idx_len, next);

		if (row == NULL) {
			if (!next)
				return -1;
			continue;
		}
		if (ops->value(v, row, col, out_value) < 0) {
			if (!next)
				return -1;
			continue;
		}
		memcpy(out_name, ops->entry, ops->entry_len * sizeof(oid));
		out_name[ops->entry_len] = col;
		*out_len = ops->entry_len + 1 + ops->row_index(row, out_name + ops->entry_len + 1);
		return 0;
	}
	return -1;
}

static int table_handler(netsnmp_mib_handler *handler, netsnmp_handler_registration *reginfo,
                         netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
	const struct table_ctx *ctx = reginfo->my_reg_void;
	const struct lsw_view *v = lsw_collector_view(ctx->collector);

	for (netsnmp_request_info *r = requests; r; r = r->next) {
		netsnmp_table_request_info *ti;
		netsnmp_variable_list *var = r->requestvb;
		oid name[MAX_OID_LEN];
		size_t len;
		struct lsw_value val;

		if (r->processed)
			continue;
		ti = netsnmp_extract_table_info(r);
		if (ti == NULL)
			continue;
		switch (reqinfo->mode) {
		case MODE_GET:
			if (lsw_table_answer(ctx->ops, v, var->name, var->name_length, ti->colnum,
			                     false, name, &len, &val) < 0) {
				netsnmp_set_request_error(reqinfo, r, SNMP_NOSUCHINSTANCE);
				continue;
			}
			lsw_value_to_varbind(&val, var);
			break;
		case MODE_GETNEXT:
			/* Nothing set means "past this table": the agent goes on
			 * to the next subtree. */
			if (lsw_table_answer(ctx->ops, v, var->name, var->name_length, ti->colnum,
			                     true, name, &len, &val) < 0)
				continue;
			snmp_set_var_objid(var, name, len);
			lsw_value_to_varbind(&val, var);
			break;
		default:
			/* Registered read-only: SETs are refused before they get here. */
			netsnmp_set_request_error(reqinfo, r, SNMP_ERR_NOTWRITABLE);
			break;
		}
	}
	return SNMP_ERR_NOERROR;
}

int lsw_table_register(const struct lsw_table_ops *ops, struct lsw_collector *c)
{
	struct table_ctx *ctx = calloc(1, sizeof(*ctx));
	netsnmp_table_registration_info *ti = NULL;
	netsnmp_handler_registration *reg = NULL;

	if (ctx == NULL)
		return -1;
	ctx->ops = ops;
	ctx->collector = c;
	reg = netsnmp_create_handler_registration(ops->name, table_handler, ops->entry,
	                                          ops->entry_len - 1, HANDLER_CAN_RONLY);
	ti = SNMP_MALLOC_TYPEDEF(netsnmp_table_registration_info);
	if (reg == NULL || ti == NULL)
		goto fail;
	reg->my_reg_void = ctx;
	for (size_t i = 0; i < ops->n_index; i++)
		netsnmp_table_helper_add_index(ti, ops->index_types[i]);
	ti->min_column = ops->min_col;
	ti->max_column = ops->max_col;
	if (netsnmp_register_table(reg, ti) != MIB_REGISTERED_OK) {
		/* netsnmp_register_table() frees reg on failure. */
		reg = NULL;
		goto fail;
	}
	ctx->reg = reg;
	ctx->ti = ti;
	ctx->next = registered;
	registered = ctx;
	return 0;
fail:
	if (reg != NULL)
		netsnmp_handler_registration_free(reg);
	if (ti != NULL) {
		snmp_free_varbind(ti->indexes);
		free(ti);
	}
	free(ctx);
	return -1;
}

void lsw_table_unregister_all(void)
{
	while (registered != NULL) {
		struct table_ctx *ctx = registered;

		registered = ctx->next;
		netsnmp_unregister_handler(ctx->reg);
		netsnmp_table_registration_info_free(ctx->ti);
		free(ctx);
	}
}
