/* lswstat - libreswan's status, readable: a table, --json or --summary.
 *
 * Input is either `ipsec whack --status` plus `--trafficstatus`, run here
 * without a shell, or saved output given with --status/--traffic. All of
 * it goes through one parser, so any mix of commands in any file works.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "parser.h"
#include "kernel/xfrm_file.h"
#include "lswstat/print.h"
#include "util/proc.h"

#define EXIT_USAGE         2
#define DEFAULT_IPSEC      "/usr/sbin/ipsec"
#define DEFAULT_TIMEOUT_MS 10000
/* The most read from one input (a file, or one whack command's output):
 * the agent's max-output default (agent/config.h). pluto prints ~2 KB per
 * connection, so this is ~100k tunnels; /dev/zero stops here. */
#define DEFAULT_MAX_OUTPUT ((size_t)256 * 1024 * 1024)
#define MIN_MAX_OUTPUT     ((size_t)4096)
#define MAX_MAX_OUTPUT     ((size_t)1 << 31)
#define MAX_FILES          64

enum output { OUT_TABLE, OUT_JSON, OUT_SUMMARY };

struct options {
	const char *ipsec;
	const char *ctlsocket;
	int timeout_ms;
	size_t max_output;  /* bytes of one input, at most */
	bool whack_options; /* --ipsec/--ctlsocket/--timeout given */
	const char *files[MAX_FILES];
	size_t n_files;
	enum output output;
	int kernel;            /* KERNEL_AUTO, _YES, _NO */
	const char *xfrm_file; /* a recorded XFRM dump instead of the kernel's */
};

enum { KERNEL_AUTO, KERNEL_YES, KERNEL_NO };

static const char usage_text[] =
    "Usage: lswstat [--json | --summary] [--ipsec PATH] [--ctlsocket PATH]\n"
    "               [--timeout SECONDS] [--max-output BYTES]\n"
    "       lswstat [--json | --summary] [--max-output BYTES]\n"
    "               --status FILE [--traffic FILE] ... [--xfrm-file FILE]\n"
    "       lswstat --help | --version\n";

static const char help_text[] =
    "\n"
    "Show libreswan's IPsec state: connections, IKE SAs and Child SAs.\n"
    "\n"
    "Without --status/--traffic, lswstat runs `IPSEC whack --status` and\n"
    "`IPSEC whack --trafficstatus` (no shell, environment LC_ALL=C) and reads\n"
    "both. With them, it reads saved output instead. Every file may hold any mix\n"
    "of the output of whack --status, --trafficstatus, --showstates,\n"
    "--briefstatus and --connectionstatus, from libreswan 3.x to 5.x, whole or\n"
    "filtered (grep): each line is understood on its own, and lines it does not\n"
    "understand are counted and skipped. Exact trafficstatus byte counts win over\n"
    "the rounded ones of the status output.\n"
    "\n"
    "Input:\n"
    "  --ipsec PATH        the ipsec command, an absolute path\n"
    "                      (default " DEFAULT_IPSEC ")\n"
    "  --ctlsocket PATH    pluto's control socket, passed to whack\n"
    "                      (default: whack's own, /run/pluto/pluto.ctl)\n"
    "  --timeout SECONDS   give up on ipsec after this long in all, killing it\n"
    "                      (default 10; fractions allowed)\n"
    "  --status FILE       read saved output from FILE; - is standard input\n"
    "  --traffic FILE      the same (a second name for readability); both may be\n"
    "                      given several times, files are read in order\n"
    "  --max-output BYTES  read at most this much of each file or whack command\n"
    "                      (4096..2147483648, default 268435456 = 256 MiB, as\n"
    "                      the agent's max-output); more is an error. One line\n"
    "                      longer than 64 KiB is counted as not understood\n"
    "  --kernel yes|no|auto  also read the kernel's IPsec SAs (one XFRM netlink\n"
    "                      dump: packets, replay and integrity errors per Child\n"
    "                      SA, and whether the kernel has it). auto (default):\n"
    "                      when running ipsec as root (CAP_NET_ADMIN), silently\n"
    "                      not otherwise, never with saved files (they are not\n"
    "                      this kernel's); yes: an error when it cannot\n"
    "  --xfrm-file FILE    a recorded XFRM dump instead (tests/data/xfrm/README.md)\n"
    "\n"
    "Output (one of):\n"
    "  (default)           a table of connections (state up / connecting / down,\n"
    "                      peer, IKE version, newest IKE SA and Child SA, bytes in\n"
    "                      and out, uptime of the newest Child SA), then tables of\n"
    "                      IKE SAs and Child SAs (* marks the newest; ~ a byte count\n"
    "                      rounded by pluto), then the counts. Control\n"
    "                      characters (C0, DEL, C1), bidi overrides and embeddings\n"
    "                      (U+202A..U+202E, U+2066..U+2069) and invalid UTF-8 show\n"
    "                      as ?; the parser already writes every byte of a control\n"
    "                      or of invalid UTF-8 (names, IDs, usernames) as \\xNN\n"
    "  -j, --json          one JSON object: connections, ike_sas, child_sas, totals\n"
    "                      (pluto's own), counts, lines, unparsed, unparsed_lines;\n"
    "                      with the kernel's SAs each Child SA has \"kernel\"\n"
    "                      (state, in_packets, out_packets, replay, replay_window,\n"
    "                      integrity_failed) and kernel_sas counts them.\n"
    "                      Numbers are numbers; what the text did not say is null\n"
    "  -s, --summary       one line of counts: connections up connecting down\n"
    "                      ike_sas ike_established child_sas child_established\n"
    "                      unparsed lines (key=value)\n"
    "\n"
    "  -h, --help          this text\n"
    "  -V, --version       the version\n"
    "\n"
    "Exit status:\n"
    "  0  the status was read and printed (also when some lines were not understood)\n"
    "  1  a file could not be read or was larger than --max-output, or ipsec could\n"
    "     not run, failed, timed out, printed more than --max-output or nothing\n"
    "     but errors\n"
    "  2  usage error\n"
    "\n"
    "Examples:\n"
    "  lswstat\n"
    "  lswstat --json | jq '.child_sas[] | {serial, in_bytes, out_bytes}'\n"
    "  ipsec whack --trafficstatus | lswstat --summary --status -\n"
    "  lswstat --status status.txt --traffic traffic.txt\n";

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("lswstat: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n", stderr);
	fputs(usage_text, stderr);
	fputs("Try 'lswstat --help' for more information.\n", stderr);
	return EXIT_USAGE;
}

