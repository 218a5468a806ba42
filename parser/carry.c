/* carry.c - a snapshot built from a partial listing (`whack --showstates`,
 * which prints the states and nothing else): the connections, pluto's
 * totals and version come from an earlier snapshot, copied into the new
 * one's own memory so that each snapshot still owns everything it holds;
 * what the states say (oper status, SA counts, bytes, newest serials) is
 * derived again from the SAs fed after. One exception: an instance
 * ("name"[N]) that had SAs and has none now is dropped, as pluto deletes
 * an instance no state uses (connection_delete_unused_instance() in 4.x,
 * connection_discard() in 3.x); one being revived comes back with its
 * next state, whose unknown connection brings a full poll. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* s into p's arena (interned: a few policies and hosts repeat across
 * thousands of connections); NULL stays NULL. false when out of memory. */
static bool copy_str(struct lsw_parser *p, const char **dst, const char *s)
{
	if (s == NULL) {
		*dst = NULL;
		return true;
	}
	*dst = lsw_strdup(p, s, strlen(s));
	return *dst != NULL;
}

static int carry_conn(struct lsw_parser *p, const struct lsw_connection *from)
{
	struct lsw_conn_ref ref = {
	    .name = from->name,
	    .name_len = strlen(from->name),
	    .inst = from->instance,
	    .inst_len = strlen(from->instance),
	};
	struct lsw_connection *c = lsw_get_conn(p, &ref);

	if (!c)
		return -1;
	/* lsw_get_conn() made it with its name: keep those, take the rest */
	const char *name = c->name, *instance = c->instance;

	*c = *from;
	c->name = name;
	c->instance = instance;
	if (!copy_str(p, &c->local_host, from->local_host) ||
	    !copy_str(p, &c->remote_host, from->remote_host) ||
	    !copy_str(p, &c->local_id, from->local_id) ||
	    !copy_str(p, &c->remote_id, from->remote_id) ||
	    !copy_str(p, &c->local_client, from->local_client) ||
	    !copy_str(p, &c->remote_client, from->remote_client) ||
	    !copy_str(p, &c->routing, from->routing) || !copy_str(p, &c->policy, from->policy) ||
	    !copy_str(p, &c->ike_alg_newest, from->ike_alg_newest) ||
	    !copy_str(p, &c->esp_alg_newest, from->esp_alg_newest))
		return -1;
	/* what the SAs say, from this listing's SAs (derive() in snapshot.c) */
	c->newest_ike_sa = c->newest_child_sa = c->eroute_owner = 0;
	c->oper = LSW_CONN_DOWN;
	c->n_ike_sas = c->n_child_sas = 0;
	c->in_bytes = c->out_bytes = 0;
	return 0;
}

int lsw_parser_carry(struct lsw_parser *p, const struct lsw_snapshot *from)
{
	p->carried = true;
	if (!from)
		return 0;
	if (from->n_connections &&
	    !(p->carried_had_sa = calloc(from->n_connections, sizeof(*p->carried_had_sa)))) {
		p->oom = true;
		return -1;
	}
	for (size_t i = 0; i < from->n_connections; i++) {
		const struct lsw_connection *c = &from->connections[i];

		if (carry_conn(p, c) < 0) {
			p->oom = true;
			return -1;
		}
		/* carried first, in order: connection i is p->conns[i] */
		p->carried_had_sa[i] = c->instance[0] != '\0' && c->n_ike_sas + c->n_child_sas > 0;
	}
	p->n_carried = from->n_connections;
	p->totals = from->totals;
	if (from->pluto_version &&
	    !(p->pluto_version = lsw_strdup(p, from->pluto_version, strlen(from->pluto_version)))) {
		p->oom = true;
		return -1;
	}
	return 0;
}

void lsw_carry_drop_unused(struct lsw_parser *p)
{
	size_t n = p->n_conns, w = 0;
	uint32_t *remap;

	if (!p->carried_had_sa)
		return;
	remap = malloc(n * sizeof(*remap));
	/* no memory: keep them all, the next full poll drops them */
	if (!remap)
		return;
	for (size_t i = 0; i < n; i++) {
		const struct lsw_connection *c = &p->conns[i];

		if (i < p->n_carried && p->carried_had_sa[i] &&
		    c->n_ike_sas + c->n_child_sas == 0) {
			remap[i] = UINT32_MAX;
			continue;
		}
		remap[i] = (uint32_t)w;
		if (w != i)
			p->conns[w] = p->conns[i];
		w++;
	}
	/* an SA names a kept connection (a dropped one has none): slot is
	 * index + 1, 0 for none (snapshot.c conn_of()) */
	for (size_t i = 0; i < p->n_ikes; i++)
		if (p->ike_conn[i])
			p->ike_conn[i] = remap[p->ike_conn[i] - 1] + 1;
	for (size_t i = 0; i < p->n_childs; i++)
		if (p->child_conn[i])
			p->child_conn[i] = remap[p->child_conn[i] - 1] + 1;
	p->n_conns = w;
	free(remap);
}
