/* mib_table.c - GET/GETNEXT over sorted rows, scalars, and the list of
 * everything registered; read-only. */
#include <stdlib.h>
#include <string.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
#include <net-snmp/agent/agent_sysORTable.h>

#include "mib_table.h"

/* One registration and what it points to (my_reg_void). */
struct reg_ctx {
	const struct lsw_table_ops *table;   /* a table, or */
	const struct lsw_scalar_ops *scalar; /* scalars */
	struct lsw_mib_source src;           /* the table's data */
	void *arg;                           /* the scalars' */
	netsnmp_handler_registration *reg;
	/* Not freed by netsnmp_unregister_handler(): ours to free. */
	netsnmp_table_registration_info *ti;
	struct reg_ctx *next;
};

/* Everything registered, for a clean shutdown (valgrind). */
static struct reg_ctx *registered;

/* Our sysORTable row; register_sysORTable() wants a non-const OID. */
static oid sysor_oid[MAX_OID_LEN];
static size_t sysor_len;

int lsw_table_answer(const struct lsw_table_ops *ops, const void *data, const oid *name, size_t len,
                     unsigned col, bool next, oid *out_name, size_t *out_len,
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
		oid row_idx[MAX_OID_LEN];
		const void *row;

		/* A column may have no value in some rows (sparse): GETNEXT then
		 * tries the next row of the same column, and only after its last
		 * row the first row of the next column. */
		while ((row = ops->lookup(data, idx, idx_len, next)) != NULL) {
			if (ops->value(data, row, col, out_value) == 0) {
				memcpy(out_name, ops->entry, ops->entry_len * sizeof(oid));
				out_name[ops->entry_len] = col;
				*out_len = ops->entry_len + 1 +
				           ops->row_index(row, out_name + ops->entry_len + 1);
				return 0;
			}
			if (!next)
				return -1;
			idx_len = ops->row_index(row, row_idx);
			idx = row_idx;
		}
		if (!next)
			return -1;
	}
	return -1;
}

