/* view_kernel.c - what a view adds from the kernel and pluto's counters:
 * the kernel's SAs matched to pluto's IPsec SAs (by protocol, SPI and
 * destination), packets per connection across rekeys, rekey counts, the
 * rows of lsXfrmStatTable and lsIkeStatTable, and the events between two
 * views (kevent.h) that notify.c sends.
 *
 * Every value here is kept from the previous view when this poll could
 * not read it (a failed dump, a failed --globalstatus): the last good
 * data stays, lsKernelStatus / lsIkeStatStatus say why it is old.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "diff.h"
#include "kernel/xfrm_match.h"
#include "view.h"

const struct lsw_sa_kernel *lsw_view_sa_kernel(const struct lsw_view *v,
                                               const struct lsw_child_sa *sa)
{
	if (v == NULL || v->sa_kernel == NULL || sa == NULL || sa < v->child_sas ||
	    sa >= v->child_sas + v->n_child_sas)
		return NULL;
	return &v->sa_kernel[sa - v->child_sas];
}

/* ---- matching ---- */

static int key_cmp(uint8_t proto, uint32_t spi, const struct lsw_addr *a, uint8_t proto2,
                   uint32_t spi2, const struct lsw_addr *b)
{
	if (proto != proto2)
		return proto < proto2 ? -1 : 1;
	if (spi != spi2)
		return spi < spi2 ? -1 : 1;
	if (a == NULL || b == NULL)
		return 0;
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->bytes, b->bytes, sizeof(a->bytes));
}

static const char *proto_name(uint8_t proto)
{
	return proto == IPPROTO_ESP ? "ESP" : proto == IPPROTO_AH ? "AH" : "IPCOMP";
}

