/* tests/e2e/uml-glibc-compat.c - let a linux.uml built against glibc 2.38+
 * run on Debian 12's glibc 2.36. Used by tests/e2e/uml-kernel.sh on the
 * kernel it fetches from Debian unstable, never on an installed file.
 *
 *   uml-glibc-compat FILE     patch FILE in place; prints what it changed
 *
 * glibc 2.38 added C23 variants __isoc23_strtol, __isoc23_strtoul and
 * __isoc23_sscanf (the only difference: they also accept a "0b" binary
 * prefix); a program compiled with 2.38's headers imports them at version
 * GLIBC_2.38. Each such import becomes the classic function (st_name moved
 * 9 bytes on, to the suffix of the same .dynstr string) at version
 * GLIBC_2.2.5, and the GLIBC_2.38 entry of .gnu.version_r, then unused,
 * becomes a second GLIBC_2.2.5 (same name and hash), so ld.so asks for
 * nothing newer. Any other import newer than GLIBC_2.36: exit 2, file
 * untouched. Nothing to do: exit 0, file untouched.
 */
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *file;

static void die(const char *why)
{
	fprintf(stderr, "uml-glibc-compat: %s: %s\n", file, why);
	exit(2);
}

/* "GLIBC_2.38" -> 1 when newer than 2.36 (what Debian 12 has). */
static int too_new(const char *v)
{
	int maj, min;

	if (sscanf(v, "GLIBC_%d.%d", &maj, &min) != 2)
		return 0;
	return maj > 2 || (maj == 2 && min > 36);
}

int main(int argc, char **argv)
{
	static const char *const c23[] = {"__isoc23_strtol", "__isoc23_strtoul", "__isoc23_sscanf"};
	const size_t prefix = strlen("__isoc23_");
	Elf64_Shdr *sh, *dynsym = NULL, *versym = NULL, *verneed = NULL;
	Elf64_Vernaux *base = NULL, *aux, *auxs[256];
	Elf64_Verneed *vn;
	Elf64_Sym *sym;
	Elf64_Half *vs;
	const char *str;
	unsigned char *m;
	struct stat st;
	size_t i, n, j, naux = 0, changed = 0;
	int fd, pass;

	if (argc != 2) {
		fprintf(stderr, "usage: uml-glibc-compat FILE\n");
		return 2;
	}
	file = argv[1];
	fd = open(file, O_RDWR);
	if (fd < 0 || fstat(fd, &st) < 0)
		die("cannot open");
	m = mmap(NULL, st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED)
		die("cannot map");
	Elf64_Ehdr *eh = (Elf64_Ehdr *)m;
	if ((size_t)st.st_size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB)
		die("not a 64-bit little-endian ELF file");
	if (eh->e_shoff + (size_t)eh->e_shnum * sizeof(*sh) > (size_t)st.st_size)
		die("section headers out of the file");
	sh = (Elf64_Shdr *)(m + eh->e_shoff);
	for (i = 0; i < eh->e_shnum; i++) {
		if (sh[i].sh_type != SHT_NOBITS &&
		    sh[i].sh_offset + sh[i].sh_size > (size_t)st.st_size)
			die("section out of the file");
		if (sh[i].sh_type == SHT_DYNSYM)
			dynsym = &sh[i];
		else if (sh[i].sh_type == SHT_GNU_versym)
			versym = &sh[i];
		else if (sh[i].sh_type == SHT_GNU_verneed)
			verneed = &sh[i];
	}
	if (!dynsym || !versym || !verneed || dynsym->sh_link >= eh->e_shnum)
		die("no .dynsym, .gnu.version or .gnu.version_r");
	str = (const char *)m + sh[dynsym->sh_link].sh_offset;
	sym = (Elf64_Sym *)(m + dynsym->sh_offset);
	vs = (Elf64_Half *)(m + versym->sh_offset);
	n = dynsym->sh_size / sizeof(*sym);
	if (versym->sh_size < n * sizeof(*vs))
		die(".gnu.version shorter than .dynsym");

	/* Every Vernaux, by version index. */
	for (vn = (Elf64_Verneed *)(m + verneed->sh_offset);;
	     vn = (Elf64_Verneed *)((unsigned char *)vn + vn->vn_next)) {
		aux = (Elf64_Vernaux *)((unsigned char *)vn + vn->vn_aux);
		for (j = 0; j < vn->vn_cnt; j++) {
			if (naux == sizeof(auxs) / sizeof(auxs[0]))
				die("too many version needs");
			auxs[naux++] = aux;
			if (!strcmp(str + aux->vna_name, "GLIBC_2.2.5"))
				base = aux;
			aux = (Elf64_Vernaux *)((unsigned char *)aux + aux->vna_next);
		}
		if (!vn->vn_next)
			break;
	}
	if (!base)
		die("no GLIBC_2.2.5 in .gnu.version_r");

	/* Pass 0 checks, pass 1 writes. */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < n; i++) {
			const char *vname = NULL, *name = str + sym[i].st_name;
			size_t k;

			for (j = 0; j < naux; j++)
				if (auxs[j]->vna_other == (vs[i] & 0x7fff))
					vname = str + auxs[j]->vna_name;
			if (!vname || !too_new(vname))
				continue;
			for (k = 0; k < sizeof(c23) / sizeof(c23[0]); k++)
				if (!strcmp(name, c23[k]))
					break;
			if (k == sizeof(c23) / sizeof(c23[0])) {
				fprintf(
				    stderr,
				    "uml-glibc-compat: %s: imports %s@%s, which glibc 2.36 lacks\n",
				    file, name, vname);
				exit(2);
			}
			if (pass) {
				printf("%s@%s -> %s@GLIBC_2.2.5\n", name, vname, name + prefix);
				sym[i].st_name += prefix;
				vs[i] = (vs[i] & 0x8000) | base->vna_other;
				changed++;
			}
		}
	}
	for (j = 0; j < naux; j++) {
		if (too_new(str + auxs[j]->vna_name)) {
			printf("needed %s -> GLIBC_2.2.5\n", str + auxs[j]->vna_name);
			auxs[j]->vna_hash = base->vna_hash;
			auxs[j]->vna_name = base->vna_name;
			changed++;
		}
	}
	if (changed && msync(m, st.st_size, MS_SYNC) < 0)
		die("cannot write");
	return 0;
}
