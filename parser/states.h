/* states.h - libreswan's state names and stories (generated table, states.c). */
#ifndef LSW_STATES_H
#define LSW_STATES_H

#include <stddef.h>

#include "snapshot.h"

enum lsw_state_norm {
	LSW_NORM_NEGOTIATING = 0,
	LSW_NORM_ESTABLISHED = 1,
	LSW_NORM_OTHER = 2,
};

struct lsw_state_info {
	const char *token;   /* as printed: "STATE_MAIN_I4", "ESTABLISHED_IKE_SA" */
	const char *story;   /* libreswan's description, the whole 5.4 state text */
	unsigned char child; /* 1 = Child/IPsec SA, 0 = IKE/ISAKMP SA */
	unsigned char norm;  /* enum lsw_state_norm; "inbound-only" is negotiating */
	unsigned char ike;   /* 1 or 2 */
	unsigned char role;  /* enum lsw_role */
};

extern const struct lsw_state_info lsw_state_tokens[];
extern const unsigned lsw_state_tokens_n;
extern const struct lsw_state_info lsw_state_stories[];
extern const unsigned lsw_state_stories_n;

/* Look a printed state name / a 5.4 story up; NULL when unknown. s need not
 * be NUL-terminated. */
const struct lsw_state_info *lsw_state_by_token(const char *s, size_t n);
const struct lsw_state_info *lsw_state_by_story(const char *s, size_t n);

#endif