static void addr_text(char *buf, size_t len, const struct lsw_addr *a)
{
	if (a->family == 0 || inet_ntop(a->family, a->bytes, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
}

/* The previous view's kernel side of the SA at position i of v, when it is
 * the same SA (count_sas() in view.c decided: sa_octets[i].continued). */
static const struct lsw_sa_kernel *prev_sak(const struct lsw_view *v, size_t i,
                                            const struct lsw_view *prev_sas)
{
	if (prev_sas == NULL || v->sa_octets == NULL || !v->sa_octets[i].continued)
		return NULL;
	return lsw_view_sa_kernel(
	    prev_sas, lsw_snapshot_find_child_sa(prev_sas->snap, v->child_sas[i].sa.serial));
}

static int add_kevent(struct lsw_view *v, size_t *cap, const struct lsw_kevent *ev)
{
	if (v->n_kevents == *cap) {
		size_t ncap = *cap ? *cap * 2 : 8;
		struct lsw_kevent *n = realloc(v->kevents, ncap * sizeof(*n));

		if (n == NULL)
			return -1;
		v->kevents = n;
		*cap = ncap;
	}
	v->kevents[v->n_kevents++] = *ev;
	return 0;
}

static bool unclaimed(const struct lsw_xfrm_sa *x, bool claimed)
{
	return !claimed && !x->larval && (x->proto == IPPROTO_ESP || x->proto == IPPROTO_AH);
}

/* Match every IPsec SA with SPIs to the dump; the kernel's ESP and AH SAs
 * no one claims become v->unclaimed. */
static int match_dump(struct lsw_view *v, const struct lsw_xfrm_dump *d,
                      const struct lsw_view *prev, const struct lsw_view *prev_sas, size_t *cap)
{
	bool *claimed = d->n ? calloc(d->n, sizeof(*claimed)) : NULL;
	size_t n_keys = 0;

	if (d->n && claimed == NULL)
		return -1;
	for (size_t i = 0; i < v->n_child_sas; i++) {
		const struct lsw_child_sa *sa = &v->child_sas[i];
		struct lsw_sa_kernel *k = &v->sa_kernel[i];
		struct lsw_xfrm_pair m;
		const struct lsw_xfrm_sa *in, *out;
		const struct lsw_sa_kernel *pk;

		lsw_xfrm_match(d, sa, &m);
		if (!m.has_spi)
			continue;
		in = m.in;
		out = m.out;
		if (in != NULL)
			claimed[in - d->sas] = true;
		if (out != NULL)
			claimed[out - d->sas] = true;
		/* The IPComp SAs of the same SA are claimed too. */
		if (m.comp_in != NULL)
			claimed[m.comp_in - d->sas] = true;
		if (m.comp_out != NULL)
			claimed[m.comp_out - d->sas] = true;
		if (in != NULL) {
			k->has_in = true;
			k->in_pkts = in->packets;
			k->replay = in->replay;
			k->replay_window = in->replay_window;
			k->integrity_failed = in->integrity_failed;
		}
		if (out != NULL) {
			k->has_out = true;
			k->out_pkts = out->packets;
		}
		if (sa->sa.state != LSW_SA_ESTABLISHED)
			continue;
		k->state = in != NULL && out != NULL ? LSW_SAK_PRESENT : LSW_SAK_MISSING;
		if (k->state != LSW_SAK_MISSING)
			continue;
		v->n_missing++;
		pk = prev_sak(v, i, prev_sas);
		k->missing_polls =
		    pk != NULL && pk->state == LSW_SAK_MISSING ? pk->missing_polls + 1 : 1;
		if (k->missing_polls == 1)
			v->n_unconfirmed++;
		if (k->missing_polls == 2) {
			struct lsw_kevent ev = {.type = LSW_EV_KERNEL_SA_MISSING, .sa = sa};

			snprintf(ev.text, sizeof(ev.text),
			         "kernelSaMissing \"%.60s\"%.24s #%u: %s SPI %08x (in) %s, %08x "
			         "(out) %s",
			         sa->sa.connection, sa->sa.instance, sa->sa.serial,
			         proto_name(m.proto), m.spi_in, in ? "present" : "missing",
			         m.spi_out, out ? "present" : "missing");
			if (add_kevent(v, cap, &ev) < 0)
				goto oom;
		}
	}
	/* Nobody's: an ESP or AH SA no IPsec SA claims, keyed (an SPI pluto
	 * reserved for a negotiation in progress is not printed until it is
	 * established: seen in UML, an IKEv2 Child SA waiting its turn held
	 * one for seconds). */
	for (size_t j = 0; j < d->n; j++)
		n_keys += unclaimed(&d->sas[j], claimed[j]);
	if (n_keys > 0) {
		const struct lsw_xfrm_key *first_new = NULL;
		size_t n_new = 0;

		v->unclaimed = calloc(n_keys, sizeof(*v->unclaimed));
		if (v->unclaimed == NULL)
			goto oom;
		for (size_t j = 0; j < d->n; j++) {
			const struct lsw_xfrm_sa *x = &d->sas[j];
			struct lsw_xfrm_key *key = &v->unclaimed[v->n_unclaimed_keys];
			const struct lsw_xfrm_key *old = NULL;

			if (!unclaimed(x, claimed[j]))
				continue;
			key->proto = x->proto;
			key->spi = x->spi;
			key->daddr = x->daddr;
			v->n_unclaimed_keys++;
			/* prev's keys are sorted the same way (the dump's order) */
			if (prev != NULL && prev->n_unclaimed_keys > 0) {
				size_t lo = 0, hi = prev->n_unclaimed_keys;

				while (lo < hi) {
					size_t mid = lo + (hi - lo) / 2;
					const struct lsw_xfrm_key *p = &prev->unclaimed[mid];

					if (key_cmp(p->proto, p->spi, &p->daddr, key->proto,
					            key->spi, &key->daddr) < 0)
						lo = mid + 1;
					else
						hi = mid;
				}
				if (lo < prev->n_unclaimed_keys &&
				    key_cmp(prev->unclaimed[lo].proto, prev->unclaimed[lo].spi,
				            &prev->unclaimed[lo].daddr, key->proto, key->spi,
				            &key->daddr) == 0)
					old = &prev->unclaimed[lo];
			}
			if (old == NULL) {
				v->n_unconfirmed++;
				continue;
			}
			key->confirmed = true;
			v->n_unclaimed++;
			if (!old->confirmed && n_new++ == 0)
				first_new = key;
		}
		if (first_new != NULL) {
			struct lsw_kevent ev = {.type = LSW_EV_KERNEL_SA_UNCLAIMED,
			                        .unclaimed = v->n_unclaimed};
			char dst[64];

			addr_text(dst, sizeof(dst), &first_new->daddr);
			snprintf(ev.text, sizeof(ev.text),
			         "kernelSaUnclaimed: %zu kernel SAs no pluto SA claims (%zu new), "
			         "first %s SPI %08x to %s",
			         v->n_unclaimed, n_new, proto_name(first_new->proto),
			         first_new->spi, dst);
			if (add_kevent(v, cap, &ev) < 0)
				goto oom;
		}
	}
	free(claimed);
	return 0;
oom:
	free(claimed);
	return -1;
}

/* The last dump failed (or this poll had none): the SAs that go on keep
 * what the kernel said of them last time. */
static void carry_sas(struct lsw_view *v, const struct lsw_view *prev_sas)
{
	for (size_t i = 0; i < v->n_child_sas; i++) {
		const struct lsw_sa_kernel *pk = prev_sak(v, i, prev_sas);

		if (pk != NULL)
			v->sa_kernel[i] = *pk;
	}
}

/* Packets of a connection: like count_octets() in view.c, base (the last
 * counts of its IPsec SAs that are gone) plus its current SAs'. */
static void count_pkts(struct lsw_view *v, struct lsw_conn_row *row, const struct lsw_view *prev,
                       const struct lsw_conn_row *old)
{
	uint64_t in = 0, out = 0;

	row->has_pkts = true;
	if (old != NULL && old->has_pkts) {
		row->base_in_pkts = old->base_in_pkts;
		row->base_out_pkts = old->base_out_pkts;
		for (size_t i = 0; i < old->n_children; i++) {
			size_t pi = prev->child_idx[old->first_child + i];
			const struct lsw_sa_octets *po = &prev->sa_octets[pi];
			const struct lsw_sa_octets *no =
			    lsw_view_sa_octets(v, lsw_snapshot_find_child_sa(v->snap, po->serial));
			const struct lsw_sa_kernel *pk =
			    prev->sa_kernel ? &prev->sa_kernel[pi] : NULL;

			if (no != NULL && no->continued)
				continue;
			if (pk != NULL) {
				row->base_in_pkts += pk->in_pkts;
				row->base_out_pkts += pk->out_pkts;
			}
		}
	}
	for (size_t j = 0; j < row->n_children; j++) {
		const struct lsw_sa_kernel *k = &v->sa_kernel[v->child_idx[row->first_child + j]];

		in += k->in_pkts;
		out += k->out_pkts;
	}
	row->in_pkts = row->base_in_pkts + in;
	row->out_pkts = row->base_out_pkts + out;
	if (old != NULL && old->has_pkts) {
		if (row->in_pkts < old->in_pkts)
			row->in_pkts = old->in_pkts;
		if (row->out_pkts < old->out_pkts)
			row->out_pkts = old->out_pkts;
	}
}

static int kernel_sas(struct lsw_view *v, struct lsw_poll_extra *extra, const struct lsw_view *prev,
                      const struct lsw_view *prev_sas, size_t *cap)
{
	bool have_dump = extra != NULL && extra->dump != NULL;
	bool had = prev != NULL && prev->sa_kernel != NULL;

	v->kernel_status = extra != NULL ? extra->kernel_status : LSW_KERNEL_OFF;
	if (extra != NULL)
		snprintf(v->kernel_error, sizeof(v->kernel_error), "%s", extra->kernel_error);
	/* Columns only once a dump worked; a failed one keeps the last values. */
	if (!have_dump && !(had && v->kernel_status == LSW_KERNEL_FAILED))
		return 0;
	if (v->n_child_sas > 0) {
		v->sa_kernel = calloc(v->n_child_sas, sizeof(*v->sa_kernel));
		if (v->sa_kernel == NULL)
			return -1;
	} else {
		/* not NULL: "the kernel source works" also without SAs */
		v->sa_kernel = calloc(1, sizeof(*v->sa_kernel));
		if (v->sa_kernel == NULL)
			return -1;
	}
	if (have_dump) {
		v->n_kernel_sas = extra->dump->n;
		if (match_dump(v, extra->dump, prev, prev_sas, cap) < 0)
			return -1;
	} else {
		v->n_kernel_sas = prev->n_kernel_sas;
		v->n_missing = prev->n_missing;
		carry_sas(v, prev_sas);
		/* the unclaimed keys stay as they were */
		if (prev->n_unclaimed_keys > 0) {
			v->unclaimed = malloc(prev->n_unclaimed_keys * sizeof(*v->unclaimed));
			if (v->unclaimed == NULL)
				return -1;
			memcpy(v->unclaimed, prev->unclaimed,
			       prev->n_unclaimed_keys * sizeof(*v->unclaimed));
			v->n_unclaimed_keys = prev->n_unclaimed_keys;
			v->n_unclaimed = prev->n_unclaimed;
		}
	}
	for (size_t i = 0; i < v->n_conns; i++) {
		struct lsw_conn_row *row = &v->conns[i];
		const struct lsw_conn_row *old =
		    prev ? lsw_view_conn(prev, row->idx, row->idx_len, false) : NULL;

		count_pkts(v, row, prev, old);
	}
	return 0;
}

/* ---- rekeys ---- */

/* The diff from prev's snapshot (v->diff, notify's too), and the rekeys
 * it holds counted per connection. */
static int count_rekeys(struct lsw_view *v, const struct lsw_view *prev,
                        const struct lsw_view *prev_sas)
{
	const struct lsw_diff_event *ev;

	for (size_t i = 0; i < v->n_conns && prev != NULL; i++) {
		struct lsw_conn_row *row = &v->conns[i];
		const struct lsw_conn_row *old = lsw_view_conn(prev, row->idx, row->idx_len, false);

		if (old != NULL) {
			row->ike_rekeys = old->ike_rekeys;
			row->ipsec_rekeys = old->ipsec_rekeys;
		}
	}
	if (prev != NULL && lsw_diff(prev->snap, v->snap, &v->diff, &v->n_diff) < 0)
		return -1;
	/* After a pluto restart serials start over: no rekey to tell. */
	if (prev_sas == NULL)
		return 0;
	ev = v->diff;
	for (size_t i = 0; i < v->n_diff; i++) {
		oid idx[LSW_CONN_INDEX_MAX];
		int len;
		const struct lsw_conn_row *row;

		if (ev[i].type != LSW_EV_IKE_SA_REKEYED && ev[i].type != LSW_EV_IPSEC_SA_REKEYED)
			continue;
		len = lsw_mib_conn_index(idx, ev[i].connection, ev[i].instance);
		row = len > 0 ? lsw_view_conn(v, idx, (size_t)len, false) : NULL;
		if (row == NULL)
			continue;
		if (ev[i].type == LSW_EV_IKE_SA_REKEYED)
			v->conns[row - v->conns].ike_rekeys++;
		else
			v->conns[row - v->conns].ipsec_rekeys++;
	}
	return 0;
}

void lsw_view_drop_diff(struct lsw_view *v)
{
	lsw_diff_free(v->diff);
	v->diff = NULL;
	v->n_diff = 0;
}

/* ---- named counters: lsXfrmStatTable, lsIkeStatTable ---- */

/* OID order of a length-prefixed string index: shorter first, then bytes. */
static int name_oid_cmp(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la != lb)
		return la < lb ? -1 : 1;
	return memcmp(a, b, la);
}

struct order_ctx {
	const char *(*name)(const void *base, size_t i);
	const void *base;
};

static const char *xstat_name(const void *base, size_t i)
{
	return ((const struct lsw_xfrm_stat_item *)base)[i].name;
}

static const char *gstat_name(const void *base, size_t i)
{
	return ((const struct lsw_gstat_item *)base)[i].name;
}

/* insertion-free: qsort with a context through a static (single-threaded
 * agent; lswstat does not build these). */
static const struct order_ctx *sort_ctx;

static int order_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return name_oid_cmp(sort_ctx->name(sort_ctx->base, x), sort_ctx->name(sort_ctx->base, y));
}

