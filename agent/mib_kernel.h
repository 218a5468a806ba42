/* mib_kernel.h - lsKernel and lsIke: scalars and the tables of named
 * counters (lsXfrmStatTable, lsIkeStatTable). */
#ifndef LSW_MIB_KERNEL_H
#define LSW_MIB_KERNEL_H

#include "mib_scalars.h"
#include "mib_table.h"

extern const struct lsw_table_ops lsw_xfrmstat_table_ops;
extern const struct lsw_table_ops lsw_ikestat_table_ops;

/* Register both groups: the scalars read s (as lsScalars do), the tables
 * view. s must live until lsw_mib_unregister_all(). 0, or -1. */
int lsw_mib_kernel_register(struct lsw_scalars *s, const struct lsw_mib_source *view);

#endif
