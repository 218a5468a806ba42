/* other.c - the lines that are not about a connection or an SA: totals,
 * pluto_version, and the headers and lists that carry nothing kept. */
#include <string.h>

#include "internal.h"

/* "key(N)" lists of the totals lines. */
static void totals_field(const char *s, const char *key, long *out)
{
	const char *k = strstr(s, key);
	long v;

	if (!k)
		return;
	k += strlen(key);
	if (lsw_parse_long(&k, &v))
		*out = v;
}

static enum lsw_line_result line_totals(struct lsw_parser *p, const char *s)
{
	const char *r;
	struct lsw_totals *t = &p->totals;

	if ((r = lsw_skip_prefix(s, "# Total IPsec connections:")) ||
	    (r = lsw_skip_prefix(s, "Total IPsec connections:"))) {
		totals_field(r, "loaded ", &t->conns_loaded);
		totals_field(r, "routed ", &t->conns_routed);
		totals_field(r, "active ", &t->conns_active);
		return LSW_LINE_KNOWN;
	}
	if ((r = lsw_skip_prefix(s, "IKE SAs:"))) {
		totals_field(r, "total(", &t->ike_total);
		totals_field(r, "half-open(", &t->ike_half_open);
		totals_field(r, " open(", &t->ike_open);
		totals_field(r, "authenticated(", &t->ike_authenticated);
		totals_field(r, "anonymous(", &t->ike_anonymous);
		return LSW_LINE_KNOWN;
	}
	if ((r = lsw_skip_prefix(s, "IPsec SAs:"))) {
		totals_field(r, "total(", &t->ipsec_total);
		totals_field(r, "authenticated(", &t->ipsec_authenticated);
		totals_field(r, "anonymous(", &t->ipsec_anonymous);
		return LSW_LINE_KNOWN;
	}
	return LSW_LINE_UNKNOWN;
}

/* Lines pluto prints that carry nothing the snapshot keeps (headers,
 * interfaces, algorithms, config setup, whack's own errors). */
static const char *const known_prefixes[] = {
    "using kernel interface:",
    "interface ",
    "fips mode",
    "FIPS mode",
    "SElinux=",
    "seccomp=",
    "config setup options:",
    "debug",
    "nat-traversal",
    "virtual-private",
    "- allowed subnet",
    "- excluded subnet",
    "- disallowed subnet",
    "Kernel algorithms supported:",
    "IKE algorithms supported:",
    "ESP algorithms supported:",
    "algorithm ",
    "stats db_ops",
    "Connection list:",
    "State Information:",
    "Bare Shunt list:",
    "Shunt list:",
    "whack: Pluto is not running",
    "ipsec whack: ERROR: Pluto is not running",
    "no connection or alias named",
    "no such connection",
    "WARNING: ipsec auto has been deprecated",
};

/* config setup: "key=value, key=value" (keys change with every release). */
static bool config_line(const char *s)
{
	const char *p = s;

	if (!(*p >= 'a' && *p <= 'z'))
		return false;
	while ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_')
		p++;
	return *p == '=';
}

/* Bare shunt: "192.1.3.209/32 -0-> 192.1.2.23/32 => %pass 0    oe-failing". */
static bool shunt_line(const char *s)
{
	const char *a = strstr(s, " -");
	const char *b = strstr(s, "-> ");
	const char *c = strstr(s, " => ");

	return a && b && c && a < b && b < c;
}

enum lsw_line_result lsw_line_other(struct lsw_parser *p, const char *s)
{
	const char *r;

	if (s[0] == 'a' && lsw_skip_prefix(s, "algorithm "))
		return LSW_LINE_KNOWN; /* the most frequent header line */
	if (line_totals(p, s) == LSW_LINE_KNOWN)
		return LSW_LINE_KNOWN;
	if ((r = lsw_skip_prefix(s, "pluto_version="))) {
		size_t n = strcspn(r, ", \t");

		if (n && !p->pluto_version)
			p->pluto_version = lsw_strdup(p, r, n);
		return LSW_LINE_KNOWN;
	}
	for (size_t i = 0; i < sizeof(known_prefixes) / sizeof(known_prefixes[0]); i++)
		if (s[0] == known_prefixes[i][0] && lsw_skip_prefix(s, known_prefixes[i]))
			return LSW_LINE_KNOWN;
	if (config_line(s) || shunt_line(s))
		return LSW_LINE_KNOWN;
	/* briefconnectionstatus (5.x): "A <==> B\tfrom A to B (1KiB/2KiB)\t"name"[1], reqid=N" */
	if (strstr(s, " <==> ") && strchr(s, '\t'))
		return LSW_LINE_KNOWN;
	return LSW_LINE_UNKNOWN;
}
