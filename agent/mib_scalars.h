/* mib_scalars.h - lsScalars: collector health and pluto's totals. */
#ifndef LSW_MIB_SCALARS_H
#define LSW_MIB_SCALARS_H

#include "mib_table.h"
#include "mib_value.h"
#include "stats.h"

/* Where the scalars read, at each request: the current view (NULL before
 * the first good poll) and the statistics. Handed in by agent.c. */
struct lsw_scalars {
	const struct lsw_view *(*view)(void *arg);
	void (*stats)(void *arg, struct lsw_stats *out);
	void *arg;
};

/* The value of scalar sc (enum lsw_scalar): 0, or -1 when sc is not one. */
int lsw_scalar_value(const struct lsw_scalars *s, unsigned sc, struct lsw_value *out);

/* Register lsScalars; s must live until lsw_mib_unregister_all(). */
int lsw_mib_scalars_register(struct lsw_scalars *s);

#endif