static int table_handler(netsnmp_mib_handler *handler, netsnmp_handler_registration *reginfo,
                         netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
	const struct reg_ctx *ctx = reginfo->my_reg_void;
	const void *data = ctx->src.data(ctx->src.arg);

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
			if (lsw_table_answer(ctx->table, data, var->name, var->name_length,
			                     ti->colnum, false, name, &len, &val) < 0) {
				netsnmp_set_request_error(reqinfo, r, SNMP_NOSUCHINSTANCE);
				continue;
			}
			lsw_value_to_varbind(&val, var);
			break;
		case MODE_GETNEXT:
			/* Nothing set means "past this table": the agent goes on
			 * to the next subtree. */
			if (lsw_table_answer(ctx->table, data, var->name, var->name_length,
			                     ti->colnum, true, name, &len, &val) < 0)
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

static int scalar_handler(netsnmp_mib_handler *handler, netsnmp_handler_registration *reginfo,
                          netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
	const struct reg_ctx *ctx = reginfo->my_reg_void;

	for (netsnmp_request_info *r = requests; r; r = r->next) {
		netsnmp_variable_list *var = r->requestvb;
		struct lsw_value val;
		unsigned n;

		if (r->processed)
			continue;
		if (reqinfo->mode != MODE_GET) {
			netsnmp_set_request_error(reqinfo, r, SNMP_ERR_NOTWRITABLE);
			continue;
		}
		/* The scalar (group) helper hands us NAME.N.0, GETNEXT already
		 * turned into a GET of the next scalar; a scalar with no value now
		 * (lsSnapshotAge before the first poll) is noSuchInstance, and
		 * the helper's GETNEXT then tries the next one. */
		n = var->name_length < 2 ? 0 : (unsigned)var->name[var->name_length - 2];
		if (var->name_length < 2 || ctx->scalar->value(ctx->arg, n, &val) < 0) {
			netsnmp_set_request_error(reqinfo, r,
			                          n >= 1 && n <= ctx->scalar->max
			                              ? SNMP_NOSUCHINSTANCE
			                              : SNMP_NOSUCHOBJECT);
			continue;
		}
		lsw_value_to_varbind(&val, var);
	}
	return SNMP_ERR_NOERROR;
}

static void remember(struct reg_ctx *ctx, netsnmp_handler_registration *reg)
{
	ctx->reg = reg;
	ctx->next = registered;
	registered = ctx;
}

int lsw_table_register(const struct lsw_table_ops *ops, const struct lsw_mib_source *src)
{
	struct reg_ctx *ctx = calloc(1, sizeof(*ctx));
	netsnmp_table_registration_info *ti = NULL;
	netsnmp_handler_registration *reg = NULL;

	if (ctx == NULL)
		return -1;
	ctx->table = ops;
	ctx->src = *src;
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
	ctx->ti = ti;
	remember(ctx, reg);
	return 0;
fail:
	snmp_log(LOG_ERR, "cannot register %s\n", ops->name);
	if (reg != NULL)
		netsnmp_handler_registration_free(reg);
	if (ti != NULL) {
		snmp_free_varbind(ti->indexes);
		free(ti);
	}
	free(ctx);
	return -1;
}

int lsw_scalar_register(const struct lsw_scalar_ops *ops, void *arg)
{
	struct reg_ctx *ctx = calloc(1, sizeof(*ctx));
	netsnmp_handler_registration *reg;
	int rc;

	if (ctx == NULL)
		return -1;
	ctx->scalar = ops;
	ctx->arg = arg;
	reg = netsnmp_create_handler_registration(ops->name, scalar_handler, ops->oid, ops->oid_len,
	                                          HANDLER_CAN_RONLY);
	if (reg == NULL) {
		free(ctx);
		return -1;
	}
	reg->my_reg_void = ctx;
	/* Both free reg on failure. */
	rc = ops->max > 0 ? netsnmp_register_scalar_group(reg, 1, ops->max)
	                  : netsnmp_register_scalar(reg);
	if (rc != MIB_REGISTERED_OK) {
		snmp_log(LOG_ERR, "cannot register %s\n", ops->name);
		free(ctx);
		return -1;
	}
	remember(ctx, reg);
	return 0;
}

int lsw_scalar_register_each(const struct lsw_scalar_ops *ops, void *arg)
{
	oid name[MAX_OID_LEN];

	if (ops->oid_len + 1 > MAX_OID_LEN)
		return -1;
	memcpy(name, ops->oid, ops->oid_len * sizeof(oid));
	for (unsigned n = 1; n <= ops->max; n++) {
		struct reg_ctx *ctx = calloc(1, sizeof(*ctx));
		netsnmp_handler_registration *reg;

		if (ctx == NULL)
			return -1;
		ctx->scalar = ops;
		ctx->arg = arg;
		name[ops->oid_len] = n;
		reg = netsnmp_create_handler_registration(ops->name, scalar_handler, name,
		                                          ops->oid_len + 1, HANDLER_CAN_RONLY);
		if (reg == NULL) {
			free(ctx);
			return -1;
		}
		reg->my_reg_void = ctx;
		if (netsnmp_register_scalar(reg) != MIB_REGISTERED_OK) {
			snmp_log(LOG_ERR, "cannot register %s.%u\n", ops->name, n);
			free(ctx);
			return -1;
		}
		remember(ctx, reg);
	}
	return 0;
}

int lsw_mib_register_sysor(const oid *id, size_t len, const char *descr)
{
	if (len > MAX_OID_LEN || sysor_len > 0)
		return -1;
	memcpy(sysor_oid, id, len * sizeof(oid));
	/* In a subagent the row goes to the master as AgentX AddAgentCaps,
	 * now or when the session opens (and again after a reconnect). */
	if (register_sysORTable(sysor_oid, len, descr) != 0) {
		snmp_log(LOG_ERR, "cannot register the sysORTable row\n");
		return -1;
	}
	sysor_len = len;
	return 0;
}

void lsw_mib_unregister_all(void)
{
	if (sysor_len > 0)
		unregister_sysORTable(sysor_oid, sysor_len);
	sysor_len = 0;
	while (registered != NULL) {
		struct reg_ctx *ctx = registered;

		registered = ctx->next;
		netsnmp_unregister_handler(ctx->reg);
		netsnmp_table_registration_info_free(ctx->ti);
		free(ctx);
	}
}
