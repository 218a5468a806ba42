/* events.c - the lsEventTable ring (see events.h). */
#include "events.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

struct lsw_events {
	size_t cap;
	size_t count;
	size_t start;        /* slot of the oldest row */
	uint32_t last_index; /* of the newest row, 0 = none yet */
	struct lsw_event_rec *slots;
};

/* Values of SNMP strings are capped; a remote ID may be a long DN. */
#define LSW_EVENT_STR_MAX 255

struct lsw_events *lsw_events_new(size_t cap)
{
	struct lsw_events *ev;

	if (cap == 0)
		cap = 1;
	ev = calloc(1, sizeof(*ev));
	if (!ev)
		return NULL;
	ev->slots = calloc(cap, sizeof(*ev->slots));
	if (!ev->slots) {
		free(ev);
		return NULL;
	}
	ev->cap = cap;
	return ev;
}

static struct lsw_event_rec *slot(const struct lsw_events *ev, size_t i)
{
	return &ev->slots[(ev->start + i) % ev->cap];
}

void lsw_events_free(struct lsw_events *ev)
{
	size_t i;

	if (!ev)
		return;
	for (i = 0; i < ev->count; i++)
		free(slot(ev, i)->strings);
	free(ev->slots);
	free(ev);
}

int lsw_events_resize(struct lsw_events *ev, size_t cap)
{
	struct lsw_event_rec *v;
	size_t i, keep, drop;

	if (cap == 0)
		cap = 1;
	if (cap == ev->cap)
		return 0;
	v = calloc(cap, sizeof(*v));
	if (!v)
		return -1;
	keep = ev->count < cap ? ev->count : cap;
	drop = ev->count - keep;
	for (i = 0; i < drop; i++)
		free(slot(ev, i)->strings);
	for (i = 0; i < keep; i++)
		v[i] = *slot(ev, drop + i);
	free(ev->slots);
	ev->slots = v;
	ev->cap = cap;
	ev->count = keep;
	ev->start = 0;
	return 0;
}

/* At most LSW_EVENT_STR_MAX octets, never inside a UTF-8 character: also
 * drops a character that an earlier cut (the notifier's snprintf() of
 * lsEventText) left incomplete. */
static size_t capped_len(const char *s)
{
	return s ? lsw_utf8_cut(s, strnlen(s, LSW_EVENT_STR_MAX + 1), LSW_EVENT_STR_MAX) : 0;
}

/* Copy s into *p (advancing it) and return where it went. */
static const char *put(char **p, const char *s)
{
	char *dst = *p;
	size_t n = capped_len(s);

	if (n)
		memcpy(dst, s, n);
	dst[n] = '\0';
	*p += n + 1;
	return dst;
}

struct lsw_event_rec *lsw_events_add(struct lsw_events *ev, const struct lsw_event_rec *rec)
{
	struct lsw_event_rec *r;
	char *block, *p;
	size_t need;

	need = capped_len(rec->connection) + capped_len(rec->instance) +
	       capped_len(rec->old_state_name) + capped_len(rec->new_state_name) +
	       capped_len(rec->remote_id) + capped_len(rec->conn_remote_id) +
	       capped_len(rec->text) + 7;
	block = malloc(need);
	if (!block)
		return NULL;
	if (ev->count == ev->cap) {
		free(slot(ev, 0)->strings);
		ev->start = (ev->start + 1) % ev->cap;
		ev->count--;
	}
	r = slot(ev, ev->count);
	*r = *rec;
	p = block;
	r->strings = block;
	r->connection = put(&p, rec->connection);
	r->instance = put(&p, rec->instance);
	r->old_state_name = put(&p, rec->old_state_name);
	r->new_state_name = put(&p, rec->new_state_name);
	r->remote_id = put(&p, rec->remote_id);
	r->conn_remote_id = put(&p, rec->conn_remote_id);
	r->text = put(&p, rec->text);
	r->index = ++ev->last_index;
	ev->count++;
	return r;
}

