/* out_table.c - the human view: aligned tables of connections and SAs.
 *
 * Columns are sized to their widest cell, so every cell is built first and
 * printed after. Text from pluto's output (names, IDs) is shown with
 * control characters (C0, DEL, C1), bidi controls and invalid UTF-8
 * replaced by '?', so a hostile peer ID cannot drive the terminal or
 * reorder what it shows.
 */
#include "lswstat/print.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/xfrm_match.h"
#include "lswstat/json.h"

#define MAX_COLS 14

struct table {
	size_t ncols;
	const char *head[MAX_COLS];
	bool right[MAX_COLS]; /* right-aligned (numbers) */
	char **cells;         /* nrows * ncols, each malloc'ed */
	size_t nrows, cap;
	size_t width[MAX_COLS];
	bool oom;
};

/* Terminal columns of a sanitized cell: one per code point. */
static size_t display_width(const char *s)
{
	size_t w = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

/* The character at s (n bytes, valid UTF-8) must not reach a terminal as
 * it is: C0 and DEL; C1 (U+0080..U+009F, "C2 9B" is a CSI); the bidi
 * embeddings, overrides and isolates U+202A..U+202E and U+2066..U+2069,
 * which reorder what follows on the screen (CVE-2021-42574). */
static bool unsafe(const unsigned char *s, size_t n)
{
	if (n == 1)
		return s[0] < 0x20 || s[0] == 0x7f;
	if (n == 2)
		return s[0] == 0xc2 && s[1] < 0xa0;
	if (n == 3 && s[0] == 0xe2)
		return (s[1] == 0x80 && s[2] >= 0xaa && s[2] <= 0xae) ||
		       (s[1] == 0x81 && s[2] >= 0xa6 && s[2] <= 0xa9);
	return false;
}

static char *sanitize(const char *s)
{
	size_t len = strlen(s), o = 0;
	char *out = malloc(len + 1);

	if (out == NULL)
		return NULL;
	while (*s != '\0') {
		size_t n = lswstat_utf8_len((const unsigned char *)s);

		if (n == 0 || unsafe((const unsigned char *)s, n)) {
			/* one '?' per byte that is not UTF-8, per unsafe character */
			out[o++] = '?';
			s += n ? n : 1;
			continue;
		}
		memcpy(out + o, s, n);
		o += n;
		s += n;
	}
	out[o] = '\0';
	return out;
}

static void table_init(struct table *t, size_t ncols, const char *const head[])
{
	memset(t, 0, sizeof(*t));
	t->ncols = ncols;
	for (size_t i = 0; i < ncols; i++) {
		t->head[i] = head[i];
		t->width[i] = display_width(head[i]);
	}
}

/* Start a row; its cells are then set with cell(). */
static char **table_row(struct table *t)
{
	char **row;

	if (t->oom)
		return NULL;
	if (t->nrows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		char **c = realloc(t->cells, cap * t->ncols * sizeof(*c));

		if (c == NULL) {
			t->oom = true;
			return NULL;
		}
		t->cells = c;
		t->cap = cap;
	}
	row = t->cells + t->nrows * t->ncols;
	for (size_t i = 0; i < t->ncols; i++)
		row[i] = NULL;
	t->nrows++;
	return row;
}

static void cell(struct table *t, char **row, size_t col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void cell(struct table *t, char **row, size_t col, const char *fmt, ...)
{
	va_list ap;
	char *raw = NULL;
	int n;

	if (row == NULL)
		return;
	va_start(ap, fmt);
	n = vasprintf(&raw, fmt, ap);
	va_end(ap);
	if (n < 0) {
		t->oom = true;
		return;
	}
	row[col] = sanitize(raw);
	free(raw);
	if (row[col] == NULL) {
		t->oom = true;
		return;
	}
	n = (int)display_width(row[col]);
	if ((size_t)n > t->width[col])
		t->width[col] = (size_t)n;
}

static void print_cell(FILE *f, const struct table *t, size_t col, const char *s)
{
	size_t pad = t->width[col] - display_width(s);
	bool last = col + 1 == t->ncols;

	if (t->right[col])
		fprintf(f, "%*s%s", (int)pad, "", s);
	else if (last)
		fputs(s, f);
	else
		fprintf(f, "%s%*s", s, (int)pad, "");
	fputs(last ? "\n" : "  ", f);
}

static void table_print(FILE *f, const struct table *t, const char *title)
{
	fprintf(f, "%s\n", title);
	for (size_t c = 0; c < t->ncols; c++)
		print_cell(f, t, c, t->head[c]);
	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 0; c < t->ncols; c++) {
			const char *s = t->cells[r * t->ncols + c];

			print_cell(f, t, c, s != NULL ? s : "-");
		}
}

static void table_free(struct table *t)
{
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
}

/* 84 B, 12.3 KiB, 4.0 GiB: enough to read, the JSON has the exact count. */
static void fmt_bytes(char *buf, size_t len, uint64_t v)
{
	static const char *const unit[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
	double d = (double)v;
	size_t u = 0;

	if (v < 1024) {
		snprintf(buf, len, "%" PRIu64 " B", v);
		return;
	}
	d /= 1024;
	while (d >= 1024 && u + 1 < sizeof(unit) / sizeof(unit[0])) {
		d /= 1024;
		u++;
	}
	snprintf(buf, len, "%.1f %s", d, unit[u]);
}

static void fmt_duration(char *buf, size_t len, long long s)
{
	if (s < 60)
		snprintf(buf, len, "%llds", s);
	else if (s < 3600)
		snprintf(buf, len, "%lldm%02llds", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, len, "%lldh%02lldm", s / 3600, s % 3600 / 60);
	else
		snprintf(buf, len, "%lldd%02lldh", s / 86400, s % 86400 / 3600);
}

/* Per connection, what its SAs tell beyond the connection lines: the
 * highest SA serials (trafficstatus alone names no newest SA), a peer,
 * and when its newest Child SA was added. */
struct conn_extra {
	uint32_t ike_sa, child_sa;
	const char *peer;
	long long add_time;
	bool has_bytes; /* some Child SA has byte counts */
};

static struct conn_extra *conn_extras(const struct lsw_snapshot *snap)
{
	struct conn_extra *x = calloc(snap->n_connections + 1, sizeof(*x));

	if (x == NULL)
		return NULL;
	for (size_t i = 0; i < snap->n_connections; i++) {
		x[i].ike_sa = snap->connections[i].newest_ike_sa;
		x[i].child_sa = snap->connections[i].newest_child_sa;
		x[i].add_time = LSW_ABSENT;
	}
	/* All IKE SAs, then all Child SAs, each sorted by serial: the last
	 * one seen of a kind is the highest. */
	for (size_t i = 0; i < snap->n_ike_sas + snap->n_child_sas; i++) {
		bool ike = i < snap->n_ike_sas;
		const struct lsw_child_sa *ch = ike ? NULL : &snap->child_sas[i - snap->n_ike_sas];
		const struct lsw_sa *sa = ike ? &snap->ike_sas[i].sa : &ch->sa;
		struct conn_extra *e;

		if (sa->conn == NULL)
			continue;
		e = &x[sa->conn - snap->connections];
		if (ike) {
			if (sa->conn->newest_ike_sa == 0)
				e->ike_sa = sa->serial;
			if (sa->peer != NULL && (e->peer == NULL || sa->serial == e->ike_sa))
				e->peer = sa->peer;
			continue;
		}
		if (sa->conn->newest_child_sa == 0)
			e->child_sa = sa->serial;
		if (sa->serial == e->child_sa)
			e->add_time = ch->add_time;
		e->has_bytes |= ch->has_bytes;
		if (e->peer == NULL && sa->peer != NULL)
			e->peer = sa->peer;
	}
	return x;
}

static void cell_serial(struct table *t, char **row, size_t col, uint32_t serial)
{
	if (serial != 0)
		cell(t, row, col, "#%" PRIu32, serial);
}

static void cell_uptime(struct table *t, char **row, size_t col, long long add_time, time_t now)
{
	char buf[32];

	/* Sanitized or clock skew: better nothing than a wrong number. */
	if (add_time <= 0 || (long long)now < add_time)
		return;
	fmt_duration(buf, sizeof(buf), (long long)now - add_time);
	cell(t, row, col, "%s", buf);
}

static const char *version_word(enum lsw_ike_version v)
{
	return v == LSW_IKEV1 || v == LSW_IKEV2 ? lsw_ike_version_name(v) : NULL;
}

static void cell_peer(struct table *t, char **row, size_t col, const char *peer, long port,
                      bool tcp)
{
	if (peer == NULL)
		return;
	if (port < 0)
		cell(t, row, col, "%s", peer);
	else if (strchr(peer, ':') != NULL)
		cell(t, row, col, "[%s]:%ld%s", peer, port, tcp ? "/tcp" : "");
	else
		cell(t, row, col, "%s:%ld%s", peer, port, tcp ? "/tcp" : "");
}

/* The cells both SA tables have, at the columns col gives in this order:
 * serial ("*" marks the newest), connection, peer and state. */
static void cells_sa(struct table *t, char **row, const size_t col[4], const struct lsw_sa *sa)
{
	cell(t, row, col[0], "#%" PRIu32 "%s", sa->serial, sa->newest ? "*" : "");
	cell(t, row, col[1], "%s%s", sa->connection, sa->instance);
	cell_peer(t, row, col[2], sa->peer, sa->peer_port, sa->tcp);
	cell(t, row, col[3], "%s", lsw_sa_state_name(sa->state));
}

static int print_connections(FILE *f, const struct lsw_snapshot *snap, time_t now)
{
	static const char *const head[] = {"CONNECTION", "STATE", "PEER", "IKE",   "IKE SA",
	                                   "CHILD SA",   "IN",    "OUT",  "UPTIME"};
	struct conn_extra *x = conn_extras(snap);
	struct table t;
	int rc = -1;

	if (x == NULL)
		return -1;
	table_init(&t, 9, head);
	t.right[6] = t.right[7] = t.right[8] = true;
	for (size_t i = 0; i < snap->n_connections; i++) {
		const struct lsw_connection *c = &snap->connections[i];
		char **row = table_row(&t);
		const char *ver = version_word(c->ike_version);
		char buf[32];

		cell(&t, row, 0, "%s%s", c->name, c->instance);
		cell(&t, row, 1, "%s", lsw_conn_oper_name(c->oper));
		if (c->remote_host != NULL)
			cell(&t, row, 2, "%s", c->remote_host);
		else if (x[i].peer != NULL)
			cell(&t, row, 2, "%s", x[i].peer);
		if (ver != NULL)
			cell(&t, row, 3, "%s", ver);
		cell_serial(&t, row, 4, x[i].ike_sa);
		cell_serial(&t, row, 5, x[i].child_sa);
		if (x[i].has_bytes) {
			fmt_bytes(buf, sizeof(buf), c->in_bytes);
			cell(&t, row, 6, "%s", buf);
			fmt_bytes(buf, sizeof(buf), c->out_bytes);
			cell(&t, row, 7, "%s", buf);
		}
		cell_uptime(&t, row, 8, x[i].add_time, now);
	}
	if (!t.oom) {
		table_print(f, &t, "Connections");
		rc = 0;
	}
	table_free(&t);
	free(x);
	return rc;
}

static int print_ike_sas(FILE *f, const struct lsw_snapshot *snap)
{
	static const char *const head[] = {"IKE SA", "CONNECTION", "PEER",  "IKE",
	                                   "STATE",  "ROLE",       "DETAIL"};
	struct table t;
	int rc = -1;

	table_init(&t, 7, head);
	for (size_t i = 0; i < snap->n_ike_sas; i++) {
		static const size_t col[4] = {0, 1, 2, 4};
		const struct lsw_sa *sa = &snap->ike_sas[i].sa;
		char **row = table_row(&t);
		const char *ver = version_word(sa->ike_version);

		cells_sa(&t, row, col, sa);
		if (ver != NULL)
			cell(&t, row, 3, "%s", ver);
		if (sa->role != LSW_ROLE_UNKNOWN)
			cell(&t, row, 5, "%s", lsw_role_name(sa->role));
		if (sa->state_name != NULL)
			cell(&t, row, 6, "%s", sa->state_name);
	}
	if (!t.oom) {
		table_print(f, &t, "IKE SAs");
		rc = 0;
	}
	table_free(&t);
	return rc;
}

static void cell_spi(struct table *t, char **row, size_t col, const struct lsw_child_sa *sa)
{
	const struct {
		const char *proto;
		const struct lsw_spi_pair *spi;
	} protos[] = {{"esp", &sa->esp}, {"ah", &sa->ah}, {"comp", &sa->ipcomp}};

	for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
		char in[16] = "?", out[16] = "?"; /* 0: a sanitized placeholder */

		if (!protos[i].spi->present)
			continue;
		if (protos[i].spi->in != 0)
			snprintf(in, sizeof(in), "%08x", (unsigned)protos[i].spi->in);
		if (protos[i].spi->out != 0)
			snprintf(out, sizeof(out), "%08x", (unsigned)protos[i].spi->out);
		cell(t, row, col, "%s %s/%s", protos[i].proto, in, out);
		return;
	}
}

/* The kernel's columns of sa: packets in and out, inbound errors (replay,
 * outside the window, integrity), whether the kernel has both SAs. */
static void cells_kernel(struct table *t, char **row, const struct lsw_xfrm_dump *k,
                         const struct lsw_child_sa *sa)
{
	struct lsw_xfrm_pair m;

	lsw_xfrm_match(k, sa, &m);
	if (!m.has_spi)
		return;
	if (m.in != NULL) {
		cell(t, row, 10, "%llu", (unsigned long long)m.in->packets);
		cell(t, row, 12, "%llu",
		     (unsigned long long)m.in->replay + m.in->replay_window +
		         m.in->integrity_failed);
	}
	if (m.out != NULL)
		cell(t, row, 11, "%llu", (unsigned long long)m.out->packets);
	cell(t, row, 13, "%s",
	     m.in && m.out     ? "present"
	     : !m.in && !m.out ? "missing"
	     : m.in            ? "no out"
	                       : "no in");
}

static int print_child_sas(FILE *f, const struct lsw_snapshot *snap, const struct lsw_xfrm_dump *k,
                           time_t now)
{
	static const char *const head[] = {
	    "CHILD SA", "IKE SA", "CONNECTION", "PEER",    "STATE",    "MODE",   "SPI IN/OUT",
	    "IN",       "OUT",    "UPTIME",     "PKTS IN", "PKTS OUT", "ERRORS", "KERNEL"};
	struct table t;
	int rc = -1;

	table_init(&t, k != NULL ? 14 : 10, head);
	t.right[7] = t.right[8] = t.right[9] = true;
	if (k != NULL)
		t.right[10] = t.right[11] = t.right[12] = true;
	for (size_t i = 0; i < snap->n_child_sas; i++) {
		static const size_t col[4] = {0, 2, 3, 4};
		const struct lsw_child_sa *sa = &snap->child_sas[i];
		char **row = table_row(&t);
		char buf[32];

		cells_sa(&t, row, col, &sa->sa);
		cell_serial(&t, row, 1, sa->ike_sa);
		if (sa->mode != LSW_MODE_UNKNOWN)
			cell(&t, row, 5, "%s", lsw_mode_name(sa->mode));
		cell_spi(&t, row, 6, sa);
		if (sa->has_bytes) {
			/* ~ marks the rounded ESPin=12KB of a status line. */
			fmt_bytes(buf, sizeof(buf), sa->in_bytes);
			cell(&t, row, 7, "%s%s", sa->bytes_exact ? "" : "~", buf);
			fmt_bytes(buf, sizeof(buf), sa->out_bytes);
			cell(&t, row, 8, "%s%s", sa->bytes_exact ? "" : "~", buf);
		}
		cell_uptime(&t, row, 9, sa->add_time, now);
		if (k != NULL)
			cells_kernel(&t, row, k, sa);
	}
	if (!t.oom) {
		table_print(f, &t, "Child SAs");
		rc = 0;
	}
	table_free(&t);
	return rc;
}

static void print_footer(FILE *f, const struct lsw_snapshot *snap)
{
	struct lswstat_counts c;
	size_t kept;

	lswstat_count(snap, &c);
	fprintf(f,
	        "%zu connection%s (%zu up, %zu connecting, %zu down), %zu IKE SA%s (%zu "
	        "established), %zu Child SA%s (%zu established)\n",
	        c.connections, c.connections == 1 ? "" : "s", c.conns_up, c.conns_connecting,
	        c.conns_down, c.ike_sas, c.ike_sas == 1 ? "" : "s", c.ike_established, c.child_sas,
	        c.child_sas == 1 ? "" : "s", c.child_established);
	if (snap->pluto_version != NULL) {
		char *v = sanitize(snap->pluto_version);

		if (v != NULL)
			fprintf(f, "pluto version %s\n", v);
		free(v);
	}
	if (c.unparsed == 0)
		return;
	kept = c.unparsed < LSW_UNPARSED_LINES_KEPT ? c.unparsed : LSW_UNPARSED_LINES_KEPT;
	fprintf(f, "%zu of %zu lines not understood (line%s", c.unparsed, c.lines,
	        c.unparsed == 1 ? "" : "s");
	for (size_t i = 0; i < kept; i++)
		fprintf(f, "%s %zu", i == 0 ? "" : ",", snap->unparsed_line[i]);
	fprintf(f, "%s)\n", c.unparsed > kept ? ", ..." : "");
}

int lswstat_print_table(FILE *f, const struct lsw_snapshot *snap, const struct lsw_xfrm_dump *k,
                        time_t now)
{
	/* Trafficstatus alone names SAs but prints no connection line. */
	if (snap->n_connections > 0 && print_connections(f, snap, now) < 0)
		return -1;
	if (snap->n_ike_sas > 0) {
		if (snap->n_connections > 0)
			fputc('\n', f);
		if (print_ike_sas(f, snap) < 0)
			return -1;
	}
	if (snap->n_child_sas > 0) {
		if (snap->n_connections + snap->n_ike_sas > 0)
			fputc('\n', f);
		if (print_child_sas(f, snap, k, now) < 0)
			return -1;
	}
	if (snap->n_connections + snap->n_ike_sas + snap->n_child_sas > 0)
		fputc('\n', f);
	print_footer(f, snap);
	return 0;
}
