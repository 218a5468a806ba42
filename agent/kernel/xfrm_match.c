/* xfrm_match.c - pluto's IPsec SAs to the kernel's (xfrm_match.h). */
#include <netinet/in.h>
#include <string.h>

#include "kernel/xfrm_match.h"

const struct lsw_xfrm_sa *lsw_xfrm_find_loose(const struct lsw_xfrm_dump *d, uint8_t proto,
                                              uint32_t spi, const struct lsw_addr *daddr)
{
	size_t lo = 0, hi = d->n;

	if (daddr != NULL && daddr->family != 0) {
		const struct lsw_xfrm_sa *x = lsw_xfrm_find(d, proto, spi, daddr);

		if (x != NULL)
			return x;
	}
	/* SPIs are random 32-bit numbers: two kernel SAs with the same one are
	 * rare, and then we would rather say nothing than match the wrong one. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct lsw_xfrm_sa *x = &d->sas[mid];

		if (x->proto < proto || (x->proto == proto && x->spi < spi))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo >= d->n || d->sas[lo].proto != proto || d->sas[lo].spi != spi)
		return NULL;
	if (lo + 1 < d->n && d->sas[lo + 1].proto == proto && d->sas[lo + 1].spi == spi)
		return NULL;
	return &d->sas[lo];
}

void lsw_xfrm_match(const struct lsw_xfrm_dump *d, const struct lsw_child_sa *sa,
                    struct lsw_xfrm_pair *out)
{
	const struct lsw_spi_pair *pair = sa->esp.present  ? &sa->esp
	                                  : sa->ah.present ? &sa->ah
	                                                   : NULL;
	const struct lsw_connection *c = sa->sa.conn;
	const struct lsw_addr *local = c ? &c->local_addr : NULL;
	const struct lsw_addr *peer = sa->sa.peer_addr.family ? &sa->sa.peer_addr
	                              : c                     ? &c->remote_addr
	                                                      : NULL;

	memset(out, 0, sizeof(*out));
	if (pair == NULL)
		return;
	out->has_spi = true;
	out->proto = sa->esp.present ? IPPROTO_ESP : IPPROTO_AH;
	out->spi_in = pair->in;
	out->spi_out = pair->out;
	if (pair->in != 0)
		out->in = lsw_xfrm_find_loose(d, out->proto, pair->in, local);
	if (pair->out != 0)
		out->out = lsw_xfrm_find_loose(d, out->proto, pair->out, peer);
	if (sa->ipcomp.present) {
		out->comp_in = lsw_xfrm_find_loose(d, IPPROTO_COMP, sa->ipcomp.in, local);
		out->comp_out = lsw_xfrm_find_loose(d, IPPROTO_COMP, sa->ipcomp.out, peer);
	}
}
