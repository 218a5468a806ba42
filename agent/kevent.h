/* kevent.h - what the kernel's SAs and pluto's IKE counters tell between
 * two polls, found while the view is built (view_kernel.c) and turned into
 * lsEventTable rows and notifications by notify.c. No net-snmp here.
 */
#ifndef LSW_KEVENT_H
#define LSW_KEVENT_H

#include <stddef.h>
#include <stdint.h>

#include "diff.h"
#include "snapshot.h"

struct lsw_kevent {
	enum lsw_diff_type type; /* LSW_EV_KERNEL_SA_MISSING, _UNCLAIMED, LSW_EV_IKE_FAILURES */
	/* KERNEL_SA_MISSING: the IPsec SA (the view's snapshot owns it) */
	const struct lsw_child_sa *sa;
	/* KERNEL_SA_UNCLAIMED: how many there are now */
	size_t unclaimed;
	/* IKE_FAILURES: the counters now (lsIkeV2Failed, lsIkeV1Failed) */
	uint64_t v2_failed, v1_failed;
	char text[240];
};

#endif
