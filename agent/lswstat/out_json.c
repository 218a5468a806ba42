/* out_json.c - the snapshot as one JSON object (--json), and --summary.
 *
 * Field names follow snapshot.h; a value the text did not carry is null,
 * never 0 or "", so a script can tell "none" from "not printed".
 */
#include "lswstat/print.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "kernel/xfrm_match.h"
#include "lswstat/json.h"

void lswstat_count(const struct lsw_snapshot *snap, struct lswstat_counts *c)
{
	*c = (struct lswstat_counts){0};
	c->connections = snap->n_connections;
	for (size_t i = 0; i < snap->n_connections; i++) {
		switch (snap->connections[i].oper) {
		case LSW_CONN_UP:
			c->conns_up++;
			break;
		case LSW_CONN_CONNECTING:
			c->conns_connecting++;
			break;
		default:
			c->conns_down++;
			break;
		}
	}
	c->ike_sas = snap->n_ike_sas;
	for (size_t i = 0; i < snap->n_ike_sas; i++)
		if (snap->ike_sas[i].sa.state == LSW_SA_ESTABLISHED)
			c->ike_established++;
	c->child_sas = snap->n_child_sas;
	for (size_t i = 0; i < snap->n_child_sas; i++)
		if (snap->child_sas[i].sa.state == LSW_SA_ESTABLISHED)
			c->child_established++;
	c->unparsed = snap->unparsed;
	c->lines = snap->lines;
}

void lswstat_print_summary(FILE *f, const struct lsw_snapshot *snap)
{
	struct lswstat_counts c;

	lswstat_count(snap, &c);
	fprintf(f,
	        "connections=%zu up=%zu connecting=%zu down=%zu ike_sas=%zu ike_established=%zu "
	        "child_sas=%zu child_established=%zu unparsed=%zu lines=%zu\n",
	        c.connections, c.conns_up, c.conns_connecting, c.conns_down, c.ike_sas,
	        c.ike_established, c.child_sas, c.child_established, c.unparsed, c.lines);
}

/* LSW_ABSENT (any negative) is null. */
static void json_long(struct lswstat_json *j, const char *key, long long v)
{
	if (v < 0)
		lswstat_json_null(j, key);
	else
		lswstat_json_int(j, key, v);
}

/* Serial 0 means "none" in libreswan's words. */
static void json_serial(struct lswstat_json *j, const char *key, uint32_t serial)
{
	if (serial == 0)
		lswstat_json_null(j, key);
	else
		lswstat_json_uint(j, key, serial);
}

static void json_ike_version(struct lswstat_json *j, enum lsw_ike_version v)
{
	if (v == LSW_IKEV1 || v == LSW_IKEV2)
		lswstat_json_int(j, "ike_version", v);
	else
		lswstat_json_null(j, "ike_version");
}

static void json_role(struct lswstat_json *j, enum lsw_role r)
{
	lswstat_json_string(j, "role", r == LSW_ROLE_UNKNOWN ? NULL : lsw_role_name(r));
}

static void json_events(struct lswstat_json *j, size_t n, const struct lsw_event *ev)
{
	lswstat_json_array_begin(j, "events");
	for (size_t i = 0; i < n; i++) {
		lswstat_json_object_begin(j, NULL);
		lswstat_json_string(j, "name", ev[i].name);
		json_long(j, "seconds", ev[i].seconds);
		lswstat_json_object_end(j);
	}
	lswstat_json_array_end(j);
}

static void json_spi(struct lswstat_json *j, const char *key, const struct lsw_spi_pair *spi)
{
	char buf[16];

	if (!spi->present) {
		lswstat_json_null(j, key);
		return;
	}
	/* SPIs are identifiers, printed the way ip xfrm shows them. 0 is
	 * reserved (RFC 4303), so it only comes from a sanitized placeholder. */
	lswstat_json_object_begin(j, key);
	snprintf(buf, sizeof(buf), "0x%08x", (unsigned)spi->in);
	lswstat_json_string(j, "in", spi->in != 0 ? buf : NULL);
	snprintf(buf, sizeof(buf), "0x%08x", (unsigned)spi->out);
	lswstat_json_string(j, "out", spi->out != 0 ? buf : NULL);
	lswstat_json_object_end(j);
}