/* Seconds, fractions allowed, 1 ms .. 1 day. */
static int parse_timeout(const char *s, int *ms)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(d >= 0.001 && d <= 86400))
		return -1;
	*ms = (int)(d * 1000 + 0.5);
	return 0;
}

/* A number of bytes in MIN_MAX_OUTPUT..MAX_MAX_OUTPUT, decimal digits only. */
static int parse_max_output(const char *s, size_t *out)
{
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < MIN_MAX_OUTPUT || v > MAX_MAX_OUTPUT)
		return -1;
	*out = (size_t)v;
	return 0;
}

/* Returns -1 to continue, else the exit code. */
static int parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
	    {"ipsec", required_argument, NULL, 'i'},
	    {"ctlsocket", required_argument, NULL, 'c'},
	    {"timeout", required_argument, NULL, 't'},
	    {"status", required_argument, NULL, 'S'},
	    {"traffic", required_argument, NULL, 'T'},
	    {"json", no_argument, NULL, 'j'},
	    {"summary", no_argument, NULL, 's'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {"max-output", required_argument, NULL, 'm'},
	    {"kernel", required_argument, NULL, 'k'},
	    {"xfrm-file", required_argument, NULL, 'X'},
	    {NULL, 0, NULL, 0},
	};
	bool json = false, summary = false;
	int c;

	*o = (struct options){.ipsec = DEFAULT_IPSEC,
	                      .timeout_ms = DEFAULT_TIMEOUT_MS,
	                      .max_output = DEFAULT_MAX_OUTPUT};
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":jshV", longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			if (optarg[0] != '/')
				return usage_error("--ipsec needs an absolute path, not '%s'",
				                   optarg);
			o->ipsec = optarg;
			o->whack_options = true;
			break;
		case 'c':
			o->ctlsocket = optarg;
			o->whack_options = true;
			break;
		case 't':
			if (parse_timeout(optarg, &o->timeout_ms) < 0)
				return usage_error(
				    "--timeout: not a number of seconds in 0.001..86400: "
				    "'%s'",
				    optarg);
			o->whack_options = true;
			break;
		case 'm':
			if (parse_max_output(optarg, &o->max_output) < 0)
				return usage_error(
				    "--max-output: not a number of bytes in %zu..%zu: "
				    "'%s'",
				    MIN_MAX_OUTPUT, MAX_MAX_OUTPUT, optarg);
			break;
		case 'S':
		case 'T':
			if (o->n_files == MAX_FILES)
				return usage_error("too many files (at most %d)", MAX_FILES);
			o->files[o->n_files++] = optarg;
			break;
		case 'k':
			if (strcmp(optarg, "yes") == 0)
				o->kernel = KERNEL_YES;
			else if (strcmp(optarg, "no") == 0)
				o->kernel = KERNEL_NO;
			else if (strcmp(optarg, "auto") == 0)
				o->kernel = KERNEL_AUTO;
			else
				return usage_error("--kernel: '%s' is not yes, no or auto", optarg);
			break;
		case 'X':
			o->xfrm_file = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 's':
			summary = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			fputs(help_text, stdout);
			return EXIT_SUCCESS;
		case 'V':
			printf("lswstat %s\n", LSW_VERSION);
			return EXIT_SUCCESS;
		case ':':
			return usage_error("option '%s' needs an argument", argv[optind - 1]);
		default:
			/* optopt is set for a short option, maybe inside "-jx". */
			if (optopt != 0)
				return usage_error("unknown option '-%c'", optopt);
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s' (files go after --status)",
		                   argv[optind]);
	if (json && summary)
		return usage_error("%s", "--json and --summary exclude each other");
	if (o->n_files > 0 && o->whack_options)
		return usage_error("%s", "--ipsec, --ctlsocket and --timeout run ipsec; they make "
		                         "no sense with --status/--traffic");
	o->output = json ? OUT_JSON : summary ? OUT_SUMMARY : OUT_TABLE;
	return -1;
}

