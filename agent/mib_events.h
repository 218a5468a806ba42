/* mib_events.h - lsEventTable and lsEventLastIndex, served from the event
 * ring (events.h) that notify keeps. */
#ifndef LSW_MIB_EVENTS_H
#define LSW_MIB_EVENTS_H

#include "mib_table.h"
#include "mib_value.h"

struct lsw_event_rec;

/* Column col of an event row: 0 and *out set, or -1 when col is not a
 * readable column. Also the value of every lsEvent* varbind of a trap. */
int lsw_event_value(const struct lsw_event_rec *r, unsigned col, struct lsw_value *out);

extern const struct lsw_table_ops lsw_events_table_ops;

/* Register both; src->data(src->arg) returns the ring (const struct
 * lsw_events *). src must live until lsw_mib_unregister_all(). */
int lsw_mib_events_register(struct lsw_mib_source *src);

#endif