static void sort_order(size_t *order, size_t n, const struct order_ctx *ctx)
{
	sort_ctx = ctx;
	qsort(order, n, sizeof(*order), order_cmp);
	sort_ctx = NULL;
}

/* Encoded index (length, octets) vs a raw request index, lsw_oid_cmp().
 * Every row's name fits an index (xstat names are at most 63 octets, the
 * gstat rows are filtered to LSW_IKESTAT_NAME_MAX). */
static int name_idx_cmp(const char *name, const oid *idx, size_t idx_len)
{
	oid enc[LSW_IKESTAT_NAME_MAX + 1];
	int len = lsw_mib_name_index(enc, name);

	return len < 0 ? 1 : lsw_oid_cmp(enc, (size_t)len, idx, idx_len);
}

static long named_lookup(const size_t *order, size_t n, const struct order_ctx *ctx, const oid *idx,
                         size_t idx_len, bool next)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = name_idx_cmp(ctx->name(ctx->base, order[mid]), idx, idx_len);

		if (c < 0 || (next && c == 0))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo >= n)
		return -1;
	if (!next && name_idx_cmp(ctx->name(ctx->base, order[lo]), idx, idx_len) != 0)
		return -1;
	return (long)order[lo];
}

long lsw_view_xstat(const struct lsw_view *v, const oid *idx, size_t idx_len, bool next)
{
	struct order_ctx ctx = {xstat_name, NULL};

	if (v == NULL || v->xstat_order == NULL)
		return -1;
	ctx.base = v->xstat.items;
	return named_lookup(v->xstat_order, v->xstat.n, &ctx, idx, idx_len, next);
}

