/* print.h - lswstat's three views of a snapshot: table, JSON, summary.
 *
 * Pure output: nothing here reads input or runs programs. The snapshot is
 * only read. now is the wall-clock time used for uptimes (table only, so
 * the JSON stays the same for the same input).
 */
#ifndef LSWSTAT_PRINT_H
#define LSWSTAT_PRINT_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "kernel/xfrm.h"
#include "snapshot.h"

/* The counts of --summary (and the table's footer and JSON "counts"). */
struct lswstat_counts {
	size_t connections, conns_up, conns_connecting, conns_down;
	size_t ike_sas, ike_established;
	size_t child_sas, child_established;
	size_t unparsed, lines;
};

void lswstat_count(const struct lsw_snapshot *snap, struct lswstat_counts *c);

/* One line: "connections=2 up=1 ... unparsed=0 lines=112". */
void lswstat_print_summary(FILE *f, const struct lsw_snapshot *snap);

/* The snapshot as one JSON object. With the kernel's SAs (k, may be NULL:
 * no kernel source) each Child SA has a "kernel" object (state present or
 * missing, packets, replay and integrity errors), and "kernel_sas" counts
 * the dump. */
void lswstat_print_json(FILE *f, const struct lsw_snapshot *snap, const struct lsw_xfrm_dump *k);

/* Connections, then IKE SAs, then Child SAs (with k: packets, errors and
 * whether the kernel has them), then a footer of counts. Returns 0, or -1
 * when out of memory. */
int lswstat_print_table(FILE *f, const struct lsw_snapshot *snap, const struct lsw_xfrm_dump *k,
                        time_t now);

#endif