static void json_connection(struct lswstat_json *j, const struct lsw_connection *c)
{
	lswstat_json_object_begin(j, NULL);
	lswstat_json_string(j, "name", c->name);
	lswstat_json_string(j, "instance", c->instance);
	lswstat_json_string(j, "state", lsw_conn_oper_name(c->oper));
	lswstat_json_string(j, "local_host", c->local_host);
	lswstat_json_string(j, "remote_host", c->remote_host);
	lswstat_json_string(j, "local_id", c->local_id);
	lswstat_json_string(j, "remote_id", c->remote_id);
	lswstat_json_string(j, "local_client", c->local_client);
	lswstat_json_string(j, "remote_client", c->remote_client);
	lswstat_json_string(j, "routing", c->routing);
	lswstat_json_bool(j, "routed_tunnel", c->routed_tunnel);
	json_ike_version(j, c->ike_version);
	lswstat_json_string(j, "policy", c->policy);
	json_serial(j, "newest_ike_sa", c->newest_ike_sa);
	json_serial(j, "newest_child_sa", c->newest_child_sa);
	json_serial(j, "eroute_owner", c->eroute_owner);
	lswstat_json_string(j, "ike_alg_newest", c->ike_alg_newest);
	lswstat_json_string(j, "esp_alg_newest", c->esp_alg_newest);
	lswstat_json_uint(j, "ike_sas", c->n_ike_sas);
	lswstat_json_uint(j, "child_sas", c->n_child_sas);
	lswstat_json_uint(j, "in_bytes", c->in_bytes);
	lswstat_json_uint(j, "out_bytes", c->out_bytes);
	lswstat_json_object_end(j);
}

/* The keys both kinds of SA have, from the serial to "newest"; a Child SA
 * names its IKE SA right after its serial (ike_sa NULL for an IKE SA).
 * The kind's own keys follow, then json_sa_end(). */
static void json_sa_begin(struct lswstat_json *j, const struct lsw_sa *sa, const uint32_t *ike_sa)
{
	lswstat_json_object_begin(j, NULL);
	lswstat_json_uint(j, "serial", sa->serial);
	if (ike_sa != NULL)
		json_serial(j, "ike_sa", *ike_sa);
	lswstat_json_string(j, "connection", sa->connection);
	lswstat_json_string(j, "instance", sa->instance);
	lswstat_json_string(j, "peer", sa->peer);
	json_long(j, "peer_port", sa->peer_port);
	lswstat_json_bool(j, "tcp", sa->tcp);
	lswstat_json_string(j, "state", lsw_sa_state_name(sa->state));
	lswstat_json_bool(j, "established", sa->state == LSW_SA_ESTABLISHED);
	lswstat_json_string(j, "state_name", sa->state_name);
	lswstat_json_string(j, "story", sa->story);
	json_ike_version(j, sa->ike_version);
	json_role(j, sa->role);
	lswstat_json_bool(j, "newest", sa->newest);
}

/* The events close both kinds. */
static void json_sa_end(struct lswstat_json *j, const struct lsw_sa *sa)
{
	json_events(j, sa->n_events, sa->events);
	lswstat_json_object_end(j);
}

static void json_ike_sa(struct lswstat_json *j, const struct lsw_ike_sa *sa)
{
	json_sa_begin(j, &sa->sa, NULL);
	json_long(j, "lastdpd", sa->lastdpd);
	json_sa_end(j, &sa->sa);
}

/* What the kernel says of sa: null when nothing to match (no SPI). */
static void json_kernel(struct lswstat_json *j, const struct lsw_xfrm_dump *k,
                        const struct lsw_child_sa *sa)
{
	struct lsw_xfrm_pair m;

	lsw_xfrm_match(k, sa, &m);
	if (!m.has_spi) {
		lswstat_json_null(j, "kernel");
		return;
	}
	lswstat_json_object_begin(j, "kernel");
	lswstat_json_string(j, "state", m.in && m.out ? "present" : "missing");
	if (m.in) {
		lswstat_json_uint(j, "in_packets", m.in->packets);
		lswstat_json_uint(j, "in_bytes", m.in->bytes);
		lswstat_json_uint(j, "replay", m.in->replay);
		lswstat_json_uint(j, "replay_window", m.in->replay_window);
		lswstat_json_uint(j, "integrity_failed", m.in->integrity_failed);
	} else {
		lswstat_json_null(j, "in_packets");
	}
	if (m.out) {
		lswstat_json_uint(j, "out_packets", m.out->packets);
		lswstat_json_uint(j, "out_bytes", m.out->bytes);
	} else {
		lswstat_json_null(j, "out_packets");
	}
	lswstat_json_object_end(j);
}

static void json_child_sa(struct lswstat_json *j, const struct lsw_child_sa *sa,
                          const struct lsw_xfrm_dump *k)
{
	json_sa_begin(j, &sa->sa, &sa->ike_sa);
	lswstat_json_bool(j, "eroute_owner", sa->eroute_owner);
	lswstat_json_string(j, "mode",
	                    sa->mode == LSW_MODE_UNKNOWN ? NULL : lsw_mode_name(sa->mode));
	json_spi(j, "esp", &sa->esp);
	json_spi(j, "ah", &sa->ah);
	json_spi(j, "ipcomp", &sa->ipcomp);
	if (sa->has_bytes) {
		lswstat_json_uint(j, "in_bytes", sa->in_bytes);
		lswstat_json_uint(j, "out_bytes", sa->out_bytes);
	} else {
		lswstat_json_null(j, "in_bytes");
		lswstat_json_null(j, "out_bytes");
	}
	lswstat_json_bool(j, "bytes_exact", sa->has_bytes && sa->bytes_exact);
	json_long(j, "add_time", sa->add_time);
	lswstat_json_string(j, "type", sa->type);
	lswstat_json_string(j, "username", sa->username);
	lswstat_json_string(j, "remote_id", sa->remote_id);
	lswstat_json_string(j, "lease", sa->lease);
	if (k != NULL)
		json_kernel(j, k, sa);
	json_sa_end(j, &sa->sa);
}