long lsw_view_gstat(const struct lsw_view *v, const oid *idx, size_t idx_len, bool next)
{
	struct order_ctx ctx = {gstat_name, NULL};

	if (v == NULL || v->gstat_order == NULL)
		return -1;
	ctx.base = v->gstat->items;
	return named_lookup(v->gstat_order, v->n_gstat_rows, &ctx, idx, idx_len, next);
}

static int xstat_rows(struct lsw_view *v, struct lsw_poll_extra *extra, struct lsw_view *mprev)
{
	struct order_ctx ctx = {xstat_name, NULL};

	if (extra != NULL && extra->xstat_ok) {
		v->xstat = extra->xstat;
		memset(&extra->xstat, 0, sizeof(extra->xstat));
	} else if (mprev != NULL) {
		v->xstat = mprev->xstat;
		memset(&mprev->xstat, 0, sizeof(mprev->xstat));
	}
	if (extra != NULL)
		lsw_xfrm_stat_clear(&extra->xstat);
	if (v->xstat.n == 0)
		return 0;
	v->xstat_order = malloc(v->xstat.n * sizeof(*v->xstat_order));
	if (v->xstat_order == NULL)
		return -1;
	for (size_t i = 0; i < v->xstat.n; i++)
		v->xstat_order[i] = i;
	ctx.base = v->xstat.items;
	sort_order(v->xstat_order, v->xstat.n, &ctx);
	return 0;
}

