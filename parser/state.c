/* state.c - state lines of every release:
 *   3.x   #2: "c":500 STATE_V2_IPSEC_I (IPsec SA established); EVENT_SA_REKEY in 27s; newest IPSEC;
 * eroute owner; isakmp#1; idle; 4.x   #2: "c":500 STATE_V2_ESTABLISHED_CHILD_SA (established Child
 * SA); EXPIRE in 12s; newest; eroute owner; IKE SA #1; idle; 5.4   #2: "c":500 established Child
 * SA; EXPIRE in 12s; newest; eroute owner; IKE SA #1; idle;
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "states.h"

struct key {
	const char *s;
	size_t n;
};

static int cmp_token(const void *k, const void *e)
{
	const struct key *key = k;
	const struct lsw_state_info *info = e;
	int c = strncmp(key->s, info->token, key->n);

	return c ? c : (info->token[key->n] ? -1 : 0);
}

static int cmp_story(const void *k, const void *e)
{
	const struct key *key = k;
	const struct lsw_state_info *info = e;
	int c = strncmp(key->s, info->story, key->n);

	return c ? c : (info->story[key->n] ? -1 : 0);
}

const struct lsw_state_info *lsw_state_by_token(const char *s, size_t n)
{
	struct key k = {s, n};

	return bsearch(&k, lsw_state_tokens, lsw_state_tokens_n, sizeof(lsw_state_tokens[0]),
	               cmp_token);
}

const struct lsw_state_info *lsw_state_by_story(const char *s, size_t n)
{
	struct key k = {s, n};

	return bsearch(&k, lsw_state_stories, lsw_state_stories_n, sizeof(lsw_state_stories[0]),
	               cmp_story);
}

/* lsw_state_by_token/story through the parser's memo of recent hits. */
static const struct lsw_state_info *state_lookup(struct lsw_state_memo *m, bool story,
                                                 const char *s, size_t n)
{
	const struct lsw_state_info *info;

	for (size_t i = 0; i < 4; i++) {
		info = m->info[i];
		/* len is the whole length of the remembered name: equal bytes, equal name */
		if (info && m->len[i] == n && lsw_eq_words(story ? info->story : info->token, s, n))
			return info;
	}
	info = story ? lsw_state_by_story(s, n) : lsw_state_by_token(s, n);
	if (info) {
		m->info[m->next] = info;
		m->len[m->next] = n;
		m->next = (m->next + 1) % 4;
	}
	return info;
}

/* Event names as printed; the snapshot points at these instead of copying. */
static const char *const event_names[] = {
    "REPLACE",
    "REKEY",
    "EXPIRE",
    "RETRANSMIT",
    "LIVENESS",
    "DISCARD",
    "REPLACE_IF_USED",
    "NAT_KEEPALIVE",
    "DPD",
    "DPD_TIMEOUT",
    "CRYPTO_TIMEOUT",
    "SEND_XAUTH",
    "PAM_TIMEOUT",
    "REAUTH",
    "ADDR_CHANGE",
    "RETAIN",
    "TIMEOUT_INITIATOR",
    "TIMEOUT_RESPONDER",
    "TIMEOUT_RESPONSE",
    "EVENT_SA_REPLACE",
    "EVENT_SA_REKEY",
    "EVENT_SA_EXPIRE",
    "EVENT_RETRANSMIT",
    "EVENT_v1_RETRANSMIT",
    "EVENT_v2_RETRANSMIT",
    "EVENT_SA_REPLACE_IF_USED",
    "EVENT_v1_SA_REPLACE_IF_USED",
    "EVENT_DPD",
    "EVENT_DPD_TIMEOUT",
    "EVENT_v2_LIVENESS",
    "EVENT_SO_DISCARD",
    "EVENT_v2_RESPONDER_TIMEOUT",
    "EVENT_CRYPTO_TIMEOUT",
    "EVENT_v1_SEND_XAUTH",
    "EVENT_PAM_TIMEOUT",
    "EVENT_v2_RELEASE_WHACK",
    "EVENT_v2_INITIATE_CHILD",
    "EVENT_v2_ADDR_CHANGE",
    "EVENT_RETAIN",
    "EVENT_v2_REDIRECT",
};

static const char *event_name(struct lsw_parser *p, const char *s, size_t n)
{
	for (size_t i = 0; i < sizeof(event_names) / sizeof(event_names[0]); i++)
		/* the compare stops at the name's NUL, which no byte of s equals */
		if (lsw_mem_eq(event_names[i], s, n) && event_names[i][n] == '\0')
			return event_names[i];
	return lsw_strdup(p, s, n);
}

