/* traffic.c - the SPI/Traffic line of --status and the --trafficstatus line:
 *   #2: "c" esp.5b1c2d3e@192.1.2.23 esp.a1b2c3d4@192.1.2.45 tun.0@192.1.2.23 tun.0@192.1.2.45
 * Traffic: ESPin=84B ESPout=84B ESPmax=2^63B #2: "c"[1] 10.0.10.1/32=== ...192.1.2.23, type=ESP,
 * add_time=1234567890, inBytes=84, outBytes=84, maxBytes=2^63B, id='C=CA, O=x', lease=10.0.10.1/32
 */
#include <string.h>
#include <sys/socket.h>

#include "internal.h"

/* "84B", "12KB", "5120MB": readable_humber(), rounded down. */
static bool parse_humber(const char *s, uint64_t *out)
{
	uint64_t v;

	if (!lsw_parse_u64(&s, &v))
		return false;
	uint64_t mul = 1;

	if (s[0] == 'K' && s[1] == 'B')
		mul = 1024;
	else if (s[0] == 'M' && s[1] == 'B')
		mul = 1024 * 1024;
	else if (s[0] == 'G' && s[1] == 'B')
		mul = 1024 * 1024 * 1024;
	else if (s[0] != 'B')
		return false;
	if (v > UINT64_MAX / mul)
		return false;
	*out = v * mul;
	return true;
}

static uint32_t parse_spi(const char *s, size_t n)
{
	uint32_t v = 0;

	if (n == 0 || n > 8)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return 0; /* sanitized: ESPSPIi */
		v = v << 4 | d;
	}
	return v;
}

/* One SAID "esp.5b1c2d3e@192.1.2.23" (IPv6: "esp:..."); false when the token is none. */
static bool said(struct lsw_child_sa *c, const char *t, size_t n, bool *tunnel)
{
	static const struct {
		const char *proto;
		size_t off;
	} protos[] = {
	    {"esp", offsetof(struct lsw_child_sa, esp)},
	    {"ah", offsetof(struct lsw_child_sa, ah)},
	    {"comp", offsetof(struct lsw_child_sa, ipcomp)},
	};
	const char *at = memchr(t, '@', n);

	if (!at)
		return false;
	if (at - t > 4 && memcmp(t, "tun", 3) == 0 && (t[3] == '.' || t[3] == ':')) {
		*tunnel = true;
		return true;
	}
	for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
		size_t pl = strlen(protos[i].proto);

		if ((size_t)(at - t) > pl + 1 && memcmp(t, protos[i].proto, pl) == 0 &&
		    (t[pl] == '.' || t[pl] == ':')) {
			struct lsw_spi_pair *sp =
			    (struct lsw_spi_pair *)((char *)c + protos[i].off);
			uint32_t v = parse_spi(t + pl + 1, (size_t)(at - t - pl - 1));

			/* pairs are OUTBOUND@peer INBOUND@local */
			if (!sp->present) {
				sp->present = true;
				sp->out = v;
			} else {
				sp->in = v;
			}
			return true;
		}
	}
	return false;
}

enum lsw_line_result lsw_line_spi(struct lsw_parser *p, uint32_t serial,
                                  const struct lsw_conn_ref *ref, const char *rest)
{
	struct lsw_child_sa
	    spis; /* only its SPI pairs: the record is made once the line is known good */

	memset(&spis, 0, sizeof(spis));
	const char *traffic = lsw_find_traffic(rest, p->line_end);
	const char *end = traffic ? traffic : p->line_end;
	const char *t = rest;
	bool tunnel = false, any = false, seen_said = false;
	const char *peer = NULL;
	size_t peer_len = 0;

	while (t < end) {
		while (t < end && *t == ' ')
			t++;
		const char *e = t < end ? memchr(t, ' ', (size_t)(end - t)) : NULL;

		if (!e)
			e = end;
		if (e == t)
			break;
		size_t n = (size_t)(e - t);

		if (said(&spis, t, n, &tunnel)) {
			any = seen_said = true;
		} else if (!seen_said && !peer && t > rest && t[-1] == ' ' && t == rest + 1 &&
		           n > 0 && !(n == 4 && memcmp(t, "used", 4) == 0)) {
			/* instance peer right after the name; OE form "X=== ...Y" continues */
			peer = t;
			if (n >= 3 && memcmp(e - 3, "===", 3) == 0 && e + 1 < end && e[1] == '.') {
				e++;
				while (e < end && *e != ' ')
					e++;
			}
			peer_len = (size_t)(e - t);
		}
		/* "used 3s ago;", "ref=0 refhim=0" carry nothing kept */
		t = e;
	}
	if (!any && !traffic)
		return LSW_LINE_UNKNOWN;
	struct lsw_child_sa *c = lsw_child_of(lsw_get_sa(p, serial, ref, true));

	if (!c)
		return p->oom ? LSW_LINE_UNKNOWN : LSW_LINE_KNOWN;
	/* a repeated line replaces the pairs, never adds to them */
	c->esp = spis.esp;
	c->ah = spis.ah;
	c->ipcomp = spis.ipcomp;
	if (peer && !c->sa.peer) {
		size_t n;
		const char *a = lsw_peer_address(peer, peer_len, &n);

		c->sa.peer = lsw_strdup(p, a, n);
		if (c->sa.peer)
			lsw_parse_stored_addr(p, c->sa.peer, n, &c->sa.peer_addr);
		else
			lsw_parse_addr(a, n, &c->sa.peer_addr);
	}
	if (any)
		c->mode = tunnel ? LSW_MODE_TUNNEL : LSW_MODE_TRANSPORT;
	if (traffic) {
		/* ESP counters, else AH, else IPCOMP: the bundle's first SA, repeated */
		static const char *const ins[] = {"ESPin=", "AHin=", "IPCOMPin="};
		static const char *const outs[] = {"ESPout=", "AHout=", "IPCOMPout="};
		static const size_t in_len[] = {6, 5, 9}, out_len[] = {7, 6, 10};
		const char *u, *lend = p->line_end;

		for (size_t i = 0; i < 3; i++) {
			const char *a = lsw_find(traffic, lend, ins[i], in_len[i]);
			const char *b = lsw_find(traffic, lend, outs[i], out_len[i]);
			uint64_t in = 0, out = 0;
			bool hin = a && parse_humber(a + in_len[i], &in);
			bool hout = b && parse_humber(b + out_len[i], &out);

			if (!a && !b)
				continue;
			/* a value printed but unreadable ("<NNN>B") makes the pair unknown */
			if ((a && !hin) || (b && !hout))
				break;
			if (!c->bytes_exact) {
				c->has_bytes = true;
				c->in_bytes = in;
				c->out_bytes = out;
			}
			break;
		}
		if ((u = LSW_FIND(traffic, lend, " username=")) && !c->username) {
			u += 10;
			c->username = lsw_strdup(p, u, (size_t)(lend - u));
		}
	}
	c->sa.from_status = true;
	return p->oom ? LSW_LINE_UNKNOWN : LSW_LINE_KNOWN;
}