static uint64_t gstat(const struct lsw_globalstatus *g, const char *name)
{
	uint64_t n = 0;

	return g != NULL && lsw_globalstatus_get(g, name, &n) ? n : 0;
}

#define V2_FAILED "total.ike.ikev2.failed"
#define V1_FAILED "total.ike.ikev1.failed"

/* "v2 recv AUTHENTICATION_FAILED+2 ..." for every notification counter that
 * rose since old. */
static void notify_deltas(char *buf, size_t len, const struct lsw_globalstatus *g,
                          const struct lsw_globalstatus *old)
{
	size_t used = strlen(buf);

	for (size_t i = 0; i < g->n && used + 1 < len; i++) {
		const char *name = g->items[i].name, *kind, *type;
		uint64_t was = gstat(old, name);
		int w;

		/* total.ikev2.recv.notifies.error.AUTHENTICATION_FAILED */
		if (strncmp(name, "total.ikev", 10) != 0 || strstr(name, ".notifies.") == NULL ||
		    g->items[i].value <= was)
			continue;
		kind = strstr(name, ".sent.") ? "sent" : "recv";
		type = strrchr(name, '.') + 1;
		w = snprintf(buf + used, len - used, " v%c %s %s+%llu", name[10], kind, type,
		             (unsigned long long)(g->items[i].value - was));
		if (w < 0 || (size_t)w >= len - used) {
			buf[used] = '\0';
			if (used + 4 < len)
				memcpy(buf + used, " ...", 5);
			return;
		}
		used += (size_t)w;
	}
}

