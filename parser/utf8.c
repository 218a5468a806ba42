/* utf8.c - UTF-8 checks, escapes and cuts for peer-controlled text (utf8.h). */
#include "utf8.h"

#include <stdint.h>

/* Length of the valid UTF-8 character at s (n bytes left), 0 when the
 * bytes there are not one (RFC 3629 table 3.1). */
static size_t char_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return n >= 2 && (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		/* E0: no overlong form; ED: no surrogate */
		unsigned char lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;

		return n >= 3 && s[1] >= lo && s[1] <= hi && (s[2] & 0xc0) == 0x80 ? 3 : 0;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		/* F0: no overlong form; F4: nothing past U+10FFFF */
		unsigned char lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;

		return n >= 4 && s[1] >= lo && s[1] <= hi && (s[2] & 0xc0) == 0x80 &&
		               (s[3] & 0xc0) == 0x80
		           ? 4
		           : 0;
	}
	return 0;
}

/* The character at s (k bytes, valid) is C0, DEL or C1. */
static bool is_control(const unsigned char *s, size_t k)
{
	return (k == 1 && (s[0] < 0x20 || s[0] == 0x7f)) || (k == 2 && s[0] == 0xc2 && s[1] < 0xa0);
}

bool lsw_utf8_clean(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	/* nearly all text is printable ASCII: one compare per byte */
	while (i < n && (unsigned char)(s[i] - 0x20) < 0x5f)
		i++;
	while (i < n) {
		size_t k = char_len(s + i, n - i);

		if (k == 0 || is_control(s + i, k))
			return false;
		i += k;
	}
	return true;
}

size_t lsw_utf8_escape(char *dst, const char *str, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)str;
	size_t o = 0;

	for (size_t i = 0; i < n;) {
		size_t k = char_len(s + i, n - i);

		if (k == 0 || is_control(s + i, k)) {
			/* an invalid byte alone, or every byte of a control */
			size_t m = k ? k : 1;

			for (size_t j = 0; j < m; j++, i++) {
				if (dst) {
					dst[o] = '\\';
					dst[o + 1] = 'x';
					dst[o + 2] = hex[s[i] >> 4];
					dst[o + 3] = hex[s[i] & 0xf];
				}
				o += 4;
			}
			continue;
		}
		for (size_t j = 0; j < k; j++, i++, o++)
			if (dst)
				dst[o] = (char)s[i];
	}
	return o;
}

size_t lsw_utf8_cut(const char *str, size_t len, size_t max)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t k = len < max ? len : max;
	size_t lead = k;

	/* back over at most three continuation bytes to the lead byte of the
	 * last character that starts before k */
	while (lead > 0 && k - lead < 3 && (s[lead - 1] & 0xc0) == 0x80)
		lead--;
	if (lead == 0 || (s[lead - 1] & 0xc0) == 0x80)
		return k; /* no lead byte: stray continuation bytes, each its own */
	lead--;
	size_t need = char_len(s + lead, len - lead);

	if (need == 0) {
		/* not a valid character: a lead byte whose character the end of
		 * the string cut short (snprintf() does that) is dropped; other
		 * bytes stand alone and the cut at k splits nothing */
		unsigned char c = s[lead];
		size_t want = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;

		if (c < 0xc2 || c > 0xf4 || len - lead >= want)
			return k;
		for (size_t i = lead + 1; i < len; i++)
			if ((s[i] & 0xc0) != 0x80)
				return k;
		return lead;
	}
	return k - lead >= need ? k : lead;
}