/* Files and commands are concatenated for the parser: each ends with
 * lsw_parser_end_input() so that the last line of one does not run into
 * the first of the next. */
static int read_file(struct lsw_parser *p, const char *path, size_t max_output)
{
	static char buf[65536];
	bool is_stdin = strcmp(path, "-") == 0;
	const char *name = is_stdin ? "standard input" : path;
	int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	size_t total = 0;
	int rc = -1;

	if (fd < 0) {
		fprintf(stderr, "lswstat: %s: %s\n", name, strerror(errno));
		return -1;
	}
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "lswstat: %s: %s\n", name, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		if ((size_t)n > max_output - total) {
			/* /dev/zero, a runaway writer: stop instead of reading forever */
			fprintf(stderr, "lswstat: %s: larger than --max-output (%zu bytes)\n", name,
			        max_output);
			goto out;
		}
		total += (size_t)n;
		if (lsw_parser_feed(p, buf, (size_t)n) < 0) {
			fprintf(stderr, "lswstat: %s: out of memory\n", name);
			goto out;
		}
	}
	if (lsw_parser_end_input(p) < 0) {
		fprintf(stderr, "lswstat: out of memory\n");
		goto out;
	}
	rc = 0;
out:
	if (!is_stdin)
		close(fd);
	return rc;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The first line of what the child said on stderr, for an error message. */
static void first_stderr_line(const struct lsw_proc *proc, char *buf, size_t len)
{
	const char *e = lsw_proc_stderr(proc, NULL);
	size_t n = strcspn(e, "\n");

	if (n >= len)
		n = len - 1;
	memcpy(buf, e, n);
	buf[n] = '\0';
}

/* Run one whack command and feed its stdout. deadline_ms is shared by both
 * commands so --timeout bounds the whole run. */