/* What a state line says, before it is stored in an IKE or a Child SA. */
struct state_fields {
	const char *peer;
	size_t peer_len;
	long port;
	bool tcp;
	const char *name; /* printed state name, or NULL (5.4) */
	size_t name_len;
	const char *story;
	size_t story_len;
	const struct lsw_state_info *info;
	uint32_t parent;
	bool newest, eroute_owner;
	long lastdpd;
	size_t n_events;
	struct lsw_event *events; /* ev_local, or the heap beyond its size */
	struct lsw_event ev_local[8];
};

/* Byte classes: 1 = A-Z 0-9 _ (state names), 2 = a-z (with 1: event words). */
#define U 1
#define L 2
static const unsigned char cls[256] = {
    ['0'] = U, ['1'] = U, ['2'] = U, ['3'] = U, ['4'] = U, ['5'] = U, ['6'] = U, ['7'] = U,
    ['8'] = U, ['9'] = U, ['_'] = U, ['A'] = U, ['B'] = U, ['C'] = U, ['D'] = U, ['E'] = U,
    ['F'] = U, ['G'] = U, ['H'] = U, ['I'] = U, ['J'] = U, ['K'] = U, ['L'] = U, ['M'] = U,
    ['N'] = U, ['O'] = U, ['P'] = U, ['Q'] = U, ['R'] = U, ['S'] = U, ['T'] = U, ['U'] = U,
    ['V'] = U, ['W'] = U, ['X'] = U, ['Y'] = U, ['Z'] = U, ['a'] = L, ['b'] = L, ['c'] = L,
    ['d'] = L, ['e'] = L, ['f'] = L, ['g'] = L, ['h'] = L, ['i'] = L, ['j'] = L, ['k'] = L,
    ['l'] = L, ['m'] = L, ['n'] = L, ['o'] = L, ['p'] = L, ['q'] = L, ['r'] = L, ['s'] = L,
    ['t'] = L, ['u'] = L, ['v'] = L, ['w'] = L, ['x'] = L, ['y'] = L, ['z'] = L,
};
#undef U
#undef L

