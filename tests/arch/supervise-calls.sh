#!/bin/sh
# SPDX-License-Identifier: ISC
# supervise's files call one another as a tree, not a knot: no file calls,
# directly or through others, a file that calls it (doc/ARCHITECTURE.md,
# "supervise: files and event flow"). The call graph is read from the
# built objects with nm: file A calls file B when A's object uses a global
# function that B's object defines. Any cycle fails the test, printed with
# the functions that make it. Deterministic: the same objects give the
# same graph and the same output (sorted, C locale).
# Objects: the members of src/libsupervise.a, supervise.c's and
# svscan_fork.c's (automake may prefix an object with its target's name).
set -u
LC_ALL=C
export LC_ALL
B=${DT_BUILDDIR:-.}
NM=${NM:-nm}

command -v "$NM" >/dev/null 2>&1 || { echo "1..0 # SKIP no $NM"; exit 0; }
lib=$B/src/libsupervise.a
[ -f "$lib" ] || { echo "1..1"; echo "not ok 1 - $lib not built"; exit 1; }
objs=
for o in "$B"/src/supervise.o "$B"/src/*-supervise.o "$B"/src/svscan_fork.o \
	"$B"/src/*-svscan_fork.o; do
	[ -f "$o" ] && objs="$objs $o"
done

# "FILE[MEMBER.o]: SYM TYPE ..." or "FILE.o: SYM TYPE ...": the source's
# name (automake's "target-" prefix dropped), the type, the symbol.
# shellcheck disable=SC2086
"$NM" -A -P "$lib" $objs | awk '
{
	f = $1; sub(/:$/, "", f)
	if (f ~ /\]$/) { sub(/^.*\[/, "", f); sub(/\]$/, "", f) } else sub(/^.*\//, "", f)
	sub(/\.o$/, "", f); sub(/^.*-/, "", f)
	print f ".c", $3, $2
}' | sort -u | awk '
$2 == "T" { def[$3] = $1; next }
$2 == "U" { n++; ufile[n] = $1; usym[n] = $3 }
END {
	for (i = 1; i <= n; i++) {
		b = def[usym[i]]
		if (b == "" || b == ufile[i]) continue
		k = ufile[i] SUBSEP b
		if (!(k in via)) { via[k] = usym[i]; ne++ ; ea[ne] = ufile[i]; eb[ne] = b }
		else if (index(" " via[k] " ", " " usym[i] " ") == 0) via[k] = via[k] " " usym[i]
		node[ufile[i]] = 1; node[b] = 1
	}
	nn = 0
	for (x in node) nn++
	# reach[a,b]: a calls b, directly or not (Warshall; a dozen files).
	for (i = 1; i <= ne; i++) reach[ea[i], eb[i]] = 1
	for (k in node) for (a in node) if ((a, k) in reach)
		for (b in node) if ((k, b) in reach) reach[a, b] = 1
	printf "1..2\n"
	if (nn >= 5 && ne >= 4)
		printf "ok 1 - the call graph of supervise'"'"'s files was read (%d files, %d calls)\n", nn, ne
	else
		printf "not ok 1 - too few files (%d) or calls (%d) found by nm: is the build complete?\n", nn, ne
	# Every edge inside a cycle, sorted by the caller: "A -> B (f g)".
	bad = 0
	for (i = 1; i <= ne; i++)
		if ((eb[i], ea[i]) in reach) {
			line[++bad] = "#   " ea[i] " -> " eb[i] " (" via[ea[i], eb[i]] ")"
		}
	for (i = 2; i <= bad; i++) for (j = i; j > 1 && line[j - 1] > line[j]; j--) {
		t = line[j]; line[j] = line[j - 1]; line[j - 1] = t
	}
	if (!bad) {
		printf "ok 2 - supervise'"'"'s files call one another as a tree (no cycle)\n"
		for (i = 1; i <= ne; i++) edges[i] = "#   " ea[i] " -> " eb[i] " (" via[ea[i], eb[i]] ")"
		for (i = 2; i <= ne; i++) for (j = i; j > 1 && edges[j - 1] > edges[j]; j--) {
			t = edges[j]; edges[j] = edges[j - 1]; edges[j - 1] = t
		}
		for (i = 1; i <= ne; i++) print edges[i]
		exit 0
	}
	printf "not ok 2 - supervise'"'"'s files call one another in a cycle: these calls go both\n"
	printf "#   ways (caller -> callee (functions)); make the callee return what happened\n"
	printf "#   instead, or move the shared code below both (supervise_base.c):\n"
	for (i = 1; i <= bad; i++) print line[i]
	exit 1
}'