/* The last n bytes lit in s..end, or NULL. */
static const char *find_last(const char *s, const char *end, const char *lit, size_t n)
{
	if (end - s < (ptrdiff_t)n)
		return NULL;
	for (const char *q = end - n;; q--) {
		if (*q == lit[0] && memcmp(q, lit, n) == 0)
			return q;
		if (q == s)
			return NULL;
	}
}

enum lsw_line_result lsw_line_traffic(struct lsw_parser *p, uint32_t serial,
                                      const struct lsw_conn_ref *ref, const char *rest)
{
	/* The connection suffix ends at the first ", " (OE clients may hold a blank). */
	const char *end = p->line_end;
	const char *kv = lsw_find_sep(rest, end);

	if (!kv)
		return LSW_LINE_UNKNOWN;
	struct lsw_child_sa *c = lsw_child_of(lsw_get_sa(p, serial, ref, true));

	if (!c)
		return p->oom ? LSW_LINE_UNKNOWN : LSW_LINE_KNOWN;
	const char *v;
	size_t n;
	uint64_t u;

	if (*rest == ' ' && kv > rest + 1) {
		const char *a = lsw_peer_address(rest + 1, (size_t)(kv - rest - 1), &n);

		c->sa.peer = lsw_strdup(p, a, n);
		if (c->sa.peer)
			lsw_parse_stored_addr(p, c->sa.peer, n, &c->sa.peer_addr);
		else
			lsw_parse_addr(a, n, &c->sa.peer_addr);
	}
	/* pluto prints (jam_state_traffic() 3.x/4.x, jam_child_sa_traffic() 5.x)
	 *   , username=U, type=T, add_time=N[, inBytes=N][, outBytes=N[, maxBytes=M]][, lease=L]
	 * or, without a username,
	 *   , type=T, add_time=N[, inBytes=N][, outBytes=N[, maxBytes=M]], id='ID'[, lease=L]
	 * U and ID come from the peer and pluto escapes neither ", " nor "'" in
	 * them: they are found from pluto's own text around them, never by
	 * what they hold. A username runs to the last ", type=" of the line
	 * (nothing pluto prints after it holds one); without a username,
	 * pluto's fields are read from the left up to ", id='", and the ID
	 * runs to the last quote of the line (a lease holds none). */
	bool hin = false, hout = false, user = false;
	uint64_t in = 0, out = 0;
	const char *seg = kv;

	if ((v = lsw_skip_prefix(kv + 2, "username="))) {
		const char *t = find_last(v, end, ", type=", 7);

		c->username = lsw_strdup(p, v, (size_t)((t ? t : end) - v));
		seg = t;
		user = true;
	}
	while (seg && *seg) {
		const char *k = seg + 2, *next;

		if (!user && (v = lsw_skip_prefix(k, "id='"))) {
			const char *q = memrchr(v, '\'', (size_t)(end - v));

			if (!q)
				break; /* cut before the closing quote: the ID is not known */
			c->remote_id = lsw_strdup(p, v, (size_t)(q - v));
			seg = lsw_find_sep(q, end);
			continue;
		}
		next = lsw_find_sep(k, end);
		n = (size_t)((next ? next : end) - k);
		if ((v = lsw_skip_prefix(k, "type="))) {
			c->type = lsw_strdup(p, v, n - 5);
		} else if ((v = lsw_skip_prefix(k, "add_time="))) {
			if (lsw_parse_u64(&v, &u) && u <= (uint64_t)INT64_MAX)
				c->add_time = (long long)u;
		} else if ((v = lsw_skip_prefix(k, "inBytes="))) {
			hin = lsw_parse_u64(&v, &in);
		} else if ((v = lsw_skip_prefix(k, "outBytes="))) {
			hout = lsw_parse_u64(&v, &out);
		} else if ((v = lsw_skip_prefix(k, "lease="))) {
			c->lease = lsw_strdup(p, v, n - 6);
		}
		/* maxBytes= and keys of later releases carry nothing kept */
		seg = next;
	}
	if (hin || hout) {
		/* exact counts: they win over the rounded ESPin= of a status line */
		c->has_bytes = c->bytes_exact = true;
		c->in_bytes = in;
		c->out_bytes = out;
	}
	c->from_traffic = true;
	return p->oom ? LSW_LINE_UNKNOWN : LSW_LINE_KNOWN;
}