static bool is_upper_token(const char *s, size_t n)
{
	if (n == 0 || !(s[0] >= 'A' && s[0] <= 'Z'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (cls[(unsigned char)s[i]] != 1)
			return false;
	return true;
}

/* ":500 ", ":4500(tcp) ", ":EPHEM ": the peer's IKE port. */
static const char *parse_port(const char *s, struct state_fields *f)
{
	const char *e = strchr(s, ' ');

	if (!e)
		return NULL;
	const char *q = s;
	long v;

	if (lsw_parse_long(&q, &v) && v >= 0 && v <= 65535)
		f->port = v;
	else
		/* sanitized (EPHEM, PORT, XX): the rest of the line is still good */
		q = s + strcspn(s, "( ");
	if (lsw_skip_prefix(q, "(tcp)")) {
		f->tcp = true;
		q += 5;
	}
	return q == e ? e + 1 : NULL;
}

/* One "; "-separated item after the state. */
static int state_item(struct lsw_parser *p, struct state_fields *f, const char *s, size_t n,
                      size_t *cap)
{
	/* "WORD in N": the word runs to the first blank, so only that blank can
	 * start the " in " (one after it would follow a non-word byte) */
	size_t nl = 0;

	while (nl < n && cls[(unsigned char)s[nl]])
		nl++;
	if (nl > 0 && nl + 4 <= n && memcmp(s + nl, " in ", 4) == 0) {
		const char *in = s + nl;

		if (nl == 4 && memcmp(s, "none", 4) == 0)
			return 0; /* <= 4.4: "none in -1s" when no event */
		const char *v = in + 4;
		long sec = LSW_ABSENT;

		while (*v == ' ')
			v++;
		if (!lsw_parse_long(&v, &sec))
			sec = LSW_ABSENT; /* "XXs" */
		if (*cap == 0) {
			/* a line has a few events: no malloc per line */
			f->events = f->ev_local;
			*cap = sizeof(f->ev_local) / sizeof(f->ev_local[0]);
		}
		if (f->n_events == *cap) {
			size_t ncap = *cap * 2;
			bool local = f->events == f->ev_local;
			struct lsw_event *e = realloc(local ? NULL : f->events, ncap * sizeof(*e));

			if (!e)
				return -1;
			if (local)
				memcpy(e, f->ev_local, sizeof(f->ev_local));
			f->events = e;
			*cap = ncap;
		}
		f->events[f->n_events].name = event_name(p, s, nl);
		f->events[f->n_events].seconds = sec;
		f->n_events++;
		return 0;
	}
	const char *q;

	if ((n == 6 && memcmp(s, "newest", 6) == 0) || (n > 7 && memcmp(s, "newest ", 7) == 0))
		f->newest = true;
	else if (n == 12 && memcmp(s, "eroute owner", 12) == 0)
		f->eroute_owner = true;
	else if ((q = lsw_skip_prefix(s, "isakmp#")) || (q = lsw_skip_prefix(s, "IKE SA #")) ||
	         (q = lsw_skip_prefix(s, "ISAKMP SA #")))
		lsw_parse_u32(&q, &f->parent);
	else if ((q = lsw_skip_prefix(s, "lastdpd=")))
		lsw_parse_long(&q, &f->lastdpd);
	/* idle, crypto_calculating, nodpd, lastlive=, import: ... carry nothing kept */
	return 0;
}

/* Split the tail "STATE (story); EV in Ns; newest; ...". */
static int parse_state_text(struct lsw_parser *p, const char *s, struct state_fields *f)
{
	const char *sp = strchr(s, ' ');
	const char *semi = strchr(s, ';');
	const char *items;

	if (sp && (!semi || sp < semi) && sp[1] == '(' && is_upper_token(s, (size_t)(sp - s))) {
		/* <= 5.3: NAME (story); the story may hold parentheses: "sent IKE_AUTH(EAP)
		 * response" */
		const char *close = LSW_FIND(sp, p->line_end, ");");

		if (!close) {
			close = s + strlen(s);
			if (close > sp + 2 && close[-1] == ')')
				close--;
		}
		f->name = s;
		f->name_len = (size_t)(sp - s);
		f->story = sp + 2;
		f->story_len = close > f->story ? (size_t)(close - f->story) : 0;
		f->info = state_lookup(&p->token_memo, false, f->name, f->name_len);
		items = *close ? close + 1 : close;
	} else {
		/* 5.4: the story alone */
		const char *e = semi ? semi : s + strlen(s);

		f->story = s;
		f->story_len = (size_t)(e - s);
		f->info = state_lookup(&p->story_memo, true, f->story, f->story_len);
		items = e;
	}
	if (f->story_len == 0 && !f->name)
		return -1;
	size_t cap = 0;

	while (*items) {
		while (*items == ';' || *items == ' ')
			items++;
		const char *e = strchr(items, ';');

		if (!e)
			e = items + strlen(items);
		if (e > items && state_item(p, f, items, (size_t)(e - items), &cap) < 0)
			return -1;
		items = e;
	}
	return 0;
}

static bool contains(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle);

	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(s + i, needle, k) == 0)
			return true;
	return false;
}

/* Role from a name not in the table: last "_"-part I, R, I1, R2, IR. */
static enum lsw_role role_of(const char *s, size_t n)
{
	size_t i = n;

	while (i > 0 && s[i - 1] != '_')
		i--;
	const char *last = s + i;
	size_t ln = n - i;

	if (ln == 0 || i == 0)
		return LSW_ROLE_UNKNOWN;
	if (ln == 2 && last[0] == 'I' && last[1] == 'R')
		return LSW_ROLE_INITIATOR;
	for (size_t j = 1; j < ln; j++)
		if (last[j] < '0' || last[j] > '9')
			return LSW_ROLE_UNKNOWN;
	return last[0] == 'I'   ? LSW_ROLE_INITIATOR
	       : last[0] == 'R' ? LSW_ROLE_RESPONDER
	                        : LSW_ROLE_UNKNOWN;
}

