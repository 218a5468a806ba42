/* mib_scalars.h - lsScalars: collector health and pluto's totals. */
#ifndef LSW_MIB_SCALARS_H
#define LSW_MIB_SCALARS_H

#include "collector.h"
#include "mib_value.h"
#include "notify.h"

struct lsw_scalars {
	struct lsw_collector *collector;
	struct lsw_notify *notify; /* may be NULL */
	netsnmp_handler_registration *reg;
};

/* The value of scalar sc (enum lsw_scalar): 0, or -1 when sc is not one. */
int lsw_scalar_value(const struct lsw_scalars *s, unsigned sc, struct lsw_value *out);

/* Register lsScalars; s must live until lsw_mib_scalars_unregister(). */
int lsw_mib_scalars_register(struct lsw_scalars *s);
void lsw_mib_scalars_unregister(struct lsw_scalars *s);

#endif