static int ike_counters(struct lsw_view *v, struct lsw_poll_extra *extra,
                        const struct lsw_view *prev, struct lsw_view *mprev, uint64_t now,
                        size_t *cap)
{
	struct order_ctx ctx = {gstat_name, NULL};
	const struct lsw_globalstatus *old = prev ? prev->gstat : NULL;
	bool fresh = extra != NULL && extra->gstat != NULL;

	v->ike_status = extra != NULL ? extra->ike_status : LSW_IKESTAT_OFF;
	v->ike_since = prev != NULL ? prev->ike_since : now;
	v->ike_alarm_at = prev != NULL ? prev->ike_alarm_at : 0;
	if (fresh) {
		v->gstat = extra->gstat;
		extra->gstat = NULL;
	} else if (mprev != NULL) {
		v->gstat = mprev->gstat;
		mprev->gstat = NULL;
		old = NULL; /* moved: nothing to compare */
	}
	if (v->gstat == NULL)
		return 0;
	if (fresh) {
		uint64_t f = gstat(v->gstat, V2_FAILED) + gstat(v->gstat, V1_FAILED);
		uint64_t of = gstat(old, V2_FAILED) + gstat(old, V1_FAILED);
		/* pluto's counters started at 0 (or this is our first look) */
		bool restarted = old == NULL || lsw_diff_pluto_restarted(prev->snap, v->snap) ||
		                 f < of ||
		                 gstat(v->gstat, "total.ike.ikev2.established") <
		                     gstat(old, "total.ike.ikev2.established");

		if (restarted) {
			v->ike_since = now;
		} else if (f - of > extra->ike_failures &&
		           (v->ike_alarm_at == 0 ||
		            now - v->ike_alarm_at >= (uint64_t)extra->ike_holdoff * 100)) {
			struct lsw_kevent ev = {.type = LSW_EV_IKE_FAILURES,
			                        .v2_failed = gstat(v->gstat, V2_FAILED),
			                        .v1_failed = gstat(v->gstat, V1_FAILED)};

			snprintf(ev.text, sizeof(ev.text),
			         "ikeFailuresRising: %llu IKE negotiations failed since the last "
			         "poll (IKEv2 %llu, IKEv1 %llu);",
			         (unsigned long long)(f - of),
			         (unsigned long long)(ev.v2_failed - gstat(old, V2_FAILED)),
			         (unsigned long long)(ev.v1_failed - gstat(old, V1_FAILED)));
			notify_deltas(ev.text, sizeof(ev.text), v->gstat, old);
			if (add_kevent(v, cap, &ev) < 0)
				return -1;
			v->ike_alarm_at = now;
		}
	}
	/* lsIkeStatTable: pluto's counters, the total.* names that fit an index */
	v->gstat_order = v->gstat->n ? malloc(v->gstat->n * sizeof(*v->gstat_order)) : NULL;
	if (v->gstat->n && v->gstat_order == NULL)
		return -1;
	for (size_t i = 0; i < v->gstat->n; i++) {
		const char *name = v->gstat->items[i].name;

		if (strncmp(name, "total.", 6) == 0 && strlen(name) <= LSW_IKESTAT_NAME_MAX)
			v->gstat_order[v->n_gstat_rows++] = i;
	}
	ctx.base = v->gstat->items;
	sort_order(v->gstat_order, v->n_gstat_rows, &ctx);
	return 0;
}

int lsw_view_kernel_build(struct lsw_view *v, struct lsw_poll_extra *extra,
                          const struct lsw_view *prev, struct lsw_view *mprev,
                          const struct lsw_view *prev_sas, uint64_t now)
{
	size_t cap = 0;
	int rc = 0;

	if (v == NULL || count_rekeys(v, prev, prev_sas) < 0 ||
	    kernel_sas(v, extra, prev, prev_sas, &cap) < 0 || xstat_rows(v, extra, mprev) < 0 ||
	    ike_counters(v, extra, prev, mprev, now, &cap) < 0)
		rc = -1;
	if (extra != NULL) {
		/* what was not taken over */
		lsw_xfrm_dump_free(extra->dump);
		extra->dump = NULL;
		lsw_xfrm_stat_clear(&extra->xstat);
		lsw_globalstatus_free(extra->gstat);
		extra->gstat = NULL;
	}
	return rc;
}

void lsw_view_kernel_free(struct lsw_view *v)
{
	free(v->sa_kernel);
	free(v->unclaimed);
	lsw_xfrm_stat_clear(&v->xstat);
	free(v->xstat_order);
	lsw_globalstatus_free(v->gstat);
	free(v->gstat_order);
	free(v->kevents);
	lsw_diff_free(v->diff);
}
