/* seccomp-run ALLOWFILE CMD [ARG]... - run CMD under a seccomp filter built
 * like the one systemd builds for the unit's
 *
 *   SystemCallFilter=<allow list>  SystemCallErrorNumber=EPERM
 *   SystemCallArchitectures=native
 *   RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK
 *
 * ALLOWFILE holds the allowed system call numbers of this ABI, one a line
 * (tests/deb/unit-sandbox-pluto.sh writes it from systemd-analyze
 * syscall-filter, so the sets are systemd's own). Any other call fails with
 * EPERM, socket() of another family with EAFNOSUPPORT, a call through
 * another ABI (x32, i386) kills the process. Sets no_new_privs itself, as
 * NoNewPrivileges=yes does. x86-64 only; a test helper, not installed. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef __x86_64__
#error "seccomp-run: x86-64 only"
#endif

#define MAX_CALLS 1000
#define MAX_INSNS (2 * MAX_CALLS + 32)

int main(int argc, char *argv[])
{
	static struct sock_filter prog[MAX_INSNS];
	size_t n = 0;
	unsigned long nr;
	FILE *f;

	if (argc < 3) {
		fputs("usage: seccomp-run ALLOWFILE CMD [ARG]...\n", stderr);
		return 2;
	}
	f = fopen(argv[1], "r");
	if (!f) {
		perror(argv[1]);
		return 2;
	}
	/* Native ABI only; x32 calls carry __X32_SYSCALL_BIT on x86-64. */
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	                                         offsetof(struct seccomp_data, arch));
	prog[n++] =
	    (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0);
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	                                         offsetof(struct seccomp_data, nr));
	prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1);
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
	/* RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK */
	prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_socket, 0, 7);
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	                                         offsetof(struct seccomp_data, args[0]));
	prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_UNIX, 4, 0);
	prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_INET, 3, 0);
	prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_INET6, 2, 0);
	prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_NETLINK, 1, 0);
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EAFNOSUPPORT);
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	/* The allow list: one compare and one return each (jumps are 8-bit). */
	while (fscanf(f, "%lu", &nr) == 1) {
		if (n + 3 > MAX_INSNS) {
			fputs("seccomp-run: too many system calls\n", stderr);
			return 2;
		}
		prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 1);
		prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	}
	fclose(f);
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM);

	struct sock_fprog fprog = {.len = (unsigned short)n, .filter = prog};
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		perror("seccomp-run: PR_SET_NO_NEW_PRIVS");
		return 2;
	}
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog) != 0) {
		perror("seccomp-run: PR_SET_SECCOMP");
		return 2;
	}
	execvp(argv[2], argv + 2);
	perror(argv[2]);
	return 127;
}