const struct lsw_event_rec *lsw_events_get(const struct lsw_events *ev, uint32_t index)
{
	uint32_t first;

	if (!ev->count || index == 0 || index > ev->last_index)
		return NULL;
	first = ev->last_index - (uint32_t)ev->count + 1;
	if (index < first)
		return NULL;
	return slot(ev, index - first);
}

const struct lsw_event_rec *lsw_events_next(const struct lsw_events *ev, uint32_t after)
{
	uint32_t first;

	if (!ev->count || after >= ev->last_index)
		return NULL;
	first = ev->last_index - (uint32_t)ev->count + 1;
	return lsw_events_get(ev, after < first ? first : after + 1);
}

uint32_t lsw_events_last_index(const struct lsw_events *ev)
{
	return ev->last_index;
}

size_t lsw_events_count(const struct lsw_events *ev)
{
	return ev->count;
}

static enum lsw_event_sa_type sa_type_of(enum lsw_diff_type t, bool ike)
{
	switch (t) {
	case LSW_EV_IKE_SA_ESTABLISHED:
	case LSW_EV_IKE_SA_DELETED:
	case LSW_EV_IKE_SA_REKEYED:
		return LSW_EVENT_SA_IKE;
	case LSW_EV_IPSEC_SA_ESTABLISHED:
	case LSW_EV_IPSEC_SA_DELETED:
	case LSW_EV_IPSEC_SA_REKEYED:
		return LSW_EVENT_SA_IPSEC;
	case LSW_EV_SA_STATE_CHANGED:
		return ike ? LSW_EVENT_SA_IKE : LSW_EVENT_SA_IPSEC;
	default:
		return LSW_EVENT_SA_NONE;
	}
}

void lsw_events_from_diff(struct lsw_event_rec *rec, const struct lsw_diff_event *d, time_t now)
{
	memset(rec, 0, sizeof(*rec));
	rec->when = now;
	rec->type = d->type;
	rec->connection = d->connection;
	rec->instance = d->instance;
	rec->sa_type = sa_type_of(d->type, d->ike);
	if (rec->sa_type != LSW_EVENT_SA_NONE) {
		rec->serial = d->serial;
		rec->parent = d->parent;
		rec->replaced = d->replaced;
		rec->old_state = (int)d->old_state;
		rec->new_state = (int)d->new_state;
		rec->old_state_name = d->old_state_name;
		rec->new_state_name = d->new_state_name;
	}
	rec->old_oper = (int)d->old_oper;
	rec->new_oper = (int)d->new_oper;
	rec->peer_addr = d->peer_addr;
	rec->remote_id = d->remote_id;
	rec->conn_remote_id = d->conn ? d->conn->remote_id : NULL;
	rec->text = NULL; /* the notifier writes a description */
}

void lsw_events_describe(char *buf, size_t len, const struct lsw_diff_event *d)
{
	const char *what = lsw_diff_type_name(d->type);

	switch (d->type) {
	case LSW_EV_CONN_UP:
	case LSW_EV_CONN_DOWN:
	case LSW_EV_CONN_CONNECTING:
		snprintf(buf, len, "%s \"%s\"%s: %s -> %s", what, d->connection, d->instance,
		         lsw_conn_oper_name(d->old_oper), lsw_conn_oper_name(d->new_oper));
		break;
	case LSW_EV_IKE_SA_REKEYED:
	case LSW_EV_IPSEC_SA_REKEYED:
		snprintf(buf, len, "%s \"%s\"%s #%u replaces #%u", what, d->connection, d->instance,
		         d->serial, d->replaced);
		break;
	case LSW_EV_PLUTO_RESTARTED:
		snprintf(buf, len, "%s: SA serial numbers started over", what);
		break;
	default:
		snprintf(buf, len, "%s \"%s\"%s #%u%s", what, d->connection ? d->connection : "",
		         d->instance ? d->instance : "", d->serial,
		         d->superseded ? " (superseded)" : "");
		break;
	}
}