enum lsw_line_result lsw_line_state(struct lsw_parser *p, uint32_t serial,
                                    const struct lsw_conn_ref *ref, const char *rest)
{
	struct state_fields f = {.port = LSW_ABSENT, .lastdpd = LSW_ABSENT};
	enum lsw_line_result res = LSW_LINE_UNKNOWN;
	const char *s = rest;

	if (*s == ' ') {
		/* instance peer, maybe the OE form with one blank after "===" */
		const char *b = strchr(s + 1, ' ');

		if (b && b - s >= 4 && memcmp(b - 3, "===", 3) == 0 && b[1] == '.')
			b = strchr(b + 1, ' ');
		if (!b)
			goto out;
		/* the port is the last ":..." of the suffix: "2001:db8::23:500" */
		const char *colon = NULL;

		for (const char *q = b; q > s; q--)
			if (*q == ':') {
				colon = q;
				break;
			}
		if (!colon)
			goto out;
		f.peer = lsw_peer_address(s + 1, (size_t)(colon - s - 1), &f.peer_len);
		s = colon;
	}
	if (*s != ':')
		goto out;
	s = parse_port(s + 1, &f);
	if (!s || parse_state_text(p, s, &f) < 0)
		goto out;

	const struct lsw_state_info *info = f.info;
	bool child;
	enum lsw_sa_state st;
	enum lsw_ike_version ikev = LSW_IKE_UNKNOWN;
	enum lsw_role role = LSW_ROLE_UNKNOWN;
	const char *nm = f.name ? f.name : f.story;
	size_t nl = f.name ? f.name_len : f.story_len;

	if (info) {
		child = info->child;
		st = info->norm == LSW_NORM_ESTABLISHED ? LSW_SA_ESTABLISHED
		     : info->norm == LSW_NORM_OTHER     ? LSW_SA_OTHER
		                                        : LSW_SA_NEGOTIATING;
		ikev = info->ike == 1 ? LSW_IKEV1 : LSW_IKEV2;
		role = (enum lsw_role)info->role;
	} else {
		/* a release this table does not know: guess from the words */
		child = f.parent || contains(nm, nl, "CHILD") || contains(nm, nl, "IPSEC") ||
		        contains(nm, nl, "QUICK") || contains(f.story, f.story_len, "Child SA") ||
		        contains(f.story, f.story_len, "IPsec SA");
		if (contains(nm, nl, "DEL") || contains(nm, nl, "ZOMBIE") ||
		    contains(f.story, f.story_len, "deleted"))
			st = LSW_SA_OTHER;
		else if (contains(nm, nl, "ESTABLISHED") ||
		         contains(f.story, f.story_len, "established"))
			st = LSW_SA_ESTABLISHED;
		else
			st = LSW_SA_NEGOTIATING;
		if (contains(nm, nl, "MAIN_") || contains(nm, nl, "AGGR_") ||
		    contains(nm, nl, "QUICK_") || contains(nm, nl, "XAUTH_") ||
		    contains(nm, nl, "MODE_CFG") || contains(f.story, f.story_len, "ISAKMP"))
			ikev = LSW_IKEV1;
		else if (f.name)
			ikev = LSW_IKEV2;
		if (f.name)
			role = role_of(f.name, f.name_len);
	}
	/* names and stories from the table are shared, not copied */
	const char *state_name, *story = NULL;

	if (f.name)
		state_name = info ? info->token : lsw_strdup(p, f.name, f.name_len);
	else
		state_name = info ? info->story : lsw_strdup(p, f.story, f.story_len);
	if (f.story_len)
		story = info && strlen(info->story) == f.story_len &&
		                memcmp(info->story, f.story, f.story_len) == 0
		            ? info->story
		            : lsw_strdup(p, f.story, f.story_len);
	const char *peer = f.peer_len ? lsw_strdup(p, f.peer, f.peer_len) : NULL;
	struct lsw_event *ev = NULL;

	if (f.n_events) {
		ev = lsw_arena_alloc(&p->arena, f.n_events * sizeof(*ev));
		if (!ev) {
			p->oom = true;
			goto out;
		}
		memcpy(ev, f.events, f.n_events * sizeof(*ev));
	}
	if (p->oom)
		goto out;
	struct lsw_sa *sa = lsw_get_sa(p, serial, ref, child);

	if (!sa) {
		/* the serial is the other kind of SA already: a state line of its
		 * own is still a state line */
		res = p->oom ? LSW_LINE_UNKNOWN : LSW_LINE_KNOWN;
		goto out;
	}
	if (child) {
		struct lsw_child_sa *c = lsw_child_of(sa);

		c->ike_sa = f.parent ? f.parent : c->ike_sa;
		c->eroute_owner = f.eroute_owner;
	} else {
		lsw_ike_of(sa)->lastdpd = f.lastdpd;
	}
	sa->state_name = state_name;
	sa->story = story;
	sa->state = st;
	sa->ike_version = ikev;
	sa->role = role;
	sa->n_events = f.n_events;
	sa->events = ev;
	sa->newest = f.newest;
	sa->from_status = true;
	if (peer) {
		sa->peer = peer;
		lsw_parse_stored_addr(p, peer, f.peer_len, &sa->peer_addr);
	}
	sa->peer_port = f.port;
	sa->tcp = f.tcp;
	res = LSW_LINE_KNOWN;
out:
	if (f.events != f.ev_local)
		free(f.events);
	return res;
}