static int run_whack(struct lsw_parser *p, const struct options *o, enum lsw_whack_cmd cmd,
                     long long deadline_ms)
{
	const char *argv[LSW_WHACK_ARGV_MAX];
	const char *what = cmd == LSW_WHACK_STATUS ? "--status" : "--trafficstatus";
	struct lsw_proc *proc = NULL;
	char err[512], how[128], said[256];
	long long left = deadline_ms - now_ms();
	const char *out;
	size_t len;
	int rc = -1;

	lsw_whack_argv(argv, o->ipsec, o->ctlsocket, cmd);
	if (left <= 0) {
		fprintf(stderr, "lswstat: %s whack %s: timed out (--timeout)\n", o->ipsec, what);
		return -1;
	}
	if (lsw_proc_run(argv, (int)left, o->max_output, &proc, err, sizeof(err)) < 0) {
		fprintf(stderr, "lswstat: whack %s: %s\n", what, err);
		return -1;
	}
	out = lsw_proc_output(proc, &len);
	first_stderr_line(proc, said, sizeof(said));
	if (lsw_proc_exit_status(proc) != 0) {
		lsw_proc_describe_status(proc, how, sizeof(how));
		fprintf(stderr, "lswstat: %s whack %s %s%s%s\n", o->ipsec, what, how,
		        said[0] ? ": " : "", said);
		goto out;
	}
	if (len == 0 && said[0] != '\0') {
		fprintf(stderr, "lswstat: %s whack %s printed only an error: %s\n", o->ipsec, what,
		        said);
		goto out;
	}
	if (lsw_proc_truncated(proc)) {
		fprintf(stderr,
		        "lswstat: %s whack %s: output larger than --max-output (%zu bytes)\n",
		        o->ipsec, what, o->max_output);
		goto out;
	}
	if (said[0] != '\0')
		fprintf(stderr, "lswstat: warning: %s whack %s: %s\n", o->ipsec, what, said);
	if ((len > 0 && lsw_parser_feed(p, out, len) < 0) || lsw_parser_end_input(p) < 0) {
		fprintf(stderr, "lswstat: out of memory\n");
		goto out;
	}
	rc = 0;
out:
	lsw_proc_free(proc);
	return rc;
}

static struct lsw_snapshot *collect(const struct options *o)
{
	struct lsw_parser *p = lsw_parser_new();
	struct lsw_snapshot *snap;

	if (p == NULL) {
		fprintf(stderr, "lswstat: out of memory\n");
		return NULL;
	}
	if (o->n_files > 0) {
		for (size_t i = 0; i < o->n_files; i++)
			if (read_file(p, o->files[i], o->max_output) < 0)
				goto fail;
	} else {
		long long deadline = now_ms() + o->timeout_ms;

		if (run_whack(p, o, LSW_WHACK_STATUS, deadline) < 0 ||
		    run_whack(p, o, LSW_WHACK_TRAFFICSTATUS, deadline) < 0)
			goto fail;
	}
	snap = lsw_parser_finish(p);
	if (snap == NULL)
		fprintf(stderr, "lswstat: out of memory\n");
	return snap;
fail:
	lsw_parser_free(p);
	return NULL;
}

/* The kernel's SAs, or NULL (off, or not permitted with auto). *failed
 * when it was asked for (yes, a file) and could not be read. */
static struct lsw_xfrm_dump *kernel_dump(const struct options *o, bool *failed)
{
	struct lsw_xfrm_dump *d = NULL;
	char err[256];
	int rc;

	*failed = false;
	if (o->kernel == KERNEL_NO)
		return NULL;
	if (o->xfrm_file != NULL) {
		rc = lsw_xfrm_dump_file(o->xfrm_file, &d, err, sizeof(err));
	} else {
		/* saved files are another time's, maybe another host's */
		if (o->kernel == KERNEL_AUTO && (o->n_files > 0 || geteuid() != 0))
			return NULL;
		rc = lsw_xfrm_dump_kernel(&d, 2000, err, sizeof(err));
	}
	if (rc == LSW_XFRM_OK)
		return d;
	if (o->kernel == KERNEL_YES || o->xfrm_file != NULL) {
		fprintf(stderr, "lswstat: the kernel's SAs: %s\n", err);
		*failed = true;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct options o;
	struct lsw_snapshot *snap;
	struct lsw_xfrm_dump *k;
	bool kfailed;
	int rc = parse_args(argc, argv, &o);

	if (rc >= 0)
		return rc;
	snap = collect(&o);
	if (snap == NULL)
		return EXIT_FAILURE;
	k = kernel_dump(&o, &kfailed);
	if (kfailed) {
		lsw_snapshot_free(snap);
		return EXIT_FAILURE;
	}
	rc = EXIT_SUCCESS;
	switch (o.output) {
	case OUT_JSON:
		lswstat_print_json(stdout, snap, k);
		break;
	case OUT_SUMMARY:
		lswstat_print_summary(stdout, snap);
		break;
	case OUT_TABLE:
		if (lswstat_print_table(stdout, snap, k, time(NULL)) < 0) {
			fprintf(stderr, "lswstat: out of memory\n");
			rc = EXIT_FAILURE;
		}
		break;
	}
	lsw_snapshot_free(snap);
	lsw_xfrm_dump_free(k);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "lswstat: writing output: %s\n", strerror(errno));
		rc = EXIT_FAILURE;
	}
	return rc;
}
