/* maps.c - the two hash maps the parser merges by: serial -> SA and
 * (name, instance) -> connection. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static uint32_t mix32(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7feb352dU;
	x ^= x >> 15;
	x *= 0x846ca68bU;
	x ^= x >> 16;
	return x;
}

int lsw_serial_map_get(const struct lsw_serial_map *m, uint32_t serial, size_t *idx, bool *child)
{
	if (serial >= m->dense_base && serial - m->dense_base < m->dense_cap) {
		uint32_t v = m->dense[serial - m->dense_base];

		if (v) {
			*idx = (v >> 1) - 1;
			*child = v & 1;
			return 0;
		}
	}
	if (m->cap == 0)
		return -1;
	size_t mask = m->cap - 1;

	for (size_t i = mix32(serial) & mask;; i = (i + 1) & mask) {
		const struct lsw_serial_slot *sl = &m->slots[i];

		if (sl->val == 0)
			return -1;
		if (sl->key == serial) {
			*idx = (sl->val >> 1) - 1;
			*child = sl->val & 1;
			return 0;
		}
	}
}

static int serial_map_grow(struct lsw_serial_map *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64;
	struct lsw_serial_slot *slots;

	if (cap > (size_t)UINT32_MAX || !(slots = calloc(cap, sizeof(*slots))))
		return -1;
	for (size_t j = 0; j < m->cap; j++) {
		if (!m->slots[j].val)
			continue;
		size_t i = mix32(m->slots[j].key) & (cap - 1);

		while (slots[i].val)
			i = (i + 1) & (cap - 1);
		slots[i] = m->slots[j];
	}
	free(m->slots);
	m->slots = slots;
	m->cap = cap;
	return 0;
}

/* The dense slot for serial, the range grown if it may; NULL: use the hash. */
static uint32_t *dense_slot(struct lsw_serial_map *m, uint32_t serial)
{
	if (!m->dense)
		m->dense_base = serial > 64 ? serial - 64 : 0; /* the first serial seen */
	if (serial < m->dense_base)
		return NULL;
	size_t off = serial - m->dense_base;

	if (off < m->dense_cap)
		return &m->dense[off];
	size_t limit = 4 * (m->n + m->dense_n + 1) + 4096;

	if (off >= limit)
		return NULL;
	size_t cap = m->dense_cap ? m->dense_cap : 1024;

	while (cap <= off)
		cap *= 2;
	if (cap > limit)
		cap = limit;
	uint32_t *d = realloc(m->dense, cap * sizeof(*d));

	if (!d)
		return NULL; /* the hash still takes it */
	memset(d + m->dense_cap, 0, (cap - m->dense_cap) * sizeof(*d));
	m->dense = d;
	m->dense_cap = cap;
	return &m->dense[off];
}

int lsw_serial_map_put(struct lsw_serial_map *m, uint32_t serial, size_t idx, bool child)
{
	if (idx >= (UINT32_MAX >> 1) - 1)
		return -1;
	uint32_t *d = dense_slot(m, serial);

	if (d) {
		if (!*d)
			m->dense_n++;
		*d = (uint32_t)((idx + 1) << 1) | (child ? 1u : 0u);
		return 0;
	}
	/* at most 3/4 full: probes stay short with mix32, the table small */
	if ((m->n + 1) * 4 > m->cap * 3 && serial_map_grow(m) < 0)
		return -1;
	size_t mask = m->cap - 1;
	size_t i = mix32(serial) & mask;

	while (m->slots[i].val && m->slots[i].key != serial)
		i = (i + 1) & mask;
	if (!m->slots[i].val)
		m->n++;
	m->slots[i].key = serial;
	m->slots[i].val = (uint32_t)((idx + 1) << 1) | (child ? 1u : 0u);
	return 0;
}

void lsw_serial_map_free(struct lsw_serial_map *m)
{
	free(m->slots);
	free(m->dense);
	memset(m, 0, sizeof(*m));
}

/* FNV-1a over name, a separator, and instance. */
static uint32_t conn_hash(const char *name, size_t name_len, const char *inst, size_t inst_len)
{
	uint32_t h = 2166136261U;

	for (size_t i = 0; i < name_len; i++)
		h = (h ^ (unsigned char)name[i]) * 16777619U;
	h = (h ^ 0xffU) * 16777619U;
	for (size_t i = 0; i < inst_len; i++)
		h = (h ^ (unsigned char)inst[i]) * 16777619U;
	return h;
}

static bool conn_eq(const struct lsw_connection *c, const char *name, size_t name_len,
                    const char *inst, size_t inst_len)
{
	/* no strlen: the stored strings are NUL-terminated, the keys (parts of a
	 * line without NUL) are not; the byte compare stops at the stored
	 * string's NUL, which no key byte equals */
	return lsw_mem_eq(c->name, name, name_len) && c->name[name_len] == '\0' &&
	       lsw_mem_eq(c->instance, inst, inst_len) && c->instance[inst_len] == '\0';
}

long lsw_conn_map_get(const struct lsw_conn_map *m, const struct lsw_connection *conns,
                      const char *name, size_t name_len, const char *inst, size_t inst_len)
{
	if (m->cap == 0)
		return -1;
	uint32_t h = conn_hash(name, name_len, inst, inst_len);
	size_t mask = m->cap - 1;

	for (size_t i = h & mask;; i = (i + 1) & mask) {
		const struct lsw_conn_slot *sl = &m->slots[i];

		if (sl->idx == 0)
			return -1;
		if (sl->hash == h && conn_eq(&conns[sl->idx - 1], name, name_len, inst, inst_len))
			return (long)sl->idx - 1;
	}
}

int lsw_conn_map_put(struct lsw_conn_map *m, const struct lsw_connection *conns, size_t idx)
{
	if (idx >= UINT32_MAX - 1)
		return -1;
	if ((m->n + 1) * 4 > m->cap * 3) { /* at most 3/4 full, as the serial map */
		size_t cap = m->cap ? m->cap * 2 : 64;
		struct lsw_conn_slot *slots = calloc(cap, sizeof(*slots));

		if (!slots)
			return -1;
		for (size_t j = 0; j < m->cap; j++) {
			if (!m->slots[j].idx)
				continue;
			size_t i = m->slots[j].hash & (cap - 1);

			while (slots[i].idx)
				i = (i + 1) & (cap - 1);
			slots[i] = m->slots[j];
		}
		free(m->slots);
		m->slots = slots;
		m->cap = cap;
	}
	const struct lsw_connection *c = &conns[idx];
	uint32_t h = conn_hash(c->name, strlen(c->name), c->instance, strlen(c->instance));
	size_t i = h & (m->cap - 1);

	while (m->slots[i].idx)
		i = (i + 1) & (m->cap - 1);
	m->slots[i].idx = (uint32_t)idx + 1;
	m->slots[i].hash = h;
	m->n++;
	return 0;
}

void lsw_conn_map_free(struct lsw_conn_map *m)
{
	free(m->slots);
	memset(m, 0, sizeof(*m));
}
