/* xfrm_match.h - which kernel SAs belong to an IPsec SA of pluto: by
 * protocol, SPI and destination, as the kernel keys them. Pure; shared by
 * the agent's view (view_kernel.c) and lswstat. */
#ifndef LSW_KERNEL_XFRM_MATCH_H
#define LSW_KERNEL_XFRM_MATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel/xfrm.h"
#include "snapshot.h"

struct lsw_xfrm_pair {
	bool has_spi;  /* the SA printed an ESP (else AH) SPI pair; nothing to match without */
	uint8_t proto; /* IPPROTO_ESP or IPPROTO_AH */
	uint32_t spi_in, spi_out;
	const struct lsw_xfrm_sa *in, *out; /* the kernel's, NULL when it has none */
	/* the IPComp SAs of the same SA, when it has them */
	const struct lsw_xfrm_sa *comp_in, *comp_out;
};

/* The kernel SA of (proto, spi, daddr). The destination pluto prints may
 * not be the kernel's (behind NAT, a DNS name, none at all): then (proto,
 * spi) alone when exactly one kernel SA has them, else NULL. */
const struct lsw_xfrm_sa *lsw_xfrm_find_loose(const struct lsw_xfrm_dump *d, uint8_t proto,
                                              uint32_t spi, const struct lsw_addr *daddr);

/* The kernel's SAs of sa: inbound to this end (its connection's local
 * address), outbound to the peer (the SA's peer, else the connection's
 * remote address). */
void lsw_xfrm_match(const struct lsw_xfrm_dump *d, const struct lsw_child_sa *sa,
                    struct lsw_xfrm_pair *out);

#endif