/* The totals pluto prints, by group: "connections", "ike_sas", "ipsec_sas". */
static void json_totals(struct lswstat_json *j, const struct lsw_totals *t)
{
	static const struct {
		const char *group, *key;
		size_t off;
	} fields[] = {
	    {"connections", "loaded", offsetof(struct lsw_totals, conns_loaded)},
	    {"connections", "routed", offsetof(struct lsw_totals, conns_routed)},
	    {"connections", "active", offsetof(struct lsw_totals, conns_active)},
	    {"ike_sas", "total", offsetof(struct lsw_totals, ike_total)},
	    {"ike_sas", "half_open", offsetof(struct lsw_totals, ike_half_open)},
	    {"ike_sas", "open", offsetof(struct lsw_totals, ike_open)},
	    {"ike_sas", "authenticated", offsetof(struct lsw_totals, ike_authenticated)},
	    {"ike_sas", "anonymous", offsetof(struct lsw_totals, ike_anonymous)},
	    {"ipsec_sas", "total", offsetof(struct lsw_totals, ipsec_total)},
	    {"ipsec_sas", "authenticated", offsetof(struct lsw_totals, ipsec_authenticated)},
	    {"ipsec_sas", "anonymous", offsetof(struct lsw_totals, ipsec_anonymous)},
	};
	size_t n = sizeof(fields) / sizeof(fields[0]);

	lswstat_json_object_begin(j, "totals");
	for (size_t i = 0; i < n; i++) {
		long v;

		if (i == 0 || strcmp(fields[i].group, fields[i - 1].group) != 0)
			lswstat_json_object_begin(j, fields[i].group);
		memcpy(&v, (const char *)t + fields[i].off, sizeof(v));
		json_long(j, fields[i].key, v);
		if (i + 1 == n || strcmp(fields[i + 1].group, fields[i].group) != 0)
			lswstat_json_object_end(j);
	}
	lswstat_json_object_end(j);
}

static void json_counts(struct lswstat_json *j, const struct lsw_snapshot *snap)
{
	struct lswstat_counts c;

	lswstat_count(snap, &c);
	lswstat_json_object_begin(j, "counts");
	lswstat_json_uint(j, "connections", c.connections);
	lswstat_json_uint(j, "up", c.conns_up);
	lswstat_json_uint(j, "connecting", c.conns_connecting);
	lswstat_json_uint(j, "down", c.conns_down);
	lswstat_json_uint(j, "ike_sas", c.ike_sas);
	lswstat_json_uint(j, "ike_established", c.ike_established);
	lswstat_json_uint(j, "child_sas", c.child_sas);
	lswstat_json_uint(j, "child_established", c.child_established);
	lswstat_json_object_end(j);
}

void lswstat_print_json(FILE *f, const struct lsw_snapshot *snap, const struct lsw_xfrm_dump *k)
{
	struct lswstat_json j;
	size_t kept =
	    snap->unparsed < LSW_UNPARSED_LINES_KEPT ? snap->unparsed : LSW_UNPARSED_LINES_KEPT;

	lswstat_json_init(&j, f);
	lswstat_json_object_begin(&j, NULL);
	lswstat_json_string(&j, "lswstat_version", LSW_VERSION);
	lswstat_json_string(&j, "pluto_version", snap->pluto_version);
	lswstat_json_array_begin(&j, "connections");
	for (size_t i = 0; i < snap->n_connections; i++)
		json_connection(&j, &snap->connections[i]);
	lswstat_json_array_end(&j);
	lswstat_json_array_begin(&j, "ike_sas");
	for (size_t i = 0; i < snap->n_ike_sas; i++)
		json_ike_sa(&j, &snap->ike_sas[i]);
	lswstat_json_array_end(&j);
	lswstat_json_array_begin(&j, "child_sas");
	for (size_t i = 0; i < snap->n_child_sas; i++)
		json_child_sa(&j, &snap->child_sas[i], k);
	lswstat_json_array_end(&j);
	if (k != NULL)
		lswstat_json_uint(&j, "kernel_sas", k->n);
	json_totals(&j, &snap->totals);
	json_counts(&j, snap);
	lswstat_json_uint(&j, "lines", snap->lines);
	lswstat_json_uint(&j, "unparsed", snap->unparsed);
	lswstat_json_array_begin(&j, "unparsed_lines");
	for (size_t i = 0; i < kept; i++)
		lswstat_json_uint(&j, NULL, snap->unparsed_line[i]);
	lswstat_json_array_end(&j);
	lswstat_json_object_end(&j);
}
